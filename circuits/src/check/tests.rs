use super::mock_check;
use crate::evm::assign::Override;
use crate::super_circuit::SuperCircuit;
use equivm_trace::program::Program;
use equivm_witness::RwTag;
use halo2_proofs::dev::MockProver;
use halo2curves::bn256::Fr;

fn circuit() -> SuperCircuit {
    let code = vec![
        0x60, 0x2a, 0x60, 0x00, 0x52, // MSTORE(0, 42)
        0x60, 0x20, 0x5f, 0x20, // KECCAK256(0, 32)
        0x60, 0x01, 0x55, 0x00, // SSTORE(1, hash) STOP
    ];
    let traced = Program::new(code).trace();
    let witness = equivm_witness::build_witness(&traced.trace).expect("witness");
    SuperCircuit::new(witness, None).expect("supported")
}

/// Both verdicts on `c`: this module's and MockProver's own.
fn verdicts(c: &SuperCircuit) -> (Result<(), Vec<String>>, bool) {
    let instance = c.instance().expect("public inputs");
    let fast = mock_check(c.params.k, c, instance.clone()).expect("synthesis");
    let full = MockProver::run(c.params.k, c, instance)
        .expect("synthesis")
        .verify_par()
        .is_ok();
    (fast, full)
}

#[test]
fn the_verdict_is_mock_prover_s() {
    let honest = circuit();
    assert_eq!(verdicts(&honest), (Ok(()), true));

    // A gate: one step's gas.
    let mut gas = honest.clone();
    gas.overrides.push(Override::StepState {
        step: 3,
        field: "gas_left",
        value: Fr::from(honest.witness.steps[3].gas_left + 1),
    });
    let (fast, full) = verdicts(&gas);
    assert!(!full);
    let failures = fast.expect_err("a changed gas is rejected");
    assert!(
        failures.iter().any(|f| f.contains("gas_left")),
        "{failures:#?}"
    );

    // A lookup: one access dropped from the state circuit.
    let mut dropped = honest.clone();
    let i = dropped
        .state_rows
        .iter()
        .position(|r| r.tag == RwTag::Memory)
        .expect("a memory access");
    dropped.state_rows.remove(i);
    let (fast, full) = verdicts(&dropped);
    assert!(!full);
    assert!(fast.is_err());

    // A copy constraint: the summary's public input (the last instance column, bound to
    // the transaction count by a copy only) changed.
    let mut instance = honest.instance().expect("public inputs");
    let last = instance.len() - 1;
    instance[last][0] += Fr::from(1);
    let k = honest.params.k;
    let fast = mock_check(k, &honest, instance.clone()).expect("synthesis");
    let full = MockProver::run(k, &honest, instance)
        .expect("synthesis")
        .verify_par();
    assert!(full.is_err());
    let failures = fast.expect_err("a changed public input is rejected");
    assert!(
        failures.iter().any(|f| f.contains("Equality constraint")),
        "{failures:#?}"
    );
}
