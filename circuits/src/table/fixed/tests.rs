use super::*;
use crate::table::opcode_rows::{error_state_opcodes, execution_state_index, responsible_opcodes};
use crate::table::test_util::{
    assert_lookup_rejected, mock_verify, witness_of, Harness, TestTable, LOOKUP,
};
use equivm_witness::{opcodes::OPCODES, ExecutionState};
use halo2_proofs::{
    circuit::Layouter,
    dev::{FailureLocation, MockProver, VerifyFailure},
};
use halo2curves::bn256::Fr;
use std::collections::HashSet;

/// Smallest k holding the small tags (1,886 rows).
const K_SMALL: u32 = 11;
const CAPACITY_SMALL: usize = 2000;

impl TestTable for FixedTable {
    type Data = Vec<FixedTableTag>;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self {
        FixedTable::configure(meta)
    }

    fn row_exprs_vec(
        &self,
        meta: &mut halo2_proofs::plonk::VirtualCells<'_, Fr>,
    ) -> Vec<halo2_proofs::plonk::Expression<Fr>> {
        self.row_exprs(meta).to_vec()
    }

    fn load(
        &self,
        layouter: &mut impl Layouter<Fr>,
        data: &Self::Data,
        capacity: usize,
    ) -> Result<(), TableError> {
        FixedTable::load(self, layouter, data, capacity)
    }
}

fn row(values: [u64; 7]) -> Vec<Fr> {
    values.iter().map(|v| Fr::from(*v)).collect()
}

fn run_small(lookups: Vec<Vec<Fr>>) -> Result<(), Vec<VerifyFailure>> {
    let circuit = Harness::<FixedTable> {
        data: FixedTableTag::SMALL.to_vec(),
        capacity: CAPACITY_SMALL,
        lookups,
    };
    mock_verify(K_SMALL, &circuit)
}

/// The opcode-properties row of `b`, built from `OPCODES` directly.
fn properties_of(b: usize) -> [u64; 7] {
    let info = &OPCODES[b];
    [
        FixedTableTag::OpcodeProperties as u64,
        b as u64,
        info.state as u64,
        info.constant_gas,
        u64::from(info.stack_inputs),
        u64::from(info.stack_outputs),
        u64::from(info.defined),
    ]
}

#[test]
fn small_tags_fit_their_capacity() {
    assert_eq!(FixedTable::rows_needed(&FixedTableTag::SMALL), 1884);
    assert!(FixedTable::rows_needed(&FixedTableTag::SMALL) <= CAPACITY_SMALL);
    for tag in FixedTableTag::ALL {
        assert_eq!(tag.rows().count(), tag.row_count(), "{tag:?}");
    }
}

#[test]
fn nibble_rows_hold_the_operation_of_nibbles_only() {
    let (and, or, xor) = (
        FixedTableTag::NibbleAnd as u64,
        FixedTableTag::NibbleOr as u64,
        FixedTableTag::NibbleXor as u64,
    );
    assert_eq!((or, xor), (and + 1, and + 2), "nibble tags are consecutive");
    let mut honest = Vec::new();
    for (a, b) in (0..16u64).flat_map(|a| (0..16u64).map(move |b| (a, b))) {
        honest.push(row([and, a, b, a & b, 0, 0, 0]));
        honest.push(row([or, a, b, a | b, 0, 0, 0]));
        honest.push(row([xor, a, b, a ^ b, 0, 0, 0]));
    }
    assert_eq!(run_small(honest), Ok(()));
    for tampered in [
        [and, 0xc, 0xa, 0x9, 0, 0, 0],  // wrong result
        [xor, 0xc, 0xa, 0xe, 0, 0, 0],  // OR's result under XOR
        [and, 0x10, 0x1, 0x0, 0, 0, 0], // a is no nibble
        [or, 0x0, 0x0, 0x10, 0, 0, 0],  // c is no nibble
        [xor, 0x1, 0x1, 0x0, 1, 0, 0],  // trailing value not zero
    ] {
        assert_lookup_rejected(run_small(vec![row(tampered)]));
    }
}

#[test]
fn opcode_properties_agree_with_opcodes_for_all_256_bytes() {
    let lookups = (0..256).map(|b| row(properties_of(b))).collect();
    assert_eq!(run_small(lookups), Ok(()));
}

