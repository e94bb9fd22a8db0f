use super::super::test_util::*;
use super::BlockCtxGadget;
use crate::evm::{assign::Override, EvmCircuit};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// Each block opcode then POP, then STOP.
fn witness() -> Witness {
    let mut code = Vec::new();
    for op in [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x48, 0x4a] {
        code.extend([op, 0x50]);
    }
    code.push(0x00);
    witness_of(code)
}

fn circuit(n: usize) -> EvmCircuit {
    let w = witness();
    let i = nth_step(&w, ExecutionState::BlockCtx, n);
    slice(&w, i..i + 1)
}

fn gadget() -> BlockCtxGadget<Fr> {
    (*config().gadgets.block_ctx).clone()
}

fn pushed_lo(value: Fr) -> Override<Fr> {
    Override::Rw {
        step: 0,
        access: 0,
        field: "value_lo",
        value,
    }
}

#[test]
fn every_block_opcode_passes() {
    let w = witness();
    assert!(EvmCircuit::unsupported_steps(&w).is_empty());
    // One slice of every step proves each of them.
    assert_eq!(verify(&slice(&w, 0..w.steps.len()), vec![]), Ok(()));
}

#[test]
fn the_pushed_value_is_the_block_field() {
    for n in [0, 2, 5] {
        let c = circuit(n);
        let honest = c.witness.step_rws(&c.witness.steps[c.steps.start])[0].value;
        let forged = Fr::from(honest.as_limbs()[0].wrapping_add(1));
        assert_rejected(
            verify(&c, vec![pushed_lo(forged)]),
            "BLOCK_CTX: pushed = block field (lo)",
        );
    }
}

#[test]
fn the_block_field_is_the_opcode_s() {
    // NUMBER's step claiming to be TIMESTAMP: the opcode sum no longer matches.
    let g = gadget();
    let o = vec![cell(0, &g.opcode.sel[2], 0), cell(0, &g.opcode.sel[1], 1)];
    assert_rejected(verify(&circuit(2), o), "BLOCK_CTX: Σ sel_i·op_i = opcode");
}

#[test]
fn the_context_row_is_a_block_table_row() {
    // The lookup row's value changed together with the push: no block row holds it.
    let ctx = config().columns.context;
    let c = circuit(1);
    let o = vec![
        pushed_lo(Fr::from(77)),
        Override::Cell {
            step: 0,
            column: ctx.value.lo,
            rotation: 0,
            value: Fr::from(77),
        },
    ];
    assert_rejected(verify(&c, o), "block");
}

#[test]
fn a_block_opcode_costs_2() {
    let c = circuit(3);
    let gas = c.witness.steps[c.steps.start].gas_left;
    let o = Override::StepState {
        step: 1,
        field: "gas_left",
        value: Fr::from(gas - 3),
    };
    assert_rejected(
        verify(&c, vec![o]),
        "BLOCK_CTX: next.gas_left = gas_left + delta",
    );
}
