//! Error states: a step that halts its frame exceptionally.
//!
//! The step reads the stack items it would have consumed (for stack underflow, the items that
//! were there), which the circuit needs to prove the error condition (offsets and sizes for
//! memory out-of-gas, the destination for an invalid jump, ...). Everything else — the
//! reversion of the frame's journal and the return to the caller — is done by the frame end
//! that follows in the same step.

use super::{Builder, StepCtx};
use crate::error::WitnessError;

/// Reads the stack items the failing opcode would have read.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let available = usize::from(s.step.stack_len);
    let n = usize::from(s.info.stack_inputs).min(available);
    b.stack_pops(s, n);
    Ok(())
}
