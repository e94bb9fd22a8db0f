//! SIGNEXTEND: pushes `x` sign-extended from byte `b` (little-endian numbering, byte 0 the
//! least significant): for `b < 31` the bytes of `x` above byte `b` become `0xff` if bit 7
//! of byte `b` is set and `0x00` otherwise; for `b ≥ 31` the result is `x`.
//!
//! `x` is split into 32 little-endian byte cells and `b.lo` into 16. The clamped index
//! `c = min(b, 255)` is a cell, and a one-hot set `sel_0..sel_31` picks `k = min(b, 31)`
//! through a slack byte `g` that only `sel_31` may use. Byte `j` of the result is kept when
//! `keep_j = Σ_{i≥j} sel_i` is 1 (i.e. `j ≤ k`) and is `255·sign` otherwise:
//!
//! ```text
//! b = pop (rw 0), x = pop (rw 1), result = push (rw 2)
//! "SIGN_EXTEND: x.lo = Σ_{j<16} x_byte_j·256^j"
//! "SIGN_EXTEND: x.hi = Σ_{j≥16} x_byte_j·256^(j-16)"
//! "SIGN_EXTEND: b.lo = Σ_{j<16} b_byte_j·256^j"
//! WordIsZero(Σ_{j≥1} b_byte_j, b.hi) = in_range                    (see word_is_zero.rs)
//! "SIGN_EXTEND: c = in_range·b_byte_0 + (1 - in_range)·255"
//! "SIGN_EXTEND: sel_j is boolean" (j = 0..32), "SIGN_EXTEND: Σ_j sel_j = 1"
//! "SIGN_EXTEND: Σ_j j·sel_j + g = c"                                 g a byte cell
//! "SIGN_EXTEND: (1 - sel_31)·g = 0"
//! "SIGN_EXTEND: selected = Σ_j sel_j·x_byte_j"
//! "SIGN_EXTEND: rest = selected + 128 - 256·sign"                    sign boolean, rest a byte
//! keep_j = Σ_{i≥j} sel_i, r_j = keep_j·x_byte_j + (1 - keep_j)·255·sign
//! "SIGN_EXTEND: result.lo = Σ_{j<16} r_j·256^j"
//! "SIGN_EXTEND: result.hi = Σ_{j≥16} r_j·256^(j-16)"
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 5
//! ```
//!
//! Soundness. `x` and `b` are rw values (limbs below `2^128`), so their byte decompositions
//! hold over the integers. The sum `Σ_{j≥1} b_byte_j` is at most `15·255` and cannot wrap,
//! so `in_range` (a boolean) is 1 iff `b < 256`, i.e. iff `b = b_byte_0`; hence
//! `c = min(b, 255) ∈ [0, 255]`. The selectors are booleans summing to 1: exactly one
//! `sel_k` is 1, and the index equation reads `k + g = c` — over the integers, as every
//! term is below 300. If `k < 31`, then `g = 0` and `c = k ≠ 255`, so `in_range = 1` and
//! `b = b_byte_0 = k`. If `k = 31`, then `c = 31 + g ≥ 31` since `g` is a byte, so `b ≥ 31`.
//! Conversely, for `b = j < 31` no other choice holds (`sel_31` would need
//! `g = j - 31 < 0`, another `k < 31` would need `c = k ≠ j`), and for `b ≥ 31` only
//! `sel_31` does (`c ≥ 31` exceeds every `k < 31`). So the selector is unique and
//! `k = min(b, 31)`. `selected` is then `x_byte_k`, and `rest` is a byte only for
//! `sign = [x_byte_k ≥ 128]` (as in [`SignBit`](super::SignBit)): with `sign = 0` and a
//! top bit set, `rest ≥ 256`; with `sign = 1` and the bit clear, `rest` is negative, i.e.
//! near `p`. `keep_j` is 1 for `j ≤ k` and 0 above, so `r_j` is `x_byte_j` or
//! `255·sign`, a byte either way; the result limbs are sums of bytes below `2^128` and equal
//! the rw values over the integers. For `k = 31` every byte is kept: the result is `x`.
//!
//! Cost: 68 byte cells (`x` 32, `b.lo` 16, `g`, `rest`, the gas bytes 8 and 10 of the
//! selectors, which are booleans and fit byte columns) and 28 plain cells (the other 22
//! selectors, `WordIsZero`'s 3, `c`, `selected`, `sign`): 7 rows of 4 plain and 10 byte
//! columns.

