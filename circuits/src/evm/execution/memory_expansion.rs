//! MemoryExpansion: the memory size after an access of `len` bytes at `offset`, and the gas
//! the growth costs. A helper of the memory gadgets, not a gadget.
//!
//! ```text
//! "offset.hi = 0", "offset.lo = Σ_{j<4} offset_byte_j·256^j"          offset < 2^32
//! "offset.lo + len + 31 = 32·end_words + rem"      end_words 4 bytes, rem and rem + 224 bytes
//! is_grow boolean, size_diff 4 bytes:
//! "size_diff = is_grow·(end_words - cur - 1) + (1 - is_grow)·(cur - end_words)"
//! "new_size = cur + is_grow·(end_words - cur)"
//! per w ∈ {cur, new_size}: "w² = 512·quad + rem_lo + 256·rem_hi"   quad 8 bytes,
//!                           rem_lo a byte, rem_hi boolean
//! gas = 3·(new_size - cur) + quad(new_size) - quad(cur)
//! ```
//! Soundness: `rem < 32` (both `rem` and `rem + 224` are bytes) and the sides of the division
//! are below `2^38`, so `end_words = ceil((offset + len) / 32)`. The two cases of `size_diff`
//! exclude each other for `cur`, `end_words < 2^32` (the other case is negative, i.e. near
//! `p`), so `is_grow = [cur < end_words]` and `new_size = max(cur, end_words) < 2^32`.
//! `cur` is the step state's memory size, itself set by an earlier step to such a maximum
//! (or 0). Then `w² < 2^64`, the quotient's 8 bytes and the 9-bit remainder make the
//! division exact over the integers: `quad(w) = floor(w² / 512)`, and the gas is
//! `cost(new_size) - cost(cur)` with `cost(w) = 3·w + floor(w² / 512)`.
//! Cost: 32 byte cells, 4 plain cells.
//!
//! [`MemoryExpansion::configure_range`] takes the length from a word `size` instead (RETURN,
//! REVERT and, later, the copies), where a zero size touches no memory whatever the offset:
//!
//! ```text
//! size_is_zero = [size = 0]                          (WordIsZero)
//! "size.hi = 0", "size.lo = Σ_{j<4} size_byte_j·256^j"                  size < 2^32
//! "[size ≠ 0]·offset.hi = 0", "[size ≠ 0]·offset.lo = Σ_{j<4} offset_byte_j·256^j"
//! "offset_eff + size + 31 = 32·end_words + rem"      offset_eff = Σ offset_byte_j·256^j
//! ```
//! then the same growth and gas. With `size = 0` the offset bytes are 0, so `end_words = 0`
//! and nothing grows; otherwise offset and size are below `2^32` and the bounds above hold
//! (`offset + size + 31 < 2^33 + 31`, `end_words < 2^28`). A size or offset at or above
//! `2^32` with a non-zero size can not be assigned: such an access costs more gas than any
//! step has in practice (an out-of-gas error, not this state). Extra cost: 4 byte cells,
//! 3 plain cells.

use super::word_is_zero::WordIsZero;
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

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn exprs<F: PrimeField>(cells: &[Cell<F>]) -> Vec<Expression<F>> {
    cells.iter().map(Cell::expr).collect()
}

fn assign_le<F: PrimeField>(
    cells: &[Cell<F>],
    region: &mut StepRegion<'_, '_, F>,
    value: u64,
) -> Result<(), Error> {
    for (cell, byte) in cells.iter().zip(value.to_le_bytes()) {
        cell.assign(region, F::from(u64::from(byte)))?;
    }
    Ok(())
}

/// `floor(w² / 512)` of a memory size `w < 2^32`.
#[derive(Clone, Debug)]
pub struct QuadCost<F: PrimeField> {
    /// The quotient, 8 bytes little-endian.
    pub quotient: [Cell<F>; 8],
    /// The remainder's low byte.
    pub rem_lo: Cell<F>,
    /// The remainder's bit 8.
    pub rem_hi: Cell<F>,
}

impl<F: PrimeField> QuadCost<F> {
    fn configure(cb: &mut ConstraintBuilder<'_, F>, what: &str, w: Expression<F>) -> Self {
        let quotient = cb.query_bytes::<8>();
        let rem_lo = cb.query_byte();
        let rem_hi = cb.query_bool(&format!("{what} quad: rem_hi is boolean"));
        cb.require_equal(
            &format!("{what}² = 512·quad + rem_lo + 256·rem_hi"),
            w.clone() * w,
            c::<F>(512) * expr_from_le_bytes(&exprs(&quotient))
                + rem_lo.expr()
                + c(256) * rem_hi.expr(),
        );
        Self {
            quotient,
            rem_lo,
            rem_hi,
        }
    }

