//! Calibration: the values of one or more parameters of a scenario that make recorded figures
//! most likely, with their uncertainty, by a Gaussian synthetic likelihood (Wood 2010, Nature
//! 466: 1102–1104) maximised by Nelder–Mead.
//!
//! A fit is planned first ([`plan`]: the scenario, the ranges, the observations file and the
//! output folder are checked, and the scenario is validated at every corner of the ranges) and
//! then run ([`FitPlan::run`]). Every value tried runs the same replications with the same
//! random streams (common random numbers), so the likelihood changes with the parameters, not
//! with luck. See docs/fit.md for the method.
//!
//! - `observations`: the observations file, checked line by line;
//! - `observe`: the simulated value a figure is compared with ([`Series`], scopes);
//! - `likelihood`: the synthetic likelihood of the figures;
//! - `search`: Nelder–Mead on the unit box, and the curvature (Fisher information) at the
//!   best point;
//! - `render`: the table, CSV and JSON of a [`Fit`].

mod likelihood;
mod observations;
mod observe;
mod render;
mod search;

pub use likelihood::VARIANCE_FLOOR;
pub use observations::Observation;
pub use observe::Series;
pub use search::Phase;

use super::Rounds;
use super::rounds::Replay;
use crate::cancel::CancelToken;
use crate::chart::backtest::{BacktestChart, Panel, Recorded};
use crate::chart::{self, Chart, Options};
use crate::error::{Diagnostic, Error, InputError, Note};
use crate::model::Model;
use crate::output::{FolderKind, Staging, write_file};
use crate::overrides::{self, Change};
use crate::replicate::{Counter, RunOptions, thread_pool};
use crate::report::Render;
use crate::results::Provenance;
use crate::source::Scenario;
use crate::stats::summary::{daily_bands, percentile_sorted};
use likelihood::Moments;
use observe::{Dailies, Whose};
use search::{Cost, Stop};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::rc::Rc;

/// Evaluations (runs of the replications at one set of values) a fit makes at most, unless
/// told otherwise.
pub const DEFAULT_MAX_EVALS: usize = 200;

/// Most parameters one fit may have.
pub const MAX_PARAMS: usize = 6;

/// Significant digits of a fitted value that is not a whole number.
const SIGNIFICANT_DIGITS: i32 = 4;

/// One parameter to fit and the values it may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FitParam {
    /// Dotted path, as for [`Change`].
    pub path: String,
    /// `LOW:HIGH`, the values it may take.
    pub range: String,
}

/// What to fit.
#[derive(Debug, Clone)]
pub struct FitRequest {
    /// The observations file (CSV).
    pub observed: PathBuf,
    /// The parameters, one to [`MAX_PARAMS`].
    pub params: Vec<FitParam>,
    /// Changes applied first.
    pub changes: Vec<Change>,
    /// Evaluations the search and the curvature may make ([`DEFAULT_MAX_EVALS`] is sane).
    pub max_evals: usize,
    /// Folder for fit.json, fit.csv, scenario.toml and the back-test chart.
    pub out: Option<PathBuf>,
    /// Write into an `out` folder that holds other files (they are kept).
    pub force: bool,
}

/// A parameter's range, as checked.
#[derive(Debug, Clone, PartialEq)]
struct Bounds {
    path: String,
    low: f64,
    high: f64,
    /// The scenario's value is a whole number, so values are rounded when applied.
    integer: bool,
    /// The scenario's value, when it is a number.
    current: Option<f64>,
}

impl Bounds {
    /// The value at `unit` (0 is `low`, 1 is `high`), rounded for whole-number parameters.
    fn value(&self, unit: f64) -> f64 {
        let value = self.low + unit.clamp(0.0, 1.0) * (self.high - self.low);
        if self.integer { value.round() } else { value }
    }

    /// Where `value` lies in the range, 0 to 1.
    fn unit(&self, value: f64) -> f64 {
        ((value - self.low) / (self.high - self.low)).clamp(0.0, 1.0)
    }

