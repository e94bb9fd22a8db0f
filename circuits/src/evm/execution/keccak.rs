//! KECCAK256: pushes keccak256 of `size` bytes of the call's memory at `offset`, bound to the
//! keccak table through one Memory→Keccak copy lookup.
//!
//! ```text
//! offset = pop (rw 0), size = pop (rw 1), hash = push (rw 2)
//! size_is_zero = WordIsZero(size), nz = 1 - size_is_zero
//! "size.hi = 0", "size.lo = Σ_{j<4} size_byte_j·256^j"                       size < 2^32
//! "nz·offset.hi = 0", "nz·offset.lo = Σ_{j<4} offset_byte_j·256^j"           offset_eff
//! "size = 0: hash = keccak256 of nothing" (both limbs, under size_is_zero)
//! MemoryExpansion::configure_with_len(offset_eff, size)
//! CopyWords(size)                                                    words = ceil(size / 32)
//! copy lookup (enable = nz):
//!   (Memory, call_id, offset_eff, offset_eff + size, Keccak, hash, 0, size,
//!    rw_counter + 3, size, 0)
//! rw_counter + 3 + size; gas: 30 + 6·words + expansion; pc + 1, stack pointer + 1
//! ```
//!
//! Soundness. With `size ≠ 0` the offset and the size are below `2^32` (a larger one costs
//! more gas than a block holds: an out-of-gas step, not this one). The copy circuit proves
//! the claim: the `size` accesses after the step's own three read the bytes at
//! `offset_eff ..` of this call's memory, and the keccak table's input of hash `hash` has
//! exactly those bytes at indices `0..size` and length `size`. The keccak circuit proves
//! that table, so `hash` is keccak256 of the bytes read. With `size = 0` the offset is 0,
//! nothing grows, the lookup matches the copy table's zero row, and the hash is the
//! constant keccak256 of the empty input.

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
use crate::table::{copy::copy_data_type_number, u256_word, CopyTableRow};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::{CopyDataType, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of the step before the copy's own.
const OWN_RWS: u64 = 3;

/// keccak256 of the empty input as `(lo, hi)` 128-bit limbs.
fn empty_hash_limbs() -> (u128, u128) {
    let w = u256_word(U256::from_be_bytes(KECCAK_EMPTY.0));
    (w.lo, w.hi)
}

/// KECCAK256.
#[derive(Clone, Debug)]
pub struct KeccakGadget<F: PrimeField> {
    context: ContextColumns,
    /// `[size = 0]`.
    pub size_is_zero: WordIsZero<F>,
    /// `size.lo`, little-endian.
    pub size_bytes: [Cell<F>; 4],
    /// `offset_eff` (0 when `size = 0`), little-endian.
    pub offset_bytes: [Cell<F>; 4],
    /// The memory the input reaches.
    pub expansion: MemoryExpansion<F>,
    /// The words charged.
    pub words: CopyWords<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for KeccakGadget<F> {
    const NAME: &'static str = "KECCAK256";
    const STATE: ExecutionState = ExecutionState::Keccak;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let le = |cells: &[Cell<F>]| {
            expr_from_le_bytes(&cells.iter().map(Cell::expr).collect::<Vec<_>>())
        };
        let step = cb.step();
        let offset = cb.stack_pop();
        let size = cb.stack_pop();
        let hash = cb.stack_push();

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
        let offset_bytes = cb.query_bytes::<4>();
        cb.require_zero("nz·offset.hi = 0", nz.clone() * offset.hi);
        cb.require_equal(
            "nz·offset.lo = Σ_{j<4} offset_byte_j·256^j",
            nz.clone() * offset.lo,
            le(&offset_bytes),
        );
        let offset_eff = le(&offset_bytes);

        let (empty_lo, empty_hi) = empty_hash_limbs();
        cb.require_zero(
            "size = 0: hash.lo = keccak256 of nothing",
            size_is_zero.expr() * (hash.lo.clone() - Expression::Constant(F::from_u128(empty_lo))),
        );
        cb.require_zero(
            "size = 0: hash.hi = keccak256 of nothing",
            size_is_zero.expr() * (hash.hi.clone() - Expression::Constant(F::from_u128(empty_hi))),
        );

        let expansion = MemoryExpansion::configure_with_len(
            cb,
            Word::new(offset_eff.clone(), c(0)),
            size_value.clone(),
        );
        let words = CopyWords::configure(cb, size_value.clone());

        let claim = CopyTableRow {
            src_type: c(copy_data_type_number(CopyDataType::Memory)),
            src_id: Word::new(step.call_id.clone(), c(0)),
            src_addr: offset_eff.clone(),
            src_addr_end: offset_eff + size_value.clone(),
            dst_type: c(copy_data_type_number(CopyDataType::Keccak)),
            dst_id: hash,
            dst_addr: c(0),
            length: size_value.clone(),
            rw_counter_start: step.rw_counter.clone() + c(OWN_RWS),
            rw_count: size_value.clone(),
            log_id: c(0),
        };
        cb.copy_lookup(nz, claim);
        cb.add_rw_counter_delta(size_value);

        let gas = c(6) * words.expr() + expansion.gas(step.memory_word_size.clone());
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
            offset_bytes,
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
        let (offset, size, hash) = (value(0)?, value(1)?, value(2)?);
        self.size_is_zero.assign(region, word_of(size))?;
        let size = u32::try_from(size).map_err(|_| Error::Synthesis)?;
        let size = u64::from(size);
        assign_le_bytes(&self.size_bytes, region, size)?;
        let offset = if size == 0 {
            0
        } else {
            u32::try_from(offset)
                .map(u64::from)
                .map_err(|_| Error::Synthesis)?
        };
        assign_le_bytes(&self.offset_bytes, region, offset)?;
        self.expansion
            .assign_with_len(region, offset, size, step.memory_word_size)?;
        self.words.assign(region, size)?;

        let claim = if size == 0 {
            None
        } else {
            let start = step.rw_counter + OWN_RWS;
            let event = copy_event_at(witness, start, CopyDataType::Keccak)?;
            let call = Word::new(u128::from(event.src_id), 0);
            Some(
                CopyTableRow::from_event(event, call, u256_word(hash))
                    .map_err(|_| Error::Synthesis)?,
            )
        };
        assign_copy_lookup(region, &self.context, 0, claim)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
