//! Execution gadgets: one file per execution state, each proving what a step in that state
//! does, and the one registration list ([`Gadgets`]).
//!
//! A state without a gadget here is forbidden by the layout ("STEP: state S has no gadget")
//! and reported by [`EvmCircuit::unsupported_steps`](super::EvmCircuit::unsupported_steps).
//! [`SameContext`] is the transition shared by opcodes that stay in their call.

mod access_list_warm;
mod account_access;
mod add_mod;
mod add_sub;
mod balance;
mod begin_tx;
mod beneficiary;
mod bitwise;
mod blob_hash;
mod block_ctx;
mod block_hash;
mod byte;
mod byte_size;
mod call_args;
mod call_context_info;
mod call_failure;
mod call_op;
mod call_precheck_failed;
mod call_without_code;
mod calldatacopy;
mod calldataload;
mod callee_gas;
mod cmp;
mod code_size;
mod codecopy;
mod common_error;
mod copy_to_memory;
mod create;
mod create_collision;
mod create_precheck_failed;
mod creation_end;
mod dup;
mod end_block;
mod end_tx;
mod end_tx_delete;
mod error_code_store;
mod error_invalid_creation_code;
mod error_invalid_jump;
mod error_invalid_opcode;
mod error_oog_account_access;
mod error_oog_call;
mod error_oog_constant;
mod error_oog_copy;
mod error_oog_create;
mod error_oog_exp;
mod error_oog_ext_code_copy;
mod error_oog_keccak;
mod error_oog_log;
mod error_oog_memory;
mod error_oog_return;
mod error_oog_self_destruct;
mod error_oog_sload;
mod error_oog_sstore;
mod error_return_data_oob;
mod error_stack_overflow;
mod error_stack_underflow;
mod error_write_protection;
mod exp;
mod exp_chain;
mod exp_round;
mod ext_code_copy;
mod ext_code_hash;
mod ext_code_size;
mod far_clamp;
mod gas;
mod is_zero;
mod jump;
mod jumpdest;
mod jumpi;
mod keccak;
mod log;
mod mcopy;
mod memory_expansion;
mod mload;
mod msize;
mod mstore;
mod mstore8;
mod mul_add;
mod mul_div_mod;
mod mul_mod;
mod neg_if;
mod not;
mod not_precompile;
mod precompile_identity;
pub use not_precompile::{called_precompile, PRECOMPILE_NAMES};
pub use precompile_identity::PrecompileIdentityGadget;
mod opcode_select;
mod padding;
mod pc;
mod pop;
mod push;
mod restore_context;
mod return_copy;
mod return_revert;
mod returndatacopy;
mod sar;
mod sdiv_smod;
mod self_balance;
mod self_destruct;
mod shift;
mod sign_extend;
mod signed_cmp;
mod sload;
mod sstore;
mod sstore_gas;
mod stop;
mod swap;
mod tload;
mod tstore;
mod tx_arith;
mod tx_context;
mod value_transfer;
mod word_is_zero;
mod word_lt;

