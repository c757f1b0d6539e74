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
    let one_thread: serde_json::Value = serde_json::from_str(&run("auto", "1")).expect("JSON");
    assert_eq!(direct, one_thread);
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

/// Every command whose `--help` ends with examples and the exit codes (a unit test in
/// src/cli/docs.rs checks that no command is missing from the command line's definitions).
const COMMANDS: [&str; 14] = [
    "",
    "run",
    "merge",
    "check",
    "sweep",
    "compare",
    "target",
    "fit",
    "chart",
    "report",
    "scenarios",
    "scenarios show",
    "completions",
    "man",
];

/// Commands that simulate: their examples run here with 2 replications, to stay quick.
const SIMULATING: [&str; 5] = ["run", "sweep", "compare", "target", "fit"];

fn help_of(command: &str) -> String {
    let mut args: Vec<&str> = command.split_whitespace().collect();
    args.push("--help");
    stdout_of(backlog().args(&args))
}

#[test]
fn every_help_ends_with_examples_and_exit_codes() {
    for command in COMMANDS {
        let help = help_of(command);
        assert!(help.contains("\nExamples:\n  "), "`{command} --help`:\n{help}");
        let codes = help
            .find("\nExit codes:\n")
            .unwrap_or_else(|| panic!("`{command} --help`:\n{help}"));
        assert!(help.find("\nExamples:\n").is_some_and(|examples| examples < codes));
        for code in [
            "  0    success",
            "  1    failure while running",
            "  2    bad input",
            "  3    a search run in rounds",
            "  130  interrupted by Ctrl-C",
        ] {
            assert!(help[codes..].contains(code), "`{command} --help` lacks {code}");
        }
        // `-h` stays short and says where they are.
        let mut args: Vec<&str> = command.split_whitespace().collect();
        args.push("-h");
        let short = stdout_of(backlog().args(&args));
        assert!(short.contains("Examples and exit codes: --help"), "{short}");
    }
    insta::assert_snapshot!("run_help", help_of("run"));
}

/// Every `backlog …` line of every `--help` runs and succeeds, in a folder of its own (with a
/// copy of scenarios/observed/, which the fit example reads), in order, so that later lines
/// may use what earlier ones wrote; `> FILE` sends standard output to FILE. Simulating
/// commands run 2 replications.
#[test]
fn every_example_in_the_help_works() {
    let mut ran = 0;
    for command in COMMANDS {
        let dir = tempfile::tempdir().expect("temporary folder");
        let observed = dir.path().join("scenarios/observed");
        std::fs::create_dir_all(&observed).expect("folder");
        for entry in std::fs::read_dir(project_root().join("scenarios/observed")).expect("observed") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, observed.join(path.file_name().expect("name"))).expect("copied");
        }
        for line in help_of(command)
            .lines()
            .map(str::trim)
            .filter(|line| line.starts_with("backlog "))
        {
            let (line, to_file) = match line.split_once(" > ") {
                Some((line, file)) => (line, Some(file.trim())),
                None => (line, None),
            };
            let mut words: Vec<String> = line.split_whitespace().skip(1).map(str::to_owned).collect();
            if SIMULATING.contains(&words[0].as_str()) && !words.iter().any(|word| word == "--help") {
                match words.iter().position(|word| word == "-r") {
                    Some(i) => words[i + 1] = "2".to_owned(),
                    None => words.extend(["-r".to_owned(), "2".to_owned()]),
                }
            }
            let mut run = Command::cargo_bin("backlog").expect("the backlog binary is built");
            let output = run.current_dir(dir.path()).args(&words).output().expect("backlog runs");
            assert!(
                output.status.success(),
                "`{line}` (from `{command} --help`) failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            if let Some(file) = to_file {
                let file = dir.path().join(file);
                std::fs::create_dir_all(file.parent().expect("a folder")).expect("folder");
                std::fs::write(file, &output.stdout).expect("written");
            }
            ran += 1;
        }
    }
    assert!(ran >= 30, "{ran} examples");
}

