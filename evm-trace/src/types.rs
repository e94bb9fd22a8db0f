//! The plain-data execution trace: what revm did, step by step, with the state it touched.
//!
//! Everything here is serde data with no behaviour beyond small accessors. A [`BlockTrace`]
//! is complete enough for `equivm-witness` to rebuild every read and write of the block
//! without running revm again, and carries revm's own observations (stack values, memory
//! bytes, storage values, warm/cold status) so that the witness can be checked against them.

use revm::primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A block's execution: environment, touched pre-state, transactions and post-state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockTrace {
    /// Block environment the transactions ran in.
    pub block: BlockInfo,
    /// State of every account the block touched, before the first transaction.
    /// Storage holds only the slots that were read or written.
    pub pre_state: BTreeMap<Address, AccountState>,
    /// State of the same accounts after the last transaction; `None` for an account that
    /// does not exist afterwards (never created, self-destructed, or empty and touched).
    pub post_state: BTreeMap<Address, Option<AccountState>>,
    /// The transactions, in block order.
    pub txs: Vec<TxTrace>,
}

/// Block environment values readable by the EVM.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInfo {
    /// Chain id (`CHAINID`).
    pub chain_id: u64,
    /// Block number (`NUMBER`).
    pub number: U256,
    /// Fee recipient (`COINBASE`).
    pub coinbase: Address,
    /// Timestamp (`TIMESTAMP`).
    pub timestamp: U256,
    /// Block gas limit (`GASLIMIT`).
    pub gas_limit: u64,
    /// Base fee per gas (`BASEFEE`).
    pub base_fee: u64,
    /// Difficulty; after the merge `PREVRANDAO` is read instead.
    pub difficulty: U256,
    /// `PREVRANDAO` value, if the fork has it.
    pub prevrandao: Option<B256>,
    /// Excess blob gas, if the fork has blobs.
    pub excess_blob_gas: Option<u64>,
    /// Blob base fee (`BLOBBASEFEE`), if the fork has blobs.
    pub blob_base_fee: Option<u128>,
    /// Hashes of previous blocks by number, for `BLOCKHASH`.
    pub block_hashes: BTreeMap<u64, B256>,
}

/// An account's state: nonce, balance, code and (a subset of) storage.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountState {
    /// Account nonce.
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// keccak256 of the code (the empty-code hash for accounts without code).
    pub code_hash: B256,
    /// Code bytes.
    pub code: Bytes,
    /// Storage slots (key to value); zero values are kept when they were touched.
    pub storage: BTreeMap<U256, U256>,
}

/// Transaction kind, as in the typed-envelope byte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxType {
    /// Type 0: legacy.
    #[default]
    Legacy,
    /// Type 1: EIP-2930 access list.
    AccessList,
    /// Type 2: EIP-1559 fee market.
    Eip1559,
    /// Type 3: EIP-4844 blobs.
    Blob,
    /// Type 4: EIP-7702 set-code (Prague).
    SetCode,
}

/// One access-list entry: an address and storage keys to pre-warm.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessListEntry {
    /// Address made warm.
    pub address: Address,
    /// Storage keys of `address` made warm.
    pub storage_keys: Vec<U256>,
}

/// The transaction as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxInfo {
    /// Envelope type.
    pub tx_type: TxType,
    /// Sender.
    pub caller: Address,
    /// Callee; `None` for contract creation.
    pub to: Option<Address>,
    /// Sender nonce.
    pub nonce: u64,
    /// Value transferred.
    pub value: U256,
    /// Call data or init code.
    pub data: Bytes,
    /// Gas limit.
    pub gas_limit: u64,
    /// Legacy gas price, or max fee per gas for EIP-1559 transactions.
    pub gas_price: u128,
    /// Max priority fee per gas (EIP-1559 and later).
    pub max_priority_fee: Option<u128>,
    /// Gas price actually paid per unit of gas.
    pub effective_gas_price: u128,
    /// Access list.
    pub access_list: Vec<AccessListEntry>,
    /// Blob versioned hashes (type 3).
    pub blob_hashes: Vec<B256>,
    /// Max fee per blob gas (type 3).
    pub max_fee_per_blob_gas: u128,
}

/// How a transaction ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxStatus {
    /// Root call returned normally (STOP, RETURN or SELFDESTRUCT).
    Success,
    /// Root call reverted with `REVERT`.
    Revert,
    /// Root call halted with an exceptional error (named as revm names it).
    Halt(String),
    /// The transaction was invalid and not executed (named as revm names it).
    Invalid(String),
}

/// A log emitted by the transaction (only logs of calls that did not revert).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Emitting contract.
    pub address: Address,
    /// Topics, 0 to 4.
    pub topics: Vec<B256>,
    /// Data bytes.
    pub data: Bytes,
}

/// Result of a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxResult {
    /// Outcome.
    pub status: TxStatus,
    /// Gas used after refunds (what the sender pays for).
    pub gas_used: u64,
    /// Gas refunded (capped per EIP-3529).
    pub gas_refunded: u64,
    /// Return data or revert data of the root call.
    pub output: Bytes,
    /// Logs that survive.
    pub logs: Vec<LogEntry>,
    /// Contract created by a creation transaction that succeeded.
    pub created_address: Option<Address>,
}

