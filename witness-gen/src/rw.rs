//! The read/write log: every access the EVM circuit makes to state it does not hold itself.
//!
//! Each [`Rw`] has a unique `rw_counter` (1, 2, 3, ... in execution order). The state
//! circuit sorts the log by [`Rw::state_key`] then `rw_counter` and proves that every read
//! returns the latest write (or the initial value), and that a write's `value_prev` is the
//! value it replaces. Memory is byte-granular; the stack address of an item is its stack
//! pointer (`1024 - height` when it is the top). [`RwRow`] is the flat view a table assigns.

use equivm_trace::revm::primitives::{Address, U256};
use serde::{Deserialize, Serialize};

/// Which kind of state an [`Rw`] touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RwTag {
    /// A stack slot of a call (`id` = call id, `key` = stack address).
    Stack = 1,
    /// A memory byte of a call (`id` = call id, `key` = byte address).
    Memory,
    /// Persistent storage (`id` = tx id, `address`, `key` = slot; `committed_value`).
    Storage,
    /// EIP-1153 transient storage (`id` = tx id, `address`, `key` = slot).
    TransientStorage,
    /// A call's context field (`id` = call id, `field`).
    CallContext,
    /// An account field (`address`, `field`).
    Account,
    /// EIP-2929 warm flag of an account (`id` = tx id, `address`; value 0 or 1).
    TxAccessListAccount,
    /// EIP-2929 warm flag of a storage slot (`id` = tx id, `address`, `key`).
    TxAccessListAccountStorage,
    /// The transaction's refund counter (`id` = tx id).
    TxRefund,
    /// A log field (`id` = tx id, `key` = log id within the tx, `field`, `index`).
    TxLog,
    /// A receipt field (`id` = tx id, `field`).
    TxReceipt,
}

/// Fields of a call's context.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CallContextField {
    TxId = 1,
    CallerId,
    Depth,
    CallerAddress,
    CalleeAddress,
    CallDataOffset,
    CallDataLength,
    ReturnDataOffset,
    ReturnDataLength,
    Value,
    IsSuccess,
    IsPersistent,
    IsStatic,
    IsRoot,
    IsCreate,
    CodeHash,
    LastCalleeId,
    LastCalleeReturnDataOffset,
    LastCalleeReturnDataLength,
    /// Caller state saved while a callee runs.
    ProgramCounter,
    StackPointer,
    GasLeft,
    MemorySize,
    ReversibleWriteCounter,
    /// The rw counter of the last undo write of a call that does not persist: the undo of
    /// the call's `k`-th reversible write (from 0) is at this counter minus `k`. Zero in a
    /// call that persists.
    RwCounterEndOfReversion,
}

/// Fields of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AccountField {
    /// Nonce.
    Nonce = 1,
    /// Balance.
    Balance,
    /// keccak256 of the code (the empty-code hash for accounts without code).
    CodeHash,
}

/// Fields of a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TxLogField {
    /// Emitting address (`index` 0).
    Address = 1,
    /// Topic number `index`.
    Topic,
    /// Data byte number `index`.
    Data,
}

/// Fields of a receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TxReceiptField {
    /// 1 for success, 0 for failure.
    PostStateOrStatus = 1,
    /// Gas used by the block up to and including this tx.
    CumulativeGasUsed,
    /// Number of persisted logs.
    LogLength,
}

/// The field selector of an [`Rw`], for tags that have fields.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum RwField {
    /// The tag has no field.
    #[default]
    None,
    /// A call-context field.
    CallContext(CallContextField),
    /// An account field.
    Account(AccountField),
    /// A log field.
    TxLog(TxLogField),
    /// A receipt field.
    TxReceipt(TxReceiptField),
}

impl RwField {
    /// The field's number in the table (0 for none).
    pub fn as_u64(self) -> u64 {
        match self {
            RwField::None => 0,
            RwField::CallContext(f) => f as u64,
            RwField::Account(f) => f as u64,
            RwField::TxLog(f) => f as u64,
            RwField::TxReceipt(f) => f as u64,
        }
    }
}

