//! The super circuit: the EVM, state, copy, bytecode and keccak circuits over one set of
//! shared tables, proving a whole block.
//!
//! Every region fills the circuit's usable rows (`2^k` minus halo2's blinding rows), so the
//! shape parameters ([`SuperCircuitParams`]) are `k` and the keccak circuit's
//! [`KeccakShape`] (its columns against its rows); the capacities follow from them
//! ([`SuperCircuit::usable_rows`]). What a proof of this circuit proves, given its public
//! inputs ([`public_inputs`]):
//!
//! - the block (block table) and its transactions (tx table, with calldata) are the
//!   public ones;
//! - starting from the public pre-state (the value of every account field and storage slot
//!   the block touches) and the public first step (`rw_counter` 1 at the first `BeginTx`),
//!   every step follows its gadget's rules, up to an `EndBlock` step after exactly the
//!   public number of transactions;
//! - the read/write log the steps use is a consistent history (state circuit), holds
//!   exactly the steps' accesses (the real-row count equals the EVM's final `rw_counter`
//!   minus one), and ends in the public post-state: every account field, storage slot,
//!   receipt field and log field the block touched, with its final value;
//! - every copy the steps look up (copy table) moved the bytes its source holds to its
//!   destination (copy circuit);
//! - every bytecode the steps read (bytecode table) is the preimage of its code hash, with
//!   its opcodes and push data marked as the EVM decodes them (bytecode circuit), and every
//!   hash the circuits look up is keccak256 of its input (keccak circuit). The code a step
//!   runs is thus bound to the code hash its account has in the public pre-state.
//!
//! The same circuit proves a **chunk** of a block, a run of its steps ([`chunk`]): it then
//! starts from the public state of the chunk's first step and the public values of every
//! state cell it touches, and hands over the public state of its next step and the last
//! values of those cells; a verifier checks that chunks join ([`chunk::check_chain`]). A
//! whole block is the chain of one chunk, which [`public_inputs::check_block_start`]
//! checks.
//!
//! Not proved yet: the transactions' signatures (tx circuit), and that the pre- and
//! post-state belong to state roots (MPT circuit). Steps without a gadget are refused
//! ([`SuperCircuitError::Unsupported`]), never proved.

pub mod chunk;
pub mod proving;
pub mod public_inputs;

use crate::bytecode::BytecodeCircuitConfig;
use crate::copy::CopyCircuitConfig;
use crate::evm::{assign::Override, EvmCircuit, EvmCircuitConfig, EvmSpan};
use crate::keccak::{KeccakCircuitConfig, KeccakShape};
use crate::state::public::PublicStateTable;
use crate::state::{StateCircuitConfig, StateSpan};
use crate::table::{
    assign_public_rows, keccak::keccak_inputs, BytecodeTableRow, FixedTableTag, TableError, Tables,
};
use equivm_witness::{CopyEvent, Rw, RwTag, StateKey, Witness};
use halo2_proofs::{
    circuit::{Layouter, SimpleFloorPlanner, Value},
    plonk::{Advice, Circuit, Column, ConstraintSystem, Error, Expression, Instance},
    poly::Rotation,
};
use halo2curves::bn256::Fr;
use serde::{Deserialize, Serialize};

/// The largest `k` this crate builds a super circuit for.
pub const MAX_K: u32 = 26;
/// The smallest `k`: the fixed table needs 1,886 rows.
pub const MIN_K: u32 = 11;

/// The circuit's shape: everything else follows from `k` and the keccak circuit's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SuperCircuitParams {
    /// log2 of the number of rows.
    pub k: u32,
    /// Rows per slot of the keccak circuit (the wide shape when absent).
    #[serde(default, rename = "keccak_rows_per_slot")]
    pub keccak: KeccakShape,
}

impl SuperCircuitParams {
    /// The wide shape (the keccak circuit's [`KeccakShape::WIDE`]) at `k`.
    pub const fn new(k: u32) -> Self {
        Self {
            k,
            keccak: KeccakShape::WIDE,
        }
    }

    /// Usable rows of this shape: `2^k` minus halo2's blinding rows and one.
    pub fn usable_rows(self) -> usize {
        crate::rows::usable_rows::<SuperCircuit>(self.k, self.keccak)
    }
}

