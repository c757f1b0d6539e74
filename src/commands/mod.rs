//! The commands behind the CLI: `run` and `check`. `main.rs` parses arguments into these
//! requests; everything else happens here so that it can be tested without a process.

pub mod chart;
pub mod compare;
pub mod sweep;
pub mod target;

use crate::analysis::{self, Runs, Variant};
use crate::engine::{Method, run_replication_traced};
use crate::error::{Diagnostic, Error, InputError, Note};
use crate::model::{Capacity, Discipline, Model, Source, ticks_to_days};
use crate::overrides::{self, Override};
use crate::replicate::{self, Results, RunOptions};
use crate::report::csv::{daily_csv, replications_csv, summary_csv, waits_csv};
use crate::report::json::to_json;
use crate::report::table::to_table;
use crate::report::trace::CsvTrace;
use crate::report::{Provenance, Summary};
use crate::validate::{self, Loaded};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The built-in default scenario: the Tijuana caravan of November 2018.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/tijuana-2018.toml");

/// Name under which the built-in scenario appears in messages.
pub const DEFAULT_SCENARIO_NAME: &str = "tijuana-2018.toml (built in)";

/// Which scenario to use.
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioInput {
    /// The built-in default.
    BuiltIn,
    /// A file.
    File(PathBuf),
}

/// Output format on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// A readable table.
    #[default]
    Table,
    /// The JSON summary.
    Json,
    /// The summary as CSV.
    Csv,
}

/// The options that `run`, `sweep`, `compare` and `target` share: how the scenario is changed
/// and run, and how the results are shown.
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    /// `--set PATH=VALUE` overrides, applied in order to every scenario before anything else.
    pub sets: Vec<String>,
    /// Replications of every run (the scenario's when `None`; with `compare`, the first
    /// scenario's).
    pub replications: Option<u32>,
    /// Worker threads (all cores when `None`).
    pub threads: Option<usize>,
    /// Format on stdout.
    pub format: Format,
    /// No progress bar.
    pub quiet: bool,
}

impl RunSettings {
    /// Options for running `replications` of one scenario (its own number when `None`) with
    /// these threads and progress bar.
    pub fn run_options(&self, replications: Option<u32>) -> RunOptions {
        RunOptions {
            replications,
            threads: self.threads,
            progress: !self.quiet,
            method: Method::Auto,
        }
    }
}

/// Everything `backlog run` needs.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// The scenario (built in when `None`).
    pub scenario: Option<PathBuf>,
    /// Overrides, replications, threads, format on stdout and progress bar.
    pub settings: RunSettings,
    /// Seed (the file's when `None`).
    pub seed: Option<u64>,
    /// Horizon (the file's when `None`).
    pub horizon_days: Option<u32>,
    /// Folder for summary.json, daily.csv, waits.csv, replications.csv.
    pub out: Option<PathBuf>,
    /// File for the event trace of replication 0.
    pub trace: Option<PathBuf>,
    /// Also draw every chart into `out` (PNG and SVG).
    pub charts: bool,
    /// Also write `report.html` into `out`.
    pub report: bool,
    /// Write into an `--out` folder even if it holds files that are not a backlog run.
    pub force: bool,
    /// Refuse to run when a replication is expected to bring more people than this.
    pub max_people: Option<u64>,
    /// Refuse to run when the run is expected to need more memory than this many bytes.
    pub max_memory_bytes: Option<u64>,
    /// How each replication is simulated (the results are the same).
    pub method: Method,
}

/// A scenario's text as read, before overrides.
#[derive(Debug, Clone)]
pub struct ScenarioText {
    /// Name shown in messages: the path as given, or that of the built-in scenario.
    pub name: String,
    /// The text.
    pub text: String,
    /// Folder that CSV paths in the scenario are relative to.
    pub base_dir: PathBuf,
}

impl ScenarioText {
    /// Reads a scenario file, or the built-in one when `None`.
    pub fn read(scenario: Option<&Path>) -> Result<ScenarioText, Error> {
        Ok(match scenario {
            None => ScenarioText {
                name: DEFAULT_SCENARIO_NAME.to_owned(),
                text: DEFAULT_SCENARIO.to_owned(),
                base_dir: PathBuf::from("."),
            },
            Some(path) => {
                let name = path.display().to_string();
                let text = validate::read_text(path)
                    .map_err(|problem| InputError::single(problem.diagnostic("scenario file", &name)))?;
                let base_dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                ScenarioText { name, text, base_dir }
            }
        })
    }

