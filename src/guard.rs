//! Resource guards: before anything runs, the people a replication brings and the memory a
//! run may need are estimated, and a run past a limit is refused with the estimate.

use crate::error::{Diagnostic, Error};
use crate::model::{Model, Source};

/// Default of `--max-people`: people expected in one replication.
pub(crate) const DEFAULT_MAX_PEOPLE: u64 = 100_000_000;

/// Default of `--max-memory`: 8 GiB.
pub(crate) const DEFAULT_MAX_MEMORY_BYTES: u64 = 8 << 30;

/// What a run is expected to need, worked out from the scenario before running it (see
/// [`estimate`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResourceEstimate {
    /// People expected to arrive in one replication.
    pub people_per_replication: f64,
    /// Peak memory, in bytes (an upper bound: it assumes everyone could be waiting at once).
    pub memory_bytes: f64,
    /// What one replication's digest holds until its batch is merged, in bytes.
    pub(crate) digest_bytes: f64,
}

/// Memory the digests of one batch of replications may hold together, when each is large.
const BATCH_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// Replications run in one batch on `threads` threads when each digest holds `digest_bytes`:
/// four per thread (at least 8), fewer when their digests would pass [`BATCH_BYTES`], but at
/// least one per thread.
pub(crate) fn batch_replications(threads: usize, digest_bytes: f64) -> usize {
    let fit = (BATCH_BYTES / digest_bytes.max(1.0)) as usize;
    fit.clamp(threads.max(1), (threads * 4).max(8))
}

/// Bytes the process takes before any model: the program, its fonts and its thread stacks.
const BASE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// Bytes of a histogram of waits up to `max_ticks`: one count per bin up to the largest, in a
/// vector that may hold twice its length.
fn histogram_bytes(max_ticks: f64) -> f64 {
    let bins = crate::stats::histogram::bins_up_to(max_ticks.clamp(0.0, 9.0e18) as u64);
    16.0 * bins as f64
}

