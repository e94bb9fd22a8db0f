//! A call into an account without code: CALL and CALLCODE (state `CallWithoutCode`),
//! DELEGATECALL and STATICCALL (state `DelegateOrStaticCallWithoutCode`). The callee runs no
//! step and opens no context; the caller goes on at the next opcode.
//!
//! ```text
//! CallArgs (pops, success push, the access of `to`, Depth, CalleeAddress, IsStatic, own
//!   balance; see call_args.rs)
//! "success = 1"                           (the pre-checks passed: a failed one is another state)
//! code_hash = account read (to, CodeHash): "= keccak256(())"
//! "to ∉ {1..=10}"                         (a precompile has no code either: another state)
//! CALL, CALLCODE: nonce, balance = account reads (to, Nonce), (to, Balance)
//!   empty = [nonce = 0]·[balance = 0];  new_account = moves_value·empty   (CALL only)
//! LastCalleeId, LastCalleeReturnDataOffset, LastCalleeReturnDataLength writes = 0, 0, 0
//! cost = 100 + 2500·cold + 9000·[value ≠ 0] + 25000·new_account + memory gas
//! gas_left - cost = Σ gas_after_i·256^i   (8 bytes: enough gas)
//! value ≠ 0 (optional, last): ValueTransfer own → (to for CALL, own for CALLCODE), in the
//!   caller's reversion scope after its warm mark (undos 1 and 2 of the step)
//! transition: pc + 1, stack_pointer + pops - 1, gas → gas_after + 2300·[value ≠ 0] (the
//!   callee hands back all its gas, the stipend too), memory → the new size,
//!   reversible writes + 1 + 2·[value ≠ 0], rw_counter by the accesses; the rest unchanged
//! ```
//! The callee's gas is not computed: all of it comes back. A call with a value to an account
//! that is empty (EIP-161: no nonce, no balance, no code) pays for a new account.

use super::{
    call_args::{call_pops, CallArgs, CallTransfer, CALL, CALLCODE, DELEGATECALL, STATICCALL},
    call_op::{CALL_STIPEND, CALL_VALUE_GAS},
    not_precompile::{is_precompile, NotPrecompile},
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::{ConstraintBuilder, Reversion, StepStateTransition, Transition},
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

/// Gas of a value-carrying call that creates its callee's account (EIP-161).
pub const NEW_ACCOUNT_GAS: u64 = 25_000;

/// Where the accesses of a call without code sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WithoutCodeRws {
    /// Stack items popped.
    pub pops: usize,
    /// The callee's code hash read.
    pub code_hash: usize,
    /// The caller's `LastCalleeId` write, the first of three.
    pub last_callee: usize,
    /// Accesses without a value transfer (3 more with one).
    pub total: usize,
}

impl WithoutCodeRws {
    /// The layout of the calls that pop a value (`has_value`) or not.
    pub const fn of(has_value: bool) -> Self {
        let pops = call_pops(has_value);
        // push, TxId, warm mark, Depth, CalleeAddress, IsStatic, balance
        let code_hash = pops + 7;
        let last_callee = code_hash + if has_value { 3 } else { 1 };
        Self {
            pops,
            code_hash,
            last_callee,
            total: last_callee + 3,
        }
    }
}

/// A call into an account without code.
#[derive(Clone, Debug)]
pub struct NoCodeCallGadget<F: PrimeField, const HAS_VALUE: bool> {
    args: CallArgs<F>,
    not_precompile: NotPrecompile<F>,
    nonce_is_zero: Option<WordIsZero<F>>,
    balance_is_zero: Option<WordIsZero<F>>,
    empty: Option<Cell<F>>,
    new_account: Option<Cell<F>>,
    gas_after: [Cell<F>; 8],
    transfer: Option<CallTransfer<F>>,
}

/// CALL and CALLCODE into an account without code.
pub type CallWithoutCodeGadget<F> = NoCodeCallGadget<F, true>;
/// DELEGATECALL and STATICCALL into an account without code.
pub type DelegateOrStaticCallWithoutCodeGadget<F> = NoCodeCallGadget<F, false>;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

