//! Execution states: the unit the EVM circuit dispatches on.
//!
//! Every witness step has exactly one [`ExecutionState`]. Successful opcodes map to the
//! state of their family (see [`crate::opcodes::OPCODES`]); a step that halted its frame
//! exceptionally maps to an error state chosen from revm's instruction-result name
//! ([`ExecutionState::for_halt`]). Synthetic states (`BeginTx`, `BeginTxCreate`, `BeginTxCreateCollision`, `AccessListWarm`, `EndTx`,
//! `EndTxClearSlot`, `EndTxDeleteAccount`, `EndBlock`, `Padding`) have no opcode.

use serde::{Deserialize, Serialize};

/// The execution state of one witness step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ExecutionState {
    // ---- synthetic ----
    /// Start of a message-call transaction: nonce bump, gas purchase, value transfer,
    /// warm-up, root context.
    BeginTx,
    /// Start of a creation transaction (no `to`): as `BeginTx`, and the new account's address,
    /// nonce and created flag, with the transaction's data as the init code.
    BeginTxCreate,
    /// Start of a creation transaction whose address is taken (code or a nonce there): as
    /// `BeginTxCreate` up to the root call's context, then the address's nonce read; the
    /// creation never starts (no nonce, created flag or value transfer), the call fails and
    /// all its gas is spent.
    BeginTxCreateCollision,
    /// One access-list item of a transaction (EIP-2930) marked warm: an address, or a
    /// storage key of an address; one step per item, in list order, right after `BeginTx`.
    AccessListWarm,
    /// End of a transaction: refund, coinbase reward, receipt.
    EndTx,
    /// After `EndTx`: one non-zero storage slot of an account the transaction created and
    /// self-destructed (EIP-6780) written 0, the account's slot count lowered by one.
    EndTxClearSlot,
    /// After `EndTx` and its account's `EndTxClearSlot` steps: an account the transaction
    /// created and self-destructed (EIP-6780) deleted: its nonce, balance and code hash
    /// cleared, its slot count 0, its created flag from pending (2) to done (3).
    EndTxDeleteAccount,
    /// End of the block.
    EndBlock,
    /// Unused rows after the block.
    Padding,
    // ---- arithmetic ----
    /// `STOP`.
    Stop,
    /// `ADD`, `SUB`.
    AddSub,
    /// `MUL`, `DIV`, `MOD`.
    MulDivMod,
    /// `SDIV`, `SMOD`.
    SdivSmod,
    /// `ADDMOD`.
    AddMod,
    /// `MULMOD`.
    MulMod,
    /// `EXP`.
    Exp,
    /// `SIGNEXTEND`.
    SignExtend,
    // ---- comparison and bitwise ----
    /// `LT`, `GT`, `EQ`.
    Cmp,
    /// `SLT`, `SGT`.
    SignedCmp,
    /// `ISZERO`.
    IsZero,
    /// `AND`, `OR`, `XOR`.
    Bitwise,
    /// `NOT`.
    Not,
    /// `BYTE`.
    Byte,
    /// `SHL`, `SHR`.
    Shift,
    /// `SAR`.
    Sar,
    /// `KECCAK256`.
    Keccak,
    // ---- environment ----
    /// `ADDRESS`, `CALLER`, `CALLVALUE`, `CALLDATASIZE`, `RETURNDATASIZE`: one call-context read.
    CallContext,
    /// `ORIGIN`, `GASPRICE`: transaction fields.
    TxContext,
    /// `BALANCE`.
    Balance,
    /// `SELFBALANCE`.
    SelfBalance,
    /// `CALLDATALOAD`.
    CallDataLoad,
    /// `CALLDATACOPY`.
    CallDataCopy,
    /// `CODESIZE`.
    CodeSize,
    /// `CODECOPY`.
    CodeCopy,
    /// `EXTCODESIZE`.
    ExtCodeSize,
    /// `EXTCODECOPY`.
    ExtCodeCopy,
    /// `EXTCODEHASH`.
    ExtCodeHash,
    /// `RETURNDATACOPY`.
    ReturnDataCopy,
    // ---- block ----
    /// `COINBASE`, `TIMESTAMP`, `NUMBER`, `PREVRANDAO`, `GASLIMIT`, `CHAINID`, `BASEFEE`, `BLOBBASEFEE`.
    BlockCtx,
    /// `BLOCKHASH`.
    BlockHash,
    /// `BLOBHASH`.
    BlobHash,
    // ---- stack, memory, flow ----
    /// `POP`.
    Pop,
    /// `MLOAD`.
    Mload,
    /// `MSTORE`.
    Mstore,
    /// `MSTORE8`.
    Mstore8,
    /// `MCOPY`.
    Mcopy,
    /// `JUMP`.
    Jump,
    /// `JUMPI`.
    Jumpi,
    /// `JUMPDEST`.
    Jumpdest,
    /// `PC`.
    Pc,
    /// `MSIZE`.
    Msize,
    /// `GAS`.
    Gas,
    /// `PUSH0` to `PUSH32`.
    Push,
    /// `DUP1` to `DUP16`.
    Dup,
    /// `SWAP1` to `SWAP16`.
    Swap,
    // ---- storage ----
    /// `SLOAD`.
    Sload,
    /// `SSTORE`.
    Sstore,
    /// `TLOAD`.
    Tload,
    /// `TSTORE`.
    Tstore,
    // ---- logs and calls ----
    /// `LOG0` to `LOG4`.
    Log,
    /// `CALL`, `CALLCODE`: the calls that pop a value.
    Call,
    /// `DELEGATECALL`, `STATICCALL`: the calls without a value operand.
    DelegateOrStaticCall,
    /// `CALL`, `CALLCODE` into an account without code (no precompile): the callee runs no
    /// step, so the call ends inside the caller's.
    CallWithoutCode,
    /// `DELEGATECALL`, `STATICCALL` into an account without code (no precompile).
    DelegateOrStaticCallWithoutCode,
    /// `CALL`, `CALLCODE` whose callee fails its pre-checks (call depth, or a value above
    /// the caller's balance): the callee never starts, the call pushes 0.
    CallPrecheckFailed,
    /// `DELEGATECALL`, `STATICCALL` at the call depth limit: the callee never starts.
    DelegateOrStaticCallPrecheckFailed,
    // ---- precompiles (a step of the callee's, after the call step) ----
    /// The ecrecover precompile (0x01).
    PrecompileEcrecover,
    /// The SHA-256 precompile (0x02).
    PrecompileSha256,
    /// The RIPEMD-160 precompile (0x03).
    PrecompileRipemd160,
    /// The identity precompile (0x04).
    PrecompileIdentity,
    /// The modular exponentiation precompile (0x05).
    PrecompileModexp,
    /// The alt_bn128 addition precompile (0x06).
    PrecompileEcAdd,
    /// The alt_bn128 scalar multiplication precompile (0x07).
    PrecompileEcMul,
    /// The alt_bn128 pairing precompile (0x08).
    PrecompileEcPairing,
    /// The BLAKE2 compression precompile (0x09).
    PrecompileBlake2f,
    /// The KZG point evaluation precompile (0x0a).
    PrecompilePointEvaluation,
    /// `CREATE`.
    Create,
    /// `CREATE2`.
    Create2,
    /// `CREATE` whose creation fails its pre-checks (call depth, a value above the
    /// creator's balance, or the creator's nonce at its largest): nothing starts, the step
    /// pushes 0.
    CreatePrecheckFailed,
    /// `CREATE2` whose creation fails its pre-checks.
    Create2PrecheckFailed,
    /// `CREATE` whose new address is taken (code or a nonce already there): the creator's
    /// nonce is bumped, nothing starts, the step pushes 0.
    CreateCollision,
    /// `CREATE2` whose new address is taken.
    Create2Collision,
    /// `RETURN`, `REVERT`.
    ReturnRevert,
    /// `STOP` that ends a creation successfully (it deposits empty code).
    StopCreation,
    /// `RETURN` that ends a creation successfully (it deposits the returned code).
    ReturnCreation,
    /// `SELFDESTRUCT`.
    SelfDestruct,
    /// `SELFDESTRUCT` run by init code: as `SelfDestruct` (the account, created in this
    /// transaction, is marked for deletion), and the creation ends depositing empty code.
    SelfDestructCreation,
    // ---- errors (the step halts its frame) ----
    /// Not enough gas for an opcode whose cost is constant.
    ErrorOutOfGasConstant,
    /// Not enough gas for memory expansion, or an offset too large to address.
    ErrorOutOfGasMemoryExpansion,
    /// `SSTORE` with gas left at or below the 2300 stipend, or not enough for its cost.
    ErrorOutOfGasSstore,
    /// Not enough gas for any other dynamic cost (EXP, calls, ...).
    ErrorOutOfGasDynamic,
    /// Not enough gas for the copy cost or memory expansion of CALLDATACOPY, CODECOPY,
    /// RETURNDATACOPY or MCOPY, or an offset or size too large to address.
    ErrorOutOfGasCopy,
    /// Not enough gas for LOG0..LOG4's topics, bytes or memory expansion, or an offset or
    /// size too large to address.
    ErrorOutOfGasLog,
    /// Not enough gas for KECCAK256's word cost or memory expansion, or an offset or size
    /// too large to address.
    ErrorOutOfGasKeccak,
    /// Not enough gas for EXTCODECOPY's account access, copy words or memory expansion, or
    /// an offset or size too large to address.
    ErrorOutOfGasExtCodeCopy,
    /// Not enough gas for the account access of BALANCE, EXTCODESIZE or EXTCODEHASH
    /// (EIP-2929: 100 warm, 2600 cold).
    ErrorOutOfGasAccountAccess,
    /// Not enough gas for SLOAD's slot access (EIP-2929: 100 warm, 2100 cold).
    ErrorOutOfGasSload,
    /// Not enough gas for SELFDESTRUCT: 5000, 2600 more for a cold beneficiary, 25000 more
    /// for a balance sent to an empty account.
    ErrorOutOfGasSelfDestruct,
    /// Not enough gas for CALL's or CALLCODE's warm cost, memory expansion, account access,
    /// value or new account.
    ErrorOutOfGasCall,
    /// Not enough gas for DELEGATECALL's or STATICCALL's warm cost, memory expansion or
    /// account access.
    ErrorOutOfGasDelegateOrStaticCall,
    /// Not enough gas for the memory expansion of RETURN or REVERT, or an offset or size too
    /// large to address.
    ErrorOutOfGasReturn,
    /// Not enough gas for CREATE's or CREATE2's 32000, init-code words, CREATE2's hashing
    /// words or memory expansion, or an offset or size too large to address.
    ErrorOutOfGasCreate,
    /// Fewer stack items than the opcode reads.
    ErrorStackUnderflow,
    /// The opcode would push beyond 1024 items.
    ErrorStackOverflow,
    /// `JUMP`/`JUMPI` to a destination that is not a `JUMPDEST`.
    ErrorInvalidJump,
    /// An undefined opcode byte, or `INVALID` (0xFE).
    ErrorInvalidOpcode,
    /// A state change (or a value-carrying `CALL`) in a static context.
    ErrorWriteProtection,
    /// `RETURNDATACOPY` beyond the end of the return data.
    ErrorReturnDataOutOfBounds,
    /// `CREATE`/`CREATE2` with init code over the EIP-3860 limit.
    ErrorInitCodeSizeLimit,
    /// A creation returned code starting with `0xEF` (EIP-3541).
    ErrorInvalidCreationCode,
    /// A creation returned code over the size limit, or could not pay for depositing it.
    ErrorCodeStore,
    /// A precompiled contract failed. Precompile frames have no steps, so this state is
    /// reserved for the circuit's precompile gadgets; witness steps never select it.
    ErrorPrecompileFailed,
    // ---- circuit-only ----
    /// One round of an `EXP` step's square-and-multiply chain (bit `i` of the exponent). The
    /// EVM circuit assigns these rounds after each `EXP` step whose exponent is not zero;
    /// witness steps never select this state.
    ExpRound,
}

