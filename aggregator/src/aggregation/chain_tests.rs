//! Chunks joined by their states: the aggregation circuit requires each chunk to start where
//! the one before it ended, and exposes only the first start and the last end.
//!
//! The chunks here are a small counting circuit (public `start` and `end`, with
//! `end = start + steps` proved row by row): it stands in for a chunk of a block, whose
//! circuit is not built yet, to test the joining itself.

use super::*;
use equivm_circuits::prover::{keygen, params_for_k};
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner, Value},
    plonk::{Advice, Circuit, Column, ConstraintSystem, Error, Fixed, Instance},
    poly::Rotation,
};

/// Counts from its public `start` to its public `end`, one step a row.
#[derive(Clone, Debug)]
struct CountingChunk {
    start: u64,
    steps: u64,
}

#[derive(Clone, Debug)]
struct CountingConfig {
    count: Column<Advice>,
    q_step: Column<Fixed>,
    boundary: Column<Instance>,
}

impl Circuit<Fr> for CountingChunk {
    type Config = CountingConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> CountingConfig {
        let count = meta.advice_column();
        let q_step = meta.fixed_column();
        let boundary = meta.instance_column();
        meta.enable_equality(count);
        meta.enable_equality(boundary);
        meta.create_gate("count(next) = count + 1", |meta| {
            let q = meta.query_fixed(q_step, Rotation::cur());
            let cur = meta.query_advice(count, Rotation::cur());
            let next = meta.query_advice(count, Rotation::next());
            vec![q * (next - cur - halo2_proofs::plonk::Expression::Constant(Fr::one()))]
        });
        CountingConfig {
            count,
            q_step,
            boundary,
        }
    }

    fn synthesize(&self, c: CountingConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        let (first, last) = layouter.assign_region(
            || "count",
            |mut region| {
                let mut cells = Vec::new();
                for i in 0..=self.steps {
                    if i < self.steps {
                        region.assign_fixed(c.q_step, i as usize, Fr::one());
                    }
                    cells.push(region.assign_advice(
                        c.count,
                        i as usize,
                        Value::known(Fr::from(self.start + i)),
                    ));
                }
                let first = cells.first().map(|c| c.cell()).ok_or(Error::Synthesis)?;
                let last = cells.last().map(|c| c.cell()).ok_or(Error::Synthesis)?;
                Ok((first, last))
            },
        )?;
        layouter.constrain_instance(first, c.boundary, 0);
        layouter.constrain_instance(last, c.boundary, 1);
        Ok(())
    }
}

impl CircuitExt<Fr> for CountingChunk {
    fn num_instance(&self) -> Vec<usize> {
        vec![2]
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        vec![vec![
            Fr::from(self.start),
            Fr::from(self.start + self.steps),
        ]]
    }
}

const BOUNDARY: ChunkBoundary = ChunkBoundary {
    start: 0,
    end: 1,
    len: 1,
};

#[test]
fn chunks_join_only_in_order_and_the_proof_exposes_the_first_start_and_the_last_end() {
    let k = 18;
    let params = test_params(k);
    let inner = params_for_k(&params, 6).expect("downsized").into_owned();
    let steps = 10;
    let chunk = |start| CountingChunk { start, steps };
    let pk = keygen(&inner, &chunk(0)).expect("chunk keys");
    let snark = |start| prove_snark(&inner, &pk, chunk(start)).expect("chunk proof");
    // Two chunks: 5 → 15 → 25.
    let (a, b) = (snark(5), snark(15));
    let chain = Aggregated::Chain(BOUNDARY);
    let keys = AggregationKeys::generate_for(params, vec![a.clone(), b.clone()], chain)
        .expect("aggregation keys");
    let start = std::time::Instant::now();
    let proof = keys
        .prove(vec![a.clone(), b.clone()])
        .expect("the chain aggregates");
    eprintln!(
        "two chunks aggregated at k = {k} ({} advice columns): {:.1?}",
        keys.config.num_advice,
        start.elapsed()
    );
    assert_eq!(proof.instances.len(), ACCUMULATOR_VALUES + 2);
    assert_eq!(proof.aggregated_instances(), &[Fr::from(5), Fr::from(25)]);

    // Reordered or dropped chunks are refused before proving...
    assert!(matches!(
        keys.prove(vec![b.clone(), a.clone()]),
        Err(AggregationError::Unlinked { chunk: 1 })
    ));
    assert!(matches!(
        keys.prove(vec![a.clone()]),
        Err(AggregationError::ShapeMismatch(_))
    ));
    // ...and by the circuit itself: without that check, the proof does not verify.
    assert!(matches!(
        keys.prove_unchecked(vec![b.clone(), a.clone()]),
        Err(AggregationError::Rejected(_))
    ));
    // A proof whose public values claim another start or end does not verify.
    let mut other_end = proof.clone();
    if let Some(end) = other_end.instances.last_mut() {
        *end += Fr::one();
    }
    assert!(verify_aggregated(&keys.params, keys.vk(), &other_end).is_err());
}

/// The two-layer shape a block's chunks need: each chunk proof is verified alone by a first
/// aggregation circuit (a proof that can itself be aggregated), and a second one joins those
/// proofs as a chain. The chunks' states sit after the first layer's accumulator.
#[test]
#[ignore = "four aggregation proofs, about ten minutes on two cores"]
fn chunks_verified_one_by_one_are_joined_in_a_second_layer() {
    let inner = params_for_k(&test_params(18), 6)
        .expect("downsized")
        .into_owned();
    let chunk = |start| CountingChunk { start, steps: 10 };
    let pk = keygen(&inner, &chunk(0)).expect("chunk keys");
    let snark = |start| prove_snark(&inner, &pk, chunk(start)).expect("chunk proof");
    let (a, b) = (snark(5), snark(15));

    let start = std::time::Instant::now();
    let first = AggregationKeys::generate(test_params(18), vec![a.clone()]).expect("first keys");
    let a1 = first.prove_snark(vec![a]).expect("first layer of chunk a");
    let b1 = first.prove_snark(vec![b]).expect("first layer of chunk b");
    eprintln!(
        "first layer (k = 18, {} advice columns): keys and two proofs in {:.1?}",
        first.config.num_advice,
        start.elapsed()
    );
    assert_eq!(a1.instances.concat().len(), ACCUMULATOR_VALUES + 2);

    let boundary = ChunkBoundary {
        start: ACCUMULATOR_VALUES,
        end: ACCUMULATOR_VALUES + 1,
        len: 1,
    };
    let start = std::time::Instant::now();
    let second = AggregationKeys::generate_for(
        test_params(19),
        vec![a1.clone(), b1.clone()],
        Aggregated::Chain(boundary),
    )
    .expect("second keys");
    let proof = second
        .prove(vec![a1.clone(), b1.clone()])
        .expect("second layer");
    eprintln!(
        "second layer (k = 19, {} advice columns): keys and proof in {:.1?}",
        second.config.num_advice,
        start.elapsed()
    );
    assert_eq!(proof.aggregated_instances(), &[Fr::from(5), Fr::from(25)]);
    assert!(matches!(
        second.prove(vec![b1, a1]),
        Err(AggregationError::Unlinked { chunk: 1 })
    ));
}
