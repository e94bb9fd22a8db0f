//! ContractAddress: the address CREATE or CREATE2 gives the new account, the low 20 bytes of
//! keccak256 of a preimage whose bytes are looked up by its hash. A helper of
//! [`CreateGadget`](super::CreateGadget), not a gadget.
//!
//! ```text
//! hash = (hash.lo, hash.hi) cells; "hash.hi = Σ_{j<16} hash_byte_j·256^j"
//! address = (hash.lo, Σ_{j<4} hash_byte_j·256^j)              the hash's low 20 bytes
//! (Header, hash, 0, len) and (Byte, hash, index_i, byte_i) ∈ bytecode table
//!
//! CREATE2: len = 85; bytes 0xff ‖ creator (20) ‖ salt (32) ‖ init_hash (32), big-endian:
//!   byte 0 = 0xff, "creator.lo = Σ ...", "creator.hi = Σ ...", same for salt and init_hash
//! CREATE: preimage rlp([creator, nonce]):
//!   "nonce = Σ_{j<8} nonce_byte_j·256^j"
//!   sel_0..sel_8 boolean, Σ sel_k = 1: the nonce has k significant bytes:
//!     "nonce_byte_i·Σ_{k≤i} sel_k = 0" (bytes from k up are 0)
//!     top = Σ_{k≥1} sel_k·nonce_byte_{k-1}; "top·top_inv = 1 - sel_0" (byte k-1 is not 0)
//!   is_small boolean, t byte: "t = nonce_byte_0 + 128 - 256·(1 - is_small)"  (byte_0 < 128)
//!   short = sel_0 + sel_1·is_small                        (the nonce is one RLP byte)
//!   k = Σ k·sel_k; enc_len = short + (1 - short)·(1 + k); len = 22 + enc_len
//!   byte 0 = 0xc0 + 21 + enc_len, byte 1 = 0x94, bytes 2..22 = creator
//!   byte 22 = sel_0·0x80 + sel_1·is_small·nonce_byte_0 + (1 - short)·(0x80 + k)
//!   byte 23 + m (on when m < k and not short) = Σ_{k>m} sel_k·nonce_byte_{k-1-m}
//! ```
//! Soundness: the bytecode circuit proves every input the table holds against its keccak256
//! hash, so the looked-up bytes at indices `0..len` and the length are exactly the preimage
//! of `hash`, and every index below `len` is looked up. The one-hot `sel` with the zero and
//! non-zero conditions fixes `k` to the nonce's byte length (`sel_0` exactly when the nonce
//! is 0), and `t` being a byte fixes `is_small = [nonce_byte_0 < 128]`; the RLP encoding is
//! then the only one the constraints accept.

use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    constraint_builder::{CodeLength, ConstraintBuilder, HashedBytes},
};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::{keccak256, Address, Bytes, U256};
use equivm_witness::Bytecode;
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

/// `Σ values_i·256^(n-1-i)`: big-endian bytes as a number.
fn from_be<F: PrimeField>(values: &[Expression<F>]) -> Expression<F> {
    let le: Vec<_> = values.iter().rev().cloned().collect();
    expr_from_le_bytes(&le)
}

/// The new account's address and the lookups that derive it.
#[derive(Clone, Debug)]
pub struct ContractAddress<F: PrimeField, const IS_CREATE2: bool> {
    /// The preimage's hash (lo, hi).
    pub(super) hash: [Cell<F>; 2],
    /// The hash's high limb, little-endian.
    pub(super) hash_hi_bytes: [Cell<F>; 16],
    length: CodeLength<F>,
    bytes: HashedBytes<F>,
    /// CREATE's nonce encoding.
    pub(super) nonce: Option<NonceRlp<F>>,
}

/// CREATE's nonce and its RLP encoding.
#[derive(Clone, Debug)]
pub(super) struct NonceRlp<F: PrimeField> {
    pub(super) bytes: [Cell<F>; 8],
    pub(super) sel: [Cell<F>; 9],
    pub(super) top: Cell<F>,
    pub(super) top_inv: Cell<F>,
    pub(super) is_small: Cell<F>,
    pub(super) small_check: Cell<F>,
    pub(super) short: Cell<F>,
    pub(super) enc_len: Cell<F>,
    pub(super) first: Cell<F>,
    pub(super) one_byte: Cell<F>,
    pub(super) long: Cell<F>,
    pub(super) tail: [Cell<F>; 8],
    pub(super) tail_on: [Cell<F>; 8],
}