    /// Applies `changes` and validates the result; returns it and the text as run. Messages
    /// about the changed text name it `FILE (as changed on the command line)` and mark the
    /// values that `--set` put there.
    pub fn load(&self, changes: &[Override]) -> Result<(Loaded, String), Error> {
        let text = overrides::apply(&self.text, changes)?;
        if changes.is_empty() {
            return Ok((validate::load_str(&self.name, &text, &self.base_dir)?, text));
        }
        let name = match self.name.strip_suffix(')') {
            Some(open) => format!("{open}, as changed on the command line)"),
            None => format!("{} (as changed on the command line)", self.name),
        };
        match validate::load_str(&name, &text, &self.base_dir) {
            Ok(loaded) => Ok((loaded, text)),
            Err(error) => Err(Error::Input(overrides::explain(error, &text, changes))),
        }
    }
}

/// Loads a scenario (file or built in) with overrides applied; returns it and the text as run.
pub fn load(scenario: Option<&Path>, changes: &[Override]) -> Result<(Loaded, String), Error> {
    ScenarioText::read(scenario)?.load(changes)
}

/// `backlog run`: simulates and reports.
pub fn run(request: &RunRequest, stdout: &mut dyn Write) -> Result<(), Error> {
    let mut changes = overrides::parse_all(&request.settings.sets)?;
    if let Some(seed) = request.seed {
        changes.push(Override::integer(
            "run.seed",
            i64::try_from(seed).map_err(|_| bad_flag("--seed", "at most 9223372036854775807"))?,
        ));
    }
    if let Some(horizon) = request.horizon_days {
        changes.push(Override::integer("run.horizon_days", i64::from(horizon)));
    }
    if request.settings.threads == Some(0) {
        return Err(bad_flag("--threads", "at least 1"));
    }
    chart::check_run_flags(request.charts, request.report, request.out.as_deref())?;
    let (loaded, text) = load(request.scenario.as_deref(), &changes)?;
    print_notes(&loaded.notes, request.settings.quiet);
    if let Some(dir) = &request.out {
        check_out_dir(dir, request.force)?;
    }
    let model = &loaded.model;
    let estimate = Estimate::of(
        model,
        request.settings.replications.unwrap_or(model.replications),
        request.settings.threads,
    );
    estimate.check(request.max_people, request.max_memory_bytes)?;
    let options = RunOptions {
        method: request.method,
        ..request.settings.run_options(request.settings.replications)
    };
    let results = replicate::run(model, &options)?;
    let provenance = Provenance::new(model, &text, results.replications);
    let summary = Summary::new(model, &results, provenance.clone());

    if let Some(path) = &request.trace {
        write_trace(model, &provenance, path)?;
    }
    if let Some(dir) = &request.out {
        write_results(dir, model, &text, &results, &summary)?;
        chart::after_run(dir, request.charts, request.report)?;
    }
    let output = match request.settings.format {
        Format::Table => to_table(&summary, |day| model.date_of_day(day).map(|d| d.to_string())),
        Format::Json => to_json(&summary),
        Format::Csv => summary_csv(&summary),
    };
    write_stdout(stdout, output.as_bytes())
}