/// Identifies one cell of state: entries with equal keys are the history of one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StateKey {
    /// Tag.
    pub tag: RwTag,
    /// Call id, tx id or 0 (0 for storage and accounts, which outlive transactions).
    pub id: u64,
    /// Account address or zero.
    pub address: Address,
    /// Field.
    pub field: RwField,
    /// Storage slot, stack or memory address, log id.
    pub key: U256,
    /// Topic or data-byte index of a log.
    pub index: u64,
}

/// One read or write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rw {
    /// Position in the log, from 1, strictly increasing.
    pub rw_counter: u64,
    /// Write (true) or read (false).
    pub is_write: bool,
    /// Kind of state.
    pub tag: RwTag,
    /// Call id (stack, memory, call context) or tx id (the others); 0 for accounts.
    pub id: u64,
    /// Account address (storage, accounts, access lists), zero otherwise.
    pub address: Address,
    /// Field for call context, account, log and receipt entries.
    pub field: RwField,
    /// Storage slot, stack address, memory byte address, or log id.
    pub key: U256,
    /// Topic index or data-byte index of a log entry.
    pub index: u64,
    /// Value read, or value written.
    pub value: U256,
    /// Value before a write (equal to `value` for a read).
    pub value_prev: U256,
    /// Storage value at the start of the transaction (storage only; EIP-2200).
    pub committed_value: U256,
}

impl Rw {
    /// A blank entry of `tag` (counter and values to be filled in).
    pub fn new(tag: RwTag) -> Self {
        Rw {
            rw_counter: 0,
            is_write: false,
            tag,
            id: 0,
            address: Address::ZERO,
            field: RwField::None,
            key: U256::ZERO,
            index: 0,
            value: U256::ZERO,
            value_prev: U256::ZERO,
            committed_value: U256::ZERO,
        }
    }

    /// Stack slot `pointer` of call `call_id`.
    pub fn stack(call_id: u64, pointer: u64) -> Self {
        Rw {
            id: call_id,
            key: U256::from(pointer),
            ..Rw::new(RwTag::Stack)
        }
    }

    /// Memory byte `addr` of call `call_id`.
    pub fn memory(call_id: u64, addr: u64) -> Self {
        Rw {
            id: call_id,
            key: U256::from(addr),
            ..Rw::new(RwTag::Memory)
        }
    }

    /// Storage slot `key` of `address`, seen by tx `tx_id`.
    pub fn storage(tx_id: u64, address: Address, key: U256) -> Self {
        Rw {
            id: tx_id,
            address,
            key,
            ..Rw::new(RwTag::Storage)
        }
    }

    /// Transient storage slot `key` of `address` in tx `tx_id`.
    pub fn transient(tx_id: u64, address: Address, key: U256) -> Self {
        Rw {
            id: tx_id,
            address,
            key,
            ..Rw::new(RwTag::TransientStorage)
        }
    }

    /// Context field `field` of call `call_id`.
    pub fn call_context(call_id: u64, field: CallContextField) -> Self {
        Rw {
            id: call_id,
            field: RwField::CallContext(field),
            ..Rw::new(RwTag::CallContext)
        }
    }

    /// Field `field` of account `address`.
    pub fn account(address: Address, field: AccountField) -> Self {
        Rw {
            address,
            field: RwField::Account(field),
            ..Rw::new(RwTag::Account)
        }
    }

    /// Warm flag of `address` in tx `tx_id`.
    pub fn access_account(tx_id: u64, address: Address) -> Self {
        Rw {
            id: tx_id,
            address,
            ..Rw::new(RwTag::TxAccessListAccount)
        }
    }

    /// Whether `address` was created in tx `tx_id` (EIP-6780): the account's warm-flag cell
    /// with `index` 1, written 1 by the creation in its reversion scope, 2 by a SELFDESTRUCT
    /// of the account (pending deletion) and 3 by the deletion after the tx's `EndTx`.
    pub fn created_flag(tx_id: u64, address: Address) -> Self {
        Rw {
            id: tx_id,
            address,
            index: 1,
            ..Rw::new(RwTag::TxAccessListAccount)
        }
    }

    /// The number of non-zero storage slots of `address`, counted in tx `tx_id` for an
    /// account that tx created (EIP-6780): the account's warm-flag cell with `index` 2. Each
    /// SSTORE into a created account moves it by `[current = 0] − [new = 0]`; the deletion of
    /// a self-destructed account clears slots until it is 0.
    pub fn slot_count(tx_id: u64, address: Address) -> Self {
        Rw {
            id: tx_id,
            address,
            index: 2,
            ..Rw::new(RwTag::TxAccessListAccount)
        }
    }

