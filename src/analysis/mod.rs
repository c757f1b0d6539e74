//! Policy analysis: the metrics that sweeps, comparisons and goal-seeking report, running many
//! variants of a scenario with common random numbers, and paired differences.
//!
//! **Common random numbers.** Every random stream of the engine is seeded from (scenario seed,
//! replication, role, name): an arrival stream from its `name`, a port from its `name`
//! (see `engine::rng`). Nothing depends on the position of a stream in the file or
//! on which other streams exist. So replication *r* of two variants of a scenario (two sweep
//! points, two compared files) sees the same arrivals wherever the variants agree, and the
//! difference between them in replication *r* is due to the policy, not to luck. Differences
//! are therefore taken replication by replication ([`paired_difference`]); their confidence
//! intervals are much narrower than those of independent runs ([`unpaired_difference`]).
//!
//! - [`sweep`]: values of one or two parameters, and the grid of points they make;
//! - [`compare`]: metrics of several scenarios side by side, with paired differences;
//! - [`target`]: the monotone search for the parameter value that meets a goal;
//! - [`fit`]: the values of parameters that make recorded figures most likely (calibration);
//! - [`Rounds`]: `target` and `fit` run in rounds, each round's simulations split in shards.

pub mod compare;
pub mod fit;
pub(crate) mod rounds;
pub mod sweep;
pub mod target;

pub use compare::{CompareRequest, Comparison};
pub use fit::{Fit, FitParam, FitPlan, FitRequest};
pub use rounds::{RoundStop, Rounds};
pub use sweep::{Param, Sweep, SweepPlan, SweepRequest, Values};
pub use target::{Target, TargetRequest};

use crate::cancel::CancelToken;
use crate::engine::{Engine, run_replication_with};
use crate::error::{Diagnostic, Error, InputError};
use crate::format::thousands;
use crate::model::Model;
use crate::replicate::Counter;
use crate::replicate::{Progress, RunOptions, simulate, thread_pool};
use crate::results::Results;
use crate::stats::merged;
use crate::stats::summary::{Estimate, Scalars};
use crate::validate::suggest;
use rayon::prelude::*;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// A number reported per replication that sweeps, comparisons and goals are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// People processed.
    Processed,
    /// People who left unprocessed.
    Abandoned,
    /// People still waiting at the end of the run.
    WaitingAtEnd,
    /// Mean wait of people processed, days.
    WaitMean,
    /// Median wait, days.
    WaitP50,
    /// 90th percentile of waits, days.
    WaitP90,
    /// 99th percentile of waits, days.
    WaitP99,
    /// Share of people processed who waited at all (P(wait > 0)), 0 to 1.
    ShareWaited,
    /// The first day at whose end nobody was on the list.
    FirstEmptyDay,
    /// The longest list at a day's end.
    PeakList,
    /// Share of people processed who waited more than this many days, 0 to 1 (`share_over_30`);
    /// reported for the days asked for with `share_over_days` or `--share-over`.
    ShareOver(u32),
}

impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name())
    }
}

impl Metric {
    /// Every metric that is always reported, in the order of tables (the shares over a number
    /// of days come after them, for the days asked for: see [`Metric::with_shares`]).
    pub const ALL: [Metric; 10] = [
        Metric::Processed,
        Metric::Abandoned,
        Metric::WaitingAtEnd,
        Metric::WaitMean,
        Metric::WaitP50,
        Metric::WaitP90,
        Metric::WaitP99,
        Metric::ShareWaited,
        Metric::FirstEmptyDay,
        Metric::PeakList,
    ];

    /// [`Metric::ALL`], then the share who waited more than each of `share_over_days`.
    pub fn with_shares(share_over_days: &[u32]) -> Vec<Metric> {
        Metric::ALL
            .into_iter()
            .chain(share_over_days.iter().map(|&days| Metric::ShareOver(days)))
            .collect()
    }

