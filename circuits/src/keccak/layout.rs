//! Where everything sits: the rows of a block, the slots of a block, and the named cells
//! of a slot, for a [`KeccakShape`].
//!
//! The circuit is a lead slot (all zero: the table's zero row, and the "previous slot" of
//! the first block) followed by blocks of [`KeccakShape::rows_per_block`] rows. A block is
//! [`SLOTS_PER_BLOCK`] slots of [`KeccakShape::rows_per_slot`] rows: slot 0 absorbs, slot
//! `1 + r` holds round `r`. A slot's cells fill the [`KeccakShape::cell_columns`] cell
//! columns column by column, so cell `i` of a slot is at column `i / rows_per_slot`, row
//! `i % rows_per_slot` of the slot. The keccak table's rows share the block's rows: byte
//! rows at block rows `0..RATE`, the length row at block row [`LENGTH_ROW`].
//!
//! The shape trades columns for rows: the wide shape ([`KeccakShape::WIDE`], 11 rows a
//! slot) is the shortest, a tall one has fewer columns, each of them a commitment a
//! verifier of the proof pays for. The constraints are the same in every shape.

use super::native::{NUM_ROUNDS, RATE, RATE_LANES};

/// Slots of a block: the absorption and the 24 rounds.
pub const SLOTS_PER_BLOCK: usize = 1 + NUM_ROUNDS;
/// Block row of the keccak table's length row (the byte rows are `0..RATE`).
pub const LENGTH_ROW: usize = RATE;
/// Cells a slot needs at most (the absorption slot's [`Cell::First`] is the last).
pub const CELLS_PER_SLOT: usize = 1600 + 64 + 64 * RATE_LANES + 1;

/// The rows of a slot, which set the circuit's cell columns
/// (`ceil(CELLS_PER_SLOT / rows_per_slot)`) and its rows per block
/// (`SLOTS_PER_BLOCK · rows_per_slot`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "usize", into = "usize")]
pub struct KeccakShape {
    rows_per_slot: usize,
}

impl TryFrom<usize> for KeccakShape {
    type Error = InvalidKeccakShape;

    fn try_from(rows_per_slot: usize) -> Result<Self, InvalidKeccakShape> {
        Self::new(rows_per_slot)
    }
}

impl From<KeccakShape> for usize {
    fn from(shape: KeccakShape) -> usize {
        shape.rows_per_slot
    }
}

/// A slot height the keccak circuit cannot take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "a keccak slot takes {min} to {max} rows, not {0}",
    min = KeccakShape::MIN_ROWS_PER_SLOT,
    max = KeccakShape::MAX_ROWS_PER_SLOT
)]
pub struct InvalidKeccakShape(pub usize);

impl KeccakShape {
    /// Fewest rows of a slot: iota's round constant has its 7 bits on a slot's first 7
    /// rows.
    pub const MIN_ROWS_PER_SLOT: usize = 7;
    /// Most rows of a slot: all its cells in one column.
    pub const MAX_ROWS_PER_SLOT: usize = CELLS_PER_SLOT;
    /// The wide shape: 11 rows a slot, 251 cell columns, 275 rows a block.
    pub const WIDE: Self = Self { rows_per_slot: 11 };

    /// The shape whose slots take `rows_per_slot` rows.
    pub const fn new(rows_per_slot: usize) -> Result<Self, InvalidKeccakShape> {
        if rows_per_slot < Self::MIN_ROWS_PER_SLOT || rows_per_slot > Self::MAX_ROWS_PER_SLOT {
            return Err(InvalidKeccakShape(rows_per_slot));
        }
        Ok(Self { rows_per_slot })
    }

    /// The narrowest shape with at most `columns` cell columns (at least one).
    pub const fn with_cell_columns(columns: usize) -> Self {
        let columns = if columns == 0 { 1 } else { columns };
        let rows = CELLS_PER_SLOT.div_ceil(columns);
        Self {
            rows_per_slot: if rows < Self::MIN_ROWS_PER_SLOT {
                Self::MIN_ROWS_PER_SLOT
            } else {
                rows
            },
        }
    }

    /// Rows of one slot (one round, or the absorption).
    pub const fn rows_per_slot(self) -> usize {
        self.rows_per_slot
    }

    /// Advice columns holding slot cells.
    pub const fn cell_columns(self) -> usize {
        CELLS_PER_SLOT.div_ceil(self.rows_per_slot)
    }

    /// Rows of one 136-byte block.
    pub const fn rows_per_block(self) -> usize {
        SLOTS_PER_BLOCK * self.rows_per_slot
    }

    /// Rows before the first block (the lead slot).
    pub const fn lead_rows(self) -> usize {
        self.rows_per_slot
    }

