//! Aggregation: many proofs (snarks) become one proof that an Ethereum contract can check.
//!
//! A proof to be aggregated is made with a Poseidon transcript ([`prove_snark`]), which the
//! aggregation circuit can replay cheaply. The aggregation circuit (snark-verifier's, over
//! halo2-lib, SHPLONK) verifies every such proof up to the final pairing, folds the pairings
//! into one KZG accumulator, and makes that accumulator its public input, followed by the
//! public inputs of the aggregated proofs in order ([`Aggregated::Independent`]), or, for
//! consecutive chunks ([`Aggregated::Chain`]), by the first chunk's starting state and the
//! last chunk's ending state, every chunk being required to start where the one before it
//! ended. Its own proof is made with a Keccak
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
    transcript::{EncodedChallenge, TranscriptRead, TranscriptReadBuffer, TranscriptWriterBuffer},
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
    /// Chunk `chunk` does not start where the chunk before it ended.
    #[error("chunk {chunk} does not start in the state the chunk before it ended in")]
    Unlinked {
        /// Position of the chunk in the chain.
        chunk: usize,
    },
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
    verify_outer(params, pk.get_vk(), &slices, &mut read)?;
    if C::accumulator_indices().is_some() {
        decide_accumulator(params, &instances.concat())?;
    }
    Ok(Snark::new(protocol, instances, proof))
}

/// Where a chunk proof's public values hold the state it starts from and the state it ends
/// in: `len` values each, from index `start` and from index `end` of its public values (all
/// instance columns, in order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChunkBoundary {
    /// First public value of the starting state.
    pub start: usize,
    /// First public value of the ending state.
    pub end: usize,
    /// Values in each state.
    pub len: usize,
}

/// How the aggregated proofs relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Aggregated {
    /// Independent proofs: the aggregation proof's public values are the accumulator, then
    /// every proof's public values in order.
    Independent,
    /// Consecutive chunks: the aggregation circuit requires each chunk's ending state to be
    /// the next chunk's starting state, and its public values are the accumulator, the first
    /// chunk's starting state and the last chunk's ending state. Chunks in another order, or
    /// fewer of them, cannot make a proof that verifies.
    Chain(ChunkBoundary),
}

/// The keys of one aggregation circuit: what it takes to aggregate proofs of one shape (the
/// same circuits, in the same order and number) and to verify the result.
pub struct AggregationKeys {
    /// The aggregation circuit's params (`2^k` rows).
    pub params: ParamsKZG<Bn256>,
    /// Its proving key.
    pub pk: ProvingKey<G1Affine>,
    /// Its column layout, fixed at key generation.
    pub config: AggregationConfigParams,
    /// How the aggregated proofs relate.
    pub aggregated: Aggregated,
    /// Public values of its proofs.
    pub num_instance: usize,
    /// Where its witness is cut into columns, fixed at key generation.
    break_points: Vec<Vec<usize>>,
    /// The fixed commitments of each aggregated proof's circuit, in order.
    circuits: Vec<Vec<G1Affine>>,
}

impl std::fmt::Debug for AggregationKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AggregationKeys")
            .field("k", &self.params.k())
            .field("config", &self.config)
            .field("aggregated", &self.aggregated)
            .field("num_instance", &self.num_instance)
            .field("proofs", &self.circuits.len())
            .finish_non_exhaustive()
    }
}

fn circuit(
    stage: CircuitBuilderStage,
    config: AggregationConfigParams,
    params: &ParamsKZG<Bn256>,
    snarks: Vec<Snark>,
    aggregated: Aggregated,
) -> AggregationCircuit {
    let carry_accumulators = snarks
        .iter()
        .all(|s| !s.protocol.accumulator_indices.is_empty());
    let mut circuit = AggregationCircuit::new::<SHPLONK>(
        stage,
        config,
        params,
        snarks,
        VerifierUniversality::None,
    );
    match aggregated {
        Aggregated::Independent => circuit.expose_previous_instances(carry_accumulators),
        Aggregated::Chain(b) => {
            let previous = circuit.previous_instances().clone();
            for pair in previous.windows(2) {
                for j in 0..b.len {
                    circuit
                        .builder
                        .main(0)
                        .constrain_equal(&pair[0][b.end + j], &pair[1][b.start + j]);
                }
            }
            if let (Some(first), Some(last)) = (previous.first(), previous.last()) {
                let public = &mut circuit.builder.assigned_instances[0];
                public.extend_from_slice(&first[b.start..b.start + b.len]);
                public.extend_from_slice(&last[b.end..b.end + b.len]);
            }
        }
    }
    circuit
}

