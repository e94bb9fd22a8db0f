//! Tests of [`WordAddConfig`] and [`WordSubConfig`] against byte-wise reference arithmetic.

use super::*;
use crate::{
    byte_table::{ByteTable, BYTE_TABLE_MIN_K},
    test_util::{assert_rejected, mock_verify},
    word::WordBytesConfig,
};
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    dev::VerifyFailure,
    plonk::{Circuit, Selector},
};
use halo2curves::bn256::Fr;
use proptest::prelude::*;

/// Reference: `a + b` over 32 little-endian bytes, schoolbook with a carry.
fn reference_add(a: [u8; 32], b: [u8; 32]) -> ([u8; 32], bool) {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let s = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = (s & 0xff) as u8;
        carry = s >> 8;
    }
    (out, carry == 1)
}

/// Reference: `a - b` over 32 little-endian bytes, schoolbook with a borrow.
fn reference_sub(a: [u8; 32], b: [u8; 32]) -> ([u8; 32], bool) {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in 0..32 {
        let d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        out[i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    (out, borrow == 1)
}

/// One row: the operands and the results the reference computed.
#[derive(Clone, Copy, Debug, Default)]
struct Case {
    a: Word<u128>,
    b: Word<u128>,
    sum: Word<u128>,
    overflow: bool,
    diff: Word<u128>,
    borrow: bool,
}

impl Case {
    fn new(a: Word<u128>, b: Word<u128>) -> Self {
        let (sum, overflow) = reference_add(a.to_le_bytes(), b.to_le_bytes());
        let (diff, borrow) = reference_sub(a.to_le_bytes(), b.to_le_bytes());
        let (sum, diff) = (Word::from_le_bytes(sum), Word::from_le_bytes(diff));
        Self {
            a,
            b,
            sum,
            overflow,
            diff,
            borrow,
        }
    }
}

#[derive(Clone, Debug)]
struct TestConfig {
    q: Selector,
    a: Word<Column<Advice>>,
    b: Word<Column<Advice>>,
    sum: Word<Column<Advice>>,
    diff: Word<Column<Advice>>,
    expected_overflow: Column<Advice>,
    expected_borrow: Column<Advice>,
    add: WordAddConfig<Fr>,
    sub: WordSubConfig<Fr>,
    sum_bytes: WordBytesConfig<Fr>,
    diff_bytes: WordBytesConfig<Fr>,
    table: ByteTable,
}

/// The named cells a test may overwrite.
#[derive(Clone, Copy, Debug)]
enum Cell {
    SumLo,
    SumHi,
    AddCarryLo,
    AddCarryHi,
    DiffHi,
    SubCarryHi,
    ExpectedOverflow,
    ExpectedBorrow,
}

#[derive(Clone, Copy, Debug)]
struct Tamper {
    row: usize,
    cell: Cell,
    to: Fr,
}

#[derive(Clone, Debug, Default)]
struct TestCircuit {
    cases: Vec<Case>,
    tampers: Vec<Tamper>,
}

impl Circuit<Fr> for TestCircuit {
    type Config = TestConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        Self::default()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> TestConfig {
        let q = meta.complex_selector();
        let mut word = || Word::new(meta.advice_column(), meta.advice_column());
        let (a, b, sum, diff) = (word(), word(), word(), word());
        let [add_lo, add_hi, sub_lo, sub_hi, expected_overflow, expected_borrow] =
            [(); 6].map(|_| meta.advice_column());
        let table = ByteTable::configure(meta);
        let query = |w: Word<Column<Advice>>| {
            move |m: &mut VirtualCells<'_, Fr>| w.map(|c| m.query_advice(c, Rotation::cur()))
        };
        let q_enable = |m: &mut VirtualCells<'_, Fr>| m.query_selector(q);
        let add = WordAddConfig::configure(
            meta,
            q_enable,
            query(a),
            query(b),
            query(sum),
            add_lo,
            add_hi,
        );
        let sub = WordSubConfig::configure(
            meta,
            q_enable,
            query(a),
            query(b),
            query(diff),
            sub_lo,
            sub_hi,
        );
        let sum_byte_columns = [(); 32].map(|_| meta.advice_column());
        let diff_byte_columns = [(); 32].map(|_| meta.advice_column());
        let sum_bytes =
            WordBytesConfig::configure(meta, q_enable, query(sum), sum_byte_columns, &table);
        let diff_bytes =
            WordBytesConfig::configure(meta, q_enable, query(diff), diff_byte_columns, &table);
        meta.create_gate("TEST", |m| {
            let q = m.query_selector(q);
            let overflow = m.query_advice(expected_overflow, Rotation::cur());
            let borrow = m.query_advice(expected_borrow, Rotation::cur());
            vec![
                (
                    "TEST: expected overflow",
                    q.clone() * (overflow - add.overflow()),
                ),
                ("TEST: expected borrow", q * (borrow - sub.borrow())),
            ]
        });
        TestConfig {
            q,
            a,
            b,
            sum,
            diff,
            expected_overflow,
            expected_borrow,
            add,
            sub,
            sum_bytes,
            diff_bytes,
            table,
        }
    }

    fn synthesize(&self, config: TestConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        config.table.load(&mut layouter)?;
        layouter.assign_region(
            || "word add/sub",
            |mut region| {
                let bit = |b: bool| Value::known(Fr::from(u64::from(b)));
                for (row, case) in self.cases.iter().enumerate() {
                    config.q.enable(&mut region, row)?;
                    for (columns, value) in [
                        (config.a, case.a),
                        (config.b, case.b),
                        (config.sum, case.sum),
                        (config.diff, case.diff),
                    ] {
                        region.assign_advice(
                            columns.lo,
                            row,
                            Value::known(Fr::from_u128(value.lo)),
                        );
                        region.assign_advice(
                            columns.hi,
                            row,
                            Value::known(Fr::from_u128(value.hi)),
                        );
                    }
                    let (a, b) = (Value::known(case.a), Value::known(case.b));
                    config.add.assign(&mut region, row, a, b)?;
                    config.sub.assign(&mut region, row, a, b)?;
                    config
                        .sum_bytes
                        .assign(&mut region, row, Value::known(case.sum))?;
                    config
                        .diff_bytes
                        .assign(&mut region, row, Value::known(case.diff))?;
                    region.assign_advice(config.expected_overflow, row, bit(case.overflow));
                    region.assign_advice(config.expected_borrow, row, bit(case.borrow));
                }
                for Tamper { row, cell, to } in self.tampers.iter().copied() {
                    let column = match cell {
                        Cell::SumLo => config.sum.lo,
                        Cell::SumHi => config.sum.hi,
                        Cell::AddCarryLo => config.add.carry_lo,
                        Cell::AddCarryHi => config.add.carry_hi,
                        Cell::DiffHi => config.diff.hi,
                        Cell::SubCarryHi => config.sub.add.carry_hi,
                        Cell::ExpectedOverflow => config.expected_overflow,
                        Cell::ExpectedBorrow => config.expected_borrow,
                    };
                    region.assign_advice(column, row, Value::known(to));
                }
                Ok(())
            },
        )
    }
}

fn run(cases: Vec<Case>, tampers: Vec<Tamper>) -> Result<(), Vec<VerifyFailure>> {
    mock_verify(BYTE_TABLE_MIN_K, &TestCircuit { cases, tampers })
}

fn edge_cases() -> Vec<Case> {
    [
        (Word::ZERO, Word::ZERO),
        (Word::MAX, Word::new(1, 0)),
        (Word::new(u128::MAX, 5), Word::new(1, 0)),
        (Word::new(0, 1), Word::new(1, 0)),
        (Word::MAX, Word::MAX),
        (Word::new(3, 0), Word::new(0, 1)),
    ]
    .into_iter()
    .map(|(a, b)| Case::new(a, b))
    .collect()
}

fn tamper(row: usize, cell: Cell, to: Fr) -> Tamper {
    Tamper { row, cell, to }
}

#[test]
fn honest_witness_is_accepted() {
    assert_eq!(run(edge_cases(), vec![]), Ok(()));
}

#[test]
fn wrong_sum_is_rejected() {
    // Row 2: (2^128 - 1, 5) + (1, 0) = (0, 6).
    let tampers = vec![tamper(2, Cell::SumHi, Fr::from(7))];
    assert_rejected(
        run(edge_cases(), tampers),
        "WORD_ADD: lhs.hi + rhs.hi + carry_lo = sum.hi + carry_hi·2^128",
    );
}

#[test]
fn dropped_low_carry_needs_an_out_of_range_limb() {
    // Row 2 again: carry_lo 1 → 0, sum.lo 0 → 2^128, sum.hi 6 → 5 satisfies both WORD_ADD
    // equations; only the byte decomposition of the sum rejects it.
    let tampers = vec![
        tamper(2, Cell::AddCarryLo, Fr::zero()),
        tamper(2, Cell::SumLo, pow2(128)),
        tamper(2, Cell::SumHi, Fr::from(5)),
    ];
    let texts = assert_rejected(
        run(edge_cases(), tampers),
        "WORD_BYTES lo: value = Σ byte_i · 256^i",
    );
    assert!(texts.iter().all(|t| !t.contains("WORD_ADD")), "{texts:#?}");
}

#[test]
fn non_boolean_carry_is_rejected() {
    let tampers = vec![tamper(0, Cell::AddCarryHi, Fr::from(2))];
    assert_rejected(run(edge_cases(), tampers), "WORD_ADD: carry_hi is boolean");
}

#[test]
fn wrong_overflow_is_rejected() {
    // Row 1: MAX + 1 overflows; claim it does not.
    assert_rejected(
        run(
            edge_cases(),
            vec![tamper(1, Cell::ExpectedOverflow, Fr::zero())],
        ),
        "TEST: expected overflow",
    );
    // Row 0: 0 + 0 does not overflow; claim it does.
    assert_rejected(
        run(
            edge_cases(),
            vec![tamper(0, Cell::ExpectedOverflow, Fr::one())],
        ),
        "TEST: expected overflow",
    );
}

#[test]
fn wrong_difference_is_rejected() {
    // Row 3: (0, 1) - (1, 0) = (MAX, 0); claim diff.hi = 1.
    let tampers = vec![tamper(3, Cell::DiffHi, Fr::one())];
    assert_rejected(
        run(edge_cases(), tampers),
        "WORD_SUB: lhs.hi + rhs.hi + carry_lo = sum.hi + carry_hi·2^128",
    );
}

#[test]
fn wrong_borrow_is_rejected() {
    // Row 5: 3 - 2^128 borrows.
    assert_rejected(
        run(
            edge_cases(),
            vec![tamper(5, Cell::ExpectedBorrow, Fr::zero())],
        ),
        "TEST: expected borrow",
    );
    let tampers = vec![tamper(5, Cell::SubCarryHi, Fr::zero())];
    assert_rejected(
        run(edge_cases(), tampers),
        "WORD_SUB: lhs.hi + rhs.hi + carry_lo = sum.hi + carry_hi·2^128",
    );
}

fn word() -> impl Strategy<Value = Word<u128>> {
    let limb = prop_oneof![Just(0u128), Just(u128::MAX), any::<u128>()];
    (limb.clone(), limb).prop_map(|(lo, hi)| Word::new(lo, hi))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn add_and_sub_match_reference(pairs in prop::collection::vec((word(), word()), 1..4)) {
        let cases: Vec<Case> = pairs.iter().map(|(a, b)| Case::new(*a, *b)).collect();
        for case in &cases {
            prop_assert_eq!(case.a.overflowing_add(case.b), (case.sum, case.overflow));
            prop_assert_eq!(case.a.overflowing_sub(case.b), (case.diff, case.borrow));
        }
        prop_assert_eq!(run(cases, vec![]), Ok(()));
    }

    #[test]
    fn flipped_flags_are_rejected(a in word(), b in word(), borrow_side in any::<bool>()) {
        let case = Case::new(a, b);
        let t = if borrow_side {
            tamper(0, Cell::ExpectedBorrow, Fr::from(u64::from(!case.borrow)))
        } else {
            tamper(0, Cell::ExpectedOverflow, Fr::from(u64::from(!case.overflow)))
        };
        let result = run(vec![case], vec![t]);
        prop_assert!(result.is_err());
    }
}
