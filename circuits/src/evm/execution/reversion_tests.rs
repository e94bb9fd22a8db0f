//! The reversion of a failing root call: every reversible write's step looks up its undo at
//! `rw_counter_end_of_reversion - k`, and the REVERT or error step that ends the call pins
//! where the undos end and skips them.

use super::test_util::*;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::program::Program;
use equivm_witness::{CallContextField, ExecutionState, RwField, RwTag, Witness};
use halo2curves::bn256::Fr;

/// SSTORE(0, 1), then REVERT(0, 0): three undos (slot, warm mark, refund).
const SSTORE_REVERT: [u8; 8] = [0x60, 1, 0x60, 0, 0x55, 0x5f, 0x5f, 0xfd];

/// TSTORE(5, 7), SLOAD(3), BALANCE(0xaa), SSTORE(0, 1), then INVALID: six undos.
const WRITES_THEN_INVALID: [u8; 19] = [
    0x60, 7, 0x60, 5, 0x5d, // TSTORE
    0x60, 3, 0x54, 0x50, // SLOAD POP
    0x60, 0xaa, 0x31, 0x50, // BALANCE POP
    0x60, 1, 0x60, 0, 0x55, // SSTORE
    0xfe, // INVALID
];

fn witness(program: Program) -> Witness {
    equivm_witness::build_witness(&program.trace().trace).expect("witness builds")
}

fn whole(w: &Witness) -> EvmCircuit {
    assert!(
        EvmCircuit::unsupported_steps(w).is_empty(),
        "{:?}",
        EvmCircuit::unsupported_steps(w)
    );
    slice(w, 0..w.steps.len())
}

/// The root call's `RwCounterEndOfReversion` in `w`.
fn end_of_reversion(w: &Witness) -> u64 {
    w.rws
        .iter()
        .find(|rw| rw.field == RwField::CallContext(CallContextField::RwCounterEndOfReversion))
        .map(|rw| rw.value.to::<u64>())
        .expect("the root call's end of reversion is written")
}

fn state(step: usize, field: &'static str, value: Fr) -> Override<Fr> {
    Override::StepState { step, field, value }
}

#[test]
fn the_undos_end_at_the_end_of_reversion() {
    let w = witness(Program::new(SSTORE_REVERT.to_vec()));
    let end = end_of_reversion(&w);
    // The last three entries before EndTx undo the SSTORE's writes, last one first.
    let sstore = &w.steps[nth_step(&w, ExecutionState::Sstore, 0)];
    let forward = &w.step_rws(sstore)[5..8];
    for (k, write) in forward.iter().enumerate() {
        let undo = &w.rws[(end - k as u64 - 1) as usize];
        assert!(undo.is_write);
        assert_eq!((undo.tag, undo.key), (write.tag, write.key));
        assert_eq!(
            (undo.value, undo.value_prev),
            (write.value_prev, write.value)
        );
    }
    assert_eq!(forward[0].tag, RwTag::Storage);
}