pub use access_list_warm::{AccessListChain, AccessListWarmGadget};
pub use account_access::AccountAccess;
pub use add_mod::AddModGadget;
pub use add_sub::AddSubGadget;
pub use balance::BalanceGadget;
pub use begin_tx::{
    BeginTxCreateCollisionGadget, BeginTxCreateGadget, BeginTxGadget, BeginTxOpGadget,
};
pub use bitwise::BitwiseGadget;
pub use blob_hash::BlobHashGadget;
pub use block_ctx::BlockCtxGadget;
pub use block_hash::BlockHashGadget;
pub use byte::ByteGadget;
pub use byte_size::ByteSize;
pub use call_args::{CallArgs, CallFacts, CallOperands, PassedOn};
pub use call_context_info::CallContextGadget;
pub use call_op::{
    starts_callee_with_code, CallGadget, CallOpGadget, CallRws, DelegateOrStaticCallGadget,
};
pub use call_precheck_failed::{
    refuses_callee, CallPrecheckFailedGadget, DelegateOrStaticCallPrecheckFailedGadget,
    RefusedCallGadget, RefusedCallRws, CALL_DEPTH_LIMIT,
};
pub use call_without_code::{
    skips_callee_without_code, CallWithoutCodeGadget, DelegateOrStaticCallWithoutCodeGadget,
    NoCodeCallGadget, WithoutCodeRws,
};
pub use calldatacopy::CallDataCopyGadget;
pub use calldataload::CallDataLoadGadget;
pub use callee_gas::CalleeGas;
pub use cmp::CmpGadget;
pub use code_size::CodeSizeGadget;
pub use codecopy::CodeCopyGadget;
pub use common_error::{ErrorEnd, LessThan};
pub use copy_to_memory::CopyToMemory;
pub use create::{
    starts_creation, Create2Gadget, CreateArgs, CreateFacts, CreateGadget, CreateOpGadget,
    CreateOperands, CreateRws, CreationGas, NewAddress, NewAddressFacts, NewAddressParts,
};
pub use create_collision::{
    collides, CollidingCreateGadget, CollidingCreateRws, Create2CollisionGadget,
    CreateCollisionGadget,
};
pub use create_precheck_failed::{
    refuses_creation, Create2PrecheckFailedGadget, CreatePrecheckFailedGadget, RefusedCreateGadget,
    RefusedCreateRws,
};
pub use creation_end::{CreationEndGadget, ReturnCreationGadget, StopCreationGadget};
pub use dup::DupGadget;
pub use end_block::EndBlockGadget;
pub use end_tx::EndTxGadget;
pub use end_tx_delete::{EndTxClearSlotGadget, EndTxDeleteAccountGadget, AFTER_DELETION};
pub use error_code_store::ErrorCodeStoreGadget;
pub use error_invalid_creation_code::ErrorInvalidCreationCodeGadget;
pub use error_invalid_jump::ErrorInvalidJumpGadget;
pub use error_invalid_opcode::ErrorInvalidOpcodeGadget;
pub use error_oog_account_access::ErrorOogAccountAccessGadget;
pub use error_oog_call::{
    ErrorOogCallGadget, ErrorOogCallValueGadget, ErrorOogDelegateOrStaticCallGadget,
};
pub use error_oog_constant::ErrorOogConstantGadget;
pub use error_oog_copy::ErrorOogCopyGadget;
pub use error_oog_create::{ErrorInitCodeSizeLimitGadget, ErrorOogCreateGadget};
pub use error_oog_exp::ErrorOogExpGadget;
pub use error_oog_ext_code_copy::ErrorOogExtCodeCopyGadget;
pub use error_oog_keccak::ErrorOogKeccakGadget;
pub use error_oog_log::ErrorOogLogGadget;
pub use error_oog_memory::ErrorOogMemoryGadget;
pub use error_oog_return::ErrorOogReturnGadget;
pub use error_oog_self_destruct::ErrorOogSelfDestructGadget;
pub use error_oog_sload::ErrorOogSloadGadget;
pub use error_oog_sstore::ErrorOutOfGasSstoreGadget;
pub use error_return_data_oob::ErrorReturnDataOobGadget;
pub use error_stack_overflow::ErrorStackOverflowGadget;
pub use error_stack_underflow::ErrorStackUnderflowGadget;
pub use error_write_protection::ErrorWriteProtectionGadget;
pub use exp::ExpGadget;
pub use exp_chain::{exp_rounds, ExpChainCells};
pub use exp_round::{ExpRoundGadget, ExpRoundState};
pub use ext_code_copy::ExtCodeCopyGadget;
pub use ext_code_hash::ExtCodeHashGadget;
pub use ext_code_size::ExtCodeSizeGadget;
pub use gas::GasGadget;
pub use is_zero::IsZeroGadget;
pub use jump::JumpGadget;
pub use jumpdest::JumpdestGadget;
pub use jumpi::JumpiGadget;
pub use keccak::KeccakGadget;
pub use log::LogGadget;
pub use mcopy::McopyGadget;
pub use memory_expansion::{DynamicLength, Length, MemoryExpansion, QuadCost};
pub use mload::MloadGadget;
pub use msize::MsizeGadget;
pub use mstore::MstoreGadget;
pub use mstore8::Mstore8Gadget;
pub use mul_add::{assign_word_bytes, word_of_bytes, MulAddWords};
pub use mul_div_mod::MulDivModGadget;
pub use mul_mod::MulModGadget;
pub use neg_if::NegIf;
pub use not::NotGadget;
pub use opcode_select::OpcodeSelect;
pub use padding::PaddingGadget;
pub use pc::PcGadget;
pub use pop::PopGadget;
pub use push::PushGadget;
pub use restore_context::{RestoreContext, RESTORE_CONTEXT_RWS};
pub use return_revert::ReturnRevertGadget;
pub use returndatacopy::ReturnDataCopyGadget;
pub use sar::SarGadget;
pub use sdiv_smod::SdivSmodGadget;
pub use self_balance::SelfBalanceGadget;
pub use self_destruct::{SelfDestructCreationGadget, SelfDestructGadget, SelfDestructOpGadget};
pub use shift::{ShiftCore, ShiftGadget};
pub use sign_extend::SignExtendGadget;
pub use signed_cmp::{SignBit, SignedCmpGadget};
pub use sload::SloadGadget;
pub use sstore::SstoreGadget;
pub use stop::StopGadget;
pub use swap::SwapGadget;
pub use tload::TloadGadget;
pub use tstore::TstoreGadget;
pub use tx_arith::{AddNoOverflow, ByteNumber};
pub use tx_context::TxContextGadget;
pub use value_transfer::ValueTransfer;
pub use word_is_zero::WordIsZero;
pub use word_lt::WordLessThan;

