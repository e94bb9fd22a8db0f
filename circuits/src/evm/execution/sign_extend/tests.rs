use super::super::test_util::*;
use crate::evm::{
    assign::{word_of, Override},
    EvmCircuit,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::ExecutionState;
use halo2curves::bn256::Fr;

const SIGNEXTEND: u8 = 0x0b;

/// SIGNEXTEND(b, x) as the yellow paper defines it, on bits: bit `8b + 7` of `x` is copied
/// into every bit above it when `b < 31`.
fn expected(b: U256, x: U256) -> U256 {
    if b >= U256::from(31) {
        return x;
    }
    let bit = b.to::<usize>() * 8 + 7;
    let low = (U256::from(1) << (bit + 1)) - U256::from(1);
    if x.bit(bit) {
        x | !low
    } else {
        x & low
    }
}

/// The pushed result of the step at `index` of the slice.
fn result(c: &EvmCircuit, index: usize) -> U256 {
    c.witness.step_rws(&c.witness.steps[c.steps.start + index])[2].value
}

/// A word from its 32 little-endian bytes.
fn from_bytes(f: impl Fn(usize) -> u8) -> U256 {
    U256::from_le_bytes::<32>(std::array::from_fn(f))
}

/// Bytes `j + 1`, with bit 7 set on odd bytes: byte 3 is 0x84, byte 4 is 0x05.
fn alternating() -> U256 {
    from_bytes(|j| (j as u8 + 1) | if j % 2 == 1 { 0x80 } else { 0 })
}

/// The `x` values of the grid: the edge operands, `alternating()` and its complement (bit 7
/// set on even bytes).
fn grid_xs() -> Vec<U256> {
    let mut xs = edge_operands();
    xs.extend([alternating(), !alternating()]);
    xs
}

/// Every `b` in `0..=32`, then 255, 256, 2^128 and 2^256 - 1.
fn grid_bs() -> Vec<U256> {
    let mut bs: Vec<U256> = (0..=32u64).map(U256::from).collect();
    bs.extend([
        U256::from(255),
        U256::from(256),
        U256::from(1) << 128,
        U256::MAX,
    ]);
    bs
}

/// A program that pushes `xs` (at most 15), then for each `b` pushes it, runs SIGNEXTEND(b, x)
/// for every `x` of `xs` (DUP x, DUP2 b, SIGNEXTEND, POP) and pops `b`; STOP. The operations
/// run in the order `(b, x)` of `bs × xs`.
fn grid_program(xs: &[U256], bs: &[U256]) -> Vec<u8> {
    assert!(xs.len() <= 15, "DUP reaches 16 items deep");
    let push32 = |code: &mut Vec<u8>, v: &U256| {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    };
    let mut code = Vec::new();
    for x in xs {
        push32(&mut code, x);
    }
    for b in bs {
        push32(&mut code, b);
        for i in 0..xs.len() {
            code.push(0x80 + (xs.len() - i) as u8); // DUP(n - i + 1): x_i, under b
            code.extend([0x81, SIGNEXTEND, 0x50]); // DUP2 (b), SIGNEXTEND, POP
        }
        code.push(0x50);
    }
    code.push(0x00);
    code
}

#[test]
fn every_byte_index_passes_against_the_reference() {
    let xs = grid_xs();
    let bs = grid_bs();
    // Three circuits of 13, 12 and 12 indices (130 and 120 steps) fit k = 11.
    for chunk in bs.chunks(13) {
        let (c, steps) = state_slice(grid_program(&xs, chunk), ExecutionState::SignExtend);
        assert_eq!(steps.len(), chunk.len() * xs.len());
        let pairs = chunk.iter().flat_map(|b| xs.iter().map(move |x| (*b, *x)));
        for ((b, x), &s) in pairs.zip(&steps) {
            // revm's results are the specification's.
            assert_eq!(result(&c, s), expected(b, x), "SIGNEXTEND({b}, {x:#x})");
        }
        assert_eq!(verify(&c, vec![]), Ok(()), "indices {chunk:?}");
    }
}

#[test]
fn the_reference_extends_the_sign() {
    let x = alternating();
    assert_eq!(expected(U256::ZERO, x), U256::from(1));
    assert_eq!(
        expected(U256::from(1), x),
        U256::MAX << 16 | U256::from(0x8201)
    );
    assert_eq!(expected(U256::from(31), x), x);
    assert_eq!(expected(U256::MAX, x), x);
    assert_eq!(
        expected(U256::from(30), U256::from(1) << 247),
        U256::MAX << 247
    );
}

#[test]
fn random_operands_pass_and_a_changed_result_is_rejected() {
    let xs = random_operands(0x51e7_0001, 7);
    // Five small indices around the range end and one raw random word.
    let mut bs: Vec<U256> = random_operands(0x51e7_0002, 5)
        .into_iter()
        .map(|v| v % U256::from(36))
        .collect();
    bs.extend(random_operands(0x51e7_0003, 1));
    // values: the indices, then the x values; every (b, x) pair, b on top.
    let values: Vec<U256> = bs.iter().chain(&xs).copied().collect();
    let (nb, nx) = (bs.len(), xs.len());
    let lists: Vec<Vec<usize>> = (0..nb)
        .flat_map(|b| (0..nx).map(move |x| vec![b, nb + x]))
        .collect();
    let code = operand_program(&values, &lists, SIGNEXTEND);
    let (c, steps) = state_slice(code, ExecutionState::SignExtend);
    for (list, &s) in lists.iter().zip(&steps) {
        let (b, x) = (values[list[0]], values[list[1]]);
        assert_eq!(result(&c, s), expected(b, x), "SIGNEXTEND({b}, {x:#x})");
    }
    assert_eq!(verify(&c, vec![]), Ok(()));
    let s = steps[9];
    let wrong = Override::Rw {
        step: s,
        access: 2,
        field: "value_hi",
        value: word_of::<Fr>(result(&c, s)).hi + Fr::one(),
    };
    assert_rejected(
        verify(&c, vec![wrong]),
        "SIGN_EXTEND: result.hi = Σ_{j≥16} r_j·256^(j-16)",
    );
}

/// Overrides pushing `value` at `step`.
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

/// SIGNEXTEND of `alternating()` by 3, 256 and 2^128, and the SIGNEXTEND steps.
fn small_circuit() -> (EvmCircuit, Vec<usize>) {
    let values = vec![
        alternating(),
        U256::from(3),
        U256::from(256),
        U256::from(1) << 128,
    ];
    let code = operand_program(&values, &[vec![1, 0], vec![2, 0], vec![3, 0]], SIGNEXTEND);
    state_slice(code, ExecutionState::SignExtend)
}

/// Asserts that some SIGN_EXTEND constraint fails and every failing one names `needle`
/// (other failures, such as the rw lookup of a changed push, are not looked at).
fn assert_only(texts: &[String], needle: &str) {
    let gadget: Vec<_> = texts
        .iter()
        .filter(|t| t.contains("'SIGN_EXTEND: "))
        .collect();
    assert!(
        !gadget.is_empty(),
        "no SIGN_EXTEND constraint fails: {texts:#?}"
    );
    assert!(
        gadget.iter().all(|t| t.contains(needle)),
        "a SIGN_EXTEND failure does not name {needle:?}: {texts:#?}"
    );
}

#[test]
fn a_changed_result_is_rejected() {
    let (c, steps) = small_circuit();
    let s = steps[0];
    assert_eq!(result(&c, s), expected(U256::from(3), alternating()));
    let o = Override::Rw {
        step: s,
        access: 2,
        field: "value_lo",
        value: word_of::<Fr>(result(&c, s)).lo + Fr::one(),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "SIGN_EXTEND: result.lo = Σ_{j<16} r_j·256^j",
    );
}

#[test]
fn the_selector_is_bound_to_the_index() {
    // SIGNEXTEND(3, x) extending byte 4 instead (0x05, sign 0): selector, selected byte,
    // sign, rest and result all consistent; only the index equation fails.
    let (c, steps) = small_circuit();
    let s = steps[0];
    let g = config().gadgets.sign_extend;
    let x = alternating();
    let mut overrides = vec![
        cell(s, &g.sel[3], 0),
        cell(s, &g.sel[4], 1),
        cell(s, &g.selected, 0x05),
        cell(s, &g.sign, 0),
        cell(s, &g.rest, 0x05 + 128),
    ];
    overrides.extend(push(s, expected(U256::from(4), x)));
    let texts = failure_texts(verify(&c, overrides));
    assert_only(&texts, "SIGN_EXTEND: Σ_j j·sel_j + g = c");

    // ... or extending byte 0 (0x01) with the slack g = 3 making up the index: only
    // `sel_31` may use the slack.
    let mut overrides = vec![
        cell(s, &g.sel[3], 0),
        cell(s, &g.sel[0], 1),
        cell(s, &g.g, 3),
        cell(s, &g.selected, 0x01),
        cell(s, &g.sign, 0),
        cell(s, &g.rest, 0x01 + 128),
    ];
    overrides.extend(push(s, expected(U256::ZERO, x)));
    let texts = failure_texts(verify(&c, overrides));
    assert_only(&texts, "SIGN_EXTEND: (1 - sel_31)·g = 0");
}

#[test]
fn the_sign_bit_cannot_be_cleared() {
    // SIGNEXTEND(3, x) with byte 3 = 0x84 claiming sign 0 (zero-filling): the rest equation
    // holds with rest = 0x84 + 128 = 260, which the byte range check refuses.
    let (c, steps) = small_circuit();
    let s = steps[0];
    let g = config().gadgets.sign_extend;
    let x = alternating();
    let mut overrides = vec![cell(s, &g.sign, 0), cell(s, &g.rest, 0x84 + 128)];
    overrides.extend(push(s, x & ((U256::from(1) << 32) - U256::from(1))));
    let texts = failure_texts(verify(&c, overrides));
    assert_named_not(&texts, "EVM byte cell in 0..=255", "SIGN_EXTEND");
}

#[test]
fn a_large_index_cannot_claim_to_be_in_range() {
    // SIGNEXTEND(256, x) and SIGNEXTEND(2^128, x), each claiming b < 256 (b = b_byte_0 = 0):
    // extends byte 0 (0x01, sign 0). Everything holds but WordIsZero of b's high part.
    let (c, steps) = small_circuit();
    let g = config().gadgets.sign_extend;
    let low_byte = expected(U256::ZERO, alternating());
    let mut overrides = Vec::new();
    for (s, inv) in [
        (steps[1], &g.in_range.inv_lo),
        (steps[2], &g.in_range.inv_hi),
    ] {
        overrides.extend([
            cell(s, &g.in_range.is_zero, 1),
            cell(s, inv, 0),
            cell(s, &g.c, 0),
            cell(s, &g.sel[31], 0),
            cell(s, &g.sel[0], 1),
            cell(s, &g.g, 0),
            cell(s, &g.selected, 0x01),
            cell(s, &g.sign, 0),
            cell(s, &g.rest, 0x01 + 128),
        ]);
        overrides.extend(push(s, low_byte));
    }
    let texts = failure_texts(verify(&c, overrides));
    assert_only(&texts, "SIGN_EXTEND: b high part is zero: b high part.");
    for limb in ["lo", "hi"] {
        let needle = format!("b high part is zero: b high part.{limb} · is_zero = 0");
        assert!(texts.iter().any(|t| t.contains(&needle)), "{texts:#?}");
    }
}

#[test]
fn the_opcode_is_bound() {
    let (c, steps) = small_circuit();
    let o = Override::ExecutionState {
        step: steps[0],
        state: ExecutionState::AddSub,
    };
    assert_rejected(verify(&c, vec![o]), "EVM responsible opcode");
}
