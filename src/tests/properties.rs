//! Invariants over small random valid scenarios (proptest).
//!
//! Each case is a scenario written as TOML text from random parameters (1–2 ports, quota or
//! officers, every discipline, 1–3 backlog, wave or Poisson streams, households of 1–4 people,
//! patience, no-shows, one or two classes, 5–60 days), validated like a user's file. Two
//! replications of it are run with a trace recorder, and every event is replayed against a
//! shadow copy of each port's list, which checks:
//!
//! - conservation: at each port and in each class, people who joined = processed + left
//!   unprocessed + still waiting; the trace, the per-person statistics and the daily series
//!   agree on each of these counts, and the list length reported with each event is right;
//! - each group joins once (ids are given in arrival order, 0, 1, 2, …), is then processed,
//!   gives up, is dropped as a no-show or is still waiting at the end, exactly once, at the port
//!   it joined; nobody is processed before joining (waits are never negative);
//! - a quota port calls once on each of its processing days, at its call time, and never takes
//!   more people than that day's quota, except a single group larger than the whole quota taken
//!   alone; with `counts = "groups"` never more groups than the quota; a call that leaves
//!   quota unused has emptied the list or stopped at a group that does not fit;
//! - an officers port never has more claims in service than officers, and starts claims only on
//!   working days within the shift;
//! - every group taken from a list is the one the discipline names: the front under FIFO (so
//!   groups are processed in joining order), the back under LIFO, the front of the
//!   highest-priority non-empty class under priority (so a lower-priority group is never taken
//!   while a higher-priority group that joined before is waiting and not past its deadline),
//!   and the front for the `oldest_share` slots of `mixed`;
//! - the same model and replication give the same events and results, traced or not, and
//!   `replicate::run` on one or two threads gives the same rows, which are the engine's
//!   replications summarised;
//! - cutting the run short (a smaller `horizon_days`, as `run --horizon-days` and `target
//!   --by-day` do) leaves the scenario valid, whatever is dated after the cut, and changes
//!   nothing before the cut: the cut run passes the checks above, and its events before the
//!   cut are those of the full run, in the same order.

use super::{Event, Recorder, model_from};
use crate::engine::{TraceEvent, run_replication};
use crate::model::{Capacity, Counts, Discipline, Model, QuotaRandomness, TICKS_PER_DAY, Ticks};
use crate::replicate::{self, RunOptions};
use crate::stats::summary::Scalars;
use crate::stats::{PeopleStats, Replication, WaitAccumulator};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

// ---------------------------------------------------------------------------------------------
// Random scenarios
// ---------------------------------------------------------------------------------------------

/// A random scenario, before it is written as TOML.
#[derive(Debug, Clone)]
struct Spec {
    horizon_days: u32,
    seed: u32,
    classes: Classes,
    ports: Vec<PortSpec>,
    streams: Vec<StreamSpec>,
}

/// The classes of a scenario.
#[derive(Debug, Clone)]
enum Classes {
    /// No `[[classes]]` table: one class, `all`.
    Implicit,
    /// One declared class, perhaps with its own patience.
    One(Option<Patience>),
    /// Two classes `c0` (higher priority) and `c1`, each perhaps with its own patience.
    /// With `sized`, each stream is all of one class, with odd households for `c0` and even ones
    /// for `c1`, so that a group's class can be read from its size in the trace.
    Two {
        patience: [Option<Patience>; 2],
        sized: bool,
    },
}

#[derive(Debug, Clone, Copy)]
enum Patience {
    Fixed(f64),
    Exponential(f64),
}

impl Patience {
    fn toml(self) -> String {
        match self {
            Patience::Fixed(days) => format!("{days:?}"),
            Patience::Exponential(mean) => format!("{{ dist = \"exponential\", mean = {mean:?} }}"),
        }
    }
}

#[derive(Debug, Clone)]
struct PortSpec {
    discipline: DisciplineSpec,
    capacity: CapacitySpec,
    /// Bit k set: weekday k (Monday first) is a processing day; all days when `None`.
    weekdays: Option<u8>,
    /// A closure: first day (as a fraction of the horizon) and length in days.
    closure: Option<(f64, u32)>,
}

#[derive(Debug, Clone, Copy)]
enum DisciplineSpec {
    Fifo,
    Lifo,
    Priority,
    Mixed(f64),
}

#[derive(Debug, Clone)]
enum CapacitySpec {
    Quota {
        quota: f64,
        call_hours: f64,
        poisson: bool,
        groups: bool,
        no_show: Option<(f64, bool)>,
    },
    Officers {
        officers: u32,
        service: Patience,
        shift: Option<(u32, u32)>,
    },
}

#[derive(Debug, Clone)]
struct StreamSpec {
    /// Port index (modulo the number of ports).
    port: usize,
    kind: KindSpec,
    /// People per group, 1–4.
    size: u32,
    /// Share of `c0` in quarters (two unsized classes), or the class (sized classes, modulo 2).
    class: u8,
    patience: Option<Patience>,
    join_share: Option<f64>,
    outcomes: bool,
}

#[derive(Debug, Clone)]
enum KindSpec {
    Backlog { people: u32, waited: Option<u32> },
    Wave { people: u32, from: f64, to: f64, shape: u8 },
    Curve { points: Vec<(f64, u32)> },
    Poisson { people_per_day: f64, until: Option<f64> },
}

fn patience() -> impl Strategy<Value = Patience> {
    prop_oneof![
        (1..=40u32).prop_map(|quarters| Patience::Fixed(f64::from(quarters) / 4.0)),
        (1..=40u32).prop_map(|halves| Patience::Exponential(f64::from(halves) / 2.0)),
    ]
}

