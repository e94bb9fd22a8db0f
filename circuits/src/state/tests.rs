//! State circuit tests: real rw logs pass; each kind of tampering is rejected.

use super::public::{PublicStateRow, PublicStateTable};
use super::*;
use crate::table::test_util::witness_of;
use equivm_trace::revm::primitives::U256;
use halo2_proofs::{
    circuit::SimpleFloorPlanner,
    dev::{MockProver, VerifyFailure},
    plonk::{Circuit, Error},
};
use halo2curves::bn256::Fr;

const K: u32 = 10;

/// The state circuit alone, with the fixed table (byte range) and public tables.
#[derive(Clone, Debug)]
struct StateOnly {
    rows: Vec<Rw>,
    pre: Vec<PublicStateRow<Fr>>,
    post: Vec<PublicStateRow<Fr>>,
    span: StateSpan,
}

impl StateOnly {
    fn honest(rws: &[Rw]) -> Self {
        Self {
            rows: ordering::sorted(rws),
            pre: pre_state(rws),
            post: post_state(rws),
            span: StateSpan::BLOCK,
        }
    }

    /// The chunk of the block log `rws` with counters in `counters`.
    fn chunk(rws: &[Rw], counters: std::ops::Range<u64>, ends_block: bool) -> Self {
        let rows = chunk_rows(rws, counters.clone());
        Self {
            pre: pre_state_of(&rows),
            post: post_state_of(&rows, ends_block),
            rows,
            span: StateSpan {
                first_counter: counters.start,
                starts_block: counters.start == 1,
                ends_block,
            },
        }
    }

    fn instance(&self) -> Vec<Vec<Fr>> {
        let mut v = PublicStateTable::instance_values(&self.pre);
        v.extend(PublicStateTable::instance_values(&self.post));
        let flag = |b: bool| Fr::from(u64::from(b));
        v.push(vec![
            Fr::from(self.span.first_counter),
            flag(self.span.starts_block),
            flag(self.span.ends_block),
        ]);
        v
    }

    fn verify(&self) -> Result<(), Vec<VerifyFailure>> {
        MockProver::run(K, self, self.instance())
            .expect("synthesis succeeds")
            .verify()
    }
}

impl Circuit<Fr> for StateOnly {
    type Config = (
        StateCircuitConfig,
        halo2_proofs::plonk::Column<halo2_proofs::plonk::Instance>,
    );
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
        let fixed = FixedTable::configure(meta);
        let rw = RwTable::configure(meta);
        let pre = PublicStateTable::configure(meta, "pre-state");
        let post = PublicStateTable::configure(meta, "post-state");
        let span = meta.instance_column();
        meta.enable_equality(span);
        (
            StateCircuitConfig::configure(meta, rw, fixed, pre, post),
            span,
        )
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        let (config, span) = config;
        let capacity = 1 << (K - 1);
        config
            .fixed
            .load(&mut layouter, &[FixedTableTag::Range256], capacity)?;
        let cells = config.assign_rows(&mut layouter, &self.rows, self.span, capacity)?;
        for (row, cell) in [cells.first_counter, cells.starts_block, cells.ends_block]
            .into_iter()
            .enumerate()
        {
            layouter.constrain_instance(cell, span, row);
        }
        config.pre.load(&mut layouter, &self.pre, 64)?;
        config.post.load(&mut layouter, &self.post, 64)?;
        Ok(())
    }
}

/// PUSH/MSTORE/MLOAD/SSTORE/SLOAD/SSTORE: stack, memory, storage (twice), call context,
/// accounts, access lists, refund and receipts.
fn rws() -> Vec<Rw> {
    let code = vec![
        0x60, 0x2a, 0x60, 0x00, 0x52, // MSTORE(0, 42)
        0x60, 0x00, 0x51, // MLOAD(0)
        0x60, 0x01, 0x55, // SSTORE(1, mload)
        0x60, 0x01, 0x54, // SLOAD(1)
        0x60, 0x01, 0x55, // SSTORE(1, sload)
        0x00,
    ];
    witness_of(code, vec![]).rws
}

fn assert_rejected(result: Result<(), Vec<VerifyFailure>>, needle: &str) {
    let failures = result.expect_err("tampered rows are rejected");
    let texts: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert!(
        texts.iter().any(|t| t.contains(needle)),
        "no failure mentions {needle:?}: {texts:#?}"
    );
}

