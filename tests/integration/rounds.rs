//! Searches in rounds (`target` and `fit` with `--rounds DIR`, each round in shards): driven
//! round by round as a batch system would, the coordinator's results are the unsharded
//! search's, byte for byte; a coordinator before every round is in exits with code 3, and a
//! rounds folder of another search is refused.

use crate::cli::{backlog, project_root};
use std::path::Path;
use std::process::Output;

/// `backlog ARGS` in `dir`.
fn run(dir: &Path, args: &[&str]) -> Output {
    backlog().current_dir(dir).args(args).output().expect("backlog runs")
}

/// Drives the search `search` in `shards` shards over the rounds folder `rounds` as
/// deploy/slurm/search.sh does (every shard of a round, in a shuffled order, then the
/// coordinator), until the coordinator gives the results (with `out` added); returns its
/// standard output and the rounds it took.
fn drive(dir: &Path, search: &[&str], shards: u32, rounds: &str, out: &[&str]) -> (Vec<u8>, u32) {
    for round in 1..=100 {
        let mut order: Vec<u32> = (0..shards).collect();
        order.rotate_left(round as usize % shards as usize);
        order.reverse();
        for k in order {
            let shard = format!("{k}/{shards}");
            let output = run(dir, &[search, &["--rounds", rounds, "--shard", &shard]].concat());
            assert!(
                output.status.success(),
                "shard {shard}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let said = String::from_utf8_lossy(&output.stdout);
            assert!(said.contains("round") || said.contains("every round"), "{said}");
        }
        let output = run(dir, &[search, &["--rounds", rounds], out].concat());
        match output.status.code() {
            Some(0) => return (output.stdout, round),
            Some(3) => assert!(String::from_utf8_lossy(&output.stderr).contains("waits for")),
            code => panic!("{code:?}: {}", String::from_utf8_lossy(&output.stderr)),
        }
    }
    panic!("the search did not end in 100 rounds");
}

const TARGET: [&str; 12] = [
    "target",
    "deterministic",
    "--param",
    "ports.port.capacity.quota_per_day",
    "--metric",
    "wait_mean",
    "--at-most",
    "5",
    "-r",
    "4",
    "-q",
    "--format=json",
];

/// A target search in rounds of 1, 3 and 7 shards gives the unsharded answer, byte for byte.
#[test]
fn a_target_search_in_rounds_gives_the_unsharded_answer() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let whole = run(dir.path(), &TARGET);
    assert!(whole.status.success());
    for shards in [1, 3, 7] {
        let rounds = format!("rounds-{shards}");
        let (merged, driven) = drive(dir.path(), &TARGET, shards, &rounds, &[]);
        assert_eq!(
            String::from_utf8_lossy(&merged),
            String::from_utf8_lossy(&whole.stdout),
            "{shards} shards"
        );
        if shards == 1 {
            assert_eq!(driven, 1, "one shard runs every round at once");
        }
    }
}

/// A fit in rounds of 2 shards writes the unsharded fit's folder, byte for byte.
#[test]
fn a_fit_in_rounds_gives_the_unsharded_fit() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let observed = project_root().join("scenarios/observed/juarez-2019.csv");
    let observed = observed.to_str().expect("a path");
    let fit = [
        "fit",
        "juarez-2019",
        "--observed",
        observed,
        "--param",
        "streams.registrations.people_per_day",
        "--range",
        "30:90",
        "-r",
        "4",
        "-q",
        "--max-evals",
        "24",
    ];
    let whole = run(dir.path(), &[&fit[..], &["--out", "whole"]].concat());
    assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
    let (merged, _) = drive(dir.path(), &fit, 2, "rounds", &["--out", "merged"]);
    assert_eq!(merged, whole.stdout);
    for file in std::fs::read_dir(dir.path().join("whole")).expect("a folder") {
        let name = file.expect("a file").file_name();
        assert!(
            std::fs::read(dir.path().join("whole").join(&name)).ok()
                == std::fs::read(dir.path().join("merged").join(&name)).ok(),
            "{name:?} differs"
        );
    }
    // A shard does not write the results.
    let output = run(
        dir.path(),
        &[&fit[..], &["--rounds", "rounds", "--shard", "0/2", "--out", "x"]].concat(),
    );
    assert_eq!(output.status.code(), Some(2));
}

/// The coordinator before any shard, and a rounds folder of another search or another number
/// of shards.
#[test]
fn rounds_of_another_search_are_refused() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let early = run(dir.path(), &[&TARGET[..], &["--rounds", "rounds"]].concat());
    assert_eq!(early.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&early.stderr).contains("no round of the search has run"));
    let first = run(
        dir.path(),
        &[&TARGET[..], &["--rounds", "rounds", "--shard", "0/2"]].concat(),
    );
    assert!(first.status.success());
    let other_goal: Vec<&str> = TARGET
        .iter()
        .map(|&word| if word == "5" { "6" } else { word })
        .collect();
    let other = run(
        dir.path(),
        &[&other_goal[..], &["--rounds", "rounds", "--shard", "1/2"]].concat(),
    );
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("another search"));
    let split = run(
        dir.path(),
        &[&TARGET[..], &["--rounds", "rounds", "--shard", "1/3"]].concat(),
    );
    assert_eq!(split.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&split.stderr).contains("split in 2 shards, not 3"));
    let fit = run(
        dir.path(),
        &[
            "fit",
            "deterministic",
            "--observed",
            "none.csv",
            "--param",
            "ports.port.capacity.quota_per_day",
            "--range",
            "5:20",
            "--rounds",
            "rounds",
        ],
    );
    assert_eq!(fit.status.code(), Some(2));
}