/// Why a witness cannot become a super circuit.
#[derive(Debug, thiserror::Error)]
pub enum SuperCircuitError {
    /// Steps without a gadget: the block cannot be proved yet.
    #[error("unsupported: no EVM circuit gadget covers yet {0}")]
    Unsupported(String),
    /// The witness does not fit `k`.
    #[error("the block needs {needed} rows but k = {k} gives {usable}")]
    TooBig {
        /// Rows needed.
        needed: usize,
        /// The `k` asked for.
        k: u32,
        /// Usable rows at that `k`.
        usable: usize,
    },
    /// The block would need a `k` above [`MAX_K`], or `k` is outside `MIN_K..=MAX_K`.
    #[error("k = {0} is outside {MIN_K}..={MAX_K}")]
    BadK(u32),
    /// A table could not hold the witness.
    #[error(transparent)]
    Table(#[from] TableError),
}

/// The super circuit's columns.
#[derive(Clone, Debug)]
pub struct SuperCircuitConfig {
    /// The shared tables.
    pub tables: Tables,
    /// The EVM circuit.
    pub evm: EvmCircuitConfig<Fr>,
    /// The state circuit (with the public pre- and post-state tables).
    pub state: StateCircuitConfig,
    /// The copy circuit (proves the copy table).
    pub copy: CopyCircuitConfig,
    /// The keccak circuit (proves the keccak table).
    pub keccak: KeccakCircuitConfig,
    /// The bytecode circuit (proves the bytecode table).
    pub bytecode: BytecodeCircuitConfig,
    /// Instance columns the tx table is bound to.
    pub tx_instance: Vec<Column<Instance>>,
    /// Instance columns the block table is bound to.
    pub block_instance: Vec<Column<Instance>>,
    /// The number of transactions, the same on every row.
    pub num_txs: Column<Advice>,
    /// Row 0: the number of transactions; row 1: whether the steps start the block; row 2:
    /// whether they end it.
    pub summary_instance: Column<Instance>,
    /// The 16 step-state fields the last step hands over.
    pub last_state_instance: Column<Instance>,
}

/// The super circuit of one block, or of a chunk of one (a run of its steps).
#[derive(Clone, Debug)]
pub struct SuperCircuit {
    /// The block's witness (the EVM circuit's steps and accesses).
    pub witness: Witness,
    /// The shape.
    pub params: SuperCircuitParams,
    /// The steps proved: all of the witness's for a block, a run of them for a chunk.
    pub steps: std::ops::Range<usize>,
    /// Where the steps' accesses sit in the block.
    pub span: StateSpan,
    /// The rows the state circuit assigns, in order: the steps' accesses sorted, after the
    /// boundary rows of a chunk that does not start the block ([`crate::state::chunk_rows`]).
    /// Tamper tests change them apart from the witness.
    pub state_rows: Vec<Rw>,
    /// The copy events of the steps (whose accesses are theirs).
    pub copy_events: Vec<CopyEvent>,
    /// The rows the bytecode circuit assigns, in order: the bytecode table rows of
    /// `witness.bytecodes`. Tamper tests change them apart from the witness.
    pub bytecode_rows: Vec<BytecodeTableRow<Fr>>,
    /// Cells the EVM circuit overwrites after the honest assignment (tamper tests only).
    pub overrides: Vec<Override<Fr>>,
}

fn bind_to_instance(
    meta: &mut ConstraintSystem<Fr>,
    columns: &[Column<Advice>],
) -> Vec<Column<Instance>> {
    columns
        .iter()
        .map(|c| {
            meta.enable_equality(*c);
            let i = meta.instance_column();
            meta.enable_equality(i);
            i
        })
        .collect()
}

impl SuperCircuit {
    /// The super circuit of `witness` in the wide shape, at `k` if given, else at the
    /// smallest `k` it fits.
    pub fn new(witness: Witness, k: Option<u32>) -> Result<Self, SuperCircuitError> {
        Self::with_keccak_shape(witness, k, KeccakShape::WIDE)
    }

    /// The super circuit of `witness` with the keccak circuit in `keccak`'s shape, at `k`
    /// if given, else at the smallest `k` it fits.
    pub fn with_keccak_shape(
        witness: Witness,
        k: Option<u32>,
        keccak: KeccakShape,
    ) -> Result<Self, SuperCircuitError> {
        let steps = 0..witness.steps.len();
        Self::chunk(witness, steps, k, keccak)
    }

