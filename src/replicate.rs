//! Many replications in parallel, merged in replication order so that results are
//! byte-identical whatever the number of threads.

use crate::engine::{Method, run_replication_with};
use crate::error::Error;
use crate::model::Model;
use crate::stats::summary::Scalars;
use crate::stats::{DailySeries, PeopleStats, Replication};
use rayon::prelude::*;

/// How to run the replications.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Number of replications (the model's default when `None`).
    pub replications: Option<u32>,
    /// Worker threads (all cores when `None`).
    pub threads: Option<usize>,
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
    /// How each replication is simulated (the results are the same).
    pub method: Method,
}

/// Scalars of one replication for every scope.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationRow {
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
}

/// Everything a run produced, merged over replications.
#[derive(Debug, Clone)]
pub struct Results {
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
    /// Events handled in all replications.
    pub events: u64,
}

impl Results {
    fn new(model: &Model) -> Self {
        let outcomes = model.outcomes.len();
        Results {
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
        self.replications += 1;
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
    }
}

/// People statistics of everyone, each port and each class, over one or more replications.
#[derive(Debug, Clone)]
struct Pooled {
    total: PeopleStats,
    ports: Vec<PeopleStats>,
    classes: Vec<PeopleStats>,
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
        self
    }
}

/// One replication boiled down to what `Results` keeps; made on the worker threads.
struct Digest {
    row: ReplicationRow,
    pooled: Option<Pooled>,
    daily_by_port: Vec<DailySeries>,
    daily_total: DailySeries,
}

impl Digest {
    fn new(model: &Model, replication: Replication) -> Self {
        let outcomes = model.outcomes.len();
        let total = replication.total_people(outcomes);
        let daily_total = replication.total_daily();
        let ports: Vec<PeopleStats> = (0..model.ports.len())
            .map(|p| replication.port_people(p, outcomes))
            .collect();
        let classes: Vec<PeopleStats> = (0..model.classes.len())
            .map(|c| replication.class_people(c, outcomes))
            .collect();
        let row = ReplicationRow {
            index: replication.index,
            events: replication.events,
            total: Scalars::of(&total, Some(&daily_total)),
            ports: ports
                .iter()
                .zip(&replication.ports)
                .map(|(people, port)| Scalars::of(people, Some(&port.daily)))
                .collect(),
            classes: classes.iter().map(|people| Scalars::of(people, None)).collect(),
        };
        Digest {
            row,
            pooled: Some(Pooled { total, ports, classes }),
            daily_by_port: replication.ports.into_iter().map(|port| port.daily).collect(),
            daily_total,
        }
    }
}

/// Runs the model's replications on a thread pool and merges them in order.
pub fn run(model: &Model, options: &RunOptions) -> Result<Results, Error> {
    let replications = options.replications.unwrap_or(model.replications);
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = options.threads {
        builder = builder.num_threads(threads);
    }
    let pool = builder
        .build()
        .map_err(|error| Error::Runtime(format!("cannot start worker threads: {error}")))?;
    let progress = if options.progress {
        indicatif::ProgressBar::with_draw_target(Some(u64::from(replications)), indicatif::ProgressDrawTarget::stderr())
            .with_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} replications  {elapsed} (eta {eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut results = Results::new(model);
    // Chunks bound memory (each replication holds histograms) while keeping every core busy.
    let chunk = (pool.current_num_threads() * 4).max(8) as u32;
    let mut start = 0;
    while start < replications {
        let end = (start + chunk).min(replications);
        if crate::interrupt::requested() {
            progress.abandon();
            return Err(Error::Interrupted);
        }
        let mut batch: Vec<Digest> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|r| {
                    let digest = Digest::new(model, run_replication_with(model, r, options.method));
                    progress.inc(1);
                    digest
                })
                .collect()
        });
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
        if crate::interrupt::requested() {
            progress.abandon();
            return Err(Error::Interrupted);
        }
        start = end;
    }
    progress.finish_and_clear();
    Ok(results)
}
