use super::super::test_util::*;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::U256;
use equivm_witness::ExecutionState;
use halo2curves::bn256::Fr;

const MUL: u8 = 0x02;
const DIV: u8 = 0x04;
const MOD: u8 = 0x06;

/// Every ordered pair of edge operands under `opcode`, and the MUL_DIV_MOD steps.
fn edge_circuit(opcode: u8) -> (EvmCircuit, Vec<usize>) {
    let values = edge_operands();
    let code = operand_program(&values, &all_pairs(values.len()), opcode);
    state_slice(code, ExecutionState::MulDivMod)
}

/// The pushed result of the step at `index` of the slice.
fn result(c: &EvmCircuit, index: usize) -> U256 {
    c.witness.step_rws(&c.witness.steps[c.steps.start + index])[2].value
}

/// `a op b` as the yellow paper defines it.
fn expected(opcode: u8, a: U256, b: U256) -> U256 {
    match (opcode, b.is_zero()) {
        (MUL, _) => a.wrapping_mul(b),
        (_, true) => U256::ZERO,
        (DIV, false) => a / b,
        (_, false) => a % b,
    }
}

#[test]
fn edge_operands_pass_for_mul_div_and_mod() {
    let values = edge_operands();
    for opcode in [MUL, DIV, MOD] {
        let (c, steps) = edge_circuit(opcode);
        // revm's results are the specification's.
        for (pair, &s) in all_pairs(values.len()).iter().zip(&steps) {
            let (a, b) = (values[pair[0]], values[pair[1]]);
            assert_eq!(result(&c, s), expected(opcode, a, b), "{opcode:#x} {a} {b}");
        }
        assert_eq!(verify(&c, vec![]), Ok(()), "opcode {opcode:#x}");
    }
}

#[test]
fn random_operands_pass_and_a_changed_result_is_rejected() {
    let values = random_operands(0x5eed_0001, 12);
    let lists: Vec<Vec<usize>> = (0..12).map(|i| vec![i, (i * 5 + 3) % 12]).collect();
    for opcode in [MUL, DIV, MOD] {
        let code = operand_program(&values, &lists, opcode);
        let (c, steps) = state_slice(code, ExecutionState::MulDivMod);
        assert_eq!(verify(&c, vec![]), Ok(()), "opcode {opcode:#x}");
        let s = steps[5];
        let wrong = Override::Rw {
            step: s,
            access: 2,
            field: "value_lo",
            value: crate::evm::assign::word_of::<Fr>(result(&c, s)).lo + Fr::one(),
        };
        assert_rejected(verify(&c, vec![wrong]), "MUL_DIV_MOD: result.lo");
    }
}

fn push(step: usize, value: u64) -> Override<Fr> {
    Override::Rw {
        step,
        access: 2,
        field: "value_lo",
        value: Fr::from(value),
    }
}

/// DIV or MOD of 7 by 2, 7 by 0: the slice's steps 0 and 4.
fn small_circuit(opcode: u8) -> EvmCircuit {
    let values = vec![U256::from(7), U256::from(2), U256::ZERO];
    let code = operand_program(&values, &[vec![0, 1], vec![0, 2]], opcode);
    state_slice(code, ExecutionState::MulDivMod).0
}

#[test]
fn a_remainder_not_below_the_divisor_is_rejected() {
    // 7 = 2·2 + 3: every equation holds, the remainder is not below the divisor.
    let g = config().gadgets.mul_div_mod;
    let mut overrides = vec![
        cell(0, &g.mul_add.a_bytes[0], 2),
        cell(0, &g.z_bytes[0], 3),
        cell(0, &g.lt.borrow_lo, 0),
        cell(0, &g.lt.borrow_hi, 0),
        push(0, 2),
    ];
    overrides.extend(word_overrides(0, &g.lt.diff_bytes, U256::from(1)));
    let texts = failure_texts(verify(&small_circuit(DIV), overrides));
    assert_only(&texts, "MUL_DIV_MOD: divides·(1 - lt) = 0");
}

