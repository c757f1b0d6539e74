//! Sharded runs: a run's replications split into N shards, each simulated on its own (on
//! another machine, at another time) into a shard folder, and merged into the results folder
//! the whole run would have written, byte for byte.
//!
//! Shard K of N runs the contiguous block of replications `[K·R/N, (K+1)·R/N)` (rounded
//! down) of a run of R. A shard folder holds the exact state the run merges, not summaries:
//! per-replication scalars and daily series, and the pooled statistics (integer counts, sums
//! and histograms). Merging appends the shards' states in shard order, which is replication
//! order: the same state, so the same floating-point sums in the same order, as one run.
//! docs/scale-out.md documents the format.

use crate::error::{Diagnostic, Error, InputError};
use crate::guard::Limits;
use crate::model::{Date, Marker, Model};
use crate::output::write_file;
use crate::replicate::{Replications, RunOptions, run_range};
use crate::results::{Provenance, Results, RunInfo};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The version of the shard folder's format that this backlog writes and reads.
pub const SHARD_FORMAT_VERSION: u32 = 1;

/// What `shard.json` says it is.
const FORMAT_NAME: &str = "backlog-shard";

/// One of N equal parts of a run's replications: shard K of N (K from 0 to N − 1).
///
/// ```
/// let shard: backlog::Shard = "1/4".parse()?;
/// assert_eq!(shard.replications(10), 2..5);
/// # Ok::<(), backlog::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    /// Shard `index` of `count`; refused unless `count` ≥ 1 and `index` < `count`.
    pub fn new(index: u32, count: u32) -> Result<Shard, Error> {
        if count == 0 {
            return Err(bad_shard(
                format!("{index}/{count}"),
                "there must be at least one shard",
            ));
        }
        if index >= count {
            return Err(bad_shard(
                format!("{index}/{count}"),
                &format!(
                    "shards are numbered from 0 to {}: shard {index} of {count} does not exist",
                    count - 1
                ),
            ));
        }
        Ok(Shard { index, count })
    }

    /// K, from 0 to N − 1.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// N, the number of shards.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The replications this shard runs out of `total`: a contiguous block, empty when there
    /// are more shards than replications and this one gets none.
    pub fn replications(&self, total: u32) -> Range<u32> {
        self.block(total, 1, 0)
    }

    /// The replications of point `point` (of `points`, each run `replications` times) that
    /// this shard runs, when the simulations of a sweep or a comparison (points ×
    /// replications, point by point) are split into N contiguous blocks: the shards share the
    /// work evenly however many points and replications there are. For one point it is
    /// [`replications`](Self::replications).
    pub fn block(&self, replications: u32, points: u32, point: u32) -> Range<u32> {
        let all = u128::from(points) * u128::from(replications);
        let at = |k: u32| all * u128::from(k) / u128::from(self.count);
        let first = u128::from(point) * u128::from(replications);
        let within = |flat: u128| (flat.clamp(first, first + u128::from(replications)) - first) as u32;
        within(at(self.index))..within(at(self.index + 1))
    }
}

impl std::str::FromStr for Shard {
    type Err = Error;

    /// `K/N`, e.g. `0/4`.
    fn from_str(text: &str) -> Result<Shard, Error> {
        let number = |part: &str| part.trim().parse::<u32>().ok();
        match text.split_once('/').map(|(k, n)| (number(k), number(n))) {
            Some((Some(index), Some(count))) => Shard::new(index, count),
            _ => Err(bad_shard(
                text.to_owned(),
                "write it K/N: shard K (from 0) of N, e.g. 0/4",
            )),
        }
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

fn bad_shard(text: String, problem: &str) -> Error {
    Error::Input(InputError::single(
        Diagnostic::new(format!("--shard `{text}` is not a shard: {problem}"))
            .with_help("e.g. --shard 0/4 … --shard 3/4 split a run in four"),
    ))
}

/// A marker as written in `shard.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct MarkerRecord {
    port: usize,
    day: u32,
    label: String,
}

/// What the results folder needs of the model, as written in `shard.json`: merging needs
/// neither the scenario file nor the CSV files it reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RunRecord {
    /// Start date of day 0 (year, month, day).
    start_date: Option<(i32, u32, u32)>,
    horizon_days: u32,
    warm_up_days: u32,
    ports: Vec<String>,
    classes: Vec<String>,
    streams: Vec<String>,
    outcomes: Vec<String>,
    markers: Vec<MarkerRecord>,
    share_over_days: Vec<u32>,
    scenario_text: String,
    /// The network's shape (absent for independent ports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    network: Option<crate::results::NetworkInfo>,
}

impl RunRecord {
    /// What makes it something validation could not have written, if anything: a results
    /// folder merged from it would be refused by the charts and the report.
    fn problem(&self) -> Option<String> {
        if let Some((year, month, day)) = self.start_date {
            if !(Date { year, month, day }).is_valid() {
                return Some(format!("the start date {year}-{month}-{day} is not a date"));
            }
        }
        if self.warm_up_days > self.horizon_days {
            return Some(format!(
                "a warm-up of {} days is longer than the {} days simulated",
                self.warm_up_days, self.horizon_days
            ));
        }
        self.markers
            .iter()
            .find(|marker| marker.port >= self.ports.len() || marker.day >= self.horizon_days)
            .map(|marker| format!("the marker `{}` is not on a port's simulated day", marker.label))
    }
}

