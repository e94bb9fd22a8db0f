//! CODECOPY: copies `size` bytes of the running code from offset `off` (zero past its end)
//! to memory at `dst`, through one copy-table lookup.
//!
//! ```text
//! dst = pop (rw 0), off = pop (rw 1), size = pop (rw 2)
//! hash = call context CodeHash (rw 3), "code hash read = step.code_hash" (lo, hi)
//! len = code length lookup (the bytecode table's header row of step.code_hash)
//! MemoryExpansion::configure_range(dst, size): size < 2^32, dst_eff, new_size, gas
//! "size + 31 = 32·words + r", words 4 bytes, r and r + 224 bytes     words = ceil(size / 32)
//! "off.lo = Σ_{i<16} off_byte_i·256^i", small = WordIsZero(off bytes 8..16, off.hi)
//! m = Σ_{i<8} off_byte_i·256^i
//! "len - m + neg·2^64 = Σ d_byte_i·256^i" (8 bytes), neg boolean            neg = [m > len]
//! "u = small·(1 - neg)", "src_addr = u·m + (1 - u)·len"                     min(off, len)
//! copy lookup (enable = 1 - [size = 0]):
//!   (Bytecode, step.code_hash, src_addr, len, Memory, call_id, dst_eff, size,
//!    rw_counter + 4, size, 0)
//! rw_counter + 4 + size; gas: 3 + 3·ceil(size / 32) + expansion; pc + 1, stack pointer + 3
//! ```
//!
//! Soundness. The length is the bytecode circuit's claim for the step's code hash, below
//! `2^64` as every table index. As in CALLDATACOPY, `neg = [m > len]` and `src_addr =
//! min(off, len)`; the copy circuit proves that the bytes at `src_addr ..` of the code with
//! the step's hash (zero from `len` on) are written to memory `dst_eff ..` of this call by
//! the `size` rw entries after the step's own four. With `size = 0` the lookup matches the
//! copy table's zero row and nothing is written.

