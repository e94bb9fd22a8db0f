//! NOT: pushes the bitwise complement of the top item, `2^256 - 1 - a`.
//!
//! ```text
//! a = pop (rw 0), result = push (rw 1)
//! "NOT: result.lo = Σ_{j<16} byte_j·256^j", "NOT: result.hi = Σ_{j≥16} byte_j·256^(j-16)"
//! "NOT: result.lo + a.lo = 2^128 - 1", "NOT: result.hi + a.hi = 2^128 - 1"
//! transition (SameContext): pc + 1, stack pointer unchanged, gas - 3
//! ```
//! The 32 byte cells put the result's limbs in `[0, 2^128)`; then each limb equation makes
//! `a`'s limb `2^128 - 1 - result` limb, also in `[0, 2^128)`, so the field equations are the
//! integer ones and limb-wise complement is the 256-bit complement (no borrow between limbs).

use super::{ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::util::{expr_from_le_bytes, pow2};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// NOT.
#[derive(Clone, Debug)]
pub struct NotGadget<F: PrimeField> {
    /// The result's 32 bytes, little-endian.
    pub result_bytes: [Cell<F>; 32],
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for NotGadget<F> {
    const NAME: &'static str = "NOT";
    const STATE: ExecutionState = ExecutionState::Not;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let a = cb.stack_pop();
        let result = cb.stack_push();
        let result_bytes = cb.query_bytes::<32>();
        let bytes: Vec<_> = result_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "result.lo = Σ_{j<16} byte_j·256^j",
            result.lo.clone(),
            expr_from_le_bytes(&bytes[..16]),
        );
        cb.require_equal(
            "result.hi = Σ_{j≥16} byte_j·256^(j-16)",
            result.hi.clone(),
            expr_from_le_bytes(&bytes[16..]),
        );
        let max = Expression::Constant(pow2::<F>(128) - F::ONE);
        cb.require_equal(
            "result.lo + a.lo = 2^128 - 1",
            result.lo + a.lo,
            max.clone(),
        );
        cb.require_equal("result.hi + a.hi = 2^128 - 1", result.hi + a.hi, max);
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self {
            result_bytes,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let result = witness
            .step_rws(step)
            .get(1)
            .map(|rw| rw.value)
            .ok_or(Error::Synthesis)?;
        for (cell, byte) in self.result_bytes.iter().zip(result.to_le_bytes::<32>()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2_proofs::halo2curves::ff::Field;
    use halo2curves::bn256::Fr;

    /// PUSH1 0x0f NOT, PUSH0 NOT, STOP.
    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 0x0f, 0x19, 0x5f, 0x19, 0x00]);
        let first = nth_step(&w, ExecutionState::Not, 0);
        slice(&w, first..first + 3)
    }

    #[test]
    fn not_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn not_result_is_the_complement() {
        // Result bytes and value both claim lo = 0x0f (a's own low limb).
        let g = config().gadgets.not;
        let mut overrides: Vec<_> = g.result_bytes[..16]
            .iter()
            .enumerate()
            .map(|(j, cell)| Override::Cell {
                step: 0,
                column: cell.column,
                rotation: cell.rotation,
                value: Fr::from(if j == 0 { 0x0f } else { 0 }),
            })
            .collect();
        overrides.push(Override::Rw {
            step: 0,
            access: 1,
            field: "value_lo",
            value: Fr::from(0x0f),
        });
        assert_rejected(
            verify(&circuit(), overrides),
            "NOT: result.lo + a.lo = 2^128 - 1",
        );
    }

    #[test]
    fn not_limbs_are_range_checked() {
        // a.lo = 2^128 + 0x0f with result.lo = -0x10 meets the complement equation in the
        // field, but the result's bytes can not hold it.
        let two128 = Fr::from(2).pow_vartime([128u64]);
        let overrides = vec![
            Override::Rw {
                step: 0,
                access: 0,
                field: "value_lo",
                value: two128 + Fr::from(0x0f),
            },
            Override::Rw {
                step: 0,
                access: 1,
                field: "value_lo",
                value: -Fr::from(0x10),
            },
        ];
        assert_rejected(
            verify(&circuit(), overrides),
            "NOT: result.lo = Σ_{j<16} byte_j·256^j",
        );
    }

    #[test]
    fn not_keeps_the_stack_pointer() {
        let c = circuit();
        let sp = c.witness.steps[c.steps.start].stack_pointer;
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(sp - 1),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "NOT: next.stack_pointer = stack_pointer + delta",
        );
    }
}
