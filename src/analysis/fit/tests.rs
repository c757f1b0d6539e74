//! Tests of whole fits: recovery of a known value with honest intervals (coverage), and
//! outputs that do not depend on the number of threads.

use super::*;
use crate::RunOptions;
use statrs::distribution::{Binomial, DiscreteCDF};

/// A tiny scenario: Poisson arrivals at a port that processes 5 people a day, whose people give
/// up after an exponential time. Its mean patience is the unknown.
const SCENARIO: &str = r#"schema = 1

[run]
name = "coverage"
horizon_days = 20
seed = 1
replications = 20

[[ports]]
name = "p"

[ports.capacity]
kind = "quota"
quota_per_day = 5

[[streams]]
name = "arrivals"
port = "p"
kind = "poisson"
people_per_day = 10.0
group_size = 1
patience_days = { dist = "exponential", mean = 10.0 }
"#;

/// The unknown and its range.
const PATH: &str = "streams.arrivals.patience_days.mean";
const RANGE: &str = "2:40";
/// The true value the figures are drawn at.
const TRUE_MEAN_PATIENCE_DAYS: f64 = 8.0;
/// The figure: people who left by the end of [`DAY`].
const SERIES: Series = Series::Left;
const DAY: u32 = 19;
/// Replications at every value tried.
const REPLICATIONS: u32 = 20;

/// The figure of one replication of the scenario at the true value, run with `seed` (never a
/// fit's).
fn figure(seed: i64) -> f64 {
    let scenario = Scenario::from_text("coverage.toml", SCENARIO);
    let model = scenario
        .load_with(&[
            Change::number(PATH, TRUE_MEAN_PATIENCE_DAYS),
            Change::integer("run.seed", seed),
        ])
        .expect("valid");
    let pool = thread_pool(Some(1)).expect("a thread");
    let dailies = Dailies::run(
        &model,
        0..1,
        crate::Engine::Auto,
        &pool,
        &CancelToken::new(),
        &Counter::new(None, None),
    )
    .expect("runs");
    observe::values(&dailies, Whose::All, SERIES, DAY)[0]
}

/// The observations file of trial `trial` in `dir`, with its one figure.
fn observations_file(dir: &std::path::Path, trial: i64, left: f64) -> PathBuf {
    let path = dir.join(format!("observed-{trial}.csv"));
    std::fs::write(
        &path,
        format!("day,scope,series,value,source\n{DAY},all,{SERIES},{left},a replication at the true value\n"),
    )
    .expect("written");
    path
}

fn request(observed: PathBuf) -> FitRequest {
    FitRequest {
        observed,
        params: vec![FitParam {
            path: PATH.to_owned(),
            range: RANGE.to_owned(),
        }],
        changes: Vec::new(),
        max_evals: DEFAULT_MAX_EVALS,
        out: None,
        force: false,
    }
}

/// Whether `hits` of `n` intervals holding the true value is consistent with 95% coverage:
/// not in the lowest 0.1% of Binomial(n, 0.95).
fn consistent_with_95_percent(hits: u64, n: u64) -> bool {
    let binomial = Binomial::new(0.95, n).expect("a distribution");
    binomial.cdf(hits) >= 0.001
}

/// Fits of figures drawn at a known value recover it: its 95% interval holds it about 95% of
/// the time (a count the binomial distribution allows), while intervals half as wide would
/// not, so the test tells intervals too narrow and intervals too wide from honest ones.
///
/// Each of the `DATASETS` trials is independent: its figure is one replication at the true
/// value with a seed of its own, and its fit runs with another seed of its own (so the
/// simulation noise of the fits is part of what is tested).
#[test]
fn intervals_hold_the_true_value_95_percent_of_the_time() {
    const DATASETS: u64 = 40;
    let dir = tempfile::tempdir().expect("temporary folder");
    let scenario = Scenario::from_text("coverage.toml", SCENARIO);
    let (mut hits, mut half_hits) = (0u64, 0u64);
    for trial in 0..DATASETS as i64 {
        let left = figure(100_000 + trial);
        let mut request = request(observations_file(dir.path(), trial, left));
        request.changes = vec![Change::integer("run.seed", 1 + trial)];
        let fit = plan(&scenario, request)
            .expect("planned")
            .run(&RunOptions::new().replications(REPLICATIONS))
            .expect("fitted");
        let p = &fit.params[0];
        let (low, high) = (p.ci95_low.expect("an interval"), p.ci95_high.expect("an interval"));
        hits += u64::from((low..=high).contains(&TRUE_MEAN_PATIENCE_DAYS));
        let sd = p.sd.expect("a standard error");
        half_hits += u64::from((p.estimate - TRUE_MEAN_PATIENCE_DAYS).abs() <= 0.98 * sd);
    }
    eprintln!("coverage: {hits} of {DATASETS} intervals hold the true value; half as wide: {half_hits}");
    assert!(
        consistent_with_95_percent(hits, DATASETS),
        "{hits} of {DATASETS} intervals hold the true value"
    );
    assert!(
        !consistent_with_95_percent(half_hits, DATASETS),
        "intervals half as wide hold it {half_hits} times of {DATASETS}: the intervals are too wide"
    );
}

#[test]
fn the_binomial_threshold_rejects_too_few_hits() {
    // P(X ≤ 41 | 50, 0.95) is about 0.00076; P(X ≤ 42) about 0.0032.
    assert!(!consistent_with_95_percent(41, 50));
    assert!(consistent_with_95_percent(42, 50));
    assert!(consistent_with_95_percent(50, 50));
}

