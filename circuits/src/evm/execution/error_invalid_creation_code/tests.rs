use super::super::test_util::*;
use crate::evm::{assign::Override, execution::memory_expansion::Length, EvmCircuit};
use equivm_trace::program::Program;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Init code returning `len` bytes of memory from `offset` after storing `byte` there:
/// `PUSH1 byte, PUSH1 offset, MSTORE8, PUSH1 len, PUSH1 offset, RETURN`.
fn init(byte: u8, offset: u8, len: u8) -> Vec<u8> {
    vec![
        0x60, byte, 0x60, offset, 0x53, 0x60, len, 0x60, offset, 0xf3,
    ]
}

/// The contract runs `CREATE` (or CREATE2) of `init`, then STOP.
fn witness(init: &[u8], salt: Option<u8>) -> Witness {
    let code = creator_code(init, 0, salt, &[0x00]);
    let traced = Program::new(code).contract_nonce(1).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn error_step(w: &Witness) -> usize {
    nth_step(w, ExecutionState::ErrorInvalidCreationCode, 0)
}

/// Overrides access `access` (0: offset, 1: size, 2: the first byte) of the error step.
fn rw(step: usize, access: usize, value: u64) -> Override<Fr> {
    Override::Rw {
        step,
        access,
        field: "value_lo",
        value: Fr::from(value),
    }
}

#[test]
fn code_starting_with_0xef_passes() {
    for (what, w) in [
        ("one byte 0xef", witness(&init(0xef, 0, 1), None)),
        (
            "0xef then 9 bytes, from offset 7",
            witness(&init(0xef, 7, 10), None),
        ),
        ("CREATE2", witness(&init(0xef, 0, 2), Some(9))),
    ] {
        let err = error_step(&w);
        assert_eq!(w.steps[err].opcode, Some(0xf3), "{what}");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{what}");
    }
}

#[test]
fn other_first_bytes_deposit() {
    for byte in [0x00, 0xee, 0xfe] {
        let w = witness(&init(byte, 0, 1), None);
        assert!(
            w.steps
                .iter()
                .all(|s| s.execution_state != ExecutionState::ErrorInvalidCreationCode),
            "{byte:#x}"
        );
    }
}

#[test]
fn the_first_byte_must_be_0xef() {
    let w = witness(&init(0xef, 0, 1), None);
    let err = error_step(&w);
    assert_rejected(
        verify(&whole(&w), vec![rw(err, 2, 0xee)]),
        "ERROR_INVALID_CREATION_CODE: the code's first byte = 0xef (EIP-3541)",
    );
}

#[test]
fn the_byte_is_read_at_the_offset() {
    // The offset read as 1: the memory read at 1 is not the step's (the byte is at 0).
    let w = witness(&init(0xef, 0, 1), None);
    let err = error_step(&w);
    assert_rejected(verify(&whole(&w), vec![rw(err, 0, 1)]), "EVM rw lookup");
}

#[test]
fn an_empty_code_has_no_first_byte() {
    // The size read as 0, with the cells that follow from it (its bytes, its zero test).
    let w = witness(&init(0xef, 0, 1), None);
    let err = error_step(&w);
    let g = (*config().gadgets.error_invalid_creation_code).clone();
    let size = match &g.expansion.length {
        Length::Dynamic(d) => d.clone(),
        _ => unreachable!("a dynamic length"),
    };
    let prev = Override::Rw {
        step: err,
        access: 1,
        field: "value_prev_lo",
        value: Fr::from(0),
    };
    let overrides = vec![
        rw(err, 1, 0),
        prev,
        cell(err, &size.size_bytes[0], 0),
        cell(err, &size.size_is_zero.is_zero, 1),
        cell(err, &size.size_is_zero.inv_lo, 0),
    ];
    assert_rejected(
        verify(&whole(&w), overrides),
        "ERROR_INVALID_CREATION_CODE: size ≠ 0",
    );
}

#[test]
fn a_message_call_s_return_is_never_this_state() {
    let w = witness(&init(0xef, 0, 1), None);
    let err = error_step(&w);
    let o = Override::StepState {
        step: err,
        field: "is_create",
        value: Fr::from(0),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "ERROR_INVALID_CREATION_CODE: is_create = 1",
    );
}
