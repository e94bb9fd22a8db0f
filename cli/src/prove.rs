//! `equivm prove` and `equivm verify`: a real KZG proof of one block, and its check.

use clap::Args;
use equivm_circuits::keccak::KeccakShape;
use equivm_circuits::prover::ProofFile;
use equivm_circuits::super_circuit::SuperCircuit;
use equivm_testvectors::proving::ProvingSetup;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::{path::PathBuf, process::ExitCode, time::Duration};

/// Arguments of `equivm prove`.
#[derive(Args, Debug)]
pub struct ProveArgs {
    /// A filled state-test file (with --name/--index) or a block trace JSON from
    /// `equivm trace`.
    input: PathBuf,
    /// Write the proof file here.
    #[arg(long)]
    out: PathBuf,
    /// Test unit name (default: the file's first unit).
    #[arg(long)]
    name: Option<String>,
    /// Fork.
    #[arg(long, default_value = "Cancun")]
    fork: String,
    /// Transaction indexes as DATA,GAS,VALUE.
    #[arg(long, default_value = "0,0,0")]
    index: String,
    /// A trusted-setup KZG params file, or a folder for the cached insecure test setup
    /// (default $EQUIVM_PARAMS_DIR, else .equivm/kzg-params).
    #[arg(long)]
    params: Option<PathBuf>,
    /// The circuit's k (default: the smallest that fits the block).
    #[arg(long)]
    k: Option<u32>,
    /// Lay the keccak circuit out in at most this many cell columns (a taller layout, 1 to
    /// 251; default: the wide layout, 251 columns). Fewer columns make a proof cheaper to
    /// verify inside an aggregation circuit and the block's `k` larger.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=251))]
    keccak_columns: Option<u16>,
}

/// Arguments of `equivm verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// A proof file written by `equivm prove`.
    file: PathBuf,
    /// The params file the proof was made with (not needed for the insecure test setup).
    #[arg(long)]
    params: Option<PathBuf>,
}

/// A spinner for one phase; returns what `f` returns and prints the phase's time.
fn phase<T>(name: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        bar.set_style(style);
    }
    bar.set_message(name.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    let start = std::time::Instant::now();
    let out = f();
    bar.finish_and_clear();
    eprintln!("{name}: {:.2}s", start.elapsed().as_secs_f64());
    out
}

/// Peak resident memory of this process, in MiB, where the system reports it.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Runs `equivm prove`.
pub fn run_prove(args: ProveArgs) -> Result<ExitCode, String> {
    let keccak = args.keccak_columns.map_or(KeccakShape::WIDE, |n| {
        KeccakShape::with_cell_columns(n.into())
    });
    let trace = phase("trace", || {
        crate::input::load_block(&args.input, args.name.as_deref(), &args.fork, &args.index)
    })?;
    let circuit = phase("witness", || {
        let witness = equivm_witness::build_witness(&trace).map_err(|e| e.to_string())?;
        equivm_witness::replay_check(&trace, &witness).map_err(|e| e.to_string())?;
        SuperCircuit::with_keccak_shape(witness, args.k, keccak).map_err(|e| e.to_string())
    })?;
    let rows = SuperCircuit::rows_needed_in(&circuit.witness, keccak).map_err(|e| e.to_string())?;
    let setup = ProvingSetup::new(args.params.as_deref());
    if setup.params_file.is_none() {
        eprintln!(
            "warning: proving with the INSECURE seeded test setup (cached in {}); pass \
             --params FILE for a trusted setup",
            setup.cache_dir.display()
        );
    }
    let k = circuit.params.k;
    phase("params and keygen", || {
        setup.keys(circuit.params).map(|_| ())
    })?;
    let (file, figures) = phase("prove and verify", || setup.prove_and_verify(&circuit))?;
    file.write(&args.out).map_err(|e| e.to_string())?;
    println!(
        "proved {} steps, {} rw entries: k = {k}, keccak {} rows a slot, {rows} of {} rows \
         used; prove {:.2}s, verify {:.3}s, proof {} bytes{}; written to {}",
        circuit.witness.steps.len(),
        circuit.witness.rws.len(),
        keccak.rows_per_slot(),
        circuit.usable_rows(),
        figures.prove.as_secs_f64(),
        figures.verify.as_secs_f64(),
        figures.proof_bytes,
        peak_rss_mib()
            .map(|m| format!(", peak memory {m:.0} MiB"))
            .unwrap_or_default(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `equivm verify`: exit 0 if the proof verifies, 1 if it does not.
pub fn run_verify(args: VerifyArgs) -> Result<ExitCode, String> {
    let file = ProofFile::read(&args.file).map_err(|e| e.to_string())?;
    let setup = ProvingSetup::new(args.params.as_deref());
    let start = std::time::Instant::now();
    match setup.verify(&file) {
        Ok(()) => {
            println!(
                "{}: the proof verifies (k = {}, {:.3}s)",
                args.file.display(),
                file.k,
                start.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            println!("{}: the proof does NOT verify: {why}", args.file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}
