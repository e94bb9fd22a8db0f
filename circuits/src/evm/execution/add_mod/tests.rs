use super::super::test_util::*;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::{alloy_primitives::U512, U256};
use equivm_witness::ExecutionState;
use halo2curves::bn256::Fr;

const ADDMOD: u8 = 0x08;

/// `(a + b) mod n` as the specification defines it.
fn expected(a: U256, b: U256, n: U256) -> U256 {
    if n.is_zero() {
        return U256::ZERO;
    }
    let r = (U512::from(a) + U512::from(b)) % U512::from(n);
    U256::from_limbs_slice(&r.as_limbs()[..4])
}

/// The pushed result of the step at `index` of the slice.
fn result(c: &EvmCircuit, index: usize) -> U256 {
    c.witness.step_rws(&c.witness.steps[c.steps.start + index])[3].value
}

/// ADDMOD over `triples` (indices into `values`, `a` first), checked against the
/// specification and MockProver.
fn check(values: &[U256], triples: &[Vec<usize>]) {
    let code = operand_program(values, triples, ADDMOD);
    let (c, steps) = state_slice(code, ExecutionState::AddMod);
    for (t, &s) in triples.iter().zip(&steps) {
        let (a, b, n) = (values[t[0]], values[t[1]], values[t[2]]);
        assert_eq!(result(&c, s), expected(a, b, n), "ADDMOD({a}, {b}, {n})");
    }
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn edge_operands_pass() {
    let values = edge_operands();
    let ab = [0, 1, 3, 4, 5, 7];
    for n in 0..values.len() {
        let triples: Vec<_> = ab
            .iter()
            .flat_map(|&a| ab.iter().map(move |&b| vec![a, b, n]))
            .collect();
        check(&values, &triples);
    }
}

#[test]
fn random_operands_pass() {
    let values = random_operands(0x5eed_0008, 12);
    let triples: Vec<_> = (0..12)
        .map(|i| vec![i, (i * 5 + 3) % 12, (i * 7 + 1) % 12])
        .collect();
    check(&values, &triples);
}

fn push(step: usize, value: u64) -> Override<Fr> {
    Override::Rw {
        step,
        access: 3,
        field: "value_lo",
        value: Fr::from(value),
    }
}

/// ADDMOD(5, 4, 7) = 2, ADDMOD(5, 4, 0) = 0, ADDMOD(5, 4, 1) = 0: slice steps 0, 5, 10.
fn small_circuit() -> EvmCircuit {
    let values = [5u64, 4, 7, 0, 1].map(U256::from).to_vec();
    let code = operand_program(
        &values,
        &[vec![0, 1, 2], vec![0, 1, 3], vec![0, 1, 4]],
        ADDMOD,
    );
    let (c, steps) = state_slice(code, ExecutionState::AddMod);
    assert_eq!(steps, [0, 5, 10]);
    c
}

#[test]
fn a_changed_result_is_rejected() {
    assert_eq!(verify(&small_circuit(), vec![]), Ok(()));
    assert_rejected(
        verify(&small_circuit(), vec![push(0, 3)]),
        "ADDMOD: result.lo = r.lo",
    );
}

#[test]
fn a_remainder_not_below_n_is_rejected() {
    // 5 + 4 = 0·7 + 9: the division holds, the remainder is not below 7.
    let g = config().gadgets.add_mod;
    let mut overrides = vec![
        cell(0, &g.div.a_bytes[0], 0),
        cell(0, &g.r_bytes[0], 9),
        cell(0, &g.lt.borrow_lo, 0),
        cell(0, &g.lt.borrow_hi, 0),
        push(0, 9),
    ];
    overrides.extend(word_overrides(0, &g.lt.diff_bytes, U256::from(2)));
    let texts = failure_texts(verify(&small_circuit(), overrides));
    assert_only(&texts, "ADDMOD: big·(1 - lt) = 0");
}

#[test]
fn modulus_zero_or_one_pushes_zero() {
    let g = config().gadgets.add_mod;
    // ADDMOD(5, 4, 0) claiming 9.
    let overrides = vec![cell(5, &g.r_bytes[0], 9), push(5, 9)];
    assert_rejected(
        verify(&small_circuit(), overrides),
        "ADDMOD: q·n + r = s + k·2^256: t0 + t1·2^64 + c.lo = d.lo + carry_0·2^128",
    );
    // ... claiming 0 is not small.
    let overrides = vec![cell(5, &g.small.is_zero, 0)];
    assert_rejected(verify(&small_circuit(), overrides), "ADDMOD: n ≤ 1 is zero");
    // ADDMOD(5, 4, 1) claiming quotient 9 (with remainder 0 it is the honest division by 1,
    // but n ≤ 1 pins the quotient to 0).
    let overrides = vec![cell(10, &g.div.a_bytes[0], 9)];
    assert_rejected(
        verify(&small_circuit(), overrides),
        "ADDMOD: small·q.lo = 0",
    );
}

#[test]
fn the_carry_of_the_sum_counts() {
    // ADDMOD(2^256 - 1, 2^256 - 1, 7) with the carry out of bit 256 dropped.
    let values = vec![U256::MAX, U256::from(7)];
    let code = operand_program(&values, &[vec![0, 0, 1]], ADDMOD);
    let c = state_slice(code, ExecutionState::AddMod).0;
    assert_eq!(result(&c, 0), expected(U256::MAX, U256::MAX, U256::from(7)));
    let g = config().gadgets.add_mod;
    assert_rejected(
        verify(&c, vec![cell(0, &g.k, 0)]),
        "ADDMOD: a.hi + b.hi + k_lo = s.hi + k·2^128",
    );
}

#[test]
fn addmod_selector_is_bound_to_opcode() {
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::MulMod,
    };
    assert_rejected(verify(&small_circuit(), vec![o]), "EVM responsible opcode");
}
