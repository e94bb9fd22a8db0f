//! CALLDATALOAD in the root call: pushes the 32 bytes of the transaction's call data from
//! the popped offset (big-endian, zero past the end), read from the tx table's `CallData`
//! rows.
//!
//! ```text
//! "is_root = 1"                                     non-root calls read their caller's memory
//! offset = pop (rw 0); call context CallerId (rw 1), CallDataOffset (rw 2) reads (the
//!   witness reads them in every call; the root's are 0); len = CallDataLength (rw 3)
//! result = push (rw 4)
//! tx_id = the step's tx id (BeginTx binds it, every step keeps it)
//! "len.lo = Σ len_byte_i·256^i (8 bytes)", "len.hi = 0"
//! "offset.lo = Σ_{i<16} offset_byte_i·256^i"
//! offset_high = (Σ_{8≤i<16} offset_byte_i·256^(i-8), offset.hi)          ⌊offset / 2^64⌋
//! small = WordIsZero(offset_high)                    offset < 2^64
//! off = Σ_{i<8} offset_byte_i·256^i
//! "len - off + neg·2^64 = Σ d_byte_i·256^i" = D (8 bytes), neg boolean
//! "D - 32 + lt32·2^64 = Σ e_byte_i·256^i" (8 bytes), lt32 boolean
//! "u = small·(1 - neg)"                              offset below the data's end
//! "v = lt32·D + (1 - lt32)·32"                       min(len - off, 32) when u = 1
//! sel_0..sel_32 boolean, "Σ sel_i = 1", "Σ i·sel_i = u·v"             k = u·v
//! in_j = Σ_{i>j} sel_i                               1 iff j < k
//! byte j (j < 32, context row j): tx_lookup_switched(in_j, tx_id, CallData, off + j) = b_j,
//!   "byte j: value.hi = 0"
//! "result.hi = Σ_{j<16} b_j·256^(15-j)", "result.lo = Σ_{j≥16} b_j·256^(31-j)"
//! transition (SameContext): pc + 1, stack pointer same, gas - 3
//! ```
//!
//! Soundness. `off` and `len` are below `2^64` (byte cells), so `len - off` lies in
//! `(-2^64, 2^64)`: if it is not negative, `neg = 1` would make `D ≥ 2^64`; if it is,
//! `neg = 0` would make `D` a field element near the modulus; either way the 8 bytes of `D`
//! cannot hold it, so `neg = [off > len]` and `D = len - off` when `neg = 0`. Likewise
//! `D - 32` lies in `[-32, 2^64)` and `lt32 = [D < 32]`. So `u = 1` iff the offset is below
//! `2^64` and at most `len`, and `k = u·v` is the number of offset positions inside the data
//! that fit in the word: 0 when the offset is not below `len` (past the end, or at least
//! `2^64`, which no call data reaches), else `min(len - off, 32)`. The one-hot selector is
//! then unique and `in_j = [j < k]`. A byte with `in_j = 1` is the tx table's
//! `(tx_id, CallData, off + j)` row, which exists only inside the data (`off + j < 2^64 + 32`
//! does not wrap); a byte with `in_j = 0` matches only the table's zero row (tag 0 is no
//! field), so it is 0. The `b_j` are tx-table bytes, so the result's limbs are range-checked
//! by construction, and the result is the data's big-endian word with zeros past its end.
//!
//! `len` is the call context's `CallDataLength`, which BeginTx writes as the tx table's
//! `CallDataLength` of the same tx. A creation's root frame sees
//! no call data (its data is the init code): the witness writes `CallDataLength = 0` there,
//! which gives `k = 0` and a zero result; the BeginTx of a creation (unsupported for now)
//! must prove that 0. CALLDATALOAD in a call that is not the root reads the caller's memory
//! instead and is reported `unsupported`.
//!
//! Cost: 5 rw accesses and 32 context rows (one tx lookup per byte, one lookup per row), so
//! the step is 32 rows high.

use super::{ExecutionGadget, SameContext, WordIsZero};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, RwRowColumns},
};
use crate::table::TxFieldTag;
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Bytes of the pushed word (and context rows of the step).
pub const CALLDATALOAD_BYTES: usize = 32;