    /// The change that sets the parameter to `value`.
    fn change(&self, value: f64) -> Change {
        if self.integer {
            Change::integer(&self.path, value as i64)
        } else {
            Change::number(&self.path, value)
        }
    }

    /// The estimate as reported and written: a whole number, or four significant digits, in
    /// the range.
    fn rounded(&self, value: f64) -> f64 {
        if self.integer || value == 0.0 {
            return self.value(self.unit(value));
        }
        let scale = 10f64.powi(SIGNIFICANT_DIGITS - 1 - value.abs().log10().floor() as i32);
        ((value * scale).round() / scale).clamp(self.low, self.high)
    }

    /// One whole unit, in units of the range, for whole-number parameters (whose steps of the
    /// finite differences are whole units).
    fn spacing(&self) -> Option<f64> {
        self.integer.then(|| 1.0 / (self.high - self.low))
    }
}

/// A fit whose scenario, ranges and observations are checked, ready to run.
#[derive(Debug)]
pub struct FitPlan {
    scenario: Scenario,
    changes: Vec<Change>,
    first: Model,
    bounds: Vec<Bounds>,
    observations: Vec<Observation>,
    observed: String,
    max_evals: usize,
    out: Option<Staging>,
}

/// A fitted parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedParam {
    /// Dotted path.
    pub path: String,
    /// Lowest value allowed.
    pub low: f64,
    /// Highest value allowed.
    pub high: f64,
    /// Whether values are whole numbers (the scenario's value is one).
    pub integer: bool,
    /// The scenario's value, when it is a number.
    pub scenario_value: Option<f64>,
    /// The most likely value (a whole number, or four significant digits).
    pub estimate: f64,
    /// Its standard error, from the curvature (`None` without a peak).
    pub sd: Option<f64>,
    /// Low end of the 95% interval, `estimate − t sd` (t: the 97.5% quantile of Student's t
    /// with R − 1 degrees of freedom), at least `low`.
    pub ci95_low: Option<f64>,
    /// High end of the 95% interval, `estimate + t sd`, at most `high`.
    pub ci95_high: Option<f64>,
    /// The interval reaches `low` (it was cut there: the range may be too narrow).
    pub ci95_low_at_bound: bool,
    /// The interval reaches `high`.
    pub ci95_high_at_bound: bool,
}

/// A recorded figure against the fitted scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationFit {
    /// The figure.
    pub observation: Observation,
    /// Mean of the fitted scenario's runs, people.
    pub simulated_mean: f64,
    /// Standard deviation over the runs, people.
    pub simulated_sd: f64,
    /// 5th percentile over the runs.
    pub simulated_p5: f64,
    /// 95th percentile over the runs.
    pub simulated_p95: f64,
    /// `(observed − mean) / √v`, with v the variance of the likelihood (runs' spread, the
    /// error of their mean and the recording error).
    pub z_score: f64,
}

/// One set of values the fit evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Why it was evaluated.
    pub phase: Phase,
    /// The values, in the order of the parameters.
    pub values: Vec<f64>,
    /// The log-likelihood of the figures there.
    pub log_likelihood: f64,
}

/// A fit's results.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The scenario's name.
    pub scenario: String,
    /// Provenance of the fitted scenario as run.
    pub provenance: Provenance,
    /// The observations file, as given.
    pub observed: String,
    /// Start date and horizon, for the heading.
    pub period: String,
    /// The parameters, in the order given.
    pub params: Vec<FittedParam>,
    /// Correlations of the estimates (parameter by parameter), when there is a peak.
    pub correlation: Option<Vec<Vec<f64>>>,
    /// Each recorded figure against the fitted scenario.
    pub observations: Vec<ObservationFit>,
    /// Every set of values evaluated, in order.
    pub evaluations: Vec<Evaluation>,
    /// The log-likelihood at the estimate.
    pub log_likelihood: f64,
    /// Whether Nelder–Mead converged before the evaluations allowed ran out.
    pub converged: bool,
    /// Evaluations the search and the curvature were allowed.
    pub max_evals: usize,
    /// The steps of the differences of the curvature, in units of each parameter's range.
    pub curvature_steps: Vec<f64>,
    /// Things the reader should know.
    pub notes: Vec<String>,
    /// The fitted scenario (scenario.toml): the scenario with the changes and the fitted
    /// values, each with a comment saying so.
    pub fitted_scenario: String,
    /// The back-test chart's data.
    pub(crate) chart: BacktestChart,
}

