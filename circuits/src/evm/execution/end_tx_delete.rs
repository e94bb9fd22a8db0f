//! EndTxClearSlot and EndTxDeleteAccount: the deletion of the accounts a transaction created
//! and self-destructed (EIP-6780), in synthetic steps after its `EndTx`.
//!
//! ```text
//! t = tx_id − 1        (EndTx moved tx_id on; the cells named are the ended transaction's)
//! EndTxClearSlot (account A, slot K: free cells)
//!   rw 0  created flag read (t, A, index 1) = 2            (A self-destructed: pending)
//!   rw 1  storage write (t, A, K): value = 0, committed_value = 0 (0 when t began),
//!         value_prev ≠ 0: "value_prev.lo·inv_lo + value_prev.hi·inv_hi = 1"
//!   rw 2  slot count write (t, A, index 2): value = value_prev − 1
//!   next state: EndTxClearSlot or EndTxDeleteAccount
//! EndTxDeleteAccount (account A: a free cell)
//!   rw 0  created flag write (t, A, index 1): value_prev = 2, value = 3 (done)
//!   rw 1  slot count read (t, A, index 2) = 0
//!   rw 2..4 nonce write 0, balance write 0, code hash write = keccak256 of the empty code
//!   next state: EndTxClearSlot, EndTxDeleteAccount, BeginTx (any kind) or EndBlock
//! both: no call runs: "pc = 0", "stack_pointer = 1024", "gas_left = 0",
//!   "memory_word_size = 0", "reversible_write_counter = 0"
//! transition: rw_counter + 3 (+ 5), tx_id unchanged; the rest free, as after EndTx
//! ```
//!
//! Soundness. A SELFDESTRUCT of an account created in the transaction writes its created
//! flag 2 (undone with its frame), and the state circuit refuses a flag whose last value is
//! 2: every such account meets one `EndTxDeleteAccount`, the only step that writes 3, which
//! it writes from 2, so once. Its slot count must then be 0. The count is a cell of the
//! transaction (0 at its start); every SSTORE into an account created in it moves the count
//! by `[current = 0] − [new = 0]` (undone with the SSTORE's frame), so it is the number of
//! the account's non-zero slots, the account having had none when it was created; each
//! `EndTxClearSlot` takes one non-zero slot of a pending account to 0 and lowers the count
//! by one, so at 0 every slot is 0. A slot already 0 cannot be cleared (its `value_prev`
//! has no inverse), nor a slot of an account not pending or already deleted (its flag is
//! not 2), nor a slot that was not 0 when the transaction began (its committed value,
//! which the state circuit proves): a cleared slot was set in the transaction, so by an
//! SSTORE, which counted it under its own (range-checked) key. Both states are
//! transaction boundaries ([`ConstraintBuilder::require_next_not_boundary`]): no step of a
//! running call is followed by them, and only `EndTx` and they themselves name them as next
//! states. The account's pre-state storage
//! is not read: an account created over non-empty storage (which EIP-7610 calls a
//! collision) is out of reach of the rw log and is left to the state-root (MPT) circuit.

