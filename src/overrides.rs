//! `--set PATH=VALUE`: changing values of a scenario's text before validation, keeping the rest
//! of the text (and its comments) as written, so that the result is validated like a file and
//! messages point at line:col of the text as run.
//!
//! A path is a dotted list of keys from the top of the file. Arrays of tables are addressed by
//! the `name` of an element (`ports.san_ysidro.capacity.quota_per_day`,
//! `streams.caravan.join_share`), or, for those without names (`closures`, `schedule`, `curve`,
//! `rates`), by their position counted from 0 (`ports.san_ysidro.capacity.schedule.0.from`).
//! Only keys the scenario format allows can be set; a key the format allows but the file leaves
//! out is added. A value is read as a TOML value (`150`, `0.5`, `2018-11-15`, `true`,
//! `"text"`, `[1, 2]`, `{ dist = "exponential", mean = 60 }`); anything else is taken as a
//! string, so `--set ports.p.discipline=lifo` needs no quotes.

use crate::error::{Diagnostic, InputError};
use crate::validate::suggest;
use std::fmt;
use std::ops::Range;
use toml_edit::{DocumentMut, Item, TableLike, Value};

/// A value to set at a dotted path such as `run.seed` (what `--set PATH=VALUE` gives).
#[derive(Debug, Clone)]
pub struct Change {
    /// Dotted path of keys.
    pub(crate) path: String,
    /// The new value.
    pub(crate) value: Value,
}

impl Change {
    /// A change to any value.
    pub(crate) fn new(path: &str, value: Value) -> Self {
        let mut value = value;
        value.decor_mut().clear();
        Change {
            path: path.trim().to_owned(),
            value,
        }
    }

    /// A change to an integer.
    pub fn integer(path: &str, value: i64) -> Self {
        Change::new(path, Value::from(value))
    }

    /// A change to a number: written as an integer when it is a whole number (so that it
    /// also fits keys that take integers), otherwise as a float.
    pub fn number(path: &str, value: f64) -> Self {
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            Change::integer(path, value as i64)
        } else {
            Change::new(path, Value::from(value))
        }
    }

    /// The dotted path it sets.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Parses `PATH=VALUE` as written after `--set`.
    pub fn parse(spec: &str) -> Result<Change, InputError> {
        let Some((path, value)) = spec.split_once('=') else {
            return Err(input(
                format!("--set expects PATH=VALUE, got `{spec}`"),
                "for example --set ports.san_ysidro.capacity.quota_per_day=150",
            ));
        };
        let path = path.trim();
        if path.is_empty() {
            return Err(input(
                format!("--set `{spec}` has no path before `=`"),
                "for example --set ports.san_ysidro.capacity.quota_per_day=150",
            ));
        }
        if value.trim().is_empty() {
            return Err(input(
                format!("--set `{spec}` has no value after `=`"),
                "write an empty string as --set 'PATH=\"\"'",
            ));
        }
        Ok(Change::new(path, parse_value(value)))
    }

    /// The value as it is written in TOML.
    pub fn value_text(&self) -> String {
        self.value.to_string().trim().to_owned()
    }

    /// `path = value` (the value as in TOML), as provenance names a change.
    pub(crate) fn provenance_text(&self) -> String {
        format!("{} = {}", self.path, self.value_text())
    }

    /// The value for tables and file names: a string without its quotes, anything else as TOML.
    pub fn value_shown(&self) -> String {
        match self.value.as_str() {
            Some(text) => text.to_owned(),
            None => self.value_text(),
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.value_text())
    }
}

/// Reads a value as TOML (number, string, boolean, date, array, inline table); anything that is
/// not valid TOML, such as a bare word, is a string.
pub(crate) fn parse_value(text: &str) -> Value {
    let trimmed = text.trim();
    match trimmed.parse::<Value>() {
        Ok(mut value) => {
            value.decor_mut().clear();
            value
        }
        Err(_) => Value::from(trimmed),
    }
}

fn input(message: impl Into<String>, help: impl Into<String>) -> InputError {
    InputError::single(Diagnostic::new(message).with_help(help))
}

