//! The creation's share of the gas (EIP-150): all but one 64th of what is left after the
//! cost. A helper of the creation gadgets, not a gadget.
//!
//! ```text
//! gas_available = gas_left - cost                     8 bytes (the step had enough gas)
//! "gas_available = 64·q + r", q 8 bytes, r and r + 192 bytes           (r < 64)
//! kept = q; passed on = gas_available - q
//! ```
//! `gas_available` and `q` are below `2^64` by their bytes and `r < 64`, so the division
//! holds over the integers and `q = floor(gas_available / 64)`.

use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    constraint_builder::ConstraintBuilder,
    execution::{common_error::assign_le_bytes, tx_arith::ByteNumber},
};
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The gas left after a creation's cost, split into the 64th the creator keeps and the rest.
#[derive(Clone, Debug)]
pub struct CreationGas<F: PrimeField> {
    gas_available: ByteNumber<F, 8>,
    q64: [Cell<F>; 8],
    r64: [Cell<F>; 2],
}

impl<F: PrimeField> CreationGas<F> {
    /// States the split of `available` (`gas_left - cost`); returns it with the parts:
    /// `(self, kept, passed_on)`.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        available: Expression<F>,
    ) -> (Self, Expression<F>, Expression<F>) {
        let c = |v: u64| Expression::Constant(F::from(v));
        let gas_available = ByteNumber::configure(
            cb,
            "gas_available = gas_left - cost (enough gas)",
            available,
        );
        let available = gas_available.word().lo;
        let q64 = cb.query_bytes::<8>();
        let kept = expr_from_le_bytes(&q64.iter().map(Cell::expr).collect::<Vec<_>>());
        let r64 = [cb.query_byte(), cb.query_byte()];
        cb.require_equal(
            "gas_available = 64·q + r",
            available.clone(),
            c(64) * kept.clone() + r64[0].expr(),
        );
        cb.require_equal(
            "r + 192 is a byte (r < 64)",
            r64[1].expr(),
            r64[0].expr() + c(192),
        );
        let passed_on = available - kept.clone();
        (
            Self {
                gas_available,
                q64,
                r64,
            },
            kept,
            passed_on,
        )
    }

    /// Assigns the split of `available`.
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, available: u64) -> Result<(), Error> {
        self.gas_available.assign(region, U256::from(available))?;
        assign_le_bytes(&self.q64, region, available / 64)?;
        self.r64[0].assign(region, F::from(available % 64))?;
        self.r64[1].assign(region, F::from(available % 64 + 192))
    }
}
