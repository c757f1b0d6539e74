//! Policy analysis on the command line: `--set`, sweeps, comparisons and goals (the library's
//! side is tested in `src/tests/policy.rs`).

use crate::cli::{backlog, project_root};
use std::path::PathBuf;

fn scenario(name: &str) -> PathBuf {
    project_root().join("scenarios").join(name)
}

#[test]
fn unknown_paths_are_explained_on_the_command_line() {
    backlog()
        .args(["check", "--set", "ports.san_ysidro.capacity.quota_per_dya=150"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "did you mean `ports.san_ysidro.capacity.quota_per_day`?",
        ));
    backlog()
        .args(["run", "--quiet", "--set", "run.seed"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--set expects PATH=VALUE"));
}

#[test]
fn run_and_check_take_set() {
    let dir = tempfile::tempdir().expect("temporary folder");
    backlog()
        .args([
            "check",
            "scenarios/deterministic.toml",
            "--set",
            "ports.port.capacity.quota_per_day=200",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("3,000 places in all"))
        .stdout(predicates::str::contains("set ports.port.capacity.quota_per_day=200"));
    backlog()
        .args(["run", "--quiet", "scenarios/deterministic.toml", "--format", "json"])
        .args(["--set", "ports.port.capacity.quota_per_day=200", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("\"first_empty_day\""));
    let as_run = std::fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario.toml");
    assert!(
        as_run.contains("quota_per_day = 200 # set on the command line; the file has 100"),
        "{as_run}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).expect("summary.json"))
            .expect("JSON");
    // 1,000 people at 200 a day: empty at the end of day 4.
    assert_eq!(summary["first_empty_day"]["mean"], 4.0);
}

#[test]
fn sweeps_make_grids_from_the_command_line() {
    let output = backlog()
        .args(["sweep", "scenarios/deterministic.toml", "--format", "csv", "--quiet"])
        .args(["--param", "ports.port.capacity.quota_per_day", "--range", "100:200:100"])
        .args(["--param", "ports.port.discipline", "--values", "fifo,lifo"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ports.port.capacity.quota_per_day,ports.port.discipline,scope,processed_mean,"));
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[1].starts_with("100,fifo,all,1000,"), "{}", lines[1]);
    assert!(lines[4].starts_with("200,lifo,all,1000,"), "{}", lines[4]);
    backlog()
        .args(["sweep", "--values", "1,2", "--param", "run.seed"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("comes before any --param"));
}

#[test]
fn target_refuses_metrics_that_are_not_monotone() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("closed.toml");
    std::fs::write(
        &path,
        "schema = 1\n[run]\nname = \"closed for ten days\"\nhorizon_days = 40\nseed = 1\nreplications = 1\n\n\
         [[ports]]\nname = \"port\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 100\n\
         [[ports.capacity.closures]]\nfrom = 10\nto = 19\n\n\
         [[streams]]\nname = \"group\"\nport = \"port\"\nkind = \"wave\"\ncurve = [{ at = 5, people = 100 }]\n",
    )
    .expect("written");
    backlog()
        .args([
            "target",
            "--quiet",
            "--param",
            "streams.group.curve.0.at",
            "--metric",
            "wait_mean",
        ])
        .args(["--at-most", "1", "--range", "0:30"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not monotone"));
}

#[test]
fn compare_prints_paired_differences() {
    let output = backlog()
        .args(["compare", "--quiet", "-r", "3", "--format", "json"])
        .arg(scenario("juarez-2019.toml"))
        .arg(scenario("juarez-2019.toml"))
        .args(["--set", "run.horizon_days=60"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let scenarios = json["scenarios"].as_array().expect("scenarios");
    assert_eq!(scenarios.len(), 2);
    // The same file twice: every paired difference is exactly zero.
    assert_eq!(scenarios[1]["paired_difference"]["processed"]["mean"], 0.0);
    assert_eq!(scenarios[1]["paired_difference"]["processed"]["ci95_high"], 0.0);

    // With --out: a results folder per scenario, the comparison files and charts.
    let dir = tempfile::tempdir().expect("temporary folder");
    backlog()
        .args([
            "compare",
            "--quiet",
            "scenarios/deterministic.toml",
            "scenarios/deterministic.toml",
        ])
        .args(["--set", "ports.port.capacity.quota_per_day=200", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("B − A (paired)"));
    for file in [
        "A-deterministic/summary.json",
        "B-deterministic/daily.csv",
        "comparison.csv",
        "comparison.json",
        "compare-backlog.svg",
        "compare-waits.png",
    ] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
}
