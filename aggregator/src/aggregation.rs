//! Aggregation: many proofs (snarks) become one proof that an Ethereum contract can check.
//!
//! A proof to be aggregated is made with a Poseidon transcript ([`prove_snark`]), which the
//! aggregation circuit can replay cheaply. The aggregation circuit (snark-verifier's, over
//! halo2-lib, SHPLONK) verifies every such proof up to the final pairing, folds the pairings
//! into one KZG accumulator, and makes that accumulator its public input, followed by the
//! public inputs of the aggregated proofs in order. Its own proof is made with a Keccak
//! transcript ([`AggregationKeys::prove`]) so that the verifier contract
//! ([`crate::evm_verifier`]) can replay it. A verifier accepts when the outer proof is valid
//! *and* the accumulator in its public input passes the pairing check
//! ([`verify_aggregated`]).
//!
//! The aggregation params and the params of the aggregated proofs must come from one setup
//! (the same secret τ); [`equivm_circuits::prover::insecure_params`] with one seed gives
//! that at every `k`.

use halo2_proofs::{
    halo2curves::bn256::{Bn256, Fr, G1Affine},
    plonk::{create_proof, verify_proof, ProvingKey, VerifyingKey},
    poly::{
        commitment::{Params, ParamsProver},
        kzg::{
            commitment::{KZGCommitmentScheme, ParamsKZG},
            multiopen::{ProverSHPLONK, VerifierSHPLONK},
            strategy::AccumulatorStrategy,
        },
        VerificationStrategy,
    },
    transcript::{TranscriptReadBuffer, TranscriptWriterBuffer},
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use snark_verifier_sdk::{
    halo2::{
        aggregation::{AggregationCircuit, AggregationConfigParams, VerifierUniversality},
        PoseidonTranscript, POSEIDON_SPEC,
    },
    snark_verifier::{
        halo2_base::gates::circuit::CircuitBuilderStage,
        loader::native::NativeLoader,
        pcs::{
            kzg::{KzgDecidingKey, LimbsEncoding},
            AccumulationDecider, AccumulatorEncoding,
        },
        system::halo2::{compile, transcript::evm::EvmTranscript, Config},
    },
    CircuitExt, Snark, BITS, LIMBS, SHPLONK,
};

/// Public values the accumulator takes at the start of an aggregation proof's instances.
pub const ACCUMULATOR_VALUES: usize = 4 * LIMBS;

/// Why an aggregation step failed.
#[derive(Debug, thiserror::Error)]
pub enum AggregationError {
    /// Nothing to aggregate.
    #[error("no proof to aggregate")]
    NoSnark,
    /// The aggregation circuit does not fit its `k`.
    #[error("the aggregation circuit needs more than 2^{k} rows")]
    TooBig {
        /// The aggregation circuit's `k`.
        k: u32,
    },
    /// halo2 refused to make keys or a proof.
    #[error("halo2: {0}")]
    Halo2(String),
    /// The proofs differ in shape from the ones the keys were made for.
    #[error("the proofs do not have the shape the aggregation keys were made for: {0}")]
    ShapeMismatch(String),
    /// A proof did not verify.
    #[error("the proof does not verify: {0}")]
    Rejected(String),
}

fn halo2(e: impl std::fmt::Debug) -> AggregationError {
    AggregationError::Halo2(format!("{e:?}"))
}

/// Proves `circuit` with a Poseidon transcript, as a snark the aggregation circuit can
/// verify. `params` must be the params `pk` was made with.
pub fn prove_snark<C: CircuitExt<Fr>>(
    params: &ParamsKZG<Bn256>,
    pk: &ProvingKey<G1Affine>,
    circuit: C,
) -> Result<Snark, AggregationError> {
    let protocol = compile(
        params,
        pk.get_vk(),
        Config::kzg()
            .with_num_instance(circuit.num_instance())
            .with_accumulator_indices(C::accumulator_indices()),
    );
    let instances = circuit.instances();
    let slices: Vec<&[Fr]> = instances.iter().map(Vec::as_slice).collect();
    let mut transcript =
        PoseidonTranscript::<NativeLoader, Vec<u8>>::from_spec(Vec::new(), POSEIDON_SPEC.clone());
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<_>, _, _, _, _>(
        params,
        pk,
        &[circuit],
        &[&slices],
        ChaCha20Rng::from_entropy(),
        &mut transcript,
    )
    .map_err(halo2)?;
    let proof = transcript.finalize();
    let mut read =
        PoseidonTranscript::<NativeLoader, &[u8]>::from_spec(&proof[..], POSEIDON_SPEC.clone());
    let strategy = verify_proof::<_, VerifierSHPLONK<_>, _, _, _>(
        params.verifier_params(),
        pk.get_vk(),
        AccumulatorStrategy::new(params.verifier_params()),
        &[&slices],
        &mut read,
    )
    .map_err(|e| AggregationError::Rejected(format!("{e:?}")))?;
    if !VerificationStrategy::<_, VerifierSHPLONK<_>>::finalize(strategy) {
        return Err(AggregationError::Rejected(
            "the pairing check failed".into(),
        ));
    }
    Ok(Snark::new(protocol, instances, proof))
}

/// The keys of one aggregation circuit: what it takes to aggregate proofs of one shape (the
/// same verifying keys, in the same order) and to verify the result.
pub struct AggregationKeys {
    /// The aggregation circuit's params (`2^k` rows).
    pub params: ParamsKZG<Bn256>,
    /// Its proving key.
    pub pk: ProvingKey<G1Affine>,
    /// Its column layout, fixed at key generation.
    pub config: AggregationConfigParams,
    /// Where its witness is cut into columns, fixed at key generation.
    break_points: Vec<Vec<usize>>,
    /// Public values of its proofs: the accumulator, then every aggregated proof's.
    pub num_instance: usize,
}

impl std::fmt::Debug for AggregationKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AggregationKeys")
            .field("k", &self.params.k())
            .field("config", &self.config)
            .field("num_instance", &self.num_instance)
            .finish_non_exhaustive()
    }
}

