//! EXP: pushes `base^exponent mod 2^256` for the two top items (`base` on top), charging
//! `10 + 50·(byte size of exponent)` gas.
//!
//! The step sets up a square-and-multiply chain of [`ExpRoundGadget`](super::ExpRoundGadget)
//! steps that follow it, one per bit of the exponent (none for exponent 0), and the last
//! round checks the pushed result:
//!
//! ```text
//! chain cells (first allocation, see exp_chain.rs): pow, acc, rem (byte words), result
//! base = pop (rw 0), exponent = pop (rw 1), pushed = push (rw 2)
//! "pow = base", "rem = exponent", "acc = 1", "result = pushed"        (lo, hi)
//! WordIsZero(rem) = e_zero; "e_zero·(result.lo - 1) = 0", "e_zero·result.hi = 0"
//! if 1 - e_zero: next state is ExpRound, next.{pow, acc, rem, result} = {pow, acc, rem, result}
//! no transaction boundary next (SameContext)
//! ByteSize(rem) = size
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 10 - 50·size
//! ```
//! Soundness: with exponent 0 the result is 1. Otherwise the first round starts from
//! `(base, 1, exponent)` and carries the pushed result; the rounds (see `exp_round.rs`) run
//! exactly until `rem = 1` and their last one requires the result to be the product.
//! The rounds change no step-state field, so the step after the chain continues from this
//! step's transition.

use super::{
    exp_chain::CHAIN_WORDS, ByteSize, DynamicCost, ExecutionGadget, ExpChainCells, SameContext,
    WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    constraint_builder::ConstraintBuilder,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// EXP.
#[derive(Clone, Debug)]
pub struct ExpGadget<F: PrimeField> {
    /// The first round's chain state.
    pub chain: ExpChainCells<F>,
    /// `exponent = 0`.
    pub e_zero: WordIsZero<F>,
    /// The exponent's byte size.
    pub size: ByteSize<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ExpGadget<F> {
    const NAME: &'static str = "EXP";
    const STATE: ExecutionState = ExecutionState::Exp;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let chain = ExpChainCells::query(cb);
        let base = cb.stack_pop();
        let exponent = cb.stack_pop();
        let pushed = cb.stack_push();
        let [pow, acc, rem, result] = chain.words();
        cb.require_equal_word("pow = base", pow, base);
        cb.require_equal_word("rem = exponent", rem.clone(), exponent);
        cb.require_equal("acc.lo = 1", acc.lo, c(1));
        cb.require_zero("acc.hi = 0", acc.hi);
        cb.require_equal_word("result = pushed", result.clone(), pushed);
        let e_zero = WordIsZero::configure(cb, "exponent", rem);
        cb.require_zero(
            "e_zero·(result.lo - 1) = 0",
            e_zero.expr() * (result.lo - c(1)),
        );
        cb.require_zero("e_zero·result.hi = 0", e_zero.expr() * result.hi);
        let more = c(1) - e_zero.expr();
        cb.require_next_state_if(more.clone(), ExecutionState::ExpRound);
        cb.condition(more, |cb| {
            for (k, name) in CHAIN_WORDS.iter().enumerate() {
                for limb in ["lo", "hi"] {
                    let chain = chain.clone();
                    cb.require_next(
                        &format!("next.{name}.{limb} = {name}.{limb}"),
                        move |next| {
                            let (cur, nxt) = (chain.words(), chain.next_words(next));
                            let pick = |w: &equivm_gadgets::Word<Expression<F>>| {
                                if limb == "lo" {
                                    w.lo.clone()
                                } else {
                                    w.hi.clone()
                                }
                            };
                            pick(&nxt[k]) - pick(&cur[k])
                        },
                    );
                }
            }
        });
        let size = ByteSize::configure(cb, "exponent size", &chain.rem);
        let memory_word_size = cb.step().memory_word_size;
        let same_context = SameContext::configure_dynamic(
            cb,
            c(1),
            DynamicCost {
                gas: c(50) * size.expr(),
                memory_word_size,
            },
        );
        Self {
            chain,
            e_zero,
            size,
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
        let [base, exponent, pushed] = [0, 1, 2].map(|k| rws.get(k).map(|rw| rw.value));
        let (base, exponent, pushed) = (
            base.ok_or(Error::Synthesis)?,
            exponent.ok_or(Error::Synthesis)?,
            pushed.ok_or(Error::Synthesis)?,
        );
        self.chain
            .assign(region, base, U256::from(1), exponent, word_of(pushed))?;
        self.e_zero.assign(region, word_of(exponent))?;
        self.size.assign(region, exponent)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