use super::{create::empty_hash, tx_arith::address_value, ExecutionGadget, WitnessIndex};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::{word_expr, Cell, WordCell},
    constraint_builder::{ConstraintBuilder, StepStateTransition, Transition},
};
use equivm_gadgets::Word;
use equivm_witness::{AccountField, ExecStep, ExecutionState, RwTag, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of an `EndTxClearSlot` step.
pub const CLEAR_SLOT_RWS: u64 = 3;
/// Rw accesses of an `EndTxDeleteAccount` step.
pub const DELETE_ACCOUNT_RWS: u64 = 5;

/// The states that may follow a deletion step (and `EndTx`): more deletions, the next
/// transaction, or the block's end.
pub const AFTER_DELETION: [ExecutionState; 6] = [
    ExecutionState::EndTxClearSlot,
    ExecutionState::EndTxDeleteAccount,
    ExecutionState::BeginTx,
    ExecutionState::BeginTxCreate,
    ExecutionState::BeginTxCreateCollision,
    ExecutionState::EndBlock,
];

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn small<F: PrimeField>(v: u64) -> Word<Expression<F>> {
    Word::new(c(v), c(0))
}

/// The transition out of `EndTx` or a deletion step: its accesses, `tx_id` as given; the
/// rest free (the next transaction's `BeginTx`, or `EndBlock`, sets its own).
pub(super) fn after_end_tx<F: PrimeField>(
    cb: &ConstraintBuilder<'_, F>,
    tx_id: Transition<Expression<F>>,
) -> StepStateTransition<F> {
    StepStateTransition {
        rw_counter: Transition::Delta(cb.rw_counter_delta()),
        call_id: Transition::Free,
        is_root: Transition::Free,
        is_create: Transition::Free,
        code_hash: Transition::Free,
        program_counter: Transition::Free,
        stack_pointer: Transition::Free,
        gas_left: Transition::Free,
        memory_word_size: Transition::Free,
        reversible_write_counter: Transition::Free,
        log_id: Transition::Free,
        tx_id,
        refund: Transition::Free,
        is_persistent: Transition::Free,
        rw_counter_end_of_reversion: Transition::Free,
    }
}

/// A deletion step runs in no call: its pc, stack pointer, gas, memory size and reversible
/// write count are pinned (`EndTx` leaves them free, and nothing after it reads them).
fn require_no_call<F: PrimeField>(cb: &mut ConstraintBuilder<'_, F>) {
    let step = cb.step();
    cb.require_zero("pc = 0", step.program_counter);
    cb.require_equal("stack_pointer = 1024", step.stack_pointer, c(1024));
    cb.require_zero("gas_left = 0", step.gas_left);
    cb.require_zero("memory_word_size = 0", step.memory_word_size);
    cb.require_zero(
        "reversible_write_counter = 0",
        step.reversible_write_counter,
    );
}

/// EndTxClearSlot: one non-zero slot of a pending account written 0.
#[derive(Clone, Debug)]
pub struct EndTxClearSlotGadget<F: PrimeField> {
    /// The account (its address as one field element).
    pub address: Cell<F>,
    /// The slot.
    pub key: WordCell<F>,
    /// Inverses that show the slot's value before was not 0.
    pub inv: [Cell<F>; 2],
}

impl<F: PrimeField> ExecutionGadget<F> for EndTxClearSlotGadget<F> {
    const NAME: &'static str = "END_TX_CLEAR_SLOT";
    const STATE: ExecutionState = ExecutionState::EndTxClearSlot;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let ended = cb.step().tx_id - c(1);
        require_no_call(cb);
        let address = cb.query_cell();
        let key = cb.query_word();
        let flag = cb.created_flag_read(ended.clone(), address.expr());
        cb.require_equal_word("created flag = 2 (pending deletion)", flag, small(2));
        let slot = cb.storage_access(
            RwTag::Storage,
            true,
            ended.clone(),
            address.expr(),
            word_expr(&key),
        );
        cb.require_equal_word("slot written 0", slot.value, small(0));
        cb.require_equal_word(
            "the slot was 0 when the transaction began",
            slot.committed_value,
            small(0),
        );
        let inv = [cb.query_cell(), cb.query_cell()];
        cb.require_equal(
            "the slot was not 0: lo·inv_lo + hi·inv_hi = 1",
            slot.value_prev.lo * inv[0].expr() + slot.value_prev.hi * inv[1].expr(),
            c(1),
        );
        let count = cb.slot_count_access(true, ended, address.expr());
        cb.require_equal_word(
            "slot count: value = value_prev - 1",
            count.value,
            Word::new(count.value_prev.lo - c(1), count.value_prev.hi),
        );
        cb.require_next_state(&[
            ExecutionState::EndTxClearSlot,
            ExecutionState::EndTxDeleteAccount,
        ]);
        cb.require_step_state_transition(after_end_tx(cb, Transition::Same));
        Self { address, key, inv }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let slot = rws.get(1).ok_or(Error::Synthesis)?;
        self.address.assign(region, address_value(slot.address))?;
        let key = word_of::<F>(slot.key);
        self.key.lo.assign(region, key.lo)?;
        self.key.hi.assign(region, key.hi)?;
        let prev = word_of::<F>(slot.value_prev);
        let (inv_lo, inv_hi) = match (prev.lo.invert().into_option(), prev.hi.invert()) {
            (Some(i), _) => (i, F::ZERO),
            (None, i) => (F::ZERO, i.unwrap_or(F::ZERO)),
        };
        self.inv[0].assign(region, inv_lo)?;
        self.inv[1].assign(region, inv_hi)
    }

    fn unsupported(step: &ExecStep, _index: &WitnessIndex) -> bool {
        step.rw_count != CLEAR_SLOT_RWS
    }
}

/// EndTxDeleteAccount: a pending account deleted.
#[derive(Clone, Debug)]
pub struct EndTxDeleteAccountGadget<F: PrimeField> {
    /// The account (its address as one field element).
    pub address: Cell<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for EndTxDeleteAccountGadget<F> {
    const NAME: &'static str = "END_TX_DELETE_ACCOUNT";
    const STATE: ExecutionState = ExecutionState::EndTxDeleteAccount;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let ended = cb.step().tx_id - c(1);
        require_no_call(cb);
        let address = cb.query_cell();
        let flag = cb.created_flag_write(ended.clone(), address.expr());
        cb.require_equal_word(
            "created flag before = 2 (pending)",
            flag.value_prev,
            small(2),
        );
        cb.require_equal_word("created flag = 3 (deleted)", flag.value, small(3));
        let count = cb.slot_count_access(false, ended, address.expr());
        cb.require_equal_word("slot count = 0 (every slot cleared)", count.value, small(0));
        for (field, value, what) in [
            (AccountField::Nonce, small(0), "nonce written 0"),
            (AccountField::Balance, small(0), "balance written 0"),
            (
                AccountField::CodeHash,
                empty_hash(),
                "code hash written empty",
            ),
        ] {
            let row = cb.account_write(address.expr(), field);
            cb.require_equal_word(what, row.value, value);
        }
        cb.require_next_state(&AFTER_DELETION);
        cb.require_step_state_transition(after_end_tx(cb, Transition::Same));
        Self { address }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let flag = rws.first().ok_or(Error::Synthesis)?;
        self.address.assign(region, address_value(flag.address))
    }

    fn unsupported(step: &ExecStep, _index: &WitnessIndex) -> bool {
        step.rw_count != DELETE_ACCOUNT_RWS
    }
}

#[cfg(test)]
mod tests;
