//! The bytecode circuit's columns, gates and lookups (see the [module header](super) for the
//! constraint list and the soundness argument).

use crate::table::{
    opcode_rows::execution_state_index, BytecodeFieldTag, BytecodeTable, FixedTable, FixedTableTag,
    KeccakFieldTag, KeccakTable, LookupTable,
};
use equivm_gadgets::util::constant;
use equivm_witness::ExecutionState;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, VirtualCells},
    poly::Rotation,
};

/// `PUSH0` (0x5f): `PUSHn` is `PUSH0 + n` and is followed by `n` push-data bytes (PUSH0 by
/// none).
pub const PUSH0: u64 = 0x5f;

/// The number the fixed table's opcode rows hold for the execution state of `PUSH0..=PUSH32`
/// (and of no other opcode byte).
pub fn push_state() -> u64 {
    execution_state_index(ExecutionState::Push)
}

/// The bytecode circuit's columns, and the tables it proves or looks up into.
#[derive(Clone, Copy, Debug)]
pub struct BytecodeCircuitConfig {
    /// The table this circuit proves (assigned by [`Self::assign`]).
    pub table: BytecodeTable,
    /// The keccak table the code bytes and lengths are looked up in.
    pub keccak: KeccakTable,
    /// The fixed table (its `OpcodeProperties` rows give each byte's execution state).
    pub fixed: FixedTable,
    /// 1 on row 0.
    pub q_first: Column<Fixed>,
    /// 1 on every row of the circuit's region, `0..capacity`.
    pub q_enable: Column<Fixed>,
    /// 1 on the region's last row, `capacity - 1`.
    pub q_last: Column<Fixed>,
    /// 1 on a byte row (tag `Byte`); `tag - 2 · is_byte` is the header flag.
    pub is_byte: Column<Advice>,
    /// 1 on the final byte row of a bytecode (the STOP past the code), the row whose next
    /// row is not a byte row.
    pub is_last: Column<Advice>,
    /// The code length, carried from the header onto every byte row of its bytecode.
    pub length: Column<Advice>,
    /// 1 on a byte row past the code (`index ≥ length`): zero push data or the final STOP.
    pub past: Column<Advice>,
    /// Inverse of `index - length` (0 when they are equal): `at_len = 1 - (index -
    /// length)·inv` is `[index = length]`.
    pub at_len_inv: Column<Advice>,
    /// Push-data bytes still to come after this row (the push size on an opcode row, one
    /// less than the row before on a push-data row, 0 on a header).
    pub push_rest: Column<Advice>,
    /// Inverse of `push_rest` (0 when it is 0): the next byte is an opcode iff
    /// `push_rest = 0`.
    pub push_rest_inv: Column<Advice>,
    /// The execution state of the byte read as an opcode (from the fixed table).
    pub opcode_state: Column<Advice>,
    /// On an opcode row whose state is not `Push`: `(push_rest - value + PUSH0) /
    /// (opcode_state - Push)`, the witness that pins `push_rest = 0` there.
    pub push_witness: Column<Advice>,
}

/// The current row's flags and fields, queried once per gate.
struct Row<F: PrimeField> {
    hash: [Expression<F>; 2],
    index: Expression<F>,
    value: Expression<F>,
    is_code: Expression<F>,
    is_header: Expression<F>,
    is_byte: Expression<F>,
    is_last: Expression<F>,
    length: Expression<F>,
    push_rest: Expression<F>,
    past: Expression<F>,
    /// `1 - (index - length)·at_len_inv`: `[index = length]` on a byte row.
    at_len: Expression<F>,
}