impl RunRecord {
    fn of(info: &RunInfo) -> RunRecord {
        RunRecord {
            start_date: info.start_date.map(|date| (date.year, date.month, date.day)),
            horizon_days: info.horizon_days,
            warm_up_days: info.warm_up_days,
            ports: info.ports.clone(),
            classes: info.classes.clone(),
            streams: info.streams.clone(),
            outcomes: info.outcomes.clone(),
            markers: info
                .markers
                .iter()
                .map(|marker| MarkerRecord {
                    port: marker.port,
                    day: marker.day,
                    label: marker.label.clone(),
                })
                .collect(),
            share_over_days: info.share_over_days.clone(),
            scenario_text: info.text.to_string(),
            network: info.network.clone(),
        }
    }

    fn info(&self, provenance: Provenance) -> RunInfo {
        RunInfo {
            provenance,
            start_date: self.start_date.map(|(year, month, day)| Date { year, month, day }),
            horizon_days: self.horizon_days,
            warm_up_days: self.warm_up_days,
            ports: self.ports.clone(),
            classes: self.classes.clone(),
            streams: self.streams.clone(),
            outcomes: self.outcomes.clone(),
            markers: self
                .markers
                .iter()
                .map(|marker| Marker {
                    port: marker.port,
                    day: marker.day,
                    label: marker.label.clone(),
                })
                .collect(),
            text: Arc::from(self.scenario_text.as_str()),
            share_over_days: self.share_over_days.clone(),
            network: self.network.clone(),
        }
    }
}

/// `shard.json`: what the shard is and which run it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Manifest {
    /// Always `backlog-shard`.
    format: String,
    /// [`SHARD_FORMAT_VERSION`].
    shard_format_version: u32,
    /// The run's provenance (`replications` is the whole run's).
    #[serde(flatten)]
    provenance: Provenance,
    /// K.
    shard: u32,
    /// N.
    shards: u32,
    /// The replications this shard ran: `[first, end)`.
    replications_run: [u32; 2],
    /// Which point of a sweep or comparison shard it is (absent in a run's shard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    point: Option<PointOf>,
    /// SHA-256 of `state.json`, hex.
    state_sha256: String,
    /// The rest of what the results folder needs, the scenario text as run included.
    run: RunRecord,
}

/// Point `point` (from 0) of the `points` of a sweep or a comparison, whose shard folder
/// holds a run shard folder per point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PointOf {
    pub(crate) point: u32,
    pub(crate) points: u32,
}

impl PointOf {
    /// The replications of this point that `shard` runs (of `replications`).
    fn block(self, shard: Shard, replications: u32) -> Range<u32> {
        shard.block(replications, self.points, self.point)
    }
}

/// The state of one shard of a run: what [`simulate_shard`] computes, [`write_folder`]
/// writes as a shard folder, [`read`] reads back and [`merge_shards`] merges.
///
/// [`write_folder`]: ShardState::write_folder
/// [`read`]: ShardState::read
#[derive(Debug, Clone)]
pub struct ShardState {
    shard: Shard,
    point: Option<PointOf>,
    range: Range<u32>,
    info: RunInfo,
    replications: Replications,
}

/// Runs shard `shard` of the replications `options` asks for (see [`Shard::replications`]):
/// only those replications are simulated, and their exact state is kept for
/// [`merge_shards`]. Checked against the options' limits for the shard's replications.
pub fn simulate_shard(model: &Model, shard: Shard, options: &RunOptions) -> Result<ShardState, Error> {
    simulate_block(model, shard, None, options)
}

/// [`simulate_shard`] of one point of a sweep or a comparison (`point`), or of a run (`None`).
pub(crate) fn simulate_block(
    model: &Model,
    shard: Shard,
    point: Option<PointOf>,
    options: &RunOptions,
) -> Result<ShardState, Error> {
    let total = options.replications.unwrap_or(model.replications);
    let range = point.map_or_else(|| shard.replications(total), |point| point.block(shard, total));
    let part = options.clone().replications(range.len() as u32);
    crate::guard::estimate(model, &part).check(&options.limits)?;
    let replications = run_range(model, options, range.clone())?;
    let mut info = RunInfo::new(model, total, options.shares_of(model));
    info.provenance = info.provenance.with_engine(options.engine);
    Ok(ShardState {
        shard,
        point,
        range,
        info,
        replications,
    })
}

impl ShardState {
    /// Which shard of which number it is.
    pub fn shard(&self) -> Shard {
        self.shard
    }

    /// The replications it ran.
    pub fn replications(&self) -> Range<u32> {
        self.range.clone()
    }

    /// The whole run's provenance (`replications` is the whole run's).
    pub fn provenance(&self) -> &Provenance {
        &self.info.provenance
    }

    /// Writes the shard folder `dir` (`shard.json` and `state.json`), whole or not at all. A
    /// folder holding other files is refused unless `force`, and then its other files are kept.
    pub fn write_folder(&self, dir: &Path, force: bool) -> Result<(), Error> {
        let out = crate::results::OutputDir::prepare_shard(dir, force)?;
        self.write_files(out.path())?;
        out.commit()
    }

