//! Turning results into what people read: a table on stdout, JSON, and CSV files.
//!
//! Every format is built from one [`Summary`], so they always agree, and every file carries
//! the same [`Provenance`].

pub mod csv;
pub mod json;
pub mod table;
pub mod trace;

use crate::model::Model;
use crate::replicate::{ReplicationRow, Results};
use crate::stats::PeopleStats;
use crate::stats::summary::{Estimate, Scalars, WAIT_QUANTILES, WAIT_STATS};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Where a result came from: enough to reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    /// backlog version.
    pub version: String,
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of the scenario text as run (after overrides), hex.
    pub scenario_sha256: String,
    /// Seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
}

impl Provenance {
    /// Provenance of a run of `model` from `scenario_text`.
    pub fn new(model: &Model, scenario_text: &str, replications: u32) -> Self {
        let digest = Sha256::digest(scenario_text.as_bytes());
        Provenance {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario: model.name.clone(),
            scenario_sha256: digest.iter().map(|byte| format!("{byte:02x}")).collect(),
            seed: model.seed,
            replications,
        }
    }

    /// One line for the top of CSV files and tables.
    pub fn line(&self) -> String {
        format!(
            "backlog {}; scenario {}; sha256 {}; seed {}; {} replications",
            self.version, self.scenario, self.scenario_sha256, self.seed, self.replications
        )
    }
}

/// Wait statistics of one population estimated across replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitEstimates {
    /// Mean wait, days.
    pub mean: Estimate,
    /// Median.
    pub p50: Estimate,
    /// 90th percentile.
    pub p90: Estimate,
    /// 95th percentile.
    pub p95: Estimate,
    /// 99th percentile.
    pub p99: Estimate,
    /// Longest.
    pub max: Estimate,
}

/// Waits pooled over every person of every replication (single numbers, days).
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// When the list first emptied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstEmpty {
    /// Replications in which the list emptied at some day's end.
    pub replications_emptied: usize,
    /// The day, over those replications.
    pub day: Estimate,
}

/// Everything reported about one scope: everyone, a port, or a class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeSummary {
    /// `all`, or the port or class name.
    pub name: String,
    /// People who joined the list.
    pub arrived: Estimate,
    /// People who arrived and did not join.
    pub did_not_join: Estimate,
    /// People processed.
    pub processed: Estimate,
    /// People who left unprocessed.
    pub abandoned: Estimate,
    /// People still waiting at the horizon.
    pub waiting_at_end: Estimate,
    /// Wait of people processed, from joining the list, days.
    pub wait_days: WaitEstimates,
    /// The same, pooled over all replications.
    pub pooled_wait_days: PooledWaits,
    /// Mean time waited by people who left unprocessed, days.
    pub abandoned_waited_days: Estimate,
    /// People who left, by outcome (a JSON object in outcome order).
    #[serde(serialize_with = "ordered_map")]
    pub abandoned_by_outcome: Vec<(String, Estimate)>,
    /// Time waited so far by people still waiting at the horizon (censored waits), days.
    pub waiting_at_end_waited_days: CensoredWaits,
    /// First day the list emptied (not for classes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_empty: Option<FirstEmpty>,
    /// Longest list at a day's end (not for classes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_list: Option<Estimate>,
}

/// Censored waits: people still waiting at the horizon and how long they had waited.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CensoredWaits {
    /// Mean time waited so far.
    pub mean: Estimate,
    /// Longest time waited so far.
    pub max: Estimate,
}

/// The whole report of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Where it came from.
    pub provenance: Provenance,
    /// Start date of day 0, if any.
    pub start_date: Option<String>,
    /// Simulated days.
    pub horizon_days: u32,
    /// Warm-up days.
    pub warm_up_days: u32,
    /// Everyone.
    pub total: ScopeSummary,
    /// Per port.
    pub ports: Vec<ScopeSummary>,
    /// Per class.
    pub classes: Vec<ScopeSummary>,
    /// Events handled in all replications.
    pub events: u64,
}

impl Summary {
    /// Summarises `results` of `model`.
    pub fn new(model: &Model, results: &Results, provenance: Provenance) -> Summary {
        let rows = &results.rows;
        let total = scope(model, "all", rows, |row| &row.total, &results.pooled_total, true);
        let ports = model
            .ports
            .iter()
            .enumerate()
            .map(|(p, port)| {
                scope(
                    model,
                    &port.name,
                    rows,
                    |row| &row.ports[p],
                    &results.pooled_ports[p],
                    true,
                )
            })
            .collect();
        let classes = model
            .classes
            .iter()
            .enumerate()
            .map(|(c, class)| {
                scope(
                    model,
                    class,
                    rows,
                    |row| &row.classes[c],
                    &results.pooled_classes[c],
                    false,
                )
            })
            .collect();
        Summary {
            provenance,
            start_date: model.start_date.map(|date| date.to_string()),
            horizon_days: model.horizon_days,
            warm_up_days: model.warm_up_days,
            total,
            ports,
            classes,
            events: results.events,
        }
    }
}

fn scope(
    model: &Model,
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
    let finite = |value: f64| value.is_finite().then_some(value);
    let waits = &pooled.processed;
    ScopeSummary {
        name: name.to_owned(),
        arrived: estimate(&|s| s.arrived),
        did_not_join: estimate(&|s| s.did_not_join),
        processed: estimate(&|s| s.processed),
        abandoned: estimate(&|s| s.abandoned),
        waiting_at_end: estimate(&|s| s.waiting_at_end),
        wait_days: WaitEstimates {
            mean: wait(0),
            p50: wait(1),
            p90: wait(2),
            p95: wait(3),
            p99: wait(4),
            max: wait(5),
        },
        pooled_wait_days: PooledWaits {
            people: waits.people,
            mean: finite(waits.mean_days()),
            p50: finite(waits.quantile_days(WAIT_QUANTILES[0])),
            p90: finite(waits.quantile_days(WAIT_QUANTILES[1])),
            p95: finite(waits.quantile_days(WAIT_QUANTILES[2])),
            p99: finite(waits.quantile_days(WAIT_QUANTILES[3])),
            max: finite(waits.max_days()),
        },
        abandoned_waited_days: estimate(&|s| s.abandoned_waited_days_mean),
        abandoned_by_outcome: model
            .outcomes
            .iter()
            .enumerate()
            .map(|(o, outcome)| (outcome.clone(), estimate(&|s| s.abandoned_by_outcome[o])))
            .collect(),
        waiting_at_end_waited_days: CensoredWaits {
            mean: estimate(&|s| s.waiting_at_end_waited_days[0]),
            max: estimate(&|s| s.waiting_at_end_waited_days[1]),
        },
        first_empty: has_daily.then(|| FirstEmpty {
            replications_emptied: first_empty_days.iter().filter(|d| d.is_finite()).count(),
            day: Estimate::from_values(&first_empty_days),
        }),
        peak_list: has_daily.then(|| estimate(&|s| s.peak_list)),
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

/// Names of the wait statistics (re-exported for the writers).
pub(crate) const WAIT_NAMES: [&str; 6] = WAIT_STATS;

/// A number for CSV: empty when undefined, `inf` when infinite.
pub(crate) fn csv_number(value: f64) -> String {
    if value.is_nan() {
        String::new()
    } else if value.is_infinite() {
        if value > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{value}")
    }
}
