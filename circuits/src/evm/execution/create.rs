//! CREATE (0xf0), state `Create`, and CREATE2 (0xf5), state `Create2`: the creator's step
//! that starts a creation frame running the init code. One gadget, [`CreateOpGadget`],
//! serves both; `IS_CREATE2` says whether it pops a salt.
//!
//! ```text
//! CreateArgs (create/args.rs), shared by every creation step:
//!   value, offset, size, [salt] = pops (rw 0..p); result = push (rw p)
//!   TxId (p+1) = tx_id, Depth (p+2), creator = CalleeAddress (p+3), IsStatic (p+4) reads
//!   "is_static = 0" (a creation in a static call is a write-protection error)
//!   MemoryExpansion(offset, size); "size ≤ 49152" (EIP-3860); CopyWords(size)
//!   cost = 32000 + 2·words + [CREATE2] 6·words + memory gas
//! "depth < 1024"
//! NewAddress (create/new_address.rs), shared with the colliding creation:
//!   creator nonce write (p+5): "nonce + 1 = nonce'", "(nonce - (2^64 - 1))·inv = 1"
//!                                                     undo 0 in the creator's scope
//!   ContractAddress (create/address.rs): address from rlp([creator, nonce]) or
//!     0xff ‖ creator ‖ salt ‖ init_hash, by the preimage's byte lookups
//!   warm mark of address (p+6), undo 1 in the creator's scope; address CodeHash (p+7)
//! "code hash = keccak256(())"                        (with nonce 0 below: no collision)
//! CreationGas (create/gas_split.rs): gas_available = gas_left - cost (8 bytes);
//!   "gas_available = 64·q + r" (q 8 bytes, r < 64)
//! saves (p+8..p+12): ProgramCounter = pc + 1, StackPointer = stack_pointer + pops - 1,
//!   GasLeft = q, MemorySize = the new size, ReversibleWriteCounter = counter + 2
//! callee context writes (p+13..p+29, id callee_id): TxId = tx_id with value_prev = 0,
//!   CallerId = call_id, Depth = depth + 1, CallerAddress = creator, CalleeAddress = address,
//!   CallDataOffset = CallDataLength = ReturnDataOffset = ReturnDataLength = 0, Value = value,
//!   IsSuccess = success, IsPersistent = is_persistent·success, IsStatic = 0, IsRoot = 0,
//!   IsCreate = 1, CodeHash = init_hash, RwCounterEndOfReversion (hi 0; 0 when the callee persists)
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
    common_error::LessThan, tx_arith::address_expr, value_transfer::ValueTransfer, ExecutionGadget,
    WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{
        ConstraintBuilder, Reversion, RwRowColumns, StepStateTransition, Transition,
    },
};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::{AccountField, CallContextField as C, ExecStep, ExecutionState, Rw, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

mod address;
mod args;
mod gas_split;
mod layout;
mod new_address;

pub use address::ContractAddress;
pub use args::{create_pops, CreateArgs, CreateFacts, CreateOperands};
pub use gas_split::CreationGas;
pub use layout::{starts_creation, CreateRws};
pub use new_address::{
    assign_init_code_lookup, init_code_lookup, NewAddress, NewAddressFacts, NewAddressParts,
};

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
    args: CreateArgs<F>,
    depth_ok: LessThan<F, 2>,
    /// The new address's derivation (the init code's hash is the creation's code hash).
    pub new_address: NewAddress<F, IS_CREATE2>,
    gas: CreationGas<F>,
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
        let (args, ops) = CreateArgs::configure(cb, IS_CREATE2);
        let depth_ok = LessThan::configure(cb, "depth < 1024", ops.depth.lo.clone(), c(1024));
        let (new_address, parts) = NewAddress::<F, IS_CREATE2>::configure(cb, &ops);
        cb.require_equal_word(
            "the new address has no code: code hash = keccak256(())",
            parts.code_hash.clone(),
            empty_hash(),
        );
        let (gas, kept, callee_gas) =
            CreationGas::configure(cb, step.gas_left.clone() - ops.cost.clone());

        let pops = layout.pops as u64;
        for (field, saved) in [
            (C::ProgramCounter, step.program_counter.clone() + c(1)),
            (C::StackPointer, step.stack_pointer.clone() + c(pops - 1)),
            (C::GasLeft, kept),
            (C::MemorySize, ops.new_memory_size.clone()),
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
            (C::Depth, small(ops.depth.lo.clone() + c(1))),
            (C::CallerAddress, ops.creator.clone()),
            (C::CalleeAddress, parts.address.clone()),
            (C::CallDataOffset, small(c(0))),
            (C::CallDataLength, small(c(0))),
            (C::ReturnDataOffset, small(c(0))),
            (C::ReturnDataLength, small(c(0))),
            (C::Value, ops.value.clone()),
            (C::IsSuccess, small(success.expr())),
            (C::IsPersistent, small(callee_persistent.expr())),
            (C::IsStatic, small(c(0))),
            (C::IsRoot, small(c(0))),
            (C::IsCreate, small(c(1))),
            (C::CodeHash, parts.init_hash.clone()),
        ];
        for (field, want) in fields {
            let written = cb.call_context_write(id.clone(), field);
            cb.require_equal_word(&format!("callee {field:?}"), written, want);
        }
        let end = cb.call_context_write(id.clone(), C::RwCounterEndOfReversion);
        cb.require_zero("callee RwCounterEndOfReversion.hi = 0", end.hi);
        // A callee that persists has no undos: its end of reversion is 0, as nothing else
        // would pin it.
        cb.require_zero(
            "a persistent callee's RwCounterEndOfReversion = 0",
            callee_persistent.expr() * end.lo.clone(),
        );
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
            ops.result.lo.clone(),
            success.expr() * parts.address.lo.clone(),
        );
        cb.require_equal(
            "result.hi = success·address.hi",
            ops.result.hi.clone(),
            success.expr() * parts.address.hi.clone(),
        );

        let callee_scope = |writes_before: u64| Reversion {
            is_persistent: callee_persistent.expr(),
            end: end.lo.clone(),
            writes_before: c(writes_before),
        };
        let new_nonce = cb.account_write(parts.address_expr.clone(), AccountField::Nonce);
        cb.undo_if_reverted_nth(&callee_scope(0), 0);
        cb.require_equal_word("new account nonce = 1", new_nonce.value, small(c(1)));
        cb.require_equal_word(
            "new account nonce was 0 (no collision)",
            new_nonce.value_prev,
            small(c(0)),
        );
        let created = cb.created_flag_write(step.tx_id.clone(), parts.address_expr.clone());
        cb.undo_if_reverted_nth(&callee_scope(0), 1);
        cb.require_equal_word("created flag = 1", created.value, small(c(1)));

        let value_is_zero = WordIsZero::configure(cb, "value", ops.value.clone());
        let transfers = c::<F>(1) - value_is_zero.expr();
        let transfer = cb.optional_rw_accesses(transfers.clone(), |cb| {
            ValueTransfer::configure(
                cb,
                address_expr(&ops.creator),
                parts.address_expr.clone(),
                ops.value.clone(),
                &callee_scope(2),
            )
        });
        transfer.require_boolean_carries(cb);
        init_code_lookup(cb, &ops, parts.init_hash.clone());

        cb.require_next_opcode_step_if(c(1));
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            call_id: Transition::To(id),
            is_root: Transition::To(c(0)),
            is_create: Transition::To(c(1)),
            code_hash: Transition::To(parts.init_hash),
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
            args,
            depth_ok,
            new_address,
            gas,
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
        let args = self.args.assign(region, step, rws, IS_CREATE2)?;
        let value = args.value;
        let depth = u64::try_from(args.depth).map_err(|_| Error::Synthesis)?;
        self.depth_ok.assign(region, depth, 1024)?;
        let start = step.rw_counter + layout.total as u64 + if value.is_zero() { 0 } else { 3 };
        let derived = self.new_address.assign(
            region,
            witness,
            &args,
            rw(layout.creator_nonce)?,
            rw(layout.warm_mark)?,
            start,
        )?;
        let available = step
            .gas_left
            .checked_sub(args.cost)
            .ok_or(Error::Synthesis)?;
        self.gas.assign(region, available)?;

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

        assign_init_code_lookup(region, &self.context, &derived)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !index.call_fits_layout(step)
    }
}

#[cfg(test)]
mod tests;
