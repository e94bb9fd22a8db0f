//! Tests of the keccak circuit: native witness against revm's keccak256, honest witnesses
//! at the smallest k, and tampered witnesses that must be rejected.

use super::{
    assign::Override,
    layout::{block_row, slot_row, Cell, LENGTH_ROW},
    native::{self, RATE},
    KeccakCircuit, KeccakCircuitConfig,
};
use crate::table::{b256_word, KeccakTable, TableError};
use equivm_trace::revm::primitives::{keccak256, Bytes};
use halo2_proofs::{
    dev::{MockProver, VerifyFailure},
    plonk::{Circuit, ConstraintSystem},
};
use halo2curves::bn256::Fr;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

fn bytes_of_len(len: usize, seed: u64) -> Bytes {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut v = vec![0u8; len];
    rng.fill_bytes(&mut v);
    Bytes::from(v)
}

fn config() -> KeccakCircuitConfig {
    let mut cs = ConstraintSystem::<Fr>::default();
    KeccakCircuit::configure(&mut cs)
}

fn verify(circuit: &KeccakCircuit) -> Result<(), Vec<VerifyFailure>> {
    MockProver::run(circuit.k, circuit, vec![])
        .expect("synthesis succeeds")
        .verify()
}

/// Asserts that `circuit` is rejected and that a failure's text contains `expected`.
fn assert_rejected(circuit: &KeccakCircuit, expected: &str) {
    match verify(circuit) {
        Ok(()) => panic!("tampered witness accepted (expected {expected:?})"),
        Err(failures) => {
            let texts: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
            assert!(
                texts.iter().any(|t| t.contains(expected)),
                "no failure mentions {expected:?}: {:#?}",
                &texts[..texts.len().min(8)]
            );
        }
    }
}

#[test]
fn native_keccak_matches_revm() {
    for len in [0, 1, 55, 134, 135, 136, 137, 200, 271, 272, 273, 300, 1000] {
        let input = bytes_of_len(len, len as u64);
        assert_eq!(native::keccak256(&input), keccak256(&input).0, "len {len}");
    }
}

#[test]
fn chi_inverse_inverts_chi() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let s: [u64; 25] = std::array::from_fn(|_| rng.next_u64());
    assert_eq!(native::chi(&native::chi_inverse(&s)), s);
}

#[test]
fn configured_degree_is_at_most_5() {
    let mut cs = ConstraintSystem::<Fr>::default();
    KeccakCircuit::configure(&mut cs);
    assert!(cs.degree() <= 5, "degree {}", cs.degree());
}

#[test]
fn short_inputs_are_proved() {
    let inputs = vec![Bytes::new(), bytes_of_len(1, 1), bytes_of_len(135, 2)];
    let circuit = KeccakCircuit::smallest(inputs);
    let start = std::time::Instant::now();
    verify(&circuit).expect("honest witness satisfies");
    eprintln!("k = {}, MockProver {:?}", circuit.k, start.elapsed());
}
