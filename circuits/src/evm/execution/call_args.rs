//! CallArgs: the part every call step shares, whether its callee runs code or not. A helper
//! of [`CallOpGadget`](super::CallOpGadget) and
//! [`CallWithoutCodeGadget`](super::CallWithoutCodeGadget), not a gadget.
//!
//! ```text
//! "opcode = first + is_second·(second - first)"   (CALL/CALLCODE or DELEGATECALL/STATICCALL)
//! gas, to, [value], in_offset, in_size, out_offset, out_size = pops (rw 0..pops)
//! success = push (rw p = pops): "success.hi = 0", success.lo boolean
//! AccountAccess(to): TxId read (rw p+1), warm mark (rw p+2; its undo: caller's scope, index 0)
//! Depth (rw p+3), own address = CalleeAddress (rw p+4), IsStatic (rw p+5) reads
//! [own CallerAddress, own Value reads (rw p+6, p+7): what DELEGATECALL passes on]
//! own balance read
//! "moves_value = (1 - is_second)·[value ≠ 0]", "is_static·moves_value = 0"
//!                                         (CALL moves no value in a static context)
//! "depth < 1024"                          (unless `refused`: a call whose callee fails its
//!                                          pre-checks is another state, call_precheck_failed.rs)
//! MemoryExpansion ranges (in_offset, in_size), then (out_offset, out_size) from the first's size
//! ```

