//! FixedTable: facts that do not depend on the witness, in fixed columns (part of the
//! verifying key, so every row is true by construction).
//!
//! Columns: `tag` and six values `value[0..6]`. Each row, by tag ([`FixedTableTag`]):
//!
//! | tag | value\[0\] | value\[1\] | value\[2\] | value\[3\] | value\[4\] | value\[5\] | asserts |
//! | --- | --- | --- | --- | --- | --- | --- | --- |
//! | 0 (zero row) | 0 | 0 | 0 | 0 | 0 | 0 | nothing: matches switched-off lookups |
//! | `Range256` | v | 0 | 0 | 0 | 0 | 0 | `v ∈ 0..=255` |
//! | `BitwiseAnd` | a | b | a & b | 0 | 0 | 0 | for bytes `a`, `b` |
//! | `BitwiseOr` | a | b | a \| b | 0 | 0 | 0 | for bytes `a`, `b` |
//! | `BitwiseXor` | a | b | a ^ b | 0 | 0 | 0 | for bytes `a`, `b` |
//! | `OpcodeProperties` | opcode | state | constant gas | stack inputs | stack outputs | is_defined | the opcode's line of `OPCODES` |
//! | `ResponsibleOpcode` | state | opcode | 0 | 0 | 0 | 0 | a step in `state` may execute `opcode` |
//! | `NibbleAnd` | a | b | a & b | 0 | 0 | 0 | for nibbles `a`, `b` (`0..16`) |
//! | `NibbleOr` | a | b | a \| b | 0 | 0 | 0 | for nibbles `a`, `b` |
//! | `NibbleXor` | a | b | a ^ b | 0 | 0 | 0 | for nibbles `a`, `b` |
//!
//! "state" is [`execution_state_index`](super::opcode_rows::execution_state_index). The
//! opcode rows come from [`super::opcode_rows`]. Which tags are loaded is chosen at load
//! time: the three byte-wise bitwise tags take 65,536 rows each (k ≥ 18);
//! [`FixedTableTag::SMALL`] (the others, 1,886 rows with the zero row) fits k = 11. The
//! nibble tags (256 rows each) are what the EVM circuit's AND/OR/XOR gadget looks up, so it
//! runs at k = 11; their lookups also range-check `a`, `b` and the result to `0..16`. The
//! three nibble tags are consecutive (`NibbleOr = NibbleAnd + 1`, `NibbleXor = NibbleAnd +
//! 2`), like the opcodes AND, OR, XOR (0x16, 0x17, 0x18).

use super::{check_capacity, opcode_rows, LookupTable, TableError};
use halo2_proofs::{
    circuit::Layouter,
    halo2curves::ff::PrimeField,
    plonk::{Any, Column, ConstraintSystem, Expression, Fixed, VirtualCells},
    poly::Rotation,
};

/// Number of value columns.
pub const FIXED_VALUES: usize = 6;

/// The kind of a fixed-table row (0 is the zero row, never a valid entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FixedTableTag {
    /// `(v)` for `v ∈ 0..=255`.
    Range256 = 1,
    /// `(a, b, a & b)` for bytes `a`, `b`.
    BitwiseAnd,
    /// `(a, b, a | b)` for bytes `a`, `b`.
    BitwiseOr,
    /// `(a, b, a ^ b)` for bytes `a`, `b`.
    BitwiseXor,
    /// `(opcode, state, constant gas, stack inputs, stack outputs, is_defined)` per byte.
    OpcodeProperties,
    /// `(state, opcode)` for each opcode a step in `state` may execute.
    ResponsibleOpcode,
    /// `(a, b, a & b)` for nibbles `a`, `b` (`0..16`).
    NibbleAnd,
    /// `(a, b, a | b)` for nibbles `a`, `b`.
    NibbleOr,
    /// `(a, b, a ^ b)` for nibbles `a`, `b`.
    NibbleXor,
}

