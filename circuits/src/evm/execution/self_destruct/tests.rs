use super::super::test_util::*;
use super::{SelfDestructGadget, SELF_DESTRUCT_OWN_RWS};
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{
    program::{Program, CONTRACT},
    revm::primitives::{Address, U256},
};
use equivm_witness::{AccountField, ExecutionState, RwField, RwTag, Witness};
use halo2curves::bn256::Fr;

/// An account that does not exist before the test.
const BENEFICIARY: Address = Address::repeat_byte(0xbe);
/// A contract in the pre-state, called by the root call.
const CALLEE: Address = Address::repeat_byte(0xcc);

/// `PUSH20 to SELFDESTRUCT`.
fn destruct_to(to: Address) -> Vec<u8> {
    let mut code = vec![0x73];
    code.extend_from_slice(to.as_slice());
    code.push(0xff);
    code
}

/// CALLs `CALLEE` with no value, 0xffff gas and `args` bytes of (zero) call data.
fn call_callee(args: u8) -> Vec<u8> {
    let mut code = vec![0x5f, 0x5f, 0x60, args, 0x5f, 0x5f, 0x73];
    code.extend_from_slice(CALLEE.as_slice());
    code.extend_from_slice(&[0x61, 0xff, 0xff, 0xf1, 0x50]);
    code
}

fn run(program: Program) -> Witness {
    equivm_witness::build_witness(&program.trace().trace).expect("witness builds")
}

/// The root call self-destructs to `to`.
fn root(to: Address) -> Witness {
    run(Program::new(destruct_to(to)).with_account(CALLEE, vec![0x00]))
}

/// The root call calls `CALLEE`, which self-destructs to `BENEFICIARY`, and then ends with
/// `end`.
fn nested(end: &[u8]) -> Witness {
    let mut code = call_callee(0);
    code.extend_from_slice(end);
    run(Program::new(code).with_account(CALLEE, destruct_to(BENEFICIARY)))
}

fn gadget() -> SelfDestructGadget<Fr> {
    (*config().gadgets.self_destruct).clone()
}

fn destruct_step(w: &Witness, n: usize) -> usize {
    nth_step(w, ExecutionState::SelfDestruct, n)
}

/// The SELFDESTRUCT step, alone with the steps that end the tx (root) or the caller's next
/// step.
fn around(w: &Witness, n: usize) -> EvmCircuit {
    let i = destruct_step(w, n);
    slice(w, i..i + 2)
}

fn rw(access: usize, field: &'static str, value: Fr) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value,
    }
}

fn next(field: &'static str, value: Fr) -> Override<Fr> {
    Override::StepState {
        step: 1,
        field,
        value,
    }
}

