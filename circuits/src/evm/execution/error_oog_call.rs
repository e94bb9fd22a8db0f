//! Out of gas on a call: CALL and CALLCODE (state `ErrorOutOfGasCall`), DELEGATECALL and
//! STATICCALL (state `ErrorOutOfGasDelegateOrStaticCall`) without the gas for their warm
//! cost, memory expansion, account access, value or new account.
//!
//! ```text
//! "opcode = first + is_second·(second - first)"   (CALL/CALLCODE or DELEGATECALL/STATICCALL)
//! gas, to, [value], in_offset, in_size, out_offset, out_size = pops (rw 0..pops)
//! AccountAccess::configure_read(to): TxId read, warm flag read (rw pops, pops + 1)
//! CALL, CALLCODE: EmptyAccount(to): nonce, code hash, balance reads (rw pops + 2..pops + 5)
//!   transfers = [value ≠ 0]
//!   new_account = (1 - is_second)·transfers·empty          (CALL only: CALLCODE pays itself)
//! FarRange(in_offset, in_size), then FarRange(out_offset, out_size) from the first's size:
//!   memory gas                                                       (see far_clamp.rs)
//! cost = 100 + 2500·(1 - was_warm) + memory gas + 9000·transfers + 25000·new_account
//! LessThan<8>(gas_left < cost)
//! ErrorEnd (IsSuccess = 0, then the hand-back to a caller)   (see common_error.rs)
//! ```
//! revm charges the 100 first, then pops and expands memory (`MemoryOOG` when it cannot pay
//! for it, `InvalidOperandOOG` for an operand of `2^64` or more), then the value, the
//! account access and the new account (`OutOfGas`); every point at which it stops lacks the
//! gas for the whole cost, so one inequality proves them all. Nothing is written: the
//! account revm loads is warmed in the failing call's journal, which takes it back, so the
//! step reads the warm flag. A memory operand of `2^32` or more where it counts (a size,
//! and an offset with a non-zero size) is clamped to `2^32 - 32`, which ends its range no
//! later: the memory gas proved is at most the real one, so the gas proved missing is
//! missing. A step with more gas than the clamped cost is reported unsupported. The cost is
//! below `2^50`, and `gas_left < 2^64` (the step state's invariant), so the 8-byte gap
//! exists only if `gas_left < cost`.

