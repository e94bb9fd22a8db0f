//! The proving layer: KZG parameters on BN254, key generation, SHPLONK proofs with a Blake2b
//! transcript, and the proof file, for any `C: Circuit<Fr>`.
//!
//! What it guarantees:
//! - [`verify`] accepts a proof only if the halo2 verifier accepts it for the given
//!   verifying key and public instances *and* the proof has no trailing bytes.
//! - Nothing here panics on bad input: malformed params, key and proof files, instances that
//!   do not fit the circuit, and the inputs on which halo2-axiom panics instead of returning
//!   an error (a circuit that does not fit in `2^k` rows, an unknown advice value while
//!   proving) all come back as [`ProverError`]s.
//! - Files are written atomically (a temporary file in the same folder, then a rename), so an
//!   interrupted run never leaves a half-written params or proof file behind.
//!
//! What it does not guarantee: [`insecure_params`] and [`ParamsCache::insecure`] derive the
//! setup's secret from a public seed. Proofs made with them convince nobody; they exist for
//! tests and demos. Real deployments read the output of a trusted setup with [`read_params`].
//!
//! - [`params`]: seeded (insecure) setup, params files, the on-disk params cache.
//! - [`keys`]: key generation and (de)serialization of verifying and proving keys.
//! - [`proof`]: [`prove`] and [`verify`].
//! - [`proof_file`]: the JSON [`ProofFile`] that carries a proof with its instances.

pub mod keys;
pub mod params;
pub mod proof;
pub mod proof_file;
#[cfg(test)]
mod tests;

pub use keys::{keygen, keygen_vk, pk_from_bytes, pk_to_bytes, vk_from_bytes, vk_to_bytes};
pub use params::{
    insecure_params, params_for_k, read_params, write_params, ParamsCache, DEFAULT_INSECURE_SEED,
    MAX_K,
};
pub use proof::{prove, verify};
pub use proof_file::{ProofFile, PROOF_FILE_FORMAT, PROOF_FILE_VERSION};

use halo2_proofs::plonk;
use std::{
    any::Any,
    io::{self, Write},
    panic::{self, AssertUnwindSafe},
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};
use thiserror::Error;

/// Everything that can go wrong while setting up, proving, verifying or (de)serializing.
#[derive(Debug, Error)]
pub enum ProverError {
    /// Reading or writing `path` failed.
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        /// The file or folder being read or written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A KZG params file is not a well-formed params file.
    #[error("malformed params file {}: {reason}", path.display())]
    MalformedParams {
        /// The params file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Serialized key bytes do not decode to a key of the expected circuit.
    #[error("malformed {kind}: {reason}")]
    MalformedKey {
        /// `"verifying key"` or `"proving key"`.
        kind: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A proof file is not a well-formed `equivm-proof` file.
    #[error("malformed proof file {}: {reason}", path.display())]
    MalformedProofFile {
        /// The proof file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// An instance value (hex) in a [`ProofFile`] is not a canonical field element.
    #[error("instance column {column}, row {row}: {reason}")]
    MalformedInstance {
        /// The instance column.
        column: usize,
        /// The row in that column.
        row: usize,
        /// What is wrong with the value.
        reason: String,
    },
    /// The `proof` field of a [`ProofFile`] is not hex.
    #[error("proof is not hex: {reason}")]
    MalformedProofHex {
        /// The hex decoder's complaint.
        reason: String,
    },
    /// A `k` outside `1..=MAX_K` was asked for.
    #[error("k = {k} is not supported (1 <= k <= {max})", max = MAX_K)]
    UnsupportedK {
        /// The requested k.
        k: u32,
    },
    /// The params are for a smaller `k` than the circuit (or key) needs.
    #[error("params are for k = {params_k}, the circuit needs k = {circuit_k}")]
    KMismatch {
        /// The params' k.
        params_k: u32,
        /// The k the circuit or key needs.
        circuit_k: u32,
    },
    /// The instances do not have the shape the circuit expects.
    #[error("instances do not fit the circuit: {reason}")]
    InstanceShape {
        /// What does not fit.
        reason: String,
    },
    /// halo2 rejected the circuit during key generation (e.g. k too small).
    #[error("key generation failed: {source}")]
    Keygen {
        /// The halo2 error.
        #[source]
        source: plonk::Error,
    },
    /// halo2 failed to create a proof.
    #[error("proving failed: {source}")]
    Proving {
        /// The halo2 error.
        #[source]
        source: plonk::Error,
    },
    /// halo2 panicked where it could have returned an error (it does so for some circuits that
    /// do not fit in `2^k` rows and some invalid witnesses); `stage` says where.
    #[error("{stage} aborted: {message}")]
    Aborted {
        /// `"key generation"`, `"proving"` or `"verification"`.
        stage: &'static str,
        /// The panic message.
        message: String,
    },
    /// The proof does not verify against the verifying key and instances.
    #[error("proof verification failed: {reason}")]
    VerificationFailed {
        /// Why it was rejected.
        reason: String,
        /// The halo2 error, when halo2 rejected it.
        #[source]
        source: Option<plonk::Error>,
    },
}

impl ProverError {
    /// An [`ProverError::Io`] on `path`.
    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        ProverError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Runs `f`, turning a panic inside it into [`ProverError::Aborted`] at `stage`.
///
/// halo2-axiom panics, instead of returning an error, on some inputs this module accepts from
/// callers (a circuit assigning a row past `2^k`, an unknown advice value while proving, a
/// key whose `k` is too large for the circuit's degree). Those are bad inputs, not broken
/// invariants of this crate, so they are reported as errors.
pub(crate) fn catch_halo2_panic<T>(
    stage: &'static str,
    f: impl FnOnce() -> Result<T, ProverError>,
) -> Result<T, ProverError> {
    panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        Err(ProverError::Aborted {
            stage,
            message: panic_message(payload.as_ref()),
        })
    })
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".to_string()
    }
}

/// Writes `path` atomically: `write` fills a temporary file in the same folder, which is
/// flushed, synced and then renamed over `path`. On any error the temporary file is removed
/// and `path` is left as it was.
pub(crate) fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut io::BufWriter<std::fs::File>) -> io::Result<()>,
) -> Result<(), ProverError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| {
            ProverError::io(
                path,
                io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"),
            )
        })?
        .to_string_lossy();
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut out = io::BufWriter::new(file);
        write(&mut out)?;
        out.flush()?;
        out.get_ref().sync_all()?;
        drop(out);
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        // Best effort: the temporary file may not exist if creating it failed.
        let _ = std::fs::remove_file(&tmp);
        ProverError::io(path, e)
    })
}
