//! ErrorInvalidOpcode in the root call: the byte at `pc` is not an opcode (undefined in
//! Cancun, or `INVALID`, 0xFE).
//!
//! ```text
//! "ERROR_INVALID_OPCODE: opcode's success state is ErrorInvalidOpcode"
//! ErrorEnd (rw 0: IsSuccess = 0)       (see common_error.rs)
//! ```
//! The opcode's properties (fixed table) give the state a successful step of it would have;
//! the table gives `ErrorInvalidOpcode` exactly to the undefined bytes and to 0xFE (which is
//! defined, `is_defined = 1`, but always fails), so that state, not `is_defined = 0`, is the
//! condition. The responsible-opcode lookup allows the same bytes only. An opcode that is
//! defined in Cancun but not yet active in an older fork (revm's `NotActivated`) is
//! reported unsupported: the fixed table is Cancun's. No stack item is read. Cost: no cell.

use super::{common_error::ErrorEnd, ExecutionGadget};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    constraint_builder::ConstraintBuilder,
    step::state_index,
};
use equivm_witness::{opcodes::opcode_info, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// ErrorInvalidOpcode (root call).
#[derive(Clone, Debug)]
pub struct ErrorInvalidOpcodeGadget<F: PrimeField> {
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorInvalidOpcodeGadget<F> {
    const NAME: &'static str = "ERROR_INVALID_OPCODE";
    const STATE: ExecutionState = ExecutionState::ErrorInvalidOpcode;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let invalid = state_index(ExecutionState::ErrorInvalidOpcode) as u64;
        cb.require_equal(
            "opcode's success state is ErrorInvalidOpcode",
            cb.props().execution_state,
            Expression::Constant(F::from(invalid)),
        );
        let end = ErrorEnd::configure(cb);
        Self { end }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, _index: &WitnessIndex) -> bool {
        let invalid = step
            .opcode
            .is_some_and(|op| opcode_info(op).state == ExecutionState::ErrorInvalidOpcode);
        !invalid
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// PUSH1 1 `byte`: the PUSH and the error.
    fn circuit(byte: u8) -> EvmCircuit {
        let w = witness_of(vec![0x60, 1, byte]);
        let err = nth_step(&w, ExecutionState::ErrorInvalidOpcode, 0);
        slice(&w, err - 1..err + 3)
    }

    #[test]
    fn invalid_and_undefined_opcodes_pass() {
        for byte in [0xfe, 0x0c, 0xef] {
            assert_eq!(verify(&circuit(byte), vec![]), Ok(()), "0x{byte:02x}");
        }
    }

    #[test]
    fn invalid_opcode_must_read_failure() {
        let o = Override::Rw {
            step: 1,
            access: 0,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit(0xfe), vec![o]),
            "ERROR_INVALID_OPCODE: call's IsSuccess = 0 (lo)",
        );
    }

    #[test]
    fn invalid_opcode_ends_the_call() {
        let o = Override::StepState {
            step: 2,
            field: "program_counter",
            value: Fr::from(3),
        };
        assert_rejected(
            verify(&circuit(0xfe), vec![o]),
            "ERROR_INVALID_OPCODE: next.program_counter = value",
        );
    }

    #[test]
    fn invalid_is_not_stop() {
        let o = Override::ExecutionState {
            step: 1,
            state: ExecutionState::Stop,
        };
        let texts = failure_texts(verify(&circuit(0xfe), vec![o]));
        assert_named_not(&texts, "EVM responsible opcode", "ERROR_INVALID_OPCODE");
        assert_named_not(
            &texts,
            "STOP: call's IsSuccess = 1 (lo)",
            "ERROR_INVALID_OPCODE",
        );
    }

    #[test]
    fn add_is_no_invalid_opcode() {
        // PUSH1 1 PUSH1 2 ADD STOP: the ADD claims to be invalid.
        let w = witness_of(vec![0x60, 1, 0x60, 2, 0x01, 0x00]);
        let add = nth_step(&w, ExecutionState::AddSub, 0);
        let o = Override::ExecutionState {
            step: 0,
            state: ExecutionState::ErrorInvalidOpcode,
        };
        let texts = failure_texts(verify(&slice(&w, add..add + 1), vec![o]));
        assert_named_not(
            &texts,
            "ERROR_INVALID_OPCODE: opcode's success state is ErrorInvalidOpcode",
            "ADD_SUB",
        );
        assert_named_not(&texts, "EVM responsible opcode", "ADD_SUB");
    }

    #[test]
    fn an_opcode_not_yet_active_is_unsupported() {
        // As revm reports PUSH0 before Shanghai: a defined opcode in this state.
        let mut w = witness_of(vec![0x60, 1, 0xfe]);
        let err = nth_step(&w, ExecutionState::ErrorInvalidOpcode, 0);
        assert!(EvmCircuit::unsupported_steps(&w)
            .iter()
            .all(|(s, _)| *s != ExecutionState::ErrorInvalidOpcode));
        w.steps[err].opcode = Some(0x5f);
        assert!(EvmCircuit::unsupported_steps(&w)
            .contains(&(ExecutionState::ErrorInvalidOpcode, Some(0x5f))));
    }
}
