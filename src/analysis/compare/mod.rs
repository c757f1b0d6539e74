//! Comparisons: two or more scenarios run with the same seed and replications (common random
//! numbers), their metrics side by side, and each one's paired difference from the first.

mod paired;
mod period;
mod shard;

use crate::report::Render;
pub use paired::MetricRow;
use paired::narrowing;
pub use period::{Common, Period, Periods};
pub use shard::{CompareShardPlan, merge_compare_shards, plan_shard};

use super::sweep::metrics_json;
use super::{Metric, Runs, Scope, Variant, align, format_interval, format_metric, run_each_variant};
use crate::chart::{self, Chart, Kind, Options};
use crate::error::{Diagnostic, Error, InputError, Note};
use crate::model::Model;
use crate::output::{FolderKind, Staging, write_file};
use crate::overrides::Change;
use crate::replicate::RunOptions;
use crate::results::csv::estimate_fields;
use crate::results::{Folder, Provenance};
use crate::source::Scenario;
use crate::stats::summary::Estimate;
use serde_json::{Map, Value as Json, json};
use std::path::{Path, PathBuf};

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct CompareRequest {
    /// Two or more scenarios; the first is the baseline.
    pub scenarios: Vec<Scenario>,
    /// Changes applied to every scenario.
    pub changes: Vec<Change>,
    /// Seed of every scenario (the first scenario's when `None`).
    pub seed: Option<u64>,
    /// Folder for one results folder per scenario, comparison.csv/json and the comparison charts.
    pub out: Option<PathBuf>,
    /// Metrics of one port only (everyone when `None`); every scenario must have it.
    pub port: Option<String>,
    /// Write into an `out` folder that holds other files (they are kept).
    pub force: bool,
    /// Compare scenarios that cover different periods over the period they have in common
    /// (else they are refused).
    pub allow_different_periods: bool,
}

/// A comparison whose scenarios are loaded and validated, ready to run.
#[derive(Debug)]
pub struct ComparePlan {
    out: Option<Staging>,
    /// Each scenario as run, the seed it gives itself when another is used, and its file.
    loaded: Vec<(Model, Option<u64>, String)>,
    notes: Vec<Note>,
    first_replications: u32,
    seed: u64,
    scope: Scope,
    ports: Vec<Option<usize>>,
    folders: Vec<String>,
    periods: PeriodComparison,
}

/// How the periods of compared scenarios were reconciled.
#[derive(Debug, Clone)]
pub struct PeriodComparison {
    /// Each scenario's own period (with the changes, before any cut).
    pub periods: Periods,
    /// That they differ, naming each one's (`None` when they are the same).
    pub warning: Option<String>,
    /// The period compared when theirs differ: every run is cut at its end.
    pub common: Option<Common>,
}

impl PeriodComparison {
    /// The metrics whose differences cannot be confined to the common period: those of the
    /// list day by day, which each scenario follows from its own start (when some start before
    /// the common period).
    pub fn left_out(&self) -> &'static [Metric] {
        match &self.common {
            Some(common) if common.starts_differ() => &[Metric::PeakList, Metric::FirstEmptyDay],
            _ => &[],
        }
    }

    /// What comparing over the common period means, in a sentence or two (`None` without one).
    pub fn explain(&self) -> Option<String> {
        let common = self.common.as_ref()?;
        let mut text = format!(
            "compared over the common period only, {}: every run ends on its last day",
            common.period.describe()
        );
        if common.starts_differ() {
            text.push_str(
                "; per-person metrics count the people who joined the list during it (as a warm-up up to its first day would); \
                 the peak list and the first empty day are left out, as the scenarios that start earlier follow their list from before it",
            );
        }
        text.push('.');
        Some(text)
    }

    /// The comparison's periods as JSON: whether they differ (and the warning), the common
    /// period compared, the metrics left out and the axis of the charts.
    fn to_json(&self) -> Json {
        json!({
            "differ": self.warning.is_some(),
            "warning": self.warning,
            "common_period": self.common.as_ref().map(|common| common.period.to_json()),
            "explanation": self.explain(),
            "left_out": self.left_out().iter().map(|m| m.name()).collect::<Vec<_>>(),
            "chart_axis": self.axis(),
        })
    }

    /// The axis of the charts: `calendar date`, or `days from each scenario's start`.
    pub fn axis(&self) -> &'static str {
        if self.periods.dated() {
            "calendar date"
        } else {
            "days from each scenario's start"
        }
    }

    /// A note for the reader when the charts cannot go by calendar date though some scenarios
    /// have dates.
    pub fn axis_note(&self) -> Option<String> {
        self.periods
            .partly_dated()
            .then(|| "not every scenario has a start date, so the charts count days from each one's start".to_owned())
    }
}

