//! Circuit throughput: witness generation, the super circuit under `MockProver`, and KZG
//! proofs, on the bytecode workloads of [`equivm_benches::programs`].
//!
//! Run with `cargo bench -p equivm-benches --bench circuits`. A filter runs part of it
//! (`cargo bench -p equivm-benches --bench circuits -- family/ADD_SUB`), and `-- --quick`
//! runs each stage about once, for a smoke pass.
//!
//! Groups (throughput in executed opcodes, except the last):
//! - `family/<NAME>`: one program per opcode family ([`Family::workload`]), with the stages
//!   - `witness`: `build_witness` of the program's trace (tracing is measured by the
//!     `trace_witness` bench);
//!   - `mock`: `SuperCircuit::new` at the smallest `k` it fits, `MockProver::run` and
//!     `verify`;
//!   - `prove`: one SHPLONK proof, with params and proving key made before measuring;
//!   - `verify`: checking a proof made before measuring.
//!
//!   Every family gets `witness` and `mock`. A proof costs the same for every workload at a
//!   given `k` (the EVM steps of every family fit `k = 11`; the keccak circuit's 275 rows
//!   per 136 bytes of code put ADD_SUB, LT_GT_EQ and AND_OR_XOR, whose code pushes 32-byte
//!   values, and SLOAD_SSTORE at `k = 12`), and each `prove` bench takes at least eleven
//!   proofs, so only ADD_SUB is proved by default; set `EQUIVM_BENCH_PROVE_ALL=1` to prove
//!   MLOAD_MSTORE and SLOAD_SSTORE too.
//! - `block`: a longer program mixing every family ([`mixed_program`] with [`BLOCK_REPS`]),
//!   with all four stages.
//! - `state circuit rows/s (synthesis)`: `SuperCircuit::new` and `MockProver::run`, without
//!   `verify`, for memory workloads of growing size ([`STATE_REPS`], `k` 11 to 14), in rw rows per second.
//!   It times the synthesis of the whole super circuit, not of the state circuit alone.
//!
//! The slow stages run the fewest samples criterion allows (10, plus one warm-up run):
//! criterion's notice that it cannot complete them in the target time is expected. Params
//! are seeded and insecure (`ParamsCache::insecure`), cached under `target/kzg-params`, so
//! each `k` is set up once. On first use each workload prints its shape (opcodes, rw rows,
//! rows, `k`) and, when proved, the set-up times and proof size to stderr.

use criterion::{
    criterion_main, measurement::WallTime, BatchSize, BenchmarkGroup, BenchmarkId, Criterion,
    SamplingMode, Throughput,
};
use equivm_benches::params_cache;
use equivm_benches::programs::{mixed_program, Family, BLOCK_REPS, STATE_REPS};
use equivm_circuits::prover::{keygen, prove, verify, DEFAULT_INSECURE_SEED};
use equivm_circuits::super_circuit::SuperCircuit;
use equivm_trace::program::Program;
use equivm_trace::BlockTrace;
use equivm_witness::{build_witness, Witness};
use halo2_proofs::dev::MockProver;
use halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_proofs::plonk::ProvingKey;
use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use std::cell::OnceCell;
use std::hint::black_box;
use std::sync::Once;
use std::time::{Duration, Instant};

/// The families proved by default.
const PROVED: [Family; 1] = [Family::AddSub];

/// The families also proved when `EQUIVM_BENCH_PROVE_ALL` is set.
const PROVED_ON_REQUEST: [Family; 2] = [Family::Memory, Family::Storage];

type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// A workload traced and turned into its super circuit once, before any measurement.
struct Workload {
    name: String,
    /// Executed opcodes (the throughput unit of the stage benches).
    steps: u64,
    trace: BlockTrace,
    circuit: SuperCircuit,
    instance: Vec<Vec<Fr>>,
    announced: Once,
}

impl Workload {
    fn new(name: impl Into<String>, program: &Program) -> Self {
        let name = name.into();
        let trace = program.trace().trace;
        let steps = trace.txs.iter().map(|t| t.steps.len() as u64).sum();
        let witness = build_witness(&trace).unwrap_or_else(|e| panic!("{name}: witness: {e}"));
        let circuit =
            SuperCircuit::new(witness, None).unwrap_or_else(|e| panic!("{name}: circuit: {e}"));
        let instance = circuit
            .instance()
            .unwrap_or_else(|e| panic!("{name}: public inputs: {e}"));
        Workload {
            name,
            steps,
            trace,
            circuit,
            instance,
            announced: Once::new(),
        }
    }

    fn witness(&self) -> &Witness {
        &self.circuit.witness
    }

    /// Prints the workload's shape, once, when a bench first uses it.
    fn announce(&self) {
        self.announced.call_once(|| {
            let rows = SuperCircuit::rows_needed(self.witness()).expect("supported");
            eprintln!(
                "{}: {} opcodes, {} circuit steps, {} rw rows, {rows} of {} rows at k = {}",
                self.name,
                self.steps,
                self.witness().steps.len(),
                self.witness().rws.len(),
                self.circuit.usable_rows(),
                self.circuit.params.k,
            );
        });
    }
}

