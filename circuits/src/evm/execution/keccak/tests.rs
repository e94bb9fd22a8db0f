use super::super::test_util::*;
use super::KeccakGadget;
use crate::evm::EvmCircuit;
use crate::super_circuit::SuperCircuit;
use equivm_trace::revm::primitives::{keccak256, U256};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// The `(offset, size)` of each KECCAK256, in order: nothing, one byte, 33 bytes from 1
/// (grows the memory to two words), 140 bytes (two keccak blocks, grows to five words), and
/// nothing at a far offset.
const CASES: [(u64, u64); 5] = [(0, 0), (0, 1), (1, 33), (0, 140), (1 << 40, 0)];

/// MSTORE of 1..=32 at 0, then KECCAK256 and POP for each case, then STOP.
fn witness() -> Witness {
    let mut code = vec![0x7f];
    code.extend(1..=32u8);
    code.extend([0x5f, 0x52]);
    for (offset, size) in CASES {
        for v in [size, offset] {
            let bytes = v.to_be_bytes();
            let skip = bytes.iter().position(|b| *b != 0).unwrap_or(7);
            code.push(0x5f + (8 - skip) as u8);
            code.extend(&bytes[skip..]);
        }
        code.extend([0x20, 0x50]);
    }
    code.push(0x00);
    witness_of(code)
}

fn gadget() -> KeccakGadget<Fr> {
    (*config().gadgets.keccak).clone()
}

/// The slice of KECCAK256 number `n` and its witness.
fn circuit_of(w: &Witness, n: usize) -> EvmCircuit {
    let i = nth_step(w, ExecutionState::Keccak, n);
    slice(w, i..i + 1)
}

/// `w` with the hash KECCAK256 number `n` pushes (and the POP that reads it) replaced.
fn with_pushed_hash(mut w: Witness, n: usize, hash: U256) -> Witness {
    let i = nth_step(&w, ExecutionState::Keccak, n);
    let push = (w.steps[i].rw_counter + 2 - 1) as usize;
    let pop = (w.steps[i + 1].rw_counter - 1) as usize;
    for at in [push, pop] {
        w.rws[at].value = hash;
        w.rws[at].value_prev = if w.rws[at].is_write {
            w.rws[at].value_prev
        } else {
            hash
        };
    }
    w
}

#[test]
fn keccak_of_every_size_passes() {
    let w = witness();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    // The pushed hashes are revm's: keccak256 of the memory bytes.
    let memory: Vec<u8> = (1..=32u8).chain(std::iter::repeat_n(0, 200)).collect();
    for (n, (offset, size)) in CASES.into_iter().enumerate() {
        let i = nth_step(&w, ExecutionState::Keccak, n);
        let pushed = w.step_rws(&w.steps[i])[2].value;
        let input: &[u8] = if size == 0 {
            &[]
        } else {
            &memory[offset as usize..(offset + size) as usize]
        };
        assert_eq!(pushed, U256::from_be_bytes(keccak256(input).0), "case {n}");
    }
    assert_eq!(w.copy_events.len(), 3, "the empty inputs have no copy");
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn the_super_circuit_proves_the_hashes() {
    assert_eq!(super_circuit_verdict(witness()), Ok(()));
}

#[test]
fn a_hash_that_is_not_the_inputs_is_rejected() {
    // The 33-byte input: the copy claim names another hash than the keccak input's.
    let w = with_pushed_hash(witness(), 2, U256::from(1234));
    assert_rejected(verify(&circuit_of(&w, 2), vec![]), "EVM copy lookup");
    // The empty input: its hash is the constant.
    let w = with_pushed_hash(witness(), 0, U256::from(1234));
    assert_rejected(
        verify(&circuit_of(&w, 0), vec![]),
        "KECCAK256: size = 0: hash.lo = keccak256 of nothing",
    );
    let empty = U256::from_be_bytes(keccak256([]).0);
    let w = with_pushed_hash(witness(), 4, empty ^ (U256::from(1) << 200));
    assert_rejected(
        verify(&circuit_of(&w, 4), vec![]),
        "KECCAK256: size = 0: hash.hi = keccak256 of nothing",
    );
}

#[test]
fn another_input_in_the_keccak_table_is_rejected() {
    // The keccak circuit hashes the input it is given: with one byte of the 33-byte input
    // changed, the table holds another hash, and the copy of the bytes read under the
    // pushed hash finds no row.
    let mut c = SuperCircuit::new(witness(), None).expect("supported");
    let input = c
        .witness
        .keccak_inputs
        .iter_mut()
        .find(|i| i.len() == 33)
        .expect("the 33-byte input");
    let mut bytes = input.to_vec();
    bytes[0] ^= 1;
    *input = bytes.into();
    let instance = c.instance().expect("public inputs");
    let texts = crate::check::mock_check(c.params.k, &c, instance)
        .expect("synthesis")
        .expect_err("the pushed hash is not the table's");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("copy") || t.contains("COPY")),
        "{texts:#?}"
    );
}

#[test]
fn the_offset_and_size_are_the_popped_ones() {
    let w = witness();
    let g = gadget();
    assert_rejected(
        verify(&circuit_of(&w, 2), vec![cell(0, &g.offset_bytes[0], 2)]),
        "KECCAK256: nz·offset.lo = Σ_{j<4} offset_byte_j·256^j",
    );
    assert_rejected(
        verify(&circuit_of(&w, 2), vec![cell(0, &g.size_bytes[0], 32)]),
        "KECCAK256: size.lo = Σ_{j<4} size_byte_j·256^j",
    );
    // Claiming a non-empty input is empty skips the copy.
    assert!(verify(
        &circuit_of(&w, 1),
        vec![cell(0, &g.size_is_zero.is_zero, 1)]
    )
    .is_err());
}

#[test]
fn the_words_are_charged() {
    let w = witness();
    let g = gadget();
    // 140 bytes are 5 words; claiming 4 lowers the gas.
    assert!(verify(&circuit_of(&w, 3), vec![cell(0, &g.words.words[0], 4)]).is_err());
}
