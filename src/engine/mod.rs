//! The discrete-event engine: one replication of a model.
//!
//! Arrivals are drawn ahead, a window of groups at a time, on the other core while the event
//! loop runs, and come already in order (see `feed`); so are the service times of officers
//! whose random numbers serve nothing else. The engine's own events live in an
//! [`EventQueue`] ordered by (tick, phase, sequence). At one tick, service completions come
//! first, then arrivals (longest-waiting first, then by stream), then list calls and shift
//! starts in the order scheduled; so a list called at the instant people arrive sees them.
//!
//! Work the engine can settle lazily it does not schedule:
//! - a group that runs out of patience is not an event: it is found, and counted as having
//!   left at its deadline, when it reaches the front of the list or when the run ends;
//! - daily counts are kept as flows and difference arrays over days, filled in when a group
//!   joins and when it leaves, so no end-of-day events are needed.

pub(crate) mod arrivals;
mod daybook;
mod feed;
mod fifo_officers;
pub(crate) mod list;
mod network;
mod numbers;
mod pipeline;
pub(crate) mod queue;
pub(crate) mod rng;

use crate::cancel::{CancelToken, Cancelled};
use crate::model::{
    Capacity, Discipline, Dist, Model, NoShow, Officers, Quota, QuotaRandomness, TICKS_PER_DAY, Ticks,
    non_negative_days_to_ticks,
};
use crate::stats::{PeopleStats, PortResult, Replication, StreamResult};
use daybook::DayBook;
use feed::{Arriving, Feed, Window};
use list::{Lane, Waiting};
use numbers::NumberBook;
use queue::{EventKind, EventQueue, arrival_order, order_at};
use rand::RngExt;
use rand::distr::Distribution;
use rand_distr::Poisson;
use rng::{SimRng, keyed_rng};
use std::sync::atomic::{AtomicU64, Ordering};

/// What a trace line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TraceEvent {
    /// A group joined the list.
    Join,
    /// A group arrived but did not join the list.
    NoJoin,
    /// A group was processed (its wait ended).
    Process,
    /// A group was found to have given up (at its deadline).
    Abandon,
    /// A called group was absent and lost its place.
    NoShowDrop,
    /// A called group was absent and was sent to the end of the list.
    NoShowBack,
    /// The names of a group that had given up were called and struck off the list.
    NameStruck,
    /// An officer finished a claim.
    ServiceEnd,
    /// A quota port called its list (group = 0, people = the day's quota).
    Call,
    /// A group was still on the list at the horizon.
    StillWaiting,
    /// A group left the list for another port's (it re-listed).
    Move,
}

impl TraceEvent {
    /// Name used in trace files.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TraceEvent::Join => "join",
            TraceEvent::NoJoin => "no_join",
            TraceEvent::Process => "process",
            TraceEvent::Abandon => "abandon",
            TraceEvent::NoShowDrop => "no_show_drop",
            TraceEvent::NoShowBack => "no_show_back",
            TraceEvent::NameStruck => "name_struck",
            TraceEvent::ServiceEnd => "service_end",
            TraceEvent::Call => "call",
            TraceEvent::StillWaiting => "still_waiting",
            TraceEvent::Move => "move",
        }
    }
}

/// A receiver of every event of a replication; [`NoTrace`] compiles to nothing.
pub(crate) trait Trace {
    /// Called for each event: time, what, port, group id, people, people on the port's list
    /// after the event (counting people who have given up only once they are found).
    fn record(&mut self, time: Ticks, event: TraceEvent, port: usize, group: u32, people: u32, list_people: u64);
}

/// The trace that records nothing.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct NoTrace;

impl Trace for NoTrace {
    #[inline(always)]
    fn record(&mut self, _: Ticks, _: TraceEvent, _: usize, _: u32, _: u32, _: u64) {}
}

/// How a replication is simulated. Both give identical results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Engine {
    /// The direct recursion where it covers the model (officers working a FIFO list around
    /// the clock, fed by Poisson streams without patience; see `fifo_officers`), the event
    /// loop otherwise.
    #[default]
    Auto,
    /// Always the general event loop.
    EventLoop,
}

/// Whether [`Engine::Auto`] simulates `model` by the direct recursion for FIFO officers
/// instead of the event loop.
pub(crate) fn uses_direct_recursion(model: &Model) -> bool {
    fifo_officers::plan(model).is_some()
}

/// Runs replication `replication` of `model` to the end (nothing can stop it).
#[cfg(test)]
pub(crate) fn run_replication(model: &Model, replication: u32) -> Replication {
    match run_replication_with(model, replication, Engine::Auto, &CancelToken::new()) {
        Ok(replication) => replication,
        Err(Cancelled) => unreachable!("a token nobody else holds is never cancelled"),
    }
}

/// Runs replication `replication` of `model` by `engine`, unless `cancel` stops it first.
pub(crate) fn run_replication_with(
    model: &Model,
    replication: u32,
    engine: Engine,
    cancel: &CancelToken,
) -> Result<Replication, Cancelled> {
    match engine {
        Engine::Auto => match fifo_officers::plan(model) {
            Some(plans) => fifo_officers::run(model, &plans, replication, cancel),
            None => run_replication_traced(model, replication, &mut NoTrace, cancel),
        },
        Engine::EventLoop => run_replication_traced(model, replication, &mut NoTrace, cancel),
    }
}

/// Runs replication `replication` of `model`, reporting every event to `trace` (which must
/// be `Send`: the event loop may run on another core while this one draws arrivals), unless
/// `cancel` stops it first.
pub(crate) fn run_replication_traced<T: Trace + Send>(
    model: &Model,
    replication: u32,
    trace: &mut T,
    cancel: &CancelToken,
) -> Result<Replication, Cancelled> {
    let mut sim = Sim::new(model, replication, cancel);
    if !sim.run(&mut Feed::new(model, replication), trace) {
        return Err(Cancelled);
    }
    Ok(sim.finish(trace))
}

/// Day index of a tick (floor), clamped to [0, horizon].
#[inline]
fn day_of(time: Ticks, horizon_days: usize) -> usize {
    // Unsigned division is cheaper than `div_euclid`, and the same for times from 0 on.
    (time.max(0) as u64 / TICKS_PER_DAY as u64).min(horizon_days as u64) as usize
}

