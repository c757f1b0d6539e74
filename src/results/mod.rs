//! The results of a run, and the results folder that `run --out` writes: one module owns both,
//! so that what is written and what is read back ([`Folder`]) are the same typed data.
//!
//! Every file of a folder is built from one [`Results`] and carries the same [`Provenance`];
//! `summary.json` is [`Summary`] serialised, and reads back into it.

pub(crate) mod csv;
pub(crate) mod folder;
pub(crate) mod json;

pub use folder::{Band, Bin, Folder, MarkerRow, Population};

use crate::model::{Date, Marker, Model};
use crate::output::{FolderKind, Staging};
use crate::replicate::{ReplicationRow, Replications};
use crate::stats::PeopleStats;
pub use crate::stats::summary::Estimate;
use crate::stats::summary::{Scalars, WAIT_QUANTILES, WAIT_STATS};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// A results folder being written. Everything goes into a hidden sibling folder
/// ([`path`](Self::path)), which replaces the folder only at [`commit`](Self::commit); dropped
/// without a commit (an error, Ctrl-C), it leaves the folder as it was. So a results folder is
/// always one whole run: no file of an earlier run (a chart, a report) stays beside a newer
/// one's.
#[derive(Debug)]
pub struct OutputDir(Staging);

impl OutputDir {
    /// Checks `dir` before anything runs and starts writing it: a new folder, an empty one or
    /// one backlog wrote before. A folder holding other files is refused unless `force`, and
    /// then its other files are kept.
    pub fn prepare(dir: &Path, force: bool) -> Result<OutputDir, crate::Error> {
        Staging::new(dir, FolderKind::Run, force).map(OutputDir)
    }

    /// Checks `dir` before anything runs and starts writing a shard folder there (`run --shard
    /// K/N --out DIR`; see [`ShardState::write_files`](crate::ShardState::write_files)), as
    /// [`prepare`](Self::prepare) does a results folder.
    pub fn prepare_shard(dir: &Path, force: bool) -> Result<OutputDir, crate::Error> {
        Staging::new(dir, FolderKind::Shard, force).map(OutputDir)
    }

    /// Where to write the folder's files until the commit.
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// Puts the folder written in place.
    pub fn commit(self) -> Result<(), crate::Error> {
        self.0.commit()
    }
}

/// What the files of a results folder need to know of the model that was run.
#[derive(Debug, Clone)]
pub(crate) struct RunInfo {
    pub(crate) provenance: Provenance,
    pub(crate) start_date: Option<Date>,
    pub(crate) horizon_days: u32,
    pub(crate) warm_up_days: u32,
    pub(crate) ports: Vec<String>,
    pub(crate) classes: Vec<String>,
    /// Streams, when results are broken down by stream (some port has more than one).
    pub(crate) streams: Vec<String>,

    pub(crate) outcomes: Vec<String>,
    pub(crate) markers: Vec<Marker>,
    /// The scenario text as run.
    pub(crate) text: Arc<str>,
    /// The waits (days) whose shares are reported.
    pub(crate) share_over_days: Vec<u32>,
    /// The network's shape (`None` for independent ports).
    pub(crate) network: Option<NetworkInfo>,
}

/// What the results of a network need to know of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NetworkInfo {
    /// Index of the first stage among the ports (the stages come after the ports).
    pub(crate) first_stage: usize,
    /// Where journeys end (see `model::network::Ends`).
    pub(crate) ends: Vec<String>,
    /// The stages where people wait in Mexico (`waits_in = "mexico"`), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) in_mexico: Vec<String>,
}

impl RunInfo {
    pub(crate) fn new(model: &Model, replications: u32, share_over_days: Vec<u32>) -> RunInfo {
        RunInfo {
            provenance: Provenance::new(model, replications),
            start_date: model.start_date,
            horizon_days: model.horizon_days,
            warm_up_days: model.warm_up_days,
            ports: model.ports.iter().map(|port| port.name.clone()).collect(),
            classes: model.classes.clone(),
            streams: if crate::replicate::streams_reported(model) {
                model.streams.iter().map(|stream| stream.name.clone()).collect()
            } else {
                Vec::new()
            },
            outcomes: model.outcomes.clone(),
            markers: model.markers.clone(),
            text: Arc::clone(&model.text),
            share_over_days,
            network: (!model.network.is_empty()).then(|| NetworkInfo {
                first_stage: model.network.first_stage,
                ends: crate::model::network::Ends::new(&model.network, &model.outcomes).names,
                in_mexico: model
                    .network
                    .stages
                    .iter()
                    .enumerate()
                    .filter(|(_, stage)| stage.waits_in == crate::model::network::WaitsIn::Mexico)
                    .map(|(index, _)| model.ports[model.network.first_stage + index].name.clone())
                    .collect(),
            }),
        }
    }

