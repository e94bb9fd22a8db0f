//! The state circuit: proves that the rw table is a consistent history of the block's
//! state.
//!
//! The rw table ([`RwTable`]) is assigned **sorted** by state cell, then `rw_counter` (see
//! [`ordering`]); the EVM circuit's lookups do not depend on row order. Row 0 and the last
//! row are all zero, the real rows are contiguous from row 1, then zero rows. On each real
//! row the circuit proves:
//! - **order**: the row sorts strictly after the row before ([`ordering`]); so every state
//!   cell's accesses are one contiguous run, in `rw_counter` order, and no two rows of one
//!   cell share a counter;
//! - **tag**: `tag` is one of the eleven [`RwTag`]s (one-hot flags);
//!   `is_write` is boolean;
//! - **reads and writes**: a read has `value_prev = value`; every access after the first of
//!   its cell has `value_prev` = the previous access's `value` (a read returns the latest
//!   write, a write records the value it replaces);
//! - **initial values**: the first access of a cell has `value_prev = 0`, except account
//!   fields and storage slots, whose first `value_prev` is their entry in the public
//!   pre-state table ([`public`]); the first access of a stack slot is a write;
//! - **chunks** ([`StateSpan`]): where the rows do not start the block (a later chunk of
//!   it), every cell's run starts instead with a *boundary row*: a read at `rw_counter` 0
//!   of the cell's value when the chunk starts, with its storage committed value and last
//!   access's id, all an entry of the public pre-state (which the verifier of the chain
//!   checks against the chunks before). Where the rows do not end the block, the post-state
//!   holds the last access of every cell, not only the results. The two flags are public,
//!   and the same on every row;
//! - **storage `committed_value`** (the slot's value when the transaction began, EIP-2200):
//!   equal to `value_prev` on the first access of the slot and on the first access of each
//!   new transaction (`id` changes), else carried from the access before; 0 on every other
//!   tag;
//! - **results**: the last access of every account field, storage slot, receipt field and
//!   log field is a row of the public post-state table, and every non-zero row of that
//!   table is such a last access;
//! - **deletions** (EIP-6780): where the rows end the block, the last access of an
//!   account's created flag (a `TxAccessListAccount` cell with `index` 1: 1 created, 2
//!   self-destructed, 3 deleted) is not 2: an account a transaction created and
//!   self-destructed is deleted after its `EndTx` (the EVM circuit's `EndTxDeleteAccount`
//!   is the only step that moves 2 on). For a chain of chunks, the verifier checks the
//!   flags the chain leaves;
//! - **count**: `count` starts on row 0 at the first access's counter (which the caller
//!   binds to the EVM circuit's public first state) and grows by one on every real row but
//!   boundary rows. The super circuit asserts it ends at the EVM circuit's `rw_counter`
//!   after its last step. Since the EVM circuit looks up the counters from its first to
//!   that one, each once and all distinct, and boundary rows have counter 0, the `N`
//!   other rows holding all `N` counters means the table is exactly the EVM circuit's
//!   accesses: nothing added, nothing dropped.
//!
//! Values are not range-checked here: every value that enters the log is either an initial
//! value (0, or the public pre-state), a copy of a logged value, or built by an EVM gadget
//! from range-checked bytes and limbs, so word limbs stay below 2^128 by induction (an EVM
//! gadget that writes a value it computes must keep this).

pub mod ordering;
pub mod public;

use crate::table::{FixedTable, FixedTableTag, LookupTable, RwTable, RwTableRow, TableError};
use equivm_gadgets::util::pow2;
use equivm_witness::{Rw, RwTag};
use halo2_proofs::{
    circuit::{Layouter, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Expression, Fixed},
    poly::Rotation,
};
use ordering::{first_difference, limbs, DIFF_BYTES, LIMB_NAMES, NUM_LIMBS, RW_COUNTER_LIMB};
use public::{PublicStateRow, PublicStateTable};

/// Number of rw tags (`RwTag` numbers 1..=11).
pub const NUM_TAGS: usize = 11;