/// The kind of a call frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallKind {
    /// `CALL` or a transaction's message call.
    Call,
    /// `CALLCODE`.
    CallCode,
    /// `DELEGATECALL`.
    DelegateCall,
    /// `STATICCALL`.
    StaticCall,
    /// `CREATE` or a creation transaction.
    Create,
    /// `CREATE2`.
    Create2,
}

impl CallKind {
    /// Whether the frame runs init code.
    pub fn is_create(self) -> bool {
        matches!(self, CallKind::Create | CallKind::Create2)
    }
}

/// One call frame (message call or creation), in the order frames started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallFrame {
    /// Index of this frame in [`TxTrace::calls`]; the root call is 0.
    pub id: usize,
    /// Parent frame; `None` for the root call.
    pub parent: Option<usize>,
    /// Call depth (root call 0).
    pub depth: usize,
    /// Kind of call.
    pub kind: CallKind,
    /// Address whose balance paid / whose context made the call (`CALLER` in the callee).
    pub caller: Address,
    /// Address whose storage and balance the frame uses (`ADDRESS`).
    pub address: Address,
    /// Address the executed code came from (differs from `address` for CALLCODE and
    /// DELEGATECALL; the created address for creations).
    pub code_address: Address,
    /// Value: transferred for CALL/CALLCODE/creations, apparent for DELEGATECALL, zero
    /// for STATICCALL.
    pub value: U256,
    /// Whether `value` actually moves between accounts.
    pub transfers_value: bool,
    /// Call data, or init code for creations.
    pub input: Bytes,
    /// Static context (no state changes allowed).
    pub is_static: bool,
    /// Gas made available to the frame.
    pub gas_limit: u64,
    /// Whether the call targeted a precompiled contract (no steps are recorded).
    pub is_precompile: bool,
    /// Offset and length in the parent's memory where return data is copied (calls only).
    pub return_memory: (u64, u64),
    /// Whether the frame ended without reverting or halting.
    pub success: bool,
    /// How the frame ended, as revm names the instruction result.
    pub end_reason: String,
    /// Return data (or revert data); for a successful creation, the deployed code.
    pub return_data: Bytes,
    /// Gas spent by the frame (limit minus remaining at exit).
    pub gas_used: u64,
    /// Address created (creations that succeeded).
    pub created_address: Option<Address>,
    /// Index into [`TxTrace::steps`] of the frame's first step (equal to the next frame's
    /// first step, or the total, when the frame ran none).
    pub first_step: usize,
}

/// A memory region and its bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryChunk {
    /// Byte offset.
    pub offset: u64,
    /// The bytes.
    pub data: Bytes,
}

/// What a storage-family opcode saw, peeked from revm's journal before the opcode ran.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageAccess {
    /// Account whose storage is accessed.
    pub address: Address,
    /// Slot.
    pub key: U256,
    /// Value before the opcode.
    pub value: U256,
    /// Value at the start of the transaction (persistent storage only).
    pub original: U256,
    /// Whether the slot was already warm (persistent storage only; EIP-2929).
    pub warm: bool,
}

/// One executed opcode.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Frame this step runs in (index into [`TxTrace::calls`]).
    pub call_id: u32,
    /// Program counter.
    pub pc: u32,
    /// Opcode byte.
    pub opcode: u8,
    /// Call depth.
    pub depth: u16,
    /// Gas left before the step.
    pub gas: u64,
    /// Gas charged by the step (for calls and creations: including the gas passed to the
    /// callee, minus what it returned).
    pub gas_cost: u64,
    /// Refund counter of the frame before the step.
    pub refund: i64,
    /// Stack height before the step.
    pub stack_len: u16,
    /// Stack items the step reads, top first (`n` items for an opcode that reads `n`).
    /// For a step that fails with stack underflow, the items that were there.
    pub stack_in: Vec<U256>,
    /// Stack items the step leaves, top first, as revm had them after it.
    pub stack_out: Vec<U256>,
    /// Memory size in bytes before the step.
    pub memory_size: u64,
    /// Memory size in bytes after the step.
    pub memory_size_after: u64,
    /// Memory the step read, as it was before the step.
    pub memory_read: Option<MemoryChunk>,
    /// Memory the step wrote, as it was after the step.
    pub memory_written: Option<MemoryChunk>,
    /// Storage or transient-storage access, for SLOAD, SSTORE, TLOAD and TSTORE.
    pub storage: Option<StorageAccess>,
    /// For opcodes that access an account (BALANCE, EXTCODE*, CALL*, SELFDESTRUCT's
    /// beneficiary): the account and whether it was warm before.
    pub account_access: Option<(Address, bool)>,
    /// Why the frame halted at this step, if it did (revm's instruction result name).
    pub halt: Option<String>,
}

/// One transaction's execution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxTrace {
    /// The transaction.
    pub tx: TxInfo,
    /// Its result.
    pub result: TxResult,
    /// Call frames in the order they started; empty for an invalid transaction.
    pub calls: Vec<CallFrame>,
    /// Executed opcodes in execution order.
    pub steps: Vec<Step>,
}
