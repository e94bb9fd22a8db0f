use super::super::test_util::*;
use super::IDENTITY_RWS;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::program::Program;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Writes 64 bytes (0x11.. then 0x22..) at memory 0, calls the identity with opcode `op`
/// (and `value` if it pops one), `gas` and the given argument and return areas, then
/// copies the return data to memory 0 and stops.
fn caller(op: u8, value: Option<u8>, gas: u16, args: (u8, u8), ret: (u8, u8)) -> Vec<u8> {
    let mut code = vec![0x7f];
    code.extend([0x11; 32]);
    code.extend([0x5f, 0x52, 0x7f]);
    code.extend([0x22; 32]);
    code.extend([0x60, 32, 0x52]);
    code.extend([0x60, ret.1, 0x60, ret.0, 0x60, args.1, 0x60, args.0]);
    if let Some(value) = value {
        code.extend([0x60, value]);
    }
    code.extend([0x60, 0x04, 0x61]);
    code.extend(gas.to_be_bytes());
    code.push(op);
    // RETURNDATACOPY(0, 0, RETURNDATASIZE), STOP
    code.extend([0x3d, 0x5f, 0x5f, 0x3e, 0x00]);
    code
}

fn witness(code: Vec<u8>) -> Witness {
    let traced = Program::new(code).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn whole(w: &Witness) -> EvmCircuit {
    let unsupported = EvmCircuit::unsupported_reasons(w);
    assert!(unsupported.is_empty(), "{unsupported:?}");
    slice(w, 0..w.steps.len())
}

fn identity_step(w: &Witness) -> usize {
    nth_step(w, ExecutionState::PrecompileIdentity, 0)
}

#[test]
fn the_identity_returns_its_input() {
    // 40 bytes in, a 32-byte return area: 32 bytes copied back, 40 bytes of return data.
    let w = witness(caller(0xf1, Some(0), 0xffff, (0, 40), (64, 32)));
    let id = identity_step(&w);
    let rws = w.step_rws(&w.steps[id]);
    assert_eq!(rws.len() as u64, IDENTITY_RWS + 2 * 40 + 2 * 32);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn every_call_opcode_reaches_the_identity() {
    for (op, value) in [(0xf2, Some(0)), (0xf4, None), (0xfa, None)] {
        let w = witness(caller(op, value, 0xffff, (8, 20), (0, 64)));
        identity_step(&w);
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "opcode {op:#x}");
    }
}

#[test]
fn an_empty_input_returns_nothing() {
    let w = witness(caller(0xfa, None, 0xffff, (0, 0), (0, 32)));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn too_little_gas_fails_and_undoes_the_value() {
    // 15 + 3·2 = 21 gas for 40 bytes; 20 given (with a value, the stipend makes it 2320:
    // so no value here) fails and keeps nothing.
    let w = witness(caller(0xf1, Some(0), 20, (0, 40), (64, 32)));
    let id = identity_step(&w);
    let rws = w.step_rws(&w.steps[id]);
    assert_eq!(rws[2].value, equivm_trace::revm::primitives::U256::ZERO);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_value_to_an_identity_with_a_balance_passes() {
    // CALLCODE keeps the value; a CALL's value needs the precompile's account to hold a
    // balance already (an empty one owes 25,000 for a new account: unsupported).
    let w = witness(caller(0xf2, Some(5), 0xffff, (0, 40), (64, 32)));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    let code = caller(0xf1, Some(5), 0xffff, (0, 40), (64, 32));
    let identity = equivm_trace::revm::primitives::Address::with_last_byte(4);
    let traced = Program::new(code.clone())
        .with_account(identity, Vec::new())
        .trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    let w = witness(code);
    assert_eq!(
        EvmCircuit::unsupported_reasons(&w),
        vec!["Call (opcode 0xf1) into precompile 0x04 (identity)".to_string()]
    );
}

#[test]
fn the_gas_handed_back_is_the_rest() {
    let w = witness(caller(0xf1, Some(0), 0xffff, (0, 40), (64, 32)));
    let id = identity_step(&w);
    let gas = w.steps[id + 1].gas_left;
    let o = Override::StepState {
        step: id + 1,
        field: "gas_left",
        value: Fr::from(gas + 1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "PRECOMPILE_IDENTITY: next.gas_left",
    );
}

fn tampered_rw(w: &Witness, access: usize, value: u64) -> Vec<String> {
    let o = Override::Rw {
        step: identity_step(w),
        access,
        field: "value_lo",
        value: Fr::from(value),
    };
    failure_texts(verify(&whole(w), vec![o]))
}

#[test]
fn enough_gas_means_success() {
    // A success claimed as a failure: the gas check fails.
    let w = witness(caller(0xf1, Some(0), 0xffff, (0, 40), (64, 32)));
    let texts = tampered_rw(&w, 2, 0);
    assert!(
        texts.iter().any(|t| t.contains("s·(gas_left - cost)")),
        "{texts:#?}"
    );
}

#[test]
fn the_return_data_is_the_input() {
    // The caller's LastCalleeReturnDataLength (rw 3 + 13) claims fewer bytes.
    let w = witness(caller(0xf1, Some(0), 0xffff, (0, 40), (64, 32)));
    let texts = tampered_rw(&w, 16, 39);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("caller's LastCalleeReturnDataLength write")),
        "{texts:#?}"
    );
}

#[test]
fn the_copy_back_is_bounded_by_the_return_area() {
    let w = witness(caller(0xf1, Some(0), 0xffff, (0, 40), (64, 32)));
    let g = config().gadgets.precompile_identity;
    let id = identity_step(&w);
    let o = cell(id, &g.copy_back.copied, 33);
    assert!(verify(&whole(&w), vec![o]).is_err());
}

#[test]
fn other_precompiles_are_unsupported_and_named() {
    // SHA-256 (0x02).
    let mut code = caller(0xfa, None, 0xffff, (0, 40), (64, 32));
    let at = code
        .iter()
        .rposition(|b| *b == 0x04)
        .expect("the address push");
    code[at] = 0x02;
    let w = witness(code);
    let reasons = EvmCircuit::unsupported_reasons(&w);
    assert_eq!(
        reasons,
        vec![
            "DelegateOrStaticCall (opcode 0xfa) into precompile 0x02 (sha256)".to_string(),
            "PrecompileSha256".to_string(),
        ]
    );
}

#[test]
fn a_transaction_to_a_precompile_is_unsupported_and_named() {
    let modexp = equivm_trace::revm::primitives::Address::with_last_byte(5);
    let traced = Program::new(vec![0x00]).to(modexp).trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let reasons = EvmCircuit::unsupported_reasons(&w);
    assert!(
        reasons.contains(&"BeginTx into precompile 0x05 (modexp)".to_string()),
        "{reasons:?}"
    );
}
