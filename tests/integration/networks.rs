//! Network scenarios (tests/networks/): valid, and refused by every command with exit code 2
//! until the engine simulates networks, without writing any output.

use crate::cli::backlog;

/// Each example network passes validation and is then refused by `run` and `check`, at its
/// first network key, with what was validated.
#[test]
fn valid_networks_are_refused_as_not_simulated_yet() {
    let out = tempfile::tempdir().expect("temporary folder");
    let results = out.path().join("results");
    for file in ["tests/networks/port-to-court.toml"] {
        for command in ["run", "check"] {
            let mut cmd = backlog();
            cmd.arg(command).arg(file);
            if command == "run" {
                cmd.args(["--quiet", "--out"]).arg(&results);
            }
            let output = cmd.output().expect("backlog runs");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{command} {file}: {stderr}");
            assert!(output.stdout.is_empty(), "nothing on stdout: {command} {file}");
            assert!(
                stderr.starts_with("error: this scenario is a network (it has a [network] table), which backlog validates but does not simulate yet"),
                "{stderr}"
            );
            assert!(
                stderr.contains(&format!("{file}:12:1")),
                "points at [network]: {stderr}"
            );
            assert!(stderr.contains("the network is valid"), "{stderr}");
            assert!(
                stderr.contains("stream `arrivals` chooses between tijuana, mexicali by logit"),
                "{stderr}"
            );
        }
    }
    assert!(!results.exists(), "no output folder is written");
}

/// Sweeps and comparisons load scenarios the same way, so they refuse networks too.
#[test]
fn sweeps_and_comparisons_refuse_networks_too() {
    let file = "tests/networks/port-to-court.toml";
    let sweep = backlog()
        .args([
            "sweep",
            file,
            "--param",
            "run.seed",
            "--values",
            "1,2",
            "--replications",
            "1",
            "--quiet",
        ])
        .output()
        .expect("backlog runs");
    let compare = backlog()
        .args([
            "compare",
            file,
            "scenarios/deterministic.toml",
            "--replications",
            "1",
            "--quiet",
        ])
        .output()
        .expect("backlog runs");
    for output in [sweep, compare] {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("validates but does not simulate yet"), "{stderr}");
    }
}
