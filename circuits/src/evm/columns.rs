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
//! "EVM byte cell in 0..=255"                        q_usable · (Range256, byte) ∈ fixed table, per byte column
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
        let cols = Self {
            fixed,
            step,
            plain,
            bytes,
            rw,
            rw_enable,
            bytecode_hash,
            bytecode_header,
            lanes,
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

        for c in &self.bytes {
            tables.fixed.lookup(meta, "EVM byte cell in 0..=255", |_| {
                FixedTable::input(q_usable.clone(), FixedTableTag::Range256, &[cur(*c)])
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
    }
}