// ---------------------------------------------------------------------------------------------
// The scenario format, as far as paths are concerned: which keys each kind of table allows and
// what is below each key. It mirrors the raw types in `crate::scenario`.
// ---------------------------------------------------------------------------------------------

/// A kind of table in a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Run,
    Class,
    Port,
    Capacity,
    Closure,
    Change,
    Stream,
    CurvePoint,
    Rate,
    Dist,
    ListNumbers,
    Stage,
    Network,
    After,
    Choice,
    Relist,
    /// `class_mix`, `outcomes`: any key (a class or outcome name).
    Map,
}

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Child {
    /// A value (number, string, date, array of values).
    Value,
    /// A table of a kind.
    Table(Kind),
    /// An array of tables whose elements have a `name` key.
    Named(Kind),
    /// An array of tables addressed by position.
    Indexed(Kind),
    /// A distribution: a number or a table.
    Dist,
}

use Child::{Dist as D, Indexed as I, Named as N, Table as T, Value as V};

const ROOT: &[(&str, Child)] = &[
    ("schema", V),
    ("run", T(Kind::Run)),
    ("classes", N(Kind::Class)),
    ("ports", N(Kind::Port)),
    ("streams", N(Kind::Stream)),
    ("stages", N(Kind::Stage)),
    ("network", T(Kind::Network)),
];
const RUN: &[(&str, Child)] = &[
    ("name", V),
    ("description", V),
    ("start_date", V),
    ("horizon_days", V),
    ("seed", V),
    ("replications", V),
    ("warm_up_days", V),
    ("share_over_days", V),
];
const CLASS: &[(&str, Child)] = &[("name", V), ("patience_days", D), ("on_give_up", V)];
const PORT: &[(&str, Child)] = &[
    ("name", V),
    ("discipline", V),
    ("oldest_share", V),
    ("capacity", T(Kind::Capacity)),
    ("list_numbers", T(Kind::ListNumbers)),
    ("after", T(Kind::After)),
];
/// A stage's own keys; it takes every key of a port too (see [`Kind::child`]).
const STAGE: &[(&str, Child)] = &[("waits_in", V), ("patience_days", D), ("outcome", V)];
const NETWORK: &[(&str, Child)] = &[("outcomes", V)];
const AFTER: &[(&str, Child)] = &[("to", T(Kind::Map)), ("delay_days", D)];
const CHOICE: &[(&str, Child)] = &[
    ("rule", V),
    ("shares", T(Kind::Map)),
    ("sensitivity_per_day", V),
    ("info_delay_days", V),
    ("travel_days", T(Kind::Map)),
];
const RELIST: &[(&str, Child)] = &[("after_days", V), ("probability_per_day", V)];
const LIST_NUMBERS: &[(&str, Child)] = &[("first", V), ("people_per_number", V)];
const CAPACITY: &[(&str, Child)] = &[
    ("kind", V),
    ("quota_per_day", V),
    ("call_time_hours", V),
    ("randomness", V),
    ("no_show_share", V),
    ("no_show", V),
    ("no_show_exact", V),
    ("counts", V),
    ("officers", V),
    ("service_days", D),
    ("shift_start_hours", V),
    ("shift_end_hours", V),
    ("weekdays", V),
    ("closures", I(Kind::Closure)),
    ("schedule", I(Kind::Change)),
];
const CLOSURE: &[(&str, Child)] = &[("on", V), ("from", V), ("to", V), ("label", V)];
const CHANGE: &[(&str, Child)] = &[("from", V), ("quota_per_day", V), ("officers", V), ("label", V)];
const STREAM: &[(&str, Child)] = &[
    ("name", V),
    ("port", V),
    ("kind", V),
    ("people", V),
    ("waited_days", D),
    ("file", V),
    ("from", V),
    ("to", V),
    ("shape", V),
    ("peak", V),
    ("curve", I(Kind::CurvePoint)),
    ("people_per_day", V),
    ("rates", I(Kind::Rate)),
    ("until", V),
    ("group_size", D),
    ("class_mix", T(Kind::Map)),
    ("join_share", V),
    ("patience_days", D),
    ("on_give_up", V),
    ("outcomes", T(Kind::Map)),
    ("ports", V),
    ("choice", T(Kind::Choice)),
    ("relist", T(Kind::Relist)),
];
const CURVE_POINT: &[(&str, Child)] = &[("at", V), ("people", V)];
const RATE: &[(&str, Child)] = &[("from", V), ("people_per_day", V)];
const DIST: &[(&str, Child)] = &[
    ("dist", V),
    ("value", V),
    ("mean", V),
    ("sd", V),
    ("min", V),
    ("mode", V),
    ("max", V),
    ("shape", V),
    ("scale", V),
    ("values", V),
    ("weights", V),
];

