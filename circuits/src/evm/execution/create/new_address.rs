//! The new account's address, for a creation whose pre-checks passed: the creator's nonce
//! bump, the init code's hash, the address derived from them, its warm mark and its code
//! hash read; and the copy of the init code into the bytecode table. A helper of
//! [`CreateOpGadget`](super::CreateOpGadget) and of the colliding creation's gadget, not a
//! gadget.
//!
//! ```text
//! creator nonce write: "nonce + 1 = nonce'" (lo; hi 0), "(nonce - (2^64 - 1))·inv = 1"
//!                                                     undo in the creator's scope
//! init_hash = (lo, hi) cells; "size = 0: init_hash = keccak256(())"
//! ContractAddress (address.rs): address from rlp([creator, nonce]) or
//!   0xff ‖ creator ‖ salt ‖ init_hash, by the preimage's byte lookups
//! warm mark of address, undo in the creator's scope; address CodeHash read
//! ...the gadget's own accesses...
//! copy lookup when size ≠ 0: (Memory, call_id, offset, offset + size, Bytecode, init_hash,
//!   0, size, rw_counter + accesses so far, size, 0); rw_counter + size more
//! ```
//! The copy circuit proves that the init code is the `size` bytes of memory at `offset` and
//! is the bytecode-table input with hash `init_hash` (which the bytecode circuit proves its
//! keccak256). Empty init code is copied nowhere: its hash is pinned to keccak256 of
//! nothing.

use super::{
    args::{CreateFacts, CreateOperands},
    empty_hash, ContractAddress,
};
use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, Reversion},
    execution::tx_arith::{address_expr, assign_copy_lookup, copy_event_at},
};
use crate::table::{copy::copy_data_type_number, u256_word, CopyTableRow};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{keccak256, B256, U256};
use equivm_witness::{AccountField, CopyDataType, CopyEvent, Rw, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

/// The cells of the new address's derivation.
#[derive(Clone, Debug)]
pub struct NewAddress<F: PrimeField, const IS_CREATE2: bool> {
    nonce_not_max: Cell<F>,
    /// The init code's hash (lo, hi): the creation's code hash.
    pub init_hash: [Cell<F>; 2],
    pub(super) address: ContractAddress<F, IS_CREATE2>,
}

/// The derivation's results, as expressions for the gadget's own constraints.
#[derive(Clone, Debug)]
pub struct NewAddressParts<F: PrimeField> {
    /// The new address as a word.
    pub address: Word<Expression<F>>,
    /// The new address as one field element.
    pub address_expr: Expression<F>,
    /// The init code's hash.
    pub init_hash: Word<Expression<F>>,
    /// The new address's code hash, as read.
    pub code_hash: Word<Expression<F>>,
}

/// The derivation's values.
#[derive(Clone, Debug)]
pub struct NewAddressFacts<'w> {
    /// The init code's copy into the bytecode table (none for empty init code).
    pub event: Option<&'w CopyEvent>,
    /// The init code's hash.
    pub init_hash: B256,
}

