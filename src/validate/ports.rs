//! Ports and stages: discipline, capacity (quota or officers), weekdays, closures and schedules.

use super::{ANY, Ctx, Hi, Lo, dist, suggest};
use crate::model::calendar::WEEKDAYS;
use crate::model::network::WaitsIn;
use crate::model::{
    ByDay, Capacity, Counts, Discipline, Dist, ListNumbers, Marker, NoShow, Officers, Port, Quota, QuotaRandomness,
    TICKS_PER_DAY, Ticks,
};
use crate::scenario::{RawCapacity, RawClosure, RawListNumbers, RawPort, S};
use crate::validate::streams::MAX_GROUP;
use std::collections::HashMap;
use std::ops::Range;

/// The validated ports and stages with their chart markers.
pub(crate) struct PortsOut {
    pub ports: Vec<Port>,
    /// Stages, in file order (node `ports.len() + i`).
    pub stages: Vec<PartialStage>,
    pub markers: Vec<Marker>,
    /// Whether some port drops absent groups (so the outcome `no_show` exists).
    pub drops_no_shows: bool,
}

/// Largest daily quota accepted.
const MAX_QUOTA: f64 = 1e9;
/// Largest number of officers accepted.
const MAX_OFFICERS: i64 = 1_000_000;

pub(crate) fn ports(ctx: &mut Ctx, raw: &S<Vec<RawPort>>, stages: Option<&S<Vec<RawPort>>>) -> Option<PortsOut> {
    let list = raw.get_ref();
    if list.is_empty() {
        ctx.error_help(
            raw.span(),
            "the scenario needs at least one port",
            "add a [[ports]] table with a `name` and a [ports.capacity] table",
        );
    }
    let stage_list = stages.map_or(&[][..], |stages| stages.get_ref().as_slice());
    let mut seen = HashMap::new();
    let mut ok = !list.is_empty();
    if list.len() + stage_list.len() > usize::from(u16::MAX) {
        let what = if stage_list.is_empty() {
            "ports"
        } else {
            "ports and stages"
        };
        ctx.error(raw.span(), format!("a scenario may declare at most 65,535 {what}"));
        ok = false;
    }
    for port in list {
        ctx.port_names.push(port.name.get_ref().clone());
        match ctx.check_name(&port.name, "port") {
            Some(name) => ok &= ctx.unique(&mut seen, &name, port.name.span(), "port"),
            None => ok = false,
        }
    }
    let ports_seen = seen.clone();
    for stage in stage_list {
        ctx.stage_names.push(stage.name.get_ref().clone());
        let Some(name) = ctx.check_name(&stage.name, "stage") else {
            ok = false;
            continue;
        };
        if let Some(&first) = ports_seen.get(&name) {
            let line = ctx.line_of(first);
            ctx.error_help(
                stage.name.span(),
                format!("there is already a port named `{name}`"),
                format!("names must be unique across ports and stages; the port `{name}` is on line {line}"),
            );
            ok = false;
        } else {
            ok &= ctx.unique(&mut seen, &name, stage.name.span(), "stage");
        }
    }
    let mut out = PortsOut {
        ports: Vec::new(),
        stages: Vec::new(),
        markers: Vec::new(),
        drops_no_shows: false,
    };
    for (index, port) in list.iter().enumerate() {
        ok &= not_of_ports(ctx, port);
        match node(ctx, port, index, &mut out) {
            Some(port) => out.ports.push(port),
            None => ok = false,
        }
    }
    for (index, stage) in stage_list.iter().enumerate() {
        let waits_in = match &stage.waits_in {
            None => Some(WaitsIn::Us),
            Some(value) => ctx.choice(value, "waits_in", &[("us", WaitsIn::Us), ("mexico", WaitsIn::Mexico)]),
        };
        let patience_days = match &stage.patience_days {
            None => Some(None),
            Some(patience) => dist::dist(ctx, patience, "patience_days").map(Some),
        };
        let node = node(ctx, stage, list.len() + index, &mut out);
        match (node, waits_in, patience_days) {
            (Some(node), Some(waits_in), Some(patience_days)) => out.stages.push(PartialStage {
                node,
                waits_in,
                patience_days,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

/// A stage validated as far as it can be without the network's outcomes.
pub(crate) struct PartialStage {
    pub node: Port,
    pub waits_in: WaitsIn,
    pub patience_days: Option<Dist>,
}

/// Reports the keys of stages written on a port; false if there were any.
fn not_of_ports(ctx: &mut Ctx, port: &RawPort) -> bool {
    let keys: [KeySpan; 3] = [
        ("waits_in", port.waits_in.as_ref().map(S::span)),
        ("patience_days", port.patience_days.as_ref().map(|d| d.span.clone())),
        ("outcome", port.outcome.as_ref().map(S::span)),
    ];
    let mut ok = true;
    for (key, span) in keys {
        if let Some(span) = span {
            let help = if key == "patience_days" {
                "at a port, patience belongs to the streams (or classes) that arrive there; remove it here"
            } else {
                "ports have no such key; remove it, or declare this queue as a [[stages]] table"
            };
            ctx.error_help(
                span,
                format!("`{key}` is a key of stages ([[stages]]), not of ports"),
                help,
            );
            ok = false;
        }
    }
    ok
}

/// Validates what ports and stages share: discipline, capacity and list numbers. `node` is the
/// node index (ports, then stages), which its calendar's markers carry.
fn node(ctx: &mut Ctx, port: &RawPort, node: usize, out: &mut PortsOut) -> Option<Port> {
    let discipline = discipline(ctx, port);
    let capacity = capacity(ctx, &port.capacity, &port.name, node, &mut out.markers);
    let list_numbers = match &port.list_numbers {
        None => Some(None),
        Some(raw) => list_numbers(ctx, raw).map(Some),
    };
    let (discipline, capacity, list_numbers) = (discipline?, capacity?, list_numbers?);
    if let Capacity::Quota(quota) = &capacity {
        out.drops_no_shows |= quota.no_show_share > 0.0 && quota.no_show == NoShow::Drop;
    }
    Some(Port {
        name: port.name.get_ref().clone(),
        discipline,
        capacity,
        list_numbers,
    })
}

/// Largest first list number accepted.
const MAX_FIRST_NUMBER: i64 = 1_000_000_000_000;

fn list_numbers(ctx: &mut Ctx, raw: &S<RawListNumbers>) -> Option<ListNumbers> {
    let numbers = raw.get_ref();
    let first = match &numbers.first {
        None => Some(1),
        Some(first) => ctx.check_int(first, "list_numbers.first", 1, MAX_FIRST_NUMBER),
    };
    let people_per_number = match &numbers.people_per_number {
        None => Some(None),
        Some(people) => ctx
            .check_int(people, "list_numbers.people_per_number", 1, MAX_GROUP as i64)
            .map(Some),
    };
    Some(ListNumbers {
        first: u64::try_from(first?).ok()?,
        people_per_number: people_per_number?.and_then(|people| u32::try_from(people).ok()),
    })
}

fn discipline(ctx: &mut Ctx, port: &RawPort) -> Option<Discipline> {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Fifo,
        Lifo,
        Priority,
        Mixed,
    }
    let kind = match &port.discipline {
        None => Some(Kind::Fifo),
        Some(value) => ctx.choice(
            value,
            "discipline",
            &[
                ("fifo", Kind::Fifo),
                ("lifo", Kind::Lifo),
                ("priority", Kind::Priority),
                ("mixed", Kind::Mixed),
            ],
        ),
    };
    let oldest_share = match (&port.oldest_share, kind) {
        (Some(share), Some(Kind::Mixed)) => ctx.check(share, "oldest_share", ANY, Lo::Incl(0.0), Hi::Incl(1.0)),
        (Some(share), _) => {
            ctx.error_help(
                share.span(),
                "`oldest_share` is only used with discipline = \"mixed\"",
                "remove it, or set `discipline = \"mixed\"`",
            );
            None
        }
        (None, Some(Kind::Mixed)) => {
            let span = port.discipline.as_ref().map_or(port.name.span(), S::span);
            ctx.error_help(
                span,
                "discipline \"mixed\" needs `oldest_share`",
                "add e.g. `oldest_share = 0.5`: the share of each day's places given to those who have waited longest; the rest is a lottery",
            );
            None
        }
        (None, _) => Some(0.0),
    };
    match kind? {
        Kind::Fifo => Some(Discipline::Fifo),
        Kind::Lifo => Some(Discipline::Lifo),
        Kind::Priority => Some(Discipline::Priority),
        Kind::Mixed => Some(Discipline::Mixed {
            oldest_share: oldest_share?,
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Form {
    Quota,
    Officers,
}

impl Form {
    fn name(self) -> &'static str {
        match self {
            Form::Quota => "quota",
            Form::Officers => "officers",
        }
    }
}

/// A validated schedule entry: the day it takes effect, the new value and its marker label.
struct Change {
    day: u32,
    value: f64,
    label: Option<String>,
}

fn capacity(
    ctx: &mut Ctx,
    raw: &RawCapacity,
    port_name: &S<String>,
    port: usize,
    markers: &mut Vec<Marker>,
) -> Option<Capacity> {
    let form = ctx.choice(
        &raw.kind,
        "kind",
        &[("quota", Form::Quota), ("officers", Form::Officers)],
    );
    if let Some(form) = form {
        wrong_form_keys(ctx, raw, form);
    }
    let open = open_days(ctx, raw, port_name, port, markers);
    let changes = schedule(ctx, raw, form);
    let form = form?;
    let capacity = match form {
        Form::Quota => quota(ctx, raw, open, changes),
        Form::Officers => officers(ctx, raw, open, changes),
    };
    // Markers of schedule changes are added only once the port is known to be valid enough.
    capacity.map(|(capacity, changes)| {
        for change in changes {
            let label = change.label.unwrap_or_else(|| match form {
                Form::Quota => format!("quota {}/day", change.value),
                Form::Officers if change.value == 1.0 => "1 officer".to_owned(),
                Form::Officers => format!("{} officers", change.value),
            });
            markers.push(Marker {
                port,
                day: change.day,
                label,
            });
        }
        capacity
    })
}

/// A key's name and, if present, where its value is.
type KeySpan = (&'static str, Option<Range<usize>>);

/// Reports keys of the other capacity form.
fn wrong_form_keys(ctx: &mut Ctx, raw: &RawCapacity, form: Form) {
    let quota_keys: [KeySpan; 7] = [
        ("quota_per_day", raw.quota_per_day.as_ref().map(S::span)),
        ("call_time_hours", raw.call_time_hours.as_ref().map(S::span)),
        ("randomness", raw.randomness.as_ref().map(S::span)),
        ("no_show_share", raw.no_show_share.as_ref().map(S::span)),
        ("no_show", raw.no_show.as_ref().map(S::span)),
        ("no_show_exact", raw.no_show_exact.as_ref().map(S::span)),
        ("counts", raw.counts.as_ref().map(S::span)),
    ];
    let officer_keys: [KeySpan; 4] = [
        ("officers", raw.officers.as_ref().map(S::span)),
        ("service_days", raw.service_days.as_ref().map(|d| d.span.clone())),
        ("shift_start_hours", raw.shift_start_hours.as_ref().map(S::span)),
        ("shift_end_hours", raw.shift_end_hours.as_ref().map(S::span)),
    ];
    let (wrong, other): (&[KeySpan], Form) = match form {
        Form::Quota => (&officer_keys, Form::Officers),
        Form::Officers => (&quota_keys, Form::Quota),
    };
    for (key, span) in wrong {
        if let Some(span) = span {
            let other = other.name();
            ctx.error_help(
                span.clone(),
                format!("`{key}` belongs to the {other} form (kind = \"{other}\")"),
                format!(
                    "this port has kind = \"{}\"; remove `{key}`, or change `kind`",
                    form.name()
                ),
            );
        }
    }
}

/// Which days of the horizon the port works: its weekdays minus its closures.
/// Adds a marker per closure. `None` if something is wrong or the horizon is unknown.
fn open_days(
    ctx: &mut Ctx,
    raw: &RawCapacity,
    port_name: &S<String>,
    port: usize,
    markers: &mut Vec<Marker>,
) -> Option<OpenDays> {
    let weekdays = weekdays(ctx, raw);
    let mut closed = Vec::new();
    let mut ok = true;
    for closure in &raw.closures {
        match closure_days(ctx, closure, port_name) {
            Some(Some((from, to))) => match ctx.check_text(closure.label.as_ref(), "label") {
                Some(label) => closed.push((from, to, label)),
                None => ok = false,
            },
            Some(None) => {}
            None => ok = false,
        }
    }
    let weekdays = weekdays?;
    let horizon = ctx.horizon?;
    if !ok {
        return None;
    }
    if weekdays == [true; 7] && closed.is_empty() {
        return Some(OpenDays::Every(horizon));
    }
    let first = ctx.weekday_of_day0();
    let mut open: Vec<bool> = if weekdays == [true; 7] {
        vec![true; horizon as usize]
    } else {
        weekdays
            .iter()
            .copied()
            .cycle()
            .skip((first % 7) as usize)
            .take(horizon as usize)
            .collect()
    };
    for (from, to, label) in closed {
        for day in open.iter_mut().take(to as usize + 1).skip(from as usize) {
            *day = false;
        }
        markers.push(Marker {
            port,
            day: from,
            label: label.unwrap_or_else(|| "closed".to_owned()),
        });
    }
    Some(OpenDays::Daily(open))
}

/// The days a port is open.
enum OpenDays {
    /// Every one of this many days (no per-day array needed).
    Every(u32),
    /// Day by day.
    Daily(Vec<bool>),
}

impl OpenDays {
    /// Whether the port is open on each day.
    fn into_vec(self) -> Vec<bool> {
        match self {
            OpenDays::Every(days) => vec![true; days as usize],
            OpenDays::Daily(open) => open,
        }
    }
}

/// The processing weekdays, Monday first.
fn weekdays(ctx: &mut Ctx, raw: &RawCapacity) -> Option<[bool; 7]> {
    let Some(list) = &raw.weekdays else {
        return Some([true; 7]);
    };
    if list.get_ref().is_empty() {
        ctx.error_help(
            list.span(),
            "`weekdays` must name at least one day",
            "to close the port for a while, use `closures`; to remove it, delete the port",
        );
        return None;
    }
    let mut days = [false; 7];
    let mut ok = true;
    for name in list.get_ref() {
        let text = name.get_ref();
        match WEEKDAYS.iter().position(|day| day == text) {
            Some(i) if days[i] => {
                ctx.error(name.span(), format!("`{text}` is listed twice in `weekdays`"));
                ok = false;
            }
            Some(i) => days[i] = true,
            None => {
                ctx.error_help(
                    name.span(),
                    format!("`{text}` is not a weekday name"),
                    suggest::help(text, &WEEKDAYS, "weekdays are written"),
                );
                ok = false;
            }
        }
    }
    ok.then_some(days)
}

const WHOLE_DAYS: &str = "closures and capacity changes apply to whole days";

/// First and last closed day of a closure, the last at most the end of the simulated period;
/// `Some(None)` for a closure that starts after the end (noted, and left out).
fn closure_days(ctx: &mut Ctx, closure: &RawClosure, port_name: &S<String>) -> Option<Option<(u32, u32)>> {
    match (&closure.on, &closure.from, &closure.to) {
        (Some(on), None, None) => {
            let day = ctx.whole_day(on, "on", WHOLE_DAYS)?;
            if ctx.after_period(day) {
                ctx.note_ignored(on, "on", day);
                return Some(None);
            }
            Some(Some((day as u32, day as u32)))
        }
        (Some(on), _, _) => {
            ctx.error_help(
                on.span(),
                "a closure has either `on` (one day) or `from` and `to` (a range of days), not both",
                "remove `on`, or remove `from` and `to`",
            );
            None
        }
        (None, Some(from), Some(to)) => {
            let from_day = ctx.whole_day(from, "from", WHOLE_DAYS);
            let to_day = ctx.whole_day(to, "to", WHOLE_DAYS);
            let (from_day, to_day) = (from_day?, to_day?);
            if to_day < from_day {
                let shown = ctx.describe_day(from, from_day);
                ctx.error_help(
                    to.span(),
                    format!("the closure ends before it starts: `to` is before `from` ({shown})"),
                    "`to` is the last closed day; for a single day, write `on = …`",
                );
                return None;
            }
            if ctx.after_period(from_day) {
                ctx.note_ignored(from, "from", from_day);
                return Some(None);
            }
            let mut last = to_day;
            if let Some(horizon) = ctx.horizon
                && ctx.after_period(to_day)
            {
                ctx.note_cut(to, "to", to_day, "closure");
                last = f64::from(horizon);
            }
            Some(Some((from_day as u32, last as u32)))
        }
        (None, Some(from), None) => {
            ctx.error_help(
                from.span(),
                "this closure has `from` but no `to`",
                "add `to = …` (the last closed day), or write `on = …` for a single day",
            );
            None
        }
        (None, None, Some(to)) => {
            ctx.error_help(
                to.span(),
                "this closure has `to` but no `from`",
                "add `from = …` (the first closed day)",
            );
            None
        }
        (None, None, None) => {
            ctx.error_help(
                port_name.span(),
                format!(
                    "a closure of port `{}` has neither `on` nor `from` and `to`",
                    port_name.get_ref()
                ),
                "write e.g. `{ on = 2018-12-25 }` or `{ from = 10, to = 20 }`",
            );
            None
        }
    }
}

/// Validates the schedule entries; `form` is `None` when the capacity kind is unknown.
fn schedule(ctx: &mut Ctx, raw: &RawCapacity, form: Option<Form>) -> Option<Vec<Change>> {
    let mut changes = Vec::new();
    let mut ok = true;
    let mut previous: Option<(f64, String)> = None;
    for entry in &raw.schedule {
        let day = ctx.whole_day(&entry.from, "from", WHOLE_DAYS);
        // An entry after the end of the simulated period is checked like the others, then left out.
        let after = day.is_some_and(|day| ctx.after_period(day));
        if let Some(day) = day {
            if let Some((before, shown)) = &previous
                && day <= *before
            {
                let this = ctx.describe_day(&entry.from, day);
                ctx.error_help(
                    entry.from.span(),
                    format!("schedule entries must be in time order, but this one ({this}) is not after the previous one ({shown})"),
                    "sort the [[ports.capacity.schedule]] entries by `from`, one entry per day",
                );
                ok = false;
            }
            previous = Some((day, ctx.describe_day(&entry.from, day)));
            if after {
                ctx.note_ignored(&entry.from, "from", day);
            }
        } else {
            ok = false;
        }
        let value = match form {
            None => None,
            Some(Form::Quota) => {
                if let Some(officers) = &entry.officers {
                    ctx.error_help(
                        officers.span(),
                        "`officers` belongs to the officers form (kind = \"officers\")",
                        "this port has kind = \"quota\"; schedule entries change `quota_per_day`",
                    );
                    ok = false;
                }
                match &entry.quota_per_day {
                    Some(quota) => ctx.check(quota, "quota_per_day", ANY, Lo::Incl(0.0), Hi::Incl(MAX_QUOTA)),
                    None => {
                        ctx.error_help(
                            entry.from.span(),
                            "this schedule entry has no `quota_per_day`",
                            "add the quota in force from this day, e.g. `quota_per_day = 40`",
                        );
                        None
                    }
                }
            }
            Some(Form::Officers) => {
                if let Some(quota) = &entry.quota_per_day {
                    ctx.error_help(
                        quota.span(),
                        "`quota_per_day` belongs to the quota form (kind = \"quota\")",
                        "this port has kind = \"officers\"; schedule entries change `officers`",
                    );
                    ok = false;
                }
                match &entry.officers {
                    Some(officers) => ctx.check_int(officers, "officers", 0, MAX_OFFICERS).map(|v| v as f64),
                    None => {
                        ctx.error_help(
                            entry.from.span(),
                            "this schedule entry has no `officers`",
                            "add the number of officers from this day, e.g. `officers = 4`",
                        );
                        None
                    }
                }
            }
        };
        let label = ctx.check_text(entry.label.as_ref(), "label");
        match (day, value, label) {
            (Some(_), Some(_), Some(_)) if after => {}
            (Some(day), Some(value), Some(label)) => changes.push(Change {
                day: day as u32,
                value,
                label,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(changes)
}

/// The value in force on each day (base, then the latest change), 0 on days the port is shut.
fn by_day<T: Copy + Default>(base: f64, changes: &[Change], open: &[bool], convert: impl Fn(f64) -> T) -> Vec<T> {
    // Changes come in day order; each holds from its day to the next change (filled a range
    // at a time, as a long horizon has hundreds of thousands of days).
    let mut out = Vec::with_capacity(open.len());
    let mut current = convert(base);
    for change in changes {
        let day = (change.day as usize).min(open.len());
        out.resize(day.max(out.len()), current);
        current = convert(change.value);
    }
    out.resize(open.len(), current);
    for (value, &is_open) in out.iter_mut().zip(open) {
        *value = if is_open { *value } else { T::default() };
    }
    out
}

/// Hours after midnight to ticks, staying within the day.
fn hours_to_ticks(hours: f64) -> Ticks {
    ((hours * 3600.0).round() as Ticks).clamp(0, TICKS_PER_DAY)
}

fn quota(
    ctx: &mut Ctx,
    raw: &RawCapacity,
    open: Option<OpenDays>,
    changes: Option<Vec<Change>>,
) -> Option<(Capacity, Vec<Change>)> {
    let base = match &raw.quota_per_day {
        Some(quota) => ctx.check(quota, "quota_per_day", ANY, Lo::Incl(0.0), Hi::Incl(MAX_QUOTA)),
        None => {
            ctx.error_help(
                raw.kind.span(),
                "a quota port needs `quota_per_day`",
                "add the number called from the list each processing day, e.g. `quota_per_day = 40`",
            );
            None
        }
    };
    let call_time = match &raw.call_time_hours {
        None => Some(0.0),
        Some(hours) => ctx.check(hours, "call_time_hours", ANY, Lo::Incl(0.0), Hi::Excl(24.0)),
    };
    let randomness = match &raw.randomness {
        None => Some(QuotaRandomness::Fixed),
        Some(value) => ctx.choice(
            value,
            "randomness",
            &[("fixed", QuotaRandomness::Fixed), ("poisson", QuotaRandomness::Poisson)],
        ),
    };
    let no_show_share = match &raw.no_show_share {
        None => Some(0.0),
        Some(share) => ctx.check(share, "no_show_share", ANY, Lo::Incl(0.0), Hi::Excl(1.0)),
    };
    let no_show = match &raw.no_show {
        None => Some(NoShow::Drop),
        Some(value) => ctx.choice(value, "no_show", &[("drop", NoShow::Drop), ("back", NoShow::Back)]),
    };
    let counts = match &raw.counts {
        None => Some(Counts::People),
        Some(value) => ctx.choice(
            value,
            "counts",
            &[
                ("people", Counts::People),
                ("groups", Counts::Groups),
                ("calls", Counts::Calls),
                ("people_called", Counts::PeopleCalled),
            ],
        ),
    };
    let changes = changes?;
    let quota = Quota {
        quota_by_day: by_day(base?, &changes, &open?.into_vec(), |quota| quota),
        call_offset: hours_to_ticks(call_time?).min(TICKS_PER_DAY - 1),
        randomness: randomness?,
        no_show_share: no_show_share?,
        no_show: no_show?,
        no_show_exact: raw.no_show_exact.as_ref().is_some_and(|exact| *exact.get_ref()),
        counts: counts?,
    };
    Some((Capacity::Quota(quota), changes))
}

fn officers(
    ctx: &mut Ctx,
    raw: &RawCapacity,
    open: Option<OpenDays>,
    changes: Option<Vec<Change>>,
) -> Option<(Capacity, Vec<Change>)> {
    let base = match &raw.officers {
        Some(officers) => ctx.check_int(officers, "officers", 0, MAX_OFFICERS),
        None => {
            ctx.error_help(
                raw.kind.span(),
                "an officers port needs `officers`",
                "add the number of officers on duty, e.g. `officers = 3`",
            );
            None
        }
    };
    let service = match &raw.service_days {
        Some(raw_dist) => dist::dist(ctx, raw_dist, "service_days").and_then(|service| {
            if service.mean() > 0.0 {
                Some(service)
            } else {
                ctx.error(
                    raw_dist.span.clone(),
                    "`service_days` must take some time: its mean is 0",
                );
                None
            }
        }),
        None => {
            ctx.error_help(
                raw.kind.span(),
                "an officers port needs `service_days`",
                "add the time one officer spends on one claim, e.g. `service_days = { dist = \"exponential\", mean = 0.5 }`",
            );
            None
        }
    };
    let start = match &raw.shift_start_hours {
        None => Some(0.0),
        Some(hours) => ctx.check(hours, "shift_start_hours", ANY, Lo::Incl(0.0), Hi::Excl(24.0)),
    };
    let end = match &raw.shift_end_hours {
        None => Some(24.0),
        Some(hours) => ctx.check(hours, "shift_end_hours", ANY, Lo::Excl(0.0), Hi::Incl(24.0)),
    };
    if let (Some(start), Some(end)) = (start, end)
        && start >= end
    {
        let span = raw
            .shift_end_hours
            .as_ref()
            .or(raw.shift_start_hours.as_ref())
            .map_or(raw.kind.span(), S::span);
        ctx.error_help(
            span,
            format!("the shift must end after it starts, but `shift_end_hours` ({end}) is not after `shift_start_hours` ({start})"),
            "shifts cannot run past midnight; use hours from 0 to 24",
        );
        return None;
    }
    let changes = changes?;
    let base = base?;
    let officers_by_day = match open? {
        OpenDays::Every(days) if changes.is_empty() => ByDay::Every {
            value: base as u32,
            days,
        },
        open => ByDay::Daily(by_day(base as f64, &changes, &open.into_vec(), |officers| {
            officers as u32
        })),
    };
    let officers = Officers {
        officers_by_day,
        service_days: service?,
        shift_start: hours_to_ticks(start?),
        shift_end: hours_to_ticks(end?),
    };
    Some((Capacity::Officers(officers), changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_in_force() {
        let changes = [
            Change {
                day: 2,
                value: 5.0,
                label: None,
            },
            Change {
                day: 4,
                value: 7.0,
                label: None,
            },
        ];
        let open = [true, true, true, false, true, true];
        assert_eq!(by_day(1.0, &changes, &open, |v| v), vec![1.0, 1.0, 5.0, 0.0, 7.0, 7.0]);
        assert_eq!(by_day(3.0, &[], &[], |v| v), Vec::<f64>::new());
        assert_eq!(by_day(2.0, &changes, &open, |v| v as u32), vec![2, 2, 5, 0, 7, 7]);
    }

    #[test]
    fn hours() {
        assert_eq!(hours_to_ticks(0.0), 0);
        assert_eq!(hours_to_ticks(8.5), 30_600);
        assert_eq!(hours_to_ticks(24.0), TICKS_PER_DAY);
    }
}
