//! Arrivals drawn ahead, a window of groups at a time, so that drawing (on one core) and
//! simulating (on the other) overlap.
//!
//! A stream's random numbers serve only its own groups: when a group arrives (does it join,
//! how patient is it, which outcome if it gives up) and when the next one comes. So every
//! group's draws can be made before the simulation reaches it, in the order the event loop
//! would make them, and the results are the same. The event loop takes its arrivals from
//! the current window while the next window is drawn (see `Sim::run`).
//!
//! Groups are merged from the streams in the order they are handled in: by arrival time,
//! then at one tick longest-waiting first (so the people of several initial backlogs join
//! the list in the order they signed it), then in stream order (so a batch of one stream is
//! not interleaved with another's). Only each stream's next group takes part in the merge,
//! so a stream's own groups keep their order. A window is the next groups of the merge
//! ([`WINDOW_GROUPS`] of them), whatever their times, so memory stays flat even for a batch
//! of millions arriving at one tick.
//!
//! At officers whose random numbers serve nothing else, the feed also draws the service
//! times ahead (see [`fed_service_days`]): a port's service times are used in order of
//! service start, whoever draws them, so they are the same numbers. A window brings enough
//! of them that the event loop never runs out: no more services start at a port than groups
//! have joined it, less those found to have given up (as of a window already simulated:
//! the count only grows, so an older one is a safe bound).
//!
//! The merge relies on each stream's groups coming in time order. Validated streams do; the
//! feed keeps it so for any stream by holding a group that would arrive before its
//! predecessor back to its predecessor's arrival (its wait still starts when it joined; its
//! patience runs from when it is handled).

use super::arrivals::{Pending, StreamGen};
use super::queue::{arrival_order, order_at};
use super::rng::SimRng;
use super::{draw_service_times, draws_services_ahead, port_rng};
use crate::model::{Capacity, Dist, Model, Source, Stream, Ticks, days_to_ticks, non_negative_days_to_ticks};
use rand::RngExt;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Groups in a window: enough that handing windows between cores costs little, few enough
/// that the two windows in flight stay small (about 650 KB each).
const WINDOW_GROUPS: usize = 1 << 14;

/// Groups a stream draws at a time, so that its drawing loop runs with its state in locals.
const BLOCK_GROUPS: usize = 256;

/// A stream's group with every draw the engine makes for it when it arrives.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Arriving {
    /// When it reaches the list (handled at day 0 if before).
    pub arrival: Ticks,
    /// When its wait started.
    pub joined: Ticks,
    /// When it gives up if still waiting (`Ticks::MAX`: never).
    pub deadline: Ticks,
    /// People in it.
    pub size: u32,
    /// Port index (of its stream).
    pub port: u16,
    /// Its stream's place among the port's streams.
    pub slot: u16,
    /// Class index.
    pub class: u16,
    /// Outcome index if it gives up.
    pub outcome: u8,
    /// Whether it joins the list.
    pub joins: bool,
    /// Whether its names stay listed after it gives up.
    pub stays_listed: bool,
}

impl Arriving {
    /// The tick at which the event loop handles it.
    #[inline(always)]
    pub(super) fn time(&self) -> Ticks {
        self.arrival.max(0)
    }

    /// Where it comes in the merge: by time (the top 64 bits), then longest-waiting first,
    /// then by stream, `stream` being its stream's index (the low 16 bits).
    #[inline(always)]
    fn merge_key(&self, stream: usize) -> u128 {
        const MOST: u64 = (1 << 48) - 1;
        let rank = MOST - ((self.arrival - self.joined).max(0) as u64).min(MOST);
        ((self.time() as u128) << 64) | (u128::from(rank) << 16) | stream as u128
    }
}

/// The arrival time in a [`Arriving::merge_key`].
#[inline(always)]
fn merge_key_time(key: u128) -> Ticks {
    (key >> 64) as Ticks
}

/// The next groups of the merge, in the order the event loop handles them.
#[derive(Debug, Default)]
pub(super) struct Window {
    /// The groups.
    pub arrivals: Vec<Arriving>,
    /// Where the first group after the window falls among events ([`arrival_order`]), or
    /// the horizon's order when no group is left: the event loop handles the queue's events
    /// before it, and leaves the rest to the next window.
    pub end_order: u64,
    /// Service times drawn ahead, in order, by port (none at a port the feed does not draw
    /// for; empty if it draws for none).
    pub services: Vec<Vec<Ticks>>,
}

