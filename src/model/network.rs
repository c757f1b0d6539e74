//! Validated networks: stages after the ports, routing between nodes on leaving them, and the
//! choice of a port by the groups of a stream. Built only by [`crate::validate`].
//!
//! Nodes are numbered ports first (in file order), then stages: stage `i` is node
//! `ports.len() + i`. Everything the engine draws from is stored ready to draw: shares as
//! cumulative thresholds (the last exactly 1), names resolved to indices.
//!
//! Each feature draws from its own random stream, keyed (as `keyed_rng` keys them) by a role
//! and a name: routing by (`"routing"`, the node's name), delays by (`"delay"`, the node's
//! name), port choice by (`"choice"`, the stream's name) and re-listing by (`"relist"`, the
//! stream's name). So a draw at one node never shifts the draws of another, and adding a stage
//! downstream never changes the numbers drawn upstream (see docs/networks.md).

use super::Dist;

/// The network parts of a scenario; empty (see [`Network::is_empty`]) for a scenario of
/// independent ports.
#[derive(Debug, Clone, Default)]
pub(crate) struct Network {
    /// Stages, in file order: stage `i` is node `first_stage + i`, whose queue is
    /// `Model::ports[first_stage + i]`.
    pub stages: Vec<Stage>,
    /// Node index of the first stage: the number of ports.
    pub first_stage: usize,
    /// Final outcomes routing may end in: those declared in `[network]`, in order, then
    /// `gave_up` if a stage whose people can give up names no outcome and it is not declared. Processing at a node without a route
    /// ends as `processed`, as at a port today, and is not listed here.
    pub outcomes: Vec<String>,
    /// The route of each node (ports, then stages); `None`: processing ends there.
    pub routes: Vec<Option<Route>>,
    /// The port choice of each stream (in file order); `None`: the stream joins one node.
    pub choices: Vec<Option<PortChoice>>,
    /// Whether `[network]` was written (it makes a scenario a network even without stages).
    pub declared: bool,
}

impl Network {
    /// Whether the scenario uses none of the network features.
    pub(crate) fn is_empty(&self) -> bool {
        !self.declared
            && self.stages.is_empty()
            && self.routes.iter().all(Option::is_none)
            && self.choices.iter().all(Option::is_none)
    }