#[test]
fn division_by_zero_pushes_zero() {
    // DIV(7, 0) claiming quotient 5: 5·0 + 0 = 0 holds, the zero rule does not.
    let g = config().gadgets.mul_div_mod;
    let overrides = vec![cell(4, &g.mul_add.a_bytes[0], 5), push(4, 5)];
    assert_rejected(
        verify(&small_circuit(DIV), overrides),
        "MUL_DIV_MOD: (1 - is_mul - divides)·x.lo = 0",
    );
}

#[test]
fn modulo_zero_pushes_zero() {
    // MOD(7, 0) claiming 7 (the dividend, as if the divisor were ignored).
    let g = config().gadgets.mul_div_mod;
    let overrides = vec![cell(4, &g.z_bytes[0], 7), push(4, 7)];
    assert_rejected(
        verify(&small_circuit(MOD), overrides),
        "MUL_DIV_MOD: x·y + c = d + e·2^256: t0 + t1·2^64 + c.lo = d.lo + carry_0·2^128",
    );
    // ... or claiming the divisor is not zero.
    let overrides = vec![
        cell(4, &g.divides, 1),
        cell(4, &g.z_bytes[0], 7),
        push(4, 7),
    ];
    assert_rejected(
        verify(&small_circuit(MOD), overrides),
        "MUL_DIV_MOD: divides = (1 - is_mul)·(1 - b_zero)",
    );
}

#[test]
fn a_carry_cannot_move_the_product() {
    // MUL(2^128 + 3, 2^128 + 3): take one more carry out of the low limb and push a low limb
    // 2^128 smaller: z's bytes cannot hold it.
    let values = vec![(U256::from(1) << 128) + U256::from(3)];
    let code = operand_program(&values, &[vec![0, 0]], MUL);
    let c = state_slice(code, ExecutionState::MulDivMod).0;
    let g = config().gadgets.mul_div_mod;
    let product = (U256::from(1) << 128) * U256::from(6) + U256::from(9);
    assert_eq!(result(&c, 0), product);
    let overrides = vec![cell(0, &g.mul_add.carries[0][0], 1)];
    assert_rejected(
        verify(&c, overrides),
        "MUL_DIV_MOD: x·y + c = d + e·2^256: t0 + t1·2^64 + c.lo = d.lo + carry_0·2^128",
    );
}

#[test]
fn operands_are_bound() {
    // MUL with the factor x changed: x is tied to a.
    let g = config().gadgets.mul_div_mod;
    let values = vec![U256::from(6), U256::from(7)];
    let code = operand_program(&values, &[vec![0, 1]], MUL);
    let c = state_slice(code, ExecutionState::MulDivMod).0;
    let overrides = vec![
        cell(0, &g.mul_add.a_bytes[0], 5),
        cell(0, &g.z_bytes[0], 35),
        push(0, 35),
    ];
    assert_rejected(
        verify(&c, overrides),
        "MUL_DIV_MOD: is_mul·(a.lo - x.lo) = 0",
    );
    // DIV with the divisor y changed: y is b.
    let overrides = vec![
        cell(0, &g.mul_add.b_bytes[0], 1),
        cell(0, &g.mul_add.a_bytes[0], 7),
        cell(0, &g.z_bytes[0], 0),
        push(0, 7),
    ];
    assert_rejected(
        verify(&small_circuit(DIV), overrides),
        "MUL_DIV_MOD: b.lo = y.lo",
    );
}

#[test]
fn opcode_flags_are_bound() {
    // DIV(7, 2) assigned as MOD: pushes the remainder 1.
    let g = config().gadgets.mul_div_mod;
    let overrides = vec![cell(0, &g.is_div, 0), cell(0, &g.is_mod, 1), push(0, 1)];
    assert_rejected(
        verify(&small_circuit(DIV), overrides),
        "MUL_DIV_MOD: opcode = 2·is_mul + 4·is_div + 6·is_mod",
    );
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::AddSub,
    };
    assert_rejected(
        verify(&small_circuit(DIV), vec![o]),
        "EVM responsible opcode",
    );
}
