//! WordIsZero: a cell `is_zero` that is 1 iff both limbs of a word are 0, with constraints of
//! degree 2 (so they fit the degree budget under the gadget's degree-3 enable).
//!
//! ```text
//! "{what} is zero: {what}.lo · is_zero = 0"
//! "{what} is zero: {what}.hi · is_zero = 0"
//! "{what} is zero: 1 - is_zero = {what}.lo · inv_lo + {what}.hi · inv_hi"
//! ```
//! Soundness, for any limb values (no range assumption): if both limbs are 0 the third
//! constraint gives `is_zero = 1`; if a limb is not 0 the first two give `is_zero = 0` (and
//! the third is met by the inverse of a non-zero limb). So `is_zero` is a boolean cell and a
//! word is zero iff both of its limbs are — not iff `lo + hi` is. Cost: 3 plain cells.

use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::Word;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// `is_zero = [value = 0]` for a word `value`.
#[derive(Clone, Debug)]
pub struct WordIsZero<F: PrimeField> {
    /// The output cell: 1 iff both limbs are 0.
    pub is_zero: Cell<F>,
    /// Inverse of the low limb (or 0).
    pub inv_lo: Cell<F>,
    /// Inverse of the high limb (or 0).
    pub inv_hi: Cell<F>,
}

impl<F: PrimeField> WordIsZero<F> {
    /// Allocates the three cells and states the constraints, named after `what`.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        value: Word<Expression<F>>,
    ) -> Self {
        let is_zero = cb.query_cell();
        let inv_lo = cb.query_cell();
        let inv_hi = cb.query_cell();
        let z = is_zero.expr();
        cb.require_zero(
            &format!("{what} is zero: {what}.lo · is_zero = 0"),
            value.lo.clone() * z.clone(),
        );
        cb.require_zero(
            &format!("{what} is zero: {what}.hi · is_zero = 0"),
            value.hi.clone() * z.clone(),
        );
        cb.require_equal(
            &format!("{what} is zero: 1 - is_zero = {what}.lo · inv_lo + {what}.hi · inv_hi"),
            Expression::Constant(F::ONE) - z,
            value.lo * inv_lo.expr() + value.hi * inv_hi.expr(),
        );
        Self {
            is_zero,
            inv_lo,
            inv_hi,
        }
    }

    /// The output (a boolean cell).
    pub fn expr(&self) -> Expression<F> {
        self.is_zero.expr()
    }

    /// Assigns the cells for `value`; returns whether it is zero.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        value: Word<F>,
    ) -> Result<bool, Error> {
        let lo_zero = bool::from(value.lo.is_zero());
        let hi_zero = bool::from(value.hi.is_zero());
        let inv = |v: F| v.invert().unwrap_or(F::ZERO);
        let (z, inv_lo, inv_hi) = match (lo_zero, hi_zero) {
            (true, true) => (F::ONE, F::ZERO, F::ZERO),
            (false, _) => (F::ZERO, inv(value.lo), F::ZERO),
            (true, false) => (F::ZERO, F::ZERO, inv(value.hi)),
        };
        self.is_zero.assign(region, z)?;
        self.inv_lo.assign(region, inv_lo)?;
        self.inv_hi.assign(region, inv_hi)?;
        Ok(lo_zero && hi_zero)
    }
}
