//! FarClamp: a word as an offset or size for a memory cost, with every value of `2^32` or
//! more replaced by one far value. A helper of the out-of-gas gadgets, not a gadget.
//!
//! ```text
//! "{x}.lo = Σ_{j<16} lo_byte_j·256^j"
//! in_range = WordIsZero(upper, x.hi)            upper = Σ_{j≥4} lo_byte_j·256^(j-4)
//!                                                in_range = [x < 2^32]
//! "{x}_eff = in_range·low + (1 - in_range)·far"  low = Σ_{j<4} lo_byte_j·256^j
//! ```
//! The 16 bytes are `x.lo` (below `2^128`), so `in_range = 1` iff `x.hi = 0` and `x.lo <
//! 2^32`, and then `x_eff = x`. The callers pick `far ≤ 2^32` so that a memory cost computed
//! from `x_eff` is at most the one of `x`: costs grow with offsets and sizes, so gas proved
//! missing for the clamped values is missing for the real ones.
//! Cost: 16 byte cells, 4 plain cells.

use super::{error_oog_memory::FAR_OFFSET, WordIsZero};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// A word `x` and `x_eff`: `x` if `x < 2^32`, else a far constant.
#[derive(Clone, Debug)]
pub struct FarClamp<F: PrimeField> {
    /// `x.lo`, 16 bytes little-endian.
    pub lo_bytes: [Cell<F>; 16],
    /// `x < 2^32` (bytes 4.. of `x.lo` and `x.hi` are zero).
    pub in_range: WordIsZero<F>,
    /// `x_eff`.
    pub eff: Cell<F>,
    far: u64,
}

impl<F: PrimeField> FarClamp<F> {
    /// States `x_eff` for the word `x` (named `name` in the constraints).
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        name: &str,
        x: Word<Expression<F>>,
        far: u64,
    ) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let lo_bytes = cb.query_bytes::<16>();
        let bytes: Vec<_> = lo_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            &format!("{name}.lo = Σ_{{j<16}} lo_byte_j·256^j"),
            x.lo,
            expr_from_le_bytes(&bytes),
        );
        let low = expr_from_le_bytes(&bytes[..4]);
        let upper = expr_from_le_bytes(&bytes[4..]);
        let in_range = WordIsZero::configure(cb, &format!("{name} ≥ 2^32"), Word::new(upper, x.hi));
        let eff = cb.query_cell();
        let r = in_range.expr();
        cb.require_equal(
            &format!("{name}_eff = in_range·low + (1 - in_range)·far"),
            eff.expr(),
            r.clone() * low + (c(1) - r) * c(far),
        );
        Self {
            lo_bytes,
            in_range,
            eff,
            far,
        }
    }

    /// `x_eff`.
    pub fn expr(&self) -> Expression<F> {
        self.eff.expr()
    }

    /// Assigns the cells for `x`; returns `x_eff`.
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, x: U256) -> Result<u64, Error> {
        for (cell, byte) in self.lo_bytes.iter().zip(x.to_le_bytes::<32>()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        let limbs = x.as_limbs();
        let upper = F::from(limbs[0] >> 32) + F::from(limbs[1]) * F::from(1u64 << 32);
        let in_range = self
            .in_range
            .assign(region, Word::new(upper, word_of::<F>(x).hi))?;
        let eff = if in_range { limbs[0] } else { self.far };
        self.eff.assign(region, F::from(eff))?;
        Ok(eff)
    }
}

/// What [`FarClamp`] with `far` = [`FAR_OFFSET`] makes of `x`, computed off-circuit: `x` if
/// `x < 2^32`, else `FAR_OFFSET`.
pub(crate) fn far_clamped(x: U256) -> u64 {
    u64::try_from(x)
        .ok()
        .filter(|v| *v >> 32 == 0)
        .unwrap_or(FAR_OFFSET)
}