/// One compared scenario.
#[derive(Debug, Clone)]
pub struct Compared {
    /// `A`, `B`, …
    pub letter: String,
    /// The file as given.
    pub file: String,
    /// The scenario's name.
    pub name: String,
    /// The seed the file itself gives, when it differs from the one used.
    pub own_seed: Option<u64>,
    /// Provenance of the scenario as run.
    pub provenance: Provenance,
}

/// A comparison's results.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The scenarios, the first being the baseline.
    pub scenarios: Vec<Compared>,
    /// Seed used by all.
    pub seed: u64,
    /// Replications of each.
    pub replications: u32,
    /// Whose metrics.
    pub scope: Scope,
    /// Each scenario's runs.
    pub(crate) runs: Vec<Runs>,
    /// Every metric side by side, with paired and unpaired differences.
    pub rows: Vec<MetricRow>,
    /// Notes for the reader (e.g. charts left out).
    pub notes: Vec<String>,
    /// How the scenarios' periods compare, and the common period compared when they differ.
    pub periods: PeriodComparison,
}

fn input(message: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Input(InputError::single(Diagnostic::new(message).with_help(help)))
}

fn letter(i: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if i < letters.len() {
        (letters[i] as char).to_string()
    } else {
        format!("S{}", i + 1)
    }
}

/// Loads and checks every scenario of a comparison, and its output folder.
pub fn plan(request: CompareRequest) -> Result<ComparePlan, Error> {
    plan_into(request, FolderKind::Compare)
}

/// [`plan`], its output folder (if any) to be of `kind`.
fn plan_into(request: CompareRequest, kind: FolderKind) -> Result<ComparePlan, Error> {
    if request.scenarios.len() < 2 {
        return Err(input(
            "compare needs two or more scenario files",
            "for example: backlog compare scenarios/tijuana-2018.toml scenarios/tijuana-mpp-2019.toml",
        ));
    }
    let sets = &request.changes;
    // Each scenario as written (with the changes), to learn its own seed; the first gives the
    // seed and replications of all unless the request does.
    let own: Vec<Model> = request
        .scenarios
        .iter()
        .map(|scenario| scenario.load_with(sets))
        .collect::<Result<_, _>>()?;
    let seed = request.seed.unwrap_or(own[0].seed);
    let first_replications = own[0].replications;
    let seed_change = Change::integer(
        "run.seed",
        i64::try_from(seed).map_err(|_| input("--seed is too large", "use a seed up to 9223372036854775807"))?,
    );
    let files: Vec<&str> = request.scenarios.iter().map(Scenario::name).collect();
    let periods = reconcile_periods(Periods::of(&own), &files, request.allow_different_periods)?;
    let mut loaded = Vec::new();
    for (i, (scenario, model)) in request.scenarios.iter().zip(own).enumerate() {
        let file = scenario.name().to_owned();
        let mut changes = Vec::new();
        if let Some(common) = &periods.common {
            changes.extend(cut_to_common(&model, common, i));
        }
        let own_seed = (model.seed != seed).then_some(model.seed);
        if own_seed.is_some() {
            changes.push(seed_change.clone());
        }
        if changes.is_empty() {
            loaded.push((model, None, file));
        } else {
            let changes: Vec<Change> = sets.iter().cloned().chain(changes).collect();
            let mut model = scenario.load_with(&changes)?;
            // Provenance names what the user changed; the comparison says what it changed itself
            // (the shared seed, the common period).
            model.changes.truncate(sets.len());
            loaded.push((model, own_seed, file));
        }
    }
    let notes: Vec<Note> = loaded
        .iter()
        .flat_map(|(model, ..)| model.notes.iter().cloned())
        .collect();
    let scope = request.port.clone().map_or(Scope::Total, Scope::Port);
    let ports: Vec<Option<usize>> = loaded
        .iter()
        .map(|(model, ..)| scope.index(model))
        .collect::<Result<_, _>>()?;
    let folders = folder_names(&files);
    let out = request
        .out
        .as_ref()
        .map(|dir| Staging::new(dir, kind, request.force))
        .transpose()?;
    Ok(ComparePlan {
        out,
        loaded,
        notes,
        first_replications,
        seed,
        scope,
        ports,
        folders,
        periods,
    })
}

