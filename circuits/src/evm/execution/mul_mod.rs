//! MULMOD: pushes `(a·b) mod n` for the three top items (`a` on top), computed on the full
//! 512-bit product; 0 when `n = 0`.
//!
//! Three [`MulAddWords`] over shared byte cells: `a` is first reduced mod `n` so that the
//! final quotient fits 256 bits (a quotient of the unreduced product by a small `n` would
//! not):
//!
//! ```text
//! a = pop (rw 0), b = pop (rw 1), n = pop (rw 2), result = push (rw 3)
//! WordIsZero(n) = n_zero; nz = 1 - n_zero
//! byte words (32 bytes each): k, n', a_red, b', p_lo, p_hi, q, r
//! "n' = n", "b' = b" (lo, hi)
//! MulAddWords(k · n' + a_red = nz·a)            reduce:  a = k·n + a_red
//! WordLessThan(a_red, n) = lt_a; "nz·(1 - lt_a) = 0"
//! MulAddWords(a_red · b' + 0 = p_lo + p_hi·2^256)   product
//! MulAddWords(q · n' + r = p_lo + p_hi·2^256)       divide
//! WordLessThan(r, n) = lt_r; "nz·(1 - lt_r) = 0"
//! "n_zero·k = 0", "n_zero·q = 0" (lo, hi)
//! "result = r" (lo, hi)
//! transition (SameContext): pc + 1, stack pointer + 2, gas - 8
//! ```
//! Soundness. Every word named above is byte cells; `a`, `b`, `n` are rw values. For
//! `n ≠ 0`: the first division gives `a_red = a mod n`; the product is exact (512 bits);
//! `a_red < n` makes `a_red·b < n·2^256`, so `⌊a_red·b / n⌋` fits `q` and the last division
//! has exactly one solution, `r = (a_red·b) mod n = (a·b) mod n`. For `n = 0`: the first
//! equation gives `a_red = 0` (`k·0 = 0`), so the product is 0, and `q·0 + r = 0` gives
//! `r = 0`; `k` and `q` are pinned to 0.
//!
//! This is the gadget whose predecessor in other zkEVMs could prove `x mod 0 ≠ 0`; the
//! tests forge exactly that.