use super::{
    account_access::AccountAccess, common_error::LessThan, memory_expansion::MemoryExpansion,
    not_precompile::address_field, tx_arith::address_expr, value_transfer::ValueTransfer,
    WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::{ConstraintBuilder, Reversion},
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::{Address, U256};
use equivm_witness::{AccountField, CallContextField as C, ExecStep, Rw};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// CALL.
pub const CALL: u8 = 0xf1;
/// CALLCODE.
pub const CALLCODE: u8 = 0xf2;
/// DELEGATECALL.
pub const DELEGATECALL: u8 = 0xf4;
/// STATICCALL.
pub const STATICCALL: u8 = 0xfa;

/// The two opcodes of the calls that pop a value (`has_value`: CALL, CALLCODE) or not
/// (DELEGATECALL, STATICCALL).
pub const fn call_opcodes(has_value: bool) -> (u8, u8) {
    if has_value {
        (CALL, CALLCODE)
    } else {
        (DELEGATECALL, STATICCALL)
    }
}

/// Stack items a call pops.
pub const fn call_pops(has_value: bool) -> usize {
    if has_value {
        7
    } else {
        6
    }
}

/// The shared cells of a call step.
#[derive(Clone, Debug)]
pub struct CallArgs<F: PrimeField> {
    /// 1 for the state's second opcode (CALLCODE, STATICCALL).
    pub is_second: Cell<F>,
    /// The callee address's access (its TxId read and warm mark).
    pub access: AccountAccess<F>,
    value_is_zero: Option<WordIsZero<F>>,
    /// `(1 - is_second)·[value ≠ 0]`: a CALL that moves value (with a value operand only).
    pub moves_value: Option<Cell<F>>,
    depth_ok: Option<LessThan<F, 2>>,
    /// The argument area's expansion.
    pub in_range: MemoryExpansion<F>,
    /// The return area's expansion, from the size the arguments left.
    pub out_range: MemoryExpansion<F>,
}

/// The values a call step's shared part reads, as expressions.
#[derive(Clone, Debug)]
pub struct CallOperands<F: PrimeField> {
    /// The gas operand.
    pub gas: Word<Expression<F>>,
    /// The callee address operand as popped.
    pub to: Word<Expression<F>>,
    /// The callee address as a word of its 20 bytes.
    pub to_address: Word<Expression<F>>,
    /// The value operand (CALL, CALLCODE).
    pub value: Option<Word<Expression<F>>>,
    /// The argument area's size.
    pub in_size: Word<Expression<F>>,
    /// The return area's size.
    pub out_size: Word<Expression<F>>,
    /// The pushed success flag.
    pub success: Word<Expression<F>>,
    /// The caller's depth.
    pub depth: Word<Expression<F>>,
    /// The caller's own address (its `CalleeAddress`).
    pub own: Word<Expression<F>>,
    /// The caller's own address as one field element.
    pub own_address: Expression<F>,
    /// The caller's `IsStatic`.
    pub is_static: Word<Expression<F>>,
    /// The caller's own balance.
    pub own_balance: Word<Expression<F>>,
    /// The caller's own `CallerAddress` and `Value`, if read.
    pub passed_on: Option<PassedOn<F>>,
    /// `[value ≠ 0]` (0 without a value operand).
    pub transfers: Expression<F>,
    /// Gas of both memory expansions.
    pub memory_gas: Expression<F>,
}

/// The caller's own `CallerAddress` and `Value`, which DELEGATECALL passes on.
#[derive(Clone, Debug)]
pub struct PassedOn<F: PrimeField> {
    /// The caller's `CallerAddress`.
    pub caller: Word<Expression<F>>,
    /// The caller's `Value`.
    pub value: Word<Expression<F>>,
}

/// What [`CallArgs::assign`] found.
#[derive(Clone, Copy, Debug)]
pub struct CallFacts {
    /// The step's opcode is the state's second.
    pub is_second: bool,
    /// The callee address operand.
    pub to: Address,
    /// The caller's own address.
    pub own: Address,
    /// The value operand (0 without one).
    pub value: U256,
    /// Whether a value is given (not zero).
    pub transfers: bool,
    /// Whether the callee address was warm.
    pub was_warm: bool,
    /// Memory size in words after both expansions.
    pub memory_word_size: u64,
    /// Gas of both memory expansions.
    pub memory_gas: u64,
}

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

/// The address in the low 20 bytes of `word`.
pub fn address_of_word(word: U256) -> Address {
    Address::from_word(word.to_be_bytes::<32>().into())
}

impl<F: PrimeField> CallArgs<F> {
    /// Makes the shared accesses and checks; `passed_on` also reads the caller's own
    /// `CallerAddress` and `Value` after `IsStatic`; `refused` (a callee that fails its
    /// pre-checks) drops the check that the depth is below the limit.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        has_value: bool,
        passed_on: bool,
        refused: bool,
    ) -> (Self, CallOperands<F>) {
        let step = cb.step();
        let (first, second) = call_opcodes(has_value);
        let is_second = cb.query_bool("is_second is boolean");
        cb.require_equal(
            "opcode = first + is_second·(second - first)",
            cb.opcode(),
            c(u64::from(first)) + is_second.expr() * c(u64::from(second - first)),
        );
        let (gas, to) = (cb.stack_pop(), cb.stack_pop());
        let value = has_value.then(|| cb.stack_pop());
        let [in_offset, in_size, out_offset, out_size] = [(); 4].map(|()| cb.stack_pop());
        let success = cb.stack_push();
        cb.require_zero("success.hi = 0", success.hi.clone());
        cb.require_boolean("success is boolean", success.lo.clone());
        let access = AccountAccess::configure_popped(cb, to.clone());
        let depth = cb.call_context_lookup(C::Depth);
        let own = cb.call_context_lookup(C::CalleeAddress);
        let is_static = cb.call_context_lookup(C::IsStatic);
        let passed_on = passed_on.then(|| PassedOn {
            caller: cb.call_context_lookup(C::CallerAddress),
            value: cb.call_context_lookup(C::Value),
        });
        let own_address = address_expr(&own);
        let own_balance = cb.account_read(own_address.clone(), AccountField::Balance);

        let value_is_zero = value
            .clone()
            .map(|value| WordIsZero::configure(cb, "value", value));
        let transfers = value_is_zero
            .as_ref()
            .map_or_else(|| c(0), |z| c::<F>(1) - z.expr());
        // Only CALL refuses a value in a static context (CALLCODE keeps it in the caller).
        let moves_value = has_value.then(|| {
            let moves = cb.query_cell();
            cb.require_equal(
                "moves_value = (1 - is_second)·[value ≠ 0]",
                moves.expr(),
                (c::<F>(1) - is_second.expr()) * transfers.clone(),
            );
            cb.require_zero(
                "is_static·moves_value = 0",
                is_static.lo.clone() * moves.expr(),
            );
            moves
        });
        let depth_ok =
            (!refused).then(|| LessThan::configure(cb, "depth < 1024", depth.lo.clone(), c(1024)));

        // Memory: the arguments, then the return area from the size the first left.
        let in_range = MemoryExpansion::configure_range(cb, in_offset, in_size.clone());
        let out_range = MemoryExpansion::configure_range_from(
            cb,
            out_offset,
            out_size.clone(),
            in_range.new_size(),
        );
        let memory_gas =
            in_range.gas(step.memory_word_size.clone()) + out_range.gas(in_range.new_size());
        let to_address = Word::new(
            to.lo.clone(),
            expr_from_le_bytes(
                &access.hi_bytes[..4]
                    .iter()
                    .map(Cell::expr)
                    .collect::<Vec<_>>(),
            ),
        );
        let operands = CallOperands {
            gas,
            to,
            to_address,
            value,
            in_size,
            out_size,
            success,
            depth,
            own,
            own_address,
            is_static,
            own_balance,
            passed_on,
            transfers,
            memory_gas,
        };
        let args = Self {
            is_second,
            access,
            value_is_zero,
            moves_value,
            depth_ok,
            in_range,
            out_range,
        };
        (args, operands)
    }

    /// Assigns the shared cells from the step's accesses `rws`.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        step: &ExecStep,
        rws: &[Rw],
        has_value: bool,
    ) -> Result<CallFacts, Error> {
        let v = |i: usize| rws.get(i).map(|rw| rw.value).ok_or(Error::Synthesis);
        let (first, second) = call_opcodes(has_value);
        let is_second = match step.opcode {
            Some(op) if op == first => false,
            Some(op) if op == second => true,
            _ => return Err(Error::Synthesis),
        };
        self.is_second
            .assign(region, F::from(u64::from(is_second)))?;
        let p = call_pops(has_value);
        let to = v(1)?;
        let value = if has_value { v(2)? } else { U256::ZERO };
        let [in_offset, in_size, out_offset, out_size] = [p - 4, p - 3, p - 2, p - 1].map(v);
        let was_warm = !rws.get(p + 2).ok_or(Error::Synthesis)?.value_prev.is_zero();
        let own = address_of_word(v(p + 4)?);
        self.access.assign(region, to)?;
        let transfers = match &self.value_is_zero {
            Some(z) => !z.assign(region, word_of(value))?,
            None => false,
        };
        if let Some(moves) = &self.moves_value {
            moves.assign(region, F::from(u64::from(transfers && !is_second)))?;
        }
        let depth = u64::try_from(v(p + 3)?).map_err(|_| Error::Synthesis)?;
        if let Some(depth_ok) = &self.depth_ok {
            depth_ok.assign(region, depth, 1024)?;
        }

        let cur = step.memory_word_size;
        let mid = self
            .in_range
            .assign_range(region, in_offset?, in_size?, cur)?;
        let new = self
            .out_range
            .assign_range(region, out_offset?, out_size?, mid)?;
        let cost_of = |w: u64| 3 * w + w * w / 512;
        Ok(CallFacts {
            is_second,
            to: address_of_word(to),
            own,
            value,
            transfers,
            was_warm,
            memory_word_size: new,
            memory_gas: cost_of(new) - cost_of(cur),
        })
    }
}

