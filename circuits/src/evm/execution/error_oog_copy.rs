//! ErrorOutOfGasCopy of CALLDATACOPY, CODECOPY, RETURNDATACOPY and MCOPY in the root call:
//! the gas left
//! does not cover the constant gas, the copy gas `3·ceil(size / 32)` and the memory
//! expansion (to `dst + size`, and for MCOPY to `src + size` too), for any words `dst`,
//! `src` and `size`.
//!
//! ```text
//! dst, src, size = stack reads at sp, sp + 1, sp + 2 (rw 0..3)   (src: the source offset)
//! OpcodeSelect(CALLDATACOPY, CODECOPY, RETURNDATACOPY, MCOPY): is_mcopy = sel_MCOPY
//! size_is_zero = WordIsZero(size), nz = 1 - size_is_zero
//! size_c = FarClamp(size, 2^32 - 32), dst_c = FarClamp(dst, 2^32 - 32),
//! src_c = FarClamp(src, 2^32 - 32)                                    (see far_clamp.rs)
//! "dst_e = nz·dst_c", "nz_mcopy = nz·is_mcopy", "src_e = nz_mcopy·src_c"
//! src_above boolean, gap 4 bytes:
//! "gap = src_above·(src_e - dst_e - 1) + (1 - src_above)·(dst_e - src_e)"
//! "top = dst_e + src_above·(src_e - dst_e)"                             max(dst_e, src_e)
//! MemoryExpansion::configure_with_len(top, size_c): new_size, gas
//! CopyWords(size_c): words
//! LessThan<8>(gas_left < constant_gas + 3·words + expansion gas)
//! ErrorEnd (rw 3: IsSuccess = 0)                                    (see common_error.rs)
//! ```
//!
//! Soundness. With every value below `2^32`, the clamps are the values themselves and, as in
//! MCOPY, `top` is the larger offset the copy writes or reads (only `dst` for the others:
//! their source is not this call's memory), so the right-hand side is the opcode's whole
//! cost: the step cannot pay it. (A RETURNDATACOPY that also reads past its return data
//! halts either way, whichever check revm makes first.) A size of 0 touches no memory (`top = 0`, no growth) and costs 3. A value
//! of `2^32` or more is replaced by `2^32 - 32`, which makes every term no larger than the
//! real one (a smaller size: fewer words and an earlier end; a smaller offset: an earlier
//! end), and memory cost grows with its end, so the gas proved missing is missing. The
//! proof then needs `gas_left` below the cost of the clamped copy (at least `3·2^27` gas of
//! copy words for a far size, about `3.5·10^13` of memory for a far offset); steps with more
//! gas are reported unsupported, like ERROR_OOG_MEMORY's. `gas_left < 2^64` is the step
//! state's invariant and the right-hand side is below `2^48`, so the 8-byte gap exists only
//! if `gas_left` is below it. revm names the halt `OutOfGas` (constant or copy gas),
//! `MemoryOOG` or `InvalidOperandOOG` (a value of `2^64` or more); all are this state.
//! Cost: 3 stack reads and the `IsSuccess` read, 125 cells (98 of them bytes), 10 rows.

