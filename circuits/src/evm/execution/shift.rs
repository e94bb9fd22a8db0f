//! SHL and SHR (EIP-145): pushes `value << shift` or `value >> shift` (mod 2^256), 0 when
//! `shift ≥ 256`; and [`ShiftCore`], the shifter SAR also uses.
//!
//! A shift `s < 256` is `8·q + r` (`q ∈ 0..32`, `r ∈ 0..8`). The core first shifts by bits,
//! `W = x·2^t` (33 bytes), then picks bytes: byte `j` of the result is `W_{j+d}`:
//!
//! | | `t` | `d` | why |
//! | --- | --- | --- | --- |
//! | SHL | `r` | `-q` | `(x·2^r)·256^q` |
//! | SHR | `8 - r` | `q + 1` | `⌊x·2^(8-r) / 256^(q+1)⌋ = ⌊x / 2^(8q+r)⌋` |
//!
//! `d ∈ [-31, 32]` is `8·dh + dl - 31` with two one-hot sets; the `dl` byte offset goes into
//! five 64-bit pieces `T_k` (bytes `T_m = W_{m-7+dl}`), the `dh` offset selects whole pieces,
//! so every constraint has degree ≤ 2:
//!
//! ```text
//! shift = pop (rw 0), x = pop (rw 1), result = push (rw 2)
//! "SHIFT: opcode = 0x1b + is_shr", is_shr boolean
//! "shift.lo = Σ_{j<16} shift_byte_j·256^j"
//! WordIsZero(Σ_{j≥1} shift_byte_j, shift.hi) = in_range                    (s < 256)
//! sel_t (t ∈ 0..=8), sel_dl, sel_dh boolean; "Σ sel_t = 1", "Σ sel_dl = 1", "Σ sel_dh = in_range"
//! "t ≠ 8 for SHL", "t ≠ 0 for SHR"                                         (so r ∈ 0..8)
//! r = t + is_shr·(8 - 2t), q = -d + is_shr·(2d - 1), d = 8·dh + dl - 31
//! "shift_byte_0 = 8·q + r + z", "in_range·z = 0"
//! "2^t·x.lo = W.lo + carry·2^128", "2^t·x.hi + carry = W.hi + w_32·2^128"   W, carry bytes
//! "T_k = Σ_l sel_dl_l · Σ_{b<8} W_{8k+b-7+l}·256^b"                         (k = 0..5)
//! "result = Σ_h sel_dh_h · (T_{h-3} + 2^64·T_{h-2}, T_{h-1} + 2^64·T_h)"     (T outside 0..5 is 0)
//! transition (SameContext): pc + 1, stack pointer + 1, gas - 3
//! ```
//! Soundness: `in_range = [shift < 256]` as in `byte.rs`. In range, `d ∈ [-31, 32]`,
//! `r ∈ [0, 8)`, and `8q = shift_byte_0 - r ∈ [-7, 255]` forces `q ∈ [0, 32)`: the small
//! integer equation gives `q = s >> 3`, `r = s & 7`, hence `t`, `d`, `dh`, `dl`. Each side of
//! the bit-stage equations is below `2^137`, so they hold over the integers and
//! `W = x·2^t` (`x`'s limbs are below `2^128`, the rw table's). The pieces are fixed
//! linear combinations of `W`'s bytes, so the result is byte `j + d` of `W` for every `j`,
//! the table above. Out of range, `Σ sel_dh = 0` and the result is 0 (`z` absorbs
//! `shift_byte_0`).
//!
//! Measured (`equivm stats`): 7 rows, 66 byte cells, 27 plain cells, 3 rw lookups.

use super::{ExecutionGadget, SameContext, WordIsZero};
use crate::{
    evm::{
        assign::{word_of, StepRegion},
        cell::Cell,
        constraint_builder::ConstraintBuilder,
    },
    table::u256_word,
};
use equivm_gadgets::{
    util::{expr_from_le_bytes, pow2},
    Word,
};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// Bytes of `W = x·2^t` (up to 264 bits).
const W_BYTES: usize = 33;
/// 64-bit pieces `T_k`.
const PIECES: usize = 5;

