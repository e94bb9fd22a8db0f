//! CREATE (0xf0), state `Create`, and CREATE2 (0xf5), state `Create2`: the creator's step
//! that starts a creation frame running the init code. One gadget, [`CreateOpGadget`],
//! serves both; `IS_CREATE2` says whether it pops a salt.
//!
//! ```text
//! value, offset, size, [salt] = pops (rw 0..p); result = push (rw p)
//! TxId (p+1) = tx_id, Depth (p+2), creator = CalleeAddress (p+3), IsStatic (p+4) reads
//! "is_static = 0" (a creation in a static call is a write-protection error)
//! "depth < 1024"; "size ≤ 49152" (EIP-3860; larger is an error state)
//! MemoryExpansion(offset, size); CopyWords(size)
//! creator nonce write (p+5): "nonce + 1 = nonce'" (lo; hi 0), "(nonce - (2^64 - 1))·inv = 1"
//!                                                     undo 0 in the creator's scope
//! ContractAddress (create/address.rs): address from rlp([creator, nonce]) or
//!   0xff ‖ creator ‖ salt ‖ init_hash, by the preimage's byte lookups
//! warm mark of address (p+6), undo 1 in the creator's scope
//! address CodeHash read (p+7) = keccak256(())        (with nonce 0 below: no collision)
//! cost = 32000 + 2·words + [CREATE2] 6·words + memory gas
//! gas_available = gas_left - cost (8 bytes); "gas_available = 64·q + r" (q 8 bytes, r < 64)
//! saves (p+8..p+12): ProgramCounter = pc + 1, StackPointer = stack_pointer + pops - 1,
//!   GasLeft = q, MemorySize = the new size, ReversibleWriteCounter = counter + 2
//! callee context writes (p+13..p+29, id callee_id): TxId = tx_id with value_prev = 0,
//!   CallerId = call_id, Depth = depth + 1, CallerAddress = creator, CalleeAddress = address,
//!   CallDataOffset = CallDataLength = ReturnDataOffset = ReturnDataLength = 0, Value = value,
//!   IsSuccess = success, IsPersistent = is_persistent·success, IsStatic = 0, IsRoot = 0,
//!   IsCreate = 1, CodeHash = init_hash, RwCounterEndOfReversion (hi 0)
//! "result = success·address" (both limbs), success boolean
//! address Nonce write (p+30): 0 → 1, undo 0 in the callee's scope
//! address created flag write (tx_id, address, index 1) (p+31): 1, undo 1 in the callee's
//!   scope (EIP-6780: SELFDESTRUCT reads it)
//! value ≠ 0 (optional rws p+32..p+34): ValueTransfer creator → address, undos 2 and 3 in
//!   the callee's scope (the balance read proves the creator can pay)
//! copy lookup when size ≠ 0: (Memory, call_id, offset, offset + size, Bytecode, init_hash,
//!   0, size, rw_counter + p + 32 + 3·[value ≠ 0], size, 0); rw_counter + size more
//! "size = 0: init_hash = keccak256(())" (empty init code runs the implicit STOP at pc 0)
//! next step: an opcode of the init code
//! transition: call_id → callee_id, is_root → 0, is_create → 1, code_hash → init_hash,
//!   pc → 0, stack pointer → 1024, gas → gas_available - q, memory → 0,
//!   reversible writes → 2 + 2·[value ≠ 0], is_persistent → the callee's,
//!   rw_counter_end_of_reversion → the callee's end; logs, tx, refund unchanged
//! ```
//! The copy circuit proves that the init code is the `size` bytes of memory at `offset` and
//! is the bytecode-table input with hash `init_hash` (which the bytecode circuit proves its
//! keccak256). The callee's `IsSuccess` is free here: the step that ends the creation proves
//! it. Empty init code is copied nowhere: its hash is pinned to keccak256 of nothing, whose
//! bytecode-table row at index 0 is the implicit STOP the creation then runs.
//! A creation that fails its pre-checks (depth, balance, nonce) is another state
//! (`create_precheck_failed.rs`), and so is one whose address is taken
//! (`create_collision.rs`).

