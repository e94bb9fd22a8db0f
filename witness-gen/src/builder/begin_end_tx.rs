//! `BeginTx`, `EndTx` and `EndBlock`: the synthetic steps around a transaction's opcodes.
//!
//! BeginTx (`BeginTxCreate` for a creation): sender nonce + 1, sender pays `gas_limit ×
//! effective_gas_price` (+ blob fee), warm marks for sender, callee (or the new address),
//! coinbase (EIP-3651) and precompiles 0x01..=0x0a, the callee's code hash read (for a
//! creation: the new address's, empty unless it collides), the root call's context, and (in
//! the root call's reversion scope) the created account's nonce and created flag and the
//! value transfer. A creation whose address is taken (`BeginTxCreateCollision`) reads the
//! address's nonce instead and starts nothing: the root call ends in the same step, failed. A creation's init code is the tx's data, copied into the bytecode table
//! (a copy event without rw accesses), and its address's preimage `rlp([sender, nonce])` is
//! registered like a code. Then one `AccessListWarm` step per access-list item marks it warm,
//! and a call into an account without code runs its one step, the STOP at pc 0. EndTx:
//! refund read (cross-checked against revm's capped refund), unused gas back to the sender,
//! priority fee to the coinbase, deletion of accounts self-destructed in the tx they were
//! created in (EIP-6780), receipt fields.

use super::frame::{self, FrameArgs};
use super::Builder;
use crate::address::create_preimage;
use crate::error::WitnessError;
use crate::execution_state::ExecutionState;
use crate::rw::{AccountField, CallContextField, Rw, TxReceiptField};
use crate::state::b256_to_u256;
use crate::witness::{CopyDataType, CopyEvent};
use equivm_trace::revm::primitives::{keccak256, Address, KECCAK_EMPTY, U256};
use equivm_trace::{TxStatus, TxTrace};

/// Blob gas per blob (EIP-4844).
const GAS_PER_BLOB: u64 = 131_072;

fn tx_err(b: &Builder, reason: String) -> WitnessError {
    WitnessError::Inconsistent {
        tx: b.tx.index,
        step: None,
        pc: 0,
        opcode: 0,
        reason,
    }
}

/// Emits the `BeginTx` (or `BeginTxCreate`) step.
pub(crate) fn begin_tx(b: &mut Builder, tx: &TxTrace) -> Result<(), WitnessError> {
    let root = tx
        .calls
        .first()
        .ok_or_else(|| tx_err(b, "transaction has no root call".into()))?;
    let root_call_id = b.tx.frames.first().map_or(0, |f| f.call_id);
    let intrinsic = tx.tx.gas_limit.saturating_sub(root.gas_limit);
    let state = if root.kind.is_create() && frame::collides(root) {
        ExecutionState::BeginTxCreateCollision
    } else if root.kind.is_create() {
        ExecutionState::BeginTxCreate
    } else {
        ExecutionState::BeginTx
    };
    let idx = b.open_step(
        state,
        root_call_id,
        Some(0),
        None,
        0,
        None,
        tx.tx.gas_limit,
        intrinsic,
        1024,
        0,
    );
    let sender = tx.tx.caller;
    let nonce = b.read(Rw::account(sender, AccountField::Nonce));
    if nonce != U256::from(tx.tx.nonce) {
        return Err(tx_err(
            b,
            format!("sender nonce is {nonce}, tx nonce {}", tx.tx.nonce),
        ));
    }
    b.write(
        Rw::account(sender, AccountField::Nonce),
        nonce + U256::from(1),
        None,
    );

    let blob_fee = U256::from(tx.tx.blob_hashes.len() as u64 * GAS_PER_BLOB)
        * U256::from(b.trace.block.blob_base_fee.unwrap_or(0));
    let gas_fee = U256::from(tx.tx.gas_limit) * U256::from(tx.tx.effective_gas_price);
    let balance = b.state.account(sender, AccountField::Balance);
    let paid = balance
        .checked_sub(gas_fee + blob_fee)
        .ok_or_else(|| tx_err(b, format!("sender balance {balance} cannot buy gas")))?;
    b.write(Rw::account(sender, AccountField::Balance), paid, None);

    let mut warm = vec![sender, root.address, b.trace.block.coinbase];
    warm.extend((1..=10u8).map(Address::with_last_byte));
    let tx_id = b.tx.id;
    for address in warm {
        b.write(Rw::access_account(tx_id, address), U256::from(1), None);
    }

    let calldata_len = if root.kind.is_create() {
        0
    } else {
        tx.tx.data.len() as u64
    };
    let args = FrameArgs {
        calldata_offset: 0,
        calldata_len,
        ret_offset: 0,
        ret_len: 0,
    };
    if root.kind.is_create() {
        let preimage = create_preimage(sender, tx.tx.nonce);
        if Address::from_slice(&keccak256(&preimage)[12..]) != root.address {
            return Err(tx_err(
                b,
                "the creation's address is not its preimage's hash".into(),
            ));
        }
        b.add_bytecode(preimage.into());
    }
    frame::begin_frame(b, tx, 0, args)?;
    if root.kind.is_create() && !root.input.is_empty() {
        copy_init_code(b, tx_id, &root.input);
    }
    let runs_nothing = b.tx.frames.first().is_some_and(|f| f.last_step.is_none());
    // A message call into an account without code runs the empty code: its one step is the
    // STOP at pc 0 (the implicit STOP past the end of every code), after the access list.
    let empty_code = runs_nothing && !root.is_precompile && !root.kind.is_create();
    if runs_nothing && !empty_code {
        frame::end_frame(b, tx, 0)?;
    }
    b.close_step(idx);
    access_list(b, tx, root_call_id, intrinsic)?;
    if empty_code {
        b.add_bytecode(Default::default());
        let stop = b.open_step(
            ExecutionState::Stop,
            root_call_id,
            Some(0),
            None,
            0,
            Some(0x00),
            root.gas_limit,
            0,
            1024,
            0,
        );
        frame::end_frame(b, tx, 0)?;
        b.close_step(stop);
    }
    Ok(())
}

