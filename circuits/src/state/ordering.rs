//! The sort order of the rw log, and the facts the state circuit needs to prove it.
//!
//! Rows are sorted by the limbs `(tag, sort_id, address, field_tag, key_hi, key_lo, index,
//! rw_counter)`, where `sort_id` is the entry's id except for storage and accounts (0: they
//! outlive a transaction). Two rows touch the same state cell exactly when their first seven
//! limbs agree.
//!
//! For each row after row 0, the circuit names the first limb `i` in which it differs from
//! the row before (`first_diff`, one-hot), asserts the limbs before `i` are equal, and that
//! `limb_i - prev_limb_i - 1` is a sum of [`DIFF_BYTES`] range-checked bytes, i.e. that the
//! difference lies in `[1, 2^160]`.
//!
//! Why this is enough without range-checking the limbs themselves: along any run of rows,
//! limb 0 only ever grows by amounts in `[1, 2^160]`; to come back to an earlier value the
//! total growth would have to be a multiple of the field modulus (about 2^254), which needs
//! more than 2^90 rows. So limb 0 never changes between two rows with equal limb 0; applied
//! limb by limb, two rows with equal first seven limbs have only `first_diff = rw_counter`
//! rows between them: every state cell's accesses form one contiguous run, with
//! `rw_counter` strictly increasing. All honest limbs are below 2^160.

use equivm_trace::revm::primitives::U256;
use equivm_witness::{Rw, RwTag};

/// Number of sort limbs.
pub const NUM_LIMBS: usize = 8;
/// Index of `rw_counter` among the limbs: `first_diff` there means "same cell as the row
/// before".
pub const RW_COUNTER_LIMB: usize = NUM_LIMBS - 1;
/// Bytes of `limb - prev_limb - 1` (differences up to 2^160).
pub const DIFF_BYTES: usize = 20;
/// Limb names, for constraint names.
pub const LIMB_NAMES: [&str; NUM_LIMBS] = [
    "tag",
    "sort_id",
    "address",
    "field_tag",
    "key_hi",
    "key_lo",
    "index",
    "rw_counter",
];

/// The id a row is sorted by: 0 for storage and accounts, else the entry's id.
pub fn sort_id(rw: &Rw) -> u64 {
    match rw.tag {
        RwTag::Storage | RwTag::Account => 0,
        _ => rw.id,
    }
}

/// The limbs of `rw` as numbers, in sort order.
pub fn limbs(rw: &Rw) -> [U256; NUM_LIMBS] {
    let row = rw.to_row();
    let mask = (U256::from(1u8) << 128) - U256::from(1u8);
    [
        U256::from(row.tag),
        U256::from(sort_id(rw)),
        row.address,
        U256::from(row.field_tag),
        row.key >> 128,
        row.key & mask,
        U256::from(row.index),
        U256::from(row.rw_counter),
    ]
}

/// The all-zero limbs of row 0.
pub const ZERO_LIMBS: [U256; NUM_LIMBS] = [U256::ZERO; NUM_LIMBS];

/// The first limb where `cur` differs from `prev`, and the bytes (little-endian) of
/// `cur[i] - prev[i] - 1`; `None` if `cur` does not sort strictly after `prev` or the
/// difference is above 2^160.
pub fn first_difference(
    prev: &[U256; NUM_LIMBS],
    cur: &[U256; NUM_LIMBS],
) -> Option<(usize, [u8; DIFF_BYTES])> {
    let i = (0..NUM_LIMBS).find(|&i| prev[i] != cur[i])?;
    if cur[i] < prev[i] {
        return None;
    }
    let d = cur[i] - prev[i] - U256::from(1u8);
    if d.bit_len() > 8 * DIFF_BYTES {
        return None;
    }
    let le: [u8; 32] = d.to_le_bytes();
    let mut bytes = [0u8; DIFF_BYTES];
    bytes.copy_from_slice(&le[..DIFF_BYTES]);
    Some((i, bytes))
}

/// `rws` sorted by their limbs (the state circuit's row order).
pub fn sorted(rws: &[Rw]) -> Vec<Rw> {
    let mut sorted: Vec<(Rw, [U256; NUM_LIMBS])> =
        rws.iter().map(|rw| (rw.clone(), limbs(rw))).collect();
    sorted.sort_by_key(|a| a.1);
    sorted.into_iter().map(|(rw, _)| rw).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use equivm_trace::revm::primitives::Address;

    #[test]
    fn storage_sorts_by_slot_then_counter_across_txs() {
        let mut a = Rw::storage(2, Address::ZERO, U256::from(1));
        a.rw_counter = 9;
        let mut b = Rw::storage(1, Address::ZERO, U256::from(1));
        b.rw_counter = 3;
        let mut c = Rw::storage(1, Address::ZERO, U256::from(0));
        c.rw_counter = 5;
        let s = sorted(&[a.clone(), b.clone(), c.clone()]);
        assert_eq!(s, vec![c, b.clone(), a.clone()]);
        let (i, bytes) = first_difference(&limbs(&b), &limbs(&a)).expect("sorted");
        assert_eq!((i, bytes[0]), (RW_COUNTER_LIMB, 5));
    }

    #[test]
    fn difference_must_be_positive_and_at_most_2_160() {
        let mut lo = ZERO_LIMBS;
        let mut hi = ZERO_LIMBS;
        // limb - prev_limb - 1 must fit 20 bytes: differences up to 2^160.
        hi[2] = (U256::from(1u8) << 160) + U256::from(1u8);
        assert_eq!(first_difference(&lo, &hi), None);
        hi[2] = U256::from(1u8) << 160;
        assert!(first_difference(&lo, &hi).is_some());
        assert_eq!(first_difference(&hi, &lo), None);
        lo = hi;
        assert_eq!(first_difference(&lo, &hi), None);
    }
}
