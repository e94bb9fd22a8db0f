//! equivm-circuits: the halo2 circuits of equivm (EVM, state, bytecode, copy, keccak, tx and
//! public-input circuits, and the super circuit that joins them).
//!
//! This version has the lookup tables ([`table`]) and the core of the EVM circuit ([`evm`]:
//! step layout, constraint builder and the first execution gadgets; `BeginTx`/`EndTx` are not
//! in it yet, so a whole transaction is reported unsupported). The state-test runner refuses
//! the modes that would need a complete circuit (`mock`, `prove`, `tamper`) instead of
//! reporting them as passing. The witness these circuits will constrain is
//! [`equivm_witness::Witness`].
//!
//! - [`evm`]: the unified EVM circuit (one gadget per execution state, one step per witness
//!   step); `EvmCircuit::for_steps` proves a slice of steps from a public starting state.
//! - [`state`]: the state circuit (the rw table sorted by state cell, every read returning
//!   the latest write, initial values from the public pre-state, results in the public
//!   post-state).
//! - [`super_circuit`]: the EVM and state circuits over shared tables, proving a whole
//!   block against its public inputs.
//! - [`table`]: the fixed, rw, bytecode, tx and block tables that circuits share by name and
//!   look up into with `lookup_any`.

pub mod evm;
pub mod state;
pub mod super_circuit;
pub mod table;

pub use equivm_witness::Witness;
