//! Chunks: a block too big for one super circuit is proved as a chain of runs of its steps.
//!
//! A chunk is the super circuit of steps `a..b` ([`SuperCircuit::chunk`]). Its accesses are
//! the counters from step `a`'s `rw_counter` to step `b`'s; its public inputs add to a
//! block's (see [`super::public_inputs`]):
//! - the first step's state (as for a block) and the state the last step hands over;
//! - whether the steps start the block, and whether they end it (`EndBlock` came);
//! - the state at its edges. A chunk that does not start the block begins every state cell
//!   it touches (stack, memory, call context, accounts, storage, ...) with a boundary row:
//!   the cell's value, storage committed value and last access's id when the chunk starts,
//!   read from the public pre-state. A chunk that does not end the block puts the last
//!   access of every cell it touches in the public post-state, not only the results.
//!
//! The chunks of a block join one way only, which [`check_chain`] checks on their public
//! inputs: the first starts the block ([`check_starts_block`]), only the last ends it, each
//! starts in the state the one before hands over, no chunk after the first starts with a
//! transaction boundary, and every pre-state entry of a later chunk is the value the chunks
//! before left (or, for a cell none of them touched, its initial value: 0, or for an
//! account field or storage slot, a claim about the block's pre-state that the chain
//! returns). Inside a chunk, the EVM circuit forbids padding after a step that requires
//! more of its successor than its state fields ([`crate::evm::EvmSpan::Chunk`]), and the
//! rw counters of the chunk's lookups are its own: a step whose undo write lies beyond the
//! chunk cannot be proved in it.
//!
//! [`split_points`] lists where a block may be split; [`plan`] and [`split_evenly`] choose
//! chunks.

use super::public_inputs::{
    check_starts_block, summary, LAST_STATE_COLUMN, NUM_INSTANCE_COLUMNS, POST_STATE_COLUMNS,
    PRE_STATE_COLUMNS, SUMMARY_COLUMN,
};
use super::{SuperCircuit, SuperCircuitError, SuperCircuitParams};
use crate::bytecode::BytecodeCircuitConfig;
use crate::evm::assign::WitnessIndex;
use crate::evm::constraint_builder::TX_BOUNDARY_STATES;
use crate::evm::step::{state_index, STEP_STATE_FIELDS};
use crate::evm::EvmCircuit;
use crate::keccak::{KeccakCircuitConfig, KeccakShape};
use crate::state::public::PUBLIC_STATE_COLUMNS;
use crate::state::StateCircuitConfig;
use crate::table::{keccak::keccak_inputs, FixedTableTag, TableCapacities};
use equivm_witness::{CopyEvent, ExecutionState, Rw, RwTag, Witness};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2curves::bn256::Fr;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Whether a chunk after the first may start with a step in `state`: not a transaction
/// boundary ([`TX_BOUNDARY_STATES`], the only thing the chunk before checks of its
/// successor besides its state fields), nor padding or an EXP round (no step of its own).
pub fn may_start_chunk(state: ExecutionState) -> bool {
    !TX_BOUNDARY_STATES.contains(&state)
        && !matches!(state, ExecutionState::Padding | ExecutionState::ExpRound)
}

/// The rw counters of steps `steps`: from the first step's to the next step's (or past the
/// log's end after the last step).
pub fn counters(witness: &Witness, steps: Range<usize>) -> Result<Range<u64>, SuperCircuitError> {
    let bad = || SuperCircuitError::Unsupported(format!("steps {steps:?} are not a chunk"));
    let first = witness.steps.get(steps.start).ok_or_else(bad)?;
    if steps.end <= steps.start || steps.end > witness.steps.len() {
        return Err(bad());
    }
    let end = match witness.steps.get(steps.end) {
        Some(next) => next.rw_counter,
        None => witness.rws.len() as u64 + 1,
    };
    Ok(first.rw_counter..end)
}

/// The copy events whose accesses have counters in `counters` (and those without accesses
/// made there).
pub fn copy_events(witness: &Witness, counters: Range<u64>) -> Vec<CopyEvent> {
    witness
        .copy_events
        .iter()
        .filter(|e| {
            let start = e.rw_counter_start;
            counters.contains(&start) || (e.rw_count == 0 && start == counters.end)
        })
        .cloned()
        .collect()
}

