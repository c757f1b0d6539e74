//! Validation against queueing theory: M/M/1, M/M/c (Erlang C), M/D/1 (Pollaczek-Khinchine),
//! Little's law, and a deterministic list whose every wait can be worked out by hand.
//!
//! Each stochastic check asserts that the theoretical value lies inside the simulated 99.9%
//! Student-t interval across independent replications (one observation per replication), so
//! no tolerance is chosen by hand. The seeds are fixed, so each check passes or fails
//! reproducibly; with a dozen such checks at 99.9% the chance that a correct engine fails
//! one with some other seed is about 1% (they pass with seeds 1, 5, 7, 99 and 31337 too). Each model's comment says why its warm-up, horizon and
//! replications are enough: the warm-up must remove the start-up bias (the list starts empty)
//! to well below the interval's width, and each replication must be long enough, in relaxation
//! times of the queue, for its mean to be close to normal.
//!
//! Time is scaled so that a service takes a tenth of a day: the same queues with more people a
//! day need fewer days, which keeps the daily series (one entry per day) short.

use super::{Case, ErlangC, Interval, Recorder, model_from};
use crate::engine::TraceEvent;
use crate::model::TICKS_PER_DAY;
use crate::replicate::{self, RunOptions};
use crate::stats::summary::Scalars;
use std::sync::OnceLock;

/// A single-port officers scenario: Poisson arrivals of single people, FIFO, round-the-clock
/// shifts, nobody leaves. `service` is a TOML distribution.
fn officers_scenario(name: &str, officers: u32, service: &str, people_per_day: f64, run: RunLength) -> String {
    let RunLength {
        horizon_days,
        warm_up_days,
        replications,
    } = run;
    format!(
        r#"schema = 1

[run]
name = "{name}"
horizon_days = {horizon_days}
warm_up_days = {warm_up_days}
seed = 2024
replications = {replications}

[[ports]]
name = "office"
discipline = "fifo"

[ports.capacity]
kind = "officers"
officers = {officers}
service_days = {service}
shift_start_hours = 0
shift_end_hours = 24

[[streams]]
name = "arrivals"
port = "office"
kind = "poisson"
people_per_day = {people_per_day}
group_size = 1
"#
    )
}

/// Horizon, warm-up and replications of a case.
#[derive(Debug, Clone, Copy)]
struct RunLength {
    horizon_days: u32,
    warm_up_days: u32,
    replications: u32,
}

impl Case {
    /// Everyone's scalars in each replication, as `replicate::run` reports them in `rows`.
    fn scalars(&self) -> Vec<Scalars> {
        let outcomes = self.model.outcomes.len();
        self.runs
            .iter()
            .map(|r| Scalars::of(&r.total_people(outcomes), Some(&r.total_daily()), &[]))
            .collect()
    }

    /// Interval of the mean wait of people processed (after the warm-up).
    fn mean_wait(&self) -> Interval {
        Interval::t999(&self.scalars().iter().map(|s| s.wait_days[0]).collect::<Vec<_>>())
    }

    /// Interval of the share of people processed who waited more than `days`: for 0, the
    /// share the results report (`share_waited`).
    fn share_waiting_above(&self, days: f64) -> Interval {
        if days == 0.0 {
            return Interval::t999(&self.scalars().iter().map(|s| s.share_waited).collect::<Vec<_>>());
        }
        let outcomes = self.model.outcomes.len();
        let shares: Vec<f64> = self
            .runs
            .iter()
            .map(|r| {
                let waits = r.total_people(outcomes).processed;
                waits.count_above_days(days) as f64 / waits.people as f64
            })
            .collect();
        Interval::t999(&shares)
    }

    /// Interval of the mean list length over the day-ends after the warm-up.
    fn mean_list(&self) -> Interval {
        let from = self.model.warm_up_days as usize;
        let means: Vec<f64> = self
            .runs
            .iter()
            .map(|r| {
                let on_list = &r.total_daily().on_list[0][from..];
                on_list.iter().sum::<u64>() as f64 / on_list.len() as f64
            })
            .collect();
        Interval::t999(&means)
    }

