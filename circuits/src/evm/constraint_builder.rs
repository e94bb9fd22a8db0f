//! ConstraintBuilder: what an execution gadget uses to allocate cells, state constraints,
//! make rw and bytecode lookups, and state its step-state transition.
//!
//! Every constraint is named (`"ADD_SUB: ..."`) and, when the gadget's configuration ends
//! ([`ConstraintBuilder::build`]), multiplied by `q_usable · is_state(STATE)` (`q_step` is
//! implied: the selector cells are zero off step rows); a
//! [`ConstraintBuilder::condition`] scope multiplies what it holds by its condition.
//!
//! What the builder adds by itself, per state, when it knows the step's height `h`:
//! - `rw_enable` on row `r` of the step is `[r < n]` for the `n` rw accesses the gadget
//!   made, and access `k` has `rw_counter = step.rw_counter + k`, so the number of accesses
//!   is fixed by the gadget (optional accesses at the end, and switched ones anywhere, are
//!   made under a boolean the gadget proves: `rw_enable` is that boolean, and the counters
//!   after a switched access that is off move down by one);
//! - the bytecode lanes of rows `r < h` carry the step's `code_hash` on the rows the gadget
//!   used (the given hash on the row of a [`ConstraintBuilder::bytecode_length_of`]) and 0
//!   elsewhere, and every lane slot the gadget did not use is switched off;
//! - the fixed lanes' `fixed_tag` of rows `r < h` is the gadget's tag on the rows its fixed
//!   lookups took and 0 elsewhere (which zeroes those rows' lanes, see
//!   [`columns`](super::columns)), and a lane the gadget left unused on one of its rows is 0;
//! - every lane row's `header` flag is 1 exactly on the rows of its code-length lookups;
//! - `is_opcode_step` is 1 for opcode states, 0 for synthetic ones;
//! - the transition ([`StepStateTransition`], one entry per step-state field, all
//!   mandatory) and the allowed next states, queried at `Rotation(h)` and switched off on
//!   the last usable row (which is a `Padding` step).

use super::{
    assign::StepRegion,
    cell::{rotation_of, Cell, WordCell},
    cell_manager::{CellManager, CellType},
    columns::{BytecodeLane, EvmColumns, BYTECODE_LANES, FIXED_LANES},
    step::{state_index, OpcodeProps, StepState, SELECTOR_K},
};
use crate::table::FixedTableTag;
use crate::table::{BlockFieldTag, CopyTableRow, RwTableRow, TxFieldTag};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{
    AccountField, CallContextField, ExecutionState, RwTag, TxLogField, TxReceiptField,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{ConstraintSystem, Error, Expression},
    poly::Rotation,
};

/// How one step-state field changes from this step to the next.
#[derive(Clone, Debug)]
pub enum Transition<T> {
    /// Unchanged.
    Same,
    /// Increased by the expression.
    Delta(T),
    /// Set to the expression.
    To(T),
    /// Not constrained here: the next step sets it itself (after `EndTx`, `BeginTx` sets
    /// every field but `rw_counter` and `tx_id` from its own lookups).
    Free,
}

/// The transition of every step-state field; a gadget must give all of them.
#[derive(Clone, Debug)]
pub struct StepStateTransition<F: PrimeField> {
    /// `rw_counter` (normally `Delta(number of rw accesses)`).
    pub rw_counter: Transition<Expression<F>>,
    /// Call id.
    pub call_id: Transition<Expression<F>>,
    /// Root flag.
    pub is_root: Transition<Expression<F>>,
    /// Create flag.
    pub is_create: Transition<Expression<F>>,
    /// Code hash.
    pub code_hash: Transition<Word<Expression<F>>>,
    /// Program counter.
    pub program_counter: Transition<Expression<F>>,
    /// Stack pointer.
    pub stack_pointer: Transition<Expression<F>>,
    /// Gas left.
    pub gas_left: Transition<Expression<F>>,
    /// Memory size in words.
    pub memory_word_size: Transition<Expression<F>>,
    /// Reversible write counter.
    pub reversible_write_counter: Transition<Expression<F>>,
    /// Log id.
    pub log_id: Transition<Expression<F>>,
    /// Tx id.
    pub tx_id: Transition<Expression<F>>,
    /// Refund counter.
    pub refund: Transition<Expression<F>>,
    /// Whether the call persists (a constant of the call).
    pub is_persistent: Transition<Expression<F>>,
    /// The call's end of reversion (a constant of the call).
    pub rw_counter_end_of_reversion: Transition<Expression<F>>,
}

impl<F: PrimeField> StepStateTransition<F> {
    /// Whether some field is [`Transition::Free`] (its value is the next step's business).
    pub fn any_free(&self) -> bool {
        let free = |t: &Transition<Expression<F>>| matches!(t, Transition::Free);
        matches!(self.code_hash, Transition::Free)
            || [
                &self.rw_counter,
                &self.call_id,
                &self.is_root,
                &self.is_create,
                &self.program_counter,
                &self.stack_pointer,
                &self.gas_left,
                &self.memory_word_size,
                &self.reversible_write_counter,
                &self.log_id,
                &self.tx_id,
                &self.refund,
                &self.is_persistent,
                &self.rw_counter_end_of_reversion,
            ]
            .into_iter()
            .any(free)
    }
}

/// The steps that start or end a transaction or a block, and a precompile's step: what
/// [`ConstraintBuilder::require_next_not_boundary`] keeps off the next step.
pub const TX_BOUNDARY_STATES: [ExecutionState; 8] = [
    ExecutionState::BeginTx,
    ExecutionState::BeginTxCreate,
    ExecutionState::BeginTxCreateCollision,
    ExecutionState::EndTx,
    ExecutionState::EndTxClearSlot,
    ExecutionState::EndTxDeleteAccount,
    ExecutionState::EndBlock,
    ExecutionState::PrecompileIdentity,
];

/// One bytecode lookup slot: the byte it reads and its switch.
#[derive(Clone, Debug)]
pub struct BytecodeSlot<F: PrimeField> {
    /// The byte value.
    pub value: Expression<F>,
    /// 1 when the lookup is on.
    pub enable: Expression<F>,
}

/// The key of an rw access: everything but its counter, direction and values.
#[derive(Clone, Debug)]
pub struct RwKey<F: PrimeField> {
    /// Tag.
    pub tag: RwTag,
    /// Call id or tx id.
    pub id: Expression<F>,
    /// Account address as one field element.
    pub address: Expression<F>,
    /// Field number.
    pub field_tag: Expression<F>,
    /// Storage slot, stack or memory address, log id.
    pub key: Word<Expression<F>>,
    /// Log topic or data-byte index.
    pub index: Expression<F>,
}

impl<F: PrimeField> RwKey<F> {
    /// `tag` and `id`, every other key field zero.
    pub fn new(tag: RwTag, id: Expression<F>) -> Self {
        Self {
            tag,
            id,
            address: constant(0),
            field_tag: constant(0),
            key: Word::new(constant(0), constant(0)),
            index: constant(0),
        }
    }

    /// With `address`.
    pub fn address(self, address: Expression<F>) -> Self {
        Self { address, ..self }
    }

    /// With field number `field_tag`.
    pub fn field(self, field_tag: u64) -> Self {
        self.field_expr(constant(field_tag))
    }

    /// With the field number given by the expression `field_tag` (a gadget serving several
    /// opcodes picks the field from the opcode).
    pub fn field_expr(self, field_tag: Expression<F>) -> Self {
        Self { field_tag, ..self }
    }

    /// With the key word `key`.
    pub fn key(self, key: Word<Expression<F>>) -> Self {
        Self { key, ..self }
    }

    /// With key `lo` (hi zero).
    pub fn key_lo(self, lo: Expression<F>) -> Self {
        self.key(Word::new(lo, constant(0)))
    }

    /// With the topic or data-byte index `index`.
    pub fn index(self, index: Expression<F>) -> Self {
        Self { index, ..self }
    }
}

/// What an rw access's `committed_value` must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Committed {
    /// Zero (every tag but storage).
    Zero,
    /// Whatever the rw table holds (storage: the state circuit proves it).
    Free,
}

/// One tx- or block-table lookup slot of a step (one per row, in order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextSlot {
    /// A tx-table lookup of field number `tag`.
    Tx(u64),
    /// A block-table lookup of field number `tag`.
    Block(u64),
    /// Row `part` (0, 1 or 2) of a copy-table lookup.
    Copy(u8),
}

/// The tail group of rw accesses made under one condition.
#[derive(Clone, Debug)]
struct OptionalRws<F: PrimeField> {
    first: usize,
    condition: Expression<F>,
    open: bool,
}

/// The fixed-table lookups of one [`ConstraintBuilder::fixed_lookups`] call: one `(a, b, c)`
/// triple of lane cells per lookup and the tag cell of each row they occupy.
#[derive(Clone, Debug)]
pub struct FixedLookups<F: PrimeField> {
    /// The `fixed_tag` cell of each row used.
    pub tags: Vec<Cell<F>>,
    /// The lane cells `[a, b, c]` of each lookup, in request order.
    pub lanes: Vec<[Cell<F>; 3]>,
}

impl<F: PrimeField> FixedLookups<F> {
    /// Assigns `tag` to the rows and `values[i]` to lookup `i` (as many values as lookups).
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        tag: FixedTableTag,
        values: &[[u64; 3]],
    ) -> Result<(), Error> {
        if values.len() != self.lanes.len() {
            return Err(Error::Synthesis);
        }
        for cell in &self.tags {
            cell.assign(region, F::from(tag.as_u64()))?;
        }
        for (cells, triple) in self.lanes.iter().zip(values) {
            for (cell, v) in cells.iter().zip(triple) {
                cell.assign(region, F::from(*v))?;
            }
        }
        Ok(())
    }
}