/// Checks the periods of the scenarios (with the changes, of `files`): the same, or, when
/// allowed, different but sharing at least a day. Before anything runs.
fn reconcile_periods(periods: Periods, files: &[&str], allow: bool) -> Result<PeriodComparison, Error> {
    if !periods.differ() {
        return Ok(PeriodComparison {
            periods,
            warning: None,
            common: None,
        });
    }
    let warning = periods.warning(files);
    let Some(common) = periods.common() else {
        return Err(input(
            format!("{warning}, with no day in common"),
            "compare scenarios whose periods overlap: change run.start_date or run.horizon_days in one of the files",
        ));
    };
    if !allow {
        return Err(input(
            warning,
            format!(
                "pass --allow-different-periods to compare over the common period only, {}",
                common.period.describe()
            ),
        ));
    }
    Ok(PeriodComparison {
        periods,
        warning: Some(warning),
        common: Some(common),
    })
}

/// The changes that confine scenario `i` (`model`) to the `common` period: its horizon cut at
/// the period's end, and, when it starts earlier, per-person statistics confined to the people
/// who join from the period's first day on (its warm-up, unless its own is longer).
fn cut_to_common(model: &Model, common: &Common, i: usize) -> Vec<Change> {
    let mut changes = Vec::new();
    let horizon_days = common.horizon_days(i);
    if horizon_days != model.horizon_days {
        changes.push(Change::integer("run.horizon_days", i64::from(horizon_days)));
    }
    let from_day = common.from_day[i];
    if from_day > model.warm_up_days {
        changes.push(Change::integer("run.warm_up_days", i64::from(from_day)));
    }
    changes
}

impl ComparePlan {
    /// What validation noted about each scenario as it will run, in order.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// How the scenarios' periods compare: the warning when they differ, and the common period
    /// compared.
    pub fn periods(&self) -> &PeriodComparison {
        &self.periods
    }

    /// Runs every scenario (the replications `options` gives, else the first scenario's); with
    /// an output folder, writes a results folder per scenario, comparison.csv, comparison.json
    /// and the comparison charts.
    pub fn run(self, options: &RunOptions) -> Result<Comparison, Error> {
        let replications = options.replications.unwrap_or(self.first_replications);
        let scenarios = self.compared(replications);
        let variants = self.variants();
        let out = self
            .out
            .as_ref()
            .map(|staging| (staging.path(), self.folders.as_slice()));
        let runs = run_each_variant(options, &variants, replications, out)?;
        let done = Done {
            scenarios,
            seed: self.seed,
            replications,
            scope: self.scope,
            runs,
            periods: self.periods,
        };
        done.finish(self.out, &self.folders)
    }

    /// Each scenario as compared, run `replications` times.
    fn compared(&self, replications: u32) -> Vec<Compared> {
        self.loaded
            .iter()
            .enumerate()
            .map(|(i, (model, own_seed, file))| Compared {
                letter: letter(i),
                file: file.clone(),
                name: model.name.clone(),
                own_seed: *own_seed,
                provenance: Provenance::new(model, replications),
            })
            .collect()
    }

    /// Each scenario as run, with the port whose metrics are compared.
    fn variants(&self) -> Vec<Variant<'_>> {
        self.loaded
            .iter()
            .zip(&self.ports)
            .map(|((model, ..), &port)| Variant { model, port })
            .collect()
    }
}

/// A comparison whose scenarios have run: what is left is comparing them and writing.
struct Done {
    scenarios: Vec<Compared>,
    seed: u64,
    replications: u32,
    scope: Scope,
    runs: Vec<Runs>,
    periods: PeriodComparison,
}

