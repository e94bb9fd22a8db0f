//! MSTORE: writes the 32 big-endian bytes of `value` to memory at `offset`, growing memory
//! to cover them.
//!
//! ```text
//! offset = pop (rw 0), value = pop (rw 1),
//! written_k = memory write at offset.lo + k (rw 2 + k, k < 32)
//! "MSTORE: value.lo = Σ_{j<16} value_byte_j·256^j", "MSTORE: value.hi = Σ_{j≥16} ..."
//! "MSTORE: written_k.lo = value_byte_(31-k)", "MSTORE: written_k.hi = 0"
//! MemoryExpansion(offset, 32): new_size, gas                  (see memory_expansion.rs)
//! transition (SameContext, dynamic): pc + 1, stack pointer + 2,
//! gas - 3 - gas(expansion), memory_word_size → new_size
//! ```
//! The value's limbs are below `2^128` (rw table), so its 32 byte cells are its bytes.

use super::{memory_expansion::MemoryExpansion, DynamicCost, ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// MSTORE.
#[derive(Clone, Debug)]
pub struct MstoreGadget<F: PrimeField> {
    /// The value's 32 bytes, little-endian.
    pub value_bytes: [Cell<F>; 32],
    /// The memory size after the write and its gas.
    pub expansion: MemoryExpansion<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for MstoreGadget<F> {
    const NAME: &'static str = "MSTORE";
    const STATE: ExecutionState = ExecutionState::Mstore;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let offset = cb.stack_pop();
        let value = cb.stack_pop();
        let writes: Vec<_> = (0..32u64)
            .map(|k| {
                let address = offset.lo.clone() + Expression::Constant(F::from(k));
                cb.memory_lookup(true, address)
            })
            .collect();
        let value_bytes = cb.query_bytes::<32>();
        let bytes: Vec<_> = value_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "value.lo = Σ_{j<16} value_byte_j·256^j",
            value.lo,
            expr_from_le_bytes(&bytes[..16]),
        );
        cb.require_equal(
            "value.hi = Σ_{j≥16} value_byte_j·256^(j-16)",
            value.hi,
            expr_from_le_bytes(&bytes[16..]),
        );
        for (k, written) in writes.into_iter().enumerate() {
            cb.require_equal(
                &format!("written_{k}.lo = value_byte_{}", 31 - k),
                written.lo,
                bytes[31 - k].clone(),
            );
            cb.require_zero(&format!("written_{k}.hi = 0"), written.hi);
        }
        let expansion = MemoryExpansion::configure(cb, offset, 32);
        let dynamic = DynamicCost {
            gas: expansion.gas(cb.step().memory_word_size),
            memory_word_size: expansion.new_size(),
        };
        let same_context =
            SameContext::configure_dynamic(cb, Expression::Constant(F::ONE), dynamic);
        Self {
            value_bytes,
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
        let [offset, value] = [0, 1].map(|i| rws.get(i).map(|rw| rw.value));
        let (offset, value) = (
            offset.ok_or(Error::Synthesis)?,
            value.ok_or(Error::Synthesis)?,
        );
        for (cell, byte) in self.value_bytes.iter().zip(value.to_le_bytes::<32>()) {
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

    /// MSTORE(3, 0x0102..20) (memory 0 → 2 words) ... MSTORE(0, 0x22) (no growth): steps 0
    /// and 15 of the slice.
    fn circuit() -> EvmCircuit {
        let w = test_witness();
        let first = nth_step(&w, ExecutionState::Mstore, 0);
        let last = nth_step(&w, ExecutionState::Mstore, 1);
        slice(&w, first..last + 1)
    }

    #[test]
    fn mstore_with_and_without_growth_pass() {
        let c = circuit();
        let (s0, s15) = (
            &c.witness.steps[c.steps.start],
            &c.witness.steps[c.steps.start + 15],
        );
        let rws = c.witness.step_rws(s0);
        assert_eq!(
            (rws[2].value, rws[33].value),
            (U256::from(1), U256::from(32))
        );
        assert_eq!((s0.memory_word_size, s15.memory_word_size), (0, 4));
        assert_eq!((s0.gas_cost, s15.gas_cost), (3 + 6, 3));
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn mstore_writes_the_value_bytes() {
        // Memory byte 3 + 31 written as 0 instead of 0x20.
        let o = Override::Rw {
            step: 0,
            access: 33,
            field: "value_lo",
            value: Fr::zero(),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "MSTORE: written_31.lo = value_byte_0",
        );
    }

    #[test]
    fn mstore_value_is_bound() {
        let o = Override::Rw {
            step: 15,
            access: 1,
            field: "value_lo",
            value: Fr::from(0x23),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "MSTORE: value.lo = Σ_{j<16} value_byte_j·256^j",
        );
    }

    #[test]
    fn mstore_expansion_gas_is_charged() {
        // The first MSTORE charging 3 + 3 (one word) instead of 3 + 6 (two words).
        let c = circuit();
        let s0 = &c.witness.steps[c.steps.start];
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(s0.gas_left - 6),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "MSTORE: next.gas_left = gas_left + delta",
        );
    }

    #[test]
    fn mstore_cannot_be_mload() {
        let o = Override::ExecutionState {
            step: 0,
            state: ExecutionState::Mload,
        };
        assert_rejected(verify(&circuit(), vec![o]), "EVM responsible opcode");
    }
}