/// The service times of port `port` of `model` if the feed draws them: at officers whose
/// random numbers serve nothing else (not picking by lottery), in a model without a network
/// (where groups also join lists from other lists, which the feed does not see).
pub(super) fn fed_service_days(model: &Model, port: usize) -> Option<&Dist> {
    let port = &model.ports[port];
    match &port.capacity {
        Capacity::Officers(officers) if model.network.is_empty() && draws_services_ahead(port) => {
            Some(&officers.service_days)
        }
        _ => None,
    }
}

/// A port's random numbers, from which the feed draws its service times.
#[derive(Debug)]
struct FedPort<'m> {
    port: usize,
    service_days: &'m Dist,
    rng: SimRng,
    /// Service times drawn so far.
    drawn: u64,
}

/// One stream's generator and its block of groups drawn and not yet merged.
#[derive(Debug)]
struct StreamBlock {
    generator: StreamGen,
    /// A block of groups, and the index of the next to merge.
    block: Vec<Arriving>,
    next: usize,
    /// Whether the generator has no more groups before the horizon.
    exhausted: bool,
    /// The latest arrival drawn, which the next may not precede (not kept for a Poisson
    /// stream, whose arrivals only grow).
    latest: Ticks,
}

/// Draws every stream's groups and merges them, window after window.
#[derive(Debug)]
pub(super) struct Feed<'m> {
    model: &'m Model,
    replication: u32,
    horizon: Ticks,
    streams: Vec<StreamBlock>,
    /// The merge keys of each stream's next group.
    heads: BinaryHeap<Reverse<u128>>,
    /// Groups in a window.
    window_groups: usize,
    /// The ports the feed draws service times for.
    fed: Vec<FedPort<'m>>,
    /// Groups that joined each port so far (counted only if the feed draws for a port).
    joined: Vec<u64>,
    /// Whether every group joins the only port, so that a window's groups need no counting.
    all_join_one_port: bool,
}

impl<'m> Feed<'m> {
    /// The feed of replication `replication` of `model`.
    pub(super) fn new(model: &'m Model, replication: u32) -> Self {
        Self::with_window_groups(model, replication, WINDOW_GROUPS)
    }

    /// [`Feed::new`] with windows of `window_groups` groups (at least 1).
    pub(super) fn with_window_groups(model: &'m Model, replication: u32, window_groups: usize) -> Self {
        let mut feed = Feed {
            model,
            replication,
            horizon: model.horizon_ticks(),
            streams: model
                .streams
                .iter()
                .map(|stream| StreamBlock {
                    generator: StreamGen::new(stream, model.seed, replication),
                    block: Vec::with_capacity(BLOCK_GROUPS),
                    next: 0,
                    exhausted: false,
                    latest: Ticks::MIN,
                })
                .collect(),
            heads: BinaryHeap::with_capacity(model.streams.len()),
            window_groups: window_groups.max(1),
            fed: (0..model.ports.len())
                .filter_map(|port| {
                    Some(FedPort {
                        port,
                        service_days: fed_service_days(model, port)?,
                        rng: port_rng(model, replication, port),
                        drawn: 0,
                    })
                })
                .collect(),
            joined: vec![0; model.ports.len()],
            all_join_one_port: model.ports.len() == 1 && model.streams.iter().all(|stream| stream.join_share >= 1.0),
        };
        for index in 0..feed.streams.len() {
            draw_block(model, replication, feed.horizon, &mut feed.streams[index], index);
            if let Some(first) = feed.streams[index].block.first() {
                feed.heads.push(Reverse(first.merge_key(index)));
            }
        }
        feed
    }

    /// Leaves the drawing of service times to the event loop.
    #[cfg(test)]
    pub(super) fn without_services(mut self) -> Self {
        self.fed.clear();
        self
    }

    /// Fills `window` with the next groups of the merge, and the service times they may
    /// need, given each port's groups found to have given up (`gave_up`, by port, as of some
    /// window before).
    pub(super) fn fill(&mut self, window: &mut Window, gave_up: &[AtomicU64]) {
        self.fill_arrivals(window);
        if !self.fed.is_empty() {
            self.draw_services(window, gave_up);
        }
    }

