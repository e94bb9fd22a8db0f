//! CODESIZE: pushes the length of the code that runs.
//!
//! ```text
//! hash = call context CodeHash (rw 0); pushed = push (rw 1)
//! "code hash read = step.code_hash" (lo, hi)
//! len = code length lookup (the bytecode table's header row of step.code_hash)
//! "pushed.lo = len", "pushed.hi = 0"
//! transition (SameContext): pc + 1, stack pointer - 1, gas - 2
//! ```
//!
//! The header row of the step's code hash is the bytecode circuit's claim of the code's
//! length; the step's `code_hash` is the one every opcode of the step is looked up in.

use super::{ExecutionGadget, SameContext};
use crate::evm::{
    assign::StepRegion,
    constraint_builder::{CodeLength, ConstraintBuilder},
};
use equivm_trace::revm::primitives::B256;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// CODESIZE.
#[derive(Clone, Debug)]
pub struct CodeSizeGadget<F: PrimeField> {
    /// The code's length, from the bytecode table.
    pub len: CodeLength<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for CodeSizeGadget<F> {
    const NAME: &'static str = "CODESIZE";
    const STATE: ExecutionState = ExecutionState::CodeSize;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let hash = cb.call_context_lookup(CallContextField::CodeHash);
        let pushed = cb.stack_push();
        cb.require_equal_word("code hash read = step.code_hash", hash, cb.step().code_hash);
        let len = cb.bytecode_length();
        cb.require_equal("pushed.lo = code length", pushed.lo, len.value.clone());
        cb.require_zero("pushed.hi = 0", pushed.hi);
        let same_context = SameContext::configure(cb, Expression::Constant(F::ONE));
        Self { len, same_context }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let hash = witness
            .step_rws(step)
            .first()
            .map(|rw| B256::from(rw.value.to_be_bytes::<32>()))
            .ok_or(Error::Synthesis)?;
        let code = witness
            .bytecodes
            .iter()
            .find(|code| code.hash == hash)
            .ok_or(Error::Synthesis)?;
        self.len.assign(region, code.bytes.len() as u64)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_trace::revm::primitives::U256;
    use equivm_witness::{ExecutionState, Witness};
    use halo2curves::bn256::Fr;

    /// CODESIZE POP PUSH1 0 POP CODESIZE POP STOP (7 bytes... and 9).
    fn witness() -> Witness {
        witness_of(vec![0x38, 0x50, 0x60, 0, 0x50, 0x38, 0x50, 0x00])
    }

    fn circuit() -> EvmCircuit {
        let w = witness();
        let i = nth_step(&w, ExecutionState::CodeSize, 0);
        slice(&w, i..i + 1)
    }

    fn rw(access: usize, field: &'static str, value: Fr) -> Override<Fr> {
        Override::Rw {
            step: 0,
            access,
            field,
            value,
        }
    }

    #[test]
    fn codesize_pushes_the_code_length() {
        let w = witness();
        let step = &w.steps[nth_step(&w, ExecutionState::CodeSize, 1)];
        assert_eq!(w.step_rws(step)[1].value, U256::from(8));
        assert!(EvmCircuit::unsupported_steps(&w).is_empty());
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
        assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
    }

    #[test]
    fn codesize_pushes_the_table_s_length() {
        assert_rejected(
            verify(&circuit(), vec![rw(1, "value_lo", Fr::from(9))]),
            "CODESIZE: pushed.lo = code length",
        );
    }

    #[test]
    fn codesize_looks_up_the_real_length() {
        // Push and lane both claim 9: the bytecode table has no such header.
        let g = (*config().gadgets.code_size).clone();
        let lanes = config().columns.lanes;
        let o = vec![
            rw(1, "value_lo", Fr::from(9)),
            Override::Cell {
                step: 0,
                column: lanes[0].value,
                rotation: g.len.row,
                value: Fr::from(9),
            },
        ];
        assert_rejected(verify(&circuit(), o), "EVM bytecode lane 0");
    }

    #[test]
    fn codesize_reads_the_step_s_code_hash() {
        assert_rejected(
            verify(&circuit(), vec![rw(0, "value_lo", Fr::from(1))]),
            "CODESIZE: code hash read = step.code_hash (lo)",
        );
    }
}
