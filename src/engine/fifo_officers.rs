//! A direct simulation of the simplest models: officers working a FIFO list around the
//! clock, fed by Poisson streams whose people all join and never give up.
//!
//! Under FIFO the next group to start is always the longest-waiting one, and it starts with
//! whichever officer frees up first, at max(its arrival, that officer's free time) (the
//! Kiefer–Wolfowitz recursion for a multi-server queue). So a group's whole story is known
//! the moment it arrives, and a port needs neither an event queue nor a list: only the
//! times at which its officers next free up.
//!
//! The random numbers come from the same keyed streams in the same order as in the event
//! loop (a stream's draws in arrival order, a port's service draws in order of service
//! start), and every statistic is an integer sum, so the results, event count included, are
//! identical to the event loop's. The tests check that on random models.

use super::DayBook;
use super::arrivals::{Pending, StreamGen};
use super::list::Waiting;
use super::rng::keyed_rng;
use crate::model::{Capacity, Discipline, Dist, Model, Source, TICKS_PER_DAY, Ticks, non_negative_days_to_ticks};
use crate::stats::{PeopleStats, PortResult, Replication};

/// What the direct simulation needs of one port.
#[derive(Debug)]
pub(super) struct PortPlan<'m> {
    /// Officers on duty, every day, around the clock.
    officers: u32,
    /// Time one officer spends on one group.
    service_days: &'m Dist,
    /// The one stream feeding the port, if any.
    stream: Option<usize>,
}

/// The per-port plan when the direct simulation covers `model`: every port has officers on
/// duty around the clock in the same number every day and serves its list FIFO, at most one
/// stream feeds each port, and every stream is Poisson, joins whole and has no patience.
pub(super) fn plan(model: &Model) -> Option<Vec<PortPlan<'_>>> {
    let mut plans = model
        .ports
        .iter()
        .map(|port| {
            let Capacity::Officers(officers) = &port.capacity else {
                return None;
            };
            let on_duty = *officers.officers_by_day.first()?;
            let constant = officers.officers_by_day.iter().all(|&day| day == on_duty);
            (port.discipline == Discipline::Fifo && officers.is_round_the_clock() && constant && on_duty > 0).then_some(
                PortPlan {
                    officers: on_duty,
                    service_days: &officers.service_days,
                    stream: None,
                },
            )
        })
        .collect::<Option<Vec<_>>>()?;
    for (index, stream) in model.streams.iter().enumerate() {
        let simple = matches!(stream.source, Source::Poisson { .. })
            && stream.join_share >= 1.0
            && stream.patience_by_class.iter().all(Option::is_none);
        let port = plans.get_mut(stream.port)?;
        if !simple || port.stream.replace(index).is_some() {
            return None;
        }
    }
    Some(plans)
}