/// Settings of the stages that take a second or more per run: the fewest runs criterion
/// allows, one per sample.
fn slow(group: &mut Group<'_>) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1));
}

/// `SuperCircuit::new` and `MockProver::run` of `witness`: synthesis only.
fn synthesize(witness: Witness) -> MockProver<Fr> {
    let circuit = SuperCircuit::new(witness, None).expect("supported");
    let instance = circuit.instance().expect("public inputs");
    MockProver::run(circuit.params.k, &circuit, instance).expect("synthesis")
}

/// The `witness` and `mock` stages.
fn bench_witness_and_mock(group: &mut Group<'_>, w: &Workload) {
    group
        .sample_size(20)
        .sampling_mode(SamplingMode::Auto)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("witness", |b| {
        w.announce();
        b.iter(|| build_witness(black_box(&w.trace)).expect("witness"))
    });
    slow(group);
    group.bench_function("mock", |b| {
        w.announce();
        b.iter_batched(
            || w.witness().clone(),
            |witness| synthesize(witness).verify().expect("satisfied"),
            BatchSize::PerIteration,
        )
    });
}

/// What the `prove` and `verify` stages need, made before measuring.
struct Keys {
    params: ParamsKZG<Bn256>,
    pk: ProvingKey<G1Affine>,
    /// A proof of the workload, checked once: the input of the `verify` stage.
    proof: Vec<u8>,
}

impl Keys {
    /// Params at the workload's `k` (from the cache), keys and a first, verified proof.
    fn new(w: &Workload) -> Self {
        w.announce();
        let k = w.circuit.params.k;
        let start = Instant::now();
        let params = params_cache()
            .insecure(k, DEFAULT_INSECURE_SEED)
            .expect("params");
        let params_time = start.elapsed();
        let start = Instant::now();
        let pk = keygen(&params, &w.circuit).expect("keys");
        let keygen_time = start.elapsed();
        let proof = prove(&params, &pk, w.circuit.clone(), &w.instance, None).expect("proof");
        verify(&params, pk.get_vk(), &w.instance, &proof).expect("the proof verifies");
        eprintln!(
            "{}: params {params_time:.2?}, keygen {keygen_time:.2?}, proof of {} bytes at k = {k}",
            w.name,
            proof.len()
        );
        Keys { params, pk, proof }
    }
}

/// The `prove` and `verify` stages. The keys are made on first use, so a filter that skips
/// both stages skips the set-up too.
fn bench_prove_and_verify(group: &mut Group<'_>, w: &Workload) {
    let keys = OnceCell::new();
    slow(group);
    group.bench_function("prove", |b| {
        let Keys { params, pk, .. } = keys.get_or_init(|| Keys::new(w));
        b.iter_batched(
            || w.circuit.clone(),
            |circuit| prove(params, pk, circuit, &w.instance, None).expect("proof"),
            BatchSize::PerIteration,
        )
    });
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Auto)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("verify", |b| {
        let Keys { params, pk, proof } = keys.get_or_init(|| Keys::new(w));
        b.iter(|| verify(params, pk.get_vk(), &w.instance, black_box(proof)).expect("valid"))
    });
}

fn families(c: &mut Criterion) {
    let prove_all = std::env::var_os("EQUIVM_BENCH_PROVE_ALL").is_some();
    for family in Family::ALL {
        let w = Workload::new(family.name(), &family.workload());
        let mut group = c.benchmark_group(format!("family/{}", family.name()));
        group.throughput(Throughput::Elements(w.steps));
        bench_witness_and_mock(&mut group, &w);
        if PROVED.contains(&family) || (prove_all && PROVED_ON_REQUEST.contains(&family)) {
            bench_prove_and_verify(&mut group, &w);
        }
        group.finish();
    }
}

fn block(c: &mut Criterion) {
    let w = Workload::new("block", &mixed_program(BLOCK_REPS));
    let mut group = c.benchmark_group("block");
    group.throughput(Throughput::Elements(w.steps));
    bench_witness_and_mock(&mut group, &w);
    bench_prove_and_verify(&mut group, &w);
    group.finish();
}

fn state_rows(c: &mut Criterion) {
    let mut group = c.benchmark_group("state circuit rows/s (synthesis)");
    slow(&mut group);
    for reps in STATE_REPS {
        let w = Workload::new(
            format!("state/{reps} MSTORE-MLOAD"),
            &Family::Memory.program(reps),
        );
        let rws = w.witness().rws.len();
        group.throughput(Throughput::Elements(rws as u64));
        group.bench_with_input(BenchmarkId::new("rws", rws), &w, |b, w| {
            w.announce();
            b.iter_batched(|| w.witness().clone(), synthesize, BatchSize::PerIteration)
        });
    }
    group.finish();
}

// criterion generates undocumented items here.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::families, super::block, super::state_rows);
}
use group::benches;
criterion_main!(benches);
