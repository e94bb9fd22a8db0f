//! The revm `Inspector` that records a transaction's steps and call frames.
//!
//! Hooks used: `step` (state before an opcode), `step_end` (stack and memory after it),
//! `call`/`create` (a frame starts), `call_end`/`create_end` (a frame ends). A CALL or
//! CREATE opcode's result (the pushed success flag or address, and the return data copied
//! into memory) appears only when the caller resumes, so those are filled in at the caller's
//! next step.

use crate::types::{CallFrame, CallKind, MemoryChunk, Step, StorageAccess};
use revm::{
    bytecode::opcode::{self, OpCode},
    context::{BlockEnv, CfgEnv, Context, Journal, TxEnv},
    context_interface::LocalContextTr,
    interpreter::{
        interpreter_types::{InputsTr, Jumps, LoopControl, MemoryTr},
        CallInput, CallInputs, CallOutcome, CallScheme, CallValue, CreateInputs, CreateOutcome,
        CreateScheme, Interpreter,
    },
    primitives::{Address, Bytes, U256},
    Database, Inspector,
};

/// Reads larger than this many bytes are not copied into the trace: such an access runs out
/// of gas long before it could execute on any real gas limit.
const MAX_RECORDED_MEMORY: u64 = 1 << 24;

/// The concrete revm context the inspector runs in.
pub type TraceContext<DB> = Context<BlockEnv, TxEnv, CfgEnv, DB, Journal<DB>, ()>;

/// A CALL/CREATE step whose result is written when its caller resumes.
#[derive(Clone, Copy, Debug)]
struct PendingCall {
    step: usize,
    /// Memory region the callee's return data is copied to (calls only).
    return_memory: Option<(u64, u64)>,
    /// Length of the callee's output, once known.
    output_len: u64,
}

/// Records steps and call frames of one transaction.
#[derive(Debug, Default)]
pub struct TraceInspector {
    /// Call frames, in the order they started.
    pub calls: Vec<CallFrame>,
    /// Executed steps.
    pub steps: Vec<Step>,
    /// Ids of the frames currently running, innermost last.
    active: Vec<usize>,
    /// Step awaiting its `step_end`.
    open_step: Option<usize>,
    /// Per active frame (parallel to `active`): a CALL/CREATE step awaiting its result.
    pending: Vec<Option<PendingCall>>,
}

impl TraceInspector {
    /// A fresh inspector for one transaction.
    pub fn new() -> Self {
        Self::default()
    }

    fn start_frame(&mut self, mut frame: CallFrame) {
        frame.id = self.calls.len();
        frame.parent = self.active.last().copied();
        frame.depth = self.active.len();
        frame.first_step = self.steps.len();
        // The caller's current step is the CALL/CREATE opcode: its result comes later.
        let caller_step = self.steps.len().checked_sub(1).filter(|&i| {
            let step = &self.steps[i];
            Some(step.call_id as usize) == frame.parent && is_call_or_create(step.opcode)
        });
        if let (Some(step), Some(slot)) = (caller_step, self.pending.last_mut()) {
            let return_memory = (!frame.kind.is_create()).then_some(frame.return_memory);
            *slot = Some(PendingCall {
                step,
                return_memory,
                output_len: 0,
            });
        }
        self.active.push(frame.id);
        self.pending.push(None);
        self.calls.push(frame);
    }

    fn end_frame(&mut self, success: bool, reason: String, output: &Bytes, gas_left: u64) {
        let Some(id) = self.active.pop() else { return };
        self.pending.pop();
        let frame = &mut self.calls[id];
        frame.success = success;
        frame.end_reason = reason;
        frame.return_data = output.clone();
        frame.gas_used = frame.gas_limit.saturating_sub(gas_left);
        if let Some(Some(pending)) = self.pending.last_mut() {
            pending.output_len = output.len() as u64;
        }
    }

    /// Fills in the result of the caller's CALL/CREATE step now that the caller resumed.
    fn resolve_pending(&mut self, interp: &Interpreter) {
        let Some(slot) = self.pending.last_mut() else {
            return;
        };
        let Some(pending) = slot.take() else { return };
        let step = &mut self.steps[pending.step];
        if let Some(top) = interp.stack.data().last() {
            step.stack_out = vec![*top];
        }
        step.memory_size_after = interp.memory.size() as u64;
        step.gas_cost = step.gas.saturating_sub(interp.gas.remaining());
        if let Some((offset, len)) = pending.return_memory {
            let copied = len.min(pending.output_len);
            if copied > 0 {
                step.memory_written = Some(read_memory(interp, offset, copied));
            }
        }
    }
}

