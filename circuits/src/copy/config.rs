//! The copy circuit's columns, gates and lookups (see the module header of [`crate::copy`]
//! for the constraint list and the soundness argument).

use crate::table::{
    copy_data_type_number, BytecodeFieldTag, BytecodeTable, CopyTable, CopyTableRow,
    KeccakFieldTag, KeccakTable, LookupTable, RwTable, TxFieldTag, TxTable,
};
use equivm_gadgets::util::constant;
use equivm_witness::{CopyDataType, RwTag, TxLogField};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, VirtualCells},
    poly::Rotation,
};

/// The per-byte cells of one copy-circuit row, by name (cells, expressions or values). The
/// row's claim is in the [`CopyTable`] columns beside them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CopyRowCells<T> {
    /// 1 when the source is memory.
    pub src_memory: T,
    /// 1 when the source is a bytecode.
    pub src_bytecode: T,
    /// 1 when the source is a tx's calldata.
    pub src_tx_calldata: T,
    /// 1 when the destination is memory.
    pub dst_memory: T,
    /// 1 when the destination is a log's data.
    pub dst_tx_log: T,
    /// 1 when the destination is a keccak input.
    pub dst_keccak: T,
    /// 1 when the destination is a bytecode (init code).
    pub dst_bytecode: T,
    /// 1 when the destination is deployed code.
    pub dst_deployment: T,
    /// 1 on the first row of a copy.
    pub is_first: T,
    /// 1 on the last row of a copy.
    pub is_last: T,
    /// The byte's position in the copy, `0..length`.
    pub index: T,
    /// The byte copied.
    pub value: T,
    /// The byte a memory destination held before the write.
    pub value_prev: T,
    /// The bytecode table's `is_code` of a bytecode source or destination byte.
    pub is_code: T,
    /// `rw_counter` of this byte's memory read (of the next read when it has none).
    pub rw_counter_read: T,
    /// 1 when `src_addr + index = src_addr_end` (the first byte past the source).
    pub at_end: T,
    /// Inverse of `src_addr + index - src_addr_end` (0 when it is 0).
    pub end_diff_inv: T,
    /// 1 when the byte is a memory read (memory source, before the end).
    pub read_memory: T,
    /// 1 when the byte is a bytecode byte (bytecode source, before the end).
    pub read_bytecode: T,
    /// 1 when the byte is a calldata byte (calldata source, before the end).
    pub read_calldata: T,
}

impl<T> CopyRowCells<T> {
    /// The cells in column order.
    pub fn to_vec(self) -> Vec<T> {
        vec![
            self.src_memory,
            self.src_bytecode,
            self.src_tx_calldata,
            self.dst_memory,
            self.dst_tx_log,
            self.dst_keccak,
            self.dst_bytecode,
            self.dst_deployment,
            self.is_first,
            self.is_last,
            self.index,
            self.value,
            self.value_prev,
            self.is_code,
            self.rw_counter_read,
            self.at_end,
            self.end_diff_inv,
            self.read_memory,
            self.read_bytecode,
            self.read_calldata,
        ]
    }

    /// Applies `f` to every cell, in column order.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> CopyRowCells<U> {
        CopyRowCells {
            src_memory: f(self.src_memory),
            src_bytecode: f(self.src_bytecode),
            src_tx_calldata: f(self.src_tx_calldata),
            dst_memory: f(self.dst_memory),
            dst_tx_log: f(self.dst_tx_log),
            dst_keccak: f(self.dst_keccak),
            dst_bytecode: f(self.dst_bytecode),
            dst_deployment: f(self.dst_deployment),
            is_first: f(self.is_first),
            is_last: f(self.is_last),
            index: f(self.index),
            value: f(self.value),
            value_prev: f(self.value_prev),
            is_code: f(self.is_code),
            rw_counter_read: f(self.rw_counter_read),
            at_end: f(self.at_end),
            end_diff_inv: f(self.end_diff_inv),
            read_memory: f(self.read_memory),
            read_bytecode: f(self.read_bytecode),
            read_calldata: f(self.read_calldata),
        }
    }
}

impl<F: PrimeField> CopyRowCells<Expression<F>> {
    /// 1 on a row of a copy, 0 elsewhere (the source flags are one-hot or all 0).
    fn active(&self) -> Expression<F> {
        self.src_memory.clone() + self.src_bytecode.clone() + self.src_tx_calldata.clone()
    }

    /// 1 on a row of a copy, computed from the destination flags.
    fn active_dst(&self) -> Expression<F> {
        self.dst_memory.clone()
            + self.dst_tx_log.clone()
            + self.dst_keccak.clone()
            + self.dst_bytecode.clone()
            + self.dst_deployment.clone()
    }

