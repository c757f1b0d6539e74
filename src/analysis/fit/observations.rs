//! The observations file: recorded figures, one a row, with the columns
//! `date,scope,series,value,low,high,source,note` (or `day` instead of `date`).
//!
//! Every problem is reported at its file, line and column, like a scenario's: an unknown
//! series or scope (with the nearest name), a date outside the simulated period, a value that
//! is not a number or lies outside its own range, a missing column.

use super::observe::{Series, Whose};
use crate::analysis::target::DayOrDate;
use crate::error::{Diagnostic, InputError, SourceFile};
use crate::format::thousands;
use crate::model::{Date, Model};
use crate::validate::csv_input::{csv_problem, field_spans, row_span};
use crate::validate::{ReadProblem, read_text, suggest};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// One recorded figure of an observations file.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Line of the file it is on (1 is the header).
    pub line: usize,
    /// The day as written: a date, or a day number.
    pub when: DayOrDate,
    /// Day of the run (day 0 is the first); the figure is the count at the end of this day.
    pub day: u32,
    /// `all`, or the port whose people it counts.
    pub scope: String,
    /// What was counted.
    pub series: Series,
    /// The recorded figure, people.
    pub value: f64,
    /// Lowest figure the wording allows, people.
    pub low: Option<f64>,
    /// Highest figure the wording allows, people.
    pub high: Option<f64>,
    /// Where the figure comes from.
    pub source: String,
    /// A note (may be empty).
    pub note: String,
    /// The scope, resolved in the scenario.
    pub(crate) whose: Whose,
}

impl Observation {
    /// `2019-08-18` or `day 321`.
    pub fn when_text(&self) -> String {
        match self.when {
            DayOrDate::Date(date) => date.to_string(),
            DayOrDate::Day(day) => format!("day {day}"),
        }
    }

    /// The standard deviation of the recording error: the range read as a 95% interval of a
    /// normal error, `(high − low) / (2 · 1.96)`; 0 without a range.
    pub fn recording_sd(&self) -> f64 {
        match (self.low, self.high) {
            (Some(low), Some(high)) => (high - low) / (2.0 * 1.96),
            _ => 0.0,
        }
    }
}

/// The columns an observations file may have.
const COLUMNS: [&str; 9] = [
    "date", "day", "scope", "series", "value", "low", "high", "source", "note",
];

/// Columns every file needs (besides `date` or `day`).
const REQUIRED: [&str; 4] = ["scope", "series", "value", "source"];

/// Problems reported per file before the rest are only counted.
const MAX_ERRORS: usize = 10;

/// What messages call the file.
const WHAT: &str = "observations file";

/// Reads and checks the observations file at `path` (at most `max_bytes`) against `model`.
pub(crate) fn read(path: &Path, max_bytes: u64, model: &Model) -> Result<Vec<Observation>, InputError> {
    let name = path.display().to_string();
    let text = read_text(path, max_bytes).map_err(|problem| {
        let diagnostic = Diagnostic::new(problem.message(WHAT, &name));
        let help = match problem {
            ReadProblem::Empty => Some(
                "the first row must name the columns, e.g. `date,scope,series,value,low,high,source,note`, and each further row is one recorded figure"
                    .to_owned(),
            ),
            _ => problem.help("CSV file of observations"),
        };
        InputError::single(match help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        })
    })?;
    parse(
        &SourceFile {
            name,
            text: Arc::from(text.as_str()),
        },
        model,
    )
}

/// Column positions found in the header.
struct Columns {
    /// `date` or `day`, and whether it is `date`.
    time: (usize, bool),
    scope: usize,
    series: usize,
    value: usize,
    low: Option<usize>,
    high: Option<usize>,
    source: usize,
    note: Option<usize>,
}

struct Parser<'a> {
    source: &'a SourceFile,
    model: &'a Model,
    diagnostics: Vec<Diagnostic>,
    more: usize,
}

/// Parses the text of an observations file.
pub(crate) fn parse(source: &SourceFile, model: &Model) -> Result<Vec<Observation>, InputError> {
    let mut parser = Parser {
        source,
        model,
        diagnostics: Vec::new(),
        more: 0,
    };
    let observations = parser.rows();
    if parser.more > 0 {
        let more = parser.more;
        parser.diagnostics.push(Diagnostic::new(format!(
            "… and {more} more problem{} in `{}`",
            if more == 1 { "" } else { "s" },
            source.name
        )));
    }
    match observations {
        Some(observations) if parser.diagnostics.is_empty() => Ok(observations),
        _ => Err(InputError {
            diagnostics: parser.diagnostics,
        }),
    }
}