use super::{
    account_access::{AccountAccess, COLD_ACCOUNT_EXTRA},
    beneficiary::EmptyAccount,
    call_args::{call_opcodes, call_pops},
    call_op::CALL_VALUE_GAS,
    call_without_code::NEW_ACCOUNT_GAS,
    common_error::{ErrorEnd, LessThan},
    error_oog_memory::memory_cost,
    far_clamp::{far_range_end, FarRange},
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The value part of CALL and CALLCODE: whether they move a value and make a new account.
#[derive(Clone, Debug)]
pub struct CallValueCost<F: PrimeField> {
    /// Whether the callee is empty.
    pub empty: EmptyAccount<F>,
    value_is_zero: WordIsZero<F>,
    /// `(1 - is_second)·[value ≠ 0]`: a CALL that moves value.
    moves_value: Cell<F>,
    /// `moves_value·empty`.
    pub new_account: Cell<F>,
}

/// Out of gas on a call (`HAS_VALUE`: CALL and CALLCODE; else DELEGATECALL and STATICCALL).
#[derive(Clone, Debug)]
pub struct ErrorOogCallGadget<F: PrimeField, const HAS_VALUE: bool> {
    /// 1 for the state's second opcode (CALLCODE, STATICCALL).
    pub is_second: Cell<F>,
    /// The callee address and its warm flag.
    pub access: AccountAccess<F>,
    /// The value's cost (CALL, CALLCODE).
    pub value: Option<CallValueCost<F>>,
    /// The argument area, clamped, and its expansion.
    pub in_range: FarRange<F>,
    /// The return area, clamped, and its expansion from the size the arguments left.
    pub out_range: FarRange<F>,
    /// `gas_left < cost`.
    pub out_of_gas: LessThan<F, 8>,
    end: ErrorEnd<F>,
}

/// CALL and CALLCODE out of gas.
pub type ErrorOogCallValueGadget<F> = ErrorOogCallGadget<F, true>;
/// DELEGATECALL and STATICCALL out of gas.
pub type ErrorOogDelegateOrStaticCallGadget<F> = ErrorOogCallGadget<F, false>;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

/// The memory gas of growing from `cur` to `new` words (`new < 2^32`, so it fits 64 bits).
fn memory_gas(cur: u64, new: u64) -> u64 {
    u64::try_from(memory_cost(new) - memory_cost(cur)).unwrap_or(u64::MAX)
}

/// The whole cost of a call whose memory grows by `memory` gas.
fn call_cost(was_warm: bool, memory: u64, transfers: bool, new_account: bool) -> u64 {
    100 + if was_warm { 0 } else { COLD_ACCOUNT_EXTRA }
        + memory
        + if transfers { CALL_VALUE_GAS } else { 0 }
        + if new_account { NEW_ACCOUNT_GAS } else { 0 }
}

/// Whether the memory operands of a call are what [`FarRange`] proves them to be: each size
/// below `2^32`, and each offset below `2^32` when its size is not 0.
fn memory_operands_fit(ranges: [[U256; 2]; 2]) -> bool {
    let small = |v: U256| v < U256::from(1u64 << 32);
    ranges
        .iter()
        .all(|[offset, size]| small(*size) && (size.is_zero() || small(*offset)))
}

impl<F: PrimeField, const HAS_VALUE: bool> ExecutionGadget<F> for ErrorOogCallGadget<F, HAS_VALUE> {
    const NAME: &'static str = if HAS_VALUE {
        "ERROR_OOG_CALL"
    } else {
        "ERROR_OOG_DELEGATE_OR_STATIC_CALL"
    };
    const STATE: ExecutionState = if HAS_VALUE {
        ExecutionState::ErrorOutOfGasCall
    } else {
        ExecutionState::ErrorOutOfGasDelegateOrStaticCall
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let (first, second) = call_opcodes(HAS_VALUE);
        let is_second = cb.query_bool("is_second is boolean");
        cb.require_equal(
            "opcode = first + is_second·(second - first)",
            cb.opcode(),
            c(u64::from(first)) + is_second.expr() * c(u64::from(second - first)),
        );
        let (_gas, to) = (cb.stack_pop(), cb.stack_pop());
        let value = HAS_VALUE.then(|| cb.stack_pop());
        let [in_offset, in_size, out_offset, out_size] = [(); 4].map(|()| cb.stack_pop());
        let access = AccountAccess::configure_read(cb, to);
        let value = value.map(|value| {
            let empty = EmptyAccount::configure(cb, access.address.clone());
            let value_is_zero = WordIsZero::configure(cb, "value", value);
            let moves_value = cb.query_cell();
            cb.require_equal(
                "moves_value = (1 - is_second)·[value ≠ 0]",
                moves_value.expr(),
                (c::<F>(1) - is_second.expr()) * (c::<F>(1) - value_is_zero.expr()),
            );
            let new_account = cb.query_cell();
            cb.require_equal(
                "new_account = moves_value·empty",
                new_account.expr(),
                moves_value.expr() * empty.empty.expr(),
            );
            CallValueCost {
                empty,
                value_is_zero,
                moves_value,
                new_account,
            }
        });
        let in_range = FarRange::configure(
            cb,
            "in",
            [in_offset, in_size],
            step.memory_word_size.clone(),
        );
        let out_range = FarRange::configure(cb, "out", [out_offset, out_size], in_range.new_size());
        let memory =
            in_range.gas(step.memory_word_size.clone()) + out_range.gas(in_range.new_size());
        let value_gas = value.as_ref().map_or_else(
            || c(0),
            |v| {
                (c::<F>(1) - v.value_is_zero.expr()) * c(CALL_VALUE_GAS)
                    + v.new_account.expr() * c(NEW_ACCOUNT_GAS)
            },
        );
        let cost = cb.props().constant_gas + access.dynamic_gas() + memory + value_gas;
        let out_of_gas = LessThan::configure(cb, "gas_left < cost", step.gas_left, cost);
        let end = ErrorEnd::configure(cb);
        Self {
            is_second,
            access,
            value,
            in_range,
            out_range,
            out_of_gas,
            end,
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
        let (first, second) = call_opcodes(HAS_VALUE);
        let is_second = match step.opcode {
            Some(op) if op == first => false,
            Some(op) if op == second => true,
            _ => return Err(Error::Synthesis),
        };
        self.is_second
            .assign(region, F::from(u64::from(is_second)))?;
        let p = call_pops(HAS_VALUE);
        self.access.assign(region, v(1)?)?;
        let was_warm = !v(p + 1)?.is_zero();
        let (transfers, new_account) = match &self.value {
            Some(cost) => {
                let empty = cost.empty.assign(region, v(p + 2)?, v(p + 3)?, v(p + 4)?)?;
                let transfers = !cost.value_is_zero.assign(region, word_of(v(2)?))?;
                let moves = transfers && !is_second;
                cost.moves_value.assign(region, F::from(u64::from(moves)))?;
                let new_account = moves && empty;
                cost.new_account
                    .assign(region, F::from(u64::from(new_account)))?;
                (transfers, new_account)
            }
            None => (false, false),
        };
        let cur = step.memory_word_size;
        let mid = self.in_range.assign(region, [v(p - 4)?, v(p - 3)?], cur)?;
        let new = self.out_range.assign(region, [v(p - 2)?, v(p - 1)?], mid)?;
        let cost = call_cost(was_warm, memory_gas(cur, new), transfers, new_account);
        self.out_of_gas.assign(region, step.gas_left, cost)?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        // The stack items, then the warm flag.
        let p = call_pops(HAS_VALUE);
        let provable = match index.error_stack_reads(step) {
            reads if reads.len() == p + 1 => {
                let ranges = [[reads[p - 4], reads[p - 3]], [reads[p - 2], reads[p - 1]]];
                // In range, the proved cost is the real one, which revm found missing. Out
                // of range, the step is provable when it lacks even the warm cost and the
                // clamped memory.
                let cur = step.memory_word_size;
                let new = far_range_end(ranges[1], far_range_end(ranges[0], cur));
                memory_operands_fit(ranges)
                    || (cur >> 32 == 0 && step.gas_left < 100 + memory_gas(cur, new))
            }
            _ => false,
        };
        !provable
    }
}

#[cfg(test)]
mod tests;
