//! EndTx: the synthetic step after a transaction's root call ends. It settles gas and
//! writes the receipt.
//!
//! `gas_left` is what the root call left (before the refund), `refund` the tx's refund
//! counter; `GasLimit`, `EffectiveGasPrice` and `CallerAddress` come from the tx table,
//! `Coinbase` and `BaseFee` from the block table.
//!
//! ```text
//! used     = GasLimit − gas_left                         (8 bytes: gas_left ≤ GasLimit)
//! used     = 5·q + r,  r + slack = 4                     (q 8 bytes, r and slack bytes: q = ⌊used/5⌋)
//! lt       : refund − q + lt·2^64 = diff                 (diff 8 bytes, lt boolean: lt = [refund < q])
//! eff      = q + lt·(refund − q)                         (= min(refund, used/5), EIP-3529)
//! tip      = EffectiveGasPrice − BaseFee                 (16 bytes: price ≥ base fee)
//! rw 0  root call's IsSuccess read
//! rw 1  refund read = refund
//! rw 2  sender balance write:   value = value_prev + (gas_left + eff)·EffectiveGasPrice
//! rw 3  coinbase balance write: value = value_prev + (used − eff)·tip      (base fee burnt)
//! rw 4  receipt CumulativeGasUsed of tx_id − 1 read (tx 0's is the initial 0)
//! rw 5..7 receipt writes: PostStateOrStatus = IsSuccess,
//!         CumulativeGasUsed = previous + used − eff, LogLength = log_id
//! next state: the deletion of an account the tx created and self-destructed
//!   (`EndTxClearSlot`, `EndTxDeleteAccount`, see `end_tx_delete.rs`), BeginTx or EndBlock;
//!   rw_counter + 8, tx_id + 1; the rest is set by BeginTx.
//! ```

