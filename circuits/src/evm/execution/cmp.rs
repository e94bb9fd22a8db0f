//! LT, GT and EQ: pushes `a < b`, `a > b` or `a = b` (1 or 0) for the two top items.
//!
//! The opcode is `0x10 + is_gt + 4·is_eq` with boolean cells (the fixed table allows only
//! 0x10, 0x11 and 0x14 in this state, so the pair is unique). GT is LT with the operands
//! exchanged: `lhs = is_gt ? b : a`, `rhs = is_gt ? a : b`, and `lhs < rhs` is the borrow of
//! `lhs - rhs = diff mod 2^256`:
//!
//! ```text
//! a = pop (rw 0), b = pop (rw 1), result = push (rw 2)
//! "CMP: opcode = 0x10 + is_gt + 4·is_eq", is_gt and is_eq boolean
//! "CMP: diff.lo = Σ_{j<16} byte_j·256^j", "CMP: diff.hi = Σ_{j≥16} byte_j·256^(j-16)"
//! "CMP: lhs.lo + borrow_lo·2^128 = rhs.lo + diff.lo"
//! "CMP: lhs.hi + borrow_hi·2^128 = rhs.hi + diff.hi + borrow_lo"   borrows boolean
//! WordIsZero(a - b) limb-wise: eq = [a.lo = b.lo and a.hi = b.hi]   (see word_is_zero.rs)
//! "CMP: result.lo = is_eq·eq + (1 - is_eq)·borrow_hi", "CMP: result.hi = 0"
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 3
//! ```
//! Soundness of the borrow: `a` and `b` limbs are below `2^128` (rw table), `diff`'s by its
//! bytes, borrows are boolean; every side is below `2^130`, so the equations hold over the
//! integers, and for `diff.lo`, `diff.hi ∈ [0, 2^128)` the borrows are forced:
//! `borrow_hi = [lhs < rhs]`. The limb differences `a.lo - b.lo`, `a.hi - b.hi` are zero in
//! the field iff the limbs are equal (both below `2^128`).

