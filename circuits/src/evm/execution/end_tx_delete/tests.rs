use super::super::test_util::*;
use super::{EndTxClearSlotGadget, EndTxDeleteAccountGadget};
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{
    program::{Program, CONTRACT},
    revm::primitives::{Address, KECCAK_EMPTY, U256},
};
use equivm_witness::{AccountField, ExecutionState, RwField, RwTag, Witness};
use halo2curves::bn256::Fr;

/// A contract in the pre-state: CALLs the address in its call data, then REVERTs.
const PROXY: Address = Address::repeat_byte(0xcc);

/// Init code: `SSTORE(0, 1)`, `SSTORE(1, 2)`, then return the runtime code `runtime`
/// (two bytes).
fn init_with_slots(runtime: [u8; 2]) -> Vec<u8> {
    let mut init = vec![0x60, 0x01, 0x5f, 0x55, 0x60, 0x02, 0x60, 0x01, 0x55];
    init.extend([
        0x61, runtime[0], runtime[1], 0x5f, 0x52, 0x60, 0x02, 0x60, 0x1e, 0xf3,
    ]);
    init
}

/// After a CREATE (its address on the stack): CALL it with no value and no data, STOP.
const CALL_IT: [u8; 9] = [0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x85, 0x5a, 0xf1, 0x00];

fn run(program: Program) -> Witness {
    equivm_witness::build_witness(&program.trace().trace).expect("witness builds")
}

/// The root creates a contract (sending it `value`) whose init code sets two slots and
/// whose code is `runtime`, then calls it.
fn created_then_called(runtime: [u8; 2], value: u8) -> Witness {
    let code = creator_code(&init_with_slots(runtime), value, None, &CALL_IT);
    run(Program::new(code).contract_nonce(1))
}

fn states_after_end_tx(w: &Witness) -> Vec<ExecutionState> {
    let end = nth_step(w, ExecutionState::EndTx, 0);
    w.steps[end + 1..]
        .iter()
        .map(|s| s.execution_state)
        .collect()
}

/// Removes step `i` and its accesses, moving every later counter down.
fn drop_step(w: &mut Witness, i: usize) {
    let s = w.steps.remove(i);
    let (start, n) = (s.rw_counter, s.rw_count);
    w.rws
        .retain(|r| r.rw_counter < start || r.rw_counter >= start + n);
    for r in &mut w.rws {
        if r.rw_counter >= start + n {
            r.rw_counter -= n;
        }
    }
    for later in &mut w.steps[i..] {
        later.rw_counter -= n;
    }
}

fn rw(step: usize, access: usize, field: &'static str, value: u64) -> Override<Fr> {
    Override::Rw {
        step,
        access,
        field,
        value: Fr::from(value),
    }
}

/// The deletion steps alone (after `EndTx`), with `EndBlock`.
fn deletions(w: &Witness) -> EvmCircuit {
    let end = nth_step(w, ExecutionState::EndTx, 0);
    slice(w, end + 1..w.steps.len())
}

