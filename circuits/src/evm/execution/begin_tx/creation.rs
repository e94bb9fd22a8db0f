//! What a creation transaction's BeginTx (state `BeginTxCreate`) adds to a message call's:
//! the new account's address, the init code (the tx's data) and its cost, the new account's
//! nonce and created flag. A helper of [`BeginTxOpGadget`](super::BeginTxOpGadget), not a
//! gadget.
//!
//! ```text
//! "tx.Nonce.hi = 0", "tx.CallDataLength.hi = 0"
//! address = ContractAddress(sender, tx.Nonce)      rlp([sender, nonce]) by its byte lookups
//! init_hash (2 cells); len = tx.CallDataLength; words = ceil(len / 32) (CopyWords)
//! "len = 0: init_hash = keccak256(())"
//! intrinsic gas + 32000 + 2·words                                   (EIP-3860's words)
//! after the root call's context (rw 34, 35):
//!   address Nonce write: 0 → 1 (no collision), undo 0 in the root call's scope
//!   address created flag write (tx_id, address): 1, undo 1 in the root call's scope
//! the value transfer's undos are 2 and 3
//! copy lookup when len ≠ 0: (TxCalldata, tx_id, 0, len, Bytecode, init_hash, 0, len,
//!   rw_counter + accesses, 0, 0)
//! ```
//! With the code hash read of the new address (`= keccak256(())`, the other half of the
//! collision check) and the root call's `CodeHash = init_hash`, `IsCreate = 1`,
//! `CallDataLength = 0` (the init code reads no call data), made by the gadget.
//!
//! The copy circuit proves that the bytecode-table input with hash `init_hash` is the tx's
//! `len` data bytes, and the bytecode circuit that `init_hash` is their keccak256; the
//! address is the low 20 bytes of the keccak256 of the preimage the lookups read (see
//! `create/address.rs`), which the nonce before its bump fixes.

use super::super::{
    copy_to_memory::CopyWords,
    create::{empty_hash, ContractAddress, CREATE_GAS, INIT_CODE_WORD_GAS},
    tx_arith::address_expr,
    WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::{ConstraintBuilder, Reversion},
};
use crate::table::{copy::copy_data_type_number, u256_word, CopyTableRow};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{keccak256, Address, U256};
use equivm_witness::{AccountField, CopyDataType, CopyEvent};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn small<F: PrimeField>(v: Expression<F>) -> Word<Expression<F>> {
    Word::new(v, c(0))
}

/// The creation part of a creation transaction's BeginTx.
#[derive(Clone, Debug)]
pub struct TxCreation<F: PrimeField> {
    /// The new account's address, from the sender and its nonce.
    address: ContractAddress<F, false>,
    /// The init code's hash (lo, hi).
    init_hash: [Cell<F>; 2],
    /// `ceil(len / 32)`.
    words: CopyWords<F>,
    len_is_zero: WordIsZero<F>,
    len: Expression<F>,
}

