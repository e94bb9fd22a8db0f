use super::super::test_util::*;
use super::ErrorOogCopyGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// `PUSH32 size, PUSH32 src, PUSH32 dst, opcode` run with `gas` above the 21000 intrinsic
/// gas (the pushes take 9).
fn witness(opcode: u8, [dst, src, size]: [U256; 3], gas: u64) -> Witness {
    let mut code = Vec::new();
    for v in [size, src, dst] {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }
    code.extend([opcode, 0x00]);
    let traced = Program::new(code).gas_limit(21_000 + 9 + gas).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// The slice of the step before the error, the error and the rest.
fn circuit_of(w: &Witness) -> EvmCircuit {
    let err = nth_step(w, ExecutionState::ErrorOutOfGasCopy, 0);
    slice(w, err - 1..err + 3)
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// CALLDATACOPY of 64 bytes to 0: 3 + 3·2 + 6 (2 words of memory) = 15, one short.
fn one_short() -> Witness {
    witness(0x37, [u(0), u(0), u(64)], 14)
}

/// MCOPY of 1 byte from 0x1000 to 0: the source's 129 words cost 419, more than 300.
fn source_above() -> Witness {
    witness(0x5e, [u(0), u(0x1000), u(1)], 300)
}

fn gadget() -> ErrorOogCopyGadget<Fr> {
    (*config().gadgets.error_oog_copy).clone()
}

#[test]
fn copy_oog_passes() {
    let far = U256::from(1) << 64;
    for (what, w) in [
        ("CALLDATACOPY one gas short", one_short()),
        (
            "CODECOPY of 2^64 bytes",
            witness(0x39, [u(0), u(0), far], 1_000_000),
        ),
        ("MCOPY from a far source", source_above()),
        (
            "MCOPY to 2^40",
            witness(0x5e, [U256::from(1) << 40, u(0), u(1)], 1_000_000),
        ),
        (
            "MCOPY of 0 bytes with 2 gas",
            witness(0x5e, [far, far, u(0)], 2),
        ),
        (
            "CALLDATACOPY of 2^32 bytes",
            witness(0x37, [u(0), far, U256::from(1) << 32], 1_000_000),
        ),
        (
            "RETURNDATACOPY of 0 bytes with 2 gas",
            witness(0x3e, [u(0), u(0), u(0)], 2),
        ),
        (
            "RETURNDATACOPY of 2^64 bytes",
            witness(0x3e, [u(0), u(0), far], 1_000_000),
        ),
    ] {
        let err = nth_step(&w, ExecutionState::ErrorOutOfGasCopy, 0);
        assert!(w.steps[err].opcode.is_some(), "{what}");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&circuit_of(&w), vec![]), Ok(()), "{what}");
    }
}

#[test]
fn copy_oog_needs_the_gas_short() {
    // The CALLDATACOPY claims 15 gas (enough): 15 - 15 - 1 = -1 in the gap's low byte. The
    // gap equation holds; the byte range check rejects it.
    let g = gadget();
    let mut overrides = vec![Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(15),
    }];
    overrides.push(Override::Cell {
        step: 1,
        column: g.out_of_gas.gap[0].column,
        rotation: g.out_of_gas.gap[0].rotation,
        value: -Fr::from(1),
    });
    overrides.extend(g.out_of_gas.gap[1..].iter().map(|c| cell(1, c, 0)));
    let texts = failure_texts(verify(&circuit_of(&one_short()), overrides));
    assert_named_not(
        &texts,
        "EVM byte cell in 0..=255",
        "gas_left < constant_gas + copy gas + memory gas",
    );
}

#[test]
fn copy_oog_size_is_read() {
    // The size read says 32 (one word less to pay) while the bytes say 64.
    let o = Override::Rw {
        step: 1,
        access: 2,
        field: "value_lo",
        value: Fr::from(32),
    };
    assert_rejected(
        verify(&circuit_of(&one_short()), vec![o]),
        "ERROR_OOG_COPY: size.lo = Σ_{j<16} lo_byte_j·256^j",
    );
}

#[test]
fn mcopy_source_counts() {
    let g = gadget();
    // Dropping the source from the expansion (src_above = 0) breaks the ordering proof.
    assert_rejected(
        verify(&circuit_of(&source_above()), vec![cell(1, &g.src_above, 0)]),
        "ERROR_OOG_COPY: gap = src_above·(src_e - dst_e - 1) + (1 - src_above)·(dst_e - src_e)",
    );
    assert_rejected(
        verify(&circuit_of(&source_above()), vec![cell(1, &g.src_e, 0)]),
        "ERROR_OOG_COPY: src_e = nz_mcopy·src_c",
    );
}

#[test]
fn calldatacopy_s_source_does_not_count() {
    // CALLDATACOPY from a far offset is cheap; pretending it is MCOPY would count the offset.
    let w = witness(0x37, [u(0), u(0x1000), u(1)], 5);
    let g = gadget();
    let overrides = vec![cell(1, &g.select.sel[0], 0), cell(1, &g.select.sel[2], 1)];
    assert_rejected(
        verify(&circuit_of(&w), overrides),
        "ERROR_OOG_COPY: Σ sel_i·op_i = opcode",
    );
}

#[test]
fn far_size_cannot_pass_for_near() {
    // CODECOPY of 2^64 bytes claims its size is in range (0: nothing to pay).
    let far = U256::from(1) << 64;
    let w = witness(0x39, [u(0), u(0), far], 1_000_000);
    let g = gadget();
    let overrides = vec![
        cell(1, &g.size.in_range.is_zero, 1),
        cell(1, &g.size.in_range.inv_lo, 0),
        cell(1, &g.size.in_range.inv_hi, 0),
    ];
    assert_rejected(
        verify(&circuit_of(&w), overrides),
        "ERROR_OOG_COPY: size ≥ 2^32",
    );
}

#[test]
fn copy_oog_must_read_failure() {
    let o = Override::Rw {
        step: 1,
        access: 3,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&circuit_of(&one_short()), vec![o]),
        "ERROR_OOG_COPY: call's IsSuccess = 0 (lo)",
    );
}

#[test]
fn copy_with_enough_gas_is_not_this_state() {
    // A CALLDATACOPY that succeeds is CALLDATACOPY: with 15 gas it is not an error step.
    let w = witness(0x37, [u(0), u(0), u(64)], 15);
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorOutOfGasCopy));
}
