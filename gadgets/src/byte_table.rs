//! ByteTable: a fixed lookup table holding exactly the values `0..=255`, and the lookup that
//! range-checks one expression against it.
//!
//! The table takes 256 rows, so a circuit that loads it needs `k ≥ 9` (`2^8` rows leave no room
//! for halo2's blinding rows). Cost per range-checked expression: one lookup argument.

use halo2_proofs::{
    circuit::{Layouter, Value},
    halo2curves::ff::PrimeField,
    plonk::{ConstraintSystem, Error, Expression, TableColumn, VirtualCells},
};

/// Number of rows of the byte table.
pub const BYTE_TABLE_ROWS: usize = 256;

/// Smallest `k` of a circuit that loads the byte table.
pub const BYTE_TABLE_MIN_K: u32 = 9;

/// The fixed table `0..=255`.
#[derive(Clone, Copy, Debug)]
pub struct ByteTable {
    /// The table column holding one byte value per row.
    pub byte: TableColumn,
}

impl ByteTable {
    /// Allocates the table column.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        Self {
            byte: meta.lookup_table_column(),
        }
    }

    /// Fills the table with `0..=255`.
    pub fn load<F: PrimeField>(&self, layouter: &mut impl Layouter<F>) -> Result<(), Error> {
        layouter.assign_table(
            || "byte table",
            |mut table| {
                for value in 0..BYTE_TABLE_ROWS {
                    let cell = Value::known(F::from(value as u64));
                    table.assign_cell(|| "byte", self.byte, value, || cell)?;
                }
                Ok(())
            },
        )
    }

    /// Registers the lookup `"{name}"`: where `q_enable` is on, `byte` is in `0..=255`.
    ///
    /// The lookup input is `q_enable · byte` (0, which is in the table, where the chip is off),
    /// so `q_enable` must not contain a simple `Selector`: use a complex selector or a fixed
    /// column.
    pub fn range_check<F: PrimeField>(
        &self,
        meta: &mut ConstraintSystem<F>,
        name: &str,
        q_enable: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        byte: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
    ) {
        meta.lookup(name, |m| {
            let q = q_enable(m);
            vec![(q * byte(m), self.byte)]
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{assert_rejected, mock_verify};
    use halo2_proofs::{
        circuit::SimpleFloorPlanner,
        dev::VerifyFailure,
        plonk::{Advice, Circuit, Column, Selector},
        poly::Rotation,
    };
    use halo2curves::bn256::Fr;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    struct TestConfig {
        q: Selector,
        value: Column<Advice>,
        table: ByteTable,
    }

    /// Range-checks one value per row.
    #[derive(Clone, Debug, Default)]
    struct TestCircuit {
        values: Vec<Fr>,
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
            let table = ByteTable::configure(meta);
            table.range_check(
                meta,
                "TEST: value is a byte",
                |m| m.query_selector(q),
                |m| m.query_advice(value, Rotation::cur()),
            );
            TestConfig { q, value, table }
        }

        fn synthesize(
            &self,
            config: TestConfig,
            mut layouter: impl Layouter<Fr>,
        ) -> Result<(), Error> {
            config.table.load(&mut layouter)?;
            layouter.assign_region(
                || "values",
                |mut region| {
                    for (row, value) in self.values.iter().enumerate() {
                        config.q.enable(&mut region, row)?;
                        region.assign_advice(config.value, row, Value::known(*value));
                    }
                    Ok(())
                },
            )
        }
    }

    fn run(values: &[u64]) -> Result<(), Vec<VerifyFailure>> {
        let values = values.iter().map(|v| Fr::from(*v)).collect();
        mock_verify(BYTE_TABLE_MIN_K, &TestCircuit { values })
    }

    #[test]
    fn every_byte_is_accepted() {
        let all: Vec<u64> = (0..BYTE_TABLE_ROWS as u64).collect();
        assert_eq!(run(&all), Ok(()));
    }

    #[test]
    fn values_outside_the_table_are_rejected() {
        assert_rejected(run(&[0, 256]), "TEST: value is a byte");
        let minus_one = mock_verify(
            BYTE_TABLE_MIN_K,
            &TestCircuit {
                values: vec![-Fr::one()],
            },
        );
        assert_rejected(minus_one, "TEST: value is a byte");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn accepted_iff_below_256(value in prop_oneof![0u64..256, 256u64..1024, any::<u64>()]) {
            prop_assert_eq!(run(&[value]).is_ok(), value < 256);
        }
    }
}
