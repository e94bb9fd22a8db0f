//! CALLDATACOPY: copies `size` bytes of the call data from offset `off` (zero past its end)
//! to memory at `dst`, through one copy-table lookup. The root call's data is the
//! transaction's (tx table); a callee's lies in its caller's memory at `CallDataOffset`.
//!
//! ```text
//! dst = pop (rw 0), off = pop (rw 1), size = pop (rw 2)
//! caller = CallerId (rw 3), base = CallDataOffset (rw 4), len = CallDataLength (rw 5)
//!   (reads of the step's call context; the root call's caller and base are 0)
//! "len.lo = Σ len_byte_i·256^i (8 bytes)", "len.hi = 0"
//! "source id = is_root·tx_id + caller.lo"             the tx, or the caller's memory
//! CopyToMemory: source type is_root·TxCalldata + (1 - is_root)·Memory, that id, from
//!   base.lo; the clamped offset min(off, len), the copy lookup
//!   (type, id, base + src_addr, base + len, Memory, call_id, dst_eff, size, rw_counter + 6,
//!   size + reads, 0), reads = (1 - is_root)·min(size, len - src_addr) (a callee reads each
//!   byte inside its call data); gas 3 + 3·words + expansion; pc + 1, stack pointer + 3
//! ```
//!
//! Soundness. As in CALLDATALOAD, `m` and `len` are below `2^64`, so `src_addr = min(off,
//! len)` (an offset of `2^64` or more is past any call data). BeginTx writes the root call's
//! `CallerId` and `CallDataOffset` as 0 and its `CallDataLength` as the tx's; a CALL writes a
//! callee's as its own call id, the argument offset and size (below `2^32`). The copy circuit
//! proves the claim: the source's bytes from `base + src_addr` (zero from `base + len` on) are
//! written to memory `dst_eff ..` of this call by the `size` rw entries after the step's own
//! six. With `size = 0` the lookup matches the copy table's zero row, no entry is made and
//! memory does not grow.

use super::{
    common_error::assign_le_bytes,
    copy_to_memory::{CopySource, CopyToMemory},
    ExecutionGadget,
};
use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use crate::table::copy::copy_data_type_number;
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{CallContextField, CopyDataType, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of the step before the copy's own.
const OWN_RWS: u64 = 6;

/// CALLDATACOPY.
#[derive(Clone, Debug)]
pub struct CallDataCopyGadget<F: PrimeField> {
    /// The call data length, little-endian.
    pub len_bytes: [Cell<F>; 8],
    /// The source id: the tx id in the root call, else the caller's call id.
    pub source_id: Cell<F>,
    /// The copy (see `copy_to_memory.rs`).
    pub copy: CopyToMemory<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for CallDataCopyGadget<F> {
    const NAME: &'static str = "CALLDATACOPY";
    const STATE: ExecutionState = ExecutionState::CallDataCopy;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();
        let dst = cb.stack_pop();
        let off = cb.stack_pop();
        let size = cb.stack_pop();
        let caller = cb.call_context_lookup(CallContextField::CallerId);
        let base = cb.call_context_lookup(CallContextField::CallDataOffset);
        let len = cb.call_context_lookup(CallContextField::CallDataLength);
        let len_bytes = cb.query_bytes::<8>();
        let len_value = expr_from_le_bytes(&len_bytes.iter().map(Cell::expr).collect::<Vec<_>>());
        cb.require_equal("len.lo = Σ len_byte_i·256^i", len.lo, len_value.clone());
        cb.require_zero("len.hi = 0", len.hi);
        let is_root = step.is_root.clone();
        let source_id = cb.query_cell();
        cb.require_equal(
            "source id = is_root·tx_id + caller",
            source_id.expr(),
            is_root.clone() * step.tx_id.clone() + caller.lo,
        );
        let kind = is_root.clone() * c(copy_data_type_number(CopyDataType::TxCalldata))
            + (c(1) - is_root.clone()) * c(copy_data_type_number(CopyDataType::Memory));
        let source = CopySource {
            kind,
            id: Word::new(source_id.expr(), c(0)),
            base: base.lo,
            // A callee's call data is read byte by byte from the caller's memory.
            reads_rw: c(1) - is_root,
        };
        let copy = CopyToMemory::configure(cb, [dst, off, size], len_value, source, OWN_RWS);
        Self {
            len_bytes,
            source_id,
            copy,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let len = u64::try_from(value(5)?).map_err(|_| Error::Synthesis)?;
        assign_le_bytes(&self.len_bytes, region, len)?;
        let tx = witness.txs.get(step.tx_index).ok_or(Error::Synthesis)?;
        let id = if tx.root_call_id == step.call_id {
            tx.id
        } else {
            u64::try_from(value(3)?).map_err(|_| Error::Synthesis)?
        };
        self.source_id.assign(region, F::from(id))?;
        self.copy.assign(
            region,
            witness,
            step,
            [value(0)?, value(1)?, value(2)?],
            len,
            (
                Word::new(u128::from(id), 0),
                tx.root_call_id != step.call_id,
            ),
        )
    }
}

#[cfg(test)]
mod tests;
