//! KZG parameters on BN254: a seeded (insecure) setup for tests and demos, reading and writing
//! the standard halo2 params file, shrinking params to a circuit's `k`, and an on-disk cache of
//! seeded params.
//!
//! The params file is halo2's own (`ParamsKZG::write`): `k` as 4 little-endian bytes, the
//! `2^k` monomial and `2^k` Lagrange G1 points, then `g2` and `s·g2`, all uncompressed in
//! Montgomery form. [`read_params`] checks the length against `k` before decoding and rejects
//! coordinates that are not field elements; it cannot check where the secret came from, so a
//! params file is trusted the way the setup that produced it is.

use super::{write_atomic, ProverError};
use halo2_proofs::{
    halo2curves::{
        bn256::{Bn256, Fr, G1Affine, G2Affine},
        ff::PrimeField,
        serde::SerdeObject,
    },
    poly::{commitment::Params, kzg::commitment::ParamsKZG},
    SerdeFormat,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use std::{
    borrow::Cow,
    fs::File,
    io::{BufReader, Read},
    path::{Path, PathBuf},
};

/// The largest supported `k`: BN254's scalar field has roots of unity of order `2^MAX_K`.
pub const MAX_K: u32 = Fr::S;

/// The seed [`ParamsCache::insecure`] callers use when they have no reason to pick another:
/// the bytes of `"equivm"`. Public, like every seed: see [`insecure_params`].
pub const DEFAULT_INSECURE_SEED: u64 = 0x65_71_75_69_76_6d;

/// **INSECURE.** KZG params for `2^k` rows from a setup whose secret τ is drawn from a
/// ChaCha20 stream seeded with `seed`.
///
/// Anyone who knows the seed can recompute τ and forge proofs of false statements, so these
/// params are for tests, benchmarks and demos only, never for proofs anyone relies on. The
/// same `(k, seed)` always gives the same params, which is what makes them useful in tests
/// and lets params of different sizes share τ (for aggregation).
///
/// Fails with [`ProverError::UnsupportedK`] if `k` is 0 or above [`MAX_K`].
pub fn insecure_params(k: u32, seed: u64) -> Result<ParamsKZG<Bn256>, ProverError> {
    check_k(k)?;
    Ok(ParamsKZG::setup(k, ChaCha20Rng::seed_from_u64(seed)))
}

fn check_k(k: u32) -> Result<(), ProverError> {
    if (1..=MAX_K).contains(&k) {
        Ok(())
    } else {
        Err(ProverError::UnsupportedK { k })
    }
}

/// The size in bytes of a params file for `k`.
fn params_file_len(k: u32) -> u64 {
    let g1 = G1Affine::generator().to_raw_bytes().len() as u64;
    let g2 = G2Affine::generator().to_raw_bytes().len() as u64;
    4 + 2 * (1u64 << k) * g1 + 2 * g2
}

/// Reads a standard halo2 KZG params file (as written by `ParamsKZG::write` or
/// [`write_params`]).
///
/// Errors: [`ProverError::Io`] if the file cannot be read; [`ProverError::MalformedParams`]
/// if its `k` is out of range, its length does not match its `k`, or a coordinate is not a
/// field element.
pub fn read_params(path: &Path) -> Result<ParamsKZG<Bn256>, ProverError> {
    let malformed = |reason: String| ProverError::MalformedParams {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|e| ProverError::io(path, e))?;
    let len = file.metadata().map_err(|e| ProverError::io(path, e))?.len();
    let mut reader = BufReader::new(file);
    let mut k_bytes = [0u8; 4];
    reader
        .read_exact(&mut k_bytes)
        .map_err(|e| malformed(format!("cannot read k: {e}")))?;
    let k = u32::from_le_bytes(k_bytes);
    if !(1..=MAX_K).contains(&k) {
        return Err(malformed(format!("k = {k} is out of range 1..={MAX_K}")));
    }
    let expected = params_file_len(k);
    if len != expected {
        return Err(malformed(format!(
            "{len} bytes, params for k = {k} take {expected}"
        )));
    }
    // The length is right, so decoding cannot run out of bytes; `RawBytes` also rejects
    // coordinates that are not below the field modulus.
    ParamsKZG::read_custom(&mut (&k_bytes[..]).chain(reader), SerdeFormat::RawBytes)
        .map_err(|e| malformed(e.to_string()))
}

/// Writes `params` to `path` in the standard halo2 params format, atomically.
pub fn write_params(params: &ParamsKZG<Bn256>, path: &Path) -> Result<(), ProverError> {
    write_atomic(path, |out| params.write_custom(out, SerdeFormat::RawBytes))
}

/// `params` for exactly `2^k` rows: borrowed if `params.k() == k`, a downsized copy if they
/// are larger (same τ, so proofs verify with either), [`ProverError::KMismatch`] if smaller.
pub fn params_for_k(
    params: &ParamsKZG<Bn256>,
    k: u32,
) -> Result<Cow<'_, ParamsKZG<Bn256>>, ProverError> {
    let params_k = params.k();
    if params_k == k {
        Ok(Cow::Borrowed(params))
    } else if params_k > k {
        check_k(k)?;
        let mut smaller = params.clone();
        smaller.downsize(k);
        Ok(Cow::Owned(smaller))
    } else {
        Err(ProverError::KMismatch {
            params_k,
            circuit_k: k,
        })
    }
}

