//! POP: reads the top stack item (rw access 0) and drops it.
//!
//! ```text
//! stack read at stack_pointer (value pinned by the rw lookup, otherwise unused)
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 2
//! ```

use super::{ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// POP.
#[derive(Clone, Debug)]
pub struct PopGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for PopGadget<F> {
    const NAME: &'static str = "POP";
    const STATE: ExecutionState = ExecutionState::Pop;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        cb.stack_pop();
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self { same_context }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        _: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 0x07, 0x50, 0x00]);
        let pop = nth_step(&w, ExecutionState::Pop, 0);
        slice(&w, pop..pop + 1)
    }

    #[test]
    fn pop_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn pop_reads_at_the_stack_pointer() {
        let o = Override::Rw {
            step: 0,
            access: 0,
            field: "key_lo",
            value: Fr::from(1022),
        };
        assert_rejected(verify(&circuit(), vec![o]), "POP: stack read #0: rw.key.lo");
    }

    #[test]
    fn pop_raises_the_stack_pointer() {
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(1023),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "POP: next.stack_pointer = stack_pointer + delta",
        );
    }

    #[test]
    fn pop_pays_its_gas() {
        let c = circuit();
        let gas = c.witness.steps[c.steps.start].gas_left;
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(gas - 1),
        };
        assert_rejected(verify(&c, vec![o]), "POP: next.gas_left = gas_left + delta");
    }
}
