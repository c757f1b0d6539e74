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

use super::arrivals::StreamGen;
use super::day_in_run;
use super::daybook::DayBook;
use super::list::Waiting;
use super::rng::{SimRng, keyed_rng};
use crate::cancel::{CancelToken, Cancelled};
use crate::model::{
    Capacity, Discipline, Dist, Model, RatePiece, Source, Stream, TICKS_PER_DAY, Ticks, non_negative_days_to_ticks,
};
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
    // In a network, people move between lists: only the event loop follows them.
    if !model.network.is_empty() {
        return None;
    }
    let mut plans = model
        .ports
        .iter()
        .map(|port| {
            let Capacity::Officers(officers) = &port.capacity else {
                return None;
            };
            let on_duty = officers.officers_by_day.constant()?;
            let plain = port.discipline == Discipline::Fifo && port.list_numbers.is_none();
            (plain && officers.is_round_the_clock() && on_duty > 0).then_some(PortPlan {
                officers: on_duty,
                service_days: &officers.service_days,
                stream: None,
            })
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

/// Runs replication `replication` of `model` by the plan from [`plan`], unless `cancel` stops
/// it first.
pub(super) fn run(
    model: &Model,
    plans: &[PortPlan<'_>],
    replication: u32,
    cancel: &CancelToken,
) -> Result<Replication, Cancelled> {
    let mut events = 0;
    let mut ports = Vec::with_capacity(plans.len());
    for plan in plans {
        let mut simulation = PortRun::new(model);
        simulation.serve_stream(model, plan, replication, cancel);
        if cancel.is_cancelled() {
            return Err(Cancelled);
        }
        events += simulation.events;
        ports.push(PortResult {
            by_class: simulation.by_class,
            daily: simulation.days.into_series(),
            streams: Vec::new(),
            numbers: None,
        });
    }
    Ok(Replication {
        network: None,
        index: replication,
        ports,
        events,
    })
}

/// One port's state in a direct run.
struct PortRun {
    horizon: Ticks,
    warm_up: Ticks,
    by_class: Vec<PeopleStats>,
    days: DayBook,
    /// Events the event loop would have handled for this port.
    events: u64,
}

impl PortRun {
    fn new(model: &Model) -> Self {
        let horizon = model.horizon_ticks();
        PortRun {
            horizon,
            warm_up: Ticks::from(model.warm_up_days) * TICKS_PER_DAY,
            by_class: (0..model.classes.len())
                .map(|_| PeopleStats::new(model.outcomes.len()))
                .collect(),
            days: DayBook::new(model.horizon_days),
            // The event loop starts the officers' one shift at tick 0.
            events: u64::from(horizon > 0),
        }
    }

    /// Takes every group of the port's stream, if it has one, that arrives before the horizon.
    ///
    /// Drawing the random numbers and serving the groups are two stages, run on two cores
    /// when there are two: while one block of groups is served, the next is drawn.
    fn serve_stream(&mut self, model: &Model, plan: &PortPlan<'_>, replication: u32, cancel: &CancelToken) {
        let Some(stream) = plan.stream.map(|index| &model.streams[index]) else {
            return;
        };
        let Source::Poisson { pieces } = &stream.source else {
            return;
        };
        let mut draws = Draws {
            generator: StreamGen::new(stream, model.seed, replication),
            service_rng: keyed_rng(model.seed, replication, "port", &model.ports[stream.port].name, 0),
            pieces,
            stream,
            service_days: plan.service_days,
            horizon: self.horizon,
            exhausted: false,
        };
        // Each form of the officers' times gets its own serving loop.
        let officers = plan.officers as usize;
        if officers <= FEW_OFFICERS {
            self.pipeline(&mut draws, &mut FewOfficers::new(officers), cancel);
        } else {
            self.pipeline(&mut draws, &mut ManyOfficers::new(officers), cancel);
        }
    }

    /// Draws and serves blocks until the stream has no more groups before the horizon, or
    /// `cancel` stops it.
    fn pipeline<T: OfficerTimes + Send>(&mut self, draws: &mut Draws<'_>, free_at: &mut T, cancel: &CancelToken) {
        let fill = |draws: &mut Draws<'_>, block: &mut Vec<Drawn>| {
            // Once, at the first fill of a block's buffer, rather than by doubling.
            block.reserve(BLOCK_GROUPS);
            draws.fill(block);
            !draws.exhausted
        };
        super::pipeline::run(draws, fill, |block| {
            if cancel.is_cancelled() {
                return false;
            }
            self.serve(block, free_at);
            true
        });
    }

    /// Serves a block of groups in arrival order.
    #[inline(never)]
    fn serve<T: OfficerTimes>(&mut self, groups: &[Drawn], free_at: &mut T) {
        let horizon = self.horizon;
        // Groups that never start, and services that end at the horizon: neither makes an
        // event of the event loop; every other arrival and service end does.
        let mut never_started = 0u64;
        let mut cut_services = 0u64;
        for drawn in groups {
            // Poisson arrivals are at or after tick 0 (and before the horizon).
            let time = drawn.arrival;
            let counted = self.warm_up == 0 || time >= self.warm_up;
            let group = Waiting {
                joined: time,
                deadline: Ticks::MAX,
                id: 0,
                size: drawn.size,
                ticket: 0,
                // One stream: the cell is the class.
                cell: drawn.class,
                outcome: 0,
                flags: if counted { Waiting::COUNTED } else { 0 },
            };
            let stats = &mut self.by_class[usize::from(drawn.class)];
            if counted {
                stats.arrived += u64::from(group.size);
            }
            self.days.join(&group, day_in_run(time));
            let start = time.max(free_at.earliest());
            if start >= horizon {
                // Every officer is busy to the end: the group is still waiting then.
                never_started += 1;
                self.days.leave(&group, self.days.horizon_days);
                if counted {
                    stats.waiting_at_end.record(horizon - time, group.size);
                }
                continue;
            }
            self.days.processed(&group, day_in_run(start));
            if counted {
                stats.processed.record(start - time, group.size);
            }
            let done = start.saturating_add(drawn.service);
            if done >= horizon {
                cut_services += 1;
                free_at.replace_earliest(horizon);
            } else {
                free_at.replace_earliest(done);
            }
        }
        let arrivals = groups.len() as u64;
        self.events += arrivals + (arrivals - never_started - cut_services);
    }
}

/// Groups drawn per block: small enough for a block to stay in a core's cache, large enough
/// that handing blocks between cores costs little.
const BLOCK_GROUPS: usize = 1 << 14;

/// A group as drawn ahead of being served.
#[derive(Debug, Clone, Copy)]
struct Drawn {
    /// When it arrives.
    arrival: Ticks,
    /// How long its service takes, if it starts.
    service: Ticks,
    size: u32,
    class: u16,
}

/// The random draws of one port's groups, in the order the event loop makes them: the
/// stream's in arrival order, and the port's service times in order of service start, which
/// under FIFO is arrival order too (a group that never starts takes a draw nobody uses).
struct Draws<'m> {
    generator: StreamGen,
    service_rng: SimRng,
    pieces: &'m [RatePiece],
    stream: &'m Stream,
    service_days: &'m Dist,
    horizon: Ticks,
    exhausted: bool,
}

impl Draws<'_> {
    /// Replaces `block` by the next groups arriving before the horizon (none at the end).
    fn fill(&mut self, block: &mut Vec<Drawn>) {
        block.clear();
        if self.exhausted {
            return;
        }
        let horizon = self.horizon;
        let more =
            self.generator
                .poisson_block_no_draws(self.pieces, self.stream, BLOCK_GROUPS, |arrival, size, class, _| {
                    if arrival >= horizon {
                        return false;
                    }
                    block.push(Drawn {
                        arrival,
                        service: 0,
                        size,
                        class,
                    });
                    true
                });
        self.exhausted = !more;
        // The service times in a loop of their own, which keeps the sampler inlined, with the
        // common exponential matched once per block rather than once per draw.
        let rng = &mut self.service_rng;
        let ticks = |days: f64| non_negative_days_to_ticks(days).max(0);
        match self.service_days {
            Dist::Exponential { scale, .. } => {
                for group in block.iter_mut() {
                    group.service = ticks(Dist::standard_exponential(rng) * scale);
                }
            }
            // Out of line: inlining the other forms here cost the Poisson loop above.
            other => {
                for group in block.iter_mut() {
                    group.service = ticks(other.sample_other(rng));
                }
            }
        }
    }
}