    /// Draws as many service times for each port the feed draws for as the port may start
    /// by the end of `window`: one for each group that joined it so far, less those found to
    /// have given up (`gave_up`), less those drawn before.
    fn draw_services(&mut self, window: &mut Window, gave_up: &[AtomicU64]) {
        if self.all_join_one_port {
            self.joined[0] += window.arrivals.len() as u64;
        } else {
            for group in &window.arrivals {
                self.joined[usize::from(group.port)] += u64::from(group.joins);
            }
        }
        window.services.resize_with(self.joined.len(), Vec::new);
        for fed in &mut self.fed {
            let owed = self.joined[fed.port].saturating_sub(gave_up[fed.port].load(Ordering::Relaxed));
            let count = owed.saturating_sub(fed.drawn);
            fed.drawn += count;
            let times = &mut window.services[fed.port];
            times.clear();
            draw_service_times(times, count as usize, fed.service_days, &mut fed.rng);
        }
    }

    /// Fills `window`'s groups with the next groups of the merge.
    fn fill_arrivals(&mut self, window: &mut Window) {
        window.arrivals.clear();
        // Once, at the first fill of a window's buffer, rather than by doubling.
        window.arrivals.reserve(self.window_groups.min(WINDOW_GROUPS));
        while window.arrivals.len() < self.window_groups {
            let Some(Reverse(key)) = self.heads.pop() else {
                break;
            };
            let index = key as u16 as usize;
            // The stream's groups go in a run, without touching the heap, until one comes
            // after another stream's next group (keys are unique: they end in the stream).
            let Some(&Reverse(others)) = self.heads.peek() else {
                // The only stream left: its groups go in whole blocks.
                self.fill_from(index, window);
                continue;
            };
            loop {
                let drawn = &mut self.streams[index];
                window.arrivals.push(drawn.block[drawn.next]);
                drawn.next += 1;
                if drawn.next == drawn.block.len() {
                    draw_block(self.model, self.replication, self.horizon, drawn, index);
                }
                let drawn = &self.streams[index];
                let Some(group) = drawn.block.get(drawn.next) else {
                    break;
                };
                let key = group.merge_key(index);
                if key > others || window.arrivals.len() == self.window_groups {
                    self.heads.push(Reverse(key));
                    break;
                }
            }
        }
        window.end_order = match self.heads.peek() {
            Some(&Reverse(key)) => arrival_order(merge_key_time(key)),
            None => order_at(self.horizon),
        };
    }

    /// Fills `window` with the groups of stream `index`, the only one left in the merge, a
    /// block at a time (drawn straight into the window while whole blocks fit), and puts the
    /// stream back into the merge if it has more.
    fn fill_from(&mut self, index: usize, window: &mut Window) {
        loop {
            let drawn = &mut self.streams[index];
            let room = self.window_groups - window.arrivals.len();
            let end = drawn.next + room.min(drawn.block.len() - drawn.next);
            window.arrivals.extend_from_slice(&drawn.block[drawn.next..end]);
            drawn.next = end;
            if drawn.next == drawn.block.len() {
                // Whole blocks are drawn straight into the window while they fit.
                while !drawn.exhausted && self.window_groups - window.arrivals.len() >= BLOCK_GROUPS {
                    drawn.exhausted = draw_groups(
                        self.model,
                        self.replication,
                        self.horizon,
                        drawn,
                        index,
                        Some(&mut window.arrivals),
                    );
                }
                draw_block(self.model, self.replication, self.horizon, drawn, index);
            }
            let drawn = &self.streams[index];
            let Some(group) = drawn.block.get(drawn.next) else {
                return;
            };
            if window.arrivals.len() == self.window_groups {
                self.heads.push(Reverse(group.merge_key(index)));
                return;
            }
        }
    }
}

/// Replaces `drawn`'s block by the next groups before `horizon` of stream `index` of `model`.
fn draw_block(model: &Model, replication: u32, horizon: Ticks, drawn: &mut StreamBlock, index: usize) {
    drawn.block.clear();
    drawn.next = 0;
    if drawn.exhausted {
        return;
    }
    drawn.exhausted = draw_groups(model, replication, horizon, drawn, index, None);
}

