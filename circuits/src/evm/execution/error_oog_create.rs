//! ErrorOutOfGasCreate: CREATE or CREATE2 without the gas for its whole cost, `32000`,
//! `2·words` for the init code (EIP-3860), CREATE2's `6·words` for hashing it and the memory
//! expansion to `offset + size`, for any words `offset` and `size`.
//!
//! ```text
//! value, offset, size = stack reads at sp, sp + 1, sp + 2 (rw 0..3)   (CREATE2's salt unread)
//! is_create2 boolean, "opcode = CREATE + is_create2·(CREATE2 - CREATE)"
//! FarRange(offset, size) from the step's memory size: size_c, gas   (see far_clamp.rs)
//! CopyWords(size_c): words = ceil(size_c / 32)
//! cost = 32000 + (2 + 6·is_create2)·words + memory gas
//! LessThan<8>(gas_left < cost)
//! ErrorEnd (rw 3: IsSuccess = 0, then the hand-back to a caller)   (see common_error.rs)
//! ```
//!
//! Soundness. revm charges the init-code words and the memory, then pops CREATE2's salt and
//! charges the rest; every point at which it stops lacks the gas for the whole cost, so one
//! inequality proves them all, and the salt, which costs nothing, is not read. With both
//! words below `2^32` the clamped range is the real one and the cost is the opcode's own.
//! A word of `2^32` or more is replaced by `2^32 - 32` (see far_clamp.rs): a smaller size
//! costs fewer words and an earlier end, a smaller offset an earlier end, so the gas proved
//! missing is missing. (A non-zero size above 49152 below `2^64` halts as
//! `ErrorInitCodeSizeLimit` before any gas is charged; from `2^64` revm names it
//! `InvalidOperandOOG`, this state.) Whatever else would fail later (depth, balance, a
//! collision) is not reached. A CREATE in a static call fails before its gas is checked
//! (`ErrorWriteProtection`). A step with more gas than the clamped cost is reported
//! unsupported. The cost is below `2^48` and `gas_left < 2^64` (the step state's
//! invariant), so the 8-byte gap exists only if `gas_left` is below the cost.
//! Cost: 3 stack reads and the `IsSuccess` read.
//!
//! ErrorInitCodeSizeLimit ([`ErrorInitCodeSizeLimitGadget`]): CREATE or CREATE2 of more
//! than 49152 bytes of init code (EIP-3860), which halts before any gas is charged.
//!
//! ```text
//! value, offset, size = stack reads at sp, sp + 1, sp + 2 (rw 0..3)
//! is_create2 boolean, "opcode = CREATE + is_create2·(CREATE2 - CREATE)"
//! size_c = FarClamp(size, 2^32 - 32)
//! LessThan<4>(49152 < size_c)
//! ErrorEnd (rw 3)
//! ```
//! `size_c` is the size when it is below `2^32`, and `2^32 - 32` otherwise, when the size is
//! larger still: either way `size_c > 49152` proves the size over the limit. (revm names a
//! size of `2^64` or more `InvalidOperandOOG`, which is `ErrorOutOfGasCreate`.)

