//! Guarantees of docs/reliability.md: Ctrl-C, refusing foreign output folders, broken pipes.

use crate::cli::{backlog, project_root};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A scenario that runs for minutes unless stopped: M/M/5 over two million days.
const LONG_RUN: &str = r#"schema = 1
[run]
name = "long"
horizon_days = 2000000
seed = 1
replications = 1
[[ports]]
name = "office"
[ports.capacity]
kind = "officers"
officers = 5
service_days = { dist = "exponential", mean = 1.0 }
[[streams]]
name = "arrivals"
port = "office"
kind = "poisson"
people_per_day = 4.5
"#;

#[cfg(unix)]
#[test]
fn ctrl_c_stops_promptly_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let scenario = dir.path().join("long.toml");
    std::fs::write(&scenario, LONG_RUN).expect("scenario written");
    let out = dir.path().join("results");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("backlog"))
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&scenario)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("backlog starts");
    std::thread::sleep(Duration::from_millis(500));
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
    let status = loop {
        if let Some(status) = child.try_wait().expect("status") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("backlog did not stop within 20 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    assert!(!out.exists(), "nothing is written after Ctrl-C");
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
    backlog()
        .args(["run", "--quiet", "--replications", "2", "--force", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("thesis.docx")).ok().as_deref(),
        Some("precious")
    );
    // A folder holding a previous run is reused without --force.
    backlog()
        .args(["run", "--quiet", "--replications", "2", "--out"])
        .arg(dir.path())
        .assert()
        .success();
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
