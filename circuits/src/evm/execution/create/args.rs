//! What every CREATE and CREATE2 step shares, whatever becomes of the creation: its stack
//! operands and result, the creator's context reads, the init code's memory range and the
//! creation's cost. A helper of the creation gadgets, not a gadget.
//!
//! ```text
//! value, offset, size, [salt] = pops (rw 0..p); result = push (rw p)
//! TxId (p+1) = tx_id, Depth (p+2), creator = CalleeAddress (p+3), IsStatic (p+4) reads
//! "is_static = 0" (a creation in a static call is a write-protection error)
//! MemoryExpansion(offset, size); "size ≤ 49152" (EIP-3860; larger is an error state)
//! words = CopyWords(size)
//! cost = 32000 + 2·words + [CREATE2] 6·words + memory gas
//! ```

use super::{CREATE2_WORD_GAS, CREATE_GAS, INIT_CODE_WORD_GAS, MAX_INIT_CODE_SIZE};
use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    constraint_builder::ConstraintBuilder,
    execution::{
        call_args::address_of_word,
        common_error::LessThan,
        copy_to_memory::CopyWords,
        memory_expansion::{Length, MemoryExpansion},
    },
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::{Address, U256};
use equivm_witness::{CallContextField as C, ExecStep, Rw};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

/// The accesses of the creator's step before anything specific to the creation's fate.
pub const fn create_pops(is_create2: bool) -> usize {
    if is_create2 {
        4
    } else {
        3
    }
}

/// The shared cells of a creation step.
#[derive(Clone, Debug)]
pub struct CreateArgs<F: PrimeField> {
    expansion: MemoryExpansion<F>,
    size_fits: LessThan<F, 2>,
    words: CopyWords<F>,
}

/// The shared operands, as expressions for the gadget's own constraints.
#[derive(Clone, Debug)]
pub struct CreateOperands<F: PrimeField> {
    /// The value the creation is to receive.
    pub value: Word<Expression<F>>,
    /// CREATE2's salt.
    pub salt: Option<Word<Expression<F>>>,
    /// The pushed result.
    pub result: Word<Expression<F>>,
    /// The creator's call depth.
    pub depth: Word<Expression<F>>,
    /// The creator's address.
    pub creator: Word<Expression<F>>,
    /// The init code's size.
    pub size: Expression<F>,
    /// `[size ≠ 0]`.
    pub has_code: Expression<F>,
    /// The init code's offset in memory (0 when the size is 0).
    pub offset: Expression<F>,
    /// The memory size after the step.
    pub new_memory_size: Expression<F>,
    /// The creation's cost: base, init code words, CREATE2's hashing, memory.
    pub cost: Expression<F>,
}

/// The shared operands' values.
#[derive(Clone, Copy, Debug)]
pub struct CreateFacts {
    /// The value.
    pub value: U256,
    /// CREATE2's salt (0 for CREATE).
    pub salt: U256,
    /// The creator's call depth.
    pub depth: U256,
    /// The creator's address.
    pub creator: Address,
    /// The init code's size.
    pub size: u64,
    /// The creation's cost.
    pub cost: u64,
}

/// `3·w + floor(w² / 512)`: the gas of a memory of `w` words.
pub fn memory_cost(w: u64) -> u64 {
    3 * w + w * w / 512
}

impl<F: PrimeField> CreateArgs<F> {
    /// Makes the shared accesses (in the order of the module's table) and states their
    /// constraints.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        is_create2: bool,
    ) -> (Self, CreateOperands<F>) {
        let step = cb.step();
        let value = cb.stack_pop();
        let offset = cb.stack_pop();
        let size = cb.stack_pop();
        let salt = is_create2.then(|| cb.stack_pop());
        let result = cb.stack_push();

        let small = |v: Expression<F>| Word::new(v, c(0));
        let tx_id = cb.call_context_lookup(C::TxId);
        cb.require_equal_word("TxId read = tx_id", tx_id, small(step.tx_id.clone()));
        let depth = cb.call_context_lookup(C::Depth);
        let creator = cb.call_context_lookup(C::CalleeAddress);
        let is_static = cb.call_context_lookup(C::IsStatic);
        cb.require_equal_word("is_static = 0", is_static, small(c(0)));

        let expansion = MemoryExpansion::configure_range(cb, offset, size);
        let (size, size_is_zero) = match &expansion.length {
            Length::Dynamic(d) => (
                expr_from_le_bytes(&d.size_bytes.iter().map(Cell::expr).collect::<Vec<_>>()),
                d.size_is_zero.expr(),
            ),
            _ => unreachable!("configure_range gives a dynamic length"),
        };
        let size_fits = LessThan::configure(
            cb,
            "size ≤ 49152 (EIP-3860)",
            size.clone(),
            c(MAX_INIT_CODE_SIZE + 1),
        );
        let words = CopyWords::configure(cb, size.clone());
        let word_gas = INIT_CODE_WORD_GAS + if is_create2 { CREATE2_WORD_GAS } else { 0 };
        let cost = c(CREATE_GAS)
            + c(word_gas) * words.expr()
            + expansion.gas(step.memory_word_size.clone());
        let offset = expr_from_le_bytes(
            &expansion
                .offset_bytes
                .iter()
                .map(Cell::expr)
                .collect::<Vec<_>>(),
        );
        let operands = CreateOperands {
            value,
            salt,
            result,
            depth,
            creator,
            size,
            has_code: c::<F>(1) - size_is_zero,
            offset,
            new_memory_size: expansion.new_size(),
            cost,
        };
        (
            Self {
                expansion,
                size_fits,
                words,
            },
            operands,
        )
    }

    /// Assigns the shared cells from the step's accesses `rws`.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        step: &ExecStep,
        rws: &[Rw],
        is_create2: bool,
    ) -> Result<CreateFacts, Error> {
        let v = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let (value, offset, size) = (v(0)?, v(1)?, v(2)?);
        let pops = create_pops(is_create2);
        let salt = if is_create2 { v(3)? } else { U256::ZERO };
        let new_size = self
            .expansion
            .assign_range(region, offset, size, step.memory_word_size)?;
        let size = u64::try_from(size).map_err(|_| Error::Synthesis)?;
        self.size_fits
            .assign(region, size, MAX_INIT_CODE_SIZE + 1)?;
        self.words.assign(region, size)?;
        let word_gas = INIT_CODE_WORD_GAS + if is_create2 { CREATE2_WORD_GAS } else { 0 };
        let cost = CREATE_GAS + word_gas * size.div_ceil(32) + memory_cost(new_size)
            - memory_cost(step.memory_word_size);
        Ok(CreateFacts {
            value,
            salt,
            depth: v(pops + 2)?,
            creator: address_of_word(v(pops + 3)?),
            size,
            cost,
        })
    }
}
