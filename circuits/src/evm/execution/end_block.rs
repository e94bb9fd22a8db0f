//! EndBlock: the synthetic step after the last transaction. It makes no access, keeps its
//! state, and hands over to padding.
//!
//! Not proved yet (needs the tx circuit and the state circuit's totals): that every tx of
//! the block ran and that the rw log has no entry past the last step's.

use super::{padding::all_same, ExecutionGadget};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{halo2curves::ff::PrimeField, plonk::Error};
use std::marker::PhantomData;

/// The end-of-block step.
#[derive(Clone, Debug)]
pub struct EndBlockGadget<F>(PhantomData<F>);

impl<F: PrimeField> ExecutionGadget<F> for EndBlockGadget<F> {
    const NAME: &'static str = "END_BLOCK";
    const STATE: ExecutionState = ExecutionState::EndBlock;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
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

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::assign::Override;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    fn circuit() -> crate::evm::EvmCircuit {
        let w = witness_of(vec![0x00]);
        let end = nth_step(&w, ExecutionState::EndBlock, 0);
        assert_eq!(
            end + 1,
            w.steps.len(),
            "EndBlock is the witness's last step"
        );
        slice(&w, end..end + 1)
    }

    #[test]
    fn end_block_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn end_block_keeps_rw_counter() {
        let o = Override::StepState {
            step: 1,
            field: "rw_counter",
            value: Fr::from(1000),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "END_BLOCK: next.rw_counter = rw_counter",
        );
    }

    #[test]
    fn end_block_is_followed_by_padding() {
        let o = Override::ExecutionState {
            step: 1,
            state: ExecutionState::EndBlock,
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "END_BLOCK: next state is Padding",
        );
    }

    #[test]
    fn end_block_state_is_public() {
        let o = Override::StepState {
            step: 0,
            field: "tx_id",
            value: Fr::from(7),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "STEP: first step tx_id = public input",
        );
    }
}
