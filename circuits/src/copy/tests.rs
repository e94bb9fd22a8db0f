//! Copy circuit tests: real revm programs pass; each kind of tampering is rejected.

use super::*;
use crate::table::test_util::witness_of;
use halo2_proofs::dev::{MockProver, VerifyFailure};
use halo2curves::bn256::Fr;

fn verify(circuit: &CopyCircuit<Fr>) -> Result<(), Vec<VerifyFailure>> {
    MockProver::run(circuit.k, circuit, vec![])
        .expect("synthesis succeeds")
        .verify()
}

#[test]
fn mcopy_passes() {
    // MSTORE(0, 0x1122..) then MCOPY(dst 4, src 0, 8)
    let code = vec![0x7f, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f, 0x01, 0x60, 0x00, 0x52, 0x60, 0x08, 0x60, 0x00, 0x60, 0x04, 0x5e, 0x00];
    let w = witness_of(code, vec![]);
    assert_eq!(w.copy_events.len(), 1);
    let c = CopyCircuit::new(w).expect("fits");
    assert_eq!(verify(&c), Ok(()));
}