impl ResourceEstimate {
    /// The estimate for `replications` replications of `model` on `threads` threads (all cores
    /// when `None`), through to the files of its results folder. Every term is an upper bound of
    /// what the code holds at once:
    ///
    /// - while replications run (at most one per thread, and a batch of four per thread whose
    ///   digests wait to be merged): every group of a replication on the list at once, the
    ///   arrival windows and each stream's block of groups drawn ahead, the daily bookkeeping,
    ///   and three histograms of waits per port and class;
    /// - kept for the results: each replication's daily series and scalars, and the pooled
    ///   histograms;
    /// - while the files are written: every replication's daily values side by side, and the
    ///   text of the files;
    /// - the model: its per-day capacities and its recorded groups.
    fn of(model: &Model, replications: u32, threads: Option<usize>) -> ResourceEstimate {
        let people: f64 = model.streams.iter().map(|stream| expected_people(stream, model)).sum();
        // Poisson counts run above their mean; a margin covers any realistic run.
        let people_bound = people * 1.1 + 1000.0;
        let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let replications = f64::from(replications);
        let running = replications.min(threads as f64);
        let (ports, classes, streams) = (
            model.ports.len() as f64,
            model.classes.len() as f64,
            model.streams.len() as f64,
        );
        let outcomes = model.outcomes.len() as f64;
        let horizon_days = model.horizon_days;
        let rows = f64::from(horizon_days.div_ceil(crate::stats::row_days_for(horizon_days)));
        // The longest wait a histogram can hold: the run plus the longest wait before day 0.
        let waited_before = model
            .streams
            .iter()
            .filter_map(|stream| match &stream.source {
                Source::Segments {
                    waited_days: Some(waited),
                    ..
                } => Some(waited.max_value().unwrap_or(f64::INFINITY)),
                Source::Records { records } => records
                    .iter()
                    .map(|record| (record.arrival - record.joined) as f64 / crate::model::TICKS_PER_DAY as f64)
                    .reduce(f64::max),
                _ => None,
            })
            .fold(0.0, f64::max);
        let max_wait_ticks = (f64::from(horizon_days) + waited_before) * crate::model::TICKS_PER_DAY as f64;
        let people_stats = 3.0 * histogram_bytes(max_wait_ticks) + 8.0 * outcomes + 256.0;
        // Streams are scopes of their own when some port has several.
        let stream_scopes = if crate::replicate::streams_reported(model) {
            streams
        } else {
            0.0
        };
        let scopes = 1.0 + ports + classes + stream_scopes;
        // The engine keeps statistics per stream (or port without one) and class, and daily
        // bookkeeping per stream.
        let cells = streams.max(ports);
        // A daily series: eight counts per row while running, nine values when written out.
        let series_bytes = rows * 72.0;
        let scalars = 256.0 + 8.0 * outcomes;

        // One replication while it runs: a waiting group takes 40 bytes, in a deque that may
        // hold twice its length; up to five windows of arrivals of 48 bytes each (on two cores:
        // the one in use, two filled ahead, one racing in, one being filled; see
        // engine/pipeline.rs) and a block of 256 per stream; the direct recursion's five blocks
        // of 24-byte draws.
        let engine = people_bound * 80.0
            + 5.0 * 16384.0 * 48.0
            + streams * (256.0 * 48.0 + 512.0)
            + 5.0 * 16384.0 * 24.0
            + (cells + ports) * classes * people_stats
            + cells * series_bytes * 2.0;
        let daily_scopes = ports + 1.0 + stream_scopes;
        // One replication's digest, until its batch is merged.
        let digest = scopes * (people_stats + scalars) + daily_scopes * series_bytes;
        let batch = replications.min(batch_replications(threads, digest) as f64);
        // Kept for the whole run.
        let kept = replications * (daily_scopes * series_bytes + scopes * scalars) + scopes * people_stats;
        // Writing daily.csv holds every replication's values of one scope (8 series, 8 bytes
        // each) and the file's text (about 80 bytes a line, 8 lines a row); replications.csv
        // and the rest are text of about 300 bytes a scalar row.
        let writing = replications * rows * 64.0
            + daily_scopes * rows * 8.0 * 80.0 * 2.0
            + replications * scopes * (300.0 + 24.0 * outcomes) * 2.0;
        // The model: per-day capacities of each port (at most 16 bytes a day), recorded groups.
        let recorded: f64 = model
            .streams
            .iter()
            .map(|stream| match &stream.source {
                Source::Records { records } => records.len() as f64 * 24.0,
                _ => 0.0,
            })
            .sum();
        let model_bytes = f64::from(horizon_days) * ports * 16.0 + recorded;
        ResourceEstimate {
            people_per_replication: people,
            memory_bytes: BASE_BYTES + model_bytes + running * engine + batch * digest + kept + writing,
            digest_bytes: digest,
        }
    }

    /// Refuses the run when it goes past a limit, saying which number and what to do.
    pub(crate) fn check(&self, limits: &Limits) -> Result<(), Error> {
        let max_people = limits.max_people.unwrap_or(DEFAULT_MAX_PEOPLE);
        let max_memory = limits.memory_bytes();
        if self.people_per_replication > max_people as f64 {
            return Err(Error::Limit(LimitError {
                resource: Resource::People,
                estimate: self.people_per_replication,
                limit: max_people,
            }));
        }
        if self.memory_bytes > max_memory as f64 {
            return Err(Error::Limit(LimitError {
                resource: Resource::Memory,
                estimate: self.memory_bytes,
                limit: max_memory,
            }));
        }
        Ok(())
    }
}

/// What running `model` with `options` is expected to need: people per replication (their
/// expected number) and memory (an upper bound for the whole run, its results folder
/// included). [`simulate`](crate::simulate) refuses a run whose estimate goes past the options'
/// [`Limits`].
pub fn estimate(model: &Model, options: &crate::RunOptions) -> ResourceEstimate {
    ResourceEstimate::of(
        model,
        options.replications.unwrap_or(model.replications),
        options.threads,
    )
}

/// The most a run may take: people per replication, memory, and the size of each file read,
/// each refused past its limit (100 million people, 8 GiB and 1 GiB when `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Most people one replication may bring.
    pub max_people: Option<u64>,
    /// Most memory the run may need, in bytes.
    pub max_memory_bytes: Option<u64>,
    /// Largest file read (a scenario, a CSV input, a results file), in bytes.
    pub max_input_bytes: Option<u64>,
}

