//! The library's facade, used as another program would: cancelling through the token, running
//! again in the same process, and the results folder read back into the same typed summary.

use crate::cli::{backlog, project_root};
use backlog::{CancelToken, Error, Folder, Metric, Render, RunOptions, Scenario, Summary, simulate};

/// The built-in scenario, shortened to keep the test quick.
fn short_default() -> backlog::Model {
    Scenario::built_in()
        .load_with(&[backlog::Change::parse("run.horizon_days=90").expect("PATH=VALUE")])
        .expect("valid")
}

/// Cancelling from the progress callback after the first replication stops the run with
/// `Interrupted`, deterministically and with no partial result; the next run in the same
/// process gives exactly what a fresh process gives.
#[test]
fn a_cancelled_run_returns_interrupted_and_the_next_run_is_unaffected() {
    let model = short_default();
    let token = CancelToken::new();
    let stop = token.clone();
    let options = RunOptions::new()
        .replications(40)
        .threads(2)
        .cancel(token.clone())
        .progress(move |_| stop.cancel());
    match simulate(&model, &options) {
        Err(Error::Interrupted) => {}
        Err(other) => panic!("expected Interrupted, got {other}"),
        Ok(_) => panic!("a cancelled run returned results"),
    }
    assert!(token.is_cancelled(), "the token stays cancelled");
    // A token cancelled before the run starts stops it before any replication.
    let before = CancelToken::new();
    before.cancel();
    assert!(matches!(
        simulate(&model, &RunOptions::new().replications(3).cancel(before)),
        Err(Error::Interrupted)
    ));

    let again = simulate(&model, &RunOptions::new().replications(5).cancel(CancelToken::new())).expect("runs");
    let fresh = backlog()
        .args([
            "run",
            "--quiet",
            "-r",
            "5",
            "--format",
            "json",
            "--set",
            "run.horizon_days=90",
        ])
        .output()
        .expect("backlog runs");
    assert!(fresh.status.success());
    assert_eq!(again.summary().to_json(), String::from_utf8_lossy(&fresh.stdout));
}

/// `summary.json` is the typed `Summary`: what is written reads back equal, and writes the same
/// bytes again; the other files read back into the folder's typed data.
#[test]
fn the_results_folder_reads_back_into_the_same_types() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let scenario = Scenario::read(&project_root().join("scenarios/csv-inputs.toml")).expect("readable");
    let results = simulate(&scenario.load().expect("valid"), &RunOptions::new().replications(3)).expect("runs");
    results.write_folder(dir.path()).expect("written");
    let text = std::fs::read_to_string(dir.path().join("summary.json")).expect("summary.json");
    let read: Summary = serde_json::from_str(&text).expect("summary.json is a Summary");
    assert_eq!(&read, results.summary());
    assert_eq!(read.to_json(), text);
    let folder = Folder::read(dir.path()).expect("a results folder");
    assert_eq!(&folder.summary, results.summary());
    assert_eq!(folder.replications(), 3);
    assert_eq!(folder.summary.ports[0].name, "port");
    assert!(!folder.series("on_list").is_empty());
    assert!(folder.waits.contains_key("processed"));
}

#[test]
fn metrics_read_their_names_and_suggest_the_nearest() {
    for metric in Metric::ALL {
        assert_eq!(metric.name().parse::<Metric>().expect("a metric"), metric);
    }
    let error = "wiat_p90".parse::<Metric>().expect_err("not a metric").to_string();
    assert!(error.contains("did you mean `wait_p90`?"), "{error}");
}
