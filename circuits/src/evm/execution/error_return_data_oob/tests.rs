use super::super::test_util::*;
use super::ErrorReturnDataOobGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// `PUSH32 size, PUSH32 src, PUSH0, RETURNDATACOPY` in the root call (no return data).
fn witness(src: U256, size: U256) -> Witness {
    let mut code = Vec::new();
    for v in [size, src] {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }
    code.extend([0x5f, 0x3e, 0x00]);
    witness_of(code)
}

fn circuit_of(w: &Witness) -> EvmCircuit {
    let err = nth_step(w, ExecutionState::ErrorReturnDataOutOfBounds, 0);
    slice(w, err - 1..err + 3)
}

fn gadget() -> ErrorReturnDataOobGadget<Fr> {
    (*config().gadgets.error_return_data_oob).clone()
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

#[test]
fn copies_past_the_end_pass() {
    let far = U256::from(1) << 64;
    for (what, w) in [
        ("1 byte of nothing", witness(u(0), u(1))),
        ("0 bytes past the end", witness(u(1), u(0))),
        ("an offset of 2^64", witness(far, u(1))),
        ("an offset of 2^200", witness(U256::from(1) << 200, u(1))),
    ] {
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&circuit_of(&w), vec![]), Ok(()), "{what}");
        assert_eq!(
            verify(&slice(&w, 0..w.steps.len()), vec![]),
            Ok(()),
            "{what}"
        );
    }
}

#[test]
fn a_copy_inside_the_data_is_not_an_error() {
    // RETURNDATACOPY(0, 0, 0) of no data succeeds.
    let w = witness(u(0), u(0));
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorReturnDataOutOfBounds));
}

#[test]
fn the_end_must_be_past_the_data() {
    // Claim 1 byte of return data: 0 + 1 ≤ 1 is inside it.
    let o = Override::Rw {
        step: 1,
        access: 3,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&circuit_of(&witness(u(0), u(1))), vec![o]),
        "ERROR_RETURN_DATA_OOB: both_small·(src + size - rd_len - 1",
    );
}

#[test]
fn large_operands_cannot_be_claimed() {
    let g = gadget();
    // A size of 1 claimed to be at least 2^64 would skip the check.
    let w = witness(u(0), u(1));
    assert_rejected(
        verify(&circuit_of(&w), vec![cell(1, &g.size.small.is_zero, 0)]),
        "ERROR_RETURN_DATA_OOB",
    );
    assert_rejected(
        verify(&circuit_of(&w), vec![cell(1, &g.both_small, 0)]),
        "ERROR_RETURN_DATA_OOB: both_small = src_small·size_small",
    );
}

#[test]
fn the_error_undoes_the_call_s_writes() {
    // TSTORE(1, 1) then RETURNDATACOPY(0, 0, 1).
    let w = witness_of(vec![
        0x60, 1, 0x60, 1, 0x5d, 0x60, 1, 0x5f, 0x5f, 0x3e, 0x00,
    ]);
    let err = nth_step(&w, ExecutionState::ErrorReturnDataOutOfBounds, 0);
    assert_eq!(w.steps[err].reversible_write_counter, 1);
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}
