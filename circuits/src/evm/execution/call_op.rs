//! CALL (0xf1) and CALLCODE (0xf2), state `Call`; DELEGATECALL (0xf4) and STATICCALL
//! (0xfa), state `DelegateOrStaticCall`: the caller's step that starts a callee with code.
//! One gadget, [`CallOpGadget`], serves both states; `HAS_VALUE` says whether the opcodes
//! pop a value (7 operands) or not (6), and `is_second` picks the state's second opcode.
//!
//! ```text
//! CallArgs (call_args.rs): pops, success push, the access of `to`, Depth, CalleeAddress,
//!   IsStatic, [DELEGATECALL/STATICCALL: own CallerAddress and Value], own balance (rw b),
//!   is_static·moves_value = 0, depth < 1024, both memory ranges
//! gas_available = gas_left - 100 - 2500·cold - 9000·[value ≠ 0] - memory gas   (8 bytes)
//! callee_gas = min(requested, gas_available - floor(gas_available/64))   (CalleeGas)
//! saves (rw b+1..=b+5, writes of the caller's context): ProgramCounter = pc + 1,
//!   StackPointer = stack_pointer + pops - 1, GasLeft = gas_available - callee_gas,
//!   MemorySize = the new memory size, ReversibleWriteCounter = reversible_write_counter + 1
//! code_hash = account read (to, CodeHash) (rw b+6)
//! is_identity boolean: "is_identity·(to - 4) = 0"; "to ∉ {1..=10}" unless is_identity
//! "(1 - is_identity)·[code_hash = keccak256(())] = 0"   (a callee with code, or the identity)
//! callee context writes (rw b+7..=b+22, id callee_id): TxId = tx_id with value_prev = 0 (a
//!   fresh call id), CallerId = call_id, Depth = depth + 1, CallDataOffset = in_offset (0 when
//!   in_size = 0), CallDataLength = in_size, ReturnDataOffset = out_offset (0 when out_size =
//!   0), ReturnDataLength = out_size, IsSuccess = success, IsPersistent =
//!   is_persistent·success, IsRoot = 0, IsCreate = 0, CodeHash = code_hash, and by opcode:
//!                  CallerAddress    CalleeAddress   Value          IsStatic
//!     CALL         own              to              value          is_static
//!     CALLCODE     own              own             value          is_static
//!     DELEGATECALL own CallerAddr.  own             own Value      is_static
//!     STATICCALL   own              to              0              1
//! callee's RwCounterEndOfReversion write (rw b+23), "hi = 0", 0 when the callee persists;
//!   "success·(1 - is_persistent)·(end - (rw_counter_end_of_reversion - reversible_write_counter - 1)) = 0"
//! value ≠ 0 (CALL, CALLCODE; optional rws b+24..=b+26, in the callee's reversion scope): own
//!   balance read, own balance write (value + value = value_prev), the receiver's balance
//!   write (value_prev + value = value; the receiver is `to` for CALL, the caller itself for
//!   CALLCODE), their undos at the callee's end − 0 and − 1
//! next step: an opcode of the callee, or for the identity its `PrecompileIdentity` step
//! transition: the callee's first step: call_id → callee_id, is_root → 0, is_create → 0,
//!   code_hash → code_hash, pc → 0, stack pointer → 1024, gas → callee_gas + 2300·[value ≠ 0],
//!   memory → 0, reversible writes → 2·[value ≠ 0], is_persistent → the callee's,
//!   rw_counter_end_of_reversion → the callee's end; logs, tx, refund unchanged
//! ```
//! The callee's `IsSuccess` is free here: the step that ends the callee proves it (and a
//! REVERT or error there its end of reversion). A callee that succeeds inside a caller that
//! does not persist has its undos just below the caller's, before those of the caller's
//! writes so far (the warm mark included). An account with code is not empty, so a CALL
//! with value owes no new-account gas here.
//!
//! A callee without code is another state (`call_without_code.rs`), and so is a callee that
//! fails its pre-checks (depth, balance: `call_precheck_failed.rs`). `unsupported`: the
//! other precompiles (their steps have no gadget yet).