    /// Warm flag of slot `key` of `address` in tx `tx_id`.
    pub fn access_storage(tx_id: u64, address: Address, key: U256) -> Self {
        Rw {
            id: tx_id,
            address,
            key,
            ..Rw::new(RwTag::TxAccessListAccountStorage)
        }
    }

    /// Refund counter of tx `tx_id`.
    pub fn refund(tx_id: u64) -> Self {
        Rw {
            id: tx_id,
            ..Rw::new(RwTag::TxRefund)
        }
    }

    /// Field `field` (number `index`) of log `log_id` of tx `tx_id`.
    pub fn log(tx_id: u64, log_id: u64, field: TxLogField, index: u64) -> Self {
        Rw {
            id: tx_id,
            key: U256::from(log_id),
            field: RwField::TxLog(field),
            index,
            ..Rw::new(RwTag::TxLog)
        }
    }

    /// Receipt field `field` of tx `tx_id`.
    pub fn receipt(tx_id: u64, field: TxReceiptField) -> Self {
        Rw {
            id: tx_id,
            field: RwField::TxReceipt(field),
            ..Rw::new(RwTag::TxReceipt)
        }
    }

    /// The state cell this entry reads or writes. Storage and accounts ignore `id`: they
    /// persist across transactions.
    pub fn state_key(&self) -> StateKey {
        let id = match self.tag {
            RwTag::Storage | RwTag::Account => 0,
            _ => self.id,
        };
        StateKey {
            tag: self.tag,
            id,
            address: self.address,
            field: self.field,
            key: self.key,
            index: self.index,
        }
    }

    /// Whether undoing this write is required when its call reverts.
    pub fn is_reversible(&self) -> bool {
        matches!(
            self.tag,
            RwTag::Storage
                | RwTag::TransientStorage
                | RwTag::Account
                | RwTag::TxAccessListAccount
                | RwTag::TxAccessListAccountStorage
                | RwTag::TxRefund
        )
    }

    /// The flat row view.
    pub fn to_row(&self) -> RwRow {
        RwRow {
            rw_counter: self.rw_counter,
            is_write: u64::from(self.is_write),
            tag: self.tag as u64,
            id: self.id,
            address: U256::from_be_slice(self.address.as_slice()),
            field_tag: self.field.as_u64(),
            key: self.key,
            index: self.index,
            value: self.value,
            value_prev: self.value_prev,
            committed_value: self.committed_value,
        }
    }
}

/// An [`Rw`] flattened into numbers, one per rw-table column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RwRow {
    /// `rw_counter`.
    pub rw_counter: u64,
    /// 1 for a write.
    pub is_write: u64,
    /// [`RwTag`] number.
    pub tag: u64,
    /// Call id or tx id.
    pub id: u64,
    /// Address as a number.
    pub address: U256,
    /// Field number ([`RwField::as_u64`]).
    pub field_tag: u64,
    /// Slot, stack or memory address, log id.
    pub key: U256,
    /// Log topic or byte index.
    pub index: u64,
    /// Value.
    pub value: U256,
    /// Previous value.
    pub value_prev: U256,
    /// Committed storage value.
    pub committed_value: U256,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_key_ignores_tx_id() {
        let a = Rw::storage(1, Address::ZERO, U256::from(5)).state_key();
        let b = Rw::storage(2, Address::ZERO, U256::from(5)).state_key();
        assert_eq!(a, b);
        let s1 = Rw::stack(1, 1023).state_key();
        let s2 = Rw::stack(2, 1023).state_key();
        assert_ne!(s1, s2);
    }

    #[test]
    fn row_flattens_fields() {
        let mut rw = Rw::call_context(7, CallContextField::IsStatic);
        rw.rw_counter = 3;
        rw.is_write = true;
        rw.value = U256::from(1);
        let row = rw.to_row();
        assert_eq!(row.tag, RwTag::CallContext as u64);
        assert_eq!(row.field_tag, CallContextField::IsStatic as u64);
        assert_eq!((row.rw_counter, row.is_write, row.id), (3, 1, 7));
    }
}
