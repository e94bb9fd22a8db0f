use super::super::test_util::*;
use super::McopyGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// MSTORE of 32 bytes at 0, then MCOPY(dst, src, size) for: (0x10, 0, 0x20) overlapping
/// upwards, (0, 8, 0x21) overlapping downwards, (0, 0x60, 5) grown by the source,
/// (2^200, 2^100, 0) nothing, (0x80, 0, 1) grown by the destination; then STOP.
fn witness() -> Witness {
    let copies = [
        (U256::from(0x10), U256::ZERO, U256::from(0x20)),
        (U256::ZERO, U256::from(8), U256::from(0x21)),
        (U256::ZERO, U256::from(0x60), U256::from(5)),
        (U256::from(1) << 200, U256::from(1) << 100, U256::ZERO),
        (U256::from(0x80), U256::ZERO, U256::from(1)),
    ];
    let mut code = vec![0x7f];
    code.extend(1..=32u8);
    code.extend([0x5f, 0x52]);
    for (dst, src, size) in copies {
        for v in [size, src, dst] {
            code.push(0x7f);
            code.extend(v.to_be_bytes::<32>());
        }
        code.push(0x5e);
    }
    code.push(0x00);
    witness_of(code)
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::Mcopy, n);
    slice(&w, i..i + 1)
}

fn gadget() -> McopyGadget<Fr> {
    (*config().gadgets.mcopy).clone()
}

#[test]
fn mcopy_overlapping_growing_and_empty_passes() {
    let w = witness();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(w.copy_events.len(), 4, "the zero-size copy has no event");
    // Overlapping upwards copies the old bytes: memory 0x10.. = 1..=32.
    let first = &w.copy_events[0];
    assert_eq!(first.bytes, (1..=32u8).collect::<Vec<_>>());
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
    let texts = failure_texts(verify(&circuit(1), vec![o]));
    assert!(
        texts.iter().any(|t| t.contains("EVM copy lookup")),
        "{texts:#?}"
    );
}

#[test]
fn the_larger_offset_sets_the_memory_size() {
    let g = gadget();
    // The source is above: claiming the destination is the top one hides its growth.
    assert_rejected(
        verify(&circuit(2), vec![cell(0, &g.src_above, 0)]),
        "MCOPY: gap = src_above·(src_eff - dst_eff - 1) + (1 - src_above)·(dst_eff - src_eff)",
    );
    assert_rejected(
        verify(&circuit(4), vec![cell(0, &g.top, 0)]),
        "MCOPY: top = dst_eff + src_above·(src_eff - dst_eff)",
    );
}

#[test]
fn the_offsets_are_the_popped_ones() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(0), vec![cell(0, &g.dst_bytes[0], 0x11)]),
        "MCOPY: nz·dst.lo = Σ_{j<4} dst_byte_j·256^j",
    );
    assert_rejected(
        verify(&circuit(1), vec![cell(0, &g.src_bytes[0], 9)]),
        "MCOPY: nz·src.lo = Σ_{j<4} src_byte_j·256^j",
    );
}

#[test]
fn a_zero_size_is_the_popped_one() {
    // Claiming the size of MCOPY 0 is zero skips the copy.
    let g = gadget();
    assert_rejected(
        verify(&circuit(0), vec![cell(0, &g.size_is_zero.is_zero, 1)]),
        "MCOPY",
    );
}

#[test]
fn the_copy_s_reads_and_writes_advance_the_rw_counter() {
    let c = circuit(0);
    let rwc = c.witness.steps[c.steps.start].rw_counter;
    let o = Override::StepState {
        step: 1,
        field: "rw_counter",
        value: Fr::from(rwc + 3 + 0x20),
    };
    assert_rejected(verify(&c, vec![o]), "MCOPY: next.rw_counter");
}

#[test]
fn the_copy_gas_is_charged() {
    // 3 + 3·1 word + growth 0 → 2 words: 3·1 + 0; one gas less left is rejected.
    let c = circuit(0);
    let gas = c.witness.steps[c.steps.start + 1].gas_left;
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(gas + 1),
    };
    assert_rejected(verify(&c, vec![o]), "MCOPY: next.gas_left");
}