    /// The super circuit of steps `steps` of `witness`, a chunk of its block (the whole
    /// block when `steps` are all of them), with the keccak circuit in `keccak`'s shape, at
    /// `k` if given, else at the smallest `k` it fits. See [`chunk`] for what a chunk
    /// proves and where a block may be split.
    pub fn chunk(
        witness: Witness,
        steps: std::ops::Range<usize>,
        k: Option<u32>,
        keccak: KeccakShape,
    ) -> Result<Self, SuperCircuitError> {
        let unsupported = EvmCircuit::unsupported_reasons(&witness);
        if !unsupported.is_empty() {
            return Err(SuperCircuitError::Unsupported(unsupported.join(", ")));
        }
        let counters = chunk::counters(&witness, steps.clone())?;
        let span = StateSpan {
            first_counter: counters.start,
            starts_block: steps.start == 0,
            ends_block: steps.end == witness.steps.len(),
        };
        let state_rows = if counters.start == 1 && span.ends_block {
            crate::state::ordering::sorted(&witness.rws)
        } else {
            crate::state::chunk_rows(&witness.rws, counters.clone())
        };
        let copy_events = chunk::copy_events(&witness, counters.clone());
        let needed = if span == StateSpan::BLOCK {
            Self::rows_needed_in(&witness, keccak)?
        } else {
            chunk::rows_needed(&witness, steps.clone(), &state_rows, &copy_events, keccak)?
        };
        let k = match k {
            Some(k) => {
                if !(MIN_K..=MAX_K).contains(&k) {
                    return Err(SuperCircuitError::BadK(k));
                }
                let usable = SuperCircuitParams { k, keccak }.usable_rows();
                if needed > usable {
                    return Err(SuperCircuitError::TooBig { needed, k, usable });
                }
                k
            }
            None => {
                Self::smallest_k_in(needed, keccak).ok_or(SuperCircuitError::BadK(MAX_K + 1))?
            }
        };
        let mut bytecode_rows = Vec::new();
        for code in &witness.bytecodes {
            bytecode_rows.extend(BytecodeTableRow::rows_of(code)?);
        }
        Ok(Self {
            witness,
            params: SuperCircuitParams { k, keccak },
            steps,
            span,
            state_rows,
            copy_events,
            bytecode_rows,
            overrides: Vec::new(),
        })
    }

    /// A circuit of shape `params` with an empty witness, for key generation (the keys
    /// depend on the shape only).
    pub fn shape(params: SuperCircuitParams) -> Self {
        Self {
            witness: Witness::default(),
            params,
            steps: 0..0,
            span: StateSpan::BLOCK,
            state_rows: Vec::new(),
            copy_events: Vec::new(),
            bytecode_rows: Vec::new(),
            overrides: Vec::new(),
        }
    }

    /// Usable rows at `k` in the wide shape.
    pub fn usable_rows_at(k: u32) -> usize {
        SuperCircuitParams::new(k).usable_rows()
    }

    /// Usable rows of this circuit: every region's capacity.
    pub fn usable_rows(&self) -> usize {
        self.params.usable_rows()
    }

    /// The EVM circuit's `block_ended` column (tamper tests override it).
    pub fn block_ended_column(&self) -> Column<Advice> {
        let mut cs = ConstraintSystem::<Fr>::default();
        Self::configure_with_params(&mut cs, self.params.keccak)
            .evm
            .columns
            .step
            .block_ended
    }

    /// The smallest supported `k` whose usable rows in the wide shape hold `needed` rows,
    /// if any.
    pub fn smallest_k(needed: usize) -> Option<u32> {
        Self::smallest_k_in(needed, KeccakShape::WIDE)
    }

    /// The smallest supported `k` whose usable rows hold `needed` rows with the keccak
    /// circuit in `keccak`'s shape, if any.
    pub fn smallest_k_in(needed: usize, keccak: KeccakShape) -> Option<u32> {
        (MIN_K..=MAX_K).find(|k| needed <= SuperCircuitParams { k: *k, keccak }.usable_rows())
    }

    /// Rows the witness needs in the wide shape: the most any region needs.
    pub fn rows_needed(witness: &Witness) -> Result<usize, SuperCircuitError> {
        Self::rows_needed_in(witness, KeccakShape::WIDE)
    }

