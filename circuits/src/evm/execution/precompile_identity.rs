//! The identity precompile (0x04): the step of its callee, after the call step that began
//! it. Its output is its input: copied from the caller's memory into its own, from where
//! its caller's return area and RETURNDATACOPY read it.
//!
//! ```text
//! "is_root = 0", "is_create = 0"          (a precompile called from a transaction is another case)
//! offset = CallDataOffset read (rw 0), len = CallDataLength read (rw 1)  "len < 2^32"
//! s = IsSuccess read (rw 2): boolean      (a pre-check passed; only gas can fail it)
//! words = ceil(len / 32)                  (CopyWords);  cost = 15 + 3·words
//! s = 1: "gas_left - cost = Σ gas_byte_i·256^i"      (8 bytes: enough gas)
//! s = 0: "cost - gas_left - 1 = Σ gas_byte_i·256^i"  (not enough: all gas is lost)
//! output = s·len
//! RestoreContext(last callee's return data: offset 0, length output)        (rw 3..=16)
//! dst = ReturnDataOffset read, area = ReturnDataLength read                 (rw 17, 18)
//! output ≠ 0: copy lookup memory(caller_id, offset..offset + len) → memory(call_id, 0),
//!   rw_counter + 19, 2·output entries
//! copied = min(output, area) ("output - area + is_lt·2^32 = Σ diff_j·256^j")
//! copied ≠ 0: copy lookup memory(call_id, 0..copied) → memory(caller_id, dst),
//!   rw_counter + 19 + 2·output, 2·copied entries
//! "(1 - s)·is_persistent = 0"; "(1 - s)·(rw_counter_end_of_reversion - (rw_counter + all - 1)) = 0"
//! undos = (1 - s)·reversible_write_counter (a value the call moved, undone after the copies)
//! the caller resumes (RestoreContext::ending_transition): gas → saved + s·(gas_left - cost),
//!   reversible writes → saved + s·reversible_write_counter; the next step executes an opcode
//! ```
//! The call step proved the callee's context (its call data area, return area, value and
//! persistence); this step reads it back, so none of its inputs is free.

