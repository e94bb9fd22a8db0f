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
//!   is fixed by the gadget;
//! - the bytecode lanes of rows `r < h` carry the step's `code_hash` on the rows the gadget
//!   used and 0 elsewhere, every lane slot the gadget did not use is switched off, and the
//!   row's `header` flag is 1 exactly on the rows of its code-length lookups;
//! - `is_opcode_step` is 1 for opcode states, 0 for synthetic ones;
//! - the transition ([`StepStateTransition`], one entry per step-state field, all
//!   mandatory) and the allowed next states, queried at `Rotation(h)` and switched off on
//!   the last usable row (which is a `Padding` step).

use super::{
    cell::{rotation_of, Cell, WordCell},
    cell_manager::{CellManager, CellType},
    columns::{BytecodeLane, EvmColumns, BYTECODE_LANES},
    step::{state_index, OpcodeProps, StepState, SELECTOR_K},
};
use crate::table::RwTableRow;
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_witness::{CallContextField, ExecutionState, RwTag};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{ConstraintSystem, Expression},
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
}

/// One bytecode lookup slot: the byte it reads and its switch.
#[derive(Clone, Debug)]
pub struct BytecodeSlot<F: PrimeField> {
    /// The byte value.
    pub value: Expression<F>,
    /// 1 when the lookup is on.
    pub enable: Expression<F>,
}

/// A lookup of the step's code length (the bytecode table's header row), on lane 0 of a
/// lane row of its own ([`ConstraintBuilder::bytecode_length`]).
#[derive(Clone, Debug)]
pub struct CodeLength<F: PrimeField> {
    /// The code's length.
    pub value: Expression<F>,
    /// The step row of the lookup.
    pub row: usize,
    lane: BytecodeLane,
    header: halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>,
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
}

