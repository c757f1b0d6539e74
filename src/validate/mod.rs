//! Validation: turns a [`RawScenario`] into a [`Model`], reporting every problem found as a
//! [`Diagnostic`] that points at the offending place in the scenario (or CSV) file.
//!
//! Validation carries on after an error wherever the rest can still be checked, so that one
//! run shows as many problems as possible. A model is returned only when there are none.
//!
//! Cutting a run short never makes a valid scenario invalid: anything dated after the end of
//! the simulated period has no effect in the run and is accepted with a [`Note`]. An entry
//! that starts after the end (a schedule change, a closure, a wave, a rate piece, a curve, rows
//! of a trace) is left out of the model; a window that starts within the period and ends after
//! it is kept whole, and what falls after the end simply does not happen within the run.

pub(crate) mod csv_input;
mod dist;
mod network;
mod ports;
mod streams;
pub(crate) mod suggest;

use crate::error::{Diagnostic, InputError, Note, SourceFile};
use crate::model::{Date, Model};
use crate::scenario::{self, DayOrDate, RawClass, RawRun, RawScenario, S};
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Validates scenario text; `name` is shown in messages, CSV paths resolve against `base_dir`.
/// The model keeps the text (its provenance) and the notes found.
#[cfg(test)]
pub(crate) fn load_str(name: &str, text: &str, base_dir: &Path) -> Result<Model, InputError> {
    load_str_within(name, text, base_dir, &crate::guard::Limits::default())
}

/// [`load_str`] within `limits`: CSV files larger than the input limit, and per-day capacities
/// that would take more memory than the memory limit, are refused before they are read or
/// built.
pub(crate) fn load_str_within(
    name: &str,
    text: &str,
    base_dir: &Path,
    limits: &crate::guard::Limits,
) -> Result<Model, InputError> {
    load(name, text, Some(base_dir), limits)
}

/// [`load_str_within`] for a built-in scenario: its CSV files are the built-in ones
/// ([`crate::builtin::DATA`]), never files on disk.
pub(crate) fn load_built_in(name: &str, text: &str, limits: &crate::guard::Limits) -> Result<Model, InputError> {
    load(name, text, None, limits)
}

/// Validates `text`, reading CSV files relative to `base_dir`, or the built-in ones without one.
fn load(name: &str, text: &str, base_dir: Option<&Path>, limits: &crate::guard::Limits) -> Result<Model, InputError> {
    let source = SourceFile {
        name: name.to_owned(),
        text: Arc::from(text),
    };
    if text.trim().is_empty() {
        return Err(InputError::single(
            Diagnostic::new(format!("the scenario file `{name}` is empty")).with_help(
                "a scenario needs `schema = 1`, a [run] table, and at least one [[ports]] and one [[streams]] table",
            ),
        ));
    }
    let raw = scenario::parse(text).map_err(|error| InputError::single(suggest::toml_error(&source, &error)))?;
    let mut ctx = Ctx::new(&source, base_dir.unwrap_or(Path::new(".")));
    ctx.limits = *limits;
    ctx.built_in = base_dir.is_none();
    let validated = validate(&mut ctx, &raw);
    match validated {
        Some(mut model) if ctx.diagnostics.is_empty() => {
            model.text = Arc::clone(&source.text);
            model.notes = ctx.notes;
            Ok(model)
        }
        _ => {
            if ctx.diagnostics.is_empty() {
                // Every path that yields no model reports why; this is a safety net.
                ctx.diagnostics.push(Diagnostic::new(format!(
                    "`{name}` could not be validated (internal error: no problem was reported)"
                )));
            }
            Err(InputError {
                diagnostics: ctx.diagnostics,
            })
        }
    }
}

