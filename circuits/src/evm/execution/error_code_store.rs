//! ErrorCodeStore: the RETURN that ends a creation with code it cannot deposit, more than
//! 24576 bytes (EIP-170) or too little gas left for 200 gas a byte.
//!
//! ```text
//! "is_create = 1", "opcode = RETURN"
//! offset, size = stack reads at sp, sp + 1 (rw 0, 1)
//! MemoryExpansion(offset, size): memory gas        (RETURN itself succeeded: both fit)
//! too_big boolean
//! too_big = 1: LessThan<4>(24576 < size)
//! too_big = 0: LessThan<8>(gas_left < memory gas + 200·size)
//! ErrorEnd (rw 2: IsSuccess = 0, then the hand-back to the creator)  (see common_error.rs)
//! ```
//!
//! Soundness. A creation's RETURN pays its memory, then revm checks the code it returns:
//! its first byte (0xef is `ErrorInvalidCreationCode`), its size, then the deposit's gas.
//! Either inequality means the creation cannot end successfully; a code that would also
//! start with 0xef fails the same way (all its gas consumed, its writes undone), so which of
//! the reasons revm names does not change what is proved. `is_create = 1` keeps the state
//! out of message calls, whose RETURN deposits nothing. The memory operands are the
//! expansion's, below `2^32` (a RETURN that could not address them halts earlier, as
//! `ErrorOutOfGasReturn`), so the cost is below `2^48` and the 8-byte gap exists only if
//! `gas_left` is below it (`gas_left < 2^64` is the step state's invariant).
//! Cost: 2 stack reads and the `IsSuccess` read.

use super::{
    common_error::{ErrorEnd, LessThan},
    creation_end::{CODE_DEPOSIT_BYTE_GAS, MAX_CODE_SIZE},
    error_oog_memory::memory_cost,
    memory_expansion::{Length, MemoryExpansion},
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// RETURN's opcode.
const RETURN: u64 = 0xf3;

/// `(memory gas, size)` of a creation's RETURN of `(offset, size)` from `cur` words, if the
/// operands can be addressed.
fn deposit_cost(offset: U256, size: U256, cur: u64) -> Option<(u64, u64)> {
    let size = u64::try_from(size).ok().filter(|s| s >> 32 == 0)?;
    let end = match size {
        0 => 0,
        _ => u64::try_from(offset)
            .ok()
            .filter(|o| o >> 32 == 0)?
            .checked_add(size)?
            .div_ceil(32),
    };
    let memory = memory_cost(cur.max(end)) - memory_cost(cur);
    Some((u64::try_from(memory).ok()?, size))
}

/// The start of every error on a creation's RETURN: `is_create = 1` (a message call's
/// RETURN deposits nothing), `opcode = RETURN`, the offset and size read from the stack
/// (rw 0, 1) and the expansion of their range.
pub(super) fn creation_return_range<F: PrimeField>(
    cb: &mut ConstraintBuilder<'_, F>,
) -> MemoryExpansion<F> {
    let c = |v: u64| Expression::Constant(F::from(v));
    let is_create = cb.step().is_create;
    cb.require_equal("is_create = 1", is_create, c(1));
    cb.require_equal("opcode = RETURN", cb.opcode(), c(RETURN));
    let offset = cb.stack_lookup(false, c(0));
    let size = cb.stack_lookup(false, c(1));
    MemoryExpansion::configure_range(cb, offset, size)
}

/// RETURN that ends a creation with code it cannot deposit.
#[derive(Clone, Debug)]
pub struct ErrorCodeStoreGadget<F: PrimeField> {
    /// The returned range's expansion.
    pub expansion: MemoryExpansion<F>,
    /// Whether the code is over 24576 bytes (else the deposit's gas is missing).
    pub too_big: Cell<F>,
    /// `24576 < size` (when `too_big`).
    pub over_limit: LessThan<F, 4>,
    /// `gas_left < memory gas + 200·size` (when not `too_big`).
    pub out_of_gas: LessThan<F, 8>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorCodeStoreGadget<F> {
    const NAME: &'static str = "ERROR_CODE_STORE";
    const STATE: ExecutionState = ExecutionState::ErrorCodeStore;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();
        let expansion = creation_return_range(cb);
        let size = match &expansion.length {
            Length::Dynamic(d) => {
                expr_from_le_bytes(&d.size_bytes.iter().map(Cell::expr).collect::<Vec<_>>())
            }
            _ => unreachable!("configure_range gives a dynamic length"),
        };
        let too_big = cb.query_bool("too_big is boolean");
        let over_limit = cb.condition(too_big.expr(), |cb| {
            LessThan::configure(cb, "24576 < size (EIP-170)", c(MAX_CODE_SIZE), size.clone())
        });
        let cost = expansion.gas(step.memory_word_size.clone()) + c(CODE_DEPOSIT_BYTE_GAS) * size;
        let out_of_gas = cb.condition(c(1) - too_big.expr(), |cb| {
            LessThan::configure(
                cb,
                "gas_left < memory gas + 200·size",
                step.gas_left.clone(),
                cost,
            )
        });
        let end = ErrorEnd::configure(cb);
        Self {
            expansion,
            too_big,
            over_limit,
            out_of_gas,
            end,
        }
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
        let cur = step.memory_word_size;
        self.expansion.assign_range(region, offset, size, cur)?;
        let (memory, size) = deposit_cost(offset, size, cur).ok_or(Error::Synthesis)?;
        let too_big = size > MAX_CODE_SIZE;
        self.too_big.assign(region, F::from(u64::from(too_big)))?;
        if too_big {
            self.over_limit.assign(region, MAX_CODE_SIZE, size)?;
            for cell in &self.out_of_gas.gap {
                cell.assign(region, F::ZERO)?;
            }
        } else {
            for cell in &self.over_limit.gap {
                cell.assign(region, F::ZERO)?;
            }
            let cost = memory + CODE_DEPOSIT_BYTE_GAS * size;
            self.out_of_gas.assign(region, step.gas_left, cost)?;
        }
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let provable = match index.error_stack_reads(step) {
            [offset, size] => deposit_cost(*offset, *size, step.memory_word_size).is_some(),
            _ => false,
        };
        !provable
    }
}

#[cfg(test)]
mod tests;
