//! Bytecode workloads for the circuit benches: one program per opcode family, and a mixed
//! block of several families.
//!
//! Every program only uses opcodes the EVM circuit has gadgets for, leaves the stack as it
//! found it after each repetition, ends in `STOP`, and runs within [`GAS_LIMIT`], so its
//! transaction succeeds and [`SuperCircuit::new`](equivm_circuits::super_circuit::SuperCircuit::new)
//! accepts its witness. The tests below check exactly that for every workload the benches use.
//!
//! Measured by `cargo bench -p equivm-benches --bench circuits`.

use equivm_trace::program::Program;

/// Gas limit of every workload transaction: enough for a few hundred cold `SSTORE`s.
pub const GAS_LIMIT: u64 = 10_000_000;

/// Repetitions of a family's pattern in its workload ([`Family::reps`] may use fewer).
pub const FAMILY_REPS: usize = 50;

/// Repetitions of every family's pattern in the mixed block ([`mixed_program`]): about 280
/// executed opcodes, still at the smallest `k`.
pub const BLOCK_REPS: usize = 6;

/// Repetitions of the memory pattern in the state-circuit synthesis bench: one workload at
/// each `k` from 11 to 14 (about 760 to 11,600 rw rows).
pub const STATE_REPS: [usize; 4] = [10, 40, 80, 160];

/// Opcodes used by the builders.
mod op {
    pub const STOP: u8 = 0x00;
    pub const ADD: u8 = 0x01;
    pub const MUL: u8 = 0x02;
    pub const SUB: u8 = 0x03;
    pub const DIV: u8 = 0x04;
    pub const SDIV: u8 = 0x05;
    pub const MOD: u8 = 0x06;
    pub const SMOD: u8 = 0x07;
    pub const ADDMOD: u8 = 0x08;
    pub const MULMOD: u8 = 0x09;
    pub const EXP: u8 = 0x0a;
    pub const SIGNEXTEND: u8 = 0x0b;
    pub const KECCAK256: u8 = 0x20;
    pub const ADDRESS: u8 = 0x30;
    pub const BALANCE: u8 = 0x31;
    pub const ORIGIN: u8 = 0x32;
    pub const CALLER: u8 = 0x33;
    pub const CALLVALUE: u8 = 0x34;
    pub const CALLDATASIZE: u8 = 0x36;
    pub const CALLDATACOPY: u8 = 0x37;
    pub const CODESIZE: u8 = 0x38;
    pub const CODECOPY: u8 = 0x39;
    pub const GASPRICE: u8 = 0x3a;
    pub const EXTCODESIZE: u8 = 0x3b;
    pub const EXTCODECOPY: u8 = 0x3c;
    pub const RETURNDATASIZE: u8 = 0x3d;
    pub const EXTCODEHASH: u8 = 0x3f;
    pub const BLOCKHASH: u8 = 0x40;
    pub const COINBASE: u8 = 0x41;
    pub const TIMESTAMP: u8 = 0x42;
    pub const NUMBER: u8 = 0x43;
    pub const PREVRANDAO: u8 = 0x44;
    pub const GASLIMIT: u8 = 0x45;
    pub const CHAINID: u8 = 0x46;
    pub const SELFBALANCE: u8 = 0x47;
    pub const BASEFEE: u8 = 0x48;
    pub const BLOBHASH: u8 = 0x49;
    pub const BLOBBASEFEE: u8 = 0x4a;
    pub const LT: u8 = 0x10;
    pub const GT: u8 = 0x11;
    pub const EQ: u8 = 0x14;
    pub const ISZERO: u8 = 0x15;
    pub const AND: u8 = 0x16;
    pub const OR: u8 = 0x17;
    pub const XOR: u8 = 0x18;
    pub const NOT: u8 = 0x19;
    pub const SHL: u8 = 0x1b;
    pub const SHR: u8 = 0x1c;
    pub const POP: u8 = 0x50;
    pub const MLOAD: u8 = 0x51;
    pub const MSTORE: u8 = 0x52;
    pub const SLOAD: u8 = 0x54;
    pub const SSTORE: u8 = 0x55;
    pub const MCOPY: u8 = 0x5e;
    pub const PUSH0: u8 = 0x5f;
    pub const PUSH1: u8 = 0x60;
    pub const DUP1: u8 = 0x80;
    pub const SWAP1: u8 = 0x90;
    pub const LOG0: u8 = 0xa0;
}

