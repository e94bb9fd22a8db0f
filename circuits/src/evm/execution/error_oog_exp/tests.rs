use super::super::test_util::*;
use super::{exp_cost, ErrorOogExpGadget};
use crate::evm::{assign::Override, cell::Cell, EvmCircuit};
use equivm_trace::program::Program;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Gas of the two PUSH32 before the EXP.
const PUSHES: u64 = 6;

/// PUSH32 exponent PUSH32 base EXP STOP, with `gas` left at the EXP.
fn witness(exponent: U256, base: U256, gas: u64) -> Witness {
    let mut code = vec![0x7f];
    code.extend(exponent.to_be_bytes::<32>());
    code.push(0x7f);
    code.extend(base.to_be_bytes::<32>());
    code.extend([0x0a, 0x00]);
    let traced = Program::new(code).gas_limit(21_000 + PUSHES + gas).trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasDynamic, 0);
    assert_eq!(w.steps[err].opcode, Some(0x0a));
    assert_eq!(w.steps[err].gas_left, gas);
    w
}

/// The error step and the rest of the tx (EndTx, EndBlock).
fn circuit_of(w: &Witness) -> EvmCircuit {
    let err = nth_step(w, ExecutionState::ErrorOutOfGasDynamic, 0);
    slice(w, err..err + 3)
}

fn circuit(exponent: U256, gas: u64) -> EvmCircuit {
    circuit_of(&witness(exponent, U256::from(3), gas))
}

fn gadget() -> ErrorOogExpGadget<Fr> {
    *config().gadgets.error_oog_exp
}

fn cell(c: &Cell<Fr>, value: Fr) -> Override<Fr> {
    Override::Cell {
        step: 0,
        column: c.column,
        rotation: c.rotation,
        value,
    }
}

/// 0x0101: byte size 2, cost 110.
fn two_bytes() -> U256 {
    U256::from(0x0101)
}

#[test]
fn exp_cost_counts_exponent_bytes() {
    assert_eq!(exp_cost(U256::ZERO), 10);
    assert_eq!(exp_cost(U256::from(1)), 60);
    assert_eq!(exp_cost(U256::from(0xff)), 60);
    assert_eq!(exp_cost(U256::from(0x100)), 110);
    assert_eq!(exp_cost(U256::from(1) << 255), 1610);
    assert_eq!(exp_cost(U256::MAX), 1610);
}

#[test]
fn exp_oog_passes() {
    let cases = [
        // (exponent, byte size, gas left)
        (U256::ZERO, 0, 0),
        (U256::ZERO, 0, 9),
        (U256::from(0xff), 1, 3),
        (U256::from(1), 1, 10),
        (U256::from(0xff), 1, 59),
        (U256::from(0x100), 2, 9),
        (two_bytes(), 2, 109),
        (U256::from(1) << 255, 32, 0),
        (U256::MAX, 32, 1000),
        (U256::MAX, 32, 1609),
    ];
    for (exponent, size, gas) in cases {
        assert_eq!(exp_cost(exponent), 10 + 50 * size, "{exponent}");
        let w = witness(exponent, U256::from(7), gas);
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{exponent}, {gas}: {unsupported:?}");
        assert_eq!(
            verify(&circuit_of(&w), vec![]),
            Ok(()),
            "exponent {exponent}, gas {gas}"
        );
    }
}

#[test]
fn exp_oog_gas_is_the_gas_left() {
    // The step claims 110 gas (enough for size 2): its gas bytes say 109.
    let o = Override::StepState {
        step: 0,
        field: "gas_left",
        value: Fr::from(110),
    };
    assert_rejected(
        verify(&circuit(two_bytes(), 109), vec![o]),
        "ERROR_OOG_EXP: gas = gas_left (2 bytes)",
    );
}

