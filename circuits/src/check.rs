//! MockProver's verdict, reached faster: [`mock_check`] synthesizes the circuit into plain
//! cells (its constraint system configured once per circuit type), then checks the copy
//! constraints, every lookup on every usable row and every gate polynomial on every row
//! itself, as `MockProver::verify` would.
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
//! Lookup inputs are such products too (an enable times a value): a row whose shared enable
//! is zero looks up the all-zero tuple, checked once per lookup. Each table (the same table
//! expressions, however many lookups use them) is evaluated once into a hash set, where
//! `MockProver` evaluates and sorts it again for every lookup that does not follow one into
//! the same table, and sorts every lookup's inputs.
//!
//! A gate whose polynomials share many sub-expressions (the keccak round's chi bits) is
//! evaluated as one graph of its distinct nodes, once per enabled row (`check/dag.rs`); a gate
//! that is large next to the cells it reads remembers the rows it passed, and a row whose
//! queried cells equal one of them, compared cell by cell, passes without being evaluated
//! (`check/memo.rs`).
//!
//! Poisoned cells (halo2's blinding rows) follow `MockProver`'s rule: a poisoned factor
//! times zero is zero, otherwise the polynomial is poisoned and fails.

mod cells;
mod dag;
mod memo;

use cells::AssignedCells;
use dag::GateGraph;
use halo2_proofs::{
    dev::MockProver,
    plonk::{Any, Circuit, Column, ConstraintSystem, Expression, FloorPlanner, Gate},
};
use halo2curves::bn256::Fr;
use halo2curves::ff::{Field, PrimeField};
use memo::GateQueries;
use std::any::{Any as AnyType, TypeId};
use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::sync::{Arc, Mutex, OnceLock};

/// A cell's value as a gate sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Val {
    Real(Fr),
    Poison,
}

impl std::hash::Hash for Val {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Val::Real(x) => x.to_repr().as_ref().hash(state),
            Val::Poison => state.write_u8(0xff),
        }
    }
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

/// Every cell the gates can query: the synthesis's columns, read in place (an advice
/// column holds its cells up to its last non-zero one; rows past the usable ones are
/// poisoned, as `MockProver`'s blinding rows are).
struct Cells<'a> {
    n: i32,
    usable: usize,
    fixed: &'a [Vec<Option<Fr>>],
    advice: &'a [Vec<Fr>],
    instance: Vec<Vec<Val>>,
}

impl Cells<'_> {
    fn row(&self, row: usize, rotation: i32) -> usize {
        (row as i32 + rotation).rem_euclid(self.n) as usize
    }

    fn fixed_at(&self, column: usize, row: usize) -> Val {
        let v = self.fixed[column].get(row).copied().flatten();
        Val::Real(v.unwrap_or(Fr::ZERO))
    }

    fn advice_at(&self, column: usize, row: usize) -> Val {
        if row >= self.usable {
            return Val::Poison;
        }
        Val::Real(self.advice[column].get(row).copied().unwrap_or(Fr::ZERO))
    }

    fn instance_at(&self, column: usize, row: usize) -> Val {
        self.instance[column]
            .get(row)
            .copied()
            .unwrap_or(Val::Real(Fr::ZERO))
    }

    fn eval(&self, e: &Expression<Fr>, row: usize) -> Val {
        e.evaluate(
            &Val::Real,
            &|_| Val::Poison,
            &|q| self.fixed_at(q.column_index(), self.row(row, q.rotation().0)),
            &|q| self.advice_at(q.column_index(), self.row(row, q.rotation().0)),
            &|q| self.instance_at(q.column_index(), self.row(row, q.rotation().0)),
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

/// A list of polynomials (a gate's, or a lookup's inputs) as factors: those all of them
/// share, and each one's others.
struct SharedFactors {
    common: Vec<Expression<Fr>>,
    rest: Vec<Vec<Expression<Fr>>>,
}

impl SharedFactors {
    /// Factors larger than this are not compared across polynomials (an enable is small).
    const MAX_SHARED: usize = 2_000;

    fn of(polynomials: &[Expression<Fr>]) -> Self {
        let per_poly: Vec<Vec<&Expression<Fr>>> = polynomials.iter().map(|p| factors(p)).collect();
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
                            common.push((*f).clone());
                        }
                    }
                    None => own.push((*f).clone()),
                }
            }
            rest.push(own);
        }
        Self { common, rest }
    }

    /// The product of the common factors on `row`, `None` when one of them is zero (every
    /// polynomial is then zero).
    fn common_at(&self, cells: &Cells, row: usize) -> Option<Val> {
        let mut common = Val::Real(Fr::ONE);
        for f in &self.common {
            let v = cells.eval(f, row);
            if v.is_zero() {
                return None;
            }
            common = mul(common, v);
        }
        Some(common)
    }

    /// Polynomial `i` on `row`, given the common factors' product.
    fn value_at(&self, cells: &Cells, row: usize, common: Val, i: usize) -> Val {
        let mut value = common;
        for f in &self.rest[i] {
            let v = cells.eval(f, row);
            if v.is_zero() {
                return v;
            }
            value = mul(value, v);
        }
        value
    }
}