fn input(message: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Input(InputError::single(Diagnostic::new(message).with_help(help)))
}

/// Reads `LOW:HIGH`.
fn parse_range(param: &FitParam) -> Result<(f64, f64), Error> {
    let spec = param.range.trim();
    let example = format!("for example --param {} --range 10:80", param.path);
    let Some((low, high)) = spec.split_once(':') else {
        return Err(input(
            format!("--range of {} expects LOW:HIGH, got `{spec}`", param.path),
            example,
        ));
    };
    let number = |text: &str| {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                input(
                    format!("--range `{spec}` of {}: `{}` is not a number", param.path, text.trim()),
                    example.clone(),
                )
            })
    };
    let (low, high) = (number(low)?, number(high)?);
    if high <= low {
        return Err(input(
            format!(
                "--range `{spec}` of {}: the high end must be above the low end",
                param.path
            ),
            example,
        ));
    }
    Ok((low, high))
}

/// Checks the parameters against the scenario (with the changes).
fn bounds(params: &[FitParam], first: &Model) -> Result<Vec<Bounds>, Error> {
    if params.is_empty() {
        return Err(input(
            "fit needs at least one --param PATH with its --range LOW:HIGH",
            "for example: backlog fit scenario.toml --observed observed.csv --param streams.arrivals.people_per_day --range 10:80",
        ));
    }
    if params.len() > MAX_PARAMS {
        return Err(input(
            format!("fit takes at most {MAX_PARAMS} --param, got {}", params.len()),
            "fit fewer parameters at a time; fix the others with --set",
        ));
    }
    let mut bounds: Vec<Bounds> = Vec::new();
    for param in params {
        let path = param.path.trim();
        if bounds.iter().any(|b| b.path == path) {
            return Err(input(
                format!("--param {path} is given twice"),
                "give each parameter once, with its --range",
            ));
        }
        if path == "run" || path.starts_with("run.") {
            return Err(input(
                format!("--param {path}: the [run] settings (period, seed, replications) cannot be fitted"),
                "fit a value of a port, a stream or a class; change [run] settings with --set",
            ));
        }
        let (low, high) = parse_range(param)?;
        let current = overrides::current(&first.text, path)?;
        let number = current.as_ref().and_then(crate::analysis::sweep::numeric);
        if current.is_some() && number.is_none() {
            return Err(input(
                format!("{path} is not a number in this scenario, so it cannot be fitted"),
                "fit a number, e.g. streams.<name>.people_per_day or streams.<name>.patience_days.mean",
            ));
        }
        let integer = current.as_ref().is_some_and(toml_edit::Value::is_integer);
        if integer && (low.fract() != 0.0 || high.fract() != 0.0) {
            return Err(input(
                format!(
                    "--range {} of {path} must run from a whole number to a whole number",
                    param.range.trim()
                ),
                format!(
                    "{path} is a whole number in the scenario, so it is fitted in whole numbers: e.g. --range {}:{} (to fit it as a number that need not be whole, write the scenario's value with a decimal point, e.g. 5.0)",
                    low.floor(),
                    high.ceil()
                ),
            ));
        }
        bounds.push(Bounds {
            path: path.to_owned(),
            low,
            high,
            integer,
            current: number,
        });
    }
    Ok(bounds)
}

/// The changes that set the parameters to `values`, after `changes`.
fn changes_at(changes: &[Change], bounds: &[Bounds], values: &[f64]) -> Vec<Change> {
    let mut all = changes.to_vec();
    all.extend(bounds.iter().zip(values).map(|(b, &v)| b.change(v)));
    all
}

