//! `backlog sweep`: one scenario run at each value of one or two parameters (a grid), every
//! point with the same replications (common random numbers), one row per point; with `--out`,
//! also a chart of one metric against the first parameter (`sweep.png`, `sweep.svg`).

use super::{Format, RunSettings, ScenarioText, run_each_variant, write_atomically, write_stdout};
use crate::analysis::sweep::{self, Axis, PointSummary};
use crate::analysis::{Metric, Runs, Scope, Variant, align, format_plus_minus};
use crate::chart::sweep::{MAX_LINES, SweepChart};
use crate::chart::{self, Chart, Options};
use crate::error::{Diagnostic, Error, InputError};
use crate::model::{Date, Model};
use crate::overrides::{self, Override};
use crate::report::Provenance;
use crate::stats::summary::Estimate;
use serde_json::{Map, Value as Json, json};
use std::io::Write;
use std::path::PathBuf;

/// How the values of one swept parameter are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Values {
    /// `--values 50,100,150`.
    List(String),
    /// `--range 50:300:25`.
    Range(String),
}

/// One `--param` with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Dotted path, as for `--set`.
    pub path: String,
    /// Its values.
    pub values: Values,
}

/// Everything `backlog sweep` needs.
#[derive(Debug, Clone, Default)]
pub struct SweepRequest {
    /// The scenario (built in when `None`).
    pub scenario: Option<PathBuf>,
    /// One or two parameters.
    pub params: Vec<Param>,
    /// Overrides (applied to every point first), replications at every point, threads, format
    /// on stdout and progress bar.
    pub settings: RunSettings,
    /// Folder for one results folder per point, sweep.csv, sweep.json and the chart.
    pub out: Option<PathBuf>,
    /// Metrics of one port only (everyone when `None`).
    pub port: Option<String>,
    /// The metric of the chart written with `out`, as `Metric::parse` reads it
    /// ([`DEFAULT_CHART_METRIC`] when `None`).
    pub chart_metric: Option<String>,
}

/// The metric of the sweep chart when `--chart-metric` is not given.
pub const DEFAULT_CHART_METRIC: Metric = Metric::WaitP90;

/// A sweep's results.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The scenario's name.
    pub scenario: String,
    /// Provenance of the scenario as run before the swept values (after `--set`).
    pub provenance: Provenance,
    /// Whose metrics.
    pub scope: Scope,
    /// The swept parameters.
    pub axes: Vec<Axis>,
    /// The overrides of each point, in grid order.
    pub points: Vec<Vec<Override>>,
    /// The runs of each point.
    pub runs: Vec<Runs>,
    /// The summary of each point.
    pub summaries: Vec<PointSummary>,
    /// Start date and horizon, for the table's heading.
    pub period: String,
    /// Start date and horizon of every point, when they are all the same (`None` when the
    /// sweep changes them), for the chart.
    pub shared_period: Option<(Option<Date>, u32)>,
}

fn input(message: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Input(InputError::single(Diagnostic::new(message).with_help(help)))
}

/// Parses the parameters into axes.
pub fn axes(params: &[Param]) -> Result<Vec<Axis>, Error> {
    if params.is_empty() {
        return Err(input(
            "sweep needs --param PATH with --values or --range",
            "for example: backlog sweep --param ports.san_ysidro.capacity.quota_per_day --range 50:300:25",
        ));
    }
    if params.len() > 2 {
        return Err(input(
            format!("sweep takes one or two --param, got {}", params.len()),
            "sweep two parameters at a time (a grid); fix the others with --set",
        ));
    }
    let mut axes = Vec::new();
    for param in params {
        if axes.iter().any(|axis: &Axis| axis.path == param.path) {
            return Err(input(
                format!("--param {} is given twice", param.path),
                "give each parameter once, with all its values",
            ));
        }
        let values = match &param.values {
            Values::List(text) => sweep::parse_values(text)?,
            Values::Range(text) => sweep::parse_range(text)?,
        };
        axes.push(Axis {
            path: param.path.clone(),
            values,
        });
    }
    Ok(axes)
}

