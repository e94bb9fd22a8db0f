//! The keccak circuit's columns, and the helpers its gates share.

use super::{
    absorb,
    layout::{Cell, KeccakShape},
    native::lane,
    rounds,
};
use crate::table::KeccakTable;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, VirtualCells},
    poly::Rotation,
};

/// The keccak circuit's fixed columns (all part of the verifying key: they depend only on
/// the number of usable rows, never on the inputs).
#[derive(Clone, Copy, Debug)]
pub struct KeccakFixed {
    /// 1 on the first row of every round slot: the round gate.
    pub q_round: Column<Fixed>,
    /// 1 on the first row of every block (its absorption slot): the absorption gate.
    pub q_absorb: Column<Fixed>,
    /// 1 on the first row of every block's last round slot: the squeeze gate.
    pub q_squeeze: Column<Fixed>,
    /// At row `j < 7` of a slot, bit `ROUND_CONSTANT_BITS[j]` of the round constant that
    /// iota adds to the state entering the slot (the previous round's).
    pub round_cst: Column<Fixed>,
    /// 1 on the table's byte rows (block rows `0..136`).
    pub q_byte: Column<Fixed>,
    /// 1 on the table's length row of every block.
    pub q_len: Column<Fixed>,
    /// 1 on every other usable row: its tag must be 0.
    pub q_other: Column<Fixed>,
    /// 1 on the first row of the first block (which starts an input).
    pub q_first_block: Column<Fixed>,
    /// 1 on the last byte row of the last block (which must end an input).
    pub q_end: Column<Fixed>,
    /// `256^(i mod 8)` on byte row `i`: the byte's weight in its lane.
    pub byte_weight: Column<Fixed>,
    /// 1 on byte rows that continue a lane (`i mod 8 != 0`).
    pub q_lane_cont: Column<Fixed>,
    /// `0..256`: the byte range the table's values are looked up in.
    pub byte_range: Column<Fixed>,
}

/// The keccak circuit's configuration: it assigns and proves every row of the
/// [`KeccakTable`] it is given.
#[derive(Clone, Debug)]
pub struct KeccakCircuitConfig {
    /// The table this circuit proves.
    pub table: KeccakTable,
    /// The slot cells (see [`super::layout`]).
    pub cells: Vec<Column<Advice>>,
    /// On byte row `i`: the little-endian number of the lane's bytes up to `i`.
    pub lane_acc: Column<Advice>,
    /// The fixed columns.
    pub fixed: KeccakFixed,
    /// Where the slots' cells sit.
    pub shape: KeccakShape,
}

impl KeccakCircuitConfig {
    /// Allocates the circuit's columns for `shape` and registers its gates and its one
    /// lookup (the table's values are bytes). See the module header for the constraints.
    pub fn configure<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
        table: &KeccakTable,
        shape: KeccakShape,
    ) -> Self {
        let mut fixed = || meta.fixed_column();
        let fixed = KeccakFixed {
            q_round: fixed(),
            q_absorb: fixed(),
            q_squeeze: fixed(),
            round_cst: fixed(),
            q_byte: fixed(),
            q_len: fixed(),
            q_other: fixed(),
            q_first_block: fixed(),
            q_end: fixed(),
            byte_weight: fixed(),
            q_lane_cont: fixed(),
            byte_range: fixed(),
        };
        let cells = (0..shape.cell_columns())
            .map(|_| meta.advice_column())
            .collect();
        let lane_acc = meta.advice_column();
        let config = Self {
            table: *table,
            cells,
            lane_acc,
            fixed,
            shape,
        };
        rounds::configure(meta, &config);
        absorb::configure(meta, &config);
        config
    }

    /// Every advice column this circuit assigns: the cells, `lane_acc`, then the table's.
    pub fn advice_columns(&self) -> Vec<Column<Advice>> {
        let mut columns = self.cells.clone();
        columns.push(self.lane_acc);
        columns.extend(self.table.columns.to_vec());
        columns
    }

    /// `cell` of the slot `slots` slots after the current one (negative: before).
    pub(crate) fn cell<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
        cell: Cell,
        slots: i32,
    ) -> Expression<F> {
        let (column, row) = self.shape.position(cell);
        let rotation = row as i32 + slots * self.shape.rows_per_slot() as i32;
        meta.query_advice(self.cells[column], Rotation(rotation))
    }

    /// The 25 × 64 `B` cells of the slot `slots` slots away, as `[lane][z]`.
    pub(crate) fn b_cells<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
        slots: i32,
    ) -> Vec<Vec<Expression<F>>> {
        (0..25)
            .map(|l| {
                (0..64)
                    .map(|z| self.cell(meta, Cell::B(l, z), slots))
                    .collect()
            })
            .collect()
    }
}

/// `a ^ b` for bits: `a + b - 2ab`.
pub(crate) fn xor<F: PrimeField>(a: Expression<F>, b: Expression<F>) -> Expression<F> {
    a.clone() + b.clone() - Expression::Constant(F::from(2)) * a * b
}

/// Bit `z` of lane `l` of `chi(b)`: `a ^ (!b1 & b2)` over the lane's row (degree 3).
pub(crate) fn chi_bit<F: PrimeField>(
    b: &[Vec<Expression<F>>],
    l: usize,
    z: usize,
) -> Expression<F> {
    let (x, y) = (l % 5, l / 5);
    let a = b[lane(x, y)][z].clone();
    let and = (Expression::Constant(F::ONE) - b[lane((x + 1) % 5, y)][z].clone())
        * b[lane((x + 2) % 5, y)][z].clone();
    xor(a, and)
}

/// `x · (x - 1)`: zero iff `x` is a bit.
pub(crate) fn bool_check<F: PrimeField>(x: Expression<F>) -> Expression<F> {
    x.clone() * (x - Expression::Constant(F::ONE))
}

/// `2^n` as a constant.
pub(crate) fn pow2_const<F: PrimeField>(n: usize) -> Expression<F> {
    Expression::Constant(F::from_u128(1u128 << n))
}
