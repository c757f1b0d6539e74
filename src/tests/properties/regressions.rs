//! Hand-made cases of bugs the random scenarios once found, checked by the same oracle.

use super::check_case;
use super::generator::{CapacitySpec, Classes, DisciplineSpec, KindSpec, Patience, PortSpec, Spec, StreamSpec};

/// A one-day run whose only call stops at the names of a pair who gave up and stayed listed,
/// which do not fit in the one place left, with a single who would fit behind them. The run
/// ends right after: the names are reported as given up at the end of the run, and the oracle
/// once took that report for part of the call and said the single was left waiting.
fn last_call_stopped_by_names(counts: &'static str, no_show: Option<bool>, discipline: DisciplineSpec) -> Spec {
    let stream = |kind, size, patience: Option<Patience>| StreamSpec {
        port: 0,
        kind,
        size,
        class: 0,
        patience,
        join_share: None,
        outcomes: false,
        stays_listed: patience.is_some(),
    };
    Spec {
        horizon_days: 1,
        seed: 3_074_803_179,
        classes: Classes::Implicit,
        ports: vec![PortSpec {
            discipline,
            capacity: CapacitySpec::Quota {
                quota: 2.0,
                call_hours: 12.0,
                poisson: false,
                counts,
                // Exactly one in ten present groups absent: the first ones called are present.
                no_show: no_show.map(|back| (0.1, back, true)),
            },
            weekdays: None,
            closure: None,
        }],
        // In list order (FIFO): a single who had waited, the pair (gone by 06:00, before the
        // 12:00 call), and a single who would fit in what the first one leaves.
        streams: vec![
            stream(
                KindSpec::Backlog {
                    people: 1,
                    waited: Some(1),
                },
                1,
                None,
            ),
            stream(
                KindSpec::Backlog {
                    people: 2,
                    waited: None,
                },
                2,
                Some(Patience::Fixed(0.25)),
            ),
            stream(
                KindSpec::Backlog {
                    people: 1,
                    waited: None,
                },
                1,
                None,
            ),
        ],
    }
}

#[test]
fn names_that_stayed_listed_and_end_the_last_call_are_not_taken_for_part_of_it() {
    for counts in ["people", "people_called", "groups", "calls"] {
        for no_show in [None, Some(false), Some(true)] {
            for discipline in [
                DisciplineSpec::Fifo,
                DisciplineSpec::Priority,
                DisciplineSpec::Mixed(1.0),
                DisciplineSpec::Lifo,
            ] {
                let spec = last_call_stopped_by_names(counts, no_show, discipline);
                if let Err(error) = check_case(&spec) {
                    panic!("{error}\n--- scenario ---\n{}", spec.toml());
                }
            }
        }
    }
}