/// A cell's text and where it is.
type Cell<'t> = (&'t str, Range<usize>);

impl Parser<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: impl Into<Option<String>>) {
        if self.diagnostics.len() >= MAX_ERRORS {
            self.more += 1;
            return;
        }
        let end = span.end.min(self.source.text.len());
        let mut diagnostic = Diagnostic::at(self.source, span.start.min(end)..end, message);
        diagnostic.help = help.into();
        self.diagnostics.push(diagnostic);
    }

    /// Every row, or `None` when any has a problem (all are reported).
    fn rows(&mut self) -> Option<Vec<Observation>> {
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
        let columns = self.columns(&text, &headers)?;
        let mut observations: Vec<Observation> = Vec::new();
        let mut ok = true;
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
            let line = row.position().map_or(0, |p| p.line() as usize);
            let spans = field_spans(&text, start);
            let cell = |i: usize| -> Cell<'_> {
                let span = spans.get(i).cloned().unwrap_or(start..start);
                (row.get(i).unwrap_or(""), span)
            };
            let Some(observation) = self.row(line, &columns, &cell, &row_span(&text, start)) else {
                ok = false;
                continue;
            };
            if let Some(first) = observations
                .iter()
                .find(|o| (o.day, o.whose, o.series) == (observation.day, observation.whose, observation.series))
            {
                let message = format!(
                    "line {line} repeats the figure of line {} ({} of {} on {})",
                    first.line,
                    observation.series,
                    observation.scope,
                    observation.when_text()
                );
                self.error(
                    row_span(&text, start),
                    message,
                    Some(
                        "give each series of each scope once a day: keep the figure you trust, and its range"
                            .to_owned(),
                    ),
                );
                ok = false;
                continue;
            }
            observations.push(observation);
        }
        if ok && observations.is_empty() {
            self.error(
                row_span(&text, 0),
                format!("the {WHAT} `{}` has no rows after its header", self.source.name),
                Some("add one row per recorded figure".to_owned()),
            );
            return None;
        }
        ok.then_some(observations)
    }

    fn csv_error(&mut self, text: &str, error: &csv::Error) {
        let (span, message, help) = csv_problem(text, error);
        self.error(span, message, help);
    }

    fn columns(&mut self, text: &str, headers: &csv::StringRecord) -> Option<Columns> {
        let spans = field_spans(text, 0);
        let header_span = row_span(text, 0);
        let example = "date,scope,series,value,low,high,source,note";
        if headers.get(0).is_some_and(|first| looks_like_data(first.trim())) {
            self.error(
                header_span,
                "the file has no header row: its first row holds data, not column names",
                Some(format!("add a first row naming the columns, e.g. `{example}`")),
            );
            return None;
        }
        let mut found: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
        let mut ok = true;
        for (i, header) in headers.iter().enumerate() {
            let span = spans.get(i).cloned().unwrap_or(0..0);
            let name = header.trim().to_lowercase();
            match COLUMNS.iter().position(|column| *column == name) {
                Some(c) if found[c].is_some() => {
                    self.error(span, format!("the column `{name}` appears twice"), None);
                    ok = false;
                }
                Some(c) => found[c] = Some(i),
                None => {
                    let help = match suggest::closest(&name, &COLUMNS) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("the columns can be {}", suggest::quoted_list(&COLUMNS)),
                    };
                    self.error(span, format!("unknown column `{header}`"), Some(help));
                    ok = false;
                }
            }
        }
        let at = |name: &str| found[COLUMNS.iter().position(|c| *c == name).unwrap_or(0)];
        let time = match (at("date"), at("day")) {
            (Some(date), None) => Some((date, true)),
            (None, Some(day)) => Some((day, false)),
            (Some(_), Some(day)) => {
                let span = spans.get(day).cloned().unwrap_or(0..0);
                self.error(
                    span,
                    "the file has both a `date` and a `day` column",
                    Some("give each figure's day one way: dates (`date`) or day numbers from the scenario's start (`day`)".to_owned()),
                );
                ok = false;
                None
            }
            (None, None) => {
                if ok {
                    self.error(
                        header_span.clone(),
                        "the file has no `date` column (nor `day`)",
                        Some(format!(
                            "the first row must name the columns, e.g. `{example}`; write `day` instead of `date` for day numbers from the scenario's start"
                        )),
                    );
                }
                ok = false;
                None
            }
        };
        let missing: Vec<&str> = REQUIRED.iter().copied().filter(|name| at(name).is_none()).collect();
        if !missing.is_empty() && ok {
            self.error(
                header_span,
                format!(
                    "the file has no {} column{}",
                    suggest::quoted_list(&missing),
                    if missing.len() == 1 { "" } else { "s" }
                ),
                Some(format!("the first row must name the columns, e.g. `{example}`")),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(Columns {
            time: time?,
            scope: at("scope")?,
            series: at("series")?,
            value: at("value")?,
            low: at("low"),
            high: at("high"),
            source: at("source")?,
            note: at("note"),
        })
    }

    /// One row, or `None` with its problems reported.
    fn row<'t>(
        &mut self,
        line: usize,
        columns: &Columns,
        cell: &impl Fn(usize) -> Cell<'t>,
        row_span: &Range<usize>,
    ) -> Option<Observation> {
        let when = self.when(cell(columns.time.0), columns.time.1);
        let whose = self.scope(cell(columns.scope));
        let series = self.series(cell(columns.series));
        let value = self.number(cell(columns.value), "value", true);
        let low = columns.low.map_or(Some(None), |i| self.number(cell(i), "low", false));
        let high = columns.high.map_or(Some(None), |i| self.number(cell(i), "high", false));
        let (source_text, source_span) = cell(columns.source);
        if source_text.is_empty() {
            self.error(
                source_span,
                "`source` is empty",
                Some("every figure needs the source it was taken from (a publication and its date)".to_owned()),
            );
        }
        let (Some((when, day)), Some(whose), Some(series), Some(Some(value)), Some(low), Some(high)) =
            (when, whose, series, value, low, high)
        else {
            return None;
        };
        if series.is_list_number() && whose.numbered_port(self.model).is_none() {
            let (scope, _) = cell(columns.scope);
            self.error(
                cell(columns.series).1,
                format!("`{series}` of `{scope}`: no list numbers there"),
                Some(
                    "list numbers belong to a port with `list_numbers = { first = …, people_per_number = … }`: give that port's name as the scope (or `all` when it is the only port)"
                        .to_owned(),
                ),
            );
            return None;
        }
        let (low, high) = self.range(value, low, high, columns, cell, row_span)?;
        if source_text.is_empty() {
            return None;
        }
        Some(Observation {
            line,
            when,
            day,
            scope: cell(columns.scope).0.to_owned(),
            series,
            value,
            low,
            high,
            source: source_text.to_owned(),
            note: columns.note.map_or_else(String::new, |i| cell(i).0.to_owned()),
            whose,
        })
    }

    /// The day of the run a `date` (or `day`) cell names, checked against the simulated period.
    fn when(&mut self, (text, span): Cell<'_>, is_date: bool) -> Option<(DayOrDate, u32)> {
        let model = self.model;
        let found = if text.is_empty() {
            "an empty cell".to_owned()
        } else {
            format!("`{text}`")
        };
        let (when, day) = if is_date {
            let Some(date) = parse_date(text) else {
                self.error(
                    span,
                    format!("`date` must be a date such as 2019-08-18, found {found}"),
                    Some("write dates as YYYY-MM-DD, or use a `day` column of day numbers".to_owned()),
                );
                return None;
            };
            if !date.is_valid() {
                self.error(span, format!("`date` {text} is not a real date"), None);
                return None;
            }
            let Some(start) = model.start_date else {
                self.error(
                    span,
                    "`date` is a date, but the scenario has no start date",
                    Some("add `start_date = …` under [run] in the scenario (the date of day 0), or write a `day` column of day numbers".to_owned()),
                );
                return None;
            };
            let day = date.days_since_epoch() - start.days_since_epoch();
            (DayOrDate::Date(date), day)
        } else {
            match text.parse::<f64>() {
                Ok(day) if day.is_finite() && day.fract() == 0.0 && day.abs() < 1e15 => {
                    (DayOrDate::Day(day as i64), day as i64)
                }
                _ => {
                    self.error(
                        span,
                        format!("`day` must be a whole number of days from the scenario's start, found {found}"),
                        Some(
                            "day 0 is the first simulated day; the figure is the count at the end of that day"
                                .to_owned(),
                        ),
                    );
                    return None;
                }
            }
        };
        match u32::try_from(day) {
            Ok(day) if day < model.horizon_days => Some((when, day)),
            _ => {
                let shown = match when {
                    DayOrDate::Date(date) => format!("{date} (day {day})"),
                    DayOrDate::Day(day) => format!("day {day}"),
                };
                let column = if is_date { "date" } else { "day" };
                self.error(
                    span,
                    format!(
                        "`{column}` {shown} is outside the simulated period ({})",
                        period(model)
                    ),
                    Some("a figure can only be compared with a day the scenario simulates: move it, or change the scenario's start_date or horizon_days".to_owned()),
                );
                None
            }
        }
    }

    fn scope(&mut self, (text, span): Cell<'_>) -> Option<Whose> {
        match Whose::resolve(text, self.model) {
            Ok(whose) => Some(whose),
            Err(help) => {
                let message = if text.is_empty() {
                    "`scope` is empty".to_owned()
                } else {
                    format!("unknown scope `{text}`: it is not `all` nor a port or stream of the scenario")
                };
                self.error(span, message, Some(help));
                None
            }
        }
    }

    fn series(&mut self, (text, span): Cell<'_>) -> Option<Series> {
        let series = Series::find(text);
        if series.is_none() {
            let message = if text.is_empty() {
                "`series` is empty".to_owned()
            } else {
                format!("unknown series `{text}`")
            };
            self.error(span, message, Some(Series::help(text)));
        }
        series
    }

    /// A count of people: `Some(None)` for an empty cell where allowed, `None` when wrong.
    fn number(&mut self, (text, span): Cell<'_>, column: &str, required: bool) -> Option<Option<f64>> {
        if text.is_empty() {
            if required {
                self.error(
                    span,
                    format!("`{column}` is empty"),
                    Some("give the recorded figure as a number of people, e.g. 18500".to_owned()),
                );
                return None;
            }
            return Some(None);
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() && value >= 0.0 => Some(Some(value)),
            Ok(value) if value.is_finite() => {
                self.error(
                    span,
                    format!("`{column}` must be a number of people, at least 0, found `{text}`"),
                    None,
                );
                None
            }
            _ => {
                let help = if text.contains(',') || text.contains(' ') {
                    "write numbers without separators between thousands: 18500, not 18,500"
                } else {
                    "write a number of people in digits, e.g. 18500"
                };
                self.error(
                    span,
                    format!("`{column}` must be a number, found `{text}`"),
                    Some(help.to_owned()),
                );
                None
            }
        }
    }

    /// Checks `low ≤ value ≤ high`, both or neither given.
    fn range<'t>(
        &mut self,
        value: f64,
        low: Option<f64>,
        high: Option<f64>,
        columns: &Columns,
        cell: &impl Fn(usize) -> Cell<'t>,
        row_span: &Range<usize>,
    ) -> Option<(Option<f64>, Option<f64>)> {
        let span_of = |column: Option<usize>| column.map_or_else(|| row_span.clone(), |i| cell(i).1);
        let both = "give both ends of the range the wording allows, or neither";
        let hold = "the range from `low` to `high` must hold the recorded value";
        match (low, high) {
            (None, None) => Some((None, None)),
            (Some(_), None) => {
                self.error(
                    span_of(columns.high),
                    "the row gives `low` but not `high`",
                    Some(both.to_owned()),
                );
                None
            }
            (None, Some(_)) => {
                self.error(
                    span_of(columns.low),
                    "the row gives `high` but not `low`",
                    Some(both.to_owned()),
                );
                None
            }
            (Some(low), Some(_)) if low > value => {
                self.error(
                    span_of(columns.low),
                    format!("`low` ({}) is above `value` ({})", shown(low), shown(value)),
                    Some(hold.to_owned()),
                );
                None
            }
            (Some(_), Some(high)) if value > high => {
                self.error(
                    span_of(columns.high),
                    format!("`high` ({}) is below `value` ({})", shown(high), shown(value)),
                    Some(hold.to_owned()),
                );
                None
            }
            (low, high) => Some((low, high)),
        }
    }
}

