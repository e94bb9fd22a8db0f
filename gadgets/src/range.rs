//! Byte decomposition (range check): under `q_enable`, `value` equals `Σ byte_i · 256^i` over
//! `N` byte cells, each looked up in the [`ByteTable`]. Together this proves
//! `0 ≤ value < 2^(8N)`.
//!
//! ```text
//! "{name}: value = Σ byte_i · 256^i"    (1 constraint, degree deg(q) + max(1, deg value))
//! "{name}: byte[i] in 0..=255"          (N lookups into the byte table)
//! ```
//! Soundness: with every `byte_i < 256` the sum is below `2^(8N) ≤ 2^248 < p` (`N ≤ 31`), so it
//! never wraps and the decomposition is the unique base-256 one. Cost: `N` advice columns, one
//! row, one gate, `N` lookups.

use halo2_proofs::{
    circuit::{Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Error, Expression, VirtualCells},
    poly::Rotation,
};

use crate::{
    byte_table::ByteTable,
    util::{expr_from_le_bytes, low_le_bytes},
};

/// Columns and byte expressions of an `N`-byte decomposition (`1 ≤ N ≤ 31`).
#[derive(Clone, Debug)]
pub struct ByteDecompositionConfig<F: PrimeField, const N: usize> {
    /// The byte cells, least significant first.
    pub bytes: [Column<Advice>; N],
    byte_exprs: Vec<Expression<F>>,
}

impl<F: PrimeField, const N: usize> ByteDecompositionConfig<F, N> {
    /// Registers the gate `"{name}"` (recomposition) and one lookup per byte, under `q_enable`.
    ///
    /// `q_enable` is used in lookups, so it must not contain a simple `Selector`.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        name: &str,
        q_enable: impl Fn(&mut VirtualCells<'_, F>) -> Expression<F>,
        value: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        bytes: [Column<Advice>; N],
        table: &ByteTable,
    ) -> Self {
        const {
            assert!(
                N >= 1 && N <= 31,
                "a byte decomposition holds 1 to 31 bytes"
            )
        };
        let mut byte_exprs = Vec::with_capacity(N);
        meta.create_gate(name, |m| {
            let q = q_enable(m);
            let value = value(m);
            byte_exprs = bytes
                .iter()
                .map(|b| m.query_advice(*b, Rotation::cur()))
                .collect();
            let recomposed = expr_from_le_bytes(&byte_exprs);
            vec![(
                format!("{name}: value = Σ byte_i · 256^i"),
                q * (value - recomposed),
            )]
        });
        for (i, byte) in bytes.iter().enumerate() {
            table.range_check(
                meta,
                &format!("{name}: byte[{i}] in 0..=255"),
                &q_enable,
                |m| m.query_advice(*byte, Rotation::cur()),
            );
        }
        Self { bytes, byte_exprs }
    }

    /// The byte cells as expressions, least significant first.
    pub fn byte_exprs(&self) -> &[Expression<F>] {
        &self.byte_exprs
    }

    /// `Σ byte_i · 256^i`, which equals `value` where `q_enable` is on.
    pub fn expr(&self) -> Expression<F> {
        expr_from_le_bytes(&self.byte_exprs)
    }