impl Kind {
    fn keys(self) -> &'static [(&'static str, Child)] {
        match self {
            Kind::Root => ROOT,
            Kind::Run => RUN,
            Kind::Class => CLASS,
            Kind::Port => PORT,
            Kind::Capacity => CAPACITY,
            Kind::Closure => CLOSURE,
            Kind::Change => CHANGE,
            Kind::Stream => STREAM,
            Kind::CurvePoint => CURVE_POINT,
            Kind::Rate => RATE,
            Kind::Dist => DIST,
            Kind::ListNumbers => LIST_NUMBERS,
            Kind::Stage => STAGE,
            Kind::Network => NETWORK,
            Kind::After => AFTER,
            Kind::Choice => CHOICE,
            Kind::Relist => RELIST,
            Kind::Map => &[],
        }
    }

    /// Every key the kind allows: its own, and for a stage a port's first.
    fn all_keys(self) -> impl Iterator<Item = &'static (&'static str, Child)> {
        let ports = if self == Kind::Stage { PORT } else { &[] };
        ports.iter().chain(self.keys())
    }

    fn child(self, key: &str) -> Option<Child> {
        if self == Kind::Map {
            return Some(V);
        }
        self.all_keys().find(|(name, _)| *name == key).map(|&(_, child)| child)
    }

    /// How an element is called in messages: "port", "stream", …
    fn noun(self) -> &'static str {
        match self {
            Kind::Root => "scenario",
            Kind::Run => "[run] table",
            Kind::Class => "class",
            Kind::Port => "port",
            Kind::Capacity => "port's capacity",
            Kind::Closure => "closure",
            Kind::Change => "schedule entry",
            Kind::Stream => "stream",
            Kind::CurvePoint => "curve point",
            Kind::Rate => "rate piece",
            Kind::Dist => "distribution",
            Kind::ListNumbers => "port's list numbers",
            Kind::Stage => "stage",
            Kind::Network => "[network] table",
            Kind::After => "routing table",
            Kind::Choice => "port choice",
            Kind::Relist => "re-listing table",
            Kind::Map => "table",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Kind::Class => "classes",
            Kind::Port => "ports",
            Kind::Stream => "streams",
            Kind::Stage => "stages",
            Kind::Closure => "closures",
            Kind::Change => "schedule entries",
            Kind::CurvePoint => "curve points",
            Kind::Rate => "rate pieces",
            _ => "elements",
        }
    }
}

/// One step of a resolved path: a key of a table, or an element of an array of tables.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Element(usize),
}

/// The elements of an array of tables (`[[ports]]`) or of an array of inline tables
/// (`curve = [{ … }, …]`), as tables.
fn elements(item: &Item) -> Option<Vec<&dyn TableLike>> {
    if let Some(array) = item.as_array_of_tables() {
        return Some(array.iter().map(|table| table as &dyn TableLike).collect());
    }
    let array = item.as_array()?;
    array
        .iter()
        .map(|value| value.as_inline_table().map(|table| table as &dyn TableLike))
        .collect()
}

fn element_name(table: &dyn TableLike) -> Option<&str> {
    table.get("name").and_then(Item::as_str)
}

