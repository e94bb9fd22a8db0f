//! The unified EVM circuit: one step per witness execution step, each a run of rows whose
//! height is a constant of its execution state, with exactly one execution gadget switched
//! on per step (see `circuits/EVM-CIRCUIT.md` for the layout and rules).
//!
//! What it proves, for the steps it assigns:
//! - the step layout ([`step`]): steps tile the usable rows from row 0, each starting where
//!   `q_step` is 1, each selecting one supported execution state; the last row is padding;
//! - each step's gadget ([`execution`]): semantics, gas, rw accesses (looked up in the shared
//!   rw table, counters fixed by the gadget), opcode at `pc` (bytecode table), the
//!   (state, opcode) pair and the opcode's properties (fixed table), and the transition of
//!   every step-state field into the next step;
//! - the first step's state is the **public input** (instance column `first_state`, rows
//!   `0..NUM_PUBLIC_INPUTS`: the 16 step-state fields then the state index). For a whole
//!   block that is the state `BeginTx` starts from; for a slice ([`EvmCircuit::for_steps`])
//!   it is the state of the slice's first step, *taken as given*: a slice proves that its
//!   steps follow from that state, not that the state was reached.
//!
//! Not proved here: that the rw, bytecode, tx and block tables are right (their own
//! circuits), and the states without a gadget (`EvmCircuit::unsupported_steps` lists them;
//! the layout forbids selecting them).

pub mod assign;
pub mod cell;
pub mod cell_manager;
pub mod columns;
pub mod constraint_builder;
pub mod execution;
pub mod stats;
pub mod step;

use crate::table::{
    opcode_rows::opcode_properties, FixedTableTag, RwTableRow, TableCapacities, Tables,
};
use assign::{Override, StepRegion, WitnessIndex};
use columns::{EvmColumns, BYTECODE_LANES};
use constraint_builder::{RwRowColumns, StepLayout};
use equivm_gadgets::IsZeroConfig;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use execution::Gadgets;
use halo2_proofs::{
    circuit::{Layouter, Region, SimpleFloorPlanner, Value},
    halo2curves::ff::PrimeField,
    plonk::{Circuit, ConstraintSystem, Error},
};
use halo2curves::bn256::Fr;
use std::ops::Range;
use step::{state_index, StepState, SELECTOR_K};

/// What the EVM region's steps are, which decides the rules where they end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvmSpan {
    /// A whole block: padding comes after `EndBlock` (`q_block` and `q_chunk` on).
    Block,
    /// A chunk of a block, or a whole one whose end its public values show: padding
    /// follows `EndBlock` or a step after which a chunk may end, and nothing else
    /// (`q_chunk` on).
    Chunk,
    /// Any run of steps, for tests of gadgets on real traces (both off).
    Slice,
}

/// The EVM region's cells on its last row, which a super circuit makes public: the state
/// the last step hands over (the padding's), and whether `EndBlock` came before.
#[derive(Clone, Debug)]
pub struct EvmEndCells {
    /// The 16 step-state fields, in [`step::STEP_STATE_NAMES`] order.
    pub state: Vec<halo2_proofs::circuit::Cell>,
    /// `block_ended` on the last row.
    pub block_ended: halo2_proofs::circuit::Cell,
}

/// The EVM circuit's configuration: the shared tables, its own columns, and its gadgets.
#[derive(Clone, Debug)]
pub struct EvmCircuitConfig<F: PrimeField> {
    /// The lookup tables (shared with the other circuits).
    pub tables: Tables,
    /// The EVM circuit's columns.
    pub columns: EvmColumns,
    /// IsZero on `rows_left` (where the next step starts).
    pub rows_left_is_zero: IsZeroConfig<F>,
    /// The execution gadgets.
    pub gadgets: Gadgets<F>,
    /// Each supported state's gadget name and layout.
    pub layouts: Vec<(ExecutionState, &'static str, StepLayout)>,
}

impl<F: PrimeField> EvmCircuitConfig<F> {
    /// Configures the EVM circuit, looking up into `tables`.
    pub fn configure(meta: &mut ConstraintSystem<F>, tables: &Tables) -> Self {
        let columns = EvmColumns::configure(meta, tables);
        let (gadgets, layouts) = Gadgets::configure(meta, &columns);
        let heights: Vec<_> = layouts.iter().map(|(s, _, l)| (*s, l.height)).collect();
        let rows_left_is_zero = columns.step.configure_layout(meta, columns.fixed, &heights);
        Self {
            tables: *tables,
            columns,
            rows_left_is_zero,
            gadgets,
            layouts,
        }
    }

