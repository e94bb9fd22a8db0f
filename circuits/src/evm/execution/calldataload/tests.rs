use super::super::test_util::*;
use crate::evm::{
    assign::{word_of, Override},
    EvmCircuit,
};
use equivm_trace::{program::Program, revm::primitives::Address, revm::primitives::U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

const CALLDATALOAD: u8 = 0x35;

/// The witness of a call to `code` with call data `data`.
fn witness_with(code: Vec<u8>, data: Vec<u8>) -> Witness {
    let traced = Program::new(code).calldata(data).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// `PUSH32 offset CALLDATALOAD POP` for each offset, then STOP.
fn load_program(offsets: &[U256]) -> Vec<u8> {
    let mut code = Vec::new();
    for offset in offsets {
        code.push(0x7f);
        code.extend(offset.to_be_bytes::<32>());
        code.extend([CALLDATALOAD, 0x50]);
    }
    code.push(0x00);
    code
}

/// Call data of `len` non-zero bytes, all different within 255 positions.
fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 255) as u8 + 1).collect()
}

/// The slice from the first to the last CALLDATALOAD step of a call with `data` loading
/// at `offsets`, and the positions of those steps in the slice.
fn circuit(data: Vec<u8>, offsets: &[U256]) -> (EvmCircuit, Vec<usize>) {
    let w = witness_with(load_program(offsets), data);
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    let steps: Vec<usize> = w
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.execution_state == ExecutionState::CallDataLoad)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(steps.len(), offsets.len());
    let (first, last) = (steps[0], steps[steps.len() - 1]);
    let c = slice(&w, first..last + 1);
    (c, steps.iter().map(|i| i - first).collect())
}

/// The word pushed by the step at `index` of the slice.
fn pushed(c: &EvmCircuit, index: usize) -> U256 {
    c.witness.step_rws(&c.witness.steps[c.steps.start + index])[4].value
}

/// The yellow paper's CALLDATALOAD: 32 bytes of `data` from `offset`, zero past the end.
fn reference(data: &[u8], offset: U256) -> U256 {
    let mut word = [0u8; 32];
    if let Ok(start) = usize::try_from(offset) {
        for (j, byte) in word.iter_mut().enumerate() {
            if let Some(b) = start.checked_add(j).and_then(|p| data.get(p)) {
                *byte = *b;
            }
        }
    }
    U256::from_be_bytes(word)
}

/// Offsets 0, 1, len - 1, len, len + 5, 2^64 - 1, 2^64, 2^128, 2^128 + 1, 2^256 - 1
/// (without repeats).
fn offsets(len: usize) -> Vec<U256> {
    let one = U256::from(1);
    let mut v = vec![U256::ZERO, one];
    if len > 0 {
        v.push(U256::from(len - 1));
    }
    v.extend([
        U256::from(len),
        U256::from(len + 5),
        (one << 64) - one,
        one << 64,
        one << 128,
        (one << 128) + one,
        U256::MAX,
    ]);
    let mut out = Vec::new();
    for o in v {
        if !out.contains(&o) {
            out.push(o);
        }
    }
    out
}

#[test]
fn loads_match_the_reference_for_every_length_and_offset() {
    for len in [0, 1, 31, 32, 33, 100] {
        let d = data(len);
        let offs = offsets(len);
        let (c, steps) = circuit(d.clone(), &offs);
        for (offset, &s) in offs.iter().zip(&steps) {
            assert_eq!(
                pushed(&c, s),
                reference(&d, *offset),
                "len {len} offset {offset}"
            );
        }
        assert_eq!(verify(&c, vec![]), Ok(()), "len {len}");
    }
}

#[test]
fn a_creation_sees_no_call_data() {
    // Init code `PUSH0 CALLDATALOAD STOP`: the tx data is the init code, CALLDATALOAD
    // still reads an empty input and pushes 0.
    let code = vec![0x5f, CALLDATALOAD, 0x00];
    let traced = Program::new(code).create().trace();
    let w = equivm_witness::build_witness(&traced.trace).expect("witness builds");
    let s = nth_step(&w, ExecutionState::CallDataLoad, 0);
    assert_eq!(
        w.step_rws(&w.steps[s])[3].value,
        U256::ZERO,
        "CallDataLength"
    );
    assert_eq!(w.step_rws(&w.steps[s])[4].value, U256::ZERO);
    let c = slice(&w, s..s + 1);
    assert_eq!(verify(&c, vec![]), Ok(()));
}

/// A context-lookup column of row `row` of step 0.
fn context(
    column: halo2_proofs::plonk::Column<halo2_proofs::plonk::Advice>,
    row: usize,
    value: u64,
) -> Override<Fr> {
    Override::Cell {
        step: 0,
        column,
        rotation: row,
        value: Fr::from(value),
    }
}

