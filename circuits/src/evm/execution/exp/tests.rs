use super::super::test_util::*;
use crate::evm::{assign::Override, cell::Cell, stats::layouts, EvmCircuit};
use equivm_trace::revm::primitives::U256;
use equivm_witness::ExecutionState;
use halo2curves::bn256::Fr;

const EXP: u8 = 0x0a;

fn height(state: ExecutionState) -> usize {
    layouts()
        .iter()
        .find(|(s, _, _)| *s == state)
        .map(|(_, _, l)| l.height)
        .expect("layout")
}

/// The pushed result of the step at `index` of the slice.
fn result(c: &EvmCircuit, index: usize) -> U256 {
    c.witness.step_rws(&c.witness.steps[c.steps.start + index])[2].value
}

/// EXP over `pairs` (indices into `values`, base first), checked against the
/// specification and MockProver at `k`.
fn check(values: &[U256], pairs: &[Vec<usize>], k: u32) {
    let code = operand_program(values, pairs, EXP);
    let (c, steps) = state_slice(code, ExecutionState::Exp);
    for (p, &s) in pairs.iter().zip(&steps) {
        let (base, exponent) = (values[p[0]], values[p[1]]);
        assert_eq!(
            result(&c, s),
            base.wrapping_pow(exponent),
            "{base}^{exponent}"
        );
    }
    assert_eq!(verify_k(&c, vec![], k), Ok(()));
}

#[test]
fn chain_cells_sit_alike_in_exp_and_its_rounds() {
    let g = config().gadgets;
    let (a, b) = (&g.exp.chain, &g.exp_round.chain);
    let pos =
        |cells: &[Cell<Fr>]| -> Vec<_> { cells.iter().map(|c| (c.column, c.rotation)).collect() };
    assert_eq!(pos(&a.pow), pos(&b.pow));
    assert_eq!(pos(&a.acc), pos(&b.acc));
    assert_eq!(pos(&a.rem), pos(&b.rem));
    assert_eq!(pos(&a.result), pos(&b.result));
}

#[test]
fn small_exponents_pass() {
    // Bases 0, 1, 2, 2^255, 2^256 - 1, 2^128 + 3, 2^255 - 1, 7 to the powers 0, 1, 2, 3, 7.
    let mut values = edge_operands();
    values.push(U256::from(3));
    let exponents = [0, 1, 2, 8];
    let pairs: Vec<_> = (0..8)
        .flat_map(|b| exponents.iter().map(move |&e| vec![b, e]))
        .collect();
    check(&values, &pairs, 13);
}

#[test]
fn large_exponents_pass() {
    // 3^(2^256 - 1) (256 rounds) and (2^128 + 3)^(2^128 + 3) (129 rounds).
    let values = vec![
        U256::from(3),
        U256::MAX,
        (U256::from(1) << 128) + U256::from(3),
    ];
    check(&values, &[vec![0, 1], vec![2, 2]], 13);
}

#[test]
fn random_operands_pass() {
    // Random bases, random exponents of up to 64 bits.
    let mut values = random_operands(0x5eed_000a, 6);
    values.extend(random_operands(0x5eed_000b, 6).iter().map(|e| *e >> 192));
    let pairs: Vec<_> = (0..6).map(|i| vec![i, 6 + i]).collect();
    check(&values, &pairs, 13);
}

/// EXP(3, 5) = 243: the EXP step, then rounds for rem = 5, 2, 1.
fn three_to_the_five() -> EvmCircuit {
    let code = operand_program(&[U256::from(3), U256::from(5)], &[vec![0, 1]], EXP);
    let (c, steps) = state_slice(code, ExecutionState::Exp);
    assert_eq!(steps, [0]);
    assert_eq!(result(&c, 0), U256::from(243));
    c
}

/// An override of `cell` in round `round` of the EXP step at slice step 0.
fn round_cell(round: usize, cell: &Cell<Fr>, value: Fr) -> Override<Fr> {
    let rotation =
        height(ExecutionState::Exp) + round * height(ExecutionState::ExpRound) + cell.rotation;
    Override::Cell {
        step: 0,
        column: cell.column,
        rotation,
        value,
    }
}

#[test]
fn a_consistent_wrong_result_is_rejected_by_the_last_round() {
    // The pushed value is 244 in the log itself, so the step, the rw lookup and every round
    // carry it: only the last round's check can see it.
    let mut c = three_to_the_five();
    assert_eq!(verify(&c, vec![]), Ok(()));
    let step = c.witness.steps[c.steps.start].clone();
    let push = step.rw_counter as usize - 1 + 2;
    c.witness.rws[push].value = U256::from(244);
    let texts = failure_texts(verify(&c, vec![]));
    assert_only(&texts, "EXP_ROUND: is_last·(result.lo - new_acc.lo) = 0");
}

#[test]
fn the_chain_cannot_stop_early() {
    // Round 0 (rem = 5) claiming to be the last, with result = new_acc = 3.
    let g = config().gadgets.exp_round;
    let overrides = vec![round_cell(0, &g.is_last, Fr::one())];
    assert_rejected(
        verify(&three_to_the_five(), overrides),
        "EXP_ROUND: rem.lo + c·2^128 = 2·(1 - is_last)·next.rem.lo + bit",
    );
}

#[test]
fn a_round_must_take_the_low_bit() {
    // Round 0 (rem = 5 = 2·2 + 1) claiming bit 0: new_acc stays 1.
    let g = config().gadgets.exp_round;
    let overrides = vec![
        round_cell(0, &g.bit, Fr::zero()),
        round_cell(0, &g.new_acc[0], Fr::one()),
    ];
    assert_rejected(
        verify(&three_to_the_five(), overrides),
        "EXP_ROUND: rem.lo + c·2^128 = 2·(1 - is_last)·next.rem.lo + bit",
    );
}

#[test]
fn exponent_zero_pushes_one() {
    let code = operand_program(&[U256::from(9), U256::ZERO], &[vec![0, 1]], EXP);
    let mut c = state_slice(code, ExecutionState::Exp).0;
    assert_eq!(verify(&c, vec![]), Ok(()));
    let step = c.witness.steps[c.steps.start].clone();
    c.witness.rws[step.rw_counter as usize + 1].value = U256::ZERO;
    let texts = failure_texts(verify(&c, vec![]));
    assert_only(&texts, "EXP: e_zero·(result.lo - 1) = 0");
}

#[test]
fn gas_counts_every_exponent_byte() {
    // EXP(3, 0x0105): claiming one byte (sel on byte 0) to pay 50 gas less.
    let code = operand_program(&[U256::from(3), U256::from(0x0105)], &[vec![0, 1]], EXP);
    let c = state_slice(code, ExecutionState::Exp).0;
    assert_eq!(verify(&c, vec![]), Ok(()));
    let g = config().gadgets.exp;
    let cell = |cell: &Cell<Fr>, value: Fr| Override::Cell {
        step: 0,
        column: cell.column,
        rotation: cell.rotation,
        value,
    };
    let overrides = vec![
        cell(&g.size.sel[1], Fr::zero()),
        cell(&g.size.sel[0], Fr::one()),
        cell(&g.size.top, Fr::from(5)),
        cell(&g.size.top_inv, Fr::from(5).invert().unwrap()),
    ];
    assert_rejected(
        verify(&c, overrides),
        "EXP: exponent size: byte_k·(1 - Σ_(i≥k) sel_i) = 0",
    );
}

#[test]
fn exp_selector_is_bound_to_opcode() {
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::MulDivMod,
    };
    assert_rejected(
        verify(&three_to_the_five(), vec![o]),
        "EVM responsible opcode",
    );
}
