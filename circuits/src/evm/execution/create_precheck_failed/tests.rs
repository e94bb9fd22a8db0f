use super::super::test_util::*;
use super::RefusedCreateRws;
use crate::evm::assign::Override;
use equivm_trace::program::Program;
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// CREATE (or CREATE2 with salt 7) of the 32 bytes of memory at 0 with a value of
/// `0x1000_00xx` wei for `xx` = `value` (0: no value), then SSTORE(0, result) and STOP.
/// The program account holds 1,000,000 wei, so any `value` but 0 is above its balance.
fn creator(create2: bool, value: u8) -> Vec<u8> {
    let mut code = Vec::new();
    if create2 {
        code.extend_from_slice(&[0x60, 0x07]); // salt
    }
    code.extend_from_slice(&[0x60, 0x20, 0x5f]); // size 32, offset 0
    if value == 0 {
        code.push(0x5f);
    } else {
        code.extend_from_slice(&[0x62, 0x10, 0x00, value]);
    }
    code.push(if create2 { 0xf5 } else { 0xf0 });
    code.extend_from_slice(&[0x5f, 0x55, 0x00]);
    code
}

fn witness(program: Program) -> Witness {
    let traced = program.trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn state(create2: bool) -> ExecutionState {
    if create2 {
        ExecutionState::Create2PrecheckFailed
    } else {
        ExecutionState::CreatePrecheckFailed
    }
}

/// The gas the creation step costs (its gas left minus the next step's).
fn spent(w: &Witness, step: usize) -> u64 {
    w.steps[step].gas_left - w.steps[step + 1].gas_left
}

/// 32,000 + 2 per word (+ 6 per word for CREATE2) + 3 for the one word of memory: the
/// creation's 63/64 of the rest come back whole.
fn cost(create2: bool) -> u64 {
    32_000 + 2 + if create2 { 6 } else { 0 } + 3
}

#[test]
fn a_value_above_the_balance_is_refused() {
    for create2 in [false, true] {
        let w = witness(Program::new(creator(create2, 1)));
        let step = nth_step(&w, state(create2), 0);
        assert_eq!(spent(&w, step), cost(create2), "create2 {create2}");
        assert_eq!(
            w.step_rws(&w.steps[step]).len(),
            RefusedCreateRws::of(create2).total
        );
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "create2 {create2}");
    }
}

#[test]
fn a_creator_nonce_at_its_largest_is_refused() {
    for create2 in [false, true] {
        let w = witness(Program::new(creator(create2, 0)).contract_nonce(u64::MAX));
        let step = nth_step(&w, state(create2), 0);
        assert_eq!(spent(&w, step), cost(create2), "create2 {create2}");
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "create2 {create2}");
    }
}

#[test]
fn the_whole_block_passes_the_super_circuit() {
    let w = witness(Program::new(creator(true, 1)));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

fn tampered_rw(w: &Witness, create2: bool, access: usize, value: u64) -> Vec<String> {
    let o = Override::Rw {
        step: nth_step(w, state(create2), 0),
        access,
        field: "value_lo",
        value: Fr::from(value),
    };
    failure_texts(verify(&whole(w), vec![o]))
}

#[test]
fn the_creation_pushes_zero() {
    let w = witness(Program::new(creator(false, 1)));
    let texts = tampered_rw(&w, false, RefusedCreateRws::of(false).pops, 1);
    assert!(texts.iter().any(|t| t.contains("result = 0")), "{texts:#?}");
}

#[test]
fn no_last_callee_is_recorded() {
    let w = witness(Program::new(creator(true, 1)));
    let texts = tampered_rw(&w, true, RefusedCreateRws::of(true).last_callee, 5);
    assert!(
        texts.iter().any(|t| t.contains("LastCalleeId = 0")),
        "{texts:#?}"
    );
}

#[test]
fn a_pre_check_must_fail() {
    let w = witness(Program::new(creator(false, 1)));
    let step = nth_step(&w, state(false), 0);
    let c = whole(&w);
    let g = config().gadgets.create_precheck_failed;
    // No pre-check failing: refused for nothing.
    let texts = failure_texts(verify(&c, vec![cell(step, &g.neither, 1)]));
    assert!(
        texts.iter().any(|t| t.contains("a pre-check fails")),
        "{texts:#?}"
    );
    // Claiming the creator is not poorer than the value breaks the comparison.
    let texts = failure_texts(verify(&c, vec![cell(step, &g.poor.borrow_hi, 0)]));
    assert!(
        texts.iter().any(|t| t.contains("balance < value")),
        "{texts:#?}"
    );
    // Claiming the nonce at its largest breaks the nonce's is-zero.
    let texts = failure_texts(verify(&c, vec![cell(step, &g.nonce_max.is_zero, 1)]));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("nonce - (2^64 - 1) is zero")),
        "{texts:#?}"
    );
    // Claiming the depth limit at depth 0 breaks the depth's is-zero.
    let texts = failure_texts(verify(&c, vec![cell(step, &g.too_deep.is_zero, 1)]));
    assert!(
        texts.iter().any(|t| t.contains("depth - 1024 is zero")),
        "{texts:#?}"
    );
    // A balance above the value read instead of the real one.
    let balance = RefusedCreateRws::of(false).balance;
    assert!(!tampered_rw(&w, false, balance, 0x1000_0001).is_empty());
    // A nonce at its largest read instead of the real one.
    assert!(!tampered_rw(&w, false, balance + 1, u64::MAX).is_empty());
}

#[test]
fn the_creator_gets_its_gas_back_and_no_more() {
    for create2 in [false, true] {
        let w = witness(Program::new(creator(create2, 1)));
        let step = nth_step(&w, state(create2), 0);
        let gas = w.steps[step + 1].gas_left;
        let o = Override::StepState {
            step: step + 1,
            field: "gas_left",
            value: Fr::from(gas + 1),
        };
        let name = if create2 {
            "CREATE2_PRECHECK_FAILED: next.gas_left"
        } else {
            "CREATE_PRECHECK_FAILED: next.gas_left"
        };
        assert_rejected(verify(&whole(&w), vec![o]), name);
    }
}

#[test]
fn the_creator_goes_on_at_the_next_opcode_with_its_memory_grown() {
    let w = witness(Program::new(creator(false, 1)));
    let step = nth_step(&w, state(false), 0);
    let next = &w.steps[step + 1];
    for (field, value) in [
        ("program_counter", u64::from(next.pc) + 1),
        ("memory_word_size", next.memory_word_size + 1),
        ("stack_pointer", next.stack_pointer + 1),
    ] {
        let o = Override::StepState {
            step: step + 1,
            field,
            value: Fr::from(value),
        };
        assert_rejected(
            verify(&whole(&w), vec![o]),
            &format!("CREATE_PRECHECK_FAILED: next.{field}"),
        );
    }
}
