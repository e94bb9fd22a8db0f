//! MSIZE: pushes the memory size in bytes, `memory_word_size · 32`.
//!
//! ```text
//! pushed = push (rw 0)
//! "MSIZE: pushed.lo = memory_word_size · 32", "MSIZE: pushed.hi = 0"
//! transition (SameContext): pc + 1, stack pointer - 1, gas - 2, memory unchanged
//! ```

use super::{ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// MSIZE.
#[derive(Clone, Debug)]
pub struct MsizeGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for MsizeGadget<F> {
    const NAME: &'static str = "MSIZE";
    const STATE: ExecutionState = ExecutionState::Msize;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let pushed = cb.stack_push();
        cb.require_equal(
            "pushed.lo = memory_word_size · 32",
            pushed.lo,
            cb.step().memory_word_size * Expression::Constant(F::from(32)),
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

    /// MSIZE (0), PUSH1 1 PUSH1 0x40 MSTORE (memory → 3 words), MSIZE (96), STOP.
    fn circuit(n: usize) -> EvmCircuit {
        let w = witness_of(vec![0x59, 0x60, 1, 0x60, 0x40, 0x52, 0x59, 0x00]);
        let step = nth_step(&w, ExecutionState::Msize, n);
        slice(&w, step..step + 1)
    }

    #[test]
    fn msize_of_empty_and_grown_memory_pass() {
        assert_eq!(verify(&circuit(0), vec![]), Ok(()));
        let c = circuit(1);
        assert_eq!(c.witness.steps[c.steps.start].memory_word_size, 3);
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn msize_pushes_bytes_not_words() {
        let o = Override::Rw {
            step: 0,
            access: 0,
            field: "value_lo",
            value: Fr::from(3),
        };
        assert_rejected(
            verify(&circuit(1), vec![o]),
            "MSIZE: pushed.lo = memory_word_size · 32",
        );
    }

    #[test]
    fn msize_leaves_memory_unchanged() {
        let o = Override::StepState {
            step: 1,
            field: "memory_word_size",
            value: Fr::from(4),
        };
        assert_rejected(
            verify(&circuit(1), vec![o]),
            "MSIZE: next.memory_word_size = memory_word_size",
        );
    }
}
