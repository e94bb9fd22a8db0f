use super::super::test_util::*;
use super::CollidingCreateRws;
use crate::evm::assign::Override;
use equivm_trace::{
    program::{Program, CONTRACT},
    revm::primitives::{keccak256, Address, U256},
};
use equivm_witness::{
    address::{create2_preimage, create_preimage},
    ExecutionState, Witness,
};
use halo2curves::bn256::Fr;
use halo2curves::ff::PrimeField;

/// The one-byte init code (a STOP) the creations below run.
const INIT: [u8; 1] = [0x00];
const SALT: u8 = 7;

fn address_of(preimage: &[u8]) -> Address {
    Address::from_slice(&keccak256(preimage)[12..])
}

/// The address [`CONTRACT`] (nonce 0) gives its first creation.
fn first_address(create2: bool) -> Address {
    if create2 {
        address_of(&create2_preimage(CONTRACT, U256::from(SALT), &INIT))
    } else {
        address_of(&create_preimage(CONTRACT, 0))
    }
}

fn state(create2: bool) -> ExecutionState {
    if create2 {
        ExecutionState::Create2Collision
    } else {
        ExecutionState::CreateCollision
    }
}

/// A creation of [`INIT`] (with the salt for CREATE2) into an address where an account
/// with code already is; the result is stored at slot 0.
fn onto_code(create2: bool) -> Witness {
    let code = creator_code(&INIT, 0, create2.then_some(SALT), &[0x5f, 0x55, 0x00]);
    let traced = Program::new(code)
        .with_account(first_address(create2), vec![0x00])
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// Two CREATE2 of the same code and salt: the first deposits empty code (nonce 1), the
/// second meets that nonce.
fn create2_twice() -> Witness {
    let again = [
        0x50, 0x60, SALT, 0x60, 1, 0x60, 31, 0x60, 0, 0xf5, 0x5f, 0x55, 0x00,
    ];
    let code = creator_code(&INIT, 0, Some(SALT), &again);
    let traced = Program::new(code).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// The gas the creation keeps: 1/64 of what is left after the cost (32,000, 2 a word and
/// for CREATE2 6 a word, 3 for the one word of memory the first creation grows).
fn kept(w: &Witness, step: usize, create2: bool, memory: u64) -> u64 {
    let cost = 32_000 + 2 + if create2 { 6 } else { 0 } + memory;
    (w.steps[step].gas_left - cost) / 64
}

#[test]
fn an_address_with_code_collides() {
    for create2 in [false, true] {
        let w = onto_code(create2);
        let step = nth_step(&w, state(create2), 0);
        assert_eq!(
            w.steps[step + 1].gas_left,
            kept(&w, step, create2, 3),
            "create2 {create2}"
        );
        assert_eq!(
            w.step_rws(&w.steps[step]).len(),
            CollidingCreateRws::of(create2).total + INIT.len()
        );
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "create2 {create2}");
    }
}

#[test]
fn an_address_with_a_nonce_collides() {
    let w = create2_twice();
    let step = nth_step(&w, ExecutionState::Create2Collision, 0);
    assert_eq!(w.steps[step + 1].gas_left, kept(&w, step, true, 0));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn the_whole_block_passes_the_super_circuit() {
    assert_eq!(super_circuit_verdict(create2_twice()), Ok(()));
    assert_eq!(super_circuit_verdict(onto_code(false)), Ok(()));
}

fn tampered_rw(w: &Witness, create2: bool, access: usize, value: u64) -> Vec<String> {
    let o = Override::Rw {
        step: nth_step(w, state(create2), 0),
        access,
        field: "value_lo",
        value: Fr::from(value),
    };
    failure_texts(verify(&whole(w), vec![o]))
}

#[test]
fn the_creation_pushes_zero_and_records_no_last_callee() {
    let w = onto_code(false);
    let layout = CollidingCreateRws::of(false);
    let texts = tampered_rw(&w, false, layout.pops, 1);
    assert!(texts.iter().any(|t| t.contains("result = 0")), "{texts:#?}");
    let texts = tampered_rw(&w, false, layout.last_callee, 3);
    assert!(
        texts.iter().any(|t| t.contains("LastCalleeId = 0")),
        "{texts:#?}"
    );
}

#[test]
fn the_address_must_be_taken() {
    let w = onto_code(true);
    let step = nth_step(&w, state(true), 0);
    let c = whole(&w);
    let g = config().gadgets.create2_collision;
    // Claiming the code is empty (the account there has code, and nonce 0).
    let texts = failure_texts(verify(&c, vec![cell(step, &g.code_is_empty.is_zero, 1)]));
    assert!(
        texts.iter().any(|t| t.contains("a collision")),
        "{texts:#?}"
    );
    // The empty code's hash read there instead of the real one.
    let empty = equivm_trace::revm::primitives::KECCAK_EMPTY;
    let lo = u128::from_be_bytes(empty.0[16..].try_into().expect("16 bytes"));
    let o = Override::Rw {
        step,
        access: CollidingCreateRws::of(true).code_hash,
        field: "value_lo",
        value: Fr::from_u128(lo),
    };
    assert!(verify(&c, vec![o]).is_err());
    // The nonce collision's nonce read as 0.
    let w = create2_twice();
    let texts = tampered_rw(&w, true, CollidingCreateRws::of(true).code_hash + 1, 0);
    assert!(!texts.is_empty());
}

#[test]
fn the_pre_checks_must_pass() {
    let w = onto_code(false);
    let step = nth_step(&w, state(false), 0);
    let g = config().gadgets.create_collision;
    let texts = failure_texts(verify(&whole(&w), vec![cell(step, &g.poor.borrow_hi, 1)]));
    assert!(
        texts.iter().any(|t| t.contains("the value is there")),
        "{texts:#?}"
    );
}

#[test]
fn the_creator_nonce_is_bumped_once() {
    let w = onto_code(false);
    let texts = tampered_rw(&w, false, CollidingCreateRws::of(false).creator_nonce, 2);
    assert!(
        texts.iter().any(|t| t.contains("creator nonce + 1")),
        "{texts:#?}"
    );
}

#[test]
fn the_creation_s_gas_is_lost_and_its_writes_counted() {
    for create2 in [false, true] {
        let w = onto_code(create2);
        let step = nth_step(&w, state(create2), 0);
        let next = &w.steps[step + 1];
        let name = if create2 {
            "CREATE2_COLLISION"
        } else {
            "CREATE_COLLISION"
        };
        for (field, value) in [
            ("gas_left", next.gas_left + 1),
            (
                "reversible_write_counter",
                next.reversible_write_counter + 1,
            ),
            ("program_counter", u64::from(next.pc) + 1),
            ("memory_word_size", next.memory_word_size + 1),
        ] {
            let o = Override::StepState {
                step: step + 1,
                field,
                value: Fr::from(value),
            };
            assert_rejected(
                verify(&whole(&w), vec![o]),
                &format!("{name}: next.{field}"),
            );
        }
    }
}