/// The copies whose out-of-gas is [`ExecutionState::ErrorOutOfGasCopy`]: CALLDATACOPY,
/// CODECOPY, RETURNDATACOPY and MCOPY (EXTCODECOPY's cost has its account access).
pub const COPY_OPCODES: [u8; 4] = [0x37, 0x39, 0x3e, 0x5e];

/// MLOAD, MSTORE and MSTORE8, whose out-of-gas (on the constant gas or on the memory
/// expansion) is [`ExecutionState::ErrorOutOfGasMemoryExpansion`].
pub const MEMORY_OPCODES: [u8; 3] = [0x51, 0x52, 0x53];

/// KECCAK256, whose out-of-gas is [`ExecutionState::ErrorOutOfGasKeccak`].
pub const KECCAK256: u8 = 0x20;

/// EXTCODECOPY, whose out-of-gas is [`ExecutionState::ErrorOutOfGasExtCodeCopy`].
pub const EXTCODECOPY: u8 = 0x3c;

/// BALANCE, EXTCODESIZE and EXTCODEHASH, whose out-of-gas is
/// [`ExecutionState::ErrorOutOfGasAccountAccess`].
pub const ACCOUNT_ACCESS_OPCODES: [u8; 3] = [0x31, 0x3b, 0x3f];