    /// Assigns the `N` low bytes of `value` at `offset` and returns them.
    ///
    /// A `value` of `2^(8N)` or more has no honest decomposition: the bytes assigned are its low
    /// bytes and the recomposition constraint then fails.
    pub fn assign(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        value: Value<F>,
    ) -> Result<Value<[u8; N]>, Error> {
        let bytes = value.map(|v| low_le_bytes::<F, N>(&v));
        for (i, column) in self.bytes.iter().enumerate() {
            region.assign_advice(*column, offset, bytes.map(|b| F::from(u64::from(b[i]))));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
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
    };
    use halo2curves::bn256::Fr;
    use proptest::prelude::*;

    const N: usize = 4;

    #[derive(Clone, Debug)]
    struct TestConfig {
        q: Selector,
        value: Column<Advice>,
        table: ByteTable,
        range: ByteDecompositionConfig<Fr, N>,
    }

    #[derive(Clone, Copy, Debug)]
    enum Tamper {
        /// Overwrite byte `index` of row `row`.
        Byte { row: usize, index: usize, to: Fr },
    }

    #[derive(Clone, Debug, Default)]
    struct TestCircuit {
        values: Vec<Fr>,
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
            let value = meta.advice_column();
            let bytes = [(); N].map(|_| meta.advice_column());
            let table = ByteTable::configure(meta);
            let range = ByteDecompositionConfig::configure(
                meta,
                "RANGE",
                |m| m.query_selector(q),
                |m| m.query_advice(value, Rotation::cur()),
                bytes,
                &table,
            );
            TestConfig {
                q,
                value,
                table,
                range,
            }
        }

        fn synthesize(
            &self,
            config: TestConfig,
            mut layouter: impl Layouter<Fr>,
        ) -> Result<(), Error> {
            config.table.load(&mut layouter)?;
            layouter.assign_region(
                || "range",
                |mut region| {
                    for (row, value) in self.values.iter().enumerate() {
                        config.q.enable(&mut region, row)?;
                        region.assign_advice(config.value, row, Value::known(*value));
                        config
                            .range
                            .assign(&mut region, row, Value::known(*value))?;
                    }
                    for Tamper::Byte { row, index, to } in self.tampers.iter().copied() {
                        region.assign_advice(config.range.bytes[index], row, Value::known(to));
                    }
                    Ok(())
                },
            )
        }
    }

    fn run(values: Vec<Fr>, tampers: Vec<Tamper>) -> Result<(), Vec<VerifyFailure>> {
        mock_verify(BYTE_TABLE_MIN_K, &TestCircuit { values, tampers })
    }

    fn edge_values() -> Vec<Fr> {
        vec![
            Fr::zero(),
            Fr::one(),
            Fr::from(255),
            Fr::from(256),
            Fr::from(u64::from(u32::MAX)),
        ]
    }

    #[test]
    fn honest_decomposition_is_accepted() {
        assert_eq!(run(edge_values(), vec![]), Ok(()));
    }

    #[test]
    fn value_of_2_pow_32_is_rejected() {
        assert_rejected(
            run(vec![pow2(32)], vec![]),
            "RANGE: value = Σ byte_i · 256^i",
        );
    }

    #[test]
    fn wrong_byte_is_rejected() {
        let tamper = Tamper::Byte {
            row: 3,
            index: 1,
            to: Fr::zero(),
        };
        assert_rejected(
            run(edge_values(), vec![tamper]),
            "RANGE: value = Σ byte_i · 256^i",
        );
    }

    #[test]
    fn out_of_range_byte_is_rejected() {
        // Row 3 holds 256 = [0, 1, 0, 0]; [256, 0, 0, 0] recomposes to the same value, so only
        // the lookup can refuse it.
        let tampers = vec![
            Tamper::Byte {
                row: 3,
                index: 0,
                to: Fr::from(256),
            },
            Tamper::Byte {
                row: 3,
                index: 1,
                to: Fr::zero(),
            },
        ];
        let result = run(edge_values(), tampers);
        let texts = assert_rejected(result, "RANGE: byte[0] in 0..=255");
        assert!(texts.iter().all(|t| !t.contains("value = Σ")), "{texts:#?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn accepted_iff_below_2_pow_32(value in prop_oneof![any::<u32>().prop_map(u64::from), any::<u64>()]) {
            let result = run(vec![Fr::from(value)], vec![]);
            prop_assert_eq!(result.is_ok(), value < (1u64 << 32));
        }

        #[test]
        fn assigned_bytes_are_the_native_bytes(value in any::<u32>()) {
            let bytes = low_le_bytes::<Fr, N>(&Fr::from(u64::from(value)));
            prop_assert_eq!(bytes, value.to_le_bytes());
        }
    }
}
