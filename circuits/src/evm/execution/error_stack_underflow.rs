//! ErrorStackUnderflow in the root call: the opcode reads more stack items than the stack
//! holds.
//!
//! ```text
//! height: a byte cell
//! "ERROR_STACK_UNDERFLOW: height = 1024 - stack_pointer"
//! LessThan<1>(height < stack_inputs)     "stack_inputs - height - 1 = gap", gap a byte
//! ErrorEnd (rw 0: IsSuccess = 0)     (see common_error.rs)
//! ```
//! Soundness: `height` is a byte, so the stack pointer is `1024 - height` with
//! `height ≤ 255`, and `stack_inputs ≤ 17` comes from the opcode's properties (fixed table);
//! a byte `gap` exists only if `height < stack_inputs`. No stack item is read: the stack
//! pointer alone proves the error. Cost: 2 byte cells.

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
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// ErrorStackUnderflow (root call).
#[derive(Clone, Debug)]
pub struct ErrorStackUnderflowGadget<F: PrimeField> {
    /// The stack height, `1024 - stack_pointer`.
    pub height: Cell<F>,
    /// `height < stack_inputs`.
    pub underflow: LessThan<F, 1>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorStackUnderflowGadget<F> {
    const NAME: &'static str = "ERROR_STACK_UNDERFLOW";
    const STATE: ExecutionState = ExecutionState::ErrorStackUnderflow;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let height = cb.query_byte();
        cb.require_equal(
            "height = 1024 - stack_pointer",
            height.expr(),
            Expression::Constant(F::from(1024)) - cb.step().stack_pointer,
        );
        let inputs = cb.props().stack_inputs;
        let underflow = LessThan::configure(cb, "height < stack_inputs", height.expr(), inputs);
        let end = ErrorEnd::configure(cb);
        Self {
            height,
            underflow,
            end,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        self.end.assign(region, witness, step)?;
        let opcode = step.opcode.ok_or(Error::Synthesis)?;
        let height = 1024u64
            .checked_sub(step.stack_pointer)
            .ok_or(Error::Synthesis)?;
        self.height.assign(region, F::from(height))?;
        let inputs = u64::from(opcode_info(opcode).stack_inputs);
        self.underflow.assign(region, height, inputs)
    }

    fn unsupported(step: &ExecStep, _index: &WitnessIndex) -> bool {
        let underflows = step.opcode.is_some_and(|op| {
            1024u64.saturating_sub(step.stack_pointer) < u64::from(opcode_info(op).stack_inputs)
        });
        !underflows
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// PUSH1 1 ADD: the ADD finds one item of two. The slice is the PUSH and the error.
    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 1, 0x01]);
        let err = nth_step(&w, ExecutionState::ErrorStackUnderflow, 0);
        slice(&w, err - 1..err + 3)
    }

    #[test]
    fn underflow_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
        // ADD on an empty stack, alone in its slice.
        let w = witness_of(vec![0x01]);
        let err = nth_step(&w, ExecutionState::ErrorStackUnderflow, 0);
        assert_eq!(verify(&slice(&w, err..err + 3), vec![]), Ok(()));
    }

    #[test]
    fn underflow_height_follows_the_stack_pointer() {
        // The error step claims two items (stack pointer 1022): its height cell says 1.
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(1022),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ERROR_STACK_UNDERFLOW: height = 1024 - stack_pointer",
        );
    }

    #[test]
    fn underflow_must_read_failure() {
        let o = Override::Rw {
            step: 1,
            access: 0,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ERROR_STACK_UNDERFLOW: call's IsSuccess = 0 (lo)",
        );
    }

    #[test]
    fn underflow_consumes_all_gas() {
        let c = circuit();
        let gas = c.witness.steps[c.steps.start + 1].gas_left;
        let o = Override::StepState {
            step: 2,
            field: "gas_left",
            value: Fr::from(gas),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "ERROR_STACK_UNDERFLOW: next.gas_left = value",
        );
    }

    #[test]
    fn underflowing_add_is_not_add_sub() {
        let o = Override::ExecutionState {
            step: 1,
            state: ExecutionState::AddSub,
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ADD_SUB: stack read #0: rw.tag",
        );
    }

    #[test]
    fn add_with_two_items_is_no_underflow() {
        // PUSH1 1 PUSH1 2 ADD STOP: the ADD claims underflow with its true height 2.
        let w = witness_of(vec![0x60, 1, 0x60, 2, 0x01, 0x00]);
        let add = nth_step(&w, ExecutionState::AddSub, 0);
        let c = slice(&w, add..add + 1);
        let g = config().gadgets.error_stack_underflow;
        let cell = |cell: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 0,
            column: cell.column,
            rotation: cell.rotation,
            value,
        };
        let overrides = vec![
            Override::ExecutionState {
                step: 0,
                state: ExecutionState::ErrorStackUnderflow,
            },
            cell(&g.height, Fr::from(2)),
            cell(&g.underflow.gap[0], -Fr::from(1)),
        ];
        // The gap equation holds (-1 = -1): only the byte range check rejects the claim.
        let texts = failure_texts(verify(&c, overrides));
        assert_named_not(&texts, "EVM byte cell in 0..=255", "height < stack_inputs");
    }

    #[test]
    fn a_callee_s_underflow_returns_to_the_caller() {
        use equivm_trace::{program::Program, revm::primitives::Address};
        let callee = Address::repeat_byte(0xcc);
        let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
        code.extend_from_slice(callee.as_slice());
        code.extend_from_slice(&[0x61, 0xff, 0xff, 0xf1, 0x00]); // PUSH2 0xffff CALL STOP
        let traced = Program::new(code).with_account(callee, vec![0x01]).trace();
        let w = equivm_witness::build_witness(&traced.trace).expect("witness");
        assert_eq!(EvmCircuit::unsupported_steps(&w), vec![]);
        let err = nth_step(&w, ExecutionState::ErrorStackUnderflow, 0);
        assert_eq!(w.steps[err].rw_count, 1 + 14);
        let c = slice(&w, err..w.steps.len());
        assert_eq!(verify(&c, vec![]), Ok(()));
        // The caller's saved memory size comes back.
        let o = Override::StepState {
            step: 1,
            field: "memory_word_size",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "ERROR_STACK_UNDERFLOW: next.memory_word_size",
        );
    }
}
