//! Runs one transaction in revm with the [`TraceInspector`] and assembles its trace.

use crate::{
    db::{PreState, RecordingDb},
    inspector::TraceInspector,
    types::{
        AccessListEntry, AccountState, BlockInfo, BlockTrace, LogEntry, TxInfo, TxResult, TxStatus,
        TxTrace, TxType,
    },
};
use revm::{
    context::{result::ExecutionResult, BlockEnv, CfgEnv, TxEnv},
    context_interface::{block::Block, result::Output, Transaction},
    primitives::{hardfork::SpecId, KECCAK_EMPTY},
    state::EvmState,
    Context, InspectEvm, MainBuilder, MainContext,
};
use std::collections::BTreeMap;

/// A traced transaction: the trace, and the whole post-state (all accounts, not only the
/// touched ones) for computing the state root.
#[derive(Clone, Debug)]
pub struct TracedTx {
    /// The block trace of the single transaction.
    pub trace: BlockTrace,
    /// Every account after the transaction (untouched ones included).
    pub post_accounts: PreState,
}

/// Runs `tx` on top of `pre` and records its trace. Invalid transactions are not an error:
/// they yield a trace with [`TxStatus::Invalid`], no steps, and the pre-state unchanged.
pub fn trace_transaction(pre: PreState, block: &BlockEnv, cfg: &CfgEnv, tx: &TxEnv) -> TracedTx {
    trace_block(pre, block, cfg, std::slice::from_ref(tx))
}

/// Runs `txs` in order in one block on top of `pre`, each seeing the state the previous one
/// left, and records one trace for the block. An invalid transaction is recorded with
/// [`TxStatus::Invalid`] and changes nothing.
pub fn trace_block(pre: PreState, block: &BlockEnv, cfg: &CfgEnv, txs: &[TxEnv]) -> TracedTx {
    let mut db = RecordingDb::new(pre);
    let mut traces = Vec::with_capacity(txs.len());
    for tx in txs {
        let mut evm = Context::mainnet()
            .with_block(block.clone())
            .with_tx(tx.clone())
            .with_cfg(cfg.clone())
            .with_db(&mut db)
            .build_mainnet_with_inspector(TraceInspector::new());
        let outcome = evm.inspect_tx(tx.clone());
        let inspector = std::mem::take(&mut evm.inspector);
        drop(evm);
        let (result, calls, steps) = match outcome {
            Ok(out) => {
                db.commit(&out.state, cfg.spec);
                (tx_result(&out.result), inspector.calls, inspector.steps)
            }
            Err(err) => (
                TxResult {
                    status: TxStatus::Invalid(err.to_string()),
                    gas_used: 0,
                    gas_refunded: 0,
                    output: Default::default(),
                    logs: Vec::new(),
                    created_address: None,
                },
                Vec::new(),
                Vec::new(),
            ),
        };
        traces.push(TxTrace {
            tx: tx_info(tx, block),
            result,
            calls,
            steps,
        });
    }

    let post_accounts = db.accounts().clone();
    let pre_state = db.touched_pre_state();
    let post_state = pre_state
        .keys()
        .map(|address| (*address, post_accounts.get(address).cloned()))
        .map(|(address, acc)| {
            let acc = acc.map(|mut acc| {
                // Keep only the slots the trace covers.
                let keys = &pre_state[&address].storage;
                acc.storage.retain(|k, _| keys.contains_key(k));
                for k in keys.keys() {
                    acc.storage.entry(*k).or_default();
                }
                acc
            });
            (address, acc)
        })
        .collect();

    let trace = BlockTrace {
        block: block_info(block, cfg, &db.block_hashes),
        pre_state,
        post_state,
        txs: traces,
    };
    TracedTx {
        trace,
        post_accounts,
    }
}

