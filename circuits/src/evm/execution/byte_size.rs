//! ByteSize: the number of significant bytes of a word given by its 32 byte cells (0 for
//! 0, 32 for a word with its top byte set) — what EXP's gas counts.
//!
//! ```text
//! sel_j (j < 32): byte cells, boolean; Σ sel boolean
//! "{what}: top = Σ sel_j·byte_j", "{what}: top·top_inv = Σ sel"
//! "{what}: byte_k·(1 - Σ_{i≥k} sel_i) = 0"                  (k < 32)
//! size = Σ (j + 1)·sel_j
//! ```
//! Soundness: if `Σ sel = 1` with `sel_j = 1`, the second rule makes `byte_j ≠ 0` and the
//! third makes every byte above `j` zero, so `j` is the top non-zero byte. If `Σ sel = 0`,
//! the third rule makes every byte zero; and a zero word cannot take `Σ sel = 1`, since its
//! `top` is 0. So `size` is unique. Cost: 32 byte cells and 2 plain cells.

use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The byte size of a word (see the module docs).
#[derive(Clone, Debug)]
pub struct ByteSize<F: PrimeField> {
    /// `sel_j = 1` iff byte `j` is the top non-zero byte.
    pub sel: [Cell<F>; 32],
    /// The selected byte.
    pub top: Cell<F>,
    /// Its inverse (0 for a zero word).
    pub top_inv: Cell<F>,
}

impl<F: PrimeField> ByteSize<F> {
    /// States the byte size of the word whose little-endian bytes are `bytes` (constraints
    /// named after `what`).
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>, what: &str, bytes: &[Cell<F>; 32]) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let sel: [Cell<F>; 32] = std::array::from_fn(|_| cb.query_byte());
        for s in &sel {
            cb.require_boolean(&format!("{what}: sel is boolean"), s.expr());
        }
        let sum = |cells: &[Cell<F>]| cells.iter().fold(c(0), |acc, s| acc + s.expr());
        cb.require_boolean(&format!("{what}: Σ sel is boolean"), sum(&sel));
        let top = cb.query_cell();
        let top_inv = cb.query_cell();
        let chosen = sel
            .iter()
            .zip(bytes)
            .fold(c(0), |acc, (s, b)| acc + s.expr() * b.expr());
        cb.require_equal(&format!("{what}: top = Σ sel_j·byte_j"), top.expr(), chosen);
        cb.require_equal(
            &format!("{what}: top·top_inv = Σ sel"),
            top.expr() * top_inv.expr(),
            sum(&sel),
        );
        for (k, byte) in bytes.iter().enumerate() {
            cb.require_zero(
                &format!("{what}: byte_k·(1 - Σ_(i≥k) sel_i) = 0"),
                byte.expr() * (c(1) - sum(&sel[k..])),
            );
        }
        Self { sel, top, top_inv }
    }

    /// The size in bytes.
    pub fn expr(&self) -> Expression<F> {
        self.sel
            .iter()
            .enumerate()
            .fold(Expression::Constant(F::ZERO), |acc, (j, s)| {
                acc + Expression::Constant(F::from(j as u64 + 1)) * s.expr()
            })
    }

    /// Assigns the cells for `value`; returns its byte size.
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, value: U256) -> Result<u64, Error> {
        let bytes = value.to_le_bytes::<32>();
        let top = bytes.iter().rposition(|b| *b != 0);
        for (j, s) in self.sel.iter().enumerate() {
            s.assign(region, F::from(u64::from(top == Some(j))))?;
        }
        let top_byte = F::from(u64::from(top.map_or(0, |j| bytes[j])));
        self.top.assign(region, top_byte)?;
        self.top_inv
            .assign(region, top_byte.invert().unwrap_or(F::ZERO))?;
        Ok(top.map_or(0, |j| j as u64 + 1))
    }
}
