//! Guarantees of docs/reliability.md: Ctrl-C, refusing foreign output folders, broken pipes.

use crate::cli::{backlog, project_root};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A scenario that no engine finishes within minutes: a million replications of a million
/// people each (the patience keeps it on the event loop), within the default resource limits. The closure after the end of the run
/// makes `backlog` print a note on stderr once the scenario is loaded, just before it starts to
/// simulate (without `--quiet`): the tests wait for that note, so Ctrl-C always comes during the
/// run.
const ENDLESS: &str = r#"schema = 1
[run]
name = "endless"
horizon_days = 10
seed = 1
replications = 1000000
[[ports]]
name = "office"
[ports.capacity]
kind = "officers"
officers = 5000
service_days = { dist = "exponential", mean = 0.05 }
[[ports.capacity.closures]]
on = 50
[[streams]]
name = "arrivals"
port = "office"
kind = "poisson"
people_per_day = 100000
patience_days = { dist = "exponential", mean = 3 }
"#;

/// Starts `backlog ARGS`, waits until it has printed a line containing `started` on stderr,
/// sends it Ctrl-C (SIGINT) and returns its exit code and the time it took to stop.
#[cfg(unix)]
fn interrupt_after(args: &[&std::ffi::OsStr], started: &str) -> (Option<i32>, Duration) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("backlog"))
        .args(args)
        .current_dir(project_root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("backlog starts");
    let stderr = child.stderr.take().expect("stderr");
    let (sender, receiver) = std::sync::mpsc::channel();
    let wanted = started.to_owned();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(&wanted) {
                let _ = sender.send(());
            }
        }
    });
    if receiver.recv_timeout(Duration::from_secs(60)).is_err() {
        let _ = child.kill();
        panic!("backlog never printed `{started}`");
    }
    interrupt(child)
}

/// Sends Ctrl-C to `child` and waits for it to stop (at most 20 s).
#[cfg(unix)]
fn interrupt(mut child: std::process::Child) -> (Option<i32>, Duration) {
    assert!(
        child.try_wait().expect("status").is_none(),
        "still running before Ctrl-C"
    );
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("status") {
            return (status.code(), started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("backlog did not stop within 20 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_simulations_promptly_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let scenario = dir.path().join("endless.toml");
    std::fs::write(&scenario, ENDLESS).expect("scenario written");
    let s = scenario.as_os_str();
    let out = dir.path().join("out");
    let o = out.as_os_str();
    let os = std::ffi::OsStr::new;
    let commands: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec![os("run"), s, os("--out"), o],
        vec![
            os("sweep"),
            s,
            os("--param"),
            os("run.seed"),
            os("--values"),
            os("1,2"),
            os("--out"),
            o,
        ],
        vec![os("compare"), s, s, os("--out"), o],
        vec![
            os("target"),
            s,
            os("--param"),
            os("ports.office.capacity.officers"),
            os("--metric"),
            os("wait_p90"),
            os("--at-most"),
            os("1"),
        ],
    ];
    for args in commands {
        let (code, took) = interrupt_after(&args, "note:");
        assert_eq!(code, Some(130), "{args:?}");
        // Simulations look at the cancel token every 65,536 events; far below the grace period.
        assert!(took < Duration::from_secs(1), "{args:?} took {took:?} to stop");
        assert!(!out.exists(), "{args:?}: nothing is written after Ctrl-C");
        assert_eq!(names(dir.path()), ["endless.toml"], "{args:?}: nothing hidden is left");
    }
    // Interrupted while rewriting a folder written before, `run` leaves it exactly as it was.
    backlog()
        .args(["run", "--quiet", "-r", "2", "--out"])
        .arg(&out)
        .arg(project_root().join("scenarios/deterministic.toml"))
        .assert()
        .success();
    let before = std::fs::read(out.join("summary.json")).expect("summary.json");
    let (code, _) = interrupt_after(&[os("run"), s, os("--out"), o], "note:");
    assert_eq!(code, Some(130));
    assert_eq!(std::fs::read(out.join("summary.json")).expect("summary.json"), before);
    assert_eq!(names(dir.path()), ["endless.toml", "out"]);
}

/// Commands blocked where they cannot look at the cancel token (here reading a FIFO that
/// never gets data) still stop, with exit code 130, once the grace period is over.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_commands_blocked_reading() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let fifo = dir.path().join("input");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs")
            .success()
    );
    let folder = dir.path().join("results");
    std::fs::create_dir(&folder).expect("folder");
    let summary = folder.join("summary.json");
    for name in ["daily.csv", "waits.csv"] {
        std::fs::write(folder.join(name), "").expect("written");
    }
    assert!(
        Command::new("mkfifo")
            .arg(&summary)
            .status()
            .expect("mkfifo runs")
            .success()
    );
    for (args, pipe) in [
        (vec![std::ffi::OsStr::new("check"), fifo.as_os_str()], &fifo),
        (vec![std::ffi::OsStr::new("chart"), folder.as_os_str()], &summary),
        (vec![std::ffi::OsStr::new("report"), folder.as_os_str()], &summary),
    ] {
        let child = Command::new(assert_cmd::cargo::cargo_bin("backlog"))
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("backlog starts");
        // Opening a FIFO for writing waits for its reader: then backlog is reading it.
        let writer = std::fs::OpenOptions::new()
            .write(true)
            .open(pipe)
            .expect("the reader opened it");
        let (code, took) = interrupt(child);
        drop(writer);
        assert_eq!(code, Some(130), "{args:?}");
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?} to stop");
    }
}

