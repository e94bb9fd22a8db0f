use super::super::test_util::*;
use super::EndTxGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::program::Program;
use equivm_witness::{ExecutionState, Witness};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2curves::bn256::Fr;

fn witness(program: Program) -> Witness {
    equivm_witness::build_witness(&program.trace().trace).expect("witness builds")
}

/// The EndTx step and the EndBlock after it.
fn end(w: &Witness) -> EvmCircuit {
    let i = nth_step(w, ExecutionState::EndTx, 0);
    slice(w, i..i + 2)
}

/// Sets slot 0 to 1 then back to 0: a refund of 19,900, capped at a fifth of the gas used.
const SET_AND_CLEAR: [u8; 9] = [0x60, 0x01, 0x5f, 0x55, 0x5f, 0x5f, 0x55, 0x00, 0x00];

fn capped() -> EvmCircuit {
    end(&witness(Program::new(SET_AND_CLEAR.to_vec())))
}

fn uncapped() -> EvmCircuit {
    // Expanding memory to 192 KiB first (about 92,000 gas) makes a fifth of the gas used
    // exceed the refund: PUSH0 PUSH3 0x030000 MSTORE, then set and clear slot 0.
    let mut code = vec![0x5f, 0x62, 0x03, 0x00, 0x00, 0x52];
    code.extend(SET_AND_CLEAR);
    end(&witness(Program::new(code)))
}

fn rw(access: usize, field: &'static str, value: Fr) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value,
    }
}

fn gadget() -> EndTxGadget<Fr> {
    *config().gadgets.end_tx
}

#[test]
fn end_tx_with_capped_refund_passes() {
    let c = capped();
    let step = &c.witness.steps[c.steps.start];
    let used = c.witness.txs[0].tx.gas_limit - step.gas_left;
    assert!(step.refund > used / 5, "the cap applies");
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn end_tx_with_full_refund_passes() {
    let c = uncapped();
    let step = &c.witness.steps[c.steps.start];
    let used = c.witness.txs[0].tx.gas_limit - step.gas_left;
    assert!(
        step.refund > 0 && step.refund < used / 5,
        "the refund applies in full"
    );
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn end_tx_without_refund_passes() {
    assert_eq!(
        verify(&end(&witness(Program::new(vec![0x00]))), vec![]),
        Ok(())
    );
}

#[test]
fn refund_cannot_exceed_the_cap() {
    let c = capped();
    let g = gadget();
    let step = &c.witness.steps[c.steps.start];
    let o = Override::Cell {
        step: 0,
        column: g.effective_refund.column,
        rotation: g.effective_refund.rotation,
        value: Fr::from(step.refund),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "END_TX: effective refund = min(refund, q)",
    );
}

#[test]
fn sender_gets_exactly_the_unused_gas() {
    let c = capped();
    let v = c.witness.rws[c.witness.steps[c.steps.start].rw_counter as usize + 1].value;
    let o = rw(2, "value_lo", Fr::from_u128(v.to::<u128>() + 1));
    assert_rejected(
        verify(&c, vec![o]),
        "sender balance_prev + credit = balance (lo)",
    );
}

#[test]
fn coinbase_gets_the_priority_fee_only() {
    let c = uncapped();
    let v = c.witness.rws[c.witness.steps[c.steps.start].rw_counter as usize + 2].value;
    let o = rw(3, "value_lo", Fr::from_u128(v.to::<u128>() + 1));
    assert_rejected(
        verify(&c, vec![o]),
        "coinbase balance_prev + reward = balance (lo)",
    );
}

#[test]
fn receipt_status_is_the_call_result() {
    assert_rejected(
        verify(&capped(), vec![rw(5, "value_lo", Fr::zero())]),
        "receipt status = IsSuccess (lo)",
    );
}

#[test]
fn cumulative_gas_counts_this_tx() {
    assert_rejected(
        verify(&capped(), vec![rw(6, "value_lo", Fr::from(21_000))]),
        "receipt cumulative gas = previous + used - eff (lo)",
    );
}

#[test]
fn gas_left_cannot_exceed_the_limit() {
    let c = capped();
    let o = Override::StepState {
        step: 0,
        field: "gas_left",
        value: Fr::from(c.witness.txs[0].tx.gas_limit + 1),
    };
    assert_rejected(verify(&c, vec![o]), "END_TX: used = GasLimit - gas_left");
}

#[test]
fn next_tx_id_is_one_more() {
    let o = Override::StepState {
        step: 1,
        field: "tx_id",
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&capped(), vec![o]),
        "END_TX: next.tx_id = tx_id + delta",
    );
}
