//! Runs Ethereum GeneralStateTests through equivm and gives each case a verdict.
//!
//! Modes, each including the checks of the one before:
//! - `exec`: trace the transaction in revm; the post-state root, the logs hash and the
//!   expected exception must match the file.
//! - `witness`: build the witness from the trace and replay its read/write log alone; the
//!   replay must reconstruct every stack, memory, storage and account value revm had.
//! - `mock`: the super circuit (EVM, state, copy, bytecode and keccak circuits) under
//!   MockProver; a step without a gadget makes the case `unsupported`, naming it. A block
//!   above `max_k` is checked as chunks that fit it ([`crate::mock::chunked_verdict`]).
//! - `prove`: `mock`, then a real KZG proof (SHPLONK) of the block, verified as a verifier
//!   would (see [`crate::proving`] for where params come from). A block above `max_k` is
//!   proved as chunks, whose proofs must verify as a chain.
//! - `tamper`: `mock`, then that many mutants of the passing assignment ([`crate::tamper`]);
//!   one surviving mutant makes the case `failed`. A block above `max_k` is checked as
//!   chunks, with that many mutants of each chunk.
//!
//! A file that cannot be read or parsed, or a path that does not exist, becomes one
//! `failed` entry naming the file; every other file still runs.

use crate::report::{CaseReport, ProofStats, Report, Verdict};
use crate::tamper::MutantCounts;
use equivm_trace::{
    statetest::{load_file, CaseIndex, ForkSelection, StateTestCase},
    BlockTrace, TraceError, TxStatus,
};
use equivm_witness::{build_witness, replay_check, WitnessError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    path::{Path, PathBuf},
    str::FromStr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::Instant,
};

/// Witnesses estimated above this many entries are built one at a time.
const HEAVY_WITNESS_WEIGHT: u64 = 1 << 21;
static HEAVY_WITNESS: Mutex<()> = Mutex::new(());

/// Circuits of this `k` or more are checked one at a time: MockProver holds every column's
/// `2^k` cells, gigabytes from here on.
const HEAVY_CIRCUIT_K: u32 = 17;
static HEAVY_CIRCUIT: Mutex<()> = Mutex::new(());

/// A rough upper estimate of a trace's witness size: steps plus bytes moved.
fn witness_weight(trace: &BlockTrace) -> u64 {
    let mut weight = 0u64;
    for tx in &trace.txs {
        weight += 8 * tx.steps.len() as u64;
        for step in &tx.steps {
            let read = step.memory_read.as_ref().map_or(0, |m| m.data.len());
            let written = step.memory_written.as_ref().map_or(0, |m| m.data.len());
            weight += (read + written) as u64;
        }
        for call in &tx.calls {
            weight += (call.input.len() + call.return_data.len()) as u64;
        }
    }
    weight
}

/// The fork whose rules the witness generator (and later the circuits) implement.
pub const WITNESS_FORK: &str = "Cancun";

/// How far a case is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// revm execution with tracing, checked against the file's roots.
    Exec,
    /// `exec`, then witness generation and the read/write replay check.
    Witness,
    /// `witness`, then the super circuit (EVM, state, copy, bytecode and keccak circuits)
    /// under MockProver.
    Mock,
    /// `mock`, then mutants of the passing assignment, each of which must be rejected.
    Tamper,
    /// `mock`, then a real proof, verified.
    Prove,
}

impl FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "exec" => Ok(Self::Exec),
            "witness" => Ok(Self::Witness),
            "mock" => Ok(Self::Mock),
            "tamper" => Ok(Self::Tamper),
            "prove" => Ok(Self::Prove),
            other => Err(format!(
                "unknown mode '{other}' (expected exec, witness, mock, prove or tamper)"
            )),
        }
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Mode.
    pub mode: Mode,
    /// Forks.
    pub forks: ForkSelection,
    /// Only cases whose file path or test name contains this text.
    pub filter: Option<String>,
    /// `tamper` mode: mutants per passing case.
    pub mutants: usize,
    /// The largest `k` the circuit modes run (bigger blocks are `unsupported`).
    pub max_k: u32,
    /// `prove` mode: params and keys (required in that mode).
    pub proving: Option<std::sync::Arc<crate::proving::ProvingSetup>>,
}