    /// Interval of the sample-path gap in Little's law, L − λ̂ W, in each replication: the mean
    /// list length at day-ends after the warm-up, less the rate at which people joined after
    /// the warm-up times their mean wait.
    fn little_gap(&self) -> Interval {
        let from = self.model.warm_up_days as usize;
        let days = (self.model.horizon_days - self.model.warm_up_days) as f64;
        let outcomes = self.model.outcomes.len();
        let gaps: Vec<f64> = self
            .runs
            .iter()
            .map(|r| {
                let on_list = &r.total_daily().on_list[0][from..];
                let length = on_list.iter().sum::<u64>() as f64 / on_list.len() as f64;
                let people = r.total_people(outcomes);
                length - people.arrived as f64 / days * people.processed.mean_days()
            })
            .collect();
        Interval::t999(&gaps)
    }
}

/// M/M/1 with λ = 7.5/day, μ = 10/day: ρ = 0.75.
const MM1: (f64, f64) = (7.5, 10.0);

/// Why these numbers: the relaxation time of an M/M/1 queue is about 1 / (μ (1 − √ρ)²) ≈ 5.6
/// days here, so a warm-up of 60 days (over 10 relaxation times) leaves a start-up bias below
/// e^-10 of the initial gap, far inside the interval. Each replication then covers 2,940 days,
/// about 520 relaxation times and 22,000 people, enough for its mean wait to be close to normal;
/// 30 replications give an interval of about ±5% around Wq = 0.3 days.
fn mm1() -> &'static Case {
    static CASE: OnceLock<Case> = OnceLock::new();
    CASE.get_or_init(|| {
        let (lambda, mu) = MM1;
        let service = format!("{{ dist = \"exponential\", mean = {} }}", 1.0 / mu);
        let run = RunLength {
            horizon_days: 3000,
            warm_up_days: 60,
            replications: 30,
        };
        Case::run(&officers_scenario("M/M/1", 1, &service, lambda, run))
    })
}

/// M/M/5 with λ = 40/day, μ = 10/day: a = 4, ρ = 0.8.
const MMC: (u32, f64, f64) = (5, 40.0, 10.0);

/// Why these numbers: with c = 5 the relaxation time is about 1 / (cμ (1 − √ρ)²) ≈ 1.8 days,
/// so 20 days of warm-up is over 10 relaxation times. Each replication covers 1,180 days after
/// it (over 600 relaxation times, 47,000 people); 30 replications give an interval of about ±5%
/// around Wq = 0.055 days.
fn mmc() -> &'static Case {
    static CASE: OnceLock<Case> = OnceLock::new();
    CASE.get_or_init(|| {
        let (servers, lambda, mu) = MMC;
        let service = format!("{{ dist = \"exponential\", mean = {} }}", 1.0 / mu);
        let run = RunLength {
            horizon_days: 1200,
            warm_up_days: 20,
            replications: 30,
        };
        Case::run(&officers_scenario("M/M/5", servers, &service, lambda, run))
    })
}

#[test]
fn m_m_1_mean_wait_and_wait_tail() {
    let (lambda, mu) = MM1;
    let rho = lambda / mu;
    let case = mm1();
    case.mean_wait()
        .assert_covers("M/M/1 mean wait Wq = ρ/(μ−λ) (days)", rho / (mu - lambda));
    // P(wait > t) = ρ e^{−(μ−λ) t}; t = 0 is P(an arrival finds the officer busy) = ρ.
    // Each replication's share is one observation: the waits of successive people are
    // strongly correlated, so a binomial error over all people would be far too narrow.
    for t in [0.0, 0.2, 1.0] {
        let theory = rho * (-(mu - lambda) * t).exp();
        case.share_waiting_above(t)
            .assert_covers(&format!("M/M/1 P(wait > {t} days) = ρ e^(−(μ−λ)t)"), theory);
    }
}

#[test]
fn m_m_c_matches_erlang_c() {
    let (servers, lambda, mu) = MMC;
    let queue = ErlangC::new(servers, lambda, mu);
    let case = mmc();
    case.mean_wait()
        .assert_covers("M/M/5 mean wait Wq = C/(cμ−λ) (days)", queue.mean_wait());
    case.share_waiting_above(0.0)
        .assert_covers("M/M/5 P(wait > 0) = Erlang C", queue.p_wait);
    case.share_waiting_above(0.1)
        .assert_covers("M/M/5 P(wait > 0.1 days) = C e^(−(cμ−λ)t)", queue.p_wait_above(0.1));
}

