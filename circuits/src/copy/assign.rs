//! The copy circuit's rows from the witness, and their assignment.

use super::config::{CopyCircuitConfig, CopyRowCells};
use crate::table::{b256_word, check_capacity, CopyTableRow, TableError};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::keccak256;
use equivm_witness::{Bytecode, CopyDataType, CopyEvent, Rw, RwTag, Witness};
use halo2_proofs::{
    circuit::{Layouter, Value},
    halo2curves::ff::PrimeField,
};

/// One row of the copy circuit: the copy's claim and one byte's cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CopyCircuitRow<F> {
    /// The copy's claim (the same on every row of the copy).
    pub claim: CopyTableRow<F>,
    /// The byte's cells.
    pub cells: CopyRowCells<F>,
}

/// Rows the copy circuit takes for `events`: row 0, one row per copied byte, and one last
/// zero row.
pub fn rows_needed(events: &[CopyEvent]) -> usize {
    2 + events.iter().map(|e| e.bytes.len()).sum::<usize>()
}

fn invalid(event: usize, reason: impl std::fmt::Display) -> TableError {
    TableError::InvalidWitness {
        table: "copy",
        reason: format!("copy event {event}: {reason}"),
    }
}

fn flag<F: PrimeField>(on: bool) -> F {
    F::from(u64::from(on))
}

/// The rows of every copy event of `witness`, in order.
pub fn rows_of<F: PrimeField>(witness: &Witness) -> Result<Vec<CopyCircuitRow<F>>, TableError> {
    let mut rows = Vec::with_capacity(rows_needed(&witness.copy_events));
    for (i, event) in witness.copy_events.iter().enumerate() {
        rows.extend(event_rows(i, event, &witness.bytecodes, &witness.rws)?);
    }
    Ok(rows)
}

/// The rows of `event` (number `number` in the witness, for errors): one per byte.
pub fn event_rows<F: PrimeField>(
    number: usize,
    event: &CopyEvent,
    bytecodes: &[Bytecode],
    rws: &[Rw],
) -> Result<Vec<CopyCircuitRow<F>>, TableError> {
    use CopyDataType as K;
    let small = |v: u64| Word::new(u128::from(v), 0);
    let source_code = match event.src_type {
        K::Bytecode => Some(
            bytecodes
                .get(event.src_id as usize)
                .ok_or_else(|| invalid(number, format!("no bytecode {}", event.src_id)))?,
        ),
        K::Memory | K::TxCalldata => None,
        other => return Err(invalid(number, format!("{other:?} cannot be a source"))),
    };
    let src_id = source_code.map_or(small(event.src_id), |code| b256_word(code.hash));
    // A keccak or code destination is the whole input or code: the copied bytes.
    let dst_code = matches!(event.dst_type, K::Bytecode | K::Deployment)
        .then(|| Bytecode::new(event.bytes.clone().into()));
    let dst_id = match event.dst_type {
        K::Memory | K::TxLog => small(event.dst_id),
        K::Keccak | K::Bytecode | K::Deployment => b256_word(keccak256(&event.bytes)),
        K::TxCalldata => return Err(invalid(number, "calldata cannot be a destination")),
    };
    let claim =
        CopyTableRow::<F>::from_event(event, src_id, dst_id).map_err(|e| invalid(number, e))?;
    let writes = matches!(event.dst_type, K::Memory | K::TxLog);
    let length = event.bytes.len() as u64;
    let rw_end = event
        .rw_counter_start
        .checked_add(event.rw_count)
        .ok_or_else(|| invalid(number, "rw_counter_start + rw_count overflows"))?;
    // The writes, one per byte, are the copy's last `length` accesses.
    let write_start = if writes {
        let start = rw_end.checked_sub(length).ok_or_else(|| {
            invalid(
                number,
                format!("rw_count {} < {length} writes", event.rw_count),
            )
        })?;
        Some(start)
    } else {
        None
    };
    let mut rw_counter_read = event.rw_counter_start;
    let mut inside_so_far = true;
    let mut rows = Vec::with_capacity(event.bytes.len());
    for (index, byte) in (0u64..).zip(&event.bytes) {
        let src_addr = event.src_addr.saturating_add(index);
        let at_end = src_addr == event.src_addr_end;
        inside_so_far &= !at_end;
        let inside = inside_so_far;
        let diff = F::from(src_addr) - F::from(event.src_addr_end);
        let is_code = match (source_code, &dst_code) {
            (Some(code), _) if inside => code.is_code.get(src_addr as usize).copied(),
            (_, Some(code)) => code.is_code.get(index as usize).copied(),
            _ => None,
        };
        let value_prev = match (event.dst_type, write_start) {
            (K::Memory, Some(start)) => {
                let rw = start
                    .saturating_add(index)
                    .checked_sub(1)
                    .and_then(|i| rws.get(i as usize))
                    .filter(|rw| rw.tag == RwTag::Memory && rw.is_write)
                    .ok_or_else(|| invalid(number, format!("no memory write for byte {index}")))?;
                F::from(u64::from(rw.value_prev.byte(0)))
            }
            _ => F::ZERO,
        };
        let read_memory = inside && event.src_type == K::Memory;
        let cells = CopyRowCells {
            src_memory: flag(event.src_type == K::Memory),
            src_bytecode: flag(event.src_type == K::Bytecode),
            src_tx_calldata: flag(event.src_type == K::TxCalldata),
            dst_memory: flag(event.dst_type == K::Memory),
            dst_tx_log: flag(event.dst_type == K::TxLog),
            dst_keccak: flag(event.dst_type == K::Keccak),
            dst_bytecode: flag(event.dst_type == K::Bytecode),
            dst_deployment: flag(event.dst_type == K::Deployment),
            is_first: flag(index == 0),
            is_last: flag(index + 1 == length),
            index: F::from(index),
            value: F::from(u64::from(*byte)),
            value_prev,
            is_code: flag(is_code.unwrap_or(false)),
            rw_counter_read: F::from(rw_counter_read),
            at_end: flag(at_end),
            end_diff_inv: diff.invert().unwrap_or(F::ZERO),
            read_memory: flag(read_memory),
            read_bytecode: flag(inside && event.src_type == K::Bytecode),
            read_calldata: flag(inside && event.src_type == K::TxCalldata),
        };
        rw_counter_read += u64::from(read_memory);
        rows.push(CopyCircuitRow { claim, cells });
    }
    Ok(rows)
}

