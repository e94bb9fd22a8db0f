//! A call whose callee fails its pre-checks: CALL and CALLCODE (state `CallPrecheckFailed`:
//! the call depth limit, or a value above the caller's balance), DELEGATECALL and STATICCALL
//! (state `DelegateOrStaticCallPrecheckFailed`: the call depth limit). The callee never
//! starts and opens no context; the caller pushes 0 and goes on at the next opcode.
//!
//! ```text
//! CallArgs without its depth check (pops, success push, the access of `to`, Depth,
//!   CalleeAddress, IsStatic, own balance; see call_args.rs)
//! "success = 0"
//! too_deep = [depth = 1024]               (WordIsZero of depth - 1024; no depth exceeds 1024:
//!                                          a call starts a callee only below it)
//! CALL, CALLCODE:
//!   poor = [own balance < value]          (WordLessThan; CALLCODE's value must be there too)
//!   "(1 - too_deep)·(1 - poor) = 0"       (a pre-check fails)
//!   code_hash, nonce, balance = account reads (to, CodeHash), (to, Nonce), (to, Balance)
//!   empty = [code_hash = keccak256(())]·[nonce = 0]·[balance = 0]   (EIP-161)
//!   new_account = moves_value·empty       (CALL only; paid even though the call fails)
//! DELEGATECALL, STATICCALL: "too_deep = 1"
//! LastCalleeId, LastCalleeReturnDataOffset, LastCalleeReturnDataLength writes = 0, 0, 0
//! cost = 100 + 2500·cold + 9000·[value ≠ 0] + 25000·new_account + memory gas
//! gas_left - cost = Σ gas_after_i·256^i   (8 bytes: enough gas)
//! transition: pc + 1, stack_pointer + pops - 1, gas → gas_after + 2300·[value ≠ 0] (the
//!   callee's gas comes back whole, the stipend too), memory → the new size, reversible
//!   writes + 1 (the warm mark), rw_counter by the accesses; the rest unchanged
//! ```
//! The callee's gas is not computed: all of it comes back. Nothing else is written: no
//! value moves, and the warm mark of `to` stays in the caller's scope.

