//! CALL, CALLCODE, DELEGATECALL, STATICCALL.
//!
//! The caller's step pops the arguments and pushes the callee's success flag, reads its
//! `TxId`, marks the target warm (caller's scope), reads the rest of its context (`Depth`,
//! `CalleeAddress`, `IsStatic`) and its own balance, saves its state, and starts the callee
//! (`frame::begin_frame`: context, value transfer in the callee's scope). A callee that
//! failed its pre-checks (depth, balance) never starts: the caller just records an empty
//! last callee. A precompile, or a callee without code, has no steps, so its output is
//! written to its own memory and its frame ends inside this step.

use super::account::warm_account;
use super::frame::{self, FrameArgs};
use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::rw::{AccountField, CallContextField as F, Rw};
use crate::state::u256_to_address;
use equivm_trace::revm::primitives::U256;

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
    let callee_id = b.tx.frames.get(child).map_or(0, |f| f.call_id);
    let precheck_failed = frame::failed_precheck(&callee.end_reason);
    b.stack_push(s, U256::from(u8::from(callee.success && !precheck_failed)));
    b.read(Rw::call_context(s.call_id, F::TxId));
    warm_account(b, s, target);
    b.read(Rw::call_context(s.call_id, F::Depth));
    b.read(Rw::call_context(s.call_id, F::CalleeAddress));
    b.read(Rw::call_context(s.call_id, F::IsStatic));
    b.read(Rw::account(s.frame.address, AccountField::Balance));
    frame::save_caller(b, s, callee);
    if precheck_failed {
        frame::set_last_callee(b, s.frame_id, callee_id, 0, 0);
        return Ok(());
    }
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
        // The precompile's output lives in its own memory, like a RETURN from offset 0.
        b.memory_write(callee_id, 0, &callee.return_data);
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
