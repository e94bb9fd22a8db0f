use super::super::test_util::*;
use super::ExtCodeCopyGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::program::Program;
use equivm_trace::revm::primitives::{Address, U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Another contract, with a 40-byte code `1, 2, ..., 40`.
const OTHER: Address = Address::repeat_byte(0xcc);
const OTHER_LEN: u8 = 40;

/// Where EXTCODECOPY reads from.
#[derive(Clone, Copy)]
enum Source {
    Other,
    Missing,
    Caller,
    Running,
}

/// EXTCODECOPY(address, dst, off, size) for: OTHER (0, 0, 10) cold and inside; OTHER
/// (30, 35, 10) warm, across a memory word and the code's end; OTHER (2^100, 2^200, 0)
/// nothing; OTHER (96, 2^70, 3) far past the end; 0x1234 (100, 0, 5) cold and missing; the
/// caller (0, 0, 4) warm without code; the running account (200, 3, 33) across words with
/// expansion; then STOP.
fn copies() -> Vec<(Source, U256, U256, U256)> {
    let n = |v: u64| U256::from(v);
    let p = |e: usize| U256::from(1) << e;
    vec![
        (Source::Other, n(0), n(0), n(10)),
        (Source::Other, n(30), n(35), n(10)),
        (Source::Other, p(100), p(200), n(0)),
        (Source::Other, n(96), p(70), n(3)),
        (Source::Missing, n(100), n(0), n(5)),
        (Source::Caller, n(0), n(0), n(4)),
        (Source::Running, n(200), n(3), n(33)),
    ]
}

fn code() -> Vec<u8> {
    let mut code = Vec::new();
    for (src, dst, off, size) in copies() {
        for v in [size, off, dst] {
            code.push(0x7f);
            code.extend(v.to_be_bytes::<32>());
        }
        match src {
            Source::Other => {
                code.push(0x73);
                code.extend_from_slice(OTHER.as_slice());
            }
            Source::Missing => code.extend([0x61, 0x12, 0x34]),
            Source::Caller => code.push(0x33),
            Source::Running => code.push(0x30),
        }
        code.push(0x3c);
    }
    code.push(0x00);
    code
}

fn witness() -> Witness {
    let traced = Program::new(code())
        .with_account(OTHER, (1..=OTHER_LEN).collect::<Vec<u8>>())
        .trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::ExtCodeCopy, n);
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

fn gadget() -> ExtCodeCopyGadget<Fr> {
    (*config().gadgets.ext_code_copy).clone()
}

/// An override of value cell `cell` (0..5: id, tag, index, value.lo, value.hi) of context
/// row `row` of step 0 (the copy lookup's rows).
fn claim(row: usize, cell: usize, value: Fr) -> Override<Fr> {
    let ctx = config().columns.context;
    Override::Cell {
        step: 0,
        column: ctx.values()[cell],
        rotation: row,
        value,
    }
}

#[test]
fn copies_of_a_contract_an_eoa_a_missing_account_and_the_running_code_pass() {
    let w = witness();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    let steps: Vec<_> = (0..7)
        .map(|n| &w.steps[nth_step(&w, ExecutionState::ExtCodeCopy, n)])
        .collect();
    let costs: Vec<u64> = steps.iter().map(|s| s.gas_cost).collect();
    // access + 3·words + expansion (memory 0 → 1 → 2 → 2 → 4 → 4 → 4 → 8 words)
    assert_eq!(
        costs,
        vec![
            2600 + 3 + 3,
            100 + 3 + 3,
            100,
            100 + 3 + 6,
            2600 + 3,
            100 + 3,
            100 + 6 + 12
        ]
    );
    assert_eq!(w.copy_events.len(), 6, "the zero-size copy has no event");
    let bytes: Vec<&[u8]> = w.copy_events.iter().map(|e| e.bytes.as_slice()).collect();
    assert_eq!(bytes[0], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(bytes[1], &[36, 37, 38, 39, 40, 0, 0, 0, 0, 0]);
    assert_eq!(bytes[2], &[0; 3]);
    assert_eq!(bytes[3], &[0; 5]);
    assert_eq!(bytes[4], &[0; 4]);
    assert_eq!(bytes[5], &code()[3..36]);
    let addrs: Vec<_> = w
        .copy_events
        .iter()
        .map(|e| (e.src_addr, e.src_addr_end))
        .collect();
    let len = code().len() as u64;
    assert_eq!(
        addrs,
        vec![(0, 40), (35, 40), (40, 40), (0, 0), (0, 0), (3, len)]
    );
    // The whole run in one slice: every step above, each between real neighbours.
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn the_super_circuit_proves_the_copies() {
    assert_eq!(super_circuit_verdict(witness()), Ok(()));
}

#[test]
fn the_claim_is_a_copy_table_row() {
    // The source address (row 0, cell 3 of the copy lookup) moved by one.
    let texts = failure_texts(verify(&circuit(1), vec![claim(0, 3, Fr::from(36))]));
    assert!(
        texts.iter().any(|t| t.contains("EVM copy lookup")),
        "{texts:#?}"
    );
}

#[test]
fn the_copy_reads_the_account_s_code() {
    // The claim names the running code (whose bytes at 0.. differ from OTHER's).
    let c = circuit(0);
    let running = c
        .witness
        .bytecodes
        .iter()
        .find(|b| b.bytes.as_ref() == code().as_slice())
        .expect("the running code is a bytecode");
    let own = crate::table::b256_word(running.hash).to_field::<Fr>();
    let texts = failure_texts(verify(&c, vec![claim(0, 1, own.lo), claim(0, 2, own.hi)]));
    assert!(
        texts.iter().any(|t| t.contains("EVM copy lookup")),
        "{texts:#?}"
    );
}

#[test]
fn the_source_address_is_min_of_offset_and_length() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(1), vec![cell(0, &g.copy.src_addr, 36)]),
        "EXTCODECOPY: src_addr = u·m + (1 - u)·len",
    );
    assert_rejected(
        verify(&circuit(3), vec![cell(0, &g.copy.u, 1)]),
        "EXTCODECOPY: u = small·(1 - neg)",
    );
}

