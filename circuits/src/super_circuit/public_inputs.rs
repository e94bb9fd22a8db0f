//! The super circuit's public inputs, in instance-column order:
//!
//! | columns | holds |
//! | --- | --- |
//! | 0 | the first step's state (16 fields, then its state index; see `evm::step`) |
//! | 1..=9 | the public pre-state table ([`PublicStateRow`] columns) |
//! | 10..=18 | the public post-state table |
//! | 19..=23 | the tx table (`TxTableRow` columns) |
//! | 24..=27 | the block table (`BlockTableRow` columns) |
//! | 28 | row 0: the number of transactions |
//!
//! Each table column starts with its zero row 0; the rows after the last entry are zero.
//! A verifier also checks [`check_block_start`]: the proof starts at the block's first step.

use crate::evm::step::{state_index, STEP_STATE_NAMES};
use crate::evm::EvmCircuit;
use crate::state::public::{PublicStateRow, PUBLIC_STATE_COLUMNS};
use crate::state::{post_state, pre_state};
use crate::table::{public_values, BlockTableRow, TableError, TxTableRow};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Number of instance columns.
pub const NUM_INSTANCE_COLUMNS: usize = 29;
/// The instance columns of the public pre-state table.
pub const PRE_STATE_COLUMNS: std::ops::Range<usize> = 1..1 + PUBLIC_STATE_COLUMNS;

/// The public inputs of one block, as rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicInputs {
    /// The first step's state fields and state index.
    pub first_state: Vec<Fr>,
    /// Pre-state entries.
    pub pre: Vec<PublicStateRow<Fr>>,
    /// Post-state entries.
    pub post: Vec<PublicStateRow<Fr>>,
    /// Tx-table rows (without the zero row).
    pub tx: Vec<Vec<Fr>>,
    /// Block-table rows.
    pub block: Vec<Vec<Fr>>,
    /// Number of transactions.
    pub num_txs: u64,
}

impl PublicInputs {
    /// The public inputs of `witness`.
    pub fn of(witness: &Witness) -> Result<Self, TableError> {
        let first_state = match witness.steps.first() {
            Some(_) => EvmCircuit::new(witness.clone(), 0)
                .instance()
                .pop()
                .unwrap_or_default(),
            None => vec![Fr::zero(); STEP_STATE_NAMES.len() + 1],
        };
        let tx = witness
            .txs
            .iter()
            .flat_map(TxTableRow::<Fr>::rows_of)
            .map(|r| r.to_vec())
            .collect();
        let block = BlockTableRow::<Fr>::rows_of(&witness.block)?
            .into_iter()
            .map(|r| r.to_vec())
            .collect();
        Ok(Self {
            first_state,
            pre: pre_state(&witness.rws),
            post: post_state(&witness.rws),
            tx,
            block,
            num_txs: witness.txs.len() as u64,
        })
    }

    /// One vector per instance column.
    pub fn to_instance(&self) -> Vec<Vec<Fr>> {
        let rows =
            |r: &[PublicStateRow<Fr>]| -> Vec<Vec<Fr>> { r.iter().map(|r| r.to_vec()).collect() };
        let mut out = vec![self.first_state.clone()];
        out.extend(public_values(PUBLIC_STATE_COLUMNS, &rows(&self.pre)));
        out.extend(public_values(PUBLIC_STATE_COLUMNS, &rows(&self.post)));
        out.extend(public_values(5, &self.tx));
        out.extend(public_values(4, &self.block));
        out.push(vec![Fr::from(self.num_txs)]);
        out
    }
}

/// Checks that `instance` starts the proof at a block's first step: `rw_counter` 1, the
/// first transaction (`tx_id` 1) in `BeginTx`, `BeginTxCreate` or `BeginTxCreateCollision`,
/// or `EndBlock` for a block without transactions. The circuit takes the first state as
/// given, so a verifier must check it.
pub fn check_block_start(instance: &[Vec<Fr>]) -> Result<(), String> {
    if instance.len() != NUM_INSTANCE_COLUMNS {
        return Err(format!(
            "{} instance columns, expected {NUM_INSTANCE_COLUMNS}",
            instance.len()
        ));
    }
    let first = &instance[0];
    let field = |name: &str| -> Fr {
        STEP_STATE_NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|i| first.get(i).copied())
            .unwrap_or_else(Fr::zero)
    };
    let num_txs = instance[NUM_INSTANCE_COLUMNS - 1]
        .first()
        .copied()
        .unwrap_or_else(Fr::zero);
    let state = first
        .get(STEP_STATE_NAMES.len())
        .copied()
        .unwrap_or_else(Fr::zero);
    // A block's first tx starts with BeginTx or BeginTxCreate, as its kind says (each gadget
    // requires the tx table's IsCreate of its kind).
    let expected: &[ExecutionState] = if num_txs == Fr::zero() {
        &[ExecutionState::EndBlock]
    } else {
        &[
            ExecutionState::BeginTx,
            ExecutionState::BeginTxCreate,
            ExecutionState::BeginTxCreateCollision,
        ]
    };
    if field("rw_counter") != Fr::one() {
        return Err("the first step's rw_counter is not 1".into());
    }
    if field("tx_id") != Fr::one() {
        return Err("the first step's tx_id is not 1".into());
    }
    if !expected
        .iter()
        .any(|e| state == Fr::from(state_index(*e) as u64))
    {
        return Err(format!(
            "the first step is not {}",
            expected_names(expected)
        ));
    }
    Ok(())
}
/// `A`, or `A or B`: the states a block may start with.
fn expected_names(states: &[ExecutionState]) -> String {
    let names: Vec<String> = states.iter().map(|s| format!("{s:?}")).collect();
    names.join(" or ")
}
