//! Arithmetic and context-lookup helpers shared by `BeginTx` and `EndTx`: a number held in
//! range-checked bytes, a word addition without overflow, and the assignment of the tx and
//! block lookups a step makes.
//!
//! ```text
//! ByteNumber<N>:     value = Σ_{i<N} byte_i·256^i      (bytes range-checked; value < 256^N)
//! AddNoOverflow:     lhs.lo + rhs.lo = sum.lo + carry·2^128
//!                    lhs.hi + rhs.hi + carry = sum.hi   (carry boolean; no carry out)
//! ```
//! `AddNoOverflow` is sound when every limb of `lhs`, `rhs` and `sum` is below `2^128`. Words
//! of [`ByteNumber`]s are; a balance read from the rw log is (every value written to the log
//! is range-checked by its writer); a balance a step writes must be range-checked by the step
//! with [`WordBytes`], else a carry flipped with `2^128` moved between the limbs (or a
//! "negative" `hi`) satisfies the addition.

use crate::evm::{
    assign::StepRegion,
    cell::Cell,
    columns::ContextColumns,
    constraint_builder::{ConstraintBuilder, ContextSlot},
};
use crate::table::{BlockFieldTag, BlockTableRow, CopyTableRow, TxFieldTag, TxTableRow};
use equivm_gadgets::{util::expr_from_le_bytes, Word};
use equivm_trace::revm::primitives::U256;
use equivm_witness::{CopyDataType, CopyEvent, ExecStep, Witness};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// A number below `256^N` held in `N` byte cells, little-endian.
#[derive(Clone, Debug)]
pub struct ByteNumber<F: PrimeField, const N: usize> {
    /// The bytes.
    pub bytes: [Cell<F>; N],
}

impl<F: PrimeField, const N: usize> ByteNumber<F, N> {
    /// Allocates the bytes and requires `value` to equal them (`"{what} fits N bytes"`).
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>, what: &str, value: Expression<F>) -> Self {
        let bytes = cb.query_bytes::<N>();
        let exprs: Vec<_> = bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            &format!("{what} = Σ byte_i·256^i ({N} bytes)"),
            value,
            expr_from_le_bytes(&exprs),
        );
        Self { bytes }
    }

    /// The number as a word: bytes 0..16 in `lo`, the rest in `hi`.
    pub fn word(&self) -> Word<Expression<F>> {
        let exprs: Vec<_> = self.bytes.iter().map(Cell::expr).collect();
        let split = N.min(16);
        let hi = if N > 16 {
            expr_from_le_bytes(&exprs[16..])
        } else {
            Expression::Constant(F::ZERO)
        };
        Word::new(expr_from_le_bytes(&exprs[..split]), hi)
    }

    /// Assigns `value` (an error if it does not fit).
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, value: U256) -> Result<(), Error> {
        if value.bit_len() > 8 * N {
            return Err(Error::Synthesis);
        }
        let le = value.to_le_bytes::<32>();
        for (cell, byte) in self.bytes.iter().zip(le) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        Ok(())
    }
}

/// A word whose limbs are proved below `2^128`: 32 byte cells, `lo` the first 16
/// (little-endian), `hi` the last 16.
#[derive(Clone, Debug)]
pub struct WordBytes<F: PrimeField> {
    /// The bytes.
    pub bytes: [Cell<F>; 32],
}

impl<F: PrimeField> WordBytes<F> {
    /// Allocates the bytes and requires `word`'s limbs to equal them.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        word: Word<Expression<F>>,
    ) -> Self {
        let bytes = cb.query_bytes::<32>();
        let exprs: Vec<_> = bytes.iter().map(Cell::expr).collect();
        cb.require_equal(
            &format!("{what}: lo = Σ_{{j<16}} byte_j·256^j"),
            word.lo,
            expr_from_le_bytes(&exprs[..16]),
        );
        cb.require_equal(
            &format!("{what}: hi = Σ_{{j≥16}} byte_j·256^(j-16)"),
            word.hi,
            expr_from_le_bytes(&exprs[16..]),
        );
        Self { bytes }
    }

    /// Assigns the bytes of `value`.
    pub fn assign(&self, region: &mut StepRegion<'_, '_, F>, value: U256) -> Result<(), Error> {
        for (cell, byte) in self.bytes.iter().zip(value.to_le_bytes::<32>()) {
            cell.assign(region, F::from(u64::from(byte)))?;
        }
        Ok(())
    }
}

/// `lhs + rhs = sum` on words, with no overflow past `2^256`.
#[derive(Clone, Debug)]
pub struct AddNoOverflow<F: PrimeField> {
    /// The carry out of the low limbs.
    pub carry: Cell<F>,
}

impl<F: PrimeField> AddNoOverflow<F> {
    /// Allocates the carry (boolean, stated unconditionally) and requires the sum under the
    /// builder's current conditions.
    pub fn configure(
        cb: &mut ConstraintBuilder<'_, F>,
        what: &str,
        lhs: Word<Expression<F>>,
        rhs: Word<Expression<F>>,
        sum: Word<Expression<F>>,
    ) -> Self {
        let carry = cb.query_cell();
        let two128 = Expression::Constant(equivm_gadgets::util::pow2::<F>(128));
        cb.require_equal(
            &format!("{what} (lo)"),
            lhs.lo + rhs.lo,
            sum.lo + carry.expr() * two128,
        );
        cb.require_equal(
            &format!("{what} (hi)"),
            lhs.hi + rhs.hi + carry.expr(),
            sum.hi,
        );
        Self { carry }
    }

