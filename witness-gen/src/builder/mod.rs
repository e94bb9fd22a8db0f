//! Builds a [`Witness`] from a [`BlockTrace`].
//!
//! The builder walks the transactions and their steps in order, keeps the value of every
//! state cell ([`StateValues`]), and emits each step's reads and writes through
//! [`Builder::read`] and [`Builder::write`], which fill in counters and previous values.
//! Each opcode family has its own file; frames (context set-up, return, reversion) live in
//! `frame.rs`. Results that revm computed (stack outputs) come from the trace; everything
//! else (balances, nonces, refunds, warm flags, memory) from the builder's own model, so that
//! [`crate::replay_check`] can compare the two.

mod account;
mod begin_end_tx;
mod callop;
mod copy;
mod create;
mod error_step;
mod frame;
mod keccak;
mod log;
mod memory;
mod return_revert;
mod selfdestruct;
mod stack_only;
mod storage;
mod tx_context;

use crate::error::WitnessError;
use crate::execution_state::{ExecutionState, HaltKind};
use crate::opcodes::{opcode_info, OpcodeInfo};
use crate::rw::{CallContextField, Rw, RwField, RwTag};
use crate::state::StateValues;
use crate::witness::{Bytecode, CopyEvent, ExecStep, TxWitness, Witness};
use equivm_trace::revm::primitives::{Address, Bytes, B256, U256};
use equivm_trace::{BlockTrace, CallFrame, Step, TxStatus, TxTrace};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::VecDeque;

/// Builds the witness of `trace`.
pub fn build_witness(trace: &BlockTrace) -> Result<Witness, WitnessError> {
    let mut b = Builder::new(trace);
    let mut txs = Vec::with_capacity(trace.txs.len());
    for (index, tx) in trace.txs.iter().enumerate() {
        if let TxStatus::Invalid(reason) = &tx.result.status {
            return Err(WitnessError::InvalidTransaction {
                tx: index,
                reason: reason.clone(),
            });
        }
        let root_call_id = b.next_call_id;
        b.run_tx(index, tx)?;
        txs.push(TxWitness {
            id: index as u64 + 1,
            tx: tx.tx.clone(),
            result: tx.result.clone(),
            root_call_id,
        });
    }
    begin_end_tx::end_block(&mut b, trace.txs.len());
    Ok(Witness {
        block: trace.block.clone(),
        txs,
        steps: b.steps,
        rws: b.rws,
        bytecodes: b.bytecodes,
        copy_events: b.copy_events,
        keccak_inputs: b.keccak_inputs,
    })
}

/// Something a frame did that must be undone if it reverts.
#[derive(Clone, Debug)]
pub(crate) enum JournalEntry {
    /// A reversible rw write.
    Write(Rw),
    /// An account was created (EIP-6780 bookkeeping).
    Created(Address),
    /// An account self-destructed and is deleted at the end of the tx.
    Destructed(Address),
}

/// Builder-side bookkeeping of one call frame of the current transaction.
#[derive(Clone, Debug, Default)]
pub(crate) struct FrameInfo {
    /// Block-unique call id.
    pub call_id: u64,
    /// The frame and all its ancestors succeed.
    pub persistent: bool,
    /// Reversible changes since the frame began (including successful callees').
    pub journal: Vec<JournalEntry>,
    /// Number of `JournalEntry::Write`s in `journal` (kept to avoid recounting per step).
    pub journal_writes: u64,
    /// Index of the frame's last step, if it ran any.
    pub last_step: Option<usize>,
    /// Callee frames not yet started, in order.
    pub children: VecDeque<usize>,
    /// Offset of the frame's return data in its own memory.
    pub ret_offset: u64,
    /// (call id, return-data offset, return-data length) of the last callee.
    pub last_callee: (u64, u64, u64),
    /// Tx refund counter when the frame began.
    pub refund_at_start: u64,
    /// Code the frame executes.
    pub code: Bytes,
    /// Whether the frame has begun (context written).
    pub begun: bool,
    /// Reversible writes in the caller's journal when the frame began.
    pub caller_writes_at_begin: u64,
    /// For a frame that failed: the counter of its last undo write (one less than the
    /// first when it had nothing to undo).
    pub undo_end: Option<u64>,
    /// Call data offset (in the caller's memory) and length.
    pub calldata: (u64, u64),
}

