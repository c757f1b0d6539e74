//! Goal-seeking: the smallest (or largest) value of a parameter that meets a goal on a metric,
//! found by a monotone search on paired replications: see [`plan`] and [`Answer`].

mod search;

pub use search::{Answer, Bound, Boundary, Direction, Evaluation, Goal, Grid, Refusal, Turn};

use super::Rounds;
use super::{Metric, Scope, Variant, align, format_interval, format_metric};
use crate::cancel::CancelToken;
use crate::error::{Diagnostic, Error, InputError, Note};
use crate::format::thousands;
use crate::model::{Date, Model};
use crate::overrides::{self, Change};
use crate::replicate::{Counter, RunOptions, thread_pool};
use crate::results::Provenance;
use crate::source::Scenario;
use serde_json::json;

/// What to search for.
#[derive(Debug, Clone)]
pub struct TargetRequest {
    /// Dotted path of the parameter searched, as for [`Change`].
    pub param: String,
    /// The goal.
    pub goal: Goal,
    /// Changes applied first.
    pub changes: Vec<Change>,
    /// Judge the goal on runs cut at this day.
    pub by_day: Option<DayOrDate>,
    /// `LOW:HIGH` (or `LOW:HIGH:STEP`) of the parameter; default a tenth to ten times its value.
    pub range: Option<String>,
    /// Distance between values tried (default 1 for whole numbers, else a thousandth of the range).
    pub step: Option<f64>,
    /// Metrics of one port only (everyone when `None`).
    pub port: Option<String>,
}

/// A search whose scenario, range and goal are checked, ready to run.
#[derive(Debug)]
pub struct TargetPlan {
    request: TargetRequest,
    scenario: Scenario,
    sets: Vec<Change>,
    first: Model,
    cut: Option<u32>,
    grid: Grid,
    scope: Scope,
}

/// A search's results.
#[derive(Debug, Clone)]
pub struct Target {
    /// The scenario's name.
    pub scenario: String,
    /// Provenance of the scenario as searched (after the changes and the cut).
    pub provenance: Provenance,
    /// The parameter.
    pub param: String,
    /// The goal.
    pub goal: Goal,
    /// The day the runs were cut at.
    pub by_day: Option<u32>,
    /// The values searched.
    pub grid: Grid,
    /// Whose metrics.
    pub scope: Scope,
    /// What was found.
    pub answer: Answer,
}

fn input(message: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Input(InputError::single(Diagnostic::new(message).with_help(help)))
}

/// A value of the parameter as written in tables and messages.
fn show(grid: &Grid, value: f64) -> String {
    match grid.places {
        Some(places) => format!("{value:.*}", places as usize),
        None => format!("{value}"),
    }
}

/// A 1-2-5 step near `raw`, with its decimal places.
fn nice_step(raw: f64) -> (f64, Option<u32>) {
    if raw.is_nan() || raw <= 0.0 || raw.is_infinite() {
        return (1.0, Some(0));
    }
    let exponent = raw.log10().floor();
    let base = 10f64.powf(exponent);
    let mantissa = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|m| m * base >= raw * 0.999)
        .unwrap_or(10.0);
    let step = mantissa * base;
    let places = if step >= 1.0 { 0 } else { (-step.log10().floor()) as u32 };
    (step, Some(places))
}

fn decimals(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.contains(['e', 'E']) {
        None
    } else {
        Some(text.split_once('.').map_or(0, |(_, f)| f.len() as u32))
    }
}

fn combine(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    Some(a?.max(b?))
}