use super::{rw_values, ExecutionGadget, SameContext, WordIsZero};
use crate::{
    evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder},
    table::u256_word,
};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// LT, GT, EQ.
#[derive(Clone, Debug)]
pub struct CmpGadget<F: PrimeField> {
    /// 1 for GT.
    pub is_gt: Cell<F>,
    /// 1 for EQ.
    pub is_eq: Cell<F>,
    /// Borrow out of the low limbs of `lhs - rhs`.
    pub borrow_lo: Cell<F>,
    /// Borrow out of the high limbs: `lhs < rhs`.
    pub borrow_hi: Cell<F>,
    /// `lhs - rhs mod 2^256`, 32 bytes little-endian.
    pub diff_bytes: [Cell<F>; 32],
    /// `a = b`.
    pub eq: WordIsZero<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for CmpGadget<F> {
    const NAME: &'static str = "CMP";
    const STATE: ExecutionState = ExecutionState::Cmp;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let is_gt = cb.query_bool("is_gt is boolean");
        let is_eq = cb.query_bool("is_eq is boolean");
        cb.require_equal(
            "opcode = 0x10 + is_gt + 4·is_eq",
            cb.opcode(),
            c(0x10) + is_gt.expr() + c(4) * is_eq.expr(),
        );
        let a = cb.stack_pop();
        let b = cb.stack_pop();
        let result = cb.stack_push();

        let pick = |x: &Expression<F>, y: &Expression<F>| {
            x.clone() + is_gt.expr() * (y.clone() - x.clone())
        };
        let lhs = Word::new(pick(&a.lo, &b.lo), pick(&a.hi, &b.hi));
        let rhs = Word::new(pick(&b.lo, &a.lo), pick(&b.hi, &a.hi));
        let diff_bytes = cb.query_bytes::<32>();
        let bytes: Vec<_> = diff_bytes.iter().map(Cell::expr).collect();
        let diff = Word::new(
            expr_from_le_bytes(&bytes[..16]),
            expr_from_le_bytes(&bytes[16..]),
        );
        let borrow_lo = cb.query_bool("borrow_lo is boolean");
        let borrow_hi = cb.query_bool("borrow_hi is boolean");
        let limb = Expression::Constant(pow2::<F>(128));
        cb.require_equal(
            "lhs.lo + borrow_lo·2^128 = rhs.lo + diff.lo",
            lhs.lo + borrow_lo.expr() * limb.clone(),
            rhs.lo + diff.lo,
        );
        cb.require_equal(
            "lhs.hi + borrow_hi·2^128 = rhs.hi + diff.hi + borrow_lo",
            lhs.hi + borrow_hi.expr() * limb,
            rhs.hi + diff.hi + borrow_lo.expr(),
        );

        let eq = WordIsZero::configure(cb, "a-b", Word::new(a.lo - b.lo, a.hi - b.hi));
        cb.require_equal(
            "result.lo = is_eq·eq + (1 - is_eq)·borrow_hi",
            result.lo,
            is_eq.expr() * eq.expr() + (c(1) - is_eq.expr()) * borrow_hi.expr(),
        );
        cb.require_zero("result.hi = 0", result.hi);
        let same_context = SameContext::configure(cb, c(1));
        Self {
            is_gt,
            is_eq,
            borrow_lo,
            borrow_hi,
            diff_bytes,
            eq,
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
        let [a, b] = [0, 1].map(|i| rws.get(i).map(|rw| rw.value));
        let (a, b) = (a.ok_or(Error::Synthesis)?, b.ok_or(Error::Synthesis)?);
        let opcode = step.opcode.ok_or(Error::Synthesis)?;
        let (is_gt, is_eq) = (opcode == 0x11, opcode == 0x14);
        let (lhs, rhs) = if is_gt { (b, a) } else { (a, b) };
        let diff = lhs.wrapping_sub(rhs);
        let borrow_lo = u256_word(lhs).lo < u256_word(rhs).lo;
        let bit = |x: bool| F::from(u64::from(x));
        self.is_gt.assign(region, bit(is_gt))?;
        self.is_eq.assign(region, bit(is_eq))?;
        self.borrow_lo.assign(region, bit(borrow_lo))?;
        self.borrow_hi.assign(region, bit(lhs < rhs))?;
        for (cell, byte) in self.diff_bytes.iter().zip(diff.to_le_bytes::<32>()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        let values = rw_values::<F>(witness, step);
        let (fa, fb) = (
            values.first().ok_or(Error::Synthesis)?,
            values.get(1).ok_or(Error::Synthesis)?,
        );
        self.eq
            .assign(region, Word::new(fa.lo - fb.lo, fa.hi - fb.hi))?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// 5 < 7 (1), 5 > 2^128 (0), 5 = 5 (1), 6 = 5 (0), STOP. Steps of the slice:
    /// 0 LT, 1 PUSH17, 2 PUSH1, 3 GT, 4 PUSH1, 5 PUSH1, 6 EQ, 7 PUSH1, 8 PUSH1, 9 EQ.
    fn circuit() -> EvmCircuit {
        let mut code = vec![0x60, 7, 0x60, 5, 0x10, 0x70, 0x01];
        code.extend([0; 16]);
        code.extend([
            0x60, 5, 0x11, 0x60, 5, 0x60, 5, 0x14, 0x60, 5, 0x60, 6, 0x14, 0x00,
        ]);
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::Cmp, 0);
        let last = nth_step(&w, ExecutionState::Cmp, 3);
        slice(&w, first..last + 1)
    }

    #[test]
    fn lt_gt_eq_pass() {
        let c = circuit();
        let results: Vec<_> = [0, 3, 6, 9]
            .iter()
            .map(|i| c.witness.step_rws(&c.witness.steps[c.steps.start + i])[2].value)
            .collect();
        assert_eq!(
            results,
            [1, 0, 1, 0].map(equivm_trace::revm::primitives::U256::from)
        );
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn lt_result_is_bound() {
        let o = Override::Rw {
            step: 0,
            access: 2,
            field: "value_lo",
            value: Fr::zero(),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "CMP: result.lo = is_eq·eq + (1 - is_eq)·borrow_hi",
        );
    }

    #[test]
    fn gt_compares_high_limbs() {
        // GT's b = 2^128 replaced by 0 (hi limb): the borrow equations no longer hold.
        let o = Override::Rw {
            step: 3,
            access: 1,
            field: "value_hi",
            value: Fr::zero(),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "CMP: lhs.hi + borrow_hi·2^128 = rhs.hi + diff.hi + borrow_lo",
        );
    }

    #[test]
    fn eq_of_different_words_is_zero() {
        // EQ(6, 5) claiming equality.
        let g = config().gadgets.cmp;
        let cell = |cell: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 9,
            column: cell.column,
            rotation: cell.rotation,
            value,
        };
        let overrides = vec![
            cell(&g.eq.is_zero, Fr::one()),
            cell(&g.eq.inv_lo, Fr::zero()),
            Override::Rw {
                step: 9,
                access: 2,
                field: "value_lo",
                value: Fr::one(),
            },
        ];
        assert_rejected(
            verify(&circuit(), overrides),
            "CMP: a-b is zero: a-b.lo · is_zero = 0",
        );
    }

    #[test]
    fn lt_cannot_claim_to_be_gt() {
        let g = config().gadgets.cmp;
        let o = Override::Cell {
            step: 0,
            column: g.is_gt.column,
            rotation: g.is_gt.rotation,
            value: Fr::one(),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "CMP: opcode = 0x10 + is_gt + 4·is_eq",
        );
    }

    #[test]
    fn cmp_selector_is_bound_to_opcode() {
        let o = Override::ExecutionState {
            step: 0,
            state: ExecutionState::AddSub,
        };
        assert_rejected(verify(&circuit(), vec![o]), "EVM responsible opcode");
    }
}
