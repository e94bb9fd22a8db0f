//! RETURN and REVERT of a message call: the call ends, with success for RETURN and failure
//! for REVERT. In the root call the returned bytes go nowhere (the witness does not read
//! them), but the memory they span is paid for; in a call with a caller they are copied to
//! the caller's return area and the caller resumes ([`RestoreContext`]).
//!
//! ```text
//! "is_create·IsSuccess = 0"          a creation's RETURN deposits code (`creation_end.rs`)
//! offset = pop (rw 0), size = pop (rw 1)
//! is_success = call context IsSuccess read (rw 2)
//! "10·IsSuccess.lo = 0xfd - opcode", "IsSuccess.hi = 0"   RETURN (0xf3) → 1, REVERT (0xfd) → 0
//! MemoryExpansion::configure_range(offset, size): gas   (size 0: no growth, offset_eff = 0)
//! "gas_left - constant_gas - memory gas = Σ byte_i·256^i" (8 bytes: enough gas)
//! with a caller (is_root = 0; optional rws 3..=18):
//!   RestoreContext(last callee's return data: offset_eff, size)                (rw 3..=16)
//!   dst = ReturnDataOffset read, area = ReturnDataLength read                  (rw 17, 18)
//! "size - area + is_lt·2^32 = Σ_{j<4} diff_j·256^j"     is_lt = [size < area] (both < 2^32)
//! copied = is_lt·size + (1 - is_lt)·area                 min(size, area); 0 in the root call
//! copied ≠ 0: copy lookup memory(call_id, offset_eff..offset_eff + copied) →
//!   memory(caller_id, dst), rw_counter + 19, 2·copied entries
//! "(1 - IsSuccess)·is_persistent = 0"                     a REVERT keeps nothing
//! "(1 - IsSuccess)·(rw_counter_end_of_reversion - (rw_counter + own + 2·copied + reversible_write_counter - 1)) = 0"
//! undos = (1 - IsSuccess)·reversible_write_counter        the undo writes after the copy
//! kept = IsSuccess·reversible_write_counter               what a caller takes over
//! "IsSuccess·(refund_after - refund) = 0", "root_reverts·refund_after = 0"
//!   (root_reverts = is_root·(1 - IsSuccess))
//! root: "next state is EndTx"; pc → 0, stack pointer → 1024, memory → 0, reversible
//!   writes → 0 (EndTx's frame), gas_left − cost
//! with a caller: the next step executes an opcode; the caller's context; gas_left →
//!   saved + gas_left − cost; reversible writes → saved + kept
//! transition (both): rw_counter + own + 2·copied + undos; logs, tx unchanged;
//!   refund → refund_after
//! ```
//! The opcode is RETURN or REVERT (the responsible-opcode lookup), so `IsSuccess` is the
//! boolean the opcode dictates; BeginTx or CALL left it free.
//!
//! A REVERT's undo writes are looked up by the steps that made the writes
//! ([`ConstraintBuilder::undo_if_reverted`]); this step pins where they end and skips them.
//! The refund after a REVERT with a caller is the value its undo run restored: free here,
//! it is tied to the rw table by the next step that reads or writes the refund (an
//! SSTORE's write has `value_prev = refund`, EndTx reads it), as each step in between keeps
//! it. In the root call it is 0.
//!
//! A creation's REVERT is one of these: its return area is empty, so nothing is copied, and
//! its bytes stay in its memory as the creator's return data; a creation transaction's
//! REVERT is the root call's.

use super::{
    call_failure::CallFailure,
    memory_expansion::MemoryExpansion,
    restore_context::{is_root_step, next_refund, RestoreContext, RESTORE_CONTEXT_RWS},
    return_copy::{ReturnCopy, ReturnCopyEnds},
    tx_arith::ByteNumber,
    ExecutionGadget,
};
use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, Transition},
};
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// REVERT (0xfd).
pub const REVERT: u8 = 0xfd;
/// Rw accesses of the step in the root call (before its undos).
pub const ROOT_RWS: u64 = 3;
/// Rw accesses of the step in a call with a caller (before the copy and the undos).
pub const CALLEE_RWS: u64 = ROOT_RWS + RESTORE_CONTEXT_RWS as u64 + 2;

