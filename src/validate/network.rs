//! Networks: where a stream's people go in (one port or stage, or a choice between ports), the
//! final outcomes of `[network]`, routing on leaving a node, and the refusal to run a network
//! while the engine does not simulate one.

use super::ports::PartialStage;
use super::streams::{by_name, cumulative, port_index, shares};
use super::{ANY, Ctx, Hi, Lo, MAX_HORIZON, dist, suggest};
use crate::model::Port;
use crate::model::network::{ChoiceRule, GiveUp, Network, PortChoice, Relist, Route, Seen, Stage, Target};
use crate::scenario::{RawAfter, RawChoice, RawPort, RawRelist, RawScenario, RawStream, S};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// The final outcome of people who give up at a stage that names none.
const GAVE_UP: &str = "gave_up";
/// Largest logit sensitivity accepted, per day.
const MAX_SENSITIVITY: f64 = 1e6;

/// Where a stream's groups go in: a node index (for a choosing stream, its first port) and the
/// port choice, if they choose.
pub(crate) fn stream_entry(ctx: &mut Ctx, raw: &RawStream) -> Option<(usize, Option<PortChoice>)> {
    match (&raw.port, &raw.ports) {
        (Some(port), None) => {
            let node = port_index(ctx, port);
            let mut ok = only_with_ports(ctx, raw);
            if let Some(node) = node
                && node >= ctx.port_names.len()
            {
                ok &= not_at_stages(ctx, raw, port.get_ref());
            }
            ok.then_some((node?, None))
        }
        (Some(_), Some(ports)) => {
            ctx.error_help(
                ctx.key_span(ports.span(), "ports"),
                "a stream has either `port` or `ports`, not both",
                "`port` names the one port (or stage) its people join; `ports` the ports they choose between, with a `choice` rule",
            );
            None
        }
        (None, None) => {
            ctx.error_help(
                raw.name.span(),
                format!("stream `{}` needs `port`", raw.name.get_ref()),
                "add `port = \"…\"` (the port or stage its people join), or `ports = [\"…\", \"…\"]` with a `choice` rule",
            );
            None
        }
        (None, Some(raw_ports)) => {
            let ports = chosen_ports(ctx, raw_ports);
            let choice = match &raw.choice {
                Some(choice) => ports.as_ref().and_then(|ports| rule(ctx, choice, ports)),
                None => {
                    ctx.error_help(
                        raw.name.span(),
                        format!("stream `{}` lists `ports` but no `choice` rule", raw.name.get_ref()),
                        format!(
                            "add e.g. `choice = {{ rule = \"shortest_quoted_wait\" }}`, `{{ rule = \"logit\", \
                             sensitivity_per_day = 0.1 }}` or `{{ rule = \"shares\", shares = {{ {} = 0.5, … }} }}`",
                            raw_ports.get_ref().first().map_or("…", |port| port.get_ref().as_str())
                        ),
                    );
                    None
                }
            };
            let relist = match &raw.relist {
                None => Some(None),
                Some(relist) => self::relist(ctx, relist).map(Some),
            };
            let (ports, rule, relist) = (ports?, choice?, relist?);
            Some((
                ports[0].0,
                Some(PortChoice {
                    ports: ports.into_iter().map(|(index, _)| index).collect(),
                    rule,
                    relist,
                }),
            ))
        }
    }
}

/// Reports `choice` and `relist` on a stream without `ports`; false if there were any.
fn only_with_ports(ctx: &mut Ctx, raw: &RawStream) -> bool {
    let mut ok = true;
    for (key, span) in [
        ("choice", raw.choice.as_ref().map(S::span)),
        ("relist", raw.relist.as_ref().map(S::span)),
    ] {
        if let Some(span) = span {
            ctx.error_help(
                ctx.key_span(span, key),
                format!("`{key}` is only used by streams with `ports`"),
                "this stream joins one `port`; to let its groups choose, write `ports = [\"…\", \"…\"]` instead",
            );
            ok = false;
        }
    }
    ok
}

