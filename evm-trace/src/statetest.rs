//! Ethereum GeneralStateTests: loading filled JSON into cases and running one case.
//!
//! A file holds test units; a unit has a pre-state, a transaction template and, per fork,
//! a list of expected results indexed by (data, gas, value). Each such entry is one
//! [`StateTestCase`]. Running a case traces its transaction and compares the state root,
//! the logs hash and the expected exception with the file.

use crate::{
    db::PreState,
    execute::{trace_transaction, TracedTx},
    roots::{logs_hash, state_root},
    types::{AccountState, TxStatus},
    TraceError,
};
use revm::{
    context::{BlockEnv, CfgEnv, TxEnv},
    primitives::{hardfork::SpecId, B256, U256},
};
use revm_statetest_types::{SpecName, Test, TestSuite, TestUnit};
use serde::{Deserialize, Serialize};
use std::{path::Path, sync::Arc};

/// Files that revm's own state-test runner cannot run: their pre-state gives storage to an
/// address that a CREATE later collides with (a state no real chain has since EIP-7610),
/// or holds a value wider than 256 bits.
const SKIPPED_FILES: &[(&str, &str)] = &[
    ("RevertInCreateInInit_Paris.json", SKIP_COLLISION),
    ("RevertInCreateInInit.json", SKIP_COLLISION),
    ("dynamicAccountOverwriteEmpty.json", SKIP_COLLISION),
    ("dynamicAccountOverwriteEmpty_Paris.json", SKIP_COLLISION),
    ("RevertInCreateInInitCreate2Paris.json", SKIP_COLLISION),
    ("RevertInCreateInInitCreate2.json", SKIP_COLLISION),
    ("create2collisionStorage.json", SKIP_COLLISION),
    ("create2collisionStorageParis.json", SKIP_COLLISION),
    ("InitCollision.json", SKIP_COLLISION),
    ("InitCollisionParis.json", SKIP_COLLISION),
    ("ValueOverflow.json", SKIP_OVERFLOW),
    ("ValueOverflowParis.json", SKIP_OVERFLOW),
];
const SKIP_COLLISION: &str =
    "pre-state gives storage to an address a CREATE collides with (not runnable by revm)";
const SKIP_OVERFLOW: &str = "transaction value wider than 256 bits (not representable in revm)";

/// Which forks of a file to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForkSelection {
    /// Every fork the file has expectations for.
    All,
    /// One fork, by its state-test name (`Cancun`, `Shanghai`, ...).
    One(String),
}

impl ForkSelection {
    /// Parses a fork name as the state tests spell it, or `all`.
    pub fn parse(name: &str) -> Result<Self, TraceError> {
        if name.eq_ignore_ascii_case("all") {
            return Ok(Self::All);
        }
        let spec: SpecName = serde_json::from_value(serde_json::Value::String(name.into()))
            .map_err(|_| TraceError::UnknownFork(name.into()))?;
        match spec {
            SpecName::Unknown => Err(TraceError::UnknownFork(name.into())),
            _ => Ok(Self::One(fork_name(&spec))),
        }
    }

    fn selects(&self, fork: &str) -> bool {
        match self {
            Self::All => true,
            Self::One(name) => name == fork,
        }
    }
}

fn fork_name(spec: &SpecName) -> String {
    format!("{spec:?}")
}

/// Indexes into the transaction template's `data`, `gasLimit` and `value` arrays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseIndex {
    /// Index into `data`.
    pub data: usize,
    /// Index into `gasLimit`.
    pub gas: usize,
    /// Index into `value`.
    pub value: usize,
}

/// The environment shared by all cases of one (unit, fork).
#[derive(Debug)]
struct UnitEnv {
    pre: PreState,
    block: BlockEnv,
    cfg: CfgEnv,
}

/// One runnable (test unit, fork, index) combination.
#[derive(Clone, Debug)]
pub struct StateTestCase {
    /// File the case came from, as given.
    pub file: String,
    /// Test unit name.
    pub name: String,
    /// Fork name.
    pub fork: String,
    /// Transaction indexes.
    pub index: CaseIndex,
    /// Why the case cannot be run, if it cannot.
    pub skip: Option<String>,
    /// Expected exception (the transaction must be invalid).
    pub expect_exception: Option<String>,
    /// Expected post-state root.
    pub expected_root: B256,
    /// Expected logs hash.
    pub expected_logs: B256,
    /// The transaction, or why it could not be built from the template.
    pub tx: Result<TxEnv, String>,
    env: Arc<UnitEnv>,
}

