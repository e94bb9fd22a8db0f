//! ErrorOutOfGasSload: SLOAD without the gas for its slot access (EIP-2929: 100 for a warm
//! slot, 2100 for a cold one).
//!
//! ```text
//! key = pop (rw 0)
//! TxId read = tx_id (rw 1), callee = CalleeAddress read (rw 2)
//! flag = slot warm flag read (tx_id, callee, key) (rw 3): boolean
//! LessThan<2>(gas_left < constant_gas + 2000·(1 - flag))
//! ErrorEnd (rw 4: IsSuccess = 0, then the hand-back to a caller)   (see common_error.rs)
//! ```
//! Soundness. The responsible-opcode lookup limits the state to SLOAD, whose constant gas is
//! the warm cost; the flag is read, not set (the failing frame warms nothing that stays).
//! The cost is at most 2100, so a 2-byte gap exists only if `gas_left` is below it.

use super::{
    common_error::{ErrorEnd, LessThan},
    sload::{storage_context, was_warm, COLD_SLOAD_EXTRA},
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    constraint_builder::ConstraintBuilder,
};
use equivm_witness::{execution_state::SLOAD, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// SLOAD's gas: 100, 2000 more for a cold slot.
fn cost(warm: bool) -> u64 {
    100 + if warm { 0 } else { COLD_SLOAD_EXTRA }
}

/// Out of gas on SLOAD.
#[derive(Clone, Debug)]
pub struct ErrorOogSloadGadget<F: PrimeField> {
    /// `gas_left < cost`.
    pub out_of_gas: LessThan<F, 2>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogSloadGadget<F> {
    const NAME: &'static str = "ERROR_OOG_SLOAD";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasSload;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let key = cb.stack_pop();
        let callee = storage_context(cb, false);
        let tx_id = cb.step().tx_id;
        let flag = cb.access_list_storage_access(false, tx_id, callee, key);
        let warm = was_warm(cb, flag.value);
        let cost = cb.props().constant_gas
            + (Expression::Constant(F::ONE) - warm)
                * Expression::Constant(F::from(COLD_SLOAD_EXTRA));
        let out_of_gas = LessThan::configure(
            cb,
            "gas_left < constant_gas + cold gas",
            cb.step().gas_left,
            cost,
        );
        let end = ErrorEnd::configure(cb);
        Self { out_of_gas, end }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let warm = witness
            .step_rws(step)
            .get(3)
            .map(|rw| !rw.value.is_zero())
            .ok_or(Error::Synthesis)?;
        self.out_of_gas.assign(region, step.gas_left, cost(warm))?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        // The key, then the warm flag.
        let provable = match (step.opcode, index.error_stack_reads(step)) {
            (Some(SLOAD), [_, warm]) => step.gas_left < cost(!warm.is_zero()),
            _ => false,
        };
        !provable
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::assign::Override;
    use equivm_trace::program::Program;
    use equivm_witness::{ExecutionState, Witness};
    use halo2curves::bn256::Fr;

    /// `warm_first` SLOADs of slot 0xaa (each then POPped), then SLOAD 0xaa with `gas` left
    /// at it.
    fn witness(warm_first: bool, gas: u64) -> Witness {
        let mut code = Vec::new();
        let mut used = 0;
        if warm_first {
            code.extend_from_slice(&[0x60, 0xaa, 0x54, 0x50]);
            used += 3 + 2100 + 2;
        }
        code.extend_from_slice(&[0x60, 0xaa, 0x54, 0x00]);
        used += 3;
        let traced = Program::new(code).gas_limit(21_000 + used + gas).trace();
        equivm_witness::build_witness(&traced.trace).expect("witness builds")
    }

    fn error_step(w: &Witness) -> usize {
        nth_step(w, ExecutionState::ErrorOutOfGasSload, 0)
    }

    #[test]
    fn cold_and_warm_slots_without_their_gas_pass() {
        for (warm, gas) in [(false, 2099), (false, 0), (true, 99)] {
            let w = witness(warm, gas);
            assert_eq!(w.steps[error_step(&w)].gas_left, gas);
            assert_eq!(verify(&whole(&w), vec![]), Ok(()), "warm {warm}, gas {gas}");
        }
    }

    #[test]
    fn enough_gas_is_rejected() {
        let w = witness(false, 2000);
        let err = error_step(&w);
        let o = Override::StepState {
            step: err,
            field: "gas_left",
            value: Fr::from(2100),
        };
        assert_rejected(
            verify(&whole(&w), vec![o]),
            "ERROR_OOG_SLOAD: gas_left < constant_gas + cold gas",
        );
        // A warm slot costs 100: 2000 would be enough.
        let o = Override::Rw {
            step: err,
            access: 3,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&whole(&w), vec![o]),
            "ERROR_OOG_SLOAD: gas_left < constant_gas + cold gas",
        );
    }

    #[test]
    fn the_flag_is_of_the_popped_slot_and_the_call_fails() {
        let w = witness(false, 2000);
        let err = error_step(&w);
        let o = Override::Rw {
            step: err,
            access: 3,
            field: "key_lo",
            value: Fr::from(0xab),
        };
        assert!(verify(&whole(&w), vec![o]).is_err());
        let o = Override::Rw {
            step: err,
            access: 4,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&whole(&w), vec![o]),
            "ERROR_OOG_SLOAD: call's IsSuccess = 0 (lo)",
        );
    }
}