/// Officers counts up to this are kept in a padded array and searched in full, without a
/// branch; more in a binary heap.
const FEW_OFFICERS: usize = 8;

/// The times at which a port's officers next free up.
trait OfficerTimes {
    /// When the first officer frees up.
    fn earliest(&self) -> Ticks;
    /// The first officer to free up is busy until `time` instead.
    fn replace_earliest(&mut self, time: Ticks);
}

/// Up to [`FEW_OFFICERS`] officers: each slot holds a time and the slot's own index
/// (`time << 3 | index`, see [`pack`]), padded with `i64::MAX`; and the smallest slot.
struct FewOfficers {
    slots: [i64; FEW_OFFICERS],
    earliest: i64,
}

/// Bits of a slot's index in a packed officer time.
const SLOT_BITS: u32 = FEW_OFFICERS.trailing_zeros();

/// A time packed with its slot: packed values order as their times do (times are below
/// 2^40 ticks, so the shift cannot overflow), and the minimum says where it is.
#[inline(always)]
fn pack(time: Ticks, slot: usize) -> i64 {
    time << SLOT_BITS | slot as i64
}

impl FewOfficers {
    /// `officers` (1 to [`FEW_OFFICERS`]) officers, all free from tick 0.
    fn new(officers: usize) -> Self {
        let mut slots = [i64::MAX; FEW_OFFICERS];
        for (slot, packed) in slots.iter_mut().enumerate().take(officers.max(1)) {
            *packed = pack(0, slot);
        }
        FewOfficers {
            slots,
            earliest: slots[0],
        }
    }
}