use super::{
    mul_add::{assign_word_bytes, word_of_bytes},
    ExecutionGadget, MulAddWords, SameContext, WordIsZero, WordLessThan,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{alloy_primitives::U512, U256};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// MULMOD.
#[derive(Clone, Debug)]
pub struct MulModGadget<F: PrimeField> {
    /// `n = 0`.
    pub n_zero: WordIsZero<F>,
    /// `k·n + a_red = nz·a` (`k`: its `a`, `n`: its `b`).
    pub reduce: MulAddWords<F>,
    /// `a mod n`, 32 bytes little-endian.
    pub a_red_bytes: [Cell<F>; 32],
    /// `b`, 32 bytes little-endian.
    pub b_bytes: [Cell<F>; 32],
    /// `a_red < n`.
    pub lt_a: WordLessThan<F>,
    /// `a_red·b = p_lo + p_hi·2^256`.
    pub product: MulAddWords<F>,
    /// The product's low half, 32 bytes.
    pub p_lo_bytes: [Cell<F>; 32],
    /// The product's high half, 32 bytes.
    pub p_hi_bytes: [Cell<F>; 32],
    /// `q·n + r = p_lo + p_hi·2^256` (`q`: its `a`).
    pub divide: MulAddWords<F>,
    /// The remainder, 32 bytes little-endian.
    pub r_bytes: [Cell<F>; 32],
    /// `r < n`.
    pub lt_r: WordLessThan<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for MulModGadget<F> {
    const NAME: &'static str = "MULMOD";
    const STATE: ExecutionState = ExecutionState::MulMod;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let a = cb.stack_pop();
        let b = cb.stack_pop();
        let n = cb.stack_pop();
        let result = cb.stack_push();

        let n_zero = WordIsZero::configure(cb, "n", n.clone());
        let nz = c(1) - n_zero.expr();
        let k_bytes = cb.query_bytes::<32>();
        let n_bytes = cb.query_bytes::<32>();
        let a_red_bytes = cb.query_bytes::<32>();
        let b_bytes = cb.query_bytes::<32>();
        let p_lo_bytes = cb.query_bytes::<32>();
        let p_hi_bytes = cb.query_bytes::<32>();
        let q_bytes = cb.query_bytes::<32>();
        let r_bytes = cb.query_bytes::<32>();
        let (n_word, b_word) = (word_of_bytes(&n_bytes), word_of_bytes(&b_bytes));
        cb.require_equal("n'.lo = n.lo", n_word.lo, n.lo.clone());
        cb.require_equal("n'.hi = n.hi", n_word.hi, n.hi.clone());
        cb.require_equal("b'.lo = b.lo", b_word.lo, b.lo);
        cb.require_equal("b'.hi = b.hi", b_word.hi, b.hi);
        let a_red = word_of_bytes(&a_red_bytes);
        let (p_lo, p_hi) = (word_of_bytes(&p_lo_bytes), word_of_bytes(&p_hi_bytes));
        let r = word_of_bytes(&r_bytes);
        let zero = || Word::new(c(0), c(0));

        let reduce = MulAddWords::configure_with_bytes(
            cb,
            "reduce: k·n + a_red = nz·a",
            k_bytes,
            n_bytes.clone(),
            a_red.clone(),
            Word::new(nz.clone() * a.lo, nz.clone() * a.hi),
            zero(),
        );
        let lt_a = WordLessThan::configure(cb, "a_red < n", a_red, n.clone());
        cb.require_zero("nz·(1 - lt_a) = 0", nz.clone() * (c(1) - lt_a.expr()));
        let product = MulAddWords::configure_with_bytes(
            cb,
            "product: a_red·b + 0 = p_lo + p_hi·2^256",
            a_red_bytes.clone(),
            b_bytes.clone(),
            zero(),
            p_lo.clone(),
            p_hi.clone(),
        );
        let divide = MulAddWords::configure_with_bytes(
            cb,
            "divide: q·n + r = p_lo + p_hi·2^256",
            q_bytes,
            n_bytes,
            r.clone(),
            p_lo,
            p_hi,
        );
        let lt_r = WordLessThan::configure(cb, "r < n", r.clone(), n);
        cb.require_zero("nz·(1 - lt_r) = 0", nz * (c(1) - lt_r.expr()));
        let (k, q) = (reduce.a(), divide.a());
        cb.require_zero("n_zero·k.lo = 0", n_zero.expr() * k.lo);
        cb.require_zero("n_zero·k.hi = 0", n_zero.expr() * k.hi);
        cb.require_zero("n_zero·q.lo = 0", n_zero.expr() * q.lo);
        cb.require_zero("n_zero·q.hi = 0", n_zero.expr() * q.hi);
        cb.require_equal("result.lo = r.lo", result.lo, r.lo);
        cb.require_equal("result.hi = r.hi", result.hi, r.hi);
        let same_context = SameContext::configure(cb, c(1));
        Self {
            n_zero,
            reduce,
            a_red_bytes,
            b_bytes,
            lt_a,
            product,
            p_lo_bytes,
            p_hi_bytes,
            divide,
            r_bytes,
            lt_r,
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
        let [a, b, n] = [0, 1, 2].map(|k| rws.get(k).map(|rw| rw.value));
        let (a, b, n) = (
            a.ok_or(Error::Synthesis)?,
            b.ok_or(Error::Synthesis)?,
            n.ok_or(Error::Synthesis)?,
        );
        let n_zero = self.n_zero.assign(region, word_of(n))?;
        let (k, a_red) = if n_zero {
            (U256::ZERO, U256::ZERO)
        } else {
            (a / n, a % n)
        };
        self.reduce.assign(region, k, n, a_red)?;
        assign_word_bytes(&self.a_red_bytes, region, a_red)?;
        assign_word_bytes(&self.b_bytes, region, b)?;
        self.lt_a.assign(region, a_red, n)?;
        let (p_lo, p_hi) = self.product.assign_carries(region, a_red, b, U256::ZERO)?;
        assign_word_bytes(&self.p_lo_bytes, region, p_lo)?;
        assign_word_bytes(&self.p_hi_bytes, region, p_hi)?;
        let (q, r) = if n_zero {
            (U256::ZERO, U256::ZERO)
        } else {
            let p = U512::from(p_lo) + (U512::from(p_hi) << 256);
            let n512 = U512::from(n);
            let narrow = |x: U512| U256::from_limbs_slice(&x.as_limbs()[..4]);
            (narrow(p / n512), narrow(p % n512))
        };
        assign_word_bytes(&self.divide.a_bytes, region, q)?;
        self.divide.assign_carries(region, q, n, r)?;
        assign_word_bytes(&self.r_bytes, region, r)?;
        self.lt_r.assign(region, r, n)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