fn circuit(
    stage: CircuitBuilderStage,
    config: AggregationConfigParams,
    params: &ParamsKZG<Bn256>,
    snarks: Vec<Snark>,
) -> AggregationCircuit {
    let mut circuit = AggregationCircuit::new::<SHPLONK>(
        stage,
        config,
        params,
        snarks,
        VerifierUniversality::None,
    );
    circuit.expose_previous_instances(false);
    circuit
}

impl AggregationKeys {
    /// Makes the keys of the circuit that aggregates proofs shaped like `snarks`, at `params`'
    /// `k`, with as few columns as that `k` allows. The snarks' values do not matter, only
    /// their verifying keys and instance counts.
    pub fn generate(
        params: ParamsKZG<Bn256>,
        snarks: Vec<Snark>,
    ) -> Result<Self, AggregationError> {
        if snarks.is_empty() {
            return Err(AggregationError::NoSnark);
        }
        let k = params.k();
        let config = AggregationConfigParams {
            degree: k,
            lookup_bits: k as usize - 1,
            ..Default::default()
        };
        let mut keygen = circuit(CircuitBuilderStage::Keygen, config, &params, snarks);
        let config = keygen.calculate_params(Some(20));
        let usable = (1usize << k) - 20;
        let stats = keygen.builder.statistics();
        let cells: usize = stats.gate.total_advice_per_phase.iter().sum();
        if cells.div_ceil(usable) > 200 {
            return Err(AggregationError::TooBig { k });
        }
        let num_instance = keygen.num_instance().iter().sum();
        let vk = halo2_proofs::plonk::keygen_vk(&params, &keygen).map_err(halo2)?;
        let pk = halo2_proofs::plonk::keygen_pk(&params, vk, &keygen).map_err(halo2)?;
        let break_points = keygen.break_points();
        Ok(Self {
            params,
            pk,
            config,
            break_points,
            num_instance,
        })
    }