    /// Every metric's name, quoted: `` `processed`, `abandoned`, … and `share_over_N` ``.
    pub fn list() -> String {
        let mut names: Vec<&str> = Metric::ALL.iter().map(|m| m.static_name()).collect();
        names.push("share_over_N");
        suggest::quoted_list(&names)
    }

    /// The name used on the command line and in CSV and JSON.
    pub fn name(self) -> Cow<'static, str> {
        match self {
            Metric::ShareOver(days) => Cow::Owned(format!("share_over_{days}")),
            other => Cow::Borrowed(other.static_name()),
        }
    }

    /// The name of a metric other than a share over a number of days.
    fn static_name(self) -> &'static str {
        match self {
            Metric::ShareOver(_) => "share_over_N",
            Metric::Processed => "processed",
            Metric::Abandoned => "abandoned",
            Metric::WaitingAtEnd => "waiting_at_end",
            Metric::WaitMean => "wait_mean",
            Metric::WaitP50 => "wait_p50",
            Metric::WaitP90 => "wait_p90",
            Metric::WaitP99 => "wait_p99",
            Metric::ShareWaited => "share_waited",
            Metric::FirstEmptyDay => "first_empty_day",
            Metric::PeakList => "peak_list",
        }
    }

    /// A short label for tables and charts.
    pub fn label(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Metric::ShareOver(days) => return Cow::Owned(format!("waited > {days} d")),
            Metric::Processed => "processed",
            Metric::Abandoned => "left unprocessed",
            Metric::WaitingAtEnd => "still waiting",
            Metric::WaitMean => "wait mean",
            Metric::WaitP50 => "wait p50",
            Metric::WaitP90 => "wait p90",
            Metric::WaitP99 => "wait p99",
            Metric::ShareWaited => "waited at all",
            Metric::FirstEmptyDay => "first empty day",
            Metric::PeakList => "peak list",
        })
    }

    /// What it means, in a sentence fragment.
    pub fn describe(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Metric::ShareOver(days) => {
                return Cow::Owned(format!(
                    "the share of people processed who waited more than {days} days"
                ));
            }
            Metric::Processed => "people processed",
            Metric::Abandoned => "people who left unprocessed",
            Metric::WaitingAtEnd => "people still waiting at the end",
            Metric::WaitMean => "the mean wait of people processed (days)",
            Metric::WaitP50 => "the median wait of people processed (days)",
            Metric::WaitP90 => "the 90th-percentile wait of people processed (days)",
            Metric::WaitP99 => "the 99th-percentile wait of people processed (days)",
            Metric::ShareWaited => "the share of people processed who waited at all",
            Metric::FirstEmptyDay => "the first day at whose end nobody was on the list",
            Metric::PeakList => "the longest list at a day's end (people)",
        })
    }

    /// Whether it is measured in days (else it counts people).
    pub fn in_days(self) -> bool {
        matches!(
            self,
            Metric::WaitMean | Metric::WaitP50 | Metric::WaitP90 | Metric::WaitP99 | Metric::FirstEmptyDay
        )
    }

    /// Its value in one replication: NaN when undefined (no wait when nobody was processed; no
    /// first empty day when the list never emptied).
    pub(crate) fn value(self, scalars: &Scalars) -> f64 {
        match self {
            Metric::Processed => scalars.processed,
            Metric::Abandoned => scalars.abandoned,
            Metric::WaitingAtEnd => scalars.waiting_at_end,
            Metric::WaitMean => scalars.wait_days[0],
            Metric::WaitP50 => scalars.wait_days[1],
            Metric::WaitP90 => scalars.wait_days[2],
            Metric::WaitP99 => scalars.wait_days[4],
            Metric::ShareWaited => scalars.share_waited,
            Metric::FirstEmptyDay => scalars.first_empty_day,
            Metric::PeakList => scalars.peak_list,
            Metric::ShareOver(days) => scalars
                .share_over
                .iter()
                .find(|&&(over, _)| over == days)
                .map_or(f64::NAN, |&(_, share)| share),
        }
    }

    /// Whether it is a share (0 to 1), shown as a percentage.
    pub fn is_share(self) -> bool {
        matches!(self, Metric::ShareWaited | Metric::ShareOver(_))
    }

    /// The value as a goal sees it: a list that never emptied emptied later than any day.
    pub(crate) fn goal_value(self, scalars: &Scalars) -> f64 {
        let value = self.value(scalars);
        if self == Metric::FirstEmptyDay && value.is_nan() {
            f64::INFINITY
        } else {
            value
        }
    }

    /// Reads a metric name (or a common short form such as `p90`, `waiting` or `left`).
    fn parse(text: &str) -> Result<Metric, InputError> {
        let key = text.trim().to_lowercase().replace(['-', ' '], "_");
        let share_over = key
            .strip_prefix("share_over_")
            .and_then(|days| days.parse::<u32>().ok())
            .map(Metric::ShareOver);
        let found = Metric::ALL
            .iter()
            .copied()
            .find(|m| m.name() == key)
            .or(share_over)
            .or(match key.as_str() {
                "left" | "left_unprocessed" | "abandoned_people" => Some(Metric::Abandoned),
                "waiting" | "still_waiting" | "waiting_at_the_end" => Some(Metric::WaitingAtEnd),
                "mean" | "wait" | "mean_wait" => Some(Metric::WaitMean),
                "p50" | "median" | "wait_median" => Some(Metric::WaitP50),
                "p90" => Some(Metric::WaitP90),
                "p99" => Some(Metric::WaitP99),
                "first_empty" | "emptied" | "empty_day" | "first_emptied" => Some(Metric::FirstEmptyDay),
                "peak" | "peak_list_length" => Some(Metric::PeakList),
                _ => None,
            });
        found.ok_or_else(|| {
            let mut names: Vec<&str> = Metric::ALL.iter().map(|m| m.static_name()).collect();
            names.push("share_over_N");
            InputError::single(
                Diagnostic::new(format!("unknown metric `{text}`")).with_help(suggest::help(
                    &key,
                    &names,
                    "the metrics are",
                )),
            )
        })
    }
}

