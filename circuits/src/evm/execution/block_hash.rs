//! BLOCKHASH: pushes the hash of block `n` if it is one of the 256 blocks before this one,
//! else 0.
//!
//! ```text
//! n = pop (rw 0), pushed = push (rw 1)
//! cur = block lookup (Number, 0)                                      context row 0
//! "cur.lo = Σ cur_byte_i·256^i (8 bytes)", "cur.hi = 0"
//! "n.lo = Σ_{i<16} n_byte_i·256^i"
//! small = WordIsZero(Σ_{8≤i<16} n_byte_i·256^(i-8), n.hi)             n < 2^64
//! m = Σ_{i<8} n_byte_i·256^i
//! "cur - m - 1 + neg·2^64 = Σ d_byte_i·256^i" = D (8 bytes), neg boolean
//! "D - 256 + lt·2^64 = Σ e_byte_i·256^i" (8 bytes), lt boolean
//! "u = small·(1 - neg)", "in_window = u·lt"
//! hash = switched block lookup (in_window; BlockHash, m)               context row 1
//! "pushed = hash" (lo, hi)
//! transition (SameContext): pc + 1, stack pointer same, gas - 20
//! ```
//!
//! Soundness. `cur` and `m` are below `2^64` (byte cells), so `cur - m - 1` lies in
//! `[-2^64, 2^64)`: `neg = 0` fits 8 bytes only when it is not negative and `neg = 1` only
//! when it is, so `neg = [m ≥ cur]` and, when `neg = 0`, `D = cur - m - 1`. Likewise `D - 256`
//! lies in `[-256, 2^64)`, so `lt = [D < 256]`. Hence `in_window = 1` iff `n < 2^64` and
//! `1 ≤ cur - n ≤ 256`, the EVM's window. Then the block table's `(BlockHash, n)` row gives
//! the hash; outside the window the lookup matches only the zero row, so the push is 0.
//! A block whose number does not fit 64 bits is reported unsupported.

use super::{ExecutionGadget, SameContext, WordIsZero};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::ConstraintBuilder,
};
use crate::table::{BlockFieldTag, BlockTableRow};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Number of previous blocks whose hash BLOCKHASH returns.
const WINDOW: u64 = 256;

