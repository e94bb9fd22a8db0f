use super::super::test_util::*;
use super::ReturnCreationGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{
    program::Program,
    revm::primitives::{keccak256, Address, U256},
};
use equivm_witness::{AccountField, ExecutionState, RwField, Witness};
use halo2curves::bn256::Fr;

/// Init code that deploys the one byte `byte`: `MSTORE8(0, byte) RETURN(0, 1)`.
fn deploy_byte(byte: u8) -> Vec<u8> {
    vec![0x60, byte, 0x5f, 0x53, 0x60, 0x01, 0x5f, 0xf3]
}

fn run(code: Vec<u8>) -> Witness {
    let program = Program::new(code).contract_nonce(1);
    equivm_witness::build_witness(&program.trace().trace).expect("witness builds")
}

fn gadget() -> ReturnCreationGadget<Fr> {
    (*config().gadgets.return_creation).clone()
}

/// The address the creator's first CREATE makes (its nonce is 1).
fn created() -> Address {
    equivm_trace::program::CONTRACT.create(1)
}

/// The step that ends the creation, and the creator's next step (a POP before its STOP).
fn around(w: &Witness, state: ExecutionState) -> (EvmCircuit, usize) {
    let i = nth_step(w, state, 0);
    (slice(w, i..i + 2), i)
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
fn creations_that_deposit_code_pass_whole() {
    // A one-byte code, with a value and by CREATE2; empty code by RETURN(0, 0) and by STOP.
    for (init, value, salt) in [
        (deploy_byte(0xaa), 0, None),
        (deploy_byte(0x00), 5, Some(9)),
        (vec![0x5f, 0x5f, 0xf3], 0, None),
        (vec![0x60, 0x01, 0x00], 3, None),
    ] {
        let w = run(creator_code(&init, value, salt, &[0x00]));
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{init:02x?}");
    }
}

#[test]
fn the_code_hash_is_the_deposited_codes() {
    let w = run(creator_code(&deploy_byte(0xaa), 0, None, &[0x50, 0x00]));
    let (c, i) = around(&w, ExecutionState::ReturnCreation);
    let rws = w.step_rws(&w.steps[i]);
    let deposit = &rws[4];
    assert_eq!(deposit.field, RwField::Account(AccountField::CodeHash));
    assert_eq!(deposit.address, created());
    assert_eq!(deposit.value, U256::from_be_bytes(keccak256([0xaa]).0));
    assert_eq!(verify(&c, vec![]), Ok(()));
    // Another hash: the copy and the first-byte lookup no longer match the table.
    let g = gadget();
    assert!(verify(&c, vec![cell(0, &g.code_hash[0], 7)]).is_err());
    // Another account.
    assert!(verify(&c, vec![rw(4, "address", Fr::from(0xbeef))]).is_err());
    // Another size: 2 bytes cost more and read another range.
    assert!(verify(&c, vec![rw(1, "value_lo", Fr::from(2))]).is_err());
}

#[test]
fn the_deposit_costs_200_gas_a_byte() {
    let w = run(creator_code(&deploy_byte(0xaa), 0, None, &[0x50, 0x00]));
    let (c, i) = around(&w, ExecutionState::ReturnCreation);
    let next = w.steps[i + 1].gas_left;
    for wrong in [next + 200, next - 1] {
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(wrong),
        };
        assert_rejected(verify(&c, vec![o]), "RETURN_CREATION");
    }
}

#[test]
fn a_stop_deposits_empty_code() {
    let w = run(creator_code(&[0x00], 0, None, &[0x50, 0x00]));
    let (c, i) = around(&w, ExecutionState::StopCreation);
    let rws = w.step_rws(&w.steps[i]);
    assert_eq!(rws[2].field, RwField::Account(AccountField::CodeHash));
    assert_eq!(verify(&c, vec![]), Ok(()));
    let one = Fr::from(1);
    assert_rejected(
        verify(&c, vec![rw(2, "value_lo", one)]),
        "STOP_CREATION: deposited code hash (lo)",
    );
}

#[test]
fn failed_creations_pass_and_push_zero() {
    // REVERT, an invalid opcode and running out of gas in the init code; the creator
    // stores what CREATE pushed (0) and the creation's writes are undone.
    for init in [vec![0x5f, 0x5f, 0xfd], vec![0xfe], vec![0x5b, 0x56]] {
        let w = run(creator_code(&init, 4, None, &[0x5f, 0x55, 0x00]));
        let create = nth_step(&w, ExecutionState::Create, 0);
        let pushed = w.step_rws(&w.steps[create])[3].value;
        assert_eq!(pushed, U256::ZERO, "{init:02x?}");
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{init:02x?}");
    }
}

#[test]
fn a_reverted_creator_undoes_the_creation() {
    // The creator REVERTs after the creation succeeded: its nonce bump, the warm mark, the
    // new account's nonce, the transfer and the deposit are all undone.
    let w = run(creator_code(
        &deploy_byte(0xaa),
        6,
        None,
        &[0x5f, 0x5f, 0xfd],
    ));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn code_starting_with_0xef_is_another_state() {
    let w = run(creator_code(&deploy_byte(0xef), 0, None, &[0x00]));
    assert!(w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::ErrorInvalidCreationCode));
    assert!(!w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::ReturnCreation));
}

#[test]
fn a_creation_leaves_no_return_data() {
    // Init code of two bytes (fewer than the transfer's three optional accesses) that
    // stops; RETURNDATACOPY of 32 bytes after it is out of bounds.
    let after = [0x50, 0x60, 0x20, 0x5f, 0x5f, 0x3e, 0x00];
    let w = run(creator_code(&[0x00, 0x00], 0, Some(0), &after));
    assert!(w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::ErrorReturnDataOutOfBounds));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}
