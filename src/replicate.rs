//! Many replications in parallel, merged in replication order so that results are
//! byte-identical whatever the number of threads.

use crate::cancel::CancelToken;
use crate::engine::{Engine, run_replication_with};
use crate::error::Error;
use crate::guard::Limits;
use crate::model::Model;
use crate::results::Results;
use crate::stats::network::NetworkStats;
use crate::stats::summary::Scalars;
use crate::stats::{DailySeries, NumberSeries, PeopleStats, Replication, merged};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

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
    /// Everyone end to end through a network (`None` for independent ports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Scalars>,
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
    /// Flows and end-to-end times through a network, pooled (`None` for independent ports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkStats>,
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
            network: (!model.network.is_empty()).then(|| {
                let ends = crate::model::network::Ends::new(&model.network, &model.outcomes);
                NetworkStats::new(model.ports.len(), ends.names.len(), outcomes)
            }),
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
        if let (Some(mine), Some(theirs)) = (self.network.as_mut(), digest.network) {
            mine.merge(&theirs);
        }
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
        if let (Some(mine), Some(theirs)) = (self.network.as_mut(), next.network) {
            mine.merge(&theirs);
        }
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
            && match (&self.network, &next.network) {
                (Some(mine), Some(theirs)) => mine.can_merge(theirs),
                (None, None) => true,
                _ => false,
            }
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

/// People statistics of each class at each port (a cell) and of each reported stream, summed
/// over some replications: everyone's, each port's and each class's follow from the cells, so
/// a replication adds only its cells.
#[derive(Debug)]
struct PooledCells {
    /// By port, then by class.
    cells: Vec<Vec<PeopleStats>>,
    streams: Vec<PeopleStats>,
}

impl PooledCells {
    fn merge(mut self, other: PooledCells) -> PooledCells {
        for (mine, theirs) in self.cells.iter_mut().flatten().zip(other.cells.iter().flatten()) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.streams.iter_mut().zip(&other.streams) {
            mine.merge(theirs);
        }
        self
    }

    /// Everyone's, each port's and each class's statistics.
    fn pooled(self, classes: usize, outcomes: usize) -> Pooled {
        Pooled {
            total: merged(self.cells.iter().flatten(), outcomes),
            ports: self.cells.iter().map(|port| merged(port, outcomes)).collect(),
            classes: (0..classes)
                .map(|class| merged(self.cells.iter().map(|port| &port[class]), outcomes))
                .collect(),
            streams: self.streams,
        }
    }
}

/// The statistics of `parts` merged, borrowed when there is only one (no copy to make).
fn one_or_merged<'a>(parts: impl IntoIterator<Item = &'a PeopleStats>, outcomes: usize) -> Cow<'a, PeopleStats> {
    let mut parts = parts.into_iter();
    match (parts.next(), parts.next()) {
        (Some(only), None) => Cow::Borrowed(only),
        (first, second) => Cow::Owned(merged(first.into_iter().chain(second).chain(parts), outcomes)),
    }
}

/// One replication boiled down to what `Results` keeps; made on the worker threads.
struct Digest {
    row: ReplicationRow,
    pooled: Option<PooledCells>,
    daily_by_port: Vec<DailySeries>,
    daily_total: DailySeries,
    daily_by_stream: Vec<DailySeries>,
    numbers_by_port: Vec<Option<NumberSeries>>,
    network: Option<NetworkStats>,
}

