use super::super::test_util::*;
use super::BalanceGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// BALANCE of: the running account (warm), 0x1234 (cold), 0x1234 again (warm), and a word
/// whose 96 high bits are set (address 0xff..ff, cold); each then POP; STOP.
fn witness() -> Witness {
    let mut code = vec![0x30, 0x31, 0x50];
    code.extend([0x61, 0x12, 0x34, 0x31, 0x50]);
    code.extend([0x61, 0x12, 0x34, 0x31, 0x50]);
    code.push(0x7f);
    code.extend([0xff; 32]);
    code.extend([0x31, 0x50, 0x00]);
    witness_of(code)
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::Balance, n);
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

fn gadget() -> BalanceGadget<Fr> {
    (*config().gadgets.balance).clone()
}

#[test]
fn warm_and_cold_balances_pass() {
    let w = witness();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    let costs: Vec<u64> = (0..4)
        .map(|n| w.steps[nth_step(&w, ExecutionState::Balance, n)].gas_cost)
        .collect();
    assert_eq!(costs, vec![100, 2600, 100, 2600]);
    // One slice of every step proves each of them.
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn an_unknown_account_has_no_balance() {
    let w = witness();
    let step = &w.steps[nth_step(&w, ExecutionState::Balance, 1)];
    assert_eq!(w.step_rws(step)[4].value, U256::ZERO);
}

#[test]
fn balance_pushes_the_balance_read() {
    assert_rejected(
        verify(&circuit(0), vec![rw(4, "value_lo", Fr::from(5))]),
        "BALANCE: pushed = balance (lo)",
    );
}

#[test]
fn the_address_is_the_low_160_bits() {
    // The read at the address with bit 160 set, and the byte cell claiming it.
    let g = gadget();
    let o = vec![cell(0, &g.access.hi_bytes[4], 0)];
    assert_rejected(
        verify(&circuit(3), o),
        "BALANCE: address word.hi = Σ hi_byte_i·256^i",
    );
    assert_rejected(
        verify(&circuit(1), vec![rw(3, "address", Fr::from(0x1235))]),
        "BALANCE: account read #3: rw.address",
    );
}

#[test]
fn a_cold_account_costs_2600() {
    // The cold access claiming it was warm.
    let c = circuit(1);
    assert_rejected(
        verify(&c, vec![rw(2, "value_prev_lo", Fr::from(1))]),
        "BALANCE: next.gas_left",
    );
}

#[test]
fn the_warm_flag_is_boolean() {
    assert_rejected(
        verify(&circuit(2), vec![rw(2, "value_prev_lo", Fr::from(2))]),
        "BALANCE: warm flag: value_prev is boolean",
    );
}
