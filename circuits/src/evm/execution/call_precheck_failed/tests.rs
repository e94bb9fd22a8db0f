use super::super::test_util::*;
use super::RefusedCallRws;
use crate::evm::assign::Override;
use equivm_trace::{program::Program, revm::primitives::Address};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// An account with a balance and no code.
const EOA: Address = Address::repeat_byte(0xee);
/// An account nobody has touched.
const NOBODY: Address = Address::repeat_byte(0xab);
/// An account with code (a STOP).
const CALLEE: Address = Address::repeat_byte(0xcc);

/// Calls `to` with opcode `op` (and, if it pops one, the value `0x1000_00xx` for `xx` =
/// `value`, above the program account's balance of 1,000,000 wei) and 0xffff gas, no
/// memory, then stores the success flag at slot 0 and stops.
fn caller(op: u8, to: Address, value: Option<u8>) -> Vec<u8> {
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f];
    if let Some(value) = value {
        code.extend_from_slice(&[0x62, 0x10, 0x00, value]);
    }
    code.push(0x73);
    code.extend_from_slice(to.as_slice());
    code.extend_from_slice(&[0x61, 0xff, 0xff, op]);
    // RETURNDATASIZE is 0 after a refused call; SSTORE(0, success) then keeps it.
    code.extend_from_slice(&[0x3d, 0x50, 0x5f, 0x55, 0x00]);
    code
}

