//! JUMPI: pops `dest` and `cond`; continues at `pc + 1` if `cond = 0`, else at `dest`, which
//! must then be a JUMPDEST opcode of the code (as for JUMP).
//!
//! ```text
//! dest = pop (rw 0), cond = pop (rw 1)
//! WordIsZero(cond): z = [cond.lo = 0 and cond.hi = 0]       (see word_is_zero.rs)
//! bytecode lookup #0 (code_hash, dest.lo, byte, is_code = 1), on iff 1 - z
//! "JUMPI: taken → code[dest] = JUMPDEST"     byte = (1 - z)·0x5b   (an off lane reads 0)
//! "JUMPI: taken → dest.hi = 0"               (1 - z)·dest.hi = 0
//! "JUMPI: next_pc = z·(pc + 1) + (1 - z)·dest.lo"
//! transition (SameContext): pc → next_pc, stack pointer + 2, gas - 10
//! ```
//! `next_pc` is a cell so that the transition stays degree 1 (it sits under `1 - q_last`
//! and the degree-3 gate enable). When not taken, `dest` is unconstrained, as in the EVM.

use super::{jump::assign_jumpdest_lane, ExecutionGadget, SameContext, WordIsZero};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    columns::{BytecodeLane, BYTECODE_LANES},
    constraint_builder::ConstraintBuilder,
};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// JUMPI.
#[derive(Clone, Debug)]
pub struct JumpiGadget<F: PrimeField> {
    /// `cond = 0`.
    pub cond_is_zero: WordIsZero<F>,
    /// The next program counter.
    pub next_pc: Cell<F>,
    lanes: [BytecodeLane; BYTECODE_LANES],
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for JumpiGadget<F> {
    const NAME: &'static str = "JUMPI";
    const STATE: ExecutionState = ExecutionState::Jumpi;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let dest = cb.stack_pop();
        let cond = cb.stack_pop();
        let cond_is_zero = WordIsZero::configure(cb, "cond", cond);
        let z = cond_is_zero.expr();
        let taken = c(1) - z.clone();
        let byte = cb.bytecode_lookup(dest.lo.clone(), c(1), taken.clone());
        cb.require_equal(
            "taken → code[dest] = JUMPDEST",
            byte,
            taken.clone() * c(super::jump::JUMPDEST),
        );
        cb.require_zero("taken → dest.hi = 0", taken.clone() * dest.hi);
        let pc = cb.step().program_counter;
        let next_pc = cb.query_cell();
        cb.require_equal(
            "next_pc = z·(pc + 1) + (1 - z)·dest.lo",
            next_pc.expr(),
            z * (pc.clone() + c(1)) + taken * dest.lo,
        );
        let same_context = SameContext::configure(cb, next_pc.expr() - pc);
        Self {
            cond_is_zero,
            next_pc,
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
        let rws = witness.step_rws(step);
        let [dest, cond] = [0, 1].map(|i| rws.get(i).map(|rw| word_of::<F>(rw.value)));
        let (dest, cond) = (dest.ok_or(Error::Synthesis)?, cond.ok_or(Error::Synthesis)?);
        let not_taken = self.cond_is_zero.assign(region, cond)?;
        let next_pc = if not_taken {
            F::from(u64::from(step.pc) + 1)
        } else {
            assign_jumpdest_lane(&self.lanes, region, dest.lo)?;
            dest.lo
        };
        self.next_pc.assign(region, next_pc)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// JUMPI 26 with cond 0 (not taken), PUSH17 2^128, PUSH1 26, JUMPI 26 with cond 2^128
    /// (taken: only the high limb is non-zero), JUMPDEST, STOP.
    fn circuit() -> EvmCircuit {
        let mut code = vec![0x60, 0, 0x60, 26, 0x57, 0x70, 0x01];
        code.extend([0; 16]);
        code.extend([0x60, 26, 0x57, 0x5b, 0x00]);
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::Jumpi, 0);
        let second = nth_step(&w, ExecutionState::Jumpi, 1);
        slice(&w, first..second + 1)
    }

    #[test]
    fn jumpi_not_taken_and_taken_pass() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn jumpi_nonzero_cond_must_jump() {
        // The not-taken JUMPI's cond is 1: "cond = 0" can no longer hold.
        let o = Override::Rw {
            step: 0,
            access: 1,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "JUMPI: cond is zero: cond.lo · is_zero = 0",
        );
    }

    #[test]
    fn jumpi_cond_high_limb_counts() {
        // The taken JUMPI (step 3, cond = 2^128, lo = 0) claims cond = 0.
        let g = config().gadgets.jumpi;
        let cell = |cell: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 3,
            column: cell.column,
            rotation: cell.rotation,
            value,
        };
        let overrides = vec![
            cell(&g.cond_is_zero.is_zero, Fr::one()),
            cell(&g.cond_is_zero.inv_hi, Fr::zero()),
        ];
        assert_rejected(
            verify(&circuit(), overrides),
            "JUMPI: cond is zero: cond.hi · is_zero = 0",
        );
    }

    #[test]
    fn jumpi_not_taken_advances_by_one() {
        // The not-taken JUMPI (pc 4) continues at dest 26 instead of 5.
        let o = Override::StepState {
            step: 1,
            field: "program_counter",
            value: Fr::from(26),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "JUMPI: next.program_counter = program_counter + delta",
        );
    }

    #[test]
    fn jumpi_pops_two() {
        let c = circuit();
        let sp = c.witness.steps[c.steps.start].stack_pointer;
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(sp + 1),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "JUMPI: next.stack_pointer = stack_pointer + delta",
        );
    }
}