/// Step 0 pushes `value` instead.
fn push(value: U256) -> Vec<Override<Fr>> {
    let w = word_of::<Fr>(value);
    [("value_lo", w.lo), ("value_hi", w.hi)]
        .map(|(field, value)| Override::Rw {
            step: 0,
            access: 4,
            field,
            value,
        })
        .to_vec()
}

/// `value` with big-endian byte `j` set to `b`.
fn with_byte(value: U256, j: usize, b: u8) -> U256 {
    let mut be = value.to_be_bytes::<32>();
    be[j] = b;
    U256::from_be_bytes(be)
}

/// One CALLDATALOAD at `offset` of 33 bytes of data.
fn one_load(offset: u64) -> EvmCircuit {
    circuit(data(33), &[U256::from(offset)]).0
}

#[test]
fn a_changed_result_is_rejected() {
    let c = one_load(2);
    let honest = pushed(&c, 0);
    assert_rejected(
        verify(&c, push(honest + U256::from(1))),
        "CALLDATALOAD: result.lo = Σ_{j≥16} b_j·256^(31-j)",
    );
    assert_rejected(
        verify(&c, push(with_byte(honest, 0, 0))),
        "CALLDATALOAD: result.hi = Σ_{j<16} b_j·256^(15-j)",
    );
}

#[test]
fn a_byte_from_another_position_is_rejected() {
    // Byte 5 of the word at offset 2 is data[7]; take data[8] instead, through a real tx-table
    // row (tx_id, CallData, 8, data[8]): the lookup holds, the index does not.
    let c = one_load(2);
    let d = data(33);
    let ctx = config().columns.context;
    let mut o = vec![
        context(ctx.index, 5, 8),
        context(ctx.value.lo, 5, d[8].into()),
    ];
    o.extend(push(with_byte(pushed(&c, 0), 5, d[8])));
    let texts = failure_texts(verify(&c, o));
    assert_only(
        &texts,
        "CALLDATALOAD: tx lookup #5 (CallData): index = enable·index",
    );
}

#[test]
fn a_byte_past_the_end_cannot_be_non_zero() {
    // Offset 30 of 33 bytes: bytes 3.. of the word are past the end and must be 0.
    let c = one_load(30);
    let ctx = config().columns.context;
    // Claimed on a switched-off row: only the zero row has tag 0.
    let mut o = vec![context(ctx.value.lo, 10, 0x55)];
    o.extend(push(with_byte(pushed(&c, 0), 10, 0x55)));
    let texts = failure_texts(verify(&c, o));
    assert_only(&texts, "EVM tx lookup");
    // Claimed with the key it would have: the row is off, its key must be zero.
    let mut o = vec![
        context(ctx.id, 3, 1),
        context(ctx.tag, 3, crate::table::TxFieldTag::CallData as u64),
        context(ctx.index, 3, 33),
        context(ctx.value.lo, 3, 0x55),
    ];
    o.extend(push(with_byte(pushed(&c, 0), 3, 0x55)));
    assert_rejected(
        verify(&c, o),
        "CALLDATALOAD: tx lookup #3 (CallData): tx_id = enable·tx_id",
    );
}

#[test]
fn an_overstated_byte_count_is_rejected() {
    // Offset 30 of 33 bytes: k = 3. Claim k = 4 (a fourth byte, position 33, past the end).
    let c = one_load(30);
    let g = config().gadgets.calldataload;
    let ctx = config().columns.context;
    let claim_byte = [
        context(ctx.id, 3, 1),
        context(ctx.tag, 3, crate::table::TxFieldTag::CallData as u64),
        context(ctx.index, 3, 33),
        context(ctx.value.lo, 3, 0x55),
    ];
    let mut o = vec![cell(0, &g.sel[3], 0), cell(0, &g.sel[4], 1)];
    o.extend(claim_byte.clone());
    o.extend(push(with_byte(pushed(&c, 0), 3, 0x55)));
    assert_rejected(verify(&c, o.clone()), "CALLDATALOAD: Σ i·sel_i = k = u·v");
    // ... with v = min(D, 32) claimed 4 as well.
    o.push(cell(0, &g.v, 4));
    assert_rejected(
        verify(&c, o.clone()),
        "CALLDATALOAD: v = lt32·D + (1 - lt32)·32",
    );
    // ... and D = len - off claimed 4 (its bytes): the difference is bound to len and off.
    o.push(cell(0, &g.d_bytes[0], 4));
    o.extend(
        g.e_bytes
            .iter()
            .zip((4u64.wrapping_sub(32)).to_le_bytes())
            .map(|(e, b)| cell(0, e, b.into())),
    );
    assert_rejected(
        verify(&c, o),
        "CALLDATALOAD: len - off + neg·2^64 = Σ d_byte_i·256^i (8 bytes)",
    );
}

