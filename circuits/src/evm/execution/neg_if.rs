//! NegIf: `y = s ? (2^256 - x) mod 2^256 : x` for 256-bit words, a boolean `s` — the
//! two's-complement negation (or absolute value) of SDIV and SMOD.
//!
//! ```text
//! "{what}: (1 - s)·(y.lo - x.lo) = 0", "{what}: (1 - s)·(y.hi - x.hi) = 0"
//! "{what}: s·(x.lo + y.lo - carry_lo·2^128) = 0"
//! "{what}: s·(x.hi + y.hi + carry_lo - carry_hi·2^128) = 0"
//! carry_lo, carry_hi boolean
//! ```
//!
//! Soundness. The caller guarantees that `s` is boolean and that the limbs of `x` and `y` are
//! below `2^128` (rw values, byte cells, or cells equal to such limbs). With `s = 0` the
//! first two constraints give `y = x`. With `s = 1` both sides of the last two stay below
//! `2^130 < p`, so they hold over the integers; summed with weights `1, 2^128` they say
//! `x + y = carry_hi·2^256`. If `x = 0`, then `y = carry_hi·2^256` with `y < 2^256`, so
//! `y = 0` (the negation of 0); if `x ≠ 0`, then `x + y > 0` forces `carry_hi = 1` and
//! `y = 2^256 - x`. Each constraint is degree 2 when `s` is a cell and `x`, `y` are linear
//! in cells. Cost: 2 plain cells.

use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::{util::pow2, Word};
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// `y = s ? -x mod 2^256 : x` for words `x`, `y` and a boolean `s` (see the module docs).
#[derive(Clone, Debug)]
pub struct NegIf<F: PrimeField> {
    /// Carry out of `x.lo + y.lo` when negating.
    pub carry_lo: Cell<F>,
    /// Carry out of `x.hi + y.hi + carry_lo` when negating: 1 iff `s = 1` and `x ≠ 0`.
    pub carry_hi: Cell<F>,
}

impl<F: PrimeField> NegIf<F> {
    /// Allocates the carries and states `y = s ? -x mod 2^256 : x` (constraints named after
    /// `what`). `s` must be boolean and the limbs of `x` and `y` below `2^128`.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        s: Expression<F>,
        x: Word<Expression<F>>,
        y: Word<Expression<F>>,
    ) -> Self {
        let one = Expression::Constant(F::ONE);
        let p128 = Expression::Constant(pow2::<F>(128));
        let carry_lo = cb.query_bool(&format!("{what}: carry_lo is boolean"));
        let carry_hi = cb.query_bool(&format!("{what}: carry_hi is boolean"));
        let keep = one - s.clone();
        cb.require_zero(
            &format!("{what}: (1 - s)·(y.lo - x.lo) = 0"),
            keep.clone() * (y.lo.clone() - x.lo.clone()),
        );
        cb.require_zero(
            &format!("{what}: (1 - s)·(y.hi - x.hi) = 0"),
            keep * (y.hi.clone() - x.hi.clone()),
        );
        cb.require_zero(
            &format!("{what}: s·(x.lo + y.lo - carry_lo·2^128) = 0"),
            s.clone() * (x.lo + y.lo - carry_lo.expr() * p128.clone()),
        );
        cb.require_zero(
            &format!("{what}: s·(x.hi + y.hi + carry_lo - carry_hi·2^128) = 0"),
            s * (x.hi + y.hi + carry_lo.expr() - carry_hi.expr() * p128),
        );
        Self { carry_lo, carry_hi }
    }

    /// Assigns the carries for `s` and `x`; returns `y` (the caller assigns its cells).
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        s: bool,
        x: U256,
    ) -> Result<U256, Error> {
        let low = x & U256::from(u128::MAX);
        let carry_lo = s && !low.is_zero();
        let carry_hi = s && !x.is_zero();
        self.carry_lo.assign(region, F::from(u64::from(carry_lo)))?;
        self.carry_hi.assign(region, F::from(u64::from(carry_hi)))?;
        Ok(if s { x.wrapping_neg() } else { x })
    }
}