use super::{
    common_error::assign_le_bytes,
    common_error::{ErrorEnd, LessThan},
    copy_to_memory::CopyWords,
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
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{
    execution_state::COPY_OPCODES, opcodes::opcode_info, ExecStep, ExecutionState, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// MCOPY, the copy whose source is memory too.
const MCOPY: u8 = 0x5e;

/// The clamped values of a copy `(dst, src, size)` (with `src` counted for MCOPY only):
/// `(top, size)`, the end of the memory touched being `top + size`.
fn clamped(opcode: u8, [dst, src, size]: [U256; 3]) -> (u64, u64) {
    if size.is_zero() {
        return (0, 0);
    }
    let src = if opcode == MCOPY { far_clamped(src) } else { 0 };
    (far_clamped(dst).max(src), far_clamped(size))
}

/// The cost proved: constant gas, copy words and expansion of the clamped copy from a
/// memory of `cur` words.
fn clamped_cost(opcode: u8, values: [U256; 3], cur: u64) -> u128 {
    let (top, size) = clamped(opcode, values);
    let end_words = if size == 0 {
        0
    } else {
        (top + size).div_ceil(32)
    };
    let new_size = cur.max(end_words);
    u128::from(opcode_info(opcode).constant_gas)
        + 3 * u128::from(size.div_ceil(32))
        + memory_cost(new_size)
        - memory_cost(cur)
}

/// Out of gas on a copy (root call).
#[derive(Clone, Debug)]
pub struct ErrorOogCopyGadget<F: PrimeField> {
    /// Which copy the step runs.
    pub select: OpcodeSelect<F, 4>,
    /// `[size = 0]`.
    pub size_is_zero: WordIsZero<F>,
    /// The size, clamped.
    pub size: FarClamp<F>,
    /// The destination offset, clamped.
    pub dst: FarClamp<F>,
    /// The source offset, clamped.
    pub src: FarClamp<F>,
    /// `nz·dst_c`.
    pub dst_e: Cell<F>,
    /// `nz·is_mcopy`.
    pub nz_mcopy: Cell<F>,
    /// `nz_mcopy·src_c`.
    pub src_e: Cell<F>,
    /// `src_e > dst_e`.
    pub src_above: Cell<F>,
    /// `|src_e - dst_e|`, less 1 when the source is above.
    pub gap: [Cell<F>; 4],
    /// `max(dst_e, src_e)`.
    pub top: Cell<F>,
    /// The expansion to `top + size_c`.
    pub expansion: MemoryExpansion<F>,
    /// `ceil(size_c / 32)`.
    pub words: CopyWords<F>,
    /// `gas_left < cost`.
    pub out_of_gas: LessThan<F, 8>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogCopyGadget<F> {
    const NAME: &'static str = "ERROR_OOG_COPY";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasCopy;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let le = |cells: &[Cell<F>]| {
            expr_from_le_bytes(&cells.iter().map(Cell::expr).collect::<Vec<_>>())
        };
        let dst_word = cb.stack_lookup(false, c(0));
        let src_word = cb.stack_lookup(false, c(1));
        let size_word = cb.stack_lookup(false, c(2));
        let select = OpcodeSelect::configure(cb, COPY_OPCODES);
        let is_mcopy = select.pick(COPY_OPCODES.map(|op| u64::from(op == MCOPY)));

        let size_is_zero = WordIsZero::configure(cb, "size", size_word.clone());
        let nz = c(1) - size_is_zero.expr();
        let size = FarClamp::configure(cb, "size", size_word, FAR_OFFSET);
        let dst = FarClamp::configure(cb, "dst", dst_word, FAR_OFFSET);
        let src = FarClamp::configure(cb, "src", src_word, FAR_OFFSET);
        let dst_e = cb.query_cell();
        cb.require_equal("dst_e = nz·dst_c", dst_e.expr(), nz.clone() * dst.expr());
        let nz_mcopy = cb.query_cell();
        cb.require_equal("nz_mcopy = nz·is_mcopy", nz_mcopy.expr(), nz * is_mcopy);
        let src_e = cb.query_cell();
        cb.require_equal(
            "src_e = nz_mcopy·src_c",
            src_e.expr(),
            nz_mcopy.expr() * src.expr(),
        );

        let src_above = cb.query_bool("src_above is boolean");
        let gap = cb.query_bytes::<4>();
        cb.require_equal(
            "gap = src_above·(src_e - dst_e - 1) + (1 - src_above)·(dst_e - src_e)",
            le(&gap),
            src_above.expr() * (src_e.expr() - dst_e.expr() - c(1))
                + (c(1) - src_above.expr()) * (dst_e.expr() - src_e.expr()),
        );
        let top = cb.query_cell();
        cb.require_equal(
            "top = dst_e + src_above·(src_e - dst_e)",
            top.expr(),
            dst_e.expr() + src_above.expr() * (src_e.expr() - dst_e.expr()),
        );
        let expansion =
            MemoryExpansion::configure_with_len(cb, Word::new(top.expr(), c(0)), size.expr());
        let words = CopyWords::configure(cb, size.expr());
        let cost = cb.props().constant_gas
            + c(3) * words.expr()
            + expansion.gas(cb.step().memory_word_size);
        let out_of_gas = LessThan::configure(
            cb,
            "gas_left < constant_gas + copy gas + memory gas",
            cb.step().gas_left,
            cost,
        );
        let end = ErrorEnd::configure(cb);
        Self {
            select,
            size_is_zero,
            size,
            dst,
            src,
            dst_e,
            nz_mcopy,
            src_e,
            src_above,
            gap,
            top,
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
        let opcode = step.opcode.ok_or(Error::Synthesis)?;
        self.select.assign(region, step.opcode)?;
        let rws = witness.step_rws(step);
        let value = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let values = [value(0)?, value(1)?, value(2)?];
        let [dst, src, size] = values;
        self.size_is_zero.assign(region, word_of(size))?;
        let nz = u64::from(!size.is_zero());
        self.size.assign(region, size)?;
        let dst_e = nz * self.dst.assign(region, dst)?;
        let nz_mcopy = nz * u64::from(opcode == MCOPY);
        let src_e = nz_mcopy * self.src.assign(region, src)?;
        self.dst_e.assign(region, F::from(dst_e))?;
        self.nz_mcopy.assign(region, F::from(nz_mcopy))?;
        self.src_e.assign(region, F::from(src_e))?;
        let src_above = src_e > dst_e;
        self.src_above
            .assign(region, F::from(u64::from(src_above)))?;
        let gap = if src_above {
            src_e - dst_e - 1
        } else {
            dst_e - src_e
        };
        assign_le_bytes(&self.gap, region, gap)?;
        let (top, size_c) = clamped(opcode, values);
        if top != dst_e.max(src_e) {
            return Err(Error::Synthesis);
        }
        self.top.assign(region, F::from(top))?;
        let cur = step.memory_word_size;
        self.expansion.assign_with_len(region, top, size_c, cur)?;
        self.words.assign(region, size_c)?;
        let cost =
            u64::try_from(clamped_cost(opcode, values, cur)).map_err(|_| Error::Synthesis)?;
        self.out_of_gas.assign(region, step.gas_left, cost)?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let provable = match (step.opcode, index.error_stack_reads(step)) {
            (Some(op), [dst, src, size]) if COPY_OPCODES.contains(&op) => {
                step.memory_word_size >> 32 == 0
                    && u128::from(step.gas_left)
                        < clamped_cost(op, [*dst, *src, *size], step.memory_word_size)
            }
            _ => false,
        };
        !provable
    }
}

#[cfg(test)]
mod tests;
