//! Call frames: the context a callee starts with, and what happens when it ends.
//!
//! `begin_frame` writes the callee's call context (its `RwCounterEndOfReversion` is filled
//! in when the tx has run), and for creations the new account's nonce (EIP-161) and, for
//! value-carrying frames, the transfer — all in the callee's reversion scope. `end_frame` runs in the frame's last step (or inside the caller's step for frames
//! without steps): creations that succeeded deposit their code (`CodeHash` write); a frame
//! that succeeded hands its journal to its caller; the callee's `CallerId` is read, the
//! caller's context (`IsRoot`, `IsCreate`, `CodeHash`, `IsPersistent`,
//! `RwCounterEndOfReversion` and the saved state) is read and its last callee written, the
//! return data is copied to the caller's memory; last, a frame that failed undoes its journal with writes in
//! reverse order.

use super::{Builder, JournalEntry, StepCtx};
use crate::error::WitnessError;
use crate::rw::{AccountField, CallContextField as F, Rw};
use crate::state::b256_to_u256;
use equivm_trace::revm::primitives::{Address, U256};
use equivm_trace::TxTrace;

/// Where a callee finds its call data and where its return data goes.
pub(crate) struct FrameArgs {
    /// Call data offset in the caller's memory (0 for the root call).
    pub calldata_offset: u64,
    /// Call data length.
    pub calldata_len: u64,
    /// Return area offset in the caller's memory.
    pub ret_offset: u64,
    /// Return area length.
    pub ret_len: u64,
}

/// Begins frame `f` of `tx`: context writes, created-account nonce, value transfer.
pub(crate) fn begin_frame(
    b: &mut Builder,
    tx: &TxTrace,
    f: usize,
    args: FrameArgs,
) -> Result<(), WitnessError> {
    let frame = tx.calls.get(f).ok_or_else(|| missing(b, f))?;
    let parent_call_id = frame
        .parent
        .and_then(|p| b.tx.frames.get(p))
        .map_or(0, |p| p.call_id);
    let (call_id, persistent) = match b.tx.frames.get(f) {
        Some(fi) => (fi.call_id, fi.persistent),
        None => return Err(missing(b, f)),
    };
    let code_hash = if frame.kind.is_create() {
        if frame.parent.is_none() {
            // A creation transaction's collision check (CREATE's step makes its own).
            b.read(Rw::account(frame.address, AccountField::CodeHash));
        }
        let h = b.add_bytecode(frame.input.clone());
        b256_to_u256(h)
    } else {
        b.read(Rw::account(frame.code_address, AccountField::CodeHash))
    };
    let code = if frame.kind.is_create() {
        frame.input.clone()
    } else {
        b.code_by_hash(code_hash)
    };
    let refund = b.tx_refund();
    if let Some(fi) = b.tx.frames.get_mut(f) {
        fi.code = code;
        fi.refund_at_start = refund;
        fi.begun = true;
        fi.calldata = (args.calldata_offset, args.calldata_len);
    }
    let fields: [(F, U256); 16] = [
        (F::TxId, U256::from(b.tx.id)),
        (F::CallerId, U256::from(parent_call_id)),
        (F::Depth, U256::from(frame.depth)),
        (F::CallerAddress, address_word(frame.caller)),
        (F::CalleeAddress, address_word(frame.address)),
        (F::CallDataOffset, U256::from(args.calldata_offset)),
        (F::CallDataLength, U256::from(args.calldata_len)),
        (F::ReturnDataOffset, U256::from(args.ret_offset)),
        (F::ReturnDataLength, U256::from(args.ret_len)),
        (F::Value, frame.value),
        (F::IsSuccess, U256::from(u8::from(frame.success))),
        (F::IsPersistent, U256::from(u8::from(persistent))),
        (F::IsStatic, U256::from(u8::from(frame.is_static))),
        (F::IsRoot, U256::from(u8::from(frame.parent.is_none()))),
        (F::IsCreate, U256::from(u8::from(frame.kind.is_create()))),
        (F::CodeHash, code_hash),
    ];
    for (field, value) in fields {
        b.write(Rw::call_context(call_id, field), value, None);
    }
    // Known once the tx has run (`Builder::fill_end_of_reversion`).
    b.write(
        Rw::call_context(call_id, F::RwCounterEndOfReversion),
        U256::ZERO,
        None,
    );
    let caller_writes = frame.parent.map_or(0, |p| b.reversible_count(p));
    if let Some(fi) = b.tx.frames.get_mut(f) {
        fi.caller_writes_at_begin = caller_writes;
    }
    if frame.kind.is_create() && frame.parent.is_none() && collides(frame) {
        // A creation transaction whose address is taken: the nonce there (the other half of
        // the collision check), and nothing starts.
        b.read(Rw::account(frame.address, AccountField::Nonce));
        return Ok(());
    }
    if frame.kind.is_create() {
        b.write(
            Rw::account(frame.address, AccountField::Nonce),
            U256::from(1),
            Some(f),
        );
        let tx_id = b.tx.id;
        b.write(
            Rw::created_flag(tx_id, frame.address),
            U256::from(1),
            Some(f),
        );
        if let Some(fi) = b.tx.frames.get_mut(f) {
            fi.journal.push(JournalEntry::Created(frame.address));
        }
        b.tx.created.insert(frame.address);
    }
    if frame.transfers_value && !frame.value.is_zero() {
        transfer(b, frame.caller, frame.address, frame.value, f).map_err(|r| frame_err(b, f, r))?;
    }
    Ok(())
}