/// The model and its network (empty for a scenario of independent ports).
fn validate(ctx: &mut Ctx, raw: &RawScenario) -> Option<Model> {
    if *raw.schema.get_ref() != 1 {
        ctx.error_help(
            raw.schema.span(),
            format!("unsupported schema version {}", raw.schema.get_ref()),
            "this version of backlog reads files with `schema = 1`",
        );
    }
    let run = run(ctx, &raw.run);
    let classes = classes(ctx, &raw.classes);
    if !per_day_capacities_fit(ctx, raw) {
        return None;
    }
    let ports = ports::ports(ctx, &raw.ports, raw.stages.as_ref());
    let streams = streams::streams(ctx, &raw.streams, &classes);
    let (run, classes, mut ports, mut streams) = (run?, classes?, ports?, streams?);
    let choices = streams.iter_mut().map(streams::PartialStream::take_choice).collect();
    let first_stage = ports.ports.len();
    let (network, stage_queues) = network::network(ctx, raw, first_stage, std::mem::take(&mut ports.stages), choices)?;
    ports.ports.extend(stage_queues);
    if let Some(index) = streams::too_many_outcomes(&streams, ports.drops_no_shows) {
        let raw_stream = &raw.streams.get_ref()[index];
        let span = raw_stream
            .outcomes
            .as_ref()
            .map_or_else(|| raw_stream.name.span(), |outcomes| outcomes.span());
        ctx.error_help(
            span,
            format!(
                "these `outcomes` bring the scenario to more than {} different outcome names",
                streams::MAX_OUTCOMES
            ),
            "use the same outcome names in several streams (e.g. `crossed`, `returned_home`); results are counted by name",
        );
        return None;
    }
    // The engine keeps a group's (stream, class) pair at its port in two bytes.
    // A stage's streams count alike (a stage is node `ports + i`).
    for (port, name) in ports.ports.iter().map(|port| &port.name).enumerate() {
        let at_port: Vec<usize> = (0..streams.len()).filter(|&s| streams[s].port() == port).collect();
        if at_port.len() * classes.len() > usize::from(u16::MAX) {
            let raw_stream = &raw.streams.get_ref()[at_port[0]];
            ctx.error_help(
                raw_stream.port.as_ref().map_or(raw_stream.name.span(), S::span),
                format!(
                    "{} `{name}` has {} streams and the scenario {} classes: more than 65,535 pairs of the two",
                    if port < first_stage { "port" } else { "stage" },
                    at_port.len(),
                    classes.len()
                ),
                "spread the streams over several ports, or use fewer classes",
            );
            return None;
        }
    }
    let mut outcomes = streams::outcomes(&streams, ports.drops_no_shows);
    // Giving up at a stage is leaving a list unprocessed: its outcome is counted as a port's are.
    for give_up in network.stages.iter().filter_map(|stage| stage.give_up.as_ref()) {
        let name = &network.outcomes[give_up.outcome];
        if !outcomes.names.contains(name) {
            outcomes.names.push(name.clone());
        }
    }
    // Moving to another port's list leaves the first list unprocessed, as `moved`.
    let relists = network.choices.iter().flatten().any(|choice| choice.relist.is_some());
    if relists && !outcomes.names.iter().any(|name| name == crate::model::network::MOVED) {
        outcomes.names.push(crate::model::network::MOVED.to_owned());
    }
    if outcomes.names.len() > streams::MAX_OUTCOMES {
        ctx.error_help(
            raw.network.as_ref().map_or(raw.run.name.span(), S::span),
            format!(
                "the streams' outcomes and the stages' give-up outcomes come to more than {} different names",
                streams::MAX_OUTCOMES
            ),
            "use the same outcome names in several streams and stages; results are counted by name",
        );
        return None;
    }
    let mut markers = ports.markers;
    markers.sort_by_key(|marker| (marker.day, marker.port));
    let mut streams_at_port = vec![0u16; ports.ports.len()];
    let mut slot_of = |port: usize| {
        let slot = streams_at_port[port];
        streams_at_port[port] += 1;
        slot
    };
    let model = Model {
        built_in: None,
        name: run.name,
        description: run.description,
        start_date: run.start_date,
        horizon_days: run.horizon_days,
        seed: run.seed,
        replications: run.replications,
        warm_up_days: run.warm_up_days,
        share_over_days: run.share_over_days,
        classes: classes.into_iter().map(|class| class.name).collect(),
        streams: streams
            .into_iter()
            .zip(outcomes.cumulative)
            .map(|(partial, cumulative)| {
                let slot = slot_of(partial.port());
                partial.finish(cumulative, slot)
            })
            .collect(),
        outcomes: outcomes.names,
        ports: ports.ports,
        network,
        markers,
        text: Arc::from(""),
        changes: Vec::new(),
        notes: Vec::new(),
    };
    Some(model)
}

/// Whether the ports' per-day capacities (at most 16 bytes a day each) fit in the memory limit;
/// refused at `horizon_days` if not, before any is built.
fn per_day_capacities_fit(ctx: &mut Ctx, raw: &RawScenario) -> bool {
    let Some(horizon) = ctx.horizon else {
        return true;
    };
    let ports = raw.ports.get_ref().len() + raw.stages.as_ref().map_or(0, |stages| stages.get_ref().len());
    let bytes = ports as f64 * f64::from(horizon) * 16.0;
    let limit = ctx.limits.memory_bytes();
    if bytes <= limit as f64 {
        return true;
    }
    ctx.error_help(
        raw.run.horizon_days.span(),
        format!(
            "{ports} ports over {} days need about {:.1} GiB for their day-by-day capacities, more than the limit of {:.1} GiB",
            group_thousands(f64::from(horizon)),
            bytes / f64::from(1u32 << 30),
            limit as f64 / f64::from(1u32 << 30)
        ),
        "use fewer ports or a shorter horizon, or raise the limit with --max-memory (e.g. 32G)",
    );
    false
}