/// The value CALL or CALLCODE moves: to `to` for CALL, to the caller itself for CALLCODE.
///
/// ```text
/// "receiver = to + is_second·(own - to)"
/// value ≠ 0 (optional rws, the step's last): ValueTransfer own → receiver in `scope`
/// ```
#[derive(Clone, Debug)]
pub struct CallTransfer<F: PrimeField> {
    /// The receiver's address.
    pub receiver: Cell<F>,
    /// The transfer's accesses and arithmetic.
    pub transfer: ValueTransfer<F>,
}

impl<F: PrimeField> CallTransfer<F> {
    /// The transfer of a call with a value operand (`None` without one), its writes undone
    /// in `scope`.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        args: &CallArgs<F>,
        ops: &CallOperands<F>,
        scope: &Reversion<F>,
    ) -> Option<Self> {
        let value = ops.value.clone()?;
        let receiver = cb.query_cell();
        let to = args.access.address.clone();
        cb.require_equal(
            "receiver = to + is_second·(own - to)",
            receiver.expr(),
            to.clone() + args.is_second.expr() * (ops.own_address.clone() - to),
        );
        let transfer = cb.optional_rw_accesses(ops.transfers.clone(), |cb| {
            ValueTransfer::configure(cb, ops.own_address.clone(), receiver.expr(), value, scope)
        });
        transfer.require_boolean_carries(cb);
        Some(Self { receiver, transfer })
    }

    /// Assigns the transfer of a call whose accesses are `rws`, the transfer's writes at
    /// `total + 1` and `total + 2` when it moves a value.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        facts: &CallFacts,
        rws: &[Rw],
        total: usize,
    ) -> Result<(), Error> {
        let paid = if facts.is_second { facts.own } else { facts.to };
        self.receiver.assign(region, address_field(paid))?;
        let writes = match (facts.transfers, rws.get(total + 1), rws.get(total + 2)) {
            (true, Some(from), Some(to)) => Some((from, to)),
            (true, _, _) => return Err(Error::Synthesis),
            _ => None,
        };
        self.transfer.assign(region, writes, facts.value)
    }
}