fn classes() -> impl Strategy<Value = Classes> {
    prop_oneof![
        Just(Classes::Implicit),
        proptest::option::of(patience()).prop_map(Classes::One),
        (
            proptest::option::of(patience()),
            proptest::option::of(patience()),
            any::<bool>()
        )
            .prop_map(|(a, b, sized)| Classes::Two {
                patience: [a, b],
                sized
            }),
    ]
}

fn discipline() -> impl Strategy<Value = DisciplineSpec> {
    prop_oneof![
        Just(DisciplineSpec::Fifo),
        Just(DisciplineSpec::Lifo),
        Just(DisciplineSpec::Priority),
        (0..=4u32).prop_map(|quarters| DisciplineSpec::Mixed(f64::from(quarters) / 4.0)),
    ]
}

fn capacity() -> impl Strategy<Value = CapacitySpec> {
    let quota = (
        1..=30u32,
        any::<bool>(),
        prop::sample::select(vec![0.0, 6.0, 9.5, 12.0, 23.75]),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of((1..=5u32, any::<bool>())),
    )
        .prop_map(
            |(quota, half, call_hours, poisson, groups, no_show)| CapacitySpec::Quota {
                quota: f64::from(quota) + if half { 0.5 } else { 0.0 },
                call_hours,
                poisson,
                groups,
                no_show: no_show.map(|(tenths, back)| (f64::from(tenths) / 10.0, back)),
            },
        );
    let officers =
        (1..=4u32, patience(), proptest::option::of((0..=12u32, 1..=12u32))).prop_map(|(officers, service, shift)| {
            CapacitySpec::Officers {
                officers,
                // Services of a few hours to a few days.
                service: match service {
                    Patience::Fixed(days) => Patience::Fixed(days / 5.0),
                    Patience::Exponential(mean) => Patience::Exponential(mean / 5.0),
                },
                shift: shift.map(|(start, length)| (start, start + length)),
            }
        });
    prop_oneof![quota, officers]
}

fn port() -> impl Strategy<Value = PortSpec> {
    (
        discipline(),
        capacity(),
        proptest::option::weighted(0.3, 1..=127u8),
        proptest::option::weighted(0.3, (0.0..1.0f64, 1..=3u32)),
    )
        .prop_map(|(discipline, capacity, weekdays, closure)| PortSpec {
            discipline,
            capacity,
            weekdays,
            closure,
        })
}

fn kind() -> impl Strategy<Value = KindSpec> {
    prop_oneof![
        (0..=150u32, proptest::option::of(0..=40u32)).prop_map(|(people, waited)| KindSpec::Backlog { people, waited }),
        (1..=200u32, 0.0..1.0f64, 0.0..1.0f64, 0..3u8).prop_map(|(people, from, to, shape)| KindSpec::Wave {
            people,
            from,
            to,
            shape
        }),
        proptest::collection::vec((0.0..1.0f64, 0..=80u32), 1..=3).prop_map(|points| KindSpec::Curve { points }),
        (1..=50u32, proptest::option::of(0.0..1.0f64)).prop_map(|(halves, until)| KindSpec::Poisson {
            people_per_day: f64::from(halves) / 2.0,
            until
        }),
    ]
}

