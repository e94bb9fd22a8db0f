//! Test harness for the execution gadgets: real traces, slices of their steps, and the
//! override hook.

use crate::evm::{assign::Override, EvmCircuit, EvmCircuitConfig};
use equivm_trace::program::Program;
use equivm_trace::revm::primitives::U256;
use equivm_witness::{ExecutionState, Witness};
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner},
    plonk::{Circuit, Column, ConstraintSystem, Error, Fixed},
};
use halo2curves::bn256::Fr;
use std::ops::Range;
use std::sync::OnceLock;

/// The smallest k: the fixed table's small tags take 1,886 rows.
pub(crate) const K: u32 = 11;

/// The circuit's configuration (to name gadget cells and columns in overrides).
pub(crate) fn config() -> EvmCircuitConfig<Fr> {
    static CONFIG: OnceLock<EvmCircuitConfig<Fr>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut meta = ConstraintSystem::<Fr>::default();
            EvmCircuit::configure(&mut meta)
        })
        .clone()
}

/// The witness of a call to `code`.
pub(crate) fn witness_of(code: Vec<u8>) -> Witness {
    let traced = Program::new(code).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// Index of the `n`-th step (from 0) in `state`.
pub(crate) fn nth_step(witness: &Witness, state: ExecutionState, n: usize) -> usize {
    witness
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.execution_state == state)
        .nth(n)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no step {n} in {state:?}"))
}

/// The EVM circuit on `steps` with overrides applied after the honest assignment; with
/// `block`, every step of the witness assigned as a whole block (`q_block` = 1).
#[derive(Clone, Debug)]
pub(crate) struct Tampered {
    pub circuit: EvmCircuit,
    pub overrides: Vec<Override<Fr>>,
    pub block: bool,
}

impl Circuit<Fr> for Tampered {
    type Config = EvmCircuitConfig<Fr>;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        EvmCircuit::configure(meta)
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        let c = &self.circuit;
        config
            .tables
            .load(&mut layouter, &c.witness, &c.table_capacities())?;
        if self.block {
            config.assign_block(&mut layouter, &c.witness, c.capacity, &self.overrides)?;
        } else {
            config.assign(
                &mut layouter,
                &c.witness,
                c.steps.clone(),
                c.capacity,
                &self.overrides,
            )?;
        }
        Ok(())
    }
}

/// MockProver's verdict on every step of `witness` assigned as a whole block, with
/// `overrides`.
pub(crate) fn verify_block(
    witness: &Witness,
    overrides: Vec<Override<Fr>>,
) -> Result<(), Vec<String>> {
    let probe = EvmCircuit::new(witness.clone(), 0);
    let rows = probe.rows_needed().expect("every step has a gadget");
    let circuit = EvmCircuit::new(witness.clone(), rows + 1);
    let instance = circuit.instance();
    let tampered = Tampered {
        circuit,
        overrides,
        block: true,
    };
    crate::check::mock_check(K, &tampered, instance).expect("synthesis succeeds")
}

/// The slice circuit of `steps` with two rows of padding.
pub(crate) fn slice(witness: &Witness, steps: Range<usize>) -> EvmCircuit {
    let probe = EvmCircuit::for_steps(witness.clone(), steps.clone(), 0);
    let rows = probe.rows_needed().expect("every step has a gadget");
    EvmCircuit::for_steps(witness.clone(), steps, rows + 1)
}

/// The slice circuit of every step of `w`, which must all have a gadget.
pub(crate) fn whole(w: &Witness) -> EvmCircuit {
    let unsupported = EvmCircuit::unsupported_steps(w);
    assert!(unsupported.is_empty(), "{unsupported:?}");
    slice(w, 0..w.steps.len())
}

/// MockProver's verdict on `circuit` with `overrides`.
pub(crate) fn verify(
    circuit: &EvmCircuit,
    overrides: Vec<Override<Fr>>,
) -> Result<(), Vec<String>> {
    verify_k(circuit, overrides, K)
}

