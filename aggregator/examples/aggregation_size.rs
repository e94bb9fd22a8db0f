//! The aggregation circuit that would verify one super-circuit proof of the bundled example
//! block: the block circuit's columns and lookups, and the cells and columns its verifier
//! needs (no proving key, no proof).
//!
//! `cargo run -p equivm-aggregator --example aggregation_size [KECCAK_COLUMNS]`
//!
//! `KECCAK_COLUMNS` lays the keccak circuit out in at most that many cell columns (a tall
//! [`KeccakShape`]); without it the wide shape is used.

use equivm_aggregator::{cost::aggregation_cost, snark::AggregatableBlock};
use equivm_circuits::keccak::KeccakShape;
use equivm_circuits::prover::{ParamsCache, DEFAULT_INSECURE_SEED};
use equivm_circuits::super_circuit::{proving::block_vk, SuperCircuit};
use equivm_trace::statetest::{load_file, ForkSelection};
use snark_verifier_sdk::CircuitExt;
use std::{process::ExitCode, time::Instant};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let keccak = match std::env::args().nth(1) {
        Some(columns) => KeccakShape::with_cell_columns(
            columns
                .parse()
                .map_err(|e| format!("KECCAK_COLUMNS '{columns}': {e}"))?,
        ),
        None => KeccakShape::WIDE,
    };
    let file = equivm_testvectors::bundled_statetests().join("basics.json");
    let forks = ForkSelection::parse("Cancun").map_err(|e| e.to_string())?;
    let case = load_file(&file, &forks)
        .map_err(|e| e.to_string())?
        .into_iter()
        .next()
        .ok_or("no case in the bundled example")?;
    let trace = case.execute().traced.ok_or("no block")?.trace;
    let witness = equivm_witness::build_witness(&trace).map_err(|e| e.to_string())?;
    let block = AggregatableBlock(
        SuperCircuit::with_keccak_shape(witness, None, keccak).map_err(|e| e.to_string())?,
    );
    let k = block.0.params.k;
    let num_instance = block.num_instance();
    let dir = std::env::var("EQUIVM_PARAMS_DIR").unwrap_or_else(|_| ".equivm/kzg-params".into());
    let params = ParamsCache::new(dir)
        .insecure(k, DEFAULT_INSECURE_SEED)
        .map_err(|e| e.to_string())?;
    let vk = block_vk(&params, block.0.params).map_err(|e| e.to_string())?;
    let cs = vk.cs();
    println!(
        "block circuit (k = {k}, keccak {} rows a slot): {} advice, {} fixed, {} instance columns ({} values), \
         {} lookups, {} columns in the permutation, degree {}",
        keccak.rows_per_slot(),
        cs.num_advice_columns(),
        cs.num_fixed_columns(),
        cs.num_instance_columns(),
        num_instance.iter().sum::<usize>(),
        cs.lookups().len(),
        cs.permutation().get_columns().len(),
        cs.degree()
    );
    // Lookups by name, numbered copies (one per lane or column) counted together.
    let mut lookups: Vec<(String, usize)> = Vec::new();
    for lookup in cs.lookups() {
        let name = lookup
            .name()
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
        match lookups.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count += 1,
            None => lookups.push((name.to_string(), 1)),
        }
    }
    let listed: Vec<String> = lookups.iter().map(|(n, c)| format!("{n} ×{c}")).collect();
    println!("lookups: {}", listed.join("; "));
    let start = Instant::now();
    let cost = aggregation_cost(&params, &vk, num_instance);
    println!(
        "its verifier: {} advice cells, {} lookup cells, {} constants ({:.1} s)",
        cost.advice_cells,
        cost.lookup_cells,
        cost.constants,
        start.elapsed().as_secs_f64()
    );
    for agg_k in 20..=24 {
        println!(
            "  at k = {agg_k}: {} advice columns",
            cost.columns_at(agg_k)
        );
    }
    Ok(())
}
