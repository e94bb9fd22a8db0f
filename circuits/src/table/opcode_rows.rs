//! The opcode facts the fixed table holds, as native rows derived from
//! [`equivm_witness::opcodes::OPCODES`] (the one declarative opcode table).
//!
//! - [`opcode_properties`]: per opcode byte, (opcode, execution-state index, constant gas,
//!   stack inputs, stack outputs, is_defined).
//! - [`responsible_opcodes`]: the (execution state, opcode) pairs a step may have. A
//!   successful step's state is the opcode's `state` in `OPCODES` (undefined bytes and
//!   `INVALID` map to `ErrorInvalidOpcode` there). An error state may be reached by the
//!   opcodes listed in [`error_state_opcodes`], which follows how revm raises each halt and
//!   how `equivm_witness` maps halts to states ([`ExecutionState::for_halt`]).
//!
//! The execution-state index is the enum's declaration order ([`execution_state_index`]);
//! the EVM circuit must use the same function.

use equivm_witness::{
    execution_state::{
        ACCOUNT_ACCESS_OPCODES, COPY_OPCODES, CREATE_OPCODES, DELEGATE_OR_STATIC_CALL_OPCODES,
        EXTCODECOPY, KECCAK256, LOG_OPCODES, RETURN_REVERT_OPCODES, SELFDESTRUCT, SLOAD,
        VALUE_CALL_OPCODES,
    },
    opcodes::OPCODES,
    ExecutionState,
};

/// The number a table stores for `state`: its position in the declaration of
/// [`ExecutionState`] (`BeginTx` is 0).
pub fn execution_state_index(state: ExecutionState) -> u64 {
    state as u64
}

/// One opcode-properties row, as numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpcodeProperties {
    /// Opcode byte.
    pub opcode: u64,
    /// [`execution_state_index`] of the state of a successful step.
    pub execution_state: u64,
    /// Constant gas.
    pub constant_gas: u64,
    /// Stack items read.
    pub stack_inputs: u64,
    /// Stack items left.
    pub stack_outputs: u64,
    /// 1 if the byte is a defined opcode (Cancun), else 0.
    pub is_defined: u64,
}

/// The 256 opcode-properties rows, by opcode byte.
pub fn opcode_properties() -> Vec<OpcodeProperties> {
    OPCODES
        .iter()
        .zip(0u64..)
        .map(|(info, opcode)| OpcodeProperties {
            opcode,
            execution_state: execution_state_index(info.state),
            constant_gas: info.constant_gas,
            stack_inputs: u64::from(info.stack_inputs),
            stack_outputs: u64::from(info.stack_outputs),
            is_defined: u64::from(info.defined),
        })
        .collect()
}

/// Opcodes whose execution can expand memory: KECCAK256, the copies,
/// MLOAD/MSTORE/MSTORE8/MCOPY, LOG0..LOG4, CREATE/CREATE2, the calls, RETURN and REVERT.
/// Only MLOAD, MSTORE and MSTORE8 fail with `ErrorOutOfGasMemoryExpansion`; the others have
/// their own out-of-gas states (`ErrorOutOfGasCopy` for [`COPY_OPCODES`], `ErrorOutOfGasLog`,
/// `ErrorOutOfGasKeccak`, `ErrorOutOfGasExtCodeCopy`, the calls', `ErrorOutOfGasReturn` and
/// `ErrorOutOfGasCreate`).
const MEMORY_OPCODES: [u8; 22] = [
    0x20, 0x37, 0x39, 0x3c, 0x3e, 0x51, 0x52, 0x53, 0x5e, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xf0, 0xf1,
    0xf2, 0xf3, 0xf4, 0xf5, 0xfa, 0xfd,
];

/// Opcodes that fail with `ErrorWriteProtection` in a static context: SSTORE, TSTORE,
/// LOG0..LOG4, CREATE, CREATE2, CALL (with value) and SELFDESTRUCT.
pub const STATE_CHANGING_OPCODES: [u8; 11] = [
    0x55, 0x5d, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xf0, 0xf1, 0xf5, 0xff,
];

