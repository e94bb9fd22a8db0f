//! MulAddWords: `a·b + c = d + e·2^256` over the integers, for 256-bit words, with a 512-bit
//! result — the core of MUL, DIV, MOD, SDIV, SMOD, ADDMOD and MULMOD.
//!
//! `a` and `b` are split into 64-bit limbs `a_i`, `b_i` (`i < 4`) by 32 byte cells each;
//! the column sums of the schoolbook product are
//!
//! ```text
//! t_k = Σ_{i+j=k} a_i·b_j                                          (k = 0..6)
//! "{what}: t0 + t1·2^64 + c.lo = d.lo + carry_0·2^128"
//! "{what}: t2 + t3·2^64 + c.hi + carry_0 = d.hi + carry_1·2^128"
//! "{what}: t4 + t5·2^64 + carry_1 = e.lo + carry_2·2^128"
//! "{what}: t6 + carry_2 = e.hi"
//! carry_0, carry_1, carry_2: 9 byte cells each (< 2^72)
//! ```
//!
//! Soundness. The caller guarantees that the limbs of `c`, `d` and `e.lo` are below 2^128
//! (rw values, byte cells, or constants). Every `a_i`, `b_i` is below 2^64, so
//! `t_k < 4·2^128`; each side of each equation is below `2^200 < p`, so the equations hold
//! over the integers. Read them top to bottom: the first fixes `d.lo` and `carry_0` (the
//! low and high parts of its left side), the second `d.hi` and `carry_1`, the third `e.lo`
//! and `carry_2`, and the last `e.hi`. Summed with weights `1, 2^128, 2^256, 2^384` they
//! are `a·b + c = d + e·2^256`. The true carries are below `2^67`, so 9 bytes always
//! suffice for an honest prover. With `e = 0` (a constant) the gadget proves
//! `a·b + c < 2^256` as well: the last two equations then force `t4 = t5 = t6 = 0` and
//! `carry_1 = carry_2 = 0`, since every term is non-negative and the sums stay below `p`.
//!
//! Cost: 91 byte cells (64 for `a` and `b`, 27 for the carries), no plain cell; 27 when
//! the caller passes bytes it already has ([`MulAddWords::configure_with_bytes`]).

use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Bytes of each carry: the largest true carry is below `2^67`.
pub const CARRY_BYTES: usize = 9;

/// `a·b + c = d + e·2^256` (see the module docs).
#[derive(Clone, Debug)]
pub struct MulAddWords<F: PrimeField> {
    /// `a`, 32 bytes little-endian.
    pub a_bytes: [Cell<F>; 32],
    /// `b`, 32 bytes little-endian.
    pub b_bytes: [Cell<F>; 32],
    /// `carry_0`, `carry_1` and (unless the product is taken mod `2^256` only) `carry_2`,
    /// each little-endian bytes.
    pub carries: Vec<[Cell<F>; CARRY_BYTES]>,
}

/// The 64-bit limbs of a word given by 32 little-endian byte expressions.
fn limbs<F: PrimeField>(bytes: &[Expression<F>]) -> [Expression<F>; 4] {
    std::array::from_fn(|i| expr_from_le_bytes(&bytes[8 * i..8 * i + 8]))
}

/// The word (lo, hi) of 32 little-endian byte cells.
pub fn word_of_bytes<F: PrimeField>(bytes: &[Cell<F>; 32]) -> Word<Expression<F>> {
    let exprs: Vec<_> = bytes.iter().map(Cell::expr).collect();
    Word::new(
        expr_from_le_bytes(&exprs[..16]),
        expr_from_le_bytes(&exprs[16..]),
    )
}

/// Assigns `value` into 32 little-endian byte cells.
pub fn assign_word_bytes<F: PrimeField>(
    cells: &[Cell<F>; 32],
    region: &mut StepRegion<'_, '_, F>,
    value: U256,
) -> Result<(), Error> {
    for (cell, byte) in cells.iter().zip(value.to_le_bytes::<32>()) {
        cell.assign(region, F::from(u64::from(byte)))?;
    }
    Ok(())
}