#[test]
fn out_refuses_a_foreign_folder_unless_forced() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("thesis.docx"), "precious").expect("file written");
    let assert = backlog()
        .args(["run", "--quiet", "--replications", "2", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("not empty") && stderr.contains("--force"), "{stderr}");
    assert!(!dir.path().join("summary.json").exists());
    for _ in 0..2 {
        backlog()
            .args(["run", "--quiet", "--replications", "2", "--force", "--out"])
            .arg(dir.path())
            .assert()
            .success();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("thesis.docx")).ok().as_deref(),
            Some("precious")
        );
    }
    // The folder still holds someone else's file: a run without --force is refused again.
    backlog()
        .args(["run", "--quiet", "--replications", "2", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
    // A file is not a folder, and that is known before anything runs.
    let file = dir.path().join("thesis.docx");
    let assert = backlog()
        .args(["run", "--quiet", "--replications", "2", "--out"])
        .arg(&file)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with("error: ") && stderr.contains("is a file, not a folder"),
        "{stderr}"
    );
}

/// Names in `dir`, sorted.
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("listed")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A results folder always holds one run: writing it again replaces every file (no chart or
/// report of the earlier run stays), and a sweep written again keeps no point of the earlier one.
#[test]
fn a_results_folder_is_always_one_run() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("results");
    let run = |extra: &[&str]| {
        backlog()
            .args(["run", "--quiet", "-r", "2", "scenarios/deterministic.toml", "--out"])
            .arg(&out)
            .args(extra)
            .current_dir(project_root())
            .assert()
            .success();
    };
    run(&["--charts", "--report"]);
    assert!(names(&out).contains(&"report.html".to_owned()));
    run(&[]);
    assert_eq!(
        names(&out),
        [
            "daily.csv",
            "markers.csv",
            "replications.csv",
            "scenario.toml",
            "summary.csv",
            "summary.json",
            "waits.csv"
        ]
    );
    assert_eq!(names(dir.path()), ["results"], "nothing hidden is left beside it");
    let sweep = dir.path().join("sweep");
    let sweep_with = |values: &str| {
        backlog()
            .args(["sweep", "--quiet", "-r", "2", "scenarios/deterministic.toml"])
            .args([
                "--param",
                "ports.port.capacity.quota_per_day",
                "--values",
                values,
                "--out",
            ])
            .arg(&sweep)
            .current_dir(project_root())
            .assert()
            .success();
    };
    sweep_with("100,200,300");
    sweep_with("150");
    assert_eq!(
        names(&sweep),
        ["quota_per_day=150", "sweep.csv", "sweep.json", "sweep.png", "sweep.svg"]
    );
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_an_error() {
    let binary = assert_cmd::cargo::cargo_bin("backlog");
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' run --quiet --replications 2 --format csv | head -n 1",
            binary.display()
        ))
        .current_dir(project_root())
        .output()
        .expect("sh runs");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("# backlog"));
    assert!(
        output.stderr.is_empty(),
        "nothing on stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn resource_guards_refuse_before_running() {
    let assert = backlog()
        .args(["run", "--quiet", "--max-people", "1000"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("people per replication") && stderr.contains("--max-people"),
        "{stderr}"
    );
    let assert = backlog()
        .args(["run", "--quiet", "--max-memory", "1M"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("GiB of memory") && stderr.contains("--max-memory"),
        "{stderr}"
    );
    backlog()
        .args(["run", "--quiet", "--max-memory", "lots"])
        .assert()
        .code(2);
}
