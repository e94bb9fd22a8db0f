//! Test helpers: run the MockProver and check which constraint rejected a witness.

use halo2_proofs::{
    dev::{MockProver, VerifyFailure},
    plonk::Circuit,
};
use halo2curves::bn256::Fr;

/// Runs the MockProver at `k` and returns its verdict (`verify()`, not `verify_par()`, which
/// panics on selectors in halo2-axiom).
pub(crate) fn mock_verify<C: Circuit<Fr>>(k: u32, circuit: &C) -> Result<(), Vec<VerifyFailure>> {
    MockProver::run(k, circuit, vec![])
        .expect("synthesis succeeds")
        .verify()
}

/// Asserts that `result` is a failure and that one of the failures names `needle` (a gate,
/// constraint or lookup name). Returns the failures as text.
pub(crate) fn assert_rejected(result: Result<(), Vec<VerifyFailure>>, needle: &str) -> Vec<String> {
    match result {
        Ok(()) => panic!("tampered witness was accepted; expected a failure naming {needle:?}"),
        Err(failures) => {
            let texts: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
            assert!(
                texts.iter().any(|t| t.contains(needle)),
                "no failure names {needle:?}; failures: {texts:#?}"
            );
            texts
        }
    }
}
