//! A gate's polynomials as one graph of distinct sub-expressions, evaluated once per row.
//!
//! halo2 expressions are trees: a sub-expression a gate uses in many polynomials (a chi
//! bit of the keccak round, summed into theta's column parities and xored into rho-pi) is
//! copied into each of them and evaluated again in each. Here every distinct node (the same
//! operation on the same operands) is made once, in an order where operands come first, so
//! a row costs one operation per distinct node. Values follow the same rules as
//! [`Cells::eval`] (a poisoned operand times zero is zero, otherwise poisoned), so each
//! polynomial's value is the one evaluating its tree gives.

use super::{add, mul, Cells, Val};
use halo2_proofs::plonk::Expression;
use halo2curves::bn256::Fr;
use halo2curves::ff::PrimeField;
use std::collections::HashMap;

/// A cell a gate queries: its column (kind and index) and rotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Query {
    Fixed(usize, i32),
    Advice(usize, i32),
    Instance(usize, i32),
}

impl Query {
    /// The cell's value on `row`.
    pub(super) fn value(self, cells: &Cells, row: usize) -> Val {
        match self {
            Query::Fixed(c, r) => cells.fixed_at(c, cells.row(row, r)),
            Query::Advice(c, r) => cells.advice_at(c, cells.row(row, r)),
            Query::Instance(c, r) => cells.instance_at(c, cells.row(row, r)),
        }
    }
}

/// One distinct node: a leaf, or an operation on earlier nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node {
    Constant([u8; 32]),
    Poison,
    Cell(Query),
    Negated(usize),
    Sum(usize, usize),
    Product(usize, usize),
    Scaled(usize, [u8; 32]),
}

/// A gate's polynomials as a graph of distinct nodes (see the module docs).
#[derive(Clone, Debug)]
pub(super) struct GateGraph {
    nodes: Vec<Node>,
    constants: Vec<Fr>,
    roots: Vec<usize>,
}

fn repr(x: Fr) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(x.to_repr().as_ref());
    out
}

impl GateGraph {
    /// How many times more tree nodes than distinct nodes a gate must have for its graph
    /// to be worth evaluating instead of its factored trees.
    const MIN_SHARING: usize = 3;

    /// The graph of `polynomials`, or `None` when they share too little for it to pay.
    pub(super) fn of(polynomials: &[Expression<Fr>]) -> Option<Self> {
        let mut graph = Self {
            nodes: Vec::new(),
            constants: Vec::new(),
            roots: Vec::new(),
        };
        let mut ids = HashMap::new();
        let mut tree_size = 0;
        for p in polynomials {
            let root = graph.intern(p, &mut ids, &mut tree_size);
            graph.roots.push(root);
        }
        (tree_size >= Self::MIN_SHARING * graph.nodes.len()).then_some(graph)
    }

    fn intern(
        &mut self,
        e: &Expression<Fr>,
        ids: &mut HashMap<Node, usize>,
        tree_size: &mut usize,
    ) -> usize {
        *tree_size += 1;
        let node = match e {
            Expression::Constant(c) => Node::Constant(repr(*c)),
            Expression::Selector(_) | Expression::Challenge(_) => Node::Poison,
            Expression::Fixed(q) => Node::Cell(Query::Fixed(q.column_index(), q.rotation().0)),
            Expression::Advice(q) => Node::Cell(Query::Advice(q.column_index(), q.rotation().0)),
            Expression::Instance(q) => {
                Node::Cell(Query::Instance(q.column_index(), q.rotation().0))
            }
            Expression::Negated(a) => Node::Negated(self.intern(a, ids, tree_size)),
            Expression::Sum(a, b) => Node::Sum(
                self.intern(a, ids, tree_size),
                self.intern(b, ids, tree_size),
            ),
            Expression::Product(a, b) => Node::Product(
                self.intern(a, ids, tree_size),
                self.intern(b, ids, tree_size),
            ),
            Expression::Scaled(a, s) => Node::Scaled(self.intern(a, ids, tree_size), repr(*s)),
        };
        if let Some(&id) = ids.get(&node) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(node);
        self.constants.push(match (e, node) {
            (Expression::Constant(c), _) => *c,
            (Expression::Scaled(_, s), _) => *s,
            _ => Fr::zero(),
        });
        ids.insert(node, id);
        id
    }

    /// Evaluates every node on `row` into `values`; polynomial `i` is then
    /// `values[self.root(i)]`.
    pub(super) fn evaluate(&self, cells: &Cells, row: usize, values: &mut Vec<Val>) {
        values.clear();
        for (node, constant) in self.nodes.iter().zip(&self.constants) {
            let v = match *node {
                Node::Constant(_) => Val::Real(*constant),
                Node::Poison => Val::Poison,
                Node::Cell(q) => q.value(cells, row),
                Node::Negated(a) => match values[a] {
                    Val::Real(a) => Val::Real(-a),
                    Val::Poison => Val::Poison,
                },
                Node::Sum(a, b) => add(values[a], values[b]),
                Node::Product(a, b) => mul(values[a], values[b]),
                Node::Scaled(a, _) => mul(values[a], Val::Real(*constant)),
            };
            values.push(v);
        }
    }

    /// How many distinct nodes the graph has (the operations a row costs).
    pub(super) fn size(&self) -> usize {
        self.nodes.len()
    }

    /// The distinct cells the gate queries.
    pub(super) fn cells(&self) -> Vec<Query> {
        self.nodes
            .iter()
            .filter_map(|node| match *node {
                Node::Cell(q) => Some(q),
                _ => None,
            })
            .collect()
    }

    /// The node holding polynomial `i`.
    pub(super) fn root(&self, i: usize) -> usize {
        self.roots[i]
    }
}
