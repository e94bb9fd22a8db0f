use super::super::test_util::*;
use super::ErrorOogCreateGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{
    program::Program,
    revm::primitives::{Address, U256},
};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

const CREATE: u8 = 0xf0;
const CREATE2: u8 = 0xf5;
/// A contract the root calls.
const CALLEE: Address = Address::repeat_byte(0xcc);

/// `[PUSH1 salt], PUSH32 size, PUSH32 offset, PUSH0 (value), op`; the code and its pushes'
/// gas.
fn code(op: u8, [offset, size]: [U256; 2]) -> (Vec<u8>, u64) {
    let mut code = Vec::new();
    let mut gas = 2 + 6;
    if op == CREATE2 {
        code.extend([0x60, 0x07]);
        gas += 3;
    }
    for v in [size, offset] {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }
    code.extend([0x5f, op]);
    (code, gas)
}

/// The root call runs `op` of the init code at `(offset, size)` with `gas` left at it.
fn witness(op: u8, range: [U256; 2], gas: u64) -> Witness {
    let (code, pushes) = code(op, range);
    let traced = Program::new(code).gas_limit(21_000 + pushes + gas).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// CREATE2 of 64 bytes at 0: 32000 + 8·2 + 6 (memory), one short.
fn one_short() -> Witness {
    witness(CREATE2, [u(0), u(64)], 32_021)
}

/// The slice of the step before the error, the error and the rest.
fn circuit_of(w: &Witness) -> EvmCircuit {
    let err = nth_step(w, ExecutionState::ErrorOutOfGasCreate, 0);
    slice(w, err - 1..err + 3)
}

fn gadget() -> ErrorOogCreateGadget<Fr> {
    (*config().gadgets.error_oog_create).clone()
}

#[test]
fn create_out_of_gas_passes() {
    let far = U256::from(1) << 64;
    for (what, w) in [
        ("CREATE2 one gas short", one_short()),
        // 32000 + 2 + 3
        (
            "CREATE one gas short",
            witness(CREATE, [u(0), u(32)], 32_004),
        ),
        ("CREATE of nothing", witness(CREATE, [far, u(0)], 31_999)),
        ("CREATE at 2^64", witness(CREATE, [far, u(1)], 1_000_000)),
        (
            "CREATE2 of 2^64 bytes",
            witness(CREATE2, [u(0), far], 1_000_000),
        ),
        (
            "CREATE2 of 49152 bytes at 2^32 - 1",
            witness(CREATE2, [u((1 << 32) - 1), u(49_152)], 1_000_000),
        ),
    ] {
        let err = nth_step(&w, ExecutionState::ErrorOutOfGasCreate, 0);
        assert!(w.steps[err].opcode.is_some(), "{what}");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&circuit_of(&w), vec![]), Ok(()), "{what}");
    }
}

#[test]
fn a_callee_out_of_gas_hands_back_to_its_caller() {
    // The root CALLs CALLEE with 1000 gas; CALLEE runs CREATE of 32 bytes.
    let (inner, _) = code(CREATE, [u(0), u(32)]);
    let mut outer = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    outer.extend_from_slice(CALLEE.as_slice());
    outer.extend_from_slice(&[0x61, 0x03, 0xe8, 0xf1, 0x00]);
    let traced = Program::new(outer).with_account(CALLEE, inner).trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasCreate, 0);
    assert_ne!(
        w.steps[err].call_id, w.steps[0].call_id,
        "the callee's step"
    );
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn other_creations_are_not_this_state() {
    // With 32022 gas the CREATE2 runs.
    let w = witness(CREATE2, [u(0), u(64)], 32_022);
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorOutOfGasCreate));
    // Init code over 49152 bytes (below 2^64) halts before any gas is charged.
    let w = witness(CREATE, [u(0), u(1 << 32)], 1_000_000);
    assert!(w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::ErrorInitCodeSizeLimit));
}