/// Refuses an `--out` folder that holds anything but a previous `sweep` or `compare` (its
/// `marker` file), as `run --out` does, so that results never mix with unrelated files.
pub(crate) fn check_out_folder(dir: &std::path::Path, marker: &str, folders: &[String]) -> Result<(), Error> {
    let Some(names) = super::entry_names(dir) else {
        return Ok(());
    };
    if !names.is_empty() && !names.iter().any(|n| n == marker) {
        return Err(input(
            format!(
                "the --out folder `{}` is not empty and does not hold a previous backlog {}",
                dir.display(),
                marker.split('.').next().unwrap_or(marker)
            ),
            "choose a new or empty folder",
        ));
    }
    for folder in folders {
        super::check_out_dir(&dir.join(folder), false)?;
    }
    Ok(())
}

/// Loads every point of the grid (all are checked before anything runs).
pub(crate) fn load_points(
    base: &ScenarioText,
    sets: &[Override],
    points: &[Vec<Override>],
) -> Result<Vec<(Model, String)>, Error> {
    points
        .iter()
        .map(|point| {
            let changes: Vec<Override> = sets.iter().chain(point).cloned().collect();
            base.load(&changes).map(|(loaded, text)| (loaded.model, text))
        })
        .collect()
}

/// Runs a sweep and returns its results; with `out`, also writes one results folder per point.
pub fn run_sweep(request: &SweepRequest) -> Result<Sweep, Error> {
    if request.settings.threads == Some(0) {
        return Err(input("--threads must be at least 1", "leave it out to use every core"));
    }
    let axes = axes(&request.params)?;
    let sets = overrides::parse_all(&request.settings.sets)?;
    let base = ScenarioText::read(request.scenario.as_deref())?;
    let (first, text) = base.load(&sets)?;
    super::print_notes(&first.notes, request.settings.quiet);
    let replications = request.settings.replications.unwrap_or(first.model.replications);
    let scope = request.port.clone().map_or(Scope::Total, Scope::Port);
    let points = sweep::grid(&axes)?;
    let loaded = load_points(&base, &sets, &points)?;
    let ports: Vec<Option<usize>> = loaded
        .iter()
        .map(|(model, _)| scope.index(model))
        .collect::<Result<_, _>>()?;
    let folders: Vec<String> = points.iter().map(|point| folder_name(point)).collect();
    if let Some(dir) = &request.out {
        check_out_folder(dir, "sweep.csv", &folders)?;
    }
    let variants: Vec<Variant<'_>> = loaded
        .iter()
        .zip(&ports)
        .map(|((model, _), &port)| Variant { model, port })
        .collect();
    let texts: Vec<&str> = loaded.iter().map(|(_, text)| text.as_str()).collect();
    let out = request.out.as_deref().map(|dir| (dir, folders.as_slice()));
    let runs = run_each_variant(&request.settings, &variants, &texts, replications, out)?;
    let summaries = points
        .iter()
        .zip(&runs)
        .map(|(point, runs)| PointSummary::new(point, runs))
        .collect();
    let shared_period = shared_period(loaded.iter().map(|(model, _)| model));
    let model = &first.model;
    let period = match model.start_date {
        Some(date) => format!("{} days from {date}", model.horizon_days),
        None => format!("{} days", model.horizon_days),
    };
    Ok(Sweep {
        scenario: model.name.clone(),
        provenance: Provenance::new(model, &text, replications),
        scope,
        axes,
        points,
        runs,
        summaries,
        period,
        shared_period,
    })
}

/// The start date and horizon of every model, if they all have the same ones.
fn shared_period<'a>(mut models: impl Iterator<Item = &'a Model>) -> Option<(Option<Date>, u32)> {
    let first = models.next()?;
    let period = (first.start_date, first.horizon_days);
    models
        .all(|model| (model.start_date, model.horizon_days) == period)
        .then_some(period)
}

