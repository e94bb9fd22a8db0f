//! PublicStateTable: state values the verifier is given, one table for the values a block
//! starts from (pre-state) and one for the values it ends with (post-state).
//!
//! A row `(tag, id, address, field_tag, key, index, value, committed)` names one state cell
//! the way the rw table does and gives its value. `id` is the access's own id: a storage
//! slot's is the transaction that made the access (a slot outlives a transaction, so it is
//! not part of the cell's name), an account's is 0. `committed` is a storage slot's value
//! when that transaction began (0 on every other tag). Every cell of the table is copy-constrained to an instance column (one per table
//! column, same row), so the rows are public inputs: the verifier reads them, the prover
//! cannot choose them. Row 0 and the rows after the entries are all zero.
//!
//! The state circuit ties the tables to the rw log (see [`super`]):
//! - pre-state: in a block (or its first chunk), the first access of every account field
//!   and storage slot reads its initial value from this table; in a later chunk, every
//!   cell the chunk touches starts with a boundary row holding its value, committed value
//!   and last access's id when the chunk starts, all read from this table;
//! - post-state: the last access of every account field, storage slot, receipt field and log
//!   field (of every cell, in a chunk that does not end the block) is a row of this table,
//!   and every non-zero row of this table is such a last access (so the table holds exactly
//!   the results, nothing invented).

use crate::table::{
    address_to_field, assign_public_rows, public_values, u256_word, LookupTable, TableError,
};
use equivm_gadgets::Word;
use equivm_witness::Rw;
use halo2_proofs::{
    circuit::Layouter,
    halo2curves::ff::PrimeField,
    plonk::{Advice, Any, Column, ConstraintSystem, Expression, Instance, VirtualCells},
    poly::Rotation,
};

/// One public state entry with named fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PublicStateRow<T> {
    /// [`RwTag`](equivm_witness::RwTag) number.
    pub tag: T,
    /// The access's id: the tx for storage, receipts and logs, the call for stack, memory
    /// and call context, 0 for accounts.
    pub id: T,
    /// Address as one field element.
    pub address: T,
    /// Field number.
    pub field_tag: T,
    /// Storage slot or log id.
    pub key: Word<T>,
    /// Log topic or data-byte index.
    pub index: T,
    /// The value.
    pub value: Word<T>,
    /// A storage slot's value when the access's transaction began; 0 on other tags.
    pub committed: Word<T>,
}

/// Number of columns of a public state table.
pub const PUBLIC_STATE_COLUMNS: usize = 11;

impl<T> PublicStateRow<T> {
    /// The row in column order.
    pub fn to_vec(self) -> Vec<T> {
        vec![
            self.tag,
            self.id,
            self.address,
            self.field_tag,
            self.key.lo,
            self.key.hi,
            self.index,
            self.value.lo,
            self.value.hi,
            self.committed.lo,
            self.committed.hi,
        ]
    }

    /// Applies `f` to every field, in column order.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> PublicStateRow<U> {
        PublicStateRow {
            tag: f(self.tag),
            id: f(self.id),
            address: f(self.address),
            field_tag: f(self.field_tag),
            key: self.key.map(&mut f),
            index: f(self.index),
            value: self.value.map(&mut f),
            committed: self.committed.map(&mut f),
        }
    }
}

impl<F: PrimeField> PublicStateRow<F> {
    /// The entry of the cell `rw` accesses, with value `value`, and `rw`'s id and committed
    /// value.
    pub fn of(rw: &Rw, value: equivm_trace::revm::primitives::U256) -> Self {
        let row = rw.to_row();
        PublicStateRow {
            tag: F::from(row.tag),
            id: F::from(rw.id),
            address: address_to_field(rw.address),
            field_tag: F::from(row.field_tag),
            key: u256_word(row.key).to_field(),
            index: F::from(row.index),
            value: u256_word(value).to_field(),
            committed: u256_word(rw.committed_value).to_field(),
        }
    }
}

/// A public state table: advice columns, each bound cell by cell to an instance column.
#[derive(Clone, Copy, Debug)]
pub struct PublicStateTable {
    /// The advice columns (equality enabled).
    pub columns: PublicStateRow<Column<Advice>>,
    /// The instance column each advice column is bound to.
    pub instance: PublicStateRow<Column<Instance>>,
    name: &'static str,
}

impl PublicStateTable {
    /// Allocates 9 advice and 9 instance columns; `name` labels failures.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>, name: &'static str) -> Self {
        let mut word = || Word::new(meta.advice_column(), meta.advice_column());
        let (key, value, committed) = (word(), word(), word());
        let columns = PublicStateRow {
            tag: meta.advice_column(),
            id: meta.advice_column(),
            address: meta.advice_column(),
            field_tag: meta.advice_column(),
            key,
            index: meta.advice_column(),
            value,
            committed,
        };
        let instance = PublicStateRow::default().map(|()| meta.instance_column());
        for c in columns.to_vec() {
            meta.enable_equality(c);
        }
        for c in instance.to_vec() {
            meta.enable_equality(c);
        }
        Self {
            columns,
            instance,
            name,
        }
    }

    /// The columns queried at the current row, by name.
    pub fn row_exprs<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
    ) -> PublicStateRow<Expression<F>> {
        self.columns
            .map(|column| meta.query_advice(column, Rotation::cur()))
    }

    /// The instance columns' values for `rows`: column `c` holds row 0 (zero), then field
    /// `c` of each row.
    pub fn instance_values<F: PrimeField>(rows: &[PublicStateRow<F>]) -> Vec<Vec<F>> {
        let rows: Vec<Vec<F>> = rows.iter().map(|r| r.to_vec()).collect();
        public_values(PUBLIC_STATE_COLUMNS, &rows)
    }

    /// Assigns row 0 (zero), `rows`, then zero rows up to `capacity`, and binds every cell
    /// to its instance cell.
    pub fn load<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[PublicStateRow<F>],
        capacity: usize,
    ) -> Result<(), TableError> {
        let rows: Vec<Vec<F>> = rows.iter().map(|r| r.to_vec()).collect();
        assign_public_rows(
            layouter,
            self.name,
            &self.columns.to_vec(),
            &self.instance.to_vec(),
            &rows,
            capacity,
        )
    }
}

impl<F: PrimeField> LookupTable<F> for PublicStateTable {
    fn columns(&self) -> Vec<Column<Any>> {
        self.columns.to_vec().into_iter().map(Into::into).collect()
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "state.tag",
            "state.id",
            "state.address",
            "state.field_tag",
            "state.key_lo",
            "state.key_hi",
            "state.index",
            "state.value_lo",
            "state.value_hi",
            "state.committed_lo",
            "state.committed_hi",
        ]
    }
}