    /// 1 when the byte is before the end of the source (one read flag is on).
    fn inside(&self) -> Expression<F> {
        self.read_memory.clone() + self.read_bytecode.clone() + self.read_calldata.clone()
    }

    /// 1 when the destination is written through the rw table (memory or log).
    fn writes(&self) -> Expression<F> {
        self.dst_memory.clone() + self.dst_tx_log.clone()
    }

    /// 1 when the destination is a bytecode (init or deployed code).
    fn dst_code(&self) -> Expression<F> {
        self.dst_bytecode.clone() + self.dst_deployment.clone()
    }
}

/// The number of `kind` as a constant expression.
fn kind<F: PrimeField>(kind: CopyDataType) -> Expression<F> {
    constant(copy_data_type_number(kind))
}

/// The copy circuit's columns and the tables it uses.
#[derive(Clone, Copy, Debug)]
pub struct CopyCircuitConfig {
    /// The claims, one per copy, repeated on each of its rows.
    pub copy: CopyTable,
    /// The per-byte cells.
    pub cells: CopyRowCells<Column<Advice>>,
    /// 1 on rows `0..capacity` (where the gates apply).
    pub q_row: Column<Fixed>,
    /// 1 on row 0 and on row `capacity - 1`, which must be off.
    pub q_edge: Column<Fixed>,
    /// Memory reads and memory and log writes.
    pub rw: RwTable,
    /// Bytecode bytes and lengths.
    pub bytecode: BytecodeTable,
    /// Calldata bytes.
    pub tx: TxTable,
    /// Keccak input bytes and lengths.
    pub keccak: KeccakTable,
}

