//! SELFDESTRUCT (Cancun, EIP-6780): the contract's whole balance goes to the beneficiary and
//! the call ends successfully, like a STOP. One gadget, [`SelfDestructOpGadget`]:
//! `IN_CREATION` is the SELFDESTRUCT run by init code (state `SelfDestructCreation`), which
//! also ends the creation as a STOP does, depositing empty code.
//!
//! ```text
//! "is_create = IN_CREATION"
//! AccountAccess (rw 0..3): beneficiary = pop mod 2^160, TxId, warm mark (undo 0)
//! "IsStatic = 0" (rw 3)                               (else ErrorWriteProtection)
//! own = CalleeAddress read (rw 4)
//! EmptyAccount(beneficiary): nonce, code hash, balance reads (rw 5, 6, 7)   (beneficiary.rs)
//! debit = own balance write (rw 8, undo 1): "value = 0";  balance = its value_prev
//! same = [beneficiary = own] (WordIsZero of their difference)
//! credit = beneficiary balance write (rw 9, undo 2):
//!   "value_prev + balance·(1 − burn) = value" (AddNoOverflow, value range-checked)
//! NewAccount: new_account = [balance ≠ 0]·empty
//! cost = 5000 + 2600·(1 - was_warm) + 25000·new_account
//! "gas_left - cost = Σ gas_after_i·256^i"            (8 bytes: enough gas)
//! created flag write (tx_id, own, index 1) (rw 10, undo 3): f = value_prev ∈ {0, 1, 2}
//!   created = [f ≠ 0] (boolean): "2·created = f·(3 − f)";  "value = 2·created"
//!   (EIP-6780: a contract created in this tx is deleted after the tx: pending, 2)
//! burn = created·same                       (a created contract naming itself: burnt)
//! "call's IsSuccess = 1" (rw 11)
//! IN_CREATION: CalleeAddress read (rw 12); code hash write (address, CodeHash) (rw 13,
//!   undo 4) = keccak256(()) (the creation deposits empty code, at no gas)
//! root: next state EndTx; with a caller (14 more rws): RestoreContext(return data 0, 0),
//!   the next step executes an opcode
//! transition: the ending transition with gas_after; the caller takes over
//!   reversible_write_counter + 4 writes (+ 5 IN_CREATION); refund unchanged
//! ```
//!
//! A contract that names itself is debited and then credited: the credit's `value_prev` is
//! the 0 the debit wrote, so its balance ends where it was (EIP-6780: nothing is deleted).
//! Only a contract created in the same transaction burns its balance (when it names itself)
//! and is deleted: its created flag, which the creation wrote 1 in its own reversion scope,
//! becomes 2, and the state circuit refuses a transaction that ends with a flag at 2 unless
//! an `EndTxDeleteAccount` step took it to 3 (see `end_tx_delete.rs`). The flag's values
//! are 0, 1, 2 during a transaction (3 is written after its `EndTx`), which is what
//! `created`'s constraint needs. The beneficiary's emptiness is read before the transfer.

