//! JUMP: pops `dest` and continues at `dest`, which must be a JUMPDEST opcode of the code.
//!
//! ```text
//! dest = pop (rw 0)
//! "JUMP: dest.hi = 0"
//! bytecode lookup #0 (code_hash, dest.lo, byte, is_code = 1), always on
//! "JUMP: code[dest] = JUMPDEST"                byte = 0x5b
//! transition (SameContext): pc → dest.lo (delta dest.lo - pc), stack pointer + 1, gas - 8
//! ```
//! The bytecode table holds a byte row exactly for each index below the code's length, so
//! the lookup proves `dest.lo < len(code)`; with `dest.hi = 0` the whole word is that index.
//! A jump to anything else is an `ErrorInvalidJump` step, not this state.

use super::{ExecutionGadget, SameContext};
use crate::evm::{
    assign::{word_of, StepRegion},
    columns::{BytecodeLane, BYTECODE_LANES},
    constraint_builder::ConstraintBuilder,
};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The JUMPDEST opcode.
pub(super) const JUMPDEST: u64 = 0x5b;

/// JUMP.
#[derive(Clone, Debug)]
pub struct JumpGadget<F: PrimeField> {
    lanes: [BytecodeLane; BYTECODE_LANES],
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for JumpGadget<F> {
    const NAME: &'static str = "JUMP";
    const STATE: ExecutionState = ExecutionState::Jump;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let dest = cb.stack_pop();
        cb.require_zero("dest.hi = 0", dest.hi);
        let byte = cb.bytecode_lookup(dest.lo.clone(), c(1), c(1));
        cb.require_equal("code[dest] = JUMPDEST", byte, c(JUMPDEST));
        let pc = cb.step().program_counter;
        let same_context = SameContext::configure(cb, dest.lo - pc);
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
        let dest = witness
            .step_rws(step)
            .first()
            .map(|rw| word_of::<F>(rw.value))
            .ok_or(Error::Synthesis)?;
        assign_jumpdest_lane(&self.lanes, region, dest.lo)?;
        self.same_context.assign(region, step)
    }
}

/// Assigns bytecode slot 0 (row 0, lane 0) as the lookup of a JUMPDEST opcode at `dest`.
pub(super) fn assign_jumpdest_lane<F: PrimeField>(
    lanes: &[BytecodeLane; BYTECODE_LANES],
    region: &mut StepRegion<'_, '_, F>,
    dest: F,
) -> Result<(), Error> {
    let lane = &lanes[0];
    region.assign_advice(lane.enable, 0, F::ONE)?;
    region.assign_advice(lane.index, 0, dest)?;
    region.assign_advice(lane.value, 0, F::from(JUMPDEST))?;
    region.assign_advice(lane.is_code, 0, F::ONE)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// PUSH1 4 JUMP INVALID JUMPDEST STOP.
    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 4, 0x56, 0xfe, 0x5b, 0x00]);
        let jump = nth_step(&w, ExecutionState::Jump, 0);
        slice(&w, jump..jump + 1)
    }

    #[test]
    fn jump_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn jump_lands_on_dest() {
        let o = Override::StepState {
            step: 1,
            field: "program_counter",
            value: Fr::from(3),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "JUMP: next.program_counter = program_counter + delta",
        );
    }

    #[test]
    fn jump_dest_must_be_looked_up() {
        // dest 3 (INVALID) in the stack read, next pc 3, the lane still at 4.
        let overrides = vec![
            Override::Rw {
                step: 0,
                access: 0,
                field: "value_lo",
                value: Fr::from(3),
            },
            Override::StepState {
                step: 1,
                field: "program_counter",
                value: Fr::from(3),
            },
        ];
        assert_rejected(
            verify(&circuit(), overrides),
            "JUMP: bytecode lookup #0: lane.index",
        );
    }

    #[test]
    fn jump_dest_must_be_a_jumpdest() {
        // Everything consistent with dest 3, whose byte is INVALID (0xfe).
        let lane = config().columns.lanes[0];
        let cell = |column, value| Override::Cell {
            step: 0,
            column,
            rotation: 0,
            value,
        };
        let overrides = vec![
            Override::Rw {
                step: 0,
                access: 0,
                field: "value_lo",
                value: Fr::from(3),
            },
            Override::StepState {
                step: 1,
                field: "program_counter",
                value: Fr::from(3),
            },
            cell(lane.index, Fr::from(3)),
        ];
        assert_rejected(verify(&circuit(), overrides.clone()), "EVM bytecode lane 0");
        let mut with_byte = overrides;
        with_byte.push(cell(lane.value, Fr::from(0xfe)));
        assert_rejected(verify(&circuit(), with_byte), "JUMP: code[dest] = JUMPDEST");
    }

    #[test]
    fn jump_dest_high_limb_is_zero() {
        let o = Override::Rw {
            step: 0,
            access: 0,
            field: "value_hi",
            value: Fr::from(1),
        };
        assert_rejected(verify(&circuit(), vec![o]), "JUMP: dest.hi = 0");
    }

    #[test]
    fn jump_pays_eight_gas() {
        let c = circuit();
        let gas = c.witness.steps[c.steps.start].gas_left;
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(gas - 3),
        };
        assert_rejected(
            verify(&c, vec![o]),
            "JUMP: next.gas_left = gas_left + delta",
        );
    }
}
