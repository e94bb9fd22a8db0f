//! The proof file: a proof with everything a verifier needs besides the params and the key.
//!
//! ```json
//! { "format": "equivm-proof", "version": 1, "k": 7, "circuit": "toy-mul",
//!   "params": { ... }, "instances": [["2a00...00"]], "proof": "0a1b..." }
//! ```
//!
//! - `circuit` and `params` are the caller's: a name for the circuit and its configuration
//!   (opaque JSON here), so a verifier can rebuild the right verifying key.
//! - `instances` holds one list per instance column; each value is the lowercase hex of the
//!   field element's canonical 32-byte representation (`PrimeField::to_repr`, little-endian),
//!   64 characters, no `0x`.
//! - `proof` is the lowercase hex of the proof bytes.
//!
//! [`ProofFile::read`] accepts only this format and version and checks every hex string, so a
//! file it returns always converts with [`ProofFile::instances_fr`] and
//! [`ProofFile::proof_bytes`].

use super::{params::MAX_K, write_atomic, ProverError};
use halo2_proofs::halo2curves::{bn256::Fr, ff::PrimeField};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The `format` field of every proof file.
pub const PROOF_FILE_FORMAT: &str = "equivm-proof";
/// The `version` of the proof file layout this module reads and writes.
pub const PROOF_FILE_VERSION: u32 = 1;

/// A proof with its public instances and the circuit it is for (see the module docs for the
/// JSON layout).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofFile {
    /// Always [`PROOF_FILE_FORMAT`].
    pub format: String,
    /// Always [`PROOF_FILE_VERSION`].
    pub version: u32,
    /// The circuit's `k` (`2^k` rows).
    pub k: u32,
    /// The caller's name for the circuit.
    pub circuit: String,
    /// The caller's circuit parameters, opaque to this module.
    pub params: serde_json::Value,
    /// Per instance column, the hex of each value's canonical 32-byte representation.
    pub instances: Vec<Vec<String>>,
    /// The hex of the proof bytes.
    pub proof: String,
}

impl ProofFile {
    /// A proof file for `proof` of the circuit `circuit` (with parameters `params`) at `k`,
    /// with public `instances`.
    pub fn new(
        k: u32,
        circuit: impl Into<String>,
        params: serde_json::Value,
        instances: &[Vec<Fr>],
        proof: &[u8],
    ) -> Self {
        ProofFile {
            format: PROOF_FILE_FORMAT.to_string(),
            version: PROOF_FILE_VERSION,
            k,
            circuit: circuit.into(),
            params,
            instances: instances
                .iter()
                .map(|column| column.iter().map(|v| hex::encode(v.to_repr())).collect())
                .collect(),
            proof: hex::encode(proof),
        }
    }

    /// Writes the file as pretty JSON, atomically (temporary file, then rename).
    pub fn write(&self, path: &Path) -> Result<(), ProverError> {
        write_atomic(path, |out| {
            serde_json::to_writer_pretty(&mut *out, self)?;
            std::io::Write::write_all(out, b"\n")
        })
    }