/// The grid from `--range`, `--step` and the parameter's current value; a parameter that is a
/// whole number in the scenario (`quota_per_day = 100`, `officers = 5`) is searched over whole
/// numbers only, one apart unless `--step` says otherwise.
fn grid(request: &TargetRequest, current: Option<f64>, whole: bool) -> Result<Grid, Error> {
    let whole_help = |what: &str| {
        format!(
            "{} is a whole number in the scenario, so {what} must be whole numbers; to search fractions, write its value with a decimal point there (e.g. 100.0) or with --set",
            request.param
        )
    };
    let example = "for example --range 10:500";
    let (low, high, places, range_step) = match &request.range {
        Some(spec) => {
            let parts: Vec<&str> = spec.split(':').collect();
            if !(2..=3).contains(&parts.len()) {
                return Err(input(format!("--range expects LOW:HIGH, got `{spec}`"), example));
            }
            let number = |text: &str| -> Result<f64, Error> {
                text.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| input(format!("--range `{spec}`: `{text}` is not a number"), example))
            };
            let (low, high) = (number(parts[0])?, number(parts[1])?);
            if whole && (low.fract() != 0.0 || high.fract() != 0.0) {
                return Err(input(
                    format!("--range `{spec}` has an end that is not a whole number"),
                    whole_help("its ends"),
                ));
            }
            if high <= low {
                return Err(input(
                    format!("--range `{spec}`: the high end must be above the low end"),
                    example,
                ));
            }
            let places = combine(decimals(parts[0]), decimals(parts[1]));
            (low, high, places, parts.get(2).map(|s| s.trim().to_owned()))
        }
        None => {
            let Some(value) = current.filter(|v| *v > 0.0) else {
                return Err(input(
                    format!("{} has no positive number to search around", request.param),
                    "give the values to search with --range LOW:HIGH",
                ));
            };
            if value.fract() == 0.0 {
                ((value / 10.0).floor().max(1.0), value * 10.0, Some(0), None)
            } else {
                (value / 10.0, value * 10.0, None, None)
            }
        }
    };
    let step_text = request.step.map(|step| format!("{step}")).or(range_step);
    let (step, places) = match step_text {
        Some(text) => {
            let step = text.parse::<f64>().unwrap_or(f64::NAN);
            if step.is_nan() || step <= 0.0 || step.is_infinite() {
                return Err(input(
                    format!("the step `{text}` must be a number above 0"),
                    "for example --step 1",
                ));
            }
            if whole && step.fract() != 0.0 {
                return Err(input(
                    format!("the step `{text}` is not a whole number"),
                    whole_help("its steps"),
                ));
            }
            (step, combine(decimals(&text), places))
        }
        None if whole || (places == Some(0) && high - low >= 10.0) => (1.0, Some(0)),
        None => {
            let (step, step_places) = nice_step((high - low) / 1000.0);
            (step, combine(step_places, places))
        }
    };
    let grid = Grid::new(low, high, step, places);
    if grid.count > 10_000_000 {
        return Err(input(
            format!("the range with step {step} has {} values", grid.count),
            "use a larger --step",
        ));
    }
    Ok(grid)
}

/// A day of the run: a day number (day 0 is the first), or a calendar date counted from the
/// scenario's start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOrDate {
    /// Day number.
    Day(i64),
    /// Calendar date.
    Date(Date),
}

impl std::fmt::Display for DayOrDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DayOrDate::Day(day) => write!(f, "{day}"),
            DayOrDate::Date(date) => write!(f, "{date}"),
        }
    }
}

impl std::str::FromStr for DayOrDate {
    type Err = InputError;

    /// Reads `90` or `2019-01-01`.
    fn from_str(text: &str) -> Result<DayOrDate, InputError> {
        let text = text.trim();
        if let Ok(day) = text.parse::<i64>() {
            return Ok(DayOrDate::Day(day));
        }
        Date::parse(text).map(DayOrDate::Date).ok_or_else(|| {
            InputError::single(
                Diagnostic::new(format!("--by-day `{text}` is not a day number or a date"))
                    .with_help("for example --by-day 90, or --by-day 2019-01-01 with a scenario that has a start_date"),
            )
        })
    }
}

/// The day `cut` names in a scenario starting on `start`: at least day 1.
fn by_day(cut: DayOrDate, start: Option<Date>) -> Result<u32, Error> {
    let day = match cut {
        DayOrDate::Day(day) => day,
        DayOrDate::Date(date) => {
            let Some(start) = start else {
                return Err(input(
                    format!("--by-day {cut} is a date, but the scenario has no start_date"),
                    "give a day number instead",
                ));
            };
            date.days_since_epoch() - start.days_since_epoch()
        }
    };
    if day < 1 {
        return Err(input(
            format!("--by-day {cut} is not after day 0"),
            "the runs are cut at that day, so it must be at least day 1",
        ));
    }
    u32::try_from(day).map_err(|_| {
        input(
            format!("--by-day {cut} is after the longest run possible"),
            "give a day within the scenario's horizon",
        )
    })
}

