//! Execution-state selectors: under `q_enable`, exactly one of `N` states is active, and
//! `is_state(i)` is an expression that is 1 for the active state and 0 for the others. Two
//! encodings, so the unified EVM circuit can choose by measurement:
//!
//! - [`OneHotSelectorConfig`]: `N` cells, each boolean, summing to 1; `is_state(i)` is cell `i`.
//!   ```text
//!   "ONE_HOT_SELECTOR: cell[i] is boolean"   q · c_i · (1 - c_i) = 0      (N constraints)
//!   "ONE_HOT_SELECTOR: exactly one state"    q · (Σ c_i - 1) = 0
//!   ```
//! - [`BinarySelectorConfig`]: `ceil(log2 N)` boolean bits holding the state's index;
//!   `is_state(i) = Π_j (bit_j if bit j of i is set, else 1 - bit_j)`.
//!   ```text
//!   "BINARY_SELECTOR: bit[j] is boolean"     q · b_j · (1 - b_j) = 0      (log2 N constraints)
//!   "BINARY_SELECTOR: state < N"             q · Σ_{N ≤ i < 2^bits} is_state(i) = 0
//!   ```
//!   The second constraint exists only when `N` is not a power of two; without it an unused
//!   code would switch every gadget off.
//!
//! ## Measurement (test `selector::tests::measurement_table`)
//!
//! `q` is a selector (degree 1); "gated" is a degree-2 gadget constraint
//! `q · is_state(i) · (a·b - c)`, the shape every opcode constraint takes in the unified
//! circuit. The quotient is evaluated on a domain `2^ceil(log2(degree - 1))` times the trace.
//!
//! | encoding | N | advice columns | own max degree | `is_state` degree | gated degree |
//! | --- | --- | --- | --- | --- | --- |
//! | one-hot | 64 | 64 | 3 | 1 | 4 |
//! | binary | 64 | 6 | 3 | 6 | 9 |
//! | one-hot | 128 | 128 | 3 | 1 | 4 |
//! | binary | 128 | 7 | 3 | 7 | 10 |
//! | binary | 100 | 7 | 8 | 7 | 10 |
//!
//! One-hot costs a column per state but keeps gadget constraints at degree `d + 2`; binary
//! costs `log2 N` columns but raises every gated constraint by `log2 N - 1`, which with
//! degree-4 gadgets exceeds the degree-9 budget that keeps the extended domain at `8×`.

use halo2_proofs::{
    circuit::{Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Error, Expression, VirtualCells},
    poly::Rotation,
};

use crate::util::constant;

/// One-hot execution-state selector: one boolean cell per state.
#[derive(Clone, Debug)]
pub struct OneHotSelectorConfig<F: PrimeField> {
    /// One cell per state; cell `i` is 1 iff state `i` is active.
    pub cells: Vec<Column<Advice>>,
    exprs: Vec<Expression<F>>,
}

impl<F: PrimeField> OneHotSelectorConfig<F> {
    /// Registers the `ONE_HOT_SELECTOR` gate under `q_enable`; the number of states is
    /// `cells.len()`.
    ///
    /// # Panics
    /// If `cells` is empty.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        q_enable: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        cells: Vec<Column<Advice>>,
    ) -> Self {
        assert!(!cells.is_empty(), "a selector needs at least one state");
        let mut exprs = Vec::with_capacity(cells.len());
        meta.create_gate("ONE_HOT_SELECTOR", |m| {
            let q = q_enable(m);
            exprs = cells
                .iter()
                .map(|c| m.query_advice(*c, Rotation::cur()))
                .collect();
            let mut constraints: Vec<(String, Expression<F>)> = exprs
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let name = format!("ONE_HOT_SELECTOR: cell[{i}] is boolean");
                    (name, q.clone() * c.clone() * (constant(1) - c.clone()))
                })
                .collect();
            let sum = exprs.iter().fold(constant(0), |acc, c| acc + c.clone());
            constraints.push((
                "ONE_HOT_SELECTOR: exactly one state".to_string(),
                q * (sum - constant(1)),
            ));
            constraints
        });
        Self { cells, exprs }
    }

    /// Number of states.
    pub fn num_states(&self) -> usize {
        self.cells.len()
    }

    /// 1 if `state` is active, else 0 (degree 1).
    ///
    /// # Panics
    /// If `state >= num_states()`.
    pub fn is_state(&self, state: usize) -> Expression<F> {
        self.exprs[state].clone()
    }

    /// Assigns the cells at `offset` for the active `state`; `Error::Synthesis` if
    /// `state >= num_states()`.
    pub fn assign(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        state: usize,
    ) -> Result<(), Error> {
        if state >= self.num_states() {
            return Err(Error::Synthesis);
        }
        for (i, cell) in self.cells.iter().enumerate() {
            region.assign_advice(*cell, offset, Value::known(F::from(u64::from(i == state))));
        }
        Ok(())
    }
}