impl BytecodeCircuitConfig {
    /// Configures the bytecode circuit over `table`, looking up into `keccak` (code bytes
    /// and lengths) and `fixed` (opcode execution states, which also range-check bytes).
    /// Adds 3 fixed and 9 advice columns, 3 lookups; degree 5.
    pub fn configure<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
        table: &BytecodeTable,
        keccak: &KeccakTable,
        fixed: &FixedTable,
    ) -> Self {
        let config = Self {
            table: *table,
            keccak: *keccak,
            fixed: *fixed,
            q_first: meta.fixed_column(),
            q_enable: meta.fixed_column(),
            q_last: meta.fixed_column(),
            is_byte: meta.advice_column(),
            is_last: meta.advice_column(),
            length: meta.advice_column(),
            past: meta.advice_column(),
            at_len_inv: meta.advice_column(),
            push_rest: meta.advice_column(),
            push_rest_inv: meta.advice_column(),
            opcode_state: meta.advice_column(),
            push_witness: meta.advice_column(),
        };
        config.annotate(meta);
        config.configure_row_gate(meta);
        config.configure_transition_gate(meta);
        config.configure_lookups(meta);
        config
    }

    fn annotate<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        for (column, name) in [
            (self.is_byte, "bytecode.is_byte"),
            (self.is_last, "bytecode.is_last"),
            (self.length, "bytecode.length"),
            (self.past, "bytecode.past"),
            (self.at_len_inv, "bytecode.at_len_inv"),
            (self.push_rest, "bytecode.push_rest"),
            (self.push_rest_inv, "bytecode.push_rest_inv"),
            (self.opcode_state, "bytecode.opcode_state"),
            (self.push_witness, "bytecode.push_witness"),
        ] {
            meta.annotate_lookup_any_column(column, || name);
        }
    }

    /// The row at `rotation` as named expressions.
    fn row<F: PrimeField>(&self, m: &mut VirtualCells<'_, F>, rotation: Rotation) -> Row<F> {
        let c = self.table.columns;
        let mut q = |column: Column<Advice>| m.query_advice(column, rotation);
        let tag = q(c.tag);
        let is_byte = q(self.is_byte);
        let (index, length) = (q(c.index), q(self.length));
        let at_len = constant::<F>(1) - (index.clone() - length.clone()) * q(self.at_len_inv);
        Row {
            hash: [q(c.code_hash.lo), q(c.code_hash.hi)],
            index,
            value: q(c.value),
            is_code: q(c.is_code),
            is_header: tag - is_byte.clone() * F::from(BytecodeFieldTag::Byte as u64),
            is_byte,
            is_last: q(self.is_last),
            length,
            push_rest: q(self.push_rest),
            past: q(self.past),
            at_len,
        }
    }

    /// Constraints on one row alone, on every row of the region.
    fn configure_row_gate<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        meta.create_gate("BYTECODE row", |m| {
            let q = m.query_fixed(self.q_enable, Rotation::cur());
            let q_first = m.query_fixed(self.q_first, Rotation::cur());
            let q_last = m.query_fixed(self.q_last, Rotation::cur());
            let r = self.row(m, Rotation::cur());
            let state = m.query_advice(self.opcode_state, Rotation::cur());
            let w = m.query_advice(self.push_witness, Rotation::cur());
            let one = || constant::<F>(1);
            let is_zero_row = one() - r.is_header.clone() - r.is_byte.clone();
            let mut cs: Vec<(String, Expression<F>)> = Vec::new();
            let mut on = |name: &str, e: Expression<F>| {
                cs.push((format!("BYTECODE: {name}"), q.clone() * e));
            };
            // Tag: tag = is_header + 2 · is_byte with two exclusive flags, so tag ∈ {0, 1, 2}.
            on(
                "is_byte is boolean",
                r.is_byte.clone() * (one() - r.is_byte.clone()),
            );
            on(
                "is_header is boolean",
                r.is_header.clone() * (one() - r.is_header.clone()),
            );
            on(
                "a row is not both a header and a byte",
                r.is_header.clone() * r.is_byte.clone(),
            );
            // A zero row holds zeros only (its tag is 0 by the flags).
            for (name, cell) in [
                ("code_hash_lo", r.hash[0].clone()),
                ("code_hash_hi", r.hash[1].clone()),
                ("index", r.index.clone()),
                ("value", r.value.clone()),
                ("is_code", r.is_code.clone()),
            ] {
                on(
                    &format!("a zero row is all zero ({name})"),
                    is_zero_row.clone() * cell,
                );
            }
            // Header: `(h, Header, 0, len, 0)`, and no push data pending after it.
            on(
                "a header has index 0",
                r.is_header.clone() * r.index.clone(),
            );
            on(
                "a header has is_code 0",
                r.is_header.clone() * r.is_code.clone(),
            );
            on(
                "a header has no push data pending",
                r.is_header.clone() * r.push_rest.clone(),
            );
            // Past the code (`past`, index ≥ length): zeros, push data until the last PUSH
            // has its bytes, then the final STOP.
            on(
                "at_len = [index = length] on a byte row",
                r.is_byte.clone() * (r.index.clone() - r.length.clone()) * r.at_len.clone(),
            );
            on("past is boolean", r.past.clone() * (one() - r.past.clone()));
            on(
                "past is 0 off byte rows",
                (one() - r.is_byte.clone()) * r.past.clone(),
            );
            on(
                "a byte past the code is 0",
                r.past.clone() * r.value.clone(),
            );
            on(
                "the final byte is past the code",
                r.is_last.clone() * (one() - r.past.clone()),
            );
            on(
                "the final byte is an opcode (the STOP)",
                r.is_last.clone() * (one() - r.is_code.clone()),
            );
            on(
                "an opcode past the code is the final byte",
                r.past.clone() * r.is_code.clone() * (one() - r.is_last.clone()),
            );
            // Push size of an opcode row (is_code = 1 only on byte rows): the fixed table
            // gives the byte's execution state; PUSH0..=PUSH32 (and only they) have state
            // Push, and PUSHn is PUSH0 + n. With s = state - Push:
            //   s · push_rest = 0               (not a PUSH: no push data)
            //   s · w = push_rest - (value - PUSH0)  (a PUSH: push_rest = value - PUSH0)
            let s = state - constant::<F>(push_state());
            on(
                "an opcode other than PUSH has no push data",
                r.is_code.clone() * s.clone() * r.push_rest.clone(),
            );
            on(
                "PUSHn has n push-data bytes",
                r.is_code.clone()
                    * (s * w - r.push_rest.clone() + r.value.clone() - constant::<F>(PUSH0)),
            );
            // Ends of the region.
            let tag_and_flags = [r.is_header.clone(), r.is_byte.clone()];
            for (name, cell) in ["header", "byte"].into_iter().zip(tag_and_flags) {
                cs.push((
                    format!("BYTECODE: row 0 and the last row are zero rows (not a {name})"),
                    (q_first.clone() + q_last.clone()) * cell,
                ));
            }
            cs.push((
                "BYTECODE: the last row is not a final byte".into(),
                q_last * r.is_last,
            ));
            cs
        });
    }

    /// Constraints between a row and the next, on rows `0..capacity - 1`.
    fn configure_transition_gate<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        meta.create_gate("BYTECODE transition", |m| {
            let q_first = m.query_fixed(self.q_first, Rotation::cur());
            let q = m.query_fixed(self.q_enable, Rotation::cur())
                - m.query_fixed(self.q_last, Rotation::cur());
            let cur = self.row(m, Rotation::cur());
            let next = self.row(m, Rotation::next());
            let inv = m.query_advice(self.push_rest_inv, Rotation::cur());
            let one = || constant::<F>(1);
            let mut cs: Vec<(String, Expression<F>)> = Vec::new();
            let mut on = |name: &str, e: Expression<F>| {
                cs.push((format!("BYTECODE: {name}"), q.clone() * e));
            };
            on(
                "is_last = is_byte · (the next row is not a byte)",
                cur.is_last.clone() - cur.is_byte.clone() * (one() - next.is_byte.clone()),
            );
            // Row order: zero rows only at the end (row 0 excepted: see below), a header is
            // followed by its bytes, a byte by the next byte or, after the final byte, by a
            // header or a zero row.
            on(
                "a header is followed by a byte",
                cur.is_header.clone() * (one() - next.is_byte.clone()),
            );
            on(
                "the first byte has index 0",
                cur.is_header.clone() * next.index.clone(),
            );
            on(
                "the first byte carries the header's length",
                cur.is_header.clone() * (next.length.clone() - cur.value.clone()),
            );
            on(
                "the first byte is past the code iff the code is empty",
                cur.is_header.clone() * (next.past.clone() - next.at_len.clone()),
            );
            let within = cur.is_byte.clone() - cur.is_last.clone();
            on(
                "the index grows by 1 within a bytecode",
                within.clone() * (next.index.clone() - cur.index.clone() - one()),
            );
            on(
                "the length is constant within a bytecode",
                within.clone() * (next.length.clone() - cur.length.clone()),
            );
            on(
                "past turns on at index = length and stays on",
                within.clone()
                    * (next.past.clone()
                        - cur.past.clone()
                        - (one() - cur.past.clone()) * next.at_len.clone()),
            );
            // A header and a non-final byte share their hash with the next row.
            let same_code = cur.is_header.clone() + within;
            for (i, limb) in ["lo", "hi"].into_iter().enumerate() {
                on(
                    &format!("the code hash is constant within a bytecode ({limb})"),
                    same_code.clone() * (next.hash[i].clone() - cur.hash[i].clone()),
                );
            }
            // Push-data marking, for every byte row from the row before it (a header has
            // push_rest 0): the byte is an opcode iff no push data is pending, and push data
            // counts down by one per byte.
            let pending = cur.push_rest.clone();
            on(
                "a byte is an opcode iff no push data is pending",
                next.is_byte.clone() * (next.is_code.clone() - one() + pending.clone() * inv),
            );
            on(
                "no opcode while push data is pending",
                next.is_byte.clone() * pending.clone() * next.is_code.clone(),
            );
            on(
                "push data counts down",
                next.is_byte.clone()
                    * (one() - next.is_code.clone())
                    * (next.push_rest.clone() - pending + one()),
            );
            let cur_zero = one() - cur.is_header.clone() - cur.is_byte.clone();
            cs.push((
                "BYTECODE: nothing but zero rows after a zero row".into(),
                (q.clone() - q_first.clone())
                    * cur_zero
                    * (next.is_header.clone() + next.is_byte.clone()),
            ));
            cs.push((
                "BYTECODE: row 1 is a header or a zero row".into(),
                q_first * next.is_byte,
            ));
            cs
        });
    }

    fn configure_lookups<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        let fixed = self.fixed;
        meta.lookup_any(
            "BYTECODE: a byte is an opcode byte with its execution state",
            |m| {
                let r = self.row(m, Rotation::cur());
                let state = m.query_advice(self.opcode_state, Rotation::cur());
                let tag = constant::<F>(FixedTableTag::OpcodeProperties.as_u64());
                let table = fixed.row_exprs(m);
                [
                    (tag, table.tag),
                    (r.value, table.values[0].clone()),
                    (state, table.values[1].clone()),
                ]
                .into_iter()
                .map(|(input, column)| (r.is_byte.clone() * input, column))
                .collect()
            },
        );
        self.keccak.lookup(
            meta,
            "BYTECODE: each code byte is the hashed input's byte",
            |m| {
                let r = self.row(m, Rotation::cur());
                // `past` is 0 off byte rows, so this is `is_byte·(1 - past)`, of degree 1.
                let enable = r.is_byte - r.past;
                [
                    constant::<F>(KeccakFieldTag::Byte as u64),
                    r.hash[0].clone(),
                    r.hash[1].clone(),
                    r.index,
                    r.value,
                ]
                .into_iter()
                .map(|x| enable.clone() * x)
                .collect()
            },
        );
        self.keccak.lookup(
            meta,
            "BYTECODE: the header's length is the hashed input's length",
            |m| {
                let r = self.row(m, Rotation::cur());
                [
                    constant::<F>(KeccakFieldTag::Length as u64),
                    r.hash[0].clone(),
                    r.hash[1].clone(),
                    r.value,
                    constant::<F>(0),
                ]
                .into_iter()
                .map(|x| r.is_header.clone() * x)
                .collect()
            },
        );
    }
}
