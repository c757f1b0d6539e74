//! The results folder: written from [`Results`](super::Results), read back as a [`Folder`]
//! (what charts and the report draw).
//!
//! Charts need `summary.json`, `daily.csv` and `waits.csv`; policy markers come from
//! `markers.csv` (a folder without it is drawn without markers, with a note).

use super::{FORMAT_VERSION, Results, Summary};
use crate::error::{Diagnostic, Error, InputError};
use crate::guard::Limits;
use crate::model::Date;
use crate::output::write_file;
use crate::report::Render;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files every chart needs.
pub(crate) const REQUIRED_FILES: [&str; 3] = ["summary.json", "daily.csv", "waits.csv"];

/// One day of one daily series: the mean and percentile bands across replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// A histogram bin of waits: people per replication with a wait in `[from, to)` days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// Start, days.
    pub from: f64,
    /// End, days.
    pub to: f64,
    /// People per replication.
    pub people: f64,
}

/// Waits of one population (processed, still waiting, abandoned) from `waits.csv`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Population {
    /// People per replication.
    pub people: f64,
    /// Statistics by name (`mean`, `p50`, `p90`, `p99`, `max`, …), days.
    pub stats: BTreeMap<String, f64>,
    /// Histogram.
    pub bins: Vec<Bin>,
}

/// A dated policy change to mark on time charts.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkerRow {
    /// Day it takes effect.
    pub day: u32,
    /// What happened (with the port name when the scenario has several ports).
    pub label: String,
}

/// Everything the charts and the report use from one results folder.
#[derive(Debug, Clone)]
pub struct Folder {
    /// The folder.
    pub dir: PathBuf,
    /// The whole summary.json: provenance, period and every number with its interval.
    pub summary: Summary,
    /// Daily series of everyone (scope `all`) by name, one band per day.
    pub daily: BTreeMap<String, Vec<Band>>,
    /// People on the list at each day's end per port or stage (scopes `port:NAME`), by name,
    /// one band per row as in `daily`.
    pub ports_on_list: BTreeMap<String, Vec<Band>>,
    /// Days per row of `daily` (1, unless the horizon was too long to keep every day).
    pub row_days: u32,
    /// Waits of everyone (scope `all`) by population.
    pub waits: BTreeMap<String, Population>,
    /// Policy markers, by day.
    pub markers: Vec<MarkerRow>,
    /// The saved scenario.toml, if present.
    pub scenario_text: Option<String>,
    /// Things the user should know (e.g. markers could not be read).
    pub notes: Vec<String>,
}

fn input(message: String, help: Option<String>) -> Error {
    let diagnostic = Diagnostic::new(message);
    Error::Input(InputError::single(match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }))
}

/// Checks that `dir` is a results folder with every file the charts need.
pub(crate) fn check_folder(dir: &Path) -> Result<(), Error> {
    if !dir.is_dir() {
        return Err(input(
            format!("no results folder at `{}`", dir.display()),
            Some(format!(
                "write one with `backlog run --out {}`, then draw its charts",
                dir.display()
            )),
        ));
    }
    let missing: Vec<&str> = REQUIRED_FILES
        .iter()
        .copied()
        .filter(|name| !is_file(&dir.join(name)))
        .collect();
    if let Some(first) = missing.first() {
        let list = missing.join(", ");
        return Err(input(
            format!("the results folder `{}` has no {list}", dir.display()),
            Some(format!(
                "charts are drawn from the files `backlog run --out DIR` writes ({}); `{}` is missing",
                REQUIRED_FILES.join(", "),
                dir.join(first).display()
            )),
        ));
    }
    Ok(())
}

/// Whether `path` is there and is not a folder (a pipe counts: it is read like a file).
fn is_file(path: &Path) -> bool {
    path.metadata().is_ok_and(|metadata| !metadata.is_dir())
}

fn read(dir: &Path, name: &str, limits: &Limits) -> Result<String, Error> {
    let path = dir.join(name);
    crate::validate::read_text(&path, limits.input_bytes()).map_err(|problem| {
        Error::Input(InputError::single(
            problem.diagnostic("results file", &path.display().to_string()),
        ))
    })
}

