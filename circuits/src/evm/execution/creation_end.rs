//! STOP (state `StopCreation`) and RETURN (state `ReturnCreation`) that end a creation
//! successfully: the new account's code is deposited and the creator resumes, or, for a
//! creation transaction's root call, EndTx follows. One gadget, [`CreationEndGadget`];
//! `IS_RETURN` says whether it pops the code's offset and size (STOP deposits empty code).
//!
//! ```text
//! "is_create = 1"
//! [RETURN: offset = pop (rw 0), size = pop (rw 1)]                   p = 2 (RETURN), 0 (STOP)
//! "call's IsSuccess = 1" (rw p)
//! address = CalleeAddress read (rw p+1)
//! code hash write (address, CodeHash) (rw p+2) = code_hash, undo 0 in the call's scope
//! with a creator (is_root = 0; optional rws p+3..=p+16):
//!   RestoreContext(return data: offset 0, length 0)
//! h = 17 with a creator, 3 in the root call
//! STOP: code_hash = keccak256(()); gas_after = gas_left
//! RETURN: MemoryExpansion(offset, size); "size ≤ 24576" (EIP-170)
//!   size = 0: "code_hash = keccak256(())"
//!   size ≠ 0: byte 0 of the input with hash code_hash (bytecode lookup),
//!             "(byte_0 - 0xef)·inv = [size ≠ 0]" (EIP-3541)
//!             copy lookup: (Memory, call_id, offset, offset + size, Deployment, code_hash,
//!             0, size, rw_counter + p + h, size, 0)
//!   gas_after = gas_left - memory gas - 200·size (8 bytes: enough gas to deposit)
//! "kept = (1 - is_root)·(reversible_write_counter + 1)" (the deposit is one more write the
//!   creator takes over)
//! root: "next state is EndTx"; pc → 0, stack pointer → 1024, memory → 0, reversible
//!   writes → 0 (EndTx's frame), gas_left → gas_after
//! with a creator: the next step executes an opcode of the creator; the creator's context;
//!   gas_left → saved + gas_after; reversible writes → saved + kept
//! transition (both): rw_counter + p + h (+ size); logs, refund unchanged
//! ```
//! The copy circuit proves that the deposited code is the `size` bytes of memory at
//! `offset`, and the bytecode circuit that `code_hash` is their keccak256. A deposit that
//! fails (code too large, starting with 0xef, or too little gas for it) ends the creation
//! in an error state, not here: the constraints above leave no other way.