/// The opcodes a step in error state `state` may have; empty for states that are not error
/// states or that no opcode step selects (`ErrorPrecompileFailed`).
///
/// `ErrorInvalidOpcode` is not listed here: its opcodes come from `OPCODES` (every byte whose
/// state is `ErrorInvalidOpcode`), like the successful states.
pub fn error_state_opcodes(state: ExecutionState) -> Vec<u8> {
    use ExecutionState::*;
    let defined = |pred: &dyn Fn(u8) -> bool| -> Vec<u8> {
        (0..=255u8)
            .filter(|b| OPCODES[*b as usize].defined && pred(*b))
            .collect()
    };
    match state {
        // revm charges constant gas first; only opcodes whose whole cost is constant and
        // non-zero can run out of it alone (SSTORE has its own state).
        ErrorOutOfGasConstant => defined(&|b| {
            let info = &OPCODES[b as usize];
            !info.dynamic_gas && info.constant_gas > 0
        }),
        // SSTORE's out-of-gas, including revm's EIP-2200 stipend check
        // (`ReentrancySentryOOG`), is `ErrorOutOfGasSstore`, never this state.
        ErrorOutOfGasDynamic => defined(&|b| {
            OPCODES[b as usize].dynamic_gas
                && b != 0x55
                && !COPY_OPCODES.contains(&b)
                && !LOG_OPCODES.contains(&b)
                && b != KECCAK256
                && b != EXTCODECOPY
                && !ACCOUNT_ACCESS_OPCODES.contains(&b)
                && b != SLOAD
                && b != SELFDESTRUCT
                && !VALUE_CALL_OPCODES.contains(&b)
                && !DELEGATE_OR_STATIC_CALL_OPCODES.contains(&b)
                && !CREATE_OPCODES.contains(&b)
        }),
        ErrorOutOfGasSstore => vec![0x55],
        ErrorOutOfGasMemoryExpansion => MEMORY_OPCODES
            .into_iter()
            .filter(|b| {
                !COPY_OPCODES.contains(b)
                    && !LOG_OPCODES.contains(b)
                    && ![KECCAK256, EXTCODECOPY].contains(b)
                    && !VALUE_CALL_OPCODES.contains(b)
                    && !DELEGATE_OR_STATIC_CALL_OPCODES.contains(b)
                    && !RETURN_REVERT_OPCODES.contains(b)
                    && !CREATE_OPCODES.contains(b)
            })
            .collect(),
        ErrorOutOfGasCopy => COPY_OPCODES.to_vec(),
        ErrorOutOfGasLog => LOG_OPCODES.to_vec(),
        ErrorOutOfGasKeccak => vec![KECCAK256],
        ErrorOutOfGasExtCodeCopy => vec![EXTCODECOPY],
        ErrorOutOfGasAccountAccess => ACCOUNT_ACCESS_OPCODES.to_vec(),
        ErrorOutOfGasSload => vec![SLOAD],
        ErrorOutOfGasSelfDestruct => vec![SELFDESTRUCT],
        ErrorOutOfGasCall => VALUE_CALL_OPCODES.to_vec(),
        ErrorOutOfGasDelegateOrStaticCall => DELEGATE_OR_STATIC_CALL_OPCODES.to_vec(),
        ErrorOutOfGasReturn => RETURN_REVERT_OPCODES.to_vec(),
        ErrorOutOfGasCreate => CREATE_OPCODES.to_vec(),
        ErrorStackUnderflow => defined(&|b| OPCODES[b as usize].stack_inputs > 0),
        ErrorStackOverflow => defined(&|b| {
            let info = &OPCODES[b as usize];
            info.stack_outputs > info.stack_inputs
        }),
        ErrorInvalidJump => vec![0x56, 0x57],
        ErrorWriteProtection => STATE_CHANGING_OPCODES.to_vec(),
        ErrorReturnDataOutOfBounds => vec![0x3e],
        ErrorInitCodeSizeLimit => vec![0xf0, 0xf5],
        ErrorInvalidCreationCode | ErrorCodeStore => vec![0xf3],
        _ => Vec::new(),
    }
}

