//! RestoreContext: a call that ends hands control back to its caller. A helper of the steps
//! that end a call with a caller (STOP, RETURN, REVERT), not a gadget.
//!
//! ```text
//! caller_id = the ending call's CallerId read                                 (rw k)
//! reads of the caller's context (id caller_id): IsRoot, IsCreate, CodeHash, IsPersistent,
//!   RwCounterEndOfReversion, ProgramCounter, StackPointer, GasLeft, MemorySize,
//!   ReversibleWriteCounter                                                    (rw k+1..k+10)
//! writes of the caller's LastCalleeId = call_id, LastCalleeReturnDataOffset = offset,
//!   LastCalleeReturnDataLength = length                                       (rw k+11..k+13)
//! the caller resumes: call_id → caller_id; is_root, is_create, code_hash, is_persistent,
//!   rw_counter_end_of_reversion → the caller's; pc, stack pointer, memory → what it saved;
//!   gas_left → saved GasLeft + the gas the ending call has left;
//!   reversible writes → saved + the ending call's when it succeeded
//! ```
//! The saved fields are the ones the CALL step wrote (the pc and stack pointer after it,
//! the gas it kept after the callee's share, its memory size in words and its reversible
//! writes so far, the warm mark included). The state circuit makes each read return the
//! caller's last written value, and the caller's call id is the one the ending call's
//! context was written with, so none of them is free. A callee that succeeded hands its
//! reversible writes to its caller (they stay in the caller's journal); one that failed has
//! undone them.

use crate::evm::constraint_builder::{ConstraintBuilder, StepStateTransition, Transition};
use equivm_gadgets::Word;
use equivm_witness::{CallContextField as C, ExecStep, Witness};
use halo2_proofs::{halo2curves::ff::PrimeField, plonk::Expression};

/// Rw accesses a [`RestoreContext`] makes.
pub const RESTORE_CONTEXT_RWS: usize = 14;

/// The caller's context, read back when its callee ends.
#[derive(Clone, Debug)]
pub struct RestoreContext<F: PrimeField> {
    /// The caller's call id.
    pub caller_id: Expression<F>,
    /// The caller's `IsRoot`.
    pub is_root: Expression<F>,
    /// The caller's `IsCreate`.
    pub is_create: Expression<F>,
    /// The caller's code hash.
    pub code_hash: Word<Expression<F>>,
    /// The caller's `IsPersistent`.
    pub is_persistent: Expression<F>,
    /// The caller's `RwCounterEndOfReversion`.
    pub end_of_reversion: Expression<F>,
    /// The pc the caller resumes at.
    pub program_counter: Expression<F>,
    /// The caller's stack pointer after its CALL.
    pub stack_pointer: Expression<F>,
    /// The gas the caller kept.
    pub gas_left: Expression<F>,
    /// The caller's memory size in words.
    pub memory_word_size: Expression<F>,
    /// The caller's reversible writes when it called.
    pub reversible_write_counter: Expression<F>,
}