/// What running a case found.
#[derive(Debug)]
pub struct CaseExecution {
    /// The trace (absent when the transaction could not be built).
    pub traced: Option<TracedTx>,
    /// `Ok` when roots, logs and exception match the file; otherwise a one-line reason.
    pub check: Result<(), String>,
}

/// Reads a filled state-test file and lists its cases for the selected forks.
pub fn load_file(path: &Path, forks: &ForkSelection) -> Result<Vec<StateTestCase>, TraceError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| TraceError::Io {
        path: file.clone(),
        message: e.to_string(),
    })?;
    let skip_reason = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| SKIPPED_FILES.iter().find(|(f, _)| *f == n))
        .map(|(_, why)| why.to_string());
    let suite: TestSuite = serde_json::from_str(&text).map_err(|e| match &skip_reason {
        // A known-unrunnable file whose values the JSON types cannot even hold.
        Some(reason) => TraceError::SkippedFile {
            path: file.clone(),
            reason: reason.clone(),
        },
        None => TraceError::Json {
            path: file.clone(),
            message: e.to_string(),
        },
    })?;
    let mut cases = Vec::new();
    for (name, unit) in &suite.0 {
        let pre = pre_state(unit);
        for (spec_name, tests) in &unit.post {
            let fork = fork_name(spec_name);
            if !forks.selects(&fork) {
                continue;
            }
            let skip = match spec_name {
                SpecName::Unknown => Some("fork unknown to revm".to_string()),
                SpecName::Constantinople | SpecName::ByzantiumToConstantinopleAt5 => {
                    Some("historic pre-Petersburg Constantinople is not run".to_string())
                }
                _ => skip_reason.clone(),
            };
            let env = Arc::new(unit_env(unit, spec_name, skip.is_none(), &pre));
            for test in tests {
                cases.push(StateTestCase {
                    file: file.clone(),
                    name: name.clone(),
                    fork: fork.clone(),
                    index: CaseIndex {
                        data: test.indexes.data,
                        gas: test.indexes.gas,
                        value: test.indexes.value,
                    },
                    skip: skip.clone(),
                    expect_exception: test.expect_exception.clone(),
                    expected_root: test.hash,
                    expected_logs: test.logs,
                    tx: build_tx(unit, test),
                    env: env.clone(),
                });
            }
        }
    }
    Ok(cases)
}

fn pre_state(unit: &TestUnit) -> PreState {
    unit.pre
        .iter()
        .map(|(address, info)| {
            let acc = AccountState {
                nonce: info.nonce,
                balance: info.balance,
                code_hash: B256::ZERO, // recomputed by the database
                code: info.code.clone(),
                storage: info.storage.iter().map(|(k, v)| (*k, *v)).collect(),
            };
            (*address, acc)
        })
        .collect()
}

fn unit_env(unit: &TestUnit, spec_name: &SpecName, runnable: bool, pre: &PreState) -> UnitEnv {
    let mut cfg = CfgEnv::default();
    cfg.chain_id = unit
        .env
        .current_chain_id
        .unwrap_or(U256::ONE)
        .try_into()
        .unwrap_or(1);
    // `to_spec_id` panics on forks it does not know; those cases are skipped, not run.
    let spec = if runnable {
        spec_name.to_spec_id()
    } else {
        SpecId::CANCUN
    };
    cfg.set_spec_and_mainnet_gas_params(spec);
    cfg.set_max_blobs_per_tx(
        if spec.is_enabled_in(SpecId::PRAGUE) && !spec.is_enabled_in(SpecId::OSAKA) {
            9
        } else {
            6
        },
    );
    let block = unit.block_env(&mut cfg);
    UnitEnv {
        pre: pre.clone(),
        block,
        cfg,
    }
}

/// Builds the concrete transaction, refusing templates that would make the library panic.
fn build_tx(unit: &TestUnit, test: &Test) -> Result<TxEnv, String> {
    let t = &unit.transaction;
    let i = &test.indexes;
    if i.data >= t.data.len() || i.gas >= t.gas_limit.len() || i.value >= t.value.len() {
        return Err(format!(
            "indexes (data {}, gas {}, value {}) out of range of the transaction template",
            i.data, i.gas, i.value
        ));
    }
    let too_wide = |v: Option<U256>| v.is_some_and(|v| v > U256::from(u128::MAX));
    if too_wide(t.max_priority_fee_per_gas) || too_wide(t.max_fee_per_blob_gas) {
        return Err("fee field wider than 128 bits".into());
    }
    test.tx_env(unit).map_err(|e| e.to_string())
}

