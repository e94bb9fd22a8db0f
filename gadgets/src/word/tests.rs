//! Tests of [`Word`] and [`WordBytesConfig`].

use super::*;
use crate::{
    byte_table::BYTE_TABLE_MIN_K,
    test_util::{assert_rejected, mock_verify},
    util::pow2,
};
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    dev::VerifyFailure,
    plonk::{Circuit, Selector},
    poly::Rotation,
};
use halo2curves::bn256::Fr;
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct TestConfig {
    q: Selector,
    word: Word<Column<Advice>>,
    table: ByteTable,
    bytes: WordBytesConfig<Fr>,
}

#[derive(Clone, Copy, Debug)]
enum Tamper {
    /// Overwrite the `hi` limb cell (bytes stay honest).
    Hi { row: usize, to: Fr },
    /// Overwrite byte `index` (0..32) of a row.
    Byte { row: usize, index: usize, to: Fr },
}

/// One word per row: limb cells plus their bytes. Limbs are given as field elements so a
/// test can feed a limb that is not below `2^128`.
#[derive(Clone, Debug, Default)]
struct TestCircuit {
    words: Vec<Word<Fr>>,
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
        let word = Word::new(meta.advice_column(), meta.advice_column());
        let byte_columns = [(); 32].map(|_| meta.advice_column());
        let table = ByteTable::configure(meta);
        let bytes = WordBytesConfig::configure(
            meta,
            |m| m.query_selector(q),
            |m| word.map(|c| m.query_advice(c, Rotation::cur())),
            byte_columns,
            &table,
        );
        TestConfig {
            q,
            word,
            table,
            bytes,
        }
    }

    fn synthesize(&self, config: TestConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        config.table.load(&mut layouter)?;
        layouter.assign_region(
            || "word bytes",
            |mut region| {
                for (row, word) in self.words.iter().enumerate() {
                    config.q.enable(&mut region, row)?;
                    region.assign_advice(config.word.lo, row, Value::known(word.lo));
                    region.assign_advice(config.word.hi, row, Value::known(word.hi));
                    config
                        .bytes
                        .assign_limbs(&mut region, row, Value::known(*word))?;
                }
                for tamper in self.tampers.iter().copied() {
                    let (column, row, to) = match tamper {
                        Tamper::Hi { row, to } => (config.word.hi, row, to),
                        Tamper::Byte { row, index, to } if index < 16 => {
                            (config.bytes.lo.bytes[index], row, to)
                        }
                        Tamper::Byte { row, index, to } => {
                            (config.bytes.hi.bytes[index - 16], row, to)
                        }
                    };
                    region.assign_advice(column, row, Value::known(to));
                }
                Ok(())
            },
        )
    }
}

fn run(words: &[Word<u128>], tampers: Vec<Tamper>) -> Result<(), Vec<VerifyFailure>> {
    let words = words.iter().map(|w| w.to_field()).collect();
    mock_verify(BYTE_TABLE_MIN_K, &TestCircuit { words, tampers })
}

fn edge_words() -> Vec<Word<u128>> {
    vec![
        Word::ZERO,
        Word::MAX,
        Word::new(0, 1),
        Word::new(u128::MAX, 0),
        Word::new(1, u128::MAX),
    ]
}

#[test]
fn honest_bytes_are_accepted() {
    assert_eq!(run(&edge_words(), vec![]), Ok(()));
}

#[test]
fn limb_of_2_pow_128_is_rejected() {
    let words = vec![Word::new(pow2::<Fr>(128), Fr::zero())];
    let result = mock_verify(
        BYTE_TABLE_MIN_K,
        &TestCircuit {
            words,
            tampers: vec![],
        },
    );
    assert_rejected(result, "WORD_BYTES lo: value = Σ byte_i · 256^i");
}

#[test]
fn wrong_limb_is_rejected() {
    let tampers = vec![Tamper::Hi {
        row: 2,
        to: Fr::from(2),
    }];
    assert_rejected(
        run(&edge_words(), tampers),
        "WORD_BYTES hi: value = Σ byte_i · 256^i",
    );
}

#[test]
fn out_of_range_byte_is_rejected() {
    // lo = 256 has bytes [0, 1, 0, ..]; [256, 0, 0, ..] recomposes the same, so only the
    // lookup objects.
    let words = vec![Word::new(256, 0)];
    let tampers = vec![
        Tamper::Byte {
            row: 0,
            index: 0,
            to: Fr::from(256),
        },
        Tamper::Byte {
            row: 0,
            index: 1,
            to: Fr::zero(),
        },
    ];
    assert_rejected(run(&words, tampers), "WORD_BYTES lo: byte[0] in 0..=255");
}

#[test]
fn native_words_round_trip() {
    let mut be = [0u8; 32];
    be[31] = 1;
    be[0] = 0x80;
    let word = Word::from_be_bytes(be);
    assert_eq!(word, Word::new(1, 1 << 127));
    assert_eq!(Word::from_le_bytes(word.to_le_bytes()), word);
    assert_eq!(
        Word::MAX.overflowing_add(Word::new(1, 0)),
        (Word::ZERO, true)
    );
    assert_eq!(
        Word::ZERO.overflowing_sub(Word::new(1, 0)),
        (Word::MAX, true)
    );
}

fn word() -> impl Strategy<Value = Word<u128>> {
    (any::<u128>(), any::<u128>()).prop_map(|(lo, hi)| Word::new(lo, hi))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn bytes_match_native(words in prop::collection::vec(word(), 1..4)) {
        for w in &words {
            let mut be = w.to_le_bytes();
            be.reverse();
            prop_assert_eq!(Word::from_be_bytes(be), *w);
        }
        prop_assert_eq!(run(&words, vec![]), Ok(()));
    }

    #[test]
    fn changed_byte_is_rejected(w in word(), index in 0usize..32, delta in 1u64..256) {
        let byte = w.to_le_bytes()[index];
        let to = Fr::from((u64::from(byte) + delta) % 256);
        let result = run(&[w], vec![Tamper::Byte { row: 0, index, to }]);
        prop_assert!(result.is_err());
    }
}