    /// Writes `shard.json` and `state.json` into the existing folder `dir` (such as
    /// [`OutputDir::path`](crate::results::OutputDir::path)), replacing files of the same names.
    pub fn write_files(&self, dir: &Path) -> Result<(), Error> {
        let mut state = serde_json::to_vec(&self.replications).map_err(|error| Error::Write {
            path: dir.join("state.json"),
            source: std::io::Error::other(error),
        })?;
        state.push(b'\n');
        let manifest = Manifest {
            format: FORMAT_NAME.to_owned(),
            shard_format_version: SHARD_FORMAT_VERSION,
            provenance: self.info.provenance.clone(),
            shard: self.shard.index,
            shards: self.shard.count,
            replications_run: [self.range.start, self.range.end],
            point: self.point,
            state_sha256: sha256(&state),
            run: RunRecord::of(&self.info),
        };
        write_file(&dir.join("state.json"), &state)?;
        write_manifest(dir, &manifest)
    }

    /// Reads the shard folder `dir`, checking it whole: its format version, that it is of
    /// this backlog's version, and that `state.json` is the one `shard.json` names.
    pub fn read(dir: &Path) -> Result<ShardState, Error> {
        ShardState::read_within(dir, &Limits::default())
    }

    /// [`read`](Self::read), refusing files larger than the limit on files read.
    pub fn read_within(dir: &Path, limits: &Limits) -> Result<ShardState, Error> {
        let manifest = read_manifest(dir, limits, None)?;
        read_state(dir, manifest, limits)
    }
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

pub(crate) fn bad_folder(dir: &Path, problem: impl std::fmt::Display) -> Error {
    Error::Input(InputError::single(
        Diagnostic::new(format!("`{}` is not a usable shard folder: {problem}", dir.display()))
            .with_help("run that shard again with `backlog run … --shard K/N --out DIR`"),
    ))
}

pub(crate) fn read_file(dir: &Path, name: &str, limits: &Limits) -> Result<String, Error> {
    if !dir.is_dir() {
        return Err(bad_folder(dir, "there is no such folder"));
    }
    let path = dir.join(name);
    crate::validate::read_text(&path, limits.input_bytes()).map_err(|problem| {
        Error::Input(InputError::single(
            problem.diagnostic("shard file", &path.display().to_string()),
        ))
    })
}

/// What `shard.json` says a sweep shard is.
pub(crate) const SWEEP_FORMAT_NAME: &str = "backlog-sweep-shard";

/// What `shard.json` says a comparison's shard is.
pub(crate) const COMPARE_FORMAT_NAME: &str = "backlog-compare-shard";

/// What a shard folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShardKind {
    /// A shard of a run (`run --shard K/N`).
    Run,
    /// A shard of a sweep (`sweep --shard K/N`): a run shard per point.
    Sweep,
    /// A shard of a comparison (`compare --shard K/N`): a run shard per scenario.
    Compare,
}

impl ShardKind {
    /// `run`, `sweep`, `comparison`.
    pub fn noun(self) -> &'static str {
        match self {
            ShardKind::Run => "run",
            ShardKind::Sweep => "sweep",
            ShardKind::Compare => "comparison",
        }
    }

    /// `a run`, `a sweep`, `a comparison`.
    pub fn describe(self) -> String {
        format!("a {}", self.noun())
    }
}

/// Whether the shard folder `dir` holds a shard of a run, a sweep or a comparison, from its
/// `shard.json` (checked for its format version and backlog version, not yet whole).
pub fn shard_kind(dir: &Path, limits: &Limits) -> Result<ShardKind, Error> {
    let value = read_header(dir, limits)?;
    Ok(kind_of(&value))
}

/// What the manifest `value` (read by [`read_header`]) is of.
fn kind_of(value: &serde_json::Value) -> ShardKind {
    match value.get("format").and_then(serde_json::Value::as_str) {
        Some(SWEEP_FORMAT_NAME) => ShardKind::Sweep,
        Some(COMPARE_FORMAT_NAME) => ShardKind::Compare,
        _ => ShardKind::Run,
    }
}

/// Refuses the shard folder `dir`, whose manifest is `value`, unless it holds a shard of
/// `wanted`.
pub(crate) fn expect_kind(dir: &Path, value: &serde_json::Value, wanted: ShardKind) -> Result<(), Error> {
    let found = kind_of(value);
    if found == wanted {
        return Ok(());
    }
    Err(bad_folder(
        dir,
        format!(
            "it is a shard of {}, not of {}: merge it with the other shards of its {}",
            found.describe(),
            wanted.describe(),
            found.noun()
        ),
    ))
}

/// One point's run shard folder inside the shard folder of a sweep or a comparison, as its
/// `shard.json` names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PointRecord {
    /// The subfolder, named as the point's results folder.
    pub(crate) folder: String,
    /// The replications of the point this shard ran: `[first, end)`.
    pub(crate) replications_run: [u32; 2],
    /// SHA-256 of its `shard.json`, hex.
    pub(crate) shard_sha256: String,
}