    fn expr(&self) -> Expression<F> {
        expr_from_le_bytes(&exprs(&self.quotient))
    }

    fn assign(&self, region: &mut StepRegion<'_, '_, F>, w: u64) -> Result<(), Error> {
        let square = u128::from(w) * u128::from(w);
        let quotient = u64::try_from(square / 512).map_err(|_| Error::Synthesis)?;
        let rem = (square % 512) as u64;
        assign_le(&self.quotient, region, quotient)?;
        self.rem_lo.assign(region, F::from(rem & 0xff))?;
        self.rem_hi.assign(region, F::from(rem >> 8))
    }
}

/// The memory size after an access of `len` bytes at a word `offset`, and its gas.
#[derive(Clone, Debug)]
pub struct MemoryExpansion<F: PrimeField> {
    /// `offset.lo`, 4 bytes little-endian.
    pub offset_bytes: [Cell<F>; 4],
    /// `ceil((offset + len) / 32)`, 4 bytes little-endian.
    pub end_words: [Cell<F>; 4],
    /// `(offset + len + 31) mod 32`.
    pub rem: Cell<F>,
    /// `rem + 224` (a byte only if `rem < 32`).
    pub rem_shifted: Cell<F>,
    /// `cur < end_words`.
    pub is_grow: Cell<F>,
    /// `|end_words - cur|` less 1 when growing, 4 bytes little-endian.
    pub size_diff: [Cell<F>; 4],
    /// `max(cur, end_words)`.
    pub new_size: Cell<F>,
    /// `floor(cur² / 512)`.
    pub cur_quad: QuadCost<F>,
    /// `floor(new_size² / 512)`.
    pub new_quad: QuadCost<F>,
    /// The access's length.
    pub length: Length<F>,
}

/// The length of a [`MemoryExpansion`]'s access.
#[derive(Clone, Debug)]
pub enum Length<F: PrimeField> {
    /// A constant number of bytes.
    Constant(u64),
    /// A word from the stack (see [`MemoryExpansion::configure_range`]).
    Dynamic(Box<DynamicLength<F>>),
    /// An expression the step chooses (see [`MemoryExpansion::configure_with_len`]).
    Chosen,
}

/// The cells of a length taken from a word.
#[derive(Clone, Debug)]
pub struct DynamicLength<F: PrimeField> {
    /// `[size = 0]`.
    pub size_is_zero: WordIsZero<F>,
    /// `size.lo`, 4 bytes little-endian.
    pub size_bytes: [Cell<F>; 4],
}