fn bad_file(dir: &Path, name: &str, problem: impl std::fmt::Display) -> Error {
    input(
        format!(
            "{} is not a file `backlog run --out` wrote: {problem}",
            dir.join(name).display()
        ),
        Some("write the folder again with `backlog run --out DIR`".to_owned()),
    )
}

/// A CSV file's rows as maps from column name to text (the `#` provenance line of version 2
/// skipped).
fn csv_rows(dir: &Path, name: &str, text: &str, columns: &[&str]) -> Result<Vec<Vec<String>>, Error> {
    let mut reader = ::csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|error| bad_file(dir, name, error))?.clone();
    let index: Vec<usize> = columns
        .iter()
        .map(|column| {
            headers
                .iter()
                .position(|h| h == *column)
                .ok_or_else(|| bad_file(dir, name, format!("it has no `{column}` column")))
        })
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| bad_file(dir, name, error))?;
        rows.push(index.iter().map(|&i| record.get(i).unwrap_or("").to_owned()).collect());
    }
    Ok(rows)
}

/// A number as the CSV writers write it: empty is undefined (NaN), `inf` infinite.
///
/// backlog writes no number beyond [`MAX_NUMBER`] in size (people are at most a billion per
/// replication, days ten million), and infinity only where a quantity can be infinite (a
/// quoted wait with nobody processed): anything else is refused, so a damaged file cannot
/// reach the charts.
fn number(dir: &Path, name: &str, text: &str) -> Result<f64, Error> {
    if text.is_empty() {
        return Ok(f64::NAN);
    }
    let value = text
        .parse::<f64>()
        .map_err(|_| bad_file(dir, name, format!("`{text}` is not a number")))?;
    if value.is_nan() || value.abs() > MAX_NUMBER && value != f64::INFINITY {
        return Err(bad_file(dir, name, format!("`{text}` is not a number backlog writes")));
    }
    Ok(value)
}

/// The largest number, in size, of a results folder.
const MAX_NUMBER: f64 = 1.0e15;

/// A number that must be finite (everything but a quoted wait).
fn finite(dir: &Path, name: &str, text: &str) -> Result<f64, Error> {
    let value = number(dir, name, text)?;
    if value.is_infinite() {
        return Err(bad_file(
            dir,
            name,
            format!("`{text}` is not a number backlog writes here"),
        ));
    }
    Ok(value)
}

/// Daily bands by name: every series of everyone, and `on_list` of each port or stage.
#[derive(Debug, Default)]
struct Daily {
    all: BTreeMap<String, Vec<Band>>,
    ports_on_list: BTreeMap<String, Vec<Band>>,
}

/// The daily bands, and the days per row (rows start at day 0 and step by a fixed number of
/// days, which is 1 unless the horizon was very long).
fn parse_daily(dir: &Path, text: &str) -> Result<(Daily, u32), Error> {
    let name = "daily.csv";
    let rows = csv_rows(
        dir,
        name,
        text,
        &["scope", "day", "series", "mean", "p5", "p25", "p50", "p75", "p95"],
    )?;
    let mut daily = Daily::default();
    let all: Vec<&Vec<String>> = rows.iter().filter(|row| row[0] == "all").collect();
    let day_of = |row: &Vec<String>| -> Result<usize, Error> {
        row[1]
            .parse()
            .map_err(|_| bad_file(dir, name, format!("`{}` is not a day", row[1])))
    };
    let mut row_days = 1;
    for row in &all {
        let day = day_of(row)?;
        if day > 0 {
            row_days = day;
            break;
        }
    }
    let port_rows = rows
        .iter()
        .filter(|row| row[2] == "on_list")
        .filter_map(|row| Some((row[0].strip_prefix("port:")?, row)));
    let rows = all
        .into_iter()
        .map(|row| (None, row))
        .chain(port_rows.map(|(port, row)| (Some(port), row)));
    for (port, row) in rows {
        let day = day_of(row)?;
        // Only a quoted wait can be infinite (nobody processed in the window); counts of
        // people are never negative.
        let read = if row[2] == "quoted_wait_days" { number } else { finite };
        let values: Vec<f64> = row[3..].iter().map(|v| read(dir, name, v)).collect::<Result<_, _>>()?;
        if values.iter().any(|&v| v < 0.0) {
            return Err(bad_file(dir, name, format!("day {day} of `{}` is negative", row[2])));
        }
        let band = Band {
            mean: values[0],
            p5: values[1],
            p25: values[2],
            p50: values[3],
            p75: values[4],
            p95: values[5],
        };
        let days = match port {
            Some(port) => daily.ports_on_list.entry(port.to_owned()).or_default(),
            None => daily.all.entry(row[2].clone()).or_default(),
        };
        if day != days.len() * row_days {
            return Err(bad_file(
                dir,
                name,
                format!("day {day} of `{}` is out of order", row[2]),
            ));
        }
        days.push(band);
    }
    for needed in ["on_list", "processed", "joined", "abandoned", "quoted_wait_days"] {
        if !daily.all.contains_key(needed) {
            return Err(bad_file(dir, name, format!("it has no `{needed}` series")));
        }
    }
    let row_days = u32::try_from(row_days).map_err(|_| bad_file(dir, name, "its days are too far apart"))?;
    Ok((daily, row_days))
}

