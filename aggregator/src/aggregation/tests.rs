//! Proofs of equivm circuits aggregated into one, verified natively and by the verifier
//! contract in revm; tampered proofs and public values are refused.

use super::*;
use crate::evm_verifier::{verifier_solidity, DeployedVerifier, EvmVerifierError, Solc};
use equivm_circuits::{
    bytecode::BytecodeCircuit,
    keccak::{KeccakCircuit, KeccakShape},
    prover::{keygen, params_for_k},
};
use equivm_trace::revm::primitives::Bytes;
use equivm_witness::Bytecode;
use halo2_proofs::{
    circuit::Layouter,
    plonk::{Circuit, ConstraintSystem, Error},
    poly::kzg::commitment::ParamsKZG,
};
use std::{path::PathBuf, time::Instant};

/// A circuit without public values (the standalone keccak and bytecode circuits) as a
/// snark-verifier circuit.
#[derive(Clone, Debug)]
struct WithoutInstances<C>(C);

impl<C: Circuit<Fr>> Circuit<Fr> for WithoutInstances<C> {
    type Config = C::Config;
    type FloorPlanner = C::FloorPlanner;
    type Params = C::Params;

    fn without_witnesses(&self) -> Self {
        Self(self.0.without_witnesses())
    }

    fn params(&self) -> C::Params {
        self.0.params()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        C::configure(meta)
    }

    fn configure_with_params(meta: &mut ConstraintSystem<Fr>, params: C::Params) -> Self::Config {
        C::configure_with_params(meta, params)
    }

    fn synthesize(&self, config: Self::Config, layouter: impl Layouter<Fr>) -> Result<(), Error> {
        self.0.synthesize(config, layouter)
    }
}

impl<C: Circuit<Fr>> CircuitExt<Fr> for WithoutInstances<C> {
    fn num_instance(&self) -> Vec<usize> {
        Vec::new()
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        Vec::new()
    }
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .to_path_buf()
}

/// The aggregation circuit's `k` in the bytecode test.
const AGGREGATION_K: u32 = 18;

fn params(k: u32) -> ParamsKZG<Bn256> {
    test_params(k)
}

/// Aggregates `snarks` at `k`, then checks the proof natively and with the verifier
/// contract in revm, and that both refuse a flipped proof byte and a changed accumulator
/// limb. Prints what it measured.
fn aggregate_and_verify(k: u32, snarks: Vec<Snark>) {
    let start = Instant::now();
    let keys = AggregationKeys::generate(params(k), snarks.clone()).expect("aggregation keys");
    eprintln!(
        "aggregation keys (k = {k}, {} advice, {} lookup columns): {:.1?}",
        keys.config.num_advice,
        keys.config.num_lookup_advice,
        start.elapsed()
    );
    let start = Instant::now();
    let proof = keys.prove(snarks).expect("aggregation proof");
    eprintln!(
        "aggregation proof ({} bytes, {} public values): {:.1?}",
        proof.proof.len(),
        proof.instances.len(),
        start.elapsed()
    );
    assert!(proof.instances.len() >= ACCUMULATOR_VALUES);
    verify_aggregated(&keys.params, keys.vk(), &proof).expect("verifies natively");

    // Natively: a flipped proof byte, or a changed accumulator limb, is refused.
    let mut flipped = proof.clone();
    flipped.proof[100] ^= 1;
    assert!(verify_aggregated(&keys.params, keys.vk(), &flipped).is_err());
    let mut moved = proof.clone();
    moved.instances[0] += Fr::one();
    assert!(verify_aggregated(&keys.params, keys.vk(), &moved).is_err());

    // On chain: the generated verifier, compiled with solc 0.8.19, deployed in revm.
    let solc = Solc::new(workspace().join("tools").join("solc"));
    solc.install().expect("solc installs from the lock file");
    let source = verifier_solidity(&keys.params, keys.vk(), keys.num_instance);
    let code = solc.compile(&source).expect("the verifier compiles");
    let verifier = DeployedVerifier::deploy(code).expect("the verifier deploys");
    let gas = verifier
        .verify(proof.calldata())
        .expect("the contract accepts the proof");
    eprintln!(
        "verifier contract: {} bytes of code, deployed for {} gas; verification {gas} gas",
        verifier.code_size, verifier.deploy_gas
    );
    for tampered in [flipped, moved] {
        assert!(matches!(
            verifier.verify(tampered.calldata()),
            Err(EvmVerifierError::Rejected(_))
        ));
    }
}

