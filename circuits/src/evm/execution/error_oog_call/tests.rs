use super::super::test_util::*;
use super::{ErrorOogCallValueGadget, ErrorOogDelegateOrStaticCallGadget};
use crate::evm::assign::Override;
use equivm_trace::{
    program::Program,
    revm::primitives::{Address, U256},
};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// An account that does not exist before the test.
const NOBODY: Address = Address::repeat_byte(0xee);
/// A contract in the pre-state.
const CALLEE: Address = Address::repeat_byte(0xcc);

/// Call opcodes.
const CALL: u8 = 0xf1;
const CALLCODE: u8 = 0xf2;
const DELEGATECALL: u8 = 0xf4;
const STATICCALL: u8 = 0xfa;

/// `op` of `to` (the running contract itself when `None`) with `value` (CALL, CALLCODE),
/// `in_size` bytes of arguments at 0 and no return area, then STOP; returns the code and
/// the gas its pushes use.
fn call(op: u8, to: Option<Address>, value: Option<u8>, in_size: u16) -> (Vec<u8>, u64) {
    let mut code = vec![0x5f, 0x5f, 0x61];
    code.extend_from_slice(&in_size.to_be_bytes());
    code.push(0x5f);
    let mut gas = 2 + 2 + 3 + 2;
    if let Some(v) = value {
        code.extend_from_slice(&[0x60, v]);
        gas += 3;
    }
    match to {
        Some(to) => {
            code.push(0x73);
            code.extend_from_slice(to.as_slice());
            gas += 3;
        }
        None => {
            code.push(0x30);
            gas += 2;
        }
    }
    code.extend_from_slice(&[0x5f, op, 0x00]);
    (code, gas + 2)
}

