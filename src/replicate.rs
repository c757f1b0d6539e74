//! Many replications in parallel, merged in replication order so that results are
//! byte-identical whatever the number of threads.

use crate::cancel::CancelToken;
use crate::engine::{Engine, run_replication_with};
use crate::error::Error;
use crate::guard::Limits;
use crate::model::Model;
use crate::results::Results;
use crate::stats::summary::Scalars;
use crate::stats::{DailySeries, NumberSeries, PeopleStats, Replication};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How far a run has got: simulations finished out of the total (`None` when not known in
/// advance, as in a goal search).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Simulations (replications, or runs of a variant) finished.
    pub done: u64,
    /// Simulations in all, when known.
    pub total: Option<u64>,
}

/// A function told of progress; called from worker threads, so it must be cheap.
pub(crate) type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// How to run: replications, threads, engine, limits, a cancel token and a progress function.
///
/// ```
/// use backlog::{CancelToken, RunOptions};
/// let stop = CancelToken::new();
/// let options = RunOptions::new()
///     .replications(50)
///     .threads(2)
///     .cancel(stop.clone())
///     .progress(|p| eprintln!("{} of {:?} done", p.done, p.total));
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct RunOptions {
    pub(crate) replications: Option<u32>,
    pub(crate) threads: Option<usize>,
    pub(crate) engine: Engine,
    pub(crate) cancel: Option<CancelToken>,
    pub(crate) progress: Option<ProgressFn>,
    pub(crate) limits: Limits,
    pub(crate) share_over_days: Vec<u32>,
}

impl RunOptions {
    /// The scenario's replications, one thread per core, the default engine, the default
    /// limits, no cancel token and no progress function.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `replications` replications instead of the scenario's number.
    pub fn replications(mut self, replications: u32) -> Self {
        self.replications = Some(replications);
        self
    }

    /// Runs on `threads` worker threads (at least 1) instead of one per core. Results do not
    /// depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// Simulates each replication by `engine` (the results are the same).
    pub fn engine(mut self, engine: Engine) -> Self {
        self.engine = engine;
        self
    }

    /// Stops the run with [`Error::Interrupted`] once `token` is cancelled.
    pub fn cancel(mut self, token: CancelToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// Calls `report` after every simulation finishes (from worker threads).
    pub fn progress(mut self, report: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    /// Refuses runs estimated to go past `limits`.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Also reports the share of people processed who waited more than each of these numbers
    /// of days (besides those the scenario asks for, in `share_over_days`).
    pub fn share_over_days(mut self, days: &[u32]) -> Self {
        self.share_over_days.extend_from_slice(days);
        self
    }

    /// The waits whose shares a run of `model` reports: the scenario's and these options'.
    pub(crate) fn shares_of(&self, model: &Model) -> Vec<u32> {
        let mut days: Vec<u32> = model
            .share_over_days
            .iter()
            .chain(&self.share_over_days)
            .copied()
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("replications", &self.replications)
            .field("threads", &self.threads)
            .field("engine", &self.engine)
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.as_ref().map(|_| "Fn(Progress)"))
            .field("limits", &self.limits)
            .field("share_over_days", &self.share_over_days)
            .finish()
    }
}

/// Counts finished simulations and tells the caller's progress function.
pub(crate) struct Counter<'a> {
    done: AtomicU64,
    total: Option<u64>,
    report: Option<&'a ProgressFn>,
}

impl<'a> Counter<'a> {
    pub(crate) fn new(total: Option<u64>, report: Option<&'a ProgressFn>) -> Self {
        Counter {
            done: AtomicU64::new(0),
            total,
            report,
        }
    }

    /// One more simulation finished.
    pub(crate) fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(report) = self.report {
            report(Progress {
                done,
                total: self.total,
            });
        }
    }
}

