use super::super::call_args::{CALLCODE, DELEGATECALL, STATICCALL};
use super::super::test_util::*;
use super::CallRws;
use crate::evm::assign::Override;
use equivm_trace::{
    program::Program,
    revm::primitives::{Address, U256},
};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// An address as a field element.
fn address_field(a: Address) -> Fr {
    super::super::not_precompile::address_field(a)
}

/// The callee's address.
const CALLEE: Address = Address::repeat_byte(0xcc);
/// The callee adds and stops.
const ADDER: [u8; 6] = [0x60, 1, 0x60, 2, 0x01, 0x00];

/// Where CALL's accesses sit.
const RWS: CallRws = CallRws::of(true);

/// Calls the callee with `value`, `gas` and the given argument and return areas, then
/// ends with `end` (STOP, or REVERT of nothing).
fn caller(value: u8, gas: &[u8], args: (u8, u8), ret: (u8, u8), end: &[u8]) -> Vec<u8> {
    caller_with(0xf1, Some(value), gas, args, ret, end)
}

/// [`caller`] with call opcode `op`, which pops `value` if it is given.
fn caller_with(
    op: u8,
    value: Option<u8>,
    gas: &[u8],
    args: (u8, u8),
    ret: (u8, u8),
    end: &[u8],
) -> Vec<u8> {
    let mut code = vec![0x60, ret.1, 0x60, ret.0, 0x60, args.1, 0x60, args.0];
    if let Some(value) = value {
        code.extend_from_slice(&[0x60, value]);
    }
    code.push(0x73);
    code.extend_from_slice(CALLEE.as_slice());
    code.push(0x60 + gas.len() as u8 - 1);
    code.extend_from_slice(gas);
    code.push(op);
    code.extend_from_slice(end);
    code
}

