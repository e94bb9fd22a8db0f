//! DUP1..DUP16: copies stack item `n - 1` (counted from the top) onto the top.
//!
//! `n` is the opcode's `stack_inputs` (DUPn reads `n` items and leaves `n + 1`).
//!
//! ```text
//! stack read  at stack_pointer + n - 1  (rw access 0)
//! stack write at stack_pointer - 1      (rw access 1)
//! "DUP: copy = original"
//! transition (SameContext): pc + 1, stack pointer - 1, gas - 3
//! ```

use super::{ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// DUP1..DUP16.
#[derive(Clone, Debug)]
pub struct DupGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for DupGadget<F> {
    const NAME: &'static str = "DUP";
    const STATE: ExecutionState = ExecutionState::Dup;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let one = || Expression::Constant(F::ONE);
        let n = cb.props().stack_inputs;
        let original = cb.stack_lookup(false, n - one());
        let copy = cb.stack_lookup(true, Expression::Constant(F::ZERO) - one());
        cb.require_equal_word("copy = original", copy, original);
        let same_context = SameContext::configure(cb, one());
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

    /// PUSH1 1 PUSH1 2 PUSH1 3 DUP1 DUP3 STOP.
    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 1, 0x60, 2, 0x60, 3, 0x80, 0x82, 0x00]);
        let first = nth_step(&w, ExecutionState::Dup, 0);
        slice(&w, first..first + 2)
    }

    #[test]
    fn dup1_dup3_pass() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn dup_copies_the_value() {
        let o = Override::Rw {
            step: 1,
            access: 1,
            field: "value_lo",
            value: Fr::from(9),
        };
        assert_rejected(verify(&circuit(), vec![o]), "DUP: copy = original (lo)");
    }

    #[test]
    fn dup_reads_the_nth_item() {
        // DUP3 reading item 0 instead of item 2.
        let c = circuit();
        let sp = c.witness.steps[c.steps.start + 1].stack_pointer;
        let o = Override::Rw {
            step: 1,
            access: 0,
            field: "key_lo",
            value: Fr::from(sp),
        };
        assert_rejected(verify(&c, vec![o]), "DUP: stack read #0: rw.key.lo");
    }
}
