//! Tests of the keccak circuit: native witness against revm's keccak256, honest witnesses
//! at the smallest k, and tampered witnesses that must be rejected.

use super::{
    assign::Override,
    layout::{blocks_of, Cell, LENGTH_ROW},
    native::{self, RATE},
    KeccakCircuit, KeccakCircuitConfig, KeccakShape,
};

const WIDE: KeccakShape = KeccakShape::WIDE;

fn block_row(block: usize) -> usize {
    WIDE.block_row(block)
}

fn slot_row(block: usize, slot: usize) -> usize {
    WIDE.slot_row(block, slot)
}
use crate::table::{KeccakTableRow, TableError};
use equivm_trace::revm::primitives::{keccak256, Bytes};
use halo2_proofs::{
    dev::{AdviceCellValue, MockProver},
    halo2curves::ff::Field,
    plonk::{Circuit, ConstraintSystem},
};
use halo2curves::bn256::Fr;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

fn bytes_of_len(len: usize, seed: u64) -> Bytes {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut v = vec![0u8; len];
    rng.fill_bytes(&mut v);
    Bytes::from(v)
}

fn config() -> KeccakCircuitConfig {
    config_of(WIDE)
}

fn config_of(shape: KeccakShape) -> KeccakCircuitConfig {
    let mut cs = ConstraintSystem::<Fr>::default();
    KeccakCircuit::configure_with_params(&mut cs, shape)
}

/// MockProver's verdict (through [`crate::check::mock_check`]).
fn verify(circuit: &KeccakCircuit) -> Result<(), Vec<String>> {
    crate::check::mock_check(circuit.k, circuit, vec![]).expect("synthesis succeeds")
}

/// Asserts that `circuit` is rejected and that a failure's text contains `expected`.
fn assert_rejected(circuit: &KeccakCircuit, expected: &str) {
    match verify(circuit) {
        Ok(()) => panic!("tampered witness accepted (expected {expected:?})"),
        Err(texts) => {
            assert!(
                texts.iter().any(|t| t.contains(expected)),
                "no failure mentions {expected:?}: {:#?}",
                &texts[..texts.len().min(8)]
            );
        }
    }
}

#[test]
fn native_keccak_matches_revm() {
    for len in [0, 1, 55, 134, 135, 136, 137, 200, 271, 272, 273, 300, 1000] {
        let input = bytes_of_len(len, len as u64);
        assert_eq!(native::keccak256(&input), keccak256(&input).0, "len {len}");
    }
}

#[test]
fn chi_inverse_inverts_chi() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let s: [u64; 25] = std::array::from_fn(|_| rng.next_u64());
    assert_eq!(native::chi(&native::chi_inverse(&s)), s);
}

#[test]
fn configured_degree_is_at_most_5() {
    let mut cs = ConstraintSystem::<Fr>::default();
    KeccakCircuit::configure(&mut cs);
    assert!(cs.degree() <= 5, "degree {}", cs.degree());
}

/// The table rows with a non-zero tag that `circuit` assigns, as text, sorted.
fn assigned_rows(circuit: &KeccakCircuit) -> Vec<String> {
    let prover = MockProver::run(circuit.k, circuit, vec![]).expect("synthesis succeeds");
    let columns = config_of(circuit.shape).table.columns.to_vec();
    let value = |column, row: usize| match &prover.advice_values(column)[row] {
        AdviceCellValue::Assigned(v) => v.evaluate(),
        AdviceCellValue::Poison(_) => Fr::ZERO,
    };
    let usable = KeccakCircuit::usable_rows_at(circuit.k, circuit.shape);
    let mut rows: Vec<String> = (0..usable)
        .filter(|row| value(columns[0], *row) != Fr::ZERO)
        .map(|row| {
            format!(
                "{:?}",
                columns.iter().map(|c| value(*c, row)).collect::<Vec<_>>()
            )
        })
        .collect();
    rows.sort();
    rows
}

fn expected_rows(inputs: &[Bytes]) -> Vec<String> {
    let mut rows: Vec<String> = inputs
        .iter()
        .flat_map(|input| KeccakTableRow::<Fr>::rows_of(input))
        .map(|row| format!("{:?}", row.to_vec()))
        .collect();
    rows.sort();
    rows
}

/// Proves `inputs` at the smallest k, and checks the table holds exactly their rows.
fn assert_proved(inputs: Vec<Bytes>) {
    let circuit = KeccakCircuit::smallest(inputs.clone(), WIDE);
    verify(&circuit).expect("honest witness satisfies");
    assert_eq!(assigned_rows(&circuit), expected_rows(&inputs));
}

