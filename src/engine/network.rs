//! Networks in the event loop: routing on leaving a node, delays between nodes, giving up at
//! stages, port choice on posted waits, and the flows and end-to-end times these make (see
//! docs/networks.md).
//!
//! Each node's part ([`NodeNet`]) lives in its port state, so the places where a group leaves a
//! list record its end there; the part of the whole run ([`NetSim`]) holds the groups on their
//! way to a list, in an ordered queue of its own whose entries fall among the event queue's as
//! arrivals do.

use super::list::Waiting;
use super::rng::{SimRng, keyed_rng};
use super::service_ticks;
use crate::model::network::{ChoiceRule, Ends, PortChoice, Relist, Target};
use crate::model::{Dist, Model, TICKS_PER_DAY, Ticks, days_to_ticks};
use crate::stats::QUOTED_WAIT_WINDOW_DAYS;
use crate::stats::network::{Ending, NetworkStats};
use rand::RngExt;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes a group number by one multiplication: group numbers are not chosen by anyone, so
/// they need no protection from collisions made on purpose, and millions of groups may wait
/// in a court's list with an entry each.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, id: u32) {
        self.0 = u64::from(id).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Maps and sets keyed by group number.
pub(super) type ById = BuildHasherDefault<IdHasher>;

/// A group on its way to a node's list.
#[derive(Debug, Clone, Copy)]
pub(super) struct Transfer {
    /// The node it joins.
    pub to: usize,
    /// The node it comes from (`None`: from outside, after travelling to a chosen port).
    pub from: Option<usize>,
    /// The group as it left, or as it arrived for one that travels to a chosen port.
    pub group: Waiting,
    /// Its class.
    pub class: u16,
    /// When it first joined a list (for one from outside: when it joins this one).
    pub first_joined: Ticks,
    /// How long it waits before giving up, from joining (`None`: as the node it joins says).
    pub patience: Option<Ticks>,
    /// The choosing stream it belongs to, if it may move between ports' lists.
    pub chooser: Option<usize>,
    /// Not a group on its way but the check whether it moves from the list of `to`.
    pub moving: bool,
}

/// A node's part in the network.
#[derive(Debug)]
pub(super) struct NodeNet {
    node: usize,
    /// When the groups on this list who came from another list first joined one.
    earlier: HashMap<u32, Ticks, ById>,
    /// Groups on this list that may move to another port's list.
    pub(super) may_move: HashSet<u32, ById>,
    /// Whether groups' `ticket` is their list number (else it holds how much earlier they
    /// first joined a list; see [`NodeNet::joined`]).
    numbers: bool,
    /// Groups processed here and not yet sent on, in the order processed: when they leave,
    /// the group, its class, and when it first joined a list.
    pub(super) departures: Vec<(Ticks, Waiting, u16, Ticks)>,
    /// The journeys that ended here.
    pub(super) stats: NetworkStats,
    ends: Ends,
    horizon: Ticks,
    /// People processed on each day, and names on the list at the start of each day, at a
    /// port that streams choose between (empty elsewhere).
    processed_by_day: Vec<u64>,
    names_by_day: Vec<u64>,
}

impl NodeNet {
    /// Node `node`'s part; `posts`: streams choose it on posted waits.
    pub(super) fn new(model: &Model, node: usize, posts: bool) -> Self {
        let ends = Ends::new(&model.network, &model.outcomes);
        let days = if posts { model.horizon_days as usize } else { 0 };
        NodeNet {
            node,
            earlier: HashMap::default(),
            may_move: HashSet::default(),
            numbers: model.ports[node].list_numbers.is_some(),
            departures: Vec::new(),
            stats: NetworkStats::new(model.ports.len(), ends.names.len(), model.outcomes.len()),
            ends,
            horizon: model.horizon_ticks(),
            processed_by_day: vec![0; days],
            names_by_day: Vec::with_capacity(days),
        }
    }