/// What a gadget's configuration used (for the layout and for `stats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepLayout {
    /// Rows of the step.
    pub height: usize,
    /// Rw accesses (rows of the rw group used).
    pub rw_accesses: usize,
    /// Bytecode lane lookups.
    pub bytecode_lookups: usize,
    /// Plain cells allocated.
    pub plain_cells: usize,
    /// Byte cells allocated.
    pub byte_cells: usize,
    /// Constraints of the gadget's gate (including the builder's own).
    pub constraints: usize,
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
    stack_offset: i64,
    bytecode_slots: usize,
    /// Lane slots passed over (their lanes are switched off).
    skipped_slots: Vec<usize>,
    /// Lane rows holding a code-length lookup.
    header_rows: Vec<usize>,
    transition: Option<StepStateTransition<F>>,
    next_states: Option<Vec<ExecutionState>>,
}

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
            stack_offset: 0,
            bytecode_slots: 0,
            skipped_slots: Vec::new(),
            header_rows: Vec::new(),
            transition: None,
            next_states: None,
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

    /// Rw accesses made so far (`Delta` for `rw_counter`).
    pub fn rw_counter_delta(&self) -> Expression<F> {
        constant(self.rw_accesses as u64)
    }

    // ---- rw lookups ----

    /// Takes the next rw row of the step; constrains its counter, direction, tag, id,
    /// address, field, key and index; returns the row's expressions.
    fn rw_access(
        &mut self,
        what: &str,
        is_write: bool,
        tag: RwTag,
        id: Expression<F>,
        field_tag: u64,
        key_lo: Expression<F>,
    ) -> RwTableRow<Expression<F>> {
        assert!(
            self.conditions.is_empty(),
            "{}: rw accesses are unconditional (the step's rw count is fixed)",
            self.name
        );
        let k = self.rw_accesses;
        self.rw_accesses += 1;
        let row = self.cols.rw.map(|c| c.query_cell::<F>(rotation_of(k)));
        let step = self.step();
        let zero = || constant::<F>(0);
        let n = |field: &str| format!("{what} #{k}: rw.{field}");
        self.require_equal(
            &n("rw_counter = step.rw_counter + k"),
            row.rw_counter.clone(),
            step.rw_counter + constant(k as u64),
        );
        self.require_equal(
            &n("is_write"),
            row.is_write.clone(),
            constant(u64::from(is_write)),
        );
        self.require_equal(&n("tag"), row.tag.clone(), constant(tag as u64));
        self.require_equal(&n("id"), row.id.clone(), id);
        self.require_equal(&n("address"), row.address.clone(), zero());
        self.require_equal(&n("field_tag"), row.field_tag.clone(), constant(field_tag));
        self.require_equal(&n("key.lo"), row.key.lo.clone(), key_lo);
        self.require_equal(&n("key.hi"), row.key.hi.clone(), zero());
        self.require_equal(&n("index"), row.index.clone(), zero());
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
        if !is_write {
            self.require_equal_word(
                &n("value_prev = value (read)"),
                row.value_prev.clone(),
                row.value.clone(),
            );
        }
        row
    }

    /// A stack access at `stack_pointer + offset` of the step's call; returns the value.
    pub fn stack_lookup(&mut self, is_write: bool, offset: Expression<F>) -> Word<Expression<F>> {
        let step = self.step();
        let what = if is_write {
            "stack write"
        } else {
            "stack read"
        };
        let row = self.rw_access(
            what,
            is_write,
            RwTag::Stack,
            step.call_id,
            0,
            step.stack_pointer + offset,
        );
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

    /// Reads the context field `field` of the step's call; returns the value.
    pub fn call_context_lookup(&mut self, field: CallContextField) -> Word<Expression<F>> {
        let id = self.step().call_id;
        let row = self.rw_access(
            "call context read",
            false,
            RwTag::CallContext,
            id,
            field as u64,
            constant(0),
        );
        row.value
    }

    /// A memory byte access at `address` of the step's call; returns the value.
    pub fn memory_lookup(&mut self, is_write: bool, address: Expression<F>) -> Word<Expression<F>> {
        let id = self.step().call_id;
        let what = if is_write {
            "memory write"
        } else {
            "memory read"
        };
        let row = self.rw_access(what, is_write, RwTag::Memory, id, 0, address);
        row.value
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

    /// Looks up the length of the step's code: the bytecode table's header row
    /// `(code_hash, Header, 0, len, 0)`, on lane 0 of a fresh lane row whose `header` flag is
    /// 1 (the row's other lanes are off). Returns the length and what assigns it.
    pub fn bytecode_length(&mut self) -> CodeLength<F> {
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
        }
    }

    /// The bytecode lane columns (for assignment).
    pub fn bytecode_lanes(&self) -> [BytecodeLane; BYTECODE_LANES] {
        self.cols.lanes
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

    /// Ends the configuration: adds the builder's own constraints for the step's height,
    /// registers the gate and returns the layout.
    pub fn build(mut self) -> StepLayout {
        let transition = self
            .transition
            .take()
            .unwrap_or_else(|| panic!("{}: no step-state transition", self.name));
        let lane_rows = self.bytecode_slots.div_ceil(BYTECODE_LANES);
        let height = self
            .cells
            .height()
            .max(self.rw_accesses)
            .max(lane_rows)
            .max(1);
        let step = self.step();
        let cols = self.cols;
        for r in 0..height {
            let rot = rotation_of(r);
            self.require_equal(
                &format!("row {r}: rw_enable"),
                cols.rw_enable.query_cell(rot),
                constant(u64::from(r < self.rw_accesses)),
            );
            let hash = if r < lane_rows {
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

        let layout = StepLayout {
            height,
            rw_accesses: self.rw_accesses,
            bytecode_lookups: self.bytecode_slots,
            plain_cells: self.cells.used(CellType::Plain),
            byte_cells: self.cells.used(CellType::Byte),
            constraints: self.constraints.len(),
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
    }
}