use super::{
    call_args::{call_pops, CallArgs, CALL, CALLCODE, DELEGATECALL, STATICCALL},
    call_op::{CALL_STIPEND, CALL_VALUE_GAS},
    call_without_code::NEW_ACCOUNT_GAS,
    word_lt::WordLessThan,
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::{ConstraintBuilder, StepStateTransition, Transition},
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::{
    AccountField, CallContextField as C, ExecStep, ExecutionState, RwField, RwTag, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The call depth at which a call's callee fails its pre-check (the root runs at depth 0).
pub const CALL_DEPTH_LIMIT: u64 = 1024;

/// Where the accesses of a refused call sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefusedCallRws {
    /// Stack items popped.
    pub pops: usize,
    /// The caller's own balance read.
    pub own_balance: usize,
    /// The target's code hash read, then its nonce and balance (CALL, CALLCODE only).
    pub target: Option<usize>,
    /// The caller's `LastCalleeId` write, the first of three.
    pub last_callee: usize,
    /// Every access of the step.
    pub total: usize,
}

impl RefusedCallRws {
    /// The layout of the calls that pop a value (`has_value`) or not.
    pub const fn of(has_value: bool) -> Self {
        let pops = call_pops(has_value);
        // push, TxId, warm mark, Depth, CalleeAddress, IsStatic, then the balance
        let own_balance = pops + 6;
        let target = if has_value {
            Some(own_balance + 1)
        } else {
            None
        };
        let last_callee = own_balance + if has_value { 4 } else { 1 };
        Self {
            pops,
            own_balance,
            target,
            last_callee,
            total: last_callee + 3,
        }
    }
}

/// The parts that only CALL and CALLCODE have: the balance check and the new account.
#[derive(Clone, Debug)]
struct ValueCheck<F: PrimeField> {
    poor: WordLessThan<F>,
    code_is_empty: WordIsZero<F>,
    nonce_is_zero: WordIsZero<F>,
    balance_is_zero: WordIsZero<F>,
    no_nonce_no_balance: Cell<F>,
    empty: Cell<F>,
    new_account: Cell<F>,
}

/// A call whose callee fails its pre-checks.
#[derive(Clone, Debug)]
pub struct RefusedCallGadget<F: PrimeField, const HAS_VALUE: bool> {
    args: CallArgs<F>,
    too_deep: WordIsZero<F>,
    value_check: Option<ValueCheck<F>>,
    gas_after: [Cell<F>; 8],
}

/// CALL and CALLCODE whose callee fails its pre-checks.
pub type CallPrecheckFailedGadget<F> = RefusedCallGadget<F, true>;
/// DELEGATECALL and STATICCALL at the call depth limit.
pub type DelegateOrStaticCallPrecheckFailedGadget<F> = RefusedCallGadget<F, false>;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

/// `a - b` limb by limb, as field elements: zero exactly when `a = b`.
fn difference<F: PrimeField>(a: U256, b: U256) -> Word<F> {
    let (a, b) = (word_of::<F>(a), word_of::<F>(b));
    Word::new(a.lo - b.lo, a.hi - b.hi)
}

impl<F: PrimeField, const HAS_VALUE: bool> ExecutionGadget<F> for RefusedCallGadget<F, HAS_VALUE> {
    const NAME: &'static str = if HAS_VALUE {
        "CALL_PRECHECK_FAILED"
    } else {
        "DELEGATE_OR_STATIC_CALL_PRECHECK_FAILED"
    };
    const STATE: ExecutionState = if HAS_VALUE {
        ExecutionState::CallPrecheckFailed
    } else {
        ExecutionState::DelegateOrStaticCallPrecheckFailed
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let (args, ops) = CallArgs::configure(cb, HAS_VALUE, false, true);
        cb.require_zero("success = 0", ops.success.lo.clone());
        let too_deep = WordIsZero::configure(
            cb,
            "depth - 1024",
            Word::new(
                ops.depth.lo.clone() - c(CALL_DEPTH_LIMIT),
                ops.depth.hi.clone(),
            ),
        );

        let value_check = match (&ops.value, &args.moves_value) {
            (Some(value), Some(moves)) => {
                let poor = WordLessThan::configure(
                    cb,
                    "balance < value",
                    ops.own_balance.clone(),
                    value.clone(),
                );
                cb.require_zero(
                    "a pre-check fails: (1 - too_deep)·(1 - poor) = 0",
                    (c::<F>(1) - too_deep.expr()) * (c::<F>(1) - poor.expr()),
                );
                let address = args.access.address.clone();
                let code_hash = cb.account_read(address.clone(), AccountField::CodeHash);
                let nonce = cb.account_read(address.clone(), AccountField::Nonce);
                let balance = cb.account_read(address, AccountField::Balance);
                let empty_hash = word_of::<F>(U256::from_be_bytes(KECCAK_EMPTY.0));
                let code_is_empty = WordIsZero::configure(
                    cb,
                    "target code hash - keccak256(())",
                    Word::new(
                        code_hash.lo - Expression::Constant(empty_hash.lo),
                        code_hash.hi - Expression::Constant(empty_hash.hi),
                    ),
                );
                let nonce_is_zero = WordIsZero::configure(cb, "target nonce", nonce);
                let balance_is_zero = WordIsZero::configure(cb, "target balance", balance);
                let no_nonce_no_balance = cb.query_cell();
                cb.require_equal(
                    "no_nonce_no_balance = [nonce = 0]·[balance = 0]",
                    no_nonce_no_balance.expr(),
                    nonce_is_zero.expr() * balance_is_zero.expr(),
                );
                let empty = cb.query_cell();
                cb.require_equal(
                    "empty = [code is empty]·no_nonce_no_balance",
                    empty.expr(),
                    code_is_empty.expr() * no_nonce_no_balance.expr(),
                );
                let new_account = cb.query_cell();
                cb.require_equal(
                    "new_account = moves_value·empty",
                    new_account.expr(),
                    moves.expr() * empty.expr(),
                );
                Some(ValueCheck {
                    poor,
                    code_is_empty,
                    nonce_is_zero,
                    balance_is_zero,
                    no_nonce_no_balance,
                    empty,
                    new_account,
                })
            }
            _ => {
                cb.require_equal("too_deep = 1", too_deep.expr(), c(1));
                None
            }
        };

        cb.write_no_last_callee();

        let transfers = ops.transfers.clone();
        let cost = cb.props().constant_gas
            + args.access.dynamic_gas()
            + transfers.clone() * c(CALL_VALUE_GAS)
            + value_check
                .as_ref()
                .map_or_else(|| c(0), |v| v.new_account.expr() * c(NEW_ACCOUNT_GAS))
            + ops.memory_gas.clone();
        let gas_after = cb.query_bytes::<8>();
        let gas_after_expr =
            expr_from_le_bytes(&gas_after.iter().map(Cell::expr).collect::<Vec<_>>());
        cb.require_equal(
            "gas_left - cost = Σ gas_after_i·256^i (enough gas)",
            step.gas_left.clone() - cost,
            gas_after_expr.clone(),
        );

        // The caller goes on.
        cb.require_next_not_boundary();
        let pops = call_pops(HAS_VALUE) as u64;
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            call_id: Transition::Same,
            is_root: Transition::Same,
            is_create: Transition::Same,
            code_hash: Transition::Same,
            program_counter: Transition::Delta(c(1)),
            stack_pointer: Transition::Delta(c(pops - 1)),
            gas_left: Transition::To(gas_after_expr + transfers * c(CALL_STIPEND)),
            memory_word_size: Transition::To(args.out_range.new_size()),
            reversible_write_counter: Transition::Delta(c(1)),
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund: Transition::Same,
            is_persistent: Transition::Same,
            rw_counter_end_of_reversion: Transition::Same,
        });
        Self {
            args,
            too_deep,
            value_check,
            gas_after,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let layout = RefusedCallRws::of(HAS_VALUE);
        let rws = witness.step_rws(step);
        let v = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let facts = self.args.assign(region, step, rws, HAS_VALUE)?;
        let depth = v(layout.pops + 3)?;
        self.too_deep
            .assign(region, difference(depth, U256::from(CALL_DEPTH_LIMIT)))?;
        let mut new_account = false;
        if let (Some(check), Some(target)) = (&self.value_check, layout.target) {
            check
                .poor
                .assign(region, v(layout.own_balance)?, facts.value)?;
            let empty_hash = U256::from_be_bytes(KECCAK_EMPTY.0);
            let code_hash = v(target)?;
            let code_empty = check
                .code_is_empty
                .assign(region, difference(code_hash, empty_hash))?;
            let nonce_zero = check
                .nonce_is_zero
                .assign(region, word_of(v(target + 1)?))?;
            let balance_zero = check
                .balance_is_zero
                .assign(region, word_of(v(target + 2)?))?;
            check
                .no_nonce_no_balance
                .assign(region, F::from(u64::from(nonce_zero && balance_zero)))?;
            let is_empty = code_empty && nonce_zero && balance_zero;
            check.empty.assign(region, F::from(u64::from(is_empty)))?;
            new_account = is_empty && facts.transfers && !facts.is_second;
            check
                .new_account
                .assign(region, F::from(u64::from(new_account)))?;
        }
        let cost = 100
            + if facts.was_warm { 0 } else { 2500 }
            + if facts.transfers { CALL_VALUE_GAS } else { 0 }
            + if new_account { NEW_ACCOUNT_GAS } else { 0 }
            + facts.memory_gas;
        let after = step.gas_left.checked_sub(cost).ok_or(Error::Synthesis)?;
        for (cell, byte) in self.gas_after.iter().zip(after.to_le_bytes()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        Ok(())
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !index.call_fits_layout(step)
    }
}

