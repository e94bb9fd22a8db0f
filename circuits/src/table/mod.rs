//! Lookup tables: the facts one circuit states and other circuits look up.
//!
//! Each table is a set of named columns, configured once and shared by name between the
//! circuits of a block (the EVM circuit looks up into all of them). A table row is a *claim*;
//! what makes the claim true is said in each table's `//!` header:
//!
//! | table | columns | rows | who proves the rows |
//! | --- | --- | --- | --- |
//! | [`FixedTable`] | fixed | byte range, bitwise ops, opcode properties, responsible opcodes | the verifier (fixed columns are part of the verifying key) |
//! | [`RwTable`] | advice | the read/write log, in `rw_counter` order | the state circuit |
//! | [`BytecodeTable`] | advice | a header (length) and one row per byte of each bytecode | the bytecode circuit |
//! | [`TxTable`] | advice | fields, calldata bytes and blob hashes of each tx | the tx / public-input circuit |
//! | [`BlockTable`] | advice | block fields and previous block hashes | the public-input circuit |
//! | [`KeccakTable`] | advice | a length row and one row per byte of each hashed input | the keccak circuit |
//! | [`CopyTable`] | advice | one claim per copy of bytes (repeated on each byte's row) | the copy circuit |
//!
//! [`Tables`] configures all five once and loads them from a [`Witness`](equivm_witness::Witness);
//! [`opcode_rows`] derives the fixed table's opcode rows from `equivm_witness::opcodes::OPCODES`.
//!
//! Conventions shared by every table:
//! - row 0 is all zero, and so is every unused row up to the table's `capacity`; every table
//!   has a tag column whose value 0 is never a valid entry, so the zero row matches exactly
//!   the lookups that are switched off (inputs multiplied by a condition that is 0);
//! - a 256-bit word is two 128-bit limbs (`lo`, `hi`), see [`equivm_gadgets::Word`];
//! - an address is one field element (its 160-bit number) in the rw table's `address`
//!   column, and a word ([`address_to_word`], as the stack holds it) in the `value` of the tx
//!   and block tables; [`address_to_field`] is `lo + hi · 2^128` of that word;
//! - [`LookupTable::table_exprs`] gives the right-hand side of `meta.lookup_any`, in the order
//!   of [`LookupTable::columns`]; each table also has a `*Row<T>` struct with named fields in
//!   that same order, used both for assignment (`T = F`) and for lookup inputs
//!   (`T = Expression<F>`);
//! - `load` assigns the whole table in one region that it lays out itself (row 0 of that
//!   region is the table's row 0), and returns [`TableError::CapacityExceeded`] instead of
//!   assigning past `capacity`. `capacity` must not exceed the circuit's usable rows.

pub mod block;
pub mod bytecode;
pub mod copy;
pub mod fixed;
pub mod keccak;
pub mod opcode_rows;
pub mod rw;
pub mod set;
pub mod tx;

#[cfg(test)]
pub(crate) mod test_util;

pub use block::{BlockFieldTag, BlockTable, BlockTableRow};
pub use bytecode::{BytecodeFieldTag, BytecodeTable, BytecodeTableRow};
pub use copy::{copy_data_type_number, CopyTable, CopyTableRow};
pub use fixed::{FixedTable, FixedTableRow, FixedTableTag};
pub use keccak::{KeccakFieldTag, KeccakTable, KeccakTableRow};
pub use rw::{RwTable, RwTableRow};
pub use set::{TableCapacities, Tables};
pub use tx::{TxFieldTag, TxTable, TxTableRow};

use equivm_gadgets::{util::pow2, Word};
use equivm_trace::revm::primitives::{Address, B256, U256};
use halo2_proofs::{
    circuit::{Layouter, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Any, Column, ConstraintSystem, Error, Expression, Instance, VirtualCells},
    poly::Rotation,
};

/// Why a table could not be assigned.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The witness needs more rows than the table was given.
    #[error(
        "{table} table needs {needed} rows (including the zero row) but its capacity is {capacity}"
    )]
    CapacityExceeded {
        /// Table name.
        table: &'static str,
        /// Rows the witness needs, including row 0.
        needed: usize,
        /// Rows available.
        capacity: usize,
    },
    /// The witness holds a value the table cannot represent faithfully.
    #[error("{table} table: {reason}")]
    InvalidWitness {
        /// Table name.
        table: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// halo2 refused an assignment.
    #[error("{table} table: halo2 error: {source}")]
    Halo2 {
        /// Table name.
        table: &'static str,
        /// The error.
        source: Error,
    },
}

