//! `compare` of scenarios that cover different periods: refused before anything runs, or, with
//! `--allow-different-periods`, compared over the period they have in common; charts by
//! calendar date.

use crate::cli::backlog;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

/// A small random scenario starting on `start` (or undated when `None`) for `days` days.
fn scenario(dir: &Path, file: &str, start: Option<&str>, days: u32) -> PathBuf {
    let start = start.map_or(String::new(), |date| format!("start_date = {date}\n"));
    let text = format!(
        r#"schema = 1

[run]
name = "small list"
{start}horizon_days = {days}
seed = 7
replications = 8

[[ports]]
name = "port"
discipline = "fifo"

[ports.capacity]
kind = "quota"
quota_per_day = 20
randomness = "poisson"

[[streams]]
name = "arrivals"
port = "port"
kind = "poisson"
people_per_day = 22
patience_days = {{ dist = "gamma", mean = 20, sd = 10 }}
outcomes = {{ went_home = 1.0 }}
"#
    );
    let path = dir.join(file);
    std::fs::write(&path, text).expect("scenario written");
    path
}

/// `backlog compare ARGS` run in `dir`, so that files are named as given.
fn compare_in(dir: &Path, args: &[&str]) -> Output {
    backlog()
        .current_dir(dir)
        .arg("compare")
        .args(args)
        .output()
        .expect("backlog runs")
}

