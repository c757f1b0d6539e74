//! Outcome names: each stream's people who give up are counted under that stream's own outcomes,
//! however many names the scenario has, up to the limit validation enforces.

use super::model_from;
use crate::engine::run_replication;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// `ports` ports, each with one stream of people who give up quickly into `per_stream` outcomes
/// of its own (`s7_o2` is the third outcome of stream 7).
fn scenario(ports: usize, per_stream: usize, seed: u32) -> String {
    let mut text = format!("schema = 1\n[run]\nname = \"outcomes\"\nhorizon_days = 10\nseed = {seed}\n");
    for p in 0..ports {
        text.push_str(&format!(
            "[[ports]]\nname = \"p{p}\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 1\n"
        ));
    }
    for p in 0..ports {
        let share = 1.0 / per_stream as f64;
        let outcomes: Vec<String> = (0..per_stream)
            .map(|o| {
                // The last share takes what rounding left, so that they add up to 1.
                let value = if o + 1 == per_stream {
                    1.0 - share * (per_stream - 1) as f64
                } else {
                    share
                };
                format!("s{p}_o{o} = {value}")
            })
            .collect();
        text.push_str(&format!(
            "[[streams]]\nname = \"s{p}\"\nport = \"p{p}\"\nkind = \"backlog\"\npeople = 30\n\
             patience_days = {{ dist = \"exponential\", mean = 1 }}\noutcomes = {{ {} }}\n",
            outcomes.join(", ")
        ));
    }
    text
}

/// Runs replication 0 and checks that each port's people who left are counted under its own
/// stream's outcomes only, and all of them.
fn check_attribution(ports: usize, per_stream: usize, seed: u32) -> Result<(), TestCaseError> {
    let model = model_from(&scenario(ports, per_stream, seed));
    prop_assert_eq!(model.outcomes.len(), ports * per_stream);
    let replication = run_replication(&model, 0);
    for p in 0..ports {
        let people = replication.port_people(p, model.outcomes.len());
        let mut own = 0;
        for (o, name) in model.outcomes.iter().enumerate() {
            let count = people.abandoned_by_outcome[o];
            if name.starts_with(&format!("s{p}_")) {
                own += count;
            } else {
                prop_assert_eq!(count, 0, "port {} counted under {}", p, name);
            }
        }
        prop_assert_eq!(own, people.abandoned.people, "port {}", p);
        prop_assert!(own > 0, "port {}: someone gives up", p);
    }
    Ok(())
}

/// Exactly as many names as a group's outcome can hold (256): the last index still counts right.
#[test]
fn the_most_outcome_names_allowed_are_counted_right() {
    check_attribution(128, 2, 5).expect("attributed");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn people_who_leave_are_counted_under_their_own_streams_outcomes(
        ports in 1usize..=85,
        per_stream in 1usize..=3,
        seed in 0u32..1000,
    ) {
        check_attribution(ports, per_stream, seed)?;
    }
}

#[test]
fn more_outcome_names_than_the_engine_can_count_are_refused_where_they_are() {
    let text = scenario(86, 3, 1);
    let error = crate::validate::load_str("many.toml", &text, std::path::Path::new(".")).expect_err("258 names");
    let message = error.to_string();
    assert!(message.contains("more than 256 different outcome names"), "{message}");
    // The stream that brings the 257th name: stream 85 (the 86th), the last.
    let line = text
        .lines()
        .position(|l| l.starts_with("outcomes = { s85_o0"))
        .expect("line")
        + 1;
    assert!(message.contains(&format!("many.toml:{line}:")), "{message}");
}
