//! `tamper` mode: soundness checks on cases that pass `mock`. Each mutant changes one thing
//! in an honest super-circuit assignment — a value a proof must not be able to lie about —
//! and MockProver must reject it. A mutant that passes (survives) is a soundness bug, and
//! makes the case `failed`.
//!
//! The mutations ([`MutationKind`]), each at a position drawn from a seeded generator:
//! - `stack-value`, `rw-value`: one access's value changed in both circuits (the EVM
//!   circuit's lookup and the rw table agree on the lie);
//! - `result`: the value a step pushes changed, together with every later access of that
//!   stack slot up to its next write, so the history stays consistent and only the step's
//!   own semantics can catch it;
//! - `gas`, `pc`: a step's `gas_left` or `program_counter` changed;
//! - `swap-rws`: two accesses of one tag and direction exchanged (the EVM steps then see
//!   each other's);
//! - `drop-rw`: one access removed from the rw table;
//! - `add-rw`: one access repeated in the rw table under an unused counter;
//! - `execution-state`: one step selects another execution state;
//! - `code-byte`: one byte of a bytecode changed (kept a byte) in the bytecode table;
//! - `is-code`: one byte's opcode/push-data mark flipped in the bytecode table;
//! - `code-hash`: one bytecode's hash changed on all of its bytecode-table rows.
//!
//! A mutant that the assignment itself refuses (a synthesis error) is counted as
//! `invalid`, not as killed: only the constraints count.
//!
//! The state-test runner checks each mutant against the honest block's public pre-state
//! (the verifier's) and the mutant's own other public inputs, its post-state above all
//! (what a cheating prover would claim): [`crate::mock::mock_check_from_pre_state`]. A
//! mutant that changed only a first read's value would otherwise claim another pre-state,
//! under which its execution may be just as valid: a proof about another block, not a
//! false one about this block.

use equivm_circuits::evm::{assign::Override, step::state_index};
use equivm_circuits::state::StateSpan;
use equivm_circuits::super_circuit::{chunk, SuperCircuit};
use equivm_circuits::table::BytecodeFieldTag;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecutionState, Rw, RwTag};
use halo2_proofs::halo2curves::bn256::Fr;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// What a mutant changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MutationKind {
    /// A stack access's value.
    StackValue,
    /// A non-stack access's value.
    RwValue,
    /// A pushed result, consistently through the log.
    Result,
    /// A step's gas left.
    Gas,
    /// A step's program counter.
    Pc,
    /// Two accesses exchanged.
    SwapRws,
    /// An access removed from the rw table.
    DropRw,
    /// An access added to the rw table.
    AddRw,
    /// A step's execution state.
    ExecutionState,
    /// A bytecode byte in the bytecode table.
    CodeByte,
    /// A byte's is_code mark in the bytecode table.
    IsCode,
    /// A bytecode's hash in the bytecode table.
    CodeHash,
}

impl MutationKind {
    /// Every kind, in the order mutants cycle through them.
    pub const ALL: [MutationKind; 12] = [
        MutationKind::StackValue,
        MutationKind::Result,
        MutationKind::Gas,
        MutationKind::Pc,
        MutationKind::RwValue,
        MutationKind::SwapRws,
        MutationKind::DropRw,
        MutationKind::AddRw,
        MutationKind::ExecutionState,
        MutationKind::CodeByte,
        MutationKind::IsCode,
        MutationKind::CodeHash,
    ];
}

/// The counts of one case's mutants.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutantCounts {
    /// Rejected by the constraints.
    pub killed: usize,
    /// Accepted: soundness bugs.
    pub survived: usize,
    /// Refused by the assignment (not counted either way).
    pub invalid: usize,
    /// What each survivor changed.
    pub survivors: Vec<String>,
}

/// A small deterministic generator (xorshift64*), so runs are reproducible.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

/// Applies `f` to the access with counter `counter` on both sides (witness and rw table).
fn edit_rw(c: &mut SuperCircuit, counter: u64, f: impl Fn(&mut Rw)) {
    if let Some(rw) = c.witness.rws.iter_mut().find(|r| r.rw_counter == counter) {
        f(rw);
    }
    if let Some(rw) = c.state_rows.iter_mut().find(|r| r.rw_counter == counter) {
        f(rw);
    }
}

/// The low 64 bits of `x` (bytecode fields are small).
fn field_to_u64(x: Fr) -> u64 {
    let bytes = x.to_bytes();
    u64::from_le_bytes(bytes[..8].try_into().unwrap_or_default())
}

fn bump(v: U256) -> U256 {
    v.wrapping_add(U256::from(1))
}

