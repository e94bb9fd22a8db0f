//! Key generation for any `C: Circuit<Fr>`, and the byte form of its keys.
//!
//! Keys are serialized with halo2's own format in `SerdeFormat::RawBytes` (points and field
//! elements uncompressed, in Montgomery form). Reading a key needs the circuit type and its
//! `C::Params`, because halo2 rebuilds the constraint system from them instead of storing it;
//! a key read back for a different circuit type decodes only if the shapes happen to agree,
//! and then fails verification.
//!
//! halo2's readers panic on some malformed inputs (a truncated proving key, a field element
//! not below the modulus, a `k` too large for the field). The readers here check the layout
//! first and catch what is left, so malformed bytes give [`ProverError::MalformedKey`].

use super::{catch_halo2_panic, params::MAX_K, ProverError};
use halo2_proofs::{
    halo2curves::{
        bn256::{Bn256, Fr, G1Affine},
        serde::SerdeObject,
        CurveAffine,
    },
    plonk::{self, Circuit, ProvingKey, VerifyingKey},
    poly::kzg::commitment::ParamsKZG,
    SerdeFormat,
};

const FORMAT: SerdeFormat = SerdeFormat::RawBytes;
/// Bytes of one field element in `RawBytes`.
const FR_BYTES: usize = 32;

/// The verifying key of `circuit` for `params` (whose `k` is the circuit's `k`). Only the
/// circuit's shape and fixed columns matter; witness values are not read.
pub fn keygen_vk<C: Circuit<Fr>>(
    params: &ParamsKZG<Bn256>,
    circuit: &C,
) -> Result<VerifyingKey<G1Affine>, ProverError> {
    catch_halo2_panic("key generation", || {
        plonk::keygen_vk(params, circuit).map_err(|source| ProverError::Keygen { source })
    })
}

/// The proving key (which holds the verifying key, see `ProvingKey::get_vk`) of `circuit` for
/// `params`. Fails with [`ProverError::Keygen`] if, e.g., the circuit does not fit in
/// `2^params.k()` rows.
pub fn keygen<C: Circuit<Fr>>(
    params: &ParamsKZG<Bn256>,
    circuit: &C,
) -> Result<ProvingKey<G1Affine>, ProverError> {
    let vk = keygen_vk(params, circuit)?;
    catch_halo2_panic("key generation", || {
        plonk::keygen_pk(params, vk, circuit).map_err(|source| ProverError::Keygen { source })
    })
}

/// `vk` as bytes (halo2's format, `RawBytes`).
pub fn vk_to_bytes(vk: &VerifyingKey<G1Affine>) -> Vec<u8> {
    vk.to_bytes(FORMAT)
}

/// `pk` as bytes (halo2's format, `RawBytes`); it starts with [`vk_to_bytes`] of its vk.
pub fn pk_to_bytes(pk: &ProvingKey<G1Affine>) -> Vec<u8> {
    pk.to_bytes(FORMAT)
}

fn malformed(kind: &'static str, reason: impl Into<String>) -> ProverError {
    ProverError::MalformedKey {
        kind,
        reason: reason.into(),
    }
}

/// Reads a verifying key of circuit type `C` (configured with `params`) written by
/// [`vk_to_bytes`]. Every byte must be used: trailing bytes are an error.
pub fn vk_from_bytes<C: Circuit<Fr>>(
    bytes: &[u8],
    params: C::Params,
) -> Result<VerifyingKey<G1Affine>, ProverError> {
    let mut rest = bytes;
    let vk = read_vk::<C>(&mut rest, params, "verifying key")?;
    if !rest.is_empty() {
        return Err(malformed(
            "verifying key",
            format!("{} trailing bytes", rest.len()),
        ));
    }
    Ok(vk)
}

