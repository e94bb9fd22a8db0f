//! Super circuit tests: whole blocks pass; tampering with either circuit is rejected.

use super::public_inputs::check_block_start;
use super::*;
use equivm_trace::program::Program;
use equivm_witness::{ExecutionState, RwTag};

fn witness_of(code: Vec<u8>) -> Witness {
    let traced = Program::new(code).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// MSTORE, MLOAD, SSTORE, SLOAD: stack, memory, storage, accounts, receipts.
fn block() -> Witness {
    witness_of(vec![
        0x60, 0x2a, 0x60, 0x00, 0x52, // MSTORE(0, 42)
        0x60, 0x00, 0x51, // MLOAD(0)
        0x60, 0x01, 0x55, // SSTORE(1, mload)
        0x60, 0x01, 0x54, // SLOAD(1)
        0x50, 0x00, // POP STOP
    ])
}

/// MockProver's verdict (through [`crate::check::mock_check`]).
fn verify(c: &SuperCircuit) -> Result<(), Vec<String>> {
    crate::check::mock_check(c.params.k, c, c.instance().expect("public inputs"))
        .expect("synthesis succeeds")
}

fn assert_rejected(result: Result<(), Vec<String>>, needle: &str) {
    let texts = result.expect_err("tampered block is rejected");
    assert!(
        texts.iter().any(|t| t.contains(needle)),
        "no failure mentions {needle:?}: {texts:#?}"
    );
}

#[test]
fn a_block_passes_and_starts_at_its_first_step() {
    let c = SuperCircuit::new(block(), None).expect("supported");
    assert_eq!(c.params.k, MIN_K);
    assert_eq!(verify(&c), Ok(()));
    assert_eq!(
        check_block_start(&c.instance().expect("public inputs")),
        Ok(())
    );
}

#[test]
fn a_dropped_or_added_rw_is_rejected() {
    let mut c = SuperCircuit::new(block(), None).expect("supported");
    let i = c
        .state_rows
        .iter()
        .position(|r| r.tag == RwTag::Stack)
        .expect("stack");
    let dropped = c.state_rows.remove(i);
    assert!(verify(&c).is_err(), "a dropped rw is rejected");
    // Added: the same access twice under a counter the EVM never used.
    let mut c = SuperCircuit::new(block(), None).expect("supported");
    let mut extra = dropped;
    extra.rw_counter = c.witness.rws.len() as u64 + 1;
    let at = c
        .state_rows
        .iter()
        .position(|r| r.state_key() == extra.state_key() && r.rw_counter > extra.rw_counter)
        .unwrap_or(c.state_rows.len());
    let at = c.state_rows[..at]
        .iter()
        .rposition(|r| r.state_key() == extra.state_key())
        .map_or(at, |p| p + 1);
    c.state_rows.insert(at, extra);
    assert_rejected(
        verify(&c),
        "SUPER: the state circuit holds exactly the EVM's accesses",
    );
}

#[test]
fn a_changed_value_in_both_circuits_is_rejected() {
    // The EVM circuit and the state circuit both see the tampered read.
    let mut w = block();
    let i = w
        .rws
        .iter()
        .position(|r| r.tag == RwTag::Storage && !r.is_write)
        .expect("SLOAD's read");
    w.rws[i].value += equivm_trace::revm::primitives::U256::from(1);
    w.rws[i].value_prev = w.rws[i].value;
    let c = SuperCircuit::new(w, None).expect("supported");
    assert_rejected(verify(&c), "value_prev = the previous access's value");
}

/// The bytecode table is proved, not public: a code byte, an is_code mark or a code hash
/// changed in it is rejected.
#[test]
fn a_tampered_bytecode_row_is_rejected() {
    use crate::table::BytecodeFieldTag;
    let honest = SuperCircuit::new(block(), None).expect("supported");
    let byte = Fr::from(BytecodeFieldTag::Byte as u64);
    // PUSH1 0x2a: an opcode byte, then a push-data byte.
    let push = honest
        .bytecode_rows
        .iter()
        .position(|r| r.tag == byte && r.value == Fr::from(0x60))
        .expect("PUSH1");

    let mut c = honest.clone();
    c.bytecode_rows[push + 1].value = Fr::from(0x2b);
    assert_rejected(
        verify(&c),
        "BYTECODE: each code byte is the hashed input's byte",
    );

    let mut c = honest.clone();
    c.bytecode_rows[push + 1].is_code = Fr::one();
    assert!(verify(&c).is_err(), "push data marked as an opcode");

    let mut c = honest.clone();
    let hash = c.bytecode_rows[push].code_hash;
    for row in c.bytecode_rows.iter_mut().filter(|r| r.code_hash == hash) {
        row.code_hash.lo += Fr::one();
    }
    assert_rejected(
        verify(&c),
        "BYTECODE: the header's length is the hashed input's length",
    );
}

#[test]
fn padding_before_end_block_is_rejected() {
    let w = block();
    let c = SuperCircuit::new(w.clone(), None).expect("supported");
    let end = w
        .steps
        .iter()
        .position(|s| s.execution_state == ExecutionState::EndBlock)
        .expect("EndBlock");
    assert_eq!(end + 1, w.steps.len(), "EndBlock is the last step");
    let mut c = c;
    c.overrides.push(Override::ExecutionState {
        step: end,
        state: ExecutionState::Padding,
    });
    // A consistent cheat: block_ended stays 0 on every row from there on (EndBlock has
    // height 1, padding steps too).
    let rows = EvmCircuit::new(w, 0).rows_needed().expect("layout");
    let padding_steps = c.usable_rows() - (rows - 1);
    let block_ended = c.block_ended_column();
    for j in 0..=padding_steps {
        c.overrides.push(Override::Cell {
            step: end + j,
            column: block_ended,
            rotation: 0,
            value: Fr::zero(),
        });
    }
    // The public inputs say the block ends (EndBlock came): the EVM's flag must agree.
    assert_rejected(
        verify(&c),
        "SUPER: the steps end the block exactly when EndBlock came",
    );
    // Public inputs that say otherwise are not a block's.
    let mut instance = c.instance().expect("public inputs");
    instance[public_inputs::SUMMARY_COLUMN][2] = Fr::zero();
    assert!(check_block_start(&instance).is_err());
}

#[test]
fn the_public_inputs_are_bound() {
    let c = SuperCircuit::new(block(), None).expect("supported");
    let honest = c.instance().expect("public inputs");
    // Every table column, the summary and the last state: changing one public value is
    // rejected.
    for column in [1, 12, 23, 28, 32, 33] {
        let mut instance = honest.clone();
        let row = 1.min(instance[column].len() - 1);
        instance[column][row] += Fr::one();
        let r = crate::check::mock_check(c.params.k, &c, instance).expect("synthesis");
        assert!(r.is_err(), "instance column {column} is bound");
    }
    let mut start = honest.clone();
    start[0][0] = Fr::from(2);
    assert!(check_block_start(&start).is_err());
}

#[test]
fn unsupported_and_oversized_blocks_are_errors() {
    // SHA-256 has no gadget yet.
    let w = witness_of(crate::evm::tests::CALL_TO_SHA256.to_vec());
    match SuperCircuit::new(w, None) {
        Err(SuperCircuitError::Unsupported(what)) => {
            assert_eq!(
                what,
                "Call (opcode 0xf1) into precompile 0x02 (sha256), PrecompileSha256"
            )
        }
        other => panic!("expected unsupported, got {other:?}"),
    }
    assert!(matches!(
        SuperCircuit::new(block(), Some(MIN_K - 1)),
        Err(SuperCircuitError::BadK(_))
    ));
}

/// One real KZG proof of a small block: it verifies; flipping one byte of the proof,
/// changing one public input or moving the claimed start makes verification fail.
#[test]
fn a_block_is_proved_and_verified_with_kzg() {
    use crate::prover::{insecure_params, DEFAULT_INSECURE_SEED};
    use proving::{block_keygen, prove_block, verify_block};
    let c = SuperCircuit::new(block(), None).expect("supported");
    let params = insecure_params(c.params.k, DEFAULT_INSECURE_SEED).expect("params");
    let pk = block_keygen(&params, c.params).expect("keygen");
    let file = prove_block(&params, &pk, &c, "insecure-seed-test").expect("proof");
    verify_block(&params, &file).expect("the proof verifies");

    let mut flipped = file.clone();
    let mut bytes = flipped.proof_bytes().expect("hex");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    flipped.proof = bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert!(
        verify_block(&params, &flipped).is_err(),
        "a flipped byte fails"
    );

    let mut changed = file.clone();
    // Post-state value of the first entry (column 17: post-state value_lo), row 1.
    let mut instances = changed.instances_fr().expect("instances");
    instances[17][1] += Fr::one();
    changed.instances = instances
        .iter()
        .map(|col| col.iter().map(hex_of).collect())
        .collect();
    assert!(
        verify_block(&params, &changed).is_err(),
        "a changed public input fails"
    );

    let mut moved = file;
    let mut instances = moved.instances_fr().expect("instances");
    instances[0][0] = Fr::from(2);
    moved.instances = instances
        .iter()
        .map(|col| col.iter().map(hex_of).collect())
        .collect();
    assert!(
        verify_block(&params, &moved).is_err(),
        "another start fails"
    );
}

fn hex_of(v: &Fr) -> String {
    use halo2_proofs::halo2curves::ff::PrimeField;
    v.to_repr()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The public rows counted without sorting are those the public state tables hold.
#[test]
fn public_rows_count_the_public_state() {
    for w in [block(), two_tx_block_for_public_rows()] {
        let pre = crate::state::pre_state::<Fr>(&w.rws).len();
        let post = crate::state::post_state::<Fr>(&w.rws).len();
        assert!(pre < post);
        assert_eq!(public_rows(&w.rws), 1 + post);
    }
}

/// Two transactions of a program that writes storage and logs.
fn two_tx_block_for_public_rows() -> Witness {
    // SSTORE(1, 2), LOG1(0, 0, topic 7), STOP
    let code = vec![
        0x60, 0x02, 0x60, 0x01, 0x55, 0x60, 0x07, 0x5f, 0x5f, 0xa1, 0x00,
    ];
    let traced = Program::new(code).trace_repeated(2);
    equivm_witness::build_witness(&traced.trace).expect("witness")
}

/// The keccak circuit in a tall shape: the same block passes with 219 fewer advice
/// columns, and a code byte that is not the hashed input's is still rejected.
#[test]
fn a_tall_keccak_shape_proves_the_same_block_in_fewer_columns() {
    use crate::table::BytecodeFieldTag;
    let tall = KeccakShape::with_cell_columns(32);
    let wide = SuperCircuit::new(block(), None).expect("supported");
    let c = SuperCircuit::with_keccak_shape(block(), None, tall).expect("supported");
    assert_eq!(c.params.keccak, tall);
    assert!(c.params.k >= wide.params.k);
    assert_eq!(verify(&c), Ok(()));
    let columns = |shape| {
        let mut cs = ConstraintSystem::<Fr>::default();
        SuperCircuit::configure_with_params(&mut cs, shape);
        cs.num_advice_columns()
    };
    assert_eq!(columns(KeccakShape::WIDE) - columns(tall), 251 - 32);

    let byte = Fr::from(BytecodeFieldTag::Byte as u64);
    let push = c
        .bytecode_rows
        .iter()
        .position(|r| r.tag == byte && r.value == Fr::from(0x60))
        .expect("PUSH1");
    let mut tampered = c;
    tampered.bytecode_rows[push + 1].value = Fr::from(0x2b);
    assert_rejected(
        verify(&tampered),
        "BYTECODE: each code byte is the hashed input's byte",
    );
}

#[test]
fn circuit_params_record_the_keccak_shape_and_default_to_wide() {
    let old: SuperCircuitParams = serde_json::from_str(r#"{"k":12}"#).expect("k alone");
    assert_eq!(old, SuperCircuitParams::new(12));
    let tall = SuperCircuitParams {
        k: 15,
        keccak: KeccakShape::with_cell_columns(32),
    };
    let json = serde_json::to_string(&tall).expect("serializes");
    assert_eq!(json, r#"{"k":15,"keccak_rows_per_slot":87}"#);
    assert_eq!(
        serde_json::from_str::<SuperCircuitParams>(&json).expect("reads back"),
        tall
    );
    let refused =
        serde_json::from_str::<SuperCircuitParams>(r#"{"k":15,"keccak_rows_per_slot":3}"#)
            .expect_err("3 rows a slot");
    assert!(refused.to_string().contains("7 to 2753 rows"), "{refused}");
}

/// A block proved with the keccak circuit in a tall shape: the proof file records the
/// shape, the verifier rebuilds the key from it, and the same proof read as the wide shape
/// fails. About five minutes on two cores (k = 12, the keccak round gate evaluated on every
/// row of the extended domain), so run on demand: `cargo test -p equivm-circuits --lib --
/// --ignored a_block_with_a_tall`.
#[test]
#[ignore = "about five minutes on two cores; run with --ignored"]
fn a_block_with_a_tall_keccak_shape_is_proved_and_verified() {
    use crate::prover::{insecure_params, DEFAULT_INSECURE_SEED};
    use proving::{block_keygen, block_proof_params, prove_block, verify_block};
    let tall = KeccakShape::with_cell_columns(32);
    let c = SuperCircuit::with_keccak_shape(block(), None, tall).expect("supported");
    let params = insecure_params(c.params.k, DEFAULT_INSECURE_SEED).expect("params");
    let pk = block_keygen(&params, c.params).expect("keygen");
    let file = prove_block(&params, &pk, &c, "insecure-seed-test").expect("proof");
    assert_eq!(block_proof_params(&file).expect("params").circuit, c.params);
    verify_block(&params, &file).expect("the proof verifies");

    let mut as_wide = file;
    as_wide.params["circuit"] = serde_json::json!({ "k": c.params.k });
    assert_eq!(
        block_proof_params(&as_wide).expect("params").circuit,
        SuperCircuitParams::new(c.params.k)
    );
    assert!(
        verify_block(&params, &as_wide).is_err(),
        "the wide shape's key rejects the proof"
    );
}