/// [`day_of`] for a tick known to be in `[0, horizon)`, which needs no clamping.
#[inline(always)]
fn day_in_run(time: Ticks) -> u32 {
    (time as u64 / TICKS_PER_DAY as u64) as u32
}

/// Service times a port draws ahead at most, a block at a time.
const SERVICE_BLOCK: usize = 256;

// In C order, so that what an arrival and a service touch is in the first few cache lines,
// not spread over the whole struct as the compiler would lay it out by alignment.
#[repr(C)]
struct PortState<'m> {
    /// People held in the lanes (including those whose patience ran out but who were not yet found).
    people_on_list: u64,
    busy_officers: u32,
    /// Most officers on duty on any day (0 for quota ports): at that many busy, arrivals
    /// need not look for an idle one.
    max_officers: u32,
    lanes: Vec<Lane>,
    /// The port's officers (`None` at a quota port).
    officers: Option<&'m Officers>,
    /// Service times drawn and not yet used: with `services_fed`, at a port the feed draws
    /// for, one for each group on the list at most, besides those of groups found to have
    /// given up in the last few windows (8 bytes a group).
    services: Vec<Ticks>,
    /// Index of the next of them to use.
    next_service: usize,
    /// Statistics per stream of the port and class: `cells[slot * classes + class]`.
    cells: Vec<PeopleStats>,
    /// Daily bookkeeping per stream of the port.
    days: Vec<DayBook>,
    /// The port's list numbers, if it hands them out.
    numbers: Option<Box<NumberBook>>,
    /// The node's part in a network (`None` for independent ports).
    net: Option<Box<network::NodeNet>>,
    /// The horizon, at which services that would end later are scheduled to end.
    horizon: Ticks,
    /// Whether that many officers are on duty around the clock every day, so that starting
    /// a service never needs the calendar.
    always_on_duty: bool,
    /// Whether an arrival that finds nobody on the list and an officer idle is served at
    /// once: officers around the clock every day, taking the first group there is (not by
    /// lottery).
    serves_at_once: bool,
    /// Whether service times are drawn ahead into `services` (by the feed, or here a block
    /// at a time): when the port's random numbers serve nothing else (officers not picking
    /// by lottery), so they are the same numbers in the same order.
    services_ahead: bool,
    discipline: Discipline,
    /// The port's random numbers (`None` where the feed owns them to draw service times, see
    /// [`feed::fed_service_days`]).
    rng: Option<SimRng>,
    /// Service times the feed drew after those in `services`, used once those run out.
    services_fed: Vec<Ticks>,
    /// Groups found to have given up so far (the feed draws fewer service times ahead for
    /// them).
    gave_up_groups: u64,
    /// Absent groups sent back during a call, re-queued when the call ends.
    sent_back: Vec<Waiting>,
    classes: usize,
    /// The stream slot and the class of each cell.
    cell_slot: Vec<u16>,
    cell_class: Vec<u16>,
    horizon_days: u32,
    /// Present groups called so far, for an exact no-show share.
    present_calls: u64,
}

impl PortState<'_> {
    /// The next service time at an officers port whose service times are `service_days`.
    #[inline(always)]
    fn next_service(&mut self, service_days: &Dist) -> Ticks {
        if !self.services_ahead {
            return service_ticks(service_days.sample(own(&mut self.rng)));
        }
        if self.next_service >= self.services.len() {
            self.draw_services(service_days);
        }
        let service = self.services[self.next_service];
        self.next_service += 1;
        service
    }

    /// Refills the service times once used up: with those the feed drew next, or at a port
    /// it does not draw for, with the next block drawn here (16 at first, doubling up to
    /// [`SERVICE_BLOCK`], so a port that serves few draws few).
    #[inline(never)]
    fn draw_services(&mut self, service_days: &Dist) {
        self.next_service = 0;
        if self.rng.is_none() {
            // The feed's random numbers: it has drawn enough (see `feed`).
            std::mem::swap(&mut self.services, &mut self.services_fed);
            self.services_fed.clear();
            return;
        }
        let block = (self.services.len() * 2).clamp(16, SERVICE_BLOCK);
        self.services.clear();
        draw_service_times(&mut self.services, block, service_days, own(&mut self.rng));
    }

    /// Takes `drawn`, service times the feed drew ahead, to use after those drawn before
    /// (by swapping buffers when those are in use, so that no time is copied).
    #[inline]
    fn add_services(&mut self, drawn: &mut Vec<Ticks>) {
        if self.services_fed.is_empty() {
            std::mem::swap(&mut self.services_fed, drawn);
        } else {
            self.services_fed.extend_from_slice(drawn);
        }
    }

    /// The statistics `group` counts in.
    #[inline(always)]
    fn cell(&mut self, group: &Waiting) -> &mut PeopleStats {
        &mut self.cells[usize::from(group.cell)]
    }

    /// The daily bookkeeping of `group`'s stream.
    #[inline(always)]
    fn days(&mut self, group: &Waiting) -> &mut DayBook {
        if self.days.len() == 1 {
            // A port with one stream (most): no lookup of the group's stream.
            return &mut self.days[0];
        }
        &mut self.days[usize::from(self.cell_slot[usize::from(group.cell)])]
    }

    /// Notes that `group`'s number is called on `day`.
    #[inline]
    fn call_number(&mut self, group: &Waiting, day: u32) {
        if let Some(numbers) = &mut self.numbers {
            numbers.call(group.ticket, day);
        }
    }

    /// Whether the next present group called is absent.
    #[inline]
    fn absent(&mut self, quota: &Quota) -> bool {
        let share = quota.no_show_share;
        if share <= 0.0 {
            return false;
        }
        if quota.no_show_exact {
            // The n-th call is absent when it takes floor(n · share) past floor((n - 1) · share);
            // the tolerance keeps products such as 3 · 0.1 from falling just short of a whole number.
            self.present_calls += 1;
            let calls = self.present_calls as f64;
            let whole = |x: f64| (x + 1e-9).floor();
            return whole(calls * share) > whole((calls - 1.0) * share);
        }
        own(&mut self.rng).random::<f64>() < share
    }

    /// The port's results: statistics by class and by stream, and daily series.
    fn into_result(self) -> PortResult {
        let classes = self.classes;
        let numbers = self.numbers.map(|numbers| numbers.into_series());
        let mut dailies: Vec<_> = self.days.into_iter().map(DayBook::into_series).collect();
        if dailies.len() == 1 {
            return PortResult {
                by_class: self.cells,
                daily: dailies.remove(0),
                streams: Vec::new(),
                numbers,
            };
        }
        let mut by_class = self.cells[..classes].to_vec();
        for (index, cell) in self.cells.iter().enumerate().skip(classes) {
            by_class[index % classes].merge(cell);
        }
        let mut daily = dailies[0].clone();
        for other in &dailies[1..] {
            daily.add(other);
        }
        let mut cells = self.cells.into_iter();
        let streams = dailies
            .into_iter()
            .map(|daily| {
                // A stream's cells are taken, not copied: with many streams they are most of the memory.
                let mut people = cells.next().unwrap_or_else(|| PeopleStats::new(0));
                for cell in cells.by_ref().take(classes - 1) {
                    people.merge(&cell);
                }
                StreamResult { people, daily }
            })
            .collect();
        PortResult {
            by_class,
            daily,
            streams,
            numbers,
        }
    }
}

