//! W1 by the textbook heap loop of [`crate::mmc_heap`], keeping the books backlog keeps for every
//! customer besides the reference's counts: the wait in whole seconds in a log-linear histogram
//! of three significant digits (the layout of backlog's, for its quantiles), the longest wait,
//! the summed wait in seconds, and arrivals and service starts per day (backlog's daily series).
//! It measures what those books cost a lean loop, so the event loop can be compared with a
//! program that produces the same kind of results.

use crate::{Stats, Streams};
use rand_distr::{Distribution, Exp};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Seconds in a day: backlog's tick.
const SECONDS_PER_DAY: f64 = 86_400.0;
/// Linear sub-buckets per bucket: 2^11 gives three significant digits.
const SUB_BUCKET_BITS: u32 = 11;

/// The books kept per customer.
#[derive(Debug, Default)]
pub(crate) struct Books {
    /// Waits in seconds, counted by log-linear bin.
    histogram: Vec<u64>,
    longest_wait_seconds: u64,
    summed_wait_seconds: u128,
    /// Arrivals and service starts by day.
    arrived_by_day: Vec<u64>,
    started_by_day: Vec<u64>,
}

impl Books {
    fn new(horizon_days: f64) -> Self {
        let days = horizon_days.ceil() as usize;
        Books {
            arrived_by_day: vec![0; days],
            started_by_day: vec![0; days],
            ..Books::default()
        }
    }

    fn arrive(&mut self, now_days: f64) {
        self.arrived_by_day[now_days as usize] += 1;
    }

    fn start(&mut self, now_days: f64, wait_days: f64) {
        self.started_by_day[now_days as usize] += 1;
        let wait = (wait_days * SECONDS_PER_DAY + 0.5) as u64;
        let bucket = (64 - SUB_BUCKET_BITS) - (wait | ((1 << SUB_BUCKET_BITS) - 1)).leading_zeros();
        let index = (((bucket + 1) << (SUB_BUCKET_BITS - 1)) as usize) + (wait >> bucket) as usize
            - (1 << (SUB_BUCKET_BITS - 1));
        if index >= self.histogram.len() {
            self.histogram.resize(index + 1, 0);
        }
        self.histogram[index] += 1;
        self.longest_wait_seconds = self.longest_wait_seconds.max(wait);
        self.summed_wait_seconds += u128::from(wait);
    }

    /// The median wait in days, to three significant digits.
    pub(crate) fn median_wait_days(&self) -> f64 {
        let total: u64 = self.histogram.iter().sum();
        let mut seen = 0;
        let index = self
            .histogram
            .iter()
            .position(|&count| {
                seen += count;
                2 * seen >= total
            })
            .unwrap_or(0);
        let half = 1 << (SUB_BUCKET_BITS - 1);
        let (bucket, sub_bucket) = match (index >> (SUB_BUCKET_BITS - 1)).checked_sub(1) {
            Some(bucket) => (bucket, (index & (half - 1)) + half),
            None => (0, index),
        };
        ((sub_bucket as u64) << bucket) as f64 / SECONDS_PER_DAY
    }

    /// Service starts counted by day, all days.
    pub(crate) fn started(&self) -> u64 {
        self.started_by_day.iter().sum()
    }
}

/// What happens at an event.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Arrival,
    Completion,
}

/// An event: its time in days as `f64::to_bits` (never negative, so the bits order as the
/// times do), and its kind.
type Event = Reverse<(u64, Kind)>;

fn event(time_days: f64, kind: Kind) -> Event {
    Reverse((time_days.to_bits(), kind))
}

/// Simulates M/M/c (arrivals `rate_per_day`, service mean 1 day) over `horizon_days`; the same
/// draws and counts as [`crate::mmc_heap::simulate`], plus the books.
pub(crate) fn simulate(officers: u32, rate_per_day: f64, horizon_days: f64, seed: u64) -> (Stats, Books) {
    let mut rng = Streams::new(seed);
    let gap = Exp::new(rate_per_day).expect("positive rate");
    let service = Exp::new(1.0).expect("positive rate");
    let mut events: BinaryHeap<Event> = BinaryHeap::new();
    let mut queue: VecDeque<f64> = VecDeque::new();
    let mut idle = officers;
    let mut stats = Stats::default();
    let mut books = Books::new(horizon_days);
    events.push(event(gap.sample(&mut rng.arrivals), Kind::Arrival));
    while let Some(Reverse((bits, kind))) = events.pop() {
        let now = f64::from_bits(bits);
        if now >= horizon_days {
            break;
        }
        stats.events += 1;
        let arrived = match kind {
            Kind::Arrival => {
                stats.arrived += 1;
                books.arrive(now);
                events.push(event(now + gap.sample(&mut rng.arrivals), Kind::Arrival));
                if idle == 0 {
                    queue.push_back(now);
                    continue;
                }
                idle -= 1;
                now
            }
            Kind::Completion => match queue.pop_front() {
                Some(arrived) => arrived,
                None => {
                    idle += 1;
                    continue;
                }
            },
        };
        stats.record_start(0, now - arrived);
        books.start(now, now - arrived);
        events.push(event(now + service.sample(&mut rng.service), Kind::Completion));
    }
    stats.waiting_at_end = queue.len() as u64;
    stats.waited_at_end_days = queue.iter().map(|arrived| horizon_days - arrived).sum();
    (stats, books)
}