    /// Date of day `day`, if the scenario has a start date.
    pub(crate) fn date_of_day(&self, day: i64) -> Option<Date> {
        self.start_date.map(|start| start.plus_days(day))
    }
}

/// Everything a run produced: per-replication results merged in replication order, and their
/// [`Summary`] across replications.
#[derive(Debug, Clone)]
pub struct Results {
    pub(crate) info: RunInfo,
    pub(crate) replications: Replications,
    summary: Summary,
}

impl Results {
    pub(crate) fn new(model: &Model, replications: Replications) -> Results {
        let info = RunInfo::new(model, replications.replications, replications.share_over_days.clone());
        let summary = Summary::new(&info, &replications);
        Results {
            info,
            replications,
            summary,
        }
    }

    /// The results of a run from what its files need of the model and its replications (as
    /// merged from shards).
    pub(crate) fn from_parts(info: RunInfo, replications: Replications) -> Results {
        let summary = Summary::new(&info, &replications);
        Results {
            info,
            replications,
            summary,
        }
    }

    /// Records the engine that ran in the provenance.
    pub(crate) fn set_engine(&mut self, engine: crate::Engine) {
        self.info.provenance = self.info.provenance.clone().with_engine(engine);
        self.summary.provenance = self.info.provenance.clone();
    }

    /// The summary: every number with its 95% confidence interval, overall, per port and per
    /// class (what `summary.json` holds).
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Where the results came from.
    pub fn provenance(&self) -> &Provenance {
        &self.summary.provenance
    }

    /// Writes a results folder at `dir` (see [`OutputDir`]: a folder holding other files is
    /// refused): summary.json, summary.csv, daily.csv, waits.csv, replications.csv,
    /// scenario.toml and markers.csv.
    pub fn write_folder(&self, dir: &Path) -> Result<(), crate::Error> {
        let out = OutputDir::prepare(dir, false)?;
        self.write_files(out.path())?;
        out.commit()
    }

    /// Writes the files of a results folder into the existing folder `dir` (such as
    /// [`OutputDir::path`]), replacing files of the same names.
    pub fn write_files(&self, dir: &Path) -> Result<(), crate::Error> {
        folder::write(dir, self)
    }
}

/// Where a result came from: enough to reproduce it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// backlog version.
    pub version: String,
    /// Scenario name.
    pub scenario: String,
    /// The name of the built-in scenario run (`backlog run tijuana-2018`), if it was one (then,
    /// without `--set` changes, `scenario_sha256` is that of the text built into the program).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub built_in: Option<String>,
    /// SHA-256 of the scenario text as run (after overrides), hex.
    pub scenario_sha256: String,
    /// Seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
    /// Changes made to the scenario file before it ran (`path = value`, e.g. by `--set`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// The engine, when not the default (`event-loop`). Results do not depend on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
}

impl Provenance {
    /// Provenance of `replications` replications of `model` (from the text it was validated from).
    pub(crate) fn new(model: &Model, replications: u32) -> Self {
        let digest = Sha256::digest(model.text.as_bytes());
        Provenance {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario: model.name.clone(),
            built_in: model.built_in.map(str::to_owned),
            scenario_sha256: digest.iter().map(|byte| format!("{byte:02x}")).collect(),
            seed: model.seed,
            replications,
            changes: model.changes.clone(),
            engine: None,
        }
    }

    /// The scenario's name, and that of the built-in scenario it is: `Tijuana 2018 caravan
    /// (built-in scenario tijuana-2018)`.
    pub fn scenario_title(&self) -> String {
        match &self.built_in {
            Some(name) => format!("{} (built-in scenario {name})", self.scenario),
            None => self.scenario.clone(),
        }
    }