impl std::str::FromStr for Metric {
    type Err = InputError;

    /// Reads a metric name (or a common short form such as `p90`, `waiting` or `left`); an
    /// unknown name gets a "did you mean".
    fn from_str(text: &str) -> Result<Metric, InputError> {
        Metric::parse(text)
    }
}

/// Whose metrics: everyone, or the people of one port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Everyone at every port.
    #[default]
    Total,
    /// One port, by name.
    Port(String),
}

/// The scope name of everyone end to end through a network (when no port or stage has it).
pub(crate) const END_TO_END: &str = "end_to_end";

impl Scope {
    /// `None` for everyone, or the index of the port (or stage) in `model`; the scope
    /// [`END_TO_END`] of a network is one past its last node.
    pub fn index(&self, model: &Model) -> Result<Option<usize>, InputError> {
        match self {
            Scope::Total => Ok(None),
            Scope::Port(name) => match model.ports.iter().position(|port| &port.name == name) {
                Some(index) => Ok(Some(index)),
                None if name == END_TO_END && !model.network.is_empty() => Ok(Some(model.ports.len())),
                None if name == END_TO_END => Err(InputError::single(
                    Diagnostic::new(format!("`{}` is not a network, so it has no `{END_TO_END}` scope", model.name))
                        .with_help("end-to-end metrics need stages, routing or port choice; use --port with a port's name, or leave it out for everyone"),
                )),
                None => {
                    let names: Vec<&str> = model.ports.iter().map(|port| port.name.as_str()).collect();
                    Err(InputError::single(
                        Diagnostic::new(format!("`{}` has no port named `{name}`", model.name))
                            .with_help(suggest::help(name, &names, "its ports are")),
                    ))
                }
            },
        }
    }

