//! Invariants over small random valid scenarios (proptest).
//!
//! Each case is a scenario written as TOML text from random parameters (1–2 ports, quota or
//! officers, every discipline, 1–3 backlog, wave or Poisson streams, households of 1–4 people,
//! patience, no-shows, one or two classes, 5–60 days), validated like a user's file. Two
//! replications of it are run with a trace recorder, and every event is replayed against a
//! shadow copy of each port's list, which checks:
//!
//! - conservation: at each port and in each class, people who joined = processed + left
//!   unprocessed + still waiting; the trace, the per-person statistics and the daily series
//!   agree on each of these counts, and the list length reported with each event is right;
//! - each group joins once (ids are given in arrival order, 0, 1, 2, …), is then processed,
//!   gives up, is dropped as a no-show or is still waiting at the end, exactly once, at the port
//!   it joined; nobody is processed before joining (waits are never negative);
//! - a quota port calls once on each of its processing days, at its call time, and never takes
//!   more people than that day's quota, except a single group larger than the whole quota taken
//!   alone; with `counts = "groups"` never more groups than the quota; a call that leaves
//!   quota unused has emptied the list or stopped at a group that does not fit;
//! - an officers port never has more claims in service than officers, and starts claims only on
//!   working days within the shift;
//! - every group taken from a list is the one the discipline names: the front under FIFO (so
//!   groups are processed in joining order), the back under LIFO, the front of the
//!   highest-priority non-empty class under priority (so a lower-priority group is never taken
//!   while a higher-priority group that joined before is waiting and not past its deadline),
//!   and the front for the `oldest_share` slots of `mixed`;
//! - the same model and replication give the same events and results, traced or not, and
//!   `replicate::run` on one or two threads gives the same rows, which are the engine's
//!   replications summarised;
//! - cutting the run short (a smaller `horizon_days`, as `run --horizon-days` and `target
//!   --by-day` do) leaves the scenario valid, whatever is dated after the cut, and changes
//!   nothing before the cut: the cut run passes the checks above, and its events before the
//!   cut are those of the full run, in the same order.

/// Fails the test case with a message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err(TestCaseError::fail(format!($($message)+)));
        }
    };
}

mod generator;
mod oracle;
mod regressions;
mod shards;

use super::{Event, Recorder, model_from};
use crate::engine::{TraceEvent, run_replication};
use crate::model::{TICKS_PER_DAY, Ticks};
use crate::replicate::{self, RunOptions};
use crate::stats::summary::Scalars;
use crate::stats::{PeopleStats, Replication, WaitAccumulator};
use generator::{Spec, spec};
use oracle::check_replication;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Every count and histogram of two replications, compared exactly.
fn same_people(a: &PeopleStats, b: &PeopleStats) -> bool {
    let same = |x: &WaitAccumulator, y: &WaitAccumulator| {
        x.people == y.people && x.sum_ticks == y.sum_ticks && x.max_ticks == y.max_ticks && x.histogram == y.histogram
    };
    a.arrived == b.arrived
        && a.did_not_join == b.did_not_join
        && same(&a.processed, &b.processed)
        && same(&a.abandoned, &b.abandoned)
        && same(&a.waiting_at_end, &b.waiting_at_end)
        && a.abandoned_by_outcome == b.abandoned_by_outcome
}

fn same_replication(a: &Replication, b: &Replication) -> bool {
    a.index == b.index
        && a.events == b.events
        && a.ports.len() == b.ports.len()
        && a.ports.iter().zip(&b.ports).all(|(x, y)| {
            x.daily == y.daily
                && x.numbers == y.numbers
                && x.streams.len() == y.streams.len()
                && x.streams
                    .iter()
                    .zip(&y.streams)
                    .all(|(p, q)| p.daily == q.daily && same_people(&p.people, &q.people))
                && x.by_class.len() == y.by_class.len()
                && x.by_class.iter().zip(&y.by_class).all(|(p, q)| same_people(p, q))
        })
}

