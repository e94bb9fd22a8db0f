//! MockProver's verdict, reached faster: [`mock_check`] runs halo2's `MockProver` for the
//! lookups, the copy constraints and the gates on the blinding rows, and evaluates every
//! gate polynomial on every usable row itself.
//!
//! A gate polynomial here is a product of factors, the first of them an enable (a fixed
//! column, a step's state flag, ...). `MockProver` evaluates the whole product on every row
//! and measures each sub-expression's size again at every product node, so its cost is the
//! size of every polynomial times the number of rows. This check splits each polynomial
//! into its top-level factors once, orders them by size, and stops at the first factor that
//! is zero on the row: a product with a zero factor is zero, whatever the other factors
//! hold. The verdict is the same (the product is evaluated exactly where it can be
//! non-zero); only the work on the rows a gate does not touch is saved.
//!
//! Poisoned cells (halo2's blinding rows) follow `MockProver`'s rule: a poisoned factor
//! times zero is zero, otherwise the polynomial is poisoned and fails.

use halo2_proofs::{
    dev::{AdviceCellValue, CellValue, MockProver},
    plonk::{Advice, Circuit, Column, ConstraintSystem, Expression, Gate},
};
use halo2curves::bn256::Fr;
use halo2curves::ff::Field;

/// A cell's value as a gate sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Val {
    Real(Fr),
    Poison,
}

impl Val {
    fn is_zero(self) -> bool {
        matches!(self, Val::Real(x) if x.is_zero_vartime())
    }
}

fn add(a: Val, b: Val) -> Val {
    match (a, b) {
        (Val::Real(a), Val::Real(b)) => Val::Real(a + b),
        _ => Val::Poison,
    }
}

fn mul(a: Val, b: Val) -> Val {
    match (a, b) {
        (Val::Real(a), Val::Real(b)) => Val::Real(a * b),
        // Poison times zero is zero (MockProver's rule), otherwise poison.
        (a, b) if a.is_zero() || b.is_zero() => Val::Real(Fr::ZERO),
        _ => Val::Poison,
    }
}

/// Every cell the gates can query, as dense columns.
struct Cells {
    n: i32,
    fixed: Vec<Vec<Val>>,
    advice: Vec<Vec<Val>>,
    instance: Vec<Vec<Val>>,
}

impl Cells {
    fn at(column: &[Val], n: i32, row: usize, rotation: i32) -> Val {
        let r = (row as i32 + rotation).rem_euclid(n) as usize;
        column.get(r).copied().unwrap_or(Val::Real(Fr::ZERO))
    }

    fn eval(&self, e: &Expression<Fr>, row: usize) -> Val {
        e.evaluate(
            &Val::Real,
            &|_| Val::Poison,
            &|q| Self::at(&self.fixed[q.column_index()], self.n, row, q.rotation().0),
            &|q| Self::at(&self.advice[q.column_index()], self.n, row, q.rotation().0),
            &|q| {
                Self::at(
                    &self.instance[q.column_index()],
                    self.n,
                    row,
                    q.rotation().0,
                )
            },
            &|_| Val::Poison,
            &|a| match a {
                Val::Real(a) => Val::Real(-a),
                Val::Poison => Val::Poison,
            },
            &add,
            &mul,
            &|a, s| mul(a, Val::Real(s)),
        )
    }
}

/// The top-level factors of `e`, in order of size (smallest first).
fn factors(e: &Expression<Fr>) -> Vec<&Expression<Fr>> {
    fn walk<'a>(e: &'a Expression<Fr>, out: &mut Vec<&'a Expression<Fr>>) {
        match e {
            Expression::Product(a, b) => {
                walk(a, out);
                walk(b, out);
            }
            _ => out.push(e),
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    out.sort_by_key(|f| f.complexity());
    out
}

/// One gate's polynomials as factors: those all of them share, and each one's others.
struct GateFactors<'a> {
    gate: &'a Gate<Fr>,
    common: Vec<&'a Expression<Fr>>,
    rest: Vec<Vec<&'a Expression<Fr>>>,
}

impl<'a> GateFactors<'a> {
    /// Factors larger than this are not compared across polynomials (an enable is small).
    const MAX_SHARED: usize = 2_000;

    fn of(gate: &'a Gate<Fr>) -> Self {
        let per_poly: Vec<Vec<&Expression<Fr>>> =
            gate.polynomials().iter().map(|p| factors(p)).collect();
        let key =
            |f: &Expression<Fr>| (f.complexity() <= Self::MAX_SHARED).then(|| format!("{f:?}"));
        let keyed: Vec<Vec<Option<String>>> = per_poly
            .iter()
            .map(|fs| fs.iter().map(|f| key(f)).collect())
            .collect();
        // The distinct factors of the first polynomial that every polynomial has; each is
        // taken out of every polynomial once, so each polynomial is exactly `common · rest`.
        let mut shared: Vec<String> = Vec::new();
        for k in keyed.first().into_iter().flatten().flatten() {
            if !shared.contains(k)
                && keyed
                    .iter()
                    .all(|keys| keys.iter().flatten().any(|x| x == k))
            {
                shared.push(k.clone());
            }
        }
        let mut common = Vec::new();
        let mut rest = Vec::new();
        for (p, fs) in per_poly.iter().enumerate() {
            let mut left = shared.clone();
            let mut own = Vec::new();
            for (f, k) in fs.iter().zip(&keyed[p]) {
                match k.as_ref().and_then(|k| left.iter().position(|x| x == k)) {
                    Some(i) => {
                        left.remove(i);
                        if p == 0 {
                            common.push(*f);
                        }
                    }
                    None => own.push(*f),
                }
            }
            rest.push(own);
        }
        Self { gate, common, rest }
    }
}