/// `streams.x.people_per_day=80` for messages.
fn shown_values(bounds: &[Bounds], values: &[f64]) -> String {
    let parts: Vec<String> = bounds
        .iter()
        .zip(values)
        .map(|(b, &v)| format!("{}={}", b.path, b.change(v).value_text()))
        .collect();
    parts.join(", ")
}

/// The scenario with `values`, or the scenario's message prefixed by what the fit tried.
fn load_at(scenario: &Scenario, changes: &[Change], bounds: &[Bounds], values: &[f64]) -> Result<Model, Error> {
    scenario
        .load_with(&changes_at(changes, bounds, values))
        .map(|mut model| {
            // Provenance names the user's changes; fit.json and the fitted scenario.toml give
            // the fitted values.
            model.changes.truncate(changes.len());
            model
        })
        .map_err(|error| match error {
            Error::Input(mut input) => {
                input.diagnostics.insert(
                    0,
                    Diagnostic::new(format!(
                        "the fit would try {}, which the scenario does not accept:",
                        shown_values(bounds, values)
                    ))
                    .with_help("give each --range only values the key allows"),
                );
                Error::Input(input)
            }
            other => other,
        })
}

/// Every corner of the box of ranges, as values (2^k of them).
fn corners(bounds: &[Bounds]) -> Vec<Vec<f64>> {
    (0..1usize << bounds.len())
        .map(|mask| {
            bounds
                .iter()
                .enumerate()
                .map(|(j, b)| b.value(if mask & (1 << j) == 0 { 0.0 } else { 1.0 }))
                .collect()
        })
        .collect()
}

/// Checks a fit of `scenario` to the figures of `request.observed`: the parameters and their
/// ranges (the scenario is validated at every corner of them), the observations file (every
/// problem at its line and column), the evaluations allowed and the output folder.
pub fn plan(scenario: &Scenario, request: FitRequest) -> Result<FitPlan, Error> {
    let first = scenario.load_with(&request.changes)?;
    let bounds = bounds(&request.params, &first)?;
    let observations = observations::read(&request.observed, scenario.limits().input_bytes(), &first)?;
    if observations.len() < bounds.len() {
        return Err(input(
            format!(
                "{} parameters cannot be fitted to {} recorded figure{}",
                bounds.len(),
                observations.len(),
                if observations.len() == 1 { "" } else { "s" }
            ),
            "give at least as many figures as parameters, or fit fewer parameters",
        ));
    }
    let least = least_evaluations(bounds.len());
    if request.max_evals < least {
        return Err(input(
            format!(
                "--max-evals {} is too few to fit {} parameter{}",
                request.max_evals,
                bounds.len(),
                if bounds.len() == 1 { "" } else { "s" }
            ),
            format!("the search and the curvature need at least {least}; the default is {DEFAULT_MAX_EVALS}"),
        ));
    }
    for corner in corners(&bounds) {
        load_at(scenario, &request.changes, &bounds, &corner)?;
    }
    let out = request
        .out
        .as_ref()
        .map(|dir| Staging::new(dir, FolderKind::Fit, request.force))
        .transpose()?;
    Ok(FitPlan {
        scenario: scenario.clone(),
        changes: request.changes,
        first,
        bounds,
        observations,
        observed: request.observed.display().to_string(),
        max_evals: request.max_evals,
        out,
    })
}

/// Fewest evaluations a fit of `k` parameters may be allowed: the first simplex, ten steps of
/// the search per parameter, and the curvature.
fn least_evaluations(k: usize) -> usize {
    (k + 1) + 10 * k + search::curvature_evaluations(k)
}

/// What one set of values gave: −log L, and each figure's simulated mean and variance (as the
/// likelihood has it).
#[derive(Debug)]
struct Evaluated {
    cost: f64,
    moments: Vec<(f64, f64)>,
}

