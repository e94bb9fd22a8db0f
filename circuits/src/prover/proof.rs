//! Proving and verifying one circuit instance: SHPLONK multi-opening over
//! `KZGCommitmentScheme<Bn256>`, with a Blake2b transcript (`Challenge255`).
//!
//! A proof is the transcript's bytes. It is bound to the verifying key (halo2 hashes the key
//! into the transcript first) and to the public instances (committed and absorbed before any
//! challenge), so changing either makes verification fail.
//!
//! Blake2b is the right transcript for proofs checked natively (the CLI, tests). Proofs meant
//! for aggregation or for an on-chain verifier need a Poseidon or Keccak transcript instead.

use super::{catch_halo2_panic, params::params_for_k, ProverError};
use halo2_proofs::{
    halo2curves::bn256::{Bn256, Fr, G1Affine},
    plonk::{self, Circuit, ProvingKey, VerifyingKey},
    poly::{
        commitment::Params,
        kzg::{
            commitment::{KZGCommitmentScheme, ParamsKZG},
            multiopen::{ProverSHPLONK, VerifierSHPLONK},
            strategy::SingleStrategy,
        },
    },
    transcript::{
        Blake2bRead, Blake2bWrite, Challenge255, TranscriptReadBuffer, TranscriptWriterBuffer,
    },
};
use rand_chacha::ChaCha20Rng;
use rand_core::{OsRng, RngCore, SeedableRng};

/// Proves that `circuit` is satisfied with public `instances` (one `Vec` per instance column,
/// in column order), and returns the proof bytes.
///
/// `params` may be larger than the key's `k` (they are downsized to it) but not smaller.
/// Blinding factors come from the OS random number generator. `rng_seed` draws them from a
/// seeded ChaCha20 stream instead, for tests only: a known seed reveals the blinding and with
/// it the witness. Even seeded, the bytes are not reproducible for circuits with lookups,
/// because halo2-axiom orders the permuted lookup columns by hash-map iteration.
///
/// halo2 does not check the witness while proving: an unsatisfied circuit yields a proof that
/// [`verify`] rejects (run `MockProver` first to learn which constraint fails). Inputs on
/// which halo2 panics (an unknown advice value) are reported as [`ProverError::Aborted`].
pub fn prove<C: Circuit<Fr>>(
    params: &ParamsKZG<Bn256>,
    pk: &ProvingKey<G1Affine>,
    circuit: C,
    instances: &[Vec<Fr>],
    rng_seed: Option<u64>,
) -> Result<Vec<u8>, ProverError> {
    let vk = pk.get_vk();
    let params = params_for_k(params, vk.get_domain().k())?;
    check_instances(&params, vk, instances)?;
    match rng_seed {
        Some(seed) => prove_with(
            &params,
            pk,
            circuit,
            instances,
            ChaCha20Rng::seed_from_u64(seed),
        ),
        None => prove_with(&params, pk, circuit, instances, OsRng),
    }
}

fn prove_with<C: Circuit<Fr>, R: RngCore>(
    params: &ParamsKZG<Bn256>,
    pk: &ProvingKey<G1Affine>,
    circuit: C,
    instances: &[Vec<Fr>],
    rng: R,
) -> Result<Vec<u8>, ProverError> {
    let columns: Vec<&[Fr]> = instances.iter().map(Vec::as_slice).collect();
    catch_halo2_panic("proving", || {
        let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(Vec::new());
        plonk::create_proof::<
            KZGCommitmentScheme<Bn256>,
            ProverSHPLONK<'_, Bn256>,
            Challenge255<G1Affine>,
            _,
            Blake2bWrite<Vec<u8>, G1Affine, Challenge255<G1Affine>>,
            _,
        >(params, pk, &[circuit], &[&columns], rng, &mut transcript)
        .map_err(|source| ProverError::Proving { source })?;
        Ok(transcript.finalize())
    })
}

/// Checks that `proof` proves the circuit of `vk` with public `instances` (one `Vec` per
/// instance column, in column order).
///
/// `params` must share the τ of the params that made the proof and may be larger than the
/// key's `k`. Returns `Ok(())` only if the halo2 verifier accepts and the proof has no bytes
/// after the transcript's end; otherwise [`ProverError::VerificationFailed`] (or an error on
/// the shape of the inputs).
pub fn verify(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    instances: &[Vec<Fr>],
    proof: &[u8],
) -> Result<(), ProverError> {
    let params = params_for_k(params, vk.get_domain().k())?;
    check_instances(&params, vk, instances)?;
    let columns: Vec<&[Fr]> = instances.iter().map(Vec::as_slice).collect();
    let mut rest = proof;
    catch_halo2_panic("verification", || {
        let mut transcript = Blake2bRead::<_, G1Affine, Challenge255<_>>::init(&mut rest);
        plonk::verify_proof::<
            KZGCommitmentScheme<Bn256>,
            VerifierSHPLONK<'_, Bn256>,
            Challenge255<G1Affine>,
            Blake2bRead<&mut &[u8], G1Affine, Challenge255<G1Affine>>,
            SingleStrategy<'_, Bn256>,
        >(
            &params,
            vk,
            SingleStrategy::new(&params),
            &[&columns],
            &mut transcript,
        )
        .map_err(|source| ProverError::VerificationFailed {
            reason: source.to_string(),
            source: Some(source),
        })
    })?;
    if !rest.is_empty() {
        return Err(ProverError::VerificationFailed {
            reason: format!("{} bytes after the end of the proof", rest.len()),
            source: None,
        });
    }
    Ok(())
}

/// Checks the number of instance columns and that each fits in the usable rows (halo2
/// panics on too long a column while proving).
fn check_instances(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    instances: &[Vec<Fr>],
) -> Result<(), ProverError> {
    let cs = vk.cs();
    let expected = cs.num_instance_columns();
    if instances.len() != expected {
        return Err(ProverError::InstanceShape {
            reason: format!(
                "{} instance columns, the circuit has {expected}",
                instances.len()
            ),
        });
    }
    let usable = (params.n() as usize).saturating_sub(cs.blinding_factors() + 1);
    if let Some((i, column)) = instances.iter().enumerate().find(|(_, c)| c.len() > usable) {
        return Err(ProverError::InstanceShape {
            reason: format!(
                "instance column {i} has {} values, at most {usable} fit",
                column.len()
            ),
        });
    }
    Ok(())
}
