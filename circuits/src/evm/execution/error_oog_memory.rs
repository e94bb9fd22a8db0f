//! ErrorOutOfGasMemoryExpansion of MLOAD, MSTORE and MSTORE8 in the root call: the gas left
//! does not cover the constant gas and the memory expansion to `offset + len`, where
//! `offset` is any word.
//!
//! ```text
//! offset = stack read at sp (rw 0)              (MSTORE's value is not needed)
//! is_store, is_mstore8 boolean
//! "ERROR_OOG_MEMORY: opcode = 0x51 + is_store + 2·is_mstore8", "is_store·is_mstore8 = 0"
//! len = 32 - 31·is_mstore8                      (MLOAD 0x51, MSTORE 0x52: 32; MSTORE8 0x53: 1)
//! eff = FarClamp(offset, 2^32 - 32)             offset if offset < 2^32 (see far_clamp.rs)
//! MemoryExpansion(eff, len): new_size, gas      (see memory_expansion.rs)
//! LessThan<8>(gas_left < constant_gas + gas)    "constant_gas + gas - gas_left - 1 = Σ gap_j·256^j"
//! ErrorEnd (rw 1: IsSuccess = 0)            (see common_error.rs)
//! ```
//! Soundness. When `offset < 2^32`, `eff = offset` and the expansion is the opcode's own:
//! `gas_left < 3 + cost(new_size) - cost(cur)` is the out-of-gas condition itself. When `offset ≥ 2^32` the access ends at word
//! `ceil((offset + len) / 32) ≥ 2^27 + 1`, while `eff = 2^32 - 32` ends at word `2^27`
//! exactly (for `len` 1 and 32); memory cost is increasing in the size, so the gas proved
//! missing for `eff` is missing for `offset` too: the step is out of gas, whatever revm
//! names it (`MemoryOOG` or, for `offset ≥ 2^64`, `InvalidOperandOOG`; revm's saturating
//! cost for sizes of `2^32` words or more is still at least `2^55`, above `cost(2^27)`).
//! An offset that does not fit the memory-size range is therefore proved out of gas, not
//! assumed to be: the proof needs `gas_left < 3 + cost(max(cur, 2^27)) - cost(cur)`, about
//! `3.5·10^13` gas for an empty memory. Steps with more gas (or memory already past `2^27`
//! words) are reported unsupported. `gas_left < 2^64` is the step state's invariant (every
//! transition proves the next gas in 8 bytes), so the 8-byte gap exists only if
//! `gas_left < constant_gas + gas`. The other memory opcodes have their own out-of-gas
//! states (the copies, EXTCODECOPY, KECCAK256, LOG, the calls, RETURN and REVERT, CREATE
//! and CREATE2); the opcode constraint keeps them out of this gadget.
//! Cost: 56 byte cells, 10 plain cells, 2 rw lookups.

