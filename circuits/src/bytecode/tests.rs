//! Bytecode circuit tests: real bytecodes pass; each kind of tampering is rejected by the
//! constraint that speaks of it.

use super::config::{push_state, PUSH0};
use super::*;
use crate::evm::stats::max_degree;
use crate::table::{
    bytecode::missing_push_data, opcode_rows::execution_state_index, test_util::witness_of,
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
pub(super) struct Tampered {
    pub(super) rows: Vec<BytecodeTableRow<Fr>>,
    pub(super) cells: Vec<BytecodeWitnessRow<Fr>>,
    pub(super) keccak: Vec<KeccakTableRow<Fr>>,
}

impl Tampered {
    /// The honest rows, cells and keccak rows of `codes`.
    pub(super) fn honest(codes: &[&[u8]]) -> Self {
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
    pub(super) fn recompute_cells(mut self) -> Self {
        self.cells = BytecodeWitnessRow::rows_for(&self.rows);
        self
    }

    pub(super) fn verify(&self) -> Result<(), Vec<VerifyFailure>> {
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
pub(super) fn assert_rejected(result: Result<(), Vec<VerifyFailure>>, needle: &str) {
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

pub(super) fn fr(v: u64) -> Fr {
    Fr::from(v)
}

/// PUSH2 0x6001 PUSH1 0x03 ADD STOP: push data that looks like opcodes.
pub(super) const CODE: [u8; 7] = [0x61, 0x60, 0x01, 0x60, 0x03, 0x01, 0x00];
/// PUSH1 0x01 PUSH2 0x02: the last PUSH is cut short by the end.
pub(super) const CUT: [u8; 4] = [0x60, 0x01, 0x61, 0x02];

/// Index in `rows` (and in the keccak rows) of byte `i` of the first bytecode: `rows[0]`
/// is its header.
pub(super) fn byte(i: usize) -> usize {
    1 + i
}

/// Index in `cells` of byte `i` of the first bytecode: `cells[0]` is the region's row 0.
pub(super) fn cell(i: usize) -> usize {
    2 + i
}

mod tampering;

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
    code.push(0x7f); // a PUSH32 cut short: 0 data bytes, 32 zeros past the code
    let rows =
        BytecodeTableRow::<Fr>::rows_of(&Bytecode::new(Bytes::from(code.clone()))).expect("rows");
    assert_eq!(rows.last().map(|r| r.is_code), Some(Fr::one()));
    assert_eq!(missing_push_data(&code), 32);
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

/// Runs `BytecodeCircuitConfig::assign` on `bytecodes` with `capacity` rows and keeps its
/// error (the only thing `synthesize` can return is halo2's untyped one).
#[derive(Clone, Debug, Default)]
struct AssignProbe {
    bytecodes: Vec<Bytecode>,
    capacity: usize,
    error: std::sync::Arc<std::sync::Mutex<Option<TableError>>>,
}

impl AssignProbe {
    fn error(bytecodes: Vec<Bytecode>, capacity: usize) -> Option<TableError> {
        let probe = AssignProbe {
            bytecodes,
            capacity,
            ..AssignProbe::default()
        };
        let run = MockProver::<Fr>::run(K, &probe, vec![]);
        let error = probe.error.lock().expect("not poisoned").take();
        assert_eq!(
            run.is_err(),
            error.is_some(),
            "synthesis fails iff assign does"
        );
        error
    }
}

impl Circuit<Fr> for AssignProbe {
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
        config.keccak.load(&mut layouter, &[], CAPACITY)?;
        config
            .assign(&mut layouter, &self.bytecodes, self.capacity)
            .map_err(|e| {
                *self.error.lock().expect("not poisoned") = Some(e);
                Error::Synthesis
            })
    }
}

#[test]
fn too_small_a_capacity_or_a_malformed_bytecode_is_a_typed_error() {
    let code = Bytecode::new(Bytes::from_static(&CODE));
    // Zero row, header, 7 + 1 byte rows, zero last row.
    let needed = BytecodeCircuitConfig::rows_needed(std::slice::from_ref(&code));
    assert_eq!(needed, 11);
    assert!(AssignProbe::error(vec![code.clone()], needed).is_none());
    assert!(matches!(
        AssignProbe::error(vec![code.clone()], needed - 1),
        Some(TableError::CapacityExceeded {
            table: "bytecode",
            needed: 11,
            capacity: 10
        })
    ));
    let mut bad = code;
    bad.is_code.pop();
    assert!(matches!(
        AssignProbe::error(vec![bad], CAPACITY),
        Some(TableError::InvalidWitness { .. })
    ));
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
    assert_eq!(meta.num_advice_columns() - base.0, 9, "own advice columns");
    assert_eq!(meta.num_fixed_columns() - base.1, 3, "own fixed columns");
    assert_eq!(meta.lookups().len(), 3);
    assert!(max_degree(&meta) <= 5, "degree {}", max_degree(&meta));
    // One row per byte, plus a header and the final byte per bytecode.
    let code = Bytecode::new(Bytes::from_static(&CODE));
    assert_eq!(
        BytecodeCircuitConfig::rows_needed(&[code.clone(), code]),
        2 * (CODE.len() + 2) + 2
    );
    // A PUSH cut short adds its missing push data.
    let cut = Bytecode::new(Bytes::from_static(&CUT));
    assert_eq!(
        BytecodeCircuitConfig::rows_needed(&[cut]),
        CUT.len() + 1 + 2 + 2
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

// ---- random bytecodes ----

mod random {
    use super::*;
    use proptest::prelude::*;

    /// Bytes rich in PUSH opcodes, so that push data, cut-short pushes and PUSH-looking
    /// data all occur.
    fn code() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop_oneof![0x5fu8..=0x7f, any::<u8>()], 0..80)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        #[test]
        fn random_bytecodes_pass(a in code(), b in code()) {
            prop_assert_eq!(Tampered::honest(&[&a, &b]).verify(), Ok(()));
        }

        #[test]
        fn a_flipped_is_code_is_rejected(a in code(), pick in any::<prop::sample::Index>()) {
            let mut t = Tampered::honest(&[&a]);
            // Any byte row, the final one included.
            let i = 1 + pick.index(a.len() + 1);
            t.rows[i].is_code = Fr::one() - t.rows[i].is_code;
            prop_assert!(t.recompute_cells().verify().is_err());
        }
    }
}
