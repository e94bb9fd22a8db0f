//! Replay tests on a hand-built trace (PUSH1 2, PUSH1 3, ADD, STOP): the honest witness
//! passes; a tampered rw value, a missing rw, and a wrong stack value in the trace fail.

use crate::rw::RwTag;
use crate::{build_witness, replay_check, ReplayError, Witness};
use equivm_trace::revm::primitives::{address, keccak256, Address, Bytes, U256};
use equivm_trace::{
    AccountState, BlockTrace, CallFrame, CallKind, Step, TxInfo, TxResult, TxStatus, TxTrace,
};

const SENDER: Address = address!("00000000000000000000000000000000000000aa");
const CONTRACT: Address = address!("00000000000000000000000000000000000000c0");

fn step(
    pc: u32,
    opcode: u8,
    gas: u64,
    cost: u64,
    stack_in: Vec<u64>,
    stack_out: Vec<u64>,
    len: u16,
) -> Step {
    Step {
        call_id: 0,
        pc,
        opcode,
        gas,
        gas_cost: cost,
        stack_len: len,
        stack_in: stack_in.into_iter().map(U256::from).collect(),
        stack_out: stack_out.into_iter().map(U256::from).collect(),
        ..Step::default()
    }
}

/// A hand-built trace of `PUSH1 2 PUSH1 3 ADD STOP` called with gas limit 100,000.
pub(crate) fn add_trace() -> BlockTrace {
    let code = Bytes::from(vec![0x60, 0x02, 0x60, 0x03, 0x01, 0x00]);
    let mut trace = BlockTrace::default();
    trace.pre_state.insert(
        SENDER,
        AccountState {
            balance: U256::from(10u64.pow(18)),
            code_hash: keccak256([]),
            ..AccountState::default()
        },
    );
    trace.pre_state.insert(
        CONTRACT,
        AccountState {
            code_hash: keccak256(&code),
            code,
            ..AccountState::default()
        },
    );
    let gas = 100_000 - 21_000;
    let steps = vec![
        step(0, 0x60, gas, 3, vec![], vec![2], 0),
        step(2, 0x60, gas - 3, 3, vec![], vec![3], 1),
        step(4, 0x01, gas - 6, 3, vec![3, 2], vec![5], 2),
        step(5, 0x00, gas - 9, 0, vec![], vec![], 1),
    ];
    let root = CallFrame {
        id: 0,
        parent: None,
        depth: 0,
        kind: CallKind::Call,
        caller: SENDER,
        address: CONTRACT,
        code_address: CONTRACT,
        value: U256::ZERO,
        transfers_value: true,
        input: Bytes::new(),
        is_static: false,
        gas_limit: gas,
        is_precompile: false,
        return_memory: (0, 0),
        success: true,
        end_reason: "Stop".into(),
        return_data: Bytes::new(),
        gas_used: 9,
        created_address: None,
        first_step: 0,
    };
    trace.txs.push(TxTrace {
        tx: TxInfo {
            caller: SENDER,
            to: Some(CONTRACT),
            gas_limit: 100_000,
            gas_price: 1,
            effective_gas_price: 1,
            ..TxInfo::default()
        },
        result: TxResult {
            status: TxStatus::Success,
            gas_used: 21_009,
            gas_refunded: 0,
            output: Bytes::new(),
            logs: vec![],
            created_address: None,
        },
        calls: vec![root],
        steps,
    });
    trace
}

fn honest() -> (BlockTrace, Witness) {
    let trace = add_trace();
    let witness = build_witness(&trace).expect("hand-built trace builds");
    replay_check(&trace, &witness).expect("honest witness replays");
    (trace, witness)
}

fn add_write_index(w: &Witness) -> usize {
    let add = w
        .steps
        .iter()
        .find(|s| s.opcode == Some(0x01))
        .expect("ADD step");
    (add.rw_counter + add.rw_count - 2) as usize
}

#[test]
fn honest_witness_passes_with_stats() {
    let (trace, w) = honest();
    let stats = replay_check(&trace, &w).expect("replays");
    assert_eq!(stats.steps, w.steps.len());
    assert_eq!(stats.rws_by_tag.get(&RwTag::Stack), Some(&5));
}

#[test]
fn tampered_rw_value_fails() {
    let (trace, mut w) = honest();
    let i = add_write_index(&w);
    assert!(w.rws[i].is_write && w.rws[i].tag == RwTag::Stack);
    w.rws[i].value = U256::from(6);
    let err = replay_check(&trace, &w).expect_err("tampered push is rejected");
    assert!(matches!(err, ReplayError::Mismatch { .. }), "{err}");
}

#[test]
fn tampered_read_fails() {
    let (trace, mut w) = honest();
    let add = w
        .steps
        .iter()
        .find(|s| s.opcode == Some(0x01))
        .expect("ADD step")
        .clone();
    w.rws[(add.rw_counter - 1) as usize].value = U256::from(4);
    let err = replay_check(&trace, &w).expect_err("tampered read is rejected");
    assert!(err.to_string().contains("Stack read"), "{err}");
}

#[test]
fn missing_rw_fails() {
    // Drop the ADD's push and renumber, so that the log is well-formed but incomplete.
    let (trace, mut w) = honest();
    let i = add_write_index(&w);
    w.rws.remove(i);
    for (k, rw) in w.rws.iter_mut().enumerate() {
        rw.rw_counter = k as u64 + 1;
    }
    let mut seen = false;
    for s in &mut w.steps {
        if seen {
            s.rw_counter -= 1;
        }
        if s.opcode == Some(0x01) {
            s.rw_count -= 1;
            seen = true;
        }
    }
    let err = replay_check(&trace, &w).expect_err("missing push is rejected");
    assert!(err.to_string().contains("after the step"), "{err}");
    // Without renumbering, the counter gap itself is rejected.
    let (trace, mut w) = honest();
    w.rws.remove(3);
    assert!(matches!(
        replay_check(&trace, &w),
        Err(ReplayError::Malformed(_))
    ));
}

#[test]
fn wrong_stack_value_in_trace_fails() {
    let (mut trace, w) = honest();
    trace.txs[0].steps[2].stack_in[0] = U256::from(9);
    assert!(replay_check(&trace, &w).is_err());
    let (mut trace, w) = honest();
    trace.txs[0].steps[2].stack_out[0] = U256::from(9);
    assert!(replay_check(&trace, &w).is_err());
}

#[test]
fn wrong_post_state_fails() {
    let (mut trace, w) = honest();
    trace.post_state.insert(
        CONTRACT,
        Some(AccountState {
            nonce: 7,
            ..AccountState::default()
        }),
    );
    assert!(matches!(
        replay_check(&trace, &w),
        Err(ReplayError::PostState { .. })
    ));
}

#[test]
fn unsupported_halt_is_an_error_not_a_panic() {
    let mut trace = add_trace();
    trace.txs[0].steps[3].halt = Some("NoSuchResult".into());
    assert!(matches!(
        build_witness(&trace),
        Err(crate::WitnessError::UnknownHalt { .. })
    ));
}
