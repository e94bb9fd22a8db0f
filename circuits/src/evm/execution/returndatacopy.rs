//! RETURNDATACOPY: copies `size` bytes of the last callee's return data, from `src`, to
//! memory at `dst`, through one copy lookup. The return data is the callee's memory from
//! `LastCalleeReturnDataOffset`, `LastCalleeReturnDataLength` bytes long (all zero in a call
//! that has called nothing yet: the fields were never written).
//!
//! ```text
//! dst = pop (rw 0), src = pop (rw 1), size = pop (rw 2)
//! callee = LastCalleeId (rw 3), rd_off = LastCalleeReturnDataOffset (rw 4),
//! rd_len = LastCalleeReturnDataLength (rw 5); their hi limbs = 0
//! MemoryExpansion::configure_range(dst, size): size < 2^32, dst_eff, new_size, gas
//! "src.hi = 0", "src.lo = Σ_{j<8} src_byte_j·256^j"                       src < 2^64
//! "rd_len - src - size = Σ_{j<8} room_j·256^j"                            src + size ≤ rd_len
//! CopyWords(size)                                                          words = ceil(size / 32)
//! copy lookup (enable = 1 - [size = 0]):
//!   (Memory, callee, rd_off + src, rd_off + src + size, Memory, call_id, dst_eff, size,
//!    rw_counter + 6, 2·size, 0)
//! rw_counter + 6 + 2·size; gas: 3 + 3·words + expansion; pc + 1, stack pointer + 3
//! ```
//!
//! Soundness. The three context fields are written by the circuit when a callee returns
//! (values below `2^64`), so `rd_len - src - size` with `src < 2^64` and `size < 2^32` lies
//! in `(-2^65, 2^64)`, and only `src + size ≤ rd_len` fits 8 bytes: the copy never reads
//! past the return data (EIP-211 makes that an error, a different state). The copy circuit
//! proves the claim: the `size` bytes at `rd_off + src ..` of the callee's memory, read by the
//! first `size` entries after the step's six, are written at `dst_eff ..` by the next `size`.
//! With `size = 0` nothing is copied and memory does not grow, but `src ≤ rd_len` still
//! holds, as the EVM requires.

use super::{
    common_error::assign_le_bytes,
    copy_to_memory::CopyWords,
    memory_expansion::{Length, MemoryExpansion},
    tx_arith::{assign_copy_lookup, copy_event_at},
    DynamicCost, ExecutionGadget, SameContext, SideEffects,
};
use crate::evm::{
    assign::StepRegion, cell::Cell, columns::ContextColumns, constraint_builder::ConstraintBuilder,
};
use crate::table::{copy::copy_data_type_number, CopyTableRow};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{CallContextField, CopyDataType, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of the step before the copy's own.
const OWN_RWS: u64 = 6;

/// RETURNDATACOPY.
#[derive(Clone, Debug)]
pub struct ReturnDataCopyGadget<F: PrimeField> {
    context: ContextColumns,
    /// The memory written.
    pub expansion: MemoryExpansion<F>,
    /// `src`, little-endian.
    pub src_bytes: [Cell<F>; 8],
    /// `rd_len - src - size`, little-endian.
    pub room: [Cell<F>; 8],
    /// The words charged.
    pub words: CopyWords<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ReturnDataCopyGadget<F> {
    const NAME: &'static str = "RETURNDATACOPY";
    const STATE: ExecutionState = ExecutionState::ReturnDataCopy;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let le = |cells: &[Cell<F>]| {
            expr_from_le_bytes(&cells.iter().map(Cell::expr).collect::<Vec<_>>())
        };
        let step = cb.step();
        let dst = cb.stack_pop();
        let src = cb.stack_pop();
        let size = cb.stack_pop();
        let callee = cb.call_context_lookup(CallContextField::LastCalleeId);
        let rd_off = cb.call_context_lookup(CallContextField::LastCalleeReturnDataOffset);
        let rd_len = cb.call_context_lookup(CallContextField::LastCalleeReturnDataLength);
        for (name, w) in [
            ("LastCalleeId", &callee),
            ("LastCalleeReturnDataOffset", &rd_off),
            ("LastCalleeReturnDataLength", &rd_len),
        ] {
            cb.require_zero(&format!("{name}.hi = 0"), w.hi.clone());
        }

        let expansion = MemoryExpansion::configure_range(cb, dst, size);
        let (size_value, size_is_zero) = match &expansion.length {
            Length::Dynamic(d) => (le(&d.size_bytes), d.size_is_zero.expr()),
            _ => unreachable!("configure_range gives a dynamic length"),
        };
        let dst_eff = le(&expansion.offset_bytes);

        let src_bytes = cb.query_bytes::<8>();
        cb.require_zero("src.hi = 0", src.hi);
        cb.require_equal("src.lo = Σ_{j<8} src_byte_j·256^j", src.lo, le(&src_bytes));
        let src_value = le(&src_bytes);
        let room = cb.query_bytes::<8>();
        cb.require_equal(
            "rd_len - src - size = Σ_{j<8} room_j·256^j (inside the return data)",
            rd_len.lo - src_value.clone() - size_value.clone(),
            le(&room),
        );
        let words = CopyWords::configure(cb, size_value.clone());

        let memory = c(copy_data_type_number(CopyDataType::Memory));
        let start = rd_off.lo + src_value;
        let claim = CopyTableRow {
            src_type: memory.clone(),
            src_id: Word::new(callee.lo, c(0)),
            src_addr: start.clone(),
            src_addr_end: start + size_value.clone(),
            dst_type: memory,
            dst_id: Word::new(step.call_id.clone(), c(0)),
            dst_addr: dst_eff,
            length: size_value.clone(),
            rw_counter_start: step.rw_counter.clone() + c(OWN_RWS),
            rw_count: c(2) * size_value.clone(),
            log_id: c(0),
        };
        cb.copy_lookup(c(1) - size_is_zero, claim);
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
            expansion,
            src_bytes,
            room,
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
        let (dst, src, size, rd_len) = (value(0)?, value(1)?, value(2)?, value(5)?);
        self.expansion
            .assign_range(region, dst, size, step.memory_word_size)?;
        let size = u64::try_from(size).map_err(|_| Error::Synthesis)?;
        let src = u64::try_from(src).map_err(|_| Error::Synthesis)?;
        let rd_len = u64::try_from(rd_len).map_err(|_| Error::Synthesis)?;
        assign_le_bytes(&self.src_bytes, region, src)?;
        let room = rd_len
            .checked_sub(src)
            .and_then(|r| r.checked_sub(size))
            .ok_or(Error::Synthesis)?;
        assign_le_bytes(&self.room, region, room)?;
        self.words.assign(region, size)?;
        let claim = if size == 0 {
            None
        } else {
            let event = copy_event_at(witness, step.rw_counter + OWN_RWS, CopyDataType::Memory)?;
            let src_id = Word::new(u128::from(event.src_id), 0);
            let dst_id = Word::new(u128::from(event.dst_id), 0);
            Some(CopyTableRow::from_event(event, src_id, dst_id).map_err(|_| Error::Synthesis)?)
        };
        assign_copy_lookup(region, &self.context, 0, claim)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