fn c<F: PrimeField>(v: u64) -> Expression<F> {
    Expression::Constant(F::from(v))
}

fn signed<F: PrimeField>(v: i64) -> F {
    let f = F::from(v.unsigned_abs());
    if v < 0 {
        -f
    } else {
        f
    }
}

/// `Σ_k (k·scale)·cell_k`.
fn weighted<F: PrimeField>(cells: &[Cell<F>], scale: u64) -> Expression<F> {
    cells
        .iter()
        .zip(0u64..)
        .fold(c(0), |acc, (s, k)| acc + c::<F>(k * scale) * s.expr())
}

/// Assigns a one-hot set: 1 at `at` (if any), 0 elsewhere.
fn assign_one_hot<F: PrimeField>(
    region: &mut StepRegion<'_, '_, F>,
    cells: &[Cell<F>],
    at: Option<usize>,
) -> Result<(), Error> {
    for (k, cell) in cells.iter().enumerate() {
        cell.assign(region, F::from(u64::from(at == Some(k))))?;
    }
    Ok(())
}

/// The shifter: `x << s` (`is_shr = 0`) or `x >> s` (`is_shr = 1`) for a word `x` and a
/// shift word `s`, 0 when `s ≥ 256` (see the module docs).
#[derive(Clone, Debug)]
pub struct ShiftCore<F: PrimeField> {
    /// `shift.lo`'s 16 bytes, little-endian.
    pub shift_bytes: [Cell<F>; 16],
    /// `shift < 256`.
    pub in_range: WordIsZero<F>,
    /// One-hot over the bit shift `t ∈ 0..=8`.
    pub sel_t: [Cell<F>; 9],
    /// One-hot over `dl = (d + 31) mod 8`.
    pub sel_dl: [Cell<F>; 8],
    /// One-hot over `dh = (d + 31) / 8`, all zero out of range (byte cells).
    pub sel_dh: [Cell<F>; 8],
    /// `shift_byte_0 - 8·q - r` (0 in range).
    pub z: Cell<F>,
    /// `W = x·2^t`, 33 bytes little-endian.
    pub w_bytes: [Cell<F>; W_BYTES],
    /// Carry from the low limb of `x·2^t`.
    pub carry: Cell<F>,
    /// `T_k`: bytes `8k..8k+8` of `W·256^(dl-7)`.
    pub pieces: [Cell<F>; PIECES],
    result: Word<Expression<F>>,
}

