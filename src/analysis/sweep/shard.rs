//! Sharded sweeps: shard K of N runs block K of the sweep's simulations (points ×
//! replications, see [`Shard::block`]) and writes, per point, the run shard folder of the
//! replications of it that it ran; merging merges each point as
//! [`merge_shards`](crate::merge_shards) does and writes the sweep's folder, byte for byte the
//! unsharded one. docs/scale-out.md documents the format.

use super::{
    Axis, Base, ChartText, DEFAULT_CHART_METRIC, Param, SweepPlan, SweepRequest, Values, assemble, axes, folder_name,
    grid, plan_into,
};
use crate::analysis::{Metric, Scope, check_limits};
use crate::error::{Diagnostic, Error, InputError, Note};
use crate::guard::Limits;
use crate::model::Date;
use crate::output::{FolderKind, Staging};
use crate::replicate::RunOptions;
use crate::results::Provenance;
use crate::shard::{
    PointRecord, SHARD_FORMAT_VERSION, SWEEP_FORMAT_NAME, Shard, ShardKind, bad_folder, check_blocks, in_shard_order,
    merge_each_point, provenance_difference, read_manifest_of, read_manifests, run_points, simulations, write_manifest,
};
use crate::source::Scenario;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use super::Sweep;

/// A swept parameter as written in `shard.json`: its values, or its range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ParamRecord {
    path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    values: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    range: Option<String>,
}

/// What was asked of the sweep, beyond the scenario, as written in `shard.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SweepRecord {
    params: Vec<ParamRecord>,
    /// `--port`, if any.
    port: Option<String>,
    /// The chart's metric, by name.
    chart_metric: String,
    chart_title: Option<String>,
    chart_subtitle: Option<String>,
    chart_x_label: Option<String>,
}

/// `shard.json` of a sweep shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SweepManifest {
    /// Always `backlog-sweep-shard`.
    format: String,
    /// [`SHARD_FORMAT_VERSION`].
    shard_format_version: u32,
    /// The sweep's provenance: the scenario before the swept values, the sweep's replications.
    #[serde(flatten)]
    provenance: Provenance,
    /// K.
    shard: u32,
    /// N.
    shards: u32,
    sweep: SweepRecord,
    /// The scenario before the swept values.
    base: Base,
    /// Every point, in grid order, with the replications of it this shard ran (see
    /// [`Shard::block`]).
    points: Vec<PointRecord>,
}

/// A sweep planned to run one shard of its replications at every point.
#[derive(Debug)]
pub struct SweepShardPlan {
    plan: SweepPlan,
    shard: Shard,
}

/// Loads and checks every point of a sweep of `scenario`, to run shard `shard` of it into the
/// shard folder `request.out` (required).
pub fn plan_shard(scenario: &Scenario, request: SweepRequest, shard: Shard) -> Result<SweepShardPlan, Error> {
    if request.out.is_none() {
        return Err(Error::Input(InputError::single(
            Diagnostic::new("a sweep shard needs an output folder: the folder its state is written to")
                .with_help("e.g. `backlog sweep … --shard 0/4 --out shards/0`"),
        )));
    }
    let plan = plan_into(scenario, request, FolderKind::Shard)?;
    Ok(SweepShardPlan { plan, shard })
}

impl SweepShardPlan {
    /// What validation noted about the scenario (with the changes, before the swept values).
    pub fn notes(&self) -> &[Note] {
        self.plan.notes()
    }

    /// Runs the shard's block of the sweep's simulations (points × replications, see
    /// [`Shard::block`]) and writes the shard folder; returns how many it ran.
    pub fn run(self, options: &RunOptions) -> Result<u64, Error> {
        let plan = &self.plan;
        let replications = options.replications.unwrap_or(plan.first.replications);
        let options = plan.options(options).replications(replications);
        let variants = plan.variants();
        check_limits(&variants, &options, replications)?;
        let Some(staging) = &plan.out else {
            return Err(Error::Input(InputError::single(Diagnostic::new(
                "a sweep shard needs an output folder",
            ))));
        };
        let models: Vec<&crate::model::Model> = variants.iter().map(|variant| variant.model).collect();
        let points = run_points(
            &models,
            &plan.folders,
            self.shard,
            replications,
            &options,
            staging.path(),
        )?;
        let ran = simulations(&points);
        let request = &plan.request;
        let manifest = SweepManifest {
            format: SWEEP_FORMAT_NAME.to_owned(),
            shard_format_version: SHARD_FORMAT_VERSION,
            provenance: Provenance::new(&plan.first, replications),
            shard: self.shard.index(),
            shards: self.shard.count(),
            sweep: SweepRecord {
                params: request
                    .params
                    .iter()
                    .map(|param| ParamRecord {
                        path: param.path.clone(),
                        values: match &param.values {
                            Values::List(text) => Some(text.clone()),
                            Values::Range(_) => None,
                        },
                        range: match &param.values {
                            Values::Range(text) => Some(text.clone()),
                            Values::List(_) => None,
                        },
                    })
                    .collect(),
                port: request.port.clone(),
                chart_metric: request.chart_metric.unwrap_or(DEFAULT_CHART_METRIC).name().into_owned(),
                chart_title: request.chart_text.title.clone(),
                chart_subtitle: request.chart_text.subtitle.clone(),
                chart_x_label: request.chart_text.x_label.clone(),
            },
            base: Base::of(&plan.first),
            points,
        };
        write_manifest(staging.path(), &manifest)?;
        if let Some(staging) = self.plan.out {
            staging.commit()?;
        }
        Ok(ran)
    }
}