/// Runs `replications` of every variant (of a sweep or comparison) with common random numbers:
/// all in parallel, kept in memory; or, with `out` (a folder and each variant's folder name in
/// it), one variant after another, each writing its results folder as `run --out` does.
/// `texts` are the variants' scenarios as run.
pub(crate) fn run_each_variant(
    settings: &RunSettings,
    variants: &[Variant<'_>],
    texts: &[&str],
    replications: u32,
    out: Option<(&Path, &[String])>,
) -> Result<Vec<Runs>, Error> {
    let Some((dir, folders)) = out else {
        let pool = analysis::thread_pool(settings.threads)?;
        let total = variants.len() as u64 * u64::from(replications);
        let progress = analysis::progress_bar(total, !settings.quiet, "runs");
        let runs = analysis::run_variants(&pool, variants, replications, &progress)?;
        progress.finish_and_clear();
        return Ok(runs);
    };
    let options = settings.run_options(Some(replications));
    let mut runs = Vec::new();
    for ((variant, text), folder) in variants.iter().zip(texts).zip(folders) {
        let results = replicate::run(variant.model, &options)?;
        let provenance = Provenance::new(variant.model, text, results.replications);
        let summary = Summary::new(variant.model, &results, provenance);
        write_results(&dir.join(folder), variant.model, text, &results, &summary)?;
        runs.push(Runs::of(&results, variant.port));
    }
    Ok(runs)
}

/// Writes the files of a results folder (what `run --out DIR` writes, without charts):
/// summary.json, summary.csv, daily.csv, waits.csv, replications.csv, scenario.toml (`text`,
/// the scenario as run) and markers.csv.
pub fn write_results(dir: &Path, model: &Model, text: &str, results: &Results, summary: &Summary) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.display().to_string(),
        source,
    })?;
    let provenance = &summary.provenance;
    let files = [
        ("summary.json", to_json(summary)),
        ("summary.csv", summary_csv(summary)),
        ("daily.csv", daily_csv(model, results, provenance)),
        ("waits.csv", waits_csv(model, results, provenance)),
        ("replications.csv", replications_csv(model, results, provenance)),
        ("scenario.toml", text.to_owned()),
        ("markers.csv", crate::chart::data::markers_csv(model, provenance)),
    ];
    for (name, contents) in files {
        write_atomically(&dir.join(name), contents.as_bytes())?;
    }
    Ok(())
}

/// Default of `--max-people`: people expected in one replication.
pub const DEFAULT_MAX_PEOPLE: u64 = 100_000_000;

/// Default of `--max-memory`: 8 GiB.
pub const DEFAULT_MAX_MEMORY_BYTES: u64 = 8 << 30;

/// What a run is expected to need, worked out from the scenario before running it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// People expected to arrive in one replication.
    pub people_per_replication: f64,
    /// Peak memory, in bytes (an upper bound: it assumes everyone could be waiting at once).
    pub memory_bytes: f64,
}

impl Estimate {
    /// The estimate for `replications` replications of `model` on `threads` threads.
    pub fn of(model: &Model, replications: u32, threads: Option<usize>) -> Estimate {
        let people: f64 = model.streams.iter().map(|stream| expected_people(stream, model)).sum();
        // Replications in flight at once: the replication loop's chunk (four per thread).
        let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let in_flight = f64::from(replications).min((threads * 4).max(8) as f64);
        // Daily series have at most `MAX_SERIES_ROWS` rows, for each port and the total.
        let horizon_days = model.horizon_days;
        let rows_per_series = horizon_days.div_ceil(crate::stats::row_days_for(horizon_days));
        let rows = f64::from(rows_per_series) * (model.ports.len() + 1) as f64;
        // A waiting group takes 40 bytes (48 in a growing deque); a row of a daily series about
        // 120 bytes of bookkeeping while running and 64 bytes kept per replication after; the
        // model holds at most 8 bytes per day and port (its per-day capacities), once.
        let per_running = people * 48.0 + rows * 120.0;
        let kept = f64::from(replications) * rows * 64.0;
        let model_bytes = f64::from(horizon_days) * model.ports.len() as f64 * 8.0;
        Estimate {
            people_per_replication: people,
            memory_bytes: model_bytes + in_flight * per_running + kept,
        }
    }

    /// Refuses the run when it goes past a limit, saying which number and what to do.
    pub fn check(&self, max_people: Option<u64>, max_memory_bytes: Option<u64>) -> Result<(), Error> {
        let max_people = max_people.unwrap_or(DEFAULT_MAX_PEOPLE);
        let max_memory = max_memory_bytes.unwrap_or(DEFAULT_MAX_MEMORY_BYTES);
        if self.people_per_replication > max_people as f64 {
            return Err(Error::Input(InputError::single(
                Diagnostic::new(format!(
                    "the scenario brings about {:.0} people per replication, more than the limit of {max_people}",
                    self.people_per_replication
                ))
                .with_help("check the arrival numbers and rates; to run it anyway raise the limit with --max-people"),
            )));
        }
        if self.memory_bytes > max_memory as f64 {
            return Err(Error::Input(InputError::single(
                Diagnostic::new(format!(
                    "the run may need about {:.1} GiB of memory, more than the limit of {:.1} GiB",
                    self.memory_bytes / f64::from(1u32 << 30),
                    max_memory as f64 / f64::from(1u32 << 30)
                ))
                .with_help(
                    "use fewer replications or a shorter horizon, or raise the limit with --max-memory (e.g. 16G)",
                ),
            )));
        }
        Ok(())
    }
}

