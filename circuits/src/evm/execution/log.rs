//! LOG0..LOG4: pops a memory range and `n` topics and, when the call is persistent, appends
//! a log (the call's address, the topics and the range's bytes) to the tx's logs.
//!
//! ```text
//! sel = OpcodeSelect(LOG0..LOG4), n = Σ sel_m·m, t_i = Σ_{m>i} sel_m   (topic i popped)
//! offset = pop (rw 0), size = pop (rw 1)
//! topic_i = pop, switched by t_i                                   (rows 2..6, i < 4)
//! call context TxId, CalleeAddress, IsStatic = 0, IsPersistent = p (rows 6..10)
//!   "p boolean", "IsPersistent.hi = 0"
//! p ⇒ write (TxLog, tx_id, key log_id + 1, Address, 0) = CalleeAddress   (row 10)
//! w_i = p·t_i ⇒ write (TxLog, tx_id, key log_id + 1, Topic, i) = topic_i (rows 11..15)
//! size_is_zero = WordIsZero(size), nz = 1 - size_is_zero
//! "size.hi = 0", "size.lo = Σ_{j<4} size_byte_j·256^j"                  size < 2^32
//! "nz·offset.hi = 0", "nz·offset.lo = Σ_{j<4} offset_byte_j·256^j"      offset_eff
//! MemoryExpansion::configure_with_len(offset_eff, size)
//! copy_on = p·nz, log_bytes = p·size
//! copy lookup (enable = copy_on):
//!   (Memory, call_id, offset_eff, offset_eff + size, TxLog, tx_id, 0, size,
//!    rw_counter + own accesses, 2·size, log_id + 1)
//! rw_counter + own + 2·log_bytes; gas: 375 + 375·n + 8·size + expansion;
//! log_id + p; pc + 1, stack pointer + 2 + n
//! ```
//!
//! Soundness. `sel` is one-hot, so `n` is the opcode's topic count and `t_i = [i < n]`: the
//! step pops exactly `2 + n` items, and each switched access that is off takes no rw
//! counter, so the following accesses and the copy start at the counters the witness gave
//! them. A non-persistent call (the tx or a caller reverts) writes nothing and reads no
//! memory: its logs must not reach the receipt, and it still pays for the memory it grows
//! and the bytes it would have logged. A persistent one writes the log under the next log
//! id, which the transition then takes (EndTx binds the last one to the receipt's log
//! count), and the copy circuit proves that data byte `i` of that log is memory byte
//! `offset_eff + i` of this call. A size of `2^32` or more costs more gas than a block holds
//! (an out-of-gas step, not this one). With `size = 0` the offset is 0, nothing grows, and
//! the lookup matches the copy table's zero row.