/// M/D/1 through `replicate::run`, the path the command line takes.
///
/// λ = 7.5/day and a fixed service of 0.1 day (ρ = 0.75): Wq = ρ D / (2 (1 − ρ)) = 0.15 days,
/// half the M/M/1 wait. Why these numbers: the queue relaxes at least as fast as the M/M/1
/// queue with the same ρ (≈ 5.6 days), so the same 60-day warm-up removes the start-up bias;
/// 20 replications of 2,940 days after it (22,000 people each) give an interval of a few per
/// cent around 0.15.
#[test]
fn m_d_1_matches_pollaczek_khinchine() {
    let (lambda, service) = (7.5, 0.1);
    let rho = lambda * service;
    let run = RunLength {
        horizon_days: 3000,
        warm_up_days: 60,
        replications: 20,
    };
    let model = model_from(&officers_scenario(
        "M/D/1",
        1,
        &format!("{{ dist = \"fixed\", value = {service} }}"),
        lambda,
        run,
    ));
    let results = replicate::run(&model, &RunOptions::default()).expect("the run succeeds");
    assert_eq!(results.rows.len(), 20);
    let waits: Vec<f64> = results.rows.iter().map(|row| row.total.wait_days[0]).collect();
    Interval::t999(&waits).assert_covers(
        "M/D/1 mean wait Wq = ρD/(2(1−ρ)) (days)",
        rho * service / (2.0 * (1.0 - rho)),
    );
    // The pooled waits agree with the rows: same people, same total wait.
    let people: f64 = results.rows.iter().map(|row| row.total.processed).sum();
    assert_eq!(results.pooled_total.processed.people as f64, people);
}

/// Little's law on the daily series of the M/M/1 and M/M/5 runs above: the mean list length at
/// day-ends after the warm-up is Lq = λ Wq. Sampling a stationary process at fixed times (the
/// end of each day) estimates its time average without bias, however the samples are
/// correlated; the interval across replications accounts for that correlation. The sample-path
/// form (L − λ̂ W = 0 within each replication, whatever the queue) checks the bookkeeping of the
/// daily series against the per-person waits.
#[test]
fn littles_law_holds_on_the_daily_series() {
    let (lambda, mu) = MM1;
    let rho = lambda / mu;
    let mm1 = mm1();
    mm1.mean_list().assert_covers(
        "M/M/1 mean list length Lq = λ Wq (people)",
        lambda * rho / (mu - lambda),
    );
    mm1.little_gap()
        .assert_covers("M/M/1 sample path L − λ̂ W (people)", 0.0);
    let (servers, lambda, mu) = MMC;
    let mmc = mmc();
    mmc.mean_list().assert_covers(
        "M/M/5 mean list length Lq = λ Wq (people)",
        ErlangC::new(servers, lambda, mu).mean_queue(),
    );
    mmc.little_gap()
        .assert_covers("M/M/5 sample path L − λ̂ W (people)", 0.0);
}

/// The semantics of scenarios/deterministic.toml, worked out by hand: 1,000 single people on
/// the list at day 0, 100 called at 00:00 each day, FIFO, nobody leaves, 15 days.
const DETERMINISTIC: &str = r#"schema = 1

[run]
name = "Deterministic check"
horizon_days = 15
seed = 1
replications = 1

[[ports]]
name = "port"
discipline = "fifo"

[ports.capacity]
kind = "quota"
quota_per_day = 100
call_time_hours = 0

[[streams]]
name = "initial_list"
port = "port"
kind = "backlog"
people = 1000
group_size = 1
"#;

