//! CALLDATACOPY in the root call: copies `size` bytes of the transaction's call data from
//! offset `off` (zero past its end) to memory at `dst`, through one copy-table lookup.
//!
//! ```text
//! "is_root = 1"                                     non-root calls copy their caller's memory
//! dst = pop (rw 0), off = pop (rw 1), size = pop (rw 2)
//! tx_id = call context TxId (rw 3), len = call context CallDataLength (rw 4)
//! "tx_id read = step.tx_id" (lo), "tx_id read.hi = 0"
//! "len.lo = Σ len_byte_i·256^i (8 bytes)", "len.hi = 0"
//! MemoryExpansion::configure_range(dst, size): size < 2^32, dst_eff, new_size, gas
//! "size + 31 = 32·words + r", words 4 bytes, r and r + 224 bytes     words = ceil(size / 32)
//! "off.lo = Σ_{i<16} off_byte_i·256^i", small = WordIsZero(off bytes 8..16, off.hi)
//! m = Σ_{i<8} off_byte_i·256^i
//! "len - m + neg·2^64 = Σ d_byte_i·256^i" (8 bytes), neg boolean            neg = [m > len]
//! "u = small·(1 - neg)", "src_addr = u·m + (1 - u)·len"                     min(off, len)
//! copy lookup (enable = 1 - [size = 0]):
//!   (TxCalldata, step.tx_id, src_addr, len, Memory, call_id, dst_eff, size,
//!    rw_counter + 5, size, 0)
//! rw_counter + 5 + size; gas: 3 + 3·words + expansion; pc + 1, stack pointer + 3
//! ```
//!
//! Soundness. As in CALLDATALOAD, `m` and `len` are below `2^64`, so `neg = [m > len]` and
//! `src_addr = min(off, len)` (an offset of `2^64` or more is past any call data). The copy
//! circuit proves the claim: the bytes at `src_addr ..` of tx `tx_id`'s data (zero from `len`
//! on) are written to memory `dst_eff ..` of this call by the `size` rw entries after the
//! step's own five. With `size = 0` the lookup matches the copy table's zero row, no entry
//! is made and memory does not grow.

use super::{common_error::assign_le_bytes, copy_to_memory::CopyToMemory, ExecutionGadget};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{CallContextField, CopyDataType, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of the step before the copy's own.
const OWN_RWS: u64 = 5;

/// CALLDATACOPY of the root call.
#[derive(Clone, Debug)]
pub struct CallDataCopyGadget<F: PrimeField> {
    /// The call data length, little-endian.
    pub len_bytes: [Cell<F>; 8],
    /// The copy (see `copy_to_memory.rs`).
    pub copy: CopyToMemory<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for CallDataCopyGadget<F> {
    const NAME: &'static str = "CALLDATACOPY";
    const STATE: ExecutionState = ExecutionState::CallDataCopy;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();
        cb.require_equal("is_root = 1", step.is_root.clone(), c(1));
        let dst = cb.stack_pop();
        let off = cb.stack_pop();
        let size = cb.stack_pop();
        let tx_id = cb.call_context_lookup(CallContextField::TxId);
        let len = cb.call_context_lookup(CallContextField::CallDataLength);
        cb.require_equal("tx_id read = step.tx_id", tx_id.lo, step.tx_id.clone());
        cb.require_zero("tx_id read.hi = 0", tx_id.hi);
        let len_bytes = cb.query_bytes::<8>();
        let len_value = expr_from_le_bytes(&len_bytes.iter().map(Cell::expr).collect::<Vec<_>>());
        cb.require_equal("len.lo = Σ len_byte_i·256^i", len.lo, len_value.clone());
        cb.require_zero("len.hi = 0", len.hi);
        let copy = CopyToMemory::configure(
            cb,
            [dst, off, size],
            len_value,
            CopyDataType::TxCalldata,
            Word::new(step.tx_id, c(0)),
            OWN_RWS,
        );
        Self { len_bytes, copy }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let len = u64::try_from(value(4)?).map_err(|_| Error::Synthesis)?;
        assign_le_bytes(&self.len_bytes, region, len)?;
        let tx_id = witness
            .txs
            .get(step.tx_index)
            .map(|tx| tx.id)
            .ok_or(Error::Synthesis)?;
        self.copy.assign(
            region,
            witness,
            step,
            [value(0)?, value(1)?, value(2)?],
            len,
            Word::new(u128::from(tx_id), 0),
        )
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !index.call(step.call_id).is_root
    }
}

#[cfg(test)]
mod tests;
