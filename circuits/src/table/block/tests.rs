use super::*;
use crate::table::test_util::{
    assert_lookup_rejected, mock_verify, witness_of, Harness, TestTable,
};
use equivm_trace::program::COINBASE;
use equivm_witness::Witness;
use halo2_proofs::dev::{MockProver, VerifyFailure};
use halo2curves::bn256::Fr;

const K: u32 = 6;
const CAPACITY: usize = 32;

impl TestTable for BlockTable {
    type Data = Witness;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self {
        BlockTable::configure(meta)
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
        BlockTable::load(self, layouter, &data.block, capacity)
    }
}

/// PUSH1 0 BLOCKHASH STOP (in block 1): records the hash of block 0.
fn witness() -> Witness {
    witness_of(vec![0x60, 0x00, 0x40, 0x00], vec![])
}

fn run(witness: &Witness, lookups: Vec<BlockTableRow<Fr>>) -> Result<(), Vec<VerifyFailure>> {
    let circuit = Harness::<BlockTable> {
        data: witness.clone(),
        capacity: CAPACITY,
        lookups: lookups.into_iter().map(BlockTableRow::to_vec).collect(),
    };
    mock_verify(K, &circuit)
}

fn small(v: u128) -> Word<u128> {
    Word::new(v, 0)
}

fn hash_of_block_0(w: &Witness) -> BlockTableRow<Fr> {
    let hash = w
        .block
        .block_hashes
        .get(&0)
        .expect("BLOCKHASH(0) was recorded");
    BlockTableRow::new(BlockFieldTag::BlockHash, 0, b256_word(*hash))
}

/// Changes one field of a row.
type Tamper = fn(&mut BlockTableRow<Fr>);

#[test]
fn block_fields_and_hashes_are_in_the_table() {
    let w = witness();
    let rows = BlockTableRow::<Fr>::rows_of(&w.block).expect("valid block");
    assert_eq!(1 + rows.len(), BlockTable::rows_needed(&w.block));
    assert!(BlockTable::rows_needed(&w.block) <= CAPACITY);
    assert_eq!(run(&w, rows), Ok(()));

    use BlockFieldTag::*;
    let expected = vec![
        BlockTableRow::new(Coinbase, 0, address_to_word(COINBASE)),
        BlockTableRow::new(Timestamp, 0, small(1000)),
        BlockTableRow::new(Number, 0, small(1)),
        BlockTableRow::new(GasLimit, 0, small(30_000_000)),
        BlockTableRow::new(BaseFee, 0, small(7)),
        BlockTableRow::new(PrevRandao, 0, Word::ZERO),
        hash_of_block_0(&w),
    ];
    assert_eq!(run(&w, expected), Ok(()));
}

#[test]
fn each_tampered_field_is_rejected() {
    let w = witness();
    let hash = hash_of_block_0(&w);
    let number = BlockTableRow::<Fr>::new(BlockFieldTag::Number, 0, small(1));
    let tampers: [(BlockTableRow<Fr>, Tamper); 5] = [
        (hash, |r| r.index += Fr::one()),
        (hash, |r| r.value.lo += Fr::one()),
        (hash, |r| r.value.hi += Fr::one()),
        (number, |r| {
            r.tag = Fr::from(BlockFieldTag::Timestamp as u64)
        }),
        (number, |r| r.value.lo += Fr::one()),
    ];
    for (honest, tamper) in tampers {
        let mut row = honest;
        tamper(&mut row);
        assert_lookup_rejected(run(&w, vec![row]));
    }
}

#[test]
fn hash_outside_the_window_and_small_capacity_are_errors() {
    let mut w = witness();
    w.block.block_hashes.insert(1, Default::default()); // block 1 is the current block
    assert!(matches!(
        BlockTableRow::<Fr>::rows_of(&w.block),
        Err(TableError::InvalidWitness { .. })
    ));
    let w = witness();
    let circuit = Harness::<BlockTable> {
        capacity: BlockTable::rows_needed(&w.block) - 1,
        data: w,
        lookups: vec![],
    };
    assert!(MockProver::run(K, &circuit, vec![]).is_err());
}