struct Sim<'m> {
    model: &'m Model,
    cancel: &'m CancelToken,
    replication: u32,
    horizon: Ticks,
    horizon_days: usize,
    warm_up: Ticks,
    queue: EventQueue,
    /// The groups of the current window, in order.
    window: Window,
    /// Index of the next of them to arrive.
    next_arrival: usize,
    ports: Vec<PortState<'m>>,
    next_group_id: u32,
    no_show_outcome: u8,
    /// Index of the outcome `moved` (of groups that move to another port's list).
    moved_outcome: usize,
    events: u64,
    /// The network's part (`None` for independent ports).
    net: Option<network::NetSim>,
}

impl<'m> Sim<'m> {
    fn new(model: &'m Model, replication: u32, cancel: &'m CancelToken) -> Self {
        let horizon_days = model.horizon_days as usize;
        let outcomes = model.outcomes.len();
        let net = network::NetSim::new(model, replication);
        let slots = model.slots();
        let ports = model
            .ports
            .iter()
            .enumerate()
            .map(|(index, port)| {
                let lanes = match port.discipline {
                    Discipline::Priority => model.classes.len(),
                    _ => 1,
                };
                let slots = slots.count[index];
                PortState {
                    lanes: (0..lanes).map(|_| Lane::default()).collect(),
                    people_on_list: 0,
                    busy_officers: 0,
                    max_officers: match &port.capacity {
                        Capacity::Officers(officers) => officers.officers_by_day.max(),
                        Capacity::Quota(_) => 0,
                    },
                    always_on_duty: match &port.capacity {
                        Capacity::Officers(officers) => {
                            officers.is_round_the_clock() && officers.officers_by_day.constant().is_some()
                        }
                        Capacity::Quota(_) => false,
                    },
                    officers: match &port.capacity {
                        Capacity::Officers(officers) => Some(officers),
                        Capacity::Quota(_) => None,
                    },
                    discipline: port.discipline,
                    serves_at_once: match &port.capacity {
                        Capacity::Officers(officers) => {
                            officers.is_round_the_clock()
                                && officers.officers_by_day.constant().is_some()
                                && !matches!(port.discipline, Discipline::Mixed { .. })
                        }
                        Capacity::Quota(_) => false,
                    },
                    rng: feed::fed_service_days(model, index)
                        .is_none()
                        .then(|| port_rng(model, replication, index)),
                    services_ahead: draws_services_ahead(port),
                    services: Vec::new(),
                    next_service: 0,
                    services_fed: Vec::new(),
                    gave_up_groups: 0,
                    sent_back: Vec::new(),
                    cells: (0..slots * model.classes.len())
                        .map(|_| PeopleStats::new(outcomes))
                        .collect(),
                    classes: model.classes.len(),
                    cell_slot: (0..slots * model.classes.len())
                        .map(|cell| (cell / model.classes.len()) as u16)
                        .collect(),
                    cell_class: (0..slots * model.classes.len())
                        .map(|cell| (cell % model.classes.len()) as u16)
                        .collect(),
                    days: (0..slots).map(|_| DayBook::new(model.horizon_days)).collect(),
                    horizon_days: model.horizon_days,
                    horizon: model.horizon_ticks(),
                    numbers: port
                        .list_numbers
                        .map(|spec| Box::new(NumberBook::new(spec, model.horizon_days))),
                    present_calls: 0,
                    net: net
                        .as_ref()
                        .map(|net| Box::new(network::NodeNet::new(model, index, net.posts(index)))),
                }
            })
            .collect();
        let no_show_outcome = model.outcomes.iter().position(|name| name == "no_show").unwrap_or(0) as u8;
        let mut sim = Sim {
            model,
            cancel,
            replication,
            horizon: model.horizon_ticks(),
            horizon_days,
            warm_up: Ticks::from(model.warm_up_days) * TICKS_PER_DAY,
            queue: EventQueue::with_capacity(model.ports.len() + 64),
            window: Window::default(),
            next_arrival: 0,
            ports,
            next_group_id: 0,
            no_show_outcome,
            moved_outcome: model
                .outcomes
                .iter()
                .position(|name| name == crate::model::network::MOVED)
                .unwrap_or(0),
            events: 0,
            net,
        };
        for (index, port) in model.ports.iter().enumerate() {
            match &port.capacity {
                Capacity::Quota(quota) => sim.schedule_call(index, quota, 0),
                Capacity::Officers(officers) => sim.schedule_shift(index, officers, 0),
            }
        }
        sim
    }

    /// Schedules the next call of a quota port on or after day `from_day`.
    fn schedule_call(&mut self, port: usize, quota: &Quota, from_day: usize) {
        if let Some(day) = (from_day..self.horizon_days).find(|&day| quota.quota_by_day[day] > 0.0) {
            self.queue.push(
                day as Ticks * TICKS_PER_DAY + quota.call_offset,
                EventKind::Call { port: port as u16 },
            );
        }
    }