#[test]
fn exp_with_enough_gas_is_not_out_of_gas() {
    // gas_left = 110 = cost, with the gas bytes following it: 110 - 110 - 1 = -1 needs a
    // gap byte of -1. The gap equation holds; the byte range check rejects it.
    let g = gadget();
    let o = vec![
        Override::StepState {
            step: 0,
            field: "gas_left",
            value: Fr::from(110),
        },
        cell(&g.gas[0], Fr::from(110)),
        cell(&g.gas[1], Fr::zero()),
        cell(&g.out_of_gas.gap[0], -Fr::one()),
        cell(&g.out_of_gas.gap[1], Fr::zero()),
    ];
    let texts = failure_texts(verify(&circuit(two_bytes(), 109), o));
    assert_named_not(&texts, "EVM byte cell in 0..=255", "gas < 10 + 50·size");
    // With the gas bytes at 255 + 256·255 (the most two bytes hold), 65,535 would not fit
    // the gap either.
    let o = vec![
        Override::StepState {
            step: 0,
            field: "gas_left",
            value: Fr::from(65_535),
        },
        cell(&g.gas[0], Fr::from(255)),
        cell(&g.gas[1], Fr::from(255)),
    ];
    assert_rejected(
        verify(&circuit(two_bytes(), 109), o),
        "ERROR_OOG_EXP: gas < 10 + 50·size: rhs - lhs - 1 = Σ gap_i·256^i",
    );
}

#[test]
fn exp_oog_byte_size_cannot_be_understated() {
    // Exponent 0x0101 (size 2) with 59 gas, claimed size 1 (cost 60): the selector moves to
    // byte 0 (top = top_inv = 1) and the gap follows (60 - 59 - 1 = 0). Only the rule that
    // bytes above the selected one are zero fails.
    let g = gadget();
    let o = vec![
        cell(&g.size.sel[1], Fr::zero()),
        cell(&g.size.sel[0], Fr::one()),
        cell(&g.size.top, Fr::one()),
        cell(&g.size.top_inv, Fr::one()),
        cell(&g.out_of_gas.gap[0], Fr::zero()),
        cell(&g.out_of_gas.gap[1], Fr::zero()),
    ];
    let texts = failure_texts(verify(&circuit(two_bytes(), 59), o));
    assert_only(
        &texts,
        "ERROR_OOG_EXP: exponent size: byte_k·(1 - Σ_(i≥k) sel_i) = 0",
    );
}

#[test]
fn exp_oog_exponent_is_read() {
    // The stack says the exponent is 1 (cost 60 > 59) while the bytes say 0x0101.
    let o = Override::Rw {
        step: 0,
        access: 1,
        field: "value_lo",
        value: Fr::one(),
    };
    assert_rejected(
        verify(&circuit(two_bytes(), 59), vec![o]),
        "ERROR_OOG_EXP: exponent = Σ byte_i·256^i (lo)",
    );
}

#[test]
fn exp_oog_must_read_failure() {
    let o = Override::Rw {
        step: 0,
        access: 2,
        field: "value_lo",
        value: Fr::one(),
    };
    assert_rejected(
        verify(&circuit(two_bytes(), 59), vec![o]),
        "ERROR_OOG_EXP: call's IsSuccess = 0 (lo)",
    );
}

#[test]
fn exp_oog_proves_only_exp() {
    // KECCAK256 (also dynamic gas, also two stack inputs) in the opcode cell.
    let o = Override::Cell {
        step: 0,
        column: config().columns.step.opcode,
        rotation: 0,
        value: Fr::from(0x20),
    };
    assert_rejected(
        verify(&circuit(two_bytes(), 59), vec![o]),
        "ERROR_OOG_EXP: opcode = 0x0a",
    );
}

#[test]
fn exp_oog_is_not_exp() {
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::Exp,
    };
    assert_rejected(
        verify(&circuit(two_bytes(), 59), vec![o]),
        "EXP: gas_left - constant_gas - dynamic_gas = Σ byte_i·256^i (enough gas)",
    );
}

#[test]
fn exp_that_could_pay_is_unsupported() {
    // The witness claims the EXP ran out of gas with its full cost left.
    let mut w = witness(two_bytes(), U256::from(3), 109);
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasDynamic, 0);
    w.steps[err].gas_left = 110;
    assert_eq!(
        EvmCircuit::unsupported_steps(&w),
        vec![(ExecutionState::ErrorOutOfGasDynamic, Some(0x0a))]
    );
}

#[test]
fn create_out_of_gas_is_not_this_state() {
    // CREATE (32,000 gas) with 2000 gas at it: PUSH0 ×3, CREATE.
    let code = vec![0x5f, 0x5f, 0x5f, 0xf0, 0x00];
    let traced = Program::new(code).gas_limit(21_000 + 6 + 2000).trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasCreate, 0);
    assert_eq!(w.steps[err].opcode, Some(0xf0));
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorOutOfGasDynamic));
}
