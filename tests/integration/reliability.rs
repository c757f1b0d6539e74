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
    let observed = dir.path().join("observed.csv");
    std::fs::write(&observed, "day,scope,series,value,source\n5,all,on_list,100,a count\n").expect("written");
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
        vec![
            os("fit"),
            s,
            os("--observed"),
            observed.as_os_str(),
            os("--param"),
            os("streams.arrivals.people_per_day"),
            os("--range"),
            os("50000:150000"),
            os("--out"),
            o,
        ],
    ];
    for args in commands {
        let (code, took) = interrupt_after(&args, "note:");
        assert_eq!(code, Some(130), "{args:?}");
        // Simulations look at the cancel token every 65,536 events: they stop well within the
        // two-second grace period that would stop them otherwise.
        assert!(took < Duration::from_millis(1500), "{args:?} took {took:?} to stop");
        assert!(!out.exists(), "{args:?}: nothing is written after Ctrl-C");
        assert_eq!(
            names(dir.path()),
            ["endless.toml", "observed.csv"],
            "{args:?}: nothing hidden is left"
        );
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
    assert_eq!(names(dir.path()), ["endless.toml", "observed.csv", "out"]);
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
            "manifest.json",
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
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("scope,name,metric,"));
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

/// Runs `backlog ARGS` and returns its peak resident memory in bytes, as it reports it (the
/// `VmHWM` of its own address space: a child's `ru_maxrss` would count the test process it was
/// forked from).
#[cfg(target_os = "linux")]
fn peak_memory(args: &[&std::ffi::OsStr]) -> f64 {
    let report = tempfile::NamedTempFile::new().expect("temporary file");
    let status = Command::new(assert_cmd::cargo::cargo_bin("backlog"))
        .args(args)
        .env("BACKLOG_PEAK_MEMORY_FILE", report.path())
        .current_dir(project_root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("backlog runs");
    assert!(status.success(), "{args:?} failed");
    std::fs::read_to_string(report.path())
        .expect("the report")
        .trim()
        .parse()
        .expect("a number of bytes")
}

/// The memory estimate is an upper bound: for a family of scenarios, each stressing one part
/// of what a run holds (a large list, many streams, many classes, a long run, many
/// replications written out, a trace, many ports with per-day capacities), the peak memory
/// measured is below the estimate the guard checks.
#[cfg(target_os = "linux")]
#[test]
fn peak_memory_stays_below_the_estimate() {
    use backlog::{RunOptions, Scenario};
    let dir = tempfile::tempdir().expect("temporary folder");
    let run = "schema = 1\n[run]\nname = \"memory\"\nseed = 1\n";
    let quota =
        |name: &str| format!("[[ports]]\nname = \"{name}\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 100\n");
    let poisson = |name: &str, port: &str, rate: f64, extra: &str| {
        format!(
            "[[streams]]\nname = \"{name}\"\nport = \"{port}\"\nkind = \"poisson\"\npeople_per_day = {rate}\n{extra}"
        )
    };
    let mut cases: Vec<(&str, String, u32, bool, bool)> = Vec::new();
    cases.push((
        "a large list",
        format!(
            "{run}horizon_days = 20\n{}[[streams]]\nname = \"list\"\nport = \"p\"\nkind = \"backlog\"\npeople = 800000\n\
             waited_days = {{ dist = \"uniform\", min = 0, max = 200 }}\n",
            quota("p")
        ),
        2,
        false,
        false,
    ));
    let many_streams: String = (0..3000).map(|i| poisson(&format!("s{i}"), "p", 2.0, "")).collect();
    cases.push((
        "many streams",
        format!("{run}horizon_days = 30\n{}{many_streams}", quota("p")),
        2,
        false,
        false,
    ));
    let classes: String = (0..200).map(|i| format!("[[classes]]\nname = \"c{i}\"\n")).collect();
    let mix: Vec<String> = (0..200).map(|i| format!("c{i} = 0.005")).collect();
    cases.push((
        "many classes",
        format!(
            "{run}horizon_days = 200\n{classes}{}{}",
            quota("p").replace("[ports.capacity]", "discipline = \"priority\"\n[ports.capacity]"),
            poisson(
                "s",
                "p",
                120.0,
                &format!("class_mix = {{ {} }}\npatience_days = 300\n", mix.join(", "))
            )
        ),
        4,
        false,
        false,
    ));
    cases.push((
        "a long run",
        format!(
            "{run}horizon_days = 100000\n{}{}",
            quota("p"),
            poisson("s", "p", 90.0, "")
        ),
        2,
        false,
        false,
    ));
    cases.push((
        "many replications written out",
        format!("{run}horizon_days = 365\n{}{}", quota("p"), poisson("s", "p", 90.0, "")),
        1000,
        true,
        false,
    ));
    cases.push((
        "a trace",
        format!(
            "{run}horizon_days = 10\n{}[[streams]]\nname = \"list\"\nport = \"p\"\nkind = \"backlog\"\npeople = 400000\n",
            quota("p")
        ),
        1,
        false,
        true,
    ));
    let ports: String = (0..40)
        .map(|i| quota(&format!("p{i}")) + "weekdays = [\"mon\", \"wed\", \"fri\"]\n")
        .collect();
    cases.push((
        "many ports with per-day capacities",
        format!("{run}horizon_days = 200000\n{ports}{}", poisson("s", "p0", 10.0, "")),
        2,
        false,
        false,
    ));
    for (what, text, replications, out, trace) in cases {
        let path = dir.path().join("memory.toml");
        std::fs::write(&path, &text).expect("written");
        let model = Scenario::from_text("memory.toml", text.as_str())
            .load()
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let estimate = backlog::estimate(&model, &RunOptions::new().replications(replications).threads(2));
        let r = replications.to_string();
        let out_dir = dir.path().join("out");
        let trace_file = dir.path().join("trace.csv");
        let flags = ["run", "--quiet", "-j", "2", "--max-memory", "1T", "-r", r.as_str()];
        let mut args: Vec<&std::ffi::OsStr> = flags.iter().map(std::ffi::OsStr::new).collect();
        args.push(path.as_os_str());
        if out {
            args.extend([
                std::ffi::OsStr::new("--force"),
                std::ffi::OsStr::new("--out"),
                out_dir.as_os_str(),
            ]);
        }
        if trace {
            args.extend([std::ffi::OsStr::new("--trace"), trace_file.as_os_str()]);
        }
        let peak = peak_memory(&args);
        eprintln!(
            "{what}: peak {:.0} MiB, estimate {:.0} MiB",
            peak / 1048576.0,
            estimate.memory_bytes / 1048576.0
        );
        assert!(
            peak <= estimate.memory_bytes,
            "{what}: peak {peak} bytes above the estimate {}",
            estimate.memory_bytes
        );
    }
}

/// Output paths: a trace into the `--out` folder is written after it, a device is written
/// through and never replaced (`/dev/full` fails with exit 1 and stays a device), and an
/// output path that cannot be written is known before anything runs.
#[cfg(unix)]
#[test]
fn output_paths_are_checked_first_and_devices_are_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("new");
    backlog()
        .args(["run", "--quiet", "-r", "2", "scenarios/deterministic.toml", "--out"])
        .arg(&out)
        .arg("--trace")
        .arg(out.join("trace.csv"))
        .current_dir(project_root())
        .assert()
        .success();
    assert!(out.join("trace.csv").is_file() && out.join("summary.json").is_file());
    if std::path::Path::new("/dev/full").exists() {
        let assert = backlog()
            .args([
                "run",
                "--quiet",
                "-r",
                "2",
                "scenarios/deterministic.toml",
                "--trace",
                "/dev/full",
            ])
            .current_dir(project_root())
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(stderr.starts_with("error: cannot write /dev/full"), "{stderr}");
        let kind = std::fs::metadata("/dev/full").expect("still there").file_type();
        assert!(kind.is_char_device(), "/dev/full is still a device");
    }
    let assert = backlog()
        .args(["run", "--quiet", "--trace"])
        .arg(dir.path().join("missing/trace.csv"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("is in a folder that does not exist"), "{stderr}");
}