/// Applies revm's output state to `accounts` the way a database commit does (EIP-161
/// removal of touched empty accounts, self-destructs, created accounts' storage reset).
pub fn apply_state(accounts: &mut PreState, state: &EvmState, spec: SpecId) {
    for (address, account) in state {
        if !account.is_touched() {
            continue;
        }
        if account.is_selfdestructed() || account.state_clear_aware_is_empty(spec) {
            accounts.remove(address);
            continue;
        }
        let code = match &account.info.code {
            Some(code) => code.original_bytes(),
            None if account.info.code_hash == KECCAK_EMPTY => Default::default(),
            None => accounts
                .get(address)
                .map(|a| a.code.clone())
                .unwrap_or_default(),
        };
        let entry = accounts.entry(*address).or_default();
        if account.is_created() {
            entry.storage.clear();
        }
        entry.nonce = account.info.nonce;
        entry.balance = account.info.balance;
        entry.code_hash = account.info.code_hash;
        entry.code = code;
        for (key, slot) in &account.storage {
            entry.storage.insert(*key, slot.present_value);
        }
        entry.storage.retain(|_, v| !v.is_zero());
    }
}

fn tx_result(result: &ExecutionResult) -> TxResult {
    let logs = result
        .logs()
        .iter()
        .map(|l| LogEntry {
            address: l.address,
            topics: l.topics().to_vec(),
            data: l.data.data.clone(),
        })
        .collect();
    let (status, output, created_address) = match result {
        ExecutionResult::Success { output, .. } => match output {
            Output::Call(b) => (TxStatus::Success, b.clone(), None),
            Output::Create(b, addr) => (TxStatus::Success, b.clone(), *addr),
        },
        ExecutionResult::Revert { output, .. } => (TxStatus::Revert, output.clone(), None),
        ExecutionResult::Halt { reason, .. } => (
            TxStatus::Halt(format!("{reason:?}")),
            Default::default(),
            None,
        ),
    };
    TxResult {
        status,
        gas_used: result.tx_gas_used(),
        gas_refunded: result.gas().inner_refunded(),
        output,
        logs,
        created_address,
    }
}

fn tx_info(tx: &TxEnv, block: &BlockEnv) -> TxInfo {
    let tx_type = match tx.tx_type {
        1 => TxType::AccessList,
        2 => TxType::Eip1559,
        3 => TxType::Blob,
        4 => TxType::SetCode,
        _ => TxType::Legacy,
    };
    TxInfo {
        tx_type,
        caller: tx.caller,
        to: tx.kind.to().copied(),
        nonce: tx.nonce,
        value: tx.value,
        data: tx.data.clone(),
        gas_limit: tx.gas_limit,
        gas_price: tx.gas_price,
        max_priority_fee: tx.gas_priority_fee,
        effective_gas_price: tx.effective_gas_price(block.basefee as u128),
        access_list: tx
            .access_list
            .0
            .iter()
            .map(|item| AccessListEntry {
                address: item.address,
                storage_keys: item.storage_keys.iter().map(|k| (*k).into()).collect(),
            })
            .collect(),
        blob_hashes: tx.blob_hashes.clone(),
        max_fee_per_blob_gas: tx.max_fee_per_blob_gas,
    }
}

fn block_info(
    block: &BlockEnv,
    cfg: &CfgEnv,
    hashes: &BTreeMap<u64, revm::primitives::B256>,
) -> BlockInfo {
    BlockInfo {
        chain_id: cfg.chain_id,
        number: block.number,
        coinbase: block.beneficiary,
        timestamp: block.timestamp,
        gas_limit: block.gas_limit,
        base_fee: block.basefee,
        difficulty: block.difficulty,
        prevrandao: block.prevrandao,
        excess_blob_gas: block.blob_excess_gas(),
        blob_base_fee: block.blob_gasprice(),
        block_hashes: hashes.clone(),
    }
}

/// An empty account with the empty-code hash.
pub fn empty_account() -> AccountState {
    AccountState {
        code_hash: KECCAK_EMPTY,
        ..AccountState::default()
    }
}

/// Runs `tx` on top of `pre` in plain revm, without the inspector, and returns the gas used
/// (`None` for an invalid transaction). The baseline tracing overhead is measured against.
pub fn execute_untraced(pre: PreState, block: &BlockEnv, cfg: &CfgEnv, tx: &TxEnv) -> Option<u64> {
    use revm::ExecuteEvm;
    let mut evm = Context::mainnet()
        .with_block(block.clone())
        .with_tx(tx.clone())
        .with_cfg(cfg.clone())
        .with_db(RecordingDb::new(pre))
        .build_mainnet();
    evm.transact(tx.clone())
        .ok()
        .map(|out| out.result.tx_gas_used())
}