/// The root call runs `op` with `gas` left at it.
fn root(op: u8, to: Option<Address>, value: Option<u8>, in_size: u16, gas: u64) -> Witness {
    let (code, pre) = call(op, to, value, in_size);
    let traced = Program::new(code)
        .with_account(CALLEE, vec![0x00])
        .gas_limit(21_000 + pre + gas)
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn state_of(op: u8) -> ExecutionState {
    if matches!(op, CALL | CALLCODE) {
        ExecutionState::ErrorOutOfGasCall
    } else {
        ExecutionState::ErrorOutOfGasDelegateOrStaticCall
    }
}

fn error_step(w: &Witness, op: u8) -> usize {
    nth_step(w, state_of(op), 0)
}

/// A case: its name, the opcode, the callee, the value, the argument size and the gas at
/// the call.
type Case = (&'static str, u8, Option<Address>, Option<u8>, u16, u64);

/// Each case: the gas at the call is one short of its cost.
fn cases() -> Vec<Case> {
    vec![
        // 100 + 2500 + 9000 + 25000
        (
            "CALL, value, new account",
            CALL,
            Some(NOBODY),
            Some(1),
            0,
            36_599,
        ),
        // 100 + 2500 + 9000: CALLCODE pays itself, no new account
        (
            "CALLCODE, value",
            CALLCODE,
            Some(NOBODY),
            Some(1),
            0,
            11_599,
        ),
        // 100 + 2500 + 9000, an existing account
        (
            "CALL, value, existing",
            CALL,
            Some(CALLEE),
            Some(1),
            0,
            11_599,
        ),
        (
            "CALL, cold, no value",
            CALL,
            Some(NOBODY),
            Some(0),
            0,
            2_599,
        ),
        (
            "DELEGATECALL, cold",
            DELEGATECALL,
            Some(CALLEE),
            None,
            0,
            2_599,
        ),
        ("STATICCALL, warm, below 100", STATICCALL, None, None, 0, 99),
        // 65,535 bytes: 2048 words, 14,336 gas of memory (MemoryOOG)
        ("STATICCALL, memory", STATICCALL, None, None, 0xffff, 10_000),
        ("CALL, memory", CALL, None, Some(0), 0xffff, 10_000),
    ]
}

#[test]
fn every_short_call_passes() {
    for (name, op, to, value, in_size, gas) in cases() {
        let w = root(op, to, value, in_size, gas);
        let err = error_step(&w, op);
        assert_eq!(w.steps[err].gas_left, gas, "{name}");
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{name}");
    }
}

#[test]
fn one_gas_more_runs_the_call() {
    // The same calls with the whole cost: no error step.
    for (name, op, to, value, in_size, gas) in cases().into_iter().take(6) {
        let w = root(op, to, value, in_size, gas + 1);
        assert!(
            w.steps.iter().all(|s| s.execution_state != state_of(op)),
            "{name}"
        );
    }
}

#[test]
fn a_callee_out_of_gas_hands_back_to_its_caller() {
    // CALL CALLEE with 2000 gas; it DELEGATECALLs a cold account with 1986 left.
    let (inner, _) = call(DELEGATECALL, Some(NOBODY), None, 0);
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    code.extend_from_slice(CALLEE.as_slice());
    code.extend_from_slice(&[0x61, 0x07, 0xd0, CALL, 0x00]);
    let traced = Program::new(code).with_account(CALLEE, inner).trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let err = error_step(&w, DELEGATECALL);
    assert_eq!(w.steps[err].gas_left, 1_986);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

fn rw(step: usize, access: usize, value: u64) -> Override<Fr> {
    Override::Rw {
        step,
        access,
        field: "value_lo",
        value: Fr::from(value),
    }
}

/// The `value_prev` of a read overridden with its value.
fn rw_prev(step: usize, access: usize, value: u64) -> Override<Fr> {
    Override::Rw {
        step,
        access,
        field: "value_prev_lo",
        value: Fr::from(value),
    }
}

#[test]
fn enough_gas_is_rejected() {
    let w = root(CALL, Some(NOBODY), Some(1), 0, 36_599);
    let err = error_step(&w, CALL);
    let o = Override::StepState {
        step: err,
        field: "gas_left",
        value: Fr::from(36_600),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "ERROR_OOG_CALL: gas_left < cost",
    );
    // A value read as 0 (the call would cost 2600): the zero test assigned for 1 fails.
    assert_rejected(
        verify(&whole(&w), vec![rw(err, 2, 0), rw_prev(err, 2, 0)]),
        "ERROR_OOG_CALL: value is zero",
    );
    // Without the new account the call costs 11,600.
    let g: ErrorOogCallValueGadget<Fr> = (*config().gadgets.error_oog_call).clone();
    let new_account = g.value.expect("CALL has a value").new_account;
    assert_rejected(
        verify(&whole(&w), vec![cell(err, &new_account, 0)]),
        "ERROR_OOG_CALL: new_account = moves_value·empty",
    );
    // A callee with a balance is not empty: the cells assigned for an empty one fail.
    let texts = failure_texts(verify(
        &whole(&w),
        vec![rw(err, 11, 5), rw_prev(err, 11, 5)],
    ));
    assert!(texts.iter().any(|t| t.contains("is zero")), "{texts:#?}");
}

#[test]
fn the_access_and_the_memory_are_read() {
    let w = root(DELEGATECALL, Some(CALLEE), None, 0, 2_599);
    let err = error_step(&w, DELEGATECALL);
    // A warm callee costs 100.
    assert_rejected(
        verify(&whole(&w), vec![rw(err, 7, 1), rw_prev(err, 7, 1)]),
        "ERROR_OOG_DELEGATE_OR_STATIC_CALL: gas_left < cost",
    );
    let w = root(STATICCALL, None, None, 0xffff, 10_000);
    let err = error_step(&w, STATICCALL);
    // Without its arguments the call costs 100.
    let texts = failure_texts(verify(&whole(&w), vec![rw(err, 3, 0), rw_prev(err, 3, 0)]));
    assert!(texts.iter().any(|t| t.contains("size")), "{texts:#?}");
    // STATICCALL claimed as DELEGATECALL.
    let g: ErrorOogDelegateOrStaticCallGadget<Fr> =
        (*config().gadgets.error_oog_delegate_or_static_call).clone();
    assert_rejected(
        verify(&whole(&w), vec![cell(err, &g.is_second, 0)]),
        "ERROR_OOG_DELEGATE_OR_STATIC_CALL: opcode = first + is_second·(second - first)",
    );
    assert_rejected(
        verify(&whole(&w), vec![rw(err, 8, 1), rw_prev(err, 8, 1)]),
        "ERROR_OOG_DELEGATE_OR_STATIC_CALL: call's IsSuccess = 0 (lo)",
    );
}

/// `op` of the running contract with the given memory operands, gas 0 and value 0.
fn far_call(op: u8, operands: [U256; 4]) -> Witness {
    let mut code = Vec::new();
    for v in operands.iter().rev() {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }
    let mut gas = 12;
    if matches!(op, CALL | CALLCODE) {
        code.push(0x5f);
        gas += 2;
    }
    code.extend([0x30, 0x5f, op, 0x00]);
    gas += 4;
    let traced = Program::new(code)
        .gas_limit(21_000 + gas + 1_000_000)
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

#[test]
fn operands_too_large_to_address_are_clamped() {
    let far = U256::from(1) << 64;
    let big = U256::from(1u64 << 32);
    let u = U256::from;
    for (what, op, operands) in [
        ("CALL, arguments at 2^64", CALL, [far, u(1), u(0), u(0)]),
        (
            "CALLCODE, 2^32 bytes back",
            CALLCODE,
            [u(0), u(0), u(0), big],
        ),
        (
            "DELEGATECALL, 2^64 bytes of arguments",
            DELEGATECALL,
            [u(0), far, u(0), u(0)],
        ),
        (
            "STATICCALL, return area at 2^32",
            STATICCALL,
            [u(0), u(0), big, u(32)],
        ),
    ] {
        let w = far_call(op, operands);
        let err = error_step(&w, op);
        let unsupported = crate::evm::EvmCircuit::unsupported_steps(&w);
        assert!(unsupported.is_empty(), "{what}: {unsupported:?}");
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{what}");
        // The far value clamped to 0 would leave the call only its warm cost to pay.
        let o = |gadget_range: &super::FarRange<Fr>| {
            [&gadget_range.offset.eff, &gadget_range.size.eff].map(|c| cell(err, c, 0))
        };
        let overrides = if matches!(op, CALL | CALLCODE) {
            let g: ErrorOogCallValueGadget<Fr> = (*config().gadgets.error_oog_call).clone();
            [o(&g.in_range), o(&g.out_range)].concat()
        } else {
            let g: ErrorOogDelegateOrStaticCallGadget<Fr> =
                (*config().gadgets.error_oog_delegate_or_static_call).clone();
            [o(&g.in_range), o(&g.out_range)].concat()
        };
        assert_rejected(verify(&whole(&w), overrides), "_eff = in_range·low");
    }
}