/// Scalars of one replication for every scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ReplicationRow {
    /// Replication number.
    pub index: u32,
    /// Events handled.
    pub events: u64,
    /// Everyone.
    pub total: Scalars,
    /// Per port.
    pub ports: Vec<Scalars>,
    /// Per class.
    pub classes: Vec<Scalars>,
    /// Per stream, when streams are reported (see [`streams_reported`]).
    pub streams: Vec<Scalars>,
}

/// Every replication of a run (or of a shard of it), merged in replication order. Serialised
/// as it is, it is a shard's state (see docs/scale-out.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Replications {
    /// Replications run.
    pub replications: u32,
    /// One row per replication, in order.
    pub rows: Vec<ReplicationRow>,
    /// People statistics pooled over replications: everyone.
    pub pooled_total: PeopleStats,
    /// Pooled per port.
    pub pooled_ports: Vec<PeopleStats>,
    /// Pooled per class.
    pub pooled_classes: Vec<PeopleStats>,
    /// Daily series per port, then per replication.
    pub daily_by_port: Vec<Vec<DailySeries>>,
    /// Daily series summed over ports, per replication.
    pub daily_total: Vec<DailySeries>,
    /// Pooled per stream, when streams are reported (some port has more than one; otherwise
    /// each stream's results are its port's).
    pub pooled_streams: Vec<PeopleStats>,
    /// Daily series per stream, then per replication, when streams are reported.
    pub daily_by_stream: Vec<Vec<DailySeries>>,
    /// List numbers per port with numbers (`None` for the others), then per replication.
    pub numbers_by_port: Vec<Option<Vec<NumberSeries>>>,
    /// Events handled in all replications.
    pub events: u64,
    /// The waits (days) whose shares are reported.
    pub share_over_days: Vec<u32>,
}

impl Replications {
    pub(crate) fn new(model: &Model, share_over_days: Vec<u32>) -> Self {
        let outcomes = model.outcomes.len();
        let streams = if streams_reported(model) {
            model.streams.len()
        } else {
            0
        };
        Replications {
            pooled_streams: (0..streams).map(|_| PeopleStats::new(outcomes)).collect(),
            daily_by_stream: (0..streams).map(|_| Vec::new()).collect(),
            numbers_by_port: model
                .ports
                .iter()
                .map(|port| port.list_numbers.map(|_| Vec::new()))
                .collect(),
            share_over_days,
            replications: 0,
            rows: Vec::new(),
            pooled_total: PeopleStats::new(outcomes),
            pooled_ports: model.ports.iter().map(|_| PeopleStats::new(outcomes)).collect(),
            pooled_classes: model.classes.iter().map(|_| PeopleStats::new(outcomes)).collect(),
            daily_by_port: model.ports.iter().map(|_| Vec::new()).collect(),
            daily_total: Vec::new(),
            events: 0,
        }
    }

    /// Appends the next replication's digest (digests must come in replication order).
    fn absorb(&mut self, digest: Digest) {
        self.events += digest.row.events;
        self.rows.push(digest.row);
        for (series, daily) in self.daily_by_port.iter_mut().zip(digest.daily_by_port) {
            series.push(daily);
        }
        self.daily_total.push(digest.daily_total);
        for (series, daily) in self.daily_by_stream.iter_mut().zip(digest.daily_by_stream) {
            series.push(daily);
        }
        for (series, numbers) in self.numbers_by_port.iter_mut().zip(digest.numbers_by_port) {
            if let (Some(series), Some(numbers)) = (series, numbers) {
                series.push(numbers);
            }
        }
        self.replications += 1;
    }

    /// Appends the replications of `next`, which follow these in replication order: the same
    /// state as if they had been run here (the per-replication parts are appended in order,
    /// and the pooled statistics are exact integer sums).
    pub(crate) fn append(&mut self, next: Replications) {
        self.merge_pooled(&Pooled {
            total: next.pooled_total,
            ports: next.pooled_ports,
            classes: next.pooled_classes,
            streams: next.pooled_streams,
        });
        self.events += next.events;
        self.rows.extend(next.rows);
        for (series, next) in self.daily_by_port.iter_mut().zip(next.daily_by_port) {
            series.extend(next);
        }
        self.daily_total.extend(next.daily_total);
        for (series, next) in self.daily_by_stream.iter_mut().zip(next.daily_by_stream) {
            series.extend(next);
        }
        for (series, next) in self.numbers_by_port.iter_mut().zip(next.numbers_by_port) {
            if let (Some(series), Some(next)) = (series, next) {
                series.extend(next);
            }
        }
        self.replications += next.replications;
    }

