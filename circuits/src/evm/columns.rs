//! Every column of the EVM circuit, and the constraints and lookups that hold on every usable
//! row whatever the step.
//!
//! Column groups:
//! - the step columns ([`StepColumns`]) and fixed `q_usable`, `q_first`, `q_last`;
//! - `PLAIN_WIDTH` plain cell columns and `BYTE_WIDTH` byte cell columns (handed out by the
//!   [`CellManager`](super::cell_manager::CellManager));
//! - the **rw lookup group**: one column per rw-table column plus `rw_enable`, one rw access
//!   per row;
//! - the **bytecode lanes**: per row a `code_hash` (lo, hi), a `header` flag and
//!   `BYTECODE_LANES` lanes of `(index, value, is_code, enable)`, one bytecode lookup per
//!   lane: of a byte (`header = 0`), or of the code's length (`header = 1`, the table's
//!   header row `(code_hash, Header, 0, len, 0)`). The gadget's builder pins `header` on
//!   every row of a step.
//! - the **context group**: per row one tx-table or block-table lookup
//!   ([`ContextColumns`]).
//! - the **fixed lanes**: per row a `fixed_tag` and `FIXED_LANES` lanes of `(a, b, c)`, one
//!   fixed-table lookup `(fixed_tag, a, b, c)` per lane. The tag is the switch: the only
//!   fixed-table row with tag 0 is the zero row, so on a row whose tag is 0 every lane is
//!   zero (no enable column is needed). The constraint builder pins the tag of every row of
//!   a step (to the gadget's tag on the rows it uses, to 0 elsewhere).
//!
//! Row-wise constraints and lookups (under `q_usable` where it matters for completeness; a
//! lookup switched on where it should not be can only fail, never help a prover):
//!
//! ```text
//! "RW: a row without rw access is zero"             (1 - rw_enable) · col = 0
//! "EVM rw lookup"                                   rw_enable · (rw row) ∈ rw table
//! "BYTECODE: lane enable is boolean"                e · (1 - e) = 0
//! "BYTECODE: a lane without lookup is zero"         (1 - e) · (index, value, is_code) = 0
//! "EVM bytecode lane j"                             e · (code_hash, Byte - header, index, value, is_code) ∈ bytecode table
//! "CONTEXT: ..."                                    is_tx, is_block, copy_body boolean, exclusive; zero row when off
//! "EVM copy lookup"                                 copy_start · (13 value cells of rows r, r+1, r+2) ∈ copy table
//! "EVM tx lookup"                                   is_tx · (id, tag, index, value) ∈ tx table
//! "EVM block lookup"                                is_block · (tag, index, value) ∈ block table
//! "EVM byte cell in 0..=255"                        q_usable · (Range256, byte) ∈ fixed table, per byte column
//! "EVM fixed lane j"                                (fixed_tag, a_j, b_j, c_j) ∈ fixed table
//! "OPCODE: opcode columns are zero on synthetic steps"   (1 - is_opcode_step) · col = 0
//! "EVM opcode at pc"                                is_opcode_step · (code_hash, Byte, pc, opcode, 1) ∈ bytecode table
//! "EVM responsible opcode"                          is_opcode_step · (ResponsibleOpcode, state index, opcode) ∈ fixed table
//! "EVM opcode properties"                           is_opcode_step · (OpcodeProperties, opcode, props..) ∈ fixed table
//! ```

use super::step::{LayoutFixed, StepColumns};
use crate::table::{
    BytecodeFieldTag, BytecodeTableRow, FixedTable, FixedTableTag, LookupTable, RwTableRow, Tables,
};
use equivm_gadgets::Word;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Expression},
    poly::Rotation,
};

// A header lane looks up tag `Byte - 1`, which must be `Header`.
const _: () = assert!(BytecodeFieldTag::Byte as u64 - 1 == BytecodeFieldTag::Header as u64);

/// Plain cell columns.
pub const PLAIN_WIDTH: usize = 4;
/// Byte cell columns.
pub const BYTE_WIDTH: usize = 10;
/// Bytecode lookups per row.
pub const BYTECODE_LANES: usize = 4;
/// Fixed-table lookups per row (the fixed lanes).
pub const FIXED_LANES: usize = 4;

