//! Mock mode for a block above the `k` limit: the block is split into chunks that each fit
//! ([`equivm_circuits::super_circuit::chunk::plan`]), every chunk is checked like a block,
//! and the chunks' public inputs must join into one block whose initial values and results
//! are the whole block's.

use crate::report::Verdict;
use equivm_circuits::{
    keccak::KeccakShape,
    state::{post_state, pre_state, public::PublicStateRow},
    super_circuit::{
        chunk::{check_chain, plan, split_points, ChainSummary},
        SuperCircuit, SuperCircuitError, SuperCircuitParams,
    },
};
use equivm_witness::{RwTag, Witness};
use halo2_proofs::halo2curves::{bn256::Fr, ff::PrimeField};

/// The verdict on a block checked as a chain of chunks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkedVerdict {
    /// Passed only if every chunk passes, the chunks join, and the chain's initial values
    /// and results are the block's.
    pub verdict: Verdict,
    /// Why, for anything but passed.
    pub reason: Option<String>,
    /// The chunks the block was split into (0 if it could not be split).
    pub chunks: usize,
}

impl ChunkedVerdict {
    fn not(verdict: Verdict, reason: String, chunks: usize) -> Self {
        Self {
            verdict,
            reason: Some(reason),
            chunks,
        }
    }
}

/// Checks `witness`, a block that needs `k = needed_k` (above `max_k`), as the fewest
/// chunks that fit `max_k`, each at the smallest `k` it fits. `check` is the check of one
/// chunk: [`super::mock_check`], or another that a caller wraps around it.
pub fn chunked_verdict(
    witness: &Witness,
    needed_k: u32,
    max_k: u32,
    check: impl Fn(&SuperCircuit) -> Result<(), String>,
) -> ChunkedVerdict {
    let ranges = match plan(witness, SuperCircuitParams::new(max_k)) {
        Ok(ranges) => ranges,
        Err(SuperCircuitError::TooBig { needed, .. }) => {
            let (a, b) = longest_unsplit_run(witness);
            return ChunkedVerdict::not(
                Verdict::Unsupported,
                format!(
                    "the block needs k = {needed_k}, above mock mode's limit k = {max_k}, and \
                     cannot be split into chunks that fit it (one needs {needed} rows; the \
                     longest run of steps it cannot be split in is {a}..{b} of {})",
                    witness.steps.len()
                ),
                0,
            );
        }
        Err(SuperCircuitError::Unsupported(what)) => {
            return ChunkedVerdict::not(
                Verdict::Unsupported,
                format!("no EVM circuit gadget covers yet: {what}"),
                0,
            )
        }
        Err(err) => return ChunkedVerdict::not(Verdict::Failed, format!("chunks: {err}"), 0),
    };
    let n = ranges.len();
    let mut instances = Vec::with_capacity(n);
    for (i, steps) in ranges.iter().enumerate() {
        let what = format!("chunk {} of {n} (steps {steps:?})", i + 1);
        let circuit =
            match SuperCircuit::chunk(witness.clone(), steps.clone(), None, KeccakShape::WIDE) {
                Ok(c) if c.params.k <= max_k => c,
                Ok(c) => {
                    return ChunkedVerdict::not(
                        Verdict::Failed,
                        format!(
                            "{what} needs k = {}, above the plan's k = {max_k}",
                            c.params.k
                        ),
                        n,
                    )
                }
                Err(err) => {
                    return ChunkedVerdict::not(Verdict::Failed, format!("{what}: {err}"), n)
                }
            };
        if let Err(why) = check(&circuit) {
            let k = circuit.params.k;
            return ChunkedVerdict::not(Verdict::Failed, format!("{what}, k = {k}: {why}"), n);
        }
        match circuit.instance() {
            Ok(instance) => instances.push(instance),
            Err(err) => {
                return ChunkedVerdict::not(
                    Verdict::Failed,
                    format!("{what}: public inputs: {err}"),
                    n,
                )
            }
        }
    }
    let summary = match check_chain(&instances) {
        Ok(summary) => summary,
        Err(why) => {
            return ChunkedVerdict::not(
                Verdict::Failed,
                format!("the {n} chunks do not join: {why}"),
                n,
            )
        }
    };
    if let Err(why) = matches_block(summary, witness) {
        return ChunkedVerdict::not(Verdict::Failed, format!("the {n} chunks {why}"), n);
    }
    ChunkedVerdict {
        verdict: Verdict::Passed,
        reason: None,
        chunks: n,
    }
}

/// The longest run of steps with no split point inside ([`split_points`]): where a call
/// undoes writes across it, or its steps constrain their successors.
fn longest_unsplit_run(witness: &Witness) -> (usize, usize) {
    let mut edges = vec![0];
    edges.extend(split_points(witness));
    edges.push(witness.steps.len());
    edges
        .windows(2)
        .map(|w| (w[0], w[1]))
        .max_by_key(|(a, b)| b - a)
        .unwrap_or((0, 0))
}

/// Checks that a chain's initial values and results are those of the block `witness`.
fn matches_block(summary: ChainSummary, witness: &Witness) -> Result<(), &'static str> {
    if cells_and_values(summary.pre) != cells_and_values(rows(pre_state(&witness.rws))) {
        return Err("start from other initial values than the block's");
    }
    if cells_and_values(summary.post) != cells_and_values(rows(post_state(&witness.rws))) {
        return Err("end in other results than the block's");
    }
    Ok(())
}

fn rows(table: Vec<PublicStateRow<Fr>>) -> Vec<Vec<Fr>> {
    table.into_iter().map(PublicStateRow::to_vec).collect()
}

/// The cell and value of each public state row, sorted: what the chain and the block must
/// agree on. The transaction that last accessed an account field or storage slot, and a
/// slot's committed value, are the chain's own bookkeeping.
fn cells_and_values(rows: Vec<Vec<Fr>>) -> Vec<Vec<[u8; 32]>> {
    let persistent = [RwTag::Account, RwTag::Storage].map(|t| Fr::from(t as u64));
    let mut out: Vec<Vec<[u8; 32]>> = rows
        .into_iter()
        .map(|mut row| {
            if persistent.contains(&row[0]) {
                row[1] = Fr::zero();
            }
            row.truncate(9);
            row.iter().map(|f| f.to_repr()).collect()
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests;
