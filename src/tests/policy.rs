//! Policy analysis: `--set` changes, sweeps, paired comparisons with common random numbers,
//! and goal-seeking (the command line's side is in `tests/integration/policy.rs`).

use crate::analysis::target::{Bound, Boundary, Goal, TargetRequest};
use crate::analysis::{
    Metric, Runs, Scope, Variant, paired_difference, run_variants, sweep, target, unpaired_difference,
};
use crate::analysis::{Param, SweepRequest, Values};
use crate::cancel::CancelToken;
use crate::error::Error;
use crate::model::{Capacity, Model};
use crate::overrides::Change;
use crate::replicate::{Counter, RunOptions, thread_pool};
use crate::report::Render;
use crate::source::Scenario;
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

fn load(path: Option<&Path>, sets: &[&str]) -> Result<Model, Error> {
    let changes: Vec<Change> = sets.iter().map(|s| Change::parse(s).expect("PATH=VALUE")).collect();
    let scenario = match path {
        Some(path) => Scenario::read(path)?,
        None => Scenario::built_in(),
    };
    scenario.load_with(&changes)
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
    run_variants(
        &pool,
        &variants,
        replications,
        &CancelToken::new(),
        &Counter::new(None, None),
        &RunOptions::new(),
    )
    .expect("runs")
}

/// The model as debug text without the scenario text it came from and the list of changes
/// (which every change alters).
fn shape(model: &Model) -> String {
    let mut model = model.clone();
    model.text = std::sync::Arc::from("");
    model.changes.clear();
    format!("{model:?}")
}

#[test]
fn overrides_change_exactly_the_addressed_value() {
    let base = load(None, &[]).expect("the built-in scenario");

    let changed = load(None, &["streams.caravan.join_share=0.7"]).expect("valid");
    let mut expected = base.clone();
    expected.streams[1].join_share = 0.7;
    assert_eq!(shape(&changed), shape(&expected));

    // The first quota holds until the first schedule entry (Nov 23, day 22).
    let changed = load(None, &["ports.san_ysidro.capacity.quota_per_day=150"]).expect("valid");
    let mut expected = base.clone();
    let Capacity::Quota(quota) = &mut expected.ports[0].capacity else {
        panic!("a quota port")
    };
    quota.quota_by_day[..22].fill(150.0);
    assert_eq!(shape(&changed), shape(&expected));

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
    assert_eq!(shape(&changed), shape(&expected));

    // A key the file leaves out is added; a distribution's field is set inside its table.
    let changed = load(
        Some(&scenario("deterministic.toml")),
        &["streams.initial_list.patience_days={ dist = \"exponential\", mean = 30 }"],
    )
    .expect("valid");
    assert!(changed.streams[0].patience_by_class[0].is_some());
    let changed = load(None, &["classes.all.patience_days.mean=45"]).expect("valid");
    let whole = load(
        None,
        &["classes.all.patience_days={ dist = \"gamma\", mean = 45, sd = 60 }"],
    )
    .expect("valid");
    assert_eq!(shape(&changed), shape(&whole));
    assert_ne!(shape(&changed), shape(&base));
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
}

fn quota_sweep(threads: usize, out: Option<PathBuf>) -> sweep::Sweep {
    let request = SweepRequest {
        params: vec![Param {
            path: "ports.san_ysidro.capacity.quota_per_day".into(),
            values: Values::List("50,100,200,400".into()),
        }],
        out,
        ..SweepRequest::default()
    };
    sweep::plan(&Scenario::built_in(), request)
        .and_then(|plan| plan.run(&RunOptions::new().replications(4).threads(threads)))
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
    let csv = sweep.to_csv();
    assert_eq!(csv, quota_sweep(1, None).to_csv());
    let dir = tempfile::tempdir().expect("temporary folder");
    assert_eq!(csv, quota_sweep(2, Some(dir.path().to_path_buf())).to_csv());
    for value in ["50", "100", "200", "400"] {
        let folder = dir.path().join(format!("quota_per_day={value}"));
        assert!(folder.join("summary.json").is_file(), "{}", folder.display());
        let as_run = std::fs::read_to_string(folder.join("scenario.toml")).expect("scenario.toml");
        assert!(as_run.contains(&format!("quota_per_day = {value} # set on the command line")));
    }
}