    /// States that the carry is boolean; call outside any condition.
    pub fn require_boolean_carry(&self, cb: &mut ConstraintBuilder<'_, F>, what: &str) {
        cb.require_boolean(&format!("{what}: carry is boolean"), self.carry.expr());
    }

    /// Assigns the carry of `lhs + rhs` (low limbs).
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        lhs: U256,
        rhs: U256,
    ) -> Result<(), Error> {
        let mask = (U256::from(1) << 128) - U256::from(1);
        let carry: U256 = ((lhs & mask) + (rhs & mask)) >> 128usize;
        self.carry.assign(region, F::from(carry.to::<u64>()))
    }
}

/// Assigns context row `row` of the step for `slot` (tx lookups are of the step's tx, item
/// `index`); returns the value looked up.
pub fn assign_context<F: PrimeField>(
    region: &mut StepRegion<'_, '_, F>,
    cols: &ContextColumns,
    row: usize,
    slot: ContextSlot,
    index: u64,
    witness: &Witness,
    step: &ExecStep,
) -> Result<Word<F>, Error> {
    let (id, tag, value, is_tx) = match slot {
        ContextSlot::Tx(tag) => {
            let tx = witness.txs.get(step.tx_index).ok_or(Error::Synthesis)?;
            let row = TxTableRow::<F>::rows_of(tx)
                .into_iter()
                .find(|r| r.tag == F::from(tag) && r.index == F::from(index))
                .ok_or(Error::Synthesis)?;
            (row.tx_id, tag, row.value, true)
        }
        ContextSlot::Block(tag) => {
            let row = BlockTableRow::<F>::rows_of(&witness.block)
                .map_err(|_| Error::Synthesis)?
                .into_iter()
                .find(|r| r.tag == F::from(tag) && r.index == F::from(index))
                .ok_or(Error::Synthesis)?;
            (F::ZERO, tag, row.value, false)
        }
        ContextSlot::Copy(_) => return Err(Error::Synthesis),
    };
    region.assign_advice(cols.id, row, id)?;
    region.assign_advice(cols.tag, row, F::from(tag))?;
    region.assign_advice(cols.index, row, F::from(index))?;
    region.assign_advice(cols.value.lo, row, value.lo)?;
    region.assign_advice(cols.value.hi, row, value.hi)?;
    region.assign_advice(cols.is_tx, row, F::from(u64::from(is_tx)))?;
    region.assign_advice(cols.is_block, row, F::from(u64::from(!is_tx)))?;
    Ok(value)
}

/// The copy event whose accesses start at `rw_counter` with destination `dst_type` (the
/// copy a step looks up after its own accesses).
pub fn copy_event_at(
    witness: &Witness,
    rw_counter: u64,
    dst_type: CopyDataType,
) -> Result<&CopyEvent, Error> {
    witness
        .copy_events
        .iter()
        .find(|e| e.rw_counter_start == rw_counter && e.dst_type == dst_type)
        .ok_or(Error::Synthesis)
}

/// Assigns a copy-table lookup on context rows `first..first + 3`: the claim's 13 fields,
/// or zeros when `claim` is `None` (a copy of zero bytes: the lookup matches the zero row).
pub fn assign_copy_lookup<F: PrimeField>(
    region: &mut StepRegion<'_, '_, F>,
    cols: &ContextColumns,
    first: usize,
    claim: Option<CopyTableRow<F>>,
) -> Result<(), Error> {
    let mut fields = claim
        .map(CopyTableRow::to_vec)
        .unwrap_or_default()
        .into_iter();
    for part in 0..3 {
        let row = first + part;
        for column in cols.values() {
            region.assign_advice(column, row, fields.next().unwrap_or(F::ZERO))?;
        }
        region.assign_advice(cols.is_tx, row, F::ZERO)?;
        region.assign_advice(cols.is_block, row, F::ZERO)?;
        region.assign_advice(cols.copy_start, row, F::from(u64::from(part == 0)))?;
        region.assign_advice(cols.copy_body, row, F::ONE)?;
    }
    Ok(())
}

/// The tx-table slot of `tag`.
pub fn tx_slot(tag: TxFieldTag) -> ContextSlot {
    ContextSlot::Tx(tag as u64)
}

/// The block-table slot of `tag`.
pub fn block_slot(tag: BlockFieldTag) -> ContextSlot {
    ContextSlot::Block(tag as u64)
}

/// An address as one field element (the value [`address_expr`] gives its word).
pub fn address_value<F: PrimeField>(a: equivm_trace::revm::primitives::Address) -> F {
    let w = crate::evm::assign::word_of::<F>(equivm_trace::revm::primitives::U256::from_be_slice(
        a.as_slice(),
    ));
    w.lo + w.hi * equivm_gadgets::util::pow2::<F>(128)
}

/// An address word (lo, hi of its 160-bit number) as one field element.
pub fn address_expr<F: PrimeField>(word: &Word<Expression<F>>) -> Expression<F> {
    word.lo.clone() + word.hi.clone() * Expression::Constant(equivm_gadgets::util::pow2::<F>(128))
}
