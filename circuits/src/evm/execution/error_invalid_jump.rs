//! ErrorInvalidJump in the root call: JUMP, or JUMPI with a non-zero condition, to a
//! destination that is not a JUMPDEST opcode of the code.
//!
//! ```text
//! dest = stack read at sp (rw 0), second = stack read at sp + is_jumpi (rw 1)
//!        is_jumpi = opcode - 0x56 (the fixed table lets only JUMP and JUMPI select this
//!        state); JUMPI's second read is its condition, JUMP's is dest again
//! WordIsZero(second): cond_zero
//! "ERROR_INVALID_JUMP: JUMPI → cond ≠ 0"            is_jumpi·cond_zero = 0
//! len = code length lookup (row 1: the bytecode table's header row of code_hash)
//! in_range boolean: dest < len
//! "in_range → dest.hi = 0"                          in_range·dest.hi = 0
//! hi_zero = [dest.hi = 0]                           dest.hi·hi_zero = 0, 1 - hi_zero = dest.hi·hi_inv
//! "x = in_range·(len - 1 - dest.lo) + (1 - in_range)·(dest.lo - len)"
//! "dest.hi = 0 → x = Σ_{j<16} diff_j·256^j"         hi_zero·(x - Σ diff) = 0, diff 16 bytes
//! bytecode lookup #0 (code_hash, dest.lo, value, is_code), on iff in_range
//! eq = [value = 0x5b]                               (value - 0x5b)·eq = 0, 1 - eq = (value - 0x5b)·eq_inv
//! "in range → code[dest] is not a JUMPDEST opcode"   is_code·eq = 0
//! ErrorEnd (rw 2: IsSuccess = 0)                (see common_error.rs)
//! ```
//! Soundness. `dest.lo`, `dest.hi < 2^128` (rw table), `len` is the code's length (bytecode
//! table, far below `2^64`). With `in_range = 1`: `dest.hi = 0`, so `hi_zero = 1` and
//! `len - 1 - dest.lo ∈ [0, 2^128)`, i.e. `dest < len`; the lane then holds the real byte
//! at `dest` and its push-data flag, and `is_code·eq = 0` says it is not a JUMPDEST opcode
//! (a 0x5b in push data is not a destination). With `in_range = 0`: either
//! `dest.hi ≠ 0`, so `dest ≥ 2^128 > len`, or `dest.hi = 0`, `hi_zero = 1` and
//! `dest.lo - len ∈ [0, 2^128)`, i.e. `dest ≥ len`; the lane is off, its value 0, so
//! `eq = 0` and the last constraint is void. Either way the jump is invalid. A `len` or
//! `dest.lo` out of those ranges makes a negative difference, which is `p - k` with
//! `k < 2^129` and no 16 bytes reach. JUMP's second read is the destination again so that
//! both opcodes make the same number of rw accesses (the builder's rule).
//! Cost: 16 byte cells, 10 plain cells, 3 rw lookups, 2 bytecode lookups (2 lane rows).

use super::{common_error::ErrorEnd, ExecutionGadget, WordIsZero};
use crate::evm::{
    assign::{word_of, StepRegion, WitnessIndex},
    cell::Cell,
    columns::BytecodeLane,
    constraint_builder::{CodeLength, ConstraintBuilder},
};
use equivm_gadgets::util::expr_from_le_bytes;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{
    Bytecode, CallContextField, ExecStep, ExecutionState, RwField, RwTag, Witness,
};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

use super::jump::JUMPDEST;

/// ErrorInvalidJump (root call).
#[derive(Clone, Debug)]
pub struct ErrorInvalidJumpGadget<F: PrimeField> {
    /// `cond = 0` (JUMPI's condition; JUMP's destination, unused).
    pub cond_zero: WordIsZero<F>,
    /// The code length lookup.
    pub len: CodeLength<F>,
    /// `dest < len`.
    pub in_range: Cell<F>,
    /// `dest.hi = 0`.
    pub hi_zero: Cell<F>,
    /// Inverse of `dest.hi` (or 0).
    pub hi_inv: Cell<F>,
    /// `len - 1 - dest.lo` in range, `dest.lo - len` out of range.
    pub x: Cell<F>,
    /// `x`, 16 bytes little-endian (when `dest.hi = 0`).
    pub diff: [Cell<F>; 16],
    /// The push-data flag of the byte at `dest` (in range).
    pub is_code: Cell<F>,
    /// `code[dest] = JUMPDEST`.
    pub eq: Cell<F>,
    /// Inverse of `code[dest] - JUMPDEST` (or 0).
    pub eq_inv: Cell<F>,
    lane: BytecodeLane,
    end: ErrorEnd<F>,
}

