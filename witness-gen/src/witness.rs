//! The witness: everything the circuits assign, as plain data.
//!
//! [`Witness`] holds the block and transactions, the execution steps (one per executed
//! opcode plus the synthetic `BeginTx`/`EndTx`/`EndBlock`), the read/write log, the
//! bytecodes that ran or were deployed, the copy events (memory, calldata, code, return data
//! and log copies) and the keccak inputs. Each [`ExecStep`] names its rw entries by range.

use crate::execution_state::ExecutionState;
use crate::rw::Rw;
use equivm_trace::revm::primitives::{Bytes, B256};
use equivm_trace::{BlockInfo, TxInfo, TxResult};
use serde::{Deserialize, Serialize};

/// The complete witness of a block.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    /// Block environment.
    pub block: BlockInfo,
    /// Transactions, in block order.
    pub txs: Vec<TxWitness>,
    /// Execution steps in order.
    pub steps: Vec<ExecStep>,
    /// The rw log, ordered by `rw_counter` (entry `i` has counter `i + 1`).
    pub rws: Vec<Rw>,
    /// Bytecodes (pre-state code, init code, deployed code), by first appearance.
    pub bytecodes: Vec<Bytecode>,
    /// Copies between memory, calldata, code, return data and logs.
    pub copy_events: Vec<CopyEvent>,
    /// Inputs whose keccak256 the circuits look up.
    pub keccak_inputs: Vec<Bytes>,
}

impl Witness {
    /// The rw entries of `step`.
    pub fn step_rws(&self, step: &ExecStep) -> &[Rw] {
        let start = (step.rw_counter as usize).saturating_sub(1);
        let end = start.saturating_add(step.rw_count as usize);
        self.rws.get(start..end).unwrap_or(&[])
    }
}

/// One transaction of the block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxWitness {
    /// Tx id, from 1.
    pub id: u64,
    /// The transaction.
    pub tx: TxInfo,
    /// Its result.
    pub result: TxResult,
    /// Call id of the root call.
    pub root_call_id: u64,
}

/// One step of the EVM circuit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecStep {
    /// Execution state selected for the step.
    pub execution_state: ExecutionState,
    /// `rw_counter` of the step's first rw entry (the next counter if it has none).
    pub rw_counter: u64,
    /// Number of rw entries the step makes.
    pub rw_count: u64,
    /// Call id (block-unique, from 1) of the frame the step runs in; 0 for `EndBlock`.
    pub call_id: u64,
    /// Transaction index in the block (0-based).
    pub tx_index: usize,
    /// Index into the trace's `TxTrace::steps`; `None` for synthetic steps.
    pub step_index: Option<usize>,
    /// Program counter.
    pub pc: u32,
    /// Opcode byte, `None` for synthetic steps.
    pub opcode: Option<u8>,
    /// Gas left before the step.
    pub gas_left: u64,
    /// Gas the step costs.
    pub gas_cost: u64,
    /// Stack pointer before the step (`1024 - height`).
    pub stack_pointer: u64,
    /// Memory size in 32-byte words before the step.
    pub memory_word_size: u64,
    /// Reversible writes made so far by the call (including its successful callees).
    pub reversible_write_counter: u64,
    /// Number of persisted logs of the tx before the step.
    pub log_id: u64,
    /// Tx refund counter before the step.
    pub refund: u64,
}

/// A bytecode and which of its bytes are opcodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bytecode {
    /// keccak256 of `bytes`.
    pub hash: B256,
    /// The code.
    pub bytes: Bytes,
    /// `is_code[i]` is false when byte `i` is push data.
    pub is_code: Vec<bool>,
}

impl Bytecode {
    /// Analyses `bytes` (push data marking).
    pub fn new(bytes: Bytes) -> Self {
        let hash = equivm_trace::revm::primitives::keccak256(&bytes);
        let mut is_code = Vec::with_capacity(bytes.len());
        let mut skip = 0usize;
        for &b in bytes.iter() {
            if skip > 0 {
                is_code.push(false);
                skip -= 1;
            } else {
                is_code.push(true);
                skip = crate::opcodes::push_data_len(b);
            }
        }
        Bytecode {
            hash,
            bytes,
            is_code,
        }
    }
}

/// Where a copy reads from or writes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CopyDataType {
    /// Memory of a call (`id` = call id).
    Memory,
    /// A bytecode (`id` = index into [`Witness::bytecodes`]).
    Bytecode,
    /// Calldata of a transaction (`id` = tx id).
    TxCalldata,
    /// A log's data (`id` = tx id).
    TxLog,
    /// Input of a keccak (`id` = index into [`Witness::keccak_inputs`]).
    Keccak,
    /// Deployed code (`id` = index into [`Witness::bytecodes`]).
    Deployment,
}

/// One copy of `bytes` from a source to a destination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyEvent {
    /// Source kind.
    pub src_type: CopyDataType,
    /// Source id (see [`CopyDataType`]).
    pub src_id: u64,
    /// First source address (for a memory source, the memory address), at most
    /// `src_addr_end`: an offset past the end of the source is clamped to it, every byte read
    /// there being zero anyway.
    pub src_addr: u64,
    /// End of the source (exclusive): bytes at `src_addr_end` and after are zero and not read
    /// (the code length, the calldata length, or `src_addr + bytes.len()` for memory that is
    /// read in full).
    pub src_addr_end: u64,
    /// Destination kind.
    pub dst_type: CopyDataType,
    /// Destination id.
    pub dst_id: u64,
    /// First destination address.
    pub dst_addr: u64,
    /// Bytes copied (zero past the end of the source).
    pub bytes: Vec<u8>,
    /// Log id within the tx for a [`CopyDataType::TxLog`] destination, else 0.
    pub log_id: u64,
    /// `rw_counter` of the copy's first rw entry.
    pub rw_counter_start: u64,
    /// Number of rw entries of the copy: first the memory reads of the source bytes inside
    /// the source (one per byte, in order), then the writes of the destination bytes (one per
    /// byte, in order; memory and log destinations only), nothing else in between.
    pub rw_count: u64,
}