    /// Rows the witness needs with the keccak circuit in `keccak`'s shape: the most any
    /// region needs.
    pub fn rows_needed_in(
        witness: &Witness,
        keccak: KeccakShape,
    ) -> Result<usize, SuperCircuitError> {
        let evm = EvmCircuit::rows_needed_for(witness, 0..witness.steps.len())
            .ok_or_else(|| SuperCircuitError::Unsupported("a step without a layout".into()))?;
        let tables = crate::table::TableCapacities::fitting(witness, &FixedTableTag::SMALL);
        let public = public_rows(&witness.rws);
        Ok([
            evm,
            StateCircuitConfig::rows_needed(&witness.rws),
            tables.max_rows(),
            public,
            BytecodeCircuitConfig::rows_needed(&witness.bytecodes),
            KeccakCircuitConfig::rows_needed(keccak, &keccak_inputs(witness)),
        ]
        .into_iter()
        .max()
        .unwrap_or(0))
    }

    /// The public inputs, one vector per instance column (see [`public_inputs`]).
    pub fn instance(&self) -> Result<Vec<Vec<Fr>>, SuperCircuitError> {
        Ok(self.public_inputs()?.to_instance())
    }

    /// The public inputs, by name.
    pub fn public_inputs(&self) -> Result<public_inputs::PublicInputs, SuperCircuitError> {
        Ok(public_inputs::PublicInputs::of_chunk(
            &self.witness,
            self.steps.clone(),
            self.span,
            &self.state_rows,
        )?)
    }
}

/// Rows of the public state tables: one per account field, storage slot, receipt field
/// and log field the block touches (each is one row of [`crate::state::post_state`], and
/// [`crate::state::pre_state`] lists a part of them), and one more. Counted without sorting the rw log, which for the
/// biggest blocks takes minutes and gigabytes.
fn public_rows(rws: &[Rw]) -> usize {
    let keys: std::collections::HashSet<StateKey> = rws
        .iter()
        .filter(|rw| {
            matches!(
                rw.tag,
                RwTag::Account | RwTag::Storage | RwTag::TxReceipt | RwTag::TxLog
            )
        })
        .map(Rw::state_key)
        .collect();
    1 + keys.len()
}

impl Circuit<Fr> for SuperCircuit {
    type Config = SuperCircuitConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = KeccakShape;

    fn without_witnesses(&self) -> Self {
        Self::shape(self.params)
    }

    fn params(&self) -> KeccakShape {
        self.params.keccak
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        Self::configure_with_params(meta, KeccakShape::WIDE)
    }

