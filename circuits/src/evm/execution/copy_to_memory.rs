//! CopyToMemory: what CALLDATACOPY, CODECOPY and EXTCODECOPY share once they know their
//! source's length: the memory expansion, the copy gas, the source address clamped to the
//! source's end, the copy lookup, the copy's rw entries and the step's transition.
//!
//! ```text
//! MemoryExpansion::configure_range(dst, size): size < 2^32, dst_eff, new_size, gas
//! "size + 31 = 32·words + rem", words 4 bytes, rem and rem + 224 bytes   words = ceil(size / 32)
//! "off.lo = Σ_{i<16} off_byte_i·256^i", small = WordIsZero(off bytes 8..16, off.hi)
//! m = Σ_{i<8} off_byte_i·256^i
//! "len - m + neg·2^64 = D" (8 bytes), neg boolean                        neg = [m > len]
//! "u = small·(1 - neg)", "src_addr = u·m + (1 - u)·len"                  min(off, len)
//! "size - (len - src_addr) + size_lt·2^64 = Σ lt_byte_i·256^i" (8 bytes), size_lt boolean
//! "inside = size_lt·size + (1 - size_lt)·(len - src_addr)"               bytes inside
//! "reads = reads_rw·inside"                  a memory source reads each byte inside
//! copy lookup (enable = 1 - [size = 0]):
//!   (src_type, src_id, base + src_addr, base + len, Memory, call_id, dst_eff, size,
//!    rw_counter + own_rws, size + reads, 0)   base: where the source starts (CopySource)
//! rw_counter + own_rws + size + reads; gas: constant + extra + 3·words + expansion; pc + 1
//! reversible writes + the caller's (EXTCODECOPY: its warm mark, extra = its cold surcharge)
//! ```
//!
//! `len` must be below `2^64` (the caller range-checks it); `m` is by its bytes, so
//! `len - m` lies in `(-2^64, 2^64)` and only `neg = [m > len]` fits `D` in 8 bytes. An
//! offset of `2^64` or more is past any source (`small = 0`), so `src_addr = min(off, len)`.
//! The copy circuit proves the claim; with `size = 0` the lookup matches the copy table's
//! zero row, no entry is made and memory does not grow.

use super::{
    common_error::assign_le_bytes,
    memory_expansion::{Length, MemoryExpansion},
    tx_arith::{assign_copy_lookup, copy_event_at},
    DynamicCost, SameContext, SideEffects, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::ConstraintBuilder,
};
use crate::table::{copy::copy_data_type_number, CopyTableRow};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{CopyDataType, ExecStep, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// `ceil(size / 32)` of a copy's `size < 2^32`: the words its copy gas is charged for.
///
/// ```text
/// "size + 31 = 32·words + rem", words 4 bytes, rem and rem + 224 bytes
/// ```
/// `rem < 32` (both it and `rem + 224` are bytes) and both sides are below `2^40`, so the
/// division is exact over the integers.
#[derive(Clone, Debug)]
pub struct CopyWords<F: PrimeField> {
    /// `ceil(size / 32)`, little-endian.
    pub words: [Cell<F>; 4],
    /// `(size + 31) mod 32`.
    pub rem: Cell<F>,
    /// `rem + 224`.
    pub rem_shifted: Cell<F>,
}

impl<F: PrimeField> CopyWords<F> {
    /// States `words = ceil(size / 32)` for `size < 2^32`.
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>, size: Expression<F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let words = cb.query_bytes::<4>();
        let rem = cb.query_byte();
        let rem_shifted = cb.query_byte();
        cb.require_equal(
            "size + 31 = 32·words + rem",
            size + c(31),
            c(32) * expr_from_le_bytes(&words.iter().map(Cell::expr).collect::<Vec<_>>())
                + rem.expr(),
        );
        cb.require_equal(
            "rem_shifted = rem + 224",
            rem_shifted.expr(),
            rem.expr() + c(224),
        );
        Self {
            words,
            rem,
            rem_shifted,
        }
    }

    /// `ceil(size / 32)`.
    pub fn expr(&self) -> Expression<F> {
        expr_from_le_bytes(&self.words.iter().map(Cell::expr).collect::<Vec<_>>())
    }

    /// Assigns the words of a copy of `size` bytes.
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, size: u64) -> Result<(), Error> {
        assign_le_bytes(&self.words, region, size.div_ceil(32))?;
        let rem = (size + 31) % 32;
        self.rem.assign(region, F::from(rem))?;
        self.rem_shifted.assign(region, F::from(rem + 224))
    }
}