/// The texts of an SVG chart, trimmed.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    svg.split("<text")
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find('>')? + 1;
            let end = rest.find("</text>")?;
            Some(rest[start..end].trim().to_owned())
        })
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json_of(output: &Output) -> Value {
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// Every paired difference of scenario `i` in a comparison's JSON.
fn paired_means(json: &Value, i: usize) -> Vec<(String, Value)> {
    json["scenarios"][i]["paired_difference"]
        .as_object()
        .expect("paired differences")
        .iter()
        .map(|(name, estimate)| (name.clone(), estimate["mean"].clone()))
        .collect()
}

/// By default, scenarios of different periods are refused with exit 2 before anything runs
/// (a run of 100,000 replications would take minutes) and no folder is written.
#[test]
fn different_periods_are_refused_before_running() {
    let dir = tempfile::tempdir().expect("temporary folder");
    scenario(dir.path(), "a.toml", Some("2018-11-01"), 365);
    scenario(dir.path(), "b.toml", Some("2018-11-01"), 190);
    let started = Instant::now();
    let output = compare_in(dir.path(), &["a.toml", "b.toml", "-r", "100000", "--out", "out"]);
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    assert!(!dir.path().join("out").exists(), "no output folder");
    insta::assert_snapshot!("compare_different_periods_refused", text(&output.stderr));

    // Periods without a day in common are refused even with the flag.
    scenario(dir.path(), "c.toml", Some("2020-01-01"), 30);
    let output = compare_in(
        dir.path(),
        &["a.toml", "c.toml", "--allow-different-periods", "--out", "out"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(!dir.path().join("out").exists(), "no output folder");
    insta::assert_snapshot!("compare_periods_without_overlap", text(&output.stderr));
}

/// With the flag, the difference in periods is a warning on stderr (none with --quiet) and in
/// comparison.json; a scenario against itself with a shorter horizon differs by exactly zero
/// over the common period, and matches a comparison of runs cut there by hand.
#[test]
fn different_horizons_compare_over_the_common_period() {
    let dir = tempfile::tempdir().expect("temporary folder");
    scenario(dir.path(), "a.toml", Some("2018-11-01"), 60);
    scenario(dir.path(), "b.toml", Some("2018-11-01"), 30);
    let args = ["a.toml", "b.toml", "--allow-different-periods", "--format", "json"];
    let output = compare_in(dir.path(), &args);
    insta::assert_snapshot!("compare_different_periods_warning", text(&output.stderr));
    let json = json_of(&output);
    let periods = &json["periods"];
    assert_eq!(periods["differ"], true);
    assert_eq!(
        periods["warning"],
        "the scenarios cover different periods: a.toml 1 Nov 2018 – 30 Dec 2018 (60 days), \
         b.toml 1 Nov 2018 – 30 Nov 2018 (30 days)"
    );
    assert_eq!(
        periods["common_period"],
        serde_json::json!({"start_date": "2018-11-01", "end_date": "2018-11-30", "days": 30})
    );
    assert_eq!(periods["left_out"], serde_json::json!([]));
    assert_eq!(json["scenarios"][0]["period"]["days"], 60);
    let differences = paired_means(&json, 1);
    assert!(differences.len() >= 10, "{differences:?}");
    for (name, mean) in &differences {
        assert!(
            mean.is_null() || mean.as_f64() == Some(0.0),
            "{name}: {mean} over the common period"
        );
    }
    assert!(
        json["scenarios"][0]["metrics"]["processed"]["mean"].as_f64() > Some(0.0),
        "people were processed"
    );
    // The same as cutting both runs there by hand.
    let by_hand = json_of(&compare_in(
        dir.path(),
        &["a.toml", "a.toml", "--set", "run.horizon_days=30", "--format", "json"],
    ));
    assert_eq!(json["scenarios"][0]["metrics"], by_hand["scenarios"][0]["metrics"]);
    assert_eq!(by_hand["periods"]["differ"], false);
    // --quiet: no warning, no note.
    let quiet: Vec<&str> = args.iter().copied().chain(["--quiet"]).collect();
    let output = compare_in(dir.path(), &quiet);
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
}

/// Scenarios starting on different dates: the later one starts later on the charts' calendar
/// axis; every run ends on the common period's last day, the earlier one counts people from
/// its first day (its warm-up), and the list's peak and first empty day are left out.
#[test]
fn different_start_dates_align_by_calendar_date() {
    let dir = tempfile::tempdir().expect("temporary folder");
    scenario(dir.path(), "early.toml", Some("2018-11-01"), 60);
    scenario(dir.path(), "late.toml", Some("2018-12-01"), 60);
    let output = compare_in(
        dir.path(),
        &[
            "early.toml",
            "late.toml",
            "--allow-different-periods",
            "-r",
            "3",
            "--out",
            "out",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let table = text(&output.stdout);
    assert!(
        table.contains("Compared over the common period only, 1 Dec 2018 – 30 Dec 2018 (30 days)"),
        "{table}"
    );
    let rows: Vec<&str> = table.lines().map(str::trim_start).collect();
    assert!(
        !rows
            .iter()
            .any(|row| row.starts_with("peak list") || row.starts_with("list emptied")),
        "{table}"
    );
    assert!(rows.iter().any(|row| row.starts_with("wait p90")), "{table}");
    let out = dir.path().join("out");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("comparison.json")).expect("read")).expect("JSON");
    assert_eq!(
        json["periods"]["left_out"],
        serde_json::json!(["peak_list", "first_empty_day"])
    );
    assert_eq!(json["periods"]["chart_axis"], "calendar date");
    assert!(json["scenarios"][1]["metrics"].get("peak_list").is_none());
    let run = |folder: &str| std::fs::read_to_string(out.join(folder).join("scenario.toml")).expect("read");
    assert!(run("early").contains("warm_up_days = 30"), "{}", run("early"));
    assert!(run("late").contains("horizon_days = 30"), "{}", run("late"));
    // Both daily series end on the common period's last day, each from its own first day.
    let dates = |folder: &str| -> (String, String) {
        let daily = std::fs::read_to_string(out.join(folder).join("daily.csv")).expect("read");
        let dates: Vec<String> = daily
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').nth(2).map(str::to_owned))
            .collect();
        (dates[0].clone(), dates[dates.len() - 1].clone())
    };
    assert_eq!(dates("early"), ("2018-11-01".into(), "2018-12-30".into()));
    assert_eq!(dates("late"), ("2018-12-01".into(), "2018-12-30".into()));
    // The charts go by date, from the earlier start: not by days from each one's start.
    let texts = svg_texts(&out.join("compare-backlog.svg"));
    assert!(texts.iter().any(|t| t == "Date"), "a date axis: {texts:?}");
    assert!(texts.iter().any(|t| t == "1 Nov"), "from the earlier start: {texts:?}");
    assert!(
        !texts.iter().any(|t| t.starts_with("Days from")),
        "not days from the start: {texts:?}"
    );
}

/// When not every scenario has a start date, periods go by days from each one's start, and
/// the charts say so.
#[test]
fn undated_scenarios_compare_by_days_from_the_start() {
    let dir = tempfile::tempdir().expect("temporary folder");
    scenario(dir.path(), "dated.toml", Some("2018-11-01"), 40);
    scenario(dir.path(), "undated.toml", None, 20);
    let output = compare_in(dir.path(), &["dated.toml", "undated.toml", "-r", "2"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains(
            "undated.toml days 0 to 19 (20 days) (compared by days from each one's start, as not every scenario has a start date)"
        ),
        "{}",
        text(&output.stderr)
    );
    let output = compare_in(
        dir.path(),
        &[
            "dated.toml",
            "undated.toml",
            "-r",
            "2",
            "--allow-different-periods",
            "--format",
            "json",
            "--out",
            "out",
        ],
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("note: not every scenario has a start date, so the charts count days from each one's start"),
        "{stderr}"
    );
    let json = json_of(&output);
    assert_eq!(json["periods"]["chart_axis"], "days from each scenario's start");
    assert_eq!(json["periods"]["common_period"]["days"], 20);
    assert_eq!(json["periods"]["common_period"]["start_date"], Value::Null);
    let texts = svg_texts(&dir.path().join("out/compare-backlog.svg")).join(" ");
    assert!(
        texts.contains("not every scenario has a start date"),
        "the chart says so: {texts}"
    );
}
