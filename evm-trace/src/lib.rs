//! equivm-trace: runs EVM transactions in revm and records what they did.
//!
//! The [`TraceInspector`] observes every opcode step and call frame; [`trace_transaction`]
//! runs one transaction ([`trace_block`]: several, in one block) over an in-memory pre-state and returns a [`BlockTrace`]: block
//! environment, the pre-state of every touched account, each step (stack, memory and storage
//! effects, gas, warm/cold status, halts), call frames, logs and the post-state.
//! [`statetest`] loads Ethereum GeneralStateTests and checks a traced case against the
//! file's state root and logs hash.
//!
//! This crate knows revm; the crates above it only see the plain data in [`types`].

mod db;
mod error;
mod execute;
mod inspector;
pub mod program;
pub mod roots;
pub mod statetest;
pub mod types;

pub use db::{PreState, RecordingDb};
pub use error::TraceError;
pub use execute::{
    apply_state, empty_account, execute_untraced, trace_block, trace_transaction, TracedTx,
};
pub use inspector::{TraceContext, TraceInspector};
pub use types::*;

/// The revm version equivm traces with, re-exported so users name the same types.
pub use revm;
