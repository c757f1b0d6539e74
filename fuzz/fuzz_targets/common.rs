//! What every fuzz target does with a scenario: load it through the library's API, and when it
//! is valid, run a short replication and check that nobody is lost; when it is not, check that
//! the error says what is wrong.

use backlog::{Error, Limits, Model, RunOptions, Scenario, simulate};

/// Largest `horizon_days × (ports + streams)` simulated, so that one run takes milliseconds.
const MAX_DAY_SLOTS: f64 = 20_000.0;
/// Largest number of people expected in a replication (the run is refused above it).
const MAX_PEOPLE: u64 = 20_000;

/// Loads `scenario`; runs and checks a valid one, checks the message of an invalid one.
pub fn load_and_check(scenario: &Scenario) {
    match scenario.load() {
        Ok(model) => run_and_check(&model),
        Err(Error::Input(error)) => {
            assert!(!error.diagnostics.is_empty(), "an error says what is wrong");
            let _ = error.to_string();
        }
        Err(other) => panic!("loading gave an error that is not about the input: {other}"),
    }
}

/// Runs replication 0 and checks conservation: people who joined = processed + left
/// unprocessed + still waiting at the end.
pub fn run_and_check(model: &Model) {
    let _ = model.describe();
    let slots = f64::from(model.horizon_days()) * (model.port_names().len() + model.stream_names().len()) as f64;
    if slots > MAX_DAY_SLOTS {
        return;
    }
    let options = RunOptions::new().replications(1).threads(1).limits(Limits {
        max_people: Some(MAX_PEOPLE),
        max_memory_bytes: None,
    });
    let results = match simulate(model, &options) {
        Ok(results) => results,
        Err(Error::Limit(_)) => return,
        Err(other) => panic!("a valid scenario failed to run: {other}"),
    };
    let summary = results.summary();
    for scope in std::iter::once(&summary.total).chain(&summary.ports) {
        let count = |estimate: &backlog::results::Estimate| estimate.mean.unwrap_or(0.0);
        assert_eq!(
            count(&scope.arrived),
            count(&scope.processed) + count(&scope.abandoned) + count(&scope.waiting_at_end),
            "{}: people who joined = processed + left + still waiting",
            scope.name
        );
    }
}
