//! BlockTable: the block environment the EVM reads, and the hashes of previous blocks.
//!
//! A row `(tag, index, value)` asserts "block field `tag` is `value`" (`index` 0), or for
//! `BlockHash`, "the hash of block number `index` is `value`" (`value` a word, lo/hi; the
//! coinbase as the word of its 160-bit number). Rows, in this order: `Coinbase`,
//! `Timestamp`, `Number`, `Difficulty`, `PrevRandao` (only if the fork has it), `GasLimit`,
//! `BaseFee`, `ChainId`, `BlobBaseFee` and `ExcessBlobGas` (only if the fork has blobs), then
//! one `BlockHash` row per previous block whose hash the trace recorded (every hash `BLOCKHASH`
//! read; each `index` is one of the 256 numbers below `Number`, else loading fails).
//! `BLOCKHASH` of any other number returns 0 without a lookup.
//!
//! The EVM circuit looks rows up (block-context opcodes, BLOCKHASH, BeginTx/EndTx fees); the
//! public-input circuit ties them to the block header. Row 0 and the rows after the last
//! entry are all zero (tag 0 is no [`BlockFieldTag`]).

use super::{address_to_word, assign_advice_rows, b256_word, check_capacity, u256_word};
use super::{LookupTable, TableError};
use equivm_gadgets::Word;
use equivm_trace::{revm::primitives::U256, BlockInfo};
use halo2_proofs::{
    circuit::Layouter,
    halo2curves::ff::PrimeField,
    plonk::{Advice, Any, Column, ConstraintSystem, Expression, VirtualCells},
    poly::Rotation,
};

/// A block field (0 is the zero row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockFieldTag {
    /// Fee recipient (`COINBASE`).
    Coinbase = 1,
    /// `TIMESTAMP`.
    Timestamp,
    /// Block number (`NUMBER`).
    Number,
    /// Difficulty (`DIFFICULTY` before the merge).
    Difficulty,
    /// `PREVRANDAO` (what opcode 0x44 returns after the merge).
    PrevRandao,
    /// `GASLIMIT`.
    GasLimit,
    /// `BASEFEE`.
    BaseFee,
    /// `CHAINID`.
    ChainId,
    /// `BLOBBASEFEE`.
    BlobBaseFee,
    /// Excess blob gas of the header (EIP-4844).
    ExcessBlobGas,
    /// Hash of block number `index`.
    BlockHash,
}

/// Number of previous blocks whose hash `BLOCKHASH` returns.
pub const BLOCK_HASH_WINDOW: u64 = 256;

/// One block-table row with named fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockTableRow<T> {
    /// [`BlockFieldTag`] number.
    pub tag: T,
    /// Block number for `BlockHash`, else 0.
    pub index: T,
    /// The field's value.
    pub value: Word<T>,
}

impl<T> BlockTableRow<T> {
    /// The row in column order.
    pub fn to_vec(self) -> Vec<T> {
        vec![self.tag, self.index, self.value.lo, self.value.hi]
    }
}

impl<T> BlockTableRow<T> {
    /// Applies `f` to every field, in column order.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> BlockTableRow<U> {
        BlockTableRow {
            tag: f(self.tag),
            index: f(self.index),
            value: self.value.map(&mut f),
        }
    }
}

impl<F: PrimeField> BlockTableRow<F> {
    /// A row from native numbers.
    pub fn new(tag: BlockFieldTag, index: u64, value: Word<u128>) -> Self {
        BlockTableRow {
            tag: F::from(tag as u64),
            index: F::from(index),
            value: value.to_field(),
        }
    }

    /// The rows of `block`, in the order of the module docs. Fails if a recorded block hash
    /// is not one of the 256 blocks before `block.number`.
    pub fn rows_of(block: &BlockInfo) -> Result<Vec<Self>, TableError> {
        use BlockFieldTag::*;
        let small = |v: u128| Some(Word::new(v, 0));
        let fields = [
            (Coinbase, Some(address_to_word(block.coinbase))),
            (Timestamp, Some(u256_word(block.timestamp))),
            (Number, Some(u256_word(block.number))),
            (Difficulty, Some(u256_word(block.difficulty))),
            (PrevRandao, block.prevrandao.map(b256_word)),
            (GasLimit, small(block.gas_limit.into())),
            (BaseFee, small(block.base_fee.into())),
            (ChainId, small(block.chain_id.into())),
            (BlobBaseFee, block.blob_base_fee.and_then(small)),
            (
                ExcessBlobGas,
                block.excess_blob_gas.and_then(|v| small(v.into())),
            ),
        ];
        let mut rows: Vec<Self> = fields
            .into_iter()
            .filter_map(|(tag, value)| value.map(|v| Self::new(tag, 0, v)))
            .collect();
        for (number, hash) in &block.block_hashes {
            let n = U256::from(*number);
            if n >= block.number || block.number - n > U256::from(BLOCK_HASH_WINDOW) {
                return Err(TableError::InvalidWitness {
                    table: "block",
                    reason: format!(
                        "hash of block {number} recorded, outside the {BLOCK_HASH_WINDOW} \
                         blocks before block {}",
                        block.number
                    ),
                });
            }
            rows.push(Self::new(BlockHash, *number, b256_word(*hash)));
        }
        Ok(rows)
    }
}

/// The block table's advice columns.
#[derive(Clone, Copy, Debug)]
pub struct BlockTable {
    /// The columns, one per field of [`BlockTableRow`].
    pub columns: BlockTableRow<Column<Advice>>,
}

impl BlockTable {
    /// Allocates the 4 advice columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let columns = BlockTableRow {
            tag: meta.advice_column(),
            index: meta.advice_column(),
            value: Word::new(meta.advice_column(), meta.advice_column()),
        };
        let table = Self { columns };
        table.annotate_columns(meta);
        table
    }

    /// Rows the table takes for `block`, including the zero row.
    pub fn rows_needed(block: &BlockInfo) -> usize {
        let optional = [
            block.prevrandao.is_some(),
            block.blob_base_fee.is_some(),
            block.excess_blob_gas.is_some(),
        ];
        1 + 7 + optional.iter().filter(|o| **o).count() + block.block_hashes.len()
    }

    /// The columns queried at the current row, by name.
    pub fn row_exprs<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
    ) -> BlockTableRow<Expression<F>> {
        self.columns
            .map(|column| meta.query_advice(column, Rotation::cur()))
    }

    /// Assigns the rows of `block`, zero rows elsewhere up to `capacity`.
    pub fn load<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        block: &BlockInfo,
        capacity: usize,
    ) -> Result<(), TableError> {
        check_capacity("block", Self::rows_needed(block), capacity)?;
        let rows = BlockTableRow::<F>::rows_of(block)?;
        self.load_rows(layouter, &rows, capacity)
    }

    /// Assigns `rows` as given at rows `1..` (tests use it to tamper).
    pub fn load_rows<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[BlockTableRow<F>],
        capacity: usize,
    ) -> Result<(), TableError> {
        let rows: Vec<Vec<F>> = rows.iter().map(|r| r.to_vec()).collect();
        assign_advice_rows(layouter, "block", &self.columns.to_vec(), &rows, capacity)
    }
}

impl<F: PrimeField> LookupTable<F> for BlockTable {
    fn columns(&self) -> Vec<Column<Any>> {
        self.columns.to_vec().into_iter().map(Into::into).collect()
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "block.tag",
            "block.index",
            "block.value_lo",
            "block.value_hi",
        ]
    }
}

#[cfg(test)]
mod tests;
