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
    common_error::{assign_le_bytes, LessThan},
    copy_to_memory::CopyWords,
    create::{
        empty_hash, ContractAddress, CREATE2_WORD_GAS, CREATE_GAS, INIT_CODE_WORD_GAS,
        MAX_INIT_CODE_SIZE,
    },
    memory_expansion::{Length, MemoryExpansion},
    tx_arith::{address_expr, assign_copy_lookup, copy_event_at, ByteNumber},
    word_lt::WordLessThan,
    ExecutionGadget, WordIsZero, CALL_DEPTH_LIMIT,
};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, Reversion, StepStateTransition, Transition},
};
use crate::table::{copy::copy_data_type_number, u256_word, CopyTableRow};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::{KECCAK_EMPTY, U256};
use equivm_witness::{
    AccountField, CallContextField as C, CopyDataType, ExecStep, ExecutionState, RwField, RwTag,
    Witness,
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
        let pops = if is_create2 { 4 } else { 3 };
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
    depth_ok: LessThan<F, 2>,
    /// `[balance < value]`, required 0.
    pub poor: WordLessThan<F>,
    expansion: MemoryExpansion<F>,
    size_fits: LessThan<F, 2>,
    words: CopyWords<F>,
    nonce_not_max: Cell<F>,
    /// The init code's hash (lo, hi).
    pub init_hash: [Cell<F>; 2],
    address: ContractAddress<F, IS_CREATE2>,
    /// `[code hash = keccak256(())]` of the new address.
    pub code_is_empty: WordIsZero<F>,
    /// `[nonce = 0]` of the new address.
    pub nonce_is_zero: WordIsZero<F>,
    gas_available: ByteNumber<F, 8>,
    q64: [Cell<F>; 8],
    r64: [Cell<F>; 2],
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

/// `3·w + floor(w² / 512)`: the gas of a memory of `w` words.
fn memory_cost(w: u64) -> u64 {
    3 * w + w * w / 512
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
        let value = cb.stack_pop();
        let offset = cb.stack_pop();
        let size = cb.stack_pop();
        let salt = IS_CREATE2.then(|| cb.stack_pop());
        let result = cb.stack_push();
        cb.require_equal_word("result = 0", result, small(c(0)));

        let tx_id = cb.call_context_lookup(C::TxId);
        cb.require_equal_word("TxId read = tx_id", tx_id, small(step.tx_id.clone()));
        let depth = cb.call_context_lookup(C::Depth);
        let creator = cb.call_context_lookup(C::CalleeAddress);
        let is_static = cb.call_context_lookup(C::IsStatic);
        cb.require_equal_word("is_static = 0", is_static, small(c(0)));
        let depth_ok =
            LessThan::configure(cb, "depth < 1024", depth.lo.clone(), c(CALL_DEPTH_LIMIT));
        let creator_address = address_expr(&creator);
        let balance = cb.account_read(creator_address.clone(), AccountField::Balance);
        let poor = WordLessThan::configure(cb, "balance < value", balance, value);
        cb.require_zero("the value is there: [balance < value] = 0", poor.expr());

        let expansion = MemoryExpansion::configure_range(cb, offset, size);
        let (size_value, size_is_zero) = match &expansion.length {
            Length::Dynamic(d) => (
                expr_from_le_bytes(&d.size_bytes.iter().map(Cell::expr).collect::<Vec<_>>()),
                d.size_is_zero.expr(),
            ),
            _ => unreachable!("configure_range gives a dynamic length"),
        };
        let has_code = c::<F>(1) - size_is_zero;
        let size_fits = LessThan::configure(
            cb,
            "size ≤ 49152 (EIP-3860)",
            size_value.clone(),
            c(MAX_INIT_CODE_SIZE + 1),
        );
        let words = CopyWords::configure(cb, size_value.clone());

        let reversion = Reversion::of_step(&step);
        let nonce = cb.account_write(creator_address, AccountField::Nonce);
        cb.undo_if_reverted(&reversion);
        cb.require_equal(
            "creator nonce + 1 = nonce written",
            nonce.value_prev.lo.clone() + c(1),
            nonce.value.lo.clone(),
        );
        cb.require_zero("creator nonce.hi = 0", nonce.value.hi.clone());
        cb.require_zero("creator nonce_prev.hi = 0", nonce.value_prev.hi.clone());
        let nonce_not_max = cb.query_cell();
        cb.require_equal(
            "the nonce can be bumped: (nonce - (2^64 - 1))·inv = 1",
            (nonce.value_prev.lo.clone() - Expression::Constant(F::from(u64::MAX)))
                * nonce_not_max.expr(),
            c(1),
        );
        let init_hash = [cb.query_cell(), cb.query_cell()];
        let init_hash_word = Word::new(init_hash[0].expr(), init_hash[1].expr());
        let empty = empty_hash::<F>();
        cb.require_zero(
            "size = 0: init_hash.lo = keccak256(()).lo",
            (c::<F>(1) - has_code.clone()) * (init_hash_word.lo.clone() - empty.lo.clone()),
        );
        cb.require_zero(
            "size = 0: init_hash.hi = keccak256(()).hi",
            (c::<F>(1) - has_code.clone()) * (init_hash_word.hi.clone() - empty.hi.clone()),
        );
        let address = ContractAddress::<F, IS_CREATE2>::configure(
            cb,
            &creator,
            nonce.value_prev.lo.clone(),
            salt.as_ref(),
            &init_hash_word,
        );
        let new_address = address_expr(&address.address());
        cb.access_list_account_write(step.tx_id.clone(), new_address.clone());
        cb.undo_if_reverted(&reversion);
        let code_hash = cb.account_read(new_address.clone(), AccountField::CodeHash);
        let new_nonce = cb.account_read(new_address, AccountField::Nonce);
        let code_is_empty = WordIsZero::configure(
            cb,
            "code hash - keccak256(())",
            Word::new(code_hash.lo - empty.lo, code_hash.hi - empty.hi),
        );
        let nonce_is_zero = WordIsZero::configure(cb, "address nonce", new_nonce);
        cb.require_zero(
            "a collision: [code hash = keccak256(())]·[nonce = 0] = 0",
            code_is_empty.expr() * nonce_is_zero.expr(),
        );

        for field in [
            C::LastCalleeId,
            C::LastCalleeReturnDataOffset,
            C::LastCalleeReturnDataLength,
        ] {
            let written = cb.call_context_write(step.call_id.clone(), field);
            cb.require_equal_word(&format!("{field:?} = 0"), written, small(c(0)));
        }

        let word_gas = INIT_CODE_WORD_GAS + if IS_CREATE2 { CREATE2_WORD_GAS } else { 0 };
        let cost = c(CREATE_GAS)
            + c(word_gas) * words.expr()
            + expansion.gas(step.memory_word_size.clone());
        let gas_available = ByteNumber::configure(
            cb,
            "gas_available = gas_left - cost (enough gas)",
            step.gas_left.clone() - cost,
        );
        let q64 = cb.query_bytes::<8>();
        let kept = expr_from_le_bytes(&q64.iter().map(Cell::expr).collect::<Vec<_>>());
        let r64 = [cb.query_byte(), cb.query_byte()];
        cb.require_equal(
            "gas_available = 64·q + r",
            gas_available.word().lo,
            c(64) * kept.clone() + r64[0].expr(),
        );
        cb.require_equal(
            "r + 192 is a byte (r < 64)",
            r64[1].expr(),
            r64[0].expr() + c(192),
        );

        let offset_eff = expr_from_le_bytes(
            &expansion
                .offset_bytes
                .iter()
                .map(Cell::expr)
                .collect::<Vec<_>>(),
        );
        let claim = CopyTableRow {
            src_type: c(copy_data_type_number(CopyDataType::Memory)),
            src_id: small(step.call_id.clone()),
            src_addr: offset_eff.clone(),
            src_addr_end: offset_eff + size_value.clone(),
            dst_type: c(copy_data_type_number(CopyDataType::Bytecode)),
            dst_id: init_hash_word,
            dst_addr: c(0),
            length: size_value.clone(),
            rw_counter_start: step.rw_counter.clone() + cb.rw_counter_delta(),
            rw_count: size_value.clone(),
            log_id: c(0),
        };
        cb.copy_lookup(has_code, claim);
        cb.add_rw_counter_delta(size_value);

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
            memory_word_size: Transition::To(expansion.new_size()),
            reversible_write_counter: Transition::Delta(c(2)),
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund: Transition::Same,
            is_persistent: Transition::Same,
            rw_counter_end_of_reversion: Transition::Same,
        });
        Self {
            context: cb.context_columns(),
            depth_ok,
            poor,
            expansion,
            size_fits,
            words,
            nonce_not_max,
            init_hash,
            address,
            code_is_empty,
            nonce_is_zero,
            gas_available,
            q64,
            r64,
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
        let (value, offset, size) = (v(0)?, v(1)?, v(2)?);
        let salt = if IS_CREATE2 { v(3)? } else { U256::ZERO };
        let depth = u64::try_from(v(layout.depth)?).map_err(|_| Error::Synthesis)?;
        self.depth_ok.assign(region, depth, CALL_DEPTH_LIMIT)?;
        self.poor.assign(region, v(layout.balance)?, value)?;
        let new_size = self
            .expansion
            .assign_range(region, offset, size, step.memory_word_size)?;
        let size = u64::try_from(size).map_err(|_| Error::Synthesis)?;
        self.size_fits
            .assign(region, size, MAX_INIT_CODE_SIZE + 1)?;
        self.words.assign(region, size)?;

        let nonce =
            u64::try_from(rw(layout.creator_nonce)?.value_prev).map_err(|_| Error::Synthesis)?;
        let inv = (F::from(nonce) - F::from(u64::MAX))
            .invert()
            .into_option()
            .ok_or(Error::Synthesis)?;
        self.nonce_not_max.assign(region, inv)?;

        let start = step.rw_counter + layout.total as u64;
        let event = match size {
            0 => None,
            _ => Some(copy_event_at(witness, start, CopyDataType::Bytecode)?),
        };
        let init_code: &[u8] = event.map_or(&[], |e| &e.bytes);
        let init_hash = equivm_trace::revm::primitives::keccak256(init_code);
        let hash_word = crate::table::b256_word(init_hash).to_field::<F>();
        self.init_hash[0].assign(region, hash_word.lo)?;
        self.init_hash[1].assign(region, hash_word.hi)?;
        let creator = super::call_args::address_of_word(v(layout.creator)?);
        let address = self
            .address
            .assign(region, creator, nonce, salt, init_code)?;
        if rw(layout.warm_mark)?.address != address {
            return Err(Error::Synthesis);
        }
        let empty = word_of::<F>(U256::from_be_bytes(KECCAK_EMPTY.0));
        let code_hash = word_of::<F>(v(layout.code_hash)?);
        self.code_is_empty.assign(
            region,
            Word::new(code_hash.lo - empty.lo, code_hash.hi - empty.hi),
        )?;
        self.nonce_is_zero
            .assign(region, word_of(v(layout.code_hash + 1)?))?;

        let cost = CREATE_GAS
            + (INIT_CODE_WORD_GAS + if IS_CREATE2 { CREATE2_WORD_GAS } else { 0 })
                * size.div_ceil(32)
            + memory_cost(new_size)
            - memory_cost(step.memory_word_size);
        let available = step.gas_left.checked_sub(cost).ok_or(Error::Synthesis)?;
        self.gas_available.assign(region, U256::from(available))?;
        assign_le_bytes(&self.q64, region, available / 64)?;
        self.r64[0].assign(region, F::from(available % 64))?;
        self.r64[1].assign(region, F::from(available % 64 + 192))?;

        let claim = event
            .map(|event| {
                CopyTableRow::from_event(
                    event,
                    Word::new(u128::from(event.src_id), 0),
                    u256_word(U256::from_be_bytes(init_hash.0)),
                )
            })
            .transpose()
            .map_err(|_| Error::Synthesis)?;
        assign_copy_lookup(region, &self.context, 0, claim)
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
