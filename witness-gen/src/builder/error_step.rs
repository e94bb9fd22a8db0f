//! Error states: a step that halts its frame exceptionally.
//!
//! The step reads the stack items the circuit needs to prove the error condition, and no
//! more (the EVM circuit fixes the number of rw accesses per state):
//! - stack underflow, stack overflow, constant out-of-gas and an invalid opcode: nothing
//!   (the stack pointer, gas and opcode prove them);
//! - invalid jump: the destination and a second item, the condition for `JUMPI` and the
//!   destination again for `JUMP`, so that both opcodes make the same two reads;
//! - memory out-of-gas of `MLOAD`, `MSTORE` and `MSTORE8`: the offset;
//! - out-of-gas of LOG0..LOG4: the offset and the size (the topic count is the opcode's);
//! - RETURNDATACOPY past the end of the return data: destination, offset and size, and the
//!   call's `LastCalleeReturnDataLength`;
//! - EXTCODECOPY out of gas: its four operands, the call's `TxId` and the account's warm
//!   flag (read: the failing step warms nothing);
//! - BALANCE, EXTCODESIZE and EXTCODEHASH out of gas: the address, the call's `TxId` and
//!   the account's warm flag (read);
//! - SLOAD out of gas: the key, the call's `TxId` and `CalleeAddress`, and the slot's warm
//!   flag (read);
//! - SELFDESTRUCT out of gas: the beneficiary, the call's `TxId`, the beneficiary's warm
//!   flag (read), nonce, code hash and balance (whether it is empty), the call's
//!   `CalleeAddress` and the contract's balance (whether it sends a value);
//! - a call out of gas (its memory, account access, value or new account): its six or seven
//!   operands, the call's `TxId`, the callee's warm flag (read), and for CALL and CALLCODE
//!   the callee's nonce, code hash and balance (whether a value makes a new account);
//! - RETURN or REVERT out of gas: the offset and the size;
//! - a creation's RETURN of code starting with 0xef (EIP-3541): the offset and the size,
//!   then the memory byte at the offset;
//! - CREATE or CREATE2 out of gas or over the init-code size limit: the value, the offset
//!   and the size (CREATE2's salt changes neither the cost nor the limit);
//! - SSTORE out of gas: key and value, the call's `TxId` and `CalleeAddress`, the slot (its
//!   current and committed values) and its warm flag, from which the cost follows;
//! - a state change in a static call: for CALL its gas, to and value (revm pops them
//!   before it refuses a value), for the other opcodes nothing; then the call's `IsStatic`;
//! - every other error state (and memory out-of-gas of the other opcodes): the stack items
//!   the failing opcode would have consumed (for stack underflow, the items that were
//!   there), for the offsets, sizes and addresses their proofs need.
//!
//! Everything else — the reversion of the frame's journal and the return to the caller — is
//! done by the frame end that follows in the same step.

use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::execution_state::ExecutionState;
use crate::rw::{AccountField, CallContextField, Rw};

