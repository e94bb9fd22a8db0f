use super::*;
use crate::table::test_util::{
    assert_lookup_rejected, mock_verify, witness_of, Harness, TestTable,
};
use equivm_witness::Witness;
use halo2_proofs::dev::{MockProver, VerifyFailure};
use halo2curves::bn256::Fr;

const K: u32 = 7;
const CAPACITY: usize = 64;

impl TestTable for BytecodeTable {
    type Data = Witness;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self {
        BytecodeTable::configure(meta)
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
        data: &Witness,
        capacity: usize,
    ) -> Result<(), TableError> {
        BytecodeTable::load(self, layouter, &data.bytecodes, capacity)
    }
}

/// PUSH2 0x6001 PUSH1 0x03 ADD STOP: push data that looks like opcodes.
const CODE: [u8; 7] = [0x61, 0x60, 0x01, 0x60, 0x03, 0x01, 0x00];

fn witness() -> Witness {
    witness_of(CODE.to_vec(), vec![])
}

fn rows(witness: &Witness) -> Vec<BytecodeTableRow<Fr>> {
    let code = witness
        .bytecodes
        .iter()
        .find(|c| c.bytes.as_ref() == CODE)
        .expect("the contract's code is in the witness");
    BytecodeTableRow::rows_of(code).expect("well-formed bytecode")
}

fn run(witness: &Witness, lookups: Vec<BytecodeTableRow<Fr>>) -> Result<(), Vec<VerifyFailure>> {
    let circuit = Harness::<BytecodeTable> {
        data: witness.clone(),
        capacity: CAPACITY,
        lookups: lookups.into_iter().map(BytecodeTableRow::to_vec).collect(),
    };
    mock_verify(K, &circuit)
}

/// Changes one field of a row.
type Tamper = fn(&mut BytecodeTableRow<Fr>);

#[test]
fn header_and_every_byte_are_in_the_table() {
    let w = witness();
    assert!(BytecodeTable::rows_needed(&w.bytecodes) <= CAPACITY);
    let rows = rows(&w);
    assert_eq!(rows.len(), 2 + CODE.len());
    assert_eq!(rows[0].value, Fr::from(CODE.len() as u64));
    let is_code: Vec<Fr> = rows[1..].iter().map(|r| r.is_code).collect();
    // The last row is the implicit STOP after the code.
    let expected: Vec<Fr> = [1, 0, 0, 1, 0, 1, 1, 1]
        .iter()
        .map(|b| Fr::from(*b))
        .collect();
    assert_eq!(is_code, expected, "push-data marking");
    assert_eq!(run(&w, rows), Ok(()));
}

#[test]
fn each_tampered_field_is_rejected() {
    let w = witness();
    let rows = rows(&w);
    let (header, push_data) = (rows[0], rows[2]); // byte 2 (0x01) is PUSH2 data
    let tampers: [(BytecodeTableRow<Fr>, Tamper); 7] = [
        (header, |r| r.value += Fr::one()),     // wrong length
        (push_data, |r| r.is_code = Fr::one()), // push data as an opcode
        (push_data, |r| r.value += Fr::one()),  // wrong byte
        (push_data, |r| r.index += Fr::one()),  // wrong position
        (push_data, |r| r.code_hash.lo += Fr::one()),
        (push_data, |r| r.code_hash.hi += Fr::one()),
        (push_data, |r| {
            r.tag = Fr::from(BytecodeFieldTag::Header as u64)
        }),
    ];
    for (honest, tamper) in tampers {
        let mut row = honest;
        tamper(&mut row);
        assert_lookup_rejected(run(&w, vec![row]));
    }
}

#[test]
fn malformed_bytecode_and_small_capacity_are_errors() {
    let mut w = witness();
    assert!(BytecodeTableRow::<Fr>::rows_of(&w.bytecodes[0]).is_ok());
    w.bytecodes[0].is_code.pop();
    assert!(matches!(
        BytecodeTableRow::<Fr>::rows_of(&w.bytecodes[0]),
        Err(TableError::InvalidWitness { .. })
    ));
    let w = witness();
    let circuit = Harness::<BytecodeTable> {
        capacity: BytecodeTable::rows_needed(&w.bytecodes) - 1,
        data: w,
        lookups: vec![],
    };
    assert!(MockProver::run(K, &circuit, vec![]).is_err());
}

#[test]
fn past_the_end_come_the_missing_push_data_and_a_stop() {
    use crate::table::bytecode::missing_push_data;
    assert_eq!(missing_push_data(&[]), 0);
    assert_eq!(missing_push_data(&[0x60, 0x01, 0x50]), 0);
    assert_eq!(missing_push_data(&[0x50, 0x61, 0x01]), 1);
    let mut push32 = vec![0x7f];
    push32.extend([0xab; 32]);
    assert_eq!(missing_push_data(&push32), 0);
    push32.pop();
    assert_eq!(missing_push_data(&push32), 1);
    assert_eq!(missing_push_data(&[0x7f]), 32);
    for code in [
        witness().bytecodes[0].clone(),
        Bytecode::new(vec![0x50, 0x63, 0x01].into()),
    ] {
        let rows = BytecodeTableRow::<Fr>::rows_of(&code).expect("rows");
        let (len, pad) = (code.bytes.len(), missing_push_data(&code.bytes));
        assert_eq!(rows.len(), 1 + len + pad + 1);
        for (i, row) in rows[1 + len..].iter().enumerate() {
            assert_eq!(row.index, Fr::from((len + i) as u64));
            assert_eq!(row.value, Fr::zero());
            assert_eq!(row.is_code, Fr::from(u64::from(i == pad)));
        }
    }
}
