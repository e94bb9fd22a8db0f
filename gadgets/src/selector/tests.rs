//! Tests of both selector encodings, and the measurement behind the table in the module docs.

use super::*;
use crate::test_util::{assert_rejected, mock_verify};
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    dev::VerifyFailure,
    plonk::{Circuit, Selector},
};
use halo2curves::bn256::Fr;
use proptest::prelude::*;

const K: u32 = 4;

#[derive(Clone, Debug)]
struct TestConfig {
    q: Selector,
    expected: Column<Advice>,
    one_hot: OneHotSelectorConfig<Fr>,
    binary: BinarySelectorConfig<Fr>,
}

/// The named cells a test may overwrite.
#[derive(Clone, Copy, Debug)]
enum Cell {
    OneHot(usize),
    Bit(usize),
}

#[derive(Clone, Copy, Debug)]
struct Tamper {
    row: usize,
    cell: Cell,
    to: Fr,
}

/// One state per row, encoded both ways; the `TEST` gate checks that both decode to the
/// expected index: `Σ i · is_state(i) = expected`.
#[derive(Clone, Debug, Default)]
struct TestCircuit<const N: usize> {
    states: Vec<usize>,
    tampers: Vec<Tamper>,
}

impl<const N: usize> Circuit<Fr> for TestCircuit<N> {
    type Config = TestConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        Self::default()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> TestConfig {
        let q = meta.selector();
        let expected = meta.advice_column();
        let cells = (0..N).map(|_| meta.advice_column()).collect();
        let one_hot = OneHotSelectorConfig::configure(meta, |m| m.query_selector(q), cells);
        let bits = (0..BinarySelectorConfig::<Fr>::num_bits(N))
            .map(|_| meta.advice_column())
            .collect();
        let binary = BinarySelectorConfig::configure(meta, |m| m.query_selector(q), N, bits);
        meta.create_gate("TEST", |m| {
            let q = m.query_selector(q);
            let expected = m.query_advice(expected, Rotation::cur());
            let decode = |is_state: &dyn Fn(usize) -> Expression<Fr>| {
                (0..N).fold(constant(0), |acc, i| acc + is_state(i) * Fr::from(i as u64))
            };
            vec![
                (
                    "TEST: one-hot decodes to expected",
                    q.clone() * (decode(&|i| one_hot.is_state(i)) - expected.clone()),
                ),
                (
                    "TEST: binary decodes to expected",
                    q * (decode(&|i| binary.is_state(i)) - expected),
                ),
            ]
        });
        TestConfig {
            q,
            expected,
            one_hot,
            binary,
        }
    }

    fn synthesize(&self, config: TestConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        layouter.assign_region(
            || "selectors",
            |mut region| {
                for (row, state) in self.states.iter().enumerate() {
                    config.q.enable(&mut region, row)?;
                    region.assign_advice(
                        config.expected,
                        row,
                        Value::known(Fr::from(*state as u64)),
                    );
                    config.one_hot.assign(&mut region, row, *state)?;
                    config.binary.assign(&mut region, row, *state)?;
                }
                for Tamper { row, cell, to } in self.tampers.iter().copied() {
                    let column = match cell {
                        Cell::OneHot(i) => config.one_hot.cells[i],
                        Cell::Bit(j) => config.binary.bits[j],
                    };
                    region.assign_advice(column, row, Value::known(to));
                }
                Ok(())
            },
        )
    }
}

fn run<const N: usize>(states: Vec<usize>, tampers: Vec<Tamper>) -> Result<(), Vec<VerifyFailure>> {
    mock_verify(K, &TestCircuit::<N> { states, tampers })
}

fn tamper(row: usize, cell: Cell, to: Fr) -> Tamper {
    Tamper { row, cell, to }
}

#[test]
fn every_state_is_accepted() {
    assert_eq!(run::<5>((0..5).collect(), vec![]), Ok(()));
    assert_eq!(run::<8>((0..8).collect(), vec![]), Ok(()));
    assert_eq!(run::<1>(vec![0, 0], vec![]), Ok(()));
}

#[test]
fn out_of_range_state_is_a_synthesis_error() {
    let circuit = TestCircuit::<5> {
        states: vec![5],
        tampers: vec![],
    };
    assert!(halo2_proofs::dev::MockProver::run(K, &circuit, vec![]).is_err());
}

#[test]
fn one_hot_with_no_state_is_rejected() {
    // Row 2 is state 2.
    let result = run::<5>(
        (0..5).collect(),
        vec![tamper(2, Cell::OneHot(2), Fr::from(0))],
    );
    assert_rejected(result, "ONE_HOT_SELECTOR: exactly one state");
}

