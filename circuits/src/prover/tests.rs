//! Tests of the proving layer on a toy circuit: `c = a·b` on a few rows, `a` looked up in a
//! fixed range table `0..16`, every `c` copied to the public instance column.

use super::*;
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner, Value},
    plonk::{Advice, Circuit, Column, ConstraintSystem, Error, Fixed, Instance},
    poly::{commitment::Params, kzg::commitment::ParamsKZG, Rotation},
};
use halo2curves::bn256::{Bn256, Fr, G1Affine};
use std::{path::PathBuf, sync::OnceLock, time::SystemTime};

/// The toy circuit's k: 16 table rows and 3 product rows fit in 64 rows with the blinding.
pub(crate) const K: u32 = 6;
pub(crate) const SEED: u64 = 42;
/// Size of the range table `a` is looked up in.
const RANGE: u64 = 16;

#[derive(Clone, Debug)]
pub(crate) struct MulConfig {
    a: Column<Advice>,
    b: Column<Advice>,
    c: Column<Advice>,
    q_mul: Column<Fixed>,
    q_range: Column<Fixed>,
    range: Column<Fixed>,
    out: Column<Instance>,
}

/// Proves `a·b = c` for each pair, with every `a < 16`; the products are public.
#[derive(Clone, Debug, Default)]
pub(crate) struct MulCircuit {
    pairs: Vec<(u64, u64)>,
}

impl MulCircuit {
    pub(crate) fn honest() -> Self {
        MulCircuit {
            pairs: vec![(2, 3), (5, 7), (15, 1)],
        }
    }

    /// The public instances: one column, the products.
    pub(crate) fn instances(&self) -> Vec<Vec<Fr>> {
        vec![self.pairs.iter().map(|(a, b)| Fr::from(a * b)).collect()]
    }
}

impl Circuit<Fr> for MulCircuit {
    type Config = MulConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> MulConfig {
        let [a, b, c] = [(); 3].map(|_| meta.advice_column());
        let [q_mul, q_range, range] = [(); 3].map(|_| meta.fixed_column());
        let out = meta.instance_column();
        meta.enable_equality(c);
        meta.enable_equality(out);
        // MUL: c == a * b on rows with q_mul = 1.
        meta.create_gate("MUL: c == a * b", |m| {
            let q = m.query_fixed(q_mul, Rotation::cur());
            let [a, b, c] = [a, b, c].map(|col| m.query_advice(col, Rotation::cur()));
            vec![q * (a * b - c)]
        });
        // RANGE: a is in the fixed table 0..16 on rows with q_range = 1.
        meta.lookup_any("RANGE: a in 0..16", |m| {
            let q = m.query_fixed(q_range, Rotation::cur());
            let a = m.query_advice(a, Rotation::cur());
            vec![(q * a, m.query_fixed(range, Rotation::cur()))]
        });
        MulConfig {
            a,
            b,
            c,
            q_mul,
            q_range,
            range,
            out,
        }
    }

    fn synthesize(&self, config: MulConfig, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        let cells = layouter.assign_region(
            || "mul",
            |mut region| {
                for v in 0..RANGE {
                    region.assign_fixed(config.range, v as usize, Fr::from(v));
                }
                let mut cells = Vec::new();
                for (row, (a, b)) in self.pairs.iter().enumerate() {
                    region.assign_fixed(config.q_mul, row, Fr::one());
                    region.assign_fixed(config.q_range, row, Fr::one());
                    region.assign_advice(config.a, row, Value::known(Fr::from(*a)));
                    region.assign_advice(config.b, row, Value::known(Fr::from(*b)));
                    let c = region.assign_advice(config.c, row, Value::known(Fr::from(a * b)));
                    cells.push(c.cell());
                }
                Ok(cells)
            },
        )?;
        for (row, cell) in cells.into_iter().enumerate() {
            layouter.constrain_instance(cell, config.out, row);
        }
        Ok(())
    }
}

/// Params, key, instances and an honest proof (OS randomness), made once for all tests.
pub(crate) struct Fixture {
    pub(crate) params: ParamsKZG<Bn256>,
    pub(crate) pk: halo2_proofs::plonk::ProvingKey<G1Affine>,
    pub(crate) instances: Vec<Vec<Fr>>,
    pub(crate) proof: Vec<u8>,
}

pub(crate) fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let params = insecure_params(K, SEED).expect("k in range");
        let circuit = MulCircuit::honest();
        let pk = keygen(&params, &circuit).expect("keygen");
        let instances = circuit.instances();
        let proof = prove(&params, &pk, circuit, &instances, None).expect("honest proof");
        Fixture {
            params,
            pk,
            instances,
            proof,
        }
    })
}