    /// Schedules the next shift start of an officers port on or after day `from_day`.
    ///
    /// Round-the-clock officers keep taking claims across midnight, so they need a shift
    /// start only on a day when more of them are on duty than the day before.
    fn schedule_shift(&mut self, port: usize, officers: &Officers, from_day: usize) {
        let on_duty = &officers.officers_by_day;
        let continuous = officers.is_round_the_clock();
        let on = |day: usize| on_duty.get(day).unwrap_or(0);
        let needs_start = |day: usize| on(day) > 0 && (!continuous || day == 0 || on(day) > on(day - 1));
        if let Some(day) = (from_day..self.horizon_days).find(|&day| needs_start(day)) {
            self.queue.push(
                day as Ticks * TICKS_PER_DAY + officers.shift_start,
                EventKind::ShiftStart { port: port as u16 },
            );
        }
    }

    /// Runs the replication window by window, drawing each next window's arrivals and
    /// service times (with `feed`) while the current one is simulated; `false` if cancelled.
    fn run<T: Trace + Send>(&mut self, feed: &mut Feed<'_>, trace: &mut T) -> bool {
        if self.horizon <= 0 {
            return true;
        }
        let last = order_at(self.horizon);
        // Each port's groups found to have given up, as of a window already simulated.
        let gave_up: Vec<AtomicU64> = self.ports.iter().map(|_| AtomicU64::new(0)).collect();
        let fill = |feed: &mut Feed<'_>, window: &mut Window| {
            feed.fill(window, &gave_up);
            window.end_order < last
        };
        pipeline::run(feed, fill, |window| {
            std::mem::swap(&mut self.window, window);
            self.next_arrival = 0;
            for (state, drawn) in self.ports.iter_mut().zip(&mut self.window.services) {
                if !drawn.is_empty() {
                    state.add_services(drawn);
                }
            }
            let finished = self.run_until(self.window.end_order, trace);
            debug_assert!(
                !finished || self.next_arrival == self.window.arrivals.len(),
                "a window's arrivals all handled"
            );
            for (state, count) in self.ports.iter().zip(&gave_up) {
                count.store(state.gave_up_groups, Ordering::Relaxed);
            }
            finished
        })
    }

    /// Handles the window's arrivals, and the queue's events before order `end` (the
    /// window's end), in order; `false` if interrupted.
    #[inline(never)]
    fn run_until<T: Trace>(&mut self, end: u64, trace: &mut T) -> bool {
        // The window's groups are taken out while they are handled, so they are read in place.
        let window = std::mem::take(&mut self.window.arrivals);
        let finished = if self.net.is_some() {
            self.handle::<T, true>(&window, end, trace)
        } else {
            self.handle::<T, false>(&window, end, trace)
        };
        self.window.arrivals = window;
        finished
    }

    /// [`Sim::run_until`] with the window's groups in `arrivals`; `NETWORK`: the model is a
    /// network (groups also come from other lists, see [`network`]).
    fn handle<T: Trace, const NETWORK: bool>(&mut self, arrivals: &[Arriving], end: u64, trace: &mut T) -> bool {
        // Where the next arrival falls among events (`u64::MAX` past the window's last).
        let order_of = |index: usize| {
            arrivals
                .get(index)
                .map_or(u64::MAX, |group| arrival_order(group.time()))
        };
        let mut next = self.next_arrival;
        let mut next_arrival = order_of(next);
        let mut events = self.events;
        let finished = loop {
            let next_event = self.queue.next_order();
            let next_transfer = if NETWORK {
                self.net.as_ref().map_or(u64::MAX, network::NetSim::next_order)
            } else {
                u64::MAX
            };
            // The window holds every arrival before its end, so only events can be left.
            if next_arrival >= next_event && next_event >= end && next_transfer >= end {
                break true;
            }
            events += 1;
            // A cheap check every 65,536 events keeps cancelling prompt even in one long replication.
            if events & 0xffff == 0 && self.cancel.is_cancelled() {
                break false;
            }
            // A group on its way between lists comes before an arrival at the same tick.
            if NETWORK && next_transfer <= next_arrival && next_transfer < next_event {
                self.transfer(trace);
                continue;
            }
            if next_arrival < next_event {
                if NETWORK {
                    self.post(arrivals[next].time());
                    let port = self.arrive_in_network(&arrivals[next], trace);
                    self.route(port);
                } else {
                    self.arrive(&arrivals[next], trace);
                }
                next += 1;
                next_arrival = order_of(next);
                continue;
            }
            // No arrival comes first, and the earliest event is before `end`.
            let Some((time, event)) = self.queue.take_earliest() else {
                unreachable!("an event before the window's end is in the queue")
            };
            if NETWORK {
                self.post(time);
            }
            match event {
                EventKind::Call { port } => self.call(port as usize, time, trace),
                EventKind::ShiftStart { port } => {
                    let port = port as usize;
                    self.start_services(port, time, trace);
                    if let Capacity::Officers(officers) = &self.model.ports[port].capacity {
                        self.schedule_shift(port, officers, day_of(time, self.horizon_days) + 1);
                    }
                }
                EventKind::ServiceDone { port } => {
                    let port = port as usize;
                    let state = &mut self.ports[port];
                    state.busy_officers -= 1;
                    trace.record(time, TraceEvent::ServiceEnd, port, 0, 0, state.people_on_list);
                    // Officers on duty around the clock need no calendar: the one freed
                    // takes the next group here, without a call.
                    match state.officers {
                        Some(officers) if state.always_on_duty => {
                            let on_duty = state.max_officers;
                            take_groups(state, &mut self.queue, officers, on_duty, time, port, trace);
                        }
                        _ => self.start_services(port, time, trace),
                    }
                }
            }
            if NETWORK {
                let (EventKind::Call { port } | EventKind::ShiftStart { port } | EventKind::ServiceDone { port }) =
                    event;
                self.route(usize::from(port));
            }
            self.queue.handled();
        };
        self.next_arrival = next;
        self.events = events;
        finished
    }

    #[inline(always)]
    fn arrive<T: Trace>(&mut self, pending: &Arriving, trace: &mut T) {
        let time = pending.time();
        let id = self.next_group_id;
        self.next_group_id = self.next_group_id.wrapping_add(1);
        let port_index = usize::from(pending.port);
        let counted = self.warm_up == 0 || pending.arrival >= self.warm_up;
        if !pending.joins {
            self.did_not_join(port_index, pending, id, counted, trace);
            return;
        }
        let group = group_of(pending, id, counted, pending.slot, self.ports[port_index].classes);
        self.join(port_index, group, time, trace);
    }

    /// A group of `pending`'s stream, numbered `id`, arrives at `port_index` and does not join.
    #[inline(never)]
    fn did_not_join<T: Trace>(&mut self, port_index: usize, pending: &Arriving, id: u32, counted: bool, trace: &mut T) {
        let state = &mut self.ports[port_index];
        if counted {
            let cell = usize::from(pending.slot) * state.classes + usize::from(pending.class);
            state.cells[cell].did_not_join += u64::from(pending.size);
        }
        if let Some(net) = &mut state.net {
            net.did_not_join(pending.size, counted);
        }
        trace.record(
            pending.time(),
            TraceEvent::NoJoin,
            port_index,
            id,
            pending.size,
            state.people_on_list,
        );
    }

    /// `group` joins the list of `port_index` at `time` (before the horizon), and is served
    /// at once if an officer is free.
    #[inline(always)]
    fn join<T: Trace>(&mut self, port_index: usize, mut group: Waiting, time: Ticks, trace: &mut T) {
        let state = &mut self.ports[port_index];
        let arrival_day = day_in_run(time);
        if let Some(numbers) = &mut state.numbers {
            group.ticket = numbers.sign(group.size, arrival_day);
        }
        let cell = usize::from(group.cell);
        let id = group.id;
        if group.counted() {
            state.cells[cell].arrived += u64::from(group.size);
        }
        state.days(&group).join(&group, arrival_day);
        let lane = if state.lanes.len() > 1 {
            usize::from(state.cell_class[cell])
        } else {
            0
        };
        state.people_on_list += u64::from(group.size);
        trace.record(time, TraceEvent::Join, port_index, id, group.size, state.people_on_list);
        // Checked inline: at a busy port most arrivals find every officer busy (a quota port
        // has none).
        if state.busy_officers < state.max_officers {
            if let Some(officers) = state.officers
                && state.serves_at_once
                && state.people_on_list == u64::from(group.size)
                && group.deadline > time
            {
                // Nobody else is on the list: the group is the one an idle officer takes.
                serve(state, &mut self.queue, officers, &group, time, port_index, trace);
                return;
            }
            state.lanes[lane].push_back(group);
            self.start_idle_officers(port_index, time, trace);
        } else {
            state.lanes[lane].push_back(group);
        }
    }

    /// A stream's group arrives in a network: at its stream's node, or at the port it
    /// chooses (directly, or after travelling there); the node where it arrived is returned.
    fn arrive_in_network<T: Trace>(&mut self, pending: &Arriving, trace: &mut T) -> usize {
        let port = usize::from(pending.port);
        let counted = self.warm_up == 0 || pending.arrival >= self.warm_up;
        let Some(net) = self.net.as_mut() else {
            unreachable!("a network has its part")
        };
        let chooser = net.chooser(port, pending.slot);
        if chooser.is_none() && !net.gives_up_at(port) {
            if pending.joins {
                net.stats.flow_to_node(None, port, pending.size, counted);
            }
            self.arrive(pending, trace);
            return port;
        }
        let time = pending.time();
        let (to, travel) = match chooser.and_then(|stream| Some((stream, self.model.network.choices[stream].as_ref()?)))
        {
            Some((stream, choice)) => {
                let ports = &self.ports;
                let posted = |port: usize, day: usize| posted_wait_days(ports, port, day);
                net.choose(stream, choice, time, None, posted)
            }
            None => (port, 0),
        };
        let id = self.next_group_id;
        self.next_group_id = self.next_group_id.wrapping_add(1);
        if !pending.joins {
            self.did_not_join(to, pending, id, counted, trace);
            return to;
        }
        let slot = match chooser {
            Some(stream) => net.chooser_slot(stream, to),
            None => pending.slot,
        };
        let mut group = group_of(pending, id, counted, slot, self.ports[to].classes);
        if travel == 0 {
            net.stage_patience(to, &mut group, time);
            net.stats.flow_to_node(None, to, group.size, counted);
            self.join_chosen(to, group, pending.class, time, chooser, trace);
            return to;
        }
        let patience = if group.deadline == Ticks::MAX {
            Ticks::MAX
        } else {
            group.deadline - time
        };
        let transfer = network::Transfer {
            to,
            from: None,
            group,
            class: pending.class,
            first_joined: time + travel,
            patience: Some(patience),
            chooser,
            moving: false,
        };
        net.travel(transfer, time.saturating_add(travel));
        to
    }

    /// The next group on its way between lists joins its list (or, for a check whether a
    /// group moves, moves if it still waits).
    fn transfer<T: Trace>(&mut self, trace: &mut T) {
        let Some((time, transfer)) = self.net.as_mut().and_then(network::NetSim::take_next) else {
            return;
        };
        self.post(time);
        if transfer.moving {
            self.move_on(transfer, time, trace);
            return;
        }
        let to = transfer.to;
        let classes = self.ports[to].classes;
        let Some(net) = self.net.as_mut() else { return };
        let mut group = net.joining(&transfer, time, classes);
        if let Some(node) = self.ports[to].net.as_deref_mut() {
            node.joined(&mut group, transfer.first_joined.min(time));
        }
        self.join_chosen(to, group, transfer.class, time, transfer.chooser, trace);
        self.route(to);
    }

    /// `group` (of class `class`) joins the list of `to` at `time`; a group of a stream that
    /// re-lists (`chooser`) may then move to another port's list after a while.
    fn join_chosen<T: Trace>(
        &mut self,
        to: usize,
        group: Waiting,
        class: u16,
        time: Ticks,
        chooser: Option<usize>,
        trace: &mut T,
    ) {
        let relist = chooser.and_then(|stream| {
            self.model
                .network
                .choices
                .get(stream)?
                .as_ref()?
                .relist
                .map(|relist| (stream, relist))
        });
        if let (Some((stream, relist)), Some(net)) = (relist, self.net.as_mut())
            && let Some(at) = net.move_time(stream, &relist, time, group.deadline)
            && let Some(node) = self.ports[to].net.as_deref_mut()
        {
            node.may_move.insert(group.id);
            net.schedule_move(to, &group, class, stream, at);
        }
        self.join(to, group, time, trace);
    }

    /// The group of `check` moves from the list of `check.to`, if it still waits there, to the
    /// list of another port its stream chooses between, chosen by the same rule.
    fn move_on<T: Trace>(&mut self, check: network::Transfer, time: Ticks, trace: &mut T) {
        let from = check.to;
        let state = &mut self.ports[from];
        let (Some(node), Some(stream)) = (state.net.as_deref_mut(), check.chooser) else {
            return;
        };
        if !node.may_move.contains(&check.group.id) {
            return;
        }
        let lane = if state.lanes.len() > 1 {
            usize::from(check.class)
        } else {
            0
        };
        let Some(index) = state.lanes[lane].index_of(check.group.id) else {
            node.may_move.remove(&check.group.id);
            return;
        };
        let group = state.lanes[lane].take(index);
        let start = node.first_joined(&group);
        state.people_on_list -= u64::from(group.size);
        state.days(&group).dropped(&group, day_in_run(time));
        if group.counted() {
            let moved = self.moved_outcome;
            let stats = state.cell(&group);
            stats.abandoned.record(time - group.joined, group.size);
            stats.abandoned_by_outcome[moved] += u64::from(group.size);
        }
        trace.record(time, TraceEvent::Move, from, group.id, group.size, state.people_on_list);
        let (Some(net), Some(Some(choice))) = (self.net.as_mut(), self.model.network.choices.get(stream)) else {
            return;
        };
        let ports = &self.ports;
        let posted = |port: usize, day: usize| posted_wait_days(ports, port, day);
        let (to, travel) = net.choose(stream, choice, time, Some(from), posted);
        let at = time.saturating_add(travel);
        let patience = if group.deadline == Ticks::MAX {
            Ticks::MAX
        } else {
            (group.deadline - at).max(0)
        };
        let transfer = network::Transfer {
            to,
            from: Some(from),
            group,
            class: check.class,
            first_joined: start,
            patience: Some(patience),
            chooser: Some(stream),
            moving: false,
        };
        net.move_to(transfer, at);
    }

    /// Posts the waits of the ports that streams choose between, before anything happens at
    /// `time` (before the horizon).
    #[inline]
    fn post(&mut self, time: Ticks) {
        let Some(net) = self.net.as_mut() else { return };
        let ports = &mut self.ports;
        net.post(day_in_run(time) as usize, |port, day| {
            let state = &mut ports[port];
            let names = state.people_on_list;
            if let Some(node) = state.net.as_deref_mut() {
                node.post(day, names);
            }
        });
    }

    /// Sends on the groups processed at `node`.
    #[inline]
    fn route(&mut self, node: usize) {
        if let (Some(net), Some(node)) = (self.net.as_mut(), self.ports[node].net.as_deref_mut())
            && !node.departures.is_empty()
        {
            net.route(node);
        }
    }

    /// A quota port calls its list (once a day at most: not worth inlining into the loop).
    #[inline(never)]
    fn call<T: Trace>(&mut self, port_index: usize, time: Ticks, trace: &mut T) {
        let port = &self.model.ports[port_index];
        let Capacity::Quota(quota) = &port.capacity else { return };
        let day = day_of(time, self.horizon_days);
        let state = &mut self.ports[port_index];
        let nominal = quota.quota_by_day[day];
        let budget = match quota.randomness {
            QuotaRandomness::Fixed => nominal.floor() as u64,
            QuotaRandomness::Poisson => {
                Poisson::new(nominal).map_or(0, |poisson| poisson.sample(own(&mut state.rng)) as u64)
            }
        };
        trace.record(
            time,
            TraceEvent::Call,
            port_index,
            0,
            u32::try_from(budget).unwrap_or(u32::MAX),
            state.people_on_list,
        );
        let oldest_slots = match port.discipline {
            Discipline::Mixed { oldest_share } => (oldest_share * budget as f64).round() as u64,
            _ => budget,
        };
        let mut used = 0u64;
        let day = day as u32;
        let no_show_outcome = self.no_show_outcome;
        if port.discipline == Discipline::Fifo {
            // At most ports a present group called is simply processed: no number to note,
            // no no-shows, no network.
            let plain = state.numbers.is_none() && quota.no_show_share <= 0.0 && state.net.is_none();
            // The front group is taken at once (no index to look it up by).
            while used < budget {
                let Some(group) = state.lanes[0].pop_front() else {
                    break;
                };
                if group.deadline <= time && !group.stays_listed() {
                    abandon(state, &group, port_index, trace);
                    continue;
                }
                let cost = quota.counts.cost(group.size);
                // A group that doesn't fit goes back to its place and ends the call, unless it
                // is larger than the whole day's quota: then it is taken alone, so it never
                // blocks the list.
                if used + cost > budget && used > 0 {
                    state.lanes[0].push_front(group);
                    break;
                }
                if plain && group.deadline > time {
                    process(state, &group, time, port_index, trace);
                    used += cost.min(budget);
                } else if answer(state, quota, no_show_outcome, &group, time, day, port_index, trace) {
                    used += cost.min(budget);
                }
            }
        } else {
            while used < budget {
                let Some((lane, index)) = pick(&mut state.lanes, &mut state.rng, port.discipline, used < oldest_slots)
                else {
                    break;
                };
                let group = *state.lanes[lane].get(index);
                if group.deadline <= time && !group.stays_listed() {
                    state.lanes[lane].take(index);
                    abandon(state, &group, port_index, trace);
                    continue;
                }
                let cost = quota.counts.cost(group.size);
                // As under FIFO: a group that doesn't fit keeps its place and ends the call.
                if used + cost > budget && used > 0 {
                    break;
                }
                state.lanes[lane].take(index);
                if answer(state, quota, no_show_outcome, &group, time, day, port_index, trace) {
                    used += cost.min(budget);
                }
            }
        }
        // Absent groups go to the end of the line: the back of the list, or under LIFO
        // (which serves the back first) the front.
        let single_lane = state.lanes.len() == 1;
        for group in state.sent_back.drain(..) {
            let lane = if single_lane {
                0
            } else {
                usize::from(state.cell_class[usize::from(group.cell)])
            };
            let lane = &mut state.lanes[lane];
            if port.discipline == Discipline::Lifo {
                lane.push_front(group);
            } else {
                lane.push_back(group);
            }
        }
        self.schedule_call(port_index, quota, day as usize + 1);
    }

    /// Idle officers on shift take the next groups from the list.
    #[inline(always)]
    fn start_services<T: Trace>(&mut self, port_index: usize, time: Ticks, trace: &mut T) {
        // Checked inline: at a busy port most arrivals find every officer busy.
        let state = &self.ports[port_index];
        if state.busy_officers < state.max_officers {
            self.start_idle_officers(port_index, time, trace);
        }
    }

    fn start_idle_officers<T: Trace>(&mut self, port_index: usize, time: Ticks, trace: &mut T) {
        let state = &mut self.ports[port_index];
        let Some(officers) = state.officers else {
            return;
        };
        let on_duty = if state.always_on_duty {
            state.max_officers
        } else {
            let day = day_of(time, self.horizon_days);
            let on_duty = officers.officers_by_day.get(day).unwrap_or(0);
            let time_of_day = time.rem_euclid(TICKS_PER_DAY);
            if on_duty == 0 || time_of_day < officers.shift_start || time_of_day >= officers.shift_end {
                return;
            }
            on_duty
        };
        take_groups(state, &mut self.queue, officers, on_duty, time, port_index, trace);
    }

    fn finish<T: Trace>(mut self, trace: &mut T) -> Replication {
        let horizon = self.horizon;
        let mut network = self.net.take().map(|net| net.stats);
        let mut ports = Vec::with_capacity(self.ports.len());
        for (port_index, mut state) in self.ports.drain(..).enumerate() {
            let mut lanes = std::mem::take(&mut state.lanes);
            for lane in &mut lanes {
                for group in lane.drain() {
                    if group.deadline < horizon {
                        abandon(&mut state, &group, port_index, trace);
                    } else {
                        state.people_on_list -= u64::from(group.size);
                        let horizon_days = state.horizon_days;
                        state.days(&group).leave(&group, horizon_days);
                        if group.counted() {
                            state
                                .cell(&group)
                                .waiting_at_end
                                .record(horizon - group.joined, group.size);
                        }
                        if let Some(net) = state.net.as_deref_mut() {
                            net.still_waiting(&group);
                        }
                        trace.record(
                            horizon,
                            TraceEvent::StillWaiting,
                            port_index,
                            group.id,
                            group.size,
                            state.people_on_list,
                        );
                    }
                }
            }
            if let (Some(network), Some(node)) = (network.as_mut(), state.net.take()) {
                network.merge(&node.stats);
            }
            ports.push(state.into_result());
        }
        Replication {
            index: self.replication,
            ports,
            events: self.events,
            network,
        }
    }
}

