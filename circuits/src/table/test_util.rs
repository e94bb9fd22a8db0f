//! Test harness for the tables: a circuit that loads one table and looks up given rows.

use super::{LookupTable, TableError};
use equivm_trace::program::Program;
use equivm_witness::Witness;
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner, Value},
    dev::{MockProver, VerifyFailure},
    plonk::{Advice, Circuit, Column, ConstraintSystem, Error, Expression, Selector, VirtualCells},
    poly::Rotation,
};
use halo2curves::bn256::Fr;

/// Name of the harness's lookup.
pub(crate) const LOOKUP: &str = "TEST: row is in the table";

/// A table the harness can configure and load from `Data`.
pub(crate) trait TestTable: LookupTable<Fr> + Clone {
    /// What `load` reads.
    type Data: Clone;
    /// Configures the table.
    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self;
    /// The table's `row_exprs`, flattened with its row type's `to_vec`.
    fn row_exprs_vec(&self, meta: &mut VirtualCells<'_, Fr>) -> Vec<Expression<Fr>>;
    /// Loads the table.
    fn load(
        &self,
        layouter: &mut impl Layouter<Fr>,
        data: &Self::Data,
        capacity: usize,
    ) -> Result<(), TableError>;
}

/// Columns of the harness.
#[derive(Clone, Debug)]
pub(crate) struct HarnessConfig<T> {
    table: T,
    q: Selector,
    inputs: Vec<Column<Advice>>,
}

/// Loads `data` into `T` (with `capacity` rows) and looks up every row of `lookups`.
#[derive(Clone, Debug)]
pub(crate) struct Harness<T: TestTable> {
    pub data: T::Data,
    pub capacity: usize,
    pub lookups: Vec<Vec<Fr>>,
}

impl<T: TestTable> Circuit<Fr> for Harness<T> {
    type Config = HarnessConfig<T>;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        let table = T::configure(meta);
        let q = meta.complex_selector();
        let inputs: Vec<Column<Advice>> = (0..table.columns().len())
            .map(|_| meta.advice_column())
            .collect();
        table.lookup(meta, LOOKUP, |m| {
            // The named row view lists the columns in the lookup order.
            let ids = |exprs: Vec<Expression<Fr>>| -> Vec<String> {
                exprs.iter().map(Expression::identifier).collect()
            };
            assert_eq!(ids(table.row_exprs_vec(m)), ids(table.table_exprs(m)));
            let q = m.query_selector(q);
            inputs
                .iter()
                .map(|c| q.clone() * m.query_advice(*c, Rotation::cur()))
                .collect()
        });
        HarnessConfig { table, q, inputs }
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        config
            .table
            .load(&mut layouter, &self.data, self.capacity)?;
        layouter.assign_region(
            || "lookups",
            |mut region| {
                for (offset, row) in self.lookups.iter().enumerate() {
                    config.q.enable(&mut region, offset)?;
                    for (column, value) in config.inputs.iter().zip(row) {
                        region.assign_advice(*column, offset, Value::known(*value));
                    }
                }
                Ok(())
            },
        )
    }
}

/// Runs the MockProver at `k` and returns `verify()`'s verdict.
pub(crate) fn mock_verify<T: TestTable>(
    k: u32,
    circuit: &Harness<T>,
) -> Result<(), Vec<VerifyFailure>> {
    MockProver::run(k, circuit, vec![])
        .expect("synthesis succeeds")
        .verify()
}

/// Asserts that `result` failed and that a failure names the harness's lookup.
pub(crate) fn assert_lookup_rejected(result: Result<(), Vec<VerifyFailure>>) {
    match result {
        Ok(()) => panic!("tampered row was accepted"),
        Err(failures) => {
            let texts: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
            assert!(
                texts.iter().any(|t| t.contains(LOOKUP)),
                "no failure names {LOOKUP:?}: {texts:#?}"
            );
        }
    }
}

/// The witness of a call to `code` with `calldata`.
pub(crate) fn witness_of(code: Vec<u8>, calldata: Vec<u8>) -> Witness {
    let traced = Program::new(code).calldata(calldata).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}