impl<F: PrimeField> TxCreation<F> {
    /// States the address `sender` creates with `nonce` (the tx's, before the bump), the
    /// init code's words and its hash when empty; `len` is the tx's data length.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        sender: &Word<Expression<F>>,
        nonce: &Word<Expression<F>>,
        len: &Word<Expression<F>>,
    ) -> Self {
        cb.require_zero("tx.Nonce.hi = 0", nonce.hi.clone());
        cb.require_zero("tx.CallDataLength.hi = 0", len.hi.clone());
        let init_hash = [cb.query_cell(), cb.query_cell()];
        let hash = Word::new(init_hash[0].expr(), init_hash[1].expr());
        let address =
            ContractAddress::<F, false>::configure(cb, sender, nonce.lo.clone(), None, &hash);
        let words = CopyWords::configure(cb, len.lo.clone());
        let len_is_zero = WordIsZero::configure(cb, "tx.CallDataLength", len.clone());
        let empty = empty_hash::<F>();
        for (limb, h, e) in [("lo", hash.lo, empty.lo), ("hi", hash.hi, empty.hi)] {
            cb.require_zero(
                &format!("empty init code: init_hash.{limb} = keccak256(()).{limb}"),
                len_is_zero.expr() * (h - e),
            );
        }
        Self {
            address,
            init_hash,
            words,
            len_is_zero,
            len: len.lo.clone(),
        }
    }

    /// The new account's address as a word.
    pub fn address(&self) -> Word<Expression<F>> {
        self.address.address()
    }

    /// The init code's hash.
    pub fn init_hash(&self) -> Word<Expression<F>> {
        Word::new(self.init_hash[0].expr(), self.init_hash[1].expr())
    }

    /// The intrinsic gas a creation adds: `32000 + 2·words`.
    pub fn intrinsic_gas(&self) -> Expression<F> {
        c::<F>(CREATE_GAS) + c::<F>(INIT_CODE_WORD_GAS) * self.words.expr()
    }

    /// The new account's nonce (0 → 1) and created flag writes, the first two reversible
    /// writes of the root call (`scope`).
    pub fn configure_writes(
        &self,
        cb: &mut ConstraintBuilder<'_, F>,
        tx_id: Expression<F>,
        scope: &Reversion<F>,
    ) {
        let address = address_expr(&self.address());
        let nonce = cb.account_write(address.clone(), AccountField::Nonce);
        cb.undo_if_reverted_nth(scope, 0);
        cb.require_equal_word("new account nonce = 1", nonce.value, small(c(1)));
        cb.require_equal_word(
            "new account nonce was 0 (no collision)",
            nonce.value_prev,
            small(c(0)),
        );
        let created = cb.created_flag_write(tx_id, address);
        cb.undo_if_reverted_nth(scope, 1);
        cb.require_equal_word("created flag = 1", created.value, small(c(1)));
    }

    /// Looks up the copy of the tx's data into the bytecode table (off for empty data); call
    /// it after the step's last rw access.
    pub fn configure_copy(&self, cb: &mut ConstraintBuilder<'_, F>, tx_id: Expression<F>) {
        let claim = CopyTableRow {
            src_type: c(copy_data_type_number(CopyDataType::TxCalldata)),
            src_id: small(tx_id),
            src_addr: c(0),
            src_addr_end: self.len.clone(),
            dst_type: c(copy_data_type_number(CopyDataType::Bytecode)),
            dst_id: self.init_hash(),
            dst_addr: c(0),
            length: self.len.clone(),
            rw_counter_start: cb.step().rw_counter + cb.rw_counter_delta(),
            rw_count: c(0),
            log_id: c(0),
        };
        cb.copy_lookup(c::<F>(1) - self.len_is_zero.expr(), claim);
    }

    /// Assigns the creation of `sender` with `nonce` from `init_code`; returns the copy's
    /// claim (none for empty init code).
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        sender: Address,
        nonce: u64,
        init_code: &[u8],
        copy: Option<&CopyEvent>,
    ) -> Result<Option<CopyTableRow<F>>, Error> {
        let hash = U256::from_be_bytes(keccak256(init_code).0);
        let h = word_of::<F>(hash);
        self.init_hash[0].assign(region, h.lo)?;
        self.init_hash[1].assign(region, h.hi)?;
        self.address
            .assign(region, sender, nonce, U256::ZERO, init_code)?;
        let len = init_code.len() as u64;
        self.words.assign(region, len)?;
        self.len_is_zero
            .assign(region, Word::new(F::from(len), F::ZERO))?;
        match copy {
            None if len == 0 => Ok(None),
            Some(e) if len != 0 && e.bytes == init_code => Ok(Some(
                CopyTableRow::from_event(e, Word::new(u128::from(e.src_id), 0), u256_word(hash))
                    .map_err(|_| Error::Synthesis)?,
            )),
            _ => Err(Error::Synthesis),
        }
    }
}

#[cfg(test)]
mod tests;
