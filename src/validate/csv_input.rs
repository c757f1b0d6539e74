//! CSV inputs: snapshots of a real list (backlog streams) and traces of arrivals (trace streams).
//!
//! Errors point into the CSV file itself, at the offending field.

use super::streams::MAX_GROUP;
use super::{Ctx, MAX_HORIZON, ReadProblem, StartDate, read_text, suggest};
use crate::error::{Diagnostic, Note, SourceFile};
use crate::model::{Date, Record, Ticks, days_to_ticks};
use crate::scenario::S;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// What a CSV file of a stream holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CsvKind {
    /// The list at day 0: when each group signed up (`signed`), on or before day 0.
    Snapshot,
    /// Arrivals during the run (`day`).
    Trace,
}

impl CsvKind {
    fn time_column(self) -> &'static str {
        match self {
            CsvKind::Snapshot => "signed",
            CsvKind::Trace => "day",
        }
    }

    fn columns(self) -> [&'static str; 3] {
        [self.time_column(), "size", "class"]
    }
}

/// Problems reported per file before the rest are only counted.
const MAX_ERRORS: usize = 10;

/// Reads the records of a stream's CSV file; `classes` is `None` when the classes are invalid
/// (then the `class` column is not checked).
pub(crate) fn records(ctx: &mut Ctx, file: &S<String>, kind: CsvKind, classes: Option<&[&str]>) -> Option<Vec<Record>> {
    let written = file.get_ref().trim();
    if written.is_empty() {
        ctx.error(file.span(), "`file` must name a CSV file");
        return None;
    }
    let path = ctx.base_dir.join(written);
    let shown = if ctx.base_dir.as_os_str().is_empty() || ctx.base_dir == Path::new(".") {
        written.to_owned()
    } else {
        path.display().to_string()
    };
    let read = if ctx.built_in {
        built_in_text(written, ctx.limits.input_bytes())
    } else {
        read_text(&path, ctx.limits.input_bytes())
    };
    let text = match read {
        Ok(text) => text,
        Err(problem) => {
            let message = problem.message("CSV file", &shown);
            let help = match problem {
                ReadProblem::NotFound if ctx.built_in => format!(
                    "a built-in scenario reads only the CSV files built in with it: {}",
                    suggest::quoted_list(&crate::builtin::DATA.iter().map(|(name, _)| *name).collect::<Vec<_>>())
                ),
                ReadProblem::NotFound if Path::new(written).is_relative() => {
                    "file names are relative to the folder of the scenario file".to_owned()
                }
                ReadProblem::Empty => format!(
                    "the first row must name the columns: {}",
                    suggest::quoted_list(&kind.columns())
                ),
                _ => problem
                    .help("CSV file")
                    .unwrap_or_else(|| "check the file name".to_owned()),
            };
            ctx.error_help(file.span(), message, help);
            return None;
        }
    };
    let mut reader = Reader {
        ctx,
        source: SourceFile {
            name: shown,
            text: Arc::from(text.as_str()),
        },
        kind,
        reported: 0,
        more: 0,
        after: None,
    };
    let records = reader.read(classes);
    let after = reader.after.take();
    if reader.more > 0 {
        let more = reader.more;
        let name = reader.source.name.clone();
        reader.ctx.push(Diagnostic::new(format!(
            "… and {more} more problem{} in `{name}`",
            if more == 1 { "" } else { "s" }
        )));
    }
    let records = records?;
    if let Some(after) = &after {
        let note = after.note(&reader.source, ctx);
        ctx.notes.push(note);
    }
    if records.is_empty() && after.is_none() {
        ctx.error_help(
            file.span(),
            format!("the CSV file `{written}` has no rows after its header"),
            "add one row per group",
        );
        return None;
    }
    Some(records)
}