use super::{
    common_error::assign_le_bytes,
    memory_expansion::MemoryExpansion,
    tx_arith::{assign_copy_lookup, copy_event_at},
    DynamicCost, ExecutionGadget, OpcodeSelect, SameContext, SideEffects, WordIsZero,
};
use crate::evm::{
    assign::{word_of, StepRegion},
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, RwRowColumns},
};
use crate::table::{copy::copy_data_type_number, CopyTableRow};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{
    CallContextField, CopyDataType, ExecStep, ExecutionState, TxLogField, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Most topics a log has.
const MAX_TOPICS: usize = 4;
/// Rw rows of the step: 2 + 4 pops, 4 call-context reads, the address and 4 topic writes.
const RW_ROWS: usize = 2 + MAX_TOPICS + 4 + 1 + MAX_TOPICS;

/// LOG0..LOG4.
#[derive(Clone, Debug)]
pub struct LogGadget<F: PrimeField> {
    context: ContextColumns,
    rw_rows: RwRowColumns,
    /// Which LOG the step runs.
    pub select: OpcodeSelect<F, 5>,
    /// `w_i = p·t_i`: topic `i` is written.
    pub topic_written: [Cell<F>; MAX_TOPICS],
    /// `[size = 0]`.
    pub size_is_zero: WordIsZero<F>,
    /// `size.lo`, little-endian.
    pub size_bytes: [Cell<F>; 4],
    /// `offset_eff`, little-endian.
    pub offset_bytes: [Cell<F>; 4],
    /// `p·nz`: the data is copied.
    pub copy_on: Cell<F>,
    /// `p·size`: the data bytes logged.
    pub log_bytes: Cell<F>,
    /// The memory the range reaches.
    pub expansion: MemoryExpansion<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for LogGadget<F> {
    const NAME: &'static str = "LOG";
    const STATE: ExecutionState = ExecutionState::Log;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let le = |cells: &[Cell<F>]| {
            expr_from_le_bytes(&cells.iter().map(Cell::expr).collect::<Vec<_>>())
        };
        let step = cb.step();
        let select = OpcodeSelect::configure(cb, [0xa0, 0xa1, 0xa2, 0xa3, 0xa4]);
        let n = select.pick([0, 1, 2, 3, 4]);
        let popped: [Expression<F>; MAX_TOPICS] = std::array::from_fn(|i| {
            select.sel[i + 1..]
                .iter()
                .fold(c(0), |acc, s| acc + s.expr())
        });

        let offset = cb.stack_pop();
        let size = cb.stack_pop();
        let topics: Vec<Word<Expression<F>>> = popped
            .iter()
            .map(|t| cb.switched_rw_accesses(t.clone(), |cb| cb.stack_pop()))
            .collect();
        let tx_id = cb.call_context_lookup(CallContextField::TxId);
        let address = cb.call_context_lookup(CallContextField::CalleeAddress);
        let is_static = cb.call_context_lookup(CallContextField::IsStatic);
        cb.require_equal_word("IsStatic = 0", is_static, Word::new(c(0), c(0)));
        let persistent = cb.call_context_lookup(CallContextField::IsPersistent);
        cb.require_zero("IsPersistent.hi = 0", persistent.hi);
        let p = persistent.lo;
        cb.require_boolean("IsPersistent is boolean", p.clone());

        let log_id = step.log_id.clone() + c(1);
        cb.switched_rw_accesses(p.clone(), |cb| {
            let value =
                cb.tx_log_write(tx_id.lo.clone(), log_id.clone(), TxLogField::Address, c(0));
            cb.require_equal_word("log address = CalleeAddress", value, address);
        });
        let topic_written: [Cell<F>; MAX_TOPICS] = std::array::from_fn(|_| cb.query_cell());
        for (i, (w, t)) in topic_written.iter().zip(&popped).enumerate() {
            cb.require_equal(&format!("w_{i} = p·t_{i}"), w.expr(), p.clone() * t.clone());
            let topic = topics[i].clone();
            cb.switched_rw_accesses(w.expr(), |cb| {
                let value = cb.tx_log_write(
                    tx_id.lo.clone(),
                    log_id.clone(),
                    TxLogField::Topic,
                    c(i as u64),
                );
                cb.require_equal_word(&format!("log topic {i} = popped topic {i}"), value, topic);
            });
        }
        let own_rws = cb.rw_counter_delta();

        let size_is_zero = WordIsZero::configure(cb, "size", size.clone());
        let size_bytes = cb.query_bytes::<4>();
        cb.require_zero("size.hi = 0", size.hi);
        let size_value = le(&size_bytes);
        cb.require_equal(
            "size.lo = Σ_{j<4} size_byte_j·256^j",
            size.lo,
            size_value.clone(),
        );
        let nz = c(1) - size_is_zero.expr();
        let offset_bytes = cb.query_bytes::<4>();
        cb.require_zero("nz·offset.hi = 0", nz.clone() * offset.hi);
        cb.require_equal(
            "nz·offset.lo = Σ_{j<4} offset_byte_j·256^j",
            nz.clone() * offset.lo,
            le(&offset_bytes),
        );
        let offset_eff = le(&offset_bytes);
        let expansion = MemoryExpansion::configure_with_len(
            cb,
            Word::new(offset_eff.clone(), c(0)),
            size_value.clone(),
        );

        let copy_on = cb.query_cell();
        cb.require_equal("copy_on = p·nz", copy_on.expr(), p.clone() * nz);
        let log_bytes = cb.query_cell();
        cb.require_equal(
            "log_bytes = p·size",
            log_bytes.expr(),
            p.clone() * size_value.clone(),
        );
        let claim = CopyTableRow {
            src_type: c(copy_data_type_number(CopyDataType::Memory)),
            src_id: Word::new(step.call_id.clone(), c(0)),
            src_addr: offset_eff.clone(),
            src_addr_end: offset_eff.clone() + size_value.clone(),
            dst_type: c(copy_data_type_number(CopyDataType::TxLog)),
            dst_id: Word::new(tx_id.lo.clone(), c(0)),
            dst_addr: c(0),
            length: size_value.clone(),
            rw_counter_start: step.rw_counter.clone() + own_rws,
            rw_count: c(2) * size_value.clone(),
            log_id: log_id.clone(),
        };
        cb.copy_lookup(copy_on.expr(), claim);
        cb.add_rw_counter_delta(c(2) * log_bytes.expr());

        let gas = c(375) * n + c(8) * size_value + expansion.gas(step.memory_word_size.clone());
        let same_context = SameContext::configure_with_effects(
            cb,
            c(1),
            Some(DynamicCost {
                gas,
                memory_word_size: expansion.new_size(),
            }),
            SideEffects {
                logs: p,
                ..SideEffects::none()
            },
        );
        Self {
            context: cb.context_columns(),
            rw_rows: cb.rw_row_columns(),
            select,
            topic_written,
            size_is_zero,
            size_bytes,
            offset_bytes,
            copy_on,
            log_bytes,
            expansion,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let n = self.select.assign(region, step.opcode)?;
        let rws = witness.step_rws(step);
        let rw = |i: usize| rws.get(i).ok_or(Error::Synthesis);
        let persistent_rw = rw(2 + n + 3)?;
        let persistent = !persistent_rw.value.is_zero();
        let own = 2 + n + 4 + if persistent { 1 + n } else { 0 };
        // Row r of the rw group and the entry it holds.
        let mut rows: Vec<Option<usize>> = vec![None; RW_ROWS];
        for (r, slot) in rows.iter_mut().enumerate() {
            *slot = match r {
                0 | 1 => Some(r),
                2..=5 => (r - 2 < n).then_some(r),
                6..=9 => Some(n + r - 4),
                10 => persistent.then_some(2 + n + 4),
                _ => (persistent && r - 11 < n).then_some(2 + n + 5 + (r - 11)),
            };
        }
        for (r, slot) in rows.iter().enumerate() {
            let entry = slot.map(rw).transpose()?;
            self.rw_rows.assign(region, r, entry)?;
        }
        for (i, cell) in self.topic_written.iter().enumerate() {
            cell.assign(region, F::from(u64::from(persistent && i < n)))?;
        }

        let (offset, size) = (rw(0)?.value, rw(1)?.value);
        self.size_is_zero.assign(region, word_of(size))?;
        let size = u64::from(u32::try_from(size).map_err(|_| Error::Synthesis)?);
        assign_le_bytes(&self.size_bytes, region, size)?;
        let offset = if size == 0 {
            0
        } else {
            u64::from(u32::try_from(offset).map_err(|_| Error::Synthesis)?)
        };
        assign_le_bytes(&self.offset_bytes, region, offset)?;
        self.expansion
            .assign_with_len(region, offset, size, step.memory_word_size)?;
        self.copy_on
            .assign(region, F::from(u64::from(persistent && size > 0)))?;
        self.log_bytes
            .assign(region, F::from(if persistent { size } else { 0 }))?;

        let claim = if persistent && size > 0 {
            let start = step.rw_counter + own as u64;
            let event = copy_event_at(witness, start, CopyDataType::TxLog)?;
            let call = Word::new(u128::from(event.src_id), 0);
            let tx = Word::new(u128::from(event.dst_id), 0);
            Some(CopyTableRow::from_event(event, call, tx).map_err(|_| Error::Synthesis)?)
        } else {
            None
        };
        assign_copy_lookup(region, &self.context, 0, claim)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests;