    /// Every scope's pooled people statistics, in a fixed order.
    pub(crate) fn pooled(&self) -> impl Iterator<Item = &PeopleStats> {
        std::iter::once(&self.pooled_total)
            .chain(&self.pooled_ports)
            .chain(&self.pooled_classes)
            .chain(&self.pooled_streams)
    }

    /// Whether [`append`](Self::append) of `next` (of the same shape) keeps every count
    /// within its integer type.
    pub(crate) fn can_append(&self, next: &Replications) -> bool {
        self.events.checked_add(next.events).is_some()
            && self
                .pooled()
                .zip(next.pooled())
                .all(|(mine, theirs)| mine.can_merge(theirs))
    }

    /// Adds people statistics pooled over some replications.
    fn merge_pooled(&mut self, pooled: &Pooled) {
        self.pooled_total.merge(&pooled.total);
        for (mine, theirs) in self.pooled_ports.iter_mut().zip(&pooled.ports) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.pooled_classes.iter_mut().zip(&pooled.classes) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.pooled_streams.iter_mut().zip(&pooled.streams) {
            mine.merge(theirs);
        }
    }
}

/// Whether a model's results are broken down by stream: when some port has more than one.
pub(crate) fn streams_reported(model: &Model) -> bool {
    (0..model.ports.len()).any(|port| model.streams_at(port) > 1)
}

/// People statistics of everyone, each port and each class, over one or more replications.
#[derive(Debug, Clone)]
struct Pooled {
    total: PeopleStats,
    ports: Vec<PeopleStats>,
    classes: Vec<PeopleStats>,
    streams: Vec<PeopleStats>,
}

impl Pooled {
    fn merge(mut self, other: Pooled) -> Pooled {
        self.total.merge(&other.total);
        for (mine, theirs) in self.ports.iter_mut().zip(&other.ports) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.classes.iter_mut().zip(&other.classes) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.streams.iter_mut().zip(&other.streams) {
            mine.merge(theirs);
        }
        self
    }
}

/// One replication boiled down to what `Results` keeps; made on the worker threads.
struct Digest {
    row: ReplicationRow,
    pooled: Option<Pooled>,
    daily_by_port: Vec<DailySeries>,
    daily_total: DailySeries,
    daily_by_stream: Vec<DailySeries>,
    numbers_by_port: Vec<Option<NumberSeries>>,
}

impl Digest {
    fn new(model: &Model, replication: Replication, shares: &[u32]) -> Self {
        let outcomes = model.outcomes.len();
        let total = replication.total_people(outcomes);
        let daily_total = replication.total_daily();
        let ports: Vec<PeopleStats> = (0..model.ports.len())
            .map(|p| replication.port_people(p, outcomes))
            .collect();
        let classes: Vec<PeopleStats> = (0..model.classes.len())
            .map(|c| replication.class_people(c, outcomes))
            .collect();
        let mut replication = replication;
        let (streams, daily_by_stream): (Vec<PeopleStats>, Vec<DailySeries>) = if streams_reported(model) {
            let taken = replication.take_streams(model.streams.iter().map(|stream| stream.port));
            model
                .streams
                .iter()
                .zip(taken)
                .map(|(stream, taken)| match taken {
                    Some(result) => (result.people, result.daily),
                    None => (
                        replication.port_people(stream.port, outcomes),
                        replication.ports[stream.port].daily.clone(),
                    ),
                })
                .unzip()
        } else {
            (Vec::new(), Vec::new())
        };
        let row = ReplicationRow {
            index: replication.index,
            events: replication.events,
            total: Scalars::of(&total, Some(&daily_total), shares),
            ports: ports
                .iter()
                .zip(&replication.ports)
                .map(|(people, port)| Scalars::of(people, Some(&port.daily), shares))
                .collect(),
            classes: classes.iter().map(|people| Scalars::of(people, None, shares)).collect(),
            streams: streams
                .iter()
                .zip(&daily_by_stream)
                .map(|(people, daily)| Scalars::of(people, Some(daily), shares))
                .collect(),
        };
        let (daily_by_port, numbers_by_port) = replication
            .ports
            .into_iter()
            .map(|port| (port.daily, port.numbers))
            .unzip();
        Digest {
            row,
            pooled: Some(Pooled {
                total,
                ports,
                classes,
                streams,
            }),
            daily_by_port,
            daily_total,
            daily_by_stream,
            numbers_by_port,
        }
    }
}