/// The text of a CSV file built in with the shipped scenarios, within the limit on files read.
fn built_in_text(written: &str, max_bytes: u64) -> Result<String, ReadProblem> {
    let text = crate::builtin::data(written).ok_or(ReadProblem::NotFound)?;
    if text.len() as u64 > max_bytes {
        return Err(ReadProblem::TooLarge { limit: max_bytes });
    }
    Ok(text.to_owned())
}

/// Column positions found in the header.
struct Columns {
    time: usize,
    size: Option<usize>,
    class: Option<usize>,
}

struct Reader<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    source: SourceFile,
    kind: CsvKind,
    reported: usize,
    more: usize,
    /// Rows of a trace at or after the end of the simulated period, which are left out.
    after: Option<After>,
}

/// The rows of a trace at or after the end of the simulated period: where the first is, and
/// how many there are. (Rows are in time order, so they are the last rows of the file.)
struct After {
    span: Range<usize>,
    day: f64,
    shown: String,
    rows: usize,
}

impl After {
    /// The note that these rows have no effect in the run, at the first of them.
    fn note(&self, source: &SourceFile, ctx: &Ctx) -> Note {
        let period = ctx.period();
        let place = if ctx.horizon.is_some_and(|horizon| self.day == f64::from(horizon)) {
            "at the end of"
        } else {
            "after"
        };
        let effect = match self.rows {
            1 => " and has no effect in this run".to_owned(),
            2 => ": this row and the row after it have no effect in this run".to_owned(),
            rows => format!(
                ": this row and the {} rows after it have no effect in this run",
                rows - 1
            ),
        };
        let message = format!(
            "`day` ({}) is {place} the simulated period ({period}){effect}",
            self.shown
        );
        let end = self.span.end.min(source.text.len());
        Note(Diagnostic::at(source, self.span.start.min(end)..end, message))
    }
}

/// A time in a CSV field.
enum Time {
    Day(f64),
    Date(Date),
}

