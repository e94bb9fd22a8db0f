//! BeginTx: the synthetic step that starts a transaction's root call. One gadget,
//! [`BeginTxOpGadget`], serves a message call (state `BeginTx`), a creation (state
//! `BeginTxCreate`, `IS_CREATE`; what it adds is in `begin_tx/creation.rs`) and a creation
//! whose address is taken (state `BeginTxCreateCollision`, `COLLIDES`; below).
//!
//! With tx-table lookups of the step's tx (`tx_id`), the coinbase from the block table and,
//! for a blob transaction (type 3, EIP-4844), the blob base fee:
//!
//! ```text
//! items (first cell) = tx.AccessListAddressesLen + tx.AccessListStorageKeysLen
//! if items ≠ 0: next state is AccessListWarm with next.items = items (access_list_warm.rs)
//! no transaction boundary next (the root call's code runs)
//! gas_left = tx.GasLimit;  tx.IsCreate = IS_CREATE
//! blob_base_fee = block lookup (BlobBaseFee) when tx.BlobHashesLen ≠ 0 (switched), else 0
//! callee = tx.CalleeAddress; a creation's: the new address (TxCreation)
//! rw 0     sender nonce read      = tx.Nonce
//! rw 1     sender nonce write     value = tx.Nonce + 1
//! rw 2     sender balance write   value + fee = value_prev   (can pay), fee =
//!          GasLimit·EffectiveGasPrice + BlobHashesLen·131072·blob_base_fee (24 bytes)
//! rw 3..15 warm marks (EIP-2929, EIP-3651): sender, callee, coinbase, precompiles 0x01..=0x0a
//! rw 16    callee code hash read: code = its value; a creation's "= keccak256(())" (no
//!          collision) and code = the init code's hash
//! rw 17..32 root call context writes: TxId = tx_id, CallerId = 0, Depth = 0,
//!          CallerAddress = sender, CalleeAddress = callee, CallDataOffset = 0,
//!          CallDataLength = tx.CallDataLength (0 for a creation),
//!          ReturnDataOffset = ReturnDataLength = 0, Value = tx.Value, IsSuccess boolean,
//!          IsPersistent = IsSuccess, IsStatic = 0, IsRoot = 1, IsCreate = IS_CREATE,
//!          CodeHash = code; the TxId write's value_prev = 0 (a fresh call id)
//! rw 33    RwCounterEndOfReversion write (0 if the call persists, else proved by its last step)
//! creation (rw 34, 35): the new account's nonce and created flag (TxCreation), the root
//!          call's reversible writes 0 and 1
//! if tx.Value ≠ 0 (optional rws 34..36, 36..38 for a creation, in the root call's
//!          reversion scope): sender balance read, sender balance write (value + Value =
//!          value_prev), callee balance write (value_prev + Value = value); each write has
//!          its undo lookup at RwCounterEndOfReversion − k (k = 0, 1; 2, 3 for a
//!          creation), on when IsPersistent = 0
//! creation: the copy of the tx's data into the bytecode table (TxCreation)
//! intrinsic gas: 21000 + tx.CallDataGasCost + 2400·addresses + 1900·keys
//!   (+ 32000 + 2·words for a creation) ≤ GasLimit (8-byte check)
//! transition: rw_counter + 34 (+2) (+3), call_id same, is_root → 1, is_create → IS_CREATE,
//!   code_hash → code, pc → 0, stack pointer → 1024, gas → GasLimit − intrinsic, memory → 0,
//!   reversible writes → 2·[creation] + 2·[Value ≠ 0], log id → 0, tx id same, refund → 0,
//!   is_persistent → IsPersistent, rw_counter_end_of_reversion → RwCounterEndOfReversion
//! ```
//! A creation whose address is taken (`COLLIDES`; EIP-684, and EIP-7610's nonce):
//! ```text
//! no access list (items = 0), next state EndTx
//! rw 16 code hash read: free; call context IsSuccess = 0 (so IsPersistent = 0)
//! rw 34 the address's nonce read;  "[code hash = keccak256(())]·[nonce = 0] = 0"
//! the copy of the tx's data into the bytecode table (as a creation's)
//! rw 35 IsSuccess read = 0 (the root call ends here, failed);
//!   RwCounterEndOfReversion = its counter (nothing to undo)
//! no nonce or created-flag write, no value transfer
//! transition: as a creation's, but gas → 0 (all of it spent) and reversible writes → 0
//! ```
//! `IsSuccess` is free here: the step that ends the root call reads it back and proves it.
//! Not proved here (their own circuits): that the tx is signed by the sender and valid
//! (EIP-3607, nonce < 2^64 − 1, fee caps), and that a tx follows every EndTx. The call id
//! is proved fresh by its TxId write: the state circuit gives `value_prev` = the field's
//! last value, and a call that began before wrote its (non-zero) tx id there.

