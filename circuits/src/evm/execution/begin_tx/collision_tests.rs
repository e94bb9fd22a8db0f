//! Creation transactions whose address is taken (`BeginTxCreateCollision`).

use crate::evm::assign::Override;
use crate::evm::execution::test_util::*;
use crate::evm::EvmCircuit;
use equivm_trace::{
    program::{Program, SENDER},
    revm::primitives::{keccak256, Address, KECCAK_EMPTY, U256},
};
use equivm_witness::{address::create_preimage, ExecutionState, Witness};
use halo2curves::bn256::Fr;
use halo2curves::ff::PrimeField;

/// Init code that would deploy one byte, never run here.
const DEPLOY: [u8; 10] = [0x60, 0x01, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3];
/// The nonce read of the taken address, and the failed root call's `IsSuccess` read.
const NONCE_READ: usize = 34;
const CODE_HASH_READ: usize = 16;
const IS_SUCCESS_WRITE: usize = 27;

/// The address the sender's first creation gets.
fn new_address() -> Address {
    Address::from_slice(&keccak256(create_preimage(SENDER, 0))[12..])
}

fn run(program: Program) -> Witness {
    equivm_witness::build_witness(&program.trace().trace).expect("witness builds")
}

/// Code at the address (with `value` sent), or (`code` false) only a nonce there.
fn colliding(code: bool, value: u64) -> Witness {
    let program = Program::new(DEPLOY.to_vec()).create().value(value);
    run(if code {
        program.with_account(new_address(), vec![0x00])
    } else {
        program.with_nonce_account(new_address(), 1)
    })
}

/// The collision's BeginTx and the EndTx after it.
fn begin(w: &Witness) -> EvmCircuit {
    let i = nth_step(w, ExecutionState::BeginTxCreateCollision, 0);
    slice(w, i..i + 2)
}

fn rw(access: usize, field: &'static str, value: Fr) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value,
    }
}

#[test]
fn a_taken_address_fails_the_transaction() {
    for (code, value) in [(true, 0), (true, 7), (false, 0), (false, 3)] {
        let w = colliding(code, value);
        let i = nth_step(&w, ExecutionState::BeginTxCreateCollision, 0);
        assert_eq!(w.steps[i].rw_count, 36, "code {code} value {value}");
        // Nothing runs: EndTx follows with all the gas spent, and the value stays.
        assert_eq!(w.steps[i + 1].execution_state, ExecutionState::EndTx);
        assert_eq!(w.steps[i + 1].gas_left, 0);
        assert_eq!(EvmCircuit::unsupported_steps(&w), vec![]);
        assert_eq!(
            verify_block(&w, vec![]),
            Ok(()),
            "code {code} value {value}"
        );
    }
    assert_eq!(super_circuit_verdict(colliding(true, 7)), Ok(()));
}

#[test]
fn a_free_address_is_no_collision() {
    // Code hash keccak256(()) and nonce 0 read, the IsZero cells honest for them.
    let w = colliding(true, 0);
    let c = begin(&w);
    let g = &config().gadgets.begin_tx_create_collision;
    let t = g.collision.as_ref().expect("collision checks");
    let empty = U256::from_be_bytes(KECCAK_EMPTY.0);
    let lo = Fr::from_u128((empty & U256::from(u128::MAX)).to::<u128>());
    let hi = Fr::from_u128((empty >> 128usize).to::<u128>());
    let o = vec![
        rw(CODE_HASH_READ, "value_lo", lo),
        rw(CODE_HASH_READ, "value_hi", hi),
        cell(0, &t.no_code.is_zero, 1),
        cell(0, &t.no_code.inv_lo, 0),
        cell(0, &t.no_code.inv_hi, 0),
    ];
    assert_rejected(verify(&c, o), "the address is taken: code or a nonce there");
    // A nonce-only collision whose nonce read says 0.
    let c = begin(&colliding(false, 0));
    let o = vec![
        rw(NONCE_READ, "value_lo", Fr::from(0)),
        cell(0, &t.no_nonce.is_zero, 1),
        cell(0, &t.no_nonce.inv_lo, 0),
    ];
    assert_rejected(verify(&c, o), "the address is taken: code or a nonce there");
}

#[test]
fn the_collision_fails_and_spends_all_gas() {
    let c = begin(&colliding(true, 7));
    assert_rejected(
        verify(&c, vec![rw(IS_SUCCESS_WRITE, "value_lo", Fr::from(1))]),
        "call context IsSuccess",
    );
    assert_rejected(
        verify(&c, vec![rw(NONCE_READ + 1, "value_lo", Fr::from(1))]),
        "the root call fails (IsSuccess = 0)",
    );
    assert_rejected(
        verify(&c, vec![rw(IS_SUCCESS_WRITE + 6, "value_lo", Fr::from(99))]),
        "RwCounterEndOfReversion = the IsSuccess read's counter",
    );
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(1000),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "BEGIN_TX_CREATE_COLLISION: next.gas_left",
    );
    let o = Override::ExecutionState {
        step: 1,
        state: ExecutionState::Stop,
    };
    assert_rejected(verify(&c, vec![o]), "next state is EndTx");
}

#[test]
fn each_state_proves_only_its_own_kind() {
    // A collision cannot pass as a creation that starts (its code hash read is not empty),
    // nor a creation that starts as a collision (its address is free).
    let c = begin(&colliding(true, 0));
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::BeginTxCreate,
    };
    assert_rejected(verify(&c, vec![o]), "the new address has no code");
    let w = run(Program::new(DEPLOY.to_vec()).create());
    let i = nth_step(&w, ExecutionState::BeginTxCreate, 0);
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::BeginTxCreateCollision,
    };
    let texts = failure_texts(verify(&slice(&w, i..i + 2), vec![o]));
    assert!(!texts.is_empty());
}