    /// When `group`, leaving this list, first joined one (forgetting it here).
    #[inline]
    pub(super) fn first_joined(&mut self, group: &Waiting) -> Ticks {
        if !self.may_move.is_empty() {
            self.may_move.remove(&group.id);
        }
        let in_ticket = if self.numbers { 0 } else { Ticks::from(group.ticket) };
        if !self.earlier.is_empty()
            && let Some(first_joined) = self.earlier.remove(&group.id)
        {
            return first_joined;
        }
        group.joined - in_ticket
    }

    /// Notes that `group`, joining this list, first joined one at `first_joined`. A list
    /// without list numbers keeps the time in between in the group's unused `ticket` (a
    /// map of millions of groups waiting in a court costs a cache miss each way).
    pub(super) fn joined(&mut self, group: &mut Waiting, first_joined: Ticks) {
        let earlier_by = group.joined - first_joined;
        if earlier_by <= 0 {
            return;
        }
        match u32::try_from(earlier_by) {
            Ok(seconds) if !self.numbers => group.ticket = seconds,
            _ => {
                self.earlier.insert(group.id, first_joined);
            }
        }
    }

    /// `group` left the list unprocessed at `at`, with outcome `outcome` (of `Model::outcomes`).
    #[inline]
    pub(super) fn left(&mut self, group: &Waiting, outcome: usize, at: Ticks) {
        let start = self.first_joined(group);
        let end = self.ends.of_leaving[outcome];
        self.stats.end(
            Some(self.node),
            end,
            Ending::Left { outcome },
            group.size,
            at - start,
            group.counted(),
        );
    }

    /// `group` (of class `class`) was processed at `time`, and leaves the node at `leave`.
    #[inline]
    pub(super) fn processed(&mut self, group: &Waiting, class: u16, time: Ticks, leave: Ticks) {
        if let Some(people) = self.processed_by_day.get_mut((time / TICKS_PER_DAY) as usize) {
            *people += u64::from(group.size);
        }
        let start = self.first_joined(group);
        self.departures.push((leave, *group, class, start));
    }

    /// `group` is still on the list at the end of the run.
    pub(super) fn still_waiting(&mut self, group: &Waiting) {
        let start = self.first_joined(group);
        self.stats.end(
            Some(self.node),
            self.ends.pending,
            Ending::Pending,
            group.size,
            self.horizon - start,
            group.counted(),
        );
    }

    /// `people` arrived from outside and did not join the list.
    pub(super) fn did_not_join(&mut self, people: u32, counted: bool) {
        self.stats.end(
            Some(self.node),
            self.ends.did_not_join,
            Ending::DidNotJoin,
            people,
            0,
            counted,
        );
    }

    /// Notes the names on the list at the start of each day up to `day` (the list has not
    /// changed since the last of them).
    pub(super) fn post(&mut self, day: usize, names: u64) {
        let days = self.processed_by_day.len();
        while self.names_by_day.len() <= day.min(days.saturating_sub(1)) {
            self.names_by_day.push(names);
        }
    }

    /// The wait posted at the start of `day`: names on the list then, over the mean people
    /// processed a day in the [`QUOTED_WAIT_WINDOW_DAYS`] days before (the quoted wait at the
    /// end of the day before); infinite when names wait and nobody was processed.
    pub(super) fn posted_wait_days(&self, day: usize) -> f64 {
        let names = self.names_by_day.get(day).copied().unwrap_or(0);
        if names == 0 {
            return 0.0;
        }
        let first = day.saturating_sub(QUOTED_WAIT_WINDOW_DAYS);
        let processed: u64 = self.processed_by_day[first..day].iter().sum();
        if processed == 0 {
            return f64::INFINITY;
        }
        names as f64 / (processed as f64 / (day - first) as f64)
    }
}

/// Items on their way, handed out in order of (tick, sequence number). Each goes to the back
/// of `in_order` if it is due no earlier than the last one there (every group is, on a route
/// without a random delay from a node that lets groups go in time order, as a call does),
/// else to `queue`, a heap of (tick, sequence number, index into `items`). The earlier of the
/// two fronts comes next, so the order is that of one heap, at a FIFO's cost for most.
#[derive(Debug)]
struct OnTheWay<T> {
    in_order: VecDeque<(Ticks, u64, T)>,
    queue: BinaryHeap<Reverse<(Ticks, u64, u32)>>,
    next_seq: u64,
    /// The heap's items, and the places free among them.
    items: Vec<T>,
    free: Vec<u32>,
}

