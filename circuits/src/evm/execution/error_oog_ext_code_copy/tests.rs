use super::super::test_util::*;
use super::ErrorOogExtCodeCopyGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// `[BALANCE(0xaa) POP]` when `warm`, then `PUSH32 size, PUSH32 0, PUSH32 dst, PUSH1 0xaa,
/// EXTCODECOPY` with `gas` left at the EXTCODECOPY.
fn witness(warm: bool, [dst, size]: [U256; 2], gas: u64) -> Witness {
    let mut code = Vec::new();
    let mut before = 0;
    if warm {
        code.extend([0x60, 0xaa, 0x31, 0x50]);
        before += 3 + 2600 + 2;
    }
    for v in [size, U256::ZERO, dst] {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }
    code.extend([0x60, 0xaa, 0x3c, 0x00]);
    before += 4 * 3;
    let traced = Program::new(code).gas_limit(21_000 + before + gas).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn circuit_of(w: &Witness) -> EvmCircuit {
    let err = nth_step(w, ExecutionState::ErrorOutOfGasExtCodeCopy, 0);
    slice(w, err - 1..err + 3)
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// A cold copy of 64 bytes at 0: 2600 + 3·2 + 6 (two words of memory) = 2612, one short.
fn one_short() -> Witness {
    witness(false, [u(0), u(64)], 2611)
}

fn gadget() -> ErrorOogExtCodeCopyGadget<Fr> {
    (*config().gadgets.error_oog_ext_code_copy).clone()
}

#[test]
fn extcodecopy_oog_passes() {
    let far = U256::from(1) << 64;
    for (what, w) in [
        ("cold, one gas short", one_short()),
        ("warm, one gas short", witness(true, [u(0), u(64)], 111)),
        ("cold, nothing copied", witness(false, [far, u(0)], 2599)),
        ("2^64 bytes", witness(true, [u(0), far], 1_000_000)),
        ("1 byte at 2^64", witness(false, [far, u(1)], 1_000_000)),
    ] {
        let err = nth_step(&w, ExecutionState::ErrorOutOfGasExtCodeCopy, 0);
        assert_eq!(w.steps[err].opcode, Some(0x3c), "{what}");
        let unsupported = EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&circuit_of(&w), vec![]), Ok(()), "{what}");
    }
}

#[test]
fn a_copy_that_could_pay_is_not_this_state() {
    let w = witness(false, [u(0), u(64)], 2612);
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::ErrorOutOfGasExtCodeCopy));
}

#[test]
fn the_gas_is_short() {
    let g = gadget();
    assert_rejected(
        verify(
            &circuit_of(&one_short()),
            vec![cell(1, &g.out_of_gas.gap[0], 1)],
        ),
        "ERROR_OOG_EXTCODECOPY: gas_left < constant_gas + cold gas + copy gas + memory gas",
    );
}

#[test]
fn the_warm_flag_is_read_from_the_access_list() {
    // A cold account claimed warm would cost 2500 less.
    let o = Override::Rw {
        step: 1,
        access: 5,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(verify(&circuit_of(&one_short()), vec![o]), "EVM rw lookup");
}

#[test]
fn the_error_step_marks_nothing() {
    let w = one_short();
    let err = nth_step(&w, ExecutionState::ErrorOutOfGasExtCodeCopy, 0);
    let rws = w.step_rws(&w.steps[err]);
    assert!(!rws[5].is_write, "the warm flag is read");
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}
