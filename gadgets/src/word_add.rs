//! Word addition and subtraction modulo `2^256` on 128-bit limbs, with carry bits.
//!
//! [`WordAddConfig`] constrains, under `q_enable`, `lhs + rhs = sum mod 2^256`:
//!
//! ```text
//! "{name}: carry_lo is boolean", "{name}: carry_hi is boolean"
//! "{name}: lhs.lo + rhs.lo = sum.lo + carry_lo·2^128"
//! "{name}: lhs.hi + rhs.hi + carry_lo = sum.hi + carry_hi·2^128"
//! ```
//! and outputs `carry_hi` (1 iff the integer sum is `2^256` or more). [`WordSubConfig`] proves
//! `lhs - rhs = diff mod 2^256` as `diff + rhs = lhs`; its output (the same `carry_hi`) is the
//! borrow, 1 iff `lhs < rhs`.
//!
//! Soundness requires every limb of the three words to be below `2^128`; **this chip does not
//! range-check them**. Inputs usually are (stack words from the rw table, or words with
//! [`WordBytesConfig`](crate::WordBytesConfig)); the result word must be range-checked by the
//! caller. Given that: each equation's left side is below `2^129 + 1`, nothing wraps in the
//! field, and for a boolean carry exactly one choice puts the result limb in `[0, 2^128)`.
//! Without the range check a prover could flip `carry_lo` and shift `sum.lo` by `2^128` (the
//! tests show the byte check rejecting that). Cost: 2 advice columns, one row, 4 constraints of
//! degree at most `deg(q) + 2`.

use halo2_proofs::{
    circuit::{Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Error, Expression, VirtualCells},
    poly::Rotation,
};

use crate::{
    util::{constant, pow2},
    word::Word,
};

/// Columns and overflow expression of `lhs + rhs = sum mod 2^256`.
#[derive(Clone, Debug)]
pub struct WordAddConfig<F: PrimeField> {
    /// Witness column: the carry out of the low limbs.
    pub carry_lo: Column<Advice>,
    /// Witness column: the carry out of the high limbs (the overflow).
    pub carry_hi: Column<Advice>,
    carry_hi_expr: Expression<F>,
}

impl<F: PrimeField> WordAddConfig<F> {
    /// Registers the `WORD_ADD` gate for `lhs + rhs = sum mod 2^256` under `q_enable`.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        q_enable: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        lhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        rhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        sum: impl FnOnce(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        carry_lo: Column<Advice>,
        carry_hi: Column<Advice>,
    ) -> Self {
        Self::configure_named(
            meta, "WORD_ADD", q_enable, lhs, rhs, sum, carry_lo, carry_hi,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn configure_named(
        meta: &mut ConstraintSystem<F>,
        name: &str,
        q_enable: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        lhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        rhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        sum: impl FnOnce(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        carry_lo: Column<Advice>,
        carry_hi: Column<Advice>,
    ) -> Self {
        let mut carry_hi_expr = constant(0);
        meta.create_gate(name, |m| {
            let q = q_enable(m);
            let (lhs, rhs, sum) = (lhs(m), rhs(m), sum(m));
            let c_lo = m.query_advice(carry_lo, Rotation::cur());
            let c_hi = m.query_advice(carry_hi, Rotation::cur());
            carry_hi_expr = c_hi.clone();
            let limb = pow2::<F>(128);
            let boolean = |c: &Expression<F>| c.clone() * (constant(1) - c.clone());
            vec![
                (
                    format!("{name}: carry_lo is boolean"),
                    q.clone() * boolean(&c_lo),
                ),
                (
                    format!("{name}: carry_hi is boolean"),
                    q.clone() * boolean(&c_hi),
                ),
                (
                    format!("{name}: lhs.lo + rhs.lo = sum.lo + carry_lo·2^128"),
                    q.clone() * (lhs.lo + rhs.lo - sum.lo - c_lo.clone() * limb),
                ),
                (
                    format!("{name}: lhs.hi + rhs.hi + carry_lo = sum.hi + carry_hi·2^128"),
                    q * (lhs.hi + rhs.hi + c_lo - sum.hi - c_hi * limb),
                ),
            ]
        });
        Self {
            carry_lo,
            carry_hi,
            carry_hi_expr,
        }
    }

    /// The output: 1 if `lhs + rhs ≥ 2^256`, else 0 (a boolean cell).
    pub fn overflow(&self) -> Expression<F> {
        self.carry_hi_expr.clone()
    }

    /// Assigns the carries of `lhs + rhs` at `offset`; returns the sum mod `2^256` and the
    /// overflow.
    pub fn assign(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        lhs: Value<Word<u128>>,
        rhs: Value<Word<u128>>,
    ) -> Result<Value<(Word<u128>, bool)>, Error> {
        let carries = lhs.zip(rhs).map(|(l, r)| {
            let (_, carry_lo) = l.lo.overflowing_add(r.lo);
            let (sum, carry_hi) = l.overflowing_add(r);
            (sum, carry_lo, carry_hi)
        });
        region.assign_advice(
            self.carry_lo,
            offset,
            carries.map(|(_, c, _)| F::from(u64::from(c))),
        );
        region.assign_advice(
            self.carry_hi,
            offset,
            carries.map(|(_, _, c)| F::from(u64::from(c))),
        );
        Ok(carries.map(|(sum, _, carry_hi)| (sum, carry_hi)))
    }
}

/// Columns and borrow expression of `lhs - rhs = diff mod 2^256`, proved as `diff + rhs = lhs`.
#[derive(Clone, Debug)]
pub struct WordSubConfig<F: PrimeField> {
    /// The addition `diff + rhs = lhs`; its `carry_hi` is the borrow.
    pub add: WordAddConfig<F>,
}

impl<F: PrimeField> WordSubConfig<F> {
    /// Registers the `WORD_SUB` gate for `lhs - rhs = diff mod 2^256` under `q_enable`. Its
    /// constraints are those of [`WordAddConfig`] with `diff` as `lhs`, `rhs` as `rhs` and
    /// `lhs` as `sum`.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        q_enable: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        lhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        rhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        diff: impl FnOnce(&mut VirtualCells<'_, F>) -> Word<Expression<F>>,
        carry_lo: Column<Advice>,
        carry_hi: Column<Advice>,
    ) -> Self {
        let add = WordAddConfig::configure_named(
            meta, "WORD_SUB", q_enable, diff, rhs, lhs, carry_lo, carry_hi,
        );
        Self { add }
    }

    /// The output: 1 if `lhs < rhs` (the subtraction wrapped), else 0 (a boolean cell).
    pub fn borrow(&self) -> Expression<F> {
        self.add.overflow()
    }

    /// Assigns the carries at `offset`; returns `lhs - rhs mod 2^256` and the borrow.
    pub fn assign(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        lhs: Value<Word<u128>>,
        rhs: Value<Word<u128>>,
    ) -> Result<Value<(Word<u128>, bool)>, Error> {
        let diff = lhs.zip(rhs).map(|(l, r)| l.overflowing_sub(r));
        self.add.assign(region, offset, diff.map(|(d, _)| d), rhs)?;
        Ok(diff)
    }
}

#[cfg(test)]
mod tests;
