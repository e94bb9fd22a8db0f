//! ErrorOutOfGasLog of LOG0..LOG4 in the root call: the gas left does not cover
//! `375 + 375·n + 8·size` and the memory expansion to `offset + size`, for any words
//! `offset` and `size`.
//!
//! ```text
//! offset, size = stack reads at sp, sp + 1 (rw 0, 1)
//! OpcodeSelect(LOG0..LOG4): n = Σ sel_m·m
//! size_is_zero = WordIsZero(size), nz = 1 - size_is_zero
//! size_c = FarClamp(size, 2^32 - 32), offset_c = FarClamp(offset, 2^32 - 32)  (far_clamp.rs)
//! "offset_e = nz·offset_c"
//! MemoryExpansion::configure_with_len(offset_e, size_c): new_size, gas
//! LessThan<8>(gas_left < constant_gas + 375·n + 8·size_c + expansion gas)
//! ErrorEnd (rw 2: IsSuccess = 0)                                    (see common_error.rs)
//! ```
//!
//! Soundness. The opcode fixes `n` (one-hot selection) and so the topics' cost; the topics
//! themselves are not read, as the cost does not depend on them. With both values below
//! `2^32` the clamps are the values themselves and the right-hand side is LOG's whole cost,
//! which the step cannot pay. A size of 0 touches no memory (`offset_e = 0`, no growth). A
//! value of `2^32` or more is replaced by `2^32 - 32`: a smaller size costs fewer bytes and
//! an earlier end, a smaller offset an earlier end, and memory cost grows with its end, so
//! the gas proved missing is missing. A step with more gas than the clamped cost is
//! reported unsupported. `gas_left < 2^64` is the step state's invariant and the right-hand
//! side is below `2^48`, so the 8-byte gap exists only if `gas_left` is below it. revm names
//! the halt `OutOfGas`, `MemoryOOG` or `InvalidOperandOOG` (a value of `2^64` or more); all
//! are this state. A LOG in a static call fails before its gas is checked
//! (`ErrorWriteProtection`), and the root call is never static.
//! Cost: 2 stack reads and the `IsSuccess` read, 8 rows.

use super::{
    common_error::{ErrorEnd, LessThan},
    error_oog_memory::{memory_cost, FAR_OFFSET},
    far_clamp::{far_clamped, FarClamp},
    memory_expansion::MemoryExpansion,
    opcode_select::OpcodeSelect,
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
    execution_state::LOG_OPCODES, opcodes::opcode_info, ExecStep, ExecutionState, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The clamped `(offset, size)` of a LOG: the memory touched ends at `offset + size`.
fn clamped([offset, size]: [U256; 2]) -> (u64, u64) {
    if size.is_zero() {
        return (0, 0);
    }
    (far_clamped(offset), far_clamped(size))
}

/// The cost proved for LOG `opcode` of the clamped range, from a memory of `cur` words.
fn clamped_cost(opcode: u8, values: [U256; 2], cur: u64) -> u128 {
    let (offset, size) = clamped(values);
    let end_words = if size == 0 {
        0
    } else {
        (offset + size).div_ceil(32)
    };
    let topics = u128::from(opcode.saturating_sub(LOG_OPCODES[0]));
    u128::from(opcode_info(opcode).constant_gas)
        + 375 * topics
        + 8 * u128::from(size)
        + memory_cost(cur.max(end_words))
        - memory_cost(cur)
}

/// Out of gas on a LOG (root call).
#[derive(Clone, Debug)]
pub struct ErrorOogLogGadget<F: PrimeField> {
    /// Which LOG the step runs.
    pub select: OpcodeSelect<F, 5>,
    /// `[size = 0]`.
    pub size_is_zero: WordIsZero<F>,
    /// The size, clamped.
    pub size: FarClamp<F>,
    /// The offset, clamped.
    pub offset: FarClamp<F>,
    /// `nz·offset_c`.
    pub offset_e: Cell<F>,
    /// The expansion to `offset_e + size_c`.
    pub expansion: MemoryExpansion<F>,
    /// `gas_left < cost`.
    pub out_of_gas: LessThan<F, 8>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogLogGadget<F> {
    const NAME: &'static str = "ERROR_OOG_LOG";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasLog;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let offset_word = cb.stack_lookup(false, c(0));
        let size_word = cb.stack_lookup(false, c(1));
        let select = OpcodeSelect::configure(cb, LOG_OPCODES);
        let n = select.pick([0, 1, 2, 3, 4]);

        let size_is_zero = WordIsZero::configure(cb, "size", size_word.clone());
        let nz = c(1) - size_is_zero.expr();
        let size = FarClamp::configure(cb, "size", size_word, FAR_OFFSET);
        let offset = FarClamp::configure(cb, "offset", offset_word, FAR_OFFSET);
        let offset_e = cb.query_cell();
        cb.require_equal(
            "offset_e = nz·offset_c",
            offset_e.expr(),
            nz * offset.expr(),
        );
        let expansion =
            MemoryExpansion::configure_with_len(cb, Word::new(offset_e.expr(), c(0)), size.expr());
        let cost = cb.props().constant_gas
            + c(375) * n
            + c(8) * size.expr()
            + expansion.gas(cb.step().memory_word_size);
        let out_of_gas = LessThan::configure(
            cb,
            "gas_left < constant_gas + topic gas + byte gas + memory gas",
            cb.step().gas_left,
            cost,
        );
        let end = ErrorEnd::configure(cb);
        Self {
            select,
            size_is_zero,
            size,
            offset,
            offset_e,
            expansion,
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
        let opcode = step.opcode.ok_or(Error::Synthesis)?;
        self.select.assign(region, step.opcode)?;
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let values = [value(0)?, value(1)?];
        let [offset, size] = values;
        self.size_is_zero.assign(region, word_of(size))?;
        let nz = u64::from(!size.is_zero());
        self.size.assign(region, size)?;
        let offset_e = nz * self.offset.assign(region, offset)?;
        self.offset_e.assign(region, F::from(offset_e))?;
        let (offset_c, size_c) = clamped(values);
        if offset_c != offset_e {
            return Err(Error::Synthesis);
        }
        let cur = step.memory_word_size;
        self.expansion
            .assign_with_len(region, offset_e, size_c, cur)?;
        let cost =
            u64::try_from(clamped_cost(opcode, values, cur)).map_err(|_| Error::Synthesis)?;
        self.out_of_gas.assign(region, step.gas_left, cost)?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let provable = match (step.opcode, index.error_stack_reads(step)) {
            (Some(op), [offset, size]) if LOG_OPCODES.contains(&op) => {
                step.memory_word_size >> 32 == 0
                    && u128::from(step.gas_left)
                        < clamped_cost(op, [*offset, *size], step.memory_word_size)
            }
            _ => false,
        };
        !provable
    }
}

#[cfg(test)]
mod tests;
