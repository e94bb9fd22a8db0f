//! SELFDESTRUCT (EIP-6780, Cancun).
//!
//! Pops the beneficiary and marks it warm; the contract's whole balance moves to the
//! beneficiary (if it is another account). If the contract was created in this transaction
//! its balance is zeroed even when it names itself, and it is deleted at the end of the
//! transaction (nonce, balance, code hash and storage cleared in `EndTx`); otherwise nothing
//! else changes. All of it is in the current frame's reversion scope.

use super::account::warm_account;
use super::{Builder, JournalEntry, StepCtx};
use crate::error::WitnessError;
use crate::rw::{AccountField, CallContextField as F, Rw};
use crate::state::u256_to_address;
use equivm_trace::revm::primitives::U256;

/// Builds the step.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let v = b.stack_pops(s, 1);
    let target = u256_to_address(v[0]);
    let address = s.frame.address;
    b.read(Rw::call_context(s.call_id, F::TxId));
    b.read(Rw::call_context(s.call_id, F::IsStatic));
    b.read(Rw::call_context(s.call_id, F::CalleeAddress));
    warm_account(b, s, target);
    let balance = b.read(Rw::account(address, AccountField::Balance));
    let created = b.tx.created.contains(&address);
    if target != address {
        let t = b.state.account(target, AccountField::Balance);
        let sum = t
            .checked_add(balance)
            .ok_or_else(|| b.inconsistent(s, "balance overflow"))?;
        b.write(
            Rw::account(target, AccountField::Balance),
            sum,
            Some(s.frame_id),
        );
    }
    if target != address || created {
        b.write(
            Rw::account(address, AccountField::Balance),
            U256::ZERO,
            Some(s.frame_id),
        );
    }
    if created {
        b.tx.destructed.push(address);
        if let Some(fi) = b.tx.frames.get_mut(s.frame_id) {
            fi.journal.push(JournalEntry::Destructed(address));
        }
    }
    Ok(())
}
