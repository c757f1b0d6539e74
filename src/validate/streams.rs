//! Arrival streams: kind-specific sources, group sizes, class mixes, patience and outcomes.

use super::csv_input::{self, CsvKind};
use super::{ANY, Class, Ctx, Hi, Lo, WHOLE, dist, suggest};
use crate::model::network::PortChoice;
use crate::model::{Dist, RatePiece, Segment, Shape, Source, Stream};
use crate::scenario::{RawCurvePoint, RawDist, RawRate, RawStream, S};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Most people in one backlog, wave or curve point.
const MAX_PEOPLE: f64 = 1e9;
/// Highest Poisson rate, people per day.
const MAX_RATE: f64 = 1e9;
/// Largest group.
pub(crate) const MAX_GROUP: f64 = 1_000_000.0;
/// How far shares may be from adding up to 1.
const SUM_TOLERANCE: f64 = 1e-6;
/// Outcome names the tool gives itself.
const UNSPECIFIED: &str = "unspecified";
const NO_SHOW: &str = "no_show";

/// A validated stream whose outcome shares are not yet placed on the global outcome list.
pub(crate) struct PartialStream {
    name: String,
    port: usize,
    source: Source,
    group_size: Dist,
    class_cumulative: Vec<f64>,
    join_share: f64,
    patience_by_class: Vec<Option<Dist>>,
    stays_listed_by_class: Vec<bool>,
    /// Outcome shares by name, as written.
    outcomes: Option<Vec<(String, f64)>>,
    /// How its groups choose a port, if they do.
    choice: Option<PortChoice>,
}

impl PartialStream {
    /// Index of its port.
    pub(crate) fn port(&self) -> usize {
        self.port
    }

    /// Takes out how its groups choose a port, if they do.
    pub(crate) fn take_choice(&mut self) -> Option<PortChoice> {
        self.choice.take()
    }

    /// Whether anyone in the stream can give up waiting.
    fn leaves(&self) -> bool {
        self.patience_by_class.iter().any(Option::is_some)
    }

    /// The stream with its cumulative shares over the global outcome list.
    /// `slot` is its place among the streams of its port.
    pub(crate) fn finish(self, outcome_cumulative: Vec<f64>, slot: u16) -> Stream {
        Stream {
            name: self.name,
            port: self.port,
            slot,
            source: self.source,
            group_size: self.group_size,
            class_cumulative: self.class_cumulative,
            join_share: self.join_share,
            patience_by_class: self.patience_by_class,
            stays_listed_by_class: self.stays_listed_by_class,
            outcome_cumulative,
        }
    }
}

/// The global outcome list and each stream's cumulative shares over it.
pub(crate) struct Outcomes {
    pub names: Vec<String>,
    pub cumulative: Vec<Vec<f64>>,
}

/// Builds the global outcome list: outcome names in order of first appearance (streams in file
/// order, names in alphabetical order within a stream), then `unspecified` if some stream whose
/// people can give up has no `outcomes`, then `no_show` if some port drops absent groups.
///
/// A stream's cumulative shares have one entry per outcome, the last exactly 1; for a stream
/// without `outcomes` all weight is on `unspecified`. A stream that nobody can leave (no
/// patience in any class) gets an empty vector: it never draws an outcome.
/// Most outcome names a scenario may have: the engine keeps a group's outcome in one byte.
pub(crate) const MAX_OUTCOMES: usize = 256;

