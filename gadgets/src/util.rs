//! Small helpers shared by the chips: constants as expressions, powers of two, and native
//! views of field elements (little-endian bytes, integer comparison).
//!
//! The native helpers read `PrimeField::to_repr`, which is little-endian for the fields of
//! `halo2curves` (BN254 `Fr` among them); the chips rely on that.

use std::cmp::Ordering;

use halo2_proofs::{halo2curves::ff::PrimeField, plonk::Expression};

/// The constant `value` as an expression.
pub fn constant<F: PrimeField>(value: u64) -> Expression<F> {
    Expression::Constant(F::from(value))
}

/// `2^bits` as a field element.
pub fn pow2<F: PrimeField>(bits: u32) -> F {
    F::from(2).pow_vartime([u64::from(bits)])
}

/// Recomposes little-endian bytes: `Σ bytes[i] · 256^i`.
pub fn expr_from_le_bytes<F: PrimeField>(bytes: &[Expression<F>]) -> Expression<F> {
    bytes
        .iter()
        .rev()
        .fold(Expression::Constant(F::ZERO), |acc, byte| {
            acc * F::from(256) + byte.clone()
        })
}

/// The canonical little-endian bytes of `value`.
pub fn le_bytes<F: PrimeField>(value: &F) -> Vec<u8> {
    value.to_repr().as_ref().to_vec()
}

/// The lowest `N` little-endian bytes of `value` (higher bytes are dropped).
pub fn low_le_bytes<F: PrimeField, const N: usize>(value: &F) -> [u8; N] {
    let bytes = le_bytes(value);
    std::array::from_fn(|i| bytes.get(i).copied().unwrap_or(0))
}

/// `value` as a `u128`, or `None` if it is `2^128` or more.
pub fn to_u128<F: PrimeField>(value: &F) -> Option<u128> {
    let bytes = le_bytes(value);
    if bytes.iter().skip(16).any(|b| *b != 0) {
        return None;
    }
    let low: [u8; 16] = std::array::from_fn(|i| bytes.get(i).copied().unwrap_or(0));
    Some(u128::from_le_bytes(low))
}

/// Compares two field elements as the integers in `0..p` they represent.
pub fn cmp_as_integers<F: PrimeField>(lhs: &F, rhs: &F) -> Ordering {
    let (lhs, rhs) = (le_bytes(lhs), le_bytes(rhs));
    lhs.iter().rev().cmp(rhs.iter().rev())
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2curves::bn256::Fr;

    #[test]
    fn native_helpers_agree_with_u128() {
        let v = Fr::from_u128(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10);
        assert_eq!(to_u128(&v), Some(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10));
        assert_eq!(low_le_bytes::<Fr, 2>(&v), [0x10, 0x0f]);
        assert_eq!(to_u128(&pow2::<Fr>(128)), None);
        assert_eq!(pow2::<Fr>(8), Fr::from(256));
        assert_eq!(cmp_as_integers(&Fr::from(3), &Fr::from(5)), Ordering::Less);
        assert_eq!(
            cmp_as_integers(&-Fr::one(), &Fr::from(5)),
            Ordering::Greater
        );
    }
}
