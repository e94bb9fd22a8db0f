//! ErrorOutOfGasAccountAccess: BALANCE, EXTCODESIZE or EXTCODEHASH without the gas for their
//! account access (EIP-2929: 100 for a warm account, 2600 for a cold one).
//!
//! ```text
//! address = stack read at sp (rw 0)
//! AccountAccess::configure_read(address): TxId read (rw 1), warm flag read (rw 2)
//! LessThan<2>(gas_left < constant_gas + 2500·(1 - was_warm))
//! ErrorEnd (rw 3: IsSuccess = 0, then the hand-back to a caller)   (see common_error.rs)
//! ```
//! Soundness. The responsible-opcode lookup limits the state to the three opcodes, whose
//! constant gas is the warm cost; the flag is read, not set (revm warms the account, and the
//! failing frame's journal takes it back). The cost is at most 2600, so a 2-byte gap exists
//! only if `gas_left` is below it (`gas_left < 2^64`, the step state's invariant).
//! Cost: 16 byte cells for the address's high limb, 2 for the gap.

use super::{
    account_access::{AccountAccess, COLD_ACCOUNT_EXTRA},
    common_error::{ErrorEnd, LessThan},
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    constraint_builder::ConstraintBuilder,
};
use equivm_witness::{
    execution_state::ACCOUNT_ACCESS_OPCODES, opcodes::opcode_info, ExecStep, ExecutionState,
    Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The cost of the access: the opcode's constant gas, plus the cold surcharge.
fn cost(opcode: u8, warm: bool) -> u64 {
    opcode_info(opcode).constant_gas + if warm { 0 } else { COLD_ACCOUNT_EXTRA }
}

/// Out of gas on BALANCE, EXTCODESIZE or EXTCODEHASH.
#[derive(Clone, Debug)]
pub struct ErrorOogAccountAccessGadget<F: PrimeField> {
    /// The address and its warm flag.
    pub account: AccountAccess<F>,
    /// `gas_left < cost`.
    pub out_of_gas: LessThan<F, 2>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogAccountAccessGadget<F> {
    const NAME: &'static str = "ERROR_OOG_ACCOUNT_ACCESS";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasAccountAccess;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let address = cb.stack_lookup(false, Expression::Constant(F::ZERO));
        let account = AccountAccess::configure_read(cb, address);
        let cost = cb.props().constant_gas + account.dynamic_gas();
        let out_of_gas = LessThan::configure(
            cb,
            "gas_left < constant_gas + cold gas",
            cb.step().gas_left,
            cost,
        );
        let end = ErrorEnd::configure(cb);
        Self {
            account,
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
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let (address, warm) = (value(0)?, value(2)?);
        self.account.assign(region, address)?;
        let opcode = step.opcode.ok_or(Error::Synthesis)?;
        self.out_of_gas
            .assign(region, step.gas_left, cost(opcode, !warm.is_zero()))?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        // The address, then the warm flag.
        let provable = match (step.opcode, index.error_stack_reads(step)) {
            (Some(op), [_, warm]) if ACCOUNT_ACCESS_OPCODES.contains(&op) => {
                step.gas_left < cost(op, !warm.is_zero())
            }
            _ => false,
        };
        !provable
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_trace::{program::Program, revm::primitives::Address};
    use equivm_witness::{ExecutionState, Witness};
    use halo2curves::bn256::Fr;

    /// An account the code asks about.
    const OTHER: Address = Address::repeat_byte(0xee);

    /// PUSH20 OTHER, `op`, STOP with `gas` after the intrinsic gas.
    fn witness(op: u8, gas: u64) -> Witness {
        let mut code = vec![0x73];
        code.extend_from_slice(OTHER.as_slice());
        code.extend_from_slice(&[op, 0x00]);
        let traced = Program::new(code)
            .with_account(OTHER, vec![0x00])
            .gas_limit(21_000 + gas)
            .trace();
        equivm_witness::build_witness(&traced.trace).expect("witness builds")
    }

    fn whole(w: &Witness) -> EvmCircuit {
        let unsupported = EvmCircuit::unsupported_steps(w);
        assert!(unsupported.is_empty(), "{unsupported:?}");
        slice(w, 0..w.steps.len())
    }

    fn error_step(w: &Witness) -> usize {
        nth_step(w, ExecutionState::ErrorOutOfGasAccountAccess, 0)
    }

    #[test]
    fn a_cold_access_without_its_gas_passes() {
        for op in [0x31, 0x3b, 0x3f] {
            // PUSH20 costs 3: 2597 left, 3 short of the cold access.
            let w = witness(op, 2600);
            let err = error_step(&w);
            assert_eq!(w.steps[err].gas_left, 2597);
            assert_eq!(verify(&whole(&w), vec![]), Ok(()), "0x{op:02x}");
        }
    }

    #[test]
    fn a_warm_access_without_its_gas_passes() {
        // ADDRESS (2 gas), EXTCODESIZE of it: the contract is warm, 100 needed, 50 left.
        let code = vec![0x30, 0x3b, 0x00];
        let traced = Program::new(code).gas_limit(21_000 + 2 + 50).trace();
        let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
        let err = error_step(&w);
        assert_eq!(w.steps[err].gas_left, 50);
        assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    }

    #[test]
    fn enough_gas_for_the_access_is_rejected() {
        let w = witness(0x31, 2600);
        let err = error_step(&w);
        // With 2600 gas the cold access is paid: no gap exists.
        let o = Override::StepState {
            step: err,
            field: "gas_left",
            value: Fr::from(2600),
        };
        let texts = failure_texts(verify(&whole(&w), vec![o]));
        assert!(
            texts
                .iter()
                .any(|t| t.contains("ERROR_OOG_ACCOUNT_ACCESS: gas_left < constant_gas + cold gas")),
            "{texts:#?}"
        );
        // A cold account read as warm would need 100 only.
        let o = Override::Rw {
            step: err,
            access: 2,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert!(verify(&whole(&w), vec![o]).is_err());
    }

    #[test]
    fn the_failure_is_read() {
        let w = witness(0x3f, 2600);
        let err = error_step(&w);
        let o = Override::Rw {
            step: err,
            access: 3,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&whole(&w), vec![o]),
            "ERROR_OOG_ACCOUNT_ACCESS: call's IsSuccess = 0 (lo)",
        );
    }
}