/// A lookup of a code's length (the bytecode table's header row), on lane 0 of a lane row
/// of its own: the step's code ([`ConstraintBuilder::bytecode_length`]) or the code of a
/// given hash ([`ConstraintBuilder::bytecode_length_of`]).
#[derive(Clone, Debug)]
pub struct CodeLength<F: PrimeField> {
    /// The code's length.
    pub value: Expression<F>,
    /// The step row of the lookup.
    pub row: usize,
    lane: BytecodeLane,
    header: halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>,
    hash: Word<halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>>,
}

impl<F: PrimeField> CodeLength<F> {
    /// Assigns the lookup of length `len` (lane on, header flag 1).
    pub fn assign(
        &self,
        region: &mut super::assign::StepRegion<'_, '_, F>,
        len: u64,
    ) -> Result<(), halo2_proofs::plonk::Error> {
        region.assign_advice(self.header, self.row, F::ONE)?;
        region.assign_advice(self.lane.enable, self.row, F::ONE)?;
        region.assign_advice(self.lane.value, self.row, F::from(len))
    }

    /// Assigns the lookup of length `len` of the code with hash `hash` (for a
    /// [`ConstraintBuilder::bytecode_length_of`]: the row's hash is not the step's).
    pub fn assign_of(
        &self,
        region: &mut super::assign::StepRegion<'_, '_, F>,
        hash: Word<F>,
        len: u64,
    ) -> Result<(), halo2_proofs::plonk::Error> {
        region.assign_advice(self.hash.lo, self.row, hash.lo)?;
        region.assign_advice(self.hash.hi, self.row, hash.hi)?;
        self.assign(region, len)
    }
}

/// Byte lookups of an input given by its hash ([`ConstraintBuilder::hashed_byte_lookups`]).
#[derive(Clone, Debug)]
pub struct HashedBytes<F: PrimeField> {
    /// The bytes looked up, one per slot (0 where a slot is off).
    pub values: Vec<Expression<F>>,
    row: usize,
    lanes: [BytecodeLane; BYTECODE_LANES],
    hash: Word<halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>>,
}

impl<F: PrimeField> HashedBytes<F> {
    /// Assigns the lookups of the bytecode `code` (its hash, and per slot `(index, on)`).
    pub fn assign(
        &self,
        region: &mut super::assign::StepRegion<'_, '_, F>,
        code: &equivm_witness::Bytecode,
        slots: &[(usize, bool)],
    ) -> Result<(), halo2_proofs::plonk::Error> {
        if slots.len() != self.values.len() {
            return Err(halo2_proofs::plonk::Error::Synthesis);
        }
        let hash = crate::table::b256_word(code.hash).to_field::<F>();
        for r in 0..self.values.len().div_ceil(BYTECODE_LANES) {
            region.assign_advice(self.hash.lo, self.row + r, hash.lo)?;
            region.assign_advice(self.hash.hi, self.row + r, hash.hi)?;
        }
        for (i, &(index, on)) in slots.iter().enumerate() {
            let (row, lane) = (
                self.row + i / BYTECODE_LANES,
                self.lanes[i % BYTECODE_LANES],
            );
            let (byte, is_code) = match (on, code.bytes.get(index), code.is_code.get(index)) {
                (false, ..) => (0, false),
                (true, Some(&b), Some(&c)) => (b, c),
                _ => return Err(halo2_proofs::plonk::Error::Synthesis),
            };
            let index = if on { index as u64 } else { 0 };
            region.assign_advice(lane.index, row, F::from(index))?;
            region.assign_advice(lane.value, row, F::from(u64::from(byte)))?;
            region.assign_advice(lane.is_code, row, F::from(u64::from(is_code)))?;
            region.assign_advice(lane.enable, row, F::from(u64::from(on)))?;
        }
        Ok(())
    }
}

/// What a gadget's configuration used (for the layout and for `stats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepLayout {
    /// Rows of the step.
    pub height: usize,
    /// Rw accesses (rows of the rw group used), optional ones included.
    pub rw_accesses: usize,
    /// Of these, the optional ones at the end (made only under the gadget's condition).
    pub rw_optional: usize,
    /// Whether the optional accesses are made exactly when the call has a caller
    /// ([`ConstraintBuilder::caller_rw_accesses`]): how the layout tells them from the
    /// entries a step makes through other circuits.
    pub optional_on_caller: bool,
    /// Tx- and block-table lookups (rows of the context group used).
    pub context_lookups: usize,
    /// Bytecode lane lookups.
    pub bytecode_lookups: usize,
    /// Fixed lane lookups.
    pub fixed_lookups: usize,
    /// Plain cells allocated.
    pub plain_cells: usize,
    /// Byte cells allocated.
    pub byte_cells: usize,
    /// Constraints of the gadget's gate (including the builder's own).
    pub constraints: usize,
    /// Whether the step's rw entries go on past its own accesses (a copy's byte accesses,
    /// proved by the copy circuit and counted by [`ConstraintBuilder::add_rw_counter_delta`]).
    pub extra_rws: bool,
    /// Whether some rw rows are switched ([`ConstraintBuilder::switched_rw_accesses`]): the
    /// gadget then lays out its rw rows itself ([`RwRowColumns::assign`]).
    pub rw_switched: bool,
    /// Undo lookups ([`ConstraintBuilder::undo_if_reverted`]).
    pub undos: usize,
    /// The rw row of each undo's forward write, in order (the first `undos` entries). Undo
    /// `j` sits on rw row `rw_accesses + j`.
    pub undo_of: [usize; MAX_UNDOS],
    /// Whether a chunk of a block may end after this step: it requires nothing of its
    /// successor but its state fields and that it is no transaction boundary.
    pub ends_chunk: bool,
}

/// The most undo lookups a step makes.
pub const MAX_UNDOS: usize = 6;

/// Where the undo writes of a call go: the undo of the call's `k`-th reversible write
/// (from 0) is the write at `end - k`, made only when the call does not persist.
#[derive(Clone, Debug)]
pub struct Reversion<F: PrimeField> {
    /// 1 when the call persists (its writes are kept and nothing is undone).
    pub is_persistent: Expression<F>,
    /// The call's `RwCounterEndOfReversion`.
    pub end: Expression<F>,
    /// Reversible writes the call made before the step's first one.
    pub writes_before: Expression<F>,
}

impl<F: PrimeField> Reversion<F> {
    /// The reversion of the step's own call, from its step state.
    pub fn of_step(step: &StepState<Expression<F>>) -> Self {
        Self {
            is_persistent: step.is_persistent.clone(),
            end: step.rw_counter_end_of_reversion.clone(),
            writes_before: step.reversible_write_counter.clone(),
        }
    }
}

/// One undo lookup of a step.
#[derive(Clone, Debug)]
struct UndoRow<F: PrimeField> {
    /// The rw row of the forward write, and its expressions.
    forward: usize,
    row: RwTableRow<Expression<F>>,
    /// The undo's `rw_enable`: the call does not persist (and the write was made).
    enable: Expression<F>,
    /// The undo's counter.
    counter: Expression<F>,
}

/// The rw lookup group of the EVM circuit: one rw-table row and its `rw_enable` per row.
#[derive(Clone, Copy, Debug)]
pub struct RwRowColumns {
    /// The rw-table columns.
    pub rw: RwTableRow<halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>>,
    /// 1 on a row that makes an rw access.
    pub rw_enable: halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>,
}

impl RwRowColumns {
    /// Assigns row `row` of the step: the entry `rw` with `rw_enable = 1`, or (with `None`)
    /// an all-zero row with `rw_enable = 0`.
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        row: usize,
        rw: Option<&equivm_witness::Rw>,
    ) -> Result<(), Error> {
        let values = match rw {
            Some(rw) => RwTableRow::<F>::from_rw(rw),
            None => RwTableRow::default().map(|()| F::ZERO),
        };
        for (c, v) in self.rw.to_vec().into_iter().zip(values.to_vec()) {
            region.assign_advice(c, row, v)?;
        }
        region.assign_advice(self.rw_enable, row, F::from(u64::from(rw.is_some())))
    }
}

/// The builder of one execution state's constraints.
pub struct ConstraintBuilder<'a, F: PrimeField> {
    /// The constraint system, for chips that register their own gates.
    pub meta: &'a mut ConstraintSystem<F>,
    cols: &'a EvmColumns,
    name: &'static str,
    state: ExecutionState,
    is_opcode_state: bool,
    cells: CellManager,
    constraints: Vec<(String, Expression<F>)>,
    conditions: Vec<Expression<F>>,
    rw_accesses: usize,
    optional_rws: Option<OptionalRws<F>>,
    optional_on_caller: bool,
    /// The switched rw rows made so far, with their switch.
    rw_switches: Vec<(usize, Expression<F>)>,
    /// `Σ (1 - switch)` over the switched rw accesses made so far: the counters they skip.
    rw_skipped: Expression<F>,
    /// Whether a [`Self::switched_rw_accesses`] scope is open.
    switch_open: bool,
    extra_rws: Option<Expression<F>>,
    /// The last rw access: its row, direction and expressions.
    last_rw: Option<(usize, bool, RwTableRow<Expression<F>>)>,
    undo_rows: Vec<UndoRow<F>>,
    context_slots: Vec<ContextSlot>,
    stack_offset: i64,
    bytecode_slots: usize,
    /// Lanes used on each fixed-lane row taken so far.
    fixed_rows: Vec<usize>,
    /// Lane slots passed over (their lanes are switched off).
    skipped_slots: Vec<usize>,
    /// Lane rows holding a code-length lookup.
    header_rows: Vec<usize>,
    /// Lane rows whose code hash is not the step's, with their hash.
    hash_rows: Vec<(usize, Word<Expression<F>>)>,
    transition: Option<StepStateTransition<F>>,
    next_states: Option<Vec<ExecutionState>>,
    next_constraints: Vec<NextConstraint<F>>,
    /// How many of `next_constraints` only keep the next step off transaction boundaries
    /// ([`Self::require_next_not_boundary`]): a chunk may end after such a step.
    not_boundary_constraints: usize,
}

