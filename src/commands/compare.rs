//! `backlog compare A.toml B.toml [C.toml …]`: the scenarios run with the same seed and
//! replications (common random numbers), their metrics side by side, and each one's paired
//! difference from the first.

use super::sweep::{estimate_cells, metrics_json};
use super::{Format, RunSettings, ScenarioText, run_each_variant, write_atomically, write_stdout};
use crate::analysis::compare::{self as paired, MetricRow, narrowing};
use crate::analysis::{Metric, Runs, Scope, Variant, align, format_interval, format_metric};
use crate::chart::{self, Chart, Kind, Options};
use crate::error::{Diagnostic, Error, InputError};
use crate::model::Model;
use crate::overrides::{self, Override};
use crate::report::Provenance;
use crate::stats::summary::Estimate;
use serde_json::{Map, Value as Json, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Everything `backlog compare` needs.
#[derive(Debug, Clone, Default)]
pub struct CompareRequest {
    /// Two or more scenario files; the first is the baseline.
    pub scenarios: Vec<PathBuf>,
    /// Overrides (applied to every scenario), replications, threads, format on stdout and
    /// progress bar.
    pub settings: RunSettings,
    /// Seed of every scenario (the first scenario's when `None`).
    pub seed: Option<u64>,
    /// Folder for one results folder per scenario, comparison.csv/json and the comparison charts.
    pub out: Option<PathBuf>,
    /// Metrics of one port only (everyone when `None`); every scenario must have it.
    pub port: Option<String>,
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
    pub runs: Vec<Runs>,
    /// Every metric side by side, with paired and unpaired differences.
    pub rows: Vec<MetricRow>,
    /// Notes for the reader (e.g. charts left out).
    pub notes: Vec<String>,
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

/// Runs the comparison; with `out`, also writes one results folder per scenario and the charts.
pub fn run_compare(request: &CompareRequest) -> Result<Comparison, Error> {
    if request.scenarios.len() < 2 {
        return Err(input(
            "compare needs two or more scenario files",
            "for example: backlog compare scenarios/tijuana-2018.toml scenarios/tijuana-mpp-2019.toml",
        ));
    }
    if request.settings.threads == Some(0) {
        return Err(input("--threads must be at least 1", "leave it out to use every core"));
    }
    let sets = overrides::parse_all(&request.settings.sets)?;
    let texts: Vec<ScenarioText> = request
        .scenarios
        .iter()
        .map(|path| ScenarioText::read(Some(path)))
        .collect::<Result<_, _>>()?;
    // Each scenario as written (with --set), to learn its own seed; the first gives the seed
    // and replications of all unless the flags do.
    let own: Vec<(Model, String)> = texts
        .iter()
        .map(|text| {
            text.load(&sets).map(|(loaded, text)| {
                super::print_notes(&loaded.notes, request.settings.quiet);
                (loaded.model, text)
            })
        })
        .collect::<Result<_, _>>()?;
    let seed = request.seed.unwrap_or(own[0].0.seed);
    let replications = request.settings.replications.unwrap_or(own[0].0.replications);
    let seed_override = Override::integer(
        "run.seed",
        i64::try_from(seed).map_err(|_| input("--seed is too large", "use a seed up to 9223372036854775807"))?,
    );
    let mut loaded = Vec::new();
    for ((text, (model, as_written)), path) in texts.iter().zip(own).zip(&request.scenarios) {
        if model.seed == seed {
            loaded.push((model, as_written, None, path));
        } else {
            let changes: Vec<Override> = sets.iter().cloned().chain([seed_override.clone()]).collect();
            let (reloaded, as_run) = text.load(&changes)?;
            loaded.push((reloaded.model, as_run, Some(model.seed), path));
        }
    }
    let scope = request.port.clone().map_or(Scope::Total, Scope::Port);
    let ports: Vec<Option<usize>> = loaded
        .iter()
        .map(|(model, ..)| scope.index(model))
        .collect::<Result<_, _>>()?;
    let scenarios: Vec<Compared> = loaded
        .iter()
        .enumerate()
        .map(|(i, (model, text, own_seed, path))| Compared {
            letter: letter(i),
            file: path.display().to_string(),
            name: model.name.clone(),
            own_seed: *own_seed,
            provenance: Provenance::new(model, text, replications),
        })
        .collect();
    let folders = folder_names(&request.scenarios);
    if let Some(dir) = &request.out {
        super::sweep::check_out_folder(dir, "comparison.csv", &folders)?;
    }
    let variants: Vec<Variant<'_>> = loaded
        .iter()
        .zip(&ports)
        .map(|((model, ..), &port)| Variant { model, port })
        .collect();
    let texts: Vec<&str> = loaded.iter().map(|(_, text, ..)| text.as_str()).collect();
    let out = request.out.as_deref().map(|dir| (dir, folders.as_slice()));
    let runs = run_each_variant(&request.settings, &variants, &texts, replications, out)?;
    let mut notes = Vec::new();
    if let Some(dir) = &request.out {
        let labels: Vec<String> = scenarios.iter().map(|s| format!("{}: {}", s.letter, s.name)).collect();
        notes.extend(write_charts(dir, &folders, &labels)?);
    }
    let rows = paired::compare(&runs);
    Ok(Comparison {
        scenarios,
        seed,
        replications,
        scope,
        runs,
        rows,
        notes,
    })
}

/// Folder names from the files' names (`tijuana-2018`), made distinct.
fn folder_names(files: &[PathBuf]) -> Vec<String> {
    let stems: Vec<String> = files
        .iter()
        .map(|path| {
            path.file_stem()
                .map_or_else(|| "scenario".to_owned(), |s| s.to_string_lossy().into_owned())
        })
        .collect();
    stems
        .iter()
        .enumerate()
        .map(|(i, stem)| {
            if stems.iter().filter(|other| *other == stem).count() > 1 {
                format!("{}-{stem}", letter(i))
            } else {
                stem.clone()
            }
        })
        .collect()
}

/// The comparison charts (every kind, PNG and SVG) of the results folders in `dir`.
fn write_charts(dir: &Path, folders: &[String], labels: &[String]) -> Result<Vec<String>, Error> {
    if folders.len() > chart::compare::MAX_SERIES {
        return Ok(vec![format!(
            "no comparison charts: they show at most {} scenarios",
            chart::compare::MAX_SERIES
        )]);
    }
    let results: Vec<chart::Results> = folders
        .iter()
        .map(|folder| chart::Results::load(&dir.join(folder)))
        .collect::<Result<_, _>>()?;
    let charts: Vec<Chart<'_>> = Kind::ALL
        .iter()
        .map(|&kind| Chart::Compare(kind, &results, labels))
        .collect();
    super::chart::write_charts(
        &charts,
        dir,
        &[chart::Format::Png, chart::Format::Svg],
        &Options::default(),
    )?;
    Ok(Vec::new())
}

/// `backlog compare`: runs the comparison and prints it (and writes files with `--out`).
pub fn compare(request: &CompareRequest, stdout: &mut dyn Write) -> Result<(), Error> {
    let comparison = run_compare(request)?;
    for note in &comparison.notes {
        eprintln!("note: {note}");
    }
    if let Some(dir) = &request.out {
        write_atomically(&dir.join("comparison.csv"), to_csv(&comparison).as_bytes())?;
        write_atomically(&dir.join("comparison.json"), to_json(&comparison).as_bytes())?;
    }
    let output = match request.settings.format {
        Format::Table => to_table(&comparison),
        Format::Json => to_json(&comparison),
        Format::Csv => to_csv(&comparison),
    };
    write_stdout(stdout, output.as_bytes())
}

/// The comparison as a table: one row per metric, one column per scenario, then each paired
/// difference from the first.
pub fn to_table(comparison: &Comparison) -> String {
    let mut out = format!(
        "Comparison of {} scenarios, each run with the same {} replications and seed {} (common random numbers)\n",
        comparison.scenarios.len(),
        comparison.replications,
        comparison.seed
    );
    for s in &comparison.scenarios {
        out.push_str(&format!("  {}: {} ({})", s.letter, s.name, s.file));
        if let Some(own) = s.own_seed {
            out.push_str(&format!("; run with seed {} instead of its own {own}", comparison.seed));
        }
        out.push('\n');
    }
    let whose = match &comparison.scope {
        Scope::Total => "Everyone".to_owned(),
        Scope::Port(name) => format!("Port {name}"),
    };
    let base = &comparison.scenarios[0].letter;
    out.push_str(&format!(
        "{whose}; means per replication with 95% confidence intervals. Differences from {base} are paired, replication by replication; \"unpaired\" is the ± that independent runs would give.\n\n"
    ));
    let mut header = vec!["metric".to_owned()];
    header.extend(comparison.scenarios.iter().map(|s| s.letter.clone()));
    for s in &comparison.scenarios[1..] {
        header.push(format!("{} − {base} (paired)", s.letter));
        header.push("unpaired ±".to_owned());
    }
    let mut rows = vec![header];
    for row in &comparison.rows {
        let metric = row.metric;
        let mut cells = vec![if metric.in_days() {
            format!("{} (days)", metric.label())
        } else {
            metric.label().to_owned()
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
    let emptied: Vec<String> = comparison
        .runs
        .iter()
        .map(|r| format!("{}/{}", r.emptied(), r.len()))
        .collect();
    let mut last = vec!["list emptied in".to_owned()];
    last.extend(emptied);
    rows.push(last);
    out.push_str(&align(&rows));
    out
}

/// The comparison as CSV: one row per scenario and metric, with the paired and unpaired
/// difference from the first scenario.
pub fn to_csv(comparison: &Comparison) -> String {
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
    for row in &comparison.rows {
        for (i, s) in comparison.scenarios.iter().enumerate() {
            let mut record = vec![
                s.letter.clone(),
                s.file.clone(),
                s.name.clone(),
                comparison.scope.name().to_owned(),
                row.metric.name().to_owned(),
            ];
            record.extend(estimate_cells(&row.estimates[i]));
            if i == 0 {
                record.extend(std::iter::repeat_n(String::new(), 5));
            } else {
                record.extend(estimate_cells(&row.paired[i - 1]));
                let [_, low, high] = estimate_cells(&row.unpaired[i - 1]);
                record.push(low);
                record.push(high);
            }
            let _ = writer.write_record(&record);
        }
    }
    let body = writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let lines: Vec<String> = comparison
        .scenarios
        .iter()
        .map(|s| format!("# {}: {}", s.letter, s.provenance.line()))
        .collect();
    format!("{}\n{body}", lines.join("\n"))
}

/// The comparison as JSON.
pub fn to_json(comparison: &Comparison) -> String {
    let scenarios: Vec<Json> = comparison
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut entry = Map::new();
            entry.insert("label".into(), json!(s.letter));
            entry.insert("file".into(), json!(s.file));
            entry.insert("provenance".into(), json!(s.provenance));
            entry.insert("own_seed".into(), json!(s.own_seed));
            entry.insert("emptied_replications".into(), json!(comparison.runs[i].emptied()));
            let row = |m: Metric| comparison.rows.iter().find(|r| r.metric == m);
            let pick = |f: &dyn Fn(&MetricRow) -> Estimate| {
                metrics_json(|m| row(m).map_or_else(|| Estimate::from_values(&[]), f))
            };
            entry.insert("metrics".into(), pick(&|r| r.estimates[i]));
            if i > 0 {
                entry.insert("paired_difference".into(), pick(&|r| r.paired[i - 1]));
                entry.insert("unpaired_difference".into(), pick(&|r| r.unpaired[i - 1]));
                let mut narrower = Map::new();
                for r in &comparison.rows {
                    narrower.insert(
                        r.metric.name().to_owned(),
                        json!(narrowing(&r.paired[i - 1], &r.unpaired[i - 1])),
                    );
                }
                entry.insert("paired_interval_narrower_by".into(), Json::Object(narrower));
            }
            Json::Object(entry)
        })
        .collect();
    let document = json!({
        "seed": comparison.seed,
        "replications": comparison.replications,
        "scope": comparison.scope.name(),
        "paired": "replication r of every scenario uses the same random streams (keyed by stream and port name); differences are taken replication by replication",
        "scenarios": scenarios,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
