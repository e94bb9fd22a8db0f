//! The bytecode circuit: proves the rows of the [`BytecodeTable`].
//!
//! The circuit assigns the table itself ([`BytecodeCircuitConfig::assign`]) in one region of
//! `capacity` rows: row 0 is the zero row, then per bytecode with hash `h` a header
//! `(h, Header, 0, len, 0)` and the byte rows `(h, Byte, i, code[i], is_code)` for
//! `i < len`, then the rows past the code, value 0: the zero push data a PUSH cut short by
//! the end still reads, then the implicit STOP (the final byte); then zero rows to the end;
//! the last row of the region is a zero row. Beside the table it keeps, per row: `is_byte`
//! (with `is_header = tag − 2 · is_byte`), `is_last` (the final byte of a bytecode),
//! `length` (the header's length, carried), `past` (`index ≥ length`) with the inverse
//! that gives `at_len = [index = length]`, `push_rest` (push-data bytes still to come) and
//! its inverse, and the byte's `opcode_state` with one witness cell for the push size.
//!
//! # Constraints
//!
//! On every row:
//! - **tag**: `is_byte` and `is_header` are boolean and not both 1, so `tag ∈ {0, 1, 2}`;
//! - **zero rows**: a row with tag 0 has hash, index, value and is_code 0; row 0 and the last
//!   row are zero rows;
//! - **header**: index 0, is_code 0, `push_rest = 0`;
//! - **past the code**: on a byte row `(index − length) · at_len = 0` (so `at_len = [index =
//!   length]`); `past` is boolean and 0 off byte rows; a byte past the code is 0; the final
//!   byte is past the code and an opcode; an opcode past the code is the final byte;
//! - **push size** of an opcode row (`is_code = 1`): with `s = opcode_state − Push`,
//!   `s · push_rest = 0` and `s · push_witness = push_rest − (value − 0x5f)`; so
//!   `push_rest = value − 0x5f` for PUSH0..=PUSH32 (state Push) and 0 for every other byte.
//!
//! Between a row and the next (all rows but the last):
//! - **`is_last = is_byte · (1 − next.is_byte)`**;
//! - **order**: after a zero row only zero rows (row 0 excepted: row 1 is a header or zero);
//!   a header is followed by a byte;
//! - **header → first byte**: index 0, same hash, `length = header.value`;
//! - **byte → next byte** (not final): index + 1, same hash, same `length`, and
//!   `next.past = past + (1 − past) · next.at_len` (the header's first byte: `past =
//!   at_len`);
//! - **push marking**, for every next row that is a byte: `next.is_code = 1 − push_rest ·
//!   push_rest_inv` and `push_rest · next.is_code = 0` (an opcode iff no push data is
//!   pending), and a push-data byte has `push_rest = previous push_rest − 1`.
//!
//! Lookups:
//! - every byte row: `(OpcodeProperties, value, opcode_state)` is a row of the fixed table
//!   (its opcode column holds exactly `0..=255`, so this is also the byte range check, and
//!   it pins `opcode_state` to the byte's execution state);
//! - every byte row not past the code: `(Byte, h, index, value)` is in the keccak table;
//! - every header: `(Length, h, len, 0)` is in the keccak table.
//!
//! # Soundness
//!
//! Every byte row has a row before it in the region (row 0 is not a byte), and that row is
//! a header or a non-final byte (a zero row is followed by zero rows, a final byte by a
//! non-byte by the definition of `is_last`). By induction from the header, a bytecode's byte
//! rows are contiguous, all carry the header's hash and length, and their indexes are
//! `0, 1, 2, …`. `past` starts at `[len = 0]` and turns on at the first index equal to `len`,
//! then stays on: it is `[index ≥ len]` (indexes stay far below the field's size). The run
//! ends at a final byte, which exists since the region ends in a zero row, and is past the
//! code; so every index below `len` has a row. The keccak table (proved by the keccak
//! circuit) holds for hash `h` exactly its input's length and bytes, so the header's `len`
//! is the length of the input hashing to `h` and byte `i < len` is its byte `i`: the code
//! rows are the preimage of `h`. Past the code every byte is 0; they are push data while
//! the last PUSH's data is pending (below), and the first opcode among them, a STOP, is the
//! final byte: exactly the zeros execution reads past the end, and the implicit STOP.
//!
//! Push marking: the first byte follows a header (`push_rest = 0`), so it is an opcode. An
//! opcode row's `push_rest` is its push size (the fixed table pins `opcode_state` to the
//! value's state; only PUSH0..=PUSH32 have state Push, a fact the tests check for all 256
//! bytes); each following row is push data while `push_rest > 0`, decrementing it, and an
//! opcode once it is 0. So `is_code` is exactly `Bytecode::new`'s marking, extended to the
//! final row. `push_rest` stays in `0..=32`, far from wrapping.
//!
//! Values are bytes by the fixed-table lookup; a header's value (a length) is bound by the
//! keccak lookup instead.
//!
//! # Cost and use
//!
//! One row per code byte, plus a header, the missing push data of a PUSH cut short and the
//! final byte per bytecode, plus row 0 and the zero last row
//! ([`BytecodeCircuitConfig::rows_needed`]). 9 advice and 3 fixed columns
//! beside the table's 6, 3 lookups, degree 5. The push sizes come from the fixed table's
//! `OpcodeProperties` rows, already in [`FixedTableTag::SMALL`], so the fixed table does not
//! grow. A circuit that includes this one assigns the bytecode table with
//! [`BytecodeCircuitConfig::assign`] instead of [`BytecodeTable::load`], and needs the
//! keccak circuit to prove the keccak table it looks up into.

