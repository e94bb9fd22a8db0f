//! Absorption, padding and the table rows.
//!
//! Absorption slot of a block (`First`, `Prev` and `S00` cells, and `B = chi^-1(S0)` where
//! `S0` is the absorbed state; round 0 reads `S0` as `chi(B)` like every round reads its
//! input):
//! - `First = 1` on the first block, else `First = 1 - is_data` of the previous block's
//!   last byte row (an input goes on while its blocks are full of data);
//! - `B` are bits (chi is a bijection of bit rows, so `S0 = chi(B)` is any state of bits);
//! - capacity lanes: `S0 = (1 - First) · S24` (the previous block's output, or zero);
//! - rate lanes: `Prev = (1 - First) · S24`, and the lane of data bytes (the table's
//!   values, gathered by `lane_acc`) is `sum_z 2^z (S0 ^ Prev)[z]`: the data is the XOR of
//!   the absorbed and the carried state, bit for bit (the sum is below 2^64, so the bits
//!   are the number's);
//! - on the first byte row: `index = (1 - First) · (previous block's last index + 1)` and,
//!   when the block goes on an input, its hash equals the previous block's.
//!
//! Table rows (`is_data = tag / 2` on byte rows):
//! - byte rows: `tag ∈ {0, 2}`; data rows come first (`is_data` never rises within a
//!   block); `index` counts the data rows before it; the hash is the same on every byte
//!   row and the length row; a padding row holds `0x01` if it is the first padding row,
//!   plus `0x80` if it is the block's last row, else `0x00`; `lane_acc` gathers each
//!   lane's eight values little-endian;
//! - length row: `tag ∈ {0, 1}`, and 1 only if the block's last byte row is padding (the
//!   block ends its input); `index` is the last byte row's index (the data length);
//!   `value = 0`;
//! - every other usable row has `tag = 0`, and so does the last byte row of the last block
//!   (the last block ends an input, so no input is left without its squeeze);
//! - every `value` is a byte (lookup into `0..256`).

use super::{
    config::{bool_check, chi_bit, pow2_const, xor, KeccakCircuitConfig},
    layout::{Cell, LENGTH_ROW},
    native::RATE_LANES,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{ConstraintSystem, Expression},
    poly::Rotation,
};

