//! Replays the rw log alone and checks it against the trace — a software state circuit.
//!
//! Starting from a fresh state (storage and accounts from `trace.pre_state`, everything else
//! zero), [`replay_check`] walks the steps and their rw entries in `rw_counter` order and
//! checks: (a) every read returns the latest value and every write's `value_prev` is the
//! value it replaces (storage writes also carry the tx-start `committed_value`); (b) per
//! executed step, stack reads equal `stack_in`, pushes equal `stack_out` (non-halting
//! steps), the stack pointer is `1024 - stack_len`, memory reads and writes of the step's own
//! call equal `memory_read` / `memory_written`, storage accesses see `storage.value`, and
//! warm flags agree with the replayed access lists; (c) after the last tx, accounts and
//! storage equal `trace.post_state`, and each tx's logs equal its recorded logs; (d) counters
//! run 1, 2, 3, ... and every entry belongs to exactly one step.

use crate::error::ReplayError;
use crate::opcodes::opcode_info;
use crate::rw::{AccountField, Rw, RwField, RwTag, TxLogField};
use crate::state::{b256_to_u256, code_hash_of, StateValues};
use crate::witness::{ExecStep, Witness};
use equivm_trace::revm::primitives::{Address, B256, KECCAK_EMPTY, U256};
use equivm_trace::{BlockTrace, LogEntry, MemoryChunk, Step};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

/// A log rebuilt from log entries: address, topics, data.
type RebuiltLog = (Address, Vec<B256>, Vec<u8>);
use std::collections::BTreeMap;

/// What the replay saw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayStats {
    /// Witness steps replayed.
    pub steps: usize,
    /// Rw entries by tag.
    pub rws_by_tag: BTreeMap<RwTag, usize>,
}

/// Replays `witness.rws` and checks them against `trace`; see the module docs.
pub fn replay_check(trace: &BlockTrace, witness: &Witness) -> Result<ReplayStats, ReplayError> {
    let mut r = Replay {
        trace,
        state: StateValues::new(trace),
        committed: HashMap::default(),
        logs: BTreeMap::new(),
        stats: ReplayStats::default(),
    };
    for (i, rw) in witness.rws.iter().enumerate() {
        if rw.rw_counter != i as u64 + 1 {
            return Err(ReplayError::Malformed(format!(
                "rw at position {i} has counter {}, expected {}",
                rw.rw_counter,
                i + 1
            )));
        }
    }
    let mut next = 1u64;
    let mut current_tx = usize::MAX;
    for step in &witness.steps {
        if step.rw_counter != next {
            return Err(ReplayError::Malformed(format!(
                "step {:?} of tx {} starts at rw {} but the previous step ended at {}",
                step.execution_state, step.tx_index, step.rw_counter, next
            )));
        }
        let rws = witness.step_rws(step);
        if rws.len() as u64 != step.rw_count {
            return Err(ReplayError::Malformed(format!(
                "step at rw {} claims {} entries, log has {}",
                step.rw_counter,
                step.rw_count,
                rws.len()
            )));
        }
        next += step.rw_count;
        if step.tx_index != current_tx && step.tx_index < trace.txs.len() {
            current_tx = step.tx_index;
            r.committed.clear();
        }
        r.replay_step(step, rws)?;
        r.stats.steps += 1;
    }
    if next != witness.rws.len() as u64 + 1 {
        return Err(ReplayError::Malformed(format!(
            "steps cover {} rw entries of {}",
            next - 1,
            witness.rws.len()
        )));
    }
    r.check_logs()?;
    r.check_post_state()?;
    Ok(r.stats)
}

struct Replay<'t> {
    trace: &'t BlockTrace,
    state: StateValues,
    committed: HashMap<(Address, U256), U256>,
    /// Logs rebuilt from the log entries: (address, topics, data) by (tx id, log id).
    logs: BTreeMap<(u64, u64), RebuiltLog>,
    stats: ReplayStats,
}

/// Context for error messages.
struct Where<'a> {
    step: &'a ExecStep,
}

impl Where<'_> {
    fn err(
        &self,
        rw: Option<&Rw>,
        what: impl Into<String>,
        expected: String,
        actual: String,
    ) -> ReplayError {
        ReplayError::Mismatch {
            tx: self.step.tx_index,
            step: self.step.step_index,
            pc: self.step.pc,
            opcode: self.step.opcode.unwrap_or(0),
            rw_counter: rw.map(|rw| rw.rw_counter),
            what: what.into(),
            expected,
            actual,
        }
    }
}

