//! Reference programs: the smallest hand-written simulations of W1 and its variants, the
//! baselines `benches/compare-peers.sh` measures backlog's engine against
//! (docs/performance.md, "Reference workloads").
//!
//! - `w1-heap`: W1 (M/M/5, 4.5 arrivals a day, exponential service with mean 1 day) by a
//!   binary-heap event loop ([`mmc_heap`]);
//! - `w1-heap-books`: the same loop keeping backlog's per-customer books besides: a wait
//!   histogram, the longest and summed wait, daily arrivals and starts ([`books_heap`]);
//! - `w1-recursion`: W1 by the FIFO direct recursion over the officers' free times
//!   ([`mmc_recursion`]);
//! - `w1-patience-heap`: W1 with exponential patience of mean 2 days ([`patience_heap`]);
//! - `w1-priority-heap`: W1 with two non-preemptive priority classes, 30% high
//!   ([`priority_heap`]).
//!
//! `cargo bench --bench reference [-- FILTER]` runs each (whose name contains FILTER) on W1's
//! horizon and prints its statistics, the closed form and its time;
//! `reference --bench --model NAME [--horizon-days D] [--seed S]` runs one.
//! In test mode (`cargo test`, no `--bench`) it runs small sizes and checks the references
//! against each other and against the closed forms instead.

mod books_heap;
mod mmc_heap;
mod mmc_recursion;
mod patience_heap;
mod priority_heap;
mod theory;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::time::Instant;

/// W1: officers, arrivals a day, horizon in days (about a million customers).
const OFFICERS: u32 = 5;
const RATE_PER_DAY: f64 = 4.5;
const HORIZON_DAYS: f64 = 222_222.0;
/// The patience variant's mean patience in days.
const PATIENCE_MEAN_DAYS: f64 = 2.0;
/// The priority variant's share of high-priority customers.
const HIGH_SHARE: f64 = 0.3;
/// The references, by name.
const MODELS: [&str; 5] = [
    "w1-heap",
    "w1-heap-books",
    "w1-recursion",
    "w1-patience-heap",
    "w1-priority-heap",
];

/// Independent random streams, one per use, so that every model draws its arrivals and
/// service times alike and the references can be compared draw for draw.
pub(crate) struct Streams {
    arrivals: Xoshiro256PlusPlus,
    /// Service times, in order of service start.
    service: Xoshiro256PlusPlus,
    /// Patience or class, in order of arrival.
    extra: Xoshiro256PlusPlus,
}

impl Streams {
    /// The streams of `seed`: one generator and its jumps, 2^128 draws apart.
    fn new(seed: u64) -> Self {
        let arrivals = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut service = arrivals.clone();
        service.jump();
        let mut extra = service.clone();
        extra.jump();
        Self {
            arrivals,
            service,
            extra,
        }
    }
}

/// What a reference counts over the horizon.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Stats {
    /// Customers who arrived before the horizon.
    arrived: u64,
    /// Customers who left, their patience run out, before an officer started on them.
    abandoned: u64,
    /// Customers still waiting at the horizon.
    waiting_at_end: u64,
    /// Summed days waited so far by those still waiting at the end.
    waited_at_end_days: f64,
    /// Arrivals and service completions handled before the horizon.
    events: u64,
    /// Customers whose service started, by class (single-class models use class 0).
    served: [u64; 2],
    /// Their summed waits in days, by class.
    wait_days: [f64; 2],
}

impl Stats {
    /// Counts a customer of `class` whose service starts after `wait_days`.
    fn record_start(&mut self, class: usize, wait_days: f64) {
        self.served[class] += 1;
        self.wait_days[class] += wait_days;
    }

    /// Customers whose service started, in all classes.
    fn served(&self) -> u64 {
        self.served.iter().sum()
    }

    /// Mean wait in days of the customers whose service started.
    fn mean_wait_days(&self) -> f64 {
        self.wait_days.iter().sum::<f64>() / self.served() as f64
    }
}

/// Runs the reference `model` over `horizon_days`.
fn run(model: &str, horizon_days: f64, seed: u64) -> Stats {
    let (c, rate) = (OFFICERS, RATE_PER_DAY);
    match model {
        "w1-heap" => mmc_heap::simulate(c, rate, horizon_days, seed),
        "w1-heap-books" => {
            let (stats, books) = books_heap::simulate(c, rate, horizon_days, seed);
            println!("median_wait_days: {:.6}", books.median_wait_days());
            stats
        }
        "w1-recursion" => mmc_recursion::simulate(c, rate, horizon_days, seed),
        "w1-patience-heap" => patience_heap::simulate(c, rate, PATIENCE_MEAN_DAYS, horizon_days, seed),
        "w1-priority-heap" => priority_heap::simulate(c, rate, HIGH_SHARE, horizon_days, seed),
        _ => unreachable!("models are checked when parsing"),
    }
}

