//! Tampered bytecode-circuit witnesses: each change to a table row or to one of the
//! circuit's own cells is rejected by the constraint that speaks of it.

use super::{assert_rejected, byte, cell, fr, Tampered, CODE, CUT};
use crate::bytecode::config::push_state;
use crate::table::BytecodeTableRow;

// ---- negative: table values ----

#[test]
fn a_changed_byte_fails_the_keccak_lookup() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(4)].value = fr(0x04);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: each code byte is the hashed input's byte",
    );
}

#[test]
fn an_opcode_marked_as_push_data_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(5)].is_code = fr(0); // ADD
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a byte is an opcode iff no push data is pending",
    );
}

#[test]
fn push_data_marked_as_an_opcode_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(2)].is_code = fr(1); // second byte of PUSH2's data
    assert_rejected(
        t.clone().recompute_cells().verify(),
        "BYTECODE: a byte is an opcode iff no push data is pending",
    );
    // With the inverse zeroed, the other half of the is-zero check rejects it.
    let mut t = t.recompute_cells();
    t.cells[cell(1)].push_rest_inv = fr(0);
    assert_rejected(t.verify(), "BYTECODE: no opcode while push data is pending");
}

#[test]
fn the_final_row_follows_the_countdown() {
    // Cut short: PUSH2 lacks one byte, a zero push-data row past the code, then the STOP.
    let t = Tampered::honest(&[&CUT]);
    let last = t.rows.len() - 1;
    assert_eq!(
        (t.rows[last - 1].is_code, t.rows[last].is_code),
        (fr(0), fr(1))
    );
    // The missing byte marked as an opcode (the code would end there).
    let mut t = Tampered::honest(&[&CUT]);
    t.rows[last - 1].is_code = fr(1);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: no opcode while push data is pending",
    );
    // The missing byte left out: the STOP would come while push data is pending.
    let mut t = Tampered::honest(&[&CUT]);
    t.rows.remove(last - 1);
    t.rows[last - 1].index = fr(CUT.len() as u64);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: no opcode while push data is pending",
    );
    // The STOP marked as push data.
    let mut t = Tampered::honest(&[&CODE]);
    let last = t.rows.len() - 1;
    t.rows[last].is_code = fr(0);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a byte is an opcode iff no push data is pending",
    );
}

#[test]
fn the_code_cannot_end_early_or_run_on() {
    // The last code byte made the final STOP (no row past the code).
    let mut t = Tampered::honest(&[&CODE]);
    let last = t.rows.len() - 1;
    t.rows.remove(last);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: the final byte is past the code",
    );
    // A second STOP past the code.
    let mut t = Tampered::honest(&[&CODE]);
    let mut extra = t.rows[last];
    extra.index += fr(1);
    t.rows.push(extra);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: an opcode past the code is the final byte",
    );
}

#[test]
fn past_is_index_at_or_above_the_length() {
    // A code byte claimed past the code (its keccak lookup would be off).
    let mut t = Tampered::honest(&[&CODE]).recompute_cells();
    t.cells[cell(2)].past = fr(1);
    assert_rejected(
        t.verify(),
        "BYTECODE: past turns on at index = length and stays on",
    );
    // at_len claimed 1 below the length.
    let mut t = Tampered::honest(&[&CODE]).recompute_cells();
    t.cells[cell(3)].at_len_inv = fr(0);
    assert_rejected(
        t.verify(),
        "BYTECODE: at_len = [index = length] on a byte row",
    );
    // The zero byte past the code made non-zero.
    let mut t = Tampered::honest(&[&CUT]);
    t.rows[byte(CUT.len())].value = fr(0x5b);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a byte past the code is 0",
    );
}

#[test]
fn a_skipped_or_repeated_index_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows.remove(byte(3));
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: the index grows by 1 within a bytecode",
    );
    let mut t = Tampered::honest(&[&CODE]);
    let row = t.rows[byte(3)];
    t.rows.insert(byte(3), row);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: the index grows by 1 within a bytecode",
    );
}