impl Replay<'_> {
    fn replay_step(&mut self, step: &ExecStep, rws: &[Rw]) -> Result<(), ReplayError> {
        let at = Where { step };
        let trace_step = match step.step_index {
            Some(i) => {
                let tx = self.trace.txs.get(step.tx_index).ok_or_else(|| {
                    ReplayError::Malformed(format!("step names unknown tx {}", step.tx_index))
                })?;
                let st = tx.steps.get(i).ok_or_else(|| {
                    ReplayError::Malformed(format!("step names unknown trace step {i}"))
                })?;
                Some(st)
            }
            None => None,
        };
        if let Some(st) = trace_step {
            let sp = 1024u64.saturating_sub(u64::from(st.stack_len));
            if step.stack_pointer != sp {
                return Err(at.err(
                    None,
                    "stack pointer",
                    sp.to_string(),
                    step.stack_pointer.to_string(),
                ));
            }
            if step.pc != st.pc || step.opcode != Some(st.opcode) {
                return Err(at.err(
                    None,
                    "pc/opcode",
                    format!("{}/{}", st.pc, st.opcode),
                    format!("{}/{:?}", step.pc, step.opcode),
                ));
            }
        }
        let mut seen = Seen::default();
        for rw in rws {
            *self.stats.rws_by_tag.entry(rw.tag).or_default() += 1;
            let key = rw.state_key();
            let current = self.state.get(&key);
            if rw.is_write {
                if rw.value_prev != current {
                    return Err(at.err(
                        Some(rw),
                        format!("{:?} write value_prev", rw.tag),
                        current.to_string(),
                        rw.value_prev.to_string(),
                    ));
                }
            } else if rw.value != current {
                return Err(at.err(
                    Some(rw),
                    format!("{:?} read", rw.tag),
                    current.to_string(),
                    rw.value.to_string(),
                ));
            }
            if rw.tag == RwTag::Storage {
                let committed = *self
                    .committed
                    .entry((rw.address, rw.key))
                    .or_insert(current);
                if rw.committed_value != committed {
                    return Err(at.err(
                        Some(rw),
                        "storage committed value",
                        committed.to_string(),
                        rw.committed_value.to_string(),
                    ));
                }
            }
            if let Some(st) = trace_step {
                check_against_trace(&at, step, st, rw, current, &mut seen)?;
            }
            if rw.is_write {
                self.state.set(key, rw.value);
                if rw.tag == RwTag::TxLog {
                    self.record_log(rw);
                }
            }
        }
        if let Some(st) = trace_step.filter(|st| st.halt.is_none()) {
            self.check_step_effects(&at, st)?;
        }
        Ok(())
    }

    /// Completeness: after a non-halting step, the replayed stack top, the memory it wrote
    /// and the slot it stored hold what revm recorded (so a missing write is caught too).
    fn check_step_effects(&self, at: &Where, st: &Step) -> Result<(), ReplayError> {
        let info = opcode_info(st.opcode);
        let call_id = at.step.call_id;
        let height_after = u64::from(st.stack_len) + u64::from(info.stack_outputs)
            - u64::from(info.stack_inputs).min(u64::from(st.stack_len));
        let sp_after = 1024u64.saturating_sub(height_after);
        for (j, expected) in st.stack_out.iter().enumerate() {
            let actual = self
                .state
                .get(&Rw::stack(call_id, sp_after + j as u64).state_key());
            if actual != *expected {
                return Err(at.err(
                    None,
                    format!("stack item {j} after the step"),
                    expected.to_string(),
                    actual.to_string(),
                ));
            }
        }
        let is_call = matches!(st.opcode, 0xf1 | 0xf2 | 0xf4 | 0xfa);
        if let Some(c) = st.memory_written.as_ref().filter(|_| !is_call) {
            for (i, expected) in c.data.iter().enumerate() {
                let addr = c.offset + i as u64;
                let actual = self.state.get(&Rw::memory(call_id, addr).state_key());
                if actual != U256::from(*expected) {
                    return Err(at.err(
                        None,
                        format!("memory byte {addr} after the step"),
                        expected.to_string(),
                        actual.to_string(),
                    ));
                }
            }
        }
        if let (Some(acc), 0x55 | 0x5d) = (&st.storage, st.opcode) {
            let rw = if st.opcode == 0x55 {
                Rw::storage(0, acc.address, acc.key)
            } else {
                Rw::transient(at.step.tx_index as u64 + 1, acc.address, acc.key)
            };
            let actual = self.state.get(&rw.state_key());
            let expected = st.stack_in.get(1).copied().unwrap_or_default();
            if actual != expected {
                return Err(at.err(
                    None,
                    "slot after the store",
                    expected.to_string(),
                    actual.to_string(),
                ));
            }
        }
        Ok(())
    }

    fn record_log(&mut self, rw: &Rw) {
        let log_id = u64::try_from(rw.key).unwrap_or(u64::MAX);
        let log = self.logs.entry((rw.id, log_id)).or_default();
        match rw.field {
            RwField::TxLog(TxLogField::Address) => {
                log.0 = crate::state::u256_to_address(rw.value);
            }
            RwField::TxLog(TxLogField::Topic) => {
                log.1.push(B256::from(rw.value.to_be_bytes::<32>()))
            }
            RwField::TxLog(TxLogField::Data) => log.2.push(rw.value.byte(0)),
            _ => {}
        }
    }

    fn check_logs(&self) -> Result<(), ReplayError> {
        for (i, tx) in self.trace.txs.iter().enumerate() {
            let tx_id = i as u64 + 1;
            let ours: Vec<LogEntry> = self
                .logs
                .range((tx_id, 0)..(tx_id + 1, 0))
                .map(|(_, (address, topics, data))| LogEntry {
                    address: *address,
                    topics: topics.clone(),
                    data: data.clone().into(),
                })
                .collect();
            let theirs: Vec<LogEntry> = tx.result.logs.clone();
            if ours != theirs {
                return Err(ReplayError::Mismatch {
                    tx: i,
                    step: None,
                    pc: 0,
                    opcode: 0,
                    rw_counter: None,
                    what: "logs".into(),
                    expected: format!("{theirs:?}"),
                    actual: format!("{ours:?}"),
                });
            }
        }
        Ok(())
    }

    fn check_post_state(&self) -> Result<(), ReplayError> {
        let acct = |a: Address, f: AccountField| self.state.account(a, f);
        for (address, post) in &self.trace.post_state {
            let (nonce, balance, hash, storage) = match post {
                Some(acc) => (
                    U256::from(acc.nonce),
                    acc.balance,
                    code_hash_of(acc),
                    Some(&acc.storage),
                ),
                None => (U256::ZERO, U256::ZERO, KECCAK_EMPTY, None),
            };
            let checks = [
                ("nonce", nonce, acct(*address, AccountField::Nonce)),
                ("balance", balance, acct(*address, AccountField::Balance)),
                (
                    "code hash",
                    b256_to_u256(hash),
                    acct(*address, AccountField::CodeHash),
                ),
            ];
            for (what, expected, actual) in checks {
                if expected != actual {
                    return Err(post_err(address, what.to_string(), expected, actual));
                }
            }
            let mut slots = self.state.storage_slots(*address);
            if let Some(st) = storage {
                slots.extend(st.keys().copied());
            }
            for slot in slots {
                let expected = storage
                    .and_then(|s| s.get(&slot).copied())
                    .unwrap_or_default();
                let actual = self.state.storage(*address, slot);
                let known = storage.is_none_or(|s| s.contains_key(&slot));
                if known && expected != actual {
                    return Err(post_err(
                        address,
                        format!("storage slot {slot}"),
                        expected,
                        actual,
                    ));
                }
            }
        }
        Ok(())
    }
}