fn stream() -> impl Strategy<Value = StreamSpec> {
    (
        0..2usize,
        kind(),
        1..=4u32,
        0..=4u8,
        proptest::option::of(patience()),
        proptest::option::weighted(0.3, 1..=4u32),
        any::<bool>(),
    )
        .prop_map(
            |(port, kind, size, class, patience, join_quarters, outcomes)| StreamSpec {
                port,
                kind,
                size,
                class,
                patience,
                join_share: join_quarters.map(|q| f64::from(q) / 4.0),
                outcomes,
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        5..=60u32,
        any::<u32>(),
        classes(),
        proptest::collection::vec(port(), 1..=2),
        proptest::collection::vec(stream(), 1..=3),
    )
        .prop_map(|(horizon_days, seed, classes, ports, streams)| Spec {
            horizon_days,
            seed,
            classes,
            ports,
            streams,
        })
}

impl Spec {
    /// The class of a group of `size` people, when it can be told from the trace.
    fn class_of_size(&self, size: u32) -> Option<usize> {
        match self.classes {
            Classes::Implicit | Classes::One(_) => Some(0),
            Classes::Two { sized: true, .. } => Some(if size % 2 == 1 { 0 } else { 1 }),
            Classes::Two { sized: false, .. } => None,
        }
    }

    /// A day of the horizon from a fraction of it, in `[0, horizon − 1]`.
    fn day(&self, fraction: f64) -> u32 {
        ((fraction * f64::from(self.horizon_days)) as u32).min(self.horizon_days - 1)
    }

    fn toml(&self) -> String {
        let mut text = String::new();
        let h = self.horizon_days;
        let _ = write!(
            text,
            "schema = 1\n\n[run]\nname = \"random\"\nhorizon_days = {h}\nseed = {}\nreplications = 2\n",
            self.seed
        );
        match &self.classes {
            Classes::Implicit => {}
            Classes::One(patience) => {
                text.push_str("\n[[classes]]\nname = \"all\"\n");
                if let Some(p) = patience {
                    let _ = writeln!(text, "patience_days = {}", p.toml());
                }
            }
            Classes::Two { patience, .. } => {
                for (index, p) in patience.iter().enumerate() {
                    let _ = writeln!(text, "\n[[classes]]\nname = \"c{index}\"");
                    if let Some(p) = p {
                        let _ = writeln!(text, "patience_days = {}", p.toml());
                    }
                }
            }
        }
        for (index, port) in self.ports.iter().enumerate() {
            let _ = writeln!(text, "\n[[ports]]\nname = \"p{index}\"");
            match port.discipline {
                DisciplineSpec::Fifo => text.push_str("discipline = \"fifo\"\n"),
                DisciplineSpec::Lifo => text.push_str("discipline = \"lifo\"\n"),
                DisciplineSpec::Priority => text.push_str("discipline = \"priority\"\n"),
                DisciplineSpec::Mixed(share) => {
                    let _ = writeln!(text, "discipline = \"mixed\"\noldest_share = {share:?}");
                }
            }
            text.push_str("\n[ports.capacity]\n");
            match &port.capacity {
                CapacitySpec::Quota {
                    quota,
                    call_hours,
                    poisson,
                    groups,
                    no_show,
                } => {
                    let _ = writeln!(
                        text,
                        "kind = \"quota\"\nquota_per_day = {quota:?}\ncall_time_hours = {call_hours:?}"
                    );
                    let randomness = if *poisson { "poisson" } else { "fixed" };
                    let counts = if *groups { "groups" } else { "people" };
                    let _ = writeln!(text, "randomness = \"{randomness}\"\ncounts = \"{counts}\"");
                    if let Some((share, back)) = no_show {
                        let what = if *back { "back" } else { "drop" };
                        let _ = writeln!(text, "no_show_share = {share:?}\nno_show = \"{what}\"");
                    }
                }
                CapacitySpec::Officers {
                    officers,
                    service,
                    shift,
                } => {
                    let _ = writeln!(
                        text,
                        "kind = \"officers\"\nofficers = {officers}\nservice_days = {}",
                        service.toml()
                    );
                    if let Some((start, end)) = shift {
                        let _ = writeln!(text, "shift_start_hours = {start}\nshift_end_hours = {end}");
                    }
                }
            }
            if let Some(mask) = port.weekdays {
                let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                let days: Vec<String> = (0..7)
                    .filter(|k| mask & (1 << k) != 0)
                    .map(|k| format!("\"{}\"", names[k]))
                    .collect();
                let _ = writeln!(text, "weekdays = [{}]", days.join(", "));
            }
            if let Some((from, length)) = port.closure {
                let from = self.day(from);
                let to = (from + length - 1).min(h - 1);
                let _ = writeln!(
                    text,
                    "\n[[ports.capacity.closures]]\nfrom = {from}\nto = {to}\nlabel = \"closed\""
                );
            }
        }
        for (index, stream) in self.streams.iter().enumerate() {
            let port = stream.port % self.ports.len();
            let _ = writeln!(text, "\n[[streams]]\nname = \"s{index}\"\nport = \"p{port}\"");
            // With sized classes, the class fixes the parity of the household size, and counts
            // of people are whole numbers of households (no smaller last household).
            let (size, sized_class) = match self.classes {
                Classes::Two { sized: true, .. } => {
                    let class = usize::from(stream.class % 2);
                    let size = if (stream.size % 2 == 1) == (class == 0) {
                        stream.size
                    } else if class == 0 {
                        stream.size - 1
                    } else {
                        stream.size + 1
                    };
                    (size, Some(class))
                }
                _ => (stream.size.min(4), None),
            };
            let whole = |people: u32| {
                if sized_class.is_some() {
                    people - people % size
                } else {
                    people
                }
            };
            match &stream.kind {
                KindSpec::Backlog { people, waited } => {
                    let _ = writeln!(text, "kind = \"backlog\"\npeople = {}", whole(*people));
                    if let Some(max) = waited {
                        let _ = writeln!(
                            text,
                            "waited_days = {{ dist = \"uniform\", min = 0, max = {} }}",
                            max + 1
                        );
                    }
                }
                KindSpec::Wave {
                    people,
                    from,
                    to,
                    shape,
                } => {
                    let start = self.day(from.min(*to));
                    let end = (start + 1 + ((from.max(*to) * f64::from(h)) as u32).saturating_sub(start)).min(h);
                    let shape = ["uniform", "triangular", "normal"][usize::from(*shape)];
                    let _ = writeln!(
                        text,
                        "kind = \"wave\"\npeople = {}\nfrom = {start}\nto = {end}\nshape = \"{shape}\"",
                        whole(*people)
                    );
                }
                KindSpec::Curve { points } => {
                    let mut days: Vec<u32> = points.iter().map(|(at, _)| self.day(*at)).collect();
                    days.sort_unstable();
                    days.dedup();
                    let mut total = 0;
                    let written: Vec<String> = days
                        .iter()
                        .zip(points)
                        .map(|(at, (_, added))| {
                            total += whole(*added);
                            format!("{{ at = {at}, people = {total} }}")
                        })
                        .collect();
                    let _ = writeln!(text, "kind = \"wave\"\ncurve = [{}]", written.join(", "));
                }
                KindSpec::Poisson { people_per_day, until } => {
                    let _ = writeln!(text, "kind = \"poisson\"\npeople_per_day = {people_per_day:?}");
                    if let Some(until) = until {
                        let _ = writeln!(text, "until = {}", self.day(*until) + 1);
                    }
                }
            }
            let _ = writeln!(text, "group_size = {size}");
            match (&self.classes, sized_class) {
                (_, Some(class)) => {
                    let _ = writeln!(text, "class_mix = {{ c{class} = 1.0 }}");
                }
                (Classes::Two { .. }, None) => {
                    let first = f64::from(stream.class) / 4.0;
                    let _ = writeln!(text, "class_mix = {{ c0 = {first:?}, c1 = {:?} }}", 1.0 - first);
                }
                _ => {}
            }
            if let Some(p) = stream.patience {
                let _ = writeln!(text, "patience_days = {}", p.toml());
            }
            if let Some(share) = stream.join_share {
                let _ = writeln!(text, "join_share = {share:?}");
            }
            if stream.outcomes {
                text.push_str("outcomes = { crossed = 0.25, went_home = 0.75 }\n");
            }
        }
        text
    }
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/// Which group a discipline must take next from the shadow list.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// The front of the first non-empty lane (FIFO; priority; `mixed` oldest slots).
    Front,
    /// The back of the (single) lane (LIFO).
    Back,
    /// Any group on the list (lottery).
    Any,
}

/// A copy of one port's list, rebuilt from the trace: lanes of group ids in list order.
#[derive(Debug, Default)]
struct Shadow {
    /// One lane per class under priority (when classes can be read from sizes), else one.
    lanes: Vec<BTreeMap<i64, u32>>,
    /// Where each group on the list is: (lane, position key).
    position: HashMap<u32, (usize, i64)>,
    /// Absent groups of the current call, put back at the end of the line when it ends.
    sent_back: Vec<(usize, u32)>,
    next_key: i64,
    /// Key for the next group put at the front (below every key used so far).
    next_front_key: i64,
    /// Under LIFO the end of the line is the front of the list.
    lifo: bool,
}

impl Shadow {
    fn new(lanes: usize, lifo: bool) -> Self {
        Shadow {
            lanes: (0..lanes).map(|_| BTreeMap::new()).collect(),
            next_front_key: -1,
            lifo,
            ..Shadow::default()
        }
    }

    fn push(&mut self, lane: usize, id: u32) {
        self.lanes[lane].insert(self.next_key, id);
        self.position.insert(id, (lane, self.next_key));
        self.next_key += 1;
    }

    /// Removes a group from the list; false if it was not on it.
    fn remove(&mut self, id: u32) -> bool {
        match self.position.remove(&id) {
            Some((lane, key)) => self.lanes[lane].remove(&key).is_some(),
            None => false,
        }
    }

    fn lane_of(&self, id: u32) -> Option<usize> {
        self.position.get(&id).map(|&(lane, _)| lane)
    }

    fn front(&self) -> Option<u32> {
        self.lanes.iter().find_map(|lane| lane.values().next().copied())
    }

    fn back(&self) -> Option<u32> {
        self.lanes
            .iter()
            .rev()
            .find_map(|lane| lane.values().next_back().copied())
    }

    fn is_empty(&self) -> bool {
        self.position.is_empty()
    }

    fn flush_sent_back(&mut self) {
        for (lane, id) in std::mem::take(&mut self.sent_back) {
            if self.lifo {
                self.lanes[lane].insert(self.next_front_key, id);
                self.position.insert(id, (lane, self.next_front_key));
                self.next_front_key -= 1;
            } else {
                self.push(lane, id);
            }
        }
    }
}

/// What is known about a group from the whole trace.
#[derive(Debug, Clone, Copy)]
struct Group {
    port: usize,
    size: u32,
    joined: Ticks,
    /// Deadline, for groups that gave up (their abandon event is reported at it).
    gave_up_at: Option<Ticks>,
}

/// A quota call in progress while replaying the trace.
#[derive(Debug)]
struct OpenCall {
    port: usize,
    time: Ticks,
    budget: u64,
    /// Quota used so far, as the engine counts it (people or groups).
    used: u64,
    people: u64,
    groups: u64,
    largest: u32,
}

macro_rules! ensure {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err(TestCaseError::fail(format!($($message)+)));
        }
    };
}