fn is_call_or_create(op: u8) -> bool {
    matches!(
        op,
        opcode::CALL
            | opcode::CALLCODE
            | opcode::DELEGATECALL
            | opcode::STATICCALL
            | opcode::CREATE
            | opcode::CREATE2
    )
}

/// Bytes `offset..offset+len` of memory, zero beyond its current size.
fn read_memory(interp: &Interpreter, offset: u64, len: u64) -> MemoryChunk {
    let size = interp.memory.size() as u64;
    let mut data = vec![0u8; len as usize];
    if offset < size {
        let end = (offset + len).min(size);
        let slice = interp.memory.slice(offset as usize..end as usize);
        data[..(end - offset) as usize].copy_from_slice(&slice);
    }
    MemoryChunk {
        offset,
        data: data.into(),
    }
}

/// `(offset, len)` from two stack words, if both fit and the read is small enough to record.
fn region(offset: U256, len: U256) -> Option<(u64, u64)> {
    let len: u64 = len.try_into().ok()?;
    if len == 0 {
        return None;
    }
    let offset: u64 = offset.try_into().ok()?;
    (offset.checked_add(len)? <= MAX_RECORDED_MEMORY).then_some((offset, len))
}

/// The memory an opcode reads, from its stack inputs (top first).
fn memory_read_region(op: u8, inputs: &[U256]) -> Option<(u64, u64)> {
    let arg = |i: usize| inputs.get(i).copied();
    match op {
        opcode::MLOAD => region(arg(0)?, U256::from(32)),
        opcode::KECCAK256 | opcode::RETURN | opcode::REVERT => region(arg(0)?, arg(1)?),
        opcode::LOG0..=opcode::LOG4 => region(arg(0)?, arg(1)?),
        opcode::MCOPY => region(arg(1)?, arg(2)?),
        opcode::CREATE | opcode::CREATE2 => region(arg(1)?, arg(2)?),
        opcode::CALL | opcode::CALLCODE => region(arg(3)?, arg(4)?),
        opcode::DELEGATECALL | opcode::STATICCALL => region(arg(2)?, arg(3)?),
        _ => None,
    }
}

/// The memory an opcode (other than CALL-family, resolved later) writes.
fn memory_write_region(op: u8, inputs: &[U256]) -> Option<(u64, u64)> {
    let arg = |i: usize| inputs.get(i).copied();
    match op {
        opcode::MSTORE => region(arg(0)?, U256::from(32)),
        opcode::MSTORE8 => region(arg(0)?, U256::from(1)),
        opcode::MCOPY => region(arg(0)?, arg(2)?),
        opcode::CALLDATACOPY | opcode::CODECOPY | opcode::RETURNDATACOPY => {
            region(arg(0)?, arg(2)?)
        }
        opcode::EXTCODECOPY => region(arg(1)?, arg(3)?),
        _ => None,
    }
}

fn account_operand(op: u8, inputs: &[U256]) -> Option<Address> {
    let word = match op {
        opcode::BALANCE
        | opcode::EXTCODESIZE
        | opcode::EXTCODECOPY
        | opcode::EXTCODEHASH
        | opcode::SELFDESTRUCT => inputs.first()?,
        opcode::CALL | opcode::CALLCODE | opcode::DELEGATECALL | opcode::STATICCALL => {
            inputs.get(1)?
        }
        _ => return None,
    };
    Some(Address::from_word(word.to_be_bytes::<32>().into()))
}

fn peek_account_warm<DB: Database>(ctx: &TraceContext<DB>, address: Address) -> bool {
    let inner = &ctx.journaled_state.inner;
    let in_state = inner
        .state
        .get(&address)
        .is_some_and(|acc| !acc.is_cold_transaction_id(inner.transaction_id));
    in_state || inner.warm_addresses.is_warm(&address)
}