use super::{
    call_args::{CallArgs, CallTransfer},
    callee_gas::CalleeGas,
    memory_expansion::MemoryExpansion,
    not_precompile::NotPrecompile,
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::{
        ConstraintBuilder, Reversion, RwRowColumns, StepStateTransition, Transition,
    },
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::{Address, KECCAK_EMPTY, U256};
use equivm_witness::{AccountField, CallContextField as C, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Gas of a value-carrying call (EIP-2929's `CALL_VALUE_COST`).
pub const CALL_VALUE_GAS: u64 = 9_000;
/// Gas given to a callee on top of its share when value moves.
pub const CALL_STIPEND: u64 = 2_300;
/// The identity precompile's address.
pub const IDENTITY: u64 = 4;
/// The highest precompile address (Cancun: 0x0a, the point evaluation).
pub const LAST_PRECOMPILE: u64 = 10;

/// A call into an account with code: CALL and CALLCODE (`HAS_VALUE`), DELEGATECALL and
/// STATICCALL (not).
#[derive(Clone, Debug)]
pub struct CallOpGadget<F: PrimeField, const HAS_VALUE: bool> {
    args: CallArgs<F>,
    callee_gas: CalleeGas<F>,
    code_is_empty: WordIsZero<F>,
    is_identity: Cell<F>,
    not_precompile: NotPrecompile<F>,
    callee_id: Cell<F>,
    callee_persistent: Cell<F>,
    inherits: Cell<F>,
    transfer: Option<CallTransfer<F>>,
    identity_value: Option<Cell<F>>,
    identity_was_empty: Option<WordIsZero<F>>,
    rw_rows: RwRowColumns,
}

/// CALL and CALLCODE.
pub type CallGadget<F> = CallOpGadget<F, true>;
/// DELEGATECALL and STATICCALL.
pub type DelegateOrStaticCallGadget<F> = CallOpGadget<F, false>;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn small<F: PrimeField>(v: Expression<F>) -> Word<Expression<F>> {
    Word::new(v, c(0))
}

/// `a + s·(b - a)`, word by word: `a` when `s` is 0, `b` when it is 1.
fn pick<F: PrimeField>(
    s: Expression<F>,
    a: Word<Expression<F>>,
    b: Word<Expression<F>>,
) -> Word<Expression<F>> {
    Word::new(
        a.lo.clone() + s.clone() * (b.lo - a.lo),
        a.hi.clone() + s * (b.hi - a.hi),
    )
}

/// The empty code's hash as (lo, hi) field elements.
fn empty_hash<F: PrimeField>() -> (F, F) {
    let v = U256::from_be_bytes(KECCAK_EMPTY.0);
    let w = word_of::<F>(v);
    (w.lo, w.hi)
}

impl<F: PrimeField, const HAS_VALUE: bool> ExecutionGadget<F> for CallOpGadget<F, HAS_VALUE> {
    const NAME: &'static str = if HAS_VALUE {
        "CALL"
    } else {
        "DELEGATE_OR_STATIC_CALL"
    };
    const STATE: ExecutionState = if HAS_VALUE {
        ExecutionState::Call
    } else {
        ExecutionState::DelegateOrStaticCall
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let (args, ops) = CallArgs::configure(cb, HAS_VALUE, !HAS_VALUE, false);
        let (access, transfers) = (&args.access, ops.transfers.clone());
        let cost = cb.props().constant_gas
            + access.dynamic_gas()
            + transfers.clone() * c(CALL_VALUE_GAS)
            + ops.memory_gas.clone();
        // EIP-150: the callee gets at most all but one 64th of what is left.
        let callee_gas = CalleeGas::configure(cb, ops.gas.clone(), cost);

        let pops = CallRws::of(HAS_VALUE).pops as u64;
        for (field, saved) in [
            (C::ProgramCounter, step.program_counter.clone() + c(1)),
            (C::StackPointer, step.stack_pointer.clone() + c(pops - 1)),
            (C::GasLeft, callee_gas.available() - callee_gas.expr()),
            (C::MemorySize, args.out_range.new_size()),
            (
                C::ReversibleWriteCounter,
                step.reversible_write_counter.clone() + c(1),
            ),
        ] {
            let written = cb.call_context_write(step.call_id.clone(), field);
            cb.require_equal_word(&format!("saved {field:?}"), written, small(saved));
        }

        let code_hash = cb.account_read(access.address.clone(), AccountField::CodeHash);
        let (empty_lo, empty_hi) = empty_hash::<F>();
        let code_is_empty = WordIsZero::configure(
            cb,
            "callee code hash - keccak256(())",
            Word::new(
                code_hash.lo.clone() - Expression::Constant(empty_lo),
                code_hash.hi.clone() - Expression::Constant(empty_hi),
            ),
        );
        // The identity precompile (0x04) runs in a step of its own; other precompiles are
        // unsupported, and any other callee has code.
        let is_identity = cb.query_bool("is_identity is boolean");
        cb.require_zero(
            "is_identity·(to - 4) = 0",
            is_identity.expr() * (access.address.clone() - c(IDENTITY)),
        );
        cb.require_zero(
            "the callee has code: (1 - is_identity)·[code is empty] = 0",
            (c::<F>(1) - is_identity.expr()) * code_is_empty.expr(),
        );
        let not_precompile =
            NotPrecompile::configure_unless(cb, access.address.clone(), is_identity.expr());

        let callee_id = cb.query_cell();
        let id = callee_id.expr();
        let tx_id = cb.call_context_write_row(id.clone(), C::TxId);
        cb.require_equal_word(
            "callee TxId = tx_id",
            tx_id.value,
            small(step.tx_id.clone()),
        );
        cb.require_equal_word(
            "callee TxId was 0 (a fresh call id)",
            tx_id.value_prev,
            small(c(0)),
        );
        let callee_persistent = cb.query_cell();
        cb.require_equal(
            "callee IsPersistent = is_persistent·success",
            callee_persistent.expr(),
            step.is_persistent.clone() * ops.success.lo.clone(),
        );
        let offset_of = |r: &MemoryExpansion<F>| {
            small(expr_from_le_bytes(
                &r.offset_bytes.iter().map(Cell::expr).collect::<Vec<_>>(),
            ))
        };
        let s = args.is_second.expr();
        let (own, to_word, is_static) = (
            ops.own.clone(),
            ops.to_address.clone(),
            ops.is_static.clone(),
        );
        let (callee_caller, callee_address, callee_value, callee_static) =
            match (ops.value.clone(), ops.passed_on.clone()) {
                // CALL: (own, to, value, is_static); CALLCODE: (own, own, value, is_static).
                (Some(value), _) => (own.clone(), pick(s.clone(), to_word, own), value, is_static),
                // DELEGATECALL: (own caller, own, own value, is_static); STATICCALL:
                // (own, to, 0, 1).
                (None, Some(passed_on)) => (
                    pick(s.clone(), passed_on.caller, own.clone()),
                    pick(s.clone(), own.clone(), to_word),
                    pick(s.clone(), passed_on.value, small(c(0))),
                    pick(s.clone(), is_static, small(c(1))),
                ),
                (None, None) => unreachable!("a call without value reads what it passes on"),
            };
        let fields: [(C, Word<Expression<F>>); 15] = [
            (C::CallerId, small(step.call_id.clone())),
            (C::Depth, small(ops.depth.lo.clone() + c(1))),
            (C::CallerAddress, callee_caller),
            (C::CalleeAddress, callee_address),
            (C::CallDataOffset, offset_of(&args.in_range)),
            (C::CallDataLength, ops.in_size.clone()),
            (C::ReturnDataOffset, offset_of(&args.out_range)),
            (C::ReturnDataLength, ops.out_size.clone()),
            (C::Value, callee_value),
            (C::IsSuccess, ops.success.clone()),
            (C::IsPersistent, small(callee_persistent.expr())),
            (C::IsStatic, callee_static),
            (C::IsRoot, small(c(0))),
            (C::IsCreate, small(c(0))),
            (C::CodeHash, code_hash.clone()),
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
            ops.success.lo.clone() * (c::<F>(1) - step.is_persistent.clone()),
        );
        cb.require_zero(
            "a callee that succeeds in a reverted caller ends its undos below the caller's",
            inherits.expr()
                * (end.lo.clone()
                    - (step.rw_counter_end_of_reversion.clone()
                        - step.reversible_write_counter.clone()
                        - c(1))),
        );
        let callee_reversion = Reversion {
            is_persistent: callee_persistent.expr(),
            end: end.lo.clone(),
            writes_before: c(0),
        };
        // CALL pays `to`, CALLCODE itself.
        let transfer = CallTransfer::configure(cb, &args, &ops, &callee_reversion);
        // A CALL with a value into an empty identity account owes 25,000 for a new account,
        // which this gadget does not charge: the identity must hold a balance already.
        let (identity_value, identity_was_empty) = match (&args.moves_value, &transfer) {
            (Some(moves), Some(transfer)) => {
                let identity_value = cb.query_cell();
                cb.require_equal(
                    "identity_value = is_identity·moves_value",
                    identity_value.expr(),
                    is_identity.expr() * moves.expr(),
                );
                let was_empty = WordIsZero::configure(
                    cb,
                    "identity balance before",
                    transfer.transfer.receiver_before.clone(),
                );
                cb.require_zero(
                    "identity_value·[identity balance before = 0] = 0",
                    identity_value.expr() * was_empty.expr(),
                );
                (Some(identity_value), Some(was_empty))
            }
            _ => (None, None),
        };

        cb.require_next_opcode_step_if(c::<F>(1) - is_identity.expr());
        cb.require_next_state_if(is_identity.expr(), ExecutionState::PrecompileIdentity);
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            call_id: Transition::To(id),
            is_root: Transition::To(c(0)),
            is_create: Transition::To(c(0)),
            code_hash: Transition::To(code_hash),
            program_counter: Transition::To(c(0)),
            stack_pointer: Transition::To(c(1024)),
            gas_left: Transition::To(callee_gas.expr() + transfers.clone() * c(CALL_STIPEND)),
            memory_word_size: Transition::To(c(0)),
            reversible_write_counter: Transition::To(transfers * c(2)),
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund: Transition::Same,
            is_persistent: Transition::To(callee_persistent.expr()),
            rw_counter_end_of_reversion: Transition::To(end.lo),
        });
        Self {
            args,
            callee_gas,
            code_is_empty,
            is_identity,
            not_precompile,
            callee_id,
            callee_persistent,
            inherits,
            transfer,
            identity_value,
            identity_was_empty,
            rw_rows: cb.rw_row_columns(),
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let layout = CallRws::of(HAS_VALUE);
        let rws = witness.step_rws(step);
        let v = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let facts = self.args.assign(region, step, rws, HAS_VALUE)?;
        let cost = 100
            + if facts.was_warm { 0 } else { 2500 }
            + if facts.transfers { CALL_VALUE_GAS } else { 0 }
            + facts.memory_gas;
        let available = step.gas_left.checked_sub(cost).ok_or(Error::Synthesis)?;
        self.callee_gas.assign(region, v(0)?, available)?;

        let h = word_of::<F>(v(layout.code_hash)?);
        let (empty_lo, empty_hi) = empty_hash::<F>();
        self.code_is_empty.assign(
            region,
            equivm_gadgets::Word::new(h.lo - empty_lo, h.hi - empty_hi),
        )?;
        let identity = facts.to == Address::with_last_byte(IDENTITY as u8);
        self.is_identity
            .assign(region, F::from(u64::from(identity)))?;
        self.not_precompile.assign(region, facts.to)?;

        let callee = rws.get(layout.callee_context).ok_or(Error::Synthesis)?;
        self.callee_id.assign(region, F::from(callee.id))?;
        // The callee persists when it succeeds in a caller that persists.
        let persistent = !v(layout.callee_is_persistent)?.is_zero();
        self.callee_persistent
            .assign(region, F::from(u64::from(persistent)))?;
        let inherits = !v(layout.success)?.is_zero() && !persistent;
        self.inherits.assign(region, F::from(u64::from(inherits)))?;

        let Some(transfer) = &self.transfer else {
            return Ok(());
        };
        if let (Some(identity_value), Some(was_empty)) =
            (&self.identity_value, &self.identity_was_empty)
        {
            let moves = facts.transfers && !facts.is_second;
            identity_value.assign(region, F::from(u64::from(identity && moves)))?;
            let before = rws
                .get(layout.total + 2)
                .filter(|_| facts.transfers)
                .map_or(U256::ZERO, |rw| rw.value_prev);
            was_empty.assign(region, word_of(before))?;
        }
        // The transfer's undos (rows 1 and 2 after the accesses) are in the callee's scope,
        // which the layout's step-scope undo rows do not know: laid out here.
        let end = u64::try_from(v(layout.end_of_reversion)?).map_err(|_| Error::Synthesis)?;
        let total = layout.total;
        for k in 0..2 {
            let undo = match rws.get(total + 1 + k) {
                Some(write) if facts.transfers && !persistent => Some(equivm_witness::Rw {
                    rw_counter: end - k as u64,
                    value: write.value_prev,
                    value_prev: write.value,
                    ..write.clone()
                }),
                _ => None,
            };
            self.rw_rows
                .assign(region, total + 3 + 1 + k, undo.as_ref())?;
        }
        transfer.assign(region, &facts, rws, total)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !index.call_fits_layout(step)
    }
}

mod layout;

pub use layout::{starts_callee_with_code, CallRws};

#[cfg(test)]
mod tests;
