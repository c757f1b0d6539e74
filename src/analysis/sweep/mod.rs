//! Sweeps: one scenario run at each value of one or two parameters (a grid), every point with
//! the same replications (common random numbers), one row per point; with an output folder,
//! also a results folder per point and a chart of one metric against the first parameter.
//!
//! A sweep is planned first ([`plan`]: every point is loaded and validated, the output folder
//! checked) and then run ([`SweepPlan::run`]), so that bad input is found before anything runs.

mod axes;
mod labels;
mod shard;

pub use axes::{Axis, MAX_POINTS};
pub(crate) use axes::{PointSummary, grid, numeric};
pub(crate) use labels::{ParamLabel, label};
pub use shard::{SweepShardPlan, merge_sweep_shards, plan_shard};

use super::{Metric, Scope, Variant, align, format_plus_minus, run_each_variant};
use crate::chart::sweep::{MAX_LINES, SweepChart};
use crate::chart::{self, Chart, Options};
use crate::error::{Diagnostic, Error, InputError, Note};
use crate::model::{Date, Model};
use crate::output::{FolderKind, Staging, write_file};
use crate::overrides::Change;
use crate::replicate::RunOptions;
use crate::report::Render;
use crate::results::Provenance;
use crate::results::csv::estimate_fields;
use crate::source::Scenario;
use crate::stats::summary::Estimate;
use serde_json::{Map, Value as Json, json};
use std::path::PathBuf;

/// How the values of one swept parameter are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Values {
    /// Comma-separated values, e.g. `50,100,150` or `fifo,lifo`.
    List(String),
    /// Evenly spaced numbers, `LOW:HIGH:STEP`, e.g. `50:300:25`.
    Range(String),
}

/// One swept parameter with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Dotted path, as for [`Change`].
    pub path: String,
    /// Its values.
    pub values: Values,
}

/// What to sweep.
#[derive(Debug, Clone, Default)]
pub struct SweepRequest {
    /// Changes applied to every point before its swept values.
    pub changes: Vec<Change>,
    /// One or two parameters; two make a grid.
    pub params: Vec<Param>,
    /// Metrics of one port only (everyone when `None`).
    pub port: Option<String>,
    /// Folder for one results folder per point, sweep.csv, sweep.json and the chart.
    pub out: Option<PathBuf>,
    /// The metric of the chart written to `out` ([`DEFAULT_CHART_METRIC`] when `None`).
    pub chart_metric: Option<Metric>,
    /// Write into an `out` folder that holds other files (they are kept).
    pub force: bool,
    /// Text of the chart written to `out` instead of its own.
    pub chart_text: ChartText,
}

/// Text of a sweep chart instead of its own, each one line (`None`: the chart's own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartText {
    /// The title (its own: the metric by the swept parameter).
    pub title: Option<String>,
    /// The subtitle (its own: the base scenario, what the marks are, whose people, the period).
    pub subtitle: Option<String>,
    /// The title of the horizontal axis (its own: the first parameter in words, with its unit).
    pub x_label: Option<String>,
}

/// The metric of the sweep chart when none is given.
pub const DEFAULT_CHART_METRIC: Metric = Metric::WaitP90;

/// A sweep whose every point is loaded and validated, ready to run.
#[derive(Debug)]
pub struct SweepPlan {
    request: SweepRequest,
    axes: Vec<Axis>,
    first: Model,
    points: Vec<Vec<Change>>,
    loaded: Vec<Model>,
    ports: Vec<Option<usize>>,
    folders: Vec<String>,
    scope: Scope,
    out: Option<Staging>,
}

/// A sweep's results.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The scenario's name.
    pub scenario: String,
    /// Provenance of the scenario as run before the swept values (after the changes).
    pub provenance: Provenance,
    /// Whose metrics.
    pub scope: Scope,
    /// The swept parameters.
    pub axes: Vec<Axis>,
    /// The swept parameters in words, one per axis.
    pub(crate) labels: Vec<ParamLabel>,
    /// The changes of each point, in grid order.
    pub points: Vec<Vec<Change>>,
    /// The summary of each point.
    pub(crate) summaries: Vec<PointSummary>,
    /// Start date and horizon, for the table's heading.
    pub period: String,
    /// Start date and horizon of every point, when they are all the same (`None` when the
    /// sweep changes them), for the chart.
    pub(crate) shared_period: Option<(Option<Date>, u32)>,
    /// Things the reader should know (e.g. why there is no chart).
    pub notes: Vec<String>,
}

