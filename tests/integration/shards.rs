//! Sharded runs (`run --shard K/N`, `backlog merge`): for every shipped scenario and N of 1, 2,
//! 3 and 7, the shards merged in a shuffled order give the unsharded run's results folder byte
//! for byte; mixed, missing, duplicate and corrupt shards are refused with exit code 2. The same
//! for a sweep (`sweep --shard K/N`) and a comparison (`compare --shard K/N`): the merged folder
//! is the unsharded one.

use crate::cli::{backlog, project_root};
use assert_cmd::Command;
use backlog::analysis::compare::{merge_compare_shards, plan_shard as plan_compare_shard};
use backlog::analysis::sweep::{merge_sweep_shards, plan, plan_shard};
use backlog::analysis::{CompareRequest, Param, SweepRequest, Values};
use backlog::{Change, Limits, RunOptions, Scenario, Shard, merge_shards, simulate, simulate_shard};
use std::path::Path;

/// Every file of the folder `dir` (and of its subfolders), by path, sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.strip_prefix(dir).expect("inside").display().to_string();
                files.push((name, std::fs::read(&path).expect("readable")));
            }
        }
    }
    files.sort();
    files
}

/// Asserts that the folders `a` and `b` hold the same files with the same bytes.
fn assert_same_folders(a: &Path, b: &Path, what: &str) {
    let (a, b) = (files(a), files(b));
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|(name, _)| name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{what}: the same files");
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{what}: {name} differs");
    }
}

/// Puts shard folders named `…-K` in a shuffled order: every second one first, then the rest
/// backwards.
fn shuffle(shards: &mut [std::path::PathBuf]) {
    shards.sort_by_key(|folder| {
        let k: usize = folder
            .to_string_lossy()
            .rsplit('-')
            .next()
            .and_then(|k| k.parse().ok())
            .expect("K");
        (k % 2, std::cmp::Reverse(k))
    });
}

/// Runs `replications` replications of `scenario` (with `horizon_days` days) unsharded and in
/// N shards for N of 1, 2, 3 and 7, through the library and shard folders, and compares the
/// results folders. With fewer than 7 replications, some of the 7 shards are empty.
fn merges_exactly(scenario: &str, replications: u32, horizon_days: Option<u32>) {
    let path = project_root().join("scenarios").join(scenario);
    let changes: Vec<Change> = horizon_days
        .map(|days| Change::parse(&format!("run.horizon_days={days}")).expect("a change"))
        .into_iter()
        .collect();
    let model = Scenario::open(&path, &Limits::default())
        .and_then(|scenario| scenario.load_with(&changes))
        .expect("a shipped scenario");
    let options = RunOptions::new().replications(replications);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let whole = dir.path().join("whole");
    simulate(&model, &options)
        .expect("runs")
        .write_folder(&whole)
        .expect("written");
    for count in [1, 2, 3, 7] {
        let mut shards: Vec<_> = (0..count)
            .map(|k| {
                let state = simulate_shard(&model, Shard::new(k, count).expect("a shard"), &options).expect("runs");
                let folder = dir.path().join(format!("{count}-{k}"));
                state.write_folder(&folder, false).expect("written");
                folder
            })
            .collect();
        shuffle(&mut shards);
        let merged = dir.path().join(format!("merged-{count}"));
        merge_shards(&shards)
            .expect("merges")
            .write_folder(&merged)
            .expect("written");
        assert_same_folders(&whole, &merged, &format!("{scenario} in {count} shards"));
    }
}

#[test]
fn border_2019_merges_exactly() {
    merges_exactly("border-2019.toml", 7, Some(45));
}

/// One replication over three days (a court day among them): building the 2.8 million pending
/// cases alone takes about 18 s a replication in a debug build.
#[test]
fn court_2024_merges_exactly() {
    merges_exactly("court-2024.toml", 1, Some(3));
}

#[test]
fn cbp_one_2023_merges_exactly() {
    merges_exactly("cbp-one-2023.toml", 3, Some(10));
}

#[test]
fn csv_inputs_merges_exactly() {
    merges_exactly("csv-inputs.toml", 7, None);
}

#[test]
fn deterministic_merges_exactly() {
    merges_exactly("deterministic.toml", 7, None);
}

#[test]
fn juarez_2019_merges_exactly() {
    merges_exactly("juarez-2019.toml", 7, Some(60));
}

