//! SAR (EIP-145): pushes `value >> shift` as a two's-complement shift (the sign bit fills
//! from the top); for `shift ≥ 256`, `2^256 - 1` if `value` is negative, else 0.
//!
//! For a negative `value`, `value >> s = ~((~value) >> s)` (arithmetic and logical shifts
//! agree on the non-negative `~value`, and `~v = -v - 1` turns the floor of one into the
//! floor of the other). So SAR is the logical shifter of `shift.rs` ([`ShiftCore`] with
//! `is_shr = 1`) between two conditional complements:
//!
//! ```text
//! shift = pop (rw 0), value = pop (rw 1), result = push (rw 2)
//! "SAR: value.hi = Σ_{j<16} value_hi_byte_j·256^j"
//! "SAR: value_sign_rest = value_hi_byte_15 + 128 - 256·value_sign"   sign boolean, rest a byte
//! "SAR: x.lo = value.lo + sign·(2^128 - 1 - 2·value.lo)"           (same for hi)
//! ShiftCore(shift, x, is_shr = 1): "SAR: y = x >> shift (lo/hi)"    y = 0 when shift ≥ 256
//! "SAR: result.lo = y.lo + sign·(2^128 - 1 - 2·y.lo)"              (same for hi)
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 3
//! ```
//! Soundness: the sign is the top bit of `value` (as in `signed_cmp.rs`). With `sign`
//! boolean, each limb of `x` is the limb of `value` or its complement `2^128 - 1 - limb`,
//! both below `2^128`, so `x` is `value` or `~value` as the core requires; likewise the
//! result is `y` or `~y`. With `shift ≥ 256`, `y = 0` and the result is `sign·(2^256 - 1)`.
//!
//! Measured (`equivm stats`): 9 rows, 83 byte cells, 31 plain cells, 3 rw lookups.