use super::{
    common_error::LessThan,
    create::empty_hash,
    memory_expansion::{Length, MemoryExpansion},
    restore_context::{is_root_step, RestoreContext, RESTORE_CONTEXT_RWS},
    tx_arith::{assign_copy_lookup, copy_event_at, ByteNumber},
    ExecutionGadget,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, HashedBytes, Reversion, Transition},
};
use crate::table::{copy::copy_data_type_number, u256_word, CopyTableRow};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::{keccak256, Bytes, U256};
use equivm_witness::{
    AccountField, Bytecode, CallContextField as C, CopyDataType, ExecStep, ExecutionState, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Gas per byte of deposited code.
pub const CODE_DEPOSIT_BYTE_GAS: u64 = 200;
/// The largest code (EIP-170).
pub const MAX_CODE_SIZE: u64 = 24_576;
/// The byte new code may not start with (EIP-3541).
pub const EOF_MAGIC: u64 = 0xef;

/// The deposit part of a RETURN.
#[derive(Clone, Debug)]
struct Deposit<F: PrimeField> {
    expansion: MemoryExpansion<F>,
    size_fits: LessThan<F, 2>,
    first_byte: HashedBytes<F>,
    not_ef_inv: Cell<F>,
    gas_after: ByteNumber<F, 8>,
}

/// STOP (`IS_RETURN` false) or RETURN that ends a creation successfully.
#[derive(Clone, Debug)]
pub struct CreationEndGadget<F: PrimeField, const IS_RETURN: bool> {
    context: ContextColumns,
    code_hash: [Cell<F>; 2],
    deposit: Option<Deposit<F>>,
    /// `(1 - is_root)·(reversible_write_counter + 1)`: the writes a creator takes over.
    pub kept: Cell<F>,
}

/// STOP of a creation.
pub type StopCreationGadget<F> = CreationEndGadget<F, false>;
/// RETURN of a creation.
pub type ReturnCreationGadget<F> = CreationEndGadget<F, true>;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

/// Rw accesses before the hand-back: [offset, size,] IsSuccess, CalleeAddress, the code
/// hash write.
const fn own_rws(is_return: bool) -> usize {
    if is_return {
        5
    } else {
        3
    }
}

impl<F: PrimeField, const IS_RETURN: bool> ExecutionGadget<F> for CreationEndGadget<F, IS_RETURN> {
    const NAME: &'static str = if IS_RETURN {
        "RETURN_CREATION"
    } else {
        "STOP_CREATION"
    };
    const STATE: ExecutionState = if IS_RETURN {
        ExecutionState::ReturnCreation
    } else {
        ExecutionState::StopCreation
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        cb.require_equal("is_create = 1", step.is_create.clone(), c(1));
        let is_root = step.is_root.clone();
        let has_caller = c::<F>(1) - is_root.clone();
        let popped = IS_RETURN.then(|| (cb.stack_pop(), cb.stack_pop()));
        let is_success = cb.call_context_lookup(C::IsSuccess);
        cb.require_equal_word("call's IsSuccess = 1", is_success, Word::new(c(1), c(0)));
        let address = cb.call_context_lookup(C::CalleeAddress);
        let address = super::tx_arith::address_expr(&address);
        let code_hash = [cb.query_cell(), cb.query_cell()];
        let hash = Word::new(code_hash[0].expr(), code_hash[1].expr());
        let deposited = cb.account_write(address, AccountField::CodeHash);
        cb.undo_if_reverted(&Reversion::of_step(&step));
        cb.require_equal_word("deposited code hash", deposited.value, hash.clone());
        let back = cb.caller_rw_accesses(|cb| RestoreContext::configure(cb, c(0), c(0)));

        let (deposit, gas_after) = match popped {
            None => {
                cb.require_equal_word("STOP deposits no code", hash.clone(), empty_hash());
                (None, step.gas_left.clone())
            }
            Some((offset, size)) => {
                let expansion = MemoryExpansion::configure_range(cb, offset, size);
                let (size, size_is_zero) = match &expansion.length {
                    Length::Dynamic(d) => (
                        expr_from_le_bytes(
                            &d.size_bytes.iter().map(Cell::expr).collect::<Vec<_>>(),
                        ),
                        d.size_is_zero.expr(),
                    ),
                    _ => unreachable!("configure_range gives a dynamic length"),
                };
                let nz = c::<F>(1) - size_is_zero.clone();
                let size_fits = LessThan::configure(
                    cb,
                    "size ≤ 24576 (EIP-170)",
                    size.clone(),
                    c(MAX_CODE_SIZE + 1),
                );
                let empty = empty_hash::<F>();
                cb.require_zero(
                    "size = 0: code hash = keccak256(()) (lo)",
                    size_is_zero.clone() * (hash.lo.clone() - empty.lo),
                );
                cb.require_zero(
                    "size = 0: code hash = keccak256(()) (hi)",
                    size_is_zero.clone() * (hash.hi.clone() - empty.hi),
                );
                let first_byte = cb.hashed_byte_lookups(hash.clone(), vec![(c(0), nz.clone())]);
                let not_ef_inv = cb.query_cell();
                cb.require_equal(
                    "the code does not start with 0xef: (byte_0 - 0xef)·inv = [size ≠ 0]",
                    (first_byte.values[0].clone() - c(EOF_MAGIC)) * not_ef_inv.expr(),
                    nz.clone(),
                );
                let gas_after = ByteNumber::configure(
                    cb,
                    "gas_after = gas_left - memory gas - 200·size (enough gas)",
                    step.gas_left.clone()
                        - expansion.gas(step.memory_word_size.clone())
                        - c(CODE_DEPOSIT_BYTE_GAS) * size.clone(),
                );
                let offset_eff = expr_from_le_bytes(
                    &expansion
                        .offset_bytes
                        .iter()
                        .map(Cell::expr)
                        .collect::<Vec<_>>(),
                );
                let claim = CopyTableRow {
                    src_type: c(copy_data_type_number(CopyDataType::Memory)),
                    src_id: Word::new(step.call_id.clone(), c(0)),
                    src_addr: offset_eff.clone(),
                    src_addr_end: offset_eff + size.clone(),
                    dst_type: c(copy_data_type_number(CopyDataType::Deployment)),
                    dst_id: hash.clone(),
                    dst_addr: c(0),
                    length: size.clone(),
                    rw_counter_start: step.rw_counter.clone() + cb.rw_counter_delta(),
                    rw_count: size.clone(),
                    log_id: c(0),
                };
                cb.copy_lookup(nz, claim);
                cb.add_rw_counter_delta(size);
                let gas = gas_after.word().lo;
                (
                    Some(Deposit {
                        expansion,
                        size_fits,
                        first_byte,
                        not_ef_inv,
                        gas_after,
                    }),
                    gas,
                )
            }
        };
        cb.require_next_state_if(is_root, ExecutionState::EndTx);
        cb.require_next_opcode_step_if(has_caller.clone());
        let kept = cb.query_cell();
        cb.require_equal(
            "kept = (1 - is_root)·(reversible_write_counter + 1)",
            kept.expr(),
            has_caller * (step.reversible_write_counter.clone() + c(1)),
        );
        let transition = back.ending_transition(cb, gas_after, kept.expr(), Transition::Same);
        cb.require_step_state_transition(transition);
        Self {
            context: cb.context_columns(),
            code_hash,
            deposit,
            kept,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let v = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let p = own_rws(IS_RETURN) - 3;
        let hash = word_of::<F>(v(p + 2)?);
        self.code_hash[0].assign(region, hash.lo)?;
        self.code_hash[1].assign(region, hash.hi)?;
        let root = is_root_step(witness, step);
        let kept = if root {
            0
        } else {
            step.reversible_write_counter + 1
        };
        self.kept.assign(region, F::from(kept))?;
        let Some(d) = &self.deposit else {
            return Ok(());
        };
        let (offset, size) = (v(0)?, v(1)?);
        let new_size = d
            .expansion
            .assign_range(region, offset, size, step.memory_word_size)?;
        let size = u64::try_from(size).map_err(|_| Error::Synthesis)?;
        d.size_fits.assign(region, size, MAX_CODE_SIZE + 1)?;
        let back = if root { 0 } else { RESTORE_CONTEXT_RWS };
        let start = step.rw_counter + (own_rws(true) + back) as u64;
        let event = if size == 0 {
            None
        } else {
            Some(copy_event_at(witness, start, CopyDataType::Deployment)?)
        };
        let code = Bytecode::new(event.map_or_else(Bytes::new, |e| Bytes::from(e.bytes.clone())));
        d.first_byte.assign(region, &code, &[(0, size != 0)])?;
        let first = code.bytes.first().copied().unwrap_or(0);
        let inv = (F::from(u64::from(first)) - F::from(EOF_MAGIC))
            .invert()
            .into_option()
            .ok_or(Error::Synthesis)?;
        d.not_ef_inv
            .assign(region, if size == 0 { F::ZERO } else { inv })?;
        let memory_gas = memory_cost(new_size) - memory_cost(step.memory_word_size);
        let gas_after = step
            .gas_left
            .checked_sub(memory_gas + CODE_DEPOSIT_BYTE_GAS * size)
            .ok_or(Error::Synthesis)?;
        d.gas_after.assign(region, U256::from(gas_after))?;
        let claim = match event {
            Some(e) => Some(
                CopyTableRow::from_event(
                    e,
                    Word::new(u128::from(e.src_id), 0),
                    u256_word(U256::from_be_bytes(keccak256(&e.bytes).0)),
                )
                .map_err(|_| Error::Synthesis)?,
            ),
            None => None,
        };
        assign_copy_lookup(region, &self.context, 0, claim)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let call = index.call(step.call_id);
        let back = if call.is_root { 0 } else { RESTORE_CONTEXT_RWS };
        let own = (own_rws(IS_RETURN) + back) as u64;
        !call.is_create || step.rw_count < own
    }
}

/// `3·w + floor(w² / 512)`: the gas of a memory of `w` words.
fn memory_cost(w: u64) -> u64 {
    3 * w + w * w / 512
}

#[cfg(test)]
mod tests;
