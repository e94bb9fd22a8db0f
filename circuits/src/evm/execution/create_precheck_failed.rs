//! CREATE and CREATE2 whose creation fails its pre-checks (states `CreatePrecheckFailed`
//! and `Create2PrecheckFailed`): the call depth limit, a value above the creator's balance,
//! or the creator's nonce at its largest. Nothing starts and nothing is written but the
//! creator's `LastCallee*`; the step pushes 0 and the creator goes on at the next opcode
//! with all of the creation's gas back.
//!
//! ```text
//! value, offset, size, [salt] = pops (rw 0..p); result = push (rw p): "result = 0"
//! TxId (p+1) = tx_id, Depth (p+2), creator = CalleeAddress (p+3), IsStatic (p+4) reads
//! "is_static = 0" (a creation in a static call is a write-protection error)
//! creator Balance (p+5), creator Nonce (p+6) reads
//! too_deep = [depth = 1024]; poor = [balance < value]; nonce_max = [nonce = 2^64 - 1]
//! neither = (1 - too_deep)·(1 - poor); "neither·(1 - nonce_max) = 0"   (a pre-check fails)
//! MemoryExpansion(offset, size); "size ≤ 49152" (EIP-3860; larger is an error state);
//!   CopyWords(size)
//! LastCalleeId, LastCalleeReturnDataOffset, LastCalleeReturnDataLength writes (p+7..p+9)
//!   = 0, 0, 0
//! cost = 32000 + 2·words + [CREATE2] 6·words + memory gas
//! gas_left - cost = Σ gas_after_i·256^i   (8 bytes: enough gas)
//! transition: pc + 1, stack_pointer + pops - 1, gas → gas_after (the 63/64 the creation
//!   would have had come back), memory → the new size, rw_counter + p + 10; the rest
//!   unchanged (no reversible write)
//! ```
//! The init code is not read: a refused creation neither hashes nor runs it, so its bytes
//! are free; only their size (the memory growth and the word gas) counts.