impl<F: PrimeField, const HAS_VALUE: bool> ExecutionGadget<F> for NoCodeCallGadget<F, HAS_VALUE> {
    const NAME: &'static str = if HAS_VALUE {
        "CALL_WITHOUT_CODE"
    } else {
        "DELEGATE_OR_STATIC_CALL_WITHOUT_CODE"
    };
    const STATE: ExecutionState = if HAS_VALUE {
        ExecutionState::CallWithoutCode
    } else {
        ExecutionState::DelegateOrStaticCallWithoutCode
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let (args, ops) = CallArgs::configure(cb, HAS_VALUE, false, false);
        cb.require_equal("success = 1", ops.success.lo.clone(), c(1));
        let address = args.access.address.clone();
        let code_hash = cb.account_read(address.clone(), AccountField::CodeHash);
        let empty_hash = word_of::<F>(U256::from_be_bytes(KECCAK_EMPTY.0));
        cb.require_equal_word(
            "the callee has no code: code hash = keccak256(())",
            code_hash,
            Word::new(
                Expression::Constant(empty_hash.lo),
                Expression::Constant(empty_hash.hi),
            ),
        );
        let not_precompile = NotPrecompile::configure(cb, address.clone());

        let (nonce_is_zero, balance_is_zero, empty, new_account) = match &args.moves_value {
            Some(moves) => {
                let nonce = cb.account_read(address.clone(), AccountField::Nonce);
                let balance = cb.account_read(address.clone(), AccountField::Balance);
                let nonce_is_zero = WordIsZero::configure(cb, "callee nonce", nonce);
                let balance_is_zero = WordIsZero::configure(cb, "callee balance", balance);
                let empty = cb.query_cell();
                cb.require_equal(
                    "empty = [nonce = 0]·[balance = 0]",
                    empty.expr(),
                    nonce_is_zero.expr() * balance_is_zero.expr(),
                );
                let new_account = cb.query_cell();
                cb.require_equal(
                    "new_account = moves_value·empty",
                    new_account.expr(),
                    moves.expr() * empty.expr(),
                );
                (
                    Some(nonce_is_zero),
                    Some(balance_is_zero),
                    Some(empty),
                    Some(new_account),
                )
            }
            None => (None, None, None, None),
        };
        cb.write_no_last_callee();

        let transfers = ops.transfers.clone();
        let cost = cb.props().constant_gas
            + args.access.dynamic_gas()
            + transfers.clone() * c(CALL_VALUE_GAS)
            + new_account
                .as_ref()
                .map_or_else(|| c(0), |n| n.expr() * c(NEW_ACCOUNT_GAS))
            + ops.memory_gas.clone();
        let gas_after = cb.query_bytes::<8>();
        let gas_after_expr =
            expr_from_le_bytes(&gas_after.iter().map(Cell::expr).collect::<Vec<_>>());
        cb.require_equal(
            "gas_left - cost = Σ gas_after_i·256^i (enough gas)",
            step.gas_left.clone() - cost,
            gas_after_expr.clone(),
        );

        // CALL pays `to`, CALLCODE itself; the writes are the caller's, after its warm mark.
        let scope = Reversion {
            is_persistent: step.is_persistent.clone(),
            end: step.rw_counter_end_of_reversion.clone(),
            writes_before: step.reversible_write_counter.clone() + c(1),
        };
        let transfer = CallTransfer::configure(cb, &args, &ops, &scope);

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
            gas_left: Transition::To(gas_after_expr + transfers.clone() * c(CALL_STIPEND)),
            memory_word_size: Transition::To(args.out_range.new_size()),
            reversible_write_counter: Transition::Delta(c::<F>(1) + transfers * c(2)),
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund: Transition::Same,
            is_persistent: Transition::Same,
            rw_counter_end_of_reversion: Transition::Same,
        });
        Self {
            args,
            not_precompile,
            nonce_is_zero,
            balance_is_zero,
            empty,
            new_account,
            gas_after,
            transfer,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let layout = WithoutCodeRws::of(HAS_VALUE);
        let rws = witness.step_rws(step);
        let v = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let facts = self.args.assign(region, step, rws, HAS_VALUE)?;
        self.not_precompile.assign(region, facts.to)?;
        let mut new_account = false;
        if let (Some(nz), Some(bz), Some(empty), Some(new)) = (
            &self.nonce_is_zero,
            &self.balance_is_zero,
            &self.empty,
            &self.new_account,
        ) {
            let nonce_zero = nz.assign(region, word_of(v(layout.code_hash + 1)?))?;
            let balance_zero = bz.assign(region, word_of(v(layout.code_hash + 2)?))?;
            let is_empty = nonce_zero && balance_zero;
            empty.assign(region, F::from(u64::from(is_empty)))?;
            new_account = is_empty && facts.transfers && !facts.is_second;
            new.assign(region, F::from(u64::from(new_account)))?;
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
        if let Some(transfer) = &self.transfer {
            transfer.assign(region, &facts, rws, layout.total)?;
        }
        Ok(())
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !index.call_fits_layout(step)
    }
}

/// Whether `step` is a call into an account without code whose rw entries follow the
/// layout of [`NoCodeCallGadget`]: the empty code's hash read, no precompile, the
/// value transfer exactly when CALL or CALLCODE gives a value.
pub fn skips_callee_without_code(witness: &Witness, step: &ExecStep) -> bool {
    let has_value = match (step.execution_state, step.opcode) {
        (ExecutionState::CallWithoutCode, Some(CALL | CALLCODE)) => true,
        (ExecutionState::DelegateOrStaticCallWithoutCode, Some(DELEGATECALL | STATICCALL)) => false,
        _ => return false,
    };
    let layout = WithoutCodeRws::of(has_value);
    let rws = witness.step_rws(step);
    let transfers = has_value && rws.get(2).is_some_and(|rw| !rw.value.is_zero());
    let expected = layout.total + if transfers { 3 } else { 0 };
    let no_code = rws.get(layout.code_hash).is_some_and(|rw| {
        rw.tag == RwTag::Account
            && !rw.is_write
            && rw.field == RwField::Account(AccountField::CodeHash)
            && rw.value == U256::from_be_bytes(KECCAK_EMPTY.0)
            && !is_precompile(rw.address)
    });
    let last_callee = rws.get(layout.last_callee).is_some_and(|rw| {
        rw.tag == RwTag::CallContext
            && rw.is_write
            && rw.field == RwField::CallContext(C::LastCalleeId)
    });
    rws.len() == expected && no_code && last_callee
}

#[cfg(test)]
mod tests;