#[test]
fn mpp_2019_merges_exactly() {
    merges_exactly("mpp-2019.toml", 4, Some(60));
}

#[test]
fn mmc_merges_exactly() {
    merges_exactly("mmc.toml", 7, Some(700));
}

#[test]
fn policy_what_if_merges_exactly() {
    merges_exactly("policy-what-if.toml", 7, Some(60));
}

#[test]
fn tijuana_2018_merges_exactly() {
    merges_exactly("tijuana-2018.toml", 7, Some(60));
}

#[test]
fn tijuana_mpp_2019_merges_exactly() {
    merges_exactly("tijuana-mpp-2019.toml", 7, Some(45));
}

#[test]
fn title42_exceptions_2021_merges_exactly() {
    merges_exactly("title42-exceptions-2021.toml", 4, Some(30));
}

/// Every shipped scenario has its test above.
#[test]
fn every_shipped_scenario_is_merged() {
    let source = include_str!("shards.rs");
    for entry in std::fs::read_dir(project_root().join("scenarios")).expect("scenarios/") {
        let name = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") {
            assert!(
                source.contains(&format!("merges_exactly(\"{name}\"")),
                "{name} has no shard test"
            );
        }
    }
}

fn in_dir(dir: &Path) -> Command {
    let mut command = backlog();
    command.current_dir(dir);
    command
}