    /// The runs of this scope in the merged `results` of a shard folder's point (`folder`, in
    /// the shard folder `dir`), refused when the point has no such port.
    pub(crate) fn merged_runs(&self, results: &Results, dir: &Path, folder: &str) -> Result<Runs, Error> {
        let ports = &results.info.ports;
        let port = match self {
            Scope::Total => None,
            Scope::Port(name) => Some(
                ports
                    .iter()
                    .position(|port| port == name)
                    .or_else(|| (name == END_TO_END && results.info.network.is_some()).then_some(ports.len()))
                    .ok_or_else(|| crate::shard::bad_folder(dir, format!("{folder} has no port named `{name}`")))?,
            ),
        };
        Ok(Runs::of(results, port))
    }

    /// `all`, or the port's name.
    pub fn name(&self) -> &str {
        match self {
            Scope::Total => "all",
            Scope::Port(name) => name,
        }
    }
}

/// The scalars of one scope in each replication of one variant, in replication order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Runs {
    /// One per replication.
    pub scalars: Vec<Scalars>,
}

impl Runs {
    /// The runs of one scope of a run.
    pub(crate) fn of(results: &Results, port: Option<usize>) -> Runs {
        Runs {
            scalars: results
                .replications
                .rows
                .iter()
                .map(|row| match port {
                    None => row.total.clone(),
                    Some(p) => match row.ports.get(p) {
                        Some(scalars) => scalars.clone(),
                        // One past the last node: everyone end to end through a network.
                        None => row.network.clone().unwrap_or_else(|| row.total.clone()),
                    },
                })
                .collect(),
        }
    }

    /// Values of `metric`, one per replication (NaN where undefined).
    pub(crate) fn values(&self, metric: Metric) -> Vec<f64> {
        self.scalars.iter().map(|s| metric.value(s)).collect()
    }

    /// The metrics these runs report: [`Metric::ALL`], then the shares over the days asked for.
    pub(crate) fn metrics(&self) -> Vec<Metric> {
        let days: Vec<u32> = self
            .scalars
            .first()
            .map(|scalars| scalars.share_over.iter().map(|&(days, _)| days).collect())
            .unwrap_or_default();
        Metric::with_shares(&days)
    }

    /// Mean and 95% interval of `metric` over the replications where it is defined.
    pub(crate) fn estimate(&self, metric: Metric) -> Estimate {
        Estimate::from_values(&self.values(metric))
    }

    /// Replications in which the list emptied at some day's end.
    pub(crate) fn emptied(&self) -> usize {
        self.scalars.iter().filter(|s| s.first_empty_day.is_finite()).count()
    }

    /// Number of replications.
    pub(crate) fn len(&self) -> usize {
        self.scalars.len()
    }
}

/// A variant to run: a model and the port whose metrics are kept (`None`: everyone).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Variant<'a> {
    /// The validated scenario.
    pub model: &'a Model,
    /// Port index, or everyone.
    pub port: Option<usize>,
}

/// The options' progress function, reporting one of several runs done one after another as
/// part of the whole: `offset` done before it, `total` in all (progress counts over every
/// variant, not each one's replications).
pub(crate) fn offset_progress(options: &RunOptions, offset: u64, total: u64) -> Option<crate::replicate::ProgressFn> {
    options.progress.clone().map(|report| {
        Arc::new(move |p: Progress| {
            report(Progress {
                done: offset + p.done,
                total: Some(total),
            })
        }) as crate::replicate::ProgressFn
    })
}

