//! The Ethereum verifier of aggregation proofs: its Solidity source, its compilation, and a
//! revm instance to deploy and call it in.
//!
//! The contract is snark-verifier's: it replays the aggregation proof's Keccak transcript,
//! checks the proof and the accumulator in its public values with the BN254 pairing
//! precompile, and reverts unless both hold. Its calldata is
//! [`AggregatedProof::calldata`](crate::aggregation::AggregatedProof::calldata).
//!
//! Compilation uses solc 0.8.19 (the version the generated source pins) from the npm
//! package `solc`, whose compiler ships inside the package: `tools/solc` in the repository
//! holds the package manifest and lock file and `compile.js`, which reads a source on stdin
//! and prints the bytecode. [`Solc::install`] runs `npm ci` there.

use equivm_trace::revm::{
    context::{
        result::{ExecutionResult, Output},
        BlockEnv, CfgEnv, TxEnv,
    },
    database::InMemoryDB,
    primitives::{hardfork::SpecId, Address, Bytes, TxKind, U256},
    state::AccountInfo,
    Context, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext,
};
use halo2_proofs::{
    halo2curves::bn256::{Bn256, G1Affine},
    plonk::VerifyingKey,
    poly::kzg::commitment::ParamsKZG,
};
use snark_verifier_sdk::{
    evm::gen_evm_verifier_sol_code, halo2::aggregation::AggregationCircuit, SHPLONK,
};
use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::Mutex,
};

/// Why the verifier could not be built or run, or refused a proof.
#[derive(Debug, thiserror::Error)]
pub enum EvmVerifierError {
    /// The Solidity compiler is missing or failed to run.
    #[error("solc: {0}")]
    Solc(String),
    /// The compiler rejected the source.
    #[error("the verifier does not compile: {0}")]
    Compile(String),
    /// Deploying the contract failed.
    #[error("the verifier could not be deployed: {0}")]
    Deploy(String),
    /// The contract refused the proof (it reverted or ran out of gas).
    #[error("the verifier contract rejected the proof: {0}")]
    Rejected(String),
}

/// The Solidity source of the contract that verifies aggregation proofs of `vk` (made with
/// `params`), whose proofs carry `num_instance` public values.
pub fn verifier_solidity(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    num_instance: usize,
) -> String {
    gen_evm_verifier_sol_code::<AggregationCircuit, SHPLONK>(params, vk, vec![num_instance])
}

/// solcjs 0.8.19 as set up in a `tools/solc` folder (its `package.json`, `package-lock.json`
/// and `compile.js`).
#[derive(Clone, Debug)]
pub struct Solc {
    dir: PathBuf,
}

impl Solc {
    /// The compiler set up in `dir`; [`Solc::install`] installs its package if needed.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The folder it lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the npm package is installed.
    pub fn is_installed(&self) -> bool {
        self.dir.join("node_modules/solc/soljson.js").is_file()
    }

