//! ADDRESS, CALLER, CALLVALUE, CALLDATASIZE and RETURNDATASIZE: push one field of the call's
//! context.
//!
//! ```text
//! OpcodeSelect over (0x30, 0x33, 0x34, 0x36, 0x3d)
//! field = pick(CalleeAddress, CallerAddress, Value, CallDataLength, LastCalleeReturnDataLength)
//! value = call context read of `field` (rw 0); pushed = push (rw 1)
//! "pushed = value" (lo, hi)
//! transition (SameContext): pc + 1, stack pointer - 1, gas - 2
//! ```
//!
//! The call-context fields are written when the call starts (BeginTx for the root, the
//! CALL family for callees) and, for `LastCalleeReturnDataLength`, when a callee returns;
//! the state circuit makes the read return the latest such write (0 before any callee).

use super::{opcode_select::OpcodeSelect, ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The opcodes of the state and the context field each pushes.
const FIELDS: [(u8, CallContextField); 5] = [
    (0x30, CallContextField::CalleeAddress),
    (0x33, CallContextField::CallerAddress),
    (0x34, CallContextField::Value),
    (0x36, CallContextField::CallDataLength),
    (0x3d, CallContextField::LastCalleeReturnDataLength),
];

/// ADDRESS, CALLER, CALLVALUE, CALLDATASIZE, RETURNDATASIZE.
#[derive(Clone, Debug)]
pub struct CallContextGadget<F: PrimeField> {
    /// Which opcode runs.
    pub opcode: OpcodeSelect<F, 5>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for CallContextGadget<F> {
    const NAME: &'static str = "CALL_CONTEXT";
    const STATE: ExecutionState = ExecutionState::CallContext;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let opcode = OpcodeSelect::configure(cb, FIELDS.map(|(op, _)| op));
        let field = opcode.pick(FIELDS.map(|(_, f)| f as u64));
        let value = cb.call_context_lookup_expr(field);
        let pushed = cb.stack_push();
        cb.require_equal_word("pushed = context value", pushed, value);
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self {
            opcode,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        _: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        self.opcode.assign(region, step.opcode)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