/// The init code of a creation transaction, its data, copied into the bytecode table: no
/// rw access, so the copy's counter is the one after the step's accesses.
fn copy_init_code(b: &mut Builder, tx_id: u64, input: &[u8]) {
    let hash = b.add_bytecode(input.to_vec().into());
    let id = b.bytecode_index.get(&hash).copied().unwrap_or_default() as u64;
    b.copy_events.push(CopyEvent {
        src_type: CopyDataType::TxCalldata,
        src_id: tx_id,
        src_addr: 0,
        src_addr_end: input.len() as u64,
        dst_type: CopyDataType::Bytecode,
        dst_id: id,
        dst_addr: 0,
        bytes: input.to_vec(),
        log_id: 0,
        rw_counter_start: b.rw_counter(),
        rw_count: 0,
    });
}

/// One `AccessListWarm` step per access-list item (EIP-2930), in list order (an address,
/// then its storage keys): each writes the item's warm mark. The steps carry the state the
/// root call starts with (gas after the intrinsic gas, pc 0, an empty stack).
fn access_list(
    b: &mut Builder,
    tx: &TxTrace,
    root_call_id: u64,
    intrinsic: u64,
) -> Result<(), WitnessError> {
    let tx_id = b.tx.id;
    let gas_left = tx.tx.gas_limit.saturating_sub(intrinsic);
    for entry in &tx.tx.access_list {
        let items = std::iter::once(None).chain(entry.storage_keys.iter().map(Some));
        for key in items {
            let idx = b.open_step(
                ExecutionState::AccessListWarm,
                root_call_id,
                Some(0),
                None,
                0,
                None,
                gas_left,
                0,
                1024,
                0,
            );
            let rw = match key {
                None => Rw::access_account(tx_id, entry.address),
                Some(k) => Rw::access_storage(tx_id, entry.address, *k),
            };
            b.write(rw, U256::from(1), None);
            b.close_step(idx);
        }
    }
    Ok(())
}