impl From<TableError> for Error {
    /// Inside `synthesize` only a halo2 [`Error`] can be returned: typed table errors become
    /// [`Error::Synthesis`]. Call the table's `rows_needed` beforehand to report them with
    /// context.
    fn from(err: TableError) -> Self {
        match err {
            TableError::Halo2 { source, .. } => source,
            _ => Error::Synthesis,
        }
    }
}

/// Returns [`TableError::CapacityExceeded`] when `needed > capacity`.
pub(crate) fn check_capacity(
    table: &'static str,
    needed: usize,
    capacity: usize,
) -> Result<(), TableError> {
    if needed > capacity {
        return Err(TableError::CapacityExceeded {
            table,
            needed,
            capacity,
        });
    }
    Ok(())
}

/// A table that other circuits look up into with `meta.lookup_any`.
pub trait LookupTable<F: PrimeField> {
    /// The table's columns, in lookup order.
    fn columns(&self) -> Vec<Column<Any>>;

    /// A name for each column of [`Self::columns`], same order (used in MockProver reports).
    fn annotations(&self) -> Vec<&'static str>;

    /// The table side of a lookup: every column queried at the current row.
    fn table_exprs(&self, meta: &mut VirtualCells<'_, F>) -> Vec<Expression<F>> {
        self.columns()
            .into_iter()
            .map(|column| meta.query_any(column, Rotation::cur()))
            .collect()
    }

    /// Names the table's columns in `meta` so that failures print them.
    fn annotate_columns(&self, meta: &mut ConstraintSystem<F>) {
        for (column, name) in self.columns().into_iter().zip(self.annotations()) {
            meta.annotate_lookup_any_column(column, || name);
        }
    }