fn witness(code: Vec<u8>, callee: &[u8]) -> Witness {
    let traced = Program::new(code)
        .with_account(CALLEE, callee.to_vec())
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
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
    assert_eq!(w.step_rws(call).len(), RWS.total + 3);
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
fn a_gas_operand_above_2_pow_128_gets_all_but_one_64th() {
    // 2^128 + 5 (bytes 8..16 zero, the high limb not), and 2^64 + 5; both above any cap.
    let mut high = vec![1];
    high.extend([0; 15]);
    high.push(5);
    let mut middle = vec![1];
    middle.extend([0; 7]);
    middle.push(5);
    for gas in [high, middle] {
        let w = witness(caller(0, &gas, (0, 0), (0, 0), &[0x00]), &ADDER);
        let call = call_step(&w);
        let available = w.steps[call].gas_left - (100 + 2500);
        assert_eq!(w.steps[call + 1].gas_left, available - available / 64);
        assert_eq!(
            verify(&whole(&w), vec![]),
            Ok(()),
            "{} gas bytes",
            gas.len()
        );
    }
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
    let gas_left = RWS.saves + 2;
    let saved = w.step_rws(&w.steps[call])[gas_left].value.to::<u64>();
    let texts = tampered_rw("value_lo", gas_left, saved + 1).expect_err("accepted");
    assert!(
        texts.iter().any(|t| t.contains("saved GasLeft")),
        "{texts:#?}"
    );
}

#[test]
fn the_pushed_success_is_the_callee_s() {
    // Claim the call failed: the callee's IsSuccess (written 1, read 1 by its STOP) differs.
    let texts = tampered_rw("value_lo", RWS.success, 0).expect_err("accepted");
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
    let texts = tampered_rw("value_lo", RWS.saves, u64::from(pc) + 2).expect_err("accepted");
    assert!(
        texts.iter().any(|t| t.contains("saved ProgramCounter")),
        "{texts:#?}"
    );
}

#[test]
fn the_callee_depth_is_one_more() {
    let texts = tampered_rw("value_lo", RWS.callee_context + 2, 2).expect_err("accepted");
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
    let end = w.step_rws(&w.steps[call])[RWS.end_of_reversion]
        .value
        .to::<u64>();
    let o = Override::Rw {
        step: call,
        access: RWS.end_of_reversion,
        field: "value_lo",
        value: Fr::from(end + 1),
    };
    assert!(verify(&whole(&w), vec![o]).is_err());
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

/// The callee stores CALLER at slot 0, CALLVALUE at slot 1 and ADDRESS at slot 2, then stops.
const WHO_AM_I: [u8; 11] = [0x33, 0x5f, 0x55, 0x34, 0x60, 1, 0x55, 0x30, 0x60, 2, 0x55];

/// The call step of state `state` in `w`, and its callee's context writes.
fn callee_context(w: &Witness, state: ExecutionState, layout: CallRws) -> (usize, Vec<U256>) {
    let call = nth_step(w, state, 0);
    let rws = w.step_rws(&w.steps[call]);
    let fields = rws[layout.callee_context..=layout.end_of_reversion]
        .iter()
        .map(|rw| rw.value)
        .collect();
    (call, fields)
}

/// Tampers with the callee's context write `field` (0: TxId, 3: CallerAddress, 4:
/// CalleeAddress, 9: Value, 12: IsStatic) of the call at `call`.
fn tampered_context(
    w: &Witness,
    call: usize,
    layout: CallRws,
    field: usize,
    value: u64,
) -> Vec<String> {
    let o = Override::Rw {
        step: call,
        access: layout.callee_context + field,
        field: "value_lo",
        value: Fr::from(value),
    };
    failure_texts(verify(&whole(w), vec![o]))
}

fn address_word(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}

#[test]
fn callcode_runs_the_callee_s_code_as_the_caller() {
    // CALLCODE with value 7: the callee's SSTOREs land in the caller's storage, its ADDRESS
    // is the caller's, and the value moves from the caller to itself.
    let w = witness(
        caller_with(CALLCODE, Some(7), &[0xff, 0xff], (0, 0), (0, 0), &[0x00]),
        &WHO_AM_I,
    );
    let (call, fields) = callee_context(&w, ExecutionState::Call, RWS);
    let own = w.step_rws(&w.steps[call])[RWS.own_address].value;
    assert_eq!(fields[4], own, "CALLCODE keeps the caller's address");
    assert_eq!(fields[9], U256::from(7));
    assert_eq!(w.step_rws(&w.steps[call]).len(), RWS.total + 3);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    let texts = tampered_context(&w, call, RWS, 4, 0xcc);
    assert!(
        texts.iter().any(|t| t.contains("callee CalleeAddress")),
        "{texts:#?}"
    );
}

#[test]
fn callcode_pays_itself() {
    // Moving the transfer's second write (and the receiver cell) to the callee's account
    // breaks only the receiver rule: CALLCODE credits the caller itself.
    let w = witness(
        caller_with(CALLCODE, Some(7), &[0xff, 0xff], (0, 0), (0, 0), &[0x00]),
        &ADDER,
    );
    let call = call_step(&w);
    let g = config().gadgets.call_op;
    let receiver = &g.transfer.as_ref().expect("CALL has a receiver").receiver;
    let overrides = vec![
        Override::Rw {
            step: call,
            access: RWS.total + 2,
            field: "address",
            value: address_field(CALLEE),
        },
        Override::Cell {
            step: call,
            column: receiver.column,
            rotation: receiver.rotation,
            value: address_field(CALLEE),
        },
    ];
    let texts = failure_texts(verify(&whole(&w), overrides));
    assert_only(&texts, "receiver = to + is_second");
}

#[test]
fn delegatecall_passes_on_the_caller_and_value() {
    let layout = CallRws::of(false);
    let w = witness(
        caller_with(DELEGATECALL, None, &[0xff, 0xff], (0, 0), (0, 0), &[0x00]),
        &WHO_AM_I,
    );
    let (call, fields) = callee_context(&w, ExecutionState::DelegateOrStaticCall, layout);
    let rws = w.step_rws(&w.steps[call]);
    assert_eq!(rws.len(), layout.total);
    // CallerAddress and Value are the caller's own (read after IsStatic).
    assert_eq!(fields[3], rws[layout.own_address + 2].value);
    assert_eq!(fields[4], rws[layout.own_address].value);
    assert_eq!(fields[9], rws[layout.own_address + 3].value);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    let texts = tampered_context(&w, call, layout, 3, 0xcc);
    assert!(
        texts.iter().any(|t| t.contains("callee CallerAddress")),
        "{texts:#?}"
    );
    let texts = tampered_context(&w, call, layout, 4, 0xcc);
    assert!(
        texts.iter().any(|t| t.contains("callee CalleeAddress")),
        "{texts:#?}"
    );
}

#[test]
fn staticcall_makes_a_static_callee() {
    let layout = CallRws::of(false);
    let w = witness(
        caller_with(STATICCALL, None, &[0xff, 0xff], (0, 32), (32, 32), &[0x00]),
        &ADDER,
    );
    let (call, fields) = callee_context(&w, ExecutionState::DelegateOrStaticCall, layout);
    assert_eq!(fields[4], address_word(CALLEE));
    assert_eq!(fields[9], U256::ZERO);
    assert_eq!(fields[12], U256::from(1));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    let texts = tampered_context(&w, call, layout, 12, 0);
    assert!(
        texts.iter().any(|t| t.contains("callee IsStatic")),
        "{texts:#?}"
    );
    // The caller's stack pointer after 6 pops and a push.
    let sp = w.step_rws(&w.steps[call])[layout.saves + 1]
        .value
        .to::<u64>();
    assert_eq!(sp, w.steps[call].stack_pointer + 5);
    let o = Override::Rw {
        step: call,
        access: layout.saves + 1,
        field: "value_lo",
        value: Fr::from(sp + 1),
    };
    assert_rejected(verify(&whole(&w), vec![o]), "saved StackPointer");
}

#[test]
fn a_static_callee_s_call_keeps_it_static() {
    // STATICCALL into a callee that DELEGATECALLs a third account: the inner callee
    // inherits IsStatic = 1.
    let other = Address::repeat_byte(0xdd);
    let mut inner = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    inner.extend_from_slice(other.as_slice());
    inner.extend_from_slice(&[0x61, 0xff, 0xff, DELEGATECALL, 0x00]);
    let traced = Program::new(caller_with(
        STATICCALL,
        None,
        &[0xff, 0xff],
        (0, 0),
        (0, 0),
        &[0x00],
    ))
    .with_account(CALLEE, inner)
    .with_account(other, ADDER.to_vec())
    .trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let layout = CallRws::of(false);
    let inner_call = nth_step(&w, ExecutionState::DelegateOrStaticCall, 1);
    let rws = w.step_rws(&w.steps[inner_call]);
    assert_eq!(rws[layout.callee_context + 12].value, U256::from(1));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}
