//! Assignment: the witness of every block written into the cells and table rows the gates
//! read, and the fixed columns laid out for the usable rows.

use super::{
    config::KeccakCircuitConfig,
    layout::{blocks_of, Cell, KeccakShape, LENGTH_ROW, SLOTS_PER_BLOCK},
    native::{NUM_ROUNDS, RATE, RATE_LANES, ROUND_CONSTANTS, ROUND_CONSTANT_BITS},
    witness::{blocks, BlockWitness},
};
use crate::table::{check_capacity, TableError};
use equivm_trace::revm::primitives::Bytes;
use halo2_proofs::{
    circuit::{Layouter, Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column},
};

/// A value written over an assigned advice cell after assignment (tests use it to show
/// that a tampered witness is rejected).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Override<F> {
    /// The column.
    pub(crate) column: Column<Advice>,
    /// The row, from the start of the circuit's region.
    pub(crate) row: usize,
    /// The value written instead.
    pub(crate) value: F,
}

impl KeccakCircuitConfig {
    /// Rows a circuit of `shape` needs for `inputs`: the lead slot and
    /// [`KeccakShape::rows_per_block`] per absorbed block.
    pub fn rows_needed(shape: KeccakShape, inputs: &[Bytes]) -> usize {
        shape.rows_for_blocks(inputs.iter().map(|i| blocks_of(i.len())).sum())
    }