/// Replays the trace of one replication and checks it against the model and the results.
fn check_replication(
    spec: &Spec,
    model: &Model,
    events: &[Event],
    replication: &Replication,
) -> Result<(), TestCaseError> {
    let horizon = model.horizon_ticks();
    let ports = model.ports.len();
    let outcomes = model.outcomes.len();

    // First pass: what each group is, and its fate.
    let mut groups: HashMap<u32, Group> = HashMap::new();
    let mut arrivals = 0u32;
    for event in events {
        match event.event {
            TraceEvent::Join | TraceEvent::NoJoin => {
                ensure!(
                    event.group == arrivals,
                    "group ids are not given in arrival order: {event:?} after {arrivals} arrivals"
                );
                arrivals += 1;
                ensure!(
                    (0..horizon).contains(&event.time),
                    "arrival outside the horizon: {event:?}"
                );
                if event.event == TraceEvent::Join {
                    let group = Group {
                        port: event.port,
                        size: event.people,
                        joined: event.time,
                        gave_up_at: None,
                    };
                    groups.insert(event.group, group);
                }
            }
            TraceEvent::Abandon => {
                let group = groups.get_mut(&event.group);
                ensure!(group.is_some(), "abandon of a group that never joined: {event:?}");
                if let Some(group) = group {
                    group.gave_up_at = Some(event.time);
                }
            }
            _ => {}
        }
    }

    // Second pass: replay against shadow lists.
    let rules: Vec<Rule> = model
        .ports
        .iter()
        .map(|port| match port.discipline {
            Discipline::Fifo => Rule::Front,
            Discipline::Lifo => Rule::Back,
            Discipline::Priority if model.classes.len() == 1 || spec.class_of_size(1).is_some() => Rule::Front,
            Discipline::Priority => Rule::Any,
            Discipline::Mixed { oldest_share } if oldest_share >= 1.0 => Rule::Front,
            Discipline::Mixed { .. } => Rule::Any,
        })
        .collect();
    let lanes_of = |port: usize| match model.ports[port].discipline {
        Discipline::Priority if rules[port] == Rule::Front => model.classes.len(),
        _ => 1,
    };
    let mut shadows: Vec<Shadow> = (0..ports)
        .map(|p| Shadow::new(lanes_of(p), model.ports[p].discipline == Discipline::Lifo))
        .collect();
    let mut list_people = vec![0u64; ports];
    let mut busy = vec![0u32; ports];
    let mut done: HashMap<u32, TraceEvent> = HashMap::new();
    let mut calls: Vec<Vec<usize>> = vec![Vec::new(); ports];
    let mut open: Option<OpenCall> = None;
    let mut last_time: Ticks = 0;
    let mut last_processed: Vec<Option<u32>> = vec![None; ports];
    let mut people = vec![[0u64; 5]; ports]; // joined, processed, gave up or dropped, still waiting, did not join

    for (index, event) in events.iter().enumerate() {
        // A call ends at the first event that is not one of its picks (or abandons found at it).
        if let Some(call) = &open {
            let part_of_call = event.port == call.port
                && match event.event {
                    TraceEvent::Process | TraceEvent::NoShowDrop | TraceEvent::NoShowBack => event.time == call.time,
                    TraceEvent::Abandon => event.time <= call.time,
                    _ => false,
                };
            if !part_of_call {
                let call = open.take().unwrap_or_else(|| unreachable!());
                end_call(model, &call, &shadows[call.port], &groups, rules[call.port])?;
                shadows[call.port].flush_sent_back();
            }
        }
        if event.event != TraceEvent::Abandon {
            ensure!(
                event.time >= last_time,
                "events out of time order at #{index}: {event:?} after time {last_time}"
            );
            last_time = event.time;
        }
        let port = event.port;
        ensure!(port < ports, "event at an unknown port: {event:?}");
        let group = groups.get(&event.group).copied();
        let capacity = &model.ports[port].capacity;
        match event.event {
            TraceEvent::Join => {
                let lane = if shadows[port].lanes.len() > 1 {
                    spec.class_of_size(event.people)
                        .unwrap_or_else(|| unreachable!("classes are known here"))
                } else {
                    0
                };
                shadows[port].push(lane, event.group);
                list_people[port] += u64::from(event.people);
                people[port][0] += u64::from(event.people);
            }
            TraceEvent::NoJoin => people[port][4] += u64::from(event.people),
            TraceEvent::Process | TraceEvent::NoShowDrop | TraceEvent::NoShowBack => {
                let Some(group) = group else {
                    return Err(TestCaseError::fail(format!(
                        "pick of a group that never joined: {event:?}"
                    )));
                };
                ensure!(
                    group.port == port && group.size == event.people,
                    "pick at the wrong port or size: {event:?} {group:?}"
                );
                ensure!(
                    event.time >= group.joined,
                    "taken before joining (negative wait): {event:?} {group:?}"
                );
                ensure!(event.time < horizon, "taken at or after the horizon: {event:?}");
                // The discipline names the group taken.
                let shadow = &shadows[port];
                ensure!(
                    shadow.lane_of(event.group).is_some(),
                    "picked a group that is not on the list: {event:?}"
                );
                let rule = match (&open, model.ports[port].discipline) {
                    (Some(call), Discipline::Mixed { oldest_share }) if call.port == port => {
                        let oldest_slots = (oldest_share * call.budget as f64).round() as u64;
                        if call.used < oldest_slots {
                            Rule::Front
                        } else {
                            Rule::Any
                        }
                    }
                    _ => rules[port],
                };
                let expected = match rule {
                    Rule::Front => shadow.front(),
                    Rule::Back => shadow.back(),
                    Rule::Any => Some(event.group),
                };
                ensure!(
                    expected == Some(event.group),
                    "{:?} took group {} but the discipline ({rule:?}) names {expected:?} (#{index}, time {})",
                    model.ports[port].discipline,
                    event.group,
                    event.time
                );
                // A group past its deadline is never taken; one taken for good never gives up.
                ensure!(
                    group
                        .gave_up_at
                        .is_none_or(|deadline| deadline > event.time && event.event == TraceEvent::NoShowBack),
                    "group {} was taken at {} but is reported giving up at {:?}",
                    event.group,
                    event.time,
                    group.gave_up_at
                );
                let lane = shadows[port].lane_of(event.group).unwrap_or(0);
                shadows[port].remove(event.group);
                match event.event {
                    TraceEvent::Process => {
                        list_people[port] -= u64::from(event.people);
                        people[port][1] += u64::from(event.people);
                        ensure!(
                            done.insert(event.group, event.event).is_none(),
                            "group {} ended twice",
                            event.group
                        );
                        match capacity {
                            Capacity::Quota(quota) => {
                                let Some(call) = open.as_mut().filter(|call| call.port == port) else {
                                    return Err(TestCaseError::fail(format!("processed outside a call: {event:?}")));
                                };
                                call.people += u64::from(event.people);
                                call.groups += 1;
                                call.largest = call.largest.max(event.people);
                                let cost = match quota.counts {
                                    Counts::People => u64::from(event.people),
                                    Counts::Groups => 1,
                                };
                                call.used += cost.min(call.budget);
                            }
                            Capacity::Officers(officers) => {
                                let day = (event.time / TICKS_PER_DAY) as usize;
                                let time_of_day = event.time % TICKS_PER_DAY;
                                let on_duty = officers.officers_by_day.get(day).expect("a day of the horizon");
                                ensure!(on_duty > 0, "claim started on a day off: {event:?}");
                                ensure!(
                                    (officers.shift_start..officers.shift_end).contains(&time_of_day),
                                    "claim started outside the shift: {event:?}"
                                );
                                busy[port] += 1;
                                ensure!(
                                    busy[port] <= on_duty,
                                    "{} claims in service with {on_duty} officers on duty: {event:?}",
                                    busy[port]
                                );
                            }
                        }
                        if rules[port] == Rule::Front
                            && model.ports[port].discipline == Discipline::Fifo
                            && let Some(previous) = last_processed[port]
                        {
                            let backs = matches!(capacity, Capacity::Quota(q) if q.no_show_share > 0.0 && q.no_show == crate::model::NoShow::Back);
                            ensure!(
                                backs || event.group > previous,
                                "FIFO processed group {} after {previous}",
                                event.group
                            );
                        }
                        last_processed[port] = Some(event.group);
                    }
                    TraceEvent::NoShowDrop => {
                        list_people[port] -= u64::from(event.people);
                        people[port][2] += u64::from(event.people);
                        ensure!(
                            done.insert(event.group, event.event).is_none(),
                            "group {} ended twice",
                            event.group
                        );
                    }
                    _ => shadows[port].sent_back.push((lane, event.group)),
                }
                if event.event != TraceEvent::Process {
                    ensure!(
                        matches!(capacity, Capacity::Quota(q) if q.no_show_share > 0.0),
                        "no-show at a port without no-shows"
                    );
                }
            }
            TraceEvent::Abandon => {
                let Some(group) = group else {
                    return Err(TestCaseError::fail(format!(
                        "abandon of a group that never joined: {event:?}"
                    )));
                };
                ensure!(
                    group.port == port && group.size == event.people,
                    "abandon at the wrong port or size: {event:?}"
                );
                ensure!(
                    event.time >= group.joined && event.time < horizon,
                    "deadline out of range: {event:?} {group:?}"
                );
                ensure!(
                    shadows[port].remove(event.group),
                    "abandon of a group not on the list: {event:?}"
                );
                list_people[port] -= u64::from(event.people);
                people[port][2] += u64::from(event.people);
                ensure!(
                    done.insert(event.group, event.event).is_none(),
                    "group {} ended twice",
                    event.group
                );
            }
            TraceEvent::StillWaiting => {
                ensure!(
                    event.time == horizon,
                    "still waiting reported at {} instead of the horizon",
                    event.time
                );
                ensure!(
                    shadows[port].remove(event.group),
                    "still waiting but not on the list: {event:?}"
                );
                list_people[port] -= u64::from(event.people);
                people[port][3] += u64::from(event.people);
                ensure!(
                    done.insert(event.group, event.event).is_none(),
                    "group {} ended twice",
                    event.group
                );
            }
            TraceEvent::Call => {
                let Capacity::Quota(quota) = capacity else {
                    return Err(TestCaseError::fail(format!("call at an officers port: {event:?}")));
                };
                let day = (event.time / TICKS_PER_DAY) as usize;
                ensure!(
                    event.time % TICKS_PER_DAY == quota.call_offset,
                    "call at the wrong time of day: {event:?}"
                );
                ensure!(calls[port].last() != Some(&day), "two calls on day {day}");
                calls[port].push(day);
                if quota.randomness == QuotaRandomness::Fixed {
                    ensure!(
                        u64::from(event.people) == quota.quota_by_day[day].floor() as u64,
                        "fixed quota not used: {event:?}"
                    );
                }
                open = Some(OpenCall {
                    port,
                    time: event.time,
                    budget: u64::from(event.people),
                    used: 0,
                    people: 0,
                    groups: 0,
                    largest: 0,
                });
            }
            TraceEvent::ServiceEnd => {
                ensure!(matches!(capacity, Capacity::Officers(_)), "service end at a quota port");
                ensure!(busy[port] > 0, "service end with no claim in service: {event:?}");
                busy[port] -= 1;
            }
        }
        ensure!(
            event.list_people == list_people[port],
            "list length after #{index} {event:?} is {}, but the list holds {} people",
            event.list_people,
            list_people[port]
        );
    }
    if let Some(call) = open.take() {
        end_call(model, &call, &shadows[call.port], &groups, rules[call.port])?;
    }
    ensure!(
        groups.keys().all(|id| done.contains_key(id)),
        "some group that joined never left the list nor was still waiting at the end"
    );
    for (port, shadow) in shadows.iter().enumerate() {
        ensure!(
            shadow.is_empty() && shadow.sent_back.is_empty(),
            "port {port}: groups left on the list after the end"
        );
        // A quota port calls on each day it has a quota, and only then.
        if let Capacity::Quota(quota) = &model.ports[port].capacity {
            let expected: Vec<usize> = (0..quota.quota_by_day.len())
                .filter(|&d| quota.quota_by_day[d] > 0.0)
                .collect();
            ensure!(
                calls[port] == expected,
                "port {port} called on days {:?}, expected {expected:?}",
                calls[port]
            );
        }
    }

    // Conservation, and the trace, the statistics and the daily series agree.
    for (port, &[joined, processed, left, waiting, not_joined]) in people.iter().enumerate() {
        let stats = replication.port_people(port, outcomes);
        ensure!(
            stats.arrived == stats.processed.people + stats.abandoned.people + stats.waiting_at_end.people,
            "port {port}: joined {} ≠ processed {} + left {} + still waiting {}",
            stats.arrived,
            stats.processed.people,
            stats.abandoned.people,
            stats.waiting_at_end.people
        );
        for class in &replication.ports[port].by_class {
            ensure!(
                class.arrived == class.processed.people + class.abandoned.people + class.waiting_at_end.people,
                "class conservation at port {port}"
            );
            ensure!(
                class.abandoned.people == class.abandoned_by_outcome.iter().sum::<u64>(),
                "outcomes do not add up at port {port}"
            );
        }
        let counted = (
            stats.arrived,
            stats.processed.people,
            stats.abandoned.people,
            stats.waiting_at_end.people,
            stats.did_not_join,
        );
        ensure!(
            counted == (joined, processed, left, waiting, not_joined),
            "port {port}: statistics {counted:?} but the trace says {:?}",
            (joined, processed, left, waiting, not_joined)
        );
        let daily = &replication.ports[port].daily;
        let days = model.horizon_days as usize;
        ensure!(
            daily.rows() == days && daily.row_days == 1,
            "daily series of {} rows of {} days",
            daily.rows(),
            daily.row_days
        );
        let sums = (
            daily.arrived.iter().sum::<u64>(),
            daily.processed.iter().sum::<u64>(),
            daily.abandoned.iter().sum::<u64>(),
        );
        ensure!(
            sums == (joined, processed, left),
            "port {port}: daily sums {sums:?} vs trace {:?}",
            (joined, processed, left)
        );
        let mut running = 0i64;
        for day in 0..days {
            running += daily.arrived[day] as i64 - daily.processed[day] as i64 - daily.abandoned[day] as i64;
            ensure!(
                daily.on_list[0][day] as i64 == running,
                "port {port} day {day}: list {} but flows give {running}",
                daily.on_list[0][day]
            );
            for k in 1..4 {
                ensure!(
                    daily.on_list[k][day] <= daily.on_list[k - 1][day],
                    "age bands not nested on day {day}"
                );
            }
        }
        ensure!(
            running as u64 == waiting,
            "port {port}: list at the last day-end {running}, still waiting {waiting}"
        );
        ensure!(
            stats.processed.sum_ticks >= 0 && stats.abandoned.sum_ticks >= 0,
            "negative waits"
        );
    }
    Ok(())
}