/// The metric of the chart that `--out` writes, checked before anything runs: `--chart-metric`
/// (any name `Metric::parse` reads) or [`DEFAULT_CHART_METRIC`]; `None` without `--out`.
pub fn chart_metric(request: &SweepRequest) -> Result<Option<Metric>, Error> {
    let Some(text) = &request.chart_metric else {
        return Ok(request.out.as_ref().map(|_| DEFAULT_CHART_METRIC));
    };
    let metric = Metric::parse(text).map_err(|error| {
        let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        let list = crate::validate::suggest::quoted_list(&names);
        let help = match error.diagnostics.first().and_then(|d| d.help.as_deref()) {
            Some(suggestion) if suggestion.starts_with("did you mean") => {
                format!("{suggestion} The metrics are {list}.")
            }
            _ => format!("the metrics are {list}"),
        };
        input(format!("unknown --chart-metric `{text}`"), help)
    })?;
    if request.out.is_none() {
        return Err(input(
            "--chart-metric needs --out DIR: the chart is written next to sweep.csv",
            format!("e.g. `backlog sweep … --out results --chart-metric {}`", metric.name()),
        ));
    }
    Ok(Some(metric))
}

/// The chart of `metric` across the sweep, or why there is none (a note for the user): more
/// values of the second parameter than lines a chart can tell apart.
pub fn chart_of(sweep: &Sweep, metric: Metric) -> Result<SweepChart, String> {
    let chart = SweepChart {
        provenance: sweep.provenance.clone(),
        period: sweep.shared_period,
        port: match &sweep.scope {
            Scope::Total => None,
            Scope::Port(name) => Some(name.clone()),
        },
        metric,
        axes: sweep.axes.clone(),
        estimates: sweep.summaries.iter().map(|summary| summary.estimate(metric)).collect(),
    };
    if chart.lines() > MAX_LINES {
        let second = &sweep.axes[1];
        return Err(format!(
            "no sweep chart: the second --param {} has {} values, more than the {MAX_LINES} lines a chart can \
             tell apart; give it fewer values, or give it first (along the horizontal axis)",
            second.path,
            second.values.len()
        ));
    }
    Ok(chart)
}

/// `backlog sweep`: runs the sweep and prints it; with `--out`, also writes sweep.csv,
/// sweep.json and the chart of the `--chart-metric` (sweep.png and sweep.svg).
pub fn sweep(request: &SweepRequest, stdout: &mut dyn Write) -> Result<(), Error> {
    let metric = chart_metric(request)?;
    let result = run_sweep(request)?;
    if let Some(dir) = &request.out {
        write_atomically(&dir.join("sweep.csv"), to_csv(&result).as_bytes())?;
        write_atomically(&dir.join("sweep.json"), to_json(&result).as_bytes())?;
        match chart_of(&result, metric.unwrap_or(DEFAULT_CHART_METRIC)) {
            Ok(chart) => {
                super::chart::write_charts(
                    &[Chart::Sweep(&chart)],
                    dir,
                    &[chart::Format::Png, chart::Format::Svg],
                    &Options::default(),
                )?;
            }
            Err(note) => eprintln!("note: {note}"),
        }
    }
    let output = match request.settings.format {
        Format::Table => to_table(&result),
        Format::Json => to_json(&result),
        Format::Csv => to_csv(&result),
    };
    write_stdout(stdout, output.as_bytes())
}

/// The folder of one point: `quota_per_day=150` (or `a=1,b=2`), safe on every file system.
pub fn folder_name(point: &[Override]) -> String {
    let name: Vec<String> = point
        .iter()
        .map(|change| {
            let key = change.path.rsplit('.').next().unwrap_or(&change.path);
            format!("{key}={}", change.value_shown())
        })
        .collect();
    name.join(",")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '=' | ',') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn heading(sweep: &Sweep) -> String {
    let paths: Vec<&str> = sweep.axes.iter().map(|a| a.path.as_str()).collect();
    let counts: Vec<String> = sweep.axes.iter().map(|a| a.values.len().to_string()).collect();
    format!(
        "{}: sweep of {} ({} points{})",
        sweep.scenario,
        paths.join(" × "),
        sweep.points.len(),
        if counts.len() > 1 {
            format!(", {}", counts.join(" × "))
        } else {
            String::new()
        }
    )
}

