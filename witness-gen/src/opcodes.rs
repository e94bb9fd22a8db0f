//! The opcode table: one declarative line per defined opcode byte (Cancun).
//!
//! For each of the 256 bytes: its mnemonic, the [`ExecutionState`] it maps to when it
//! succeeds, its constant gas (revm's static gas for Cancun), its stack inputs and outputs
//! (as revm counts them: `DUPn` reads `n` and leaves `n + 1`, `SWAPn` reads and leaves
//! `n + 1`) and whether part of its cost is dynamic. Bytes that are undefined in Cancun map
//! to [`ExecutionState::ErrorInvalidOpcode`]. Adding an opcode is one line here.

use crate::execution_state::ExecutionState;
use crate::execution_state::ExecutionState::*;

/// Facts about one opcode byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpcodeInfo {
    /// Mnemonic (`"UNDEFINED"` for bytes without an opcode).
    pub name: &'static str,
    /// Execution state of a successful step.
    pub state: ExecutionState,
    /// Gas charged before any dynamic part.
    pub constant_gas: u64,
    /// Stack items read.
    pub stack_inputs: u8,
    /// Stack items left (counting items that are only moved or copied).
    pub stack_outputs: u8,
    /// Whether the opcode also has a dynamic cost (memory, access, copy, call, ...).
    pub dynamic_gas: bool,
    /// Whether the byte is a defined opcode in Cancun.
    pub defined: bool,
}

/// Number of push-data bytes that follow `opcode` in code (`PUSH1..=PUSH32`), else 0.
pub const fn push_data_len(opcode: u8) -> usize {
    if opcode >= 0x60 && opcode <= 0x7f {
        (opcode - 0x5f) as usize
    } else {
        0
    }
}

const UNDEFINED: OpcodeInfo = OpcodeInfo {
    name: "UNDEFINED",
    state: ErrorInvalidOpcode,
    constant_gas: 0,
    stack_inputs: 0,
    stack_outputs: 0,
    dynamic_gas: false,
    defined: false,
};

const fn op(name: &'static str, state: ExecutionState, gas: u64, i: u8, o: u8) -> OpcodeInfo {
    OpcodeInfo {
        name,
        state,
        constant_gas: gas,
        stack_inputs: i,
        stack_outputs: o,
        dynamic_gas: false,
        defined: true,
    }
}

const fn dynamic(name: &'static str, state: ExecutionState, gas: u64, i: u8, o: u8) -> OpcodeInfo {
    let mut info = op(name, state, gas, i, o);
    info.dynamic_gas = true;
    info
}

/// The table, indexed by opcode byte.
pub static OPCODES: [OpcodeInfo; 256] = table();

/// Looks up an opcode byte.
pub fn opcode_info(opcode: u8) -> &'static OpcodeInfo {
    &OPCODES[opcode as usize]
}

