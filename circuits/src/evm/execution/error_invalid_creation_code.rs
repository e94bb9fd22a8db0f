//! ErrorInvalidCreationCode: the RETURN that ends a creation with code whose first byte is
//! 0xef (EIP-3541: no new code may start with the EOF prefix).
//!
//! ```text
//! "is_create = 1", "opcode = RETURN"
//! offset, size = stack reads at sp, sp + 1 (rw 0, 1)
//! MemoryExpansion(offset, size)                    (RETURN itself succeeded: both fit)
//! size ≠ 0
//! memory read of byte `offset` (rw 2) = 0xef
//! ErrorEnd (rw 3: IsSuccess = 0, then the hand-back to the creator)  (see common_error.rs)
//! ```
//!
//! Soundness. revm checks the returned code's first byte before its size and the deposit's
//! gas, and the failure is the same whatever the reason (all the creation's gas consumed,
//! its writes undone), so the first byte alone proves that the creation cannot end well.
//! The byte is the memory byte at `offset` in the state circuit, which holds the last value
//! written there (0 where nothing was). `size ≠ 0` keeps an empty code (no first byte) out.
//! `is_create = 1` keeps the state out of message calls, whose RETURN deposits nothing. The
//! offset is the expansion's, below `2^32`; a RETURN that could not address it halts earlier,
//! as `ErrorOutOfGasReturn`.
//! Cost: 2 stack reads, 1 memory read and the `IsSuccess` read.

use super::{
    common_error::ErrorEnd,
    error_code_store::creation_return_range,
    memory_expansion::{Length, MemoryExpansion},
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The first byte no new code may start with (EIP-3541).
pub const EOF_PREFIX: u64 = 0xef;

/// RETURN that ends a creation with code starting with 0xef.
#[derive(Clone, Debug)]
pub struct ErrorInvalidCreationCodeGadget<F: PrimeField> {
    /// The returned range's expansion (its offset is the first byte's address).
    pub expansion: MemoryExpansion<F>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorInvalidCreationCodeGadget<F> {
    const NAME: &'static str = "ERROR_INVALID_CREATION_CODE";
    const STATE: ExecutionState = ExecutionState::ErrorInvalidCreationCode;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let expansion = creation_return_range(cb);
        match &expansion.length {
            Length::Dynamic(d) => cb.require_zero("size ≠ 0", d.size_is_zero.expr()),
            _ => unreachable!("configure_range gives a dynamic length"),
        }
        let address = expr_from_le_bytes(
            &expansion
                .offset_bytes
                .iter()
                .map(Cell::expr)
                .collect::<Vec<_>>(),
        );
        let first = cb.memory_lookup(false, address);
        cb.require_equal_word(
            "the code's first byte = 0xef (EIP-3541)",
            first,
            Word::new(c(EOF_PREFIX), c(0)),
        );
        let end = ErrorEnd::configure(cb);
        Self { expansion, end }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let (offset, size) = (value(0)?, value(1)?);
        self.expansion
            .assign_range(region, offset, size, step.memory_word_size)?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let addressable = match index.error_stack_reads(step) {
            [offset, size] => {
                let limit = U256::from(1u64 << 32);
                !size.is_zero() && *size < limit && *offset < limit
            }
            _ => false,
        };
        !addressable
    }
}

#[cfg(test)]
mod tests;