/// Runs `replications` of every variant (of a sweep or comparison) with common random numbers:
/// all in parallel, kept in memory; or, with `out` (a folder and each variant's folder name in
/// it), one variant after another, each writing its results folder as `run --out` does.
pub(crate) fn run_each_variant(
    options: &RunOptions,
    variants: &[Variant<'_>],
    replications: u32,
    out: Option<(&Path, &[String])>,
) -> Result<Vec<Runs>, Error> {
    check_limits(variants, options, replications)?;
    let total = variants.len() as u64 * u64::from(replications);
    let never = CancelToken::new();
    let cancel = options.cancel.as_ref().unwrap_or(&never);
    let Some((dir, folders)) = out else {
        let pool = thread_pool(options.threads)?;
        let counter = Counter::new(Some(total), options.progress.as_ref());
        return run_variants(&pool, variants, replications, cancel, &counter, options);
    };
    let mut runs = Vec::new();
    for (i, (variant, folder)) in variants.iter().zip(folders).enumerate() {
        let one = RunOptions {
            replications: Some(replications),
            progress: offset_progress(options, i as u64 * u64::from(replications), total),
            ..options.clone()
        };
        let results = simulate(variant.model, &one)?;
        results.write_files(&dir.join(folder))?;
        runs.push(Runs::of(&results, variant.port));
    }
    Ok(runs)
}

/// Refuses the variants when any of them, run as `options` say, would go past the limits:
/// before any of them runs.
pub(crate) fn check_limits(variants: &[Variant<'_>], options: &RunOptions, replications: u32) -> Result<(), Error> {
    let one = RunOptions {
        replications: Some(replications),
        ..options.clone()
    };
    for variant in variants {
        crate::guard::estimate(variant.model, &one).check(&options.limits)?;
    }
    Ok(())
}

/// Runs replications `0..replications` of every variant, all of them in parallel on `pool`.
///
/// Replication r of every variant uses the same random streams wherever the variants have
/// streams and ports of the same names (common random numbers). Results come back in variant
/// then replication order, so they do not depend on the number of threads. A cancelled token
/// stops the runs with [`Error::Interrupted`]. Each variant reports the shares of waits its
/// model and `options` ask for.
pub(crate) fn run_variants(
    pool: &rayon::ThreadPool,
    variants: &[Variant<'_>],
    replications: u32,
    cancel: &CancelToken,
    progress: &Counter<'_>,
    options: &RunOptions,
) -> Result<Vec<Runs>, Error> {
    let ranges = vec![0..replications; variants.len()];
    run_variant_blocks(pool, variants, &ranges, cancel, progress, options)
}

/// [`run_variants`] of the replications `ranges[v]` of each variant `v`.
pub(crate) fn run_variant_blocks(
    pool: &rayon::ThreadPool,
    variants: &[Variant<'_>],
    ranges: &[std::ops::Range<u32>],
    cancel: &CancelToken,
    progress: &Counter<'_>,
    options: &RunOptions,
) -> Result<Vec<Runs>, Error> {
    let tasks: Vec<(usize, u32)> = ranges
        .iter()
        .enumerate()
        .flat_map(|(v, range)| range.clone().map(move |r| (v, r)))
        .collect();
    let shares: Vec<Vec<u32>> = variants
        .iter()
        .map(|variant| options.shares_of(variant.model))
        .collect();
    let scalars: Vec<Scalars> = pool.install(|| {
        tasks
            .par_iter()
            .map(|&(v, r)| {
                let Variant { model, port } = variants[v];
                let replication = run_replication_with(model, r, Engine::Auto, cancel)?;
                let outcomes = model.outcomes.len();
                let shares = &shares[v];
                let scalars = match port {
                    None => Scalars::of(
                        &replication.total_people(outcomes),
                        Some(&replication.total_daily()),
                        shares,
                    ),
                    Some(p) => match (replication.ports.get(p), &replication.network) {
                        (Some(port), _) => Scalars::of(&merged(&port.by_class, outcomes), Some(&port.daily), shares),
                        // One past the last node: everyone end to end through a network.
                        (None, Some(network)) => Scalars::of(&network.people, None, shares),
                        (None, None) => unreachable!("a scope's index is a node's or a network's"),
                    },
                };
                progress.tick();
                Ok(scalars)
            })
            .collect::<Result<_, Error>>()
    })?;
    let mut runs: Vec<Runs> = variants.iter().map(|_| Runs { scalars: Vec::new() }).collect();
    for ((v, _), scalars) in tasks.into_iter().zip(scalars) {
        runs[v].scalars.push(scalars);
    }
    Ok(runs)
}

/// Mean of `b − a` replication by replication, with its 95% interval (Student t), over the
/// replications where both are defined: the paired difference of common random numbers.
pub fn paired_difference(a: &[f64], b: &[f64]) -> Estimate {
    Estimate::from_values(&replication_differences(a, b))
}

/// `b − a` replication by replication, over the replications where both are defined.
fn replication_differences(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| y - x)
        .collect()
}

/// Difference of the means `b − a` with Welch's 95% interval, as if the two had been run
/// independently: what the difference would be known to without pairing.
pub fn unpaired_difference(a: &[f64], b: &[f64]) -> Estimate {
    let moments = |values: &[f64]| {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = finite.len() as f64;
        let mean = finite.iter().sum::<f64>() / n;
        let variance = if finite.len() > 1 {
            finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            f64::NAN
        };
        (n, mean, variance)
    };
    let (na, ma, va) = moments(a);
    let (nb, mb, vb) = moments(b);
    if na == 0.0 || nb == 0.0 {
        return Estimate {
            mean: None,
            ci95_low: None,
            ci95_high: None,
        };
    }
    let mean = mb - ma;
    if !(va.is_finite() && vb.is_finite()) {
        return Estimate {
            mean: Some(mean),
            ci95_low: None,
            ci95_high: None,
        };
    }
    let (sa, sb) = (va / na, vb / nb);
    let se = (sa + sb).sqrt();
    let half = if se == 0.0 {
        0.0
    } else {
        let df = (sa + sb).powi(2) / (sa.powi(2) / (na - 1.0) + sb.powi(2) / (nb - 1.0));
        t_quantile(0.975, df) * se
    };
    Estimate {
        mean: Some(mean),
        ci95_low: Some(mean - half),
        ci95_high: Some(mean + half),
    }
}

/// The `p` quantile of Student's t with `df` (possibly fractional) degrees of freedom.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.inverse_cdf(p))
}

/// Whether `b − a` is clearly above (`Some(true)`) or below (`Some(false)`) zero: its
/// two-sided `level` interval, replication by replication, excludes zero. With one replication
/// (no interval) any difference counts; `None` when neither.
pub fn clear_sign(a: &[f64], b: &[f64], level: f64) -> Option<bool> {
    let differences = replication_differences(a, b);
    let n = differences.len();
    if n == 0 {
        return None;
    }
    let mean = differences.iter().sum::<f64>() / n as f64;
    let half = if n == 1 {
        0.0
    } else {
        let variance = differences.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        t_quantile(0.5 + level / 2.0, (n - 1) as f64) * (variance / n as f64).sqrt()
    };
    if mean - half > 0.0 {
        Some(true)
    } else if mean + half < 0.0 {
        Some(false)
    } else {
        None
    }
}

/// Days: two decimals below 10, one above.
pub fn format_days(value: f64) -> String {
    if !value.is_finite() {
        "–".to_owned()
    } else if value.abs() < 10.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.1}")
    }
}

