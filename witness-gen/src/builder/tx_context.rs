//! One call-context or tx-context read, then the recorded result is pushed:
//! ADDRESS, CALLER, CALLVALUE, CALLDATASIZE, RETURNDATASIZE (call context), ORIGIN and
//! GASPRICE (the tx id, for a tx-table lookup), CODESIZE (the code hash, for a bytecode
//! lookup).

use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::rw::{CallContextField as F, Rw};

/// Builds the step.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let field = match s.step.opcode {
        0x30 => F::CalleeAddress,
        0x33 => F::CallerAddress,
        0x34 => F::Value,
        0x36 => F::CallDataLength,
        0x3d => F::LastCalleeReturnDataLength,
        0x32 | 0x3a => F::TxId,
        0x38 => F::CodeHash,
        _ => return Err(b.inconsistent(s, "not a context opcode")),
    };
    b.read(Rw::call_context(s.call_id, field));
    b.stack_pushes_recorded(s)
}
