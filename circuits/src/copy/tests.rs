//! Copy circuit tests: copies from real revm programs pass; each kind of tampering with the
//! copy rows is rejected by the constraint or lookup that guards it.

use super::*;
use equivm_trace::program::Program;
use equivm_trace::revm::primitives::{address, Address};
use equivm_witness::{CopyDataType, Witness};
use halo2_proofs::dev::{MockProver, VerifyFailure};
use halo2curves::bn256::Fr;

const CALLEE: Address = address!("00000000000000000000000000000000000000c0");

/// A 32-byte word with distinct non-zero bytes, stored at memory 0: `PUSH32 .. PUSH1 0 MSTORE`.
fn mstore_word() -> Vec<u8> {
    let mut v = vec![0x7f];
    v.extend((1u8..=32).map(|b| b.wrapping_mul(7)));
    v.extend([0x60, 0x00, 0x52]);
    v
}

/// `PUSH1 c PUSH1 b PUSH1 a op`: an opcode with stack inputs `a` (top), `b`, `c`.
fn op3(op: u8, a: u8, b: u8, c: u8) -> Vec<u8> {
    vec![0x60, c, 0x60, b, 0x60, a, op]
}

fn witness(program: Program) -> Witness {
    let traced = program.trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

fn run(code: Vec<u8>, calldata: Vec<u8>) -> Witness {
    witness(Program::new(code).calldata(calldata))
}

fn circuit(w: Witness) -> CopyCircuit<Fr> {
    CopyCircuit::new(w).expect("fits")
}

fn verify(c: &CopyCircuit<Fr>) -> Result<(), Vec<VerifyFailure>> {
    MockProver::run(c.k, c, vec![])
        .expect("synthesis succeeds")
        .verify()
}

/// The honest circuit of `w` passes.
fn assert_passes(w: Witness) -> CopyCircuit<Fr> {
    let c = circuit(w);
    if let Err(failures) = verify(&c) {
        panic!("honest copy rows rejected: {failures:#?}");
    }
    c
}

/// The rows of the copy event number `event` (their range in `c.rows`).
fn event_range(c: &CopyCircuit<Fr>, event: usize) -> std::ops::Range<usize> {
    let sizes: Vec<usize> = c
        .witness
        .copy_events
        .iter()
        .map(|e| e.bytes.len())
        .collect();
    let start = sizes[..event].iter().sum();
    start..start + sizes[event]
}

/// Applies `tamper` to a copy of the honest circuit, and asserts it fails with a failure
/// that names `expected`.
fn assert_rejected(
    honest: &CopyCircuit<Fr>,
    expected: &str,
    tamper: impl FnOnce(&mut CopyCircuit<Fr>),
) {
    let mut c = honest.clone();
    tamper(&mut c);
    match verify(&c) {
        Ok(()) => panic!("tampered copy rows accepted (expected {expected:?})"),
        Err(failures) => {
            let texts: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
            assert!(
                texts.iter().any(|t| t.contains(expected)),
                "no failure names {expected:?}: {texts:#?}"
            );
        }
    }
}

fn kinds(w: &Witness) -> Vec<(CopyDataType, CopyDataType, usize)> {
    w.copy_events
        .iter()
        .map(|e| (e.src_type, e.dst_type, e.bytes.len()))
        .collect()
}

#[test]
fn calldatacopy_inside_and_past_the_end() {
    // CALLDATACOPY(dst 0, src 2, len 6) of 4 bytes of calldata: 2 inside, 4 past the end.
    let w = run(op3(0x37, 0, 2, 6), vec![1, 2, 3, 4]);
    assert_eq!(w.copy_events[0].bytes, vec![3, 4, 0, 0, 0, 0]);
    assert_eq!(
        kinds(&w),
        vec![(CopyDataType::TxCalldata, CopyDataType::Memory, 6)]
    );
    let c = assert_passes(w);
    assert_rejected(&c, "bytes past the source end are zero", |c| {
        c.rows[3].cells.value = Fr::from(9);
    });
    // Claiming the byte is inside the calldata breaks the end bookkeeping.
    assert_rejected(&c, "inside the source until its end", |c| {
        c.rows[3].cells.read_calldata = Fr::one();
    });
    assert_rejected(&c, "COPY: calldata source byte", |c| {
        c.rows[0].cells.value = Fr::from(4);
    });
}

#[test]
fn codecopy_past_the_end() {
    // CODECOPY(dst 0, src 5, len 8) of an 8-byte code: 3 bytes inside, 5 past the end.
    let code = [op3(0x39, 0, 5, 8), vec![0x00]].concat();
    let w = run(code, vec![]);
    assert_eq!(
        w.copy_events[0].bytes,
        vec![0x00, 0x39, 0x00, 0, 0, 0, 0, 0]
    );
    let c = assert_passes(w);
    assert_rejected(&c, "bytes past the source end are zero", |c| {
        c.rows[5].cells.value = Fr::one();
    });
    assert_rejected(&c, "COPY: bytecode source or destination byte", |c| {
        c.rows[1].cells.value = Fr::from(0x38);
    });
}

#[test]
fn mcopy_overlapping_forward_and_backward() {
    // MCOPY(dst 2, src 0, 8) then MCOPY(dst 0, src 3, 8).
    let code = [
        mstore_word(),
        op3(0x5e, 2, 0, 8),
        op3(0x5e, 0, 3, 8),
        vec![0x00],
    ]
    .concat();
    let w = run(code, vec![]);
    assert_eq!(w.copy_events.len(), 2);
    let c = assert_passes(w);
    let second = event_range(&c, 1);
    assert_rejected(&c, "COPY: memory source byte is an rw read", |c| {
        c.rows[second.start + 2].cells.value += Fr::one();
    });
    // Shifting the source address of the whole copy.
    assert_rejected(&c, "COPY: memory source byte is an rw read", |c| {
        for row in &mut c.rows[second.clone()] {
            row.claim.src_addr += Fr::one();
            row.claim.src_addr_end += Fr::one();
        }
    });
}

#[test]
fn log2_with_data() {
    // LOG2(offset 4, size 8, topics 0x22, 0x11).
    let code = [
        mstore_word(),
        vec![0x60, 0x11, 0x60, 0x22, 0x60, 0x08, 0x60, 0x04, 0xa2, 0x00],
    ]
    .concat();
    let w = run(code, vec![]);
    assert_eq!(
        kinds(&w),
        vec![(CopyDataType::Memory, CopyDataType::TxLog, 8)]
    );
    let c = assert_passes(w);
    assert_rejected(
        &c,
        "COPY: memory or log destination byte is an rw write",
        |c| {
            for row in &mut c.rows {
                row.claim.log_id += Fr::one();
            }
        },
    );
}

#[test]
fn keccak_of_0_1_and_64_bytes() {
    let code = [
        mstore_word(),
        vec![0x60, 0x00, 0x60, 0x00, 0x20, 0x50], // KECCAK256(0, 0): no copy
        vec![0x60, 0x01, 0x60, 0x00, 0x20, 0x50], // KECCAK256(0, 1)
        vec![0x60, 0x40, 0x60, 0x00, 0x20, 0x50], // KECCAK256(0, 64)
        vec![0x00],
    ]
    .concat();
    let w = run(code, vec![]);
    assert_eq!(
        kinds(&w),
        vec![
            (CopyDataType::Memory, CopyDataType::Keccak, 1),
            (CopyDataType::Memory, CopyDataType::Keccak, 64),
        ]
    );
    let c = assert_passes(w);
    let second = event_range(&c, 1);
    assert_rejected(&c, "COPY: keccak destination byte", |c| {
        c.rows[second.start].claim.dst_id.lo += Fr::one();
    });
    // A copy one byte shorter (the last row dropped) claims the wrong keccak length.
    assert_rejected(&c, "COPY: keccak destination has the copy's length", |c| {
        let last = second.end - 1;
        c.rows.remove(last);
        for row in &mut c.rows[second.start..last] {
            row.claim.length -= Fr::one();
            row.claim.rw_count -= Fr::one();
        }
        c.rows[last - 1].cells.is_last = Fr::one();
    });
}

#[test]
fn inner_call_calldata_return_and_returndatacopy() {
    // Callee: CALLDATACOPY(dst 0, src 1, len 6) of its 4 calldata bytes, RETURN(0, 6).
    let callee = [op3(0x37, 0, 1, 6), vec![0x60, 0x06, 0x60, 0x00, 0xf3]].concat();
    // Caller: MSTORE the word, CALL with memory 28..32 as calldata, return to 64..70, then
    // RETURNDATACOPY(dst 96, src 1, len 4).
    let mut caller = mstore_word();
    caller.extend([
        0x60, 0x06, 0x60, 0x40, 0x60, 0x04, 0x60, 0x1c, 0x60, 0x00, 0x73,
    ]);
    caller.extend(CALLEE.as_slice());
    caller.extend([0x5a, 0xf1, 0x50]);
    caller.extend(op3(0x3e, 0x60, 1, 4));
    caller.push(0x00);
    let w = witness(Program::new(caller).with_account(CALLEE, callee));
    use CopyDataType::Memory;
    assert_eq!(
        kinds(&w),
        vec![
            (Memory, Memory, 6),
            (Memory, Memory, 6),
            (Memory, Memory, 4)
        ]
    );
    let c = assert_passes(w);
    // The callee's calldata copy: the caller's memory up to the calldata's end, then zeros.
    let first = event_range(&c, 0);
    assert_rejected(
        &c,
        "COPY: memory or log destination byte is an rw write",
        |c| {
            for row in &mut c.rows[first.clone()] {
                row.claim.dst_id.lo += Fr::one();
            }
        },
    );
    assert_rejected(&c, "reads start at rw_counter_start", |c| {
        for row in &mut c.rows[first.clone()] {
            row.claim.rw_counter_start += Fr::one();
        }
    });
}

#[test]
fn create_init_code_and_deployment() {
    // Init code: MSTORE(0, 0x6001); RETURN(30, 2) deploys `PUSH1 1`.
    let init = [
        0x61, 0x60, 0x01, 0x60, 0x00, 0x52, 0x60, 0x02, 0x60, 0x1e, 0xf3,
    ];
    let mut code = vec![0x6a]; // PUSH11 init
    code.extend(init);
    code.extend([0x60, 0x00, 0x52]); // MSTORE(0, init): init at 21..32
    code.extend(op3(0xf0, 0, 21, 11)); // CREATE(value 0, offset 21, size 11)
    code.push(0x00);
    let w = run(code, vec![]);
    assert_eq!(
        kinds(&w),
        vec![
            (CopyDataType::Memory, CopyDataType::Bytecode, 11),
            (CopyDataType::Memory, CopyDataType::Deployment, 2),
        ]
    );
    let c = assert_passes(w);
    assert_rejected(&c, "COPY: bytecode source or destination byte", |c| {
        c.rows[3].cells.value += Fr::one();
    });
}

#[test]
fn several_copies_in_one_circuit() {
    let code = [
        mstore_word(),
        op3(0x37, 32, 0, 3),                      // CALLDATACOPY
        op3(0x39, 40, 0, 4),                      // CODECOPY
        op3(0x5e, 50, 0, 5),                      // MCOPY
        vec![0x60, 0x06, 0x60, 0x02, 0x20, 0x50], // KECCAK256(2, 6)
        vec![0x60, 0x02, 0x60, 0x00, 0xa0],       // LOG0(0, 2)
        vec![0x00],
    ]
    .concat();
    let w = run(code, vec![0xaa, 0xbb]);
    assert_eq!(w.copy_events.len(), 5);
    let c = assert_passes(w);
    // A length changed on every row of the MCOPY.
    let mcopy = event_range(&c, 2);
    assert_rejected(&c, "the last byte has index length - 1", |c| {
        for row in &mut c.rows[mcopy.clone()] {
            row.claim.length += Fr::one();
        }
    });
    // A row moved out of its copy: the copy it left no longer runs from first to last.
    assert_rejected(&c, "the claim is the same on every row of a copy", |c| {
        c.rows[mcopy.start + 1].claim.dst_addr += Fr::one();
    });
    // An rw counter changed on one byte.
    assert_rejected(&c, "the read counter advances by this byte's read", |c| {
        c.rows[mcopy.start + 2].cells.rw_counter_read += Fr::one();
    });
}

#[test]
fn zero_length_copies_make_no_events() {
    let code = [
        op3(0x37, 0, 0, 0),
        op3(0x39, 0, 0, 0),
        op3(0x5e, 0, 0, 0),
        vec![0x60, 0x00, 0x60, 0x00, 0xa0], // LOG0(0, 0)
        vec![0x00],
    ]
    .concat();
    let w = run(code, vec![1]);
    assert!(w.copy_events.is_empty());
    assert_passes(w);
}

#[test]
fn a_fragment_without_its_first_row_is_rejected() {
    let w = run(
        [mstore_word(), op3(0x5e, 40, 0, 4), vec![0x00]].concat(),
        vec![],
    );
    let c = assert_passes(w);
    // Drop the first byte: the claim then speaks of bytes 1..4 only.
    assert_rejected(&c, "a row is first or continues the row before", |c| {
        c.rows.remove(0);
    });
}

#[test]
fn malformed_events_are_typed_errors() {
    let w = run(
        [mstore_word(), op3(0x5e, 40, 0, 4), vec![0x00]].concat(),
        vec![],
    );
    assert_eq!(rows_of::<Fr>(&w).expect("rows").len(), 4);
    assert_eq!(rows_needed(&w.copy_events), 6);
    let event = w.copy_events[0].clone();
    let bad_source = equivm_witness::CopyEvent {
        src_type: CopyDataType::Bytecode,
        src_id: 99,
        ..event.clone()
    };
    let log_source = equivm_witness::CopyEvent {
        src_type: CopyDataType::TxLog,
        ..event.clone()
    };
    let empty = equivm_witness::CopyEvent {
        bytes: vec![],
        ..event
    };
    for bad in [bad_source, log_source, empty] {
        let err = event_rows::<Fr>(0, &bad, &w.bytecodes, &w.rws).expect_err("rejected");
        assert!(matches!(
            err,
            crate::table::TableError::InvalidWitness { .. }
        ));
    }
}

#[test]
fn shape_degree_5_seven_lookups_one_row_per_byte() {
    use halo2_proofs::plonk::{Circuit, ConstraintSystem};
    let mut tables = ConstraintSystem::<Fr>::default();
    crate::table::CopyTable::configure(&mut tables);
    crate::table::RwTable::configure(&mut tables);
    crate::table::BytecodeTable::configure(&mut tables);
    crate::table::TxTable::configure(&mut tables);
    crate::table::KeccakTable::configure(&mut tables);
    let mut cs = ConstraintSystem::<Fr>::default();
    CopyCircuit::<Fr>::configure(&mut cs);
    assert_eq!(cs.degree(), 5);
    assert_eq!(cs.lookups().len(), 7);
    let own_advice = cs.num_advice_columns() - tables.num_advice_columns();
    assert_eq!(own_advice, 20);
    assert_eq!(cs.num_fixed_columns(), 2);
    let w = run(
        [mstore_word(), op3(0x5e, 40, 0, 10), vec![0x00]].concat(),
        vec![],
    );
    assert_eq!(rows_of::<Fr>(&w).expect("rows").len(), 10);
}
