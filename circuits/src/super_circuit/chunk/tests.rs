//! Chunks: a real block split in three passes chunk by chunk and joins as a chain, to the
//! whole block's results; chunks out of order, missing or forged do not.

use super::*;
use crate::super_circuit::public_inputs::FIRST_STATE_COLUMN;
use equivm_trace::program::Program;

/// A loop of three rounds, each storing its counter in memory and in storage slot 1: every
/// kind of cell (stack, memory, storage, call context, accounts) crosses a chunk boundary.
fn looping_block() -> Witness {
    looping(3)
}

/// The loop of [`looping_block`] with `rounds` rounds.
fn looping(rounds: u8) -> Witness {
    let code = equivm_trace::program::storing_loop(rounds, &[0x00]); // ... STOP
    let traced = Program::new(code).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn verify(c: &SuperCircuit) -> Result<(), Vec<String>> {
    verify_with(c, c.instance().expect("public inputs"))
}

fn verify_with(c: &SuperCircuit, instance: Vec<Vec<Fr>>) -> Result<(), Vec<String>> {
    crate::check::mock_check(c.params.k, c, instance).expect("synthesis succeeds")
}

fn chunks_of(w: &Witness, n: usize) -> Vec<SuperCircuit> {
    let ranges = split_evenly(w, n);
    assert_eq!(ranges.len(), n, "{n} chunks at {:?}", split_points(w));
    let k = ranges
        .iter()
        .map(|r| {
            SuperCircuit::chunk(w.clone(), r.clone(), None, KeccakShape::WIDE)
                .expect("a chunk")
                .params
                .k
        })
        .max()
        .expect("chunks");
    SuperCircuit::chunks(w, &ranges, k, KeccakShape::WIDE).expect("chunks")
}

fn instances(chunks: &[SuperCircuit]) -> Vec<Vec<Vec<Fr>>> {
    chunks
        .iter()
        .map(|c| c.instance().expect("public inputs"))
        .collect()
}

/// The (cell, value) pairs of public state rows: the columns a verifier compares.
fn cells_and_values(rows: Vec<Vec<Fr>>) -> Vec<Vec<Fr>> {
    let mut v: Vec<Vec<Fr>> = rows
        .into_iter()
        .map(|r| {
            let mut r = r;
            r[1] = Fr::zero();
            r.truncate(9);
            r
        })
        .collect();
    v.sort_by_key(|r| r.iter().map(|f| f.to_repr()).collect::<Vec<_>>());
    v
}

#[test]
fn a_block_proved_in_three_chunks_joins_to_the_whole_block() {
    let w = looping_block();
    let chunks = chunks_of(&w, 3);
    for (i, c) in chunks.iter().enumerate() {
        assert_eq!(verify(c), Ok(()), "chunk {i} ({:?})", c.steps);
        let boundary = c.state_rows.iter().filter(|r| r.rw_counter == 0).count();
        assert_eq!(boundary > 0, i > 0, "boundary rows in chunk {i}");
    }
    let summary = check_chain(&instances(&chunks)).expect("the chunks join");
    assert_eq!(summary.chunks, 3);
    // The chain's results and initial values are the whole block's.
    let whole = SuperCircuit::new(w, None).expect("the whole block");
    let public = whole.public_inputs().expect("public inputs");
    let rows = |r: &[crate::state::public::PublicStateRow<Fr>]| -> Vec<Vec<Fr>> {
        r.iter().map(|r| r.to_vec()).collect()
    };
    assert_eq!(
        cells_and_values(summary.post),
        cells_and_values(rows(&public.post))
    );
    assert_eq!(
        cells_and_values(summary.pre),
        cells_and_values(rows(&public.pre))
    );
    // A whole block is a chain of one.
    assert!(check_chain(&[whole.instance().expect("public inputs")]).is_ok());
}

#[test]
fn chunks_reordered_dropped_or_repeated_do_not_join() {
    let w = looping_block();
    let all = instances(&chunks_of(&w, 3));
    let refused = |order: &[usize]| {
        let chain: Vec<_> = order.iter().map(|i| all[*i].clone()).collect();
        check_chain(&chain).expect_err("not a chain")
    };
    assert!(refused(&[1, 0, 2]).contains("chunk 0"));
    assert!(refused(&[0, 2, 1]).contains("chunk 1"));
    assert!(refused(&[0, 2]).contains("does not start in the state"));
    assert!(refused(&[0, 1]).contains("does not end the block"));
    assert!(refused(&[0, 1, 1, 2]).contains("chunk 2"));
    assert!(refused(&[1, 2]).contains("chunk 0"));
}

#[test]
fn a_pre_state_other_than_the_chain_left_is_refused() {
    let w = looping_block();
    let mut all = instances(&chunks_of(&w, 3));
    // A value in the second chunk's pre-state that the first did not leave.
    let value_lo = PRE_STATE_COLUMNS.start + 7;
    let row = all[1][value_lo]
        .iter()
        .position(|v| *v != Fr::zero())
        .expect("a non-zero pre-state value");
    all[1][value_lo][row] += Fr::one();
    let e = check_chain(&all).expect_err("a forged pre-state");
    assert!(e.contains("chunk 1"), "{e}");
}

#[test]
fn the_handed_over_state_and_flags_are_bound() {
    let w = looping_block();
    let chunks = chunks_of(&w, 3);
    let c = &chunks[1];
    let honest = c.instance().expect("public inputs");
    for (column, row, what) in [
        (LAST_STATE_COLUMN, 0, "last rw_counter"),
        (LAST_STATE_COLUMN, 7, "last stack pointer"),
        (FIRST_STATE_COLUMN, 0, "first rw_counter"),
        (SUMMARY_COLUMN, 1, "starts the block"),
        (SUMMARY_COLUMN, 2, "ends the block"),
    ] {
        let mut forged = honest.clone();
        forged[column][row] += Fr::one();
        assert!(
            verify_with(c, forged).is_err(),
            "a forged {what} is refused"
        );
    }
}

#[test]
fn a_chunk_cannot_end_after_a_step_that_constrains_its_successor() {
    let w = looping_block();
    let layouts = crate::evm::stats::layouts();
    let ends = |s: ExecutionState| {
        layouts
            .iter()
            .find(|(st, _, _)| *st == s)
            .is_some_and(|l| l.2.ends_chunk)
    };
    let i = (1..w.steps.len() - 1)
        .find(|&i| !ends(w.steps[i].execution_state) && w.steps[i].opcode.is_some())
        .expect("an opcode step no chunk may end after");
    let c = SuperCircuit::chunk(w.clone(), 0..i + 1, None, KeccakShape::WIDE).expect("a chunk");
    let texts = verify(&c).expect_err("refused");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("a chunk does not end here")),
        "{texts:#?}"
    );
    assert!(!split_points(&w).contains(&(i + 1)));
}