#[test]
fn a_large_offset_loads_nothing() {
    // Offset 2^128 + 1 with 33 bytes: off = 1 in the low 8 bytes, but the offset is not small.
    let (c, _) = circuit(data(33), &[(U256::from(1) << 128) + U256::from(1)]);
    assert_eq!(pushed(&c, 0), U256::ZERO);
    let g = config().gadgets.calldataload;
    // Claim the offset small: its high limb is not zero.
    let o = vec![cell(0, &g.small.is_zero, 1), cell(0, &g.u, 1)];
    assert_rejected(
        verify(&c, o),
        "CALLDATALOAD: offset_high is zero: offset_high.hi · is_zero = 0",
    );
}

#[test]
fn the_length_read_is_the_context_s() {
    let c = one_load(0);
    // The read claims a longer call data (value and value_prev alike, as a read has them):
    // the rw table holds the length BeginTx wrote.
    let o = ["value_lo", "value_prev_lo"].map(|field| Override::Rw {
        step: 0,
        access: 3,
        field,
        value: Fr::from(1000),
    });
    assert!(verify(&c, o.to_vec()).is_err());
}

/// The root stores 32 bytes at 0 and calls a callee with 20 of them (memory 4..24) as call
/// data; the callee loads words at each of `offsets` and stops.
fn callee_loads(offsets: &[u8]) -> Witness {
    let callee = Address::repeat_byte(0xcc);
    let mut code = vec![0x7f];
    code.extend((1..=32).collect::<Vec<u8>>());
    code.extend([0x5f, 0x52]); // PUSH32 .. PUSH0 MSTORE
                               // CALL(gas 0xffff, callee, value 0, args 4..24, ret 0..0)
    code.extend([0x5f, 0x5f, 0x60, 20, 0x60, 4, 0x5f, 0x73]);
    code.extend_from_slice(callee.as_slice());
    code.extend([0x61, 0xff, 0xff, 0xf1, 0x00]);
    let mut body = Vec::new();
    for off in offsets {
        body.extend([0x60, *off, CALLDATALOAD, 0x50]);
    }
    body.push(0x00);
    let traced = Program::new(code).with_account(callee, body).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

#[test]
fn a_callee_loads_its_caller_s_memory() {
    // Inside, across the end, at the end and past it.
    let w = callee_loads(&[0, 3, 19, 20, 200]);
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    let first = nth_step(&w, ExecutionState::CallDataLoad, 0);
    let words: Vec<u8> = (5..=24).collect();
    assert_eq!(
        w.step_rws(&w.steps[first])[4].value,
        reference(&words, U256::ZERO)
    );
    let across = nth_step(&w, ExecutionState::CallDataLoad, 1);
    assert_eq!(w.steps[across].rw_count, 5 + 17);
    assert_eq!(
        w.step_rws(&w.steps[across])[4].value,
        reference(&words, U256::from(3))
    );
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn a_callee_s_load_is_its_caller_s_bytes() {
    let w = callee_loads(&[3]);
    let i = nth_step(&w, ExecutionState::CallDataLoad, 0);
    let c = slice(&w, 0..w.steps.len());
    // Another word pushed: the memory bytes read make the word.
    let value = w.step_rws(&w.steps[i])[4].value ^ U256::from(1);
    let o = [("value_lo", word_of::<Fr>(value).lo)].map(|(field, value)| Override::Rw {
        step: i,
        access: 4,
        field,
        value,
    });
    assert!(verify(&c, o.to_vec()).is_err());
    // A byte inside the data that is not read: the count of reads is fixed by the offset.
    let g = &config().gadgets.calldataload;
    let o = vec![cell(i, &g.sel[17], 0), cell(i, &g.sel[16], 1)];
    assert!(verify(&c, o).is_err());
}

#[test]
fn the_state_is_bound_to_the_opcode() {
    let o = Override::ExecutionState {
        step: 0,
        state: ExecutionState::Msize,
    };
    assert_rejected(verify(&one_load(0), vec![o]), "EVM responsible opcode");
}

#[test]
fn a_whole_block_with_calldataload_passes() {
    // BeginTx to EndBlock: the load reads tx 1's data through the block's tx table.
    let d = data(40);
    let offs = [U256::from(8)];
    let w = witness_with(load_program(&offs), d.clone());
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    let s = nth_step(&w, ExecutionState::CallDataLoad, 0);
    assert_eq!(w.step_rws(&w.steps[s])[4].value, reference(&d, offs[0]));
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}
