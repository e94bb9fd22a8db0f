//! Assignment of the bytecode circuit: the bytecode table's rows and, beside each, the
//! circuit's own cells computed from the same row (flags, carried length, push countdown,
//! opcode state).

use super::config::{push_state, BytecodeCircuitConfig, PUSH0};
use crate::table::{
    check_capacity, opcode_rows::execution_state_index, BytecodeFieldTag, BytecodeTable,
    BytecodeTableRow, TableError,
};
use equivm_gadgets::util::to_u128;
use equivm_witness::{opcodes::OPCODES, Bytecode};
use halo2_proofs::{
    circuit::{Layouter, Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column},
};

/// The circuit's own cells on one row, beside the table row they are computed from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BytecodeWitnessRow<F> {
    /// 1 on a byte row.
    pub is_byte: F,
    /// 1 on the final byte row of a bytecode.
    pub is_last: F,
    /// The code length (from the header).
    pub length: F,
    /// 1 on a byte row past the code (`index ≥ length`).
    pub past: F,
    /// Inverse of `index - length`, or 0.
    pub at_len_inv: F,
    /// Push-data bytes still to come after this row.
    pub push_rest: F,
    /// Inverse of `push_rest`, or 0.
    pub push_rest_inv: F,
    /// Execution state of the byte read as an opcode.
    pub opcode_state: F,
    /// The witness that pins `push_rest = 0` on an opcode row that is not a PUSH.
    pub push_witness: F,
}

impl<F: PrimeField> BytecodeWitnessRow<F> {
    /// The circuit's cells for `rows` (row 0, the zero row, first; then `rows`), computed as
    /// an honest prover would from the table rows alone; tampered rows get cells that are
    /// as consistent as they can be, and the constraints decide.
    pub fn rows_for(rows: &[BytecodeTableRow<F>]) -> Vec<Self> {
        let tag_of = |row: Option<&BytecodeTableRow<F>>| row.map_or(F::ZERO, |r| r.tag);
        let byte_tag = F::from(BytecodeFieldTag::Byte as u64);
        let header_tag = F::from(BytecodeFieldTag::Header as u64);
        let mut out = vec![Self::default()];
        let (mut length, mut push_rest) = (F::ZERO, F::ZERO);
        for (i, row) in rows.iter().enumerate() {
            let is_byte = row.tag == byte_tag;
            let next_is_byte = tag_of(rows.get(i + 1)) == byte_tag;
            let mut cells = Self::default();
            if row.tag == header_tag {
                length = row.value;
                push_rest = F::ZERO;
            } else if is_byte {
                let byte = to_u128(&row.value).and_then(|v| u8::try_from(v).ok());
                let state = byte.map_or(0, |b| execution_state_index(OPCODES[b as usize].state));
                push_rest = if row.is_code == F::ONE {
                    if state == push_state() {
                        row.value - F::from(PUSH0)
                    } else {
                        F::ZERO
                    }
                } else {
                    push_rest - F::ONE
                };
                let s = F::from(state) - F::from(push_state());
                let past = match (to_u128(&row.index), to_u128(&length)) {
                    (Some(index), Some(length)) => index >= length,
                    _ => false,
                };
                cells = Self {
                    is_byte: F::ONE,
                    is_last: F::from(u64::from(!next_is_byte)),
                    length,
                    past: F::from(u64::from(past)),
                    at_len_inv: (row.index - length).invert().unwrap_or(F::ZERO),
                    push_rest,
                    push_rest_inv: push_rest.invert().unwrap_or(F::ZERO),
                    opcode_state: F::from(state),
                    push_witness: (push_rest - row.value + F::from(PUSH0))
                        * s.invert().unwrap_or(F::ZERO),
                };
            } else {
                length = F::ZERO;
                push_rest = F::ZERO;
            }
            out.push(cells);
        }
        out
    }
}

impl BytecodeCircuitConfig {
    /// Rows the circuit needs for `bytecodes`: the table's rows (zero row 0, a header, the
    /// code's bytes and the rows past it per bytecode) and a zero last row.
    pub fn rows_needed(bytecodes: &[Bytecode]) -> usize {
        BytecodeTable::rows_needed(bytecodes) + 1
    }

    /// Assigns the bytecode table with the rows of `bytecodes` (in order) and this
    /// circuit's cells, in one region of `capacity` rows (zero rows after the last
    /// bytecode). Returns [`TableError::CapacityExceeded`] if they do not fit and
    /// [`TableError::InvalidWitness`] for a malformed bytecode.
    pub fn assign<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        bytecodes: &[Bytecode],
        capacity: usize,
    ) -> Result<(), TableError> {
        check_capacity("bytecode", Self::rows_needed(bytecodes), capacity)?;
        let mut rows = Vec::with_capacity(Self::rows_needed(bytecodes));
        for code in bytecodes {
            rows.extend(BytecodeTableRow::<F>::rows_of(code)?);
        }
        self.assign_rows(layouter, &rows, capacity)
    }

    /// Assigns `rows` as given at rows `1..` (tests pass tampered rows) and the circuit's
    /// cells computed from them ([`BytecodeWitnessRow::rows_for`]).
    pub fn assign_rows<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[BytecodeTableRow<F>],
        capacity: usize,
    ) -> Result<(), TableError> {
        let cells = BytecodeWitnessRow::rows_for(rows);
        self.assign_with_cells(layouter, rows, &cells, capacity)
    }

    /// Assigns `rows` at rows `1..` and `cells` at rows `0..` as given (tests tamper with
    /// either).
    pub fn assign_with_cells<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[BytecodeTableRow<F>],
        cells: &[BytecodeWitnessRow<F>],
        capacity: usize,
    ) -> Result<(), TableError> {
        let table = "bytecode";
        // Row 0 and a zero last row around the rows.
        check_capacity(table, rows.len() + 2, capacity)?;
        layouter
            .assign_region(
                || "bytecode circuit",
                |mut region| {
                    for offset in 0..capacity {
                        let row = offset
                            .checked_sub(1)
                            .and_then(|i| rows.get(i))
                            .copied()
                            .unwrap_or_default();
                        let own = cells.get(offset).copied().unwrap_or_default();
                        self.assign_row(&mut region, offset, row, own);
                        for (column, on) in [
                            (self.q_first, offset == 0),
                            (self.q_enable, true),
                            (self.q_last, offset + 1 == capacity),
                        ] {
                            region.assign_fixed(column, offset, F::from(u64::from(on)));
                        }
                    }
                    Ok(())
                },
            )
            .map_err(|source| TableError::Halo2 { table, source })
    }

    fn assign_row<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        row: BytecodeTableRow<F>,
        own: BytecodeWitnessRow<F>,
    ) {
        let mut set = |column: Column<Advice>, value: F| {
            region.assign_advice(column, offset, Value::known(value));
        };
        for (column, value) in self.table.columns.to_vec().into_iter().zip(row.to_vec()) {
            set(column, value);
        }
        for (column, value) in [
            (self.is_byte, own.is_byte),
            (self.is_last, own.is_last),
            (self.length, own.length),
            (self.past, own.past),
            (self.at_len_inv, own.at_len_inv),
            (self.push_rest, own.push_rest),
            (self.push_rest_inv, own.push_rest_inv),
            (self.opcode_state, own.opcode_state),
            (self.push_witness, own.push_witness),
        ] {
            set(column, value);
        }
    }
}
