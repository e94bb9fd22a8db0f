//! Where everything sits: the rows of a block, the slots of a block, and the named cells
//! of a slot.
//!
//! The circuit is a lead slot (all zero: the table's zero row, and the "previous slot" of
//! the first block) followed by blocks of [`ROWS_PER_BLOCK`] rows. A block is
//! [`SLOTS_PER_BLOCK`] slots of [`ROWS_PER_SLOT`] rows: slot 0 absorbs, slot `1 + r` holds
//! round `r`. A slot's cells fill the [`CELL_COLUMNS`] cell columns column by column, so
//! cell `i` of a slot is at column `i / ROWS_PER_SLOT`, row `i % ROWS_PER_SLOT` of the slot.
//! The keccak table's rows share the block's rows: byte rows at block rows
//! `0..RATE`, the length row at block row [`LENGTH_ROW`].

use super::native::{NUM_ROUNDS, RATE, RATE_LANES};

/// Rows of one slot (one round, or the absorption).
pub const ROWS_PER_SLOT: usize = 11;
/// Slots of a block: the absorption and the 24 rounds.
pub const SLOTS_PER_BLOCK: usize = 1 + NUM_ROUNDS;
/// Rows of one 136-byte block.
pub const ROWS_PER_BLOCK: usize = SLOTS_PER_BLOCK * ROWS_PER_SLOT;
/// Rows before the first block.
pub const LEAD_ROWS: usize = ROWS_PER_SLOT;
/// Block row of the keccak table's length row (the byte rows are `0..RATE`).
pub const LENGTH_ROW: usize = RATE;
/// Cells a slot needs at most (the absorption slot's [`Cell::First`] is the last).
pub const CELLS_PER_SLOT: usize = 1600 + 64 + 64 * RATE_LANES + 1;
/// Advice columns holding slot cells.
pub const CELL_COLUMNS: usize = CELLS_PER_SLOT.div_ceil(ROWS_PER_SLOT);

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

    /// `(cell column, row within the slot)` of the cell.
    pub const fn position(self) -> (usize, usize) {
        (self.index() / ROWS_PER_SLOT, self.index() % ROWS_PER_SLOT)
    }
}

/// Blocks an input of `len` bytes absorbs (padding takes at least one byte).
pub const fn blocks_of(len: usize) -> usize {
    len / RATE + 1
}

/// First row of block `block`.
pub const fn block_row(block: usize) -> usize {
    LEAD_ROWS + block * ROWS_PER_BLOCK
}

/// First row of slot `slot` (0 absorbs, `1 + r` is round `r`) of block `block`.
pub const fn slot_row(block: usize, slot: usize) -> usize {
    block_row(block) + slot * ROWS_PER_SLOT
}

/// Blocks that fit in `usable_rows` rows.
pub const fn block_capacity(usable_rows: usize) -> usize {
    usable_rows.saturating_sub(LEAD_ROWS) / ROWS_PER_BLOCK
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
        assert_eq!(ROWS_PER_BLOCK, 275);
    }
}
