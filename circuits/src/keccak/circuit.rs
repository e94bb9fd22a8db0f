//! A standalone keccak circuit (its table and nothing else), for tests and benches.

use super::{assign::Override, config::KeccakCircuitConfig, layout::KeccakShape};
use crate::table::{KeccakTable, TableError};
use equivm_trace::revm::primitives::Bytes;
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    plonk::{Circuit, ConstraintSystem, Error},
};
use halo2curves::bn256::Fr;

/// The keccak circuit alone: proves the [`KeccakTable`] rows of `inputs` at `2^k` rows,
/// laid out in `shape`.
#[derive(Clone, Debug, Default)]
pub struct KeccakCircuit {
    /// The hashed inputs.
    pub inputs: Vec<Bytes>,
    /// log2 of the circuit's rows.
    pub k: u32,
    /// Where the slots' cells sit.
    pub shape: KeccakShape,
    overrides: Vec<Override<Fr>>,
}

impl KeccakCircuit {
    /// The circuit of `inputs` at `k` in `shape`, or [`TableError::CapacityExceeded`] when
    /// they do not fit.
    pub fn new(inputs: Vec<Bytes>, k: u32, shape: KeccakShape) -> Result<Self, TableError> {
        let needed = KeccakCircuitConfig::rows_needed(shape, &inputs);
        let capacity = Self::usable_rows_at(k, shape);
        if needed > capacity {
            return Err(TableError::CapacityExceeded {
                table: "keccak",
                needed,
                capacity,
            });
        }
        Ok(Self {
            inputs,
            k,
            shape,
            overrides: Vec::new(),
        })
    }

    /// The circuit of `inputs` in `shape` at the smallest `k` they fit in.
    pub fn smallest(inputs: Vec<Bytes>, shape: KeccakShape) -> Self {
        let needed = KeccakCircuitConfig::rows_needed(shape, &inputs);
        let k = (8..)
            .find(|k| needed <= Self::usable_rows_at(*k, shape))
            .expect("some k fits");
        Self {
            inputs,
            k,
            shape,
            overrides: Vec::new(),
        }
    }

    /// The same circuit with `overrides` written over its assignment.
    #[cfg(test)]
    pub(crate) fn with_overrides(mut self, overrides: Vec<Override<Fr>>) -> Self {
        self.overrides = overrides;
        self
    }

    /// Usable rows at `k` in `shape`: `2^k` minus halo2's blinding rows and one. A taller
    /// shape queries each cell column at more rotations, so it has more blinding rows.
    pub fn usable_rows_at(k: u32, shape: KeccakShape) -> usize {
        crate::rows::usable_rows::<Self>(k, shape)
    }
}

impl Circuit<Fr> for KeccakCircuit {
    type Config = KeccakCircuitConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = KeccakShape;

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn params(&self) -> KeccakShape {
        self.shape
    }

    fn configure_with_params(meta: &mut ConstraintSystem<Fr>, shape: KeccakShape) -> Self::Config {
        let table = KeccakTable::configure(meta);
        KeccakCircuitConfig::configure(meta, &table, shape)
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        Self::configure_with_params(meta, KeccakShape::WIDE)
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        let usable = Self::usable_rows_at(self.k, self.shape);
        config.assign_with_overrides(&mut layouter, &self.inputs, usable, &self.overrides)?;
        Ok(())
    }
}