impl<F: PrimeField> MemoryExpansion<F> {
    /// States the constraints for an access of `len` bytes at `offset`.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        offset: Word<Expression<F>>,
        len: u64,
    ) -> Self {
        let offset_bytes = cb.query_bytes::<4>();
        cb.require_zero("offset.hi = 0", offset.hi);
        cb.require_equal(
            "offset.lo = Σ_{j<4} offset_byte_j·256^j",
            offset.lo.clone(),
            expr_from_le_bytes(&exprs(&offset_bytes)),
        );
        Self::configure_end(
            cb,
            offset_bytes,
            (offset.lo, "offset.lo"),
            (c(len), &len.to_string()),
            Length::Constant(len),
            cb.step().memory_word_size,
        )
    }

    /// [`Self::configure`] for a length the step chooses (an expression below `2^32`; assign
    /// with [`Self::assign_with_len`]).
    pub fn configure_with_len(
        cb: &mut ConstraintBuilder<'_, F>,
        offset: Word<Expression<F>>,
        len: Expression<F>,
    ) -> Self {
        let offset_bytes = cb.query_bytes::<4>();
        cb.require_zero("offset.hi = 0", offset.hi);
        cb.require_equal(
            "offset.lo = Σ_{j<4} offset_byte_j·256^j",
            offset.lo.clone(),
            expr_from_le_bytes(&exprs(&offset_bytes)),
        );
        Self::configure_end(
            cb,
            offset_bytes,
            (offset.lo, "offset.lo"),
            (len, "len"),
            Length::Chosen,
            cb.step().memory_word_size,
        )
    }

    /// States the constraints for an access of `size` bytes at `offset`, both words; a zero
    /// `size` expands nothing, whatever `offset` is (see the module docs).
    pub fn configure_range(
        cb: &mut ConstraintBuilder<'_, F>,
        offset: Word<Expression<F>>,
        size: Word<Expression<F>>,
    ) -> Self {
        let cur = cb.step().memory_word_size;
        Self::configure_range_from(cb, offset, size, cur)
    }

    /// [`Self::configure_range`] from a memory size `cur` other than the step's: the second
    /// of two ranges one step touches (a CALL's arguments and its return area), from the
    /// size the first left, which is below `2^32` like every size these gadgets make. Its
    /// gas then adds up with the first's to the growth from the step's size to the final
    /// one. Assign with [`Self::assign_range`], giving that size.
    pub fn configure_range_from(
        cb: &mut ConstraintBuilder<'_, F>,
        offset: Word<Expression<F>>,
        size: Word<Expression<F>>,
        cur: Expression<F>,
    ) -> Self {
        let size_is_zero = WordIsZero::configure(cb, "size", size.clone());
        let size_bytes = cb.query_bytes::<4>();
        cb.require_zero("size.hi = 0", size.hi);
        cb.require_equal(
            "size.lo = Σ_{j<4} size_byte_j·256^j",
            size.lo,
            expr_from_le_bytes(&exprs(&size_bytes)),
        );
        let nonzero = c::<F>(1) - size_is_zero.expr();
        let offset_bytes = cb.query_bytes::<4>();
        cb.require_zero("[size ≠ 0]·offset.hi = 0", nonzero.clone() * offset.hi);
        cb.require_equal(
            "[size ≠ 0]·offset.lo = Σ_{j<4} offset_byte_j·256^j",
            nonzero * offset.lo,
            expr_from_le_bytes(&exprs(&offset_bytes)),
        );
        let offset_eff = expr_from_le_bytes(&exprs(&offset_bytes));
        let len = expr_from_le_bytes(&exprs(&size_bytes));
        Self::configure_end(
            cb,
            offset_bytes,
            (offset_eff, "offset_eff"),
            (len, "size"),
            Length::Dynamic(Box::new(DynamicLength {
                size_is_zero,
                size_bytes,
            })),
            cur,
        )
    }

    /// The constraints shared by both lengths, for an access of `len` bytes at `start`
    /// (each with its name in the constraints' names).
    fn configure_end(
        cb: &mut ConstraintBuilder<'_, F>,
        offset_bytes: [Cell<F>; 4],
        (start, start_name): (Expression<F>, &str),
        (len, len_name): (Expression<F>, &str),
        length: Length<F>,
        cur: Expression<F>,
    ) -> Self {
        let end_words = cb.query_bytes::<4>();
        let rem = cb.query_byte();
        let rem_shifted = cb.query_byte();
        let end = expr_from_le_bytes(&exprs(&end_words));
        cb.require_equal(
            &format!("{start_name} + {len_name} + 31 = 32·end_words + rem"),
            start + len + c(31),
            c::<F>(32) * end.clone() + rem.expr(),
        );
        cb.require_equal(
            "rem_shifted = rem + 224",
            rem_shifted.expr(),
            rem.expr() + c(224),
        );

        let is_grow = cb.query_bool("is_grow is boolean");
        let size_diff = cb.query_bytes::<4>();
        cb.require_equal(
            "size_diff = is_grow·(end_words - cur - 1) + (1 - is_grow)·(cur - end_words)",
            expr_from_le_bytes(&exprs(&size_diff)),
            is_grow.expr() * (end.clone() - cur.clone() - c(1))
                + (c::<F>(1) - is_grow.expr()) * (cur.clone() - end.clone()),
        );
        let new_size = cb.query_cell();
        cb.require_equal(
            "new_size = cur + is_grow·(end_words - cur)",
            new_size.expr(),
            cur.clone() + is_grow.expr() * (end - cur.clone()),
        );
        let cur_quad = QuadCost::configure(cb, "cur", cur);
        let new_quad = QuadCost::configure(cb, "new_size", new_size.expr());
        Self {
            offset_bytes,
            end_words,
            rem,
            rem_shifted,
            is_grow,
            size_diff,
            new_size,
            cur_quad,
            new_quad,
            length,
        }
    }

    /// The memory size after the access.
    pub fn new_size(&self) -> Expression<F> {
        self.new_size.expr()
    }

    /// The gas of the growth: `3·(new_size - cur) + quad(new_size) - quad(cur)`.
    pub fn gas(&self, cur: Expression<F>) -> Expression<F> {
        c::<F>(3) * (self.new_size.expr() - cur) + self.new_quad.expr() - self.cur_quad.expr()
    }

    /// Assigns the cells of a constant-length access for `offset` and the current size
    /// `cur`; returns the new size. An error if `offset ≥ 2^32` (an out-of-gas step, not
    /// this one).
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        offset: u64,
        cur: u64,
    ) -> Result<u64, Error> {
        let Length::Constant(len) = self.length else {
            return Err(Error::Synthesis);
        };
        self.assign_end(region, offset, len, cur)
    }

    /// Assigns the cells of a [`Self::configure_with_len`] access of `len` bytes at `offset`
    /// for the current size `cur`; returns the new size.
    pub fn assign_with_len(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        offset: u64,
        len: u64,
        cur: u64,
    ) -> Result<u64, Error> {
        if !matches!(self.length, Length::Chosen) {
            return Err(Error::Synthesis);
        }
        self.assign_end(region, offset, len, cur)
    }

    /// Assigns the cells of a [`Self::configure_range`] access of `size` bytes at `offset`
    /// for the current size `cur`; returns the new size. An error if `size ≠ 0` and `offset`
    /// or `size` is at least `2^32`.
    pub fn assign_range(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        offset: U256,
        size: U256,
        cur: u64,
    ) -> Result<u64, Error> {
        let Length::Dynamic(d) = &self.length else {
            return Err(Error::Synthesis);
        };
        d.size_is_zero.assign(region, word_of(size))?;
        let size = u32::try_from(size).map_err(|_| Error::Synthesis)?;
        assign_le(&d.size_bytes, region, u64::from(size))?;
        let offset = if size == 0 {
            0
        } else {
            u64::try_from(offset).map_err(|_| Error::Synthesis)?
        };
        self.assign_end(region, offset, u64::from(size), cur)
    }

    fn assign_end(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        offset: u64,
        len: u64,
        cur: u64,
    ) -> Result<u64, Error> {
        let offset32 = u32::try_from(offset).map_err(|_| Error::Synthesis)?;
        assign_le(&self.offset_bytes, region, u64::from(offset32))?;
        let end = u64::from(offset32) + len + 31;
        let (end_words, rem) = (end / 32, end % 32);
        assign_le(&self.end_words, region, end_words)?;
        self.rem.assign(region, F::from(rem))?;
        self.rem_shifted.assign(region, F::from(rem + 224))?;
        let is_grow = cur < end_words;
        self.is_grow.assign(region, F::from(u64::from(is_grow)))?;
        let diff = if is_grow {
            end_words - cur - 1
        } else {
            cur - end_words
        };
        assign_le(&self.size_diff, region, diff)?;
        let new_size = cur.max(end_words);
        self.new_size.assign(region, F::from(new_size))?;
        self.cur_quad.assign(region, cur)?;
        self.new_quad.assign(region, new_size)?;
        Ok(new_size)
    }
}