/// Default of `--max-input`: 1 GiB.
pub(crate) const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;

impl Limits {
    /// The memory limit in bytes.
    pub(crate) fn memory_bytes(&self) -> u64 {
        self.max_memory_bytes.unwrap_or(DEFAULT_MAX_MEMORY_BYTES)
    }

    /// The file size limit in bytes.
    pub(crate) fn input_bytes(&self) -> u64 {
        self.max_input_bytes.unwrap_or(DEFAULT_MAX_INPUT_BYTES)
    }
}

/// What a limit bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resource {
    /// People per replication.
    People,
    /// Memory, bytes.
    Memory,
}

/// A run refused before it started because its estimate goes past a limit.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitError {
    /// What went past its limit.
    pub resource: Resource,
    /// The estimate (people per replication, or bytes).
    pub estimate: f64,
    /// The limit.
    pub limit: u64,
}

impl LimitError {
    fn diagnostic(&self) -> Diagnostic {
        match self.resource {
            Resource::People => Diagnostic::new(format!(
                "the scenario brings about {:.0} people per replication, more than the limit of {}",
                self.estimate, self.limit
            ))
            .with_help("check the arrival numbers and rates; to run it anyway raise the limit with --max-people"),
            Resource::Memory => Diagnostic::new(format!(
                "the run may need about {:.1} GiB of memory, more than the limit of {:.1} GiB",
                self.estimate / f64::from(1u32 << 30),
                self.limit as f64 / f64::from(1u32 << 30)
            ))
            .with_help("use fewer replications or a shorter horizon, or raise the limit with --max-memory (e.g. 16G)"),
        }
    }
}

impl std::fmt::Display for LimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.diagnostic().fmt(f)
    }
}

impl std::error::Error for LimitError {}

/// Expected people a stream brings within the horizon.
pub(crate) fn expected_people(stream: &crate::model::Stream, model: &Model) -> f64 {
    let horizon = f64::from(model.horizon_days);
    let people: f64 = match &stream.source {
        Source::Segments { segments, .. } => segments.iter().map(|s| s.expected_before(horizon)).sum(),
        Source::Poisson { pieces } => pieces
            .iter()
            .map(|p| (p.end_days.min(horizon) - p.start_days).max(0.0) * p.groups_per_day * stream.group_size.mean())
            .sum(),
        Source::Records { records } => records.iter().map(|r| f64::from(r.size)).sum::<f64>(),
    };
    // An empty float sum is -0.0; adding 0.0 keeps "-0 people" out of messages.
    people + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Scenario;

    fn limits(max_people: Option<u64>, max_memory_bytes: Option<u64>) -> Limits {
        Limits {
            max_people,
            max_memory_bytes,
            max_input_bytes: None,
        }
    }

    #[test]
    fn estimates_scale_with_people_and_replications() {
        let model = Scenario::built_in().load().unwrap();
        let one = ResourceEstimate::of(&model, 1, Some(1));
        let many = ResourceEstimate::of(&model, 1000, Some(2));
        assert!((20_000.0..40_000.0).contains(&one.people_per_replication), "{one:?}");
        assert!(many.memory_bytes > one.memory_bytes);
        assert!(one.check(&Limits::default()).is_ok());
        let error = one.check(&limits(Some(1000), None)).unwrap_err();
        assert!(error.to_string().contains("--max-people"), "{error}");
        assert_eq!(error.exit_code(), 2);
        assert!(many.check(&limits(None, Some(1 << 20))).is_err());
    }

    /// Daily series are bounded in rows, so a very long horizon is not refused for memory it
    /// will never use (W1 at ten million customers, a thousand times, needs about 5 GiB by
    /// this upper bound, most of it for everyone possibly waiting at once).
    #[test]
    fn estimates_count_rows_not_days() {
        let text = include_str!("../benches/workloads/w1-mmc.toml").replace("222222", "2222222");
        let model = Scenario::from_text("w1x10.toml", text).load().unwrap();
        let estimate = ResourceEstimate::of(&model, 1000, Some(2));
        assert!(estimate.check(&Limits::default()).is_ok(), "{estimate:?}");
        assert!(estimate.memory_bytes < 6.0 * f64::from(1u32 << 30), "{estimate:?}");
    }
}