/// Counters gathered while running, for throughput figures.
#[derive(Debug, Default)]
pub struct RunTimings {
    /// Opcode steps traced.
    pub steps: AtomicU64,
    /// Read/write entries generated.
    pub rws: AtomicU64,
    /// Nanoseconds spent tracing (revm with the inspector, plus root checks).
    pub trace_nanos: AtomicU64,
    /// Nanoseconds spent building witnesses and replaying them.
    pub witness_nanos: AtomicU64,
}

/// Every `.json` file under `paths` (files as given, folders walked recursively), sorted;
/// paths that do not exist come back as errors.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
        } else if path.is_dir() {
            walk(path, &mut files, &mut errors);
        } else {
            errors.push((path.clone(), "path does not exist".to_string()));
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, String)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push((dir.to_path_buf(), format!("cannot read folder: {e}")));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files, errors);
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
}

fn error_case(file: &Path, reason: String) -> CaseReport {
    CaseReport {
        file: file.display().to_string(),
        name: String::new(),
        fork: String::new(),
        index: CaseIndex::default(),
        verdict: Verdict::Failed,
        reason: Some(reason),
        mutants_killed: None,
        mutants_survived: None,
        mutants_invalid: None,
        proof: None,
        chunks: None,
        millis: 0,
    }
}

/// Runs every selected case under `paths`. `on_case` is called once per finished case (for
/// progress display and logs) with the total number of cases known so far and the case's
/// report.
pub fn run(
    paths: &[PathBuf],
    options: &RunOptions,
    timings: &RunTimings,
    on_case: &(dyn Fn(u64, &CaseReport) + Sync),
) -> Report {
    let (files, path_errors) = collect_files(paths);
    let mut reports: Vec<CaseReport> = path_errors
        .into_iter()
        .map(|(path, why)| error_case(&path, why))
        .collect();

    let loaded: Vec<Result<Vec<StateTestCase>, Box<CaseReport>>> = files
        .par_iter()
        .map(|file| {
            load_file(file, &options.forks)
                .map_err(|e| match e {
                    TraceError::SkippedFile { reason, .. } => Box::new(CaseReport {
                        verdict: Verdict::Skipped,
                        ..error_case(file, reason)
                    }),
                    other => Box::new(error_case(file, other.to_string())),
                })
                .map(|cases| filter_cases(cases, options.filter.as_deref()))
        })
        .collect();
    let mut cases = Vec::new();
    for item in loaded {
        match item {
            Ok(mut c) => cases.append(&mut c),
            Err(report) => reports.push(*report),
        }
    }
    let total = cases.len() as u64;
    let mut results: Vec<CaseReport> = cases
        .par_iter()
        .map(|case| {
            let report = run_case_guarded(case, options, timings);
            on_case(total, &report);
            report
        })
        .collect();
    reports.append(&mut results);
    Report::new(reports)
}

fn filter_cases(cases: Vec<StateTestCase>, filter: Option<&str>) -> Vec<StateTestCase> {
    match filter {
        None => cases,
        Some(text) => cases
            .into_iter()
            .filter(|c| c.file.contains(text) || c.name.contains(text))
            .collect(),
    }
}

/// Runs one case; a panic anywhere below is a `failed` verdict naming it, never a crash.
fn run_case_guarded(
    case: &StateTestCase,
    options: &RunOptions,
    timings: &RunTimings,
) -> CaseReport {
    let started = std::time::Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| run_case(case, options, timings)))
        .unwrap_or_else(|panic| {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            CaseOutcome::of(
                Verdict::Failed,
                Some(format!("internal error (panic): {msg}")),
            )
        });
    CaseReport {
        file: case.file.clone(),
        name: case.name.clone(),
        fork: case.fork.clone(),
        index: case.index,
        verdict: outcome.verdict,
        reason: outcome.reason,
        mutants_killed: outcome.mutants.as_ref().map(|m| m.killed),
        mutants_survived: outcome.mutants.as_ref().map(|m| m.survived),
        mutants_invalid: outcome.mutants.as_ref().map(|m| m.invalid),
        proof: outcome.proof,
        chunks: outcome.chunks,
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// What running one case gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseOutcome {
    /// The verdict.
    pub verdict: Verdict,
    /// Why, for anything but `passed`.
    pub reason: Option<String>,
    /// `tamper` mode: the mutants' counts.
    pub mutants: Option<MutantCounts>,
    /// `prove` mode: the proof's figures.
    pub proof: Option<ProofStats>,
    /// `mock` mode: the chunks a block above the `k` limit was checked as.
    pub chunks: Option<usize>,
}