use super::{
    mul_add::{assign_word_bytes, word_of_bytes},
    ExecutionGadget, SameContext, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// How many of the 32 selectors live in byte columns (the rest in plain columns), so that
/// both kinds fill the same number of rows.
const BYTE_SELECTORS: usize = 10;

/// SIGNEXTEND.
#[derive(Clone, Debug)]
pub struct SignExtendGadget<F: PrimeField> {
    /// `x`'s 32 bytes, little-endian; tied to `x.lo` and `x.hi`.
    pub x_bytes: [Cell<F>; 32],
    /// `b.lo`'s 16 bytes, little-endian; tied to `b.lo`.
    pub b_bytes: [Cell<F>; 16],
    /// `b < 256`: `Σ_{j≥1} b_byte_j` and `b.hi` are both zero.
    pub in_range: WordIsZero<F>,
    /// `min(b, 255)`: `b_byte_0` when in range, 255 otherwise.
    pub c: Cell<F>,
    /// One-hot over `min(b, 31)`: `sel_j` for `b = j < 31`, `sel_31` for `b ≥ 31`. The first
    /// 10 are byte cells (to balance the plain and byte columns); all are constrained boolean.
    pub sel: [Cell<F>; 32],
    /// `c - 31` when `sel_31` is set, else 0 (a byte): the slack that lets `sel_31` stand for
    /// every `b ≥ 31`.
    pub g: Cell<F>,
    /// `x_byte_k` for the selected `k`.
    pub selected: Cell<F>,
    /// Bit 7 of `selected` (boolean).
    pub sign: Cell<F>,
    /// `selected + 128 - 256·sign`, a byte: pins `sign`.
    pub rest: Cell<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for SignExtendGadget<F> {
    const NAME: &'static str = "SIGN_EXTEND";
    const STATE: ExecutionState = ExecutionState::SignExtend;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let b = cb.stack_pop();
        let x = cb.stack_pop();
        let result = cb.stack_push();

        let x_bytes = cb.query_bytes::<32>();
        let xb: Vec<_> = x_bytes.iter().map(Cell::expr).collect();
        let x_word = word_of_bytes(&x_bytes);
        cb.require_equal("x.lo = Σ_{j<16} x_byte_j·256^j", x.lo, x_word.lo);
        cb.require_equal("x.hi = Σ_{j≥16} x_byte_j·256^(j-16)", x.hi, x_word.hi);
        let b_bytes = cb.query_bytes::<16>();
        let bb: Vec<_> = b_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "b.lo = Σ_{j<16} b_byte_j·256^j",
            b.lo,
            expr_from_le_bytes(&bb),
        );
        let high = bb[1..].iter().fold(c(0), |acc, v| acc + v.clone());
        let in_range = WordIsZero::configure(cb, "b high part", Word::new(high, b.hi));
        let clamped = cb.query_cell();
        cb.require_equal(
            "c = in_range·b_byte_0 + (1 - in_range)·255",
            clamped.expr(),
            in_range.expr() * bb[0].clone() + (c(1) - in_range.expr()) * c(255),
        );

        let sel: [Cell<F>; 32] = std::array::from_fn(|j| {
            if j < BYTE_SELECTORS {
                let cell = cb.query_byte();
                cb.require_boolean("sel_j is boolean", cell.expr());
                cell
            } else {
                cb.query_bool("sel_j is boolean")
            }
        });
        let sum = sel.iter().fold(c(0), |acc, s| acc + s.expr());
        cb.require_equal("Σ_j sel_j = 1", sum, c(1));
        let g = cb.query_byte();
        let index = sel
            .iter()
            .enumerate()
            .fold(c(0), |acc, (j, s)| acc + c(j as u64) * s.expr());
        cb.require_equal("Σ_j j·sel_j + g = c", index + g.expr(), clamped.expr());
        cb.require_zero("(1 - sel_31)·g = 0", (c(1) - sel[31].expr()) * g.expr());

        let selected = cb.query_cell();
        let choice = sel
            .iter()
            .zip(&xb)
            .fold(c(0), |acc, (s, v)| acc + s.expr() * v.clone());
        cb.require_equal("selected = Σ_j sel_j·x_byte_j", selected.expr(), choice);
        let sign = cb.query_bool("sign is boolean");
        let rest = cb.query_byte();
        cb.require_equal(
            "rest = selected + 128 - 256·sign",
            rest.expr(),
            selected.expr() + c(128) - c(256) * sign.expr(),
        );

        // keep_j = Σ_{i≥j} sel_i; r_j = keep_j·x_byte_j + (1 - keep_j)·255·sign.
        let fill = c(255) * sign.expr();
        let mut keep = c(0);
        let mut r = vec![c(0); 32];
        for j in (0..32).rev() {
            keep = keep + sel[j].expr();
            r[j] = keep.clone() * xb[j].clone() + (c(1) - keep.clone()) * fill.clone();
        }
        cb.require_equal(
            "result.lo = Σ_{j<16} r_j·256^j",
            result.lo,
            expr_from_le_bytes(&r[..16]),
        );
        cb.require_equal(
            "result.hi = Σ_{j≥16} r_j·256^(j-16)",
            result.hi,
            expr_from_le_bytes(&r[16..]),
        );
        let same_context = SameContext::configure(cb, c(1));
        Self {
            x_bytes,
            b_bytes,
            in_range,
            c: clamped,
            sel,
            g,
            selected,
            sign,
            rest,
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
        let [b, x] = [0, 1].map(|k| rws.get(k).map(|rw| rw.value));
        let (b, x) = (b.ok_or(Error::Synthesis)?, x.ok_or(Error::Synthesis)?);
        let small = |v: u64| F::from(v);
        assign_word_bytes(&self.x_bytes, region, x)?;
        let bb = b.to_le_bytes::<32>();
        for (cell, v) in self.b_bytes.iter().zip(bb) {
            cell.assign(region, small(u64::from(v)))?;
        }
        let high = bb[1..16].iter().map(|v| u64::from(*v)).sum::<u64>();
        self.in_range
            .assign(region, Word::new(small(high), word_of::<F>(b).hi))?;
        let clamped = if b < U256::from(256) {
            u64::from(bb[0])
        } else {
            255
        };
        self.c.assign(region, small(clamped))?;
        let k = clamped.min(31);
        for (j, cell) in self.sel.iter().enumerate() {
            cell.assign(region, small(u64::from(j as u64 == k)))?;
        }
        self.g.assign(region, small(clamped - k))?;
        let selected = u64::from(x.to_le_bytes::<32>()[k as usize]);
        let sign = selected >> 7;
        self.selected.assign(region, small(selected))?;
        self.sign.assign(region, small(sign))?;
        self.rest
            .assign(region, small(selected + 128 - 256 * sign))?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
