//! W1 with patience (M/M/c+M, Erlang A) by the heap loop of [`crate::mmc_heap`]: each customer
//! draws an exponential patience on arrival and leaves if no officer has started on them by
//! then. Leaving needs no event: a customer whose deadline has passed is dropped when an officer
//! reaches them, or counted at the end.

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

/// An event: its time in days as `f64::to_bits` (ordered as the times, which are never
/// negative), and its kind.
type Event = Reverse<(u64, Kind)>;

/// The event of `kind` at `time_days`.
fn event(time_days: f64, kind: Kind) -> Event {
    Reverse((time_days.to_bits(), kind))
}

/// Simulates M/M/c+M (arrivals `rate_per_day`, service mean 1 day, patience mean
/// `patience_mean_days`; infinite: nobody leaves) over `horizon_days`.
pub(crate) fn simulate(
    officers: u32,
    rate_per_day: f64,
    patience_mean_days: f64,
    horizon_days: f64,
    seed: u64,
) -> Stats {
    let mut rng = Streams::new(seed);
    let gap = Exp::new(rate_per_day).expect("positive rate");
    let service = Exp::new(1.0).expect("positive rate");
    let patience = Exp::new(1.0 / patience_mean_days).expect("positive mean");
    let mut events: BinaryHeap<Event> = BinaryHeap::new();
    // (arrival, deadline) of each customer waiting, in arrival order.
    let mut queue: VecDeque<(f64, f64)> = VecDeque::new();
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
                let deadline = now + patience.sample(&mut rng.extra);
                if idle == 0 {
                    queue.push_back((now, deadline));
                    continue;
                }
                idle -= 1;
                now
            }
            Kind::Completion => {
                // Customers whose patience has run out left unseen.
                while queue.front().is_some_and(|&(_, deadline)| deadline <= now) {
                    queue.pop_front();
                    stats.abandoned += 1;
                }
                match queue.pop_front() {
                    Some((arrived, _)) => arrived,
                    None => {
                        idle += 1;
                        continue;
                    }
                }
            }
        };
        stats.record_start(0, now - arrived);
        events.push(event(now + service.sample(&mut rng.service), Kind::Completion));
    }
    for &(arrived, deadline) in &queue {
        if deadline < horizon_days {
            stats.abandoned += 1;
        } else {
            stats.waiting_at_end += 1;
            stats.waited_at_end_days += horizon_days - arrived;
        }
    }
    stats
}
