//! A SELFDESTRUCT's beneficiary and its gas: whether the account is empty (EIP-161) and
//! whether the contract's balance makes it a new one. A helper of
//! [`SelfDestructGadget`](super::SelfDestructGadget) and
//! [`ErrorOogSelfDestructGadget`](super::ErrorOogSelfDestructGadget), not a gadget.
//!
//! ```text
//! EmptyAccount(address): nonce, code_hash, balance = account reads (3 rws)
//!   no_code_no_nonce = [nonce = 0]·[code_hash = keccak256(())]
//!   empty = no_code_no_nonce·[balance = 0]
//! NewAccount(sent, empty): new_account = [sent ≠ 0]·empty
//! cost = 5000 (constant gas) + 2600·(1 - was_warm) + 25000·new_account
//! ```
//! Each product is a cell, so every constraint stays of degree 2. A missing account reads
//! as nonce 0, balance 0 and the empty code's hash, so it is empty.

use super::{call_without_code::NEW_ACCOUNT_GAS, WordIsZero};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::AccountField;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// SELFDESTRUCT's gas (EIP-6780 leaves EIP-2929's prices): 5000.
pub const SELF_DESTRUCT_GAS: u64 = 5000;

/// Gas of a cold beneficiary (EIP-2929), on top of [`SELF_DESTRUCT_GAS`].
pub const COLD_BENEFICIARY_GAS: u64 = 2600;

/// SELFDESTRUCT's whole cost.
pub fn self_destruct_cost(was_warm: bool, new_account: bool) -> u64 {
    SELF_DESTRUCT_GAS
        + if was_warm { 0 } else { COLD_BENEFICIARY_GAS }
        + if new_account { NEW_ACCOUNT_GAS } else { 0 }
}

/// SELFDESTRUCT's whole cost as an expression: the opcode's constant gas (5000), the cold
/// surcharge and the new account's charge.
pub fn self_destruct_cost_expr<F: PrimeField>(
    cb: &ConstraintBuilder<'_, F>,
    was_warm: Expression<F>,
    new_account: Expression<F>,
) -> Expression<F> {
    let c = |v: u64| Expression::Constant(F::from(v));
    cb.props().constant_gas
        + (c(1) - was_warm) * c(COLD_BENEFICIARY_GAS)
        + new_account * c(NEW_ACCOUNT_GAS)
}

/// Whether an account is empty: no nonce, no code, no balance.
#[derive(Clone, Debug)]
pub struct EmptyAccount<F: PrimeField> {
    nonce_is_zero: WordIsZero<F>,
    /// `[code_hash = keccak256(())]`, as the zero test of the difference.
    hash_is_empty: WordIsZero<F>,
    balance_is_zero: WordIsZero<F>,
    no_code_no_nonce: Cell<F>,
    /// 1 iff the account is empty.
    pub empty: Cell<F>,
}

impl<F: PrimeField> EmptyAccount<F> {
    /// Reads the nonce, code hash and balance of `address` (the step's next three accesses).
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>, address: Expression<F>) -> Self {
        let nonce = cb.account_read(address.clone(), AccountField::Nonce);
        let code_hash = cb.account_read(address.clone(), AccountField::CodeHash);
        let balance = cb.account_read(address, AccountField::Balance);
        let empty_hash = word_of::<F>(U256::from_be_bytes(KECCAK_EMPTY.0));
        let nonce_is_zero = WordIsZero::configure(cb, "beneficiary nonce", nonce);
        let hash_is_empty = WordIsZero::configure(
            cb,
            "beneficiary code hash - keccak256(())",
            Word::new(
                code_hash.lo - Expression::Constant(empty_hash.lo),
                code_hash.hi - Expression::Constant(empty_hash.hi),
            ),
        );
        let balance_is_zero = WordIsZero::configure(cb, "beneficiary balance", balance);
        let no_code_no_nonce = cb.query_cell();
        cb.require_equal(
            "no_code_no_nonce = [nonce = 0]·[code hash = keccak256(())]",
            no_code_no_nonce.expr(),
            nonce_is_zero.expr() * hash_is_empty.expr(),
        );
        let empty = cb.query_cell();
        cb.require_equal(
            "empty = no_code_no_nonce·[beneficiary balance = 0]",
            empty.expr(),
            no_code_no_nonce.expr() * balance_is_zero.expr(),
        );
        Self {
            nonce_is_zero,
            hash_is_empty,
            balance_is_zero,
            no_code_no_nonce,
            empty,
        }
    }

    /// Assigns the tests of the values read; returns whether the account is empty.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        nonce: U256,
        code_hash: U256,
        balance: U256,
    ) -> Result<bool, Error> {
        let nonce_zero = self.nonce_is_zero.assign(region, word_of(nonce))?;
        let (hash, empty_hash) = (
            word_of::<F>(code_hash),
            word_of::<F>(U256::from_be_bytes(KECCAK_EMPTY.0)),
        );
        let diff = Word::new(hash.lo - empty_hash.lo, hash.hi - empty_hash.hi);
        let hash_empty = self.hash_is_empty.assign(region, diff)?;
        let balance_zero = self.balance_is_zero.assign(region, word_of(balance))?;
        let no_code_no_nonce = nonce_zero && hash_empty;
        self.no_code_no_nonce
            .assign(region, F::from(u64::from(no_code_no_nonce)))?;
        let empty = no_code_no_nonce && balance_zero;
        self.empty.assign(region, F::from(u64::from(empty)))?;
        Ok(empty)
    }
}

/// Whether sending `sent` to an account makes a new one: `[sent ≠ 0]·empty`.
#[derive(Clone, Debug)]
pub struct NewAccount<F: PrimeField> {
    sent_is_zero: WordIsZero<F>,
    /// 1 iff the beneficiary is empty and receives a balance.
    pub new_account: Cell<F>,
}

impl<F: PrimeField> NewAccount<F> {
    /// States `new_account = [sent ≠ 0]·empty`.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        sent: Word<Expression<F>>,
        empty: Expression<F>,
    ) -> Self {
        let sent_is_zero = WordIsZero::configure(cb, "sent balance", sent);
        let new_account = cb.query_cell();
        cb.require_equal(
            "new_account = [sent ≠ 0]·empty",
            new_account.expr(),
            (Expression::Constant(F::ONE) - sent_is_zero.expr()) * empty,
        );
        Self {
            sent_is_zero,
            new_account,
        }
    }

    /// Assigns the test of `sent`; returns whether a new account is made.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        sent: U256,
        empty: bool,
    ) -> Result<bool, Error> {
        let sent_zero = self.sent_is_zero.assign(region, word_of(sent))?;
        let new_account = !sent_zero && empty;
        self.new_account
            .assign(region, F::from(u64::from(new_account)))?;
        Ok(new_account)
    }
}
