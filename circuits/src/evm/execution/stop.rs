//! STOP in the root call: the transaction's execution ends successfully.
//!
//! ```text
//! "STOP: is_root = 1"                       non-root STOPs return to a caller (not here yet)
//! "STOP: call's IsSuccess = 1"              one call-context read (rw access 0)
//! "STOP: next state is EndTx"
//! transition: rw_counter + 1; call, code, flags, gas, logs, refund unchanged;
//!             pc → 0, stack pointer → 1024, memory → 0, reversible writes → 0 (EndTx's frame)
//! ```
//! `gas_left` is unchanged (STOP costs 0): EndTx applies the refund itself.

use super::{padding::all_same, ExecutionGadget};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    constraint_builder::{ConstraintBuilder, StepStateTransition, Transition},
};
use equivm_gadgets::Word;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};
use std::marker::PhantomData;

/// STOP in the root call.
#[derive(Clone, Debug)]
pub struct StopGadget<F>(PhantomData<F>);

impl<F: PrimeField> ExecutionGadget<F> for StopGadget<F> {
    const NAME: &'static str = "STOP";
    const STATE: ExecutionState = ExecutionState::Stop;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        cb.require_equal("is_root = 1", cb.step().is_root, c(1));
        let is_success = cb.call_context_lookup(CallContextField::IsSuccess);
        cb.require_equal_word("call's IsSuccess = 1", is_success, Word::new(c(1), c(0)));
        cb.require_next_state(&[ExecutionState::EndTx]);
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            program_counter: Transition::To(c(0)),
            stack_pointer: Transition::To(c(1024)),
            memory_word_size: Transition::To(c(0)),
            reversible_write_counter: Transition::To(c(0)),
            ..all_same()
        });
        Self(PhantomData)
    }

    fn assign(
        &self,
        _: &mut StepRegion<'_, '_, F>,
        _: &Witness,
        _: &ExecStep,
    ) -> Result<(), Error> {
        Ok(())
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        // The table's row at index `len` is the implicit STOP at the end of the code; a pc
        // past it (after a PUSH cut short by the end of the code) has no row.
        let past_code = index
            .code_len(step)
            .is_none_or(|len| step.pc as usize > len);
        !index.call(step.call_id).is_root || past_code
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 0x01, 0x50, 0x00]);
        let stop = nth_step(&w, ExecutionState::Stop, 0);
        slice(&w, stop..stop + 3)
    }

    #[test]
    fn root_stop_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn stop_must_read_success() {
        let o = Override::Rw {
            step: 0,
            access: 0,
            field: "value_lo",
            value: Fr::zero(),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "STOP: call's IsSuccess = 1 (lo)",
        );
    }

    #[test]
    fn stop_ends_the_call_at_pc_zero() {
        let o = Override::StepState {
            step: 1,
            field: "program_counter",
            value: Fr::from(4),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "STOP: next.program_counter = value",
        );
    }

    #[test]
    fn stop_gas_is_unchanged() {
        let w = circuit();
        let gas = w.witness.steps[w.steps.start].gas_left;
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(gas + 5),
        };
        assert_rejected(verify(&w, vec![o]), "STOP: next.gas_left = gas_left");
    }

    /// PUSH1 1 POP and no STOP: execution stops at the end of the code (pc 3).
    fn implicit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 0x01, 0x50]);
        let stop = nth_step(&w, ExecutionState::Stop, 0);
        assert_eq!(w.steps[stop].pc, 3);
        slice(&w, stop..stop + 3)
    }

    #[test]
    fn implicit_stop_at_the_end_of_the_code_passes() {
        assert_eq!(verify(&implicit(), vec![]), Ok(()));
    }

    #[test]
    fn implicit_stop_only_at_the_end_of_the_code() {
        // Claim the STOP at pc 2, where the code holds POP.
        let o = Override::StepState {
            step: 0,
            field: "program_counter",
            value: Fr::from(2),
        };
        assert_rejected(verify(&implicit(), vec![o]), "EVM opcode at pc");
    }

    #[test]
    fn non_root_stop_is_unsupported() {
        // A call into an account whose code is STOP: the callee's STOP is not root.
        use equivm_trace::{program::Program, revm::primitives::Address};
        let callee = Address::repeat_byte(0xcc);
        let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
        code.extend_from_slice(callee.as_slice());
        code.extend_from_slice(&[0x61, 0xff, 0xff, 0xf1, 0x00]); // PUSH2 0xffff CALL STOP
        let traced = Program::new(code).with_account(callee, vec![0x00]).trace();
        let w = equivm_witness::build_witness(&traced.trace).expect("witness");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        let stops = unsupported
            .iter()
            .filter(|(s, _)| *s == ExecutionState::Stop)
            .count();
        assert_eq!(stops, 1, "{unsupported:?}");
    }
}