impl FixedTableTag {
    /// Every tag.
    pub const ALL: [FixedTableTag; 9] = [
        FixedTableTag::Range256,
        FixedTableTag::BitwiseAnd,
        FixedTableTag::BitwiseOr,
        FixedTableTag::BitwiseXor,
        FixedTableTag::OpcodeProperties,
        FixedTableTag::ResponsibleOpcode,
        FixedTableTag::NibbleAnd,
        FixedTableTag::NibbleOr,
        FixedTableTag::NibbleXor,
    ];

    /// Every tag except the three 65,536-row byte-wise bitwise tags (fits k = 11).
    pub const SMALL: [FixedTableTag; 6] = [
        FixedTableTag::Range256,
        FixedTableTag::OpcodeProperties,
        FixedTableTag::ResponsibleOpcode,
        FixedTableTag::NibbleAnd,
        FixedTableTag::NibbleOr,
        FixedTableTag::NibbleXor,
    ];

    /// The tag's number in the `tag` column.
    pub fn as_u64(self) -> u64 {
        self as u64
    }

    /// The tag's rows, as numbers (`[tag, value[0..6]]`).
    pub fn rows(self) -> Box<dyn Iterator<Item = [u64; 1 + FIXED_VALUES]>> {
        let tag = self.as_u64();
        let bytes = |op: fn(u64, u64) -> u64| {
            Box::new((0..65536u64).map(move |ab| {
                let (a, b) = (ab >> 8, ab & 0xff);
                [tag, a, b, op(a, b), 0, 0, 0]
            }))
        };
        let nibbles = |op: fn(u64, u64) -> u64| {
            Box::new((0..256u64).map(move |ab| {
                let (a, b) = (ab >> 4, ab & 0xf);
                [tag, a, b, op(a, b), 0, 0, 0]
            }))
        };
        match self {
            FixedTableTag::Range256 => Box::new((0..256u64).map(move |v| [tag, v, 0, 0, 0, 0, 0])),
            FixedTableTag::BitwiseAnd => bytes(|a, b| a & b),
            FixedTableTag::BitwiseOr => bytes(|a, b| a | b),
            FixedTableTag::BitwiseXor => bytes(|a, b| a ^ b),
            FixedTableTag::NibbleAnd => nibbles(|a, b| a & b),
            FixedTableTag::NibbleOr => nibbles(|a, b| a | b),
            FixedTableTag::NibbleXor => nibbles(|a, b| a ^ b),
            FixedTableTag::OpcodeProperties => {
                Box::new(opcode_rows::opcode_properties().into_iter().map(move |p| {
                    [
                        tag,
                        p.opcode,
                        p.execution_state,
                        p.constant_gas,
                        p.stack_inputs,
                        p.stack_outputs,
                        p.is_defined,
                    ]
                }))
            }
            FixedTableTag::ResponsibleOpcode => Box::new(
                opcode_rows::responsible_opcodes()
                    .into_iter()
                    .map(move |(state, opcode)| [tag, state, opcode, 0, 0, 0, 0]),
            ),
        }
    }

    /// Number of rows the tag takes.
    pub fn row_count(self) -> usize {
        match self {
            FixedTableTag::Range256 => 256,
            FixedTableTag::BitwiseAnd | FixedTableTag::BitwiseOr | FixedTableTag::BitwiseXor => {
                65536
            }
            FixedTableTag::OpcodeProperties => 256,
            FixedTableTag::ResponsibleOpcode => opcode_rows::responsible_opcodes().len(),
            FixedTableTag::NibbleAnd | FixedTableTag::NibbleOr | FixedTableTag::NibbleXor => 256,
        }
    }
}

/// One fixed-table row with named parts: `tag`, then `values` in column order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedTableRow<T> {
    /// [`FixedTableTag`] number.
    pub tag: T,
    /// The six values (meaning by tag, see the module docs).
    pub values: [T; FIXED_VALUES],
}

