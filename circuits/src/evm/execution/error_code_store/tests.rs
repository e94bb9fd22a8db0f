use super::super::test_util::*;
use super::ErrorCodeStoreGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::program::Program;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Init code returning 24577 bytes of memory: `PUSH2 0x6001, PUSH0, RETURN`.
const TOO_BIG: [u8; 5] = [0x61, 0x60, 0x01, 0x5f, 0xf3];
/// Init code returning 100 bytes: `PUSH1 100, PUSH0, RETURN` (20,000 gas to deposit).
const HUNDRED: [u8; 4] = [0x60, 100, 0x5f, 0xf3];

/// The contract runs `CREATE` (or CREATE2) of `init`, then STOP; the tx has `gas`.
fn witness(init: &[u8], salt: Option<u8>, gas: u64) -> Witness {
    let code = creator_code(init, 0, salt, &[0x00]);
    let traced = Program::new(code).contract_nonce(1).gas_limit(gas).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn too_big() -> Witness {
    witness(&TOO_BIG, None, 1_000_000)
}

/// The creation gets about 10,000 gas: too little to deposit 100 bytes.
fn short_of_gas() -> Witness {
    witness(&HUNDRED, None, 63_200)
}

fn gadget() -> ErrorCodeStoreGadget<Fr> {
    (*config().gadgets.error_code_store).clone()
}

fn error_step(w: &Witness) -> usize {
    nth_step(w, ExecutionState::ErrorCodeStore, 0)
}

#[test]
fn deposits_that_fail_pass() {
    for (what, w) in [
        ("24577 bytes", too_big()),
        ("100 bytes without the gas", short_of_gas()),
        (
            "CREATE2 of 24577 bytes",
            witness(&TOO_BIG, Some(3), 1_000_000),
        ),
    ] {
        let err = error_step(&w);
        assert!(w.steps[err].opcode == Some(0xf3), "{what}");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{what}");
    }
}

#[test]
fn a_deposit_that_can_be_paid_is_not_this_state() {
    let w = witness(&HUNDRED, None, 1_000_000);
    assert!(w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::ReturnCreation));
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorCodeStore));
}

#[test]
fn the_reason_must_hold() {
    let g = gadget();
    // 24577 bytes claimed to lack the gas, which the creation has.
    let w = too_big();
    let err = error_step(&w);
    assert_rejected(
        verify(&whole(&w), vec![cell(err, &g.too_big, 0)]),
        "ERROR_CODE_STORE: gas_left < memory gas + 200·size",
    );
    // 100 bytes claimed to be over the limit.
    let w = short_of_gas();
    let err = error_step(&w);
    assert_rejected(
        verify(&whole(&w), vec![cell(err, &g.too_big, 1)]),
        "ERROR_CODE_STORE: 24576 < size (EIP-170)",
    );
    // One more gas would still lack it; the gas of a deposit that can be paid cannot.
    let o = Override::StepState {
        step: err,
        field: "gas_left",
        value: Fr::from(1_000_000),
    };
    assert_rejected(verify(&whole(&w), vec![o]), "ERROR_CODE_STORE");
    // A smaller size read: 4 bytes cost 800 gas, which the creation has.
    let o = Override::Rw {
        step: err,
        access: 1,
        field: "value_lo",
        value: Fr::from(4),
    };
    assert_rejected(verify(&whole(&w), vec![o]), "ERROR_CODE_STORE");
}

#[test]
fn a_message_call_s_return_is_never_this_state() {
    // The creation's step claimed to run in a message call.
    let w = too_big();
    let err = error_step(&w);
    let o = Override::StepState {
        step: err,
        field: "is_create",
        value: Fr::from(0),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "ERROR_CODE_STORE: is_create = 1",
    );
}