/// Binary execution-state selector: the active state's index in `ceil(log2 N)` boolean bits.
#[derive(Clone, Debug)]
pub struct BinarySelectorConfig<F: PrimeField> {
    /// The index bits, least significant first.
    pub bits: Vec<Column<Advice>>,
    num_states: usize,
    bit_exprs: Vec<Expression<F>>,
}

impl<F: PrimeField> BinarySelectorConfig<F> {
    /// Number of bits for `num_states` states: `ceil(log2 num_states)` (0 for one state).
    pub fn num_bits(num_states: usize) -> usize {
        num_states.max(1).next_power_of_two().trailing_zeros() as usize
    }

    /// Registers the `BINARY_SELECTOR` gate under `q_enable`.
    ///
    /// # Panics
    /// If `num_states` is 0 or `bits.len() != Self::num_bits(num_states)`.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        q_enable: impl FnOnce(&mut VirtualCells<'_, F>) -> Expression<F>,
        num_states: usize,
        bits: Vec<Column<Advice>>,
    ) -> Self {
        assert!(num_states > 0, "a selector needs at least one state");
        assert_eq!(
            bits.len(),
            Self::num_bits(num_states),
            "binary selector: wrong number of bit columns"
        );
        let mut config = Self {
            bits,
            num_states,
            bit_exprs: vec![],
        };
        if config.bits.is_empty() {
            return config;
        }
        meta.create_gate("BINARY_SELECTOR", |m| {
            let q = q_enable(m);
            config.bit_exprs = config
                .bits
                .iter()
                .map(|b| m.query_advice(*b, Rotation::cur()))
                .collect();
            let mut constraints: Vec<(String, Expression<F>)> = config
                .bit_exprs
                .iter()
                .enumerate()
                .map(|(j, b)| {
                    let name = format!("BINARY_SELECTOR: bit[{j}] is boolean");
                    (name, q.clone() * b.clone() * (constant(1) - b.clone()))
                })
                .collect();
            let unused = (num_states..1 << config.bits.len()).map(|code| config.decode(code));
            if let Some(unused) = unused.reduce(|acc, e| acc + e) {
                constraints.push(("BINARY_SELECTOR: state < N".to_string(), q * unused));
            }
            constraints
        });
        config
    }

    /// Number of states.
    pub fn num_states(&self) -> usize {
        self.num_states
    }

    /// 1 if `state` is active, else 0 (degree `num_bits`).
    ///
    /// # Panics
    /// If `state >= num_states()`.
    pub fn is_state(&self, state: usize) -> Expression<F> {
        assert!(state < self.num_states, "state {state} out of range");
        self.decode(state)
    }

    /// `Π_j (bit_j or 1 - bit_j)` matching the bits of `code`.
    fn decode(&self, code: usize) -> Expression<F> {
        self.bit_exprs
            .iter()
            .enumerate()
            .fold(constant(1), |acc, (j, bit)| {
                acc * if (code >> j) & 1 == 1 {
                    bit.clone()
                } else {
                    constant(1) - bit.clone()
                }
            })
    }

    /// Assigns the bits of `state` at `offset`; `Error::Synthesis` if `state >= num_states()`.
    pub fn assign(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        state: usize,
    ) -> Result<(), Error> {
        if state >= self.num_states {
            return Err(Error::Synthesis);
        }
        for (j, bit) in self.bits.iter().enumerate() {
            region.assign_advice(
                *bit,
                offset,
                Value::known(F::from(((state >> j) & 1) as u64)),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
