use super::super::test_util::*;
use crate::evm::{
    assign::{word_of, Override},
    cell::Cell,
    EvmCircuit,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::ExecutionState;
use halo2curves::bn256::Fr;

const SDIV: u8 = 0x05;
const SMOD: u8 = 0x07;

/// `-x` in two's complement.
fn neg(x: U256) -> U256 {
    x.wrapping_neg()
}

/// `-2^255`, the most negative word.
fn min() -> U256 {
    U256::from(1) << 255
}

/// `a op b` as the yellow paper defines SDIV and SMOD on two's-complement words.
fn expected(opcode: u8, a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let (a_neg, b_neg) = (a >= min(), b >= min());
    let abs = |x: U256, negative: bool| if negative { neg(x) } else { x };
    let (abs_a, abs_b) = (abs(a, a_neg), abs(b, b_neg));
    match opcode {
        SDIV if a == min() && b == U256::MAX => min(),
        SDIV => abs(abs_a / abs_b, a_neg != b_neg),
        _ => abs(abs_a % abs_b, a_neg),
    }
}

/// The edge operands, with more negative ones: -7, -2 and -(2^128 + 3).
fn edge_values() -> Vec<U256> {
    let mut values = edge_operands();
    values.extend([U256::MAX - U256::from(6), U256::MAX - U256::from(1)]);
    values.push(neg((U256::from(1) << 128) + U256::from(3)));
    values
}

/// The pushed result of the step at `index` of the slice.
fn result(c: &EvmCircuit, index: usize) -> U256 {
    c.witness.step_rws(&c.witness.steps[c.steps.start + index])[2].value
}

/// Runs `opcode` on the operand `lists` of `values`, checks revm's results against
/// [`expected`] and the circuit with MockProver; returns the circuit and its steps.
fn run_and_verify(values: &[U256], lists: &[Vec<usize>], opcode: u8) -> (EvmCircuit, Vec<usize>) {
    let code = operand_program(values, lists, opcode);
    let (c, steps) = state_slice(code, ExecutionState::SdivSmod);
    assert_eq!(steps.len(), lists.len());
    for (list, &s) in lists.iter().zip(&steps) {
        let (a, b) = (values[list[0]], values[list[1]]);
        assert_eq!(result(&c, s), expected(opcode, a, b), "{opcode:#x} {a} {b}");
    }
    assert_eq!(verify(&c, vec![]), Ok(()), "opcode {opcode:#x}");
    (c, steps)
}

#[test]
fn sdiv_smod_reference_matches_known_values() {
    let n = |v: u64| neg(U256::from(v));
    let p = U256::from;
    assert_eq!(expected(SDIV, n(7), p(2)), n(3));
    assert_eq!(expected(SDIV, p(7), n(2)), n(3));
    assert_eq!(expected(SDIV, n(7), n(2)), p(3));
    assert_eq!(expected(SMOD, n(7), p(2)), n(1));
    assert_eq!(expected(SMOD, p(7), n(2)), p(1));
    assert_eq!(expected(SMOD, n(7), n(2)), n(1));
    assert_eq!(expected(SDIV, n(7), p(0)), p(0));
    assert_eq!(expected(SMOD, n(7), p(0)), p(0));
    assert_eq!(expected(SDIV, min(), U256::MAX), min());
    assert_eq!(expected(SMOD, min(), U256::MAX), p(0));
    assert_eq!(expected(SDIV, min(), p(1)), min());
}

#[test]
fn sdiv_smod_edge_operands_pass() {
    // 121 ordered pairs per opcode, in three circuits that each fit k = 11.
    let values = edge_values();
    let pairs = all_pairs(values.len());
    for opcode in [SDIV, SMOD] {
        for chunk in pairs.chunks(41) {
            run_and_verify(&values, chunk, opcode);
        }
    }
}

#[test]
fn sdiv_smod_random_operands_pass_and_a_changed_result_is_rejected() {
    let r = random_operands(0x5d1f_0002, 6);
    let values: Vec<U256> = r.iter().copied().chain(r.iter().map(|&x| neg(x))).collect();
    let lists: Vec<Vec<usize>> = (0..12)
        .flat_map(|i| [vec![i, (i * 5 + 3) % 12], vec![i, (i * 7 + 2) % 12]])
        .collect();
    for opcode in [SDIV, SMOD] {
        let (c, steps) = run_and_verify(&values, &lists, opcode);
        let s = steps[5];
        let wrong = Override::Rw {
            step: s,
            access: 2,
            field: "value_lo",
            value: word_of::<Fr>(result(&c, s)).lo + Fr::one(),
        };
        assert_rejected(verify(&c, vec![wrong]), "SDIV_SMOD: push.lo = result.lo");
    }
}

fn cell(step: usize, cell: &Cell<Fr>, value: Fr) -> Override<Fr> {
    Override::Cell {
        step,
        column: cell.column,
        rotation: cell.rotation,
        value,
    }
}

fn bit(step: usize, c: &Cell<Fr>, on: bool) -> Override<Fr> {
    cell(step, c, Fr::from(u64::from(on)))
}

/// Overrides 32 little-endian byte cells with the bytes of `value`.
fn bytes(step: usize, cells: &[Cell<Fr>; 32], value: U256) -> Vec<Override<Fr>> {
    cells
        .iter()
        .zip(value.to_le_bytes::<32>())
        .map(|(c, b)| cell(step, c, Fr::from(u64::from(b))))
        .collect()
}

/// Overrides the magnitude cells with the limbs of `value`.
fn magnitude(step: usize, value: U256) -> Vec<Override<Fr>> {
    let g = config().gadgets.sdiv_smod;
    let w = word_of::<Fr>(value);
    vec![
        cell(step, &g.magnitude[0], w.lo),
        cell(step, &g.magnitude[1], w.hi),
    ]
}

/// Overrides the pushed value (rw access 2) with `value`.
fn push(step: usize, value: U256) -> Vec<Override<Fr>> {
    let w = word_of::<Fr>(value);
    [("value_lo", w.lo), ("value_hi", w.hi)]
        .into_iter()
        .map(|(field, value)| Override::Rw {
            step,
            access: 2,
            field,
            value,
        })
        .collect()
}

/// Overrides the result: its bytes, the carries of its negation and the pushed value.
fn claim_result(step: usize, value: U256, carries: (bool, bool)) -> Vec<Override<Fr>> {
    let g = config().gadgets.sdiv_smod;
    let mut o = bytes(step, &g.result_bytes, value);
    o.push(bit(step, &g.result.carry_lo, carries.0));
    o.push(bit(step, &g.result.carry_hi, carries.1));
    o.extend(push(step, value));
    o
}

/// `opcode` on (-7, 2), (-7, 0) and (-2^255, -1): the slice's steps 0, 4 and 8.
fn small_circuit(opcode: u8) -> EvmCircuit {
    let values = vec![
        U256::MAX - U256::from(6),
        U256::from(2),
        U256::ZERO,
        min(),
        U256::MAX,
    ];
    let lists = [vec![0, 1], vec![0, 2], vec![3, 4]];
    let (c, steps) = state_slice(
        operand_program(&values, &lists, opcode),
        ExecutionState::SdivSmod,
    );
    assert_eq!(steps, [0, 4, 8]);
    c
}

/// Asserts that `texts` name `needle` and none of `absent`.
fn assert_only(texts: &[String], needle: &str, absent: &[&str]) {
    for a in absent {
        assert_named_not(texts, needle, a);
    }
}

#[test]
fn sdiv_smod_wrong_quotient_sign_is_rejected() {
    // SDIV(-7, 2) = -3 claiming +3, with q_sign, s, the result bytes, the negation's carries
    // and the push all consistent: only the xor rule fails.
    let g = config().gadgets.sdiv_smod;
    let mut o = vec![bit(0, &g.q_sign, false), bit(0, &g.sign, false)];
    o.extend(claim_result(0, U256::from(3), (false, false)));
    let texts = failure_texts(verify(&small_circuit(SDIV), o));
    assert_only(
        &texts,
        "SDIV_SMOD: q_sign = a_sign + b_sign - 2·a_sign·b_sign",
        &["result = s ? -v : v", "push.lo", "s = (1 - is_smod)"],
    );
}

#[test]
fn sdiv_smod_wrong_remainder_sign_is_rejected() {
    // SMOD(-7, 2) = -1 claiming +1: the remainder takes the dividend's sign.
    let g = config().gadgets.sdiv_smod;
    let mut o = vec![bit(0, &g.sign, false)];
    o.extend(claim_result(0, U256::from(1), (false, false)));
    let texts = failure_texts(verify(&small_circuit(SMOD), o));
    assert_only(
        &texts,
        "SDIV_SMOD: s = (1 - is_smod)·q_sign + is_smod·a_sign",
        &["result = s ? -v : v", "push.lo", "q_sign ="],
    );
}

#[test]
fn sdiv_smod_remainder_not_below_divisor_is_rejected() {
    // SDIV(-7, 2): |a| = 7 = 2·2 + 3, every mul-add equation holds, |r| = 3 ≥ |b| = 2;
    // the result -2 is consistent with |q| = 2.
    let g = config().gadgets.sdiv_smod;
    let mut o = bytes(0, &g.mul_add.a_bytes, U256::from(2));
    o.extend(bytes(0, &g.abs_r_bytes, U256::from(3)));
    o.extend(bytes(0, &g.lt.diff_bytes, U256::from(1)));
    o.push(bit(0, &g.lt.borrow_lo, false));
    o.push(bit(0, &g.lt.borrow_hi, false));
    o.extend(magnitude(0, U256::from(2)));
    o.extend(claim_result(0, neg(U256::from(2)), (true, true)));
    let texts = failure_texts(verify(&small_circuit(SDIV), o));
    assert_only(
        &texts,
        "SDIV_SMOD: (1 - b_zero)·(1 - lt) = 0",
        &[
            "|q|·|b| + |r|",
            "|r| < |b|:",
            "result = s ? -v : v",
            "push.lo",
        ],
    );
}

#[test]
fn sdiv_by_zero_pushes_zero() {
    // SDIV(-7, 0) claiming -5: |q|·0 + 0 = 0 holds, the zero rule does not.
    let g = config().gadgets.sdiv_smod;
    let mut o = bytes(4, &g.mul_add.a_bytes, U256::from(5));
    o.extend(magnitude(4, U256::from(5)));
    o.extend(claim_result(4, neg(U256::from(5)), (true, true)));
    let texts = failure_texts(verify(&small_circuit(SDIV), o));
    assert_only(
        &texts,
        "SDIV_SMOD: b_zero·|q|.lo = 0",
        &["|q|·|b| + |r|", "result = s ? -v : v", "push.lo"],
    );
}

#[test]
fn smod_by_zero_pushes_zero() {
    // SMOD(-7, 0) claiming -7 (the dividend, as if the divisor were ignored).
    let g = config().gadgets.sdiv_smod;
    let mut o = bytes(4, &g.abs_r_bytes, U256::from(7));
    o.extend(magnitude(4, U256::from(7)));
    o.extend(claim_result(4, neg(U256::from(7)), (true, true)));
    assert_rejected(
        verify(&small_circuit(SMOD), o),
        "SDIV_SMOD: |q|·|b| + |r| = (1 - b_zero)·|a|: t0 + t1·2^64 + c.lo = d.lo + carry_0·2^128",
    );
}

#[test]
fn neg_if_cannot_skip_the_negation() {
    // SDIV(-7, 2): result = v = 3 while s = 1 (NegIf's y = x with the carries at 0).
    let texts = failure_texts(verify(
        &small_circuit(SDIV),
        claim_result(0, U256::from(3), (false, false)),
    ));
    assert_only(
        &texts,
        "SDIV_SMOD: result = s ? -v : v: s·(x.lo + y.lo - carry_lo·2^128) = 0",
        &["q_sign =", "s = (1 - is_smod)"],
    );
    // |a| claimed as a itself for a = -7: the negation of a fails (and the mul-add with it).
    let g = config().gadgets.sdiv_smod;
    let o = bytes(0, &g.abs_a_bytes, U256::MAX - U256::from(6));
    assert_rejected(
        verify(&small_circuit(SDIV), o),
        "SDIV_SMOD: |a| = a_sign ? -a : a: s·(x.lo + y.lo - carry_lo·2^128) = 0",
    );
}

#[test]
fn sdiv_overflow_case_is_bound() {
    // -2^255 / -1 = -2^255 (the word 2^255), step 8.
    let c = small_circuit(SDIV);
    assert_eq!(result(&c, 8), min());
    assert_eq!(result(&small_circuit(SMOD), 8), U256::ZERO);
    let g = config().gadgets.sdiv_smod;
    // Claiming the quotient negative: -(2^255) mod 2^256 is 2^255 again, so only the xor rule
    // notices (the result is the same word).
    let o = vec![
        bit(8, &g.q_sign, true),
        bit(8, &g.sign, true),
        bit(8, &g.result.carry_lo, false),
        bit(8, &g.result.carry_hi, true),
    ];
    let texts = failure_texts(verify(&c, o));
    assert_only(
        &texts,
        "SDIV_SMOD: q_sign = a_sign + b_sign - 2·a_sign·b_sign",
        &["result = s ? -v : v", "push.lo", "s = (1 - is_smod)"],
    );
    // Claiming the saturated 2^255 - 1 with |q| = 2^255 - 1, |r| = 1: the mul-add holds
    // (2^255 - 1)·1 + 1 = 2^255 (one carry out of the low limbs); |r| < |b| does not.
    let top = min() - U256::from(1);
    let mut o = bytes(8, &g.mul_add.a_bytes, top);
    o.push(cell(8, &g.mul_add.carries[0][0], Fr::one()));
    o.extend(bytes(8, &g.abs_r_bytes, U256::from(1)));
    o.extend(bytes(8, &g.lt.diff_bytes, U256::ZERO));
    o.push(bit(8, &g.lt.borrow_lo, false));
    o.push(bit(8, &g.lt.borrow_hi, false));
    o.extend(magnitude(8, top));
    o.extend(claim_result(8, top, (false, false)));
    let texts = failure_texts(verify(&c, o));
    assert_only(
        &texts,
        "SDIV_SMOD: (1 - b_zero)·(1 - lt) = 0",
        &[
            "|q|·|b| + |r|",
            "|r| < |b|:",
            "result = s ? -v : v",
            "push.lo",
        ],
    );
    // Claiming 0: the result is not the (unnegated) magnitude 2^255.
    assert_rejected(
        verify(&c, claim_result(8, U256::ZERO, (false, false))),
        "SDIV_SMOD: result = s ? -v : v: (1 - s)·(y.hi - x.hi) = 0",
    );
}

#[test]
fn sdiv_smod_opcode_flags_are_bound() {
    // SDIV(-7, 2) assigned as SMOD: pushes the remainder -1.
    let g = config().gadgets.sdiv_smod;
    let mut o = vec![bit(0, &g.is_smod, true)];
    o.extend(magnitude(0, U256::from(1)));
    o.extend(claim_result(0, neg(U256::from(1)), (true, true)));
    let texts = failure_texts(verify(&small_circuit(SDIV), o));
    assert_only(
        &texts,
        "SDIV_SMOD: opcode = 5 + 2·is_smod",
        &["result = s ? -v : v", "push.lo", "v.lo ="],
    );
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::MulDivMod,
    };
    assert_rejected(
        verify(&small_circuit(SDIV), vec![o]),
        "EVM responsible opcode",
    );
}