/// SLOAD, whose out-of-gas is [`ExecutionState::ErrorOutOfGasSload`].
pub const SLOAD: u8 = 0x54;

/// SELFDESTRUCT, whose out-of-gas is [`ExecutionState::ErrorOutOfGasSelfDestruct`].
pub const SELFDESTRUCT: u8 = 0xff;

/// CALL and CALLCODE, whose out-of-gas is [`ExecutionState::ErrorOutOfGasCall`].
pub const VALUE_CALL_OPCODES: [u8; 2] = [0xf1, 0xf2];

/// DELEGATECALL and STATICCALL, whose out-of-gas is
/// [`ExecutionState::ErrorOutOfGasDelegateOrStaticCall`].
pub const DELEGATE_OR_STATIC_CALL_OPCODES: [u8; 2] = [0xf4, 0xfa];

/// RETURN and REVERT, whose memory out-of-gas is [`ExecutionState::ErrorOutOfGasReturn`].
pub const RETURN_REVERT_OPCODES: [u8; 2] = [0xf3, 0xfd];

/// CREATE and CREATE2, whose out-of-gas is [`ExecutionState::ErrorOutOfGasCreate`].
pub const CREATE_OPCODES: [u8; 2] = [0xf0, 0xf5];

/// LOG0..LOG4, whose out-of-gas is [`ExecutionState::ErrorOutOfGasLog`].
pub const LOG_OPCODES: [u8; 5] = [0xa0, 0xa1, 0xa2, 0xa3, 0xa4];

