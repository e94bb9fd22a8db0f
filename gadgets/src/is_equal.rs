//! IsEqual: under `q_enable`, the output expression `is_equal` equals 1 if `lhs = rhs` and 0
//! otherwise. It is [`IsZeroConfig`] applied to `lhs - rhs`, so it inherits its soundness
//! argument.
//!
//! ```text
//! is_equal := 1 - (lhs - rhs) · diff_inv
//! "IS_ZERO: value · is_zero = 0"   with value = lhs - rhs
//! ```
//! Cost: 1 advice column (`diff_inv`), 1 constraint of degree `deg(q) + 2·max(deg lhs, deg rhs) + 1`.

use halo2_proofs::{
    circuit::{Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Error, Expression, VirtualCells},
};

use crate::is_zero::IsZeroConfig;

/// Columns and output expression of the IsEqual chip.
#[derive(Clone, Debug)]
pub struct IsEqualConfig<F: PrimeField> {
    /// The IsZero chip on `lhs - rhs`; its `value_inv` column holds `1 / (lhs - rhs)`.
    pub is_zero: IsZeroConfig<F>,
}

impl<F: PrimeField> IsEqualConfig<F> {
    /// Registers the gate for `lhs == rhs` under `q_enable`, with the inverse of the
    /// difference in `diff_inv`.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        q_enable: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        lhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        rhs: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        diff_inv: Column<Advice>,
    ) -> Self {
        let is_zero = IsZeroConfig::configure(meta, q_enable, |m| lhs(m) - rhs(m), diff_inv);
        Self { is_zero }
    }

    /// The output: 1 if `lhs = rhs`, else 0 (meaningful where `q_enable` is on).
    pub fn expr(&self) -> Expression<F> {
        self.is_zero.expr()
    }

    /// Assigns the inverse of `lhs - rhs` at `offset`; returns the output (1 or 0).
    pub fn assign(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        lhs: Value<F>,
        rhs: Value<F>,
    ) -> Result<Value<F>, Error> {
        self.is_zero.assign(region, offset, lhs - rhs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{assert_rejected, mock_verify};
    use halo2_proofs::{
        circuit::{Layouter, SimpleFloorPlanner},
        dev::VerifyFailure,
        plonk::{Circuit, Selector},
        poly::Rotation,
    };
    use halo2curves::bn256::Fr;
    use proptest::prelude::*;

    const K: u32 = 4;

    #[derive(Clone, Debug)]
    struct TestConfig {
        q: Selector,
        lhs: Column<Advice>,
        rhs: Column<Advice>,
        expected: Column<Advice>,
        is_equal: IsEqualConfig<Fr>,
    }

    #[derive(Clone, Copy, Debug)]
    enum Tamper {
        DiffInv { row: usize, to: Fr },
        Expected { row: usize, to: Fr },
    }

    #[derive(Clone, Debug, Default)]
    struct TestCircuit {
        pairs: Vec<(Fr, Fr)>,
        tamper: Option<Tamper>,
    }

    impl Circuit<Fr> for TestCircuit {
        type Config = TestConfig;
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();

        fn without_witnesses(&self) -> Self {
            Self::default()
        }

        fn configure(meta: &mut ConstraintSystem<Fr>) -> TestConfig {
            let q = meta.selector();
            let [lhs, rhs, diff_inv, expected] = [(); 4].map(|_| meta.advice_column());
            let is_equal = IsEqualConfig::configure(
                meta,
                |m| m.query_selector(q),
                |m| m.query_advice(lhs, Rotation::cur()),
                |m| m.query_advice(rhs, Rotation::cur()),
                diff_inv,
            );
            meta.create_gate("TEST", |m| {
                let q = m.query_selector(q);
                let expected = m.query_advice(expected, Rotation::cur());
                vec![(
                    "TEST: expected = is_equal",
                    q * (expected - is_equal.expr()),
                )]
            });
            TestConfig {
                q,
                lhs,
                rhs,
                expected,
                is_equal,
            }
        }

        fn synthesize(
            &self,
            config: TestConfig,
            mut layouter: impl Layouter<Fr>,
        ) -> Result<(), Error> {
            layouter.assign_region(
                || "is_equal",
                |mut region| {
                    for (row, (lhs, rhs)) in self.pairs.iter().enumerate() {
                        let (lhs, rhs) = (Value::known(*lhs), Value::known(*rhs));
                        config.q.enable(&mut region, row)?;
                        region.assign_advice(config.lhs, row, lhs);
                        region.assign_advice(config.rhs, row, rhs);
                        let out = config.is_equal.assign(&mut region, row, lhs, rhs)?;
                        region.assign_advice(config.expected, row, out);
                    }
                    match self.tamper {
                        Some(Tamper::DiffInv { row, to }) => {
                            let column = config.is_equal.is_zero.value_inv;
                            region.assign_advice(column, row, Value::known(to));
                        }
                        Some(Tamper::Expected { row, to }) => {
                            region.assign_advice(config.expected, row, Value::known(to));
                        }
                        None => {}
                    }
                    Ok(())
                },
            )
        }
    }

    fn run(pairs: Vec<(Fr, Fr)>, tamper: Option<Tamper>) -> Result<(), Vec<VerifyFailure>> {
        mock_verify(K, &TestCircuit { pairs, tamper })
    }

    fn edge_pairs() -> Vec<(Fr, Fr)> {
        vec![
            (Fr::zero(), Fr::zero()),
            (Fr::from(5), Fr::from(5)),
            (Fr::from(5), Fr::from(6)),
            (-Fr::one(), Fr::zero()),
            (Fr::from_u128(u128::MAX), Fr::from_u128(u128::MAX)),
        ]
    }

    #[test]
    fn honest_witness_is_accepted() {
        assert_eq!(run(edge_pairs(), None), Ok(()));
    }

    #[test]
    fn wrong_inverse_is_rejected() {
        // Row 2 has 5 ≠ 6; a zero inverse would claim equality.
        let tamper = Tamper::DiffInv {
            row: 2,
            to: Fr::zero(),
        };
        assert_rejected(
            run(edge_pairs(), Some(tamper)),
            "IS_ZERO: value · is_zero = 0",
        );
    }

    #[test]
    fn claiming_unequal_for_equal_is_rejected() {
        let tamper = Tamper::Expected {
            row: 1,
            to: Fr::zero(),
        };
        assert_rejected(run(edge_pairs(), Some(tamper)), "TEST: expected = is_equal");
    }

    #[test]
    fn claiming_equal_for_unequal_is_rejected() {
        let tamper = Tamper::Expected {
            row: 3,
            to: Fr::one(),
        };
        assert_rejected(run(edge_pairs(), Some(tamper)), "TEST: expected = is_equal");
    }

    fn pair() -> impl Strategy<Value = (Fr, Fr)> {
        prop_oneof![
            any::<u128>().prop_map(|v| (Fr::from_u128(v), Fr::from_u128(v))),
            (any::<u128>(), any::<u128>()).prop_map(|(a, b)| (Fr::from_u128(a), Fr::from_u128(b))),
            (0u64..4, 0u64..4).prop_map(|(a, b)| (Fr::from(a), Fr::from(b))),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn output_matches_native(pairs in prop::collection::vec(pair(), 1..6)) {
            prop_assert_eq!(run(pairs, None), Ok(()));
        }

        #[test]
        fn flipped_output_is_rejected(pairs in prop::collection::vec(pair(), 1..6), row in 0usize..6) {
            let row = row % pairs.len();
            let flipped = if pairs[row].0 == pairs[row].1 { Fr::zero() } else { Fr::one() };
            let result = run(pairs, Some(Tamper::Expected { row, to: flipped }));
            prop_assert!(result.is_err());
        }
    }
}