    /// Records the engine that ran, when it is not the default.
    pub(crate) fn with_engine(mut self, engine: crate::Engine) -> Self {
        self.engine = match engine {
            crate::Engine::Auto => None,
            crate::Engine::EventLoop => Some("event-loop".to_owned()),
        };
        self
    }

    /// The first 12 hex digits of the scenario's SHA-256: enough to tell versions apart.
    pub fn short_sha256(&self) -> &str {
        self.scenario_sha256.get(..12).unwrap_or(&self.scenario_sha256)
    }

    /// `scenario NAME with a = 1 set on the command line; seed S; N replications; event-loop
    /// engine; sha256 0123456789ab`: what a chart's source line and a table's header say of the
    /// run, naming every change from the file as shipped.
    pub fn run_phrase(&self) -> String {
        self.run_phrase_at("")
    }

    /// [`run_phrase`](Self::run_phrase) with `at` after the replications (` at each of 6
    /// points`).
    pub(crate) fn run_phrase_at(&self, at: &str) -> String {
        let mut parts = vec![format!("scenario {}{}", self.scenario_title(), self.changes_phrase())];
        parts.push(format!("seed {}", self.seed));
        parts.push(format!("{}{at}", crate::format::replications(self.replications)));
        if let Some(engine) = &self.engine {
            parts.push(format!("{engine} engine"));
        }
        parts.push(format!("sha256 {}", self.short_sha256()));
        parts.join("; ")
    }

    /// ` with a = 1 and b = 2 set on the command line`, or nothing without changes.
    pub fn changes_phrase(&self) -> String {
        if self.changes.is_empty() {
            String::new()
        } else {
            format!(" with {} set on the command line", self.changes_list())
        }
    }

    /// `a = 1, b = 2 and c = 3`.
    pub(crate) fn changes_list(&self) -> String {
        match self.changes.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [first @ .., last] => format!("{} and {last}", first.join(", ")),
        }
    }

    /// One line for the top of tables: the version and [`run_phrase`](Self::run_phrase).
    pub fn line(&self) -> String {
        format!("backlog {}; {}", self.version, self.run_phrase())
    }
}

/// Waits pooled over every person of every replication (single numbers, days).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PooledWaits {
    /// People.
    pub people: u64,
    /// Mean, days.
    pub mean: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// Longest.
    pub max: Option<f64>,
}

impl PooledWaits {
    /// The pooled statistics of `waits`.
    fn of(waits: &crate::stats::WaitAccumulator) -> Self {
        let finite = |value: f64| value.is_finite().then_some(value);
        PooledWaits {
            people: waits.people,
            mean: finite(waits.mean_days()),
            p50: finite(waits.quantile_days(WAIT_QUANTILES[0])),
            p90: finite(waits.quantile_days(WAIT_QUANTILES[1])),
            p95: finite(waits.quantile_days(WAIT_QUANTILES[2])),
            p99: finite(waits.quantile_days(WAIT_QUANTILES[3])),
            max: finite(waits.max_days()),
        }
    }
}