    /// The layout of `state`, if it has a gadget.
    pub fn layout(&self, state: ExecutionState) -> Option<StepLayout> {
        self.layouts
            .iter()
            .find(|(s, _, _)| *s == state)
            .map(|(_, _, l)| *l)
    }

    /// Assigns `steps` of `witness` from row 0, then padding up to `capacity` rows, in one
    /// region; applies `overrides` last (tests only pass them). Returns the first row of
    /// every assigned step, padding included.
    pub fn assign(
        &self,
        layouter: &mut impl Layouter<F>,
        witness: &Witness,
        steps: Range<usize>,
        capacity: usize,
        overrides: &[Override<F>],
    ) -> Result<Vec<usize>, Error> {
        self.assign_steps(
            layouter,
            witness,
            steps,
            capacity,
            overrides,
            EvmSpan::Slice,
        )
        .map(|(offsets, _)| offsets)
    }

    /// Assigns every step of `witness` as a whole block (`q_block` = 1: padding must come
    /// after `EndBlock`), then padding up to `capacity` rows; applies `overrides` last.
    pub fn assign_block(
        &self,
        layouter: &mut impl Layouter<F>,
        witness: &Witness,
        capacity: usize,
        overrides: &[Override<F>],
    ) -> Result<Vec<usize>, Error> {
        let steps = 0..witness.steps.len();
        self.assign_steps(
            layouter,
            witness,
            steps,
            capacity,
            overrides,
            EvmSpan::Block,
        )
        .map(|(offsets, _)| offsets)
    }

    /// Assigns `steps` of `witness` as a chunk of the block ([`EvmSpan::Chunk`]), then
    /// padding up to `capacity` rows; applies `overrides` last. Returns the last row's
    /// cells, for the caller to make public.
    pub fn assign_chunk(
        &self,
        layouter: &mut impl Layouter<F>,
        witness: &Witness,
        steps: Range<usize>,
        capacity: usize,
        overrides: &[Override<F>],
    ) -> Result<EvmEndCells, Error> {
        self.assign_steps(
            layouter,
            witness,
            steps,
            capacity,
            overrides,
            EvmSpan::Chunk,
        )
        .map(|(_, end)| end)
    }

    /// Assigns only the fixed columns (as [`Self::assign_block`], [`Self::assign_chunk`] or
    /// [`Self::assign`] would for `capacity` rows) and the last row's cells with zeros:
    /// enough for key generation, which reads no advice value.
    pub fn assign_shape(
        &self,
        layouter: &mut impl Layouter<F>,
        capacity: usize,
        span: EvmSpan,
    ) -> Result<EvmEndCells, Error> {
        layouter.assign_region(
            || "evm circuit",
            |mut region| {
                self.assign_layout_fixed(&mut region, capacity, span);
                Ok(self.end_cells(&mut region, capacity, StepState::default(), F::ZERO))
            },
        )
    }

    /// The layout's fixed columns over `capacity` rows (the same for every witness).
    fn assign_layout_fixed(&self, region: &mut Region<'_, F>, capacity: usize, span: EvmSpan) {
        let fixed = self.columns.fixed;
        let block = F::from(u64::from(span == EvmSpan::Block));
        let chunk = F::from(u64::from(span != EvmSpan::Slice));
        for row in 0..capacity {
            region.assign_fixed(fixed.q_usable, row, F::ONE);
            region.assign_fixed(fixed.q_first, row, F::from(u64::from(row == 0)));
            region.assign_fixed(fixed.q_last, row, F::from(u64::from(row + 1 == capacity)));
            region.assign_fixed(fixed.q_block, row, block);
            region.assign_fixed(fixed.q_chunk, row, chunk);
        }
    }

    /// (Re)assigns the last row's state fields and `block_ended` with `state` and `ended`,
    /// and returns their cells.
    fn end_cells(
        &self,
        region: &mut Region<'_, F>,
        capacity: usize,
        state: StepState<F>,
        ended: F,
    ) -> EvmEndCells {
        let row = capacity - 1;
        let step = &self.columns.step;
        let state = step
            .state
            .to_vec()
            .into_iter()
            .zip(state.to_vec())
            .map(|(c, v)| region.assign_advice(c, row, Value::known(v)).cell())
            .collect();
        let block_ended = region
            .assign_advice(step.block_ended, row, Value::known(ended))
            .cell();
        EvmEndCells { state, block_ended }
    }