/// The sweep as a table, one row per point.
pub fn to_table(sweep: &Sweep) -> String {
    let p = &sweep.provenance;
    let mut out = format!("{}\n", heading(sweep));
    out.push_str(&format!(
        "{}; {} replications at every point, the same ones (common random numbers); seed {}; backlog {}; scenario sha256 {}\n",
        sweep.period,
        p.replications,
        p.seed,
        p.version,
        &p.scenario_sha256[..12.min(p.scenario_sha256.len())]
    ));
    let whose = match &sweep.scope {
        Scope::Total => "Everyone".to_owned(),
        Scope::Port(name) => format!("Port {name}"),
    };
    out.push_str(&format!(
        "{whose}; means per replication ± half the 95% confidence interval. Waits and days in days; first empty day over the replications where the list emptied.\n\n"
    ));
    let mut header: Vec<String> = sweep.axes.iter().map(|a| a.short_name().to_owned()).collect();
    header.extend(Metric::ALL.iter().map(|m| m.label().to_owned()));
    header.push("emptied".to_owned());
    let mut rows = vec![header];
    for summary in &sweep.summaries {
        let mut row = summary.values.clone();
        row.extend(Metric::ALL.iter().map(|&m| format_plus_minus(m, &summary.estimate(m))));
        row.push(format!("{}/{}", summary.emptied, summary.replications));
        rows.push(row);
    }
    out.push_str(&align(&rows));
    out
}

/// The mean and the ends of the 95% interval of `estimate` as CSV cells (empty when undefined).
pub(crate) fn estimate_cells(estimate: &Estimate) -> [String; 3] {
    let cell = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v}"));
    [cell(estimate.mean), cell(estimate.ci95_low), cell(estimate.ci95_high)]
}

/// The sweep as CSV: a provenance line, then one row per point.
pub fn to_csv(sweep: &Sweep) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = sweep.axes.iter().map(|a| a.path.clone()).collect();
    header.push("scope".to_owned());
    for metric in Metric::ALL {
        for part in ["mean", "ci95_low", "ci95_high"] {
            header.push(format!("{}_{part}", metric.name()));
        }
    }
    header.push("emptied_replications".to_owned());
    header.push("replications".to_owned());
    let _ = writer.write_record(&header);
    for summary in &sweep.summaries {
        let mut row = summary.values.clone();
        row.push(sweep.scope.name().to_owned());
        for metric in Metric::ALL {
            row.extend(estimate_cells(&summary.estimate(metric)));
        }
        row.push(summary.emptied.to_string());
        row.push(summary.replications.to_string());
        let _ = writer.write_record(&row);
    }
    let body = writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let paths: Vec<&str> = sweep.axes.iter().map(|a| a.path.as_str()).collect();
    format!("# {}; sweep of {}\n{body}", sweep.provenance.line(), paths.join(" x "))
}

/// A TOML value in JSON: numbers, strings and booleans as themselves, anything else as text.
pub(crate) fn toml_to_json(value: &toml_edit::Value) -> Json {
    if let Some(i) = value.as_integer() {
        json!(i)
    } else if let Some(f) = value.as_float() {
        json!(f)
    } else if let Some(b) = value.as_bool() {
        json!(b)
    } else if let Some(s) = value.as_str() {
        json!(s)
    } else {
        let mut value = value.clone();
        value.decor_mut().clear();
        json!(value.to_string())
    }
}

pub(crate) fn metrics_json(estimate: impl Fn(Metric) -> Estimate) -> Json {
    let mut metrics = Map::new();
    for metric in Metric::ALL {
        metrics.insert(metric.name().to_owned(), json!(estimate(metric)));
    }
    Json::Object(metrics)
}

/// The sweep as JSON.
pub fn to_json(sweep: &Sweep) -> String {
    let points: Vec<Json> = sweep
        .points
        .iter()
        .zip(&sweep.summaries)
        .map(|(point, summary)| {
            let mut values = Map::new();
            for change in point {
                values.insert(change.path.clone(), toml_to_json(&change.value));
            }
            json!({
                "values": values,
                "replications": summary.replications,
                "emptied_replications": summary.emptied,
                "metrics": metrics_json(|m| summary.estimate(m)),
            })
        })
        .collect();
    let axes: Vec<Json> = sweep
        .axes
        .iter()
        .map(|axis| json!({ "path": axis.path, "values": axis.values.iter().map(toml_to_json).collect::<Vec<_>>() }))
        .collect();
    let document = json!({
        "provenance": sweep.provenance,
        "scope": sweep.scope.name(),
        "paired": "every point runs the same replications with the same random streams (common random numbers)",
        "axes": axes,
        "points": points,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
