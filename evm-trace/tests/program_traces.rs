//! Traces of small programs: the recorded steps match what the EVM did.

use equivm_trace::{
    program::{Program, CONTRACT},
    revm::primitives::U256,
    CallKind, TxStatus,
};

#[test]
fn add_records_operands_result_and_gas() {
    // PUSH1 2 PUSH1 3 ADD STOP
    let traced = Program::new(vec![0x60, 0x02, 0x60, 0x03, 0x01, 0x00]).trace();
    let tx = &traced.trace.txs[0];
    assert_eq!(tx.result.status, TxStatus::Success);
    let ops: Vec<u8> = tx.steps.iter().map(|s| s.opcode).collect();
    assert_eq!(ops, vec![0x60, 0x60, 0x01, 0x00]);
    let add = &tx.steps[2];
    assert_eq!(add.stack_in, vec![U256::from(3), U256::from(2)]);
    assert_eq!(add.stack_out, vec![U256::from(5)]);
    assert_eq!(add.gas_cost, 3);
    assert_eq!(add.stack_len, 2);
    assert_eq!(tx.steps[0].gas - tx.steps[1].gas, 3);
}

#[test]
fn memory_and_storage_effects_are_recorded() {
    // PUSH1 0xaa PUSH1 0x01 MSTORE  PUSH1 0x07 PUSH1 0x05 SSTORE  PUSH1 0x05 SLOAD STOP
    let code = vec![
        0x60, 0xaa, 0x60, 0x01, 0x52, 0x60, 0x07, 0x60, 0x05, 0x55, 0x60, 0x05, 0x54, 0x00,
    ];
    let traced = Program::new(code).trace();
    let tx = &traced.trace.txs[0];
    let mstore = &tx.steps[2];
    let written = mstore
        .memory_written
        .as_ref()
        .expect("MSTORE writes memory");
    assert_eq!(written.offset, 1);
    assert_eq!(written.data.len(), 32);
    assert_eq!(written.data[31], 0xaa);
    assert_eq!(mstore.memory_size, 0);
    assert_eq!(mstore.memory_size_after, 64);
    let sstore = &tx.steps[5];
    let access = sstore.storage.as_ref().expect("SSTORE access");
    assert_eq!(
        (access.key, access.value, access.warm),
        (U256::from(5), U256::ZERO, false)
    );
    let sload = &tx.steps[7];
    let access = sload.storage.as_ref().expect("SLOAD access");
    assert_eq!((access.value, access.warm), (U256::from(7), true));
    assert_eq!(sload.stack_out, vec![U256::from(7)]);
    let post = traced.trace.post_state[&CONTRACT]
        .as_ref()
        .expect("contract exists");
    assert_eq!(post.storage[&U256::from(5)], U256::from(7));
}

#[test]
fn nested_call_result_is_filled_in_when_the_caller_resumes() {
    let callee =
        equivm_trace::revm::primitives::address!("00000000000000000000000000000000000000bb");
    // callee: PUSH1 0x2a PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    let callee_code = vec![0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3];
    // caller: CALL(gas, 0xbb, 0, 0, 0, 0, 32) then STOP
    let code = vec![
        0x60, 0x20, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0xbb, 0x5a, 0xf1, 0x00,
    ];
    let traced = Program::new(code).with_account(callee, callee_code).trace();
    let tx = &traced.trace.txs[0];
    assert_eq!(tx.calls.len(), 2);
    assert_eq!(tx.calls[1].kind, CallKind::Call);
    assert_eq!(tx.calls[1].parent, Some(0));
    assert!(tx.calls[1].success);
    let call = tx
        .steps
        .iter()
        .find(|s| s.opcode == 0xf1)
        .expect("CALL step");
    assert_eq!(call.stack_out, vec![U256::from(1)]);
    let written = call.memory_written.as_ref().expect("return data copied");
    assert_eq!(written.data[31], 0x2a);
    assert!(call.account_access.is_some_and(|(_, warm)| !warm));
}