#[test]
fn a_chunk_whose_undo_lies_beyond_it_cannot_be_split_off() {
    // A reverted call's writes are undone at its end: no split point inside it.
    let code = vec![
        0x60, 0x01, 0x60, 0x01, 0x55, // SSTORE(1, 1)
        0x60, 0x02, 0x60, 0x02, 0x55, // SSTORE(2, 2)
        0x60, 0x00, 0x60, 0x00, 0xfd, // REVERT(0, 0)
    ];
    let traced = Program::new(code).trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let first_sstore = w
        .steps
        .iter()
        .position(|s| s.opcode == Some(0x55))
        .expect("an SSTORE");
    assert!(
        split_points(&w).iter().all(|p| *p <= first_sstore),
        "{:?}",
        split_points(&w)
    );
}

#[test]
fn a_block_too_big_for_k_is_planned_as_chunks_that_fit() {
    let w = looping(60);
    let params = SuperCircuitParams::new(crate::super_circuit::MIN_K);
    let whole = SuperCircuit::new(w.clone(), None).expect("the whole block");
    assert!(
        whole.params.k > params.k,
        "the block needs k = {}",
        whole.params.k
    );
    assert!(matches!(
        SuperCircuit::new(w.clone(), Some(params.k)),
        Err(SuperCircuitError::TooBig { .. })
    ));
    let ranges = plan(&w, params).expect("a plan");
    assert!(ranges.len() >= 2, "{ranges:?}");
    let chunks = SuperCircuit::chunks(&w, &ranges, params.k, params.keccak).expect("chunks fit");
    for (i, c) in chunks.iter().enumerate() {
        assert_eq!(verify(c), Ok(()), "chunk {i} ({:?})", c.steps);
    }
    check_chain(&instances(&chunks)).expect("the chunks join");
    // At the block's own k, one chunk.
    assert_eq!(
        plan(&w, whole.params).expect("a plan"),
        vec![0..w.steps.len()]
    );
}