impl Reader<'_, '_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: Option<String>) {
        if self.reported >= MAX_ERRORS {
            self.more += 1;
            return;
        }
        self.reported += 1;
        let end = span.end.min(self.source.text.len());
        let mut diagnostic = Diagnostic::at(&self.source, span.start.min(end)..end, message);
        diagnostic.help = help;
        self.ctx.push(diagnostic);
    }

    fn read(&mut self, classes: Option<&[&str]>) -> Option<Vec<Record>> {
        let text = Arc::clone(&self.source.text);
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = match csv.headers() {
            Ok(headers) => headers.clone(),
            Err(error) => {
                self.csv_error(&text, &error);
                return None;
            }
        };
        let columns = self.columns(&text, &headers, classes)?;
        let mut records = Vec::new();
        let mut ok = true;
        let mut previous: Option<(Ticks, String)> = None;
        for row in csv.records() {
            let row = match row {
                Ok(row) => row,
                Err(error) => {
                    self.csv_error(&text, &error);
                    ok = false;
                    continue;
                }
            };
            let start = row
                .position()
                .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
            let spans = field_spans(&text, start);
            let field = |i: usize| -> (&str, Range<usize>) {
                let span = spans.get(i).cloned().unwrap_or(start..start);
                (row.get(i).unwrap_or(""), span)
            };
            let time = self.time(field(columns.time));
            let size = match columns.size {
                None => Some(1),
                Some(i) => self.size(field(i)),
            };
            let class = match (columns.class, classes) {
                (Some(i), Some(classes)) => self.class(field(i), classes),
                _ => Some(0),
            };
            let (Some((day, shown)), Some(size), Some(class)) = (time, size, class) else {
                ok = false;
                continue;
            };
            let ticks = days_to_ticks(day);
            if self.kind == CsvKind::Trace {
                if let Some((before, before_shown)) = &previous
                    && ticks < *before
                {
                    let (_, span) = field(columns.time);
                    let line = row.position().map_or(0, csv::Position::line);
                    self.error(
                        span,
                        format!("rows must be in time order, but line {line} ({shown}) is before the row above it ({before_shown})"),
                        Some("sort the file by `day`".to_owned()),
                    );
                    ok = false;
                }
                // Arrivals at or after the end of the simulated period are left out (noted).
                let after = self.ctx.horizon.is_some_and(|horizon| day >= f64::from(horizon));
                if after {
                    match &mut self.after {
                        Some(after) => after.rows += 1,
                        None => {
                            self.after = Some(After {
                                span: field(columns.time).1,
                                day,
                                shown: shown.clone(),
                                rows: 1,
                            });
                        }
                    }
                }
                previous = Some((ticks, shown));
                if after {
                    continue;
                }
            }
            let (arrival, joined) = match self.kind {
                CsvKind::Snapshot => (0, ticks),
                CsvKind::Trace => (ticks, ticks),
            };
            records.push(Record {
                arrival,
                joined,
                size,
                class,
            });
        }
        if !ok {
            return None;
        }
        if self.kind == CsvKind::Snapshot {
            records.sort_by_key(|record| record.joined);
        }
        Some(records)
    }

    fn csv_error(&mut self, text: &str, error: &csv::Error) {
        let (span, message, help) = csv_problem(text, error);
        self.error(span, message, help);
    }

    fn columns(&mut self, text: &str, headers: &csv::StringRecord, classes: Option<&[&str]>) -> Option<Columns> {
        let spans = field_spans(text, 0);
        let allowed = self.kind.columns();
        // A file without its header row: the first row holds a time, not a column name.
        if let Some(first) = headers.get(0)
            && parse_time(first.trim()).is_some()
        {
            let example = match self.kind {
                CsvKind::Snapshot => "signed,size",
                CsvKind::Trace => "day,size",
            };
            self.error(
                row_span(text, 0),
                "the file has no header row: its first row holds data, not column names",
                Some(format!(
                    "add a first row naming the columns, e.g. `{example}` (the columns can be {})",
                    suggest::quoted_list(&allowed)
                )),
            );
            return None;
        }
        let mut found: [Option<usize>; 3] = [None; 3];
        let mut ok = true;
        for (i, header) in headers.iter().enumerate() {
            let span = spans.get(i).cloned().unwrap_or(0..0);
            let name = header.trim().to_lowercase();
            match allowed.iter().position(|column| *column == name) {
                Some(c) if found[c].is_some() => {
                    self.error(span, format!("the column `{name}` appears twice"), None);
                    ok = false;
                }
                Some(c) => found[c] = Some(i),
                None => {
                    let help = match suggest::closest(&name, &allowed) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!(
                            "the first row must name the columns; they can be {}",
                            suggest::quoted_list(&allowed)
                        ),
                    };
                    self.error(span, format!("unknown column `{header}`"), Some(help));
                    ok = false;
                }
            }
        }
        let header_span = row_span(text, 0);
        let time = self.kind.time_column();
        if found[0].is_none() && ok {
            let what = match self.kind {
                CsvKind::Snapshot => "the date (or day number) each group signed up",
                CsvKind::Trace => "the day number (or date) each group arrived",
            };
            self.error(
                header_span.clone(),
                format!("the file has no `{time}` column"),
                Some(format!("the first row must name the columns; `{time}` gives {what}")),
            );
            ok = false;
        }
        if let Some(classes) = classes
            && found[2].is_none()
            && classes.len() > 1
        {
            self.error(
                header_span,
                "the file has no `class` column, but the scenario declares several classes",
                Some(format!(
                    "add a `class` column giving each group's class: {}",
                    suggest::quoted_list(classes)
                )),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(Columns {
            time: found[0]?,
            size: found[1],
            class: found[2],
        })
    }

    /// The time in days and as shown in messages.
    fn time(&mut self, (value, span): (&str, Range<usize>)) -> Option<(f64, String)> {
        let column = self.kind.time_column();
        let Some(time) = parse_time(value) else {
            let found = if value.is_empty() {
                "an empty cell".to_owned()
            } else {
                format!("`{value}`")
            };
            self.error(
                span,
                format!("`{column}` must be a date such as 2018-11-15 or a day number, found {found}"),
                Some("write dates as YYYY-MM-DD".to_owned()),
            );
            return None;
        };
        let (day, shown) = match time {
            Time::Day(day) => (day, format!("day {day}")),
            Time::Date(date) if !date.is_valid() => {
                self.error(span, format!("`{column}` {value} is not a real date"), None);
                return None;
            }
            Time::Date(date) => match self.ctx.start {
                StartDate::Valid(start) => {
                    let day = (date.days_since_epoch() - start.days_since_epoch()) as f64;
                    (day, format!("{date}, day {day}"))
                }
                StartDate::Invalid => return None,
                StartDate::Absent => {
                    self.error(
                        span,
                        format!("`{column}` is a date, but the scenario has no start date"),
                        Some("add `start_date = …` under [run] in the scenario (the date of day 0), or write day numbers in the file".to_owned()),
                    );
                    return None;
                }
            },
        };
        match self.kind {
            CsvKind::Snapshot if day > 0.0 => {
                let help = match self.ctx.start_date() {
                    Some(start) => format!(
                        "the file is the list at day 0 ({start}): everyone in it signed up on or before that day"
                    ),
                    None => "the file is the list at day 0: everyone in it signed up on or before that day".to_owned(),
                };
                self.error(
                    span,
                    format!("`signed` ({shown}) is after day 0, the start of the simulated period"),
                    Some(help),
                );
                None
            }
            CsvKind::Snapshot if day < -MAX_HORIZON => {
                self.error(span, format!("`signed` ({shown}) is too far in the past"), None);
                None
            }
            CsvKind::Trace if day < 0.0 => {
                let period = self.ctx.period();
                self.error(
                    span,
                    format!("`day` ({shown}) is outside the simulated period ({period})"),
                    Some("arrivals must be on or after day 0 and before the last day".to_owned()),
                );
                None
            }
            _ => Some((day, shown)),
        }
    }

    fn size(&mut self, (value, span): (&str, Range<usize>)) -> Option<u32> {
        if value.is_empty() {
            return Some(1);
        }
        match value.parse::<f64>() {
            Ok(size) if size.fract() == 0.0 && (1.0..=MAX_GROUP).contains(&size) => Some(size as u32),
            Ok(size) if size.fract() == 0.0 && size > MAX_GROUP => {
                self.error(
                    span,
                    format!("`size` must be a whole number from 1 to 1,000,000, found `{value}`"),
                    None,
                );
                None
            }
            _ => {
                self.error(
                    span,
                    format!("`size` must be a whole number of at least 1, found `{value}`"),
                    Some("`size` is the number of people in the group, in digits: 1, 2, 3, …".to_owned()),
                );
                None
            }
        }
    }

    fn class(&mut self, (value, span): (&str, Range<usize>), classes: &[&str]) -> Option<u16> {
        if value.is_empty() && classes.len() == 1 {
            return Some(0);
        }
        match classes.iter().position(|class| *class == value) {
            Some(i) => u16::try_from(i).ok(),
            None => {
                let found = if value.is_empty() {
                    "an empty cell".to_owned()
                } else {
                    format!("`{value}`")
                };
                self.error(
                    span,
                    format!("`class` must be one of the scenario's classes, found {found}"),
                    Some(suggest::help(value, classes, "the classes are")),
                );
                None
            }
        }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What a CSV reader's error means for the user: the row it is on, a message and a hint.
pub(crate) fn csv_problem(text: &str, error: &csv::Error) -> (Range<usize>, String, Option<String>) {
    let start = error
        .position()
        .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
    let span = row_span(text, start);
    match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => (
            span,
            format!(
                "this row has {len} field{} but the header has {expected_len} column{}",
                plural(*len),
                plural(*expected_len)
            ),
            Some("check for a missing or extra comma; put values that contain commas in double quotes".to_owned()),
        ),
        _ => (span, format!("cannot read this row: {error}"), None),
    }
}

/// A date YYYY-MM-DD or a finite number.
fn parse_time(value: &str) -> Option<Time> {
    let parts: Vec<&str> = value.split('-').collect();
    if let [year, month, day] = parts.as_slice() {
        let digits =
            |s: &str, min: usize, max: usize| (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        if digits(year, 4, 4) && digits(month, 1, 2) && digits(day, 1, 2) {
            return Some(Time::Date(Date {
                year: year.parse().ok()?,
                month: month.parse().ok()?,
                day: day.parse().ok()?,
            }));
        }
    }
    match value.parse::<f64>() {
        Ok(day) if day.is_finite() => Some(Time::Day(day)),
        _ => None,
    }
}

/// From a byte offset at (or before blank lines preceding) a row, to the end of its line.
pub(crate) fn row_span(text: &str, start: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut i = start.min(bytes.len());
    if i == 0 && text.starts_with('\u{feff}') {
        i = '\u{feff}'.len_utf8();
    }
    while matches!(bytes.get(i), Some(b'\r' | b'\n')) {
        i += 1;
    }
    let end = text
        .get(i..)
        .and_then(|rest| rest.find(['\r', '\n']))
        .map_or(bytes.len(), |n| i + n);
    i..end
}

/// Byte ranges of the fields of the row at `start` (trimmed, quotes included).
pub(crate) fn field_spans(text: &str, start: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut i = row_span(text, start).start;
    let blank = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t'));
    let mut spans = Vec::new();
    loop {
        while blank(bytes.get(i)) {
            i += 1;
        }
        let field_start = i;
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            while let Some(&b) = bytes.get(i) {
                i += 1;
                if b == b'"' {
                    if bytes.get(i) == Some(&b'"') {
                        i += 1;
                    } else {
                        break;
                    }
                }
            }
        }
        while !matches!(bytes.get(i), None | Some(b',' | b'\r' | b'\n')) {
            i += 1;
        }
        let mut end = i;
        while end > field_start && blank(bytes.get(end - 1)) {
            end -= 1;
        }
        spans.push(field_start..end);
        if bytes.get(i) == Some(&b',') {
            i += 1;
        } else {
            break;
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_fields() {
        let text = "\u{feff}signed, size\n2018-01-01, 3\n\"a,\"\"b\",4\n\n5,6";
        assert_eq!(field_spans(text, 0), vec![3..9, 11..15]);
        let second = text.find("2018").unwrap();
        assert_eq!(
            field_spans(text, second),
            vec![second..second + 10, second + 12..second + 13]
        );
        let third = text.find("\"a").unwrap();
        assert_eq!(field_spans(text, third), vec![third..third + 7, third + 8..third + 9]);
        // The csv crate reports a row after a blank line at the blank line.
        let blank = text.find("\n\n").unwrap() + 1;
        let last = text.len() - 3;
        assert_eq!(field_spans(text, blank), vec![last..last + 1, last + 2..last + 3]);
        assert_eq!(field_spans("", 0), vec![0..0]);
        assert_eq!(field_spans("a,", 99), vec![2..2]);
        assert_eq!(row_span("x\r\ny,z\r\n", 1), 3..6);
    }

    #[test]
    fn times() {
        assert!(matches!(
            parse_time("2018-11-05"),
            Some(Time::Date(Date {
                year: 2018,
                month: 11,
                day: 5
            }))
        ));
        assert!(matches!(parse_time("-3.5"), Some(Time::Day(d)) if d == -3.5));
        assert!(parse_time("nan").is_none());
        assert!(parse_time("5/11/2018").is_none());
        assert!(parse_time("").is_none());
        assert!(matches!(parse_time("2018-2-30"), Some(Time::Date(d)) if !d.is_valid()));
    }
}