/// A constraint on cells of the next step, stated when the step's height is known: its
/// name, the conditions in force when it was made, and its expression given a map from a
/// cell position (relative to the next step's first row) to its query.
type NextConstraint<F> = (
    String,
    Expression<F>,
    Box<dyn FnOnce(&dyn Fn(&Cell<F>) -> Expression<F>) -> Expression<F>>,
);

fn constant<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn signed<F: PrimeField>(v: i64) -> Expression<F> {
    let f = F::from(v.unsigned_abs());
    Expression::Constant(if v < 0 { -f } else { f })
}

impl<'a, F: PrimeField> ConstraintBuilder<'a, F> {
    /// A builder for `state` (gadget `name`); `is_opcode_state` says whether its steps
    /// execute an opcode (and so make the opcode lookups).
    pub fn new(
        meta: &'a mut ConstraintSystem<F>,
        cols: &'a EvmColumns,
        name: &'static str,
        state: ExecutionState,
        is_opcode_state: bool,
    ) -> Self {
        Self {
            meta,
            cols,
            name,
            state,
            is_opcode_state,
            cells: CellManager::new(&cols.plain, &cols.bytes),
            constraints: Vec::new(),
            conditions: Vec::new(),
            rw_accesses: 0,
            optional_rws: None,
            optional_on_caller: false,
            rw_switches: Vec::new(),
            rw_skipped: constant(0),
            switch_open: false,
            extra_rws: None,
            last_rw: None,
            undo_rows: Vec::new(),
            context_slots: Vec::new(),
            stack_offset: 0,
            bytecode_slots: 0,
            fixed_rows: Vec::new(),
            skipped_slots: Vec::new(),
            header_rows: Vec::new(),
            hash_rows: Vec::new(),
            transition: None,
            next_states: None,
            next_constraints: Vec::new(),
            not_boundary_constraints: 0,
        }
    }

    // ---- cells ----

    /// A plain cell (pin it with a constraint or lookup).
    pub fn query_cell(&mut self) -> Cell<F> {
        self.cells.query(CellType::Plain)
    }

    /// A plain cell on the step's first row (for chips that work on one row).
    pub fn query_cell_first_row(&mut self) -> Cell<F> {
        self.cells.query_first_row(CellType::Plain)
    }

    /// A byte cell (range-checked by its column's lookup).
    pub fn query_byte(&mut self) -> Cell<F> {
        self.cells.query(CellType::Byte)
    }

    /// `N` byte cells, little-endian.
    pub fn query_bytes<const N: usize>(&mut self) -> [Cell<F>; N] {
        std::array::from_fn(|_| self.query_byte())
    }

    /// A plain cell constrained boolean (`"{name}"`).
    pub fn query_bool(&mut self, name: &str) -> Cell<F> {
        let cell = self.query_cell();
        self.require_boolean(name, cell.expr());
        cell
    }

    /// Two plain cells (lo, hi).
    pub fn query_word(&mut self) -> WordCell<F> {
        Word::new(self.query_cell(), self.query_cell())
    }

    // ---- constraints ----

    /// `expr = 0` (under the current conditions).
    pub fn require_zero(&mut self, name: &str, expr: Expression<F>) {
        let expr = self.conditions.iter().fold(expr, |acc, c| c.clone() * acc);
        self.constraints
            .push((format!("{}: {name}", self.name), expr));
    }

    /// `lhs = rhs`.
    pub fn require_equal(&mut self, name: &str, lhs: Expression<F>, rhs: Expression<F>) {
        self.require_zero(name, lhs - rhs);
    }

    /// `lhs = rhs` limb by limb (`"{name} (lo)"`, `"{name} (hi)"`).
    pub fn require_equal_word(
        &mut self,
        name: &str,
        lhs: Word<Expression<F>>,
        rhs: Word<Expression<F>>,
    ) {
        self.require_equal(&format!("{name} (lo)"), lhs.lo, rhs.lo);
        self.require_equal(&format!("{name} (hi)"), lhs.hi, rhs.hi);
    }

    /// `expr ∈ {0, 1}`.
    pub fn require_boolean(&mut self, name: &str, expr: Expression<F>) {
        self.require_zero(name, expr.clone() * (constant(1) - expr));
    }

    /// Runs `f` with every constraint it adds multiplied by `condition`.
    pub fn condition<R>(&mut self, condition: Expression<F>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.conditions.push(condition);
        let r = f(self);
        self.conditions.pop();
        r
    }

    /// The full enable of this gadget's constraints: `q_usable · is_state` (degree 3).
    /// `q_step` is implied: off step rows the selector cells are zero.
    pub fn gate_enable(&self) -> Expression<F> {
        self.cols.fixed.q_usable.query_cell::<F>(Rotation::cur())
            * self.cols.step.is_state::<F>(self.state, 0)
    }

    // ---- step facts ----

    /// The step's state (its first row).
    pub fn step(&self) -> StepState<Expression<F>> {
        self.cols.step.state_at(0)
    }

    /// The opcode byte of the step.
    pub fn opcode(&self) -> Expression<F> {
        self.cols.step.opcode.query_cell(Rotation::cur())
    }

    /// The opcode's properties (from the fixed table).
    pub fn props(&self) -> OpcodeProps<Expression<F>> {
        let p = self.cols.step.props;
        OpcodeProps {
            execution_state: p.execution_state.query_cell(Rotation::cur()),
            constant_gas: p.constant_gas.query_cell(Rotation::cur()),
            stack_inputs: p.stack_inputs.query_cell(Rotation::cur()),
            stack_outputs: p.stack_outputs.query_cell(Rotation::cur()),
            is_defined: p.is_defined.query_cell(Rotation::cur()),
        }
    }

    /// Stack pointer after the pops and pushes made so far (`Delta` for the transition).
    pub fn stack_pointer_delta(&self) -> Expression<F> {
        signed(self.stack_offset)
    }

    /// Rw accesses made so far (`Delta` for `rw_counter`); optional and switched ones count
    /// only when their condition is 1.
    pub fn rw_counter_delta(&self) -> Expression<F> {
        let own = match &self.optional_rws {
            None => constant(self.rw_accesses as u64),
            Some(o) => {
                constant(o.first as u64)
                    + o.condition.clone() * constant((self.rw_accesses - o.first) as u64)
            }
        } - self.rw_skipped.clone();
        match &self.extra_rws {
            None => own,
            Some(extra) => own + extra.clone(),
        }
    }

    /// Counts `count` more rw entries in the step's `rw_counter` delta: accesses the step
    /// makes through another circuit (a copy's byte reads and writes, which the copy circuit
    /// proves from the counter the step gives it). They follow the step's own accesses.
    pub fn add_rw_counter_delta(&mut self, count: Expression<F>) {
        self.extra_rws = Some(match self.extra_rws.take() {
            None => count,
            Some(e) => e + count,
        });
    }

    // ---- rw lookups ----

    /// Takes the next rw row of the step; constrains its counter, direction and key
    /// (`key`), and its committed value (`committed`); returns the row's expressions.
    fn rw_access(
        &mut self,
        what: &str,
        is_write: bool,
        key: RwKey<F>,
        committed: Committed,
    ) -> RwTableRow<Expression<F>> {
        match &self.optional_rws {
            Some(o) if o.open => assert!(
                self.conditions.len() == 1,
                "{}: optional rw accesses take no further condition",
                self.name
            ),
            Some(_) => panic!("{}: rw access after the optional ones", self.name),
            None if self.switch_open => assert!(
                self.conditions.len() == 1,
                "{}: switched rw accesses take no further condition",
                self.name
            ),
            None => assert!(
                self.conditions.is_empty(),
                "{}: rw accesses are unconditional (use optional_rw_accesses)",
                self.name
            ),
        }
        let k = self.rw_accesses;
        self.rw_accesses += 1;
        let row = self.cols.rw.map(|c| c.query_cell::<F>(rotation_of(k)));
        let step = self.step();
        let zero = || constant::<F>(0);
        let n = |field: &str| format!("{what} #{k}: rw.{field}");
        if self.rw_switches.is_empty() {
            self.require_equal(
                &n("rw_counter = step.rw_counter + k"),
                row.rw_counter.clone(),
                step.rw_counter + constant(k as u64),
            );
        } else {
            self.require_equal(
                &n("rw_counter = step.rw_counter + k - switched accesses skipped"),
                row.rw_counter.clone(),
                step.rw_counter + constant(k as u64) - self.rw_skipped.clone(),
            );
        }
        if self.switch_open {
            let switch = self.conditions[0].clone();
            self.rw_switches.push((k, switch.clone()));
            self.rw_skipped = self.rw_skipped.clone() + constant(1) - switch;
        }
        self.require_equal(
            &n("is_write"),
            row.is_write.clone(),
            constant(u64::from(is_write)),
        );
        self.require_equal(&n("tag"), row.tag.clone(), constant(key.tag as u64));
        self.require_equal(&n("id"), row.id.clone(), key.id);
        self.require_equal(&n("address"), row.address.clone(), key.address);
        self.require_equal(&n("field_tag"), row.field_tag.clone(), key.field_tag);
        self.require_equal(&n("key.lo"), row.key.lo.clone(), key.key.lo);
        self.require_equal(&n("key.hi"), row.key.hi.clone(), key.key.hi);
        self.require_equal(&n("index"), row.index.clone(), key.index);
        if committed == Committed::Zero {
            self.require_equal(
                &n("committed_value.lo"),
                row.committed_value.lo.clone(),
                zero(),
            );
            self.require_equal(
                &n("committed_value.hi"),
                row.committed_value.hi.clone(),
                zero(),
            );
        }
        if !is_write {
            self.require_equal_word(
                &n("value_prev = value (read)"),
                row.value_prev.clone(),
                row.value.clone(),
            );
        }
        self.last_rw = Some((k, is_write, row.clone()));
        row
    }