/// One bytecode lane: a byte lookup `(index, value, is_code)` switched on by `enable`.
#[derive(Clone, Copy, Debug)]
pub struct BytecodeLane {
    /// Byte index in the code.
    pub index: Column<Advice>,
    /// Byte value.
    pub value: Column<Advice>,
    /// 1 for an opcode byte, 0 for push data.
    pub is_code: Column<Advice>,
    /// 1 when the lane looks up.
    pub enable: Column<Advice>,
}

/// The context lookup group: one tx- or block-table lookup per row.
#[derive(Clone, Copy, Debug)]
pub struct ContextColumns {
    /// Tx id (tx lookups; 0 for block lookups).
    pub id: Column<Advice>,
    /// Field tag of the table looked up.
    pub tag: Column<Advice>,
    /// Item index (0 for scalar fields).
    pub index: Column<Advice>,
    /// The field's value.
    pub value: Word<Column<Advice>>,
    /// 1 on a row that looks up the tx table.
    pub is_tx: Column<Advice>,
    /// 1 on a row that looks up the block table.
    pub is_block: Column<Advice>,
    /// 1 on the first of the three rows of a copy-table lookup.
    pub copy_start: Column<Advice>,
    /// 1 on each of the three rows of a copy-table lookup.
    pub copy_body: Column<Advice>,
}

impl ContextColumns {
    /// The columns in order `id, tag, index, value.lo, value.hi, is_tx, is_block,
    /// copy_start, copy_body`.
    pub fn to_vec(self) -> Vec<Column<Advice>> {
        vec![
            self.id,
            self.tag,
            self.index,
            self.value.lo,
            self.value.hi,
            self.is_tx,
            self.is_block,
            self.copy_start,
            self.copy_body,
        ]
    }

    /// The five value columns of a row (`id, tag, index, value.lo, value.hi`): a copy-table
    /// lookup spreads its 13 fields over three rows of them.
    pub fn values(self) -> [Column<Advice>; 5] {
        [self.id, self.tag, self.index, self.value.lo, self.value.hi]
    }
}

/// One fixed lane: the values `(a, b, c)` of a fixed-table lookup under its row's tag.
#[derive(Clone, Copy, Debug)]
pub struct FixedLane {
    /// `value[0]` of the fixed-table row.
    pub a: Column<Advice>,
    /// `value[1]`.
    pub b: Column<Advice>,
    /// `value[2]`.
    pub c: Column<Advice>,
}

impl FixedLane {
    /// The three columns, in lookup order.
    pub fn to_vec(self) -> Vec<Column<Advice>> {
        vec![self.a, self.b, self.c]
    }
}

/// All columns of the EVM circuit.
#[derive(Clone, Debug)]
pub struct EvmColumns {
    /// Fixed row markers and the public input column.
    pub fixed: LayoutFixed,
    /// Step columns.
    pub step: StepColumns,
    /// Plain cell columns.
    pub plain: Vec<Column<Advice>>,
    /// Byte cell columns.
    pub bytes: Vec<Column<Advice>>,
    /// Rw lookup group: one rw-table row per row.
    pub rw: RwTableRow<Column<Advice>>,
    /// 1 on a row that makes an rw access.
    pub rw_enable: Column<Advice>,
    /// Code hash of the row's bytecode lookups.
    pub bytecode_hash: Word<Column<Advice>>,
    /// 1 on a row whose lanes look up the code's length (the table's header row) instead
    /// of bytes (`Byte - header` is the looked-up tag).
    pub bytecode_header: Column<Advice>,
    /// Bytecode lanes.
    pub lanes: [BytecodeLane; BYTECODE_LANES],
    /// Tx- and block-table lookup group.
    pub context: ContextColumns,
    /// Fixed-table tag of the row's fixed lanes (0: the lanes are off, hence zero).
    pub fixed_tag: Column<Advice>,
    /// Fixed lanes.
    pub fixed_lanes: [FixedLane; FIXED_LANES],
}

fn cur<F: PrimeField>(c: Column<Advice>) -> Expression<F> {
    c.query_cell(Rotation::cur())
}