/// The state circuit's columns, and the tables it uses.
#[derive(Clone, Copy, Debug)]
pub struct StateCircuitConfig {
    /// The rw table (assigned sorted by this circuit).
    pub rw: RwTable,
    /// Fixed table (byte range).
    pub fixed: FixedTable,
    /// Public pre-state.
    pub pre: PublicStateTable,
    /// Public post-state.
    pub post: PublicStateTable,
    /// 1 on row 0.
    pub q_first: Column<Fixed>,
    /// 1 on rows `1..capacity`.
    pub q_rows: Column<Fixed>,
    /// 1 on rows `2..capacity`.
    pub q_after_first: Column<Fixed>,
    /// 1 on the last row, `capacity - 1`.
    pub q_last: Column<Fixed>,
    /// One-hot tag flags: `flags[t - 1]` is 1 on rows of tag `t`.
    pub flags: [Column<Advice>; NUM_TAGS],
    /// `id`, or 0 for storage and accounts.
    pub sort_id: Column<Advice>,
    /// One-hot: the first limb in which the row differs from the row before.
    pub first_diff: [Column<Advice>; NUM_LIMBS],
    /// Little-endian bytes of `limb - prev_limb - 1` at `first_diff`.
    pub diff_bytes: [Column<Advice>; DIFF_BYTES],
    /// 1 if `id` equals the previous row's `id`.
    pub id_same: Column<Advice>,
    /// Inverse of `id - prev id` (0 when equal).
    pub id_diff_inv: Column<Advice>,
    /// Real rows up to and including this one.
    pub count: Column<Advice>,
    /// 1 on the first access of an account field or storage slot.
    pub pre_enable: Column<Advice>,
    /// 1 on the last access of an account field, storage slot, receipt or log field.
    pub post_enable: Column<Advice>,
    /// 1 on the last access of a created flag (`TxAccessListAccount`, `index` 1).
    pub flag_last: Column<Advice>,
    /// Inverse of `value − 2` where `flag_last` is 1 (the flag does not end pending).
    pub flag_inv: Column<Advice>,
    /// 1 on a boundary row: a state cell's value when the chunk starts, read from the public
    /// pre-state table (`rw_counter` 0; only in a chunk that does not start the block).
    pub is_boundary: Column<Advice>,
    /// 1 on every row if the rows start at the block's first access (public).
    pub starts_block: Column<Advice>,
    /// 1 on every row if the rows end at the block's last access (public).
    pub ends_block: Column<Advice>,
}

/// Where a state circuit's accesses sit in the block: a whole block, or a chunk of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateSpan {
    /// `rw_counter` of the first access (1 for a block's first chunk).
    pub first_counter: u64,
    /// The accesses start at the block's first one: first accesses start from 0 or the
    /// public pre-state, and there are no boundary rows.
    pub starts_block: bool,
    /// The accesses end at the block's last one: the post-state holds the block's results
    /// only, and no created flag ends pending.
    pub ends_block: bool,
}

impl StateSpan {
    /// A whole block.
    pub const BLOCK: Self = Self {
        first_counter: 1,
        starts_block: true,
        ends_block: true,
    };
}

/// The state circuit's cells a caller binds: the span's values on row 0.
#[derive(Clone, Copy, Debug)]
pub struct StateSpanCells {
    /// `count` on row 0: the first access's `rw_counter`.
    pub first_counter: halo2_proofs::circuit::Cell,
    /// `starts_block` on row 0.
    pub starts_block: halo2_proofs::circuit::Cell,
    /// `ends_block` on row 0.
    pub ends_block: halo2_proofs::circuit::Cell,
}

fn tag_flag(tag: RwTag) -> usize {
    tag as usize - 1
}

