//! AccessListWarm: one item of a transaction's access list (EIP-2930) marked warm, in a
//! synthetic step of its own; the items follow `BeginTx`, one step each, in list order.
//!
//! The chain is counted down by one cell, `items`, allocated first in both `BeginTx` and
//! this gadget so that it sits at the same position in both layouts ([`AccessListChain`]):
//! `BeginTx` holds the item count and each step the items not yet warmed, itself included.
//!
//! ```text
//! items: the chain cell;  "items ≠ 0: items·items_inv = 1"
//! tx lookups: A = AccessListAddressesLen, K = AccessListStorageKeysLen
//! j = A + K − items                                  (the item this step warms)
//! tx lookups of item j: address, is_key (boolean), key
//! is_key = 0 (switched): access-list account write (tx_id, address) = 1
//! is_key = 1 (switched): access-list slot write (tx_id, address, key) = 1
//! if items ≠ 1: next state is AccessListWarm, next.items = items − 1
//! no transaction boundary next (the root call's code runs after the list)
//! transition: rw_counter + 1; everything else unchanged
//! ```
//! Soundness. `BeginTx` starts the chain at `A + K` when it is not 0, each step lowers it by
//! one and the step with `items = 1` is the last: the steps warm items `0, 1, …, A + K − 1`,
//! each exactly once, and the table holds each item's fields (tied to the transaction by the
//! public inputs). A step placed anywhere else warms an item of the list again, which is
//! already warm: it changes nothing. A step with `items > A + K` looks up an index that has no
//! row. Cost: one rw access and five context lookups per item.

use super::{padding::all_same, tx_arith::address_expr, ExecutionGadget};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, RwRowColumns, StepStateTransition, Transition},
};
use crate::table::TxFieldTag;
use equivm_gadgets::Word;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The chain cell `BeginTx` hands to the first `AccessListWarm` step and each step to the
/// next: the access-list items not yet warmed.
#[derive(Clone, Debug)]
pub struct AccessListChain<F: PrimeField> {
    /// Items left, this step's included (in `BeginTx`: all of them).
    pub items: Cell<F>,
}

impl<F: PrimeField> AccessListChain<F> {
    /// Allocates the cell; call it first in the gadget's configuration.
    pub fn query(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        Self {
            items: cb.query_cell(),
        }
    }

    /// If `condition` (boolean, degree 1): the next step is an `AccessListWarm` whose chain
    /// cell holds `items`.
    pub fn require_next(
        &self,
        cb: &mut ConstraintBuilder<'_, F>,
        condition: Expression<F>,
        items: Expression<F>,
    ) {
        let cell = self.items.clone();
        cb.condition(condition.clone(), |cb| {
            cb.require_next("next.items = items", move |next| next(&cell) - items);
        });
        cb.require_next_state_if(condition, ExecutionState::AccessListWarm);
    }
}

/// AccessListWarm.
#[derive(Clone, Debug)]
pub struct AccessListWarmGadget<F: PrimeField> {
    /// The chain cell.
    pub chain: AccessListChain<F>,
    /// `1 / items`.
    pub items_inv: Cell<F>,
    /// `1 / (items − 1)`, or 0 on the last item.
    pub rest_inv: Cell<F>,
    /// 1 on the last item (`items = 1`).
    pub is_last: Cell<F>,
    context: ContextColumns,
    rw_rows: RwRowColumns,
}

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

impl<F: PrimeField> ExecutionGadget<F> for AccessListWarmGadget<F> {
    const NAME: &'static str = "ACCESS_LIST_WARM";
    const STATE: ExecutionState = ExecutionState::AccessListWarm;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let chain = AccessListChain::query(cb);
        let step = cb.step();
        let tx_id = step.tx_id.clone();
        let items = chain.items.expr();
        let items_inv = cb.query_cell();
        cb.require_equal(
            "items ≠ 0: items·items_inv = 1",
            items.clone() * items_inv.expr(),
            c(1),
        );

