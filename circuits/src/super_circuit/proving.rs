//! Proving and verifying blocks, and chunks of blocks, with the super circuit.
//!
//! Keys depend on the circuit's shape only ([`SuperCircuitParams`]), so a verifier rebuilds
//! the verifying key from the `k` in the proof file, never trusting a key the prover sends.
//! A block and a chunk of one are proved alike ([`prove_block`]). [`verify_block`] also
//! checks [`check_block_start`]: the proof starts at the block's first step and ends it.
//! [`verify_chain`] verifies the proofs of a block's chunks and checks that they join
//! ([`check_chain`]).

use super::chunk::{check_chain, ChainSummary};
use super::public_inputs::check_block_start;
use super::{SuperCircuit, SuperCircuitParams};
use crate::prover::{self, ProofFile, ProverError};
use halo2_proofs::{
    halo2curves::bn256::{Bn256, G1Affine},
    plonk::{ProvingKey, VerifyingKey},
    poly::kzg::commitment::ParamsKZG,
};
use serde::{Deserialize, Serialize};

/// The `circuit` name in proof files of this circuit.
pub const SUPER_CIRCUIT_NAME: &str = "equivm-super-circuit";

/// What a proof file records about the circuit and the setup it was made with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockProofParams {
    /// The circuit's shape.
    pub circuit: SuperCircuitParams,
    /// The setup: `"insecure-seed-N"` for a seeded test setup, or `"file"` for params read
    /// from a trusted setup's file.
    pub setup: String,
}

/// The proving key of `params`'s shape.
pub fn block_keygen(
    params: &ParamsKZG<Bn256>,
    shape: SuperCircuitParams,
) -> Result<ProvingKey<G1Affine>, ProverError> {
    let params = prover::params_for_k(params, shape.k)?;
    prover::keygen(&params, &SuperCircuit::shape(shape))
}

/// The verifying key of `shape`.
pub fn block_vk(
    params: &ParamsKZG<Bn256>,
    shape: SuperCircuitParams,
) -> Result<VerifyingKey<G1Affine>, ProverError> {
    let params = prover::params_for_k(params, shape.k)?;
    prover::keygen_vk(&params, &SuperCircuit::shape(shape))
}

/// Proves `circuit` with `pk` (from [`block_keygen`] at the circuit's shape) and returns the
/// proof file. `setup` is recorded in the file (see [`BlockProofParams`]).
pub fn prove_block(
    params: &ParamsKZG<Bn256>,
    pk: &ProvingKey<G1Affine>,
    circuit: &SuperCircuit,
    setup: &str,
) -> Result<ProofFile, ProverError> {
    let instance = circuit.instance().map_err(|e| ProverError::InstanceShape {
        reason: e.to_string(),
    })?;
    let proof = prover::prove(params, pk, circuit.clone(), &instance, None)?;
    let meta = BlockProofParams {
        circuit: circuit.params,
        setup: setup.to_string(),
    };
    let meta = serde_json::to_value(&meta).map_err(|e| ProverError::InstanceShape {
        reason: e.to_string(),
    })?;
    Ok(ProofFile::new(
        circuit.params.k,
        SUPER_CIRCUIT_NAME,
        meta,
        &instance,
        &proof,
    ))
}

/// The parameters a block proof file records, checked against its `k` and circuit name.
pub fn block_proof_params(file: &ProofFile) -> Result<BlockProofParams, ProverError> {
    let bad = |reason: String| ProverError::VerificationFailed {
        reason,
        source: None,
    };
    if file.circuit != SUPER_CIRCUIT_NAME {
        return Err(bad(format!(
            "the proof is for circuit '{}', not '{SUPER_CIRCUIT_NAME}'",
            file.circuit
        )));
    }
    let meta: BlockProofParams = serde_json::from_value(file.params.clone())
        .map_err(|e| bad(format!("unreadable circuit parameters: {e}")))?;
    if meta.circuit.k != file.k {
        return Err(bad(format!(
            "the file says k = {} but its circuit parameters say k = {}",
            file.k, meta.circuit.k
        )));
    }
    Ok(meta)
}

/// Verifies a block proof file: rebuilds the verifying key from the recorded shape, checks
/// that the public inputs start at the block's first step and end the block, and runs the
/// KZG verifier.
pub fn verify_block(params: &ParamsKZG<Bn256>, file: &ProofFile) -> Result<(), ProverError> {
    let instances = file.instances_fr()?;
    check_block_start(&instances).map_err(|reason| ProverError::VerificationFailed {
        reason,
        source: None,
    })?;
    verify_chunk(params, file).map(|_| ())
}

/// Verifies the proof in `file` of a chunk (or a whole block) with the KZG verifier, the
/// verifying key rebuilt from the recorded shape; returns its public inputs. What the chunk
/// joins to is [`check_chain`]'s business.
pub fn verify_chunk(
    params: &ParamsKZG<Bn256>,
    file: &ProofFile,
) -> Result<Vec<Vec<halo2_proofs::halo2curves::bn256::Fr>>, ProverError> {
    let meta = block_proof_params(file)?;
    let instances = file.instances_fr()?;
    let vk = block_vk(params, meta.circuit)?;
    prover::verify(params, &vk, &instances, &file.proof_bytes()?)?;
    Ok(instances)
}

/// Verifies the proofs of a block's chunks, in order (`params_of` gives the params for a
/// file), and checks that they join into the block ([`check_chain`]).
pub fn verify_chain(
    files: &[ProofFile],
    mut params_of: impl FnMut(&ProofFile) -> Result<ParamsKZG<Bn256>, ProverError>,
) -> Result<ChainSummary, ProverError> {
    let mut instances = Vec::with_capacity(files.len());
    for (i, file) in files.iter().enumerate() {
        let params = params_of(file)?;
        let verified =
            verify_chunk(&params, file).map_err(|e| ProverError::VerificationFailed {
                reason: format!("chunk {i}: {e}"),
                source: None,
            })?;
        instances.push(verified);
    }
    check_chain(&instances).map_err(|reason| ProverError::VerificationFailed {
        reason,
        source: None,
    })
}
