//! ErrorOutOfGasSelfDestruct: SELFDESTRUCT without the gas for it: 5000, 2600 more for a
//! cold beneficiary, 25000 more when the contract's balance goes to an empty account.
//!
//! ```text
//! beneficiary = pop (rw 0)
//! AccountAccess::configure_read: TxId read (rw 1), warm flag read (rw 2)
//! EmptyAccount(beneficiary): nonce, code hash, balance reads (rw 3, 4, 5)  (beneficiary.rs)
//! own = CalleeAddress read (rw 6), sent = own balance read (rw 7)
//! NewAccount: new_account = [sent ≠ 0]·empty
//! LessThan<2>(gas_left < 5000 + 2600·(1 - was_warm) + 25000·new_account)
//! ErrorEnd (rw 8: IsSuccess = 0, then the hand-back to a caller)   (see common_error.rs)
//! ```
//! Soundness. The responsible-opcode lookup limits the state to SELFDESTRUCT, whose constant
//! gas is 5000. Nothing is written: revm moves the balance before it charges the gas, and
//! the failing frame's journal takes the move back, so the witness reads the values the
//! cost depends on instead. The cost is at most 32,600, so a 2-byte gap exists only if
//! `gas_left` is below it. A SELFDESTRUCT in a static call fails first with
//! `ErrorWriteProtection` when it has its 5000; both errors end the call alike.

use super::{
    account_access::AccountAccess,
    beneficiary::{self_destruct_cost, self_destruct_cost_expr, EmptyAccount, NewAccount},
    common_error::{ErrorEnd, LessThan},
    tx_arith::address_expr,
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    constraint_builder::ConstraintBuilder,
};
use equivm_witness::{
    execution_state::SELFDESTRUCT, AccountField, CallContextField, ExecStep, ExecutionState,
    Witness,
};
use halo2_proofs::{halo2curves::ff::PrimeField, plonk::Error};

/// Out of gas on SELFDESTRUCT.
#[derive(Clone, Debug)]
pub struct ErrorOogSelfDestructGadget<F: PrimeField> {
    /// The beneficiary and its warm flag.
    pub access: AccountAccess<F>,
    /// Whether the beneficiary is empty.
    pub empty: EmptyAccount<F>,
    /// Whether the contract's balance would make it a new account.
    pub new_account: NewAccount<F>,
    /// `gas_left < cost`.
    pub out_of_gas: LessThan<F, 2>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogSelfDestructGadget<F> {
    const NAME: &'static str = "ERROR_OOG_SELFDESTRUCT";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasSelfDestruct;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let word = cb.stack_pop();
        let access = AccountAccess::configure_read(cb, word);
        let empty = EmptyAccount::configure(cb, access.address.clone());
        let own = address_expr(&cb.call_context_lookup(CallContextField::CalleeAddress));
        let sent = cb.account_read(own, AccountField::Balance);
        let new_account = NewAccount::configure(cb, sent, empty.empty.expr());
        let cost =
            self_destruct_cost_expr(cb, access.was_warm.clone(), new_account.new_account.expr());
        let out_of_gas = LessThan::configure(cb, "gas_left < cost", cb.step().gas_left, cost);
        let end = ErrorEnd::configure(cb);
        Self {
            access,
            empty,
            new_account,
            out_of_gas,
            end,
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
        let was_warm = !value(2)?.is_zero();
        let empty = self.empty.assign(region, value(3)?, value(4)?, value(5)?)?;
        let new_account = self.new_account.assign(region, value(7)?, empty)?;
        self.out_of_gas.assign(
            region,
            step.gas_left,
            self_destruct_cost(was_warm, new_account),
        )?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        // The beneficiary and its warm flag were read (a step with an empty stack reads
        // neither).
        let read = matches!(
            (step.opcode, index.error_stack_reads(step)),
            (Some(SELFDESTRUCT), [_, _])
        );
        !read
    }
}

#[cfg(test)]
mod tests;