#[test]
fn common_random_numbers_repeat_replications_across_scenarios() {
    let base_text = Scenario::read(&scenario("csv-inputs.toml")).expect("readable");
    let base = base_text.load().expect("valid");
    // An unused setting: no group is ever absent, so what happens to absent groups cannot matter.
    let unused = base_text
        .load_with(&[Change::parse("ports.port.capacity.no_show=back").expect("PATH=VALUE")])
        .expect("valid");
    // (Compared as text: undefined values are NaN, which is never equal to itself.)
    let same = |a: &Runs, b: &Runs| format!("{a:?}") == format!("{b:?}");
    let both = runs(&[&base, &unused], None, 6);
    assert!(same(&both[0], &both[1]), "replication r is the same in both");
    // Different replications do differ.
    assert_ne!(format!("{:?}", both[0].scalars[0]), format!("{:?}", both[0].scalars[1]));

    // A port and stream added elsewhere, or the streams listed in another order, leave the
    // San Ysidro port's replications exactly as they were: streams are keyed by name.
    let tijuana = crate::source::DEFAULT_SCENARIO;
    let extra = format!(
        "{tijuana}\n[[ports]]\nname = \"elsewhere\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 30\n\n\
         [[streams]]\nname = \"elsewhere_arrivals\"\nport = \"elsewhere\"\nkind = \"poisson\"\npeople_per_day = 58\n\
         outcomes = {{ returned_home = 1.0 }}\n"
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
    let model = |text: &str| crate::validate::load_str("test.toml", text, Path::new(".")).expect("valid");
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
        param: "ports.port.capacity.quota_per_day".into(),
        goal: Goal {
            metric: metric.parse().expect("a metric"),
            bound: Bound::AtMost(bound),
        },
        changes: Vec::new(),
        by_day: by_day.map(|text| text.parse().expect("a day or a date")),
        range: range.map(str::to_owned),
        step: None,
        port: None,
    }
}

fn run_target(path: &Path, request: TargetRequest) -> Result<target::Target, Error> {
    target::plan(&Scenario::read(path)?, request).and_then(|plan| plan.run(&RunOptions::new()))
}

#[test]
fn target_recovers_the_quota_that_empties_the_list_by_day_5() {
    // 1,000 people at day 0, called at 00:00: empty by day 5 (at the end of day 4) takes 200 a day.
    for request in [
        deterministic_target("waiting_at_end", 0.0, Some("5"), None),
        deterministic_target("first_empty_day", 4.0, None, None),
    ] {
        let metric = request.goal.metric;
        let found = run_target(&scenario("deterministic.toml"), request).expect("an answer");
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
            metric.name(),
            answer.answer,
            answer.runs()
        );
    }
}

#[test]
fn target_refuses_goals_out_of_reach_and_metrics_that_are_not_monotone() {
    let error = run_target(
        &scenario("deterministic.toml"),
        deterministic_target("first_empty_day", 4.0, None, Some("10:150")),
    )
    .expect_err("no answer");
    assert_eq!(error.exit_code(), 2);
    let text = error.to_string();
    assert!(
        text.contains("cannot be met with ports.port.capacity.quota_per_day in 10–150"),
        "{text}"
    );
    let error = run_target(
        &scenario("deterministic.toml"),
        deterministic_target("first_empty_day", 20.0, None, Some("100:150")),
    )
    .expect_err("no answer");
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
        param: "streams.group.curve.0.at".into(),
        range: Some("0:30".into()),
        ..deterministic_target("wait_mean", 1.0, None, None)
    };
    let error = run_target(&path, request).expect_err("no answer");
    assert_eq!(error.exit_code(), 2);
    assert!(error.to_string().contains("is not monotone over 0–30"), "{error}");
}