/// Whether a creation frame met a taken address (code or a nonce there) and never started.
pub(crate) fn collides(frame: &equivm_trace::CallFrame) -> bool {
    frame.kind.is_create() && frame.end_reason == "CreateCollision"
}

/// Moves `value` from `from` to `to` inside frame `f`'s reversion scope.
pub(crate) fn transfer(
    b: &mut Builder,
    from: Address,
    to: Address,
    value: U256,
    f: usize,
) -> Result<(), String> {
    let from_balance = b.read(Rw::account(from, AccountField::Balance));
    let new_from = from_balance
        .checked_sub(value)
        .ok_or_else(|| format!("{from} balance {from_balance} cannot pay {value}"))?;
    b.write(Rw::account(from, AccountField::Balance), new_from, Some(f));
    let to_balance = b.state.account(to, AccountField::Balance);
    let new_to = to_balance
        .checked_add(value)
        .ok_or_else(|| format!("{to} balance overflows"))?;
    b.write(Rw::account(to, AccountField::Balance), new_to, Some(f));
    Ok(())
}

/// Ends frame `f`: deposit, reversion or hand-over of the journal, return-data copy and
/// restoration of the caller's context.
pub(crate) fn end_frame(b: &mut Builder, tx: &TxTrace, f: usize) -> Result<(), WitnessError> {
    let frame = tx.calls.get(f).ok_or_else(|| missing(b, f))?;
    let call_id = b.tx.frames.get(f).map_or(0, |fi| fi.call_id);
    b.read(Rw::call_context(call_id, F::IsSuccess));
    let deposits = frame.kind.is_create() && frame.success;
    if deposits {
        b.read(Rw::call_context(call_id, F::CalleeAddress));
        let hash = b.add_bytecode(frame.return_data.clone());
        b.write(
            Rw::account(frame.address, AccountField::CodeHash),
            b256_to_u256(hash),
            Some(f),
        );
    }
    let (journal, writes) =
        b.tx.frames
            .get_mut(f)
            .map(|fi| {
                (
                    std::mem::take(&mut fi.journal),
                    std::mem::take(&mut fi.journal_writes),
                )
            })
            .unwrap_or_default();
    if frame.success {
        if let Some(pf) = frame.parent.and_then(|p| b.tx.frames.get_mut(p)) {
            pf.journal.extend(journal);
            pf.journal_writes += writes;
        }
        return_to_caller(b, frame, f, call_id)?;
        if deposits {
            read_deployed_code(b, frame, f, call_id);
        }
        return Ok(());
    }
    return_to_caller(b, frame, f, call_id)?;
    // The undo run comes last in the step.
    let undo_start = b.rw_counter();
    revert(b, journal);
    if let Some(fi) = b.tx.frames.get_mut(f) {
        fi.undo_end = Some(undo_start + writes - 1);
    }
    Ok(())
}

/// Reads the code a creation that returned deposits from its memory, as one copy into the
/// bytecode table: the step's last accesses (nothing for empty code, or a STOP).
fn read_deployed_code(b: &mut Builder, frame: &equivm_trace::CallFrame, f: usize, call_id: u64) {
    let size = frame.return_data.len() as u64;
    if size == 0 {
        return;
    }
    let offset = b.tx.frames.get(f).map_or(0, |fi| fi.ret_offset);
    let start = b.rw_counter();
    let bytes = b.memory_read(call_id, offset, size);
    let hash = equivm_trace::revm::primitives::keccak256(&bytes);
    let id = b
        .bytecode_index
        .get(&hash)
        .copied()
        .unwrap_or(b.bytecodes.len()) as u64;
    b.copy_events.push(crate::witness::CopyEvent {
        src_type: crate::witness::CopyDataType::Memory,
        src_id: call_id,
        src_addr: offset,
        src_addr_end: offset + size,
        dst_type: crate::witness::CopyDataType::Deployment,
        dst_id: id,
        dst_addr: 0,
        bytes,
        log_id: 0,
        rw_counter_start: start,
        rw_count: size,
    });
}