/// A value of `metric` as a table shows it.
pub fn format_metric(metric: Metric, value: f64) -> String {
    if metric.is_share() {
        if value.is_finite() {
            format!("{:.1}%", value * 100.0)
        } else {
            "–".to_owned()
        }
    } else if metric.in_days() {
        format_days(value)
    } else if value.is_finite() && value.abs() < 100.0 && value.fract() != 0.0 {
        format!("{value:.1}")
    } else {
        thousands(value)
    }
}

/// `mean ±half-width` (or just the mean, or `–`).
pub fn format_plus_minus(metric: Metric, estimate: &Estimate) -> String {
    match (estimate.mean, estimate.half_width()) {
        // A count's interval is shown to the same precision as the count.
        (Some(mean), Some(half)) if !metric.in_days() && !metric.is_share() && mean.abs() >= 100.0 => {
            format!("{} ±{}", thousands(mean), thousands(half))
        }
        (Some(mean), Some(half)) => format!("{} ±{}", format_metric(metric, mean), format_metric(metric, half)),
        (Some(mean), None) => format_metric(metric, mean),
        _ => "–".to_owned(),
    }
}

/// `mean [low, high]` (or just the mean, or `–`), with a sign when `signed`.
pub fn format_interval(metric: Metric, estimate: &Estimate, signed: bool) -> String {
    let show = |value: f64| {
        let text = format_metric(metric, value);
        if signed && value > 0.0 && text != "0" && text != "0.00" && text != "0.0%" {
            format!("+{text}")
        } else {
            text
        }
    };
    match (estimate.mean, estimate.ci95_low, estimate.ci95_high) {
        (Some(mean), Some(low), Some(high)) => format!("{} [{}, {}]", show(mean), show(low), show(high)),
        (Some(mean), _, _) => show(mean),
        _ => "–".to_owned(),
    }
}