fn position(c: &StateOnly, f: impl Fn(&Rw) -> bool) -> usize {
    c.rows.iter().position(f).expect("such a row")
}

#[test]
fn real_rw_log_passes() {
    let c = StateOnly::honest(&rws());
    assert!(c.rows.iter().any(|r| r.tag == RwTag::Storage));
    assert!(!c.pre.is_empty() && !c.post.is_empty());
    assert_eq!(c.verify(), Ok(()));
}

#[test]
fn rows_out_of_order_are_rejected() {
    let mut c = StateOnly::honest(&rws());
    c.rows.swap(3, 4);
    assert_rejected(c.verify(), "STATE: the first differing limb grows");
}

#[test]
fn a_read_of_a_stale_value_is_rejected() {
    let mut c = StateOnly::honest(&rws());
    // A stack read that follows a write: claim it read something else.
    let i = (1..c.rows.len())
        .find(|&i| {
            let (p, r) = (&c.rows[i - 1], &c.rows[i]);
            r.tag == RwTag::Stack && !r.is_write && p.state_key() == r.state_key()
        })
        .expect("a stack read");
    c.rows[i].value += U256::from(1);
    c.rows[i].value_prev += U256::from(1);
    assert_rejected(c.verify(), "value_prev = the previous access's value");
    c.rows[i].value_prev -= U256::from(1);
    assert_rejected(c.verify(), "a read has value_prev = value");
}

#[test]
fn a_dropped_write_is_rejected() {
    let mut c = StateOnly::honest(&rws());
    let i = position(&c, |r| {
        r.tag == RwTag::Memory && r.is_write && !r.value.is_zero()
    });
    c.rows.remove(i);
    assert!(c.verify().is_err());
}

#[test]
fn a_stack_slot_read_before_any_write_is_rejected() {
    let mut c = StateOnly::honest(&rws());
    let i = position(&c, |r| {
        r.tag == RwTag::Stack && r.is_write && r.value.is_zero()
    });
    // Make the slot's first access a read of 0.
    c.rows[i].is_write = false;
    assert_rejected(c.verify(), "a stack slot is written before it is read");
}

#[test]
fn a_first_access_must_start_from_zero() {
    let mut c = StateOnly::honest(&rws());
    let i = position(&c, |r| r.tag == RwTag::Memory && r.is_write);
    c.rows[i].value_prev = U256::from(7);
    assert_rejected(c.verify(), "a first access starts from 0");
}

#[test]
fn the_pre_state_is_public() {
    let mut c = StateOnly::honest(&rws());
    let i = position(&c, |r| r.tag == RwTag::Storage);
    assert!(c.rows[i].value_prev.is_zero());
    // The slot claims a different initial value than the public pre-state says.
    // Row i is the slot's first access.
    let r = &mut c.rows[i];
    r.value_prev = U256::from(5);
    r.committed_value = U256::from(5);
    if !r.is_write {
        r.value = U256::from(5);
    }
    assert_rejected(
        c.verify(),
        "STATE: a first access reads the public pre-state",
    );
    // Changing the instance alone is caught too.
    let mut c = StateOnly::honest(&rws());
    let mut instance = c.instance();
    instance[7][1] += Fr::one();
    let r = MockProver::run(K, &c, instance)
        .expect("synthesis")
        .verify();
    assert!(r.is_err(), "a changed public pre-state is rejected");
    c.pre[0].value.lo += Fr::one();
    assert_rejected(
        c.verify(),
        "STATE: a first access reads the public pre-state",
    );
}

#[test]
fn the_post_state_holds_exactly_the_results() {
    let mut c = StateOnly::honest(&rws());
    let mut fake = c.post[0];
    fake.value.lo += Fr::one();
    c.post.push(fake);
    assert_rejected(
        c.verify(),
        "STATE: every public post-state row is a last access",
    );
    let mut c = StateOnly::honest(&rws());
    c.post.pop();
    assert_rejected(
        c.verify(),
        "STATE: a last access is in the public post-state",
    );
}

#[test]
fn storage_committed_value_is_the_tx_start_value() {
    let mut c = StateOnly::honest(&rws());
    let i = (1..c.rows.len())
        .find(|&i| {
            let (p, r) = (&c.rows[i - 1], &c.rows[i]);
            r.tag == RwTag::Storage && p.state_key() == r.state_key()
        })
        .expect("a second storage access");
    c.rows[i].committed_value += U256::from(1);
    assert_rejected(c.verify(), "storage committed_value is carried within a tx");
}