/// Builds mutant number `i` of `honest` (kind `MutationKind::ALL[i % 12]`), or `None` when
/// the block has nothing of that kind to change.
///
/// `honest` may be a chunk of a block ([`SuperCircuit::chunk`]): accesses are then drawn
/// among the chunk's own and its boundary rows (a boundary row's value is the state the
/// chunk starts from, which the verifier's pre-state pins), and steps among the chunk's.
pub fn mutant(honest: &SuperCircuit, i: usize, rng: &mut Rng) -> Option<(String, SuperCircuit)> {
    let kind = MutationKind::ALL[i % MutationKind::ALL.len()];
    let mut c = honest.clone();
    let counters = chunk::counters(&honest.witness, honest.steps.clone()).ok()?;
    let rws: Vec<Rw> = honest
        .witness
        .rws
        .iter()
        .filter(|r| counters.contains(&r.rw_counter))
        .cloned()
        .collect();
    let pick = |rng: &mut Rng, f: &dyn Fn(&Rw) -> bool| -> Option<Rw> {
        let candidates: Vec<&Rw> = rws.iter().filter(|r| f(r)).collect();
        (!candidates.is_empty()).then(|| candidates[rng.below(candidates.len())].clone())
    };
    // Steps the EVM circuit assigns before padding (overrides count the assigned steps
    // from the chunk's first).
    let first_step = honest.steps.start;
    let steps = honest.steps.len();
    let what = match kind {
        MutationKind::StackValue | MutationKind::RwValue => {
            let stack = kind == MutationKind::StackValue;
            let boundary: Vec<usize> = (0..c.state_rows.len())
                .filter(|i| {
                    let r = &c.state_rows[*i];
                    r.rw_counter == 0 && (r.tag == RwTag::Stack) == stack
                })
                .collect();
            let accesses = rws
                .iter()
                .filter(|r| (r.tag == RwTag::Stack) == stack)
                .count();
            if accesses + boundary.len() == 0 {
                return None;
            }
            let drawn = rng.below(accesses + boundary.len());
            if let Some(i) = drawn.checked_sub(accesses).map(|j| boundary[j]) {
                let row = &mut c.state_rows[i];
                row.value = bump(row.value);
                row.value_prev = row.value;
                return Some((
                    format!(
                        "{kind:?}: value of the boundary row of {:?} {:?} of {} + 1",
                        row.tag, row.field, row.id
                    ),
                    c,
                ));
            }
            let rw = rws
                .iter()
                .filter(|r| (r.tag == RwTag::Stack) == stack)
                .nth(drawn)?
                .clone();
            edit_rw(&mut c, rw.rw_counter, |r| {
                r.value = bump(r.value);
                if !r.is_write {
                    r.value_prev = r.value;
                }
            });
            format!(
                "{kind:?}: value of rw {} ({:?} {:?} of {}) + 1",
                rw.rw_counter, rw.tag, rw.field, rw.id
            )
        }
        MutationKind::Result => {
            let rw = pick(rng, &|r| r.tag == RwTag::Stack && r.is_write)?;
            let key = rw.state_key();
            let later: Vec<Rw> = rws
                .iter()
                .filter(|r| r.state_key() == key && r.rw_counter > rw.rw_counter)
                .cloned()
                .collect();
            edit_rw(&mut c, rw.rw_counter, |r| r.value = bump(r.value));
            for r in later {
                if r.is_write {
                    edit_rw(&mut c, r.rw_counter, |r| r.value_prev = bump(r.value_prev));
                    break;
                }
                edit_rw(&mut c, r.rw_counter, |r| {
                    r.value = bump(r.value);
                    r.value_prev = r.value;
                });
            }
            format!("Result: stack write rw {} and its reads + 1", rw.rw_counter)
        }
        MutationKind::Gas | MutationKind::Pc => {
            let step = rng.below(steps);
            let traced = &honest.witness.steps[first_step + step];
            let (field, old) = match kind {
                MutationKind::Gas => ("gas_left", traced.gas_left),
                _ => ("program_counter", u64::from(traced.pc)),
            };
            c.overrides.push(Override::StepState {
                step,
                field,
                value: Fr::from(old) + Fr::one(),
            });
            format!("{kind:?}: step {step} {field} + 1")
        }
        MutationKind::SwapRws => {
            // Two accesses of one tag and direction with different values, so that each
            // step's assignment still reads the kind of access it expects: the first is
            // drawn among the accesses that have such a partner.
            let mut first: HashMap<(RwTag, bool), (U256, U256)> = HashMap::new();
            let mut mixed: HashSet<(RwTag, bool)> = HashSet::new();
            for r in &rws {
                let group = (r.tag, r.is_write);
                let seen = *first.entry(group).or_insert((r.value, r.key));
                if seen != (r.value, r.key) {
                    mixed.insert(group);
                }
            }
            let a = pick(rng, &|r| mixed.contains(&(r.tag, r.is_write)))?;
            let partners: Vec<&Rw> = rws
                .iter()
                .filter(|r| {
                    r.tag == a.tag
                        && r.is_write == a.is_write
                        && r.rw_counter != a.rw_counter
                        && (r.value != a.value || r.key != a.key)
                })
                .collect();
            if partners.is_empty() {
                return None;
            }
            let b = partners[rng.below(partners.len())].clone();
            let (ia, ib) = (a.rw_counter as usize - 1, b.rw_counter as usize - 1);
            c.witness.rws.swap(ia, ib);
            c.witness.rws[ia].rw_counter = a.rw_counter;
            c.witness.rws[ib].rw_counter = b.rw_counter;
            c.state_rows = if c.span == StateSpan::BLOCK {
                equivm_circuits::state::ordering::sorted(&c.witness.rws)
            } else {
                equivm_circuits::state::chunk_rows(&c.witness.rws, counters)
            };
            format!(
                "SwapRws: rws {} and {} ({:?}) exchanged",
                a.rw_counter, b.rw_counter, a.tag
            )
        }
        MutationKind::DropRw => {
            if c.state_rows.is_empty() {
                return None;
            }
            let i = rng.below(c.state_rows.len());
            let rw = c.state_rows.remove(i);
            format!(
                "DropRw: rw {} ({:?} {:?} of {}) removed from the rw table",
                rw.rw_counter, rw.tag, rw.field, rw.id
            )
        }
        MutationKind::AddRw => {
            let rw = pick(rng, &|_| true)?;
            let mut extra = rw.clone();
            extra.rw_counter = honest.witness.rws.len() as u64 + 1;
            let mut rows = c.state_rows.clone();
            rows.push(extra);
            c.state_rows = equivm_circuits::state::ordering::sorted(&rows);
            format!(
                "AddRw: rw {} repeated as rw {}",
                rw.rw_counter,
                honest.witness.rws.len() + 1
            )
        }
        MutationKind::ExecutionState => {
            let step = rng.below(steps);
            let current = honest.witness.steps[first_step + step].execution_state;
            let others: Vec<ExecutionState> = ExecutionState::ALL
                .into_iter()
                .filter(|s| *s != current)
                .collect();
            let state = others[rng.below(others.len())];
            c.overrides.push(Override::ExecutionState { step, state });
            format!(
                "ExecutionState: step {step} {current:?} -> {state:?} (index {})",
                state_index(state)
            )
        }
        MutationKind::CodeByte | MutationKind::IsCode => {
            let byte_tag = Fr::from(BytecodeFieldTag::Byte as u64);
            let rows: Vec<usize> = (0..c.bytecode_rows.len())
                .filter(|i| c.bytecode_rows[*i].tag == byte_tag)
                .collect();
            if rows.is_empty() {
                return None;
            }
            let i = rows[rng.below(rows.len())];
            let row = &mut c.bytecode_rows[i];
            if kind == MutationKind::CodeByte {
                // Another byte value, so that only the binding to the hash can catch it.
                let byte = field_to_u64(row.value);
                row.value = Fr::from((byte + 1) % 256);
                format!(
                    "CodeByte: byte {} of a bytecode {byte} -> {}",
                    field_to_u64(row.index),
                    (byte + 1) % 256
                )
            } else {
                row.is_code = Fr::one() - row.is_code;
                format!(
                    "IsCode: is_code of byte {} of a bytecode flipped",
                    field_to_u64(row.index)
                )
            }
        }
        MutationKind::CodeHash => {
            let hashes: Vec<_> = {
                let mut h: Vec<_> = c.bytecode_rows.iter().map(|r| r.code_hash).collect();
                h.dedup();
                h
            };
            if hashes.is_empty() {
                return None;
            }
            let hash = hashes[rng.below(hashes.len())];
            for row in c.bytecode_rows.iter_mut().filter(|r| r.code_hash == hash) {
                row.code_hash.lo += Fr::one();
            }
            "CodeHash: a bytecode's hash + 1 on all of its rows".to_string()
        }
    };
    Some((what, c))
}