/// The wait posted at port `port` at the start of `day` (0 at a port that posts none).
fn posted_wait_days(ports: &[PortState<'_>], port: usize, day: usize) -> f64 {
    ports[port].net.as_ref().map_or(0.0, |node| node.posted_wait_days(day))
}

/// The group of `pending`, numbered `id`, as it joins a list in slot `slot` of a port with
/// `classes` classes (`counted`: in per-person statistics).
#[inline(always)]
fn group_of(pending: &Arriving, id: u32, counted: bool, slot: u16, classes: usize) -> Waiting {
    let cell = usize::from(slot) * classes + usize::from(pending.class);
    Waiting {
        joined: pending.joined,
        deadline: pending.deadline,
        id,
        size: pending.size,
        ticket: 0,
        cell: cell as u16,
        outcome: pending.outcome,
        flags: if counted { Waiting::COUNTED } else { 0 }
            | if pending.stays_listed { Waiting::STAYS_LISTED } else { 0 },
    }
}

/// The next candidate on the list: (lane, index), or `None` if the list is empty.
#[inline(always)]
fn pick(lanes: &mut [Lane], rng: &mut Option<SimRng>, discipline: Discipline, oldest: bool) -> Option<(usize, usize)> {
    match discipline {
        Discipline::Fifo => lanes[0].front_index().map(|index| (0, index)),
        Discipline::Lifo => lanes[0].back_index().map(|index| (0, index)),
        Discipline::Priority => lanes
            .iter_mut()
            .enumerate()
            .find_map(|(lane, l)| l.front_index().map(|index| (lane, index))),
        Discipline::Mixed { .. } => {
            let index = if oldest {
                lanes[0].front_index()
            } else {
                lanes[0].random_index(own(rng))
            };
            index.map(|index| (0, index))
        }
    }
}

/// Records what became of `group`, called (and taken off the list) at `time` on `day` by
/// quota port `port_index`; whether that uses up its share of the quota.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn answer<T: Trace>(
    state: &mut PortState<'_>,
    quota: &Quota,
    no_show_outcome: u8,
    group: &Waiting,
    time: Ticks,
    day: u32,
    port_index: usize,
    trace: &mut T,
) -> bool {
    state.call_number(group, day);
    if group.deadline <= time {
        abandon(state, group, port_index, trace);
        strike_off(state, group, time, day, port_index, trace);
    } else if state.absent(quota) {
        match quota.no_show {
            NoShow::Drop => {
                state.people_on_list -= u64::from(group.size);
                state.days(group).dropped(group, day);
                if group.counted() {
                    let stats = state.cell(group);
                    stats.abandoned.record(time - group.joined, group.size);
                    stats.abandoned_by_outcome[usize::from(no_show_outcome)] += u64::from(group.size);
                }
                if let Some(net) = state.net.as_deref_mut() {
                    net.left(group, usize::from(no_show_outcome), time);
                }
                trace.record(
                    time,
                    TraceEvent::NoShowDrop,
                    port_index,
                    group.id,
                    group.size,
                    state.people_on_list,
                );
            }
            NoShow::Back => {
                state.sent_back.push(*group);
                trace.record(
                    time,
                    TraceEvent::NoShowBack,
                    port_index,
                    group.id,
                    group.size,
                    state.people_on_list,
                );
            }
        }
    } else {
        process(state, group, time, port_index, trace);
        if let Some(net) = state.net.as_deref_mut() {
            let class = state.cell_class[usize::from(group.cell)];
            net.processed(group, class, time, time);
        }
        return true;
    }
    quota.counts.absent_use_quota()
}