/// A count as messages show it: `18,500`, or `2.5`.
fn shown(value: f64) -> String {
    if value.fract() == 0.0 {
        thousands(value)
    } else {
        format!("{value}")
    }
}

/// `2018-10-01 to 2019-08-31, days 0 to 334`, or `days 0 to 334`.
fn period(model: &Model) -> String {
    let last = model.horizon_days.saturating_sub(1);
    match model.start_date {
        Some(start) => format!("{start} to {}, days 0 to {last}", start.plus_days(i64::from(last))),
        None => format!("days 0 to {last}"),
    }
}

/// A date written YYYY-MM-DD (not necessarily a real one).
fn parse_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let digits =
        |s: &str, min: usize, max: usize| (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4, 4) && digits(month, 1, 2) && digits(day, 1, 2)) {
        return None;
    }
    Some(Date {
        year: year.parse().ok()?,
        month: month.parse().ok()?,
        day: day.parse().ok()?,
    })
}

/// Whether a header cell holds a date or a number: a file without its header row.
fn looks_like_data(text: &str) -> bool {
    parse_date(text).is_some() || text.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Scenario;

    /// A scenario with a start date, a port and 335 days (Ciudad Juarez, 2018-19).
    fn model(start_date: bool) -> Model {
        let start = if start_date { "start_date = 2018-10-01\n" } else { "" };
        let text = format!(
            "schema = 1\n\n[run]\nname = \"juarez\"\n{start}horizon_days = 335\nseed = 1\n\n[[ports]]\nname = \"ciudad_juarez\"\n\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 38\n\n[[streams]]\nname = \"registrations\"\nport = \"ciudad_juarez\"\nkind = \"poisson\"\npeople_per_day = 58\n"
        );
        Scenario::from_text("juarez.toml", text).load().expect("valid")
    }

    fn read(text: &str, start_date: bool) -> Result<Vec<Observation>, InputError> {
        let source = SourceFile {
            name: "observed.csv".to_owned(),
            text: Arc::from(text),
        };
        parse(&source, &model(start_date))
    }

    /// The message for a file that is refused.
    fn refused(text: &str) -> String {
        read(text, true).expect_err("refused").to_string()
    }

    const HEADER: &str = "date,scope,series,value,low,high,source,note\n";

    fn with_row(row: &str) -> String {
        format!("{HEADER}{row}\n")
    }

    #[test]
    fn the_recorded_figures_of_juarez_read_as_written() {
        let text = "date,scope,series,value,low,high,source,note\n2019-08-18,ciudad_juarez,registered,18500,18000,19000,\"Roll Call, Oct 4 2019\",\"people registered on the CAIM list since October 2018\"\n2019-08-18,ciudad_juarez,processed,12225,12100,12350,\"Roll Call, Oct 4 2019\",\"people called and processed by CBP since October 2018\"\n";
        let observations = read(text, true).expect("read");
        assert_eq!(observations.len(), 2);
        let first = &observations[0];
        assert_eq!((first.line, first.day, first.series), (2, 321, Series::Registered));
        assert_eq!(
            (first.value, first.low, first.high),
            (18500.0, Some(18000.0), Some(19000.0))
        );
        assert_eq!(first.source, "Roll Call, Oct 4 2019");
        assert_eq!(first.whose, Whose::Port(0));
        assert!((first.recording_sd() - 1000.0 / 3.92).abs() < 1e-9);
        // Day numbers, the scope `all`, and no range or note.
        let observations = read(
            "day,scope,series,value,source\n0,all,on_list,0,a count\n334,all,left,5,another\n",
            false,
        )
        .expect("read");
        assert_eq!((observations[1].day, observations[1].whose), (334, Whose::All));
        assert_eq!(observations[1].recording_sd(), 0.0);
    }

    #[test]
    fn an_unknown_series() {
        insta::assert_snapshot!(refused(&with_row(
            "2019-08-18,ciudad_juarez,registerd,18500,,,Roll Call,"
        )));
    }

    #[test]
    fn list_numbers_of_a_port_without_them() {
        insta::assert_snapshot!(refused(&with_row(
            "2019-08-18,ciudad_juarez,numbers_issued,1700,,,The Nation,"
        )));
    }

    #[test]
    fn names_and_streams_are_read() {
        let observations = read(
            &with_row("2019-08-18,registrations,names_on_list,3200,,,Fox News,"),
            true,
        )
        .expect("read");
        assert_eq!(observations[0].series, Series::NamesOnList);
        assert_eq!(observations[0].whose, Whose::Stream(0));
    }

    #[test]
    fn an_unknown_scope() {
        insta::assert_snapshot!(refused(&with_row(
            "2019-08-18,ciudad_juares,registered,18500,,,Roll Call,"
        )));
    }

    #[test]
    fn a_date_after_the_period() {
        insta::assert_snapshot!(refused(&with_row(
            "2019-09-05,ciudad_juarez,registered,18500,,,Roll Call,"
        )));
    }

    #[test]
    fn a_date_before_the_period() {
        insta::assert_snapshot!(refused(&with_row("2018-09-30,all,on_list,0,,,Roll Call,")));
    }

    #[test]
    fn a_date_without_a_start_date() {
        let text = with_row("2019-08-18,ciudad_juarez,registered,18500,,,Roll Call,");
        insta::assert_snapshot!(read(&text, false).expect_err("refused").to_string());
    }

    #[test]
    fn a_date_that_is_not_a_date() {
        insta::assert_snapshot!(refused(&with_row(
            "18/08/2019,ciudad_juarez,registered,18500,,,Roll Call,"
        )));
    }

    #[test]
    fn a_day_that_is_not_whole() {
        insta::assert_snapshot!(refused("day,scope,series,value,source\n12.5,all,on_list,40,a count\n"));
    }

    #[test]
    fn a_number_with_thousands_separators() {
        insta::assert_snapshot!(refused(&with_row(
            "2019-08-18,ciudad_juarez,registered,\"18,500\",,,Roll Call,"
        )));
    }

    #[test]
    fn a_negative_number() {
        insta::assert_snapshot!(refused(&with_row(
            "2019-08-18,ciudad_juarez,registered,-3,,,Roll Call,"
        )));
    }

    #[test]
    fn a_low_end_above_the_value() {
        insta::assert_snapshot!(refused(&with_row(
            "2019-08-18,ciudad_juarez,registered,18500,18600,19000,Roll Call,"
        )));
    }

    #[test]
    fn a_value_above_the_high_end() {
        insta::assert_snapshot!(refused(&with_row(
            "2019-08-18,ciudad_juarez,registered,19500,18000,19000,Roll Call,"
        )));
    }

    #[test]
    fn one_end_of_a_range() {
        insta::assert_snapshot!(refused(&with_row(
            "2019-08-18,ciudad_juarez,registered,18500,18000,,Roll Call,"
        )));
    }

    #[test]
    fn an_empty_source() {
        insta::assert_snapshot!(refused(&with_row("2019-08-18,ciudad_juarez,registered,18500,,,,")));
    }

    #[test]
    fn a_missing_column() {
        insta::assert_snapshot!(refused(
            "date,scope,series,value\n2019-08-18,ciudad_juarez,registered,18500\n"
        ));
    }

    #[test]
    fn a_misspelt_column() {
        insta::assert_snapshot!(refused(
            "date,scope,series,vaule,source\n2019-08-18,ciudad_juarez,registered,18500,Roll Call\n"
        ));
    }

    #[test]
    fn both_a_date_and_a_day() {
        insta::assert_snapshot!(refused(
            "date,day,scope,series,value,source\n2019-08-18,321,ciudad_juarez,registered,18500,Roll Call\n"
        ));
    }

    #[test]
    fn no_header_row() {
        insta::assert_snapshot!(refused("2019-08-18,ciudad_juarez,registered,18500,Roll Call\n"));
    }

    #[test]
    fn a_row_with_a_field_too_many() {
        insta::assert_snapshot!(refused(
            "date,scope,series,value,source\n2019-08-18,ciudad_juarez,registered,18,500,Roll Call\n"
        ));
    }

    #[test]
    fn a_figure_given_twice() {
        let text = format!(
            "{HEADER}2019-08-18,ciudad_juarez,registered,18500,,,Roll Call,\n2019-08-18,ciudad_juarez,registered,18400,,,Another,\n"
        );
        insta::assert_snapshot!(refused(&text));
    }

    #[test]
    fn a_header_and_nothing_else() {
        insta::assert_snapshot!(refused(HEADER));
    }

    #[test]
    fn every_problem_is_reported_up_to_ten() {
        let rows: String = (0..14)
            .map(|i| format!("2019-08-18,port_{i},registered,18500,,,Roll Call,\n"))
            .collect();
        let message = refused(&format!("{HEADER}{rows}"));
        assert_eq!(message.matches("unknown scope").count(), MAX_ERRORS, "{message}");
        assert!(message.contains("… and 4 more problems in `observed.csv`"), "{message}");
        assert!(message.contains("observed.csv:11:12"), "{message}");
    }
}
