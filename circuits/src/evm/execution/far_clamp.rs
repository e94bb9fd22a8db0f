//! FarClamp: a word as an offset or size for a memory cost, with every value of `2^32` or
//! more replaced by one far value; FarRange: a memory range of two such words and its
//! expansion. Helpers of the out-of-gas gadgets, not gadgets.
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

use super::{error_oog_memory::FAR_OFFSET, memory_expansion::MemoryExpansion, WordIsZero};
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

/// A memory range given by two words, `offset` and `size`, each clamped by [`FarClamp`]
/// (far value [`FAR_OFFSET`]), and the expansion to its clamped end from a memory of `cur`
/// words ([`MemoryExpansion::configure_range_from`]: a zero size touches nothing).
///
/// ```text
/// offset_c = FarClamp(offset), size_c = FarClamp(size)
/// MemoryExpansion::configure_range_from((offset_c, 0), (size_c, 0), cur)
/// ```
/// `size_c = 0` exactly when `size = 0` (the far value is not 0), so a range that touches
/// no memory stays so. Otherwise the clamped range ends no later than the real one, and
/// memory cost grows with the end: gas proved missing for the clamped range is missing for
/// the real one. Both clamped values are below `2^32`, as the expansion needs.
/// Cost: 32 byte cells and 8 plain cells for the clamps, and the expansion's.
#[derive(Clone, Debug)]
pub struct FarRange<F: PrimeField> {
    /// The offset, clamped.
    pub offset: FarClamp<F>,
    /// The size, clamped.
    pub size: FarClamp<F>,
    /// The expansion to the clamped range's end.
    pub expansion: MemoryExpansion<F>,
}

impl<F: PrimeField> FarRange<F> {
    /// States the clamps of `offset` and `size` (named `{name}_offset`, `{name}_size`) and
    /// the expansion from `cur` words.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        name: &str,
        [offset, size]: [Word<Expression<F>>; 2],
        cur: Expression<F>,
    ) -> Self {
        let zero = || Expression::Constant(F::ZERO);
        let size = FarClamp::configure(cb, &format!("{name}_size"), size, FAR_OFFSET);
        let offset = FarClamp::configure(cb, &format!("{name}_offset"), offset, FAR_OFFSET);
        let expansion = MemoryExpansion::configure_range_from(
            cb,
            Word::new(offset.expr(), zero()),
            Word::new(size.expr(), zero()),
            cur,
        );
        Self {
            offset,
            size,
            expansion,
        }
    }

    /// The memory size (words) after the clamped range.
    pub fn new_size(&self) -> Expression<F> {
        self.expansion.new_size()
    }

    /// The gas of growing from `cur` (the size given to [`Self::configure`]) to
    /// [`Self::new_size`].
    pub fn gas(&self, cur: Expression<F>) -> Expression<F> {
        self.expansion.gas(cur)
    }

    /// Assigns the clamps and the expansion from `cur` words; returns the new size.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        [offset, size]: [U256; 2],
        cur: u64,
    ) -> Result<u64, Error> {
        let size_c = self.size.assign(region, size)?;
        let offset_c = self.offset.assign(region, offset)?;
        self.expansion
            .assign_range(region, U256::from(offset_c), U256::from(size_c), cur)
    }
}

/// The memory size (words) after the clamped range `(offset, size)` of [`FarRange`], from a
/// memory of `cur` words, computed off-circuit.
pub(crate) fn far_range_end([offset, size]: [U256; 2], cur: u64) -> u64 {
    if size.is_zero() {
        return cur;
    }
    let end = (far_clamped(offset) + far_clamped(size)).div_ceil(32);
    cur.max(end)
}
