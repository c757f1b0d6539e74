//! Networks: stages, routing and port choice validate into node indices and cumulative shares;
//! each kind of mistake is reported at its place; a valid network is refused until simulated.

use super::*;
use crate::model::network::{ChoiceRule, Network, PortChoice, Relist, Seen, Target, WaitsIn};

/// Two ports, credible-fear screening and a court; a stream choosing between the ports and the
/// court's pending cases.
const NETWORK: &str = "schema = 1
[run]
name = \"net\"
horizon_days = 30
seed = 1

[network]
outcomes = [\"granted\", \"denied\", \"removed\"]

[[ports]]
name = \"tijuana\"
capacity = { kind = \"quota\", quota_per_day = 40 }
after = { to = { credible_fear = 1.0 } }

[[ports]]
name = \"mexicali\"
capacity = { kind = \"quota\", quota_per_day = 10 }
after = { to = { credible_fear = 1.0 }, delay_days = 2 }

[[stages]]
name = \"credible_fear\"
[stages.capacity]
kind = \"officers\"
officers = 3
service_days = 0.5
[stages.after]
to = { removed = 0.12, court = 0.88 }
delay_days = { dist = \"uniform\", min = 7, max = 21 }

[[stages]]
name = \"court\"
waits_in = \"mexico\"
patience_days = 400
[stages.capacity]
kind = \"quota\"
quota_per_day = 60
[stages.after]
to = { granted = 0.3, denied = 0.6, court = 0.1 }

[[streams]]
name = \"arrivals\"
ports = [\"tijuana\", \"mexicali\"]
choice = { rule = \"logit\", sensitivity_per_day = 0.1, info_delay_days = 7, travel_days = { mexicali = 2 } }
relist = { after_days = 60, probability_per_day = 0.02 }
kind = \"poisson\"
people_per_day = 45

[[streams]]
name = \"pending\"
people = 1000
kind = \"backlog\"
port = \"court\"
";

/// The diagnostic containing `message`, which must start where `place` first is in `text`.
fn reported(text: &str, message: &str, place: &str) -> Diagnostic {
    expect(text, message, at(text, place))
}

/// For each (written, changed, message, place): the diagnostic of [`NETWORK`] with `written`
/// replaced by `changed` (see [`reported`]).
fn each_reported(cases: &[(&str, &str, &str, &str)]) -> Vec<Diagnostic> {
    cases
        .iter()
        .map(|(written, changed, message, place)| reported(&NETWORK.replace(written, changed), message, place))
        .collect()
}

/// The model and its network of `text`, which must be valid.
fn network_of(text: &str) -> (Model, Network) {
    match super::super::load("s.toml", text, Some(Path::new("")), &crate::guard::Limits::default()) {
        Ok(model) => {
            let network = model.network.clone();
            (model, network)
        }
        Err(error) => panic!("unexpected errors:\n{error}\nin:\n{text}"),
    }
}

#[test]
fn a_valid_network_becomes_node_indices_and_cumulative_shares() {
    let (model, network) = network_of(NETWORK);
    // The stages' queues come after the ports, as nodes 2 and 3.
    assert_eq!(
        model.port_names(),
        vec!["tijuana", "mexicali", "credible_fear", "court"]
    );
    assert_eq!((network.first_stage, network.stages.len()), (2, 2));
    // Outcomes: the declared ones, then `gave_up` for the court's patience.
    assert_eq!(network.outcomes, vec!["granted", "denied", "removed", "gave_up"]);
    let court = &network.stages[1];
    let give_up = court.give_up.as_ref().expect("people give up at court");
    assert_eq!((court.waits_in, give_up.outcome), (WaitsIn::Mexico, 3));
    assert!(matches!(give_up.patience_days, Dist::Fixed(days) if days == 400.0));
    assert_eq!(network.stages[0].waits_in, WaitsIn::Us);
    assert!(network.stages[0].give_up.is_none());

    // Nodes: tijuana 0, mexicali 1, credible_fear 2, court 3. Targets in name order.
    assert_eq!(network.routes.len(), 4);
    let port_route = network.routes[1].as_ref().expect("mexicali routes");
    assert_eq!(port_route.targets, vec![Target::Node(2)]);
    assert_eq!(port_route.cumulative, vec![1.0]);
    assert!(matches!(port_route.delay_days, Some(Dist::Fixed(days)) if days == 2.0));
    let screening = network.routes[2].as_ref().expect("screening routes");
    assert_eq!(screening.targets, vec![Target::Node(3), Target::Outcome(2)]);
    assert_eq!(screening.cumulative, vec![0.88, 1.0]);
    // Feedback (a court case heard again) is allowed: the court also reaches outcomes.
    let court_route = network.routes[3].as_ref().expect("court routes");
    assert_eq!(
        court_route.targets,
        vec![Target::Node(3), Target::Outcome(1), Target::Outcome(0)]
    );
    assert_eq!(court_route.cumulative.len(), 3);
    assert!((court_route.cumulative[0] - 0.1).abs() < 1e-12 && (court_route.cumulative[1] - 0.7).abs() < 1e-12);
    assert_eq!(court_route.cumulative[2], 1.0);

    // The choosing stream: ports in the order written, travel times aligned with them.
    assert_eq!(
        network.choices[0],
        Some(PortChoice {
            ports: vec![0, 1],
            rule: ChoiceRule::Logit {
                sensitivity_per_day: 0.1,
                seen: Seen {
                    info_delay_days: 7.0,
                    travel_days: vec![0.0, 2.0],
                },
            },
            relist: Some(Relist {
                after_days: 60.0,
                probability_per_day: 0.02,
            }),
        })
    );
    assert_eq!(network.choices[1], None);
    // The stream at the court joins node 3, first of the streams there.
    assert_eq!((model.streams[1].port, model.streams[1].slot), (3, 0));

    // `check` says what was understood.
    let described = model.describe();
    assert!(
        described.contains("`credible_fear` → 88% court, 12% removed"),
        "{described}"
    );
    assert!(
        described.contains("stream `pending` joins stage `court`"),
        "{described}"
    );
    assert!(
        described.contains("stream `arrivals` chooses between tijuana, mexicali by logit"),
        "{described}"
    );
    assert!(described.contains("  stage court: "), "{described}");
}

#[test]
fn scenarios_of_independent_ports_have_an_empty_network() {
    let (model, network) = network_of(&scenario("", PORT, STREAM));
    assert!(network.is_empty() && !model.describe().contains("network:"));
    assert_eq!(network.routes.len(), 1);
}

#[test]
fn a_stream_may_choose_between_ports_without_stages() {
    let text = scenario(
        "",
        PORT,
        "[[streams]]\nname = \"s\"\nports = [\"p\", \"q\"]\nchoice = { rule = \"shortest_quoted_wait\" }\n\
         kind = \"poisson\"\npeople_per_day = 3\n\n[[ports]]\nname = \"q\"\n[ports.capacity]\nkind = \"quota\"\n\
         quota_per_day = 1\n",
    );
    let (_, network) = network_of(&text);
    assert!(!network.is_empty());
    let ChoiceRule::ShortestQuotedWait { seen } = &network.choices[0].as_ref().expect("a choice").rule else {
        panic!("shortest quoted wait expected")
    };
    assert_eq!((seen.info_delay_days, seen.travel_days.clone()), (0.0, vec![0.0, 0.0]));
}

#[test]
fn routing_to_unknown_names_suggests_the_nearest() {
    let found = each_reported(&[
        (
            "{ credible_fear = 1.0 }, delay",
            "{ credible_feer = 1.0 }, delay",
            "neither a stage",
            "credible_feer",
        ),
        ("granted = 0.3", "grantd = 0.3", "neither a stage", "grantd"),
        (
            "{ credible_fear = 1.0 }, delay",
            "{ tijuana = 1.0 }, delay",
            "a port; routing goes to",
            "tijuana = 1.0",
        ),
    ]);
    assert_eq!(found[0].help.as_deref(), Some("did you mean `credible_fear`?"));
    assert_eq!(found[1].help.as_deref(), Some("did you mean `granted`?"));
}

#[test]
fn routing_shares_must_add_up_to_one() {
    let text = NETWORK.replace("removed = 0.12, court = 0.88", "removed = 0.2, court = 0.88");
    expect(&text, "add up to 1.08, not 1", after(&text, "[stages.after]\nto = "));
}

#[test]
fn a_closed_loop_without_a_way_out_is_refused_but_feedback_is_not() {
    // The court sends everyone back to screening and screening everyone to court.
    let text = NETWORK
        .replace("removed = 0.12, court = 0.88", "court = 1.0")
        .replace("granted = 0.3, denied = 0.6, court = 0.1", "credible_fear = 1.0");
    let found = reported(&text, "can never reach a final outcome", "to = { credible_fear = 1.0 }");
    assert!(found.message.contains("a closed loop"), "{found}");
    // A node without `after` ends processing there: a way out.
    let open = text.replace("[stages.after]\nto = { credible_fear = 1.0 }\n", "");
    assert!(!network_of(&open).1.is_empty());
    // Shares of 0 are not a way out.
    let zero = NETWORK.replace("granted = 0.3, denied = 0.6, court = 0.1", "granted = 0, court = 1.0");
    let zero = zero.replace("removed = 0.12, court = 0.88", "removed = 0, court = 1");
    reported(&zero, "can never reach a final outcome", "to = { credible_fear = 1.0 }");
}

#[test]
fn a_stream_has_port_or_ports_not_both_nor_neither() {
    let cases = [
        (
            "name = \"pending\"\n",
            "name = \"pending\"\nports = [\"tijuana\", \"mexicali\"]\n",
            "either `port` or `ports`, not both",
            "ports = [\"tijuana\", \"mexicali\"]\npeople",
        ),
        ("port = \"court\"\n", "", "stream `pending` needs `port`", "\"pending\""),
        (
            "port = \"court\"\n",
            "port = \"court\"\nchoice = { rule = \"logit\" }\n",
            "`choice` is only used by streams with `ports`",
            "choice = { rule = \"logit\" }",
        ),
    ];
    each_reported(&cases);
}

#[test]
fn choice_keys_belong_to_their_rule() {
    let logit =
        "choice = { rule = \"logit\", sensitivity_per_day = 0.1, info_delay_days = 7, travel_days = { mexicali = 2 } }";
    let cases = [
        (
            "choice = { rule = \"shortest_quoted_wait\", sensitivity_per_day = 0.1 }",
            "`sensitivity_per_day` is only used with rule = \"logit\"",
            "sensitivity_per_day = 0.1 }",
        ),
        (
            "choice = { rule = \"shares\", shares = { tijuana = 1 }, info_delay_days = 7 }",
            "`info_delay_days` is only used with rule = \"shortest_quoted_wait\" and rule = \"logit\"",
            "info_delay_days = 7 }",
        ),
        (
            "choice = { rule = \"logit\", sensitivity_per_day = 0.1, shares = { tijuana = 1 } }",
            "`shares` is only used with rule = \"shares\"",
            "shares = {",
        ),
        (
            "choice = { rule = \"logit\" }",
            "rule = \"logit\" needs `sensitivity_per_day`",
            "\"logit\" }",
        ),
        (
            "choice = { rule = \"shares\" }",
            "rule = \"shares\" needs `shares`",
            "\"shares\" }",
        ),
        (
            "choice = { rule = \"shares\", shares = { tijuana = 0.5, nogales = 0.5 } }",
            "names `nogales`, which is not one of this stream's `ports`",
            "nogales",
        ),
    ];
    for (choice, message, place) in cases {
        let text = NETWORK.replace(logit, choice);
        reported(&text, message, place);
    }
    // Shares follow the order of `ports`, not of the names.
    let text = NETWORK.replace(
        logit,
        "choice = { rule = \"shares\", shares = { tijuana = 0.25, mexicali = 0.75 } }",
    );
    let (_, network) = network_of(&text);
    assert_eq!(
        network.choices[0].as_ref().map(|choice| &choice.rule),
        Some(&ChoiceRule::Shares {
            cumulative: vec![0.25, 1.0]
        })
    );
}

#[test]
fn names_are_unique_across_ports_and_stages_and_outcomes() {
    let text = NETWORK.replace("name = \"court\"", "name = \"tijuana\"");
    reported(
        &text,
        "there is already a port named `tijuana`",
        "\"tijuana\"\nwaits_in",
    );
    let text = NETWORK.replace("\"removed\"]", "\"court\"]");
    reported(&text, "`court` is already the name of a port or stage", "\"court\"]");
}

#[test]
fn stage_keys_stay_on_stages_and_streams_at_stages_take_the_stage_patience() {
    let text = NETWORK.replace("name = \"tijuana\"\n", "name = \"tijuana\"\noutcome = \"removed\"\n");
    reported(&text, "`outcome` is a key of stages", "\"removed\"\n");
    let text = NETWORK.replace("people = 1000\n", "people = 1000\noutcomes = { left = 1.0 }\n");
    reported(
        &text,
        "`outcomes` is not used by a stream that joins a stage (`court`)",
        "{ left",
    );
    let text = NETWORK.replace(
        "patience_days = 400\n",
        "patience_days = 400\noutcome = \"in_absentia\"\n",
    );
    reported(
        &text,
        "`outcome` names `in_absentia`, which is not a final outcome",
        "\"in_absentia\"",
    );
    // A declared outcome is used as given.
    let text = NETWORK
        .replace("\"removed\"]", "\"removed\", \"in_absentia\"]")
        .replace(
            "patience_days = 400\n",
            "patience_days = 400\noutcome = \"in_absentia\"\n",
        );
    let (_, network) = network_of(&text);
    assert_eq!(network.outcomes, vec!["granted", "denied", "removed", "in_absentia"]);
    assert_eq!(
        network.stages[1].give_up.as_ref().map(|give_up| give_up.outcome),
        Some(3)
    );
    // `outcome` needs patience at the stage.
    let text = NETWORK.replace(
        "name = \"credible_fear\"\n",
        "name = \"credible_fear\"\noutcome = \"removed\"\n",
    );
    reported(&text, "`outcome` needs someone who can give up", "\"removed\"\n");
}
