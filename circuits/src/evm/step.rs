//! The step layout: step-state cells, the two-level one-hot execution-state selector, and
//! the `rows_left` / `q_step` height mechanism that proves where each step starts.
//!
//! Constraints ([`StepColumns::configure_layout`], all under the fixed `q_usable`):
//!
//! ```text
//! "STEP: q_step = 1 on the first row"                 q_first · (1 - q_step) = 0
//! "STEP: first step state = public input j"           q_first · (field_j - instance[j]) = 0
//! "STEP: group[g] / index[i] is boolean"              on step rows
//! "STEP: one group" / "STEP: one index"               Σ group = 1, Σ index = 1 on step rows
//! "STEP: state index < NUM_STATES"                    group[last]·index[i] = 0 past the end
//! "STEP: state {S} has no gadget"                     is_state(S) = 0 for every unsupported S
//! "STEP: rows_left = height(state) - 1"               on step rows
//! "STEP: rows_left decreases"                         rows_left = rows_left(prev) - 1 off step rows
//! "STEP: q_step(next) = (rows_left == 0)"             with an IsZero on rows_left, not on q_last
//! "STEP: step columns are zero off step rows"         (1 - q_step) · col = 0
//! "STEP: the last row is a Padding step"              q_last · (1 - q_step) = 0, q_last · (1 - is_state(Padding)) = 0
//! ```
//! So `q_step` is 1 exactly at row 0 and every `height(state)` rows after a step row; no row
//! is skipped and the last step ends on the last usable row. The state index is
//! `s = g·K + i`; `is_state(s) = group[g]·index[i]` has degree 2 and
//! `s = K·Σ g·group[g] + Σ i·index[i]` is linear (used by the opcode lookups).

use super::cell::rotation_of;
use crate::table::opcode_rows::execution_state_index;
use equivm_gadgets::{IsZeroConfig, Word};
use equivm_witness::ExecutionState;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, Instance},
    poly::Rotation,
};

/// Number of execution states (the enum's variants, `BeginTx` = 0).
pub const NUM_STATES: usize = ExecutionState::ALL.len();
/// Indexes per selector group (`s = g·K + i`).
pub const SELECTOR_K: usize = 10;
/// Number of selector groups.
pub const SELECTOR_GROUPS: usize = NUM_STATES.div_ceil(SELECTOR_K);
/// Number of step-state columns (`code_hash` counts twice, lo and hi).
pub const STEP_STATE_FIELDS: usize = 16;
/// Public inputs of the circuit: the first step's state fields, then its state index.
pub const NUM_PUBLIC_INPUTS: usize = STEP_STATE_FIELDS + 1;

/// The execution state with index `index`, if any.
pub fn state_of_index(index: usize) -> Option<ExecutionState> {
    ExecutionState::ALL.get(index).copied()
}

/// The state's index as a `usize` (the fixed table's [`execution_state_index`]).
pub fn state_index(state: ExecutionState) -> usize {
    execution_state_index(state) as usize
}

/// The fields a step carries from one step to the next, with names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepState<T> {
    /// `rw_counter` of the step's first rw access.
    pub rw_counter: T,
    /// Call id.
    pub call_id: T,
    /// 1 in the root call of a tx.
    pub is_root: T,
    /// 1 in a creation frame.
    pub is_create: T,
    /// Hash of the code being run.
    pub code_hash: Word<T>,
    /// Program counter.
    pub program_counter: T,
    /// Stack pointer (`1024 - height`).
    pub stack_pointer: T,
    /// Gas left before the step.
    pub gas_left: T,
    /// Memory size in words.
    pub memory_word_size: T,
    /// Reversible writes of the call so far.
    pub reversible_write_counter: T,
    /// Logs of the tx so far.
    pub log_id: T,
    /// Tx id (from 1).
    pub tx_id: T,
    /// Tx refund counter.
    pub refund: T,
    /// 1 when the call and all its callers succeed (its writes are kept).
    pub is_persistent: T,
    /// The rw counter of the call's last undo write when it does not persist (see
    /// `CallContextField::RwCounterEndOfReversion`).
    pub rw_counter_end_of_reversion: T,
}