    fn assign_steps(
        &self,
        layouter: &mut impl Layouter<F>,
        witness: &Witness,
        steps: Range<usize>,
        capacity: usize,
        overrides: &[Override<F>],
        span: EvmSpan,
    ) -> Result<(Vec<usize>, EvmEndCells), Error> {
        let index = WitnessIndex::new(witness);
        let slice = witness.steps.get(steps.clone()).ok_or(Error::Synthesis)?;
        let last = slice.last().ok_or(Error::Synthesis)?;
        // The padding carries the state the slice hands over: the next witness step's, or
        // (after EndBlock) the last step's own.
        let padding_state = index.step_state::<F>(witness.steps.get(steps.end).unwrap_or(last));
        layouter.assign_region(
            || "evm circuit",
            |mut region| {
                let mut offsets = Vec::new();
                let mut offset = 0;
                let mut ended_from = capacity;
                let too_small = || Error::NotEnoughRowsAvailable {
                    current_k: capacity.ilog2(),
                };
                for (i, step) in slice.iter().enumerate() {
                    let layout = self.layout(step.execution_state).ok_or(Error::Synthesis)?;
                    if step.execution_state == ExecutionState::EndBlock {
                        ended_from = ended_from.min(offset);
                    }
                    if offset + layout.height >= capacity {
                        return Err(too_small());
                    }
                    let state = index.step_state::<F>(step);
                    self.assign_step_frame(&mut region, offset, step, state, layout, witness)?;
                    let mut step_region = StepRegion::new(&mut region, offset);
                    self.gadgets.assign(&mut step_region, witness, step)?;
                    offsets.push(offset);
                    offset += layout.height;
                    if step.execution_state == ExecutionState::Exp {
                        let next = witness.steps.get(steps.start + i + 1).unwrap_or(step);
                        offset = self.assign_exp_rounds(
                            &mut region,
                            offset,
                            capacity,
                            witness,
                            step,
                            index.step_state::<F>(next),
                        )?;
                    }
                }
                let padding = ExecStep {
                    execution_state: ExecutionState::Padding,
                    rw_count: 0,
                    opcode: None,
                    ..last.clone()
                };
                let layout = self
                    .layout(ExecutionState::Padding)
                    .ok_or(Error::Synthesis)?;
                while offset < capacity {
                    self.assign_step_frame(
                        &mut region,
                        offset,
                        &padding,
                        padding_state,
                        layout,
                        witness,
                    )?;
                    offsets.push(offset);
                    offset += layout.height;
                }
                self.assign_layout_fixed(&mut region, capacity, span);
                for row in 0..capacity {
                    let ended = F::from(u64::from(row >= ended_from));
                    region.assign_advice(self.columns.step.block_ended, row, Value::known(ended));
                }
                let ended = F::from(u64::from(ended_from < capacity));
                let end = self.end_cells(&mut region, capacity, padding_state, ended);
                for o in overrides {
                    self.apply_override(&mut region, &offsets, o)?;
                }
                Ok((offsets, end))
            },
        )
    }

    /// Assigns the square-and-multiply rounds of the EXP step `step` from `offset` (each
    /// carrying `state`, the state EXP hands over); returns the offset after them.
    fn assign_exp_rounds(
        &self,
        region: &mut Region<'_, F>,
        mut offset: usize,
        capacity: usize,
        witness: &Witness,
        step: &ExecStep,
        state: StepState<F>,
    ) -> Result<usize, Error> {
        let rws = witness.step_rws(step);
        let [base, exponent, result] = [0, 1, 2].map(|k| rws.get(k).map(|rw| rw.value));
        let (base, exponent, result) = (
            base.ok_or(Error::Synthesis)?,
            exponent.ok_or(Error::Synthesis)?,
            result.ok_or(Error::Synthesis)?,
        );
        let layout = self
            .layout(ExecutionState::ExpRound)
            .ok_or(Error::Synthesis)?;
        let frame = ExecStep {
            execution_state: ExecutionState::ExpRound,
            rw_count: 0,
            opcode: None,
            ..step.clone()
        };
        let mut round = execution::ExpRoundState {
            pow: base,
            acc: equivm_trace::revm::primitives::U256::from(1),
            rem: exponent,
        };
        for _ in 0..execution::exp_rounds(exponent) {
            if offset + layout.height >= capacity {
                return Err(Error::NotEnoughRowsAvailable {
                    current_k: capacity.ilog2(),
                });
            }
            self.assign_step_frame(region, offset, &frame, state, layout, witness)?;
            let mut step_region = StepRegion::new(region, offset);
            round = self
                .gadgets
                .exp_round
                .assign_round(&mut step_region, round, result)?;
            offset += layout.height;
        }
        Ok(offset)
    }

