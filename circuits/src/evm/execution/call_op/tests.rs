use super::super::test_util::*;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::Address};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// The callee's address.
const CALLEE: Address = Address::repeat_byte(0xcc);
/// The callee adds and stops.
const ADDER: [u8; 6] = [0x60, 1, 0x60, 2, 0x01, 0x00];

/// Calls the callee with `value`, `gas` and the given argument and return areas, then
/// ends with `end` (STOP, or REVERT of nothing).
fn caller(value: u8, gas: &[u8], args: (u8, u8), ret: (u8, u8), end: &[u8]) -> Vec<u8> {
    let mut code = vec![
        0x60, ret.1, 0x60, ret.0, 0x60, args.1, 0x60, args.0, 0x60, value, 0x73,
    ];
    code.extend_from_slice(CALLEE.as_slice());
    code.push(0x60 + gas.len() as u8 - 1);
    code.extend_from_slice(gas);
    code.push(0xf1);
    code.extend_from_slice(end);
    code
}

fn witness(code: Vec<u8>, callee: &[u8]) -> Witness {
    let traced = Program::new(code)
        .with_account(CALLEE, callee.to_vec())
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn whole(w: &Witness) -> EvmCircuit {
    let unsupported = EvmCircuit::unsupported_steps(w);
    assert!(unsupported.is_empty(), "{unsupported:?}");
    slice(w, 0..w.steps.len())
}

/// A plain call: no value, no memory, 0xffff gas asked.
fn plain() -> Witness {
    witness(caller(0, &[0xff, 0xff], (0, 0), (0, 0), &[0x00]), &ADDER)
}

/// Position of the CALL step in `w`.
fn call_step(w: &Witness) -> usize {
    nth_step(w, ExecutionState::Call, 0)
}

#[test]
fn call_into_code_and_back_passes() {
    let w = plain();
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_value_carrying_call_with_memory_passes() {
    // 32 bytes of arguments at 0 and a return area at 64.
    let w = witness(caller(7, &[0x30, 0x00], (0, 32), (64, 32), &[0x00]), &ADDER);
    let call = &w.steps[call_step(&w)];
    assert_eq!(w.step_rws(call).len(), super::CALL_RWS + 3);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn asking_for_all_gas_gets_all_but_one_64th() {
    // GAS as the gas operand: more than the 63/64 the callee may have.
    let mut code = caller(0, &[0], (0, 0), (0, 0), &[0x00]);
    let at = code.len() - 4; // PUSH1 0, CALL, STOP: replace PUSH1 0 by GAS JUMPDEST
    code[at] = 0x5a;
    code[at + 1] = 0x5b;
    let w = witness(code, &ADDER);
    let call = call_step(&w);
    let (gas, cost) = (w.steps[call].gas_left, 100 + 2500);
    let available = gas - cost;
    assert_eq!(w.steps[call + 1].gas_left, available - available / 64);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_callee_that_succeeds_in_a_reverting_caller_passes() {
    // The caller REVERTs after the call: the callee's transfer is undone below the caller's
    // warm mark.
    let w = witness(
        caller(5, &[0xff, 0xff], (0, 0), (0, 0), &[0x5f, 0x5f, 0xfd]),
        &ADDER,
    );
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_callee_writing_storage_passes() {
    // SSTORE(0, 1) in the callee, then STOP.
    let w = witness(
        caller(0, &[0xff, 0xff], (0, 0), (0, 0), &[0x00]),
        &[0x60, 1, 0x5f, 0x55, 0x00],
    );
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

fn tampered_rw(field: &'static str, access: usize, value: u64) -> Result<(), Vec<String>> {
    let w = plain();
    let call = call_step(&w);
    let o = Override::Rw {
        step: call,
        access,
        field,
        value: Fr::from(value),
    };
    verify(&whole(&w), vec![o]).map_err(|f| f.iter().map(|x| x.to_string()).collect())
}

#[test]
fn the_callee_gas_is_the_rule() {
    let w = plain();
    let call = call_step(&w);
    let gas = w.steps[call + 1].gas_left;
    let o = Override::StepState {
        step: call + 1,
        field: "gas_left",
        value: Fr::from(gas + 1),
    };
    assert_rejected(verify(&whole(&w), vec![o]), "CALL: next.gas_left");
}

#[test]
fn the_saved_gas_is_checked() {
    let w = plain();
    let call = call_step(&w);
    let saved = w.step_rws(&w.steps[call])[16].value.to::<u64>();
    let texts = tampered_rw("value_lo", 16, saved + 1).expect_err("accepted");
    assert!(
        texts.iter().any(|t| t.contains("saved GasLeft")),
        "{texts:#?}"
    );
}

#[test]
fn the_pushed_success_is_the_callee_s() {
    // Claim the call failed: the callee's IsSuccess (written 1, read 1 by its STOP) differs.
    let texts = tampered_rw("value_lo", 7, 0).expect_err("accepted");
    assert!(
        texts.iter().any(|t| t.contains("callee IsSuccess")),
        "{texts:#?}"
    );
}

#[test]
fn the_saved_pc_is_where_the_caller_resumes() {
    let w = plain();
    let call = call_step(&w);
    let pc = w.steps[call].pc;
    let texts = tampered_rw("value_lo", 14, u64::from(pc) + 2).expect_err("accepted");
    assert!(
        texts.iter().any(|t| t.contains("saved ProgramCounter")),
        "{texts:#?}"
    );
}

#[test]
fn the_callee_depth_is_one_more() {
    let texts = tampered_rw("value_lo", 22, 2).expect_err("accepted");
    assert!(
        texts.iter().any(|t| t.contains("callee Depth")),
        "{texts:#?}"
    );
}

#[test]
fn a_reused_call_id_is_rejected() {
    // The callee claims the caller's own id: its TxId was written before.
    let w = plain();
    let call = call_step(&w);
    let root = w.steps[call].call_id;
    let o = Override::StepState {
        step: call + 1,
        field: "call_id",
        value: Fr::from(root),
    };
    assert!(verify(&whole(&w), vec![o]).is_err());
}

#[test]
fn the_caller_resumes_with_its_own_gas_and_the_callee_s() {
    let w = plain();
    let stop = nth_step(&w, ExecutionState::Stop, 0);
    assert_eq!(w.steps[stop + 1].call_id, w.steps[call_step(&w)].call_id);
    let gas = w.steps[stop + 1].gas_left;
    let o = Override::StepState {
        step: stop + 1,
        field: "gas_left",
        value: Fr::from(gas + 100),
    };
    assert_rejected(verify(&whole(&w), vec![o]), "STOP: next.gas_left");
}

#[test]
fn the_caller_resumes_at_its_saved_pc() {
    let w = plain();
    let stop = nth_step(&w, ExecutionState::Stop, 0);
    let pc = w.steps[stop + 1].pc;
    let o = Override::StepState {
        step: stop + 1,
        field: "program_counter",
        value: Fr::from(u64::from(pc) - 1),
    };
    assert_rejected(verify(&whole(&w), vec![o]), "STOP: next.program_counter");
}

#[test]
fn the_inherited_end_of_reversion_is_pinned() {
    // In a reverting caller, the callee's end of reversion must sit below the caller's.
    let w = witness(
        caller(5, &[0xff, 0xff], (0, 0), (0, 0), &[0x5f, 0x5f, 0xfd]),
        &ADDER,
    );
    let call = call_step(&w);
    let end = w.step_rws(&w.steps[call])[36].value.to::<u64>();
    let o = Override::Rw {
        step: call,
        access: 36,
        field: "value_lo",
        value: Fr::from(end + 1),
    };
    assert!(verify(&whole(&w), vec![o]).is_err());
}

#[test]
fn a_call_to_an_empty_account_is_unsupported() {
    let traced = Program::new(caller(0, &[0xff, 0xff], (0, 0), (0, 0), &[0x00])).trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let unsupported = EvmCircuit::unsupported_steps(&w);
    assert!(
        unsupported.iter().any(|(s, _)| *s == ExecutionState::Call),
        "{unsupported:?}"
    );
}

#[test]
fn a_callee_s_error_returns_to_the_caller() {
    // SSTORE(0, 1), then INVALID: three undos, all gas consumed, the caller goes on.
    let w = witness(
        caller(3, &[0xff, 0xff], (0, 0), (0, 0), &[0x00]),
        &[0x60, 1, 0x5f, 0x55, 0xfe],
    );
    let err = nth_step(&w, ExecutionState::ErrorInvalidOpcode, 0);
    assert_eq!(w.steps[err + 1].call_id, w.steps[call_step(&w)].call_id);
    let c = whole(&w);
    assert_eq!(verify(&c, vec![]), Ok(()));
    let gas = w.steps[err + 1].gas_left;
    let o = Override::StepState {
        step: err + 1,
        field: "gas_left",
        value: Fr::from(gas + 1),
    };
    assert_rejected(verify(&c, vec![o]), "ERROR_INVALID_OPCODE: next.gas_left");
}

#[test]
fn a_callee_s_error_undoes_the_value_transfer() {
    // The callee fails at once: the transfer's two undos follow the hand-back.
    let w = witness(caller(3, &[0xff, 0xff], (0, 0), (0, 0), &[0x00]), &[0xfe]);
    let err = nth_step(&w, ExecutionState::ErrorInvalidOpcode, 0);
    assert_eq!(w.steps[err].rw_count, 1 + 14 + 2);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}
