//! ErrorOutOfGasDynamic of EXP in the root call: the gas left does not cover
//! `10 + 50·(byte size of the exponent)`.
//!
//! ```text
//! base = pop (rw 0), exponent = pop (rw 1)
//! "ERROR_OOG_EXP: opcode = 0x0a"
//! e: 32 byte cells, "exponent = Σ byte_i·256^i"     (lo: e_0..e_15, hi: e_16..e_31)
//! ByteSize(e) = size                                (see byte_size.rs)
//! gas: 2 byte cells, "gas = gas_left (2 bytes)"
//! LessThan<2>("gas < 10 + 50·size")                 10 + 50·size - gas - 1 = Σ gap_i·256^i
//! ErrorEnd (rw 2: IsSuccess = 0)                (see common_error.rs)
//! ```
//! Soundness. The byte cells are the exponent read from the stack, so `size` is its byte
//! size (unique, see `byte_size.rs`) and `cost = 10 + 50·size` is what EXP charges, at most
//! `10 + 50·32 = 1610`. `gas` is two bytes equal to `gas_left`, so `gas_left < 2^16` is
//! proved here and not taken from the step state's own bound; then `cost - gas - 1` lies in
//! `[cost - 2^16, cost - 1]`, and two bytes reach it only when it is not negative, i.e.
//! `gas_left < cost`: the step is out of gas. Completeness: an EXP that runs out of gas has
//! `gas_left < cost ≤ 1610`, which fits the two bytes, and so does the gap. The base is read
//! (the step consumes it) but plays no part. The other dynamic-gas opcodes whose
//! out-of-gas lands in this state (KECCAK256, the copies, LOG, the calls, ...) are kept out
//! by the opcode constraint and reported unsupported, as is a step whose gas would have
//! covered the cost. Cost: 68 byte cells (exponent 32, size selectors 32, gas 2, gap 2), 2
//! plain cells, 3 rw lookups.

use super::{
    assign_word_bytes,
    common_error::{assign_le_bytes, ErrorEnd, LessThan},
    word_of_bytes, ByteSize, ExecutionGadget,
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

/// The EXP opcode.
const EXP: u8 = 0x0a;
/// EXP's gas before the exponent's bytes.
const EXP_GAS: u64 = 10;
/// EXP's gas per byte of the exponent.
const EXP_BYTE_GAS: u64 = 50;

/// What EXP charges for `exponent`: `10 + 50·(byte size)`.
fn exp_cost(exponent: U256) -> u64 {
    let size = exponent.to_le_bytes::<32>().iter().rposition(|b| *b != 0);
    EXP_GAS + EXP_BYTE_GAS * size.map_or(0, |j| j as u64 + 1)
}

/// EXP out of gas (ErrorOutOfGasDynamic), in the root call.
#[derive(Clone, Debug)]
pub struct ErrorOogExpGadget<F: PrimeField> {
    /// The exponent, 32 little-endian bytes.
    pub exponent: [Cell<F>; 32],
    /// The exponent's byte size.
    pub size: ByteSize<F>,
    /// The gas left, two little-endian bytes.
    pub gas: [Cell<F>; 2],
    /// `gas < 10 + 50·size`.
    pub out_of_gas: LessThan<F, 2>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogExpGadget<F> {
    const NAME: &'static str = "ERROR_OOG_EXP";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasDynamic;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let _base = cb.stack_pop();
        let popped = cb.stack_pop();
        cb.require_equal("opcode = 0x0a", cb.opcode(), c(u64::from(EXP)));
        let exponent = cb.query_bytes::<32>();
        cb.require_equal_word(
            "exponent = Σ byte_i·256^i",
            popped,
            word_of_bytes(&exponent),
        );
        let size = ByteSize::configure(cb, "exponent size", &exponent);
        let gas = cb.query_bytes::<2>();
        let gas_exprs: Vec<_> = gas.iter().map(Cell::expr).collect();
        cb.require_equal(
            "gas = gas_left (2 bytes)",
            expr_from_le_bytes(&gas_exprs),
            cb.step().gas_left,
        );
        let out_of_gas = LessThan::configure(
            cb,
            "gas < 10 + 50·size",
            expr_from_le_bytes(&gas_exprs),
            c(EXP_GAS) + c(EXP_BYTE_GAS) * size.expr(),
        );
        let end = ErrorEnd::configure(cb);
        Self {
            exponent,
            size,
            gas,
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
        let exponent = witness
            .step_rws(step)
            .get(1)
            .map(|rw| rw.value)
            .ok_or(Error::Synthesis)?;
        assign_word_bytes(&self.exponent, region, exponent)?;
        self.size.assign(region, exponent)?;
        assign_le_bytes(&self.gas, region, step.gas_left)?;
        self.out_of_gas
            .assign(region, step.gas_left, exp_cost(exponent))?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        let out_of_gas = match (step.opcode, index.error_stack_reads(step)) {
            (Some(EXP), [_base, exponent]) => step.gas_left < exp_cost(*exponent),
            _ => false,
        };
        !out_of_gas
    }
}

#[cfg(test)]
mod tests;
