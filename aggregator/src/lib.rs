//! Aggregation of equivm proofs with snark-verifier (`snark-verifier-sdk`, the `halo2-axiom`
//! family), and the Ethereum contract that verifies the result.
//!
//! - [`aggregation`]: proofs made for aggregation ([`aggregation::prove_snark`], Poseidon
//!   transcript), the aggregation circuit's keys and proofs ([`aggregation::AggregationKeys`]:
//!   a Keccak transcript for the contract, or a Poseidon one for a further layer),
//!   independent proofs or chunks that must join in order ([`aggregation::Aggregated`]),
//!   and native verification, the accumulator's pairing included.
//! - [`evm_verifier`]: the verifier contract's Solidity source, its compilation with solc
//!   0.8.19 from the npm registry, and revm to deploy and call it in.
//! - [`snark::AggregatableBlock`]: the super circuit with the instance shape snark-verifier
//!   reads; [`cost::aggregation_cost`]: the cells of the circuit that verifies one proof of a
//!   given verifying key, computed without a proving key or a proof.
//!
//! The pipeline is tested end to end on proofs of the bytecode and keccak circuits. A whole
//! block proof is still too wide to aggregate on one machine, and chunks are not built yet:
//! see `AGGREGATION.md` in this crate's folder for the measured cost and the plan.

pub mod aggregation;
pub mod cost;
pub mod evm_verifier;
pub mod snark;