/// Per-transaction state.
#[derive(Clone, Debug, Default)]
pub(crate) struct TxState {
    pub index: usize,
    pub id: u64,
    pub frames: Vec<FrameInfo>,
    pub committed: HashMap<(Address, U256), U256>,
    pub created: HashSet<Address>,
    pub destructed: Vec<Address>,
    pub log_id: u64,
    /// Index in the rw log of the transaction's first entry.
    pub first_rw: usize,
    /// A precompile frame begun by the last call step, whose own step comes next.
    pub pending_precompile: Option<usize>,
}

/// The step being built, with everything handlers need from the trace.
pub(crate) struct StepCtx<'t> {
    pub tx: &'t TxTrace,
    pub step_index: usize,
    pub step: &'t Step,
    pub frame_id: usize,
    pub frame: &'t CallFrame,
    pub call_id: u64,
    pub info: &'static OpcodeInfo,
    pub state: ExecutionState,
}

impl StepCtx<'_> {
    /// Stack pointer before the step.
    pub fn sp(&self) -> u64 {
        1024u64.saturating_sub(u64::from(self.step.stack_len))
    }

    /// Stack pointer after a successful step.
    pub fn sp_after(&self) -> u64 {
        self.sp() + u64::from(self.info.stack_inputs) - u64::from(self.info.stack_outputs)
    }
}

/// The witness under construction.
pub(crate) struct Builder<'t> {
    pub trace: &'t BlockTrace,
    pub state: StateValues,
    pub rws: Vec<Rw>,
    pub steps: Vec<ExecStep>,
    pub bytecodes: Vec<Bytecode>,
    pub bytecode_index: HashMap<B256, usize>,
    pub codes: HashMap<B256, Bytes>,
    pub copy_events: Vec<CopyEvent>,
    pub keccak_inputs: Vec<Bytes>,
    pub next_call_id: u64,
    pub cumulative_gas: u64,
    pub tx: TxState,
}

impl<'t> Builder<'t> {
    fn new(trace: &'t BlockTrace) -> Self {
        let mut b = Builder {
            trace,
            state: StateValues::new(trace),
            rws: Vec::new(),
            steps: Vec::new(),
            bytecodes: Vec::new(),
            bytecode_index: HashMap::default(),
            codes: HashMap::default(),
            copy_events: Vec::new(),
            keccak_inputs: Vec::new(),
            next_call_id: 1,
            cumulative_gas: 0,
            tx: TxState::default(),
        };
        for acc in trace.pre_state.values() {
            if !acc.code.is_empty() {
                b.add_bytecode(acc.code.clone());
            }
        }
        b
    }

    /// The next rw counter.
    pub fn rw_counter(&self) -> u64 {
        self.rws.len() as u64 + 1
    }

    /// Registers a bytecode; returns its hash.
    pub fn add_bytecode(&mut self, bytes: Bytes) -> B256 {
        let code = Bytecode::new(bytes);
        let hash = code.hash;
        if !self.bytecode_index.contains_key(&hash) {
            self.bytecode_index.insert(hash, self.bytecodes.len());
            self.codes.insert(hash, code.bytes.clone());
            self.keccak_inputs.push(code.bytes.clone());
            self.bytecodes.push(code);
        }
        hash
    }

    /// Code bytes by hash (empty for unknown hashes, i.e. the empty code).
    pub fn code_by_hash(&self, hash: U256) -> Bytes {
        self.codes
            .get(&B256::from(hash.to_be_bytes::<32>()))
            .cloned()
            .unwrap_or_default()
    }

    fn push_rw(&mut self, mut rw: Rw) {
        rw.rw_counter = self.rw_counter();
        if rw.tag == RwTag::Storage {
            let current = self.state.get(&rw.state_key());
            let current = if rw.is_write { rw.value_prev } else { current };
            rw.committed_value = *self
                .tx
                .committed
                .entry((rw.address, rw.key))
                .or_insert(current);
        }
        self.rws.push(rw);
    }

    /// Emits a read of the cell `rw` names; returns the value read.
    pub fn read(&mut self, mut rw: Rw) -> U256 {
        let value = self.state.get(&rw.state_key());
        rw.is_write = false;
        rw.value = value;
        rw.value_prev = value;
        self.push_rw(rw);
        value
    }

