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
//! - [`prover`]: KZG params, keys, SHPLONK proofs and proof files for any `Circuit<Fr>`.
//! - [`table`]: the fixed, rw, bytecode, tx and block tables that circuits share by name and
//!   look up into with `lookup_any`.

pub mod evm;
pub mod prover;
pub mod table;

pub use equivm_witness::Witness;
