//! CalleeGas: the gas a CALL gives its callee (EIP-150). A helper of the call gadgets, not a
//! gadget.
//!
//! ```text
//! gas_available = gas_left - cost                     8 bytes (the step had enough gas)
//! "gas_available = 64·q + r", q 8 bytes, r and r + 192 bytes           (r < 64)
//! all_but_64th = gas_available - q
//! "gas.lo = Σ_{j<16} gas_byte_j·256^j", fits = WordIsZero(gas bytes 8..16, gas.hi)
//! "requested = fits·gas_low + (1 - fits)·all_but_64th"          gas_low: bytes 0..8
//! "requested - all_but_64th + is_lt·2^64" = 8 bytes, is_lt boolean
//! "callee_gas = is_lt·requested + (1 - is_lt)·all_but_64th"
//! ```
//! Soundness: `gas_available` and `q` are below `2^64` by their bytes and `r < 64`, so the
//! division holds over the integers and `q = floor(gas_available / 64)`. A requested gas of
//! `2^64` or more is more than any cap (`fits = 0`, and `requested` takes the cap); below, it
//! is `gas_low`. Both sides of the comparison are below `2^64`, so only `is_lt = [requested <
//! all_but_64th]` fits the difference in 8 bytes, and `callee_gas = min(gas, all_but_64th)`.
//! Cost: 50 byte cells, 6 plain cells.

use super::{common_error::assign_le_bytes, tx_arith::ByteNumber, WordIsZero};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The gas left after a call's cost and the callee's share of it.
#[derive(Clone, Debug)]
pub struct CalleeGas<F: PrimeField> {
    /// `gas_left - cost`, 8 bytes.
    pub gas_available: ByteNumber<F, 8>,
    /// `floor(gas_available / 64)`, little-endian.
    pub q64: [Cell<F>; 8],
    /// `gas_available mod 64`, and it plus 192.
    pub r64: [Cell<F>; 2],
    /// `gas.lo`, little-endian.
    pub gas_lo_bytes: [Cell<F>; 16],
    /// `gas < 2^64`.
    pub gas_fits: WordIsZero<F>,
    /// The gas asked for, capped.
    pub requested: Cell<F>,
    /// `requested < all_but_64th`.
    pub is_lt: Cell<F>,
    /// `requested - all_but_64th + is_lt·2^64`.
    pub lt_diff: ByteNumber<F, 8>,
    /// The callee's gas (without a stipend).
    pub callee_gas: Cell<F>,
}

impl<F: PrimeField> CalleeGas<F> {
    /// States the callee's gas for the popped `gas` word and the call's `cost`.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        gas: Word<Expression<F>>,
        cost: Expression<F>,
    ) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let exprs = |cells: &[Cell<F>]| cells.iter().map(Cell::expr).collect::<Vec<_>>();
        let gas_available = ByteNumber::configure(
            cb,
            "gas_available = gas_left - cost (enough gas)",
            cb.step().gas_left - cost,
        );
        let available = gas_available.word().lo;
        let q64 = cb.query_bytes::<8>();
        let r64 = [cb.query_byte(), cb.query_byte()];
        cb.require_equal(
            "gas_available = 64·q + r",
            available.clone(),
            c(64) * expr_from_le_bytes(&exprs(&q64)) + r64[0].expr(),
        );
        cb.require_equal(
            "r + 192 is a byte (r < 64)",
            r64[1].expr(),
            r64[0].expr() + c(192),
        );
        let all_but_64th = available - expr_from_le_bytes(&exprs(&q64));
        let gas_lo_bytes = cb.query_bytes::<16>();
        let lo = exprs(&gas_lo_bytes);
        cb.require_equal(
            "gas.lo = Σ_{j<16} gas_byte_j·256^j",
            gas.lo,
            expr_from_le_bytes(&lo),
        );
        let gas_fits = WordIsZero::configure(
            cb,
            "gas ≥ 2^64",
            Word::new(expr_from_le_bytes(&lo[8..]), gas.hi),
        );
        let requested = cb.query_cell();
        cb.require_equal(
            "requested = fits·gas + (1 - fits)·all_but_64th",
            requested.expr(),
            gas_fits.expr() * expr_from_le_bytes(&lo[..8])
                + (c(1) - gas_fits.expr()) * all_but_64th.clone(),
        );
        let is_lt = cb.query_bool("is_lt is boolean");
        let lt_diff = ByteNumber::configure(
            cb,
            "requested - all_but_64th + is_lt·2^64",
            requested.expr() - all_but_64th.clone()
                + is_lt.expr() * Expression::Constant(pow2::<F>(64)),
        );
        let callee_gas = cb.query_cell();
        cb.require_equal(
            "callee_gas = min(requested, all_but_64th)",
            callee_gas.expr(),
            is_lt.expr() * requested.expr() + (c(1) - is_lt.expr()) * all_but_64th,
        );
        Self {
            gas_available,
            q64,
            r64,
            gas_lo_bytes,
            gas_fits,
            requested,
            is_lt,
            lt_diff,
            callee_gas,
        }
    }

    /// `gas_left - cost`.
    pub fn available(&self) -> Expression<F> {
        self.gas_available.word().lo
    }

    /// The callee's gas.
    pub fn expr(&self) -> Expression<F> {
        self.callee_gas.expr()
    }

    /// Assigns the cells for the popped `gas` and `available = gas_left - cost`.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        gas: U256,
        available: u64,
    ) -> Result<(), Error> {
        self.gas_available.assign(region, U256::from(available))?;
        assign_le_bytes(&self.q64, region, available / 64)?;
        self.r64[0].assign(region, F::from(available % 64))?;
        self.r64[1].assign(region, F::from(available % 64 + 192))?;
        let all_but_64th = available - available / 64;
        let le = gas.to_le_bytes::<32>();
        for (cell, byte) in self.gas_lo_bytes.iter().zip(&le[..16]) {
            cell.assign(region, F::from(u64::from(*byte)))?;
        }
        // The word the constraint tests: bytes 8..16 of `gas.lo`, and `gas.hi` as it is.
        let middle = u64::from_le_bytes(le[8..16].try_into().map_err(|_| Error::Synthesis)?);
        let high = word_of::<F>(gas >> 128usize).lo;
        self.gas_fits
            .assign(region, Word::new(F::from(middle), high))?;
        let requested = u64::try_from(gas).unwrap_or(all_but_64th);
        self.requested.assign(region, F::from(requested))?;
        let is_lt = requested < all_but_64th;
        self.is_lt.assign(region, F::from(u64::from(is_lt)))?;
        let diff = if is_lt {
            (u128::from(requested) + (1u128 << 64)) - u128::from(all_but_64th)
        } else {
            u128::from(requested - all_but_64th)
        };
        self.lt_diff.assign(region, U256::from(diff))?;
        self.callee_gas
            .assign(region, F::from(requested.min(all_but_64th)))
    }
}
