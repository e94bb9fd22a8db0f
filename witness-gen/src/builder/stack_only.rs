//! Families whose only rw entries are stack reads and writes: arithmetic, comparison,
//! bitwise, block context, PUSH, POP, JUMP/JUMPI/JUMPDEST, PC, MSIZE, GAS, and DUP/SWAP.
//!
//! The inputs are read from the top of the stack (`stack_in`, top first, at `sp + i`); the
//! outputs recorded by revm (`stack_out`) are written at the post-step pointer. DUPn reads
//! item `n` and writes its copy at `sp - 1`; SWAPn reads items 0 and `n` and writes them
//! exchanged.

use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::rw::Rw;

/// Pops the inputs, pushes the recorded outputs.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    b.stack_pops(s, usize::from(s.info.stack_inputs));
    b.stack_pushes_recorded(s)
}

/// DUPn: read item `n - 1`, write it at `sp - 1`.
pub(crate) fn dup(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let n = u64::from(s.info.stack_inputs);
    let sp = s.sp();
    let v = b.read(Rw::stack(s.call_id, sp + n - 1));
    if sp == 0 {
        return Err(b.inconsistent(s, "DUP on a full stack without a halt"));
    }
    b.write(Rw::stack(s.call_id, sp - 1), v, None);
    Ok(())
}

/// SWAPn: read items 0 and `n`, write them exchanged.
pub(crate) fn swap(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let n = u64::from(s.info.stack_inputs) - 1;
    let sp = s.sp();
    let top = b.read(Rw::stack(s.call_id, sp));
    let deep = b.read(Rw::stack(s.call_id, sp + n));
    b.write(Rw::stack(s.call_id, sp), deep, None);
    b.write(Rw::stack(s.call_id, sp + n), top, None);
    Ok(())
}