/// Resolves `path` in `root` to concrete steps, or explains why it cannot be set.
fn resolve(root: &dyn TableLike, path: &str) -> Result<Vec<Step>, Box<Diagnostic>> {
    let segments: Vec<&str> = path.split('.').map(str::trim).collect();
    let cannot = |why: String| Diagnostic::new(format!("cannot set `{path}`: {why}"));
    if segments.iter().any(|segment| segment.is_empty()) {
        return Err(Box::new(
            cannot("a path is keys separated by single dots".to_owned())
                .with_help("for example ports.san_ysidro.capacity.quota_per_day"),
        ));
    }
    // A suggested full path: the segments so far, a replacement, and the rest as written.
    let suggestion = |i: usize, replacement: &str| {
        let mut parts: Vec<&str> = segments[..i].to_vec();
        parts.push(replacement);
        parts.extend_from_slice(&segments[i + 1..]);
        parts.join(".")
    };
    let mut table = root;
    let mut kind = Kind::Root;
    let mut steps = Vec::new();
    let mut i = 0;
    loop {
        let key = segments[i];
        let shown = segments[..=i].join(".");
        let parent = segments[..i].join(".");
        let Some(child) = kind.child(key) else {
            let allowed: Vec<&str> = kind.all_keys().map(|(name, _)| *name).collect();
            let why = if parent.is_empty() {
                format!("`{key}` is not a top-level key of a scenario")
            } else {
                format!("`{key}` is not a key of `{parent}` (a {})", kind.noun())
            };
            let help = match suggest::closest(key, &allowed) {
                Some(near) => format!("did you mean `{}`?", suggestion(i, near)),
                None => format!("the keys allowed there are {}", suggest::quoted_list(&allowed)),
            };
            return Err(Box::new(cannot(why).with_help(help)));
        };
        steps.push(Step::Key(key.to_owned()));
        if i + 1 == segments.len() {
            return Ok(steps);
        }
        let existing = table.get(key);
        let missing = || {
            cannot(format!(
                "the scenario has no `{shown}`, so nothing inside it can be set"
            ))
            .with_help(format!("set the whole value instead, e.g. --set '{shown}=…'"))
        };
        i += 1;
        match child {
            Child::Value => {
                return Err(Box::new(
                    cannot(format!("`{shown}` is a single value, with no keys inside it"))
                        .with_help(format!("set it with --set '{shown}=…'")),
                ));
            }
            Child::Table(next) => {
                let item = existing.ok_or_else(missing)?;
                table = item.as_table_like().ok_or_else(|| {
                    cannot(format!("`{shown}` is not a table in this scenario"))
                        .with_help(format!("set the whole value with --set '{shown}=…'"))
                })?;
                kind = next;
            }
            Child::Dist => {
                let item = existing.ok_or_else(missing)?;
                table = item.as_table_like().ok_or_else(|| {
                    cannot(format!("`{shown}` is a single number here, not a distribution table")).with_help(format!(
                        "set the whole distribution, e.g. --set '{shown}={{ dist = \"exponential\", mean = 60 }}'"
                    ))
                })?;
                kind = Kind::Dist;
            }
            Child::Named(next) | Child::Indexed(next) => {
                let item = existing.ok_or_else(missing)?;
                let list = elements(item)
                    .ok_or_else(|| cannot(format!("`{shown}` is not a list of tables in this scenario")))?;
                let selector = segments[i];
                let named = matches!(child, Child::Named(_));
                let by_name = if named {
                    list.iter().position(|element| element_name(*element) == Some(selector))
                } else {
                    None
                };
                let index = by_name.or_else(|| selector.parse::<usize>().ok().filter(|&n| n < list.len()));
                let Some(index) = index else {
                    return Err(Box::new(unknown_element(
                        path,
                        &shown,
                        next,
                        named,
                        selector,
                        &list,
                        |near| suggestion(i, near),
                    )));
                };
                steps.push(Step::Element(index));
                if i + 1 == segments.len() {
                    let example = next.all_keys().find(|(k, _)| *k != "name").map_or("…", |(k, _)| *k);
                    return Err(Box::new(
                        cannot(format!(
                            "`{path}` is a whole {}; only a value inside it can be set",
                            next.noun()
                        ))
                        .with_help(format!("for example --set '{path}.{example}=…'")),
                    ));
                }
                table = list[index];
                kind = next;
                i += 1;
            }
        }
    }
}

