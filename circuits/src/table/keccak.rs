//! KeccakTable: inputs and their keccak256 hashes, one row per input byte.
//!
//! Rows, for an input `x` with hash `h = keccak256(x)` (a word, lo/hi, of the hash read
//! big-endian as the EVM does):
//! - length `(Length, h, len(x), 0)` asserts "the input with hash `h` is `len` bytes long";
//! - byte `(Byte, h, i, x[i])` for `i < len(x)` asserts "byte `i` of the input with hash `h`
//!   is `x[i]`".
//!
//! Keying the rows by the hash needs no random linear combination of the input: a circuit
//! that knows a hash looks up each byte and the length it claims. Two inputs cannot share a
//! hash (collision resistance), so every row with hash `h` speaks of the same input.
//!
//! The keccak circuit proves the rows; the bytecode circuit (code hashes) and the copy
//! circuit (KECCAK256's memory bytes) look them up. Row 0 and the rows after the last input
//! are all zero (tag 0 is no [`KeccakFieldTag`]).

use super::{assign_advice_rows, b256_word, check_capacity, LookupTable, TableError};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{keccak256, Bytes};
use equivm_witness::Witness;
use halo2_proofs::{
    circuit::Layouter,
    halo2curves::ff::PrimeField,
    plonk::{Advice, Any, Column, ConstraintSystem, Expression, VirtualCells},
    poly::Rotation,
};

/// The kind of a keccak-table row (0 is the zero row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeccakFieldTag {
    /// The input's length (`index`; `value` 0).
    Length = 1,
    /// One byte of the input (`index`, `value`).
    Byte,
}

/// One keccak-table row with named fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeccakTableRow<T> {
    /// [`KeccakFieldTag`] number.
    pub tag: T,
    /// keccak256 of the input.
    pub hash: Word<T>,
    /// The byte's index, or the input's length on a `Length` row.
    pub index: T,
    /// The byte (0 on a `Length` row).
    pub value: T,
}

impl<T> KeccakTableRow<T> {
    /// The row in column order.
    pub fn to_vec(self) -> Vec<T> {
        vec![self.tag, self.hash.lo, self.hash.hi, self.index, self.value]
    }

    /// Applies `f` to every field, in column order.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> KeccakTableRow<U> {
        KeccakTableRow {
            tag: f(self.tag),
            hash: self.hash.map(&mut f),
            index: f(self.index),
            value: f(self.value),
        }
    }
}

impl<F: PrimeField> KeccakTableRow<F> {
    /// The rows of `input`: its `Length` row, then one `Byte` row per byte.
    pub fn rows_of(input: &[u8]) -> Vec<Self> {
        let hash = b256_word(keccak256(input)).to_field::<F>();
        let row = |tag: KeccakFieldTag, index: usize, value: u8| KeccakTableRow {
            tag: F::from(tag as u64),
            hash,
            index: F::from(index as u64),
            value: F::from(u64::from(value)),
        };
        std::iter::once(row(KeccakFieldTag::Length, input.len(), 0))
            .chain(
                input
                    .iter()
                    .enumerate()
                    .map(|(i, b)| row(KeccakFieldTag::Byte, i, *b)),
            )
            .collect()
    }
}

/// Every input of `witness` whose hash the circuits look up, each once, in first-seen
/// order: the bytecodes, then the other keccak inputs (KECCAK256, CREATE2 addresses, ...).
pub fn keccak_inputs(witness: &Witness) -> Vec<Bytes> {
    let mut seen = std::collections::HashSet::new();
    witness
        .bytecodes
        .iter()
        .map(|code| &code.bytes)
        .chain(&witness.keccak_inputs)
        .filter(|input| seen.insert(*input))
        .cloned()
        .collect()
}

/// Rows `inputs` take in the table (one per byte plus one per input), without the zero row.
pub fn keccak_row_count(inputs: &[Bytes]) -> usize {
    inputs.iter().map(|input| 1 + input.len()).sum()
}

