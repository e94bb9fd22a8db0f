use super::super::test_util::*;
use super::ErrorOogSelfDestructGadget;
use crate::evm::assign::Override;
use equivm_trace::{program::Program, revm::primitives::Address};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// An account that does not exist before the test.
const BENEFICIARY: Address = Address::repeat_byte(0xbe);
/// A contract in the pre-state.
const CALLEE: Address = Address::repeat_byte(0xcc);

/// `PUSH20 to SELFDESTRUCT`.
fn destruct_to(to: Address) -> Vec<u8> {
    let mut code = vec![0x73];
    code.extend_from_slice(to.as_slice());
    code.push(0xff);
    code
}

/// The root call self-destructs to `to` with `gas` left at the SELFDESTRUCT.
fn root(to: Address, gas: u64) -> Witness {
    let traced = Program::new(destruct_to(to))
        .with_account(CALLEE, vec![0x00])
        .gas_limit(21_000 + 3 + gas)
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn error_step(w: &Witness) -> usize {
    nth_step(w, ExecutionState::ErrorOutOfGasSelfDestruct, 0)
}

fn gadget() -> ErrorOogSelfDestructGadget<Fr> {
    (*config().gadgets.error_oog_self_destruct).clone()
}

#[test]
fn each_missing_charge_passes() {
    // New account (32,600 needed), a cold existing one (7,600), the 5000 itself.
    for (to, gas) in [(BENEFICIARY, 32_599), (CALLEE, 7_599), (BENEFICIARY, 4_999)] {
        let w = root(to, gas);
        assert_eq!(w.steps[error_step(&w)].gas_left, gas);
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{to} with {gas}");
    }
}

#[test]
fn a_callee_out_of_gas_hands_back_to_its_caller() {
    // CALL CALLEE with 6000 gas: 5997 at its SELFDESTRUCT, short of 32,600.
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    code.extend_from_slice(CALLEE.as_slice());
    code.extend_from_slice(&[0x61, 0x17, 0x70, 0xf1, 0x00]);
    let traced = Program::new(code)
        .with_account(CALLEE, destruct_to(BENEFICIARY))
        .trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    assert_eq!(w.steps[error_step(&w)].gas_left, 5_997);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn enough_gas_is_rejected() {
    let w = root(BENEFICIARY, 32_599);
    let err = error_step(&w);
    let o = Override::StepState {
        step: err,
        field: "gas_left",
        value: Fr::from(32_600),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "ERROR_OOG_SELFDESTRUCT: gas_left < cost",
    );
    // Without the new account's charge, 32,599 would be enough.
    let g = gadget();
    assert_rejected(
        verify(&whole(&w), vec![cell(err, &g.new_account.new_account, 0)]),
        "ERROR_OOG_SELFDESTRUCT: new_account = [sent ≠ 0]·empty",
    );
    // A warm beneficiary costs 2600 less.
    let o = Override::Rw {
        step: err,
        access: 2,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "ERROR_OOG_SELFDESTRUCT: gas_left < cost",
    );
}

#[test]
fn the_values_read_decide_the_charge() {
    let w = root(BENEFICIARY, 32_599);
    let err = error_step(&w);
    // A beneficiary with a balance, a contract without one: no new account either way,
    // and the zero tests assigned for the honest values no longer hold.
    for (access, value) in [(5, 3), (7, 0)] {
        let o = Override::Rw {
            step: err,
            access,
            field: "value_lo",
            value: Fr::from(value),
        };
        let texts = failure_texts(verify(&whole(&w), vec![o]));
        assert!(
            texts.iter().any(|t| t.contains("is zero")),
            "rw {access}: {texts:#?}"
        );
    }
    let o = Override::Rw {
        step: err,
        access: 8,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "ERROR_OOG_SELFDESTRUCT: call's IsSuccess = 0 (lo)",
    );
}