/// Records that `group` (already taken off the list) gave up at its deadline.
#[inline]
fn abandon<T: Trace>(state: &mut PortState<'_>, group: &Waiting, port_index: usize, trace: &mut T) {
    state.gave_up_groups += 1;
    state.people_on_list -= u64::from(group.size);
    let day = day_of(group.deadline, state.horizon_days as usize) as u32;
    state.days(group).gave_up(group, day);
    if group.counted() {
        let stats = state.cell(group);
        stats.abandoned.record(group.deadline - group.joined, group.size);
        stats.abandoned_by_outcome[group.outcome as usize] += u64::from(group.size);
    }
    if let Some(net) = state.net.as_deref_mut() {
        net.left(group, usize::from(group.outcome), group.deadline);
    }
    trace.record(
        group.deadline,
        TraceEvent::Abandon,
        port_index,
        group.id,
        group.size,
        state.people_on_list,
    );
}

/// Records that the names of `group`, whose people gave up earlier (already recorded), are
/// called at `time` (on `day`) and struck off the list.
#[cold]
fn strike_off<T: Trace>(
    state: &mut PortState<'_>,
    group: &Waiting,
    time: Ticks,
    day: u32,
    port_index: usize,
    trace: &mut T,
) {
    state.days(group).struck_off(group, day);
    trace.record(
        time,
        TraceEvent::NameStruck,
        port_index,
        group.id,
        group.size,
        state.people_on_list,
    );
}