    /// The aggregation circuit's verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.pk.get_vk()
    }

    /// Aggregates `snarks` (shaped like the ones the keys were made for) into one proof with
    /// a Keccak transcript, checked here before it is returned.
    pub fn prove(&self, snarks: Vec<Snark>) -> Result<AggregatedProof, AggregationError> {
        if snarks.is_empty() {
            return Err(AggregationError::NoSnark);
        }
        let prover = circuit(
            CircuitBuilderStage::Prover,
            self.config,
            &self.params,
            snarks,
        )
        .use_break_points(self.break_points.clone());
        let instances = prover.instances();
        if instances.iter().map(Vec::len).sum::<usize>() != self.num_instance {
            return Err(AggregationError::ShapeMismatch(format!(
                "{} public values, the keys expect {}",
                instances.iter().map(Vec::len).sum::<usize>(),
                self.num_instance
            )));
        }
        let slices: Vec<&[Fr]> = instances.iter().map(Vec::as_slice).collect();
        let mut transcript = TranscriptWriterBuffer::<_, G1Affine, _>::init(Vec::new());
        create_proof::<
            KZGCommitmentScheme<Bn256>,
            ProverSHPLONK<_>,
            _,
            _,
            EvmTranscript<_, _, _, _>,
            _,
        >(
            &self.params,
            &self.pk,
            &[prover],
            &[&slices],
            ChaCha20Rng::from_entropy(),
            &mut transcript,
        )
        .map_err(halo2)?;
        let proof = AggregatedProof {
            instances: instances.into_iter().flatten().collect(),
            proof: transcript.finalize(),
        };
        verify_aggregated(&self.params, self.vk(), &proof)?;
        Ok(proof)
    }
}

/// An aggregation proof and its public values (the accumulator's limbs, then the
/// aggregated proofs' public values in order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregatedProof {
    /// The public values.
    pub instances: Vec<Fr>,
    /// The proof (Keccak transcript).
    pub proof: Vec<u8>,
}

impl AggregatedProof {
    /// The aggregated proofs' public values, after the accumulator.
    pub fn aggregated_instances(&self) -> &[Fr] {
        &self.instances[ACCUMULATOR_VALUES.min(self.instances.len())..]
    }

    /// The verifier contract's calldata: every public value as 32 big-endian bytes, then the
    /// proof.
    pub fn calldata(&self) -> Vec<u8> {
        snark_verifier_sdk::evm::encode_calldata(std::slice::from_ref(&self.instances), &self.proof)
    }
}

/// Verifies an aggregation proof natively: the proof against `vk`, then the pairing check of
/// the accumulator its public values carry.
pub fn verify_aggregated(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    proof: &AggregatedProof,
) -> Result<(), AggregationError> {
    let instances = [proof.instances.as_slice()];
    let mut transcript = TranscriptReadBuffer::<_, G1Affine, _>::init(proof.proof.as_slice());
    let strategy = verify_proof::<_, VerifierSHPLONK<_>, _, EvmTranscript<_, _, _, _>, _>(
        params.verifier_params(),
        vk,
        AccumulatorStrategy::new(params.verifier_params()),
        &[&instances],
        &mut transcript,
    )
    .map_err(|e| AggregationError::Rejected(format!("{e:?}")))?;
    if !VerificationStrategy::<_, VerifierSHPLONK<_>>::finalize(strategy) {
        return Err(AggregationError::Rejected(
            "the outer pairing check failed".into(),
        ));
    }
    let limbs: Vec<&Fr> = proof.instances.iter().take(ACCUMULATOR_VALUES).collect();
    let accumulator =
        <LimbsEncoding<LIMBS, BITS> as AccumulatorEncoding<G1Affine, NativeLoader>>::from_repr(
            &limbs,
        )
        .map_err(|e| AggregationError::Rejected(format!("accumulator: {e:?}")))?;
    let dk: KzgDecidingKey<Bn256> = (params.get_g()[0], params.g2(), params.s_g2()).into();
    <SHPLONK as AccumulationDecider<G1Affine, NativeLoader>>::decide(&dk, accumulator)
        .map_err(|e| AggregationError::Rejected(format!("accumulator: {e:?}")))
}

#[cfg(test)]
mod tests;
