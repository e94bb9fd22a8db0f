//! MLOAD, MSTORE, MSTORE8, MCOPY: byte-granular memory reads and writes.
//!
//! MLOAD reads 32 bytes and pushes revm's word; MSTORE writes the 32 big-endian bytes of the
//! value it pops; MSTORE8 its low byte; MCOPY reads the whole source range first, then writes
//! the destination (so overlapping ranges copy like `memmove`).

use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::witness::{CopyDataType, CopyEvent};

/// Builds the step.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    match s.step.opcode {
        0x51 => {
            let v = b.stack_pops(s, 1);
            let offset = b.as_u64(s, v[0], "offset")?;
            b.memory_read(s.call_id, offset, 32);
            b.stack_pushes_recorded(s)
        }
        0x52 | 0x53 => {
            let v = b.stack_pops(s, 2);
            let offset = b.as_u64(s, v[0], "offset")?;
            let word = v[1].to_be_bytes::<32>();
            let bytes: &[u8] = if s.step.opcode == 0x52 {
                &word
            } else {
                &word[31..]
            };
            b.memory_write(s.call_id, offset, bytes);
            Ok(())
        }
        0x5e => {
            let v = b.stack_pops(s, 3);
            let size = b.as_u64(s, v[2], "size")?;
            if size == 0 {
                return Ok(());
            }
            let dst = b.as_u64(s, v[0], "destination")?;
            let src = b.as_u64(s, v[1], "source")?;
            let start = b.rw_counter();
            let bytes = b.memory_read(s.call_id, src, size);
            b.memory_write(s.call_id, dst, &bytes);
            b.copy_events.push(CopyEvent {
                src_type: CopyDataType::Memory,
                src_id: s.call_id,
                src_addr: src,
                src_addr_end: src + size,
                dst_type: CopyDataType::Memory,
                dst_id: s.call_id,
                dst_addr: dst,
                bytes,
                log_id: 0,
                rw_counter_start: start,
                rw_count: 2 * size,
            });
            Ok(())
        }
        _ => Err(b.inconsistent(s, "not a memory opcode")),
    }
}