/// Worker threads: `threads` of them, or one per core.
pub(crate) fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    if threads == Some(0) {
        return Err(Error::Input(crate::error::InputError::single(
            crate::error::Diagnostic::new("--threads must be at least 1").with_help("leave it out to use every core"),
        )));
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads);
    }
    builder.build().map_err(|error| Error::Threads(error.to_string()))
}

/// Runs the replications of `model` that `options` asks for, on worker threads, and merges
/// them in replication order: the results are byte-identical whatever the number of threads.
///
/// A cancelled [`CancelToken`] stops the run with [`Error::Interrupted`]; nothing of it is
/// returned, and the next run is unaffected.
///
/// Before anything runs, the run's people and memory are estimated and checked against the
/// options' [`Limits`] ([`Error::Limit`]).
pub fn simulate(model: &Model, options: &RunOptions) -> Result<Results, Error> {
    crate::guard::estimate(model, options).check(&options.limits)?;
    let mut results = Results::new(model, run(model, options)?);
    results.set_engine(options.engine);
    Ok(results)
}

/// Runs the model's replications on a thread pool and merges them in order.
pub(crate) fn run(model: &Model, options: &RunOptions) -> Result<Replications, Error> {
    run_range(model, options, 0..options.replications.unwrap_or(model.replications))
}

/// Runs replications `range` of the model on a thread pool and merges them in order.
pub(crate) fn run_range(model: &Model, options: &RunOptions, range: Range<u32>) -> Result<Replications, Error> {
    let pool = thread_pool(options.threads)?;
    let never = CancelToken::new();
    let cancel = options.cancel.as_ref().unwrap_or(&never);
    let progress = Counter::new(Some(u64::from(range.len() as u32)), options.progress.as_ref());
    let shares = options.shares_of(model);
    let mut results = Replications::new(model, shares.clone());
    // Chunks bound memory (each replication holds histograms) while keeping every core busy.
    let digest_bytes = crate::guard::estimate(model, options).digest_bytes;
    let chunk = crate::guard::batch_replications(pool.current_num_threads(), digest_bytes) as u32;
    let mut start = range.start;
    while start < range.end {
        let end = start.saturating_add(chunk).min(range.end);
        if cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        let mut batch: Vec<Digest> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|r| {
                    let digest = Digest::new(model, run_replication_with(model, r, options.engine, cancel)?, &shares);
                    progress.tick();
                    Ok(digest)
                })
                .collect::<Result<_, Error>>()
        })?;
        // Pooled statistics are exact integer sums, so merging them in a parallel tree gives
        // the same result as merging in order.
        let pooled = pool.install(|| {
            batch
                .par_iter_mut()
                .filter_map(|digest| digest.pooled.take())
                .reduce_with(Pooled::merge)
        });
        if let Some(pooled) = &pooled {
            results.merge_pooled(pooled);
        }
        for digest in batch {
            results.absorb(digest);
        }
        start = end;
    }
    Ok(results)
}