use super::{
    common_error::{ErrorEnd, LessThan},
    far_clamp::FarClamp,
    memory_expansion::MemoryExpansion,
    ExecutionGadget,
};
use crate::evm::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    constraint_builder::ConstraintBuilder,
};
use equivm_gadgets::Word;
use equivm_witness::{opcodes::opcode_info, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// The offset standing for every offset of `2^32` or more.
pub(crate) const FAR_OFFSET: u64 = (1 << 32) - 32;
/// The memory size (words) an access at [`FAR_OFFSET`] ends at.
pub(crate) const FAR_WORDS: u64 = 1 << 27;

/// `3·w + floor(w² / 512)`: the gas of a memory of `w` words (`w < 2^32`).
pub(crate) fn memory_cost(words: u64) -> u128 {
    let w = u128::from(words);
    3 * w + w * w / 512
}

/// ErrorOutOfGasMemoryExpansion of MLOAD, MSTORE, MSTORE8 (root call).
#[derive(Clone, Debug)]
pub struct ErrorOogMemoryGadget<F: PrimeField> {
    /// 1 for MSTORE.
    pub is_store: Cell<F>,
    /// 1 for MSTORE8.
    pub is_mstore8: Cell<F>,
    /// The offset the expansion is computed for.
    pub offset: FarClamp<F>,
    /// The expansion to `eff + len`.
    pub expansion: MemoryExpansion<F>,
    /// `gas_left < constant_gas + gas(expansion)`.
    pub out_of_gas: LessThan<F, 8>,
    end: ErrorEnd<F>,
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorOogMemoryGadget<F> {
    const NAME: &'static str = "ERROR_OOG_MEMORY";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasMemoryExpansion;

    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self {
        let c = |v: u64| Expression::Constant(F::from(v));
        let offset = cb.stack_lookup(false, c(0));
        let is_store = cb.query_bool("is_store is boolean");
        let is_mstore8 = cb.query_bool("is_mstore8 is boolean");
        cb.require_equal(
            "opcode = 0x51 + is_store + 2·is_mstore8",
            cb.opcode(),
            c(0x51) + is_store.expr() + c(2) * is_mstore8.expr(),
        );
        cb.require_zero(
            "is_store·is_mstore8 = 0",
            is_store.expr() * is_mstore8.expr(),
        );
        let len = c(32) - c(31) * is_mstore8.expr();

        let offset = FarClamp::configure(cb, "offset", offset, FAR_OFFSET);
        let expansion =
            MemoryExpansion::configure_with_len(cb, Word::new(offset.expr(), c(0)), len);
        let cost = cb.props().constant_gas + expansion.gas(cb.step().memory_word_size);
        let out_of_gas = LessThan::configure(
            cb,
            "gas_left < constant_gas + memory gas",
            cb.step().gas_left,
            cost,
        );
        let end = ErrorEnd::configure(cb);
        Self {
            is_store,
            is_mstore8,
            offset,
            expansion,
            out_of_gas,
            end,
        }
    }

    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error> {
        let opcode = step.opcode.ok_or(Error::Synthesis)?;
        let (is_store, is_mstore8) = match opcode {
            0x51 => (false, false),
            0x52 => (true, false),
            0x53 => (false, true),
            _ => return Err(Error::Synthesis),
        };
        self.is_store.assign(region, F::from(u64::from(is_store)))?;
        self.is_mstore8
            .assign(region, F::from(u64::from(is_mstore8)))?;
        let len = if is_mstore8 { 1 } else { 32 };
        let offset = witness
            .step_rws(step)
            .first()
            .map(|rw| rw.value)
            .ok_or(Error::Synthesis)?;
        let eff = self.offset.assign(region, offset)?;
        let cur = step.memory_word_size;
        let new_size = self.expansion.assign_with_len(region, eff, len, cur)?;
        let gas =
            memory_cost(new_size) - memory_cost(cur) + u128::from(opcode_info(opcode).constant_gas);
        let gas = u64::try_from(gas).map_err(|_| Error::Synthesis)?;
        self.out_of_gas.assign(region, step.gas_left, gas)?;
        self.end.assign(region, witness, step)
    }

    fn unsupported(step: &ExecStep, _index: &WitnessIndex) -> bool {
        // What the proof of a far offset needs (enough for every near one too, as the
        // expansion to a near offset costs what revm charged).
        let cur = step.memory_word_size;
        let provable = cur < FAR_WORDS
            && u128::from(step.gas_left) < 3 + memory_cost(FAR_WORDS) - memory_cost(cur);
        let supported_opcode = matches!(step.opcode, Some(0x51..=0x53));
        !supported_opcode || !provable
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::evm::{assign::Override, EvmCircuit};
    use equivm_trace::program::Program;
    use equivm_witness::ExecutionState;
    use halo2curves::bn256::Fr;

    fn witness(code: Vec<u8>, gas_limit: u64) -> equivm_witness::Witness {
        let traced = Program::new(code).gas_limit(gas_limit).trace();
        equivm_witness::build_witness(&traced.trace).expect("witness builds")
    }

    /// The slice of the step before the error and the error.
    fn circuit_of(w: &equivm_witness::Witness) -> EvmCircuit {
        let err = nth_step(w, ExecutionState::ErrorOutOfGasMemoryExpansion, 0);
        slice(w, err - 1..err + 3)
    }

    /// PUSH1 0 MLOAD with 5 gas left at the MLOAD (it needs 3 + 3).
    fn one_short() -> equivm_witness::Witness {
        witness(vec![0x60, 0, 0x51, 0x00], 21_000 + 3 + 5)
    }

    fn push(bytes: &[u8]) -> Vec<u8> {
        let mut v = vec![0x5f + bytes.len() as u8];
        v.extend_from_slice(bytes);
        v
    }

    #[test]
    fn memory_oog_passes() {
        let big = push(&[0xff; 32]);
        let mut far_mload = push(&[1, 0, 0, 0, 0]); // 2^32
        far_mload.push(0x51);
        let mut huge_mload = big.clone(); // 2^256 - 1
        huge_mload.push(0x51);
        let mut near_mstore = push(&[1]); // value 1
        near_mstore.extend(push(&[0x00, 0xff, 0xff, 0xff])); // offset 2^24 - 1
        near_mstore.push(0x52);
        let mut far_mstore8 = push(&[1]);
        far_mstore8.extend(push(&[0x10; 17])); // offset ≥ 2^128
        far_mstore8.push(0x53);
        let mut near_mstore8 = push(&[7]);
        near_mstore8.extend(push(&[0x10, 0x00])); // offset 4096
        near_mstore8.push(0x53);
        for (what, w) in [
            ("MLOAD one gas short", one_short()),
            ("MLOAD at 2^32", witness(far_mload, 1_000_000)),
            ("MLOAD at 2^256 - 1", witness(huge_mload, 1_000_000)),
            ("MSTORE at 2^24 - 1", witness(near_mstore, 1_000_000)),
            ("MSTORE8 above 2^128", witness(far_mstore8, 1_000_000)),
            (
                "MSTORE8 at 4096, little gas",
                witness(near_mstore8, 21_000 + 6 + 300),
            ),
            // PUSH1 1 PUSH1 0 MSTORE with 2 gas left: short of the constant gas itself (revm
            // says OutOfGas, not MemoryOOG).
            (
                "MSTORE short of its constant gas",
                witness(vec![0x60, 1, 0x60, 0, 0x52, 0x00], 21_000 + 6 + 2),
            ),
            (
                "MLOAD short of its constant gas",
                witness(vec![0x60, 0, 0x51, 0x00], 21_000 + 3 + 1),
            ),
        ] {
            assert_eq!(verify(&circuit_of(&w), vec![]), Ok(()), "{what}");
            let unsupported = EvmCircuit::unsupported_steps(&w);
            assert!(
                unsupported
                    .iter()
                    .all(|(s, _)| *s != ExecutionState::ErrorOutOfGasMemoryExpansion),
                "{what}: {unsupported:?}"
            );
        }
    }

    #[test]
    fn memory_oog_needs_the_gas_short() {
        // The MLOAD claims 6 gas (enough): 3 + 3 - 6 - 1 = -1 in the gap's low byte. The gap
        // equation holds; the byte range check rejects it.
        let g = config().gadgets.error_oog_memory;
        let mut overrides = vec![Override::StepState {
            step: 1,
            field: "gas_left",
            value: Fr::from(6),
        }];
        let minus_one = -Fr::from(1);
        overrides.push(Override::Cell {
            step: 1,
            column: g.out_of_gas.gap[0].column,
            rotation: g.out_of_gas.gap[0].rotation,
            value: minus_one,
        });
        for cell in &g.out_of_gas.gap[1..] {
            overrides.push(Override::Cell {
                step: 1,
                column: cell.column,
                rotation: cell.rotation,
                value: Fr::from(0),
            });
        }
        let texts = failure_texts(verify(&circuit_of(&one_short()), overrides));
        assert_named_not(
            &texts,
            "EVM byte cell in 0..=255",
            "gas_left < constant_gas + memory gas",
        );
    }

    #[test]
    fn memory_oog_offset_is_read() {
        // The offset read says 32 (more expansion) while the bytes say 0.
        let o = Override::Rw {
            step: 1,
            access: 0,
            field: "value_lo",
            value: Fr::from(32),
        };
        assert_rejected(
            verify(&circuit_of(&one_short()), vec![o]),
            "ERROR_OOG_MEMORY: offset.lo = Σ_{j<16} lo_byte_j·256^j",
        );
    }

    #[test]
    fn memory_oog_must_read_failure() {
        let o = Override::Rw {
            step: 1,
            access: 1,
            field: "value_lo",
            value: Fr::from(1),
        };
        assert_rejected(
            verify(&circuit_of(&one_short()), vec![o]),
            "ERROR_OOG_MEMORY: call's IsSuccess = 0 (lo)",
        );
    }

    #[test]
    fn far_offset_cannot_pass_for_near() {
        // MLOAD at 2^32 claims to be in range (offset 0, almost free).
        let mut code = push(&[1, 0, 0, 0, 0]);
        code.push(0x51);
        let w = witness(code, 1_000_000);
        let g = config().gadgets.error_oog_memory;
        let cell = |c: &crate::evm::cell::Cell<Fr>, value| Override::Cell {
            step: 1,
            column: c.column,
            rotation: c.rotation,
            value,
        };
        let o = vec![
            cell(&g.offset.in_range.is_zero, Fr::from(1)),
            cell(&g.offset.in_range.inv_lo, Fr::from(0)),
        ];
        assert_rejected(
            verify(&circuit_of(&w), o),
            "ERROR_OOG_MEMORY: offset ≥ 2^32 is zero: offset ≥ 2^32.lo · is_zero = 0",
        );
    }

    #[test]
    fn memory_oog_mload_is_not_mload() {
        let o = Override::ExecutionState {
            step: 1,
            state: ExecutionState::Mload,
        };
        assert_rejected(
            verify(&circuit_of(&one_short()), vec![o]),
            "MLOAD: memory read #1: rw.tag",
        );
    }

    #[test]
    fn other_memory_opcodes_have_their_own_state() {
        // RETURN of 1 byte at 2^32: its memory out-of-gas is ErrorOutOfGasReturn.
        let mut code = push(&[1]);
        code.extend(push(&[1, 0, 0, 0, 0]));
        code.push(0xf3);
        let w = witness(code, 1_000_000);
        let err = nth_step(&w, ExecutionState::ErrorOutOfGasReturn, 0);
        assert_eq!(w.steps[err].opcode, Some(0xf3));
        assert!(w
            .steps
            .iter()
            .all(|s| s.execution_state != ExecutionState::ErrorOutOfGasMemoryExpansion));
    }
}
