use super::super::test_util::*;
use super::CallContextGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// ADDRESS, CALLER, CALLVALUE, CALLDATASIZE, RETURNDATASIZE (each then POP), STOP; called
/// with 5 bytes of data and a value of 9.
fn witness() -> Witness {
    let code = vec![
        0x30, 0x50, 0x33, 0x50, 0x34, 0x50, 0x36, 0x50, 0x3d, 0x50, 0x00,
    ];
    let traced = Program::new(code)
        .calldata(vec![1, 2, 3, 4, 5])
        .value(9)
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// The `n`-th step in the state alone.
fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::CallContext, n);
    slice(&w, i..i + 1)
}

fn rw(access: usize, field: &'static str, value: Fr) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value,
    }
}

fn gadget() -> CallContextGadget<Fr> {
    (*config().gadgets.call_context).clone()
}

#[test]
fn every_context_opcode_pushes_its_field() {
    let w = witness();
    let pushed: Vec<U256> = (0..5)
        .map(|n| {
            let step = &w.steps[nth_step(&w, ExecutionState::CallContext, n)];
            w.step_rws(step)[1].value
        })
        .collect();
    assert_eq!(pushed[2], U256::from(9), "CALLVALUE");
    assert_eq!(pushed[3], U256::from(5), "CALLDATASIZE");
    assert_eq!(pushed[4], U256::ZERO, "RETURNDATASIZE before any call");
    assert_ne!(pushed[0], U256::ZERO, "ADDRESS");
    assert_ne!(pushed[1], U256::ZERO, "CALLER");
    // `the_whole_run_passes` proves every step.
}

#[test]
fn the_whole_run_passes() {
    let w = witness();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn the_pushed_value_is_the_field_read() {
    assert_rejected(
        verify(&circuit(2), vec![rw(1, "value_lo", Fr::from(10))]),
        "CALL_CONTEXT: pushed = context value (lo)",
    );
}

#[test]
fn the_field_read_is_the_opcode_s() {
    // CALLDATASIZE reading CallValue's field (which also holds a small number).
    assert_rejected(
        verify(&circuit(3), vec![rw(0, "field_tag", Fr::from(10))]),
        "CALL_CONTEXT: call context read #0: rw.field_tag",
    );
}

#[test]
fn the_selector_follows_the_opcode() {
    // CALLVALUE's step claiming to be CALLDATASIZE.
    let g = gadget();
    let overrides = vec![cell(0, &g.opcode.sel[2], 0), cell(0, &g.opcode.sel[3], 1)];
    assert_rejected(
        verify(&circuit(2), overrides),
        "CALL_CONTEXT: Σ sel_i·op_i = opcode",
    );
    let two = vec![cell(0, &g.opcode.sel[3], 1)];
    assert_rejected(verify(&circuit(2), two), "CALL_CONTEXT: Σ sel_i = 1");
}

#[test]
fn a_context_opcode_costs_2() {
    let c = circuit(0);
    let gas = c.witness.steps[c.steps.start].gas_left;
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(gas - 3),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "CALL_CONTEXT: next.gas_left = gas_left + delta",
    );
}

#[test]
fn a_context_opcode_pushes_one_item() {
    let c = circuit(1);
    let sp = c.witness.steps[c.steps.start].stack_pointer;
    let o = Override::StepState {
        step: 1,
        field: "stack_pointer",
        value: Fr::from(sp),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "CALL_CONTEXT: next.stack_pointer = stack_pointer + delta",
    );
}
