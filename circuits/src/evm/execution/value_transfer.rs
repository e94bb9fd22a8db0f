//! ValueTransfer: a value moved from a sender to a receiver inside a call's reversion scope
//! (BeginTx's root call, a CALL's callee). A helper of those gadgets, not a gadget; configure
//! it inside an optional rw group switched on by `[value ≠ 0]`.
//!
//! ```text
//! rw k     sender balance read
//! rw k+1   sender balance write      undo 0 of the scope
//! rw k+2   receiver balance write    undo 1 of the scope
//! "transfer: sender balance read = value_prev"
//! sender and receiver balances after: 32 range-checked bytes each
//! "transfer: sender balance + value = balance_prev"     (AddNoOverflow, boolean carry)
//! "transfer: callee balance_prev + value = balance"     (AddNoOverflow, boolean carry)
//! ```
//! The written balances are range-checked, so the additions hold over the integers
//! ([`AddNoOverflow`]): the sender could pay, and the receiver's balance does not wrap. A
//! sender that is its own receiver reads back its debited balance in the second write.

use super::tx_arith::{AddNoOverflow, WordBytes};
use crate::evm::{
    assign::StepRegion,
    constraint_builder::{ConstraintBuilder, Reversion},
};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{AccountField, Rw};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The three accesses of a value transfer and their arithmetic.
#[derive(Clone, Debug)]
pub struct ValueTransfer<F: PrimeField> {
    /// Sender balance after = balance before - value.
    pub debit: AddNoOverflow<F>,
    /// Receiver balance after = balance before + value.
    pub credit: AddNoOverflow<F>,
    /// The sender's and the receiver's balances after, range-checked.
    pub balances_after: [WordBytes<F>; 2],
    /// The receiver's balance before (its write's `value_prev`; 0 when the group is off).
    pub receiver_before: Word<Expression<F>>,
}

impl<F: PrimeField> ValueTransfer<F> {
    /// Makes the three accesses (inside the caller's optional group) and their undos in
    /// `scope`, numbered 0 and 1 there.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        sender: Expression<F>,
        receiver: Expression<F>,
        value: Word<Expression<F>>,
        scope: &Reversion<F>,
    ) -> Self {
        let read = cb.account_read(sender.clone(), AccountField::Balance);
        let from = cb.account_write(sender, AccountField::Balance);
        cb.undo_if_reverted_nth(scope, 0);
        let to = cb.account_write(receiver, AccountField::Balance);
        cb.undo_if_reverted_nth(scope, 1);
        cb.require_equal_word(
            "transfer: sender balance read = value_prev",
            read,
            from.value_prev.clone(),
        );
        let balances_after = [
            WordBytes::configure(cb, "transfer: sender balance after", from.value.clone()),
            WordBytes::configure(cb, "transfer: callee balance after", to.value.clone()),
        ];
        let debit = AddNoOverflow::configure(
            cb,
            "transfer: sender balance + value = balance_prev",
            from.value,
            value.clone(),
            from.value_prev,
        );
        let receiver_before = to.value_prev.clone();
        let credit = AddNoOverflow::configure(
            cb,
            "transfer: callee balance_prev + value = balance",
            to.value_prev,
            value,
            to.value,
        );
        Self {
            debit,
            credit,
            balances_after,
            receiver_before,
        }
    }

    /// Requires both carries boolean (outside the optional group: the carry cells exist
    /// whether or not the transfer is made).
    pub fn require_boolean_carries(&self, cb: &mut ConstraintBuilder<'_, F>) {
        self.debit.require_boolean_carry(cb, "debit");
        self.credit.require_boolean_carry(cb, "credit");
    }

    /// Assigns the transfer of `value` whose sender and receiver writes are `writes`, or
    /// zeros when there is none.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        writes: Option<(&Rw, &Rw)>,
        value: U256,
    ) -> Result<(), Error> {
        match writes {
            Some((from, to)) => {
                self.debit.assign(region, from.value, value)?;
                self.credit.assign(region, to.value_prev, value)?;
                self.balances_after[0].assign(region, from.value)?;
                self.balances_after[1].assign(region, to.value)
            }
            None => {
                self.debit.carry.assign(region, F::ZERO)?;
                self.credit.carry.assign(region, F::ZERO)?;
                for bytes in &self.balances_after {
                    bytes.assign(region, U256::ZERO)?;
                }
                Ok(())
            }
        }
    }
}