/// [`verify`] at `k` (for slices longer than `K` holds).
pub(crate) fn verify_k(
    circuit: &EvmCircuit,
    overrides: Vec<Override<Fr>>,
    k: u32,
) -> Result<(), Vec<String>> {
    let instance = circuit.instance();
    let tampered = Tampered {
        circuit: circuit.clone(),
        overrides,
        block: false,
    };
    // MockProver's verdict (its lookups, gates and copy constraints on every usable row),
    // reached faster: see [`crate::check`].
    crate::check::mock_check(k, &tampered, instance).expect("synthesis succeeds")
}

/// The super circuit of `witness` (every circuit, at the smallest `k`) under MockProver's
/// verdict ([`crate::check::mock_check`]).
pub(crate) fn super_circuit_verdict(witness: Witness) -> Result<(), Vec<String>> {
    let circuit = crate::super_circuit::SuperCircuit::new(witness, None).expect("supported");
    let instance = circuit.instance().expect("public inputs");
    crate::check::mock_check(circuit.params.k, &circuit, instance).expect("synthesis")
}

/// Asserts that `result` failed with a failure naming `needle`.
pub(crate) fn assert_rejected(result: Result<(), Vec<String>>, needle: &str) {
    match result {
        Ok(()) => panic!("tampered witness accepted; expected a failure naming {needle:?}"),
        Err(failures) => {
            assert!(
                failures.iter().any(|t| t.contains(needle)),
                "no failure names {needle:?}: {failures:#?}"
            );
        }
    }
}

/// The failures of `result` as text (empty if it passed).
pub(crate) fn failure_texts(result: Result<(), Vec<String>>) -> Vec<String> {
    result.err().unwrap_or_default()
}

/// Asserts that `texts` name `needle` and none names `absent`.
pub(crate) fn assert_named_not(texts: &[String], needle: &str, absent: &str) {
    assert!(
        texts.iter().any(|t| t.contains(needle)),
        "no failure names {needle:?}: {texts:#?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains(absent)),
        "a failure names {absent:?}: {texts:#?}"
    );
}

/// Edge operands for the arithmetic gadgets: 0, 1, 2, 2^255, 2^256 - 1, 2^128 + 3,
/// 2^255 - 1, 7.
pub(crate) fn edge_operands() -> Vec<U256> {
    vec![
        U256::ZERO,
        U256::from(1),
        U256::from(2),
        U256::from(1) << 255,
        U256::MAX,
        (U256::from(1) << 128) + U256::from(3),
        (U256::from(1) << 255) - U256::from(1),
        U256::from(7),
    ]
}

/// `n` pseudo-random words (xorshift64 from `seed`), with random byte lengths so that small
/// and large operands both occur.
pub(crate) fn random_operands(seed: u64, n: usize) -> Vec<U256> {
    let mut state = seed.max(1);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|_| {
            let len = (next() % 33) as usize;
            let mut bytes = [0u8; 32];
            for b in bytes.iter_mut().take(len) {
                *b = next() as u8;
            }
            U256::from_le_bytes(bytes)
        })
        .collect()
}

/// A program that pushes `values` (at most 13), then for each operand list (top of stack
/// first, indices into `values`) copies the operands up with DUPs, runs `opcode` and pops
/// its result; STOP.
pub(crate) fn operand_program(values: &[U256], operands: &[Vec<usize>], opcode: u8) -> Vec<u8> {
    assert!(values.len() <= 13, "DUP reaches 16 items deep");
    let mut code = Vec::new();
    for v in values {
        code.push(0x7f);
        code.extend(v.to_be_bytes::<32>());
    }
    for list in operands {
        for (pushed, &i) in list.iter().rev().enumerate() {
            let depth = values.len() - i + pushed;
            code.push(0x80 + depth as u8 - 1);
        }
        code.extend([opcode, 0x50]);
    }
    code.push(0x00);
    code
}

/// Every ordered pair of indices below `n`.
pub(crate) fn all_pairs(n: usize) -> Vec<Vec<usize>> {
    (0..n)
        .flat_map(|i| (0..n).map(move |j| vec![i, j]))
        .collect()
}