/// Outcome of mapping a revm halt reason onto the witness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HaltKind {
    /// A normal end of the frame (`Stop`, `Return`, `Revert`, `SelfDestruct`).
    Normal,
    /// An exceptional halt with this execution state.
    Error(ExecutionState),
}

impl ExecutionState {
    /// Every execution state, in declaration order: `ALL[i] as usize == i`.
    pub const ALL: [ExecutionState; 113] = {
        use ExecutionState::*;
        [
            BeginTx,
            BeginTxCreate,
            BeginTxCreateCollision,
            AccessListWarm,
            EndTx,
            EndTxClearSlot,
            EndTxDeleteAccount,
            EndBlock,
            Padding,
            Stop,
            AddSub,
            MulDivMod,
            SdivSmod,
            AddMod,
            MulMod,
            Exp,
            SignExtend,
            Cmp,
            SignedCmp,
            IsZero,
            Bitwise,
            Not,
            Byte,
            Shift,
            Sar,
            Keccak,
            CallContext,
            TxContext,
            Balance,
            SelfBalance,
            CallDataLoad,
            CallDataCopy,
            CodeSize,
            CodeCopy,
            ExtCodeSize,
            ExtCodeCopy,
            ExtCodeHash,
            ReturnDataCopy,
            BlockCtx,
            BlockHash,
            BlobHash,
            Pop,
            Mload,
            Mstore,
            Mstore8,
            Mcopy,
            Jump,
            Jumpi,
            Jumpdest,
            Pc,
            Msize,
            Gas,
            Push,
            Dup,
            Swap,
            Sload,
            Sstore,
            Tload,
            Tstore,
            Log,
            Call,
            DelegateOrStaticCall,
            CallWithoutCode,
            DelegateOrStaticCallWithoutCode,
            CallPrecheckFailed,
            DelegateOrStaticCallPrecheckFailed,
            PrecompileEcrecover,
            PrecompileSha256,
            PrecompileRipemd160,
            PrecompileIdentity,
            PrecompileModexp,
            PrecompileEcAdd,
            PrecompileEcMul,
            PrecompileEcPairing,
            PrecompileBlake2f,
            PrecompilePointEvaluation,
            Create,
            Create2,
            CreatePrecheckFailed,
            Create2PrecheckFailed,
            CreateCollision,
            Create2Collision,
            ReturnRevert,
            StopCreation,
            ReturnCreation,
            SelfDestruct,
            SelfDestructCreation,
            ErrorOutOfGasConstant,
            ErrorOutOfGasMemoryExpansion,
            ErrorOutOfGasSstore,
            ErrorOutOfGasDynamic,
            ErrorOutOfGasCopy,
            ErrorOutOfGasLog,
            ErrorOutOfGasKeccak,
            ErrorOutOfGasExtCodeCopy,
            ErrorOutOfGasAccountAccess,
            ErrorOutOfGasSload,
            ErrorOutOfGasSelfDestruct,
            ErrorOutOfGasCall,
            ErrorOutOfGasDelegateOrStaticCall,
            ErrorOutOfGasReturn,
            ErrorOutOfGasCreate,
            ErrorStackUnderflow,
            ErrorStackOverflow,
            ErrorInvalidJump,
            ErrorInvalidOpcode,
            ErrorWriteProtection,
            ErrorReturnDataOutOfBounds,
            ErrorInitCodeSizeLimit,
            ErrorInvalidCreationCode,
            ErrorCodeStore,
            ErrorPrecompileFailed,
            ExpRound,
        ]
    };