impl CaseOutcome {
    fn of(verdict: Verdict, reason: Option<String>) -> Self {
        Self {
            verdict,
            reason,
            mutants: None,
            proof: None,
            chunks: None,
        }
    }
}

impl From<(Verdict, Option<String>)> for CaseOutcome {
    fn from((verdict, reason): (Verdict, Option<String>)) -> Self {
        Self::of(verdict, reason)
    }
}

/// `mock`, then (in `prove` mode) a proof or (in `tamper` mode) mutants of the passing
/// circuit.
fn circuit_verdict(witness: equivm_witness::Witness, options: &RunOptions) -> CaseOutcome {
    let mode = options.mode;
    if let Some(k) = crate::mock::too_big_for(&witness, options.max_k) {
        return chunked_verdict(&witness, k, options);
    }
    let circuit = match crate::mock::mock_circuit(witness, options.max_k) {
        Ok(c) => c,
        Err(verdict) => return verdict.into(),
    };
    let _heavy = (circuit.params.k >= HEAVY_CIRCUIT_K)
        .then(|| HEAVY_CIRCUIT.lock().unwrap_or_else(|e| e.into_inner()));
    if let Err(why) = crate::mock::mock_check(&circuit) {
        return CaseOutcome::of(Verdict::Failed, Some(why));
    }
    if mode == Mode::Prove {
        let Some(setup) = &options.proving else {
            return CaseOutcome::of(Verdict::Failed, Some("prove mode without params".into()));
        };
        return match setup.prove_and_verify(&circuit) {
            Ok((_, figures)) => CaseOutcome {
                proof: Some(ProofStats::from(&figures)),
                ..CaseOutcome::of(Verdict::Passed, None)
            },
            Err(why) => CaseOutcome::of(Verdict::Failed, Some(why)),
        };
    }
    if mode != Mode::Tamper {
        return CaseOutcome::of(Verdict::Passed, None);
    }
    let counts = crate::tamper::run_mutants(&circuit, options.mutants, TAMPER_SEED, |c| {
        crate::mock::mock_check_from_pre_state(c, &circuit)
    });
    let (verdict, reason) = if counts.survived > 0 {
        (
            Verdict::Failed,
            Some(format!(
                "{} of {} mutants survived (soundness bug): {}",
                counts.survived,
                counts.killed + counts.survived,
                counts.survivors.join("; ")
            )),
        )
    } else {
        (Verdict::Passed, None)
    };
    CaseOutcome {
        verdict,
        reason,
        mutants: Some(counts),
        proof: None,
        chunks: None,
    }
}

/// A block above `max_k`, checked as a chain of chunks that fit it: each chunk under the
/// mock check; in tamper mode, also `--mutants` mutants of each chunk, each checked against
/// that chunk's honest pre-state; in prove mode, a proof of each chunk, verified alone, then
/// the proofs verified as a chain.
fn chunked_verdict(witness: &equivm_witness::Witness, k: u32, options: &RunOptions) -> CaseOutcome {
    let mode = options.mode;
    let counts = std::cell::RefCell::new(MutantCounts::default());
    let proofs = std::cell::RefCell::new(Vec::new());
    let outcome = crate::mock::chunked_verdict(witness, k, options.max_k, |chunk| {
        let _heavy = (chunk.params.k >= HEAVY_CIRCUIT_K)
            .then(|| HEAVY_CIRCUIT.lock().unwrap_or_else(|e| e.into_inner()));
        crate::mock::mock_check(chunk)?;
        match mode {
            Mode::Tamper => {
                let c = crate::tamper::run_mutants(chunk, options.mutants, TAMPER_SEED, |m| {
                    crate::mock::mock_check_from_pre_state(m, chunk)
                });
                let mut all = counts.borrow_mut();
                all.killed += c.killed;
                all.survived += c.survived;
                all.invalid += c.invalid;
                all.survivors.extend(c.survivors.iter().cloned());
                if c.survived > 0 {
                    return Err(format!(
                        "{} of {} mutants survived (soundness bug): {}",
                        c.survived,
                        c.killed + c.survived,
                        c.survivors.join("; ")
                    ));
                }
            }
            Mode::Prove => {
                let setup = options
                    .proving
                    .as_ref()
                    .ok_or("prove mode without params")?;
                proofs.borrow_mut().push(setup.prove_and_verify(chunk)?);
            }
            _ => {}
        }
        Ok(())
    });
    let mut result = CaseOutcome {
        chunks: (outcome.chunks > 0).then_some(outcome.chunks),
        mutants: (mode == Mode::Tamper).then(|| counts.into_inner()),
        ..CaseOutcome::of(outcome.verdict, outcome.reason)
    };
    let proofs = proofs.into_inner();
    if mode != Mode::Prove || result.verdict != Verdict::Passed {
        return result;
    }
    let (files, figures): (Vec<_>, Vec<_>) = proofs.into_iter().unzip();
    let start = Instant::now();
    let chain = options
        .proving
        .as_ref()
        .ok_or_else(|| "prove mode without params".to_string())
        .and_then(|setup| setup.verify_chain(&files));
    if let Err(why) = chain {
        result.verdict = Verdict::Failed;
        result.reason = Some(format!(
            "the chunks' proofs do not verify as a chain: {why}"
        ));
        return result;
    }
    // The chunks' figures together: the largest `k`, the proving times and proof sizes
    // summed, and the verification of the whole chain.
    result.proof = Some(ProofStats {
        k: figures.iter().map(|f| f.k).max().unwrap_or(0),
        prove_ms: figures.iter().map(|f| f.prove.as_millis() as u64).sum(),
        verify_ms: start.elapsed().as_millis() as u64,
        proof_bytes: figures.iter().map(|f| f.proof_bytes).sum(),
    });
    result
}

