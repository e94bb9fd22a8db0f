//! Bytecode circuit tests: real bytecodes pass; each kind of tampering is rejected by the
//! constraint that speaks of it.

use super::config::{push_state, PUSH0};
use super::*;
use crate::evm::stats::max_degree;
use crate::table::{
    bytecode::ends_on_opcode_boundary, opcode_rows::execution_state_index, test_util::witness_of,
    BytecodeTableRow, KeccakTableRow, TableError,
};
use equivm_witness::opcodes::{push_data_len, OPCODES};
use halo2_proofs::{
    dev::{MockProver, VerifyFailure},
    plonk::Circuit,
};
use halo2curves::bn256::Fr;

/// k and capacity of the tampering tests (the fixed table's opcode rows take 257).
const K: u32 = 9;
const CAPACITY: usize = 300;

/// The bytecode circuit over rows and cells given as they are (tampered or not), with the
/// keccak table stated from `keccak` rows.
#[derive(Clone, Debug)]
struct Tampered {
    rows: Vec<BytecodeTableRow<Fr>>,
    cells: Vec<BytecodeWitnessRow<Fr>>,
    keccak: Vec<KeccakTableRow<Fr>>,
}

impl Tampered {
    /// The honest rows, cells and keccak rows of `codes`.
    fn honest(codes: &[&[u8]]) -> Self {
        let mut rows = Vec::new();
        let mut keccak = Vec::new();
        for code in codes {
            let code = Bytecode::new(Bytes::copy_from_slice(code));
            rows.extend(BytecodeTableRow::rows_of(&code).expect("well-formed bytecode"));
            keccak.extend(KeccakTableRow::rows_of(&code.bytes));
        }
        let cells = BytecodeWitnessRow::rows_for(&rows);
        Self {
            rows,
            cells,
            keccak,
        }
    }

    /// Recomputes the circuit's cells from the (tampered) table rows.
    fn recompute_cells(mut self) -> Self {
        self.cells = BytecodeWitnessRow::rows_for(&self.rows);
        self
    }

    fn verify(&self) -> Result<(), Vec<VerifyFailure>> {
        MockProver::<Fr>::run(K, self, vec![])
            .expect("synthesis succeeds")
            .verify()
    }
}

impl Circuit<Fr> for Tampered {
    type Config = BytecodeCircuitConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        <BytecodeCircuit as Circuit<Fr>>::configure(meta)
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        config.fixed.load(&mut layouter, &FIXED_TAGS, CAPACITY)?;
        config
            .keccak
            .load_rows(&mut layouter, &self.keccak, CAPACITY)?;
        config.assign_with_cells(&mut layouter, &self.rows, &self.cells, CAPACITY)?;
        Ok(())
    }
}

/// Asserts that `result` failed and that a failure names `needle`.
fn assert_rejected(result: Result<(), Vec<VerifyFailure>>, needle: &str) {
    match result {
        Ok(()) => panic!("tampered witness accepted; expected a failure naming {needle:?}"),
        Err(failures) => {
            let texts: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
            assert!(
                texts.iter().any(|t| t.contains(needle)),
                "no failure names {needle:?}: {texts:#?}"
            );
        }
    }
}

fn fr(v: u64) -> Fr {
    Fr::from(v)
}

/// PUSH2 0x6001 PUSH1 0x03 ADD STOP: push data that looks like opcodes.
const CODE: [u8; 7] = [0x61, 0x60, 0x01, 0x60, 0x03, 0x01, 0x00];
/// PUSH1 0x01 PUSH2 0x02: the last PUSH is cut short by the end.
const CUT: [u8; 4] = [0x60, 0x01, 0x61, 0x02];

/// Index in `rows` (and in the keccak rows) of byte `i` of the first bytecode: `rows[0]`
/// is its header.
fn byte(i: usize) -> usize {
    1 + i
}

/// Index in `cells` of byte `i` of the first bytecode: `cells[0]` is the region's row 0.
fn cell(i: usize) -> usize {
    2 + i
}

// ---- positive ----

#[test]
fn opcode_states_give_the_push_sizes() {
    for b in 0..=255u8 {
        let is_push = execution_state_index(OPCODES[b as usize].state) == push_state();
        assert_eq!(is_push, (0x5f..=0x7f).contains(&b), "opcode 0x{b:02x}");
        if is_push {
            assert_eq!(u64::from(b) - PUSH0, push_data_len(b) as u64);
        } else {
            assert_eq!(push_data_len(b), 0);
        }
    }
}

