use super::super::test_util::*;
use super::ErrorOogLogGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// `n` topics, `PUSH32 size, PUSH32 offset, LOG<n>` run with `gas` above the 21000
/// intrinsic gas and the pushes (3 each).
fn witness(n: u8, [offset, size]: [U256; 2], gas: u64) -> Witness {
    let mut code = Vec::new();
    for v in (0..n)
        .map(|i| U256::from(0x70 + u64::from(i)))
        .chain([size, offset])
    {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }
    code.extend([0xa0 + n, 0x00]);
    let pushes = 3 * (u64::from(n) + 2);
    let traced = Program::new(code).gas_limit(21_000 + pushes + gas).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// The slice of the step before the error, the error and the rest.
fn circuit_of(w: &Witness) -> EvmCircuit {
    let err = nth_step(w, ExecutionState::ErrorOutOfGasLog, 0);
    slice(w, err - 1..err + 3)
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// LOG2 of 32 bytes at 0: 375 + 2·375 + 8·32 + 3 (one word of memory) = 1384, one short.
fn one_short() -> Witness {
    witness(2, [u(0), u(32)], 1383)
}

fn gadget() -> ErrorOogLogGadget<Fr> {
    (*config().gadgets.error_oog_log).clone()
}

#[test]
fn log_oog_passes() {
    let far = U256::from(1) << 64;
    for (what, w) in [
        ("LOG2 one gas short", one_short()),
        ("LOG0 of 2^64 bytes", witness(0, [u(0), far], 1_000_000)),
        (
            "LOG0 of 2^32 bytes",
            witness(0, [u(0), u(1 << 32)], 1_000_000),
        ),
        (
            "LOG1 of 255 bytes at 2^28 - 1",
            witness(1, [u(0x0fff_ffff), u(0xff)], 20_000_000),
        ),
        ("LOG3 at 2^64", witness(3, [far, u(1)], 1_000_000)),
        ("LOG4 of 0 bytes, far away", witness(4, [far, u(0)], 1874)),
    ] {
        let err = nth_step(&w, ExecutionState::ErrorOutOfGasLog, 0);
        assert!(w.steps[err].opcode.is_some(), "{what}");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&circuit_of(&w), vec![]), Ok(()), "{what}");
    }
}

#[test]
fn a_log_that_could_pay_is_not_this_state() {
    // With 1384 gas the same LOG2 succeeds.
    let w = witness(2, [u(0), u(32)], 1384);
    assert!(w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::Log));
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorOutOfGasLog));
}

#[test]
fn log_oog_needs_the_gas_short() {
    // The gap byte raised: gap = cost - gas_left - 1 no longer holds.
    let g = gadget();
    let gap = &g.out_of_gas.gap[0];
    assert_rejected(
        verify(&circuit_of(&one_short()), vec![cell(1, gap, 1)]),
        "ERROR_OOG_LOG: gas_left < constant_gas + topic gas + byte gas + memory gas",
    );
    // One more gas left: the cost is then covered, and the gap would be -1.
    let w = one_short();
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasLog, 0);
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(w.steps[err].gas_left + 1),
    };
    assert_rejected(verify(&circuit_of(&w), vec![o]), "ERROR_OOG_LOG");
}

#[test]
fn the_topic_count_is_the_opcode_s() {
    // LOG2 claimed to be LOG1 would need 375 gas less.
    let g = gadget();
    assert_rejected(
        verify(
            &circuit_of(&one_short()),
            vec![cell(1, &g.select.sel[2], 0), cell(1, &g.select.sel[1], 1)],
        ),
        "ERROR_OOG_LOG: Σ sel_i·op_i = opcode",
    );
}

#[test]
fn the_range_is_the_read_one() {
    let g = gadget();
    let w = witness(1, [u(0x0fff_ffff), u(0xff)], 20_000_000);
    assert_rejected(
        verify(&circuit_of(&w), vec![cell(1, &g.offset_e, 0)]),
        "ERROR_OOG_LOG: offset_e = nz·offset_c",
    );
    assert_rejected(
        verify(&circuit_of(&w), vec![cell(1, &g.size.eff, 0)]),
        "ERROR_OOG_LOG: size_eff = in_range·low + (1 - in_range)·far",
    );
}
