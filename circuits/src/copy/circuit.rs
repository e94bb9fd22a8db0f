//! [`CopyCircuit`]: the copy circuit alone over the tables it looks up, for tests and
//! measurements. The rw, bytecode, tx and keccak tables are loaded from the witness as they
//! stand (their own circuits prove them elsewhere).

use super::assign::{rows_needed, rows_of, CopyCircuitRow};
use super::config::CopyCircuitConfig;
use crate::table::keccak::keccak_inputs;
use crate::table::{BytecodeTable, CopyTable, KeccakTable, RwTable, TableError, TxTable};
use equivm_witness::Witness;
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    halo2curves::ff::PrimeField,
    plonk::{Circuit, ConstraintSystem, Error},
};

/// Largest `k` [`CopyCircuit::new`] tries.
pub const MAX_K: u32 = 20;

/// The copy circuit and its tables, with every region `usable_rows` high.
#[derive(Clone, Debug)]
pub struct CopyCircuit<F: PrimeField> {
    /// The witness the tables are loaded from.
    pub witness: Witness,
    /// The copy circuit's rows (from [`rows_of`]; tests may change them).
    pub rows: Vec<CopyCircuitRow<F>>,
    /// `2^k` rows.
    pub k: u32,
}

/// Rows halo2 reserves at the end of the circuit (blinding rows and one more).
fn reserved_rows<F: PrimeField>() -> usize {
    let mut cs = ConstraintSystem::<F>::default();
    CopyCircuit::<F>::configure(&mut cs);
    cs.blinding_factors() + 1
}

impl<F: PrimeField> CopyCircuit<F> {
    /// The circuit of `witness` at the smallest `k` its rows and tables fit.
    pub fn new(witness: Witness) -> Result<Self, TableError> {
        let rows = rows_of(&witness)?;
        let needed = Self::rows_needed(&witness);
        let reserved = reserved_rows::<F>();
        let k = (4..=MAX_K).find(|k| needed + reserved <= 1 << k).ok_or(
            TableError::CapacityExceeded {
                table: "copy circuit",
                needed,
                capacity: (1 << MAX_K) - reserved,
            },
        )?;
        Ok(Self { witness, rows, k })
    }

    /// Rows the copy circuit and each of its tables need (the largest of them).
    pub fn rows_needed(witness: &Witness) -> usize {
        let inputs = keccak_inputs(witness);
        [
            rows_needed(&witness.copy_events),
            RwTable::rows_needed(&witness.rws),
            BytecodeTable::rows_needed(&witness.bytecodes),
            TxTable::rows_needed(&witness.txs),
            KeccakTable::rows_needed(&inputs),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }

    /// Usable rows: every region's capacity.
    pub fn usable_rows(&self) -> usize {
        (1usize << self.k) - reserved_rows::<F>()
    }
}

impl<F: PrimeField> Circuit<F> for CopyCircuit<F> {
    type Config = CopyCircuitConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<F>) -> Self::Config {
        let copy = CopyTable::configure(meta);
        let rw = RwTable::configure(meta);
        let bytecode = BytecodeTable::configure(meta);
        let tx = TxTable::configure(meta);
        let keccak = KeccakTable::configure(meta);
        CopyCircuitConfig::configure(meta, &copy, &rw, &bytecode, &tx, &keccak)
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<F>,
    ) -> Result<(), Error> {
        let capacity = self.usable_rows();
        let w = &self.witness;
        config.rw.load(&mut layouter, &w.rws, capacity)?;
        config
            .bytecode
            .load(&mut layouter, &w.bytecodes, capacity)?;
        config.tx.load(&mut layouter, &w.txs, capacity)?;
        config
            .keccak
            .load(&mut layouter, &keccak_inputs(w), capacity)?;
        config.assign_rows(&mut layouter, &self.rows, capacity)?;
        Ok(())
    }
}
