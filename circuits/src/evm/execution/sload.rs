//! SLOAD: pushes the value of storage slot `key` of the running account (EIP-2929 gas).
//!
//! ```text
//! rw 0  key = pop
//! rw 1  call context TxId read = tx_id
//! rw 2  call context CalleeAddress read (the account whose storage this is)
//! rw 3  Storage read of (tx_id, callee, key) = value
//! rw 4  slot warm mark write: value 1, value_prev = was_warm (boolean)
//! rw 5  push value
//! gas:  100 (constant) + 2000·(1 − was_warm)    (cold slot: 2100 in all)
//! transition: pc + 1, stack pointer same, reversible writes + 1 (the warm mark), rest same
//! ```

use super::{tx_arith::address_expr, DynamicCost, ExecutionGadget, SameContext, SideEffects};
use crate::evm::{
    assign::StepRegion,
    constraint_builder::{ConstraintBuilder, Reversion},
};
use equivm_gadgets::Word;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, RwTag, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Gas of a cold slot access on top of the warm cost (EIP-2929: 2100 − 100).
pub const COLD_SLOAD_EXTRA: u64 = 2000;

/// SLOAD.
#[derive(Clone, Debug)]
pub struct SloadGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

/// Reads the step's tx id (checked against the step state) and running account from the
/// call context; returns the account as one field element.
pub(crate) fn storage_context<F: PrimeField>(
    cb: &mut ConstraintBuilder<'_, F>,
    with_is_static: bool,
) -> Expression<F> {
    let c = |v: u64| Expression::Constant(F::from(v));
    let tx_id = cb.call_context_lookup(CallContextField::TxId);
    cb.require_equal_word(
        "call context TxId = tx_id",
        tx_id,
        Word::new(cb.step().tx_id, c(0)),
    );
    if with_is_static {
        let is_static = cb.call_context_lookup(CallContextField::IsStatic);
        cb.require_equal_word("not a static call", is_static, Word::new(c(0), c(0)));
    }
    let callee = cb.call_context_lookup(CallContextField::CalleeAddress);
    address_expr(&callee)
}

/// Requires a warm-mark write's `value_prev` to be a boolean flag; returns it.
pub(crate) fn was_warm<F: PrimeField>(
    cb: &mut ConstraintBuilder<'_, F>,
    value_prev: Word<Expression<F>>,
) -> Expression<F> {
    cb.require_zero("warm flag: value_prev.hi = 0", value_prev.hi);
    cb.require_boolean("warm flag: value_prev is boolean", value_prev.lo.clone());
    value_prev.lo
}

impl<F: PrimeField> ExecutionGadget<F> for SloadGadget<F> {
    const NAME: &'static str = "SLOAD";
    const STATE: ExecutionState = ExecutionState::Sload;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let key = cb.stack_pop();
        let callee = storage_context(cb, false);
        let tx_id = cb.step().tx_id;
        let value = cb
            .storage_access(
                RwTag::Storage,
                false,
                tx_id.clone(),
                callee.clone(),
                key.clone(),
            )
            .value;
        let mark = cb.access_list_storage_access(true, tx_id, callee, key);
        cb.undo_if_reverted(&Reversion::of_step(&cb.step()));
        cb.require_equal_word(
            "slot warm mark: value = 1",
            mark.value,
            Word::new(c(1), c(0)),
        );
        let warm = was_warm(cb, mark.value_prev);
        let pushed = cb.stack_push();
        cb.require_equal_word("pushed value = storage value", pushed, value);
        let memory_word_size = cb.step().memory_word_size;
        let same_context = SameContext::configure_with_effects(
            cb,
            c(1),
            Some(DynamicCost {
                gas: (c(1) - warm) * c(COLD_SLOAD_EXTRA),
                memory_word_size,
            }),
            SideEffects {
                reversible_writes: c(1),
                refund: super::Transition::Same,
                ..SideEffects::none()
            },
        );
        Self { same_context }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        _: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// SLOAD of slot 0 twice (cold, then warm).
    fn circuit(n: usize) -> EvmCircuit {
        let w = witness_of(vec![0x5f, 0x54, 0x5f, 0x54, 0x00]);
        let i = nth_step(&w, ExecutionState::Sload, n);
        slice(&w, i..i + 1)
    }

    fn rw(access: usize, field: &'static str, value: u64) -> Override<Fr> {
        Override::Rw {
            step: 0,
            access,
            field,
            value: Fr::from(value),
        }
    }

    #[test]
    fn cold_and_warm_sload_pass() {
        assert_eq!(verify(&circuit(0), vec![]), Ok(()));
        assert_eq!(verify(&circuit(1), vec![]), Ok(()));
    }

    #[test]
    fn pushed_value_is_the_storage_value() {
        assert_rejected(
            verify(&circuit(0), vec![rw(5, "value_lo", 9)]),
            "SLOAD: pushed value = storage value (lo)",
        );
    }

    #[test]
    fn cold_access_costs_2100() {
        // Claim the cold slot was warm: the gas then disagrees with the next step's.
        assert_rejected(
            verify(&circuit(0), vec![rw(4, "value_prev_lo", 1)]),
            "SLOAD: next.gas_left = gas_left + delta",
        );
    }

    #[test]
    fn storage_read_uses_the_popped_key() {
        assert_rejected(
            verify(&circuit(1), vec![rw(3, "key_lo", 1)]),
            "storage access #3: rw.key.lo",
        );
    }

    #[test]
    fn storage_of_the_running_account() {
        assert_rejected(
            verify(&circuit(0), vec![rw(3, "address", 7)]),
            "storage access #3: rw.address",
        );
    }
}
