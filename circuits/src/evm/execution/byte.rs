//! BYTE: pushes byte `i` of `x` counted from the most significant end (`x >> (248 - 8i) &
//! 0xff`), or 0 when `i ≥ 32`.
//!
//! `x` is split into 32 little-endian byte cells, so byte `i` (big-endian) is
//! `x_byte_{31-i}`. The index's low five bits `r = 8·h + l` are selected by two one-hot sets
//! (`sel_hi` over `h ∈ 0..4`, `sel_lo` over `l ∈ 0..8`), with a per-group choice `t_h` in
//! between so every constraint has degree ≤ 2:
//!
//! ```text
//! i = pop (rw 0), x = pop (rw 1), result = push (rw 2)
//! "BYTE: x.lo = Σ_{j<16} x_byte_j·256^j", "BYTE: x.hi = Σ_{j≥16} x_byte_j·256^(j-16)"
//! "BYTE: i.lo = Σ_{j<16} i_byte_j·256^j"
//! sel_hi, sel_lo boolean; "BYTE: Σ sel_hi = 1", "BYTE: Σ sel_lo = 1"
//! "BYTE: i_byte_0 = 8·Σ h·sel_hi_h + Σ l·sel_lo_l + 32·q"          q a byte cell
//! "BYTE: t_h = Σ_l sel_lo_l · x_byte_{31-8h-l}"                      (h = 0..4)
//! "BYTE: selected = Σ_h sel_hi_h · t_h"
//! WordIsZero(q + Σ_{j≥1} i_byte_j, i.hi) = in_range                  (see word_is_zero.rs)
//! "BYTE: result.lo = in_range·selected", "BYTE: result.hi = 0"
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 3
//! ```
//! Soundness: the one-hot sets make `r ∈ [0, 32)`; `i_byte_0 = r + 32·q` with
//! `i_byte_0 ≤ 255` and `q ≤ 255` holds over the integers, so `q = i_byte_0 >> 5 ≤ 7` and
//! `r = i_byte_0 & 31`. `i.hi` is below `2^128` (rw table) and the other summands are bytes,
//! so `in_range = 1` iff `i.hi = 0`, `q = 0` and `i_byte_j = 0` for `j ≥ 1`, i.e. iff
//! `i = r < 32`; then `selected = x_byte_{31-r}`.