    /// Emits a write of `value`; returns the value it replaces. When `frame` is given and
    /// the tag is reversible, the write joins that frame's journal.
    pub fn write(&mut self, mut rw: Rw, value: U256, frame: Option<usize>) -> U256 {
        let prev = self.state.set(rw.state_key(), value);
        rw.is_write = true;
        rw.value = value;
        rw.value_prev = prev;
        if let Some(f) = frame {
            if rw.is_reversible() {
                if let Some(fi) = self.tx.frames.get_mut(f) {
                    let mut j = rw.clone();
                    j.rw_counter = self.rws.len() as u64 + 1;
                    fi.journal.push(JournalEntry::Write(j));
                    fi.journal_writes += 1;
                }
            }
        }
        self.push_rw(rw);
        prev
    }

    /// The tx refund counter's current value.
    pub fn tx_refund(&self) -> u64 {
        let v = self.state.get(&Rw::refund(self.tx.id).state_key());
        u64::try_from(v).unwrap_or(u64::MAX)
    }

    /// Number of reversible writes in frame `f`'s journal.
    pub fn reversible_count(&self, f: usize) -> u64 {
        self.tx.frames.get(f).map_or(0, |fi| fi.journal_writes)
    }

    /// Opens a witness step; returns its index.
    #[allow(clippy::too_many_arguments)]
    pub fn open_step(
        &mut self,
        execution_state: ExecutionState,
        call_id: u64,
        frame: Option<usize>,
        step_index: Option<usize>,
        pc: u32,
        opcode: Option<u8>,
        gas_left: u64,
        gas_cost: u64,
        stack_pointer: u64,
        memory_size: u64,
    ) -> usize {
        let reversible_write_counter = frame.map_or(0, |f| self.reversible_count(f));
        self.steps.push(ExecStep {
            execution_state,
            rw_counter: self.rw_counter(),
            rw_count: 0,
            call_id,
            tx_index: self.tx.index,
            step_index,
            pc,
            opcode,
            gas_left,
            gas_cost,
            stack_pointer,
            memory_word_size: memory_size.div_ceil(32),
            reversible_write_counter,
            log_id: self.tx.log_id,
            refund: self.tx_refund(),
        });
        self.steps.len() - 1
    }

    /// Closes step `index`: its rw count is everything emitted since it opened.
    pub fn close_step(&mut self, index: usize) {
        let next = self.rw_counter();
        if let Some(s) = self.steps.get_mut(index) {
            s.rw_count = next - s.rw_counter;
        }
    }

    /// An `Inconsistent` error for the step `s`.
    pub fn inconsistent(&self, s: &StepCtx, reason: impl Into<String>) -> WitnessError {
        WitnessError::Inconsistent {
            tx: self.tx.index,
            step: Some(s.step_index),
            pc: s.step.pc,
            opcode: s.step.opcode,
            reason: reason.into(),
        }
    }

    fn run_tx(&mut self, index: usize, tx: &'t TxTrace) -> Result<(), WitnessError> {
        let base = self.next_call_id;
        self.next_call_id += tx.calls.len() as u64;
        let mut frames: Vec<FrameInfo> = Vec::with_capacity(tx.calls.len());
        for (i, c) in tx.calls.iter().enumerate() {
            if c.id != i {
                return Err(WitnessError::Inconsistent {
                    tx: index,
                    step: None,
                    pc: 0,
                    opcode: 0,
                    reason: format!("call {i} has id {}", c.id),
                });
            }
            let parent_persistent = c
                .parent
                .and_then(|p| frames.get(p))
                .is_none_or(|p| p.persistent);
            frames.push(FrameInfo {
                call_id: base + i as u64,
                persistent: c.success && parent_persistent,
                ..FrameInfo::default()
            });
            if let Some(p) = c.parent {
                match frames.get_mut(p) {
                    Some(pf) if p < i => pf.children.push_back(i),
                    _ => {
                        return Err(WitnessError::Inconsistent {
                            tx: index,
                            step: None,
                            pc: 0,
                            opcode: 0,
                            reason: format!("call {i} has parent {p} that did not start before it"),
                        })
                    }
                }
            }
        }
        for (si, st) in tx.steps.iter().enumerate() {
            match frames.get_mut(st.call_id as usize) {
                Some(f) => f.last_step = Some(si),
                None => {
                    return Err(WitnessError::Inconsistent {
                        tx: index,
                        step: Some(si),
                        pc: st.pc,
                        opcode: st.opcode,
                        reason: format!("step runs in unknown call {}", st.call_id),
                    })
                }
            }
        }
        self.tx = TxState {
            index,
            id: index as u64 + 1,
            frames,
            first_rw: self.rws.len(),
            ..TxState::default()
        };
        begin_end_tx::begin_tx(self, tx)?;
        for si in 0..tx.steps.len() {
            self.run_step(tx, si)?;
        }
        begin_end_tx::end_tx(self, tx)?;
        self.fill_end_of_reversion(tx)
    }