/// Runs the replications at each set of values asked for, once: keeps every evaluation, and
/// what each set of values gave.
struct Evaluator<'a> {
    plan: &'a FitPlan,
    /// The rounds folder, when the search runs in rounds.
    replay: Option<Replay<'a>>,
    options: &'a RunOptions,
    replications: u32,
    pool: rayon::ThreadPool,
    cancel: &'a CancelToken,
    /// Simulations finished, for progress.
    progress: Counter<'a>,
    evaluations: RefCell<Vec<Evaluation>>,
    /// What each set of values gave, by the bits of the values.
    evaluated: RefCell<BTreeMap<Vec<u64>, Rc<Evaluated>>>,
    /// New evaluations allowed so far.
    allowed: Cell<usize>,
    used: Cell<usize>,
}

impl Evaluator<'_> {
    fn values(&self, unit: &[f64]) -> Vec<f64> {
        self.plan.bounds.iter().zip(unit).map(|(b, &u)| b.value(u)).collect()
    }

    /// What the values at a point of the unit box give (evaluated once per distinct set of
    /// values applied).
    fn evaluate(&self, unit: &[f64], phase: Phase) -> Result<Rc<Evaluated>, Stop> {
        let values = self.values(unit);
        let key: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
        if let Some(evaluated) = self.evaluated.borrow().get(&key) {
            return Ok(Rc::clone(evaluated));
        }
        if self.used.get() >= self.allowed.get() {
            return Err(Stop::Budget);
        }
        self.used.set(self.used.get() + 1);
        let moments = self.observed_moments(&values).map_err(Stop::Failed)?;
        let log_likelihood = likelihood::log_likelihood(&self.plan.observations, &moments);
        self.record(phase, values, log_likelihood);
        let evaluated = Rc::new(Evaluated {
            cost: -log_likelihood,
            moments: self
                .plan
                .observations
                .iter()
                .zip(&moments)
                .map(|(o, m)| (m.mean, m.total_variance(o.recording_sd())))
                .collect(),
        });
        self.evaluated.borrow_mut().insert(key, Rc::clone(&evaluated));
        Ok(evaluated)
    }

    /// The moments of each figure's simulated values.
    fn moments(&self, dailies: &Dailies) -> Vec<Moments> {
        self.plan
            .observations
            .iter()
            .map(|o| Moments::of(&observe::values(dailies, o.whose, o.series, o.day)))
            .collect()
    }

    /// The moments of each figure's simulated values with `values`: simulated here, or, in
    /// rounds, from the round that evaluates them.
    fn observed_moments(&self, values: &[f64]) -> Result<Vec<Moments>, Error> {
        let Some(replay) = &self.replay else {
            let (_, dailies) = self.run(values, 0..self.replications)?;
            return Ok(self.moments(&dailies));
        };
        let plan = self.plan;
        let point = plan
            .bounds
            .iter()
            .zip(values)
            .map(|(bounds, value)| format!("{}={value}", bounds.path))
            .collect::<Vec<_>>()
            .join(", ");
        let width = plan.observations.len();
        let stored = replay.round(&[point], self.replications, width, |ranges| {
            let (_, dailies) = self.run(values, ranges[0].clone())?;
            let by_figure: Vec<Vec<f64>> = plan
                .observations
                .iter()
                .map(|o| observe::values(&dailies, o.whose, o.series, o.day))
                .collect();
            let per_replication = (0..ranges[0].len())
                .map(|r| by_figure.iter().map(|values| values[r]).collect())
                .collect();
            Ok(vec![per_replication])
        })?;
        let replications = &stored[0];
        Ok((0..width)
            .map(|i| Moments::of(&replications.iter().map(|values| values[i]).collect::<Vec<f64>>()))
            .collect())
    }

    fn record(&self, phase: Phase, values: Vec<f64>, log_likelihood: f64) {
        self.evaluations.borrow_mut().push(Evaluation {
            phase,
            values,
            log_likelihood,
        });
    }

    /// The replications `replications` of the scenario with `values`, checked against the
    /// limits (of all the search's replications) first.
    fn run(&self, values: &[f64], replications: Range<u32>) -> Result<(Model, Dailies), Error> {
        let plan = self.plan;
        let model = load_at(&plan.scenario, &plan.changes, &plan.bounds, values)?;
        let options = RunOptions {
            replications: Some(self.replications),
            ..self.options.clone()
        };
        crate::guard::estimate(&model, &options).check(&options.limits)?;
        let dailies = Dailies::run(
            &model,
            replications,
            self.options.engine,
            &self.pool,
            self.cancel,
            &self.progress,
        )?;
        Ok((model, dailies))
    }
}

