//! ISZERO: pushes 1 if the top item is 0, else 0.
//!
//! ```text
//! a = pop (rw 0), pushed = push (rw 1)
//! WordIsZero(a): z = [a.lo = 0 and a.hi = 0]       (see word_is_zero.rs)
//! "ISZERO: pushed.lo = z", "ISZERO: pushed.hi = 0"
//! transition (SameContext): pc + 1, stack pointer unchanged, gas - 3
//! ```

use super::{rw_values, ExecutionGadget, SameContext, WordIsZero};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// ISZERO.
#[derive(Clone, Debug)]
pub struct IsZeroGadget<F: PrimeField> {
    /// `a = 0`.
    pub a_is_zero: WordIsZero<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for IsZeroGadget<F> {
    const NAME: &'static str = "ISZERO";
    const STATE: ExecutionState = ExecutionState::IsZero;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let a = cb.stack_pop();
        let pushed = cb.stack_push();
        let a_is_zero = WordIsZero::configure(cb, "a", a);
        cb.require_equal("pushed.lo = z", pushed.lo, a_is_zero.expr());
        cb.require_zero("pushed.hi = 0", pushed.hi);
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self {
            a_is_zero,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let a = rw_values::<F>(witness, step)
            .first()
            .copied()
            .ok_or(Error::Synthesis)?;
        self.a_is_zero.assign(region, a)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// PUSH0 ISZERO (→ 1), PUSH17 2^128 ISZERO (→ 0: only the high limb is set), STOP.
    fn circuit() -> EvmCircuit {
        let mut code = vec![0x5f, 0x15, 0x70, 0x01];
        code.extend([0; 16]);
        code.extend([0x15, 0x00]);
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::IsZero, 0);
        slice(&w, first..first + 3)
    }

    #[test]
    fn iszero_of_zero_and_high_word_pass() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn iszero_result_is_bound() {
        let o = Override::Rw {
            step: 0,
            access: 1,
            field: "value_lo",
            value: Fr::zero(),
        };
        assert_rejected(verify(&circuit(), vec![o]), "ISZERO: pushed.lo = z");
    }

    #[test]
    fn iszero_operand_is_bound() {
        // ISZERO(0) with its operand changed to 5 still pushing 1.
        let o = Override::Rw {
            step: 0,
            access: 0,
            field: "value_lo",
            value: Fr::from(5),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ISZERO: a is zero: a.lo · is_zero = 0",
        );
    }

    #[test]
    fn iszero_high_limb_counts() {
        // ISZERO(2^128) claiming zero: is_zero = 1 and pushes 1.
        let g = config().gadgets.is_zero;
        let overrides = vec![
            Override::Cell {
                step: 2,
                column: g.a_is_zero.is_zero.column,
                rotation: g.a_is_zero.is_zero.rotation,
                value: Fr::one(),
            },
            Override::Cell {
                step: 2,
                column: g.a_is_zero.inv_hi.column,
                rotation: g.a_is_zero.inv_hi.rotation,
                value: Fr::zero(),
            },
            Override::Rw {
                step: 2,
                access: 1,
                field: "value_lo",
                value: Fr::one(),
            },
        ];
        assert_rejected(
            verify(&circuit(), overrides),
            "ISZERO: a is zero: a.hi · is_zero = 0",
        );
    }
}
