//! Policy analysis: `--set` overrides, sweeps, paired comparisons with common random numbers,
//! and goal-seeking with `target`.

use crate::cli::{backlog, project_root};
use backlog::analysis::target::Boundary;
use backlog::analysis::{
    Metric, Runs, Scope, Variant, paired_difference, run_variants, thread_pool, unpaired_difference,
};
use backlog::commands::sweep::{Param, SweepRequest, Values, run_sweep, to_csv};
use backlog::commands::target::{TargetRequest, run_target};
use backlog::commands::{self, RunSettings, ScenarioText};
use backlog::error::Error;
use backlog::model::{Capacity, Model};
use backlog::overrides::Override;
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    project_root().join("scenarios").join(name)
}

fn load(path: Option<&Path>, sets: &[&str]) -> Result<Model, Error> {
    let changes: Vec<Override> = sets.iter().map(|s| Override::parse(s).expect("PATH=VALUE")).collect();
    commands::load(path, &changes).map(|(loaded, _)| loaded.model)
}

fn message(result: Result<Model, Error>) -> String {
    match result {
        Ok(model) => panic!("accepted: {}", model.name),
        Err(error) => {
            assert_eq!(error.exit_code(), 2, "bad input");
            error.to_string()
        }
    }
}

/// Runs of replications `0..replications` of each model (everyone, or the port at `port`).
fn runs(models: &[&Model], port: Option<&str>, replications: u32) -> Vec<Runs> {
    let scope = port.map_or(Scope::Total, |name| Scope::Port(name.to_owned()));
    let variants: Vec<Variant<'_>> = models
        .iter()
        .map(|&model| Variant {
            model,
            port: scope.index(model).expect("the port exists"),
        })
        .collect();
    let pool = thread_pool(None).expect("threads");
    run_variants(&pool, &variants, replications, &indicatif::ProgressBar::hidden()).expect("runs")
}

#[test]
fn overrides_change_exactly_the_addressed_value() {
    let base = load(None, &[]).expect("the built-in scenario");

    let changed = load(None, &["streams.caravan.join_share=0.7"]).expect("valid");
    let mut expected = base.clone();
    expected.streams[1].join_share = 0.7;
    assert_eq!(format!("{changed:?}"), format!("{expected:?}"));

    // The first quota holds until the first schedule entry (Nov 23, day 22).
    let changed = load(None, &["ports.san_ysidro.capacity.quota_per_day=150"]).expect("valid");
    let mut expected = base.clone();
    let Capacity::Quota(quota) = &mut expected.ports[0].capacity else {
        panic!("a quota port")
    };
    quota.quota_by_day[..22].fill(150.0);
    assert_eq!(format!("{changed:?}"), format!("{expected:?}"));

    // Entries of arrays without names are addressed by position; several overrides apply in order.
    let changed = load(
        None,
        &[
            "ports.san_ysidro.capacity.schedule.2.quota_per_day=120",
            "run.seed=7",
            "run.seed=8",
        ],
    )
    .expect("valid");
    let mut expected = base.clone();
    expected.seed = 8;
    let Capacity::Quota(quota) = &mut expected.ports[0].capacity else {
        panic!("a quota port")
    };
    // Schedule entry 2 ("back to about 100/day") runs from Nov 25 (day 24) to Jan 1 (day 61).
    quota.quota_by_day[24..61].fill(120.0);
    assert_eq!(format!("{changed:?}"), format!("{expected:?}"));

    // A key the file leaves out is added; a distribution's field is set inside its table.
    let changed = load(
        Some(&scenario("deterministic.toml")),
        &["streams.initial_list.patience_days={ dist = \"exponential\", mean = 30 }"],
    )
    .expect("valid");
    assert!(changed.streams[0].patience_by_class[0].is_some());
    let changed = load(None, &["streams.background.patience_days.mean=45"]).expect("valid");
    let whole = load(
        None,
        &["streams.background.patience_days={ dist = \"gamma\", mean = 45, sd = 60 }"],
    )
    .expect("valid");
    assert_eq!(format!("{changed:?}"), format!("{whole:?}"));
    assert_ne!(format!("{changed:?}"), format!("{base:?}"));
}