#[test]
fn tampered_opcode_properties_are_rejected() {
    let fields = [
        (1usize, 1u64), // opcode byte
        (2, 1),         // execution state
        (3, 1),         // constant gas
        (4, 1),         // stack inputs
        (5, 1),         // stack outputs
    ];
    for (field, delta) in fields {
        let mut add = properties_of(0x01);
        add[field] += delta;
        assert_lookup_rejected(run_small(vec![row(add)]));
    }
    let mut undefined = properties_of(0x0c);
    undefined[6] = 1;
    assert_lookup_rejected(run_small(vec![row(undefined)]));
}

#[test]
fn byte_range_and_zero_row() {
    let byte = |v| row([FixedTableTag::Range256 as u64, v, 0, 0, 0, 0, 0]);
    assert_eq!(run_small(vec![byte(0), byte(255), row([0; 7])]), Ok(()));
    assert_lookup_rejected(run_small(vec![byte(256)]));
    // A value under tag 0 is not in the table: tag 0 is only the zero row.
    assert_lookup_rejected(run_small(vec![row([0, 5, 0, 0, 0, 0, 0])]));
}

#[test]
fn responsible_opcodes_accept_own_state_only() {
    let tag = FixedTableTag::ResponsibleOpcode as u64;
    let add_sub = execution_state_index(ExecutionState::AddSub);
    let underflow = execution_state_index(ExecutionState::ErrorStackUnderflow);
    assert_eq!(
        run_small(vec![
            row([tag, add_sub, 0x01, 0, 0, 0, 0]),
            row([tag, add_sub, 0x03, 0, 0, 0, 0]),
            row([tag, underflow, 0x01, 0, 0, 0, 0]),
        ]),
        Ok(())
    );
    assert_lookup_rejected(run_small(vec![row([tag, add_sub, 0x02, 0, 0, 0, 0])]));
    // PUSH1 reads nothing: it cannot underflow.
    assert_lookup_rejected(run_small(vec![row([tag, underflow, 0x60, 0, 0, 0, 0])]));
}

#[test]
fn capacity_below_rows_needed_is_an_error() {
    let circuit = Harness::<FixedTable> {
        data: FixedTableTag::SMALL.to_vec(),
        capacity: 300,
        lookups: vec![],
    };
    assert!(MockProver::run(K_SMALL, &circuit, vec![]).is_err());
}

/// Every step of real witnesses, including error steps, has a responsible-opcode row.
#[test]
fn witness_steps_have_responsible_rows() {
    let rows: HashSet<(u64, u64)> = responsible_opcodes().into_iter().collect();
    let mut big_offset = vec![0x60, 0x01, 0x7f];
    big_offset.extend([0xff; 32]);
    big_offset.push(0x52); // MSTORE at offset 2^256 - 1
    let programs: Vec<Vec<u8>> = vec![
        vec![0x60, 0x02, 0x60, 0x03, 0x01, 0x00], // PUSH1 PUSH1 ADD STOP
        vec![0x01],                               // ADD on an empty stack
        vec![0x0c],                               // undefined opcode
        vec![0x60, 0x00, 0x56],                   // JUMP to a PUSH1
        big_offset,
    ];
    let mut seen = HashSet::new();
    for code in programs {
        let witness = witness_of(code, vec![]);
        for step in &witness.steps {
            if let Some(opcode) = step.opcode {
                let pair = (
                    execution_state_index(step.execution_state),
                    u64::from(opcode),
                );
                assert!(
                    rows.contains(&pair),
                    "{:?} 0x{opcode:02x}",
                    step.execution_state
                );
                seen.insert(step.execution_state);
            }
        }
    }
    for state in [
        ExecutionState::ErrorStackUnderflow,
        ExecutionState::ErrorInvalidOpcode,
        ExecutionState::ErrorInvalidJump,
        ExecutionState::ErrorOutOfGasMemoryExpansion,
    ] {
        assert!(seen.contains(&state), "no program reached {state:?}");
    }
    assert!(error_state_opcodes(ExecutionState::AddSub).is_empty());
}

