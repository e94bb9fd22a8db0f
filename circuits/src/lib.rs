//! equivm-circuits: the halo2 circuits of equivm (EVM, state, bytecode, copy, keccak, tx and
//! public-input circuits, and the super circuit that joins them).
//!
//! This version has the lookup tables ([`table`]) and no circuit yet: it proves nothing, and
//! the state-test runner refuses the modes that would need it (`mock`, `prove`, `tamper`)
//! instead of reporting them as passing. The witness these circuits will constrain is
//! [`equivm_witness::Witness`].
//!
//! - [`table`]: the fixed, rw, bytecode, tx and block tables that circuits share by name and
//!   look up into with `lookup_any`.

pub mod table;

pub use equivm_witness::Witness;