#[test]
fn a_bytecode_proof_is_aggregated_and_verified_natively_and_by_the_contract_in_revm() {
    // Two contracts: one with push data (PUSH1, PUSH2), one of plain opcodes.
    let bytecodes = vec![
        Bytecode::new(Bytes::from_static(&[
            0x60, 0x2a, 0x61, 0x01, 0x02, 0x01, 0x55, 0x00,
        ])),
        Bytecode::new(Bytes::from_static(&[0x33, 0x31, 0x47, 0x01, 0x50, 0x00])),
    ];
    let k = 9;
    let inner = params_for_k(&params(AGGREGATION_K), k)
        .expect("downsized")
        .into_owned();
    let capacity = equivm_circuits::rows::usable_rows::<WithoutInstances<BytecodeCircuit>>(k, ());
    assert!(BytecodeCircuit::rows_needed(&bytecodes) <= capacity);
    let circuit = WithoutInstances(BytecodeCircuit {
        bytecodes,
        capacity,
    });
    let pk = keygen(&inner, &circuit).expect("bytecode keys");
    let start = Instant::now();
    let snark = prove_snark(&inner, &pk, circuit).expect("bytecode proof");
    eprintln!("bytecode proof (k = {k}): {:.1?}", start.elapsed());
    aggregate_and_verify(AGGREGATION_K, vec![snark]);
}

/// Two keccak proofs in a tall shape. Their verifier is much larger than the bytecode
/// circuit's (the tall shape opens each column at many rotations): about 25 M cells, 46
/// columns at `k` = 19, so this runs on demand.
#[test]
#[ignore = "about 15 minutes on two cores"]
fn two_keccak_proofs_are_aggregated_and_verified_natively_and_by_the_contract_in_revm() {
    let shape = KeccakShape::with_cell_columns(16);
    let inputs = [Bytes::from_static(b"equivm"), Bytes::from(vec![0xab; 200])];
    let k = KeccakCircuit::smallest(vec![inputs[1].clone()], shape).k;
    let circuits: Vec<WithoutInstances<KeccakCircuit>> = inputs
        .iter()
        .map(|input| {
            WithoutInstances(KeccakCircuit::new(vec![input.clone()], k, shape).expect("fits"))
        })
        .collect();
    let inner = params_for_k(&params(19), k)
        .expect("downsized")
        .into_owned();
    let pk = keygen(&inner, &circuits[0]).expect("keccak keys");
    let start = Instant::now();
    let snarks: Vec<Snark> = circuits
        .into_iter()
        .map(|c| prove_snark(&inner, &pk, c).expect("keccak proof"))
        .collect();
    eprintln!("two keccak proofs (k = {k}): {:.1?}", start.elapsed());
    aggregate_and_verify(19, snarks);
}

#[test]
fn nothing_to_aggregate_is_an_error() {
    assert!(matches!(
        AggregationKeys::generate(params(8), Vec::new()),
        Err(AggregationError::NoSnark)
    ));
}

#[test]
fn a_source_that_does_not_compile_is_a_compile_error() {
    let solc = Solc::new(workspace().join("tools").join("solc"));
    solc.install().expect("solc installs from the lock file");
    assert!(matches!(
        solc.compile("contract Broken {"),
        Err(EvmVerifierError::Compile(_))
    ));
}