impl<F: PrimeField> RestoreContext<F> {
    /// Makes the [`RESTORE_CONTEXT_RWS`] accesses; the caller's last callee is the step's
    /// call, with return data `length` bytes at `offset` of its memory.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        offset: Expression<F>,
        length: Expression<F>,
    ) -> Self {
        let zero = || Expression::Constant(F::ZERO);
        let step = cb.step();
        let caller_id = cb.call_context_lookup(C::CallerId).lo;
        let read = |cb: &mut ConstraintBuilder<'_, F>, field| {
            cb.call_context_read(caller_id.clone(), field)
        };
        let is_root = read(cb, C::IsRoot).lo;
        let is_create = read(cb, C::IsCreate).lo;
        let code_hash = read(cb, C::CodeHash);
        let is_persistent = read(cb, C::IsPersistent).lo;
        let end_of_reversion = read(cb, C::RwCounterEndOfReversion).lo;
        let program_counter = read(cb, C::ProgramCounter).lo;
        let stack_pointer = read(cb, C::StackPointer).lo;
        let gas_left = read(cb, C::GasLeft).lo;
        let memory_word_size = read(cb, C::MemorySize).lo;
        let reversible_write_counter = read(cb, C::ReversibleWriteCounter).lo;
        for (field, value) in [
            (C::LastCalleeId, step.call_id),
            (C::LastCalleeReturnDataOffset, offset),
            (C::LastCalleeReturnDataLength, length),
        ] {
            let written = cb.call_context_write(caller_id.clone(), field);
            cb.require_equal_word(
                &format!("caller's {field:?} write"),
                written,
                Word::new(value, zero()),
            );
        }
        Self {
            caller_id,
            is_root,
            is_create,
            code_hash,
            is_persistent,
            end_of_reversion,
            program_counter,
            stack_pointer,
            gas_left,
            memory_word_size,
            reversible_write_counter,
        }
    }

    /// The transition of a step that ends its call: in the root call, the frame EndTx
    /// takes (pc 0, stack pointer 1024, memory 0, no reversible writes, the rest kept, the
    /// creation flag of a creation transaction included);
    /// with a caller, the caller's restored context. `gas_after` is the gas the ending call
    /// has left after the step (the root keeps it, a caller adds it to its own); `kept` the
    /// reversible writes the caller takes over, 0 in the root call. Both of degree 1.
    ///
    /// The rows of the hand-back are zero in the root call, so a restored value plus its
    /// root value times `is_root` is the next value either way. The call id, code hash,
    /// persistence, creation flag and end of reversion take such a product (degree 2),
    /// stated with
    /// [`ConstraintBuilder::require_next_field`]; an ending step is never the last one.
    pub fn ending_transition(
        &self,
        cb: &mut ConstraintBuilder<'_, F>,
        gas_after: Expression<F>,
        kept: Expression<F>,
        refund: Transition<Expression<F>>,
    ) -> StepStateTransition<F> {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();
        let is_root = step.is_root.clone();
        let picks = [
            ("call_id", step.call_id.clone(), self.caller_id.clone()),
            (
                "code_hash.lo",
                step.code_hash.lo.clone(),
                self.code_hash.lo.clone(),
            ),
            (
                "code_hash.hi",
                step.code_hash.hi.clone(),
                self.code_hash.hi.clone(),
            ),
            (
                "is_persistent",
                step.is_persistent.clone(),
                self.is_persistent.clone(),
            ),
            ("is_create", step.is_create.clone(), self.is_create.clone()),
            (
                "rw_counter_end_of_reversion",
                step.rw_counter_end_of_reversion.clone(),
                self.end_of_reversion.clone(),
            ),
        ];
        for (k, (name, root, caller)) in picks.into_iter().enumerate() {
            let value = is_root.clone() * root + caller;
            cb.require_next_field(
                name,
                move |s| match k {
                    0 => s.call_id,
                    1 => s.code_hash.lo,
                    2 => s.code_hash.hi,
                    3 => s.is_persistent,
                    4 => s.is_create,
                    _ => s.rw_counter_end_of_reversion,
                },
                value,
            );
        }
        StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            call_id: Transition::Free,
            is_root: Transition::To(is_root.clone() + self.is_root.clone()),
            // The caller's flag; the root call keeps its own (stated with the picks).
            is_create: Transition::Free,
            code_hash: Transition::Free,
            program_counter: Transition::To(self.program_counter.clone()),
            stack_pointer: Transition::To(is_root * c(1024) + self.stack_pointer.clone()),
            gas_left: Transition::To(gas_after + self.gas_left.clone()),
            memory_word_size: Transition::To(self.memory_word_size.clone()),
            reversible_write_counter: Transition::To(self.reversible_write_counter.clone() + kept),
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund,
            is_persistent: Transition::Free,
            rw_counter_end_of_reversion: Transition::Free,
        }
    }
}

/// Whether `step` runs in its tx's root call (its context's `IsRoot`).
pub(crate) fn is_root_step(witness: &Witness, step: &ExecStep) -> bool {
    witness
        .txs
        .get(step.tx_index)
        .is_some_and(|tx| tx.root_call_id == step.call_id)
}

/// The refund of the step after `step`.
pub(crate) fn next_refund(witness: &Witness, step: &ExecStep) -> Option<u64> {
    let i = witness
        .steps
        .iter()
        .position(|s| s.rw_counter == step.rw_counter && s.call_id == step.call_id)?;
    witness.steps.get(i + 1).map(|s| s.refund)
}