/// The validated `[run]` table.
struct Run {
    name: String,
    description: String,
    start_date: Option<Date>,
    horizon_days: u32,
    seed: u64,
    replications: u32,
    warm_up_days: u32,
    share_over_days: Vec<u32>,
}

/// Most waits whose shares one scenario reports.
pub(crate) const MAX_SHARES: usize = 16;

/// `share_over_days`: whole numbers of days, at most [`MAX_SHARES`], kept in increasing order
/// without repeats.
fn share_over_days(ctx: &mut Ctx, raw: &RawRun) -> Option<Vec<u32>> {
    let Some(list) = &raw.share_over_days else {
        return Some(Vec::new());
    };
    if list.get_ref().len() > MAX_SHARES {
        ctx.error_help(
            list.span(),
            format!(
                "`share_over_days` lists {} waits, more than {MAX_SHARES}",
                list.get_ref().len()
            ),
            "ask for the shares you will read, e.g. share_over_days = [30, 90, 180]",
        );
        return None;
    }
    let mut days = Vec::new();
    let mut ok = true;
    for value in list.get_ref() {
        match ctx.check(value, "share_over_days", WHOLE, Lo::Incl(0.0), Hi::Incl(MAX_HORIZON)) {
            Some(day) => days.push(day as u32),
            None => ok = false,
        }
    }
    days.sort_unstable();
    days.dedup();
    ok.then_some(days)
}

/// Longest horizon accepted, in days.
const MAX_HORIZON: f64 = 10_000_000.0;

fn run(ctx: &mut Ctx, raw: &RawRun) -> Option<Run> {
    let name = raw.name.get_ref().trim();
    if name.is_empty() {
        ctx.error(raw.name.span(), "`name` must not be empty");
    }
    let name_ok = ctx.check_text(Some(&raw.name), "name").is_some();
    if let Some(start) = &raw.start_date {
        let datetime = start.get_ref();
        match scenario::date_only(datetime) {
            None => ctx.error_help(
                start.span(),
                format!("`start_date` must be a date, found `{datetime}`"),
                "write just the date, e.g. `start_date = 2018-11-15` (no time of day)",
            ),
            Some(date) => {
                let date = to_date(date);
                if date.is_valid() {
                    ctx.start = StartDate::Valid(date);
                } else {
                    ctx.error(start.span(), format!("`start_date` {date} is not a real date"));
                }
            }
        }
        if !matches!(ctx.start, StartDate::Valid(_)) {
            ctx.start = StartDate::Invalid;
        }
    }
    let horizon = ctx.check(
        &raw.horizon_days,
        "horizon_days",
        WHOLE,
        Lo::Excl(0.0),
        Hi::Incl(MAX_HORIZON),
    );
    ctx.horizon = horizon.map(|h| h as u32);
    let seed = ctx.check_int(&raw.seed, "seed", 0, i64::MAX).map(|seed| seed as u64);
    let replications = match &raw.replications {
        None => Some(100),
        Some(value) => ctx.check_int(value, "replications", 1, 1_000_000).map(|r| r as u32),
    };
    let warm_up_days = match &raw.warm_up_days {
        None => Some(0),
        Some(value) => ctx
            .check(value, "warm_up_days", WHOLE, Lo::Incl(0.0), Hi::Incl(MAX_HORIZON))
            .map(|w| w as u32)
            .map(|warm_up| match ctx.horizon {
                // A warm-up that outlasts the run (a run cut short, say) leaves only its last
                // day counted, with a note, rather than making the scenario invalid.
                Some(horizon) if warm_up >= horizon => {
                    ctx.note(
                        value.span(),
                        format!(
                            "`warm_up_days` ({warm_up}) is not before the end of the run (day {horizon}): only \
                             people who join on the last day, day {}, are counted",
                            horizon - 1
                        ),
                    );
                    horizon - 1
                }
                _ => warm_up,
            }),
    };
    if name.is_empty() || !name_ok {
        return None;
    }
    let share_over_days = share_over_days(ctx, raw);
    Some(Run {
        share_over_days: share_over_days?,
        name: name.to_owned(),
        description: raw.description.clone().unwrap_or_default(),
        start_date: ctx.start_date(),
        horizon_days: ctx.horizon?,
        seed: seed?,
        replications: replications?,
        warm_up_days: warm_up_days?,
    })
}

