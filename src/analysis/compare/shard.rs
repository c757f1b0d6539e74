//! Sharded comparisons: shard K of N runs block K of the comparison's simulations (scenarios ×
//! replications, see [`Shard::block`]) and writes, per scenario, the run shard folder of the
//! replications it ran; merging merges each scenario's shards and compares them, writing the
//! comparison's folder byte for byte as the unsharded one. docs/scale-out.md documents the
//! format.

use super::{
    ComparePlan, CompareRequest, Compared, Comparison, Done, Period, PeriodComparison, Periods, folder_names, letter,
    plan_into, reconcile_periods,
};
use crate::analysis::{Scope, check_limits};
use crate::error::{Diagnostic, Error, InputError, Note};
use crate::guard::Limits;
use crate::model::Date;
use crate::output::{FolderKind, Staging};
use crate::replicate::RunOptions;
use crate::results::Provenance;
use crate::shard::{
    COMPARE_FORMAT_NAME, PointRecord, SHARD_FORMAT_VERSION, Shard, ShardKind, bad_folder, check_blocks, in_shard_order,
    merge_each_point, provenance_difference, read_manifest_of, read_manifests, run_points, simulations, write_manifest,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One compared scenario as written in `shard.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ScenarioRecord {
    /// The file as given.
    file: String,
    /// The scenario's name.
    name: String,
    /// The seed the file itself gives, when the comparison runs it with another.
    own_seed: Option<u64>,
    /// Its own period (with the changes, before any cut to the common period): the date of
    /// day 0 (year, month, day), if any, and the days simulated.
    start_date: Option<(i32, u32, u32)>,
    days: u32,
    /// Provenance of the scenario as run (its `replications` the comparison's).
    provenance: Provenance,
}

/// `shard.json` of a comparison's shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CompareManifest {
    /// Always `backlog-compare-shard`.
    format: String,
    /// [`SHARD_FORMAT_VERSION`].
    shard_format_version: u32,
    /// The backlog version that wrote it.
    version: String,
    /// K.
    shard: u32,
    /// N.
    shards: u32,
    /// The seed every scenario ran with.
    seed: u64,
    /// Replications of each scenario.
    replications: u32,
    /// `--port`, if any.
    port: Option<String>,
    /// `--allow-different-periods`.
    allow_different_periods: bool,
    /// The scenarios, the baseline first.
    scenarios: Vec<ScenarioRecord>,
    /// Each scenario's run shard folder, with the replications of it this shard ran.
    points: Vec<PointRecord>,
}

/// A comparison planned to run one shard of its simulations.
#[derive(Debug)]
pub struct CompareShardPlan {
    plan: ComparePlan,
    shard: Shard,
    allow_different_periods: bool,
}

/// Loads and checks every scenario of a comparison, to run shard `shard` of it into the shard
/// folder `request.out` (required).
pub fn plan_shard(request: CompareRequest, shard: Shard) -> Result<CompareShardPlan, Error> {
    if request.out.is_none() {
        return Err(Error::Input(InputError::single(
            Diagnostic::new("a comparison's shard needs an output folder: the folder its state is written to")
                .with_help("e.g. `backlog compare A.toml B.toml --shard 0/4 --out shards/0`"),
        )));
    }
    let allow_different_periods = request.allow_different_periods;
    let plan = plan_into(request, FolderKind::Shard)?;
    Ok(CompareShardPlan {
        plan,
        shard,
        allow_different_periods,
    })
}

impl CompareShardPlan {
    /// What validation noted about each scenario as it will run, in order.
    pub fn notes(&self) -> &[Note] {
        self.plan.notes()
    }

    /// How the scenarios' periods compare.
    pub fn periods(&self) -> &PeriodComparison {
        self.plan.periods()
    }

    /// Runs the shard's block of the comparison's simulations and writes the shard folder;
    /// returns how many it ran.
    pub fn run(self, options: &RunOptions) -> Result<u64, Error> {
        let plan = &self.plan;
        let replications = options.replications.unwrap_or(plan.first_replications);
        let variants = plan.variants();
        check_limits(&variants, options, replications)?;
        let Some(staging) = &plan.out else {
            return Err(Error::Input(InputError::single(Diagnostic::new(
                "a comparison's shard needs an output folder",
            ))));
        };
        let models: Vec<_> = variants.iter().map(|variant| variant.model).collect();
        let points = run_points(
            &models,
            &plan.folders,
            self.shard,
            replications,
            options,
            staging.path(),
        )?;
        let ran = simulations(&points);
        let scenarios = plan
            .compared(replications)
            .into_iter()
            .zip(&plan.periods.periods.each)
            .map(|(compared, period)| ScenarioRecord {
                file: compared.file,
                name: compared.name,
                own_seed: compared.own_seed,
                start_date: period.start_date.map(|date| (date.year, date.month, date.day)),
                days: period.days,
                provenance: compared.provenance,
            })
            .collect();
        let manifest = CompareManifest {
            format: COMPARE_FORMAT_NAME.to_owned(),
            shard_format_version: SHARD_FORMAT_VERSION,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            shard: self.shard.index(),
            shards: self.shard.count(),
            seed: plan.seed,
            replications,
            port: match &plan.scope {
                Scope::Total => None,
                Scope::Port(name) => Some(name.clone()),
            },
            allow_different_periods: self.allow_different_periods,
            scenarios,
            points,
        };
        write_manifest(staging.path(), &manifest)?;
        if let Some(staging) = self.plan.out {
            staging.commit()?;
        }
        Ok(ran)
    }
}

/// Reads and checks the `shard.json` of a comparison's shard.
fn read_manifest(dir: &Path, limits: &Limits) -> Result<CompareManifest, Error> {
    let (manifest, shard): (CompareManifest, Shard) = read_manifest_of(dir, limits, ShardKind::Compare)?;
    if manifest.scenarios.len() < 2 || manifest.scenarios.len() != manifest.points.len() {
        return Err(bad_folder(
            dir,
            "shard.json does not name a run shard folder for each of two or more scenarios",
        ));
    }
    if let Some(record) = manifest.scenarios.iter().find(|record| {
        record
            .start_date
            .is_some_and(|(year, month, day)| !Date { year, month, day }.is_valid())
            || record.provenance.replications != manifest.replications
            || record.provenance.seed != manifest.seed
    }) {
        return Err(bad_folder(
            dir,
            format!(
                "shard.json: the scenario `{}` has an impossible start date, or another seed or number of replications than the comparison",
                record.file
            ),
        ));
    }
    let files: Vec<&str> = manifest.scenarios.iter().map(|record| record.file.as_str()).collect();
    if !folder_names(&files)
        .iter()
        .eq(manifest.points.iter().map(|point| &point.folder))
    {
        return Err(bad_folder(
            dir,
            "shard.json names other folders than its scenarios' files give",
        ));
    }
    check_blocks(dir, shard, manifest.replications, &manifest.points)?;
    Ok(manifest)
}

/// How two comparison shards' manifests show they are of different comparisons, if they do.
fn difference(a: &CompareManifest, b: &CompareManifest) -> Option<String> {
    let files = |m: &CompareManifest| {
        m.scenarios
            .iter()
            .map(|record| format!("`{}`", record.file))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if a.scenarios.len() != b.scenarios.len() || a.scenarios.iter().zip(&b.scenarios).any(|(x, y)| x.file != y.file) {
        return Some(format!("they compare {} and {}", files(a), files(b)));
    }
    for (i, (x, y)) in a.scenarios.iter().zip(&b.scenarios).enumerate() {
        if let Some(difference) = provenance_difference(&x.provenance, &y.provenance, [a.shards, b.shards]) {
            let difference = difference
                .replace("the run", "the comparison")
                .replace("runs of", "comparisons of");
            return Some(format!("as scenario {}, {difference}", letter(i)));
        }
    }
    if a.shards != b.shards {
        return Some(format!(
            "they split the comparison in {} shards and {}",
            a.shards, b.shards
        ));
    }
    if a.port != b.port {
        return Some("they compare different ports".to_owned());
    }
    let without_shard = |m: &CompareManifest| CompareManifest {
        shard: 0,
        points: Vec::new(),
        ..m.clone()
    };
    if without_shard(a) != without_shard(b) || a.points.len() != b.points.len() {
        return Some("their provenance or scenario details differ".to_owned());
    }
    None
}

/// Reads the comparison shard folders `dirs` (in any order), merges each scenario's shards as
/// [`merge_shards`](crate::merge_shards) does, compares them, and writes into `out` the
/// folder the unsharded comparison would have written, byte for byte: a results folder per
/// scenario, comparison.csv, comparison.json and the comparison charts. Refused with
/// [`Error::Input`] naming the folder, before `out` is written: a shard missing or given
/// twice, shards of different comparisons, a shard of a run or a sweep, a corrupt shard.
/// `out` holding other files is refused unless `force`, and then its other files are kept.
pub fn merge_compare_shards(
    dirs: &[impl AsRef<Path>],
    out: &Path,
    force: bool,
    limits: &Limits,
) -> Result<Comparison, Error> {
    let dirs: Vec<PathBuf> = dirs.iter().map(|dir| dir.as_ref().to_path_buf()).collect();
    let staging = Staging::new(out, FolderKind::Compare, force)?;
    let manifests = read_manifests(
        &dirs,
        |dir| read_manifest(dir, limits),
        difference,
        "comparisons",
        "merge only the shards of one comparison: the same scenarios, changes, seed, replications, --port, --shard N and backlog version",
    )?;
    let first = &manifests[0];
    let indices: Vec<u32> = manifests.iter().map(|manifest| manifest.shard).collect();
    let order = in_shard_order(&dirs, &indices, first.shards, "compare")?;
    let shard_dirs: Vec<&Path> = order.iter().map(|&position| dirs[position].as_path()).collect();
    let records: Vec<&[PointRecord]> = order
        .iter()
        .map(|&position| manifests[position].points.as_slice())
        .collect();
    let scope = first.port.clone().map_or(Scope::Total, Scope::Port);
    let mut runs = Vec::new();
    merge_each_point(&shard_dirs, &records, staging.path(), limits, |record, results| {
        runs.push(scope.merged_runs(results, shard_dirs[0], &record.folder)?);
        Ok(())
    })?;
    let files: Vec<&str> = first.scenarios.iter().map(|record| record.file.as_str()).collect();
    let periods = Periods {
        each: first
            .scenarios
            .iter()
            .map(|record| Period {
                start_date: record.start_date.map(|(year, month, day)| Date { year, month, day }),
                days: record.days,
            })
            .collect(),
    };
    let periods = reconcile_periods(periods, &files, first.allow_different_periods)
        .map_err(|_| bad_folder(shard_dirs[0], "shard.json: the scenarios' periods cannot be compared"))?;
    let scenarios: Vec<Compared> = first
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, record)| Compared {
            letter: letter(i),
            file: record.file.clone(),
            name: record.name.clone(),
            own_seed: record.own_seed,
            provenance: record.provenance.clone(),
        })
        .collect();
    let folders: Vec<String> = first.points.iter().map(|record| record.folder.clone()).collect();
    let done = Done {
        scenarios,
        seed: first.seed,
        replications: first.replications,
        scope,
        runs,
        periods,
    };
    done.finish(Some(staging), &folders)
}