impl<F: PrimeField> ShiftCore<F> {
    /// Allocates the cells and states the constraints (see the module docs); `is_shr` must
    /// be boolean (degree ≤ 1).
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        shift: Word<Expression<F>>,
        x: Word<Expression<F>>,
        is_shr: Expression<F>,
    ) -> Self {
        let sum = |cells: &[Cell<F>]| cells.iter().fold(c(0), |acc, s| acc + s.expr());
        let shift_bytes = cb.query_bytes::<16>();
        let sb: Vec<_> = shift_bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            "shift.lo = Σ_{j<16} shift_byte_j·256^j",
            shift.lo,
            expr_from_le_bytes(&sb),
        );
        let high = sb[1..].iter().fold(c(0), |acc, b| acc + b.clone());
        let in_range = WordIsZero::configure(cb, "shift high part", Word::new(high, shift.hi));

        let sel_t: [Cell<F>; 9] = std::array::from_fn(|_| cb.query_bool("sel_t is boolean"));
        let sel_dl: [Cell<F>; 8] = std::array::from_fn(|_| cb.query_bool("sel_dl is boolean"));
        let sel_dh: [Cell<F>; 8] = std::array::from_fn(|_| {
            let cell = cb.query_byte();
            cb.require_boolean("sel_dh is boolean", cell.expr());
            cell
        });
        cb.require_equal("Σ sel_t = 1", sum(&sel_t), c(1));
        cb.require_equal("Σ sel_dl = 1", sum(&sel_dl), c(1));
        cb.require_equal("Σ sel_dh = in_range", sum(&sel_dh), in_range.expr());
        cb.require_zero(
            "t ≠ 8 for SHL: (1 - is_shr)·sel_t_8 = 0",
            (c(1) - is_shr.clone()) * sel_t[8].expr(),
        );
        cb.require_zero(
            "t ≠ 0 for SHR: is_shr·sel_t_0 = 0",
            is_shr.clone() * sel_t[0].expr(),
        );
        let t = weighted(&sel_t, 1);
        let d = weighted(&sel_dh, 8) + weighted(&sel_dl, 1) - c(31);
        let r = t.clone() + is_shr.clone() * (c(8) - c(2) * t);
        let q = is_shr * (c(2) * d.clone() - c(1)) - d;
        let z = cb.query_cell();
        cb.require_equal(
            "shift_byte_0 = 8·q + r + z",
            sb[0].clone(),
            c(8) * q + r + z.expr(),
        );
        cb.require_zero("in_range·z = 0", in_range.expr() * z.expr());

        let w_bytes = cb.query_bytes::<W_BYTES>();
        let carry = cb.query_byte();
        let wb: Vec<_> = w_bytes.iter().map(Cell::expr).collect();
        let pow_t = sel_t
            .iter()
            .zip(0u32..)
            .fold(c(0), |acc, (s, k)| acc + c::<F>(1 << k) * s.expr());
        let limb = Expression::Constant(pow2::<F>(128));
        cb.require_equal(
            "2^t·x.lo = W.lo + carry·2^128",
            pow_t.clone() * x.lo,
            expr_from_le_bytes(&wb[..16]) + carry.expr() * limb.clone(),
        );
        cb.require_equal(
            "2^t·x.hi + carry = W.hi + w_32·2^128",
            pow_t * x.hi + carry.expr(),
            expr_from_le_bytes(&wb[16..32]) + wb[32].clone() * limb,
        );

        let w_at = |i: i64| match usize::try_from(i) {
            Ok(i) if i < W_BYTES => wb[i].clone(),
            _ => c(0),
        };
        let pieces: [Cell<F>; PIECES] = std::array::from_fn(|_| cb.query_cell());
        for (k, piece) in (0i64..).zip(&pieces) {
            let choice = (0i64..).zip(&sel_dl).fold(c(0), |acc, (l, s)| {
                let bytes: Vec<_> = (0..8).map(|b| w_at(8 * k + b - 7 + l)).collect();
                acc + s.expr() * expr_from_le_bytes(&bytes)
            });
            cb.require_equal(
                &format!("T_{k} = Σ_l sel_dl_l · Σ_(b<8) W_(8·{k}+b-7+l)·256^b"),
                piece.expr(),
                choice,
            );
        }
        let piece_at = |i: i64| match usize::try_from(i) {
            Ok(i) if i < PIECES => pieces[i].expr(),
            _ => c(0),
        };
        let two64 = Expression::Constant(pow2::<F>(64));
        let limb_pair = |p: i64| {
            (0i64..).zip(&sel_dh).fold(c(0), |acc, (h, s)| {
                acc + s.expr() * (piece_at(p + h - 3) + two64.clone() * piece_at(p + h - 2))
            })
        };
        let result = Word::new(limb_pair(0), limb_pair(2));
        Self {
            shift_bytes,
            in_range,
            sel_t,
            sel_dl,
            sel_dh,
            z,
            w_bytes,
            carry,
            pieces,
            result,
        }
    }

    /// The shifted word (limb expressions of degree 2).
    pub fn result(&self) -> Word<Expression<F>> {
        self.result.clone()
    }

    /// Assigns the cells for `x` shifted by `shift`; returns the result.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        shift: U256,
        x: U256,
        is_shr: bool,
    ) -> Result<U256, Error> {
        let sb = shift.to_le_bytes::<32>();
        for (cell, b) in self.shift_bytes.iter().zip(sb) {
            cell.assign(region, F::from(u64::from(b)))?;
        }
        let high = sb[1..16].iter().map(|b| u64::from(*b)).sum::<u64>();
        let in_range = self
            .in_range
            .assign(region, Word::new(F::from(high), word_of::<F>(shift).hi))?;
        let byte0 = i64::from(sb[0]);
        let (t, d) = match (in_range, is_shr) {
            (true, false) => (byte0 & 7, -(byte0 >> 3)),
            (true, true) => (8 - (byte0 & 7), (byte0 >> 3) + 1),
            (false, false) => (0, -31),
            (false, true) => (8, -31),
        };
        let (dh, dl) = ((d + 31) / 8, (d + 31) % 8);
        let index = |v: i64| usize::try_from(v).map_err(|_| Error::Synthesis);
        assign_one_hot(region, &self.sel_t, Some(index(t)?))?;
        assign_one_hot(region, &self.sel_dl, Some(index(dl)?))?;
        assign_one_hot(region, &self.sel_dh, in_range.then_some(index(dh)?))?;
        let (q, r) = if is_shr { (d - 1, 8 - t) } else { (-d, t) };
        self.z.assign(region, signed(byte0 - 8 * q - r))?;

        let t = index(t)?;
        let mut w = (x << t).to_le_bytes::<32>().to_vec();
        w.push(if t == 0 { 0 } else { (x >> (256 - t)).byte(0) });
        for (cell, b) in self.w_bytes.iter().zip(&w) {
            cell.assign(region, F::from(u64::from(*b)))?;
        }
        let x_lo = u256_word(x).lo;
        let carry = if t == 0 { 0 } else { x_lo >> (128 - t) };
        self.carry.assign(region, F::from_u128(carry))?;
        let w_at = |i: i64| usize::try_from(i).ok().and_then(|i| w.get(i).copied());
        let mut pieces = [0u64; PIECES];
        for (k, piece) in (0i64..).zip(pieces.iter_mut()) {
            *piece = (0..8).fold(0u64, |acc, b| {
                acc | u64::from(w_at(8 * k + b - 7 + dl).unwrap_or(0)) << (8 * b)
            });
        }
        for (cell, piece) in self.pieces.iter().zip(pieces) {
            cell.assign(region, F::from(piece))?;
        }
        let mut limbs = [0u64; 4];
        if in_range {
            for (p, limb) in (0i64..).zip(limbs.iter_mut()) {
                let k = p + dh - 3;
                *limb = usize::try_from(k)
                    .ok()
                    .and_then(|k| pieces.get(k).copied())
                    .unwrap_or(0);
            }
        }
        Ok(U256::from_limbs(limbs))
    }
}