use super::{
    assign::{StepRegion, WitnessIndex},
    cell::Cell,
    columns::EvmColumns,
    constraint_builder::{ConstraintBuilder, StepLayout, StepStateTransition, Transition},
};
use equivm_gadgets::Word;
use equivm_witness::{opcodes::opcode_info, ExecStep, ExecutionState, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{ConstraintSystem, Error, Expression},
};
use halo2curves::bn256::Fr;

/// The gadget of one execution state.
pub trait ExecutionGadget<F: PrimeField>: Sized {
    /// Name prefixed to the gadget's constraints.
    const NAME: &'static str;
    /// The state it proves.
    const STATE: ExecutionState;
    /// Allocates the gadget's cells and states its constraints.
    fn configure(cb: &mut ConstraintBuilder<'_, F>) -> Self;
    /// Assigns the gadget's cells for `step` (the layout assigns the step state, selector,
    /// opcode and rw rows).
    fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        witness: &Witness,
        step: &ExecStep,
    ) -> Result<(), Error>;
    /// Whether `step`, although in [`Self::STATE`], is outside what the gadget proves (the
    /// caller reports it `unsupported`). Default: never.
    fn unsupported(_step: &ExecStep, _index: &WitnessIndex) -> bool {
        false
    }
}

fn configure_one<F: PrimeField, G: ExecutionGadget<F>>(
    meta: &mut ConstraintSystem<F>,
    cols: &EvmColumns,
    layouts: &mut Vec<(ExecutionState, &'static str, StepLayout)>,
) -> G {
    let synthetic = matches!(
        G::STATE,
        ExecutionState::BeginTx
            | ExecutionState::BeginTxCreate
            | ExecutionState::BeginTxCreateCollision
            | ExecutionState::AccessListWarm
            | ExecutionState::EndTx
            | ExecutionState::EndTxClearSlot
            | ExecutionState::EndTxDeleteAccount
            | ExecutionState::EndBlock
            | ExecutionState::Padding
            | ExecutionState::ExpRound
    ) || ExecutionState::PRECOMPILES.contains(&G::STATE);
    let mut cb = ConstraintBuilder::new(meta, cols, G::NAME, G::STATE, !synthetic);
    let gadget = G::configure(&mut cb);
    layouts.push((G::STATE, G::NAME, cb.build()));
    gadget
}

/// Declares the registration list: the `Gadgets` struct, its configuration, dispatch and
/// the supported states, from one `field: Gadget` line per state.
macro_rules! gadgets {
    ($($field:ident: $gadget:ident),* $(,)?) => {
        /// Every execution gadget, configured. Each is boxed: together they hold tens of
        /// thousands of cells, too much for a worker thread's stack.
        #[derive(Clone, Debug)]
        pub struct Gadgets<F: PrimeField> { $(#[doc = stringify!($gadget)] pub $field: Box<$gadget<F>>,)* }
        impl<F: PrimeField> Gadgets<F> {
            /// Configures every gadget; returns them and each state's layout.
            pub fn configure(meta: &mut ConstraintSystem<F>, cols: &EvmColumns)
                -> (Self, Vec<(ExecutionState, &'static str, StepLayout)>) {
                let mut layouts = Vec::new();
                $(let $field = Box::new(configure_one::<F, $gadget<F>>(meta, cols, &mut layouts));)*
                (Self { $($field,)* }, layouts)
            }
            /// Assigns `step` with the gadget of its state.
            pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, witness: &Witness, step: &ExecStep)
                -> Result<(), Error> {
                $(if step.execution_state == <$gadget<F> as ExecutionGadget<F>>::STATE {
                    return self.$field.assign(region, witness, step);
                })*
                Err(Error::Synthesis)
            }
        }
        /// Whether `step` has a gadget that proves it.
        pub fn is_supported(step: &ExecStep, index: &WitnessIndex) -> bool {
            $(if step.execution_state == <$gadget<Fr> as ExecutionGadget<Fr>>::STATE {
                return !<$gadget<Fr> as ExecutionGadget<Fr>>::unsupported(step, index);
            })*
            false
        }
    };
}

gadgets! {
    begin_tx: BeginTxGadget,
    begin_tx_create: BeginTxCreateGadget,
    begin_tx_create_collision: BeginTxCreateCollisionGadget,
    access_list_warm: AccessListWarmGadget,
    end_tx: EndTxGadget,
    end_tx_clear_slot: EndTxClearSlotGadget,
    end_tx_delete_account: EndTxDeleteAccountGadget,
    end_block: EndBlockGadget,
    padding: PaddingGadget,
    stop: StopGadget,
    push: PushGadget,
    pop: PopGadget,
    dup: DupGadget,
    swap: SwapGadget,
    jumpdest: JumpdestGadget,
    add_sub: AddSubGadget,
    mul_div_mod: MulDivModGadget,
    add_mod: AddModGadget,
    mul_mod: MulModGadget,
    sdiv_smod: SdivSmodGadget,
    exp: ExpGadget,
    exp_round: ExpRoundGadget,
    sign_extend: SignExtendGadget,
    jump: JumpGadget,
    jumpi: JumpiGadget,
    pc: PcGadget,
    gas: GasGadget,
    msize: MsizeGadget,
    calldataload: CallDataLoadGadget,
    call_context: CallContextGadget,
    tx_context: TxContextGadget,
    block_ctx: BlockCtxGadget,
    self_balance: SelfBalanceGadget,
    code_size: CodeSizeGadget,
    balance: BalanceGadget,
    ext_code_size: ExtCodeSizeGadget,
    ext_code_hash: ExtCodeHashGadget,
    block_hash: BlockHashGadget,
    blob_hash: BlobHashGadget,
    calldatacopy: CallDataCopyGadget,
    codecopy: CodeCopyGadget,
    mcopy: McopyGadget,
    returndatacopy: ReturnDataCopyGadget,
    ext_code_copy: ExtCodeCopyGadget,
    keccak: KeccakGadget,
    log: LogGadget,
    is_zero: IsZeroGadget,
    cmp: CmpGadget,
    not: NotGadget,
    bitwise: BitwiseGadget,
    signed_cmp: SignedCmpGadget,
    byte: ByteGadget,
    shift: ShiftGadget,
    sar: SarGadget,
    mload: MloadGadget,
    mstore: MstoreGadget,
    mstore8: Mstore8Gadget,
    sload: SloadGadget,
    sstore: SstoreGadget,
    error_stack_underflow: ErrorStackUnderflowGadget,
    error_stack_overflow: ErrorStackOverflowGadget,
    error_oog_constant: ErrorOogConstantGadget,
    error_invalid_opcode: ErrorInvalidOpcodeGadget,
    error_invalid_jump: ErrorInvalidJumpGadget,
    error_oog_memory: ErrorOogMemoryGadget,
    error_oog_copy: ErrorOogCopyGadget,
    error_oog_log: ErrorOogLogGadget,
    error_oog_keccak: ErrorOogKeccakGadget,
    error_oog_ext_code_copy: ErrorOogExtCodeCopyGadget,
    error_oog_account_access: ErrorOogAccountAccessGadget,
    error_oog_sload: ErrorOogSloadGadget,
    error_oog_self_destruct: ErrorOogSelfDestructGadget,
    error_oog_call: ErrorOogCallValueGadget,
    error_oog_delegate_or_static_call: ErrorOogDelegateOrStaticCallGadget,
    error_oog_return: ErrorOogReturnGadget,
    error_oog_create: ErrorOogCreateGadget,
    error_init_code_size_limit: ErrorInitCodeSizeLimitGadget,
    error_code_store: ErrorCodeStoreGadget,
    error_invalid_creation_code: ErrorInvalidCreationCodeGadget,
    error_return_data_oob: ErrorReturnDataOobGadget,
    error_oog_sstore: ErrorOutOfGasSstoreGadget,
    error_oog_exp: ErrorOogExpGadget,
    error_write_protection: ErrorWriteProtectionGadget,
    tload: TloadGadget,
    tstore: TstoreGadget,
    return_revert: ReturnRevertGadget,
    call_op: CallGadget,
    delegate_or_static_call: DelegateOrStaticCallGadget,
    call_without_code: CallWithoutCodeGadget,
    delegate_or_static_call_without_code: DelegateOrStaticCallWithoutCodeGadget,
    call_precheck_failed: CallPrecheckFailedGadget,
    delegate_or_static_call_precheck_failed: DelegateOrStaticCallPrecheckFailedGadget,
    precompile_identity: PrecompileIdentityGadget,
    self_destruct: SelfDestructGadget,
    self_destruct_creation: SelfDestructCreationGadget,
    create: CreateGadget,
    create2: Create2Gadget,
    create_precheck_failed: CreatePrecheckFailedGadget,
    create2_precheck_failed: Create2PrecheckFailedGadget,
    create_collision: CreateCollisionGadget,
    create2_collision: Create2CollisionGadget,
    stop_creation: StopCreationGadget,
    return_creation: ReturnCreationGadget,
}

/// The transition of an opcode that stays in its call: `pc` advances by `pc_delta`, the
/// stack pointer by `stack_inputs - stack_outputs` and gas by `-constant_gas` (from the
/// opcode's properties), `rw_counter` by the accesses made; everything else is unchanged.
/// It also proves the step had enough gas (`gas_left - constant_gas` fits 8 bytes), and
/// that no transaction boundary follows ([`ConstraintBuilder::require_next_not_boundary`]).
/// [`SameContext::configure_dynamic`] adds a dynamic gas cost and a new memory size,
/// [`SameContext::configure_reversible`] reversible writes.
///
/// Configure it after the gadget's rw accesses.
#[derive(Clone, Debug)]
pub struct SameContext<F: PrimeField> {
    /// `gas_left - constant_gas` (minus the dynamic cost, if any), little-endian bytes.
    pub gas_after: [Cell<F>; 8],
    has_dynamic_cost: bool,
}

/// The part of a step's cost and memory change that is not in the opcode's properties.
#[derive(Clone, Debug)]
pub struct DynamicCost<F: PrimeField> {
    /// Gas charged on top of `constant_gas`.
    pub gas: Expression<F>,
    /// The memory size (in words) after the step.
    pub memory_word_size: Expression<F>,
}

/// What a step that stays in its call changes besides gas and memory: reversible writes
/// made (for the journal), the tx refund counter and the tx's log count.
#[derive(Clone, Debug)]
pub struct SideEffects<F: PrimeField> {
    /// Reversible writes the step made (`reversible_write_counter` delta).
    pub reversible_writes: Expression<F>,
    /// The refund counter's transition.
    pub refund: Transition<Expression<F>>,
    /// Logs the step added to its tx (`log_id` delta).
    pub logs: Expression<F>,
}

impl<F: PrimeField> SideEffects<F> {
    /// No reversible write, refund unchanged.
    pub fn none() -> Self {
        Self {
            reversible_writes: Expression::Constant(F::ZERO),
            refund: Transition::Same,
            logs: Expression::Constant(F::ZERO),
        }
    }
}

impl<F: PrimeField> SameContext<F> {
    /// States the transition (see the type's docs).
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>, pc_delta: Expression<F>) -> Self {
        Self::configure_with(cb, pc_delta, None, SideEffects::none())
    }

    /// The transition with an optional dynamic cost and the step's [`SideEffects`].
    pub fn configure_with_effects(
        cb: &mut ConstraintBuilder<'_, F>,
        pc_delta: Expression<F>,
        dynamic: Option<DynamicCost<F>>,
        effects: SideEffects<F>,
    ) -> Self {
        Self::configure_with(cb, pc_delta, dynamic, effects)
    }

    /// The transition with `dynamic.gas` charged on top of `constant_gas` (and covered by
    /// the enough-gas check) and the memory size set to `dynamic.memory_word_size`.
    pub fn configure_dynamic(
        cb: &mut ConstraintBuilder<'_, F>,
        pc_delta: Expression<F>,
        dynamic: DynamicCost<F>,
    ) -> Self {
        Self::configure_with(cb, pc_delta, Some(dynamic), SideEffects::none())
    }

    /// The transition with `reversible_writes` more reversible writes in the call (writes
    /// its frame must undo if it reverts).
    pub fn configure_reversible(
        cb: &mut ConstraintBuilder<'_, F>,
        pc_delta: Expression<F>,
        reversible_writes: Expression<F>,
    ) -> Self {
        Self::configure_with(
            cb,
            pc_delta,
            None,
            SideEffects {
                reversible_writes,
                ..SideEffects::none()
            },
        )
    }

    fn configure_with(
        cb: &mut ConstraintBuilder<'_, F>,
        pc_delta: Expression<F>,
        dynamic: Option<DynamicCost<F>>,
        effects: SideEffects<F>,
    ) -> Self {
        let props = cb.props();
        let has_dynamic_cost = dynamic.is_some();
        let (gas_after, dynamic_gas, memory_word_size) = match dynamic {
            None => (
                cb.gas_left_check(),
                Expression::Constant(F::ZERO),
                Transition::Same,
            ),
            Some(d) => {
                let bytes = cb.query_bytes::<8>();
                let exprs: Vec<_> = bytes.iter().map(Cell::expr).collect();
                cb.require_equal(
                    "gas_left - constant_gas - dynamic_gas = Σ byte_i·256^i (enough gas)",
                    cb.step().gas_left - props.constant_gas.clone() - d.gas.clone(),
                    equivm_gadgets::util::expr_from_le_bytes(&exprs),
                );
                (bytes, d.gas, Transition::To(d.memory_word_size))
            }
        };
        // The call goes on: no transaction boundary next.
        cb.require_next_not_boundary();
        cb.require_step_state_transition(StepStateTransition {
            rw_counter: Transition::Delta(cb.rw_counter_delta()),
            call_id: Transition::Same,
            is_root: Transition::Same,
            is_create: Transition::Same,
            code_hash: Transition::Same,
            program_counter: Transition::Delta(pc_delta),
            stack_pointer: Transition::Delta(props.stack_inputs - props.stack_outputs),
            gas_left: Transition::Delta(
                Expression::Constant(F::ZERO) - props.constant_gas - dynamic_gas,
            ),
            memory_word_size,
            reversible_write_counter: Transition::Delta(effects.reversible_writes),
            log_id: Transition::Delta(effects.logs),
            tx_id: Transition::Same,
            refund: effects.refund,
            is_persistent: Transition::Same,
            rw_counter_end_of_reversion: Transition::Same,
        });
        Self {
            gas_after,
            has_dynamic_cost,
        }
    }

    /// Assigns the gas bytes of `step` (with a dynamic cost: `gas_left - gas_cost`).
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, step: &ExecStep) -> Result<(), Error> {
        if !self.has_dynamic_cost {
            return assign_gas_after(&self.gas_after, region, step);
        }
        let after = step
            .gas_left
            .checked_sub(step.gas_cost)
            .ok_or(Error::Synthesis)?;
        for (cell, byte) in self.gas_after.iter().zip(after.to_le_bytes()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        Ok(())
    }
}

/// Assigns `gas_left - constant_gas` of `step` into 8 byte cells; an error if the step could
/// not pay (such a step is an out-of-gas error state, not this one).
pub fn assign_gas_after<F: PrimeField>(
    bytes: &[Cell<F>; 8],
    region: &mut StepRegion<'_, '_, F>,
    step: &ExecStep,
) -> Result<(), Error> {
    let opcode = step.opcode.ok_or(Error::Synthesis)?;
    let after = step
        .gas_left
        .checked_sub(opcode_info(opcode).constant_gas)
        .ok_or(Error::Synthesis)?;
    for (cell, byte) in bytes.iter().zip(after.to_le_bytes()) {
        cell.assign(region, F::from(u64::from(byte)))?;
    }
    Ok(())
}

/// The rw values of `step`, as field words, in access order.
pub fn rw_values<F: PrimeField>(witness: &Witness, step: &ExecStep) -> Vec<Word<F>> {
    witness
        .step_rws(step)
        .iter()
        .map(|rw| super::assign::word_of(rw.value))
        .collect()
}

#[cfg(test)]
mod reversion_tests;
#[cfg(test)]
pub(crate) mod test_util;
