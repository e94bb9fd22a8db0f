//! Choosing one block from the command line: a state-test case (file, test name, fork,
//! index) or a block trace JSON written by `equivm trace`.

use equivm_trace::{
    statetest::{load_file, ForkSelection, StateTestCase},
    BlockTrace,
};
use std::path::Path;

/// Parses `DATA,GAS,VALUE`.
pub fn parse_index(text: &str) -> Result<[usize; 3], String> {
    let parts: Vec<&str> = text.split(',').collect();
    let bad = || format!("--index '{text}': expected DATA,GAS,VALUE, e.g. 0,0,0");
    if parts.len() != 3 {
        return Err(bad());
    }
    let mut out = [0usize; 3];
    for (slot, part) in out.iter_mut().zip(parts) {
        *slot = part.trim().parse().map_err(|_| bad())?;
    }
    Ok(out)
}

/// The case of `file` named `name` (default: the first) at `index` for `fork`.
pub fn select_case(
    file: &Path,
    name: Option<&str>,
    fork: &str,
    index: &str,
) -> Result<StateTestCase, String> {
    let forks = ForkSelection::parse(fork).map_err(|e| e.to_string())?;
    let [data, gas, value] = parse_index(index)?;
    let cases = load_file(file, &forks).map_err(|e| e.to_string())?;
    let case = cases
        .into_iter()
        .find(|c| {
            name.is_none_or(|n| c.name == n)
                && (c.index.data, c.index.gas, c.index.value) == (data, gas, value)
        })
        .ok_or_else(|| {
            format!(
                "{}: no case {}[{fork}] with index {data},{gas},{value}",
                file.display(),
                name.unwrap_or("*"),
            )
        })?;
    if let Some(why) = &case.skip {
        return Err(format!("{}: skipped: {why}", case.id()));
    }
    Ok(case)
}

/// The block trace in `file`: a block trace JSON as such, else the selected state-test case
/// executed in revm (its roots must match the file).
pub fn load_block(
    file: &Path,
    name: Option<&str>,
    fork: &str,
    index: &str,
) -> Result<BlockTrace, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    if let Ok(trace) = serde_json::from_str::<BlockTrace>(&text) {
        return Ok(trace);
    }
    let case = select_case(file, name, fork, index)?;
    let exec = case.execute();
    if let Err(why) = exec.check {
        return Err(format!("{}: {why}", case.id()));
    }
    exec.traced.map(|t| t.trace).ok_or_else(|| {
        format!(
            "{}: the transaction is invalid: there is no block to prove",
            case.id()
        )
    })
}
