//! ErrorOutOfGasSstore: an SSTORE in the root call that cannot run, because no more than
//! 2300 gas is left (EIP-2200's sentry) or less than its cost (`sstore_gas.rs`).
//!
//! ```text
//! rw 0,1  key = pop, new = pop
//! rw 2,3  call context TxId = tx_id, CalleeAddress
//! rw 4    Storage read (tx_id, callee, key): value = current, committed_value = original
//! rw 5    slot warm flag read (boolean)
//! cost    = SstoreGas(current, original, new, warm)
//! below_sentry : gas_left − 2301 + below_sentry·2^64 = Σ 8 bytes   ([gas_left ≤ 2300])
//! below_cost   : gas_left − cost + below_cost·2^64 = Σ 8 bytes     ([gas_left < cost])
//! "at least one": below_sentry + below_cost − below_sentry·below_cost = 1
//! then ErrorEnd: IsSuccess = 0, all gas consumed, next state EndTx
//! ```
//! `gas_left` and `cost` are below 2^64, so each flag is the only value that puts its
//! difference in 8 bytes.

use super::{
    common_error::ErrorEnd,
    sload::{storage_context, was_warm},
    sstore_gas::SstoreGas,
    ExecutionGadget,
};
use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::util::{expr_from_le_bytes, pow2};
use equivm_witness::{ExecStep, ExecutionState, RwTag, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Gas left at or below which an SSTORE fails (EIP-2200).
const SENTRY: u64 = 2300;

/// `value + flag·2^64 = Σ bytes` with a boolean `flag`: `flag = [value < 0]` for values of
/// magnitude below 2^64.
#[derive(Clone, Debug)]
struct Negative<F: PrimeField> {
    flag: Cell<F>,
    bytes: [Cell<F>; 8],
}

impl<F: PrimeField> Negative<F> {
    fn configure(cb: &mut ConstraintBuilder<'_, F>, what: &str, value: Expression<F>) -> Self {
        let flag = cb.query_bool(&format!("{what}: flag is boolean"));
        let bytes = cb.query_bytes::<8>();
        let exprs: Vec<_> = bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            &format!("{what}: value + flag·2^64 = Σ byte_i·256^i"),
            value + flag.expr() * Expression::Constant(pow2::<F>(64)),
            expr_from_le_bytes(&exprs),
        );
        Self { flag, bytes }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        lhs: u64,
        rhs: u64,
    ) -> Result<bool, Error> {
        let negative = lhs < rhs;
        let v = (u128::from(lhs) + (u128::from(negative) << 64)) - u128::from(rhs);
        self.flag.assign(region, F::from(u64::from(negative)))?;
        for (cell, byte) in self.bytes.iter().zip(v.to_le_bytes()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        Ok(negative)
    }
}

/// SSTORE out of gas, in the root call.
#[derive(Clone, Debug)]
pub struct ErrorOutOfGasSstoreGadget<F: PrimeField> {
    gas: SstoreGas<F>,
    below_sentry: Negative<F>,
    below_cost: Negative<F>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOutOfGasSstoreGadget<F> {
    const NAME: &'static str = "ERROR_OOG_SSTORE";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasSstore;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let key = cb.stack_pop();
        let new = cb.stack_pop();
        let callee = storage_context(cb, false);
        let tx_id = cb.step().tx_id;
        let slot = cb.storage_access(
            RwTag::Storage,
            false,
            tx_id.clone(),
            callee.clone(),
            key.clone(),
        );
        let flag = cb.access_list_storage_access(false, tx_id, callee, key);
        let warm = was_warm(cb, flag.value);
        let gas = SstoreGas::configure(cb, &slot.value, &slot.committed_value, &new, warm);
        let gas_left = cb.step().gas_left;
        let below_sentry =
            Negative::configure(cb, "gas_left - 2301", gas_left.clone() - c(SENTRY + 1));
        let below_cost = Negative::configure(cb, "gas_left - cost", gas_left - gas.cost.expr());
        let (s, k) = (below_sentry.flag.expr(), below_cost.flag.expr());
        cb.require_equal(
            "out of gas: gas_left ≤ 2300 or gas_left < cost",
            s.clone() + k.clone() - s * k,
            c(1),
        );
        let end = ErrorEnd::configure(cb);
        Self {
            gas,
            below_sentry,
            below_cost,
            end,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let get = |i: usize| rws.get(i).ok_or(Error::Synthesis);
        let (new, slot, flag) = (get(1)?.value, get(4)?, get(5)?);
        let warm = !flag.value.is_zero();
        self.gas
            .assign(region, slot.value, slot.committed_value, new, warm)?;
        let cost = SstoreGas::<F>::native_cost(slot.value, slot.committed_value, new, warm);
        self.below_sentry
            .assign(region, step.gas_left, SENTRY + 1)?;
        self.below_cost.assign(region, step.gas_left, cost)?;
        self.end.assign(region, witness, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_trace::program::Program;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// PUSH1 1 PUSH0 SSTORE with `gas` left at the SSTORE (intrinsic 21,000 + 5 before it).
    fn circuit(gas: u64) -> EvmCircuit {
        let traced = Program::new(vec![0x60, 0x01, 0x5f, 0x55, 0x00])
            .gas_limit(21_005 + gas)
            .trace();
        let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
        let err = nth_step(&w, ExecutionState::ErrorOutOfGasSstore, 0);
        assert_eq!(w.steps[err].gas_left, gas);
        slice(&w, err..err + 3)
    }

    #[test]
    fn at_the_sentry_and_below_the_cost_pass() {
        assert_eq!(verify(&circuit(2300), vec![]), Ok(()), "sentry");
        assert_eq!(verify(&circuit(5000), vec![]), Ok(()), "cost 22100");
    }

    #[test]
    fn enough_gas_is_not_out_of_gas() {
        let o = Override::StepState {
            step: 0,
            field: "gas_left",
            value: Fr::from(30_000),
        };
        assert_rejected(
            verify(&circuit(5000), vec![o]),
            "ERROR_OOG_SSTORE: gas_left - cost: value + flag·2^64",
        );
    }

    #[test]
    fn the_slot_decides_the_cost() {
        // A slot claimed to hold 1 already (current = new): the cost would be 2200 < 5000.
        let o = Override::Rw {
            step: 0,
            access: 4,
            field: "value_lo",
            value: Fr::one(),
        };
        assert_rejected(verify(&circuit(5000), vec![o]), "ERROR_OOG_SSTORE");
    }

    #[test]
    fn the_call_fails() {
        let o = Override::Rw {
            step: 0,
            access: 6,
            field: "value_lo",
            value: Fr::one(),
        };
        assert_rejected(
            verify(&circuit(2300), vec![o]),
            "ERROR_OOG_SSTORE: call's IsSuccess = 0 (lo)",
        );
    }

    #[test]
    fn success_state_is_rejected_where_the_store_cannot_pay() {
        let o = Override::ExecutionState {
            step: 0,
            state: ExecutionState::Sstore,
        };
        assert_rejected(verify(&circuit(2300), vec![o]), "SSTORE");
    }
}
