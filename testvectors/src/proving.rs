//! Where KZG params come from, and proving keys kept per `k` for a run that proves many
//! blocks (`prove` mode, `equivm prove`, `equivm verify`).
//!
//! Params: a file given with `--params FILE` is read as standard halo2 KZG params (the
//! output of a trusted setup). Otherwise the seeded, **insecure** test setup is used,
//! generated once per `k` and cached in a folder (`--params DIR`, else `$EQUIVM_PARAMS_DIR`,
//! else `.equivm/kzg-params`); proofs made with it convince nobody and say so in their
//! file (`setup: "insecure-seed-N"`).

use equivm_circuits::prover::{self, ParamsCache, ProofFile, DEFAULT_INSECURE_SEED};
use equivm_circuits::super_circuit::{
    chunk::ChainSummary,
    proving::{
        block_keygen, block_proof_params, prove_block, verify_block, verify_chain, verify_chunk,
    },
    SuperCircuit, SuperCircuitParams,
};
use halo2_proofs::{
    halo2curves::bn256::{Bn256, G1Affine},
    plonk::ProvingKey,
    poly::kzg::commitment::ParamsKZG,
};
use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// The default folder of cached insecure params.
pub fn default_params_dir() -> PathBuf {
    std::env::var_os("EQUIVM_PARAMS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".equivm/kzg-params"))
}

/// Params and proving keys for a run.
#[derive(Debug)]
pub struct ProvingSetup {
    /// A trusted-setup params file, if given.
    pub params_file: Option<PathBuf>,
    /// Folder of cached insecure params.
    pub cache_dir: PathBuf,
    keys: Mutex<HashMap<SuperCircuitParams, Arc<Keys>>>,
}

/// Params and the proving key of one `k`.
#[derive(Debug)]
pub struct Keys {
    /// The params (downsized to `k` if read from a larger file).
    pub params: ParamsKZG<Bn256>,
    /// The proving key of the super circuit at `k`.
    pub pk: ProvingKey<G1Affine>,
    /// How the params were made (recorded in proof files).
    pub setup: String,
    /// Time to load or generate the params.
    pub params_time: Duration,
    /// Time to generate the keys.
    pub keygen_time: Duration,
}

/// Figures of one proof.
#[derive(Clone, Debug)]
pub struct ProofFigures {
    /// `k`.
    pub k: u32,
    /// Proving time.
    pub prove: Duration,
    /// Verifying time.
    pub verify: Duration,
    /// Proof size in bytes.
    pub proof_bytes: usize,
}

impl ProvingSetup {
    /// A setup reading `params` (a file) or caching insecure params in `params` (a folder,
    /// default [`default_params_dir`]).
    pub fn new(params: Option<&Path>) -> Self {
        let (params_file, cache_dir) = match params {
            Some(p) if p.is_file() => (Some(p.to_path_buf()), default_params_dir()),
            Some(p) => (None, p.to_path_buf()),
            None => (None, default_params_dir()),
        };
        Self {
            params_file,
            cache_dir,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// Params at `k` and how they were made.
    pub fn params(&self, k: u32) -> Result<(ParamsKZG<Bn256>, String), String> {
        match &self.params_file {
            Some(path) => {
                let params = prover::read_params(path).map_err(|e| e.to_string())?;
                let params = prover::params_for_k(&params, k).map_err(|e| e.to_string())?;
                Ok((params.into_owned(), "file".to_string()))
            }
            None => {
                let params = ParamsCache::new(&self.cache_dir)
                    .insecure(k, DEFAULT_INSECURE_SEED)
                    .map_err(|e| e.to_string())?;
                Ok((params, format!("insecure-seed-{DEFAULT_INSECURE_SEED}")))
            }
        }
    }

    /// Params for verifying a proof made with `setup` at `k`.
    pub fn params_for_setup(&self, setup: &str, k: u32) -> Result<ParamsKZG<Bn256>, String> {
        if setup == "file" {
            if self.params_file.is_none() {
                return Err(
                    "the proof was made with params from a file: pass it with --params FILE".into(),
                );
            }
            return self.params(k).map(|(p, _)| p);
        }
        let seed: u64 = setup
            .strip_prefix("insecure-seed-")
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("unknown setup '{setup}' in the proof file"))?;
        ParamsCache::new(&self.cache_dir)
            .insecure(k, seed)
            .map_err(|e| e.to_string())
    }

    /// The params and proving key of the circuit shape `shape` (made once, then shared).
    pub fn keys(&self, shape: SuperCircuitParams) -> Result<Arc<Keys>, String> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(k) = keys.get(&shape) {
            return Ok(k.clone());
        }
        let start = Instant::now();
        let (params, setup) = self.params(shape.k)?;
        let params_time = start.elapsed();
        let start = Instant::now();
        let pk = block_keygen(&params, shape).map_err(|e| e.to_string())?;
        let entry = Arc::new(Keys {
            params,
            pk,
            setup,
            params_time,
            keygen_time: start.elapsed(),
        });
        keys.insert(shape, entry.clone());
        Ok(entry)
    }

    /// Proves `circuit`, then verifies the proof as a verifier would (rebuilt key).
    pub fn prove_and_verify(
        &self,
        circuit: &SuperCircuit,
    ) -> Result<(ProofFile, ProofFigures), String> {
        let keys = self.keys(circuit.params)?;
        let start = Instant::now();
        let file = prove_block(&keys.params, &keys.pk, circuit, &keys.setup)
            .map_err(|e| format!("proving: {e}"))?;
        let prove = start.elapsed();
        let start = Instant::now();
        // A chunk of a block is verified alone; its place in the block is the chain's.
        if circuit.span == equivm_circuits::state::StateSpan::BLOCK {
            verify_block(&keys.params, &file).map(|_| ())
        } else {
            verify_chunk(&keys.params, &file).map(|_| ())
        }
        .map_err(|e| format!("verifying: {e}"))?;
        let verify = start.elapsed();
        let proof_bytes = file.proof.len() / 2;
        Ok((
            file,
            ProofFigures {
                k: circuit.params.k,
                prove,
                verify,
                proof_bytes,
            },
        ))
    }

    /// Verifies a block proof file with the params its setup names.
    pub fn verify(&self, file: &ProofFile) -> Result<(), String> {
        let meta = block_proof_params(file).map_err(|e| e.to_string())?;
        let params = self.params_for_setup(&meta.setup, file.k)?;
        verify_block(&params, file).map_err(|e| e.to_string())
    }

    /// Verifies the proof files of a block's chunks, in order, and checks that they join.
    pub fn verify_chain(&self, files: &[ProofFile]) -> Result<ChainSummary, String> {
        let mut error = None;
        let summary = verify_chain(files, |file| {
            let params = block_proof_params(file)
                .map_err(|e| e.to_string())
                .and_then(|meta| self.params_for_setup(&meta.setup, file.k));
            params.map_err(|reason| {
                error = Some(reason.clone());
                equivm_circuits::prover::ProverError::VerificationFailed {
                    reason,
                    source: None,
                }
            })
        });
        summary.map_err(|e| error.unwrap_or_else(|| e.to_string()))
    }
}
