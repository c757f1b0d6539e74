//! The oracle: replays the trace of a replication against a shadow copy of each port's list
//! and checks every invariant against the model and the results.

use super::generator::Spec;
use crate::engine::TraceEvent;
use crate::model::{Capacity, Counts, Discipline, Model, QuotaRandomness, TICKS_PER_DAY, Ticks};
use crate::stats::Replication;
use crate::tests::Event;
use proptest::test_runner::TestCaseError;
use std::collections::{BTreeMap, HashMap};

/// Which group a discipline must take next from the shadow list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Rule {
    /// The front of the first non-empty lane (FIFO; priority; `mixed` oldest slots).
    Front,
    /// The back of the (single) lane (LIFO).
    Back,
    /// Any group on the list (lottery).
    Any,
}

/// A copy of one port's list, rebuilt from the trace: lanes of group ids in list order.
#[derive(Debug, Default)]
pub(super) struct Shadow {
    /// One lane per class under priority (when classes can be read from sizes), else one.
    pub(super) lanes: Vec<BTreeMap<i64, u32>>,
    /// Where each group on the list is: (lane, position key).
    pub(super) position: HashMap<u32, (usize, i64)>,
    /// Absent groups of the current call, put back at the end of the line when it ends.
    pub(super) sent_back: Vec<(usize, u32)>,
    pub(super) next_key: i64,
    /// Key for the next group put at the front (below every key used so far).
    pub(super) next_front_key: i64,
    /// Under LIFO the end of the line is the front of the list.
    pub(super) lifo: bool,
}

impl Shadow {
    pub(super) fn new(lanes: usize, lifo: bool) -> Self {
        Shadow {
            lanes: (0..lanes).map(|_| BTreeMap::new()).collect(),
            next_front_key: -1,
            lifo,
            ..Shadow::default()
        }
    }

    pub(super) fn push(&mut self, lane: usize, id: u32) {
        self.lanes[lane].insert(self.next_key, id);
        self.position.insert(id, (lane, self.next_key));
        self.next_key += 1;
    }

    /// Removes a group from the list; false if it was not on it.
    pub(super) fn remove(&mut self, id: u32) -> bool {
        match self.position.remove(&id) {
            Some((lane, key)) => self.lanes[lane].remove(&key).is_some(),
            None => false,
        }
    }

    pub(super) fn lane_of(&self, id: u32) -> Option<usize> {
        self.position.get(&id).map(|&(lane, _)| lane)
    }

    pub(super) fn front(&self) -> Option<u32> {
        self.lanes.iter().find_map(|lane| lane.values().next().copied())
    }

    pub(super) fn back(&self) -> Option<u32> {
        self.lanes
            .iter()
            .rev()
            .find_map(|lane| lane.values().next_back().copied())
    }

    pub(super) fn is_empty(&self) -> bool {
        self.position.is_empty()
    }