impl<F: PrimeField, const IS_CREATE2: bool> NewAddress<F, IS_CREATE2> {
    /// Makes the nonce write, the warm mark and the code hash read (in this order) and
    /// derives the address.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        ops: &CreateOperands<F>,
    ) -> (Self, NewAddressParts<F>) {
        let step = cb.step();
        let reversion = Reversion::of_step(&step);
        let nonce = cb.account_write(address_expr(&ops.creator), AccountField::Nonce);
        cb.undo_if_reverted(&reversion);
        cb.require_equal(
            "creator nonce + 1 = nonce written",
            nonce.value_prev.lo.clone() + c(1),
            nonce.value.lo.clone(),
        );
        cb.require_zero("creator nonce.hi = 0", nonce.value.hi.clone());
        cb.require_zero("creator nonce_prev.hi = 0", nonce.value_prev.hi.clone());
        let nonce_not_max = cb.query_cell();
        cb.require_equal(
            "the nonce can be bumped: (nonce - (2^64 - 1))·inv = 1",
            (nonce.value_prev.lo.clone() - Expression::Constant(F::from(u64::MAX)))
                * nonce_not_max.expr(),
            c(1),
        );
        let init_hash = [cb.query_cell(), cb.query_cell()];
        let init_hash_word = Word::new(init_hash[0].expr(), init_hash[1].expr());
        // Empty init code is copied nowhere: its hash is keccak256 of nothing.
        let empty = empty_hash::<F>();
        let no_code = c::<F>(1) - ops.has_code.clone();
        cb.require_zero(
            "size = 0: init_hash.lo = keccak256(()).lo",
            no_code.clone() * (init_hash_word.lo.clone() - empty.lo),
        );
        cb.require_zero(
            "size = 0: init_hash.hi = keccak256(()).hi",
            no_code * (init_hash_word.hi.clone() - empty.hi),
        );
        let address = ContractAddress::<F, IS_CREATE2>::configure(
            cb,
            &ops.creator,
            nonce.value_prev.lo.clone(),
            ops.salt.as_ref(),
            &init_hash_word,
        );
        let new_address = address.address();
        let address_expr = address_expr(&new_address);
        cb.access_list_account_write(step.tx_id.clone(), address_expr.clone());
        cb.undo_if_reverted(&reversion);
        let code_hash = cb.account_read(address_expr.clone(), AccountField::CodeHash);
        let parts = NewAddressParts {
            address: new_address,
            address_expr,
            init_hash: init_hash_word,
            code_hash,
        };
        (
            Self {
                nonce_not_max,
                init_hash,
                address,
            },
            parts,
        )
    }

    /// Assigns the derivation for the shared operands `args`: `nonce_write` is the creator's
    /// nonce write, `warm_mark` the address's warm mark, `copy_start` the counter of the
    /// init code's first read.
    pub fn assign<'w>(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &'w Witness,
        args: &CreateFacts,
        nonce_write: &Rw,
        warm_mark: &Rw,
        copy_start: u64,
    ) -> Result<NewAddressFacts<'w>, Error> {
        let nonce = u64::try_from(nonce_write.value_prev).map_err(|_| Error::Synthesis)?;
        let inv = (F::from(nonce) - F::from(u64::MAX))
            .invert()
            .into_option()
            .ok_or(Error::Synthesis)?;
        self.nonce_not_max.assign(region, inv)?;
        let event = match args.size {
            0 => None,
            _ => Some(copy_event_at(witness, copy_start, CopyDataType::Bytecode)?),
        };
        let init_code: &[u8] = event.map_or(&[], |e| &e.bytes);
        let init_hash = keccak256(init_code);
        let hash_word = crate::table::b256_word(init_hash).to_field::<F>();
        self.init_hash[0].assign(region, hash_word.lo)?;
        self.init_hash[1].assign(region, hash_word.hi)?;
        let address = self
            .address
            .assign(region, args.creator, nonce, args.salt, init_code)?;
        if warm_mark.address != address {
            return Err(Error::Synthesis);
        }
        Ok(NewAddressFacts { event, init_hash })
    }
}

/// The init code's copy from memory into the bytecode table, looked up when its size is not
/// 0, as the step's last accesses.
pub fn init_code_lookup<F: PrimeField>(
    cb: &mut ConstraintBuilder<'_, F>,
    ops: &CreateOperands<F>,
    init_hash: Word<Expression<F>>,
) {
    let step = cb.step();
    let claim = CopyTableRow {
        src_type: c(copy_data_type_number(CopyDataType::Memory)),
        src_id: Word::new(step.call_id.clone(), c(0)),
        src_addr: ops.offset.clone(),
        src_addr_end: ops.offset.clone() + ops.size.clone(),
        dst_type: c(copy_data_type_number(CopyDataType::Bytecode)),
        dst_id: init_hash,
        dst_addr: c(0),
        length: ops.size.clone(),
        rw_counter_start: step.rw_counter.clone() + cb.rw_counter_delta(),
        rw_count: ops.size.clone(),
        log_id: c(0),
    };
    cb.copy_lookup(ops.has_code.clone(), claim);
    cb.add_rw_counter_delta(ops.size.clone());
}

/// Assigns [`init_code_lookup`] for the derivation's `facts`.
pub fn assign_init_code_lookup<F: PrimeField>(
    region: &mut StepRegion<'_, '_, F>,
    context: &ContextColumns,
    facts: &NewAddressFacts<'_>,
) -> Result<(), Error> {
    let claim = facts
        .event
        .map(|event| {
            CopyTableRow::from_event(
                event,
                Word::new(u128::from(event.src_id), 0),
                u256_word(U256::from_be_bytes(facts.init_hash.0)),
            )
        })
        .transpose()
        .map_err(|_| Error::Synthesis)?;
    assign_copy_lookup(region, context, 0, claim)
}