/// Reads and checks the `shard.json` of a sweep shard.
fn read_manifest(dir: &Path, limits: &Limits) -> Result<SweepManifest, Error> {
    let (manifest, shard): (SweepManifest, Shard) = read_manifest_of(dir, limits, ShardKind::Sweep)?;
    check_blocks(dir, shard, manifest.provenance.replications, &manifest.points)?;
    Ok(manifest)
}

/// How two sweep shards' manifests show they are of different sweeps, if they do.
fn difference(a: &SweepManifest, b: &SweepManifest) -> Option<String> {
    if let Some(difference) = provenance_difference(&a.provenance, &b.provenance, [a.shards, b.shards]) {
        return Some(
            difference
                .replace("the run", "the sweep")
                .replace("runs of", "sweeps of"),
        );
    }
    if a.sweep.params != b.sweep.params {
        let list = |record: &SweepRecord| {
            record
                .params
                .iter()
                .map(|param| {
                    let values = param.values.as_deref().or(param.range.as_deref()).unwrap_or_default();
                    format!("{} over {values}", param.path)
                })
                .collect::<Vec<_>>()
                .join(" × ")
        };
        return Some(format!("they sweep {} and {}", list(&a.sweep), list(&b.sweep)));
    }
    if a.sweep != b.sweep {
        return Some("they report different ports or draw different charts".to_owned());
    }
    if a.provenance != b.provenance || a.base != b.base || a.points.len() != b.points.len() {
        return Some("their provenance or scenario details differ".to_owned());
    }
    None
}

/// Reads the sweep shard folders `dirs` (in any order), merges each point's shards as
/// [`merge_shards`](crate::merge_shards) does, and writes into `out` the folder the unsharded
/// sweep would have written, byte for byte: a results folder per point, sweep.csv, sweep.json
/// and the chart. Refused with [`Error::Input`] naming the folder, before `out` is written: a
/// shard missing or given twice, shards of different sweeps, a run shard, a corrupt shard.
/// `out` holding other files is refused unless `force`, and then its other files are kept.
pub fn merge_sweep_shards(dirs: &[impl AsRef<Path>], out: &Path, force: bool, limits: &Limits) -> Result<Sweep, Error> {
    let dirs: Vec<PathBuf> = dirs.iter().map(|dir| dir.as_ref().to_path_buf()).collect();
    let staging = Staging::new(out, FolderKind::Sweep, force)?;
    let manifests = read_manifests(
        &dirs,
        |dir| read_manifest(dir, limits),
        difference,
        "sweeps",
        "merge only the shards of one sweep: the same scenario, changes, parameters, seed, replications, --shard N and backlog version",
    )?;
    let first = &manifests[0];
    let first_dir = &dirs[0];
    let indices: Vec<u32> = manifests.iter().map(|manifest| manifest.shard).collect();
    let order = in_shard_order(&dirs, &indices, first.shards, "sweep")?;
    let (axes, points) = rebuild_points(first).map_err(|problem| bad_folder(first_dir, problem))?;
    let mut runs = Vec::new();
    let mut periods: Vec<(Option<Date>, u32)> = Vec::new();
    let scope = first.sweep.port.clone().map_or(Scope::Total, Scope::Port);
    let shard_dirs: Vec<&Path> = order.iter().map(|&position| dirs[position].as_path()).collect();
    let records: Vec<&[PointRecord]> = order
        .iter()
        .map(|&position| manifests[position].points.as_slice())
        .collect();
    merge_each_point(&shard_dirs, &records, staging.path(), limits, |record, results| {
        periods.push((results.info.start_date, results.info.horizon_days));
        runs.push(scope.merged_runs(results, shard_dirs[0], &record.folder)?);
        Ok(())
    })?;
    let metric: Metric = first.sweep.chart_metric.parse().map_err(|_| {
        bad_folder(
            first_dir,
            format!("shard.json names no metric `{}`", first.sweep.chart_metric),
        )
    })?;
    let text = ChartText {
        title: first.sweep.chart_title.clone(),
        subtitle: first.sweep.chart_subtitle.clone(),
        x_label: first.sweep.chart_x_label.clone(),
    };
    let mut sweep = assemble(
        &first.base,
        first.provenance.clone(),
        scope,
        axes,
        points,
        &runs,
        periods,
    );
    sweep.write_files(staging.path(), metric, &text)?;
    staging.commit()?;
    Ok(sweep)
}

/// The sweep's axes and points from its parameters, checked against the points the manifest
/// names.
fn rebuild_points(manifest: &SweepManifest) -> Result<(Vec<Axis>, Vec<Vec<crate::overrides::Change>>), String> {
    let params: Vec<Param> = manifest
        .sweep
        .params
        .iter()
        .map(|param| Param {
            path: param.path.clone(),
            values: match (&param.values, &param.range) {
                (Some(text), None) => Values::List(text.clone()),
                (None, Some(text)) => Values::Range(text.clone()),
                _ => Values::List(String::new()),
            },
        })
        .collect();
    let axes = axes(&params).map_err(|error| format!("shard.json: its parameters do not parse ({error})"))?;
    let points = grid(&axes).map_err(|error| format!("shard.json: its grid does not build ({error})"))?;
    let wanted: Vec<String> = points.iter().map(|point| folder_name(point)).collect();
    let folders = crate::output::folder_names(&wanted);
    if !folders.iter().eq(manifest.points.iter().map(|point| &point.folder)) {
        return Err("shard.json names other points than its parameters give".to_owned());
    }
    Ok((axes, points))
}
