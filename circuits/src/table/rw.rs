//! RwTable: the read/write log, one row per [`Rw`] entry in `rw_counter` order.
//!
//! A row `(rw_counter, is_write, tag, id, address, field_tag, key, index, value, value_prev,
//! committed_value)` asserts: "access number `rw_counter` of the block is a read
//! (`is_write = 0`) or write (`is_write = 1`) of the state cell `(tag, id, address,
//! field_tag, key, index)`; it read `value` / wrote `value` over `value_prev`; for storage,
//! `committed_value` is the slot's value at the start of the transaction". Numbering follows
//! [`Rw::to_row`]: `tag` is the [`RwTag`](equivm_witness::RwTag) number, `field_tag`
//! [`RwField::as_u64`](equivm_witness::RwField::as_u64), `address` the 20-byte address as
//! one field element; `key`, `value`, `value_prev`, `committed_value` are words (lo, hi).
//!
//! The EVM circuit looks rows up; the state circuit proves them consistent (reads return the
//! latest write, initial values, one entry per counter). Row 0 and the rows after the log
//! are all zero (tag 0 is no [`RwTag`](equivm_witness::RwTag)).

use super::{address_to_field, assign_advice_rows, u256_word, LookupTable, TableError};
use equivm_gadgets::Word;
use equivm_witness::Rw;
use halo2_proofs::{
    circuit::Layouter,
    halo2curves::ff::PrimeField,
    plonk::{Advice, Any, Column, ConstraintSystem, Expression, VirtualCells},
    poly::Rotation,
};

/// One rw-table row with named fields (cells, expressions or values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RwTableRow<T> {
    /// Position in the log, from 1.
    pub rw_counter: T,
    /// 1 for a write, 0 for a read.
    pub is_write: T,
    /// [`RwTag`](equivm_witness::RwTag) number.
    pub tag: T,
    /// Call id or tx id (0 for accounts).
    pub id: T,
    /// Account address as one field element.
    pub address: T,
    /// Field number.
    pub field_tag: T,
    /// Storage slot, stack or memory address, log id.
    pub key: Word<T>,
    /// Log topic or data-byte index.
    pub index: T,
    /// Value read or written.
    pub value: Word<T>,
    /// Value before the access.
    pub value_prev: Word<T>,
    /// Storage value at the start of the transaction.
    pub committed_value: Word<T>,
}

impl<T> RwTableRow<T> {
    /// The row in column order (the order of [`RwTable`]'s `columns()`).
    pub fn to_vec(self) -> Vec<T> {
        vec![
            self.rw_counter,
            self.is_write,
            self.tag,
            self.id,
            self.address,
            self.field_tag,
            self.key.lo,
            self.key.hi,
            self.index,
            self.value.lo,
            self.value.hi,
            self.value_prev.lo,
            self.value_prev.hi,
            self.committed_value.lo,
            self.committed_value.hi,
        ]
    }
}

impl<T> RwTableRow<T> {
    /// Applies `f` to every field, in column order.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> RwTableRow<U> {
        RwTableRow {
            rw_counter: f(self.rw_counter),
            is_write: f(self.is_write),
            tag: f(self.tag),
            id: f(self.id),
            address: f(self.address),
            field_tag: f(self.field_tag),
            key: self.key.map(&mut f),
            index: f(self.index),
            value: self.value.map(&mut f),
            value_prev: self.value_prev.map(&mut f),
            committed_value: self.committed_value.map(&mut f),
        }
    }
}

impl<F: PrimeField> RwTableRow<F> {
    /// The row of `rw`.
    pub fn from_rw(rw: &Rw) -> Self {
        let row = rw.to_row();
        RwTableRow {
            rw_counter: F::from(row.rw_counter),
            is_write: F::from(row.is_write),
            tag: F::from(row.tag),
            id: F::from(row.id),
            address: address_to_field(rw.address),
            field_tag: F::from(row.field_tag),
            key: u256_word(row.key).to_field(),
            index: F::from(row.index),
            value: u256_word(row.value).to_field(),
            value_prev: u256_word(row.value_prev).to_field(),
            committed_value: u256_word(row.committed_value).to_field(),
        }
    }
}

/// The rw table's advice columns.
#[derive(Clone, Copy, Debug)]
pub struct RwTable {
    /// The columns, one per field of [`RwTableRow`].
    pub columns: RwTableRow<Column<Advice>>,
}

impl RwTable {
    /// Allocates the 15 advice columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let mut word = || Word::new(meta.advice_column(), meta.advice_column());
        let (key, value, value_prev, committed_value) = (word(), word(), word(), word());
        let columns = RwTableRow {
            rw_counter: meta.advice_column(),
            is_write: meta.advice_column(),
            tag: meta.advice_column(),
            id: meta.advice_column(),
            address: meta.advice_column(),
            field_tag: meta.advice_column(),
            key,
            index: meta.advice_column(),
            value,
            value_prev,
            committed_value,
        };
        let table = Self { columns };
        table.annotate_columns(meta);
        table
    }

    /// Rows the table takes for `rws`, including the zero row.
    pub fn rows_needed(rws: &[Rw]) -> usize {
        1 + rws.len()
    }

    /// The columns queried at the current row, by name.
    pub fn row_exprs<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
    ) -> RwTableRow<Expression<F>> {
        self.columns
            .map(|column| meta.query_advice(column, Rotation::cur()))
    }

    /// Assigns `rws` (which must be in `rw_counter` order, entry `i` with counter `i + 1`)
    /// at rows `1..`, zero rows elsewhere up to `capacity`.
    pub fn load<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rws: &[Rw],
        capacity: usize,
    ) -> Result<(), TableError> {
        for (i, rw) in rws.iter().enumerate() {
            if rw.rw_counter != i as u64 + 1 {
                return Err(TableError::InvalidWitness {
                    table: "rw",
                    reason: format!(
                        "entry {i} has rw_counter {}, expected {}",
                        rw.rw_counter,
                        i + 1
                    ),
                });
            }
        }
        let rows: Vec<RwTableRow<F>> = rws.iter().map(RwTableRow::from_rw).collect();
        self.load_rows(layouter, &rows, capacity)
    }

    /// Assigns `rows` as given at rows `1..` (no order check; tests use it to tamper).
    pub fn load_rows<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[RwTableRow<F>],
        capacity: usize,
    ) -> Result<(), TableError> {
        let rows: Vec<Vec<F>> = rows.iter().cloned().map(RwTableRow::to_vec).collect();
        assign_advice_rows(layouter, "rw", &self.columns.to_vec(), &rows, capacity)
    }
}

impl<F: PrimeField> LookupTable<F> for RwTable {
    fn columns(&self) -> Vec<Column<Any>> {
        self.columns.to_vec().into_iter().map(Into::into).collect()
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "rw.rw_counter",
            "rw.is_write",
            "rw.tag",
            "rw.id",
            "rw.address",
            "rw.field_tag",
            "rw.key_lo",
            "rw.key_hi",
            "rw.index",
            "rw.value_lo",
            "rw.value_hi",
            "rw.value_prev_lo",
            "rw.value_prev_hi",
            "rw.committed_value_lo",
            "rw.committed_value_hi",
        ]
    }
}

#[cfg(test)]
mod tests;
