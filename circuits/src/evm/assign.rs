//! The assignment layer: where a step sits in the EVM region, the step state a witness step
//! carries, and the override hook tests use to tamper with one named value.
//!
//! Nothing here constrains anything: it fills in the cells the gadgets and the layout
//! constrain.

use super::step::{StepState, STEP_STATE_NAMES};
use crate::table::{b256_word, u256_word};
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::{B256, U256};
use equivm_witness::{CallContextField, ExecStep, ExecutionState, RwField, RwTag, Witness};
use halo2_proofs::{
    circuit::{Region, Value},
    halo2curves::ff::PrimeField,
    plonk::{Advice, Column, Error},
};
use std::collections::HashMap;

/// A region positioned at one step's first row.
pub struct StepRegion<'r, 'a, F: PrimeField> {
    region: &'r mut Region<'a, F>,
    offset: usize,
}

impl<'r, 'a, F: PrimeField> StepRegion<'r, 'a, F> {
    /// The step starting at row `offset` of `region`.
    pub fn new(region: &'r mut Region<'a, F>, offset: usize) -> Self {
        Self { region, offset }
    }

    /// The step's first row in the region.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The underlying region (for chips that assign themselves at [`Self::offset`]).
    pub fn region(&mut self) -> &mut Region<'a, F> {
        self.region
    }

    /// Assigns `value` to `column`, `rotation` rows below the step's first row.
    pub fn assign_advice(
        &mut self,
        column: Column<Advice>,
        rotation: usize,
        value: F,
    ) -> Result<(), Error> {
        self.region
            .assign_advice(column, self.offset + rotation, Value::known(value));
        Ok(())
    }
}

/// Facts about a call the steps need but [`ExecStep`] does not carry: they are the values
/// its call context was written with (`IsRoot`, `IsCreate`, `CodeHash`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallInfo {
    /// Root call of its tx.
    pub is_root: bool,
    /// Creation frame.
    pub is_create: bool,
    /// Hash of the code it runs.
    pub code_hash: U256,
    /// The call and all its callers succeed.
    pub is_persistent: bool,
    /// Counter of the call's last undo write (0 when it persists).
    pub rw_counter_end_of_reversion: u64,
    /// The account whose code it runs in (`CalleeAddress`).
    pub address: U256,
    /// Its tx.
    pub tx_id: U256,
}

/// What decides whether a transaction's BeginTx and EndTx have gadgets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TxShape {
    /// A contract creation.
    pub is_create: bool,
    /// Access-list addresses plus storage keys.
    pub access_list_items: usize,
    /// Transfers a non-zero value.
    pub has_value: bool,
}

/// Per-call facts, code lengths, tx shapes and error steps' stack reads of a witness.
#[derive(Clone, Debug, Default)]
pub struct WitnessIndex {
    calls: HashMap<u64, CallInfo>,
    code_len: HashMap<U256, usize>,
    txs: Vec<TxShape>,
    error_stack_reads: HashMap<u64, Vec<U256>>,
    calls_in_layout: std::collections::HashSet<u64>,
    has_prevrandao: bool,
    has_blob_base_fee: bool,
    block_number_fits_u64: bool,
}

