//! The gas of an SSTORE (EIP-2200 with EIP-2929 cold-slot gas), shared by SSTORE and its
//! out-of-gas error state.
//!
//! ```text
//! flags (WordIsZero): cn = [current = new], oc = [original = current], on = [original = new],
//!                     oz = [original = 0], cz = [current = 0], nz = [new = 0]
//! clean_cost = oc·(oz·20000 + (1 − oz)·2900) + (1 − oc)·100
//! cost       = cn·100 + (1 − cn)·clean_cost + (1 − was_warm)·2100
//! ```
//! `clean_cost` is a cell so that `cost` stays of degree 2.

use super::WordIsZero;
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The six equality and zero flags of an SSTORE and its gas cost.
#[derive(Clone, Debug)]
pub struct SstoreGas<F: PrimeField> {
    flags: [WordIsZero<F>; 6],
    clean_cost: Cell<F>,
    /// The step's gas cost.
    pub cost: Cell<F>,
}

/// Values of the flags: `[cn, oc, on, oz, cz, nz]`.
pub type SstoreFlags<T> = [T; 6];

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn diff<F: PrimeField>(a: &Word<Expression<F>>, b: &Word<Expression<F>>) -> Word<Expression<F>> {
    Word::new(a.lo.clone() - b.lo.clone(), a.hi.clone() - b.hi.clone())
}

impl<F: PrimeField> SstoreGas<F> {
    /// States the flags of (`current`, `original`, `new`) and the cost with `was_warm`.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        current: &Word<Expression<F>>,
        original: &Word<Expression<F>>,
        new: &Word<Expression<F>>,
        was_warm: Expression<F>,
    ) -> Self {
        let zero = Word::new(c(0), c(0));
        let flags = [
            WordIsZero::configure(cb, "current - new", diff(current, new)),
            WordIsZero::configure(cb, "original - current", diff(original, current)),
            WordIsZero::configure(cb, "original - new", diff(original, new)),
            WordIsZero::configure(cb, "original", diff(original, &zero)),
            WordIsZero::configure(cb, "current", diff(current, &zero)),
            WordIsZero::configure(cb, "new", diff(new, &zero)),
        ];
        let [cn, oc, _, oz, _, _] = flags.clone().map(|f| f.expr());
        let one = || c::<F>(1);
        let clean_cost = cb.query_cell();
        cb.require_equal(
            "clean_cost = oc·(oz·20000 + (1 - oz)·2900) + (1 - oc)·100",
            clean_cost.expr(),
            oc.clone() * (oz.clone() * c(20000) + (one() - oz) * c(2900)) + (one() - oc) * c(100),
        );
        let cost = cb.query_cell();
        cb.require_equal(
            "cost = cn·100 + (1 - cn)·clean_cost + (1 - warm)·2100",
            cost.expr(),
            cn.clone() * c(100) + (one() - cn) * clean_cost.expr() + (one() - was_warm) * c(2100),
        );
        Self {
            flags,
            clean_cost,
            cost,
        }
    }

    /// The flags `[cn, oc, on, oz, cz, nz]` as expressions.
    pub fn flags(&self) -> SstoreFlags<Expression<F>> {
        self.flags.clone().map(|f| f.expr())
    }

    /// Assigns the flags and cost; returns the flags.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        current: U256,
        original: U256,
        new: U256,
        was_warm: bool,
    ) -> Result<SstoreFlags<bool>, Error> {
        let d = |a: U256, b: U256| {
            let (a, b) = (word_of::<F>(a), word_of::<F>(b));
            Word::new(a.lo - b.lo, a.hi - b.hi)
        };
        let z = U256::ZERO;
        let values = [
            d(current, new),
            d(original, current),
            d(original, new),
            d(original, z),
            d(current, z),
            d(new, z),
        ];
        let mut f = [false; 6];
        for ((flag, v), out) in self.flags.iter().zip(values).zip(f.iter_mut()) {
            *out = flag.assign(region, v)?;
        }
        let [cn, oc, _, oz, _, _] = f;
        let clean_cost: u64 = match (oc, oz) {
            (true, true) => 20000,
            (true, false) => 2900,
            (false, _) => 100,
        };
        self.clean_cost.assign(region, F::from(clean_cost))?;
        let cost = if cn { 100 } else { clean_cost } + if was_warm { 0 } else { 2100 };
        self.cost.assign(region, F::from(cost))?;
        Ok(f)
    }

    /// The cost `assign` computes, natively.
    pub fn native_cost(current: U256, original: U256, new: U256, was_warm: bool) -> u64 {
        let base = if current == new {
            100
        } else if original == current {
            if original.is_zero() {
                20000
            } else {
                2900
            }
        } else {
            100
        };
        base + if was_warm { 0 } else { 2100 }
    }
}
