//! ExpRound: one round of an EXP step's square-and-multiply chain (a circuit-only state,
//! assigned after the EXP step, one round per bit of the exponent, lowest bit first).
//!
//! With the chain state `(pow, acc, rem, result)` (see `exp_chain.rs`):
//!
//! ```text
//! "rem ≠ 0: rem.lo·inv_lo + rem.hi·inv_hi = 1"
//! bit, c, is_last boolean
//! "rem.lo + c·2^128 = 2·(1 - is_last)·next.rem.lo + bit"
//! "rem.hi = 2·(1 - is_last)·next.rem.hi + c"
//! MulAddWords low (pow·pow = sq mod 2^256), MulAddWords low (acc·pow = prod mod 2^256)
//!                                                      sq, prod: 32 byte cells each
//! "new_acc = bit·prod + (1 - bit)·acc"                  (lo, hi; plain cells)
//! "is_last·(result - new_acc) = 0"                      (lo, hi)
//! no transaction boundary next (the code goes on after the chain)
//! if 1 - is_last: next state is ExpRound,
//!     next.pow = sq, next.acc = new_acc, next.result = result
//! transition: nothing changes
//! ```
//! Soundness. `rem` and the next round's `rem` are byte cells, so the halving holds over
//! the integers: `rem = 2·rem' + bit` with `rem' = next.rem` (or 0 on the last round). A
//! last round has `rem = bit` and `rem ≠ 0`, so `rem = 1`: the chain cannot stop early,
//! and, as `rem` halves each round and never reaches 0, it cannot run on either (at most
//! 256 rounds). Each round keeps `acc·pow^rem` unchanged mod `2^256`
//! (`acc·pow^(2r'+bit) = (acc·pow^bit)·(pow²)^r'`), which EXP starts at
//! `1·base^exponent`; on the last round (`rem = 1`) it is `new_acc`, which must equal the
//! result EXP pushed. A round placed anywhere else changes nothing: it has no rw access and
//! keeps every step-state field.
//!
//! Cost per round (`equivm stats`): 20 rows, 196 byte cells.

use super::{ExecutionGadget, ExpChainCells, MulAddWords};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    constraint_builder::{ConstraintBuilder, StepStateTransition, Transition},
};
use equivm_gadgets::{util::pow2, Word};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

use super::mul_add::{assign_word_bytes, word_of_bytes};

/// ExpRound.
#[derive(Clone, Debug)]
pub struct ExpRoundGadget<F: PrimeField> {
    /// The round's chain state.
    pub chain: ExpChainCells<F>,
    /// Inverse of `rem.lo` (or 0).
    pub inv_lo: Cell<F>,
    /// Inverse of `rem.hi` (when `rem.lo` is 0).
    pub inv_hi: Cell<F>,
    /// The exponent bit this round takes: `rem mod 2`.
    pub bit: Cell<F>,
    /// Bit 0 of `rem.hi` (it moves into `rem'.lo`'s top bit).
    pub carry: Cell<F>,
    /// 1 on the last round (`rem = 1`).
    pub is_last: Cell<F>,
    /// `pow² mod 2^256`, 32 bytes.
    pub sq_bytes: [Cell<F>; 32],
    /// `pow·pow = sq`.
    pub square: MulAddWords<F>,
    /// `acc·pow mod 2^256`, 32 bytes.
    pub prod_bytes: [Cell<F>; 32],
    /// `acc·pow = prod`.
    pub multiply: MulAddWords<F>,
    /// `bit ? prod : acc` (lo, hi).
    pub new_acc: [Cell<F>; 2],
}

impl<F: PrimeField> ExecutionGadget<F> for ExpRoundGadget<F> {
    const NAME: &'static str = "EXP_ROUND";
    const STATE: ExecutionState = ExecutionState::ExpRound;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let chain = ExpChainCells::query(cb);
        let [_, acc, rem, result] = chain.words();
        let inv_lo = cb.query_cell();
        let inv_hi = cb.query_cell();
        cb.require_equal(
            "rem ≠ 0: rem.lo·inv_lo + rem.hi·inv_hi = 1",
            rem.lo.clone() * inv_lo.expr() + rem.hi.clone() * inv_hi.expr(),
            c(1),
        );
        let bit = cb.query_bool("bit is boolean");
        let carry = cb.query_bool("c is boolean");
        let is_last = cb.query_bool("is_last is boolean");
        let more = c(1) - is_last.expr();
        {
            let (chain, more, bit, carry) = (chain.clone(), more.clone(), bit.expr(), carry.expr());
            let rem_lo = rem.lo.clone();
            cb.require_next(
                "rem.lo + c·2^128 = 2·(1 - is_last)·next.rem.lo + bit",
                move |next| {
                    let nxt = chain.next_words(next);
                    rem_lo + carry * Expression::Constant(pow2::<F>(128))
                        - c(2) * more * nxt[2].lo.clone()
                        - bit
                },
            );
        }
        {
            let (chain, more, carry) = (chain.clone(), more.clone(), carry.expr());
            let rem_hi = rem.hi.clone();
            cb.require_next("rem.hi = 2·(1 - is_last)·next.rem.hi + c", move |next| {
                let nxt = chain.next_words(next);
                rem_hi - c(2) * more * nxt[2].hi.clone() - carry
            });
        }

