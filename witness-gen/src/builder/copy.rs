//! CALLDATALOAD and the copy opcodes CALLDATACOPY, CODECOPY, EXTCODECOPY, RETURNDATACOPY.
//!
//! Sources: the root call's calldata is the tx's (tx table, no rw); an inner call's calldata
//! lives in its caller's memory at `CallDataOffset` (memory reads with the caller's id, only
//! for bytes inside the calldata — bytes past its end are zero); code comes from the bytecode
//! table by the context's or the account's code hash; return data lives in the last callee's
//! memory at `LastCalleeReturnDataOffset`. Destinations are byte writes to this call's memory.

use super::account::warm_account;
use super::{slice_padded, Builder, StepCtx};
use crate::error::WitnessError;
use crate::rw::{AccountField, CallContextField as F, Rw};
use crate::state::u256_to_address;
use crate::witness::{CopyDataType, CopyEvent};
use equivm_trace::revm::primitives::U256;

/// Reads `len` calldata bytes from `offset` (zero past the end).
fn calldata(b: &mut Builder, s: &StepCtx, offset: U256, len: u64) -> (Vec<u8>, CopyDataType, u64) {
    if s.frame.parent.is_none() {
        b.read(Rw::call_context(s.call_id, F::TxId));
        b.read(Rw::call_context(s.call_id, F::CallDataLength));
        // A creation transaction's data is init code, not call data: CALLDATA* see nothing.
        let calldata: &[u8] = if s.frame.kind.is_create() {
            &[]
        } else {
            &s.frame.input
        };
        return (
            slice_padded(calldata, offset, len),
            CopyDataType::TxCalldata,
            b.tx.id,
        );
    }
    let caller = b.read(Rw::call_context(s.call_id, F::CallerId));
    let cd_off = b.read(Rw::call_context(s.call_id, F::CallDataOffset));
    let cd_len = b.read(Rw::call_context(s.call_id, F::CallDataLength));
    let caller = u64::try_from(caller).unwrap_or_default();
    let cd_off = u64::try_from(cd_off).unwrap_or_default();
    let cd_len = u64::try_from(cd_len).unwrap_or_default();
    let start = u64::try_from(offset).unwrap_or(u64::MAX);
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        match start.checked_add(i) {
            Some(p) if p < cd_len => {
                out.push(b.read(Rw::memory(caller, cd_off + p)).byte(0));
            }
            _ => out.push(0),
        }
    }
    (out, CopyDataType::Memory, caller)
}

/// CALLDATALOAD: 32 calldata bytes from the popped offset; pushes revm's word.
pub(crate) fn calldataload(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let v = b.stack_pops(s, 1);
    calldata(b, s, v[0], 32);
    b.stack_pushes_recorded(s)
}

/// The four copy opcodes.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let n = usize::from(s.info.stack_inputs);
    let v = b.stack_pops(s, n);
    // EXTCODECOPY has the address first; the others start at the destination.
    let (dst, src, size) = (v[n - 3], v[n - 2], v[n - 1]);
    let size = b.as_u64(s, size, "size")?;
    let start = b.rw_counter();
    let (bytes, src_type, src_id) = match s.step.opcode {
        0x37 => calldata(b, s, src, size),
        0x39 => {
            b.read(Rw::call_context(s.call_id, F::CodeHash));
            let code =
                b.tx.frames
                    .get(s.frame_id)
                    .map(|f| f.code.clone())
                    .unwrap_or_default();
            (slice_padded(&code, src, size), CopyDataType::Bytecode, 0)
        }
        0x3c => {
            let address = u256_to_address(v[0]);
            b.read(Rw::call_context(s.call_id, F::TxId));
            warm_account(b, s, address);
            let hash = b.read(Rw::account(address, AccountField::CodeHash));
            let code = b.code_by_hash(hash);
            (slice_padded(&code, src, size), CopyDataType::Bytecode, 0)
        }
        0x3e => {
            let callee = b.read(Rw::call_context(s.call_id, F::LastCalleeId));
            let rd_off = b.read(Rw::call_context(s.call_id, F::LastCalleeReturnDataOffset));
            let rd_len = b.read(Rw::call_context(s.call_id, F::LastCalleeReturnDataLength));
            let src = b.as_u64(s, src, "return data offset")?;
            if src
                .checked_add(size)
                .is_none_or(|end| U256::from(end) > rd_len)
            {
                return Err(b.inconsistent(s, "RETURNDATACOPY out of bounds without a halt"));
            }
            let callee = u64::try_from(callee).unwrap_or_default();
            let rd_off = u64::try_from(rd_off).unwrap_or_default();
            (
                b.memory_read(callee, rd_off + src, size),
                CopyDataType::Memory,
                callee,
            )
        }
        _ => return Err(b.inconsistent(s, "not a copy opcode")),
    };
    if size == 0 {
        return Ok(());
    }
    let dst = b.as_u64(s, dst, "destination")?;
    b.memory_write(s.call_id, dst, &bytes);
    let src_addr = u64::try_from(src).unwrap_or(u64::MAX);
    b.copy_events.push(CopyEvent {
        src_type,
        src_id,
        src_addr,
        dst_type: CopyDataType::Memory,
        dst_id: s.call_id,
        dst_addr: dst,
        bytes,
        rw_counter_start: start,
        rw_count: b.rw_counter() - start,
    });
    Ok(())
}