#[test]
fn honest_small_bytecodes_pass() {
    let mut push32_cut = vec![0x7f];
    push32_cut.extend([0xab; 20]);
    let codes: Vec<&[u8]> = vec![
        &[],
        &CODE,
        &CUT,
        &[0x00],
        &[0x5f, 0x5f, 0x01, 0x00], // PUSH0 has no push data
        &[0x60],                   // PUSH1 with no data at all
        &[0x61, 0x60, 0x7f, 0x60, 0x01, 0x5f, 0x7f], // data like PUSH opcodes, cut PUSH32
        &push32_cut,
    ];
    assert_eq!(Tampered::honest(&codes).verify(), Ok(()));
}

#[test]
fn every_push_size_passes() {
    let mut code = Vec::new();
    for n in 1..=32u8 {
        code.push(0x5f + n);
        // Push data made of PUSH opcodes, which must not count as opcodes.
        code.extend((0..n).map(|i| 0x60 + (i % 32)));
    }
    code.push(0x7f); // a PUSH32 cut short: 0 data bytes
    let rows =
        BytecodeTableRow::<Fr>::rows_of(&Bytecode::new(Bytes::from(code.clone()))).expect("rows");
    assert_eq!(rows.last().map(|r| r.is_code), Some(Fr::zero()));
    assert!(!ends_on_opcode_boundary(&code));
    let circuit = BytecodeCircuit {
        bytecodes: vec![Bytecode::new(Bytes::from(code))],
        capacity: 1000,
    };
    assert!(BytecodeCircuit::rows_needed(&circuit.bytecodes) <= circuit.capacity);
    let prover = MockProver::<Fr>::run(10, &circuit, vec![]).expect("synthesis succeeds");
    assert_eq!(prover.verify(), Ok(()));
}

#[test]
fn bytecodes_of_real_executions_pass() {
    // PUSH1 2 PUSH1 3 ADD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    let ret = vec![
        0x60, 0x02, 0x60, 0x03, 0x01, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3,
    ];
    // PUSH0 CALLDATALOAD PUSH2 0x6001 ADD PUSH0 SSTORE STOP
    let store = vec![0x5f, 0x35, 0x61, 0x60, 0x01, 0x01, 0x5f, 0x55, 0x00];
    let mut bytecodes = Vec::new();
    for (code, calldata) in [(ret, vec![]), (store, vec![7; 32]), (CUT.to_vec(), vec![])] {
        let witness = witness_of(code, calldata);
        assert!(!witness.bytecodes.is_empty());
        bytecodes.extend(witness.bytecodes);
    }
    let circuit = BytecodeCircuit {
        bytecodes,
        capacity: CAPACITY,
    };
    assert!(BytecodeCircuit::rows_needed(&circuit.bytecodes) <= CAPACITY);
    let prover = MockProver::<Fr>::run(K, &circuit, vec![]).expect("synthesis succeeds");
    assert_eq!(prover.verify(), Ok(()));
}

#[test]
fn no_bytecode_passes() {
    let circuit = BytecodeCircuit {
        bytecodes: vec![],
        capacity: CAPACITY,
    };
    let prover = MockProver::<Fr>::run(K, &circuit, vec![]).expect("synthesis succeeds");
    assert_eq!(prover.verify(), Ok(()));
}

#[test]
fn too_small_a_capacity_is_an_error() {
    let code = Bytecode::new(Bytes::from_static(&CODE));
    // Zero row, header, 7 + 1 byte rows, zero last row.
    assert_eq!(
        BytecodeCircuitConfig::rows_needed(std::slice::from_ref(&code)),
        11
    );
    let circuit = BytecodeCircuit {
        bytecodes: vec![code.clone(); 40],
        capacity: CAPACITY,
    };
    assert!(BytecodeCircuit::rows_needed(&circuit.bytecodes) > CAPACITY);
    assert!(MockProver::<Fr>::run(K, &circuit, vec![]).is_err());
    let mut bad = code;
    bad.is_code.pop();
    let circuit = BytecodeCircuit {
        bytecodes: vec![bad.clone()],
        capacity: CAPACITY,
    };
    assert!(matches!(
        BytecodeTableRow::<Fr>::rows_of(&bad),
        Err(TableError::InvalidWitness { .. })
    ));
    assert!(MockProver::<Fr>::run(K, &circuit, vec![]).is_err());
}

