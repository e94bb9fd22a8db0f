//! `mock` mode: the super circuit (EVM, state, copy, bytecode and keccak circuits over
//! shared tables) under halo2's MockProver, its gates evaluated by
//! [`equivm_circuits::check::mock_check`] (the same verdict, faster).

use crate::report::Verdict;
use equivm_circuits::evm::EvmCircuit;
use equivm_circuits::super_circuit::{SuperCircuit, SuperCircuitError};
use equivm_witness::Witness;

/// The largest `k` mock mode runs; bigger blocks are `unsupported` (MockProver's memory and
/// time grow with `2^k` times the circuit's ~270 columns).
pub const MAX_MOCK_K: u32 = 18;

/// The verdict of `witness` under MockProver: passed, failed (with the first failing
/// constraint), or unsupported (steps without a gadget, or too big for mock mode).
pub fn mock_verdict(witness: Witness) -> (Verdict, Option<String>) {
    let circuit = match mock_circuit(witness, MAX_MOCK_K) {
        Ok(c) => c,
        Err(verdict) => return verdict,
    };
    match mock_check(&circuit) {
        Ok(()) => (Verdict::Passed, None),
        Err(why) => (Verdict::Failed, Some(why)),
    }
}

/// The super circuit of `witness` at the smallest `k` it fits, or the verdict that stops
/// it (unsupported steps, a `k` above `max_k`).
pub fn mock_circuit(
    witness: Witness,
    max_k: u32,
) -> Result<SuperCircuit, (Verdict, Option<String>)> {
    // The size first: a block too big for `max_k` is not built (its tables can take
    // gigabytes).
    let needed = SuperCircuit::rows_needed(&witness);
    let unsupported = EvmCircuit::unsupported_reasons(&witness);
    if let (true, Ok(rows)) = (unsupported.is_empty(), &needed) {
        match SuperCircuit::smallest_k(*rows) {
            Some(k) if k > max_k => {
                return Err((
                    Verdict::Unsupported,
                    Some(format!(
                        "the block needs k = {k}, above mock mode's limit k = {max_k}"
                    )),
                ))
            }
            _ => {}
        }
    }
    match SuperCircuit::new(witness, None) {
        Ok(c) if c.params.k <= max_k => Ok(c),
        Ok(c) => Err((
            Verdict::Unsupported,
            Some(format!(
                "the block needs k = {}, above mock mode's limit k = {max_k}",
                c.params.k
            )),
        )),
        Err(SuperCircuitError::Unsupported(what)) => Err((
            Verdict::Unsupported,
            Some(format!("no EVM circuit gadget covers yet: {what}")),
        )),
        Err(SuperCircuitError::BadK(_)) => Err((
            Verdict::Unsupported,
            Some(format!(
                "the block needs {} rows, more than any supported k",
                needed.unwrap_or(0)
            )),
        )),
        Err(err) => Err((Verdict::Failed, Some(format!("super circuit: {err}")))),
    }
}

/// Runs MockProver on `circuit`; `Err` names the first failing constraint.
pub fn mock_check(circuit: &SuperCircuit) -> Result<(), String> {
    let instance = circuit
        .instance()
        .map_err(|e| format!("public inputs: {e}"))?;
    equivm_circuits::check::mock_check(circuit.params.k, circuit, instance)
        .map_err(|e| format!("synthesis: {e:?}"))?
        .map_err(|failures| describe(&failures))
}

fn describe(failures: &[String]) -> String {
    let first = failures.first().cloned().unwrap_or_default();
    format!(
        "super circuit: {} constraint failures (64 of a kind at most), first: {first}",
        failures.len()
    )
}
