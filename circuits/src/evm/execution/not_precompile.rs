//! NotPrecompile: proves that an address is none of Cancun's precompiles (0x01..=0x0a).
//! A helper of the call gadgets, whose callee runs code of its own.
//!
//! ```text
//! t_1 = (a - 1)·(a - 2),  t_k = t_{k-1}·(a - (k + 1))  for k = 2..=9
//! "t_9·inverse = 1 - exempt"             (no factor is zero, unless the caller exempts it)
//! ```

use super::call_args::{CALL, CALLCODE, DELEGATECALL, STATICCALL};
use super::call_op::LAST_PRECOMPILE;
use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use equivm_gadgets::util::pow2;
use equivm_trace::revm::primitives::{Address, U256};
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Products of the factors (`t_1..=t_9`), then the inverse of the last.
const CELLS: usize = LAST_PRECOMPILE as usize;

/// The product chain of `Π (address - k)` for `k = 1..=10` and its inverse.
#[derive(Clone, Debug)]
pub struct NotPrecompile<F: PrimeField> {
    chain: [Cell<F>; CELLS],
}

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

impl<F: PrimeField> NotPrecompile<F> {
    /// Proves that `address` (the 160-bit address as one field element) is no precompile.
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>, address: Expression<F>) -> Self {
        Self::configure_unless(cb, address, c(0))
    }

    /// [`Self::configure`], unless `exempt` (boolean, of degree 1, proved by the caller) is
    /// 1: then `address` may be a precompile, which the caller pins otherwise.
    pub fn configure_unless(
        cb: &mut ConstraintBuilder<'_, F>,
        address: Expression<F>,
        exempt: Expression<F>,
    ) -> Self {
        let chain = [(); CELLS].map(|()| cb.query_cell());
        let a = address;
        cb.require_equal(
            "to is no precompile: t_1 = (to - 1)·(to - 2)",
            chain[0].expr(),
            (a.clone() - c(1)) * (a.clone() - c(2)),
        );
        for k in 1..CELLS - 1 {
            cb.require_equal(
                &format!("to is no precompile: t_{} = t_{k}·(to - {})", k + 1, k + 2),
                chain[k].expr(),
                chain[k - 1].expr() * (a.clone() - c(k as u64 + 2)),
            );
        }
        cb.require_equal(
            "to is no precompile: t_9·inverse = 1 - exempt",
            chain[CELLS - 2].expr() * chain[CELLS - 1].expr(),
            c::<F>(1) - exempt,
        );
        Self { chain }
    }

    /// Assigns the chain for `address` (a precompile gets a zero inverse, which fails).
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        address: Address,
    ) -> Result<(), Error> {
        let a = address_field::<F>(address);
        let mut t = (a - F::from(1)) * (a - F::from(2));
        self.chain[0].assign(region, t)?;
        for k in 1..CELLS - 1 {
            t *= a - F::from(k as u64 + 2);
            self.chain[k].assign(region, t)?;
        }
        self.chain[CELLS - 1].assign(region, t.invert().unwrap_or(F::ZERO))?;
        Ok(())
    }
}

/// The names of Cancun's precompiles, at addresses 0x01..=0x0a.
pub const PRECOMPILE_NAMES: [&str; LAST_PRECOMPILE as usize] = [
    "ecrecover",
    "sha256",
    "ripemd160",
    "identity",
    "modexp",
    "ecadd",
    "ecmul",
    "ecpairing",
    "blake2f",
    "point evaluation",
];

/// For a call step (CALL, CALLCODE, DELEGATECALL, STATICCALL) whose callee is a
/// precompile, or the `BeginTx` of a transaction sent to one: the precompile, as
/// `0x04 (identity)`.
pub fn called_precompile(witness: &Witness, step: &ExecStep) -> Option<String> {
    let to = if step.execution_state == ExecutionState::BeginTx {
        let to = witness.txs.get(step.tx_index)?.tx.to?;
        U256::from_be_slice(to.as_slice())
    } else if matches!(
        step.opcode,
        Some(CALL | CALLCODE | DELEGATECALL | STATICCALL)
    ) {
        // The callee address is the second operand popped.
        witness.step_rws(step).get(1)?.value
    } else {
        return None;
    };
    let k = u64::try_from(to)
        .ok()
        .filter(|k| (1..=LAST_PRECOMPILE).contains(k))?;
    Some(format!("0x{k:02x} ({})", PRECOMPILE_NAMES[k as usize - 1]))
}

/// Whether `address` is one of Cancun's precompiles.
pub fn is_precompile(address: Address) -> bool {
    (1..=LAST_PRECOMPILE).any(|k| address == Address::with_last_byte(k as u8))
}

/// An address as one field element (its 160 bits, big-endian).
pub(crate) fn address_field<F: PrimeField>(address: Address) -> F {
    let v = U256::from_be_slice(address.as_slice());
    let limbs = v.as_limbs();
    let lo = F::from(limbs[0]) + F::from(limbs[1]) * pow2::<F>(64);
    let hi = F::from(limbs[2]);
    lo + hi * pow2::<F>(128)
}
