//! TxTable: the fields of every transaction of the block, its blob hashes and calldata bytes.
//!
//! A row `(tx_id, tag, index, value)` asserts "field `tag` (item `index` for the list fields,
//! else 0) of transaction `tx_id` is `value`" (`value` a word, lo/hi; addresses as the word
//! of their 160-bit number, flags and counts as small words). Per transaction, in this order:
//! one row for each scalar [`TxFieldTag`] (`Nonce` ..= `BlobHashesLen`), then `BlobHash` rows
//! (`index` = position, `value` = versioned hash), then `CallData` rows (`index` = position,
//! `value` = the byte), then three rows per access-list item (`AccessListItemAddress`,
//! `AccessListItemIsKey`, `AccessListItemKey`; `index` = the item's position in the list
//! flattened as each address followed by its storage keys). `CallData` rows hold the tx's
//! data, which is the init code for a creation.
//!
//! The EVM circuit looks rows up (BeginTx, AccessListWarm, ORIGIN, GASPRICE, CALLDATALOAD/COPY of the root
//! call, BLOBHASH); the tx circuit ties them to the signed transactions and the public
//! inputs. Row 0 and the rows after the last transaction are all zero (tag 0 is no
//! [`TxFieldTag`]; tx ids start at 1).

use super::{address_to_word, assign_advice_rows, b256_word, check_capacity, u256_word};
use super::{LookupTable, TableError};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{Address, U256};
use equivm_trace::{TxInfo, TxType as Envelope};
use equivm_witness::TxWitness;
use halo2_proofs::{
    circuit::Layouter,
    halo2curves::ff::PrimeField,
    plonk::{Advice, Any, Column, ConstraintSystem, Expression, VirtualCells},
    poly::Rotation,
};

/// A transaction field (0 is the zero row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TxFieldTag {
    /// Sender nonce.
    Nonce = 1,
    /// Gas limit.
    GasLimit,
    /// Legacy gas price, or max fee per gas (EIP-1559 and later).
    GasPrice,
    /// Sender address.
    CallerAddress,
    /// Callee address (0 for a creation).
    CalleeAddress,
    /// 1 for a creation, else 0.
    IsCreate,
    /// Value transferred.
    Value,
    /// Number of data bytes.
    CallDataLength,
    /// Intrinsic gas of the data: 4 per zero byte, 16 per other byte (EIP-2028).
    CallDataGasCost,
    /// Envelope type: 0 legacy, 1 access list, 2 EIP-1559, 3 blob, 4 set-code.
    TxType,
    /// Max priority fee per gas (0 when the type has none).
    MaxPriorityFee,
    /// Gas price paid per unit of gas (what `GASPRICE` returns).
    EffectiveGasPrice,
    /// Number of access-list addresses.
    AccessListAddressesLen,
    /// Number of access-list storage keys, over all addresses.
    AccessListStorageKeysLen,
    /// Max fee per blob gas (0 unless type 3).
    MaxFeePerBlobGas,
    /// Number of blob versioned hashes.
    BlobHashesLen,
    /// Blob versioned hash number `index`.
    BlobHash,
    /// Data byte number `index`.
    CallData,
    /// The address of access-list item `index` (EIP-2930). The items are the list flattened:
    /// each address, then its storage keys (a key item carries its address).
    AccessListItemAddress,
    /// 1 if access-list item `index` is a storage key, 0 if it is an address.
    AccessListItemIsKey,
    /// The storage key of access-list item `index` (0 for an address item).
    AccessListItemKey,
}

/// The type byte of `tx_type`.
fn tx_type_number(tx_type: Envelope) -> u64 {
    match tx_type {
        Envelope::Legacy => 0,
        Envelope::AccessList => 1,
        Envelope::Eip1559 => 2,
        Envelope::Blob => 3,
        Envelope::SetCode => 4,
    }
}

/// One tx-table row with named fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TxTableRow<T> {
    /// Transaction id, from 1.
    pub tx_id: T,
    /// [`TxFieldTag`] number.
    pub tag: T,
    /// Position for `BlobHash` and `CallData`, else 0.
    pub index: T,
    /// The field's value.
    pub value: Word<T>,
}

impl<T> TxTableRow<T> {
    /// The row in column order.
    pub fn to_vec(self) -> Vec<T> {
        vec![
            self.tx_id,
            self.tag,
            self.index,
            self.value.lo,
            self.value.hi,
        ]
    }
}

impl<T> TxTableRow<T> {
    /// Applies `f` to every field, in column order.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> TxTableRow<U> {
        TxTableRow {
            tx_id: f(self.tx_id),
            tag: f(self.tag),
            index: f(self.index),
            value: self.value.map(&mut f),
        }
    }
}

impl<F: PrimeField> TxTableRow<F> {
    /// A row from native numbers.
    pub fn new(tx_id: u64, tag: TxFieldTag, index: u64, value: Word<u128>) -> Self {
        TxTableRow {
            tx_id: F::from(tx_id),
            tag: F::from(tag as u64),
            index: F::from(index),
            value: value.to_field(),
        }
    }

