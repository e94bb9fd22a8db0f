//! MUL, DIV and MOD: pushes `a·b mod 2^256`, `⌊a / b⌋` or `a mod b` for the two top items
//! (`a` on top), 0 when `b = 0` for DIV and MOD.
//!
//! One [`MulAddWords`] `x·y + c = d + e·2^256` serves all three, with `y = b` and a 32-byte
//! word `z` (the product for MUL, the remainder for DIV and MOD):
//!
//! | | `x` | `c` | `d` | `e` | result |
//! | --- | --- | --- | --- | --- | --- |
//! | MUL | `a` | 0 | `z` | free | `z` |
//! | DIV, MOD, `b ≠ 0` | quotient | `z` | `a` | 0 | quotient, `z` |
//! | DIV, MOD, `b = 0` | 0 | `z` | 0 | 0 | 0 (quotient), `z` = 0 |
//!
//! ```text
//! a = pop (rw 0), b = pop (rw 1), result = push (rw 2)
//! "MUL_DIV_MOD: opcode = 2·is_mul + 4·is_div + 6·is_mod", "is_mul + is_div + is_mod = 1"
//! "is_mul·(a - x) = 0" (lo, hi), "b = y" (lo, hi)
//! WordIsZero(b) = b_zero; "divides = (1 - is_mul)·(1 - b_zero)"
//! MulAddWords(c = (1 - is_mul)·z, d = is_mul·z + divides·a, e = is_mul·overflow)
//! "(1 - is_mul - divides)·x = 0" (lo, hi)                 DIV/MOD by 0: quotient 0
//! WordLessThan(z, b) = lt; "divides·(1 - lt) = 0"          remainder < divisor
//! "result = (is_mul + is_mod)·z + is_div·x" (lo, hi)
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 5
//! ```
//! Soundness. `x`, `y` and `z` are byte cells; `a` and `b` are rw values (limbs below
//! `2^128`). MUL: `x = a`, `y = b`, `a·b = z + e·2^256` with `z < 2^256`, so `z` is the
//! product mod `2^256` (the free `e` only absorbs the high half; `z`'s limbs and the first
//! two carries are fixed by the first two equations alone). DIV and MOD with `b ≠ 0`:
//! `x·b + z = a` with no overflow and `z < b` is Euclidean division, which has one
//! solution. With `b = 0`: `x = 0` by the zero rule, and `x·0 + z = 0` gives `z = 0`.
//!
//! Measured (`equivm stats`): see the closing table in `circuits/EVM-CIRCUIT.md`.