fn input(message: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Input(InputError::single(Diagnostic::new(message).with_help(help)))
}

/// Parses the parameters into axes.
pub(crate) fn axes(params: &[Param]) -> Result<Vec<Axis>, Error> {
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
            Values::List(text) => axes::parse_values(text)?,
            Values::Range(text) => axes::parse_range(text)?,
        };
        axes.push(Axis {
            path: param.path.clone(),
            values,
        });
    }
    Ok(axes)
}

/// Loads every point of the grid (all are checked before anything runs).
pub(crate) fn load_points(base: &Scenario, sets: &[Change], points: &[Vec<Change>]) -> Result<Vec<Model>, Error> {
    points
        .iter()
        .map(|point| {
            let changes: Vec<Change> = sets.iter().chain(point).cloned().collect();
            base.load_with(&changes)
        })
        .collect()
}

/// Loads and checks every point of a sweep of `scenario`, and its output folder.
pub fn plan(scenario: &Scenario, request: SweepRequest) -> Result<SweepPlan, Error> {
    plan_into(scenario, request, FolderKind::Sweep)
}

/// [`plan`], with the output folder one of `kind`.
fn plan_into(scenario: &Scenario, request: SweepRequest, kind: FolderKind) -> Result<SweepPlan, Error> {
    let axes = axes(&request.params)?;
    crate::chart::sweep::check_text(&request.chart_text)?;
    let first = scenario.load_with(&request.changes)?;
    let scope = request.port.clone().map_or(Scope::Total, Scope::Port);
    let points = grid(&axes)?;
    let loaded = load_points(scenario, &request.changes, &points)?;
    let ports: Vec<Option<usize>> = loaded
        .iter()
        .map(|model| scope.index(model))
        .collect::<Result<_, _>>()?;
    let wanted: Vec<String> = points.iter().map(|point| folder_name(point)).collect();
    let folders = crate::output::folder_names(&wanted);
    let out = request
        .out
        .as_ref()
        .map(|dir| Staging::new(dir, kind, request.force))
        .transpose()?;
    Ok(SweepPlan {
        request,
        axes,
        first,
        points,
        loaded,
        ports,
        folders,
        scope,
        out,
    })
}

impl SweepPlan {
    /// What validation noted about the scenario (with the changes, before the swept values).
    pub fn notes(&self) -> &[Note] {
        &self.first.notes
    }

    /// Runs every point (the replications `options` gives, else the scenario's); with an
    /// output folder, writes a results folder per point, sweep.csv, sweep.json and the chart.
    pub fn run(self, options: &RunOptions) -> Result<Sweep, Error> {
        let options = &self.options(options);
        let replications = options.replications.unwrap_or(self.first.replications);
        let variants = self.variants();
        let out = self
            .out
            .as_ref()
            .map(|staging| (staging.path(), self.folders.as_slice()));
        let runs = run_each_variant(options, &variants, replications, out)?;
        let base = Base::of(&self.first);
        let periods: Vec<_> = self
            .loaded
            .iter()
            .map(|model| (model.start_date, model.horizon_days))
            .collect();
        let mut sweep = assemble(
            &base,
            Provenance::new(&self.first, replications),
            self.scope,
            self.axes,
            self.points,
            &runs,
            periods,
        );
        if let Some(staging) = self.out {
            sweep.write_files(
                staging.path(),
                self.request.chart_metric.unwrap_or(DEFAULT_CHART_METRIC),
                &self.request.chart_text,
            )?;
            staging.commit()?;
        }
        Ok(sweep)
    }

    /// `options` with the share the chart's metric needs, if it needs one.
    fn options(&self, options: &RunOptions) -> RunOptions {
        match self.request.chart_metric {
            Some(Metric::ShareOver(days)) => options.clone().share_over_days(&[days]),
            _ => options.clone(),
        }
    }

