//! SLT and SGT: pushes `a <s b` or `a >s b` (1 or 0) for the two top items, read as
//! two's-complement 256-bit integers.
//!
//! The opcode is `0x12 + is_sgt` (the fixed table allows only 0x12 and 0x13 in this state).
//! SGT is SLT with the operands exchanged: `lhs = is_sgt ? b : a`, `rhs = is_sgt ? a : b`.
//! The sign of a word is the top bit of the top byte of its high limb:
//!
//! ```text
//! a = pop (rw 0), b = pop (rw 1), result = push (rw 2)
//! "SIGNED_CMP: opcode = 0x12 + is_sgt", is_sgt boolean
//! "SIGNED_CMP: a.hi = Σ_{j<16} a_hi_byte_j·256^j"            (same for b)
//! "SIGNED_CMP: a_sign_rest = a_hi_byte_15 + 128 - 256·a_sign"  a_sign boolean, rest a byte
//! "SIGNED_CMP: diff.lo = Σ_{j<16} byte_j·256^j", "... diff.hi ..."
//! "SIGNED_CMP: lhs.lo + borrow_lo·2^128 = rhs.lo + diff.lo"
//! "SIGNED_CMP: lhs.hi + borrow_hi·2^128 = rhs.hi + diff.hi + borrow_lo"   borrows boolean
//! "SIGNED_CMP: result.lo = borrow_hi + lhs_sign - rhs_sign", "SIGNED_CMP: result.hi = 0"
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 3
//! ```
//! Sign: `top + 128 - 256·sign` is a byte only for `sign = [top ≥ 128]` (with `sign = 0` and
//! `top ≥ 128` it is ≥ 256; with `sign = 1` and `top < 128` it is negative, i.e. near `p`).
//! Unsigned borrow: as in `cmp.rs`, `borrow_hi = [lhs < rhs]` as unsigned integers.
//! Result: with equal signs the two's-complement order is the unsigned one (`borrow_hi`);
//! with `lhs` negative and `rhs` not, `lhs` is unsigned-larger (`borrow_hi = 0`) and the
//! result is `0 + 1 - 0 = 1`; with `lhs` non-negative and `rhs` negative, `borrow_hi = 1` and
//! the result is `1 + 0 - 1 = 0`. So the result is linear in the cells (degree 2 with the
//! operand exchange).

use super::{ExecutionGadget, SameContext};
use crate::{
    evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder},
    table::u256_word,
};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The sign of a word from the bytes of its high limb.
#[derive(Clone, Debug)]
pub struct SignBit<F: PrimeField> {
    /// The high limb's 16 bytes, little-endian.
    pub hi_bytes: [Cell<F>; 16],
    /// 1 iff the word is negative (top bit set).
    pub sign: Cell<F>,
    /// `top byte + 128 - 256·sign`, a byte.
    pub rest: Cell<F>,
}

impl<F: PrimeField> SignBit<F> {
    /// Decomposes the high limb `hi` of word `what` and derives its sign (constraints named
    /// after `what`).
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>, what: &str, hi: Expression<F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let hi_bytes = cb.query_bytes::<16>();
        let sign = cb.query_bool(&format!("{what}_sign is boolean"));
        let rest = cb.query_byte();
        let bytes: Vec<_> = hi_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            &format!("{what}.hi = Σ_{{j<16}} {what}_hi_byte_j·256^j"),
            hi,
            expr_from_le_bytes(&bytes),
        );
        cb.require_equal(
            &format!("{what}_sign_rest = {what}_hi_byte_15 + 128 - 256·{what}_sign"),
            rest.expr(),
            hi_bytes[15].expr() + c(128) - c(256) * sign.expr(),
        );
        Self {
            hi_bytes,
            sign,
            rest,
        }
    }

    /// Assigns the cells for the word `value`.
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, value: U256) -> Result<(), Error> {
        let bytes = value.to_le_bytes::<32>();
        for (cell, byte) in self.hi_bytes.iter().zip(&bytes[16..]) {
            cell.assign(region, F::from(u64::from(*byte)))?;
        }
        let top = u64::from(bytes[31]);
        let sign = top >> 7;
        self.sign.assign(region, F::from(sign))?;
        self.rest.assign(region, F::from(top + 128 - 256 * sign))
    }
}

