//! EXTCODECOPY: copies `size` bytes of the code of the popped address from offset `off` (zero
//! past its end) to memory at `dst`, through one copy-table lookup (EIP-2929 gas).
//!
//! ```text
//! word = pop (rw 0), dst = pop (rw 1), off = pop (rw 2), size = pop (rw 3)
//! rw 4..6  AccountAccess of word: address = word mod 2^160, TxId, warm mark (account_access.rs)
//! rw 6     hash = account read (address, CodeHash)
//! len = code length lookup of hash (the bytecode table's header row (hash, Header, 0, len, 0))
//! "code length = Σ_{i<8} len_byte_i·256^i"
//! CopyToMemory(dst, off, size, len), source (Bytecode, hash), after the 7 own accesses:
//!   size < 2^32, words = ceil(size / 32), src_addr = min(off, len), memory expansion
//!   copy lookup (enable = 1 - [size = 0]):
//!     (Bytecode, hash, src_addr, len, Memory, call_id, dst_eff, size, rw_counter + 7, size, 0)
//! rw_counter + 7 + size
//! gas: 100 + 2500·(1 - was_warm) + 3·ceil(size / 32) + expansion
//! transition: pc + 1, stack pointer + 4, reversible writes + 1 (the warm mark)
//! ```
//!
//! Soundness. As in EXTCODESIZE, `hash` is the account's `CodeHash` from the rw table and
//! `len` the bytecode circuit's length of its preimage, below `2^64` by its bytes; an
//! account missing from the state, or without code, reads the empty-code hash, registered
//! as a bytecode of length 0, so every byte copied is zero. As in CODECOPY, the copy circuit
//! proves that the bytes at `src_addr = min(off, len) ..` of the code with that hash (zero
//! from `len` on) are written to memory `dst_eff ..` of this call by the `size` rw entries
//! after the step's own seven; with `size = 0` the lookup matches the copy table's zero row,
//! nothing is written and memory does not grow (the account is still warmed and charged).

use super::{
    account_access::AccountAccess,
    common_error::assign_le_bytes,
    copy_to_memory::{CopySource, CopyToMemory},
    ExecutionGadget, SideEffects, Transition,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::{CodeLength, ConstraintBuilder},
};
use crate::table::b256_word;
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_trace::revm::primitives::B256;
use equivm_witness::{AccountField, CopyDataType, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of the step before the copy's own: four pops, TxId, warm mark, CodeHash.
const OWN_RWS: u64 = 7;

/// EXTCODECOPY.
#[derive(Clone, Debug)]
pub struct ExtCodeCopyGadget<F: PrimeField> {
    /// The address and its warm mark.
    pub access: AccountAccess<F>,
    /// The length of the account's code, from the bytecode table.
    pub len: CodeLength<F>,
    /// The code's length, little-endian (a range check for the clamp).
    pub len_bytes: [Cell<F>; 8],
    /// The copy (see `copy_to_memory.rs`).
    pub copy: CopyToMemory<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ExtCodeCopyGadget<F> {
    const NAME: &'static str = "EXTCODECOPY";
    const STATE: ExecutionState = ExecutionState::ExtCodeCopy;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let word = cb.stack_pop();
        let dst = cb.stack_pop();
        let off = cb.stack_pop();
        let size = cb.stack_pop();
        let access = AccountAccess::configure_popped(cb, word);
        let hash = cb.account_read(access.address.clone(), AccountField::CodeHash);
        let len = cb.bytecode_length_of(hash.clone());
        let len_bytes = cb.query_bytes::<8>();
        let len_value = expr_from_le_bytes(&len_bytes.iter().map(Cell::expr).collect::<Vec<_>>());
        cb.require_equal(
            "code length = Σ len_byte_i·256^i",
            len.value.clone(),
            len_value.clone(),
        );
        let effects = SideEffects {
            reversible_writes: Expression::Constant(F::ONE),
            refund: Transition::Same,
            ..SideEffects::none()
        };
        let copy = CopyToMemory::configure_with(
            cb,
            [dst, off, size],
            len_value,
            CopySource::fixed(CopyDataType::Bytecode, hash),
            OWN_RWS,
            (access.dynamic_gas(), effects),
        );
        Self {
            access,
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
        self.access.assign(region, value(0)?)?;
        let hash = value(6)?;
        let hash_bytes = B256::from(hash.to_be_bytes::<32>());
        let code = witness
            .bytecodes
            .iter()
            .find(|code| code.hash == hash_bytes)
            .ok_or(Error::Synthesis)?;
        let len = code.bytes.len() as u64;
        self.len.assign_of(region, word_of(hash), len)?;
        assign_le_bytes(&self.len_bytes, region, len)?;
        self.copy.assign(
            region,
            witness,
            step,
            [value(1)?, value(2)?, value(3)?],
            len,
            (b256_word(hash_bytes), false),
        )
    }
}

#[cfg(test)]
mod tests;