/// Checks a finished quota call.
fn end_call(
    model: &Model,
    call: &OpenCall,
    shadow: &Shadow,
    groups: &HashMap<u32, Group>,
    rule: Rule,
) -> Result<(), TestCaseError> {
    let Capacity::Quota(quota) = &model.ports[call.port].capacity else {
        unreachable!("calls are at quota ports")
    };
    ensure!(
        call.budget > 0 || call.groups == 0,
        "port {} took {} groups with a quota of 0",
        call.port,
        call.groups
    );
    match quota.counts {
        Counts::People => ensure!(
            call.people <= call.budget || (call.groups == 1 && u64::from(call.largest) > call.budget),
            "port {} day {}: {} people in {} groups taken with a quota of {}",
            call.port,
            call.time / TICKS_PER_DAY,
            call.people,
            call.groups,
            call.budget
        ),
        Counts::Groups => ensure!(
            call.groups <= call.budget,
            "port {} day {}: {} groups taken with a quota of {} groups",
            call.port,
            call.time / TICKS_PER_DAY,
            call.groups,
            call.budget
        ),
    }
    // Quota left over: the list was emptied, or the call stopped at a group that does not fit
    // (and had not given up), which keeps its place.
    let mixed_lottery =
        matches!(model.ports[call.port].discipline, Discipline::Mixed { oldest_share } if oldest_share < 1.0);
    if call.used < call.budget && rule != Rule::Any && !mixed_lottery {
        let next = if rule == Rule::Back {
            shadow.back()
        } else {
            shadow.front()
        };
        if let Some(id) = next {
            let group = groups[&id];
            let fits = quota.counts == Counts::Groups || u64::from(group.size) <= call.budget - call.used;
            ensure!(
                !fits,
                "port {} day {}: quota {} used {} but group {id} ({} people) was left waiting",
                call.port,
                call.time / TICKS_PER_DAY,
                call.budget,
                call.used,
                group.size
            );
            ensure!(
                group.gave_up_at.is_none_or(|deadline| deadline > call.time),
                "the call stopped at group {id}, which had already given up"
            );
        }
    }
    Ok(())
}

