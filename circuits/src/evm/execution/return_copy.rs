//! ReturnCopy: an ending call's bytes copied to its caller's return area, as many as both
//! hold. A helper of the steps that end a call with output (RETURN and REVERT of a callee,
//! the identity precompile), not a gadget.
//!
//! ```text
//! "size - area + is_lt·2^32 = Σ_{j<4} diff_j·256^j"     is_lt = [size < area] (both < 2^32)
//! copied = is_lt·size + (1 - is_lt)·area                 min(size, area)
//! copied ≠ 0: copy lookup memory(call_id, src..src + copied) → memory(caller_id, dst),
//!   from rw_counter_start, 2·copied entries (counted in the step's rw_counter delta)
//! ```

use super::{
    common_error::assign_le_bytes,
    tx_arith::{assign_copy_lookup, copy_event_at},
    WordIsZero,
};
use crate::evm::{
    assign::StepRegion, cell::Cell, columns::ContextColumns, constraint_builder::ConstraintBuilder,
};
use crate::table::{copy::copy_data_type_number, CopyTableRow};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_witness::{CopyDataType, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Where the bytes come from and go.
#[derive(Clone, Debug)]
pub struct ReturnCopyEnds<F: PrimeField> {
    /// The ending call's id (the source memory).
    pub call_id: Expression<F>,
    /// First source byte.
    pub src: Expression<F>,
    /// The caller's id (the destination memory).
    pub caller_id: Expression<F>,
    /// First destination byte (the caller's `ReturnDataOffset` for the callee).
    pub dst: Expression<F>,
    /// The copy's first rw counter.
    pub rw_counter_start: Expression<F>,
}

/// The cells of the copy to the caller's return area.
#[derive(Clone, Debug)]
pub struct ReturnCopy<F: PrimeField> {
    /// `[size < area]`.
    pub is_lt: Cell<F>,
    /// `size - area + is_lt·2^32`, 4 bytes.
    pub lt_diff: [Cell<F>; 4],
    /// Bytes copied to the caller.
    pub copied: Cell<F>,
    /// `[copied = 0]`.
    pub copied_is_zero: WordIsZero<F>,
}

impl<F: PrimeField> ReturnCopy<F> {
    /// Copies `min(size, area)` bytes (`size` and `area` below `2^32`, of degree 1) as
    /// `ends` says, and counts their `2·copied` rw entries.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        size: Expression<F>,
        area: Expression<F>,
        ends: ReturnCopyEnds<F>,
    ) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let is_lt = cb.query_bool("is_lt is boolean");
        let lt_diff = cb.query_bytes::<4>();
        cb.require_equal(
            "size - area + is_lt·2^32 = Σ_{j<4} diff_j·256^j",
            size.clone() - area.clone() + is_lt.expr() * Expression::Constant(pow2::<F>(32)),
            expr_from_le_bytes(&lt_diff.iter().map(Cell::expr).collect::<Vec<_>>()),
        );
        let copied = cb.query_cell();
        cb.require_equal(
            "copied = is_lt·size + (1 - is_lt)·area",
            copied.expr(),
            is_lt.expr() * size + (c(1) - is_lt.expr()) * area,
        );
        let copied_is_zero = WordIsZero::configure(cb, "copied", Word::new(copied.expr(), c(0)));
        let memory = || c(copy_data_type_number(CopyDataType::Memory));
        cb.copy_lookup(
            c(1) - copied_is_zero.expr(),
            CopyTableRow {
                src_type: memory(),
                src_id: Word::new(ends.call_id, c(0)),
                src_addr: ends.src.clone(),
                src_addr_end: ends.src + copied.expr(),
                dst_type: memory(),
                dst_id: Word::new(ends.caller_id, c(0)),
                dst_addr: ends.dst,
                length: copied.expr(),
                rw_counter_start: ends.rw_counter_start,
                rw_count: c(2) * copied.expr(),
                log_id: c(0),
            },
        );
        cb.add_rw_counter_delta(c(2) * copied.expr());
        Self {
            is_lt,
            lt_diff,
            copied,
            copied_is_zero,
        }
    }

    /// Bytes copied.
    pub fn expr(&self) -> Expression<F> {
        self.copied.expr()
    }

    /// Assigns the copy of `min(size, area)` bytes whose first rw entry is at
    /// `rw_counter_start`, its lookup on context rows `first_row..first_row + 3`.
    #[allow(clippy::too_many_arguments)]
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        context: &ContextColumns,
        first_row: usize,
        size: u64,
        area: u64,
        rw_counter_start: u64,
    ) -> Result<(), Error> {
        let is_lt = size < area;
        self.is_lt.assign(region, F::from(u64::from(is_lt)))?;
        let diff = if is_lt {
            size + (1u64 << 32) - area
        } else {
            size - area
        };
        assign_le_bytes(&self.lt_diff, region, diff)?;
        let copied = size.min(area);
        self.copied.assign(region, F::from(copied))?;
        self.copied_is_zero
            .assign(region, Word::new(F::from(copied), F::ZERO))?;
        let claim = memory_copy_claim(witness, rw_counter_start, copied)?;
        assign_copy_lookup(region, context, first_row, claim)
    }
}

/// The copy-table claim of the memory-to-memory copy of `bytes` bytes whose first rw entry is
/// at `rw_counter_start` (none for 0 bytes).
pub fn memory_copy_claim<F: PrimeField>(
    witness: &Witness,
    rw_counter_start: u64,
    bytes: u64,
) -> Result<Option<CopyTableRow<F>>, Error> {
    if bytes == 0 {
        return Ok(None);
    }
    let event = copy_event_at(witness, rw_counter_start, CopyDataType::Memory)?;
    let src_id = Word::new(u128::from(event.src_id), 0);
    let dst_id = Word::new(u128::from(event.dst_id), 0);
    CopyTableRow::from_event(event, src_id, dst_id)
        .map(Some)
        .map_err(|_| Error::Synthesis)
}
