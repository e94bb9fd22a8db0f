//! The copy circuit: proves every claim of the [`CopyTable`](crate::table::CopyTable), one
//! row per copied byte.
//!
//! A copy of `length` bytes takes `length` consecutive rows. Each row holds the copy's claim
//! (the copy-table columns, the same on every row of the copy) and one byte's cells
//! ([`CopyRowCells`]): one-hot source and destination kind flags, `is_first`, `is_last`, the
//! byte's `index`, its `value`, the memory destination's `value_prev`, the bytecode's
//! `is_code`, the counter of the byte's memory read, and whether the byte lies before the
//! source's end. Write `s = src_addr + index` and `d = dst_addr + index`. The fixed
//! `q_row` is 1 on rows `0..capacity`; "on" rows are those with a source flag.
//!
//! ```text
//! kinds   flags boolean; Σ src flags = Σ dst flags ∈ {0, 1} (= on)
//!         src_type = Σ kind·src flag, dst_type = Σ kind·dst flag   (0 on off rows)
//!         row 0 and row capacity-1 are off
//! runs    on ∧ ¬is_first ⇒ the row before is on and not last
//!         on ∧ ¬is_last  ⇒ the next row is on, not first, has the same claim,
//!                          index + 1, rw_counter_read + read_memory
//!         is_first ⇒ index = 0, rw_counter_read = rw_counter_start
//!         is_last  ⇒ index = length - 1,
//!                    rw_counter_read + read_memory = rw_counter_start + rw_count
//!                                                    - writes·length
//! end     at_end = [s = src_addr_end] (is-zero with end_diff_inv)
//!         inside = (is_first ? 1 : inside of the row before)·(1 - at_end),
//!         inside = read_memory + read_bytecode + read_calldata, read_x = src flag x · inside
//!         ¬inside ⇒ value = 0
//!         keccak, bytecode and deployment destinations have dst_addr = 0
//! lookups read_memory ⇒ rw (rw_counter_read, read, Memory, src_id, key s, value = prev = value)
//!         dst memory  ⇒ rw (rw_counter_start + rw_count - length + index, write, Memory,
//!                           dst_id, key d, value, value_prev)
//!         dst log     ⇒ rw (same counter, write, TxLog, dst_id, Data, key log_id, index d,
//!                           value, value_prev 0)
//!         read_bytecode ⇒ bytecode (src_id, Byte, s, value, is_code)
//!         dst code    ⇒ bytecode (dst_id, Byte, index, value, is_code), (dst_id, Header, 0, length)
//!         read_calldata ⇒ tx (src_id, CallData, s, value)
//!         dst keccak  ⇒ keccak (Byte, dst_id, index, value), (Length, dst_id, length, 0)
//! ```
//! (`writes` = dst memory + dst log.) Degree 5; 7 lookups, each of input degree ≤ 2.
//!
//! **Soundness.** Take a row of the table that a gadget looks up, with source kind `src_type
//! ≠ 0`: it is an on row, so (runs) it belongs to a maximal run that starts at a first row
//! and ends at a last row — a run cannot stop at an off row or run past row `capacity - 1`,
//! and cannot start from row 0 or an off row — and every row of the run carries the same
//! claim. `index` runs `0, 1, ..` from the first row and equals `length - 1` exactly on the
//! last, so the run has `length` rows, byte `i` on the row with `index = i`. Given the
//! gadget's `src_addr ≤ src_addr_end` (both below 2^40, far below the field), `s` passes
//! `src_addr_end` on no row before it reaches it, so `inside` is 1 exactly on the bytes with
//! `s < src_addr_end` and (end) those bytes are the source's — a memory read of call `src_id`
//! at `s`, byte `s` of the code with hash `src_id`, byte `s` of tx `src_id`'s data — and the
//! others are 0. Every byte is the destination's: a write of memory `d` of call `dst_id` or
//! data byte `d` of log `log_id`, byte `index` of the keccak input or code with hash
//! `dst_id`, whose length is `length` (so the whole input is these bytes). Counters: the
//! reads take `rw_counter_start, +1, ..` in byte order, one per byte inside; the writes take
//! the last `length` counters of `[rw_counter_start, rw_counter_start + rw_count)`, and the
//! last-row constraint makes the reads end where the writes begin (or at the end, with no
//! writes), so `rw_count` = reads + writes and the copy's accesses are exactly those
//! counters. The rw table holds one entry per counter (state circuit), so no counter is both
//! read and written. Bytes need no range check: each is a source-table byte or 0.
//!
//! Rows beyond `capacity` are not constrained: give the circuit `capacity` = its usable rows
//! (as the super circuit does), so no row escapes.
//!
//! Cost: 1 row per copied byte (a read-row/write-row layout takes 2); 13 table + 20 cell
//! advice columns, 2 fixed columns.

pub mod assign;
pub mod circuit;
pub mod config;

pub use assign::{event_rows, rows_needed, rows_of, CopyCircuitRow};
pub use circuit::CopyCircuit;
pub use config::{CopyCircuitConfig, CopyRowCells};

#[cfg(test)]
mod tests;
