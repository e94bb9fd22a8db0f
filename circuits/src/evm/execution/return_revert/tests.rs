use super::super::{memory_expansion::Length, test_util::*};
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::{
    program::Program,
    revm::primitives::{Address, U256},
};
use equivm_witness::{ExecutionState, RwTag, Witness};
use halo2curves::bn256::Fr;

/// `PUSH0 PUSH0 RETURN`: RETURN(0, 0).
const RETURN_EMPTY: [u8; 3] = [0x5f, 0x5f, 0xf3];

/// MSTORE(0, 0x2a), then RETURN(0x10, 0x20): memory 1 → 2 words, 3 gas.
const RETURN_DATA: [u8; 9] = [0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x60, 0x10, 0xf3];

/// REVERT(0, 5): memory 0 → 1 word, 3 gas.
const REVERT_DATA: [u8; 4] = [0x60, 5, 0x5f, 0xfd];

/// The RETURN/REVERT step of `w` with the EndTx and EndBlock after it.
fn ending(w: &Witness) -> EvmCircuit {
    let i = nth_step(w, ExecutionState::ReturnRevert, 0);
    slice(w, i..i + 3)
}

fn circuit(code: &[u8]) -> EvmCircuit {
    ending(&witness_of(code.to_vec()))
}

fn rw(access: usize, field: &'static str, value: Fr) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value,
    }
}

fn state(step: usize, field: &'static str, value: u64) -> Override<Fr> {
    Override::StepState {
        step,
        field,
        value: Fr::from(value),
    }
}

fn first(c: &EvmCircuit) -> &equivm_witness::ExecStep {
    &c.witness.steps[c.steps.start]
}

fn unsupported_returns(w: &Witness) -> usize {
    EvmCircuit::unsupported_steps(w)
        .iter()
        .filter(|(s, _)| *s == ExecutionState::ReturnRevert)
        .count()
}

