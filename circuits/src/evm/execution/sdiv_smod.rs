//! SDIV and SMOD: pushes the two's-complement quotient (rounded toward zero) or remainder
//! (with the dividend's sign) of the two top items (`a`, the dividend, on top); 0 when
//! `b = 0`, and `-2^255 / -1 = -2^255` (the only overflow).
//!
//! Both are unsigned division of the magnitudes: `|a| = |q|·|b| + |r|` with `|r| < |b|`
//! (one [`MulAddWords`] and one [`WordLessThan`], as in `mul_div_mod.rs`), then a sign put
//! back by [`NegIf`]: the quotient's is `a_sign xor b_sign`, the remainder's `a_sign`.
//!
//! ```text
//! a = pop (rw 0), b = pop (rw 1), push = push (rw 2)
//! "SDIV_SMOD: opcode = 5 + 2·is_smod", is_smod boolean
//! SignBit(a.hi) = a_sign, SignBit(b.hi) = b_sign
//! NegIf(a_sign, a, abs_a)                                 |a|: 32 byte cells
//! NegIf(b_sign, b, y)                                     |b|: the mul-add's b bytes
//! WordIsZero(b) = b_zero
//! MulAddWords(x·y + abs_r = (1 - b_zero)·abs_a + 0·2^256)  |q| = x; abs_r: 32 byte cells
//! "b_zero·|q|.lo = 0", "b_zero·|q|.hi = 0"                 division by 0: quotient 0
//! WordLessThan(abs_r, y) = lt; "(1 - b_zero)·(1 - lt) = 0"  |r| < |b|
//! "q_sign = a_sign + b_sign - 2·a_sign·b_sign"            (xor)
//! "v.lo = (1 - is_smod)·|q|.lo + is_smod·abs_r.lo" (and hi)  magnitude of the result
//! "s = (1 - is_smod)·q_sign + is_smod·a_sign"              sign of the result
//! NegIf(s, v, result)                                      result: 32 byte cells
//! "push.lo = result.lo", "push.hi = result.hi"
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 5
//! ```
//!
//! Soundness. `a` and `b` are rw values (limbs below `2^128`); `abs_a`, `x`, `y`, `abs_r`
//! and `result` are byte cells; `v` equals the limbs of `x` or of `abs_r` (`is_smod` is
//! boolean), so every [`NegIf`], [`MulAddWords`] and [`WordLessThan`] gets the ranges it
//! needs, and every `s` given to a [`NegIf`] is boolean (`a_sign`, `b_sign` are; `q_sign`
//! is their xor; `s` picks one of two booleans). [`SignBit`] makes `a_sign` the top bit of
//! `a`, so `abs_a = |A|` for the signed value `A` of `a` (`2^256 - a` for a negative `a`, at
//! most `2^255`), and likewise `y = |B|`; `b_zero = [b = 0] = [|B| = 0]`. With `b ≠ 0` the
//! mul-add (`e = 0`: no overflow) and `abs_r < y` are Euclidean division of `|A|` by `|B|`,
//! which has one solution: `x = ⌊|A| / |B|⌋`, `abs_r = |A| mod |B|`. With `b = 0`, the zero
//! rule gives `x = 0` and then `abs_r = 0`. SDIV's result is `sign(A)·sign(B)·⌊|A| / |B|⌋`
//! (division truncated toward zero) reduced mod `2^256`; SMOD's is `sign(A)·(|A| mod |B|)`;
//! a zero magnitude gives 0 whatever its sign. All stated constraints have degree ≤ 2 (the
//! xor, the products `is_smod·…` and `s·…` inside [`NegIf`] are why `q_sign`, `v` and `s`
//! are cells).
//!
//! The one overflow, by hand: `a = -2^255` (`2^255`), `b = -1` (`2^256 - 1`): `a_sign =
//! b_sign = 1`, `abs_a = 2^256 - 2^255 = 2^255`, `y = 1`, `x = 2^255`, `abs_r = 0`,
//! `q_sign = 0`, so `result = 2^255`, which is `-2^255` ✓ (and SMOD gives 0). A prover
//! claiming `q_sign = 1` would get `-(2^255) mod 2^256 = 2^255` all the same, and any other
//! result breaks a rule (tests below).