/// The keccak table's advice columns.
#[derive(Clone, Copy, Debug)]
pub struct KeccakTable {
    /// The columns, one per field of [`KeccakTableRow`].
    pub columns: KeccakTableRow<Column<Advice>>,
}

impl KeccakTable {
    /// Allocates the 5 advice columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let columns = KeccakTableRow {
            tag: meta.advice_column(),
            hash: Word::new(meta.advice_column(), meta.advice_column()),
            index: meta.advice_column(),
            value: meta.advice_column(),
        };
        let table = Self { columns };
        table.annotate_columns(meta);
        table
    }

    /// Rows the table takes for `inputs`, including the zero row.
    pub fn rows_needed(inputs: &[Bytes]) -> usize {
        1 + keccak_row_count(inputs)
    }

    /// The columns queried at the current row, by name.
    pub fn row_exprs<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
    ) -> KeccakTableRow<Expression<F>> {
        self.columns
            .map(|column| meta.query_advice(column, Rotation::cur()))
    }

    /// Assigns the rows of every input in order, zero rows elsewhere up to `capacity`, in a
    /// region of its own. This states the rows without proving them: circuits whose tests
    /// need a keccak table but not the keccak circuit use it.
    pub fn load<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        inputs: &[Bytes],
        capacity: usize,
    ) -> Result<(), TableError> {
        check_capacity("keccak", Self::rows_needed(inputs), capacity)?;
        let rows: Vec<KeccakTableRow<F>> = inputs
            .iter()
            .flat_map(|input| KeccakTableRow::rows_of(input))
            .collect();
        self.load_rows(layouter, &rows, capacity)
    }

    /// Assigns `rows` as given at rows `1..` (tests use it to tamper).
    pub fn load_rows<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[KeccakTableRow<F>],
        capacity: usize,
    ) -> Result<(), TableError> {
        let rows: Vec<Vec<F>> = rows.iter().map(|r| r.to_vec()).collect();
        assign_advice_rows(layouter, "keccak", &self.columns.to_vec(), &rows, capacity)
    }
}

impl<F: PrimeField> LookupTable<F> for KeccakTable {
    fn columns(&self) -> Vec<Column<Any>> {
        self.columns.to_vec().into_iter().map(Into::into).collect()
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "keccak.tag",
            "keccak.hash_lo",
            "keccak.hash_hi",
            "keccak.index",
            "keccak.value",
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use equivm_witness::Bytecode;
    use halo2curves::bn256::Fr;

    #[test]
    fn rows_of_an_input_are_its_length_then_its_bytes() {
        let rows = KeccakTableRow::<Fr>::rows_of(&[0xaa, 0xbb]);
        let hash = b256_word(keccak256([0xaa, 0xbb])).to_field::<Fr>();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].tag, Fr::from(KeccakFieldTag::Length as u64));
        assert_eq!(rows[0].index, Fr::from(2));
        assert_eq!(rows[2].tag, Fr::from(KeccakFieldTag::Byte as u64));
        assert_eq!(
            (rows[2].index, rows[2].value),
            (Fr::from(1), Fr::from(0xbb))
        );
        assert!(rows.iter().all(|r| r.hash == hash));
    }

    #[test]
    fn the_empty_input_has_one_length_row() {
        let rows = KeccakTableRow::<Fr>::rows_of(&[]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].index, Fr::zero());
        assert_eq!(keccak_row_count(&[Bytes::new()]), 1);
    }

    #[test]
    fn inputs_are_listed_once() {
        let code = Bytes::from_static(&[0x60, 0x01, 0x00]);
        let witness = Witness {
            bytecodes: vec![Bytecode::new(code.clone())],
            keccak_inputs: vec![code.clone(), Bytes::from_static(&[1]), Bytes::new()],
            ..Witness::default()
        };
        let inputs = keccak_inputs(&witness);
        assert_eq!(inputs, vec![code, Bytes::from_static(&[1]), Bytes::new()]);
        assert_eq!(KeccakTable::rows_needed(&inputs), 1 + 4 + 2 + 1);
    }
}