impl Digest {
    fn new(model: &Model, mut replication: Replication, shares: &[u32]) -> Self {
        let outcomes = model.outcomes.len();
        let daily_total = replication.total_daily();
        let (streams, daily_by_stream): (Vec<PeopleStats>, Vec<DailySeries>) = if streams_reported(model) {
            let taken = replication.take_streams(&model.slots().of_stream, outcomes);
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
        let ports = &replication.ports;
        let total = one_or_merged(ports.iter().flat_map(|port| &port.by_class), outcomes);
        let row = ReplicationRow {
            index: replication.index,
            events: replication.events,
            total: Scalars::of(&total, Some(&daily_total), shares),
            ports: ports
                .iter()
                .map(|port| Scalars::of(&one_or_merged(&port.by_class, outcomes), Some(&port.daily), shares))
                .collect(),
            classes: (0..model.classes.len())
                .map(|class| {
                    let people = one_or_merged(ports.iter().map(|port| &port.by_class[class]), outcomes);
                    Scalars::of(&people, None, shares)
                })
                .collect(),
            streams: streams
                .iter()
                .zip(&daily_by_stream)
                .map(|(people, daily)| Scalars::of(people, Some(daily), shares))
                .collect(),
            network: replication
                .network
                .as_ref()
                .map(|network| Scalars::of(&network.people, None, shares)),
        };
        let network = replication.network.take();
        let mut cells = Vec::with_capacity(replication.ports.len());
        let mut daily_by_port = Vec::with_capacity(replication.ports.len());
        let mut numbers_by_port = Vec::with_capacity(replication.ports.len());
        for port in replication.ports {
            cells.push(port.by_class);
            daily_by_port.push(port.daily);
            numbers_by_port.push(port.numbers);
        }
        Digest {
            row,
            pooled: Some(PooledCells { cells, streams }),
            daily_by_port,
            daily_total,
            daily_by_stream,
            numbers_by_port,
            network,
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
///
/// Each worker takes the next replication as soon as it has finished one: there is no
/// barrier between batches, so no thread idles while another finishes a long replication
/// (the tail of a run excepted, when idle workers draw arrivals ahead for those still
/// running). Digests are absorbed in replication order as soon as their turn comes; a worker
/// does not start a replication more than a batch's worth ([`batch_replications`]) ahead of
/// the next to absorb, which bounds the digests held at once. People statistics pooled over
/// replications are exact integer sums, so each worker adds up its own and they are merged
/// at the end, in any order, to the same result.
///
/// [`batch_replications`]: crate::guard::batch_replications
pub(crate) fn run_range(model: &Model, options: &RunOptions, range: Range<u32>) -> Result<Replications, Error> {
    let pool = thread_pool(options.threads)?;
    let never = CancelToken::new();
    let cancel = options.cancel.as_ref().unwrap_or(&never);
    let progress = Counter::new(Some(u64::from(range.len() as u32)), options.progress.as_ref());
    let shares = options.shares_of(model);
    let digest_bytes = crate::guard::estimate(model, options).digest_bytes;
    let threads = pool.current_num_threads();
    let ahead = crate::guard::batch_replications(threads, digest_bytes) as u64;
    let order = InOrder {
        state: Mutex::new(Absorbing {
            results: Replications::new(model, shares.clone()),
            waiting: BTreeMap::new(),
            next: range.start,
            failed: None,
        }),
        absorbed: Condvar::new(),
    };
    let claimed = AtomicU64::new(u64::from(range.start));
    let pooled = Mutex::new(None::<PooledCells>);
    let worker = || {
        let mut mine: Option<PooledCells> = None;
        loop {
            let r = claimed.fetch_add(1, Ordering::Relaxed);
            if r >= u64::from(range.end) || !order.wait_for_turn(r, ahead) {
                break;
            }
            if cancel.is_cancelled() {
                order.fail(Error::Interrupted);
                break;
            }
            let r = r as u32;
            let replication = match run_replication_with(model, r, options.engine, cancel) {
                Ok(replication) => replication,
                Err(cancelled) => {
                    order.fail(cancelled.into());
                    break;
                }
            };
            let mut digest = Digest::new(model, replication, &shares);
            progress.tick();
            if let Some(theirs) = digest.pooled.take() {
                mine = Some(match mine {
                    Some(sum) => sum.merge(theirs),
                    None => theirs,
                });
            }
            order.absorb(r, digest);
        }
        if let Some(mine) = mine {
            let mut pooled = lock(&pooled);
            *pooled = Some(match pooled.take() {
                Some(sum) => sum.merge(mine),
                None => mine,
            });
        }
    };
    let workers = (range.len()).clamp(1, threads);
    pool.scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| worker());
        }
    });
    let state = order.state.into_inner().unwrap_or_else(|_| panic!("a worker panicked"));
    if let Some(error) = state.failed {
        return Err(error);
    }
    let mut results = state.results;
    if let Some(pooled) = pooled.into_inner().unwrap_or_else(|_| panic!("a worker panicked")) {
        results.merge_pooled(&pooled.pooled(model.classes.len(), model.outcomes.len()));
    }
    debug_assert_eq!(results.replications, range.len() as u32, "every replication absorbed");
    Ok(results)
}

/// Digests absorbed in replication order as they come in from the workers.
struct InOrder {
    state: Mutex<Absorbing>,
    /// Signalled when a digest is absorbed or the run fails.
    absorbed: Condvar,
}

struct Absorbing {
    results: Replications,
    /// Digests finished ahead of their turn.
    waiting: BTreeMap<u32, Digest>,
    /// The next replication to absorb.
    next: u32,
    /// The first error, which stops every worker.
    failed: Option<Error>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|_| panic!("a worker panicked"))
}

impl InOrder {
    /// Waits until replication `r` is fewer than `ahead` after the next to absorb; `false`
    /// if the run has failed.
    fn wait_for_turn(&self, r: u64, ahead: u64) -> bool {
        let mut state = lock(&self.state);
        while r >= u64::from(state.next) + ahead && state.failed.is_none() {
            state = self
                .absorbed
                .wait(state)
                .unwrap_or_else(|_| panic!("a worker panicked"));
        }
        state.failed.is_none()
    }

    /// Absorbs replication `r`'s digest, and any waiting digests that follow it, when its
    /// turn has come; keeps it waiting otherwise.
    fn absorb(&self, r: u32, digest: Digest) {
        let mut state = lock(&self.state);
        if r != state.next {
            state.waiting.insert(r, digest);
            return;
        }
        state.results.absorb(digest);
        state.next += 1;
        loop {
            let next = state.next;
            let Some(digest) = state.waiting.remove(&next) else {
                break;
            };
            state.results.absorb(digest);
            state.next += 1;
        }
        self.absorbed.notify_all();
    }

    /// Stops the run with `error` (the first one given is kept).
    fn fail(&self, error: Error) {
        let mut state = lock(&self.state);
        state.failed.get_or_insert(error);
        self.absorbed.notify_all();
    }
}