/// Checks the goal, the range and the scenario of a search (with the changes and the cut).
pub fn plan(scenario: &Scenario, request: TargetRequest) -> Result<TargetPlan, Error> {
    let mut sets = request.changes.clone();
    let mut cut = None;
    if let Some(day_or_date) = request.by_day {
        let day = by_day(day_or_date, scenario.load_with(&sets)?.start_date)?;
        sets.push(Change::integer("run.horizon_days", i64::from(day)));
        cut = Some(day);
    }
    let first = scenario.load_with(&sets)?;
    let current = overrides::current(&first.text, &request.param)?;
    let current_number = current.as_ref().and_then(crate::analysis::sweep::numeric);
    let whole = current.as_ref().is_some_and(|value| value.as_integer().is_some());
    if current.is_some() && current_number.is_none() {
        return Err(input(
            format!(
                "{} is not a number in this scenario, so it cannot be searched",
                request.param
            ),
            "search a numeric key, e.g. ports.<name>.capacity.quota_per_day",
        ));
    }
    let grid = grid(&request, current_number, whole)?;
    let scope = request.port.clone().map_or(Scope::Total, Scope::Port);
    // An unknown port is reported before anything runs.
    scope.index(&first)?;
    Ok(TargetPlan {
        request,
        scenario: scenario.clone(),
        sets,
        first,
        cut,
        grid,
        scope,
    })
}

impl TargetPlan {
    /// What validation noted about the scenario (with the changes and the cut).
    pub fn notes(&self) -> &[Note] {
        &self.first.notes
    }

    /// Runs the search, every value tried with the same replications (those `options` gives,
    /// else the scenario's). Progress counts simulations; their total is not known in advance.
    pub fn run(self, options: &RunOptions) -> Result<Target, Error> {
        self.run_in(options, None)
    }

    /// [`run`](Self::run) in rounds kept in the folder of `rounds` (see [`Rounds`]): a shard
    /// runs its part of each round it can and stops with [`Error::Rounds`]; the coordinator
    /// gives the search's results once every round is in, the same as [`run`](Self::run)'s.
    pub fn run_rounds(self, options: &RunOptions, rounds: &Rounds) -> Result<Target, Error> {
        self.run_in(options, Some(rounds))
    }