    /// Undoes the rw write just made if the call does not persist: one more rw lookup, of
    /// the write that restores the cell (same key, `value` and `value_prev` swapped, same
    /// `committed_value`) at counter `reversion.end - (reversion.writes_before + j)`, `j`
    /// counting the step's earlier undos. The lookup is on when `1 - is_persistent` is 1
    /// (and, among optional accesses, their condition); off, its row is zero. The undo is
    /// not one of the step's accesses (`rw_counter` does not count it): the witness puts it
    /// where the call's reversion runs, which the step ending the call proves. The gadget counts the write in its `reversible_write_counter` delta.
    pub fn undo_if_reverted(&mut self, reversion: &Reversion<F>) {
        let j = self.undo_rows.len() as u64;
        self.undo_if_reverted_nth(reversion, j);
    }

    /// [`Self::undo_if_reverted`] for the write that is the step's `j`-th (from 0) in the
    /// reversion scope of `reversion`: a step whose writes fall in two scopes (a call's
    /// warm mark in the caller's, its value transfer in the callee's) numbers each scope's
    /// writes from 0. The undo still takes the next undo row.
    pub fn undo_if_reverted_nth(&mut self, reversion: &Reversion<F>, j: u64) {
        let (forward, is_write, row) = self
            .last_rw
            .clone()
            .unwrap_or_else(|| panic!("{}: an undo needs a write before it", self.name));
        assert!(is_write, "{}: only a write is undone", self.name);
        assert!(
            !self.switch_open && self.rw_switches.is_empty(),
            "{}: undos of switched accesses are not supported",
            self.name
        );
        let condition = match &self.optional_rws {
            Some(o) if o.open => o.condition.clone(),
            Some(_) => panic!("{}: an undo after the optional accesses", self.name),
            None => constant(1),
        };
        assert!(
            self.undo_rows.len() < MAX_UNDOS,
            "{}: more than {MAX_UNDOS} undos",
            self.name
        );
        self.undo_rows.push(UndoRow {
            forward,
            row,
            enable: (constant(1) - reversion.is_persistent.clone()) * condition,
            counter: reversion.end.clone() - reversion.writes_before.clone() - constant(j),
        });
    }

    /// The undo rows' constraints (at `build`): each sits on rw row `rw_accesses + j`.
    fn undo_constraints(&mut self, undos: &[UndoRow<F>]) {
        for (j, undo) in undos.iter().cloned().enumerate() {
            let r = self.rw_accesses + j;
            let at = self.cols.rw.map(|c| c.query_cell::<F>(rotation_of(r)));
            let n = |field: &str| format!("undo #{j} (of rw #{}): rw.{field}", undo.forward);
            let fwd = undo.row;
            // Under the row's `rw_enable` (pinned to the undo's enable below); a row
            // without access is zero.
            let on = self.cols.rw_enable.query_cell::<F>(rotation_of(r));
            self.conditions.push(on);
            self.require_equal(&n("rw_counter"), at.rw_counter, undo.counter);
            self.require_equal(&n("is_write = 1"), at.is_write, constant(1));
            for (name, a, b) in [
                ("tag", at.tag, fwd.tag),
                ("id", at.id, fwd.id),
                ("address", at.address, fwd.address),
                ("field_tag", at.field_tag, fwd.field_tag),
                ("key.lo", at.key.lo, fwd.key.lo),
                ("key.hi", at.key.hi, fwd.key.hi),
                ("index", at.index, fwd.index),
            ] {
                self.require_equal(&n(name), a, b);
            }
            self.require_equal_word(
                &n("value = the write's value_prev"),
                at.value,
                fwd.value_prev,
            );
            self.require_equal_word(
                &n("value_prev = the write's value"),
                at.value_prev,
                fwd.value,
            );
            self.require_equal_word(
                &n("committed_value = the write's"),
                at.committed_value,
                fwd.committed_value,
            );
            self.conditions.pop();
        }
    }

    /// Runs `f`, whose rw accesses are made only when `condition` (boolean, which the
    /// gadget must prove) is 1: their rows' `rw_enable` is `condition`, their constraints
    /// are multiplied by it, and [`Self::rw_counter_delta`] counts them only then. They must
    /// be the step's last rw accesses (the witness omits them at the end when off).
    pub fn optional_rw_accesses<R>(
        &mut self,
        condition: Expression<F>,
        f: impl FnOnce(&mut Self) -> R,
    ) -> R {
        assert!(
            self.optional_rws.is_none() && self.conditions.is_empty(),
            "{}: one unconditioned optional rw group per gadget",
            self.name
        );
        self.optional_rws = Some(OptionalRws {
            first: self.rw_accesses,
            condition: condition.clone(),
            open: true,
        });
        let stack_offset = self.stack_offset;
        self.conditions.push(condition);
        let r = f(self);
        self.conditions.pop();
        assert_eq!(
            stack_offset, self.stack_offset,
            "{}: no stack access among optional rw accesses",
            self.name
        );
        if let Some(o) = self.optional_rws.as_mut() {
            o.open = false;
        }
        r
    }

