//! The size of the circuit that verifies one proof: how many cells snark-verifier's
//! aggregation circuit spends on a verifying key, measured by building its witness from a
//! stand-in proof of the key's shape (snark-verifier's dummy snark: nothing is proved, and
//! the stand-in does not verify; only the count is meaningful).

use halo2_proofs::{
    halo2curves::bn256::{Bn256, G1Affine},
    plonk::VerifyingKey,
    poly::kzg::commitment::ParamsKZG,
};
use snark_verifier_sdk::snark_verifier::halo2_base::gates::circuit::CircuitBuilderStage;
use snark_verifier_sdk::{
    halo2::{
        aggregation::{AggregationCircuit, AggregationConfigParams, VerifierUniversality},
        gen_dummy_snark_from_vk,
    },
    SHPLONK,
};

/// The cells the aggregation circuit spends verifying one proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AggregationCost {
    /// Advice cells of the verifier's arithmetic (non-native curve and native field).
    pub advice_cells: usize,
    /// Advice cells range-checked through the lookup table.
    pub lookup_cells: usize,
    /// Distinct constants (fixed cells).
    pub constants: usize,
}

impl AggregationCost {
    /// The advice columns the aggregation circuit needs at `k` (`2^k` rows, less the rows
    /// halo2 reserves), lookup columns included.
    pub fn columns_at(&self, k: u32) -> usize {
        let rows = (1usize << k).saturating_sub(20).max(1);
        self.advice_cells.div_ceil(rows) + self.lookup_cells.div_ceil(rows)
    }
}

/// The cost of verifying, inside snark-verifier's aggregation circuit (SHPLONK, KZG on
/// BN254), one proof of `vk` whose instance columns have `num_instance` values.
///
/// `params` are the params `vk` was made with. The witness is built at `k` = 22 in the
/// key-generation stage; the count does not depend on that `k`.
pub fn aggregation_cost(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    num_instance: Vec<usize>,
) -> AggregationCost {
    let snark = gen_dummy_snark_from_vk::<SHPLONK>(params, vk, num_instance, None);
    let config = AggregationConfigParams {
        degree: 22,
        lookup_bits: 21,
        ..Default::default()
    };
    let circuit = AggregationCircuit::new::<SHPLONK>(
        CircuitBuilderStage::Keygen,
        config,
        params,
        [snark],
        VerifierUniversality::None,
    );
    let stats = circuit.builder.statistics();
    AggregationCost {
        advice_cells: stats.gate.total_advice_per_phase.iter().sum(),
        lookup_cells: stats.total_lookup_advice_per_phase.iter().sum(),
        constants: stats.gate.total_fixed,
    }
}

#[cfg(test)]
mod tests;