/// What checking a circuit type needs, prepared once per type and params: its constraint system and
/// configuration, its gates and lookup inputs split into factors, and a key per lookup
/// table (lookups into the same table expressions share it).
struct Plan<C: Circuit<Fr>> {
    cs: ConstraintSystem<Fr>,
    config: C::Config,
    gates: Vec<SharedFactors>,
    /// The cells of each gate (evaluated as a graph) worth remembering passed rows of (see
    /// [`memo`]).
    gate_queries: Vec<Option<GateQueries>>,
    /// Each gate that shares many sub-expressions as one graph (see [`dag`]).
    gate_graphs: Vec<Option<GateGraph>>,
    lookup_inputs: Vec<SharedFactors>,
    table_keys: Vec<Vec<String>>,
}

/// `C`'s plan for `params`, made on first use (configuring the super circuit takes a good
/// part of a second, splitting its polynomials about as long again).
fn plan<C>(params: C::Params) -> Arc<Plan<C>>
where
    C: Circuit<Fr> + 'static,
    C::Params: Debug,
    C::Config: Send + Sync + 'static,
{
    type Plans = Mutex<HashMap<(TypeId, String), Arc<dyn AnyType + Send + Sync>>>;
    static PLANS: OnceLock<Plans> = OnceLock::new();
    let plans = PLANS.get_or_init(Default::default);
    let key = (TypeId::of::<C>(), format!("{params:?}"));
    let cached = plans.lock().expect("not poisoned").get(&key).cloned();
    if let Some(plan) = cached.and_then(|p| p.downcast::<Plan<C>>().ok()) {
        return plan;
    }
    let mut cs = ConstraintSystem::<Fr>::default();
    let config = C::configure_with_params(&mut cs, params);
    let gate_graphs: Vec<_> = cs
        .gates()
        .iter()
        .map(|g| GateGraph::of(g.polynomials()))
        .collect();
    let plan = Arc::new(Plan::<C> {
        gates: cs
            .gates()
            .iter()
            .map(|g| SharedFactors::of(g.polynomials()))
            .collect(),
        gate_queries: gate_graphs
            .iter()
            .map(|graph| graph.as_ref().and_then(GateQueries::of))
            .collect(),
        gate_graphs,
        lookup_inputs: cs
            .lookups()
            .iter()
            .map(|l| SharedFactors::of(l.input_expressions()))
            .collect(),
        table_keys: cs
            .lookups()
            .iter()
            .map(|l| {
                l.table_expressions()
                    .iter()
                    .map(Expression::identifier)
                    .collect()
            })
            .collect(),
        cs,
        config,
    });
    plans
        .lock()
        .expect("not poisoned")
        .insert(key, plan.clone());
    plan
}

