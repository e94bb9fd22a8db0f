//! CREATE and CREATE2.
//!
//! The caller's step pops value, offset, size (and salt) and pushes its result (the new
//! address, or 0 when the creation fails), then reads `TxId`, `Depth`, `CalleeAddress` and
//! `IsStatic`. Pre-check failures (depth, balance, nonce) start nothing and bump nothing:
//! the step reads the creator's balance and nonce, records no last callee (id 0, no return
//! data) and reads no init code (nothing hashes or runs it; the memory still grows). A
//! creation that passes them bumps the creator's nonce and marks the new address warm (both
//! in the caller's scope) and reads the new address's code hash. A collision (code or a
//! nonce already there) starts nothing: the step first reads the creator's balance (the
//! value is there), then after the code hash the address's nonce, records no last callee
//! and reads the init code. Otherwise the step saves the caller's state and starts the creation
//! frame (`frame::begin_frame`: the callee's context, nonce 1 for the new account and the
//! value transfer, in the callee's scope). The init code is read from memory last, as one
//! copy into the bytecode table. The address's preimage (`rlp([creator, nonce])`, or
//! `0xff ‖ creator ‖ salt ‖ keccak256(init code)`) is registered like a code, so that a
//! circuit can look up its bytes by its hash.

use super::frame::{self, address_word, FrameArgs};
use super::{Builder, StepCtx};
use crate::address::{create2_preimage, create_preimage};
use crate::error::WitnessError;
use crate::rw::{AccountField, CallContextField as F, Rw};
use crate::witness::{CopyDataType, CopyEvent};
use equivm_trace::revm::primitives::{keccak256, Address, U256};

/// Builds the step.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let n = usize::from(s.info.stack_inputs);
    let v = b.stack_pops(s, n);
    let size = b.as_u64(s, v[2], "size")?;
    let offset = if size == 0 {
        0
    } else {
        b.as_u64(s, v[1], "offset")?
    };
    let child = frame::next_child(b, s)?;
    let callee =
        s.tx.calls
            .get(child)
            .ok_or_else(|| b.inconsistent(s, "callee missing"))?;
    let result = if callee.success {
        address_word(callee.address)
    } else {
        U256::ZERO
    };
    b.stack_push(s, result);
    b.read(Rw::call_context(s.call_id, F::TxId));
    b.read(Rw::call_context(s.call_id, F::Depth));
    b.read(Rw::call_context(s.call_id, F::CalleeAddress));
    b.read(Rw::call_context(s.call_id, F::IsStatic));
    let creator = s.frame.address;
    if frame::failed_precheck(&callee.end_reason) {
        // What the pre-checks read: the creator's balance (the value must be there) and
        // nonce (it must not be the largest).
        b.read(Rw::account(creator, AccountField::Balance));
        b.read(Rw::account(creator, AccountField::Nonce));
        frame::set_last_callee(b, s.frame_id, 0, 0, 0);
        return Ok(());
    }
    let collides = frame::collides(callee);
    if collides {
        // The pre-check on the value, which a started creation's transfer proves.
        b.read(Rw::account(creator, AccountField::Balance));
    }
    let nonce = b.state.account(creator, AccountField::Nonce);
    b.write(
        Rw::account(creator, AccountField::Nonce),
        nonce + U256::from(1),
        Some(s.frame_id),
    );
    super::account::warm_account(b, s, callee.address);
    b.read(Rw::account(callee.address, AccountField::CodeHash));
    if collides {
        b.read(Rw::account(callee.address, AccountField::Nonce));
    } else {
        // Saved after the creator's own reversible writes, which the restored counter
        // counts.
        frame::save_caller(b, s, callee);
    }
    let preimage = if s.step.opcode == 0xf5 {
        create2_preimage(creator, v[3], &callee.input)
    } else {
        create_preimage(creator, u64::try_from(nonce).unwrap_or(u64::MAX))
    };
    if Address::from_slice(&keccak256(&preimage)[12..]) != callee.address {
        return Err(b.inconsistent(s, "the creation's address is not its preimage's hash"));
    }
    b.add_bytecode(preimage.into());
    if collides {
        frame::set_last_callee(b, s.frame_id, 0, 0, 0);
        return copy_init_code(b, s, offset, size, &callee.input);
    }
    let args = FrameArgs {
        calldata_offset: 0,
        calldata_len: 0,
        ret_offset: 0,
        ret_len: 0,
    };
    frame::begin_frame(b, s.tx, child, args)?;
    if b.tx
        .frames
        .get(child)
        .is_some_and(|f| f.last_step.is_none())
    {
        frame::end_frame(b, s.tx, child)?;
    }
    copy_init_code(b, s, offset, size, &callee.input)
}

/// Reads the init code from memory, the step's last accesses, as one copy into the
/// bytecode table (nothing when it is empty).
fn copy_init_code(
    b: &mut Builder,
    s: &StepCtx,
    offset: u64,
    size: u64,
    input: &[u8],
) -> Result<(), WitnessError> {
    let start = b.rw_counter();
    let init_code = b.memory_read(s.call_id, offset, size);
    if init_code != input {
        return Err(b.inconsistent(s, "creation frame's init code differs from memory"));
    }
    let code_hash = b.add_bytecode(init_code.clone().into());
    if size > 0 {
        let id = b
            .bytecode_index
            .get(&code_hash)
            .copied()
            .unwrap_or_default() as u64;
        b.copy_events.push(CopyEvent {
            src_type: CopyDataType::Memory,
            src_id: s.call_id,
            src_addr: offset,
            src_addr_end: offset + size,
            dst_type: CopyDataType::Bytecode,
            dst_id: id,
            dst_addr: 0,
            bytes: init_code,
            log_id: 0,
            rw_counter_start: start,
            rw_count: size,
        });
    }
    Ok(())
}
