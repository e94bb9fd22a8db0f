//! MCOPY (EIP-5656): copies `size` bytes of the call's memory from `src` to `dst`, as if
//! through a buffer (overlapping ranges copy like `memmove`), through one copy lookup.
//!
//! ```text
//! dst = pop (rw 0), src = pop (rw 1), size = pop (rw 2)
//! size_is_zero = WordIsZero(size), nz = 1 - size_is_zero
//! "size.hi = 0", "size.lo = Σ_{j<4} size_byte_j·256^j"                       size < 2^32
//! per x ∈ {dst, src}: "nz·x.hi = 0", "nz·x.lo = Σ_{j<4} x_byte_j·256^j"      x_eff
//! src_above boolean, gap 4 bytes:
//! "gap = src_above·(src_eff - dst_eff - 1) + (1 - src_above)·(dst_eff - src_eff)"
//! "top = dst_eff + src_above·(src_eff - dst_eff)"                    top = max(dst_eff, src_eff)
//! MemoryExpansion::configure_with_len(top, size)
//! CopyWords(size)                                                    words = ceil(size / 32)
//! copy lookup (enable = nz):
//!   (Memory, call_id, src_eff, src_eff + size, Memory, call_id, dst_eff, size,
//!    rw_counter + 3, 2·size, 0)
//! rw_counter + 3 + 2·size; gas: 3 + 3·words + expansion; pc + 1, stack pointer + 3
//! ```
//!
//! Soundness. With `size ≠ 0`, both offsets and the size are below `2^32` (a larger one
//! costs more gas than a block holds: an out-of-gas step, not this one), the two cases of
//! `gap` exclude each other, so `src_above = [src_eff > dst_eff]` and `top` is the larger
//! offset. Both ranges have `size` bytes, so the one at `top` ends last and the memory grows
//! to cover both, as EIP-5656 charges. The copy circuit proves the claim: the `size` bytes
//! read at `src_eff ..` of this call's memory by the first `size` entries after the step's
//! own three are written at `dst_eff ..` by the next `size` (all reads come first, so an
//! overlap copies the old bytes). With `size = 0` both offsets are 0, nothing grows and the
//! lookup matches the copy table's zero row, whatever the offsets were.