fn unknown_element(
    path: &str,
    shown: &str,
    kind: Kind,
    named: bool,
    selector: &str,
    list: &[&dyn TableLike],
    suggestion: impl Fn(&str) -> String,
) -> Diagnostic {
    let cannot = |why: String| Diagnostic::new(format!("cannot set `{path}`: {why}"));
    if !named {
        let why = match list.len() {
            0 => format!("`{shown}` has no entries"),
            n => format!("`{selector}` is not one of the {n} {} of `{shown}`", kind.plural()),
        };
        let help = match list.len() {
            0 => "there is nothing to change there".to_owned(),
            1 => format!("they are counted from 0: did you mean `{}`?", suggestion("0")),
            n => format!(
                "they are counted from 0, so the last is {}: e.g. `{}`",
                n - 1,
                suggestion(&(n - 1).to_string())
            ),
        };
        return cannot(why).with_help(help);
    }
    let names: Vec<&str> = list.iter().filter_map(|element| element_name(*element)).collect();
    let why = format!("the scenario has no {} named `{selector}`", kind.noun());
    let help = match suggest::closest(selector, &names) {
        Some(near) => format!("did you mean `{}`?", suggestion(near)),
        None => {
            // Still point at the nearest valid path: the closest name by edit distance.
            let nearest = names
                .iter()
                .min_by_key(|name| suggest::levenshtein(&selector.to_lowercase(), &name.to_lowercase()));
            match nearest {
                Some(near) => format!(
                    "the {} are {}: e.g. `{}`",
                    kind.plural(),
                    suggest::quoted_list(&names),
                    suggestion(near)
                ),
                None => format!("the scenario has no {}", kind.plural()),
            }
        }
    };
    cannot(why).with_help(help)
}

/// The text with every override applied, in order.
///
/// Keys the format allows are set, or added where the file leaves them out; an unknown path is
/// an error that suggests the nearest valid one. The result is meant to be validated as a file.
pub(crate) fn apply(text: &str, overrides: &[Change]) -> Result<String, InputError> {
    if overrides.is_empty() {
        return Ok(text.to_owned());
    }
    // A file that isn't valid TOML gets its message from the validator, with its position.
    let Ok(mut document) = text.parse::<DocumentMut>() else {
        return Ok(text.to_owned());
    };
    let mut problems = Vec::new();
    for change in overrides {
        match resolve(document.as_table(), &change.path) {
            Ok(steps) => set(&mut document, &steps, &change.value),
            Err(diagnostic) => problems.push(*diagnostic),
        }
    }
    if !problems.is_empty() {
        return Err(InputError { diagnostics: problems });
    }
    Ok(document.to_string())
}

/// Follows resolved steps and sets the value at the last key.
fn set(document: &mut DocumentMut, steps: &[Step], value: &Value) {
    let Some((Step::Key(last), path)) = steps.split_last() else {
        return;
    };
    let mut table: &mut dyn TableLike = document.as_table_mut();
    // Whether `table` is an inline table, where comments cannot go.
    let mut inline = false;
    // A key whose table has not been entered yet (an element may follow it).
    let mut pending: Option<&str> = None;
    for step in path {
        match step {
            Step::Key(key) => {
                if let Some(previous) = pending.replace(key) {
                    let Some(item) = table.get_mut(previous) else { return };
                    inline = inline || item.is_inline_table();
                    let Some(next) = item.as_table_like_mut() else { return };
                    table = next;
                }
            }
            Step::Element(index) => {
                let Some(key) = pending.take() else { return };
                let Some(item) = table.get_mut(key) else { return };
                if item.is_array_of_tables() {
                    let Some(next) = item.as_array_of_tables_mut().and_then(|array| array.get_mut(*index)) else {
                        return;
                    };
                    table = next;
                } else {
                    let element = item.as_array_mut().and_then(|array| array.get_mut(*index));
                    let Some(next) = element.and_then(Value::as_inline_table_mut) else {
                        return;
                    };
                    table = next;
                    inline = true;
                }
            }
        }
    }
    if let Some(key) = pending {
        let Some(item) = table.get_mut(key) else { return };
        inline = inline || item.is_inline_table();
        let Some(next) = item.as_table_like_mut() else { return };
        table = next;
    }
    let mut value = value.clone();
    let old = table
        .get(last)
        .and_then(Item::as_value)
        .map(|old| (old.decor().clone(), old.clone()));
    if inline {
        match old {
            Some((decor, _)) => *value.decor_mut() = decor,
            None => value.decor_mut().set_prefix(" "),
        }
    } else {
        value.decor_mut().set_prefix(" ");
        let note = match old {
            Some((_, mut old)) => {
                old.decor_mut().clear();
                let written = old.to_string();
                let first_line = written.lines().next().unwrap_or("").trim();
                let more = if written.trim().contains('\n') { " …" } else { "" };
                format!(" # set on the command line; the file has {first_line}{more}")
            }
            None => " # set on the command line".to_owned(),
        };
        value.decor_mut().set_suffix(note);
    }
    table.insert(last, Item::Value(value));
}