#[test]
fn deterministic_list_is_served_as_worked_out_by_hand() {
    let model = model_from(DETERMINISTIC);
    // Three replications: nothing is random, so all three are the same.
    let results = replicate::run(
        &model,
        &RunOptions {
            replications: Some(3),
            ..RunOptions::default()
        },
    )
    .expect("the run succeeds");
    for row in &results.rows {
        let total = &row.total;
        assert_eq!(
            (total.joined, total.processed, total.abandoned, total.waiting_at_end),
            (1000.0, 1000.0, 0.0, 0.0)
        );
        // Days 0..9 serve 100 each: mean (0 + 1 + … + 9) / 10 = 4.5, longest 9.
        assert!(
            (total.wait_days[0] - 4.5).abs() < 1e-12,
            "mean wait {}",
            total.wait_days[0]
        );
        assert_eq!(total.wait_days[5], 9.0, "longest wait");
        assert_eq!(total.first_empty_day, 9.0);
        assert_eq!(total.peak_list, 900.0, "the list at the end of day 0, after its call");
    }
    for daily in &results.daily_total {
        let expected: Vec<u64> = (0..15)
            .map(|day: u64| 1000u64.saturating_sub(100 * (day + 1)))
            .collect();
        assert_eq!(daily.on_list[0], expected, "list at each day's end");
        let served: Vec<u64> = (0..15).map(|day| if day < 10 { 100 } else { 0 }).collect();
        assert_eq!(daily.processed, served);
    }
    println!(
        "deterministic: mean wait {} days (exact 4.5), first empty day {}",
        results.rows[0].total.wait_days[0], 9
    );

    // The k-th person (k = 1…1000, in list order) is processed at 00:00 on day ⌊(k−1)/100⌋.
    let mut recorder = Recorder::default();
    super::traced(&model, 0, &mut recorder);
    let joined: Vec<u32> = recorder
        .events
        .iter()
        .filter(|e| e.event == TraceEvent::Join)
        .map(|e| e.group)
        .collect();
    assert_eq!(joined.len(), 1000);
    assert!(
        recorder
            .events
            .iter()
            .filter(|e| e.event == TraceEvent::Join)
            .all(|e| e.time == 0 && e.people == 1)
    );
    let processed: Vec<_> = recorder
        .events
        .iter()
        .filter(|e| e.event == TraceEvent::Process)
        .collect();
    assert_eq!(processed.len(), 1000);
    for (index, event) in processed.iter().enumerate() {
        let k = index as i64 + 1;
        assert_eq!(event.group, joined[index], "person {k} is served in list order");
        assert_eq!(
            event.time,
            (k - 1) / 100 * TICKS_PER_DAY,
            "person {k} waits ⌊(k−1)/100⌋ days"
        );
        assert_eq!(event.list_people, 1000 - k as u64, "list after person {k}");
    }
    let calls: Vec<_> = recorder
        .events
        .iter()
        .filter(|e| e.event == TraceEvent::Call)
        .map(|e| (e.time, e.people))
        .collect();
    assert_eq!(
        calls,
        (0..15).map(|day| (day * TICKS_PER_DAY, 100)).collect::<Vec<_>>(),
        "one call of 100 each day"
    );
    assert!(
        !recorder
            .events
            .iter()
            .any(|e| matches!(e.event, TraceEvent::StillWaiting | TraceEvent::Abandon))
    );
}

/// docs/scenario-format.md (Disciplines, and `kind = "backlog"`): "Backlog groups reach the
/// list at day 0, before anyone else, in order of how long they had already waited", so FIFO
/// serves the oldest registrations first. With one person called a day, the first three days
/// must therefore serve the three people who had waited 100 days (waits 100, 101 and 102: mean
/// 101), whether the others are a second backlog that had waited 1 day or a batch arriving at
/// day 0.
#[test]
fn backlogs_are_served_oldest_first_across_streams() {
    let scenario = |other: &str| {
        format!(
            r#"schema = 1

[run]
name = "oldest first"
horizon_days = 3
seed = 1
replications = 1

[[ports]]
name = "port"

[ports.capacity]
kind = "quota"
quota_per_day = 1

{other}

[[streams]]
name = "old"
port = "port"
kind = "backlog"
people = 3
waited_days = 100
"#
        )
    };
    let second_backlog =
        "[[streams]]\nname = \"recent\"\nport = \"port\"\nkind = \"backlog\"\npeople = 3\nwaited_days = 1";
    let batch_at_day_0 =
        "[[streams]]\nname = \"batch\"\nport = \"port\"\nkind = \"wave\"\ncurve = [{ at = 0, people = 3 }]";
    for (what, other) in [
        ("a second backlog", second_backlog),
        ("a batch at day 0", batch_at_day_0),
    ] {
        let model = model_from(&scenario(other));
        let results = replicate::run(&model, &RunOptions::default()).expect("the run succeeds");
        let total = &results.rows[0].total;
        assert_eq!(total.processed, 3.0);
        // Found: 35.0 with a second backlog (waits 1, 101, 3) and 34.3 with a batch (0, 101, 2).
        assert!(
            (total.wait_days[0] - 101.0).abs() < 1e-9,
            "with {what}: mean wait {} instead of 101",
            total.wait_days[0]
        );
    }
}