use super::{
    common_error::assign_le_bytes,
    copy_to_memory::CopyWords,
    memory_expansion::MemoryExpansion,
    tx_arith::{assign_copy_lookup, copy_event_at},
    DynamicCost, ExecutionGadget, SameContext, SideEffects, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::ConstraintBuilder,
};
use crate::table::{copy::copy_data_type_number, CopyTableRow};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{CopyDataType, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of the step before the copy's own.
const OWN_RWS: u64 = 3;

/// MCOPY.
#[derive(Clone, Debug)]
pub struct McopyGadget<F: PrimeField> {
    context: ContextColumns,
    /// `[size = 0]`.
    pub size_is_zero: WordIsZero<F>,
    /// `size.lo`, little-endian.
    pub size_bytes: [Cell<F>; 4],
    /// `dst_eff`, little-endian.
    pub dst_bytes: [Cell<F>; 4],
    /// `src_eff`, little-endian.
    pub src_bytes: [Cell<F>; 4],
    /// `src_eff > dst_eff`.
    pub src_above: Cell<F>,
    /// `|src_eff - dst_eff|`, less 1 when the source is above.
    pub gap: [Cell<F>; 4],
    /// `max(dst_eff, src_eff)`.
    pub top: Cell<F>,
    /// The memory both ranges reach.
    pub expansion: MemoryExpansion<F>,
    /// The words charged.
    pub words: CopyWords<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for McopyGadget<F> {
    const NAME: &'static str = "MCOPY";
    const STATE: ExecutionState = ExecutionState::Mcopy;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let le = |cells: &[Cell<F>]| {
            expr_from_le_bytes(&cells.iter().map(Cell::expr).collect::<Vec<_>>())
        };
        let step = cb.step();
        let dst = cb.stack_pop();
        let src = cb.stack_pop();
        let size = cb.stack_pop();

        let size_is_zero = WordIsZero::configure(cb, "size", size.clone());
        let size_bytes = cb.query_bytes::<4>();
        cb.require_zero("size.hi = 0", size.hi);
        cb.require_equal(
            "size.lo = Σ_{j<4} size_byte_j·256^j",
            size.lo,
            le(&size_bytes),
        );
        let size_value = le(&size_bytes);
        let nz = c(1) - size_is_zero.expr();
        let mut offset_bytes = |name: &str, x: Word<Expression<F>>| {
            let bytes = cb.query_bytes::<4>();
            cb.require_zero(&format!("nz·{name}.hi = 0"), nz.clone() * x.hi);
            cb.require_equal(
                &format!("nz·{name}.lo = Σ_{{j<4}} {name}_byte_j·256^j"),
                nz.clone() * x.lo,
                le(&bytes),
            );
            bytes
        };
        let dst_bytes = offset_bytes("dst", dst);
        let src_bytes = offset_bytes("src", src);
        let (dst_eff, src_eff) = (le(&dst_bytes), le(&src_bytes));

        let src_above = cb.query_bool("src_above is boolean");
        let gap = cb.query_bytes::<4>();
        cb.require_equal(
            "gap = src_above·(src_eff - dst_eff - 1) + (1 - src_above)·(dst_eff - src_eff)",
            le(&gap),
            src_above.expr() * (src_eff.clone() - dst_eff.clone() - c(1))
                + (c(1) - src_above.expr()) * (dst_eff.clone() - src_eff.clone()),
        );
        let top = cb.query_cell();
        cb.require_equal(
            "top = dst_eff + src_above·(src_eff - dst_eff)",
            top.expr(),
            dst_eff.clone() + src_above.expr() * (src_eff.clone() - dst_eff.clone()),
        );
        let expansion = MemoryExpansion::configure_with_len(
            cb,
            Word::new(top.expr(), c(0)),
            size_value.clone(),
        );
        let words = CopyWords::configure(cb, size_value.clone());

        let memory = c(copy_data_type_number(CopyDataType::Memory));
        let call = Word::new(step.call_id.clone(), c(0));
        let claim = CopyTableRow {
            src_type: memory.clone(),
            src_id: call.clone(),
            src_addr: src_eff.clone(),
            src_addr_end: src_eff + size_value.clone(),
            dst_type: memory,
            dst_id: call,
            dst_addr: dst_eff,
            length: size_value.clone(),
            rw_counter_start: step.rw_counter.clone() + c(OWN_RWS),
            rw_count: c(2) * size_value.clone(),
            log_id: c(0),
        };
        cb.copy_lookup(nz, claim);
        cb.add_rw_counter_delta(c(2) * size_value);

        let gas = c(3) * words.expr() + expansion.gas(step.memory_word_size.clone());
        let same_context = SameContext::configure_with_effects(
            cb,
            c(1),
            Some(DynamicCost {
                gas,
                memory_word_size: expansion.new_size(),
            }),
            SideEffects::none(),
        );
        Self {
            context: cb.context_columns(),
            size_is_zero,
            size_bytes,
            dst_bytes,
            src_bytes,
            src_above,
            gap,
            top,
            expansion,
            words,
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
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let (dst, src, size) = (value(0)?, value(1)?, value(2)?);
        self.size_is_zero.assign(region, word_of(size))?;
        let size = u32::try_from(size).map_err(|_| Error::Synthesis)?;
        let size = u64::from(size);
        assign_le_bytes(&self.size_bytes, region, size)?;
        let eff = |x: U256| -> Result<u64, Error> {
            if size == 0 {
                return Ok(0);
            }
            u32::try_from(x)
                .map(u64::from)
                .map_err(|_| Error::Synthesis)
        };
        let (dst, src) = (eff(dst)?, eff(src)?);
        assign_le_bytes(&self.dst_bytes, region, dst)?;
        assign_le_bytes(&self.src_bytes, region, src)?;
        let src_above = src > dst;
        self.src_above
            .assign(region, F::from(u64::from(src_above)))?;
        let gap = if src_above { src - dst - 1 } else { dst - src };
        assign_le_bytes(&self.gap, region, gap)?;
        let top = dst.max(src);
        self.top.assign(region, F::from(top))?;
        self.expansion
            .assign_with_len(region, top, size, step.memory_word_size)?;
        self.words.assign(region, size)?;

        let claim = if size == 0 {
            None
        } else {
            let start = step.rw_counter + OWN_RWS;
            let event = copy_event_at(witness, start, CopyDataType::Memory)?;
            let call = Word::new(u128::from(event.src_id), 0);
            Some(CopyTableRow::from_event(event, call, call).map_err(|_| Error::Synthesis)?)
        };
        assign_copy_lookup(region, &self.context, 0, claim)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