use super::error_oog_memory::FAR_OFFSET;
use super::{
    common_error::{ErrorEnd, LessThan},
    copy_to_memory::CopyWords,
    create::{CREATE2_WORD_GAS, CREATE_GAS, INIT_CODE_WORD_GAS, MAX_INIT_CODE_SIZE},
    error_oog_memory::memory_cost,
    far_clamp::{far_clamped, far_range_end, FarClamp, FarRange},
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{execution_state::CREATE_OPCODES, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The gas CREATE (or CREATE2, `is_create2`) of the clamped init code `(offset, size)` is
/// proved to need, from a memory of `cur` words.
fn clamped_cost(is_create2: bool, [offset, size]: [U256; 2], cur: u64) -> u128 {
    let size_c = far_clamped(size);
    let word_gas = INIT_CODE_WORD_GAS + if is_create2 { CREATE2_WORD_GAS } else { 0 };
    u128::from(CREATE_GAS)
        + u128::from(word_gas) * u128::from(size_c.div_ceil(32))
        + memory_cost(far_range_end([offset, size], cur))
        - memory_cost(cur)
}

/// CREATE or CREATE2 out of gas.
#[derive(Clone, Debug)]
pub struct ErrorOogCreateGadget<F: PrimeField> {
    /// 1 for CREATE2.
    pub is_create2: Cell<F>,
    /// The init code's range, clamped, and its expansion.
    pub range: FarRange<F>,
    /// The init code's words, of the clamped size.
    pub words: CopyWords<F>,
    /// `gas_left < cost`.
    pub out_of_gas: LessThan<F, 8>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogCreateGadget<F> {
    const NAME: &'static str = "ERROR_OOG_CREATE";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasCreate;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let is_create2 = configure_is_create2(cb);
        let _value = cb.stack_lookup(false, c(0));
        let offset = cb.stack_lookup(false, c(1));
        let size = cb.stack_lookup(false, c(2));
        let cur = cb.step().memory_word_size;
        let range = FarRange::configure(cb, "init_code", [offset, size], cur.clone());
        let words = CopyWords::configure(cb, range.size.expr());
        let cost = c(CREATE_GAS)
            + (c(INIT_CODE_WORD_GAS) + c(CREATE2_WORD_GAS) * is_create2.expr()) * words.expr()
            + range.gas(cur);
        let out_of_gas = LessThan::configure(
            cb,
            "gas_left < 32000 + word gas + memory gas",
            cb.step().gas_left,
            cost,
        );
        let end = ErrorEnd::configure(cb);
        Self {
            is_create2,
            range,
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
        let is_create2 = is_create2_of(step)?;
        self.is_create2
            .assign(region, F::from(u64::from(is_create2)))?;
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let range = [value(1)?, value(2)?];
        let cur = step.memory_word_size;
        self.range.assign(region, range, cur)?;
        self.words.assign(region, far_clamped(range[1]))?;
        let cost =
            u64::try_from(clamped_cost(is_create2, range, cur)).map_err(|_| Error::Synthesis)?;
        self.out_of_gas.assign(region, step.gas_left, cost)?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let is_create2 = step.opcode == Some(CREATE_OPCODES[1]);
        let provable = match index.error_stack_reads(step) {
            [_value, offset, size] => {
                step.memory_word_size >> 32 == 0
                    && u128::from(step.gas_left)
                        < clamped_cost(is_create2, [*offset, *size], step.memory_word_size)
            }
            _ => false,
        };
        !provable
    }
}

/// `is_create2` for a CREATE or CREATE2 step.
fn is_create2_of(step: &ExecStep) -> Result<bool, Error> {
    match step.opcode {
        Some(op) if op == CREATE_OPCODES[0] => Ok(false),
        Some(op) if op == CREATE_OPCODES[1] => Ok(true),
        _ => Err(Error::Synthesis),
    }
}

/// States `is_create2` from the opcode (CREATE or CREATE2).
fn configure_is_create2<F: PrimeField>(cb: &mut ConstraintBuilder<'_, F>) -> Cell<F> {
    let c = |v: u8| Expression::Constant(F::from(u64::from(v)));
    let [create, create2] = CREATE_OPCODES;
    let is_create2 = cb.query_bool("is_create2 is boolean");
    cb.require_equal(
        "opcode = CREATE + is_create2·(CREATE2 - CREATE)",
        cb.opcode(),
        c(create) + is_create2.expr() * c(create2 - create),
    );
    is_create2
}

/// CREATE or CREATE2 of init code over the EIP-3860 limit.
#[derive(Clone, Debug)]
pub struct ErrorInitCodeSizeLimitGadget<F: PrimeField> {
    /// 1 for CREATE2.
    pub is_create2: Cell<F>,
    /// The size, clamped.
    pub size: FarClamp<F>,
    /// `49152 < size_c`.
    pub too_large: LessThan<F, 4>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorInitCodeSizeLimitGadget<F> {
    const NAME: &'static str = "ERROR_INIT_CODE_SIZE_LIMIT";
    const STATE: ExecutionState = ExecutionState::ErrorInitCodeSizeLimit;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let is_create2 = configure_is_create2(cb);
        let _value = cb.stack_lookup(false, c(0));
        let _offset = cb.stack_lookup(false, c(1));
        let size = cb.stack_lookup(false, c(2));
        let size = FarClamp::configure(cb, "size", size, FAR_OFFSET);
        let too_large = LessThan::configure(
            cb,
            "49152 < size (EIP-3860)",
            c(MAX_INIT_CODE_SIZE),
            size.expr(),
        );
        let end = ErrorEnd::configure(cb);
        Self {
            is_create2,
            size,
            too_large,
            end,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let is_create2 = is_create2_of(step)?;
        self.is_create2
            .assign(region, F::from(u64::from(is_create2)))?;
        let size = witness
            .step_rws(step)
            .get(2)
            .map(|rw| rw.value)
            .ok_or(Error::Synthesis)?;
        let size_c = self.size.assign(region, size)?;
        self.too_large.assign(region, MAX_INIT_CODE_SIZE, size_c)?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !matches!(index.error_stack_reads(step), [_, _, _])
    }
}

#[cfg(test)]
mod tests;
