//! `equivm`: trace EVM transactions, run Ethereum state tests through equivm, and report
//! circuit costs.

mod input;
mod prove;
mod statetest;
mod stats;
mod trace;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// equivm: a bytecode-equivalent zkEVM circuit library, from the command line.
#[derive(Parser, Debug)]
#[command(name = "equivm", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run filled Ethereum GeneralStateTests (files or folders) and give a verdict per case.
    Statetest(statetest::StatetestArgs),
    /// Print the EVM circuit's cost per execution state: rows, cells and lookups.
    Stats(stats::StatsArgs),
    /// Trace one state-test case and print its execution trace (and witness) as JSON.
    Trace(trace::TraceArgs),
    /// Prove one block (a state-test case or a block trace) with KZG and write the proof.
    Prove(prove::ProveArgs),
    /// Verify a proof file written by `equivm prove`.
    Verify(prove::VerifyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Statetest(args) => statetest::run(args),
        Command::Trace(args) => trace::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Prove(args) => prove::run_prove(args),
        Command::Verify(args) => prove::run_verify(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes `contents` to `path` through a temporary file and a rename, so that a reader never
/// sees a half-written file and an existing file is not lost on failure.
pub(crate) fn write_atomically(path: &std::path::Path, contents: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| format!("{}: not a file path", path.display()))?;
    let tmp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    std::fs::write(&tmp, contents).map_err(|e| format!("{}: cannot write: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}