/// Idle officers of `state`'s port, `on_duty` of them on duty at `time`, take the next
/// groups from the list (finding those who gave up on the way).
#[inline(always)]
fn take_groups<T: Trace>(
    state: &mut PortState<'_>,
    queue: &mut EventQueue,
    officers: &Officers,
    on_duty: u32,
    time: Ticks,
    port_index: usize,
    trace: &mut T,
) {
    while state.busy_officers < on_duty {
        let next = match state.discipline {
            Discipline::Fifo => state.lanes[0].pop_front(),
            // The front of the first lane that has a group (as `pick` finds it, without the index).
            Discipline::Priority => state.lanes.iter_mut().find_map(Lane::pop_front),
            Discipline::Lifo => state.lanes[0].back_index().map(|index| state.lanes[0].take(index)),
            Discipline::Mixed { oldest_share } => {
                let oldest = own(&mut state.rng).random::<f64>() < oldest_share;
                pick(&mut state.lanes, &mut state.rng, state.discipline, oldest)
                    .map(|(lane, index)| state.lanes[lane].take(index))
            }
        };
        let Some(group) = next else {
            break;
        };
        if group.deadline <= time {
            abandon(state, &group, port_index, trace);
            if group.stays_listed() {
                let day = day_of(time, state.horizon_days as usize) as u32;
                state.call_number(&group, day);
                strike_off(state, &group, time, day, port_index, trace);
            }
            continue;
        }
        serve(state, queue, officers, &group, time, port_index, trace);
    }
}

