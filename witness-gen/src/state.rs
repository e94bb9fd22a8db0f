//! The value of every state cell as the rw log replays: initial values plus the latest write.
//!
//! Shared by the builder (which needs current values to fill `value_prev` and reads) and by
//! [`crate::replay_check`]. Initial values: storage and account fields from the trace's
//! pre-state (an account missing from it has nonce 0, balance 0 and the empty-code hash),
//! everything else 0 — the same initial values the state circuit constrains.

use crate::rw::{AccountField, RwField, RwTag, StateKey};
use equivm_trace::revm::primitives::{Address, B256, KECCAK_EMPTY, U256};
use equivm_trace::{AccountState, BlockTrace};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// Current values of state cells.
#[derive(Clone, Debug, Default)]
pub struct StateValues {
    pre: BTreeMap<Address, AccountState>,
    values: HashMap<StateKey, U256>,
    /// Memory bytes by call id: the bulk of all cells, kept compactly. A memory cell
    /// holding a value wider than a byte (only a malformed log has one) lives in `values`.
    memory: HashMap<u64, Vec<u8>>,
    /// Whether any memory cell lives in `values`.
    wide_memory: bool,
}

/// Memory addresses below this are kept in the compact per-call byte vectors.
const COMPACT_MEMORY_LIMIT: u64 = 1 << 32;

/// `(call id, byte address)` of a memory cell that the compact store can hold.
fn compact_memory(key: &StateKey) -> Option<(u64, usize)> {
    if key.tag != RwTag::Memory || key.index != 0 || key.field != RwField::None {
        return None;
    }
    let addr = u64::try_from(key.key)
        .ok()
        .filter(|a| *a < COMPACT_MEMORY_LIMIT)?;
    Some((key.id, addr as usize))
}

/// Converts a hash to a word.
pub fn b256_to_u256(h: B256) -> U256 {
    U256::from_be_bytes(h.0)
}

/// Converts the low 20 bytes of a word to an address.
pub fn u256_to_address(v: U256) -> Address {
    let bytes = v.to_be_bytes::<32>();
    Address::from_slice(&bytes[12..])
}

/// The code hash of an account state, normalising empty code to the empty-code hash.
pub fn code_hash_of(acc: &AccountState) -> B256 {
    if acc.code.is_empty() {
        KECCAK_EMPTY
    } else {
        acc.code_hash
    }
}

impl StateValues {
    /// Fresh values starting from `trace.pre_state`.
    pub fn new(trace: &BlockTrace) -> Self {
        StateValues {
            pre: trace.pre_state.clone(),
            values: HashMap::default(),
            memory: HashMap::default(),
            wide_memory: false,
        }
    }

    /// Initial value of a cell.
    pub fn initial(&self, key: &StateKey) -> U256 {
        match (key.tag, key.field) {
            (RwTag::Storage, _) => self
                .pre
                .get(&key.address)
                .and_then(|a| a.storage.get(&key.key).copied())
                .unwrap_or_default(),
            (RwTag::Account, RwField::Account(f)) => match (self.pre.get(&key.address), f) {
                (Some(a), AccountField::Nonce) => U256::from(a.nonce),
                (Some(a), AccountField::Balance) => a.balance,
                (Some(a), AccountField::CodeHash) => b256_to_u256(code_hash_of(a)),
                (None, AccountField::CodeHash) => b256_to_u256(KECCAK_EMPTY),
                (None, _) => U256::ZERO,
            },
            _ => U256::ZERO,
        }
    }

    /// Current value of a cell.
    pub fn get(&self, key: &StateKey) -> U256 {
        if let Some((id, addr)) = compact_memory(key) {
            if self.wide_memory {
                if let Some(v) = self.values.get(key) {
                    return *v;
                }
            }
            let byte = self
                .memory
                .get(&id)
                .and_then(|m| m.get(addr))
                .copied()
                .unwrap_or_default();
            return U256::from(byte);
        }
        match self.values.get(key) {
            Some(v) => *v,
            None => self.initial(key),
        }
    }

    /// Sets a cell, returning the value it replaces.
    pub fn set(&mut self, key: StateKey, value: U256) -> U256 {
        let prev = self.get(&key);
        if let Some((id, addr)) = compact_memory(&key) {
            let mem = self.memory.entry(id).or_default();
            if mem.len() <= addr {
                mem.resize(addr + 1, 0);
            }
            match u8::try_from(value) {
                Ok(byte) => {
                    mem[addr] = byte;
                    if self.wide_memory {
                        self.values.remove(&key);
                    }
                }
                Err(_) => {
                    mem[addr] = 0;
                    self.wide_memory = true;
                    self.values.insert(key, value);
                }
            }
            return prev;
        }
        self.values.insert(key, value);
        prev
    }

    /// Storage slots of `address` that were ever written or are in the pre-state.
    pub fn storage_slots(&self, address: Address) -> Vec<U256> {
        let mut slots: Vec<U256> = self
            .pre
            .get(&address)
            .map(|a| a.storage.keys().copied().collect())
            .unwrap_or_default();
        for k in self.values.keys() {
            if k.tag == RwTag::Storage && k.address == address && !slots.contains(&k.key) {
                slots.push(k.key);
            }
        }
        slots.sort();
        slots
    }

    /// Current value of an account field.
    pub fn account(&self, address: Address, field: AccountField) -> U256 {
        self.get(&crate::rw::Rw::account(address, field).state_key())
    }

    /// Current value of a storage slot.
    pub fn storage(&self, address: Address, key: U256) -> U256 {
        self.get(&crate::rw::Rw::storage(0, address, key).state_key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rw::Rw;

    #[test]
    fn memory_cells_start_at_zero_and_keep_the_latest_write() {
        let mut state = StateValues::new(&BlockTrace::default());
        let key = Rw::memory(3, 40).state_key();
        assert_eq!(state.get(&key), U256::ZERO);
        assert_eq!(state.set(key, U256::from(7)), U256::ZERO);
        assert_eq!(state.set(key, U256::from(9)), U256::from(7));
        assert_eq!(state.get(&key), U256::from(9));
        assert_eq!(state.get(&Rw::memory(4, 40).state_key()), U256::ZERO);
        assert_eq!(state.get(&Rw::memory(3, 39).state_key()), U256::ZERO);
    }

    #[test]
    fn a_memory_value_wider_than_a_byte_is_not_truncated() {
        let mut state = StateValues::new(&BlockTrace::default());
        let key = Rw::memory(1, 5).state_key();
        state.set(key, U256::from(0x1ff));
        assert_eq!(state.get(&key), U256::from(0x1ff));
        assert_eq!(state.set(key, U256::from(2)), U256::from(0x1ff));
        assert_eq!(state.get(&key), U256::from(2));
        let far = Rw::memory(1, 1 << 40).state_key();
        state.set(far, U256::from(3));
        assert_eq!(state.get(&far), U256::from(3));
    }
}