impl FitPlan {
    /// What validation noted about the scenario (with the changes).
    pub fn notes(&self) -> &[Note] {
        &self.first.notes
    }

    /// The recorded figures, as read.
    pub fn observations(&self) -> &[Observation] {
        &self.observations
    }

    /// Runs the fit: every set of values with the same replications (those `options` gives,
    /// else the scenario's; at least 2), then the fitted scenario once more for the
    /// back-test. With an output folder, writes fit.json, fit.csv, scenario.toml and the
    /// back-test chart. Progress counts simulations; their total is not known in advance.
    pub fn run(self, options: &RunOptions) -> Result<Fit, Error> {
        self.run_in(options, None)
    }

    /// [`run`](Self::run) in rounds kept in the folder of `rounds` (see [`Rounds`]), one
    /// evaluation a round: a shard runs its part of each round it can and stops with
    /// [`Error::Rounds`]; the coordinator gives the fit once every round is in, the same as
    /// [`run`](Self::run)'s (it runs the fitted scenario for the back-test itself).
    pub fn run_rounds(self, options: &RunOptions, rounds: &Rounds) -> Result<Fit, Error> {
        self.run_in(options, Some(rounds))
    }

    fn run_in(self, options: &RunOptions, rounds: Option<&Rounds>) -> Result<Fit, Error> {
        let replications = options.replications.unwrap_or(self.first.replications);
        if replications < 2 {
            return Err(input(
                format!("a fit needs at least 2 replications, got {replications}"),
                "the likelihood is judged from the spread of the runs: give -r 20 or more",
            ));
        }
        for corner in corners(&self.bounds) {
            let model = load_at(&self.scenario, &self.changes, &self.bounds, &corner)?;
            let one = RunOptions {
                replications: Some(replications),
                ..options.clone()
            };
            crate::guard::estimate(&model, &one).check(&options.limits)?;
        }
        let k = self.bounds.len();
        let never = CancelToken::new();
        let replay = match rounds {
            Some(rounds) => {
                let key = serde_json::json!({
                    "provenance": Provenance::new(&self.first, replications).with_engine(options.engine),
                    "params": format!("{:?}", self.bounds),
                    "observations": crate::shard::sha256(format!("{:?}", self.observations).as_bytes()),
                    "max_evals": self.max_evals,
                });
                Some(rounds.open("fit", key, &options.limits)?)
            }
            None => None,
        };
        let evaluator = Evaluator {
            plan: &self,
            replay,
            options,
            replications,
            pool: thread_pool(options.threads)?,
            cancel: options.cancel.as_ref().unwrap_or(&never),
            progress: Counter::new(None, options.progress.as_ref()),
            evaluations: RefCell::new(Vec::new()),
            evaluated: RefCell::new(BTreeMap::new()),
            allowed: Cell::new(self.max_evals - search::curvature_evaluations(k)),
            used: Cell::new(0),
        };
        let cost = |unit: &[f64], phase: Phase| evaluator.evaluate(unit, phase).map(|e| e.cost);
        let cost: &Cost<'_> = &cost;
        let moments = |unit: &[f64], phase: Phase| evaluator.evaluate(unit, phase).map(|e| e.moments.clone());
        let start: Vec<f64> = self
            .bounds
            .iter()
            .map(|b| {
                b.current
                    .filter(|v| (b.low..=b.high).contains(v))
                    .map_or(0.5, |v| b.unit(v))
            })
            .collect();
        let found = search::minimise(cost, &start)?;
        evaluator.allowed.set(self.max_evals);
        let spacings: Vec<Option<f64>> = self.bounds.iter().map(Bounds::spacing).collect();
        let curvature = match search::curvature(&moments, &found.best, &spacings) {
            Ok(curvature) => curvature,
            Err(Stop::Failed(error)) => return Err(error),
            Err(Stop::Budget) => {
                return Err(Error::Search("the curvature ran out of its evaluations".to_owned()));
            }
        };
        if let Some(stop) = evaluator.replay.as_ref().and_then(Replay::complete) {
            return Err(stop);
        }
        let estimates: Vec<f64> = self
            .bounds
            .iter()
            .zip(evaluator.values(&found.best))
            .map(|(b, v)| b.rounded(v))
            .collect();
        let (model, fitted) = evaluator.run(&estimates, 0..replications)?;
        let log_likelihood = likelihood::log_likelihood(&self.observations, &evaluator.moments(&fitted));
        evaluator.record(Phase::Fitted, estimates.clone(), log_likelihood);
        let t = crate::analysis::t_quantile(0.975, f64::from(replications - 1));
        let params = fitted_params(&self.bounds, &estimates, curvature.covariance.as_deref(), t);
        let correlation = curvature.covariance.as_deref().map(correlation);
        let mut notes = Vec::new();
        if !found.converged {
            notes.push(format!(
                "the search stopped after {} evaluations (--max-evals {}) before it converged: the estimate is the most likely point found; allow more evaluations",
                evaluator.used.get(),
                self.max_evals
            ));
        }
        if curvature.covariance.is_none() {
            notes.push(
                "the figures do not pin the parameters down at the estimate (the curvature of the likelihood is not positive definite), so there are no intervals: give more figures or fit fewer parameters; parameters whose values change no figure cannot be fitted"
                    .to_owned(),
            );
        }
        for p in &params {
            if p.ci95_low_at_bound || p.ci95_high_at_bound {
                notes.push(format!(
                    "the 95% interval of {} reaches the end of its range ({}–{}) and is cut there: the range may be too narrow",
                    p.path,
                    render::show(p, p.low),
                    render::show(p, p.high)
                ));
            }
        }
        let observations = observation_fits(&self.observations, &fitted);
        let comment_notes: Vec<(String, String)> = params
            .iter()
            .map(|p| (p.path.clone(), render::fitted_comment(p, &self.observed)))
            .collect();
        let provenance = Provenance::new(&model, replications);
        let fit = Fit {
            scenario: model.name.clone(),
            period: match model.start_date {
                Some(date) => format!("{} days from {date}", model.horizon_days),
                None => format!("{} days", model.horizon_days),
            },
            chart: backtest(&self.observations, &fitted, &model, &provenance, &self.observed),
            provenance,
            observed: self.observed.clone(),
            params,
            correlation,
            observations,
            evaluations: evaluator.evaluations.take(),
            log_likelihood,
            converged: found.converged,
            max_evals: self.max_evals,
            curvature_steps: curvature.steps,
            notes,
            fitted_scenario: overrides::annotate(&model.text, &comment_notes),
        };
        if let Some(staging) = self.out {
            fit.write_files(staging.path())?;
            staging.commit()?;
        }
        Ok(fit)
    }
}