    /// Assigns and proves the keccak table of `inputs` in `usable_rows` rows (the circuit's
    /// usable rows: the fixed columns cover all of them, the blocks the inputs leave free
    /// hash the empty input with no table rows). Returns
    /// [`TableError::CapacityExceeded`] when the inputs need more rows.
    pub fn assign<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        inputs: &[Bytes],
        usable_rows: usize,
    ) -> Result<(), TableError> {
        self.assign_with_overrides(layouter, inputs, usable_rows, &[])
    }

    /// [`Self::assign`], then writes `overrides` over the assignment.
    pub(crate) fn assign_with_overrides<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        inputs: &[Bytes],
        usable_rows: usize,
        overrides: &[Override<F>],
    ) -> Result<(), TableError> {
        check_capacity("keccak", Self::rows_needed(self.shape, inputs), usable_rows)?;
        let witness = blocks(inputs, self.shape.block_capacity(usable_rows));
        layouter
            .assign_region(
                || "keccak",
                |mut region| {
                    self.assign_fixed(&mut region, witness.len(), usable_rows);
                    // The lead slot is the "previous slot" of the first block.
                    for l in 0..25 {
                        for z in 0..64 {
                            self.put_cell(&mut region, 0, Cell::B(l, z), F::ZERO);
                        }
                    }
                    for (b, block) in witness.iter().enumerate() {
                        self.assign_block(&mut region, b, block);
                    }
                    for o in overrides {
                        region.assign_advice(o.column, o.row, Value::known(o.value));
                    }
                    Ok(())
                },
            )
            .map_err(|source| TableError::Halo2 {
                table: "keccak",
                source,
            })
    }

    fn put_cell<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        slot_row: usize,
        cell: Cell,
        value: F,
    ) {
        let (column, row) = self.shape.position(cell);
        region.assign_advice(self.cells[column], slot_row + row, Value::known(value));
    }

    fn put_bits<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        slot_row: usize,
        lanes: &[u64],
        cell: impl Fn(usize, usize) -> Cell,
    ) {
        for (l, lane) in lanes.iter().enumerate() {
            for z in 0..64 {
                let bit = F::from((lane >> z) & 1);
                self.put_cell(region, slot_row, cell(l, z), bit);
            }
        }
    }

    fn assign_block<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        b: usize,
        block: &BlockWitness,
    ) {
        // Absorption slot.
        let row = self.shape.slot_row(b, 0);
        self.put_bits(region, row, &block.absorb_b, Cell::B);
        self.put_bits(region, row, &[block.absorb_s00], |_, z| Cell::S00(z));
        self.put_bits(region, row, &block.prev[..RATE_LANES], Cell::Prev);
        self.put_cell(region, row, Cell::First, F::from(u64::from(block.first)));
        // Round slots.
        for (r, round) in block.rounds.iter().enumerate() {
            let row = self.shape.slot_row(b, 1 + r);
            self.put_bits(region, row, &round.b, Cell::B);
            self.put_bits(region, row, &[block.round_s00[r]], |_, z| Cell::S00(z));
            self.put_bits(region, row, &round.parity, Cell::Parity);
            self.put_bits(region, row, &round.d, Cell::D);
            for (x, carries) in round.carry.iter().enumerate() {
                for (z, carry) in carries.iter().enumerate() {
                    self.put_cell(region, row, Cell::Carry(x, z), F::from(u64::from(*carry)));
                }
            }
        }
        // Table rows.
        let start = self.shape.block_row(b);
        let columns = self.table.columns;
        let mut put = |column, row, value: F| {
            region.assign_advice(column, row, Value::known(value));
        };
        let hash = block.hash.to_field::<F>();
        let mut lane_acc = 0u64;
        for i in 0..=LENGTH_ROW {
            let row = start + i;
            let is_data = i < block.data_len;
            let is_length = i == LENGTH_ROW;
            let tag = match (is_length, is_data) {
                (true, _) => u64::from(block.length_row && block.data_len < RATE),
                (false, true) => 2,
                (false, false) => 0,
            };
            put(columns.tag, row, F::from(tag));
            put(columns.hash.lo, row, hash.lo);
            put(columns.hash.hi, row, hash.hi);
            let index = block.first_index + i.min(RATE - 1).min(block.data_len);
            put(columns.index, row, F::from(index as u64));
            let value = if is_length { 0 } else { block.bytes[i] };
            put(columns.value, row, F::from(u64::from(value)));
            if !is_length {
                lane_acc = if i % 8 == 0 { 0 } else { lane_acc };
                lane_acc |= u64::from(value) << (8 * (i % 8));
                put(self.lane_acc, row, F::from(lane_acc));
            }
        }
    }

    fn assign_fixed<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        blocks: usize,
        usable_rows: usize,
    ) {
        let f = self.fixed;
        let (slot_row, block_row) = (
            |b, s| self.shape.slot_row(b, s),
            |b| self.shape.block_row(b),
        );
        let mut table_row = vec![false; usable_rows];
        for b in 0..blocks {
            let start = self.shape.block_row(b);
            region.assign_fixed(f.q_absorb, start, F::ONE);
            for r in 0..NUM_ROUNDS {
                region.assign_fixed(f.q_round, slot_row(b, 1 + r), F::ONE);
            }
            region.assign_fixed(f.q_squeeze, slot_row(b, SLOTS_PER_BLOCK - 1), F::ONE);
            // Slot `s` receives the iota of the round before it: slot 0 that of the
            // previous block's last round, slot 1 none (it reads the absorbed state).
            for s in 0..SLOTS_PER_BLOCK {
                let rc = match s {
                    0 => ROUND_CONSTANTS[NUM_ROUNDS - 1],
                    1 => 0,
                    _ => ROUND_CONSTANTS[s - 2],
                };
                for (j, bit) in ROUND_CONSTANT_BITS.iter().enumerate() {
                    region.assign_fixed(f.round_cst, slot_row(b, s) + j, F::from((rc >> bit) & 1));
                }
            }
            for i in 0..RATE {
                region.assign_fixed(f.q_byte, start + i, F::ONE);
                region.assign_fixed(f.byte_weight, start + i, F::from(1u64 << (8 * (i % 8))));
                region.assign_fixed(f.q_lane_cont, start + i, F::from(u64::from(i % 8 != 0)));
                table_row[start + i] = true;
            }
            region.assign_fixed(f.q_len, start + LENGTH_ROW, F::ONE);
            table_row[start + LENGTH_ROW] = true;
        }
        if blocks > 0 {
            region.assign_fixed(f.q_first_block, block_row(0), F::ONE);
            region.assign_fixed(f.q_end, block_row(blocks - 1) + RATE - 1, F::ONE);
        }
        for (row, is_table_row) in table_row.iter().enumerate() {
            region.assign_fixed(f.q_other, row, F::from(u64::from(!is_table_row)));
        }
        for v in 0..256.min(usable_rows) {
            region.assign_fixed(f.byte_range, v, F::from(v as u64));
        }
    }
}
