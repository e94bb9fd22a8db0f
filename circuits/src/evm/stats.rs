//! Costs of the EVM circuit as data: per supported execution state its height, cells and
//! lookups, and the circuit's column, lookup and degree totals (for `equivm stats`).
//!
//! Measured by configuring the circuit into a fresh constraint system; nothing is proved.

use super::{
    columns::{BYTECODE_LANES, BYTE_WIDTH, FIXED_LANES, PLAIN_WIDTH},
    constraint_builder::StepLayout,
    step::{NUM_STATES, SELECTOR_GROUPS, SELECTOR_K},
    EvmCircuit, EvmCircuitConfig,
};
use crate::table::Tables;
use equivm_witness::ExecutionState;
use halo2_proofs::plonk::{Circuit, ConstraintSystem};
use halo2curves::bn256::Fr;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Costs of one execution state's gadget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateStats {
    /// Execution state (`Debug` name).
    pub state: String,
    /// Gadget name.
    pub gadget: String,
    /// Rows per step.
    pub height: usize,
    /// Cells the gadget allocated (plain + byte).
    pub cells: usize,
    /// Byte cells among them (each range-checked by a lookup).
    pub byte_cells: usize,
    /// Rw lookups per step.
    pub rw_lookups: usize,
    /// Bytecode lane lookups per step (the opcode lookup at `pc` not counted).
    pub bytecode_lookups: usize,
    /// Fixed lane lookups per step (byte-cell range checks not counted).
    pub fixed_lookups: usize,
    /// Constraints of the gadget's gate.
    pub constraints: usize,
}

/// Costs of the whole EVM circuit (the shared tables' columns included in the totals).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvmStats {
    /// Advice columns, all of the circuit (EVM and tables).
    pub advice_columns: usize,
    /// Advice columns of the EVM circuit alone.
    pub evm_advice_columns: usize,
    /// Fixed columns.
    pub fixed_columns: usize,
    /// Instance columns.
    pub instance_columns: usize,
    /// Lookup arguments.
    pub lookups: usize,
    /// Maximum degree of the gates and lookups (uncapped). halo2-axiom caps the degree
    /// it proves with at `MAX_DEGREE` (default 5), so this must stay at or below 5.
    pub degree: usize,
    /// Execution-state selector: "two-level one-hot".
    pub selector: String,
    /// Selector columns (`groups + K`) for the number of states.
    pub selector_columns: usize,
    /// Number of execution states.
    pub num_states: usize,
    /// Plain cell columns, byte cell columns, bytecode lanes.
    pub cell_columns: (usize, usize, usize),
    /// Fixed lanes (fixed-table lookups per row).
    pub fixed_lanes: usize,
    /// Per supported state.
    pub states: Vec<StateStats>,
    /// The whole super circuit (EVM, state circuit, shared and public tables).
    pub super_circuit: SuperCircuitStats,
}

/// Costs of the super circuit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuperCircuitStats {
    /// Advice columns.
    pub advice_columns: usize,
    /// Advice columns of the state circuit alone (the rw table not counted).
    pub state_advice_columns: usize,
    /// Fixed columns.
    pub fixed_columns: usize,
    /// Instance columns.
    pub instance_columns: usize,
    /// Lookup arguments.
    pub lookups: usize,
    /// Lookup arguments of the state circuit.
    pub state_lookups: usize,
    /// Maximum degree.
    pub degree: usize,
    /// The smallest `k` (the fixed table's rows).
    pub min_k: u32,
}

fn super_circuit_stats() -> SuperCircuitStats {
    use crate::super_circuit::{SuperCircuit, MIN_K};
    let mut meta = ConstraintSystem::<Fr>::default();
    SuperCircuit::configure(&mut meta);
    let mut evm_only = ConstraintSystem::<Fr>::default();
    EvmCircuit::configure(&mut evm_only);
    let state_lookups = meta
        .lookups()
        .iter()
        .filter(|l| l.name().starts_with("STATE"))
        .count();
    // The state circuit's own columns: one-hot tags, sort id, first-difference flags and
    // bytes, id equality (2), count, pre/post enables.
    let state = crate::state::NUM_TAGS
        + 1
        + crate::state::ordering::NUM_LIMBS
        + crate::state::ordering::DIFF_BYTES
        + 2
        + 1
        + 2;
    SuperCircuitStats {
        advice_columns: meta.num_advice_columns(),
        state_advice_columns: state,
        fixed_columns: meta.num_fixed_columns(),
        instance_columns: meta.num_instance_columns(),
        lookups: meta.lookups().len(),
        state_lookups,
        degree: max_degree(&meta),
        min_k: MIN_K,
    }
}

/// Each supported state's gadget name and layout (the circuit is configured once per
/// process: the layouts depend on its shape only).
pub fn layouts() -> &'static [(ExecutionState, &'static str, StepLayout)] {
    static LAYOUTS: OnceLock<Vec<(ExecutionState, &'static str, StepLayout)>> = OnceLock::new();
    LAYOUTS.get_or_init(|| {
        let mut meta = ConstraintSystem::<Fr>::default();
        let tables = Tables::configure(&mut meta);
        EvmCircuitConfig::configure(&mut meta, &tables).layouts
    })
}

/// The EVM circuit's costs.
pub fn stats() -> EvmStats {
    let mut meta = ConstraintSystem::<Fr>::default();
    let config = EvmCircuit::configure(&mut meta);
    let states = config
        .layouts
        .iter()
        .map(|(state, gadget, l)| StateStats {
            state: format!("{state:?}"),
            gadget: (*gadget).to_string(),
            height: l.height,
            cells: l.plain_cells + l.byte_cells,
            byte_cells: l.byte_cells,
            rw_lookups: l.rw_accesses,
            bytecode_lookups: l.bytecode_lookups,
            fixed_lookups: l.fixed_lookups,
            constraints: l.constraints,
        })
        .collect();
    EvmStats {
        advice_columns: meta.num_advice_columns(),
        evm_advice_columns: config.columns.advice_count(),
        fixed_columns: meta.num_fixed_columns(),
        instance_columns: meta.num_instance_columns(),
        lookups: meta.lookups().len(),
        degree: max_degree(&meta),
        selector: "two-level one-hot".into(),
        selector_columns: SELECTOR_GROUPS + SELECTOR_K,
        num_states: NUM_STATES,
        cell_columns: (PLAIN_WIDTH, BYTE_WIDTH, BYTECODE_LANES),
        fixed_lanes: FIXED_LANES,
        states,
        super_circuit: super_circuit_stats(),
    }
}

/// The largest degree of a gate polynomial or a lookup argument (`2 + input + table`).
pub fn max_degree(meta: &ConstraintSystem<Fr>) -> usize {
    let gates = meta
        .gates()
        .iter()
        .flat_map(|g| g.polynomials().iter().map(|p| p.degree()))
        .max()
        .unwrap_or(0);
    let deg = |es: &[halo2_proofs::plonk::Expression<Fr>]| {
        es.iter().map(|e| e.degree()).max().unwrap_or(1).max(1)
    };
    let lookups = meta
        .lookups()
        .iter()
        .map(|l| 2 + deg(l.input_expressions()) + deg(l.table_expressions()))
        .max()
        .unwrap_or(0);
    gates.max(lookups)
}