impl CopyCircuitConfig {
    /// Assigns the rows of `witness`'s copy events from row 1, zero rows elsewhere up to
    /// `capacity`; [`TableError::CapacityExceeded`] when they need more than
    /// [`rows_needed`].
    pub fn assign<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        witness: &Witness,
        capacity: usize,
    ) -> Result<(), TableError> {
        check_capacity("copy", rows_needed(&witness.copy_events), capacity)?;
        let rows = rows_of(witness)?;
        self.assign_rows(layouter, &rows, capacity)
    }

    /// Assigns `rows` as given from row 1 (tests use it to tamper), the fixed columns, and
    /// zero rows up to `capacity`.
    pub fn assign_rows<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        rows: &[CopyCircuitRow<F>],
        capacity: usize,
    ) -> Result<(), TableError> {
        check_capacity("copy", rows.len() + 2, capacity)?;
        let columns = self.advice_columns();
        layouter
            .assign_region(
                || "copy circuit",
                |mut region| {
                    for offset in 0..capacity {
                        region.assign_fixed(self.q_row, offset, F::ONE);
                        let edge = offset == 0 || offset + 1 == capacity;
                        region.assign_fixed(self.q_edge, offset, flag::<F>(edge));
                        let row = offset.checked_sub(1).and_then(|i| rows.get(i));
                        let values = row.map_or_else(
                            || vec![F::ZERO; columns.len()],
                            |r| {
                                r.claim
                                    .to_vec()
                                    .into_iter()
                                    .chain(r.cells.to_vec())
                                    .collect()
                            },
                        );
                        for (column, value) in columns.iter().zip(values) {
                            region.assign_advice(*column, offset, Value::known(value));
                        }
                    }
                    Ok(())
                },
            )
            .map_err(|source| TableError::Halo2 {
                table: "copy",
                source,
            })
    }
}