#[test]
fn a_created_account_that_self_destructs_is_deleted_after_end_tx() {
    // `ADDRESS SELFDESTRUCT`: the contract names itself, created in this tx (EIP-6780).
    let w = created_then_called([0x30, 0xff], 0);
    use ExecutionState::*;
    assert_eq!(
        states_after_end_tx(&w),
        vec![EndTxClearSlot, EndTxClearSlot, EndTxDeleteAccount, EndBlock]
    );
    let created = CONTRACT.create(1);
    let i = nth_step(&w, EndTxDeleteAccount, 0);
    let rws = w.step_rws(&w.steps[i]);
    assert!(rws.iter().all(|r| r.address == created));
    assert_eq!(
        (rws[0].index, rws[0].value_prev, rws[0].value),
        (1, U256::from(2), U256::from(3))
    );
    assert_eq!((rws[1].index, rws[1].value), (2, U256::ZERO));
    assert_eq!(rws[4].field, RwField::Account(AccountField::CodeHash));
    assert_eq!(rws[4].value, U256::from_be_bytes(KECCAK_EMPTY.0));
    let clear = w.step_rws(&w.steps[nth_step(&w, EndTxClearSlot, 1)]);
    assert_eq!(
        (clear[1].tag, clear[1].key),
        (RwTag::Storage, U256::from(1))
    );
    assert_eq!(
        (clear[1].value_prev, clear[1].value),
        (U256::from(2), U256::ZERO)
    );
    assert_eq!(
        (clear[2].value_prev, clear[2].value),
        (U256::from(1), U256::ZERO)
    );
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn a_created_account_sending_its_balance_elsewhere_is_deleted() {
    // `CALLER SELFDESTRUCT` with 7 wei: the creator gets them back; the two slots the init
    // code set are cleared.
    let w = created_then_called([0x33, 0xff], 7);
    let d = nth_step(&w, ExecutionState::SelfDestruct, 0);
    let rws = w.step_rws(&w.steps[d]);
    assert_eq!(rws[8].value_prev, U256::from(7));
    assert_eq!(rws[9].address, CONTRACT);
    assert_eq!(
        (rws[10].value_prev, rws[10].value),
        (U256::from(1), U256::from(2))
    );
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn tampered_deletion_steps_are_rejected() {
    let w = created_then_called([0x30, 0xff], 0);
    let c = deletions(&w);
    assert_eq!(verify(&c, vec![]), Ok(()));
    let cases = [
        (
            rw(0, 0, "value_lo", 1),
            "END_TX_CLEAR_SLOT: created flag = 2 (pending deletion)",
        ),
        (rw(0, 1, "value_lo", 5), "END_TX_CLEAR_SLOT: slot written 0"),
        (
            rw(0, 1, "committed_value_lo", 2),
            "END_TX_CLEAR_SLOT: the slot was 0 when the transaction began",
        ),
        (
            rw(0, 2, "value_lo", 2),
            "END_TX_CLEAR_SLOT: slot count: value = value_prev - 1",
        ),
        (
            rw(2, 0, "value_lo", 2),
            "END_TX_DELETE_ACCOUNT: created flag = 3 (deleted)",
        ),
        (
            rw(2, 0, "value_prev_lo", 1),
            "END_TX_DELETE_ACCOUNT: created flag before = 2",
        ),
        (
            rw(2, 1, "value_lo", 1),
            "END_TX_DELETE_ACCOUNT: slot count = 0",
        ),
        (
            rw(2, 2, "value_lo", 1),
            "END_TX_DELETE_ACCOUNT: nonce written 0",
        ),
        (
            rw(2, 3, "value_lo", 9),
            "END_TX_DELETE_ACCOUNT: balance written 0",
        ),
        (
            rw(2, 4, "value_lo", 0),
            "END_TX_DELETE_ACCOUNT: code hash written empty",
        ),
    ];
    for (o, needle) in cases {
        assert_rejected(verify(&c, vec![o]), needle);
    }
    // No call runs: the step state is pinned.
    for (step, field, value, needle) in [
        (0, "gas_left", 1, "END_TX_CLEAR_SLOT: gas_left = 0"),
        (1, "program_counter", 1, "END_TX_CLEAR_SLOT: pc = 0"),
        (
            2,
            "stack_pointer",
            1023,
            "END_TX_DELETE_ACCOUNT: stack_pointer = 1024",
        ),
        (
            2,
            "memory_word_size",
            1,
            "END_TX_DELETE_ACCOUNT: memory_word_size = 0",
        ),
        (
            2,
            "reversible_write_counter",
            1,
            "END_TX_DELETE_ACCOUNT: reversible_write_counter = 0",
        ),
    ] {
        let o = Override::StepState {
            step,
            field,
            value: Fr::from(value),
        };
        assert_rejected(verify(&c, vec![o]), needle);
    }
    // A slot that was already 0 cannot be cleared (to lower the count without a slot).
    let clear: EndTxClearSlotGadget<Fr> = (*config().gadgets.end_tx_clear_slot).clone();
    let texts = failure_texts(verify(
        &c,
        vec![
            rw(0, 1, "value_prev_lo", 0),
            cell(0, &clear.inv[0], 0),
            cell(0, &clear.inv[1], 0),
        ],
    ));
    assert!(
        texts.iter().any(|t| t.contains("the slot was not 0")),
        "{texts:#?}"
    );
    // The deletion names the account whose flag it reads: another address has no flag.
    let delete: EndTxDeleteAccountGadget<Fr> = (*config().gadgets.end_tx_delete_account).clone();
    assert_rejected(
        verify(&c, vec![cell(2, &delete.address, 0x1234)]),
        "END_TX_DELETE_ACCOUNT",
    );
}

#[test]
fn an_account_left_pending_is_refused_by_the_state_circuit() {
    // Without its deletion, the block would prove a post-state that still holds the
    // account: the EVM circuit allows EndTx → EndBlock, the state circuit does not.
    let mut w = created_then_called([0x30, 0xff], 0);
    let end = nth_step(&w, ExecutionState::EndTx, 0);
    while w.steps[end + 1].execution_state != ExecutionState::EndBlock {
        drop_step(&mut w, end + 1);
    }
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    assert_rejected(
        super_circuit_verdict(w),
        "a created flag does not end the block pending",
    );
}

#[test]
fn a_slot_left_set_is_refused() {
    // Drop the first clearing step and make the rest agree with the log: the deletion then
    // reads a count of 1.
    let mut w = created_then_called([0x30, 0xff], 0);
    let first = nth_step(&w, ExecutionState::EndTxClearSlot, 0);
    drop_step(&mut w, first);
    let next = w.steps[first].rw_counter as usize;
    // The remaining clear goes 2 → 1, the deletion reads 1.
    w.rws[next + 1].value_prev = U256::from(2);
    w.rws[next + 1].value = U256::from(1);
    let delete = w.steps[first + 1].rw_counter as usize;
    w.rws[delete].value_prev = U256::from(1);
    w.rws[delete].value = U256::from(1);
    assert_rejected(
        super_circuit_verdict(w),
        "END_TX_DELETE_ACCOUNT: slot count = 0 (every slot cleared)",
    );
}

#[test]
fn sstore_counts_the_slots_of_a_created_account() {
    let w = created_then_called([0x30, 0xff], 0);
    // The init code's two SSTOREs: flag 1, count 0 → 1 → 2.
    for (n, count) in [(0, 1u64), (1, 2)] {
        let i = nth_step(&w, ExecutionState::Sstore, n);
        let rws = w.step_rws(&w.steps[i]);
        assert_eq!((rws[8].index, rws[8].value), (1, U256::from(1)));
        assert_eq!((rws[9].index, rws[9].value), (2, U256::from(count)));
        let c = slice(&w, i..i + 2);
        assert_rejected(
            verify(&c, vec![rw(0, 9, "value_lo", count + 1)]),
            "SSTORE: slot count: value = value_prev + created·(cz - nz)",
        );
        let sstore = config().gadgets.sstore.clone();
        assert_rejected(
            verify(&c, vec![cell(0, &sstore.created, 0)]),
            "SSTORE: 2·created = f·(3 - f)",
        );
    }
    // An account not created in the tx counts nothing.
    let w = witness_of(vec![0x60, 0x01, 0x5f, 0x55, 0x00]);
    let i = nth_step(&w, ExecutionState::Sstore, 0);
    let rws = w.step_rws(&w.steps[i]);
    assert_eq!((rws[8].value, rws[9].value), (U256::ZERO, U256::ZERO));
    let c = slice(&w, i..w.steps.len());
    assert_eq!(verify(&c, vec![]), Ok(()));
    let sstore = config().gadgets.sstore.clone();
    assert_rejected(
        verify(
            &c,
            vec![cell(0, &sstore.created, 1), rw(0, 9, "value_lo", 1)],
        ),
        "SSTORE: 2·created = f·(3 - f)",
    );
}

#[test]
fn a_reverted_self_destruct_deletes_nothing() {
    // The root creates the contract, then calls PROXY with its address; PROXY calls it
    // (it self-destructs: flag 1 → 2) and reverts (flag back to 1).
    let mut after = vec![0x5f, 0x52, 0x5f, 0x5f, 0x60, 0x20, 0x5f, 0x5f, 0x73];
    after.extend_from_slice(PROXY.as_slice());
    after.extend([0x5a, 0xf1, 0x00]);
    let code = creator_code(&init_with_slots([0x30, 0xff]), 0, None, &after);
    let proxy = vec![
        0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x35, 0x5a, 0xf1, 0x5f, 0x5f, 0xfd,
    ];
    let w = run(Program::new(code)
        .contract_nonce(1)
        .with_account(PROXY, proxy));
    assert_eq!(states_after_end_tx(&w), vec![ExecutionState::EndBlock]);
    let d = nth_step(&w, ExecutionState::SelfDestruct, 0);
    assert_eq!(w.step_rws(&w.steps[d])[10].value, U256::from(2));
    let flags: Vec<U256> = w
        .rws
        .iter()
        .filter(|r| r.tag == RwTag::TxAccessListAccount && r.index == 1)
        .map(|r| r.value)
        .collect();
    assert_eq!(flags.last(), Some(&U256::from(1)));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn init_code_that_self_destructs_ends_the_creation_and_is_deleted() {
    // Init code `SSTORE(0, 1) ADDRESS SELFDESTRUCT` with 3 wei: the creation ends depositing
    // empty code, the account (created in this tx) is marked, its slot cleared and it is
    // deleted after EndTx; the creator goes on.
    let init = [0x60, 0x01, 0x5f, 0x55, 0x30, 0xff];
    let w = run(Program::new(creator_code(&init, 3, None, &[0x00])).contract_nonce(1));
    let i = nth_step(&w, ExecutionState::SelfDestructCreation, 0);
    let rws = w.step_rws(&w.steps[i]);
    assert_eq!(
        (rws[10].value_prev, rws[10].value),
        (U256::from(1), U256::from(2))
    );
    assert_eq!(rws[13].field, RwField::Account(AccountField::CodeHash));
    assert_eq!(rws[13].value, U256::from_be_bytes(KECCAK_EMPTY.0));
    use ExecutionState::*;
    assert_eq!(
        states_after_end_tx(&w),
        vec![EndTxClearSlot, EndTxDeleteAccount, EndBlock]
    );
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    let c = slice(&w, i..i + 2);
    assert_rejected(
        verify(&c, vec![rw(0, 13, "value_lo", 5)]),
        "SELFDESTRUCT_CREATION: the creation deposits empty code",
    );
    assert_rejected(
        verify(&c, vec![rw(0, 10, "value_lo", 0)]),
        "SELFDESTRUCT_CREATION: created flag: value = 2·created (pending deletion)",
    );
    let kept = w.steps[i + 1].reversible_write_counter;
    assert_rejected(
        verify(
            &c,
            vec![Override::StepState {
                step: 1,
                field: "reversible_write_counter",
                value: Fr::from(kept - 1),
            }],
        ),
        "SELFDESTRUCT_CREATION",
    );
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn a_creation_transaction_that_self_destructs_is_deleted() {
    // The transaction's own init code sets a slot and self-destructs to itself.
    let init = vec![0x60, 0x01, 0x5f, 0x55, 0x30, 0xff];
    let w = run(Program::new(init).create().value(9));
    nth_step(&w, ExecutionState::SelfDestructCreation, 0);
    use ExecutionState::*;
    assert_eq!(
        states_after_end_tx(&w),
        vec![EndTxClearSlot, EndTxDeleteAccount, EndBlock]
    );
    assert_eq!(super_circuit_verdict(w), Ok(()));
}