/// Preimage slots of CREATE: byte 0, 0x94, 20 creator bytes, the nonce's first byte and up
/// to 8 more.
const CREATE_SLOTS: usize = 1 + 1 + 20 + 1 + 8;
/// Preimage slots of CREATE2: every byte.
const CREATE2_SLOTS: usize = 85;

impl<F: PrimeField, const IS_CREATE2: bool> ContractAddress<F, IS_CREATE2> {
    /// States the address of the account `creator` creates: from its `nonce` before the
    /// bump (CREATE), or from `salt` and the init code's hash (CREATE2).
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        creator: &Word<Expression<F>>,
        nonce: Expression<F>,
        salt: Option<&Word<Expression<F>>>,
        init_hash: &Word<Expression<F>>,
    ) -> Self {
        let hash = [cb.query_cell(), cb.query_cell()];
        let hash_hi_bytes = cb.query_bytes::<16>();
        let hi_exprs: Vec<_> = hash_hi_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "hash.hi = Σ hash_byte_j·256^j",
            hash[1].expr(),
            expr_from_le_bytes(&hi_exprs),
        );
        let hash_word = Word::new(hash[0].expr(), hash[1].expr());
        let length = cb.bytecode_length_of(hash_word.clone());
        let creator_at = if IS_CREATE2 { 1 } else { 2 };
        if IS_CREATE2 {
            let lookups = (0..CREATE2_SLOTS).map(|i| (c(i as u64), c(1))).collect();
            let bytes = cb.hashed_byte_lookups(hash_word, lookups);
            cb.require_equal("CREATE2 preimage length = 85", length.value.clone(), c(85));
            let v = &bytes.values;
            cb.require_equal("CREATE2 preimage byte 0 = 0xff", v[0].clone(), c(0xff));
            let (salt, init_hash) = (salt.expect("CREATE2 pops a salt"), init_hash);
            for (name, word, at) in [("salt", salt, 21), ("init code hash", init_hash, 53)] {
                cb.require_equal(
                    &format!("CREATE2 preimage: {name}.hi"),
                    word.hi.clone(),
                    from_be(&v[at..at + 16]),
                );
                cb.require_equal(
                    &format!("CREATE2 preimage: {name}.lo"),
                    word.lo.clone(),
                    from_be(&v[at + 16..at + 32]),
                );
            }
            Self::require_creator(cb, creator, &v[creator_at..creator_at + 20]);
            return Self {
                hash,
                hash_hi_bytes,
                length,
                bytes,
                nonce: None,
            };
        }
        let rlp = NonceRlp::configure(cb, nonce);
        let mut lookups: Vec<_> = (0..23).map(|i| (c(i as u64), c(1))).collect();
        for on in &rlp.tail_on {
            lookups.push((c(lookups.len() as u64), on.expr()));
        }
        let bytes = cb.hashed_byte_lookups(hash_word, lookups);
        let v = &bytes.values;
        cb.require_equal(
            "CREATE preimage length = 22 + enc_len",
            length.value.clone(),
            c(22) + rlp.enc_len.expr(),
        );
        cb.require_equal(
            "CREATE preimage byte 0 = 0xc0 + 21 + enc_len",
            v[0].clone(),
            c(0xc0 + 21) + rlp.enc_len.expr(),
        );
        cb.require_equal("CREATE preimage byte 1 = 0x94", v[1].clone(), c(0x94));
        Self::require_creator(cb, creator, &v[creator_at..creator_at + 20]);
        cb.require_equal(
            "CREATE preimage byte 22 = the nonce's first RLP byte",
            v[22].clone(),
            rlp.first.expr(),
        );
        for (m, (tail, on)) in rlp.tail.iter().zip(&rlp.tail_on).enumerate() {
            cb.require_equal(
                &format!("CREATE preimage byte {} = tail_on·tail", 23 + m),
                v[23 + m].clone(),
                on.expr() * tail.expr(),
            );
        }
        Self {
            hash,
            hash_hi_bytes,
            length,
            bytes,
            nonce: Some(rlp),
        }
    }

    fn require_creator(
        cb: &mut ConstraintBuilder<'_, F>,
        creator: &Word<Expression<F>>,
        v: &[Expression<F>],
    ) {
        cb.require_equal(
            "preimage: creator.hi = its 4 high bytes",
            creator.hi.clone(),
            from_be(&v[..4]),
        );
        cb.require_equal(
            "preimage: creator.lo = its 16 low bytes",
            creator.lo.clone(),
            from_be(&v[4..20]),
        );
    }

    /// The new address as a word (its high limb holds 4 bytes).
    pub fn address(&self) -> Word<Expression<F>> {
        let hi: Vec<_> = self.hash_hi_bytes[..4].iter().map(Cell::expr).collect();
        Word::new(self.hash[0].expr(), expr_from_le_bytes(&hi))
    }

    /// Assigns the derivation of the address `creator` makes with `nonce` (CREATE) or with
    /// `salt` and `init_code` (CREATE2); returns the address.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        creator: Address,
        nonce: u64,
        salt: U256,
        init_code: &[u8],
    ) -> Result<Address, Error> {
        let preimage = if IS_CREATE2 {
            equivm_witness::address::create2_preimage(creator, salt, init_code)
        } else {
            equivm_witness::address::create_preimage(creator, nonce)
        };
        let hash = keccak256(&preimage);
        let word = crate::table::b256_word(hash);
        self.hash[0].assign(region, F::from_u128(word.lo))?;
        self.hash[1].assign(region, F::from_u128(word.hi))?;
        for (cell, byte) in self.hash_hi_bytes.iter().zip(word.hi.to_le_bytes()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        let code = Bytecode::new(Bytes::from(preimage.clone()));
        self.length.assign_of(
            region,
            crate::table::b256_word(hash).to_field(),
            preimage.len() as u64,
        )?;
        let slots: Vec<(usize, bool)> = if IS_CREATE2 {
            (0..CREATE2_SLOTS).map(|i| (i, true)).collect()
        } else {
            (0..CREATE_SLOTS).map(|i| (i, i < preimage.len())).collect()
        };
        self.bytes.assign(region, &code, &slots)?;
        if let Some(rlp) = &self.nonce {
            rlp.assign(region, nonce, &preimage)?;
        }
        Ok(Address::from_slice(&hash[12..]))
    }
}

