//! WordLessThan: a boolean `lt = [lhs < rhs]` for two 256-bit words, the borrow of
//! `lhs - rhs mod 2^256`.
//!
//! ```text
//! "{what}: diff.lo = Σ_{j<16} diff_byte_j·256^j", "... diff.hi ..."   (32 byte cells)
//! "{what}: lhs.lo + borrow_lo·2^128 = rhs.lo + diff.lo"
//! "{what}: lhs.hi + borrow_hi·2^128 = rhs.hi + diff.hi + borrow_lo"
//! borrow_lo, borrow_hi boolean; lt = borrow_hi
//! ```
//! Soundness: with the limbs of `lhs` and `rhs` below `2^128` (the caller's guarantee) and
//! `diff`'s by its bytes, every side is below `2^130`, so the equations hold over the
//! integers; summed with weights `1, 2^128` they say
//! `lhs + borrow_hi·2^256 = rhs + diff`, with `diff ∈ [0, 2^256)`: `borrow_hi` is 1 exactly
//! when `lhs < rhs`. Cost: 32 byte cells and 2 plain cells.

use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::{util::pow2, Word};
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

use super::mul_add::{assign_word_bytes, word_of_bytes};

/// `lt = [lhs < rhs]` for words (see the module docs).
#[derive(Clone, Debug)]
pub struct WordLessThan<F: PrimeField> {
    /// `lhs - rhs mod 2^256`, 32 bytes little-endian.
    pub diff_bytes: [Cell<F>; 32],
    /// Borrow out of the low limbs.
    pub borrow_lo: Cell<F>,
    /// Borrow out of the high limbs: the result.
    pub borrow_hi: Cell<F>,
}

impl<F: PrimeField> WordLessThan<F> {
    /// Allocates the cells and states `lhs - rhs = diff - borrow_hi·2^256` (constraints named
    /// after `what`). Both words' limbs must be below `2^128`.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        lhs: Word<Expression<F>>,
        rhs: Word<Expression<F>>,
    ) -> Self {
        let diff_bytes = cb.query_bytes::<32>();
        let borrow_lo = cb.query_bool(&format!("{what}: borrow_lo is boolean"));
        let borrow_hi = cb.query_bool(&format!("{what}: borrow_hi is boolean"));
        let diff = word_of_bytes(&diff_bytes);
        let p128 = Expression::Constant(pow2::<F>(128));
        cb.require_equal(
            &format!("{what}: lhs.lo + borrow_lo·2^128 = rhs.lo + diff.lo"),
            lhs.lo + borrow_lo.expr() * p128.clone(),
            rhs.lo + diff.lo,
        );
        cb.require_equal(
            &format!("{what}: lhs.hi + borrow_hi·2^128 = rhs.hi + diff.hi + borrow_lo"),
            lhs.hi + borrow_hi.expr() * p128,
            rhs.hi + diff.hi + borrow_lo.expr(),
        );
        Self {
            diff_bytes,
            borrow_lo,
            borrow_hi,
        }
    }

    /// `lhs < rhs` (a boolean cell).
    pub fn expr(&self) -> Expression<F> {
        self.borrow_hi.expr()
    }

    /// Assigns the cells for `lhs` and `rhs`; returns `lhs < rhs`.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        lhs: U256,
        rhs: U256,
    ) -> Result<bool, Error> {
        let diff = lhs.wrapping_sub(rhs);
        assign_word_bytes(&self.diff_bytes, region, diff)?;
        let low = |x: U256| x & U256::from(u128::MAX);
        let borrow_lo = low(lhs) < low(rhs);
        self.borrow_lo
            .assign(region, F::from(u64::from(borrow_lo)))?;
        self.borrow_hi
            .assign(region, F::from(u64::from(lhs < rhs)))?;
        Ok(lhs < rhs)
    }
}