/// Runs shard `shard` of every point's replications (the `models`, each `replications` times;
/// see [`Shard::block`]) and writes each point's run shard folder into `dir/folder`; returns
/// what the manifest of the sweep's or comparison's shard names of each.
pub(crate) fn run_points(
    models: &[&Model],
    folders: &[String],
    shard: Shard,
    replications: u32,
    options: &RunOptions,
    dir: &Path,
) -> Result<Vec<PointRecord>, Error> {
    let points = u32::try_from(models.len()).map_err(|_| Error::Search("too many points to shard".to_owned()))?;
    let of = |point: usize| PointOf {
        point: point as u32,
        points,
    };
    let total: u64 = (0..models.len())
        .map(|point| of(point).block(shard, replications).len() as u64)
        .sum();
    let mut done = 0;
    let mut records = Vec::new();
    for (point, (model, folder)) in models.iter().zip(folders).enumerate() {
        let one = RunOptions {
            progress: crate::analysis::offset_progress(options, done, total),
            ..options.clone()
        }
        .replications(replications);
        let state = simulate_block(model, shard, Some(of(point)), &one)?;
        done += state.range.len() as u64;
        let point_dir = dir.join(folder);
        std::fs::create_dir_all(&point_dir).map_err(|source| Error::Write {
            path: point_dir.clone(),
            source,
        })?;
        state.write_files(&point_dir)?;
        let manifest = std::fs::read(point_dir.join("shard.json")).map_err(|source| Error::Write {
            path: point_dir.join("shard.json"),
            source,
        })?;
        records.push(PointRecord {
            folder: folder.clone(),
            replications_run: [state.range.start, state.range.end],
            shard_sha256: sha256(&manifest),
        });
    }
    Ok(records)
}

/// Simulations the points' blocks hold in all.
pub(crate) fn simulations(points: &[PointRecord]) -> u64 {
    points
        .iter()
        .map(|point| u64::from(point.replications_run[1].saturating_sub(point.replications_run[0])))
        .sum()
}

/// Merges every point of the shard folders `dirs` of a sweep or a comparison, given in shard
/// order with the points each one's manifest names (`records`), writes each point's results
/// folder into `out`, and hands each one's results to `each`, in order.
pub(crate) fn merge_each_point(
    dirs: &[&Path],
    records: &[&[PointRecord]],
    out: &Path,
    limits: &Limits,
    mut each: impl FnMut(&PointRecord, &Results) -> Result<(), Error>,
) -> Result<(), Error> {
    let Some(first) = records.first() else {
        return Ok(());
    };
    for (point, record) in first.iter().enumerate() {
        let results = merge_point(dirs, records, point, limits)?;
        results.write_files(&out.join(&record.folder))?;
        each(record, &results)?;
    }
    Ok(())
}

/// Merges point `point` (of `points`) of the shard folders `dirs`, given in shard order with
/// what each one's manifest names of its points (`records`): the point's run shards, each
/// checked against the SHA-256 its shard's manifest names.
fn merge_point(dirs: &[&Path], records: &[&[PointRecord]], point: usize, limits: &Limits) -> Result<Results, Error> {
    let point_dirs: Vec<PathBuf> = dirs
        .iter()
        .zip(records)
        .map(|(dir, records)| {
            let record = &records[point];
            let point_dir = dir.join(&record.folder);
            match read_file(&point_dir, "shard.json", limits) {
                Ok(text) if sha256(text.as_bytes()) == record.shard_sha256 => Ok(point_dir),
                Ok(_) => Err(bad_folder(
                    dir,
                    format!(
                        "{}/shard.json is not the one shard.json names (its SHA-256 differs)",
                        record.folder
                    ),
                )),
                Err(error) => Err(error),
            }
        })
        .collect::<Result<_, Error>>()?;
    let of = PointOf {
        point: point as u32,
        points: records.first().map_or(0, |records| records.len() as u32),
    };
    merge_run(&point_dirs, limits, Some(of))
}

/// Reads `shard.json` as JSON and checks what every shard manifest holds: the format and its
/// version first, so that a newer or older shard is named as such rather than as a parse
/// error, then the backlog version that wrote it.
pub(crate) fn read_header(dir: &Path, limits: &Limits) -> Result<serde_json::Value, Error> {
    let text = read_file(dir, "shard.json", limits)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| bad_folder(dir, format!("shard.json is not valid JSON ({error})")))?;
    if !matches!(
        value.get("format").and_then(serde_json::Value::as_str),
        Some(FORMAT_NAME | SWEEP_FORMAT_NAME | COMPARE_FORMAT_NAME)
    ) {
        return Err(bad_folder(dir, "shard.json is not a backlog shard manifest"));
    }
    match value.get("shard_format_version").and_then(serde_json::Value::as_u64) {
        Some(version) if version == u64::from(SHARD_FORMAT_VERSION) => {}
        Some(version) => {
            return Err(bad_folder(
                dir,
                format!("its shard format is version {version}; this backlog reads version {SHARD_FORMAT_VERSION}"),
            ));
        }
        None => return Err(bad_folder(dir, "shard.json has no shard_format_version")),
    }
    let ours = env!("CARGO_PKG_VERSION");
    match value.get("version").and_then(serde_json::Value::as_str) {
        Some(version) if version == ours => Ok(value),
        Some(version) => Err(bad_folder(
            dir,
            format!("it was written by backlog {version}; this is backlog {ours}, whose results may differ"),
        )),
        None => Err(bad_folder(dir, "shard.json has no backlog version")),
    }
}