/// Runs `n` mutants of `honest` (which passes `mock`) through `check` (a MockProver run:
/// `Ok` = accepted, `Err(text)` = rejected; texts starting with "synthesis" mean the
/// assignment refused it).
pub fn run_mutants(
    honest: &SuperCircuit,
    n: usize,
    seed: u64,
    check: impl Fn(&SuperCircuit) -> Result<(), String>,
) -> MutantCounts {
    let mut rng = Rng::new(seed);
    let mut counts = MutantCounts::default();
    for i in 0..n {
        let Some((what, c)) = mutant(honest, i, &mut rng) else {
            continue;
        };
        match check(&c) {
            Ok(()) => {
                counts.survived += 1;
                counts.survivors.push(what);
            }
            Err(why) if why.starts_with("synthesis") => counts.invalid += 1,
            Err(_) => counts.killed += 1,
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<usize> = (0..100).map(|_| a.below(13)).collect();
        let ys: Vec<usize> = (0..100).map(|_| b.below(13)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| *x < 13));
        // All residues show up: the positions are spread, not stuck.
        for r in 0..13 {
            assert!(xs.contains(&r), "{r} never drawn");
        }
        assert_eq!(Rng::new(1).below(0), 0);
    }

    /// Checks that the mock check's verdict is MockProver's own on one mutant of each of
    /// `kinds` (indices into [`MutationKind::ALL`]), and that each is rejected.
    fn mock_check_agrees_with_mock_prover(kinds: &[usize]) {
        use halo2_proofs::dev::MockProver;
        let code = vec![
            0x60, 0x2a, 0x60, 0x00, 0x52, // MSTORE(0, 42)
            0x60, 0x00, 0x51, // MLOAD(0)
            0x60, 0x01, 0x55, // SSTORE(1, mload)
            0x60, 0x20, 0x5f, 0x20, // KECCAK256(0, 32)
            0x60, 0x02, 0x55, // SSTORE(2, hash)
            0x00,
        ];
        let traced = equivm_trace::program::Program::new(code).trace();
        let witness = equivm_witness::build_witness(&traced.trace).expect("witness");
        let honest = SuperCircuit::new(witness, None).expect("supported");
        let mut rejected = 0;
        for &i in kinds {
            let mut rng = Rng::new(3 + i as u64);
            let (what, c) = mutant(&honest, i, &mut rng)
                .unwrap_or_else(|| panic!("no mutant of kind {:?}", MutationKind::ALL[i]));
            let fast = crate::mock::mock_check(&c);
            let instance = c.instance().expect("public inputs");
            let full = MockProver::run(c.params.k, &c, instance).map(|p| p.verify_par());
            match (fast, full) {
                (Err(why), Err(_)) if why.starts_with("synthesis") => {}
                (Ok(()), Ok(Ok(()))) => {}
                (Err(_), Ok(Err(_))) => rejected += 1,
                (fast, full) => panic!("{what}: mock check {fast:?}, MockProver {full:?}"),
            }
        }
        assert_eq!(rejected, kinds.len(), "every mutant is rejected");
    }

    /// The mock check's verdict is MockProver's own on mutants whose failures surface in
    /// different places: a stack value (EVM gates and rw lookups), a dropped access (the
    /// state circuit and its lookups), an execution state (the step's gates) and a code
    /// byte (the bytecode circuit and its keccak lookups).
    #[test]
    fn the_mock_check_agrees_with_mock_prover_on_a_sample_of_mutants() {
        let index = |kind: MutationKind| {
            MutationKind::ALL
                .iter()
                .position(|k| *k == kind)
                .expect("a kind")
        };
        mock_check_agrees_with_mock_prover(&[
            index(MutationKind::StackValue),
            index(MutationKind::DropRw),
            index(MutationKind::ExecutionState),
            index(MutationKind::CodeByte),
        ]);
    }

    /// The same on one mutant of every kind.
    #[test]
    #[ignore = "twelve MockProver runs of the super circuit, about four minutes"]
    fn the_mock_check_agrees_with_mock_prover_on_every_kind_of_mutant() {
        let all: Vec<usize> = (0..MutationKind::ALL.len()).collect();
        mock_check_agrees_with_mock_prover(&all);
    }

    #[test]
    fn every_kind_of_mutant_changes_the_circuit() {
        let code = vec![
            0x60, 0x2a, 0x60, 0x00, 0x52, // MSTORE(0, 42)
            0x60, 0x00, 0x51, // MLOAD(0)
            0x60, 0x01, 0x55, // SSTORE(1, mload)
            0x00,
        ];
        let traced = equivm_trace::program::Program::new(code).trace();
        let witness = equivm_witness::build_witness(&traced.trace).expect("witness");
        let honest = SuperCircuit::new(witness, None).expect("supported");
        let mut rng = Rng::new(3);
        for (i, kind) in MutationKind::ALL.iter().enumerate() {
            let (what, c) = mutant(&honest, i, &mut rng).expect("a mutant of each kind");
            let changed = c.witness != honest.witness
                || c.state_rows != honest.state_rows
                || c.bytecode_rows != honest.bytecode_rows
                || !c.overrides.is_empty();
            assert!(changed, "{kind:?}: {what}");
        }
    }
}