/// CALLDATALOAD of the root call.
#[derive(Clone, Debug)]
pub struct CallDataLoadGadget<F: PrimeField> {
    context: ContextColumns,
    /// The low 16 bytes of the offset, little-endian.
    pub offset_bytes: [Cell<F>; 16],
    /// 1 iff the offset is below `2^64` (its bytes 8..16 and its high limb are zero).
    pub small: WordIsZero<F>,
    /// The call data length, little-endian.
    pub len_bytes: [Cell<F>; 8],
    /// 1 iff `off > len`.
    pub neg: Cell<F>,
    /// `D = len - off + neg·2^64`, little-endian.
    pub d_bytes: [Cell<F>; 8],
    /// 1 iff `D < 32`.
    pub lt32: Cell<F>,
    /// `D - 32 + lt32·2^64`, little-endian.
    pub e_bytes: [Cell<F>; 8],
    /// `small·(1 - neg)`: the offset is inside the data or at its end.
    pub u: Cell<F>,
    /// `min(D, 32)`.
    pub v: Cell<F>,
    /// `sel[i] = 1` iff `i` bytes of the word are inside the data.
    pub sel: [Cell<F>; CALLDATALOAD_BYTES + 1],
    /// `from_tx[j] = is_root·[j < k]`: byte `j` comes from the tx table (else, when inside
    /// the data, from the caller's memory).
    pub from_tx: [Cell<F>; CALLDATALOAD_BYTES],
    rw_rows: RwRowColumns,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for CallDataLoadGadget<F> {
    const NAME: &'static str = "CALLDATALOAD";
    const STATE: ExecutionState = ExecutionState::CallDataLoad;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();

        let offset = cb.stack_pop();
        // The caller and the calldata's place in its memory (0 and 0 in the root call, which
        // reads the tx's data: the step's `tx_id`).
        let caller = cb.call_context_lookup(CallContextField::CallerId).lo;
        let base = cb.call_context_lookup(CallContextField::CallDataOffset).lo;
        let len = cb.call_context_lookup(CallContextField::CallDataLength);
        let result = cb.stack_push();

        let exprs = |cells: &[Cell<F>]| cells.iter().map(Cell::expr).collect::<Vec<_>>();
        let len_bytes = cb.query_bytes::<8>();
        cb.require_equal(
            "len.lo = Σ len_byte_i·256^i (8 bytes)",
            len.lo,
            expr_from_le_bytes(&exprs(&len_bytes)),
        );
        cb.require_zero("len.hi = 0", len.hi);
        let len = expr_from_le_bytes(&exprs(&len_bytes));

        let offset_bytes = cb.query_bytes::<16>();
        cb.require_equal(
            "offset.lo = Σ_{i<16} offset_byte_i·256^i",
            offset.lo,
            expr_from_le_bytes(&exprs(&offset_bytes)),
        );
        let small = WordIsZero::configure(
            cb,
            "offset_high",
            Word::new(expr_from_le_bytes(&exprs(&offset_bytes[8..])), offset.hi),
        );
        let off = expr_from_le_bytes(&exprs(&offset_bytes[..8]));

        let two64 = Expression::Constant(pow2::<F>(64));
        let neg = cb.query_bool("neg is boolean");
        let d_bytes = cb.query_bytes::<8>();
        let d = expr_from_le_bytes(&exprs(&d_bytes));
        cb.require_equal(
            "len - off + neg·2^64 = Σ d_byte_i·256^i (8 bytes)",
            len - off.clone() + neg.expr() * two64.clone(),
            d.clone(),
        );
        let lt32 = cb.query_bool("lt32 is boolean");
        let e_bytes = cb.query_bytes::<8>();
        cb.require_equal(
            "D - 32 + lt32·2^64 = Σ e_byte_i·256^i (8 bytes)",
            d.clone() - c(32) + lt32.expr() * two64,
            expr_from_le_bytes(&exprs(&e_bytes)),
        );
        let u = cb.query_cell();
        cb.require_equal(
            "u = small·(1 - neg)",
            u.expr(),
            small.expr() * (c(1) - neg.expr()),
        );
        let v = cb.query_cell();
        cb.require_equal(
            "v = lt32·D + (1 - lt32)·32",
            v.expr(),
            lt32.expr() * d + (c(1) - lt32.expr()) * c(32),
        );

        let sel: [Cell<F>; CALLDATALOAD_BYTES + 1] =
            std::array::from_fn(|_| cb.query_bool("sel_i is boolean"));
        let sum = |cells: &[Cell<F>]| cells.iter().fold(c(0), |acc, s| acc + s.expr());
        cb.require_equal("Σ sel_i = 1", sum(&sel), c(1));
        let weighted = sel
            .iter()
            .enumerate()
            .fold(c(0), |acc, (i, s)| acc + c(i as u64) * s.expr());
        cb.require_equal("Σ i·sel_i = k = u·v", weighted, u.expr() * v.expr());

        // Byte j is inside the data when j < k: read from the tx table in the root call, from
        // the caller's memory in a callee. Off, a lookup gives 0.
        let from_tx: [Cell<F>; CALLDATALOAD_BYTES] = std::array::from_fn(|_| cb.query_cell());
        let mut bytes = Vec::with_capacity(CALLDATALOAD_BYTES);
        for (j, t) in from_tx.iter().enumerate() {
            let in_range = sum(&sel[j + 1..]);
            cb.require_equal(
                &format!("byte {j}: from_tx = is_root·in_range"),
                t.expr(),
                step.is_root.clone() * in_range,
            );
            let value = cb.tx_lookup_switched(
                t.expr(),
                step.tx_id.clone(),
                TxFieldTag::CallData,
                off.clone() + c(j as u64),
            );
            cb.require_zero(&format!("byte {j}: value.hi = 0"), value.hi);
            bytes.push(value.lo);
        }
        for (j, t) in from_tx.iter().enumerate() {
            let in_memory = sum(&sel[j + 1..]) - t.expr();
            let read = cb.switched_rw_accesses(in_memory, |cb| {
                cb.memory_read_of(caller.clone(), base.clone() + off.clone() + c(j as u64))
            });
            bytes[j] = bytes[j].clone() + read.lo;
        }
        // Big-endian: byte 0 is the most significant byte of the high limb.
        let be = |bytes: &[Expression<F>]| {
            let le: Vec<_> = bytes.iter().rev().cloned().collect();
            expr_from_le_bytes(&le)
        };
        cb.require_equal(
            "result.hi = Σ_{j<16} b_j·256^(15-j)",
            result.hi,
            be(&bytes[..16]),
        );
        cb.require_equal(
            "result.lo = Σ_{j≥16} b_j·256^(31-j)",
            result.lo,
            be(&bytes[16..]),
        );

        let same_context = SameContext::configure(cb, c(1));
        Self {
            context: cb.context_columns(),
            offset_bytes,
            small,
            len_bytes,
            neg,
            d_bytes,
            lt32,
            e_bytes,
            u,
            v,
            sel,
            from_tx,
            rw_rows: cb.rw_row_columns(),
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
        let value = |k: usize| rws.get(k).map(|rw| rw.value).ok_or(Error::Synthesis);
        let (offset, len) = (value(0)?, value(3)?);
        let len = u64::try_from(len).map_err(|_| Error::Synthesis)?;
        let flag = |on: bool| F::from(u64::from(on));
        let assign_le = |region: &mut StepRegion<'_, '_, F>, cells: &[Cell<F>], bytes: &[u8]| {
            cells
                .iter()
                .zip(bytes)
                .try_for_each(|(cell, b)| cell.assign(region, F::from(u64::from(*b))))
        };

        let le = offset.to_le_bytes::<32>();
        assign_le(region, &self.offset_bytes, &le[..16])?;
        let mid = u64::from_le_bytes(le[8..16].try_into().map_err(|_| Error::Synthesis)?);
        let small = self
            .small
            .assign(region, Word::new(F::from(mid), word_of::<F>(offset).hi))?;
        let off = u64::from_le_bytes(le[..8].try_into().map_err(|_| Error::Synthesis)?);
        assign_le(region, &self.len_bytes, &len.to_le_bytes())?;

        let neg = off > len;
        let d = len.wrapping_sub(off);
        self.neg.assign(region, flag(neg))?;
        assign_le(region, &self.d_bytes, &d.to_le_bytes())?;
        let lt32 = d < 32;
        self.lt32.assign(region, flag(lt32))?;
        assign_le(region, &self.e_bytes, &d.wrapping_sub(32).to_le_bytes())?;
        let u = small && !neg;
        let v = d.min(32);
        self.u.assign(region, flag(u))?;
        self.v.assign(region, F::from(v))?;
        let k = if u { v } else { 0 };
        for (i, s) in self.sel.iter().enumerate() {
            s.assign(region, flag(i as u64 == k))?;
        }

        let tx = witness.txs.get(step.tx_index).ok_or(Error::Synthesis)?;
        let root = tx.root_call_id == step.call_id;
        let ctx = self.context;
        let mut word = [0u8; 32];
        // The step lays out its rw rows: pop, three context reads, push, then one row per
        // byte read from the caller's memory.
        for (r, rw) in rws.iter().take(5).enumerate() {
            self.rw_rows.assign(region, r, Some(rw))?;
        }
        for (j, byte) in word.iter_mut().enumerate() {
            let inside = (j as u64) < k;
            self.from_tx[j].assign(region, flag(root && inside))?;
            let memory = if inside && !root {
                Some(rws.get(5 + j).ok_or(Error::Synthesis)?)
            } else {
                None
            };
            self.rw_rows.assign(region, 5 + j, memory)?;
            let (id, tag, index, b) = if inside && root {
                let index = off + j as u64;
                let b = usize::try_from(index)
                    .ok()
                    .and_then(|i| tx.tx.data.get(i))
                    .copied()
                    .ok_or(Error::Synthesis)?;
                (tx.id, TxFieldTag::CallData as u64, index, b)
            } else {
                (0, 0, 0, memory.map_or(0, |rw| rw.value.byte(0)))
            };
            *byte = b;
            region.assign_advice(ctx.id, j, F::from(id))?;
            region.assign_advice(ctx.tag, j, F::from(tag))?;
            region.assign_advice(ctx.index, j, F::from(index))?;
            let tx_byte = if inside && root { b } else { 0 };
            region.assign_advice(ctx.value.lo, j, F::from(u64::from(tx_byte)))?;
            region.assign_advice(ctx.value.hi, j, F::ZERO)?;
            region.assign_advice(ctx.is_tx, j, F::ONE)?;
            region.assign_advice(ctx.is_block, j, F::ZERO)?;
        }
        // The witness's pushed word must be the one the lookups give.
        if value(4)? != U256::from_be_bytes(word) {
            return Err(Error::Synthesis);
        }
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