/// Names of the step-state columns, in [`StepState::to_vec`] order.
pub const STEP_STATE_NAMES: [&str; STEP_STATE_FIELDS] = [
    "rw_counter",
    "call_id",
    "is_root",
    "is_create",
    "code_hash_lo",
    "code_hash_hi",
    "program_counter",
    "stack_pointer",
    "gas_left",
    "memory_word_size",
    "reversible_write_counter",
    "log_id",
    "tx_id",
    "refund",
    "is_persistent",
    "rw_counter_end_of_reversion",
];

impl<T> StepState<T> {
    /// The fields in column order (names in [`STEP_STATE_NAMES`]).
    pub fn to_vec(self) -> Vec<T> {
        vec![
            self.rw_counter,
            self.call_id,
            self.is_root,
            self.is_create,
            self.code_hash.lo,
            self.code_hash.hi,
            self.program_counter,
            self.stack_pointer,
            self.gas_left,
            self.memory_word_size,
            self.reversible_write_counter,
            self.log_id,
            self.tx_id,
            self.refund,
            self.is_persistent,
            self.rw_counter_end_of_reversion,
        ]
    }

    /// Applies `f` to every field.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> StepState<U> {
        StepState {
            rw_counter: f(self.rw_counter),
            call_id: f(self.call_id),
            is_root: f(self.is_root),
            is_create: f(self.is_create),
            code_hash: self.code_hash.map(&mut f),
            program_counter: f(self.program_counter),
            stack_pointer: f(self.stack_pointer),
            gas_left: f(self.gas_left),
            memory_word_size: f(self.memory_word_size),
            reversible_write_counter: f(self.reversible_write_counter),
            log_id: f(self.log_id),
            tx_id: f(self.tx_id),
            refund: f(self.refund),
            is_persistent: f(self.is_persistent),
            rw_counter_end_of_reversion: f(self.rw_counter_end_of_reversion),
        }
    }
}

/// The opcode facts of a step, from the fixed table's `OpcodeProperties` row of its opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpcodeProps<T> {
    /// State index of a successful step of the opcode.
    pub execution_state: T,
    /// Constant gas.
    pub constant_gas: T,
    /// Stack items read.
    pub stack_inputs: T,
    /// Stack items left.
    pub stack_outputs: T,
    /// 1 if the opcode is defined.
    pub is_defined: T,
}

impl<T> OpcodeProps<T> {
    /// The fields in lookup order.
    pub fn to_vec(self) -> Vec<T> {
        vec![
            self.execution_state,
            self.constant_gas,
            self.stack_inputs,
            self.stack_outputs,
            self.is_defined,
        ]
    }
}

/// The dedicated per-step advice columns (values on a step's first row, zero elsewhere).
#[derive(Clone, Debug)]
pub struct StepColumns {
    /// 1 on a step's first row.
    pub q_step: Column<Advice>,
    /// Rows until the next step.
    pub rows_left: Column<Advice>,
    /// 1 from the row where an `EndBlock` step starts to the end (every row).
    pub block_ended: Column<Advice>,
    /// Step state.
    pub state: StepState<Column<Advice>>,
    /// One-hot selector group `g` of the state index.
    pub group: [Column<Advice>; SELECTOR_GROUPS],
    /// One-hot selector index `i` of the state index.
    pub index: [Column<Advice>; SELECTOR_K],
    /// 1 if the step executes an opcode (pinned per state).
    pub is_opcode_step: Column<Advice>,
    /// The opcode byte (0 on synthetic steps).
    pub opcode: Column<Advice>,
    /// The opcode's properties (0 on synthetic steps).
    pub props: OpcodeProps<Column<Advice>>,
}

/// The fixed columns and public input the layout is anchored to.
#[derive(Clone, Copy, Debug)]
pub struct LayoutFixed {
    /// 1 on every row the EVM circuit may use.
    pub q_usable: Column<Fixed>,
    /// 1 on row 0.
    pub q_first: Column<Fixed>,
    /// 1 on the last usable row.
    pub q_last: Column<Fixed>,
    /// 1 on every row when the circuit proves a whole block (then the steps must reach
    /// `EndBlock` before padding), 0 when it proves a slice of steps or a chunk of a block.
    pub q_block: Column<Fixed>,
    /// 1 on every row when the circuit proves a block or a chunk of one: padding may then
    /// follow only a step that can end a chunk ([`EvmSpan`](super::EvmSpan)), 0 for a slice.
    pub q_chunk: Column<Fixed>,
    /// The first step's state and state index (rows `0..NUM_PUBLIC_INPUTS`).
    pub first_state: Column<Instance>,
}

