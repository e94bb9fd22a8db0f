use super::super::test_util::*;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2curves::bn256::Fr;

fn witness(program: Program) -> Witness {
    equivm_witness::build_witness(&program.trace().trace).expect("witness builds")
}

/// The BeginTx step alone; the next step's state is the padding's.
fn begin(w: &Witness) -> EvmCircuit {
    let i = nth_step(w, ExecutionState::BeginTx, 0);
    slice(w, i..i + 1)
}

fn plain() -> EvmCircuit {
    // PUSH1 1, PUSH0, MSTORE8 — with calldata so that its gas cost is non-zero.
    begin(&witness(
        Program::new(vec![0x60, 0x01, 0x5f, 0x53, 0x00]).calldata(vec![0, 1, 2]),
    ))
}

fn with_value() -> EvmCircuit {
    begin(&witness(Program::new(vec![0x00]).value(7)))
}

fn rw(access: usize, field: &'static str, value: u64) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value: Fr::from(value),
    }
}

#[test]
fn begin_tx_passes() {
    assert_eq!(verify(&plain(), vec![]), Ok(()));
}

#[test]
fn begin_tx_with_value_transfer_passes() {
    let c = with_value();
    assert_eq!(c.witness.steps[0].rw_count, 37);
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn nonce_must_increase_by_one() {
    let c = plain();
    let nonce = c.witness.rws[0].value.to::<u64>();
    assert_rejected(
        verify(&c, vec![rw(1, "value_lo", nonce + 2)]),
        "sender nonce write: value = tx.Nonce + 1 (lo)",
    );
}

#[test]
fn sender_must_pay_the_fee() {
    let c = plain();
    let paid = c.witness.rws[2].value.to::<u128>();
    assert_rejected(
        verify(&c, vec![rw(2, "value_lo", 0)]),
        "sender pays the fee",
    );
    assert!(paid > 0);
}

#[test]
fn intrinsic_gas_is_charged() {
    let c = plain();
    let next_gas = c.witness.steps[1].gas_left;
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(next_gas + 48),
    };
    assert_rejected(verify(&c, vec![o]), "BEGIN_TX: next.gas_left = value");
}

#[test]
fn warm_marks_write_one() {
    assert_rejected(
        verify(&plain(), vec![rw(5, "value_lo", 0)]),
        "access list write: value = 1 (lo)",
    );
}

#[test]
fn is_success_is_boolean() {
    // Call-context writes start at rw 17 (TxId); IsSuccess is the 11th.
    assert_rejected(
        verify(&plain(), vec![rw(27, "value_lo", 2)]),
        "call context IsSuccess is boolean",
    );
}

#[test]
fn tx_fields_come_from_the_tx_table() {
    let c = plain();
    let cfg = config();
    // Context row 1 is the gas limit.
    let o = Override::Cell {
        step: 0,
        column: cfg.columns.context.value.lo,
        rotation: 1,
        value: Fr::from(999_999),
    };
    assert_rejected(verify(&c, vec![o]), "EVM tx lookup");
}

#[test]
fn value_is_credited_to_the_callee() {
    let c = with_value();
    let credited = c.witness.rws[36].value.to::<u64>();
    assert_rejected(
        verify(&c, vec![rw(36, "value_lo", credited + 1)]),
        "transfer: callee balance_prev + value = balance (lo)",
    );
}

#[test]
fn transfer_cannot_be_skipped() {
    // Claim a zero value transfer: the optional rws are still there, so the
    // rw_counter and reversible-write counts of the next step disagree.
    let c = with_value();
    let o = Override::StepState {
        step: 1,
        field: "reversible_write_counter",
        value: Fr::zero(),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "BEGIN_TX: next.reversible_write_counter = value",
    );
}

/// The fee payment with the written balance in non-canonical limbs (`lo + 2^128`,
/// `hi - 1`, carry flipped) satisfies the limb-wise addition: only the range check on the
/// written balance rejects it (a sender short of funds could otherwise "pay" with a
/// negative `hi`).
#[test]
fn the_balance_after_the_fee_is_range_checked() {
    use equivm_gadgets::util::pow2;
    use equivm_trace::revm::primitives::U256;
    let c = plain();
    let g = config().gadgets.begin_tx;
    let paid = c.witness.rws[2].value;
    let mask = (U256::from(1) << 128usize) - U256::from(1);
    let lo = Fr::from_u128((paid & mask).to::<u128>()) + pow2::<Fr>(128);
    let hi = Fr::from_u128((paid >> 128usize).to::<u128>()) - Fr::one();
    let carry = Override::Cell {
        step: 0,
        column: g.pay_fee.carry.column,
        rotation: g.pay_fee.carry.rotation,
        value: Fr::one(),
    };
    let forged = vec![
        Override::Rw {
            step: 0,
            access: 2,
            field: "value_lo",
            value: lo,
        },
        Override::Rw {
            step: 0,
            access: 2,
            field: "value_hi",
            value: hi,
        },
        carry,
    ];
    let failures = verify(&c, forged).expect_err("rejected");
    let texts: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("sender balance after the fee: lo")),
        "{texts:#?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("sender pays the fee")),
        "the forged limbs satisfy the addition itself: {texts:#?}"
    );
}

#[test]
fn the_root_call_id_is_fresh() {
    // rw 17 writes the root call's TxId; a call id used before would show its tx id there.
    assert_rejected(
        verify(&plain(), vec![rw(17, "value_prev_lo", 1)]),
        "call context TxId was 0 (a fresh call id) (lo)",
    );
}

#[test]
fn blob_transactions_pay_the_blob_fee() {
    // Two blobs (type 3): the sender pays 2·131072·BlobBaseFee on top of the gas; BLOBHASH
    // reads the first versioned hash.
    let w = witness(Program::new(vec![0x5f, 0x49, 0x50, 0x00]).blobs(2));
    assert_eq!(w.txs[0].tx.blob_hashes.len(), 2);
    assert_eq!(EvmCircuit::unsupported_steps(&w), vec![]);
    assert_eq!(verify_block(&w, vec![]), Ok(()));
    let c = begin(&w);
    let paid = c.witness.rws[2].value_prev - c.witness.rws[2].value;
    let gas_fee = U256::from(w.txs[0].tx.gas_limit) * U256::from(w.txs[0].tx.effective_gas_price);
    assert!(paid > gas_fee, "the blob fee is paid");
    // The sender keeps the blob fee: rejected.
    let kept = c.witness.rws[2].value + (paid - gas_fee);
    let o = Override::Rw {
        step: 0,
        access: 2,
        field: "value_lo",
        value: Fr::from_u128(kept.to::<u128>()),
    };
    assert_rejected(verify(&c, vec![o]), "sender pays the fee");
}
