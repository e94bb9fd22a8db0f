//! IsZero: under `q_enable`, the output expression `is_zero` equals 1 if `value = 0` and 0
//! otherwise, with one witness cell `value_inv`.
//!
//! ```text
//! is_zero := 1 - value · value_inv
//! "IS_ZERO: value · is_zero = 0"
//! ```
//! Soundness: if `value ≠ 0` the constraint forces `value_inv = 1/value`, hence `is_zero = 0`;
//! if `value = 0` then `is_zero = 1` whatever `value_inv` holds. Cost: 1 advice column, 1
//! constraint of degree `deg(q) + 2·deg(value) + 1`; `is_zero` has degree `deg(value) + 1`.

use halo2_proofs::{
    circuit::{Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Error, Expression, VirtualCells},
    poly::Rotation,
};

/// Columns and output expression of the IsZero chip.
#[derive(Clone, Debug)]
pub struct IsZeroConfig<F: PrimeField> {
    /// Witness column: the inverse of `value`, or 0 when `value` is 0.
    pub value_inv: Column<Advice>,
    is_zero: Expression<F>,
}

impl<F: PrimeField> IsZeroConfig<F> {
    /// Registers the `IS_ZERO` gate for `value` under `q_enable`, with its inverse witness
    /// in `value_inv`.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        q_enable: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        value: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        value_inv: Column<Advice>,
    ) -> Self {
        let mut is_zero = Expression::Constant(F::ONE);
        meta.create_gate("IS_ZERO", |meta| {
            let q = q_enable(meta);
            let value = value(meta);
            let inv = meta.query_advice(value_inv, Rotation::cur());
            is_zero = Expression::Constant(F::ONE) - value.clone() * inv;
            vec![("IS_ZERO: value · is_zero = 0", q * value * is_zero.clone())]
        });
        Self { value_inv, is_zero }
    }

    /// The output: 1 if `value = 0`, else 0 (meaningful where `q_enable` is on).
    pub fn expr(&self) -> Expression<F> {
        self.is_zero.clone()
    }

    /// Assigns `value_inv` at `offset` from `value`; returns the output (1 or 0).
    pub fn assign(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        value: Value<F>,
    ) -> Result<Value<F>, Error> {
        let inv = value.map(|v| v.invert().unwrap_or(F::ZERO));
        region.assign_advice(self.value_inv, offset, inv);
        Ok(value.map(|v| {
            if bool::from(v.is_zero()) {
                F::ONE
            } else {
                F::ZERO
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{assert_rejected, mock_verify};
    use halo2_proofs::{
        circuit::{Layouter, SimpleFloorPlanner},
        plonk::{Circuit, Selector},
    };
    use halo2curves::bn256::Fr;
    use proptest::prelude::*;

    const K: u32 = 4;

    /// One value per row; `expected` holds the claimed output.
    #[derive(Clone, Debug)]
    struct TestConfig {
        q: Selector,
        value: Column<Advice>,
        expected: Column<Advice>,
        is_zero: IsZeroConfig<Fr>,
    }

    /// Which cell the test overwrites after the honest assignment.
    #[derive(Clone, Copy, Debug)]
    enum Tamper {
        ValueInv { row: usize, to: Fr },
        Expected { row: usize, to: Fr },
    }

    #[derive(Clone, Debug, Default)]
    struct TestCircuit {
        values: Vec<Fr>,
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
            let [value, value_inv, expected] = [(); 3].map(|_| meta.advice_column());
            let is_zero = IsZeroConfig::configure(
                meta,
                |m| m.query_selector(q),
                |m| m.query_advice(value, Rotation::cur()),
                value_inv,
            );
            meta.create_gate("TEST", |m| {
                let q = m.query_selector(q);
                let expected = m.query_advice(expected, Rotation::cur());
                vec![("TEST: expected = is_zero", q * (expected - is_zero.expr()))]
            });
            TestConfig {
                q,
                value,
                expected,
                is_zero,
            }
        }

        fn synthesize(
            &self,
            config: TestConfig,
            mut layouter: impl Layouter<Fr>,
        ) -> Result<(), Error> {
            layouter.assign_region(
                || "is_zero",
                |mut region| {
                    for (row, value) in self.values.iter().enumerate() {
                        config.q.enable(&mut region, row)?;
                        region.assign_advice(config.value, row, Value::known(*value));
                        let out = config
                            .is_zero
                            .assign(&mut region, row, Value::known(*value))?;
                        region.assign_advice(config.expected, row, out);
                    }
                    match self.tamper {
                        Some(Tamper::ValueInv { row, to }) => {
                            region.assign_advice(config.is_zero.value_inv, row, Value::known(to));
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

    fn edge_values() -> Vec<Fr> {
        vec![
            Fr::zero(),
            Fr::one(),
            -Fr::one(),
            Fr::from(256),
            Fr::from_u128(u128::MAX),
        ]
    }

    fn run(
        values: Vec<Fr>,
        tamper: Option<Tamper>,
    ) -> Result<(), Vec<halo2_proofs::dev::VerifyFailure>> {
        mock_verify(K, &TestCircuit { values, tamper })
    }

    #[test]
    fn honest_witness_is_accepted() {
        assert_eq!(run(edge_values(), None), Ok(()));
    }

    #[test]
    fn any_inverse_is_accepted_for_zero() {
        // value = 0 (row 0): the inverse cell is unconstrained and the output stays 1.
        let tamper = Tamper::ValueInv {
            row: 0,
            to: Fr::from(7),
        };
        assert_eq!(run(edge_values(), Some(tamper)), Ok(()));
    }

    #[test]
    fn wrong_inverse_of_nonzero_is_rejected() {
        // value = 1 (row 1) with inverse 0 would make is_zero = 1.
        let tamper = Tamper::ValueInv {
            row: 1,
            to: Fr::zero(),
        };
        assert_rejected(
            run(edge_values(), Some(tamper)),
            "IS_ZERO: value · is_zero = 0",
        );
    }

    #[test]
    fn claiming_nonzero_for_zero_is_rejected() {
        let tamper = Tamper::Expected {
            row: 0,
            to: Fr::zero(),
        };
        assert_rejected(run(edge_values(), Some(tamper)), "TEST: expected = is_zero");
    }

    #[test]
    fn claiming_zero_for_nonzero_is_rejected() {
        let tamper = Tamper::Expected {
            row: 2,
            to: Fr::one(),
        };
        assert_rejected(run(edge_values(), Some(tamper)), "TEST: expected = is_zero");
    }

    fn field_value() -> impl Strategy<Value = Fr> {
        prop_oneof![
            Just(Fr::zero()),
            any::<u128>().prop_map(Fr::from_u128),
            any::<u64>().prop_map(|v| -Fr::from(v))
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn output_matches_native(values in prop::collection::vec(field_value(), 1..6)) {
            prop_assert_eq!(run(values, None), Ok(()));
        }

        #[test]
        fn flipped_output_is_rejected(values in prop::collection::vec(field_value(), 1..6), row in 0usize..6) {
            let row = row % values.len();
            let flipped = if values[row] == Fr::zero() { Fr::zero() } else { Fr::one() };
            let result = run(values, Some(Tamper::Expected { row, to: flipped }));
            prop_assert!(result.is_err());
        }
    }
}