impl StateCircuitConfig {
    /// Configures the state circuit over `rw`, using `fixed` for byte range checks and the
    /// public `pre` and `post` tables.
    pub fn configure<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
        rw: RwTable,
        fixed: FixedTable,
        pre: PublicStateTable,
        post: PublicStateTable,
    ) -> Self {
        let mut advice = || meta.advice_column();
        let flags = [(); NUM_TAGS].map(|()| advice());
        let sort_id = advice();
        let first_diff = [(); NUM_LIMBS].map(|()| advice());
        let diff_bytes = [(); DIFF_BYTES].map(|()| advice());
        let (id_same, id_diff_inv, count) = (advice(), advice(), advice());
        let (pre_enable, post_enable) = (advice(), advice());
        let (flag_last, flag_inv) = (advice(), advice());
        let (is_boundary, starts_block, ends_block) = (advice(), advice(), advice());
        for c in [count, starts_block, ends_block] {
            meta.enable_equality(c);
        }
        let config = Self {
            rw,
            fixed,
            pre,
            post,
            q_first: meta.fixed_column(),
            q_rows: meta.fixed_column(),
            q_after_first: meta.fixed_column(),
            q_last: meta.fixed_column(),
            flags,
            sort_id,
            first_diff,
            diff_bytes,
            id_same,
            id_diff_inv,
            count,
            pre_enable,
            post_enable,
            flag_last,
            flag_inv,
            is_boundary,
            starts_block,
            ends_block,
        };
        config.configure_gates(meta);
        config.configure_lookups(meta);
        config
    }

    fn configure_gates<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        let one = || Expression::Constant(F::ONE);
        meta.create_gate("STATE", |m| {
            let cur = |m: &mut halo2_proofs::plonk::VirtualCells<'_, F>, c: Column<Advice>| {
                m.query_advice(c, Rotation::cur())
            };
            let prev = |m: &mut halo2_proofs::plonk::VirtualCells<'_, F>, c: Column<Advice>| {
                m.query_advice(c, Rotation::prev())
            };
            let q_first = m.query_fixed(self.q_first, Rotation::cur());
            let q_rows = m.query_fixed(self.q_rows, Rotation::cur());
            let q_after = m.query_fixed(self.q_after_first, Rotation::cur());
            let q_last = m.query_fixed(self.q_last, Rotation::cur());
            let row = self.rw.row_exprs(m);
            let row_prev = self.rw.columns.map(|c| m.query_advice(c, Rotation::prev()));
            let flags = self.flags.map(|c| cur(m, c));
            let flag = |t: RwTag| flags[tag_flag(t)].clone();
            let is_real = flags.iter().fold(Expression::Constant(F::ZERO), |a, f| a + f.clone());
            let fd = self.first_diff.map(|c| cur(m, c));
            let same = fd[RW_COUNTER_LIMB].clone();
            let first = fd[..RW_COUNTER_LIMB]
                .iter()
                .fold(Expression::Constant(F::ZERO), |a, f| a + f.clone());
            let sort_id = cur(m, self.sort_id);
            let limbs_of = |r: &RwTableRow<Expression<F>>, sort_id: Expression<F>| {
                [
                    r.tag.clone(),
                    sort_id,
                    r.address.clone(),
                    r.field_tag.clone(),
                    r.key.hi.clone(),
                    r.key.lo.clone(),
                    r.index.clone(),
                    r.rw_counter.clone(),
                ]
            };
            let l_cur = limbs_of(&row, sort_id.clone());
            let l_prev = limbs_of(&row_prev, prev(m, self.sort_id));
            let id_same = cur(m, self.id_same);
            let id_diff = row.id.clone() - row_prev.id.clone();
            let count = cur(m, self.count);
            let pre_enable = cur(m, self.pre_enable);
            let post_enable = cur(m, self.post_enable);
            let boundary = cur(m, self.is_boundary);
            let fresh = first.clone() - boundary.clone();
            let starts = cur(m, self.starts_block);
            let ends = cur(m, self.ends_block);
            let same_next = m.query_advice(self.first_diff[RW_COUNTER_LIMB], Rotation::next());
            let bytes = self.diff_bytes.map(|c| cur(m, c));

            let mut cs: Vec<(String, Expression<F>)> = Vec::new();
            let mut on_rows = |name: &str, e: Expression<F>| {
                cs.push((format!("STATE: {name}"), q_rows.clone() * e));
            };
            // Tag, realness, zero rows.
            for (i, f) in flags.iter().enumerate() {
                on_rows(&format!("flag {} is boolean", i + 1), f.clone() * (one() - f.clone()));
            }
            on_rows("at most one flag", is_real.clone() * (one() - is_real.clone()));
            let tag_sum = flags
                .iter()
                .zip(1u64..)
                .fold(Expression::Constant(F::ZERO), |a, (f, t)| a + f.clone() * F::from(t));
            on_rows("tag = Σ t · flag_t", row.tag.clone() - tag_sum);
            let own = [
                sort_id.clone(),
                pre_enable.clone(),
                post_enable.clone(),
                boundary.clone(),
            ]
                .into_iter()
                .chain(fd.iter().cloned());
            for (i, c) in row.clone().to_vec().into_iter().chain(own).enumerate() {
                on_rows(
                    &format!("a zero row is all zero (column {i})"),
                    (one() - is_real.clone()) * c,
                );
            }
            on_rows(
                "is_write is boolean",
                row.is_write.clone() * (one() - row.is_write.clone()),
            );
            for (part, v, vp) in [
                ("lo", row.value.lo.clone(), row.value_prev.lo.clone()),
                ("hi", row.value.hi.clone(), row.value_prev.hi.clone()),
            ] {
                on_rows(
                    &format!("a read has value_prev = value ({part})"),
                    (one() - row.is_write.clone()) * (vp - v),
                );
            }
            on_rows(
                "sort_id = id except for storage and accounts",
                sort_id.clone()
                    - row.id.clone() * (one() - flag(RwTag::Storage) - flag(RwTag::Account)),
            );
            // Order.
            for (i, f) in fd.iter().enumerate() {
                on_rows(
                    &format!("first_diff[{}] is boolean", LIMB_NAMES[i]),
                    f.clone() * (one() - f.clone()),
                );
            }
            let fd_sum = fd.iter().fold(Expression::Constant(F::ZERO), |a, f| a + f.clone());
            on_rows("one first_diff on a real row", fd_sum - is_real.clone());
            let diff = (0..NUM_LIMBS).fold(Expression::Constant(F::ZERO), |a, i| {
                a + fd[i].clone() * (l_cur[i].clone() - l_prev[i].clone())
            });
            let bytes_sum = bytes
                .iter()
                .enumerate()
                .fold(Expression::Constant(F::ZERO), |a, (i, b)| {
                    a + b.clone() * pow2::<F>(8 * i as u32)
                });
            on_rows(
                "the first differing limb grows by 1 + Σ bytes",
                is_real.clone() * (diff - one() - bytes_sum),
            );
            for j in 0..RW_COUNTER_LIMB {
                let later = fd[j + 1..]
                    .iter()
                    .fold(Expression::Constant(F::ZERO), |a, f| a + f.clone());
                on_rows(
                    &format!("{} equals the row before's if a later limb differs first", LIMB_NAMES[j]),
                    later * (l_cur[j].clone() - l_prev[j].clone()),
                );
            }
            // Values.
            for (part, vp, v_prev_row) in [
                ("lo", row.value_prev.lo.clone(), row_prev.value.lo.clone()),
                ("hi", row.value_prev.hi.clone(), row_prev.value.hi.clone()),
            ] {
                on_rows(
                    &format!("value_prev = the previous access's value ({part})"),
                    same.clone() * (vp.clone() - v_prev_row),
                );
                on_rows(
                    &format!("a first access starts from 0 ({part})"),
                    fresh.clone()
                        * (one() - flag(RwTag::Account) - flag(RwTag::Storage))
                        * vp,
                );
            }
            on_rows(
                "a stack slot is written before it is read",
                fresh.clone() * flag(RwTag::Stack) * (one() - row.is_write.clone()),
            );
            // Boundary rows: in a chunk after the block's first, every state cell's run
            // starts with its value when the chunk starts, read from the public pre-state.
            on_rows(
                "is_boundary is boolean",
                boundary.clone() * (one() - boundary.clone()),
            );
            on_rows(
                "a boundary row is its cell's first",
                boundary.clone() * (one() - first.clone()),
            );
            on_rows(
                "a boundary row has rw_counter 0",
                boundary.clone() * row.rw_counter.clone(),
            );
            on_rows(
                "a boundary row is a read",
                boundary.clone() * row.is_write.clone(),
            );
            on_rows(
                "no boundary row where the rows start the block",
                starts.clone() * boundary.clone(),
            );
            on_rows(
                "every cell starts with a boundary row where the rows do not start the block",
                (one() - starts.clone()) * fresh.clone(),
            );
            for (name, c) in [("starts_block", self.starts_block), ("ends_block", self.ends_block)] {
                on_rows(
                    &format!("{name} is the same on every row"),
                    cur(m, c) - prev(m, c),
                );
            }
            // Storage committed value.
            on_rows("id_same is boolean", id_same.clone() * (one() - id_same.clone()));
            on_rows("id_same = 0 if id differs", id_diff.clone() * id_same.clone());
            on_rows(
                "id_same = 1 if id is equal",
                one() - id_same.clone() - id_diff * cur(m, self.id_diff_inv),
            );
            let carried = same.clone() * id_same;
            for (part, c, c_prev, vp) in [
                (
                    "lo",
                    row.committed_value.lo.clone(),
                    row_prev.committed_value.lo.clone(),
                    row.value_prev.lo.clone(),
                ),
                (
                    "hi",
                    row.committed_value.hi.clone(),
                    row_prev.committed_value.hi.clone(),
                    row.value_prev.hi.clone(),
                ),
            ] {
                on_rows(
                    &format!("storage committed_value = value_prev when a tx first touches the slot ({part})"),
                    flag(RwTag::Storage)
                        * (one() - carried.clone() - boundary.clone())
                        * (c.clone() - vp),
                );
                on_rows(
                    &format!("storage committed_value is carried within a tx ({part})"),
                    flag(RwTag::Storage) * carried.clone() * (c.clone() - c_prev),
                );
                on_rows(
                    &format!("committed_value is 0 off storage ({part})"),
                    (one() - flag(RwTag::Storage)) * c,
                );
            }
            // Public state.
            on_rows(
                "pre_enable = a boundary row, or the first access of an account field or storage slot",
                pre_enable
                    - fresh.clone() * (flag(RwTag::Account) + flag(RwTag::Storage))
                    - boundary.clone(),
            );
            let results = flag(RwTag::Account)
                + flag(RwTag::Storage)
                + flag(RwTag::TxReceipt)
                + flag(RwTag::TxLog);
            on_rows(
                "post_enable = last access of an account, storage, receipt or log cell (of any cell where the rows do not end the block)",
                post_enable
                    - (one() - same_next.clone())
                        * (results.clone()
                            + (one() - ends.clone()) * (is_real.clone() - results)),
            );
            // Deletions (EIP-6780): a created flag does not end at 2 (pending).
            let index = row.index.clone();
            let flag_last = cur(m, self.flag_last);
            on_rows(
                "flag_last = last access of a created flag (index 1)",
                flag_last.clone()
                    - flag(RwTag::TxAccessListAccount)
                        * index.clone()
                        * (Expression::Constant(F::from(2)) - index)
                        * (one() - same_next.clone()),
            );
            on_rows(
                "a created flag does not end the block pending: (value - 2)·flag_inv = 1",
                flag_last
                    * ends.clone()
                    * ((row.value.lo.clone() - Expression::Constant(F::from(2)))
                        * cur(m, self.flag_inv)
                        - one()),
            );
            // Count and contiguity.
            on_rows(
                "count = previous count + 1 on real rows but boundary rows",
                count.clone() - prev(m, self.count) - is_real.clone() + boundary,
            );
            cs.push((
                "STATE: real rows are contiguous from row 1".into(),
                q_after * is_real.clone() * (one() - prev_real(m, &self.flags)),
            ));
            for (name, c) in [("starts_block", starts), ("ends_block", ends)] {
                cs.push((
                    format!("STATE: {name} is boolean"),
                    q_first.clone() * c.clone() * (one() - c),
                ));
            }
            for (i, c) in row.to_vec().into_iter().enumerate() {
                cs.push((
                    format!("STATE: row 0 and the last row are zero (column {i})"),
                    (q_first.clone() + q_last.clone()) * c,
                ));
            }
            cs.push((
                "STATE: the last row is not real".into(),
                q_last * is_real,
            ));
            cs
        });
    }

    fn configure_lookups<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        for (i, byte) in self.diff_bytes.iter().enumerate() {
            let byte = *byte;
            self.fixed
                .lookup(meta, &format!("STATE: diff byte {i} is a byte"), |m| {
                    let b = m.query_advice(byte, Rotation::cur());
                    FixedTable::input(Expression::Constant(F::ONE), FixedTableTag::Range256, &[b])
                });
        }
        self.pre.lookup(
            meta,
            "STATE: a first access reads the public pre-state",
            |m| {
                let e = m.query_advice(self.pre_enable, Rotation::cur());
                self.public_tuple(m, true)
                    .into_iter()
                    .map(|x| e.clone() * x)
                    .collect()
            },
        );
        self.post.lookup(
            meta,
            "STATE: a last access is in the public post-state",
            |m| {
                let e = m.query_advice(self.post_enable, Rotation::cur());
                self.public_tuple(m, false)
                    .into_iter()
                    .map(|x| e.clone() * x)
                    .collect()
            },
        );
        meta.lookup_any("STATE: every public post-state row is a last access", |m| {
            let e = m.query_advice(self.post_enable, Rotation::cur());
            let table: Vec<Expression<F>> = self
                .public_tuple(m, false)
                .into_iter()
                .map(|x| e.clone() * x)
                .collect();
            let inputs = self.post.row_exprs(m).to_vec();
            inputs.into_iter().zip(table).collect()
        });
    }

    /// The row as a public state entry: `value_prev` (pre) or `value` (post).
    fn public_tuple<F: PrimeField>(
        &self,
        m: &mut halo2_proofs::plonk::VirtualCells<'_, F>,
        pre: bool,
    ) -> Vec<Expression<F>> {
        let row = self.rw.row_exprs(m);
        PublicStateRow {
            tag: row.tag,
            id: row.id,
            address: row.address,
            field_tag: row.field_tag,
            key: row.key,
            index: row.index,
            value: if pre { row.value_prev } else { row.value },
            committed: row.committed_value,
        }
        .to_vec()
    }

    /// Rows the state circuit needs for `rws`: row 0, the entries, and a zero last row.
    pub fn rows_needed(rws: &[Rw]) -> usize {
        rws.len() + 2
    }

    /// Assigns the rw table with the whole block's `rws` sorted, and this circuit's
    /// columns, in one region of `capacity` rows.
    pub fn assign<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rws: &[Rw],
        capacity: usize,
    ) -> Result<StateSpanCells, TableError> {
        self.assign_rows(layouter, &ordering::sorted(rws), StateSpan::BLOCK, capacity)
    }

    /// Assigns `rows` in the order given (tests pass unsorted or tampered rows; the witness
    /// columns are then computed as well as they can be and the constraints decide). A row
    /// with `rw_counter` 0 is a boundary row. Returns the row-0 cells of `span`'s values,
    /// for the caller to bind: the circuit proves nothing about them by itself.
    pub fn assign_rows<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[Rw],
        span: StateSpan,
        capacity: usize,
    ) -> Result<StateSpanCells, TableError> {
        crate::table::check_capacity("state", Self::rows_needed(rows), capacity)?;
        let table = "state";
        layouter
            .assign_region(
                || "state circuit",
                |mut region| {
                    let set = |region: &mut halo2_proofs::circuit::Region<'_, F>,
                               c: Column<Advice>,
                               offset: usize,
                               v: F| {
                        region.assign_advice(c, offset, Value::known(v));
                    };
                    let mut prev_limbs = ordering::ZERO_LIMBS;
                    let mut prev_id = F::ZERO;
                    let mut count = span.first_counter;
                    let flag = |b: bool| F::from(u64::from(b));
                    let mut cells = None;
                    for offset in 0..capacity {
                        let rw = offset.checked_sub(1).and_then(|i| rows.get(i));
                        let values = match rw {
                            Some(rw) => RwTableRow::<F>::from_rw(rw),
                            None => RwTableRow::default().map(|()| F::ZERO),
                        };
                        for (c, v) in self.rw.columns.to_vec().into_iter().zip(values.to_vec()) {
                            set(&mut region, c, offset, v);
                        }
                        let mut flags = [F::ZERO; NUM_TAGS];
                        let mut fd = [F::ZERO; NUM_LIMBS];
                        let mut bytes = [0u8; DIFF_BYTES];
                        let (mut sort_id, mut pre, mut post) = (F::ZERO, F::ZERO, F::ZERO);
                        let (mut flag_last, mut flag_inv) = (F::ZERO, F::ZERO);
                        let mut boundary = false;
                        if let Some(rw) = rw {
                            boundary = rw.rw_counter == 0;
                            count += u64::from(!boundary);
                            flags[tag_flag(rw.tag)] = F::ONE;
                            sort_id = F::from(ordering::sort_id(rw));
                            let l = limbs(rw);
                            let first = match first_difference(&prev_limbs, &l) {
                                Some((i, b)) => {
                                    fd[i] = F::ONE;
                                    bytes = b;
                                    i != RW_COUNTER_LIMB
                                }
                                None => true,
                            };
                            let next_same = rows.get(offset).is_some_and(|n| {
                                limbs(n)[..RW_COUNTER_LIMB] == l[..RW_COUNTER_LIMB]
                            });
                            let is_state = matches!(rw.tag, RwTag::Account | RwTag::Storage);
                            let is_result =
                                is_state || matches!(rw.tag, RwTag::TxReceipt | RwTag::TxLog);
                            pre = flag(boundary || (first && is_state));
                            post = flag(!next_same && (is_result || !span.ends_block));
                            if !next_same && rw.tag == RwTag::TxAccessListAccount && rw.index == 1 {
                                flag_last = F::ONE;
                                let v = RwTableRow::<F>::from_rw(rw).value.lo;
                                flag_inv = (v - F::from(2)).invert().unwrap_or(F::ZERO);
                            }
                            prev_limbs = l;
                        } else if offset > 0 {
                            prev_limbs = ordering::ZERO_LIMBS;
                        }
                        for (c, v) in self.flags.iter().zip(flags) {
                            set(&mut region, *c, offset, v);
                        }
                        for (c, v) in self.first_diff.iter().zip(fd) {
                            set(&mut region, *c, offset, v);
                        }
                        for (c, b) in self.diff_bytes.iter().zip(bytes) {
                            set(&mut region, *c, offset, F::from(u64::from(b)));
                        }
                        set(&mut region, self.sort_id, offset, sort_id);
                        set(&mut region, self.pre_enable, offset, pre);
                        set(&mut region, self.post_enable, offset, post);
                        set(&mut region, self.flag_last, offset, flag_last);
                        set(&mut region, self.flag_inv, offset, flag_inv);
                        set(&mut region, self.is_boundary, offset, flag(boundary));
                        let s = region.assign_advice(
                            self.starts_block,
                            offset,
                            Value::known(flag(span.starts_block)),
                        );
                        let e = region.assign_advice(
                            self.ends_block,
                            offset,
                            Value::known(flag(span.ends_block)),
                        );
                        let id_diff = values.id - prev_id;
                        set(
                            &mut region,
                            self.id_same,
                            offset,
                            F::from(u64::from(bool::from(id_diff.is_zero()))),
                        );
                        set(
                            &mut region,
                            self.id_diff_inv,
                            offset,
                            id_diff.invert().unwrap_or(F::ZERO),
                        );
                        prev_id = values.id;
                        let c =
                            region.assign_advice(self.count, offset, Value::known(F::from(count)));
                        if offset == 0 {
                            cells = Some(StateSpanCells {
                                first_counter: c.cell(),
                                starts_block: s.cell(),
                                ends_block: e.cell(),
                            });
                        }
                        let fixed = [
                            (self.q_first, offset == 0),
                            (self.q_rows, offset > 0),
                            (self.q_after_first, offset > 1),
                            (self.q_last, offset + 1 == capacity),
                        ];
                        for (c, on) in fixed {
                            region.assign_fixed(c, offset, F::from(u64::from(on)));
                        }
                    }
                    cells.ok_or(halo2_proofs::plonk::Error::Synthesis)
                },
            )
            .map_err(|source| TableError::Halo2 { table, source })
    }
}

