use super::super::test_util::*;
use super::BlobHashGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::{B256, U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// BLOBHASH of 0, 1, 2 and 2^64 + 1 (each then POP), STOP.
fn code() -> Vec<u8> {
    let mut code = Vec::new();
    for i in [
        U256::ZERO,
        U256::from(1),
        U256::from(2),
        (U256::from(1) << 64) + U256::from(1),
    ] {
        code.push(0x7f);
        code.extend(i.to_be_bytes::<32>());
        code.extend([0x49, 0x50]);
    }
    code.push(0x00);
    code
}

fn blob(i: u8) -> B256 {
    let mut h = [i; 32];
    h[0] = 0x01;
    B256::from(h)
}

/// The program's witness in a legacy tx (no blob hashes: every push is 0), or with two blob
/// hashes given to the tx and pushed where the index is in range (the slices check the EVM
/// circuit only, which reads the tx table and the steps' pushes).
fn witness(with_blobs: bool) -> Witness {
    let mut w = witness_of(code());
    if with_blobs {
        w.txs[0].tx.blob_hashes = vec![blob(7), blob(9)];
        for (n, i) in [(0, 0usize), (1, 1)] {
            let step = w.steps[nth_step(&w, ExecutionState::BlobHash, n)].clone();
            let push = (step.rw_counter as usize - 1) + 1;
            w.rws[push].value = U256::from_be_bytes(blob([7, 9][i]).0);
        }
    }
    w
}

fn circuit(with_blobs: bool, n: usize) -> EvmCircuit {
    let w = witness(with_blobs);
    let i = nth_step(&w, ExecutionState::BlobHash, n);
    slice(&w, i..i + 1)
}

fn gadget() -> BlobHashGadget<Fr> {
    (*config().gadgets.blob_hash).clone()
}

#[test]
fn blobhash_without_blobs_pushes_zero() {
    let w = witness(false);
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    for n in 0..4 {
        let step = &w.steps[nth_step(&w, ExecutionState::BlobHash, n)];
        assert_eq!(w.step_rws(step)[1].value, U256::ZERO);
    }
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn blobhash_with_blobs_pushes_the_tx_s_hashes() {
    // (The tx's BeginTx, with blob hashes, is outside the slice.)
    let w = witness(true);
    let (first, last) = (
        nth_step(&w, ExecutionState::BlobHash, 0),
        nth_step(&w, ExecutionState::BlobHash, 3),
    );
    assert_eq!(verify(&slice(&w, first..last + 1), vec![]), Ok(()));
}

#[test]
fn the_hash_is_the_tx_table_s() {
    let o = Override::Rw {
        step: 0,
        access: 1,
        field: "value_lo",
        value: Fr::from(3),
    };
    assert_rejected(
        verify(&circuit(true, 1), vec![o]),
        "BLOBHASH: pushed = hash (lo)",
    );
}

#[test]
fn an_index_past_the_end_has_no_hash() {
    // Index 2 of two hashes claimed in range.
    let g = gadget();
    assert_rejected(
        verify(&circuit(true, 2), vec![cell(0, &g.lt, 1)]),
        "BLOBHASH: m - len + lt·2^64 = D",
    );
    assert_rejected(
        verify(&circuit(true, 2), vec![cell(0, &g.in_range, 1)]),
        "BLOBHASH: in_range = small·lt",
    );
}

#[test]
fn an_index_in_range_is_not_zeroed() {
    let g = gadget();
    let o = vec![
        cell(0, &g.in_range, 0),
        Override::Rw {
            step: 0,
            access: 1,
            field: "value_lo",
            value: Fr::zero(),
        },
        Override::Rw {
            step: 0,
            access: 1,
            field: "value_hi",
            value: Fr::zero(),
        },
    ];
    assert_rejected(
        verify(&circuit(true, 0), o),
        "BLOBHASH: in_range = small·lt",
    );
}

#[test]
fn an_index_above_2_64_is_not_its_low_bits() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(true, 3), vec![cell(0, &g.small.is_zero, 1)]),
        "BLOBHASH: i_high is zero",
    );
}