/// A group of opcodes measured together, each with its own workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `ADD` and `SUB`, alternating.
    AddSub,
    /// `LT`, `GT` and `EQ`, in turn.
    Compare,
    /// `AND`, `OR` and `XOR`, in turn.
    Bitwise,
    /// `ISZERO` of zero and non-zero values.
    IsZero,
    /// `DUP1` to `DUP16`, in turn, over a 16-deep stack.
    Dup,
    /// `SWAP1` to `SWAP16`, in turn, over a 17-deep stack.
    Swap,
    /// `SHL` and `SHR` with shifts from 0 to past 255.
    Shift,
    /// `MSTORE` then `MLOAD` of the same word, at growing offsets.
    Memory,
    /// `SSTORE` then `SLOAD` of the same slot, a new slot each time.
    Storage,
    /// `PUSH0` to `PUSH32`, in turn, each followed by `POP`.
    PushPop,
    /// `MUL`, `DIV` and `MOD`, in turn, with a zero divisor every fifth time.
    MulDivMod,
    /// `SDIV` and `SMOD`, alternating, with negative dividends every other time.
    SdivSmod,
    /// `ADDMOD` and `MULMOD`, alternating, with a zero modulus every seventh time.
    AddModMulMod,
    /// `EXP` with exponents of 0 to 5 bits (each bit is one 20-row round).
    Exp,
    /// `SIGNEXTEND` from byte 0 to past 31.
    SignExtend,
    /// `ADDRESS`, `CALLER`, `CALLVALUE`, `CALLDATASIZE`, `RETURNDATASIZE`, `ORIGIN`,
    /// `GASPRICE`, `CODESIZE` and `SELFBALANCE`, in turn.
    Context,
    /// `COINBASE` to `BLOBBASEFEE`, `BLOCKHASH` and `BLOBHASH`, in turn.
    Block,
    /// `BALANCE`, `EXTCODESIZE` and `EXTCODEHASH` of cold and warm addresses.
    Account,
    /// `CALLDATACOPY`, `CODECOPY`, `MCOPY` and `EXTCODECOPY` (of the running code) of 32 bytes,
    /// in turn, into the first memory word.
    Copy,
    /// `LOG0` to `LOG4`, in turn, each of 32 bytes of memory.
    Log,
    /// `KECCAK256` of 0, 32, 64, 96 and 128 bytes of memory, in turn (one keccak block each).
    Keccak,
}

impl Family {
    /// Every family, in the order the benches report them.
    pub const ALL: [Family; 21] = [
        Family::AddSub,
        Family::Compare,
        Family::Bitwise,
        Family::IsZero,
        Family::Dup,
        Family::Swap,
        Family::Shift,
        Family::Memory,
        Family::Storage,
        Family::PushPop,
        Family::MulDivMod,
        Family::SdivSmod,
        Family::AddModMulMod,
        Family::Exp,
        Family::SignExtend,
        Family::Context,
        Family::Block,
        Family::Account,
        Family::Copy,
        Family::Log,
        Family::Keccak,
    ];