/// The program the memory gadgets' tests share (opcode steps in brackets):
/// `[0] PUSH32 0x0102..20 [1] PUSH1 3 [2] MSTORE` (memory 0 → 2 words),
/// `[3] PUSH1 0x10 [4] MLOAD [5] POP` (no growth), `[6] PUSH1 0x30 [7] MLOAD [8] POP` (→ 3),
/// `[9] PUSH2 0xabcd [10] PUSH1 0x61 [11] MSTORE8` (→ 4), `[12] PUSH1 0x11 [13] PUSH1 1
/// [14] MSTORE8` (no growth), `[15] PUSH1 0x22 [16] PUSH0 [17] MSTORE` (no growth), `[18] STOP`.
#[cfg(test)]
pub(crate) fn test_witness() -> equivm_witness::Witness {
    let mut code = vec![0x7f];
    code.extend(1..=32u8);
    code.extend([0x60, 3, 0x52]);
    code.extend([0x60, 0x10, 0x51, 0x50, 0x60, 0x30, 0x51, 0x50]);
    code.extend([
        0x61, 0xab, 0xcd, 0x60, 0x61, 0x53, 0x60, 0x11, 0x60, 1, 0x53,
    ]);
    code.extend([0x60, 0x22, 0x5f, 0x52, 0x00]);
    super::test_util::witness_of(code)
}