impl<F: PrimeField> MulAddWords<F> {
    /// Allocates `a`, `b` and the carries and states `a·b + c = d + e·2^256` (constraints
    /// named after `what`). `c`, `d` and `e.lo` must have limbs below `2^128`; tie `a` and
    /// `b` to the step with [`Self::a`] and [`Self::b`].
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        c: Word<Expression<F>>,
        d: Word<Expression<F>>,
        e: Word<Expression<F>>,
    ) -> Self {
        let a_bytes = cb.query_bytes::<32>();
        let b_bytes = cb.query_bytes::<32>();
        Self::configure_with_bytes(cb, what, a_bytes, b_bytes, c, d, e)
    }

    /// [`Self::configure`] with `a` and `b` given as 32 byte cells each that the caller
    /// already allocated (so that one word can be a factor here and a term elsewhere).
    pub fn configure_with_bytes(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        a_bytes: [Cell<F>; 32],
        b_bytes: [Cell<F>; 32],
        c: Word<Expression<F>>,
        d: Word<Expression<F>>,
        e: Word<Expression<F>>,
    ) -> Self {
        Self::build(cb, what, a_bytes, b_bytes, c, d, Some(e))
    }

    /// `a·b + c = d mod 2^256` only (the high half is not computed): the first two
    /// equations, with two carries (18 byte cells besides `a` and `b`). `c` and `d` must
    /// have limbs below `2^128`; then `d` is the low half of `a·b + c`.
    pub fn configure_low(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        a_bytes: [Cell<F>; 32],
        b_bytes: [Cell<F>; 32],
        c: Word<Expression<F>>,
        d: Word<Expression<F>>,
    ) -> Self {
        Self::build(cb, what, a_bytes, b_bytes, c, d, None)
    }

    fn build(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        a_bytes: [Cell<F>; 32],
        b_bytes: [Cell<F>; 32],
        c: Word<Expression<F>>,
        d: Word<Expression<F>>,
        e: Option<Word<Expression<F>>>,
    ) -> Self {
        let n_carries = if e.is_some() { 3 } else { 2 };
        let carries: Vec<[Cell<F>; CARRY_BYTES]> = (0..n_carries)
            .map(|_| cb.query_bytes::<CARRY_BYTES>())
            .collect();
        let exprs = |cells: &[Cell<F>]| cells.iter().map(Cell::expr).collect::<Vec<_>>();
        let a = limbs(&exprs(&a_bytes));
        let b = limbs(&exprs(&b_bytes));
        let t: Vec<Expression<F>> = (0..7)
            .map(|k| {
                (0..4)
                    .filter(|i| k >= *i && k - i < 4)
                    .map(|i| a[i].clone() * b[k - i].clone())
                    .reduce(|x, y| x + y)
                    .unwrap_or(Expression::Constant(F::ZERO))
            })
            .collect();
        let carry: Vec<Expression<F>> = carries
            .iter()
            .map(|bytes| expr_from_le_bytes(&exprs(bytes)))
            .collect();
        let p64 = Expression::Constant(pow2::<F>(64));
        let p128 = Expression::Constant(pow2::<F>(128));
        cb.require_equal(
            &format!("{what}: t0 + t1·2^64 + c.lo = d.lo + carry_0·2^128"),
            t[0].clone() + t[1].clone() * p64.clone() + c.lo,
            d.lo + carry[0].clone() * p128.clone(),
        );
        cb.require_equal(
            &format!("{what}: t2 + t3·2^64 + c.hi + carry_0 = d.hi + carry_1·2^128"),
            t[2].clone() + t[3].clone() * p64.clone() + c.hi + carry[0].clone(),
            d.hi + carry[1].clone() * p128.clone(),
        );
        if let Some(e) = e {
            cb.require_equal(
                &format!("{what}: t4 + t5·2^64 + carry_1 = e.lo + carry_2·2^128"),
                t[4].clone() + t[5].clone() * p64 + carry[1].clone(),
                e.lo + carry[2].clone() * p128,
            );
            cb.require_equal(
                &format!("{what}: t6 + carry_2 = e.hi"),
                t[6].clone() + carry[2].clone(),
                e.hi,
            );
        }
        Self {
            a_bytes,
            b_bytes,
            carries,
        }
    }

    /// `a` as a word of its bytes.
    pub fn a(&self) -> Word<Expression<F>> {
        word_of_bytes(&self.a_bytes)
    }

    /// `b` as a word of its bytes.
    pub fn b(&self) -> Word<Expression<F>> {
        word_of_bytes(&self.b_bytes)
    }

    /// Assigns `a`, `b` and the carries of `a·b + c`; returns `(d, e)`, the low and high
    /// halves of the 512-bit result.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        a: U256,
        b: U256,
        c: U256,
    ) -> Result<(U256, U256), Error> {
        assign_word_bytes(&self.a_bytes, region, a)?;
        assign_word_bytes(&self.b_bytes, region, b)?;
        self.assign_carries(region, a, b, c)
    }

    /// Assigns only the carries of `a·b + c` (for bytes the caller assigns); returns
    /// `(d, e)`.
    pub fn assign_carries(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        a: U256,
        b: U256,
        c: U256,
    ) -> Result<(U256, U256), Error> {
        let (al, bl, cl) = (a.as_limbs(), b.as_limbs(), c.as_limbs());
        // Column sums t_k (< 2^130) as 256-bit integers.
        let t: Vec<U256> = (0..7)
            .map(|k| {
                (0..4)
                    .filter(|i| k >= *i && k - i < 4)
                    .map(|i| U256::from(al[i]) * U256::from(bl[k - i]))
                    .fold(U256::ZERO, |x, y| x + y)
            })
            .collect();
        let p64 = |x: U256| -> U256 { x << 64 };
        let split = |x: U256| -> (U256, U256) { (x & U256::from(u128::MAX), x >> 128) };
        let c_lo = U256::from(cl[0]) + p64(U256::from(cl[1]));
        let c_hi = U256::from(cl[2]) + p64(U256::from(cl[3]));
        let (d_lo, carry0) = split(t[0] + p64(t[1]) + c_lo);
        let (d_hi, carry1) = split(t[2] + p64(t[3]) + c_hi + carry0);
        let (e_lo, carry2) = split(t[4] + p64(t[5]) + carry1);
        let e_hi = t[6] + carry2;
        for (cells, value) in self.carries.iter().zip([carry0, carry1, carry2]) {
            for (cell, byte) in cells.iter().zip(value.to_le_bytes::<32>()) {
                cell.assign(region, F::from(u64::from(byte)))?;
            }
        }
        Ok((d_lo + (d_hi << 128), e_lo + (e_hi << 128)))
    }
}
