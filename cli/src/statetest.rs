//! `equivm statetest`: run state tests, print a per-folder table, write the JSON report.

use clap::Args;
use equivm_testvectors::{
    report::{Report, Summary},
    statetests::{run as run_tests, Mode, RunOptions, RunTimings},
};
use equivm_trace::statetest::ForkSelection;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Deserialize;
use std::{
    path::PathBuf,
    process::ExitCode,
    sync::{atomic::Ordering, OnceLock},
    time::Instant,
};

/// Arguments of `equivm statetest`.
#[derive(Args, Debug)]
pub struct StatetestArgs {
    /// State-test files or folders (searched recursively for .json files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// exec: revm with tracing, roots checked; witness: also build the witness and replay
    /// its read/write log; mock: also run the super circuit (EVM, state, copy, bytecode and
    /// keccak circuits) under MockProver; prove: also make and verify a real KZG proof; tamper: also check that
    /// mutants of each passing case are rejected.
    #[arg(long, default_value = "exec")]
    mode: String,
    /// tamper mode: mutants per passing case.
    #[arg(long, default_value_t = 16)]
    mutants: usize,
    /// mock, tamper and prove modes: the largest circuit size `k` to run (MockProver needs
    /// gigabytes from k = 17 on). A bigger block is checked (or proved) as chunks that fit
    /// it; one that cannot be split so is `unsupported`.
    #[arg(long, default_value_t = equivm_testvectors::mock::MAX_MOCK_K)]
    max_k: u32,
    /// prove mode: a trusted-setup KZG params file, or a folder for the cached insecure
    /// test setup (default $EQUIVM_PARAMS_DIR, else .equivm/kzg-params).
    #[arg(long)]
    params: Option<PathBuf>,
    /// Fork to run (Cancun, Shanghai, ..., or all).
    #[arg(long, default_value = "Cancun")]
    fork: String,
    /// Only cases whose file path or test name contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Write the JSON report here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Also write each case's report to this file as it finishes, one JSON object per
    /// line: what a long run has found so far survives its interruption.
    #[arg(long)]
    log: Option<PathBuf>,
    /// A JSON file `{"passed": N, "failed": M}`: the run fails if fewer cases pass or more
    /// fail than it says (instead of failing on any failed case).
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// How many failed cases to list (all of them are in the JSON report).
    #[arg(long, default_value_t = 40)]
    show_failures: usize,
}

/// The counts a run must keep to.
#[derive(Debug, Deserialize)]
struct Baseline {
    passed: usize,
    failed: usize,
}

/// Runs the command; `Err` is a usage or I/O error (exit code 2).
pub fn run(args: StatetestArgs) -> Result<ExitCode, String> {
    let mode: Mode = args.mode.parse()?;
    let forks = ForkSelection::parse(&args.fork).map_err(|e| e.to_string())?;
    let baseline = match &args.baseline {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read baseline: {e}", path.display()))?;
            Some(
                serde_json::from_str::<Baseline>(&text)
                    .map_err(|e| format!("{}: malformed baseline: {e}", path.display()))?,
            )
        }
        None => None,
    };
    let options = RunOptions {
        mode,
        forks,
        filter: args.filter.clone(),
        mutants: args.mutants,
        max_k: args.max_k,
        proving: (mode == Mode::Prove).then(|| {
            std::sync::Arc::new(equivm_testvectors::proving::ProvingSetup::new(
                args.params.as_deref(),
            ))
        }),
    };
    if let Some(setup) = &options.proving {
        if setup.params_file.is_none() {
            eprintln!(
                "warning: proving with the INSECURE seeded test setup (cached in {}); pass \
                 --params FILE for a trusted setup",
                setup.cache_dir.display()
            );
        }
    }

    let log = match &args.log {
        Some(path) => Some(std::sync::Mutex::new(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?,
        )),
        None => None,
    };
    let bar: OnceLock<ProgressBar> = OnceLock::new();
    let on_case = |total: u64, case: &equivm_testvectors::CaseReport| {
        if let Some(file) = &log {
            if let (Ok(mut line), Ok(mut f)) = (serde_json::to_vec(case), file.lock()) {
                line.push(b'\n');
                // One write per line, flushed by the OS: a line is whole or absent.
                if let Err(e) = std::io::Write::write_all(&mut *f, &line) {
                    eprintln!("case log: {e}");
                }
            }
        }
        let bar = bar.get_or_init(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} cases {elapsed} (eta {eta})")
            {
                bar.set_style(style);
            }
            bar
        });
        bar.inc(1);
    };
    let timings = RunTimings::default();
    let start = Instant::now();
    let report = run_tests(&args.paths, &options, &timings, &on_case);
    if let Some(bar) = bar.get() {
        bar.finish_and_clear();
    }
    let elapsed = start.elapsed();

    print_table(&report, args.show_failures);
    if mode == Mode::Tamper {
        println!(
            "mutants: {} killed, {} survived, {} refused by the assignment",
            report.summary.mutants_killed,
            report.summary.mutants_survived,
            report.summary.mutants_invalid
        );
    }
    let steps = timings.steps.load(Ordering::Relaxed);
    let trace_s = timings.trace_nanos.load(Ordering::Relaxed) as f64 / 1e9;
    let witness_s = timings.witness_nanos.load(Ordering::Relaxed) as f64 / 1e9;
    println!(
        "mode {:?}: {} cases in {:.1}s wall; {} steps traced in {:.1}s of work ({:.0} steps/s)",
        mode,
        report.summary.total,
        elapsed.as_secs_f64(),
        steps,
        trace_s,
        steps as f64 / trace_s.max(1e-9)
    );
    if mode != Mode::Exec {
        println!(
            "witness: {} rw entries, built and replayed in {:.1}s of work ({:.0} steps/s)",
            timings.rws.load(Ordering::Relaxed),
            witness_s,
            steps as f64 / witness_s.max(1e-9)
        );
    }

    if let Some(path) = &args.json {
        let json = serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?;
        crate::write_atomically(path, &json)?;
    }

    let s = report.summary;
    let ok = match &baseline {
        Some(b) => {
            let ok = s.passed >= b.passed && s.failed <= b.failed;
            if !ok {
                println!(
                    "below baseline: passed {} (baseline {}), failed {} (baseline {})",
                    s.passed, b.passed, s.failed, b.failed
                );
            }
            ok
        }
        None => s.failed == 0,
    };
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_table(report: &Report, show_failures: usize) {
    println!(
        "{:<52} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "folder", "total", "passed", "failed", "unsupp", "skipped"
    );
    let row = |name: &str, s: &Summary| {
        println!(
            "{:<52} {:>7} {:>7} {:>7} {:>7} {:>7}",
            name, s.total, s.passed, s.failed, s.unsupported, s.skipped
        );
    };
    for (folder, summary) in report.by_folder() {
        let short = folder
            .rsplit_once("GeneralStateTests/")
            .map(|(_, tail)| tail.to_string())
            .unwrap_or(folder);
        row(&short, &summary);
    }
    row("TOTAL", &report.summary);
    let failures: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.verdict == equivm_testvectors::Verdict::Failed)
        .collect();
    if !failures.is_empty() {
        println!("failed cases ({}):", failures.len());
        for case in failures.iter().take(show_failures) {
            println!(
                "  {}::{}[{}](d{},g{},v{}): {}",
                case.file,
                case.name,
                case.fork,
                case.index.data,
                case.index.gas,
                case.index.value,
                case.reason.as_deref().unwrap_or("")
            );
        }
        if failures.len() > show_failures {
            println!("  ... and {} more", failures.len() - show_failures);
        }
    }
}
