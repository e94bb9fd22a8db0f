//! LessThan: under `q_enable`, the boolean cell `lt` equals 1 iff `lhs < rhs`, for operands of
//! at most `N` bytes (`1 ≤ N ≤ 15`).
//!
//! ```text
//! "LESS_THAN: lt is boolean"               lt · (1 - lt) = 0
//! "LESS_THAN: lhs - rhs + lt·2^(8N) = Σ diff_i · 256^i"
//! "LESS_THAN: byte[i] in 0..=255"          (N lookups: 0 ≤ diff < 2^(8N))
//! ```
//! Soundness, given `0 ≤ lhs, rhs < 2^(8N)` (the caller's obligation, e.g. a byte decomposition
//! or a value known to be small): `lhs - rhs` lies in `(-2^(8N), 2^(8N))`. With `lt = 0` and
//! `lhs < rhs` the left side is `p - (rhs - lhs) > 2^(8N)` as a field element, which no `N`
//! bytes reach; with `lt = 1` and `lhs ≥ rhs` it is `≥ 2^(8N)`, again out of reach. So only the
//! honest `lt` has a range-checked `diff`. `N ≤ 15` keeps every quantity below `2^121`, far from
//! `p`. Cost: `N + 1` advice columns, one row, 2 constraints (degree `deg(q) + 2` and
//! `deg(q) + max(1, deg lhs, deg rhs)`), `N` lookups.

use std::cmp::Ordering;

use halo2_proofs::{
    circuit::{Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Error, Expression, VirtualCells},
    poly::Rotation,
};

use crate::{
    byte_table::ByteTable,
    range::ByteDecompositionConfig,
    util::{cmp_as_integers, constant, pow2},
};

/// Columns and output expression of the `N`-byte LessThan chip.
#[derive(Clone, Debug)]
pub struct LessThanConfig<F: PrimeField, const N: usize> {
    /// Witness column: 1 if `lhs < rhs`, else 0.
    pub lt: Column<Advice>,
    /// The `N` range-checked bytes of `lhs - rhs + lt·2^(8N)`.
    pub diff: ByteDecompositionConfig<F, N>,
    lt_expr: Expression<F>,
}