    /// Reads and checks a proof file: the format and version first (so a file of another kind
    /// is named as such), then the fields, then every hex string.
    pub fn read(path: &Path) -> Result<Self, ProverError> {
        let malformed = |reason: String| ProverError::MalformedProofFile {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| ProverError::io(path, e))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| malformed(format!("not JSON: {e}")))?;
        match value.get("format") {
            Some(serde_json::Value::String(f)) if f == PROOF_FILE_FORMAT => {}
            Some(other) => {
                return Err(malformed(format!(
                    "format is {other}, expected \"{PROOF_FILE_FORMAT}\""
                )))
            }
            None => return Err(malformed("no \"format\" field".to_string())),
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(PROOF_FILE_VERSION) => {}
            Some(v) => {
                return Err(malformed(format!(
                    "version {v}, this build reads version {PROOF_FILE_VERSION}"
                )))
            }
            None => return Err(malformed("no numeric \"version\" field".to_string())),
        }
        let file: ProofFile =
            serde_json::from_value(value).map_err(|e| malformed(e.to_string()))?;
        if !(1..=MAX_K).contains(&file.k) {
            return Err(malformed(format!(
                "k = {} is out of range 1..={MAX_K}",
                file.k
            )));
        }
        file.instances_fr().map_err(|e| malformed(e.to_string()))?;
        file.proof_bytes().map_err(|e| malformed(e.to_string()))?;
        Ok(file)
    }

    /// The instances as field elements, one `Vec` per column. Fails with
    /// [`ProverError::MalformedInstance`] on a value that is not 64 hex characters or not
    /// the canonical representation of a field element (not below the modulus).
    pub fn instances_fr(&self) -> Result<Vec<Vec<Fr>>, ProverError> {
        self.instances
            .iter()
            .enumerate()
            .map(|(column, values)| {
                values
                    .iter()
                    .enumerate()
                    .map(|(row, text)| {
                        parse_fr(text).map_err(|reason| ProverError::MalformedInstance {
                            column,
                            row,
                            reason,
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// The proof bytes. Fails with [`ProverError::MalformedProofHex`] if `proof` is not hex.
    pub fn proof_bytes(&self) -> Result<Vec<u8>, ProverError> {
        hex::decode(&self.proof).map_err(|e| ProverError::MalformedProofHex {
            reason: e.to_string(),
        })
    }
}

/// The field element whose canonical representation has hex `text`.
fn parse_fr(text: &str) -> Result<Fr, String> {
    let mut repr = <Fr as PrimeField>::Repr::default();
    hex::decode_to_slice(text, repr.as_mut())
        .map_err(|e| format!("{text:?} is not 64 hex characters: {e}"))?;
    Option::from(Fr::from_repr(repr))
        .ok_or_else(|| format!("{text} is not below the field modulus"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prover::tests::{fixture, temp_dir, verify_fixture, K};
    use serde_json::json;

    fn sample() -> ProofFile {
        let f = fixture();
        ProofFile::new(K, "toy-mul", json!({ "rows": 3 }), &f.instances, &f.proof)
    }

    #[test]
    fn proof_file_round_trips_and_verifies() {
        let dir = temp_dir("proof-file");
        let path = dir.join("mul.proof.json");
        let file = sample();
        file.write(&path).expect("write");
        let back = ProofFile::read(&path).expect("read");
        assert_eq!(back, file);
        let f = fixture();
        assert_eq!(back.instances_fr().expect("instances"), f.instances);
        assert_eq!(back.proof_bytes().expect("proof"), f.proof);
        assert!(verify_fixture(
            &back.instances_fr().expect("i"),
            &back.proof_bytes().expect("p")
        )
        .is_ok());
        // The value 6 is stored as its little-endian canonical bytes.
        assert_eq!(back.instances[0][0], format!("06{}", "0".repeat(62)));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn malformed_proof_files_are_rejected_with_a_reason() {
        let dir = temp_dir("proof-file-bad");
        let good = serde_json::to_value(sample()).expect("to json");
        let edit = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut v = good.clone();
            f(&mut v);
            v.to_string()
        };
        let modulus_hex = "01000000f093f5e1439170b97948e833285d588181b64550b829a031e1724e64";
        let cases: Vec<(&str, String, &str)> = vec![
            ("not json", "{".to_string(), "not JSON"),
            (
                "other format",
                edit(&|v| v["format"] = json!("other")),
                "format",
            ),
            (
                "no format",
                edit(&|v| {
                    v.as_object_mut().map(|o| o.remove("format"));
                }),
                "format",
            ),
            ("version 2", edit(&|v| v["version"] = json!(2)), "version 2"),
            ("k 0", edit(&|v| v["k"] = json!(0)), "k = 0"),
            (
                "unknown field",
                edit(&|v| v["extra"] = json!(1)),
                "unknown field",
            ),
            (
                "missing proof",
                edit(&|v| {
                    v.as_object_mut().map(|o| o.remove("proof"));
                }),
                "proof",
            ),
            (
                "odd proof hex",
                edit(&|v| v["proof"] = json!("abc")),
                "not hex",
            ),
            (
                "non-hex proof",
                edit(&|v| v["proof"] = json!("zz")),
                "not hex",
            ),
            (
                "short instance",
                edit(&|v| v["instances"][0][0] = json!("06")),
                "row 0",
            ),
            (
                "non-hex instance",
                edit(&|v| v["instances"][0][1] = json!("g".repeat(64))),
                "row 1",
            ),
            (
                "modulus instance",
                edit(&|v| v["instances"][0][2] = json!(modulus_hex)),
                "modulus",
            ),
        ];
        for (name, text, needle) in cases {
            let path = dir.join("bad.json");
            std::fs::write(&path, text).expect("write");
            let err = ProofFile::read(&path).expect_err(name);
            assert!(
                matches!(err, ProverError::MalformedProofFile { .. }),
                "{name}: {err}"
            );
            assert!(err.to_string().contains(needle), "{name}: {err}");
        }
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
