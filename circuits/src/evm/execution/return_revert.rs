//! RETURN and REVERT in the root call of a message-call transaction: the call ends, with
//! success for RETURN and failure for REVERT. The returned bytes go nowhere (the witness does
//! not read them), but the memory they span is paid for.
//!
//! ```text
//! "is_root = 1", "is_create = 0"            other frames are `unsupported` (below)
//! offset = pop (rw 0), size = pop (rw 1)
//! is_success = call context IsSuccess read (rw 2)
//! "10·IsSuccess.lo = 0xfd - opcode", "IsSuccess.hi = 0"   RETURN (0xf3) → 1, REVERT (0xfd) → 0
//! "(1 - IsSuccess)·is_persistent = 0"                     a REVERT keeps nothing
//! "(1 - IsSuccess)·(rw_counter_end_of_reversion - (rw_counter + 3 + reversible_write_counter - 1)) = 0"
//! undos = (1 - IsSuccess)·reversible_write_counter        the undo writes after rw 2
//! refund_after = IsSuccess·refund                         undone with the rest
//! MemoryExpansion::configure_range(offset, size): gas   (size 0: no growth, offset free)
//! "gas_left - constant_gas - memory gas = Σ byte_i·256^i" (8 bytes: enough gas)
//! "next state is EndTx"
//! transition: rw_counter + 3 + undos; call, code, flags, logs, tx unchanged;
//!             refund → refund_after;
//!             pc → 0, stack pointer → 1024, memory → 0, reversible writes → 0 (EndTx's frame),
//!             gas_left − constant_gas (0) − memory gas
//! ```
//! The opcode is RETURN or REVERT (the responsible-opcode lookup), so `IsSuccess` is the
//! boolean the opcode dictates; BeginTx left it free and EndTx writes it to the receipt.
//!
//! A REVERT's undo writes are looked up by the steps that made the writes
//! ([`ConstraintBuilder::undo_if_reverted`]); this step pins where they end and skips them.
//!
//! `unsupported`: RETURN/REVERT of a call with a caller (the return-data copy and the
//! caller's restored context) and of a creation (the code deposit).

use super::{memory_expansion::MemoryExpansion, tx_arith::ByteNumber, ExecutionGadget};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::{ConstraintBuilder, StepStateTransition, Transition},
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// REVERT (0xfd).
pub const REVERT: u8 = 0xfd;

/// RETURN and REVERT of the root call.
#[derive(Clone, Debug)]
pub struct ReturnRevertGadget<F: PrimeField> {
    /// The memory the returned bytes span, and its gas.
    pub expansion: MemoryExpansion<F>,
    /// `gas_left - memory gas`, 8 bytes.
    pub gas_after: ByteNumber<F, 8>,
    /// Undo writes that follow the step: `reversible_write_counter` for REVERT, else 0.
    pub undos: Cell<F>,
    /// The refund counter after the step: unchanged for RETURN, 0 for REVERT.
    pub refund_after: Cell<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ReturnRevertGadget<F> {
    const NAME: &'static str = "RETURN_REVERT";
    const STATE: ExecutionState = ExecutionState::ReturnRevert;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();
        cb.require_equal("is_root = 1", step.is_root.clone(), c(1));
        cb.require_zero("is_create = 0", step.is_create.clone());

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
        // REVERT: the call keeps nothing, and its undo writes follow the step's accesses,
        // ending at the end of reversion (see `common_error`).
        let fails = c(1) - is_success.lo.clone();
        cb.require_zero(
            "(1 - IsSuccess)·is_persistent = 0 (a REVERT keeps nothing)",
            fails.clone() * step.is_persistent.clone(),
        );
        cb.require_zero(
            "(1 - IsSuccess)·(rw_counter_end_of_reversion - (rw_counter + 3 + reversible_write_counter - 1)) = 0",
            fails.clone()
                * (step.rw_counter_end_of_reversion.clone()
                    - step.rw_counter.clone()
                    - cb.rw_counter_delta()
                    - step.reversible_write_counter.clone()
                    + c(1)),
        );
        let undos = cb.query_cell();
        cb.require_equal(
            "undos = (1 - IsSuccess)·reversible_write_counter",
            undos.expr(),
            fails * step.reversible_write_counter.clone(),
        );
        // The refund counter is one of the undone writes: back to 0 in the root call.
        let refund_after = cb.query_cell();
        cb.require_equal(
            "refund_after = IsSuccess·refund",
            refund_after.expr(),
            is_success.lo * step.refund.clone(),
        );

        let expansion = MemoryExpansion::configure_range(cb, offset, size);
        let gas = cb.props().constant_gas + expansion.gas(step.memory_word_size.clone());
        let gas_after = ByteNumber::configure(
            cb,
            "gas_left - constant_gas - memory gas (enough gas)",
            step.gas_left - gas.clone(),
        );

        cb.add_rw_counter_delta(undos.expr());
        cb.require_next_state(&[ExecutionState::EndTx]);
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            call_id: Transition::Same,
            is_root: Transition::Same,
            is_create: Transition::Same,
            code_hash: Transition::Same,
            program_counter: Transition::To(c(0)),
            stack_pointer: Transition::To(c(1024)),
            gas_left: Transition::Delta(c(0) - gas),
            memory_word_size: Transition::To(c(0)),
            reversible_write_counter: Transition::To(c(0)),
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund: Transition::To(refund_after.expr()),
            is_persistent: Transition::Same,
            rw_counter_end_of_reversion: Transition::Same,
        });
        Self {
            expansion,
            gas_after,
            undos,
            refund_after,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let [offset, size] = [0, 1].map(|i| rws.get(i).map(|rw| rw.value));
        let (offset, size) = (
            offset.ok_or(Error::Synthesis)?,
            size.ok_or(Error::Synthesis)?,
        );
        self.expansion
            .assign_range(region, offset, size, step.memory_word_size)?;
        let after = step
            .gas_left
            .checked_sub(step.gas_cost)
            .ok_or(Error::Synthesis)?;
        self.gas_after.assign(region, U256::from(after))?;
        let reverts = step.opcode == Some(REVERT);
        let undos = if reverts {
            step.reversible_write_counter
        } else {
            0
        };
        let refund = if reverts { 0 } else { step.refund };
        self.undos.assign(region, F::from(undos))?;
        self.refund_after.assign(region, F::from(refund))
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let call = index.call(step.call_id);
        !call.is_root || call.is_create
    }
}

#[cfg(test)]
mod tests;