/// Checks that `snarks` can be aggregated as `aggregated`: at least one, and for a chain,
/// every chunk's public values hold both states.
fn check_shape(snarks: &[Snark], aggregated: Aggregated) -> Result<(), AggregationError> {
    if snarks.is_empty() {
        return Err(AggregationError::NoSnark);
    }
    let carrying = snarks
        .iter()
        .filter(|s| !s.protocol.accumulator_indices.is_empty())
        .count();
    if carrying != 0 && carrying != snarks.len() {
        return Err(AggregationError::ShapeMismatch(
            "some proofs are aggregation proofs and some are not".into(),
        ));
    }
    if let Aggregated::Chain(b) = aggregated {
        for (i, snark) in snarks.iter().enumerate() {
            let values: usize = snark.instances.iter().map(Vec::len).sum();
            if b.start.max(b.end) + b.len > values {
                return Err(AggregationError::ShapeMismatch(format!(
                    "chunk {i} has {values} public values, too few for its states"
                )));
            }
        }
    }
    Ok(())
}

impl AggregationKeys {
    /// Makes the keys of the circuit that aggregates independent proofs shaped like
    /// `snarks`, at `params`' `k`, with as few columns as that `k` allows. The snarks' values
    /// do not matter, only their circuits and instance counts.
    pub fn generate(
        params: ParamsKZG<Bn256>,
        snarks: Vec<Snark>,
    ) -> Result<Self, AggregationError> {
        Self::generate_for(params, snarks, Aggregated::Independent)
    }

    /// Makes the keys of the circuit that aggregates proofs shaped like `snarks`, related
    /// as `aggregated`.
    pub fn generate_for(
        params: ParamsKZG<Bn256>,
        snarks: Vec<Snark>,
        aggregated: Aggregated,
    ) -> Result<Self, AggregationError> {
        check_shape(&snarks, aggregated)?;
        let k = params.k();
        let config = AggregationConfigParams {
            degree: k,
            lookup_bits: k as usize - 1,
            ..Default::default()
        };
        let circuits = snarks
            .iter()
            .map(|s| s.protocol.preprocessed.clone())
            .collect();
        let mut keygen = circuit(
            CircuitBuilderStage::Keygen,
            config,
            &params,
            snarks,
            aggregated,
        );
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
            aggregated,
            num_instance,
            break_points,
            circuits,
        })
    }

    /// The aggregation circuit's verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.pk.get_vk()
    }

    /// Aggregates `snarks` (proofs of the circuits the keys were made for, in the same order)
    /// into one proof with a Keccak transcript, checked here before it is returned. For a
    /// chain, consecutive chunks whose states do not join are refused
    /// ([`AggregationError::Unlinked`]) before any proving.
    pub fn prove(&self, snarks: Vec<Snark>) -> Result<AggregatedProof, AggregationError> {
        self.check_proofs(&snarks)?;
        self.prove_unchecked(snarks)
    }

    /// The checks [`AggregationKeys::prove`] makes before proving.
    fn check_proofs(&self, snarks: &[Snark]) -> Result<(), AggregationError> {
        check_shape(snarks, self.aggregated)?;
        if snarks.len() != self.circuits.len() {
            return Err(AggregationError::ShapeMismatch(format!(
                "{} proofs, the keys aggregate {}",
                snarks.len(),
                self.circuits.len()
            )));
        }
        for (i, (snark, circuit)) in snarks.iter().zip(&self.circuits).enumerate() {
            if &snark.protocol.preprocessed != circuit {
                return Err(AggregationError::ShapeMismatch(format!(
                    "proof {i} is of another circuit than the keys were made for"
                )));
            }
        }
        if let Aggregated::Chain(b) = self.aggregated {
            let values: Vec<Vec<Fr>> = snarks.iter().map(|s| s.instances.concat()).collect();
            for (i, pair) in values.windows(2).enumerate() {
                if pair[0][b.end..b.end + b.len] != pair[1][b.start..b.start + b.len] {
                    return Err(AggregationError::Unlinked { chunk: i + 1 });
                }
            }
        }
        Ok(())
    }

    /// The aggregation circuit of `snarks`, laid out as at key generation.
    fn prover_circuit(&self, snarks: Vec<Snark>) -> AggregationCircuit {
        circuit(
            CircuitBuilderStage::Prover,
            self.config,
            &self.params,
            snarks,
            self.aggregated,
        )
        .use_break_points(self.break_points.clone())
    }

    /// Aggregates `snarks` like [`AggregationKeys::prove`], but into a snark (Poseidon
    /// transcript) that another aggregation circuit can verify: a layer of a tree of
    /// aggregations. Its public values are the accumulator, then the values the aggregated
    /// proofs expose; the next layer folds that accumulator into its own and does not
    /// expose it again.
    pub fn prove_snark(&self, snarks: Vec<Snark>) -> Result<Snark, AggregationError> {
        self.check_proofs(&snarks)?;
        let prover = self.prover_circuit(snarks);
        prove_snark(&self.params, &self.pk, prover)
    }

    /// Proves without the checks of [`AggregationKeys::prove`] on the values (tests use it
    /// to show that the circuit itself refuses unlinked chunks).
    fn prove_unchecked(&self, snarks: Vec<Snark>) -> Result<AggregatedProof, AggregationError> {
        let prover = self.prover_circuit(snarks);
        let instances = prover.instances();
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
    /// The aggregated proofs' public values after the accumulator (for a chain: the first
    /// chunk's starting state, then the last chunk's ending state).
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
    let mut transcript = <EvmTranscript<G1Affine, NativeLoader, &[u8], Vec<u8>> as TranscriptReadBuffer<_, _, _>>::init(proof.proof.as_slice());
    verify_outer(params, vk, &instances, &mut transcript)?;
    decide_accumulator(params, &proof.instances)
}