/// Reads the `shard.json` of a shard of `kind` in `dir`: its header checked (format, versions),
/// then parsed whole; returns it with the shard it names, which must exist.
pub(crate) fn read_manifest_of<M: serde::de::DeserializeOwned>(
    dir: &Path,
    limits: &Limits,
    kind: ShardKind,
) -> Result<(M, Shard), Error> {
    let value = read_header(dir, limits)?;
    expect_kind(dir, &value, kind)?;
    let number = |key: &str| value.get(key).and_then(serde_json::Value::as_u64).unwrap_or_default();
    let (index, count) = (number("shard"), number("shards"));
    let manifest: M = serde_json::from_value(value).map_err(|error| bad_folder(dir, format!("shard.json: {error}")))?;
    let shard = u32::try_from(index)
        .ok()
        .zip(u32::try_from(count).ok())
        .and_then(|(index, count)| Shard::new(index, count).ok())
        .ok_or_else(|| bad_folder(dir, format!("shard {index} of {count} does not exist")))?;
    Ok((manifest, shard))
}

/// Checks that `points`, as a sweep's or comparison's shard `shard` names them, each ran the
/// block of its `replications` that the shard runs.
pub(crate) fn check_blocks(dir: &Path, shard: Shard, replications: u32, points: &[PointRecord]) -> Result<(), Error> {
    let count = u32::try_from(points.len()).unwrap_or(u32::MAX);
    for (point, record) in (0..count).zip(points) {
        let range = shard.block(replications, count, point);
        if record.replications_run != [range.start, range.end] {
            return Err(bad_folder(
                dir,
                format!(
                    "shard {shard} runs replications {}..{} of {}, not the {}..{} it names",
                    range.start, range.end, record.folder, record.replications_run[0], record.replications_run[1]
                ),
            ));
        }
    }
    Ok(())
}

/// Writes the manifest `shard.json` of a shard into `dir`.
pub(crate) fn write_manifest(dir: &Path, manifest: &impl Serialize) -> Result<(), Error> {
    let mut text = serde_json::to_string_pretty(manifest).unwrap_or_default();
    text.push('\n');
    write_file(&dir.join("shard.json"), text.as_bytes())
}

/// Reads and checks the `shard.json` of a run shard: of a run (`point` is `None`), or of
/// point `point` of a sweep or a comparison.
fn read_manifest(dir: &Path, limits: &Limits, point: Option<PointOf>) -> Result<Manifest, Error> {
    let (manifest, shard): (Manifest, Shard) = read_manifest_of(dir, limits, ShardKind::Run)?;
    if let Some(problem) = manifest.run.problem() {
        return Err(bad_folder(dir, format!("shard.json: {problem}")));
    }
    if manifest.point != point {
        return Err(bad_folder(
            dir,
            match (manifest.point, point) {
                (Some(_), None) => {
                    "it is one point of a sweep's or a comparison's shard: merge the shard folders of the sweep or comparison".to_owned()
                }
                _ => "shard.json names another point than its folder is".to_owned(),
            },
        ));
    }
    let total = manifest.provenance.replications;
    let range = point.map_or_else(|| shard.replications(total), |point| point.block(shard, total));
    if manifest.replications_run != [range.start, range.end] {
        return Err(bad_folder(
            dir,
            format!(
                "shard {shard} of {} replications runs {}..{}, not the {}..{} it names",
                manifest.provenance.replications,
                range.start,
                range.end,
                manifest.replications_run[0],
                manifest.replications_run[1]
            ),
        ));
    }
    Ok(manifest)
}

/// Reads `state.json`, checked against the SHA-256 `shard.json` names and against the shapes
/// the run's scopes give.
fn read_state(dir: &Path, manifest: Manifest, limits: &Limits) -> Result<ShardState, Error> {
    let text = read_file(dir, "state.json", limits)?;
    if sha256(text.as_bytes()) != manifest.state_sha256 {
        return Err(bad_folder(
            dir,
            "state.json is not the one shard.json names (its SHA-256 differs): it was cut short or changed",
        ));
    }
    let replications: Replications =
        serde_json::from_str(&text).map_err(|error| bad_folder(dir, format!("state.json: {error}")))?;
    let shard = Shard {
        index: manifest.shard,
        count: manifest.shards,
    };
    let range = manifest.replications_run[0]..manifest.replications_run[1];
    let info = manifest.run.info(manifest.provenance);
    check_shape(&info, &range, &replications).map_err(|problem| bad_folder(dir, format!("state.json {problem}")))?;
    Ok(ShardState {
        shard,
        point: manifest.point,
        range,
        info,
        replications,
    })
}