/// `backlog ARGS` in `dir`, which must succeed.
fn ok(dir: &Path, args: &[&str]) {
    let output = in_dir(dir).args(args).output().expect("backlog runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `backlog merge ARGS` in `dir`, which must be refused with exit code 2 and no output folder;
/// returns its message.
fn refused(dir: &Path, shards: &[&str]) -> String {
    let output = in_dir(dir)
        .arg("merge")
        .args(shards)
        .args(["--out", "results"])
        .output()
        .expect("backlog runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{shards:?}: {stderr}");
    assert!(!dir.join("results").exists(), "nothing is written");
    crate::common::assert_no_temporary_files(dir);
    stderr
}

/// The command line end to end, with the charts and the report: a run and its three shards
/// merged in another order write the same folder.
#[test]
fn the_command_line_merges_charts_and_report_exactly() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = ["run", "tijuana-2018", "-r", "5", "--horizon-days", "60", "-q"];
    ok(
        dir.path(),
        &[&run[..], &["--out", "whole", "--charts", "--report"]].concat(),
    );
    for k in 0..3 {
        let (shard, out) = (format!("{k}/3"), format!("shards/{k}"));
        ok(dir.path(), &[&run[..], &["--shard", &shard, "--out", &out]].concat());
    }
    ok(
        dir.path(),
        &[
            "merge", "shards/2", "shards/0", "shards/1", "--out", "merged", "--charts", "--report", "-q",
        ],
    );
    assert_same_folders(
        &dir.path().join("whole"),
        &dir.path().join("merged"),
        "merge --charts --report",
    );
}

#[test]
fn bad_shards_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for shard in ["3/3", "0/0", "a/b", "1"] {
        let output = in_dir(dir.path())
            .args(["run", "deterministic", "--shard", shard, "--out", "s"])
            .output()
            .expect("backlog runs");
        assert_eq!(output.status.code(), Some(2), "{shard}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(&format!("--shard `{shard}`")));
    }
    let output = in_dir(dir.path())
        .args(["run", "deterministic", "--shard", "0/2"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("shard_needs_out", String::from_utf8_lossy(&output.stderr));
    assert!(
        std::fs::read_dir(dir.path()).expect("folder").next().is_none(),
        "nothing written"
    );
}

#[test]
fn mixed_missing_duplicate_and_corrupt_shards_are_refused() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = ["run", "deterministic", "-r", "4", "-q"];
    ok(dir.path(), &[&run[..], &["--shard", "0/2", "--out", "a0"]].concat());
    ok(dir.path(), &[&run[..], &["--shard", "1/2", "--out", "a1"]].concat());
    ok(
        dir.path(),
        &[&run[..], &["--seed", "9", "--shard", "1/2", "--out", "seed"]].concat(),
    );
    ok(
        dir.path(),
        &[
            &run[..],
            &["--set", "run.horizon_days=10", "--shard", "1/2", "--out", "changed"],
        ]
        .concat(),
    );
    ok(
        dir.path(),
        &["run", "csv-inputs", "-r", "4", "-q", "--shard", "1/2", "--out", "other"],
    );
    ok(dir.path(), &[&run[..], &["--shard", "1/3", "--out", "three"]].concat());
    insta::assert_snapshot!("merge_missing", refused(dir.path(), &["a1"]));
    insta::assert_snapshot!("merge_duplicate", refused(dir.path(), &["a0", "a1", "a0"]));
    insta::assert_snapshot!("merge_mixed_seed", refused(dir.path(), &["a0", "seed"]));
    insta::assert_snapshot!("merge_mixed_changes", refused(dir.path(), &["a0", "changed"]));
    insta::assert_snapshot!("merge_mixed_scenario", refused(dir.path(), &["a0", "other"]));
    insta::assert_snapshot!("merge_mixed_count", refused(dir.path(), &["a0", "three"]));
    insta::assert_snapshot!("merge_not_a_shard", refused(dir.path(), &["a0", "nowhere"]));

    let copy = |name: &str| {
        let to = dir.path().join(name);
        std::fs::create_dir(&to).expect("folder");
        for file in ["shard.json", "state.json"] {
            std::fs::copy(dir.path().join("a1").join(file), to.join(file)).expect("copied");
        }
        to
    };
    let cut = copy("cut");
    let state = std::fs::read(cut.join("state.json")).expect("state");
    std::fs::write(cut.join("state.json"), &state[..state.len() / 2]).expect("cut");
    insta::assert_snapshot!("merge_truncated_state", refused(dir.path(), &["a0", "cut"]));
    let invalid = copy("invalid");
    std::fs::write(invalid.join("shard.json"), "{\"format\": \"backlog-shard\",").expect("written");
    insta::assert_snapshot!("merge_invalid_manifest", refused(dir.path(), &["a0", "invalid"]));
    let newer = copy("newer");
    let manifest = std::fs::read_to_string(newer.join("shard.json")).expect("manifest");
    let manifest = manifest.replace("\"shard_format_version\": 1,", "\"shard_format_version\": 99,");
    std::fs::write(newer.join("shard.json"), manifest).expect("written");
    insta::assert_snapshot!("merge_format_version", refused(dir.path(), &["a0", "newer"]));

    // The good pair still merges, and into the unsharded run's folder.
    ok(dir.path(), &["merge", "a1", "a0", "--out", "merged", "-q"]);
    ok(dir.path(), &[&run[..], &["--out", "whole"]].concat());
    assert_same_folders(&dir.path().join("whole"), &dir.path().join("merged"), "deterministic");
}

/// A sweep of policy-what-if over two quotas and two no-show shares (a grid of four points, one
/// port's metrics, a chart title of its own), unsharded and in N shards for N of 1, 2, 3 and 7
/// merged in a shuffled order: the same folder, every point's results folder, sweep.csv,
/// sweep.json and the chart, byte for byte. With 4 replications, some of the 7 shards are empty.
#[test]
fn a_sweep_merges_exactly() {
    let path = project_root().join("scenarios").join("policy-what-if.toml");
    let scenario = Scenario::open(&path, &Limits::default()).expect("a shipped scenario");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let request = |out: std::path::PathBuf| SweepRequest {
        changes: vec![Change::parse("run.horizon_days=20").expect("a change")],
        params: vec![
            Param {
                path: "ports.san_ysidro.capacity.quota_per_day".to_owned(),
                values: Values::List("60,150".to_owned()),
            },
            Param {
                path: "ports.san_ysidro.capacity.no_show_share".to_owned(),
                values: Values::Range("0:0.1:0.1".to_owned()),
            },
        ],
        port: Some("san_ysidro".to_owned()),
        out: Some(out),
        chart_metric: None,
        force: false,
        chart_text: backlog::analysis::sweep::ChartText {
            title: Some("Quota and no-shows".to_owned()),
            ..Default::default()
        },
    };
    let options = RunOptions::new().replications(4);
    let whole = dir.path().join("whole");
    plan(&scenario, request(whole.clone()))
        .and_then(|plan| plan.run(&options))
        .expect("the sweep runs");
    for count in [1, 2, 3, 7] {
        let mut shards: Vec<_> = (0..count)
            .map(|k| {
                let folder = dir.path().join(format!("{count}-{k}"));
                let shard = Shard::new(k, count).expect("a shard");
                plan_shard(&scenario, request(folder.clone()), shard)
                    .and_then(|plan| plan.run(&options))
                    .expect("the shard runs");
                folder
            })
            .collect();
        shuffle(&mut shards);
        let merged = dir.path().join(format!("merged-{count}"));
        merge_sweep_shards(&shards, &merged, false, &Limits::default()).expect("merges");
        assert_same_folders(&whole, &merged, &format!("the sweep in {count} shards"));
    }
}

/// `backlog sweep --shard` and `backlog merge` end to end; a run shard among sweep shards, a
/// missing shard, a duplicate one and a shard of a sweep over other values are refused.
#[test]
fn the_command_line_merges_a_sweep_and_refuses_mixed_shards() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let sweep = [
        "sweep",
        "deterministic",
        "--param",
        "ports.port.capacity.quota_per_day",
        "-r",
        "3",
        "-q",
    ];
    ok(
        dir.path(),
        &[&sweep[..], &["--values", "8,12", "--out", "whole"]].concat(),
    );
    for k in 0..2 {
        let (shard, out) = (format!("{k}/2"), format!("s{k}"));
        ok(
            dir.path(),
            &[&sweep[..], &["--values", "8,12", "--shard", &shard, "--out", &out]].concat(),
        );
    }
    ok(
        dir.path(),
        &[&sweep[..], &["--values", "8,13", "--shard", "1/2", "--out", "other"]].concat(),
    );
    ok(
        dir.path(),
        &[
            "run",
            "deterministic",
            "-r",
            "3",
            "-q",
            "--shard",
            "1/2",
            "--out",
            "run",
        ],
    );
    insta::assert_snapshot!("merge_sweep_and_run", refused(dir.path(), &["s0", "run"]));
    insta::assert_snapshot!("merge_sweep_missing", refused(dir.path(), &["s1"]));
    insta::assert_snapshot!("merge_sweep_duplicate", refused(dir.path(), &["s1", "s0", "s1"]));
    insta::assert_snapshot!("merge_sweep_mixed_values", refused(dir.path(), &["s0", "other"]));
    ok(dir.path(), &["merge", "s1", "s0", "--out", "merged", "-q"]);
    assert_same_folders(&dir.path().join("whole"), &dir.path().join("merged"), "sweep");
}

/// A sweep of five points at one replication each: its shards share the points, every shard
/// runs some, and they merge into the unsharded sweep.
#[test]
fn a_sweep_of_single_runs_shares_its_points_between_shards() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let sweep = [
        "sweep",
        "deterministic",
        "--param",
        "ports.port.capacity.quota_per_day",
        "--values",
        "6,8,10,12,14",
        "-r",
        "1",
        "-q",
    ];
    ok(dir.path(), &[&sweep[..], &["--out", "whole"]].concat());
    for k in 0..3 {
        let (shard, out) = (format!("{k}/3"), format!("s{k}"));
        let output = in_dir(dir.path())
            .args([&sweep[..], &["--shard", &shard, "--out", &out]].concat())
            .output()
            .expect("backlog runs");
        assert!(output.status.success());
        let said = String::from_utf8_lossy(&output.stdout);
        let expected = if k == 0 { "1 simulation" } else { "2 simulations" };
        assert!(said.contains(expected), "shard {k}: {said}");
    }
    ok(dir.path(), &["merge", "s2", "s1", "s0", "--out", "merged", "-q"]);
    assert_same_folders(&dir.path().join("whole"), &dir.path().join("merged"), "sweep");
}