#[test]
fn a_duplicated_row_is_rejected() {
    let mut c = StateOnly::honest(&rws());
    let i = position(&c, |r| r.tag == RwTag::CallContext);
    let dup = c.rows[i].clone();
    c.rows.insert(i + 1, dup);
    assert_rejected(c.verify(), "STATE: the first differing limb grows");
}

/// The log of [`rws`] in three chunks, split at a third and two thirds of its counters.
fn three_chunks() -> (Vec<Rw>, [std::ops::Range<u64>; 3]) {
    let rws = rws();
    let n = rws.len() as u64;
    let (a, b) = (1 + n / 3, 1 + 2 * n / 3);
    (rws, [1..a, a..b, b..n + 1])
}

#[test]
fn a_log_split_in_chunks_passes_chunk_by_chunk() {
    let (rws, chunks) = three_chunks();
    for (i, counters) in chunks.iter().enumerate() {
        let c = StateOnly::chunk(&rws, counters.clone(), i == 2);
        let boundary = c.rows.iter().filter(|r| r.rw_counter == 0).count();
        assert_eq!(
            boundary > 0,
            i > 0,
            "boundary rows only after the first chunk"
        );
        assert_eq!(c.verify(), Ok(()), "chunk {i}");
    }
    // The middle chunk hands on every cell it touched; the last only the results.
    let middle = StateOnly::chunk(&rws, chunks[1].clone(), false);
    assert!(middle.post.len() > post_state_of::<Fr>(&middle.rows, true).len());
}

#[test]
fn a_boundary_row_reads_the_public_pre_state() {
    let (rws, chunks) = three_chunks();
    let mut c = StateOnly::chunk(&rws, chunks[1].clone(), false);
    let i = position(&c, |r| r.rw_counter == 0);
    c.rows[i].value += U256::from(1);
    c.rows[i].value_prev += U256::from(1);
    assert_rejected(
        c.verify(),
        "STATE: a first access reads the public pre-state",
    );
}

#[test]
fn a_chunk_cannot_drop_a_cell_boundary_row() {
    let (rws, chunks) = three_chunks();
    let mut c = StateOnly::chunk(&rws, chunks[1].clone(), false);
    let i = position(&c, |r| r.rw_counter == 0 && r.tag == RwTag::Stack);
    c.rows.remove(i);
    assert_rejected(
        c.verify(),
        "every cell starts with a boundary row where the rows do not start the block",
    );
}

#[test]
fn a_later_chunk_cannot_claim_to_start_the_block() {
    let (rws, chunks) = three_chunks();
    let mut c = StateOnly::chunk(&rws, chunks[1].clone(), false);
    c.span.starts_block = true;
    assert_rejected(c.verify(), "no boundary row where the rows start the block");
}

#[test]
fn a_chunk_that_does_not_end_the_block_hands_on_every_cell() {
    let (rws, chunks) = three_chunks();
    let mut c = StateOnly::chunk(&rws, chunks[0].clone(), false);
    let tag = Fr::from(RwTag::Stack as u64);
    let i = c
        .post
        .iter()
        .position(|r| r.tag == tag)
        .expect("a stack cell in the post-state");
    c.post.remove(i);
    assert_rejected(
        c.verify(),
        "STATE: a last access is in the public post-state",
    );
    // Claiming to end the block drops the obligation, which the verifier of a chain of
    // chunks refuses for any chunk but the last (the circuit accepts it).
    let c = StateOnly::chunk(&rws, chunks[0].clone(), true);
    assert_eq!(c.verify(), Ok(()));
}

#[test]
fn a_boundary_row_carries_the_committed_value_within_a_tx() {
    let rws = rws();
    // Split between the slot's two SSTOREs: the second chunk's boundary row carries the
    // committed value the first SSTORE saw.
    let second = rws
        .iter()
        .filter(|r| r.tag == RwTag::Storage && r.is_write)
        .nth(1)
        .expect("two SSTOREs")
        .rw_counter;
    let n = rws.len() as u64;
    let c = StateOnly::chunk(&rws, second..n + 1, true);
    assert_eq!(c.verify(), Ok(()));
    let i = position(&c, |r| r.rw_counter == 0 && r.tag == RwTag::Storage);
    let mut forged = c.clone();
    forged.rows[i].committed_value += U256::from(1);
    forged.pre = pre_state_of(&forged.rows);
    assert_rejected(
        forged.verify(),
        "storage committed_value is carried within a tx",
    );
}
