//! COINBASE, TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID, BASEFEE and BLOBBASEFEE:
//! push a field of the block, read from the block table.
//!
//! ```text
//! OpcodeSelect over (0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x48, 0x4a)
//! value = block lookup (pick(Coinbase, Timestamp, Number, PrevRandao, GasLimit, ChainId,
//!                            BaseFee, BlobBaseFee), 0)                     context row 0
//! pushed = push (rw 0), "pushed = block field" (lo, hi)
//! transition (SameContext): pc + 1, stack pointer - 1, gas - 2
//! ```
//!
//! Opcode 0x44 is PREVRANDAO since the merge; a block of an earlier fork has no
//! `PrevRandao` row, and its DIFFICULTY steps are reported unsupported.

use super::{
    opcode_select::OpcodeSelect,
    tx_arith::{assign_context, block_slot},
    ExecutionGadget, SameContext,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    columns::ContextColumns,
    constraint_builder::ConstraintBuilder,
};
use crate::table::BlockFieldTag;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The opcodes of the state and the block field each pushes.
const FIELDS: [(u8, BlockFieldTag); 8] = [
    (0x41, BlockFieldTag::Coinbase),
    (0x42, BlockFieldTag::Timestamp),
    (0x43, BlockFieldTag::Number),
    (0x44, BlockFieldTag::PrevRandao),
    (0x45, BlockFieldTag::GasLimit),
    (0x46, BlockFieldTag::ChainId),
    (0x48, BlockFieldTag::BaseFee),
    (0x4a, BlockFieldTag::BlobBaseFee),
];

/// COINBASE, TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID, BASEFEE, BLOBBASEFEE.
#[derive(Clone, Debug)]
pub struct BlockCtxGadget<F: PrimeField> {
    /// Which opcode runs.
    pub opcode: OpcodeSelect<F, 8>,
    context: ContextColumns,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for BlockCtxGadget<F> {
    const NAME: &'static str = "BLOCK_CTX";
    const STATE: ExecutionState = ExecutionState::BlockCtx;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let opcode = OpcodeSelect::configure(cb, FIELDS.map(|(op, _)| op));
        let pushed = cb.stack_push();
        let tag = opcode.pick(FIELDS.map(|(_, t)| t as u64));
        let value = cb.block_lookup_expr(tag, Expression::Constant(F::ZERO));
        cb.require_equal_word("pushed = block field", pushed, value);
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self {
            opcode,
            context: cb.context_columns(),
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let i = self.opcode.assign(region, step.opcode)?;
        let slot = block_slot(FIELDS[i].1);
        assign_context(region, &self.context, 0, slot, 0, witness, step)?;
        self.same_context.assign(region, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        match step.opcode {
            Some(0x44) => !index.has_prevrandao(),
            Some(0x4a) => !index.has_blob_base_fee(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;