#[test]
fn one_hot_with_two_states_is_rejected() {
    let result = run::<5>(
        (0..5).collect(),
        vec![tamper(2, Cell::OneHot(4), Fr::from(1))],
    );
    assert_rejected(result, "ONE_HOT_SELECTOR: exactly one state");
}

#[test]
fn one_hot_non_boolean_cells_are_rejected() {
    // Row 2 is state 2: cell[2] = 2 and cell[3] = -1 keep the sum at 1.
    let tampers = vec![
        tamper(2, Cell::OneHot(2), Fr::from(2)),
        tamper(2, Cell::OneHot(3), -Fr::one()),
    ];
    let result = run::<5>((0..5).collect(), tampers);
    let texts = assert_rejected(result, "ONE_HOT_SELECTOR: cell[2] is boolean");
    assert!(
        texts.iter().all(|t| !t.contains("exactly one state")),
        "{texts:#?}"
    );
}

#[test]
fn binary_non_boolean_bit_is_rejected() {
    let result = run::<8>((0..8).collect(), vec![tamper(1, Cell::Bit(0), Fr::from(2))]);
    assert_rejected(result, "BINARY_SELECTOR: bit[0] is boolean");
}

#[test]
fn binary_unused_code_is_rejected() {
    // Row 4 is state 4 = 0b100; 0b110 = 6 is not a state of N = 5.
    let result = run::<5>((0..5).collect(), vec![tamper(4, Cell::Bit(1), Fr::from(1))]);
    assert_rejected(result, "BINARY_SELECTOR: state < N");
}

#[test]
fn binary_other_state_is_rejected_by_the_decoder() {
    // 0b001 → 0b011: a valid state, but not the expected one.
    let result = run::<5>((0..5).collect(), vec![tamper(1, Cell::Bit(1), Fr::from(1))]);
    assert_rejected(result, "TEST: binary decodes to expected");
}

/// Columns and degrees of one encoding with `n` states.
fn measure(n: usize, binary: bool) -> (usize, usize, usize, usize) {
    let mut meta = ConstraintSystem::<Fr>::default();
    let q = meta.selector();
    let (a, b, c) = (
        meta.advice_column(),
        meta.advice_column(),
        meta.advice_column(),
    );
    let before = meta.num_advice_columns();
    let is_last: Expression<Fr> = if binary {
        let bits = (0..BinarySelectorConfig::<Fr>::num_bits(n))
            .map(|_| meta.advice_column())
            .collect();
        BinarySelectorConfig::configure(&mut meta, |m| m.query_selector(q), n, bits).is_state(n - 1)
    } else {
        let cells = (0..n).map(|_| meta.advice_column()).collect();
        OneHotSelectorConfig::configure(&mut meta, |m| m.query_selector(q), cells).is_state(n - 1)
    };
    let columns = meta.num_advice_columns() - before;
    let own = meta
        .gates()
        .iter()
        .flat_map(|g| g.polynomials())
        .map(|p| p.degree())
        .max()
        .unwrap_or(0);
    let state_degree = is_last.degree();
    meta.create_gate("gadget", |m| {
        let q = m.query_selector(q);
        let [a, b, c] = [a, b, c].map(|col| m.query_advice(col, Rotation::cur()));
        vec![q * is_last * (a * b - c)]
    });
    let gated = meta
        .gates()
        .last()
        .map(|g| g.polynomials()[0].degree())
        .unwrap_or(0);
    (columns, own, state_degree, gated)
}

#[test]
fn measurement_table() {
    // (columns, own max degree, is_state degree, gated degree-2 constraint degree)
    assert_eq!(measure(64, false), (64, 3, 1, 4));
    assert_eq!(measure(64, true), (6, 3, 6, 9));
    assert_eq!(measure(128, false), (128, 3, 1, 4));
    assert_eq!(measure(128, true), (7, 3, 7, 10));
    assert_eq!(measure(100, true), (7, 8, 7, 10));
}

#[test]
fn num_bits_is_ceil_log2() {
    let bits: Vec<usize> = [1, 2, 3, 4, 5, 64, 65, 128]
        .iter()
        .map(|n| BinarySelectorConfig::<Fr>::num_bits(*n))
        .collect();
    assert_eq!(bits, vec![0, 1, 2, 2, 3, 6, 7, 7]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn decodes_to_native_index(states in prop::collection::vec(0usize..13, 1..6)) {
        prop_assert_eq!(run::<13>(states, vec![]), Ok(()));
    }

    #[test]
    fn moving_the_hot_cell_is_rejected(state in 0usize..13, other in 0usize..13) {
        prop_assume!(state != other);
        let tampers = vec![tamper(0, Cell::OneHot(state), Fr::from(0)), tamper(0, Cell::OneHot(other), Fr::from(1))];
        let result = run::<13>(vec![state], tampers);
        prop_assert!(result.is_err());
    }
}