impl<T> Default for OnTheWay<T> {
    fn default() -> Self {
        OnTheWay {
            in_order: VecDeque::new(),
            queue: BinaryHeap::new(),
            next_seq: 0,
            items: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T: Copy> OnTheWay<T> {
    /// The tick of the next item.
    #[inline]
    fn next_time(&self) -> Option<Ticks> {
        let in_order = self.in_order.front().map(|&(time, _, _)| time);
        let queued = self.queue.peek().map(|&Reverse((time, _, _))| time);
        match (in_order, queued) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes the next item and its tick.
    fn take(&mut self) -> Option<(Ticks, T)> {
        let in_order_first = match (self.in_order.front(), self.queue.peek()) {
            (Some(&(time, seq, _)), Some(&Reverse((queued_time, queued_seq, _)))) => {
                (time, seq) < (queued_time, queued_seq)
            }
            (front, _) => front.is_some(),
        };
        if in_order_first {
            return self.in_order.pop_front().map(|(time, _, item)| (time, item));
        }
        let Reverse((time, _, index)) = self.queue.pop()?;
        self.free.push(index);
        Some((time, self.items[index as usize]))
    }

    /// Puts `item` on its way, due at `at`.
    fn send(&mut self, item: T, at: Ticks) {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.in_order.back().is_none_or(|&(last, _, _)| at >= last) {
            self.in_order.push_back((at, seq, item));
            return;
        }
        let index = match self.free.pop() {
            Some(index) => {
                self.items[index as usize] = item;
                index
            }
            None => {
                self.items.push(item);
                (self.items.len() - 1) as u32
            }
        };
        self.queue.push(Reverse((at, seq, index)));
    }
}

/// Where a node sends the groups processed there.
#[derive(Debug)]
struct Router {
    targets: Vec<Target>,
    cumulative: Vec<f64>,
    delay_days: Option<Dist>,
    rng: SimRng,
    delay_rng: SimRng,
}

/// The network's part of a replication.
#[derive(Debug)]
pub(super) struct NetSim {
    /// Groups on their way.
    on_the_way: OnTheWay<Transfer>,
    routers: Vec<Option<Router>>,
    /// Per node: its stage's patience, random numbers and outcome (of `Model::outcomes`).
    give_up: Vec<Option<(Dist, SimRng, u8)>>,
    /// Where groups that come through the network count.
    slots: crate::model::network::Slots,
    /// Per port, per slot: the stream that chooses from there, if it chooses.
    choosers: Vec<Vec<Option<usize>>>,
    choice_rngs: Vec<Option<SimRng>>,
    relist_rngs: Vec<Option<SimRng>>,
    /// Ports whose posted waits are kept, and the days posted so far.
    posting: Vec<usize>,
    posted_days: usize,
    /// Flows from outside and between nodes.
    pub(super) stats: NetworkStats,
    of_outcome: Vec<usize>,
    processed_end: usize,
    pending_end: usize,
    horizon: Ticks,
    /// Buffers of a choice: each port's cost and weight.
    costs: Vec<f64>,
    weights: Vec<f64>,
}

impl NetSim {
    /// The network's part of replication `replication`, or `None` for independent ports.
    pub(super) fn new(model: &Model, replication: u32) -> Option<NetSim> {
        let network = &model.network;
        if network.is_empty() {
            return None;
        }
        let nodes = model.ports.len();
        let rng = |role: &str, name: &str| keyed_rng(model.seed, replication, role, name, 0);
        let routers = (0..nodes)
            .map(|node| {
                let route = network.routes.get(node)?.as_ref()?;
                let name = &model.ports[node].name;
                Some(Router {
                    targets: route.targets.clone(),
                    cumulative: route.cumulative.clone(),
                    delay_days: route.delay_days.clone(),
                    rng: rng("routing", name),
                    delay_rng: rng("delay", name),
                })
            })
            .collect();
        let give_up = (0..nodes)
            .map(|node| {
                let stage = node
                    .checked_sub(network.first_stage)
                    .and_then(|i| network.stages.get(i))?;
                let give_up = stage.give_up.as_ref()?;
                let name = &model.ports[node].name;
                let outcome = &network.outcomes[give_up.outcome];
                let index = model.outcomes.iter().position(|known| known == outcome).unwrap_or(0);
                Some((give_up.patience_days.clone(), rng("patience", name), index as u8))
            })
            .collect();
        let mut choosers: Vec<Vec<Option<usize>>> = (0..nodes).map(|node| vec![None; model.streams_at(node)]).collect();
        let mut choice_rngs = Vec::with_capacity(model.streams.len());
        let mut relist_rngs = Vec::with_capacity(model.streams.len());
        let mut posting = Vec::new();
        for (index, (stream, choice)) in model.streams.iter().zip(&network.choices).enumerate() {
            choice_rngs.push(choice.as_ref().map(|_| rng("choice", &stream.name)));
            relist_rngs.push(
                choice
                    .as_ref()
                    .and_then(|choice| choice.relist)
                    .map(|_| rng("relist", &stream.name)),
            );
            if let Some(choice) = choice {
                choosers[stream.port][usize::from(stream.slot)] = Some(index);
                if !matches!(choice.rule, ChoiceRule::Shares { .. }) {
                    posting.extend(&choice.ports);
                }
            }
        }
        posting.sort_unstable();
        posting.dedup();
        let ends = Ends::new(network, &model.outcomes);
        Some(NetSim {
            on_the_way: OnTheWay::default(),
            routers,
            give_up,
            slots: model.slots(),
            choosers,
            choice_rngs,
            relist_rngs,
            posting,
            posted_days: 0,
            stats: NetworkStats::new(nodes, ends.names.len(), model.outcomes.len()),
            of_outcome: ends.of_outcome,
            processed_end: ends.processed,
            pending_end: ends.pending,
            horizon: model.horizon_ticks(),
            costs: Vec::new(),
            weights: Vec::new(),
        })
    }

    /// Whether node `node` keeps posted waits.
    pub(super) fn posts(&self, node: usize) -> bool {
        self.posting.binary_search(&node).is_ok()
    }

    /// The slot at port `port` of the groups of choosing stream `stream`.
    #[inline]
    pub(super) fn chooser_slot(&self, stream: usize, port: usize) -> u16 {
        self.slots.of_stream[stream]
            .iter()
            .find(|&&(at, _)| at == port)
            .map_or(0, |&(_, slot)| slot)
    }

    /// Where the next transfer falls among events (as an arrival at its tick does), or
    /// `u64::MAX` if none is on its way.
    #[inline]
    pub(super) fn next_order(&self) -> u64 {
        self.on_the_way
            .next_time()
            .map_or(u64::MAX, super::queue::arrival_order)
    }

    /// Takes the next transfer and its time.
    pub(super) fn take_next(&mut self) -> Option<(Ticks, Transfer)> {
        self.on_the_way.take()
    }

    /// Puts `transfer` on its way, to join its list at `at` (before the horizon).
    fn send(&mut self, transfer: Transfer, at: Ticks) {
        self.on_the_way.send(transfer, at);
    }

    /// Sends on the groups processed at `node` (in the order processed): to the next node
    /// after the route's delay, or to a final outcome; they end as `processed` where no route
    /// goes on, and as `pending` if they would move on only at or after the horizon.
    pub(super) fn route(&mut self, net: &mut NodeNet) {
        let node = net.node;
        let mut departures = std::mem::take(&mut net.departures);
        for (leave, group, class, start) in departures.drain(..) {
            let counted = group.counted();
            let pending = |net: &mut NodeNet| {
                net.stats.end(
                    Some(node),
                    net.ends.pending,
                    Ending::Pending,
                    group.size,
                    self.horizon - start,
                    counted,
                )
            };
            let Some(router) = self.routers[node].as_mut() else {
                if leave >= self.horizon {
                    pending(net);
                } else {
                    net.stats.end(
                        Some(node),
                        self.processed_end,
                        Ending::Decided,
                        group.size,
                        leave - start,
                        counted,
                    );
                }
                continue;
            };
            let draw: f64 = router.rng.random();
            let target = router
                .cumulative
                .iter()
                .position(|&threshold| draw < threshold)
                .map_or(router.targets[router.targets.len() - 1], |index| router.targets[index]);
            match target {
                Target::Outcome(outcome) => {
                    if leave >= self.horizon {
                        pending(net);
                    } else {
                        let end = self.of_outcome[outcome];
                        net.stats
                            .end(Some(node), end, Ending::Decided, group.size, leave - start, counted);
                    }
                }
                Target::Node(to) => {
                    let delay = router
                        .delay_days
                        .as_ref()
                        .map_or(0, |delay| service_ticks(delay.sample(&mut router.delay_rng)));
                    let at = leave.saturating_add(delay);
                    if at >= self.horizon {
                        pending(net);
                        continue;
                    }
                    self.stats.flow_to_node(Some(node), to, group.size, counted);
                    let transfer = Transfer {
                        to,
                        from: Some(node),
                        group,
                        class,
                        first_joined: start,
                        patience: None,
                        chooser: None,
                        moving: false,
                    };
                    self.send(transfer, at);
                }
            }
        }
        net.departures = departures;
    }

    /// The group `transfer` as it joins its list at `time`: its wait there starts, and its
    /// patience is the stage's (drawn now) or what it brought.
    pub(super) fn joining(&mut self, transfer: &Transfer, time: Ticks, classes: usize) -> Waiting {
        let mut group = transfer.group;
        group.joined = time;
        let slot = match transfer.chooser {
            Some(stream) => self.chooser_slot(stream, transfer.to),
            None => self.slots.routed[transfer.to].unwrap_or(0),
        };
        group.cell = (usize::from(slot) * classes + usize::from(transfer.class)) as u16;
        group.ticket = 0;
        match transfer.patience {
            Some(patience) => {
                group.deadline = if patience == Ticks::MAX {
                    Ticks::MAX
                } else {
                    time.saturating_add(patience)
                };
            }
            None => {
                group.deadline = Ticks::MAX;
                group.flags &= !Waiting::STAYS_LISTED;
                self.stage_patience(transfer.to, &mut group, time);
            }
        }
        if transfer.from.is_none() {
            self.stats.flow_to_node(None, transfer.to, group.size, group.counted());
        }
        group
    }

    /// Whether people give up at node `node` (a stage with patience).
    #[inline]
    pub(super) fn gives_up_at(&self, node: usize) -> bool {
        self.give_up[node].is_some()
    }

    /// At a stage where people give up, `group`, arriving there at `time`, draws its patience
    /// from the stage's and takes the stage's outcome.
    pub(super) fn stage_patience(&mut self, node: usize, group: &mut Waiting, time: Ticks) {
        if let Some((patience_days, rng, outcome)) = &mut self.give_up[node] {
            group.deadline = time.saturating_add(days_to_ticks(patience_days.sample(rng)));
            group.outcome = *outcome;
        }
    }

    /// The stream that chooses its port from `port`'s slot `slot`, if one does.
    #[inline]
    pub(super) fn chooser(&self, port: usize, slot: u16) -> Option<usize> {
        self.choosers[port].get(usize::from(slot)).copied().flatten()
    }

    /// The port that a group of stream `stream` (choosing by `choice`) chooses at `time`,
    /// other than `leaving` (the port it moves from, if it moves), and its travel time there;
    /// `posted(port, day)` is a port's posted wait.
    pub(super) fn choose(
        &mut self,
        stream: usize,
        choice: &PortChoice,
        time: Ticks,
        leaving: Option<usize>,
        posted: impl Fn(usize, usize) -> f64,
    ) -> (usize, Ticks) {
        let open = |index: usize| Some(choice.ports[index]) != leaving;
        // The costs and weights are written into buffers kept from one choice to the next.
        let mut costs = std::mem::take(&mut self.costs);
        let mut weights = std::mem::take(&mut self.weights);
        weights.clear();
        let (index, travel_days) = match &choice.rule {
            ChoiceRule::Shares { cumulative } => {
                let mut previous = 0.0;
                for (index, &threshold) in cumulative.iter().enumerate() {
                    weights.push(if open(index) { threshold - previous } else { 0.0 });
                    previous = threshold;
                }
                // A group moving on from the only port with a share goes to the others alike.
                if weights.iter().all(|&weight| weight == 0.0) {
                    for (index, weight) in weights.iter_mut().enumerate() {
                        *weight = if open(index) { 1.0 } else { 0.0 };
                    }
                }
                let draw: f64 = self.rng(stream).random();
                (weighted(&weights, draw), 0.0)
            }
            ChoiceRule::ShortestQuotedWait { seen } => {
                let day = seen_day(time, seen.info_delay_days);
                fill_costs(&mut costs, choice, &seen.travel_days, day, &posted);
                let mut best = None;
                for (index, &cost) in costs.iter().enumerate() {
                    if open(index) && best.is_none_or(|best: usize| cost < costs[best]) {
                        best = Some(index);
                    }
                }
                let best = best.unwrap_or(0);
                (best, seen.travel_days[best])
            }
            ChoiceRule::Logit {
                sensitivity_per_day,
                seen,
            } => {
                let day = seen_day(time, seen.info_delay_days);
                fill_costs(&mut costs, choice, &seen.travel_days, day, &posted);
                // Ports with no throughput yet are only chosen when all are alike: their
                // costs then count only the travel.
                if (0..costs.len())
                    .filter(|&index| open(index))
                    .all(|index| costs[index].is_infinite())
                {
                    costs.clone_from(&seen.travel_days);
                }
                let lowest = (0..costs.len())
                    .filter(|&index| open(index))
                    .map(|index| costs[index])
                    .fold(f64::INFINITY, f64::min);
                weights.extend(costs.iter().enumerate().map(|(index, cost)| {
                    if open(index) {
                        (-sensitivity_per_day * (cost - lowest)).exp()
                    } else {
                        0.0
                    }
                }));
                let draw: f64 = self.rng(stream).random();
                let chosen = weighted(&weights, draw);
                (chosen, seen.travel_days[chosen])
            }
        };
        self.costs = costs;
        self.weights = weights;
        (choice.ports[index], days_to_ticks(travel_days).max(0))
    }

    /// When a group of stream `stream` that joins a port's list at `time` would move to
    /// another port's (after `after_days`, then each day with `probability_per_day`), if
    /// the stream relists and that is before it gives up at `deadline` and before the horizon.
    pub(super) fn move_time(&mut self, stream: usize, relist: &Relist, time: Ticks, deadline: Ticks) -> Option<Ticks> {
        let rng = self.relist_rngs[stream].as_mut()?;
        let draw: f64 = rng.random();
        let failures = if relist.probability_per_day >= 1.0 {
            0.0
        } else {
            ((1.0 - draw).ln() / (1.0 - relist.probability_per_day).ln()).floor()
        };
        let at = time.saturating_add(days_to_ticks(relist.after_days + failures));
        (at < deadline && at < self.horizon).then_some(at)
    }

    /// Schedules the check, at `at`, whether `group` (of stream `stream`) still waits at
    /// port `port` and so moves.
    pub(super) fn schedule_move(&mut self, port: usize, group: &Waiting, class: u16, stream: usize, at: Ticks) {
        let check = Transfer {
            to: port,
            from: None,
            group: *group,
            class,
            first_joined: group.joined,
            patience: None,
            chooser: Some(stream),
            moving: true,
        };
        self.send(check, at);
    }

    fn rng(&mut self, stream: usize) -> &mut SimRng {
        self.choice_rngs[stream]
            .as_mut()
            .unwrap_or_else(|| unreachable!("a choosing stream has its random numbers"))
    }

    /// Sends a group of a choosing stream to its chosen port, which it reaches at `at`, or
    /// counts it as still on its way (from outside, pending) if that is at or after the horizon.
    pub(super) fn travel(&mut self, transfer: Transfer, at: Ticks) {
        if at >= self.horizon {
            let group = &transfer.group;
            self.stats
                .end(None, self.pending_end, Ending::Pending, group.size, 0, group.counted());
        } else {
            self.send(transfer, at);
        }
    }

    /// Sends a group that moves from one port's list (`transfer.from`) to another's, which it
    /// reaches at `at`; if that is at or after the horizon it is still on its way (pending).
    pub(super) fn move_to(&mut self, transfer: Transfer, at: Ticks) {
        let group = &transfer.group;
        if at >= self.horizon {
            let (from, elapsed) = (transfer.from, self.horizon - transfer.first_joined);
            self.stats.end(
                from,
                self.pending_end,
                Ending::Pending,
                group.size,
                elapsed,
                group.counted(),
            );
        } else {
            self.stats
                .flow_to_node(transfer.from, transfer.to, group.size, group.counted());
            self.send(transfer, at);
        }
    }

    /// Before anything happens on `day`, posts the waits of the days since the last post;
    /// `names(port)` is the names on a port's list now.
    #[inline]
    pub(super) fn post(&mut self, day: usize, mut post: impl FnMut(usize, usize)) {
        if day < self.posted_days || self.posting.is_empty() {
            return;
        }
        for &port in &self.posting {
            post(port, day);
        }
        self.posted_days = day + 1;
    }
}

/// The index that `draw` (uniform in [0, 1)) picks with probabilities proportional to
/// `weights` (the last with a weight, if rounding runs past the end).
fn weighted(weights: &[f64], draw: f64) -> usize {
    let total: f64 = weights.iter().sum();
    let mut left = draw * total;
    let mut chosen = weights.iter().rposition(|&weight| weight > 0.0).unwrap_or(0);
    for (index, &weight) in weights.iter().enumerate() {
        if weight > 0.0 && left < weight {
            chosen = index;
            break;
        }
        left -= weight;
    }
    chosen
}

/// The day whose posted waits a group arriving at `time` sees.
fn seen_day(time: Ticks, info_delay_days: f64) -> usize {
    let seen = time.saturating_sub(days_to_ticks(info_delay_days));
    (seen.max(0) / TICKS_PER_DAY) as usize
}

/// Writes into `costs` each chosen port's posted wait on `day` plus the travel to it, days.
fn fill_costs(
    costs: &mut Vec<f64>,
    choice: &PortChoice,
    travel_days: &[f64],
    day: usize,
    posted: &impl Fn(usize, usize) -> f64,
) {
    costs.clear();
    costs.extend(
        choice
            .ports
            .iter()
            .zip(travel_days)
            .map(|(&port, travel)| posted(port, day) + travel),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_on_their_way_come_out_as_from_one_heap() {
        // Sends due in time order (no delay) mixed with sends due later by a random delay,
        // taken between sends; a plain heap of (tick, sequence) is the oracle.
        let mut on_the_way = OnTheWay::default();
        let mut oracle = BinaryHeap::new();
        let mut state = 7u64;
        let mut draw = |below: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % below
        };
        let (mut now, mut seq) = (0, 0u64);
        for step in 0..5_000u32 {
            for _ in 0..draw(3) {
                let at = now + if draw(4) == 0 { draw(50) as Ticks } else { 0 };
                on_the_way.send(step, at);
                oracle.push(Reverse((at, seq, step)));
                seq += 1;
            }
            let expected = oracle.pop().map(|Reverse((at, _, item))| (at, item));
            assert_eq!(on_the_way.next_time(), expected.map(|(at, _)| at), "step {step}");
            assert_eq!(on_the_way.take(), expected, "step {step}");
            if let Some((at, _)) = expected {
                now = at + draw(2) as Ticks;
            }
        }
        assert!(
            !on_the_way.queue.is_empty() || !on_the_way.items.is_empty(),
            "the heap was used"
        );
    }
}