fn prev_real<F: PrimeField>(
    m: &mut halo2_proofs::plonk::VirtualCells<'_, F>,
    flags: &[Column<Advice>; NUM_TAGS],
) -> Expression<F> {
    flags.iter().fold(Expression::Constant(F::ZERO), |a, c| {
        a + m.query_advice(*c, Rotation::prev())
    })
}

/// The public pre-state of a whole block's `rws`: for the first access of each account
/// field and storage slot (in state-circuit order), the value before it.
pub fn pre_state<F: PrimeField>(rws: &[Rw]) -> Vec<PublicStateRow<F>> {
    pre_state_of(&ordering::sorted(rws))
}

/// The public post-state of a whole block's `rws`: the value after the last access of each
/// account field, storage slot, receipt field and log field.
pub fn post_state<F: PrimeField>(rws: &[Rw]) -> Vec<PublicStateRow<F>> {
    post_state_of(&ordering::sorted(rws), true)
}

/// The state circuit's rows for the accesses with counters in `counters`, a chunk of the
/// block whose whole log is `rws` (ordered by counter), sorted. A chunk that does not start
/// the block (`counters.start > 1`) starts every cell it touches with a boundary row: the
/// cell's last access before the chunk with `rw_counter` 0, made a read of its value, or
/// for a cell untouched so far its value before the chunk, committed value 0 and the
/// cell's own id.
pub fn chunk_rows(rws: &[Rw], counters: std::ops::Range<u64>) -> Vec<Rw> {
    let in_chunk = |rw: &&Rw| counters.contains(&rw.rw_counter);
    let mut rows: Vec<Rw> = rws.iter().filter(in_chunk).cloned().collect();
    if counters.start > 1 {
        let mut before: std::collections::HashMap<equivm_witness::StateKey, &Rw> =
            std::collections::HashMap::new();
        for rw in rws.iter().filter(|rw| rw.rw_counter < counters.start) {
            before.insert(rw.state_key(), rw);
        }
        let mut seen = std::collections::HashSet::new();
        let mut boundary = Vec::new();
        for rw in &rows {
            let key = rw.state_key();
            if !seen.insert(key) {
                continue;
            }
            let mut b = match before.get(&key) {
                Some(last) => (*last).clone(),
                None => Rw {
                    id: key.id,
                    value: rw.value_prev,
                    committed_value: equivm_trace::revm::primitives::U256::ZERO,
                    ..rw.clone()
                },
            };
            b.rw_counter = 0;
            b.is_write = false;
            b.value_prev = b.value;
            boundary.push(b);
        }
        rows.extend(boundary);
    }
    ordering::sorted(&rows)
}