/// Everything reported about one scope: everyone, a port, or a class. The names are those of
/// [`Metric`](crate::Metric) (`processed`, `wait_p90`, …) wherever a metric has the same meaning,
/// in `summary.json`, `summary.csv`, `replications.csv` and the analyses alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeSummary {
    /// `all`, or the port or class name.
    pub name: String,
    /// People who joined the list.
    pub joined: Estimate,
    /// People who arrived and did not join the list.
    pub did_not_join: Estimate,
    /// People processed.
    pub processed: Estimate,
    /// People who left unprocessed.
    pub abandoned: Estimate,
    /// People still waiting at the end of the run.
    pub waiting_at_end: Estimate,
    /// Mean wait of people processed, from joining the list, days.
    pub wait_mean: Estimate,
    /// Median wait of people processed, days.
    pub wait_p50: Estimate,
    /// 90th-percentile wait of people processed, days.
    pub wait_p90: Estimate,
    /// 95th-percentile wait of people processed, days.
    pub wait_p95: Estimate,
    /// 99th-percentile wait of people processed, days.
    pub wait_p99: Estimate,
    /// Longest wait of people processed, days.
    pub wait_max: Estimate,
    /// Share of people processed who waited at all (P(wait > 0)), 0 to 1.
    pub share_waited: Estimate,
    /// Share of people processed who waited more than each number of days asked for
    /// (`share_over_days` of the scenario or the run), keyed by the number of days.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "ordered_map",
        deserialize_with = "ordered_entries"
    )]
    pub share_over_days: Vec<(String, Estimate)>,
    /// Waits of people processed pooled over all replications.
    pub pooled_wait_days: PooledWaits,
    /// Mean time waited by people who left unprocessed, days.
    pub abandoned_wait_mean: Estimate,
    /// People who left, by outcome (a JSON object in outcome order).
    #[serde(serialize_with = "ordered_map", deserialize_with = "ordered_entries")]
    pub abandoned_by_outcome: Vec<(String, Estimate)>,
    /// Mean time waited so far by people still waiting at the end (censored waits), days.
    pub waiting_at_end_wait_mean: Estimate,
    /// Longest time waited so far by people still waiting at the end, days.
    pub waiting_at_end_wait_max: Estimate,
    /// The first day at whose end nobody was on the list, over the replications where that
    /// happened (not for classes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_empty_day: Option<Estimate>,
    /// Replications in which the list emptied at some day's end (not for classes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emptied_replications: Option<usize>,
    /// Longest list at a day's end, people (not for classes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_list: Option<Estimate>,
    /// Names on the list at the end of the run: people waiting, and people who gave up but
    /// whose names stay listed until called (not for classes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names_on_list: Option<Estimate>,
    /// The last list number handed out by the end of the run (ports with list numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numbers_issued: Option<Estimate>,
    /// The last list number called by the end of the run (ports with list numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now_serving: Option<Estimate>,
}

/// The version of the results folder's format that this backlog writes and reads.
pub const FORMAT_VERSION: u32 = 3;

/// The whole report of a run: `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The version of the format ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Where it came from.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Start date of day 0, if any.
    pub start_date: Option<String>,
    /// Simulated days.
    pub horizon_days: u32,
    /// Warm-up days.
    pub warm_up_days: u32,
    /// Everyone.
    #[serde(flatten)]
    pub total: ScopeSummary,
    /// Per port.
    pub ports: Vec<ScopeSummary>,
    /// Per class.
    pub classes: Vec<ScopeSummary>,
    /// Per stream, when some port has more than one (otherwise a stream's results are its port's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub streams: Vec<ScopeSummary>,
    /// Events handled in all replications.
    pub events: u64,
    /// End-to-end times and flows through a network (absent for independent ports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkSummary>,
}

/// The network part of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkSummary {
    /// The stages, which are also in `ports`, after the ports.
    pub stages: Vec<String>,
    /// Everyone end to end, counted as a port counts people: `joined` entered the network,
    /// `processed` reached a final outcome by being processed (their waits run from first
    /// joining any list to that outcome), `abandoned` left a list unprocessed, and
    /// `waiting_at_end` were still in the network at the end (on a list, in service or on
    /// their way; censored).
    pub end_to_end: ScopeSummary,
    /// Where journeys ended, with the time from first joining a list (for `pending`, the time
    /// so far), pooled over replications.
    pub ends: Vec<EndSummary>,
    /// People per replication moving from `arrivals` or a node to a node or an end (flows of
    /// nobody left out).
    pub flows: Vec<Flow>,
    /// The stages where people wait in Mexico (MPP), and the people on their lists at the end
    /// (absent when no stage is in Mexico).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_in_mexico: Option<InMexico>,
}

/// People waiting in Mexico at the end of the run: on the lists of the stages whose people
/// wait there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InMexico {
    /// The stages.
    pub stages: Vec<String>,
    /// People on their lists at the end, per replication.
    pub waiting_at_end: Estimate,
}

/// One end of journeys through a network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndSummary {
    /// Its name: a final outcome, an outcome of leaving a list, `processed`, `did_not_join` or
    /// `pending`.
    pub name: String,
    /// People per replication.
    pub people: f64,
    /// Time from first joining a list to the end, days, pooled over replications.
    pub time_days: PooledWaits,
}

/// People moving between two places of a network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    /// `arrivals` (from outside), or a port or stage.
    pub from: String,
    /// A port, a stage or an end.
    pub to: String,
    /// People per replication.
    pub people: f64,
}