/// Draws the next groups before `horizon` (up to [`BLOCK_GROUPS`]) of stream `index` of
/// `model` after the end of `into`, or of `drawn`'s block if `None`; whether the stream has
/// no more groups.
fn draw_groups(
    model: &Model,
    replication: u32,
    horizon: Ticks,
    drawn: &mut StreamBlock,
    index: usize,
    into: Option<&mut Vec<Arriving>>,
) -> bool {
    let stream = &model.streams[index];
    let latest = &mut drawn.latest;
    let block = into.unwrap_or(&mut drawn.block);
    let mut take = |mut group: Arriving| {
        if group.arrival < *latest {
            // Its patience runs from when it is handled.
            let delay = (*latest).max(0) - group.time();
            group.arrival = *latest;
            if group.deadline != Ticks::MAX {
                group.deadline = group.deadline.saturating_add(delay);
            }
        }
        *latest = group.arrival;
        block.push(group);
    };
    let generator = &mut drawn.generator;
    if let Source::Poisson { pieces } = &stream.source {
        // The Poisson loop keeps its state in locals for the whole block. Its arrivals only
        // grow (the time is a running sum, rounded monotonically), so none is held back
        // (and `latest` is not needed).
        let more = if stream.join_share >= 1.0 && stream.patience_by_class.iter().all(Option::is_none) {
            // Everyone joins and nobody gives up: no draw on arrival.
            let plain = Arriving {
                deadline: Ticks::MAX,
                port: stream.port as u16,
                slot: stream.slot,
                joins: true,
                ..Arriving::default()
            };
            generator.poisson_block_no_draws(pieces, stream, BLOCK_GROUPS, |arrival, size, class, _| {
                if arrival >= horizon {
                    return false;
                }
                block.push(Arriving {
                    arrival,
                    joined: arrival,
                    size,
                    class,
                    stays_listed: stream.stays_listed_by_class[usize::from(class)],
                    ..plain
                });
                true
            })
        } else {
            generator.poisson_block(pieces, stream, BLOCK_GROUPS, |arrival, size, class, rng| {
                if arrival >= horizon {
                    return false;
                }
                let pending = Pending {
                    arrival,
                    joined: arrival,
                    size,
                    class,
                };
                block.push(arriving(stream, &pending, rng));
                true
            })
        };
        !more
    } else {
        let mut pending = Pending::default();
        let mut exhausted = false;
        for _ in 0..BLOCK_GROUPS {
            if !generator.next_into(stream, model.seed, replication, &mut pending) || pending.arrival >= horizon {
                exhausted = true;
                break;
            }
            take(arriving(stream, &pending, &mut generator.rng));
        }
        exhausted
    }
}