#[test]
fn unknown_paths_and_wrong_values_are_explained() {
    let cases = [
        ("unknown_port", "ports.san_ysidr.capacity.quota_per_day=150"),
        ("unknown_key", "ports.san_ysidro.capacity.quota_per_dya=150"),
        ("unknown_table", "stream.caravan.join_share=0.7"),
        ("past_the_end", "ports.san_ysidro.capacity.schedule.12.quota_per_day=10"),
        ("wrong_type", "ports.san_ysidro.capacity.quota_per_day=lots"),
        ("out_of_range", "streams.caravan.join_share=1.5"),
    ];
    let mut all = String::new();
    for (name, set) in cases {
        all.push_str(&format!("--set {set}\n{}\n", message(load(None, &[set]))));
        let _ = name;
    }
    insta::assert_snapshot!("set_messages", all);

    // The same through the binary: exit code 2 and the suggestion on stderr.
    backlog()
        .args(["check", "--set", "ports.san_ysidro.capacity.quota_per_dya=150"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "did you mean `ports.san_ysidro.capacity.quota_per_day`?",
        ));
    backlog()
        .args(["run", "--quiet", "--set", "run.seed"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--set expects PATH=VALUE"));
}

#[test]
fn run_and_check_take_set() {
    let dir = tempfile::tempdir().expect("temporary folder");
    backlog()
        .args([
            "check",
            "scenarios/deterministic.toml",
            "--set",
            "ports.port.capacity.quota_per_day=200",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("3000 places in all"))
        .stdout(predicates::str::contains("set ports.port.capacity.quota_per_day=200"));
    backlog()
        .args(["run", "--quiet", "scenarios/deterministic.toml", "--format", "json"])
        .args(["--set", "ports.port.capacity.quota_per_day=200", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("\"first_empty\""));
    let as_run = std::fs::read_to_string(dir.path().join("scenario.toml")).expect("scenario.toml");
    assert!(
        as_run.contains("quota_per_day = 200 # set on the command line; the file has 100"),
        "{as_run}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).expect("summary.json"))
            .expect("JSON");
    // 1,000 people at 200 a day: empty at the end of day 4.
    assert_eq!(summary["first_empty"]["day"]["mean"], 4.0);
}

fn quota_sweep(threads: usize, out: Option<PathBuf>) -> backlog::commands::sweep::Sweep {
    run_sweep(&SweepRequest {
        params: vec![Param {
            path: "ports.san_ysidro.capacity.quota_per_day".into(),
            values: Values::List("50,100,200,400".into()),
        }],
        settings: RunSettings {
            replications: Some(4),
            threads: Some(threads),
            quiet: true,
            ..RunSettings::default()
        },
        out,
        ..SweepRequest::default()
    })
    .expect("the sweep runs")
}

#[test]
fn a_quota_sweep_gives_monotone_p90_waits_whatever_the_threads() {
    let sweep = quota_sweep(2, None);
    let p90: Vec<f64> = sweep
        .summaries
        .iter()
        .map(|point| point.estimate(Metric::WaitP90).mean.expect("people were processed"))
        .collect();
    assert!(p90.windows(2).all(|pair| pair[1] < pair[0]), "p90 waits {p90:?}");
    // Byte-identical with one thread, and when every point writes a results folder.
    let csv = to_csv(&sweep);
    assert_eq!(csv, to_csv(&quota_sweep(1, None)));
    let dir = tempfile::tempdir().expect("temporary folder");
    assert_eq!(csv, to_csv(&quota_sweep(2, Some(dir.path().to_path_buf()))));
    for value in ["50", "100", "200", "400"] {
        let folder = dir.path().join(format!("quota_per_day={value}"));
        assert!(folder.join("summary.json").is_file(), "{}", folder.display());
        let as_run = std::fs::read_to_string(folder.join("scenario.toml")).expect("scenario.toml");
        assert!(as_run.contains(&format!("quota_per_day = {value} # set on the command line")));
    }
}

#[test]
fn sweeps_make_grids_from_the_command_line() {
    let output = backlog()
        .args(["sweep", "scenarios/deterministic.toml", "--format", "csv", "--quiet"])
        .args(["--param", "ports.port.capacity.quota_per_day", "--range", "100:200:100"])
        .args(["--param", "ports.port.discipline", "--values", "fifo,lifo"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("# backlog "));
    assert!(lines[1].starts_with("ports.port.capacity.quota_per_day,ports.port.discipline,scope,processed_mean,"));
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines[2].starts_with("100,fifo,all,1000,"), "{}", lines[2]);
    assert!(lines[5].starts_with("200,lifo,all,1000,"), "{}", lines[5]);
    backlog()
        .args(["sweep", "--values", "1,2", "--param", "run.seed"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("comes before any --param"));
}

#[test]
fn common_random_numbers_repeat_replications_across_scenarios() {
    let base_text = ScenarioText::read(Some(&scenario("csv-inputs.toml"))).expect("readable");
    let base = base_text.load(&[]).expect("valid").0.model;
    // An unused setting: no group is ever absent, so what happens to absent groups cannot matter.
    let unused = base_text
        .load(&[Override::parse("ports.port.capacity.no_show=back").expect("PATH=VALUE")])
        .expect("valid")
        .0
        .model;
    // (Compared as text: undefined values are NaN, which is never equal to itself.)
    let same = |a: &Runs, b: &Runs| format!("{a:?}") == format!("{b:?}");
    let both = runs(&[&base, &unused], None, 6);
    assert!(same(&both[0], &both[1]), "replication r is the same in both");
    // Different replications do differ.
    assert_ne!(format!("{:?}", both[0].scalars[0]), format!("{:?}", both[0].scalars[1]));

    // A port and stream added elsewhere, or the streams listed in another order, leave the
    // San Ysidro port's replications exactly as they were: streams are keyed by name.
    let tijuana = commands::DEFAULT_SCENARIO;
    let extra = format!(
        "{tijuana}\n[[ports]]\nname = \"elsewhere\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 30\n\n\
         [[streams]]\nname = \"elsewhere_arrivals\"\nport = \"elsewhere\"\nkind = \"poisson\"\npeople_per_day = 58\n"
    );
    let start = tijuana
        .find("# Names on the list when the caravan arrived.")
        .expect("the backlog stream");
    let background = tijuana
        .find("# Everyone else who came to sign the list")
        .expect("the background stream");
    let reordered = format!(
        "{}{}{}",
        &tijuana[..start],
        &tijuana[background..],
        &tijuana[start..background]
    );
    let model = |text: &str| {
        backlog::validate::load_str("test.toml", text, Path::new("."))
            .expect("valid")
            .model
    };
    let (base, extra, reordered) = (model(tijuana), model(&extra), model(&reordered));
    assert_eq!(reordered.streams[0].name, "background");
    let all = runs(&[&base, &extra, &reordered], Some("san_ysidro"), 3);
    assert!(
        same(&all[0], &all[1]),
        "an added port and stream change nothing at San Ysidro"
    );
    assert!(same(&all[0], &all[2]), "the order of streams changes nothing");
}

#[test]
fn paired_differences_are_narrower_than_unpaired_ones() {
    // The shipped what-if at 100 a day against the same at 120 a day. Paired: the same seed.
    // Unpaired: the 120-a-day runs with another seed, as independent runs would be.
    let path = scenario("policy-what-if.toml");
    let quota = "ports.san_ysidro.capacity.quota_per_day";
    let base = load(Some(&path), &[]).expect("valid");
    let more = load(Some(&path), &[&format!("{quota}=120")]).expect("valid");
    let independent = load(Some(&path), &[&format!("{quota}=120"), "run.seed=1"]).expect("valid");
    let all = runs(&[&base, &more, &independent], None, 10);
    for metric in Metric::ALL {
        let (a, b, c) = (all[0].values(metric), all[1].values(metric), all[2].values(metric));
        let (Some(paired), Some(unpaired)) = (
            paired_difference(&a, &b).half_width(),
            unpaired_difference(&a, &c).half_width(),
        ) else {
            continue;
        };
        let same_data = unpaired_difference(&a, &b).half_width().unwrap_or(f64::NAN);
        eprintln!(
            "{}: paired ±{paired:.3}, independent runs ±{unpaired:.3}, Welch on the paired runs ±{same_data:.3}",
            metric.name()
        );
        // Pairing removes the luck the two runs share: the people who arrive and when.
        if matches!(
            metric,
            Metric::Processed | Metric::Abandoned | Metric::WaitMean | Metric::PeakList
        ) {
            assert!(
                paired < unpaired,
                "{}: paired ±{paired} vs independent ±{unpaired}",
                metric.name()
            );
            assert!(
                paired < same_data,
                "{}: paired ±{paired} vs Welch ±{same_data}",
                metric.name()
            );
        }
    }
}

fn deterministic_target(metric: &str, bound: f64, by_day: Option<&str>, range: Option<&str>) -> TargetRequest {
    TargetRequest {
        scenario: Some(scenario("deterministic.toml")),
        param: "ports.port.capacity.quota_per_day".into(),
        metric: metric.into(),
        at_most: Some(bound),
        by_day: by_day.map(str::to_owned),
        range: range.map(str::to_owned),
        settings: RunSettings {
            quiet: true,
            ..RunSettings::default()
        },
        ..TargetRequest::default()
    }
}

#[test]
fn target_recovers_the_quota_that_empties_the_list_by_day_5() {
    // 1,000 people at day 0, called at 00:00: empty by day 5 (at the end of day 4) takes 200 a day.
    for request in [
        deterministic_target("waiting_at_end", 0.0, Some("5"), None),
        deterministic_target("first_empty_day", 4.0, None, None),
    ] {
        let found = run_target(&request).expect("an answer");
        let answer = &found.answer;
        assert_eq!(answer.answer, 200.0);
        assert_eq!(answer.five, Boundary::At(200.0));
        assert_eq!(answer.ninety_five, Boundary::At(200.0));
        // The default range is a tenth to ten times the file's 100: 991 values, searched in
        // a few dozen runs.
        assert_eq!((found.grid.low, found.grid.high()), (10.0, 1000.0));
        assert!(answer.runs() <= 30, "{} runs", answer.runs());
        eprintln!(
            "target {}: {} after {} runs",
            request.metric,
            answer.answer,
            answer.runs()
        );
    }
}

#[test]
fn target_refuses_goals_out_of_reach_and_metrics_that_are_not_monotone() {
    let error = run_target(&deterministic_target("first_empty_day", 4.0, None, Some("10:150"))).expect_err("no answer");
    assert_eq!(error.exit_code(), 2);
    let text = error.to_string();
    assert!(
        text.contains("cannot be met with ports.port.capacity.quota_per_day in 10–150"),
        "{text}"
    );
    let error =
        run_target(&deterministic_target("first_empty_day", 20.0, None, Some("100:150"))).expect_err("no answer");
    assert!(error.to_string().contains("already holds"), "{error}");

    // A group of 100 arriving on day F at a port that stops processing on days 10-19: its wait
    // is 0 before day 10, 20 - F from 10 to 19 and 0 again after: not monotone in F.
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("closed.toml");
    std::fs::write(
        &path,
        "schema = 1\n[run]\nname = \"closed for ten days\"\nhorizon_days = 40\nseed = 1\nreplications = 1\n\n\
         [[ports]]\nname = \"port\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 100\n\
         [[ports.capacity.closures]]\nfrom = 10\nto = 19\n\n\
         [[streams]]\nname = \"group\"\nport = \"port\"\nkind = \"wave\"\ncurve = [{ at = 5, people = 100 }]\n",
    )
    .expect("written");
    let request = TargetRequest {
        scenario: Some(path.clone()),
        param: "streams.group.curve.0.at".into(),
        metric: "wait_mean".into(),
        at_most: Some(1.0),
        range: Some("0:30".into()),
        settings: RunSettings {
            quiet: true,
            ..RunSettings::default()
        },
        ..TargetRequest::default()
    };
    let error = run_target(&request).expect_err("no answer");
    assert_eq!(error.exit_code(), 2);
    assert!(error.to_string().contains("is not monotone over 0–30"), "{error}");
    backlog()
        .args([
            "target",
            "--quiet",
            "--param",
            "streams.group.curve.0.at",
            "--metric",
            "wait_mean",
        ])
        .args(["--at-most", "1", "--range", "0:30"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not monotone"));
}

#[test]
fn compare_prints_paired_differences() {
    let output = backlog()
        .args(["compare", "--quiet", "-r", "3", "--format", "json"])
        .arg(scenario("juarez-2019.toml"))
        .arg(scenario("juarez-2019.toml"))
        .args(["--set", "run.horizon_days=60"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let scenarios = json["scenarios"].as_array().expect("scenarios");
    assert_eq!(scenarios.len(), 2);
    // The same file twice: every paired difference is exactly zero.
    assert_eq!(scenarios[1]["paired_difference"]["processed"]["mean"], 0.0);
    assert_eq!(scenarios[1]["paired_difference"]["processed"]["ci95_high"], 0.0);

    // With --out: a results folder per scenario, the comparison files and charts.
    let dir = tempfile::tempdir().expect("temporary folder");
    backlog()
        .args([
            "compare",
            "--quiet",
            "scenarios/deterministic.toml",
            "scenarios/deterministic.toml",
        ])
        .args(["--set", "ports.port.capacity.quota_per_day=200", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("B − A (paired)"));
    for file in [
        "A-deterministic/summary.json",
        "B-deterministic/daily.csv",
        "comparison.csv",
        "comparison.json",
        "compare-backlog.svg",
        "compare-waits.png",
    ] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
}