/// Every count and histogram of two replications, compared exactly.
fn same_people(a: &PeopleStats, b: &PeopleStats) -> bool {
    let same = |x: &WaitAccumulator, y: &WaitAccumulator| {
        x.people == y.people && x.sum_ticks == y.sum_ticks && x.max_ticks == y.max_ticks && x.histogram == y.histogram
    };
    a.arrived == b.arrived
        && a.did_not_join == b.did_not_join
        && same(&a.processed, &b.processed)
        && same(&a.abandoned, &b.abandoned)
        && same(&a.waiting_at_end, &b.waiting_at_end)
        && a.abandoned_by_outcome == b.abandoned_by_outcome
}

fn same_replication(a: &Replication, b: &Replication) -> bool {
    a.index == b.index
        && a.events == b.events
        && a.ports.len() == b.ports.len()
        && a.ports.iter().zip(&b.ports).all(|(x, y)| {
            x.daily == y.daily
                && x.by_class.len() == y.by_class.len()
                && x.by_class.iter().zip(&y.by_class).all(|(p, q)| same_people(p, q))
        })
}

fn check_case(spec: &Spec) -> Result<(), TestCaseError> {
    let text = spec.toml();
    let model = model_from(&text);
    let mut engine_runs = Vec::new();
    for r in 0..2 {
        let mut first = Recorder::default();
        let traced = super::traced(&model, r, &mut first);
        check_replication(spec, &model, &first.events, &traced)?;
        let mut second = Recorder::default();
        let again = super::traced(&model, r, &mut second);
        ensure!(
            first.events == second.events,
            "replication {r}: the same run gave different events"
        );
        ensure!(
            same_replication(&traced, &again),
            "replication {r}: the same run gave different results"
        );
        let untraced = run_replication(&model, r);
        ensure!(
            same_replication(&traced, &untraced),
            "replication {r}: tracing changed the results"
        );
        engine_runs.push(untraced);
    }
    let run = |threads| {
        replicate::run(&model, &RunOptions::new().replications(3).threads(threads))
            .map_err(|error| TestCaseError::fail(format!("run failed: {error}")))
    };
    let (one, two) = (run(1)?, run(2)?);
    // Debug text compares NaN (an undefined statistic) equal to NaN, unlike `==`.
    ensure!(
        format!("{:?}", one.rows) == format!("{:?}", two.rows),
        "rows differ between 1 and 2 threads"
    );
    ensure!(
        one.daily_total == two.daily_total && one.daily_by_port == two.daily_by_port,
        "daily series differ between 1 and 2 threads"
    );
    ensure!(
        same_people(&one.pooled_total, &two.pooled_total),
        "pooled results differ between 1 and 2 threads"
    );
    ensure!(
        one.events == two.events && one.replications == 3,
        "event counts differ between 1 and 2 threads"
    );
    let outcomes = model.outcomes.len();
    for (row, replication) in one.rows.iter().zip(&engine_runs) {
        let total = Scalars::of(&replication.total_people(outcomes), Some(&replication.total_daily()));
        ensure!(
            format!("{:?}", row.total) == format!("{total:?}"),
            "row {} differs from the engine's replication",
            row.index
        );
        for (p, scalars) in row.ports.iter().enumerate() {
            let port = Scalars::of(&replication.port_people(p, outcomes), Some(&replication.ports[p].daily));
            ensure!(
                format!("{scalars:?}") == format!("{port:?}"),
                "row {} port {p} differs from the engine",
                row.index
            );
        }
    }
    Ok(())
}