use super::{ExecutionGadget, SameContext, WordIsZero};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// BYTE.
#[derive(Clone, Debug)]
pub struct ByteGadget<F: PrimeField> {
    /// `x`'s 32 bytes, little-endian.
    pub x_bytes: [Cell<F>; 32],
    /// `i.lo`'s 16 bytes, little-endian.
    pub i_bytes: [Cell<F>; 16],
    /// `i_byte_0 >> 5`.
    pub q: Cell<F>,
    /// One-hot over `(i mod 32) / 8`.
    pub sel_hi: [Cell<F>; 4],
    /// One-hot over `i mod 8`.
    pub sel_lo: [Cell<F>; 8],
    /// `t_h = x_byte_{31-8h-(i mod 8)}`.
    pub t: [Cell<F>; 4],
    /// `x_byte_{31-(i mod 32)}`.
    pub selected: Cell<F>,
    /// `i < 32`.
    pub in_range: WordIsZero<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ByteGadget<F> {
    const NAME: &'static str = "BYTE";
    const STATE: ExecutionState = ExecutionState::Byte;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let sum = |cells: &[Cell<F>]| cells.iter().fold(c(0), |acc, x| acc + x.expr());
        let i = cb.stack_pop();
        let x = cb.stack_pop();
        let result = cb.stack_push();

        let x_bytes = cb.query_bytes::<32>();
        let xb: Vec<_> = x_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "x.lo = Σ_{j<16} x_byte_j·256^j",
            x.lo,
            expr_from_le_bytes(&xb[..16]),
        );
        cb.require_equal(
            "x.hi = Σ_{j≥16} x_byte_j·256^(j-16)",
            x.hi,
            expr_from_le_bytes(&xb[16..]),
        );
        let i_bytes = cb.query_bytes::<16>();
        let ib: Vec<_> = i_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "i.lo = Σ_{j<16} i_byte_j·256^j",
            i.lo,
            expr_from_le_bytes(&ib),
        );

        let sel_hi: [Cell<F>; 4] = std::array::from_fn(|_| cb.query_bool("sel_hi is boolean"));
        let sel_lo: [Cell<F>; 8] = std::array::from_fn(|_| cb.query_bool("sel_lo is boolean"));
        cb.require_equal("Σ sel_hi = 1", sum(&sel_hi), c(1));
        cb.require_equal("Σ sel_lo = 1", sum(&sel_lo), c(1));
        let weighted = |cells: &[Cell<F>], w: u64| {
            cells
                .iter()
                .enumerate()
                .fold(c(0), |acc, (k, s)| acc + c(w * k as u64) * s.expr())
        };
        let q = cb.query_byte();
        cb.require_equal(
            "i_byte_0 = 8·Σ h·sel_hi_h + Σ l·sel_lo_l + 32·q",
            ib[0].clone(),
            weighted(&sel_hi, 8) + weighted(&sel_lo, 1) + c(32) * q.expr(),
        );

        // t_h = Σ_l sel_lo_l · x_byte_{31-8h-l}; selected = Σ_h sel_hi_h · t_h.
        let t: [Cell<F>; 4] = std::array::from_fn(|_| cb.query_cell());
        for (h, th) in t.iter().enumerate() {
            let choice = sel_lo.iter().enumerate().fold(c(0), |acc, (l, s)| {
                acc + s.expr() * xb[31 - 8 * h - l].clone()
            });
            cb.require_equal(
                &format!("t_{h} = Σ_l sel_lo_l · x_byte_(31-8·{h}-l)"),
                th.expr(),
                choice,
            );
        }
        let selected = cb.query_cell();
        let choice = sel_hi
            .iter()
            .zip(&t)
            .fold(c(0), |acc, (s, th)| acc + s.expr() * th.expr());
        cb.require_equal("selected = Σ_h sel_hi_h · t_h", selected.expr(), choice);

        let high = ib[1..].iter().fold(q.expr(), |acc, b| acc + b.clone());
        let in_range = WordIsZero::configure(cb, "i high part", Word::new(high, i.hi));
        cb.require_equal(
            "result.lo = in_range·selected",
            result.lo,
            in_range.expr() * selected.expr(),
        );
        cb.require_zero("result.hi = 0", result.hi);
        let same_context = SameContext::configure(cb, c(1));
        Self {
            x_bytes,
            i_bytes,
            q,
            sel_hi,
            sel_lo,
            t,
            selected,
            in_range,
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
        let [i, x] = [0, 1].map(|k| rws.get(k).map(|rw| rw.value));
        let (i, x) = (i.ok_or(Error::Synthesis)?, x.ok_or(Error::Synthesis)?);
        let byte = |b: u8| F::from(u64::from(b));
        let xb = x.to_le_bytes::<32>();
        for (cell, b) in self.x_bytes.iter().zip(xb) {
            cell.assign(region, byte(b))?;
        }
        let ib = i.to_le_bytes::<32>();
        for (cell, b) in self.i_bytes.iter().zip(ib) {
            cell.assign(region, byte(b))?;
        }
        let r = usize::from(ib[0] & 31);
        let q = ib[0] >> 5;
        self.q.assign(region, byte(q))?;
        let bit = |x: bool| F::from(u64::from(x));
        for (h, cell) in self.sel_hi.iter().enumerate() {
            cell.assign(region, bit(h == r / 8))?;
        }
        for (l, cell) in self.sel_lo.iter().enumerate() {
            cell.assign(region, bit(l == r % 8))?;
        }
        for (h, cell) in self.t.iter().enumerate() {
            cell.assign(region, byte(xb[31 - 8 * h - r % 8]))?;
        }
        self.selected.assign(region, byte(xb[31 - r]))?;
        let high = ib[1..16]
            .iter()
            .fold(u64::from(q), |acc, b| acc + u64::from(*b));
        self.in_range
            .assign(region, Word::new(F::from(high), word_of::<F>(i).hi))?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_trace::revm::primitives::U256;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// x = 0x0102..20 (byte i is i + 1); BYTE with i = 0, 31, 32, 2^128 + 3, 16, 255, each
    /// as `DUP1 PUSH i BYTE POP`. BYTE steps of the slice are 0, 4, 8, 12, 16, 20.
    fn circuit() -> EvmCircuit {
        let mut code = vec![0x7f];
        code.extend(1..=32u8);
        for push in [
            vec![0x60, 0],
            vec![0x60, 31],
            vec![0x60, 32],
            [vec![0x70, 1], vec![0; 15], vec![3]].concat(),
            vec![0x60, 16],
            vec![0x60, 255],
        ] {
            code.push(0x80);
            code.extend(push);
            code.extend([0x1a, 0x50]);
        }
        code.push(0x00);
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::Byte, 0);
        let last = nth_step(&w, ExecutionState::Byte, 5);
        slice(&w, first..last + 1)
    }

    #[test]
    fn byte_in_and_out_of_range_pass() {
        let c = circuit();
        let results: Vec<_> = [0, 4, 8, 12, 16, 20]
            .iter()
            .map(|i| c.witness.step_rws(&c.witness.steps[c.steps.start + i])[2].value)
            .collect();
        assert_eq!(results, [1, 32, 0, 0, 17, 0].map(U256::from));
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn byte_result_is_bound() {
        let o = Override::Rw {
            step: 4,
            access: 2,
            field: "value_lo",
            value: Fr::from(31),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "BYTE: result.lo = in_range·selected",
        );
    }

    #[test]
    fn byte_high_index_limb_counts() {
        // BYTE(2^128 + 3, x) claiming the index is 3 (in range): pushes x's byte 3 = 4.
        let g = config().gadgets.byte;
        let cell = |cell: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 12,
            column: cell.column,
            rotation: cell.rotation,
            value,
        };
        let overrides = vec![
            cell(&g.in_range.is_zero, Fr::one()),
            cell(&g.in_range.inv_hi, Fr::zero()),
            Override::Rw {
                step: 12,
                access: 2,
                field: "value_lo",
                value: Fr::from(4),
            },
        ];
        assert_rejected(
            verify(&circuit(), overrides),
            "BYTE: i high part is zero: i high part.hi · is_zero = 0",
        );
    }

    #[test]
    fn byte_selection_is_bound_to_the_index() {
        // BYTE(0, x) selecting byte 1 instead (sel_lo moved from 0 to 1).
        let g = config().gadgets.byte;
        let cell = |cell: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 0,
            column: cell.column,
            rotation: cell.rotation,
            value,
        };
        let overrides = vec![
            cell(&g.sel_lo[0], Fr::zero()),
            cell(&g.sel_lo[1], Fr::one()),
            cell(&g.t[0], Fr::from(2)),
            cell(&g.selected, Fr::from(2)),
            Override::Rw {
                step: 0,
                access: 2,
                field: "value_lo",
                value: Fr::from(2),
            },
        ];
        assert_rejected(
            verify(&circuit(), overrides),
            "BYTE: i_byte_0 = 8·Σ h·sel_hi_h + Σ l·sel_lo_l + 32·q",
        );
    }

    #[test]
    fn byte_selector_is_bound_to_opcode() {
        let o = Override::ExecutionState {
            step: 0,
            state: ExecutionState::Not,
        };
        assert_rejected(verify(&circuit(), vec![o]), "EVM responsible opcode");
    }
}
