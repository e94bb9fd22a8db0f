//! `equivm prove` and `equivm verify`: a real KZG proof of one block or of one chunk of it,
//! and their check (a block's chunks as a chain).

use clap::Args;
use equivm_circuits::keccak::KeccakShape;
use equivm_circuits::prover::ProofFile;
use equivm_circuits::super_circuit::{chunk, SuperCircuit, SuperCircuitParams};
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
    /// Prove only chunk I (from 0) of the block: with --chunks N, of N chunks of about equal
    /// steps; else of the fewest chunks that fit --k. Every process given the same input and
    /// options splits the block alike, so chunks can be proved apart and verified together.
    #[arg(long, value_name = "I")]
    chunk: Option<usize>,
    /// With --chunk: split the block into N chunks (at a common k, the smallest that fits
    /// the largest unless --k is given).
    #[arg(long, value_name = "N", requires = "chunk")]
    chunks: Option<usize>,
}

/// Arguments of `equivm verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// A proof file written by `equivm prove`, or the proof files of a block's chunks in
    /// order (then they are verified one by one and checked to join into the block).
    #[arg(required = true)]
    files: Vec<PathBuf>,
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
        match args.chunk {
            None => {
                SuperCircuit::with_keccak_shape(witness, args.k, keccak).map_err(|e| e.to_string())
            }
            Some(i) => chunk_circuit(witness, i, args.chunks, args.k, keccak),
        }
    })?;
    let rows = if args.chunk.is_some() {
        chunk::rows_needed(
            &circuit.witness,
            circuit.steps.clone(),
            &circuit.state_rows,
            &circuit.copy_events,
            keccak,
        )
    } else {
        SuperCircuit::rows_needed_in(&circuit.witness, keccak)
    }
    .map_err(|e| e.to_string())?;
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
    let what = match args.chunk {
        Some(i) => format!(
            "chunk {i} (steps {}..{} of {})",
            circuit.steps.start,
            circuit.steps.end,
            circuit.witness.steps.len()
        ),
        None => "the block".to_string(),
    };
    println!(
        "proved {what}: {} steps, {} state rows: k = {k}, keccak {} rows a slot, {rows} of {} \
         rows used; prove {:.2}s, verify {:.3}s, proof {} bytes{}; written to {}",
        circuit.steps.len(),
        circuit.state_rows.len(),
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

/// The circuit of chunk `i` of `witness`: of `n` even chunks, or of the fewest that fit `k`.
fn chunk_circuit(
    witness: equivm_witness::Witness,
    i: usize,
    n: Option<usize>,
    k: Option<u32>,
    keccak: KeccakShape,
) -> Result<SuperCircuit, String> {
    let ranges = match (n, k) {
        (Some(0), _) => return Err("--chunks must be at least 1".into()),
        (Some(n), _) => {
            let ranges = chunk::split_evenly(&witness, n);
            if ranges.len() < n {
                return Err(format!(
                    "the block splits into at most {} chunks ({} steps)",
                    ranges.len(),
                    witness.steps.len()
                ));
            }
            ranges
        }
        (None, Some(k)) => {
            chunk::plan(&witness, SuperCircuitParams { k, keccak }).map_err(|e| e.to_string())?
        }
        (None, None) => return Err("--chunk needs --chunks N or --k K".into()),
    };
    let steps = ranges
        .get(i)
        .cloned()
        .ok_or_else(|| format!("no chunk {i}: the block has {} chunks", ranges.len()))?;
    let k = match k {
        Some(k) => k,
        None => {
            let mut largest = 0;
            for r in &ranges {
                let c = SuperCircuit::chunk(witness.clone(), r.clone(), None, keccak)
                    .map_err(|e| e.to_string())?;
                largest = largest.max(c.params.k);
            }
            largest
        }
    };
    SuperCircuit::chunk(witness, steps, Some(k), keccak).map_err(|e| e.to_string())
}

/// Runs `equivm verify`: exit 0 if the proof (or the chain of chunk proofs) verifies, 1 if
/// it does not.
pub fn run_verify(args: VerifyArgs) -> Result<ExitCode, String> {
    let mut files = Vec::with_capacity(args.files.len());
    for path in &args.files {
        files.push(ProofFile::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let setup = ProvingSetup::new(args.params.as_deref());
    let start = std::time::Instant::now();
    let names: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
    let names = names.join(", ");
    let verdict = match files.as_slice() {
        [file] => setup.verify(file).map(|()| format!("k = {}", file.k)),
        _ => setup.verify_chain(&files).map(|s| {
            format!(
                "{} chunks joined into one block: {} initial values, {} results",
                s.chunks,
                s.pre.len(),
                s.post.len()
            )
        }),
    };
    match verdict {
        Ok(what) => {
            println!(
                "{names}: the proof verifies ({what}, {:.3}s)",
                start.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            println!("{names}: the proof does NOT verify: {why}");
            Ok(ExitCode::FAILURE)
        }
    }
}
