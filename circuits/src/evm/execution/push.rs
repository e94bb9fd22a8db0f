//! PUSH0..PUSH32: pushes the `n = opcode - 0x5f` code bytes after `pc` as one word.
//!
//! Byte `j` of the value (little-endian) sits in bytecode lookup slot `j`: when switched on
//! it is byte `pc + n - j` of the code, as push data (`is_code = 0`); switched off it is 0
//! (the lanes force that). The slot switches `sel_j` are the lanes' enables:
//!
//! ```text
//! "PUSH: selectors are a prefix"       sel_{j+1} · (1 - sel_j) = 0
//! "PUSH: Σ sel_j = n"                  so sel_j = [j < n]
//! "PUSH: pushed.lo = Σ_{j<16} byte_j·256^j", "PUSH: pushed.hi = Σ_{j≥16} byte_j·256^(j-16)"
//! transition (SameContext): pc + 1 + n, stack pointer - 1, gas - 3 (PUSH0: 2)
//! ```
//! The bytes are bytes because the bytecode table holds bytes (its circuit's claim). A PUSH
//! whose data runs past the end of the code reads zeros there: the bytecode table holds them
//! as push data past the code.

use super::{ExecutionGadget, SameContext};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    columns::{BytecodeLane, BYTECODE_LANES},
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{opcodes::push_data_len, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// PUSH0..PUSH32.
#[derive(Clone, Debug)]
pub struct PushGadget<F: PrimeField> {
    lanes: [BytecodeLane; BYTECODE_LANES],
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for PushGadget<F> {
    const NAME: &'static str = "PUSH";
    const STATE: ExecutionState = ExecutionState::Push;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let n = cb.opcode() - c(0x5f);
        let pc = cb.step().program_counter;
        let mut sels = Vec::with_capacity(32);
        let mut bytes = Vec::with_capacity(32);
        for j in 0..32u64 {
            let slot = cb.bytecode_lookup_switched(pc.clone() + n.clone() - c(j), c(0));
            sels.push(slot.enable);
            bytes.push(slot.value);
        }
        for j in 0..31 {
            cb.require_zero(
                "selectors are a prefix",
                sels[j + 1].clone() * (c(1) - sels[j].clone()),
            );
        }
        let count = sels.iter().fold(c(0), |acc, s| acc + s.clone());
        cb.require_equal("Σ sel_j = n", count, n.clone());
        let pushed = cb.stack_push();
        let value = Word::new(
            expr_from_le_bytes(&bytes[..16]),
            expr_from_le_bytes(&bytes[16..]),
        );
        cb.require_equal("pushed.lo = Σ_{j<16} byte_j·256^j", pushed.lo, value.lo);
        cb.require_equal(
            "pushed.hi = Σ_{j≥16} byte_j·256^(j-16)",
            pushed.hi,
            value.hi,
        );
        let same_context = SameContext::configure(cb, c(1) + n);
        Self {
            lanes: cb.bytecode_lanes(),
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let opcode = step.opcode.ok_or(Error::Synthesis)?;
        let n = push_data_len(opcode);
        let native = witness
            .step_rws(step)
            .first()
            .map(|rw| rw.value.to_le_bytes::<32>())
            .ok_or(Error::Synthesis)?;
        let lanes = self.lanes;
        for j in 0..n {
            let (row, lane) = (j / BYTECODE_LANES, &lanes[j % BYTECODE_LANES]);
            let index = u64::from(step.pc) + (n - j) as u64;
            region.assign_advice(lane.enable, row, F::ONE)?;
            region.assign_advice(lane.index, row, F::from(index))?;
            region.assign_advice(lane.value, row, F::from(u64::from(native[j])))?;
            region.assign_advice(lane.is_code, row, F::ZERO)?;
        }
        self.same_context.assign(region, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        index.code_len(step).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// PUSH0, PUSH1 0x42, PUSH32 0x0102..20, POP x3, STOP.
    fn circuit() -> EvmCircuit {
        let mut code = vec![0x5f, 0x60, 0x42, 0x7f];
        code.extend(1..=32u8);
        code.extend([0x50, 0x50, 0x50, 0x00]);
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::Push, 0);
        slice(&w, first..first + 3)
    }

    #[test]
    fn push0_push1_push32_pass() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn pushed_value_must_be_the_code_bytes() {
        // PUSH32 (step 2) claims a different value.
        let o = Override::Rw {
            step: 2,
            access: 0,
            field: "value_hi",
            value: Fr::from(5),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "PUSH: pushed.hi = Σ_{j≥16} byte_j·256^(j-16)",
        );
    }

    #[test]
    fn push_data_byte_is_looked_up() {
        // PUSH1's data byte (slot 0: row 0, lane 0) is changed consistently with the value.
        let c = circuit();
        let lanes = {
            let mut meta = halo2_proofs::plonk::ConstraintSystem::<Fr>::default();
            <EvmCircuit as halo2_proofs::plonk::Circuit<Fr>>::configure(&mut meta)
                .columns
                .lanes
        };
        let overrides = vec![
            Override::Cell {
                step: 1,
                column: lanes[0].value,
                rotation: 0,
                value: Fr::from(0x43),
            },
            Override::Rw {
                step: 1,
                access: 0,
                field: "value_lo",
                value: Fr::from(0x43),
            },
        ];
        assert_rejected(verify(&c, overrides), "EVM bytecode lane 0");
    }

    /// PUSH1 1, then PUSH4 0xaabb and the end of the code: the PUSH reads 0xaabb0000, and
    /// execution stops at pc 7, past the two missing bytes.
    fn cut_short() -> EvmCircuit {
        let w = witness_of(vec![0x60, 0x01, 0x63, 0xaa, 0xbb]);
        let push = nth_step(&w, ExecutionState::Push, 1);
        let value = w.step_rws(&w.steps[push])[0].value;
        assert_eq!(
            value,
            equivm_trace::revm::primitives::U256::from(0xaabb_0000u64)
        );
        assert_eq!(w.steps[push + 1].pc, 7);
        assert_eq!(w.steps[push + 1].execution_state, ExecutionState::Stop);
        assert!(EvmCircuit::unsupported_steps(&w).is_empty());
        slice(&w, push..push + 4)
    }

    #[test]
    fn a_push_cut_short_reads_zeros_and_stops_past_the_code() {
        assert_eq!(verify(&cut_short(), vec![]), Ok(()));
        // A non-zero byte claimed where the code has none.
        let o = Override::Rw {
            step: 0,
            access: 0,
            field: "value_lo",
            value: Fr::from(0xaabb_0001u64),
        };
        assert_rejected(verify(&cut_short(), vec![o]), "PUSH");
    }

    #[test]
    fn push_advances_pc_past_its_data() {
        let c = circuit();
        let pc = c.witness.steps[c.steps.start + 2].pc;
        let o = Override::StepState {
            step: 2,
            field: "program_counter",
            value: Fr::from(u64::from(pc) + 1),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "PUSH: next.program_counter = program_counter + delta",
        );
    }
}
