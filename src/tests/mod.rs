//! Tests of the engine and its statistics from the inside, on random and textbook models:
//! invariants (proptest), queueing theory, the direct recursion against the event loop, and
//! runs cut short. Helpers shared by them: scenario loading, replications run in parallel,
//! confidence intervals at 99.9%, Erlang C and a trace recorder.

mod fifo_recursion;
mod network;
mod outcomes;
mod policy;
mod properties;
mod theory;

use crate::cancel::CancelToken;
use crate::engine::{Engine, Trace, TraceEvent, run_replication, run_replication_traced, run_replication_with};
use crate::model::{Model, Ticks};
use crate::stats::Replication;
use std::fmt;
use std::path::Path;

/// Validates scenario text (CSV paths relative to the project root) or fails the test with the
/// validator's message and the text.
pub(crate) fn model_from(text: &str) -> Model {
    match crate::validate::load_str("test.toml", text, Path::new(env!("CARGO_MANIFEST_DIR"))) {
        Ok(model) => model,
        Err(error) => panic!("the scenario was rejected:\n{error}\n--- scenario ---\n{text}"),
    }
}

/// Replication `replication` of `model`, every event reported to `trace`.
pub(crate) fn traced<T: Trace + Send>(model: &Model, replication: u32, trace: &mut T) -> Replication {
    run_replication_traced(model, replication, trace, &CancelToken::new()).expect("never cancelled")
}

/// Replication `replication` of `model` by `engine`.
pub(crate) fn by_engine(model: &Model, replication: u32, engine: Engine) -> Replication {
    run_replication_with(model, replication, engine, &CancelToken::new()).expect("never cancelled")
}

/// Replications `0..count` of `model`, run directly on the engine on all cores, in order.
///
/// A model and its replications, run once and shared by the tests that use it.
pub(crate) struct Case {
    pub(crate) model: Model,
    pub(crate) runs: Vec<Replication>,
}

impl Case {
    /// Validates `text` and runs its replications.
    pub(crate) fn run(text: &str) -> Case {
        let model = model_from(text);
        let runs = replications(&model, model.replications);
        Case { model, runs }
    }
}

/// The theory tests need each replication's own wait histogram (to get one proportion per
/// replication), which `replicate::run` merges away; `properties.rs` checks that
/// `replicate::run` reports exactly what the engine returns.
pub(crate) fn replications(model: &Model, count: u32) -> Vec<Replication> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count.max(1) as usize) as u32;
    let mut runs: Vec<Replication> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|first| {
                scope.spawn(move || {
                    (first..count)
                        .step_by(threads as usize)
                        .map(|r| run_replication(model, r))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("a replication panicked"))
            .collect()
    });
    runs.sort_by_key(|replication| replication.index);
    runs
}

/// Standard normal quantile at 0.9995 (two-sided 99.9%).
pub(crate) const Z_9995: f64 = 3.290_526_731_491_926;

/// The 0.9995 quantile of Student's t with `df` degrees of freedom.
///
/// Cornish-Fisher expansion of the t quantile in powers of 1/df around the normal quantile
/// (Abramowitz and Stegun 26.7.5), to the 1/df⁴ term. It is slightly low (a slightly narrower
/// interval): by 0.5% at df = 5, under 0.04% from df = 9 and under 0.001% from df = 19; the
/// theory tests use 20 or 30 replications. Infinite df gives the normal quantile.
pub(crate) fn t_quantile_9995(df: usize) -> f64 {
    assert!(
        df >= 5,
        "the expansion is only used for at least 5 degrees of freedom, got {df}"
    );
    let z = Z_9995;
    let n = df as f64;
    let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
    let g1 = (z3 + z) / 4.0;
    let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
    let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
    let g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92_160.0;
    z + g1 / n + g2 / n.powi(2) + g3 / n.powi(3) + g4 / n.powi(4)
}

/// A mean over replications with its two-sided 99.9% Student-t confidence interval.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Interval {
    /// Mean of the observations.
    pub(crate) mean: f64,
    /// Half the width of the interval.
    pub(crate) half_width: f64,
    /// Observations (replications).
    pub(crate) n: usize,
}

impl Interval {
    /// The 99.9% t-interval of independent observations (one per replication).
    pub(crate) fn t999(values: &[f64]) -> Interval {
        let n = values.len();
        assert!(n >= 6, "need at least 6 replications for an interval, got {n}");
        assert!(
            values.iter().all(|v| v.is_finite()),
            "non-finite observation in {values:?}"
        );
        let mean = values.iter().sum::<f64>() / n as f64;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        Interval {
            mean,
            half_width: t_quantile_9995(n - 1) * (variance / n as f64).sqrt(),
            n,
        }
    }

    /// Whether `value` lies in the interval.
    pub(crate) fn contains(&self, value: f64) -> bool {
        (value - self.mean).abs() <= self.half_width
    }