/// Rows the chunk of steps `steps` needs, its state rows and copy events given: the most
/// any region needs.
pub fn rows_needed(
    witness: &Witness,
    steps: Range<usize>,
    state_rows: &[Rw],
    copy_events: &[CopyEvent],
    keccak: KeccakShape,
) -> Result<usize, SuperCircuitError> {
    let evm = EvmCircuit::rows_needed_for(witness, steps)
        .ok_or_else(|| SuperCircuitError::Unsupported("a step without a layout".into()))?;
    let tables = TableCapacities::fitting(witness, &FixedTableTag::SMALL);
    let cells: HashSet<_> = state_rows.iter().map(Rw::state_key).collect();
    Ok([
        evm,
        StateCircuitConfig::rows_needed(state_rows),
        tables.fixed,
        tables.bytecode,
        tables.tx,
        tables.block,
        tables.keccak,
        crate::copy::rows_needed(copy_events),
        cells.len() + 1,
        BytecodeCircuitConfig::rows_needed(&witness.bytecodes),
        KeccakCircuitConfig::rows_needed(keccak, &keccak_inputs(witness)),
    ]
    .into_iter()
    .max()
    .unwrap_or(0))
}

/// The step indexes `i` (from 1) before which a block may be split: the step before may end
/// a chunk (its layout's `ends_chunk`), step `i` may start one (not in
/// [`may_start_chunk`]), and no step before `i` looks up an undo write at or after step
/// `i`'s counter.
pub fn split_points(witness: &Witness) -> Vec<usize> {
    let layouts = crate::evm::stats::layouts();
    let layout = |s: ExecutionState| layouts.iter().find(|(st, _, _)| *st == s).map(|l| l.2);
    let index = WitnessIndex::new(witness);
    let mut reach = 0u64;
    let mut out = Vec::new();
    for (i, pair) in witness.steps.windows(2).enumerate() {
        let (step, next) = (&pair[0], &pair[1]);
        let Some(l) = layout(step.execution_state) else {
            continue;
        };
        let call = index.call(step.call_id);
        let own_end = step.rw_counter + step.rw_count;
        reach = reach.max(own_end);
        if l.undos > 0 && !call.is_persistent {
            reach = reach.max(call.rw_counter_end_of_reversion + 1);
        }
        if l.ends_chunk && may_start_chunk(next.execution_state) && reach <= next.rw_counter {
            out.push(i + 1);
        }
    }
    out
}

/// Splits the block into at most `n` chunks of about equal numbers of steps, at
/// [`split_points`] (fewer if there are not enough of them).
pub fn split_evenly(witness: &Witness, n: usize) -> Vec<Range<usize>> {
    let len = witness.steps.len();
    let points = split_points(witness);
    let mut cuts = Vec::new();
    for j in 1..n.max(1) {
        let target = len * j / n;
        let best = points
            .iter()
            .copied()
            .filter(|p| cuts.last().is_none_or(|c| p > c))
            .min_by_key(|p| p.abs_diff(target));
        if let Some(p) = best {
            cuts.push(p);
        }
    }
    ranges(&cuts, len)
}