use super::{
    access_list_warm::AccessListChain,
    create::{CREATE_GAS, INIT_CODE_WORD_GAS},
    padding::all_same,
    tx_arith::{
        address_expr, assign_context, assign_copy_lookup, block_slot, tx_slot, AddNoOverflow,
        ByteNumber, WordBytes,
    },
    value_transfer::ValueTransfer,
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, Reversion, StepStateTransition, Transition},
};
use crate::table::{BlockFieldTag, TxFieldTag};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::{
    AccountField, CallContextField, CopyDataType, ExecStep, ExecutionState, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

mod creation;

use super::create::empty_hash;
use creation::TxCreation;

/// Intrinsic gas of every transaction.
pub const TX_BASE_GAS: u64 = 21_000;
/// Rw accesses of a BeginTx without value transfer.
pub const BEGIN_TX_RWS: u64 = 34;
/// Rw accesses a creation transaction's BeginTx adds: the new account's nonce and created
/// flag.
pub const BEGIN_TX_CREATE_RWS: u64 = 2;
/// Rw accesses a creation transaction whose address is taken adds: the address's nonce
/// read and the failed root call's `IsSuccess` read.
pub const BEGIN_TX_COLLISION_RWS: u64 = 2;
/// The callee's (or the new address's) code hash read.
const BEGIN_TX_CODE_HASH_RW: usize = 16;
/// Intrinsic gas per access-list address (EIP-2930).
pub const ACCESS_LIST_ADDRESS_GAS: u64 = 2_400;
/// Intrinsic gas per access-list storage key (EIP-2930).
pub const ACCESS_LIST_KEY_GAS: u64 = 1_900;
/// Blob gas per blob (EIP-4844).
pub const GAS_PER_BLOB: u64 = 131_072;
/// The context row of the blob base fee's lookup (after the tx fields and the coinbase).
const BLOB_BASE_FEE_ROW: usize = TX_FIELDS.len() + 1;

/// The tx-table fields BeginTx looks up, in slot order.
const TX_FIELDS: [TxFieldTag; 12] = [
    TxFieldTag::Nonce,
    TxFieldTag::GasLimit,
    TxFieldTag::EffectiveGasPrice,
    TxFieldTag::CallerAddress,
    TxFieldTag::CalleeAddress,
    TxFieldTag::IsCreate,
    TxFieldTag::Value,
    TxFieldTag::CallDataLength,
    TxFieldTag::CallDataGasCost,
    TxFieldTag::AccessListAddressesLen,
    TxFieldTag::AccessListStorageKeysLen,
    TxFieldTag::BlobHashesLen,
];

/// The BeginTx step of a message call (`IS_CREATE` false) or of a creation, whose address
/// is free or (`COLLIDES`) taken.
#[derive(Clone, Debug)]
pub struct BeginTxOpGadget<F: PrimeField, const IS_CREATE: bool, const COLLIDES: bool> {
    /// The access-list items the AccessListWarm steps after this one warm.
    pub chain: AccessListChain<F>,
    items_is_zero: WordIsZero<F>,
    context: ContextColumns,
    /// `[BlobHashesLen = 0]`.
    blobs_is_zero: WordIsZero<F>,
    /// `GasLimit · EffectiveGasPrice + BlobHashesLen · 131072 · BlobBaseFee`, 24 bytes.
    pub fee: ByteNumber<F, 24>,
    pay_fee: AddNoOverflow<F>,
    /// `GasLimit − intrinsic gas`, 8 bytes.
    pub gas_after: ByteNumber<F, 8>,
    value_is_zero: WordIsZero<F>,
    /// The value transfer (when `Value ≠ 0`).
    transfer: ValueTransfer<F>,
    /// The sender's balance after the fee, range-checked.
    balance_after_fee: WordBytes<F>,
    /// A creation's address, init code and writes.
    creation: Option<TxCreation<F>>,
    /// A taken address's code hash and nonce checks (`COLLIDES`).
    collision: Option<TxCollision<F>>,
}

/// What proves a creation transaction's address taken: its code hash is not
/// `keccak256(())`, or its nonce is not 0.
#[derive(Clone, Debug)]
pub struct TxCollision<F: PrimeField> {
    /// `[code hash = keccak256(())]`.
    pub no_code: WordIsZero<F>,
    /// `[nonce = 0]`.
    pub no_nonce: WordIsZero<F>,
}

/// BeginTx of a message call.
pub type BeginTxGadget<F> = BeginTxOpGadget<F, false, false>;
/// BeginTx of a creation transaction.
pub type BeginTxCreateGadget<F> = BeginTxOpGadget<F, true, false>;
/// BeginTx of a creation transaction whose address is taken.
pub type BeginTxCreateCollisionGadget<F> = BeginTxOpGadget<F, true, true>;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn small<F: PrimeField>(v: Expression<F>) -> Word<Expression<F>> {
    Word::new(v, c(0))
}

impl<F: PrimeField, const IS_CREATE: bool, const COLLIDES: bool> ExecutionGadget<F>
    for BeginTxOpGadget<F, IS_CREATE, COLLIDES>
{
    const NAME: &'static str = match (IS_CREATE, COLLIDES) {
        (true, true) => "BEGIN_TX_CREATE_COLLISION",
        (true, false) => "BEGIN_TX_CREATE",
        _ => "BEGIN_TX",
    };
    const STATE: ExecutionState = match (IS_CREATE, COLLIDES) {
        (true, true) => ExecutionState::BeginTxCreateCollision,
        (true, false) => ExecutionState::BeginTxCreate,
        _ => ExecutionState::BeginTx,
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        // First: at the position of the AccessListWarm steps' chain cell.
        let chain = AccessListChain::query(cb);
        let step = cb.step();
        let (tx_id, call_id) = (step.tx_id.clone(), step.call_id.clone());
        let field = |cb: &mut ConstraintBuilder<'_, F>, tag| cb.tx_lookup(tx_id.clone(), tag, c(0));
        let [nonce, gas_limit, price, caller, callee, is_create, value, data_len, data_gas, al_addresses, al_keys, blobs] =
            TX_FIELDS.map(|tag| field(cb, tag));
        let coinbase = cb.block_lookup(BlockFieldTag::Coinbase, c(0));
        let blobs_is_zero = WordIsZero::configure(cb, "tx.BlobHashesLen", blobs.clone());
        let blob_base_fee = cb.block_lookup_switched(
            c::<F>(1) - blobs_is_zero.expr(),
            BlockFieldTag::BlobBaseFee,
            c(0),
        );
        let kind = if IS_CREATE {
            "tx is a creation (IsCreate = 1)"
        } else {
            "tx is a message call (IsCreate = 0)"
        };
        cb.require_equal_word(kind, is_create, small(c(u64::from(IS_CREATE))));
        for (what, w) in [
            ("GasLimit.hi = 0", &gas_limit),
            ("EffectiveGasPrice.hi = 0", &price),
            ("CallDataGasCost.hi = 0", &data_gas),
            ("AccessListAddressesLen.hi = 0", &al_addresses),
            ("AccessListStorageKeysLen.hi = 0", &al_keys),
            ("BlobHashesLen.hi = 0", &blobs),
            ("BlobBaseFee.hi = 0", &blob_base_fee),
        ] {
            cb.require_zero(what, w.hi.clone());
        }
        // The access list: its items are warmed by the AccessListWarm steps that follow.
        let items = chain.items.expr();
        cb.require_equal(
            "items = AccessListAddressesLen + AccessListStorageKeysLen",
            items.clone(),
            al_addresses.lo.clone() + al_keys.lo.clone(),
        );
        let items_is_zero = WordIsZero::configure(cb, "items", small(items.clone()));
        chain.require_next(cb, c(1) - items_is_zero.expr(), items.clone());
        if COLLIDES {
            // The creation never starts: the transaction ends next (an access list would
            // come between; such a transaction is not supported here).
            cb.require_zero("no access list", items);
            cb.require_next_state(&[ExecutionState::EndTx]);
        } else {
            // Then the access list and the root call's code.
            cb.require_next_not_boundary();
        }
        cb.require_equal(
            "gas_left = tx.GasLimit",
            step.gas_left,
            gas_limit.lo.clone(),
        );
        let creation = IS_CREATE.then(|| TxCreation::configure(cb, &caller, &nonce, &data_len));
        let callee = creation.as_ref().map_or(callee, TxCreation::address);
        let (sender, receiver) = (address_expr(&caller), address_expr(&callee));

        let nonce_read = cb.account_read(sender.clone(), AccountField::Nonce);
        cb.require_equal_word("sender nonce = tx.Nonce", nonce_read, nonce.clone());
        let nonce_write = cb.account_write(sender.clone(), AccountField::Nonce);
        cb.require_equal_word(
            "sender nonce write: value = tx.Nonce + 1",
            nonce_write.value,
            Word::new(nonce.lo.clone() + c(1), nonce.hi.clone()),
        );
        let fee_write = cb.account_write(sender.clone(), AccountField::Balance);
        let fee = ByteNumber::configure(
            cb,
            "fee = GasLimit · EffectiveGasPrice + BlobHashesLen · 131072 · BlobBaseFee",
            gas_limit.lo.clone() * price.lo.clone()
                + blobs.lo.clone() * c(GAS_PER_BLOB) * blob_base_fee.lo.clone(),
        );
        let balance_after_fee =
            WordBytes::configure(cb, "sender balance after the fee", fee_write.value.clone());
        let pay_fee = AddNoOverflow::configure(
            cb,
            "sender pays the fee: balance + fee = balance_prev",
            fee_write.value.clone(),
            fee.word(),
            fee_write.value_prev.clone(),
        );
        pay_fee.require_boolean_carry(cb, "fee");

        let mut warm = vec![sender.clone(), receiver.clone(), address_expr(&coinbase)];
        warm.extend((1..=10).map(c));
        for address in warm {
            cb.access_list_account_write(tx_id.clone(), address);
        }
        let read_hash = cb.account_read(receiver.clone(), AccountField::CodeHash);
        let code_hash = match &creation {
            Some(t) if COLLIDES => t.init_hash(),
            Some(t) => {
                cb.require_equal_word(
                    "the new address has no code: code hash = keccak256(())",
                    read_hash.clone(),
                    empty_hash(),
                );
                t.init_hash()
            }
            None => read_hash.clone(),
        };

        use CallContextField as C;
        // A call id is fresh when its TxId (never 0 once written) was 0: no call began with
        // it before, so the root call shares no context, stack or memory with another.
        let written_tx_id = cb.call_context_write_row(call_id.clone(), C::TxId);
        cb.require_equal_word(
            "call context TxId = tx_id",
            written_tx_id.value,
            small(tx_id.clone()),
        );
        cb.require_equal_word(
            "call context TxId was 0 (a fresh call id)",
            written_tx_id.value_prev,
            small(c(0)),
        );
        let expected: [(C, Option<Word<Expression<F>>>); 15] = [
            (C::CallerId, Some(small(c(0)))),
            (C::Depth, Some(small(c(0)))),
            (C::CallerAddress, Some(caller)),
            (C::CalleeAddress, Some(callee)),
            (C::CallDataOffset, Some(small(c(0)))),
            (
                C::CallDataLength,
                Some(if IS_CREATE { small(c(0)) } else { data_len }),
            ),
            (C::ReturnDataOffset, Some(small(c(0)))),
            (C::ReturnDataLength, Some(small(c(0)))),
            (C::Value, Some(value.clone())),
            (C::IsSuccess, COLLIDES.then(|| small(c(0)))),
            (C::IsPersistent, None),
            (C::IsStatic, Some(small(c(0)))),
            (C::IsRoot, Some(small(c(1)))),
            (C::IsCreate, Some(small(c(u64::from(IS_CREATE))))),
            (C::CodeHash, Some(code_hash.clone())),
        ];
        let mut success = None;
        let mut persistent = None;
        for (f, want) in expected {
            let written = cb.call_context_write(call_id.clone(), f);
            match want {
                Some(w) => cb.require_equal_word(&format!("call context {f:?}"), written, w),
                None if f == C::IsSuccess => {
                    cb.require_zero("call context IsSuccess.hi = 0", written.hi.clone());
                    cb.require_boolean("call context IsSuccess is boolean", written.lo.clone());
                    success = Some(written);
                }
                None => {
                    let s = success.clone().unwrap_or_else(|| small(c(0)));
                    cb.require_equal_word(
                        "call context IsPersistent = IsSuccess",
                        written.clone(),
                        s,
                    );
                    persistent = Some(written.lo);
                }
            }
        }
        let is_persistent = persistent.unwrap_or_else(|| c(0));
        // The step that ends a failing root call proves where its undos end.
        let end_of_reversion = cb.call_context_write(call_id.clone(), C::RwCounterEndOfReversion);
        cb.require_zero(
            "call context RwCounterEndOfReversion.hi = 0",
            end_of_reversion.hi.clone(),
        );
        // A root call that persists has no undos: its end of reversion is 0.
        cb.require_zero(
            "a persistent root call's RwCounterEndOfReversion = 0",
            is_persistent.clone() * end_of_reversion.lo.clone(),
        );
        let scope = |writes_before: u64| Reversion {
            is_persistent: is_persistent.clone(),
            end: end_of_reversion.lo.clone(),
            writes_before: c(writes_before),
        };
        let mut collision = None;
        if COLLIDES {
            let nonce = cb.account_read(receiver.clone(), AccountField::Nonce);
            let empty = empty_hash::<F>();
            let no_code = WordIsZero::configure(
                cb,
                "code hash - keccak256(())",
                Word::new(read_hash.lo - empty.lo, read_hash.hi - empty.hi),
            );
            let no_nonce = WordIsZero::configure(cb, "the address's nonce", nonce);
            cb.require_zero(
                "the address is taken: code or a nonce there",
                no_code.expr() * no_nonce.expr(),
            );
            collision = Some(TxCollision { no_code, no_nonce });
        } else if let Some(t) = &creation {
            t.configure_writes(cb, tx_id.clone(), &scope(0));
        }
        let created_writes = if IS_CREATE && !COLLIDES {
            BEGIN_TX_CREATE_RWS
        } else {
            0
        };
        let reversion = scope(created_writes);

        let mut intrinsic = c::<F>(TX_BASE_GAS)
            + data_gas.lo
            + al_addresses.lo * c(ACCESS_LIST_ADDRESS_GAS)
            + al_keys.lo * c(ACCESS_LIST_KEY_GAS);
        if let Some(t) = &creation {
            intrinsic = intrinsic + t.intrinsic_gas();
        }
        let gas_after = ByteNumber::configure(
            cb,
            "gas after intrinsic: GasLimit - 21000 - CallDataGasCost - 2400·addresses - 1900·keys",
            gas_limit.lo - intrinsic,
        );
        let value_is_zero = WordIsZero::configure(cb, "tx.Value", value.clone());
        if COLLIDES {
            // The init code's copy comes before the end of the root call, which fails.
            if let Some(t) = &creation {
                t.configure_copy(cb, tx_id.clone());
            }
            let success = cb.call_context_lookup(C::IsSuccess);
            cb.require_equal_word("the root call fails (IsSuccess = 0)", success, small(c(0)));
            // No write to undo: the reversion ends at this last access.
            cb.require_equal(
                "RwCounterEndOfReversion = the IsSuccess read's counter",
                end_of_reversion.lo.clone(),
                cb.step().rw_counter + cb.rw_counter_delta() - c(1),
            );
        }
        // A taken address receives no value.
        let transfers = if COLLIDES {
            c(0)
        } else {
            c::<F>(1) - value_is_zero.expr()
        };
        let transfer = cb.optional_rw_accesses(transfers.clone(), |cb| {
            ValueTransfer::configure(
                cb,
                sender.clone(),
                receiver.clone(),
                value.clone(),
                &reversion,
            )
        });
        transfer.require_boolean_carries(cb);
        if let (false, Some(t)) = (COLLIDES, &creation) {
            t.configure_copy(cb, tx_id.clone());
        }
        // A taken address ends the transaction with all its gas spent.
        let gas_left = if COLLIDES {
            c(0)
        } else {
            gas_after_expr(&gas_after)
        };

        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            is_root: Transition::To(c(1)),
            is_create: Transition::To(c(u64::from(IS_CREATE))),
            code_hash: Transition::To(code_hash),
            program_counter: Transition::To(c(0)),
            stack_pointer: Transition::To(c(1024)),
            gas_left: Transition::To(gas_left),
            memory_word_size: Transition::To(c(0)),
            reversible_write_counter: Transition::To(transfers * c(2) + c(created_writes)),
            log_id: Transition::To(c(0)),
            refund: Transition::To(c(0)),
            is_persistent: Transition::To(is_persistent),
            rw_counter_end_of_reversion: Transition::To(end_of_reversion.lo),
            ..all_same()
        });
        Self {
            chain,
            items_is_zero,
            context: cb.context_columns(),
            blobs_is_zero,
            fee,
            pay_fee,
            gas_after,
            value_is_zero,
            transfer,
            balance_after_fee,
            creation,
            collision,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let tx = witness.txs.get(step.tx_index).ok_or(Error::Synthesis)?;
        let slots = TX_FIELDS
            .iter()
            .map(|t| tx_slot(*t))
            .chain([block_slot(BlockFieldTag::Coinbase)]);
        for (row, slot) in slots.enumerate() {
            assign_context(region, &self.context, row, slot, 0, witness, step)?;
        }
        let info = &tx.tx;
        let blobs = info.blob_hashes.len() as u64;
        self.blobs_is_zero
            .assign(region, Word::new(F::from(blobs), F::ZERO))?;
        let blob_base_fee = if blobs == 0 {
            // The switched lookup's zero row: only `is_block` is 1.
            region.assign_advice(self.context.is_block, BLOB_BASE_FEE_ROW, F::ONE)?;
            U256::ZERO
        } else {
            let slot = block_slot(BlockFieldTag::BlobBaseFee);
            assign_context(
                region,
                &self.context,
                BLOB_BASE_FEE_ROW,
                slot,
                0,
                witness,
                step,
            )?;
            U256::from(witness.block.blob_base_fee.ok_or(Error::Synthesis)?)
        };
        let fee = U256::from(info.gas_limit) * U256::from(info.effective_gas_price)
            + U256::from(blobs * GAS_PER_BLOB) * blob_base_fee;
        self.fee.assign(region, fee)?;
        let rws = witness.step_rws(step);
        let balance_after_fee = rws.get(2).ok_or(Error::Synthesis)?.value;
        self.pay_fee.assign(region, balance_after_fee, fee)?;
        self.balance_after_fee.assign(region, balance_after_fee)?;
        let data_gas: u64 = info.data.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum();
        let addresses = info.access_list.len() as u64;
        let items = crate::table::tx::access_list_items(info).count() as u64;
        self.chain.items.assign(region, F::from(items))?;
        self.items_is_zero
            .assign(region, Word::new(F::from(items), F::ZERO))?;
        let access_list_gas =
            addresses * ACCESS_LIST_ADDRESS_GAS + (items - addresses) * ACCESS_LIST_KEY_GAS;
        let creation_gas = if IS_CREATE {
            CREATE_GAS + INIT_CODE_WORD_GAS * (info.data.len() as u64).div_ceil(32)
        } else {
            0
        };
        let after = info
            .gas_limit
            .checked_sub(TX_BASE_GAS + data_gas + access_list_gas + creation_gas)
            .ok_or(Error::Synthesis)?;
        self.gas_after.assign(region, U256::from(after))?;
        let transfers = !self.value_is_zero.assign(region, word_of(info.value))? && !COLLIDES;
        if let Some(t) = &self.collision {
            let read = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
            let (hash, empty) = (
                word_of::<F>(read(BEGIN_TX_CODE_HASH_RW)?),
                word_of::<F>(U256::from_be_bytes(KECCAK_EMPTY.0)),
            );
            t.no_code
                .assign(region, Word::new(hash.lo - empty.lo, hash.hi - empty.hi))?;
            t.no_nonce
                .assign(region, word_of(read(BEGIN_TX_RWS as usize)?))?;
        }
        if let Some(t) = &self.creation {
            // A collision's copy comes before its last access, the IsSuccess read.
            let end = step.rw_counter + step.rw_count - u64::from(COLLIDES);
            let copy = witness.copy_events.iter().find(|e| {
                e.rw_counter_start == end
                    && e.src_type == CopyDataType::TxCalldata
                    && e.dst_type == CopyDataType::Bytecode
            });
            let claim = t.assign(region, info.caller, info.nonce, &info.data, copy)?;
            assign_copy_lookup(region, &self.context, BLOB_BASE_FEE_ROW + 1, claim)?;
        }
        let first = (BEGIN_TX_RWS + if IS_CREATE { BEGIN_TX_CREATE_RWS } else { 0 }) as usize;
        let writes = match (transfers, rws.get(first + 1), rws.get(first + 2)) {
            (true, Some(from), Some(to)) => Some((from, to)),
            (true, _, _) => return Err(Error::Synthesis),
            _ => None,
        };
        self.transfer.assign(region, writes, info.value)?;
        Ok(())
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let shape = index.tx_shape(step.tx_index);
        let plain = shape.is_create == IS_CREATE;
        let expected = if COLLIDES {
            BEGIN_TX_RWS + BEGIN_TX_COLLISION_RWS
        } else {
            BEGIN_TX_RWS
                + if IS_CREATE { BEGIN_TX_CREATE_RWS } else { 0 }
                + if shape.has_value { 3 } else { 0 }
        };
        let no_access_list = !COLLIDES || shape.access_list_items == 0;
        !plain || !no_access_list || step.rw_count != expected
    }
}

fn gas_after_expr<F: PrimeField>(g: &ByteNumber<F, 8>) -> Expression<F> {
    g.word().lo
}

#[cfg(test)]
mod collision_tests;
#[cfg(test)]
mod tests;