/// The code of the call `call_id` of `witness`: its `CodeHash` context write names it.
fn code_of<'w>(witness: &'w Witness, step: &ExecStep) -> Option<&'w Bytecode> {
    let end = usize::try_from(step.rw_counter)
        .ok()?
        .min(witness.rws.len());
    let hash = witness.rws[..end].iter().rev().find(|rw| {
        rw.tag == RwTag::CallContext
            && rw.is_write
            && rw.id == step.call_id
            && rw.field == RwField::CallContext(CallContextField::CodeHash)
    })?;
    witness
        .bytecodes
        .iter()
        .find(|c| U256::from_be_bytes(c.hash.0) == hash.value)
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorInvalidJumpGadget<F> {
    const NAME: &'static str = "ERROR_INVALID_JUMP";
    const STATE: ExecutionState = ExecutionState::ErrorInvalidJump;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let is_jumpi = cb.opcode() - c(0x56);
        let dest = cb.stack_lookup(false, c(0));
        let second = cb.stack_lookup(false, is_jumpi.clone());
        let cond_zero = WordIsZero::configure(cb, "cond", second);
        cb.require_zero("JUMPI → cond ≠ 0", is_jumpi * cond_zero.expr());

        let in_range = cb.query_bool("in_range is boolean");
        cb.require_zero("in_range → dest.hi = 0", in_range.expr() * dest.hi.clone());
        let hi_zero = cb.query_cell();
        let hi_inv = cb.query_cell();
        cb.require_zero(
            "hi_zero: dest.hi·hi_zero = 0",
            dest.hi.clone() * hi_zero.expr(),
        );
        cb.require_equal(
            "hi_zero: 1 - hi_zero = dest.hi·hi_inv",
            c(1) - hi_zero.expr(),
            dest.hi * hi_inv.expr(),
        );

        // The byte lookup takes lane slot 0 (row 0), the code length row 1.
        let is_code = cb.query_cell();
        let slot = cb.bytecode_lookup_switched(dest.lo.clone(), is_code.expr());
        let lane = cb.bytecode_lanes()[0];
        let len = cb.bytecode_length();

        let x = cb.query_cell();
        let r = in_range.expr();
        cb.require_equal(
            "x = in_range·(len - 1 - dest.lo) + (1 - in_range)·(dest.lo - len)",
            x.expr(),
            r.clone() * (len.value.clone() - c(1) - dest.lo.clone())
                + (c(1) - r.clone()) * (dest.lo.clone() - len.value.clone()),
        );
        let diff = cb.query_bytes::<16>();
        let bytes: Vec<_> = diff.iter().map(Cell::expr).collect();
        cb.require_zero(
            "dest.hi = 0 → x = Σ_{j<16} diff_j·256^j",
            hi_zero.expr() * (x.expr() - expr_from_le_bytes(&bytes)),
        );

        cb.require_equal("lane.enable = in_range", slot.enable, r);
        let eq = cb.query_cell();
        let eq_inv = cb.query_cell();
        let off = slot.value - c(JUMPDEST);
        cb.require_zero("eq: (code[dest] - 0x5b)·eq = 0", off.clone() * eq.expr());
        cb.require_equal(
            "eq: 1 - eq = (code[dest] - 0x5b)·eq_inv",
            c(1) - eq.expr(),
            off * eq_inv.expr(),
        );
        cb.require_zero(
            "in range → code[dest] is not a JUMPDEST opcode",
            is_code.expr() * eq.expr(),
        );
        let end = ErrorEnd::configure(cb);
        Self {
            cond_zero,
            len,
            in_range,
            hi_zero,
            hi_inv,
            x,
            diff,
            is_code,
            eq,
            eq_inv,
            lane,
            end,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let rws = witness.step_rws(step);
        let [dest, second] = [0, 1].map(|i| rws.get(i).map(|rw| rw.value));
        let (dest, second) = (
            dest.ok_or(Error::Synthesis)?,
            second.ok_or(Error::Synthesis)?,
        );
        self.cond_zero.assign(region, word_of(second))?;
        let code = code_of(witness, step).ok_or(Error::Synthesis)?;
        let len = code.bytes.len() as u64;
        self.len.assign(region, len)?;

        let dest_w = word_of::<F>(dest);
        let limbs = dest.as_limbs();
        let lo = u128::from(limbs[0]) | (u128::from(limbs[1]) << 64);
        let hi = u128::from(limbs[2]) | (u128::from(limbs[3]) << 64);
        let in_range = dest < U256::from(len);
        self.in_range.assign(region, F::from(u64::from(in_range)))?;
        self.hi_zero.assign(region, F::from(u64::from(hi == 0)))?;
        self.hi_inv
            .assign(region, dest_w.hi.invert().unwrap_or(F::ZERO))?;
        let (x, diff) = if in_range {
            let d = u128::from(len) - 1 - lo;
            (F::from_u128(d), d)
        } else if hi == 0 {
            let d = lo - u128::from(len);
            (F::from_u128(d), d)
        } else {
            (dest_w.lo - F::from(len), 0)
        };
        self.x.assign(region, x)?;
        for (cell, byte) in self.diff.iter().zip(diff.to_le_bytes()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }

        let (value, is_code) = if in_range {
            let i = lo as usize;
            let value = *code.bytes.get(i).ok_or(Error::Synthesis)?;
            let is_code = *code.is_code.get(i).ok_or(Error::Synthesis)?;
            region.assign_advice(self.lane.enable, 0, F::ONE)?;
            region.assign_advice(self.lane.index, 0, dest_w.lo)?;
            region.assign_advice(self.lane.value, 0, F::from(u64::from(value)))?;
            region.assign_advice(self.lane.is_code, 0, F::from(u64::from(is_code)))?;
            (u64::from(value), is_code)
        } else {
            (0, false)
        };
        self.is_code.assign(region, F::from(u64::from(is_code)))?;
        let off = F::from(value) - F::from(JUMPDEST);
        self.eq
            .assign(region, F::from(u64::from(value == JUMPDEST)))?;
        self.eq_inv
            .assign(region, off.invert().unwrap_or(F::ZERO))?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, index: &WitnessIndex) -> bool {
        index.code_len(step).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, cell::Cell, EvmCircuit};
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    /// The slice of `code`'s last push and its invalid jump.
    fn circuit(code: Vec<u8>) -> EvmCircuit {
        let w = witness_of(code);
        let err = nth_step(&w, ExecutionState::ErrorInvalidJump, 0);
        slice(&w, err - 1..err + 3)
    }

    /// PUSH1 3 JUMP STOP: byte 3 is STOP, not a JUMPDEST.
    fn to_stop() -> EvmCircuit {
        circuit(vec![0x60, 3, 0x56, 0x00])
    }

    fn cell(step: usize, cell: &Cell<Fr>, value: Fr) -> Override<Fr> {
        Override::Cell {
            step,
            column: cell.column,
            rotation: cell.rotation,
            value,
        }
    }

    #[test]
    fn invalid_jumps_pass() {
        let mut push17 = vec![0x70, 0x01];
        push17.extend([0; 16]);
        push17.push(0x56);
        for (what, code) in [
            (
                "JUMP to an opcode that is not JUMPDEST",
                vec![0x60, 3, 0x56, 0x00],
            ),
            ("JUMP past the code", vec![0x60, 0x10, 0x56]),
            ("JUMP to the code length", vec![0x60, 3, 0x56]),
            (
                "JUMP to a 0x5b in push data",
                vec![0x60, 0x5b, 0x60, 1, 0x56],
            ),
            ("JUMP to 2^128", push17),
            ("JUMPI taken past the code", vec![0x60, 1, 0x60, 0x10, 0x57]),
            (
                "JUMPI taken to a non-JUMPDEST",
                vec![0x60, 1, 0x60, 0, 0x57],
            ),
        ] {
            assert_eq!(verify(&circuit(code), vec![]), Ok(()), "{what}");
        }
    }

    #[test]
    fn invalid_jump_must_read_failure() {
        let o = Override::Rw {
            step: 1,
            access: 2,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&to_stop(), vec![o]),
            "ERROR_INVALID_JUMP: call's IsSuccess = 0 (lo)",
        );
    }

    #[test]
    fn invalid_jump_looks_up_its_destination() {
        // The destination read says 2 (JUMP's own byte); the lane still looks up 3.
        let o = Override::Rw {
            step: 1,
            access: 0,
            field: "value_lo",
            value: Fr::from(2),
        };
        assert_rejected(
            verify(&to_stop(), vec![o]),
            "ERROR_INVALID_JUMP: bytecode lookup #0: lane.index",
        );
    }

    #[test]
    fn invalid_jump_code_length_is_looked_up() {
        // PUSH1 0x10 JUMP: claims a code length of 0x11 (dest 0x10 would be in range).
        let c = circuit(vec![0x60, 0x10, 0x56]);
        let g = config().gadgets.error_invalid_jump;
        let lane = config().columns.lanes[0];
        let o = Override::Cell {
            step: 1,
            column: lane.value,
            rotation: g.len.row,
            value: Fr::from(0x11),
        };
        assert_rejected(verify(&c, vec![o]), "EVM bytecode lane 0");
    }

    #[test]
    fn code_length_row_is_a_header_lookup() {
        // Row 1's header flag cleared: the lane would look up a byte row (index 0, value 3).
        let c = circuit(vec![0x60, 0x10, 0x56]);
        let o = Override::Cell {
            step: 1,
            column: config().columns.bytecode_header,
            rotation: 1,
            value: Fr::zero(),
        };
        let texts = failure_texts(verify(&c, vec![o]));
        assert_named_not(
            &texts,
            "ERROR_INVALID_JUMP: row 1: bytecode header flag",
            "PUSH",
        );
        assert_named_not(&texts, "EVM bytecode lane 0", "PUSH");
        // And a step that makes no such lookup cannot raise the flag.
        let o = Override::Cell {
            step: 0,
            column: config().columns.bytecode_header,
            rotation: 0,
            value: Fr::one(),
        };
        assert_rejected(verify(&c, vec![o]), "PUSH: row 0: bytecode header flag");
    }

    #[test]
    fn out_of_range_claim_needs_dest_at_least_len() {
        // JUMP to 3 (STOP, in range) claimed out of range: dest.lo - len = -1.
        let g = config().gadgets.error_invalid_jump;
        let lane = config().columns.lanes[0];
        let overrides = vec![
            cell(1, &g.in_range, Fr::zero()),
            cell(1, &g.x, -Fr::one()),
            Override::Cell {
                step: 1,
                column: lane.enable,
                rotation: 0,
                value: Fr::zero(),
            },
            Override::Cell {
                step: 1,
                column: lane.index,
                rotation: 0,
                value: Fr::zero(),
            },
            Override::Cell {
                step: 1,
                column: lane.is_code,
                rotation: 0,
                value: Fr::zero(),
            },
        ];
        assert_rejected(
            verify(&to_stop(), overrides),
            "ERROR_INVALID_JUMP: dest.hi = 0 → x = Σ_{j<16} diff_j·256^j",
        );
    }

    #[test]
    fn invalid_jump_is_not_jump() {
        let o = Override::ExecutionState {
            step: 1,
            state: ExecutionState::Jump,
        };
        assert_rejected(verify(&to_stop(), vec![o]), "JUMP: code[dest] = JUMPDEST");
    }

    #[test]
    fn valid_jump_is_no_invalid_jump() {
        // PUSH1 4 JUMP INVALID JUMPDEST STOP: the JUMP claims to be invalid; the lane the
        // JUMP gadget assigned already looks up the JUMPDEST at 4.
        let w = witness_of(vec![0x60, 4, 0x56, 0xfe, 0x5b, 0x00]);
        let jump = nth_step(&w, ExecutionState::Jump, 0);
        let c = slice(&w, jump..jump + 1);
        let g = config().gadgets.error_invalid_jump;
        let overrides = vec![
            Override::ExecutionState {
                step: 0,
                state: ExecutionState::ErrorInvalidJump,
            },
            cell(0, &g.in_range, Fr::one()),
            cell(0, &g.hi_zero, Fr::one()),
            cell(0, &g.is_code, Fr::one()),
            cell(0, &g.eq, Fr::one()),
        ];
        let texts = failure_texts(verify(&c, overrides));
        assert_named_not(
            &texts,
            "ERROR_INVALID_JUMP: in range → code[dest] is not a JUMPDEST opcode",
            "ERROR_INVALID_JUMP: eq:",
        );
    }

    #[test]
    fn jumpi_not_taken_is_no_invalid_jump() {
        // PUSH1 0 PUSH1 0x10 JUMPI STOP: cond 0, the JUMPI falls through; it claims an
        // invalid jump to 0x10.
        let w = witness_of(vec![0x60, 0, 0x60, 0x10, 0x57, 0x00]);
        let jumpi = nth_step(&w, ExecutionState::Jumpi, 0);
        let c = slice(&w, jumpi..jumpi + 1);
        let g = config().gadgets.error_invalid_jump;
        let overrides = vec![
            Override::ExecutionState {
                step: 0,
                state: ExecutionState::ErrorInvalidJump,
            },
            cell(0, &g.cond_zero.is_zero, Fr::one()),
        ];
        assert_rejected(
            verify(&c, overrides),
            "ERROR_INVALID_JUMP: JUMPI → cond ≠ 0",
        );
    }

    #[test]
    fn stats_count_the_code_length_lookup() {
        let l = config()
            .layout(ExecutionState::ErrorInvalidJump)
            .expect("layout");
        // Two pops, IsSuccess, and the optional hand-back to a caller.
        assert_eq!(l.rw_accesses, 3 + 14);
        assert_eq!(l.rw_optional, 14);
        assert_eq!(l.bytecode_lookups, 8);
    }
}
