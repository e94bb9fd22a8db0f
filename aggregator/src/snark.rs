//! The super circuit as a circuit snark-verifier can aggregate.

use equivm_circuits::{
    keccak::KeccakShape,
    super_circuit::{SuperCircuit, SuperCircuitConfig},
};
use halo2_proofs::{
    circuit::Layouter,
    halo2curves::bn256::Fr,
    plonk::{Circuit, ConstraintSystem, Error},
};
use snark_verifier_sdk::CircuitExt;

/// A [`SuperCircuit`] with the instance shape snark-verifier needs.
#[derive(Clone, Debug)]
pub struct AggregatableBlock(pub SuperCircuit);

impl Circuit<Fr> for AggregatableBlock {
    type Config = SuperCircuitConfig;
    type FloorPlanner = <SuperCircuit as Circuit<Fr>>::FloorPlanner;
    type Params = KeccakShape;

    fn without_witnesses(&self) -> Self {
        Self(self.0.without_witnesses())
    }

    fn params(&self) -> KeccakShape {
        self.0.params()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        SuperCircuit::configure(meta)
    }

    fn configure_with_params(meta: &mut ConstraintSystem<Fr>, shape: KeccakShape) -> Self::Config {
        SuperCircuit::configure_with_params(meta, shape)
    }

    fn synthesize(&self, config: Self::Config, layouter: impl Layouter<Fr>) -> Result<(), Error> {
        self.0.synthesize(config, layouter)
    }
}

impl CircuitExt<Fr> for AggregatableBlock {
    fn num_instance(&self) -> Vec<usize> {
        self.instances().iter().map(Vec::len).collect()
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        self.0.instance().unwrap_or_default()
    }
}