/// Reports the keys of giving up on a stream that joins a stage, where the stage's own
/// `patience_days` and `outcome` apply; false if there were any.
fn not_at_stages(ctx: &mut Ctx, raw: &RawStream, stage: &str) -> bool {
    let mut ok = true;
    for (key, span) in [
        ("patience_days", raw.patience_days.as_ref().map(|d| d.span.clone())),
        ("on_give_up", raw.on_give_up.as_ref().map(S::span)),
        ("outcomes", raw.outcomes.as_ref().map(S::span)),
    ] {
        if let Some(span) = span {
            ctx.error_help(
                span,
                format!("`{key}` is not used by a stream that joins a stage (`{stage}`)"),
                format!("at a stage, the stage's own `patience_days` and `outcome` apply; write them under `{stage}`"),
            );
            ok = false;
        }
    }
    ok
}

/// The node indices of `ports = […]` with the span of each name: ports only, at least two,
/// each once.
fn chosen_ports(ctx: &mut Ctx, ports: &S<Vec<S<String>>>) -> Option<Vec<(usize, Range<usize>)>> {
    let mut out: Vec<(usize, Range<usize>)> = Vec::new();
    let mut ok = true;
    for name in ports.get_ref() {
        let text = name.get_ref();
        if ctx.stage_names.contains(text) {
            ctx.error_help(
                name.span(),
                format!("`{text}` is a stage, but `ports` lists the ports a group chooses between"),
                "people reach a stage by routing (`after`) or with `port = …`; list only ports here",
            );
            ok = false;
            continue;
        }
        match port_index(ctx, name) {
            Some(index) if out.iter().any(|&(seen, _)| seen == index) => {
                ctx.error(name.span(), format!("`{text}` is listed twice in `ports`"));
                ok = false;
            }
            Some(index) => out.push((index, name.span())),
            None => ok = false,
        }
    }
    if ok && out.len() < 2 {
        ctx.error_help(
            ports.span(),
            "`ports` must list at least two ports to choose between",
            "for a single port, write `port = \"…\"` instead",
        );
        return None;
    }
    ok.then_some(out)
}

/// A key of `choice`, where its value is (if present) and the rules that use it.
type RuleKey = (&'static str, Option<Range<usize>>, &'static [Rule]);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    Shares,
    Shortest,
    Logit,
}

