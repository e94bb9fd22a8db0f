//! What every error gadget shares: the end of the call after an exceptional halt
//! ([`ErrorEnd`]), and the proof that a small quantity is below another ([`LessThan`]).
//!
//! An exceptional halt ends the call with all its gas consumed and its changes undone. In
//! the root call the transaction's execution is then over; a call with a caller hands
//! control back to it ([`RestoreContext`]):
//!
//! ```text
//! "{ERR}: call's IsSuccess = 0"                 one call-context read, after the gadget's own
//! with a caller (is_root = 0): RestoreContext (optional, 14 rws; last callee: no return data)
//! "{ERR}: is_persistent = 0"                    a failing call keeps nothing
//! "{ERR}: rw_counter_end_of_reversion = rw_counter + accesses + reversible_write_counter - 1"
//! "{ERR}: is_root·refund_after = 0"
//! root: "{ERR}: next state is EndTx"; pc → 0, stack pointer → 1024, gas_left → 0,
//!       memory → 0, reversible writes → 0; call, code, flags unchanged
//! with a caller: the next step executes an opcode; the caller's context; gas_left → saved
//!       (the failing call's gas is consumed); reversible writes → saved
//! transition (both): rw_counter + accesses + reversible_write_counter; logs, tx unchanged;
//!       refund → refund_after
//! ```
//! The witness ends a failing frame with its `IsSuccess` read (and the hand-back to a
//! caller) followed by one undo write per reversible write of the frame
//! (`reversible_write_counter` of them, last change first). The step does not look them up
//! itself: each reversible write's own step looks up its undo at
//! `rw_counter_end_of_reversion - k` (`k` = the call's reversible writes before it,
//! [`ConstraintBuilder::undo_if_reverted`]). Pinning the end of reversion to the last
//! counter of the run, and skipping the run in `rw_counter`, makes the undos fill it
//! exactly: every counter of the run is one undo, each looked up once. The refund counter is
//! one of the undone writes, so it is back to its value at the call's start: 0 in the root;
//! in a call with a caller it is free here and tied to the rw table by the next step that
//! reads or writes the refund (as for REVERT, see `return_revert`).
//!
//! `gas_left → 0` is what the witness's `EndTx` step carries after an exceptional halt
//! (`gas_limit - gas_used - refund` with all gas used and no refund).

use super::restore_context::{is_root_step, next_refund, RestoreContext};
use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    constraint_builder::{ConstraintBuilder, Transition},
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The end of a call after an exceptional halt (see the module docs). Configure it after
/// the gadget's own rw accesses: its `IsSuccess` read and the hand-back come last.
#[derive(Clone, Debug)]
pub struct ErrorEnd<F: PrimeField> {
    /// The refund counter after the step.
    pub refund_after: Cell<F>,
}

impl<F: PrimeField> ErrorEnd<F> {
    /// States the `IsSuccess` read, the hand-back to a caller, the absence of undo writes,
    /// the next state and the transition.
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();
        let is_success = cb.call_context_lookup(CallContextField::IsSuccess);
        cb.require_equal_word("call's IsSuccess = 0", is_success, Word::new(c(0), c(0)));
        let is_root = step.is_root.clone();
        let has_caller = c(1) - is_root.clone();
        let back = cb.caller_rw_accesses(|cb| RestoreContext::configure(cb, c(0), c(0)));
        cb.require_zero("is_persistent = 0", step.is_persistent.clone());
        // The undo writes follow the step's own accesses and end at the end of reversion.
        let undos = step.reversible_write_counter.clone();
        cb.require_equal(
            "rw_counter_end_of_reversion = rw_counter + accesses + reversible_write_counter - 1",
            step.rw_counter_end_of_reversion.clone(),
            step.rw_counter.clone() + cb.rw_counter_delta() + undos.clone() - c(1),
        );
        cb.add_rw_counter_delta(undos);
        let refund_after = cb.query_cell();
        cb.require_zero(
            "is_root·refund_after = 0 (a failed root call has no refund)",
            is_root.clone() * refund_after.expr(),
        );
        cb.require_next_state_if(is_root, ExecutionState::EndTx);
        cb.require_next_opcode_step_if(has_caller);
        let transition =
            back.ending_transition(cb, c(0), c(0), Transition::To(refund_after.expr()));
        cb.require_step_state_transition(transition);
        Self { refund_after }
    }

    /// Assigns the refund after the step: 0 in the root call, the next step's elsewhere.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let refund = if is_root_step(witness, step) {
            0
        } else {
            next_refund(witness, step).ok_or(Error::Synthesis)?
        };
        self.refund_after.assign(region, F::from(refund))
    }
}

