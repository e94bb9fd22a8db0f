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
        match self.values.get(key) {
            Some(v) => *v,
            None => self.initial(key),
        }
    }

    /// Sets a cell, returning the value it replaces.
    pub fn set(&mut self, key: StateKey, value: U256) -> U256 {
        let prev = self.get(&key);
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
