//! Builder tests on real revm traces: each program runs through `equivm_trace`, the witness
//! is built, and `replay_check` must accept it (rw log consistent, agreeing with every stack,
//! memory and storage observation, ending in the trace's post-state).

use crate::rw::{RwTag, TxLogField};
use crate::{build_witness, replay_check, ExecutionState, RwField, Witness};
use equivm_trace::program::{Program, CONTRACT};
use equivm_trace::revm::primitives::{address, Address, U256};
use equivm_trace::{AccountState, BlockTrace, TxStatus};

const CALLEE: Address = address!("00000000000000000000000000000000000000bb");
const BENEFICIARY: Address = address!("00000000000000000000000000000000000000cc");

/// Concatenates code fragments.
fn asm(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// `PUSH20 address`.
fn push_addr(a: Address) -> Vec<u8> {
    let mut v = vec![0x73];
    v.extend_from_slice(a.as_slice());
    v
}

/// `CALL(gas, to, value, args_off, args_len, ret_off, ret_len)`.
fn call(to: Address, value: u8, args: (u8, u8), ret: (u8, u8)) -> Vec<u8> {
    let mut v = vec![
        0x60, ret.1, 0x60, ret.0, 0x60, args.1, 0x60, args.0, 0x60, value,
    ];
    v.extend(push_addr(to));
    v.extend([0x5a, 0xf1]);
    v
}

fn run(program: &Program) -> (BlockTrace, Witness) {
    let traced = program.trace();
    let trace = traced.trace;
    let witness = match build_witness(&trace) {
        Ok(w) => w,
        Err(e) => panic!(
            "build_witness failed: {e}\ntrace: {:#?}",
            trace.txs[0].calls
        ),
    };
    if let Err(e) = replay_check(&trace, &witness) {
        panic!("replay_check failed: {e}\ncalls: {:#?}", trace.txs[0].calls);
    }
    assert!(!trace.post_state.is_empty(), "post-state is checked");
    (trace, witness)
}

fn count(w: &Witness, tag: RwTag) -> usize {
    w.rws.iter().filter(|rw| rw.tag == tag).count()
}

fn states(w: &Witness) -> Vec<ExecutionState> {
    w.steps.iter().map(|s| s.execution_state).collect()
}

#[test]
fn add() {
    let (trace, w) = run(&Program::new(vec![0x60, 0x02, 0x60, 0x03, 0x01, 0x00]));
    assert_eq!(trace.txs[0].result.status, TxStatus::Success);
    use ExecutionState::*;
    assert_eq!(
        states(&w),
        vec![BeginTx, Push, Push, AddSub, Stop, EndTx, EndBlock]
    );
    let add = &w.steps[3];
    let rws = w.step_rws(add);
    assert_eq!(rws.len(), 3);
    assert_eq!(rws[2].value, U256::from(5));
    assert!(rws[2].is_write);
    assert_eq!(rws[2].key, U256::from(1023));
}

#[test]
fn memory_ops() {
    let code = asm(&[
        &[0x60, 0x2a, 0x60, 0x00, 0x52],             // MSTORE(0, 0x2a)
        &[0x60, 0x00, 0x51, 0x50],                   // MLOAD(0) POP
        &[0x60, 0xff, 0x60, 0x40, 0x53],             // MSTORE8(0x40, 0xff)
        &[0x60, 0x20, 0x60, 0x00, 0x60, 0x10, 0x5e], // MCOPY(0x10, 0, 0x20)
        &[0x60, 0x20, 0x60, 0x00, 0x20, 0x50],       // KECCAK256(0, 0x20) POP
        &[0x59, 0x50, 0x00],                         // MSIZE POP STOP
    ]);
    let (_, w) = run(&Program::new(code));
    // 32 + 32 + 1 + 32 + 32 memory writes/reads from MSTORE, MLOAD, MSTORE8, MCOPY (r+w), KECCAK
    assert_eq!(count(&w, RwTag::Memory), 32 + 32 + 1 + 64 + 32);
    assert_eq!(w.keccak_inputs.last().map(|k| k.len()), Some(32));
}

#[test]
fn storage_and_refund() {
    let code = asm(&[
        &[0x60, 0x01, 0x60, 0x00, 0x55], // SSTORE(0, 1)
        &[0x60, 0x00, 0x54, 0x50],       // SLOAD(0) POP
        &[0x60, 0x00, 0x60, 0x00, 0x55], // SSTORE(0, 0): refund 19900
        &[0x60, 0x07, 0x60, 0x01, 0x5d], // TSTORE(1, 7)
        &[0x60, 0x01, 0x5c, 0x50, 0x00], // TLOAD(1) POP STOP
    ]);
    let (trace, w) = run(&Program::new(code));
    assert!(trace.txs[0].result.gas_refunded > 0);
    let refunds: Vec<U256> = w
        .rws
        .iter()
        .filter(|rw| rw.tag == RwTag::TxRefund && rw.is_write)
        .map(|rw| rw.value)
        .collect();
    assert_eq!(refunds, vec![U256::ZERO, U256::from(19900)]);
    assert_eq!(count(&w, RwTag::TransientStorage), 2);
}

#[test]
fn logs() {
    let code = asm(&[
        &[0x60, 0x2a, 0x60, 0x00, 0x52],
        &[0x60, 0x11, 0x60, 0x22, 0x60, 0x20, 0x60, 0x00, 0xa2, 0x00], // LOG2(0, 32, 0x22, 0x11)
    ]);
    let (_, w) = run(&Program::new(code));
    let data = w
        .rws
        .iter()
        .filter(|rw| rw.field == RwField::TxLog(TxLogField::Data))
        .count();
    assert_eq!(data, 32);
}

/// The callee writes storage, transfers nothing back, logs, and reverts with 32 bytes; the
/// caller stores the CALL result and copies the revert data.
#[test]
fn call_that_reverts() {
    let callee = asm(&[
        &[0x60, 0x01, 0x60, 0x00, 0x55], // SSTORE(0, 1)
        &[0x60, 0x00, 0x60, 0x00, 0xa0], // LOG0(0, 0)
        &[0x60, 0x2a, 0x60, 0x00, 0x52], // MSTORE(0, 0x2a)
        &[0x60, 0x20, 0x60, 0x00, 0xfd], // REVERT(0, 32)
    ]);
    let caller = asm(&[
        &call(CALLEE, 5, (0, 0), (0, 0x20)),
        &[0x60, 0x01, 0x55],                         // SSTORE(1, success)
        &[0x3d, 0x50],                               // RETURNDATASIZE POP
        &[0x60, 0x20, 0x60, 0x00, 0x60, 0x40, 0x3e], // RETURNDATACOPY(0x40, 0, 32)
        &[0x00],
    ]);
    let (trace, w) = run(&Program::new(caller).with_account(CALLEE, callee));
    assert!(!trace.txs[0].calls[1].success);
    assert!(trace.txs[0].result.logs.is_empty());
    assert_eq!(count(&w, RwTag::TxLog), 0);
    // The callee's SSTORE, warm mark, refund and the value transfer are undone.
    let restores = w
        .rws
        .iter()
        .filter(|rw| rw.is_write && rw.tag == RwTag::Storage)
        .count();
    assert!(restores >= 2);
}

/// The root call's RETURN and REVERT read no memory (their bytes go nowhere); a callee's
/// RETURN reads the bytes it hands to its caller.
#[test]
fn root_return_reads_no_memory() {
    let ending = |w: &Witness, n: usize| {
        let step = w
            .steps
            .iter()
            .filter(|s| s.execution_state == ExecutionState::ReturnRevert)
            .nth(n)
            .expect("a RETURN/REVERT step");
        w.step_rws(step).iter().map(|rw| rw.tag).collect::<Vec<_>>()
    };
    let root_only = [RwTag::Stack, RwTag::Stack, RwTag::CallContext];
    for opcode in [0xf3, 0xfd] {
        // MSTORE(0, 0x2a), then RETURN/REVERT(0, 32).
        let code = asm(&[
            &[0x60, 0x2a, 0x60, 0x00, 0x52],
            &[0x60, 0x20, 0x60, 0x00, opcode],
        ]);
        let (_, w) = run(&Program::new(code));
        assert_eq!(ending(&w, 0), root_only);
    }
    let callee = asm(&[
        &[0x60, 0x2a, 0x60, 0x00, 0x52],
        &[0x60, 0x20, 0x60, 0x00, 0xf3],
    ]);
    let caller = asm(&[&call(CALLEE, 0, (0, 0), (0, 0x20)), &[0x00]]);
    let (_, w) = run(&Program::new(caller).with_account(CALLEE, callee));
    let step = w
        .steps
        .iter()
        .find(|s| s.execution_state == ExecutionState::ReturnRevert)
        .expect("the callee's RETURN");
    let reads = w
        .step_rws(step)
        .iter()
        .filter(|rw| rw.tag == RwTag::Memory && !rw.is_write && rw.id == step.call_id)
        .count();
    assert!(
        reads >= 32,
        "the callee's 32 bytes are read ({reads} reads)"
    );
    // A creation transaction's root RETURN reads the code it deposits.
    let init = asm(&[
        &[0x60, 0x2a, 0x60, 0x00, 0x52],
        &[0x60, 0x20, 0x60, 0x00, 0xf3],
    ]);
    let (_, w) = run(&Program::new(init).create());
    let step = w
        .steps
        .iter()
        .find(|s| s.execution_state == ExecutionState::ReturnCreation)
        .expect("the creation's RETURN");
    let rws = w.step_rws(step);
    let memory = rws.iter().filter(|rw| rw.tag == RwTag::Memory).count();
    assert_eq!(memory, 32);
    // Last, after the code hash's deposit.
    assert!(rws[rws.len() - 32..]
        .iter()
        .all(|rw| rw.tag == RwTag::Memory));
}

#[test]
fn call_passes_calldata_and_returns() {
    // Callee: CALLDATALOAD(0), CALLDATASIZE, CALLDATACOPY(0, 0, size), RETURN(0, size).
    let callee = asm(&[
        &[0x60, 0x00, 0x35, 0x50],
        &[0x36, 0x60, 0x00, 0x60, 0x00, 0x37],
        &[0x36, 0x60, 0x00, 0xf3],
    ]);
    let caller = asm(&[
        &[0x60, 0x2a, 0x60, 0x00, 0x52],
        &call(CALLEE, 0, (0, 0x20), (0x40, 0x20)),
        &[0x50, 0x60, 0x40, 0x51, 0x50, 0x00],
    ]);
    run(&Program::new(caller).with_account(CALLEE, callee));
}

#[test]
fn precompile_call_and_insufficient_balance() {
    let identity = address!("0000000000000000000000000000000000000004");
    let caller = asm(&[
        &[0x60, 0x2a, 0x60, 0x00, 0x52],
        &call(identity, 0, (0, 0x20), (0x20, 0x20)),
        &[0x50],
        // CALL with value 2,000,000 > balance: fails without starting the callee.
        &[
            0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x62, 0x1e, 0x84, 0x80,
        ],
        &push_addr(CALLEE),
        &[0x5a, 0xf1, 0x50, 0x00],
    ]);
    let (trace, _) = run(&Program::new(caller).with_account(CALLEE, vec![0x00]));
    assert!(trace.txs[0].calls[1].is_precompile);
}

/// Init code: MSTORE8(0, 0) RETURN(0, 1) — deploys a one-byte STOP.
const INIT: [u8; 10] = [0x60, 0x00, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3];

#[test]
fn create_and_create2() {
    let mut code = vec![0x69];
    code.extend(INIT);
    code.extend([0x60, 0x00, 0x52]); // MSTORE(0, init) — init at bytes 22..32
    code.extend([0x60, 0x0a, 0x60, 0x16, 0x60, 0x00, 0xf0]); // CREATE(0, 22, 10)
    code.extend([0x60, 0x00, 0x55]); // SSTORE(0, address)
    code.extend([0x60, 0x07, 0x60, 0x0a, 0x60, 0x16, 0x60, 0x00, 0xf5]); // CREATE2 salt 7
    code.extend([0x60, 0x01, 0x55, 0x00]);
    let (trace, w) = run(&Program::new(code));
    assert!(trace.txs[0].calls[1].success && trace.txs[0].calls[2].success);
    assert!(w.bytecodes.iter().any(|b| b.bytes.as_ref() == [0x00]));
}

#[test]
fn creation_transaction() {
    let (trace, w) = run(&Program::new(INIT.to_vec()).create().value(3));
    let begin = &w.steps[0];
    assert_eq!(begin.execution_state, ExecutionState::BeginTxCreate);
    let rws = w.step_rws(begin);
    // Nonce, fee, 13 warm marks, the new address's code hash (empty: no collision), the
    // context, the new account's nonce and created flag, the value transfer.
    assert_eq!(rws.len(), 39);
    let created = trace.txs[0].calls[0].address;
    assert_eq!(
        rws[16].field,
        RwField::Account(crate::rw::AccountField::CodeHash)
    );
    assert_eq!(rws[16].address, created);
    assert_eq!(rws[34].address, created);
    // The init code is the tx's data, copied into the bytecode table without rw accesses,
    // and the address's preimage is registered like a code.
    let copy = w
        .copy_events
        .iter()
        .find(|e| e.src_type == crate::witness::CopyDataType::TxCalldata)
        .expect("the init code's copy");
    assert_eq!(copy.dst_type, crate::witness::CopyDataType::Bytecode);
    assert_eq!((copy.bytes.as_slice(), copy.rw_count), (&INIT[..], 0));
    assert_eq!(copy.rw_counter_start, begin.rw_counter + begin.rw_count);
    let preimage = crate::address::create_preimage(trace.txs[0].tx.caller, 0);
    assert!(w.bytecodes.iter().any(|b| b.bytes.as_ref() == preimage));
}

#[test]
fn selfdestruct_existing_contract() {
    let code = asm(&[&push_addr(BENEFICIARY), &[0xff]]);
    let (trace, _) = run(&Program::new(code));
    let post = trace.post_state.get(&BENEFICIARY).cloned().flatten();
    assert_eq!(post.map(|a| a.balance), Some(U256::from(1_000_000u64)));
    assert!(trace.post_state.get(&CONTRACT).cloned().flatten().is_some());
}

#[test]
fn selfdestruct_in_creation_deletes() {
    let init = asm(&[&push_addr(BENEFICIARY), &[0xff]]);
    let (trace, _) = run(&Program::new(init).create().value(9));
    let created = trace.txs[0].calls[0].address;
    assert_eq!(trace.post_state.get(&created), Some(&None));
}

#[test]
fn error_steps() {
    // JUMP to 3, which is not a JUMPDEST.
    let (_, w) = run(&Program::new(vec![0x60, 0x03, 0x56, 0x00]));
    assert!(states(&w).contains(&ExecutionState::ErrorInvalidJump));
    // ADD on an empty stack.
    let (_, w) = run(&Program::new(vec![0x01]));
    assert!(states(&w).contains(&ExecutionState::ErrorStackUnderflow));
    // An inner call that runs out of gas, inside a successful tx.
    let callee = asm(&[&[0x60, 0x01, 0x60, 0x00, 0x55], &[0x5b, 0x60, 0x05, 0x56]]);
    let mut caller = vec![0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00];
    caller.extend(push_addr(CALLEE));
    caller.extend([0x61, 0x75, 0x30, 0xf1, 0x00]); // gas 30000
    let (_, w) = run(&Program::new(caller).with_account(CALLEE, callee));
    assert!(states(&w).contains(&ExecutionState::ErrorOutOfGasConstant));
}

#[test]
fn existing_storage_is_committed_value() {
    let callee = asm(&[&[0x60, 0x00, 0x60, 0x00, 0x55, 0x00]]); // SSTORE(0, 0): clears 5
    let mut p = Program::new(call(CALLEE, 0, (0, 0), (0, 0))).with_account(CALLEE, callee);
    if let Some(acc) = p.accounts.get_mut(&CALLEE) {
        acc.storage.insert(U256::ZERO, U256::from(5));
    }
    let (trace, w) = run(&p);
    assert_eq!(trace.txs[0].result.gas_refunded, 4800);
    let st = w
        .rws
        .iter()
        .find(|rw| rw.tag == RwTag::Storage)
        .map(|rw| rw.committed_value);
    assert_eq!(st, Some(U256::from(5)));
    let _ = AccountState::default();
}

#[test]
fn tampered_storage_in_real_trace_fails() {
    let code = asm(&[
        &[0x60, 0x01, 0x60, 0x00, 0x55],
        &[0x60, 0x00, 0x54, 0x50, 0x00],
    ]);
    let (trace, mut w) = run(&Program::new(code));
    let i = w
        .rws
        .iter()
        .position(|rw| rw.tag == RwTag::Storage && rw.is_write)
        .expect("SSTORE");
    w.rws[i].value = U256::from(2);
    assert!(replay_check(&trace, &w).is_err());
    let (trace, mut w) = run(&Program::new(asm(&[&[0x60, 0x01, 0x60, 0x00, 0x55, 0x00]])));
    let i = w
        .rws
        .iter()
        .position(|rw| rw.tag == RwTag::Storage && rw.is_write)
        .expect("SSTORE");
    w.rws[i].committed_value = U256::from(3);
    assert!(replay_check(&trace, &w).is_err());
}

#[test]
fn dup_and_swap_on_a_short_stack_are_underflows() {
    // PUSH1 1, DUP2: two items needed, one present (revm says StackOverflow).
    for code in [vec![0x60, 0x01, 0x81], vec![0x60, 0x01, 0x91]] {
        let (_, w) = run(&Program::new(code.clone()));
        assert!(
            states(&w).contains(&ExecutionState::ErrorStackUnderflow),
            "{code:02x?}: {:?}",
            states(&w)
        );
        assert!(!states(&w).contains(&ExecutionState::ErrorStackOverflow));
    }
}

/// Every copy event covers exactly its byte accesses: the memory reads of the source bytes
/// before `src_addr_end`, then one write per byte to a memory or log destination.
#[test]
fn copy_events_are_reads_then_writes() {
    use crate::witness::CopyDataType as K;
    let callee = asm(&[
        &[0x60, 0x06, 0x60, 0x01, 0x60, 0x00, 0x37], // CALLDATACOPY(0, 1, 6): past the end
        &[0x60, 0x06, 0x60, 0x00, 0xf3],             // RETURN(0, 6)
    ]);
    let caller = asm(&[
        &[0x60, 0x2a, 0x60, 0x00, 0x52],
        &call(CALLEE, 0, (0x1c, 4), (0x40, 6)),
        &[0x50, 0x60, 0x04, 0x60, 0x01, 0x60, 0x60, 0x3e], // RETURNDATACOPY(0x60, 1, 4)
        &[0x60, 0x11, 0x60, 0x04, 0x60, 0x40, 0xa1],       // LOG1(0x40, 4, 0x11)
        &[0x60, 0x05, 0x60, 0x00, 0x20, 0x50, 0x00],       // KECCAK256(0, 5)
    ]);
    let (_, w) = run(&Program::new(caller).with_account(CALLEE, callee));
    assert_eq!(w.copy_events.len(), 5);
    for e in &w.copy_events {
        let reads = if e.src_type == K::Memory {
            (e.src_addr..e.src_addr_end).take(e.bytes.len()).count()
        } else {
            0
        };
        let writes = if matches!(e.dst_type, K::Memory | K::TxLog) {
            e.bytes.len()
        } else {
            0
        };
        assert_eq!(e.rw_count as usize, reads + writes, "{e:?}");
        let start = e.rw_counter_start as usize - 1;
        let rws = &w.rws[start..start + reads + writes];
        for (i, rw) in rws[..reads].iter().enumerate() {
            assert!(!rw.is_write && rw.tag == RwTag::Memory);
            assert_eq!(
                (rw.id, rw.key),
                (e.src_id, U256::from(e.src_addr + i as u64))
            );
            assert_eq!(rw.value, U256::from(e.bytes[i]));
        }
        for (rw, byte) in rws[reads..].iter().zip(&e.bytes) {
            assert!(rw.is_write && matches!(rw.tag, RwTag::Memory | RwTag::TxLog));
            assert_eq!(rw.value, U256::from(*byte));
        }
    }
}

/// EXTCODESIZE and EXTCODECOPY register the code they read, the empty code of an account
/// without code included, so that the bytecode table holds its length; EXTCODECOPY's event
/// names that code and starts at `min(offset, length)`.
#[test]
fn extcode_reads_register_the_account_s_code() {
    use crate::witness::CopyDataType as K;
    let missing = address!("0000000000000000000000000000000000001234");
    let size_of = |a: Address| asm(&[&push_addr(a), &[0x3b, 0x50]]);
    // EXTCODECOPY(address, dst 0, off 2, size 5)
    let copy_of = |a: Address| {
        asm(&[
            &[0x60, 0x05, 0x60, 0x02, 0x60, 0x00],
            &push_addr(a),
            &[0x3c],
        ])
    };
    let callee = vec![0x5b, 0x5b, 0x5b, 0x00];
    let (_, w) = run(&Program::new(size_of(missing)));
    let empty: &[u8] = &[];
    assert!(w.bytecodes.iter().any(|b| b.bytes.as_ref() == empty));
    let (_, w) = run(&Program::new(asm(&[&copy_of(CALLEE), &[0x00]])).with_account(CALLEE, callee));
    let e = &w.copy_events[0];
    assert_eq!(
        (e.src_type, e.src_addr, e.src_addr_end),
        (K::Bytecode, 2, 4)
    );
    assert_eq!(e.bytes, vec![0x5b, 0x00, 0, 0, 0]);
    let code = &w.bytecodes[e.src_id as usize];
    assert_eq!(code.bytes.as_ref(), [0x5b, 0x5b, 0x5b, 0x00]);
    let (_, w) = run(&Program::new(asm(&[&copy_of(missing), &[0x00]])));
    let e = &w.copy_events[0];
    assert_eq!((e.src_addr, e.src_addr_end), (0, 0));
    assert!(w.bytecodes[e.src_id as usize].bytes.is_empty());
}

/// The `RwCounterEndOfReversion` written for each call, by call id.
fn ends_of_reversion(w: &Witness) -> Vec<(u64, u64)> {
    w.rws
        .iter()
        .filter(|rw| {
            rw.is_write
                && rw.field
                    == RwField::CallContext(crate::CallContextField::RwCounterEndOfReversion)
        })
        .map(|rw| (rw.id, rw.value.to::<u64>()))
        .collect()
}

/// The undo of a storage write of `slot` restoring `value`, at counter `counter`.
fn assert_storage_undo(w: &Witness, counter: u64, slot: u64, value: u64) {
    let rw = &w.rws[(counter - 1) as usize];
    assert_eq!(rw.rw_counter, counter);
    assert!(rw.is_write && rw.tag == RwTag::Storage, "{rw:?}");
    assert_eq!((rw.key, rw.value), (U256::from(slot), U256::from(value)));
}

#[test]
fn a_successful_callee_of_a_failing_call_undoes_below_its_caller() {
    let callee = asm(&[&[0x60, 0x02, 0x60, 0x01, 0x55], &[0x00]]); // SSTORE(1, 2) STOP
    let caller = asm(&[
        &[0x60, 0x01, 0x5f, 0x55], // SSTORE(0, 1): four writes
        &call(CALLEE, 0, (0, 0), (0, 0)),
        &[0x5f, 0x5f, 0xfd], // REVERT(0, 0)
    ]);
    let (trace, w) = run(&Program::new(caller).with_account(CALLEE, callee));
    assert!(trace.txs[0].calls[1].success && !trace.txs[0].calls[0].success);
    let ends = ends_of_reversion(&w);
    let [(root, root_end), (child, child_end)] = ends[..] else {
        panic!("{ends:?}");
    };
    assert!(root < child);
    // The root made 5 reversible writes before the call: the SSTORE's 4 (slot, warm mark,
    // refund, slot count) and the callee's warm mark. The callee's undos sit just below
    // those of these 5.
    assert_eq!(child_end, root_end - 5);
    assert_storage_undo(&w, root_end, 0, 0);
    assert_storage_undo(&w, child_end, 1, 0);
    // Every counter of the run is one undo: the 5 + the callee's 4.
    let revert = w
        .steps
        .iter()
        .rev()
        .find(|s| s.execution_state == ExecutionState::ReturnRevert)
        .expect("the root reverts");
    assert_eq!(revert.reversible_write_counter, 9);
    assert_eq!(revert.rw_counter + 3 + 9 - 1, root_end);
}

#[test]
fn a_failing_callee_of_a_persisting_call_ends_its_own_undos() {
    let callee = asm(&[&[0x60, 0x02, 0x60, 0x01, 0x55], &[0x5f, 0x5f, 0xfd]]); // SSTORE REVERT
    let caller = asm(&[&call(CALLEE, 0, (0, 0), (0, 0)), &[0x00]]);
    let (trace, w) = run(&Program::new(caller).with_account(CALLEE, callee));
    assert!(!trace.txs[0].calls[1].success && trace.txs[0].calls[0].success);
    let ends = ends_of_reversion(&w);
    let [(_, root_end), (_, child_end)] = ends[..] else {
        panic!("{ends:?}");
    };
    assert_eq!(root_end, 0, "a persisting call undoes nothing");
    assert_storage_undo(&w, child_end, 1, 0);
    let revert = w
        .steps
        .iter()
        .find(|s| s.execution_state == ExecutionState::ReturnRevert)
        .expect("the callee reverts");
    // Offset and size, IsSuccess, CallerId, 10 caller reads, 3 last-callee writes, the
    // callee's return area (2 reads; it returns no bytes, so nothing is copied): then the
    // undo run ends the step.
    let own = 2 + 1 + 1 + 10 + 3 + 2;
    assert_eq!(
        revert.rw_counter + own + revert.reversible_write_counter - 1,
        child_end
    );
    assert_eq!(revert.rw_count, own + revert.reversible_write_counter);
}
