//! RETURN and REVERT: pop offset and size. The frame end that follows in the same step
//! (`frame.rs`) deposits code for a creation (reading it from memory last), copies the bytes
//! to the caller's return area (a message call with a caller), restores the caller and
//! reverts the journal for REVERT.

use super::{Builder, StepCtx};
use crate::error::WitnessError;

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
    // memory (nothing for the root call); a creation's code is read by the frame end too,
    // after the hand-back (`frame::end_frame`).
    Ok(())
}