impl Done {
    /// Compares the runs; with an output folder (`out`, holding a results folder per scenario,
    /// named `folders`), writes comparison.csv, comparison.json and the comparison charts.
    fn finish(self, out: Option<Staging>, folders: &[String]) -> Result<Comparison, Error> {
        let mut notes: Vec<String> = self.periods.axis_note().into_iter().collect();
        if let Some(staging) = &out {
            let labels: Vec<String> = self
                .scenarios
                .iter()
                .map(|s| format!("{}: {}", s.letter, s.name))
                .collect();
            notes.extend(write_charts(staging.path(), folders, &labels)?);
        }
        let rows = paired::compare(&self.runs, self.periods.left_out());
        let comparison = Comparison {
            scenarios: self.scenarios,
            seed: self.seed,
            replications: self.replications,
            scope: self.scope,
            runs: self.runs,
            rows,
            notes,
            periods: self.periods,
        };
        if let Some(staging) = out {
            write_file(&staging.path().join("comparison.csv"), comparison.to_csv().as_bytes())?;
            write_file(&staging.path().join("comparison.json"), comparison.to_json().as_bytes())?;
            staging.commit()?;
        }
        Ok(comparison)
    }
}

/// Folder names from the files' names (`tijuana-2018`), made distinct.
/// Several files of the same name get their letters (`A-s`, `B-s`), and every name is made
/// safe and distinct (see [`crate::output::folder_names`]).
fn folder_names(files: &[&str]) -> Vec<String> {
    let stems: Vec<String> = files
        .iter()
        .map(|file| {
            Path::new(file)
                .file_stem()
                .map_or_else(|| "scenario".to_owned(), |s| s.to_string_lossy().into_owned())
        })
        .collect();
    let wanted: Vec<String> = stems
        .iter()
        .enumerate()
        .map(|(i, stem)| {
            if stems.iter().filter(|other| *other == stem).count() > 1 {
                format!("{}-{stem}", letter(i))
            } else {
                stem.clone()
            }
        })
        .collect();
    crate::output::folder_names(&wanted)
}

/// The comparison charts (every kind, PNG and SVG) of the results folders in `dir`.
fn write_charts(dir: &Path, folders: &[String], labels: &[String]) -> Result<Vec<String>, Error> {
    if folders.len() > chart::MAX_COMPARED {
        return Ok(vec![format!(
            "no comparison charts: they show at most {} scenarios",
            chart::MAX_COMPARED
        )]);
    }
    let results: Vec<Folder> = folders
        .iter()
        .map(|folder| Folder::read(&dir.join(folder)))
        .collect::<Result<_, _>>()?;
    let charts: Vec<Chart<'_>> = Kind::ALL
        .iter()
        .map(|&kind| Chart::Compare(kind, &results, labels))
        .collect();
    chart::write_charts(
        &charts,
        dir,
        &[chart::Format::Png, chart::Format::Svg],
        &Options::default(),
    )?;
    Ok(Vec::new())
}

impl crate::report::Render for Comparison {
    /// The comparison as a table: one row per metric, one column per scenario, then each paired
    /// difference from the first.
    fn to_table(&self) -> String {
        let mut out = format!(
            "Comparison of {} scenarios, each run with the same {} and seed {} (common random numbers)\n",
            self.scenarios.len(),
            crate::format::replications(self.replications),
            self.seed
        );
        let differ = self.periods.warning.is_some();
        for (s, period) in self.scenarios.iter().zip(&self.periods.periods.each) {
            out.push_str(&format!("  {}: {} ({})", s.letter, s.name, s.file));
            if differ {
                out.push_str(&format!(", {}", period.describe()));
            }
            if let Some(own) = s.own_seed {
                out.push_str(&format!("; run with seed {} instead of its own {own}", self.seed));
            }
            out.push('\n');
        }
        if let Some(explain) = self.periods.explain() {
            let mut chars = explain.chars();
            out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
            out.push_str(chars.as_str());
            out.push('\n');
        }
        let whose = match &self.scope {
            Scope::Total => "Everyone".to_owned(),
            Scope::Port(name) if name == super::END_TO_END => "Everyone end to end through the network".to_owned(),
            Scope::Port(name) => format!("Port {name}"),
        };
        let base = &self.scenarios[0].letter;
        out.push_str(&format!(
            "{whose}; means per replication with 95% confidence intervals. Differences from {base} are paired, replication by replication; \"unpaired\" is the ± that independent runs would give.\n\n"
        ));
        let mut header = vec!["metric".to_owned()];
        header.extend(self.scenarios.iter().map(|s| s.letter.clone()));
        for s in &self.scenarios[1..] {
            header.push(format!("{} − {base} (paired)", s.letter));
            header.push("unpaired ±".to_owned());
        }
        let mut rows = vec![header];
        for row in &self.rows {
            let metric = row.metric;
            let mut cells = vec![if metric.in_days() {
                format!("{} (days)", metric.label())
            } else {
                metric.label().into_owned()
            }];
            cells.extend(row.estimates.iter().map(|e| format_interval(metric, e, false)));
            for (p, u) in row.paired.iter().zip(&row.unpaired) {
                cells.push(format_interval(metric, p, true));
                cells.push(
                    u.half_width()
                        .map_or_else(|| "–".to_owned(), |h| format!("±{}", format_metric(metric, h))),
                );
            }
            rows.push(cells);
        }
        if !self.periods.left_out().contains(&Metric::FirstEmptyDay) {
            let mut last = vec!["list emptied in".to_owned()];
            last.extend(self.runs.iter().map(|r| format!("{}/{}", r.emptied(), r.len())));
            rows.push(last);
        }
        out.push_str(&align(&rows));
        out
    }