#[test]
fn create_oog_needs_the_gas_short() {
    let g = gadget();
    assert_rejected(
        verify(
            &circuit_of(&one_short()),
            vec![cell(1, &g.out_of_gas.gap[0], 1)],
        ),
        "ERROR_OOG_CREATE: gas_left < 32000 + word gas + memory gas",
    );
    let w = one_short();
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasCreate, 0);
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(w.steps[err].gas_left + 1),
    };
    assert_rejected(verify(&circuit_of(&w), vec![o]), "ERROR_OOG_CREATE");
}

#[test]
fn the_opcode_words_and_range_are_the_step_s() {
    let g = gadget();
    // CREATE2 claimed to be CREATE (12 gas less).
    assert_rejected(
        verify(&circuit_of(&one_short()), vec![cell(1, &g.is_create2, 0)]),
        "ERROR_OOG_CREATE: opcode = CREATE + is_create2·(CREATE2 - CREATE)",
    );
    // One word instead of two.
    assert_rejected(
        verify(
            &circuit_of(&one_short()),
            vec![cell(1, &g.words.words[0], 1)],
        ),
        "ERROR_OOG_CREATE: size + 31 = 32·words + rem",
    );
    // A far offset clamped to 0 instead of 2^32 - 32.
    let w = witness(CREATE, [U256::from(1) << 64, u(1)], 1_000_000);
    assert_rejected(
        verify(&circuit_of(&w), vec![cell(1, &g.range.offset.eff, 0)]),
        "ERROR_OOG_CREATE: init_code_offset_eff = in_range·low + (1 - in_range)·far",
    );
    // The size read as 0 (32000 would then be the whole cost, which the step has).
    let o = Override::Rw {
        step: 1,
        access: 2,
        field: "value_lo",
        value: Fr::from(0),
    };
    assert_rejected(
        verify(&circuit_of(&one_short()), vec![o]),
        "ERROR_OOG_CREATE",
    );
}

fn size_limit_circuit(w: &Witness) -> EvmCircuit {
    let err = nth_step(w, ExecutionState::ErrorInitCodeSizeLimit, 0);
    slice(w, err - 1..err + 3)
}

#[test]
fn init_code_over_the_limit_passes() {
    for (what, w) in [
        (
            "CREATE of 49153 bytes",
            witness(CREATE, [u(0), u(49_153)], 100_000),
        ),
        (
            "CREATE2 of 2^32 bytes at 2^64",
            witness(CREATE2, [U256::from(1) << 64, u(1 << 32)], 100_000),
        ),
        (
            "CREATE2 of 2^63 bytes",
            witness(CREATE2, [u(0), u(1 << 63)], 10),
        ),
    ] {
        let err = nth_step(&w, ExecutionState::ErrorInitCodeSizeLimit, 0);
        assert!(w.steps[err].opcode.is_some(), "{what}");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&size_limit_circuit(&w), vec![]), Ok(()), "{what}");
    }
}

#[test]
fn init_code_at_the_limit_is_not_over_it() {
    let g: super::ErrorInitCodeSizeLimitGadget<Fr> =
        (*config().gadgets.error_init_code_size_limit).clone();
    // 49152 bytes run (or run out of gas), they do not halt on the limit.
    let w = witness(CREATE, [u(0), u(49_152)], 100_000);
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorInitCodeSizeLimit));
    // The size read as 49152 is not over the limit.
    let w = witness(CREATE, [u(0), u(49_153)], 100_000);
    let o = Override::Rw {
        step: 1,
        access: 2,
        field: "value_lo",
        value: Fr::from(49_152),
    };
    assert_rejected(
        verify(&size_limit_circuit(&w), vec![o]),
        "ERROR_INIT_CODE_SIZE_LIMIT",
    );
    // A clamped size of 49152 for a far one.
    let w = witness(CREATE2, [u(0), u(1 << 40)], 100_000);
    assert_rejected(
        verify(&size_limit_circuit(&w), vec![cell(1, &g.size.eff, 49_152)]),
        "ERROR_INIT_CODE_SIZE_LIMIT: size_eff = in_range·low + (1 - in_range)·far",
    );
}