/// The parameters with their estimates and, from the covariance (unit-box coordinates), their
/// intervals: `estimate ± t sd`.
fn fitted_params(bounds: &[Bounds], estimates: &[f64], covariance: Option<&[Vec<f64>]>, t: f64) -> Vec<FittedParam> {
    bounds
        .iter()
        .zip(estimates)
        .enumerate()
        .map(|(j, (b, &estimate))| {
            let sd = covariance.map(|c| c[j][j].sqrt() * (b.high - b.low));
            let low = sd.map(|sd| estimate - t * sd);
            let high = sd.map(|sd| estimate + t * sd);
            FittedParam {
                path: b.path.clone(),
                low: b.low,
                high: b.high,
                integer: b.integer,
                scenario_value: b.current,
                estimate,
                sd,
                ci95_low: low.map(|v| v.max(b.low)),
                ci95_high: high.map(|v| v.min(b.high)),
                ci95_low_at_bound: low.is_some_and(|v| v <= b.low),
                ci95_high_at_bound: high.is_some_and(|v| v >= b.high),
            }
        })
        .collect()
}

/// The correlation matrix of a covariance matrix.
fn correlation(covariance: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let sd: Vec<f64> = (0..covariance.len()).map(|i| covariance[i][i].sqrt()).collect();
    covariance
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, c)| if i == j { 1.0 } else { c / (sd[i] * sd[j]) })
                .collect()
        })
        .collect()
}

