//! SELFBALANCE: pushes the balance of the account whose code runs.
//!
//! ```text
//! address = call context CalleeAddress (rw 0)
//! balance = account read (address_expr(address), Balance) (rw 1)
//! pushed = push (rw 2), "pushed = balance" (lo, hi)
//! transition (SameContext): pc + 1, stack pointer - 1, gas - 5
//! ```
//!
//! The account read is keyed by the callee address as one field element (`lo + hi·2^128` of
//! the context word, which the call's start wrote from a 160-bit address), and the state
//! circuit makes it return the balance after every earlier transfer of the block.

use super::{tx_arith::address_expr, ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{AccountField, CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// SELFBALANCE.
#[derive(Clone, Debug)]
pub struct SelfBalanceGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for SelfBalanceGadget<F> {
    const NAME: &'static str = "SELFBALANCE";
    const STATE: ExecutionState = ExecutionState::SelfBalance;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let address = cb.call_context_lookup(CallContextField::CalleeAddress);
        let balance = cb.account_read(address_expr(&address), AccountField::Balance);
        let pushed = cb.stack_push();
        cb.require_equal_word("pushed = balance", pushed, balance);
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
    use equivm_trace::{program::Program, revm::primitives::U256};
    use equivm_witness::{ExecutionState, Witness};
    use halo2curves::bn256::Fr;

    /// SELFBALANCE POP STOP, called with a value of 1000 (the callee's balance grows by it).
    fn witness() -> Witness {
        let traced = Program::new(vec![0x47, 0x50, 0x00]).value(1000).trace();
        equivm_witness::build_witness(&traced.trace).expect("witness builds")
    }

    fn circuit() -> EvmCircuit {
        let w = witness();
        let i = nth_step(&w, ExecutionState::SelfBalance, 0);
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
    fn selfbalance_pushes_the_balance_after_the_transfer() {
        let w = witness();
        let step = &w.steps[nth_step(&w, ExecutionState::SelfBalance, 0)];
        assert!(w.step_rws(step)[2].value >= U256::from(1000));
        assert!(EvmCircuit::unsupported_steps(&w).is_empty());
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
        assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
    }

    #[test]
    fn selfbalance_pushes_the_balance_read() {
        assert_rejected(
            verify(&circuit(), vec![rw(2, "value_lo", Fr::from(1))]),
            "SELFBALANCE: pushed = balance (lo)",
        );
    }

    #[test]
    fn selfbalance_reads_the_callee_account() {
        assert_rejected(
            verify(&circuit(), vec![rw(1, "address", Fr::from(0xbeef))]),
            "SELFBALANCE: account read #1: rw.address",
        );
    }

    #[test]
    fn selfbalance_reads_the_balance_field() {
        assert_rejected(
            verify(&circuit(), vec![rw(1, "field_tag", Fr::from(1))]),
            "SELFBALANCE: account read #1: rw.field_tag",
        );
    }

    #[test]
    fn selfbalance_costs_5() {
        let c = circuit();
        let gas = c.witness.steps[c.steps.start].gas_left;
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(gas - 2),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "SELFBALANCE: next.gas_left = gas_left + delta",
        );
    }
}