/// Whether `state` holds one row and one series per replication of `range`, and one entry
/// per scope, so that writing the results folder cannot go out of bounds.
fn check_shape(info: &RunInfo, range: &Range<u32>, state: &Replications) -> Result<(), String> {
    let count = range.len();
    let indices_match = state.rows.iter().map(|row| row.index).eq(range.clone());
    if state.replications as usize != count || !indices_match {
        return Err(format!("does not hold replications {}..{}", range.start, range.end));
    }
    let (ports, classes, streams) = (info.ports.len(), info.classes.len(), info.streams.len());
    let rows_fit = state.rows.iter().all(|row| {
        row.ports.len() == ports
            && row.classes.len() == classes
            && row.streams.len() == streams
            && [&row.total]
                .into_iter()
                .chain(&row.ports)
                .chain(&row.classes)
                .chain(&row.streams)
                .all(|scalars| {
                    scalars.abandoned_by_outcome.len() == info.outcomes.len()
                        && scalars.share_over.len() == info.share_over_days.len()
                })
    });
    let rows = crate::stats::DailySeries::zeros(info.horizon_days).rows();
    let series_fit = |series: &Vec<crate::stats::DailySeries>| {
        series.len() == count
            && series.iter().all(|daily| {
                daily.horizon_days == info.horizon_days
                    && daily.row_days == crate::stats::row_days_for(info.horizon_days)
                    && [&daily.arrived, &daily.processed, &daily.abandoned, &daily.names_on_list]
                        .into_iter()
                        .chain(&daily.on_list)
                        .all(|values| values.len() == rows)
            })
    };
    let outcomes_fit = |people: &crate::stats::PeopleStats| {
        people.abandoned_by_outcome.len() == info.outcomes.len() && people.is_consistent()
    };
    let network_fits = match (&state.network, &info.network) {
        (None, None) => rows_fit && state.rows.iter().all(|row| row.network.is_none()),
        (Some(stats), Some(network)) => {
            stats.is_consistent()
                && stats.nodes == ports
                && stats.ends == network.ends.len()
                && outcomes_fit(&stats.people)
                && state.rows.iter().all(|row| row.network.is_some())
        }
        _ => false,
    };
    let fits = rows_fit
        && network_fits
        && state.pooled_ports.len() == ports
        && state.pooled_classes.len() == classes
        && state.pooled_streams.len() == streams
        && [&state.pooled_total]
            .into_iter()
            .chain(&state.pooled_ports)
            .chain(&state.pooled_classes)
            .chain(&state.pooled_streams)
            .all(outcomes_fit)
        && state.daily_by_port.len() == ports
        && state.daily_by_port.iter().all(series_fit)
        && series_fit(&state.daily_total)
        && state.daily_by_stream.len() == streams
        && state.daily_by_stream.iter().all(series_fit)
        && state.numbers_by_port.len() == ports
        && state.numbers_by_port.iter().flatten().all(|numbers| {
            numbers.len() == count
                && numbers
                    .iter()
                    .all(|n| n.issued.len() == rows && n.now_serving.len() == rows)
        })
        && state.share_over_days == info.share_over_days;
    if fits {
        Ok(())
    } else {
        Err("does not fit the scenario's ports, classes, streams, outcomes or days, or its counts of people and waits disagree".to_owned())
    }
}

/// Reads the shard folders `dirs` (in any order) and merges them into the results of the
/// whole run: the same [`Results`], and so the same results folder byte for byte, as running
/// it unsharded. Refused with [`Error::Input`] naming the folder: a shard missing or given
/// twice, shards of different runs (scenario, seed, changes, version, replications, number of
/// shards, engine or reported shares), and a corrupt shard.
pub fn merge_shards(dirs: &[impl AsRef<Path>]) -> Result<Results, Error> {
    merge_shards_within(dirs, &Limits::default())
}

/// [`merge_shards`], refusing files larger than the limit on files read.
pub fn merge_shards_within(dirs: &[impl AsRef<Path>], limits: &Limits) -> Result<Results, Error> {
    let dirs: Vec<PathBuf> = dirs.iter().map(|dir| dir.as_ref().to_path_buf()).collect();
    merge_run(&dirs, limits, None)
}

/// Merges the run shard folders `dirs`: of a run (`point` is `None`), or of one point of a
/// sweep or a comparison.
fn merge_run(dirs: &[PathBuf], limits: &Limits, point: Option<PointOf>) -> Result<Results, Error> {
    let manifests = read_manifests(
        dirs,
        |dir| read_manifest(dir, limits, point),
        difference,
        "runs",
        "merge only the shards of one run: the same scenario, changes, seed, replications, --shard N and backlog version",
    )?;
    let first = &manifests[0];
    let indices: Vec<u32> = manifests.iter().map(|manifest| manifest.shard).collect();
    let by_index = in_shard_order(dirs, &indices, first.shards, "run")?;
    let mut manifests: Vec<Option<Manifest>> = manifests.into_iter().map(Some).collect();
    let mut merged: Option<(RunInfo, Replications)> = None;
    for position in by_index {
        let Some(manifest) = manifests[position].take() else {
            continue;
        };
        let state = read_state(&dirs[position], manifest, limits)?;
        match &mut merged {
            None => merged = Some((state.info, state.replications)),
            Some((_, replications)) => {
                if !replications.can_append(&state.replications) {
                    return Err(bad_folder(
                        &dirs[position],
                        "state.json counts more events or people than can be added up",
                    ));
                }
                replications.append(state.replications);
            }
        }
    }
    let (info, replications) =
        merged.ok_or_else(|| Error::Input(InputError::single(Diagnostic::new("no shard folders to merge"))))?;
    Ok(Results::from_parts(info, replications))
}