#[test]
fn sending_to_a_new_account_pays_for_it() {
    let w = root(BENEFICIARY);
    let i = destruct_step(&w, 0);
    // 5000, cold (2600), a balance into an empty account (25000).
    assert_eq!(w.steps[i].gas_cost, 32_600);
    let rws = w.step_rws(&w.steps[i]);
    assert_eq!(rws[9].value, U256::from(1_000_000u64));
    assert_eq!(rws[8].value, U256::ZERO);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn sending_to_an_existing_cold_account_and_to_itself() {
    let w = root(CALLEE);
    assert_eq!(w.steps[destruct_step(&w, 0)].gas_cost, 7_600);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    // The contract itself is warm and keeps its balance: debited, then credited back.
    let w = root(CONTRACT);
    let i = destruct_step(&w, 0);
    assert_eq!(w.steps[i].gas_cost, 5_000);
    let rws = w.step_rws(&w.steps[i]);
    assert_eq!(rws[9].value_prev, U256::ZERO);
    assert_eq!(rws[9].value, U256::from(1_000_000u64));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn an_empty_balance_pays_for_no_new_account() {
    // The callee sends its balance to BENEFICIARY + call data size: first to BENEFICIARY,
    // then (empty by now) to the next, still empty address.
    let mut callee = vec![0x36, 0x73];
    callee.extend_from_slice(BENEFICIARY.as_slice());
    callee.extend_from_slice(&[0x01, 0xff]);
    let mut code = call_callee(0);
    code.extend(call_callee(1));
    code.push(0x00);
    let w = run(Program::new(code).with_account(CALLEE, callee));
    let costs: Vec<u64> = (0..2)
        .map(|n| w.steps[destruct_step(&w, n)].gas_cost)
        .collect();
    assert_eq!(costs, vec![32_600, 7_600]);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    let g = gadget();
    assert_rejected(
        verify(&around(&w, 1), vec![cell(0, &g.new_account.new_account, 1)]),
        "SELFDESTRUCT: new_account = [sent ≠ 0]·empty",
    );
}

#[test]
fn a_callee_hands_its_gas_and_writes_back() {
    let w = nested(&[0x00]);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    let i = destruct_step(&w, 0);
    let back = w.steps[i + 1].gas_left;
    assert_rejected(
        verify(&around(&w, 0), vec![next("gas_left", Fr::from(back + 1))]),
        "SELFDESTRUCT",
    );
    let kept = w.steps[i + 1].reversible_write_counter;
    assert_rejected(
        verify(
            &around(&w, 0),
            vec![next("reversible_write_counter", Fr::from(kept - 1))],
        ),
        "SELFDESTRUCT",
    );
}

#[test]
fn a_reverted_caller_undoes_the_transfer() {
    // The caller reverts after the callee self-destructed: the warm mark and both balance
    // writes are undone at the end of the root call.
    let w = nested(&[0x5f, 0x5f, 0xfd]);
    let i = destruct_step(&w, 0);
    assert_eq!(w.steps[i].execution_state, ExecutionState::SelfDestruct);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    // The credit's undo is looked up: a credit of another value has no matching undo.
    let credit = w.step_rws(&w.steps[i])[9].value;
    let o = Override::Rw {
        step: i,
        access: 9,
        field: "value_lo",
        value: Fr::from(credit.to::<u64>() + 1),
    };
    let texts = failure_texts(verify(&whole(&w), vec![o]));
    assert!(
        texts.iter().any(|t| t.contains("undo")),
        "no undo failure: {texts:#?}"
    );
}

#[test]
fn the_accesses_are_the_ones_named() {
    let w = root(BENEFICIARY);
    let i = destruct_step(&w, 0);
    let rws = w.step_rws(&w.steps[i]);
    let tags: Vec<RwTag> = rws.iter().map(|r| r.tag).collect();
    assert_eq!(tags[0], RwTag::Stack);
    assert_eq!(tags[2], RwTag::TxAccessListAccount);
    assert!(tags[5..10].iter().all(|t| *t == RwTag::Account));
    assert_eq!(tags[10], RwTag::TxAccessListAccount);
    assert_eq!((rws[10].index, rws[10].value), (1, U256::ZERO));
    assert_eq!(rws[8].field, RwField::Account(AccountField::Balance));
    assert_eq!(rws[9].field, RwField::Account(AccountField::Balance));
    assert_eq!(rws.len(), SELF_DESTRUCT_OWN_RWS + 1);
}

#[test]
fn tampered_values_are_rejected() {
    let w = root(BENEFICIARY);
    let c = around(&w, 0);
    assert_rejected(
        verify(&c, vec![rw(8, "value_lo", Fr::from(1))]),
        "SELFDESTRUCT: the contract's balance is written 0 (lo)",
    );
    assert_rejected(
        verify(&c, vec![rw(9, "value_lo", Fr::from(999_999))]),
        "SELFDESTRUCT: beneficiary balance_prev + sent·(1 - burn) = balance (lo)",
    );
    assert_rejected(
        verify(&c, vec![rw(3, "value_lo", Fr::from(1))]),
        "SELFDESTRUCT: IsStatic = 0 (lo)",
    );
    assert_rejected(
        verify(&c, vec![rw(11, "value_lo", Fr::from(0))]),
        "SELFDESTRUCT: call's IsSuccess = 1 (lo)",
    );
    // The credit goes to the popped address.
    assert_rejected(
        verify(&c, vec![rw(9, "address", Fr::from(0x1234))]),
        "SELFDESTRUCT: account write #9: rw.address",
    );
    // A warm beneficiary would pay 2600 less.
    assert_rejected(
        verify(&c, vec![rw(2, "value_prev_lo", Fr::from(1))]),
        "SELFDESTRUCT",
    );
    // The gas left to EndTx is what the step did not spend.
    let after = w.steps[destruct_step(&w, 0) + 1].gas_left;
    assert_rejected(
        verify(&c, vec![next("gas_left", Fr::from(after + 25_000))]),
        "SELFDESTRUCT",
    );
}

#[test]
fn the_beneficiary_emptiness_is_read() {
    let w = root(BENEFICIARY);
    let c = around(&w, 0);
    // A nonce, code or balance makes the account non-empty: the cells assigned for an
    // empty one no longer hold.
    for (access, field) in [(5, "value_lo"), (6, "value_lo"), (7, "value_lo")] {
        let texts = failure_texts(verify(&c, vec![rw(access, field, Fr::from(3))]));
        assert!(
            texts.iter().any(|t| t.contains("is zero")),
            "rw {access}: {texts:#?}"
        );
    }
    let g = gadget();
    assert_rejected(
        verify(&c, vec![cell(0, &g.new_account.new_account, 0)]),
        "SELFDESTRUCT: new_account = [sent ≠ 0]·empty",
    );
}

#[test]
fn a_static_call_is_another_state() {
    // In a static call SELFDESTRUCT is ErrorWriteProtection, never this state.
    let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    code.extend_from_slice(CALLEE.as_slice());
    code.extend_from_slice(&[0x61, 0xff, 0xff, 0xfa, 0x00]);
    let w = run(Program::new(code).with_account(CALLEE, destruct_to(BENEFICIARY)));
    assert!(w
        .steps
        .iter()
        .all(|s| s.execution_state != ExecutionState::SelfDestruct));
    nth_step(&w, ExecutionState::ErrorWriteProtection, 0);
}

#[test]
fn a_contract_created_in_the_transaction_is_marked_for_deletion() {
    // The root CREATEs a contract (with 5 wei) whose code is `ADDRESS SELFDESTRUCT`, then
    // CALLs it: the contract was created in this tx, so its flag goes 1 → 2 (pending
    // deletion, EIP-6780) and, naming itself, its balance is burnt.
    let init = [0x61, 0x30, 0xff, 0x5f, 0x52, 0x60, 0x02, 0x60, 0x1e, 0xf3];
    let call_it = [0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x85, 0x5a, 0xf1, 0x00];
    let w = run(Program::new(creator_code(&init, 5, None, &call_it)).contract_nonce(1));
    let i = destruct_step(&w, 0);
    let rws = w.step_rws(&w.steps[i]);
    assert_eq!(
        (rws[8].value_prev, rws[8].value),
        (U256::from(5), U256::ZERO)
    );
    assert_eq!((rws[9].value_prev, rws[9].value), (U256::ZERO, U256::ZERO));
    assert_eq!((rws[10].index, rws[10].value_prev), (1, U256::from(1)));
    assert_eq!(rws[10].value, U256::from(2));
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
    let g = gadget();
    let c = slice(&w, i..i + 2);
    // Credited back instead of burnt.
    assert_rejected(
        verify(
            &c,
            vec![cell(0, &g.burn, 0), rw(9, "value_lo", Fr::from(5))],
        ),
        "SELFDESTRUCT: burn = created·same",
    );
    assert_rejected(
        verify(&c, vec![cell(0, &g.created, 0), cell(0, &g.burn, 0)]),
        "SELFDESTRUCT: 2·created = f·(3 - f)",
    );
    // Not marked: the deletion would not be owed.
    assert_rejected(
        verify(&c, vec![rw(10, "value_lo", Fr::from(1))]),
        "SELFDESTRUCT: created flag: value = 2·created (pending deletion)",
    );
    // A contract not created in this tx is not marked, nor claimed created.
    let w = root(BENEFICIARY);
    assert_rejected(
        verify(&around(&w, 0), vec![rw(10, "value_lo", Fr::from(2))]),
        "SELFDESTRUCT: created flag: value = 2·created (pending deletion)",
    );
    assert_rejected(
        verify(&around(&w, 0), vec![cell(0, &gadget().created, 1)]),
        "SELFDESTRUCT: 2·created = f·(3 - f)",
    );
}