impl OfficerTimes for FewOfficers {
    #[inline(always)]
    fn earliest(&self) -> Ticks {
        self.earliest >> SLOT_BITS
    }

    #[inline(always)]
    fn replace_earliest(&mut self, time: Ticks) {
        let slot = (self.earliest as usize) & (FEW_OFFICERS - 1);
        self.slots[slot] = pack(time, slot);
        // A tournament in three rounds rather than a scan: the next group's start waits on it.
        let [a, b, c, d, e, f, g, h] = self.slots;
        self.earliest = a.min(b).min(c.min(d)).min(e.min(f).min(g.min(h)));
    }
}

/// More officers: a binary min-heap of their times.
struct ManyOfficers {
    heap: Vec<Ticks>,
}

impl ManyOfficers {
    /// `officers` officers, all free from tick 0.
    fn new(officers: usize) -> Self {
        ManyOfficers {
            heap: vec![0; officers.max(1)],
        }
    }
}

impl OfficerTimes for ManyOfficers {
    #[inline(always)]
    fn earliest(&self) -> Ticks {
        self.heap[0]
    }

    #[inline(always)]
    fn replace_earliest(&mut self, time: Ticks) {
        sift_down_from_top(&mut self.heap, time);
    }
}

/// Replaces the top of a binary min-heap by `time` and restores the heap order.
fn sift_down_from_top(heap: &mut [Ticks], time: Ticks) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officer_times_always_give_the_earliest() {
        fn check(times: &mut impl OfficerTimes, officers: usize) {
            let mut reference = vec![0 as Ticks; officers];
            let mut x: Ticks = 7;
            for _ in 0..1000 {
                x = (x * 7919 + 13) % 10_007;
                assert_eq!(
                    times.earliest(),
                    *reference.iter().min().unwrap(),
                    "{officers} officers"
                );
                let earliest = times.earliest();
                let slot = reference.iter().position(|&t| t == earliest).unwrap();
                reference[slot] = earliest + x;
                times.replace_earliest(earliest + x);
            }
        }
        for officers in [1, 2, 5, FEW_OFFICERS] {
            check(&mut FewOfficers::new(officers), officers);
        }
        for officers in [1, 2, FEW_OFFICERS + 1, 50] {
            check(&mut ManyOfficers::new(officers), officers);
        }
    }
}