/// A validated priority class.
pub(crate) struct Class {
    /// Its name.
    pub name: String,
    /// Its own patience, overriding the stream's.
    pub patience: Option<crate::model::Dist>,
    /// Whether the names of its people who give up stay listed, overriding the stream's.
    pub stays_listed: Option<bool>,
}

fn classes(ctx: &mut Ctx, raw: &[RawClass]) -> Option<Vec<Class>> {
    if raw.is_empty() {
        return Some(vec![Class {
            name: "all".to_owned(),
            patience: None,
            stays_listed: None,
        }]);
    }
    let mut seen = HashMap::new();
    let mut ok = true;
    let mut classes = Vec::new();
    for class in raw {
        let name = ctx.check_name(&class.name, "class").unwrap_or_default();
        if name.is_empty() || !ctx.unique(&mut seen, &name, class.name.span(), "class") {
            ok = false;
        }
        let patience = match &class.patience_days {
            None => None,
            Some(raw) => match dist::dist(ctx, raw, "patience_days") {
                Some(dist) => Some(dist),
                None => {
                    ok = false;
                    None
                }
            },
        };
        let stays_listed = match &class.on_give_up {
            None => None,
            Some(value) => {
                let choice = ctx.choice(value, "on_give_up", &[("leave_list", false), ("stay_listed", true)]);
                ok &= choice.is_some();
                choice
            }
        };
        classes.push(Class {
            name: name.to_owned(),
            patience,
            stays_listed,
        });
    }
    if classes.len() > usize::from(u16::MAX) {
        ctx.error(raw[0].name.span(), "a scenario may declare at most 65,535 classes");
        ok = false;
    }
    ok.then_some(classes)
}

/// Whether `run.start_date` was given, and if so whether it was valid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum StartDate {
    /// Not given.
    Absent,
    /// Given but wrong (already reported).
    Invalid,
    /// Given and valid.
    Valid(Date),
}

/// Lower bound of a number.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lo {
    Incl(f64),
    Excl(f64),
}

/// Upper bound of a number.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Hi {
    None,
    Incl(f64),
    Excl(f64),
}

/// Whether a number must be whole.
pub(crate) const WHOLE: bool = true;
/// A number may be fractional.
pub(crate) const ANY: bool = false;

/// State shared by the validation of one scenario: where it came from and what was found.
pub(crate) struct Ctx<'a> {
    /// The scenario file.
    pub source: &'a SourceFile,
    /// Folder that CSV paths are relative to.
    pub base_dir: &'a Path,
    /// Problems found so far.
    pub diagnostics: Vec<Diagnostic>,
    /// Notes found so far (they matter only when there are no problems).
    pub notes: Vec<Note>,
    /// `run.start_date`.
    pub start: StartDate,
    /// The horizon in days, if valid.
    pub horizon: Option<u32>,
    /// Port names in file order (also of invalid ports, so that streams can refer to them).
    pub port_names: Vec<String>,
    /// Stage names in file order (also of invalid stages).
    pub stage_names: Vec<String>,
    /// The limits on files read and memory.
    pub limits: crate::guard::Limits,
    /// Whether the scenario is a built-in one, whose CSV files are built in too.
    pub built_in: bool,
}

impl<'a> Ctx<'a> {
    /// A context with no problems found yet.
    pub(crate) fn new(source: &'a SourceFile, base_dir: &'a Path) -> Self {
        Ctx {
            source,
            base_dir,
            diagnostics: Vec::new(),
            notes: Vec::new(),
            start: StartDate::Absent,
            horizon: None,
            port_names: Vec::new(),
            stage_names: Vec::new(),
            limits: crate::guard::Limits::default(),
            built_in: false,
        }
    }

    /// The start date, if given and valid.
    pub(crate) fn start_date(&self) -> Option<Date> {
        match self.start {
            StartDate::Valid(date) => Some(date),
            _ => None,
        }
    }

    /// Weekday (0 = Monday) of day 0.
    pub(crate) fn weekday_of_day0(&self) -> u32 {
        self.start_date().map_or(0, Date::weekday)
    }

    /// A diagnostic at a span of the scenario file (clamped to the text).
    pub(crate) fn diagnostic(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let end = span.end.min(self.source.text.len());
        Diagnostic::at(self.source, span.start.min(end)..end, message)
    }

