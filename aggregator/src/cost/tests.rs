use super::*;
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner, Value},
    halo2curves::bn256::Fr,
    plonk::{Advice, Circuit, Column, ConstraintSystem, Error, Expression, Fixed, TableColumn},
    poly::Rotation,
};

/// `N` boolean advice columns and `L` lookups of them into a one-row table.
#[derive(Clone, Default)]
struct Wide<const N: usize, const L: usize>;

#[derive(Clone)]
struct WideConfig {
    q: Column<Fixed>,
    advice: Vec<Column<Advice>>,
    table: TableColumn,
}

impl<const N: usize, const L: usize> Circuit<Fr> for Wide<N, L> {
    type Config = WideConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        Wide
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> WideConfig {
        let q = meta.fixed_column();
        let advice: Vec<_> = (0..N).map(|_| meta.advice_column()).collect();
        let table = meta.lookup_table_column();
        for a in advice.iter().copied() {
            meta.create_gate("boolean", |m| {
                let q = m.query_fixed(q, Rotation::cur());
                let v = m.query_advice(a, Rotation::cur());
                vec![q * v.clone() * (v - Expression::Constant(Fr::one()))]
            });
        }
        for i in 0..L {
            let a = advice[i % N];
            meta.lookup("in the table", |m| {
                vec![(m.query_advice(a, Rotation::cur()), table)]
            });
        }
        WideConfig { q, advice, table }
    }

    fn synthesize(&self, c: WideConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        layouter.assign_table(
            || "table",
            |mut t| {
                t.assign_cell(|| "0", c.table, 0, || Value::known(Fr::zero()))?;
                Ok(())
            },
        )?;
        layouter.assign_region(
            || "row",
            |mut r| {
                r.assign_fixed(c.q, 0, Fr::one());
                for a in &c.advice {
                    r.assign_advice(*a, 0, Value::known(Fr::zero()));
                }
                Ok(())
            },
        )
    }
}

fn cost_of<const N: usize, const L: usize>(params: &ParamsKZG<Bn256>) -> AggregationCost {
    let vk = equivm_circuits::prover::keygen_vk(params, &Wide::<N, L>).expect("vk");
    aggregation_cost(params, &vk, vec![])
}

#[test]
fn every_commitment_of_the_verified_proof_costs_cells() {
    let params = equivm_circuits::prover::insecure_params(8, 1).expect("params");
    let base = cost_of::<10, 0>(&params);
    let wider = cost_of::<20, 0>(&params);
    let looked_up = cost_of::<10, 5>(&params);
    let per_column = (wider.advice_cells - base.advice_cells) / 10;
    let per_lookup = (looked_up.advice_cells - base.advice_cells) / 5;
    println!("base {base:?}; per advice column {per_column}; per lookup {per_lookup} cells");
    // An advice column adds a commitment (a point in the verifier's MSM) and an
    // evaluation; a lookup adds three commitments and five evaluations.
    assert!(per_column > 10_000, "{per_column}");
    assert!(per_lookup > 2 * per_column, "{per_lookup} vs {per_column}");
    assert!(wider.lookup_cells > base.lookup_cells);
    assert!(base.columns_at(20) < base.columns_at(18));
}