fn parse_waits(dir: &Path, text: &str) -> Result<BTreeMap<String, Population>, Error> {
    let name = "waits.csv";
    // Version 3 keeps people and days in columns of their own; version 2 had one `value`.
    let header = text.lines().find(|line| !line.starts_with('#')).unwrap_or_default();
    let split = header.split(',').any(|column| column == "days");
    let values: &[&str] = if split {
        &["people", "days"]
    } else {
        &["value", "value"]
    };
    let mut columns = vec!["scope", "population", "statistic", "from_days", "to_days"];
    columns.extend_from_slice(values);
    let rows = csv_rows(dir, name, text, &columns)?;
    let mut populations: BTreeMap<String, Population> = BTreeMap::new();
    for row in rows.iter().filter(|row| row[0] == "all") {
        let population = populations.entry(row[1].clone()).or_default();
        // Counts of people are in the first value column, waits in days in the second.
        let cell = if matches!(row[2].as_str(), "people" | "bin") {
            &row[5]
        } else {
            &row[6]
        };
        let value = finite(dir, name, cell)?;
        if value < 0.0 {
            return Err(bad_file(dir, name, format!("`{cell}` is negative")));
        }
        match row[2].as_str() {
            "people" => population.people = value,
            "bin" => {
                let (from, to) = (finite(dir, name, &row[3])?, finite(dir, name, &row[4])?);
                if !(0.0 <= from && from < to) {
                    return Err(bad_file(
                        dir,
                        name,
                        format!("the bin from {from} to {to} days is not a range of waits"),
                    ));
                }
                population.bins.push(Bin {
                    from,
                    to,
                    people: value,
                });
            }
            statistic => {
                population.stats.insert(statistic.to_owned(), value);
            }
        }
    }
    Ok(populations)
}

fn with_port(port: &str, label: &str, several_ports: bool) -> String {
    if several_ports && !port.is_empty() {
        format!("{port}: {label}")
    } else {
        label.to_owned()
    }
}

/// Markers from markers.csv, else none (with a note).
fn read_markers(
    dir: &Path,
    several_ports: bool,
    limits: &Limits,
    notes: &mut Vec<String>,
) -> Result<Vec<MarkerRow>, Error> {
    let name = "markers.csv";
    if is_file(&dir.join(name)) {
        let text = read(dir, name, limits)?;
        let rows = csv_rows(dir, name, &text, &["port", "day", "label"])?;
        let mut markers = Vec::with_capacity(rows.len());
        for row in rows {
            let day = row[1]
                .parse()
                .map_err(|_| bad_file(dir, name, format!("`{}` is not a day", row[1])))?;
            markers.push(MarkerRow {
                day,
                label: with_port(&row[0], &row[2], several_ports),
            });
        }
        return Ok(markers);
    }
    notes.push(format!(
        "{} has no markers.csv: charts are drawn without policy markers",
        dir.display()
    ));
    Ok(Vec::new())
}

/// The oldest version of the results format this backlog reads: version 2 had a `#` line of
/// provenance at the top of each CSV file, which the reader skips, and one `value` column in
/// `waits.csv` where version 3 has `people` and `days`; the reader takes both.
const OLDEST_FORMAT_VERSION: u32 = 2;

