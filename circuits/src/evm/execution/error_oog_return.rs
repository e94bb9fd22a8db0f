//! ErrorOutOfGasReturn: RETURN or REVERT without the gas for the memory expansion to
//! `offset + size`, for any words `offset` and `size`.
//!
//! ```text
//! offset, size = stack reads at sp, sp + 1 (rw 0, 1)
//! is_revert boolean, "opcode = RETURN + is_revert·(REVERT - RETURN)"
//! FarRange(offset, size) from the step's memory size: gas     (see far_clamp.rs)
//! LessThan<8>(gas_left < gas)
//! ErrorEnd (rw 2: IsSuccess = 0, then the hand-back to a caller)   (see common_error.rs)
//! ```
//!
//! Soundness. RETURN and REVERT cost nothing but their memory, which revm charges before
//! anything else they do. With both words below `2^32` the clamped range is the real one
//! and the inequality is the out-of-gas condition itself; a size of 0 touches no memory
//! and can never run out. A word of `2^32` or more is replaced by `2^32 - 32`, which ends
//! the range no later, so the gas proved missing is missing (revm names that halt
//! `MemoryOOG` or, from `2^64`, `InvalidOperandOOG`; both are this state). A step with more
//! gas than the clamped cost (about `3.5·10^13` from an empty memory) is reported
//! unsupported. `gas_left < 2^64` is the step state's invariant and the cost is below
//! `2^48`, so the 8-byte gap exists only if `gas_left` is below the cost.
//! Cost: 2 stack reads and the `IsSuccess` read.

use super::{
    common_error::{ErrorEnd, LessThan},
    error_oog_memory::memory_cost,
    far_clamp::{far_range_end, FarRange},
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{execution_state::RETURN_REVERT_OPCODES, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The gas RETURN or REVERT of the clamped range `(offset, size)` is proved to need, from
/// a memory of `cur` words.
fn clamped_cost(range: [U256; 2], cur: u64) -> u128 {
    memory_cost(far_range_end(range, cur)) - memory_cost(cur)
}

/// RETURN or REVERT out of gas for its memory.
#[derive(Clone, Debug)]
pub struct ErrorOogReturnGadget<F: PrimeField> {
    /// 1 for REVERT.
    pub is_revert: Cell<F>,
    /// The returned range, clamped, and its expansion.
    pub range: FarRange<F>,
    /// `gas_left < memory gas`.
    pub out_of_gas: LessThan<F, 8>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogReturnGadget<F> {
    const NAME: &'static str = "ERROR_OOG_RETURN";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasReturn;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u8| Expression::Constant(F::from(u64::from(v)));
        let [ret, revert] = RETURN_REVERT_OPCODES;
        let is_revert = cb.query_bool("is_revert is boolean");
        cb.require_equal(
            "opcode = RETURN + is_revert·(REVERT - RETURN)",
            cb.opcode(),
            c(ret) + is_revert.expr() * c(revert - ret),
        );
        let offset = cb.stack_lookup(false, c(0));
        let size = cb.stack_lookup(false, c(1));
        let cur = cb.step().memory_word_size;
        let range = FarRange::configure(cb, "range", [offset, size], cur.clone());
        let out_of_gas = LessThan::configure(
            cb,
            "gas_left < memory gas",
            cb.step().gas_left,
            range.gas(cur),
        );
        let end = ErrorEnd::configure(cb);
        Self {
            is_revert,
            range,
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
        let is_revert = match step.opcode {
            Some(op) if op == RETURN_REVERT_OPCODES[0] => false,
            Some(op) if op == RETURN_REVERT_OPCODES[1] => true,
            _ => return Err(Error::Synthesis),
        };
        self.is_revert
            .assign(region, F::from(u64::from(is_revert)))?;
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let range = [value(0)?, value(1)?];
        let cur = step.memory_word_size;
        self.range.assign(region, range, cur)?;
        let cost = u64::try_from(clamped_cost(range, cur)).map_err(|_| Error::Synthesis)?;
        self.out_of_gas.assign(region, step.gas_left, cost)?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let provable = match index.error_stack_reads(step) {
            [offset, size] => {
                step.memory_word_size >> 32 == 0
                    && u128::from(step.gas_left)
                        < clamped_cost([*offset, *size], step.memory_word_size)
            }
            _ => false,
        };
        !provable
    }
}

#[cfg(test)]
mod tests;