use super::{
    account_access::AccountAccess,
    beneficiary::{self_destruct_cost, self_destruct_cost_expr, EmptyAccount, NewAccount},
    restore_context::{is_root_step, RestoreContext, RESTORE_CONTEXT_RWS},
    tx_arith::{address_expr, address_value, AddNoOverflow, WordBytes},
    word_is_zero::WordIsZero,
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::{ConstraintBuilder, Reversion, Transition},
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{AccountField, CallContextField as C, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of the step before the frame ends (the pop to the created flag).
pub const SELF_DESTRUCT_OWN_RWS: usize = 11;

/// SELFDESTRUCT (`IN_CREATION` false) or SELFDESTRUCT run by init code.
#[derive(Clone, Debug)]
pub struct SelfDestructOpGadget<F: PrimeField, const IN_CREATION: bool> {
    /// The beneficiary and its warm mark.
    pub access: AccountAccess<F>,
    /// Whether the beneficiary was empty before the step.
    pub empty: EmptyAccount<F>,
    /// Whether the contract's balance makes the beneficiary a new account.
    pub new_account: NewAccount<F>,
    /// The beneficiary's balance after the credit, range-checked.
    credited: WordBytes<F>,
    /// `value_prev + balance = value` of the credit.
    credit: AddNoOverflow<F>,
    /// `gas_left - cost`, little-endian bytes.
    pub gas_after: [Cell<F>; 8],
    /// `(1 - is_root)·(reversible_write_counter + 4)`: the writes a caller takes over.
    kept: Cell<F>,
    /// `[beneficiary = own]`.
    pub same: WordIsZero<F>,
    /// `[created flag ≠ 0]`: the contract was created in this transaction.
    pub created: Cell<F>,
    /// `created·same`: the balance is burnt.
    pub burn: Cell<F>,
}

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

/// SELFDESTRUCT.
pub type SelfDestructGadget<F> = SelfDestructOpGadget<F, false>;
/// SELFDESTRUCT run by init code.
pub type SelfDestructCreationGadget<F> = SelfDestructOpGadget<F, true>;

/// Reversible writes the step adds: the warm mark, the debit, the credit, the created flag,
/// and the deposit of empty code `IN_CREATION`.
const fn own_writes(in_creation: bool) -> u64 {
    if in_creation {
        5
    } else {
        4
    }
}

impl<F: PrimeField, const IN_CREATION: bool> ExecutionGadget<F>
    for SelfDestructOpGadget<F, IN_CREATION>
{
    const NAME: &'static str = if IN_CREATION {
        "SELFDESTRUCT_CREATION"
    } else {
        "SELFDESTRUCT"
    };
    const STATE: ExecutionState = if IN_CREATION {
        ExecutionState::SelfDestructCreation
    } else {
        ExecutionState::SelfDestruct
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let is_create = c(u64::from(IN_CREATION));
        let what = if IN_CREATION {
            "is_create = 1"
        } else {
            "is_create = 0"
        };
        cb.require_equal(what, step.is_create.clone(), is_create);
        let word = cb.stack_pop();
        let access = AccountAccess::configure_popped(cb, word);
        let is_static = cb.call_context_lookup(C::IsStatic);
        cb.require_equal_word("IsStatic = 0", is_static, Word::new(c(0), c(0)));
        let own = address_expr(&cb.call_context_lookup(C::CalleeAddress));
        let own_address = own.clone();
        let beneficiary = access.address.clone();
        let empty = EmptyAccount::configure(cb, beneficiary.clone());

        let scope = Reversion::of_step(&step);
        let debit = cb.account_write(own, AccountField::Balance);
        cb.undo_if_reverted(&scope);
        cb.require_equal_word(
            "the contract's balance is written 0",
            debit.value.clone(),
            Word::new(c(0), c(0)),
        );
        let sent = debit.value_prev;
        let same = WordIsZero::configure(
            cb,
            "beneficiary - own",
            Word::new(beneficiary.clone() - own_address.clone(), c(0)),
        );
        let burn = cb.query_bool("burn is boolean");
        let kept_part = c(1) - burn.expr();
        let credited_amount = Word::new(
            sent.lo.clone() * kept_part.clone(),
            sent.hi.clone() * kept_part,
        );
        let credit_row = cb.account_write(beneficiary, AccountField::Balance);
        cb.undo_if_reverted(&scope);
        let credited =
            WordBytes::configure(cb, "beneficiary balance after", credit_row.value.clone());
        let credit = AddNoOverflow::configure(
            cb,
            "beneficiary balance_prev + sent·(1 - burn) = balance",
            credit_row.value_prev,
            credited_amount,
            credit_row.value,
        );
        credit.require_boolean_carry(cb, "credit");

        let new_account = NewAccount::configure(cb, sent, empty.empty.expr());
        let cost =
            self_destruct_cost_expr(cb, access.was_warm.clone(), new_account.new_account.expr());
        let gas_after = cb.query_bytes::<8>();
        let gas_after_expr =
            expr_from_le_bytes(&gas_after.iter().map(Cell::expr).collect::<Vec<_>>());
        cb.require_equal(
            "gas_left - cost = Σ gas_after_i·256^i (enough gas)",
            step.gas_left.clone() - cost,
            gas_after_expr.clone(),
        );

        let flag = cb.created_flag_write(step.tx_id.clone(), own_address);
        cb.undo_if_reverted(&scope);
        let created = cb.query_bool("created is boolean");
        let f = flag.value_prev.lo.clone();
        cb.require_zero("created flag.hi = 0", flag.value_prev.hi.clone());
        cb.require_equal(
            "2·created = f·(3 - f) (f ∈ {0, 1, 2})",
            created.expr() * c(2),
            f.clone() * (c(3) - f),
        );
        cb.require_equal_word(
            "created flag: value = 2·created (pending deletion)",
            flag.value,
            Word::new(created.expr() * c(2), c(0)),
        );
        cb.require_equal(
            "burn = created·same",
            burn.expr(),
            created.expr() * same.expr(),
        );
        let is_success = cb.call_context_lookup(C::IsSuccess);
        cb.require_equal_word("call's IsSuccess = 1", is_success, Word::new(c(1), c(0)));
        if IN_CREATION {
            let address = address_expr(&cb.call_context_lookup(C::CalleeAddress));
            let deposited = cb.account_write(address, AccountField::CodeHash);
            cb.undo_if_reverted(&scope);
            cb.require_equal_word(
                "the creation deposits empty code",
                deposited.value,
                super::create::empty_hash(),
            );
        }
        let is_root = step.is_root.clone();
        let has_caller = c(1) - is_root.clone();
        let back = cb.caller_rw_accesses(|cb| RestoreContext::configure(cb, c(0), c(0)));
        cb.require_next_state_if(is_root, ExecutionState::EndTx);
        cb.require_next_opcode_step_if(has_caller.clone());
        let kept = cb.query_cell();
        cb.require_equal(
            "kept = (1 - is_root)·(reversible_write_counter + own writes)",
            kept.expr(),
            has_caller * (step.reversible_write_counter.clone() + c(own_writes(IN_CREATION))),
        );
        let transition = back.ending_transition(cb, gas_after_expr, kept.expr(), Transition::Same);
        cb.require_step_state_transition(transition);
        Self {
            access,
            empty,
            new_account,
            credited,
            credit,
            gas_after,
            kept,
            same,
            created,
            burn,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let rw = |i: usize| rws.get(i).ok_or(Error::Synthesis);
        self.access.assign(region, rw(0)?.value)?;
        let was_warm = !rw(2)?.value_prev.is_zero();
        let empty = self
            .empty
            .assign(region, rw(5)?.value, rw(6)?.value, rw(7)?.value)?;
        let sent = rw(8)?.value_prev;
        let credit = rw(9)?;
        let (beneficiary, own) = (rw(9)?.address, rw(8)?.address);
        let same = self.same.assign(
            region,
            Word::new(
                address_value::<F>(beneficiary) - address_value::<F>(own),
                F::ZERO,
            ),
        )?;
        let created = !rw(10)?.value_prev.is_zero();
        let burn = created && same;
        self.created.assign(region, F::from(u64::from(created)))?;
        self.burn.assign(region, F::from(u64::from(burn)))?;
        let credited = if burn { U256::ZERO } else { sent };
        self.credited.assign(region, credit.value)?;
        self.credit.assign(region, credit.value_prev, credited)?;
        let new_account = self.new_account.assign(region, sent, empty)?;
        let cost = self_destruct_cost(was_warm, new_account);
        let after = step.gas_left.checked_sub(cost).ok_or(Error::Synthesis)?;
        for (cell, byte) in self.gas_after.iter().zip(after.to_le_bytes()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        let kept = if is_root_step(witness, step) {
            0
        } else {
            step.reversible_write_counter + own_writes(IN_CREATION)
        };
        self.kept.assign(region, F::from(kept))
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let call = index.call(step.call_id);
        let own = SELF_DESTRUCT_OWN_RWS as u64 + if IN_CREATION { 3 } else { 1 };
        let rws = if call.is_root {
            own
        } else {
            own + RESTORE_CONTEXT_RWS as u64
        };
        call.is_create != IN_CREATION || step.rw_count != rws
    }
}

#[cfg(test)]
mod tests;