#[test]
fn the_code_length_is_the_bytecode_table_s() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(1), vec![cell(0, &g.len_bytes[0], 41)]),
        "EXTCODECOPY: code length = Σ len_byte_i·256^i",
    );
    // Bytes and lane agree on 41: OTHER's code has no such header.
    let lanes = config().columns.lanes;
    let o = vec![
        cell(0, &g.len_bytes[0], 41),
        Override::Cell {
            step: 0,
            column: lanes[0].value,
            rotation: g.len.row,
            value: Fr::from(41),
        },
    ];
    assert_rejected(verify(&circuit(1), o), "EVM bytecode lane 0");
}

#[test]
fn extcodecopy_reads_the_popped_account() {
    assert_rejected(
        verify(&circuit(4), vec![rw(6, "address", Fr::from(0x1235))]),
        "EXTCODECOPY: account read #6: rw.address",
    );
}

#[test]
fn a_cold_account_costs_2600_and_words_cost_3() {
    assert_rejected(
        verify(&circuit(0), vec![rw(5, "value_prev_lo", Fr::from(1))]),
        "EXTCODECOPY: next.gas_left",
    );
    let g = gadget();
    assert_rejected(
        verify(&circuit(6), vec![cell(0, &g.copy.words.words[0], 1)]),
        "EXTCODECOPY: size + 31 = 32·words + rem",
    );
}

#[test]
fn the_warm_flag_is_boolean() {
    assert_rejected(
        verify(&circuit(1), vec![rw(5, "value_prev_lo", Fr::from(2))]),
        "EXTCODECOPY: warm flag: value_prev is boolean",
    );
}

#[test]
fn extcodecopy_pops_four_and_advances_pc() {
    let c = circuit(0);
    let step = &c.witness.steps[c.steps.start];
    let o = Override::StepState {
        step: 1,
        field: "stack_pointer",
        value: Fr::from(step.stack_pointer + 3),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "EXTCODECOPY: next.stack_pointer = stack_pointer + delta",
    );
    let o = Override::StepState {
        step: 1,
        field: "program_counter",
        value: Fr::from(u64::from(step.pc) + 2),
    };
    assert_rejected(verify(&c, vec![o]), "EXTCODECOPY: next.program_counter");
}

#[test]
fn the_copy_s_writes_advance_the_rw_counter() {
    let c = circuit(0);
    let rwc = c.witness.steps[c.steps.start].rw_counter;
    let o = Override::StepState {
        step: 1,
        field: "rw_counter",
        value: Fr::from(rwc + 7),
    };
    assert_rejected(verify(&c, vec![o]), "EXTCODECOPY: next.rw_counter");
}

#[test]
fn the_warm_mark_is_a_reversible_write() {
    let c = circuit(0);
    let rwc = c.witness.steps[c.steps.start].reversible_write_counter;
    let o = Override::StepState {
        step: 1,
        field: "reversible_write_counter",
        value: Fr::from(rwc),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "EXTCODECOPY: next.reversible_write_counter",
    );
}
