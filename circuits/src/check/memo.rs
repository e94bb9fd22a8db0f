//! Rows a gate has already passed, remembered by the cells the gate reads.
//!
//! A gate polynomial's value on a row is a function of the cells it queries there (fixed,
//! advice and instance cells at their rotations) and nothing else. So a row whose queried
//! cells all equal those of a row the gate passed passes too, and its polynomials need not
//! be evaluated again. This pays off for gates that are large next to the cells they read
//! and repeat on many rows with the same values: the keccak round gate, whose 2,880
//! polynomials (chi expanded into every sum) are enabled in every slot of the blocks that
//! fill the circuit, most of them hashing the same empty input.
//!
//! Rows are compared cell by cell (a hash only finds the candidates), so the verdict is
//! exactly the one evaluating every row gives.

use super::dag::{GateGraph, Query};
use super::Cells;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// The distinct cells a gate queries, kept for gates worth remembering rows of.
#[derive(Clone, Debug)]
pub(super) struct GateQueries {
    queries: Vec<Query>,
}

impl GateQueries {
    /// How much larger than its cell count a gate's evaluation must be to be remembered
    /// (comparing a row costs about two reads per cell).
    const MIN_GAIN: usize = 8;

    /// The cells `graph` queries, or `None` when evaluating it costs too little for
    /// remembering rows to pay.
    pub(super) fn of(graph: &GateGraph) -> Option<Self> {
        let queries = graph.cells();
        (graph.size() >= Self::MIN_GAIN * queries.len().max(1)).then_some(Self { queries })
    }

    /// A memory of the rows this gate passed.
    pub(super) fn passed_rows(&self) -> PassedRows<'_> {
        PassedRows {
            queries: &self.queries,
            by_hash: HashMap::new(),
        }
    }
}

/// The rows a gate passed, by a hash of their queried cells.
pub(super) struct PassedRows<'q> {
    queries: &'q [Query],
    by_hash: HashMap<u64, Vec<usize>>,
}

impl PassedRows<'_> {
    /// Cells hashed per row.
    const SAMPLE: usize = 64;
    /// Rows of one hash compared with a new row before it is evaluated instead.
    const CANDIDATES: usize = 4;

    /// A hash of some of the cells the gate reads on `row` (evenly spread, at most
    /// [`Self::SAMPLE`]): it finds the candidates, which are then compared in full.
    pub(super) fn key(&self, cells: &Cells, row: usize) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let step = self.queries.len().div_ceil(Self::SAMPLE).max(1);
        for &q in self.queries.iter().step_by(step) {
            q.value(cells, row).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Whether the gate passed a row whose cells equal `row`'s (`key` is `row`'s hash),
    /// among the last [`Self::CANDIDATES`] rows of that hash.
    pub(super) fn passed_like(&self, cells: &Cells, row: usize, key: u64) -> bool {
        self.by_hash.get(&key).is_some_and(|rows| {
            rows.iter().rev().take(Self::CANDIDATES).any(|&seen| {
                self.queries
                    .iter()
                    .all(|&q| q.value(cells, seen) == q.value(cells, row))
            })
        })
    }

    /// Remembers that the gate passed `row` (`key` is its hash).
    pub(super) fn insert(&mut self, key: u64, row: usize) {
        self.by_hash.entry(key).or_default().push(row);
    }
}
