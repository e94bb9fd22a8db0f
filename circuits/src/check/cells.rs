//! The cells a circuit's synthesis assigns, gathered without `MockProver`: its fixed and
//! advice values and its copy constraints, for a constraint system configured once.
//!
//! `MockProver::run` configures the circuit again on every run (the super circuit's
//! configuration is a good part of a case's check), keeps every advice cell behind its own
//! reference count and builds the permutation's cycles; [`AssignedCells`] keeps plain
//! values and the list of copies, which is all [`super::mock_check`] reads.

use halo2_proofs::{
    circuit::Value,
    plonk::{
        Advice, Any, Assigned, Assignment, Challenge, Column, ConstraintSystem, Error, Fixed,
        Instance, Selector,
    },
};
use halo2curves::bn256::Fr;
use halo2curves::ff::Field;
use std::collections::HashSet;

/// Why a synthesis could not be collected here; [`super::mock_check`] then hands the
/// circuit to `MockProver`, whose verdict (or panic) is the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Unsupported {
    /// A value assigned to an advice cell was unknown (read back from another cell, which
    /// this collector does not hand out).
    UnknownValue,
    /// A selector was enabled (`MockProver` rewrites selectors into fixed columns).
    Selector,
    /// A cell was assigned or copied outside the usable rows, or a copy named a column
    /// without equality enabled: `MockProver` panics on both.
    Misuse,
}

/// Every cell a synthesis assigned.
pub(super) struct AssignedCells<'i> {
    usable: usize,
    /// Fixed cells by column, `None` where unassigned.
    pub fixed: Vec<Vec<Option<Fr>>>,
    /// Advice cells by column, up to the column's last non-zero cell (zero where
    /// unassigned or past the end, as `MockProver` has them): a column a sub-circuit fills
    /// with zeros past its rows takes no memory for them.
    pub advice: Vec<Vec<Fr>>,
    instance: &'i [Vec<Fr>],
    /// Copy constraints, in the order the synthesis made them.
    pub copies: Vec<(Column<Any>, usize, Column<Any>, usize)>,
    equality: HashSet<Column<Any>>,
    /// The first reason the synthesis cannot be judged here, if any.
    pub unsupported: Option<Unsupported>,
}

impl<'i> AssignedCells<'i> {
    /// Empty cells for `cs` at `2^k` rows, with `instance` as the instance columns.
    pub fn new(k: u32, cs: &ConstraintSystem<Fr>, instance: &'i [Vec<Fr>]) -> Self {
        let n = 1usize << k;
        Self {
            usable: n - (cs.blinding_factors() + 1),
            fixed: vec![vec![None; n]; cs.num_fixed_columns()],
            advice: vec![Vec::new(); cs.num_advice_columns()],
            instance,
            copies: Vec::new(),
            equality: cs.permutation().get_columns().into_iter().collect(),
            unsupported: None,
        }
    }

    fn refuse(&mut self, why: Unsupported) {
        self.unsupported.get_or_insert(why);
    }

    fn usable(&self, row: usize) -> bool {
        row < self.usable
    }
}

/// The value `to` holds, if known.
fn known<T>(to: Value<T>) -> Option<T> {
    let mut value = None;
    to.map(|v| value = Some(v));
    value
}

impl Assignment<Fr> for AssignedCells<'_> {
    fn enter_region<NR, N>(&mut self, _: N)
    where
        NR: Into<String>,
        N: FnOnce() -> NR,
    {
    }

    fn annotate_column<A, AR>(&mut self, _: A, _: Column<Any>)
    where
        A: FnOnce() -> AR,
        AR: Into<String>,
    {
    }

    fn exit_region(&mut self) {}

    fn enable_selector<A, AR>(&mut self, _: A, _: &Selector, _: usize) -> Result<(), Error>
    where
        A: FnOnce() -> AR,
        AR: Into<String>,
    {
        self.refuse(Unsupported::Selector);
        Ok(())
    }

    fn query_instance(&self, column: Column<Instance>, row: usize) -> Result<Value<Fr>, Error> {
        // MockProver pads every instance column with zeros.
        let value = self
            .instance
            .get(column.index())
            .ok_or(Error::BoundsFailure)?
            .get(row)
            .copied()
            .unwrap_or(Fr::ZERO);
        Ok(Value::known(value))
    }

    fn assign_advice<'v>(
        &mut self,
        column: Column<Advice>,
        row: usize,
        to: Value<Assigned<Fr>>,
    ) -> Value<&'v Assigned<Fr>> {
        if !self.usable(row) {
            self.refuse(Unsupported::Misuse);
            return Value::unknown();
        }
        match known(to) {
            Some(value) => match self.advice.get_mut(column.index()) {
                Some(cells) => {
                    let value = value.evaluate();
                    if row < cells.len() {
                        cells[row] = value;
                    } else if !bool::from(value.is_zero()) {
                        cells.resize(row + 1, Fr::ZERO);
                        cells[row] = value;
                    }
                }
                None => self.refuse(Unsupported::Misuse),
            },
            None => self.refuse(Unsupported::UnknownValue),
        }
        Value::unknown()
    }

    fn assign_fixed(&mut self, column: Column<Fixed>, row: usize, to: Assigned<Fr>) {
        if !self.usable(row) {
            self.refuse(Unsupported::Misuse);
            return;
        }
        match self
            .fixed
            .get_mut(column.index())
            .and_then(|c| c.get_mut(row))
        {
            Some(cell) => *cell = Some(to.evaluate()),
            None => self.refuse(Unsupported::Misuse),
        }
    }

    fn copy(
        &mut self,
        left_column: Column<Any>,
        left_row: usize,
        right_column: Column<Any>,
        right_row: usize,
    ) {
        let enabled = self.equality.contains(&left_column) && self.equality.contains(&right_column);
        if !enabled || !self.usable(left_row) || !self.usable(right_row) {
            self.refuse(Unsupported::Misuse);
            return;
        }
        self.copies
            .push((left_column, left_row, right_column, right_row));
    }

    fn fill_from_row(
        &mut self,
        column: Column<Fixed>,
        row: usize,
        to: Value<Assigned<Fr>>,
    ) -> Result<(), Error> {
        let to = known(to).ok_or(Error::Synthesis)?;
        for r in row..self.usable {
            self.assign_fixed(column, r, to);
        }
        Ok(())
    }

    fn get_challenge(&self, _: Challenge) -> Value<Fr> {
        Value::unknown()
    }

    fn push_namespace<NR, N>(&mut self, _: N)
    where
        NR: Into<String>,
        N: FnOnce() -> NR,
    {
    }

    fn pop_namespace(&mut self, _: Option<String>) {}
}