fn check_case(spec: &Spec) -> Result<(), TestCaseError> {
    let text = spec.toml();
    let model = model_from(&text);
    let mut engine_runs = Vec::new();
    for r in 0..2 {
        let mut first = Recorder::default();
        let traced = super::traced(&model, r, &mut first);
        check_replication(spec, &model, &first.events, &traced)?;
        let mut second = Recorder::default();
        let again = super::traced(&model, r, &mut second);
        ensure!(
            first.events == second.events,
            "replication {r}: the same run gave different events"
        );
        ensure!(
            same_replication(&traced, &again),
            "replication {r}: the same run gave different results"
        );
        let untraced = run_replication(&model, r);
        ensure!(
            same_replication(&traced, &untraced),
            "replication {r}: tracing changed the results"
        );
        engine_runs.push(untraced);
    }
    let run = |threads| {
        replicate::run(&model, &RunOptions::new().replications(3).threads(threads))
            .map_err(|error| TestCaseError::fail(format!("run failed: {error}")))
    };
    let (one, two) = (run(1)?, run(2)?);
    // Debug text compares NaN (an undefined statistic) equal to NaN, unlike `==`.
    ensure!(
        format!("{:?}", one.rows) == format!("{:?}", two.rows),
        "rows differ between 1 and 2 threads"
    );
    ensure!(
        one.daily_total == two.daily_total && one.daily_by_port == two.daily_by_port,
        "daily series differ between 1 and 2 threads"
    );
    ensure!(
        same_people(&one.pooled_total, &two.pooled_total),
        "pooled results differ between 1 and 2 threads"
    );
    ensure!(
        one.events == two.events && one.replications == 3,
        "event counts differ between 1 and 2 threads"
    );
    let outcomes = model.outcomes.len();
    for (row, replication) in one.rows.iter().zip(&engine_runs) {
        let total = Scalars::of(
            &replication.total_people(outcomes),
            Some(&replication.total_daily()),
            &[],
        );
        ensure!(
            format!("{:?}", row.total) == format!("{total:?}"),
            "row {} differs from the engine's replication",
            row.index
        );
        for (p, scalars) in row.ports.iter().enumerate() {
            let port = Scalars::of(
                &replication.port_people(p, outcomes),
                Some(&replication.ports[p].daily),
                &[],
            );
            ensure!(
                format!("{scalars:?}") == format!("{port:?}"),
                "row {} port {p} differs from the engine",
                row.index
            );
        }
    }
    Ok(())
}

/// Cuts the scenario at day `1 + fraction × (horizon − 1)` and compares the cut run with the
/// full one, replication by replication.
fn check_cut(spec: &Spec, fraction: f64) -> Result<(), TestCaseError> {
    let text = spec.toml();
    let h = spec.horizon_days;
    let cut = 1 + ((fraction * f64::from(h - 1)) as u32).min(h - 1);
    let line = format!("horizon_days = {h}\n");
    ensure!(text.contains(&line), "no `{line}` in the scenario");
    let cut_text = text.replacen(&line, &format!("horizon_days = {cut}\n"), 1);
    let full = model_from(&text);
    let cut_model = match crate::validate::load_str("cut.toml", &cut_text, std::path::Path::new("")) {
        Ok(model) => model,
        Err(error) => {
            return Err(TestCaseError::fail(format!(
                "cut at day {cut}, the scenario is refused:\n{error}"
            )));
        }
    };
    let end = Ticks::from(cut) * TICKS_PER_DAY;
    // Abandonments are reported when they are found (at a call, or when the run ends), so they
    // are compared as sets; everything else in the order it happened.
    let before_cut = |events: &[Event]| -> Vec<Event> {
        events
            .iter()
            .filter(|e| e.time < end && !matches!(e.event, TraceEvent::Abandon | TraceEvent::StillWaiting))
            .copied()
            .collect()
    };
    let abandoned_before_cut = |events: &[Event]| -> Vec<(Ticks, usize, u32, u32)> {
        let mut found: Vec<_> = events
            .iter()
            .filter(|e| e.time < end && e.event == TraceEvent::Abandon)
            .map(|e| (e.time, e.port, e.group, e.people))
            .collect();
        found.sort_unstable();
        found
    };
    for r in 0..2 {
        let mut whole = Recorder::default();
        super::traced(&full, r, &mut whole);
        let mut short = Recorder::default();
        let replication = super::traced(&cut_model, r, &mut short);
        check_replication(spec, &cut_model, &short.events, &replication)?;
        ensure!(
            before_cut(&whole.events) == before_cut(&short.events),
            "replication {r}: cut at day {cut}, the events before the cut differ from the full run's"
        );
        ensure!(
            abandoned_before_cut(&whole.events) == abandoned_before_cut(&short.events),
            "replication {r}: cut at day {cut}, the people who gave up before the cut differ"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_on_random_scenarios(spec in spec()) {
        if let Err(error) = check_case(&spec) {
            return Err(TestCaseError::fail(format!("{error}\n--- scenario ---\n{}", spec.toml())));
        }
    }

    #[test]
    fn cutting_the_run_short_changes_nothing_before_the_cut(spec in spec(), fraction in 0.0..1.0f64) {
        if let Err(error) = check_cut(&spec, fraction) {
            return Err(TestCaseError::fail(format!("{error}\n--- scenario ---\n{}", spec.toml())));
        }
    }
}