    /// The rows of `tx`, in the order of the module docs.
    pub fn rows_of(tx: &TxWitness) -> Vec<Self> {
        use TxFieldTag::*;
        let (id, info) = (tx.id, &tx.tx);
        let small = |v: u128| Word::new(v, 0);
        let data_gas: u128 = info
            .data
            .iter()
            .map(|b| if *b == 0 { 4u128 } else { 16 })
            .sum();
        let keys: usize = info.access_list.iter().map(|e| e.storage_keys.len()).sum();
        let scalars = [
            (Nonce, small(info.nonce.into())),
            (GasLimit, small(info.gas_limit.into())),
            (GasPrice, small(info.gas_price)),
            (CallerAddress, address_to_word(info.caller)),
            (CalleeAddress, info.to.map_or(Word::ZERO, address_to_word)),
            (IsCreate, small(info.to.is_none().into())),
            (Value, u256_word(info.value)),
            (CallDataLength, small(info.data.len() as u128)),
            (CallDataGasCost, small(data_gas)),
            (TxType, small(tx_type_number(info.tx_type).into())),
            (MaxPriorityFee, small(info.max_priority_fee.unwrap_or(0))),
            (EffectiveGasPrice, small(info.effective_gas_price)),
            (
                AccessListAddressesLen,
                small(info.access_list.len() as u128),
            ),
            (AccessListStorageKeysLen, small(keys as u128)),
            (MaxFeePerBlobGas, small(info.max_fee_per_blob_gas)),
            (BlobHashesLen, small(info.blob_hashes.len() as u128)),
        ];
        let scalars = scalars.into_iter().map(|(tag, v)| Self::new(id, tag, 0, v));
        let blobs = (0u64..)
            .zip(&info.blob_hashes)
            .map(|(i, h)| Self::new(id, BlobHash, i, b256_word(*h)));
        let data = (0u64..)
            .zip(info.data.iter())
            .map(|(i, b)| Self::new(id, CallData, i, small((*b).into())));
        let items = (0u64..)
            .zip(access_list_items(info))
            .flat_map(|(i, (address, key))| {
                [
                    Self::new(id, AccessListItemAddress, i, address_to_word(address)),
                    Self::new(id, AccessListItemIsKey, i, small(key.is_some().into())),
                    Self::new(id, AccessListItemKey, i, key.map_or(Word::ZERO, u256_word)),
                ]
            });
        scalars.chain(blobs).chain(data).chain(items).collect()
    }
}

/// Number of scalar fields per transaction (`Nonce` ..= `BlobHashesLen`).
pub const TX_SCALAR_FIELDS: usize = 16;

/// Rows per access-list item: its address, whether it is a key, the key.
pub const ROWS_PER_ACCESS_LIST_ITEM: usize = 3;

/// The access list of `tx` flattened into items, in the order `BeginTx` warms them: each
/// address (no key), then its storage keys (with their address).
pub fn access_list_items(tx: &TxInfo) -> impl Iterator<Item = (Address, Option<U256>)> + '_ {
    tx.access_list.iter().flat_map(|entry| {
        std::iter::once((entry.address, None)).chain(
            entry
                .storage_keys
                .iter()
                .map(move |k| (entry.address, Some(*k))),
        )
    })
}

/// Number of rows of `tx` (its [`TxTableRow::rows_of`]).
pub fn tx_row_count(tx: &TxWitness) -> usize {
    TX_SCALAR_FIELDS
        + tx.tx.blob_hashes.len()
        + tx.tx.data.len()
        + ROWS_PER_ACCESS_LIST_ITEM * access_list_items(&tx.tx).count()
}

/// The tx table's advice columns.
#[derive(Clone, Copy, Debug)]
pub struct TxTable {
    /// The columns, one per field of [`TxTableRow`].
    pub columns: TxTableRow<Column<Advice>>,
}

impl TxTable {
    /// Allocates the 5 advice columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let columns = TxTableRow {
            tx_id: meta.advice_column(),
            tag: meta.advice_column(),
            index: meta.advice_column(),
            value: Word::new(meta.advice_column(), meta.advice_column()),
        };
        let table = Self { columns };
        table.annotate_columns(meta);
        table
    }

    /// Rows the table takes for `txs`, including the zero row.
    pub fn rows_needed(txs: &[TxWitness]) -> usize {
        1 + txs.iter().map(tx_row_count).sum::<usize>()
    }

    /// The columns queried at the current row, by name.
    pub fn row_exprs<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
    ) -> TxTableRow<Expression<F>> {
        self.columns
            .map(|column| meta.query_advice(column, Rotation::cur()))
    }

    /// Assigns the rows of every transaction in order, zero rows elsewhere up to `capacity`.
    pub fn load<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        txs: &[TxWitness],
        capacity: usize,
    ) -> Result<(), TableError> {
        check_capacity("tx", Self::rows_needed(txs), capacity)?;
        let rows: Vec<TxTableRow<F>> = txs.iter().flat_map(TxTableRow::rows_of).collect();
        self.load_rows(layouter, &rows, capacity)
    }

    /// Assigns `rows` as given at rows `1..` (tests use it to tamper).
    pub fn load_rows<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[TxTableRow<F>],
        capacity: usize,
    ) -> Result<(), TableError> {
        let rows: Vec<Vec<F>> = rows.iter().map(|r| r.to_vec()).collect();
        assign_advice_rows(layouter, "tx", &self.columns.to_vec(), &rows, capacity)
    }
}

impl<F: PrimeField> LookupTable<F> for TxTable {
    fn columns(&self) -> Vec<Column<Any>> {
        self.columns.to_vec().into_iter().map(Into::into).collect()
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "tx.tx_id",
            "tx.tag",
            "tx.index",
            "tx.value_lo",
            "tx.value_hi",
        ]
    }
}

#[cfg(test)]
mod tests;