/// A copy of `size` bytes from offset `off` of a source of `len` bytes to memory at `dst`.
#[derive(Clone, Debug)]
pub struct CopyToMemory<F: PrimeField> {
    context: ContextColumns,
    /// Rw accesses of the step before the copy's own.
    own_rws: u64,
    /// The memory written.
    pub expansion: MemoryExpansion<F>,
    /// The words charged.
    pub words: CopyWords<F>,
    /// The low 16 bytes of the offset, little-endian.
    pub off_bytes: [Cell<F>; 16],
    /// The offset is below `2^64`.
    pub small: WordIsZero<F>,
    /// `m > len`.
    pub neg: Cell<F>,
    /// `len - m + neg·2^64`, little-endian.
    pub d_bytes: [Cell<F>; 8],
    /// `small·(1 - neg)`: the offset is inside the source or at its end.
    pub u: Cell<F>,
    /// `min(off, len)`.
    pub src_addr: Cell<F>,
    /// `[size < len - src_addr]`.
    pub size_lt: Cell<F>,
    /// `size - (len - src_addr) + size_lt·2^64`, little-endian.
    pub lt_bytes: [Cell<F>; 8],
    /// `min(size, len - src_addr)`: the bytes inside the source.
    pub inside: Cell<F>,
    /// `reads_rw·inside`: the source's rw reads.
    pub reads: Cell<F>,
    same_context: SameContext<F>,
}

/// Where a copy's bytes come from: the copy-table source type and id, and the address its
/// offsets count from (0, or the call data's place in the caller's memory).
#[derive(Clone, Debug)]
pub struct CopySource<F: PrimeField> {
    /// The source type's number.
    pub kind: Expression<F>,
    /// The source id.
    pub id: Word<Expression<F>>,
    /// The address of the source's first byte.
    pub base: Expression<F>,
    /// 1 when the bytes inside the source are rw reads (a memory source), 0 otherwise
    /// (boolean, degree 1).
    pub reads_rw: Expression<F>,
}

impl<F: PrimeField> CopySource<F> {
    /// A source of one type whose offsets are its addresses.
    pub fn fixed(kind: CopyDataType, id: Word<Expression<F>>) -> Self {
        Self {
            kind: Expression::Constant(F::from(copy_data_type_number(kind))),
            id,
            base: Expression::Constant(F::ZERO),
            reads_rw: Expression::Constant(F::ZERO),
        }
    }
}