/// Reads a verifying key from the front of `bytes`, advancing it past the key.
fn read_vk<C: Circuit<Fr>>(
    bytes: &mut &[u8],
    params: C::Params,
    kind: &'static str,
) -> Result<VerifyingKey<G1Affine>, ProverError> {
    // Header: version byte 0x02, k (u32 LE), compress_selectors (0 or 1).
    let [version, k0, k1, k2, k3, compress, ..] = **bytes else {
        return Err(malformed(kind, format!("{} bytes, too short", bytes.len())));
    };
    if version != 0x02 {
        return Err(malformed(
            kind,
            format!("version byte {version:#04x}, not 0x02"),
        ));
    }
    let k = u32::from_le_bytes([k0, k1, k2, k3]);
    if !(1..=MAX_K).contains(&k) {
        return Err(malformed(
            kind,
            format!("k = {k} is out of range 1..={MAX_K}"),
        ));
    }
    // With compressed selectors halo2 allocates 2^k flags per selector before reading their
    // 2^k / 8 bytes: bound k by the input so a forged header cannot ask for gigabytes.
    if compress == 1 && (1usize << k) / 8 > bytes.len() {
        return Err(malformed(
            kind,
            format!("k = {k} does not fit in {} bytes", bytes.len()),
        ));
    }
    let vk = catch_halo2_panic("key decoding", || {
        VerifyingKey::<G1Affine>::read::<_, C>(bytes, FORMAT, params)
            .map_err(|e| malformed(kind, e.to_string()))
    })
    .map_err(|e| aborted_as_malformed(kind, e))?;
    let points_on_curve = vk
        .fixed_commitments()
        .iter()
        .chain(vk.permutation().commitments())
        .all(|p| bool::from(p.is_on_curve()));
    if !points_on_curve {
        return Err(malformed(kind, "a commitment is not on the curve"));
    }
    Ok(vk)
}

/// Reads a proving key of circuit type `C` (configured with `params`) written by
/// [`pk_to_bytes`]. The layout (polynomial counts and lengths, field elements below the
/// modulus, no trailing bytes) is checked before halo2 decodes it, which takes the circuit's
/// params twice (hence `C::Params: Clone`).
pub fn pk_from_bytes<C: Circuit<Fr>>(
    bytes: &[u8],
    params: C::Params,
) -> Result<ProvingKey<G1Affine>, ProverError>
where
    C::Params: Clone,
{
    const KIND: &str = "proving key";
    let mut rest = bytes;
    let vk = read_vk::<C>(&mut rest, params.clone(), KIND)?;
    let n = 1usize << vk.get_domain().k();
    let fixed = vk.fixed_commitments().len();
    let permuted = vk.permutation().commitments().len();
    // l0, l_last, l_active_row; fixed values and polys; permutation values and polys.
    for name in ["l0", "l_last", "l_active_row"] {
        skip_poly(&mut rest, n).map_err(|r| malformed(KIND, format!("{name}: {r}")))?;
    }
    for (name, count) in [
        ("fixed values", fixed),
        ("fixed polys", fixed),
        ("permutation values", permuted),
        ("permutation polys", permuted),
    ] {
        skip_poly_vec(&mut rest, count, n).map_err(|r| malformed(KIND, format!("{name}: {r}")))?;
    }
    if !rest.is_empty() {
        return Err(malformed(KIND, format!("{} trailing bytes", rest.len())));
    }
    catch_halo2_panic("key decoding", || {
        ProvingKey::read::<_, C>(&mut &bytes[..], FORMAT, params)
            .map_err(|e| malformed(KIND, e.to_string()))
    })
    .map_err(|e| aborted_as_malformed(KIND, e))
}

/// A panic while decoding means the bytes were bad (e.g. a `k` too large for the circuit's
/// degree): report it as such.
fn aborted_as_malformed(kind: &'static str, e: ProverError) -> ProverError {
    match e {
        ProverError::Aborted { message, .. } => {
            malformed(kind, format!("rejected by halo2: {message}"))
        }
        other => other,
    }
}

/// Advances `bytes` past a big-endian `u32`.
fn take_u32(bytes: &mut &[u8]) -> Result<u32, String> {
    let Some((head, tail)) = bytes.split_first_chunk::<4>() else {
        return Err("truncated length".to_string());
    };
    *bytes = tail;
    Ok(u32::from_be_bytes(*head))
}

/// Advances `bytes` past one polynomial of `len` canonical field elements.
fn skip_poly(bytes: &mut &[u8], len: usize) -> Result<(), String> {
    let found = take_u32(bytes)? as usize;
    if found != len {
        return Err(format!("{found} coefficients, expected {len}"));
    }
    let size = len * FR_BYTES;
    if bytes.len() < size {
        return Err(format!("truncated: {} of {size} bytes", bytes.len()));
    }
    let (values, tail) = bytes.split_at(size);
    if let Some(i) = values
        .chunks_exact(FR_BYTES)
        .position(|c| Fr::from_raw_bytes(c).is_none())
    {
        return Err(format!("coefficient {i} is not below the field modulus"));
    }
    *bytes = tail;
    Ok(())
}