impl WitnessIndex {
    /// Scans the call-context writes and bytecodes of `witness`.
    pub fn new(witness: &Witness) -> Self {
        let mut calls: HashMap<u64, CallInfo> = HashMap::new();
        for rw in witness
            .rws
            .iter()
            .filter(|rw| rw.tag == RwTag::CallContext && rw.is_write)
        {
            let info = calls.entry(rw.id).or_default();
            match rw.field {
                RwField::CallContext(CallContextField::IsRoot) => {
                    info.is_root = !rw.value.is_zero()
                }
                RwField::CallContext(CallContextField::IsCreate) => {
                    info.is_create = !rw.value.is_zero()
                }
                RwField::CallContext(CallContextField::CodeHash) => info.code_hash = rw.value,
                RwField::CallContext(CallContextField::CalleeAddress) => info.address = rw.value,
                RwField::CallContext(CallContextField::TxId) => info.tx_id = rw.value,
                RwField::CallContext(CallContextField::IsPersistent) => {
                    info.is_persistent = !rw.value.is_zero()
                }
                RwField::CallContext(CallContextField::RwCounterEndOfReversion) => {
                    info.rw_counter_end_of_reversion = u64::try_from(rw.value).unwrap_or(0)
                }
                _ => {}
            }
        }
        let code_len = witness
            .bytecodes
            .iter()
            .map(|c| (U256::from_be_bytes(c.hash.0), c.bytes.len()))
            .collect();
        let txs = witness
            .txs
            .iter()
            .map(|tx| TxShape {
                is_create: tx.tx.to.is_none(),
                access_list_items: tx
                    .tx
                    .access_list
                    .iter()
                    .map(|e| 1 + e.storage_keys.len())
                    .sum(),
                has_value: !tx.tx.value.is_zero(),
            })
            .collect();
        let error_stack_reads = witness
            .steps
            .iter()
            .filter(|step| step.execution_state.is_error())
            .map(|step| {
                let reads = witness
                    .step_rws(step)
                    .iter()
                    .filter(|rw| {
                        !rw.is_write
                            && matches!(
                                rw.tag,
                                RwTag::Stack
                                    | RwTag::TxAccessListAccount
                                    | RwTag::TxAccessListAccountStorage
                            )
                    })
                    .map(|rw| rw.value)
                    .collect();
                (step.rw_counter, reads)
            })
            .collect();
        let calls_in_layout = witness
            .steps
            .iter()
            .filter(|step| {
                crate::evm::execution::starts_callee_with_code(witness, step)
                    || crate::evm::execution::skips_callee_without_code(witness, step)
                    || crate::evm::execution::refuses_callee(witness, step)
                    || crate::evm::execution::refuses_creation(witness, step)
                    || crate::evm::execution::collides(witness, step)
                    || crate::evm::execution::starts_creation(witness, step)
            })
            .map(|step| step.rw_counter)
            .collect();
        Self {
            calls,
            code_len,
            txs,
            error_stack_reads,
            calls_in_layout,
            has_prevrandao: witness.block.prevrandao.is_some(),
            has_blob_base_fee: witness.block.blob_base_fee.is_some(),
            block_number_fits_u64: witness.block.number <= U256::from(u64::MAX),
        }
    }

    /// Whether the block has a `PrevRandao` field (forks from the merge on).
    pub fn has_prevrandao(&self) -> bool {
        self.has_prevrandao
    }

    /// Whether the block number fits 64 bits (what BLOCKHASH's arithmetic holds).
    pub fn block_number_fits_u64(&self) -> bool {
        self.block_number_fits_u64
    }

    /// Whether the block has a `BlobBaseFee` field (forks from Cancun on).
    pub fn has_blob_base_fee(&self) -> bool {
        self.has_blob_base_fee
    }