/// The index of the first stream whose `outcomes` bring the scenario past [`MAX_OUTCOMES`]
/// names (counting `unspecified` and `no_show`, which may be added), if one does.
pub(crate) fn too_many_outcomes(streams: &[PartialStream], drops_no_shows: bool) -> Option<usize> {
    let reserved =
        usize::from(streams.iter().any(|s| s.leaves() && s.outcomes.is_none())) + usize::from(drops_no_shows);
    let mut names: Vec<&str> = Vec::new();
    for (index, stream) in streams.iter().enumerate() {
        for (name, _) in stream.outcomes.iter().flatten() {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        if names.len() + reserved > MAX_OUTCOMES {
            return Some(index);
        }
    }
    None
}

pub(crate) fn outcomes(streams: &[PartialStream], drops_no_shows: bool) -> Outcomes {
    let mut names: Vec<String> = Vec::new();
    for stream in streams {
        for (name, _) in stream.outcomes.iter().flatten() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    if streams.iter().any(|s| s.leaves() && s.outcomes.is_none()) {
        names.push(UNSPECIFIED.to_owned());
    }
    if drops_no_shows {
        names.push(NO_SHOW.to_owned());
    }
    let cumulative = streams
        .iter()
        .map(|stream| {
            if !stream.leaves() {
                return Vec::new();
            }
            let mut weights = vec![0.0; names.len()];
            let shares: Vec<(String, f64)> = stream
                .outcomes
                .clone()
                .unwrap_or_else(|| vec![(UNSPECIFIED.to_owned(), 1.0)]);
            for (name, share) in shares {
                if let Some(i) = names.iter().position(|n| *n == name) {
                    weights[i] = share;
                }
            }
            cumulative(&weights)
        })
        .collect();
    Outcomes { names, cumulative }
}

/// Cumulative sums of shares, exactly 1 from the last positive share on.
pub(crate) fn cumulative(weights: &[f64]) -> Vec<f64> {
    let last_positive = weights.iter().rposition(|&w| w > 0.0).unwrap_or(0);
    let mut total = 0.0;
    weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            total += w;
            if i >= last_positive { 1.0 } else { total.min(1.0) }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Backlog,
    Wave,
    Poisson,
    Trace,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Backlog => "backlog",
            Kind::Wave => "wave",
            Kind::Poisson => "poisson",
            Kind::Trace => "trace",
        }
    }
}

