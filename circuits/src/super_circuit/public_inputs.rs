//! The super circuit's public inputs, in instance-column order:
//!
//! | columns | holds |
//! | --- | --- |
//! | 0 | the first step's state (16 fields, then its state index; see `evm::step`) |
//! | 1..=11 | the public pre-state table ([`PublicStateRow`] columns) |
//! | 12..=22 | the public post-state table |
//! | 23..=27 | the tx table (`TxTableRow` columns) |
//! | 28..=31 | the block table (`BlockTableRow` columns) |
//! | 32 | row 0: the number of transactions; row 1: 1 if the steps start the block; row 2: 1 if they end it (`EndBlock` came) |
//! | 33 | the 16 step-state fields the last step hands over |
//!
//! Each table column starts with its zero row 0; the rows after the last entry are zero.
//! A verifier of a whole block also checks [`check_block_start`]: the proof starts at the
//! block's first step and ends it. A verifier of a block's chunks checks them as a chain
//! ([`super::chunk::check_chain`]).

use crate::evm::step::{state_index, STEP_STATE_NAMES};
use crate::state::public::{PublicStateRow, PUBLIC_STATE_COLUMNS};
use crate::state::{post_state_of, pre_state_of, StateSpan};
use crate::table::{public_values, BlockTableRow, TableError, TxTableRow};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Number of instance columns.
pub const NUM_INSTANCE_COLUMNS: usize = 34;
/// The instance column of the first step's state.
pub const FIRST_STATE_COLUMN: usize = 0;
/// The instance columns of the public pre-state table.
pub const PRE_STATE_COLUMNS: std::ops::Range<usize> = 1..1 + PUBLIC_STATE_COLUMNS;
/// The instance columns of the public post-state table.
pub const POST_STATE_COLUMNS: std::ops::Range<usize> =
    PRE_STATE_COLUMNS.end..PRE_STATE_COLUMNS.end + PUBLIC_STATE_COLUMNS;
/// The instance column of the number of transactions and the span flags.
pub const SUMMARY_COLUMN: usize = NUM_INSTANCE_COLUMNS - 2;
/// The instance column of the state the last step hands over.
pub const LAST_STATE_COLUMN: usize = NUM_INSTANCE_COLUMNS - 1;

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
    /// The steps start at the block's first.
    pub starts_block: bool,
    /// The steps end with the block's `EndBlock`.
    pub ends_block: bool,
    /// The 16 step-state fields the last step hands over.
    pub last_state: Vec<Fr>,
}

impl PublicInputs {
    /// The public inputs of the whole block of `witness`.
    pub fn of(witness: &Witness) -> Result<Self, TableError> {
        let rows = crate::state::ordering::sorted(&witness.rws);
        Self::of_chunk(witness, 0..witness.steps.len(), StateSpan::BLOCK, &rows)
    }

    /// The public inputs of steps `steps` of `witness`, whose state circuit rows are
    /// `state_rows` and whose accesses sit at `span`.
    pub fn of_chunk(
        witness: &Witness,
        steps: std::ops::Range<usize>,
        span: StateSpan,
        state_rows: &[equivm_witness::Rw],
    ) -> Result<Self, TableError> {
        let index = crate::evm::assign::WitnessIndex::new(witness);
        let (first_state, last_state) = match witness.steps.get(steps.clone()) {
            Some(slice) if !slice.is_empty() => {
                let mut first = index.step_state::<Fr>(&slice[0]).to_vec();
                first.push(Fr::from(state_index(slice[0].execution_state) as u64));
                let last = slice.last().unwrap_or(&slice[0]);
                let handed_over = witness.steps.get(steps.end).unwrap_or(last);
                (first, index.step_state::<Fr>(handed_over).to_vec())
            }
            _ => (
                vec![Fr::zero(); STEP_STATE_NAMES.len() + 1],
                vec![Fr::zero(); STEP_STATE_NAMES.len()],
            ),
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
            pre: pre_state_of(state_rows),
            post: post_state_of(state_rows, span.ends_block),
            tx,
            block,
            num_txs: witness.txs.len() as u64,
            starts_block: span.starts_block,
            ends_block: span.ends_block,
            last_state,
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
        let flag = |b: bool| Fr::from(u64::from(b));
        out.push(vec![
            Fr::from(self.num_txs),
            flag(self.starts_block),
            flag(self.ends_block),
        ]);
        out.push(self.last_state.clone());
        out
    }
}

/// Checks that `instance` is the proof of a whole block: it ends the block (`EndBlock`
/// came), and starts at its first step ([`check_starts_block`]).
pub fn check_block_start(instance: &[Vec<Fr>]) -> Result<(), String> {
    check_starts_block(instance)?;
    if summary(instance, 2) != Fr::one() {
        return Err("the steps do not end the block (no EndBlock)".into());
    }
    Ok(())
}

/// Row `row` of the summary column (0 if absent).
pub(crate) fn summary(instance: &[Vec<Fr>], row: usize) -> Fr {
    instance
        .get(SUMMARY_COLUMN)
        .and_then(|c| c.get(row))
        .copied()
        .unwrap_or_else(Fr::zero)
}

/// Checks that `instance` starts the proof at a block's first step: it says so (the state
/// circuit then starts every cell from 0 or the public pre-state), at `rw_counter` 1, the
/// first transaction (`tx_id` 1) in `BeginTx`, `BeginTxCreate` or `BeginTxCreateCollision`,
/// or `EndBlock` for a block without transactions. The circuit takes the first state as
/// given, so a verifier must check it.
pub fn check_starts_block(instance: &[Vec<Fr>]) -> Result<(), String> {
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
    if summary(instance, 1) != Fr::one() {
        return Err("the steps do not start the block".into());
    }
    let num_txs = summary(instance, 0);
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