/// SHL, SHR.
#[derive(Clone, Debug)]
pub struct ShiftGadget<F: PrimeField> {
    /// 1 for SHR.
    pub is_shr: Cell<F>,
    /// The shifter.
    pub core: ShiftCore<F>,
    same_context: SameContext<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ShiftGadget<F> {
    const NAME: &'static str = "SHIFT";
    const STATE: ExecutionState = ExecutionState::Shift;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let is_shr = cb.query_bool("is_shr is boolean");
        cb.require_equal(
            "opcode = 0x1b + is_shr",
            cb.opcode(),
            c(0x1b) + is_shr.expr(),
        );
        let shift = cb.stack_pop();
        let x = cb.stack_pop();
        let result = cb.stack_push();
        let core = ShiftCore::configure(cb, shift, x, is_shr.expr());
        cb.require_equal_word("result = selected pieces", result, core.result());
        let same_context = SameContext::configure(cb, c(1));
        Self {
            is_shr,
            core,
            same_context,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let [shift, x, result] = [0, 1, 2].map(|k| rws.get(k).map(|rw| rw.value));
        let (shift, x) = (shift.ok_or(Error::Synthesis)?, x.ok_or(Error::Synthesis)?);
        let is_shr = step.opcode.ok_or(Error::Synthesis)? == 0x1c;
        self.is_shr.assign(region, F::from(u64::from(is_shr)))?;
        // The result cells come from the operands; the constraints compare them with the
        // pushed value, so a tampered result is rejected there, not here.
        self.core.assign(region, shift, x, is_shr)?;
        result.ok_or(Error::Synthesis)?;
        self.same_context.assign(region, step)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, cell::Cell, EvmCircuit};
    use equivm_trace::revm::primitives::U256;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;
    use proptest::prelude::*;

    const SHL: u8 = 0x1b;
    const SHR: u8 = 0x1c;

    fn mixed() -> U256 {
        U256::from_str_radix(
            "f123456789abcdeffedcba987654321000ff00ff00ff00fff0f0f0f00f0f0f0f",
            16,
        )
        .expect("hex")
    }

    /// Shift amounts: in range at bit and byte boundaries, and out of range (256, 2^128 + 1).
    fn shifts() -> Vec<U256> {
        let mut v: Vec<U256> = [0u64, 1, 7, 8, 9, 100, 128, 255, 256]
            .map(U256::from)
            .to_vec();
        v.push((U256::from(1) << 128) + U256::from(1));
        v
    }

    fn expected(op: u8, x: U256, s: U256) -> U256 {
        match (s < U256::from(256), op) {
            (false, _) => U256::ZERO,
            (true, SHL) => x << s.to::<usize>(),
            (true, _) => x >> s.to::<usize>(),
        }
    }

    fn push32(code: &mut Vec<u8>, v: U256) {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }

    /// `PUSH32 x PUSH32 s OP POP` for each case; step `4·n` of the slice is case `n`.
    fn circuit_of(cases: &[(u8, U256, U256)]) -> EvmCircuit {
        let mut code = Vec::new();
        for (op, x, s) in cases {
            push32(&mut code, *x);
            push32(&mut code, *s);
            code.extend([*op, 0x50]);
        }
        code.push(0x00);
        let w = witness_of(code);
        let first = nth_step(&w, ExecutionState::Shift, 0);
        let last = nth_step(&w, ExecutionState::Shift, cases.len() - 1);
        slice(&w, first..last + 1)
    }

    /// Every shift of [`shifts`] on `mixed()` with SHL then SHR, then SHL and SHR of
    /// 2^256 - 1 by 255 and 1 by 255.
    fn cases() -> Vec<(u8, U256, U256)> {
        let mut cases = Vec::new();
        for op in [SHL, SHR] {
            cases.extend(shifts().into_iter().map(|s| (op, mixed(), s)));
        }
        for op in [SHL, SHR] {
            cases.push((op, U256::MAX, U256::from(255)));
            cases.push((op, U256::from(1), U256::from(255)));
        }
        cases
    }

    /// Slice step of case `n` of [`cases`].
    fn step(n: usize) -> usize {
        4 * n
    }

    /// Case numbers: SHL by 8, SHR by 8, SHR by 2^128 + 1.
    const SHL_8: usize = 3;
    const SHR_8: usize = 13;
    const SHR_HUGE: usize = 19;

    fn cell(step: usize, cell: &Cell<Fr>, value: Fr) -> Override<Fr> {
        Override::Cell {
            step,
            column: cell.column,
            rotation: cell.rotation,
            value,
        }
    }

    #[test]
    fn shl_shr_pass() {
        let cases = cases();
        let c = circuit_of(&cases);
        for (n, (op, x, s)) in cases.iter().enumerate() {
            let rws = c
                .witness
                .step_rws(&c.witness.steps[c.steps.start + step(n)]);
            assert_eq!((rws[0].value, rws[1].value), (*s, *x), "case {n}");
            assert_eq!(rws[2].value, expected(*op, *x, *s), "case {n}");
        }
        assert_eq!(verify(&c, vec![]), Ok(()));
    }

    #[test]
    fn result_is_bound() {
        let o = Override::Rw {
            step: step(SHL_8),
            access: 2,
            field: "value_lo",
            value: Fr::from(5),
        };
        assert_rejected(
            verify(&circuit_of(&cases()), vec![o]),
            "SHIFT: result = selected pieces (lo)",
        );
    }

    #[test]
    fn a_huge_shift_cannot_claim_in_range() {
        // SHR by 2^128 + 1 claiming the shift is 1.
        let g = config().gadgets.shift.core;
        let overrides = vec![
            cell(step(SHR_HUGE), &g.in_range.is_zero, Fr::one()),
            cell(step(SHR_HUGE), &g.in_range.inv_hi, Fr::zero()),
        ];
        assert_rejected(
            verify(&circuit_of(&cases()), overrides),
            "SHIFT: shift high part is zero: shift high part.hi · is_zero = 0",
        );
    }

    #[test]
    fn a_small_shift_cannot_claim_out_of_range() {
        // SHR by 8 claiming the shift is ≥ 256 (result 0).
        let g = config().gadgets.shift.core;
        let s = step(SHR_8);
        let mut overrides = vec![cell(s, &g.in_range.is_zero, Fr::zero())];
        overrides.extend(g.sel_dh.iter().map(|c| cell(s, c, Fr::zero())));
        overrides.push(Override::Rw {
            step: s,
            access: 2,
            field: "value_lo",
            value: Fr::zero(),
        });
        assert_rejected(
            verify(&circuit_of(&cases()), overrides),
            "SHIFT: shift high part is zero: 1 - is_zero = shift high part.lo · inv_lo + shift high part.hi · inv_hi",
        );
    }

    #[test]
    fn byte_offset_is_bound_to_the_shift() {
        // SHL by 8 (d = -1: dh = 3, dl = 6) claiming d = 0 (dl = 7) with z = 8.
        let g = config().gadgets.shift.core;
        let s = step(SHL_8);
        let overrides = vec![
            cell(s, &g.sel_dl[6], Fr::zero()),
            cell(s, &g.sel_dl[7], Fr::one()),
            cell(s, &g.z, Fr::from(8)),
        ];
        assert_rejected(
            verify(&circuit_of(&cases()), overrides.clone()),
            "SHIFT: in_range·z = 0",
        );
        assert_rejected(
            verify(&circuit_of(&cases()), overrides[..2].to_vec()),
            "SHIFT: shift_byte_0 = 8·q + r + z",
        );
    }

    #[test]
    fn bit_stage_is_bound() {
        let g = config().gadgets.shift.core;
        let o = cell(step(SHR_8), &g.w_bytes[0], Fr::from(3));
        assert_rejected(
            verify(&circuit_of(&cases()), vec![o]),
            "SHIFT: 2^t·x.lo = W.lo + carry·2^128",
        );
    }

    #[test]
    fn shl_cannot_claim_to_be_shr() {
        let g = config().gadgets.shift;
        let o = cell(step(SHL_8), &g.is_shr, Fr::one());
        assert_rejected(
            verify(&circuit_of(&cases()), vec![o]),
            "SHIFT: opcode = 0x1b + is_shr",
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        #[test]
        fn random_shifts_pass(
            x in any::<[u8; 32]>(),
            small in 0u64..300,
            big in any::<[u8; 32]>(),
            use_big in any::<bool>(),
            is_shr in any::<bool>(),
        ) {
            let x = U256::from_be_bytes(x);
            let s = if use_big { U256::from_be_bytes(big) } else { U256::from(small) };
            let op = if is_shr { SHR } else { SHL };
            let c = circuit_of(&[(op, x, s)]);
            let rws = c.witness.step_rws(&c.witness.steps[c.steps.start]);
            prop_assert_eq!(rws[2].value, expected(op, x, s));
            prop_assert_eq!(verify(&c, vec![]), Ok(()));
        }
    }
}
