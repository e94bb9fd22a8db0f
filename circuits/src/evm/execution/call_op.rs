//! CALL (0xf1) into an account with code: the caller's step that starts its callee.
//!
//! ```text
//! gas, to, value, in_offset, in_size, out_offset, out_size = pops (rw 0..=6)
//! success = push (rw 7): "success.hi = 0", success.lo boolean
//! AccountAccess(to): TxId read (rw 8), warm mark (rw 9; its undo: caller's scope, index 0)
//! depth = Depth (rw 10), caller = CalleeAddress (rw 11), is_static = IsStatic (rw 12) reads
//! caller's balance read (rw 13)
//! MemoryExpansion ranges (in_offset, in_size), then (out_offset, out_size) from the first's size
//! "is_static·[value ≠ 0] = 0"            (a static context moves no value: another state)
//! "depth < 1024"                          (deeper calls fail their pre-check: another state)
//! gas_available = gas_left - 100 - 2500·cold - 9000·[value ≠ 0] - memory gas   (8 bytes)
//! "gas_available = 64·q + r", r < 64      all_but_64th = gas_available - q
//! requested = gas if gas < 2^64, else all_but_64th;  is_lt = [requested < all_but_64th]
//! callee_gas = is_lt·requested + (1 - is_lt)·all_but_64th
//! saves (rw 14..=18, writes of the caller's context): ProgramCounter = pc + 1,
//!   StackPointer = stack_pointer + 6, GasLeft = gas_available - callee_gas,
//!   MemorySize = the new memory size, ReversibleWriteCounter = reversible_write_counter + 1
//! code_hash = account read (to, CodeHash) (rw 19): "≠ keccak256(())" (a callee with code)
//! "to ∉ {1..=10}"                         (a precompile runs no code: another state)
//! callee context writes (rw 20..=35, id callee_id): TxId = tx_id with value_prev = 0 (a fresh
//!   call id), CallerId = call_id, Depth = depth + 1, CallerAddress = caller, CalleeAddress = to,
//!   CallDataOffset = in_offset (0 when in_size = 0), CallDataLength = in_size,
//!   ReturnDataOffset = out_offset (0 when out_size = 0), ReturnDataLength = out_size,
//!   Value = value, IsSuccess = success, IsPersistent = is_persistent·success,
//!   IsStatic = is_static, IsRoot = 0, IsCreate = 0, CodeHash = code_hash
//! callee's RwCounterEndOfReversion write (rw 36), "hi = 0";
//!   "success·(1 - is_persistent)·(end - (rw_counter_end_of_reversion - reversible_write_counter - 1)) = 0"
//! value ≠ 0 (optional rws 37..=39, in the callee's reversion scope): caller balance read,
//!   caller balance write (value + value = value_prev), callee balance write
//!   (value_prev + value = value), their undos at the callee's end − 0 and − 1
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
//! `unsupported`: CALLCODE, DELEGATECALL, STATICCALL; a callee without code or a
//! precompile (its frame ends inside the step); a failed pre-check (depth, balance).

