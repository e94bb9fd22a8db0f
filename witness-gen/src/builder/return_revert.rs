//! RETURN and REVERT: pop offset and size and read the returned bytes from memory. The frame
//! end that follows in the same step (`frame.rs`) deposits code for a creation, reverts the
//! journal for REVERT, copies the bytes to the caller's return area and restores the caller.
//!
//! The root call of a message-call transaction returns its bytes to no one: its RETURN or
//! REVERT pops offset and size and reads nothing from memory (creations and calls with a
//! caller read the bytes for the copy circuit).

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
    // The bytes a root message call returns go nowhere: they are not read.
    if s.frame.parent.is_none() && !s.frame.kind.is_create() {
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
