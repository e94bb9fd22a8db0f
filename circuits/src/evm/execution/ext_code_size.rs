//! EXTCODESIZE: pushes the length of the code of the popped address (EIP-2929 gas).
//!
//! ```text
//! rw 0..3  AccountAccess: address = pop mod 2^160, TxId, warm mark (see account_access.rs)
//! rw 3     hash = account read (address, CodeHash)
//! rw 4     pushed = push
//! len = code length lookup of hash (the bytecode table's header row (hash, Header, 0, len, 0))
//! "pushed.lo = code length", "pushed.hi = 0"
//! gas: 100 + 2500·(1 - was_warm)
//! transition: pc + 1, stack pointer same, reversible writes + 1 (the warm mark)
//! ```
//!
//! Soundness. The hash is the account's `CodeHash` as the rw table (proved by the state
//! circuit) holds it at this step; the lane row of the length lookup carries that hash, not
//! the step's, so the bytecode circuit's header row for it gives the length of the preimage
//! of the hash (bound by the keccak table). An account missing from the state reads the
//! empty-code hash `keccak256("")`, whose bytecode (length 0) the witness registers, so it
//! pushes 0, as does an account without code. The bytecode circuit's length is that of a
//! real code (below `2^64`), so the pushed word is `(len, 0)`.

use super::{
    account_access::AccountAccess, DynamicCost, ExecutionGadget, SameContext, SideEffects,
    Transition,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    constraint_builder::{CodeLength, ConstraintBuilder},
};
use equivm_trace::revm::primitives::B256;
use equivm_witness::{AccountField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// EXTCODESIZE.
#[derive(Clone, Debug)]
pub struct ExtCodeSizeGadget<F: PrimeField> {
    /// The address and its warm mark.
    pub access: AccountAccess<F>,
    /// The length of the account's code, from the bytecode table.
    pub len: CodeLength<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ExtCodeSizeGadget<F> {
    const NAME: &'static str = "EXTCODESIZE";
    const STATE: ExecutionState = ExecutionState::ExtCodeSize;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let access = AccountAccess::configure(cb);
        let hash = cb.account_read(access.address.clone(), AccountField::CodeHash);
        let pushed = cb.stack_push();
        let len = cb.bytecode_length_of(hash);
        cb.require_equal("pushed.lo = code length", pushed.lo, len.value.clone());
        cb.require_zero("pushed.hi = 0", pushed.hi);
        let memory_word_size = cb.step().memory_word_size;
        let same_context = SameContext::configure_with_effects(
            cb,
            c(1),
            Some(DynamicCost {
                gas: access.dynamic_gas(),
                memory_word_size,
            }),
            SideEffects {
                reversible_writes: c(1),
                refund: Transition::Same,
                ..SideEffects::none()
            },
        );
        Self {
            access,
            len,
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
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        self.access.assign(region, value(0)?)?;
        let hash = value(3)?;
        let code = witness
            .bytecodes
            .iter()
            .find(|code| code.hash == B256::from(hash.to_be_bytes::<32>()))
            .ok_or(Error::Synthesis)?;
        self.len
            .assign_of(region, word_of(hash), code.bytes.len() as u64)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