    /// The family's name, as the benches label it.
    pub fn name(self) -> &'static str {
        match self {
            Family::AddSub => "ADD_SUB",
            Family::Compare => "LT_GT_EQ",
            Family::Bitwise => "AND_OR_XOR",
            Family::IsZero => "ISZERO",
            Family::Dup => "DUP",
            Family::Swap => "SWAP",
            Family::Shift => "SHL_SHR",
            Family::Memory => "MLOAD_MSTORE",
            Family::Storage => "SLOAD_SSTORE",
            Family::PushPop => "PUSH_POP",
            Family::MulDivMod => "MUL_DIV_MOD",
            Family::SdivSmod => "SDIV_SMOD",
            Family::AddModMulMod => "ADDMOD_MULMOD",
            Family::Exp => "EXP",
            Family::SignExtend => "SIGNEXTEND",
            Family::Context => "CONTEXT",
            Family::Block => "BLOCK",
            Family::Account => "BALANCE_EXTCODESIZE_EXTCODEHASH",
            Family::Copy => "CALLDATACOPY_CODECOPY_MCOPY_EXTCODECOPY",
            Family::Log => "LOG",
            Family::Keccak => "KECCAK256",
        }
    }

    /// Repetitions in the family's workload: [`FAMILY_REPS`], except where fewer keep the
    /// EVM steps at the smallest `k` (11). Each `MSTORE`-`MLOAD` pair moves 64 bytes, one rw
    /// row per byte, so 50 pairs would need `k = 13` (four times the proving cost of the
    /// others); SDIV/SMOD steps take 27 rows, ADDMOD/MULMOD 20 and 41, EXP 14 plus 20 per
    /// exponent bit; each 32-byte copy writes 32 rw rows and 32 copy rows (a LOG also one per
    /// topic and its address); each distinct KECCAK256 input is a keccak block of 275 rows, so
    /// KECCAK256 keeps 5 (with the code's block, 6 of the 7 blocks `k = 11` holds). Storage
    /// keeps 50 and
    /// needs `k = 12` (its cold slots' state rows).
    pub fn reps(self) -> usize {
        match self {
            Family::Memory => 20,
            Family::SdivSmod => 35,
            Family::AddModMulMod => 30,
            Family::Exp => 15,
            Family::Copy => 20,
            Family::Log => 15,
            Family::Keccak => 5,
            _ => FAMILY_REPS,
        }
    }

    /// Appends `reps` repetitions of the family's pattern to `code`, with whatever set-up
    /// and clean-up the pattern needs: the stack depth is the same before and after.
    pub fn emit(self, reps: usize, code: &mut Vec<u8>) {
        match self {
            Family::Dup => {
                (0..16u64).for_each(|v| push(code, v + 1));
                for i in 0..reps {
                    code.extend([op::DUP1 + (i % 16) as u8, op::POP]);
                }
                code.extend([op::POP; 16]);
            }
            Family::Swap => {
                (0..17u64).for_each(|v| push(code, v + 1));
                for i in 0..reps {
                    code.push(op::SWAP1 + (i % 16) as u8);
                }
                code.extend([op::POP; 17]);
            }
            _ => (0..reps).for_each(|i| self.emit_one(i as u64, code)),
        }
    }

    /// One repetition of a family whose pattern needs no set-up.
    fn emit_one(self, i: u64, code: &mut Vec<u8>) {
        let a = value(i);
        let b = value(i + 7);
        match self {
            Family::AddSub => {
                binary(code, a, b, [op::ADD, op::SUB][(i % 2) as usize]);
            }
            Family::Compare => {
                // Every third pair is equal, so EQ sees both outcomes.
                let b = if i.is_multiple_of(3) { a } else { b };
                binary(code, a, b, [op::LT, op::GT, op::EQ][(i % 3) as usize]);
            }
            Family::Bitwise => {
                binary(code, a, b, [op::AND, op::OR, op::XOR][(i % 3) as usize]);
            }
            Family::IsZero => {
                push(code, if i.is_multiple_of(2) { 0 } else { a });
                code.extend([op::ISZERO, op::POP]);
            }
            Family::Shift => {
                // The shift is the top operand; 0..=269 covers the "shift >= 256" case.
                push(code, a);
                push(code, (i * 37) % 270);
                code.extend([[op::SHL, op::SHR][(i % 2) as usize], op::POP]);
            }
            Family::Memory => {
                let offset = i * 32;
                push(code, a);
                push(code, offset);
                code.push(op::MSTORE);
                push(code, offset);
                code.extend([op::MLOAD, op::POP]);
            }
            Family::Storage => {
                let slot = i + 1;
                push(code, a);
                push(code, slot);
                code.push(op::SSTORE);
                push(code, slot);
                code.extend([op::SLOAD, op::POP]);
            }
            Family::PushPop => {
                // PUSH0, PUSH1, ..., PUSH32 with distinct bytes.
                let width = (i % 33) as usize;
                if width == 0 {
                    code.push(op::PUSH0);
                } else {
                    code.push(op::PUSH1 + (width - 1) as u8);
                    code.extend((0..width).map(|j| ((i as u8).wrapping_mul(31) ^ j as u8) | 1));
                }
                code.push(op::POP);
            }
            Family::MulDivMod => {
                let b = if i.is_multiple_of(5) { 0 } else { b };
                push(code, b);
                push(code, a);
                code.extend([[op::MUL, op::DIV, op::MOD][(i % 3) as usize], op::POP]);
            }
            Family::SdivSmod => {
                push(code, b);
                push(code, a);
                if i % 4 < 2 {
                    code.push(op::NOT);
                }
                code.extend([[op::SDIV, op::SMOD][(i % 2) as usize], op::POP]);
            }
            Family::AddModMulMod => {
                push(code, if i.is_multiple_of(7) { 0 } else { b >> 3 });
                push(code, b);
                push(code, a);
                code.extend([[op::ADDMOD, op::MULMOD][(i % 2) as usize], op::POP]);
            }
            Family::Exp => {
                push(code, (i * 7) % 32);
                push(code, a);
                code.extend([op::EXP, op::POP]);
            }
            Family::SignExtend => {
                push(code, a);
                push(code, (i * 5) % 36);
                code.extend([op::SIGNEXTEND, op::POP]);
            }
            Family::Context => {
                let ops = [
                    op::ADDRESS,
                    op::CALLER,
                    op::CALLVALUE,
                    op::CALLDATASIZE,
                    op::RETURNDATASIZE,
                    op::ORIGIN,
                    op::GASPRICE,
                    op::CODESIZE,
                    op::SELFBALANCE,
                ];
                code.extend([ops[(i % 9) as usize], op::POP]);
            }
            Family::Block => match i % 10 {
                8 => {
                    // Block 0 is inside the test block's window (it is block 1).
                    push(code, i % 3);
                    code.extend([op::BLOCKHASH, op::POP]);
                }
                9 => {
                    push(code, i % 2);
                    code.extend([op::BLOBHASH, op::POP]);
                }
                j => {
                    let ops = [
                        op::COINBASE,
                        op::TIMESTAMP,
                        op::NUMBER,
                        op::PREVRANDAO,
                        op::GASLIMIT,
                        op::CHAINID,
                        op::BASEFEE,
                        op::BLOBBASEFEE,
                    ];
                    code.extend([ops[j as usize], op::POP]);
                }
            },
            Family::Account => {
                // A new address every third time: cold, then warm twice.
                push(code, 0x1000 + i / 3);
                let read = [op::BALANCE, op::EXTCODESIZE, op::EXTCODEHASH][(i % 3) as usize];
                code.extend([read, op::POP]);
            }
            Family::Copy => {
                push(code, 32);
                push(code, (i * 7) % 40);
                push(code, 0);
                match i % 4 {
                    0 => code.push(op::CALLDATACOPY),
                    1 => code.push(op::CODECOPY),
                    2 => code.push(op::MCOPY),
                    _ => {
                        // The running contract's own code, by its address.
                        push(code, 0xc0ffee);
                        code.push(op::EXTCODECOPY);
                    }
                }
            }
            Family::Log => {
                let topics = i % 5;
                for t in 0..topics {
                    push(code, value(i * 5 + t));
                }
                push(code, 32);
                push(code, 0);
                code.push(op::LOG0 + topics as u8);
            }
            Family::Keccak => {
                push(code, 32 * (i % 5));
                push(code, 0);
                code.extend([op::KECCAK256, op::POP]);
            }
            Family::Dup | Family::Swap => unreachable!("emitted with their set-up in `emit`"),
        }
    }

    /// The family's workload: `reps` repetitions, then `STOP`.
    pub fn code(self, reps: usize) -> Vec<u8> {
        let mut code = Vec::new();
        self.emit(reps, &mut code);
        code.push(op::STOP);
        code
    }

    /// The transaction that runs [`Family::code`] with `reps` repetitions.
    pub fn program(self, reps: usize) -> Program {
        Program::new(self.code(reps)).gas_limit(GAS_LIMIT)
    }

    /// The family's bench workload: [`Family::program`] with [`Family::reps`].
    pub fn workload(self) -> Program {
        self.program(self.reps())
    }
}