/// Verifies a SHPLONK proof read from `transcript` (Poseidon or Keccak) against `vk`, up to
/// and including its own pairing check; an accumulator its public values may carry is not
/// checked here.
fn verify_outer<E, T>(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    instances: &[&[Fr]],
    transcript: &mut T,
) -> Result<(), AggregationError>
where
    E: EncodedChallenge<G1Affine>,
    T: TranscriptRead<G1Affine, E>,
{
    let strategy = verify_proof::<_, VerifierSHPLONK<_>, _, T, _>(
        params.verifier_params(),
        vk,
        AccumulatorStrategy::new(params.verifier_params()),
        &[instances],
        transcript,
    )
    .map_err(|e| AggregationError::Rejected(format!("{e:?}")))?;
    if VerificationStrategy::<_, VerifierSHPLONK<_>>::finalize(strategy) {
        Ok(())
    } else {
        Err(AggregationError::Rejected(
            "the pairing check failed".into(),
        ))
    }
}

/// The pairing check of the KZG accumulator in the first [`ACCUMULATOR_VALUES`] of
/// `instances`.
fn decide_accumulator(params: &ParamsKZG<Bn256>, instances: &[Fr]) -> Result<(), AggregationError> {
    let limbs: Vec<&Fr> = instances.iter().take(ACCUMULATOR_VALUES).collect();
    let accumulator =
        <LimbsEncoding<LIMBS, BITS> as AccumulatorEncoding<G1Affine, NativeLoader>>::from_repr(
            &limbs,
        )
        .map_err(|e| AggregationError::Rejected(format!("accumulator: {e:?}")))?;
    let dk: KzgDecidingKey<Bn256> = (params.get_g()[0], params.g2(), params.s_g2()).into();
    <SHPLONK as AccumulationDecider<G1Affine, NativeLoader>>::decide(&dk, accumulator)
        .map_err(|e| AggregationError::Rejected(format!("accumulator: {e:?}")))
}

/// Seeded test params at `k`, cached under the workspace's `target/kzg-params`; one test at
/// a time makes a missing file (the others wait for it rather than make it again).
#[cfg(test)]
fn test_params(k: u32) -> ParamsKZG<Bn256> {
    use equivm_circuits::prover::{ParamsCache, DEFAULT_INSECURE_SEED};
    static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = MAKING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/kzg-params");
    ParamsCache::new(dir)
        .insecure(k, DEFAULT_INSECURE_SEED)
        .expect("params")
}

#[cfg(test)]
mod chain_tests;
#[cfg(test)]
mod tests;
