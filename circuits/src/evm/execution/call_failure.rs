//! CallFailure: what the success flag of a call that ends decides. A helper of the steps
//! that end a call either way (RETURN/REVERT, the identity precompile), not a gadget.
//!
//! ```text
//! "(1 - IsSuccess)·is_persistent = 0"                    a failed call keeps nothing
//! "(1 - IsSuccess)·(rw_counter_end_of_reversion - (rw_counter + accesses so far + reversible_write_counter - 1)) = 0"
//! undos = (1 - IsSuccess)·reversible_write_counter        the undo writes, after everything else
//! kept = IsSuccess·reversible_write_counter               what the caller takes over
//! ```
//! Configure it after the step's accesses and copies: its undo run follows them, and ends
//! at the call's end of reversion.

use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The undo run of a failed call, and the writes a successful one keeps.
#[derive(Clone, Debug)]
pub struct CallFailure<F: PrimeField> {
    /// Undo writes that follow the step: `reversible_write_counter` on failure, else 0.
    pub undos: Cell<F>,
    /// `IsSuccess·reversible_write_counter`.
    pub kept: Cell<F>,
}

impl<F: PrimeField> CallFailure<F> {
    /// States the rules for `success` (boolean, of degree 1) and counts the undos in the
    /// step's `rw_counter` delta.
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>, success: Expression<F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();
        let fails = c(1) - success.clone();
        cb.require_zero(
            "(1 - IsSuccess)·is_persistent = 0 (a failed call keeps nothing)",
            fails.clone() * step.is_persistent.clone(),
        );
        cb.require_zero(
            "(1 - IsSuccess)·(rw_counter_end_of_reversion - (rw_counter + accesses so far + reversible_write_counter - 1)) = 0",
            fails.clone()
                * (step.rw_counter_end_of_reversion.clone()
                    - step.rw_counter.clone()
                    - cb.rw_counter_delta()
                    - step.reversible_write_counter.clone()
                    + c(1)),
        );
        let undos = cb.query_cell();
        cb.require_equal(
            "undos = (1 - IsSuccess)·reversible_write_counter",
            undos.expr(),
            fails * step.reversible_write_counter.clone(),
        );
        let kept = cb.query_cell();
        cb.require_equal(
            "kept = IsSuccess·reversible_write_counter",
            kept.expr(),
            success * step.reversible_write_counter,
        );
        cb.add_rw_counter_delta(undos.expr());
        Self { undos, kept }
    }

    /// Assigns the cells of a call that `succeeds` with `reversible_write_counter` writes.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        succeeds: bool,
        reversible_write_counter: u64,
    ) -> Result<(), Error> {
        let (undos, kept) = if succeeds {
            (0, reversible_write_counter)
        } else {
            (reversible_write_counter, 0)
        };
        self.undos.assign(region, F::from(undos))?;
        self.kept.assign(region, F::from(kept))
    }
}