impl NetworkSummary {
    fn new(info: &RunInfo, network: &NetworkInfo, results: &Replications) -> Option<NetworkSummary> {
        let stats = results.network.as_ref()?;
        let per_replication = |people: u64| people as f64 / f64::from(results.replications.max(1));
        let end_to_end = scope(
            info,
            "end_to_end",
            &results.rows,
            |row| row.network.as_ref().unwrap_or(&row.total),
            &stats.people,
            false,
        );
        let ends = network
            .ends
            .iter()
            .zip(&stats.end_to_end)
            .map(|(name, times)| EndSummary {
                name: name.clone(),
                people: per_replication(times.people),
                time_days: PooledWaits::of(times),
            })
            .collect();
        let places: Vec<&str> = info.ports.iter().chain(&network.ends).map(String::as_str).collect();
        let mut flows = Vec::new();
        for from in 0..=info.ports.len() {
            for (to, name) in places.iter().enumerate() {
                let people = stats.flow(from.checked_sub(1), to);
                if people > 0 {
                    flows.push(Flow {
                        from: from
                            .checked_sub(1)
                            .map_or("arrivals", |node| info.ports[node].as_str())
                            .to_owned(),
                        to: (*name).to_owned(),
                        people: per_replication(people),
                    });
                }
            }
        }
        let in_mexico: Vec<usize> = network
            .in_mexico
            .iter()
            .filter_map(|stage| info.ports.iter().position(|port| port == stage))
            .collect();
        let waiting_in_mexico = (!in_mexico.is_empty()).then(|| InMexico {
            stages: network.in_mexico.clone(),
            waiting_at_end: Estimate::from_values(
                &results
                    .rows
                    .iter()
                    .map(|row| in_mexico.iter().map(|&p| row.ports[p].waiting_at_end).sum::<f64>())
                    .collect::<Vec<_>>(),
            ),
        });
        Some(NetworkSummary {
            stages: info.ports[network.first_stage.min(info.ports.len())..].to_vec(),
            end_to_end,
            ends,
            flows,
            waiting_in_mexico,
        })
    }
}

impl Summary {
    /// Summarises the replications of a run.
    pub(crate) fn new(info: &RunInfo, results: &Replications) -> Summary {
        let rows = &results.rows;
        let total = scope(info, "all", rows, |row| &row.total, &results.pooled_total, true);
        let ports = info
            .ports
            .iter()
            .enumerate()
            .map(|(p, port)| {
                let mut summary = scope(info, port, rows, |row| &row.ports[p], &results.pooled_ports[p], true);
                if let Some(Some(numbers)) = results.numbers_by_port.get(p) {
                    let last = |values: &Vec<u64>| values.last().map_or(f64::NAN, |&n| n as f64);
                    let at_end = |f: &dyn Fn(&crate::stats::NumberSeries) -> f64| {
                        Estimate::from_values(&numbers.iter().map(f).collect::<Vec<_>>())
                    };
                    summary.numbers_issued = Some(at_end(&|n| last(&n.issued)));
                    summary.now_serving = Some(at_end(&|n| last(&n.now_serving)));
                }
                summary
            })
            .collect();
        let streams = info
            .streams
            .iter()
            .enumerate()
            .map(|(s, stream)| {
                scope(
                    info,
                    stream,
                    rows,
                    |row| &row.streams[s],
                    &results.pooled_streams[s],
                    true,
                )
            })
            .collect();
        let classes = info
            .classes
            .iter()
            .enumerate()
            .map(|(c, class)| {
                scope(
                    info,
                    class,
                    rows,
                    |row| &row.classes[c],
                    &results.pooled_classes[c],
                    false,
                )
            })
            .collect();
        Summary {
            format_version: FORMAT_VERSION,
            provenance: info.provenance.clone(),
            start_date: info.start_date.map(|date| date.to_string()),
            horizon_days: info.horizon_days,
            warm_up_days: info.warm_up_days,
            total,
            ports,
            classes,
            streams,
            events: results.events,
            network: info
                .network
                .as_ref()
                .and_then(|network| NetworkSummary::new(info, network, results)),
        }
    }
}

