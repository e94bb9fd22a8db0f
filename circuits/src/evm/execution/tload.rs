//! TLOAD (EIP-1153): pushes the transient-storage value of `key` for the current contract.
//!
//! ```text
//! key    = pop                                       (rw 0)
//! tx_id  = call context TxId read                    (rw 1)   "TxId read = step tx_id"
//! callee = call context CalleeAddress read           (rw 2)
//! value  = TransientStorage read of (tx_id, callee, key)  (rw 3)
//! pushed = push                                      (rw 4)   "pushed = transient value"
//! transition (SameContext): pc + 1, stack pointer + 0, gas - 100, rw_counter + 5
//! ```
//! The callee address is one field element (`lo + hi·2^128` of its 160-bit word), the rw
//! table's `address`. The rw row's committed value is zero (transient storage has none) and a
//! read has `value_prev = value` (builder checks); that the read returns the latest write of
//! the tx (or 0) is the state circuit's.

use super::{tx_arith::address_expr, ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_gadgets::Word;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, RwTag, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// TLOAD.
#[derive(Clone, Debug)]
pub struct TloadGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for TloadGadget<F> {
    const NAME: &'static str = "TLOAD";
    const STATE: ExecutionState = ExecutionState::Tload;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let key = cb.stack_pop();
        let tx_id = cb.call_context_lookup(CallContextField::TxId);
        cb.require_equal_word(
            "TxId read = step tx_id",
            tx_id,
            Word::new(step.tx_id.clone(), Expression::Constant(F::ZERO)),
        );
        let callee = cb.call_context_lookup(CallContextField::CalleeAddress);
        let read = cb.storage_access(
            RwTag::TransientStorage,
            false,
            step.tx_id,
            address_expr(&callee),
            key,
        );
        let pushed = cb.stack_push();
        cb.require_equal_word("pushed = transient value", pushed, read.value);
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
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

    /// `[0] PUSH1 5 [1] TLOAD [2] POP` (slot 5 unset), `[3] PUSH1 7 [4] PUSH1 5 [5] TSTORE`,
    /// `[6] PUSH1 5 [7] TLOAD [8] POP` (slot 5 = 7), `[9] STOP`.
    fn witness() -> equivm_witness::Witness {
        witness_of(vec![
            0x60, 5, 0x5c, 0x50, 0x60, 7, 0x60, 5, 0x5d, 0x60, 5, 0x5c, 0x50, 0x00,
        ])
    }

    /// The `n`-th TLOAD alone.
    fn circuit(n: usize) -> EvmCircuit {
        let w = witness();
        let i = nth_step(&w, ExecutionState::Tload, n);
        slice(&w, i..i + 1)
    }

    fn rw(access: usize, field: &'static str, value: Fr) -> Override<Fr> {
        Override::Rw {
            step: 0,
            access,
            field,
            value,
        }
    }

    #[test]
    fn tload_of_an_unset_slot_passes() {
        let c = circuit(0);
        let rws = c.witness.step_rws(&c.witness.steps[c.steps.start]);
        assert_eq!((rws[3].value, rws[4].value), (U256::ZERO, U256::ZERO));
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn tload_of_a_set_slot_passes() {
        let c = circuit(1);
        let rws = c.witness.step_rws(&c.witness.steps[c.steps.start]);
        assert_eq!(rws[4].value, U256::from(7));
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn tload_of_the_whole_run_passes() {
        let w = witness();
        let c = slice(&w, 0..w.steps.len());
        assert!(EvmCircuit::unsupported_steps(&w).is_empty());
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn tload_pushes_the_value_read() {
        assert_rejected(
            verify(&circuit(1), vec![rw(4, "value_lo", Fr::from(8))]),
            "TLOAD: pushed = transient value (lo)",
        );
    }

    #[test]
    fn tload_reads_the_popped_key() {
        assert_rejected(
            verify(&circuit(1), vec![rw(3, "key_lo", Fr::from(6))]),
            "TLOAD: storage access #3: rw.key.lo",
        );
    }

    #[test]
    fn tload_reads_the_callee_account() {
        assert_rejected(
            verify(&circuit(1), vec![rw(3, "address", Fr::from(0xbeef))]),
            "TLOAD: storage access #3: rw.address",
        );
    }

    #[test]
    fn tload_reads_transient_storage_of_this_tx() {
        assert_rejected(
            verify(&circuit(1), vec![rw(1, "value_lo", Fr::from(2))]),
            "TLOAD: TxId read = step tx_id (lo)",
        );
    }

    #[test]
    fn tload_costs_100() {
        let c = circuit(0);
        let gas = c.witness.steps[c.steps.start].gas_left;
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(gas - 3),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "TLOAD: next.gas_left = gas_left + delta",
        );
    }

    #[test]
    fn tload_leaves_the_stack_height() {
        let c = circuit(0);
        let sp = c.witness.steps[c.steps.start].stack_pointer;
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(sp - 1),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "TLOAD: next.stack_pointer = stack_pointer + delta",
        );
    }
}