/// SLT, SGT.
#[derive(Clone, Debug)]
pub struct SignedCmpGadget<F: PrimeField> {
    /// 1 for SGT.
    pub is_sgt: Cell<F>,
    /// Sign of `a`.
    pub a_sign: SignBit<F>,
    /// Sign of `b`.
    pub b_sign: SignBit<F>,
    /// Borrow out of the low limbs of `lhs - rhs`.
    pub borrow_lo: Cell<F>,
    /// Borrow out of the high limbs: `lhs < rhs` unsigned.
    pub borrow_hi: Cell<F>,
    /// `lhs - rhs mod 2^256`, 32 bytes little-endian.
    pub diff_bytes: [Cell<F>; 32],
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for SignedCmpGadget<F> {
    const NAME: &'static str = "SIGNED_CMP";
    const STATE: ExecutionState = ExecutionState::SignedCmp;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let is_sgt = cb.query_bool("is_sgt is boolean");
        cb.require_equal(
            "opcode = 0x12 + is_sgt",
            cb.opcode(),
            c(0x12) + is_sgt.expr(),
        );
        let a = cb.stack_pop();
        let b = cb.stack_pop();
        let result = cb.stack_push();

        let a_sign = SignBit::configure(cb, "a", a.hi.clone());
        let b_sign = SignBit::configure(cb, "b", b.hi.clone());

        let pick = |x: &Expression<F>, y: &Expression<F>| {
            x.clone() + is_sgt.expr() * (y.clone() - x.clone())
        };
        let lhs = Word::new(pick(&a.lo, &b.lo), pick(&a.hi, &b.hi));
        let rhs = Word::new(pick(&b.lo, &a.lo), pick(&b.hi, &a.hi));
        let lhs_sign = pick(&a_sign.sign.expr(), &b_sign.sign.expr());
        let rhs_sign = pick(&b_sign.sign.expr(), &a_sign.sign.expr());

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
        cb.require_equal(
            "result.lo = borrow_hi + lhs_sign - rhs_sign",
            result.lo,
            borrow_hi.expr() + lhs_sign - rhs_sign,
        );
        cb.require_zero("result.hi = 0", result.hi);
        let same_context = SameContext::configure(cb, c(1));
        Self {
            is_sgt,
            a_sign,
            b_sign,
            borrow_lo,
            borrow_hi,
            diff_bytes,
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
        let is_sgt = step.opcode.ok_or(Error::Synthesis)? == 0x13;
        let (lhs, rhs) = if is_sgt { (b, a) } else { (a, b) };
        let diff = lhs.wrapping_sub(rhs);
        let borrow_lo = u256_word(lhs).lo < u256_word(rhs).lo;
        let bit = |x: bool| F::from(u64::from(x));
        self.is_sgt.assign(region, bit(is_sgt))?;
        self.a_sign.assign(region, a)?;
        self.b_sign.assign(region, b)?;
        self.borrow_lo.assign(region, bit(borrow_lo))?;
        self.borrow_hi.assign(region, bit(lhs < rhs))?;
        for (cell, byte) in self.diff_bytes.iter().zip(diff.to_le_bytes::<32>()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_trace::revm::primitives::U256;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// SLT(-1, 5) = 1, SGT(-1, 5) = 0, SLT(5, 7) = 1, SGT(-2, -1) = 0, SLT(2^255, 0) = 1.
    /// `a` is the top of the stack (pushed last). Steps of the slice: 0 SLT, 1-2 PUSH,
    /// 3 SGT, 4-5 PUSH, 6 SLT, 7-8 PUSH, 9 SGT, 10-11 PUSH, 12 SLT.
    fn circuit() -> EvmCircuit {
        let minus = |v: u8| {
            let mut p = vec![0x7f];
            p.extend([0xff; 31]);
            p.push(0x100u16.wrapping_sub(u16::from(v)) as u8);
            p
        };
        let mut code = vec![0x60, 5];
        code.extend(minus(1));
        code.push(0x12); // SLT(-1, 5)
        code.extend([0x60, 5]);
        code.extend(minus(1));
        code.push(0x13); // SGT(-1, 5)
        code.extend([0x60, 7, 0x60, 5, 0x12]); // SLT(5, 7)
        code.extend(minus(1));
        code.extend(minus(2));
        code.push(0x13); // SGT(-2, -1)
        code.extend([0x5f, 0x7f, 0x80]);
        code.extend([0; 31]);
        code.extend([0x12, 0x00]); // SLT(2^255, 0)
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::SignedCmp, 0);
        let last = nth_step(&w, ExecutionState::SignedCmp, 4);
        slice(&w, first..last + 1)
    }

    #[test]
    fn slt_sgt_across_signs_pass() {
        let c = circuit();
        let results: Vec<_> = [0, 3, 6, 9, 12]
            .iter()
            .map(|i| c.witness.step_rws(&c.witness.steps[c.steps.start + i])[2].value)
            .collect();
        assert_eq!(results, [1, 0, 1, 0, 1].map(U256::from));
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn slt_result_is_bound() {
        let o = Override::Rw {
            step: 0,
            access: 2,
            field: "value_lo",
            value: Fr::zero(),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "SIGNED_CMP: result.lo = borrow_hi + lhs_sign - rhs_sign",
        );
    }

    #[test]
    fn sign_bit_cannot_be_flipped() {
        // SLT(-1, 5) claiming a is non-negative (which would push 0).
        let g = config().gadgets.signed_cmp;
        let overrides = vec![
            Override::Cell {
                step: 0,
                column: g.a_sign.sign.column,
                rotation: g.a_sign.sign.rotation,
                value: Fr::zero(),
            },
            Override::Rw {
                step: 0,
                access: 2,
                field: "value_lo",
                value: Fr::zero(),
            },
        ];
        assert_rejected(
            verify(&circuit(), overrides),
            "SIGNED_CMP: a_sign_rest = a_hi_byte_15 + 128 - 256·a_sign",
        );
    }

    #[test]
    fn sgt_operand_is_bound() {
        // SGT(-2, -1): b's high limb changed, the decomposition of b.hi no longer holds.
        let o = Override::Rw {
            step: 9,
            access: 1,
            field: "value_hi",
            value: Fr::from(7),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "SIGNED_CMP: b.hi = Σ_{j<16} b_hi_byte_j·256^j",
        );
    }

    #[test]
    fn slt_cannot_claim_to_be_sgt() {
        let g = config().gadgets.signed_cmp;
        let o = Override::Cell {
            step: 0,
            column: g.is_sgt.column,
            rotation: g.is_sgt.rotation,
            value: Fr::one(),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "SIGNED_CMP: opcode = 0x12 + is_sgt",
        );
    }

    #[test]
    fn signed_cmp_stack_pointer_is_bound() {
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(1020),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "SIGNED_CMP: next.stack_pointer = stack_pointer + delta",
        );
    }
}