#[test]
fn a_wrong_header_length_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[0].value += fr(1);
    let t = t.recompute_cells();
    assert_rejected(t.verify(), "BYTECODE: the final byte is past the code");
    assert_rejected(
        t.verify(),
        "BYTECODE: the header's length is the hashed input's length",
    );
}

#[test]
fn a_non_zero_final_byte_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    let last = t.rows.len() - 1;
    t.rows[last].value = fr(0x01);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a byte past the code is 0",
    );
}

#[test]
fn a_changed_hash_on_one_row_is_rejected() {
    for limb in 0..2 {
        let mut t = Tampered::honest(&[&CODE, &CUT]);
        let hash = &mut t.rows[byte(3)].code_hash;
        if limb == 0 {
            hash.lo += fr(1);
        } else {
            hash.hi += fr(1);
        }
        let name = ["lo", "hi"][limb];
        assert_rejected(
            t.recompute_cells().verify(),
            &format!("BYTECODE: the code hash is constant within a bytecode ({name})"),
        );
    }
}

#[test]
fn a_row_after_the_zero_tail_is_rejected() {
    let mut t = Tampered::honest(&[&CODE, &CUT]);
    t.rows.insert(CODE.len() + 2, BytecodeTableRow::default());
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: nothing but zero rows after a zero row",
    );
}

#[test]
fn a_byte_of_256_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(2)].value = fr(256);
    // The stated keccak table agrees, so only the byte range can object.
    t.keccak[byte(2)].value = fr(256);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a byte is an opcode byte with its execution state",
    );
}

#[test]
fn bytes_without_a_header_are_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.rows.remove(0);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: row 1 is a header or a zero row",
    );
    let mut t = Tampered::honest(&[&CODE, &CUT]);
    t.rows.remove(CODE.len() + 2);
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: the index grows by 1 within a bytecode",
    );
}

#[test]
fn a_header_without_bytes_is_rejected() {
    let mut t = Tampered::honest(&[&[], &CUT]);
    t.rows.remove(1); // the empty code's final row
    assert_rejected(
        t.recompute_cells().verify(),
        "BYTECODE: a header is followed by a byte",
    );
}

// ---- negative: the circuit's own cells ----

#[test]
fn a_push_without_its_push_data_is_rejected() {
    // PUSH1 claims no push data, so its data byte would count as an opcode.
    let mut t = Tampered::honest(&[&CUT]);
    t.rows[byte(1)].is_code = fr(1);
    let mut t = t.recompute_cells();
    t.cells[cell(0)].push_rest = fr(0);
    t.cells[cell(0)].push_rest_inv = fr(0);
    assert_rejected(t.verify(), "BYTECODE: PUSHn has n push-data bytes");
}

#[test]
fn push_data_after_a_non_push_is_rejected() {
    // ADD claims one push-data byte: STOP after it would be push data.
    let mut t = Tampered::honest(&[&CODE]);
    t.rows[byte(6)].is_code = fr(0);
    let mut t = t.recompute_cells();
    t.cells[cell(5)].push_rest = fr(1);
    t.cells[cell(5)].push_rest_inv = fr(1);
    t.cells[cell(6)].push_rest = fr(0);
    assert_rejected(
        t.verify(),
        "BYTECODE: an opcode other than PUSH has no push data",
    );
    // Claiming ADD's state is Push instead fails the fixed-table lookup.
    t.cells[cell(5)].opcode_state = fr(push_state());
    assert_rejected(
        t.verify(),
        "BYTECODE: a byte is an opcode byte with its execution state",
    );
}

#[test]
fn a_wrong_carried_length_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.cells[cell(0)].length += fr(1);
    assert_rejected(
        t.verify(),
        "BYTECODE: the first byte carries the header's length",
    );
    let mut t = Tampered::honest(&[&CODE]);
    t.cells[cell(3)].length += fr(1);
    assert_rejected(
        t.verify(),
        "BYTECODE: the length is constant within a bytecode",
    );
}

#[test]
fn a_wrong_final_flag_is_rejected() {
    let mut t = Tampered::honest(&[&CODE]);
    t.cells[cell(3)].is_last = fr(1);
    assert_rejected(
        t.verify(),
        "BYTECODE: is_last = is_byte · (the next row is not a byte)",
    );
}