#[test]
fn cost_columns_lookups_and_degree() {
    let mut meta = ConstraintSystem::<Fr>::default();
    let base = {
        let mut m = ConstraintSystem::<Fr>::default();
        FixedTable::configure(&mut m);
        BytecodeTable::configure(&mut m);
        KeccakTable::configure(&mut m);
        (m.num_advice_columns(), m.num_fixed_columns())
    };
    <BytecodeCircuit as Circuit<Fr>>::configure(&mut meta);
    assert_eq!(meta.num_advice_columns() - base.0, 7, "own advice columns");
    assert_eq!(meta.num_fixed_columns() - base.1, 3, "own fixed columns");
    assert_eq!(meta.lookups().len(), 3);
    assert!(max_degree(&meta) <= 5, "degree {}", max_degree(&meta));
    // One row per byte, plus a header and the final byte per bytecode.
    let code = Bytecode::new(Bytes::from_static(&CODE));
    assert_eq!(
        BytecodeCircuitConfig::rows_needed(&[code.clone(), code]),
        2 * (CODE.len() + 2) + 2
    );
}

// ---- negative: table values ----

#[test]
fn a_changed_byte_fails_the_keccak_lookup() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(4)].value = fr(0x04);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: each code byte is the hashed input's byte",
    );
}

#[test]
fn an_opcode_marked_as_push_data_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(5)].is_code = fr(0); // ADD
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a byte is an opcode iff no push data is pending",
    );
}

#[test]
fn push_data_marked_as_an_opcode_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(2)].is_code = fr(1); // second byte of PUSH2's data
    assert_rejected(
        t.clone().recompute_cells().verify(),
        "BYTECODE: a byte is an opcode iff no push data is pending",
    );
    // With the inverse zeroed, the other half of the is-zero check rejects it.
    let mut t = t.recompute_cells();
    t.cells[cell(1)].push_rest_inv = fr(0);
    assert_rejected(t.verify(), "BYTECODE: no opcode while push data is pending");
}

#[test]
fn the_final_row_follows_the_countdown() {
    // Cut short: the final row is push data.
    let mut t = Tampered::honest(&[&CUT]);
    let last = t.rows.len() - 1;
    assert_eq!(t.rows[last].is_code, fr(0));
    t.rows[last].is_code = fr(1);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: no opcode while push data is pending",
    );
    // Ends on an opcode: the final row is an opcode (STOP).
    let mut t = Tampered::honest(&[&CODE]);
    let last = t.rows.len() - 1;
    t.rows[last].is_code = fr(0);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a byte is an opcode iff no push data is pending",
    );
}

#[test]
fn a_skipped_or_repeated_index_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows.remove(byte(3));
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: the index grows by 1 within a bytecode",
    );
    let mut t = Tampered::honest(&[&CODE]);
    let row = t.rows[byte(3)];
    t.rows.insert(byte(3), row);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: the index grows by 1 within a bytecode",
    );
}

#[test]
fn a_wrong_header_length_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[0].value += fr(1);
    let t = t.recompute_cells();
    assert_rejected(t.verify(), "BYTECODE: the final byte has index = length");
    assert_rejected(
        t.verify(),
        "BYTECODE: the header's length is the hashed input's length",
    );
}

#[test]
fn a_non_zero_final_byte_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    let last = t.rows.len() - 1;
    t.rows[last].value = fr(0x01);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: the final byte is 0",
    );
}

#[test]
fn a_changed_hash_on_one_row_is_rejected() {
    for limb in 0..2 {
        let mut t = Tampered::honest(&[&CODE, &CUT]);
        let hash = &mut t.rows[byte(3)].code_hash;
        if limb == 0 {
            hash.lo += fr(1);
        } else {
            hash.hi += fr(1);
        }
        let name = ["lo", "hi"][limb];
        assert_rejected(
            t.recompute_cells().verify(),
            &format!("BYTECODE: the code hash is constant within a bytecode ({name})"),
        );
    }
}

