//! Tracing and witness throughput against plain revm, on the same state-test cases.
//!
//! Layers: `revm` (no inspector), `trace` (revm with the tracer, building the trace), and
//! `witness` (witness generation and replay check of an existing trace). Throughput is in
//! executed opcode steps.

use criterion::{criterion_main, Criterion, Throughput};
use equivm_benches::workload;
use equivm_witness::{build_witness, replay_check};
use std::hint::black_box;

const WORKLOADS: &[&str] = &[
    "VMTests/vmArithmeticTest/exp.json",
    "stMemoryTest/mem64kb.json",
    "stCallCodes/callcallcallcode_001.json",
];

fn bench(c: &mut Criterion) {
    for name in WORKLOADS {
        let cases = workload(name);
        let traces: Vec<_> = cases.iter().filter_map(|c| c.execute().traced).collect();
        let steps: usize = traces
            .iter()
            .flat_map(|t| &t.trace.txs)
            .map(|t| t.steps.len())
            .sum();
        let mut group = c.benchmark_group(*name);
        group.sample_size(10);
        group.throughput(Throughput::Elements(steps as u64));
        group.bench_function("revm", |b| {
            b.iter(|| {
                for case in &cases {
                    let (pre, block, cfg) = case.environment();
                    if let Ok(tx) = &case.tx {
                        black_box(equivm_trace::execute_untraced(pre.clone(), block, cfg, tx));
                    }
                }
            })
        });
        group.bench_function("trace", |b| {
            b.iter(|| {
                for case in &cases {
                    let (pre, block, cfg) = case.environment();
                    if let Ok(tx) = &case.tx {
                        black_box(equivm_trace::trace_transaction(pre.clone(), block, cfg, tx));
                    }
                }
            })
        });
        group.bench_function("witness", |b| {
            b.iter(|| {
                for traced in &traces {
                    let witness = build_witness(&traced.trace).expect("witness builds");
                    black_box(replay_check(&traced.trace, &witness).expect("replay passes"));
                }
            })
        });
        group.finish();
    }
}

// criterion generates undocumented items here.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}
use group::benches;
criterion_main!(benches);
