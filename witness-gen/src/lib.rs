//! equivm-witness: turns a [`BlockTrace`](equivm_trace::BlockTrace) into the plain-data
//! witness the circuits constrain.
//!
//! - [`opcodes`]: one declarative table for all 256 opcode bytes (Cancun).
//! - [`execution_state`]: the execution states, including error states.
//! - [`rw`]: the read/write log entries and their flat rows.
//! - [`witness`]: steps, bytecodes, copy events, keccak inputs.
//! - [`build_witness`]: trace → witness; [`replay_check`]: replays the rw log alone and
//!   checks it against revm's observations in the trace.

pub mod address;
pub mod error;
pub mod execution_state;
pub mod opcodes;
pub mod replay;
pub mod rw;
pub mod state;
pub mod witness;

mod builder;

pub use builder::build_witness;
pub use error::{ReplayError, WitnessError};
pub use execution_state::ExecutionState;
pub use replay::{replay_check, ReplayStats};
pub use rw::{
    AccountField, CallContextField, Rw, RwField, RwRow, RwTag, StateKey, TxLogField, TxReceiptField,
};
pub use witness::{Bytecode, CopyDataType, CopyEvent, ExecStep, TxWitness, Witness};
