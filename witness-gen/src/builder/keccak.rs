//! KECCAK256: pops offset and size, pushes the recorded hash, then reads the bytes from
//! memory (a copy into the keccak table) and records the input.

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
    // The hash is pushed before the bytes are read, so that the step's own accesses come
    // first and the copy's follow them.
    b.stack_pushes_recorded(s)?;
    let start = b.rw_counter();
    let bytes = b.memory_read(s.call_id, offset, size);
    let id = b.keccak_inputs.len() as u64;
    b.keccak_inputs.push(bytes.clone().into());
    if size > 0 {
        b.copy_events.push(CopyEvent {
            src_type: CopyDataType::Memory,
            src_id: s.call_id,
            src_addr: offset,
            src_addr_end: offset + size,
            dst_type: CopyDataType::Keccak,
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
