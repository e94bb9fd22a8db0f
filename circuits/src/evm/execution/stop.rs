//! STOP: the call ends successfully. In the root call the transaction's execution ends;
//! in a call with a caller, that caller resumes ([`RestoreContext`]).
//!
//! ```text
//! "STOP: call's IsSuccess = 1"              one call-context read (rw access 0)
//! "STOP: is_create = 0"                     a creation that stops deposits code (not here yet)
//! root (is_root = 1):
//!   "next state is EndTx"
//!   transition: rw_counter + 1; call, code, flags, gas, logs, refund unchanged;
//!               pc → 0, stack pointer → 1024, memory → 0, reversible writes → 0 (EndTx's frame)
//! with a caller (is_root = 0; rw 1..=14, optional):
//!   RestoreContext(return data: offset 0, length 0); the next step executes an opcode
//!   transition: rw_counter + 15; the caller's context; gas_left → saved + gas_left;
//!               reversible writes → saved + reversible_write_counter; logs, refund unchanged
//! ```
//! `gas_left` is what the call has left (STOP costs 0): EndTx applies the refund itself, a
//! caller gets it back.

use super::{
    restore_context::{is_root_step, RestoreContext, RESTORE_CONTEXT_RWS},
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::{ConstraintBuilder, Transition},
};
use equivm_gadgets::Word;
use equivm_witness::{CallContextField, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// STOP.
#[derive(Clone, Debug)]
pub struct StopGadget<F: PrimeField> {
    /// `(1 - is_root)·reversible_write_counter`: the writes a caller takes over.
    pub kept: Cell<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for StopGadget<F> {
    const NAME: &'static str = "STOP";
    const STATE: ExecutionState = ExecutionState::Stop;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let step = cb.step();
        let is_success = cb.call_context_lookup(CallContextField::IsSuccess);
        cb.require_equal_word("call's IsSuccess = 1", is_success, Word::new(c(1), c(0)));
        cb.require_zero(
            "is_create = 0 (a stopping creation is not here)",
            step.is_create.clone(),
        );
        let is_root = step.is_root.clone();
        let has_caller = c(1) - is_root.clone();
        let back = cb.caller_rw_accesses(|cb| RestoreContext::configure(cb, c(0), c(0)));
        cb.require_next_state_if(is_root, ExecutionState::EndTx);
        cb.require_next_opcode_step_if(has_caller.clone());
        // A caller takes over the call's reversible writes.
        let kept = cb.query_cell();
        cb.require_equal(
            "kept = (1 - is_root)·reversible_write_counter",
            kept.expr(),
            has_caller * step.reversible_write_counter.clone(),
        );
        let transition = back.ending_transition(cb, step.gas_left, kept.expr(), Transition::Same);
        cb.require_step_state_transition(transition);
        Self { kept }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let root = is_root_step(witness, step);
        let kept = if root {
            0
        } else {
            step.reversible_write_counter
        };
        self.kept.assign(region, F::from(kept))
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        // The bytecode table's final row is the implicit STOP past the end of the code (after
        // the push data a PUSH cut short still reads); a pc beyond it has no row.
        let past_code = index
            .code_len(step)
            .is_none_or(|len| step.pc as usize > len + 32);
        let call = index.call(step.call_id);
        let rws = if call.is_root {
            1
        } else {
            1 + RESTORE_CONTEXT_RWS as u64
        };
        call.is_create || past_code || step.rw_count != rws
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    fn circuit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 0x01, 0x50, 0x00]);
        let stop = nth_step(&w, ExecutionState::Stop, 0);
        slice(&w, stop..stop + 3)
    }

    #[test]
    fn root_stop_passes() {
        assert_eq!(verify(&circuit(), vec![]), Ok(()));
    }

    #[test]
    fn stop_must_read_success() {
        let o = Override::Rw {
            step: 0,
            access: 0,
            field: "value_lo",
            value: Fr::zero(),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "STOP: call's IsSuccess = 1 (lo)",
        );
    }

    #[test]
    fn stop_ends_the_call_at_pc_zero() {
        let o = Override::StepState {
            step: 1,
            field: "program_counter",
            value: Fr::from(4),
        };
        assert_rejected(
            verify(&circuit(), vec![o]),
            "STOP: next.program_counter = value",
        );
    }

    #[test]
    fn stop_gas_is_unchanged() {
        let w = circuit();
        let gas = w.witness.steps[w.steps.start].gas_left;
        let o = Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(gas + 5),
        };
        assert_rejected(verify(&w, vec![o]), "STOP: next.gas_left");
    }

    /// PUSH1 1 POP and no STOP: execution stops at the end of the code (pc 3).
    fn implicit() -> EvmCircuit {
        let w = witness_of(vec![0x60, 0x01, 0x50]);
        let stop = nth_step(&w, ExecutionState::Stop, 0);
        assert_eq!(w.steps[stop].pc, 3);
        slice(&w, stop..stop + 3)
    }

    #[test]
    fn implicit_stop_at_the_end_of_the_code_passes() {
        assert_eq!(verify(&implicit(), vec![]), Ok(()));
    }

    #[test]
    fn implicit_stop_only_at_the_end_of_the_code() {
        // Claim the STOP at pc 2, where the code holds POP.
        let o = Override::StepState {
            step: 0,
            field: "program_counter",
            value: Fr::from(2),
        };
        assert_rejected(verify(&implicit(), vec![o]), "EVM opcode at pc");
    }

    #[test]
    fn non_root_stop_returns_to_the_caller() {
        // A call into an account whose code is STOP: the callee's STOP is not root.
        use equivm_trace::{program::Program, revm::primitives::Address};
        let callee = Address::repeat_byte(0xcc);
        let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
        code.extend_from_slice(callee.as_slice());
        code.extend_from_slice(&[0x61, 0xff, 0xff, 0xf1, 0x00]); // PUSH2 0xffff CALL STOP
        let traced = Program::new(code).with_account(callee, vec![0x00]).trace();
        let w = equivm_witness::build_witness(&traced.trace).expect("witness");
        assert_eq!(EvmCircuit::unsupported_steps(&w), vec![]);
        let inner = nth_step(&w, ExecutionState::Stop, 0);
        assert_eq!(w.steps[inner].rw_count, 15);
        let c = slice(&w, inner..w.steps.len());
        assert_eq!(verify(&c, vec![]), Ok(()));
        // The caller's restored stack pointer is what it saved.
        let o = Override::StepState {
            step: 1,
            field: "stack_pointer",
            value: Fr::from(w.steps[inner + 1].stack_pointer + 1),
        };
        assert_rejected(verify(&c, vec![o]), "STOP: next.stack_pointer");
        // A callee's STOP may not be followed by a synthetic step (EndTx here).
        let o = Override::ExecutionState {
            step: 1,
            state: ExecutionState::EndTx,
        };
        let synthetic = Override::Cell {
            step: 1,
            column: super::super::test_util::config()
                .columns
                .step
                .is_opcode_step,
            rotation: 0,
            value: Fr::zero(),
        };
        assert_rejected(
            verify(&c, vec![o, synthetic]),
            "next step executes an opcode",
        );
    }

    #[test]
    fn a_call_into_an_account_without_code_runs_its_stop() {
        use equivm_trace::program::Program;
        // The contract has no code: the tx runs the empty code's STOP at pc 0 (with a
        // value, and with an access list).
        let plain = Program::new(Vec::<u8>::new()).value(5);
        let listed = plain
            .clone()
            .access_list(vec![(Default::default(), vec![Default::default()])]);
        for program in [plain, listed] {
            let traced = program.trace();
            assert!(traced.trace.txs[0].steps.is_empty());
            let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
            let stop = nth_step(&w, ExecutionState::Stop, 0);
            assert_eq!(w.steps[stop].pc, 0);
            assert_eq!(w.steps[stop + 1].execution_state, ExecutionState::EndTx);
            assert_eq!(verify(&whole(&w), vec![]), Ok(()));
            assert_eq!(super_circuit_verdict(w.clone()), Ok(()));
            // The code is the empty code: there is no opcode at pc 1.
            let o = Override::StepState {
                step: stop,
                field: "program_counter",
                value: Fr::from(1),
            };
            assert!(verify(&whole(&w), vec![o]).is_err());
        }
    }
}
