//! TSTORE (EIP-1153): writes `value` to the transient storage of `key` for the current
//! contract, outside a static call.
//!
//! ```text
//! key       = pop                                     (rw 0)
//! value     = pop                                     (rw 1)
//! tx_id     = call context TxId read                  (rw 2)   "TxId read = step tx_id"
//! is_static = call context IsStatic read              (rw 3)   "IsStatic = 0"
//! callee    = call context CalleeAddress read         (rw 4)
//! written   = TransientStorage write of (tx_id, callee, key)  (rw 5)   "written = popped value"
//! transition (SameContext): pc + 1, stack pointer + 2, gas - 100, rw_counter + 6,
//!   reversible_write_counter + 1 (the write joins the call's journal)
//! ```
//! `value_prev` of the write is free here: the state circuit proves it is the slot's latest
//! value (the one a revert restores). A TSTORE in a static call is `ErrorWriteProtection`,
//! another state.

use super::{tx_arith::address_expr, ExecutionGadget, SameContext};
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

/// TSTORE.
#[derive(Clone, Debug)]
pub struct TstoreGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for TstoreGadget<F> {
    const NAME: &'static str = "TSTORE";
    const STATE: ExecutionState = ExecutionState::Tstore;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();
        let key = cb.stack_pop();
        let value = cb.stack_pop();
        let tx_id = cb.call_context_lookup(CallContextField::TxId);
        cb.require_equal_word(
            "TxId read = step tx_id",
            tx_id,
            Word::new(step.tx_id.clone(), c(0)),
        );
        let is_static = cb.call_context_lookup(CallContextField::IsStatic);
        cb.require_equal_word("IsStatic = 0", is_static, Word::new(c(0), c(0)));
        let callee = cb.call_context_lookup(CallContextField::CalleeAddress);
        let write = cb.storage_access(
            RwTag::TransientStorage,
            true,
            step.tx_id,
            address_expr(&callee),
            key,
        );
        cb.undo_if_reverted(&Reversion::of_step(&cb.step()));
        cb.require_equal_word("written = popped value", write.value, value);
        let same_context = SameContext::configure_reversible(cb, c(1), c(1));
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
    use equivm_trace::revm::primitives::U256;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// `[0] PUSH1 7 [1] PUSH1 5 [2] TSTORE` (slot 5 := 7), `[3] PUSH1 9 [4] PUSH1 5
    /// [5] TSTORE` (slot 5: 7 → 9), `[6] STOP`.
    fn witness() -> equivm_witness::Witness {
        witness_of(vec![0x60, 7, 0x60, 5, 0x5d, 0x60, 9, 0x60, 5, 0x5d, 0x00])
    }

    /// The two TSTOREs and the steps between them.
    fn circuit() -> EvmCircuit {
        let w = witness();
        let first = nth_step(&w, ExecutionState::Tstore, 0);
        let second = nth_step(&w, ExecutionState::Tstore, 1);
        slice(&w, first..second + 1)
    }

    fn rw(step: usize, access: usize, field: &'static str, value: Fr) -> Override<Fr> {
        Override::Rw {
            step,
            access,
            field,
            value,
        }
    }

    #[test]
    fn tstore_passes() {
        let c = circuit();
        let steps = &c.witness.steps[c.steps.clone()];
        assert_eq!(
            (
                steps[0].reversible_write_counter,
                steps[3].reversible_write_counter
            ),
            (0, 1)
        );
        let rws = c.witness.step_rws(&steps[3]);
        assert_eq!(
            (rws[5].value_prev, rws[5].value),
            (U256::from(7), U256::from(9))
        );
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn tstore_of_the_whole_run_passes() {
        let w = witness();
        assert!(EvmCircuit::unsupported_steps(&w).is_empty());
        assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
    }

    #[test]
    fn tstore_writes_the_popped_value() {
        assert_rejected(
            verify(&circuit(), vec![rw(0, 5, "value_lo", Fr::from(8))]),
            "TSTORE: written = popped value (lo)",
        );
    }

    #[test]
    fn tstore_writes_the_popped_key() {
        assert_rejected(
            verify(&circuit(), vec![rw(0, 5, "key_lo", Fr::from(6))]),
            "TSTORE: storage access #5: rw.key.lo",
        );
    }

    #[test]
    fn tstore_writes_the_callee_account() {
        assert_rejected(
            verify(&circuit(), vec![rw(3, 5, "address", Fr::from(0xbeef))]),
            "TSTORE: storage access #5: rw.address",
        );
    }

    #[test]
    fn tstore_needs_a_non_static_call() {
        assert_rejected(
            verify(&circuit(), vec![rw(0, 3, "value_lo", Fr::from(1))]),
            "TSTORE: IsStatic = 0 (lo)",
        );
    }

    #[test]
    fn tstore_counts_a_reversible_write() {
        let o = Override::StepState {
            step: 1,
            field: "reversible_write_counter",
            value: Fr::zero(),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "TSTORE: next.reversible_write_counter = reversible_write_counter + delta",
        );
    }

    #[test]
    fn tstore_costs_100() {
        let c = circuit();
        let gas = c.witness.steps[c.steps.start].gas_left;
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(gas - 99),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "TSTORE: next.gas_left = gas_left + delta",
        );
    }
}
