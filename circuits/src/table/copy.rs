//! CopyTable: one claim per copy of bytes between memory, bytecode, calldata, logs and
//! keccak inputs.
//!
//! A row `(src_type, src_id, src_addr, src_addr_end, dst_type, dst_id, dst_addr, length,
//! rw_counter_start, rw_count, log_id)` asserts: "the `length` bytes of source `src_id` of
//! kind `src_type` at addresses `src_addr ..` (zero at `src_addr_end` and after) are the
//! bytes of destination `dst_id` of kind `dst_type` at `dst_addr ..`; the copy's accesses are
//! `rw_count` rw entries from `rw_counter_start`: the memory reads of the source bytes before
//! `src_addr_end`, then one write per byte to a memory or log destination (`log_id` names the
//! log)". Kinds are [`CopyDataType`] numbers ([`copy_data_type_number`]); ids are words:
//!
//! | kind | id | address |
//! | --- | --- | --- |
//! | `Memory` | call id | memory address |
//! | `Bytecode`, `Deployment` | code hash | byte index in the code |
//! | `TxCalldata` | tx id | byte index in the tx's data |
//! | `TxLog` | tx id | data-byte index of log `log_id` |
//! | `Keccak` | hash of the input | byte index in the input |
//!
//! The gadget that copies (CALLDATACOPY, CODECOPY, EXTCODECOPY, RETURNDATACOPY, MCOPY,
//! LOG*, KECCAK256, and RETURN/CALL/CREATE) looks up one row with what it knows from its
//! stack, call context and step state; it must give `src_addr ≤ src_addr_end` (clamp an
//! offset past the end of the source to the end: every byte there is zero) and addresses and
//! lengths below 2^40. A copy of zero bytes has no row: the gadget switches its lookup off.
//!
//! The copy circuit (`crate::copy`) proves the rows. They live on its byte rows: every row of
//! one copy carries the same claim (one claim, repeated `length` times). Row 0 and the unused
//! rows are all zero (kind 0 is no [`CopyDataType`]).

use super::{LookupTable, TableError};
use equivm_gadgets::Word;
use equivm_witness::{CopyDataType, CopyEvent};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Advice, Any, Column, ConstraintSystem, Expression, VirtualCells},
    poly::Rotation,
};

/// The number of a [`CopyDataType`] in the table's `src_type` and `dst_type` (0 is none).
pub fn copy_data_type_number(kind: CopyDataType) -> u64 {
    match kind {
        CopyDataType::Memory => 1,
        CopyDataType::Bytecode => 2,
        CopyDataType::TxCalldata => 3,
        CopyDataType::TxLog => 4,
        CopyDataType::Keccak => 5,
        CopyDataType::Deployment => 6,
    }
}

/// One copy-table row with named fields (cells, expressions or values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CopyTableRow<T> {
    /// Source kind ([`copy_data_type_number`]).
    pub src_type: T,
    /// Source id: call id, code hash or tx id.
    pub src_id: Word<T>,
    /// First source address.
    pub src_addr: T,
    /// End of the source: bytes from here on are zero and not read.
    pub src_addr_end: T,
    /// Destination kind ([`copy_data_type_number`]).
    pub dst_type: T,
    /// Destination id: call id, tx id, code hash or keccak hash.
    pub dst_id: Word<T>,
    /// First destination address.
    pub dst_addr: T,
    /// Number of bytes copied (at least 1).
    pub length: T,
    /// `rw_counter` of the copy's first access.
    pub rw_counter_start: T,
    /// Number of rw entries of the copy.
    pub rw_count: T,
    /// Log id within the tx for a log destination, else 0.
    pub log_id: T,
}

impl<T> CopyTableRow<T> {
    /// The row in column order.
    pub fn to_vec(self) -> Vec<T> {
        vec![
            self.src_type,
            self.src_id.lo,
            self.src_id.hi,
            self.src_addr,
            self.src_addr_end,
            self.dst_type,
            self.dst_id.lo,
            self.dst_id.hi,
            self.dst_addr,
            self.length,
            self.rw_counter_start,
            self.rw_count,
            self.log_id,
        ]
    }

    /// Applies `f` to every field, in column order.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> CopyTableRow<U> {
        CopyTableRow {
            src_type: f(self.src_type),
            src_id: self.src_id.map(&mut f),
            src_addr: f(self.src_addr),
            src_addr_end: f(self.src_addr_end),
            dst_type: f(self.dst_type),
            dst_id: self.dst_id.map(&mut f),
            dst_addr: f(self.dst_addr),
            length: f(self.length),
            rw_counter_start: f(self.rw_counter_start),
            rw_count: f(self.rw_count),
            log_id: f(self.log_id),
        }
    }
}