    /// Records a problem.
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records a problem at a span of the scenario file.
    pub(crate) fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let diagnostic = self.diagnostic(span, message);
        self.push(diagnostic);
    }

    /// Records a problem at a span of the scenario file, with a suggestion.
    pub(crate) fn error_help(&mut self, span: Range<usize>, message: impl Into<String>, help: impl Into<String>) {
        let diagnostic = self.diagnostic(span, message).with_help(help);
        self.push(diagnostic);
    }

    /// The text at a span, shortened for messages.
    pub(crate) fn written(&self, span: Range<usize>) -> String {
        let text = self.source.text.get(span).unwrap_or("").trim();
        if text.chars().count() > 40 {
            format!("{}…", text.chars().take(40).collect::<String>())
        } else {
            text.to_owned()
        }
    }

    /// Where the key of a table entry is written, found from its value's span (TOML maps do not
    /// keep key spans): the last occurrence of `key` before the value on the same line, or the
    /// value's span if there is none.
    pub(crate) fn key_span(&self, value: Range<usize>, key: &str) -> Range<usize> {
        let text = &self.source.text;
        let Some(before) = text.get(..value.start) else {
            return value;
        };
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        match before.get(line_start..).and_then(|line| line.rfind(key)) {
            Some(i) if !key.is_empty() => line_start + i..line_start + i + key.len(),
            _ => value,
        }
    }

    /// Line of a byte offset, for "first defined on line N" notes.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        crate::error::line_col(&self.source.text, offset).0
    }

    /// Records `name` as used; reports a duplicate and returns false if it already was.
    pub(crate) fn unique(
        &mut self,
        seen: &mut HashMap<String, usize>,
        name: &str,
        span: Range<usize>,
        what: &str,
    ) -> bool {
        if let Some(&first) = seen.get(name) {
            let line = self.line_of(first);
            self.error_help(
                span,
                format!("there is already a {what} named `{name}`"),
                format!("{what} names must be unique; the first `{name}` is on line {line}"),
            );
            false
        } else {
            seen.insert(name.to_owned(), span.start);
            true
        }
    }

    /// Checks a name made of letters, digits, `_` and `-`.
    pub(crate) fn check_name(&mut self, name: &S<String>, what: &str) -> Option<String> {
        let text = name.get_ref();
        if text.is_empty() {
            self.error(name.span(), format!("a {what} name must not be empty"));
            return None;
        }
        if let Some(bad) = text.chars().find(|&c| !(c.is_alphanumeric() || c == '_' || c == '-')) {
            let fixed: String = text
                .trim()
                .chars()
                .map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' })
                .collect();
            let shown = if bad == ' ' {
                "a space".to_owned()
            } else {
                format!("`{bad}`")
            };
            self.error_help(
                name.span(),
                format!("{what} names may contain only letters, digits, `_` and `-`, but `{text}` contains {shown}"),
                format!("write it as `{fixed}`"),
            );
            return None;
        }
        Some(text.clone())
    }

    /// Checks text written on charts, in file headers and on the terminal (a scenario's name, a
    /// label): no control characters (line breaks, tabs, escape codes), which would split lines
    /// or move the cursor. `Some(None)` when there is no text, `None` when it is refused.
    pub(crate) fn check_text(&mut self, text: Option<&S<String>>, key: &str) -> Option<Option<String>> {
        let Some(text) = text else {
            return Some(None);
        };
        let value = text.get_ref();
        if let Some(bad) = value.chars().find(|c| c.is_control()) {
            let shown = match bad {
                '\n' => "a line break".to_owned(),
                '\t' => "a tab".to_owned(),
                other => format!("the control character {}", other.escape_unicode()),
            };
            self.error_help(
                text.span(),
                format!("`{key}` must be one line of text, but it contains {shown}"),
                "write it on one line, without control characters",
            );
            return None;
        }
        Some(Some(value.clone()))
    }

    /// Checks a number: finite, within bounds and (if `whole`) a whole number.
    pub(crate) fn check(&mut self, value: &S<f64>, key: &str, whole: bool, lo: Lo, hi: Hi) -> Option<f64> {
        let v = *value.get_ref();
        let written = self.written(value.span());
        if !v.is_finite() {
            self.error_help(
                value.span(),
                format!("`{key}` must be a finite number, found `{written}`"),
                format!("{}; write {}", not_finite(v), describe(whole, lo, hi)),
            );
            return None;
        }
        let below = match lo {
            Lo::Incl(min) => v < min,
            Lo::Excl(min) => v <= min,
        };
        let above = match hi {
            Hi::None => false,
            Hi::Incl(max) => v > max,
            Hi::Excl(max) => v >= max,
        };
        if below || above || (whole && v.fract() != 0.0) {
            let message = format!("`{key}` must be {}, found `{written}`", describe(whole, lo, hi));
            // A share written as a percentage: 80 for 0.8.
            let share = matches!(lo, Lo::Incl(0.0) | Lo::Excl(0.0)) && matches!(hi, Hi::Incl(1.0) | Hi::Excl(1.0));
            if share && (2.0..=100.0).contains(&v) {
                self.error_help(
                    value.span(),
                    message,
                    format!(
                        "shares are fractions of 1, not percentages: write {} for {v}%",
                        v / 100.0
                    ),
                );
            } else if key.ends_with("_hours") && v == 24.0 && matches!(hi, Hi::Excl(_)) {
                self.error_help(value.span(), message, "midnight is hour 0: write 0");
            } else {
                self.error(value.span(), message);
            }
            return None;
        }
        Some(v)
    }

    /// Checks an integer against inclusive bounds.
    pub(crate) fn check_int(&mut self, value: &S<i64>, key: &str, min: i64, max: i64) -> Option<i64> {
        let v = *value.get_ref();
        if v < min || v > max {
            let hi = if max == i64::MAX {
                Hi::None
            } else {
                Hi::Incl(max as f64)
            };
            let expected = describe(WHOLE, Lo::Incl(min as f64), hi);
            self.error(value.span(), format!("`{key}` must be {expected}, found `{v}`"));
            return None;
        }
        Some(v)
    }

    /// Picks one of a set of words, with a suggestion for a near miss.
    pub(crate) fn choice<T: Copy>(&mut self, value: &S<String>, key: &str, options: &[(&str, T)]) -> Option<T> {
        let text = value.get_ref();
        if let Some((_, choice)) = options.iter().find(|(word, _)| word == text) {
            return Some(*choice);
        }
        let words: Vec<&str> = options.iter().map(|(word, _)| *word).collect();
        self.error_help(
            value.span(),
            format!("`{key}` cannot be `{text}`"),
            suggest::help(text, &words, &format!("`{key}` can be")),
        );
        None
    }

    /// Converts a day number or date to a day number (days after day 0).
    pub(crate) fn day(&mut self, value: &S<DayOrDate>, key: &str) -> Option<f64> {
        match *value.get_ref() {
            DayOrDate::Day(day) if day.is_finite() => Some(day),
            DayOrDate::Day(day) => {
                let written = self.written(value.span());
                self.error_help(
                    value.span(),
                    format!("`{key}` must be a finite number, found `{written}`"),
                    format!("{}; write a day number or a date", not_finite(day)),
                );
                None
            }
            DayOrDate::Date(date) => {
                let date = to_date(date);
                if !date.is_valid() {
                    self.error(value.span(), format!("`{key}` {date} is not a real date"));
                    return None;
                }
                match self.start {
                    StartDate::Valid(start) => Some((date.days_since_epoch() - start.days_since_epoch()) as f64),
                    StartDate::Invalid => None,
                    StartDate::Absent => {
                        self.error_help(
                            value.span(),
                            format!("`{key}` is a date, but the scenario has no start date"),
                            format!(
                                "add `start_date = …` under [run] (the date of day 0, e.g. `start_date = {date}`), or write a day number instead"
                            ),
                        );
                        None
                    }
                }
            }
        }
    }

    /// A day number or date for messages: `day 12` or `2019-01-05, day 400`.
    pub(crate) fn describe_day(&self, value: &S<DayOrDate>, day: f64) -> String {
        match value.get_ref() {
            DayOrDate::Day(_) => format!("day {day}"),
            DayOrDate::Date(date) => format!("{}, day {day}", to_date(*date)),
        }
    }

    /// A day on or after day 0. A day after the end of the simulated period is accepted: the
    /// caller leaves out what it dates (see [`Ctx::after_period`]) and notes it.
    pub(crate) fn day_in_period(&mut self, value: &S<DayOrDate>, key: &str) -> Option<f64> {
        let day = self.day(value, key)?;
        if day < 0.0 {
            let shown = self.describe_day(value, day);
            let period = self.period();
            let help = match self.start_date() {
                Some(start) => format!("day 0 is `start_date` ({start}); move the date, or an earlier `start_date`"),
                None => "days are counted from day 0, the start of the run".to_owned(),
            };
            self.error_help(
                value.span(),
                format!("`{key}` ({shown}) is outside the simulated period ({period})"),
                help,
            );
            return None;
        }
        Some(day)
    }

    /// Whether `day` is after the end of the simulated period, so that what it dates has no
    /// effect in the run (the end itself, day `horizon_days`, is not after it).
    pub(crate) fn after_period(&self, day: f64) -> bool {
        self.horizon.is_some_and(|horizon| day > f64::from(horizon))
    }

    /// Notes that `value` (`day`, after the period) dates an entry that is left out of the run.
    pub(crate) fn note_ignored(&mut self, value: &S<DayOrDate>, key: &str, day: f64) {
        let shown = self.describe_day(value, day);
        let message = format!(
            "`{key}` ({shown}) is after the simulated period ({}) and has no effect in this run",
            self.period()
        );
        self.note(value.span(), message);
    }

    /// Notes that `value` (`day`, after the period) ends a window that starts within it: only
    /// the part of the `what` (wave, closure, …) before the end of the period is in the run.
    pub(crate) fn note_cut(&mut self, value: &S<DayOrDate>, key: &str, day: f64, what: &str) {
        let shown = self.describe_day(value, day);
        let horizon = self.horizon.unwrap_or(0);
        let message = format!(
            "`{key}` ({shown}) is after the simulated period ({}): only the part of the {what} before day {horizon} is in this run",
            self.period()
        );
        self.note(value.span(), message);
    }

    /// Records a note at a span of the scenario file.
    pub(crate) fn note(&mut self, span: Range<usize>, message: impl Into<String>) {
        let note = Note(self.diagnostic(span, message));
        self.notes.push(note);
    }

    /// A whole day on or after day 0 (see [`Ctx::day_in_period`]).
    pub(crate) fn whole_day(&mut self, value: &S<DayOrDate>, key: &str, why: &str) -> Option<f64> {
        let day = self.day_in_period(value, key)?;
        if day.fract() != 0.0 {
            self.error_help(
                value.span(),
                format!("`{key}` must be a whole day, found day {day}"),
                why.to_owned(),
            );
            return None;
        }
        Some(day)
    }

    /// "day 0 to day H", with dates when there is a start date.
    pub(crate) fn period(&self) -> String {
        let Some(horizon) = self.horizon else {
            return "which starts at day 0".to_owned();
        };
        match self.start_date() {
            Some(start) => format!(
                "day 0 to day {horizon}, {start} to {}",
                start.plus_days(i64::from(horizon))
            ),
            None => format!("day 0 to day {horizon}"),
        }
    }
}

