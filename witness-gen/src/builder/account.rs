//! Account reads: BALANCE and EXTCODESIZE (warm mark + one account field), EXTCODEHASH (warm
//! mark + nonce, balance and code hash: an empty account's hash reads as 0) and SELFBALANCE
//! (callee address + balance).
//!
//! The warm mark is a reversible `TxAccessListAccount` write of 1 whose `value_prev` says
//! whether the account was warm (EIP-2929 cost 100 or 2600); it belongs to the current
//! frame's reversion scope.
//!
//! EXTCODESIZE (like EXTCODECOPY) registers the account's code as a bytecode, the empty code
//! included (a missing or code-less account reads the empty-code hash): the circuit looks its
//! length up in the bytecode table by the hash it read.

use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::rw::{AccountField, CallContextField as F, Rw};
use crate::state::u256_to_address;
use equivm_trace::revm::primitives::{Bytes, KECCAK_EMPTY, U256};

/// Builds the step.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    if s.step.opcode == 0x47 {
        let addr = b.read(Rw::call_context(s.call_id, F::CalleeAddress));
        b.read(Rw::account(u256_to_address(addr), AccountField::Balance));
        return b.stack_pushes_recorded(s);
    }
    let popped = b.stack_pops(s, 1);
    let address = u256_to_address(popped.first().copied().unwrap_or_default());
    b.read(Rw::call_context(s.call_id, F::TxId));
    warm_account(b, s, address);
    let fields: &[AccountField] = match s.step.opcode {
        0x31 => &[AccountField::Balance],
        0x3f => &[
            AccountField::Nonce,
            AccountField::Balance,
            AccountField::CodeHash,
        ],
        _ => &[AccountField::CodeHash],
    };
    let mut hash = U256::ZERO;
    for field in fields {
        hash = b.read(Rw::account(address, *field));
    }
    if s.step.opcode == 0x3b {
        account_code(b, s, hash)?;
    }
    b.stack_pushes_recorded(s)
}

/// The code with hash `hash` (an account's `CodeHash`), registered as a bytecode so that the
/// bytecode table holds its length and bytes: the empty code for the empty-code hash, an
/// error for a hash whose code the trace never showed.
pub(crate) fn account_code(
    b: &mut Builder,
    s: &StepCtx,
    hash: U256,
) -> Result<Bytes, WitnessError> {
    let code = b.code_by_hash(hash);
    if code.is_empty() && hash != U256::from_be_bytes(KECCAK_EMPTY.0) {
        return Err(b.inconsistent(s, format!("no code with the account's hash {hash:#x}")));
    }
    b.add_bytecode(code.clone());
    Ok(code)
}

/// Marks `address` warm in the current frame's scope.
pub(crate) fn warm_account(
    b: &mut Builder,
    s: &StepCtx,
    address: equivm_trace::revm::primitives::Address,
) {
    let tx_id = b.tx.id;
    b.write(
        Rw::access_account(tx_id, address),
        U256::from(1),
        Some(s.frame_id),
    );
}