/// The text with `comment` (without its `#`) at the end of the line of the value at each path
/// of `notes`, in place of the comment there. A value inside an inline table or an array
/// (`patience_days = { dist = "exponential", mean = 60 }`) has no line of its own: its comment
/// goes after the table or array, joined to those of other values in it with `; `. Paths that
/// do not lead to a value of the text are left out.
pub(crate) fn annotate(text: &str, notes: &[(String, String)]) -> String {
    let Ok(mut document) = text.parse::<DocumentMut>() else {
        return text.to_owned();
    };
    // The comments of each outer value, in the order given.
    let mut written: Vec<(Vec<Step>, String)> = Vec::new();
    for (path, comment) in notes {
        let Ok(steps) = resolve(document.as_table(), path) else {
            continue;
        };
        let Some(outer) = outer_value(document.as_table(), &steps) else {
            continue;
        };
        match written.iter_mut().find(|(steps, _)| *steps == outer) {
            Some((_, comments)) => {
                comments.push_str("; ");
                comments.push_str(comment);
            }
            None => written.push((outer, comment.clone())),
        }
    }
    for (steps, comment) in written {
        if let Some(value) = value_at_mut(document.as_table_mut(), &steps) {
            value.decor_mut().set_suffix(format!(" # {comment}"));
        }
    }
    document.to_string()
}

/// The steps to the value of a table (not an inline one) that holds the value `steps` lead to:
/// the value itself, or the inline table or array it is in.
fn outer_value(root: &dyn TableLike, steps: &[Step]) -> Option<Vec<Step>> {
    let mut table = root;
    for (i, step) in steps.iter().enumerate() {
        let Step::Key(key) = step else {
            continue;
        };
        let item = table.get(key)?;
        if item.is_value() {
            return Some(steps[..=i].to_vec());
        }
        table = match steps.get(i + 1) {
            Some(Step::Element(index)) => item.as_array_of_tables()?.get(*index)? as &dyn TableLike,
            _ => item.as_table()? as &dyn TableLike,
        };
    }
    None
}

/// The value of a table that `steps` lead to, as [`outer_value`] gives them.
fn value_at_mut<'a>(root: &'a mut toml_edit::Table, steps: &[Step]) -> Option<&'a mut Value> {
    let (Step::Key(last), path) = steps.split_last()? else {
        return None;
    };
    let mut table = root;
    let mut i = 0;
    while i < path.len() {
        let Step::Key(key) = &path[i] else {
            return None;
        };
        let item = table.get_mut(key)?;
        table = match path.get(i + 1) {
            Some(Step::Element(index)) => {
                i += 1;
                item.as_array_of_tables_mut()?.get_mut(*index)?
            }
            _ => item.as_table_mut()?,
        };
        i += 1;
    }
    table.get_mut(last)?.as_value_mut()
}

/// Byte ranges, in `text`, of the values that `overrides` set (for pointing messages at them).
pub(crate) fn value_spans(text: &str, overrides: &[Change]) -> Vec<(usize, Range<usize>)> {
    let Ok(document) = toml_edit::Document::parse(text.to_owned()) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    for (n, change) in overrides.iter().enumerate() {
        let Ok(steps) = resolve(document.as_table(), &change.path) else {
            continue;
        };
        if let Some(span) = span_of(document.as_table(), &steps) {
            spans.push((n, span));
        }
    }
    spans
}

fn span_of(root: &dyn TableLike, steps: &[Step]) -> Option<Range<usize>> {
    item_at(root, steps)?.span()
}

