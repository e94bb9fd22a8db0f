use super::super::test_util::*;
use super::{Create2Gadget, CreateGadget, CreateRws};
use crate::evm::{
    assign::{Override, WitnessIndex},
    EvmCircuit,
};
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{
    AccountField, CallContextField as C, ExecutionState, RwField, RwTag, Witness,
};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2curves::bn256::Fr;

/// Init code that deploys nothing: `RETURN(0, 0)`.
const INIT: [u8; 5] = [0x60, 0x00, 0x60, 0x00, 0xf3];

/// `INIT` at memory 27..32, then `CREATE(value, 27, 5)` (or CREATE2 with `salt`) and STOP.
fn creator(value: u8, salt: Option<u8>) -> Vec<u8> {
    creator_code(&INIT, value, salt, &[0x00])
}

fn run(program: Program) -> Witness {
    equivm_witness::build_witness(&program.trace().trace).expect("witness builds")
}

fn state(create2: bool) -> ExecutionState {
    if create2 {
        ExecutionState::Create2
    } else {
        ExecutionState::Create
    }
}

/// The creation step and the init code's first step.
fn around(w: &Witness, create2: bool) -> (EvmCircuit, usize) {
    let i = nth_step(w, state(create2), 0);
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

fn next(field: &'static str, value: Fr) -> Override<Fr> {
    Override::StepState {
        step: 1,
        field,
        value,
    }
}

fn supported(w: &Witness, i: usize) -> bool {
    crate::evm::execution::is_supported(&w.steps[i], &WitnessIndex::new(w))
}

fn create_gadget() -> CreateGadget<Fr> {
    (*config().gadgets.create).clone()
}

fn create2_gadget() -> Create2Gadget<Fr> {
    (*config().gadgets.create2).clone()
}

#[test]
fn create_starts_its_init_code_for_every_nonce_encoding() {
    // One RLP byte (0x80 for 0, the byte itself below 0x80), then 1, 2 and 4 bytes.
    for nonce in [0u64, 1, 0x7f, 0x80, 0x1234, 0x1234_5678] {
        let w = run(Program::new(creator(0, None)).contract_nonce(nonce));
        let (c, i) = around(&w, false);
        let rws = w.step_rws(&w.steps[i]);
        let layout = CreateRws::of(false);
        assert_eq!(rws[layout.creator_nonce].value_prev, U256::from(nonce));
        assert_eq!(verify(&c, vec![]), Ok(()), "nonce {nonce}");
    }
}

#[test]
fn creations_with_value_and_create2() {
    let w = run(Program::new(creator(7, None)).contract_nonce(1));
    assert_eq!(verify(&around(&w, false).0, vec![]), Ok(()));
    for value in [0, 9] {
        let w = run(Program::new(creator(value, Some(0x42))).contract_nonce(1));
        assert_eq!(verify(&around(&w, true).0, vec![]), Ok(()), "value {value}");
    }
}

#[test]
fn the_accesses_are_where_the_layout_says() {
    for (create2, salt) in [(false, None), (true, Some(3))] {
        let w = run(Program::new(creator(5, salt)).contract_nonce(1));
        let i = nth_step(&w, state(create2), 0);
        let step = &w.steps[i];
        assert!(supported(&w, i));
        let l = CreateRws::of(create2);
        let rws = w.step_rws(step);
        assert_eq!(rws[l.result].tag, RwTag::Stack);
        assert!(rws[l.result].is_write);
        assert_eq!(rws[l.creator].field, RwField::CallContext(C::CalleeAddress));
        assert_eq!(
            rws[l.creator_nonce].field,
            RwField::Account(AccountField::Nonce)
        );
        assert_eq!(rws[l.warm_mark].tag, RwTag::TxAccessListAccount);
        assert_eq!(
            rws[l.code_hash].field,
            RwField::Account(AccountField::CodeHash)
        );
        assert_eq!(rws[l.saves].field, RwField::CallContext(C::ProgramCounter));
        assert_eq!(rws[l.callee_context].field, RwField::CallContext(C::TxId));
        assert_eq!(
            rws[l.end_of_reversion].field,
            RwField::CallContext(C::RwCounterEndOfReversion)
        );
        assert_eq!(
            rws[l.new_nonce].field,
            RwField::Account(AccountField::Nonce)
        );
        // The transfer's three accesses, then the init code's five memory reads.
        assert_eq!(rws.len(), l.total + 3 + INIT.len());
        assert!(rws[l.total + 3..].iter().all(|rw| rw.tag == RwTag::Memory));
        // The pushed address is the one the new account's rows use.
        assert_eq!(
            rws[l.result].value,
            U256::from_be_bytes(rws[l.warm_mark].address.into_word().0)
        );
    }
}

#[test]
fn a_wrong_address_is_rejected() {
    let w = run(Program::new(creator(0, None)).contract_nonce(0x80));
    let (c, i) = around(&w, false);
    let l = CreateRws::of(false);
    let pushed = w.step_rws(&w.steps[i])[l.result].value;
    let low: U256 = pushed % (U256::from(1u8) << 128);
    let lo = Fr::from_u128(low.to::<u128>() ^ 1);
    assert_rejected(
        verify(&c, vec![rw(l.result, "value_lo", lo)]),
        "CREATE: result.lo = success·address.lo",
    );
    // Another hash: the preimage lookups are pinned to the hash the address comes from.
    let g = create_gadget();
    assert_rejected(
        verify(&c, vec![cell(0, &g.new_address.address.hash[0], 5)]),
        "CREATE: row 0: bytecode lane code_hash (lo)",
    );
    // Another nonce encoding (short instead of long).
    let rlp = g
        .new_address
        .address
        .nonce
        .as_ref()
        .expect("CREATE encodes the nonce");
    assert!(verify(&c, vec![cell(0, &rlp.short, 1)]).is_err());
    assert!(verify(&c, vec![cell(0, &rlp.is_small, 1)]).is_err());
}

#[test]
fn create2_binds_its_salt_and_init_code() {
    let w = run(Program::new(creator(0, Some(0x42))).contract_nonce(1));
    let (c, _) = around(&w, true);
    let g = create2_gadget();
    assert_rejected(
        verify(&c, vec![rw(3, "value_lo", Fr::from(0x43))]),
        "CREATE2 preimage: salt.lo",
    );
    assert!(verify(&c, vec![cell(0, &g.new_address.init_hash[0], 1)]).is_err());
    assert!(verify(
        &c,
        vec![cell(0, &g.new_address.address.hash_hi_bytes[0], 1)]
    )
    .is_err());
}

#[test]
fn tampered_nonces_gas_and_context_are_rejected() {
    let w = run(Program::new(creator(7, None)).contract_nonce(1));
    let (c, i) = around(&w, false);
    let l = CreateRws::of(false);
    assert_rejected(
        verify(&c, vec![rw(l.creator_nonce, "value_lo", Fr::from(3))]),
        "CREATE: creator nonce + 1 = nonce written",
    );
    assert_rejected(
        verify(&c, vec![rw(l.new_nonce, "value_lo", Fr::from(2))]),
        "CREATE: new account nonce = 1",
    );
    assert_rejected(
        verify(&c, vec![rw(l.new_nonce, "value_prev_lo", Fr::from(1))]),
        "CREATE: new account nonce was 0 (no collision)",
    );
    let saved = w.step_rws(&w.steps[i])[l.saves + 2].value.to::<u64>();
    assert_rejected(
        verify(&c, vec![rw(l.saves + 2, "value_lo", Fr::from(saved + 1))]),
        "CREATE: saved GasLeft",
    );
    let gas = w.steps[i + 1].gas_left;
    assert_rejected(
        verify(&c, vec![next("gas_left", Fr::from(gas + 1))]),
        "CREATE",
    );
    assert_rejected(verify(&c, vec![next("is_create", Fr::from(0))]), "CREATE");
    assert_rejected(
        verify(&c, vec![next("reversible_write_counter", Fr::from(1))]),
        "CREATE",
    );
    let value = Fr::from(8);
    assert_rejected(
        verify(&c, vec![rw(l.callee_context + 9, "value_lo", value)]),
        "CREATE: callee Value",
    );
}

#[test]
fn empty_init_code_runs_the_implicit_stop() {
    // CREATE(0, 0, 0) and CREATE2(0, 0, 0, salt 9): the creation's one step is a STOP at
    // pc 0 of the empty code, which deploys nothing.
    for (create2, code) in [
        (false, vec![0x5f, 0x5f, 0x5f, 0xf0, 0x00]),
        (true, vec![0x60, 0x09, 0x5f, 0x5f, 0x5f, 0xf5, 0x00]),
    ] {
        let w = run(Program::new(code).contract_nonce(1));
        let i = nth_step(&w, state(create2), 0);
        assert!(supported(&w, i));
        assert_eq!(w.steps[i + 1].execution_state, ExecutionState::StopCreation);
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "CREATE2: {create2}");
        // Another init code hash than keccak256 of nothing.
        let (c, _) = around(&w, create2);
        let hash = if create2 {
            create2_gadget().new_address.init_hash
        } else {
            create_gadget().new_address.init_hash
        };
        let name = if create2 { "CREATE2" } else { "CREATE" };
        assert_rejected(
            verify(&c, vec![cell(0, &hash[0], 1)]),
            &format!("{name}: size = 0: init_hash.lo = keccak256(()).lo"),
        );
    }
}

#[test]
fn a_collision_is_another_state() {
    // CREATE2 twice with the same salt: the second meets the first one's account.
    let code = creator_code(
        &INIT,
        0,
        Some(1),
        &[0x60, 0x01, 0x60, 0x05, 0x60, 27, 0x5f, 0xf5, 0x00],
    );
    let w = run(Program::new(code).contract_nonce(1));
    assert!(supported(&w, nth_step(&w, ExecutionState::Create2, 0)));
    let second = nth_step(&w, ExecutionState::Create2Collision, 0);
    assert!(supported(&w, second));
    assert_eq!(
        w.steps
            .iter()
            .filter(|s| s.execution_state == ExecutionState::Create2)
            .count(),
        1
    );
}
