//! MSTORE8: writes the low byte of `value` to memory byte `offset`, growing memory to cover
//! it.
//!
//! ```text
//! offset = pop (rw 0), value = pop (rw 1), written = memory write at offset.lo (rw 2)
//! "MSTORE8: value.lo = Σ_{j<16} value_byte_j·256^j"
//! "MSTORE8: written.lo = value_byte_0", "MSTORE8: written.hi = 0"
//! MemoryExpansion(offset, 1): new_size, gas                     (see memory_expansion.rs)
//! transition (SameContext, dynamic): pc + 1, stack pointer + 2, gas - 3 - gas(expansion),
//! memory_word_size → new_size
//! ```
//! The 16 byte cells make `value_byte_0 = value.lo mod 256` (`value.lo < 2^128` from the
//! rw table); `value.hi` does not matter.

use super::{memory_expansion::MemoryExpansion, DynamicCost, ExecutionGadget, SameContext};
use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// MSTORE8.
#[derive(Clone, Debug)]
pub struct Mstore8Gadget<F: PrimeField> {
    /// `value.lo`'s 16 bytes, little-endian.
    pub value_bytes: [Cell<F>; 16],
    /// The memory size after the write and its gas.
    pub expansion: MemoryExpansion<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for Mstore8Gadget<F> {
    const NAME: &'static str = "MSTORE8";
    const STATE: ExecutionState = ExecutionState::Mstore8;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let offset = cb.stack_pop();
        let value = cb.stack_pop();
        let written = cb.memory_lookup(true, offset.lo.clone());
        let value_bytes = cb.query_bytes::<16>();
        let bytes: Vec<_> = value_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "value.lo = Σ_{j<16} value_byte_j·256^j",
            value.lo,
            expr_from_le_bytes(&bytes),
        );
        cb.require_equal("written.lo = value_byte_0", written.lo, bytes[0].clone());
        cb.require_zero("written.hi = 0", written.hi);
        let expansion = MemoryExpansion::configure(cb, offset, 1);
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

    /// MSTORE8(0x61, 0xabcd) (memory 3 → 4 words) ... MSTORE8(1, 0x11) (no growth):
    /// steps 0 and 3 of the slice.
    fn circuit() -> EvmCircuit {
        let w = test_witness();
        let first = nth_step(&w, ExecutionState::Mstore8, 0);
        let last = nth_step(&w, ExecutionState::Mstore8, 1);
        slice(&w, first..last + 1)
    }

    #[test]
    fn mstore8_with_and_without_growth_pass() {
        let c = circuit();
        let (s0, s3) = (
            &c.witness.steps[c.steps.start],
            &c.witness.steps[c.steps.start + 3],
        );
        assert_eq!(c.witness.step_rws(s0)[2].value, U256::from(0xcd));
        assert_eq!((s0.memory_word_size, s3.memory_word_size), (3, 4));
        // 3 + cost(4) - cost(3) = 3 + (12 + 16 / 512) - (9 + 9 / 512).
        assert_eq!(s0.gas_cost, 6);
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn mstore8_writes_the_low_byte() {
        let o = Override::Rw {
            step: 0,
            access: 2,
            field: "value_lo",
            value: Fr::from(0xab),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "MSTORE8: written.lo = value_byte_0",
        );
    }

    #[test]
    fn mstore8_memory_size_is_bound() {
        // The growing MSTORE8 claiming memory stays at 3 words.
        let o = Override::StepState {
            step: 1,
            field: "memory_word_size",
            value: Fr::from(3),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "MSTORE8: next.memory_word_size = value",
        );
    }

    #[test]
    fn mstore8_expansion_gas_is_charged() {
        // The growing MSTORE8 charging only the constant 3.
        let c = circuit();
        let s0 = &c.witness.steps[c.steps.start];
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(s0.gas_left - 3),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "MSTORE8: next.gas_left = gas_left + delta",
        );
    }

    #[test]
    fn mstore8_division_remainder_is_below_32() {
        // MSTORE8 at 0x61: 0x61 + 1 + 31 = 32·4 + 1 claimed as 32·3 + 33.
        let e = config().gadgets.mstore8.expansion;
        let cell = |cell: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 0,
            column: cell.column,
            rotation: cell.rotation,
            value,
        };
        let overrides = vec![
            cell(&e.end_words[0], Fr::from(3)),
            cell(&e.rem, Fr::from(33)),
            cell(&e.rem_shifted, Fr::from(257)),
        ];
        assert_rejected(verify(&circuit(), overrides), "EVM byte cell in 0..=255");
    }
}
