//! Aggregation of equivm block proofs with snark-verifier (`snark-verifier-sdk`, the
//! `halo2-axiom` family).
//!
//! Today this crate holds the pieces aggregation starts from and the measurements that size
//! it: [`snark::AggregatableBlock`] (the super circuit with the instance shape
//! snark-verifier reads) and [`cost::aggregation_cost`] (the cells of the circuit that
//! verifies one proof of a given verifying key, computed without a proving key or a proof).
//! The aggregation circuit itself, chunks and the verifier contract are not built yet: see
//! `AGGREGATION.md` in this crate's folder for the measured cost and the plan.

pub mod cost;
pub mod snark;