fn peek_storage<DB: Database>(
    ctx: &mut TraceContext<DB>,
    address: Address,
    key: U256,
) -> StorageAccess {
    let journal = &mut ctx.journaled_state;
    let inner = &journal.inner;
    let listed = inner.warm_addresses.is_storage_warm(&address, &key);
    let (value, original, warm) = match inner.state.get(&address) {
        Some(acc) => match acc.storage.get(&key) {
            Some(slot) => {
                let same_tx = slot.transaction_id.get() == inner.transaction_id.get();
                let original = if same_tx {
                    slot.original_value
                } else {
                    slot.present_value
                };
                let warm = !slot.is_cold_transaction_id(inner.transaction_id) || listed;
                (slot.present_value, original, warm)
            }
            None if acc.is_created() => (U256::ZERO, U256::ZERO, listed),
            None => {
                let v = journal.database.storage(address, key).unwrap_or_default();
                (v, v, listed)
            }
        },
        None => {
            let v = journal.database.storage(address, key).unwrap_or_default();
            (v, v, listed)
        }
    };
    StorageAccess {
        address,
        key,
        value,
        original,
        warm,
    }
}

fn call_input_bytes<DB: Database>(ctx: &TraceContext<DB>, input: &CallInput) -> Bytes {
    match input {
        CallInput::Bytes(b) => b.clone(),
        CallInput::SharedBuffer(range) => ctx
            .local
            .shared_memory_buffer_slice(range.clone())
            .map(|s| Bytes::copy_from_slice(&s))
            .unwrap_or_default(),
    }
}

impl<DB: Database> Inspector<TraceContext<DB>> for TraceInspector {
    fn step(&mut self, interp: &mut Interpreter, ctx: &mut TraceContext<DB>) {
        if interp.bytecode.is_end() {
            return;
        }
        self.resolve_pending(interp);
        let op = interp.bytecode.opcode();
        let stack = interp.stack.data();
        let n_in = OpCode::new(op).map_or(0, |o| o.inputs() as usize);
        let stack_in: Vec<U256> = stack.iter().rev().take(n_in).copied().collect();
        let memory_read = memory_read_region(op, &stack_in).map(|(o, l)| read_memory(interp, o, l));
        let target = interp.input.target_address();
        let storage = match op {
            opcode::SLOAD | opcode::SSTORE => {
                stack_in.first().map(|key| peek_storage(ctx, target, *key))
            }
            opcode::TLOAD | opcode::TSTORE => stack_in.first().map(|key| {
                let value = ctx
                    .journaled_state
                    .inner
                    .transient_storage
                    .get(&target)
                    .and_then(|slots| slots.get(key))
                    .copied()
                    .unwrap_or_default();
                StorageAccess {
                    address: target,
                    key: *key,
                    value,
                    original: U256::ZERO,
                    warm: true,
                }
            }),
            _ => None,
        };
        let account_access = account_operand(op, &stack_in).map(|a| (a, peek_account_warm(ctx, a)));
        let call_id = self.active.last().copied().unwrap_or_default();
        if let Some(frame) = self.calls.get_mut(call_id) {
            if frame.first_step == self.steps.len() && frame.kind.is_create() {
                frame.address = target;
                frame.code_address = target;
            }
        }
        let call_id = call_id as u32;
        self.open_step = Some(self.steps.len());
        self.steps.push(Step {
            call_id,
            pc: interp.bytecode.pc() as u32,
            opcode: op,
            depth: self.active.len().saturating_sub(1) as u16,
            gas: interp.gas.remaining(),
            gas_cost: 0,
            refund: interp.gas.refunded(),
            stack_len: stack.len() as u16,
            stack_in,
            stack_out: Vec::new(),
            memory_size: interp.memory.size() as u64,
            memory_size_after: 0,
            memory_read,
            memory_written: None,
            storage,
            account_access,
            halt: None,
        });
    }

