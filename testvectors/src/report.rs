//! The state-test report: one verdict per case and a summary, in one JSON shape for every
//! mode.

use equivm_trace::statetest::CaseIndex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The verdict on one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Everything the mode checks agreed with the test file.
    Passed,
    /// Something disagreed (the reason says what), or the input was unusable.
    Failed,
    /// The mode cannot handle this case yet (the reason names what is missing).
    Unsupported,
    /// The case cannot be run at all (the reason says why).
    Skipped,
}

/// One case's entry in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseReport {
    /// File the case came from.
    pub file: String,
    /// Test unit name.
    pub name: String,
    /// Fork.
    pub fork: String,
    /// Transaction indexes.
    pub index: CaseIndex,
    /// Verdict.
    pub verdict: Verdict,
    /// Why, for anything but `passed`.
    pub reason: Option<String>,
    /// `tamper` mode: mutants rejected by the constraints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutants_killed: Option<usize>,
    /// `tamper` mode: mutants accepted (soundness bugs; the case is `failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutants_survived: Option<usize>,
    /// `tamper` mode: mutants the assignment itself refused (counted neither way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutants_invalid: Option<usize>,
    /// `prove` mode: the proof's figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<ProofStats>,
    /// `mock` mode: a block above the `k` limit is checked as this many chunks, which must
    /// each pass and join into the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunks: Option<usize>,
    /// Wall-clock time spent on the case, in milliseconds (0 for a file that did not load).
    /// Cases run in parallel, so the sum exceeds the run's wall time.
    #[serde(default)]
    pub millis: u64,
}

/// Figures of one real proof, as measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofStats {
    /// The circuit's `k`.
    pub k: u32,
    /// Proving time, milliseconds.
    pub prove_ms: u64,
    /// Verifying time (key rebuilt from the shape, then the KZG check), milliseconds.
    pub verify_ms: u64,
    /// Proof size, bytes.
    pub proof_bytes: usize,
}

impl From<&crate::proving::ProofFigures> for ProofStats {
    fn from(f: &crate::proving::ProofFigures) -> Self {
        Self {
            k: f.k,
            prove_ms: f.prove.as_millis() as u64,
            verify_ms: f.verify.as_millis() as u64,
            proof_bytes: f.proof_bytes,
        }
    }
}

/// Counts by verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// All cases.
    pub total: usize,
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Unsupported.
    pub unsupported: usize,
    /// Skipped.
    pub skipped: usize,
    /// `tamper` mode: mutants rejected by the constraints, over all cases.
    #[serde(default)]
    pub mutants_killed: usize,
    /// `tamper` mode: mutants accepted, over all cases (each one a soundness bug).
    #[serde(default)]
    pub mutants_survived: usize,
    /// `tamper` mode: mutants the assignment refused, over all cases.
    #[serde(default)]
    pub mutants_invalid: usize,
}

impl Summary {
    /// Counts `verdict` once.
    pub fn add(&mut self, verdict: Verdict) {
        self.total += 1;
        match verdict {
            Verdict::Passed => self.passed += 1,
            Verdict::Failed => self.failed += 1,
            Verdict::Unsupported => self.unsupported += 1,
            Verdict::Skipped => self.skipped += 1,
        }
    }
}

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Counts.
    pub summary: Summary,
    /// Every case, sorted by file, name, fork and index.
    pub cases: Vec<CaseReport>,
}

impl Report {
    /// A report over `cases` (sorted here).
    pub fn new(mut cases: Vec<CaseReport>) -> Self {
        cases.sort_by(|a, b| {
            (
                &a.file,
                &a.name,
                &a.fork,
                a.index.data,
                a.index.gas,
                a.index.value,
            )
                .cmp(&(
                    &b.file,
                    &b.name,
                    &b.fork,
                    b.index.data,
                    b.index.gas,
                    b.index.value,
                ))
        });
        let mut summary = Summary::default();
        for case in &cases {
            summary.add(case.verdict);
            summary.mutants_killed += case.mutants_killed.unwrap_or(0);
            summary.mutants_survived += case.mutants_survived.unwrap_or(0);
            summary.mutants_invalid += case.mutants_invalid.unwrap_or(0);
        }
        Self { summary, cases }
    }

    /// Summaries per folder (the file's parent directory), in folder order.
    pub fn by_folder(&self) -> BTreeMap<String, Summary> {
        let mut out: BTreeMap<String, Summary> = BTreeMap::new();
        for case in &self.cases {
            let folder = std::path::Path::new(&case.file)
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            out.entry(folder).or_default().add(case.verdict);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(file: &str, verdict: Verdict) -> CaseReport {
        CaseReport {
            file: file.into(),
            name: "t".into(),
            fork: "Cancun".into(),
            index: CaseIndex::default(),
            verdict,
            reason: None,
            mutants_killed: None,
            mutants_survived: None,
            mutants_invalid: None,
            proof: None,
            chunks: None,
            millis: 0,
        }
    }

    #[test]
    fn json_has_the_documented_shape() {
        let report = Report::new(vec![case("a/x.json", Verdict::Passed)]);
        let json = serde_json::to_value(&report).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({
                "summary": {"total": 1, "passed": 1, "failed": 0, "unsupported": 0, "skipped": 0,
                            "mutants_killed": 0, "mutants_survived": 0, "mutants_invalid": 0},
                "cases": [{"file": "a/x.json", "name": "t", "fork": "Cancun",
                           "index": {"data": 0, "gas": 0, "value": 0},
                           "verdict": "passed", "reason": null, "millis": 0}]
            })
        );
    }

    #[test]
    fn folders_are_summarised_separately() {
        let report = Report::new(vec![
            case("a/x.json", Verdict::Passed),
            case("a/y.json", Verdict::Failed),
            case("b/z.json", Verdict::Skipped),
        ]);
        let folders = report.by_folder();
        assert_eq!(folders["a"].passed, 1);
        assert_eq!(folders["a"].failed, 1);
        assert_eq!(folders["b"].skipped, 1);
        assert_eq!(report.summary.total, 3);
    }
}
