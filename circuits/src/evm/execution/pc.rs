//! PC: pushes the program counter of the PC opcode itself.
//!
//! ```text
//! pushed = push (rw 0)
//! "PC: pushed.lo = pc", "PC: pushed.hi = 0"
//! transition (SameContext): pc + 1, stack pointer - 1, gas - 2
//! ```

use super::{ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// PC.
#[derive(Clone, Debug)]
pub struct PcGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for PcGadget<F> {
    const NAME: &'static str = "PC";
    const STATE: ExecutionState = ExecutionState::Pc;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let pushed = cb.stack_push();
        cb.require_equal("pushed.lo = pc", pushed.lo, cb.step().program_counter);
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

    /// JUMPDEST PC PC STOP: the PCs push 1 and 2.
    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x5b, 0x58, 0x58, 0x00]);
        let first = nth_step(&w, ExecutionState::Pc, 0);
        slice(&w, first..first + 2)
    }

    #[test]
    fn pc_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn pc_pushes_its_own_pc() {
        let o = Override::Rw {
            step: 1,
            access: 0,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(verify(&circuit(), vec![o]), "PC: pushed.lo = pc");
    }

    #[test]
    fn pc_pushes_a_small_word() {
        let o = Override::Rw {
            step: 0,
            access: 0,
            field: "value_hi",
            value: Fr::from(1),
        };
        assert_rejected(verify(&circuit(), vec![o]), "PC: pushed.hi = 0");
    }

    #[test]
    fn pc_pushes_onto_the_stack() {
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(1024),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "PC: next.stack_pointer = stack_pointer + delta",
        );
    }
}