/// Each figure against the fitted scenario's runs.
fn observation_fits(observations: &[Observation], fitted: &Dailies) -> Vec<ObservationFit> {
    observations
        .iter()
        .map(|o| {
            let mut values = observe::values(fitted, o.whose, o.series, o.day);
            let moments = Moments::of(&values);
            values.sort_by(f64::total_cmp);
            ObservationFit {
                observation: o.clone(),
                simulated_mean: moments.mean,
                simulated_sd: moments.variance.sqrt(),
                simulated_p5: percentile_sorted(&values, 5.0),
                simulated_p95: percentile_sorted(&values, 95.0),
                z_score: moments.z_score(o.value, o.recording_sd()),
            }
        })
        .collect()
}

/// The back-test chart's data: a panel per recorded (scope, series), in the order of the file.
fn backtest(
    observations: &[Observation],
    fitted: &Dailies,
    model: &Model,
    provenance: &Provenance,
    observed: &str,
) -> BacktestChart {
    let mut panels: Vec<(Whose, Panel)> = Vec::new();
    for o in observations {
        let recorded = Recorded {
            day: o.day,
            value: o.value,
            range: o.low.zip(o.high),
        };
        if let Some((_, panel)) = panels
            .iter_mut()
            .find(|(whose, panel)| *whose == o.whose && panel.series == o.series)
        {
            panel.recorded.push(recorded);
            continue;
        }
        let paths = observe::paths(fitted, o.whose, o.series);
        let bands = daily_bands(&paths);
        let rows = paths.first().map_or(0, Vec::len);
        let mean = (0..rows)
            .map(|row| paths.iter().map(|path| path[row]).sum::<f64>() / paths.len() as f64)
            .collect();
        panels.push((
            o.whose,
            Panel {
                scope: o.scope.clone(),
                series: o.series,
                mean,
                p5: bands.iter().map(|b| b[0]).collect(),
                p95: bands.iter().map(|b| b[4]).collect(),
                recorded: vec![recorded],
            },
        ));
    }
    let mut sources: Vec<String> = Vec::new();
    for o in observations {
        if !sources.contains(&o.source) {
            sources.push(o.source.clone());
        }
    }
    BacktestChart {
        provenance: provenance.clone(),
        observed: observed.to_owned(),
        start_date: model.start_date,
        horizon_days: model.horizon_days,
        row_days: fitted.row_days(),
        panels: panels.into_iter().map(|(_, panel)| panel).collect(),
        sources,
    }
}

impl Fit {
    /// Writes fit.json, fit.csv, scenario.toml and the back-test chart (PNG and SVG) into `dir`.
    fn write_files(&self, dir: &std::path::Path) -> Result<(), Error> {
        write_file(&dir.join("fit.json"), self.to_json().as_bytes())?;
        write_file(&dir.join("fit.csv"), self.to_csv().as_bytes())?;
        write_file(&dir.join("scenario.toml"), self.fitted_scenario.as_bytes())?;
        chart::write_charts(
            &[Chart::Backtest(&self.chart)],
            dir,
            &[chart::Format::Png, chart::Format::Svg],
            &Options::default(),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
