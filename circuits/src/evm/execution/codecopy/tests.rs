use super::super::test_util::*;
use super::CodeCopyGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Length of the program below: four CODECOPYs of three PUSH32 each, then STOP.
const CODE_LEN: u64 = 4 * (3 * 33 + 1) + 1;

/// CODECOPY(dst, off, size) for: (0, 0, 10) inside, (32, len - 3, 8) across the end,
/// (64, 2^70, 2) far past it, (96, 0, 0) nothing; then STOP.
fn witness() -> Witness {
    let copies = [
        (U256::ZERO, U256::ZERO, U256::from(10)),
        (U256::from(32), U256::from(CODE_LEN - 3), U256::from(8)),
        (U256::from(64), U256::from(1) << 70, U256::from(2)),
        (U256::from(96), U256::ZERO, U256::ZERO),
    ];
    let mut code = Vec::new();
    for (dst, off, size) in copies {
        for v in [size, off, dst] {
            code.push(0x7f);
            code.extend(v.to_be_bytes::<32>());
        }
        code.push(0x39);
    }
    code.push(0x00);
    assert_eq!(code.len() as u64, CODE_LEN);
    witness_of(code)
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::CodeCopy, n);
    slice(&w, i..i + 1)
}

fn gadget() -> CodeCopyGadget<Fr> {
    (*config().gadgets.codecopy).clone()
}

#[test]
fn codecopy_inside_across_and_past_the_end_passes() {
    let w = witness();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(w.copy_events.len(), 3, "the zero-size copy has no event");
    assert_eq!(&w.copy_events[1].bytes[3..], &[0, 0, 0, 0, 0]);
    // One slice of every step proves each of them.
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn the_super_circuit_proves_the_copies() {
    assert_eq!(super_circuit_verdict(witness()), Ok(()));
}

#[test]
fn the_claim_is_a_copy_table_row() {
    // The source address (row 0, cell 3 of the copy lookup) moved by one.
    let ctx = config().columns.context;
    let o = Override::Cell {
        step: 0,
        column: ctx.value.lo,
        rotation: 0,
        value: Fr::from(1),
    };
    let texts = failure_texts(verify(&circuit(0), vec![o]));
    assert!(
        texts.iter().any(|t| t.contains("EVM copy lookup")),
        "{texts:#?}"
    );
}

#[test]
fn the_code_length_is_the_bytecode_table_s() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(1), vec![cell(0, &g.len_bytes[0], 1)]),
        "CODECOPY: code length = Σ len_byte_i·256^i",
    );
}

#[test]
fn an_offset_past_the_end_starts_at_the_end() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(2), vec![cell(0, &g.copy.u, 1)]),
        "CODECOPY: u = small·(1 - neg)",
    );
}

#[test]
fn codecopy_reads_the_step_s_code_hash() {
    let o = Override::Rw {
        step: 0,
        access: 3,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&circuit(0), vec![o]),
        "CODECOPY: code hash read = step.code_hash (lo)",
    );
}

#[test]
fn the_copy_s_writes_advance_the_rw_counter() {
    let c = circuit(0);
    let rwc = c.witness.steps[c.steps.start].rw_counter;
    let o = Override::StepState {
        step: 1,
        field: "rw_counter",
        value: Fr::from(rwc + 4),
    };
    assert_rejected(verify(&c, vec![o]), "CODECOPY: next.rw_counter");
}