/// Cuts the scenario at day `1 + fraction × (horizon − 1)` and compares the cut run with the
/// full one, replication by replication.
fn check_cut(spec: &Spec, fraction: f64) -> Result<(), TestCaseError> {
    let text = spec.toml();
    let h = spec.horizon_days;
    let cut = 1 + ((fraction * f64::from(h - 1)) as u32).min(h - 1);
    let line = format!("horizon_days = {h}\n");
    ensure!(text.contains(&line), "no `{line}` in the scenario");
    let cut_text = text.replacen(&line, &format!("horizon_days = {cut}\n"), 1);
    let full = model_from(&text);
    let cut_model = match crate::validate::load_str("cut.toml", &cut_text, std::path::Path::new("")) {
        Ok(model) => model,
        Err(error) => {
            return Err(TestCaseError::fail(format!(
                "cut at day {cut}, the scenario is refused:\n{error}"
            )));
        }
    };
    let end = Ticks::from(cut) * TICKS_PER_DAY;
    // Abandonments are reported when they are found (at a call, or when the run ends), so they
    // are compared as sets; everything else in the order it happened.
    let before_cut = |events: &[Event]| -> Vec<Event> {
        events
            .iter()
            .filter(|e| e.time < end && !matches!(e.event, TraceEvent::Abandon | TraceEvent::StillWaiting))
            .copied()
            .collect()
    };
    let abandoned_before_cut = |events: &[Event]| -> Vec<(Ticks, usize, u32, u32)> {
        let mut found: Vec<_> = events
            .iter()
            .filter(|e| e.time < end && e.event == TraceEvent::Abandon)
            .map(|e| (e.time, e.port, e.group, e.people))
            .collect();
        found.sort_unstable();
        found
    };
    for r in 0..2 {
        let mut whole = Recorder::default();
        super::traced(&full, r, &mut whole);
        let mut short = Recorder::default();
        let replication = super::traced(&cut_model, r, &mut short);
        check_replication(spec, &cut_model, &short.events, &replication)?;
        ensure!(
            before_cut(&whole.events) == before_cut(&short.events),
            "replication {r}: cut at day {cut}, the events before the cut differ from the full run's"
        );
        ensure!(
            abandoned_before_cut(&whole.events) == abandoned_before_cut(&short.events),
            "replication {r}: cut at day {cut}, the people who gave up before the cut differ"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_on_random_scenarios(spec in spec()) {
        if let Err(error) = check_case(&spec) {
            return Err(TestCaseError::fail(format!("{error}\n--- scenario ---\n{}", spec.toml())));
        }
    }

    #[test]
    fn cutting_the_run_short_changes_nothing_before_the_cut(spec in spec(), fraction in 0.0..1.0f64) {
        if let Err(error) = check_cut(&spec, fraction) {
            return Err(TestCaseError::fail(format!("{error}\n--- scenario ---\n{}", spec.toml())));
        }
    }
}