/// The slice of every step in `state` of the trace of `code` (from the first such step to
/// the last), and the indices in the slice of those steps.
pub(crate) fn state_slice(code: Vec<u8>, state: ExecutionState) -> (EvmCircuit, Vec<usize>) {
    let w = witness_of(code);
    let steps: Vec<usize> = w
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.execution_state == state)
        .map(|(i, _)| i)
        .collect();
    let (first, last) = (steps[0], steps[steps.len() - 1]);
    let circuit = slice(&w, first..last + 1);
    (circuit, steps.iter().map(|i| i - first).collect())
}

/// Overrides of 32 byte cells of step `step` with the bytes of `value`.
pub(crate) fn word_overrides(
    step: usize,
    cells: &[crate::evm::cell::Cell<Fr>; 32],
    value: U256,
) -> Vec<Override<Fr>> {
    cells
        .iter()
        .zip(value.to_le_bytes::<32>())
        .map(|(cell, byte)| Override::Cell {
            step,
            column: cell.column,
            rotation: cell.rotation,
            value: Fr::from(u64::from(byte)),
        })
        .collect()
}

/// Asserts that `texts` name `needle` and that every other failure is an rw lookup (the
/// slice's rw table keeps the honest values of tampered accesses).
pub(crate) fn assert_only(texts: &[String], needle: &str) {
    assert!(
        texts.iter().any(|t| t.contains(needle)),
        "no failure names {needle:?}: {texts:#?}"
    );
    assert!(
        texts
            .iter()
            .all(|t| t.contains(needle) || t.contains("EVM rw lookup")),
        "failures other than {needle:?}: {texts:#?}"
    );
}

/// An override of gadget cell `cell` of step `step` with `value`.
pub(crate) fn cell(step: usize, cell: &crate::evm::cell::Cell<Fr>, value: u64) -> Override<Fr> {
    Override::Cell {
        step,
        column: cell.column,
        rotation: cell.rotation,
        value: Fr::from(value),
    }
}

/// Whether `q_usable` (queried at the current row) is a factor of `e`.
fn has_usable_factor(e: &halo2_proofs::plonk::Expression<Fr>, q_usable: Column<Fixed>) -> bool {
    use halo2_proofs::plonk::Expression as E;
    match e {
        E::Fixed(q) => q.column_index() == q_usable.index() && q.rotation().0 == 0,
        E::Product(a, b) => has_usable_factor(a, q_usable) || has_usable_factor(b, q_usable),
        E::Scaled(a, _) | E::Negated(a) => has_usable_factor(a, q_usable),
        _ => false,
    }
}

#[test]
fn every_evm_gate_has_the_usable_factor() {
    // What lets the gate check skip, at one factor's cost, every row no step reaches.
    let mut meta = ConstraintSystem::<Fr>::default();
    let config = EvmCircuit::configure(&mut meta);
    let q_usable = config.columns.fixed.q_usable;
    // `q_chunk` is 0 wherever `q_usable` is (both are set on the usable rows only): as good
    // a factor for skipping rows.
    let q_chunk = config.columns.fixed.q_chunk;
    let mut checked = 0;
    for gate in meta.gates() {
        for (i, poly) in gate.polynomials().iter().enumerate() {
            assert!(
                has_usable_factor(poly, q_usable) || has_usable_factor(poly, q_chunk),
                "{} polynomial {i} ({}) lacks the q_usable factor",
                gate.name(),
                gate.constraint_name(i)
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} polynomials");
}

/// Code that stores `init` (at most 32 bytes) at the end of memory word 0, runs
/// `CREATE(value, 32 - len, len)` (or CREATE2 with `salt`), then runs `after`.
pub(crate) fn creator_code(init: &[u8], value: u8, salt: Option<u8>, after: &[u8]) -> Vec<u8> {
    assert!(!init.is_empty() && init.len() <= 32);
    let n = init.len() as u8;
    let mut code = vec![0x5f + n];
    code.extend(init);
    code.extend([0x5f, 0x52]);
    if let Some(salt) = salt {
        code.extend([0x60, salt]);
    }
    code.extend([0x60, n, 0x60, 32 - n, 0x60, value]);
    code.push(if salt.is_some() { 0xf5 } else { 0xf0 });
    code.extend(after);
    code
}
