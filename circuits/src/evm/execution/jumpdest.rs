//! JUMPDEST: does nothing but cost 1 gas.
//!
//! ```text
//! transition (SameContext): pc + 1, stack pointer unchanged, gas - 1, no rw access
//! ```

use super::{ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// JUMPDEST.
#[derive(Clone, Debug)]
pub struct JumpdestGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for JumpdestGadget<F> {
    const NAME: &'static str = "JUMPDEST";
    const STATE: ExecutionState = ExecutionState::Jumpdest;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
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
        let w = witness_of(vec![0x5b, 0x5b, 0x00]);
        let first = nth_step(&w, ExecutionState::Jumpdest, 0);
        slice(&w, first..first + 2)
    }

    #[test]
    fn jumpdests_pass() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn jumpdest_advances_pc_by_one() {
        let o = Override::StepState {
            step: 1,
            field: "program_counter",
            value: Fr::from(2),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "JUMPDEST: next.program_counter = program_counter + delta",
        );
    }

    #[test]
    fn jumpdest_selector_must_match_opcode() {
        // Step 1 claims to be a POP: the (state, opcode) pair is not in the fixed table.
        let o = Override::ExecutionState {
            step: 1,
            state: ExecutionState::Pop,
        };
        assert_rejected(verify(&circuit(), vec![o]), "EVM responsible opcode");
    }

    #[test]
    fn jumpdest_cannot_run_out_of_gas() {
        // With 0 gas left, gas_left - 1 does not fit 8 bytes.
        let o = Override::StepState {
            step: 0,
            field: "gas_left",
            value: Fr::zero(),
        };
        let mut c = circuit();
        c.steps = c.steps.start..c.steps.start + 1;
        assert_rejected(
            verify(&c, vec![o]),
            "JUMPDEST: gas_left - constant_gas = Σ byte_i·256^i (enough gas)",
        );
    }
}
