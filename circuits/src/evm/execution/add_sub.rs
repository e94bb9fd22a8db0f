//! ADD and SUB: `c = a + b mod 2^256` and `c = a - b mod 2^256` for the two top items.
//!
//! Both are one [`WordAddConfig`] (`lhs + rhs = sum mod 2^256`, carries on the step's first
//! row): ADD is `a + b = c`, SUB is `c + b = a`. With `is_sub = (opcode - 1) / 2` (the
//! fixed table allows only 0x01 and 0x03 in this state):
//!
//! ```text
//! a = pop (rw 0), b = pop (rw 1), c = push (rw 2)
//! lhs = a + is_sub·(c - a), rhs = b, sum = c + is_sub·(a - c)    WORD_ADD gate
//! "ADD_SUB: result.lo = Σ_{j<16} byte_j·256^j", "... result.hi ..."   c's limbs < 2^128
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 3
//! ```
//! WordAdd needs all three words' limbs below `2^128`: `a` and `b` come from the rw table
//! (the state circuit's claim), `c` is range-checked here by 32 byte cells.

use super::{ExecutionGadget, SameContext};
use crate::{
    evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder},
    table::u256_word,
};
use equivm_gadgets::{util::expr_from_le_bytes, Word, WordAddConfig};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    circuit::Value,
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// ADD and SUB.
#[derive(Clone, Debug)]
pub struct AddSubGadget<F: PrimeField> {
    /// The addition `lhs + rhs = sum`; its carries sit on the step's first row.
    pub add: WordAddConfig<F>,
    /// The result's 32 bytes, little-endian.
    pub result_bytes: [Cell<F>; 32],
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for AddSubGadget<F> {
    const NAME: &'static str = "ADD_SUB";
    const STATE: ExecutionState = ExecutionState::AddSub;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let carry_lo = cb.query_cell_first_row();
        let carry_hi = cb.query_cell_first_row();
        let inv2 = F::from(2).invert().unwrap_or(F::ZERO);
        let is_sub = (cb.opcode() - Expression::Constant(F::ONE)) * inv2;
        let a = cb.stack_pop();
        let b = cb.stack_pop();
        let c = cb.stack_push();
        let pick = |x: &Expression<F>, y: &Expression<F>| {
            x.clone() + is_sub.clone() * (y.clone() - x.clone())
        };
        let lhs = Word::new(pick(&a.lo, &c.lo), pick(&a.hi, &c.hi));
        let sum = Word::new(pick(&c.lo, &a.lo), pick(&c.hi, &a.hi));
        let enable = cb.gate_enable();
        let add = WordAddConfig::configure(
            cb.meta,
            |_| enable,
            |_| lhs,
            |_| b,
            |_| sum,
            carry_lo.column,
            carry_hi.column,
        );
        let result_bytes = cb.query_bytes::<32>();
        let bytes: Vec<_> = result_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "result.lo = Σ_{j<16} byte_j·256^j",
            c.lo,
            expr_from_le_bytes(&bytes[..16]),
        );
        cb.require_equal(
            "result.hi = Σ_{j≥16} byte_j·256^(j-16)",
            c.hi,
            expr_from_le_bytes(&bytes[16..]),
        );
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self {
            add,
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
        let rws = witness.step_rws(step);
        let [a, b, c] = [0, 1, 2].map(|i| rws.get(i).map(|rw| rw.value));
        let (a, b, c) = (
            a.ok_or(Error::Synthesis)?,
            b.ok_or(Error::Synthesis)?,
            c.ok_or(Error::Synthesis)?,
        );
        let lhs = if step.opcode == Some(0x03) { c } else { a };
        let offset = region.offset();
        self.add.assign(
            region.region(),
            offset,
            Value::known(u256_word(lhs)),
            Value::known(u256_word(b)),
        )?;
        for (cell, byte) in self.result_bytes.iter().zip(c.to_le_bytes::<32>()) {
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

    /// 5 + 7, 9 - 12 (wraps), (2^256 - 1) + (9 - 12) (overflows), STOP.
    fn circuit() -> EvmCircuit {
        let mut code = vec![0x60, 5, 0x60, 7, 0x01, 0x60, 9, 0x03, 0x7f];
        code.extend([0xff; 32]);
        code.extend([0x01, 0x00]);
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::AddSub, 0);
        let last = nth_step(&w, ExecutionState::AddSub, 2);
        slice(&w, first..last + 1)
    }

    #[test]
    fn add_sub_with_wrap_and_overflow_pass() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn add_result_must_be_the_sum() {
        let o = Override::Rw {
            step: 0,
            access: 2,
            field: "value_lo",
            value: Fr::from(13),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "WORD_ADD: lhs.lo + rhs.lo = sum.lo + carry_lo·2^128",
        );
    }

    #[test]
    fn sub_operand_is_bound() {
        // SUB (step 2 of the slice: ADD, PUSH1, SUB) with a different first operand.
        let o = Override::Rw {
            step: 2,
            access: 0,
            field: "value_lo",
            value: Fr::from(10),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "WORD_ADD: lhs.lo + rhs.lo = sum.lo + carry_lo·2^128",
        );
    }

    #[test]
    fn result_limbs_are_range_checked() {
        // A carry flip compensated by 2^128 satisfies WORD_ADD but not the byte check.
        let c = circuit();
        let mut meta = halo2_proofs::plonk::ConstraintSystem::<Fr>::default();
        let config = <EvmCircuit as halo2_proofs::plonk::Circuit<Fr>>::configure(&mut meta);
        let two128 = Fr::from(2).pow_vartime([128u64]);
        let overrides = vec![
            Override::Cell {
                step: 0,
                column: config.gadgets.add_sub.add.carry_lo,
                rotation: 0,
                value: Fr::one(),
            },
            Override::Rw {
                step: 0,
                access: 2,
                field: "value_lo",
                value: Fr::from(12) - two128,
            },
            Override::Rw {
                step: 0,
                access: 2,
                field: "value_hi",
                value: Fr::one(),
            },
        ];
        assert_rejected(
            verify(&c, overrides),
            "ADD_SUB: result.lo = Σ_{j<16} byte_j·256^j",
        );
    }

    #[test]
    fn add_sub_selector_is_bound_to_opcode() {
        let o = Override::ExecutionState {
            step: 0,
            state: ExecutionState::Swap,
        };
        assert_rejected(verify(&circuit(), vec![o]), "EVM responsible opcode");
    }
}