/// Runs `circuit` at `k` with `instance` under `MockProver` and returns its verdict: `Err`
/// lists the failures, `MockProver`'s own texts for lookups and copy constraints first (at
/// most 64), then the gates' (at most 64: the gate and constraint names and the row). The
/// outer `Err` is a synthesis error.
///
/// Circuits with halo2 selectors (which `MockProver` rewrites into fixed columns) are
/// checked by `MockProver::verify` itself.
pub fn mock_check<C: Circuit<Fr, Params = ()>>(
    k: u32,
    circuit: &C,
    instance: Vec<Vec<Fr>>,
) -> Result<Result<(), Vec<String>>, halo2_proofs::plonk::Error> {
    const MAX_FAILURES: usize = 64;
    let prover = MockProver::run(k, circuit, instance.clone())?;
    let mut cs = ConstraintSystem::<Fr>::default();
    C::configure(&mut cs);
    let texts = |failures: Vec<halo2_proofs::dev::VerifyFailure>| -> Vec<String> {
        failures
            .iter()
            .take(MAX_FAILURES)
            .map(|f| f.to_string())
            .collect()
    };
    if cs.num_selectors() > 0 {
        return Ok(prover.verify().map_err(texts));
    }
    let n = 1usize << k;
    let usable = n - (cs.blinding_factors() + 1);
    // Lookups and copy constraints on every row; the gates on the blinding rows only.
    let mut failures = match prover.verify_at_rows(
        Vec::new().into_iter(),
        (0..usable).collect::<Vec<_>>().into_iter(),
    ) {
        Ok(()) => Vec::new(),
        Err(f) => texts(f),
    };

    let cells = Cells {
        n: n as i32,
        fixed: prover
            .fixed()
            .iter()
            .map(|column| {
                column
                    .iter()
                    .map(|v| match v {
                        CellValue::Unassigned => Val::Real(Fr::ZERO),
                        CellValue::Assigned(v) => Val::Real(*v),
                        CellValue::Poison(_) => Val::Poison,
                    })
                    .collect()
            })
            .collect(),
        // Columns numbered 0.. as the circuit's are (a fresh system numbers them in order).
        advice: {
            let mut fresh = ConstraintSystem::<Fr>::default();
            (0..cs.num_advice_columns()).map(move |_| fresh.advice_column())
        }
        .map(|column: Column<Advice>| {
            prover
                .advice_values(column)
                .iter()
                .map(|v| match v {
                    AdviceCellValue::Assigned(a) => Val::Real(a.evaluate()),
                    AdviceCellValue::Poison(_) => Val::Poison,
                })
                .collect()
        })
        .collect(),
        instance: instance
            .iter()
            .map(|column| {
                (0..n)
                    .map(|row| match column.get(row) {
                        _ if row >= usable => Val::Poison,
                        Some(v) => Val::Real(*v),
                        None => Val::Real(Fr::ZERO),
                    })
                    .collect()
            })
            .collect(),
    };

    let gates: Vec<GateFactors> = cs.gates().iter().map(GateFactors::of).collect();
    let mut gate_failures = 0;
    'rows: for row in 0..usable {
        'gate: for gate in &gates {
            // The factors every polynomial of the gate shares (its enable): one zero among
            // them and the whole gate is zero on this row.
            let mut common = Val::Real(Fr::ONE);
            for f in &gate.common {
                let v = cells.eval(f, row);
                if v.is_zero() {
                    continue 'gate;
                }
                common = mul(common, v);
            }
            for (i, factors) in gate.rest.iter().enumerate() {
                let mut value = common;
                for f in factors {
                    let v = cells.eval(f, row);
                    if v.is_zero() {
                        value = v;
                        break;
                    }
                    value = mul(value, v);
                }
                if !value.is_zero() {
                    let what = match value {
                        Val::Poison => "poisoned",
                        Val::Real(_) => "not satisfied",
                    };
                    failures.push(format!(
                        "Constraint '{}' of gate '{}' {what} at row {row}",
                        gate.gate.constraint_name(i),
                        gate.gate.name()
                    ));
                    gate_failures += 1;
                    if gate_failures >= MAX_FAILURES {
                        break 'rows;
                    }
                }
            }
        }
    }
    if failures.is_empty() {
        Ok(Ok(()))
    } else {
        Ok(Err(failures))
    }
}

#[cfg(test)]
mod tests;
