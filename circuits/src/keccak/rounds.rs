//! The permutation's gates: one round per round slot, iota's lane 0, and the squeeze.
//!
//! Round slot `r` of a block holds round `r`. Its input state `S` is chi of the previous
//! slot's `B` cells (for round 0, the absorption slot's `B = chi^-1(absorbed state)`),
//! except lane 0, which is the slot's own `S00` cells (chi plus iota's constant). The slot
//! stores theta's column parities `C` with their carries, theta's `D`, and `B`, the state
//! after theta, rho and pi, which is chi's input for the next slot:
//! - `sum_y S[x][y][z] = C[x][z] + 2·carry[x][z]`, `C` a bit, `carry ∈ {0,1,2}`: so `C`
//!   is the column parity (the sum is at most 5);
//! - `D[x][z] = C[x-1][z] ^ C[x+1][z-1]`;
//! - `B[pi(x,y)][z] = S[x][y][z - rho(x,y)] ^ D[x][z - rho(x,y)]` (indices mod 5, mod 64).
//!
//! Every cell is thus a polynomial of bits, so a bit itself: nothing here is free.
//! Degrees: chi 3; `B` 4; with the fixed selector, at most 5.

use super::{
    config::{bool_check, chi_bit, pow2_const, xor, KeccakCircuitConfig},
    layout::{Cell, LENGTH_ROW},
    native::{lane, pi, NUM_ROUNDS, RHO, ROUND_CONSTANTS, ROUND_CONSTANT_BITS},
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
    let fixed = config.fixed;

    meta.create_gate("keccak round", |m| {
        let q = m.query_fixed(fixed.q_round, Rotation::cur());
        let prev_b = config.b_cells(m, -1);
        let b = config.b_cells(m, 0);
        // The round's input state.
        let s: Vec<Vec<Expression<F>>> = (0..25)
            .map(|l| {
                (0..64)
                    .map(|z| match l {
                        0 => config.cell(m, Cell::S00(z), 0),
                        _ => chi_bit(&prev_b, l, z),
                    })
                    .collect()
            })
            .collect();
        let parity: Vec<Vec<_>> = (0..5)
            .map(|x| {
                (0..64)
                    .map(|z| config.cell(m, Cell::Parity(x, z), 0))
                    .collect()
            })
            .collect();
        let d: Vec<Vec<_>> = (0..5)
            .map(|x| (0..64).map(|z| config.cell(m, Cell::D(x, z), 0)).collect())
            .collect();
        let mut constraints = Vec::new();
        for x in 0..5 {
            for z in 0..64 {
                let carry = config.cell(m, Cell::Carry(x, z), 0);
                let sum = (0..5).fold(Expression::Constant(F::ZERO), |acc, y| {
                    acc + s[lane(x, y)][z].clone()
                });
                constraints.push((
                    format!("theta: sum of column {x} bit {z} = C + 2 carry"),
                    sum - parity[x][z].clone() - pow2_const(1) * carry.clone(),
                ));
                constraints.push((
                    format!("theta: C[{x}][{z}] is a bit"),
                    bool_check(parity[x][z].clone()),
                ));
                constraints.push((
                    format!("theta: carry[{x}][{z}] in 0..=2"),
                    carry.clone() * (carry.clone() - one()) * (carry - pow2_const(1)),
                ));
                let d_expected = xor(
                    parity[(x + 4) % 5][z].clone(),
                    parity[(x + 1) % 5][(z + 63) % 64].clone(),
                );
                constraints.push((
                    format!("theta: D[{x}][{z}] = C[x-1][z] ^ C[x+1][z-1]"),
                    d[x][z].clone() - d_expected,
                ));
            }
        }
        for x in 0..5 {
            for y in 0..5 {
                let (bx, by) = pi(x, y);
                for (z, b_bit) in b[lane(bx, by)].iter().enumerate() {
                    let from = (z + 64 - RHO[x][y] as usize) % 64;
                    constraints.push((
                        format!(
                            "rho-pi: B[{}][{z}] = (S ^ D)[{}][{from}]",
                            lane(bx, by),
                            lane(x, y)
                        ),
                        b_bit.clone() - xor(s[lane(x, y)][from].clone(), d[x][from].clone()),
                    ));
                }
            }
        }
        constraints
            .into_iter()
            .map(|(name, poly)| (name, q.clone() * poly))
            .collect::<Vec<_>>()
    });

    // Lane 0 of the state entering every slot: chi of the previous slot's B, plus iota's
    // round constant (0 for round 0, whose input is the absorbed state).
    meta.create_gate("keccak iota", |m| {
        let q = m.query_fixed(fixed.q_round, Rotation::cur())
            + m.query_fixed(fixed.q_absorb, Rotation::cur());
        let prev_b = config.b_cells(m, -1);
        (0..64)
            .map(|z| {
                let chi = chi_bit(&prev_b, 0, z);
                let expected = match ROUND_CONSTANT_BITS.iter().position(|bit| *bit == z) {
                    Some(j) => xor(chi, m.query_fixed(fixed.round_cst, Rotation(j as i32))),
                    None => chi,
                };
                (
                    format!("iota: S00[{z}] = chi(B)[0][{z}] ^ RC"),
                    q.clone() * (config.cell(m, Cell::S00(z), 0) - expected),
                )
            })
            .collect::<Vec<_>>()
    });

    // Squeeze, in the last round slot of a block that ends its input: the hash limbs
    // (on the block's table rows) are the first 32 output bytes read big-endian.
    meta.create_gate("keccak squeeze", |m| {
        let q = m.query_fixed(fixed.q_squeeze, Rotation::cur());
        let to_block = -((NUM_ROUNDS * config.shape.rows_per_slot()) as i32);
        let tag_end = m.query_advice(
            config.table.columns.tag,
            Rotation(to_block + LENGTH_ROW as i32 - 1),
        );
        let half = Expression::Constant(F::from(2).invert().unwrap());
        let last = one() - half * tag_end;
        let b = config.b_cells(m, 0);
        let rc = ROUND_CONSTANTS[NUM_ROUNDS - 1];
        let out_bit = |l: usize, z: usize| {
            let chi = chi_bit(&b, l, z);
            if l == 0 && (rc >> z) & 1 == 1 {
                one() - chi
            } else {
                chi
            }
        };
        // Output byte j is lane j / 8, bits 8(j % 8)..; the hash is bytes 0..32 big-endian.
        let limb = |bytes: std::ops::Range<usize>| {
            let top = bytes.end - 1;
            bytes.fold(Expression::Constant(F::ZERO), |acc, j| {
                (0..8).fold(acc, |acc, k| {
                    acc + pow2_const(8 * (top - j) + k) * out_bit(j / 8, 8 * (j % 8) + k)
                })
            })
        };
        let hash = config.table.columns.hash;
        let hash_lo = m.query_advice(hash.lo, Rotation(to_block));
        let hash_hi = m.query_advice(hash.hi, Rotation(to_block));
        vec![
            (
                "squeeze: hash_lo = output bytes 16..32",
                q.clone() * last.clone() * (hash_lo - limb(16..32)),
            ),
            (
                "squeeze: hash_hi = output bytes 0..16",
                q * last * (hash_hi - limb(0..16)),
            ),
        ]
    });
}