    /// The precompiles' states, by address (0x01 first).
    pub const PRECOMPILES: [ExecutionState; 10] = {
        use ExecutionState::*;
        [
            PrecompileEcrecover,
            PrecompileSha256,
            PrecompileRipemd160,
            PrecompileIdentity,
            PrecompileModexp,
            PrecompileEcAdd,
            PrecompileEcMul,
            PrecompileEcPairing,
            PrecompileBlake2f,
            PrecompilePointEvaluation,
        ]
    };

    /// The state of the precompile at `address` (0x01..=0x0a).
    pub fn precompile(address: u64) -> Option<ExecutionState> {
        let i = usize::try_from(address.checked_sub(1)?).ok()?;
        Self::PRECOMPILES.get(i).copied()
    }

    /// Whether the state is an exceptional halt.
    pub fn is_error(self) -> bool {
        use ExecutionState::*;
        matches!(
            self,
            ErrorOutOfGasConstant
                | ErrorOutOfGasMemoryExpansion
                | ErrorOutOfGasSstore
                | ErrorOutOfGasDynamic
                | ErrorOutOfGasCopy
                | ErrorOutOfGasLog
                | ErrorOutOfGasKeccak
                | ErrorOutOfGasExtCodeCopy
                | ErrorOutOfGasAccountAccess
                | ErrorOutOfGasSload
                | ErrorOutOfGasSelfDestruct
                | ErrorOutOfGasCall
                | ErrorOutOfGasDelegateOrStaticCall
                | ErrorOutOfGasReturn
                | ErrorOutOfGasCreate
                | ErrorStackUnderflow
                | ErrorStackOverflow
                | ErrorInvalidJump
                | ErrorInvalidOpcode
                | ErrorWriteProtection
                | ErrorReturnDataOutOfBounds
                | ErrorInitCodeSizeLimit
                | ErrorInvalidCreationCode
                | ErrorCodeStore
                | ErrorPrecompileFailed
        )
    }

