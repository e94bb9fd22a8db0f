//! Blocks of several transactions: each sees the state the previous one left, and the
//! witness of the whole block replays.

use equivm_trace::{
    program::{Program, CONTRACT},
    revm::primitives::U256,
    TxStatus,
};
use equivm_witness::{build_witness, replay_check, ExecutionState};

/// `slot0 += 1` then STOP: PUSH1 0 SLOAD PUSH1 1 ADD PUSH1 0 SSTORE STOP.
const COUNTER: [u8; 10] = [0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00];

#[test]
fn three_transactions_see_each_others_writes() {
    let traced = Program::new(COUNTER.to_vec()).trace_repeated(3);
    let trace = &traced.trace;
    assert_eq!(trace.txs.len(), 3);
    for (i, tx) in trace.txs.iter().enumerate() {
        assert_eq!(tx.result.status, TxStatus::Success, "tx {i}");
        let sload = tx.steps.iter().find(|s| s.opcode == 0x54).expect("SLOAD");
        assert_eq!(
            sload.stack_out,
            vec![U256::from(i)],
            "tx {i} reads the previous count"
        );
    }
    let post = trace.post_state[&CONTRACT].as_ref().expect("contract");
    assert_eq!(post.storage[&U256::ZERO], U256::from(3));
    assert_eq!(trace.pre_state[&CONTRACT].storage[&U256::ZERO], U256::ZERO);

    let witness = build_witness(trace).expect("witness");
    let begins = witness
        .steps
        .iter()
        .filter(|s| s.execution_state == ExecutionState::BeginTx)
        .count();
    assert_eq!(begins, 3);
    replay_check(trace, &witness).expect("the block's rw log replays");
}

#[test]
fn a_tampered_storage_write_in_a_later_transaction_is_caught() {
    let traced = Program::new(COUNTER.to_vec()).trace_repeated(2);
    let mut witness = build_witness(&traced.trace).expect("witness");
    let last_store = witness
        .rws
        .iter()
        .rposition(|rw| rw.is_write && rw.tag == equivm_witness::RwTag::Storage)
        .expect("a storage write");
    witness.rws[last_store].value = U256::from(7);
    assert!(replay_check(&traced.trace, &witness).is_err());
}

#[test]
fn the_readme_example_runs() {
    // PUSH1 2 PUSH1 3 ADD STOP, called in a Cancun block
    let traced = Program::new(vec![0x60, 0x02, 0x60, 0x03, 0x01, 0x00]).trace();
    let witness = build_witness(&traced.trace).expect("witness");
    replay_check(&traced.trace, &witness).expect("the rw log reproduces revm's execution");
}