    /// Writes each frame's `RwCounterEndOfReversion`, known only once the tx has run: a
    /// frame that failed ends its undo writes there; one that succeeded inside a failing
    /// caller has its undo writes just below the caller's, before those of the writes the
    /// caller made before calling it; a frame that persists has none (0).
    fn fill_end_of_reversion(&mut self, tx: &TxTrace) -> Result<(), WitnessError> {
        let mut ends: Vec<u64> = Vec::with_capacity(self.tx.frames.len());
        for (i, f) in self.tx.frames.iter().enumerate() {
            let inherited = || {
                let p = tx.calls.get(i).and_then(|c| c.parent)?;
                ends.get(p)?.checked_sub(f.caller_writes_at_begin)
            };
            let end = if f.persistent || !f.begun {
                Some(0)
            } else {
                f.undo_end.or_else(inherited)
            };
            let end = end.ok_or_else(|| WitnessError::Inconsistent {
                tx: self.tx.index,
                step: None,
                pc: 0,
                opcode: 0,
                reason: format!("call frame {i} reverts but its undo writes have no place"),
            })?;
            ends.push(end);
        }
        let by_call: HashMap<u64, u64> = self
            .tx
            .frames
            .iter()
            .zip(ends)
            .map(|(f, end)| (f.call_id, end))
            .collect();
        let field = RwField::CallContext(CallContextField::RwCounterEndOfReversion);
        let first = self.tx.first_rw.min(self.rws.len());
        for rw in self.rws[first..].iter_mut() {
            if rw.tag == RwTag::CallContext && rw.field == field {
                if let Some(end) = by_call.get(&rw.id) {
                    rw.value = U256::from(*end);
                    if !rw.is_write {
                        rw.value_prev = rw.value;
                    }
                    self.state.set(rw.state_key(), rw.value);
                }
            }
        }
        Ok(())
    }

    fn run_step(&mut self, tx: &'t TxTrace, si: usize) -> Result<(), WitnessError> {
        let step = &tx.steps[si];
        let frame_id = step.call_id as usize;
        let frame = tx
            .calls
            .get(frame_id)
            .ok_or_else(|| WitnessError::Inconsistent {
                tx: self.tx.index,
                step: Some(si),
                pc: step.pc,
                opcode: step.opcode,
                reason: format!("unknown call {}", step.call_id),
            })?;
        let info = opcode_info(step.opcode);
        let is_last = self.tx.frames.get(frame_id).and_then(|f| f.last_step) == Some(si);
        let state = self.select_state(step, si, frame, info, is_last)?;
        let state = self.call_without_code(tx, frame_id, state);
        let call_id = self.tx.frames.get(frame_id).map_or(0, |f| f.call_id);
        let s = StepCtx {
            tx,
            step_index: si,
            step,
            frame_id,
            frame,
            call_id,
            info,
            state,
        };
        let frame_refund = self.tx_refund().checked_sub(
            self.tx
                .frames
                .get(frame_id)
                .map_or(0, |f| f.refund_at_start),
        );
        let local = frame_refund.map(|r| r as i64);
        if local != Some(step.refund) && step.refund >= 0 {
            return Err(self.inconsistent(
                &s,
                format!(
                    "frame refund counter {:?} but the trace says {}",
                    local, step.refund
                ),
            ));
        }
        let idx = self.open_step(
            state,
            call_id,
            Some(frame_id),
            Some(si),
            step.pc,
            Some(step.opcode),
            step.gas,
            step.gas_cost,
            s.sp(),
            step.memory_size,
        );
        if state.is_error() {
            error_step::build(self, &s)?;
        } else {
            self.dispatch(&s)?;
        }
        if is_last {
            frame::end_frame(self, tx, frame_id)?;
        } else if state.is_error() || matches!(step.opcode, 0x00 | 0xf3 | 0xfd | 0xff) {
            return Err(self.inconsistent(&s, "frame continues after a halting step"));
        }
        self.close_step(idx);
        if let Some(child) = self.tx.pending_precompile.take() {
            callop::precompile_step(self, tx, child)?;
        }
        Ok(())
    }

