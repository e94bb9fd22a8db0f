//! equivm-circuits: the halo2 circuits of equivm (EVM, state, bytecode, copy, keccak, tx and
//! public-input circuits, and the super circuit that joins them).
//!
//! This version proves blocks whose every step has an EVM gadget: the EVM circuit, the
//! state circuit and the shared tables form the [`super_circuit`], which the [`prover`]
//! turns into KZG proofs. The witness these circuits constrain is
//! [`equivm_witness::Witness`].
//!
//! - [`bytecode`]: the bytecode circuit (every bytecode-table row: headers, bytes hashed to
//!   their code hash via the keccak table, push-data marking).
//! - [`copy`]: the copy circuit (one row per copied byte between memory, bytecode,
//!   calldata, logs and keccak inputs), proving the copy table's claims.
//! - [`evm`]: the unified EVM circuit (one gadget per execution state, one step per witness
//!   step); `EvmCircuit::for_steps` proves a slice of steps from a public starting state.
//! - [`keccak`]: the keccak circuit (`keccak-f[1600]` with padding over bits), proving the
//!   keccak table's rows.
//! - [`prover`]: KZG params, keys, SHPLONK proofs and proof files for any `Circuit<Fr>`.
//! - [`rows`]: the rows halo2 keeps for blinding in a circuit of a given shape.
//! - [`state`]: the state circuit (the rw table sorted by state cell, every read returning
//!   the latest write, initial values from the public pre-state, results in the public
//!   post-state).
//! - [`super_circuit`]: the EVM, state, copy, bytecode and keccak circuits over shared
//!   tables, proving a whole block against its public inputs.
//! - [`check`]: MockProver's verdict with the gates evaluated factor by factor (faster on
//!   wide circuits).
//! - [`table`]: the fixed, rw, bytecode, tx and block tables that circuits share by name and
//!   look up into with `lookup_any`.

pub mod bytecode;
pub mod check;
pub mod copy;
pub mod evm;
pub mod keccak;
pub mod prover;
pub mod rows;
pub mod state;
pub mod super_circuit;
pub mod table;

pub use equivm_witness::Witness;