fn witness(code: Vec<u8>) -> Witness {
    let traced = Program::new(code)
        .with_account(EOA, Vec::new())
        .with_account(CALLEE, vec![0x00])
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn the_call(w: &Witness) -> usize {
    nth_step(w, ExecutionState::CallPrecheckFailed, 0)
}

/// The gas the call step costs (its gas left minus the next step's).
fn spent(w: &Witness, call: usize) -> i64 {
    w.steps[call].gas_left as i64 - w.steps[call + 1].gas_left as i64
}

#[test]
fn a_value_above_the_balance_is_refused() {
    let w = witness(caller(0xf1, EOA, Some(1)));
    let call = the_call(&w);
    // 100 + 2500 cold + 9000 value, less the 2300 stipend handed back with the callee's gas.
    assert_eq!(spent(&w, call), (100 + 2500 + 9000 - 2300) as i64);
    assert_eq!(
        w.step_rws(&w.steps[call]).len(),
        RefusedCallRws::of(true).total
    );
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_refused_value_to_an_empty_account_still_pays_for_it() {
    let w = witness(caller(0xf1, NOBODY, Some(1)));
    let call = the_call(&w);
    assert_eq!(
        spent(&w, call),
        (100 + 2500 + 9000 + super::NEW_ACCOUNT_GAS - 2300) as i64
    );
    let c = whole(&w);
    assert_eq!(verify(&c, vec![]), Ok(()));
    let g = config().gadgets.call_precheck_failed;
    let check = g.value_check.as_ref().expect("CALL has the check");
    assert!(verify(&c, vec![cell(call, &check.new_account, 0)]).is_err());
    assert!(verify(&c, vec![cell(call, &check.empty, 0)]).is_err());
}

#[test]
fn callcode_and_a_callee_with_code_are_refused_alike() {
    for (op, to) in [(0xf2, EOA), (0xf2, NOBODY), (0xf1, CALLEE)] {
        let w = witness(caller(op, to, Some(7)));
        let call = the_call(&w);
        // CALLCODE never creates the account: no new-account gas.
        assert_eq!(
            spent(&w, call),
            (100 + 2500 + 9000 - 2300) as i64,
            "{op:#x} {to}"
        );
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{op:#x} {to}");
    }
}

#[test]
fn the_whole_block_passes_the_super_circuit() {
    let w = witness(caller(0xf1, NOBODY, Some(1)));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

fn tampered_rw(w: &Witness, access: usize, value: u64) -> Vec<String> {
    let o = Override::Rw {
        step: the_call(w),
        access,
        field: "value_lo",
        value: Fr::from(value),
    };
    failure_texts(verify(&whole(w), vec![o]))
}

#[test]
fn the_call_pushes_zero() {
    let w = witness(caller(0xf1, EOA, Some(1)));
    let texts = tampered_rw(&w, RefusedCallRws::of(true).pops, 1);
    assert!(
        texts.iter().any(|t| t.contains("success = 0")),
        "{texts:#?}"
    );
}

#[test]
fn no_last_callee_is_recorded() {
    let w = witness(caller(0xf1, EOA, Some(1)));
    let texts = tampered_rw(&w, RefusedCallRws::of(true).last_callee, 5);
    assert!(
        texts.iter().any(|t| t.contains("LastCalleeId = 0")),
        "{texts:#?}"
    );
}

#[test]
fn a_pre_check_must_fail() {
    let w = witness(caller(0xf1, EOA, Some(1)));
    let call = the_call(&w);
    let c = whole(&w);
    let g = config().gadgets.call_precheck_failed;
    let check = g.value_check.as_ref().expect("CALL has the check");
    // The caller is not poorer than the value, and not at the depth limit: refused for
    // nothing.
    let texts = failure_texts(verify(&c, vec![cell(call, &check.poor.borrow_hi, 0)]));
    assert!(
        texts.iter().any(|t| t.contains("a pre-check fails")),
        "{texts:#?}"
    );
    // Claiming the depth limit at depth 0 breaks the depth's is-zero.
    let texts = failure_texts(verify(&c, vec![cell(call, &g.too_deep.is_zero, 1)]));
    assert!(
        texts.iter().any(|t| t.contains("depth - 1024 is zero")),
        "{texts:#?}"
    );
    // A balance above the value read instead of the real one.
    let texts = tampered_rw(&w, RefusedCallRws::of(true).own_balance, 1);
    assert!(!texts.is_empty());
}

#[test]
fn the_caller_gets_the_stipend_back_and_no_more() {
    let w = witness(caller(0xf1, EOA, Some(1)));
    let call = the_call(&w);
    let gas = w.steps[call + 1].gas_left;
    let o = Override::StepState {
        step: call + 1,
        field: "gas_left",
        value: Fr::from(gas + 1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "CALL_PRECHECK_FAILED: next.gas_left",
    );
}

#[test]
fn the_caller_goes_on_at_the_next_opcode() {
    let w = witness(caller(0xf2, EOA, Some(1)));
    let call = the_call(&w);
    let pc = w.steps[call + 1].pc;
    let o = Override::StepState {
        step: call + 1,
        field: "program_counter",
        value: Fr::from(u64::from(pc) + 1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "CALL_PRECHECK_FAILED: next.program_counter",
    );
}

/// A program that calls itself with `op` (all its gas, no memory, no value) until the call
/// depth limit refuses the callee: 1,025 frames, the last one's call refused.
fn recursion(op: u8) -> Witness {
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f];
    if op == 0xf1 {
        code.push(0x5f); // value 0
    }
    code.extend_from_slice(&[0x30, 0x5a, op, 0x00]); // ADDRESS GAS op STOP
    let traced = Program::new(code).gas_limit(100_000_000_000).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// The depth limit, for CALL and for DELEGATECALL: a real recursion 1,024 calls deep. Its
/// block needs k = 17 (over a minute and about 10 GB under MockProver): run on demand.
#[test]
#[ignore = "a block at k = 17: minutes and gigabytes"]
fn the_call_depth_limit_refuses_the_callee() {
    for (op, state) in [
        (0xf1, ExecutionState::CallPrecheckFailed),
        (0xf4, ExecutionState::DelegateOrStaticCallPrecheckFailed),
    ] {
        let w = recursion(op);
        let refused = nth_step(&w, state, 0);
        assert_eq!(
            w.step_rws(&w.steps[refused]).len(),
            RefusedCallRws::of(op == 0xf1).total
        );
        assert_eq!(super_circuit_verdict(w), Ok(()), "{op:#x}");
    }
}
