use super::super::test_util::*;
use super::ErrorOogReturnGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{
    program::Program,
    revm::primitives::{Address, U256},
};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

const RETURN: u8 = 0xf3;
const REVERT: u8 = 0xfd;
/// A contract the root calls.
const CALLEE: Address = Address::repeat_byte(0xcc);

/// `PUSH32 size, PUSH32 offset, op`.
fn code(op: u8, [offset, size]: [U256; 2]) -> Vec<u8> {
    let mut code = Vec::new();
    for v in [size, offset] {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }
    code.push(op);
    code
}

/// The root call runs `op` of `(offset, size)` with `gas` left at it.
fn witness(op: u8, range: [U256; 2], gas: u64) -> Witness {
    let traced = Program::new(code(op, range))
        .gas_limit(21_000 + 6 + gas)
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// RETURN of 64 bytes at 0: 6 gas of memory, one short.
fn one_short() -> Witness {
    witness(RETURN, [u(0), u(64)], 5)
}

/// The slice of the step before the error, the error and the rest.
fn circuit_of(w: &Witness) -> EvmCircuit {
    let err = nth_step(w, ExecutionState::ErrorOutOfGasReturn, 0);
    slice(w, err - 1..err + 3)
}

fn gadget() -> ErrorOogReturnGadget<Fr> {
    (*config().gadgets.error_oog_return).clone()
}

#[test]
fn return_and_revert_out_of_gas_pass() {
    let far = U256::from(1) << 64;
    for (what, w) in [
        ("RETURN one gas short", one_short()),
        (
            "REVERT of 2^64 bytes",
            witness(REVERT, [u(0), far], 1_000_000),
        ),
        (
            "RETURN of 2^32 bytes",
            witness(RETURN, [u(0), u(1 << 32)], 1_000_000),
        ),
        ("REVERT at 2^64", witness(REVERT, [far, u(1)], 1_000_000)),
        (
            "RETURN at 2^32 - 1, 2^32 bytes",
            witness(RETURN, [u((1 << 32) - 1), u(1 << 32)], 1_000_000),
        ),
        (
            "REVERT of 31 bytes at 2^20",
            witness(REVERT, [u(1 << 20), u(31)], 50_000),
        ),
    ] {
        let err = nth_step(&w, ExecutionState::ErrorOutOfGasReturn, 0);
        assert!(w.steps[err].opcode.is_some(), "{what}");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&circuit_of(&w), vec![]), Ok(()), "{what}");
    }
}

#[test]
fn a_callee_out_of_gas_hands_back_to_its_caller() {
    // The root CALLs CALLEE with 1000 gas; CALLEE REVERTs 2^20 bytes.
    let inner = code(REVERT, [u(0), u(1 << 20)]);
    let mut outer = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    outer.extend_from_slice(CALLEE.as_slice());
    outer.extend_from_slice(&[0x61, 0x03, 0xe8, 0xf1, 0x00]);
    let traced = Program::new(outer).with_account(CALLEE, inner).trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasReturn, 0);
    assert_ne!(
        w.steps[err].call_id, w.steps[0].call_id,
        "the callee's step"
    );
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_return_that_can_pay_is_not_this_state() {
    let w = witness(RETURN, [u(0), u(64)], 6);
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorOutOfGasReturn));
    // A size of 0 costs nothing, wherever it points.
    let w = witness(REVERT, [U256::MAX, u(0)], 0);
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorOutOfGasReturn));
}

#[test]
fn return_oog_needs_the_gas_short() {
    let g = gadget();
    assert_rejected(
        verify(
            &circuit_of(&one_short()),
            vec![cell(1, &g.out_of_gas.gap[0], 1)],
        ),
        "ERROR_OOG_RETURN: gas_left < memory gas",
    );
    let w = one_short();
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasReturn, 0);
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(w.steps[err].gas_left + 1),
    };
    assert_rejected(verify(&circuit_of(&w), vec![o]), "ERROR_OOG_RETURN");
}

#[test]
fn the_opcode_and_the_range_are_the_step_s() {
    let g = gadget();
    // RETURN claimed to be REVERT.
    assert_rejected(
        verify(&circuit_of(&one_short()), vec![cell(1, &g.is_revert, 1)]),
        "ERROR_OOG_RETURN: opcode = RETURN + is_revert·(REVERT - RETURN)",
    );
    // A smaller size than the one read (32 bytes would cost only 3).
    assert_rejected(
        verify(
            &circuit_of(&one_short()),
            vec![cell(1, &g.range.size.eff, 32)],
        ),
        "ERROR_OOG_RETURN: range_size_eff = in_range·low + (1 - in_range)·far",
    );
    // A far offset clamped to 0 instead of 2^32 - 32.
    let w = witness(REVERT, [U256::from(1) << 64, u(1)], 1_000_000);
    assert_rejected(
        verify(&circuit_of(&w), vec![cell(1, &g.range.offset.eff, 0)]),
        "ERROR_OOG_RETURN: range_offset_eff = in_range·low + (1 - in_range)·far",
    );
    // The size read as 1 (one byte costs 3 gas, which the step has).
    let o = Override::Rw {
        step: 1,
        access: 1,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&circuit_of(&one_short()), vec![o]),
        "ERROR_OOG_RETURN",
    );
}
