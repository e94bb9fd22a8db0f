//! CALL, CALLCODE, DELEGATECALL, STATICCALL.
//!
//! The caller's step pops the arguments and pushes the callee's success flag, reads its
//! `TxId`, marks the target warm (caller's scope), reads the rest of its context (`Depth`,
//! `CalleeAddress`, `IsStatic`, and for DELEGATECALL and STATICCALL `CallerAddress` and
//! `Value`) and its own balance, saves its state, and starts the callee
//! (`frame::begin_frame`: context, value transfer in the callee's scope). A callee that
//! failed its pre-checks (depth, balance) never starts: the caller just records an empty
//! last callee (id 0). A precompile, or a callee without code, has no steps, so its output is
//! written to its own memory and its frame ends inside this step.

use super::account::warm_account;
use super::frame::{self, FrameArgs};
use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::execution_state::ExecutionState;
use crate::rw::{AccountField, CallContextField as F, Rw};
use crate::state::u256_to_address;
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};

/// Builds the step.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let n = usize::from(s.info.stack_inputs);
    let v = b.stack_pops(s, n);
    let has_value = matches!(s.step.opcode, 0xf1 | 0xf2);
    let a = if has_value { 3 } else { 2 };
    let (in_off, in_len, out_off, out_len) = (v[a], v[a + 1], v[a + 2], v[a + 3]);
    let target = s
        .step
        .account_access
        .map_or_else(|| u256_to_address(v[1]), |(addr, _)| addr);
    let child = frame::next_child(b, s)?;
    let callee =
        s.tx.calls
            .get(child)
            .ok_or_else(|| b.inconsistent(s, "callee missing"))?;
    let precheck_failed = frame::failed_precheck(&callee.end_reason);
    b.stack_push(s, U256::from(u8::from(callee.success && !precheck_failed)));
    b.read(Rw::call_context(s.call_id, F::TxId));
    warm_account(b, s, target);
    b.read(Rw::call_context(s.call_id, F::Depth));
    b.read(Rw::call_context(s.call_id, F::CalleeAddress));
    b.read(Rw::call_context(s.call_id, F::IsStatic));
    let starts_callee = matches!(
        s.state,
        ExecutionState::Call | ExecutionState::DelegateOrStaticCall
    );
    if !has_value && starts_callee {
        // DELEGATECALL passes its own caller and value on.
        b.read(Rw::call_context(s.call_id, F::CallerAddress));
        b.read(Rw::call_context(s.call_id, F::Value));
    }
    b.read(Rw::account(s.frame.address, AccountField::Balance));
    match s.state {
        ExecutionState::CallWithoutCode | ExecutionState::DelegateOrStaticCallWithoutCode => {
            return call_without_code(b, s, callee, has_value);
        }
        ExecutionState::CallPrecheckFailed | ExecutionState::DelegateOrStaticCallPrecheckFailed => {
            if !precheck_failed {
                return Err(b.inconsistent(s, "a callee that passed its pre-checks was refused"));
            }
            return refused_call(b, s, target, has_value);
        }
        _ if precheck_failed => {
            return Err(b.inconsistent(s, "a callee that failed its pre-checks was started"));
        }
        _ => {}
    }
    frame::save_caller(b, s, callee);
    let in_len = b.as_u64(s, in_len, "args size")?;
    let out_len = b.as_u64(s, out_len, "return size")?;
    let args = FrameArgs {
        calldata_offset: if in_len == 0 {
            0
        } else {
            b.as_u64(s, in_off, "args offset")?
        },
        calldata_len: in_len,
        ret_offset: if out_len == 0 {
            0
        } else {
            b.as_u64(s, out_off, "return offset")?
        },
        ret_len: out_len,
    };
    frame::begin_frame(b, s.tx, child, args)?;
    if callee.is_precompile {
        // The precompile runs in a step of its own, after this one (`precompile_step`).
        b.tx.pending_precompile = Some(child);
        return Ok(());
    }
    if b.tx
        .frames
        .get(child)
        .is_some_and(|f| f.last_step.is_none())
    {
        frame::end_frame(b, s.tx, child)?;
    }
    Ok(())
}

