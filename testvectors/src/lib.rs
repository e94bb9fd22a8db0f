//! equivm-testvectors: the project's own test vectors and the harness that runs Ethereum
//! GeneralStateTests through equivm.
//!
//! [`statetests::run`] takes files or folders of filled state tests, runs every
//! (test, fork, index) case in the chosen [`Mode`], and returns a [`Report`] with one
//! verdict per case. The `equivm statetest` command is a thin shell around it.

pub mod mock;
pub mod proving;
pub mod report;
pub mod statetests;
pub mod tamper;

pub use report::{CaseReport, Report, Summary, Verdict};
pub use statetests::{collect_files, run, Mode, RunOptions};

/// Folder of the state-test vectors bundled with this crate.
pub fn bundled_statetests() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("statetests")
}

/// Where the Ethereum tests are: `EQUIVM_ETH_TESTS` if set, else `../shared/ethereum-tests`
/// beside the workspace.
pub fn ethereum_tests_dir() -> std::path::PathBuf {
    match std::env::var_os("EQUIVM_ETH_TESTS") {
        Some(dir) => dir.into(),
        None => {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/ethereum-tests")
        }
    }
}
