//! The direct recursion for FIFO officers gives the event loop's results exactly.
//!
//! Each case is a random scenario the recursion covers (1–3 officers ports around the clock,
//! each fed by at most one Poisson stream with a constant or piecewise rate, any service
//! distribution, households, classes, a warm-up, light to overloaded ports), validated like a
//! user's file; replications run by both methods must give equal results, event count
//! included. Scenarios just outside what the recursion covers must go to the event loop.

use super::model_from;
use crate::engine::{Engine, uses_direct_recursion};
use proptest::prelude::*;
use std::fmt::Write as _;

/// One officers port and, perhaps, its stream.
#[derive(Debug, Clone)]
struct PortSpec {
    officers: u32,
    service: String,
    stream: Option<StreamSpec>,
}

#[derive(Debug, Clone)]
struct StreamSpec {
    /// Rate pieces as (from day, people per day); one piece is written as `people_per_day`.
    rates: Vec<(u32, f64)>,
    until: Option<u32>,
    group_size: String,
}

#[derive(Debug, Clone)]
struct Spec {
    horizon_days: u32,
    warm_up_days: u32,
    seed: u32,
    two_classes: bool,
    ports: Vec<PortSpec>,
}

fn service() -> impl Strategy<Value = String> {
    prop_oneof![
        (1..=30u32).prop_map(|tenths| format!("{:?}", f64::from(tenths) / 10.0)),
        (1..=40u32).prop_map(|tenths| format!("{{ dist = \"exponential\", mean = {:?} }}", f64::from(tenths) / 10.0)),
        (0..=10u32, 1..=20u32).prop_map(|(min, width)| format!(
            "{{ dist = \"uniform\", min = {:?}, max = {:?} }}",
            f64::from(min) / 10.0,
            f64::from(min + width) / 10.0
        )),
        (1..=30u32, 1..=30u32).prop_map(|(mean, sd)| format!(
            "{{ dist = \"lognormal\", mean = {:?}, sd = {:?} }}",
            f64::from(mean) / 10.0,
            f64::from(sd) / 10.0
        )),
        Just("{ dist = \"empirical\", values = [0, 0.25, 1, 3], weights = [2, 5, 3, 1] }".to_owned()),
    ]
}