/// Reads the manifest of every shard folder in `dirs` with `read` before any state, so that a
/// mix is refused at once: a folder whose manifest `differs` from the first's is refused,
/// naming both folders (`kind`: `runs`, `sweeps`; `help` says what must agree). At least one
/// manifest is returned.
pub(crate) fn read_manifests<M>(
    dirs: &[PathBuf],
    read: impl Fn(&Path) -> Result<M, Error>,
    differs: impl Fn(&M, &M) -> Option<String>,
    kind: &str,
    help: &str,
) -> Result<Vec<M>, Error> {
    let Some(first_dir) = dirs.first() else {
        return Err(Error::Input(InputError::single(Diagnostic::new(
            "no shard folders to merge",
        ))));
    };
    let manifests = dirs.iter().map(|dir| read(dir)).collect::<Result<Vec<_>, _>>()?;
    for (dir, manifest) in dirs.iter().zip(&manifests).skip(1) {
        if let Some(difference) = differs(&manifests[0], manifest) {
            return Err(Error::Input(InputError::single(
                Diagnostic::new(format!(
                    "`{}` and `{}` are shards of different {kind}: {difference}",
                    first_dir.display(),
                    dir.display()
                ))
                .with_help(help),
            )));
        }
    }
    Ok(manifests)
}

/// The positions of the shard folders `dirs` (whose shard numbers are `indices`, each below
/// `count`) in shard order, refusing a shard given twice or missing, naming it; `what` is the
/// command that writes such shards (`run`, `sweep`).
pub(crate) fn in_shard_order(dirs: &[PathBuf], indices: &[u32], count: u32, what: &str) -> Result<Vec<usize>, Error> {
    // Slots by shard number, in order; a hand-edited manifest may claim billions of shards, so
    // nothing is allocated per shard that was not given.
    let mut by_index: std::collections::BTreeMap<u32, usize> = std::collections::BTreeMap::new();
    for (position, &index) in indices.iter().enumerate() {
        if let Some(&earlier) = by_index.get(&index) {
            return Err(Error::Input(InputError::single(
                Diagnostic::new(format!(
                    "shard {index}/{count} is given twice: `{}` and `{}`",
                    dirs[earlier].display(),
                    dirs[position].display()
                ))
                .with_help("give each shard folder once"),
            )));
        }
        by_index.insert(index, position);
    }
    // The first few missing shards are named; the rest are counted.
    const NAMED: usize = 10;
    let missing_count = count as usize - by_index.len();
    let mut missing: Vec<String> = (0..count)
        .filter(|k| !by_index.contains_key(k))
        .take(NAMED)
        .map(|k| format!("{k}/{count}"))
        .collect();
    if missing_count > NAMED {
        missing.push(format!("and {} more", missing_count - NAMED));
    }
    if !missing.is_empty() {
        let (noun, verb) = if missing.len() == 1 {
            ("shard", "is")
        } else {
            ("shards", "are")
        };
        return Err(Error::Input(InputError::single(
            Diagnostic::new(format!(
                "{noun} {} {verb} missing: {} of {count} shard folders given",
                missing.join(", "),
                dirs.len()
            ))
            .with_help(format!(
                "run the missing {noun} with `backlog {what} … --shard K/{count} --out DIR` and give every folder"
            )),
        )));
    }
    Ok(by_index.into_values().collect())
}

/// How two shards' manifests show they are of different runs, if they do.
fn difference(a: &Manifest, b: &Manifest) -> Option<String> {
    if let Some(difference) = provenance_difference(&a.provenance, &b.provenance, [a.shards, b.shards]) {
        return Some(difference);
    }
    if a.run.share_over_days != b.run.share_over_days {
        return Some(format!(
            "they report shares over {:?} days and {:?}",
            a.run.share_over_days, b.run.share_over_days
        ));
    }
    if a.provenance != b.provenance || a.run != b.run {
        return Some("their provenance or scenario details differ".to_owned());
    }
    None
}