impl EvmColumns {
    /// Allocates every column and registers the row-wise constraints and lookups.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>, tables: &Tables) -> Self {
        let fixed = LayoutFixed {
            q_usable: meta.fixed_column(),
            q_first: meta.fixed_column(),
            q_last: meta.fixed_column(),
            q_block: meta.fixed_column(),
            q_chunk: meta.fixed_column(),
            first_state: meta.instance_column(),
        };
        let step = StepColumns::configure(meta);
        let plain = (0..PLAIN_WIDTH).map(|_| meta.advice_column()).collect();
        let bytes = (0..BYTE_WIDTH).map(|_| meta.advice_column()).collect();
        let rw = RwTableRow::default().map(|()| meta.advice_column());
        let rw_enable = meta.advice_column();
        let bytecode_hash = Word::new(meta.advice_column(), meta.advice_column());
        let bytecode_header = meta.advice_column();
        let lanes = std::array::from_fn(|_| BytecodeLane {
            index: meta.advice_column(),
            value: meta.advice_column(),
            is_code: meta.advice_column(),
            enable: meta.advice_column(),
        });
        let context = ContextColumns {
            id: meta.advice_column(),
            tag: meta.advice_column(),
            index: meta.advice_column(),
            value: Word::new(meta.advice_column(), meta.advice_column()),
            is_tx: meta.advice_column(),
            is_block: meta.advice_column(),
            copy_start: meta.advice_column(),
            copy_body: meta.advice_column(),
        };
        let fixed_tag = meta.advice_column();
        let fixed_lanes = std::array::from_fn(|_| FixedLane {
            a: meta.advice_column(),
            b: meta.advice_column(),
            c: meta.advice_column(),
        });
        let cols = Self {
            context,
            fixed,
            step,
            plain,
            bytes,
            rw,
            rw_enable,
            bytecode_hash,
            bytecode_header,
            lanes,
            fixed_tag,
            fixed_lanes,
        };
        cols.configure_rows(meta, tables);
        cols
    }

    fn configure_rows<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>, tables: &Tables) {
        let one = || Expression::Constant(F::ONE);
        let q_usable = self.fixed.q_usable.query_cell::<F>(Rotation::cur());
        let mut cs: Vec<(String, Expression<F>)> = Vec::new();

        let rw_enable = cur::<F>(self.rw_enable);
        for c in self.rw.to_vec() {
            cs.push((
                "RW: a row without rw access is zero".into(),
                (one() - rw_enable.clone()) * cur(c),
            ));
        }
        tables.rw.lookup(meta, "EVM rw lookup", |_| {
            self.rw
                .to_vec()
                .into_iter()
                .map(|c| rw_enable.clone() * cur(c))
                .collect()
        });

        for (j, lane) in self.lanes.iter().enumerate() {
            let e = cur::<F>(lane.enable);
            cs.push((
                "BYTECODE: lane enable is boolean".into(),
                e.clone() * (one() - e.clone()),
            ));
            for c in [lane.index, lane.value, lane.is_code] {
                cs.push((
                    "BYTECODE: a lane without lookup is zero".into(),
                    (one() - e.clone()) * cur(c),
                ));
            }
            let row = BytecodeTableRow {
                code_hash: self.bytecode_hash.map(cur),
                tag: Expression::Constant(F::from(BytecodeFieldTag::Byte as u64))
                    - cur(self.bytecode_header),
                index: cur(lane.index),
                value: cur(lane.value),
                is_code: cur(lane.is_code),
            };
            tables
                .bytecode
                .lookup(meta, &format!("EVM bytecode lane {j}"), |_| {
                    row.to_vec().into_iter().map(|x| e.clone() * x).collect()
                });
        }

        let ctx = self.context;
        let (is_tx, is_block) = (cur::<F>(ctx.is_tx), cur::<F>(ctx.is_block));
        cs.push((
            "CONTEXT: is_tx is boolean".into(),
            is_tx.clone() * (one() - is_tx.clone()),
        ));
        cs.push((
            "CONTEXT: is_block is boolean".into(),
            is_block.clone() * (one() - is_block.clone()),
        ));
        cs.push((
            "CONTEXT: one table per row".into(),
            is_tx.clone() * is_block.clone(),
        ));
        let (copy_start, copy_body) = (cur::<F>(ctx.copy_start), cur::<F>(ctx.copy_body));
        cs.push((
            "CONTEXT: copy_start is boolean".into(),
            copy_start.clone() * (one() - copy_start.clone()),
        ));
        cs.push((
            "CONTEXT: copy_body is boolean".into(),
            copy_body.clone() * (one() - copy_body.clone()),
        ));
        cs.push((
            "CONTEXT: a copy row looks up no other table".into(),
            (is_tx.clone() + is_block.clone()) * copy_body.clone(),
        ));
        for c in [ctx.id, ctx.tag, ctx.index, ctx.value.lo, ctx.value.hi] {
            cs.push((
                "CONTEXT: a row without lookup is zero".into(),
                (one() - is_tx.clone() - is_block.clone() - copy_body.clone()) * cur(c),
            ));
        }
        cs.push((
            "CONTEXT: block lookups have id 0".into(),
            is_block.clone() * cur(ctx.id),
        ));
        let tx_row = [ctx.id, ctx.tag, ctx.index, ctx.value.lo, ctx.value.hi];
        tables.tx.lookup(meta, "EVM tx lookup", |_| {
            tx_row.iter().map(|c| is_tx.clone() * cur(*c)).collect()
        });
        tables.copy.lookup(meta, "EVM copy lookup", |m| {
            let start = m.query_advice(ctx.copy_start, Rotation::cur());
            (0..3)
                .flat_map(|r| ctx.values().map(move |c| (r, c)))
                .take(13)
                .map(|(r, c)| start.clone() * m.query_advice(c, Rotation(r)))
                .collect()
        });
        let block_row = [ctx.tag, ctx.index, ctx.value.lo, ctx.value.hi];
        tables.block.lookup(meta, "EVM block lookup", |_| {
            block_row
                .iter()
                .map(|c| is_block.clone() * cur(*c))
                .collect()
        });

        for c in &self.bytes {
            tables.fixed.lookup(meta, "EVM byte cell in 0..=255", |_| {
                FixedTable::input(q_usable.clone(), FixedTableTag::Range256, &[cur(*c)])
            });
        }

        // No condition: a row whose tag is 0 can only match the zero row.
        let fixed_tag = cur::<F>(self.fixed_tag);
        for (j, lane) in self.fixed_lanes.iter().enumerate() {
            tables
                .fixed
                .lookup(meta, &format!("EVM fixed lane {j}"), |_| {
                    let zero = || Expression::Constant(F::ZERO);
                    let values: Vec<_> = lane.to_vec().into_iter().map(cur).collect();
                    std::iter::once(fixed_tag.clone())
                        .chain(values)
                        .chain(std::iter::repeat_with(zero))
                        .take(1 + crate::table::fixed::FIXED_VALUES)
                        .collect()
                });
        }

        let step = &self.step;
        let is_op = cur::<F>(step.is_opcode_step);
        let mut op_cols = vec![step.opcode];
        op_cols.extend(step.props.to_vec());
        for c in op_cols {
            cs.push((
                "OPCODE: opcode columns are zero on synthetic steps".into(),
                (one() - is_op.clone()) * cur(c),
            ));
        }
        let opcode = cur::<F>(step.opcode);
        let at_pc = BytecodeTableRow {
            code_hash: step.state.code_hash.map(cur),
            tag: Expression::Constant(F::from(BytecodeFieldTag::Byte as u64)),
            index: cur(step.state.program_counter),
            value: opcode.clone(),
            is_code: one(),
        };
        tables.bytecode.lookup(meta, "EVM opcode at pc", |_| {
            at_pc
                .to_vec()
                .into_iter()
                .map(|x| is_op.clone() * x)
                .collect()
        });
        tables.fixed.lookup(meta, "EVM responsible opcode", |_| {
            FixedTable::input(
                is_op.clone(),
                FixedTableTag::ResponsibleOpcode,
                &[step.state_index_expr(), opcode.clone()],
            )
        });
        let mut props = vec![opcode.clone()];
        props.extend(step.props.to_vec().into_iter().map(cur));
        tables.fixed.lookup(meta, "EVM opcode properties", |_| {
            FixedTable::input(is_op.clone(), FixedTableTag::OpcodeProperties, &props)
        });

        meta.create_gate("EVM rows", |_| {
            cs.into_iter()
                .map(|(name, e)| (name, q_usable.clone() * e))
                .collect::<Vec<_>>()
        });
    }

    /// Number of advice columns of the EVM circuit (tables excluded).
    pub fn advice_count(&self) -> usize {
        self.step.step_row_columns().len()
            + 3 // q_step, rows_left, rows_left_inv
            + self.plain.len()
            + self.bytes.len()
            + self.rw.to_vec().len()
            + 1
            + 2
            + 1
            + 4 * BYTECODE_LANES
            + 7
            + 1
            + 3 * FIXED_LANES
    }
}