/// Splits the block into as few chunks as fit `params`, greedily: each chunk is the
/// longest run from the last cut to a split point (or the end) that fits.
pub fn plan(
    witness: &Witness,
    params: SuperCircuitParams,
) -> Result<Vec<Range<usize>>, SuperCircuitError> {
    let len = witness.steps.len();
    let usable = params.usable_rows();
    let fits = |steps: Range<usize>| -> Result<bool, SuperCircuitError> {
        let counters = counters(witness, steps.clone())?;
        let rows = crate::state::chunk_rows(&witness.rws, counters.clone());
        let copies = copy_events(witness, counters);
        Ok(rows_needed(witness, steps, &rows, &copies, params.keccak)? <= usable)
    };
    let mut ends: Vec<usize> = split_points(witness);
    ends.push(len);
    let mut cuts = Vec::new();
    let mut start = 0;
    while start < len {
        let candidates: Vec<usize> = ends.iter().copied().filter(|e| *e > start).collect();
        // The largest end that fits (fitting is monotone in the end).
        let (mut lo, mut hi) = (0usize, candidates.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if fits(start..candidates[mid])? {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let Some(end) = lo.checked_sub(1).map(|i| candidates[i]) else {
            let end = candidates.first().copied().unwrap_or(len);
            let steps = start..end;
            let counters = counters(witness, steps.clone())?;
            let rows = crate::state::chunk_rows(&witness.rws, counters.clone());
            let copies = copy_events(witness, counters);
            let needed = rows_needed(witness, steps, &rows, &copies, params.keccak)?;
            return Err(SuperCircuitError::TooBig {
                needed,
                k: params.k,
                usable,
            });
        };
        if end < len {
            cuts.push(end);
        }
        start = end;
    }
    Ok(ranges(&cuts, len))
}

fn ranges(cuts: &[usize], len: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for &c in cuts.iter().chain(std::iter::once(&len)) {
        if c > start {
            out.push(start..c);
            start = c;
        }
    }
    out
}

impl SuperCircuit {
    /// The chunks of `witness` in `ranges` (from [`plan`] or [`split_evenly`]), each at `k`.
    pub fn chunks(
        witness: &Witness,
        ranges: &[Range<usize>],
        k: u32,
        keccak: KeccakShape,
    ) -> Result<Vec<SuperCircuit>, SuperCircuitError> {
        ranges
            .iter()
            .map(|r| SuperCircuit::chunk(witness.clone(), r.clone(), Some(k), keccak))
            .collect()
    }
}

/// What a verified chain of chunks proves about its block, besides the tx and block tables
/// every chunk shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainSummary {
    /// Chunks in the chain.
    pub chunks: usize,
    /// The block's initial values the chain relies on: every account field and storage
    /// slot it touched, with its value before the block (columns of
    /// [`PublicStateRow`](crate::state::public::PublicStateRow)).
    pub pre: Vec<Vec<Fr>>,
    /// The block's results: the last value of every account field, storage slot, receipt
    /// field and log field it touched.
    pub post: Vec<Vec<Fr>>,
}

/// Checks that the public inputs `instances` of proofs of chunks, in order, join into one
/// block (see the module docs), and returns what the block starts from and ends with.
pub fn check_chain(instances: &[Vec<Vec<Fr>>]) -> Result<ChainSummary, String> {
    let first = instances.first().ok_or("no chunk")?;
    for (i, inst) in instances.iter().enumerate() {
        if inst.len() != NUM_INSTANCE_COLUMNS {
            return Err(format!(
                "chunk {i}: {} instance columns, expected {NUM_INSTANCE_COLUMNS}",
                inst.len()
            ));
        }
    }
    check_starts_block(first).map_err(|e| format!("chunk 0: {e}"))?;
    let last = instances.len() - 1;
    let shared = |inst: &Vec<Vec<Fr>>| -> Vec<Vec<Fr>> {
        inst[POST_STATE_COLUMNS.end..SUMMARY_COLUMN].to_vec()
    };
    let mut state: HashMap<Vec<[u8; 32]>, Vec<Fr>> = HashMap::new();
    let mut pre: Vec<Vec<Fr>> = Vec::new();
    for (i, inst) in instances.iter().enumerate() {
        let fail = |what: String| format!("chunk {i}: {what}");
        if summary(inst, 0) != summary(first, 0) || shared(inst) != shared(first) {
            return Err(fail("another block's transactions or block table".into()));
        }
        if i > 0 && summary(inst, 1) != Fr::zero() {
            return Err(fail("claims to start the block".into()));
        }
        let ends = summary(inst, 2);
        if ends != Fr::from(u64::from(i == last)) {
            return Err(fail(if i == last {
                "the last chunk does not end the block".into()
            } else {
                "ends the block before the last chunk".into()
            }));
        }
        if i > 0 {
            let before = field_prefix(&instances[i - 1][LAST_STATE_COLUMN]);
            if field_prefix(&inst[0]) != before {
                return Err(fail(
                    "does not start in the state the chunk before hands over".into(),
                ));
            }
            let index = inst[0].get(STEP_STATE_FIELDS).copied();
            let allowed = ExecutionState::ALL
                .iter()
                .any(|s| index == Some(Fr::from(state_index(*s) as u64)) && may_start_chunk(*s));
            if !allowed {
                return Err(fail("starts with a transaction boundary".into()));
            }
        }
        for row in table_rows(inst, PRE_STATE_COLUMNS) {
            let key = cell_key(&row);
            match state.get(&key) {
                Some(known) if i > 0 => {
                    if *known != row {
                        return Err(fail("a pre-state entry differs from the chain's".into()));
                    }
                }
                Some(_) => return Err(fail("a cell twice in the pre-state".into())),
                None => {
                    if i > 0 {
                        check_untouched(&row).map_err(fail)?;
                    }
                    if is_persistent(&row) {
                        pre.push(row.clone());
                    }
                    state.insert(key, row);
                }
            }
        }
        let mut seen = HashSet::new();
        for row in table_rows(inst, POST_STATE_COLUMNS) {
            let key = cell_key(&row);
            if !seen.insert(key.clone()) {
                return Err(fail("a cell twice in the post-state".into()));
            }
            state.insert(key, row);
        }
    }
    let pending = state.values().any(|row| {
        row[0] == tag(RwTag::TxAccessListAccount) && row[6] == Fr::one() && row[7] == Fr::from(2)
    });
    if pending {
        return Err(
            "an account created and self-destructed in a transaction is not deleted".into(),
        );
    }
    let mut post: Vec<Vec<Fr>> = state
        .into_values()
        .filter(|row| {
            [
                RwTag::Account,
                RwTag::Storage,
                RwTag::TxReceipt,
                RwTag::TxLog,
            ]
            .iter()
            .any(|t| row[0] == tag(*t))
        })
        .collect();
    post.sort_by_key(|r| r.iter().map(|f| f.to_repr()).collect::<Vec<_>>());
    Ok(ChainSummary {
        chunks: instances.len(),
        pre,
        post,
    })
}

/// The 16 state fields of a first-state or last-state column.
fn field_prefix(column: &[Fr]) -> Vec<Fr> {
    let mut v: Vec<Fr> = column.iter().take(STEP_STATE_FIELDS).copied().collect();
    v.resize(STEP_STATE_FIELDS, Fr::zero());
    v
}

fn tag(t: RwTag) -> Fr {
    Fr::from(t as u64)
}

fn is_persistent(row: &[Fr]) -> bool {
    row[0] == tag(RwTag::Account) || row[0] == tag(RwTag::Storage)
}

/// The non-zero rows of the public state table in `columns`.
fn table_rows(inst: &[Vec<Fr>], columns: Range<usize>) -> Vec<Vec<Fr>> {
    let cols = &inst[columns];
    let len = cols.iter().map(Vec::len).max().unwrap_or(0);
    (1..len)
        .map(|r| {
            cols.iter()
                .map(|c| c.get(r).copied().unwrap_or_else(Fr::zero))
                .collect::<Vec<_>>()
        })
        .filter(|row: &Vec<Fr>| row.iter().any(|f| *f != Fr::zero()))
        .collect()
}

/// A state cell's name in a public row: tag, id (0 for storage and accounts), address,
/// field, key and index.
fn cell_key(row: &[Fr]) -> Vec<[u8; 32]> {
    debug_assert_eq!(row.len(), PUBLIC_STATE_COLUMNS);
    let id = if is_persistent(row) {
        Fr::zero()
    } else {
        row[1]
    };
    [row[0], id, row[2], row[3], row[4], row[5], row[6]]
        .iter()
        .map(|f| f.to_repr())
        .collect()
}

/// A cell no chunk before touched starts from its initial value: 0 with committed value 0
/// (and the cell's own id), or for an account field or storage slot any value, with id and
/// committed value 0.
fn check_untouched(row: &[Fr]) -> Result<(), String> {
    let zero = |i: usize| row[i] == Fr::zero();
    let ok = if is_persistent(row) {
        zero(1) && zero(9) && zero(10)
    } else {
        zero(7) && zero(8) && zero(9) && zero(10)
    };
    if ok {
        Ok(())
    } else {
        Err("a cell no chunk before touched does not start from its initial value".into())
    }
}

#[cfg(test)]
mod tests;
