use super::*;
use crate::table::test_util::{
    assert_lookup_rejected, mock_verify, witness_of, Harness, TestTable,
};
use equivm_witness::{RwTag, Witness};
use halo2_proofs::{
    dev::{MockProver, VerifyFailure},
    plonk::Error,
};
use halo2curves::bn256::Fr;

const K: u32 = 9;
const CAPACITY: usize = 256;

impl TestTable for RwTable {
    type Data = Witness;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self {
        RwTable::configure(meta)
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
        RwTable::load(self, layouter, &data.rws, capacity)
    }
}

/// PUSH1 5 PUSH1 0 SSTORE PUSH1 0 SLOAD STOP: stack, storage, access-list and account rows.
fn witness() -> Witness {
    witness_of(
        vec![0x60, 0x05, 0x60, 0x00, 0x55, 0x60, 0x00, 0x54, 0x00],
        vec![],
    )
}

fn run(witness: &Witness, lookups: Vec<RwTableRow<Fr>>) -> Result<(), Vec<VerifyFailure>> {
    let circuit = Harness::<RwTable> {
        data: witness.clone(),
        capacity: CAPACITY,
        lookups: lookups.into_iter().map(RwTableRow::to_vec).collect(),
    };
    mock_verify(K, &circuit)
}

/// The row of the SSTORE write (it has a key, a value, a previous and a committed value).
fn storage_write(witness: &Witness) -> RwTableRow<Fr> {
    let rw = witness
        .rws
        .iter()
        .find(|rw| rw.tag == RwTag::Storage && rw.is_write)
        .expect("the program writes storage");
    RwTableRow::from_rw(rw)
}

/// Changes one field of a row.
type Tamper = fn(&mut RwTableRow<Fr>, Fr);

#[test]
fn every_rw_entry_is_in_the_table() {
    let w = witness();
    assert!(RwTable::rows_needed(&w.rws) <= CAPACITY);
    let rows = w.rws.iter().map(RwTableRow::from_rw).collect();
    assert_eq!(run(&w, rows), Ok(()));
}

#[test]
fn each_tampered_field_is_rejected() {
    let w = witness();
    let honest = storage_write(&w);
    assert_eq!(run(&w, vec![honest]), Ok(()));
    let one = Fr::one();
    let tampers: [(&str, Tamper); 15] = [
        ("rw_counter", |r, d| r.rw_counter += d),
        ("is_write", |r, d| r.is_write -= d),
        ("tag", |r, d| r.tag += d),
        ("id", |r, d| r.id += d),
        ("address", |r, d| r.address += d),
        ("field_tag", |r, d| r.field_tag += d),
        ("key.lo", |r, d| r.key.lo += d),
        ("key.hi", |r, d| r.key.hi += d),
        ("index", |r, d| r.index += d),
        ("value.lo", |r, d| r.value.lo += d),
        ("value.hi", |r, d| r.value.hi += d),
        ("value_prev.lo", |r, d| r.value_prev.lo += d),
        ("value_prev.hi", |r, d| r.value_prev.hi += d),
        ("committed_value.lo", |r, d| r.committed_value.lo += d),
        ("committed_value.hi", |r, d| r.committed_value.hi += d),
    ];
    for (name, tamper) in tampers {
        let mut row = honest;
        tamper(&mut row, one);
        assert_ne!(row, honest, "{name}");
        assert_lookup_rejected(run(&w, vec![row]));
    }
}

#[test]
fn out_of_order_log_and_small_capacity_are_errors() {
    let mut w = witness();
    w.rws.swap(0, 1);
    let circuit = Harness::<RwTable> {
        data: w,
        capacity: CAPACITY,
        lookups: vec![],
    };
    assert!(matches!(
        MockProver::run(K, &circuit, vec![]),
        Err(Error::Synthesis)
    ));
    let w = witness();
    let circuit = Harness::<RwTable> {
        capacity: w.rws.len(), // one short: row 0 is the zero row
        data: w,
        lookups: vec![],
    };
    assert!(matches!(
        MockProver::run(K, &circuit, vec![]),
        Err(Error::Synthesis)
    ));
}
