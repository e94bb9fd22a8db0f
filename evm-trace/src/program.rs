//! Run a small program in revm and get its trace: the building block of equivm's tests.
//!
//! ```
//! use equivm_trace::program::Program;
//! // PUSH1 2 PUSH1 3 ADD STOP
//! let traced = Program::new(vec![0x60, 0x02, 0x60, 0x03, 0x01, 0x00]).trace();
//! assert_eq!(traced.trace.txs[0].steps.len(), 4);
//! ```

use crate::{
    db::PreState,
    execute::{trace_block, TracedTx},
    types::AccountState,
};
use revm::{
    context::{
        transaction::{AccessList, AccessListItem},
        BlockEnv, CfgEnv, TxEnv,
    },
    primitives::{address, hardfork::SpecId, Address, Bytes, TxKind, B256, U256},
};

/// The account that sends test transactions.
pub const SENDER: Address = address!("a94f5374fce5edbc8e2a8697c15331677e6ebf0b");
/// The account that holds the program under test.
pub const CONTRACT: Address = address!("0000000000000000000000000000000000c0ffee");
/// The block's fee recipient in test blocks.
pub const COINBASE: Address = address!("2adc25665018aa1fe0e6bc666dac8fc2697ff9ba");

/// A transaction calling (or, with [`Program::create`], deploying) a piece of bytecode.
#[derive(Clone, Debug)]
pub struct Program {
    /// Code of [`CONTRACT`] (or init code when creating).
    pub code: Bytes,
    /// Call data.
    pub calldata: Bytes,
    /// Value sent.
    pub value: U256,
    /// Gas limit of the transaction.
    pub gas_limit: u64,
    /// Whether the transaction creates a contract from `code` instead of calling it.
    pub create: bool,
    /// Further accounts in the pre-state.
    pub accounts: PreState,
    /// Storage of [`CONTRACT`] in the pre-state.
    pub storage: std::collections::BTreeMap<U256, U256>,
    /// Number of the block the transaction runs in.
    pub block_number: u64,
    /// The access list (EIP-2930): addresses with their storage keys. A non-empty list makes
    /// the transaction of type 1.
    pub access_list: Vec<(Address, Vec<U256>)>,
    /// Nonce of [`CONTRACT`] in the pre-state.
    pub contract_nonce: u64,
    /// Blobs the transaction carries (EIP-4844); a non-zero count makes it of type 3.
    pub blobs: u8,
    /// The account a call is sent to ([`CONTRACT`] by default).
    pub to: Address,
}

impl Program {
    /// A call to `code` with no data and a 1,000,000 gas limit.
    pub fn new(code: impl Into<Bytes>) -> Self {
        Self {
            code: code.into(),
            calldata: Bytes::new(),
            value: U256::ZERO,
            gas_limit: 1_000_000,
            create: false,
            accounts: PreState::new(),
            storage: std::collections::BTreeMap::new(),
            block_number: 1,
            access_list: Vec::new(),
            contract_nonce: 0,
            blobs: 0,
            to: CONTRACT,
        }
    }

    /// Sets [`CONTRACT`]'s nonce in the pre-state (0 by default).
    pub fn contract_nonce(mut self, nonce: u64) -> Self {
        self.contract_nonce = nonce;
        self
    }

    /// Sends the transaction with `access_list` (type 1, EIP-2930): each address with its
    /// storage keys.
    pub fn access_list(mut self, access_list: Vec<(Address, Vec<U256>)>) -> Self {
        self.access_list = access_list;
        self
    }

    /// Sets the number of the block the transaction runs in (1 by default).
    pub fn block_number(mut self, number: u64) -> Self {
        self.block_number = number;
        self
    }

    /// Sets slot `slot` of [`CONTRACT`]'s storage to `value` in the pre-state.
    pub fn with_storage(mut self, slot: u64, value: u64) -> Self {
        self.storage.insert(U256::from(slot), U256::from(value));
        self
    }

    /// Sets the call data.
    pub fn calldata(mut self, data: impl Into<Bytes>) -> Self {
        self.calldata = data.into();
        self
    }

    /// Sets the value sent.
    pub fn value(mut self, value: u64) -> Self {
        self.value = U256::from(value);
        self
    }

    /// Sets the gas limit (the block's is 30,000,000, or this one if it is larger).
    pub fn gas_limit(mut self, gas: u64) -> Self {
        self.gas_limit = gas;
        self
    }

    /// Sends the transaction with `blobs` blobs (type 3, EIP-4844): versioned hashes
    /// `0x01 00 .. 00 i`, a blob fee cap of 100 per blob gas.
    pub fn blobs(mut self, blobs: u8) -> Self {
        self.blobs = blobs;
        self
    }