/// Hands control back to the caller of frame `f` (nothing for the root call): the callee's
/// `CallerId`, the caller's context (its constant fields and the state it saved), its last
/// callee, and then, for a message call that returned or reverted, the callee's return area
/// (`ReturnDataOffset`, `ReturnDataLength`) and the copy of its bytes there.
fn return_to_caller(
    b: &mut Builder,
    frame: &equivm_trace::CallFrame,
    f: usize,
    call_id: u64,
) -> Result<(), WitnessError> {
    let Some(p) = frame.parent else {
        return Ok(());
    };
    let caller_id = b.tx.frames.get(p).map_or(0, |fi| fi.call_id);
    b.read(Rw::call_context(call_id, F::CallerId));
    // revm keeps a creation's output as return data only when it reverted.
    let (ret_offset, ret_len) = if frame.kind.is_create() && frame.end_reason != "Revert" {
        (0, 0)
    } else {
        let off = b.tx.frames.get(f).map_or(0, |fi| fi.ret_offset);
        (off, frame.return_data.len() as u64)
    };
    for field in [
        F::IsRoot,
        F::IsCreate,
        F::CodeHash,
        F::IsPersistent,
        F::RwCounterEndOfReversion,
        F::ProgramCounter,
        F::StackPointer,
        F::GasLeft,
        F::MemorySize,
        F::ReversibleWriteCounter,
    ] {
        b.read(Rw::call_context(caller_id, field));
    }
    set_last_callee(b, p, call_id, ret_offset, ret_len);
    // A message call that returned or reverted reads where its caller wants the bytes;
    // then a message call's bytes (a precompile's too) are copied there: last, so that the
    // step's own accesses come first.
    let ran_steps = b.tx.frames.get(f).is_some_and(|fi| fi.last_step.is_some());
    let message_returns = !frame.kind.is_create()
        && (frame.is_precompile
            || (ran_steps && matches!(frame.end_reason.as_str(), "Return" | "Revert")));
    // A creation that reverts reads its (zero) return area as a message call does.
    let creation_reverts = frame.kind.is_create() && ran_steps && frame.end_reason == "Revert";
    if message_returns || creation_reverts {
        b.read(Rw::call_context(call_id, F::ReturnDataOffset));
        b.read(Rw::call_context(call_id, F::ReturnDataLength));
    }
    if frame.is_precompile {
        precompile_output(b, frame, f, call_id, caller_id);
    }
    if !frame.kind.is_create() && ret_len > 0 {
        let n = ret_len.min(frame.return_memory.1);
        // All reads, then all writes: the order every copy event follows.
        let start = b.rw_counter();
        let bytes = b.memory_read(call_id, ret_offset, n);
        b.memory_write(caller_id, frame.return_memory.0, &bytes);
        if n > 0 {
            b.copy_events.push(crate::witness::CopyEvent {
                src_type: crate::witness::CopyDataType::Memory,
                src_id: call_id,
                src_addr: ret_offset,
                src_addr_end: ret_offset + n,
                dst_type: crate::witness::CopyDataType::Memory,
                dst_id: caller_id,
                dst_addr: frame.return_memory.0,
                bytes,
                log_id: 0,
                rw_counter_start: start,
                rw_count: b.rw_counter() - start,
            });
        }
    }
    Ok(())
}

/// A precompile's output in its own memory from offset 0, where its caller's copy and
/// RETURNDATACOPY read it: the identity's is a copy of its input from the caller's memory
/// (a copy event); the others' is written as is.
fn precompile_output(
    b: &mut Builder,
    frame: &equivm_trace::CallFrame,
    f: usize,
    call_id: u64,
    caller_id: u64,
) {
    let identity = frame.code_address == Address::with_last_byte(4);
    if !identity {
        b.memory_write(call_id, 0, &frame.return_data);
        return;
    }
    let (offset, len) = b.tx.frames.get(f).map_or((0, 0), |fi| fi.calldata);
    if !frame.success || len == 0 {
        return;
    }
    let start = b.rw_counter();
    let bytes = b.memory_read(caller_id, offset, len);
    b.memory_write(call_id, 0, &bytes);
    b.copy_events.push(crate::witness::CopyEvent {
        src_type: crate::witness::CopyDataType::Memory,
        src_id: caller_id,
        src_addr: offset,
        src_addr_end: offset + len,
        dst_type: crate::witness::CopyDataType::Memory,
        dst_id: call_id,
        dst_addr: 0,
        bytes,
        log_id: 0,
        rw_counter_start: start,
        rw_count: b.rw_counter() - start,
    });
}