/// Prints one run as `key: value` lines, with the closed form beside it.
fn report(model: &str, stats: &Stats, seconds: f64) {
    println!("model: {model}");
    println!("arrived: {}", stats.arrived);
    println!("served: {}", stats.served());
    println!("abandoned: {}", stats.abandoned);
    println!("waiting_at_end: {}", stats.waiting_at_end);
    println!("waited_at_end_days: {:.6}", stats.waited_at_end_days);
    println!("events: {}", stats.events);
    println!("mean_wait_days: {:.6}", stats.mean_wait_days());
    match model {
        "w1-patience-heap" => {
            let (abandon_share, served_wait, _) = theory::erlang_a(OFFICERS, RATE_PER_DAY, PATIENCE_MEAN_DAYS);
            println!("abandoned_share: {:.6}", stats.abandoned as f64 / stats.arrived as f64);
            println!("theory_abandoned_share: {abandon_share:.6}");
            println!("theory_mean_wait_days: {served_wait:.6}");
        }
        "w1-priority-heap" => {
            let waits = theory::priority_mean_waits_days(OFFICERS, RATE_PER_DAY, HIGH_SHARE);
            for (class, name) in ["high", "low"].iter().enumerate() {
                let mean = stats.wait_days[class] / stats.served[class] as f64;
                println!("served_{name}: {}", stats.served[class]);
                println!("mean_wait_{name}_days: {mean:.6}");
                println!("theory_mean_wait_{name}_days: {:.6}", waits[class]);
            }
        }
        _ => println!(
            "theory_mean_wait_days: {:.6}",
            theory::erlang_c_mean_wait_days(OFFICERS, RATE_PER_DAY)
        ),
    }
    println!("wall_s_inside: {seconds:.4}");
    println!("people_per_s_inside: {:.0}", stats.arrived as f64 / seconds);
}

