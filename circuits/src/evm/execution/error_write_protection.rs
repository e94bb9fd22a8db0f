//! ErrorWriteProtection: a state-changing opcode in a static call (EIP-214). SSTORE, TSTORE,
//! LOG0..LOG4, CREATE, CREATE2 and SELFDESTRUCT fail there whatever their operands; CALL
//! fails only with a value.
//!
//! ```text
//! sel = OpcodeSelect(SSTORE, TSTORE, LOG0..LOG4, CREATE, CALL, CREATE2, SELFDESTRUCT)
//! is_call = sel_CALL
//! CALL only (switched by is_call): rw 0..2 stack reads gas, to, value at sp, sp + 1, sp + 2
//!   "is_call·[value = 0] = 0"              (a CALL without value is allowed)
//! rw   IsStatic read: "= 1"
//! ErrorEnd (IsSuccess = 0, the hand-back to the caller; see common_error.rs)
//! ```
//! The opcodes are those revm checks before popping anything (so the stack holds whatever it
//! holds), and CALL after popping its first three items, which the step reads back. Every
//! static call has a caller (the root call is never static), so the hand-back is always
//! there. Cost: 11 selector cells, the value's zero test and the end.

use super::{
    common_error::ErrorEnd, opcode_select::OpcodeSelect, restore_context::is_root_step,
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    constraint_builder::{ConstraintBuilder, RwRowColumns},
};
use crate::table::opcode_rows::STATE_CHANGING_OPCODES;
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// CALL's opcode.
const CALL: u8 = 0xf1;
/// The stack items a CALL's proof reads (gas, to, value).
const CALL_READS: usize = 3;
/// Rw rows of the step: the CALL's reads, `IsStatic`, `IsSuccess` and the hand-back.
pub const WRITE_PROTECTION_RW_ROWS: usize =
    CALL_READS + 2 + super::restore_context::RESTORE_CONTEXT_RWS;

/// ErrorWriteProtection.
#[derive(Clone, Debug)]
pub struct ErrorWriteProtectionGadget<F: PrimeField> {
    /// Which state-changing opcode the step runs.
    pub select: OpcodeSelect<F, 11>,
    /// `[value = 0]` for CALL's value.
    pub value_is_zero: WordIsZero<F>,
    rw_rows: RwRowColumns,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorWriteProtectionGadget<F> {
    const NAME: &'static str = "ERROR_WRITE_PROTECTION";
    const STATE: ExecutionState = ExecutionState::ErrorWriteProtection;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let select = OpcodeSelect::configure(cb, STATE_CHANGING_OPCODES);
        let is_call = select.pick(STATE_CHANGING_OPCODES.map(|op| u64::from(op == CALL)));
        let value = cb.switched_rw_accesses(is_call.clone(), |cb| {
            let _gas = cb.stack_pop();
            let _to = cb.stack_pop();
            cb.stack_pop()
        });
        let value_is_zero = WordIsZero::configure(cb, "value", value);
        cb.require_zero(
            "is_call·[value = 0] = 0 (a CALL fails only with a value)",
            is_call * value_is_zero.expr(),
        );
        let is_static = cb.call_context_lookup(CallContextField::IsStatic);
        cb.require_equal_word(
            "IsStatic = 1",
            is_static,
            Word::new(Expression::Constant(F::ONE), Expression::Constant(F::ZERO)),
        );
        let rw_rows = cb.rw_row_columns();
        let end = ErrorEnd::configure(cb);
        Self {
            select,
            value_is_zero,
            rw_rows,
            end,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let index = self.select.assign(region, step.opcode)?;
        let is_call = STATE_CHANGING_OPCODES[index] == CALL;
        let rws = witness.step_rws(step);
        let reads = if is_call { CALL_READS } else { 0 };
        let value = if is_call {
            rws.get(2).ok_or(Error::Synthesis)?.value
        } else {
            U256::ZERO
        };
        self.value_is_zero.assign(region, word_of(value))?;
        // IsStatic and IsSuccess, then the hand-back when the call has a caller.
        let own = reads
            + 2
            + if is_root_step(witness, step) {
                0
            } else {
                super::restore_context::RESTORE_CONTEXT_RWS
            };
        for r in 0..WRITE_PROTECTION_RW_ROWS {
            let entry = if r < CALL_READS {
                is_call.then_some(r)
            } else {
                Some(reads + r - CALL_READS).filter(|i| *i < own)
            };
            let rw = entry
                .map(|i| rws.get(i).ok_or(Error::Synthesis))
                .transpose()?;
            self.rw_rows.assign(region, r, rw)?;
        }
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, _index: &WitnessIndex) -> bool {
        !step
            .opcode
            .is_some_and(|op| STATE_CHANGING_OPCODES.contains(&op))
    }
}

#[cfg(test)]
mod tests;