    /// Fails the test, saying what was compared, unless `theory` lies in the interval.
    pub(crate) fn assert_covers(&self, what: &str, theory: f64) {
        assert!(
            self.contains(theory),
            "{what}: theory {theory:.6} is outside the simulated 99.9% interval {self}"
        );
        println!("{what}: simulated {self}, theory {theory:.6}");
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.6} ± {:.6} (99.9%, {} replications)",
            self.mean, self.half_width, self.n
        )
    }
}

/// The stationary M/M/c queue: Erlang C.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErlangC {
    /// Servers.
    pub(crate) servers: u32,
    /// Arrival rate.
    pub(crate) lambda: f64,
    /// Service rate of one server.
    pub(crate) mu: f64,
    /// Probability that an arrival has to wait (all servers busy).
    pub(crate) p_wait: f64,
}

impl ErlangC {
    /// Erlang C for `servers` servers, arrival rate `lambda` and service rate `mu` (needs λ < cμ).
    ///
    /// Uses the Erlang B recurrence B(0) = 1, B(k) = a B(k−1) / (k + a B(k−1)) with a = λ/μ,
    /// then C = c B / (c − a (1 − B)), which never forms large factorials or powers.
    pub(crate) fn new(servers: u32, lambda: f64, mu: f64) -> ErlangC {
        let a = lambda / mu;
        let c = f64::from(servers);
        assert!(a < c, "unstable queue: offered load {a} with {servers} servers");
        let b = (1..=servers).fold(1.0, |b, k| a * b / (f64::from(k) + a * b));
        ErlangC {
            servers,
            lambda,
            mu,
            p_wait: c * b / (c - a * (1.0 - b)),
        }
    }

    /// Rate at which the wait tail decays: cμ − λ.
    pub(crate) fn decay(&self) -> f64 {
        f64::from(self.servers) * self.mu - self.lambda
    }

    /// Mean wait in the queue, Wq = C / (cμ − λ).
    pub(crate) fn mean_wait(&self) -> f64 {
        self.p_wait / self.decay()
    }

    /// P(wait > t) = C e^{−(cμ−λ) t} for t ≥ 0.
    pub(crate) fn p_wait_above(&self, t: f64) -> f64 {
        self.p_wait * (-self.decay() * t).exp()
    }

    /// Mean number waiting, Lq = λ Wq (Little's law).
    pub(crate) fn mean_queue(&self) -> f64 {
        self.lambda * self.mean_wait()
    }
}

/// One traced event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    /// When (ticks); an abandonment is reported at its deadline.
    pub(crate) time: Ticks,
    /// What.
    pub(crate) event: TraceEvent,
    /// Port index.
    pub(crate) port: usize,
    /// Group id (0 for calls and service ends).
    pub(crate) group: u32,
    /// People in the group (the day's quota for a call).
    pub(crate) people: u32,
    /// People on the port's list after the event.
    pub(crate) list_people: u64,
}

/// A trace that keeps every event in the order reported.
#[derive(Debug, Default, Clone)]
pub(crate) struct Recorder {
    /// The events.
    pub(crate) events: Vec<Event>,
}

impl Trace for Recorder {
    fn record(&mut self, time: Ticks, event: TraceEvent, port: usize, group: u32, people: u32, list_people: u64) {
        self.events.push(Event {
            time,
            event,
            port,
            group,
            people,
            list_people,
        });
    }
}

mod helpers {
    use super::*;

    #[test]
    fn erlang_c_matches_the_published_m_m_5_value() {
        // M/M/5 with λ = 4.5, μ = 1 (the model of scenarios/mmc.toml): C = 0.76249, Wq = 1.52499.
        let queue = ErlangC::new(5, 4.5, 1.0);
        assert!((queue.p_wait - 0.76249).abs() < 5e-6, "{}", queue.p_wait);
        assert!((queue.mean_wait() - 1.52499).abs() < 5e-6, "{}", queue.mean_wait());
        // One server: C = ρ and Wq = ρ / (μ − λ).
        let single = ErlangC::new(1, 0.75, 1.0);
        assert!((single.p_wait - 0.75).abs() < 1e-12);
        assert!((single.mean_wait() - 3.0).abs() < 1e-12);
    }

    #[test]
    fn t_quantile_matches_tables() {
        // Two-sided 99.9% critical values of Student's t (0.9995 quantile), from standard tables.
        for (df, table) in [
            (9, 4.781),
            (10, 4.587),
            (19, 3.883),
            (29, 3.659),
            (60, 3.460),
            (120, 3.373),
        ] {
            let t = t_quantile_9995(df);
            assert!((t - table).abs() / table < 5e-4, "df {df}: {t} vs {table}");
        }
        assert!((t_quantile_9995(5) - 6.869).abs() / 6.869 < 0.007);
        assert!((t_quantile_9995(1_000_000) - Z_9995).abs() < 1e-5);
    }

    #[test]
    fn interval_covers_its_mean() {
        let interval = Interval::t999(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]);
        assert_eq!(interval.mean, 6.0);
        // sd = sqrt(11), n = 11, t(10) = 4.587.
        assert!((interval.half_width - 4.587 * 1.0).abs() < 2e-3, "{interval}");
        assert!(interval.contains(6.0 + 4.58) && !interval.contains(6.0 + 4.6));
    }
}