fn scope(
    info: &RunInfo,
    name: &str,
    rows: &[ReplicationRow],
    pick: impl Fn(&ReplicationRow) -> &Scalars,
    pooled: &PeopleStats,
    has_daily: bool,
) -> ScopeSummary {
    let estimate =
        |f: &dyn Fn(&Scalars) -> f64| Estimate::from_values(&rows.iter().map(|row| f(pick(row))).collect::<Vec<_>>());
    let wait = |i: usize| estimate(&|s: &Scalars| s.wait_days[i]);
    let first_empty_days: Vec<f64> = rows.iter().map(|row| pick(row).first_empty_day).collect();
    let waits = &pooled.processed;
    ScopeSummary {
        name: name.to_owned(),
        joined: estimate(&|s| s.joined),
        did_not_join: estimate(&|s| s.did_not_join),
        processed: estimate(&|s| s.processed),
        abandoned: estimate(&|s| s.abandoned),
        waiting_at_end: estimate(&|s| s.waiting_at_end),
        wait_mean: wait(0),
        wait_p50: wait(1),
        wait_p90: wait(2),
        wait_p95: wait(3),
        wait_p99: wait(4),
        wait_max: wait(5),
        share_waited: estimate(&|s| s.share_waited),
        share_over_days: info
            .share_over_days
            .iter()
            .enumerate()
            .map(|(i, days)| {
                let share = |s: &Scalars| s.share_over.get(i).map_or(f64::NAN, |&(_, share)| share);
                (days.to_string(), estimate(&share))
            })
            .collect(),
        pooled_wait_days: PooledWaits::of(waits),
        abandoned_wait_mean: estimate(&|s| s.abandoned_waited_days_mean),
        abandoned_by_outcome: info
            .outcomes
            .iter()
            .enumerate()
            .map(|(o, outcome)| (outcome.clone(), estimate(&|s| s.abandoned_by_outcome[o])))
            .collect(),
        waiting_at_end_wait_mean: estimate(&|s| s.waiting_at_end_waited_days[0]),
        waiting_at_end_wait_max: estimate(&|s| s.waiting_at_end_waited_days[1]),
        first_empty_day: has_daily.then(|| Estimate::from_values(&first_empty_days)),
        emptied_replications: has_daily.then(|| first_empty_days.iter().filter(|d| d.is_finite()).count()),
        peak_list: has_daily.then(|| estimate(&|s| s.peak_list)),
        names_on_list: has_daily.then(|| estimate(&|s| s.names_on_list)),
        numbers_issued: None,
        now_serving: None,
    }
}

fn ordered_map<S: serde::Serializer>(entries: &[(String, Estimate)], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(entries.len()))?;
    for (name, estimate) in entries {
        map.serialize_entry(name, estimate)?;
    }
    map.end()
}

/// Reads an object into its entries, in the order written.
fn ordered_entries<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, Estimate)>, D::Error> {
    struct Entries;
    impl<'de> serde::de::Visitor<'de> for Entries {
        type Value = Vec<(String, Estimate)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of estimates by outcome")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::new();
            while let Some(entry) = map.next_entry()? {
                entries.push(entry);
            }
            Ok(entries)
        }
    }
    deserializer.deserialize_map(Entries)
}

/// Names of the wait statistics (re-exported for the writers).
pub(crate) const WAIT_NAMES: [&str; 6] = WAIT_STATS;

/// A number for CSV: empty when undefined, `inf` when infinite, else to twelve significant digits.
pub(crate) fn csv_number(value: f64) -> String {
    if value.is_nan() {
        String::new()
    } else if value.is_infinite() {
        if value > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        significant(value)
    }
}

/// Significant digits a CSV number keeps: more than any count or mean here needs, fewer than
/// the float noise of sums and means (`3032.2999999999997` is written `3032.3`).
const CSV_DIGITS: i32 = 12;

/// `value` rounded to [`CSV_DIGITS`] significant digits, without trailing zeros.
fn significant(value: f64) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (CSV_DIGITS - 1 - magnitude).max(0) as usize;
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" { "0".to_owned() } else { text }
}

#[cfg(test)]
mod tests {
    use super::csv_number;

    #[test]
    fn csv_numbers_drop_float_noise() {
        assert_eq!(csv_number(3032.2999999999997), "3032.3");
        assert_eq!(csv_number(0.1 + 0.2), "0.3");
        assert_eq!(csv_number(18_500.0), "18500");
        assert_eq!(csv_number(-2.5), "-2.5");
        assert_eq!(csv_number(0.0), "0");
        assert_eq!(csv_number(1.234_567_890_123_4e-5), "0.0000123456789012");
        assert_eq!(csv_number(f64::NAN), "");
        assert_eq!(csv_number(f64::INFINITY), "inf");
    }
}