/// The item that resolved steps lead to, if it is there.
fn item_at<'a>(root: &'a dyn TableLike, steps: &[Step]) -> Option<&'a Item> {
    let mut table = root;
    let mut item: Option<&Item> = None;
    for step in steps {
        match step {
            Step::Key(key) => {
                if let Some(current) = item {
                    table = current.as_table_like()?;
                }
                item = Some(table.get(key)?);
            }
            Step::Element(index) => {
                let list = elements(item?)?;
                table = *list.get(*index)?;
                item = None;
            }
        }
    }
    item
}

/// The value at `path` in `text` (`None` when the key is left out or is not a single value);
/// an error, with a suggestion, when the path is not one `--set` accepts.
pub(crate) fn current(text: &str, path: &str) -> Result<Option<Value>, InputError> {
    let Ok(document) = text.parse::<DocumentMut>() else {
        return Ok(None);
    };
    let steps = resolve(document.as_table(), path).map_err(|diagnostic| InputError::single(*diagnostic))?;
    Ok(item_at(document.as_table(), &steps).and_then(Item::as_value).cloned())
}

/// Marks the diagnostics of `error` that point at a value set by `overrides` in `text` (the
/// scenario text as run) with the `--set` that put it there.
pub(crate) fn explain(mut error: InputError, text: &str, overrides: &[Change]) -> InputError {
    if overrides.is_empty() {
        return error;
    }
    let spans = value_spans(text, overrides);
    for diagnostic in &mut error.diagnostics {
        let Some((source, span)) = &diagnostic.location else {
            continue;
        };
        if &*source.text != text {
            continue;
        }
        let hit = spans.iter().find(|(_, value)| {
            span.start < value.end.max(value.start + 1) && value.start < span.end.max(span.start + 1)
        });
        if let Some((n, _)) = hit {
            let note = format!("set on the command line: {}", overrides[*n]);
            diagnostic.label = Some(match diagnostic.label.take() {
                Some(label) => format!("{label} ({note})"),
                None => note,
            });
        }
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "schema = 1\n# comment\n[run]\nname = \"x\"\nseed = 1\n\n[[ports]]\nname = \"a\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 100 # source\n\n[[ports]]\nname = \"b\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 5\n[[ports.capacity.schedule]]\nfrom = 3\nquota_per_day = 7\n\n[[streams]]\nname = \"caravan\"\nport = \"a\"\nkind = \"wave\"\ncurve = [{ at = 1, people = 10 }, { at = 2, people = 20 }]\npatience_days = { dist = \"exponential\", mean = 60 }\n";

    fn set1(spec: &str) -> Result<String, InputError> {
        apply(TEXT, &[Change::parse(spec).unwrap()])
    }

    fn error(spec: &str) -> String {
        set1(spec).unwrap_err().to_string()
    }

    #[test]
    fn sets_values_and_keeps_the_rest() {
        let changed = apply(
            TEXT,
            &[Change::integer("run.seed", 7), Change::integer("run.horizon_days", 30)],
        )
        .unwrap();
        assert!(
            changed.contains("seed = 7 # set on the command line; the file has 1\n"),
            "{changed}"
        );
        assert!(changed.contains("horizon_days = 30"));
        assert!(changed.contains("# comment"));
        assert!(apply(TEXT, &[Change::integer("nope.seed", 1)]).is_err());
    }

    #[test]
    fn addresses_arrays_by_name_and_position() {
        let text = set1("ports.b.capacity.quota_per_day=9").unwrap();
        assert!(text.contains("quota_per_day = 100 # source"), "{text}");
        assert!(
            text.contains("quota_per_day = 9 # set on the command line; the file has 5"),
            "{text}"
        );
        let text = set1("ports.b.capacity.schedule.0.quota_per_day=8").unwrap();
        assert!(text.contains("quota_per_day = 8 #"), "{text}");
        let text = set1("streams.caravan.curve.1.people=25").unwrap();
        assert!(text.contains("{ at = 2, people = 25 }"), "{text}");
        let text = set1("streams.caravan.patience_days.mean=30").unwrap();
        assert!(text.contains("mean = 30 }"), "{text}");
        let text = set1("ports.1.discipline=lifo").unwrap();
        assert!(text.contains("discipline = \"lifo\""), "{text}");
        let text = set1("streams.caravan.join_share=0.5").unwrap();
        assert!(text.contains("join_share = 0.5 # set on the command line\n"), "{text}");
    }

    #[test]
    fn values_are_toml_or_strings() {
        assert_eq!(parse_value("150").as_integer(), Some(150));
        assert_eq!(parse_value("0.5").as_float(), Some(0.5));
        assert_eq!(parse_value("fifo").as_str(), Some("fifo"));
        assert_eq!(parse_value("\"fifo\"").as_str(), Some("fifo"));
        assert_eq!(parse_value("true").as_bool(), Some(true));
        assert!(parse_value("2018-11-15").as_datetime().is_some());
        assert!(
            parse_value("{ dist = \"fixed\", value = 3 }")
                .as_inline_table()
                .is_some()
        );
        assert_eq!(parse_value("[1, 2]").as_array().map(toml_edit::Array::len), Some(2));
        assert!(Change::parse("run.seed").is_err());
        assert!(Change::parse("run.seed=").is_err());
        assert!(Change::parse("=3").is_err());
        assert_eq!(Change::number("a", 3.0).value.as_integer(), Some(3));
        assert_eq!(Change::number("a", 2.5).value.as_float(), Some(2.5));
    }

    #[test]
    fn unknown_paths_suggest_the_nearest_valid_one() {
        let message = error("ports.a.capacity.quota_per_dya=1");
        assert!(
            message.contains("did you mean `ports.a.capacity.quota_per_day`?"),
            "{message}"
        );
        let message = error("ports.aa.capacity.quota_per_day=1");
        assert!(message.contains("no port named `aa`"), "{message}");
        assert!(
            message.contains("did you mean `ports.a.capacity.quota_per_day`?"),
            "{message}"
        );
        let message = error("ports.zzzz.capacity.quota_per_day=1");
        assert!(message.contains("the ports are `a` and `b`"), "{message}");
        let message = error("stream.caravan.join_share=1");
        assert!(
            message.contains("did you mean `streams.caravan.join_share`?"),
            "{message}"
        );
        let message = error("ports.b.capacity.schedule.3.from=1");
        assert!(
            message.contains("did you mean `ports.b.capacity.schedule.0.from`?"),
            "{message}"
        );
        let message = error("run.seed.x=1");
        assert!(message.contains("single value"), "{message}");
        let message = error("ports.a=1");
        assert!(message.contains("whole port"), "{message}");
        let message = error("streams.caravan.group_size.mean=1");
        assert!(message.contains("no `streams.caravan.group_size`"), "{message}");
        assert!(error("run..seed=1").contains("single dots"));
    }

    #[test]
    fn annotates_values_on_their_lines_and_inline_tables_after_them() {
        let changes = [
            Change::integer("ports.b.capacity.quota_per_day", 9),
            Change::number("streams.caravan.patience_days.mean", 42.5),
        ];
        let text = apply(TEXT, &changes).unwrap();
        let notes = [
            ("ports.b.capacity.quota_per_day".to_owned(), "fitted: 9".to_owned()),
            (
                "streams.caravan.patience_days.mean".to_owned(),
                "fitted: 42.5".to_owned(),
            ),
            ("streams.caravan.patience_days.dist".to_owned(), "as written".to_owned()),
            ("streams.nobody.join_share".to_owned(), "left out".to_owned()),
        ];
        let annotated = annotate(&text, &notes);
        assert!(annotated.contains("quota_per_day = 9 # fitted: 9\n"), "{annotated}");
        assert!(annotated.contains("quota_per_day = 100 # source\n"), "{annotated}");
        assert!(
            annotated.contains("patience_days = { dist = \"exponential\", mean = 42.5 } # fitted: 42.5; as written\n"),
            "{annotated}"
        );
        assert!(!annotated.contains("left out"));
        let restored = annotated
            .replace(" # fitted: 9", " # set on the command line; the file has 5")
            .replace(" # fitted: 42.5; as written", "");
        assert_eq!(restored, text, "nothing else changes");
    }

    #[test]
    fn explains_messages_about_set_values() {
        let changes = [Change::parse("ports.a.capacity.quota_per_day=lots").unwrap()];
        let text = apply(TEXT, &changes).unwrap();
        let spans = value_spans(&text, &changes);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].1.clone()], "\"lots\"");
    }
}
