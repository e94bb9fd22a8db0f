//! SSTORE: writes `value` to storage slot `key` of the running account, with EIP-2200 gas
//! and refunds (EIP-3529 constants) and EIP-2929 cold-slot gas.
//!
//! ```text
//! rw 0,1  key = pop, new = pop
//! rw 2..4 call context TxId = tx_id, IsStatic = 0, CalleeAddress
//! rw 5    Storage write (tx_id, callee, key): value = new, value_prev = current,
//!         committed_value = original (the slot at the tx's start; the state circuit proves it)
//! rw 6    slot warm mark write: value 1, value_prev = was_warm
//! rw 7    refund write: value_prev = refund, value = refund + delta
//! rw 8    created flag read (tx_id, callee, index 1): f ∈ {0, 1, 2} (EIP-6780)
//!         created = [f ≠ 0] (boolean): "2·created = f·(3 − f)"
//! rw 9    slot count write (tx_id, callee, index 2): value = value_prev + created·(cz − nz)
//!         (the non-zero slots of an account created in this tx: what its deletion clears)
//! sentry: gas_left − 2301 fits 8 bytes (EIP-2200: fail when gas_left ≤ 2300)
//! cost and flags cn, oc, on, oz, cz, nz: see `sstore_gas.rs`
//! r_clean    = (1 − oz)·nz·4800
//! r_dirty    = (1 − oz)·(nz − cz)·4800 + on·(oz·19900 + (1 − oz)·2800)
//! r_inner    = oc·r_clean + (1 − oc)·r_dirty
//! delta      = (1 − cn)·r_inner
//! transition: pc + 1, stack pointer + 2, gas − cost, reversible writes + 4, refund → rw 7's value
//! ```
//! (`nz` and `cz` cannot both be 1 when `cn = 0`, so `nz − cz` is the dirty-slot refund sign.)
//! Each product is held in a cell so that no constraint exceeds degree 5.

