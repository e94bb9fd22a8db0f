//! An in-memory pre-state database that remembers what execution read from it.
//!
//! The first read of an account or storage slot is the value it had before the block, so
//! the set of reads is exactly the pre-state of every touched account.

use crate::types::AccountState;
use revm::{
    primitives::{keccak256, Address, B256, KECCAK_EMPTY, U256},
    state::{AccountInfo, Bytecode},
    Database,
};
use std::{collections::BTreeMap, convert::Infallible};

/// Pre-state accounts, by address.
pub type PreState = BTreeMap<Address, AccountState>;

/// A [`Database`] over a [`PreState`] that records every account and slot read.
#[derive(Clone, Debug, Default)]
pub struct RecordingDb {
    accounts: PreState,
    codes: BTreeMap<B256, Bytecode>,
    /// Accounts read, with their pre-state (`None`: the account did not exist).
    pub touched: BTreeMap<Address, Option<AccountState>>,
    /// Storage slots read, with their pre-state value.
    pub touched_storage: BTreeMap<(Address, U256), U256>,
    /// Block hashes read, by number.
    pub block_hashes: BTreeMap<u64, B256>,
}

impl RecordingDb {
    /// A database holding `accounts` (their `code_hash` is recomputed from `code`).
    pub fn new(accounts: PreState) -> Self {
        let mut codes = BTreeMap::new();
        let accounts = accounts
            .into_iter()
            .map(|(address, mut acc)| {
                acc.code_hash = if acc.code.is_empty() {
                    KECCAK_EMPTY
                } else {
                    keccak256(&acc.code)
                };
                if !acc.code.is_empty() {
                    codes.insert(acc.code_hash, Bytecode::new_raw(acc.code.clone()));
                }
                (address, acc)
            })
            .collect();
        Self {
            accounts,
            codes,
            ..Self::default()
        }
    }

    /// Applies a transaction's output state (see [`crate::apply_state`]); code deployed by
    /// it becomes available to later transactions.
    pub fn commit(
        &mut self,
        state: &revm::state::EvmState,
        spec: revm::primitives::hardfork::SpecId,
    ) {
        crate::execute::apply_state(&mut self.accounts, state, spec);
        for acc in self.accounts.values() {
            if !acc.code.is_empty() && !self.codes.contains_key(&acc.code_hash) {
                self.codes
                    .insert(acc.code_hash, Bytecode::new_raw(acc.code.clone()));
            }
        }
    }

    /// The accounts as they are now (the pre-state, plus committed transactions).
    pub fn accounts(&self) -> &PreState {
        &self.accounts
    }

    /// The recorded pre-state of every touched account, with the storage slots read.
    /// Accounts that did not exist appear as empty accounts.
    pub fn touched_pre_state(&self) -> PreState {
        let mut out: PreState = self
            .touched
            .iter()
            .map(|(address, acc)| {
                let mut acc = acc.clone().unwrap_or_else(|| AccountState {
                    code_hash: KECCAK_EMPTY,
                    ..AccountState::default()
                });
                acc.storage.clear();
                (*address, acc)
            })
            .collect();
        for ((address, key), value) in &self.touched_storage {
            out.entry(*address)
                .or_insert_with(|| AccountState {
                    code_hash: KECCAK_EMPTY,
                    ..AccountState::default()
                })
                .storage
                .insert(*key, *value);
        }
        out
    }
}

impl Database for RecordingDb {
    type Error = Infallible;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, Self::Error> {
        let acc = self.accounts.get(&address).cloned();
        let info = acc.as_ref().map(|a| AccountInfo {
            balance: a.balance,
            nonce: a.nonce,
            code_hash: a.code_hash,
            code: self.codes.get(&a.code_hash).cloned(),
            ..AccountInfo::default()
        });
        self.touched.entry(address).or_insert(acc);
        Ok(info)
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, Self::Error> {
        Ok(self.codes.get(&code_hash).cloned().unwrap_or_default())
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, Self::Error> {
        let value = self
            .accounts
            .get(&address)
            .and_then(|a| a.storage.get(&index))
            .copied()
            .unwrap_or_default();
        self.touched_storage
            .entry((address, index))
            .or_insert(value);
        Ok(value)
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, Self::Error> {
        // The convention of the Ethereum state tests (and revm's in-memory databases).
        let hash = keccak256(number.to_string().as_bytes());
        self.block_hashes.insert(number, hash);
        Ok(hash)
    }
}