    /// The comparison as CSV: one row per scenario and metric, with the paired and unpaired
    /// difference from the first scenario.
    fn to_csv(&self) -> String {
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record([
            "scenario",
            "file",
            "name",
            "scope",
            "metric",
            "mean",
            "ci95_low",
            "ci95_high",
            "paired_difference",
            "paired_ci95_low",
            "paired_ci95_high",
            "unpaired_ci95_low",
            "unpaired_ci95_high",
        ]);
        for row in &self.rows {
            for (i, s) in self.scenarios.iter().enumerate() {
                let mut record = vec![
                    s.letter.clone(),
                    s.file.clone(),
                    s.name.clone(),
                    self.scope.name().to_owned(),
                    row.metric.name().into_owned(),
                ];
                record.extend(estimate_fields(&row.estimates[i]));
                if i == 0 {
                    record.extend(std::iter::repeat_n(String::new(), 5));
                } else {
                    record.extend(estimate_fields(&row.paired[i - 1]));
                    let [_, low, high] = estimate_fields(&row.unpaired[i - 1]);
                    record.push(low);
                    record.push(high);
                }
                let _ = writer.write_record(&record);
            }
        }
        writer
            .into_inner()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }

    /// The comparison as JSON.
    fn to_json(&self) -> String {
        let scenarios: Vec<Json> = self
            .scenarios
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut entry = Map::new();
                entry.insert("label".into(), json!(s.letter));
                entry.insert("file".into(), json!(s.file));
                entry.insert("provenance".into(), json!(s.provenance));
                entry.insert("own_seed".into(), json!(s.own_seed));
                entry.insert("period".into(), self.periods.periods.each[i].to_json());
                let emptied = self.rows.iter().any(|r| r.metric == Metric::FirstEmptyDay);
                entry.insert(
                    "emptied_replications".into(),
                    json!(emptied.then(|| self.runs[i].emptied())),
                );
                let row = |m: Metric| self.rows.iter().find(|r| r.metric == m);
                let metrics: Vec<Metric> = self.rows.iter().map(|r| r.metric).collect();
                let pick = |f: &dyn Fn(&MetricRow) -> Estimate| {
                    metrics_json(&metrics, |m| row(m).map_or_else(|| Estimate::from_values(&[]), f))
                };
                entry.insert("metrics".into(), pick(&|r| r.estimates[i]));
                if i > 0 {
                    entry.insert("paired_difference".into(), pick(&|r| r.paired[i - 1]));
                    entry.insert("unpaired_difference".into(), pick(&|r| r.unpaired[i - 1]));
                    let mut narrower = Map::new();
                    for r in &self.rows {
                        narrower.insert(
                            r.metric.name().into_owned(),
                            json!(narrowing(&r.paired[i - 1], &r.unpaired[i - 1])),
                        );
                    }
                    entry.insert("paired_interval_narrower_by".into(), Json::Object(narrower));
                }
                Json::Object(entry)
            })
            .collect();
        let document = json!({
            "seed": self.seed,
            "replications": self.replications,
            "scope": self.scope.name(),
            "paired": "replication r of every scenario uses the same random streams (keyed by stream and port name); differences are taken replication by replication",
            "periods": self.periods.to_json(),
            "scenarios": scenarios,
        });
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        text
    }
}
