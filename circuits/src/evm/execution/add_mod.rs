//! ADDMOD: pushes `(a + b) mod n` for the three top items (`a` on top), computed without
//! wrapping at `2^256`; 0 when `n = 0`.
//!
//! The 257-bit sum `a + b = s + k·2^256` is divided by `n` with one [`MulAddWords`]:
//! `q·n + r = s + k·2^256` and `r < n`. For `n ≥ 2` the quotient is below `2^256`; for
//! `n ≤ 1` the result is 0 and the division is switched off (`big = 0`).
//!
//! ```text
//! a = pop (rw 0), b = pop (rw 1), n = pop (rw 2), result = push (rw 3)
//! "ADDMOD: a.lo + b.lo = s.lo + k_lo·2^128", "a.hi + b.hi + k_lo = s.hi + k·2^128"
//!                                                    s: 32 byte cells, k_lo, k boolean
//! "m = n.lo·(n.lo - 1)"; WordIsZero(m, n.hi) = small          (n ∈ {0, 1})
//! big = 1 - small
//! MulAddWords(x = q, y = n, c = r, d = big·s, e = (big·k, 0))  q, r: 32 byte cells each
//! "y = n" (lo, hi); "small·q = 0" (lo, hi)
//! WordLessThan(r, n) = lt; "big·(1 - lt) = 0"
//! "result = r" (lo, hi)
//! transition (SameContext): pc + 1, stack pointer + 2, gas - 8
//! ```
//! Soundness. `s`, `q`, `r` and `y` are byte cells, `a`, `b`, `n` rw values (limbs below
//! `2^128`), so the addition holds over the integers and `s + k·2^256 = a + b`. `m` is zero
//! in the field iff `n.lo ∈ {0, 1}` (a product of field elements), so `small = [n ≤ 1]`.
//! For `n ≥ 2`: `q·n + r = a + b` with `r < n` is Euclidean division, whose quotient
//! `⌊(a + b) / n⌋ < 2^257 / 2` fits `q`'s bytes, so exactly one assignment exists. For
//! `n ≤ 1`: `q = 0`, hence `r = 0`, the specification's result for both.

use super::{
    mul_add::{assign_word_bytes, word_of_bytes},
    ExecutionGadget, MulAddWords, SameContext, WordIsZero, WordLessThan,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::{util::pow2, Word};
use equivm_trace::revm::primitives::{alloy_primitives::U512, U256};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// ADDMOD.
#[derive(Clone, Debug)]
pub struct AddModGadget<F: PrimeField> {
    /// `a + b mod 2^256`, 32 bytes little-endian.
    pub s_bytes: [Cell<F>; 32],
    /// Carry out of the low limbs of `a + b`.
    pub k_lo: Cell<F>,
    /// Carry out of `a + b`: bit 256 of the sum.
    pub k: Cell<F>,
    /// `n.lo·(n.lo - 1)`.
    pub m: Cell<F>,
    /// `n ≤ 1`.
    pub small: WordIsZero<F>,
    /// `q·n + r = s + k·2^256` (`q`: its `a`, `n`: its `b`).
    pub div: MulAddWords<F>,
    /// The remainder, 32 bytes little-endian.
    pub r_bytes: [Cell<F>; 32],
    /// `r < n`.
    pub lt: WordLessThan<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for AddModGadget<F> {
    const NAME: &'static str = "ADDMOD";
    const STATE: ExecutionState = ExecutionState::AddMod;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let a = cb.stack_pop();
        let b = cb.stack_pop();
        let n = cb.stack_pop();
        let result = cb.stack_push();

        let s_bytes = cb.query_bytes::<32>();
        let s = word_of_bytes(&s_bytes);
        let k_lo = cb.query_bool("k_lo is boolean");
        let k = cb.query_bool("k is boolean");
        let p128 = Expression::Constant(pow2::<F>(128));
        cb.require_equal(
            "a.lo + b.lo = s.lo + k_lo·2^128",
            a.lo + b.lo,
            s.lo.clone() + k_lo.expr() * p128.clone(),
        );
        cb.require_equal(
            "a.hi + b.hi + k_lo = s.hi + k·2^128",
            a.hi + b.hi + k_lo.expr(),
            s.hi.clone() + k.expr() * p128,
        );

        let m = cb.query_cell();
        cb.require_equal(
            "m = n.lo·(n.lo - 1)",
            m.expr(),
            n.lo.clone() * (n.lo.clone() - c(1)),
        );
        let small = WordIsZero::configure(cb, "n ≤ 1", Word::new(m.expr(), n.hi.clone()));
        let big = c(1) - small.expr();

        let r_bytes = cb.query_bytes::<32>();
        let r = word_of_bytes(&r_bytes);
        let div = MulAddWords::configure(
            cb,
            "q·n + r = s + k·2^256",
            r.clone(),
            Word::new(big.clone() * s.lo, big.clone() * s.hi),
            Word::new(big.clone() * k.expr(), c(0)),
        );
        let (q, y) = (div.a(), div.b());
        cb.require_equal("y.lo = n.lo", y.lo, n.lo.clone());
        cb.require_equal("y.hi = n.hi", y.hi, n.hi.clone());
        cb.require_zero("small·q.lo = 0", small.expr() * q.lo);
        cb.require_zero("small·q.hi = 0", small.expr() * q.hi);
        let lt = WordLessThan::configure(cb, "r < n", r.clone(), n);
        cb.require_zero(
            "big·(1 - lt) = 0 (remainder below n)",
            big * (c(1) - lt.expr()),
        );
        cb.require_equal("result.lo = r.lo", result.lo, r.lo);
        cb.require_equal("result.hi = r.hi", result.hi, r.hi);
        let same_context = SameContext::configure(cb, c(1));
        Self {
            s_bytes,
            k_lo,
            k,
            m,
            small,
            div,
            r_bytes,
            lt,
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
        let (s, k) = a.overflowing_add(b);
        assign_word_bytes(&self.s_bytes, region, s)?;
        let low = |x: U256| x & U256::from(u128::MAX);
        let k_lo = low(a) + low(b) > U256::from(u128::MAX);
        self.k_lo.assign(region, F::from(u64::from(k_lo)))?;
        self.k.assign(region, F::from(u64::from(k)))?;
        let nw = word_of::<F>(n);
        let m = nw.lo * (nw.lo - F::ONE);
        self.m.assign(region, m)?;
        let small = self.small.assign(region, Word::new(m, nw.hi))?;
        let (q, r) = if small {
            (U256::ZERO, U256::ZERO)
        } else {
            let sum = U512::from(a) + U512::from(b);
            let n512 = U512::from(n);
            let narrow = |x: U512| U256::from_limbs_slice(&x.as_limbs()[..4]);
            (narrow(sum / n512), narrow(sum % n512))
        };
        self.div.assign(region, q, n, r)?;
        assign_word_bytes(&self.r_bytes, region, r)?;
        self.lt.assign(region, r, n)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
