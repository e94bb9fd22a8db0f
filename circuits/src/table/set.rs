//! Tables: the one set of table columns a circuit (or the super circuit) configures, shared
//! by every sub-circuit that looks up into them, and loaded once from the witness.
//!
//! This adds no constraint: each table's rows mean what its own module says.

use super::keccak::keccak_inputs;
use super::{
    assign_advice_rows, check_capacity, BlockTable, BytecodeTable, CopyTable, FixedTable,
    FixedTableTag, KeccakTable, RwTable, TableError, TxTable,
};
use equivm_witness::Witness;
use halo2_proofs::{circuit::Layouter, halo2curves::ff::PrimeField, plonk::ConstraintSystem};

/// Rows given to each table (each including the table's zero row 0). Every capacity must
/// be at most the circuit's usable rows (`2^k` minus halo2's blinding rows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableCapacities {
    /// Fixed-table rows.
    pub fixed: usize,
    /// Fixed-table tags to load (see [`FixedTableTag::SMALL`] and [`FixedTableTag::ALL`]).
    pub fixed_tags: Vec<FixedTableTag>,
    /// Rw-table rows.
    pub rw: usize,
    /// Bytecode-table rows.
    pub bytecode: usize,
    /// Tx-table rows.
    pub tx: usize,
    /// Block-table rows.
    pub block: usize,
    /// Copy-table rows (one per copied byte).
    pub copy: usize,
    /// Keccak-table rows.
    pub keccak: usize,
}

impl TableCapacities {
    /// The smallest capacities that hold `witness` with `fixed_tags` loaded.
    pub fn fitting(witness: &Witness, fixed_tags: &[FixedTableTag]) -> Self {
        TableCapacities {
            fixed: FixedTable::rows_needed(fixed_tags),
            fixed_tags: fixed_tags.to_vec(),
            rw: RwTable::rows_needed(&witness.rws),
            bytecode: BytecodeTable::rows_needed(&witness.bytecodes),
            tx: TxTable::rows_needed(&witness.txs),
            block: BlockTable::rows_needed(&witness.block),
            copy: crate::copy::rows_needed(&witness.copy_events),
            keccak: KeccakTable::rows_needed(&keccak_inputs(witness)),
        }
    }

    /// The largest capacity, i.e. the rows the tables take together (they sit side by side
    /// in their own columns, each from row 0).
    pub fn max_rows(&self) -> usize {
        [
            self.fixed,
            self.rw,
            self.bytecode,
            self.tx,
            self.block,
            self.copy,
            self.keccak,
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }
}

/// Every lookup table's columns.
#[derive(Clone, Copy, Debug)]
pub struct Tables {
    /// Byte range, bitwise operations, opcode facts.
    pub fixed: FixedTable,
    /// The read/write log.
    pub rw: RwTable,
    /// Bytecodes.
    pub bytecode: BytecodeTable,
    /// Transactions.
    pub tx: TxTable,
    /// Block environment.
    pub block: BlockTable,
    /// Copies of bytes.
    pub copy: CopyTable,
    /// Hashed inputs.
    pub keccak: KeccakTable,
}

impl Tables {
    /// Configures every table (7 fixed and 48 advice columns).
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        Tables {
            fixed: FixedTable::configure(meta),
            rw: RwTable::configure(meta),
            bytecode: BytecodeTable::configure(meta),
            tx: TxTable::configure(meta),
            block: BlockTable::configure(meta),
            copy: CopyTable::configure(meta),
            keccak: KeccakTable::configure(meta),
        }
    }

