//! MLOAD: pushes the 32 memory bytes at `offset` as a big-endian word, growing memory to
//! cover them.
//!
//! ```text
//! offset = pop (rw 0), read_k = memory read at offset.lo + k (rw 1 + k, k < 32),
//! pushed = push (rw 33)
//! "MLOAD: read_k.lo = byte_k", "MLOAD: read_k.hi = 0"          byte_k a byte cell
//! "MLOAD: pushed.hi = Σ_{k<16} byte_k·256^(15-k)", "MLOAD: pushed.lo = Σ_{k≥16} byte_k·256^(31-k)"
//! MemoryExpansion(offset, 32): new_size, gas                  (see memory_expansion.rs)
//! transition (SameContext, dynamic): pc + 1, stack pointer unchanged,
//! gas - 3 - gas(expansion), memory_word_size → new_size
//! ```
//! The byte cells keep the pushed limbs below `2^128` whatever the memory rows hold.

use super::{memory_expansion::MemoryExpansion, DynamicCost, ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// MLOAD.
#[derive(Clone, Debug)]
pub struct MloadGadget<F: PrimeField> {
    /// The bytes read, in memory order (`bytes[k]` is at `offset + k`).
    pub bytes: [Cell<F>; 32],
    /// The memory size after the read and its gas.
    pub expansion: MemoryExpansion<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for MloadGadget<F> {
    const NAME: &'static str = "MLOAD";
    const STATE: ExecutionState = ExecutionState::Mload;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let offset = cb.stack_pop();
        let reads: Vec<_> = (0..32u64)
            .map(|k| {
                let address = offset.lo.clone() + Expression::Constant(F::from(k));
                cb.memory_lookup(false, address)
            })
            .collect();
        let pushed = cb.stack_push();
        let bytes = cb.query_bytes::<32>();
        for (k, (read, byte)) in reads.into_iter().zip(&bytes).enumerate() {
            cb.require_equal(&format!("read_{k}.lo = byte_{k}"), read.lo, byte.expr());
            cb.require_zero(&format!("read_{k}.hi = 0"), read.hi);
        }
        // Big-endian: byte_0 is the most significant; reverse for the little-endian sums.
        let le: Vec<_> = bytes.iter().rev().map(Cell::expr).collect();
        cb.require_equal(
            "pushed.lo = Σ_{k≥16} byte_k·256^(31-k)",
            pushed.lo,
            expr_from_le_bytes(&le[..16]),
        );
        cb.require_equal(
            "pushed.hi = Σ_{k<16} byte_k·256^(15-k)",
            pushed.hi,
            expr_from_le_bytes(&le[16..]),
        );
        let expansion = MemoryExpansion::configure(cb, offset, 32);
        let dynamic = DynamicCost {
            gas: expansion.gas(cb.step().memory_word_size),
            memory_word_size: expansion.new_size(),
        };
        let same_context =
            SameContext::configure_dynamic(cb, Expression::Constant(F::ONE), dynamic);
        Self {
            bytes,
            expansion,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let offset = rws.first().map(|rw| rw.value).ok_or(Error::Synthesis)?;
        for (k, cell) in self.bytes.iter().enumerate() {
            let read = rws.get(1 + k).ok_or(Error::Synthesis)?;
            let byte = u8::try_from(read.value).map_err(|_| Error::Synthesis)?;
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        let offset = u64::try_from(offset).map_err(|_| Error::Synthesis)?;
        self.expansion
            .assign(region, offset, step.memory_word_size)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{memory_expansion::test_witness, test_util::*};
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_trace::revm::primitives::U256;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// MLOAD(0x10) after MSTORE(3, 0x0102..20) (no growth) and MLOAD(0x30) (memory 2 → 3
    /// words): steps 0 and 3 of the slice.
    fn circuit() -> EvmCircuit {
        let w = test_witness();
        let first = nth_step(&w, ExecutionState::Mload, 0);
        let last = nth_step(&w, ExecutionState::Mload, 1);
        slice(&w, first..last + 1)
    }

    #[test]
    fn mload_with_and_without_growth_pass() {
        let c = circuit();
        let (s0, s3) = (
            &c.witness.steps[c.steps.start],
            &c.witness.steps[c.steps.start + 3],
        );
        // memory[16..48] = 14, 15, ..., 32, then 13 zeros.
        let mut expected = [0u8; 32];
        for (k, b) in expected.iter_mut().take(19).enumerate() {
            *b = k as u8 + 14;
        }
        assert_eq!(
            c.witness.step_rws(s0)[33].value,
            U256::from_be_bytes(expected)
        );
        assert_eq!((s0.memory_word_size, s3.memory_word_size), (2, 2));
        assert_eq!(s3.gas_cost, 3 + 3);
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn mload_pushes_the_bytes_read() {
        let o = Override::Rw {
            step: 0,
            access: 33,
            field: "value_hi",
            value: Fr::from(7),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "MLOAD: pushed.hi = Σ_{k<16} byte_k·256^(15-k)",
        );
    }

    #[test]
    fn mload_memory_byte_is_bound() {
        // Memory byte 0x10 + 5 read as 0 while the pushed word keeps it.
        let o = Override::Rw {
            step: 0,
            access: 6,
            field: "value_lo",
            value: Fr::zero(),
        };
        assert_rejected(verify(&circuit(), vec![o]), "MLOAD: read_5.lo = byte_5");
    }

    #[test]
    fn mload_memory_size_is_bound() {
        // MLOAD(0x30) claiming memory stays at 2 words (and so no expansion gas).
        let c = circuit();
        let s3 = &c.witness.steps[c.steps.start + 3];
        let overrides = vec![
            Override::StepState {
                step: 4,
                field: "memory_word_size",
                value: Fr::from(2),
            },
            Override::StepState {
                step: 4,
                field: "gas_left",
                value: Fr::from(s3.gas_left - 3),
            },
        ];
        assert_rejected(
            verify(&c, overrides),
            "MLOAD: next.memory_word_size = value",
        );
    }

    #[test]
    fn mload_stack_pointer_is_bound() {
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(1022),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "MLOAD: next.stack_pointer = stack_pointer + delta",
        );
    }

    #[test]
    fn mload_cannot_skip_growth() {
        // MLOAD(0x30) claiming cur ≥ end_words (is_grow = 0, new_size = 2) and charging 3.
        let c = circuit();
        let s3 = &c.witness.steps[c.steps.start + 3];
        let e = config().gadgets.mload.expansion;
        let cell = |cell: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 3,
            column: cell.column,
            rotation: cell.rotation,
            value,
        };
        let overrides = vec![
            cell(&e.is_grow, Fr::zero()),
            cell(&e.new_size, Fr::from(2)),
            Override::StepState {
                step: 4,
                field: "memory_word_size",
                value: Fr::from(2),
            },
            Override::StepState {
                step: 4,
                field: "gas_left",
                value: Fr::from(s3.gas_left - 3),
            },
        ];
        assert_rejected(
            verify(&c, overrides),
            "MLOAD: size_diff = is_grow·(end_words - cur - 1) + (1 - is_grow)·(cur - end_words)",
        );
    }
}
