//! Where the rw accesses of a call into an account with code sit, and whether a step's
//! entries follow that layout.

use super::super::{
    call_args::{call_pops, CALL, CALLCODE, DELEGATECALL, STATICCALL},
    not_precompile::is_precompile,
};
use super::IDENTITY;
use equivm_trace::revm::primitives::{Address, KECCAK_EMPTY, U256};
use equivm_witness::{
    AccountField, CallContextField as C, ExecStep, ExecutionState, RwField, RwTag, Witness,
};

/// Where a call step's rw accesses sit (see the module's table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallRws {
    /// Stack items popped (7 with a value, 6 without).
    pub pops: usize,
    /// The pushed success flag.
    pub success: usize,
    /// The warm mark of the callee's address.
    pub warm_mark: usize,
    /// The caller's `Depth` read.
    pub depth: usize,
    /// The caller's `CalleeAddress` read (its own address).
    pub own_address: usize,
    /// The first of the 5 saves of the caller's context (`ProgramCounter` first).
    pub saves: usize,
    /// The callee's code hash read.
    pub code_hash: usize,
    /// The callee's `TxId` write, the first of its 16 context writes.
    pub callee_context: usize,
    /// The callee's `IsPersistent` write.
    pub callee_is_persistent: usize,
    /// The callee's `RwCounterEndOfReversion` write, the last access without value.
    pub end_of_reversion: usize,
    /// Accesses without a value transfer (3 more with one).
    pub total: usize,
}

impl CallRws {
    /// The layout of the calls that pop a value (`has_value`) or not.
    pub const fn of(has_value: bool) -> Self {
        let pops = call_pops(has_value);
        // push, TxId, warm mark, Depth, CalleeAddress, IsStatic, [CallerAddress, Value],
        // balance
        let saves = pops + if has_value { 7 } else { 9 };
        let callee_context = saves + 6;
        Self {
            pops,
            success: pops,
            warm_mark: pops + 2,
            depth: pops + 3,
            own_address: pops + 4,
            saves,
            code_hash: saves + 5,
            callee_context,
            callee_is_persistent: callee_context + 11,
            end_of_reversion: callee_context + 16,
            total: callee_context + 17,
        }
    }
}

/// Whether `step` is a call whose gadget's layout its rw entries follow: a callee with code
/// at no precompile address, or the identity precompile, that begins inside the step (its pre-checks passed), with the
/// value transfer exactly when CALL or CALLCODE moves a value.
pub fn starts_callee_with_code(witness: &Witness, step: &ExecStep) -> bool {
    let has_value = match (step.execution_state, step.opcode) {
        (ExecutionState::Call, Some(CALL | CALLCODE)) => true,
        (ExecutionState::DelegateOrStaticCall, Some(DELEGATECALL | STATICCALL)) => false,
        _ => return false,
    };
    let layout = CallRws::of(has_value);
    let rws = witness.step_rws(step);
    let transfers = has_value && rws.get(2).is_some_and(|rw| !rw.value.is_zero());
    let expected = layout.total + if transfers { 3 } else { 0 };
    let code = rws.get(layout.code_hash).is_some_and(|rw| {
        rw.tag == RwTag::Account
            && !rw.is_write
            && rw.field == RwField::Account(AccountField::CodeHash)
            && (rw.address == Address::with_last_byte(IDENTITY as u8)
                || (rw.value != U256::from_be_bytes(KECCAK_EMPTY.0) && !is_precompile(rw.address)))
    });
    let writes = |i: usize, field: C| {
        rws.get(i).is_some_and(|rw| {
            rw.tag == RwTag::CallContext && rw.is_write && rw.field == RwField::CallContext(field)
        })
    };
    let begins = writes(layout.callee_context, C::TxId)
        && writes(layout.callee_is_persistent, C::IsPersistent);
    // A CALL with a value into the identity needs its account to hold a balance (an empty
    // one owes the new-account charge, which the gadget does not make).
    let pays_identity = step.opcode == Some(CALL)
        && transfers
        && rws
            .get(layout.code_hash)
            .is_some_and(|rw| rw.address == Address::with_last_byte(IDENTITY as u8));
    let identity_empty = pays_identity
        && rws
            .get(layout.total + 2)
            .is_some_and(|rw| rw.value_prev.is_zero());
    rws.len() == expected && code && begins && !identity_empty
}