impl<F: PrimeField> NonceRlp<F> {
    fn configure(cb: &mut ConstraintBuilder<'_, F>, nonce: Expression<F>) -> Self {
        let bytes = cb.query_bytes::<8>();
        let b: Vec<_> = bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "nonce = Σ nonce_byte_j·256^j",
            nonce,
            expr_from_le_bytes(&b),
        );
        let sel: [Cell<F>; 9] = std::array::from_fn(|_| cb.query_bool("nonce sel is boolean"));
        cb.require_equal(
            "Σ sel_k = 1",
            sel.iter().fold(c(0), |acc, s| acc + s.expr()),
            c(1),
        );
        for (i, byte) in b.iter().enumerate() {
            let at_or_below = sel[..=i].iter().fold(c(0), |acc, s| acc + s.expr());
            cb.require_zero(
                &format!("nonce byte {i} is 0 from the top on"),
                byte.clone() * at_or_below,
            );
        }
        let top = cb.query_cell();
        cb.require_equal(
            "top = Σ_{k≥1} sel_k·nonce_byte_{k-1}",
            top.expr(),
            (1..9).fold(c(0), |acc, k| acc + sel[k].expr() * b[k - 1].clone()),
        );
        let top_inv = cb.query_cell();
        cb.require_equal(
            "the top byte is not 0: top·top_inv = 1 - sel_0",
            top.expr() * top_inv.expr(),
            c::<F>(1) - sel[0].expr(),
        );
        let is_small = cb.query_bool("is_small is boolean");
        let small_check = cb.query_byte();
        cb.require_equal(
            "t = nonce_byte_0 + 128 - 256·(1 - is_small) is a byte",
            small_check.expr(),
            b[0].clone() + c(128) - c(256) * (c::<F>(1) - is_small.expr()),
        );
        let short = cb.query_cell();
        cb.require_equal(
            "short = sel_0 + sel_1·is_small",
            short.expr(),
            sel[0].expr() + sel[1].expr() * is_small.expr(),
        );
        let k = (1..9).fold(c(0), |acc, k| acc + c::<F>(k as u64) * sel[k].expr());
        let enc_len = cb.query_cell();
        cb.require_equal(
            "enc_len = short + (1 - short)·(1 + k)",
            enc_len.expr(),
            short.expr() + (c::<F>(1) - short.expr()) * (c(1) + k.clone()),
        );
        let first = cb.query_cell();
        let one_byte = cb.query_cell();
        cb.require_equal(
            "one_byte = sel_1·is_small",
            one_byte.expr(),
            sel[1].expr() * is_small.expr(),
        );
        cb.require_equal(
            "first = sel_0·0x80 + one_byte·nonce_byte_0 + (1 - short)·(0x80 + k)",
            first.expr(),
            sel[0].expr() * c(0x80)
                + one_byte.expr() * b[0].clone()
                + (c::<F>(1) - short.expr()) * (c(0x80) + k),
        );
        let long = cb.query_cell();
        cb.require_equal("long = 1 - short", long.expr(), c::<F>(1) - short.expr());
        let tail: [Cell<F>; 8] = std::array::from_fn(|_| cb.query_cell());
        let tail_on: [Cell<F>; 8] = std::array::from_fn(|_| cb.query_cell());
        for (m, (t, on)) in tail.iter().zip(&tail_on).enumerate() {
            let above = (m + 1..9).fold(c(0), |acc, k| acc + sel[k].expr());
            cb.require_equal(
                &format!(
                    "tail_on_{m} = long·Σ_{{k>m}} sel_k (byte {} is in the preimage)",
                    23 + m
                ),
                on.expr(),
                long.expr() * above,
            );
            let value = (m + 1..9).fold(c(0), |acc, k| acc + sel[k].expr() * b[k - 1 - m].clone());
            cb.require_equal(
                &format!("tail_{m} = Σ_{{k>m}} sel_k·nonce_byte_{{k-1-m}}"),
                t.expr(),
                value,
            );
        }
        Self {
            bytes,
            sel,
            top,
            top_inv,
            is_small,
            small_check,
            short,
            enc_len,
            first,
            one_byte,
            long,
            tail,
            tail_on,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        nonce: u64,
        preimage: &[u8],
    ) -> Result<(), Error> {
        let le = nonce.to_le_bytes();
        for (cell, byte) in self.bytes.iter().zip(le) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        let k = 8 - le.iter().rev().take_while(|&&x| x == 0).count();
        for (j, s) in self.sel.iter().enumerate() {
            s.assign(region, F::from(u64::from(j == k)))?;
        }
        let top = if k == 0 { 0 } else { le[k - 1] };
        self.top.assign(region, F::from(u64::from(top)))?;
        self.top_inv.assign(
            region,
            F::from(u64::from(top))
                .invert()
                .into_option()
                .unwrap_or(F::ZERO),
        )?;
        let is_small = le[0] < 128;
        self.is_small.assign(region, F::from(u64::from(is_small)))?;
        let t = if is_small {
            le[0] as u64 + 128
        } else {
            le[0] as u64 - 128
        };
        self.small_check.assign(region, F::from(t))?;
        let short = k == 0 || (k == 1 && is_small);
        self.short.assign(region, F::from(u64::from(short)))?;
        let enc_len = preimage.len() as u64 - 22;
        self.enc_len.assign(region, F::from(enc_len))?;
        self.first.assign(
            region,
            F::from(u64::from(preimage.get(22).copied().unwrap_or(0))),
        )?;
        self.one_byte
            .assign(region, F::from(u64::from(k == 1 && is_small)))?;
        self.long.assign(region, F::from(u64::from(!short)))?;
        for (m, (t, on)) in self.tail.iter().zip(&self.tail_on).enumerate() {
            let v = if m < k { le[k - 1 - m] } else { 0 };
            t.assign(region, F::from(u64::from(v)))?;
            on.assign(region, F::from(u64::from(!short && m < k)))?;
        }
        Ok(())
    }
}