/// Every error state that has [`error_state_opcodes`].
pub const ERROR_STATES_WITH_OPCODES: [ExecutionState; 23] = [
    ExecutionState::ErrorOutOfGasConstant,
    ExecutionState::ErrorOutOfGasDynamic,
    ExecutionState::ErrorOutOfGasCopy,
    ExecutionState::ErrorOutOfGasLog,
    ExecutionState::ErrorOutOfGasKeccak,
    ExecutionState::ErrorOutOfGasExtCodeCopy,
    ExecutionState::ErrorOutOfGasAccountAccess,
    ExecutionState::ErrorOutOfGasSload,
    ExecutionState::ErrorOutOfGasSelfDestruct,
    ExecutionState::ErrorOutOfGasCall,
    ExecutionState::ErrorOutOfGasDelegateOrStaticCall,
    ExecutionState::ErrorOutOfGasReturn,
    ExecutionState::ErrorOutOfGasCreate,
    ExecutionState::ErrorOutOfGasSstore,
    ExecutionState::ErrorOutOfGasMemoryExpansion,
    ExecutionState::ErrorStackUnderflow,
    ExecutionState::ErrorStackOverflow,
    ExecutionState::ErrorInvalidJump,
    ExecutionState::ErrorWriteProtection,
    ExecutionState::ErrorReturnDataOutOfBounds,
    ExecutionState::ErrorInitCodeSizeLimit,
    ExecutionState::ErrorInvalidCreationCode,
    ExecutionState::ErrorCodeStore,
];

/// The states, not errors, that an opcode's step may take instead of its `OPCODES` state:
/// the calls into an account without code or whose callee fails its pre-checks, and the
/// STOP, RETURN and SELFDESTRUCT that end a creation.
pub const OTHER_STATE_OPCODES: [(ExecutionState, &[u8]); 11] = [
    (ExecutionState::CallWithoutCode, &[0xf1, 0xf2]),
    (
        ExecutionState::DelegateOrStaticCallWithoutCode,
        &[0xf4, 0xfa],
    ),
    (ExecutionState::CallPrecheckFailed, &[0xf1, 0xf2]),
    (
        ExecutionState::DelegateOrStaticCallPrecheckFailed,
        &[0xf4, 0xfa],
    ),
    (ExecutionState::CreatePrecheckFailed, &[0xf0]),
    (ExecutionState::Create2PrecheckFailed, &[0xf5]),
    (ExecutionState::CreateCollision, &[0xf0]),
    (ExecutionState::Create2Collision, &[0xf5]),
    (ExecutionState::StopCreation, &[0x00]),
    (ExecutionState::ReturnCreation, &[0xf3]),
    (ExecutionState::SelfDestructCreation, &[0xff]),
];

/// All (execution-state index, opcode) pairs a step may have: one per opcode byte for its
/// `OPCODES` state, then the error states' opcodes and [`OTHER_STATE_OPCODES`]. No pair
/// repeats.
pub fn responsible_opcodes() -> Vec<(u64, u64)> {
    let mut rows: Vec<(u64, u64)> = opcode_properties()
        .iter()
        .map(|p| (p.execution_state, p.opcode))
        .collect();
    for state in ERROR_STATES_WITH_OPCODES {
        let index = execution_state_index(state);
        rows.extend(
            error_state_opcodes(state)
                .into_iter()
                .map(|b| (index, u64::from(b))),
        );
    }
    for (state, opcodes) in OTHER_STATE_OPCODES {
        let index = execution_state_index(state);
        rows.extend(opcodes.iter().map(|&b| (index, u64::from(b))));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn properties_follow_opcodes_table() {
        let rows = opcode_properties();
        assert_eq!(rows.len(), 256);
        for (b, row) in rows.iter().enumerate() {
            let info = &OPCODES[b];
            assert_eq!(row.opcode, b as u64);
            assert_eq!(row.execution_state, info.state as u64, "{}", info.name);
            assert_eq!(row.constant_gas, info.constant_gas, "{}", info.name);
            assert_eq!(row.stack_inputs, u64::from(info.stack_inputs));
            assert_eq!(row.stack_outputs, u64::from(info.stack_outputs));
            assert_eq!(row.is_defined == 1, info.defined);
        }
    }

    #[test]
    fn responsible_pairs_are_unique_and_cover_error_states() {
        let rows = responsible_opcodes();
        let set: HashSet<_> = rows.iter().copied().collect();
        assert_eq!(set.len(), rows.len(), "a pair repeats");
        for state in ERROR_STATES_WITH_OPCODES {
            assert!(state.is_error());
            assert!(!error_state_opcodes(state).is_empty(), "{state:?}");
            for b in error_state_opcodes(state) {
                assert!(OPCODES[b as usize].defined, "{state:?} lists 0x{b:02x}");
            }
        }
        let invalid = execution_state_index(ExecutionState::ErrorInvalidOpcode);
        assert!(set.contains(&(invalid, 0xfe)));
        assert!(set.contains(&(invalid, 0x0c)));
    }
}