    /// What validation understood, one line per stage, stream joining a stage, route and
    /// choosing stream, indented by `indent`; `node_names` are the names of the ports then the
    /// stages, `streams` the name and node index of each stream.
    pub(crate) fn describe(&self, node_names: &[&str], streams: &[(&str, usize)], indent: &str) -> String {
        let node = |index: usize| node_names.get(index).copied().unwrap_or("?");
        let ports = self.first_stage;
        let mut lines = Vec::new();
        for (index, stage) in self.stages.iter().enumerate() {
            let patience = match &stage.give_up {
                Some(give_up) => format!(
                    "people give up after {} on average (outcome `{}`)",
                    days(give_up.patience_days.mean()),
                    self.outcomes.get(give_up.outcome).map_or("?", String::as_str)
                ),
                None => "nobody gives up".to_owned(),
            };
            let waits = match stage.waits_in {
                WaitsIn::Us => "the US",
                WaitsIn::Mexico => "Mexico",
            };
            lines.push(format!(
                "stage `{}`: people wait in {waits}; {patience}",
                node(ports + index)
            ));
        }
        for (stream, node_index) in streams
            .iter()
            .zip(&self.choices)
            .filter_map(|(stream, choice)| (choice.is_none() && stream.1 >= ports).then_some(stream))
        {
            lines.push(format!("stream `{stream}` joins stage `{}`", node(*node_index)));
        }
        for (from, route) in self.routes.iter().enumerate() {
            let Some(route) = route else { continue };
            let mut previous = 0.0;
            let targets: Vec<String> = route
                .targets
                .iter()
                .zip(&route.cumulative)
                .map(|(target, &threshold)| {
                    let share = threshold - previous;
                    previous = threshold;
                    let name = match *target {
                        Target::Node(index) => node(index).to_owned(),
                        Target::Outcome(index) => self.outcomes.get(index).map_or("?".to_owned(), |o| o.clone()),
                    };
                    format!("{} {name}", percent(share))
                })
                .collect();
            let delay = route.delay_days.as_ref().map_or(String::new(), |delay| {
                format!(", after {} on average", days(delay.mean()))
            });
            lines.push(format!("`{}` → {}{delay}", node(from), targets.join(", ")));
        }
        for (stream, choice) in self.choices.iter().enumerate() {
            let Some(choice) = choice else { continue };
            let ports: Vec<&str> = choice.ports.iter().map(|&port| node(port)).collect();
            let rule = match &choice.rule {
                ChoiceRule::Shares { cumulative } => {
                    let mut previous = 0.0;
                    let shares: Vec<String> = cumulative
                        .iter()
                        .map(|&threshold| {
                            let share = threshold - previous;
                            previous = threshold;
                            percent(share)
                        })
                        .collect();
                    format!("by shares {}", shares.join(" / "))
                }
                ChoiceRule::ShortestQuotedWait { seen } => format!("the shortest quoted wait{}", seen.describe()),
                ChoiceRule::Logit {
                    sensitivity_per_day,
                    seen,
                } => format!(
                    "logit with sensitivity {sensitivity_per_day} per day{}",
                    seen.describe()
                ),
            };
            let relist = choice.relist.map_or(String::new(), |relist| {
                format!(
                    "; after {}, moves with probability {} a day",
                    days(relist.after_days),
                    relist.probability_per_day
                )
            });
            lines.push(format!(
                "stream `{}` chooses between {} by {rule}{relist}",
                streams.get(stream).map_or("?", |stream| stream.0),
                ports.join(", ")
            ));
        }
        lines
            .iter()
            .map(|line| format!("{indent}{line}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A share as a percentage for messages: `88%`, `12.5%`.
fn percent(share: f64) -> String {
    format!("{}%", (share * 1000.0).round() / 10.0)
}

/// A number of days for messages, to two decimals: `1 day`, `14.5 days`.
fn days(days: f64) -> String {
    let rounded = (days * 100.0).round() / 100.0;
    if rounded == 1.0 {
        "1 day".to_owned()
    } else {
        format!("{rounded} days")
    }
}

/// Where the groups of each node count: every node's (stream, class) cells come in slots, one
/// per stream that joins it, then one per choosing stream that may come to it from elsewhere,
/// then one for the groups routed to it from other nodes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Slots {
    /// Slots per node (at least one).
    pub count: Vec<usize>,
    /// Per stream: its slot at each of its ports (those of its choice, in order), or at its
    /// one node.
    pub of_stream: Vec<Vec<(usize, u16)>>,
    /// Per node: the slot of groups routed there from other nodes, if any are.
    pub routed: Vec<Option<u16>>,
}

impl Slots {
    /// The slots of `streams` (joining `stream_nodes`, with their slots there) in `network`
    /// of `nodes` nodes.
    pub(crate) fn new(network: &Network, nodes: usize, streams: &[(usize, u16)]) -> Slots {
        let mut count = vec![0usize; nodes];
        for &(node, _) in streams {
            count[node] += 1;
        }
        let mut of_stream = Vec::with_capacity(streams.len());
        for (index, &(node, slot)) in streams.iter().enumerate() {
            match network.choices.get(index).and_then(Option::as_ref) {
                Some(choice) => of_stream.push(
                    choice
                        .ports
                        .iter()
                        .map(|&port| {
                            if port == node {
                                (port, slot)
                            } else {
                                count[port] += 1;
                                (port, (count[port] - 1) as u16)
                            }
                        })
                        .collect(),
                ),
                None => of_stream.push(vec![(node, slot)]),
            }
        }
        let routed = (0..nodes)
            .map(|node| {
                let target = network
                    .routes
                    .iter()
                    .flatten()
                    .any(|route| route.targets.contains(&Target::Node(node)));
                target.then(|| {
                    count[node] += 1;
                    (count[node] - 1) as u16
                })
            })
            .collect();
        for slots in &mut count {
            *slots = (*slots).max(1);
        }
        Slots {
            count,
            of_stream,
            routed,
        }
    }
}

/// The outcome, at the list it leaves, of a group that moves to another port's list.
pub(crate) const MOVED: &str = "moved";

/// What a stage adds to its queue (in `Model::ports`, validated as a port's): where people
/// wait, and who gives up.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    /// Where people wait while at the stage.
    pub waits_in: WaitsIn,
    /// Whether and how people give up at the stage (`None`: nobody does).
    pub give_up: Option<GiveUp>,
}

/// Giving up at a stage.
#[derive(Debug, Clone)]
pub(crate) struct GiveUp {
    /// How long people wait at the stage before giving up.
    pub patience_days: Dist,
    /// Index in [`Network::outcomes`] of the final outcome of those who give up.
    pub outcome: usize,
}

/// Where people wait while at a stage (MPP: in Mexico during court proceedings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum WaitsIn {
    /// In the United States.
    Us,
    /// In Mexico.
    Mexico,
}

/// Where a group goes on leaving a node by being processed.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// The possible next places, in the alphabetical order of their names.
    pub targets: Vec<Target>,
    /// Cumulative shares over `targets`, the last exactly 1: a uniform draw `u` picks the first
    /// target whose threshold is above `u`.
    pub cumulative: Vec<f64>,
    /// Time between leaving this node and joining the next (`None`: at once).
    pub delay_days: Option<Dist>,
}