    fn select_state(
        &self,
        step: &Step,
        si: usize,
        frame: &CallFrame,
        info: &OpcodeInfo,
        is_last: bool,
    ) -> Result<ExecutionState, WitnessError> {
        if let Some(h) = &step.halt {
            return match ExecutionState::for_halt(h, step.opcode, !info.dynamic_gas) {
                Some(HaltKind::Normal) => Ok(info.state),
                // revm halts DUPn and SWAPn on a too-short stack with `StackOverflow`; by
                // the stack it is an underflow, and the circuits check it as one.
                Some(HaltKind::Error(ExecutionState::ErrorStackOverflow))
                    if usize::from(step.stack_len) < usize::from(info.stack_inputs) =>
                {
                    Ok(ExecutionState::ErrorStackUnderflow)
                }
                Some(HaltKind::Error(s)) => Ok(s),
                None => Err(WitnessError::UnknownHalt {
                    tx: self.tx.index,
                    step: si,
                    pc: step.pc,
                    opcode: step.opcode,
                    halt: h.clone(),
                }),
            };
        }
        if is_last && frame.kind.is_create() && frame.success {
            match step.opcode {
                0x00 => return Ok(ExecutionState::StopCreation),
                0xf3 => return Ok(ExecutionState::ReturnCreation),
                0xff => return Ok(ExecutionState::SelfDestructCreation),
                _ => {}
            }
        }
        if is_last && step.opcode == 0xf3 && frame.kind.is_create() && !frame.success {
            return Ok(match frame.end_reason.as_str() {
                "CreateContractStartingWithEF" => ExecutionState::ErrorInvalidCreationCode,
                _ => ExecutionState::ErrorCodeStore,
            });
        }
        Ok(info.state)
    }

    /// The state of a call step whose callee (the caller's next child frame) never runs a
    /// step: `CallPrecheckFailed`, `DelegateOrStaticCallPrecheckFailed`,
    /// `CreatePrecheckFailed` or `Create2PrecheckFailed` when it failed its pre-checks
    /// (call depth, balance, the creator's nonce), `CreateCollision` or `Create2Collision`
    /// when a creation's address is taken, `CallWithoutCode` or
    /// `DelegateOrStaticCallWithoutCode` when it passed them, is no precompile and ran no
    /// step (an account without code). Any other state is kept.
    fn call_without_code(
        &self,
        tx: &TxTrace,
        frame_id: usize,
        state: ExecutionState,
    ) -> ExecutionState {
        let (without_code, refused) = match state {
            ExecutionState::Create => (state, ExecutionState::CreatePrecheckFailed),
            ExecutionState::Create2 => (state, ExecutionState::Create2PrecheckFailed),
            ExecutionState::Call => (
                ExecutionState::CallWithoutCode,
                ExecutionState::CallPrecheckFailed,
            ),
            ExecutionState::DelegateOrStaticCall => (
                ExecutionState::DelegateOrStaticCallWithoutCode,
                ExecutionState::DelegateOrStaticCallPrecheckFailed,
            ),
            other => return other,
        };
        let Some(child) = self
            .tx
            .frames
            .get(frame_id)
            .and_then(|f| f.children.front().copied())
        else {
            return state;
        };
        let Some(callee) = tx.calls.get(child) else {
            return state;
        };
        if frame::failed_precheck(&callee.end_reason) {
            return refused;
        }
        if callee.end_reason == "CreateCollision" {
            match state {
                ExecutionState::Create => return ExecutionState::CreateCollision,
                ExecutionState::Create2 => return ExecutionState::Create2Collision,
                _ => {}
            }
        }
        let ran_steps = self
            .tx
            .frames
            .get(child)
            .is_some_and(|f| f.last_step.is_some());
        if !callee.is_precompile && !callee.kind.is_create() && !ran_steps {
            without_code
        } else {
            state
        }
    }