    /// The stack items and the account and slot warm flags an error step read, in access
    /// order (empty for other steps): what decides whether a dynamic cost was out of reach.
    /// An error step makes at least one access, so its `rw_counter` is its own.
    pub fn error_stack_reads(&self, step: &ExecStep) -> &[U256] {
        if !step.execution_state.is_error() {
            return &[];
        }
        self.error_stack_reads
            .get(&step.rw_counter)
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `step` is a call or creation whose accesses follow its gadget's layout: one
    /// that starts a callee with code ([`CallOpGadget`](crate::evm::execution::CallOpGadget)),
    /// skips one without ([`NoCodeCallGadget`](crate::evm::execution::NoCodeCallGadget)),
    /// refuses one ([`RefusedCallGadget`](crate::evm::execution::RefusedCallGadget),
    /// [`RefusedCreateGadget`](crate::evm::execution::RefusedCreateGadget)), meets a taken
    /// address ([`CollidingCreateGadget`](crate::evm::execution::CollidingCreateGadget)) or
    /// starts a creation ([`CreateOpGadget`](crate::evm::execution::CreateOpGadget)).
    pub fn call_fits_layout(&self, step: &ExecStep) -> bool {
        matches!(
            step.execution_state,
            ExecutionState::Call
                | ExecutionState::DelegateOrStaticCall
                | ExecutionState::CallWithoutCode
                | ExecutionState::DelegateOrStaticCallWithoutCode
                | ExecutionState::CallPrecheckFailed
                | ExecutionState::DelegateOrStaticCallPrecheckFailed
                | ExecutionState::Create
                | ExecutionState::Create2
                | ExecutionState::CreatePrecheckFailed
                | ExecutionState::Create2PrecheckFailed
                | ExecutionState::CreateCollision
                | ExecutionState::Create2Collision
        ) && self.calls_in_layout.contains(&step.rw_counter)
    }

    /// The shape of the transaction at `tx_index` (all-default if there is none).
    pub fn tx_shape(&self, tx_index: usize) -> TxShape {
        self.txs.get(tx_index).copied().unwrap_or_default()
    }

    /// Whether `step` runs in an account a creation of its own transaction made (EIP-6780:
    /// such an account's SELFDESTRUCT burns its balance and deletes it).
    pub fn runs_in_created_account(&self, step: &ExecStep) -> bool {
        let call = self.call(step.call_id);
        self.calls
            .values()
            .any(|c| c.is_create && c.tx_id == call.tx_id && c.address == call.address)
    }

    /// The call a step runs in (all-zero for call id 0 or an unknown call).
    pub fn call(&self, call_id: u64) -> CallInfo {
        self.calls.get(&call_id).copied().unwrap_or_default()
    }

    /// Length of the code a step runs, if the witness holds it.
    pub fn code_len(&self, step: &ExecStep) -> Option<usize> {
        self.code_len
            .get(&self.call(step.call_id).code_hash)
            .copied()
    }

    /// The step state of `step`, as field elements.
    pub fn step_state<F: PrimeField>(&self, step: &ExecStep) -> StepState<F> {
        let call = self.call(step.call_id);
        let hash = b256_word(B256::from(call.code_hash.to_be_bytes::<32>()));
        StepState {
            rw_counter: step.rw_counter,
            call_id: step.call_id,
            is_root: u64::from(call.is_root),
            is_create: u64::from(call.is_create),
            code_hash: Word::new(0, 0),
            program_counter: u64::from(step.pc),
            stack_pointer: step.stack_pointer,
            gas_left: step.gas_left,
            memory_word_size: step.memory_word_size,
            reversible_write_counter: step.reversible_write_counter,
            log_id: step.log_id,
            tx_id: step.tx_index as u64 + 1,
            refund: step.refund,
            is_persistent: u64::from(call.is_persistent),
            rw_counter_end_of_reversion: call.rw_counter_end_of_reversion,
        }
        .map(F::from)
        .with_code_hash(hash.to_field())
    }
}

impl<F> StepState<F> {
    /// The same state with `code_hash` replaced.
    pub fn with_code_hash(mut self, code_hash: Word<F>) -> Self {
        self.code_hash = code_hash;
        self
    }
}

/// A word of the rw log as field limbs.
pub fn word_of<F: PrimeField>(value: U256) -> Word<F> {
    u256_word(value).to_field()
}

/// One value a test overwrites after the honest assignment. `step` counts the steps the
/// circuit assigns (0 is the first step of the slice), padding included.
#[derive(Clone, Debug)]
pub enum Override<F: PrimeField> {
    /// A step-state field, by its name in [`STEP_STATE_NAMES`].
    StepState {
        /// Step position.
        step: usize,
        /// Field name.
        field: &'static str,
        /// New value.
        value: F,
    },
    /// Selects `state` instead of the honest one (the selector cells only).
    ExecutionState {
        /// Step position.
        step: usize,
        /// The state to select.
        state: ExecutionState,
    },
    /// A column of the rw lookup group on the row of rw access `access`, by its rw-table
    /// annotation without the `rw.` prefix (`"value_lo"`, `"rw_counter"`, ...).
    Rw {
        /// Step position.
        step: usize,
        /// Access number within the step.
        access: usize,
        /// Column name.
        field: &'static str,
        /// New value.
        value: F,
    },
    /// Any advice cell of a step, by column and row offset (gadget cells, by name through
    /// the gadget's config).
    Cell {
        /// Step position.
        step: usize,
        /// Column.
        column: Column<Advice>,
        /// Rows below the step's first row.
        rotation: usize,
        /// New value.
        value: F,
    },
}

/// Index of a step-state field name, if it is one.
pub fn step_state_field(name: &str) -> Option<usize> {
    STEP_STATE_NAMES.iter().position(|n| *n == name)
}
