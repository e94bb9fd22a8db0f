//! CREATE and CREATE2 whose new address is taken (states `CreateCollision` and
//! `Create2Collision`): an account with code or a nonce is already there. The pre-checks
//! passed, so the creator's nonce is bumped and the address marked warm (both kept unless
//! the creator reverts), but nothing starts: the step pushes 0 and the creator goes on at
//! the next opcode, the gas it would have passed on lost.
//!
//! ```text
//! value, offset, size, [salt] = pops (rw 0..p); result = push (rw p): "result = 0"
//! TxId (p+1) = tx_id, Depth (p+2), creator = CalleeAddress (p+3), IsStatic (p+4) reads
//! "is_static = 0"; "depth < 1024"
//! creator Balance read (p+5): "[balance < value] = 0"          (the value is there)
//! MemoryExpansion(offset, size); "size ≤ 49152" (EIP-3860); CopyWords(size)
//! creator nonce write (p+6): "nonce + 1 = nonce'" (lo; hi 0), "(nonce - (2^64 - 1))·inv = 1"
//!                                                     undo 0 in the creator's scope
//! ContractAddress (create/address.rs): address from rlp([creator, nonce]) or
//!   0xff ‖ creator ‖ salt ‖ init_hash, by the preimage's byte lookups
//! warm mark of address (p+7), undo 1 in the creator's scope
//! address CodeHash (p+8) and Nonce (p+9) reads:
//!   "[code_hash = keccak256(())]·[nonce = 0] = 0"              (a collision)
//! LastCalleeId, LastCalleeReturnDataOffset, LastCalleeReturnDataLength writes
//!   (p+10..p+12) = 0, 0, 0
//! copy lookup when size ≠ 0: (Memory, call_id, offset, offset + size, Bytecode, init_hash,
//!   0, size, rw_counter + p + 13, size, 0); rw_counter + size more
//! "size = 0: init_hash = keccak256(())"
//! cost = 32000 + 2·words + [CREATE2] 6·words + memory gas
//! gas_available = gas_left - cost (8 bytes); "gas_available = 64·q + r" (q 8 bytes, r < 64)
//! transition: pc + 1, stack_pointer + pops - 1, gas → q (the 63/64 passed on are lost),
//!   memory → the new size, reversible writes + 2, rw_counter by the accesses; the rest
//!   unchanged
//! ```
//! The init code is read (a copy into the bytecode table) because CREATE2's address hashes
//! it; CREATE's address does not, and its copy only binds the free `init_hash`.