use super::{shift::ShiftCore, ExecutionGadget, SameContext, SignBit};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::{word_expr, WordCell},
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::util::pow2;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// SAR.
#[derive(Clone, Debug)]
pub struct SarGadget<F: PrimeField> {
    /// The sign of `value`.
    pub sign: SignBit<F>,
    /// `value`, complemented when negative.
    pub x: WordCell<F>,
    /// The shifter on `x`.
    pub core: ShiftCore<F>,
    /// `x >> shift` (logical).
    pub y: WordCell<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for SarGadget<F> {
    const NAME: &'static str = "SAR";
    const STATE: ExecutionState = ExecutionState::Sar;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let one = Expression::Constant(F::ONE);
        let max = Expression::Constant(pow2::<F>(128) - F::ONE);
        let shift = cb.stack_pop();
        let value = cb.stack_pop();
        let result = cb.stack_push();
        let sign = SignBit::configure(cb, "value", value.hi.clone());
        let s = sign.sign.expr();
        // v + sign·(2^128 - 1 - 2v): v, or its complement when negative.
        let flip = |v: Expression<F>| {
            v.clone() + s.clone() * (max.clone() - Expression::Constant(F::from(2)) * v)
        };

        let x = cb.query_word();
        let xe = word_expr(&x);
        cb.require_equal(
            "x.lo = value.lo + sign·(2^128 - 1 - 2·value.lo)",
            xe.lo.clone(),
            flip(value.lo),
        );
        cb.require_equal(
            "x.hi = value.hi + sign·(2^128 - 1 - 2·value.hi)",
            xe.hi.clone(),
            flip(value.hi),
        );
        let core = ShiftCore::configure(cb, shift, xe, one);
        let y = cb.query_word();
        let ye = word_expr(&y);
        cb.require_equal_word("y = x >> shift", ye.clone(), core.result());
        cb.require_equal(
            "result.lo = y.lo + sign·(2^128 - 1 - 2·y.lo)",
            result.lo,
            flip(ye.lo),
        );
        cb.require_equal(
            "result.hi = y.hi + sign·(2^128 - 1 - 2·y.hi)",
            result.hi,
            flip(ye.hi),
        );
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self {
            sign,
            x,
            core,
            y,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let [shift, value, result] = [0, 1, 2].map(|k| rws.get(k).map(|rw| rw.value));
        let (shift, value) = (
            shift.ok_or(Error::Synthesis)?,
            value.ok_or(Error::Synthesis)?,
        );
        self.sign.assign(region, value)?;
        let negative = value.bit(255);
        let flip = |v: U256| if negative { !v } else { v };
        let x = flip(value);
        let assign_word = |region: &mut StepRegion<'_, '_, F>, cells: &WordCell<F>, v: U256| {
            let w = word_of::<F>(v);
            cells.lo.assign(region, w.lo)?;
            cells.hi.assign(region, w.hi)
        };
        assign_word(region, &self.x, x)?;
        let y = self.core.assign(region, shift, x, true)?;
        assign_word(region, &self.y, y)?;
        // The constraints compare the flipped result with the pushed value.
        result.ok_or(Error::Synthesis)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_trace::revm::primitives::U256;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;
    use proptest::prelude::*;

    /// Arithmetic shift, written independently of the gadget: floor division of the signed
    /// value by 2^s.
    fn expected(x: U256, s: U256) -> U256 {
        let negative = x.bit(255);
        if s >= U256::from(256) {
            return if negative { U256::MAX } else { U256::ZERO };
        }
        let s = s.to::<usize>();
        let logical = x >> s;
        if negative && s > 0 {
            logical | (U256::MAX << (256 - s))
        } else {
            logical
        }
    }

    fn push32(code: &mut Vec<u8>, v: U256) {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }

    /// `PUSH32 x PUSH32 s SAR POP` per case; step `4·n` of the slice is case `n`.
    fn circuit_of(cases: &[(U256, U256)]) -> EvmCircuit {
        let mut code = Vec::new();
        for (x, s) in cases {
            push32(&mut code, *x);
            push32(&mut code, *s);
            code.extend([0x1d, 0x50]);
        }
        code.push(0x00);
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::Sar, 0);
        let last = nth_step(&w, ExecutionState::Sar, cases.len() - 1);
        slice(&w, first..last + 1)
    }

    /// Negative and non-negative values by 0, 1, 8, 127, 128, 255, 256 and 2^200.
    fn cases() -> Vec<(U256, U256)> {
        let negative = U256::from_str_radix(
            "f123456789abcdeffedcba987654321000ff00ff00ff00fff0f0f0f00f0f0f0f",
            16,
        )
        .expect("hex");
        let positive = negative >> 1;
        let min = U256::from(1) << 255;
        let shifts = [0u64, 1, 8, 127, 128, 255, 256].map(U256::from);
        let mut cases = Vec::new();
        for x in [negative, positive] {
            cases.extend(shifts.iter().map(|s| (x, *s)));
            cases.push((x, U256::from(1) << 200));
        }
        cases.extend([(U256::MAX, U256::from(3)), (min, U256::from(255))]);
        cases
    }

    /// Case numbers: negative by 8, negative by 256.
    const NEG_8: usize = 2;
    const NEG_256: usize = 6;

    #[test]
    fn sar_passes() {
        let cases = cases();
        let c = circuit_of(&cases);
        for (n, (x, s)) in cases.iter().enumerate() {
            let rws = c.witness.step_rws(&c.witness.steps[c.steps.start + 4 * n]);
            assert_eq!(rws[2].value, expected(*x, *s), "case {n}");
        }
        assert_eq!(expected(U256::MAX, U256::from(3)), U256::MAX);
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn sign_fill_is_bound() {
        // A negative value shifted by 256 claiming 0 (the logical result).
        let overrides = ["value_lo", "value_hi"].map(|field| Override::Rw {
            step: 4 * NEG_256,
            access: 2,
            field,
            value: Fr::zero(),
        });
        assert_rejected(
            verify(&circuit_of(&cases()), overrides.to_vec()),
            "SAR: result.lo = y.lo + sign·(2^128 - 1 - 2·y.lo)",
        );
    }

    #[test]
    fn sign_cannot_be_flipped() {
        let g = config().gadgets.sar;
        let o = Override::Cell {
            step: 4 * NEG_8,
            column: g.sign.sign.column,
            rotation: g.sign.sign.rotation,
            value: Fr::zero(),
        };
        assert_rejected(
            verify(&circuit_of(&cases()), vec![o]),
            "SAR: value_sign_rest = value_hi_byte_15 + 128 - 256·value_sign",
        );
    }

    #[test]
    fn complement_is_bound() {
        let g = config().gadgets.sar;
        let o = Override::Cell {
            step: 4 * NEG_8,
            column: g.x.hi.column,
            rotation: g.x.hi.rotation,
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit_of(&cases()), vec![o]),
            "SAR: x.hi = value.hi + sign·(2^128 - 1 - 2·value.hi)",
        );
    }

    #[test]
    fn logical_shift_is_bound() {
        let g = config().gadgets.sar;
        let o = Override::Cell {
            step: 4 * NEG_8,
            column: g.y.lo.column,
            rotation: g.y.lo.rotation,
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit_of(&cases()), vec![o]),
            "SAR: y = x >> shift (lo)",
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        #[test]
        fn random_sar_passes(
            x in any::<[u8; 32]>(),
            small in 0u64..300,
            big in any::<[u8; 32]>(),
            use_big in any::<bool>(),
        ) {
            let x = U256::from_be_bytes(x);
            let s = if use_big { U256::from_be_bytes(big) } else { U256::from(small) };
            let c = circuit_of(&[(x, s)]);
            let rws = c.witness.step_rws(&c.witness.steps[c.steps.start]);
            prop_assert_eq!(rws[2].value, expected(x, s));
            prop_assert_eq!(verify(&c, vec![]), Ok(()));
        }
    }
}