    pub(super) fn flush_sent_back(&mut self) {
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
pub(super) struct Group {
    pub(super) port: usize,
    pub(super) size: u32,
    pub(super) joined: Ticks,
    /// Deadline, for groups that gave up (their abandon event is reported at it).
    pub(super) gave_up_at: Option<Ticks>,
    /// When the names of a group that gave up but stayed listed were called and struck off.
    pub(super) struck_at: Option<Ticks>,
}

/// A quota call in progress while replaying the trace.
#[derive(Debug)]
pub(super) struct OpenCall {
    pub(super) port: usize,
    pub(super) time: Ticks,
    pub(super) budget: u64,
    /// Quota used so far, as the engine counts it (people or groups).
    pub(super) used: u64,
    /// People and groups processed.
    pub(super) people: u64,
    pub(super) groups: u64,
    pub(super) largest: u32,
    /// People and groups called, present or not, and the largest of them.
    pub(super) people_called: u64,
    pub(super) groups_called: u64,
    pub(super) largest_called: u32,
}

impl OpenCall {
    /// Notes a group of `size` called; `present` if it was processed. Returns what it used
    /// up of the quota.
    fn called(&mut self, counts: Counts, size: u32, present: bool) {
        self.people_called += u64::from(size);
        self.groups_called += 1;
        self.largest_called = self.largest_called.max(size);
        if present {
            self.people += u64::from(size);
            self.groups += 1;
            self.largest = self.largest.max(size);
        }
        if present || counts.absent_use_quota() {
            self.used += counts.cost(size).min(self.budget);
        }
    }
}

/// Replays the trace of one replication and checks it against the model and the results.
pub(super) fn check_replication(
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
                        struck_at: None,
                    };
                    groups.insert(event.group, group);
                }
            }
            TraceEvent::NameStruck => {
                let group = groups.get_mut(&event.group);
                ensure!(group.is_some(), "names struck of a group that never joined: {event:?}");
                if let Some(group) = group {
                    group.struck_at = Some(event.time);
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
    // Absent groups and present groups called (for exact no-show shares), people who gave up,
    // and people whose names were struck off after they gave up.
    let mut absent = vec![0u64; ports];
    let mut present_calls = vec![0u64; ports];
    let mut gave_up_people = vec![0u64; ports];
    let mut struck_names = vec![0u64; ports];
    let stays_listed: Vec<bool> = (0..ports)
        .map(|port| {
            model
                .streams
                .iter()
                .any(|s| s.port == port && s.stays_listed_by_class.iter().any(|&stays| stays))
        })
        .collect();

    for (index, event) in events.iter().enumerate() {
        // A call ends at the first event that is not one of its picks (or abandons found at it).
        if let Some(call) = &open {
            let part_of_call = event.port == call.port
                && match event.event {
                    TraceEvent::Process | TraceEvent::NoShowDrop | TraceEvent::NoShowBack | TraceEvent::NameStruck => {
                        event.time == call.time
                    }
                    TraceEvent::Abandon => event.time <= call.time,
                    _ => false,
                };
            if !part_of_call {
                let call = open.take().unwrap_or_else(|| unreachable!());
                end_call(
                    model,
                    &call,
                    &shadows[call.port],
                    &groups,
                    rules[call.port],
                    &stays_listed,
                )?;
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
            TraceEvent::Move => {
                return Err(TestCaseError::fail(format!(
                    "a group moved between lists in a scenario of independent ports: {event:?}"
                )));
            }
            TraceEvent::Process | TraceEvent::NoShowDrop | TraceEvent::NoShowBack | TraceEvent::NameStruck => {
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
                // Only the names of one that gave up and stayed listed are called.
                if event.event == TraceEvent::NameStruck {
                    ensure!(
                        group.gave_up_at.is_some_and(|deadline| deadline <= event.time)
                            && done.get(&event.group) == Some(&TraceEvent::Abandon),
                        "names of group {} struck at {} but it gave up at {:?}",
                        event.group,
                        event.time,
                        group.gave_up_at
                    );
                } else {
                    ensure!(
                        group
                            .gave_up_at
                            .is_none_or(|deadline| deadline > event.time && event.event == TraceEvent::NoShowBack),
                        "group {} was taken at {} but is reported giving up at {:?}",
                        event.group,
                        event.time,
                        group.gave_up_at
                    );
                }
                let lane = shadows[port].lane_of(event.group).unwrap_or(0);
                shadows[port].remove(event.group);
                if let (
                    Capacity::Quota(quota),
                    TraceEvent::NoShowDrop | TraceEvent::NoShowBack | TraceEvent::NameStruck,
                ) = (capacity, event.event)
                {
                    let Some(call) = open.as_mut().filter(|call| call.port == port) else {
                        return Err(TestCaseError::fail(format!("called outside a call: {event:?}")));
                    };
                    call.called(quota.counts, event.people, false);
                    if event.event != TraceEvent::NameStruck {
                        absent[port] += 1;
                        present_calls[port] += 1;
                    }
                }
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
                                call.called(quota.counts, event.people, true);
                                present_calls[port] += 1;
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
                    TraceEvent::NameStruck => struck_names[port] += u64::from(event.people),
                    _ => shadows[port].sent_back.push((lane, event.group)),
                }
                if matches!(event.event, TraceEvent::NoShowDrop | TraceEvent::NoShowBack) {
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
                // Names that stay listed are struck off later, when called.
                let on_list = if group.struck_at.is_some() {
                    shadows[port].lane_of(event.group).is_some()
                } else {
                    shadows[port].remove(event.group)
                };
                ensure!(on_list, "abandon of a group not on the list: {event:?}");
                list_people[port] -= u64::from(event.people);
                people[port][2] += u64::from(event.people);
                gave_up_people[port] += u64::from(event.people);
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
                    people_called: 0,
                    groups_called: 0,
                    largest_called: 0,
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
        end_call(
            model,
            &call,
            &shadows[call.port],
            &groups,
            rules[call.port],
            &stays_listed,
        )?;
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
            if quota.no_show_exact {
                let expected = (present_calls[port] as f64 * quota.no_show_share + 1e-9).floor() as u64;
                ensure!(
                    absent[port] == expected,
                    "port {port}: {} absent of {} present called, exactly {} expected",
                    absent[port],
                    present_calls[port],
                    expected
                );
            }
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
        // Names on the list: the people on it, and some who gave up but stay listed.
        for day in 0..days {
            let (names, people) = (daily.names_on_list[day], daily.on_list[0][day]);
            ensure!(
                names == people || (stays_listed[port] && names > people),
                "port {port} day {day}: {names} names but {people} people on the list"
            );
        }
        let names_at_end = daily.names_on_list.last().copied().unwrap_or(0);
        ensure!(
            names_at_end <= waiting + gave_up_people[port] - struck_names[port],
            "port {port}: {names_at_end} names at the end, more than {waiting} waiting and {} who gave up unstruck",
            gave_up_people[port] - struck_names[port]
        );
        ensure!(
            stats.processed.sum_ticks >= 0 && stats.abandoned.sum_ticks >= 0,
            "negative waits"
        );
    }
    Ok(())
}

/// Checks a finished quota call.
pub(super) fn end_call(
    model: &Model,
    call: &OpenCall,
    shadow: &Shadow,
    groups: &HashMap<u32, Group>,
    rule: Rule,
    stays_listed: &[bool],
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
        Counts::PeopleCalled => ensure!(
            call.people_called <= call.budget
                || (call.groups_called == 1 && u64::from(call.largest_called) > call.budget),
            "port {} day {}: {} people called in {} groups with a quota of {}",
            call.port,
            call.time / TICKS_PER_DAY,
            call.people_called,
            call.groups_called,
            call.budget
        ),
        Counts::Calls => ensure!(
            call.groups_called <= call.budget,
            "port {} day {}: {} calls with a quota of {} calls",
            call.port,
            call.time / TICKS_PER_DAY,
            call.groups_called,
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
            let fits = quota.counts.cost(group.size) <= call.budget - call.used;
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
                stays_listed[call.port] || group.gave_up_at.is_none_or(|deadline| deadline > call.time),
                "the call stopped at group {id}, which had already given up"
            );
        }
    }
    Ok(())
}
