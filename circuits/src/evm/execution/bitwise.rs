//! AND, OR, XOR: pushes `c = a op b` for the two top items, proved nibble by nibble with
//! fixed-table lookups.
//!
//! Every word is split into 64 little-endian nibbles (`x = Σ_i x_i·16^i`). Nibble `i` of
//! `a`, `b`, `c` sits in one fixed lane and `(tag, a_i, b_i, c_i)` is looked up in the fixed
//! table, whose nibble rows are `(NibbleOp, a, b, a op b)` for `a, b ∈ 0..16`:
//!
//! ```text
//! a = pop (rw 0), b = pop (rw 1), c = push (rw 2)
//! "BITWISE: fixed_tag = NibbleAnd + opcode - 0x16 (row r)"          r = 0..16
//! (fixed_tag, a_i, b_i, c_i) ∈ fixed table                           i = 0..64 ("EVM fixed lane i mod 4")
//! "BITWISE: x.lo = Σ_{i<32} x_i·16^i", "BITWISE: x.hi = Σ_{i≥32} x_i·16^(i-32)"   x = a, b, c
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 3
//! ```
//! Soundness: the opcode is bound to the code at `pc` and, in this state, to 0x16, 0x17 or
//! 0x18 (the fixed table's `ResponsibleOpcode` rows); the nibble tags are consecutive, so
//! the tag is `NibbleAnd`, `NibbleOr` or `NibbleXor` exactly as the opcode is AND, OR or XOR.
//! Each lookup puts `a_i`, `b_i`, `c_i` in `0..16` (so it is also the range check) and makes
//! `c_i = a_i op b_i`. Each recomposition is below `2^128 < p`, so it holds over the
//! integers: the nibbles are the limb's base-16 digits, and `c = a op b` digit-wise, which is
//! the 256-bit operation.
//!
//! Design: nibble tables (256 rows per operation, loaded with the other small tags at
//! k = 11) rather than the 65,536-row byte tables. Bytes would halve the lookups (32 per
//! step, 8 rows with 4 lanes) but put a 196,608-row floor under any block with one AND,
//! OR or XOR (k ≥ 18), and make the verifying key depend on whether the block has one.
//! Measured (`equivm stats`): 16 rows per step (64 lookups over `FIXED_LANES = 4`), 8 byte
//! cells (gas), 192 lane cells + 16 tag cells, 3 rw lookups; the fixed lanes add 13 advice
//! columns to the EVM circuit (90 → 103), so a step's area is 16 × 103 = 1,648 cells.