    /// Assigns what the layout owns for one step: `q_step`, `rows_left`, the step state,
    /// the selector, the opcode columns, the rw rows and the bytecode lanes' code hash; the
    /// bytecode lanes, header flags and fixed lanes start at zero (gadgets assign the lookups
    /// they make).
    fn assign_step_frame(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        step: &ExecStep,
        state: StepState<F>,
        layout: StepLayout,
        witness: &Witness,
    ) -> Result<(), Error> {
        let cols = &self.columns;
        let sc = &cols.step;
        let h = layout.height;
        let set = |region: &mut Region<'_, F>, c, row, v: F| {
            region.assign_advice(c, row, Value::known(v));
        };
        for r in 0..h {
            let row = offset + r;
            set(region, sc.q_step, row, F::from(u64::from(r == 0)));
            let left = F::from((h - 1 - r) as u64);
            set(region, sc.rows_left, row, left);
            self.rows_left_is_zero
                .assign(region, row, Value::known(left))?;
            for c in sc.step_row_columns() {
                set(region, c, row, F::ZERO);
            }
        }
        for (c, v) in sc.state.to_vec().into_iter().zip(state.to_vec()) {
            set(region, c, offset, v);
        }
        let s = state_index(step.execution_state);
        set(region, sc.group[s / SELECTOR_K], offset, F::ONE);
        set(region, sc.index[s % SELECTOR_K], offset, F::ONE);
        if let Some(opcode) = step.opcode {
            let p = opcode_properties()
                .get(usize::from(opcode))
                .copied()
                .ok_or(Error::Synthesis)?;
            set(region, sc.is_opcode_step, offset, F::ONE);
            set(region, sc.opcode, offset, F::from(u64::from(opcode)));
            let props = [
                p.execution_state,
                p.constant_gas,
                p.stack_inputs,
                p.stack_outputs,
                p.is_defined,
            ];
            for (c, v) in sc.props.to_vec().into_iter().zip(props) {
                set(region, c, offset, F::from(v));
            }
        }
        let all_rws = witness.step_rws(step);
        if step.rw_count as usize != all_rws.len() {
            return Err(Error::Synthesis);
        }
        // A step whose accesses go on through another circuit (a copy) lays out its own
        // accesses only.
        // A step with switched accesses lays out its rw rows itself.
        let rws = if layout.rw_switched {
            &all_rws[..0]
        } else if layout.extra_rws {
            // Optional accesses made when the call has a caller are off in the root call.
            let own = if layout.optional_on_caller && state.is_root == F::ONE {
                layout.rw_accesses - layout.rw_optional
            } else {
                layout.rw_accesses
            };
            let own = all_rws.len().min(own);
            // Fewer copied entries than optional accesses: the optional ones are off (a
            // gadget whose optional accesses may be off while a copy follows blanks their
            // rows itself).
            let required = layout.rw_accesses - layout.rw_optional;
            &all_rws[..if own < layout.rw_accesses {
                own.min(required)
            } else {
                own
            }]
        } else {
            all_rws
        };
        let required = layout.rw_accesses - layout.rw_optional;
        if !(layout.rw_switched || rws.len() == required || rws.len() == layout.rw_accesses) {
            return Err(Error::Synthesis);
        }
        let lane_rows = layout.bytecode_lookups.div_ceil(BYTECODE_LANES);
        let rw_rows = RwRowColumns {
            rw: cols.rw,
            rw_enable: cols.rw_enable,
        };
        for r in 0..h {
            let row = offset + r;
            rw_rows.assign(&mut StepRegion::new(region, offset), r, rws.get(r))?;
            let hash = if r < lane_rows {
                state.code_hash
            } else {
                equivm_gadgets::Word::new(F::ZERO, F::ZERO)
            };
            set(region, cols.bytecode_hash.lo, row, hash.lo);
            set(region, cols.bytecode_hash.hi, row, hash.hi);
            set(region, cols.bytecode_header, row, F::ZERO);
            for lane in &cols.lanes {
                for c in [lane.index, lane.value, lane.is_code, lane.enable] {
                    set(region, c, row, F::ZERO);
                }
            }
            for c in cols.context.to_vec() {
                set(region, c, row, F::ZERO);
            }
            set(region, cols.fixed_tag, row, F::ZERO);
            for c in cols.fixed_lanes.iter().flat_map(|l| l.to_vec()) {
                set(region, c, row, F::ZERO);
            }
        }
        for (j, &forward) in layout.undo_of.iter().take(layout.undos).enumerate() {
            let row = offset + layout.rw_accesses + j;
            let (values, on) = undo_row(rws.get(forward), &state, j);
            for (c, v) in cols.rw.to_vec().into_iter().zip(values.to_vec()) {
                set(region, c, row, v);
            }
            set(region, cols.rw_enable, row, F::from(u64::from(on)));
        }
        Ok(())
    }