    /// Every point's model, with the index of the port whose metrics are reported.
    fn variants(&self) -> Vec<Variant<'_>> {
        self.loaded
            .iter()
            .zip(&self.ports)
            .map(|(model, &port)| Variant { model, port })
            .collect()
    }
}

/// What a sweep's table, files and chart need of its scenario as run before the swept values.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Base {
    /// The scenario's name.
    name: String,
    /// Start date of day 0 (year, month, day).
    start_date: Option<(i32, u32, u32)>,
    horizon_days: u32,
    /// The scenario text, for the parameters' labels.
    scenario_text: String,
}

impl Base {
    fn of(model: &Model) -> Base {
        Base {
            name: model.name.clone(),
            start_date: model.start_date.map(|date| (date.year, date.month, date.day)),
            horizon_days: model.horizon_days,
            scenario_text: model.text.to_string(),
        }
    }
}

/// The sweep of `runs` (one per point) of the base `base`; `periods` are the start date and
/// horizon of every point.
fn assemble(
    base: &Base,
    provenance: Provenance,
    scope: Scope,
    axes: Vec<Axis>,
    points: Vec<Vec<Change>>,
    runs: &[super::Runs],
    periods: Vec<(Option<Date>, u32)>,
) -> Sweep {
    let summaries = points
        .iter()
        .zip(runs)
        .map(|(point, runs)| PointSummary::new(point, runs))
        .collect();
    let start_date = base.start_date.map(|(year, month, day)| Date { year, month, day });
    let period = match start_date {
        Some(date) => format!("{} days from {date}", base.horizon_days),
        None => format!("{} days", base.horizon_days),
    };
    let labels = axes
        .iter()
        .map(|axis| label(&axis.path, Some(&base.scenario_text)))
        .collect();
    Sweep {
        scenario: base.name.clone(),
        provenance,
        scope,
        axes,
        labels,
        points,
        summaries,
        period,
        shared_period: shared_period(periods.into_iter()),
        notes: Vec::new(),
    }
}

/// The start date and horizon of every model, if they all have the same ones.
fn shared_period(mut periods: impl Iterator<Item = (Option<Date>, u32)>) -> Option<(Option<Date>, u32)> {
    let period = periods.next()?;
    periods.all(|other| other == period).then_some(period)
}