use super::{
    end_tx_delete::after_end_tx,
    tx_arith::{
        address_expr, assign_context, block_slot, tx_slot, AddNoOverflow, ByteNumber, WordBytes,
    },
    ExecutionGadget, AFTER_DELETION,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, Transition},
};
use crate::table::{BlockFieldTag, TxFieldTag};
use equivm_gadgets::{util::pow2, Word};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{
    AccountField, CallContextField, ExecStep, ExecutionState, TxReceiptField, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Rw accesses of an EndTx that deletes no account.
pub const END_TX_RWS: u64 = 8;

/// The EndTx step.
#[derive(Clone, Debug)]
pub struct EndTxGadget<F: PrimeField> {
    context: ContextColumns,
    /// `GasLimit − gas_left`.
    pub used: ByteNumber<F, 8>,
    /// `⌊used / 5⌋`.
    pub quotient: ByteNumber<F, 8>,
    remainder: Cell<F>,
    slack: Cell<F>,
    /// `[refund < quotient]`.
    pub refund_lt: Cell<F>,
    diff: ByteNumber<F, 8>,
    /// The refund applied.
    pub effective_refund: Cell<F>,
    tip: ByteNumber<F, 16>,
    credit: ByteNumber<F, 25>,
    reward: ByteNumber<F, 24>,
    pay_sender: AddNoOverflow<F>,
    pay_coinbase: AddNoOverflow<F>,
    /// The sender's and the coinbase's new balances, range-checked.
    new_balances: [WordBytes<F>; 2],
}

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

impl<F: PrimeField> ExecutionGadget<F> for EndTxGadget<F> {
    const NAME: &'static str = "END_TX";
    const STATE: ExecutionState = ExecutionState::EndTx;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let tx_id = step.tx_id.clone();
        let gas_limit = cb.tx_lookup(tx_id.clone(), TxFieldTag::GasLimit, c(0));
        let price = cb.tx_lookup(tx_id.clone(), TxFieldTag::EffectiveGasPrice, c(0));
        let caller = cb.tx_lookup(tx_id.clone(), TxFieldTag::CallerAddress, c(0));
        let coinbase = cb.block_lookup(BlockFieldTag::Coinbase, c(0));
        let base_fee = cb.block_lookup(BlockFieldTag::BaseFee, c(0));
        for (what, w) in [
            ("GasLimit.hi = 0", &gas_limit),
            ("EffectiveGasPrice.hi = 0", &price),
            ("BaseFee.hi = 0", &base_fee),
        ] {
            cb.require_zero(what, w.hi.clone());
        }

        let used = ByteNumber::configure(
            cb,
            "used = GasLimit - gas_left",
            gas_limit.lo.clone() - step.gas_left.clone(),
        );
        let used_expr = used.word().lo;
        let quotient = cb.query_bytes::<8>();
        let quotient = ByteNumber { bytes: quotient };
        let q = quotient.word().lo;
        let remainder = cb.query_byte();
        let slack = cb.query_byte();
        cb.require_equal(
            "used = 5·q + r",
            used_expr.clone(),
            q.clone() * c(5) + remainder.expr(),
        );
        cb.require_equal(
            "r + slack = 4 (r < 5)",
            remainder.expr() + slack.expr(),
            c(4),
        );
        let refund = step.refund.clone();
        let refund_lt = cb.query_bool("refund < q is boolean");
        let diff = ByteNumber::configure(
            cb,
            "refund - q + lt·2^64",
            refund.clone() - q.clone() + refund_lt.expr() * Expression::Constant(pow2::<F>(64)),
        );
        let effective_refund = cb.query_cell();
        let eff = effective_refund.expr();
        cb.require_equal(
            "effective refund = min(refund, q)",
            eff.clone(),
            q.clone() + refund_lt.expr() * (refund.clone() - q),
        );
        let tip = ByteNumber::configure(
            cb,
            "tip = EffectiveGasPrice - BaseFee",
            price.lo.clone() - base_fee.lo,
        );
        let credit = ByteNumber::configure(
            cb,
            "sender credit = (gas_left + eff)·EffectiveGasPrice",
            (step.gas_left.clone() + eff.clone()) * price.lo,
        );
        let reward = ByteNumber::configure(
            cb,
            "coinbase reward = (used - eff)·tip",
            (used_expr.clone() - eff.clone()) * tip.word().lo,
        );

        let is_success = cb.call_context_lookup(CallContextField::IsSuccess);
        let refund_read = cb.tx_refund_read(tx_id.clone());
        cb.require_equal_word(
            "refund read = step refund",
            refund_read,
            Word::new(refund, c(0)),
        );
        let sender = cb.account_write(address_expr(&caller), AccountField::Balance);
        let pay_sender = AddNoOverflow::configure(
            cb,
            "sender balance_prev + credit = balance",
            sender.value_prev,
            credit.word(),
            sender.value.clone(),
        );
        pay_sender.require_boolean_carry(cb, "sender");
        let sender_bytes = WordBytes::configure(cb, "sender balance after", sender.value.clone());
        let miner = cb.account_write(address_expr(&coinbase), AccountField::Balance);
        let pay_coinbase = AddNoOverflow::configure(
            cb,
            "coinbase balance_prev + reward = balance",
            miner.value_prev,
            reward.word(),
            miner.value.clone(),
        );
        pay_coinbase.require_boolean_carry(cb, "coinbase");
        let miner_bytes = WordBytes::configure(cb, "coinbase balance after", miner.value.clone());
        let previous = cb
            .tx_receipt_access(
                false,
                tx_id.clone() - c(1),
                TxReceiptField::CumulativeGasUsed,
            )
            .value;
        let status = cb.tx_receipt_access(true, tx_id.clone(), TxReceiptField::PostStateOrStatus);
        cb.require_equal_word("receipt status = IsSuccess", status.value, is_success);
        let cumulative =
            cb.tx_receipt_access(true, tx_id.clone(), TxReceiptField::CumulativeGasUsed);
        cb.require_equal_word(
            "receipt cumulative gas = previous + used - eff",
            cumulative.value,
            Word::new(previous.lo + used_expr - eff, previous.hi),
        );
        let logs = cb.tx_receipt_access(true, tx_id, TxReceiptField::LogLength);
        cb.require_equal_word(
            "receipt log length = log_id",
            logs.value,
            Word::new(step.log_id, c(0)),
        );

        cb.require_next_state(&AFTER_DELETION);
        cb.require_step_state_transition(after_end_tx(cb, Transition::Delta(c(1))));
        Self {
            context: cb.context_columns(),
            used,
            quotient,
            remainder,
            slack,
            refund_lt,
            diff,
            effective_refund,
            tip,
            credit,
            reward,
            pay_sender,
            pay_coinbase,
            new_balances: [sender_bytes, miner_bytes],
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let slots = [
            tx_slot(TxFieldTag::GasLimit),
            tx_slot(TxFieldTag::EffectiveGasPrice),
            tx_slot(TxFieldTag::CallerAddress),
            block_slot(BlockFieldTag::Coinbase),
            block_slot(BlockFieldTag::BaseFee),
        ];
        for (row, slot) in slots.into_iter().enumerate() {
            assign_context(region, &self.context, row, slot, 0, witness, step)?;
        }
        let tx = witness.txs.get(step.tx_index).ok_or(Error::Synthesis)?;
        let used = tx
            .tx
            .gas_limit
            .checked_sub(step.gas_left)
            .ok_or(Error::Synthesis)?;
        self.used.assign(region, U256::from(used))?;
        let (q, r) = (used / 5, used % 5);
        self.quotient.assign(region, U256::from(q))?;
        self.remainder.assign(region, F::from(r))?;
        self.slack.assign(region, F::from(4 - r))?;
        let refund = step.refund;
        let lt = refund < q;
        self.refund_lt.assign(region, F::from(u64::from(lt)))?;
        let diff = if lt {
            u128::from(refund) + (1u128 << 64) - u128::from(q)
        } else {
            u128::from(refund - q)
        };
        self.diff.assign(region, U256::from(diff))?;
        let eff = refund.min(q);
        self.effective_refund.assign(region, F::from(eff))?;
        let price = tx.tx.effective_gas_price;
        let tip = price
            .checked_sub(u128::from(witness.block.base_fee))
            .ok_or(Error::Synthesis)?;
        self.tip.assign(region, U256::from(tip))?;
        let credit = U256::from(step.gas_left + eff) * U256::from(price);
        self.credit.assign(region, credit)?;
        let reward = U256::from(used - eff) * U256::from(tip);
        self.reward.assign(region, reward)?;
        let rws = witness.step_rws(step);
        let sender_prev = rws.get(2).ok_or(Error::Synthesis)?.value_prev;
        self.pay_sender.assign(region, sender_prev, credit)?;
        let coinbase_prev = rws.get(3).ok_or(Error::Synthesis)?.value_prev;
        self.pay_coinbase.assign(region, coinbase_prev, reward)?;
        for (bytes, i) in self.new_balances.iter().zip([2, 3]) {
            bytes.assign(region, rws.get(i).ok_or(Error::Synthesis)?.value)?;
        }
        Ok(())
    }

    fn unsupported(step: &ExecStep, _: &WitnessIndex) -> bool {
        step.rw_count != END_TX_RWS
    }
}

#[cfg(test)]
mod tests;
