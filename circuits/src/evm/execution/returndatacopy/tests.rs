use super::super::test_util::*;
use super::ReturnDataCopyGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::Address};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

const CALLEE: Address = Address::repeat_byte(0xcc);

/// The callee returns the 32 bytes 1..=32 (MSTORE at 0, RETURN(0, 32)); the caller CALLs it,
/// then RETURNDATACOPY(dst, src, size) for: (0, 4, 16), (0x40, 0, 32) (memory grows),
/// (7, 32, 0) (nothing, at the end of the data); then STOP.
fn witness() -> Witness {
    let mut callee = vec![0x7f];
    callee.extend(1..=32u8);
    callee.extend([0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    code.extend_from_slice(CALLEE.as_slice());
    code.extend([0x5a, 0xf1, 0x50]); // GAS CALL POP
    for (dst, src, size) in [(0u8, 4u8, 16u8), (0x40, 0, 32), (7, 32, 0)] {
        code.extend([0x60, size, 0x60, src, 0x60, dst, 0x3e]);
    }
    code.push(0x00);
    let traced = Program::new(code).with_account(CALLEE, callee).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::ReturnDataCopy, n);
    slice(&w, i..i + 1)
}

fn gadget() -> ReturnDataCopyGadget<Fr> {
    (*config().gadgets.returndatacopy).clone()
}

fn rw(access: usize, field: &'static str, value: u64) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value: Fr::from(value),
    }
}

#[test]
fn copies_of_the_last_callee_s_return_data_pass() {
    let w = witness();
    // The CALL asked for no return area: the two non-empty RETURNDATACOPYs are the copies.
    assert_eq!(w.copy_events.len(), 2);
    let first = &w.copy_events[0];
    assert_eq!(first.bytes, (5..=20u8).collect::<Vec<_>>());
    for n in 0..3 {
        assert_eq!(verify(&circuit(n), vec![]), Ok(()), "copy {n}");
    }
}

#[test]
fn an_empty_copy_in_the_root_call_passes_whole() {
    // RETURNDATACOPY(0, 0, 0) before any call: the return data is empty.
    let w = witness_of(vec![0x5f, 0x5f, 0x5f, 0x3e, 0x00]);
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn the_copy_stays_inside_the_return_data() {
    // A return data of 19 bytes would end before 4 + 16.
    assert_rejected(
        verify(&circuit(0), vec![rw(5, "value_lo", 19)]),
        "RETURNDATACOPY: rd_len - src - size = Σ_{j<8} room_j·256^j (inside the return data)",
    );
    let g = gadget();
    assert_rejected(
        verify(&circuit(0), vec![cell(0, &g.room[0], 1)]),
        "RETURNDATACOPY: rd_len - src - size",
    );
}

#[test]
fn the_source_is_the_popped_offset_in_the_callee_s_memory() {
    assert_rejected(
        verify(&circuit(0), vec![rw(1, "value_lo", 5)]),
        "RETURNDATACOPY: src.lo = Σ_{j<8} src_byte_j·256^j",
    );
    // Another callee's memory is not the last callee's return data.
    let texts = failure_texts(verify(&circuit(0), vec![rw(3, "value_lo", 1)]));
    assert!(
        texts.iter().any(|t| t.contains("EVM rw lookup")),
        "{texts:#?}"
    );
}

#[test]
fn the_claim_is_a_copy_table_row() {
    // The destination address (row 0 of the copy lookup) moved by one.
    let ctx = config().columns.context;
    let o = Override::Cell {
        step: 0,
        column: ctx.value.lo,
        rotation: 0,
        value: Fr::from(1),
    };
    assert_rejected(verify(&circuit(0), vec![o]), "EVM copy lookup");
}

#[test]
fn the_words_are_charged() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(1), vec![cell(0, &g.words.words[0], 2)]),
        "RETURNDATACOPY",
    );
    let w = witness();
    let i = nth_step(&w, ExecutionState::ReturnDataCopy, 1);
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(w.steps[i + 1].gas_left + 3),
    };
    assert_rejected(
        verify(&slice(&w, i..i + 2), vec![o]),
        "RETURNDATACOPY: next.gas_left = gas_left + delta",
    );
}

#[test]
fn a_copy_past_the_end_is_the_error_state() {
    // RETURNDATACOPY(0, 0, 1) with no return data halts.
    let w = witness_of(vec![0x60, 1, 0x5f, 0x5f, 0x3e, 0x00]);
    assert!(w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::ErrorReturnDataOutOfBounds));
}
