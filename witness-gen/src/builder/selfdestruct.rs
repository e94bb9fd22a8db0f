//! SELFDESTRUCT (EIP-6780, Cancun).
//!
//! Pops the beneficiary, reads the step's `TxId`, marks the beneficiary warm, reads the
//! call's `IsStatic` and own address, and reads the beneficiary's nonce, code hash and
//! balance (whether it is empty: a value sent to an empty account pays for a new one).
//! Then the contract's whole balance moves: its own balance is written 0, and the
//! beneficiary's is credited with it. A contract that names itself is debited and credited
//! back, so its balance stays, unless it was created in this transaction: then the credit
//! is skipped (written as 0 → 0, the balance burnt), and the account is deleted at the end
//! of the transaction (nonce, balance, code hash and storage cleared after `EndTx`). The
//! contract's created flag is written last: 2 (pending deletion) when a creation of this tx
//! made it, else 0 again. The four writes are in the current frame's reversion scope; the
//! frame then ends like a STOP.

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
    warm_account(b, s, target);
    b.read(Rw::call_context(s.call_id, F::IsStatic));
    b.read(Rw::call_context(s.call_id, F::CalleeAddress));
    b.read(Rw::account(target, AccountField::Nonce));
    b.read(Rw::account(target, AccountField::CodeHash));
    b.read(Rw::account(target, AccountField::Balance));
    let created = b.tx.created.contains(&address);
    let balance = b.write(
        Rw::account(address, AccountField::Balance),
        U256::ZERO,
        Some(s.frame_id),
    );
    // After the debit: the beneficiary's balance (0 when it is the contract itself).
    let before = b.state.account(target, AccountField::Balance);
    let credit = if target == address && created {
        U256::ZERO
    } else {
        balance
    };
    let after = before
        .checked_add(credit)
        .ok_or_else(|| b.inconsistent(s, "balance overflow"))?;
    b.write(
        Rw::account(target, AccountField::Balance),
        after,
        Some(s.frame_id),
    );
    // The contract's created flag (EIP-6780), after the transfer: 0 stays 0 (nothing is
    // deleted); 1 (created in this tx) or 2 (already self-destructed) becomes 2, pending
    // deletion after the tx's `EndTx`.
    let tx_id = b.tx.id;
    let flag = Rw::created_flag(tx_id, address);
    let pending = if created { U256::from(2) } else { U256::ZERO };
    b.write(flag, pending, Some(s.frame_id));
    if created {
        b.tx.destructed.push(address);
        if let Some(fi) = b.tx.frames.get_mut(s.frame_id) {
            fi.journal.push(JournalEntry::Destructed(address));
        }
    }
    Ok(())
}