/// Parses a size such as `8G`, `500M`, `2048K` or a number of bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&text[..i], text[i..].to_ascii_uppercase()),
        None => (text, String::new()),
    };
    let scale: u64 = match unit.trim_end_matches("IB").trim_end_matches('B') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => {
            return Err(format!(
                "`{text}` is not a size: write e.g. 8G, 500M or a number of bytes"
            ));
        }
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size: write e.g. 8G, 500M or a number of bytes"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("`{text}` must be a positive size"));
    }
    Ok((value * scale as f64).min(u64::MAX as f64) as u64)
}

/// Refuses an `--out` folder that holds anything but a previous backlog run, unless forced,
/// so that a typo never mixes results into (or overwrites files in) an unrelated folder.
pub fn check_out_dir(dir: &Path, force: bool) -> Result<(), Error> {
    if force {
        return Ok(());
    }
    let Some(names) = entry_names(dir) else {
        // Missing: it will be created. Unreadable or not a folder: writing will say why.
        return Ok(());
    };
    let previous_run = names.iter().any(|n| n == "summary.json") && names.iter().any(|n| n == "scenario.toml");
    if names.is_empty() || previous_run {
        return Ok(());
    }
    Err(Error::Input(InputError::single(
        Diagnostic::new(format!(
            "the --out folder `{}` is not empty and does not hold a previous backlog run",
            dir.display()
        ))
        .with_help("choose a new or empty folder, or add --force to write into it anyway"),
    )))
}

/// The names of the files and folders in `dir`, or `None` when it cannot be listed (missing,
/// unreadable or not a folder).
pub(crate) fn entry_names(dir: &Path) -> Option<Vec<String>> {
    let entries = std::fs::read_dir(dir).ok()?;
    Some(
        entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
    )
}

fn bad_flag(flag: &str, expected: &str) -> Error {
    Error::Input(InputError::single(Diagnostic::new(format!(
        "{flag} must be {expected}"
    ))))
}

/// Prints the notes of a loaded scenario to stderr (stdout is for results), unless `quiet`.
/// Commands that load a scenario many times print the notes of one load.
pub(crate) fn print_notes(notes: &[Note], quiet: bool) {
    if !quiet {
        for note in notes {
            eprintln!("{note}");
        }
    }
}

/// Writes to stdout; a closed pipe (`backlog run | head`) is not an error.
fn write_stdout(stdout: &mut dyn Write, bytes: &[u8]) -> Result<(), Error> {
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: "standard output".into(),
            source: error,
        }),
        _ => Ok(()),
    }
}

/// Writes `path` through a temporary file in the same folder, renamed into place when complete.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let error = |source| Error::Write {
        path: path.display().to_string(),
        source,
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&temporary, contents).and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(error)
}

fn write_trace(model: &Model, provenance: &Provenance, path: &Path) -> Result<(), Error> {
    let error = |source| Error::Write {
        path: path.display().to_string(),
        source,
    };
    let mut buffer = Vec::new();
    let mut trace = CsvTrace::new(&mut buffer, model, &provenance.line());
    run_replication_traced(model, 0, &mut trace);
    if crate::interrupt::requested() {
        return Err(Error::Interrupted);
    }
    trace.finish().map_err(error)?;
    write_atomically(path, &buffer)
}

/// `backlog check`: validates and prints a short summary of the scenario, with `--set`
/// overrides (`PATH=VALUE`) applied.
pub fn check(scenario: Option<&Path>, sets: &[String], stdout: &mut dyn Write) -> Result<(), Error> {
    let changes = overrides::parse_all(sets)?;
    let (loaded, _) = load(scenario, &changes)?;
    print_notes(&loaded.notes, false);
    let mut text = describe(&loaded.model);
    for change in &changes {
        text.push_str(&format!("  set {change}\n"));
    }
    write_stdout(stdout, text.as_bytes())
}

