//! ErrorOutOfGasConstant in the root call: the gas left does not cover the opcode's constant
//! gas (for opcodes whose whole cost is constant).
//!
//! ```text
//! gas: a byte cell
//! "ERROR_OOG_CONSTANT: gas = gas_left"
//! LessThan<1>(gas < constant_gas)          gap a byte
//! ErrorEnd (rw 0: IsSuccess = 0)       (see common_error.rs)
//! ```
//! Soundness: `gas` is a byte, so `gas_left ≤ 255` (not a field element below 0);
//! `constant_gas` comes from the opcode's properties (fixed table); a byte `gap` exists only
//! if `gas_left < constant_gas`. Completeness: every opcode the fixed table lets select this
//! state costs at most 256 gas (a test checks it), so an honest `gas_left` is a byte. No
//! stack item is read. Cost: 2 byte cells.

use super::{
    common_error::{ErrorEnd, LessThan},
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_witness::{opcodes::opcode_info, ExecStep, ExecutionState, Witness};
use halo2_proofs::{halo2curves::ff::PrimeField, plonk::Error};

/// ErrorOutOfGasConstant (root call).
#[derive(Clone, Debug)]
pub struct ErrorOogConstantGadget<F: PrimeField> {
    /// The gas left, as a byte.
    pub gas: Cell<F>,
    /// `gas < constant_gas`.
    pub out_of_gas: LessThan<F, 1>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogConstantGadget<F> {
    const NAME: &'static str = "ERROR_OOG_CONSTANT";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasConstant;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let gas = cb.query_byte();
        cb.require_equal("gas = gas_left", gas.expr(), cb.step().gas_left);
        let constant_gas = cb.props().constant_gas;
        let out_of_gas = LessThan::configure(cb, "gas < constant_gas", gas.expr(), constant_gas);
        let end = ErrorEnd::configure(cb);
        Self {
            gas,
            out_of_gas,
            end,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        self.end.assign(region, witness, step)?;
        let opcode = step.opcode.ok_or(Error::Synthesis)?;
        self.gas.assign(region, F::from(step.gas_left))?;
        self.out_of_gas
            .assign(region, step.gas_left, opcode_info(opcode).constant_gas)
    }

    fn unsupported(step: &ExecStep, _index: &WitnessIndex) -> bool {
        let out_of_gas = step
            .opcode
            .is_some_and(|op| step.gas_left < opcode_info(op).constant_gas);
        !out_of_gas
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use crate::table::opcode_rows::error_state_opcodes;
    use equivm_trace::program::Program;
    use equivm_witness::{opcodes::opcode_info, ExecutionState};
    use halo2curves::bn256::Fr;

    /// PUSH1 1 PUSH1 2 ADD STOP with `extra` gas after the intrinsic 21000.
    fn witness(extra: u64) -> equivm_witness::Witness {
        let code = vec![0x60, 1, 0x60, 2, 0x01, 0x00];
        let traced = Program::new(code).gas_limit(21_000 + extra).trace();
        equivm_witness::build_witness(&traced.trace).expect("witness builds")
    }

    /// The ADD has 2 gas of 3: the second PUSH and the error.
    fn circuit() -> EvmCircuit {
        let w = witness(8);
        let err = nth_step(&w, ExecutionState::ErrorOutOfGasConstant, 0);
        assert_eq!(w.steps[err].gas_left, 2);
        slice(&w, err - 1..err + 3)
    }

    #[test]
    fn constant_costs_fit_a_byte() {
        for op in error_state_opcodes(ExecutionState::ErrorOutOfGasConstant) {
            assert!(opcode_info(op).constant_gas <= 256, "0x{op:02x}");
        }
    }

    #[test]
    fn oog_constant_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn oog_constant_gas_is_the_gas_left() {
        // The error step claims 3 gas (enough for ADD): its gas cell says 2.
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(3),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ERROR_OOG_CONSTANT: gas = gas_left",
        );
    }

    #[test]
    fn oog_constant_must_read_failure() {
        let o = Override::Rw {
            step: 1,
            access: 0,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ERROR_OOG_CONSTANT: call's IsSuccess = 0 (lo)",
        );
    }

    #[test]
    fn oog_constant_consumes_all_gas() {
        let o = Override::StepState {
            step: 2,
            field: "gas_left",
            value: Fr::from(2),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ERROR_OOG_CONSTANT: next.gas_left = value",
        );
    }

    #[test]
    fn add_without_gas_is_not_add_sub() {
        let o = Override::ExecutionState {
            step: 1,
            state: ExecutionState::AddSub,
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "ADD_SUB: gas_left - constant_gas = Σ byte_i·256^i (enough gas)",
        );
    }

    #[test]
    fn add_with_enough_gas_is_no_oog() {
        // The ADD has exactly 3 gas and succeeds; it claims out-of-gas with gas 3.
        let w = witness(9);
        let add = nth_step(&w, ExecutionState::AddSub, 0);
        assert_eq!(w.steps[add].gas_left, 3);
        let c = slice(&w, add..add + 1);
        let g = config().gadgets.error_oog_constant;
        let cell = |cell: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 0,
            column: cell.column,
            rotation: cell.rotation,
            value,
        };
        let overrides = vec![
            Override::ExecutionState {
                step: 0,
                state: ExecutionState::ErrorOutOfGasConstant,
            },
            cell(&g.gas, Fr::from(3)),
            // constant_gas - gas - 1 = -1: the gap equation holds, the byte check fails.
            cell(&g.out_of_gas.gap[0], -Fr::from(1)),
        ];
        let texts = failure_texts(verify(&c, overrides));
        assert_named_not(&texts, "EVM byte cell in 0..=255", "gas < constant_gas");
    }
}