/// The man pages in docs/man are those the program makes.
#[test]
fn the_committed_man_pages_are_current() {
    let dir = tempfile::tempdir().expect("temporary folder");
    backlog().args(["man", "--out"]).arg(dir.path()).assert().success();
    let names = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let committed = project_root().join("docs/man");
    let regenerate = "the man pages in docs/man are out of date: regenerate them with `cargo run -- man --out docs/man` (and delete pages of commands that are gone)";
    assert_eq!(names(&committed), names(dir.path()), "{regenerate}");
    for name in names(dir.path()) {
        let made = std::fs::read(dir.path().join(&name)).expect("made");
        let kept = std::fs::read(committed.join(&name)).expect("committed");
        assert!(made == kept, "{name}: {regenerate}");
    }
    // `backlog man` prints the top page, `backlog man run` that of run.
    let top = stdout_of(backlog().arg("man"));
    assert_eq!(
        top.as_bytes(),
        std::fs::read(committed.join("backlog.1")).expect("page")
    );
    let run = stdout_of(backlog().args(["man", "run"]));
    assert_eq!(
        run.as_bytes(),
        std::fs::read(committed.join("backlog-run.1")).expect("page")
    );
    backlog()
        .args(["man", "runn"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the commands are"));
}

#[test]
fn completions_are_printed_for_every_shell() {
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef backlog"),
        ("fish", "complete -c backlog"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion"),
    ] {
        let script = stdout_of(backlog().args(["completions", shell]));
        assert!(script.contains(mark), "{shell}: {script}");
        assert!(
            script.contains("scenarios") && script.contains("replications"),
            "{shell}"
        );
    }
    backlog().args(["completions", "tcsh"]).assert().code(2);
}

/// The scenarios of scenarios/, as `backlog scenarios` lists them and `show` prints them.
fn shipped() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(project_root().join("scenarios"))
        .expect("scenarios/")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| path.file_stem().expect("stem").to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn built_in_scenarios_are_listed_and_shown_as_shipped() {
    let list = stdout_of(backlog().arg("scenarios"));
    for name in shipped() {
        assert!(list.contains(&format!("\n{name} ")), "{name} in:\n{list}");
        let shown = backlog().args(["scenarios", "show", &name]).output().expect("runs");
        assert!(shown.status.success());
        let file = std::fs::read(project_root().join(format!("scenarios/{name}.toml"))).expect("file");
        assert!(shown.stdout == file, "{name} is shown byte for byte");
    }
    assert!(list.contains("Tijuana 2018 caravan") && list.contains("how long the list takes to clear"));
    // The CSV files a built-in scenario reads are shown as shipped too, and named when it is.
    let shown = backlog()
        .args(["scenarios", "show", "data/example-trace.csv"])
        .output()
        .expect("runs");
    let file = std::fs::read(project_root().join("scenarios/data/example-trace.csv")).expect("file");
    assert!(shown.status.success() && shown.stdout == file);
    backlog()
        .args(["scenarios", "show", "csv-inputs"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "`mkdir -p data`, then `backlog scenarios show data/example-trace.csv > data/example-trace.csv`",
        ));
    backlog()
        .args(["scenarios", "show", "tijuana-2019"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("did you mean `tijuana-2018`?"));
}

/// A built-in scenario runs by name anywhere, from its built-in bytes (its CSV files too); its
/// results name it, with the SHA-256 of those bytes.
#[test]
fn built_in_scenarios_run_by_name_without_the_files() {
    use sha2::Digest;
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("results");
    let mut run = Command::cargo_bin("backlog").expect("built");
    run.current_dir(dir.path())
        .args(["run", "csv-inputs", "-q", "-r", "2", "--out", "results"])
        .assert()
        .success()
        .stdout(predicate::str::contains("CSV inputs (built-in scenario csv-inputs)"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).expect("manifest")).expect("JSON");
    let bytes = std::fs::read(project_root().join("scenarios/csv-inputs.toml")).expect("file");
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(manifest["provenance"]["built_in"], "csv-inputs");
    assert_eq!(manifest["provenance"]["scenario_sha256"], sha.as_str());
    // Every command that takes a scenario takes a name (a folder of that name, such as an
    // --out folder, does not hide it).
    std::fs::create_dir(dir.path().join("title42-exceptions-2021")).expect("folder");
    for args in [
        vec!["check", "title42-exceptions-2021"],
        vec![
            "sweep",
            "deterministic",
            "-q",
            "-r",
            "1",
            "--param",
            "ports.port.capacity.quota_per_day",
            "--values",
            "50,100",
        ],
        vec![
            "compare",
            "deterministic",
            "scenarios/deterministic.toml",
            "-q",
            "-r",
            "1",
        ],
        vec![
            "target",
            "deterministic",
            "-q",
            "-r",
            "1",
            "--param",
            "ports.port.capacity.quota_per_day",
            "--metric",
            "wait_p90",
            "--at-most",
            "8.5",
            "--range",
            "50:150",
        ],
    ] {
        let mut command = Command::cargo_bin("backlog").expect("built");
        std::fs::create_dir_all(dir.path().join("scenarios")).expect("folder");
        std::fs::write(
            dir.path().join("scenarios/deterministic.toml"),
            std::fs::read(project_root().join("scenarios/deterministic.toml")).expect("file"),
        )
        .expect("copied");
        let output = command.current_dir(dir.path()).args(&args).output().expect("runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // A file of that name wins.
    std::fs::write(
        dir.path().join("mmc"),
        std::fs::read(project_root().join("scenarios/deterministic.toml")).expect("file"),
    )
    .expect("written");
    let mut run = Command::cargo_bin("backlog").expect("built");
    run.current_dir(dir.path())
        .args(["check", "mmc"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Deterministic check"));
}

/// A missing scenario close to a built-in name or to a file of scenarios/ gets a "did you
/// mean"; exit code 2, before anything runs.
#[test]
fn near_misses_of_scenario_names_are_suggested() {
    for (argument, suggestion) in [
        ("tijuana_2018", "did you mean the built-in scenario `tijuana-2018`?"),
        ("tijuna-2018", "did you mean the built-in scenario `tijuana-2018`?"),
        (
            "scenarios/tijuna-2018.toml",
            "did you mean `scenarios/tijuana-2018.toml`?",
        ),
        ("tijuana_2018.toml", "did you mean `scenarios/tijuana-2018.toml`?"),
    ] {
        backlog()
            .args(["run", "-q", argument])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "the scenario file `{argument}` does not exist"
            )))
            .stderr(predicate::str::contains(suggestion));
    }
}

/// `target` searches a parameter that is a whole number in the scenario over whole numbers,
/// even over a range narrower than 10: the deterministic list (1,000 people) has its p90 wait
/// within 4 days from 180 a day on (the 900th person waits floor(899 / quota) days).
#[test]
fn target_searches_whole_numbers_for_a_whole_parameter() {
    let text = stdout_of(backlog().args([
        "target",
        "scenarios/deterministic.toml",
        "-q",
        "-r",
        "1",
        "--param",
        "ports.port.capacity.quota_per_day",
        "--metric",
        "wait_p90",
        "--at-most",
        "4.5",
        "--range",
        "175:185",
        "--format",
        "json",
    ]));
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["answer"], 180.0);
    assert_eq!(json["range"]["step"], 1.0);
    for evaluation in json["evaluations"].as_array().expect("evaluations") {
        let value = evaluation["value"].as_f64().expect("value");
        assert_eq!(value.fract(), 0.0, "{value} is whole");
    }
    backlog()
        .args([
            "target",
            "scenarios/deterministic.toml",
            "-q",
            "--param",
            "ports.port.capacity.quota_per_day",
        ])
        .args([
            "--metric",
            "wait_p90",
            "--at-most",
            "4.5",
            "--range",
            "175:185",
            "--step",
            "0.5",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a whole number in the scenario"));
}
