use super::super::test_util::*;
use super::{WithoutCodeRws, NEW_ACCOUNT_GAS};
use crate::evm::assign::Override;
use equivm_trace::{program::Program, revm::primitives::Address};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// An account with a balance and no code.
const EOA: Address = Address::repeat_byte(0xee);
/// An account nobody has touched.
const NOBODY: Address = Address::repeat_byte(0xab);

/// Calls `to` with opcode `op` (and `value` if it pops one) and 0xffff gas, no memory, then
/// ends with `end`.
fn caller(op: u8, to: Address, value: Option<u8>, end: &[u8]) -> Vec<u8> {
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f];
    if let Some(value) = value {
        code.extend_from_slice(&[0x60, value]);
    }
    code.push(0x73);
    code.extend_from_slice(to.as_slice());
    code.extend_from_slice(&[0x61, 0xff, 0xff, op]);
    code.extend_from_slice(end);
    code
}

fn witness(code: Vec<u8>) -> Witness {
    let traced = Program::new(code).with_account(EOA, Vec::new()).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn the_call(w: &Witness, state: ExecutionState) -> usize {
    nth_step(w, state, 0)
}

/// The gas the call step costs (its gas left minus the next step's).
fn spent(w: &Witness, call: usize) -> i64 {
    w.steps[call].gas_left as i64 - w.steps[call + 1].gas_left as i64
}

#[test]
fn a_call_to_an_empty_account_passes() {
    let w = witness(caller(0xf1, NOBODY, Some(0), &[0x00]));
    let call = the_call(&w, ExecutionState::CallWithoutCode);
    assert_eq!(spent(&w, call), 100 + 2500);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_value_to_an_empty_account_pays_for_a_new_account() {
    // 100 + 2500 cold + 9000 value + 25000 new account, less the 2300 stipend handed back.
    let w = witness(caller(0xf1, NOBODY, Some(3), &[0x00]));
    let call = the_call(&w, ExecutionState::CallWithoutCode);
    assert_eq!(
        spent(&w, call),
        (100 + 2500 + 9000 + NEW_ACCOUNT_GAS - 2300) as i64
    );
    assert_eq!(
        w.step_rws(&w.steps[call]).len(),
        WithoutCodeRws::of(true).total + 3
    );
    let c = whole(&w);
    assert_eq!(verify(&c, vec![]), Ok(()));
    let g = config().gadgets.call_without_code;
    let new_account = g.new_account.as_ref().expect("CALL has the cell");
    let o = cell(call, new_account, 0);
    assert!(verify(&c, vec![o]).is_err());
}

#[test]
fn a_value_to_an_account_with_balance_pays_no_new_account() {
    let w = witness(caller(0xf1, EOA, Some(3), &[0x00]));
    let call = the_call(&w, ExecutionState::CallWithoutCode);
    assert_eq!(spent(&w, call), (100 + 2500 + 9000 - 2300) as i64);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn callcode_to_an_account_without_code_pays_itself() {
    let w = witness(caller(0xf2, NOBODY, Some(3), &[0x00]));
    let call = the_call(&w, ExecutionState::CallWithoutCode);
    // CALLCODE never creates the account: no new-account gas.
    assert_eq!(spent(&w, call), (100 + 2500 + 9000 - 2300) as i64);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn delegatecall_and_staticcall_to_an_account_without_code_pass() {
    for op in [0xf4, 0xfa] {
        let w = witness(caller(op, EOA, None, &[0x00]));
        let call = the_call(&w, ExecutionState::DelegateOrStaticCallWithoutCode);
        assert_eq!(spent(&w, call), 100 + 2500, "opcode {op:#x}");
        assert_eq!(
            w.step_rws(&w.steps[call]).len(),
            WithoutCodeRws::of(false).total
        );
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "opcode {op:#x}");
    }
}

#[test]
fn a_reverting_caller_undoes_the_transfer() {
    // CALL with value, then REVERT(0, 0): the warm mark and both balance writes are undone.
    let w = witness(caller(0xf1, EOA, Some(3), &[0x5f, 0x5f, 0xfd]));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn the_caller_gets_the_stipend_back_and_no_more() {
    let w = witness(caller(0xf1, EOA, Some(3), &[0x00]));
    let call = the_call(&w, ExecutionState::CallWithoutCode);
    let gas = w.steps[call + 1].gas_left;
    let o = Override::StepState {
        step: call + 1,
        field: "gas_left",
        value: Fr::from(gas + 1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "CALL_WITHOUT_CODE: next.gas_left",
    );
}

fn tampered_rw(w: &Witness, state: ExecutionState, access: usize, value: u64) -> Vec<String> {
    let call = the_call(w, state);
    let o = Override::Rw {
        step: call,
        access,
        field: "value_lo",
        value: Fr::from(value),
    };
    failure_texts(verify(&whole(w), vec![o]))
}

#[test]
fn the_call_succeeds() {
    let w = witness(caller(0xf1, EOA, Some(0), &[0x00]));
    let texts = tampered_rw(&w, ExecutionState::CallWithoutCode, 7, 0);
    assert!(
        texts.iter().any(|t| t.contains("success = 1")),
        "{texts:#?}"
    );
}

#[test]
fn no_last_callee_is_recorded() {
    let w = witness(caller(0xfa, EOA, None, &[0x00]));
    let layout = WithoutCodeRws::of(false);
    let texts = tampered_rw(
        &w,
        ExecutionState::DelegateOrStaticCallWithoutCode,
        layout.last_callee,
        5,
    );
    assert!(
        texts.iter().any(|t| t.contains("LastCalleeId = 0")),
        "{texts:#?}"
    );
}

#[test]
fn the_callee_has_no_code() {
    let w = witness(caller(0xf1, EOA, Some(0), &[0x00]));
    let layout = WithoutCodeRws::of(true);
    let texts = tampered_rw(&w, ExecutionState::CallWithoutCode, layout.code_hash, 1);
    assert!(
        texts.iter().any(|t| t.contains("the callee has no code")),
        "{texts:#?}"
    );
}

#[test]
fn the_caller_goes_on_at_the_next_opcode() {
    let w = witness(caller(0xf4, EOA, None, &[0x00]));
    let call = the_call(&w, ExecutionState::DelegateOrStaticCallWithoutCode);
    let sp = w.steps[call + 1].stack_pointer;
    let o = Override::StepState {
        step: call + 1,
        field: "stack_pointer",
        value: Fr::from(sp + 1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "DELEGATE_OR_STATIC_CALL_WITHOUT_CODE: next.stack_pointer",
    );
}
