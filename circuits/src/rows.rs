//! The rows halo2 keeps for itself in a circuit of a given shape.
//!
//! halo2 blinds the last rows of every advice column; how many depends on how many
//! rotations the circuit's columns are queried at, so on the circuit's shape parameters
//! (a taller keccak shape queries its columns at more rotations and needs more). The count
//! is computed once per circuit type and parameters and kept for the process.

use halo2_proofs::plonk::{Circuit, ConstraintSystem};
use halo2curves::bn256::Fr;
use std::any::TypeId;
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Mutex, OnceLock};

/// halo2's blinding rows plus one (the last row, which the permutation argument keeps) for
/// `C` configured with `params`.
pub fn reserved_rows<C>(params: C::Params) -> usize
where
    C: Circuit<Fr> + 'static,
    C::Params: Debug,
{
    static RESERVED: OnceLock<Mutex<HashMap<(TypeId, String), usize>>> = OnceLock::new();
    let reserved = RESERVED.get_or_init(Default::default);
    let key = (TypeId::of::<C>(), format!("{params:?}"));
    let known = reserved.lock().ok().and_then(|r| r.get(&key).copied());
    known.unwrap_or_else(|| {
        let mut cs = ConstraintSystem::<Fr>::default();
        C::configure_with_params(&mut cs, params);
        let rows = cs.blinding_factors() + 1;
        if let Ok(mut r) = reserved.lock() {
            r.insert(key, rows);
        }
        rows
    })
}

/// The rows of `2^k` that `C` configured with `params` can use.
pub fn usable_rows<C>(k: u32, params: C::Params) -> usize
where
    C: Circuit<Fr> + 'static,
    C::Params: Debug,
{
    (1usize << k).saturating_sub(reserved_rows::<C>(params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keccak::{KeccakCircuit, KeccakShape};

    #[test]
    fn a_taller_keccak_shape_reserves_more_rows_and_each_shape_keeps_its_own_count() {
        let wide = reserved_rows::<KeccakCircuit>(KeccakShape::WIDE);
        let tall_shape = KeccakShape::with_cell_columns(32);
        let tall = reserved_rows::<KeccakCircuit>(tall_shape);
        assert!(tall > wide, "tall {tall} against wide {wide}");
        // Asked again, in the other order, each shape still gets its own count.
        assert_eq!(reserved_rows::<KeccakCircuit>(tall_shape), tall);
        assert_eq!(reserved_rows::<KeccakCircuit>(KeccakShape::WIDE), wide);
        assert_eq!(
            usable_rows::<KeccakCircuit>(10, KeccakShape::WIDE),
            1024 - wide
        );
    }
}