pub(crate) fn configure<F: PrimeField>(
    meta: &mut ConstraintSystem<F>,
    config: &KeccakCircuitConfig,
) {
    let one = || Expression::Constant(F::ONE);
    let half = || Expression::Constant(F::from(2).invert().unwrap());
    let fixed = config.fixed;
    let table = config.table.columns;
    // From a block's first row to the previous block's last byte row.
    let rows_per_block = config.shape.rows_per_block() as i32;
    let prev_end = Rotation(LENGTH_ROW as i32 - 1 - rows_per_block);

    meta.create_gate("keccak absorb", |m| {
        let q = m.query_fixed(fixed.q_absorb, Rotation::cur());
        let q_first_block = m.query_fixed(fixed.q_first_block, Rotation::cur());
        let first = config.cell(m, Cell::First, 0);
        let not_first = one() - first.clone();
        let prev_is_data = half() * m.query_advice(table.tag, prev_end);
        let prev_b = config.b_cells(m, -1);
        let b = config.b_cells(m, 0);
        let s24 = |m: &mut halo2_proofs::plonk::VirtualCells<'_, F>, l: usize, z: usize| match l {
            0 => config.cell(m, Cell::S00(z), 0),
            _ => chi_bit(&prev_b, l, z),
        };
        let mut constraints = vec![(
            "absorb: First = 1 on the first block, else the previous block ended".to_string(),
            first.clone()
                - q_first_block.clone()
                - (one() - q_first_block) * (one() - prev_is_data),
        )];
        for (l, lane) in b.iter().enumerate() {
            for (z, bit) in lane.iter().enumerate() {
                constraints.push((
                    format!("absorb: B[{l}][{z}] is a bit"),
                    bool_check(bit.clone()),
                ));
            }
        }
        for l in 0..25 {
            for z in 0..64 {
                let carried = not_first.clone() * s24(m, l, z);
                if l < RATE_LANES {
                    constraints.push((
                        format!("absorb: Prev[{l}][{z}] = (1 - First) S24"),
                        config.cell(m, Cell::Prev(l, z), 0) - carried,
                    ));
                } else {
                    constraints.push((
                        format!("absorb: capacity S0[{l}][{z}] = (1 - First) S24"),
                        chi_bit(&b, l, z) - carried,
                    ));
                }
            }
        }
        for l in 0..RATE_LANES {
            let data = (0..64).fold(Expression::Constant(F::ZERO), |acc, z| {
                acc + pow2_const(z) * xor(chi_bit(&b, l, z), config.cell(m, Cell::Prev(l, z), 0))
            });
            let lane_acc = m.query_advice(config.lane_acc, Rotation(8 * l as i32 + 7));
            constraints.push((
                format!("absorb: data lane {l} = S0 ^ Prev"),
                lane_acc - data,
            ));
        }
        let index = m.query_advice(table.index, Rotation::cur());
        let prev_index = m.query_advice(table.index, prev_end);
        constraints.push((
            "absorb: first index = (1 - First)(previous index + 1)".to_string(),
            index - not_first.clone() * (prev_index + one()),
        ));
        for (name, column) in [("lo", table.hash.lo), ("hi", table.hash.hi)] {
            let hash = m.query_advice(column, Rotation::cur());
            let prev_hash = m.query_advice(column, Rotation(-rows_per_block));
            constraints.push((
                format!("absorb: an input's blocks share hash_{name}"),
                not_first.clone() * (hash - prev_hash),
            ));
        }
        constraints
            .into_iter()
            .map(|(name, poly)| (name, q.clone() * poly))
            .collect::<Vec<_>>()
    });

    meta.create_gate("keccak byte row", |m| {
        let q = m.query_fixed(fixed.q_byte, Rotation::cur());
        let q_block_start = m.query_fixed(fixed.q_absorb, Rotation::cur());
        let q_block_end = m.query_fixed(fixed.q_len, Rotation::next());
        let not_start = one() - q_block_start.clone();
        let tag = m.query_advice(table.tag, Rotation::cur());
        let is_data = half() * tag.clone();
        let prev_is_data = half() * m.query_advice(table.tag, Rotation::prev());
        let index = m.query_advice(table.index, Rotation::cur());
        let prev_index = m.query_advice(table.index, Rotation::prev());
        let value = m.query_advice(table.value, Rotation::cur());
        let lane_acc = m.query_advice(config.lane_acc, Rotation::cur());
        let prev_lane_acc = m.query_advice(config.lane_acc, Rotation::prev());
        let pad_start = q_block_start.clone() + not_start.clone() * prev_is_data.clone();
        let mut constraints = vec![
            (
                "byte row: tag is 0 or 2",
                tag.clone() * (tag - pow2_const(1)),
            ),
            (
                "byte row: no data after padding",
                not_start.clone() * is_data.clone() * (one() - prev_is_data.clone()),
            ),
            (
                "byte row: index counts the data rows before",
                not_start * (index - prev_index - prev_is_data),
            ),
            (
                "byte row: padding is 0x01 first, 0x80 last",
                (one() - is_data)
                    * (value.clone()
                        - pad_start
                        - Expression::Constant(F::from(0x80)) * q_block_end),
            ),
            (
                "byte row: lane_acc gathers the lane's bytes",
                lane_acc
                    - m.query_fixed(fixed.q_lane_cont, Rotation::cur()) * prev_lane_acc
                    - m.query_fixed(fixed.byte_weight, Rotation::cur()) * value,
            ),
        ];
        for (name, column) in [("lo", table.hash.lo), ("hi", table.hash.hi)] {
            let next = m.query_advice(column, Rotation::next());
            let cur = m.query_advice(column, Rotation::cur());
            constraints.push((
                if name == "lo" {
                    "byte row: next row has the same hash_lo"
                } else {
                    "byte row: next row has the same hash_hi"
                },
                next - cur,
            ));
        }
        constraints
            .into_iter()
            .map(|(name, poly)| (name, q.clone() * poly))
            .collect::<Vec<_>>()
    });

    meta.create_gate("keccak length row", |m| {
        let q = m.query_fixed(fixed.q_len, Rotation::cur());
        let tag = m.query_advice(table.tag, Rotation::cur());
        let prev_tag = m.query_advice(table.tag, Rotation::prev());
        let index = m.query_advice(table.index, Rotation::cur());
        let prev_index = m.query_advice(table.index, Rotation::prev());
        let value = m.query_advice(table.value, Rotation::cur());
        vec![
            (
                "length row: tag is 0 or 1",
                q.clone() * bool_check(tag.clone()),
            ),
            (
                "length row: only in a block that ends its input",
                q.clone() * tag * prev_tag,
            ),
            (
                "length row: index = the data length",
                q.clone() * (index - prev_index),
            ),
            ("length row: value = 0", q * value),
        ]
    });

    meta.create_gate("keccak zero tag", |m| {
        let tag = m.query_advice(table.tag, Rotation::cur());
        let q_other = m.query_fixed(fixed.q_other, Rotation::cur());
        let q_end = m.query_fixed(fixed.q_end, Rotation::cur());
        vec![
            (
                "zero tag: rows that are no table row",
                q_other * tag.clone(),
            ),
            ("zero tag: the last block ends an input", q_end * tag),
        ]
    });

    meta.lookup_any("keccak value is a byte", |m| {
        vec![(
            m.query_advice(table.value, Rotation::cur()),
            m.query_fixed(fixed.byte_range, Rotation::cur()),
        )]
    });
}
