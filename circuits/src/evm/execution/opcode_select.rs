//! OpcodeSelect: which of a gadget's opcodes the step runs, as one-hot boolean cells.
//!
//! ```text
//! sel_i boolean, "Σ sel_i = 1", "Σ sel_i·op_i = opcode"
//! ```
//!
//! The listed opcodes are distinct, so exactly one `sel_i` is 1 and it is the one of the
//! step's opcode: a gadget then picks per-opcode constants (a field number, a table tag)
//! as `Σ sel_i·v_i`, which is linear in the cells.

use crate::evm::{assign::StepRegion, cell::Cell, constraint_builder::ConstraintBuilder};
use halo2_proofs::{
    halo2curves::ff::PrimeField,
    plonk::{Error, Expression},
};

/// One-hot selection of the step's opcode among `N` opcodes.
#[derive(Clone, Debug)]
pub struct OpcodeSelect<F: PrimeField, const N: usize> {
    /// The opcodes, in cell order.
    pub opcodes: [u8; N],
    /// `sel[i] = 1` iff the step's opcode is `opcodes[i]`.
    pub sel: [Cell<F>; N],
}

impl<F: PrimeField, const N: usize> OpcodeSelect<F, N> {
    /// Allocates the cells and constrains them against the step's opcode.
    pub fn configure(cb: &mut ConstraintBuilder<'_, F>, opcodes: [u8; N]) -> Self {
        let sel: [Cell<F>; N] =
            std::array::from_fn(|_| cb.query_bool("opcode selector is boolean"));
        let sum = sel
            .iter()
            .fold(Expression::Constant(F::ZERO), |acc, s| acc + s.expr());
        cb.require_equal("Σ sel_i = 1", sum, Expression::Constant(F::ONE));
        let opcode = sel
            .iter()
            .zip(opcodes)
            .fold(Expression::Constant(F::ZERO), |acc, (s, op)| {
                acc + s.expr() * Expression::Constant(F::from(u64::from(op)))
            });
        cb.require_equal("Σ sel_i·op_i = opcode", opcode, cb.opcode());
        Self { opcodes, sel }
    }

    /// `Σ sel_i·values[i]`: the value of the step's opcode.
    pub fn pick(&self, values: [u64; N]) -> Expression<F> {
        self.sel
            .iter()
            .zip(values)
            .fold(Expression::Constant(F::ZERO), |acc, (s, v)| {
                acc + s.expr() * Expression::Constant(F::from(v))
            })
    }

    /// The position of `opcode` in the list, if it is there.
    pub fn position(&self, opcode: Option<u8>) -> Option<usize> {
        self.opcodes.iter().position(|op| Some(*op) == opcode)
    }

    /// Assigns the selector of `opcode`; an opcode outside the list is a synthesis error.
    pub fn assign(
        &self,
        region: &mut StepRegion<'_, '_, F>,
        opcode: Option<u8>,
    ) -> Result<usize, Error> {
        let index = self.position(opcode).ok_or(Error::Synthesis)?;
        for (i, s) in self.sel.iter().enumerate() {
            s.assign(region, F::from(u64::from(i == index)))?;
        }
        Ok(index)
    }
}
