//! `equivm stats`: the EVM circuit's cost per execution state (rows, cells, lookups).

use clap::Args;
use equivm_circuits::evm::stats::{stats, EvmStats};
use std::process::ExitCode;

/// Arguments of `equivm stats`.
#[derive(Args, Debug)]
pub struct StatsArgs {
    /// Print the figures as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs the command.
pub fn run(args: StatsArgs) -> Result<ExitCode, String> {
    let stats = stats();
    if args.json {
        let json = serde_json::to_string_pretty(&stats).map_err(|e| e.to_string())?;
        println!("{json}");
    } else {
        print_table(&stats);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(s: &EvmStats) {
    println!(
        "EVM circuit: {} advice columns ({} EVM, the rest shared tables), {} fixed, {} lookups, degree {}",
        s.advice_columns, s.evm_advice_columns, s.fixed_columns, s.lookups, s.degree
    );
    println!(
        "selector: {} ({} columns for {} states); cell columns (plain, byte, bytecode lanes): {:?}; fixed lanes: {}",
        s.selector, s.selector_columns, s.num_states, s.cell_columns, s.fixed_lanes
    );
    let w = s
        .states
        .iter()
        .map(|st| st.state.len())
        .max()
        .unwrap_or(0)
        .max(14);
    println!(
        "{:<w$} {:>6} {:>10} {:>6} {:>6} {:>9} {:>12} {:>9}",
        "state", "rows", "area", "cells", "bytes", "rw looks", "bytecode lk", "fixed lk"
    );
    for st in &s.states {
        println!(
            "{:<w$} {:>6} {:>10} {:>6} {:>6} {:>9} {:>12} {:>9}",
            st.state,
            st.height,
            st.height * s.evm_advice_columns,
            st.cells,
            st.byte_cells,
            st.rw_lookups,
            st.bytecode_lookups,
            st.fixed_lookups
        );
    }
    println!("area = rows × EVM advice columns (the cells a step occupies, used or not)");
    let sc = &s.super_circuit;
    println!(
        "super circuit: {} advice columns ({} state circuit), {} fixed, {} instance, {} lookups ({} state circuit), degree {}, k >= {}",
        sc.advice_columns,
        sc.state_advice_columns,
        sc.fixed_columns,
        sc.instance_columns,
        sc.lookups,
        sc.state_lookups,
        sc.degree,
        sc.min_k
    );
}