#[rustfmt::skip]
const fn table() -> [OpcodeInfo; 256] {
    let mut t = [UNDEFINED; 256];
    t[0x00] = op("STOP", Stop, 0, 0, 0);
    t[0x01] = op("ADD", AddSub, 3, 2, 1);
    t[0x02] = op("MUL", MulDivMod, 5, 2, 1);
    t[0x03] = op("SUB", AddSub, 3, 2, 1);
    t[0x04] = op("DIV", MulDivMod, 5, 2, 1);
    t[0x05] = op("SDIV", SdivSmod, 5, 2, 1);
    t[0x06] = op("MOD", MulDivMod, 5, 2, 1);
    t[0x07] = op("SMOD", SdivSmod, 5, 2, 1);
    t[0x08] = op("ADDMOD", AddMod, 8, 3, 1);
    t[0x09] = op("MULMOD", MulMod, 8, 3, 1);
    t[0x0A] = dynamic("EXP", Exp, 10, 2, 1);
    t[0x0B] = op("SIGNEXTEND", SignExtend, 5, 2, 1);
    t[0x10] = op("LT", Cmp, 3, 2, 1);
    t[0x11] = op("GT", Cmp, 3, 2, 1);
    t[0x12] = op("SLT", SignedCmp, 3, 2, 1);
    t[0x13] = op("SGT", SignedCmp, 3, 2, 1);
    t[0x14] = op("EQ", Cmp, 3, 2, 1);
    t[0x15] = op("ISZERO", IsZero, 3, 1, 1);
    t[0x16] = op("AND", Bitwise, 3, 2, 1);
    t[0x17] = op("OR", Bitwise, 3, 2, 1);
    t[0x18] = op("XOR", Bitwise, 3, 2, 1);
    t[0x19] = op("NOT", Not, 3, 1, 1);
    t[0x1A] = op("BYTE", Byte, 3, 2, 1);
    t[0x1B] = op("SHL", Shift, 3, 2, 1);
    t[0x1C] = op("SHR", Shift, 3, 2, 1);
    t[0x1D] = op("SAR", Sar, 3, 2, 1);
    t[0x20] = dynamic("KECCAK256", Keccak, 30, 2, 1);
    t[0x30] = op("ADDRESS", CallContext, 2, 0, 1);
    t[0x31] = dynamic("BALANCE", Balance, 100, 1, 1);
    t[0x32] = op("ORIGIN", TxContext, 2, 0, 1);
    t[0x33] = op("CALLER", CallContext, 2, 0, 1);
    t[0x34] = op("CALLVALUE", CallContext, 2, 0, 1);
    t[0x35] = op("CALLDATALOAD", CallDataLoad, 3, 1, 1);
    t[0x36] = op("CALLDATASIZE", CallContext, 2, 0, 1);
    t[0x37] = dynamic("CALLDATACOPY", CallDataCopy, 3, 3, 0);
    t[0x38] = op("CODESIZE", CodeSize, 2, 0, 1);
    t[0x39] = dynamic("CODECOPY", CodeCopy, 3, 3, 0);
    t[0x3A] = op("GASPRICE", TxContext, 2, 0, 1);
    t[0x3B] = dynamic("EXTCODESIZE", ExtCodeSize, 100, 1, 1);
    t[0x3C] = dynamic("EXTCODECOPY", ExtCodeCopy, 100, 4, 0);
    t[0x3D] = op("RETURNDATASIZE", CallContext, 2, 0, 1);
    t[0x3E] = dynamic("RETURNDATACOPY", ReturnDataCopy, 3, 3, 0);
    t[0x3F] = dynamic("EXTCODEHASH", ExtCodeHash, 100, 1, 1);
    t[0x40] = op("BLOCKHASH", BlockHash, 20, 1, 1);
    t[0x41] = op("COINBASE", BlockCtx, 2, 0, 1);
    t[0x42] = op("TIMESTAMP", BlockCtx, 2, 0, 1);
    t[0x43] = op("NUMBER", BlockCtx, 2, 0, 1);
    t[0x44] = op("DIFFICULTY", BlockCtx, 2, 0, 1);
    t[0x45] = op("GASLIMIT", BlockCtx, 2, 0, 1);
    t[0x46] = op("CHAINID", BlockCtx, 2, 0, 1);
    t[0x47] = op("SELFBALANCE", SelfBalance, 5, 0, 1);
    t[0x48] = op("BASEFEE", BlockCtx, 2, 0, 1);
    t[0x49] = op("BLOBHASH", BlobHash, 3, 1, 1);
    t[0x4A] = op("BLOBBASEFEE", BlockCtx, 2, 0, 1);
    t[0x50] = op("POP", Pop, 2, 1, 0);
    t[0x51] = dynamic("MLOAD", Mload, 3, 1, 1);
    t[0x52] = dynamic("MSTORE", Mstore, 3, 2, 0);
    t[0x53] = dynamic("MSTORE8", Mstore8, 3, 2, 0);
    t[0x54] = dynamic("SLOAD", Sload, 100, 1, 1);
    t[0x55] = dynamic("SSTORE", Sstore, 0, 2, 0);
    t[0x56] = op("JUMP", Jump, 8, 1, 0);
    t[0x57] = op("JUMPI", Jumpi, 10, 2, 0);
    t[0x58] = op("PC", Pc, 2, 0, 1);
    t[0x59] = op("MSIZE", Msize, 2, 0, 1);
    t[0x5A] = op("GAS", Gas, 2, 0, 1);
    t[0x5B] = op("JUMPDEST", Jumpdest, 1, 0, 0);
    t[0x5C] = op("TLOAD", Tload, 100, 1, 1);
    t[0x5D] = op("TSTORE", Tstore, 100, 2, 0);
    t[0x5E] = dynamic("MCOPY", Mcopy, 3, 3, 0);
    t[0x5F] = op("PUSH0", Push, 2, 0, 1);
    t[0x60] = op("PUSH1", Push, 3, 0, 1);
    t[0x61] = op("PUSH2", Push, 3, 0, 1);
    t[0x62] = op("PUSH3", Push, 3, 0, 1);
    t[0x63] = op("PUSH4", Push, 3, 0, 1);
    t[0x64] = op("PUSH5", Push, 3, 0, 1);
    t[0x65] = op("PUSH6", Push, 3, 0, 1);
    t[0x66] = op("PUSH7", Push, 3, 0, 1);
    t[0x67] = op("PUSH8", Push, 3, 0, 1);
    t[0x68] = op("PUSH9", Push, 3, 0, 1);
    t[0x69] = op("PUSH10", Push, 3, 0, 1);
    t[0x6A] = op("PUSH11", Push, 3, 0, 1);
    t[0x6B] = op("PUSH12", Push, 3, 0, 1);
    t[0x6C] = op("PUSH13", Push, 3, 0, 1);
    t[0x6D] = op("PUSH14", Push, 3, 0, 1);
    t[0x6E] = op("PUSH15", Push, 3, 0, 1);
    t[0x6F] = op("PUSH16", Push, 3, 0, 1);
    t[0x70] = op("PUSH17", Push, 3, 0, 1);
    t[0x71] = op("PUSH18", Push, 3, 0, 1);
    t[0x72] = op("PUSH19", Push, 3, 0, 1);
    t[0x73] = op("PUSH20", Push, 3, 0, 1);
    t[0x74] = op("PUSH21", Push, 3, 0, 1);
    t[0x75] = op("PUSH22", Push, 3, 0, 1);
    t[0x76] = op("PUSH23", Push, 3, 0, 1);
    t[0x77] = op("PUSH24", Push, 3, 0, 1);
    t[0x78] = op("PUSH25", Push, 3, 0, 1);
    t[0x79] = op("PUSH26", Push, 3, 0, 1);
    t[0x7A] = op("PUSH27", Push, 3, 0, 1);
    t[0x7B] = op("PUSH28", Push, 3, 0, 1);
    t[0x7C] = op("PUSH29", Push, 3, 0, 1);
    t[0x7D] = op("PUSH30", Push, 3, 0, 1);
    t[0x7E] = op("PUSH31", Push, 3, 0, 1);
    t[0x7F] = op("PUSH32", Push, 3, 0, 1);
    t[0x80] = op("DUP1", Dup, 3, 1, 2);
    t[0x81] = op("DUP2", Dup, 3, 2, 3);
    t[0x82] = op("DUP3", Dup, 3, 3, 4);
    t[0x83] = op("DUP4", Dup, 3, 4, 5);
    t[0x84] = op("DUP5", Dup, 3, 5, 6);
    t[0x85] = op("DUP6", Dup, 3, 6, 7);
    t[0x86] = op("DUP7", Dup, 3, 7, 8);
    t[0x87] = op("DUP8", Dup, 3, 8, 9);
    t[0x88] = op("DUP9", Dup, 3, 9, 10);
    t[0x89] = op("DUP10", Dup, 3, 10, 11);
    t[0x8A] = op("DUP11", Dup, 3, 11, 12);
    t[0x8B] = op("DUP12", Dup, 3, 12, 13);
    t[0x8C] = op("DUP13", Dup, 3, 13, 14);
    t[0x8D] = op("DUP14", Dup, 3, 14, 15);
    t[0x8E] = op("DUP15", Dup, 3, 15, 16);
    t[0x8F] = op("DUP16", Dup, 3, 16, 17);
    t[0x90] = op("SWAP1", Swap, 3, 2, 2);
    t[0x91] = op("SWAP2", Swap, 3, 3, 3);
    t[0x92] = op("SWAP3", Swap, 3, 4, 4);
    t[0x93] = op("SWAP4", Swap, 3, 5, 5);
    t[0x94] = op("SWAP5", Swap, 3, 6, 6);
    t[0x95] = op("SWAP6", Swap, 3, 7, 7);
    t[0x96] = op("SWAP7", Swap, 3, 8, 8);
    t[0x97] = op("SWAP8", Swap, 3, 9, 9);
    t[0x98] = op("SWAP9", Swap, 3, 10, 10);
    t[0x99] = op("SWAP10", Swap, 3, 11, 11);
    t[0x9A] = op("SWAP11", Swap, 3, 12, 12);
    t[0x9B] = op("SWAP12", Swap, 3, 13, 13);
    t[0x9C] = op("SWAP13", Swap, 3, 14, 14);
    t[0x9D] = op("SWAP14", Swap, 3, 15, 15);
    t[0x9E] = op("SWAP15", Swap, 3, 16, 16);
    t[0x9F] = op("SWAP16", Swap, 3, 17, 17);
    t[0xA0] = dynamic("LOG0", Log, 375, 2, 0);
    t[0xA1] = dynamic("LOG1", Log, 375, 3, 0);
    t[0xA2] = dynamic("LOG2", Log, 375, 4, 0);
    t[0xA3] = dynamic("LOG3", Log, 375, 5, 0);
    t[0xA4] = dynamic("LOG4", Log, 375, 6, 0);
    t[0xF0] = dynamic("CREATE", Create, 0, 3, 1);
    t[0xF1] = dynamic("CALL", Call, 100, 7, 1);
    t[0xF2] = dynamic("CALLCODE", Call, 100, 7, 1);
    t[0xF3] = dynamic("RETURN", ReturnRevert, 0, 2, 0);
    t[0xF4] = dynamic("DELEGATECALL", DelegateOrStaticCall, 100, 6, 1);
    t[0xF5] = dynamic("CREATE2", Create2, 0, 4, 1);
    t[0xFA] = dynamic("STATICCALL", DelegateOrStaticCall, 100, 6, 1);
    t[0xFD] = dynamic("REVERT", ReturnRevert, 0, 2, 0);
    t[0xFE] = op("INVALID", ErrorInvalidOpcode, 0, 0, 0);
    t[0xFF] = dynamic("SELFDESTRUCT", SelfDestruct, 5000, 1, 0);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use revm::bytecode::opcode::OpCode;
    use revm::interpreter::instructions::gas_table_spec;
    use revm::primitives::hardfork::SpecId;

    /// Opcodes revm knows that are not part of Cancun (CLZ, SLOTNUM, DUPN, SWAPN, EXCHANGE).
    const AFTER_CANCUN: [u8; 5] = [0x1e, 0x4b, 0xe6, 0xe7, 0xe8];

    #[test]
    fn table_agrees_with_revm_on_every_byte() {
        let gas = gas_table_spec(SpecId::CANCUN);
        for b in 0..=255u8 {
            let ours = opcode_info(b);
            match OpCode::new(b) {
                Some(theirs) if !AFTER_CANCUN.contains(&b) => {
                    assert!(ours.defined, "0x{b:02x} {} undefined here", theirs.as_str());
                    assert_eq!(ours.name, theirs.as_str(), "name of 0x{b:02x}");
                    assert_eq!(
                        ours.stack_inputs,
                        theirs.inputs(),
                        "inputs of {}",
                        ours.name
                    );
                    assert_eq!(
                        ours.stack_outputs,
                        theirs.outputs(),
                        "outputs of {}",
                        ours.name
                    );
                    assert_eq!(
                        ours.constant_gas,
                        u64::from(gas[b as usize]),
                        "gas of {}",
                        ours.name
                    );
                }
                _ => {
                    assert!(!ours.defined, "0x{b:02x} should be undefined in Cancun");
                    assert_eq!(ours.state, ExecutionState::ErrorInvalidOpcode);
                }
            }
        }
    }

    #[test]
    fn push_data_lengths() {
        assert_eq!(push_data_len(0x5f), 0);
        assert_eq!(push_data_len(0x60), 1);
        assert_eq!(push_data_len(0x7f), 32);
        assert_eq!(push_data_len(0x80), 0);
    }
}