use super::{
    common_error::LessThan,
    create::{
        assign_init_code_lookup, create_pops, empty_hash, init_code_lookup, CreateArgs,
        CreationGas, NewAddress,
    },
    tx_arith::address_expr,
    word_lt::WordLessThan,
    ExecutionGadget, WordIsZero, CALL_DEPTH_LIMIT,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, StepStateTransition, Transition},
};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::{
    AccountField, CallContextField as C, ExecStep, ExecutionState, RwField, RwTag, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Where the accesses of a colliding creation sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CollidingCreateRws {
    /// Stack items popped (3 for CREATE, 4 for CREATE2); the result is pushed right after.
    pub pops: usize,
    /// The creator's `Depth` read.
    pub depth: usize,
    /// The creator's `CalleeAddress` read (its own address).
    pub creator: usize,
    /// The creator's balance read.
    pub balance: usize,
    /// The creator's nonce write.
    pub creator_nonce: usize,
    /// The new address's warm mark.
    pub warm_mark: usize,
    /// The new address's code hash read; its nonce read follows.
    pub code_hash: usize,
    /// The creator's `LastCalleeId` write, the first of three.
    pub last_callee: usize,
    /// Every access of the step but the init code's reads.
    pub total: usize,
}

impl CollidingCreateRws {
    /// The layout of CREATE (`is_create2` false) or CREATE2.
    pub const fn of(is_create2: bool) -> Self {
        let pops = create_pops(is_create2);
        Self {
            pops,
            depth: pops + 2,
            creator: pops + 3,
            balance: pops + 5,
            creator_nonce: pops + 6,
            warm_mark: pops + 7,
            code_hash: pops + 8,
            last_callee: pops + 10,
            total: pops + 13,
        }
    }
}

/// CREATE and CREATE2 whose new address is taken.
#[derive(Clone, Debug)]
pub struct CollidingCreateGadget<F: PrimeField, const IS_CREATE2: bool> {
    context: ContextColumns,
    args: CreateArgs<F>,
    depth_ok: LessThan<F, 2>,
    /// `[balance < value]`, required 0.
    pub poor: WordLessThan<F>,
    new_address: NewAddress<F, IS_CREATE2>,
    /// `[code hash = keccak256(())]` of the new address.
    pub code_is_empty: WordIsZero<F>,
    /// `[nonce = 0]` of the new address.
    pub nonce_is_zero: WordIsZero<F>,
    gas: CreationGas<F>,
}

/// CREATE whose new address is taken.
pub type CreateCollisionGadget<F> = CollidingCreateGadget<F, false>;
/// CREATE2 whose new address is taken.
pub type Create2CollisionGadget<F> = CollidingCreateGadget<F, true>;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn small<F: PrimeField>(v: Expression<F>) -> Word<Expression<F>> {
    Word::new(v, c(0))
}

impl<F: PrimeField, const IS_CREATE2: bool> ExecutionGadget<F>
    for CollidingCreateGadget<F, IS_CREATE2>
{
    const NAME: &'static str = if IS_CREATE2 {
        "CREATE2_COLLISION"
    } else {
        "CREATE_COLLISION"
    };
    const STATE: ExecutionState = if IS_CREATE2 {
        ExecutionState::Create2Collision
    } else {
        ExecutionState::CreateCollision
    };

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let step = cb.step();
        let layout = CollidingCreateRws::of(IS_CREATE2);
        let (args, ops) = CreateArgs::configure(cb, IS_CREATE2);
        cb.require_equal_word("result = 0", ops.result.clone(), small(c(0)));
        let depth_ok = LessThan::configure(
            cb,
            "depth < 1024",
            ops.depth.lo.clone(),
            c(CALL_DEPTH_LIMIT),
        );
        let balance = cb.account_read(address_expr(&ops.creator), AccountField::Balance);
        let poor = WordLessThan::configure(cb, "balance < value", balance, ops.value.clone());
        cb.require_zero("the value is there: [balance < value] = 0", poor.expr());

        let (new_address, parts) = NewAddress::<F, IS_CREATE2>::configure(cb, &ops);
        let new_nonce = cb.account_read(parts.address_expr.clone(), AccountField::Nonce);
        let empty = empty_hash::<F>();
        let code_is_empty = WordIsZero::configure(
            cb,
            "code hash - keccak256(())",
            Word::new(
                parts.code_hash.lo.clone() - empty.lo,
                parts.code_hash.hi.clone() - empty.hi,
            ),
        );
        let nonce_is_zero = WordIsZero::configure(cb, "address nonce", new_nonce);
        cb.require_zero(
            "a collision: [code hash = keccak256(())]·[nonce = 0] = 0",
            code_is_empty.expr() * nonce_is_zero.expr(),
        );

        cb.write_no_last_callee();
        let (gas, kept, _) = CreationGas::configure(cb, step.gas_left.clone() - ops.cost.clone());
        init_code_lookup(cb, &ops, parts.init_hash);

        // The creator goes on.
        cb.require_next_not_boundary();
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            call_id: Transition::Same,
            is_root: Transition::Same,
            is_create: Transition::Same,
            code_hash: Transition::Same,
            program_counter: Transition::Delta(c(1)),
            stack_pointer: Transition::Delta(c(layout.pops as u64 - 1)),
            gas_left: Transition::To(kept),
            memory_word_size: Transition::To(ops.new_memory_size),
            reversible_write_counter: Transition::Delta(c(2)),
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund: Transition::Same,
            is_persistent: Transition::Same,
            rw_counter_end_of_reversion: Transition::Same,
        });
        Self {
            context: cb.context_columns(),
            args,
            depth_ok,
            poor,
            new_address,
            code_is_empty,
            nonce_is_zero,
            gas,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let layout = CollidingCreateRws::of(IS_CREATE2);
        let rws = witness.step_rws(step);
        let rw = |i: usize| rws.get(i).ok_or(Error::Synthesis);
        let v = |i: usize| rw(i).map(|rw| rw.value);
        let args = self.args.assign(region, step, rws, IS_CREATE2)?;
        let depth = u64::try_from(args.depth).map_err(|_| Error::Synthesis)?;
        self.depth_ok.assign(region, depth, CALL_DEPTH_LIMIT)?;
        self.poor.assign(region, v(layout.balance)?, args.value)?;
        let derived = self.new_address.assign(
            region,
            witness,
            &args,
            rw(layout.creator_nonce)?,
            rw(layout.warm_mark)?,
            step.rw_counter + layout.total as u64,
        )?;
        let empty = word_of::<F>(U256::from_be_bytes(KECCAK_EMPTY.0));
        let code_hash = word_of::<F>(v(layout.code_hash)?);
        self.code_is_empty.assign(
            region,
            Word::new(code_hash.lo - empty.lo, code_hash.hi - empty.hi),
        )?;
        self.nonce_is_zero
            .assign(region, word_of(v(layout.code_hash + 1)?))?;
        let available = step
            .gas_left
            .checked_sub(args.cost)
            .ok_or(Error::Synthesis)?;
        self.gas.assign(region, available)?;
        assign_init_code_lookup(region, &self.context, &derived)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        !index.call_fits_layout(step)
    }
}

/// Whether `step` is a CREATE or CREATE2 whose new address was taken, with rw entries in
/// the layout of [`CollidingCreateGadget`]: the creator's balance read and nonce write, the
/// warm mark, the address's code hash and nonce reads, the three `LastCallee*` writes, then
/// the init code's reads.
pub fn collides(witness: &Witness, step: &ExecStep) -> bool {
    let is_create2 = match (step.execution_state, step.opcode) {
        (ExecutionState::CreateCollision, Some(0xf0)) => false,
        (ExecutionState::Create2Collision, Some(0xf5)) => true,
        _ => return false,
    };
    let layout = CollidingCreateRws::of(is_create2);
    let rws = witness.step_rws(step);
    let Some(size) = rws.get(2).and_then(|rw| usize::try_from(rw.value).ok()) else {
        return false;
    };
    let account = |at: usize, field: AccountField, write: bool| {
        rws.get(at).is_some_and(|rw| {
            rw.tag == RwTag::Account && rw.is_write == write && rw.field == RwField::Account(field)
        })
    };
    let last_callee = rws.get(layout.last_callee).is_some_and(|rw| {
        rw.tag == RwTag::CallContext
            && rw.is_write
            && rw.field == RwField::CallContext(C::LastCalleeId)
    });
    rws.len() == layout.total + size
        && account(layout.balance, AccountField::Balance, false)
        && account(layout.creator_nonce, AccountField::Nonce, true)
        && account(layout.code_hash, AccountField::CodeHash, false)
        && account(layout.code_hash + 1, AccountField::Nonce, false)
        && last_callee
}

#[cfg(test)]
mod tests;
