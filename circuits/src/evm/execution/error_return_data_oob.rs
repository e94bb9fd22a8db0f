//! ErrorReturnDataOutOfBounds of RETURNDATACOPY in the root call: the copy would read past
//! the end of the last callee's return data (EIP-211).
//!
//! ```text
//! dst, src, size = stack reads at sp, sp + 1, sp + 2 (rw 0..2)
//! rd_len = LastCalleeReturnDataLength read (rw 3), "rd_len.hi = 0"
//! per x ∈ {src, size}: "x.lo = Σ_{j<16} x_byte_j·256^j",
//!   x_small = WordIsZero(x bytes 8..16, x.hi)                  x < 2^64
//! "both_small = src_small·size_small"
//! "both_small·(src_m + size_m - rd_len - 1 - Σ_{j<9} over_j·256^j) = 0"
//! ErrorEnd (rw 4: IsSuccess = 0)                           (see common_error.rs)
//! ```
//!
//! Soundness. `rd_len` is written by the circuit when a callee returns (below `2^64`; 0 in a
//! call that has called nothing). When both the offset and the size are below `2^64`, their
//! sum (below `2^65`) minus `rd_len + 1` fits 9 bytes only if `src + size > rd_len`: the copy
//! reads past the data, and the EVM halts. When one of them is `2^64` or more, the EVM halts
//! as well: a size that large is an invalid operand, and an offset that large is past any
//! return data. Whichever halt revm names, the frame ends the same way (all gas consumed,
//! its writes undone), which is what the step proves. Cost: 3 stack reads, 1 context read and
//! the `IsSuccess` read.

use super::{
    common_error::{assign_le_bytes, ErrorEnd},
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// A word's low 16 bytes and whether it is below `2^64`.
#[derive(Clone, Debug)]
pub struct SmallWord<F: PrimeField> {
    /// The low limb, little-endian.
    pub bytes: [Cell<F>; 16],
    /// `[word < 2^64]`.
    pub small: WordIsZero<F>,
}

impl<F: PrimeField> SmallWord<F> {
    fn configure(cb: &mut ConstraintBuilder<'_, F>, name: &str, w: Word<Expression<F>>) -> Self {
        let bytes = cb.query_bytes::<16>();
        let le = |cells: &[Cell<F>]| {
            expr_from_le_bytes(&cells.iter().map(Cell::expr).collect::<Vec<_>>())
        };
        cb.require_equal(
            &format!("{name}.lo = Σ_{{j<16}} {name}_byte_j·256^j"),
            w.lo,
            le(&bytes),
        );
        let small = WordIsZero::configure(
            cb,
            &format!("{name}_high"),
            Word::new(le(&bytes[8..]), w.hi),
        );
        Self { bytes, small }
    }

    /// The low 8 bytes as a number.
    fn low(&self) -> Expression<F> {
        expr_from_le_bytes(&self.bytes[..8].iter().map(Cell::expr).collect::<Vec<_>>())
    }

    fn assign(&self, region: &mut StepRegion<'_, '_, F>, w: U256) -> Result<(u64, bool), Error> {
        let le = w.to_le_bytes::<32>();
        let lo = u128::from_le_bytes(le[..16].try_into().map_err(|_| Error::Synthesis)?);
        assign_le_bytes(&self.bytes, region, lo)?;
        let mid = u64::from_le_bytes(le[8..16].try_into().map_err(|_| Error::Synthesis)?);
        let small = self
            .small
            .assign(region, Word::new(F::from(mid), word_of::<F>(w).hi))?;
        Ok((lo as u64, small))
    }
}

/// RETURNDATACOPY past the end of the return data (root call).
#[derive(Clone, Debug)]
pub struct ErrorReturnDataOobGadget<F: PrimeField> {
    /// The offset in the return data.
    pub src: SmallWord<F>,
    /// The size.
    pub size: SmallWord<F>,
    /// `src_small·size_small`.
    pub both_small: Cell<F>,
    /// `src + size - rd_len - 1` when both are small, little-endian.
    pub over: [Cell<F>; 9],
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorReturnDataOobGadget<F> {
    const NAME: &'static str = "ERROR_RETURN_DATA_OOB";
    const STATE: ExecutionState = ExecutionState::ErrorReturnDataOutOfBounds;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        cb.stack_lookup(false, c(0));
        let src_word = cb.stack_lookup(false, c(1));
        let size_word = cb.stack_lookup(false, c(2));
        let rd_len = cb.call_context_lookup(CallContextField::LastCalleeReturnDataLength);
        cb.require_zero("LastCalleeReturnDataLength.hi = 0", rd_len.hi);
        let src = SmallWord::configure(cb, "src", src_word);
        let size = SmallWord::configure(cb, "size", size_word);
        let both_small = cb.query_cell();
        cb.require_equal(
            "both_small = src_small·size_small",
            both_small.expr(),
            src.small.expr() * size.small.expr(),
        );
        let over = cb.query_bytes::<9>();
        let over_value = expr_from_le_bytes(&over.iter().map(Cell::expr).collect::<Vec<_>>());
        cb.require_zero(
            "both_small·(src + size - rd_len - 1 - Σ_{j<9} over_j·256^j) = 0 (past the end)",
            both_small.expr() * (src.low() + size.low() - rd_len.lo - c(1) - over_value),
        );
        let end = ErrorEnd::configure(cb);
        Self {
            src,
            size,
            both_small,
            over,
            end,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let (src, size, rd_len) = (value(1)?, value(2)?, value(3)?);
        let (src_m, src_small) = self.src.assign(region, src)?;
        let (size_m, size_small) = self.size.assign(region, size)?;
        let both = src_small && size_small;
        self.both_small.assign(region, F::from(u64::from(both)))?;
        let over = if both {
            let rd_len = u128::try_from(rd_len).map_err(|_| Error::Synthesis)?;
            (u128::from(src_m) + u128::from(size_m))
                .checked_sub(rd_len + 1)
                .ok_or(Error::Synthesis)?
        } else {
            0
        };
        assign_le_bytes(&self.over, region, over)?;
        self.end.assign(region, witness, step)
    }
}

#[cfg(test)]
mod tests;