/// The public pre-state of the state circuit's sorted `rows`: each boundary row's value,
/// and the value before the first access of each account field and storage slot that has
/// none.
pub fn pre_state_of<F: PrimeField>(rows: &[Rw]) -> Vec<PublicStateRow<F>> {
    let mut out = Vec::new();
    let mut prev: Option<&Rw> = None;
    for rw in rows {
        let first = prev.is_none_or(|p| p.state_key() != rw.state_key());
        if first && (rw.rw_counter == 0 || matches!(rw.tag, RwTag::Account | RwTag::Storage)) {
            out.push(PublicStateRow::of(rw, rw.value_prev));
        }
        prev = Some(rw);
    }
    out
}

/// The public post-state of the state circuit's sorted `rows`: the last access of each
/// account field, storage slot, receipt field and log field, and of every other cell unless
/// the rows end the block.
pub fn post_state_of<F: PrimeField>(rows: &[Rw], ends_block: bool) -> Vec<PublicStateRow<F>> {
    let mut out = Vec::new();
    for (i, rw) in rows.iter().enumerate() {
        let last = rows
            .get(i + 1)
            .is_none_or(|n| n.state_key() != rw.state_key());
        let result = matches!(
            rw.tag,
            RwTag::Account | RwTag::Storage | RwTag::TxReceipt | RwTag::TxLog
        );
        if last && (result || !ends_block) {
            out.push(PublicStateRow::of(rw, rw.value));
        }
    }
    out
}

#[cfg(test)]
mod tests;
