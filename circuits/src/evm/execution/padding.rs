//! Padding: the rows after the last step (after `EndBlock` for a block, after the slice's
//! last step for a slice). One row per step; it changes nothing and is followed by padding
//! (up to the last usable row, which the layout requires to be padding).

use super::ExecutionGadget;
use crate::evm::{
    assign::StepRegion,
    constraint_builder::{ConstraintBuilder, StepStateTransition, Transition},
};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{halo2curves::ff::PrimeField, plonk::Error};
use std::marker::PhantomData;

/// The padding step.
#[derive(Clone, Debug)]
pub struct PaddingGadget<F>(PhantomData<F>);

impl<F: PrimeField> ExecutionGadget<F> for PaddingGadget<F> {
    const NAME: &'static str = "PADDING";
    const STATE: ExecutionState = ExecutionState::Padding;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        // Padding only hands its state on, unchanged, to more padding.
        cb.require_next_state(&[ExecutionState::Padding]);
        cb.require_step_state_transition(all_same());
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
}

/// Every field unchanged.
pub(crate) fn all_same<F: PrimeField>() -> StepStateTransition<F> {
    StepStateTransition {
        rw_counter: Transition::Same,
        call_id: Transition::Same,
        is_root: Transition::Same,
        is_create: Transition::Same,
        code_hash: Transition::Same,
        program_counter: Transition::Same,
        stack_pointer: Transition::Same,
        gas_left: Transition::Same,
        memory_word_size: Transition::Same,
        reversible_write_counter: Transition::Same,
        log_id: Transition::Same,
        tx_id: Transition::Same,
        refund: Transition::Same,
        is_persistent: Transition::Same,
        rw_counter_end_of_reversion: Transition::Same,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::assign::Override;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    fn circuit() -> crate::evm::EvmCircuit {
        // PUSH1 1 POP STOP; a slice of the POP: padding carries STOP's state.
        let w = witness_of(vec![0x60, 0x01, 0x50, 0x00]);
        let pop = nth_step(&w, ExecutionState::Pop, 0);
        let mut c = slice(&w, pop..pop + 1);
        c.capacity += 3; // a few padding steps
        c
    }

    #[test]
    fn padding_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn padding_must_keep_its_state() {
        // Step 2 is the second padding step: changing its pc breaks padding 1's transition.
        let o = Override::StepState {
            step: 2,
            field: "program_counter",
            value: Fr::from(99),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "PADDING: next.program_counter = program_counter",
        );
    }

    #[test]
    fn padding_must_be_followed_by_padding() {
        let o = Override::ExecutionState {
            step: 2,
            state: ExecutionState::Jumpdest,
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "PADDING: next state is Padding",
        );
    }
}