/// Refuses a summary.json of another format version, saying which, before reading the rest.
fn check_version(dir: &Path, text: &str) -> Result<(), Error> {
    #[derive(serde::Deserialize)]
    struct Header {
        format_version: Option<u32>,
    }
    let header: Header = serde_json::from_str(text).map_err(|error| bad_file(dir, "summary.json", error))?;
    match header.format_version {
        Some(version) if (OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) => Ok(()),
        found => Err(input(
            format!(
                "{} is in {} of the results format; this backlog reads versions {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}",
                dir.join("summary.json").display(),
                found.map_or_else(|| "an older version (1)".to_owned(), |v| format!("version {v}"))
            ),
            Some("write the folder again with this backlog: `backlog run --out DIR`".to_owned()),
        )),
    }
}

/// Writes the files of a results folder into `dir` (what `run --out DIR` writes, without
/// charts): summary.json, summary.csv, daily.csv, waits.csv, replications.csv, scenario.toml
/// (the scenario as run) and markers.csv.
pub(super) fn write(dir: &Path, results: &Results) -> Result<(), Error> {
    crate::output::create_dir(dir)?;
    let info = &results.info;
    let replications = &results.replications;
    let files = [
        ("summary.json", results.summary().to_json()),
        ("summary.csv", super::csv::summary_csv(results.summary())),
        ("daily.csv", super::csv::daily_csv(info, replications)),
        ("waits.csv", super::csv::waits_csv(info, replications)),
        ("replications.csv", super::csv::replications_csv(info, replications)),
        ("scenario.toml", info.text.to_string()),
        ("markers.csv", super::csv::markers_csv(info)),
        ("manifest.json", manifest(results)),
    ];
    for (name, contents) in files {
        write_file(&dir.join(name), contents.as_bytes())?;
    }
    if let Some(network) = &results.summary().network {
        write_file(
            &dir.join("flows.csv"),
            super::csv::flows_csv(network, &info.ports).as_bytes(),
        )?;
    }
    Ok(())
}