/// Checks `circuit` at `k` with `instance` as `MockProver` would and returns its verdict:
/// `Err` lists the failures: the copy constraints' first (at most 64: the column and row),
/// then the lookups' (at most 64: the lookup's name and index and the row), then the gates'
/// (at most 64: the gate and constraint names and the row). The outer `Err` is a synthesis
/// error.
///
/// The circuit is synthesized once into plain cells (its constraint system and
/// configuration are made once per circuit type). Circuits this does not follow — with
/// halo2 selectors (which `MockProver` rewrites into fixed columns), challenges, or
/// assignments read back from other cells — are run and checked by `MockProver` itself.
pub fn mock_check<C>(
    k: u32,
    circuit: &C,
    instance: Vec<Vec<Fr>>,
) -> Result<Result<(), Vec<String>>, halo2_proofs::plonk::Error>
where
    C: Circuit<Fr> + 'static,
    C::Params: Debug,
    C::Config: Send + Sync + 'static,
{
    const MAX_FAILURES: usize = 64;
    let plan = plan::<C>(circuit.params());
    let cs = &plan.cs;
    let by_mock_prover = || -> Result<Result<(), Vec<String>>, halo2_proofs::plonk::Error> {
        let prover = MockProver::run(k, circuit, instance.clone())?;
        Ok(prover.verify_par().map_err(|failures| {
            failures
                .iter()
                .take(MAX_FAILURES)
                .map(|f| f.to_string())
                .collect()
        }))
    };
    let n = 1usize << k;
    if cs.num_selectors() > 0 || cs.num_challenges() > 0 || n < cs.minimum_rows() {
        return by_mock_prover();
    }
    if instance.len() != cs.num_instance_columns() {
        return Err(halo2_proofs::plonk::Error::InvalidInstances);
    }
    let usable = n - (cs.blinding_factors() + 1);
    if instance.iter().any(|column| column.len() > usable) {
        return Err(halo2_proofs::plonk::Error::InstanceTooLarge);
    }
    let mut assigned = AssignedCells::new(k, cs, &instance);
    C::FloorPlanner::synthesize(
        &mut assigned,
        circuit,
        plan.config.clone(),
        cs.constants().clone(),
    )?;
    if assigned.unsupported.is_some() {
        return by_mock_prover();
    }
    let mut failures = Vec::new();

    let cells = Cells {
        n: n as i32,
        usable,
        fixed: &assigned.fixed,
        advice: &assigned.advice,
        instance: instance
            .iter()
            .map(|column| {
                // MockProver pads every instance column with zeros.
                (0..n)
                    .map(|row| Val::Real(column.get(row).copied().unwrap_or(Fr::ZERO)))
                    .collect()
            })
            .collect(),
    };

    // Copy constraints: the two cells of every copy are equal (an unassigned fixed cell is
    // only equal to another unassigned one), which is what the permutation's cycles hold.
    let original = |c: Column<Any>, row: usize| -> Option<Val> {
        match c.column_type() {
            Any::Advice(_) => Some(cells.advice_at(c.index(), row)),
            Any::Fixed => assigned.fixed[c.index()][row].map(Val::Real),
            Any::Instance => Some(cells.instance_at(c.index(), row)),
        }
    };
    let mut copy_failures = 0;
    for &(left, left_row, right, right_row) in &assigned.copies {
        if original(left, left_row) != original(right, right_row) {
            failures.push(format!(
                "Equality constraint not satisfied by cell ({left:?}, row {left_row})"
            ));
            copy_failures += 1;
            if copy_failures >= MAX_FAILURES {
                break;
            }
        }
    }

    // Lookups, on every usable row as MockProver checks them: each input tuple must be a
    // row of its table (the table's usable rows). Tables shared by several lookups (the
    // same expressions) are built once.
    let mut tables: HashMap<Vec<String>, HashSet<Vec<Val>>> = HashMap::new();
    let mut lookup_failures = 0;
    'lookups: for (index, lookup) in cs.lookups().iter().enumerate() {
        let key = plan.table_keys[index].clone();
        let table = tables.entry(key).or_insert_with(|| {
            (0..usable)
                .map(|row| {
                    lookup
                        .table_expressions()
                        .iter()
                        .map(|e| cells.eval(e, row))
                        .collect()
                })
                .collect()
        });
        let inputs = &plan.lookup_inputs[index];
        let width = inputs.rest.len();
        let zeros_present = table.contains(&vec![Val::Real(Fr::ZERO); width]);
        let mut tuple = Vec::with_capacity(width);
        for row in 0..usable {
            let present = match inputs.common_at(&cells, row) {
                // Every input is zero on this row.
                None => zeros_present,
                Some(common) => {
                    tuple.clear();
                    tuple.extend((0..width).map(|i| inputs.value_at(&cells, row, common, i)));
                    table.contains(&tuple)
                }
            };
            if !present {
                failures.push(format!(
                    "Lookup {}(index: {index}) is not satisfied at row {row}",
                    lookup.name()
                ));
                lookup_failures += 1;
                if lookup_failures >= MAX_FAILURES {
                    break 'lookups;
                }
            }
        }
    }

    // Gates, on every row (MockProver checks them on the blinding rows too, where advice
    // cells are poisoned).
    let gates: Vec<(&Gate<Fr>, &SharedFactors)> = cs.gates().iter().zip(&plan.gates).collect();
    let mut passed: Vec<_> = plan
        .gate_queries
        .iter()
        .map(|q| q.as_ref().map(GateQueries::passed_rows))
        .collect();
    let mut graph_values = Vec::new();
    let mut gate_failures = 0;
    'rows: for row in 0..n {
        for (((gate, factors), passed), graph) in
            gates.iter().zip(&mut passed).zip(&plan.gate_graphs)
        {
            // The factors every polynomial of the gate shares (its enable): one zero among
            // them and the whole gate is zero on this row.
            let Some(common) = factors.common_at(&cells, row) else {
                continue;
            };
            // A row whose cells equal those of a row the gate passed passes.
            let key = passed.as_ref().map(|p| p.key(&cells, row));
            if let (Some(p), Some(key)) = (passed.as_ref(), key) {
                if p.passed_like(&cells, row, key) {
                    continue;
                }
            }
            let failures_before = gate_failures;
            if let Some(graph) = graph {
                graph.evaluate(&cells, row, &mut graph_values);
            }
            for i in 0..factors.rest.len() {
                let value = match graph {
                    Some(graph) => graph_values[graph.root(i)],
                    None => factors.value_at(&cells, row, common, i),
                };
                if !value.is_zero() {
                    let what = match value {
                        Val::Poison => "poisoned",
                        Val::Real(_) => "not satisfied",
                    };
                    failures.push(format!(
                        "Constraint '{}' of gate '{}' {what} at row {row}",
                        gate.constraint_name(i),
                        gate.name()
                    ));
                    gate_failures += 1;
                    if gate_failures >= MAX_FAILURES {
                        break 'rows;
                    }
                }
            }
            if let (Some(p), Some(key)) = (passed.as_mut(), key) {
                if gate_failures == failures_before {
                    p.insert(key, row);
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
