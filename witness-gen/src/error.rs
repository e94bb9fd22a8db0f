//! Errors of witness generation and of the replay check.

use thiserror::Error;

/// Why a [`crate::Witness`] could not be built from a trace.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WitnessError {
    /// The opcode is not handled by this crate.
    #[error("tx {tx} step {step} pc {pc}: unsupported opcode 0x{opcode:02x}: {reason}")]
    Unsupported {
        /// Transaction index in the block.
        tx: usize,
        /// Step index in the transaction.
        step: usize,
        /// Program counter.
        pc: u32,
        /// Opcode byte.
        opcode: u8,
        /// What is missing.
        reason: String,
    },
    /// The trace contradicts itself or this crate's model of the EVM.
    #[error("tx {tx} step {step:?} pc {pc} opcode 0x{opcode:02x}: inconsistent trace: {reason}")]
    Inconsistent {
        /// Transaction index in the block.
        tx: usize,
        /// Step index in the transaction, `None` for synthetic steps.
        step: Option<usize>,
        /// Program counter (0 for synthetic steps).
        pc: u32,
        /// Opcode byte (0 for synthetic steps).
        opcode: u8,
        /// What disagrees.
        reason: String,
    },
    /// The halt reason is not a revm instruction result this crate knows.
    #[error("tx {tx} step {step} pc {pc} opcode 0x{opcode:02x}: unknown halt reason {halt:?}")]
    UnknownHalt {
        /// Transaction index in the block.
        tx: usize,
        /// Step index in the transaction.
        step: usize,
        /// Program counter.
        pc: u32,
        /// Opcode byte.
        opcode: u8,
        /// The halt reason as recorded.
        halt: String,
    },
    /// The transaction was invalid; a block containing it cannot be proved.
    #[error("tx {tx}: invalid transaction: {reason}")]
    InvalidTransaction {
        /// Transaction index in the block.
        tx: usize,
        /// revm's reason.
        reason: String,
    },
}

/// Why [`crate::replay_check`] rejected a witness.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplayError {
    /// A witness step disagrees with the rw log or with the trace.
    #[error("tx {tx} step {step:?} pc {pc} opcode 0x{opcode:02x} rw {rw_counter:?}: {what}: expected {expected}, found {actual}")]
    Mismatch {
        /// Transaction index.
        tx: usize,
        /// Trace step index (`None` for synthetic steps).
        step: Option<usize>,
        /// Program counter.
        pc: u32,
        /// Opcode byte.
        opcode: u8,
        /// The rw entry involved, if any.
        rw_counter: Option<u64>,
        /// What was checked.
        what: String,
        /// Expected value.
        expected: String,
        /// Value found.
        actual: String,
    },
    /// The rw log or the step list is malformed (counters, coverage).
    #[error("malformed witness: {0}")]
    Malformed(String),
    /// Final state differs from the trace's post-state.
    #[error("post-state of {address}: {what}: expected {expected}, found {actual}")]
    PostState {
        /// Account.
        address: String,
        /// Field or slot.
        what: String,
        /// Value in the trace.
        expected: String,
        /// Value after replay.
        actual: String,
    },
}