/// Validates all streams; `classes` is `None` when the classes themselves are invalid.
pub(crate) fn streams(
    ctx: &mut Ctx,
    raw: &S<Vec<RawStream>>,
    classes: &Option<Vec<Class>>,
) -> Option<Vec<PartialStream>> {
    let list = raw.get_ref();
    if list.is_empty() {
        ctx.error_help(
            raw.span(),
            "the scenario needs at least one stream",
            "add a [[streams]] table with `name`, `port` and `kind`",
        );
        return None;
    }
    let mut seen = HashMap::new();
    let mut ok = true;
    if list.len() > usize::from(u16::MAX) {
        ctx.error(raw.span(), "a scenario may declare at most 65,535 streams");
        ok = false;
    }
    let mut out = Vec::new();
    for stream in list {
        match ctx.check_name(&stream.name, "stream") {
            Some(name) => ok &= ctx.unique(&mut seen, &name, stream.name.span(), "stream"),
            None => ok = false,
        }
        match one_stream(ctx, stream, classes.as_deref()) {
            Some(stream) => out.push(stream),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn one_stream(ctx: &mut Ctx, raw: &RawStream, classes: Option<&[Class]>) -> Option<PartialStream> {
    let entry = super::network::stream_entry(ctx, raw);
    let kind = ctx.choice(
        &raw.kind,
        "kind",
        &[
            ("backlog", Kind::Backlog),
            ("wave", Kind::Wave),
            ("poisson", Kind::Poisson),
            ("trace", Kind::Trace),
        ],
    );
    let keys_ok = kind.is_none_or(|kind| check_keys(ctx, raw, kind));
    let from_file = (raw.file.is_some() && kind == Some(Kind::Backlog)) || kind == Some(Kind::Trace);
    let class_names: Option<Vec<&str>> = classes.map(|c| c.iter().map(|c| c.name.as_str()).collect());

    let group_size = if from_file {
        not_for_files_dist(ctx, &raw.group_size, "group_size", "size")
    } else {
        group_size(ctx, &raw.group_size)
    };
    let class_cumulative = match (&raw.class_mix, from_file) {
        (Some(mix), true) => {
            ctx.error_help(
                mix.span(),
                "`class_mix` is not used by streams read from a file",
                "give each group's class in a `class` column of the file",
            );
            None
        }
        (_, true) => Some(Vec::new()),
        (mix, false) => class_names
            .as_deref()
            .and_then(|names| class_mix(ctx, mix.as_ref(), names, &raw.name)),
    };
    let join_share = match &raw.join_share {
        None => Some(1.0),
        Some(share) => ctx.check(share, "join_share", ANY, Lo::Excl(0.0), Hi::Incl(1.0)),
    };
    let stream_patience = match &raw.patience_days {
        None => Some(None),
        Some(patience) => dist::dist(ctx, patience, "patience_days").map(Some),
    };
    let patience_by_class: Option<Vec<Option<Dist>>> = match (classes, &stream_patience) {
        (Some(classes), Some(stream_patience)) => Some(
            classes
                .iter()
                .map(|c| c.patience.clone().or_else(|| stream_patience.clone()))
                .collect(),
        ),
        _ => None,
    };
    let outcomes = outcome_shares(ctx, raw);
    let stays_listed = match &raw.on_give_up {
        None => Some(false),
        Some(value) => ctx
            .choice(value, "on_give_up", &[("leave_list", false), ("stay_listed", true)])
            .and_then(|stays| {
                let can_give_up = matches!(&patience_by_class, Some(p) if p.iter().any(Option::is_some));
                if stays && patience_by_class.is_some() && !can_give_up {
                    ctx.error_help(
                        value.span(),
                        "`on_give_up` needs someone who can give up",
                        "add `patience_days` to the stream (or to a class), or remove `on_give_up`",
                    );
                    return None;
                }
                Some(stays)
            }),
    };

    let source = match kind {
        None => None,
        Some(Kind::Backlog) => backlog(ctx, raw, class_names.as_deref()),
        Some(Kind::Wave) => wave(ctx, raw),
        Some(Kind::Poisson) => poisson(ctx, raw, group_size.as_ref()),
        Some(Kind::Trace) => trace(ctx, raw, class_names.as_deref()),
    };
    let mut source = source?;
    let (mut group_size, mut class_cumulative) = (group_size?, class_cumulative?);
    if let Source::Records { records } = &mut source {
        // A file gives each group's size and class; summarise them for reports.
        let mut sizes = BTreeMap::new();
        let mut counts = vec![0.0; classes?.len()];
        for record in records.iter() {
            *sizes.entry(record.size).or_insert(0u64) += 1;
            if let Some(count) = counts.get_mut(usize::from(record.class)) {
                *count += 1.0;
            }
        }
        // A trace whose rows are all after the end of the simulated period brings nobody; its
        // groups stay of size 1, and its class shares all on the first class.
        if !sizes.is_empty() {
            group_size = dist::from_counts(&sizes)?;
        }
        let total = records.len().max(1) as f64;
        class_cumulative = cumulative(&counts.iter().map(|count| count / total).collect::<Vec<_>>());
    }
    if !keys_ok {
        return None;
    }
    let (port, choice) = entry?;
    Some(PartialStream {
        name: raw.name.get_ref().clone(),
        port,
        choice,
        source,
        group_size,
        class_cumulative,
        join_share: join_share?,
        patience_by_class: patience_by_class?,
        stays_listed_by_class: classes?
            .iter()
            .map(|class| stays_listed.map(|stream| class.stays_listed.unwrap_or(stream)))
            .collect::<Option<_>>()?,
        outcomes: outcomes?,
    })
}

/// The node index of the port or stage named by `port` (ports first, then stages).
pub(super) fn port_index(ctx: &mut Ctx, port: &S<String>) -> Option<usize> {
    let name = port.get_ref();
    if let Some(index) = ctx.port_names.iter().position(|p| p == name) {
        return Some(index);
    }
    if let Some(index) = ctx.stage_names.iter().position(|p| p == name) {
        return Some(ctx.port_names.len() + index);
    }
    // A port whose name has a character names may not contain is already reported, with the
    // name to write instead; a stream that already uses that name needs no second message.
    let fixed = |port: &String| -> String {
        port.trim()
            .chars()
            .map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' })
            .collect()
    };
    let nodes = || ctx.port_names.iter().chain(&ctx.stage_names);
    if nodes().any(|port| fixed(port) == *name && port != name) {
        return None;
    }
    let names: Vec<&str> = nodes().map(String::as_str).collect();
    let (what, help) = if ctx.stage_names.is_empty() {
        ("port", "the ports are")
    } else {
        ("port or stage", "the ports and stages are")
    };
    let help = if names.is_empty() {
        "declare the port in a [[ports]] table".to_owned()
    } else {
        suggest::help(name, &names, help)
    };
    ctx.error_help(port.span(), format!("there is no {what} named `{name}`"), help);
    None
}

/// A key, where its value is (if present) and the kinds of stream that use it.
type KindKey = (&'static str, Option<Range<usize>>, &'static [Kind]);

/// Reports keys that belong to other kinds of stream; false if there were any.
fn check_keys(ctx: &mut Ctx, raw: &RawStream, kind: Kind) -> bool {
    use Kind::{Backlog, Poisson, Trace, Wave};
    let span = |s: &Option<S<_>>| -> Option<Range<usize>> { s.as_ref().map(S::span) };
    let keys: [KindKey; 11] = [
        ("people", raw.people.as_ref().map(S::span), &[Backlog, Wave]),
        (
            "waited_days",
            raw.waited_days.as_ref().map(|d| d.span.clone()),
            &[Backlog],
        ),
        ("file", raw.file.as_ref().map(S::span), &[Backlog, Trace]),
        ("from", span(&raw.from), &[Wave]),
        ("to", span(&raw.to), &[Wave]),
        ("shape", raw.shape.as_ref().map(S::span), &[Wave]),
        ("peak", span(&raw.peak), &[Wave]),
        ("curve", raw.curve.as_ref().map(S::span), &[Wave]),
        ("people_per_day", raw.people_per_day.as_ref().map(S::span), &[Poisson]),
        ("rates", raw.rates.as_ref().map(S::span), &[Poisson]),
        ("until", span(&raw.until), &[Poisson]),
    ];
    let mut ok = true;
    for (key, span, kinds) in keys {
        if let Some(span) = span
            && !kinds.contains(&kind)
        {
            let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            ctx.error_help(
                span,
                format!("`{key}` is only used by {} streams", names.join(" and ")),
                format!(
                    "this stream has kind = \"{}\"; remove `{key}`, or change `kind`",
                    kind.name()
                ),
            );
            ok = false;
        }
    }
    ok
}

/// Rejects a distribution key that a file-based stream takes from a column instead.
fn not_for_files_dist(ctx: &mut Ctx, raw: &Option<RawDist>, key: &str, column: &str) -> Option<Dist> {
    if let Some(raw) = raw {
        ctx.error_help(
            raw.span.clone(),
            format!("`{key}` is not used by streams read from a file"),
            format!("give each group's {column} in a `{column}` column of the file"),
        );
        return None;
    }
    Some(Dist::Fixed(1.0))
}

fn group_size(ctx: &mut Ctx, raw: &Option<RawDist>) -> Option<Dist> {
    let Some(raw) = raw else {
        return Some(Dist::Fixed(1.0));
    };
    let size = dist::dist(ctx, raw, "group_size")?;
    let example =
        "for example `group_size = 3`, or `{ dist = \"empirical\", values = [1, 2, 3, 4], weights = [4, 3, 2, 1] }`";
    let smallest = match &size {
        Dist::Fixed(value) => Some(*value),
        Dist::Empirical { values, .. } => values.iter().copied().reduce(f64::min),
        _ => None,
    };
    let Some(smallest) = smallest else {
        ctx.error_help(
            raw.span.clone(),
            "`group_size` must give whole numbers of people, so it must be a fixed number or an empirical distribution",
            example,
        );
        return None;
    };
    if !size.is_integer_valued() {
        ctx.error_help(
            raw.span.clone(),
            "`group_size` must be a whole number of people",
            example,
        );
        return None;
    }
    if smallest < 1.0 {
        ctx.error_help(
            raw.span.clone(),
            "`group_size` must be at least 1",
            "a group is at least one person",
        );
        return None;
    }
    if size.max_value().is_some_and(|largest| largest > MAX_GROUP) {
        ctx.error(raw.span.clone(), "`group_size` must be at most 1,000,000");
        return None;
    }
    Some(size)
}

fn class_mix(
    ctx: &mut Ctx,
    mix: Option<&S<BTreeMap<String, S<f64>>>>,
    classes: &[&str],
    stream_name: &S<String>,
) -> Option<Vec<f64>> {
    let Some(mix) = mix else {
        if classes.len() == 1 {
            return Some(vec![1.0]);
        }
        ctx.error_help(
            stream_name.span(),
            format!(
                "stream `{}` needs `class_mix` because the scenario declares several classes",
                stream_name.get_ref()
            ),
            format!(
                "add e.g. `class_mix = {{ {} }}` with the share of arriving groups in each class",
                classes
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{c} = {}", if i == 0 { 1 } else { 0 }))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return None;
    };
    let shares = shares(ctx, mix, "class_mix")?;
    let weights = by_name(ctx, shares, classes, "class_mix", ("a class", "the classes are"))?;
    Some(cumulative(&weights))
}

/// Values by name placed in the order of `names` (0 for a name not given). A name that is not
/// in `names` is reported as "`key` names `x`, which is not {what.0}", with the names as help
/// ("{what.1}: …").
pub(super) fn by_name(
    ctx: &mut Ctx,
    values: Vec<(String, f64, Range<usize>)>,
    names: &[&str],
    key: &str,
    what: (&str, &str),
) -> Option<Vec<f64>> {
    let mut out = vec![0.0; names.len()];
    let mut ok = true;
    for (name, value, span) in values {
        match names.iter().position(|known| *known == name) {
            Some(i) => out[i] = value,
            None => {
                ctx.error_help(
                    span,
                    format!("`{key}` names `{name}`, which is not {}", what.0),
                    suggest::help(&name, names, what.1),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Shares by name in [0, 1], adding up to 1.
pub(super) fn shares(
    ctx: &mut Ctx,
    map: &S<BTreeMap<String, S<f64>>>,
    key: &str,
) -> Option<Vec<(String, f64, Range<usize>)>> {
    if map.get_ref().is_empty() {
        ctx.error(map.span(), format!("`{key}` must list at least one share"));
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (name, share) in map.get_ref() {
        match ctx.check(share, &format!("{key}.{name}"), ANY, Lo::Incl(0.0), Hi::Incl(1.0)) {
            Some(value) => out.push((name.clone(), value, ctx.key_span(share.span(), name))),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    let total: f64 = out.iter().map(|(_, share, _)| share).sum();
    if (total - 1.0).abs() > SUM_TOLERANCE {
        ctx.error_help(
            map.span(),
            format!("the shares in `{key}` add up to {}, not 1", (total * 1e9).round() / 1e9),
            "shares are fractions of the whole, e.g. 0.25 for a quarter; they must add up to 1",
        );
        return None;
    }
    Some(out)
}

/// The outcome shares of a stream, if it has `outcomes`. They are accepted even when nobody in the
/// stream can give up (they then have no effect).
fn outcome_shares(ctx: &mut Ctx, raw: &RawStream) -> Option<Option<Vec<(String, f64)>>> {
    let Some(map) = &raw.outcomes else {
        return Some(None);
    };
    let mut ok = true;
    for (name, share) in map.get_ref() {
        let spanned = S::new(ctx.key_span(share.span(), name), name.clone());
        if ctx.check_name(&spanned, "outcome").is_none() {
            ok = false;
        } else if name == UNSPECIFIED || name == NO_SHOW {
            let why = if name == NO_SHOW {
                "it is used for groups who are absent when called"
            } else {
                "it is used for people who give up in streams without `outcomes`"
            };
            ctx.error_help(
                spanned.span(),
                format!("`{name}` is a reserved outcome name: {why}"),
                "choose another name",
            );
            ok = false;
        }
    }
    let shares = shares(ctx, map, "outcomes");
    let shares = shares?;
    ok.then(|| Some(shares.into_iter().map(|(name, share, _)| (name, share)).collect()))
}

fn people(ctx: &mut Ctx, value: &S<f64>, key: &str) -> Option<u64> {
    ctx.check(value, key, WHOLE, Lo::Incl(0.0), Hi::Incl(MAX_PEOPLE))
        .map(|p| p as u64)
}

fn backlog(ctx: &mut Ctx, raw: &RawStream, classes: Option<&[&str]>) -> Option<Source> {
    match (&raw.people, &raw.file) {
        (Some(_), Some(file)) => {
            ctx.error_help(
                file.span(),
                "a backlog stream has either `people` or `file`, not both",
                "use `people` for a number of people waiting at day 0, or `file` for a snapshot of the list",
            );
            None
        }
        (Some(count), None) => {
            let count = people(ctx, count, "people");
            let waited_days = match &raw.waited_days {
                None => Some(None),
                Some(waited) => dist::dist(ctx, waited, "waited_days").map(Some),
            };
            Some(Source::Segments {
                segments: vec![Segment {
                    start_days: 0.0,
                    end_days: 0.0,
                    people: count?,
                    shape: Shape::Uniform,
                }],
                waited_days: waited_days?,
            })
        }
        (None, Some(file)) => {
            if let Some(waited) = &raw.waited_days {
                ctx.error_help(
                    waited.span.clone(),
                    "`waited_days` is only used with `people`",
                    "a snapshot file gives each group's `signed` date instead",
                );
            }
            let records = csv_input::records(ctx, file, CsvKind::Snapshot, classes);
            if raw.waited_days.is_some() {
                return None;
            }
            Some(Source::Records { records: records? })
        }
        (None, None) => {
            ctx.error_help(
                raw.name.span(),
                format!("backlog stream `{}` needs `people` or `file`", raw.name.get_ref()),
                "add `people = …` (how many are waiting at day 0) or `file = \"…\"` (a CSV snapshot of the list)",
            );
            None
        }
    }
}

fn trace(ctx: &mut Ctx, raw: &RawStream, classes: Option<&[&str]>) -> Option<Source> {
    let Some(file) = &raw.file else {
        ctx.error_help(
            raw.name.span(),
            format!("trace stream `{}` needs `file`", raw.name.get_ref()),
            "add `file = \"arrivals.csv\"`: a CSV file with a `day` column and optional `size` and `class` columns",
        );
        return None;
    };
    let records = csv_input::records(ctx, file, CsvKind::Trace, classes)?;
    Some(Source::Records { records })
}

fn wave(ctx: &mut Ctx, raw: &RawStream) -> Option<Source> {
    if let Some(curve) = &raw.curve {
        let extras: [(&str, Option<Range<usize>>); 5] = [
            ("people", raw.people.as_ref().map(S::span)),
            ("from", raw.from.as_ref().map(S::span)),
            ("to", raw.to.as_ref().map(S::span)),
            ("shape", raw.shape.as_ref().map(S::span)),
            ("peak", raw.peak.as_ref().map(S::span)),
        ];
        let mut ok = true;
        for (key, span) in extras {
            if let Some(span) = span {
                ctx.error_help(
                    span,
                    format!("`{key}` cannot be combined with `curve`"),
                    "a wave is either `people` spread from `from` to `to`, or a `curve`; remove one of them",
                );
                ok = false;
            }
        }
        let segments = curve_segments(ctx, curve);
        return if ok {
            segments.map(|segments| Source::Segments {
                segments,
                waited_days: None,
            })
        } else {
            None
        };
    }
    let missing: Vec<&str> = [
        ("people", raw.people.is_some()),
        ("from", raw.from.is_some()),
        ("to", raw.to.is_some()),
    ]
    .iter()
    .filter(|(_, present)| !present)
    .map(|(key, _)| *key)
    .collect();
    if !missing.is_empty() {
        ctx.error_help(
            raw.name.span(),
            format!(
                "wave stream `{}` needs {}",
                raw.name.get_ref(),
                suggest::quoted_list(&missing)
            ),
            "a wave is `people` arriving between `from` and `to`, or a cumulative `curve`",
        );
    }
    let count = raw.people.as_ref().and_then(|count| people(ctx, count, "people"));
    let start = raw.from.as_ref().and_then(|from| ctx.day_in_period(from, "from"));
    let end = raw.to.as_ref().and_then(|to| ctx.day_in_period(to, "to"));
    let shape = match &raw.shape {
        None => Some(ShapeKind::Uniform),
        Some(shape) => ctx.choice(
            shape,
            "shape",
            &[
                ("uniform", ShapeKind::Uniform),
                ("triangular", ShapeKind::Triangular),
                ("normal", ShapeKind::Normal),
            ],
        ),
    };
    if let (Some(peak), Some(shape)) = (&raw.peak, shape)
        && shape != ShapeKind::Triangular
    {
        ctx.error_help(
            peak.span(),
            "`peak` is only used with shape = \"triangular\"",
            "remove `peak`, or set `shape = \"triangular\"`",
        );
        return None;
    }
    let (Some(from), Some(to), Some(start), Some(end)) = (&raw.from, &raw.to, start, end) else {
        return None;
    };
    if end <= start {
        let shown = ctx.describe_day(from, start);
        ctx.error_help(
            to.span(),
            format!("the wave must end after it starts, but `to` is not after `from` ({shown})"),
            "`to` is the end of the window (exclusive); for people who are all there at once, use a backlog stream or a curve",
        );
        return None;
    }
    let shape = match shape? {
        ShapeKind::Uniform => Shape::Uniform,
        ShapeKind::Normal => Shape::Normal,
        ShapeKind::Triangular => match &raw.peak {
            None => Shape::Triangular { peak_fraction: 0.5 },
            Some(peak) => {
                let day = ctx.day(peak, "peak")?;
                if day < start || day > end {
                    let (from_shown, to_shown) = (ctx.describe_day(from, start), ctx.describe_day(to, end));
                    ctx.error(
                        peak.span(),
                        format!("`peak` must be within the wave, from {from_shown} to {to_shown}"),
                    );
                    return None;
                }
                Shape::Triangular {
                    peak_fraction: (day - start) / (end - start),
                }
            }
        },
    };
    let segment = Segment {
        start_days: start,
        end_days: end,
        people: count?,
        shape,
    };
    // A wave that starts after the end of the simulated period is left out; one that starts
    // within it keeps its whole window, and those due after the end do not arrive in the run.
    let segments = if ctx.after_period(start) {
        ctx.note_ignored(from, "from", start);
        Vec::new()
    } else {
        if ctx.after_period(end) {
            ctx.note_cut(to, "to", end, "wave");
        }
        vec![segment]
    };
    Some(Source::Segments {
        segments,
        waited_days: None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ShapeKind {
    Uniform,
    Triangular,
    Normal,
}

/// A batch at the first point (if any people), then a flat segment per rise of the curve.
fn curve_segments(ctx: &mut Ctx, curve: &S<Vec<RawCurvePoint>>) -> Option<Vec<Segment>> {
    let points = curve.get_ref();
    if points.is_empty() {
        ctx.error_help(
            curve.span(),
            "`curve` must have at least one point",
            "write e.g. `curve = [{ at = 0, people = 0 }, { at = 30, people = 5000 }]`",
        );
        return None;
    }
    let mut ok = true;
    let mut checked: Vec<(f64, u64)> = Vec::new();
    let mut previous: Option<(f64, String, u64)> = None;
    for point in points {
        let at = ctx.day_in_period(&point.at, "at");
        let count = people(ctx, &point.people, "people");
        if let (Some(at), Some(count)) = (at, count) {
            if let Some((before, shown, before_people)) = &previous {
                if at <= *before {
                    let this = ctx.describe_day(&point.at, at);
                    ctx.error_help(
                        point.at.span(),
                        format!("curve points must be in time order, but this one ({this}) is not after the previous one ({shown})"),
                        "sort the points by `at`, with one point per time",
                    );
                    ok = false;
                }
                if count < *before_people {
                    ctx.error_help(
                        point.people.span(),
                        format!(
                            "the curve is cumulative, so `people` cannot go down: it is {count} here but {before_people} at the previous point"
                        ),
                        "each point gives the total number of people who have arrived by then, not the number arriving since the previous point",
                    );
                    ok = false;
                }
            }
            previous = Some((at, ctx.describe_day(&point.at, at), count));
            checked.push((at, count));
        } else {
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    // Points after the end of the simulated period: the first is noted; segments that start
    // after the end are left out, and the one that spans it is kept whole.
    if let Some(index) = checked.iter().position(|&(at, _)| ctx.after_period(at)) {
        let (at, _) = checked[index];
        let point = &points[index].at;
        if index == 0 {
            ctx.note_ignored(point, "at", at);
        } else {
            ctx.note_cut(point, "at", at, "curve");
        }
    }
    let mut segments = Vec::new();
    if let Some(&(at, count)) = checked.first()
        && count > 0
        && !ctx.after_period(at)
    {
        segments.push(Segment {
            start_days: at,
            end_days: at,
            people: count,
            shape: Shape::Uniform,
        });
    }
    for pair in checked.windows(2) {
        if let [(start, before), (end, after)] = *pair
            && after > before
            && !ctx.after_period(start)
        {
            segments.push(Segment {
                start_days: start,
                end_days: end,
                people: after - before,
                shape: Shape::Uniform,
            });
        }
    }
    Some(segments)
}

fn poisson(ctx: &mut Ctx, raw: &RawStream, group_size: Option<&Dist>) -> Option<Source> {
    let until = match &raw.until {
        None => ctx.horizon.map(f64::from),
        Some(until) => ctx.day_in_period(until, "until"),
    };
    if let (Some(written), Some(day)) = (&raw.until, until)
        && ctx.after_period(day)
    {
        ctx.note_cut(written, "until", day, "stream");
    }
    let mean_size = group_size.map(Dist::mean);
    let rate =
        |ctx: &mut Ctx, value: &S<f64>| ctx.check(value, "people_per_day", ANY, Lo::Incl(0.0), Hi::Incl(MAX_RATE));
    match (&raw.people_per_day, &raw.rates) {
        (Some(_), Some(rates)) => {
            ctx.error_help(
                rates.span(),
                "a poisson stream has either `people_per_day` or `rates`, not both",
                "use `people_per_day` for a constant rate, or `rates` for a rate that changes over time",
            );
            None
        }
        (None, None) => {
            ctx.error_help(
                raw.name.span(),
                format!(
                    "poisson stream `{}` needs `people_per_day` or `rates`",
                    raw.name.get_ref()
                ),
                "add e.g. `people_per_day = 25`",
            );
            None
        }
        (Some(value), None) => {
            let people_per_day = rate(ctx, value);
            let until = until?;
            if until <= 0.0 {
                if let Some(span) = raw.until.as_ref().map(S::span) {
                    ctx.error(span, "`until` must be after day 0, when the stream starts");
                }
                return None;
            }
            let piece = RatePiece {
                start_days: 0.0,
                end_days: until,
                groups_per_day: people_per_day? / mean_size?,
            };
            Some(Source::Poisson { pieces: vec![piece] })
        }
        (None, Some(rates)) => {
            let list: &[RawRate] = rates.get_ref();
            if list.is_empty() {
                ctx.error_help(
                    rates.span(),
                    "`rates` must have at least one entry",
                    "write e.g. `rates = [{ from = 0, people_per_day = 20 }, { from = 90, people_per_day = 35 }]`",
                );
                return None;
            }
            let mut ok = true;
            let mut starts: Vec<(f64, f64, Range<usize>)> = Vec::new();
            let mut previous: Option<(f64, String)> = None;
            for entry in list {
                let from = ctx.day_in_period(&entry.from, "from");
                let people_per_day = rate(ctx, &entry.people_per_day);
                if let Some(from) = from {
                    if let Some((before, shown)) = &previous
                        && from <= *before
                    {
                        let this = ctx.describe_day(&entry.from, from);
                        ctx.error_help(
                            entry.from.span(),
                            format!("rates must be in time order, but this one ({this}) does not start after the previous one ({shown})"),
                            "sort the entries of `rates` by `from`",
                        );
                        ok = false;
                    }
                    previous = Some((from, ctx.describe_day(&entry.from, from)));
                    if ctx.after_period(from) {
                        ctx.note_ignored(&entry.from, "from", from);
                    }
                }
                match (from, people_per_day) {
                    (Some(from), Some(r)) => starts.push((from, r, entry.from.span())),
                    _ => ok = false,
                }
            }
            let until = until?;
            if !ok {
                return None;
            }
            // With `until` every piece must start before it. Without it the stream runs to the
            // end of the simulated period, and a piece may start at or after the end (no effect);
            // pieces that start after it are left out (noted above).
            let mut pieces = Vec::new();
            for (i, (start, people_per_day, span)) in starts.iter().enumerate() {
                if raw.until.is_some() && *start >= until {
                    ctx.error_help(
                        span.clone(),
                        format!("this rate starts on or after the end of the stream (`until`, day {until})"),
                        "remove it, or move `until` later",
                    );
                    return None;
                }
                if ctx.after_period(*start) {
                    continue;
                }
                let end = starts.get(i + 1).map_or(until, |next| next.0.min(until));
                pieces.push(RatePiece {
                    start_days: *start,
                    end_days: end,
                    groups_per_day: people_per_day / mean_size?,
                });
            }
            Some(Source::Poisson { pieces })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_shares() {
        assert_eq!(cumulative(&[0.25, 0.75]), vec![0.25, 1.0]);
        assert_eq!(cumulative(&[0.7, 0.3, 0.0]), vec![0.7, 1.0, 1.0]);
        assert_eq!(cumulative(&[0.0, 1.0, 0.0]), vec![0.0, 1.0, 1.0]);
        assert_eq!(cumulative(&[0.1, 0.2, 0.7]).last(), Some(&1.0));
        assert_eq!(cumulative(&[0.0]), vec![1.0]);
    }
}
