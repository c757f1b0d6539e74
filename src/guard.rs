//! Resource guards: before anything runs, the people a replication brings and the memory a
//! run may need are estimated, and a run past a limit is refused with the estimate.

use crate::error::{Diagnostic, Error};
use crate::model::{Model, Source};

/// Default of `--max-people`: people expected in one replication.
pub(crate) const DEFAULT_MAX_PEOPLE: u64 = 100_000_000;

/// Default of `--max-memory`: 8 GiB.
pub(crate) const DEFAULT_MAX_MEMORY_BYTES: u64 = 8 << 30;

/// What a run is expected to need, worked out from the scenario before running it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Estimate {
    /// People expected to arrive in one replication.
    pub people_per_replication: f64,
    /// Peak memory, in bytes (an upper bound: it assumes everyone could be waiting at once).
    pub memory_bytes: f64,
}

impl Estimate {
    /// The estimate for `replications` replications of `model` on `threads` threads.
    pub(crate) fn of(model: &Model, replications: u32, threads: Option<usize>) -> Estimate {
        let people: f64 = model.streams.iter().map(|stream| expected_people(stream, model)).sum();
        // Replications in flight at once: the replication loop's chunk (four per thread).
        let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let in_flight = f64::from(replications).min((threads * 4).max(8) as f64);
        // Daily series have at most `MAX_SERIES_ROWS` rows, for each port and the total.
        let horizon_days = model.horizon_days;
        let rows_per_series = horizon_days.div_ceil(crate::stats::row_days_for(horizon_days));
        let rows = f64::from(rows_per_series) * (model.ports.len() + 1) as f64;
        // A waiting group takes 40 bytes (48 in a growing deque); a row of a daily series about
        // 120 bytes of bookkeeping while running and 64 bytes kept per replication after; the
        // model holds at most 8 bytes per day and port (its per-day capacities), once.
        let per_running = people * 48.0 + rows * 120.0;
        let kept = f64::from(replications) * rows * 64.0;
        let model_bytes = f64::from(horizon_days) * model.ports.len() as f64 * 8.0;
        Estimate {
            people_per_replication: people,
            memory_bytes: model_bytes + in_flight * per_running + kept,
        }
    }

    /// Refuses the run when it goes past a limit, saying which number and what to do.
    pub(crate) fn check(&self, limits: &Limits) -> Result<(), Error> {
        let max_people = limits.max_people.unwrap_or(DEFAULT_MAX_PEOPLE);
        let max_memory = limits.max_memory_bytes.unwrap_or(DEFAULT_MAX_MEMORY_BYTES);
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

/// The most a run may take: people per replication and memory, each refused past its limit
/// (100 million people and 8 GiB when `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Most people one replication may bring.
    pub max_people: Option<u64>,
    /// Most memory the run may need, in bytes.
    pub max_memory_bytes: Option<u64>,
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
        }
    }

    #[test]
    fn estimates_scale_with_people_and_replications() {
        let model = Scenario::built_in().load().unwrap();
        let one = Estimate::of(&model, 1, Some(1));
        let many = Estimate::of(&model, 1000, Some(2));
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
        let estimate = Estimate::of(&model, 1000, Some(2));
        assert!(estimate.check(&Limits::default()).is_ok(), "{estimate:?}");
        assert!(estimate.memory_bytes < 6.0 * f64::from(1u32 << 30), "{estimate:?}");
    }
}