/// Pads the cells of `rows` into aligned columns (the first left-aligned, the others right).
pub fn align(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            if c == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_parse_by_name_and_short_form() {
        for metric in Metric::ALL {
            assert_eq!(Metric::parse(&metric.name()).unwrap(), metric);
        }
        assert_eq!(Metric::parse("p90").unwrap(), Metric::WaitP90);
        assert_eq!(Metric::parse("share_over_30").unwrap(), Metric::ShareOver(30));
        assert_eq!(Metric::ShareOver(30).name(), "share_over_30");
        assert!(Metric::ShareOver(30).is_share());
        assert_eq!(Metric::parse("waiting-at-end").unwrap(), Metric::WaitingAtEnd);
        let message = Metric::parse("wait_p95").unwrap_err().to_string();
        assert!(
            message.contains("did you mean `wait_p90`?") || message.contains("wait_p99"),
            "{message}"
        );
    }

    #[test]
    fn paired_intervals_are_narrower_when_runs_move_together() {
        let a = [10.0, 12.0, 9.0, 14.0, 11.0, 13.0];
        let b: Vec<f64> = a.iter().map(|x| x + 1.0 + 0.01 * x).collect();
        let paired = paired_difference(&a, &b);
        let unpaired = unpaired_difference(&a, &b);
        assert!((paired.mean.unwrap() - unpaired.mean.unwrap()).abs() < 1e-12);
        assert!(paired.half_width().unwrap() < 0.1 * unpaired.half_width().unwrap());
        assert_eq!(clear_sign(&a, &b, 0.999), Some(true));
        assert_eq!(clear_sign(&b, &a, 0.999), Some(false));
        assert_eq!(clear_sign(&a, &a, 0.999), None);
        assert_eq!(clear_sign(&[1.0], &[0.5], 0.999), Some(false));
        // Welch with equal variances and sizes: t(2n - 2) times the pooled standard error.
        let x = [1.0, 2.0, 3.0];
        let y = [2.0, 3.0, 4.0];
        let welch = unpaired_difference(&x, &y);
        let expected = t_quantile(0.975, 4.0) * (2.0f64 / 3.0).sqrt();
        assert!((welch.half_width().unwrap() - expected).abs() < 1e-9);
    }

    #[test]
    fn numbers_format_for_tables() {
        assert_eq!(format_days(3.456), "3.46");
        assert_eq!(format_days(31.44), "31.4");
        let estimate = Estimate::from_values(&[1.0, 2.0, 3.0]);
        assert_eq!(
            format_interval(Metric::WaitMean, &estimate, true),
            "+2.00 [-0.48, +4.48]"
        );
        assert_eq!(
            align(&[vec!["a".into(), "1".into()], vec!["bbb".into(), "22".into()]]),
            "a     1\nbbb  22\n"
        );
    }
}
