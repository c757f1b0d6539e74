//! W1 by a textbook event loop: a binary heap of arrival and completion events, a FIFO queue of
//! arrival times, c officers.

use crate::{Stats, Streams};
use rand_distr::{Distribution, Exp};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// What happens at an event.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Arrival,
    Completion,
}

/// An event: its time in days as `f64::to_bits` (times are never negative, so the bits order
/// as the times do), and its kind.
type Event = Reverse<(u64, Kind)>;

/// The event of `kind` at `time_days`.
fn event(time_days: f64, kind: Kind) -> Event {
    Reverse((time_days.to_bits(), kind))
}

/// Simulates M/M/c (arrivals `rate_per_day`, service mean 1 day) over `horizon_days`.
pub(crate) fn simulate(officers: u32, rate_per_day: f64, horizon_days: f64, seed: u64) -> Stats {
    let mut rng = Streams::new(seed);
    let gap = Exp::new(rate_per_day).expect("positive rate");
    let service = Exp::new(1.0).expect("positive rate");
    let mut events: BinaryHeap<Event> = BinaryHeap::new();
    let mut queue: VecDeque<f64> = VecDeque::new();
    let mut idle = officers;
    let mut stats = Stats::default();
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
        events.push(event(now + service.sample(&mut rng.service), Kind::Completion));
    }
    stats.waiting_at_end = queue.len() as u64;
    stats.waited_at_end_days = queue.iter().map(|arrived| horizon_days - arrived).sum();
    stats
}
