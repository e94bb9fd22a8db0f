use super::super::test_util::*;
use super::CallDataCopyGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// CALLDATACOPY(dst, off, size) for: (0, 1, 8) across the data's end, (32, 0, 0) nothing,
/// (64, 2^70, 3) far past the end, (3, 3, 40) over the first copy; then STOP. The call data
/// is 5 bytes.
fn witness() -> Witness {
    let copies = [
        (U256::ZERO, U256::from(1), U256::from(8)),
        (U256::from(32), U256::ZERO, U256::ZERO),
        (U256::from(64), U256::from(1) << 70, U256::from(3)),
        (U256::from(3), U256::from(3), U256::from(40)),
    ];
    let mut code = Vec::new();
    for (dst, off, size) in copies {
        for v in [size, off, dst] {
            code.push(0x7f);
            code.extend(v.to_be_bytes::<32>());
        }
        code.push(0x37);
    }
    code.push(0x00);
    let traced = Program::new(code)
        .calldata(vec![0xa1, 0xa2, 0xa3, 0xa4, 0xa5])
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::CallDataCopy, n);
    slice(&w, i..i + 1)
}

fn gadget() -> CallDataCopyGadget<Fr> {
    (*config().gadgets.calldatacopy).clone()
}

#[test]
fn calldatacopy_inside_across_and_past_the_end_passes() {
    let w = witness();

    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(w.copy_events.len(), 3, "the zero-size copy has no event");
    assert_eq!(
        w.copy_events[0].bytes,
        vec![0xa2, 0xa3, 0xa4, 0xa5, 0, 0, 0, 0]
    );
    // One slice of every step proves each of them.
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn the_super_circuit_proves_the_copies() {
    assert_eq!(super_circuit_verdict(witness()), Ok(()));
}

#[test]
fn the_claim_is_a_copy_table_row() {
    // The destination address (row 1, cell 3 of the copy lookup) moved by one.
    let ctx = config().columns.context;
    let o = Override::Cell {
        step: 0,
        column: ctx.index,
        rotation: 1,
        value: Fr::from(1),
    };
    let texts = failure_texts(verify(&circuit(0), vec![o]));
    assert!(
        texts.iter().any(|t| t.contains("EVM copy lookup")),
        "{texts:#?}"
    );
}

#[test]
fn an_offset_past_the_end_starts_at_the_end() {
    // Offset 2^70 claimed small (its low 64 bits are 0: the copy would start at byte 0).
    let g = gadget();
    assert_rejected(
        verify(&circuit(2), vec![cell(0, &g.copy.small.is_zero, 1)]),
        "CALLDATACOPY: off_high is zero",
    );
    assert_rejected(
        verify(&circuit(2), vec![cell(0, &g.copy.u, 1)]),
        "CALLDATACOPY: u = small·(1 - neg)",
    );
}

#[test]
fn the_copy_costs_3_per_word() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(3), vec![cell(0, &g.copy.words.words[0], 1)]),
        "CALLDATACOPY: size + 31 = 32·words + rem",
    );
}

#[test]
fn the_copy_s_writes_advance_the_rw_counter() {
    let c = circuit(0);
    let rwc = c.witness.steps[c.steps.start].rw_counter;
    let o = Override::StepState {
        step: 1,
        field: "rw_counter",
        value: Fr::from(rwc + 5),
    };
    assert_rejected(verify(&c, vec![o]), "CALLDATACOPY: next.rw_counter");
}

#[test]
fn a_zero_size_copy_looks_up_nothing() {
    // The zero-size copy claiming a one-byte copy: the size is 0, so the claim's fields must be.
    let ctx = config().columns.context;
    let o = Override::Cell {
        step: 0,
        column: ctx.value.hi,
        rotation: 1,
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&circuit(1), vec![o]),
        "CALLDATACOPY: copy lookup (row 1, cell 4) = enable·field",
    );
}

/// The root stores 32 bytes at 0 and calls a callee with them as call data (args 4..12 of
/// its memory); the callee copies `CALLDATACOPY(0, 2, 10)` (6 bytes inside, 4 past the end)
/// and stops.
fn callee_copy() -> Witness {
    use equivm_trace::revm::primitives::Address;
    let callee = Address::repeat_byte(0xcc);
    let mut code = vec![0x7f];
    code.extend((1..=32).collect::<Vec<u8>>());
    code.extend([0x5f, 0x52]); // PUSH32 .. PUSH0 MSTORE
    code.extend([0x5f, 0x5f, 0x60, 8, 0x60, 4, 0x5f, 0x73]);
    code.extend_from_slice(callee.as_slice());
    code.extend([0x61, 0xff, 0xff, 0xf1, 0x00]); // PUSH2 0xffff CALL STOP
    let body = vec![0x60, 10, 0x60, 2, 0x5f, 0x37, 0x00];
    let traced = Program::new(code).with_account(callee, body).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

#[test]
fn a_callee_copies_its_caller_s_memory() {
    let w = callee_copy();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    let event = w
        .copy_events
        .iter()
        .find(|e| e.dst_id != w.steps[0].call_id && e.bytes.len() == 10)
        .expect("the callee's copy");
    assert_eq!(event.bytes, vec![7, 8, 9, 10, 11, 12, 0, 0, 0, 0]);
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn a_callee_s_copy_reads_its_caller_s_memory() {
    // Claim another call's memory as the source: the source id is the caller's call.
    let w = callee_copy();
    let i = nth_step(&w, ExecutionState::CallDataCopy, 0);
    assert_eq!(w.steps[0].call_id, 1);
    let o = cell(i, &gadget().source_id, 5);
    assert!(verify(&slice(&w, 0..w.steps.len()), vec![o]).is_err());
}