#[test]
fn return_without_data_passes() {
    let c = circuit(&RETURN_EMPTY);
    assert_eq!(first(&c).gas_cost, 0);
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn return_with_data_passes() {
    let c = circuit(&RETURN_DATA);
    let s = first(&c);
    assert_eq!((s.memory_word_size, s.gas_cost), (1, 3));
    // Offset, size and IsSuccess: the returned bytes are not read.
    let tags: Vec<RwTag> = c.witness.step_rws(s).iter().map(|rw| rw.tag).collect();
    assert_eq!(tags, [RwTag::Stack, RwTag::Stack, RwTag::CallContext]);
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn return_after_reversible_writes_passes() {
    // TSTORE(5, 7) then RETURN(0, 0): one reversible write, kept.
    let c = circuit(&[0x60, 7, 0x60, 5, 0x5d, 0x5f, 0x5f, 0xf3]);
    assert_eq!(first(&c).reversible_write_counter, 1);
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn revert_with_data_passes() {
    let c = circuit(&REVERT_DATA);
    let s = first(&c);
    assert_eq!(
        (s.reversible_write_counter, s.memory_word_size, s.gas_cost),
        (0, 0, 3)
    );
    assert_eq!(c.witness.step_rws(s)[2].value, U256::ZERO);
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn empty_revert_ignores_a_huge_offset() {
    // PUSH0 PUSH32 2^256-1 REVERT: REVERT(2^256 - 1, 0) costs nothing.
    let mut code = vec![0x5f, 0x7f];
    code.extend([0xff; 32]);
    code.push(0xfd);
    let c = circuit(&code);
    assert_eq!(first(&c).gas_cost, 0);
    assert_eq!(verify(&c, vec![]), Ok(()));
}

#[test]
fn a_whole_returning_tx_passes() {
    let w = witness_of(RETURN_DATA.to_vec());
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn return_cannot_claim_failure() {
    assert_rejected(
        verify(&circuit(&RETURN_EMPTY), vec![rw(2, "value_lo", Fr::zero())]),
        "RETURN_REVERT: 10·IsSuccess.lo = 0xfd - opcode",
    );
}

#[test]
fn revert_cannot_claim_success() {
    assert_rejected(
        verify(&circuit(&REVERT_DATA), vec![rw(2, "value_lo", Fr::from(1))]),
        "RETURN_REVERT: 10·IsSuccess.lo = 0xfd - opcode",
    );
}

#[test]
fn memory_gas_is_charged() {
    let c = circuit(&RETURN_DATA);
    let gas = first(&c).gas_left;
    assert_rejected(
        verify(&c, vec![state(1, "gas_left", gas)]),
        "RETURN_REVERT: next.gas_left",
    );
}

#[test]
fn size_is_bound_to_the_popped_word() {
    assert_rejected(
        verify(
            &circuit(&RETURN_DATA),
            vec![rw(1, "value_lo", Fr::from(0x40))],
        ),
        "RETURN_REVERT: size.lo = Σ_{j<4} size_byte_j·256^j",
    );
}

#[test]
fn offset_matters_when_size_is_not_zero() {
    assert_rejected(
        verify(&circuit(&RETURN_DATA), vec![rw(0, "value_hi", Fr::from(1))]),
        "RETURN_REVERT: [size ≠ 0]·offset.hi = 0",
    );
}

#[test]
fn a_nonzero_size_cannot_pass_for_zero() {
    let z = config().gadgets.return_revert.expansion;
    let Length::Dynamic(d) = z.length else {
        panic!("RETURN/REVERT take the length from the stack");
    };
    let o = Override::Cell {
        step: 0,
        column: d.size_is_zero.is_zero.column,
        rotation: d.size_is_zero.is_zero.rotation,
        value: Fr::from(1),
    };
    assert_rejected(
        verify(&circuit(&RETURN_DATA), vec![o]),
        "RETURN_REVERT: size is zero: size.lo · is_zero = 0",
    );
}

#[test]
fn the_call_ends_with_an_empty_stack_and_memory() {
    let c = circuit(&RETURN_DATA);
    assert_rejected(
        verify(&c, vec![state(1, "stack_pointer", 1023)]),
        "RETURN_REVERT: next.stack_pointer = value",
    );
    assert_rejected(
        verify(&c, vec![state(1, "memory_word_size", 2)]),
        "RETURN_REVERT: next.memory_word_size = value",
    );
}

/// The root calls an account whose code is `callee` with a return area of `area` bytes
/// at 0 (and 0xffff gas), then STOPs.
fn nested(callee: &[u8], area: u8) -> Witness {
    let address = Address::repeat_byte(0xcc);
    let mut code = vec![0x60, area, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    code.extend_from_slice(address.as_slice());
    code.extend_from_slice(&[0x61, 0xff, 0xff, 0xf1, 0x00]); // PUSH2 0xffff CALL STOP
    let traced = Program::new(code)
        .with_account(address, callee.to_vec())
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness")
}

/// The whole of `w`, every step supported.
#[test]
fn a_callee_returning_nothing_passes() {
    let w = nested(&RETURN_EMPTY, 0);
    let ret = nth_step(&w, ExecutionState::ReturnRevert, 0);
    assert_eq!(w.step_rws(&w.steps[ret])[2].tag, RwTag::CallContext);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_callee_s_bytes_reach_the_return_area() {
    // RETURN(0x10, 0x20) into a 32-byte area: all 32 bytes are copied.
    let w = nested(&RETURN_DATA, 32);
    let ret = &w.steps[nth_step(&w, ExecutionState::ReturnRevert, 0)];
    assert_eq!(ret.rw_count, super::CALLEE_RWS + 64);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_short_return_area_takes_the_first_bytes() {
    // 32 bytes returned into a 5-byte area: 5 copied.
    let w = nested(&RETURN_DATA, 5);
    let ret = &w.steps[nth_step(&w, ExecutionState::ReturnRevert, 0)];
    assert_eq!(ret.rw_count, super::CALLEE_RWS + 10);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn a_callee_reverting_its_writes_passes() {
    // SSTORE(0, 1) (refund-free, four undos), then REVERT(0, 5) into an 8-byte area.
    let mut callee = vec![0x60, 1, 0x5f, 0x55];
    callee.extend_from_slice(&REVERT_DATA);
    let w = nested(&callee, 8);
    let ret = nth_step(&w, ExecutionState::ReturnRevert, 0);
    assert_eq!(w.steps[ret].rw_count, super::CALLEE_RWS + 10 + 4);
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn the_copied_length_is_the_smaller_one() {
    let w = nested(&RETURN_DATA, 5);
    let ret = nth_step(&w, ExecutionState::ReturnRevert, 0);
    let gadget = &config().gadgets.return_revert;
    let o = cell(ret, &gadget.copy.copied, 6);
    assert!(verify(&whole(&w), vec![o]).is_err());
}

#[test]
fn the_caller_takes_over_a_returning_callee_s_writes() {
    // SSTORE(0, 1) then RETURN: the caller's reversible writes grow by the callee's three.
    let mut callee = vec![0x60, 1, 0x5f, 0x55];
    callee.extend_from_slice(&RETURN_EMPTY);
    let w = nested(&callee, 0);
    let ret = nth_step(&w, ExecutionState::ReturnRevert, 0);
    let rwc = w.steps[ret + 1].reversible_write_counter;
    let o = Override::StepState {
        step: ret + 1,
        field: "reversible_write_counter",
        value: Fr::from(rwc - 3),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "RETURN_REVERT: next.reversible_write_counter",
    );
}

#[test]
fn a_reverting_callee_hands_back_its_gas() {
    let w = nested(&REVERT_DATA, 8);
    let ret = nth_step(&w, ExecutionState::ReturnRevert, 0);
    let gas = w.steps[ret + 1].gas_left;
    let o = Override::StepState {
        step: ret + 1,
        field: "gas_left",
        value: Fr::from(gas - 1),
    };
    assert_rejected(verify(&whole(&w), vec![o]), "RETURN_REVERT: next.gas_left");
}

#[test]
fn a_creations_return_is_another_state() {
    // CREATE(0, 29, 3) of the init code RETURN(0, 0) (memory bytes 29..32), then STOP: the
    // RETURN deposits code (`ReturnCreation`), with a gadget.
    let code = vec![
        0x62, 0x5f, 0x5f, 0xf3, 0x5f, 0x52, 0x60, 3, 0x60, 29, 0x5f, 0xf0, 0x00,
    ];
    let w = witness_of(code);
    assert_eq!(unsupported_returns(&w), 0);
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert!(!w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::ReturnRevert));
    // A creation transaction's root call returning its code is `ReturnCreation` too.
    let traced = Program::new(RETURN_DATA.to_vec()).create().trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness");
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert!(w
        .steps
        .iter()
        .any(|s| s.execution_state == ExecutionState::ReturnCreation));
    assert_eq!(verify_block(&w, vec![]), Ok(()));
}