/// Runs replication `replication` of `model` by the plan from [`plan`].
pub(super) fn run(model: &Model, plans: &[PortPlan<'_>], replication: u32) -> Replication {
    let mut events = 0;
    let ports = plans
        .iter()
        .map(|plan| {
            let mut simulation = PortRun::new(model, plan.officers);
            if let Some(stream) = plan.stream {
                simulation.serve_stream(model, stream, plan.service_days, replication);
            }
            events += simulation.events;
            PortResult {
                by_class: simulation.by_class,
                daily: simulation.days.into_series(),
            }
        })
        .collect();
    Replication {
        index: replication,
        ports,
        events,
    }
}

/// One port's state in a direct run.
struct PortRun {
    horizon: Ticks,
    warm_up: Ticks,
    /// When each officer next frees up (at most the horizon).
    free_at: OfficerTimes,
    by_class: Vec<PeopleStats>,
    days: DayBook,
    /// Events the event loop would have handled for this port.
    events: u64,
}

impl PortRun {
    fn new(model: &Model, officers: u32) -> Self {
        let horizon = model.horizon_ticks();
        PortRun {
            horizon,
            warm_up: Ticks::from(model.warm_up_days) * TICKS_PER_DAY,
            free_at: OfficerTimes::new(officers as usize),
            by_class: (0..model.classes.len())
                .map(|_| PeopleStats::new(model.outcomes.len()))
                .collect(),
            days: DayBook::new(model.horizon_days),
            // The event loop starts the officers' one shift at tick 0.
            events: u64::from(horizon > 0),
        }
    }

    /// Takes every group of stream `stream_index` that arrives before the horizon.
    fn serve_stream(&mut self, model: &Model, stream_index: usize, service_days: &Dist, replication: u32) {
        let stream = &model.streams[stream_index];
        let port_name = &model.ports[stream.port].name;
        let mut service_rng = keyed_rng(model.seed, replication, "port", port_name, 0);
        let mut generator = StreamGen::new(stream, model.seed, replication);
        let mut next = Pending::default();
        let horizon = self.horizon;
        let mut arrivals = 0u64;
        // Groups that never start, and services that end at the horizon: neither makes an
        // event of the event loop.
        let mut never_started = 0u64;
        let mut cut_services = 0u64;
        while generator.next_into(stream, model.seed, replication, &mut next) && next.arrival < horizon {
            arrivals += 1;
            if arrivals & 0xffff == 0 && crate::interrupt::requested() {
                break;
            }
            // Poisson arrivals are at or after tick 0 (and before the horizon).
            let time = next.arrival;
            let counted = self.warm_up == 0 || time >= self.warm_up;
            let group = Waiting {
                joined: time,
                deadline: Ticks::MAX,
                arrival_day: day_index(time),
                id: 0,
                size: next.size,
                class: next.class,
                outcome: 0,
                counted,
            };
            let stats = &mut self.by_class[usize::from(group.class)];
            if counted {
                stats.arrived += u64::from(group.size);
            }
            self.days.join(&group);
            let start = time.max(self.free_at.earliest());
            if start >= horizon {
                // Every officer is busy to the end: the group is still waiting then.
                never_started += 1;
                self.days.leave(&group, self.days.horizon_days);
                if counted {
                    stats.waiting_at_end.record(horizon - time, group.size);
                }
                continue;
            }
            self.days.processed(&group, day_index(start));
            if counted {
                stats.processed.record(start - time, group.size);
            }
            let service = non_negative_days_to_ticks(service_days.sample(&mut service_rng)).max(0);
            let done = start.saturating_add(service);
            if done >= horizon {
                cut_services += 1;
                self.free_at.replace_earliest(horizon);
            } else {
                self.free_at.replace_earliest(done);
            }
        }
        // Each arrival is an event, and so is each service that ends before the horizon.
        let services_ended = arrivals - never_started - cut_services;
        self.events += arrivals + services_ended;
    }
}

/// The day of a tick in `0..horizon`.
#[inline(always)]
fn day_index(time: Ticks) -> u32 {
    (time as u64 / TICKS_PER_DAY as u64) as u32
}

/// The times at which a port's officers next free up, as a binary min-heap.
struct OfficerTimes {
    heap: Vec<Ticks>,
}

impl OfficerTimes {
    /// `officers` officers, all free from tick 0.
    fn new(officers: usize) -> Self {
        OfficerTimes {
            heap: vec![0; officers.max(1)],
        }
    }

    /// When the first officer frees up.
    #[inline(always)]
    fn earliest(&self) -> Ticks {
        self.heap[0]
    }

    /// The first officer to free up is busy until `time` instead.
    #[inline(always)]
    fn replace_earliest(&mut self, time: Ticks) {
        let heap = &mut self.heap[..];
        let mut hole = 0;
        loop {
            let left = 2 * hole + 1;
            if left >= heap.len() {
                break;
            }
            let right = left + 1;
            let child = if right < heap.len() && heap[right] < heap[left] {
                right
            } else {
                left
            };
            if heap[child] >= time {
                break;
            }
            heap[hole] = heap[child];
            hole = child;
        }
        heap[hole] = time;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officer_times_always_give_the_earliest() {
        let mut times = OfficerTimes::new(5);
        let mut reference = [0 as Ticks; 5];
        let mut x: Ticks = 7;
        for _ in 0..1000 {
            x = (x * 7919 + 13) % 10_007;
            assert_eq!(times.earliest(), *reference.iter().min().unwrap());
            let earliest = times.earliest();
            let slot = reference.iter().position(|&t| t == earliest).unwrap();
            reference[slot] = earliest + x;
            times.replace_earliest(earliest + x);
        }
    }
}