    /// Registers the lookup `name`: the tuple `inputs` is a row of the table.
    ///
    /// To make the lookup conditional, multiply every input by the condition: the all-zero
    /// row every table holds then matches where the condition is 0. `inputs` must have one
    /// expression per column; a different count is a bug in the caller and panics at
    /// configure time.
    fn lookup(
        &self,
        meta: &mut ConstraintSystem<F>,
        name: &str,
        inputs: impl FnOnce(&mut VirtualCells<'_, F>) -> Vec<Expression<F>>,
    ) -> usize {
        meta.lookup_any(name, |m| {
            let inputs = inputs(m);
            let table = self.table_exprs(m);
            assert_eq!(
                inputs.len(),
                table.len(),
                "lookup {name}: {} inputs for a table of {} columns",
                inputs.len(),
                table.len()
            );
            inputs.into_iter().zip(table).collect()
        })
    }
}

/// A 256-bit value as (lo, hi) 128-bit limbs.
pub fn u256_word(value: U256) -> Word<u128> {
    let limbs = value.as_limbs();
    let lo = u128::from(limbs[0]) | (u128::from(limbs[1]) << 64);
    let hi = u128::from(limbs[2]) | (u128::from(limbs[3]) << 64);
    Word::new(lo, hi)
}

/// A 32-byte hash (big-endian, as the EVM reads it) as (lo, hi) limbs.
pub fn b256_word(value: B256) -> Word<u128> {
    Word::from_be_bytes(value.0)
}

/// An address as the word of its 160-bit big-endian number (`hi` holds the top 32 bits).
pub fn address_to_word(address: Address) -> Word<u128> {
    u256_word(U256::from_be_slice(address.as_slice()))
}

/// An address as one field element, `lo + hi · 2^128` of [`address_to_word`] (below the
/// modulus, so no wrapping).
pub fn address_to_field<F: PrimeField>(address: Address) -> F {
    let word = address_to_word(address);
    F::from_u128(word.lo) + F::from_u128(word.hi) * pow2::<F>(128)
}

/// Assigns an advice table in one region: row 0 all zero, then `rows` (each one value per
/// column, in column order), then zero rows up to `capacity`. The caller has checked that
/// `1 + rows.len() <= capacity`.
pub(crate) fn assign_advice_rows<F: PrimeField>(
    layouter: &mut impl Layouter<F>,
    table: &'static str,
    columns: &[Column<Advice>],
    rows: &[Vec<F>],
    capacity: usize,
) -> Result<(), TableError> {
    check_capacity(table, 1 + rows.len(), capacity)?;
    layouter
        .assign_region(
            || format!("{table} table"),
            |mut region| {
                for offset in 0..capacity {
                    let row = offset.checked_sub(1).and_then(|i| rows.get(i));
                    for (i, column) in columns.iter().enumerate() {
                        let value = row.and_then(|r| r.get(i)).copied().unwrap_or(F::ZERO);
                        region.assign_advice(*column, offset, Value::known(value));
                    }
                }
                Ok(())
            },
        )
        .map_err(|source| TableError::Halo2 { table, source })
}

/// Like [`assign_advice_rows`], and binds the cell of every row `r` (zero rows included) and
/// column `c` to row `r` of `instance[c]`: the table's content is then a public input, see
/// [`public_values`].
pub(crate) fn assign_public_rows<F: PrimeField>(
    layouter: &mut impl Layouter<F>,
    table: &'static str,
    columns: &[Column<Advice>],
    instance: &[Column<Instance>],
    rows: &[Vec<F>],
    capacity: usize,
) -> Result<(), TableError> {
    check_capacity(table, 1 + rows.len(), capacity)?;
    let cells = layouter
        .assign_region(
            || format!("{table} table"),
            |mut region| {
                let mut cells = Vec::with_capacity(capacity * columns.len());
                for offset in 0..capacity {
                    let row = offset.checked_sub(1).and_then(|i| rows.get(i));
                    for (i, column) in columns.iter().enumerate() {
                        let value = row.and_then(|r| r.get(i)).copied().unwrap_or(F::ZERO);
                        let cell = region.assign_advice(*column, offset, Value::known(value));
                        cells.push((i, offset, cell.cell()));
                    }
                }
                Ok(cells)
            },
        )
        .map_err(|source| TableError::Halo2 { table, source })?;
    for (i, offset, cell) in cells {
        let column = *instance.get(i).ok_or(TableError::InvalidWitness {
            table,
            reason: format!("no instance column for column {i}"),
        })?;
        layouter.constrain_instance(cell, column, offset);
    }
    Ok(())
}

/// The instance values of a table whose cells are bound to instance columns: one vector
/// per column, row 0 (zero) then each row's value (the zero rows after are implied).
pub fn public_values<F: PrimeField>(width: usize, rows: &[Vec<F>]) -> Vec<Vec<F>> {
    let mut columns = vec![vec![F::ZERO]; width];
    for row in rows {
        for (column, v) in columns.iter_mut().zip(row) {
            column.push(*v);
        }
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2curves::bn256::Fr;
    use proptest::prelude::*;

    #[test]
    fn limbs_of_u256_and_b256_agree() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xab; // most significant byte
        bytes[31] = 0x01;
        let value = U256::from_be_bytes(bytes);
        let word = u256_word(value);
        assert_eq!(word, b256_word(B256::from(bytes)));
        assert_eq!(word.lo, 1);
        assert_eq!(word.hi, 0xab << 120);
    }

    #[test]
    fn address_fits_one_cell() {
        let address = Address::repeat_byte(0xff);
        let expected = pow2::<Fr>(160) - Fr::one();
        assert_eq!(address_to_field::<Fr>(address), expected);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn limbs_agree_with_big_endian_bytes(bytes in any::<[u8; 32]>()) {
            let word = u256_word(U256::from_be_bytes(bytes));
            prop_assert_eq!(word, Word::from_be_bytes(bytes));
            prop_assert_eq!(word, b256_word(B256::from(bytes)));
            let address = Address::from_slice(&bytes[12..]);
            let expected = address_to_word(address).to_field::<Fr>();
            prop_assert_eq!(
                address_to_field::<Fr>(address),
                expected.lo + expected.hi * pow2::<Fr>(128)
            );
            prop_assert!(address_to_word(address).hi < 1 << 32);
        }
    }
}
