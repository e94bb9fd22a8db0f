//! ErrorOutOfGasExtCodeCopy of EXTCODECOPY in the root call: the gas left does not cover the
//! account access (`100`, or `2600` for a cold account), the copy gas `3·ceil(size / 32)` and
//! the memory expansion to `dst + size`, for any words `dst`, `offset` and `size`.
//!
//! ```text
//! address, dst, offset, size = stack reads at sp .. sp + 3 (rw 0..3)
//! AccountAccess::configure_read(address): TxId read (rw 4), warm flag read (rw 5)
//! size_is_zero = WordIsZero(size), nz = 1 - size_is_zero
//! size_c = FarClamp(size, 2^32 - 32), dst_c = FarClamp(dst, 2^32 - 32)        (far_clamp.rs)
//! "dst_e = nz·dst_c"
//! MemoryExpansion::configure_with_len(dst_e, size_c): new_size, gas
//! CopyWords(size_c): words
//! LessThan<8>(gas_left < constant_gas + 2500·(1 - was_warm) + 3·words + expansion gas)
//! ErrorEnd (rw 6: IsSuccess = 0)                                    (see common_error.rs)
//! ```
//!
//! Soundness. The warm flag is read, not set: the step halts before its access counts (revm
//! warms the account and the failing frame's journal takes it back). The code offset plays
//! no part in the cost. With the size and `dst` below `2^32` the clamps are the values
//! themselves and the right-hand side is EXTCODECOPY's whole cost, which the step cannot
//! pay; a size of 0 touches no memory. A value of `2^32` or more is replaced by `2^32 - 32`,
//! which makes every term no larger than the real one, so the gas proved missing is
//! missing; a step with more gas than the clamped cost is reported unsupported.
//! `gas_left < 2^64` is the step state's invariant and the right-hand side is below `2^48`,
//! so the 8-byte gap exists only if `gas_left` is below it. revm names the halt `OutOfGas`,
//! `MemoryOOG` or `InvalidOperandOOG`; all are this state.

use super::{
    account_access::{AccountAccess, COLD_ACCOUNT_EXTRA},
    common_error::{ErrorEnd, LessThan},
    copy_to_memory::CopyWords,
    error_oog_memory::{memory_cost, FAR_OFFSET},
    far_clamp::{far_clamped, FarClamp},
    memory_expansion::MemoryExpansion,
    ExecutionGadget, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{
    execution_state::EXTCODECOPY, opcodes::opcode_info, ExecStep, ExecutionState, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The clamped `(dst, size)` of a copy: the memory written ends at `dst + size`.
fn clamped([dst, size]: [U256; 2]) -> (u64, u64) {
    if size.is_zero() {
        return (0, 0);
    }
    (far_clamped(dst), far_clamped(size))
}

/// The cost proved for the clamped copy from a memory of `cur` words, the account being
/// warm or not.
fn clamped_cost(values: [U256; 2], warm: bool, cur: u64) -> u128 {
    let (dst, size) = clamped(values);
    let end_words = if size == 0 {
        0
    } else {
        (dst + size).div_ceil(32)
    };
    u128::from(opcode_info(EXTCODECOPY).constant_gas)
        + if warm {
            0
        } else {
            u128::from(COLD_ACCOUNT_EXTRA)
        }
        + 3 * u128::from(size.div_ceil(32))
        + memory_cost(cur.max(end_words))
        - memory_cost(cur)
}

/// Out of gas on an EXTCODECOPY (root call).
#[derive(Clone, Debug)]
pub struct ErrorOogExtCodeCopyGadget<F: PrimeField> {
    /// The account and its warm flag.
    pub account: AccountAccess<F>,
    /// `[size = 0]`.
    pub size_is_zero: WordIsZero<F>,
    /// The size, clamped.
    pub size: FarClamp<F>,
    /// The destination, clamped.
    pub dst: FarClamp<F>,
    /// `nz·dst_c`.
    pub dst_e: Cell<F>,
    /// The expansion to `dst_e + size_c`.
    pub expansion: MemoryExpansion<F>,
    /// `ceil(size_c / 32)`.
    pub words: CopyWords<F>,
    /// `gas_left < cost`.
    pub out_of_gas: LessThan<F, 8>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogExtCodeCopyGadget<F> {
    const NAME: &'static str = "ERROR_OOG_EXTCODECOPY";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasExtCodeCopy;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let address_word = cb.stack_lookup(false, c(0));
        let dst_word = cb.stack_lookup(false, c(1));
        cb.stack_lookup(false, c(2));
        let size_word = cb.stack_lookup(false, c(3));
        let account = AccountAccess::configure_read(cb, address_word);
        let size_is_zero = WordIsZero::configure(cb, "size", size_word.clone());
        let nz = c(1) - size_is_zero.expr();
        let size = FarClamp::configure(cb, "size", size_word, FAR_OFFSET);
        let dst = FarClamp::configure(cb, "dst", dst_word, FAR_OFFSET);
        let dst_e = cb.query_cell();
        cb.require_equal("dst_e = nz·dst_c", dst_e.expr(), nz * dst.expr());
        let expansion =
            MemoryExpansion::configure_with_len(cb, Word::new(dst_e.expr(), c(0)), size.expr());
        let words = CopyWords::configure(cb, size.expr());
        let cost = cb.props().constant_gas
            + account.dynamic_gas()
            + c(3) * words.expr()
            + expansion.gas(cb.step().memory_word_size);
        let out_of_gas = LessThan::configure(
            cb,
            "gas_left < constant_gas + cold gas + copy gas + memory gas",
            cb.step().gas_left,
            cost,
        );
        let end = ErrorEnd::configure(cb);
        Self {
            account,
            size_is_zero,
            size,
            dst,
            dst_e,
            expansion,
            words,
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
        let (address, dst, size, warm) = (value(0)?, value(1)?, value(3)?, value(5)?);
        self.account.assign(region, address)?;
        self.size_is_zero.assign(region, word_of(size))?;
        let nz = u64::from(!size.is_zero());
        self.size.assign(region, size)?;
        let dst_e = nz * self.dst.assign(region, dst)?;
        self.dst_e.assign(region, F::from(dst_e))?;
        let (dst_c, size_c) = clamped([dst, size]);
        if dst_c != dst_e {
            return Err(Error::Synthesis);
        }
        let cur = step.memory_word_size;
        self.expansion.assign_with_len(region, dst_e, size_c, cur)?;
        self.words.assign(region, size_c)?;
        let cost = clamped_cost([dst, size], !warm.is_zero(), cur);
        let cost = u64::try_from(cost).map_err(|_| Error::Synthesis)?;
        self.out_of_gas.assign(region, step.gas_left, cost)?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        // The four stack reads, then the warm flag.
        let provable = match (step.opcode, index.error_stack_reads(step)) {
            (Some(EXTCODECOPY), [_, dst, _, size, warm]) => {
                step.memory_word_size >> 32 == 0
                    && u128::from(step.gas_left)
                        < clamped_cost([*dst, *size], !warm.is_zero(), step.memory_word_size)
            }
            _ => false,
        };
        !provable
    }
}

#[cfg(test)]
mod tests;