impl StepColumns {
    /// Allocates the columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let mut col = || meta.advice_column();
        let state = StepState {
            rw_counter: col(),
            call_id: col(),
            is_root: col(),
            is_create: col(),
            code_hash: Word::new(col(), col()),
            program_counter: col(),
            stack_pointer: col(),
            gas_left: col(),
            memory_word_size: col(),
            reversible_write_counter: col(),
            log_id: col(),
            tx_id: col(),
            refund: col(),
            is_persistent: col(),
            rw_counter_end_of_reversion: col(),
        };
        let cols = Self {
            q_step: col(),
            rows_left: col(),
            block_ended: col(),
            state,
            group: std::array::from_fn(|_| col()),
            index: std::array::from_fn(|_| col()),
            is_opcode_step: col(),
            opcode: col(),
            props: OpcodeProps {
                execution_state: col(),
                constant_gas: col(),
                stack_inputs: col(),
                stack_outputs: col(),
                is_defined: col(),
            },
        };
        for (c, name) in cols.state.to_vec().into_iter().zip(STEP_STATE_NAMES) {
            meta.annotate_lookup_any_column(c, || format!("step.{name}"));
        }
        cols
    }

    /// Every dedicated column that is zero off step rows.
    pub fn step_row_columns(&self) -> Vec<Column<Advice>> {
        let mut v = self.state.to_vec();
        v.extend(self.group);
        v.extend(self.index);
        v.push(self.is_opcode_step);
        v.push(self.opcode);
        v.extend(self.props.to_vec());
        v
    }

    /// The step state `rows` below the current row.
    pub fn state_at<F: PrimeField>(&self, rows: usize) -> StepState<Expression<F>> {
        self.state.map(|c| c.query_cell(rotation_of(rows)))
    }

    /// `is_state(state)` (degree 2) `rows` below the current row.
    pub fn is_state<F: PrimeField>(&self, state: ExecutionState, rows: usize) -> Expression<F> {
        let s = state_index(state);
        let rot = rotation_of(rows);
        self.group[s / SELECTOR_K].query_cell::<F>(rot)
            * self.index[s % SELECTOR_K].query_cell::<F>(rot)
    }

    /// The state index `K·Σ g·group[g] + Σ i·index[i]` (linear, valid on step rows).
    pub fn state_index_expr<F: PrimeField>(&self) -> Expression<F> {
        let sum = |cols: &[Column<Advice>], scale: u64| {
            cols.iter()
                .zip(0u64..)
                .fold(Expression::Constant(F::ZERO), |acc, (c, i)| {
                    acc + c.query_cell::<F>(Rotation::cur()) * F::from(i * scale)
                })
        };
        sum(&self.group, SELECTOR_K as u64) + sum(&self.index, 1)
    }

    /// Registers the layout constraints (see the module docs). `heights` holds the height of
    /// every supported state; every other state is forbidden.
    pub fn configure_layout<F: PrimeField>(
        &self,
        meta: &mut ConstraintSystem<F>,
        fixed: LayoutFixed,
        heights: &[(ExecutionState, usize)],
    ) -> IsZeroConfig<F> {
        let cur = |c: Column<Advice>| c.query_cell::<F>(Rotation::cur());
        let one = || Expression::Constant(F::ONE);
        let q_usable = fixed.q_usable.query_cell::<F>(Rotation::cur());
        let q_first = fixed.q_first.query_cell::<F>(Rotation::cur());
        let q_last = fixed.q_last.query_cell::<F>(Rotation::cur());
        let q_step = cur(self.q_step);
        let rows_left = cur(self.rows_left);
        let rows_left_inv = meta.advice_column();
        let is_zero = IsZeroConfig::configure(
            meta,
            |_| q_usable.clone(),
            |_| rows_left.clone(),
            rows_left_inv,
        );

        let mut cs: Vec<(String, Expression<F>)> = Vec::new();
        cs.push((
            "STEP: q_step = 1 on the first row".into(),
            q_first.clone() * (one() - q_step.clone()),
        ));
        let public = self.state.to_vec().into_iter().map(cur);
        let public = public.chain(std::iter::once(self.state_index_expr()));
        for (j, field) in public.enumerate() {
            let name = STEP_STATE_NAMES.get(j).copied().unwrap_or("state_index");
            let instance = fixed.first_state.query_cell::<F>(rotation_of(j));
            cs.push((
                format!("STEP: first step {name} = public input {j}"),
                q_first.clone() * (field - instance),
            ));
        }
        let on_step = |e: Expression<F>| q_step.clone() * e;
        for (kind, cols) in [("group", &self.group[..]), ("index", &self.index[..])] {
            for (i, c) in cols.iter().enumerate() {
                cs.push((
                    format!("STEP: {kind}[{i}] is boolean"),
                    on_step(cur(*c) * (one() - cur(*c))),
                ));
            }
            let sum = cols
                .iter()
                .fold(Expression::Constant(F::ZERO), |acc, c| acc + cur(*c));
            cs.push((format!("STEP: one {kind}"), on_step(one() - sum)));
        }
        let last = SELECTOR_GROUPS - 1;
        for i in 0..SELECTOR_K {
            if last * SELECTOR_K + i >= NUM_STATES {
                cs.push((
                    "STEP: state index < NUM_STATES".into(),
                    on_step(cur(self.group[last]) * cur(self.index[i])),
                ));
            }
        }
        let mut height_sum = Expression::Constant(F::ZERO);
        for s in (0..NUM_STATES).filter_map(state_of_index) {
            match heights.iter().find(|(st, _)| *st == s) {
                Some((_, h)) => {
                    height_sum = height_sum + self.is_state::<F>(s, 0) * F::from(*h as u64 - 1);
                }
                None => cs.push((
                    format!("STEP: state {s:?} has no gadget"),
                    on_step(self.is_state(s, 0)),
                )),
            }
        }
        cs.push((
            "STEP: rows_left = height(state) - 1".into(),
            on_step(rows_left.clone() - height_sum),
        ));
        let prev = self.rows_left.query_cell::<F>(Rotation::prev());
        cs.push((
            "STEP: rows_left decreases".into(),
            (one() - q_step.clone()) * (rows_left.clone() - prev + one()),
        ));
        let q_step_next = self.q_step.query_cell::<F>(Rotation::next());
        cs.push((
            "STEP: q_step(next) = (rows_left == 0)".into(),
            (one() - q_last.clone()) * (q_step_next - is_zero.expr()),
        ));
        for c in self.step_row_columns() {
            cs.push((
                "STEP: step columns are zero off step rows".into(),
                (one() - q_step.clone()) * cur(c),
            ));
        }
        cs.push((
            "STEP: the last row is a Padding step".into(),
            q_last.clone() * (one() - q_step.clone()),
        ));
        cs.push((
            "STEP: the last row is a Padding step".into(),
            q_last * (one() - self.is_state(ExecutionState::Padding, 0)),
        ));
        // `block_ended` counts EndBlock steps so far (the selector cells are zero off step
        // rows); in a block proof a Padding step needs one before it.
        let ended = cur(self.block_ended);
        let end_block_here = self.is_state::<F>(ExecutionState::EndBlock, 0);
        cs.push((
            "STEP: block_ended on row 0 = (row 0 is EndBlock)".into(),
            q_first.clone() * (ended.clone() - end_block_here.clone()),
        ));
        let ended_prev = self.block_ended.query_cell::<F>(Rotation::prev());
        cs.push((
            "STEP: block_ended grows by 1 where EndBlock starts".into(),
            (one() - q_first.clone()) * (ended.clone() - ended_prev - end_block_here),
        ));
        let q_block = fixed.q_block.query_cell::<F>(Rotation::cur());
        cs.push((
            "STEP: in a block, Padding comes after EndBlock".into(),
            q_block * self.is_state::<F>(ExecutionState::Padding, 0) * (one() - ended),
        ));
        meta.create_gate("STEP", |_| {
            cs.into_iter()
                .map(|(name, e)| (name, q_usable.clone() * e))
                .collect::<Vec<_>>()
        });
        is_zero
    }
}
