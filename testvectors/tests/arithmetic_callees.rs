//! The arithmetic programs of the Ethereum tests' `VMTests/vmArithmeticTest`, each run as a
//! transaction of its own and checked by the super circuit under MockProver.
//!
//! Most cases of that folder reach their arithmetic through a dispatcher that CALLs one of
//! several contracts (the CI mock run proves them so, CALL included). This check runs every
//! called contract's code directly as a root call, with the same operands, so that a failure
//! points at the arithmetic gadget and not at the call around it. It takes minutes, so it
//! is ignored by default:
//!
//! ```sh
//! cargo test -p equivm-testvectors --test arithmetic_callees -- --ignored --nocapture
//! ```

use equivm_testvectors::{ethereum_tests_dir, mock::mock_verdict, Verdict};
use equivm_trace::program::Program;
use equivm_witness::build_witness;
use serde_json::Value;

#[test]
#[ignore = "minutes of MockProver; run on demand"]
fn every_called_arithmetic_program_passes_mock() {
    let dir = ethereum_tests_dir().join("GeneralStateTests/VMTests/vmArithmeticTest");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let (mut passed, mut other) = (0, Vec::new());
    for file in files {
        let json: Value =
            serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("state test JSON");
        for test in json.as_object().expect("tests").values() {
            let to = test["transaction"]["to"]
                .as_str()
                .unwrap_or("")
                .to_lowercase();
            for (address, account) in test["pre"].as_object().expect("pre") {
                let code = account["code"].as_str().unwrap_or("0x");
                let code = hex_bytes(code.trim_start_matches("0x"));
                if code.is_empty() || address.to_lowercase() == to {
                    continue;
                }
                let traced = Program::new(code).gas_limit(10_000_000).trace();
                let witness = build_witness(&traced.trace).expect("witness");
                let (verdict, reason) = mock_verdict(witness);
                let name = format!("{} {address}", file.file_name().unwrap().to_string_lossy());
                match verdict {
                    Verdict::Passed => passed += 1,
                    _ => other.push(format!("{name}: {verdict:?} {reason:?}")),
                }
            }
        }
    }
    println!("{passed} called programs passed mock");
    for line in &other {
        println!("{line}");
    }
    assert!(
        other.iter().all(|l| !l.contains("Failed")),
        "failures: {other:#?}"
    );
    assert!(passed > 0);
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}