    fn run_in(self, options: &RunOptions, rounds: Option<&Rounds>) -> Result<Target, Error> {
        let TargetPlan {
            request,
            scenario,
            sets,
            first,
            cut,
            grid,
            scope,
        } = self;
        let goal = request.goal;
        let metric = goal.metric;
        // A goal on a share over some days needs that share computed.
        let with_share;
        let options = match metric {
            Metric::ShareOver(days) => {
                with_share = options.clone().share_over_days(&[days]);
                &with_share
            }
            _ => options,
        };
        let replications = options.replications.unwrap_or(first.replications);
        let pool = thread_pool(options.threads)?;
        let never = CancelToken::new();
        let cancel = options.cancel.as_ref().unwrap_or(&never);
        let counter = Counter::new(None, options.progress.as_ref());
        let replay = match rounds {
            Some(rounds) => {
                let key = json!({
                    "provenance": Provenance::new(&first, replications).with_engine(options.engine),
                    "param": request.param,
                    "goal": goal.describe(),
                    "grid": format!("{grid:?}"),
                    "scope": scope.name(),
                    "share_over_days": options.shares_of(&first),
                });
                Some(rounds.open("target", key, &options.limits)?)
            }
            None => None,
        };
        // The metric of the goal in each replication of `ranges[i]` at each value `values[i]`.
        let run_blocks = |values: &[f64], ranges: &[std::ops::Range<u32>]| -> Result<Vec<Vec<f64>>, Error> {
            let models = values
                .iter()
                .map(|&value| {
                    let mut changes = sets.clone();
                    changes.push(Change::number(&request.param, value));
                    scenario.load_with(&changes).map_err(|error| match error {
                        Error::Input(mut input) => {
                            input.diagnostics.insert(
                                0,
                                Diagnostic::new(format!(
                                    "the search tried {}={}, which the scenario does not accept:",
                                    request.param,
                                    show(&grid, value)
                                ))
                                .with_help("search a range the key allows, with --range LOW:HIGH"),
                            );
                            Error::Input(input)
                        }
                        other => other,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let ports = models
                .iter()
                .map(|model| scope.index(model))
                .collect::<Result<Vec<_>, _>>()?;
            let variants: Vec<Variant<'_>> = models
                .iter()
                .zip(&ports)
                .map(|(model, &port)| Variant { model, port })
                .collect();
            super::check_limits(&variants, options, replications)?;
            let runs = super::run_variant_blocks(&pool, &variants, ranges, cancel, &counter, options)?;
            Ok(runs
                .iter()
                .map(|r| r.scalars.iter().map(|s| metric.goal_value(s)).collect())
                .collect())
        };
        let found = search::search(&grid, &goal, |values| {
            let Some(replay) = &replay else {
                return run_blocks(values, &vec![0..replications; values.len()]);
            };
            let points: Vec<String> = values
                .iter()
                .map(|value| format!("{}={value}", request.param))
                .collect();
            let stored = replay.round(&points, replications, 1, |ranges| {
                let values = run_blocks(values, ranges)?;
                Ok(values
                    .into_iter()
                    .map(|point| point.into_iter().map(|value| vec![value]).collect())
                    .collect())
            })?;
            Ok(stored
                .into_iter()
                .map(|point| point.into_iter().map(|values| values[0]).collect())
                .collect())
        })?;
        if let Some(stop) = replay.as_ref().and_then(|replay| replay.complete()) {
            return Err(stop);
        }
        match found {
            Ok(answer) => Ok(Target {
                scenario: first.name.clone(),
                provenance: Provenance::new(&first, replications),
                param: request.param.clone(),
                goal,
                by_day: cut,
                grid,
                scope,
                answer,
            }),
            Err(refusal) => Err(refusal_error(&refusal, &request.param, &goal, &grid, cut)),
        }
    }
}

fn share_text(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn turn_text(turn: &Turn, grid: &Grid, as_share: bool, metric: Metric) -> String {
    let value = |v: f64| {
        if as_share {
            share_text(v)
        } else {
            format_metric(metric, v)
        }
    };
    format!(
        "from {} at {} to {} at {}",
        value(turn.from_mean),
        show(grid, turn.from),
        value(turn.to_mean),
        show(grid, turn.to)
    )
}

/// A refusal as a message: what was asked, why there is no answer, and what to do.
pub(crate) fn refusal_error(refusal: &Refusal, param: &str, goal: &Goal, grid: &Grid, by_day: Option<u32>) -> Error {
    let range = format!("{}–{}", show(grid, grid.low), show(grid, grid.high()));
    let cut = by_day.map_or(String::new(), |d| format!(" by day {d}"));
    let estimate = |e: &Evaluation| format_interval(goal.metric, &e.estimate(), false);
    let (message, help) = match refusal {
        Refusal::NotMonotone { what, rise, fall } => {
            let as_share = what.starts_with("share");
            (
                format!(
                    "cannot search {param} for {}{cut}: the {what} is not monotone over {range}",
                    goal.describe()
                ),
                format!(
                    "it rises {} but falls {}; a monotone search needs it to go one way only. Narrow --range to one side, or look at the whole range with `backlog sweep --param {param} --range {}:{}`",
                    turn_text(rise, grid, as_share, goal.metric),
                    turn_text(fall, grid, as_share, goal.metric),
                    show(grid, grid.low),
                    show(grid, grid.high())
                ),
            )
        }
        Refusal::NeverMet { best, worst } => (
            format!(
                "the goal {}{cut} cannot be met with {param} in {range}",
                goal.describe()
            ),
            format!(
                "at {} it holds in {} of {} ({} = {}), and at {} in {}; widen --range or ask for a goal within reach",
                show(grid, best.value),
                best.met,
                crate::format::replications(best.values.len() as u32),
                goal.metric.label(),
                estimate(best),
                show(grid, worst.value),
                worst.met
            ),
        ),
        Refusal::AlwaysMet { worst } => (
            format!(
                "the goal {}{cut} already holds at {} = {}, the least favourable end of {range}",
                goal.describe(),
                param,
                show(grid, worst.value)
            ),
            format!(
                "it holds in {} of {} there ({} = {}); the answer lies beyond the range: widen --range",
                worst.met,
                crate::format::replications(worst.values.len() as u32),
                goal.metric.label(),
                estimate(worst)
            ),
        ),
    };
    input(message, help)
}

fn boundary_text(grid: &Grid, boundary: Boundary) -> String {
    match boundary {
        Boundary::At(v) => show(grid, v),
        Boundary::AtEnd(v) => format!("{} (end of the range)", show(grid, v)),
    }
}

impl crate::report::Render for Target {
    /// The answer as text, with the values tried.
    fn to_table(&self) -> String {
        let a = &self.answer;
        let which = match a.direction {
            Direction::Smallest => "smallest",
            Direction::Largest => "largest",
        };
        let cut = self
            .by_day
            .map_or(String::new(), |d| format!(" by day {d} (runs cut there)"));
        let whose = match &self.scope {
            Scope::Total => String::new(),
            Scope::Port(name) if name == super::END_TO_END => " end to end through the network".to_owned(),
            Scope::Port(name) => format!(" at port {name}"),
        };
        let mut out = format!(
            "{}: the {which} {} with {}{cut}{whose}\n",
            self.scenario,
            self.param,
            self.goal.describe()
        );
        out.push_str(&format!(
            "Searched {}–{} in steps of {}; {} replication(s) at every value tried, the same ones (common random numbers); seed {}\n\n",
            show(&self.grid, self.grid.low),
            show(&self.grid, self.grid.high()),
            show(&self.grid, self.grid.step),
            a.replications,
            self.provenance.seed
        ));
        out.push_str(&format!("Answer: {}\n", show(&self.grid, a.answer)));
        if let Some(e) = a.at_answer() {
            out.push_str(&format!(
                "  the goal holds there in {} of {} replication(s); {} = {}{}\n",
                e.met,
                e.values.len(),
                self.goal.metric.label(),
                format_interval(self.goal.metric, &e.estimate(), false),
                if self.goal.metric.in_days() { " days" } else { "" }
            ));
        }
        let (from, to) = match a.direction {
            Direction::Smallest => (a.five, a.ninety_five),
            Direction::Largest => (a.ninety_five, a.five),
        };
        out.push_str(&format!(
            "Uncertainty: {} to {}: the goal holds in at least 5% of replications from {}, in at least 95% from {}{}\n",
            show(&self.grid, from.value()),
            show(&self.grid, to.value()),
            boundary_text(&self.grid, a.five),
            boundary_text(&self.grid, a.ninety_five),
            if from.value() == to.value() {
                " (every replication meets it from the same value)"
            } else {
                ""
            }
        ));
        out.push_str(&format!(
            "Search: {} values tried, {} simulation runs\n\n",
            a.evaluations.len(),
            thousands(a.runs() as f64)
        ));
        let mut rows = vec![vec![
            self.param.rsplit('.').next().unwrap_or(&self.param).to_owned(),
            "goal met in".to_owned(),
            format!(
                "{}{}",
                self.goal.metric.label(),
                if self.goal.metric.in_days() { " (days)" } else { "" }
            ),
        ]];
        for e in &a.evaluations {
            rows.push(vec![
                show(&self.grid, e.value),
                format!("{}/{}", e.met, e.values.len()),
                format_interval(self.goal.metric, &e.estimate(), false),
            ]);
        }
        out.push_str(&align(&rows));
        out
    }

    /// The values tried as CSV (the answer is in the table and the JSON).
    fn to_csv(&self) -> String {
        let a = &self.answer;
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record([
            self.param.as_str(),
            "replications_meeting_goal",
            "replications",
            "share_meeting_goal",
            &format!("{}_mean", self.goal.metric.name()),
            &format!("{}_ci95_low", self.goal.metric.name()),
            &format!("{}_ci95_high", self.goal.metric.name()),
        ]);
        let cell = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v}"));
        for e in &a.evaluations {
            let estimate = e.estimate();
            let _ = writer.write_record([
                show(&self.grid, e.value),
                e.met.to_string(),
                e.values.len().to_string(),
                format!("{}", e.share()),
                cell(estimate.mean),
                cell(estimate.ci95_low),
                cell(estimate.ci95_high),
            ]);
        }
        writer
            .into_inner()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }

    /// The answer as JSON.
    fn to_json(&self) -> String {
        let a = &self.answer;
        let boundary = |b: Boundary| {
            json!({
                "value": b.value(),
                "at_end_of_range": matches!(b, Boundary::AtEnd(_)),
            })
        };
        let (kind, limit) = match self.goal.bound {
            Bound::AtMost(x) => ("at_most", x),
            Bound::AtLeast(x) => ("at_least", x),
        };
        let evaluations: Vec<_> = a
            .evaluations
            .iter()
            .map(|e| {
                json!({
                    "value": e.value,
                    "replications_meeting_goal": e.met,
                    "replications": e.values.len(),
                    "metric": e.estimate(),
                })
            })
            .collect();
        let document = json!({
            "provenance": self.provenance,
            "param": self.param,
            "scope": self.scope.name(),
            "goal": { "metric": self.goal.metric.name(), kind: limit, "by_day": self.by_day },
            "range": { "low": self.grid.low, "high": self.grid.high(), "step": self.grid.step },
            "direction": match a.direction { Direction::Smallest => "smallest", Direction::Largest => "largest" },
            "answer": a.answer,
            "five_percent": boundary(a.five),
            "ninety_five_percent": boundary(a.ninety_five),
            "values_tried": a.evaluations.len(),
            "simulation_runs": a.runs(),
            "evaluations": evaluations,
        });
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.0013), (0.002, Some(3)));
        assert_eq!(nice_step(0.001), (0.001, Some(3)));
        assert_eq!(nice_step(4.0), (5.0, Some(0)));
    }

    #[test]
    fn grids_follow_the_range_and_the_current_value() {
        let request = |range: Option<&str>, step: Option<f64>| TargetRequest {
            range: range.map(str::to_owned),
            step,
            param: "x".into(),
            goal: Goal {
                metric: Metric::WaitP90,
                bound: Bound::AtMost(30.0),
            },
            changes: Vec::new(),
            by_day: None,
            port: None,
        };
        let grid_of = |request: &TargetRequest, current| grid(request, current, false);
        let g = grid_of(&request(None, None), Some(100.0)).unwrap();
        assert_eq!((g.low, g.high(), g.step), (10.0, 1000.0, 1.0));
        let g = grid_of(&request(Some("0.1:0.9"), None), None).unwrap();
        assert_eq!((g.low, g.step, g.places), (0.1, 0.001, Some(3)));
        assert!((g.high() - 0.9).abs() < 1e-12);
        let g = grid_of(&request(Some("10:20:0.5"), None), None).unwrap();
        assert_eq!((g.count, g.places), (21, Some(1)));
        let g = grid_of(&request(Some("10:20"), Some(2.0)), None).unwrap();
        assert_eq!(g.count, 6);
        assert!(grid_of(&request(Some("20:10"), None), None).is_err());
        assert!(grid_of(&request(None, None), None).is_err());
        assert!(grid_of(&request(Some("1:2"), Some(0.0)), None).is_err());
        // A step so small that the values cannot be counted is refused, not wrapped.
        assert!(grid_of(&request(Some("10:1000"), Some(1e-20)), None).is_err());
    }

    /// A parameter that is a whole number is searched one by one, whatever the range's width.
    #[test]
    fn whole_parameters_step_over_whole_numbers() {
        let request = |range: &str, step: Option<f64>| TargetRequest {
            range: Some(range.to_owned()),
            step,
            param: "ports.p.capacity.officers".into(),
            goal: Goal {
                metric: Metric::WaitP90,
                bound: Bound::AtMost(30.0),
            },
            changes: Vec::new(),
            by_day: None,
            port: None,
        };
        let g = grid(&request("2:6", None), Some(4.0), true).unwrap();
        assert_eq!(
            (g.low, g.high(), g.step, g.count, g.places),
            (2.0, 6.0, 1.0, 5, Some(0))
        );
        let values: Vec<f64> = (0..g.count).map(|i| g.value(i)).collect();
        assert_eq!(values, [2.0, 3.0, 4.0, 5.0, 6.0]);
        // A fractional parameter over the same range is searched in fine steps.
        let g = grid(&request("2:6", None), Some(4.5), false).unwrap();
        assert_eq!((g.step, g.count), (0.005, 801));
        let g = grid(&request("2:10", Some(2.0)), Some(4.0), true).unwrap();
        assert_eq!(g.count, 5);
        // Without a range: a tenth to ten times the value, one by one.
        let mut around = request("1:2", None);
        around.range = None;
        let g = grid(&around, Some(3.0), true).unwrap();
        assert_eq!((g.low, g.high(), g.step), (1.0, 30.0, 1.0));
        for (range, step) in [("2.5:6", None), ("2:6", Some(0.5)), ("2:6:0.5", None)] {
            let error = grid(&request(range, step), Some(4.0), true).expect_err("not whole");
            assert_eq!(error.exit_code(), 2);
            assert!(
                error.to_string().contains("is a whole number in the scenario"),
                "{error}"
            );
        }
    }

    #[test]
    fn days_and_dates_cut_the_runs() {
        let start = Date {
            year: 2018,
            month: 11,
            day: 1,
        };
        let cut = |text: &str| text.parse::<DayOrDate>().unwrap();
        assert_eq!(by_day(cut("5"), None).unwrap(), 5);
        assert_eq!(by_day(cut("2019-01-01"), Some(start)).unwrap(), 61);
        assert!(by_day(cut("2019-01-01"), None).is_err());
        assert!(by_day(cut("0"), None).is_err());
        assert!("soon".parse::<DayOrDate>().is_err());
        assert!("2019-02-30".parse::<DayOrDate>().is_err());
    }
}
