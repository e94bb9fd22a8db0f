use super::super::test_util::*;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::{alloy_primitives::U512, U256};
use equivm_witness::ExecutionState;
use halo2curves::bn256::Fr;

const MULMOD: u8 = 0x09;

/// `(a·b) mod n` as the specification defines it.
fn expected(a: U256, b: U256, n: U256) -> U256 {
    if n.is_zero() {
        return U256::ZERO;
    }
    let r = (U512::from(a) * U512::from(b)) % U512::from(n);
    U256::from_limbs_slice(&r.as_limbs()[..4])
}

/// The pushed result of the step at `index` of the slice.
fn result(c: &EvmCircuit, index: usize) -> U256 {
    c.witness.step_rws(&c.witness.steps[c.steps.start + index])[3].value
}

/// MULMOD over `triples` (indices into `values`, `a` first), checked against the
/// specification and MockProver.
fn check(values: &[U256], triples: &[Vec<usize>]) {
    let code = operand_program(values, triples, MULMOD);
    let (c, steps) = state_slice(code, ExecutionState::MulMod);
    for (t, &s) in triples.iter().zip(&steps) {
        let (a, b, n) = (values[t[0]], values[t[1]], values[t[2]]);
        assert_eq!(result(&c, s), expected(a, b, n), "MULMOD({a}, {b}, {n})");
    }
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn edge_operands_pass() {
    let values = edge_operands();
    let ab = [0, 1, 3, 4, 5];
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
    let values = random_operands(0x5eed_0009, 12);
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

/// MULMOD(10, 3, 7) = 2 and MULMOD(3, 5, 0) = 0: slice steps 0 and 5.
fn small_circuit() -> EvmCircuit {
    let values = [10u64, 3, 7, 5, 0].map(U256::from).to_vec();
    let code = operand_program(&values, &[vec![0, 1, 2], vec![1, 3, 4]], MULMOD);
    let (c, steps) = state_slice(code, ExecutionState::MulMod);
    assert_eq!(steps, [0, 5]);
    c
}

#[test]
fn a_changed_result_is_rejected() {
    assert_eq!(verify(&small_circuit(), vec![]), Ok(()));
    assert_rejected(
        verify(&small_circuit(), vec![push(0, 3)]),
        "MULMOD: result.lo = r.lo",
    );
}

#[test]
fn modulus_zero_pushes_zero() {
    // MULMOD(3, 5, 0) claiming 15 = 3·5, first with the product taken from a itself ...
    let g = config().gadgets.mul_mod;
    let overrides = vec![
        cell(5, &g.a_red_bytes[0], 3),
        cell(5, &g.p_lo_bytes[0], 15),
        cell(5, &g.r_bytes[0], 15),
        push(5, 15),
    ];
    assert_rejected(
        verify(&small_circuit(), overrides),
        "MULMOD: reduce: k·n + a_red = nz·a: t0 + t1·2^64 + c.lo = d.lo + carry_0·2^128",
    );
    // ... then with a zero product and a remainder out of nothing.
    let overrides = vec![cell(5, &g.r_bytes[0], 15), push(5, 15)];
    assert_rejected(
        verify(&small_circuit(), overrides),
        "MULMOD: divide: q·n + r = p_lo + p_hi·2^256: t0 + t1·2^64 + c.lo = d.lo + carry_0·2^128",
    );
    // ... or claiming n is not zero.
    let overrides = vec![cell(5, &g.n_zero.is_zero, 0)];
    assert_rejected(verify(&small_circuit(), overrides), "MULMOD: n is zero");
}

#[test]
fn a_remainder_not_below_n_is_rejected() {
    // a_red·b = 3·3 = 9 = 0·7 + 9: the division holds, 9 is not below 7.
    let g = config().gadgets.mul_mod;
    let mut overrides = vec![
        cell(0, &g.divide.a_bytes[0], 0),
        cell(0, &g.r_bytes[0], 9),
        cell(0, &g.lt_r.borrow_lo, 0),
        cell(0, &g.lt_r.borrow_hi, 0),
        push(0, 9),
    ];
    overrides.extend(word_overrides(0, &g.lt_r.diff_bytes, U256::from(2)));
    let texts = failure_texts(verify(&small_circuit(), overrides));
    assert_only(&texts, "MULMOD: nz·(1 - lt_r) = 0");
}

#[test]
fn the_reduction_must_reduce() {
    // 10 = 0·7 + 10: an unreduced a (here harmless to the result, but with a small n the
    // final quotient would not fit 256 bits).
    let g = config().gadgets.mul_mod;
    let mut overrides = vec![
        cell(0, &g.reduce.a_bytes[0], 0),
        cell(0, &g.a_red_bytes[0], 10),
        cell(0, &g.lt_a.borrow_lo, 0),
        cell(0, &g.lt_a.borrow_hi, 0),
        cell(0, &g.p_lo_bytes[0], 30),
        cell(0, &g.divide.a_bytes[0], 4),
    ];
    overrides.extend(word_overrides(0, &g.lt_a.diff_bytes, U256::from(3)));
    let texts = failure_texts(verify(&small_circuit(), overrides));
    assert_only(&texts, "MULMOD: nz·(1 - lt_a) = 0");
}

#[test]
fn mulmod_selector_is_bound_to_opcode() {
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::AddMod,
    };
    assert_rejected(verify(&small_circuit(), vec![o]), "EVM responsible opcode");
}