/// The chart of `metric` across the sweep with `text` instead of its own, or why there is none
/// (a note for the user): more values of the second parameter than lines a chart can tell apart.
pub(crate) fn chart_of(sweep: &Sweep, metric: Metric, text: &ChartText) -> Result<SweepChart, String> {
    let chart = SweepChart {
        labels: sweep.labels.clone(),
        subtitle: text.subtitle.clone(),
        x_label: text.x_label.clone(),
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

impl Sweep {
    /// The metrics reported at every point: [`Metric::ALL`], then the shares over the days
    /// asked for.
    fn metrics(&self) -> Vec<Metric> {
        self.summaries.first().map_or_else(
            || Metric::ALL.to_vec(),
            |summary| summary.metrics.iter().map(|&(metric, _)| metric).collect(),
        )
    }

    /// Writes sweep.csv, sweep.json and the chart of `metric` (with `text`) into `dir`.
    fn write_files(&mut self, dir: &std::path::Path, metric: Metric, text: &ChartText) -> Result<(), Error> {
        write_file(&dir.join("sweep.csv"), self.to_csv().as_bytes())?;
        write_file(&dir.join("sweep.json"), self.to_json().as_bytes())?;
        match chart_of(self, metric, text) {
            Ok(chart) => {
                chart::write_charts(
                    &[Chart::Sweep(&chart)],
                    dir,
                    &[chart::Format::Png, chart::Format::Svg],
                    &Options {
                        title: text.title.clone(),
                        ..Options::default()
                    },
                )?;
            }
            Err(note) => self.notes.push(note),
        }
        Ok(())
    }

    /// The mean and 95% interval of `metric` at point `point` (in the order of `points`);
    /// `None` past the last point.
    pub fn estimate(&self, point: usize, metric: Metric) -> Option<Estimate> {
        self.summaries.get(point).map(|summary| summary.estimate(metric))
    }
}

/// The folder of one point, before it is made safe: `quota_per_day=150` (or `a=1,b=2`).
fn folder_name(point: &[Change]) -> String {
    let name: Vec<String> = point
        .iter()
        .map(|change| {
            let key = change.path.rsplit('.').next().unwrap_or(&change.path);
            format!("{key}={}", change.value_shown())
        })
        .collect();
    name.join(",")
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

pub(crate) fn metrics_json(metrics_reported: &[Metric], estimate: impl Fn(Metric) -> Estimate) -> Json {
    let mut metrics = Map::new();
    for &metric in metrics_reported {
        metrics.insert(metric.name().into_owned(), json!(estimate(metric)));
    }
    Json::Object(metrics)
}

impl crate::report::Render for Sweep {
    fn to_table(&self) -> String {
        let p = &self.provenance;
        let mut out = format!("{}\n", heading(self));
        out.push_str(&format!(
            "{}; {} at every point, the same ones (common random numbers); seed {}; backlog {}; scenario sha256 {}\n",
            self.period,
            crate::format::replications(p.replications),
            p.seed,
            p.version,
            p.short_sha256()
        ));
        crate::report::table::changes_lines(&mut out, p);
        let whose = match &self.scope {
            Scope::Total => "Everyone".to_owned(),
            Scope::Port(name) if name == super::END_TO_END => "Everyone end to end through the network".to_owned(),
            Scope::Port(name) => format!("Port {name}"),
        };
        out.push_str(&format!(
            "{whose}; means per replication ± half the 95% confidence interval. Waits and days in days; first empty day over the replications where the list emptied.\n\n"
        ));
        let metrics = self.metrics();
        let mut header: Vec<String> = self.axes.iter().map(|a| a.short_name().to_owned()).collect();
        header.extend(metrics.iter().map(|m| m.label().into_owned()));
        header.push("emptied".to_owned());
        let mut rows = vec![header];
        for summary in &self.summaries {
            let mut row = summary.values.clone();
            row.extend(metrics.iter().map(|&m| format_plus_minus(m, &summary.estimate(m))));
            row.push(format!("{}/{}", summary.emptied, summary.replications));
            rows.push(row);
        }
        out.push_str(&align(&rows));
        out
    }

    fn to_csv(&self) -> String {
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        let mut header: Vec<String> = self.axes.iter().map(|a| a.path.clone()).collect();
        header.push("scope".to_owned());
        let metrics = self.metrics();
        for metric in &metrics {
            for part in ["mean", "ci95_low", "ci95_high"] {
                header.push(format!("{}_{part}", metric.name()));
            }
        }
        header.push("emptied_replications".to_owned());
        header.push("replications".to_owned());
        let _ = writer.write_record(&header);
        for summary in &self.summaries {
            let mut row = summary.values.clone();
            row.push(self.scope.name().to_owned());
            for &metric in &metrics {
                row.extend(estimate_fields(&summary.estimate(metric)));
            }
            row.push(summary.emptied.to_string());
            row.push(summary.replications.to_string());
            let _ = writer.write_record(&row);
        }
        writer
            .into_inner()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }

    fn to_json(&self) -> String {
        let metrics = self.metrics();
        let points: Vec<Json> = self
            .points
            .iter()
            .zip(&self.summaries)
            .map(|(point, summary)| {
                let mut values = Map::new();
                for change in point {
                    values.insert(change.path.clone(), toml_to_json(&change.value));
                }
                json!({
                    "values": values,
                    "replications": summary.replications,
                    "emptied_replications": summary.emptied,
                    "metrics": metrics_json(&metrics, |m| summary.estimate(m)),
                })
            })
            .collect();
        let axes: Vec<Json> = self
            .axes
            .iter()
            .map(
                |axis| json!({ "path": axis.path, "values": axis.values.iter().map(toml_to_json).collect::<Vec<_>>() }),
            )
            .collect();
        let document = json!({
            "provenance": self.provenance,
            "scope": self.scope.name(),
            "paired": "every point runs the same replications with the same random streams (common random numbers)",
            "axes": axes,
            "points": points,
        });
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        text
    }
}
