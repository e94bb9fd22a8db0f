//! LOG0..LOG4: pops offset, size and the topics, reads the call context and — only when the
//! call is persistent (it and all its callers succeed) — writes the log: its address and
//! topics, then the data (a copy event: the memory reads, then the data-byte writes), under
//! the next log id of the tx. A log of a reverted call reads no memory and leaves no `TxLog`
//! entry (it still pays for the memory and the bytes).

use super::frame::address_word;
use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::rw::{CallContextField as F, Rw, TxLogField};
use crate::witness::{CopyDataType, CopyEvent};
use equivm_trace::revm::primitives::U256;

/// Builds the step.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let n = usize::from(s.info.stack_inputs);
    let v = b.stack_pops(s, n);
    let size = b.as_u64(s, v[1], "size")?;
    let offset = if size == 0 {
        0
    } else {
        b.as_u64(s, v[0], "offset")?
    };
    b.read(Rw::call_context(s.call_id, F::TxId));
    b.read(Rw::call_context(s.call_id, F::CalleeAddress));
    b.read(Rw::call_context(s.call_id, F::IsStatic));
    let persistent = b.read(Rw::call_context(s.call_id, F::IsPersistent));
    if persistent.is_zero() {
        return Ok(());
    }
    b.tx.log_id += 1;
    let (tx_id, log_id) = (b.tx.id, b.tx.log_id);
    b.write(
        Rw::log(tx_id, log_id, TxLogField::Address, 0),
        address_word(s.frame.address),
        None,
    );
    for (i, topic) in v[2..].iter().enumerate() {
        b.write(
            Rw::log(tx_id, log_id, TxLogField::Topic, i as u64),
            *topic,
            None,
        );
    }
    // The data is a copy event: its memory reads, then its log writes.
    let start = b.rw_counter();
    let data = b.memory_read(s.call_id, offset, size);
    for (i, byte) in data.iter().enumerate() {
        b.write(
            Rw::log(tx_id, log_id, TxLogField::Data, i as u64),
            U256::from(*byte),
            None,
        );
    }
    if size > 0 {
        b.copy_events.push(CopyEvent {
            src_type: CopyDataType::Memory,
            src_id: s.call_id,
            src_addr: offset,
            src_addr_end: offset + size,
            dst_type: CopyDataType::TxLog,
            dst_id: tx_id,
            dst_addr: 0,
            bytes: data,
            log_id,
            rw_counter_start: start,
            rw_count: b.rw_counter() - start,
        });
    }
    Ok(())
}
