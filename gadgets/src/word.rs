//! The 256-bit EVM word as two 128-bit limbs, and its byte decomposition.
//!
//! [`Word<T>`] holds `lo` (bits 0..128) and `hi` (bits 128..256): `Word<u128>` is the native
//! value, `Word<Expression<F>>` the circuit view, `Word<F>` the field view. A word never
//! becomes one field element (BN254's `p` is below `2^254`) and is never RLC-compressed.
//!
//! [`WordBytesConfig`] constrains, under `q_enable`, a word's limbs to 32 byte cells:
//!
//! ```text
//! "WORD_BYTES lo: value = Σ byte_i · 256^i"   lo = Σ_{i<16} byte_i · 256^i
//! "WORD_BYTES hi: value = Σ byte_i · 256^i"   hi = Σ_{i<16} byte_{16+i} · 256^i
//! "WORD_BYTES lo|hi: byte[i] in 0..=255"       32 lookups into the byte table
//! ```
//! This proves both limbs are below `2^128`, i.e. that the pair is a well-formed word. Cost:
//! 32 advice columns, one row, 2 constraints of degree `deg(q) + max(1, deg limb)`, 32 lookups.

use halo2_proofs::{
    circuit::{Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Error, Expression, VirtualCells},
};

use crate::{byte_table::ByteTable, range::ByteDecompositionConfig};

/// A 256-bit word as two 128-bit limbs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Word<T> {
    /// Bits 0..128.
    pub lo: T,
    /// Bits 128..256.
    pub hi: T,
}

impl<T> Word<T> {
    /// A word from its limbs.
    pub const fn new(lo: T, hi: T) -> Self {
        Self { lo, hi }
    }

    /// Applies `f` to both limbs.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Word<U> {
        Word {
            lo: f(self.lo),
            hi: f(self.hi),
        }
    }
}

impl Word<u128> {
    /// The word 0.
    pub const ZERO: Self = Self::new(0, 0);
    /// The word `2^256 - 1`.
    pub const MAX: Self = Self::new(u128::MAX, u128::MAX);

    /// The word of 32 little-endian bytes.
    pub fn from_le_bytes(bytes: [u8; 32]) -> Self {
        let lo: [u8; 16] = std::array::from_fn(|i| bytes[i]);
        let hi: [u8; 16] = std::array::from_fn(|i| bytes[16 + i]);
        Self::new(u128::from_le_bytes(lo), u128::from_le_bytes(hi))
    }

    /// The word of 32 big-endian bytes (the EVM's memory order).
    pub fn from_be_bytes(mut bytes: [u8; 32]) -> Self {
        bytes.reverse();
        Self::from_le_bytes(bytes)
    }

    /// The 32 little-endian bytes of the word.
    pub fn to_le_bytes(self) -> [u8; 32] {
        let (lo, hi) = (self.lo.to_le_bytes(), self.hi.to_le_bytes());
        std::array::from_fn(|i| if i < 16 { lo[i] } else { hi[i - 16] })
    }

    /// `self + rhs mod 2^256`, and whether it overflowed.
    pub fn overflowing_add(self, rhs: Self) -> (Self, bool) {
        let (lo, carry_lo) = self.lo.overflowing_add(rhs.lo);
        let (hi, carry_a) = self.hi.overflowing_add(rhs.hi);
        let (hi, carry_b) = hi.overflowing_add(u128::from(carry_lo));
        (Self::new(lo, hi), carry_a || carry_b)
    }

    /// `self - rhs mod 2^256`, and whether it borrowed (`self < rhs`).
    pub fn overflowing_sub(self, rhs: Self) -> (Self, bool) {
        let (lo, borrow_lo) = self.lo.overflowing_sub(rhs.lo);
        let (hi, borrow_a) = self.hi.overflowing_sub(rhs.hi);
        let (hi, borrow_b) = hi.overflowing_sub(u128::from(borrow_lo));
        (Self::new(lo, hi), borrow_a || borrow_b)
    }

    /// The limbs as field elements.
    pub fn to_field<F: PrimeField>(self) -> Word<F> {
        self.map(F::from_u128)
    }
}

/// Columns of a word's 32 range-checked bytes.
#[derive(Clone, Debug)]
pub struct WordBytesConfig<F: PrimeField> {
    /// Bytes 0..16 (little-endian), recomposing `lo`.
    pub lo: ByteDecompositionConfig<F, 16>,
    /// Bytes 16..32 (little-endian), recomposing `hi`.
    pub hi: ByteDecompositionConfig<F, 16>,
}

impl<F: PrimeField> WordBytesConfig<F> {
    /// Registers `WORD_BYTES lo` / `WORD_BYTES hi` (recomposition) and 32 byte lookups, under
    /// `q_enable`, for the word given by `word`; `bytes` are little-endian.
    ///
    /// `q_enable` is used in lookups, so it must not contain a simple `Selector`.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        q_enable: impl Fn(&mut VirtualCells<'_, F>) -> Expression<F>,
        word: impl Fn(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        bytes: [Column<Advice>; 32],
        table: &ByteTable,
    ) -> Self {
        let lo_bytes = std::array::from_fn(|i| bytes[i]);
        let hi_bytes = std::array::from_fn(|i| bytes[16 + i]);
        let lo = ByteDecompositionConfig::configure(
            meta,
            "WORD_BYTES lo",
            &q_enable,
            |m| word(m).lo,
            lo_bytes,
            table,
        );
        let hi = ByteDecompositionConfig::configure(
            meta,
            "WORD_BYTES hi",
            &q_enable,
            |m| word(m).hi,
            hi_bytes,
            table,
        );
        Self { lo, hi }
    }

    /// The 32 byte cells as expressions, little-endian.
    pub fn byte_exprs(&self) -> Vec<Expression<F>> {
        self.lo
            .byte_exprs()
            .iter()
            .chain(self.hi.byte_exprs())
            .cloned()
            .collect()
    }

    /// The word recomposed from the bytes (equal to the input word where `q_enable` is on).
    pub fn word_expr(&self) -> Word<Expression<F>> {
        Word::new(self.lo.expr(), self.hi.expr())
    }

    /// Assigns the 32 bytes of `word` at `offset` and returns them (little-endian).
    pub fn assign(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        word: Value<Word<u128>>,
    ) -> Result<Value<[u8; 32]>, Error> {
        self.assign_limbs(region, offset, word.map(|w| w.to_field()))?;
        Ok(word.map(Word::to_le_bytes))
    }

    /// Assigns the bytes of a word given as field limbs. A limb of `2^128` or more has no
    /// honest decomposition: its low 16 bytes are assigned and the recomposition then fails.
    pub fn assign_limbs(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        word: Value<Word<F>>,
    ) -> Result<(), Error> {
        self.lo.assign(region, offset, word.map(|w| w.lo))?;
        self.hi.assign(region, offset, word.map(|w| w.hi))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
