use super::super::test_util::*;
use crate::evm::assign::Override;
use equivm_trace::{program::Program, revm::primitives::Address};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// The static callee.
const CALLEE: Address = Address::repeat_byte(0xcc);
/// An account without code, the target of the callee's CALLs.
const OTHER: Address = Address::repeat_byte(0xee);

/// STATICCALLs the callee with 0xffff gas and no memory, then stops.
fn caller() -> Vec<u8> {
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    code.extend_from_slice(CALLEE.as_slice());
    code.extend_from_slice(&[0x61, 0xff, 0xff, 0xfa, 0x00]);
    code
}

/// CALL of `OTHER` with `value` and 0xff gas, no memory.
fn call_with(value: u8) -> Vec<u8> {
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x60, value, 0x73];
    code.extend_from_slice(OTHER.as_slice());
    code.extend_from_slice(&[0x60, 0xff, 0xf1, 0x00]);
    code
}

fn witness(callee: Vec<u8>) -> Witness {
    let traced = Program::new(caller())
        .with_account(CALLEE, callee)
        .with_account(OTHER, Vec::new())
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn error_step(w: &Witness) -> usize {
    nth_step(w, ExecutionState::ErrorWriteProtection, 0)
}

/// Each opcode family in a static callee, with and without its operands on the stack.
fn callees() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("SSTORE", vec![0x60, 1, 0x60, 0, 0x55, 0x00]),
        ("TSTORE", vec![0x60, 1, 0x60, 0, 0x5d, 0x00]),
        ("LOG0", vec![0x5f, 0x5f, 0xa0, 0x00]),
        ("LOG4 on an empty stack", vec![0xa4, 0x00]),
        ("CREATE", vec![0x5f, 0x5f, 0x5f, 0xf0, 0x00]),
        ("CREATE2", vec![0x5f, 0x5f, 0x5f, 0x5f, 0xf5, 0x00]),
        ("SELFDESTRUCT", vec![0x5f, 0xff]),
        ("CALL with a value", call_with(1)),
    ]
}

#[test]
fn every_state_change_in_a_static_call_passes() {
    for (name, callee) in callees() {
        let w = witness(callee);
        let err = error_step(&w);
        let reads = if name.starts_with("CALL") { 3 } else { 0 };
        // The reads, IsStatic, IsSuccess and the hand-back; no undo (nothing was written).
        assert_eq!(w.step_rws(&w.steps[err]).len(), reads + 2 + 14, "{name}");
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{name}");
    }
}

#[test]
fn a_call_without_value_in_a_static_call_runs() {
    let w = witness(call_with(0));
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorWriteProtection));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

/// The override of the value in rw row `row` of step `step` (rows 0..=2 are CALL's reads,
/// row 3 `IsStatic`, row 4 `IsSuccess`).
fn rw(step: usize, row: usize, value: u64) -> Override<Fr> {
    Override::Rw {
        step,
        access: row,
        field: "value_lo",
        value: Fr::from(value),
    }
}

#[test]
fn a_call_that_is_not_static_is_rejected() {
    let w = witness(vec![0x60, 1, 0x60, 0, 0x55, 0x00]);
    let err = error_step(&w);
    assert_rejected(
        verify(&whole(&w), vec![rw(err, 3, 0)]),
        "ERROR_WRITE_PROTECTION: IsStatic = 1 (lo)",
    );
}

#[test]
fn a_call_without_value_cannot_fail_here() {
    let w = witness(call_with(1));
    let err = error_step(&w);
    let g = config().gadgets.error_write_protection;
    // A value of 0, read consistently and tested zero: only the rule (and the rw table,
    // which holds 1) refuses it.
    let zero_value = vec![
        rw(err, 2, 0),
        Override::Rw {
            step: err,
            access: 2,
            field: "value_prev_lo",
            value: Fr::from(0),
        },
        cell(err, &g.value_is_zero.is_zero, 1),
        cell(err, &g.value_is_zero.inv_lo, 0),
    ];
    let texts = failure_texts(verify(&whole(&w), zero_value));
    assert_only(&texts, "ERROR_WRITE_PROTECTION: is_call·[value = 0] = 0");
    // The zero test cannot call the value 1 zero either.
    let o = cell(err, &g.value_is_zero.is_zero, 1);
    assert!(verify(&whole(&w), vec![o]).is_err());
}

#[test]
fn the_opcode_selection_is_the_opcode() {
    // The SSTORE claims to be the CALL, which would read three stack items.
    let w = witness(vec![0x60, 1, 0x60, 0, 0x55, 0x00]);
    let err = error_step(&w);
    let g = config().gadgets.error_write_protection;
    let call = g.select.position(Some(0xf1)).expect("CALL is listed");
    let sstore = g.select.position(Some(0x55)).expect("SSTORE is listed");
    let o = [
        cell(err, &g.select.sel[sstore], 0),
        cell(err, &g.select.sel[call], 1),
    ];
    assert_rejected(
        verify(&whole(&w), o.to_vec()),
        "ERROR_WRITE_PROTECTION: Σ sel_i·op_i = opcode",
    );
}

#[test]
fn the_failure_is_read_and_all_gas_is_lost() {
    let w = witness(vec![0x60, 1, 0x60, 0, 0x55, 0x00]);
    let err = error_step(&w);
    assert_rejected(
        verify(&whole(&w), vec![rw(err, 4, 1)]),
        "ERROR_WRITE_PROTECTION: call's IsSuccess = 0 (lo)",
    );
    let o = Override::StepState {
        step: err + 1,
        field: "gas_left",
        value: Fr::from(w.steps[err + 1].gas_left + 1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "ERROR_WRITE_PROTECTION: next.gas_left = value",
    );
}
