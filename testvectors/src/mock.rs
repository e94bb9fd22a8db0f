//! `mock` mode: the EVM circuit under MockProver on a case's whole witness.
//!
//! A witness with a step the circuit has no gadget for is `unsupported`, naming the states
//! and opcodes; it is never assigned. Until the state circuit exists, the rw table is taken
//! as given (its consistency is what the witness replay check shows).

use crate::report::Verdict;
use equivm_circuits::evm::EvmCircuit;
use equivm_witness::Witness;
use halo2_proofs::dev::MockProver;
use std::collections::BTreeSet;

/// The largest `k` mock mode runs; a witness needing more is reported, not attempted.
pub const MAX_MOCK_K: u32 = 20;
/// The smallest `k` (the fixed table's rows need 2^11).
const MIN_MOCK_K: u32 = 11;
/// Rows halo2 reserves at the end of the domain for blinding, with margin.
const RESERVED_ROWS: usize = 16;

/// MockProver's verdict on the EVM circuit over `witness`.
pub fn mock_verdict(witness: Witness) -> (Verdict, Option<String>) {
    let unsupported = EvmCircuit::unsupported_steps(&witness);
    if !unsupported.is_empty() {
        let names: BTreeSet<String> = unsupported
            .iter()
            .map(|(state, opcode)| match opcode {
                Some(op) => format!("{state:?} (opcode 0x{op:02x})"),
                None => format!("{state:?}"),
            })
            .collect();
        let names: Vec<String> = names.into_iter().collect();
        return (
            Verdict::Unsupported,
            Some(format!(
                "no EVM circuit gadget yet for: {}",
                names.join(", ")
            )),
        );
    }
    let probe = EvmCircuit::new(witness, 0);
    let Some(rows) = probe.rows_needed() else {
        return (
            Verdict::Failed,
            Some("internal error: a supported step has no layout".into()),
        );
    };
    let needed = rows.max(probe.table_capacities().max_rows()) + RESERVED_ROWS;
    let k = needed.next_power_of_two().trailing_zeros().max(MIN_MOCK_K);
    if k > MAX_MOCK_K {
        return (
            Verdict::Unsupported,
            Some(format!(
                "trace needs k = {k} ({needed} rows), above mock mode's limit k = {MAX_MOCK_K}"
            )),
        );
    }
    let circuit = EvmCircuit::new(probe.witness, rows);
    let instance = circuit.instance();
    match MockProver::run(k, &circuit, instance) {
        Err(err) => (Verdict::Failed, Some(format!("synthesis: {err:?}"))),
        Ok(prover) => match prover.verify() {
            Ok(()) => (Verdict::Passed, None),
            Err(failures) => {
                let first = failures.first().map(|f| f.to_string()).unwrap_or_default();
                (
                    Verdict::Failed,
                    Some(format!(
                        "EVM circuit: {} constraint failures, first: {first}",
                        failures.len()
                    )),
                )
            }
        },
    }
}