pub mod assign;
pub mod config;

pub use assign::BytecodeWitnessRow;
pub use config::BytecodeCircuitConfig;

use crate::table::{
    keccak::keccak_row_count, BytecodeTable, FixedTable, FixedTableTag, KeccakTable,
};
use equivm_trace::revm::primitives::Bytes;
use equivm_witness::Bytecode;
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    halo2curves::ff::PrimeField,
    plonk::{Circuit, ConstraintSystem, Error},
};

/// The fixed-table tags the bytecode circuit looks up.
pub const FIXED_TAGS: [FixedTableTag; 1] = [FixedTableTag::OpcodeProperties];

/// The bytecode circuit alone, for tests and benches: the fixed table, the keccak table
/// (stated from the bytecodes, not proved: the keccak circuit proves it) and the bytecode
/// circuit over `bytecodes`, every region of `capacity` rows.
#[derive(Clone, Debug, Default)]
pub struct BytecodeCircuit {
    /// The bytecodes, in table order.
    pub bytecodes: Vec<Bytecode>,
    /// Rows of each region; at most the usable rows of the `k` it runs at.
    pub capacity: usize,
}

impl BytecodeCircuit {
    /// The rows `bytecodes` need: the bytecode circuit's, the keccak table's and the fixed
    /// table's, whichever is most.
    pub fn rows_needed(bytecodes: &[Bytecode]) -> usize {
        let inputs: Vec<Bytes> = bytecodes.iter().map(|c| c.bytes.clone()).collect();
        BytecodeCircuitConfig::rows_needed(bytecodes)
            .max(1 + keccak_row_count(&inputs))
            .max(FixedTable::rows_needed(&FIXED_TAGS))
    }
}

impl<F: PrimeField> Circuit<F> for BytecodeCircuit {
    type Config = BytecodeCircuitConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        Self {
            bytecodes: Vec::new(),
            capacity: self.capacity,
        }
    }

    fn configure(meta: &mut ConstraintSystem<F>) -> Self::Config {
        let fixed = FixedTable::configure(meta);
        let table = BytecodeTable::configure(meta);
        let keccak = KeccakTable::configure(meta);
        BytecodeCircuitConfig::configure(meta, &table, &keccak, &fixed)
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<F>,
    ) -> Result<(), Error> {
        let inputs: Vec<Bytes> = self.bytecodes.iter().map(|c| c.bytes.clone()).collect();
        config
            .fixed
            .load(&mut layouter, &FIXED_TAGS, self.capacity)?;
        config.keccak.load(&mut layouter, &inputs, self.capacity)?;
        config.assign(&mut layouter, &self.bytecodes, self.capacity)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