use super::{
    sload::{storage_context, was_warm},
    sstore_gas::SstoreGas,
    DynamicCost, ExecutionGadget, SameContext, SideEffects, Transition,
};
use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    constraint_builder::{ConstraintBuilder, Reversion},
};
use equivm_gadgets::Word;
use equivm_witness::{ExecStep, ExecutionState, RwTag, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// EIP-2200's stipend sentry: SSTORE fails unless more gas than this is left.
pub const SSTORE_SENTRY: u64 = 2300;

/// SSTORE.
#[derive(Clone, Debug)]
pub struct SstoreGadget<F: PrimeField> {
    /// `gas_left − 2301`, 8 bytes.
    pub sentry: [Cell<F>; 8],
    /// The flags and the gas cost.
    pub gas: SstoreGas<F>,
    r_clean: Cell<F>,
    r_dirty: Cell<F>,
    r_inner: Cell<F>,
    /// `[created flag ≠ 0]`: the account was created in this transaction.
    pub created: Cell<F>,
    same_context: SameContext<F>,
}

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

impl<F: PrimeField> ExecutionGadget<F> for SstoreGadget<F> {
    const NAME: &'static str = "SSTORE";
    const STATE: ExecutionState = ExecutionState::Sstore;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let key = cb.stack_pop();
        let new = cb.stack_pop();
        let callee = storage_context(cb, true);
        let step = cb.step();
        let tx_id = step.tx_id.clone();
        let slot = cb.storage_access(
            RwTag::Storage,
            true,
            tx_id.clone(),
            callee.clone(),
            key.clone(),
        );
        cb.undo_if_reverted(&Reversion::of_step(&cb.step()));
        cb.require_equal_word(
            "storage write: value = popped value",
            slot.value.clone(),
            new.clone(),
        );
        let (current, original) = (slot.value_prev, slot.committed_value);
        let mark = cb.access_list_storage_access(true, tx_id.clone(), callee.clone(), key);
        cb.undo_if_reverted(&Reversion::of_step(&cb.step()));
        cb.require_equal_word(
            "slot warm mark: value = 1",
            mark.value,
            Word::new(c(1), c(0)),
        );
        let warm = was_warm(cb, mark.value_prev);
        let refund = cb.tx_refund_access(true, tx_id.clone());
        cb.undo_if_reverted(&Reversion::of_step(&cb.step()));
        cb.require_equal_word(
            "refund write: value_prev = refund",
            refund.value_prev,
            Word::new(step.refund.clone(), c(0)),
        );

        let sentry = cb.query_bytes::<8>();
        let exprs: Vec<_> = sentry.iter().map(Cell::expr).collect();
        cb.require_equal(
            "gas_left - 2301 = Σ byte_i·256^i (above the sentry)",
            step.gas_left - c(SSTORE_SENTRY + 1),
            equivm_gadgets::util::expr_from_le_bytes(&exprs),
        );

        let gas = SstoreGas::configure(cb, &current, &original, &new, warm);
        let [cn, oc, on, oz, cz, nz] = gas.flags();
        let (cz_count, nz_count) = (cz.clone(), nz.clone());
        let one = || c::<F>(1);
        let r_clean = cb.query_cell();
        cb.require_equal(
            "r_clean = (1 - oz)·nz·4800",
            r_clean.expr(),
            (one() - oz.clone()) * nz.clone() * c(4800),
        );
        let r_dirty = cb.query_cell();
        cb.require_equal(
            "r_dirty = (1 - oz)·(nz - cz)·4800 + on·(oz·19900 + (1 - oz)·2800)",
            r_dirty.expr(),
            (one() - oz.clone()) * (nz - cz) * c(4800)
                + on * (oz.clone() * c(19900) + (one() - oz) * c(2800)),
        );
        let r_inner = cb.query_cell();
        cb.require_equal(
            "r_inner = oc·r_clean + (1 - oc)·r_dirty",
            r_inner.expr(),
            oc.clone() * r_clean.expr() + (one() - oc) * r_dirty.expr(),
        );
        cb.require_equal_word(
            "refund write: value = refund + (1 - cn)·r_inner",
            refund.value.clone(),
            Word::new(step.refund + (one() - cn) * r_inner.expr(), c(0)),
        );
        let flag = cb.created_flag_read(tx_id.clone(), callee.clone());
        let created = cb.query_bool("created is boolean");
        cb.require_zero("created flag.hi = 0", flag.hi);
        cb.require_equal(
            "2·created = f·(3 - f) (f ∈ {0, 1, 2})",
            created.expr() * c(2),
            flag.lo.clone() * (c(3) - flag.lo),
        );
        let count = cb.slot_count_access(true, tx_id, callee);
        cb.undo_if_reverted(&Reversion::of_step(&cb.step()));
        cb.require_zero("slot count.hi = 0", count.value.hi.clone());
        cb.require_equal(
            "slot count: value = value_prev + created·(cz - nz)",
            count.value.lo,
            count.value_prev.lo + created.expr() * (cz_count - nz_count),
        );

        let props = cb.props();
        let same_context = SameContext::configure_with_effects(
            cb,
            c(1),
            Some(DynamicCost {
                gas: gas.cost.expr() - props.constant_gas,
                memory_word_size: step.memory_word_size,
            }),
            SideEffects {
                reversible_writes: c(4),
                refund: Transition::To(refund.value.lo),
                ..SideEffects::none()
            },
        );
        Self {
            sentry,
            gas,
            r_clean,
            r_dirty,
            r_inner,
            created,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let get = |i: usize| rws.get(i).ok_or(Error::Synthesis);
        let (slot, mark) = (get(5)?, get(6)?);
        let (new, current, original) = (slot.value, slot.value_prev, slot.committed_value);
        let warm = !mark.value_prev.is_zero();
        let above = step
            .gas_left
            .checked_sub(SSTORE_SENTRY + 1)
            .ok_or(Error::Synthesis)?;
        for (cell, byte) in self.sentry.iter().zip(above.to_le_bytes()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        let [_, oc, on, oz, cz, nz] = self.gas.assign(region, current, original, new, warm)?;
        let signed = |v: i64| {
            let f = F::from(v.unsigned_abs());
            if v < 0 {
                -f
            } else {
                f
            }
        };
        let r_clean: i64 = if !oz && nz { 4800 } else { 0 };
        let r_dirty: i64 = if oz {
            0
        } else {
            (i64::from(nz) - i64::from(cz)) * 4800
        } + if on {
            if oz {
                19900
            } else {
                2800
            }
        } else {
            0
        };
        let r_inner = if oc { r_clean } else { r_dirty };
        self.r_clean.assign(region, signed(r_clean))?;
        self.r_dirty.assign(region, signed(r_dirty))?;
        self.r_inner.assign(region, signed(r_inner))?;
        let created = !get(8)?.value.is_zero();
        self.created.assign(region, F::from(u64::from(created)))?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
