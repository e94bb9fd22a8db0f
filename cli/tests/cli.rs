//! The `equivm` binary on good and bad input: verdicts, the JSON report, clear errors.

use std::{path::PathBuf, process::Command};

fn equivm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_equivm"))
}

fn bundled() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testvectors/statetests")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn bundled_vectors_pass_in_witness_mode_and_report_json() {
    let out = scratch("bundled").join("report.json");
    let log = scratch("bundled").join("cases.jsonl");
    let status = equivm()
        .args(["statetest", "--mode", "witness", "--json"])
        .arg(&out)
        .arg("--log")
        .arg(&log)
        .arg(bundled())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(status.status.success(), "stdout: {stdout}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("report written")).expect("json");
    let summary = &report["summary"];
    assert_eq!(summary["total"], 9);
    assert_eq!(summary["passed"], 9);
    let case = &report["cases"][0];
    for key in ["file", "name", "fork", "index", "verdict", "reason"] {
        assert!(case.get(key).is_some(), "case lacks {key}: {case}");
    }
    // The case log: one report per line, as each case finished, the same verdicts.
    let lines = std::fs::read_to_string(&log).expect("case log written");
    let logged: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(logged.len(), 9);
    assert!(logged.iter().all(|c| c["verdict"] == "passed"), "{lines}");
}

#[test]
fn malformed_json_and_missing_paths_are_reported_and_the_rest_still_runs() {
    let dir = scratch("malformed");
    let bad = dir.join("broken.json");
    std::fs::write(&bad, "{ not json").expect("write");
    let out = dir.join("report.json");
    let result = equivm()
        .args(["statetest", "--json"])
        .arg(&out)
        .arg(&bad)
        .arg(dir.join("does-not-exist"))
        .arg(bundled())
        .output()
        .expect("runs");
    assert_eq!(
        result.status.code(),
        Some(1),
        "failures make a non-zero exit"
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        stdout.contains("broken.json"),
        "names the bad file: {stdout}"
    );
    assert!(stdout.contains("malformed JSON"), "{stdout}");
    assert!(stdout.contains("does not exist"), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("report")).expect("json");
    assert_eq!(report["summary"]["failed"], 2);
    assert_eq!(report["summary"]["passed"], 9, "the good files still ran");
    assert!(!String::from_utf8_lossy(&result.stderr).contains("panicked"));
}

#[test]
fn unknown_fork_and_mode_are_usage_errors() {
    let result = equivm()
        .args(["statetest", "--fork", "Atlantis"])
        .arg(bundled())
        .output()
        .expect("runs");
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("unknown fork 'Atlantis'"));

    let result = equivm()
        .args(["statetest", "--mode", "fly"])
        .arg(bundled())
        .output()
        .expect("runs");
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("unknown mode 'fly'"));

    let out = scratch("refused-keccak-shape").join("proof.json");
    let _ = std::fs::remove_file(&out);
    let result = equivm()
        .args(["prove", "--keccak-columns", "0", "--out"])
        .arg(&out)
        .arg(bundled().join("basics.json"))
        .output()
        .expect("runs");
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("--keccak-columns"));
    assert!(!out.exists(), "no proof file for a refused shape");
}

#[test]
fn tamper_mode_kills_every_mutant_of_the_passing_vectors() {
    let out = scratch("tamper").join("report.json");
    let result = equivm()
        .args([
            "statetest",
            "--mode",
            "tamper",
            "--mutants",
            "12",
            "--filter",
            "addStoreReturn",
            "--json",
        ])
        .arg(&out)
        .arg(bundled())
        .output()
        .expect("runs");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stdout)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("report")).expect("json");
    assert_eq!(report["summary"]["passed"], 1, "{report:#}");
    assert_eq!(report["summary"]["mutants_survived"], 0);
    // One mutant of each kind, all rejected by the constraints.
    assert_eq!(report["summary"]["mutants_killed"], 12, "{report:#}");
}

#[test]
fn baseline_below_fails_and_report_file_is_not_half_written() {
    let dir = scratch("baseline");
    let baseline = dir.join("baseline.json");
    std::fs::write(&baseline, r#"{"passed": 10, "failed": 0}"#).expect("write");
    let result = equivm()
        .args(["statetest", "--baseline"])
        .arg(&baseline)
        .arg(bundled())
        .output()
        .expect("runs");
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stdout).contains("below baseline"));

    std::fs::write(&baseline, r#"{"passed": 9, "failed": 0}"#).expect("write");
    let ok = equivm()
        .args(["statetest", "--baseline"])
        .arg(&baseline)
        .arg(bundled())
        .status()
        .expect("runs");
    assert!(ok.success());
}

