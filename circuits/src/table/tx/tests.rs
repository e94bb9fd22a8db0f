use super::*;
use crate::table::test_util::{
    assert_lookup_rejected, mock_verify, witness_of, Harness, TestTable,
};
use equivm_trace::program::{CONTRACT, SENDER};
use equivm_witness::Witness;
use halo2_proofs::dev::{MockProver, VerifyFailure};
use halo2curves::bn256::Fr;

const K: u32 = 7;
const CAPACITY: usize = 64;
const CALLDATA: [u8; 3] = [0x00, 0x11, 0x22];

impl TestTable for TxTable {
    type Data = Witness;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self {
        TxTable::configure(meta)
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
        TxTable::load(self, layouter, &data.txs, capacity)
    }
}

/// CALLDATASIZE STOP, called with 3 bytes of data.
fn witness() -> Witness {
    witness_of(vec![0x36, 0x00], CALLDATA.to_vec())
}

fn run(witness: &Witness, lookups: Vec<TxTableRow<Fr>>) -> Result<(), Vec<VerifyFailure>> {
    let circuit = Harness::<TxTable> {
        data: witness.clone(),
        capacity: CAPACITY,
        lookups: lookups.into_iter().map(TxTableRow::to_vec).collect(),
    };
    mock_verify(K, &circuit)
}

fn small(v: u128) -> Word<u128> {
    Word::new(v, 0)
}

/// Changes one field of a row.
type Tamper = fn(&mut TxTableRow<Fr>);

#[test]
fn fields_and_calldata_are_in_the_table() {
    let w = witness();
    assert!(TxTable::rows_needed(&w.txs) <= CAPACITY);
    let tx = &w.txs[0];
    let rows = TxTableRow::<Fr>::rows_of(tx);
    assert_eq!(rows.len(), tx_row_count(tx));
    assert_eq!(run(&w, rows), Ok(()));

    use TxFieldTag::*;
    let expected = vec![
        TxTableRow::new(1, Nonce, 0, small(0)),
        TxTableRow::new(1, GasLimit, 0, small(1_000_000)),
        TxTableRow::new(1, GasPrice, 0, small(10)),
        TxTableRow::new(1, CallerAddress, 0, address_to_word(SENDER)),
        TxTableRow::new(1, CalleeAddress, 0, address_to_word(CONTRACT)),
        TxTableRow::new(1, IsCreate, 0, small(0)),
        TxTableRow::new(1, CallDataLength, 0, small(3)),
        TxTableRow::new(1, CallDataGasCost, 0, small(4 + 16 + 16)),
        TxTableRow::new(1, CallData, 0, small(0x00)),
        TxTableRow::new(1, CallData, 2, small(0x22)),
    ];
    assert_eq!(run(&w, expected), Ok(()));
}

#[test]
fn each_tampered_field_is_rejected() {
    let w = witness();
    let byte = TxTableRow::<Fr>::new(1, TxFieldTag::CallData, 1, small(0x11));
    let caller = TxTableRow::<Fr>::new(1, TxFieldTag::CallerAddress, 0, address_to_word(SENDER));
    assert_eq!(run(&w, vec![byte, caller]), Ok(()));
    let tampers: [(TxTableRow<Fr>, Tamper); 6] = [
        (byte, |r| r.tx_id += Fr::one()),
        (byte, |r| r.tag = Fr::from(TxFieldTag::BlobHash as u64)),
        (byte, |r| r.index += Fr::one()),
        (byte, |r| r.value.lo += Fr::one()),
        (caller, |r| r.value.lo += Fr::one()),
        (caller, |r| r.value.hi += Fr::one()),
    ];
    for (honest, tamper) in tampers {
        let mut row = honest;
        tamper(&mut row);
        assert_lookup_rejected(run(&w, vec![row]));
    }
}

#[test]
fn small_capacity_is_an_error() {
    let w = witness();
    let circuit = Harness::<TxTable> {
        capacity: TxTable::rows_needed(&w.txs) - 1,
        data: w,
        lookups: vec![],
    };
    assert!(MockProver::run(K, &circuit, vec![]).is_err());
}