/// Emits the `EndTx` step: the root call's `IsSuccess` and the refund counter are read,
/// the sender gets the unused gas and the capped refund back, the coinbase the priority
/// fee, the receipt is written (the cumulative gas used continues the previous tx's
/// receipt, read first; tx 0's is the initial 0), and accounts self-destructed in the tx
/// that created them are deleted last. The step's `gas_left` is the gas left when the root
/// call ended, before the refund.
pub(crate) fn end_tx(b: &mut Builder, tx: &TxTrace) -> Result<(), WitnessError> {
    let root_call_id = b.tx.frames.first().map_or(0, |f| f.call_id);
    let gas_used = tx.result.gas_used;
    let gas_left = tx
        .tx
        .gas_limit
        .saturating_sub(gas_used.saturating_add(tx.result.gas_refunded));
    let idx = b.open_step(
        ExecutionState::EndTx,
        root_call_id,
        None,
        None,
        0,
        None,
        gas_left,
        0,
        1024,
        0,
    );
    let tx_id = b.tx.id;
    b.read(Rw::call_context(root_call_id, CallContextField::IsSuccess));
    let refund = b.read(Rw::refund(tx_id));
    let cap = (gas_used + tx.result.gas_refunded) / 5;
    let expected = refund.min(U256::from(cap));
    if expected != U256::from(tx.result.gas_refunded) {
        return Err(tx_err(
            b,
            format!(
                "refund counter {refund} (capped {expected}) but revm refunded {}",
                tx.result.gas_refunded
            ),
        ));
    }
    let price = U256::from(tx.tx.effective_gas_price);
    let sender = tx.tx.caller;
    let balance = b.state.account(sender, AccountField::Balance);
    b.write(
        Rw::account(sender, AccountField::Balance),
        balance + U256::from(tx.tx.gas_limit - gas_used) * price,
        None,
    );
    let base_fee = U256::from(b.trace.block.base_fee);
    let tip = price
        .checked_sub(base_fee)
        .ok_or_else(|| tx_err(b, "effective gas price below base fee".into()))?;
    let coinbase = b.trace.block.coinbase;
    let cb_balance = b.state.account(coinbase, AccountField::Balance);
    b.write(
        Rw::account(coinbase, AccountField::Balance),
        cb_balance + U256::from(gas_used) * tip,
        None,
    );

    b.read(Rw::receipt(tx_id - 1, TxReceiptField::CumulativeGasUsed));
    b.cumulative_gas += gas_used;
    let status = u8::from(tx.result.status == TxStatus::Success);
    let fields = [
        (TxReceiptField::PostStateOrStatus, U256::from(status)),
        (
            TxReceiptField::CumulativeGasUsed,
            U256::from(b.cumulative_gas),
        ),
        (TxReceiptField::LogLength, U256::from(b.tx.log_id)),
    ];
    for (field, value) in fields {
        b.write(Rw::receipt(tx_id, field), value, None);
    }

    b.close_step(idx);
    delete_destructed(b, root_call_id)
}

/// Emits the deletion of every account the transaction created and self-destructed
/// (EIP-6780), after its `EndTx`, in address order: for each, one `EndTxClearSlot` step
/// per non-zero storage slot (the created flag read pending, the slot written 0, the slot
/// count lowered by one), then one `EndTxDeleteAccount` step (the created flag written
/// from pending to done, the slot count read 0, nonce, balance and code hash cleared).
/// The steps belong to the next transaction's `tx_id` (`EndTx` moved it on) and name the
/// ended one's cells.
fn delete_destructed(b: &mut Builder, root_call_id: u64) -> Result<(), WitnessError> {
    let tx_id = b.tx.id;
    let mut destroyed = std::mem::take(&mut b.tx.destructed);
    destroyed.sort();
    destroyed.dedup();
    let ended = b.tx.index;
    b.tx.index = ended + 1;
    let open = |b: &mut Builder, state| {
        b.open_step(state, root_call_id, None, None, 0, None, 0, 0, 1024, 0)
    };
    for a in destroyed {
        for slot in b.state.storage_slots(a) {
            if b.state.storage(a, slot).is_zero() {
                continue;
            }
            let idx = open(b, ExecutionState::EndTxClearSlot);
            b.read(Rw::created_flag(tx_id, a));
            b.write(Rw::storage(tx_id, a, slot), U256::ZERO, None);
            let count = b.state.get(&Rw::slot_count(tx_id, a).state_key());
            let count = count
                .checked_sub(U256::from(1))
                .ok_or(WitnessError::Inconsistent {
                    tx: ended,
                    step: None,
                    pc: 0,
                    opcode: 0,
                    reason: "a deleted account has more non-zero slots than it set".into(),
                })?;
            b.write(Rw::slot_count(tx_id, a), count, None);
            b.close_step(idx);
        }
        let idx = open(b, ExecutionState::EndTxDeleteAccount);
        b.write(Rw::created_flag(tx_id, a), U256::from(3), None);
        b.read(Rw::slot_count(tx_id, a));
        b.write(Rw::account(a, AccountField::Nonce), U256::ZERO, None);
        b.write(Rw::account(a, AccountField::Balance), U256::ZERO, None);
        b.write(
            Rw::account(a, AccountField::CodeHash),
            b256_to_u256(KECCAK_EMPTY),
            None,
        );
        b.close_step(idx);
    }
    b.tx.index = ended;
    Ok(())
}

/// Emits the `EndBlock` step.
pub(crate) fn end_block(b: &mut Builder, tx_count: usize) {
    b.tx.index = tx_count;
    let idx = b.open_step(
        ExecutionState::EndBlock,
        0,
        None,
        None,
        0,
        None,
        0,
        0,
        1024,
        0,
    );
    b.close_step(idx);
}