use super::{
    common_error::{assign_le_bytes, LessThan},
    copy_to_memory::CopyWords,
    memory_expansion::{Length, MemoryExpansion},
    tx_arith::{address_expr, assign_copy_lookup, copy_event_at, ByteNumber},
    value_transfer::ValueTransfer,
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{
        ConstraintBuilder, Reversion, RwRowColumns, StepStateTransition, Transition,
    },
};
use crate::table::{copy::copy_data_type_number, u256_word, CopyTableRow};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::{
    AccountField, CallContextField as C, CopyDataType, ExecStep, ExecutionState, Rw, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

mod address;
mod layout;

pub use address::ContractAddress;
pub use layout::{starts_creation, CreateRws};

/// Gas every creation costs (`CREATE`).
pub const CREATE_GAS: u64 = 32_000;
/// Gas per word of init code (EIP-3860).
pub const INIT_CODE_WORD_GAS: u64 = 2;
/// Gas per word CREATE2 hashes.
pub const CREATE2_WORD_GAS: u64 = 6;
/// The largest init code (EIP-3860).
pub const MAX_INIT_CODE_SIZE: u64 = 49_152;

/// CREATE and CREATE2 that start a creation frame.
#[derive(Clone, Debug)]
pub struct CreateOpGadget<F: PrimeField, const IS_CREATE2: bool> {
    context: ContextColumns,
    depth_ok: LessThan<F, 2>,
    expansion: MemoryExpansion<F>,
    size_fits: LessThan<F, 2>,
    words: CopyWords<F>,
    nonce_not_max: Cell<F>,
    /// The init code's hash (lo, hi): the creation's code hash.
    pub init_hash: [Cell<F>; 2],
    address: ContractAddress<F, IS_CREATE2>,
    gas_available: ByteNumber<F, 8>,
    q64: [Cell<F>; 8],
    r64: [Cell<F>; 2],
    success: Cell<F>,
    callee_id: Cell<F>,
    callee_persistent: Cell<F>,
    inherits: Cell<F>,
    value_is_zero: WordIsZero<F>,
    transfer: ValueTransfer<F>,
    rw_rows: RwRowColumns,
}

/// CREATE.
pub type CreateGadget<F> = CreateOpGadget<F, false>;
/// CREATE2.
pub type Create2Gadget<F> = CreateOpGadget<F, true>;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn small<F: PrimeField>(v: Expression<F>) -> Word<Expression<F>> {
    Word::new(v, c(0))
}

/// keccak256 of the empty input (the empty code's hash) as a word of constants.
pub(crate) fn empty_hash<F: PrimeField>() -> Word<Expression<F>> {
    let w = word_of::<F>(U256::from_be_bytes(KECCAK_EMPTY.0));
    Word::new(Expression::Constant(w.lo), Expression::Constant(w.hi))
}

impl<F: PrimeField, const IS_CREATE2: bool> ExecutionGadget<F> for CreateOpGadget<F, IS_CREATE2> {
    const NAME: &'static str = if IS_CREATE2 { "CREATE2" } else { "CREATE" };
    const STATE: ExecutionState = if IS_CREATE2 {
        ExecutionState::Create2
    } else {
        ExecutionState::Create
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let layout = CreateRws::of(IS_CREATE2);
        let value = cb.stack_pop();
        let offset = cb.stack_pop();
        let size = cb.stack_pop();
        let salt = IS_CREATE2.then(|| cb.stack_pop());
        let result = cb.stack_push();

        let tx_id = cb.call_context_lookup(C::TxId);
        cb.require_equal_word("TxId read = tx_id", tx_id, small(step.tx_id.clone()));
        let depth = cb.call_context_lookup(C::Depth);
        let creator = cb.call_context_lookup(C::CalleeAddress);
        let is_static = cb.call_context_lookup(C::IsStatic);
        cb.require_equal_word("is_static = 0", is_static, small(c(0)));
        let depth_ok = LessThan::configure(cb, "depth < 1024", depth.lo.clone(), c(1024));

        let expansion = MemoryExpansion::configure_range(cb, offset, size.clone());
        let (size_value, size_is_zero) = match &expansion.length {
            Length::Dynamic(d) => (
                expr_from_le_bytes(&d.size_bytes.iter().map(Cell::expr).collect::<Vec<_>>()),
                d.size_is_zero.expr(),
            ),
            _ => unreachable!("configure_range gives a dynamic length"),
        };
        let has_code = c::<F>(1) - size_is_zero;
        let size_fits = LessThan::configure(
            cb,
            "size ≤ 49152 (EIP-3860)",
            size_value.clone(),
            c(MAX_INIT_CODE_SIZE + 1),
        );
        let words = CopyWords::configure(cb, size_value.clone());

        let creator_address = address_expr(&creator);
        let reversion = Reversion::of_step(&step);
        let nonce = cb.account_write(creator_address.clone(), AccountField::Nonce);
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
        cb.require_zero(
            "size = 0: init_hash.lo = keccak256(()).lo",
            (c::<F>(1) - has_code.clone()) * (init_hash_word.lo.clone() - empty.lo),
        );
        cb.require_zero(
            "size = 0: init_hash.hi = keccak256(()).hi",
            (c::<F>(1) - has_code.clone()) * (init_hash_word.hi.clone() - empty.hi),
        );
        let address = ContractAddress::<F, IS_CREATE2>::configure(
            cb,
            &creator,
            nonce.value_prev.lo.clone(),
            salt.as_ref(),
            &init_hash_word,
        );
        let new_address = address.address();
        let new_address_expr = address_expr(&new_address);
        cb.access_list_account_write(step.tx_id.clone(), new_address_expr.clone());
        cb.undo_if_reverted(&reversion);
        let code_hash = cb.account_read(new_address_expr.clone(), AccountField::CodeHash);
        cb.require_equal_word(
            "the new address has no code: code hash = keccak256(())",
            code_hash,
            empty_hash(),
        );

        let cost = c(CREATE_GAS)
            + c(INIT_CODE_WORD_GAS + if IS_CREATE2 { CREATE2_WORD_GAS } else { 0 }) * words.expr()
            + expansion.gas(step.memory_word_size.clone());
        let gas_available = ByteNumber::configure(
            cb,
            "gas_available = gas_left - cost (enough gas)",
            step.gas_left.clone() - cost,
        );
        let available = gas_available.word().lo;
        let q64 = cb.query_bytes::<8>();
        let kept = expr_from_le_bytes(&q64.iter().map(Cell::expr).collect::<Vec<_>>());
        let r64 = [cb.query_byte(), cb.query_byte()];
        cb.require_equal(
            "gas_available = 64·q + r",
            available.clone(),
            c(64) * kept.clone() + r64[0].expr(),
        );
        cb.require_equal(
            "r + 192 is a byte (r < 64)",
            r64[1].expr(),
            r64[0].expr() + c(192),
        );
        let callee_gas = available - kept.clone();

        let pops = layout.pops as u64;
        for (field, saved) in [
            (C::ProgramCounter, step.program_counter.clone() + c(1)),
            (C::StackPointer, step.stack_pointer.clone() + c(pops - 1)),
            (C::GasLeft, kept),
            (C::MemorySize, expansion.new_size()),
            (
                C::ReversibleWriteCounter,
                step.reversible_write_counter.clone() + c(2),
            ),
        ] {
            let written = cb.call_context_write(step.call_id.clone(), field);
            cb.require_equal_word(&format!("saved {field:?}"), written, small(saved));
        }

        let callee_id = cb.query_cell();
        let id = callee_id.expr();
        let callee_tx = cb.call_context_write_row(id.clone(), C::TxId);
        cb.require_equal_word(
            "callee TxId = tx_id",
            callee_tx.value,
            small(step.tx_id.clone()),
        );
        cb.require_equal_word(
            "callee TxId was 0 (a fresh call id)",
            callee_tx.value_prev,
            small(c(0)),
        );
        let success = cb.query_bool("success is boolean");
        let callee_persistent = cb.query_cell();
        cb.require_equal(
            "callee IsPersistent = is_persistent·success",
            callee_persistent.expr(),
            step.is_persistent.clone() * success.expr(),
        );
        let fields: [(C, Word<Expression<F>>); 15] = [
            (C::CallerId, small(step.call_id.clone())),
            (C::Depth, small(depth.lo.clone() + c(1))),
            (C::CallerAddress, creator.clone()),
            (C::CalleeAddress, new_address.clone()),
            (C::CallDataOffset, small(c(0))),
            (C::CallDataLength, small(c(0))),
            (C::ReturnDataOffset, small(c(0))),
            (C::ReturnDataLength, small(c(0))),
            (C::Value, value.clone()),
            (C::IsSuccess, small(success.expr())),
            (C::IsPersistent, small(callee_persistent.expr())),
            (C::IsStatic, small(c(0))),
            (C::IsRoot, small(c(0))),
            (C::IsCreate, small(c(1))),
            (C::CodeHash, init_hash_word.clone()),
        ];
        for (field, want) in fields {
            let written = cb.call_context_write(id.clone(), field);
            cb.require_equal_word(&format!("callee {field:?}"), written, want);
        }
        let end = cb.call_context_write(id.clone(), C::RwCounterEndOfReversion);
        cb.require_zero("callee RwCounterEndOfReversion.hi = 0", end.hi);
        let inherits = cb.query_cell();
        cb.require_equal(
            "inherits = success·(1 - is_persistent)",
            inherits.expr(),
            success.expr() * (c::<F>(1) - step.is_persistent.clone()),
        );
        cb.require_zero(
            "a callee that succeeds in a reverted caller ends its undos below the caller's",
            inherits.expr()
                * (end.lo.clone()
                    - (step.rw_counter_end_of_reversion.clone()
                        - step.reversible_write_counter.clone()
                        - c(2))),
        );
        cb.require_equal(
            "result.lo = success·address.lo",
            result.lo,
            success.expr() * new_address.lo.clone(),
        );
        cb.require_equal(
            "result.hi = success·address.hi",
            result.hi,
            success.expr() * new_address.hi.clone(),
        );

        let callee_scope = |writes_before: u64| Reversion {
            is_persistent: callee_persistent.expr(),
            end: end.lo.clone(),
            writes_before: c(writes_before),
        };
        let new_nonce = cb.account_write(new_address_expr.clone(), AccountField::Nonce);
        cb.undo_if_reverted_nth(&callee_scope(0), 0);
        cb.require_equal_word("new account nonce = 1", new_nonce.value, small(c(1)));
        cb.require_equal_word(
            "new account nonce was 0 (no collision)",
            new_nonce.value_prev,
            small(c(0)),
        );
        let created = cb.created_flag_write(step.tx_id.clone(), new_address_expr.clone());
        cb.undo_if_reverted_nth(&callee_scope(0), 1);
        cb.require_equal_word("created flag = 1", created.value, small(c(1)));

        let value_is_zero = WordIsZero::configure(cb, "value", value.clone());
        let transfers = c::<F>(1) - value_is_zero.expr();
        let transfer = cb.optional_rw_accesses(transfers.clone(), |cb| {
            ValueTransfer::configure(
                cb,
                creator_address,
                new_address_expr,
                value,
                &callee_scope(2),
            )
        });
        transfer.require_boolean_carries(cb);

        let offset_eff = expr_from_le_bytes(
            &expansion
                .offset_bytes
                .iter()
                .map(Cell::expr)
                .collect::<Vec<_>>(),
        );
        let claim = CopyTableRow {
            src_type: c(copy_data_type_number(CopyDataType::Memory)),
            src_id: small(step.call_id.clone()),
            src_addr: offset_eff.clone(),
            src_addr_end: offset_eff + size_value.clone(),
            dst_type: c(copy_data_type_number(CopyDataType::Bytecode)),
            dst_id: init_hash_word.clone(),
            dst_addr: c(0),
            length: size_value.clone(),
            rw_counter_start: step.rw_counter.clone() + cb.rw_counter_delta(),
            rw_count: size_value.clone(),
            log_id: c(0),
        };
        cb.copy_lookup(has_code, claim);
        cb.add_rw_counter_delta(size_value);

        cb.require_next_opcode_step_if(c(1));
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            call_id: Transition::To(id),
            is_root: Transition::To(c(0)),
            is_create: Transition::To(c(1)),
            code_hash: Transition::To(init_hash_word),
            program_counter: Transition::To(c(0)),
            stack_pointer: Transition::To(c(1024)),
            gas_left: Transition::To(callee_gas),
            memory_word_size: Transition::To(c(0)),
            reversible_write_counter: Transition::To(c::<F>(2) + transfers * c(2)),
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund: Transition::Same,
            is_persistent: Transition::To(callee_persistent.expr()),
            rw_counter_end_of_reversion: Transition::To(end.lo),
        });
        Self {
            context: cb.context_columns(),
            depth_ok,
            expansion,
            size_fits,
            words,
            nonce_not_max,
            init_hash,
            address,
            gas_available,
            q64,
            r64,
            success,
            callee_id,
            callee_persistent,
            inherits,
            value_is_zero,
            transfer,
            rw_rows: cb.rw_row_columns(),
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let layout = CreateRws::of(IS_CREATE2);
        let rws = witness.step_rws(step);
        let rw = |i: usize| rws.get(i).ok_or(Error::Synthesis);
        let v = |i: usize| rw(i).map(|rw| rw.value);
        let (value, offset, size) = (v(0)?, v(1)?, v(2)?);
        let salt = if IS_CREATE2 { v(3)? } else { U256::ZERO };
        let depth = u64::try_from(v(layout.depth)?).map_err(|_| Error::Synthesis)?;
        self.depth_ok.assign(region, depth, 1024)?;
        let new_size = self
            .expansion
            .assign_range(region, offset, size, step.memory_word_size)?;
        let size = u64::try_from(size).map_err(|_| Error::Synthesis)?;
        self.size_fits
            .assign(region, size, MAX_INIT_CODE_SIZE + 1)?;
        self.words.assign(region, size)?;

        let nonce_write = rw(layout.creator_nonce)?;
        let nonce = u64::try_from(nonce_write.value_prev).map_err(|_| Error::Synthesis)?;
        let inv = (F::from(nonce) - F::from(u64::MAX))
            .invert()
            .into_option()
            .ok_or(Error::Synthesis)?;
        self.nonce_not_max.assign(region, inv)?;

        let start = step.rw_counter + layout.total as u64 + if value.is_zero() { 0 } else { 3 };
        // Empty init code has no copy.
        let event = match size {
            0 => None,
            _ => Some(copy_event_at(witness, start, CopyDataType::Bytecode)?),
        };
        let init_code: &[u8] = event.map_or(&[], |e| &e.bytes);
        let init_hash = equivm_trace::revm::primitives::keccak256(init_code);
        let hash_word = crate::table::b256_word(init_hash).to_field::<F>();
        self.init_hash[0].assign(region, hash_word.lo)?;
        self.init_hash[1].assign(region, hash_word.hi)?;
        let creator = super::call_args::address_of_word(v(layout.creator)?);
        let address = self
            .address
            .assign(region, creator, nonce, salt, init_code)?;
        if rw(layout.warm_mark)?.address != address {
            return Err(Error::Synthesis);
        }

        let cost = CREATE_GAS
            + (INIT_CODE_WORD_GAS + if IS_CREATE2 { CREATE2_WORD_GAS } else { 0 })
                * size.div_ceil(32)
            + memory_cost(new_size)
            - memory_cost(step.memory_word_size);
        let available = step.gas_left.checked_sub(cost).ok_or(Error::Synthesis)?;
        self.gas_available.assign(region, U256::from(available))?;
        assign_le_bytes(&self.q64, region, available / 64)?;
        self.r64[0].assign(region, F::from(available % 64))?;
        self.r64[1].assign(region, F::from(available % 64 + 192))?;

        let callee = rw(layout.callee_context)?;
        self.callee_id.assign(region, F::from(callee.id))?;
        let success = !v(layout.callee_context + 10)?.is_zero();
        self.success.assign(region, F::from(u64::from(success)))?;
        let persistent = !v(layout.callee_context + 11)?.is_zero();
        self.callee_persistent
            .assign(region, F::from(u64::from(persistent)))?;
        self.inherits
            .assign(region, F::from(u64::from(success && !persistent)))?;

        let transfers = !self.value_is_zero.assign(region, word_of(value))?;
        let writes = match (
            transfers,
            rws.get(layout.total + 1),
            rws.get(layout.total + 2),
        ) {
            (true, Some(from), Some(to)) => Some((from, to)),
            (true, _, _) => return Err(Error::Synthesis),
            _ => None,
        };
        self.transfer.assign(region, writes, value)?;
        if !transfers {
            // The layout took the copy's first reads for the transfer's rows.
            for row in layout.total..layout.total + 3 {
                self.rw_rows.assign(region, row, None)?;
            }
        }

        // The callee-scope undos (the new nonce, the created flag, then the transfer's two
        // writes) sit after the creator's two, at the callee's end - 0, ..., - 3: laid out
        // here.
        let end = u64::try_from(v(layout.end_of_reversion)?).map_err(|_| Error::Synthesis)?;
        let accesses = layout.total + 3;
        let forwards = [
            Some(layout.new_nonce),
            Some(layout.created_flag),
            transfers.then_some(layout.total + 1),
            transfers.then_some(layout.total + 2),
        ];
        for (k, forward) in forwards.into_iter().enumerate() {
            let undo = match forward.and_then(|i| rws.get(i)) {
                Some(write) if !persistent => Some(Rw {
                    rw_counter: end - k as u64,
                    value: write.value_prev,
                    value_prev: write.value,
                    ..write.clone()
                }),
                _ => None,
            };
            self.rw_rows
                .assign(region, accesses + 2 + k, undo.as_ref())?;
        }

        let claim = event
            .map(|event| {
                CopyTableRow::from_event(
                    event,
                    Word::new(u128::from(event.src_id), 0),
                    u256_word(U256::from_be_bytes(init_hash.0)),
                )
            })
            .transpose()
            .map_err(|_| Error::Synthesis)?;
        assign_copy_lookup(region, &self.context, 0, claim)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !index.call_fits_layout(step)
    }
}

/// `3·w + floor(w² / 512)`: the gas of a memory of `w` words.
fn memory_cost(w: u64) -> u64 {
    3 * w + w * w / 512
}

#[cfg(test)]
mod tests;
