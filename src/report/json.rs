//! The JSON summary (`--format json`, `summary.json`).

use super::{ScopeSummary, Summary};
use serde::Serialize;

#[derive(Serialize)]
struct JsonSummary<'a> {
    version: &'a str,
    scenario: &'a str,
    scenario_sha256: &'a str,
    seed: u64,
    replications: u32,
    start_date: Option<&'a str>,
    horizon_days: u32,
    warm_up_days: u32,
    #[serde(flatten)]
    total: &'a ScopeSummary,
    ports: &'a [ScopeSummary],
    classes: &'a [ScopeSummary],
    events: u64,
}

/// The summary as pretty-printed JSON, ending in a newline.
pub fn to_json(summary: &Summary) -> String {
    let provenance = &summary.provenance;
    let json = JsonSummary {
        version: &provenance.version,
        scenario: &provenance.scenario,
        scenario_sha256: &provenance.scenario_sha256,
        seed: provenance.seed,
        replications: provenance.replications,
        start_date: summary.start_date.as_deref(),
        horizon_days: summary.horizon_days,
        warm_up_days: summary.warm_up_days,
        total: &summary.total,
        ports: &summary.ports,
        classes: &summary.classes,
        events: summary.events,
    };
    // Serialising plain structs of numbers and strings cannot fail.
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|error| unreachable!("{error}"));
    text.push('\n');
    text
}
