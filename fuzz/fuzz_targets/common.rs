//! What both fuzz targets do with a scenario that loaded: run a short replication and check
//! that nobody is lost.

use backlog::commands::expected_people;
use backlog::engine::run_replication;
use backlog::model::Model;

/// Largest `horizon_days × (ports + streams)` simulated, so that one run takes milliseconds.
const MAX_DAY_SLOTS: f64 = 20_000.0;
/// Largest number of people expected over the horizon.
const MAX_PEOPLE: f64 = 20_000.0;

/// Whether a model is small enough to simulate within the fuzzer's time budget.
pub fn small_enough(model: &Model) -> bool {
    let slots = f64::from(model.horizon_days) * (model.ports.len() + model.streams.len()) as f64;
    let people: f64 = model.streams.iter().map(|stream| expected_people(stream, model)).sum();
    slots <= MAX_DAY_SLOTS && people.is_finite() && people <= MAX_PEOPLE
}

/// Runs replication 0 and checks conservation at each port: people who joined = processed +
/// left unprocessed + still waiting at the end.
pub fn run_and_check(model: &Model) {
    if !small_enough(model) {
        return;
    }
    let replication = run_replication(model, 0);
    assert_eq!(replication.ports.len(), model.ports.len(), "one result per port");
    for (port, result) in replication.ports.iter().enumerate() {
        let (mut arrived, mut accounted) = (0u64, 0u64);
        for class in &result.by_class {
            arrived += class.arrived;
            accounted += class.processed.people + class.abandoned.people + class.waiting_at_end.people;
        }
        assert_eq!(
            arrived, accounted,
            "port {port}: people who joined = processed + left + still waiting"
        );
    }
}
