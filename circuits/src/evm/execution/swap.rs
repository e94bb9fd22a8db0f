//! SWAP1..SWAP16: exchanges the top stack item with item `n` (counted from the top).
//!
//! `n + 1` is the opcode's `stack_inputs`.
//!
//! ```text
//! stack read  at stack_pointer          top   (rw access 0)
//! stack read  at stack_pointer + n      deep  (rw access 1)
//! stack write at stack_pointer          deep  (rw access 2)  "SWAP: new top = deep"
//! stack write at stack_pointer + n      top   (rw access 3)  "SWAP: new deep = top"
//! transition (SameContext): pc + 1, stack pointer unchanged, gas - 3
//! ```

use super::{ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, constraint_builder::ConstraintBuilder};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// SWAP1..SWAP16.
#[derive(Clone, Debug)]
pub struct SwapGadget<F: PrimeField> {
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for SwapGadget<F> {
    const NAME: &'static str = "SWAP";
    const STATE: ExecutionState = ExecutionState::Swap;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let zero = || Expression::Constant(F::ZERO);
        let n = cb.props().stack_inputs - Expression::Constant(F::ONE);
        let top = cb.stack_lookup(false, zero());
        let deep = cb.stack_lookup(false, n.clone());
        let new_top = cb.stack_lookup(true, zero());
        let new_deep = cb.stack_lookup(true, n);
        cb.require_equal_word("new top = deep", new_top, deep);
        cb.require_equal_word("new deep = top", new_deep, top);
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
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// PUSH1 1 PUSH1 2 PUSH1 3 SWAP1 SWAP2 STOP.
    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 1, 0x60, 2, 0x60, 3, 0x90, 0x91, 0x00]);
        let first = nth_step(&w, ExecutionState::Swap, 0);
        slice(&w, first..first + 2)
    }

    #[test]
    fn swap1_swap2_pass() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn swap_writes_the_deep_item_on_top() {
        let o = Override::Rw {
            step: 0,
            access: 2,
            field: "value_lo",
            value: Fr::from(3),
        };
        assert_rejected(verify(&circuit(), vec![o]), "SWAP: new top = deep (lo)");
    }

    #[test]
    fn swap_keeps_the_stack_pointer() {
        let c = circuit();
        let sp = c.witness.steps[c.steps.start].stack_pointer;
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(sp - 1),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "SWAP: next.stack_pointer = stack_pointer + delta",
        );
    }

    #[test]
    fn swap_counts_its_rw_accesses() {
        let o = Override::Rw {
            step: 1,
            access: 3,
            field: "rw_counter",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "SWAP: stack write #3: rw.rw_counter = step.rw_counter + k",
        );
    }
}
