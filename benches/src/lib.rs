//! equivm-benches: shared workloads for equivm's criterion benchmarks.
//!
//! Workloads are Ethereum state-test cases, loaded once and reused by every layer that is
//! measured (plain revm, revm with the tracer, witness generation and replay).
//!
//! The circuit benches use bytecode workloads instead ([`programs`]): one program per opcode
//! family and a mixed block, small enough to prove at a small `k`. Their KZG params come from
//! an on-disk cache ([`params_cache`]), so each `k` is set up once.

pub mod programs;

use equivm_circuits::prover::ParamsCache;
use equivm_trace::statetest::{load_file, ForkSelection, StateTestCase};
use std::path::Path;

/// The Cancun cases of the state-test file `relative` under the Ethereum tests folder
/// (`EQUIVM_ETH_TESTS` or `../shared/ethereum-tests`), or of the bundled vectors if that
/// folder is absent.
pub fn workload(relative: &str) -> Vec<StateTestCase> {
    let root = equivm_testvectors::ethereum_tests_dir().join("GeneralStateTests");
    let path = root.join(relative);
    let path = if path.exists() {
        path
    } else {
        equivm_testvectors::bundled_statetests().join("basics.json")
    };
    load_cases(&path)
}

/// The runnable Cancun cases of one file (empty on any error: benches measure, not judge).
pub fn load_cases(path: &Path) -> Vec<StateTestCase> {
    load_file(path, &ForkSelection::One("Cancun".into()))
        .map(|cases| {
            cases
                .into_iter()
                .filter(|c| c.skip.is_none() && c.tx.is_ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The cache of seeded KZG params the circuit benches prove with: `target/kzg-params` under
/// the workspace root.
pub fn params_cache() -> ParamsCache {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the benches crate sits in the workspace root");
    ParamsCache::new(root.join("target").join("kzg-params"))
}