    /// Maps a step's halt reason (revm's `InstructionResult` name, `format!("{:?}")`) and
    /// opcode to a [`HaltKind`]. Returns `None` for a name this crate does not know.
    ///
    /// `constant_gas_only` says whether the opcode's whole cost is its constant gas, which
    /// separates `ErrorOutOfGasConstant` from `ErrorOutOfGasDynamic`.
    pub fn for_halt(halt: &str, opcode: u8, constant_gas_only: bool) -> Option<HaltKind> {
        use ExecutionState::*;
        let state = match halt {
            "Stop" | "Return" | "Revert" | "SelfDestruct" => return Some(HaltKind::Normal),
            "OutOfGas" | "ReentrancySentryOOG" if opcode == 0x55 => ErrorOutOfGasSstore,
            "OutOfGas" | "MemoryOOG" | "MemoryLimitOOG" | "InvalidOperandOOG"
                if COPY_OPCODES.contains(&opcode) =>
            {
                ErrorOutOfGasCopy
            }
            "OutOfGas" | "MemoryOOG" | "MemoryLimitOOG" | "InvalidOperandOOG"
                if LOG_OPCODES.contains(&opcode) =>
            {
                ErrorOutOfGasLog
            }
            "OutOfGas" | "MemoryOOG" | "MemoryLimitOOG" | "InvalidOperandOOG"
                if opcode == KECCAK256 =>
            {
                ErrorOutOfGasKeccak
            }
            "OutOfGas" | "MemoryOOG" | "MemoryLimitOOG" | "InvalidOperandOOG"
                if opcode == EXTCODECOPY =>
            {
                ErrorOutOfGasExtCodeCopy
            }
            "OutOfGas" if ACCOUNT_ACCESS_OPCODES.contains(&opcode) => ErrorOutOfGasAccountAccess,
            "OutOfGas" if opcode == SLOAD => ErrorOutOfGasSload,
            "OutOfGas" if opcode == SELFDESTRUCT => ErrorOutOfGasSelfDestruct,
            // Memory that cannot be paid for or addressed too.
            "OutOfGas" | "MemoryOOG" | "MemoryLimitOOG" | "InvalidOperandOOG"
                if VALUE_CALL_OPCODES.contains(&opcode) =>
            {
                ErrorOutOfGasCall
            }
            "OutOfGas" | "MemoryOOG" | "MemoryLimitOOG" | "InvalidOperandOOG"
                if DELEGATE_OR_STATIC_CALL_OPCODES.contains(&opcode) =>
            {
                ErrorOutOfGasDelegateOrStaticCall
            }
            "OutOfGas" | "MemoryOOG" | "MemoryLimitOOG" | "InvalidOperandOOG"
                if RETURN_REVERT_OPCODES.contains(&opcode) =>
            {
                ErrorOutOfGasReturn
            }
            "OutOfGas" | "MemoryOOG" | "MemoryLimitOOG" | "InvalidOperandOOG"
                if CREATE_OPCODES.contains(&opcode) =>
            {
                ErrorOutOfGasCreate
            }
            // MLOAD, MSTORE and MSTORE8 short of their constant gas: still short of the
            // constant gas plus the expansion, which is what that state proves.
            "OutOfGas" if MEMORY_OPCODES.contains(&opcode) => ErrorOutOfGasMemoryExpansion,
            "OutOfGas" | "ReentrancySentryOOG" if constant_gas_only => ErrorOutOfGasConstant,
            "OutOfGas" | "ReentrancySentryOOG" => ErrorOutOfGasDynamic,
            "MemoryOOG" | "MemoryLimitOOG" | "InvalidOperandOOG" => ErrorOutOfGasMemoryExpansion,
            "StackUnderflow" => ErrorStackUnderflow,
            "StackOverflow" => ErrorStackOverflow,
            "InvalidJump" => ErrorInvalidJump,
            "OpcodeNotFound" | "InvalidFEOpcode" | "NotActivated" => ErrorInvalidOpcode,
            "StateChangeDuringStaticCall" | "CallNotAllowedInsideStatic" => ErrorWriteProtection,
            "OutOfOffset" => ErrorReturnDataOutOfBounds,
            "CreateInitCodeSizeLimit" => ErrorInitCodeSizeLimit,
            "CreateContractStartingWithEF" => ErrorInvalidCreationCode,
            "CreateContractSizeLimit" => ErrorCodeStore,
            "PrecompileOOG" | "PrecompileError" => ErrorPrecompileFailed,
            _ => return None,
        };
        Some(HaltKind::Error(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_state_at_its_index() {
        for (i, state) in ExecutionState::ALL.iter().enumerate() {
            assert_eq!(*state as usize, i, "{state:?}");
        }
        assert_eq!(
            ExecutionState::ALL.len(),
            ExecutionState::ExpRound as usize + 1
        );
    }

    #[test]
    fn normal_ends_are_not_errors() {
        for name in ["Stop", "Return", "Revert", "SelfDestruct"] {
            assert_eq!(
                ExecutionState::for_halt(name, 0, true),
                Some(HaltKind::Normal)
            );
        }
    }

    #[test]
    fn out_of_gas_kinds() {
        use ExecutionState::*;
        let oog = |op, c| ExecutionState::for_halt("OutOfGas", op, c);
        assert_eq!(
            oog(0x01, true),
            Some(HaltKind::Error(ErrorOutOfGasConstant))
        );
        assert_eq!(oog(0x55, false), Some(HaltKind::Error(ErrorOutOfGasSstore)));
        assert_eq!(
            oog(0x0a, false),
            Some(HaltKind::Error(ErrorOutOfGasDynamic))
        );
        assert_eq!(
            ExecutionState::for_halt("MemoryOOG", 0x51, false),
            Some(HaltKind::Error(ErrorOutOfGasMemoryExpansion))
        );
        for op in MEMORY_OPCODES {
            assert_eq!(
                oog(op, false),
                Some(HaltKind::Error(ErrorOutOfGasMemoryExpansion)),
                "0x{op:02x}"
            );
        }
        for halt in ["OutOfGas", "MemoryOOG", "InvalidOperandOOG"] {
            for op in COPY_OPCODES {
                assert_eq!(
                    ExecutionState::for_halt(halt, op, false),
                    Some(HaltKind::Error(ErrorOutOfGasCopy)),
                    "{halt} of {op:#x}"
                );
            }
        }
        for halt in ["OutOfGas", "MemoryOOG", "InvalidOperandOOG"] {
            for op in LOG_OPCODES {
                assert_eq!(
                    ExecutionState::for_halt(halt, op, false),
                    Some(HaltKind::Error(ErrorOutOfGasLog)),
                    "{halt} of {op:#x}"
                );
            }
        }
        for halt in ["OutOfGas", "MemoryOOG", "InvalidOperandOOG"] {
            assert_eq!(
                ExecutionState::for_halt(halt, KECCAK256, false),
                Some(HaltKind::Error(ErrorOutOfGasKeccak)),
                "{halt} of KECCAK256"
            );
        }
        assert!(ErrorOutOfGasKeccak.is_error());
        assert_eq!(
            ExecutionState::for_halt("MemoryOOG", EXTCODECOPY, false),
            Some(HaltKind::Error(ErrorOutOfGasExtCodeCopy))
        );
        for op in ACCOUNT_ACCESS_OPCODES {
            assert_eq!(
                ExecutionState::for_halt("OutOfGas", op, false),
                Some(HaltKind::Error(ErrorOutOfGasAccountAccess))
            );
        }
        assert_eq!(
            ExecutionState::for_halt("OutOfGas", SLOAD, false),
            Some(HaltKind::Error(ErrorOutOfGasSload))
        );
        assert_eq!(
            ExecutionState::for_halt("OutOfGas", SELFDESTRUCT, false),
            Some(HaltKind::Error(ErrorOutOfGasSelfDestruct))
        );
        assert!(ErrorOutOfGasSload.is_error() && ErrorOutOfGasSelfDestruct.is_error());
        for (ops, state) in [
            (VALUE_CALL_OPCODES, ErrorOutOfGasCall),
            (
                DELEGATE_OR_STATIC_CALL_OPCODES,
                ErrorOutOfGasDelegateOrStaticCall,
            ),
            (RETURN_REVERT_OPCODES, ErrorOutOfGasReturn),
            (CREATE_OPCODES, ErrorOutOfGasCreate),
        ] {
            for op in ops {
                for halt in ["OutOfGas", "MemoryOOG", "InvalidOperandOOG"] {
                    assert_eq!(
                        ExecutionState::for_halt(halt, op, false),
                        Some(HaltKind::Error(state)),
                        "{halt} of {op:#x}"
                    );
                }
            }
            assert!(state.is_error());
        }
        assert!(ErrorOutOfGasDynamic.is_error());
        assert!(ErrorOutOfGasCopy.is_error());
        assert!(ErrorOutOfGasLog.is_error());
        assert!(!AddSub.is_error());
    }

    #[test]
    fn unknown_halt_is_none() {
        assert_eq!(ExecutionState::for_halt("Bogus", 0, true), None);
    }
}
