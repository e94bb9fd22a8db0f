use crate::evm::assign::Override;
use crate::evm::execution::test_util::*;
use crate::evm::EvmCircuit;
use equivm_trace::{program::Program, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2curves::bn256::Fr;

/// Init code that deploys the one byte 0x01: `MSTORE8(0, 1)`, `RETURN(0, 1)`.
const DEPLOY: [u8; 10] = [0x60, 0x01, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3];
/// Init code that reverts: `REVERT(0, 0)`.
const REVERT: [u8; 5] = [0x60, 0x00, 0x60, 0x00, 0xfd];

fn run(program: Program) -> Witness {
    equivm_witness::build_witness(&program.trace().trace).expect("witness builds")
}

/// The BeginTxCreate step and the init code's first step.
fn begin(w: &Witness) -> EvmCircuit {
    let i = nth_step(w, ExecutionState::BeginTxCreate, 0);
    slice(w, i..i + 2)
}

fn rw(access: usize, field: &'static str, value: u64) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value: Fr::from(value),
    }
}

fn next(field: &'static str, value: u64) -> Override<Fr> {
    Override::StepState {
        step: 1,
        field,
        value: Fr::from(value),
    }
}

fn supported_block(w: &Witness) {
    assert_eq!(EvmCircuit::unsupported_steps(w), vec![]);
    assert_eq!(verify_block(w, vec![]), Ok(()));
}

#[test]
fn creation_transactions_pass() {
    // A deposit, with and without value; an INVALID (all gas consumed, the new account
    // undone); a REVERT; empty init code (the implicit STOP deposits nothing).
    for program in [
        Program::new(DEPLOY.to_vec()).create(),
        Program::new(DEPLOY.to_vec()).create().value(7),
        Program::new(vec![0xfe]).create().value(3),
        Program::new(REVERT.to_vec()).create().value(3),
        Program::new(vec![]).create(),
    ] {
        let w = run(program);
        let begin = nth_step(&w, ExecutionState::BeginTxCreate, 0);
        let value = u64::from(!w.txs[0].tx.value.is_zero());
        assert_eq!(w.steps[begin].rw_count, 36 + 3 * value);
        supported_block(&w);
    }
}

#[test]
fn second_creation_uses_the_bumped_nonce() {
    // Two creations in one block: the second sender nonce is 1 (its RLP is one byte).
    let w = equivm_witness::build_witness(
        &Program::new(DEPLOY.to_vec())
            .create()
            .trace_repeated(2)
            .trace,
    )
    .expect("witness builds");
    assert_eq!(w.txs.len(), 2);
    assert_eq!(w.txs[1].tx.nonce, 1);
    supported_block(&w);
}

#[test]
fn creation_transaction_passes_the_super_circuit() {
    // The init code is copied from the tx's data into the bytecode table (copy circuit),
    // and its hash and the address's preimage are proved (bytecode and keccak circuits).
    let w = run(Program::new(DEPLOY.to_vec()).create().value(7));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn the_new_address_is_derived() {
    let c = begin(&run(Program::new(DEPLOY.to_vec()).create()));
    let address = c.witness.rws[21].value;
    assert!(!address.is_zero());
    let lo = (address & U256::from(u128::MAX)).to::<u128>();
    let o = Override::Rw {
        step: 0,
        access: 21,
        field: "value_lo",
        value: Fr::from_u128(lo ^ 1),
    };
    assert_rejected(verify(&c, vec![o]), "call context CalleeAddress");
}

#[test]
fn a_collision_is_refused() {
    let c = begin(&run(Program::new(DEPLOY.to_vec()).create()));
    assert_rejected(
        verify(&c, vec![rw(16, "value_lo", 5)]),
        "the new address has no code",
    );
    assert_rejected(
        verify(&c, vec![rw(34, "value_prev_lo", 1)]),
        "new account nonce was 0 (no collision)",
    );
    assert_rejected(verify(&c, vec![rw(35, "value_lo", 0)]), "created flag = 1");
}

#[test]
fn the_init_code_is_the_tx_data() {
    let c = begin(&run(Program::new(DEPLOY.to_vec()).create()));
    let g = &config().gadgets.begin_tx_create;
    let t = g.creation.as_ref().expect("a creation");
    // Another init hash: the copy from the tx's data and the context's CodeHash disagree.
    let texts = failure_texts(verify(&c, vec![cell(0, &t.init_hash[0], 1)]));
    assert!(texts.iter().any(|t| t.contains("copy")), "{texts:#?}");
    assert!(texts.iter().any(|t| t.contains("CodeHash")), "{texts:#?}");
    // The init code reads no call data.
    assert_rejected(
        verify(&c, vec![rw(23, "value_lo", 10)]),
        "call context CallDataLength",
    );
}

#[test]
fn creation_costs_intrinsic_gas() {
    let w = run(Program::new(DEPLOY.to_vec()).create());
    let c = begin(&w);
    // 32000 and 2 per word of init code (one word here).
    let gas = c.witness.steps[1].gas_left;
    assert_rejected(
        verify(&c, vec![next("gas_left", gas + 2)]),
        "BEGIN_TX_CREATE: next.gas_left = value",
    );
    assert_rejected(
        verify(&c, vec![next("gas_left", gas + 32_000)]),
        "BEGIN_TX_CREATE: next.gas_left = value",
    );
}

#[test]
fn the_root_call_is_a_creation() {
    let c = begin(&run(Program::new(DEPLOY.to_vec()).create().value(7)));
    assert_rejected(verify(&c, vec![next("is_create", 0)]), "next.is_create");
    // Nonce, created flag and the two balance writes.
    assert_rejected(
        verify(&c, vec![next("reversible_write_counter", 2)]),
        "next.reversible_write_counter",
    );
    // Neither state's gadget takes the other kind of tx.
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::BeginTx,
    };
    assert_rejected(verify(&c, vec![o]), "tx is a message call (IsCreate = 0)");
    let call = run(Program::new(vec![0x00]));
    let i = nth_step(&call, ExecutionState::BeginTx, 0);
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::BeginTxCreate,
    };
    assert_rejected(
        verify(&slice(&call, i..i + 2), vec![o]),
        "tx is a creation (IsCreate = 1)",
    );
}

#[test]
fn the_root_deposit_ends_the_transaction() {
    let w = run(Program::new(DEPLOY.to_vec()).create());
    // The root's RETURN, EndTx and EndBlock.
    let i = nth_step(&w, ExecutionState::ReturnCreation, 0);
    let c = slice(&w, i..w.steps.len());
    assert_eq!(verify(&c, vec![]), Ok(()));
    // The deposited code hash (rw 4) is the copied code's.
    let o = Override::Rw {
        step: 0,
        access: 4,
        field: "value_lo",
        value: Fr::from(1),
    };
    assert_rejected(verify(&c, vec![o]), "deposited code hash");
    // EndTx follows, with no reversible writes left to a creator.
    let o = Override::ExecutionState {
        step: 1,
        state: ExecutionState::Stop,
    };
    assert_rejected(verify(&c, vec![o]), "next state is EndTx");
    let g = &config().gadgets.return_creation;
    assert_rejected(
        verify(&c, vec![cell(0, &g.kept, 2)]),
        "kept = (1 - is_root)·(reversible_write_counter + 1)",
    );
}
