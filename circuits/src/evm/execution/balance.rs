//! BALANCE: pushes the balance of the popped address (EIP-2929 gas).
//!
//! ```text
//! rw 0..3  AccountAccess: address = pop mod 2^160, TxId, warm mark (see account_access.rs)
//! rw 3     balance = account read (address, Balance)
//! rw 4     pushed = push, "pushed = balance" (lo, hi)
//! gas: 100 + 2500·(1 - was_warm)
//! transition: pc + 1, stack pointer same, reversible writes + 1 (the warm mark)
//! ```

use super::{
    account_access::AccountAccess, DynamicCost, ExecutionGadget, SameContext, SideEffects,
    Transition,
};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{AccountField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// BALANCE.
#[derive(Clone, Debug)]
pub struct BalanceGadget<F: PrimeField> {
    /// The address and its warm mark.
    pub access: AccountAccess<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for BalanceGadget<F> {
    const NAME: &'static str = "BALANCE";
    const STATE: ExecutionState = ExecutionState::Balance;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let access = AccountAccess::configure(cb);
        let balance = cb.account_read(access.address.clone(), AccountField::Balance);
        let pushed = cb.stack_push();
        cb.require_equal_word("pushed = balance", pushed, balance);
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
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let word = witness
            .step_rws(step)
            .first()
            .map(|rw| rw.value)
            .ok_or(Error::Synthesis)?;
        self.access.assign(region, word)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