        let addresses = cb.tx_lookup(tx_id.clone(), TxFieldTag::AccessListAddressesLen, c(0));
        let keys = cb.tx_lookup(tx_id.clone(), TxFieldTag::AccessListStorageKeysLen, c(0));
        for (what, w) in [
            ("AccessListAddressesLen", &addresses),
            ("AccessListStorageKeysLen", &keys),
        ] {
            cb.require_zero(&format!("{what}.hi = 0"), w.hi.clone());
        }
        let j = addresses.lo + keys.lo - items.clone();
        let address = cb.tx_lookup(tx_id.clone(), TxFieldTag::AccessListItemAddress, j.clone());
        let is_key = cb.tx_lookup(tx_id.clone(), TxFieldTag::AccessListItemIsKey, j.clone());
        let key = cb.tx_lookup(tx_id.clone(), TxFieldTag::AccessListItemKey, j);
        cb.require_zero("is_key.hi = 0", is_key.hi.clone());
        let is_key = is_key.lo;
        cb.require_boolean("is_key is boolean", is_key.clone());
        let address = address_expr(&address);
        cb.switched_rw_accesses(c(1) - is_key.clone(), |cb| {
            cb.access_list_account_write(tx_id.clone(), address.clone());
        });
        cb.switched_rw_accesses(is_key, |cb| {
            let row = cb.access_list_storage_access(true, tx_id.clone(), address, key);
            cb.require_equal_word(
                "access list slot write: value = 1",
                row.value,
                Word::new(c(1), c(0)),
            );
        });

        // is_last = [items = 1]
        let is_last = cb.query_bool("is_last is boolean");
        let rest_inv = cb.query_cell();
        let rest = items - c(1);
        cb.require_zero("is_last·(items − 1) = 0", is_last.expr() * rest.clone());
        cb.require_equal(
            "1 − is_last = (items − 1)·rest_inv",
            c(1) - is_last.expr(),
            rest.clone() * rest_inv.expr(),
        );
        chain.require_next(cb, c(1) - is_last.expr(), rest);
        // Then the root call's code runs.
        cb.require_next_not_boundary();

        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            ..all_same()
        });
        Self {
            chain,
            items_inv,
            rest_inv,
            is_last,
            context: cb.context_columns(),
            rw_rows: cb.rw_row_columns(),
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let tx = witness.txs.get(step.tx_index).ok_or(Error::Synthesis)?;
        let total = crate::table::tx::access_list_items(&tx.tx).count() as u64;
        // The steps of this tx's list before this one.
        let before = witness
            .steps
            .iter()
            .take_while(|s| {
                (s.rw_counter, s.execution_state) != (step.rw_counter, step.execution_state)
            })
            .filter(|s| s.tx_index == step.tx_index && s.execution_state == Self::STATE)
            .count() as u64;
        let items = total
            .checked_sub(before)
            .filter(|n| *n > 0)
            .ok_or(Error::Synthesis)?;
        let j = before;
        let f = |v: u64| F::from(v);
        self.chain.items.assign(region, f(items))?;
        self.items_inv
            .assign(region, f(items).invert().unwrap_or(F::ZERO))?;
        self.is_last.assign(region, f(u64::from(items == 1)))?;
        self.rest_inv
            .assign(region, f(items - 1).invert().unwrap_or(F::ZERO))?;
        use super::tx_arith::{assign_context, tx_slot};
        let slots = [
            (TxFieldTag::AccessListAddressesLen, 0),
            (TxFieldTag::AccessListStorageKeysLen, 0),
            (TxFieldTag::AccessListItemAddress, j),
            (TxFieldTag::AccessListItemIsKey, j),
            (TxFieldTag::AccessListItemKey, j),
        ];
        let mut is_key = false;
        for (row, (tag, index)) in slots.into_iter().enumerate() {
            let value = assign_context(
                region,
                &self.context,
                row,
                tx_slot(tag),
                index,
                witness,
                step,
            )?;
            if tag == TxFieldTag::AccessListItemIsKey {
                is_key = value.lo == F::ONE;
            }
        }
        let rws = witness.step_rws(step);
        let write = rws.first().ok_or(Error::Synthesis)?;
        self.rw_rows.assign(region, 0, (!is_key).then_some(write))?;
        self.rw_rows.assign(region, 1, is_key.then_some(write))
    }

    fn unsupported(step: &ExecStep, _index: &WitnessIndex) -> bool {
        step.rw_count != 1
    }
}

#[cfg(test)]
mod tests;