/// Records the caller's last callee (for `RETURNDATASIZE`/`RETURNDATACOPY`).
pub(crate) fn set_last_callee(b: &mut Builder, p: usize, callee: u64, offset: u64, len: u64) {
    let caller_id = b.tx.frames.get(p).map_or(0, |fi| fi.call_id);
    b.write(
        Rw::call_context(caller_id, F::LastCalleeId),
        U256::from(callee),
        None,
    );
    b.write(
        Rw::call_context(caller_id, F::LastCalleeReturnDataOffset),
        U256::from(offset),
        None,
    );
    b.write(
        Rw::call_context(caller_id, F::LastCalleeReturnDataLength),
        U256::from(len),
        None,
    );
    if let Some(pf) = b.tx.frames.get_mut(p) {
        pf.last_callee = (callee, offset, len);
    }
}

/// Saves the caller's state before its callee (frame `callee`) runs: the pc and stack
/// pointer after the step, the gas left once the step's cost and the gas given to the
/// callee are paid (what the callee hands back is added when it returns), the memory size
/// in words and the reversible writes so far.
pub(crate) fn save_caller(b: &mut Builder, s: &StepCtx, callee: &equivm_trace::CallFrame) {
    // An exceptional halt consumes all the callee's gas; a return or revert hands the rest
    // back, and a callee that failed its pre-checks never spent any.
    let keeps_rest =
        callee.success || callee.end_reason == "Revert" || failed_precheck(&callee.end_reason);
    let handed_back = if keeps_rest {
        callee.gas_limit.saturating_sub(callee.gas_used)
    } else {
        0
    };
    let values = [
        (F::ProgramCounter, U256::from(s.step.pc + 1)),
        (F::StackPointer, U256::from(s.sp_after())),
        (
            F::GasLeft,
            U256::from(
                s.step
                    .gas
                    .saturating_sub(s.step.gas_cost)
                    .saturating_sub(handed_back),
            ),
        ),
        (
            F::MemorySize,
            U256::from(s.step.memory_size_after.div_ceil(32)),
        ),
        (
            F::ReversibleWriteCounter,
            U256::from(b.reversible_count(s.frame_id)),
        ),
    ];
    for (field, value) in values {
        b.write(Rw::call_context(s.call_id, field), value, None);
    }
}

/// Undoes a journal, last change first.
pub(crate) fn revert(b: &mut Builder, journal: Vec<JournalEntry>) {
    for entry in journal.into_iter().rev() {
        match entry {
            JournalEntry::Write(rw) => {
                let restore = Rw {
                    rw_counter: 0,
                    ..rw.clone()
                };
                b.write(restore, rw.value_prev, None);
            }
            JournalEntry::Created(a) => {
                b.tx.created.remove(&a);
            }
            JournalEntry::Destructed(a) => {
                if let Some(pos) = b.tx.destructed.iter().rposition(|x| *x == a) {
                    b.tx.destructed.remove(pos);
                }
            }
        }
    }
}

/// Takes the next callee frame of the step's frame.
pub(crate) fn next_child(b: &mut Builder, s: &StepCtx) -> Result<usize, WitnessError> {
    let child =
        b.tx.frames
            .get_mut(s.frame_id)
            .and_then(|fi| fi.children.pop_front());
    let child = child.ok_or_else(|| b.inconsistent(s, "no call frame recorded for this call"))?;
    let first = s.tx.calls.get(child).map_or(0, |c| c.first_step);
    let has_steps =
        b.tx.frames
            .get(child)
            .is_some_and(|c| c.last_step.is_some());
    if first <= s.step_index || (has_steps && first != s.step_index + 1) {
        return Err(b.inconsistent(s, format!("callee frame {child} starts at step {first}")));
    }
    Ok(child)
}

/// Whether a callee frame failed its pre-checks (depth, balance) and never started.
pub(crate) fn failed_precheck(end_reason: &str) -> bool {
    matches!(
        end_reason,
        "CallTooDeep" | "OutOfFunds" | "NonceOverflow" | "CreateInitCodeStartingEF00"
    )
}

/// The 20-byte address as a word.
pub(crate) fn address_word(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

fn missing(b: &Builder, f: usize) -> WitnessError {
    WitnessError::Inconsistent {
        tx: b.tx.index,
        step: None,
        pc: 0,
        opcode: 0,
        reason: format!("call frame {f} missing"),
    }
}

fn frame_err(b: &Builder, f: usize, reason: String) -> WitnessError {
    WitnessError::Inconsistent {
        tx: b.tx.index,
        step: None,
        pc: 0,
        opcode: 0,
        reason: format!("frame {f}: {reason}"),
    }
}