impl StateTestCase {
    /// `file::name[fork](d,g,v)`: a stable, readable case id.
    pub fn id(&self) -> String {
        format!(
            "{}::{}[{}](d{},g{},v{})",
            self.file, self.name, self.fork, self.index.data, self.index.gas, self.index.value
        )
    }

    /// The case's pre-state, block and configuration.
    pub fn environment(&self) -> (&PreState, &BlockEnv, &CfgEnv) {
        (&self.env.pre, &self.env.block, &self.env.cfg)
    }

    /// Traces the case's transaction and checks the result against the file.
    pub fn execute(&self) -> CaseExecution {
        let tx = match &self.tx {
            Ok(tx) => tx,
            Err(why) => {
                let check = match &self.expect_exception {
                    Some(_) => Ok(()),
                    None => Err(format!("transaction could not be built: {why}")),
                };
                return CaseExecution {
                    traced: None,
                    check,
                };
            }
        };
        let traced = trace_transaction(self.env.pre.clone(), &self.env.block, &self.env.cfg, tx);
        let check = self.check(&traced);
        CaseExecution {
            traced: Some(traced),
            check,
        }
    }

    fn check(&self, traced: &TracedTx) -> Result<(), String> {
        let Some(tx) = traced.trace.txs.first() else {
            return Err("no transaction traced".into());
        };
        match (&self.expect_exception, &tx.result.status) {
            (Some(_), TxStatus::Invalid(_)) => {}
            (Some(expected), _) => {
                return Err(format!(
                    "expected exception {expected}, but the transaction was valid"
                ))
            }
            (None, TxStatus::Invalid(err)) => {
                return Err(format!("unexpected invalid transaction: {err}"))
            }
            (None, _) => {}
        }
        let logs = logs_hash(&tx.result.logs);
        if logs != self.expected_logs {
            return Err(format!(
                "logs hash mismatch: got {logs}, expected {}",
                self.expected_logs
            ));
        }
        let root = state_root(&traced.post_accounts);
        if root != self.expected_root {
            return Err(format!(
                "state root mismatch: got {root}, expected {}",
                self.expected_root
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../testvectors/statetests")
            .join(name)
    }

    #[test]
    fn fork_names_parse_and_unknown_ones_are_refused() {
        assert_eq!(
            ForkSelection::parse("Cancun"),
            Ok(ForkSelection::One("Cancun".into()))
        );
        assert_eq!(ForkSelection::parse("all"), Ok(ForkSelection::All));
        assert_eq!(
            ForkSelection::parse("Atlantis"),
            Err(TraceError::UnknownFork("Atlantis".into()))
        );
    }

    #[test]
    fn bundled_cases_load_and_pass() {
        let cases = load_file(&bundled("basics.json"), &ForkSelection::All).expect("loads");
        assert_eq!(cases.len(), 9);
        for case in &cases {
            assert_eq!(case.execute().check, Ok(()), "{}", case.id());
        }
    }

    #[test]
    fn a_wrong_expected_root_fails_with_the_root_named() {
        let mut cases = load_file(&bundled("basics.json"), &ForkSelection::All).expect("loads");
        let case = cases
            .iter_mut()
            .find(|c| c.name == "addStoreReturn")
            .expect("case");
        case.expected_root = B256::repeat_byte(0x11);
        let err = case.execute().check.expect_err("root differs");
        assert!(err.starts_with("state root mismatch"), "{err}");
        case.expected_root = B256::ZERO;
        case.expected_logs = B256::repeat_byte(0x22);
        let err = case.execute().check.expect_err("logs differ");
        assert!(err.starts_with("logs hash mismatch"), "{err}");
    }

    #[test]
    fn a_missing_expected_exception_fails() {
        let mut cases = load_file(&bundled("basics.json"), &ForkSelection::All).expect("loads");
        let case = cases
            .iter_mut()
            .find(|c| c.name == "intrinsicGasTooLow")
            .expect("case");
        case.expect_exception = None;
        let err = case.execute().check.expect_err("tx is invalid");
        assert!(err.starts_with("unexpected invalid transaction"), "{err}");
    }

    #[test]
    fn malformed_and_missing_files_are_errors_naming_the_file() {
        let dir = std::env::temp_dir().join("equivm-trace-statetest-tests");
        std::fs::create_dir_all(&dir).expect("tmp");
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{\"x\": [1,").expect("write");
        let err = load_file(&bad, &ForkSelection::All).expect_err("malformed");
        assert!(matches!(&err, TraceError::Json { path, .. } if path.ends_with("bad.json")));
        let err = load_file(&dir.join("nope.json"), &ForkSelection::All).expect_err("missing");
        assert!(matches!(err, TraceError::Io { .. }));
    }
}