fn stream() -> impl Strategy<Value = StreamSpec> {
    (
        proptest::collection::vec((0..=100u32, 0..=60u32), 1..=3),
        proptest::option::of(1..=120u32),
        prop_oneof![
            (1..=4u32).prop_map(|size| size.to_string()),
            Just("{ dist = \"empirical\", values = [1, 2, 5], weights = [6, 3, 1] }".to_owned()),
        ],
    )
        .prop_map(|(pieces, until, group_size)| {
            // Pieces start on strictly increasing days, the first on day 0.
            let mut from = 0;
            let rates = pieces
                .into_iter()
                .enumerate()
                .map(|(index, (gap, halves))| {
                    if index > 0 {
                        from += 1 + gap;
                    }
                    (from, f64::from(halves) / 2.0)
                })
                .collect();
            StreamSpec {
                rates,
                until,
                group_size,
            }
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        1..=300u32,
        0.0..1.0f64,
        any::<u32>(),
        any::<bool>(),
        proptest::collection::vec(
            (1..=12u32, service(), proptest::option::weighted(0.85, stream())).prop_map(
                |(officers, service, stream)| PortSpec {
                    officers,
                    service,
                    stream,
                },
            ),
            1..=3,
        ),
        stream(),
    )
        .prop_map(|(horizon_days, warm_up, seed, two_classes, mut ports, first_stream)| {
            // A scenario needs at least one stream.
            ports[0].stream.get_or_insert(first_stream);
            Spec {
                horizon_days,
                warm_up_days: (warm_up * f64::from(horizon_days)) as u32 % horizon_days,
                seed,
                two_classes,
                ports,
            }
        })
}

impl Spec {
    fn toml(&self) -> String {
        let mut text = format!(
            "schema = 1\n[run]\nname = \"recursion\"\nhorizon_days = {}\nwarm_up_days = {}\nseed = {}\nreplications = 2\n",
            self.horizon_days, self.warm_up_days, self.seed
        );
        if self.two_classes {
            text.push_str("[[classes]]\nname = \"first\"\n[[classes]]\nname = \"second\"\n");
        }
        for (index, port) in self.ports.iter().enumerate() {
            let _ = writeln!(
                text,
                "[[ports]]\nname = \"port{index}\"\n[ports.capacity]\nkind = \"officers\"\nofficers = {}\nservice_days = {}",
                port.officers, port.service
            );
        }
        for (index, port) in self.ports.iter().enumerate() {
            let Some(stream) = &port.stream else { continue };
            let _ = writeln!(
                text,
                "[[streams]]\nname = \"arrivals{index}\"\nport = \"port{index}\"\nkind = \"poisson\"\ngroup_size = {}",
                stream.group_size
            );
            // Rates are checked against the horizon; drop pieces that start after it.
            let pieces: Vec<_> = stream
                .rates
                .iter()
                .filter(|(from, _)| *from < self.horizon_days)
                .collect();
            let until = stream.until.filter(|until| pieces.iter().all(|(from, _)| from < until));
            if let [(_, people_per_day)] = pieces[..] {
                let _ = writeln!(text, "people_per_day = {people_per_day:?}");
            } else {
                let rates: Vec<String> = pieces
                    .iter()
                    .map(|(from, people)| format!("{{ from = {from}, people_per_day = {people:?} }}"))
                    .collect();
                let _ = writeln!(text, "rates = [{}]", rates.join(", "));
            }
            if let Some(until) = until {
                let _ = writeln!(text, "until = {until}");
            }
            if self.two_classes {
                text.push_str("class_mix = { first = 0.3, second = 0.7 }\n");
            }
        }
        text
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_recursion_gives_the_event_loops_results(spec in spec()) {
        let text = spec.toml();
        let model = model_from(&text);
        prop_assert!(uses_direct_recursion(&model), "not covered:\n{text}");
        for replication in 0..2 {
            let direct = super::by_engine(&model, replication, Engine::Auto);
            let event_loop = super::by_engine(&model, replication, Engine::EventLoop);
            prop_assert!(direct == event_loop, "replication {replication} differs for\n{text}\n{direct:#?}\n{event_loop:#?}");
        }
    }
}

/// The W1-like scenario the recursion covers, and one change to it that each takes it outside.
#[test]
fn only_covered_scenarios_take_the_recursion() {
    let base = "schema = 1\n[run]\nname = \"m\"\nhorizon_days = 50\nseed = 1\n\
        [[ports]]\nname = \"office\"\n{discipline}[ports.capacity]\nkind = \"officers\"\nofficers = 3\n\
        service_days = { dist = \"exponential\", mean = 0.5 }\n{shift}\
        [[streams]]\nname = \"a\"\nport = \"office\"\n{kind}\n{extra}";
    let scenario = |discipline: &str, shift: &str, kind: &str, extra: &str| {
        base.replace("{discipline}", discipline)
            .replace("{shift}", shift)
            .replace("{kind}", kind)
            .replace("{extra}", extra)
    };
    let poisson = "kind = \"poisson\"\npeople_per_day = 5";
    assert!(uses_direct_recursion(&model_from(&scenario("", "", poisson, ""))));
    let outside = [
        ("LIFO", scenario("discipline = \"lifo\"\n", "", poisson, "")),
        (
            "day shifts",
            scenario("", "shift_start_hours = 8\nshift_end_hours = 17\n", poisson, ""),
        ),
        (
            "weekdays",
            scenario("", "weekdays = [\"mon\", \"tue\", \"wed\"]\n", poisson, ""),
        ),
        ("patience", scenario("", "", poisson, "patience_days = 30")),
        ("join share", scenario("", "", poisson, "join_share = 0.5")),
        ("a backlog", scenario("", "", "kind = \"backlog\"\npeople = 40", "")),
        (
            "two streams at one port",
            scenario(
                "",
                "",
                poisson,
                "[[streams]]\nname = \"b\"\nport = \"office\"\nkind = \"poisson\"\npeople_per_day = 1",
            ),
        ),
    ];
    for (what, text) in outside {
        let model = model_from(&text);
        assert!(!uses_direct_recursion(&model), "{what} is not covered");
        assert_eq!(
            super::by_engine(&model, 0, Engine::Auto),
            super::by_engine(&model, 0, Engine::EventLoop),
            "{what}"
        );
    }
}