use super::{
    create::{create_pops, CreateArgs},
    tx_arith::address_expr,
    word_lt::WordLessThan,
    ExecutionGadget, WordIsZero, CALL_DEPTH_LIMIT,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::{ConstraintBuilder, StepStateTransition, Transition},
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{
    AccountField, CallContextField as C, ExecStep, ExecutionState, RwField, RwTag, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Where the accesses of a refused creation sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefusedCreateRws {
    /// Stack items popped (3 for CREATE, 4 for CREATE2); the result is pushed right after.
    pub pops: usize,
    /// The creator's `Depth` read.
    pub depth: usize,
    /// The creator's `CalleeAddress` read (its own address).
    pub creator: usize,
    /// The creator's balance read; its nonce read follows.
    pub balance: usize,
    /// The creator's `LastCalleeId` write, the first of three.
    pub last_callee: usize,
    /// Every access of the step.
    pub total: usize,
}

impl RefusedCreateRws {
    /// The layout of CREATE (`is_create2` false) or CREATE2.
    pub const fn of(is_create2: bool) -> Self {
        let pops = create_pops(is_create2);
        Self {
            pops,
            depth: pops + 2,
            creator: pops + 3,
            balance: pops + 5,
            last_callee: pops + 7,
            total: pops + 10,
        }
    }
}

/// CREATE and CREATE2 whose creation fails its pre-checks.
#[derive(Clone, Debug)]
pub struct RefusedCreateGadget<F: PrimeField, const IS_CREATE2: bool> {
    args: CreateArgs<F>,
    /// `[depth = 1024]`.
    pub too_deep: WordIsZero<F>,
    /// `[balance < value]`.
    pub poor: WordLessThan<F>,
    /// `[nonce = 2^64 - 1]`.
    pub nonce_max: WordIsZero<F>,
    /// `(1 - too_deep)·(1 - poor)`.
    pub neither: Cell<F>,
    gas_after: [Cell<F>; 8],
}

/// CREATE whose creation fails its pre-checks.
pub type CreatePrecheckFailedGadget<F> = RefusedCreateGadget<F, false>;
/// CREATE2 whose creation fails its pre-checks.
pub type Create2PrecheckFailedGadget<F> = RefusedCreateGadget<F, true>;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn small<F: PrimeField>(v: Expression<F>) -> Word<Expression<F>> {
    Word::new(v, c(0))
}

/// `value - constant` limb by limb: zero exactly when `value = constant`.
fn minus<F: PrimeField>(value: &Word<Expression<F>>, constant: u64) -> Word<Expression<F>> {
    Word::new(value.lo.clone() - c(constant), value.hi.clone())
}

/// `value - constant` limb by limb, as field elements.
fn minus_value<F: PrimeField>(value: U256, constant: u64) -> Word<F> {
    let w = word_of::<F>(value);
    Word::new(w.lo - F::from(constant), w.hi)
}

impl<F: PrimeField, const IS_CREATE2: bool> ExecutionGadget<F>
    for RefusedCreateGadget<F, IS_CREATE2>
{
    const NAME: &'static str = if IS_CREATE2 {
        "CREATE2_PRECHECK_FAILED"
    } else {
        "CREATE_PRECHECK_FAILED"
    };
    const STATE: ExecutionState = if IS_CREATE2 {
        ExecutionState::Create2PrecheckFailed
    } else {
        ExecutionState::CreatePrecheckFailed
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        // The salt is popped and not used: nothing is hashed, any salt is refused alike.
        let (args, ops) = CreateArgs::configure(cb, IS_CREATE2);
        cb.require_equal_word("result = 0", ops.result.clone(), small(c(0)));
        let creator_address = address_expr(&ops.creator);
        let balance = cb.account_read(creator_address.clone(), AccountField::Balance);
        let nonce = cb.account_read(creator_address, AccountField::Nonce);

        let too_deep =
            WordIsZero::configure(cb, "depth - 1024", minus(&ops.depth, CALL_DEPTH_LIMIT));
        let poor = WordLessThan::configure(cb, "balance < value", balance, ops.value.clone());
        let nonce_max = WordIsZero::configure(cb, "nonce - (2^64 - 1)", minus(&nonce, u64::MAX));
        let neither = cb.query_cell();
        cb.require_equal(
            "neither = (1 - too_deep)·(1 - poor)",
            neither.expr(),
            (c::<F>(1) - too_deep.expr()) * (c::<F>(1) - poor.expr()),
        );
        cb.require_zero(
            "a pre-check fails: neither·(1 - nonce_max) = 0",
            neither.expr() * (c::<F>(1) - nonce_max.expr()),
        );

        cb.write_no_last_callee();

        let gas_after = cb.query_bytes::<8>();
        let gas_after_expr =
            expr_from_le_bytes(&gas_after.iter().map(Cell::expr).collect::<Vec<_>>());
        cb.require_equal(
            "gas_left - cost = Σ gas_after_i·256^i (enough gas)",
            step.gas_left.clone() - ops.cost.clone(),
            gas_after_expr.clone(),
        );

        // The creator goes on.
        cb.require_next_not_boundary();
        let pops = RefusedCreateRws::of(IS_CREATE2).pops as u64;
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            call_id: Transition::Same,
            is_root: Transition::Same,
            is_create: Transition::Same,
            code_hash: Transition::Same,
            program_counter: Transition::Delta(c(1)),
            stack_pointer: Transition::Delta(c(pops - 1)),
            gas_left: Transition::To(gas_after_expr),
            memory_word_size: Transition::To(ops.new_memory_size),
            reversible_write_counter: Transition::Same,
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund: Transition::Same,
            is_persistent: Transition::Same,
            rw_counter_end_of_reversion: Transition::Same,
        });
        Self {
            args,
            too_deep,
            poor,
            nonce_max,
            neither,
            gas_after,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let layout = RefusedCreateRws::of(IS_CREATE2);
        let rws = witness.step_rws(step);
        let v = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let args = self.args.assign(region, step, rws, IS_CREATE2)?;
        let too_deep = self
            .too_deep
            .assign(region, minus_value(args.depth, CALL_DEPTH_LIMIT))?;
        let poor = self.poor.assign(region, v(layout.balance)?, args.value)?;
        self.nonce_max
            .assign(region, minus_value(v(layout.balance + 1)?, u64::MAX))?;
        self.neither
            .assign(region, F::from(u64::from(!too_deep && !poor)))?;
        let after = step
            .gas_left
            .checked_sub(args.cost)
            .ok_or(Error::Synthesis)?;
        for (cell, byte) in self.gas_after.iter().zip(after.to_le_bytes()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        Ok(())
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !index.call_fits_layout(step)
    }
}

/// Whether `step` is a CREATE or CREATE2 whose creation failed its pre-checks, with rw
/// entries in the layout of [`RefusedCreateGadget`]: the creator's balance and nonce reads,
/// then the three `LastCallee*` writes, and nothing after them.
pub fn refuses_creation(witness: &Witness, step: &ExecStep) -> bool {
    let is_create2 = match (step.execution_state, step.opcode) {
        (ExecutionState::CreatePrecheckFailed, Some(0xf0)) => false,
        (ExecutionState::Create2PrecheckFailed, Some(0xf5)) => true,
        _ => return false,
    };
    let layout = RefusedCreateRws::of(is_create2);
    let rws = witness.step_rws(step);
    let reads = |at: usize, field: AccountField| {
        rws.get(at).is_some_and(|rw| {
            rw.tag == RwTag::Account && !rw.is_write && rw.field == RwField::Account(field)
        })
    };
    let last_callee = rws.get(layout.last_callee).is_some_and(|rw| {
        rw.tag == RwTag::CallContext
            && rw.is_write
            && rw.field == RwField::CallContext(C::LastCalleeId)
    });
    rws.len() == layout.total
        && reads(layout.balance, AccountField::Balance)
        && reads(layout.balance + 1, AccountField::Nonce)
        && last_callee
}

#[cfg(test)]
mod tests;
