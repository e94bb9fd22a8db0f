//! The keccak circuit: proves every row of the [`KeccakTable`](crate::table::KeccakTable)
//! it assigns, by computing keccak256 of each input in the circuit.
//!
//! Each input is padded (Ethereum's `0x01 … 0x80`) and absorbed in 136-byte blocks; each
//! block takes [`KeccakShape::rows_per_block`] rows: an absorption slot and one slot per
//! round of `keccak-f[1600]`, each [`KeccakShape::rows_per_slot`] rows of
//! [`KeccakShape::cell_columns`] cell columns (see [`layout`]). The state is kept as bits, one per cell; no challenge or RLC is used.
//!
//! Constraints (degree ≤ 5, fixed columns as selectors):
//! - `rounds.rs` — theta (column parities with carries, `D`), rho and pi into `B`,
//!   chi as a degree-3 polynomial of the previous slot's `B`, iota on lane 0, and the
//!   squeeze of the first 32 output bytes into `hash_lo`/`hash_hi` of a block that ends
//!   its input;
//! - `absorb.rs` — the absorbed state is the carried state (zero on a new input) XOR
//!   the block's bytes, the byte rows' values, the padding, the indices, the length row,
//!   and the hash shared by all rows of an input;
//! - one lookup: every `value` of the table is a byte.
//!
//! Soundness, cell by cell: the absorption slot's `B` cells are bits, and `chi(B)` is the
//! absorbed state; every other state cell of a round (`C`, its carry, `D`, `B`, lane 0) is
//! fixed by an equation in bits that leaves one value, so the slots hold exactly keccak-f
//! of the absorbed state. The absorbed state is pinned by the capacity lanes (equal to the
//! carried state) and by the table values (rate lanes = carried XOR data, the values being
//! bytes so the lane's bits are the bytes' bits). `First` is fixed by the previous block's
//! last tag, and the first block is always `First`; the last block always ends an input.
//! A byte row's tag, index and value are pinned by the row rules; a block that ends its
//! input has its hash equal to the squeezed output, and a block that goes on shares its
//! hash with the next one, so every row's hash is keccak256 of the bytes at its indices
//! `0..len`, padded as Ethereum pads. The length row (tag 1 only in an input's last
//! block) carries the count of data rows. Any other row has tag 0.

mod absorb;
mod assign;
mod circuit;
mod config;
pub mod layout;
pub mod native;
mod rounds;
mod witness;

#[cfg(test)]
mod tests;

pub use circuit::KeccakCircuit;
pub use config::{KeccakCircuitConfig, KeccakFixed};
pub use layout::{InvalidKeccakShape, KeccakShape};
