//! Tests of the EVM circuit as a whole: layout, unsupported states, slices of a real run,
//! and the stats report.

use super::{
    assign::Override,
    execution::test_util::{assert_rejected, nth_step, slice, verify, verify_block, witness_of, K},
    stats::stats,
    EvmCircuit,
};
use equivm_witness::ExecutionState;
use halo2_proofs::dev::MockProver;
use halo2curves::bn256::Fr;

/// PUSH1 2 PUSH1 3 ADD DUP1 SWAP1 POP JUMPDEST STOP.
fn program() -> equivm_witness::Witness {
    witness_of(vec![0x60, 2, 0x60, 3, 0x01, 0x80, 0x90, 0x50, 0x5b, 0x00])
}

/// Every opcode step of the program, then EndTx and EndBlock, as one slice.
fn opcode_slice() -> EvmCircuit {
    let w = program();
    let first = nth_step(&w, ExecutionState::Push, 0);
    let stop = nth_step(&w, ExecutionState::Stop, 0);
    slice(&w, first..stop + 3)
}

#[test]
fn a_whole_opcode_run_passes() {
    assert_eq!(verify(&opcode_slice(), vec![]), Ok(()));
}

#[test]
fn a_full_block_passes() {
    let w = program();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    let all = slice(&w, 0..w.steps.len());
    assert_eq!(
        all.witness.steps[0].execution_state,
        ExecutionState::BeginTx
    );
    assert_eq!(verify(&all, vec![]), Ok(()));
}

#[test]
fn a_transaction_runs_its_code_to_the_end() {
    let w = program();
    assert_eq!(verify_block(&w, vec![]), Ok(()));
    // EndTx (or another BeginTx) right after BeginTx, after ADD or after JUMPDEST would end
    // the transaction before its code did.
    let all = slice(&w, 0..w.steps.len());
    for (before, name) in [
        (ExecutionState::BeginTx, "BEGIN_TX"),
        (ExecutionState::AddSub, "ADD_SUB"),
        (ExecutionState::Jumpdest, "JUMPDEST"),
    ] {
        let next = nth_step(&w, before, 0) + 1;
        for state in [
            ExecutionState::EndTx,
            ExecutionState::BeginTx,
            ExecutionState::BeginTxCreate,
        ] {
            let o = Override::ExecutionState { step: next, state };
            assert_rejected(
                verify(&all, vec![o]),
                &format!("{name}: next state is not a transaction boundary or a precompile's"),
            );
        }
    }
    // The same in a whole block.
    let o = Override::ExecutionState {
        step: nth_step(&w, ExecutionState::AddSub, 0) + 1,
        state: ExecutionState::EndTx,
    };
    assert!(verify_block(&w, vec![o]).is_err());
}

/// CALL(gas, 2, 0, 0, 0, 0, 0), then STOP: a call to the SHA-256 precompile.
pub(crate) const CALL_TO_SHA256: [u8; 10] =
    [0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x60, 0x02, 0x5a, 0xf1, 0x00];

#[test]
fn a_block_with_an_unsupported_step_is_refused() {
    // SHA-256 has no gadget yet: the call and the precompile's step are reported, and the
    // circuit will not assign them.
    let w = witness_of(CALL_TO_SHA256.to_vec());
    assert_eq!(
        EvmCircuit::unsupported_steps(&w),
        vec![
            (ExecutionState::Call, Some(0xf1)),
            (ExecutionState::PrecompileSha256, None)
        ]
    );
    let circuit = EvmCircuit::new(w, 1 << 10);
    assert!(MockProver::run(K, &circuit, circuit.instance()).is_err());
}

#[test]
fn an_unsupported_state_cannot_be_selected() {
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::ErrorPrecompileFailed,
    };
    assert_rejected(
        verify(&opcode_slice(), vec![o]),
        "STEP: state ErrorPrecompileFailed has no gadget",
    );
}

#[test]
fn rows_left_fixes_where_the_next_step_starts() {
    // Claim that the first PUSH is 1 row shorter than its height.
    let c = opcode_slice();
    let mut meta = halo2_proofs::plonk::ConstraintSystem::<Fr>::default();
    let config = <EvmCircuit as halo2_proofs::plonk::Circuit<Fr>>::configure(&mut meta);
    let h = config.layout(ExecutionState::Push).expect("push").height as u64;
    let o = Override::Cell {
        step: 0,
        column: config.columns.step.rows_left,
        rotation: 0,
        value: Fr::from(h - 2),
    };
    assert_rejected(verify(&c, vec![o]), "STEP: rows_left = height(state) - 1");
}

#[test]
fn the_first_state_is_the_public_input() {
    let c = opcode_slice();
    let o = Override::StepState {
        step: 0,
        field: "gas_left",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "STEP: first step gas_left = public input 8",
    );
}

#[test]
fn stats_report_every_gadget() {
    let s = stats();
    let names: Vec<&str> = s.states.iter().map(|x| x.state.as_str()).collect();
    for state in [
        "EndBlock", "Padding", "Stop", "Push", "Pop", "Dup", "Swap", "Jumpdest", "AddSub",
        "Bitwise", "Shift", "Sar",
    ] {
        assert!(names.contains(&state), "{state} missing from {names:?}");
    }
    let add = s
        .states
        .iter()
        .find(|x| x.state == "AddSub")
        .expect("AddSub");
    assert_eq!(add.rw_lookups, 3);
    assert!(add.byte_cells >= 32);
    let push = s.states.iter().find(|x| x.state == "Push").expect("Push");
    assert_eq!(push.bytecode_lookups, 32);
    let bitwise = s
        .states
        .iter()
        .find(|x| x.state == "Bitwise")
        .expect("Bitwise");
    assert_eq!(bitwise.fixed_lookups, 64);
    assert_eq!(bitwise.height, 64 / s.fixed_lanes);
    assert!(s.advice_columns > s.evm_advice_columns);
    assert_eq!(s.num_states, 113);
    assert!(
        s.degree <= 5,
        "degree {} above halo2-axiom's default MAX_DEGREE",
        s.degree
    );
    let json = serde_json::to_string(&s).expect("serializes");
    let back: super::stats::EvmStats = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, s);
}

#[test]
fn configuring_fits_a_small_thread_stack() {
    // Worker threads (rayon's, the test harness's) have 2 MiB stacks; the gadgets are boxed
    // so that configuring the whole super circuit needs far less.
    let done = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let mut meta = halo2_proofs::plonk::ConstraintSystem::<Fr>::default();
            <crate::super_circuit::SuperCircuit as halo2_proofs::plonk::Circuit<Fr>>::configure(
                &mut meta,
            );
        })
        .expect("spawn")
        .join();
    assert!(done.is_ok());
}
