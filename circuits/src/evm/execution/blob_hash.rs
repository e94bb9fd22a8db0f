//! BLOBHASH: pushes the transaction's blob versioned hash number `i`, or 0 when `i` is not
//! below the number of blob hashes (EIP-4844).
//!
//! ```text
//! i = pop (rw 0), pushed = push (rw 1)
//! len = tx lookup (step.tx_id, BlobHashesLen, 0)                      context row 0
//! "len.lo = Σ len_byte_i·256^i (8 bytes)", "len.hi = 0"
//! "i.lo = Σ_{j<16} i_byte_j·256^j"
//! small = WordIsZero(Σ_{8≤j<16} i_byte_j·256^(j-8), i.hi)             i < 2^64
//! m = Σ_{j<8} i_byte_j·256^j
//! "m - len + lt·2^64 = Σ d_byte_j·256^j" (8 bytes), lt boolean        lt = [m < len]
//! "in_range = small·lt"
//! hash = switched tx lookup (in_range; step.tx_id, BlobHash, m)       context row 1
//! "pushed = hash" (lo, hi)
//! transition (SameContext): pc + 1, stack pointer same, gas - 3
//! ```
//!
//! Soundness. `m` and `len` are below `2^64` (byte cells), so `m - len` lies in
//! `(-2^64, 2^64)` and only `lt = [m < len]` lets the difference fit 8 bytes. `in_range = 1`
//! iff `i < len`, and then the tx table's `(tx, BlobHash, i)` row gives the hash; otherwise
//! the lookup matches only the zero row and the push is 0.

use super::{ExecutionGadget, SameContext, WordIsZero};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::ConstraintBuilder,
};
use crate::table::{b256_word, TxFieldTag};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// BLOBHASH.
#[derive(Clone, Debug)]
pub struct BlobHashGadget<F: PrimeField> {
    context: ContextColumns,
    /// The number of blob hashes, little-endian.
    pub len_bytes: [Cell<F>; 8],
    /// The low 16 bytes of the index, little-endian.
    pub index_bytes: [Cell<F>; 16],
    /// The index is below `2^64`.
    pub small: WordIsZero<F>,
    /// `m < len`.
    pub lt: Cell<F>,
    /// `m - len + lt·2^64`, little-endian.
    pub d_bytes: [Cell<F>; 8],
    /// The index names a blob hash of the tx.
    pub in_range: Cell<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for BlobHashGadget<F> {
    const NAME: &'static str = "BLOBHASH";
    const STATE: ExecutionState = ExecutionState::BlobHash;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let exprs = |cells: &[Cell<F>]| cells.iter().map(Cell::expr).collect::<Vec<_>>();
        let tx_id = cb.step().tx_id;
        let index = cb.stack_pop();
        let pushed = cb.stack_push();

        let len = cb.tx_lookup(tx_id.clone(), TxFieldTag::BlobHashesLen, c(0));
        let len_bytes = cb.query_bytes::<8>();
        let len_value = expr_from_le_bytes(&exprs(&len_bytes));
        cb.require_equal("len.lo = Σ len_byte_i·256^i", len.lo, len_value.clone());
        cb.require_zero("len.hi = 0", len.hi);

        let index_bytes = cb.query_bytes::<16>();
        cb.require_equal(
            "i.lo = Σ i_byte_j·256^j",
            index.lo,
            expr_from_le_bytes(&exprs(&index_bytes)),
        );
        let small = WordIsZero::configure(
            cb,
            "i_high",
            Word::new(expr_from_le_bytes(&exprs(&index_bytes[8..])), index.hi),
        );
        let m = expr_from_le_bytes(&exprs(&index_bytes[..8]));
        let lt = cb.query_bool("lt is boolean");
        let d_bytes = cb.query_bytes::<8>();
        cb.require_equal(
            "m - len + lt·2^64 = D",
            m.clone() - len_value + lt.expr() * Expression::Constant(pow2::<F>(64)),
            expr_from_le_bytes(&exprs(&d_bytes)),
        );
        let in_range = cb.query_cell();
        cb.require_equal(
            "in_range = small·lt",
            in_range.expr(),
            small.expr() * lt.expr(),
        );
        let hash = cb.tx_lookup_switched(in_range.expr(), tx_id, TxFieldTag::BlobHash, m);
        cb.require_equal_word("pushed = hash", pushed, hash);
        let same_context = SameContext::configure(cb, c(1));
        Self {
            context: cb.context_columns(),
            len_bytes,
            index_bytes,
            small,
            lt,
            d_bytes,
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
        let index = witness
            .step_rws(step)
            .first()
            .map(|rw| rw.value)
            .ok_or(Error::Synthesis)?;
        let tx = witness.txs.get(step.tx_index).ok_or(Error::Synthesis)?;
        let hashes = &tx.tx.blob_hashes;
        let len = hashes.len() as u64;
        let assign_le = |region: &mut StepRegion<'_, '_, F>, cells: &[Cell<F>], bytes: &[u8]| {
            cells
                .iter()
                .zip(bytes)
                .try_for_each(|(cell, b)| cell.assign(region, F::from(u64::from(*b))))
        };
        let le = index.to_le_bytes::<32>();
        assign_le(region, &self.len_bytes, &len.to_le_bytes())?;
        assign_le(region, &self.index_bytes, &le[..16])?;
        let mid = u64::from_le_bytes(le[8..16].try_into().map_err(|_| Error::Synthesis)?);
        let small = self
            .small
            .assign(region, Word::new(F::from(mid), word_of::<F>(index).hi))?;
        let m = u64::from_le_bytes(le[..8].try_into().map_err(|_| Error::Synthesis)?);
        let lt = m < len;
        let flag = |v: bool| F::from(u64::from(v));
        self.lt.assign(region, flag(lt))?;
        assign_le(region, &self.d_bytes, &m.wrapping_sub(len).to_le_bytes())?;
        let in_range = small && lt;
        self.in_range.assign(region, flag(in_range))?;

        let ctx = self.context;
        let (tag, idx, hash) = if in_range {
            let hash = usize::try_from(m)
                .ok()
                .and_then(|i| hashes.get(i))
                .ok_or(Error::Synthesis)?;
            (
                TxFieldTag::BlobHash as u64,
                m,
                b256_word(*hash).to_field::<F>(),
            )
        } else {
            (0, 0, Word::new(F::ZERO, F::ZERO))
        };
        let rows = [
            (
                F::from(tx.id),
                TxFieldTag::BlobHashesLen as u64,
                0,
                Word::new(F::from(len), F::ZERO),
            ),
            (flag(in_range) * F::from(tx.id), tag, idx, hash),
        ];
        for (row, (id, tag, idx, value)) in rows.into_iter().enumerate() {
            region.assign_advice(ctx.id, row, id)?;
            region.assign_advice(ctx.tag, row, F::from(tag))?;
            region.assign_advice(ctx.index, row, F::from(idx))?;
            region.assign_advice(ctx.value.lo, row, value.lo)?;
            region.assign_advice(ctx.value.hi, row, value.hi)?;
            region.assign_advice(ctx.is_tx, row, F::ONE)?;
            region.assign_advice(ctx.is_block, row, F::ZERO)?;
        }
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