    fn configure_with_params(meta: &mut ConstraintSystem<Fr>, keccak: KeccakShape) -> Self::Config {
        let tables = Tables::configure(meta);
        let evm = EvmCircuitConfig::configure(meta, &tables);
        let pre = PublicStateTable::configure(meta, "pre-state");
        let post = PublicStateTable::configure(meta, "post-state");
        let state = StateCircuitConfig::configure(meta, tables.rw, tables.fixed, pre, post);
        let copy = CopyCircuitConfig::configure(
            meta,
            &tables.copy,
            &tables.rw,
            &tables.bytecode,
            &tables.tx,
            &tables.keccak,
        );
        let tx_instance = bind_to_instance(meta, &tables.tx.columns.to_vec());
        let block_instance = bind_to_instance(meta, &tables.block.columns.to_vec());
        let keccak = KeccakCircuitConfig::configure(meta, &tables.keccak, keccak);
        let bytecode =
            BytecodeCircuitConfig::configure(meta, &tables.bytecode, &tables.keccak, &tables.fixed);
        let num_txs = meta.advice_column();
        let summary_instance = bind_to_instance(meta, &[num_txs])[0];
        let last_state_instance = meta.instance_column();
        meta.enable_equality(last_state_instance);
        meta.enable_equality(evm.columns.fixed.first_state);
        for c in evm.columns.step.state.to_vec() {
            meta.enable_equality(c);
        }
        meta.enable_equality(evm.columns.step.block_ended);
        let fixed = evm.columns.fixed;
        let step = evm.columns.step.state;
        let count = state.count;
        let (block_ended, ends_block) = (evm.columns.step.block_ended, state.ends_block);
        meta.create_gate("SUPER", |m| {
            let one = Expression::Constant(Fr::one());
            let q_usable = m.query_fixed(fixed.q_usable, Rotation::cur());
            let q_last = m.query_fixed(fixed.q_last, Rotation::cur());
            let rw_counter = m.query_advice(step.rw_counter, Rotation::cur());
            let tx_id = m.query_advice(step.tx_id, Rotation::cur());
            let count = m.query_advice(count, Rotation::cur());
            let n = m.query_advice(num_txs, Rotation::cur());
            let n_next = m.query_advice(num_txs, Rotation::next());
            let ended = m.query_advice(block_ended, Rotation::cur());
            let ends = m.query_advice(ends_block, Rotation::cur());
            vec![
                (
                    "SUPER: the state circuit holds exactly the EVM's accesses (count = rw_counter at the end)",
                    q_last.clone() * (rw_counter - count),
                ),
                (
                    "SUPER: the steps end the block exactly when EndBlock came",
                    q_last.clone() * (ended - ends.clone()),
                ),
                (
                    "SUPER: the block ends after the public number of transactions",
                    q_last.clone() * ends * (tx_id - one.clone() - n.clone()),
                ),
                (
                    "SUPER: num_txs is the same on every row",
                    q_usable * (one - q_last) * (n_next - n),
                ),
            ]
        });
        SuperCircuitConfig {
            tables,
            evm,
            state,
            copy,
            keccak,
            bytecode,
            tx_instance,
            block_instance,
            num_txs,
            summary_instance,
            last_state_instance,
        }
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        let usable = self.usable_rows();
        let tables = &config.tables;
        tables
            .fixed
            .load(&mut layouter, &FixedTableTag::SMALL, usable)?;
        let span_cells =
            config
                .state
                .assign_rows(&mut layouter, &self.state_rows, self.span, usable)?;
        let public = if self.witness.steps.is_empty() {
            public_inputs::PublicInputs::of(&self.witness)?
        } else {
            self.public_inputs().map_err(|_| Error::Synthesis)?
        };
        config.state.pre.load(&mut layouter, &public.pre, usable)?;
        config
            .state
            .post
            .load(&mut layouter, &public.post, usable)?;
        assign_public_rows(
            &mut layouter,
            "tx",
            &tables.tx.columns.to_vec(),
            &config.tx_instance,
            &public.tx,
            usable,
        )?;
        assign_public_rows(
            &mut layouter,
            "block",
            &tables.block.columns.to_vec(),
            &config.block_instance,
            &public.block,
            usable,
        )?;
        config
            .bytecode
            .assign_rows(&mut layouter, &self.bytecode_rows, usable)?;
        let mut copy_rows = Vec::new();
        for (i, event) in self.copy_events.iter().enumerate() {
            copy_rows.extend(crate::copy::event_rows(
                i,
                event,
                &self.witness.bytecodes,
                &self.witness.rws,
            )?);
        }
        config.copy.assign_rows(&mut layouter, &copy_rows, usable)?;
        config
            .keccak
            .assign(&mut layouter, &keccak_inputs(&self.witness), usable)?;
        let n = Fr::from(public.num_txs);
        let first = layouter.assign_region(
            || "num_txs",
            |mut region| {
                let mut first = None;
                for row in 0..usable {
                    let cell = region.assign_advice(config.num_txs, row, Value::known(n));
                    first.get_or_insert(cell.cell());
                }
                first.ok_or(Error::Synthesis)
            },
        )?;
        layouter.constrain_instance(first, config.summary_instance, 0);
        layouter.constrain_instance(span_cells.starts_block, config.summary_instance, 1);
        layouter.constrain_instance(span_cells.ends_block, config.summary_instance, 2);
        let rw_counter = crate::evm::step::STEP_STATE_NAMES
            .iter()
            .position(|n| *n == "rw_counter")
            .ok_or(Error::Synthesis)?;
        layouter.constrain_instance(
            span_cells.first_counter,
            config.evm.columns.fixed.first_state,
            rw_counter,
        );
        let end = if self.witness.steps.is_empty() {
            config
                .evm
                .assign_shape(&mut layouter, usable, EvmSpan::Chunk)?
        } else {
            config.evm.assign_chunk(
                &mut layouter,
                &self.witness,
                self.steps.clone(),
                usable,
                &self.overrides,
            )?
        };
        for (row, cell) in end.state.iter().enumerate() {
            layouter.constrain_instance(*cell, config.last_state_instance, row);
        }
        layouter.constrain_instance(end.block_ended, config.summary_instance, 2);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