    /// [`Self::optional_rw_accesses`] made exactly when the step's call has a caller
    /// (`1 - is_root`): the hand-back to the caller that ends a call.
    pub fn caller_rw_accesses<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let has_caller = constant::<F>(1) - self.step().is_root;
        self.optional_on_caller = true;
        self.optional_rw_accesses(has_caller, f)
    }

    /// Runs `f`, whose rw accesses are each made only when `switch` (boolean, of degree 1,
    /// which the gadget must prove) is 1: their rows' `rw_enable` is `switch`, their
    /// constraints are multiplied by it, and the counters of the accesses after them (and
    /// [`Self::rw_counter_delta`]) skip them when it is 0. Unlike optional accesses they may
    /// sit anywhere, and stack accesses among them keep their place (an opcode family whose
    /// members pop different numbers of items). The witness omits an access that is off;
    /// the gadget lays out its rw rows itself ([`RwRowColumns::assign`]).
    pub fn switched_rw_accesses<R>(
        &mut self,
        switch: Expression<F>,
        f: impl FnOnce(&mut Self) -> R,
    ) -> R {
        assert!(
            self.optional_rws.is_none() && self.conditions.is_empty() && !self.switch_open,
            "{}: switched rw accesses come before optional ones, unconditioned and unnested",
            self.name
        );
        self.switch_open = true;
        self.conditions.push(switch);
        let r = f(self);
        self.conditions.pop();
        self.switch_open = false;
        r
    }

    /// The rw lookup group's columns (for a gadget with switched rw accesses, which lays out
    /// its rw rows itself).
    pub fn rw_row_columns(&self) -> RwRowColumns {
        RwRowColumns {
            rw: self.cols.rw,
            rw_enable: self.cols.rw_enable,
        }
    }

    /// Reads field `field` of account `address` (one field element); returns the value.
    pub fn account_read(
        &mut self,
        address: Expression<F>,
        field: AccountField,
    ) -> Word<Expression<F>> {
        self.account_access("account read", false, address, field)
            .value
    }

    /// Writes field `field` of account `address`; returns the row (`value`, `value_prev`).
    pub fn account_write(
        &mut self,
        address: Expression<F>,
        field: AccountField,
    ) -> RwTableRow<Expression<F>> {
        self.account_access("account write", true, address, field)
    }

    fn account_access(
        &mut self,
        what: &str,
        is_write: bool,
        address: Expression<F>,
        field: AccountField,
    ) -> RwTableRow<Expression<F>> {
        let key = RwKey::new(RwTag::Account, constant(0))
            .address(address)
            .field(field as u64);
        self.rw_access(what, is_write, key, Committed::Zero)
    }

    /// Marks account `address` warm in tx `tx_id` (EIP-2929): writes 1; returns the row
    /// (`value_prev` is whether it was warm).
    pub fn access_list_account_write(
        &mut self,
        tx_id: Expression<F>,
        address: Expression<F>,
    ) -> RwTableRow<Expression<F>> {
        let key = RwKey::new(RwTag::TxAccessListAccount, tx_id).address(address);
        let row = self.rw_access("access list write", true, key, Committed::Zero);
        self.require_equal_word(
            "access list write: value = 1",
            row.value.clone(),
            Word::new(constant(1), constant(0)),
        );
        row
    }

    /// Reads the warm flag (EIP-2929) of account `address` in tx `tx_id`; returns it.
    pub fn access_list_account_read(
        &mut self,
        tx_id: Expression<F>,
        address: Expression<F>,
    ) -> Word<Expression<F>> {
        let key = RwKey::new(RwTag::TxAccessListAccount, tx_id).address(address);
        self.rw_access("access list read", false, key, Committed::Zero)
            .value
    }

    /// Writes the created flag (EIP-6780) of account `address` in tx `tx_id`: its warm-flag
    /// cell with index 1; returns the row.
    pub fn created_flag_write(
        &mut self,
        tx_id: Expression<F>,
        address: Expression<F>,
    ) -> RwTableRow<Expression<F>> {
        let key = RwKey::new(RwTag::TxAccessListAccount, tx_id)
            .address(address)
            .index(constant(1));
        self.rw_access("created flag write", true, key, Committed::Zero)
    }

    /// Reads the created flag (EIP-6780) of account `address` in tx `tx_id`: 1 when a
    /// creation of the tx made it (and was not undone), 2 once it self-destructed.
    pub fn created_flag_read(
        &mut self,
        tx_id: Expression<F>,
        address: Expression<F>,
    ) -> Word<Expression<F>> {
        let key = RwKey::new(RwTag::TxAccessListAccount, tx_id)
            .address(address)
            .index(constant(1));
        self.rw_access("created flag read", false, key, Committed::Zero)
            .value
    }

    /// Reads (`is_write` false) or writes the slot count (EIP-6780) of account `address` in
    /// tx `tx_id`: its warm-flag cell with index 2, the non-zero storage slots of an account
    /// the tx created; returns the row.
    pub fn slot_count_access(
        &mut self,
        is_write: bool,
        tx_id: Expression<F>,
        address: Expression<F>,
    ) -> RwTableRow<Expression<F>> {
        let key = RwKey::new(RwTag::TxAccessListAccount, tx_id)
            .address(address)
            .index(constant(2));
        self.rw_access("slot count access", is_write, key, Committed::Zero)
    }

    /// Reads the refund counter of tx `tx_id`; returns the value.
    pub fn tx_refund_read(&mut self, tx_id: Expression<F>) -> Word<Expression<F>> {
        let key = RwKey::new(RwTag::TxRefund, tx_id);
        self.rw_access("refund read", false, key, Committed::Zero)
            .value
    }

    /// Reads (`is_write` false) or writes receipt field `field` of tx `tx_id`; returns the
    /// row.
    pub fn tx_receipt_access(
        &mut self,
        is_write: bool,
        tx_id: Expression<F>,
        field: TxReceiptField,
    ) -> RwTableRow<Expression<F>> {
        let key = RwKey::new(RwTag::TxReceipt, tx_id).field(field as u64);
        self.rw_access("receipt access", is_write, key, Committed::Zero)
    }

    /// Writes the step's `LastCalleeId`, `LastCalleeReturnDataOffset` and
    /// `LastCalleeReturnDataLength` as 0 (in this order): a call or creation that started no
    /// callee leaves no return data.
    pub fn write_no_last_callee(&mut self) {
        let call_id = self.step().call_id;
        for field in [
            CallContextField::LastCalleeId,
            CallContextField::LastCalleeReturnDataOffset,
            CallContextField::LastCalleeReturnDataLength,
        ] {
            let written = self.call_context_write(call_id.clone(), field);
            let zero = Word::new(constant(0), constant(0));
            self.require_equal_word(&format!("{field:?} = 0"), written, zero);
        }
    }

    /// Writes context field `field` of call `call_id`; returns the value written.
    pub fn call_context_write(
        &mut self,
        call_id: Expression<F>,
        field: CallContextField,
    ) -> Word<Expression<F>> {
        self.call_context_write_row(call_id, field).value
    }

    /// Writes context field `field` of call `call_id`; returns the row (`value`,
    /// `value_prev`).
    pub fn call_context_write_row(
        &mut self,
        call_id: Expression<F>,
        field: CallContextField,
    ) -> RwTableRow<Expression<F>> {
        let key = RwKey::new(RwTag::CallContext, call_id).field(field as u64);
        self.rw_access("call context write", true, key, Committed::Zero)
    }

    /// A storage-like access (`Storage` with a free `committed_value`, whose meaning the
    /// state circuit proves; `TransientStorage` with zero) of slot `slot` of `address` in tx
    /// `tx_id`; returns the row.
    pub fn storage_access(
        &mut self,
        tag: RwTag,
        is_write: bool,
        tx_id: Expression<F>,
        address: Expression<F>,
        slot: Word<Expression<F>>,
    ) -> RwTableRow<Expression<F>> {
        let committed = if tag == RwTag::Storage {
            Committed::Free
        } else {
            Committed::Zero
        };
        let key = RwKey::new(tag, tx_id).address(address).key(slot);
        self.rw_access("storage access", is_write, key, committed)
    }

    /// An access-list slot flag (EIP-2929) of `slot` of `address` in tx `tx_id`; returns
    /// the row.
    pub fn access_list_storage_access(
        &mut self,
        is_write: bool,
        tx_id: Expression<F>,
        address: Expression<F>,
        slot: Word<Expression<F>>,
    ) -> RwTableRow<Expression<F>> {
        let key = RwKey::new(RwTag::TxAccessListAccountStorage, tx_id)
            .address(address)
            .key(slot);
        self.rw_access("access list slot access", is_write, key, Committed::Zero)
    }

    /// Reads (`is_write` false) or writes the refund counter of tx `tx_id`; returns the row.
    pub fn tx_refund_access(
        &mut self,
        is_write: bool,
        tx_id: Expression<F>,
    ) -> RwTableRow<Expression<F>> {
        let key = RwKey::new(RwTag::TxRefund, tx_id);
        self.rw_access("refund access", is_write, key, Committed::Zero)
    }

    /// Writes field `field` (with topic or byte index `index`) of log `log_id` of tx
    /// `tx_id`; returns the value written.
    pub fn tx_log_write(
        &mut self,
        tx_id: Expression<F>,
        log_id: Expression<F>,
        field: TxLogField,
        index: Expression<F>,
    ) -> Word<Expression<F>> {
        let key = RwKey::new(RwTag::TxLog, tx_id)
            .key_lo(log_id)
            .field(field as u64)
            .index(index);
        self.rw_access("log write", true, key, Committed::Zero)
            .value
    }

    /// A stack access at `stack_pointer + offset` of the step's call; returns the value.
    pub fn stack_lookup(&mut self, is_write: bool, offset: Expression<F>) -> Word<Expression<F>> {
        let step = self.step();
        let what = if is_write {
            "stack write"
        } else {
            "stack read"
        };
        let key = RwKey::new(RwTag::Stack, step.call_id).key_lo(step.stack_pointer + offset);
        let row = self.rw_access(what, is_write, key, Committed::Zero);
        row.value
    }

    /// Pops the next stack item (read at `stack_pointer + pops - pushes`).
    pub fn stack_pop(&mut self) -> Word<Expression<F>> {
        let offset = signed(self.stack_offset);
        self.stack_offset += 1;
        self.stack_lookup(false, offset)
    }

    /// Pushes a stack item (written at `stack_pointer + pops - pushes - 1`).
    pub fn stack_push(&mut self) -> Word<Expression<F>> {
        self.stack_offset -= 1;
        let offset = signed(self.stack_offset);
        self.stack_lookup(true, offset)
    }

    /// Reads context field `field` of call `call_id` (another call's: a caller's context
    /// when its callee returns); returns the value.
    pub fn call_context_read(
        &mut self,
        call_id: Expression<F>,
        field: CallContextField,
    ) -> Word<Expression<F>> {
        let key = RwKey::new(RwTag::CallContext, call_id).field(field as u64);
        self.rw_access("call context read", false, key, Committed::Zero)
            .value
    }

    /// Reads the context field `field` of the step's call; returns the value.
    pub fn call_context_lookup(&mut self, field: CallContextField) -> Word<Expression<F>> {
        let id = self.step().call_id;
        let key = RwKey::new(RwTag::CallContext, id).field(field as u64);
        self.rw_access("call context read", false, key, Committed::Zero)
            .value
    }

    /// Reads the context field of the step's call whose number is `field` (an expression:
    /// gadgets serving several opcodes derive it from the opcode); returns the value.
    pub fn call_context_lookup_expr(&mut self, field: Expression<F>) -> Word<Expression<F>> {
        let id = self.step().call_id;
        let key = RwKey::new(RwTag::CallContext, id).field_expr(field);
        self.rw_access("call context read", false, key, Committed::Zero)
            .value
    }

    /// A memory byte read at `address` of call `call_id` (a caller's memory holding the
    /// call data); returns the value.
    pub fn memory_read_of(
        &mut self,
        call_id: Expression<F>,
        address: Expression<F>,
    ) -> Word<Expression<F>> {
        let key = RwKey::new(RwTag::Memory, call_id).key_lo(address);
        self.rw_access("memory read", false, key, Committed::Zero)
            .value
    }

    /// A memory byte access at `address` of the step's call; returns the value.
    pub fn memory_lookup(&mut self, is_write: bool, address: Expression<F>) -> Word<Expression<F>> {
        let id = self.step().call_id;
        let what = if is_write {
            "memory write"
        } else {
            "memory read"
        };
        let key = RwKey::new(RwTag::Memory, id).key_lo(address);
        self.rw_access(what, is_write, key, Committed::Zero).value
    }

    // ---- tx and block lookups ----

    /// Takes the next context-lookup row of the step for `slot`; returns its columns.
    fn context_row(&mut self, slot: ContextSlot) -> (usize, [Expression<F>; 5]) {
        assert!(
            self.conditions.is_empty(),
            "{}: context lookups are unconditional",
            self.name
        );
        let r = self.context_slots.len();
        self.context_slots.push(slot);
        let c = self.cols.context;
        let rot = rotation_of(r);
        let q = |col: halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>| {
            col.query_cell::<F>(rot)
        };
        (
            r,
            [q(c.id), q(c.tag), q(c.index), q(c.value.lo), q(c.value.hi)],
        )
    }

    /// Looks up field `tag` (item `index`) of tx `tx_id` in the tx table; returns its value.
    pub fn tx_lookup(
        &mut self,
        tx_id: Expression<F>,
        tag: TxFieldTag,
        index: Expression<F>,
    ) -> Word<Expression<F>> {
        let (r, [id, t, i, lo, hi]) = self.context_row(ContextSlot::Tx(tag as u64));
        let n = |f: &str| format!("tx lookup #{r} ({tag:?}): {f}");
        self.require_equal(&n("tx_id"), id, tx_id);
        self.require_equal(&n("tag"), t, constant(tag as u64));
        self.require_equal(&n("index"), i, index);
        Word::new(lo, hi)
    }

    /// Looks up field `tag` (item `index`) of tx `tx_id` in the tx table when `enable` is 1,
    /// and the tx table's zero row when it is 0: the row's key is required to be
    /// `enable·(tx_id, tag, index)` and its `is_tx` stays pinned to 1, so with `enable = 0`
    /// the lookup `(0, 0, 0, value)` forces `value = 0` (tag 0 is only in the zero row).
    /// Returns the value. `enable` must be boolean (the gadget proves it) and `enable`,
    /// `tx_id` and `index` of degree at most 1, so each constraint has degree at most 2.
    pub fn tx_lookup_switched(
        &mut self,
        enable: Expression<F>,
        tx_id: Expression<F>,
        tag: TxFieldTag,
        index: Expression<F>,
    ) -> Word<Expression<F>> {
        let (r, [id, t, i, lo, hi]) = self.context_row(ContextSlot::Tx(tag as u64));
        let n = |f: &str| format!("tx lookup #{r} ({tag:?}): {f}");
        self.require_equal(&n("tx_id = enable·tx_id"), id, enable.clone() * tx_id);
        self.require_equal(
            &n("tag = enable·tag"),
            t,
            enable.clone() * constant(tag as u64),
        );
        self.require_equal(&n("index = enable·index"), i, enable * index);
        Word::new(lo, hi)
    }

    /// Looks up the tx field whose number is `tag` (an expression: gadgets serving several
    /// opcodes derive it from the opcode), item `index`, of tx `tx_id`; returns its value.
    /// The assignment names the actual tag (see `assign_context`).
    pub fn tx_lookup_expr(
        &mut self,
        tx_id: Expression<F>,
        tag: Expression<F>,
        index: Expression<F>,
    ) -> Word<Expression<F>> {
        let (r, [id, t, i, lo, hi]) = self.context_row(ContextSlot::Tx(0));
        let n = |f: &str| format!("tx lookup #{r}: {f}");
        self.require_equal(&n("tx_id"), id, tx_id);
        self.require_equal(&n("tag"), t, tag);
        self.require_equal(&n("index"), i, index);
        Word::new(lo, hi)
    }

    /// Looks up the block field whose number is `tag` (an expression), item `index`, in the
    /// block table; returns its value. The assignment names the actual tag.
    pub fn block_lookup_expr(
        &mut self,
        tag: Expression<F>,
        index: Expression<F>,
    ) -> Word<Expression<F>> {
        let (r, [_, t, i, lo, hi]) = self.context_row(ContextSlot::Block(0));
        let n = |f: &str| format!("block lookup #{r}: {f}");
        self.require_equal(&n("tag"), t, tag);
        self.require_equal(&n("index"), i, index);
        Word::new(lo, hi)
    }

    /// Looks up `claim` in the copy table when `enable` is 1, and the table's zero row when
    /// it is 0 (a copy of zero bytes has no claim): three context rows hold
    /// `enable·field` for the 13 fields, in column order, 5 per row (the last row's two
    /// spare cells are 0), and the first row's `copy_start` fires the lookup. `enable` and
    /// the fields must be of degree at most 1 (put products in cells first).
    pub fn copy_lookup(&mut self, enable: Expression<F>, claim: CopyTableRow<Expression<F>>) {
        let mut fields = claim.to_vec().into_iter();
        for part in 0..3u8 {
            let (r, cells) = self.context_row(ContextSlot::Copy(part));
            for (j, cell) in cells.into_iter().enumerate() {
                let name = format!("copy lookup (row {r}, cell {j}) = enable·field");
                match fields.next() {
                    Some(field) => self.require_equal(&name, cell, enable.clone() * field),
                    None => self
                        .require_zero(&format!("copy lookup (row {r}): spare cell {j} = 0"), cell),
                }
            }
        }
    }

    /// Looks up block field `tag` (item `index`) when `enable` is 1, and the block table's
    /// zero row when it is 0 (value 0, as [`Self::tx_lookup_switched`]). Returns the value.
    /// `enable` must be boolean (the gadget proves it), `enable` and `index` of degree at
    /// most 1.
    pub fn block_lookup_switched(
        &mut self,
        enable: Expression<F>,
        tag: BlockFieldTag,
        index: Expression<F>,
    ) -> Word<Expression<F>> {
        let (r, [_, t, i, lo, hi]) = self.context_row(ContextSlot::Block(tag as u64));
        let n = |f: &str| format!("block lookup #{r} ({tag:?}): {f}");
        self.require_equal(
            &n("tag = enable·tag"),
            t,
            enable.clone() * constant(tag as u64),
        );
        self.require_equal(&n("index = enable·index"), i, enable * index);
        Word::new(lo, hi)
    }

    /// Looks up block field `tag` (item `index`) in the block table; returns its value.
    pub fn block_lookup(
        &mut self,
        tag: BlockFieldTag,
        index: Expression<F>,
    ) -> Word<Expression<F>> {
        let (r, [_, t, i, lo, hi]) = self.context_row(ContextSlot::Block(tag as u64));
        let n = |f: &str| format!("block lookup #{r} ({tag:?}): {f}");
        self.require_equal(&n("tag"), t, constant(tag as u64));
        self.require_equal(&n("index"), i, index);
        Word::new(lo, hi)
    }

    // ---- bytecode lookups ----

    /// Looks up byte `index` of the step's code with `is_code`, in the next lane slot, whose
    /// enable the gadget pins itself (through the returned [`BytecodeSlot::enable`]; the
    /// lanes make it boolean and zero the slot when it is off). `index` and `is_code` are
    /// only required where the slot is on.
    pub fn bytecode_lookup_switched(
        &mut self,
        index: Expression<F>,
        is_code: Expression<F>,
    ) -> BytecodeSlot<F> {
        let slot = self.bytecode_slots;
        self.bytecode_slots += 1;
        let (row, lane) = (
            slot / BYTECODE_LANES,
            self.cols.lanes[slot % BYTECODE_LANES],
        );
        let rot = rotation_of(row);
        let enable = lane.enable.query_cell::<F>(rot);
        let what = |f: &str| format!("bytecode lookup #{slot}: lane.{f}");
        self.require_zero(
            &what("index"),
            enable.clone() * (lane.index.query_cell(rot) - index),
        );
        self.require_zero(
            &what("is_code"),
            enable.clone() * (lane.is_code.query_cell(rot) - is_code),
        );
        BytecodeSlot {
            value: lane.value.query_cell(rot),
            enable,
        }
    }

    /// [`Self::bytecode_lookup_switched`] with the enable pinned to `enable`; returns the
    /// byte's value.
    pub fn bytecode_lookup(
        &mut self,
        index: Expression<F>,
        is_code: Expression<F>,
        enable: Expression<F>,
    ) -> Expression<F> {
        let slot = self.bytecode_lookup_switched(index, is_code);
        self.require_equal("bytecode lookup: lane.enable", slot.enable, enable);
        slot.value
    }

    /// The context lookup columns (for assignment).
    pub fn context_columns(&self) -> super::columns::ContextColumns {
        self.cols.context
    }

    /// Looks up the length of the step's code: the bytecode table's header row
    /// `(code_hash, Header, 0, len, 0)`, on lane 0 of a fresh lane row whose `header` flag is
    /// 1 (the row's other lanes are off). Returns the length and what assigns it.
    pub fn bytecode_length(&mut self) -> CodeLength<F> {
        self.code_length_row()
    }

    /// [`Self::bytecode_length`] of the code with hash `hash` (not the step's): the lane
    /// row's code hash is pinned to `hash`, so the header row `(hash, Header, 0, len, 0)` is
    /// looked up. Assign it with [`CodeLength::assign_of`].
    pub fn bytecode_length_of(&mut self, hash: Word<Expression<F>>) -> CodeLength<F> {
        let len = self.code_length_row();
        self.hash_rows.push((len.row, hash));
        len
    }

    /// `n` byte lookups `(hash, Byte, index_i, value_i, is_code_i)` of the input with hash
    /// `hash` (not the step's code: any input the bytecode table holds, which its circuit
    /// binds to its keccak256 hash), on fresh lane rows whose code hash is pinned to `hash`.
    /// Slot `i` is switched on by `enable_i` and looks up byte `index_i`; its value is
    /// returned for the gadget to constrain, and its `is_code` mark is left to the lookup.
    /// Assign with [`HashedBytes::assign`].
    pub fn hashed_byte_lookups(
        &mut self,
        hash: Word<Expression<F>>,
        lookups: Vec<(Expression<F>, Expression<F>)>,
    ) -> HashedBytes<F> {
        let row = self.bytecode_slots.div_ceil(BYTECODE_LANES);
        let first = row * BYTECODE_LANES;
        let rows = lookups.len().div_ceil(BYTECODE_LANES);
        self.skipped_slots.extend(self.bytecode_slots..first);
        self.skipped_slots
            .extend(first + lookups.len()..first + rows * BYTECODE_LANES);
        self.bytecode_slots = first + rows * BYTECODE_LANES;
        for r in row..row + rows {
            self.hash_rows.push((r, hash.clone()));
        }
        let mut values = Vec::with_capacity(lookups.len());
        for (i, (index, enable)) in lookups.into_iter().enumerate() {
            let (r, lane) = (
                row + i / BYTECODE_LANES,
                self.cols.lanes[i % BYTECODE_LANES],
            );
            let rot = rotation_of(r);
            let on = lane.enable.query_cell::<F>(rot);
            let what = |f: &str| format!("hashed byte lookup #{i}: lane.{f}");
            self.require_equal(&what("enable"), on.clone(), enable);
            self.require_zero(&what("index"), on * (lane.index.query_cell(rot) - index));
            values.push(lane.value.query_cell(rot));
        }
        HashedBytes {
            values,
            row,
            lanes: self.cols.lanes,
            hash: self.cols.bytecode_hash,
        }
    }

    fn code_length_row(&mut self) -> CodeLength<F> {
        let row = self.bytecode_slots.div_ceil(BYTECODE_LANES);
        let first = row * BYTECODE_LANES;
        self.skipped_slots.extend(self.bytecode_slots..first);
        self.skipped_slots.extend(first + 1..first + BYTECODE_LANES);
        self.bytecode_slots = first + BYTECODE_LANES;
        self.header_rows.push(row);
        let lane = self.cols.lanes[0];
        let rot = rotation_of(row);
        let c = |v: u64| constant::<F>(v);
        self.require_equal(
            &format!("code length lookup (row {row}): lane.enable = 1"),
            lane.enable.query_cell(rot),
            c(1),
        );
        self.require_zero(
            &format!("code length lookup (row {row}): lane.index = 0"),
            lane.index.query_cell(rot),
        );
        self.require_zero(
            &format!("code length lookup (row {row}): lane.is_code = 0"),
            lane.is_code.query_cell(rot),
        );
        CodeLength {
            value: lane.value.query_cell(rot),
            row,
            lane,
            header: self.cols.bytecode_header,
            hash: self.cols.bytecode_hash,
        }
    }

    /// The bytecode lane columns (for assignment).
    pub fn bytecode_lanes(&self) -> [BytecodeLane; BYTECODE_LANES] {
        self.cols.lanes
    }

    // ---- fixed-table lookups ----

    /// `n` fixed-table lookups `(tag, a_i, b_i, c_i)`, on fresh rows of the fixed lanes
    /// (`FIXED_LANES` per row, rows not shared with another call); returns their lane cells
    /// for the gadget to constrain. Every row `r` taken gets `fixed_tag = tag` (named
    /// `"{what} (row r)"`, `what` reading like `"fixed_tag = ..."`); lanes left over on the
    /// last row are required zero by [`Self::build`], so `tag` must have the row `(0, 0, 0)`
    /// when `n` is not a multiple of `FIXED_LANES`. Unconditional, like rw accesses: `tag`
    /// must be right on every step of the state.
    pub fn fixed_lookups(&mut self, what: &str, tag: Expression<F>, n: usize) -> FixedLookups<F> {
        assert!(
            self.conditions.is_empty(),
            "{}: fixed lookups are unconditional",
            self.name
        );
        let first = self.fixed_rows.len();
        let rows = n.div_ceil(FIXED_LANES);
        let mut tags = Vec::with_capacity(rows);
        for r in first..first + rows {
            let used = (n - (r - first) * FIXED_LANES).min(FIXED_LANES);
            self.fixed_rows.push(used);
            let cell = Cell::new(self.cols.fixed_tag, r);
            self.require_equal(&format!("{what} (row {r})"), cell.expr(), tag.clone());
            tags.push(cell);
        }
        let lanes = (0..n)
            .map(|i| {
                let (r, lane) = (
                    first + i / FIXED_LANES,
                    self.cols.fixed_lanes[i % FIXED_LANES],
                );
                [lane.a, lane.b, lane.c].map(|c| Cell::new(c, r))
            })
            .collect();
        FixedLookups { tags, lanes }
    }

    // ---- gas ----

    /// Proves `gas_left - constant_gas` fits 8 bytes (enough gas for the step); returns the
    /// 8 byte cells to assign with [`assign_gas_after`](super::execution::assign_gas_after).
    pub fn gas_left_check(&mut self) -> [Cell<F>; 8] {
        let bytes = self.query_bytes::<8>();
        let exprs: Vec<_> = bytes.iter().map(Cell::expr).collect();
        self.require_equal(
            "gas_left - constant_gas = Σ byte_i·256^i (enough gas)",
            self.step().gas_left - self.props().constant_gas,
            expr_from_le_bytes(&exprs),
        );
        bytes
    }

    // ---- transition ----

    /// States the transition of every step-state field.
    pub fn require_step_state_transition(&mut self, t: StepStateTransition<F>) {
        assert!(
            self.transition.is_none(),
            "{}: transition set twice",
            self.name
        );
        self.transition = Some(t);
    }

    /// The next step's state must be one of `states`.
    pub fn require_next_state(&mut self, states: &[ExecutionState]) {
        self.next_states = Some(states.to_vec());
    }

    /// `f(next) = 0` (under the current conditions), where `next(cell)` queries the cell at
    /// `cell`'s position in the *next* step (the cell's rotation plus this step's height).
    /// Only meaningful when the next step's state is known (see
    /// [`Self::require_next_state_if`]) and lays out that cell alike. Unlike the step-state
    /// transition it is not switched off on the last usable row: the total degree stays at
    /// most 5 for a condition of degree 1 and an `f` of degree 1; a gadget using it must
    /// never be assigned as the last step (its successor always follows it).
    pub fn require_next(
        &mut self,
        name: &str,
        f: impl FnOnce(&dyn Fn(&Cell<F>) -> Expression<F>) -> Expression<F> + 'static,
    ) {
        let condition = self
            .conditions
            .iter()
            .fold(constant(1), |acc, c| acc * c.clone());
        self.next_constraints
            .push((format!("{}: {name}", self.name), condition, Box::new(f)));
    }

    /// If `condition` (a boolean expression of degree 1) is 1, the next step's state is
    /// `state`: `condition·(1 - group[g]@next) = 0` and `condition·(1 - index[i]@next) = 0`
    /// (the selector cells are one-hot).
    pub fn require_next_state_if(&mut self, condition: Expression<F>, state: ExecutionState) {
        let s = state_index(state);
        let (group, index) = (
            self.cols.step.group[s / SELECTOR_K],
            self.cols.step.index[s % SELECTOR_K],
        );
        self.condition(condition, |cb| {
            cb.require_next(&format!("next state is {state:?} (group)"), move |next| {
                constant::<F>(1) - next(&Cell::new(group, 0))
            });
            cb.require_next(&format!("next state is {state:?} (index)"), move |next| {
                constant::<F>(1) - next(&Cell::new(index, 0))
            });
        });
    }

    /// `next.{field} = value` for a step-state field picked by `field`, with a `value` of
    /// degree up to 2 (a [`StepStateTransition`] entry is multiplied by the last-row switch
    /// and takes degree 1): a [`Self::require_next`] constraint, so the gadget gives the
    /// field [`Transition::Free`] and is never the last step.
    pub fn require_next_field(
        &mut self,
        name: &str,
        field: impl Fn(
            &StepState<halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>>,
        ) -> halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>,
        value: Expression<F>,
    ) {
        let column = field(&self.cols.step.state);
        self.require_next(&format!("next.{name} = value"), move |next| {
            next(&Cell::new(column, 0)) - value
        });
    }

    /// If `condition` (a boolean expression of degree 1) is 1, the next step executes an
    /// opcode (`is_opcode_step = 1` there): a call's first step, or the caller's step after
    /// its callee returned, never a synthetic step such as `EndTx`.
    pub fn require_next_opcode_step_if(&mut self, condition: Expression<F>) {
        let column = self.cols.step.is_opcode_step;
        self.condition(condition, |cb| {
            cb.require_next("next step executes an opcode", move |next| {
                constant::<F>(1) - next(&Cell::new(column, 0))
            });
        });
    }

    /// The next step is none of the steps that start or end a transaction or a block, nor a
    /// precompile's step: `Σ is_state(s)@next = 0` over `BeginTx`, `BeginTxCreate`,
    /// `BeginTxCreateCollision`, `EndTx`, `EndTxClearSlot`, `EndTxDeleteAccount`,
    /// `EndBlock` and `PrecompileIdentity` (degree 2: each `is_state` is a product of two one-hot cells).
    /// Every step whose call goes on (an opcode that stays in its call, a call into an
    /// account without code, an EXP chain, the transaction's start and its access list)
    /// states it: without it, an `EndTx` could follow any step and end the transaction
    /// before its code did, or another transaction begin in the middle of one. Padding may
    /// follow (it ends a slice of steps; in a block it needs `EndBlock` before it).
    pub fn require_next_not_boundary(&mut self) {
        let cells: Vec<_> = TX_BOUNDARY_STATES
            .into_iter()
            .map(|state| {
                let s = state_index(state);
                (
                    self.cols.step.group[s / SELECTOR_K],
                    self.cols.step.index[s % SELECTOR_K],
                )
            })
            .collect();
        self.not_boundary_constraints += 1;
        self.require_next(
            "next state is not a transaction boundary or a precompile's",
            move |next| {
                cells.iter().fold(constant::<F>(0), |acc, (g, i)| {
                    acc + next(&Cell::new(*g, 0)) * next(&Cell::new(*i, 0))
                })
            },
        );
    }

    /// Ends the configuration: adds the builder's own constraints for the step's height,
    /// registers the gate and returns the layout.
    pub fn build(mut self) -> StepLayout {
        let transition = self
            .transition
            .take()
            .unwrap_or_else(|| panic!("{}: no step-state transition", self.name));
        // A chunk of a block may end after this step (padding next, the chunk's last state
        // public) only if everything it requires of its successor is the successor's state
        // fields and that it is not a transaction boundary, which the next chunk's public
        // first state shows. Else padding may not follow it where `q_chunk` is on.
        let ends_chunk = self.next_constraints.len() == self.not_boundary_constraints
            && !transition.any_free()
            && self
                .next_states
                .as_ref()
                .is_none_or(|s| s.contains(&ExecutionState::Padding));
        let lane_rows = self.bytecode_slots.div_ceil(BYTECODE_LANES);
        let undos = std::mem::take(&mut self.undo_rows);
        self.undo_constraints(&undos);
        let height = self
            .cells
            .height()
            .max(self.rw_accesses + undos.len())
            .max(self.context_slots.len())
            .max(lane_rows)
            .max(self.fixed_rows.len())
            .max(1);
        let step = self.step();
        let cols = self.cols;
        let (required, optional) = match self.optional_rws.take() {
            None => (self.rw_accesses, None),
            Some(o) => (o.first, Some(o.condition)),
        };
        for r in 0..height {
            let rot = rotation_of(r);
            let switched = self.rw_switches.iter().find(|(row, _)| *row == r);
            let undo = r.checked_sub(self.rw_accesses).and_then(|j| undos.get(j));
            let enable = match (&optional, switched) {
                _ if undo.is_some() => undo.map(|u| u.enable.clone()).unwrap_or(constant(0)),
                (_, Some((_, s))) => s.clone(),
                (Some(c), None) if r >= required && r < self.rw_accesses => c.clone(),
                _ => constant(u64::from(r < required)),
            };
            self.require_equal(
                &format!("row {r}: rw_enable"),
                cols.rw_enable.query_cell(rot),
                enable,
            );
            let slot = self.context_slots.get(r).copied();
            let (is_tx, is_block) = match slot {
                Some(ContextSlot::Tx(_)) => (1, 0),
                Some(ContextSlot::Block(_)) => (0, 1),
                Some(ContextSlot::Copy(_)) | None => (0, 0),
            };
            let (copy_start, copy_body) = match slot {
                Some(ContextSlot::Copy(part)) => (u64::from(part == 0), 1),
                _ => (0, 0),
            };
            self.require_equal(
                &format!("row {r}: context copy_start"),
                cols.context.copy_start.query_cell(rot),
                constant(copy_start),
            );
            self.require_equal(
                &format!("row {r}: context copy_body"),
                cols.context.copy_body.query_cell(rot),
                constant(copy_body),
            );
            self.require_equal(
                &format!("row {r}: context is_tx"),
                cols.context.is_tx.query_cell(rot),
                constant(is_tx),
            );
            self.require_equal(
                &format!("row {r}: context is_block"),
                cols.context.is_block.query_cell(rot),
                constant(is_block),
            );
            let of_hash = self.hash_rows.iter().find(|(row, _)| *row == r);
            let hash = if let Some((_, hash)) = of_hash {
                hash.clone()
            } else if r < lane_rows {
                step.code_hash.clone()
            } else {
                Word::new(constant(0), constant(0))
            };
            self.require_equal_word(
                &format!("row {r}: bytecode lane code_hash"),
                cols.bytecode_hash.map(|c| c.query_cell(rot)),
                hash,
            );
            self.require_equal(
                &format!("row {r}: bytecode header flag"),
                cols.bytecode_header.query_cell(rot),
                constant(u64::from(self.header_rows.contains(&r))),
            );
            for (j, lane) in cols.lanes.iter().enumerate() {
                let slot = r * BYTECODE_LANES + j;
                if slot >= self.bytecode_slots || self.skipped_slots.contains(&slot) {
                    self.require_zero(
                        &format!("row {r}: unused bytecode lane {j} is off"),
                        lane.enable.query_cell(rot),
                    );
                }
            }
            match self.fixed_rows.get(r).copied() {
                None => self.require_zero(
                    &format!("row {r}: fixed lanes are off (fixed_tag = 0)"),
                    cols.fixed_tag.query_cell(rot),
                ),
                Some(used) => {
                    for (j, lane) in cols.fixed_lanes.iter().enumerate().skip(used) {
                        for c in lane.to_vec() {
                            self.require_zero(
                                &format!("row {r}: unused fixed lane {j} is zero"),
                                c.query_cell(rot),
                            );
                        }
                    }
                }
            }
        }
        self.require_equal(
            "is_opcode_step",
            cols.step.is_opcode_step.query_cell(Rotation::cur()),
            constant(u64::from(self.is_opcode_state)),
        );

        let not_last = constant::<F>(1) - cols.fixed.q_last.query_cell::<F>(Rotation::cur());
        let next = cols.step.state_at::<F>(height);
        self.condition(not_last.clone(), |cb| {
            cb.transition_constraints(transition, step, next)
        });
        if let Some(states) = self.next_states.take() {
            // One-hot: "next state ∈ G×I" is "Σ_{g∈G} group[g] = 1 and Σ_{i∈I} index[i] = 1"
            // (degree 1). The allowed set must be such a product.
            let mut groups: Vec<usize> = states
                .iter()
                .map(|s| state_index(*s) / SELECTOR_K)
                .collect();
            let mut indexes: Vec<usize> = states
                .iter()
                .map(|s| state_index(*s) % SELECTOR_K)
                .collect();
            groups.sort_unstable();
            groups.dedup();
            indexes.sort_unstable();
            indexes.dedup();
            assert_eq!(
                groups.len() * indexes.len(),
                states.len(),
                "{}: next states {states:?} are not a product of selector groups and indexes",
                self.name
            );
            let rot = rotation_of(height);
            let sum = |cs: &[halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>],
                       which: &[usize]| {
                which
                    .iter()
                    .fold(constant::<F>(0), |acc, i| acc + cs[*i].query_cell::<F>(rot))
            };
            let names: Vec<String> = states.iter().map(|s| format!("{s:?}")).collect();
            let name = format!("next state is {}", names.join(" or "));
            let g = sum(&cols.step.group, &groups);
            let i = sum(&cols.step.index, &indexes);
            self.condition(not_last, |cb| {
                cb.require_equal(&format!("{name} (group)"), g, constant(1));
                cb.require_equal(&format!("{name} (index)"), i, constant(1));
            });
        }

        let next_cell = |c: &Cell<F>| c.column.query_cell(rotation_of(height + c.rotation));
        for (name, condition, f) in std::mem::take(&mut self.next_constraints) {
            self.constraints.push((name, condition * f(&next_cell)));
        }
        if !ends_chunk {
            // Degree 5: q_chunk (0 off the usable rows) · this state · Padding next.
            let q_chunk = cols.fixed.q_chunk.query_cell::<F>(Rotation::cur());
            let here = cols.step.is_state::<F>(self.state, 0);
            let padding_next = cols.step.is_state::<F>(ExecutionState::Padding, height);
            let name = format!("{}: a chunk does not end here (no padding next)", self.name);
            self.meta.create_gate(self.name, move |_| {
                vec![(name, q_chunk * here * padding_next)]
            });
        }

        let layout = StepLayout {
            height,
            rw_accesses: self.rw_accesses,
            rw_optional: self.rw_accesses - required,
            optional_on_caller: self.optional_on_caller,
            context_lookups: self.context_slots.len(),
            bytecode_lookups: self.bytecode_slots,
            fixed_lookups: self.fixed_rows.iter().sum(),
            plain_cells: self.cells.used(CellType::Plain),
            byte_cells: self.cells.used(CellType::Byte),
            constraints: self.constraints.len(),
            extra_rws: self.extra_rws.is_some(),
            rw_switched: !self.rw_switches.is_empty(),
            undos: undos.len(),
            undo_of: std::array::from_fn(|j| undos.get(j).map_or(0, |u| u.forward)),
            ends_chunk,
        };
        let enable = self.gate_enable();
        let constraints = std::mem::take(&mut self.constraints);
        self.meta.create_gate(self.name, |_| {
            constraints
                .into_iter()
                .map(|(n, e)| (n, enable.clone() * e))
                .collect::<Vec<_>>()
        });
        layout
    }

    fn transition_constraints(
        &mut self,
        t: StepStateTransition<F>,
        cur: StepState<Expression<F>>,
        next: StepState<Expression<F>>,
    ) {
        let one = |cb: &mut Self,
                   name: &str,
                   tr: Transition<Expression<F>>,
                   c: Expression<F>,
                   n: Expression<F>| {
            let (what, expected) = match tr {
                Transition::Same => ("next.{} = {}", c),
                Transition::Delta(d) => ("next.{} = {} + delta", c + d),
                Transition::To(v) => ("next.{} = value", v),
                Transition::Free => return,
            };
            let label = what.replacen("{}", name, 2);
            cb.require_equal(&label, n, expected);
        };
        one(
            self,
            "rw_counter",
            t.rw_counter,
            cur.rw_counter,
            next.rw_counter,
        );
        one(self, "call_id", t.call_id, cur.call_id, next.call_id);
        one(self, "is_root", t.is_root, cur.is_root, next.is_root);
        one(
            self,
            "is_create",
            t.is_create,
            cur.is_create,
            next.is_create,
        );
        let (hash_lo, hash_hi) = match t.code_hash {
            Transition::Same => (Transition::Same, Transition::Same),
            Transition::Delta(w) => (Transition::Delta(w.lo), Transition::Delta(w.hi)),
            Transition::To(w) => (Transition::To(w.lo), Transition::To(w.hi)),
            Transition::Free => (Transition::Free, Transition::Free),
        };
        one(
            self,
            "code_hash_lo",
            hash_lo,
            cur.code_hash.lo,
            next.code_hash.lo,
        );
        one(
            self,
            "code_hash_hi",
            hash_hi,
            cur.code_hash.hi,
            next.code_hash.hi,
        );
        one(
            self,
            "program_counter",
            t.program_counter,
            cur.program_counter,
            next.program_counter,
        );
        one(
            self,
            "stack_pointer",
            t.stack_pointer,
            cur.stack_pointer,
            next.stack_pointer,
        );
        one(self, "gas_left", t.gas_left, cur.gas_left, next.gas_left);
        one(
            self,
            "memory_word_size",
            t.memory_word_size,
            cur.memory_word_size,
            next.memory_word_size,
        );
        one(
            self,
            "reversible_write_counter",
            t.reversible_write_counter,
            cur.reversible_write_counter,
            next.reversible_write_counter,
        );
        one(self, "log_id", t.log_id, cur.log_id, next.log_id);
        one(self, "tx_id", t.tx_id, cur.tx_id, next.tx_id);
        one(self, "refund", t.refund, cur.refund, next.refund);
        one(
            self,
            "is_persistent",
            t.is_persistent,
            cur.is_persistent,
            next.is_persistent,
        );
        one(
            self,
            "rw_counter_end_of_reversion",
            t.rw_counter_end_of_reversion,
            cur.rw_counter_end_of_reversion,
            next.rw_counter_end_of_reversion,
        );
    }
}
