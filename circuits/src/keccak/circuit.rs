//! A standalone keccak circuit (its table and nothing else), for tests and benches.

use super::{assign::Override, config::KeccakCircuitConfig};
use crate::table::{KeccakTable, TableError};
use equivm_trace::revm::primitives::Bytes;
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    plonk::{Circuit, ConstraintSystem, Error},
};
use halo2curves::bn256::Fr;
use std::sync::OnceLock;

/// The keccak circuit alone: proves the [`KeccakTable`] rows of `inputs` at `2^k` rows.
#[derive(Clone, Debug, Default)]
pub struct KeccakCircuit {
    /// The hashed inputs.
    pub inputs: Vec<Bytes>,
    /// log2 of the circuit's rows.
    pub k: u32,
    overrides: Vec<Override<Fr>>,
}

impl KeccakCircuit {
    /// The circuit of `inputs` at `k`, or [`TableError::CapacityExceeded`] when they do not
    /// fit.
    pub fn new(inputs: Vec<Bytes>, k: u32) -> Result<Self, TableError> {
        let needed = KeccakCircuitConfig::rows_needed(&inputs);
        let capacity = Self::usable_rows_at(k);
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
            overrides: Vec::new(),
        })
    }

    /// The circuit of `inputs` at the smallest `k` they fit in.
    pub fn smallest(inputs: Vec<Bytes>) -> Self {
        let needed = KeccakCircuitConfig::rows_needed(&inputs);
        let k = (8..)
            .find(|k| needed <= Self::usable_rows_at(*k))
            .expect("some k fits");
        Self {
            inputs,
            k,
            overrides: Vec::new(),
        }
    }

    /// The same circuit with `overrides` written over its assignment.
    #[cfg(test)]
    pub(crate) fn with_overrides(mut self, overrides: Vec<Override<Fr>>) -> Self {
        self.overrides = overrides;
        self
    }

    /// Usable rows at `k` (`2^k` minus halo2's blinding rows and one).
    pub fn usable_rows_at(k: u32) -> usize {
        static RESERVED: OnceLock<usize> = OnceLock::new();
        let reserved = *RESERVED.get_or_init(|| {
            let mut cs = ConstraintSystem::<Fr>::default();
            Self::configure(&mut cs);
            cs.blinding_factors() + 1
        });
        (1usize << k).saturating_sub(reserved)
    }
}

impl Circuit<Fr> for KeccakCircuit {
    type Config = KeccakCircuitConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        let table = KeccakTable::configure(meta);
        KeccakCircuitConfig::configure(meta, &table)
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        let usable = Self::usable_rows_at(self.k);
        config.assign_with_overrides(&mut layouter, &self.inputs, usable, &self.overrides)?;
        Ok(())
    }
}