/// Whether `step` is a call whose callee failed its pre-checks, with rw entries in the
/// layout of [`RefusedCallGadget`]: for CALL and CALLCODE the target's code hash, nonce
/// and balance reads, then the three `LastCallee*` writes, and nothing after them.
pub fn refuses_callee(witness: &Witness, step: &ExecStep) -> bool {
    let has_value = match (step.execution_state, step.opcode) {
        (ExecutionState::CallPrecheckFailed, Some(CALL | CALLCODE)) => true,
        (ExecutionState::DelegateOrStaticCallPrecheckFailed, Some(DELEGATECALL | STATICCALL)) => {
            false
        }
        _ => return false,
    };
    let layout = RefusedCallRws::of(has_value);
    let rws = witness.step_rws(step);
    let reads = |at: usize, field: AccountField| {
        rws.get(at).is_some_and(|rw| {
            rw.tag == RwTag::Account && !rw.is_write && rw.field == RwField::Account(field)
        })
    };
    let target = layout.target.is_none_or(|t| {
        reads(t, AccountField::CodeHash)
            && reads(t + 1, AccountField::Nonce)
            && reads(t + 2, AccountField::Balance)
    });
    let last_callee = rws.get(layout.last_callee).is_some_and(|rw| {
        rw.tag == RwTag::CallContext
            && rw.is_write
            && rw.field == RwField::CallContext(C::LastCalleeId)
    });
    rws.len() == layout.total
        && reads(layout.own_balance, AccountField::Balance)
        && target
        && last_callee
}

#[cfg(test)]
mod tests;