    fn apply_override(
        &self,
        region: &mut Region<'_, F>,
        offsets: &[usize],
        o: &Override<F>,
    ) -> Result<(), Error> {
        let cols = &self.columns;
        let at = |step: &usize| offsets.get(*step).copied().ok_or(Error::Synthesis);
        match o {
            Override::StepState { step, field, value } => {
                let i = assign::step_state_field(field).ok_or(Error::Synthesis)?;
                let c = cols.step.state.to_vec()[i];
                region.assign_advice(c, at(step)?, Value::known(*value));
            }
            Override::ExecutionState { step, state } => {
                let row = at(step)?;
                for c in cols.step.group.iter().chain(&cols.step.index) {
                    region.assign_advice(*c, row, Value::known(F::ZERO));
                }
                let s = state_index(*state);
                region.assign_advice(cols.step.group[s / SELECTOR_K], row, Value::known(F::ONE));
                region.assign_advice(cols.step.index[s % SELECTOR_K], row, Value::known(F::ONE));
            }
            Override::Rw {
                step,
                access,
                field,
                value,
            } => {
                let names = <crate::table::RwTable as crate::table::LookupTable<F>>::annotations(
                    &self.tables.rw,
                );
                let i = names
                    .iter()
                    .position(|n| n.strip_prefix("rw.") == Some(field))
                    .ok_or(Error::Synthesis)?;
                let c = cols.rw.to_vec()[i];
                region.assign_advice(c, at(step)? + access, Value::known(*value));
            }
            Override::Cell {
                step,
                column,
                rotation,
                value,
            } => {
                region.assign_advice(*column, at(step)? + rotation, Value::known(*value));
            }
        }
        Ok(())
    }
}

/// The EVM circuit over a witness (or a slice of its steps), with its own tables.
#[derive(Clone, Debug)]
pub struct EvmCircuit {
    /// The witness.
    pub witness: Witness,
    /// The steps assigned (all of them for a block).
    pub steps: Range<usize>,
    /// Rows of the EVM region (steps, then padding to the end); at most the usable rows.
    pub capacity: usize,
}

impl EvmCircuit {
    /// The circuit of every step of `witness`.
    pub fn new(witness: Witness, capacity: usize) -> Self {
        let steps = 0..witness.steps.len();
        Self {
            witness,
            steps,
            capacity,
        }
    }

    /// The circuit of `steps` only: it starts from the state of `steps.start` (the public
    /// input, taken as given) and ends with padding that carries the state the last step
    /// hands over. For unit tests of gadgets on real traces.
    pub fn for_steps(witness: Witness, steps: Range<usize>, capacity: usize) -> Self {
        Self {
            witness,
            steps,
            capacity,
        }
    }

    /// The steps of `witness` this circuit cannot prove, as (state, opcode): states without
    /// a gadget, and steps a gadget excludes (e.g. STOP outside the root call). The caller
    /// reports the witness `unsupported`; the circuit never assigns such a step.
    pub fn unsupported_steps(witness: &Witness) -> Vec<(ExecutionState, Option<u8>)> {
        let index = WitnessIndex::new(witness);
        witness
            .steps
            .iter()
            .filter(|s| !execution::is_supported(s, &index))
            .map(|s| (s.execution_state, s.opcode))
            .collect()
    }