/// The next place of a routed group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Target {
    /// A stage, by node index.
    Node(usize),
    /// A final outcome, by index in [`Network::outcomes`].
    Outcome(usize),
}

/// How the groups of one stream choose a port.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PortChoice {
    /// The ports chosen between (node indices, at least two, distinct, in the order written).
    pub ports: Vec<usize>,
    /// The rule applied when each group arrives.
    pub rule: ChoiceRule,
    /// Whether and how waiting groups move to another port's list.
    pub relist: Option<Relist>,
}

/// A rule of port choice.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ChoiceRule {
    /// Fixed shares: cumulative thresholds over `PortChoice::ports`, the last exactly 1.
    Shares {
        /// The thresholds.
        cumulative: Vec<f64>,
    },
    /// The port whose posted wait plus travel time is lowest (ties to the first listed).
    ShortestQuotedWait {
        /// What people see of each port.
        seen: Seen,
    },
    /// Each port with probability proportional to `exp(-sensitivity × (posted wait + travel))`.
    Logit {
        /// Sensitivity to a day more of wait, per day (> 0).
        sensitivity_per_day: f64,
        /// What people see of each port.
        seen: Seen,
    },
}

/// What choosing groups see: posted waits that are `info_delay_days` old, plus travel times.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Seen {
    /// Age of the posted waits, days (0: the current ones).
    pub info_delay_days: f64,
    /// Travel time to each port of `PortChoice::ports`, days.
    pub travel_days: Vec<f64>,
}

impl Seen {
    /// ", with posted waits 7 days old and travel of 0, 2 days" (empty parts left out).
    fn describe(&self) -> String {
        let mut text = String::new();
        if self.info_delay_days > 0.0 {
            text.push_str(&format!(", posted {} late", days(self.info_delay_days)));
        }
        if self.travel_days.iter().any(|&days| days > 0.0) {
            let travel: Vec<String> = self.travel_days.iter().map(f64::to_string).collect();
            text.push_str(&format!(", travel {} days", travel.join(" / ")));
        }
        text
    }
}

/// Moving to another port's list after a long wait.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Relist {
    /// Wait at one list, days, after which a group may move.
    pub after_days: f64,
    /// Probability per day of moving once past `after_days`, in (0, 1].
    pub probability_per_day: f64,
}

/// Where a person's journey through the network can end: the declared final outcomes, the
/// outcomes of leaving a list unprocessed, `processed` (at a node without a route),
/// `did_not_join`, and `pending` (still in the network at the end of the run). Each name once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ends {
    /// The names, in that order.
    pub names: Vec<String>,
    /// The end of each of [`Network::outcomes`].
    pub of_outcome: Vec<usize>,
    /// The end of each of `Model::outcomes` (leaving a list unprocessed).
    pub of_leaving: Vec<usize>,
    /// The end of processing at a node without a route.
    pub processed: usize,
    /// The end of arriving without joining a list.
    pub did_not_join: usize,
    /// Still in the network at the end of the run (censored).
    pub pending: usize,
}

impl Ends {
    /// The ends of a network whose lists are left unprocessed with `leaving` outcomes.
    pub(crate) fn new(network: &Network, leaving: &[String]) -> Self {
        let mut names: Vec<String> = Vec::new();
        let mut index_of = |name: &str| match names.iter().position(|known| known == name) {
            Some(index) => index,
            None => {
                names.push(name.to_owned());
                names.len() - 1
            }
        };
        let of_outcome = network.outcomes.iter().map(|name| index_of(name)).collect();
        let of_leaving = leaving.iter().map(|name| index_of(name)).collect();
        let processed = index_of("processed");
        let did_not_join = index_of("did_not_join");
        let pending = index_of("pending");
        Ends {
            names,
            of_outcome,
            of_leaving,
            processed,
            did_not_join,
            pending,
        }
    }
}