impl<F: PrimeField> CopyTableRow<F> {
    /// The claim of `event`, given its source and destination ids as words (a code or keccak
    /// hash where the event holds an index). A copy of zero bytes has no claim.
    pub fn from_event(
        event: &CopyEvent,
        src_id: Word<u128>,
        dst_id: Word<u128>,
    ) -> Result<Self, TableError> {
        if event.bytes.is_empty() {
            return Err(TableError::InvalidWitness {
                table: "copy",
                reason: "a copy of zero bytes has no claim".into(),
            });
        }
        Ok(CopyTableRow {
            src_type: F::from(copy_data_type_number(event.src_type)),
            src_id: src_id.to_field(),
            src_addr: F::from(event.src_addr),
            src_addr_end: F::from(event.src_addr_end),
            dst_type: F::from(copy_data_type_number(event.dst_type)),
            dst_id: dst_id.to_field(),
            dst_addr: F::from(event.dst_addr),
            length: F::from(event.bytes.len() as u64),
            rw_counter_start: F::from(event.rw_counter_start),
            rw_count: F::from(event.rw_count),
            log_id: F::from(event.log_id),
        })
    }
}

/// The copy table's advice columns.
#[derive(Clone, Copy, Debug)]
pub struct CopyTable {
    /// The columns, one per field of [`CopyTableRow`].
    pub columns: CopyTableRow<Column<Advice>>,
}

impl CopyTable {
    /// Allocates the 13 advice columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let mut advice = || meta.advice_column();
        let columns = CopyTableRow {
            src_type: advice(),
            src_id: Word::new(advice(), advice()),
            src_addr: advice(),
            src_addr_end: advice(),
            dst_type: advice(),
            dst_id: Word::new(advice(), advice()),
            dst_addr: advice(),
            length: advice(),
            rw_counter_start: advice(),
            rw_count: advice(),
            log_id: advice(),
        };
        let table = Self { columns };
        table.annotate_columns(meta);
        table
    }

    /// The columns queried at `rotation`, by name.
    pub fn row_exprs_at<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
        rotation: Rotation,
    ) -> CopyTableRow<Expression<F>> {
        self.columns
            .map(|column| meta.query_advice(column, rotation))
    }

    /// The columns queried at the current row, by name.
    pub fn row_exprs<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
    ) -> CopyTableRow<Expression<F>> {
        self.row_exprs_at(meta, Rotation::cur())
    }
}

impl<F: PrimeField> LookupTable<F> for CopyTable {
    fn columns(&self) -> Vec<Column<Any>> {
        self.columns.to_vec().into_iter().map(Into::into).collect()
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "copy.src_type",
            "copy.src_id_lo",
            "copy.src_id_hi",
            "copy.src_addr",
            "copy.src_addr_end",
            "copy.dst_type",
            "copy.dst_id_lo",
            "copy.dst_id_hi",
            "copy.dst_addr",
            "copy.length",
            "copy.rw_counter_start",
            "copy.rw_count",
            "copy.log_id",
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2curves::bn256::Fr;

    #[test]
    fn kinds_have_distinct_nonzero_numbers() {
        use CopyDataType::*;
        let kinds = [Memory, Bytecode, TxCalldata, TxLog, Keccak, Deployment];
        let mut numbers: Vec<u64> = kinds.iter().map(|k| copy_data_type_number(*k)).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers, vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn claim_of_an_event_follows_column_order() {
        let event = CopyEvent {
            src_type: CopyDataType::Memory,
            src_id: 1,
            src_addr: 4,
            src_addr_end: 6,
            dst_type: CopyDataType::TxLog,
            dst_id: 1,
            dst_addr: 0,
            bytes: vec![7, 8],
            log_id: 3,
            rw_counter_start: 10,
            rw_count: 4,
        };
        let row = CopyTableRow::<Fr>::from_event(&event, Word::new(1, 0), Word::new(1, 0))
            .expect("non-empty");
        let numbers = [1u64, 1, 0, 4, 6, 4, 1, 0, 0, 2, 10, 4, 3].map(Fr::from);
        assert_eq!(row.to_vec(), numbers.to_vec());
        let empty = CopyEvent {
            bytes: vec![],
            ..event
        };
        assert!(CopyTableRow::<Fr>::from_event(&empty, Word::ZERO, Word::ZERO).is_err());
    }
}