use super::{
    call_failure::CallFailure,
    copy_to_memory::CopyWords,
    restore_context::{RestoreContext, RESTORE_CONTEXT_RWS},
    return_copy::{memory_copy_claim, ReturnCopy, ReturnCopyEnds},
    tx_arith::assign_copy_lookup,
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, Transition},
};
use crate::table::{copy::copy_data_type_number, CopyTableRow};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{CallContextField as C, CopyDataType, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Base gas of the identity precompile.
pub const IDENTITY_GAS: u64 = 15;
/// Gas per 32-byte word of its input.
pub const IDENTITY_WORD_GAS: u64 = 3;
/// Rw accesses before the copies.
pub const IDENTITY_RWS: u64 = 3 + RESTORE_CONTEXT_RWS as u64 + 2;

/// The identity precompile's step.
#[derive(Clone, Debug)]
pub struct PrecompileIdentityGadget<F: PrimeField> {
    context: ContextColumns,
    words: CopyWords<F>,
    gas_bytes: [Cell<F>; 8],
    output: Cell<F>,
    output_is_zero: WordIsZero<F>,
    copy_back: ReturnCopy<F>,
    gas_after: Cell<F>,
    failure: CallFailure<F>,
}

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

impl<F: PrimeField> ExecutionGadget<F> for PrecompileIdentityGadget<F> {
    const NAME: &'static str = "PRECOMPILE_IDENTITY";
    const STATE: ExecutionState = ExecutionState::PrecompileIdentity;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        cb.require_zero("is_root = 0", step.is_root.clone());
        cb.require_zero("is_create = 0", step.is_create.clone());
        let offset = cb.call_context_lookup(C::CallDataOffset);
        let len = cb.call_context_lookup(C::CallDataLength);
        let success = cb.call_context_lookup(C::IsSuccess);
        cb.require_zero("IsSuccess.hi = 0", success.hi.clone());
        cb.require_boolean("IsSuccess is boolean", success.lo.clone());
        let s = success.lo;
        let fails = c::<F>(1) - s.clone();
        // `CopyWords` range-checks `len < 2^32` with its 4 word bytes.
        cb.require_zero("CallDataOffset.hi = 0", offset.hi.clone());
        cb.require_zero("CallDataLength.hi = 0", len.hi.clone());
        let words = CopyWords::configure(cb, len.lo.clone());
        let cost = c::<F>(IDENTITY_GAS) + c::<F>(IDENTITY_WORD_GAS) * words.expr();
        let gas_bytes = cb.query_bytes::<8>();
        cb.require_equal(
            "s·(gas_left - cost) + (1 - s)·(cost - gas_left - 1) = Σ gas_byte_i·256^i",
            s.clone() * (step.gas_left.clone() - cost.clone())
                + fails.clone() * (cost.clone() - step.gas_left.clone() - c(1)),
            expr_from_le_bytes(&gas_bytes.iter().map(Cell::expr).collect::<Vec<_>>()),
        );
        let output = cb.query_cell();
        cb.require_equal("output = s·len", output.expr(), s.clone() * len.lo.clone());

        let back = RestoreContext::configure(cb, c(0), output.expr());
        let dst = cb.call_context_lookup(C::ReturnDataOffset);
        let area = cb.call_context_lookup(C::ReturnDataLength);
        let memory = || c::<F>(copy_data_type_number(CopyDataType::Memory));

        let output_is_zero = WordIsZero::configure(cb, "output", Word::new(output.expr(), c(0)));
        cb.copy_lookup(
            c::<F>(1) - output_is_zero.expr(),
            CopyTableRow {
                src_type: memory(),
                src_id: Word::new(back.caller_id.clone(), c(0)),
                src_addr: offset.lo.clone(),
                src_addr_end: offset.lo.clone() + output.expr(),
                dst_type: memory(),
                dst_id: Word::new(step.call_id.clone(), c(0)),
                dst_addr: c(0),
                length: output.expr(),
                rw_counter_start: step.rw_counter.clone() + c(IDENTITY_RWS),
                rw_count: c::<F>(2) * output.expr(),
                log_id: c(0),
            },
        );
        cb.add_rw_counter_delta(c::<F>(2) * output.expr());

        let copy_back = ReturnCopy::configure(
            cb,
            output.expr(),
            area.lo,
            ReturnCopyEnds {
                call_id: step.call_id.clone(),
                src: c(0),
                caller_id: back.caller_id.clone(),
                dst: dst.lo,
                rw_counter_start: step.rw_counter.clone()
                    + c(IDENTITY_RWS)
                    + c::<F>(2) * output.expr(),
            },
        );
        // A failure keeps nothing: the value the call moved is undone after the copies.
        let failure = CallFailure::configure(cb, s.clone());
        let gas_after = cb.query_cell();
        cb.require_equal(
            "gas_after = s·(gas_left - cost)",
            gas_after.expr(),
            s * (step.gas_left.clone() - cost),
        );
        cb.require_next_opcode_step_if(c(1));
        let transition =
            back.ending_transition(cb, gas_after.expr(), failure.kept.expr(), Transition::Same);
        cb.require_step_state_transition(transition);
        Self {
            context: cb.context_columns(),
            words,
            gas_bytes,
            output,
            output_is_zero,
            copy_back,
            gas_after,
            failure,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let value = |i: usize| {
            rws.get(i)
                .and_then(|rw| u64::try_from(rw.value).ok())
                .ok_or(Error::Synthesis)
        };
        let (len, success) = (value(1)?, value(2)? == 1);
        self.words.assign(region, len)?;
        let cost = IDENTITY_GAS + IDENTITY_WORD_GAS * len.div_ceil(32);
        let gas_diff = if success {
            step.gas_left.checked_sub(cost)
        } else {
            cost.checked_sub(step.gas_left + 1)
        }
        .ok_or(Error::Synthesis)?;
        for (cell, byte) in self.gas_bytes.iter().zip(gas_diff.to_le_bytes()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        let output = if success { len } else { 0 };
        self.output.assign(region, F::from(output))?;
        self.output_is_zero
            .assign(region, Word::new(F::from(output), F::ZERO))?;
        let area = value(IDENTITY_RWS as usize - 1)?;
        self.failure
            .assign(region, success, step.reversible_write_counter)?;
        let gas_after = if success { step.gas_left - cost } else { 0 };
        self.gas_after.assign(region, F::from(gas_after))?;
        let first = step.rw_counter + IDENTITY_RWS;
        let claim = memory_copy_claim(witness, first, output)?;
        assign_copy_lookup(region, &self.context, 0, claim)?;
        self.copy_back.assign(
            region,
            witness,
            &self.context,
            3,
            output,
            area,
            first + 2 * output,
        )
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        index.call(step.call_id).is_root
    }
}

#[cfg(test)]
mod tests;