use super::{
    memory_expansion::{Length, MemoryExpansion},
    tx_arith::assign_copy_lookup,
    DynamicCost, ExecutionGadget, SameContext, SideEffects, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{CodeLength, ConstraintBuilder},
};
use crate::table::{b256_word, copy::copy_data_type_number, CopyTableRow};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_trace::revm::primitives::B256;
use equivm_witness::{CallContextField, CopyDataType, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of the step before the copy's own.
const OWN_RWS: u64 = 4;

/// CODECOPY.
#[derive(Clone, Debug)]
pub struct CodeCopyGadget<F: PrimeField> {
    context: ContextColumns,
    /// The code's length, from the bytecode table.
    pub len: CodeLength<F>,
    /// The code's length, little-endian (a range check for the clamp).
    pub len_bytes: [Cell<F>; 8],
    /// The memory written.
    pub expansion: MemoryExpansion<F>,
    /// `ceil(size / 32)`, little-endian.
    pub words: [Cell<F>; 4],
    /// `(size + 31) mod 32`.
    pub rem: Cell<F>,
    /// `rem + 224`.
    pub rem_shifted: Cell<F>,
    /// The low 16 bytes of the offset, little-endian.
    pub off_bytes: [Cell<F>; 16],
    /// The offset is below `2^64`.
    pub small: WordIsZero<F>,
    /// `m > len`.
    pub neg: Cell<F>,
    /// `len - m + neg·2^64`, little-endian.
    pub d_bytes: [Cell<F>; 8],
    /// `small·(1 - neg)`: the offset is inside the data or at its end.
    pub u: Cell<F>,
    /// `min(off, len)`.
    pub src_addr: Cell<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for CodeCopyGadget<F> {
    const NAME: &'static str = "CODECOPY";
    const STATE: ExecutionState = ExecutionState::CodeCopy;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let exprs = |cells: &[Cell<F>]| cells.iter().map(Cell::expr).collect::<Vec<_>>();
        let step = cb.step();
        let dst = cb.stack_pop();
        let off = cb.stack_pop();
        let size = cb.stack_pop();
        let hash = cb.call_context_lookup(CallContextField::CodeHash);
        cb.require_equal_word(
            "code hash read = step.code_hash",
            hash,
            step.code_hash.clone(),
        );
        let len = cb.bytecode_length();
        let len_bytes = cb.query_bytes::<8>();
        let len_value = expr_from_le_bytes(&exprs(&len_bytes));
        cb.require_equal(
            "code length = Σ len_byte_i·256^i",
            len.value.clone(),
            len_value.clone(),
        );

        let expansion = MemoryExpansion::configure_range(cb, dst, size);
        let (size_value, size_is_zero) = match &expansion.length {
            Length::Dynamic(d) => (
                expr_from_le_bytes(&exprs(&d.size_bytes)),
                d.size_is_zero.expr(),
            ),
            _ => unreachable!("configure_range gives a dynamic length"),
        };
        let dst_eff = expr_from_le_bytes(&exprs(&expansion.offset_bytes));

        let words = cb.query_bytes::<4>();
        let rem = cb.query_byte();
        let rem_shifted = cb.query_byte();
        cb.require_equal(
            "size + 31 = 32·words + rem",
            size_value.clone() + c(31),
            c(32) * expr_from_le_bytes(&exprs(&words)) + rem.expr(),
        );
        cb.require_equal(
            "rem_shifted = rem + 224",
            rem_shifted.expr(),
            rem.expr() + c(224),
        );

        let off_bytes = cb.query_bytes::<16>();
        cb.require_equal(
            "off.lo = Σ off_byte_i·256^i",
            off.lo,
            expr_from_le_bytes(&exprs(&off_bytes)),
        );
        let small = WordIsZero::configure(
            cb,
            "off_high",
            Word::new(expr_from_le_bytes(&exprs(&off_bytes[8..])), off.hi),
        );
        let m = expr_from_le_bytes(&exprs(&off_bytes[..8]));
        let neg = cb.query_bool("neg is boolean");
        let d_bytes = cb.query_bytes::<8>();
        cb.require_equal(
            "len - m + neg·2^64 = D",
            len_value.clone() - m.clone() + neg.expr() * Expression::Constant(pow2::<F>(64)),
            expr_from_le_bytes(&exprs(&d_bytes)),
        );
        let u = cb.query_cell();
        cb.require_equal(
            "u = small·(1 - neg)",
            u.expr(),
            small.expr() * (c(1) - neg.expr()),
        );
        let src_addr = cb.query_cell();
        cb.require_equal(
            "src_addr = u·m + (1 - u)·len",
            src_addr.expr(),
            u.expr() * m + (c(1) - u.expr()) * len_value.clone(),
        );

        let claim = CopyTableRow {
            src_type: c(copy_data_type_number(CopyDataType::Bytecode)),
            src_id: step.code_hash.clone(),
            src_addr: src_addr.expr(),
            src_addr_end: len_value,
            dst_type: c(copy_data_type_number(CopyDataType::Memory)),
            dst_id: Word::new(step.call_id.clone(), c(0)),
            dst_addr: dst_eff,
            length: size_value.clone(),
            rw_counter_start: step.rw_counter.clone() + c(OWN_RWS),
            rw_count: size_value.clone(),
            log_id: c(0),
        };
        cb.copy_lookup(c(1) - size_is_zero, claim);
        cb.add_rw_counter_delta(size_value);

        let gas = c(3) * expr_from_le_bytes(&exprs(&words))
            + expansion.gas(step.memory_word_size.clone());
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
            len,
            len_bytes,
            expansion,
            words,
            rem,
            rem_shifted,
            off_bytes,
            small,
            neg,
            d_bytes,
            u,
            src_addr,
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
        let (dst, off, size, hash) = (value(0)?, value(1)?, value(2)?, value(3)?);
        let hash = B256::from(hash.to_be_bytes::<32>());
        let code = witness
            .bytecodes
            .iter()
            .find(|code| code.hash == hash)
            .ok_or(Error::Synthesis)?;
        let len = code.bytes.len() as u64;
        self.len.assign(region, len)?;
        let assign_le = |region: &mut StepRegion<'_, '_, F>, cells: &[Cell<F>], bytes: &[u8]| {
            cells
                .iter()
                .zip(bytes)
                .try_for_each(|(cell, b)| cell.assign(region, F::from(u64::from(*b))))
        };
        assign_le(region, &self.len_bytes, &len.to_le_bytes())?;
        self.expansion
            .assign_range(region, dst, size, step.memory_word_size)?;
        let size = u64::try_from(size).map_err(|_| Error::Synthesis)?;
        let words = size.div_ceil(32);
        assign_le(region, &self.words, &words.to_le_bytes())?;
        let rem = (size + 31) % 32;
        self.rem.assign(region, F::from(rem))?;
        self.rem_shifted.assign(region, F::from(rem + 224))?;

        let le = off.to_le_bytes::<32>();
        assign_le(region, &self.off_bytes, &le[..16])?;
        let mid = u64::from_le_bytes(le[8..16].try_into().map_err(|_| Error::Synthesis)?);
        let small = self
            .small
            .assign(region, Word::new(F::from(mid), word_of::<F>(off).hi))?;
        let m = u64::from_le_bytes(le[..8].try_into().map_err(|_| Error::Synthesis)?);
        let neg = m > len;
        let flag = |v: bool| F::from(u64::from(v));
        self.neg.assign(region, flag(neg))?;
        assign_le(region, &self.d_bytes, &len.wrapping_sub(m).to_le_bytes())?;
        let u = small && !neg;
        self.u.assign(region, flag(u))?;
        let src_addr = if u { m } else { len };
        self.src_addr.assign(region, F::from(src_addr))?;

        let claim = if size == 0 {
            None
        } else {
            let start = step.rw_counter + OWN_RWS;
            let event = witness
                .copy_events
                .iter()
                .find(|e| e.rw_counter_start == start && e.dst_type == CopyDataType::Memory)
                .ok_or(Error::Synthesis)?;
            Some(
                CopyTableRow::from_event(
                    event,
                    b256_word(hash),
                    Word::new(u128::from(event.dst_id), 0),
                )
                .map_err(|_| Error::Synthesis)?,
            )
        };
        assign_copy_lookup(region, &self.context, 0, claim)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
