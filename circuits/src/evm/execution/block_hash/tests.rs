use super::super::test_util::*;
use super::BlockHashGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// The numbers asked for, in block 1000: inside the window (999, 744), just outside (743,
/// 1000, 1001), far below (0) and one that wraps to 999 modulo 2^64.
fn numbers() -> Vec<U256> {
    let mut n: Vec<U256> = [999u64, 744, 743, 1000, 1001, 0]
        .into_iter()
        .map(U256::from)
        .collect();
    n.push((U256::from(1) << 64) + U256::from(999));
    n
}

fn witness() -> Witness {
    let mut code = Vec::new();
    for n in numbers() {
        code.push(0x7f);
        code.extend(n.to_be_bytes::<32>());
        code.extend([0x40, 0x50]);
    }
    code.push(0x00);
    let traced = Program::new(code).block_number(1000).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::BlockHash, n);
    slice(&w, i..i + 1)
}

fn gadget() -> BlockHashGadget<Fr> {
    (*config().gadgets.block_hash).clone()
}

fn pushed(w: &Witness, n: usize) -> U256 {
    let step = &w.steps[nth_step(w, ExecutionState::BlockHash, n)];
    w.step_rws(step)[1].value
}

#[test]
fn blockhash_inside_and_outside_the_window_passes() {
    let w = witness();
    let zero: Vec<bool> = (0..7).map(|n| pushed(&w, n).is_zero()).collect();
    assert_eq!(zero, vec![false, false, true, true, true, true, true]);
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    // One slice of every step proves each of them.
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn the_hash_is_the_block_table_s() {
    let o = Override::Rw {
        step: 0,
        access: 1,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&circuit(0), vec![o]),
        "BLOCKHASH: pushed = hash (lo)",
    );
}

#[test]
fn a_block_outside_the_window_has_no_hash() {
    // 743 claimed inside the window.
    let g = gadget();
    assert_rejected(
        verify(&circuit(2), vec![cell(0, &g.in_window, 1)]),
        "BLOCKHASH: in_window = u·lt",
    );
    assert_rejected(
        verify(&circuit(2), vec![cell(0, &g.lt, 1)]),
        "BLOCKHASH: D - 256 + lt·2^64 = E",
    );
    // 1000 (the current block) claimed below it.
    assert_rejected(
        verify(&circuit(3), vec![cell(0, &g.neg, 0)]),
        "BLOCKHASH: cur - m - 1 + neg·2^64 = D",
    );
}

#[test]
fn a_block_inside_the_window_is_not_zeroed() {
    // 744 claimed outside the window, pushing 0.
    let g = gadget();
    let o = vec![
        cell(0, &g.lt, 0),
        cell(0, &g.in_window, 0),
        Override::Rw {
            step: 0,
            access: 1,
            field: "value_lo",
            value: Fr::zero(),
        },
        Override::Rw {
            step: 0,
            access: 1,
            field: "value_hi",
            value: Fr::zero(),
        },
    ];
    assert_rejected(verify(&circuit(1), o), "BLOCKHASH: D - 256 + lt·2^64 = E");
}

#[test]
fn a_number_above_2_64_is_not_its_low_bits() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(6), vec![cell(0, &g.small.is_zero, 1)]),
        "BLOCKHASH: n_high is zero",
    );
}

#[test]
fn blockhash_costs_20() {
    let c = circuit(0);
    let gas = c.witness.steps[c.steps.start].gas_left;
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(gas - 3),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "BLOCKHASH: next.gas_left = gas_left + delta",
    );
}
