//! State root and logs hash, computed the way the Ethereum state tests define them.

use crate::{db::PreState, types::LogEntry};
use alloy_trie::{root::storage_root_unhashed, HashBuilder, Nibbles, TrieAccount};
use revm::primitives::{keccak256, Log, B256};

/// Root of the secure Merkle-Patricia trie of `accounts` (zero storage values omitted).
pub fn state_root(accounts: &PreState) -> B256 {
    let mut leaves: Vec<(B256, TrieAccount)> = accounts
        .iter()
        .map(|(address, acc)| {
            let storage_root = storage_root_unhashed(
                acc.storage
                    .iter()
                    .filter(|(_, v)| !v.is_zero())
                    .map(|(k, v)| (B256::from(*k), *v)),
            );
            let account = TrieAccount {
                nonce: acc.nonce,
                balance: acc.balance,
                storage_root,
                code_hash: acc.code_hash,
            };
            (keccak256(address), account)
        })
        .collect();
    leaves.sort_unstable_by_key(|(key, _)| *key);
    let mut builder = HashBuilder::default();
    let mut buf = Vec::new();
    for (key, account) in leaves {
        buf.clear();
        alloy_rlp::Encodable::encode(&account, &mut buf);
        builder.add_leaf(Nibbles::unpack(key), &buf);
    }
    builder.root()
}

/// keccak256 of the RLP list of logs `[address, [topics], data]`.
pub fn logs_hash(logs: &[LogEntry]) -> B256 {
    let logs: Vec<Log> = logs
        .iter()
        .map(|l| Log::new_unchecked(l.address, l.topics.clone(), l.data.clone()))
        .collect();
    let mut out = Vec::with_capacity(alloy_rlp::list_length(&logs));
    alloy_rlp::encode_list(&logs, &mut out);
    keccak256(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_logs_hash_is_keccak_of_empty_list() {
        assert_eq!(logs_hash(&[]), keccak256([0xc0u8]));
    }

    #[test]
    fn empty_state_root_is_empty_trie_root() {
        assert_eq!(state_root(&PreState::new()), alloy_trie::EMPTY_ROOT_HASH);
    }
}