/// An idle officer of `state`'s port takes `group` (already off the list) at `time`: it is
/// processed, and the service's end scheduled (at the horizon if later: it is never handled
/// then, and every time stays within the queue's range however long a service is).
#[inline(always)]
fn serve<T: Trace>(
    state: &mut PortState<'_>,
    queue: &mut EventQueue,
    officers: &Officers,
    group: &Waiting,
    time: Ticks,
    port_index: usize,
    trace: &mut T,
) {
    if state.numbers.is_some() {
        state.call_number(group, day_in_run(time));
    }
    process(state, group, time, port_index, trace);
    state.busy_officers += 1;
    let service = state.next_service(&officers.service_days);
    if let Some(net) = state.net.as_deref_mut() {
        let class = state.cell_class[usize::from(group.cell)];
        net.processed(group, class, time, time.saturating_add(service));
    }
    queue.push(
        time.saturating_add(service).min(state.horizon),
        EventKind::ServiceDone {
            port: port_index as u16,
        },
    );
}

/// A service time in days as ticks (never negative).
#[inline(always)]
fn service_ticks(days: f64) -> Ticks {
    non_negative_days_to_ticks(days).max(0)
}

/// Appends the next `count` service times drawn from `rng` to `times`, in a loop of its own
/// that keeps the sampler inlined.
#[inline(never)]
fn draw_service_times(times: &mut Vec<Ticks>, count: usize, service_days: &Dist, rng: &mut SimRng) {
    // The random numbers' state in a local, so that it stays in registers while the times
    // are written out.
    let mut local = rng.clone();
    let rng_in_loop = &mut local;
    match service_days {
        Dist::Exponential { scale, .. } => {
            times.extend((0..count).map(|_| service_ticks(Dist::standard_exponential(rng_in_loop) * scale)));
        }
        other => times.extend((0..count).map(|_| service_ticks(other.sample(rng_in_loop)))),
    }
    *rng = local;
}

/// Whether `port`'s service times can be drawn ahead: officers not picking by lottery, whose
/// random numbers then serve nothing else, so that they are the same numbers in the same order.
fn draws_services_ahead(port: &crate::model::Port) -> bool {
    matches!(port.capacity, Capacity::Officers(_)) && !matches!(port.discipline, Discipline::Mixed { .. })
}

/// The random numbers of port `port` of `model` in replication `replication`.
fn port_rng(model: &Model, replication: u32, port: usize) -> SimRng {
    keyed_rng(model.seed, replication, "port", &model.ports[port].name, 0)
}

/// A port's own random numbers, which every port has but one whose service times the feed
/// draws (whose random numbers serve nothing else).
#[inline(always)]
fn own(rng: &mut Option<SimRng>) -> &mut SimRng {
    let Some(rng) = rng else {
        unreachable!("only a port whose service times the feed draws lends its random numbers")
    };
    rng
}

/// Records that `group` (already taken off the list) is processed at `time`.
#[inline(always)]
fn process<T: Trace>(state: &mut PortState<'_>, group: &Waiting, time: Ticks, port_index: usize, trace: &mut T) {
    state.people_on_list -= u64::from(group.size);
    // Groups are processed before the horizon.
    let day = day_in_run(time);
    state.days(group).processed(group, day);
    if group.counted() {
        state.cell(group).processed.record(time - group.joined, group.size);
    }
    trace.record(
        time,
        TraceEvent::Process,
        port_index,
        group.id,
        group.size,
        state.people_on_list,
    );
}

#[cfg(test)]
mod tests;