        let zero = || Word::new(c(0), c(0));
        let sq_bytes = cb.query_bytes::<32>();
        let square = MulAddWords::configure_low(
            cb,
            "pow·pow = sq",
            chain.pow.clone(),
            chain.pow.clone(),
            zero(),
            word_of_bytes(&sq_bytes),
        );
        let prod_bytes = cb.query_bytes::<32>();
        let prod = word_of_bytes(&prod_bytes);
        let multiply = MulAddWords::configure_low(
            cb,
            "acc·pow = prod",
            chain.acc.clone(),
            chain.pow.clone(),
            zero(),
            prod.clone(),
        );
        let new_acc = [cb.query_cell(), cb.query_cell()];
        let b = bit.expr();
        cb.require_equal(
            "new_acc.lo = bit·prod.lo + (1 - bit)·acc.lo",
            new_acc[0].expr(),
            b.clone() * prod.lo + (c(1) - b.clone()) * acc.lo,
        );
        cb.require_equal(
            "new_acc.hi = bit·prod.hi + (1 - bit)·acc.hi",
            new_acc[1].expr(),
            b.clone() * prod.hi + (c(1) - b) * acc.hi,
        );
        cb.require_zero(
            "is_last·(result.lo - new_acc.lo) = 0",
            is_last.expr() * (result.lo - new_acc[0].expr()),
        );
        cb.require_zero(
            "is_last·(result.hi - new_acc.hi) = 0",
            is_last.expr() * (result.hi - new_acc[1].expr()),
        );
        cb.require_next_state_if(more.clone(), ExecutionState::ExpRound);
        // The code goes on after the chain.
        cb.require_next_not_boundary();
        cb.condition(more, |cb| {
            let sq = word_of_bytes(&sq_bytes);
            let targets = [
                ("next.pow = sq", 0, sq),
                (
                    "next.acc = new_acc",
                    1,
                    Word::new(new_acc[0].expr(), new_acc[1].expr()),
                ),
                ("next.result = result", 3, chain.words()[3].clone()),
            ];
            for (name, k, value) in targets {
                for (limb, v) in [("lo", value.lo), ("hi", value.hi)] {
                    let chain = chain.clone();
                    cb.require_next(&format!("{name} ({limb})"), move |next| {
                        let w = &chain.next_words(next)[k];
                        let n = if limb == "lo" {
                            w.lo.clone()
                        } else {
                            w.hi.clone()
                        };
                        n - v
                    });
                }
            }
        });
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Same,
            call_id: Transition::Same,
            is_root: Transition::Same,
            is_create: Transition::Same,
            code_hash: Transition::Same,
            program_counter: Transition::Same,
            stack_pointer: Transition::Same,
            gas_left: Transition::Same,
            memory_word_size: Transition::Same,
            reversible_write_counter: Transition::Same,
            log_id: Transition::Same,
            tx_id: Transition::Same,
            refund: Transition::Same,
            is_persistent: Transition::Same,
            rw_counter_end_of_reversion: Transition::Same,
        });
        Self {
            chain,
            inv_lo,
            inv_hi,
            bit,
            carry,
            is_last,
            sq_bytes,
            square,
            prod_bytes,
            multiply,
            new_acc,
        }
    }

    /// Rounds are assigned by [`Self::assign_round`], from their EXP step.
    fn assign(
        &self,
        _region: &mut StepRegion<'_, '_, F>,
        _witness: &Witness,
        _step: &ExecStep,
    ) -> Result<(), Error> {
        Err(Error::Synthesis)
    }
}

/// One round's chain state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpRoundState {
    /// `base^(2^i)`.
    pub pow: U256,
    /// The product so far.
    pub acc: U256,
    /// The exponent bits not yet taken.
    pub rem: U256,
}

impl<F: PrimeField> ExpRoundGadget<F> {
    /// Assigns a round from its state and the pushed `result`; returns the next round's
    /// state (its `rem` is 0 after the last round).
    pub fn assign_round(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        round: ExpRoundState,
        result: U256,
    ) -> Result<ExpRoundState, Error> {
        let ExpRoundState { pow, acc, rem } = round;
        self.chain.assign(region, pow, acc, rem, word_of(result))?;
        let r = word_of::<F>(rem);
        let inv = |v: F| v.invert().unwrap_or(F::ZERO);
        let (inv_lo, inv_hi) = if bool::from(r.lo.is_zero()) {
            (F::ZERO, inv(r.hi))
        } else {
            (inv(r.lo), F::ZERO)
        };
        self.inv_lo.assign(region, inv_lo)?;
        self.inv_hi.assign(region, inv_hi)?;
        let bit = rem.bit(0);
        let flag = |b: bool| F::from(u64::from(b));
        self.bit.assign(region, flag(bit))?;
        self.carry.assign(region, flag(rem.bit(128)))?;
        let half: U256 = rem >> 1usize;
        self.is_last.assign(region, flag(half.is_zero()))?;
        let sq = pow.wrapping_mul(pow);
        assign_word_bytes(&self.sq_bytes, region, sq)?;
        self.square.assign_carries(region, pow, pow, U256::ZERO)?;
        let prod = acc.wrapping_mul(pow);
        assign_word_bytes(&self.prod_bytes, region, prod)?;
        self.multiply.assign_carries(region, acc, pow, U256::ZERO)?;
        let new_acc = if bit { prod } else { acc };
        let w = word_of::<F>(new_acc);
        self.new_acc[0].assign(region, w.lo)?;
        self.new_acc[1].assign(region, w.hi)?;
        Ok(ExpRoundState {
            pow: sq,
            acc: new_acc,
            rem: half,
        })
    }
}
