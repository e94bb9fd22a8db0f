//! The EIP-2929 account access that BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH share: the
//! popped word as an address, the step's tx id, and the account's warm mark.
//!
//! ```text
//! word = pop (rw 0)
//! "word.hi = Σ_{i<16} hi_byte_i·256^i"               address = word mod 2^160:
//! address = word.lo + (Σ_{i<4} hi_byte_i·256^i)·2^128
//! tx_id = call context TxId (rw 1), "TxId read = step.tx_id" (lo), "TxId read.hi = 0"
//! mark = access list account write (step.tx_id, address) (rw 2): value 1,
//!        value_prev = was_warm (boolean)
//! gas: 100 (constant) + 2500·(1 - was_warm)          (cold account: 2600 in all)
//! ```
//!
//! The address is the word's low 160 bits (the EVM ignores the rest): the high limb's bytes
//! are range-checked, so the four low ones are its bits 128..160. The low limb is below
//! `2^128` (every stack value is), so `address < 2^160` is the key the account rows use.

use super::sload::was_warm;
use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    constraint_builder::{ConstraintBuilder, Reversion},
};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::CallContextField;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Gas of a cold account access on top of the warm cost (EIP-2929: 2600 − 100).
pub const COLD_ACCOUNT_EXTRA: u64 = 2500;

/// The popped address, its tx and its warm mark.
#[derive(Clone, Debug)]
pub struct AccountAccess<F: PrimeField> {
    /// The popped word's high limb, little-endian.
    pub hi_bytes: [Cell<F>; 16],
    /// The address (the word's low 160 bits) as one field element.
    pub address: Expression<F>,
    /// 1 if the account was warm before the step.
    pub was_warm: Expression<F>,
}

impl<F: PrimeField> AccountAccess<F> {
    /// Pops the address and makes the two accesses after it (rw 0..3).
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let word = cb.stack_pop();
        Self::configure_popped(cb, word)
    }

    /// The access of the address in `word`, popped before (EXTCODECOPY pops its other
    /// operands first): makes the TxId read and the warm mark, the step's next two accesses.
    pub fn configure_popped(cb: &mut ConstraintBuilder<'_, F>, word: Word<Expression<F>>) -> Self {
        Self::configure_with(cb, word, true)
    }

    /// The address in `word` and its warm flag, read and not marked (a step that fails
    /// before its access): the TxId read and the warm-flag read, the step's next two
    /// accesses.
    pub fn configure_read(cb: &mut ConstraintBuilder<'_, F>, word: Word<Expression<F>>) -> Self {
        Self::configure_with(cb, word, false)
    }

    fn configure_with(
        cb: &mut ConstraintBuilder<'_, F>,
        word: Word<Expression<F>>,
        mark: bool,
    ) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let hi_bytes = cb.query_bytes::<16>();
        let bytes: Vec<_> = hi_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "address word.hi = Σ hi_byte_i·256^i",
            word.hi,
            expr_from_le_bytes(&bytes),
        );
        let address =
            word.lo + expr_from_le_bytes(&bytes[..4]) * Expression::Constant(pow2::<F>(128));
        let tx_id = cb.call_context_lookup(CallContextField::TxId);
        let step = cb.step();
        cb.require_equal_word(
            "TxId read = step.tx_id",
            tx_id,
            Word::new(step.tx_id.clone(), c(0)),
        );
        let flag = if mark {
            let mark = cb.access_list_account_write(step.tx_id, address.clone());
            cb.undo_if_reverted(&Reversion::of_step(&cb.step()));
            mark.value_prev
        } else {
            cb.access_list_account_read(step.tx_id, address.clone())
        };
        let was_warm = was_warm(cb, flag);
        Self {
            hi_bytes,
            address,
            was_warm,
        }
    }

    /// The dynamic gas: the cold surcharge.
    pub fn dynamic_gas(&self) -> Expression<F> {
        (Expression::Constant(F::ONE) - self.was_warm.clone())
            * Expression::Constant(F::from(COLD_ACCOUNT_EXTRA))
    }

    /// Assigns the bytes of the popped word's high limb.
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, word: U256) -> Result<(), Error> {
        let le = word.to_le_bytes::<32>();
        for (cell, byte) in self.hi_bytes.iter().zip(&le[16..]) {
            cell.assign(region, F::from(u64::from(*byte)))?;
        }
        Ok(())
    }
}