use super::{ExecutionGadget, SameContext};
use crate::{
    evm::{
        assign::StepRegion,
        constraint_builder::{ConstraintBuilder, FixedLookups},
    },
    table::FixedTableTag,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Nibbles in a 256-bit word.
const NIBBLES: usize = 64;

/// `Σ_i nibble_i·16^i`.
fn expr_from_le_nibbles<F: PrimeField>(nibbles: &[Expression<F>]) -> Expression<F> {
    nibbles
        .iter()
        .rev()
        .fold(Expression::Constant(F::ZERO), |acc, n| {
            acc * F::from(16) + n.clone()
        })
}

/// The 64 little-endian nibbles of a 256-bit value.
fn le_nibbles(value: U256) -> [u64; NIBBLES] {
    let bytes = value.to_le_bytes::<32>();
    std::array::from_fn(|i| u64::from((bytes[i / 2] >> (4 * (i % 2))) & 0xf))
}

/// The fixed-table tag of the nibble rows of `opcode` (AND, OR or XOR).
fn nibble_tag(opcode: u8) -> Option<FixedTableTag> {
    match opcode {
        0x16 => Some(FixedTableTag::NibbleAnd),
        0x17 => Some(FixedTableTag::NibbleOr),
        0x18 => Some(FixedTableTag::NibbleXor),
        _ => None,
    }
}

/// AND, OR, XOR.
#[derive(Clone, Debug)]
pub struct BitwiseGadget<F: PrimeField> {
    /// The 64 nibble lookups: lane cells `[a_i, b_i, c_i]` for nibble `i`.
    pub nibbles: FixedLookups<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for BitwiseGadget<F> {
    const NAME: &'static str = "BITWISE";
    const STATE: ExecutionState = ExecutionState::Bitwise;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let a = cb.stack_pop();
        let b = cb.stack_pop();
        let c = cb.stack_push();
        let and = F::from(FixedTableTag::NibbleAnd.as_u64());
        let tag = cb.opcode() + Expression::Constant(and - F::from(0x16));
        let nibbles = cb.fixed_lookups("fixed_tag = NibbleAnd + opcode - 0x16", tag, NIBBLES);
        for (k, (name, word)) in [("a", a), ("b", b), ("c", c)].into_iter().enumerate() {
            let x: Vec<_> = nibbles.lanes.iter().map(|lane| lane[k].expr()).collect();
            cb.require_equal(
                &format!("{name}.lo = Σ_{{i<32}} {name}_i·16^i"),
                word.lo,
                expr_from_le_nibbles(&x[..32]),
            );
            cb.require_equal(
                &format!("{name}.hi = Σ_{{i≥32}} {name}_i·16^(i-32)"),
                word.hi,
                expr_from_le_nibbles(&x[32..]),
            );
        }
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self {
            nibbles,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let tag = step.opcode.and_then(nibble_tag).ok_or(Error::Synthesis)?;
        let rws = witness.step_rws(step);
        let [a, b, c] = [0, 1, 2].map(|k| rws.get(k).map(|rw| le_nibbles(rw.value)));
        let (a, b, c) = (
            a.ok_or(Error::Synthesis)?,
            b.ok_or(Error::Synthesis)?,
            c.ok_or(Error::Synthesis)?,
        );
        let values: Vec<[u64; 3]> = (0..NIBBLES).map(|i| [a[i], b[i], c[i]]).collect();
        self.nibbles.assign(region, tag, &values)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::le_nibbles;
    use crate::{
        evm::{assign::Override, cell::Cell, EvmCircuit},
        table::{u256_word, FixedTableTag},
    };
    use equivm_trace::revm::primitives::U256;
    use equivm_witness::ExecutionState;
    use halo2_proofs::halo2curves::ff::PrimeField;
    use halo2curves::bn256::Fr;
    use proptest::prelude::*;

    const AND: u8 = 0x16;
    const OR: u8 = 0x17;
    const XOR: u8 = 0x18;

    /// Limbs 0x0123456789abcdef_fedcba9876543210 (hi), 0x00ff00ff00ff00ff_f0f0f0f00f0f0f0f
    /// (lo).
    fn mixed() -> U256 {
        U256::from_str_radix(
            "0123456789abcdeffedcba987654321000ff00ff00ff00fff0f0f0f00f0f0f0f",
            16,
        )
        .expect("hex")
    }

    /// hi limb all ones, lo limb 0x5555..55.
    fn other() -> U256 {
        U256::from_str_radix(
            "ffffffffffffffffffffffffffffffff55555555555555555555555555555555",
            16,
        )
        .expect("hex")
    }

    fn push32(code: &mut Vec<u8>, v: U256) {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }

    /// The operand pairs `(a, b)` each opcode runs on.
    fn operands() -> [(U256, U256); 3] {
        [
            (U256::ZERO, mixed()),
            (U256::MAX, mixed()),
            (mixed(), other()),
        ]
    }

    /// For each of AND, OR, XOR and each operand pair: `PUSH32 b PUSH32 a OP POP`; then
    /// STOP. Bitwise step `n` is step `4·n` of the slice (op-major order).
    fn circuit() -> EvmCircuit {
        let mut code = Vec::new();
        for op in [AND, OR, XOR] {
            for (a, b) in operands() {
                push32(&mut code, b);
                push32(&mut code, a);
                code.extend([op, 0x50]);
            }
        }
        code.push(0x00);
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::Bitwise, 0);
        let last = nth_step(&w, ExecutionState::Bitwise, 8);
        slice(&w, first..last + 1)
    }

    /// The slice step of AND (0), OR (1) or XOR (2) on operand pair `pair`.
    fn step_of(op: usize, pair: usize) -> usize {
        4 * (3 * op + pair)
    }

    fn lane(step: usize, cell: &Cell<Fr>, value: u64) -> Override<Fr> {
        Override::Cell {
            step,
            column: cell.column,
            rotation: cell.rotation,
            value: Fr::from(value),
        }
    }

    fn rw_value(step: usize, access: usize, value: U256) -> Vec<Override<Fr>> {
        let w = u256_word(value);
        vec![
            Override::Rw {
                step,
                access,
                field: "value_lo",
                value: Fr::from_u128(w.lo),
            },
            Override::Rw {
                step,
                access,
                field: "value_hi",
                value: Fr::from_u128(w.hi),
            },
        ]
    }

    #[test]
    fn and_or_xor_pass() {
        let c = circuit();
        for (op, f) in [
            |a: U256, b: U256| a & b,
            |a: U256, b: U256| a | b,
            |a: U256, b: U256| a ^ b,
        ]
        .iter()
        .enumerate()
        {
            for (pair, (a, b)) in operands().into_iter().enumerate() {
                let step = &c.witness.steps[c.steps.start + step_of(op, pair)];
                let rws = c.witness.step_rws(step);
                assert_eq!((rws[0].value, rws[1].value), (a, b));
                assert_eq!(rws[2].value, f(a, b), "op {op} pair {pair}");
            }
        }
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn result_limb_is_bound() {
        let o = Override::Rw {
            step: step_of(0, 2),
            access: 2,
            field: "value_hi",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "BITWISE: c.hi = Σ_{i≥32} c_i·16^(i-32)",
        );
    }

    #[test]
    fn result_nibble_is_looked_up() {
        // OR(2^256 - 1, mixed): claim nibble 0 of the result is 0xe (and the value with it).
        let g = config().gadgets.bitwise;
        let step = step_of(1, 1);
        let mut overrides = vec![lane(step, &g.nibbles.lanes[0][2], 0xe)];
        overrides.extend(rw_value(step, 2, U256::MAX - U256::from(1)));
        assert_rejected(verify(&circuit(), overrides), "EVM fixed lane 0");
    }

    #[test]
    fn operand_is_bound() {
        let o = Override::Rw {
            step: step_of(2, 2),
            access: 1,
            field: "value_lo",
            value: Fr::from(7),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "BITWISE: b.lo = Σ_{i<32} b_i·16^i",
        );
    }

    #[test]
    fn xor_result_on_an_and_step_is_rejected() {
        let g = config().gadgets.bitwise;
        let step = step_of(0, 2);
        let (a, b) = (mixed(), other());
        let xor = le_nibbles(a ^ b);
        let mut result: Vec<_> = g
            .nibbles
            .lanes
            .iter()
            .zip(xor)
            .map(|(cells, n)| lane(step, &cells[2], n))
            .collect();
        result.extend(rw_value(step, 2, a ^ b));
        // The lanes still carry the AND tag: the XOR triples are not AND rows.
        assert_rejected(verify(&circuit(), result.clone()), "EVM fixed lane");
        // Relabelling the rows XOR breaks the tag's binding to the opcode.
        let tags = g
            .nibbles
            .tags
            .iter()
            .map(|cell| lane(step, cell, FixedTableTag::NibbleXor.as_u64()));
        result.extend(tags);
        assert_rejected(
            verify(&circuit(), result),
            "BITWISE: fixed_tag = NibbleAnd + opcode - 0x16 (row 0)",
        );
    }

    #[test]
    fn nibbles_are_range_checked_by_the_lookup() {
        // AND(mixed, other): a.lo ends in 0x0f0f, so a_1 = 0 and a_2 = 0xf. Moving 16 from
        // a_2 into a_1 keeps the recomposition: only the lookup can object.
        let g = config().gadgets.bitwise;
        let step = step_of(0, 2);
        let a = le_nibbles(mixed());
        assert_eq!((a[1], a[2]), (0x0, 0xf));
        let overrides = vec![
            lane(step, &g.nibbles.lanes[1][0], 0x10),
            lane(step, &g.nibbles.lanes[2][0], 0xe),
        ];
        let failures = verify(&circuit(), overrides).expect_err("out-of-range nibble");
        let texts: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
        assert!(
            texts.iter().all(|t| t.contains("EVM fixed lane")),
            "{texts:#?}"
        );
    }

    #[test]
    fn fixed_lanes_are_off_on_other_steps() {
        // The POP after the first AND (slice step 1, height 1) claims a lookup row.
        let cfg = config();
        let (tag, lane_a) = (cfg.columns.fixed_tag, cfg.columns.fixed_lanes[1].a);
        let o = |column, value: u64| Override::Cell {
            step: 1,
            column,
            rotation: 0,
            value: Fr::from(value),
        };
        assert_rejected(
            verify(&circuit(), vec![o(tag, FixedTableTag::NibbleAnd.as_u64())]),
            "POP: row 0: fixed lanes are off (fixed_tag = 0)",
        );
        assert_rejected(verify(&circuit(), vec![o(lane_a, 3)]), "EVM fixed lane 1");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        #[test]
        fn random_operands_pass(
            a in any::<[u8; 32]>(),
            b in any::<[u8; 32]>(),
            op in prop::sample::select(vec![AND, OR, XOR]),
        ) {
            let (a, b) = (U256::from_be_bytes(a), U256::from_be_bytes(b));
            let mut code = Vec::new();
            push32(&mut code, b);
            push32(&mut code, a);
            code.extend([op, 0x00]);
            let w = witness_of(code);
            let i = nth_step(&w, ExecutionState::Bitwise, 0);
            let expected = match op {
                AND => a & b,
                OR => a | b,
                _ => a ^ b,
            };
            prop_assert_eq!(w.step_rws(&w.steps[i])[2].value, expected);
            prop_assert_eq!(verify(&slice(&w, i..i + 1), vec![]), Ok(()));
        }
    }
}