impl<F: PrimeField, const N: usize> LessThanConfig<F, N> {
    /// Registers the `LESS_THAN` gates and the `N` byte lookups under `q_enable`.
    ///
    /// `q_enable` is used in lookups, so it must not contain a simple `Selector`. The operands
    /// must be below `2^(8N)` wherever `q_enable` is on; this chip does not check that.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        q_enable: impl Fn(&mut VirtualCells<'_, F>) -> Expression<F>,
        lhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        rhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        lt: Column<Advice>,
        diff: [Column<Advice>; N],
        table: &ByteTable,
    ) -> Self {
        const { assert!(N >= 1 && N <= 15, "LessThan compares 1 to 15 bytes") };
        let mut lt_expr = constant(0);
        meta.create_gate("LESS_THAN", |m| {
            let q = q_enable(m);
            lt_expr = m.query_advice(lt, Rotation::cur());
            vec![(
                "LESS_THAN: lt is boolean",
                q * lt_expr.clone() * (constant(1) - lt_expr.clone()),
            )]
        });
        let range = pow2::<F>(8 * N as u32);
        let diff = ByteDecompositionConfig::configure(
            meta,
            "LESS_THAN: lhs - rhs + lt·2^(8N) = diff",
            &q_enable,
            |m| lhs(m) - rhs(m) + m.query_advice(lt, Rotation::cur()) * range,
            diff,
            table,
        );
        Self { lt, diff, lt_expr }
    }

    /// The output: 1 if `lhs < rhs`, else 0 (a boolean cell).
    pub fn expr(&self) -> Expression<F> {
        self.lt_expr.clone()
    }

    /// Assigns `lt` and the diff bytes at `offset`; returns whether `lhs < rhs`.
    pub fn assign(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        lhs: Value<F>,
        rhs: Value<F>,
    ) -> Result<Value<bool>, Error> {
        let lt = lhs
            .zip(rhs)
            .map(|(l, r)| cmp_as_integers(&l, &r) == Ordering::Less);
        region.assign_advice(self.lt, offset, lt.map(|lt| F::from(u64::from(lt))));
        let range = pow2::<F>(8 * N as u32);
        let diff = lhs
            .zip(rhs)
            .zip(lt)
            .map(|((l, r), lt)| l - r + if lt { range } else { F::ZERO });
        self.diff.assign(region, offset, diff)?;
        Ok(lt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        byte_table::BYTE_TABLE_MIN_K,
        test_util::{assert_rejected, mock_verify},
    };
    use halo2_proofs::{
        circuit::{Layouter, SimpleFloorPlanner},
        dev::VerifyFailure,
        plonk::{Circuit, Selector},
    };
    use halo2curves::bn256::Fr;
    use proptest::prelude::*;

    const N: usize = 2;
    const DECOMPOSITION: &str = "LESS_THAN: lhs - rhs + lt·2^(8N) = diff: value = Σ byte_i · 256^i";

    #[derive(Clone, Debug)]
    struct TestConfig {
        q: Selector,
        lhs: Column<Advice>,
        rhs: Column<Advice>,
        table: ByteTable,
        less_than: LessThanConfig<Fr, N>,
    }

    #[derive(Clone, Copy, Debug)]
    enum Tamper {
        /// Overwrite `lt` of `row` and recompute the diff bytes to match it, so only the range
        /// check can object.
        LtWithMatchingDiff { row: usize },
        /// Overwrite `lt` of `row` only.
        Lt { row: usize, to: Fr },
        /// Overwrite one diff byte.
        DiffByte { row: usize, index: usize, to: Fr },
    }

    #[derive(Clone, Debug, Default)]
    struct TestCircuit {
        pairs: Vec<(u64, u64)>,
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
            let [lhs, rhs, lt] = [(); 3].map(|_| meta.advice_column());
            let diff = [(); N].map(|_| meta.advice_column());
            let table = ByteTable::configure(meta);
            let less_than = LessThanConfig::configure(
                meta,
                |m| m.query_selector(q),
                |m| m.query_advice(lhs, Rotation::cur()),
                |m| m.query_advice(rhs, Rotation::cur()),
                lt,
                diff,
                &table,
            );
            TestConfig {
                q,
                lhs,
                rhs,
                table,
                less_than,
            }
        }

        fn synthesize(
            &self,
            config: TestConfig,
            mut layouter: impl Layouter<Fr>,
        ) -> Result<(), Error> {
            config.table.load(&mut layouter)?;
            layouter.assign_region(
                || "less_than",
                |mut region| {
                    for (row, (lhs, rhs)) in self.pairs.iter().enumerate() {
                        let (lhs, rhs) =
                            (Value::known(Fr::from(*lhs)), Value::known(Fr::from(*rhs)));
                        config.q.enable(&mut region, row)?;
                        region.assign_advice(config.lhs, row, lhs);
                        region.assign_advice(config.rhs, row, rhs);
                        config.less_than.assign(&mut region, row, lhs, rhs)?;
                    }
                    let lt = &config.less_than;
                    for tamper in self.tampers.iter().copied() {
                        match tamper {
                            Tamper::LtWithMatchingDiff { row } => {
                                let (lhs, rhs) = self.pairs[row];
                                let flipped = lhs >= rhs;
                                let diff = Fr::from(lhs) - Fr::from(rhs)
                                    + if flipped {
                                        pow2::<Fr>(8 * N as u32)
                                    } else {
                                        Fr::zero()
                                    };
                                region.assign_advice(
                                    lt.lt,
                                    row,
                                    Value::known(Fr::from(u64::from(flipped))),
                                );
                                lt.diff.assign(&mut region, row, Value::known(diff))?;
                            }
                            Tamper::Lt { row, to } => {
                                region.assign_advice(lt.lt, row, Value::known(to));
                            }
                            Tamper::DiffByte { row, index, to } => {
                                region.assign_advice(lt.diff.bytes[index], row, Value::known(to));
                            }
                        }
                    }
                    Ok(())
                },
            )
        }
    }

    fn run(pairs: Vec<(u64, u64)>, tampers: Vec<Tamper>) -> Result<(), Vec<VerifyFailure>> {
        mock_verify(BYTE_TABLE_MIN_K, &TestCircuit { pairs, tampers })
    }

    const MAX: u64 = (1 << (8 * N)) - 1;

    fn edge_pairs() -> Vec<(u64, u64)> {
        vec![
            (0, 0),
            (0, 1),
            (1, 0),
            (MAX, MAX),
            (0, MAX),
            (MAX, 0),
            (255, 256),
        ]
    }

    #[test]
    fn honest_witness_is_accepted() {
        assert_eq!(run(edge_pairs(), vec![]), Ok(()));
    }

    #[test]
    fn flipped_lt_is_rejected_by_the_range_check() {
        // (0, MAX) with lt = 0 needs diff = p - MAX, whose low bytes do not recompose it.
        assert_rejected(
            run(edge_pairs(), vec![Tamper::LtWithMatchingDiff { row: 4 }]),
            DECOMPOSITION,
        );
        // (MAX, 0) with lt = 1 needs diff = MAX + 2^16: too large for 2 bytes.
        assert_rejected(
            run(edge_pairs(), vec![Tamper::LtWithMatchingDiff { row: 5 }]),
            DECOMPOSITION,
        );
        // (1, 1)-style equality with lt = 1: diff = 2^16.
        assert_rejected(
            run(edge_pairs(), vec![Tamper::LtWithMatchingDiff { row: 0 }]),
            DECOMPOSITION,
        );
    }

    #[test]
    fn non_boolean_lt_is_rejected() {
        assert_rejected(
            run(
                edge_pairs(),
                vec![Tamper::Lt {
                    row: 1,
                    to: Fr::from(2),
                }],
            ),
            "LESS_THAN: lt is boolean",
        );
    }

    #[test]
    fn out_of_range_diff_byte_is_rejected() {
        // (255, 256): lt = 1, diff = 2^16 - 1 = [255, 255]; [511, 254] recomposes the same, so
        // only the lookup objects.
        let tampers = vec![
            Tamper::DiffByte {
                row: 6,
                index: 0,
                to: Fr::from(511),
            },
            Tamper::DiffByte {
                row: 6,
                index: 1,
                to: Fr::from(254),
            },
        ];
        assert_rejected(
            run(edge_pairs(), tampers),
            "LESS_THAN: lhs - rhs + lt·2^(8N) = diff: byte[0] in 0..=255",
        );
        let one = vec![Tamper::DiffByte {
            row: 6,
            index: 1,
            to: Fr::from(254),
        }];
        assert_rejected(run(edge_pairs(), one), DECOMPOSITION);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn output_matches_native(pairs in prop::collection::vec((0..=MAX, 0..=MAX), 1..6)) {
            prop_assert_eq!(run(pairs, vec![]), Ok(()));
        }

        #[test]
        fn flipped_output_is_rejected(pairs in prop::collection::vec((0..=MAX, 0..=MAX), 1..6), row in 0usize..6) {
            let row = row % pairs.len();
            let result = run(pairs, vec![Tamper::LtWithMatchingDiff { row }]);
            prop_assert!(result.is_err());
        }
    }
}
