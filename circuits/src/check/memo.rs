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

use super::{Cells, Val};
use halo2_proofs::plonk::Expression;
use halo2curves::bn256::Fr;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// A cell a gate queries: its column (kind and index) and rotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Query {
    Fixed(usize, i32),
    Advice(usize, i32),
    Instance(usize, i32),
}

/// The distinct cells a gate queries, kept for gates worth remembering rows of.
#[derive(Clone, Debug)]
pub(super) struct GateQueries {
    queries: Vec<Query>,
}

impl GateQueries {
    /// How much larger than its cell count a gate's evaluation must be to be remembered
    /// (comparing a row costs about two reads per cell).
    const MIN_GAIN: usize = 8;

    /// The cells `polynomials` query, or `None` when evaluating them (`cost` operations a
    /// row) costs too little for remembering rows to pay.
    pub(super) fn of(polynomials: &[Expression<Fr>], cost: usize) -> Option<Self> {
        let found = RefCell::new(Vec::new());
        for p in polynomials {
            p.evaluate(
                &|_| (),
                &|_| (),
                &|q| {
                    found
                        .borrow_mut()
                        .push(Query::Fixed(q.column_index(), q.rotation().0))
                },
                &|q| {
                    found
                        .borrow_mut()
                        .push(Query::Advice(q.column_index(), q.rotation().0))
                },
                &|q| {
                    found
                        .borrow_mut()
                        .push(Query::Instance(q.column_index(), q.rotation().0))
                },
                &|_| (),
                &|_| (),
                &|_, _| (),
                &|_, _| (),
                &|_, _| (),
            );
        }
        let mut queries = found.into_inner();
        queries.sort_unstable_by_key(|q| match *q {
            Query::Fixed(c, r) => (0, c, r),
            Query::Advice(c, r) => (1, c, r),
            Query::Instance(c, r) => (2, c, r),
        });
        queries.dedup();
        (cost >= Self::MIN_GAIN * queries.len().max(1)).then_some(Self { queries })
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

    fn value(cells: &Cells, query: Query, row: usize) -> Val {
        match query {
            Query::Fixed(c, r) => cells.fixed_at(c, cells.row(row, r)),
            Query::Advice(c, r) => cells.advice_at(c, cells.row(row, r)),
            Query::Instance(c, r) => cells.instance_at(c, cells.row(row, r)),
        }
    }

    /// A hash of some of the cells the gate reads on `row` (evenly spread, at most
    /// [`Self::SAMPLE`]): it finds the candidates, which are then compared in full.
    pub(super) fn key(&self, cells: &Cells, row: usize) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let step = self.queries.len().div_ceil(Self::SAMPLE).max(1);
        for &q in self.queries.iter().step_by(step) {
            Self::value(cells, q, row).hash(&mut hasher);
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
                    .all(|&q| Self::value(cells, q, seen) == Self::value(cells, q, row))
            })
        })
    }

    /// Remembers that the gate passed `row` (`key` is its hash).
    pub(super) fn insert(&mut self, key: u64, row: usize) {
        self.by_hash.entry(key).or_default().push(row);
    }
}