#[test]
fn trace_prints_a_block_trace() {
    let file = bundled().join("basics.json");
    let result = equivm()
        .args(["trace", "--name", "addStoreReturn", "--witness"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let trace: serde_json::Value = serde_json::from_slice(&result.stdout).expect("json trace");
    let steps = trace["txs"][0]["steps"].as_array().expect("steps");
    assert!(steps.len() > 5);
    assert!(String::from_utf8_lossy(&result.stderr).contains("replay check passed"));
}

#[test]
fn stats_reports_every_supported_state_as_json() {
    let result = equivm().args(["stats", "--json"]).output().expect("runs");
    assert!(result.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&result.stdout).expect("json");
    let states = stats["states"].as_array().expect("states");
    assert!(states.iter().any(|s| s["state"] == "AddSub"));
    for s in states {
        assert!(s["height"].as_u64().is_some_and(|h| h >= 1), "{s}");
    }
    assert!(stats["degree"].as_u64().is_some_and(|d| d <= 5));
}

#[test]
fn mock_mode_reports_steps_without_gadgets_as_unsupported() {
    let out = scratch("mock").join("report.json");
    let result = equivm()
        .args(["statetest", "--mode", "mock", "--json"])
        .arg(&out)
        .arg(bundled())
        .output()
        .expect("runs");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stdout)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("report")).expect("json");
    assert_eq!(report["summary"]["failed"], 0);
    let unsupported: Vec<_> = report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["verdict"] == "unsupported")
        .collect();
    assert!(!unsupported.is_empty());
    for case in unsupported {
        let reason = case["reason"].as_str().expect("reason");
        assert!(
            reason.contains("no EVM circuit gadget covers yet"),
            "{reason}"
        );
    }
    // Both units of `stackMemoryJumps` have a gadget for every step, and pass.
    let passed: Vec<_> = report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| {
            c["verdict"] == "passed"
                && c["name"]
                    .as_str()
                    .is_some_and(|n| n.contains("stackMemoryJumps"))
        })
        .collect();
    assert_eq!(passed.len(), 2, "{report:#}");
}

#[test]
fn prove_writes_a_proof_that_verify_accepts_and_a_flipped_byte_is_refused() {
    let dir = scratch("prove");
    let proof = dir.join("proof.json");
    let result = equivm()
        .env("EQUIVM_PARAMS_DIR", dir.join("params"))
        .args(["prove", "--name", "keccakStoreLog", "--out"])
        .arg(&proof)
        .arg(bundled().join("basics.json"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(stdout.contains("proved"), "{stdout}");
    assert!(String::from_utf8_lossy(&result.stderr).contains("INSECURE"));

    let verify = |path: &std::path::Path| {
        equivm()
            .env("EQUIVM_PARAMS_DIR", dir.join("params"))
            .arg("verify")
            .arg(path)
            .output()
            .expect("runs")
    };
    let ok = verify(&proof);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );

    let mut file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&proof).expect("proof")).expect("json");
    let hex = file["proof"].as_str().expect("proof hex").to_string();
    let i = hex.len() / 2;
    let flipped = if &hex[i..=i] == "0" { "1" } else { "0" };
    file["proof"] = format!("{}{flipped}{}", &hex[..i], &hex[i + 1..]).into();
    let bad = dir.join("flipped.json");
    std::fs::write(&bad, serde_json::to_vec(&file).expect("json")).expect("write");
    let refused = verify(&bad);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stdout).contains("does NOT verify"));

    std::fs::write(&bad, b"{not json").expect("write");
    let malformed = verify(&bad);
    assert_eq!(malformed.status.code(), Some(2));

    // An unsupported block is a clear error, not a proof (and no file from an earlier run).
    let _ = std::fs::remove_file(dir.join("none.json"));
    let result = equivm()
        .env("EQUIVM_PARAMS_DIR", dir.join("params"))
        .args(["prove", "--name", "callSha256", "--out"])
        .arg(dir.join("none.json"))
        .arg(bundled().join("basics.json"))
        .output()
        .expect("runs");
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("unsupported"));
    assert!(!dir.join("none.json").exists());
}

#[test]
fn chunks_proved_by_separate_processes_verify_as_a_chain_in_order_only() {
    let dir = scratch("chunks");
    let chunk = |i: usize| -> PathBuf {
        let out = dir.join(format!("chunk{i}.json"));
        let result = equivm()
            .env("EQUIVM_PARAMS_DIR", dir.join("params"))
            .args([
                "prove",
                "--name",
                "stackMemoryJumps",
                "--chunks",
                "2",
                "--chunk",
            ])
            .arg(i.to_string())
            .arg("--out")
            .arg(&out)
            .arg(bundled().join("basics.json"))
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&result.stdout);
        assert!(
            result.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&result.stderr)
        );
        assert!(
            stdout.contains(&format!("proved chunk {i} (steps")),
            "{stdout}"
        );
        out
    };
    let (first, second) = (chunk(0), chunk(1));
    let verify = |files: &[&PathBuf]| {
        let mut cmd = equivm();
        cmd.env("EQUIVM_PARAMS_DIR", dir.join("params"))
            .arg("verify");
        for f in files {
            cmd.arg(f);
        }
        cmd.output().expect("runs")
    };
    let ok = verify(&[&first, &second]);
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{stdout}");
    assert!(
        stdout.contains("2 chunks joined into one block"),
        "{stdout}"
    );
    for (files, why) in [
        (vec![&second, &first], "chunk 0"),
        (vec![&first], "not end the block"),
        (vec![&second], "not start the block"),
        (vec![&first, &first], "chunk 1"),
    ] {
        let refused = verify(&files);
        let stdout = String::from_utf8_lossy(&refused.stdout);
        assert_eq!(refused.status.code(), Some(1), "{stdout}");
        assert!(
            stdout.contains("does NOT verify") && stdout.contains(why),
            "{stdout}"
        );
    }
    // A chunk that does not exist is a clear error.
    let result = equivm()
        .env("EQUIVM_PARAMS_DIR", dir.join("params"))
        .args([
            "prove",
            "--name",
            "stackMemoryJumps",
            "--chunks",
            "2",
            "--chunk",
            "2",
        ])
        .arg("--out")
        .arg(dir.join("none.json"))
        .arg(bundled().join("basics.json"))
        .output()
        .expect("runs");
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("no chunk 2"));
}