    fn dispatch(&mut self, s: &StepCtx) -> Result<(), WitnessError> {
        use ExecutionState::*;
        match s.state {
            Stop | StopCreation => Ok(()),
            AddSub | MulDivMod | SdivSmod | AddMod | MulMod | Exp | SignExtend | Cmp
            | SignedCmp | IsZero | Bitwise | Not | Byte | Shift | Sar | BlockCtx | BlockHash
            | BlobHash | Pop | Jump | Jumpi | Jumpdest | Pc | Msize | Gas | Push => {
                stack_only::build(self, s)
            }
            Dup => stack_only::dup(self, s),
            Swap => stack_only::swap(self, s),
            Keccak => keccak::build(self, s),
            CallContext | TxContext | CodeSize => tx_context::build(self, s),
            Balance | SelfBalance | ExtCodeSize | ExtCodeHash => account::build(self, s),
            CallDataLoad => copy::calldataload(self, s),
            CallDataCopy | CodeCopy | ExtCodeCopy | ReturnDataCopy => copy::build(self, s),
            Mload | Mstore | Mstore8 | Mcopy => memory::build(self, s),
            Sload | Sstore | Tload | Tstore => storage::build(self, s),
            Log => log::build(self, s),
            Call
            | DelegateOrStaticCall
            | CallWithoutCode
            | DelegateOrStaticCallWithoutCode
            | CallPrecheckFailed
            | DelegateOrStaticCallPrecheckFailed => callop::build(self, s),
            Create
            | Create2
            | CreatePrecheckFailed
            | Create2PrecheckFailed
            | CreateCollision
            | Create2Collision => create::build(self, s),
            ReturnRevert | ReturnCreation => return_revert::build(self, s),
            SelfDestruct | SelfDestructCreation => selfdestruct::build(self, s),
            BeginTx
            | BeginTxCreate
            | BeginTxCreateCollision
            | AccessListWarm
            | EndTx
            | EndTxClearSlot
            | EndTxDeleteAccount
            | EndBlock
            | Padding => Err(self.inconsistent(s, "synthetic state for an executed opcode")),
            other => Err(WitnessError::Unsupported {
                tx: self.tx.index,
                step: s.step_index,
                pc: s.step.pc,
                opcode: s.step.opcode,
                reason: format!("no builder for {other:?}"),
            }),
        }
    }

    // ---- small shared helpers ----

    /// Reads the step's stack inputs (`n` items from the top); returns them top first.
    pub fn stack_pops(&mut self, s: &StepCtx, n: usize) -> Vec<U256> {
        let sp = s.sp();
        (0..n)
            .map(|i| self.read(Rw::stack(s.call_id, sp + i as u64)))
            .collect()
    }

    /// Pushes the step's recorded outputs (`stack_out`) at the post-step stack pointer.
    pub fn stack_pushes_recorded(&mut self, s: &StepCtx) -> Result<(), WitnessError> {
        let n = usize::from(s.info.stack_outputs);
        if s.step.stack_out.len() < n {
            return Err(self.inconsistent(
                s,
                format!(
                    "{} stack outputs recorded, {} expected",
                    s.step.stack_out.len(),
                    n
                ),
            ));
        }
        let sp_after = s.sp_after();
        for j in 0..n {
            self.write(
                Rw::stack(s.call_id, sp_after + j as u64),
                s.step.stack_out[j],
                None,
            );
        }
        Ok(())
    }

    /// Pushes one computed result at the post-step stack pointer.
    pub fn stack_push(&mut self, s: &StepCtx, value: U256) {
        self.write(Rw::stack(s.call_id, s.sp_after()), value, None);
    }

    /// Reads `len` bytes of call `call_id`'s memory from `offset`.
    pub fn memory_read(&mut self, call_id: u64, offset: u64, len: u64) -> Vec<u8> {
        (0..len)
            .map(|i| self.read(Rw::memory(call_id, offset + i)).byte(0))
            .collect()
    }

    /// Writes `bytes` into call `call_id`'s memory at `offset`.
    pub fn memory_write(&mut self, call_id: u64, offset: u64, bytes: &[u8]) {
        for (i, b) in bytes.iter().enumerate() {
            self.write(Rw::memory(call_id, offset + i as u64), U256::from(*b), None);
        }
    }

    /// A word as a memory offset or size; an error if it cannot be one.
    pub fn as_u64(&self, s: &StepCtx, v: U256, what: &str) -> Result<u64, WitnessError> {
        u64::try_from(v).map_err(|_| self.inconsistent(s, format!("{what} {v} does not fit")))
    }
}

/// Bytes `data[offset..offset + len]`, zero past the end.
pub(crate) fn slice_padded(data: &[u8], offset: U256, len: u64) -> Vec<u8> {
    let start = u64::try_from(offset).unwrap_or(u64::MAX);
    (0..len)
        .map(|i| {
            start
                .checked_add(i)
                .and_then(|p| usize::try_from(p).ok())
                .and_then(|p| data.get(p).copied())
                .unwrap_or(0)
        })
        .collect()
}

#[cfg(test)]
mod tests;