/// `manifest.json`: where the folder came from (the provenance every file shares) and what
/// each file holds, so that the CSV files can stay plain.
fn manifest(results: &Results) -> String {
    let mut files = serde_json::json!({
        "summary.json": "every number with its mean and 95% confidence interval, overall and per scope",
        "summary.csv": "the same, one row per scope and metric",
        "daily.csv": "per scope, day and series: the mean and percentile bands across replications",
        "waits.csv": "per scope and population: numbers of people, quantiles of waits (days) and a histogram",
        "replications.csv": "one row per replication and scope with its scalar results",
        "scenario.toml": "the scenario exactly as run",
        "markers.csv": "the scenario's dated capacity changes and closures",
    });
    if results.summary().network.is_some() {
        files["flows.csv"] = "people per replication moving between places of the network: from arrivals or a port or stage, to a port, stage or end".into();
    }
    let document = serde_json::json!({
        "format_version": FORMAT_VERSION,
        "provenance": results.provenance(),
        "start_date": results.summary().start_date,
        "horizon_days": results.summary().horizon_days,
        "files": files,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

impl Folder {
    /// Reads a results folder; errors name the folder or the missing file.
    pub fn read(dir: &Path) -> Result<Folder, Error> {
        Folder::read_within(dir, &Limits::default())
    }

    /// [`read`](Self::read), refusing files larger than the limit on files read.
    pub fn read_within(dir: &Path, limits: &Limits) -> Result<Folder, Error> {
        check_folder(dir)?;
        let summary_text = read(dir, "summary.json", limits)?;
        check_version(dir, &summary_text)?;
        let summary: Summary =
            serde_json::from_str(&summary_text).map_err(|error| bad_file(dir, "summary.json", error))?;
        if let Some(date) = summary.start_date.as_deref().filter(|date| Date::parse(date).is_none()) {
            return Err(bad_file(dir, "summary.json", format!("`{date}` is not a start date")));
        }
        let (
            Daily {
                all: daily,
                ports_on_list,
            },
            row_days,
        ) = parse_daily(dir, &read(dir, "daily.csv", limits)?)?;
        let waits = parse_waits(dir, &read(dir, "waits.csv", limits)?)?;
        let scenario_text = if is_file(&dir.join("scenario.toml")) {
            Some(read(dir, "scenario.toml", limits)?)
        } else {
            None
        };
        let mut notes = Vec::new();
        let mut markers = read_markers(dir, summary.ports.len() > 1, limits, &mut notes)?;
        markers.retain(|marker| marker.day < summary.horizon_days);
        Ok(Folder {
            dir: dir.to_path_buf(),
            summary,
            daily,
            ports_on_list,
            row_days,
            waits,
            markers,
            scenario_text,
            notes,
        })
    }

    /// backlog version that wrote it.
    pub fn version(&self) -> &str {
        &self.summary.provenance.version
    }

    /// Scenario name.
    pub fn scenario(&self) -> &str {
        &self.summary.provenance.scenario
    }

    /// Seed.
    pub fn seed(&self) -> u64 {
        self.summary.provenance.seed
    }

    /// Replications.
    pub fn replications(&self) -> u32 {
        self.summary.provenance.replications
    }

    /// Date of day 0, if the scenario has one.
    pub fn start_date(&self) -> Option<Date> {
        self.summary.start_date.as_deref().and_then(Date::parse)
    }

    /// Simulated days.
    pub fn horizon_days(&self) -> u32 {
        self.summary.horizon_days
    }

    /// Warm-up days.
    pub fn warm_up_days(&self) -> u32 {
        self.summary.warm_up_days
    }

    /// A daily series of everyone (empty if absent).
    pub fn series(&self, name: &str) -> &[Band] {
        self.daily.get(name).map_or(&[], Vec::as_slice)
    }

    /// Date of a day, if the scenario has a start date.
    pub fn date_of_day(&self, day: i64) -> Option<Date> {
        self.start_date().map(|start| start.plus_days(day))
    }

    /// Means of people who left, by outcome, in the order summary.json gives them.
    pub fn left_by_outcome(&self) -> Vec<(String, f64)> {
        self.summary
            .total
            .abandoned_by_outcome
            .iter()
            .filter_map(|(name, estimate)| Some((name.clone(), estimate.mean?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_rows_of_other_scopes_are_ignored_and_inf_is_infinite() {
        let text = "# backlog\nscope,day,date,series,mean,p5,p25,p50,p75,p95\n\
                    all,0,,on_list,1,0,1,1,2,3\nport:a,0,,on_list,9,9,9,9,9,9\nport:a,0,,joined,5,5,5,5,5,5\n\
                    all,0,,processed,1,1,1,1,1,1\nall,0,,joined,1,1,1,1,1,1\n\
                    all,0,,abandoned,0,0,0,0,0,0\nall,0,,quoted_wait_days,inf,1,2,inf,inf,inf\n";
        let (daily, row_days) = parse_daily(Path::new("x"), text).expect("parses");
        assert_eq!(row_days, 1);
        assert_eq!(daily.all["on_list"].len(), 1);
        assert_eq!(daily.all["on_list"][0].p95, 3.0);
        assert!(daily.all["quoted_wait_days"][0].p50.is_infinite());
        // A port's list is kept apart, and only its list.
        assert_eq!(daily.ports_on_list["a"][0].p50, 9.0);
        assert_eq!(daily.ports_on_list.len(), 1);
    }

    #[test]
    fn waits_are_read_with_people_and_days_apart_or_in_one_column() {
        let dir = Path::new("results");
        let version_3 = "scope,population,statistic,from_days,to_days,people,days\n\
                         all,processed,people,,,40,\nall,processed,mean,,,,2.5\nall,processed,bin,0,1,10,\n";
        let version_2 = "# backlog\nscope,population,statistic,from_days,to_days,value\n\
                         all,processed,people,,,40\nall,processed,mean,,,2.5\nall,processed,bin,0,1,10\n";
        let (new, old) = (
            parse_waits(dir, version_3).unwrap(),
            parse_waits(dir, version_2).unwrap(),
        );
        let processed = &new["processed"];
        assert_eq!((processed.people, processed.stats["mean"]), (40.0, 2.5));
        assert_eq!(processed.bins[0].people, 10.0);
        assert_eq!(format!("{new:?}"), format!("{old:?}"));
    }

    #[test]
    fn a_missing_series_names_the_file() {
        let text = "scope,day,date,series,mean,p5,p25,p50,p75,p95\nall,0,,on_list,1,0,1,1,2,3\n";
        let error = parse_daily(Path::new("x"), text).expect_err("incomplete").to_string();
        assert!(error.contains("daily.csv"), "{error}");
        assert!(error.contains("processed"), "{error}");
    }
}