/// A block of mixed work: `reps` repetitions of every family in turn, then `STOP`.
pub fn mixed_code(reps: usize) -> Vec<u8> {
    let mut code = Vec::new();
    for family in Family::ALL {
        family.emit(reps, &mut code);
    }
    code.push(op::STOP);
    code
}

/// The transaction that runs [`mixed_code`].
pub fn mixed_program(reps: usize) -> Program {
    Program::new(mixed_code(reps)).gas_limit(GAS_LIMIT)
}

/// A deterministic, varied operand (at most 8 bytes, never zero).
fn value(i: u64) -> u64 {
    i.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17) | 1
}

/// `PUSH a PUSH b OP POP`: a binary operation whose result is dropped.
fn binary(code: &mut Vec<u8>, a: u64, b: u64, opcode: u8) {
    push(code, a);
    push(code, b);
    code.extend([opcode, op::POP]);
}

/// The shortest push of `v`: `PUSH0` for zero, else `PUSHn` with `n` its byte length.
fn push(code: &mut Vec<u8>, v: u64) {
    if v == 0 {
        code.push(op::PUSH0);
        return;
    }
    let bytes = v.to_be_bytes();
    let skip = (v.leading_zeros() / 8) as usize;
    code.push(op::PUSH1 + (7 - skip) as u8);
    code.extend(&bytes[skip..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use equivm_circuits::super_circuit::{SuperCircuit, MIN_K};
    use equivm_trace::types::TxStatus;
    use equivm_witness::build_witness;
    use halo2_proofs::dev::MockProver;

    /// Traces `program`, checks the transaction succeeded, and returns the super circuit of
    /// its witness.
    fn circuit(name: &str, program: &Program) -> SuperCircuit {
        let traced = program.trace();
        let tx = &traced.trace.txs[0];
        assert_eq!(tx.result.status, TxStatus::Success, "{name}: tx status");
        let witness = build_witness(&traced.trace).unwrap_or_else(|e| panic!("{name}: {e}"));
        SuperCircuit::new(witness, None).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn push_is_shortest() {
        let mut code = Vec::new();
        for v in [0, 1, 0xff, 0x100, u64::MAX] {
            push(&mut code, v);
        }
        let expected = [
            vec![0x5f],
            vec![0x60, 0x01],
            vec![0x60, 0xff],
            vec![0x61, 0x01, 0x00],
            [vec![0x67], vec![0xff; 8]].concat(),
        ]
        .concat();
        assert_eq!(code, expected);
    }

    #[test]
    fn every_workload_is_supported() {
        for family in Family::ALL {
            let c = circuit(family.name(), &family.workload());
            assert!(
                c.witness.steps.len() > family.reps(),
                "{}: too few steps",
                family.name()
            );
            // The EVM steps fit the smallest k; the super circuit's k also covers the keccak
            // circuit's 275 rows per 136 bytes of code (and Storage's cold slots).
            let evm = equivm_circuits::evm::EvmCircuit::new(c.witness.clone(), 0)
                .rows_needed()
                .expect("every step has a layout");
            eprintln!("{}: k = {}, EVM rows {evm}", family.name(), c.params.k);
            if family != Family::Storage {
                assert!(
                    evm <= SuperCircuit::usable_rows_at(MIN_K),
                    "{}: EVM rows",
                    family.name()
                );
            }
            assert!(
                c.params.k <= MIN_K + 3,
                "{}: k = {}",
                family.name(),
                c.params.k
            );
        }
        circuit("mixed block", &mixed_program(BLOCK_REPS));
        let ks: Vec<u32> = STATE_REPS
            .iter()
            .map(|&reps| circuit("state", &Family::Memory.program(reps)).params.k)
            .collect();
        assert_eq!(
            ks,
            [MIN_K, MIN_K + 1, MIN_K + 2, MIN_K + 3],
            "state workloads' k"
        );
    }

    #[test]
    fn a_small_workload_satisfies_the_circuit() {
        let c = circuit("mixed block", &mixed_program(1));
        assert_eq!(c.params.k, MIN_K);
        let instance = c.instance().expect("public inputs");
        let prover = MockProver::run(c.params.k, &c, instance).expect("synthesis");
        assert_eq!(prover.verify(), Ok(()));
    }
}