use super::{
    account_access::AccountAccess, callee_gas::CalleeGas, common_error::LessThan,
    memory_expansion::MemoryExpansion, tx_arith::address_expr, value_transfer::ValueTransfer,
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::{
        ConstraintBuilder, Reversion, RwRowColumns, StepStateTransition, Transition,
    },
};
use equivm_gadgets::{util::expr_from_le_bytes, util::pow2, Word};
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::{
    AccountField, CallContextField as C, ExecStep, ExecutionState, RwField, RwTag, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// CALL.
pub const CALL: u8 = 0xf1;
/// Gas of a value-carrying call (EIP-2929's `CALL_VALUE_COST`).
pub const CALL_VALUE_GAS: u64 = 9_000;
/// Gas given to a callee on top of its share when value moves.
pub const CALL_STIPEND: u64 = 2_300;
/// Rw accesses of a CALL without value.
pub const CALL_RWS: usize = 37;
/// The rw entry of the callee's `IsPersistent` write.
const CALLEE_IS_PERSISTENT: usize = 31;
/// The highest precompile address (Cancun: 0x0a, the point evaluation).
pub const LAST_PRECOMPILE: u64 = 10;

/// CALL into an account with code.
#[derive(Clone, Debug)]
pub struct CallOpGadget<F: PrimeField> {
    access: AccountAccess<F>,
    value_is_zero: WordIsZero<F>,
    depth_ok: LessThan<F, 2>,
    in_range: MemoryExpansion<F>,
    out_range: MemoryExpansion<F>,
    callee_gas: CalleeGas<F>,
    code_is_empty: WordIsZero<F>,
    not_precompile: [Cell<F>; 10],
    callee_id: Cell<F>,
    callee_persistent: Cell<F>,
    inherits: Cell<F>,
    transfer: ValueTransfer<F>,
    rw_rows: RwRowColumns,
}

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn small<F: PrimeField>(v: Expression<F>) -> Word<Expression<F>> {
    Word::new(v, c(0))
}

/// The empty code's hash as (lo, hi) field elements.
fn empty_hash<F: PrimeField>() -> (F, F) {
    let v = U256::from_be_bytes(KECCAK_EMPTY.0);
    let w = word_of::<F>(v);
    (w.lo, w.hi)
}

impl<F: PrimeField> ExecutionGadget<F> for CallOpGadget<F> {
    const NAME: &'static str = "CALL";
    const STATE: ExecutionState = ExecutionState::Call;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        cb.require_equal("opcode = CALL", cb.opcode(), c(u64::from(CALL)));
        let [gas, to, value, in_offset, in_size, out_offset, out_size] =
            [(); 7].map(|()| cb.stack_pop());
        let success = cb.stack_push();
        cb.require_zero("success.hi = 0", success.hi.clone());
        cb.require_boolean("success is boolean", success.lo.clone());
        let access = AccountAccess::configure_popped(cb, to.clone());
        let depth = cb.call_context_lookup(C::Depth);
        let caller = cb.call_context_lookup(C::CalleeAddress);
        let is_static = cb.call_context_lookup(C::IsStatic);
        let caller_address = address_expr(&caller);
        cb.account_read(caller_address.clone(), AccountField::Balance);

        let value_is_zero = WordIsZero::configure(cb, "value", value.clone());
        let transfers = c::<F>(1) - value_is_zero.expr();
        cb.require_zero(
            "is_static·[value ≠ 0] = 0",
            is_static.lo.clone() * transfers.clone(),
        );
        let depth_ok = LessThan::configure(cb, "depth < 1024", depth.lo.clone(), c(1024));

        // Memory: the arguments, then the return area from the size the first left.
        let in_range = MemoryExpansion::configure_range(cb, in_offset, in_size.clone());
        let out_range = MemoryExpansion::configure_range_from(
            cb,
            out_offset,
            out_size.clone(),
            in_range.new_size(),
        );
        let memory_gas =
            in_range.gas(step.memory_word_size.clone()) + out_range.gas(in_range.new_size());
        let cost = cb.props().constant_gas
            + access.dynamic_gas()
            + transfers.clone() * c(CALL_VALUE_GAS)
            + memory_gas;
        // EIP-150: the callee gets at most all but one 64th of what is left.
        let callee_gas = CalleeGas::configure(cb, gas, cost);

        for (field, saved) in [
            (C::ProgramCounter, step.program_counter.clone() + c(1)),
            (C::StackPointer, step.stack_pointer.clone() + c(6)),
            (C::GasLeft, callee_gas.available() - callee_gas.expr()),
            (C::MemorySize, out_range.new_size()),
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
        cb.require_zero("the callee has code", code_is_empty.expr());
        // Π_{k=1..=10} (to - k) ≠ 0: a chain of products and an inverse.
        let not_precompile = [(); 10].map(|()| cb.query_cell());
        let a = access.address.clone();
        cb.require_equal(
            "to is no precompile: t_1 = (to - 1)·(to - 2)",
            not_precompile[0].expr(),
            (a.clone() - c(1)) * (a.clone() - c(2)),
        );
        for k in 1..9 {
            cb.require_equal(
                &format!("to is no precompile: t_{} = t_{k}·(to - {})", k + 1, k + 2),
                not_precompile[k].expr(),
                not_precompile[k - 1].expr() * (a.clone() - c(k as u64 + 2)),
            );
        }
        cb.require_equal(
            "to is no precompile: t_9·inverse = 1",
            not_precompile[8].expr() * not_precompile[9].expr(),
            c(1),
        );

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
            step.is_persistent.clone() * success.lo.clone(),
        );
        let address_word = Word::new(
            to.lo.clone(),
            expr_from_le_bytes(
                &access.hi_bytes[..4]
                    .iter()
                    .map(Cell::expr)
                    .collect::<Vec<_>>(),
            ),
        );
        let offset_of = |r: &MemoryExpansion<F>| {
            small(expr_from_le_bytes(
                &r.offset_bytes.iter().map(Cell::expr).collect::<Vec<_>>(),
            ))
        };
        let fields: [(C, Word<Expression<F>>); 15] = [
            (C::CallerId, small(step.call_id.clone())),
            (C::Depth, small(depth.lo + c(1))),
            (C::CallerAddress, caller),
            (C::CalleeAddress, address_word),
            (C::CallDataOffset, offset_of(&in_range)),
            (C::CallDataLength, in_size),
            (C::ReturnDataOffset, offset_of(&out_range)),
            (C::ReturnDataLength, out_size),
            (C::Value, value.clone()),
            (C::IsSuccess, success.clone()),
            (C::IsPersistent, small(callee_persistent.expr())),
            (C::IsStatic, is_static),
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
        let inherits = cb.query_cell();
        cb.require_equal(
            "inherits = success·(1 - is_persistent)",
            inherits.expr(),
            success.lo * (c::<F>(1) - step.is_persistent.clone()),
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
        let transfer = cb.optional_rw_accesses(transfers.clone(), |cb| {
            ValueTransfer::configure(
                cb,
                caller_address.clone(),
                a.clone(),
                value.clone(),
                &callee_reversion,
            )
        });
        transfer.require_boolean_carries(cb);

        cb.require_next_opcode_step_if(c(1));
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
            access,
            value_is_zero,
            depth_ok,
            in_range,
            out_range,
            callee_gas,
            code_is_empty,
            not_precompile,
            callee_id,
            callee_persistent,
            inherits,
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
        let rws = witness.step_rws(step);
        let v = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let [gas, to, value, in_offset, in_size, out_offset, out_size] =
            [0, 1, 2, 3, 4, 5, 6].map(v);
        let (gas, to, value) = (gas?, to?, value?);
        let success = v(7)?;
        let was_warm = !rws.get(9).ok_or(Error::Synthesis)?.value_prev.is_zero();
        self.access.assign(region, to)?;
        let transfers = !self.value_is_zero.assign(region, word_of(value))?;
        let depth = u64::try_from(v(10)?).map_err(|_| Error::Synthesis)?;
        self.depth_ok.assign(region, depth, 1024)?;

        let cur = step.memory_word_size;
        let mid = self
            .in_range
            .assign_range(region, in_offset?, in_size?, cur)?;
        let new = self
            .out_range
            .assign_range(region, out_offset?, out_size?, mid)?;
        let cost_of = |w: u64| 3 * w + w * w / 512;
        let memory_gas = cost_of(new) - cost_of(cur);
        let cost = 100
            + if was_warm { 0 } else { 2500 }
            + if transfers { CALL_VALUE_GAS } else { 0 }
            + memory_gas;
        let available = step.gas_left.checked_sub(cost).ok_or(Error::Synthesis)?;
        self.callee_gas.assign(region, gas, available)?;

        let hash = v(19)?;
        let (empty_lo, empty_hi) = empty_hash::<F>();
        let h = word_of::<F>(hash);
        self.code_is_empty.assign(
            region,
            equivm_gadgets::Word::new(h.lo - empty_lo, h.hi - empty_hi),
        )?;
        let address = word_of::<F>(to & ((U256::from(1) << 160) - U256::from(1)));
        let a = address.lo + address.hi * pow2::<F>(128);
        let mut t = (a - F::from(1)) * (a - F::from(2));
        self.not_precompile[0].assign(region, t)?;
        for k in 1..9 {
            t *= a - F::from(k as u64 + 2);
            self.not_precompile[k].assign(region, t)?;
        }
        self.not_precompile[9].assign(region, t.invert().unwrap_or(F::ZERO))?;

        let callee = rws.get(20).ok_or(Error::Synthesis)?;
        self.callee_id.assign(region, F::from(callee.id))?;
        // The callee persists when it succeeds in a caller that persists.
        let persistent = !v(CALLEE_IS_PERSISTENT)?.is_zero();
        self.callee_persistent
            .assign(region, F::from(u64::from(persistent)))?;
        let inherits = !success.is_zero() && !persistent;
        self.inherits.assign(region, F::from(u64::from(inherits)))?;
        // The transfer's undos (rows 1 and 2 after the accesses) are in the callee's scope,
        // which the layout's step-scope undo rows do not know: laid out here.
        let end = u64::try_from(v(CALL_RWS - 1)?).map_err(|_| Error::Synthesis)?;
        for k in 0..2 {
            let undo = match rws.get(CALL_RWS + 1 + k) {
                Some(write) if transfers && !persistent => Some(equivm_witness::Rw {
                    rw_counter: end - k as u64,
                    value: write.value_prev,
                    value_prev: write.value,
                    ..write.clone()
                }),
                _ => None,
            };
            self.rw_rows
                .assign(region, CALL_RWS + 3 + 1 + k, undo.as_ref())?;
        }
        let writes = match (transfers, rws.get(CALL_RWS + 1), rws.get(CALL_RWS + 2)) {
            (true, Some(from), Some(to)) => Some((from, to)),
            (true, _, _) => return Err(Error::Synthesis),
            _ => None,
        };
        self.transfer.assign(region, writes, value)?;
        Ok(())
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !index.starts_callee_with_code(step)
    }
}

/// Whether `step` is a CALL whose gadget's layout its rw entries follow: a callee with code,
/// at no precompile address, that begins inside the step (its pre-checks passed), with the
/// value transfer exactly when the value is not zero.
pub fn starts_callee_with_code(witness: &Witness, step: &ExecStep) -> bool {
    if step.execution_state != ExecutionState::Call || step.opcode != Some(CALL) {
        return false;
    }
    let rws = witness.step_rws(step);
    let transfers = rws.get(2).is_some_and(|rw| !rw.value.is_zero());
    let expected = CALL_RWS + if transfers { 3 } else { 0 };
    let code = rws.get(19).is_some_and(|rw| {
        rw.tag == RwTag::Account
            && !rw.is_write
            && rw.field == RwField::Account(AccountField::CodeHash)
            && rw.value != U256::from_be_bytes(KECCAK_EMPTY.0)
            && !(1..=LAST_PRECOMPILE).any(|k| rw.address == address_of(k))
    });
    let writes = |i: usize, field: C| {
        rws.get(i).is_some_and(|rw| {
            rw.tag == RwTag::CallContext && rw.is_write && rw.field == RwField::CallContext(field)
        })
    };
    let begins = writes(20, C::TxId) && writes(CALLEE_IS_PERSISTENT, C::IsPersistent);
    rws.len() == expected && code && begins
}

fn address_of(k: u64) -> equivm_trace::revm::primitives::Address {
    equivm_trace::revm::primitives::Address::with_last_byte(k as u8)
}

#[cfg(test)]
mod tests;