/// A callee that fails its pre-checks (call depth, or a value above the caller's balance)
/// never starts: for CALL and CALLCODE the step reads the target's code hash, nonce and
/// balance (whether a value would have made a new account, which the call still pays
/// for), then records no last callee (id 0, no return data). The callee's gas, stipend
/// included, comes back whole.
fn refused_call(
    b: &mut Builder,
    s: &StepCtx,
    target: equivm_trace::revm::primitives::Address,
    has_value: bool,
) -> Result<(), WitnessError> {
    if has_value {
        b.read(Rw::account(target, AccountField::CodeHash));
        b.read(Rw::account(target, AccountField::Nonce));
        b.read(Rw::account(target, AccountField::Balance));
    }
    frame::set_last_callee(b, s.frame_id, 0, 0, 0);
    Ok(())
}

/// A callee without code runs no step and opens no context: the step reads the callee's
/// code hash (the empty code's), and for CALL and CALLCODE its nonce and balance (whether a
/// value makes a new account), records no last callee (id 0, no return data), and last
/// moves the value in the caller's reversion scope. The callee hands back all its gas.
fn call_without_code(
    b: &mut Builder,
    s: &StepCtx,
    callee: &equivm_trace::CallFrame,
    has_value: bool,
) -> Result<(), WitnessError> {
    let hash = b.read(Rw::account(callee.code_address, AccountField::CodeHash));
    if hash != U256::from_be_bytes(KECCAK_EMPTY.0) {
        return Err(b.inconsistent(s, "a callee with code ran no step"));
    }
    if has_value {
        b.read(Rw::account(callee.code_address, AccountField::Nonce));
        b.read(Rw::account(callee.code_address, AccountField::Balance));
    }
    frame::set_last_callee(b, s.frame_id, 0, 0, 0);
    if callee.transfers_value && !callee.value.is_zero() {
        frame::transfer(b, callee.caller, callee.address, callee.value, s.frame_id)
            .map_err(|reason| b.inconsistent(s, reason))?;
    }
    Ok(())
}

/// The step of precompile frame `f`, right after the call step that began it: in the
/// callee's context, it reads its call data's `CallDataOffset` and `CallDataLength`, then
/// ends the frame (`frame::end_frame`: its `IsSuccess`, the hand-back, the return area, the
/// output in its own memory — the identity's copied from the caller's —, the copy to the
/// caller, and the undos of a failure). Its gas is the callee's.
pub(crate) fn precompile_step(
    b: &mut Builder,
    tx: &equivm_trace::TxTrace,
    f: usize,
) -> Result<(), WitnessError> {
    let frame = tx.calls.get(f).ok_or_else(|| WitnessError::Inconsistent {
        tx: b.tx.index,
        step: None,
        pc: 0,
        opcode: 0,
        reason: format!("precompile frame {f} missing"),
    })?;
    let address = u64::from(frame.code_address.0[19]);
    let state = ExecutionState::precompile(address)
        .filter(|_| frame.code_address.0[..19].iter().all(|b| *b == 0))
        .ok_or_else(|| WitnessError::Inconsistent {
            tx: b.tx.index,
            step: None,
            pc: 0,
            opcode: 0,
            reason: format!("precompile frame {f} at {}", frame.code_address),
        })?;
    let call_id = b.tx.frames.get(f).map_or(0, |fi| fi.call_id);
    let idx = b.open_step(
        state,
        call_id,
        Some(f),
        None,
        0,
        None,
        frame.gas_limit,
        frame.gas_used,
        1024,
        0,
    );
    b.read(Rw::call_context(call_id, F::CallDataOffset));
    b.read(Rw::call_context(call_id, F::CallDataLength));
    frame::end_frame(b, tx, f)?;
    b.close_step(idx);
    Ok(())
}