/// The comparison of two shipped scenarios over their common period (at one port, and of
/// everyone), unsharded and in N shards for N of 1, 2, 3 and 7 merged in a shuffled order:
/// the same folder, every scenario's results folder, comparison.csv, comparison.json and the
/// comparison charts, byte for byte. With 3 replications of 2 scenarios, some of the 7
/// shards are empty.
#[test]
fn a_comparison_merges_exactly() {
    let root = project_root().join("scenarios");
    let open = |name: &str| Scenario::open(&root.join(name), &Limits::default()).expect("a shipped scenario");
    for port in [None, Some("san_ysidro")] {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let request = |out: std::path::PathBuf| CompareRequest {
            scenarios: vec![open("tijuana-2018.toml"), open("tijuana-mpp-2019.toml")],
            changes: vec![Change::parse("run.horizon_days=100").expect("a change")],
            seed: None,
            out: Some(out),
            port: port.map(str::to_owned),
            force: false,
            allow_different_periods: true,
        };
        let options = RunOptions::new().replications(3);
        let whole = dir.path().join("whole");
        backlog::analysis::compare::plan(request(whole.clone()))
            .and_then(|plan| plan.run(&options))
            .expect("the comparison runs");
        for count in [1, 2, 3, 7] {
            let mut shards: Vec<_> = (0..count)
                .map(|k| {
                    let folder = dir.path().join(format!("{count}-{k}"));
                    let shard = Shard::new(k, count).expect("a shard");
                    plan_compare_shard(request(folder.clone()), shard)
                        .and_then(|plan| plan.run(&options))
                        .expect("the shard runs");
                    folder
                })
                .collect();
            shuffle(&mut shards);
            let merged = dir.path().join(format!("merged-{count}"));
            merge_compare_shards(&shards, &merged, false, &Limits::default()).expect("merges");
            assert_same_folders(&whole, &merged, &format!("the comparison ({port:?}) in {count} shards"));
        }
    }
}