    fn step_end(&mut self, interp: &mut Interpreter, _ctx: &mut TraceContext<DB>) {
        let Some(idx) = self.open_step.take() else {
            return;
        };
        let step = &mut self.steps[idx];
        step.gas_cost = step.gas.saturating_sub(interp.gas.remaining());
        step.memory_size_after = interp.memory.size() as u64;
        let result = interp.bytecode.instruction_result();
        if let Some(result) = result.filter(|r| r.is_halt() || r.is_revert()) {
            step.halt = Some(format!("{result:?}"));
            return;
        }
        if result.is_some_and(|r| r.is_ok()) {
            // STOP, RETURN, SELFDESTRUCT: no stack output.
            return;
        }
        let n_out = OpCode::new(step.opcode).map_or(0, |o| o.outputs() as usize);
        if !is_call_or_create(step.opcode) {
            step.stack_out = interp
                .stack
                .data()
                .iter()
                .rev()
                .take(n_out)
                .copied()
                .collect();
        }
        if let Some((offset, len)) = memory_write_region(step.opcode, &step.stack_in) {
            step.memory_written = Some(read_memory(interp, offset, len));
        }
    }

    fn call(&mut self, ctx: &mut TraceContext<DB>, inputs: &mut CallInputs) -> Option<CallOutcome> {
        let kind = match inputs.scheme {
            CallScheme::Call => CallKind::Call,
            CallScheme::CallCode => CallKind::CallCode,
            CallScheme::DelegateCall => CallKind::DelegateCall,
            CallScheme::StaticCall => CallKind::StaticCall,
        };
        let (value, transfers_value) = match inputs.value {
            CallValue::Transfer(v) => (v, true),
            CallValue::Apparent(v) => (v, false),
        };
        let r = &inputs.return_memory_offset;
        self.start_frame(CallFrame {
            id: 0,
            parent: None,
            depth: 0,
            kind,
            caller: inputs.caller,
            address: inputs.target_address,
            code_address: inputs.bytecode_address,
            value,
            transfers_value,
            input: call_input_bytes(ctx, &inputs.input),
            is_static: inputs.is_static,
            gas_limit: inputs.gas_limit,
            is_precompile: false,
            return_memory: (r.start as u64, (r.end - r.start) as u64),
            success: false,
            end_reason: String::new(),
            return_data: Bytes::new(),
            gas_used: 0,
            created_address: None,
            first_step: 0,
        });
        None
    }

    fn call_end(
        &mut self,
        _ctx: &mut TraceContext<DB>,
        _inputs: &CallInputs,
        outcome: &mut CallOutcome,
    ) {
        if let Some(&id) = self.active.last() {
            self.calls[id].is_precompile = outcome.was_precompile_called;
        }
        let result = outcome.result.result;
        self.end_frame(
            result.is_ok(),
            format!("{result:?}"),
            &outcome.result.output,
            outcome.result.gas.remaining(),
        );
    }

    fn create(
        &mut self,
        ctx: &mut TraceContext<DB>,
        inputs: &mut CreateInputs,
    ) -> Option<CreateOutcome> {
        let kind = match inputs.scheme() {
            CreateScheme::Create2 { .. } => CallKind::Create2,
            _ => CallKind::Create,
        };
        let nonce = ctx
            .journaled_state
            .inner
            .state
            .get(&inputs.caller())
            .map(|a| a.info.nonce)
            .unwrap_or_default();
        let address = inputs.created_address(nonce);
        self.start_frame(CallFrame {
            id: 0,
            parent: None,
            depth: 0,
            kind,
            caller: inputs.caller(),
            address,
            code_address: address,
            value: inputs.value(),
            transfers_value: true,
            input: inputs.init_code().clone(),
            is_static: false,
            gas_limit: inputs.gas_limit(),
            is_precompile: false,
            return_memory: (0, 0),
            success: false,
            end_reason: String::new(),
            return_data: Bytes::new(),
            gas_used: 0,
            created_address: None,
            first_step: 0,
        });
        None
    }

    fn create_end(
        &mut self,
        _ctx: &mut TraceContext<DB>,
        _inputs: &CreateInputs,
        outcome: &mut CreateOutcome,
    ) {
        let result = outcome.result.result;
        // revm reports a creator nonce overflow as `Return` with no address: nothing ran.
        let (success, reason) = if result.is_ok() && outcome.address.is_none() {
            (false, "NonceOverflow".to_string())
        } else {
            (result.is_ok(), format!("{result:?}"))
        };
        if let Some(&id) = self.active.last() {
            if let Some(address) = outcome.address {
                self.calls[id].address = address;
                self.calls[id].code_address = address;
                if success {
                    self.calls[id].created_address = Some(address);
                }
            }
        }
        self.end_frame(
            success,
            reason,
            &outcome.result.output,
            outcome.result.gas.remaining(),
        );
    }
}