/// What a NaN or infinite number means, for messages.
fn not_finite(value: f64) -> &'static str {
    if value.is_nan() {
        "`nan` means \"not a number\""
    } else {
        "`inf` means infinity"
    }
}

/// "a whole number from 1 to 1,000,000" and the like.
pub(crate) fn describe(whole: bool, lo: Lo, hi: Hi) -> String {
    let noun = if whole { "a whole number" } else { "a number" };
    let n = |v: f64| group_thousands(v);
    match (lo, hi) {
        (Lo::Incl(a), Hi::Incl(b)) => format!("{noun} from {} to {}", n(a), n(b)),
        (Lo::Incl(a), Hi::Excl(b)) => format!("{noun} of at least {} and less than {}", n(a), n(b)),
        (Lo::Excl(a), Hi::Incl(b)) => format!("{noun} greater than {} and at most {}", n(a), n(b)),
        (Lo::Excl(a), Hi::Excl(b)) => format!("{noun} greater than {} and less than {}", n(a), n(b)),
        (Lo::Incl(a), Hi::None) => format!("{noun} of at least {}", n(a)),
        (Lo::Excl(a), Hi::None) => format!("{noun} greater than {}", n(a)),
    }
}

/// 1000000 → "1,000,000"; fractions and small numbers as usual.
pub(crate) fn group_thousands(value: f64) -> String {
    let plain = format!("{value}");
    if value.fract() != 0.0 || value.abs() < 10_000.0 || plain.contains('e') {
        return plain;
    }
    let (sign, digits) = plain.strip_prefix('-').map_or(("", plain.as_str()), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Converts a TOML date to a calendar date.
pub(crate) fn to_date(date: toml::value::Date) -> Date {
    Date {
        year: i32::from(date.year),
        month: u32::from(date.month),
        day: u32::from(date.day),
    }
}

/// Why a file could not be read as text.
pub(crate) enum ReadProblem {
    NotFound,
    Folder,
    /// Mostly zero bytes and control characters: an image, a spreadsheet, an archive…
    Binary,
    /// UTF-16 text (a byte-order mark FF FE or FE FF), as some Windows editors save "Unicode".
    Utf16,
    /// Text in another encoding (e.g. Latin-1): the first byte that is not UTF-8, where it is.
    NotUtf8 {
        line: usize,
        column: usize,
        byte: u8,
    },
    Empty,
    /// Larger than the limit on files read.
    TooLarge {
        limit: u64,
    },
    Other(std::io::Error),
}

impl ReadProblem {
    /// "the scenario file `x` does not exist" and the like: what is wrong, and where.
    pub(crate) fn message(&self, what: &str, shown: &str) -> String {
        match self {
            ReadProblem::NotFound => format!("the {what} `{shown}` does not exist"),
            ReadProblem::Folder => format!("`{shown}` is a folder, not a {what}"),
            ReadProblem::Binary => format!("the {what} `{shown}` is not a text file (it looks like a binary file)"),
            ReadProblem::Utf16 => format!("the {what} `{shown}` is saved as UTF-16 text, but backlog reads UTF-8"),
            ReadProblem::NotUtf8 { line, column, byte } => format!(
                "the {what} `{shown}` is not UTF-8 text: line {line}, column {column} has the byte 0x{byte:02X}, which UTF-8 does not allow"
            ),
            ReadProblem::Empty => format!("the {what} `{shown}` is empty"),
            ReadProblem::TooLarge { limit } => format!(
                "the {what} `{shown}` is larger than {:.0} MiB, the most backlog reads",
                *limit as f64 / 1048576.0
            ),
            ReadProblem::Other(error) => format!("cannot read the {what} `{shown}`: {error}"),
        }
    }

    /// How to fix it, where that is clear.
    pub(crate) fn help(&self, what: &str) -> Option<String> {
        match self {
            ReadProblem::NotFound => Some(format!(
                "check the name and the folder; a {what} given on the command line is relative to the folder you run backlog in"
            )),
            ReadProblem::Folder => Some(format!("give the path of a {what} inside the folder")),
            ReadProblem::Binary => Some(format!(
                "a {what} is plain text; check that this is the file you meant (a spreadsheet must be exported as CSV)"
            )),
            ReadProblem::Utf16 | ReadProblem::NotUtf8 { .. } if what.contains("CSV") => Some(
                "save the file as UTF-8 (in Excel: Save As, \"CSV UTF-8\"; in other programs, choose the encoding \"UTF-8\")"
                    .to_owned(),
            ),
            ReadProblem::Utf16 | ReadProblem::NotUtf8 { .. } => {
                Some("save the file as UTF-8 (in most editors: Save As, then choose the encoding \"UTF-8\")".to_owned())
            }
            ReadProblem::Empty => Some(if what.contains("CSV") {
                "the first row must name the columns, and each further row is one group".to_owned()
            } else {
                "a scenario needs `schema = 1`, a [run] table, and at least one [[ports]] and one [[streams]] table"
                    .to_owned()
            }),
            ReadProblem::TooLarge { .. } => {
                Some("check that this is the file you meant; to read it anyway raise the limit with --max-input (e.g. 4G)".to_owned())
            }
            ReadProblem::Other(_) => None,
        }
    }

    /// The message and its help as a diagnostic without a position.
    pub(crate) fn diagnostic(&self, what: &str, shown: &str) -> Diagnostic {
        let diagnostic = Diagnostic::new(self.message(what, shown));
        match self.help(what) {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        }
    }
}

/// Reads a UTF-8 text file that is not empty.
///
/// At most `max_bytes` are read: a larger file (or an endless pipe such as `/dev/zero`) is
/// refused, and one that starts like a binary file is refused after its first 4 KiB.
pub(crate) fn read_text(path: &Path, max_bytes: u64) -> Result<String, ReadProblem> {
    use std::io::Read;
    if path.is_dir() {
        return Err(ReadProblem::Folder);
    }
    let file = std::fs::File::open(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => ReadProblem::NotFound,
        std::io::ErrorKind::IsADirectory => ReadProblem::Folder,
        _ => ReadProblem::Other(error),
    })?;
    let mut reader = file.take(max_bytes.saturating_add(1));
    let mut bytes = Vec::new();
    (&mut reader)
        .take(4096)
        .read_to_end(&mut bytes)
        .map_err(ReadProblem::Other)?;
    if looks_binary(&bytes) {
        return Err(ReadProblem::Binary);
    }
    reader.read_to_end(&mut bytes).map_err(ReadProblem::Other)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadProblem::TooLarge { limit: max_bytes });
    }
    let text = text_of(bytes)?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(ReadProblem::Empty);
    }
    Ok(text)
}

/// Whether the start of a file looks like a binary file rather than text in some encoding:
/// text has few control characters and no zero bytes (UTF-16 aside, told apart by its mark).
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    head.contains(&0) || control * 20 > head.len()
}

/// The bytes as UTF-8 text, or why they are not.
fn text_of(bytes: Vec<u8>) -> Result<String, ReadProblem> {
    let error = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(error) => error,
    };
    let bytes = error.as_bytes();
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadProblem::Utf16);
    }
    if looks_binary(bytes) {
        return Err(ReadProblem::Binary);
    }
    let valid = error.utf8_error().valid_up_to();
    let before = String::from_utf8_lossy(&bytes[..valid]);
    let (line, column) = crate::error::line_col(&before, before.len());
    Err(ReadProblem::NotUtf8 {
        line,
        column,
        byte: bytes.get(valid).copied().unwrap_or(0),
    })
}

#[cfg(test)]
mod tests;