    /// Installs the npm package from the lock file (`npm ci`) unless it is there already.
    pub fn install(&self) -> Result<(), EvmVerifierError> {
        // One install at a time in this process (tests call it from several threads).
        static INSTALLING: Mutex<()> = Mutex::new(());
        let _guard = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
        if self.is_installed() {
            return Ok(());
        }
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&self.dir)
            .output()
            .map_err(|e| EvmVerifierError::Solc(format!("npm could not be run: {e}")))?;
        if !out.status.success() || !self.is_installed() {
            return Err(EvmVerifierError::Solc(format!(
                "npm ci in {} failed: {}",
                self.dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(())
    }

    /// Compiles `source` and returns the contract's deployment bytecode.
    pub fn compile(&self, source: &str) -> Result<Vec<u8>, EvmVerifierError> {
        if !self.is_installed() {
            return Err(EvmVerifierError::Solc(format!(
                "solc is not installed in {} (run `npm ci` there)",
                self.dir.display()
            )));
        }
        let mut child = Command::new("node")
            .arg(self.dir.join("compile.js"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| EvmVerifierError::Solc(format!("node could not be run: {e}")))?;
        let written = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(source.as_bytes()));
        let out = child
            .wait_with_output()
            .map_err(|e| EvmVerifierError::Solc(e.to_string()))?;
        if let Some(Err(e)) = written {
            return Err(EvmVerifierError::Solc(format!("writing the source: {e}")));
        }
        if !out.status.success() {
            return Err(EvmVerifierError::Compile(
                String::from_utf8_lossy(&out.stderr).trim().to_string(),
            ));
        }
        hex::decode(String::from_utf8_lossy(&out.stdout).trim())
            .map_err(|e| EvmVerifierError::Solc(format!("the compiler printed no bytecode: {e}")))
    }
}

/// A verifier contract deployed in a fresh in-memory revm chain (Cancun rules).
pub struct DeployedVerifier {
    db: InMemoryDB,
    address: Address,
    /// Size in bytes of the deployed (runtime) code.
    pub code_size: usize,
    /// Gas the deployment transaction used.
    pub deploy_gas: u64,
}

impl std::fmt::Debug for DeployedVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeployedVerifier")
            .field("address", &self.address)
            .field("code_size", &self.code_size)
            .field("deploy_gas", &self.deploy_gas)
            .finish_non_exhaustive()
    }
}

const CALLER: Address = Address::repeat_byte(0x42);
const GAS_LIMIT: u64 = 30_000_000;

fn cfg() -> CfgEnv {
    let mut cfg = CfgEnv::new_with_spec(SpecId::CANCUN);
    // The verifier of a large circuit can exceed EIP-170's 24 KiB; deploy it anyway and
    // report its size.
    cfg.limit_contract_code_size = Some(usize::MAX);
    cfg
}

fn block() -> BlockEnv {
    BlockEnv {
        gas_limit: GAS_LIMIT,
        ..BlockEnv::default()
    }
}

fn tx(kind: TxKind, data: Vec<u8>, nonce: u64) -> TxEnv {
    TxEnv {
        caller: CALLER,
        gas_limit: GAS_LIMIT,
        gas_price: 0,
        kind,
        data: Bytes::from(data),
        nonce,
        chain_id: Some(1),
        ..TxEnv::default()
    }
}

impl DeployedVerifier {
    /// Deploys `deployment_code` from a funded account.
    pub fn deploy(deployment_code: Vec<u8>) -> Result<Self, EvmVerifierError> {
        let mut db = InMemoryDB::default();
        db.insert_account_info(
            CALLER,
            AccountInfo {
                balance: U256::from(10u64).pow(U256::from(24u64)),
                ..AccountInfo::default()
            },
        );
        let mut evm = Context::mainnet()
            .with_block(block())
            .with_cfg(cfg())
            .with_db(db)
            .build_mainnet();
        let result = evm
            .transact_commit(tx(TxKind::Create, deployment_code, 0))
            .map_err(|e| EvmVerifierError::Deploy(e.to_string()))?;
        let deploy_gas = result.tx_gas_used();
        let address = match result {
            ExecutionResult::Success {
                output: Output::Create(_, Some(address)),
                ..
            } => address,
            other => return Err(EvmVerifierError::Deploy(format!("{other:?}"))),
        };
        let db = evm.ctx.journaled_state.database;
        let code_size = db
            .cache
            .accounts
            .get(&address)
            .and_then(|a| a.info.code.as_ref())
            .map_or(0, |c| c.original_byte_slice().len());
        Ok(Self {
            db,
            address,
            code_size,
            deploy_gas,
        })
    }

    /// Calls the verifier with `calldata` and returns the gas the transaction used (the
    /// 21,000 base and the calldata included); the chain is left unchanged.
    pub fn verify(&self, calldata: Vec<u8>) -> Result<u64, EvmVerifierError> {
        let mut evm = Context::mainnet()
            .with_block(block())
            .with_cfg(cfg())
            .with_db(self.db.clone())
            .build_mainnet();
        let out = evm
            .transact(tx(TxKind::Call(self.address), calldata, 1))
            .map_err(|e| EvmVerifierError::Rejected(e.to_string()))?;
        match out.result {
            success @ ExecutionResult::Success { .. } => Ok(success.tx_gas_used()),
            other => Err(EvmVerifierError::Rejected(format!("{other:?}"))),
        }
    }
}