/// All tags at k = 18 (the bitwise tags take 3 × 65,536 rows): one MockProver run, with
/// honest rows first and tampered rows after, which must be the only failures.
#[test]
fn bitwise_rows_at_k18() {
    let (and, or, xor) = (
        FixedTableTag::BitwiseAnd as u64,
        FixedTableTag::BitwiseOr as u64,
        FixedTableTag::BitwiseXor as u64,
    );
    let honest = [
        row([and, 0xf0, 0x3c, 0x30, 0, 0, 0]),
        row([or, 0xf0, 0x3c, 0xfc, 0, 0, 0]),
        row([xor, 0xf0, 0x3c, 0xcc, 0, 0, 0]),
        row([xor, 0xff, 0xff, 0x00, 0, 0, 0]),
    ];
    let tampered = vec![
        row([and, 0xf0, 0x3c, 0x31, 0, 0, 0]),
        row([or, 0xf0, 0x3c, 0xcc, 0, 0, 0]),
        row([xor, 0x100, 0x00, 0x100, 0, 0, 0]),
    ];
    let lookups: Vec<Vec<Fr>> = honest.iter().chain(&tampered).cloned().collect();
    let circuit = Harness::<FixedTable> {
        data: FixedTableTag::ALL.to_vec(),
        capacity: FixedTable::rows_needed(&FixedTableTag::ALL),
        lookups,
    };
    let failures = mock_verify(18, &circuit).expect_err("tampered rows are rejected");
    let mut offsets: Vec<usize> = failures
        .iter()
        .map(|f| match f {
            // The lookups region starts at row 0, so its offsets are rows.
            VerifyFailure::Lookup { name, location, .. } if name == LOOKUP => match location {
                FailureLocation::InRegion { offset, .. } => *offset,
                FailureLocation::OutsideRegion { row } => *row,
            },
            other => panic!("unexpected failure {other}"),
        })
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    assert_eq!(offsets, vec![4, 5, 6]);
}

/// A byte range check written the way gadgets will write it: `FixedTable::input` under a
/// condition. Rows with the condition off hold non-bytes and must still pass.
mod conditional {
    use super::*;
    use halo2_proofs::{
        circuit::{SimpleFloorPlanner, Value},
        plonk::{Advice, Circuit, Column, Error, Selector},
        poly::Rotation,
    };

    const NAME: &str = "TEST: byte under condition";

    #[derive(Clone, Debug)]
    struct Config {
        table: FixedTable,
        q: Selector,
        byte: Column<Advice>,
    }

    /// `(value, condition)` per row.
    #[derive(Clone, Debug, Default)]
    struct ByteCircuit(Vec<(u64, bool)>);

    impl Circuit<Fr> for ByteCircuit {
        type Config = Config;
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();

        fn without_witnesses(&self) -> Self {
            self.clone()
        }

        fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
            let table = FixedTable::configure(meta);
            let (q, byte) = (meta.complex_selector(), meta.advice_column());
            table.lookup(meta, NAME, |m| {
                let condition = m.query_selector(q);
                let value = m.query_advice(byte, Rotation::cur());
                FixedTable::input(condition, FixedTableTag::Range256, &[value])
            });
            Config { table, q, byte }
        }

        fn synthesize(&self, config: Config, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
            config
                .table
                .load(&mut layouter, &[FixedTableTag::Range256], 300)?;
            layouter.assign_region(
                || "bytes",
                |mut region| {
                    for (offset, (value, on)) in self.0.iter().enumerate() {
                        if *on {
                            config.q.enable(&mut region, offset)?;
                        }
                        region.assign_advice(config.byte, offset, Value::known(Fr::from(*value)));
                    }
                    Ok(())
                },
            )
        }
    }

    fn verify(rows: Vec<(u64, bool)>) -> Result<(), Vec<VerifyFailure>> {
        MockProver::run(9, &ByteCircuit(rows), vec![])
            .expect("synthesis succeeds")
            .verify()
    }

    #[test]
    fn condition_switches_the_lookup() {
        assert_eq!(verify(vec![(7, true), (255, true), (300, false)]), Ok(()));
        let failures = verify(vec![(7, true), (300, true)]).expect_err("300 is no byte");
        assert!(failures.iter().all(|f| f.to_string().contains(NAME)));
    }
}