use super::{
    mul_add::{assign_word_bytes, word_of_bytes},
    ExecutionGadget, MulAddWords, NegIf, SameContext, SignBit, WordIsZero, WordLessThan,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// SDIV, SMOD.
#[derive(Clone, Debug)]
pub struct SdivSmodGadget<F: PrimeField> {
    /// 1 for SMOD, 0 for SDIV.
    pub is_smod: Cell<F>,
    /// The sign of `a` (the dividend).
    pub a_sign: SignBit<F>,
    /// The sign of `b` (the divisor).
    pub b_sign: SignBit<F>,
    /// `|a|`, 32 bytes little-endian.
    pub abs_a_bytes: [Cell<F>; 32],
    /// `abs_a = a_sign ? -a : a`.
    pub abs_a: NegIf<F>,
    /// `|q|·|b| + |r| = (1 - b_zero)·|a|`: `|q|` in its `a` bytes, `|b|` in its `b` bytes.
    pub mul_add: MulAddWords<F>,
    /// `|b| = b_sign ? -b : b` (the mul-add's `b` bytes).
    pub abs_b: NegIf<F>,
    /// `|r|`, 32 bytes little-endian.
    pub abs_r_bytes: [Cell<F>; 32],
    /// `b = 0`.
    pub b_zero: WordIsZero<F>,
    /// `|r| < |b|`.
    pub lt: WordLessThan<F>,
    /// The quotient's sign: `a_sign xor b_sign`.
    pub q_sign: Cell<F>,
    /// The result's magnitude (lo, hi): `|q|` for SDIV, `|r|` for SMOD.
    pub magnitude: [Cell<F>; 2],
    /// The result's sign: `q_sign` for SDIV, `a_sign` for SMOD.
    pub sign: Cell<F>,
    /// The result, 32 bytes little-endian.
    pub result_bytes: [Cell<F>; 32],
    /// `result = sign ? -magnitude : magnitude`.
    pub result: NegIf<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for SdivSmodGadget<F> {
    const NAME: &'static str = "SDIV_SMOD";
    const STATE: ExecutionState = ExecutionState::SdivSmod;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let is_smod = cb.query_bool("is_smod is boolean");
        cb.require_equal(
            "opcode = 5 + 2·is_smod",
            cb.opcode(),
            c(5) + c(2) * is_smod.expr(),
        );
        let a = cb.stack_pop();
        let b = cb.stack_pop();
        let push = cb.stack_push();

        let a_sign = SignBit::configure(cb, "a", a.hi.clone());
        let b_sign = SignBit::configure(cb, "b", b.hi.clone());

        let abs_a_bytes = cb.query_bytes::<32>();
        let abs_a_word = word_of_bytes(&abs_a_bytes);
        let abs_a = NegIf::configure(
            cb,
            "|a| = a_sign ? -a : a",
            a_sign.sign.expr(),
            a,
            abs_a_word.clone(),
        );

        let abs_r_bytes = cb.query_bytes::<32>();
        let abs_r = word_of_bytes(&abs_r_bytes);
        let b_zero = WordIsZero::configure(cb, "b", b.clone());
        let divides = c(1) - b_zero.expr();
        let mul_add = MulAddWords::configure(
            cb,
            "|q|·|b| + |r| = (1 - b_zero)·|a|",
            abs_r.clone(),
            Word::new(
                divides.clone() * abs_a_word.lo,
                divides.clone() * abs_a_word.hi,
            ),
            Word::new(c(0), c(0)),
        );
        let (abs_q, abs_b_word) = (mul_add.a(), mul_add.b());
        let abs_b = NegIf::configure(
            cb,
            "|b| = b_sign ? -b : b",
            b_sign.sign.expr(),
            b,
            abs_b_word.clone(),
        );
        cb.require_zero(
            "b_zero·|q|.lo = 0 (quotient of a division by 0)",
            b_zero.expr() * abs_q.lo.clone(),
        );
        cb.require_zero(
            "b_zero·|q|.hi = 0 (quotient of a division by 0)",
            b_zero.expr() * abs_q.hi.clone(),
        );
        let lt = WordLessThan::configure(cb, "|r| < |b|", abs_r.clone(), abs_b_word);
        cb.require_zero(
            "(1 - b_zero)·(1 - lt) = 0 (remainder below divisor)",
            divides * (c(1) - lt.expr()),
        );

        let q_sign = cb.query_cell();
        let (sa, sb) = (a_sign.sign.expr(), b_sign.sign.expr());
        cb.require_equal(
            "q_sign = a_sign + b_sign - 2·a_sign·b_sign",
            q_sign.expr(),
            sa.clone() + sb.clone() - c(2) * sa.clone() * sb,
        );
        let magnitude: [Cell<F>; 2] = [cb.query_cell(), cb.query_cell()];
        let is_div = c(1) - is_smod.expr();
        cb.require_equal(
            "v.lo = (1 - is_smod)·|q|.lo + is_smod·|r|.lo",
            magnitude[0].expr(),
            is_div.clone() * abs_q.lo + is_smod.expr() * abs_r.lo,
        );
        cb.require_equal(
            "v.hi = (1 - is_smod)·|q|.hi + is_smod·|r|.hi",
            magnitude[1].expr(),
            is_div.clone() * abs_q.hi + is_smod.expr() * abs_r.hi,
        );
        let sign = cb.query_cell();
        cb.require_equal(
            "s = (1 - is_smod)·q_sign + is_smod·a_sign",
            sign.expr(),
            is_div * q_sign.expr() + is_smod.expr() * sa,
        );
        let result_bytes = cb.query_bytes::<32>();
        let result_word = word_of_bytes(&result_bytes);
        let result = NegIf::configure(
            cb,
            "result = s ? -v : v",
            sign.expr(),
            Word::new(magnitude[0].expr(), magnitude[1].expr()),
            result_word.clone(),
        );
        cb.require_equal("push.lo = result.lo", push.lo, result_word.lo);
        cb.require_equal("push.hi = result.hi", push.hi, result_word.hi);
        let same_context = SameContext::configure(cb, c(1));
        Self {
            is_smod,
            a_sign,
            b_sign,
            abs_a_bytes,
            abs_a,
            mul_add,
            abs_b,
            abs_r_bytes,
            b_zero,
            lt,
            q_sign,
            magnitude,
            sign,
            result_bytes,
            result,
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
        let [a, b] = [0, 1].map(|k| rws.get(k).map(|rw| rw.value));
        let (a, b) = (a.ok_or(Error::Synthesis)?, b.ok_or(Error::Synthesis)?);
        let is_smod = step.opcode.ok_or(Error::Synthesis)? == 0x07;
        let flag = |on: bool| F::from(u64::from(on));
        self.is_smod.assign(region, flag(is_smod))?;
        let (a_neg, b_neg) = (a.bit(255), b.bit(255));
        self.a_sign.assign(region, a)?;
        self.b_sign.assign(region, b)?;
        let abs_a = self.abs_a.assign(region, a_neg, a)?;
        assign_word_bytes(&self.abs_a_bytes, region, abs_a)?;
        let abs_b = self.abs_b.assign(region, b_neg, b)?;
        self.b_zero.assign(region, word_of(b))?;
        let (abs_q, abs_r) = if b.is_zero() {
            (U256::ZERO, U256::ZERO)
        } else {
            (abs_a / abs_b, abs_a % abs_b)
        };
        self.mul_add.assign(region, abs_q, abs_b, abs_r)?;
        assign_word_bytes(&self.abs_r_bytes, region, abs_r)?;
        self.lt.assign(region, abs_r, abs_b)?;
        let q_neg = a_neg != b_neg;
        self.q_sign.assign(region, flag(q_neg))?;
        let (magnitude, negative) = if is_smod {
            (abs_r, a_neg)
        } else {
            (abs_q, q_neg)
        };
        let v = word_of::<F>(magnitude);
        self.magnitude[0].assign(region, v.lo)?;
        self.magnitude[1].assign(region, v.hi)?;
        self.sign.assign(region, flag(negative))?;
        let result = self.result.assign(region, negative, magnitude)?;
        assign_word_bytes(&self.result_bytes, region, result)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