/// Reads the stack items the error's proof needs (see the module docs).
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    use ExecutionState::*;
    let available = usize::from(s.step.stack_len);
    match s.state {
        ErrorStackUnderflow | ErrorStackOverflow | ErrorOutOfGasConstant | ErrorInvalidOpcode => {}
        ErrorInvalidJump => {
            let is_jumpi = s.step.opcode == 0x57;
            if available < 1 + usize::from(is_jumpi) {
                return Err(b.inconsistent(s, "invalid jump without its stack inputs"));
            }
            let sp = s.sp();
            b.read(Rw::stack(s.call_id, sp));
            b.read(Rw::stack(s.call_id, sp + u64::from(is_jumpi)));
        }
        ErrorOutOfGasMemoryExpansion if matches!(s.step.opcode, 0x51..=0x53) => {
            if available < 1 {
                return Err(b.inconsistent(s, "memory out-of-gas without an offset"));
            }
            b.stack_pops(s, 1);
        }
        ErrorOutOfGasLog => {
            if available < 2 {
                return Err(b.inconsistent(s, "LOG out-of-gas without an offset and a size"));
            }
            b.stack_pops(s, 2);
        }
        ErrorReturnDataOutOfBounds if available >= 3 => {
            b.stack_pops(s, 3);
            b.read(Rw::call_context(
                s.call_id,
                CallContextField::LastCalleeReturnDataLength,
            ));
        }
        ErrorOutOfGasExtCodeCopy if available >= 4 => {
            let v = b.stack_pops(s, 4);
            let address = crate::state::u256_to_address(v[0]);
            let tx_id = b.tx.id;
            b.read(Rw::call_context(s.call_id, CallContextField::TxId));
            b.read(Rw::access_account(tx_id, address));
        }
        ErrorWriteProtection => {
            // CALL fails only with a value, after popping gas, to and value; the others
            // fail before popping anything.
            if s.step.opcode == 0xf1 {
                if available < 3 {
                    return Err(b.inconsistent(s, "static CALL without gas, to and value"));
                }
                b.stack_pops(s, 3);
            }
            b.read(Rw::call_context(s.call_id, CallContextField::IsStatic));
        }
        ErrorOutOfGasAccountAccess if available >= 1 => {
            let v = b.stack_pops(s, 1);
            let address = crate::state::u256_to_address(v[0]);
            let tx_id = b.tx.id;
            b.read(Rw::call_context(s.call_id, CallContextField::TxId));
            b.read(Rw::access_account(tx_id, address));
        }
        ErrorOutOfGasSload if available >= 1 => {
            let key = b.stack_pops(s, 1)[0];
            let tx_id = b.tx.id;
            b.read(Rw::call_context(s.call_id, CallContextField::TxId));
            b.read(Rw::call_context(s.call_id, CallContextField::CalleeAddress));
            b.read(Rw::access_storage(tx_id, s.frame.address, key));
        }
        ErrorOutOfGasSelfDestruct if available >= 1 => {
            let target = crate::state::u256_to_address(b.stack_pops(s, 1)[0]);
            let tx_id = b.tx.id;
            b.read(Rw::call_context(s.call_id, CallContextField::TxId));
            b.read(Rw::access_account(tx_id, target));
            for field in [
                AccountField::Nonce,
                AccountField::CodeHash,
                AccountField::Balance,
            ] {
                b.read(Rw::account(target, field));
            }
            b.read(Rw::call_context(s.call_id, CallContextField::CalleeAddress));
            b.read(Rw::account(s.frame.address, AccountField::Balance));
        }
        ErrorOutOfGasCall | ErrorOutOfGasDelegateOrStaticCall
            if available >= usize::from(s.info.stack_inputs) =>
        {
            let v = b.stack_pops(s, usize::from(s.info.stack_inputs));
            let to = crate::state::u256_to_address(v[1]);
            let tx_id = b.tx.id;
            b.read(Rw::call_context(s.call_id, CallContextField::TxId));
            b.read(Rw::access_account(tx_id, to));
            if s.state == ErrorOutOfGasCall {
                for field in [
                    AccountField::Nonce,
                    AccountField::CodeHash,
                    AccountField::Balance,
                ] {
                    b.read(Rw::account(to, field));
                }
            }
        }
        ErrorOutOfGasCreate | ErrorInitCodeSizeLimit => {
            // CREATE2's salt changes neither the cost nor the limit (revm pops it later).
            if available < 3 {
                return Err(b.inconsistent(s, "CREATE error without value, offset and size"));
            }
            b.stack_pops(s, 3);
        }
        ErrorInvalidCreationCode if available >= 2 => {
            // RETURN's range, then the code's first byte (0xef).
            let v = b.stack_pops(s, 2);
            let offset = b.as_u64(s, v[0], "RETURN offset")?;
            b.read(Rw::memory(s.call_id, offset));
        }
        ErrorOutOfGasSstore if available >= 2 => {
            let v = b.stack_pops(s, 2);
            let key = v[0];
            let tx_id = b.tx.id;
            let address = s.frame.address;
            b.read(Rw::call_context(s.call_id, CallContextField::TxId));
            b.read(Rw::call_context(s.call_id, CallContextField::CalleeAddress));
            b.read(Rw::storage(tx_id, address, key));
            b.read(Rw::access_storage(tx_id, address, key));
        }
        _ => {
            let n = usize::from(s.info.stack_inputs).min(available);
            b.stack_pops(s, n);
        }
    }
    Ok(())
}
