//! RETURN and REVERT: pop offset and size; a creation also reads the returned bytes from
//! memory (its code). The frame end that follows in the same step (`frame.rs`) deposits
//! code for a creation, copies the bytes to the caller's return area (a message call with a
//! caller), restores the caller and reverts the journal for REVERT.

use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::witness::{CopyDataType, CopyEvent};

/// Builds the step.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let v = b.stack_pops(s, 2);
    let size = b.as_u64(s, v[1], "size")?;
    let offset = if size == 0 {
        0
    } else {
        b.as_u64(s, v[0], "offset")?
    };
    if size != s.frame.return_data.len() as u64 {
        return Err(b.inconsistent(
            s,
            format!(
                "returns {size} bytes but the frame recorded {}",
                s.frame.return_data.len()
            ),
        ));
    }
    if let Some(fi) = b.tx.frames.get_mut(s.frame_id) {
        fi.ret_offset = offset;
    }
    // The bytes a message call returns are read by the frame end's copy to the caller's
    // memory (nothing for the root call); only a creation reads them here, for its code.
    if !s.frame.kind.is_create() {
        return Ok(());
    }
    let start = b.rw_counter();
    let bytes = b.memory_read(s.call_id, offset, size);
    if s.step.opcode == 0xf3 && s.frame.kind.is_create() && size > 0 {
        let hash = equivm_trace::revm::primitives::keccak256(&bytes);
        let id = b
            .bytecode_index
            .get(&hash)
            .copied()
            .unwrap_or(b.bytecodes.len()) as u64;
        b.copy_events.push(CopyEvent {
            src_type: CopyDataType::Memory,
            src_id: s.call_id,
            src_addr: offset,
            src_addr_end: offset + size,
            dst_type: CopyDataType::Deployment,
            dst_id: id,
            dst_addr: 0,
            bytes,
            log_id: 0,
            rw_counter_start: start,
            rw_count: size,
        });
    }
    Ok(())
}
