//! The cells an EXP step hands to its first round and every round to the next: the
//! square-and-multiply state `(pow, acc, rem)` and the claimed result.
//!
//! [`ExpChainCells::query`] is the first allocation of both [`ExpGadget`](super::ExpGadget)
//! and [`ExpRoundGadget`](super::ExpRoundGadget), so the cells sit at the same positions in
//! both layouts; a step reads its successor's chain cells at those positions shifted by its
//! own height (a test checks the positions agree).

use super::mul_add::word_of_bytes;
use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

use super::mul_add::assign_word_bytes;

/// The chain state of one EXP round (see the module docs). Invariant along the chain:
/// `acc·pow^rem = base^exponent mod 2^256`.
#[derive(Clone, Debug)]
pub struct ExpChainCells<F: PrimeField> {
    /// `base^(2^i)`, 32 bytes little-endian.
    pub pow: [Cell<F>; 32],
    /// The product of the powers taken so far, 32 bytes.
    pub acc: [Cell<F>; 32],
    /// The exponent bits not yet taken (`exponent >> i`), 32 bytes.
    pub rem: [Cell<F>; 32],
    /// The result the EXP step pushed (lo, hi), carried to the last round.
    pub result: [Cell<F>; 2],
}

impl<F: PrimeField> ExpChainCells<F> {
    /// Allocates the cells; call it first in the gadget's configuration.
    pub fn query(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        Self {
            pow: cb.query_bytes::<32>(),
            acc: cb.query_bytes::<32>(),
            rem: cb.query_bytes::<32>(),
            result: [cb.query_cell(), cb.query_cell()],
        }
    }

    /// `pow`, `acc`, `rem` and `result` as words.
    pub fn words(&self) -> [Word<Expression<F>>; 4] {
        [
            word_of_bytes(&self.pow),
            word_of_bytes(&self.acc),
            word_of_bytes(&self.rem),
            Word::new(self.result[0].expr(), self.result[1].expr()),
        ]
    }

    /// The same words read in the next step through `next` (see
    /// [`ConstraintBuilder::require_next`]).
    pub fn next_words(&self, next: &dyn Fn(&Cell<F>) -> Expression<F>) -> [Word<Expression<F>>; 4] {
        let word = |bytes: &[Cell<F>; 32]| {
            let e: Vec<_> = bytes.iter().map(next).collect();
            Word::new(expr_from_le_bytes(&e[..16]), expr_from_le_bytes(&e[16..]))
        };
        [
            word(&self.pow),
            word(&self.acc),
            word(&self.rem),
            Word::new(next(&self.result[0]), next(&self.result[1])),
        ]
    }

    /// Assigns the chain state.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        pow: U256,
        acc: U256,
        rem: U256,
        result: Word<F>,
    ) -> Result<(), Error> {
        assign_word_bytes(&self.pow, region, pow)?;
        assign_word_bytes(&self.acc, region, acc)?;
        assign_word_bytes(&self.rem, region, rem)?;
        self.result[0].assign(region, result.lo)?;
        self.result[1].assign(region, result.hi)
    }
}

/// The names of the chain words, in [`ExpChainCells::words`] order.
pub const CHAIN_WORDS: [&str; 4] = ["pow", "acc", "rem", "result"];

/// The number of rounds of `base^exponent`: the exponent's bit length.
pub fn exp_rounds(exponent: U256) -> usize {
    exponent.bit_len()
}