/// A short human description of a model: ports, capacity, streams and their totals.
pub fn describe(model: &Model) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{}: ok", model.name);
    let period = match model.start_date {
        Some(date) => format!("{} days from {date}", model.horizon_days),
        None => format!("{} days", model.horizon_days),
    };
    let _ = writeln!(
        out,
        "  {period}; seed {}; {} replications",
        model.seed, model.replications
    );
    if model.classes.len() > 1 {
        let _ = writeln!(out, "  classes (highest priority first): {}", model.classes.join(", "));
    }
    for port in &model.ports {
        let capacity = match &port.capacity {
            Capacity::Quota(quota) => {
                let days = quota.quota_by_day.iter().filter(|&&q| q > 0.0).count();
                let total: f64 = quota.quota_by_day.iter().sum();
                format!(
                    "daily quota on {days} of {} days, {} places in all",
                    model.horizon_days,
                    total.round()
                )
            }
            Capacity::Officers(officers) => {
                let most = officers.officers_by_day.max();
                format!(
                    "up to {most} officers, claims taking {:.2} days on average, shift {:.1}-{:.1} h",
                    officers.service_days.mean(),
                    ticks_to_days(officers.shift_start) * 24.0,
                    ticks_to_days(officers.shift_end) * 24.0
                )
            }
        };
        let discipline = match port.discipline {
            Discipline::Fifo => "first in, first out".to_owned(),
            Discipline::Lifo => "last in, first out".to_owned(),
            Discipline::Priority => "priority by class".to_owned(),
            Discipline::Mixed { oldest_share } => {
                format!(
                    "{:.0}% of places to the longest-waiting, the rest by lottery",
                    oldest_share * 100.0
                )
            }
        };
        let _ = writeln!(out, "  port {}: {discipline}; {capacity}", port.name);
    }
    for stream in &model.streams {
        let people = expected_people(stream, model);
        let _ = writeln!(
            out,
            "  stream {} -> {}: about {} people{}",
            stream.name,
            model.ports[stream.port].name,
            people.round(),
            if stream.join_share < 1.0 {
                format!(" ({:.0}% join the list)", stream.join_share * 100.0)
            } else {
                String::new()
            }
        );
    }
    out
}

/// Expected people a stream brings within the horizon.
pub fn expected_people(stream: &crate::model::Stream, model: &Model) -> f64 {
    let horizon = f64::from(model.horizon_days);
    let people: f64 = match &stream.source {
        Source::Segments { segments, .. } => segments.iter().map(|s| s.expected_before(horizon)).sum(),
        Source::Poisson { pieces } => pieces
            .iter()
            .map(|p| (p.end_days.min(horizon) - p.start_days).max(0.0) * p.groups_per_day * stream.group_size.mean())
            .sum(),
        Source::Records { records } => records.iter().map(|r| f64::from(r.size)).sum::<f64>(),
    };
    // An empty float sum is -0.0; adding 0.0 keeps "-0 people" out of messages.
    people + 0.0
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("8G"), Ok(8 << 30));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1G").is_err());
    }

    #[test]
    fn estimates_scale_with_people_and_replications() {
        let (loaded, _) = load(None, &[]).unwrap();
        let one = Estimate::of(&loaded.model, 1, Some(1));
        let many = Estimate::of(&loaded.model, 1000, Some(2));
        assert!((20_000.0..40_000.0).contains(&one.people_per_replication), "{one:?}");
        assert!(many.memory_bytes > one.memory_bytes);
        assert!(one.check(None, None).is_ok());
        assert!(one.check(Some(1000), None).is_err());
        assert!(many.check(None, Some(1 << 20)).is_err());
    }

    /// Daily series are bounded in rows, so a very long horizon is not refused for memory it
    /// will never use (W1 at ten million customers, a thousand times, needs about 5 GiB by
    /// this upper bound, most of it for everyone possibly waiting at once).
    #[test]
    fn estimates_count_rows_not_days() {
        let text = include_str!("../../benches/workloads/w1-mmc.toml").replace("222222", "2222222");
        let model = crate::validate::load_str("w1x10.toml", &text, Path::new("."))
            .unwrap()
            .model;
        let estimate = Estimate::of(&model, 1000, Some(2));
        assert!(estimate.check(None, None).is_ok(), "{estimate:?}");
        assert!(estimate.memory_bytes < 6.0 * f64::from(1u32 << 30), "{estimate:?}");
    }
}