/// RETURN and REVERT of a message call.
#[derive(Clone, Debug)]
pub struct ReturnRevertGadget<F: PrimeField> {
    context: ContextColumns,
    /// The memory the returned bytes span, and its gas.
    pub expansion: MemoryExpansion<F>,
    /// `gas_left - memory gas`, 8 bytes.
    pub gas_after: ByteNumber<F, 8>,
    /// REVERT's undo run; RETURN's kept writes.
    pub failure: CallFailure<F>,
    /// The refund counter after the step.
    pub refund_after: Cell<F>,
    /// `is_root·(1 - IsSuccess)`.
    pub root_reverts: Cell<F>,
    /// `(1 - is_root)·kept`: the writes a caller takes over.
    pub taken_over: Cell<F>,
    /// `min(size, area)` bytes to the caller's return area.
    pub copy: ReturnCopy<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ReturnRevertGadget<F> {
    const NAME: &'static str = "RETURN_REVERT";
    const STATE: ExecutionState = ExecutionState::ReturnRevert;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();

        let offset = cb.stack_pop();
        let size = cb.stack_pop();
        let is_success = cb.call_context_lookup(CallContextField::IsSuccess);
        // opcode ∈ {0xf3, 0xfd}: IsSuccess = (0xfd - opcode) / 10.
        cb.require_equal(
            "10·IsSuccess.lo = 0xfd - opcode (RETURN succeeds, REVERT fails)",
            c(10) * is_success.lo.clone(),
            c(u64::from(REVERT)) - cb.opcode(),
        );
        cb.require_zero("IsSuccess.hi = 0", is_success.hi);
        let success = is_success.lo;
        let fails = c(1) - success.clone();
        cb.require_zero(
            "is_create·IsSuccess = 0 (a creation's RETURN deposits code: another state)",
            step.is_create.clone() * success.clone(),
        );

        let expansion = MemoryExpansion::configure_range(cb, offset, size.clone());
        let gas = cb.props().constant_gas + expansion.gas(step.memory_word_size.clone());
        let gas_after = ByteNumber::configure(
            cb,
            "gas_left - constant_gas - memory gas (enough gas)",
            step.gas_left.clone() - gas.clone(),
        );
        let offset_eff = expr_from_le_bytes(
            &expansion
                .offset_bytes
                .iter()
                .map(Cell::expr)
                .collect::<Vec<_>>(),
        );

        let is_root = step.is_root.clone();
        let has_caller = c(1) - is_root.clone();
        let (back, dst, area) = cb.caller_rw_accesses(|cb| {
            let back = RestoreContext::configure(cb, offset_eff.clone(), size.lo.clone());
            let dst = cb.call_context_lookup(CallContextField::ReturnDataOffset);
            let area = cb.call_context_lookup(CallContextField::ReturnDataLength);
            (back, dst, area)
        });
        // Off, the optional rows are zero: `area = 0`, so nothing is copied at the root.
        let copy = ReturnCopy::configure(
            cb,
            size.lo.clone(),
            area.lo,
            ReturnCopyEnds {
                call_id: step.call_id.clone(),
                src: offset_eff,
                caller_id: back.caller_id.clone(),
                dst: dst.lo,
                rw_counter_start: step.rw_counter.clone() + c(CALLEE_RWS),
            },
        );
        // REVERT: the call keeps nothing, and its undo writes follow the copy, ending at
        // the end of reversion (see `common_error`).
        let failure = CallFailure::configure(cb, success.clone());
        let refund_after = cb.query_cell();
        cb.require_zero(
            "IsSuccess·(refund_after - refund) = 0",
            success * (refund_after.expr() - step.refund.clone()),
        );
        let root_reverts = cb.query_cell();
        cb.require_equal(
            "root_reverts = is_root·(1 - IsSuccess)",
            root_reverts.expr(),
            is_root.clone() * fails,
        );
        cb.require_zero(
            "root_reverts·refund_after = 0 (a reverted root call has no refund)",
            root_reverts.expr() * refund_after.expr(),
        );

        cb.require_next_state_if(is_root, ExecutionState::EndTx);
        cb.require_next_opcode_step_if(has_caller.clone());
        let taken_over = cb.query_cell();
        cb.require_equal(
            "taken_over = (1 - is_root)·kept",
            taken_over.expr(),
            has_caller * failure.kept.expr(),
        );
        let transition = back.ending_transition(
            cb,
            step.gas_left.clone() - gas,
            taken_over.expr(),
            Transition::To(refund_after.expr()),
        );
        cb.require_step_state_transition(transition);
        Self {
            context: cb.context_columns(),
            expansion,
            gas_after,
            failure,
            refund_after,
            root_reverts,
            taken_over,
            copy,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let (offset, size) = (value(0)?, value(1)?);
        self.expansion
            .assign_range(region, offset, size, step.memory_word_size)?;
        let after = step
            .gas_left
            .checked_sub(step.gas_cost)
            .ok_or(Error::Synthesis)?;
        self.gas_after.assign(region, U256::from(after))?;
        let reverts = step.opcode == Some(REVERT);
        let rwc = step.reversible_write_counter;
        self.failure.assign(region, !reverts, rwc)?;
        let kept = if reverts { 0 } else { rwc };
        // In the root call the refund after a REVERT is 0; elsewhere the next step's.
        let root = is_root_step(witness, step);
        let refund_after = match (reverts, root) {
            (false, _) => step.refund,
            (true, true) => 0,
            (true, false) => next_refund(witness, step).ok_or(Error::Synthesis)?,
        };
        self.refund_after.assign(region, F::from(refund_after))?;
        self.root_reverts
            .assign(region, F::from(u64::from(root && reverts)))?;
        let taken_over = if root { 0 } else { kept };
        self.taken_over.assign(region, F::from(taken_over))?;

        let size = u64::try_from(size).map_err(|_| Error::Synthesis)?;
        let area = if root {
            0
        } else {
            u64::try_from(value(CALLEE_RWS as usize - 1)?).map_err(|_| Error::Synthesis)?
        };
        self.copy.assign(
            region,
            witness,
            &self.context,
            0,
            size,
            area,
            step.rw_counter + CALLEE_RWS,
        )
    }
}

#[cfg(test)]
mod tests;