/// `backlog compare --shard` and `backlog merge` end to end; a missing shard, a duplicate, a
/// shard of another comparison, a sweep's shard among them, and a manifest naming a folder
/// outside the shard are refused.
#[test]
fn the_command_line_merges_a_comparison_and_refuses_mixed_shards() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = project_root().join("scenarios");
    let (a, b) = (root.join("deterministic.toml"), root.join("mmc.toml"));
    let (a, b) = (a.to_str().expect("a path"), b.to_str().expect("a path"));
    let compare = ["compare", a, b, "-r", "3", "-q", "--set", "run.horizon_days=30"];
    ok(dir.path(), &[&compare[..], &["--out", "whole"]].concat());
    for k in 0..2 {
        let (shard, out) = (format!("{k}/2"), format!("c{k}"));
        ok(
            dir.path(),
            &[&compare[..], &["--shard", &shard, "--out", &out]].concat(),
        );
    }
    ok(
        dir.path(),
        &[
            "compare",
            b,
            a,
            "-r",
            "3",
            "-q",
            "--set",
            "run.horizon_days=30",
            "--shard",
            "1/2",
            "--out",
            "swapped",
        ],
    );
    ok(
        dir.path(),
        &[
            "sweep",
            "deterministic",
            "--param",
            "ports.port.capacity.quota_per_day",
            "--values",
            "8,12",
            "-q",
            "--shard",
            "1/2",
            "--out",
            "sweep",
        ],
    );
    let missing = refused(dir.path(), &["c1"]);
    assert!(
        missing.contains("shard 0/2 is missing") && missing.contains("backlog compare"),
        "{missing}"
    );
    let twice = refused(dir.path(), &["c0", "c1", "c0"]);
    assert!(twice.contains("given twice"), "{twice}");
    let swapped = refused(dir.path(), &["c0", "swapped"]);
    assert!(swapped.contains("shards of different comparisons"), "{swapped}");
    let mixed = refused(dir.path(), &["c0", "sweep"]);
    assert!(
        mixed.contains("a shard of a comparison") && mixed.contains("a shard of a sweep"),
        "{mixed}"
    );
    let charts = in_dir(dir.path())
        .args(["merge", "c0", "c1", "--out", "results", "--charts"])
        .output()
        .expect("backlog runs");
    assert_eq!(charts.status.code(), Some(2));

    // A manifest whose folder names lead elsewhere is refused before anything is read there.
    let escaped = dir.path().join("escaped");
    std::fs::create_dir(&escaped).expect("a folder");
    let manifest = std::fs::read_to_string(dir.path().join("c1/shard.json")).expect("a manifest");
    std::fs::write(
        escaped.join("shard.json"),
        manifest.replace("\"folder\": \"mmc\"", "\"folder\": \"../c0/mmc\""),
    )
    .expect("written");
    let outside = refused(dir.path(), &["c0", "escaped"]);
    assert!(outside.contains("other folders than its scenarios"), "{outside}");

    ok(dir.path(), &["merge", "c1", "c0", "--out", "merged", "-q"]);
    assert_same_folders(&dir.path().join("whole"), &dir.path().join("merged"), "comparison");
}