impl CopyCircuitConfig {
    /// Configures the copy circuit: its cells beside the `copy` table's columns, its gates
    /// (degree ≤ 5) and its 7 lookups into `rw`, `bytecode`, `tx` and `keccak`.
    pub fn configure<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
        copy: &CopyTable,
        rw: &RwTable,
        bytecode: &BytecodeTable,
        tx: &TxTable,
        keccak: &KeccakTable,
    ) -> Self {
        let cells = CopyRowCells::default().map(|()| meta.advice_column());
        let config = Self {
            copy: *copy,
            cells,
            q_row: meta.fixed_column(),
            q_edge: meta.fixed_column(),
            rw: *rw,
            bytecode: *bytecode,
            tx: *tx,
            keccak: *keccak,
        };
        config.configure_gates(meta);
        config.configure_lookups(meta);
        config
    }

    fn cells_at<F: PrimeField>(
        &self,
        m: &mut VirtualCells<'_, F>,
        rotation: Rotation,
    ) -> CopyRowCells<Expression<F>> {
        self.cells.map(|c| m.query_advice(c, rotation))
    }

    fn configure_gates<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        meta.create_gate("COPY", |m| {
            let q = m.query_fixed(self.q_row, Rotation::cur());
            let q_edge = m.query_fixed(self.q_edge, Rotation::cur());
            let cur = self.cells_at(m, Rotation::cur());
            let prev = self.cells_at(m, Rotation::prev());
            let next = self.cells_at(m, Rotation::next());
            let claim = self.copy.row_exprs(m);
            let claim_next = self.copy.row_exprs_at(m, Rotation::next());
            let one = constant::<F>(1);
            let active = cur.active();
            let on = q.clone() * active.clone();
            let mut c: Vec<(&'static str, Expression<F>)> = Vec::new();

            // Kinds: one-hot flags that name the claim's kinds; a row is on iff it has one.
            let flags = [
                cur.src_memory.clone(),
                cur.src_bytecode.clone(),
                cur.src_tx_calldata.clone(),
                cur.dst_memory.clone(),
                cur.dst_tx_log.clone(),
                cur.dst_keccak.clone(),
                cur.dst_bytecode.clone(),
                cur.dst_deployment.clone(),
                cur.is_first.clone(),
                cur.is_last.clone(),
            ];
            for flag in flags {
                let e = q.clone() * flag.clone() * (one.clone() - flag);
                c.push(("COPY: flags are boolean", e));
            }
            c.push((
                "COPY: at most one source kind",
                q.clone() * active.clone() * (one.clone() - active.clone()),
            ));
            c.push((
                "COPY: a destination kind iff a source kind",
                q.clone() * (cur.active_dst() - active.clone()),
            ));
            let src_type = cur.src_memory.clone() * kind(CopyDataType::Memory)
                + cur.src_bytecode.clone() * kind(CopyDataType::Bytecode)
                + cur.src_tx_calldata.clone() * kind(CopyDataType::TxCalldata);
            c.push((
                "COPY: src_type names the source flag",
                q.clone() * (claim.src_type.clone() - src_type),
            ));
            let dst_type = cur.dst_memory.clone() * kind(CopyDataType::Memory)
                + cur.dst_tx_log.clone() * kind(CopyDataType::TxLog)
                + cur.dst_keccak.clone() * kind(CopyDataType::Keccak)
                + cur.dst_bytecode.clone() * kind(CopyDataType::Bytecode)
                + cur.dst_deployment.clone() * kind(CopyDataType::Deployment);
            c.push((
                "COPY: dst_type names the destination flag",
                q.clone() * (claim.dst_type.clone() - dst_type),
            ));
            c.push(("COPY: row 0 and the last row are off", q_edge * active));

            // Structure: a copy is a run of rows from a first row to a last row.
            c.push((
                "COPY: a row is first or continues the row before",
                on.clone()
                    * (one.clone() - cur.is_first.clone())
                    * (one.clone() - prev.active() * (one.clone() - prev.is_last.clone())),
            ));
            let continues = on.clone() * (one.clone() - cur.is_last.clone());
            c.push((
                "COPY: a copy continues on the next row",
                continues.clone() * (one.clone() - next.active()),
            ));
            c.push((
                "COPY: the next row of a copy is not first",
                continues.clone() * next.is_first.clone(),
            ));
            for (now, then) in claim.clone().to_vec().into_iter().zip(claim_next.to_vec()) {
                c.push((
                    "COPY: the claim is the same on every row of a copy",
                    continues.clone() * (then - now),
                ));
            }
            c.push((
                "COPY: index increments",
                continues.clone() * (next.index.clone() - cur.index.clone() - one.clone()),
            ));
            c.push((
                "COPY: the read counter advances by this byte's read",
                continues
                    * (next.rw_counter_read.clone()
                        - cur.rw_counter_read.clone()
                        - cur.read_memory.clone()),
            ));
            let first = on.clone() * cur.is_first.clone();
            c.push((
                "COPY: the first byte has index 0",
                first.clone() * cur.index.clone(),
            ));
            c.push((
                "COPY: reads start at rw_counter_start",
                first * (cur.rw_counter_read.clone() - claim.rw_counter_start.clone()),
            ));
            let last = on.clone() * cur.is_last.clone();
            c.push((
                "COPY: the last byte has index length - 1",
                last.clone() * (cur.index.clone() + one.clone() - claim.length.clone()),
            ));
            // Reads fill [start, start + reads); writes, one per byte, fill the rest.
            c.push((
                "COPY: the reads end where the writes begin, rw_count after the start",
                last * (cur.rw_counter_read.clone() + cur.read_memory.clone()
                    - claim.rw_counter_start.clone()
                    - claim.rw_count.clone()
                    + cur.writes() * claim.length.clone()),
            ));

            // The source's end: inside until src_addr + index reaches src_addr_end.
            let end_diff = claim.src_addr.clone() + cur.index.clone() - claim.src_addr_end.clone();
            c.push((
                "COPY: at_end = 1 iff src_addr + index = src_addr_end",
                on.clone()
                    * (one.clone()
                        - end_diff.clone() * cur.end_diff_inv.clone()
                        - cur.at_end.clone()),
            ));
            c.push((
                "COPY: at_end = 0 unless src_addr + index = src_addr_end",
                on.clone() * end_diff * cur.at_end.clone(),
            ));
            let inside_before =
                cur.is_first.clone() + (one.clone() - cur.is_first.clone()) * prev.inside();
            c.push((
                "COPY: inside the source until its end",
                on.clone() * (cur.inside() - inside_before * (one.clone() - cur.at_end.clone())),
            ));
            let reads = [
                (cur.read_memory.clone(), cur.src_memory.clone()),
                (cur.read_bytecode.clone(), cur.src_bytecode.clone()),
                (cur.read_calldata.clone(), cur.src_tx_calldata.clone()),
            ];
            for (read, flag) in reads {
                c.push((
                    "COPY: a byte is read from its source kind only",
                    q.clone() * (read - flag * cur.inside()),
                ));
            }
            c.push((
                "COPY: bytes past the source end are zero",
                on * (one - cur.inside()) * cur.value.clone(),
            ));
            c.push((
                "COPY: keccak and code destinations start at 0",
                q * (cur.dst_keccak.clone() + cur.dst_code()) * claim.dst_addr,
            ));
            c
        });
    }

    fn configure_lookups<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        let zero = || constant::<F>(0);
        self.rw
            .lookup(meta, "COPY: memory source byte is an rw read", |m| {
                let cur = self.cells_at(m, Rotation::cur());
                let claim = self.copy.row_exprs(m);
                let on = cur.read_memory.clone();
                let address = claim.src_addr + cur.index;
                vec![
                    on.clone() * cur.rw_counter_read,
                    zero(),
                    on.clone() * constant(RwTag::Memory as u64),
                    on.clone() * claim.src_id.lo,
                    zero(),
                    zero(),
                    on.clone() * address,
                    zero(),
                    zero(),
                    on.clone() * cur.value.clone(),
                    zero(),
                    on * cur.value,
                    zero(),
                    zero(),
                    zero(),
                ]
            });
        self.rw.lookup(
            meta,
            "COPY: memory or log destination byte is an rw write",
            |m| {
                let cur = self.cells_at(m, Rotation::cur());
                let claim = self.copy.row_exprs(m);
                let on = cur.writes();
                let rw_counter =
                    claim.rw_counter_start + claim.rw_count - claim.length + cur.index.clone();
                let address = claim.dst_addr + cur.index;
                let tag = cur.dst_memory.clone() * constant(RwTag::Memory as u64)
                    + cur.dst_tx_log.clone() * constant(RwTag::TxLog as u64);
                let key = cur.dst_memory.clone() * address.clone()
                    + cur.dst_tx_log.clone() * claim.log_id;
                vec![
                    on.clone() * rw_counter,
                    on.clone(),
                    tag,
                    on.clone() * claim.dst_id.lo,
                    zero(),
                    cur.dst_tx_log.clone() * constant(TxLogField::Data as u64),
                    key,
                    zero(),
                    cur.dst_tx_log.clone() * address,
                    on * cur.value,
                    zero(),
                    cur.dst_memory * cur.value_prev,
                    zero(),
                    zero(),
                    zero(),
                ]
            },
        );
        self.bytecode
            .lookup(meta, "COPY: bytecode source or destination byte", |m| {
                let cur = self.cells_at(m, Rotation::cur());
                let claim = self.copy.row_exprs(m);
                let (src, dst) = (cur.read_bytecode.clone(), cur.dst_code());
                let on = src.clone() + dst.clone();
                vec![
                    src.clone() * claim.src_id.lo + dst.clone() * claim.dst_id.lo,
                    src.clone() * claim.src_id.hi + dst.clone() * claim.dst_id.hi,
                    on.clone() * constant(BytecodeFieldTag::Byte as u64),
                    src * (claim.src_addr + cur.index.clone()) + dst * (claim.dst_addr + cur.index),
                    on.clone() * cur.value,
                    on * cur.is_code,
                ]
            });
        self.bytecode
            .lookup(meta, "COPY: code destination has the copy's length", |m| {
                let cur = self.cells_at(m, Rotation::cur());
                let claim = self.copy.row_exprs(m);
                let on = cur.dst_code();
                vec![
                    on.clone() * claim.dst_id.lo,
                    on.clone() * claim.dst_id.hi,
                    on.clone() * constant(BytecodeFieldTag::Header as u64),
                    zero(),
                    on * claim.length,
                    zero(),
                ]
            });
        self.tx.lookup(meta, "COPY: calldata source byte", |m| {
            let cur = self.cells_at(m, Rotation::cur());
            let claim = self.copy.row_exprs(m);
            let on = cur.read_calldata.clone();
            vec![
                on.clone() * claim.src_id.lo,
                on.clone() * constant(TxFieldTag::CallData as u64),
                on.clone() * (claim.src_addr + cur.index),
                on * cur.value,
                zero(),
            ]
        });
        self.keccak
            .lookup(meta, "COPY: keccak destination byte", |m| {
                let cur = self.cells_at(m, Rotation::cur());
                let claim = self.copy.row_exprs(m);
                let on = cur.dst_keccak.clone();
                vec![
                    on.clone() * constant(KeccakFieldTag::Byte as u64),
                    on.clone() * claim.dst_id.lo,
                    on.clone() * claim.dst_id.hi,
                    on.clone() * (claim.dst_addr + cur.index),
                    on * cur.value,
                ]
            });
        self.keccak.lookup(
            meta,
            "COPY: keccak destination has the copy's length",
            |m| {
                let cur = self.cells_at(m, Rotation::cur());
                let claim = self.copy.row_exprs(m);
                let on = cur.dst_keccak;
                vec![
                    on.clone() * constant(KeccakFieldTag::Length as u64),
                    on.clone() * claim.dst_id.lo,
                    on.clone() * claim.dst_id.hi,
                    on * claim.length,
                    zero(),
                ]
            },
        );
    }

    /// The claim's columns and the per-byte cells, in assignment order.
    pub(crate) fn advice_columns(&self) -> Vec<Column<Advice>> {
        let claim: CopyTableRow<Column<Advice>> = self.copy.columns;
        claim
            .to_vec()
            .into_iter()
            .chain(self.cells.to_vec())
            .collect()
    }
}
