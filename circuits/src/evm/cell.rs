//! A cell of the EVM circuit's grid: one advice column at a row offset from a step's first
//! row, with its expression (queried at that rotation) and its assignment.
//!
//! A cell adds no constraint by itself: whoever allocates it (the
//! [`CellManager`](super::cell_manager::CellManager) through the constraint builder) is responsible for
//! pinning it with a constraint or a lookup.

use super::assign::StepRegion;
use equivm_gadgets::Word;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, Error, Expression},
    poly::Rotation,
};

/// One advice cell of a step, `rotation` rows below the step's first row.
#[derive(Clone, Debug)]
pub struct Cell<F: PrimeField> {
    /// The column holding the cell.
    pub column: Column<Advice>,
    /// Rows below the step's first row.
    pub rotation: usize,
    expr: Expression<F>,
}

impl<F: PrimeField> Cell<F> {
    /// The cell in `column` at `rotation` rows below a step's first row.
    pub fn new(column: Column<Advice>, rotation: usize) -> Self {
        let expr = column.query_cell(rotation_of(rotation));
        Self {
            column,
            rotation,
            expr,
        }
    }

    /// The cell's value as an expression (queried relative to the step's first row).
    pub fn expr(&self) -> Expression<F> {
        self.expr.clone()
    }

    /// Assigns `value` to the cell of the step that `region` is positioned at.
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, value: F) -> Result<(), Error> {
        region.assign_advice(self.column, self.rotation, value)
    }
}

/// A word held in two cells (lo, hi).
pub type WordCell<F> = Word<Cell<F>>;

/// The expression of a word of cells.
pub fn word_expr<F: PrimeField>(word: &WordCell<F>) -> Word<Expression<F>> {
    Word::new(word.lo.expr(), word.hi.expr())
}

/// `Rotation(rows)` for a non-negative row offset. Offsets are step heights (tens of rows),
/// far below `i32::MAX`; a larger one is a configuration bug.
pub fn rotation_of(rows: usize) -> Rotation {
    Rotation(i32::try_from(rows).expect("step row offset fits i32"))
}