/// A folder of seeded params files, so tests and demos generate each `(k, seed)` once.
///
/// Every file it holds is **INSECURE** for the reasons given at [`insecure_params`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamsCache {
    /// The folder holding the params files (created on first write).
    pub dir: PathBuf,
}

impl ParamsCache {
    /// A cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ParamsCache { dir: dir.into() }
    }

    /// The file that holds the params for `(k, seed)`.
    pub fn insecure_path(&self, k: u32, seed: u64) -> PathBuf {
        self.dir
            .join(format!("insecure-kzg-bn254-seed{seed}-k{k}.params"))
    }

    /// **INSECURE** params for `(k, seed)` (see [`insecure_params`]): read from the cache
    /// if the file is there, otherwise generated and written atomically (so an interrupted run
    /// leaves no partial file; concurrent writers write identical bytes and the last rename
    /// wins).
    ///
    /// A cached file that does not decode is reported ([`ProverError::MalformedParams`]), not
    /// silently replaced.
    pub fn insecure(&self, k: u32, seed: u64) -> Result<ParamsKZG<Bn256>, ProverError> {
        check_k(k)?;
        let path = self.insecure_path(k, seed);
        if path.is_file() {
            return read_params(&path);
        }
        let params = insecure_params(k, seed)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| ProverError::io(&self.dir, e))?;
        write_params(&params, &path)?;
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prover::tests::{fixture, params_bytes, temp_dir, verify_fixture, K, SEED};

    #[test]
    fn insecure_params_reject_k_out_of_range() {
        for k in [0, MAX_K + 1, u32::MAX] {
            let err = insecure_params(k, SEED).expect_err("k out of range");
            assert!(matches!(err, ProverError::UnsupportedK { .. }), "{err}");
        }
    }

    #[test]
    fn params_for_k_downsizes_and_refuses_to_grow() {
        let small = insecure_params(K, SEED).expect("params");
        let big = insecure_params(K + 1, SEED).expect("params");
        let err = params_for_k(&small, K + 1).expect_err("too small");
        assert!(
            matches!(err, ProverError::KMismatch { params_k, circuit_k } if params_k == K && circuit_k == K + 1),
            "{err}"
        );
        assert!(matches!(params_for_k(&small, K), Ok(Cow::Borrowed(_))));
        // Same seed, same τ: the downsized params are exactly the smaller setup, and the
        // larger params verify a proof made with the smaller ones.
        let down = params_for_k(&big, K).expect("downsize");
        assert_eq!(down.k(), K);
        assert_eq!(params_bytes(&down), params_bytes(&small));
        let f = fixture();
        assert!(crate::prover::verify(&big, f.pk.get_vk(), &f.instances, &f.proof).is_ok());
        assert!(verify_fixture(&f.instances, &f.proof).is_ok());
    }

    #[test]
    fn params_cache_writes_once_then_reads_back_equal() {
        let dir = temp_dir("params-cache");
        let cache = ParamsCache::new(dir.join("nested"));
        let path = cache.insecure_path(K, SEED);
        assert!(!path.exists());
        let first = cache.insecure(K, SEED).expect("generate and write");
        assert!(path.is_file());
        let second = cache.insecure(K, SEED).expect("read back");
        assert_eq!(second.k(), first.k());
        assert_eq!(params_bytes(&second), params_bytes(&first));
        assert_eq!(
            params_bytes(&first),
            params_bytes(&insecure_params(K, SEED).expect("k"))
        );
        // The folder holds the params file and no temporary file.
        let names: Vec<_> = std::fs::read_dir(&cache.dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![path.file_name().expect("name").to_owned()]);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn malformed_params_files_are_errors() {
        let dir = temp_dir("params-bad");
        let good = dir.join("good.params");
        write_params(&insecure_params(K, SEED).expect("params"), &good).expect("write");
        let bytes = std::fs::read(&good).expect("read");
        assert_eq!(read_params(&good).map(|p| p.k()).ok(), Some(K));

        let missing = read_params(&dir.join("missing.params")).expect_err("no file");
        assert!(matches!(missing, ProverError::Io { .. }), "{missing}");
        let mut cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            ("truncated", bytes[..bytes.len() - 1].to_vec()),
            ("trailing byte", [&bytes[..], &[0]].concat()),
        ];
        let mut huge_k = bytes.clone();
        huge_k[..4].copy_from_slice(&40u32.to_le_bytes());
        cases.push(("k = 40", huge_k));
        let mut bad_coordinate = bytes.clone();
        bad_coordinate[4..36].fill(0xff);
        cases.push(("coordinate above the modulus", bad_coordinate));
        for (name, contents) in cases {
            let path = dir.join("bad.params");
            std::fs::write(&path, contents).expect("write");
            let err = read_params(&path).expect_err(name);
            assert!(
                matches!(err, ProverError::MalformedParams { .. }),
                "{name}: {err}"
            );
        }
        // A cached file that does not decode is reported, not replaced.
        let cache = ParamsCache::new(&dir);
        std::fs::write(cache.insecure_path(K, SEED), b"junk").expect("write");
        assert!(cache.insecure(K, SEED).is_err());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