    /// `(cell column, row within the slot)` of `cell`.
    pub const fn position(self, cell: Cell) -> (usize, usize) {
        let i = cell.index();
        (i / self.rows_per_slot, i % self.rows_per_slot)
    }

    /// First row of block `block`.
    pub const fn block_row(self, block: usize) -> usize {
        self.lead_rows() + block * self.rows_per_block()
    }

    /// First row of slot `slot` (0 absorbs, `1 + r` is round `r`) of block `block`.
    pub const fn slot_row(self, block: usize, slot: usize) -> usize {
        self.block_row(block) + slot * self.rows_per_slot
    }

    /// Blocks that fit in `usable_rows` rows.
    pub const fn block_capacity(self, usable_rows: usize) -> usize {
        usable_rows.saturating_sub(self.lead_rows()) / self.rows_per_block()
    }

    /// Rows `blocks` blocks need: the lead slot and the blocks.
    pub const fn rows_for_blocks(self, blocks: usize) -> usize {
        self.lead_rows() + blocks * self.rows_per_block()
    }
}

impl Default for KeccakShape {
    fn default() -> Self {
        Self::WIDE
    }
}

// The table's rows of a block fit in the block, whatever the shape.
const _: () = assert!(LENGTH_ROW < SLOTS_PER_BLOCK * KeccakShape::MIN_ROWS_PER_SLOT);

/// A named cell of a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Bit `z` of lane `l` of chi's input (after theta, rho and pi); in the absorption
    /// slot, of `chi^-1` of the absorbed state.
    B(usize, usize),
    /// Bit `z` of lane 0 of the state entering the slot's round (after the previous
    /// round's iota); in the absorption slot, of the previous block's output.
    S00(usize),
    /// Absorption slot: bit `z` of rate lane `l` of the state carried from the previous
    /// block (zero when this block starts an input).
    Prev(usize, usize),
    /// Absorption slot: 1 when this block starts an input.
    First,
    /// Round slot: bit `z` of theta's column parity `C[x]`.
    Parity(usize, usize),
    /// Round slot: `(sum_y S[x][y][z] - C[x][z]) / 2`, in `0..=2`.
    Carry(usize, usize),
    /// Round slot: bit `z` of theta's `D[x]`.
    D(usize, usize),
}

impl Cell {
    /// The cell's index in its slot.
    pub const fn index(self) -> usize {
        match self {
            Cell::B(l, z) => l * 64 + z,
            Cell::S00(z) => 1600 + z,
            Cell::Prev(l, z) => 1664 + l * 64 + z,
            Cell::First => 1664 + 64 * RATE_LANES,
            Cell::Parity(x, z) => 1664 + x * 64 + z,
            Cell::Carry(x, z) => 1984 + x * 64 + z,
            Cell::D(x, z) => 2304 + x * 64 + z,
        }
    }
}

/// Blocks an input of `len` bytes absorbs (padding takes at least one byte).
pub const fn blocks_of(len: usize) -> usize {
    len / RATE + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_of_a_slot_do_not_overlap() {
        let mut absorb = vec![Cell::First];
        let mut round = vec![];
        for z in 0..64 {
            absorb.push(Cell::S00(z));
            round.push(Cell::S00(z));
            for l in 0..25 {
                absorb.push(Cell::B(l, z));
                round.push(Cell::B(l, z));
            }
            for l in 0..RATE_LANES {
                absorb.push(Cell::Prev(l, z));
            }
            for x in 0..5 {
                round.extend([Cell::Parity(x, z), Cell::Carry(x, z), Cell::D(x, z)]);
            }
        }
        for cells in [absorb, round] {
            let mut seen: Vec<usize> = cells.iter().map(|c| c.index()).collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), cells.len());
            assert!(seen.iter().all(|i| *i < CELLS_PER_SLOT));
        }
        assert_eq!(KeccakShape::WIDE.rows_per_block(), 275);
        assert_eq!(KeccakShape::WIDE.cell_columns(), 251);
    }

    #[test]
    fn shapes_outside_the_slot_bounds_are_refused() {
        assert_eq!(KeccakShape::new(6), Err(InvalidKeccakShape(6)));
        assert_eq!(KeccakShape::new(11), Ok(KeccakShape::WIDE));
        assert!(KeccakShape::new(CELLS_PER_SLOT + 1).is_err());
        let tall = KeccakShape::with_cell_columns(32);
        assert_eq!(tall.cell_columns(), 32);
        assert_eq!(KeccakShape::new(tall.rows_per_slot()), Ok(tall));
        assert_eq!(
            KeccakShape::with_cell_columns(1000),
            KeccakShape::new(7).unwrap()
        );
        assert!(InvalidKeccakShape(6).to_string().contains("7 to 2753 rows"));
    }
}
