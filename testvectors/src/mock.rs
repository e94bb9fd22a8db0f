//! `mock` mode: the super circuit (EVM, state, copy, bytecode and keccak circuits over
//! shared tables) under halo2's MockProver, its gates evaluated by
//! [`equivm_circuits::check::mock_check`] (the same verdict, faster).

use crate::report::Verdict;
use equivm_circuits::evm::EvmCircuit;
use equivm_circuits::super_circuit::{
    public_inputs::PRE_STATE_COLUMNS, SuperCircuit, SuperCircuitError,
};
use equivm_witness::Witness;

mod chunked;
pub use chunked::{chunked_verdict, ChunkedVerdict};

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

/// The `k` the whole block needs, when that is above `max_k` and every step has a gadget:
/// mock mode then checks it as chunks ([`chunked_verdict`]). `None` for a block that fits,
/// that needs more rows than any `k` holds, or that something else stops.
pub fn too_big_for(witness: &Witness, max_k: u32) -> Option<u32> {
    if !EvmCircuit::unsupported_reasons(witness).is_empty() {
        return None;
    }
    let rows = SuperCircuit::rows_needed(witness).ok()?;
    // A block above every supported `k` is not split either (it would take hundreds of
    // chunks).
    SuperCircuit::smallest_k(rows).filter(|k| *k > max_k)
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
    if let Some(k) = too_big_for(&witness, max_k) {
        return Err((
            Verdict::Unsupported,
            Some(format!(
                "the block needs k = {k}, above mock mode's limit k = {max_k}"
            )),
        ));
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

/// Runs MockProver on `circuit` with the public pre-state of `honest` (the one a verifier
/// holds) and every other public input of `circuit` itself (what its prover claims: the
/// post-state above all). Tamper mode checks mutants this way: a mutant that only changes a
/// first read's value changes the pre-state it would claim, and so describes another block
/// rather than a false proof of this one.
pub fn mock_check_from_pre_state(
    circuit: &SuperCircuit,
    honest: &SuperCircuit,
) -> Result<(), String> {
    let mut instance = circuit
        .instance()
        .map_err(|e| format!("public inputs: {e}"))?;
    let pre = honest
        .instance()
        .map_err(|e| format!("public inputs: {e}"))?;
    for column in PRE_STATE_COLUMNS {
        if let (Some(to), Some(from)) = (instance.get_mut(column), pre.get(column)) {
            to.clone_from(from);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use equivm_trace::program::{Program, CONTRACT};
    use equivm_trace::revm::primitives::U256;
    use equivm_witness::{AccountField, RwField, RwTag};

    /// A CALL with no value reads the caller's balance only to compare it with 0. Changing
    /// that first read (the balance the block starts from) describes another block whose
    /// execution is just as valid: its own public inputs accept it, the honest pre-state
    /// does not.
    #[test]
    fn a_changed_first_read_is_checked_against_the_honest_pre_state() {
        let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73]; // 5 × PUSH0, PUSH20
        code.extend([0xab; 20]);
        code.extend([0x61, 0xff, 0xff, 0xf1, 0x00]); // PUSH2 0xffff, CALL, STOP
        let traced = Program::new(code).trace();
        let witness = equivm_witness::build_witness(&traced.trace).expect("witness");
        let honest = SuperCircuit::new(witness.clone(), None).expect("supported");
        assert_eq!(mock_check_from_pre_state(&honest, &honest), Ok(()));

        let mut changed = witness;
        let balance = RwField::Account(AccountField::Balance);
        let contract = U256::from_be_slice(CONTRACT.as_slice());
        let first = changed
            .rws
            .iter()
            .position(|r| {
                r.tag == RwTag::Account
                    && r.field == balance
                    && U256::from_be_slice(r.address.as_slice()) == contract
            })
            .expect("the CALL reads the caller's balance");
        assert!(!changed.rws[first].is_write);
        changed.rws[first].value += U256::from(1);
        changed.rws[first].value_prev = changed.rws[first].value;
        let mutant = SuperCircuit::new(changed, None).expect("supported");
        assert_eq!(mock_check(&mutant), Ok(()), "another block, as valid");
        let verdict = mock_check_from_pre_state(&mutant, &honest);
        assert!(verdict.is_err(), "{verdict:?}");
    }
}