    /// Loads every table from `witness`, each in its own region (with `SimpleFloorPlanner`
    /// they all start at row 0, side by side).
    pub fn load<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        witness: &Witness,
        capacities: &TableCapacities,
    ) -> Result<(), TableError> {
        let caps = capacities;
        self.fixed.load(layouter, &caps.fixed_tags, caps.fixed)?;
        self.rw.load(layouter, &witness.rws, caps.rw)?;
        self.bytecode
            .load(layouter, &witness.bytecodes, caps.bytecode)?;
        self.tx.load(layouter, &witness.txs, caps.tx)?;
        self.block.load(layouter, &witness.block, caps.block)?;
        self.load_copy_claims(layouter, witness, caps.copy)?;
        self.keccak
            .load(layouter, &keccak_inputs(witness), caps.keccak)
    }

    /// Assigns the copy table's claims as the copy circuit lays them out (one per copied
    /// byte, from row 1), without proving them: for circuits whose tests look copies up but
    /// do not include the copy circuit. The super circuit assigns them with the copy circuit.
    pub fn load_copy_claims<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        witness: &Witness,
        capacity: usize,
    ) -> Result<(), TableError> {
        check_capacity(
            "copy",
            crate::copy::rows_needed(&witness.copy_events),
            capacity,
        )?;
        let rows: Vec<Vec<F>> = crate::copy::rows_of::<F>(witness)?
            .into_iter()
            .map(|row| row.claim.to_vec())
            .collect();
        assign_advice_rows(
            layouter,
            "copy",
            &self.copy.columns.to_vec(),
            &rows,
            capacity,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::test_util::witness_of;
    use crate::table::{
        opcode_rows::execution_state_index, BlockFieldTag, BlockTableRow, BytecodeTableRow,
        LookupTable, RwTableRow, TxFieldTag, TxTableRow,
    };
    use equivm_gadgets::Word;
    use equivm_witness::ExecutionState;
    use halo2_proofs::{
        circuit::{SimpleFloorPlanner, Value},
        dev::{MockProver, VerifyFailure},
        plonk::{Advice, Circuit, Column, Error, Selector},
        poly::Rotation,
    };
    use halo2curves::bn256::Fr;

    /// One lookup input row per table, in the order fixed, rw, bytecode, tx, block.
    type Inputs = [Vec<Fr>; 5];

    #[derive(Clone, Debug)]
    struct Config {
        tables: Tables,
        q: Selector,
        inputs: Vec<Vec<Column<Advice>>>,
    }

    #[derive(Clone, Debug)]
    struct AllTables {
        witness: Witness,
        capacities: TableCapacities,
        inputs: Inputs,
    }

    impl Circuit<Fr> for AllTables {
        type Config = Config;
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();

        fn without_witnesses(&self) -> Self {
            self.clone()
        }

        fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
            let tables = Tables::configure(meta);
            let q = meta.complex_selector();
            let widths = [
                LookupTable::<Fr>::columns(&tables.fixed).len(),
                LookupTable::<Fr>::columns(&tables.rw).len(),
                LookupTable::<Fr>::columns(&tables.bytecode).len(),
                LookupTable::<Fr>::columns(&tables.tx).len(),
                LookupTable::<Fr>::columns(&tables.block).len(),
            ];
            let inputs: Vec<Vec<Column<Advice>>> = widths
                .iter()
                .map(|w| (0..*w).map(|_| meta.advice_column()).collect())
                .collect();
            let query = |m: &mut halo2_proofs::plonk::VirtualCells<'_, Fr>, i: usize| {
                let q = m.query_selector(q);
                inputs[i]
                    .iter()
                    .map(|c| q.clone() * m.query_advice(*c, Rotation::cur()))
                    .collect::<Vec<_>>()
            };
            tables.fixed.lookup(meta, "fixed", |m| query(m, 0));
            tables.rw.lookup(meta, "rw", |m| query(m, 1));
            tables.bytecode.lookup(meta, "bytecode", |m| query(m, 2));
            tables.tx.lookup(meta, "tx", |m| query(m, 3));
            tables.block.lookup(meta, "block", |m| query(m, 4));
            Config { tables, q, inputs }
        }

        fn synthesize(&self, config: Config, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
            config
                .tables
                .load(&mut layouter, &self.witness, &self.capacities)?;
            layouter.assign_region(
                || "inputs",
                |mut region| {
                    config.q.enable(&mut region, 0)?;
                    for (columns, values) in config.inputs.iter().zip(&self.inputs) {
                        for (column, value) in columns.iter().zip(values) {
                            region.assign_advice(*column, 0, Value::known(*value));
                        }
                    }
                    Ok(())
                },
            )
        }
    }

    fn honest_inputs(w: &Witness) -> Inputs {
        let responsible = [
            crate::table::FixedTableTag::ResponsibleOpcode as u64,
            execution_state_index(ExecutionState::AddSub),
            0x01,
            0,
            0,
            0,
            0,
        ];
        [
            responsible.iter().map(|v| Fr::from(*v)).collect(),
            RwTableRow::<Fr>::from_rw(&w.rws[w.rws.len() / 2]).to_vec(),
            BytecodeTableRow::<Fr>::rows_of(&w.bytecodes[0]).expect("bytecode")[1].to_vec(),
            TxTableRow::<Fr>::new(1, TxFieldTag::GasPrice, 0, Word::new(10, 0)).to_vec(),
            BlockTableRow::<Fr>::new(BlockFieldTag::ChainId, 0, Word::new(1, 0)).to_vec(),
        ]
    }

    fn run(circuit: &AllTables) -> Result<(), Vec<VerifyFailure>> {
        MockProver::run(11, circuit, vec![])
            .expect("synthesis succeeds")
            .verify()
    }

    #[test]
    fn all_tables_load_side_by_side_and_answer_lookups() {
        // PUSH1 2 PUSH1 3 ADD STOP
        let witness = witness_of(vec![0x60, 0x02, 0x60, 0x03, 0x01, 0x00], vec![]);
        let capacities = TableCapacities::fitting(&witness, &FixedTableTag::SMALL);
        assert!(capacities.max_rows() < 1 << 11);
        let inputs = honest_inputs(&witness);
        let mut circuit = AllTables {
            witness,
            capacities,
            inputs,
        };
        assert_eq!(run(&circuit), Ok(()));
        // Tamper one value per table: each lookup, and only it, fails.
        for (i, name) in ["fixed", "rw", "bytecode", "tx", "block"]
            .iter()
            .enumerate()
        {
            let honest = circuit.inputs[i].clone();
            let last = honest.len() - 1;
            circuit.inputs[i][last] += Fr::from(1000);
            let failures = run(&circuit).expect_err("tampered input is rejected");
            let texts: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
            assert!(
                texts.iter().all(|t| t.contains(&format!("Lookup {name}("))),
                "{name}: {texts:#?}"
            );
            circuit.inputs[i] = honest;
        }
    }
}
