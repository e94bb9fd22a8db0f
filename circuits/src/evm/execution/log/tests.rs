use super::super::test_util::*;
use super::LogGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecutionState, RwTag, Witness};
use halo2curves::bn256::Fr;

/// Pushes `v` as a PUSH32.
fn push(code: &mut Vec<u8>, v: U256) {
    code.push(0x7f);
    code.extend(v.to_be_bytes::<32>());
}

/// MSTORE of 32 bytes at 0, then LOG0..LOG4 with (offset, size): LOG0 (0, 32), LOG1 (3, 7),
/// LOG2 (2^100, 0), LOG3 (0x40, 0x21) grown, LOG4 (31, 1); topics `0x1100 + i` (LOG4's last
/// is 2^256 - 1); then `end` (STOP, or REVERT(0, 0) so that nothing is persistent).
fn program(end: &[u8]) -> Vec<u8> {
    let logs = [
        (0u8, U256::ZERO, U256::from(32)),
        (1, U256::from(3), U256::from(7)),
        (2, U256::from(1) << 100, U256::ZERO),
        (3, U256::from(0x40), U256::from(0x21)),
        (4, U256::from(31), U256::from(1)),
    ];
    let mut code = vec![0x7f];
    code.extend(1..=32u8);
    code.extend([0x5f, 0x52]);
    for (n, offset, size) in logs {
        for i in (0..n).rev() {
            let topic = if n == 4 && i == 3 {
                U256::MAX
            } else {
                U256::from(0x1100 + u64::from(i))
            };
            push(&mut code, topic);
        }
        push(&mut code, size);
        push(&mut code, offset);
        code.push(0xa0 + n);
    }
    code.extend(end);
    code
}

fn witness() -> Witness {
    witness_of(program(&[0x00]))
}

fn reverted() -> Witness {
    witness_of(program(&[0x5f, 0x5f, 0xfd]))
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::Log, n);
    slice(&w, i..i + 1)
}

fn gadget() -> LogGadget<Fr> {
    (*config().gadgets.log).clone()
}

fn rw(access: usize, field: &'static str, value: u64) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access,
        field,
        value: Fr::from(value),
    }
}

#[test]
fn logs_of_every_topic_count_pass() {
    let w = witness();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    let logs = w.rws.iter().filter(|rw| rw.tag == RwTag::TxLog).count();
    // Addresses 5, topics 0+1+2+3+4 = 10, data 32+7+0+33+1 = 73.
    assert_eq!(logs, 5 + 10 + 73);
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn logs_of_a_reverted_call_write_nothing_and_pass() {
    let w = reverted();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    assert_eq!(w.rws.iter().filter(|rw| rw.tag == RwTag::TxLog).count(), 0);
    assert!(w.copy_events.is_empty(), "nothing is copied");
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn the_super_circuit_proves_the_logged_bytes() {
    for w in [witness(), reverted()] {
        assert_eq!(super_circuit_verdict(w), Ok(()));
    }
}

#[test]
fn a_topic_is_the_popped_one() {
    // LOG2: rows 2, 3 pop the topics; row 11 writes topic 0.
    assert_rejected(
        verify(&circuit(2), vec![rw(11, "value_lo", 0x1101)]),
        "LOG: log topic 0 = popped topic 0",
    );
    // LOG4's last topic is 2^256 - 1: its hi limb is checked too.
    assert_rejected(
        verify(&circuit(4), vec![rw(14, "value_hi", 0)]),
        "LOG: log topic 3 = popped topic 3",
    );
}

#[test]
fn the_log_address_is_the_callee() {
    assert_rejected(
        verify(&circuit(0), vec![rw(10, "value_lo", 7)]),
        "LOG: log address = CalleeAddress",
    );
}

#[test]
fn every_topic_of_a_persistent_log_is_written() {
    // Claiming LOG3's topic 2 is not written drops an access the witness made.
    let g = gadget();
    assert_rejected(
        verify(&circuit(3), vec![cell(0, &g.topic_written[2], 0)]),
        "LOG: w_2 = p·t_2",
    );
}

#[test]
fn the_topic_count_is_the_opcode_s() {
    // LOG1 claimed to be LOG0: its topic pop would be off.
    let g = gadget();
    assert_rejected(
        verify(
            &circuit(1),
            vec![cell(0, &g.select.sel[1], 0), cell(0, &g.select.sel[0], 1)],
        ),
        "LOG: Σ sel_i·op_i = opcode",
    );
}

#[test]
fn the_log_takes_the_next_log_id() {
    let c = circuit(1);
    let log_id = c.witness.steps[c.steps.start].log_id;
    let same = Override::StepState {
        step: 1,
        field: "log_id",
        value: Fr::from(log_id),
    };
    assert_rejected(verify(&c, vec![same]), "LOG: next.log_id");
    // The written entries carry log_id + 1 as their key.
    assert_rejected(verify(&c, vec![rw(10, "key_lo", log_id)]), "LOG");
}

#[test]
fn the_data_is_copied_when_persistent() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(0), vec![cell(0, &g.copy_on, 0)]),
        "LOG: copy_on = p·nz",
    );
    assert_rejected(
        verify(&circuit(0), vec![cell(0, &g.log_bytes, 0)]),
        "LOG: log_bytes = p·size",
    );
}

#[test]
fn the_offset_and_size_are_the_popped_ones() {
    let g = gadget();
    assert_rejected(
        verify(&circuit(1), vec![cell(0, &g.offset_bytes[0], 4)]),
        "LOG: nz·offset.lo = Σ_{j<4} offset_byte_j·256^j",
    );
    assert_rejected(
        verify(&circuit(1), vec![cell(0, &g.size_bytes[0], 6)]),
        "LOG: size.lo = Σ_{j<4} size_byte_j·256^j",
    );
}

#[test]
fn topics_and_bytes_are_charged() {
    // LOG3 of 0x21 bytes at 0x40: 375 + 3·375 + 8·0x21 + growth 3 → 4 words.
    let c = circuit(3);
    let gas = c.witness.steps[c.steps.start + 1].gas_left;
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(gas + 375),
    };
    assert_rejected(verify(&c, vec![o]), "LOG: next.gas_left");
}

#[test]
fn the_copy_s_accesses_advance_the_rw_counter() {
    // LOG0 of 32 bytes: 2 pops, 4 reads, the address, then 64 copy accesses.
    let c = circuit(0);
    let rwc = c.witness.steps[c.steps.start].rw_counter;
    assert_eq!(
        c.witness.steps[c.steps.start + 1].rw_counter,
        rwc + 7 + 64,
        "the witness's counter"
    );
    let o = Override::StepState {
        step: 1,
        field: "rw_counter",
        value: Fr::from(rwc + 7 + 32),
    };
    assert_rejected(verify(&c, vec![o]), "LOG: next.rw_counter");
}

#[test]
fn a_reverted_log_cannot_claim_persistence() {
    // The IsPersistent read (row 9) turned to 1: the rw table says 0.
    let w = reverted();
    let i = nth_step(&w, ExecutionState::Log, 0);
    let c = slice(&w, i..i + 1);
    assert_rejected(verify(&c, vec![rw(9, "value_lo", 1)]), "rw lookup");
}

#[test]
fn a_switched_off_pop_has_no_rw_entry() {
    // LOG0's unused topic row 2 claiming an access.
    assert_rejected(
        verify(&circuit(0), vec![rw(2, "rw_counter", 5)]),
        "RW: a row without rw access is zero",
    );
}
