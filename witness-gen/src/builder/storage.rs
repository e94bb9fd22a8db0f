//! SLOAD, SSTORE (with EIP-2929 warm marks and EIP-2200/3529 refunds), TLOAD, TSTORE.
//!
//! Storage and transient-storage writes, warm marks, refund changes and the slot counts of
//! created accounts are reversible and join the current frame's journal. The refund change of an SSTORE is computed here from
//! the slot's committed (tx-start), current and new values:
//!
//! - current == new: none;
//! - original == current (clean): +4800 if original != 0 and new == 0;
//! - dirty: -4800 if original != 0 and current == 0, +4800 if original != 0 and new == 0;
//!   and if new == original: +19900 (original == 0) or +2800 (original != 0).

use super::{Builder, StepCtx};
use crate::error::WitnessError;
use crate::rw::{CallContextField as F, Rw};
use equivm_trace::revm::primitives::U256;

const SSTORE_CLEARS_SCHEDULE: i64 = 4800;
const RESET_TO_ZERO_REFUND: i64 = 20000 - 100;
const RESET_TO_NONZERO_REFUND: i64 = 5000 - 2100 - 100;

/// Refund change of an SSTORE (EIP-2200 with EIP-3529 constants).
pub(crate) fn sstore_refund_delta(original: U256, current: U256, new: U256) -> i64 {
    if current == new {
        return 0;
    }
    let mut delta = 0;
    if original == current {
        if !original.is_zero() && new.is_zero() {
            delta += SSTORE_CLEARS_SCHEDULE;
        }
        return delta;
    }
    if !original.is_zero() {
        if current.is_zero() {
            delta -= SSTORE_CLEARS_SCHEDULE;
        } else if new.is_zero() {
            delta += SSTORE_CLEARS_SCHEDULE;
        }
    }
    if original == new {
        delta += if original.is_zero() {
            RESET_TO_ZERO_REFUND
        } else {
            RESET_TO_NONZERO_REFUND
        };
    }
    delta
}

/// Builds the step.
pub(crate) fn build(b: &mut Builder, s: &StepCtx) -> Result<(), WitnessError> {
    let tx_id = b.tx.id;
    let address = s.frame.address;
    let is_store = matches!(s.step.opcode, 0x55 | 0x5d);
    let v = b.stack_pops(s, if is_store { 2 } else { 1 });
    let key = v[0];
    b.read(Rw::call_context(s.call_id, F::TxId));
    if is_store {
        b.read(Rw::call_context(s.call_id, F::IsStatic));
    }
    b.read(Rw::call_context(s.call_id, F::CalleeAddress));
    match s.step.opcode {
        0x54 => {
            b.read(Rw::storage(tx_id, address, key));
            b.write(
                Rw::access_storage(tx_id, address, key),
                U256::from(1),
                Some(s.frame_id),
            );
            b.stack_pushes_recorded(s)
        }
        0x55 => {
            let new = v[1];
            let current = b.state.storage(address, key);
            let original = *b.tx.committed.get(&(address, key)).unwrap_or(&current);
            b.write(Rw::storage(tx_id, address, key), new, Some(s.frame_id));
            b.write(
                Rw::access_storage(tx_id, address, key),
                U256::from(1),
                Some(s.frame_id),
            );
            let delta = sstore_refund_delta(original, current, new);
            let refund = i64::try_from(b.tx_refund()).unwrap_or(i64::MAX) + delta;
            let refund = u64::try_from(refund)
                .map_err(|_| b.inconsistent(s, "refund counter would go negative"))?;
            b.write(Rw::refund(tx_id), U256::from(refund), Some(s.frame_id));
            // The slot count of an account created in this tx (EIP-6780): what its deletion
            // must clear, if it self-destructs.
            let flag = b.read(Rw::created_flag(tx_id, address));
            let count = b.state.get(&Rw::slot_count(tx_id, address).state_key());
            let count = if flag.is_zero() || current.is_zero() == new.is_zero() {
                Some(count)
            } else if current.is_zero() {
                count.checked_add(U256::from(1))
            } else {
                count.checked_sub(U256::from(1))
            }
            .ok_or_else(|| {
                b.inconsistent(
                    s,
                    "a created account clears a slot it did not set (EIP-7610)",
                )
            })?;
            b.write(Rw::slot_count(tx_id, address), count, Some(s.frame_id));
            Ok(())
        }
        0x5c => {
            b.read(Rw::transient(tx_id, address, key));
            b.stack_pushes_recorded(s)
        }
        0x5d => {
            b.write(Rw::transient(tx_id, address, key), v[1], Some(s.frame_id));
            Ok(())
        }
        _ => Err(b.inconsistent(s, "not a storage opcode")),
    }
}

#[cfg(test)]
mod tests {
    use super::sstore_refund_delta as d;
    use equivm_trace::revm::primitives::U256;

    #[test]
    fn refund_cases() {
        let (z, one, two) = (U256::ZERO, U256::from(1), U256::from(2));
        assert_eq!(d(one, one, z), 4800); // clear a clean slot
        assert_eq!(d(z, z, one), 0); // set a fresh slot
        assert_eq!(d(z, one, z), 19900); // set then reset to zero
        assert_eq!(d(one, z, one), -4800 + 2800); // cleared then restored
        assert_eq!(d(one, two, z), 4800); // dirty, cleared
        assert_eq!(d(one, one, one), 0);
    }
}
