//! Cutting a run short: anything dated after the end of the simulated period is accepted with a
//! note (on stderr, at its file, line and column) and has no effect in the run; dates before
//! day 0 stay errors (`tests/bad/`).
//!
//! The scenarios in `tests/notes/` each have something dated after the end of their period.

use crate::cli::{backlog, project_root};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The scenarios of `tests/notes/`, as paths relative to the project root.
fn noted_scenarios() -> Vec<PathBuf> {
    let dir = project_root().join("tests/notes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/notes exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| path.strip_prefix(project_root()).unwrap_or(&path).to_path_buf())
        .collect();
    files.sort();
    files
}

/// Runs `backlog` with `args` from the project root and asserts that it succeeds.
fn succeeds(args: &[&str]) -> Output {
    let output = backlog().args(args).output().expect("backlog runs");
    assert!(
        output.status.success(),
        "backlog {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Each scenario of `tests/notes/` runs, with its notes on stderr (as in its snapshot) and
/// nothing but the results on stdout; `--quiet` leaves the notes out; `check` shows them too.
#[test]
fn dates_after_the_period_are_noted_not_refused() {
    let files = noted_scenarios();
    assert!(files.len() >= 2, "the scenarios are there: {files:?}");
    for path in files {
        let shown = path.display().to_string();
        let output = succeeds(&["run", &shown, "-r", "3", "--format", "csv"]);
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert!(
            stdout.starts_with("scope,name,metric,"),
            "stdout holds the results only: {stdout}"
        );
        assert!(stderr.starts_with("note: "), "{stderr}");
        assert!(!stderr.contains("error"), "{stderr}");
        // The note points at the file, line and column (of the scenario, or of its CSV file).
        let place = if stderr.contains("--> tests/notes/data/") {
            "--> tests/notes/data/".to_owned()
        } else {
            format!("--> {shown}:")
        };
        assert!(stderr.contains(&place), "names the file:line:col: {stderr}");
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        insta::assert_snapshot!(format!("notes_{name}"), stderr);

        let quiet = succeeds(&["run", &shown, "-r", "3", "--format", "csv", "--quiet"]);
        assert!(quiet.stderr.is_empty(), "--quiet: {}", text(&quiet.stderr));
        assert_eq!(text(&quiet.stdout), stdout);

        let check = succeeds(&["check", &shown]);
        assert_eq!(text(&check.stderr), stderr);
        assert!(text(&check.stdout).contains(": ok"));
    }
}

/// The result files of `backlog run FILE --out DIR` with the seed and replications given, without
/// their provenance lines (which hold the SHA-256 of the scenario text).
fn results(dir: &Path, scenario: &Path) -> Vec<(String, String)> {
    let out = dir.join("out");
    let shown = scenario.display().to_string();
    let out_shown = out.display().to_string();
    succeeds(&["run", &shown, "-r", "4", "--seed", "11", "--quiet", "--out", &out_shown]);
    [
        "summary.csv",
        "daily.csv",
        "waits.csv",
        "replications.csv",
        "markers.csv",
    ]
    .iter()
    .map(|name| {
        let contents = std::fs::read_to_string(out.join(name)).expect("result file");
        let body: Vec<&str> = contents.lines().filter(|line| !line.starts_with('#')).collect();
        ((*name).to_owned(), body.join("\n"))
    })
    .collect()
}

/// `scenario` (in `tests/notes/`) with its text changed by `edit` and its CSV files changed by
/// `csv`, written into a temporary folder.
fn edited(scenario: &str, edit: impl Fn(&str) -> String, csv: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let original = std::fs::read_to_string(project_root().join("tests/notes").join(scenario)).expect("scenario");
    let path = dir.path().join(scenario);
    std::fs::write(&path, edit(&original)).expect("scenario written");
    std::fs::create_dir_all(dir.path().join("data")).expect("data folder");
    for (name, contents) in csv {
        std::fs::write(dir.path().join("data").join(name), contents).expect("CSV written");
    }
    (dir, path)
}

/// What is dated after the end of the period changes nothing: the results (daily series, waits,
/// every replication, the markers on charts) are those of the scenario without it.
#[test]
fn what_is_after_the_period_has_no_effect() {
    let closure = "[[ports.capacity.closures]]\non = 2018-12-25\nlabel = \"Christmas\"\n\n";
    let (with_dir, with) = edited("closure_after_horizon.toml", str::to_owned, &[]);
    let (without_dir, without) = edited(
        "closure_after_horizon.toml",
        |text| {
            assert!(text.contains(closure), "{text}");
            text.replace(closure, "")
        },
        &[],
    );
    assert_eq!(results(with_dir.path(), &with), results(without_dir.path(), &without));

    let csv = std::fs::read_to_string(project_root().join("tests/notes/data/trace_after_horizon.csv")).expect("CSV");
    let late = "45,2\n2018-12-25,1\n";
    assert!(csv.ends_with(late), "{csv}");
    let (with_dir, with) = edited(
        "csv_trace_after_horizon.toml",
        str::to_owned,
        &[("trace_after_horizon.csv", &csv)],
    );
    let kept = csv.replace(late, "");
    let (without_dir, without) = edited(
        "csv_trace_after_horizon.toml",
        str::to_owned,
        &[("trace_after_horizon.csv", &kept)],
    );
    let (a, b) = (results(with_dir.path(), &with), results(without_dir.path(), &without));
    assert_eq!(a, b);
    assert!(a[0].1.contains("all,all,joined,6,6,6"), "{}", a[0].1);
}

/// The dated schedule changes of the built-in scenario after day 180.
const BUILT_IN_NOTES: [(&str, usize); 3] = [
    ("2019-05-01, day 181", 119),
    ("2019-06-01, day 212", 124),
    ("2019-07-01, day 242", 129),
];

#[test]
fn run_cut_short_on_the_built_in_scenario() {
    let output = succeeds(&["run", "--horizon-days", "180", "-r", "3", "--format", "json"]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(stdout.contains("\"horizon_days\": 180"), "{stdout}");
    assert_eq!(stderr.matches("note: ").count(), 3, "{stderr}");
    for (day, line) in BUILT_IN_NOTES {
        assert!(
            stderr.contains(&format!(
                "note: `from` ({day}) is after the simulated period (day 0 to day 180, 2018-11-01 to 2019-04-30) and has no effect in this run"
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "--> tijuana-2018.toml (built in, as changed on the command line):{line}:8\n"
            )),
            "{stderr}"
        );
    }
}

/// `target --by-day` cuts the runs through `run.horizon_days`: the search runs, and the notes
/// are printed once, not once per value tried.
#[test]
fn target_by_day_on_tijuana() {
    let output = succeeds(&[
        "target",
        "scenarios/tijuana-2018.toml",
        "--param",
        "ports.san_ysidro.capacity.schedule.3.quota_per_day",
        "--metric",
        "waiting_at_end",
        "--at-most",
        "2000",
        "--by-day",
        "120",
        "--replications",
        "10",
    ]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(stdout.contains("by day 120 (runs cut there)"), "{stdout}");
    assert!(stdout.contains("Answer: "), "{stdout}");
    assert_eq!(stderr.matches("note: ").count(), 3, "{stderr}");
    for (_, line) in BUILT_IN_NOTES {
        assert!(
            stderr.contains(&format!(
                "--> scenarios/tijuana-2018.toml (as changed on the command line):{line}:8\n"
            )),
            "{stderr}"
        );
    }
    assert!(
        stderr.contains("(day 0 to day 120, 2018-11-01 to 2019-03-01)"),
        "{stderr}"
    );
}

/// `sweep` and `compare` load a scenario many times but show its notes once.
#[test]
fn sweep_and_compare_note_once() {
    let output = succeeds(&[
        "sweep",
        "tests/notes/closure_after_horizon.toml",
        "--param",
        "ports.san_ysidro.capacity.quota_per_day",
        "--values",
        "30,60,90",
        "-r",
        "2",
        "--format",
        "csv",
    ]);
    assert_eq!(
        text(&output.stderr).matches("note: ").count(),
        1,
        "{}",
        text(&output.stderr)
    );
    let output = succeeds(&[
        "compare",
        "tests/notes/closure_after_horizon.toml",
        "tests/notes/csv_trace_after_horizon.toml",
        "-r",
        "2",
        "--format",
        "csv",
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(stderr.matches("note: ").count(), 2, "{stderr}");
    assert!(
        stderr.contains("--> tests/notes/closure_after_horizon.toml:18:6"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> tests/notes/data/trace_after_horizon.csv:5:1"),
        "{stderr}"
    );
}

/// `check`'s estimate of the people a stream brings counts only those due before the end.
#[test]
fn people_estimates_count_only_the_part_of_a_window_in_the_run() {
    let count_of = |horizon: &str| -> f64 {
        let output = succeeds(&["check", "--set", &format!("run.horizon_days={horizon}")]);
        let out = text(&output.stdout);
        let line = out
            .lines()
            .find(|line| line.contains("stream caravan"))
            .unwrap_or_else(|| panic!("no caravan line in:\n{out}"));
        line.split("about ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.replace(',', "").parse().ok())
            .unwrap_or_else(|| panic!("no count in {line}"))
    };
    let whole = count_of("365");
    let cut = count_of("20");
    // The caravan arrives from day 12 on: none of it by day 10, part of it by day 20.
    assert_eq!(count_of("10"), 0.0);
    assert!(cut > 0.0 && cut < whole, "{cut} of {whole}");
}

/// `--quiet` hides the notes as its help says: nothing but results, and errors, are printed.
#[test]
fn quiet_runs_print_no_notes() {
    let output = succeeds(&["run", "--quiet", "--horizon-days", "180", "-r", "2", "--format", "json"]);
    assert!(output.stderr.is_empty(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("\"horizon_days\": 180"));
}