use super::{
    mul_add::{assign_word_bytes, word_of_bytes},
    ExecutionGadget, MulAddWords, SameContext, WordIsZero, WordLessThan,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// MUL, DIV, MOD.
#[derive(Clone, Debug)]
pub struct MulDivModGadget<F: PrimeField> {
    /// 1 for MUL.
    pub is_mul: Cell<F>,
    /// 1 for DIV.
    pub is_div: Cell<F>,
    /// 1 for MOD.
    pub is_mod: Cell<F>,
    /// `x·y + c = d + e·2^256`.
    pub mul_add: MulAddWords<F>,
    /// The product (MUL) or the remainder (DIV, MOD), 32 bytes little-endian.
    pub z_bytes: [Cell<F>; 32],
    /// The high half of MUL's product (lo, hi); zero otherwise.
    pub overflow: [Cell<F>; 2],
    /// `b = 0`.
    pub b_zero: WordIsZero<F>,
    /// `(1 - is_mul)·(1 - b_zero)`: a division by a non-zero divisor.
    pub divides: Cell<F>,
    /// `z < b`.
    pub lt: WordLessThan<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for MulDivModGadget<F> {
    const NAME: &'static str = "MUL_DIV_MOD";
    const STATE: ExecutionState = ExecutionState::MulDivMod;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let is_mul = cb.query_bool("is_mul is boolean");
        let is_div = cb.query_bool("is_div is boolean");
        let is_mod = cb.query_bool("is_mod is boolean");
        cb.require_equal(
            "opcode = 2·is_mul + 4·is_div + 6·is_mod",
            cb.opcode(),
            c(2) * is_mul.expr() + c(4) * is_div.expr() + c(6) * is_mod.expr(),
        );
        cb.require_equal(
            "is_mul + is_div + is_mod = 1",
            is_mul.expr() + is_div.expr() + is_mod.expr(),
            c(1),
        );
        let a = cb.stack_pop();
        let b = cb.stack_pop();
        let result = cb.stack_push();

        let z_bytes = cb.query_bytes::<32>();
        let z = word_of_bytes(&z_bytes);
        let overflow: [Cell<F>; 2] = [cb.query_cell(), cb.query_cell()];
        let b_zero = WordIsZero::configure(cb, "b", b.clone());
        let divides = cb.query_cell();
        let not_mul = c(1) - is_mul.expr();
        cb.require_equal(
            "divides = (1 - is_mul)·(1 - b_zero)",
            divides.expr(),
            not_mul.clone() * (c(1) - b_zero.expr()),
        );
        let m = is_mul.expr();
        let mul_add = MulAddWords::configure(
            cb,
            "x·y + c = d + e·2^256",
            Word::new(
                not_mul.clone() * z.lo.clone(),
                not_mul.clone() * z.hi.clone(),
            ),
            Word::new(
                m.clone() * z.lo.clone() + divides.expr() * a.lo.clone(),
                m.clone() * z.hi.clone() + divides.expr() * a.hi.clone(),
            ),
            Word::new(
                m.clone() * overflow[0].expr(),
                m.clone() * overflow[1].expr(),
            ),
        );
        let (x, y) = (mul_add.a(), mul_add.b());
        cb.require_zero(
            "is_mul·(a.lo - x.lo) = 0",
            m.clone() * (a.lo - x.lo.clone()),
        );
        cb.require_zero("is_mul·(a.hi - x.hi) = 0", m * (a.hi - x.hi.clone()));
        cb.require_equal("b.lo = y.lo", b.lo.clone(), y.lo);
        cb.require_equal("b.hi = y.hi", b.hi.clone(), y.hi);
        let by_zero = not_mul - divides.expr();
        cb.require_zero(
            "(1 - is_mul - divides)·x.lo = 0 (quotient of a division by 0)",
            by_zero.clone() * x.lo.clone(),
        );
        cb.require_zero(
            "(1 - is_mul - divides)·x.hi = 0 (quotient of a division by 0)",
            by_zero * x.hi.clone(),
        );
        let lt = WordLessThan::configure(cb, "z < b", z.clone(), b);
        cb.require_zero(
            "divides·(1 - lt) = 0 (remainder below divisor)",
            divides.expr() * (c(1) - lt.expr()),
        );
        let keep_z = is_mul.expr() + is_mod.expr();
        cb.require_equal(
            "result.lo = (is_mul + is_mod)·z.lo + is_div·x.lo",
            result.lo,
            keep_z.clone() * z.lo + is_div.expr() * x.lo,
        );
        cb.require_equal(
            "result.hi = (is_mul + is_mod)·z.hi + is_div·x.hi",
            result.hi,
            keep_z * z.hi + is_div.expr() * x.hi,
        );
        let same_context = SameContext::configure(cb, c(1));
        Self {
            is_mul,
            is_div,
            is_mod,
            mul_add,
            z_bytes,
            overflow,
            b_zero,
            divides,
            lt,
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
        let [a, b] = [0, 1].map(|k| rws.get(k).map(|rw| rw.value));
        let (a, b) = (a.ok_or(Error::Synthesis)?, b.ok_or(Error::Synthesis)?);
        let opcode = step.opcode.ok_or(Error::Synthesis)?;
        let flag = |on: bool| F::from(u64::from(on));
        self.is_mul.assign(region, flag(opcode == 0x02))?;
        self.is_div.assign(region, flag(opcode == 0x04))?;
        self.is_mod.assign(region, flag(opcode == 0x06))?;
        let (z, overflow) = if opcode == 0x02 {
            self.mul_add.assign(region, a, b, U256::ZERO)?
        } else {
            let (q, r) = if b.is_zero() {
                (U256::ZERO, U256::ZERO)
            } else {
                (a / b, a % b)
            };
            self.mul_add.assign(region, q, b, r)?;
            (r, U256::ZERO)
        };
        assign_word_bytes(&self.z_bytes, region, z)?;
        let high = word_of::<F>(overflow);
        self.overflow[0].assign(region, high.lo)?;
        self.overflow[1].assign(region, high.hi)?;
        let b_zero = self.b_zero.assign(region, word_of(b))?;
        self.divides
            .assign(region, flag(opcode != 0x02 && !b_zero))?;
        self.lt.assign(region, z, b)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