    /// Sends the call to `to` instead of [`CONTRACT`] (which still holds `code`).
    pub fn to(mut self, to: Address) -> Self {
        self.to = to;
        self
    }

    /// Deploys `code` as init code instead of calling it.
    pub fn create(mut self) -> Self {
        self.create = true;
        self
    }

    /// Adds an account with `code` (and optional storage) to the pre-state.
    pub fn with_account(mut self, address: Address, code: impl Into<Bytes>) -> Self {
        self.accounts.insert(
            address,
            AccountState {
                balance: U256::from(1_000_000u64),
                code: code.into(),
                ..AccountState::default()
            },
        );
        self
    }

    /// Adds an account without code whose nonce is `nonce` to the pre-state.
    pub fn with_nonce_account(mut self, address: Address, nonce: u64) -> Self {
        self.accounts.insert(
            address,
            AccountState {
                nonce,
                ..AccountState::default()
            },
        );
        self
    }

    /// Runs the transaction in a Cancun block and returns its trace.
    pub fn trace(&self) -> TracedTx {
        self.trace_repeated(1)
    }

    /// Runs the same transaction `times` times (nonces 0, 1, ...) in one Cancun block, each
    /// seeing the state the previous one left.
    pub fn trace_repeated(&self, times: u64) -> TracedTx {
        let mut pre = self.accounts.clone();
        pre.insert(
            SENDER,
            AccountState {
                balance: U256::from(10u128.pow(24)),
                ..AccountState::default()
            },
        );
        if !self.create {
            pre.insert(
                CONTRACT,
                AccountState {
                    balance: U256::from(1_000_000u64),
                    code: self.code.clone(),
                    storage: self.storage.clone(),
                    nonce: self.contract_nonce,
                    ..AccountState::default()
                },
            );
        }
        let cfg = CfgEnv::new_with_spec(SpecId::CANCUN);
        let block = BlockEnv {
            number: U256::from(self.block_number),
            beneficiary: COINBASE,
            timestamp: U256::from(1000),
            gas_limit: self.gas_limit.max(30_000_000),
            basefee: 7,
            prevrandao: Some(B256::ZERO),
            ..BlockEnv::default()
        };
        let (kind, data) = if self.create {
            (TxKind::Create, self.code.clone())
        } else {
            (TxKind::Call(self.to), self.calldata.clone())
        };
        let access_list = AccessList(
            self.access_list
                .iter()
                .map(|(address, keys)| AccessListItem {
                    address: *address,
                    storage_keys: keys.iter().map(|k| B256::from(*k)).collect(),
                })
                .collect(),
        );
        let tx_type = if self.blobs > 0 {
            3
        } else {
            u8::from(!self.access_list.is_empty())
        };
        let blob_hashes: Vec<B256> = (0..self.blobs)
            .map(|i| {
                let mut h = B256::ZERO;
                h.0[0] = 1;
                h.0[31] = i;
                h
            })
            .collect();
        let txs: Vec<TxEnv> = (0..times)
            .map(|nonce| TxEnv {
                tx_type,
                access_list: access_list.clone(),
                caller: SENDER,
                gas_limit: self.gas_limit,
                gas_price: 10,
                kind,
                value: self.value,
                data: data.clone(),
                nonce,
                chain_id: Some(1),
                blob_hashes: blob_hashes.clone(),
                max_fee_per_blob_gas: if self.blobs > 0 { 100 } else { 0 },
                ..TxEnv::default()
            })
            .collect();
        trace_block(pre, &block, &cfg, &txs)
    }
}

/// Code of a loop of `rounds` rounds (at least 1) that stores its counter in memory at 0
/// and in storage slot 1 each round, then pops the counter and runs `tail` (STOP, a REVERT,
/// ...): a block whose length grows with `rounds`, in which stack, memory, storage, call
/// context and account cells all change.
pub fn storing_loop(rounds: u8, tail: &[u8]) -> Vec<u8> {
    let mut code = vec![
        0x60, rounds, // PUSH1 rounds
        0x5b,   // JUMPDEST
        0x80, 0x60, 0x00, 0x52, // DUP1 PUSH1 0 MSTORE
        0x80, 0x60, 0x01, 0x55, // DUP1 PUSH1 1 SSTORE
        0x60, 0x01, 0x90, 0x03, // PUSH1 1 SWAP1 SUB
        0x80, 0x60, 0x02, 0x57, // DUP1 PUSH1 2 JUMPI
        0x50, // POP
    ];
    code.extend_from_slice(tail);
    code
}
