//! The preimages of the addresses CREATE and CREATE2 give new accounts: an address is the
//! low 20 bytes of the preimage's keccak256 hash.

use equivm_trace::revm::primitives::{keccak256, Address, U256};

/// `rlp([creator, nonce])`, whose hash's low 20 bytes are CREATE's address.
pub fn create_preimage(creator: Address, nonce: u64) -> Vec<u8> {
    let be = nonce.to_be_bytes();
    let significant = &be[be.iter().take_while(|&&x| x == 0).count()..];
    let encoded: Vec<u8> = match significant {
        [] => vec![0x80],
        [x] if *x < 0x80 => vec![*x],
        bytes => std::iter::once(0x80 + bytes.len() as u8)
            .chain(bytes.iter().copied())
            .collect(),
    };
    let mut out = Vec::with_capacity(2 + 20 + encoded.len());
    out.push(0xc0 + 21 + encoded.len() as u8);
    out.push(0x94);
    out.extend_from_slice(creator.as_slice());
    out.extend_from_slice(&encoded);
    out
}

/// `0xff ‖ creator ‖ salt ‖ keccak256(init_code)`, whose hash's low 20 bytes are CREATE2's
/// address.
pub fn create2_preimage(creator: Address, salt: U256, init_code: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(85);
    out.push(0xff);
    out.extend_from_slice(creator.as_slice());
    out.extend_from_slice(&salt.to_be_bytes::<32>());
    out.extend_from_slice(keccak256(init_code).as_slice());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preimages_hash_to_the_addresses_revm_derives() {
        let creator = Address::repeat_byte(0x5a);
        for nonce in [0u64, 1, 0x7f, 0x80, 0xff, 0x100, 0x1234_5678, u64::MAX - 1] {
            let got = Address::from_slice(&keccak256(create_preimage(creator, nonce))[12..]);
            assert_eq!(got, creator.create(nonce), "nonce {nonce}");
        }
        let code = [0x60, 0x00, 0xf3];
        let salt = U256::from(0x1234u64);
        let got = Address::from_slice(&keccak256(create2_preimage(creator, salt, &code))[12..]);
        assert_eq!(
            got,
            creator.create2(salt.to_be_bytes::<32>(), keccak256(code))
        );
    }
}
