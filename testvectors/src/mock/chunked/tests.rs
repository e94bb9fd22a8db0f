//! A block above mock mode's limit passes as chunks; a tampered access fails its chunk; a
//! chain of another block does not stand for this one; a block that cannot be split stays
//! unsupported.

use super::*;
use crate::mock::{mock_check, too_big_for};
use equivm_circuits::super_circuit::chunk::{check_chain, plan};
use equivm_trace::program::Program;
use equivm_trace::revm::primitives::U256;

/// The block of [`storing_loop`](equivm_trace::program::storing_loop) with `rounds`
/// rounds, ending with `last` (STOP, or REVERT of nothing).
fn looping(rounds: u8, last: &[u8]) -> Witness {
    let code = equivm_trace::program::storing_loop(rounds, last);
    let traced = Program::new(code).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

const STOP: &[u8] = &[0x00];
const REVERT: &[u8] = &[0x60, 0x00, 0x80, 0xfd]; // PUSH1 0 DUP1 REVERT

/// The smallest `k` the super circuit has.
const K: u32 = equivm_circuits::super_circuit::MIN_K;

#[test]
fn a_block_above_the_limit_passes_as_chunks() {
    let w = looping(60, STOP);
    let needed = too_big_for(&w, K).expect("the loop needs more than the smallest k");
    assert_eq!(too_big_for(&w, needed), None, "it fits k = {needed}");
    let verdict = chunked_verdict(&w, needed, K, mock_check);
    assert_eq!(verdict.verdict, Verdict::Passed, "{:?}", verdict.reason);
    assert!(verdict.chunks >= 2, "{} chunks", verdict.chunks);
}

#[test]
fn a_tampered_access_fails_its_chunk() {
    let mut w = looping(60, STOP);
    let needed = too_big_for(&w, K).expect("too big");
    // A stack write two thirds into the block: the counter's value after a SUB.
    let at = w.rws.len() * 2 / 3;
    let write = (at..w.rws.len())
        .find(|i| w.rws[*i].tag == equivm_witness::RwTag::Stack && w.rws[*i].is_write)
        .expect("a stack write");
    w.rws[write].value += U256::from(1);
    let verdict = chunked_verdict(&w, needed, K, mock_check);
    assert_eq!(verdict.verdict, Verdict::Failed);
    let reason = verdict.reason.unwrap_or_default();
    assert!(reason.starts_with("chunk "), "{reason}");
    assert!(
        !reason.starts_with("chunk 1 of"),
        "a later chunk fails: {reason}"
    );
}

#[test]
fn a_chain_of_another_block_does_not_stand_for_this_one() {
    let w = looping(40, STOP);
    let ranges = plan(&w, SuperCircuitParams::new(K)).expect("a plan");
    assert!(ranges.len() >= 2, "{ranges:?}");
    let instances: Vec<_> = ranges
        .iter()
        .map(|r| {
            SuperCircuit::chunk(w.clone(), r.clone(), None, KeccakShape::WIDE)
                .expect("a chunk")
                .instance()
                .expect("public inputs")
        })
        .collect();
    let summary = check_chain(&instances).expect("the chunks join");
    assert_eq!(matches_block(summary.clone(), &w), Ok(()));
    // One round more: another contract code, so another code hash to start from.
    let other = looping(41, STOP);
    assert_eq!(
        matches_block(summary.clone(), &other),
        Err("start from other initial values than the block's")
    );
    // A result changed: the sender's balance, say.
    let mut forged = summary;
    let row = forged
        .post
        .iter_mut()
        .find(|r| r[0] == Fr::from(equivm_witness::RwTag::Account as u64))
        .expect("an account result");
    row[7] += Fr::one();
    assert_eq!(
        matches_block(forged, &w),
        Err("end in other results than the block's")
    );
}

#[test]
fn a_block_that_reverts_its_writes_cannot_be_split() {
    // Every SSTORE is undone by the final REVERT, at counters after the last step: no
    // chunk could hold the undo of a write made in an earlier one.
    let w = looping(60, REVERT);
    let needed = too_big_for(&w, K).expect("too big");
    let verdict = chunked_verdict(&w, needed, K, |_| panic!("nothing is checked"));
    assert_eq!(verdict.verdict, Verdict::Unsupported);
    assert_eq!(verdict.chunks, 0);
    let reason = verdict.reason.unwrap_or_default();
    assert!(reason.contains("cannot be split"), "{reason}");
}

/// The chunks of [`looping`]'s block at the smallest `k`.
fn chunks_of(w: &Witness) -> Vec<SuperCircuit> {
    let ranges = plan(w, SuperCircuitParams::new(K)).expect("a plan");
    assert!(ranges.len() >= 2, "{ranges:?}");
    ranges
        .iter()
        .map(|r| {
            SuperCircuit::chunk(w.clone(), r.clone(), None, KeccakShape::WIDE).expect("a chunk")
        })
        .collect()
}

#[test]
fn every_mutant_of_every_chunk_is_rejected() {
    let w = looping(40, STOP);
    for (i, chunk) in chunks_of(&w).iter().enumerate() {
        assert_eq!(mock_check(chunk), Ok(()), "chunk {i}");
        let counts = crate::tamper::run_mutants(chunk, 12, 7, |m| {
            crate::mock::mock_check_from_pre_state(m, chunk)
        });
        assert_eq!(counts.survived, 0, "chunk {i}: {:?}", counts.survivors);
        assert!(counts.killed >= 8, "chunk {i}: {counts:?}");
    }
}

#[test]
fn a_changed_boundary_row_is_rejected_against_the_honest_pre_state() {
    let w = looping(40, STOP);
    let chunks = chunks_of(&w);
    let later = &chunks[1];
    for tag in [equivm_witness::RwTag::Stack, equivm_witness::RwTag::Storage] {
        let at = later
            .state_rows
            .iter()
            .position(|r| r.rw_counter == 0 && r.tag == tag)
            .expect("a boundary row of the tag");
        let mut forged = later.clone();
        forged.state_rows[at].value += U256::from(1);
        forged.state_rows[at].value_prev = forged.state_rows[at].value;
        let verdict = crate::mock::mock_check_from_pre_state(&forged, later);
        assert!(verdict.is_err(), "{tag:?}: {verdict:?}");
    }
}
