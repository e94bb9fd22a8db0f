//! ORIGIN and GASPRICE: push a field of the step's transaction, read from the tx table.
//!
//! ```text
//! OpcodeSelect over (0x32, 0x3a)
//! tx_id = call context TxId (rw 0); pushed = push (rw 1)
//! "tx_id read = step.tx_id" (lo), "tx_id read.hi = 0"
//! value = tx lookup (step.tx_id, pick(CallerAddress, EffectiveGasPrice), 0)   context row 0
//! "pushed = tx field" (lo, hi)
//! transition (SameContext): pc + 1, stack pointer - 1, gas - 2
//! ```
//!
//! ORIGIN is the tx's sender whatever the call depth, and GASPRICE the price per unit of gas
//! the tx pays (for EIP-1559 transactions the effective price, which the tx circuit will
//! derive from the fee caps and the base fee).

use super::{
    opcode_select::OpcodeSelect,
    tx_arith::{assign_context, tx_slot},
    ExecutionGadget, SameContext,
};
use crate::evm::{
    assign::StepRegion, columns::ContextColumns, constraint_builder::ConstraintBuilder,
};
use crate::table::TxFieldTag;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The opcodes of the state and the tx field each pushes.
const FIELDS: [(u8, TxFieldTag); 2] = [
    (0x32, TxFieldTag::CallerAddress),
    (0x3a, TxFieldTag::EffectiveGasPrice),
];

/// ORIGIN, GASPRICE.
#[derive(Clone, Debug)]
pub struct TxContextGadget<F: PrimeField> {
    /// Which opcode runs.
    pub opcode: OpcodeSelect<F, 2>,
    context: ContextColumns,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for TxContextGadget<F> {
    const NAME: &'static str = "TX_CONTEXT";
    const STATE: ExecutionState = ExecutionState::TxContext;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let opcode = OpcodeSelect::configure(cb, FIELDS.map(|(op, _)| op));
        let tx_id = cb.call_context_lookup(CallContextField::TxId);
        let pushed = cb.stack_push();
        cb.require_equal("tx_id read = step.tx_id", tx_id.lo, step.tx_id.clone());
        cb.require_zero("tx_id read.hi = 0", tx_id.hi);
        let tag = opcode.pick(FIELDS.map(|(_, t)| t as u64));
        let value = cb.tx_lookup_expr(step.tx_id, tag, Expression::Constant(F::ZERO));
        cb.require_equal_word("pushed = tx field", pushed, value);
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self {
            opcode,
            context: cb.context_columns(),
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let i = self.opcode.assign(region, step.opcode)?;
        let slot = tx_slot(FIELDS[i].1);
        assign_context(region, &self.context, 0, slot, 0, witness, step)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::{ExecutionState, Witness};
    use halo2curves::bn256::Fr;

    /// ORIGIN POP GASPRICE POP STOP.
    fn witness() -> Witness {
        witness_of(vec![0x32, 0x50, 0x3a, 0x50, 0x00])
    }

    fn circuit(n: usize) -> EvmCircuit {
        let w = witness();
        let i = nth_step(&w, ExecutionState::TxContext, n);
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
    fn origin_and_gasprice_pass() {
        let w = witness();
        assert!(EvmCircuit::unsupported_steps(&w).is_empty());
        assert_eq!(verify(&circuit(0), vec![]), Ok(()));
        assert_eq!(verify(&circuit(1), vec![]), Ok(()));
        assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
    }

    #[test]
    fn origin_pushes_the_sender() {
        assert_rejected(
            verify(&circuit(0), vec![rw(1, "value_lo", Fr::from(0xbeef))]),
            "TX_CONTEXT: pushed = tx field (lo)",
        );
    }

    #[test]
    fn gasprice_pushes_the_price() {
        assert_rejected(
            verify(&circuit(1), vec![rw(1, "value_lo", Fr::from(12345))]),
            "TX_CONTEXT: pushed = tx field (lo)",
        );
    }

    #[test]
    fn the_field_is_of_the_step_s_tx() {
        assert_rejected(
            verify(&circuit(1), vec![rw(0, "value_lo", Fr::from(2))]),
            "TX_CONTEXT: tx_id read = step.tx_id",
        );
    }

    #[test]
    fn the_selector_follows_the_opcode() {
        let g = (*config().gadgets.tx_context).clone();
        let o = vec![cell(0, &g.opcode.sel[0], 0), cell(0, &g.opcode.sel[1], 1)];
        assert_rejected(verify(&circuit(0), o), "TX_CONTEXT: Σ sel_i·op_i = opcode");
    }
}