impl<F: PrimeField> CopyToMemory<F> {
    /// States the copy after the step's `own_rws` accesses; `len` (below `2^64`) ends the
    /// source `(src_type, src_id)`. Configure it last: it states the transition.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        operands: [Word<Expression<F>>; 3],
        len: Expression<F>,
        source: CopySource<F>,
        own_rws: u64,
    ) -> Self {
        let zero = Expression::Constant(F::ZERO);
        let extra = (zero, SideEffects::none());
        Self::configure_with(cb, operands, len, source, own_rws, extra)
    }

    /// [`Self::configure`] for a step that also charges `extra_gas` and has `effects` (the
    /// step's own writes, e.g. a warm mark).
    pub fn configure_with(
        cb: &mut ConstraintBuilder<'_, F>,
        [dst, off, size]: [Word<Expression<F>>; 3],
        len: Expression<F>,
        source: CopySource<F>,
        own_rws: u64,
        (extra_gas, effects): (Expression<F>, SideEffects<F>),
    ) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let exprs = |cells: &[Cell<F>]| cells.iter().map(Cell::expr).collect::<Vec<_>>();
        let step = cb.step();
        let expansion = MemoryExpansion::configure_range(cb, dst, size);
        let (size_value, size_is_zero) = match &expansion.length {
            Length::Dynamic(d) => (
                expr_from_le_bytes(&exprs(&d.size_bytes)),
                d.size_is_zero.expr(),
            ),
            _ => unreachable!("configure_range gives a dynamic length"),
        };
        let dst_eff = expr_from_le_bytes(&exprs(&expansion.offset_bytes));

        let words = CopyWords::configure(cb, size_value.clone());

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
            len.clone() - m.clone() + neg.expr() * Expression::Constant(pow2::<F>(64)),
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
            u.expr() * m + (c(1) - u.expr()) * len.clone(),
        );

        // A memory source reads each byte inside it: `min(size, len - src_addr)` rw reads
        // before the size writes.
        let left = len.clone() - src_addr.expr();
        let size_lt = cb.query_bool("size_lt is boolean");
        let lt_bytes = cb.query_bytes::<8>();
        cb.require_equal(
            "size - (len - src_addr) + size_lt·2^64 = Σ lt_byte_i·256^i",
            size_value.clone() - left.clone()
                + size_lt.expr() * Expression::Constant(pow2::<F>(64)),
            expr_from_le_bytes(&exprs(&lt_bytes)),
        );
        let inside = cb.query_cell();
        cb.require_equal(
            "inside = size_lt·size + (1 - size_lt)·(len - src_addr)",
            inside.expr(),
            size_lt.expr() * size_value.clone() + (c(1) - size_lt.expr()) * left,
        );
        let reads = cb.query_cell();
        cb.require_equal(
            "reads = reads_rw·inside",
            reads.expr(),
            source.reads_rw * inside.expr(),
        );
        let claim = CopyTableRow {
            src_type: source.kind,
            src_id: source.id,
            src_addr: source.base.clone() + src_addr.expr(),
            src_addr_end: source.base + len,
            dst_type: c(copy_data_type_number(CopyDataType::Memory)),
            dst_id: Word::new(step.call_id.clone(), c(0)),
            dst_addr: dst_eff,
            length: size_value.clone(),
            rw_counter_start: step.rw_counter.clone() + c(own_rws),
            rw_count: size_value.clone() + reads.expr(),
            log_id: c(0),
        };
        cb.copy_lookup(c(1) - size_is_zero, claim);
        cb.add_rw_counter_delta(size_value + reads.expr());

        let gas = extra_gas + c(3) * words.expr() + expansion.gas(step.memory_word_size.clone());
        let same_context = SameContext::configure_with_effects(
            cb,
            c(1),
            Some(DynamicCost {
                gas,
                memory_word_size: expansion.new_size(),
            }),
            effects,
        );
        Self {
            context: cb.context_columns(),
            own_rws,
            expansion,
            words,
            off_bytes,
            small,
            neg,
            d_bytes,
            u,
            src_addr,
            size_lt,
            lt_bytes,
            inside,
            reads,
            same_context,
        }
    }

    /// Assigns the copy of `size` bytes at `off` of a source of `len` bytes to `dst`, whose
    /// claim names the source `src_id`, and the step's transition.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
        [dst, off, size]: [U256; 3],
        len: u64,
        (src_id, reads_rw): (Word<u128>, bool),
    ) -> Result<(), Error> {
        self.expansion
            .assign_range(region, dst, size, step.memory_word_size)?;
        let size = u64::try_from(size).map_err(|_| Error::Synthesis)?;
        self.words.assign(region, size)?;

        let le = off.to_le_bytes::<32>();
        let lo = u128::from_le_bytes(le[..16].try_into().map_err(|_| Error::Synthesis)?);
        assign_le_bytes(&self.off_bytes, region, lo)?;
        let mid = u64::from_le_bytes(le[8..16].try_into().map_err(|_| Error::Synthesis)?);
        let small = self
            .small
            .assign(region, Word::new(F::from(mid), word_of::<F>(off).hi))?;
        let m = u64::from_le_bytes(le[..8].try_into().map_err(|_| Error::Synthesis)?);
        let neg = m > len;
        let flag = |v: bool| F::from(u64::from(v));
        self.neg.assign(region, flag(neg))?;
        assign_le_bytes(&self.d_bytes, region, len.wrapping_sub(m))?;
        let u = small && !neg;
        self.u.assign(region, flag(u))?;
        let src_addr = if u { m } else { len };
        self.src_addr.assign(region, F::from(src_addr))?;
        let left = len - src_addr;
        let size_lt = size < left;
        self.size_lt.assign(region, flag(size_lt))?;
        let diff = if size_lt {
            (u128::from(size) + (1u128 << 64)) - u128::from(left)
        } else {
            u128::from(size - left)
        };
        assign_le_bytes(&self.lt_bytes, region, diff)?;
        let inside = size.min(left);
        self.inside.assign(region, F::from(inside))?;
        self.reads
            .assign(region, F::from(if reads_rw { inside } else { 0 }))?;

        let claim = if size == 0 {
            None
        } else {
            let start = step.rw_counter + self.own_rws;
            let event = copy_event_at(witness, start, CopyDataType::Memory)?;
            Some(
                CopyTableRow::from_event(event, src_id, Word::new(u128::from(event.dst_id), 0))
                    .map_err(|_| Error::Synthesis)?,
            )
        };
        assign_copy_lookup(region, &self.context, 0, claim)?;
        self.same_context.assign(region, step)
    }
}