/// `pending`'s draws on arrival, from its stream's random numbers, in the event loop's order.
#[inline(always)]
fn arriving(stream: &Stream, pending: &Pending, rng: &mut SimRng) -> Arriving {
    let time = pending.arrival.max(0);
    let joins = stream.join_share >= 1.0 || rng.random::<f64>() < stream.join_share;
    let deadline = match &stream.patience_by_class[pending.class as usize] {
        // The common case inline, as `Dist::sample` draws it; a patience that is never
        // negative needs no rounding of negative days.
        Some(Dist::Exponential { scale, .. }) if joins => {
            time.saturating_add(non_negative_days_to_ticks(Dist::standard_exponential(rng) * scale))
        }
        Some(patience) if joins => {
            // From a copy of the random numbers: handing the caller's out of line (the rarer
            // distributions are drawn there) would keep them in memory for every group.
            let mut apart = rng.clone();
            let days = patience.sample(&mut apart);
            *rng = apart;
            time.saturating_add(days_to_ticks(days))
        }
        _ => Ticks::MAX,
    };
    let outcome = if deadline == Ticks::MAX || stream.outcome_cumulative.len() <= 1 {
        0
    } else {
        let u: f64 = rng.random();
        stream.outcome_cumulative.iter().position(|&c| u < c).unwrap_or(0) as u8
    };
    Arriving {
        arrival: pending.arrival,
        joined: pending.joined,
        deadline,
        size: pending.size,
        port: stream.port as u16,
        slot: stream.slot,
        class: pending.class,
        outcome,
        joins,
        stays_listed: stream.stays_listed_by_class[usize::from(pending.class)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::model_from as model;

    /// Every window of `feed` until no group is left.
    fn windows(feed: &mut Feed<'_>) -> Vec<Window> {
        let mut all = Vec::new();
        loop {
            let mut window = Window::default();
            feed.fill_arrivals(&mut window);
            let last = window.end_order == order_at(feed.horizon);
            all.push(window);
            if last {
                return all;
            }
        }
    }

    #[test]
    fn windows_hand_out_every_group_once_in_order() {
        // A quiet spell, then a busy one, at one port; a same-tick backlog with waits (six
        // windows' worth), which goes first among the groups at day 0; a second stream at
        // another port.
        let model = model(
            r#"schema = 1
            [run]
            name = "feed"
            horizon_days = 40
            seed = 7
            [[ports]]
            name = "a"
            capacity = { kind = "quota", quota_per_day = 10 }
            [[ports]]
            name = "b"
            capacity = { kind = "quota", quota_per_day = 10 }
            [[streams]]
            name = "spells"
            port = "a"
            kind = "poisson"
            rates = [{ from = 0, people_per_day = 0.5 }, { from = 30, people_per_day = 2000 }]
            join_share = 0.7
            patience_days = { dist = "exponential", mean = 5 }
            [[streams]]
            name = "backlog"
            port = "b"
            kind = "backlog"
            people = 300
            waited_days = { dist = "uniform", min = 0, max = 50 }
            [[streams]]
            name = "wave"
            port = "b"
            kind = "wave"
            people = 500
            from = 0
            to = 35
            "#,
        );
        let whole = windows(&mut Feed::with_window_groups(&model, 3, usize::MAX));
        assert_eq!(whole.len(), 1);
        let whole = &whole[0].arrivals;
        assert!(whole.len() > 10_000, "{} groups", whole.len());
        // Windows shorter than a stream's block, and longer (once the other streams are
        // exhausted, whole blocks of the last are drawn straight into the window).
        for groups in [50, 300, 1000] {
            let cut = windows(&mut Feed::with_window_groups(&model, 3, groups));
            for (window, next) in cut.iter().zip(cut.iter().skip(1)) {
                assert_eq!(window.arrivals.len(), groups, "full windows but the last");
                assert!(
                    window
                        .arrivals
                        .iter()
                        .all(|group| arrival_order(group.time()) <= window.end_order)
                );
                assert_eq!(
                    arrival_order(next.arrivals[0].time()),
                    window.end_order,
                    "ends at the next group"
                );
            }
            let joined: Vec<Arriving> = cut.into_iter().flat_map(|window| window.arrivals).collect();
            assert!(
                joined == *whole,
                "the same groups in the same order ({groups} a window)"
            );
        }
        // The same as merging each stream's whole sequence by always taking the earliest
        // next group, the rule the event loop's queue of one arrival per stream followed.
        let mut feed = Feed::new(&model, 3);
        let sequences: Vec<Vec<Arriving>> = (0..feed.streams.len())
            .map(|index| {
                let drawn = &mut feed.streams[index];
                let mut all = std::mem::take(&mut drawn.block);
                while !drawn.exhausted {
                    draw_block(&model, 3, feed.horizon, drawn, index);
                    all.extend_from_slice(&drawn.block);
                }
                all
            })
            .collect();
        let mut next = vec![0; sequences.len()];
        let naive: Vec<Arriving> = std::iter::from_fn(|| {
            let index = (0..sequences.len())
                .filter(|&index| next[index] < sequences[index].len())
                .min_by_key(|&index| sequences[index][next[index]].merge_key(index))?;
            next[index] += 1;
            Some(sequences[index][next[index] - 1])
        })
        .collect();
        assert!(naive == *whole, "the merge takes the earliest next group every time");
        let day0: Vec<_> = whole.iter().take_while(|group| group.time() == 0).collect();
        assert!(day0.len() >= 300);
        let waited = |group: &Arriving| group.arrival - group.joined;
        assert!(
            day0.windows(2).all(|pair| waited(pair[0]) >= waited(pair[1])),
            "longest-waiting first at one tick"
        );
    }
}
