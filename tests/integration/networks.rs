//! Network scenarios from the command line: `check` says what it understood, `run` writes the
//! network's results (flows.csv, the network part of summary.json), and sweeps and comparisons
//! take stages as they take ports.

use crate::cli::backlog;
use std::path::Path;

const NETWORK: &str = "tests/networks/port-to-court.toml";

/// `flows.csv` read as (from, to, people).
fn flows(dir: &Path) -> Vec<(String, String, f64)> {
    let text = std::fs::read_to_string(dir.join("flows.csv")).expect("flows.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("from,from_kind,to,to_kind,people"));
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 5, "{line}");
            (
                fields[0].to_owned(),
                fields[2].to_owned(),
                fields[4].parse().expect("a number of people"),
            )
        })
        .collect()
}

#[test]
fn check_describes_the_network() {
    let output = backlog().args(["check", NETWORK]).output().expect("backlog runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    insta::assert_snapshot!("check_port_to_court", stdout);
}

/// A run writes flows.csv and the network part of summary.json; every node passes on exactly
/// the people who came in (to the next node, an end, or `pending`), and the run is the same
/// on one thread and on two.
#[test]
fn a_network_run_writes_flows_that_balance_at_every_node() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = |threads: &str| {
        let path = dir.path().join(format!("j{threads}"));
        let output = backlog()
            .args([
                "run",
                NETWORK,
                "--replications",
                "3",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&path)
            .output()
            .expect("backlog runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        path
    };
    let (one, two) = (out("1"), out("2"));
    for file in ["summary.json", "flows.csv", "daily.csv", "waits.csv"] {
        let read = |dir: &Path| std::fs::read(dir.join(file)).expect("file");
        assert_eq!(read(&one), read(&two), "{file} on one thread and on two");
    }
    let flows = flows(&one);
    for node in ["tijuana", "mexicali", "credible_fear", "court"] {
        let into: f64 = flows.iter().filter(|f| f.1 == node).map(|f| f.2).sum();
        let out: f64 = flows.iter().filter(|f| f.0 == node).map(|f| f.2).sum();
        assert!(
            into > 0.0 && (into - out).abs() < 1e-6 * into,
            "{node}: {into} in, {out} out"
        );
    }
    assert!(flows.iter().any(|f| f.0 == "credible_fear" && f.1 == "court"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(one.join("summary.json")).expect("summary")).expect("JSON");
    let network = &summary["network"];
    assert_eq!(network["stages"], serde_json::json!(["credible_fear", "court"]));
    assert!(
        network["end_to_end"]["wait_mean"]["mean"]
            .as_f64()
            .is_some_and(|days| days > 0.0)
    );
    let ends: Vec<&str> = network["ends"]
        .as_array()
        .expect("ends")
        .iter()
        .filter_map(|end| end["name"].as_str())
        .collect();
    for end in ["granted", "denied", "removed", "in_absentia", "moved", "pending"] {
        assert!(ends.contains(&end), "{end} in {ends:?}");
    }
    let manifest = std::fs::read_to_string(one.join("manifest.json")).expect("manifest");
    assert!(manifest.contains("flows.csv"));
}

/// `backlog sweep` of the network's court capacity over `values`, with `extra` arguments;
/// it must succeed, and its standard output is returned.
fn sweep_court(values: &str, extra: &[&str]) -> String {
    let output = backlog()
        .args([
            "sweep",
            NETWORK,
            "--param",
            "stages.court.capacity.quota_per_day",
            "--values",
            values,
        ])
        .args(["--replications", "2", "--quiet"])
        .args(extra)
        .output()
        .expect("backlog runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A stage is a scope as a port is: sweeps and comparisons report it by name.
#[test]
fn sweeps_and_comparisons_take_stages_as_ports() {
    let stdout = sweep_court("60,90", &["--port", "court"]);
    assert!(stdout.contains("court"), "{stdout}");
    let dir = tempfile::tempdir().expect("temporary folder");
    let faster = dir.path().join("faster-court.toml");
    let text = std::fs::read_to_string(NETWORK).expect("the network");
    std::fs::write(&faster, text.replace("quota_per_day = 60", "quota_per_day = 90")).expect("written");
    let compare = backlog()
        .args(["compare", NETWORK])
        .arg(&faster)
        .args(["--replications", "2", "--port", "court", "--quiet"])
        .output()
        .expect("backlog runs");
    assert!(compare.status.success(), "{}", String::from_utf8_lossy(&compare.stderr));
}

/// `--port end_to_end` gives a network's end-to-end metrics; a scenario of independent ports
/// has none, and says so.
#[test]
fn end_to_end_metrics_are_a_scope_of_networks_only() {
    let stdout = sweep_court("60,120", &["--port", "end_to_end", "--format", "csv"]);
    assert!(stdout.contains("end_to_end"), "{stdout}");
    let refused = backlog()
        .args(["sweep", "scenarios/mmc.toml", "--param", "run.seed", "--values", "1,2"])
        .args(["--replications", "1", "--port", "end_to_end", "--quiet"])
        .output()
        .expect("backlog runs");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is not a network, so it has no `end_to_end` scope"),
        "{stderr}"
    );
}