/// Advances `bytes` past a vector of `count` polynomials of `len` elements each.
fn skip_poly_vec(bytes: &mut &[u8], count: usize, len: usize) -> Result<(), String> {
    let found = take_u32(bytes)? as usize;
    if found != count {
        return Err(format!("{found} polynomials, expected {count}"));
    }
    (0..count).try_for_each(|i| skip_poly(bytes, len).map_err(|r| format!("#{i}: {r}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prover::{
        prove,
        tests::{fixture, verify_fixture, MulCircuit},
        verify,
    };

    fn assert_malformed<T>(result: Result<T, ProverError>, what: &str) {
        match result {
            Ok(_) => panic!("{what}: accepted"),
            Err(ProverError::MalformedKey { .. }) => {}
            Err(other) => panic!("{what}: {other}"),
        }
    }

    #[test]
    fn vk_round_trips_to_identical_bytes() {
        let vk = fixture().pk.get_vk();
        let bytes = vk_to_bytes(vk);
        let back = vk_from_bytes::<MulCircuit>(&bytes, ()).expect("decodes");
        assert_eq!(vk_to_bytes(&back), bytes);
        // The decoded key verifies the fixture's proof.
        let f = fixture();
        assert!(verify(&f.params, &back, &f.instances, &f.proof).is_ok());
    }

    #[test]
    fn malformed_vk_is_an_error_not_a_panic() {
        let bytes = vk_to_bytes(fixture().pk.get_vk());
        for len in [0, 1, 5, 9, 10, 11, bytes.len() / 2, bytes.len() - 1] {
            assert_malformed(
                vk_from_bytes::<MulCircuit>(&bytes[..len], ()),
                &format!("truncated to {len}"),
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_malformed(vk_from_bytes::<MulCircuit>(&longer, ()), "trailing byte");
        let mut version = bytes.clone();
        version[0] = 0x03;
        assert_malformed(vk_from_bytes::<MulCircuit>(&version, ()), "version 3");
        for k in [0u32, 29, u32::MAX] {
            let mut huge = bytes.clone();
            huge[1..5].copy_from_slice(&k.to_le_bytes());
            assert_malformed(vk_from_bytes::<MulCircuit>(&huge, ()), &format!("k = {k}"));
        }
        // k = 28 is in range, but too large for this circuit's degree (extended domain).
        let mut big = bytes.clone();
        big[1..5].copy_from_slice(&28u32.to_le_bytes());
        assert_malformed(vk_from_bytes::<MulCircuit>(&big, ()), "k = 28");
        // Compressed selectors with a k whose selector bits cannot be in the input.
        let mut compressed = bytes.clone();
        compressed[1..5].copy_from_slice(&20u32.to_le_bytes());
        compressed[5] = 1;
        assert_malformed(
            vk_from_bytes::<MulCircuit>(&compressed, ()),
            "compressed, k 20",
        );
        // A coordinate at or above the field modulus.
        let mut point = bytes.clone();
        point[10..42].fill(0xff);
        assert_malformed(vk_from_bytes::<MulCircuit>(&point, ()), "bad coordinate");
    }

    #[test]
    fn pk_round_trips_and_proves() {
        let f = fixture();
        let bytes = pk_to_bytes(&f.pk);
        assert!(bytes.starts_with(&vk_to_bytes(f.pk.get_vk())));
        let pk = pk_from_bytes::<MulCircuit>(&bytes, ()).expect("decodes");
        assert_eq!(pk_to_bytes(&pk), bytes);
        let circuit = MulCircuit::honest();
        let proof = prove(&f.params, &pk, circuit, &f.instances, None).expect("proof");
        assert!(verify_fixture(&f.instances, &proof).is_ok());
    }

    #[test]
    fn malformed_pk_is_an_error_not_a_panic() {
        let bytes = pk_to_bytes(&fixture().pk);
        let vk_len = vk_to_bytes(fixture().pk.get_vk()).len();
        for len in [
            0,
            7,
            vk_len,
            vk_len + 3,
            vk_len + 40,
            bytes.len() / 2,
            bytes.len() - 1,
        ] {
            assert_malformed(
                pk_from_bytes::<MulCircuit>(&bytes[..len], ()),
                &format!("truncated to {len}"),
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_malformed(pk_from_bytes::<MulCircuit>(&longer, ()), "trailing byte");
        // A polynomial length that does not match the key's k.
        let mut length = bytes.clone();
        length[vk_len..vk_len + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_malformed(pk_from_bytes::<MulCircuit>(&length, ()), "huge poly length");
        // A coefficient at or above the field modulus (the first one of l0).
        let mut coefficient = bytes.clone();
        coefficient[vk_len + 4..vk_len + 36].fill(0xff);
        assert_malformed(
            pk_from_bytes::<MulCircuit>(&coefficient, ()),
            "bad coefficient",
        );
    }
}