/// A proof that `lhs < rhs` for operands known to be small: `rhs - lhs - 1 = Σ gap_i·256^i`
/// with `N` byte cells.
///
/// ```text
/// "{what}: rhs - lhs - 1 = Σ gap_i·256^i"
/// ```
/// Soundness: if `lhs ≥ rhs`, then `rhs - lhs - 1` is `p - k` for `1 ≤ k ≤ lhs + 1`, which no
/// `N` bytes reach as long as `lhs < p - 2^(8N)` (the caller bounds `lhs`, typically by
/// bytes). Only the true case can be proved; the false case is not a value of this gadget.
#[derive(Clone, Debug)]
pub struct LessThan<F: PrimeField, const N: usize> {
    /// `rhs - lhs - 1`, little-endian bytes.
    pub gap: [Cell<F>; N],
}

impl<F: PrimeField, const N: usize> LessThan<F, N> {
    /// Requires `lhs < rhs` (constraint named after `what`).
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        lhs: Expression<F>,
        rhs: Expression<F>,
    ) -> Self {
        let gap = cb.query_bytes::<N>();
        let exprs: Vec<_> = gap.iter().map(Cell::expr).collect();
        cb.require_equal(
            &format!("{what}: rhs - lhs - 1 = Σ gap_i·256^i"),
            rhs - lhs - Expression::Constant(F::ONE),
            expr_from_le_bytes(&exprs),
        );
        Self { gap }
    }

    /// Assigns the gap of `lhs < rhs`; an error if `lhs ≥ rhs` or the gap needs more than
    /// `N` bytes.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        lhs: u64,
        rhs: u64,
    ) -> Result<(), Error> {
        let gap = rhs
            .checked_sub(lhs)
            .and_then(|d| d.checked_sub(1))
            .ok_or(Error::Synthesis)?;
        assign_le_bytes(&self.gap, region, gap)
    }
}

/// Assigns `value` into little-endian byte cells (at most 16); an error if it does not fit.
pub fn assign_le_bytes<F: PrimeField>(
    cells: &[Cell<F>],
    region: &mut StepRegion<'_, '_, F>,
    value: impl Into<u128>,
) -> Result<(), Error> {
    let value: u128 = value.into();
    if cells.len() > 16 || (cells.len() < 16 && value >> (8 * cells.len()) != 0) {
        return Err(Error::Synthesis);
    }
    for (cell, byte) in cells.iter().zip(value.to_le_bytes()) {
        cell.assign(region, F::from(u64::from(byte)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// PUSH1 1 ADD (underflow): the PUSH and the error step.
    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 1, 0x01]);
        let err = nth_step(&w, ExecutionState::ErrorStackUnderflow, 0);
        slice(&w, err - 1..err + 1)
    }

    #[test]
    fn a_root_error_cannot_claim_a_caller() {
        // With is_root = 0 the hand-back's accesses are due, and the witness has none.
        let o = Override::StepState {
            step: 1,
            field: "is_root",
            value: Fr::from(0),
        };
        assert!(verify(&circuit(), vec![o]).is_err());
    }

    #[test]
    fn error_end_resets_the_frame() {
        for (field, value, name) in [
            ("program_counter", 3, "next.program_counter = value"),
            ("stack_pointer", 1023, "next.stack_pointer = value"),
            ("memory_word_size", 1, "next.memory_word_size = value"),
        ] {
            let o = Override::StepState {
                step: 2,
                field,
                value: Fr::from(value),
            };
            assert_rejected(
                verify(&circuit(), vec![o]),
                &format!("ERROR_STACK_UNDERFLOW: {name}"),
            );
        }
    }
}