fn post_err(address: &Address, what: String, expected: U256, actual: U256) -> ReplayError {
    ReplayError::PostState {
        address: address.to_string(),
        what,
        expected: expected.to_string(),
        actual: actual.to_string(),
    }
}

fn chunk_byte(chunk: &MemoryChunk, addr: u64) -> Option<u8> {
    let i = addr.checked_sub(chunk.offset)?;
    chunk.data.get(usize::try_from(i).ok()?).copied()
}

/// Part (b): one rw entry against what revm recorded for the step.
/// Which one-per-step observations have been checked already (later entries of the same
/// cell in the step, such as reversion writes, see other values).
#[derive(Default)]
struct Seen {
    storage: bool,
    slot_warm: bool,
    account_warm: bool,
}

fn check_against_trace(
    at: &Where,
    step: &ExecStep,
    st: &Step,
    rw: &Rw,
    before: U256,
    seen: &mut Seen,
) -> Result<(), ReplayError> {
    let info = opcode_info(st.opcode);
    let sp = 1024u64.saturating_sub(u64::from(st.stack_len));
    let key = u64::try_from(rw.key).unwrap_or(u64::MAX);
    let own = rw.id == step.call_id;
    match rw.tag {
        RwTag::Stack if own && !rw.is_write => {
            let i = key.checked_sub(sp).map(|i| i as usize);
            let expected = i.and_then(|i| st.stack_in.get(i)).copied();
            if expected != Some(rw.value) {
                return Err(at.err(
                    Some(rw),
                    format!("stack read at {key}"),
                    format!("{expected:?}"),
                    rw.value.to_string(),
                ));
            }
        }
        RwTag::Stack if own && st.halt.is_none() => {
            let height_after = i64::from(st.stack_len) - i64::from(info.stack_inputs)
                + i64::from(info.stack_outputs);
            let sp_after = 1024 - height_after;
            let j = i64::try_from(key).unwrap_or(i64::MAX) - sp_after;
            let expected = usize::try_from(j)
                .ok()
                .and_then(|j| st.stack_out.get(j))
                .copied();
            if expected != Some(rw.value) {
                return Err(at.err(
                    Some(rw),
                    format!("stack write at {key}"),
                    format!("{expected:?}"),
                    rw.value.to_string(),
                ));
            }
        }
        RwTag::Memory if own => {
            let chunk = if rw.is_write {
                &st.memory_written
            } else {
                &st.memory_read
            };
            let is_call = matches!(st.opcode, 0xf1 | 0xf2 | 0xf4 | 0xfa);
            match chunk {
                Some(c) => {
                    let expected = chunk_byte(c, key);
                    if expected != Some(rw.value.byte(0)) || rw.value > U256::from(255u8) {
                        let what = if rw.is_write {
                            "memory write"
                        } else {
                            "memory read"
                        };
                        return Err(at.err(
                            Some(rw),
                            format!("{what} at {key}"),
                            format!("{expected:?}"),
                            rw.value.to_string(),
                        ));
                    }
                }
                None if is_call || (!rw.is_write && matches!(st.opcode, 0xf3 | 0xfd)) => {}
                None => {
                    return Err(at.err(
                        Some(rw),
                        format!("memory access at {key}"),
                        "a recorded chunk".into(),
                        "none".into(),
                    ));
                }
            }
        }
        RwTag::Storage | RwTag::TransientStorage => {
            let transient = rw.tag == RwTag::TransientStorage;
            let matches_op = transient == matches!(st.opcode, 0x5c | 0x5d);
            if let Some(acc) = st.storage.as_ref().filter(|_| matches_op && !seen.storage) {
                seen.storage = true;
                if acc.address == rw.address && acc.key == rw.key && before != acc.value {
                    return Err(at.err(
                        Some(rw),
                        format!("{:?} value before", rw.tag),
                        acc.value.to_string(),
                        before.to_string(),
                    ));
                }
            }
        }
        RwTag::TxAccessListAccountStorage if rw.is_write => {
            if let Some(acc) = st
                .storage
                .as_ref()
                .filter(|_| !seen.slot_warm && rw.value == U256::from(1))
            {
                seen.slot_warm = true;
                if acc.address == rw.address && acc.key == rw.key && acc.warm == before.is_zero() {
                    return Err(at.err(
                        Some(rw),
                        "slot warm flag",
                        acc.warm.to_string(),
                        (!before.is_zero()).to_string(),
                    ));
                }
            }
        }
        RwTag::TxAccessListAccount if rw.is_write => {
            if let Some((addr, warm)) = st
                .account_access
                .filter(|_| !seen.account_warm && rw.value == U256::from(1))
            {
                seen.account_warm = true;
                if addr == rw.address && warm == before.is_zero() {
                    return Err(at.err(
                        Some(rw),
                        "account warm flag",
                        warm.to_string(),
                        (!before.is_zero()).to_string(),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
