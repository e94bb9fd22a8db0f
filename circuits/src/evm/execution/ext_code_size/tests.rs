use super::super::test_util::*;
use super::ExtCodeSizeGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::program::Program;
use equivm_trace::revm::primitives::{Address, U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Another contract, with a 37-byte code.
const OTHER: Address = Address::repeat_byte(0xcc);
const OTHER_LEN: usize = 37;

/// The running code: EXTCODESIZE of the running account (warm), OTHER (cold, then warm), the
/// caller (warm, no code) and 0x1234 (cold, missing); each then POP; STOP.
fn code() -> Vec<u8> {
    let mut code = vec![0x30, 0x3b, 0x50];
    for _ in 0..2 {
        code.push(0x73);
        code.extend_from_slice(OTHER.as_slice());
        code.extend([0x3b, 0x50]);
    }
    code.extend([0x33, 0x3b, 0x50]);
    code.extend([0x61, 0x12, 0x34, 0x3b, 0x50, 0x00]);
    code
}

fn witness() -> Witness {
    let traced = Program::new(code())
        .with_account(OTHER, vec![0x5b; OTHER_LEN])
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::ExtCodeSize, n);
    slice(&w, i..i + 1)
}

fn rw(access: usize, field: &'static str, value: Fr) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value,
    }
}

fn gadget() -> ExtCodeSizeGadget<Fr> {
    (*config().gadgets.ext_code_size).clone()
}

#[test]
fn sizes_of_a_contract_an_eoa_and_a_missing_account_warm_and_cold() {
    let w = witness();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    let steps: Vec<_> = (0..5)
        .map(|n| &w.steps[nth_step(&w, ExecutionState::ExtCodeSize, n)])
        .collect();
    let pushed: Vec<U256> = steps.iter().map(|s| w.step_rws(s)[4].value).collect();
    let sizes = [code().len(), OTHER_LEN, OTHER_LEN, 0, 0].map(U256::from);
    assert_eq!(pushed, sizes);
    let costs: Vec<u64> = steps.iter().map(|s| s.gas_cost).collect();
    assert_eq!(costs, vec![100, 2600, 100, 100, 2600]);
    // The whole run in one slice: every step above, each between real neighbours.
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn the_super_circuit_proves_the_empty_code_s_length() {
    let w = witness();
    assert!(w.bytecodes.iter().any(|c| c.bytes.is_empty()));
    assert_eq!(super_circuit_verdict(w), Ok(()));
}

#[test]
fn extcodesize_pushes_the_table_s_length() {
    assert_rejected(
        verify(&circuit(1), vec![rw(4, "value_lo", Fr::from(36))]),
        "EXTCODESIZE: pushed.lo = code length",
    );
    assert_rejected(
        verify(&circuit(4), vec![rw(4, "value_hi", Fr::from(1))]),
        "EXTCODESIZE: pushed.hi = 0",
    );
}

#[test]
fn extcodesize_looks_up_the_real_length() {
    // Push and lane both claim 36: OTHER's code has no such header.
    let g = gadget();
    let lanes = config().columns.lanes;
    let o = vec![
        rw(4, "value_lo", Fr::from(36)),
        Override::Cell {
            step: 0,
            column: lanes[0].value,
            rotation: g.len.row,
            value: Fr::from(36),
        },
    ];
    assert_rejected(verify(&circuit(1), o), "EVM bytecode lane 0");
}

#[test]
fn the_length_is_of_the_account_s_code_not_the_running_one() {
    // OTHER's step claims the running code's length, looked up under the running code's
    // hash (a real header row): the lane row's hash must be the one read.
    let c = circuit(1);
    let g = gadget();
    let cols = config().columns;
    let running = c
        .witness
        .bytecodes
        .iter()
        .find(|b| b.bytes.as_ref() == code().as_slice())
        .expect("the running code is a bytecode");
    let own = crate::table::b256_word(running.hash).to_field::<Fr>();
    let len = Fr::from(code().len() as u64);
    let o = vec![
        rw(4, "value_lo", len),
        Override::Cell {
            step: 0,
            column: cols.lanes[0].value,
            rotation: g.len.row,
            value: len,
        },
        Override::Cell {
            step: 0,
            column: cols.bytecode_hash.lo,
            rotation: g.len.row,
            value: own.lo,
        },
        Override::Cell {
            step: 0,
            column: cols.bytecode_hash.hi,
            rotation: g.len.row,
            value: own.hi,
        },
    ];
    let texts = failure_texts(verify(&c, o));
    assert_named_not(
        &texts,
        "EXTCODESIZE: row 0: bytecode lane code_hash",
        "EVM bytecode lane 0",
    );
}

#[test]
fn extcodesize_reads_the_popped_account() {
    assert_rejected(
        verify(&circuit(1), vec![rw(3, "address", Fr::from(0x1234))]),
        "EXTCODESIZE: account read #3: rw.address",
    );
}

#[test]
fn a_cold_account_costs_2600() {
    assert_rejected(
        verify(&circuit(4), vec![rw(2, "value_prev_lo", Fr::from(1))]),
        "EXTCODESIZE: next.gas_left",
    );
}

#[test]
fn the_warm_flag_is_boolean() {
    assert_rejected(
        verify(&circuit(2), vec![rw(2, "value_prev_lo", Fr::from(2))]),
        "EXTCODESIZE: warm flag: value_prev is boolean",
    );
}

#[test]
fn extcodesize_advances_pc_and_keeps_the_stack_pointer() {
    let c = circuit(0);
    let step = &c.witness.steps[c.steps.start];
    let o = Override::StepState {
        step: 1,
        field: "program_counter",
        value: Fr::from(u64::from(step.pc) + 2),
    };
    assert_rejected(verify(&c, vec![o]), "EXTCODESIZE: next.program_counter");
    let o = Override::StepState {
        step: 1,
        field: "stack_pointer",
        value: Fr::from(step.stack_pointer + 1),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "EXTCODESIZE: next.stack_pointer = stack_pointer + delta",
    );
}
