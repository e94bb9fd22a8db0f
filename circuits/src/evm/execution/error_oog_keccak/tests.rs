use super::super::test_util::*;
use super::ErrorOogKeccakGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// `PUSH32 size, PUSH32 offset, KECCAK256` run with `gas` above the 21000 intrinsic gas
/// and the pushes (3 each).
fn witness([offset, size]: [U256; 2], gas: u64) -> Witness {
    let mut code = Vec::new();
    for v in [size, offset] {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }
    code.extend([0x20, 0x00]);
    let traced = Program::new(code).gas_limit(21_000 + 6 + gas).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// The slice of the step before the error, the error and the rest.
fn circuit_of(w: &Witness) -> EvmCircuit {
    let err = nth_step(w, ExecutionState::ErrorOutOfGasKeccak, 0);
    slice(w, err - 1..err + 3)
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// KECCAK256 of 64 bytes at 0: 30 + 6·2 + 6 (two words of memory) = 48, one short.
fn one_short() -> Witness {
    witness([u(0), u(64)], 47)
}

fn gadget() -> ErrorOogKeccakGadget<Fr> {
    (*config().gadgets.error_oog_keccak).clone()
}

#[test]
fn keccak_oog_passes() {
    let far = U256::from(1) << 64;
    for (what, w) in [
        ("64 bytes, one gas short", one_short()),
        ("0 bytes, constant gas short", witness([far, u(0)], 29)),
        ("2^64 bytes", witness([u(0), far], 1_000_000)),
        ("2^32 bytes", witness([u(0), u(1 << 32)], 1_000_000)),
        (
            "255 bytes at 2^28 - 1",
            witness([u(0x0fff_ffff), u(0xff)], 20_000_000),
        ),
        ("1 byte at 2^64", witness([far, u(1)], 1_000_000)),
    ] {
        let err = nth_step(&w, ExecutionState::ErrorOutOfGasKeccak, 0);
        assert_eq!(w.steps[err].opcode, Some(0x20), "{what}");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&circuit_of(&w), vec![]), Ok(()), "{what}");
    }
}

#[test]
fn a_keccak_that_could_pay_is_not_this_state() {
    let w = witness([u(0), u(64)], 48);
    assert!(w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::Keccak));
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorOutOfGasKeccak));
}

#[test]
fn keccak_oog_needs_the_gas_short() {
    let g = gadget();
    let gap = &g.out_of_gas.gap[0];
    assert_rejected(
        verify(&circuit_of(&one_short()), vec![cell(1, gap, 1)]),
        "ERROR_OOG_KECCAK: gas_left < constant_gas + word gas + memory gas",
    );
    let w = one_short();
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasKeccak, 0);
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(w.steps[err].gas_left + 1),
    };
    assert_rejected(verify(&circuit_of(&w), vec![o]), "ERROR_OOG_KECCAK");
}

#[test]
fn the_words_are_the_size_s() {
    // 64 bytes are 2 words (12 gas), not 1.
    let g = gadget();
    assert_rejected(
        verify(
            &circuit_of(&one_short()),
            vec![cell(1, &g.words.words[0], 1)],
        ),
        "ERROR_OOG_KECCAK",
    );
}

#[test]
fn the_range_is_the_read_one() {
    let g = gadget();
    let w = witness([u(0x0fff_ffff), u(0xff)], 20_000_000);
    assert_rejected(
        verify(&circuit_of(&w), vec![cell(1, &g.offset_e, 0)]),
        "ERROR_OOG_KECCAK: offset_e = nz·offset_c",
    );
    assert_rejected(
        verify(&circuit_of(&w), vec![cell(1, &g.size.eff, 0)]),
        "ERROR_OOG_KECCAK: size_eff = in_range·low + (1 - in_range)·far",
    );
}

#[test]
fn keccak_oog_after_a_write_undoes_it() {
    // TSTORE(1, 1), then KECCAK256 of 64 bytes one gas short: the error undoes the write.
    let code = vec![0x60, 1, 0x60, 1, 0x5d, 0x60, 64, 0x5f, 0x20, 0x00];
    // Three PUSH1 (3 each), TSTORE (100) and PUSH0 (2) before it.
    let traced = Program::new(code)
        .gas_limit(21_000 + 9 + 100 + 2 + 47)
        .trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasKeccak, 0);
    assert_eq!(w.steps[err].reversible_write_counter, 1);
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}
