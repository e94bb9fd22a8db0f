//! ErrorStackOverflow in the root call: the opcode would leave more than 1024 items.
//!
//! ```text
//! sp: a byte cell
//! "ERROR_STACK_OVERFLOW: sp = stack_pointer"
//! LessThan<1>(sp < stack_outputs - stack_inputs)     gap a byte
//! ErrorEnd (rw 0: IsSuccess = 0)                 (see common_error.rs)
//! ```
//! The stack after the opcode would hold `1024 - sp - inputs + outputs` items, more than 1024
//! exactly when `sp < outputs - inputs`. Soundness: `sp` is a byte (so the stack pointer is
//! in `0..=255`, not a field element below 0); the opcode's growth `outputs - inputs` comes
//! from the fixed table (1 for every opcode that grows the stack, the only ones the table
//! lets select this state); a byte `gap` exists only if `sp < outputs - inputs`. No stack
//! item is read. Cost: 2 byte cells.

use super::{
    common_error::{ErrorEnd, LessThan},
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_witness::{opcodes::opcode_info, ExecStep, ExecutionState, Witness};
use halo2_proofs::{halo2curves::ff::PrimeField, plonk::Error};

/// ErrorStackOverflow (root call).
#[derive(Clone, Debug)]
pub struct ErrorStackOverflowGadget<F: PrimeField> {
    /// The stack pointer, as a byte.
    pub sp: Cell<F>,
    /// `sp < stack_outputs - stack_inputs`.
    pub overflow: LessThan<F, 1>,
    end: ErrorEnd<F>,
}

/// `stack_outputs - stack_inputs` of `opcode`, if it grows the stack.
fn growth(opcode: u8) -> Option<u64> {
    let info = opcode_info(opcode);
    u64::from(info.stack_outputs).checked_sub(u64::from(info.stack_inputs))
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorStackOverflowGadget<F> {
    const NAME: &'static str = "ERROR_STACK_OVERFLOW";
    const STATE: ExecutionState = ExecutionState::ErrorStackOverflow;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let sp = cb.query_byte();
        cb.require_equal("sp = stack_pointer", sp.expr(), cb.step().stack_pointer);
        let props = cb.props();
        let overflow = LessThan::configure(
            cb,
            "sp < stack_outputs - stack_inputs",
            sp.expr(),
            props.stack_outputs - props.stack_inputs,
        );
        let end = ErrorEnd::configure(cb);
        Self { sp, overflow, end }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        self.end.assign(region, witness, step)?;
        let growth = step.opcode.and_then(growth).ok_or(Error::Synthesis)?;
        self.sp.assign(region, F::from(step.stack_pointer))?;
        self.overflow.assign(region, step.stack_pointer, growth)
    }

    fn unsupported(step: &ExecStep, _index: &WitnessIndex) -> bool {
        let overflows = step
            .opcode
            .and_then(growth)
            .is_some_and(|g| step.stack_pointer < g);
        !overflows
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// 1025 PUSH0s: the last one overflows. The slice is the 1024th PUSH0 and the error.
    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x5f; 1025]);
        let err = nth_step(&w, ExecutionState::ErrorStackOverflow, 0);
        assert_eq!(w.steps[err].stack_pointer, 0);
        slice(&w, err - 1..err + 3)
    }

    #[test]
    fn overflow_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn overflow_sp_is_the_stack_pointer() {
        // The error step claims a free slot (stack pointer 1): its sp cell says 0.
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ERROR_STACK_OVERFLOW: sp = stack_pointer",
        );
    }

    #[test]
    fn overflow_must_read_failure() {
        let o = Override::Rw {
            step: 1,
            access: 0,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ERROR_STACK_OVERFLOW: call's IsSuccess = 0 (lo)",
        );
    }

    #[test]
    fn overflowing_push_is_not_push() {
        let o = Override::ExecutionState {
            step: 1,
            state: ExecutionState::Push,
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "PUSH: stack write #0: rw.is_write",
        );
    }

    #[test]
    fn push_with_free_slots_is_no_overflow() {
        // The 1020th PUSH0 (stack pointer 5) claims overflow with sp = 5.
        let mut code = vec![0x5f; 1020];
        code.push(0x00);
        let w = witness_of(code);
        let push = nth_step(&w, ExecutionState::Push, 1019);
        assert_eq!(w.steps[push].stack_pointer, 5);
        let c = slice(&w, push..push + 1);
        let g = config().gadgets.error_stack_overflow;
        let cell = |cell: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 0,
            column: cell.column,
            rotation: cell.rotation,
            value,
        };
        let overrides = vec![
            Override::ExecutionState {
                step: 0,
                state: ExecutionState::ErrorStackOverflow,
            },
            cell(&g.sp, Fr::from(5)),
            // (outputs - inputs) - sp - 1 = -5: the gap equation holds, the byte check fails.
            cell(&g.overflow.gap[0], -Fr::from(5)),
        ];
        let texts = failure_texts(verify(&c, overrides));
        assert_named_not(
            &texts,
            "EVM byte cell in 0..=255",
            "sp < stack_outputs - stack_inputs",
        );
    }
}