/// BLOCKHASH.
#[derive(Clone, Debug)]
pub struct BlockHashGadget<F: PrimeField> {
    context: ContextColumns,
    /// The current block number, little-endian.
    pub cur_bytes: [Cell<F>; 8],
    /// The low 16 bytes of `n`, little-endian.
    pub n_bytes: [Cell<F>; 16],
    /// `n < 2^64`.
    pub small: WordIsZero<F>,
    /// `m ≥ cur`.
    pub neg: Cell<F>,
    /// `cur - m - 1 + neg·2^64`, little-endian.
    pub d_bytes: [Cell<F>; 8],
    /// `D < 256`.
    pub lt: Cell<F>,
    /// `D - 256 + lt·2^64`, little-endian.
    pub e_bytes: [Cell<F>; 8],
    /// `small·(1 - neg)`.
    pub u: Cell<F>,
    /// `n` is one of the 256 previous blocks.
    pub in_window: Cell<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for BlockHashGadget<F> {
    const NAME: &'static str = "BLOCKHASH";
    const STATE: ExecutionState = ExecutionState::BlockHash;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let exprs = |cells: &[Cell<F>]| cells.iter().map(Cell::expr).collect::<Vec<_>>();
        let n = cb.stack_pop();
        let pushed = cb.stack_push();

        let cur = cb.block_lookup(BlockFieldTag::Number, c(0));
        let cur_bytes = cb.query_bytes::<8>();
        let cur_value = expr_from_le_bytes(&exprs(&cur_bytes));
        cb.require_equal("cur.lo = Σ cur_byte_i·256^i", cur.lo, cur_value.clone());
        cb.require_zero("cur.hi = 0", cur.hi);

        let n_bytes = cb.query_bytes::<16>();
        cb.require_equal(
            "n.lo = Σ n_byte_i·256^i",
            n.lo,
            expr_from_le_bytes(&exprs(&n_bytes)),
        );
        let small = WordIsZero::configure(
            cb,
            "n_high",
            Word::new(expr_from_le_bytes(&exprs(&n_bytes[8..])), n.hi),
        );
        let m = expr_from_le_bytes(&exprs(&n_bytes[..8]));

        let two64 = Expression::Constant(pow2::<F>(64));
        let neg = cb.query_bool("neg is boolean");
        let d_bytes = cb.query_bytes::<8>();
        let d = expr_from_le_bytes(&exprs(&d_bytes));
        cb.require_equal(
            "cur - m - 1 + neg·2^64 = D",
            cur_value - m.clone() - c(1) + neg.expr() * two64.clone(),
            d.clone(),
        );
        let lt = cb.query_bool("lt is boolean");
        let e_bytes = cb.query_bytes::<8>();
        cb.require_equal(
            "D - 256 + lt·2^64 = E",
            d - c(WINDOW) + lt.expr() * two64,
            expr_from_le_bytes(&exprs(&e_bytes)),
        );
        let u = cb.query_cell();
        cb.require_equal(
            "u = small·(1 - neg)",
            u.expr(),
            small.expr() * (c(1) - neg.expr()),
        );
        let in_window = cb.query_cell();
        cb.require_equal("in_window = u·lt", in_window.expr(), u.expr() * lt.expr());
        let hash = cb.block_lookup_switched(in_window.expr(), BlockFieldTag::BlockHash, m);
        cb.require_equal_word("pushed = hash", pushed, hash);
        let same_context = SameContext::configure(cb, c(1));
        Self {
            context: cb.context_columns(),
            cur_bytes,
            n_bytes,
            small,
            neg,
            d_bytes,
            lt,
            e_bytes,
            u,
            in_window,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let n = witness
            .step_rws(step)
            .first()
            .map(|rw| rw.value)
            .ok_or(Error::Synthesis)?;
        let cur: u64 = witness
            .block
            .number
            .try_into()
            .map_err(|_| Error::Synthesis)?;
        let le = n.to_le_bytes::<32>();
        let assign_le = |region: &mut StepRegion<'_, '_, F>, cells: &[Cell<F>], bytes: &[u8]| {
            cells
                .iter()
                .zip(bytes)
                .try_for_each(|(cell, b)| cell.assign(region, F::from(u64::from(*b))))
        };
        assign_le(region, &self.cur_bytes, &cur.to_le_bytes())?;
        assign_le(region, &self.n_bytes, &le[..16])?;
        let mid = u64::from_le_bytes(le[8..16].try_into().map_err(|_| Error::Synthesis)?);
        let small = self
            .small
            .assign(region, Word::new(F::from(mid), word_of::<F>(n).hi))?;
        let m = u64::from_le_bytes(le[..8].try_into().map_err(|_| Error::Synthesis)?);
        let neg = m >= cur;
        let d = cur.wrapping_sub(m).wrapping_sub(1);
        let flag = |v: bool| F::from(u64::from(v));
        self.neg.assign(region, flag(neg))?;
        assign_le(region, &self.d_bytes, &d.to_le_bytes())?;
        let lt = d < WINDOW;
        self.lt.assign(region, flag(lt))?;
        assign_le(region, &self.e_bytes, &d.wrapping_sub(WINDOW).to_le_bytes())?;
        let u = small && !neg;
        self.u.assign(region, flag(u))?;
        let in_window = u && lt;
        self.in_window.assign(region, flag(in_window))?;

        let rows = BlockTableRow::<F>::rows_of(&witness.block).map_err(|_| Error::Synthesis)?;
        let find = |tag: BlockFieldTag, index: u64| {
            rows.iter()
                .find(|r| r.tag == F::from(tag as u64) && r.index == F::from(index))
                .copied()
        };
        let number = find(BlockFieldTag::Number, 0).ok_or(Error::Synthesis)?;
        let hash = if in_window {
            find(BlockFieldTag::BlockHash, m).ok_or(Error::Synthesis)?
        } else {
            BlockTableRow::default()
        };
        for (row, r) in [number, hash].iter().enumerate() {
            let ctx = self.context;
            region.assign_advice(ctx.id, row, F::ZERO)?;
            region.assign_advice(ctx.tag, row, r.tag)?;
            region.assign_advice(ctx.index, row, r.index)?;
            region.assign_advice(ctx.value.lo, row, r.value.lo)?;
            region.assign_advice(ctx.value.hi, row, r.value.hi)?;
            region.assign_advice(ctx.is_tx, row, F::ZERO)?;
            region.assign_advice(ctx.is_block, row, F::ONE)?;
        }
        self.same_context.assign(region, step)
    }

    fn unsupported(_: &ExecStep, index: &WitnessIndex) -> bool {
        !index.block_number_fits_u64()
    }
}

#[cfg(test)]
mod tests;