/// Seed of the mutant positions (fixed, so runs are reproducible).
pub const TAMPER_SEED: u64 = 0x5eed;

/// The verdict on one case.
pub fn run_case(case: &StateTestCase, options: &RunOptions, timings: &RunTimings) -> CaseOutcome {
    let mode = options.mode;
    if let Some(why) = &case.skip {
        return (Verdict::Skipped, Some(why.clone())).into();
    }
    let start = Instant::now();
    let exec = case.execute();
    timings
        .trace_nanos
        .fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
    if let Err(why) = exec.check {
        return (Verdict::Failed, Some(why)).into();
    }
    let Some(traced) = exec.traced else {
        // The transaction was rejected before it could be built, as the file expects.
        return (Verdict::Passed, None).into();
    };
    let steps: usize = traced.trace.txs.iter().map(|t| t.steps.len()).sum();
    timings.steps.fetch_add(steps as u64, Ordering::Relaxed);
    if mode == Mode::Exec {
        return (Verdict::Passed, None).into();
    }
    if case.fork != WITNESS_FORK {
        return (
            Verdict::Unsupported,
            Some(format!(
                "witness generation follows {WITNESS_FORK} rules; fork {} is not supported",
                case.fork
            )),
        )
            .into();
    }
    if traced
        .trace
        .txs
        .iter()
        .all(|t| matches!(t.result.status, TxStatus::Invalid(_)))
    {
        // Rejected as the file expects: no block contains the transaction, so there is
        // nothing to witness.
        return (Verdict::Passed, None).into();
    }
    // Huge witnesses (millions of byte-level memory entries) are built one at a time, so
    // that two of them never hold memory at once.
    let _heavy = (witness_weight(&traced.trace) > HEAVY_WITNESS_WEIGHT)
        .then(|| HEAVY_WITNESS.lock().unwrap_or_else(|e| e.into_inner()));
    let start = Instant::now();
    let outcome = match build_witness(&traced.trace) {
        Ok(witness) => {
            timings
                .rws
                .fetch_add(witness.rws.len() as u64, Ordering::Relaxed);
            match replay_check(&traced.trace, &witness) {
                Ok(_) if matches!(mode, Mode::Mock | Mode::Tamper | Mode::Prove) => {
                    circuit_verdict(witness, options)
                }
                Ok(_) => CaseOutcome::of(Verdict::Passed, None),
                Err(err) => CaseOutcome::of(Verdict::Failed, Some(format!("replay check: {err}"))),
            }
        }
        Err(err @ WitnessError::Unsupported { .. }) => {
            CaseOutcome::of(Verdict::Unsupported, Some(err.to_string()))
        }
        Err(err) => CaseOutcome::of(Verdict::Failed, Some(format!("witness: {err}"))),
    };
    timings
        .witness_nanos
        .fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
    outcome
}
