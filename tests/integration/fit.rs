//! `backlog fit` from the command line: the table, the files of `--out`, the same bytes on any
//! number of threads, and bad observations files refused at their line and column.

use crate::cli::backlog;
use std::path::Path;

/// Poisson arrivals at a port that processes 5 people a day; people give up after 10 days on
/// average.
const SCENARIO: &str = r#"schema = 1

[run]
name = "fit test"
start_date = 2019-01-01
horizon_days = 20
seed = 1
replications = 6

[[ports]]
name = "p"

[ports.capacity]
kind = "quota"
quota_per_day = 5

[[streams]]
name = "arrivals"
port = "p"
kind = "poisson"
people_per_day = 10.0
group_size = 1
patience_days = { dist = "exponential", mean = 10.0 } # assumed
"#;

const OBSERVED: &str = "date,scope,series,value,low,high,source,note
2019-01-20,p,left,60,55,65,\"Made up, for the test\",about 60
2019-01-10,all,registered,100,,,A count,
";

const PARAM: &str = "streams.arrivals.patience_days.mean";

/// The scenario and the observations in a temporary folder.
fn files(observed: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("scenario.toml"), SCENARIO).expect("written");
    std::fs::write(dir.path().join("observed.csv"), observed).expect("written");
    dir
}

/// `backlog fit scenario.toml --observed observed.csv --param PARAM --range 2:40` in `dir`,
/// with `extra` arguments.
fn fit(dir: &Path, extra: &[&str]) -> std::process::Output {
    backlog()
        .current_dir(dir)
        .args([
            "fit",
            "scenario.toml",
            "--observed",
            "observed.csv",
            "--param",
            PARAM,
            "--range",
            "2:40",
            "-q",
        ])
        .args(extra)
        .output()
        .expect("backlog runs")
}

fn stdout(output: &std::process::Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn fit_prints_the_estimates_and_writes_its_folder() {
    let dir = files(OBSERVED);
    let table = stdout(&fit(dir.path(), &["--out", "out"]));
    for expected in [
        "fit test: fitted to observed.csv (2 recorded figures)",
        PARAM,
        "95% interval",
        "2019-01-20",
        "registered",
        "55–65",
    ] {
        assert!(table.contains(expected), "{expected:?} not in\n{table}");
    }
    let out = dir.path().join("out");
    for file in ["fit.json", "fit.csv", "scenario.toml", "backtest.png", "backtest.svg"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("fit.json")).expect("read")).expect("JSON");
    let estimate = json["params"][PARAM]["estimate"].as_f64().expect("an estimate");
    assert!((2.0..=40.0).contains(&estimate), "{estimate}");
    assert_eq!(json["observations"][0]["date"], "2019-01-20");
    assert_eq!(json["observations"][0]["day"], 19);
    assert_eq!(json["observations"][1]["series"], "registered");
    let scenario = std::fs::read_to_string(out.join("scenario.toml")).expect("read");
    assert!(
        scenario.contains("# fitted: ") && scenario.contains(" to observed.csv by backlog fit"),
        "{scenario}"
    );
    let svg = std::fs::read_to_string(out.join("backtest.svg")).expect("read");
    assert!(svg.contains("fitted to observed.csv by backlog fit"));
    // The fitted scenario runs as it is.
    backlog()
        .current_dir(&out)
        .args(["check", "scenario.toml"])
        .assert()
        .success();
    // Every value evaluated, as CSV on stdout too.
    let csv = stdout(&fit(dir.path(), &["--format", "csv"]));
    assert_eq!(csv, std::fs::read_to_string(out.join("fit.csv")).expect("read"));
    assert!(
        csv.lines().next() == Some(&format!("evaluation,phase,{PARAM},log_likelihood")[..]),
        "{csv}"
    );
}

#[test]
fn the_same_fit_on_one_or_two_threads_writes_the_same_bytes() {
    let dir = files(OBSERVED);
    let one = stdout(&fit(dir.path(), &["--format", "json", "-j", "1", "--out", "one"]));
    let two = stdout(&fit(dir.path(), &["--format", "json", "-j", "2", "--out", "two"]));
    assert_eq!(one, two);
    for file in ["fit.json", "fit.csv", "scenario.toml", "backtest.png", "backtest.svg"] {
        let read = |folder: &str| std::fs::read(dir.path().join(folder).join(file)).expect("read");
        assert!(read("one") == read("two"), "{file} differs");
    }
}

#[test]
fn a_bad_observations_file_is_refused_at_its_line_and_column() {
    let dir =
        files("date,scope,series,value,source\n2019-01-10,all,registered,100,A count\n2019-01-20,p,gone,60,A count\n");
    let output = fit(dir.path(), &["--out", "out"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: unknown series `gone`"), "{stderr}");
    assert!(stderr.contains("--> observed.csv:3:14"), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(!dir.path().join("out").exists(), "nothing is written");
    // A figure after the simulated period, and a scope the scenario does not have.
    std::fs::write(
        dir.path().join("observed.csv"),
        "date,scope,series,value,source\n2019-03-01,p,left,60,A count\n2019-01-20,q,left,60,A count\n",
    )
    .expect("written");
    let output = fit(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("observed.csv:2:1"), "{stderr}");
    assert!(
        stderr.contains("is outside the simulated period (2019-01-01 to 2019-01-20, days 0 to 19)"),
        "{stderr}"
    );
    assert!(stderr.contains("observed.csv:3:12"), "{stderr}");
    assert!(stderr.contains("the scopes are: `all`, `p` and `arrivals`"), "{stderr}");
    // A file that is empty, or not there.
    std::fs::write(dir.path().join("observed.csv"), "").expect("written");
    let output = fit(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("error: the observations file `observed.csv` is empty")
    );
    std::fs::remove_file(dir.path().join("observed.csv")).expect("removed");
    let output = fit(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`observed.csv` does not exist"));
}

#[test]
fn each_param_needs_its_range() {
    let dir = files(OBSERVED);
    for (args, expected) in [
        (
            vec!["--param", "streams.arrivals.people_per_day"],
            "--param streams.arrivals.people_per_day has no --range",
        ),
        (vec!["--range", "1:2"], "has more than one --range"),
    ] {
        let output = fit(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}
