//! `equivm trace`: trace one state-test case and write its `BlockTrace` as JSON.

use clap::Args;
use std::{path::PathBuf, process::ExitCode};

/// Arguments of `equivm trace`.
#[derive(Args, Debug)]
pub struct TraceArgs {
    /// A filled state-test file.
    file: PathBuf,
    /// Test unit name (default: the file's first unit).
    #[arg(long)]
    name: Option<String>,
    /// Fork.
    #[arg(long, default_value = "Cancun")]
    fork: String,
    /// Transaction indexes as DATA,GAS,VALUE.
    #[arg(long, default_value = "0,0,0")]
    index: String,
    /// Also build the witness and replay-check it; print its size on stderr.
    #[arg(long)]
    witness: bool,
    /// Write the trace JSON here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: TraceArgs) -> Result<ExitCode, String> {
    let case =
        crate::input::select_case(&args.file, args.name.as_deref(), &args.fork, &args.index)?;
    let exec = case.execute();
    let traced = exec
        .traced
        .ok_or_else(|| format!("{}: the transaction could not be built", case.id()))?;
    match &exec.check {
        Ok(()) => eprintln!("{}: roots match the file", case.id()),
        Err(why) => eprintln!("{}: {why}", case.id()),
    }
    if args.witness {
        let witness = equivm_witness::build_witness(&traced.trace).map_err(|e| e.to_string())?;
        equivm_witness::replay_check(&traced.trace, &witness).map_err(|e| e.to_string())?;
        eprintln!(
            "witness: {} steps, {} rw entries; replay check passed",
            witness.steps.len(),
            witness.rws.len()
        );
    }
    let json = serde_json::to_vec_pretty(&traced.trace).map_err(|e| e.to_string())?;
    match &args.out {
        Some(path) => crate::write_atomically(path, &json)?,
        None => println!("{}", String::from_utf8_lossy(&json)),
    }
    Ok(if exec.check.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