/// How the provenances of two shards (and their numbers of shards, `shards`) show they are
/// of different runs, if they do: scenario, seed, changes, replications, shards or engine.
pub(crate) fn provenance_difference(pa: &Provenance, pb: &Provenance, shards: [u32; 2]) -> Option<String> {
    let differs = |what: &str, x: String, y: String| Some(format!("{what} {x} and {y}"));
    let scenarios = || {
        differs(
            "they ran different scenarios:",
            format!("`{}` (sha256 {})", pa.scenario_title(), pa.short_sha256()),
            format!("`{}` (sha256 {})", pb.scenario_title(), pb.short_sha256()),
        )
    };
    if pa.scenario != pb.scenario || pa.built_in != pb.built_in {
        return scenarios();
    }
    // Then seeds and changes: they change the scenario text, and so its SHA-256, too.
    if pa.seed != pb.seed {
        return differs("they ran seeds", pa.seed.to_string(), pb.seed.to_string());
    }
    if pa.changes != pb.changes {
        let list = |p: &Provenance| {
            if p.changes.is_empty() {
                "no --set changes".to_owned()
            } else {
                format!("--set {}", p.changes.join(", "))
            }
        };
        return differs("they ran with", list(pa), list(pb));
    }
    if pa.scenario_sha256 != pb.scenario_sha256 {
        return scenarios();
    }
    if pa.replications != pb.replications {
        return differs(
            "they split runs of",
            format!("{} replications", pa.replications),
            format!("{}", pb.replications),
        );
    }
    if shards[0] != shards[1] {
        return differs(
            "they split the run in",
            format!("{} shards", shards[0]),
            format!("{}", shards[1]),
        );
    }
    if pa.engine != pb.engine {
        let engine = |p: &Provenance| p.engine.clone().unwrap_or_else(|| "auto".to_owned());
        return differs("they ran engines", engine(pa), engine(pb));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A manifest that claims billions of shards is refused by name, without a slot for each.
    #[test]
    fn a_huge_shard_count_is_refused_without_allocating_for_it() {
        let dirs = vec![PathBuf::from("s0"), PathBuf::from("s1")];
        let error = in_shard_order(&dirs, &[0, 1], u32::MAX, "run").expect_err("missing");
        let text = error.to_string();
        assert!(
            text.contains("2/4294967295") && text.contains("and 4294967283 more"),
            "{text}"
        );
        assert_eq!(error.exit_code(), 2);
        let twice = in_shard_order(&dirs, &[1, 1], 2, "run").expect_err("twice").to_string();
        assert!(twice.contains("given twice"), "{twice}");
        assert_eq!(in_shard_order(&dirs, &[1, 0], 2, "run").expect("in order"), vec![1, 0]);
    }

    /// A run record no validated scenario could give is refused before a folder is written.
    #[test]
    fn run_records_validation_could_not_write_are_refused() {
        let record = |start_date, warm_up_days, marker_day| RunRecord {
            start_date,
            horizon_days: 100,
            warm_up_days,
            ports: vec!["p".to_owned()],
            classes: vec!["all".to_owned()],
            streams: Vec::new(),
            outcomes: Vec::new(),
            markers: vec![MarkerRecord {
                port: 0,
                day: marker_day,
                label: "x".to_owned(),
            }],
            share_over_days: Vec::new(),
            scenario_text: String::new(),
            network: None,
        };
        assert_eq!(record(Some((2018, 11, 1)), 10, 99).problem(), None);
        assert!(
            record(Some((2018, 13, 40)), 10, 5)
                .problem()
                .is_some_and(|p| p.contains("not a date"))
        );
        assert!(record(None, 101, 5).problem().is_some_and(|p| p.contains("warm-up")));
        assert!(
            record(None, 0, 4_000_000_000)
                .problem()
                .is_some_and(|p| p.contains("marker"))
        );
    }

    #[test]
    fn shards_parse_and_cover_every_replication_once() {
        assert_eq!("2/3".parse::<Shard>().unwrap(), Shard { index: 2, count: 3 });
        for bad in ["3/3", "0/0", "a/b", "1", "-1/3", "1/3/4"] {
            let error = bad.parse::<Shard>().expect_err(bad);
            assert_eq!(error.exit_code(), 2);
            assert!(error.to_string().contains(&format!("--shard `{bad}`")), "{error}");
        }
        for total in [0, 1, 5, 7, 1000] {
            for count in [1, 2, 3, 7, 11] {
                let ranges: Vec<Range<u32>> = (0..count)
                    .map(|k| Shard::new(k, count).unwrap().replications(total))
                    .collect();
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges[count as usize - 1].end, total);
                for pair in ranges.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                    assert!(pair[0].len().abs_diff(pair[1].len()) <= 1);
                }
            }
        }
    }

    /// The points × replications of a sweep or a comparison: every point's replications are
    /// run once, in order of shards, and every shard runs as many simulations as another, give
    /// or take one.
    #[test]
    fn blocks_cover_every_point_once_and_share_the_work() {
        for replications in [0, 1, 2, 5, 1000] {
            for points in [1, 2, 3, 50] {
                for count in [1, 2, 3, 7, 11] {
                    let shards: Vec<Shard> = (0..count).map(|k| Shard::new(k, count).unwrap()).collect();
                    let loads: Vec<usize> = shards
                        .iter()
                        .map(|shard| (0..points).map(|p| shard.block(replications, points, p).len()).sum())
                        .collect();
                    let (least, most) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
                    assert!(most - least <= 1, "{replications}×{points} in {count}: {loads:?}");
                    for p in 0..points {
                        let mut next = 0;
                        for shard in &shards {
                            let block = shard.block(replications, points, p);
                            assert!(block.is_empty() || block.start == next, "{block:?} after {next}");
                            next = next.max(block.end);
                        }
                        assert_eq!(next, replications);
                    }
                    if points == 1 {
                        for shard in &shards {
                            assert_eq!(shard.block(replications, 1, 0), shard.replications(replications));
                        }
                    }
                }
            }
        }
        let last = Shard::new(u32::MAX - 1, u32::MAX).unwrap();
        assert_eq!(last.block(u32::MAX, u32::MAX, u32::MAX - 1).end, u32::MAX);
    }
}