#[test]
fn short_inputs_are_proved() {
    let lens = [0, 1, 135, 136, 137];
    assert_proved(lens.iter().map(|l| bytes_of_len(*l, *l as u64)).collect());
}

#[test]
fn multi_block_inputs_are_proved() {
    let lens = [200, 272, 300];
    assert_proved(lens.iter().map(|l| bytes_of_len(*l, *l as u64)).collect());
}

#[test]
fn random_inputs_are_proved() {
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let inputs = (0..3)
        .map(|i| bytes_of_len(rng.next_u32() as usize % 300, i))
        .collect();
    assert_proved(inputs);
}

#[test]
fn no_inputs_leave_the_table_empty() {
    assert_proved(vec![]);
}

#[test]
fn inputs_that_do_not_fit_are_an_error() {
    let inputs = vec![bytes_of_len(1000, 1)];
    let needed = KeccakCircuitConfig::rows_needed(WIDE, &inputs);
    assert_eq!(needed, 11 + 8 * WIDE.rows_per_block());
    let err = KeccakCircuit::new(inputs, 11, WIDE).expect_err("8 blocks do not fit at k = 11");
    assert!(matches!(err, TableError::CapacityExceeded { needed: n, .. } if n == needed));
}

#[test]
fn synthesis_of_inputs_that_do_not_fit_fails_without_panicking() {
    let mut circuit = KeccakCircuit::default();
    circuit.inputs = vec![bytes_of_len(300, 3)];
    circuit.k = 9;
    assert!(MockProver::run(circuit.k, &circuit, vec![]).is_err());
}

#[test]
fn cost_is_reported() {
    let mut cs = ConstraintSystem::<Fr>::default();
    KeccakCircuit::configure(&mut cs);
    let polys: usize = cs.gates().iter().map(|g| g.polynomials().len()).sum();
    eprintln!(
        "rows/block {}, advice {}, fixed {}, lookups {}, degree {}, gate polys {polys}, blinding {}",
        WIDE.rows_per_block(),
        cs.num_advice_columns(),
        cs.num_fixed_columns(),
        cs.lookups().len(),
        cs.degree(),
        cs.blinding_factors(),
    );
    const { assert!(WIDE.rows_per_block() < 300) };
}

/// A tall shape: 32 cell columns, 87 rows a slot.
const TALL: KeccakShape = KeccakShape::with_cell_columns(32);

#[test]
fn a_tall_shape_proves_the_same_table_in_fewer_columns() {
    let inputs: Vec<Bytes> = [0, 140, 300]
        .iter()
        .map(|l| bytes_of_len(*l, *l as u64))
        .collect();
    let circuit = KeccakCircuit::smallest(inputs.clone(), TALL);
    verify(&circuit).expect("honest witness satisfies");
    assert_eq!(assigned_rows(&circuit), expected_rows(&inputs));
    let columns = |shape| {
        let mut cs = ConstraintSystem::<Fr>::default();
        KeccakCircuit::configure_with_params(&mut cs, shape);
        cs.num_advice_columns()
    };
    assert_eq!(columns(WIDE) - columns(TALL), 251 - 32);
}

#[test]
fn a_tall_shape_rejects_a_flipped_state_bit_and_a_forged_hash() {
    let circuit = KeccakCircuit::smallest(tamper_inputs(), TALL);
    verify(&circuit).expect("honest witness satisfies");
    let c = config_of(TALL);
    let honest = super::witness::blocks(&tamper_inputs(), 3);
    let bit = (honest[2].rounds[20].b[24] >> 63) & 1;
    let (column, row) = TALL.position(Cell::B(24, 63));
    let flipped = set(c.cells[column], TALL.slot_row(2, 1 + 20) + row, 1 - bit);
    assert_rejected(
        &circuit.clone().with_overrides(vec![flipped]),
        "rho-pi: B[24][63]",
    );
    let forged = (0..=LENGTH_ROW)
        .map(|i| set(c.table.columns.hash.hi, TALL.block_row(0) + i, 7))
        .collect();
    assert_rejected(&circuit.with_overrides(forged), "squeeze: hash_hi");
}

// --- Tampered witnesses -----------------------------------------------------------------

/// Two inputs: a one-block input of 5 bytes (block 0) and a two-block one of 140 bytes
/// (blocks 1 and 2). Blocks after them are dummies.
fn tamper_inputs() -> Vec<Bytes> {
    vec![bytes_of_len(5, 5), bytes_of_len(140, 140)]
}

fn tampered(overrides: Vec<Override<Fr>>) -> KeccakCircuit {
    let circuit = KeccakCircuit::smallest(tamper_inputs(), WIDE);
    verify(&circuit).expect("the honest witness passes");
    circuit.with_overrides(overrides)
}

