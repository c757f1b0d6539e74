//! The `backlog` binary end to end: commands, formats, output files, exit codes.

use crate::common::assert_no_temporary_files;
use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// The binary, run from the project root with no colour or terminal.
pub fn backlog() -> Command {
    let mut command = Command::cargo_bin("backlog").expect("the backlog binary is built");
    command.current_dir(project_root());
    command
}

/// The project root (where Cargo.toml is).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stdout_of(command: &mut Command) -> String {
    let output = command.output().expect("backlog runs");
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

#[test]
fn run_without_a_file_prints_the_default_summary() {
    backlog()
        .args(["run", "--quiet"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Tijuana"))
        .stdout(predicate::str::contains("Wait of people processed"))
        .stdout(predicate::str::contains("still waiting at the end"));
}

#[test]
fn json_summary_has_the_documented_fields() {
    let text = stdout_of(backlog().args(["run", "--quiet", "--replications", "8", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    for key in ["version", "scenario", "scenario_sha256", "seed", "replications"] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["replications"], 8);
    assert_eq!(json["format_version"], 3);
    for key in ["joined", "processed", "abandoned", "waiting_at_end"] {
        for field in ["mean", "ci95_low", "ci95_high"] {
            assert!(
                json[key][field].is_number(),
                "{key}.{field} is not a number: {}",
                json[key]
            );
        }
    }
    // The metric names of sweep, compare and target.
    for metric in [
        "wait_mean",
        "wait_p50",
        "wait_p90",
        "wait_p95",
        "wait_p99",
        "wait_max",
        "peak_list",
    ] {
        assert!(json[metric]["mean"].is_number(), "{metric}");
    }
    assert!(json["ports"].as_array().is_some_and(|ports| !ports.is_empty()));
    assert!(json["classes"].as_array().is_some_and(|classes| !classes.is_empty()));
    assert_eq!(json["scenario_sha256"].as_str().map(str::len), Some(64));
    // Conservation, on the means: everyone who joined is accounted for.
    let mean = |key: &str| json[key]["mean"].as_f64().unwrap_or(f64::NAN);
    let accounted = mean("processed") + mean("abandoned") + mean("waiting_at_end");
    assert!((mean("joined") - accounted).abs() < 1e-6 * mean("joined").max(1.0));
}

#[test]
fn csv_summary_parses() {
    let text = stdout_of(backlog().args(["run", "--quiet", "--replications", "4", "--format", "csv"]));
    // Plain CSV: the header first, so any reader takes it with no options.
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("scope,name,metric,mean,ci95_low,ci95_high"));
    assert!(text.contains("all,all,wait_p90,"));
}

#[test]
fn out_writes_every_file_with_provenance() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("results");
    backlog()
        .args(["run", "--quiet", "--replications", "4", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    let json: serde_json::Value = serde_json::from_str(&summary).expect("valid JSON");
    let sha = json["scenario_sha256"].as_str().expect("hash").to_owned();
    // The provenance is in manifest.json (and summary.json); the CSV files are plain.
    let manifest = std::fs::read_to_string(out.join("manifest.json")).expect("manifest.json");
    let manifest: serde_json::Value = serde_json::from_str(&manifest).expect("valid JSON");
    assert_eq!(manifest["provenance"]["scenario_sha256"].as_str(), Some(sha.as_str()));
    for name in ["daily.csv", "waits.csv", "replications.csv", "summary.csv"] {
        let text = std::fs::read_to_string(out.join(name)).unwrap_or_else(|_| panic!("{name} written"));
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("scope,") || first.starts_with("replication,"),
            "{name} header: {first}"
        );
        assert!(manifest["files"].get(name).is_some(), "{name} in the manifest");
        assert!(text.lines().count() > 2, "{name} has rows");
    }
    let replications = std::fs::read_to_string(out.join("replications.csv")).expect("replications.csv");
    assert_eq!(replications.lines().filter(|line| line.contains(",all,")).count(), 4);
    assert!(out.join("scenario.toml").exists());
    assert_no_temporary_files(&out);
}

#[test]
fn results_do_not_depend_on_threads_but_do_on_the_seed() {
    let run = |threads: &str, seed: &str| {
        stdout_of(backlog().args([
            "run",
            "--quiet",
            "--replications",
            "12",
            "--format",
            "json",
            "--threads",
            threads,
            "--seed",
            seed,
        ]))
    };
    let one = run("1", "7");
    assert_eq!(one, run("2", "7"), "byte-identical across thread counts");
    assert_ne!(one, run("2", "8"), "another seed gives other results");
}

/// `--engine event-loop` gives the same bytes as the default, which takes the direct
/// recursion for the M/M/c scenario, on one thread or two.
#[test]
fn both_engines_give_the_same_results() {
    let run = |engine: &str, threads: &str| {
        stdout_of(backlog().args([
            "run",
            "scenarios/mmc.toml",
            "--quiet",
            "--replications",
            "3",
            "--horizon-days",
            "2000",
            "--format",
            "json",
            "--engine",
            engine,
            "--threads",
            threads,
        ]))
    };
    let direct = run("auto", "2");
    // The results are the same bytes; only the provenance names the engine that was asked for.
    let event_loop = run("event-loop", "1");
    let mut event_loop: serde_json::Value = serde_json::from_str(&event_loop).expect("JSON");
    let engine = event_loop.as_object_mut().and_then(|fields| fields.remove("engine"));
    assert_eq!(engine, Some(serde_json::json!("event-loop")));
    let direct: serde_json::Value = serde_json::from_str(&direct).expect("JSON");
    assert_eq!(direct, event_loop);
    assert_eq!(direct, run("auto", "1"));
    backlog()
        .args(["run", "--engine", "fast"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("auto").and(predicate::str::contains("event-loop")));
}

#[test]
fn trace_lists_every_event_of_replication_zero() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let trace = dir.path().join("trace.csv");
    backlog()
        .args(["run", "--quiet", "scenarios/deterministic.toml", "--trace"])
        .arg(&trace)
        .assert()
        .success();
    let text = std::fs::read_to_string(&trace).expect("trace written");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("time_days,event,port,group,people,list_people"));
    let processed = text.lines().filter(|line| line.contains(",process,")).count();
    assert_eq!(processed, 1000);
}

#[test]
fn check_summarises_a_scenario() {
    backlog()
        .args(["check", "scenarios/deterministic.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(": ok"))
        .stdout(predicate::str::contains("about 1,000 people"));
}

#[test]
fn missing_file_is_bad_input() {
    backlog()
        .args(["run", "--quiet", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.toml"));
}

#[test]
fn bad_flags_are_bad_input() {
    backlog().args(["run", "--replications", "0"]).assert().code(2);
    backlog().args(["run", "--format", "xml"]).assert().code(2);
}

/// Files in tests/bad/ whose problem is the whole file (so the message has no line and column).
const WHOLE_FILE_PROBLEMS: [&str; 2] = ["blank", "empty"];

/// Each file in tests/bad/ fails `check` with exit code 2 and the message in its snapshot.
#[test]
fn bad_scenarios_point_at_the_problem() {
    let dir = project_root().join("tests/bad");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 50, "the bad-input corpus is there");
    for path in files {
        let relative = path.strip_prefix(project_root()).unwrap_or(&path).to_path_buf();
        let output = backlog().arg("check").arg(&relative).output().expect("backlog runs");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{} should be rejected",
            relative.display()
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        let name = Path::new(&relative)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A file with nothing in it has no line to point at: the message names the file alone.
        let whole_file = WHOLE_FILE_PROBLEMS.contains(&name.as_str());
        let place = if whole_file {
            format!("`{}`", relative.display())
        } else {
            format!("{}:", relative.display())
        };
        // A problem inside a CSV file is shown at its place in that file (tests/bad/data/).
        let in_csv = name.starts_with("csv_") && stderr.contains("--> tests/bad/data/");
        assert!(stderr.contains(&place) || in_csv, "names the file:line:col: {stderr}");
        insta::assert_snapshot!(format!("bad_{name}"), stderr);
    }
}

/// Shares of people processed who waited: at all, and over the days asked for with
/// `--share-over`, on the hand-checkable list (1,000 people, 100 called a day: 900 wait at all,
/// 400 more than 5 days, 100 more than 8).
#[test]
fn shares_of_waits_are_reported_as_computed_by_hand() {
    let text = stdout_of(backlog().args([
        "run",
        "--quiet",
        "-r",
        "2",
        "scenarios/deterministic.toml",
        "--share-over",
        "5",
        "--share-over",
        "8",
        "--format",
        "csv",
    ]));
    for line in [
        "all,all,share_waited,0.9,0.9,0.9",
        "all,all,share_over_5,0.4,0.4,0.4",
        "all,all,share_over_8,0.1,0.1,0.1",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    let table = stdout_of(backlog().args([
        "run",
        "--quiet",
        "-r",
        "2",
        "scenarios/deterministic.toml",
        "--share-over",
        "5",
    ]));
    assert!(
        table.contains("waited at all                 90.0% [90.0%, 90.0%]"),
        "{table}"
    );
    assert!(
        table.contains("waited over 5 days            40.0% [40.0%, 40.0%]"),
        "{table}"
    );
}