    /// Why `witness` has unsupported steps, one text per kind, sorted: the state and opcode of
    /// each, and for a call into a precompile, the precompile (`... into precompile 0x04
    /// (identity)`). Empty when every step is supported.
    pub fn unsupported_reasons(witness: &Witness) -> Vec<String> {
        let index = WitnessIndex::new(witness);
        let mut reasons: Vec<String> = witness
            .steps
            .iter()
            .filter(|s| !execution::is_supported(s, &index))
            .map(|s| {
                let state = s.execution_state;
                let base = match s.opcode {
                    Some(op) => format!("{state:?} (opcode 0x{op:02x})"),
                    None => format!("{state:?}"),
                };
                match execution::called_precompile(witness, s) {
                    Some(precompile) => format!("{base} into precompile {precompile}"),
                    None => base,
                }
            })
            .collect();
        reasons.sort();
        reasons.dedup();
        reasons
    }

    /// The public input: the first assigned step's state fields, then its state index.
    pub fn instance(&self) -> Vec<Vec<Fr>> {
        let index = WitnessIndex::new(&self.witness);
        let values = match self.witness.steps.get(self.steps.start) {
            Some(step) => {
                let mut v = index.step_state::<Fr>(step).to_vec();
                v.push(Fr::from(state_index(step.execution_state) as u64));
                v
            }
            None => vec![Fr::zero(); step::NUM_PUBLIC_INPUTS],
        };
        vec![values]
    }

    /// Rows the assigned steps take, plus one row of padding.
    pub fn rows_needed(&self) -> Option<usize> {
        Self::rows_needed_for(&self.witness, self.steps.clone())
    }

    /// Rows steps `steps` of `witness` take, plus one row of padding; `None` if a step's
    /// state has no layout or the range is out of bounds.
    pub fn rows_needed_for(witness: &Witness, steps: Range<usize>) -> Option<usize> {
        let mut heights = [None; step::NUM_STATES];
        for (state, _, layout) in stats::layouts() {
            heights[state_index(*state)] = Some(layout.height);
        }
        let height = |state: ExecutionState| heights[state_index(state)];
        let mut rows = 1;
        for step in witness.steps.get(steps)? {
            rows += height(step.execution_state)?;
            if step.execution_state == ExecutionState::Exp {
                let exponent = witness.step_rws(step).get(1)?.value;
                rows += execution::exp_rounds(exponent) * height(ExecutionState::ExpRound)?;
            }
        }
        Some(rows)
    }

    /// The table capacities this circuit loads.
    pub fn table_capacities(&self) -> TableCapacities {
        TableCapacities::fitting(&self.witness, &FixedTableTag::SMALL)
    }
}

impl Circuit<Fr> for EvmCircuit {
    type Config = EvmCircuitConfig<Fr>;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        let tables = Tables::configure(meta);
        EvmCircuitConfig::configure(meta, &tables)
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        config
            .tables
            .load(&mut layouter, &self.witness, &self.table_capacities())?;
        config.assign(
            &mut layouter,
            &self.witness,
            self.steps.clone(),
            self.capacity,
            &[],
        )?;
        Ok(())
    }
}

/// The undo lookup `j` of a step whose forward write is `forward` (absent when an optional
/// access was not made): the write restoring the cell at `end - (writes_before + j)`, and
/// whether the lookup is on (the call does not persist and the write was made); a zero row
/// when it is off.
fn undo_row<F: PrimeField>(
    forward: Option<&equivm_witness::Rw>,
    state: &StepState<F>,
    j: usize,
) -> (RwTableRow<F>, bool) {
    match forward {
        Some(rw) if state.is_persistent == F::ZERO => {
            let mut undo = rw.clone();
            undo.value = rw.value_prev;
            undo.value_prev = rw.value;
            let mut row = RwTableRow::<F>::from_rw(&undo);
            row.rw_counter = state.rw_counter_end_of_reversion
                - state.reversible_write_counter
                - F::from(j as u64);
            row.is_write = F::ONE;
            (row, true)
        }
        _ => (RwTableRow::default().map(|()| F::ZERO), false),
    }
}

#[cfg(test)]
pub(crate) mod tests;