fn set(
    column: halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>,
    row: usize,
    value: u64,
) -> Override<Fr> {
    Override {
        column,
        row,
        value: Fr::from(value),
    }
}

fn cell_override(block: usize, slot: usize, cell: Cell, value: u64) -> Override<Fr> {
    let (column, row) = WIDE.position(cell);
    set(config().cells[column], slot_row(block, slot) + row, value)
}

#[test]
fn tampered_hash_limb_is_rejected() {
    // The whole input's rows agree on the invented limb: only the squeeze can object.
    let lo = config().table.columns.hash.lo;
    let overrides = (0..=LENGTH_ROW)
        .map(|i| set(lo, block_row(0) + i, 12345))
        .collect();
    assert_rejected(&tampered(overrides), "squeeze: hash_lo");
}

#[test]
fn tampered_hash_on_one_row_is_rejected() {
    let hi = config().table.columns.hash.hi;
    assert_rejected(
        &tampered(vec![set(hi, block_row(1) + 3, 1)]),
        "same hash_hi",
    );
}

#[test]
fn tampered_byte_value_is_rejected() {
    // Byte 2 of the first input becomes 0x00..; lane_acc follows, so the lane disagrees
    // with the absorbed state.
    let c = config();
    let input = &tamper_inputs()[0];
    let new = input[2] ^ 1;
    let acc = |b2: u8| -> u64 {
        u64::from(input[0]) | (u64::from(input[1]) << 8) | (u64::from(b2) << 16)
    };
    let mut overrides = vec![set(c.table.columns.value, block_row(0) + 2, u64::from(new))];
    // lane_acc on rows 2..8 of lane 0.
    for i in 2..8 {
        let below = |b2| {
            let mut v = acc(b2);
            for j in 3..=i {
                let byte = if j < input.len() {
                    input[j]
                } else if j == input.len() {
                    1
                } else {
                    0
                };
                v |= u64::from(byte) << (8 * j);
            }
            v
        };
        overrides.push(set(c.lane_acc, block_row(0) + i, below(new)));
    }
    assert_rejected(&tampered(overrides), "absorb: data lane 0");
}

#[test]
fn tampered_length_is_rejected() {
    let index = config().table.columns.index;
    assert_rejected(
        &tampered(vec![set(index, block_row(0) + LENGTH_ROW, 6)]),
        "length row: index = the data length",
    );
}

#[test]
fn byte_row_at_a_wrong_index_is_rejected() {
    let index = config().table.columns.index;
    // Byte 3 of the second input claims index 4.
    assert_rejected(
        &tampered(vec![set(index, block_row(1) + 3, 4)]),
        "byte row: index counts the data rows before",
    );
}

#[test]
fn tampered_padding_byte_is_rejected() {
    let value = config().table.columns.value;
    // The first padding byte of the first input (row 5) should be 0x01.
    assert_rejected(
        &tampered(vec![set(value, block_row(0) + 5, 0)]),
        "byte row: padding is 0x01 first, 0x80 last",
    );
}

#[test]
fn padding_claimed_as_data_is_rejected() {
    let tag = config().table.columns.tag;
    // Row 5 of the first input is padding; calling it data breaks the row rules or
    // the length.
    assert_rejected(&tampered(vec![set(tag, block_row(0) + 5, 2)]), "byte row");
}

#[test]
fn flipped_state_bit_in_a_middle_round_is_rejected() {
    let circuit = KeccakCircuit::smallest(tamper_inputs(), WIDE);
    let honest = super::witness::blocks(&tamper_inputs(), 3);
    let bit = (honest[1].rounds[12].b[7] >> 33) & 1;
    let circuit = circuit.with_overrides(vec![cell_override(1, 1 + 12, Cell::B(7, 33), 1 - bit)]);
    assert_rejected(&circuit, "rho-pi: B[7][33]");
}

#[test]
fn flipped_parity_in_a_middle_round_is_rejected() {
    let honest = super::witness::blocks(&tamper_inputs(), 3);
    let bit = (honest[2].rounds[11].parity[2] >> 5) & 1;
    let circuit = KeccakCircuit::smallest(tamper_inputs(), WIDE)
        .with_overrides(vec![cell_override(2, 1 + 11, Cell::Parity(2, 5), 1 - bit)]);
    assert_rejected(&circuit, "theta: sum of column 2 bit 5");
}

#[test]
fn invented_row_outside_the_blocks_is_rejected() {
    let c = config().table.columns;
    // A length row with an invented hash in the rows of a round.
    let row = block_row(0) + 200;
    let overrides = vec![
        set(c.tag, row, 1),
        set(c.hash.lo, row, 777),
        set(c.hash.hi, row, 888),
        set(c.index, row, 3),
    ];
    assert_rejected(&tampered(overrides), "zero tag: rows that are no table row");
}

