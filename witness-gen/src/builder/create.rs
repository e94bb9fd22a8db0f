//! CREATE and CREATE2.
//!
//! The caller's step pops value, offset, size (and salt), reads the init code from memory,
//! bumps the caller's nonce and marks the new address warm (both in the caller's scope), saves
//! the caller's state and starts the creation frame (`frame::begin_frame`: nonce 1 for the
//! new account, value transfer, in the callee's scope). Pre-check failures (depth, balance)
//! start nothing and bump nothing; an address collision bumps the nonce but starts nothing.
//! The pushed result is the new address, or 0.

use super::frame::{self, address_word, FrameArgs};
use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::rw::{AccountField, CallContextField as F, Rw};
use crate::witness::{CopyDataType, CopyEvent};
use equivm_trace::revm::primitives::{keccak256, U256};

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
    b.read(Rw::call_context(s.call_id, F::TxId));
    b.read(Rw::call_context(s.call_id, F::Depth));
    b.read(Rw::call_context(s.call_id, F::CalleeAddress));
    b.read(Rw::call_context(s.call_id, F::IsStatic));
    let start = b.rw_counter();
    let init_code = b.memory_read(s.call_id, offset, size);
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
    let child = frame::next_child(b, s)?;
    let callee =
        s.tx.calls
            .get(child)
            .ok_or_else(|| b.inconsistent(s, "callee missing"))?;
    let callee_id = b.tx.frames.get(child).map_or(0, |f| f.call_id);
    if callee.input.as_ref() != b.codes.get(&code_hash).map_or(&[][..], |c| c.as_ref()) {
        return Err(b.inconsistent(s, "creation frame's init code differs from memory"));
    }
    if frame::failed_precheck(&callee.end_reason) {
        frame::save_caller(b, s, callee);
        frame::set_last_callee(b, s.frame_id, callee_id, 0, 0);
        b.stack_push(s, U256::ZERO);
        return Ok(());
    }
    let creator = s.frame.address;
    let nonce = b.read(Rw::account(creator, AccountField::Nonce));
    b.write(
        Rw::account(creator, AccountField::Nonce),
        nonce + U256::from(1),
        Some(s.frame_id),
    );
    super::account::warm_account(b, s, callee.address);
    // Saved after the creator's own reversible writes, which the restored counter counts.
    frame::save_caller(b, s, callee);
    if s.step.opcode == 0xf5 {
        let mut preimage = Vec::with_capacity(85);
        preimage.push(0xff);
        preimage.extend_from_slice(creator.as_slice());
        preimage.extend_from_slice(&v[3].to_be_bytes::<32>());
        preimage.extend_from_slice(keccak256(&callee.input).as_slice());
        b.keccak_inputs.push(preimage.into());
    }
    if callee.end_reason == "CreateCollision" {
        frame::set_last_callee(b, s.frame_id, callee_id, 0, 0);
        b.stack_push(s, U256::ZERO);
        return Ok(());
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
    let result = if callee.success {
        address_word(callee.address)
    } else {
        U256::ZERO
    };
    b.stack_push(s, result);
    Ok(())
}