/// Test mode: the references agree with each other draw for draw, and with the closed forms.
fn check() {
    let horizon_days = 2_000.0;
    for (officers, rate, seed) in [(1, 0.8, 3), (5, RATE_PER_DAY, 1), (5, RATE_PER_DAY, 2), (12, 10.0, 4)] {
        let heap = mmc_heap::simulate(officers, rate, horizon_days, seed);
        let (with_books, books) = books_heap::simulate(officers, rate, horizon_days, seed);
        assert_eq!(
            with_books, heap,
            "the books change no draw, {officers} officers, seed {seed}"
        );
        assert_eq!(books.started(), heap.served());
        let recursion = mmc_recursion::simulate(officers, rate, horizon_days, seed);
        assert_eq!(heap, recursion, "heap and recursion, {officers} officers, seed {seed}");
        assert_eq!(heap.arrived, heap.served() + heap.waiting_at_end);
        // Nobody leaves with infinite patience, and the draws are those of the heap loop.
        let patient = patience_heap::simulate(officers, rate, f64::INFINITY, horizon_days, seed);
        assert_eq!(patient, heap, "patience without end, {officers} officers, seed {seed}");
        // Service times drawn in order of service start: any work-conserving order gives the
        // same starts, so the same counts and summed waits; with no high class, the same run.
        let low_only = priority_heap::simulate(officers, rate, 0.0, horizon_days, seed);
        assert_eq!(
            (low_only.served, low_only.wait_days),
            ([0, heap.served()], [0.0, heap.wait_days[0]])
        );
        let classes = priority_heap::simulate(officers, rate, HIGH_SHARE, horizon_days, seed);
        assert_eq!(
            (
                classes.arrived,
                classes.served(),
                classes.waiting_at_end,
                classes.events
            ),
            (heap.arrived, heap.served(), heap.waiting_at_end, heap.events)
        );
        // The sum of all waits, to the end, is the same; who is still waiting at the end is not.
        let all_waits = |stats: &Stats| stats.wait_days.iter().sum::<f64>() + stats.waited_at_end_days;
        let relative = (all_waits(&classes) / all_waits(&heap) - 1.0).abs();
        assert!(relative < 1e-9, "priority changes the summed wait by {relative}");
    }

    // W1's size is too slow unoptimised; 20,000 days bring 90,000 customers, within a few per
    // cent of the closed forms at ρ = 0.9 (loose bounds, fixed seed).
    let horizon_days = 20_000.0;
    let close = |measured: f64, theory: f64, tolerance: f64, what: &str| {
        let relative = (measured / theory - 1.0).abs();
        assert!(
            relative < tolerance,
            "{what}: {measured} against {theory} ({relative:.3})"
        );
    };
    let w1 = run("w1-heap", horizon_days, 1);
    close(
        w1.mean_wait_days(),
        theory::erlang_c_mean_wait_days(OFFICERS, RATE_PER_DAY),
        0.1,
        "W1 mean wait",
    );
    // The books' median wait: P(wait > t) = C·e^(−(c − λ)t) with Erlang C's C = mean wait · (c − λ).
    let (_, books) = books_heap::simulate(OFFICERS, RATE_PER_DAY, horizon_days, 1);
    let decay_per_day = f64::from(OFFICERS) - RATE_PER_DAY;
    let waiting_share = theory::erlang_c_mean_wait_days(OFFICERS, RATE_PER_DAY) * decay_per_day;
    close(
        books.median_wait_days(),
        (2.0 * waiting_share).ln() / decay_per_day,
        0.1,
        "W1 median wait",
    );
    let (abandon_share, served_wait, little) = theory::erlang_a(OFFICERS, RATE_PER_DAY, PATIENCE_MEAN_DAYS);
    close(abandon_share, little, 1e-9, "Erlang A by arrivals and by Little's law");
    let patience = run("w1-patience-heap", horizon_days, 1);
    assert_eq!(
        patience.arrived,
        patience.served() + patience.abandoned + patience.waiting_at_end
    );
    close(
        patience.abandoned as f64 / patience.arrived as f64,
        abandon_share,
        0.1,
        "Erlang A abandoned",
    );
    close(patience.mean_wait_days(), served_wait, 0.1, "Erlang A mean wait");
    let waits = theory::priority_mean_waits_days(OFFICERS, RATE_PER_DAY, HIGH_SHARE);
    let overall = HIGH_SHARE * waits[0] + (1.0 - HIGH_SHARE) * waits[1];
    close(
        overall,
        theory::erlang_c_mean_wait_days(OFFICERS, RATE_PER_DAY),
        1e-12,
        "priority conserves work",
    );
    let classes = run("w1-priority-heap", horizon_days, 1);
    for (class, &theory) in waits.iter().enumerate() {
        let mean = classes.wait_days[class] / classes.served[class] as f64;
        close(mean, theory, 0.15, "priority class mean wait");
    }
    println!("reference: the references agree with each other and with the closed forms");
}

fn main() {
    let mut bench = false;
    let (mut model, mut filter) = (None, None);
    let (mut horizon_days, mut seed) = (HORIZON_DAYS, 1);
    let mut args = std::env::args().skip(1);
    let fail = |message: String| -> ! {
        eprintln!("reference: {message}");
        std::process::exit(2)
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().unwrap_or_else(|| fail(format!("{name} needs a value")));
        match arg.as_str() {
            "--bench" => bench = true,
            "--model" => {
                let name = value("--model");
                if !MODELS.contains(&name.as_str()) {
                    fail(format!("unknown model {name}; one of {}", MODELS.join(", ")));
                }
                model = Some(name);
            }
            "--horizon-days" => {
                horizon_days = value("--horizon-days")
                    .parse()
                    .ok()
                    .filter(|days: &f64| *days > 0.0 && days.is_finite())
                    .unwrap_or_else(|| fail("--horizon-days takes a positive number".into()));
            }
            "--seed" => {
                seed = value("--seed")
                    .parse()
                    .unwrap_or_else(|_| fail("--seed takes a whole number".into()));
            }
            // Other flags are cargo's test or bench runner's (`--nocapture`, …): not ours.
            flag if flag.starts_with('-') => {}
            _ => filter = Some(arg),
        }
    }
    if !bench {
        check();
        return;
    }
    for name in MODELS {
        let chosen = match (&model, &filter) {
            (Some(model), _) => model == name,
            (None, Some(filter)) => name.contains(filter.as_str()),
            (None, None) => true,
        };
        if chosen {
            let start = Instant::now();
            let stats = run(name, horizon_days, seed);
            report(name, &stats, start.elapsed().as_secs_f64());
            println!();
        }
    }
}
