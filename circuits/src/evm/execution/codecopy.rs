//! CODECOPY: copies `size` bytes of the running code from offset `off` (zero past its end)
//! to memory at `dst`, through one copy-table lookup.
//!
//! ```text
//! dst = pop (rw 0), off = pop (rw 1), size = pop (rw 2)
//! hash = call context CodeHash (rw 3), "code hash read = step.code_hash" (lo, hi)
//! len = code length lookup (the bytecode table's header row of step.code_hash)
//! MemoryExpansion::configure_range(dst, size): size < 2^32, dst_eff, new_size, gas
//! "size + 31 = 32·words + r", words 4 bytes, r and r + 224 bytes     words = ceil(size / 32)
//! "off.lo = Σ_{i<16} off_byte_i·256^i", small = WordIsZero(off bytes 8..16, off.hi)
//! m = Σ_{i<8} off_byte_i·256^i
//! "len - m + neg·2^64 = Σ d_byte_i·256^i" (8 bytes), neg boolean            neg = [m > len]
//! "u = small·(1 - neg)", "src_addr = u·m + (1 - u)·len"                     min(off, len)
//! copy lookup (enable = 1 - [size = 0]):
//!   (Bytecode, step.code_hash, src_addr, len, Memory, call_id, dst_eff, size,
//!    rw_counter + 4, size, 0)
//! rw_counter + 4 + size; gas: 3 + 3·ceil(size / 32) + expansion; pc + 1, stack pointer + 3
//! ```
//!
//! Soundness. The length is the bytecode circuit's claim for the step's code hash, below
//! `2^64` as every table index. As in CALLDATACOPY, `neg = [m > len]` and `src_addr =
//! min(off, len)`; the copy circuit proves that the bytes at `src_addr ..` of the code with
//! the step's hash (zero from `len` on) are written to memory `dst_eff ..` of this call by
//! the `size` rw entries after the step's own four. With `size = 0` the lookup matches the
//! copy table's zero row and nothing is written.

use super::{
    common_error::assign_le_bytes,
    copy_to_memory::{CopySource, CopyToMemory},
    ExecutionGadget,
};
use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    constraint_builder::{CodeLength, ConstraintBuilder},
};
use crate::table::b256_word;
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_trace::revm::primitives::B256;
use equivm_witness::{CallContextField, CopyDataType, ExecStep, ExecutionState, Witness};
use halo2_proofs::{halo2curves::ff::PrimeField, plonk::Error};

/// Rw accesses of the step before the copy's own.
const OWN_RWS: u64 = 4;

/// CODECOPY.
#[derive(Clone, Debug)]
pub struct CodeCopyGadget<F: PrimeField> {
    /// The code's length, from the bytecode table.
    pub len: CodeLength<F>,
    /// The code's length, little-endian (a range check for the clamp).
    pub len_bytes: [Cell<F>; 8],
    /// The copy (see `copy_to_memory.rs`).
    pub copy: CopyToMemory<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for CodeCopyGadget<F> {
    const NAME: &'static str = "CODECOPY";
    const STATE: ExecutionState = ExecutionState::CodeCopy;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let dst = cb.stack_pop();
        let off = cb.stack_pop();
        let size = cb.stack_pop();
        let hash = cb.call_context_lookup(CallContextField::CodeHash);
        cb.require_equal_word(
            "code hash read = step.code_hash",
            hash,
            step.code_hash.clone(),
        );
        let len = cb.bytecode_length();
        let len_bytes = cb.query_bytes::<8>();
        let len_value = expr_from_le_bytes(&len_bytes.iter().map(Cell::expr).collect::<Vec<_>>());
        cb.require_equal(
            "code length = Σ len_byte_i·256^i",
            len.value.clone(),
            len_value.clone(),
        );
        let copy = CopyToMemory::configure(
            cb,
            [dst, off, size],
            len_value,
            CopySource::fixed(CopyDataType::Bytecode, step.code_hash),
            OWN_RWS,
        );
        Self {
            len,
            len_bytes,
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
        let hash = B256::from(value(3)?.to_be_bytes::<32>());
        let code = witness
            .bytecodes
            .iter()
            .find(|code| code.hash == hash)
            .ok_or(Error::Synthesis)?;
        let len = code.bytes.len() as u64;
        self.len.assign(region, len)?;
        assign_le_bytes(&self.len_bytes, region, len)?;
        self.copy.assign(
            region,
            witness,
            step,
            [value(0)?, value(1)?, value(2)?],
            len,
            (b256_word(hash), false),
        )
    }
}

#[cfg(test)]
mod tests;
