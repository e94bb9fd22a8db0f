//! BytecodeTable: every bytecode of the block, one header row and one row per byte.
//!
//! Rows, for a bytecode `code` with hash `h = keccak256(code)` (a word, lo/hi):
//! - header `(h, Header, 0, len(code), 0)` asserts "the code with hash `h` is `len` bytes
//!   long";
//! - byte `(h, Byte, i, code[i], is_code)` asserts "byte `i` of the code with hash `h` is
//!   `code[i]`, and it is an opcode (`is_code = 1`) rather than push data (`is_code = 0`)";
//! - past the end, the code as execution reads it: `(h, Byte, i, 0, 0)` for each push-data
//!   byte the last PUSH lacks when the end cuts it short (indexes `len..len + pad`), then
//!   the STOP that runs when execution reaches the end, `(h, Byte, len + pad, 0, 1)`. So a
//!   PUSH cut short reads zeros and the opcode lookup at `pc` proves the implicit STOP like
//!   any other.
//!
//! The EVM circuit looks up the opcode at `pc` (requiring `is_code = 1`), push data and code
//! sizes; the bytecode circuit proves the rows (hash via the keccak table, push-data marking
//! from the opcodes). Row 0 and the rows after the last bytecode are all zero (tag 0 is no
//! [`BytecodeFieldTag`]).

use super::{assign_advice_rows, b256_word, check_capacity, LookupTable, TableError};
use equivm_gadgets::Word;
use equivm_witness::Bytecode;
use halo2_proofs::{
    circuit::Layouter,
    halo2curves::ff::PrimeField,
    plonk::{Advice, Any, Column, ConstraintSystem, Expression, VirtualCells},
    poly::Rotation,
};

/// The kind of a bytecode-table row (0 is the zero row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BytecodeFieldTag {
    /// The code's length (`value`).
    Header = 1,
    /// One byte of the code.
    Byte,
}

/// One bytecode-table row with named fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BytecodeTableRow<T> {
    /// keccak256 of the code.
    pub code_hash: Word<T>,
    /// [`BytecodeFieldTag`] number.
    pub tag: T,
    /// Byte index (0 on the header).
    pub index: T,
    /// Byte value, or the code length on the header.
    pub value: T,
    /// 1 when the byte is an opcode, 0 when it is push data (0 on the header).
    pub is_code: T,
}

impl<T> BytecodeTableRow<T> {
    /// The row in column order.
    pub fn to_vec(self) -> Vec<T> {
        vec![
            self.code_hash.lo,
            self.code_hash.hi,
            self.tag,
            self.index,
            self.value,
            self.is_code,
        ]
    }
}

impl<T> BytecodeTableRow<T> {
    /// Applies `f` to every field, in column order.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> BytecodeTableRow<U> {
        BytecodeTableRow {
            code_hash: self.code_hash.map(&mut f),
            tag: f(self.tag),
            index: f(self.index),
            value: f(self.value),
            is_code: f(self.is_code),
        }
    }
}

impl<F: PrimeField> BytecodeTableRow<F> {
    /// The header row and byte rows of `code`.
    pub fn rows_of(code: &Bytecode) -> Result<Vec<Self>, TableError> {
        if code.is_code.len() != code.bytes.len() {
            return Err(TableError::InvalidWitness {
                table: "bytecode",
                reason: format!(
                    "bytecode {} has {} bytes but {} push-data marks",
                    code.hash,
                    code.bytes.len(),
                    code.is_code.len()
                ),
            });
        }
        let code_hash = b256_word(code.hash).to_field();
        let header = BytecodeTableRow {
            code_hash,
            tag: F::from(BytecodeFieldTag::Header as u64),
            index: F::ZERO,
            value: F::from(code.bytes.len() as u64),
            is_code: F::ZERO,
        };
        let bytes =
            code.bytes
                .iter()
                .zip(&code.is_code)
                .zip(0u64..)
                .map(|((byte, is_code), index)| BytecodeTableRow {
                    code_hash,
                    tag: F::from(BytecodeFieldTag::Byte as u64),
                    index: F::from(index),
                    value: F::from(u64::from(*byte)),
                    is_code: F::from(u64::from(*is_code)),
                });
        // Past the end: the zero push data a PUSH cut short still reads, then the STOP.
        let len = code.bytes.len() as u64;
        let pad = missing_push_data(&code.bytes) as u64;
        let past = (len..=len + pad).map(|index| BytecodeTableRow {
            code_hash,
            tag: F::from(BytecodeFieldTag::Byte as u64),
            index: F::from(index),
            value: F::ZERO,
            is_code: F::from(u64::from(index == len + pad)),
        });
        Ok(std::iter::once(header).chain(bytes).chain(past).collect())
    }
}

/// The push-data bytes the last PUSH of `code` lacks (0 when the code ends on an
/// instruction boundary): execution reads them as zeros past the end of the code.
pub fn missing_push_data(code: &[u8]) -> usize {
    let mut pc = 0usize;
    while pc < code.len() {
        let op = code[pc];
        pc += 1 + if (0x60..=0x7f).contains(&op) {
            usize::from(op - 0x5f)
        } else {
            0
        };
    }
    pc - code.len()
}

/// The bytecode table's advice columns.
#[derive(Clone, Copy, Debug)]
pub struct BytecodeTable {
    /// The columns, one per field of [`BytecodeTableRow`].
    pub columns: BytecodeTableRow<Column<Advice>>,
}

impl BytecodeTable {
    /// Allocates the 6 advice columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let columns = BytecodeTableRow {
            code_hash: Word::new(meta.advice_column(), meta.advice_column()),
            tag: meta.advice_column(),
            index: meta.advice_column(),
            value: meta.advice_column(),
            is_code: meta.advice_column(),
        };
        let table = Self { columns };
        table.annotate_columns(meta);
        table
    }

    /// Rows the table takes for `bytecodes`, including the zero row.
    pub fn rows_needed(bytecodes: &[Bytecode]) -> usize {
        1 + bytecodes
            .iter()
            .map(|c| 2 + c.bytes.len() + missing_push_data(&c.bytes))
            .sum::<usize>()
    }

    /// The columns queried at the current row, by name.
    pub fn row_exprs<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
    ) -> BytecodeTableRow<Expression<F>> {
        self.columns
            .map(|column| meta.query_advice(column, Rotation::cur()))
    }

    /// Assigns the rows of every bytecode in order (header first), zero rows elsewhere up to
    /// `capacity`.
    pub fn load<F: PrimeField>(
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
        self.load_rows(layouter, &rows, capacity)
    }

    /// Assigns `rows` as given at rows `1..` (tests use it to tamper).
    pub fn load_rows<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[BytecodeTableRow<F>],
        capacity: usize,
    ) -> Result<(), TableError> {
        let rows: Vec<Vec<F>> = rows.iter().map(|r| r.to_vec()).collect();
        assign_advice_rows(
            layouter,
            "bytecode",
            &self.columns.to_vec(),
            &rows,
            capacity,
        )
    }
}

impl<F: PrimeField> LookupTable<F> for BytecodeTable {
    fn columns(&self) -> Vec<Column<Any>> {
        self.columns.to_vec().into_iter().map(Into::into).collect()
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "bytecode.code_hash_lo",
            "bytecode.code_hash_hi",
            "bytecode.tag",
            "bytecode.index",
            "bytecode.value",
            "bytecode.is_code",
        ]
    }
}

#[cfg(test)]
mod tests;
