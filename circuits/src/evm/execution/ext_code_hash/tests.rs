use super::super::test_util::*;
use super::ExtCodeHashGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::{keccak256, KECCAK_EMPTY, U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// The program: EXTCODEHASH of the running account (its code), the caller (no code, but a
/// nonce and a balance: the empty-code hash), 0x1234 (missing: 0); each then POP; STOP.
fn code() -> Vec<u8> {
    vec![
        0x30, 0x3f, 0x50, 0x33, 0x3f, 0x50, 0x61, 0x12, 0x34, 0x3f, 0x50, 0x00,
    ]
}

fn witness() -> Witness {
    witness_of(code())
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::ExtCodeHash, n);
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

fn gadget() -> ExtCodeHashGadget<Fr> {
    (*config().gadgets.ext_code_hash).clone()
}

#[test]
fn code_hashes_of_a_contract_an_eoa_and_a_missing_account() {
    let w = witness();
    let pushed: Vec<U256> = (0..3)
        .map(|n| {
            let step = &w.steps[nth_step(&w, ExecutionState::ExtCodeHash, n)];
            w.step_rws(step)[6].value
        })
        .collect();
    assert_eq!(pushed[0], U256::from_be_bytes(keccak256(code()).0));
    assert_eq!(pushed[1], U256::from_be_bytes(KECCAK_EMPTY.0));
    assert_eq!(pushed[2], U256::ZERO);
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    // One slice of every step proves each of them.
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn a_missing_account_pushes_zero() {
    let empty = equivm_gadgets::Word::from_be_bytes(KECCAK_EMPTY.0).to_field::<Fr>();
    assert_rejected(
        verify(&circuit(2), vec![rw(6, "value_lo", empty.lo)]),
        "EXTCODEHASH: pushed = (1 - is_empty)·hash (lo)",
    );
}

#[test]
fn an_account_is_empty_only_if_all_three_fields_are() {
    // The EOA (nonce 1) claimed empty.
    let g = gadget();
    let o = vec![
        cell(0, &g.nonce_zero.is_zero, 1),
        cell(0, &g.both_zero, 1),
        cell(0, &g.is_empty, 1),
        rw(6, "value_lo", Fr::zero()),
        rw(6, "value_hi", Fr::zero()),
    ];
    assert_rejected(verify(&circuit(1), o), "EXTCODEHASH: nonce is zero");
}

#[test]
fn a_contract_is_not_empty() {
    let g = gadget();
    let o = vec![
        cell(0, &g.is_empty, 1),
        rw(6, "value_lo", Fr::zero()),
        rw(6, "value_hi", Fr::zero()),
    ];
    assert_rejected(
        verify(&circuit(0), o),
        "EXTCODEHASH: is_empty = both_zero·hash_empty",
    );
}

#[test]
fn extcodehash_reads_the_popped_account() {
    assert_rejected(
        verify(&circuit(2), vec![rw(5, "address", Fr::from(0x1235))]),
        "EXTCODEHASH: account read #5: rw.address",
    );
}

#[test]
fn a_cold_account_costs_2600() {
    assert_rejected(
        verify(&circuit(2), vec![rw(2, "value_prev_lo", Fr::from(1))]),
        "EXTCODEHASH: next.gas_left",
    );
}