#[test]
fn invented_hash_on_a_dummy_block_is_rejected() {
    // Block 3 is a dummy (the empty input, no length row). Switching its length row on
    // with an invented hash on all its rows leaves only the squeeze to object.
    let k = KeccakCircuit::smallest(tamper_inputs(), WIDE).k + 1;
    let circuit = KeccakCircuit::new(tamper_inputs(), k, WIDE).expect("fits");
    verify(&circuit).expect("the honest witness passes");
    assert!(WIDE.block_capacity(KeccakCircuit::usable_rows_at(k, WIDE)) > 3);
    let c = config().table.columns;
    let mut overrides = vec![set(c.tag, block_row(3) + LENGTH_ROW, 1)];
    for i in 0..=LENGTH_ROW {
        overrides.push(set(c.hash.lo, block_row(3) + i, 99));
    }
    assert_rejected(&circuit.with_overrides(overrides), "squeeze: hash_lo");
}

#[test]
fn continuing_the_first_block_is_rejected() {
    // First = 0 on the first block would carry a state of the prover's choosing.
    let circuit = KeccakCircuit::smallest(tamper_inputs(), WIDE)
        .with_overrides(vec![cell_override(0, 0, Cell::First, 0)]);
    assert_rejected(&circuit, "absorb: First = 1 on the first block");
}

#[test]
fn block_counts() {
    assert_eq!(blocks_of(0), 1);
    assert_eq!(blocks_of(RATE - 1), 1);
    assert_eq!(blocks_of(RATE), 2);
}

/// The real prover on one block (slow: run with `--ignored`).
#[test]
#[ignore = "real prover: keygen and proof take tens of seconds"]
fn real_prover_accepts_one_block_and_rejects_a_tampered_one() {
    use crate::prover::{insecure_params, keygen, prove, verify, DEFAULT_INSECURE_SEED};
    let inputs = vec![bytes_of_len(100, 100)];
    let circuit = KeccakCircuit::smallest(inputs, WIDE);
    let params = insecure_params(circuit.k, DEFAULT_INSECURE_SEED).expect("params");
    let start = std::time::Instant::now();
    let pk = keygen(&params, &circuit).expect("keygen");
    let keygen_time = start.elapsed();
    let start = std::time::Instant::now();
    let proof = prove(&params, &pk, circuit.clone(), &[], Some(1)).expect("proof");
    eprintln!(
        "k = {}: keygen {keygen_time:?}, prove {:?}, proof {} bytes",
        circuit.k,
        start.elapsed(),
        proof.len()
    );
    verify(&params, pk.get_vk(), &[], &proof).expect("honest proof verifies");
    let lo = config().table.columns.hash.lo;
    let bad = circuit.with_overrides(
        (0..=LENGTH_ROW)
            .map(|i| set(lo, block_row(0) + i, 1))
            .collect(),
    );
    let proof = prove(&params, &pk, bad, &[], Some(1)).expect("a proof is produced");
    assert!(verify(&params, pk.get_vk(), &[], &proof).is_err());
}

#[test]
fn flipped_bit_in_a_block_repeating_earlier_ones_is_rejected() {
    // At one k above the smallest, the blocks the inputs leave free all hash the empty
    // input, slot for slot alike: the check remembers the round rows it passed, so the last
    // block's rows are found equal to earlier ones but for the flipped bit's, which must
    // still be evaluated and fail, as MockProver finds.
    let mut circuit = KeccakCircuit::smallest(tamper_inputs(), WIDE);
    circuit.k += 1;
    let capacity = WIDE.block_capacity(KeccakCircuit::usable_rows_at(circuit.k, WIDE));
    let last = capacity - 1;
    let used: usize = tamper_inputs().iter().map(|i| blocks_of(i.len())).sum();
    assert!(last > used + 1, "several blocks hash nothing");
    verify(&circuit).expect("the honest witness passes");
    let honest = super::witness::blocks(&tamper_inputs(), capacity);
    let bit = (honest[last].rounds[12].b[7] >> 33) & 1;
    let k = circuit.k;
    let circuit =
        circuit.with_overrides(vec![cell_override(last, 1 + 12, Cell::B(7, 33), 1 - bit)]);
    assert_rejected(&circuit, "rho-pi: B[7][33]");
    let full = MockProver::run(k, &circuit, vec![])
        .expect("synthesis succeeds")
        .verify_par();
    assert!(full.is_err(), "MockProver rejects it too");
}