#[test]
fn sstore_then_revert_passes() {
    let w = witness(Program::new(SSTORE_REVERT.to_vec()));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_refund_is_undone_with_the_rest() {
    // SSTORE(0, 0) of a slot holding 1 earns 4800, which the REVERT takes back.
    let code = vec![0x5f, 0x5f, 0x55, 0x5f, 0x5f, 0xfd];
    let w = witness(Program::new(code).with_storage(0, 1));
    let revert = nth_step(&w, ExecutionState::ReturnRevert, 0);
    assert_eq!(
        (w.steps[revert].refund, w.steps[revert + 1].refund),
        (4800, 0)
    );
    let c = whole(&w);
    assert_eq!(verify(&c, vec![]), Ok(()));
    assert_rejected(
        verify(&c, vec![state(revert + 1, "refund", Fr::from(4800))]),
        "RETURN_REVERT: next.refund = value",
    );
}

#[test]
fn writes_of_every_kind_then_an_error_pass() {
    let w = witness(Program::new(WRITES_THEN_INVALID.to_vec()));
    let err = nth_step(&w, ExecutionState::ErrorInvalidOpcode, 0);
    assert_eq!(w.steps[err].reversible_write_counter, 7);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn a_reverted_value_transfer_passes() {
    let w = witness(Program::new(vec![0x5f, 0x5f, 0xfd]).value(5));
    assert_eq!(w.steps[1].reversible_write_counter, 2);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn an_undo_must_be_in_the_rw_log() {
    let mut w = witness(Program::new(SSTORE_REVERT.to_vec()));
    let end = end_of_reversion(&w);
    // The slot's undo restores 0; claim it restored 5.
    let undo = &mut w.rws[(end - 1) as usize];
    assert_eq!(undo.tag, RwTag::Storage);
    undo.value = equivm_trace::revm::primitives::U256::from(5);
    assert_rejected(verify(&whole(&w), vec![]), "EVM rw lookup");
}

#[test]
fn an_undo_is_pinned_to_its_write() {
    let w = witness(Program::new(SSTORE_REVERT.to_vec()));
    let sstore = nth_step(&w, ExecutionState::Sstore, 0);
    // SSTORE's rw rows 0..10 are its accesses; its undos follow.
    let o = Override::Rw {
        step: sstore,
        access: 10,
        field: "value_lo",
        value: Fr::from(9),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "SSTORE: undo #0 (of rw #5): rw.value = the write's value_prev (lo)",
    );
}

#[test]
fn an_undo_cannot_be_switched_off() {
    let w = witness(Program::new(SSTORE_REVERT.to_vec()));
    let sstore = nth_step(&w, ExecutionState::Sstore, 0);
    let o = Override::Cell {
        step: sstore,
        column: config().columns.rw_enable,
        rotation: 9,
        value: Fr::zero(),
    };
    assert_rejected(verify(&whole(&w), vec![o]), "SSTORE: row 9: rw_enable");
}

#[test]
fn a_revert_cannot_skip_its_undos() {
    let w = witness(Program::new(SSTORE_REVERT.to_vec()));
    let revert = nth_step(&w, ExecutionState::ReturnRevert, 0);
    let end_tx = &w.steps[revert + 1];
    let skipped = Fr::from(end_tx.rw_counter - 3);
    assert_rejected(
        verify(&whole(&w), vec![state(revert + 1, "rw_counter", skipped)]),
        "RETURN_REVERT: next.rw_counter = rw_counter + delta",
    );
}

#[test]
fn a_revert_pins_the_end_of_reversion() {
    let w = witness(Program::new(SSTORE_REVERT.to_vec()));
    let revert = nth_step(&w, ExecutionState::ReturnRevert, 0);
    let moved = Fr::from(end_of_reversion(&w) + 1);
    // The REVERT and the EndTx after it (which keeps the value) claim another end.
    let c = slice(&w, revert..revert + 2);
    let o = vec![
        state(0, "rw_counter_end_of_reversion", moved),
        state(1, "rw_counter_end_of_reversion", moved),
    ];
    assert_rejected(
        verify(&c, o),
        "RETURN_REVERT: (1 - IsSuccess)·(rw_counter_end_of_reversion",
    );
}

#[test]
fn a_revert_cannot_claim_to_persist() {
    let w = witness(Program::new(SSTORE_REVERT.to_vec()));
    let revert = nth_step(&w, ExecutionState::ReturnRevert, 0);
    let c = slice(&w, revert..revert + 2);
    let o = vec![
        state(0, "is_persistent", Fr::one()),
        state(1, "is_persistent", Fr::one()),
    ];
    assert_rejected(
        verify(&c, o),
        "RETURN_REVERT: (1 - IsSuccess)·is_persistent = 0",
    );
}

#[test]
fn an_error_pins_the_end_of_reversion_and_resets_the_refund() {
    let w = witness(Program::new(WRITES_THEN_INVALID.to_vec()));
    let err = nth_step(&w, ExecutionState::ErrorInvalidOpcode, 0);
    let c = slice(&w, err..err + 2);
    let moved = Fr::from(end_of_reversion(&w) - 1);
    let o = vec![
        state(0, "rw_counter_end_of_reversion", moved),
        state(1, "rw_counter_end_of_reversion", moved),
    ];
    assert_rejected(
        verify(&c, o),
        "ERROR_INVALID_OPCODE: rw_counter_end_of_reversion = rw_counter + accesses + reversible_write_counter - 1",
    );
    assert_rejected(
        verify(&c, vec![state(0, "is_persistent", Fr::one())]),
        "ERROR_INVALID_OPCODE: is_persistent = 0",
    );
    assert_rejected(
        verify(&c, vec![state(1, "refund", Fr::from(1))]),
        "ERROR_INVALID_OPCODE: next.refund = value",
    );
}

#[test]
fn a_reverted_transfer_is_undone_by_begin_tx_s_lookups() {
    let w = witness(Program::new(vec![0x5f, 0x5f, 0xfd]).value(5));
    // BeginTx makes 37 accesses with a transfer; the sender's debit is rw 35.
    let o = Override::Rw {
        step: 0,
        access: 37,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "BEGIN_TX: undo #0 (of rw #35): rw.value = the write's value_prev (lo)",
    );
}

/// `w` with the `RwCounterEndOfReversion` write of call `call_id` set to `value`, the rw
/// log and every step state that carries it kept consistent (so only a constraint on the
/// value itself can object).
fn with_end_of_reversion(w: &Witness, call_id: u64, value: u64) -> Witness {
    let mut w = w.clone();
    let field = RwField::CallContext(CallContextField::RwCounterEndOfReversion);
    for rw in w
        .rws
        .iter_mut()
        .filter(|rw| rw.field == field && rw.id == call_id)
    {
        rw.value = equivm_trace::revm::primitives::U256::from(value);
        if !rw.is_write {
            rw.value_prev = rw.value;
        }
    }
    w
}

#[test]
fn a_persistent_call_has_no_end_of_reversion() {
    // The root call, a CALL and a CREATE that succeed: each one's end of reversion is 0,
    // and nothing but that rule pins it (no undo is ever placed there).
    let callee = equivm_trace::revm::primitives::Address::repeat_byte(0xcc);
    let mut call = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    call.extend_from_slice(callee.as_slice());
    call.extend([0x61, 0xff, 0xff, 0xf1, 0x00]);
    let cases = [
        (
            witness(Program::new(vec![0x60, 1, 0x50, 0x00])),
            1,
            "a persistent root call's RwCounterEndOfReversion = 0",
        ),
        (
            witness(Program::new(call).with_account(callee, vec![0x60, 1, 0x50, 0x00])),
            2,
            "a persistent callee's RwCounterEndOfReversion = 0",
        ),
        (
            witness(Program::new(creator_code(&[0x00], 0, None, &[0x00]))),
            2,
            "a persistent callee's RwCounterEndOfReversion = 0",
        ),
    ];
    for (w, call_id, rule) in cases {
        assert_eq!(end_of_reversion(&w), 0);
        assert_eq!(verify(&whole(&w), vec![]), Ok(()));
        let forged = with_end_of_reversion(&w, call_id, 7);
        assert_rejected(verify(&whole(&forged), vec![]), rule);
    }
}