impl<T> FixedTableRow<T> {
    /// The row in column order.
    pub fn to_vec(self) -> Vec<T> {
        std::iter::once(self.tag).chain(self.values).collect()
    }
}

/// The fixed table's columns.
#[derive(Clone, Copy, Debug)]
pub struct FixedTable {
    /// [`FixedTableTag`] of the row (0 for the zero row).
    pub tag: Column<Fixed>,
    /// The row's values (see the module docs for their meaning per tag).
    pub values: [Column<Fixed>; FIXED_VALUES],
}

impl FixedTable {
    /// Allocates the seven fixed columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let table = Self {
            tag: meta.fixed_column(),
            values: std::array::from_fn(|_| meta.fixed_column()),
        };
        table.annotate_columns(meta);
        table
    }

    /// Rows the table takes with `tags` loaded, including the zero row.
    pub fn rows_needed(tags: &[FixedTableTag]) -> usize {
        1 + tags.iter().map(|t| t.row_count()).sum::<usize>()
    }

    /// The columns queried at the current row, by name.
    pub fn row_exprs<F: PrimeField>(
        &self,
        meta: &mut VirtualCells<'_, F>,
    ) -> FixedTableRow<Expression<F>> {
        FixedTableRow {
            tag: meta.query_fixed(self.tag, Rotation::cur()),
            values: self.values.map(|c| meta.query_fixed(c, Rotation::cur())),
        }
    }

    /// A lookup input for a row of `tag` with `values` (missing trailing values are 0), all
    /// multiplied by `condition` (the zero row matches where it is 0). More than six values
    /// is a bug in the caller and panics at configure time.
    pub fn input<F: PrimeField>(
        condition: Expression<F>,
        tag: FixedTableTag,
        values: &[Expression<F>],
    ) -> Vec<Expression<F>> {
        assert!(
            values.len() <= FIXED_VALUES,
            "fixed-table lookup with {} values; the table has {FIXED_VALUES}",
            values.len()
        );
        let zero = Expression::Constant(F::ZERO);
        let tag = Expression::Constant(F::from(tag.as_u64()));
        std::iter::once(tag)
            .chain(values.iter().cloned())
            .chain(std::iter::repeat(zero))
            .take(1 + FIXED_VALUES)
            .map(|e| condition.clone() * e)
            .collect()
    }

    /// Assigns row 0 (zero), the rows of each tag in `tags` (in that order) and zero rows up
    /// to `capacity`, in one region.
    pub fn load<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        tags: &[FixedTableTag],
        capacity: usize,
    ) -> Result<(), TableError> {
        check_capacity("fixed", Self::rows_needed(tags), capacity)?;
        layouter
            .assign_region(
                || "fixed table",
                |mut region| {
                    let zero = [0u64; 1 + FIXED_VALUES];
                    let rows = std::iter::once(zero)
                        .chain(tags.iter().flat_map(|t| t.rows()))
                        .chain(std::iter::repeat(zero));
                    for (offset, row) in rows.take(capacity).enumerate() {
                        region.assign_fixed(self.tag, offset, F::from(row[0]));
                        for (column, value) in self.values.iter().zip(&row[1..]) {
                            region.assign_fixed(*column, offset, F::from(*value));
                        }
                    }
                    Ok(())
                },
            )
            .map_err(|source| TableError::Halo2 {
                table: "fixed",
                source,
            })
    }
}

impl<F: PrimeField> LookupTable<F> for FixedTable {
    fn columns(&self) -> Vec<Column<Any>> {
        std::iter::once(self.tag.into())
            .chain(self.values.iter().map(|c| (*c).into()))
            .collect()
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "fixed.tag",
            "fixed.value0",
            "fixed.value1",
            "fixed.value2",
            "fixed.value3",
            "fixed.value4",
            "fixed.value5",
        ]
    }
}

#[cfg(test)]
mod tests;
