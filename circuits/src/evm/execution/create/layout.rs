//! Where the rw accesses of a creation that starts its frame sit, and whether a step's
//! entries follow that layout.

use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::{
    AccountField, CallContextField as C, ExecStep, ExecutionState, RwField, RwTag, Witness,
};

/// Where a creation step's rw accesses sit (see the gadget's table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CreateRws {
    /// Stack items popped (3 for CREATE, 4 for CREATE2).
    pub pops: usize,
    /// The pushed result.
    pub result: usize,
    /// The creator's `Depth` read.
    pub depth: usize,
    /// The creator's `CalleeAddress` read (its own address).
    pub creator: usize,
    /// The creator's nonce write.
    pub creator_nonce: usize,
    /// The new address's warm mark.
    pub warm_mark: usize,
    /// The new address's code hash read.
    pub code_hash: usize,
    /// The first of the 5 saves of the creator's context.
    pub saves: usize,
    /// The callee's `TxId` write, the first of its 17 context writes.
    pub callee_context: usize,
    /// The callee's `RwCounterEndOfReversion` write.
    pub end_of_reversion: usize,
    /// The new account's nonce write.
    pub new_nonce: usize,
    /// The new account's created flag write.
    pub created_flag: usize,
    /// Accesses without a value transfer (3 more with one), before the copy's reads.
    pub total: usize,
}

impl CreateRws {
    /// The layout of CREATE (`is_create2` false) or CREATE2.
    pub const fn of(is_create2: bool) -> Self {
        let pops = super::args::create_pops(is_create2);
        let saves = pops + 8;
        let callee_context = saves + 5;
        Self {
            pops,
            result: pops,
            depth: pops + 2,
            creator: pops + 3,
            creator_nonce: pops + 5,
            warm_mark: pops + 6,
            code_hash: pops + 7,
            saves,
            callee_context,
            end_of_reversion: callee_context + 16,
            new_nonce: callee_context + 17,
            created_flag: callee_context + 18,
            total: callee_context + 19,
        }
    }
}

/// Whether `step` is a CREATE or CREATE2 whose gadget's layout its rw entries follow: its
/// pre-checks passed, no account was at the new address, and its init code is not empty
/// (so the creation runs steps of its own).
pub fn starts_creation(witness: &Witness, step: &ExecStep) -> bool {
    let is_create2 = match (step.execution_state, step.opcode) {
        (ExecutionState::Create, Some(0xf0)) => false,
        (ExecutionState::Create2, Some(0xf5)) => true,
        _ => return false,
    };
    let layout = CreateRws::of(is_create2);
    let rws = witness.step_rws(step);
    let (Some(value), Some(size)) = (rws.first(), rws.get(2)) else {
        return false;
    };
    let Ok(size) = usize::try_from(size.value) else {
        return false;
    };
    let transfers = !value.value.is_zero();
    let expected = layout.total + if transfers { 3 } else { 0 } + size;
    let begins = rws.get(layout.callee_context).is_some_and(|rw| {
        rw.tag == RwTag::CallContext && rw.is_write && rw.field == RwField::CallContext(C::TxId)
    });
    let no_code = rws.get(layout.code_hash).is_some_and(|rw| {
        rw.tag == RwTag::Account
            && !rw.is_write
            && rw.field == RwField::Account(AccountField::CodeHash)
            && rw.value == U256::from_be_bytes(KECCAK_EMPTY.0)
    });
    let fresh = rws.get(layout.new_nonce).is_some_and(|rw| {
        rw.tag == RwTag::Account
            && rw.is_write
            && rw.field == RwField::Account(AccountField::Nonce)
            && rw.value_prev.is_zero()
    });
    rws.len() == expected && begins && no_code && fresh
}
