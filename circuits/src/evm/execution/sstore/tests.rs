use super::super::test_util::*;
use super::SstoreGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::program::Program;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Slot 0 starts at 1, slot 1 at 0. SSTOREs, in order:
/// 0. (0, 0): clean slot cleared — 2900 + 2100 cold, refund +4800;
/// 1. (0, 1): dirty slot restored — 100, refund −4800 + 2800;
/// 2. (1, 5): fresh slot set — 20000 + 2100 cold;
/// 3. (1, 0): dirty slot reset to its original zero — 100, refund +19900;
/// 4. (1, 0): no change — 100.
fn witness() -> Witness {
    let code = vec![
        0x5f, 0x5f, 0x55, // SSTORE(0, 0)
        0x60, 0x01, 0x5f, 0x55, // SSTORE(0, 1)
        0x60, 0x05, 0x60, 0x01, 0x55, // SSTORE(1, 5)
        0x5f, 0x60, 0x01, 0x55, // SSTORE(1, 0)
        0x5f, 0x60, 0x01, 0x55, // SSTORE(1, 0)
        0x00,
    ];
    let traced = Program::new(code).with_storage(0, 1).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::Sstore, n);
    slice(&w, i..i + 1)
}

fn gadget() -> SstoreGadget<Fr> {
    *config().gadgets.sstore
}

fn rw(access: usize, field: &'static str, value: Fr) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value,
    }
}

#[test]
fn every_eip2200_case_passes() {
    let w = witness();
    let costs: Vec<u64> = (0..5)
        .map(|n| w.steps[nth_step(&w, ExecutionState::Sstore, n)].gas_cost)
        .collect();
    assert_eq!(costs, vec![5000, 100, 22100, 100, 100]);
    // One slice from the first SSTORE to the last proves each of them.
    let (first, last) = (
        nth_step(&w, ExecutionState::Sstore, 0),
        nth_step(&w, ExecutionState::Sstore, 4),
    );
    assert_eq!(verify(&slice(&w, first..last + 1), vec![]), Ok(()));
}

#[test]
fn cost_is_pinned() {
    let g = gadget();
    let o = Override::Cell {
        step: 0,
        column: g.gas.cost.column,
        rotation: g.gas.cost.rotation,
        value: Fr::from(100),
    };
    assert_rejected(
        verify(&circuit(2), vec![o]),
        "SSTORE: cost = cn·100 + (1 - cn)·clean_cost + (1 - warm)·2100",
    );
}

#[test]
fn refund_follows_eip3529() {
    // Reset to the original zero refunds 19,900; claim 20,000 more.
    let c = circuit(3);
    let refund = c.witness.step_rws(&c.witness.steps[c.steps.start])[7].value;
    let o = rw(7, "value_lo", Fr::from(refund.to::<u64>() + 100));
    assert_rejected(
        verify(&c, vec![o]),
        "SSTORE: refund write: value = refund + (1 - cn)·r_inner (lo)",
    );
}

#[test]
fn original_value_decides_the_cost() {
    // Claim the cleared slot was originally zero (committed value 0): the flag cells no
    // longer match.
    assert_rejected(
        verify(&circuit(0), vec![rw(5, "committed_value_lo", Fr::zero())]),
        "SSTORE: original",
    );
}

#[test]
fn stored_value_is_the_popped_one() {
    assert_rejected(
        verify(&circuit(2), vec![rw(5, "value_lo", Fr::from(6))]),
        "SSTORE: storage write: value = popped value (lo)",
    );
}

#[test]
fn static_calls_cannot_store() {
    assert_rejected(
        verify(&circuit(1), vec![rw(3, "value_lo", Fr::one())]),
        "SSTORE: not a static call (lo)",
    );
}

#[test]
fn sentry_needs_more_than_2300_gas() {
    // The success state on a step with 2300 gas left (an ErrorOutOfGasSstore step).
    let o = Override::StepState {
        step: 0,
        field: "gas_left",
        value: Fr::from(2300),
    };
    assert_rejected(
        verify(&circuit(1), vec![o]),
        "SSTORE: gas_left - 2301 = Σ byte_i·256^i (above the sentry)",
    );
}

#[test]
fn refund_counter_is_carried() {
    let o = Override::StepState {
        step: 1,
        field: "refund",
        value: Fr::zero(),
    };
    assert_rejected(verify(&circuit(0), vec![o]), "SSTORE: next.refund = value");
}
