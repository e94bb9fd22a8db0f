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

/// `N` advice columns, each queried at rotations `0..R` by one gate (their sum is zero).
#[derive(Clone, Default)]
struct Tall<const N: usize, const R: i32>;

#[derive(Clone)]
struct TallConfig {
    q: Column<Fixed>,
    advice: Vec<Column<Advice>>,
}

impl<const N: usize, const R: i32> Circuit<Fr> for Tall<N, R> {
    type Config = TallConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        Tall
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> TallConfig {
        let q = meta.fixed_column();
        let advice: Vec<_> = (0..N).map(|_| meta.advice_column()).collect();
        for a in advice.iter().copied() {
            meta.create_gate("rows sum to zero", |m| {
                let q = m.query_fixed(q, Rotation::cur());
                let sum = (0..R)
                    .map(|r| m.query_advice(a, Rotation(r)))
                    .fold(Expression::Constant(Fr::zero()), |s, v| s + v);
                vec![q * sum]
            });
        }
        TallConfig { q, advice }
    }

    fn synthesize(&self, c: TallConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        layouter.assign_region(
            || "rows",
            |mut r| {
                r.assign_fixed(c.q, 0, Fr::one());
                for a in &c.advice {
                    for row in 0..R as usize {
                        r.assign_advice(*a, row, Value::known(Fr::zero()));
                    }
                }
                Ok(())
            },
        )
    }
}

fn cost_of_tall<const N: usize, const R: i32>(params: &ParamsKZG<Bn256>) -> AggregationCost {
    let vk = equivm_circuits::prover::keygen_vk(params, &Tall::<N, R>).expect("vk");
    aggregation_cost(params, &vk, vec![])
}

#[test]
fn a_column_costs_far_more_than_an_opening_at_one_more_rotation() {
    let params = equivm_circuits::prover::insecure_params(8, 1).expect("params");
    let base = cost_of_tall::<10, 1>(&params);
    let tall = cost_of_tall::<10, 16>(&params);
    let wide = cost_of_tall::<20, 1>(&params);
    let per_opening = (tall.advice_cells - base.advice_cells) / (10 * 15);
    let per_column = (wide.advice_cells - base.advice_cells) / 10;
    println!("per opening {per_opening}; per column {per_column} cells");
    // 150 more openings (the same 10 commitments at 15 more points) cost less than ten
    // more commitments opened once each.
    assert!(tall.advice_cells > base.advice_cells);
    assert!(
        tall.advice_cells - base.advice_cells < wide.advice_cells - base.advice_cells,
        "{tall:?} vs {wide:?}"
    );
}
