//! GAS: pushes the gas left after paying for the GAS opcode (`gas_left - 2`).
//!
//! ```text
//! pushed = push (rw 0)
//! "GAS: pushed.lo = gas_left - constant_gas", "GAS: pushed.hi = 0"
//! transition (SameContext): pc + 1, stack pointer - 1, gas - 2
//! ```
//! `constant_gas` is the opcode's fixed-table cost (2); SameContext proves
//! `gas_left - constant_gas` fits 8 bytes, so the pushed limb is a small non-negative number.

use super::{ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// GAS.
#[derive(Clone, Debug)]
pub struct GasGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for GasGadget<F> {
    const NAME: &'static str = "GAS";
    const STATE: ExecutionState = ExecutionState::Gas;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let pushed = cb.stack_push();
        cb.require_equal(
            "pushed.lo = gas_left - constant_gas",
            pushed.lo,
            cb.step().gas_left - cb.props().constant_gas,
        );
        cb.require_zero("pushed.hi = 0", pushed.hi);
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

    /// GAS GAS STOP.
    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x5a, 0x5a, 0x00]);
        let first = nth_step(&w, ExecutionState::Gas, 0);
        slice(&w, first..first + 2)
    }

    #[test]
    fn gas_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn gas_pushes_gas_after_its_cost() {
        // Pushing gas_left (before paying 2) is wrong.
        let c = circuit();
        let gas = c.witness.steps[c.steps.start].gas_left;
        let o = Override::Rw {
            step: 0,
            access: 0,
            field: "value_lo",
            value: Fr::from(gas),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "GAS: pushed.lo = gas_left - constant_gas",
        );
    }

    #[test]
    fn gas_costs_two() {
        let c = circuit();
        let gas = c.witness.steps[c.steps.start + 1].gas_left;
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(gas + 1),
        };
        assert_rejected(verify(&c, vec![o]), "GAS: next.gas_left = gas_left + delta");
    }
}
