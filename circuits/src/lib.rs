//! equivm-circuits: the halo2 circuits of equivm (EVM, state, bytecode, copy, keccak, tx and
//! public-input circuits, and the super circuit that joins them).
//!
//! This version has no circuit yet: it proves nothing, and the state-test runner refuses the
//! modes that would need it (`mock`, `prove`, `tamper`) instead of reporting them as passing.
//! The witness these circuits will constrain is [`equivm_witness::Witness`].

pub use equivm_witness::Witness;