/// The choice rule of a stream choosing between `ports` (node index and where it is written).
fn rule(ctx: &mut Ctx, raw: &S<RawChoice>, ports: &[(usize, Range<usize>)]) -> Option<ChoiceRule> {
    let choice = raw.get_ref();
    let rule = ctx.choice(
        &choice.rule,
        "choice.rule",
        &[
            ("shares", Rule::Shares),
            ("shortest_quoted_wait", Rule::Shortest),
            ("logit", Rule::Logit),
        ],
    )?;
    let rule_name = choice.rule.get_ref();
    let keys: [RuleKey; 4] = [
        ("shares", choice.shares.as_ref().map(S::span), &[Rule::Shares]),
        (
            "info_delay_days",
            choice.info_delay_days.as_ref().map(S::span),
            &[Rule::Shortest, Rule::Logit],
        ),
        (
            "travel_days",
            choice.travel_days.as_ref().map(S::span),
            &[Rule::Shortest, Rule::Logit],
        ),
        (
            "sensitivity_per_day",
            choice.sensitivity_per_day.as_ref().map(S::span),
            &[Rule::Logit],
        ),
    ];
    let mut ok = true;
    for (key, span, rules) in keys {
        if let Some(span) = span
            && !rules.contains(&rule)
        {
            let which = match rules {
                [Rule::Shares] => "rule = \"shares\"",
                [Rule::Logit] => "rule = \"logit\"",
                _ => "rule = \"shortest_quoted_wait\" and rule = \"logit\"",
            };
            ctx.error_help(
                ctx.key_span(span, key),
                format!("`{key}` is only used with {which}"),
                format!("this choice has rule = \"{rule_name}\"; remove `{key}`, or change `rule`"),
            );
            ok = false;
        }
    }
    let names: Vec<String> = ports.iter().map(|&(index, _)| ctx.port_names[index].clone()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let rule = match rule {
        Rule::Shares => {
            let Some(map) = &choice.shares else {
                ctx.error_help(
                    choice.rule.span(),
                    "rule = \"shares\" needs `shares`",
                    format!(
                        "add the share of groups going to each port, e.g. `shares = {{ {} = 0.5, {} = 0.5 }}`",
                        names[0], names[1]
                    ),
                );
                return None;
            };
            let weights = by_port(ctx, map, "choice.shares", &names, |ctx, map, key| {
                shares(ctx, map, key).map(|list| list.into_iter().collect())
            });
            weights.map(|weights| ChoiceRule::Shares {
                cumulative: cumulative(&weights),
            })
        }
        Rule::Shortest | Rule::Logit => {
            let info_delay_days = match &choice.info_delay_days {
                None => Some(0.0),
                Some(days) => ctx.check(days, "info_delay_days", ANY, Lo::Incl(0.0), Hi::Incl(MAX_HORIZON)),
            };
            let travel_days = match &choice.travel_days {
                None => Some(vec![0.0; names.len()]),
                Some(map) => by_port(ctx, map, "travel_days", &names, |ctx, map, key| {
                    let mut out = Vec::new();
                    let mut ok = true;
                    for (name, days) in map.get_ref() {
                        match ctx.check(
                            days,
                            &format!("{key}.{name}"),
                            ANY,
                            Lo::Incl(0.0),
                            Hi::Incl(MAX_HORIZON),
                        ) {
                            Some(value) => out.push((name.clone(), value, ctx.key_span(days.span(), name))),
                            None => ok = false,
                        }
                    }
                    ok.then_some(out)
                }),
            };
            let sensitivity = match (&choice.sensitivity_per_day, rule) {
                (Some(value), _) => ctx.check(
                    value,
                    "sensitivity_per_day",
                    ANY,
                    Lo::Excl(0.0),
                    Hi::Incl(MAX_SENSITIVITY),
                ),
                (None, Rule::Logit) => {
                    ctx.error_help(
                        choice.rule.span(),
                        "rule = \"logit\" needs `sensitivity_per_day`",
                        "add how strongly a day more of wait turns people away, e.g. `sensitivity_per_day = 0.1` \
                         (a port with 10 days more wait is chosen e^-1 ≈ 0.37 times as often)",
                    );
                    None
                }
                (None, _) => Some(0.0),
            };
            let seen = Seen {
                info_delay_days: info_delay_days?,
                travel_days: travel_days?,
            };
            match rule {
                Rule::Logit => Some(ChoiceRule::Logit {
                    sensitivity_per_day: sensitivity?,
                    seen,
                }),
                _ => Some(ChoiceRule::ShortestQuotedWait { seen }),
            }
        }
    };
    ok.then_some(rule?)
}

/// Values by port name (`read` checks them), placed in the order of `ports`; 0 for a port not
/// named. A name that is not one of the ports is an error.
fn by_port(
    ctx: &mut Ctx,
    map: &S<BTreeMap<String, S<f64>>>,
    key: &str,
    ports: &[&str],
    read: impl Fn(&mut Ctx, &S<BTreeMap<String, S<f64>>>, &str) -> Option<Vec<(String, f64, Range<usize>)>>,
) -> Option<Vec<f64>> {
    let values = read(ctx, map, key)?;
    by_name(
        ctx,
        values,
        ports,
        key,
        ("one of this stream's `ports`", "its ports are"),
    )
}

fn relist(ctx: &mut Ctx, raw: &S<RawRelist>) -> Option<Relist> {
    let relist = raw.get_ref();
    let (after, probability) = (&relist.after_days, &relist.probability_per_day);
    let after_days = ctx.check(after, "relist.after_days", ANY, Lo::Incl(0.0), Hi::Incl(MAX_HORIZON));
    let probability_per_day = ctx.check(
        probability,
        "relist.probability_per_day",
        ANY,
        Lo::Excl(0.0),
        Hi::Incl(1.0),
    );
    Some(Relist {
        after_days: after_days?,
        probability_per_day: probability_per_day?,
    })
}

/// The validated network (final outcomes, stages with their give-up outcomes, and routes),
/// and the stages' queues, which join the ports as nodes `first_stage..`. `choices` are the
/// streams' port choices, in file order.
pub(crate) fn network(
    ctx: &mut Ctx,
    raw: &RawScenario,
    first_stage: usize,
    stages: Vec<PartialStage>,
    choices: Vec<Option<PortChoice>>,
) -> Option<(Network, Vec<Port>)> {
    let mut outcomes = declared_outcomes(ctx, raw)?;
    let raw_stages = raw
        .stages
        .as_ref()
        .map_or(&[][..], |stages| stages.get_ref().as_slice());
    let mut ok = true;
    let mut finished = Vec::new();
    let mut queues = Vec::new();
    for (stage, raw_stage) in stages.into_iter().zip(raw_stages) {
        let give_up = match (stage.patience_days, &raw_stage.outcome) {
            (Some(patience_days), outcome) => give_up_outcome(ctx, outcome.as_ref(), &mut outcomes)
                .map(|outcome| Some(GiveUp { patience_days, outcome })),
            (None, Some(outcome)) => {
                ctx.error_help(
                    outcome.span(),
                    "`outcome` needs someone who can give up at the stage",
                    "add `patience_days` to the stage, or remove `outcome`",
                );
                None
            }
            (None, None) => Some(None),
        };
        match give_up {
            Some(give_up) => {
                queues.push(stage.node);
                finished.push(Stage {
                    waits_in: stage.waits_in,
                    give_up,
                });
            }
            None => ok = false,
        }
    }
    let nodes: Vec<&RawPort> = raw.ports.get_ref().iter().chain(raw_stages).collect();
    let mut routes = Vec::new();
    for node in &nodes {
        match &node.after {
            None => routes.push(None),
            Some(after) => match route(ctx, after, &outcomes) {
                Some(route) => routes.push(Some(route)),
                None => ok = false,
            },
        }
    }
    if !ok {
        return None;
    }
    if let Some(stuck) = closed_loop(&routes) {
        let name = nodes[stuck[0]].name.get_ref();
        let loop_names: Vec<&str> = stuck.iter().map(|&node| nodes[node].name.get_ref().as_str()).collect();
        let span = nodes[stuck[0]]
            .after
            .as_ref()
            .map_or(nodes[stuck[0]].name.span(), |after| {
                ctx.key_span(after.get_ref().to.span(), "to")
            });
        ctx.error_help(
            span,
            format!(
                "people processed at `{name}` can never reach a final outcome: routing from {} leads only among these, a closed loop",
                suggest::quoted_list(&loop_names)
            ),
            "send a share of one of them to a final outcome (declared in [network] `outcomes`), or end processing at one of them by removing its `after`",
        );
        return None;
    }
    let network = Network {
        stages: finished,
        first_stage,
        outcomes,
        routes,
        choices,
        declared: raw.network.is_some(),
    };
    Some((network, queues))
}

/// The outcome names declared in `[network]`: valid names, each once, none a port or stage.
fn declared_outcomes(ctx: &mut Ctx, raw: &RawScenario) -> Option<Vec<String>> {
    let Some(network) = &raw.network else {
        return Some(Vec::new());
    };
    let list = &network.get_ref().outcomes;
    if list.get_ref().is_empty() {
        ctx.error_help(
            list.span(),
            "`outcomes` must name at least one final outcome",
            "e.g. `outcomes = [\"granted\", \"denied\", \"removed\"]`",
        );
        return None;
    }
    let mut seen = HashMap::new();
    let mut names = Vec::new();
    let mut ok = true;
    for name in list.get_ref() {
        let Some(text) = ctx.check_name(name, "outcome") else {
            ok = false;
            continue;
        };
        if ctx.port_names.contains(&text) || ctx.stage_names.contains(&text) {
            ctx.error_help(
                name.span(),
                format!("`{text}` is already the name of a port or stage"),
                "routing names both stages and outcomes in `to`, so an outcome needs a name of its own",
            );
            ok = false;
        } else if ctx.unique(&mut seen, &text, name.span(), "final outcome") {
            names.push(text);
        } else {
            ok = false;
        }
    }
    ok.then_some(names)
}

/// The index of the final outcome of those who give up at a stage; `gave_up` is added to the
/// outcomes when a stage's `outcome` is absent or names it without declaring it.
fn give_up_outcome(ctx: &mut Ctx, outcome: Option<&S<String>>, outcomes: &mut Vec<String>) -> Option<usize> {
    let Some(outcome) = outcome else {
        if let Some(index) = outcomes.iter().position(|name| name == GAVE_UP) {
            return Some(index);
        }
        outcomes.push(GAVE_UP.to_owned());
        return Some(outcomes.len() - 1);
    };
    let name = outcome.get_ref();
    if let Some(index) = outcomes.iter().position(|declared| declared == name) {
        return Some(index);
    }
    if name == GAVE_UP {
        outcomes.push(GAVE_UP.to_owned());
        return Some(outcomes.len() - 1);
    }
    let declared: Vec<&str> = outcomes.iter().map(String::as_str).collect();
    let help = if declared.is_empty() {
        format!("declare the final outcomes in a [network] table, e.g. `outcomes = [\"{name}\"]`")
    } else {
        suggest::help(name, &declared, "the final outcomes declared in [network] are")
    };
    ctx.error_help(
        outcome.span(),
        format!("`outcome` names `{name}`, which is not a final outcome"),
        help,
    );
    None
}

/// A node's route: its targets (stages or declared outcomes) with cumulative shares, and the
/// delay before the next node.
fn route(ctx: &mut Ctx, after: &S<RawAfter>, outcomes: &[String]) -> Option<Route> {
    let raw = after.get_ref();
    let mut targets = Vec::new();
    let mut ok = true;
    for (name, share) in raw.to.get_ref() {
        let span = ctx.key_span(share.span(), name);
        if let Some(index) = ctx.stage_names.iter().position(|stage| stage == name) {
            targets.push(Target::Node(ctx.port_names.len() + index));
        } else if let Some(index) = outcomes.iter().position(|outcome| outcome == name) {
            targets.push(Target::Outcome(index));
        } else if ctx.port_names.contains(name) {
            ctx.error_help(
                span,
                format!("`after.to` names `{name}`, a port; routing goes to stages and final outcomes"),
                "people reach a port only by arriving there: make the next queue a [[stages]] table",
            );
            ok = false;
        } else {
            let known: Vec<&str> = ctx.stage_names.iter().chain(outcomes).map(String::as_str).collect();
            let help = if known.is_empty() {
                format!(
                    "declare `{name}` as a [[stages]] table, or as a final outcome in a [network] table (`outcomes = [\"{name}\"]`)"
                )
            } else {
                suggest::help(name, &known, "the stages and final outcomes are")
            };
            ctx.error_help(
                span,
                format!("`after.to` names `{name}`, which is neither a stage nor a final outcome"),
                help,
            );
            ok = false;
        }
    }
    let shares = shares(ctx, &raw.to, "after.to");
    let delay_days = match &raw.delay_days {
        None => Some(None),
        Some(delay) => dist::dist(ctx, delay, "delay_days").map(Some),
    };
    let (shares, delay_days) = (shares?, delay_days?);
    let weights: Vec<f64> = shares.iter().map(|(_, share, _)| *share).collect();
    ok.then(|| Route {
        targets,
        cumulative: cumulative(&weights),
        delay_days,
    })
}

/// The nodes with a route from which no path (through shares above 0) reaches a final outcome
/// or a node without a route, in node order; `None` when every node reaches one.
fn closed_loop(routes: &[Option<Route>]) -> Option<Vec<usize>> {
    let edges = |route: &Route| -> Vec<Target> {
        let mut previous = 0.0;
        route
            .targets
            .iter()
            .zip(&route.cumulative)
            .filter_map(|(&target, &threshold)| {
                let positive = threshold > previous;
                previous = threshold;
                positive.then_some(target)
            })
            .collect()
    };
    let mut exits: Vec<bool> = routes.iter().map(Option::is_none).collect();
    loop {
        let mut changed = false;
        for (node, route) in routes.iter().enumerate() {
            let Some(route) = route else { continue };
            if exits[node] {
                continue;
            }
            let reaches = edges(route).iter().any(|target| match *target {
                Target::Outcome(_) => true,
                Target::Node(next) => exits.get(next).copied().unwrap_or(false),
            });
            if reaches {
                exits[node] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let stuck: Vec<usize> = (0..routes.len()).filter(|&node| !exits[node]).collect();
    (!stuck.is_empty()).then_some(stuck)
}
