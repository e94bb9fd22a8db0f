//! CellManager: hands out a step's cells from the circuit's shared cell columns.
//!
//! Two kinds of columns: plain cells and byte cells. Every byte column carries one
//! fixed-table `Range256` lookup per row (gated by `q_usable`), so a byte cell is in
//! `0..=255` by construction. A request takes the first column (of its kind) with the fewest
//! cells allocated so far, i.e. cells fill the step's lowest free row first; this keeps a
//! step as short as its cells allow. The height a gadget's cells need is the highest row
//! used plus one.
//!
//! The manager adds no constraint; the constraint builder pins every cell it hands out.

use super::cell::Cell;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column},
};

/// The kind of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellType {
    /// Any field element.
    Plain,
    /// A byte (its column is range-checked by the fixed table).
    Byte,
}

/// Allocation state of one step's cells over the shared columns.
#[derive(Clone, Debug)]
pub struct CellManager {
    plain: Vec<(Column<Advice>, usize)>,
    byte: Vec<(Column<Advice>, usize)>,
}

impl CellManager {
    /// A manager over `plain` and `byte` columns, nothing allocated yet.
    pub fn new(plain: &[Column<Advice>], byte: &[Column<Advice>]) -> Self {
        Self {
            plain: plain.iter().map(|c| (*c, 0)).collect(),
            byte: byte.iter().map(|c| (*c, 0)).collect(),
        }
    }

    fn columns(&mut self, ty: CellType) -> &mut Vec<(Column<Advice>, usize)> {
        match ty {
            CellType::Plain => &mut self.plain,
            CellType::Byte => &mut self.byte,
        }
    }

    /// The next free cell of kind `ty` (lowest row first).
    pub fn query<F: PrimeField>(&mut self, ty: CellType) -> Cell<F> {
        let slot = self
            .columns(ty)
            .iter_mut()
            .min_by_key(|(_, height)| *height)
            .expect("the EVM circuit has at least one column of each cell kind");
        let cell = Cell::new(slot.0, slot.1);
        slot.1 += 1;
        cell
    }

    /// A free cell of kind `ty` on the step's first row. Panics (a gadget configuration
    /// bug) if the first row is full.
    pub fn query_first_row<F: PrimeField>(&mut self, ty: CellType) -> Cell<F> {
        let slot = self
            .columns(ty)
            .iter_mut()
            .find(|(_, height)| *height == 0)
            .expect("a free cell on the step's first row: allocate first-row cells first");
        slot.1 = 1;
        Cell::new(slot.0, 0)
    }

    /// Rows used by the allocated cells.
    pub fn height(&self) -> usize {
        self.plain
            .iter()
            .chain(&self.byte)
            .map(|(_, h)| *h)
            .max()
            .unwrap_or(0)
    }

    /// Number of cells allocated, of kind `ty`.
    pub fn used(&self, ty: CellType) -> usize {
        match ty {
            CellType::Plain => self.plain.iter().map(|(_, h)| h).sum(),
            CellType::Byte => self.byte.iter().map(|(_, h)| h).sum(),
        }
    }
}