pub(crate) fn verify_fixture(instances: &[Vec<Fr>], proof: &[u8]) -> Result<(), ProverError> {
    let f = fixture();
    verify(&f.params, f.pk.get_vk(), instances, proof)
}

/// A fresh, empty folder under the system temp dir.
pub(crate) fn temp_dir(tag: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "equivm-prover-{tag}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

pub(crate) fn params_bytes(params: &ParamsKZG<Bn256>) -> Vec<u8> {
    let mut bytes = Vec::new();
    params.write(&mut bytes).expect("write to memory");
    bytes
}

#[test]
fn honest_proof_verifies() {
    let f = fixture();
    assert_eq!(
        verify_fixture(&f.instances, &f.proof).map_err(|e| e.to_string()),
        Ok(())
    );
}

#[test]
fn seeded_proof_verifies() {
    let f = fixture();
    let proof = prove(
        &f.params,
        &f.pk,
        MulCircuit::honest(),
        &f.instances,
        Some(7),
    )
    .expect("proof");
    assert!(verify_fixture(&f.instances, &proof).is_ok());
}

#[test]
fn flipped_proof_byte_is_rejected() {
    let f = fixture();
    let len = f.proof.len();
    for pos in [
        0,
        1,
        31,
        32,
        64,
        len / 3,
        len / 2,
        len - 33,
        len - 2,
        len - 1,
    ] {
        let mut tampered = f.proof.clone();
        tampered[pos] ^= 0x01;
        let err = verify_fixture(&f.instances, &tampered).expect_err("tampered proof accepted");
        assert!(
            matches!(err, ProverError::VerificationFailed { .. }),
            "byte {pos}: {err}"
        );
    }
}

#[test]
fn truncated_or_extended_proof_is_rejected() {
    let f = fixture();
    for proof in [&f.proof[..0], &f.proof[..f.proof.len() - 1]] {
        let err = verify_fixture(&f.instances, proof).expect_err("truncated proof accepted");
        assert!(
            matches!(err, ProverError::VerificationFailed { .. }),
            "{err}"
        );
    }
    let mut extended = f.proof.clone();
    extended.push(0);
    let err = verify_fixture(&f.instances, &extended).expect_err("extended proof accepted");
    assert!(err.to_string().contains("1 bytes after the end"), "{err}");
}

#[test]
fn wrong_instances_are_rejected() {
    let f = fixture();
    for row in 0..f.instances[0].len() {
        let mut wrong = f.instances.clone();
        wrong[0][row] += Fr::one();
        let err = verify_fixture(&wrong, &f.proof).expect_err("wrong instance accepted");
        assert!(
            matches!(err, ProverError::VerificationFailed { .. }),
            "{err}"
        );
    }
    // A missing trailing value changes the committed column too.
    let mut short = f.instances.clone();
    short[0].pop();
    assert!(verify_fixture(&short, &f.proof).is_err());
    // Shapes halo2 cannot take at all are named.
    let err = verify_fixture(&[], &f.proof).expect_err("no instance column");
    assert!(matches!(err, ProverError::InstanceShape { .. }), "{err}");
    let too_long = vec![vec![Fr::one(); 1 << K]];
    let err = verify_fixture(&too_long, &f.proof).expect_err("too long column");
    assert!(matches!(err, ProverError::InstanceShape { .. }), "{err}");
}

#[test]
fn unsatisfied_witness_gives_no_valid_proof_and_no_panic() {
    let f = fixture();
    // a = 20 is outside the range table (the product gate itself still holds).
    let bad = MulCircuit {
        pairs: vec![(2, 3), (20, 7), (15, 1)],
    };
    let instances = bad.instances();
    match prove(&f.params, &f.pk, bad, &instances, Some(1)) {
        Ok(proof) => assert!(verify_fixture(&instances, &proof).is_err()),
        Err(err) => assert!(matches!(err, ProverError::Aborted { .. }), "{err}"),
    }
}

#[test]
fn keygen_with_too_few_rows_is_an_error() {
    // The range table alone needs 16 rows; k = 3 has 8.
    let params = insecure_params(3, SEED).expect("k in range");
    let err = keygen(&params, &MulCircuit::honest()).expect_err("circuit does not fit");
    // halo2-axiom panics on a fixed assignment past the last row; either way it is an error.
    assert!(
        matches!(
            err,
            ProverError::Keygen { .. } | ProverError::Aborted { .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("NotEnoughRowsAvailable"), "{err}");
}