/// A fit of the tiny scenario to one figure, written to `out`, with `options`.
fn small_fit(dir: &std::path::Path, out: Option<PathBuf>, options: &RunOptions) -> Result<Fit, Error> {
    let scenario = Scenario::from_text("coverage.toml", SCENARIO);
    let request = FitRequest {
        out,
        ..request(observations_file(dir, 0, 60.0))
    };
    plan(&scenario, request)?.run(options)
}

#[test]
fn outputs_do_not_depend_on_the_number_of_threads() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let fits: Vec<Fit> = [1, 2, 3]
        .iter()
        .map(|&threads| {
            let options = RunOptions::new().replications(6).threads(threads);
            small_fit(dir.path(), None, &options).expect("fitted")
        })
        .collect();
    for fit in &fits[1..] {
        assert_eq!(fit.to_json(), fits[0].to_json());
        assert_eq!(fit.to_csv(), fits[0].to_csv());
        assert_eq!(fit.to_table(), fits[0].to_table());
        assert_eq!(fit.fitted_scenario, fits[0].fitted_scenario);
    }
}

#[test]
fn the_folder_holds_the_fit_the_chart_and_the_fitted_scenario() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("fit");
    let fit = small_fit(dir.path(), Some(out.clone()), &RunOptions::new().replications(6)).expect("fitted");
    for file in ["fit.json", "fit.csv", "scenario.toml", "backtest.png", "backtest.svg"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("fit.json")).expect("read")).expect("JSON");
    let param = &json["params"][PATH];
    assert_eq!(param["estimate"].as_f64(), Some(fit.params[0].estimate));
    assert!(param["ci95_low"].as_f64().is_some() && param["ci95_high"].as_f64().is_some());
    assert_eq!(json["observations"][0]["series"], "left");
    assert_eq!(json["observations"][0]["observed"].as_f64(), Some(60.0));
    // The fitted scenario runs, has the estimate, and says where it comes from.
    let text = std::fs::read_to_string(out.join("scenario.toml")).expect("read");
    let p = &fit.params[0];
    let comment = format!(
        "# fitted: {} (95% CI {}-{}) to {} by backlog fit",
        render::show(p, p.estimate),
        render::show(p, p.ci95_low.expect("an interval")),
        render::show(p, p.ci95_high.expect("an interval")),
        fit.observed
    );
    assert!(text.contains(&comment), "{comment} not in\n{text}");
    let model = Scenario::from_text("fitted.toml", text).load().expect("valid");
    let value = overrides::current(&model.text, PATH).expect("a path").expect("a value");
    assert_eq!(crate::analysis::sweep::numeric(&value), Some(p.estimate));
    // The CSV has a header and every evaluation, the last one the fitted scenario.
    let csv = std::fs::read_to_string(out.join("fit.csv")).expect("read");
    assert_eq!(csv.lines().count(), 1 + fit.evaluations.len());
    assert!(
        csv.lines().last().is_some_and(|line| line.contains(",fitted,")),
        "{csv}"
    );
}

#[test]
fn a_cancelled_fit_writes_nothing() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("fit");
    let stop = CancelToken::new();
    stop.cancel();
    let options = RunOptions::new().replications(6).cancel(stop);
    let error = small_fit(dir.path(), Some(out.clone()), &options).expect_err("cancelled");
    assert!(matches!(error, Error::Interrupted), "{error}");
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("listed")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().contains("backlog"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn too_few_replications_figures_or_evaluations_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let error = small_fit(dir.path(), None, &RunOptions::new().replications(1)).expect_err("one replication");
    assert!(error.to_string().contains("at least 2 replications"), "{error}");
    let scenario = Scenario::from_text("coverage.toml", SCENARIO);
    let observed = observations_file(dir.path(), 0, 60.0);
    let two = FitRequest {
        params: vec![
            FitParam {
                path: PATH.to_owned(),
                range: RANGE.to_owned(),
            },
            FitParam {
                path: "streams.arrivals.people_per_day".to_owned(),
                range: "5:20".to_owned(),
            },
        ],
        ..request(observed.clone())
    };
    let error = plan(&scenario, two).expect_err("two parameters, one figure");
    assert!(
        error
            .to_string()
            .contains("2 parameters cannot be fitted to 1 recorded figure"),
        "{error}"
    );
    let few = FitRequest {
        max_evals: 5,
        ..request(observed.clone())
    };
    assert!(
        plan(&scenario, few)
            .expect_err("too few")
            .to_string()
            .contains("--max-evals 5")
    );
    for (path, range, expected) in [
        ("run.seed", "1:9", "cannot be fitted"),
        ("ports.p.capacity.quota_per_day", "2.5:9", "whole number"),
        ("streams.arrivals.patience_days", "2:9", "not a number"),
        (PATH, "9:2", "high end must be above"),
        (PATH, "-5:9", "does not accept"),
        ("streams.arrivals.patience_dayz.mean", "2:9", "did you mean"),
    ] {
        let request = FitRequest {
            params: vec![FitParam {
                path: path.to_owned(),
                range: range.to_owned(),
            }],
            ..request(observed.clone())
        };
        let error = plan(&scenario, request).expect_err(path);
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains(expected), "{path} {range}: {error}");
    }
}
