//! CALLDATALOAD and the copy opcodes CALLDATACOPY, CODECOPY, EXTCODECOPY, RETURNDATACOPY.
//!
//! Sources: the root call's calldata is the tx's (tx table, no rw); an inner call's calldata
//! lives in its caller's memory at `CallDataOffset` (memory reads with the caller's id, only
//! for bytes inside the calldata — bytes past its end are zero); code comes from the bytecode
//! table by the context's or the account's code hash; return data lives in the last callee's
//! memory at `LastCalleeReturnDataOffset`. Destinations are byte writes to this call's memory.
//!
//! Each copy's event starts at its first byte access (after the context reads): the source
//! reads, then the destination writes. Source addresses are absolute (a memory address for a
//! memory source) and clamped to the source's end, past which every byte is zero.

use super::account::{account_code, warm_account};
use super::{slice_padded, Builder, StepCtx};
use crate::error::WitnessError;
use crate::rw::{AccountField, CallContextField as F, Rw};
use crate::state::u256_to_address;
use crate::witness::{CopyDataType, CopyEvent};
use equivm_trace::revm::primitives::U256;

/// Where a copy's source bytes live: `len` bytes from memory address (or offset) `base` of
/// source `id`; bytes past `base + len` are zero.
struct Source {
    kind: CopyDataType,
    id: u64,
    base: u64,
    len: u64,
}

/// Reads the call context that locates the calldata: `CallerId`, `CallDataOffset` and
/// `CallDataLength`, in every call (the root call's are 0, 0 and the tx data's length).
fn calldata_source(b: &mut Builder, s: &StepCtx) -> Source {
    let caller = b.read(Rw::call_context(s.call_id, F::CallerId));
    let cd_off = b.read(Rw::call_context(s.call_id, F::CallDataOffset));
    let cd_len = b.read(Rw::call_context(s.call_id, F::CallDataLength));
    if s.frame.parent.is_none() {
        // A creation transaction's data is init code, not call data: CALLDATA* see nothing.
        let len = if s.frame.kind.is_create() {
            0
        } else {
            s.frame.input.len() as u64
        };
        return Source {
            kind: CopyDataType::TxCalldata,
            id: b.tx.id,
            base: 0,
            len,
        };
    }
    Source {
        kind: CopyDataType::Memory,
        id: u64::try_from(caller).unwrap_or_default(),
        base: u64::try_from(cd_off).unwrap_or_default(),
        len: u64::try_from(cd_len).unwrap_or_default(),
    }
}

/// Reads `len` calldata bytes from `offset` (zero past the end): memory reads of the caller's
/// bytes inside the calldata for an inner call, nothing for the root call. Returns the bytes
/// and the first source address, clamped to the end.
fn read_calldata(
    b: &mut Builder,
    s: &StepCtx,
    src: &Source,
    offset: U256,
    len: u64,
) -> (Vec<u8>, u64) {
    let start = u64::try_from(offset).unwrap_or(u64::MAX).min(src.len);
    if src.kind == CopyDataType::TxCalldata {
        let calldata: &[u8] = if s.frame.kind.is_create() {
            &[]
        } else {
            &s.frame.input
        };
        return (slice_padded(calldata, offset, len), start);
    }
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        match start.checked_add(i) {
            Some(p) if p < src.len => {
                out.push(b.read(Rw::memory(src.id, src.base + p)).byte(0));
            }
            _ => out.push(0),
        }
    }
    (out, src.base + start)
}

/// CALLDATALOAD: 32 calldata bytes from the popped offset; pushes revm's word, then (in a
/// callee) reads the bytes inside the call data from the caller's memory.
pub(crate) fn calldataload(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let v = b.stack_pops(s, 1);
    let src = calldata_source(b, s);
    b.stack_pushes_recorded(s)?;
    read_calldata(b, s, &src, v[0], 32);
    Ok(())
}

/// The four copy opcodes.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let n = usize::from(s.info.stack_inputs);
    let v = b.stack_pops(s, n);
    // EXTCODECOPY has the address first; the others start at the destination.
    let (dst, src, size) = (v[n - 3], v[n - 2], v[n - 1]);
    let size = b.as_u64(s, size, "size")?;
    let (bytes, src) = match s.step.opcode {
        0x37 => {
            let source = calldata_source(b, s);
            let start = b.rw_counter();
            let (bytes, addr) = read_calldata(b, s, &source, src, size);
            (
                bytes,
                (
                    source.kind,
                    source.id,
                    addr,
                    source.base + source.len,
                    start,
                ),
            )
        }
        0x39 | 0x3c => {
            let hash = if s.step.opcode == 0x39 {
                b.read(Rw::call_context(s.call_id, F::CodeHash))
            } else {
                let address = u256_to_address(v[0]);
                b.read(Rw::call_context(s.call_id, F::TxId));
                warm_account(b, s, address);
                b.read(Rw::account(address, AccountField::CodeHash))
            };
            let code = if s.step.opcode == 0x39 {
                b.tx.frames
                    .get(s.frame_id)
                    .map(|f| f.code.clone())
                    .unwrap_or_default()
            } else {
                account_code(b, s, hash)?
            };
            let hash = b.add_bytecode(code.clone());
            let id = b.bytecode_index.get(&hash).copied().unwrap_or_default() as u64;
            let len = code.len() as u64;
            let addr = u64::try_from(src).unwrap_or(u64::MAX).min(len);
            let start = b.rw_counter();
            (
                slice_padded(&code, src, size),
                (CopyDataType::Bytecode, id, addr, len, start),
            )
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
            let start = b.rw_counter();
            let addr = rd_off + src;
            (
                b.memory_read(callee, addr, size),
                (CopyDataType::Memory, callee, addr, addr + size, start),
            )
        }
        _ => return Err(b.inconsistent(s, "not a copy opcode")),
    };
    if size == 0 {
        return Ok(());
    }
    let (src_type, src_id, src_addr, src_addr_end, start) = src;
    let dst = b.as_u64(s, dst, "destination")?;
    b.memory_write(s.call_id, dst, &bytes);
    b.copy_events.push(CopyEvent {
        src_type,
        src_id,
        src_addr,
        src_addr_end,
        dst_type: CopyDataType::Memory,
        dst_id: s.call_id,
        dst_addr: dst,
        bytes,
        log_id: 0,
        rw_counter_start: start,
        rw_count: b.rw_counter() - start,
    });
    Ok(())
}
