//! EXTCODEHASH: pushes the code hash of the popped address, or 0 for an empty account
//! (EIP-1052 with EIP-161's emptiness: nonce 0, balance 0, no code).
//!
//! ```text
//! rw 0..3  AccountAccess: address = pop mod 2^160, TxId, warm mark (see account_access.rs)
//! rw 3     nonce = account read (address, Nonce)
//! rw 4     balance = account read (address, Balance)
//! rw 5     hash = account read (address, CodeHash)
//! rw 6     pushed = push
//! z_n = WordIsZero(nonce), z_b = WordIsZero(balance), z_h = WordIsZero(hash - EMPTY) limb-wise
//! "both_zero = z_n·z_b", "is_empty = both_zero·z_h"
//! "pushed = (1 - is_empty)·hash" (lo, hi)
//! gas: 100 + 2500·(1 - was_warm)
//! transition: pc + 1, stack pointer same, reversible writes + 1 (the warm mark)
//! ```
//!
//! An account missing from the state reads as nonce 0, balance 0 and the empty-code hash
//! `EMPTY = keccak256("")`, so it is empty too. The limbs of `hash` and `EMPTY` are below
//! `2^128`, so their limb differences are zero iff the hashes are equal.

use super::{
    account_access::AccountAccess, rw_values, DynamicCost, ExecutionGadget, SameContext,
    SideEffects, Transition, WordIsZero,
};
use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use crate::table::b256_word;
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::KECCAK_EMPTY;
use equivm_witness::{AccountField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// EXTCODEHASH.
#[derive(Clone, Debug)]
pub struct ExtCodeHashGadget<F: PrimeField> {
    /// The address and its warm mark.
    pub access: AccountAccess<F>,
    /// The nonce is 0.
    pub nonce_zero: WordIsZero<F>,
    /// The balance is 0.
    pub balance_zero: WordIsZero<F>,
    /// The code hash is the empty-code hash.
    pub hash_empty: WordIsZero<F>,
    /// `nonce_zero · balance_zero`.
    pub both_zero: Cell<F>,
    /// The account is empty.
    pub is_empty: Cell<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ExtCodeHashGadget<F> {
    const NAME: &'static str = "EXTCODEHASH";
    const STATE: ExecutionState = ExecutionState::ExtCodeHash;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let access = AccountAccess::configure(cb);
        let nonce = cb.account_read(access.address.clone(), AccountField::Nonce);
        let balance = cb.account_read(access.address.clone(), AccountField::Balance);
        let hash = cb.account_read(access.address.clone(), AccountField::CodeHash);
        let pushed = cb.stack_push();

        let empty = b256_word(KECCAK_EMPTY).to_field::<F>();
        let nonce_zero = WordIsZero::configure(cb, "nonce", nonce);
        let balance_zero = WordIsZero::configure(cb, "balance", balance);
        let hash_empty = WordIsZero::configure(
            cb,
            "hash - EMPTY",
            Word::new(
                hash.lo.clone() - Expression::Constant(empty.lo),
                hash.hi.clone() - Expression::Constant(empty.hi),
            ),
        );
        let both_zero = cb.query_cell();
        cb.require_equal(
            "both_zero = nonce_zero·balance_zero",
            both_zero.expr(),
            nonce_zero.expr() * balance_zero.expr(),
        );
        let is_empty = cb.query_cell();
        cb.require_equal(
            "is_empty = both_zero·hash_empty",
            is_empty.expr(),
            both_zero.expr() * hash_empty.expr(),
        );
        let keep = c(1) - is_empty.expr();
        cb.require_equal_word(
            "pushed = (1 - is_empty)·hash",
            pushed,
            Word::new(keep.clone() * hash.lo, keep * hash.hi),
        );
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
            nonce_zero,
            balance_zero,
            hash_empty,
            both_zero,
            is_empty,
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
        let word = rws.first().map(|rw| rw.value).ok_or(Error::Synthesis)?;
        self.access.assign(region, word)?;
        let values = rw_values::<F>(witness, step);
        let [nonce, balance, hash] = [3, 4, 5].map(|i| values.get(i).copied());
        let (nonce, balance, hash) = (
            nonce.ok_or(Error::Synthesis)?,
            balance.ok_or(Error::Synthesis)?,
            hash.ok_or(Error::Synthesis)?,
        );
        let empty = b256_word(KECCAK_EMPTY).to_field::<F>();
        let n = self.nonce_zero.assign(region, nonce)?;
        let b = self.balance_zero.assign(region, balance)?;
        let h = self
            .hash_empty
            .assign(region, Word::new(hash.lo - empty.lo, hash.hi - empty.hi))?;
        let flag = |v: bool| F::from(u64::from(v));
        self.both_zero.assign(region, flag(n && b))?;
        self.is_empty.assign(region, flag(n && b && h))?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