#[test]
fn a_row_after_the_zero_tail_is_rejected() {
    let mut t = Tampered::honest(&[&CODE, &CUT]);
    t.rows.insert(CODE.len() + 2, BytecodeTableRow::default());
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: nothing but zero rows after a zero row",
    );
}

#[test]
fn a_byte_of_256_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(2)].value = fr(256);
    // The stated keccak table agrees, so only the byte range can object.
    t.keccak[byte(2)].value = fr(256);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a byte is an opcode byte with its execution state",
    );
}

#[test]
fn bytes_without_a_header_are_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows.remove(0);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: row 1 is a header or a zero row",
    );
    let mut t = Tampered::honest(&[&CODE, &CUT]);
    t.rows.remove(CODE.len() + 2);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: the index grows by 1 within a bytecode",
    );
}

#[test]
fn a_header_without_bytes_is_rejected() {
    let mut t = Tampered::honest(&[&[], &CUT]);
    t.rows.remove(1); // the empty code's final row
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a header is followed by a byte",
    );
}

// ---- negative: the circuit's own cells ----

#[test]
fn a_push_without_its_push_data_is_rejected() {
    // PUSH1 claims no push data, so its data byte would count as an opcode.
    let mut t = Tampered::honest(&[&CUT]);
    t.rows[byte(1)].is_code = fr(1);
    let mut t = t.recompute_cells();
    t.cells[cell(0)].push_rest = fr(0);
    t.cells[cell(0)].push_rest_inv = fr(0);
    assert_rejected(t.verify(), "BYTECODE: PUSHn has n push-data bytes");
}

#[test]
fn push_data_after_a_non_push_is_rejected() {
    // ADD claims one push-data byte: STOP after it would be push data.
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(6)].is_code = fr(0);
    let mut t = t.recompute_cells();
    t.cells[cell(5)].push_rest = fr(1);
    t.cells[cell(5)].push_rest_inv = fr(1);
    t.cells[cell(6)].push_rest = fr(0);
    assert_rejected(
        t.verify(),
        "BYTECODE: an opcode other than PUSH has no push data",
    );
    // Claiming ADD's state is Push instead fails the fixed-table lookup.
    t.cells[cell(5)].opcode_state = fr(push_state());
    assert_rejected(
        t.verify(),
        "BYTECODE: a byte is an opcode byte with its execution state",
    );
}

#[test]
fn a_wrong_carried_length_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.cells[cell(0)].length += fr(1);
    assert_rejected(
        t.verify(),
        "BYTECODE: the first byte carries the header's length",
    );
    let mut t = Tampered::honest(&[&CODE]);
    t.cells[cell(3)].length += fr(1);
    assert_rejected(
        t.verify(),
        "BYTECODE: the length is constant within a bytecode",
    );
}

#[test]
fn a_wrong_final_flag_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.cells[cell(3)].is_last = fr(1);
    assert_rejected(
        t.verify(),
        "BYTECODE: is_last = is_byte · (the next row is not a byte)",
    );
}

// ---- real prover ----

#[test]
fn the_real_prover_accepts_honest_and_rejects_tampered_bytecodes() {
    use crate::prover::{insecure_params, keygen, prove, verify, DEFAULT_INSECURE_SEED};
    let params = insecure_params(K, DEFAULT_INSECURE_SEED).expect("k in range");
    let codes: [&[u8]; 3] = [&CODE, &CUT, &[]];
    let circuit = BytecodeCircuit {
        bytecodes: codes
            .iter()
            .map(|c| Bytecode::new(Bytes::copy_from_slice(c)))
            .collect(),
        capacity: CAPACITY,
    };
    let pk = keygen(&params, &Circuit::<Fr>::without_witnesses(&circuit)).expect("keygen");
    let proof = prove(&params, &pk, circuit, &[], Some(1)).expect("proof");
    assert!(verify(&params, pk.get_vk(), &[], &proof).is_ok());
    // The same shape (fixed columns) with one code byte changed: its proof is rejected.
    let mut t = Tampered::honest(&codes);
    t.rows[byte(4)].value = fr(0x04);
    let t = t.recompute_cells();
    let proof = prove(&params, &pk, t, &[], Some(1)).expect("a proof, if a false one");
    assert!(verify(&params, pk.get_vk(), &[], &proof).is_err());
}
