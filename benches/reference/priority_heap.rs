//! W1 with two priority classes by the heap loop of [`crate::mmc_heap`]: each customer is
//! "high" with probability `high_share`, otherwise "low"; a free officer takes the longest-waiting
//! high customer if there is one, else the longest-waiting low one (non-preemptive).

use crate::{Stats, Streams};
use rand::RngExt;
use rand_distr::{Distribution, Exp};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// What happens at an event.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Arrival,
    Completion,
}

/// An event: its time in days as `f64::to_bits` (ordered as the times, which are never
/// negative), and its kind.
type Event = Reverse<(u64, Kind)>;

/// The event of `kind` at `time_days`.
fn event(time_days: f64, kind: Kind) -> Event {
    Reverse((time_days.to_bits(), kind))
}

/// Simulates M/M/c with two non-preemptive priority classes (arrivals `rate_per_day`, a share
/// `high_share` of them high, service mean 1 day) over `horizon_days`.
pub(crate) fn simulate(officers: u32, rate_per_day: f64, high_share: f64, horizon_days: f64, seed: u64) -> Stats {
    let mut rng = Streams::new(seed);
    let gap = Exp::new(rate_per_day).expect("positive rate");
    let service = Exp::new(1.0).expect("positive rate");
    let mut events: BinaryHeap<Event> = BinaryHeap::new();
    // Arrival times of the customers waiting, by class: high (0), then low (1).
    let mut queues: [VecDeque<f64>; 2] = [VecDeque::new(), VecDeque::new()];
    let mut idle = officers;
    let mut stats = Stats::default();
    events.push(event(gap.sample(&mut rng.arrivals), Kind::Arrival));
    while let Some(Reverse((bits, kind))) = events.pop() {
        let now = f64::from_bits(bits);
        if now >= horizon_days {
            break;
        }
        stats.events += 1;
        let (class, arrived) = match kind {
            Kind::Arrival => {
                stats.arrived += 1;
                events.push(event(now + gap.sample(&mut rng.arrivals), Kind::Arrival));
                let class = usize::from(!rng.extra.random_bool(high_share));
                if idle == 0 {
                    queues[class].push_back(now);
                    continue;
                }
                idle -= 1;
                (class, now)
            }
            Kind::Completion => {
                let Some(class) = queues.iter().position(|queue| !queue.is_empty()) else {
                    idle += 1;
                    continue;
                };
                (class, queues[class].pop_front().expect("a waiting customer"))
            }
        };
        stats.record_start(class, now - arrived);
        events.push(event(now + service.sample(&mut rng.service), Kind::Completion));
    }
    for queue in &queues {
        stats.waiting_at_end += queue.len() as u64;
        stats.waited_at_end_days += queue.iter().map(|arrived| horizon_days - arrived).sum::<f64>();
    }
    stats
}
