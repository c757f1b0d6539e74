//! Arrivals drawn ahead, a window of time at a time, so that drawing (on one core) and
//! simulating (on the other) overlap.
//!
//! A stream's random numbers serve only its own groups: when a group arrives (does it join,
//! how patient is it, which outcome if it gives up) and when the next one comes. So every
//! group's draws can be made before the simulation reaches it, in the order the event loop
//! would make them, and the results are the same. The event loop takes its arrivals from
//! the current window's groups while the next window is drawn (see `Sim::run`).
//!
//! A window's groups are merged into the order they are handled in: by arrival time, then
//! at one tick longest-waiting first (so the people of several initial backlogs join the
//! list in the order they signed it), then in stream order (so a batch of one stream is not
//! interleaved with another's). Each stream's own groups keep their order.
//!
//! Windows are sized to hold about [`WINDOW_GROUPS`] groups, from the previous window's
//! count, and cut short once they hold twice that, so memory stays flat whatever the rates;
//! only a batch arriving at one tick (an initial backlog) is never split, and passes through
//! the buffers whole.
//!
//! The windows rely on each stream's groups coming in time order. Validated streams do; the
//! feed keeps it so for any stream by holding a group that would arrive before its
//! predecessor back to its predecessor's tick.

use super::arrivals::{Pending, StreamGen};
use super::rng::SimRng;
use crate::model::{Model, Source, Stream, Ticks, days_to_ticks};
use rand::RngExt;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Groups a window aims to hold: enough that handing windows between cores costs little,
/// few enough that the two windows in flight stay small (about 650 KB each). A window is
/// cut short at twice that (a batch arriving at one tick is never split).
const WINDOW_GROUPS: usize = 1 << 14;

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
    /// Class index.
    pub class: u16,
    /// Outcome index if it gives up.
    pub outcome: u8,
    /// Whether it joins the list.
    pub joins: bool,
}

impl Arriving {
    /// The tick at which the event loop handles it.
    #[inline(always)]
    pub fn time(&self) -> Ticks {
        self.arrival.max(0)
    }

    /// Where it comes among the groups of a window: by time, then longest-waiting first,
    /// then by stream, `stream` being its stream's index.
    #[inline(always)]
    fn merge_key(&self, stream: usize) -> u128 {
        const MOST: u64 = (1 << 48) - 1;
        let rank = MOST - ((self.arrival - self.joined).max(0) as u64).min(MOST);
        ((self.time() as u128) << 64) | (u128::from(rank) << 16) | stream as u128
    }
}

/// The groups of every stream arriving in one window of time, in the order the event loop
/// handles them.
#[derive(Debug, Default)]
pub(super) struct Window {
    /// The groups.
    pub arrivals: Vec<Arriving>,
    /// End of the window (exclusive): every group arriving before it, and none at or after.
    pub end: Ticks,
}

/// Draws every stream's groups, window after window.
#[derive(Debug)]
pub(super) struct Feed<'m> {
    model: &'m Model,
    replication: u32,
    horizon: Ticks,
    generators: Vec<StreamGen>,
    /// Each stream's groups in the window being drawn.
    drawn: Vec<Vec<Arriving>>,
    /// The merge's next group of each stream, and its heap of their keys.
    merge_next: Vec<usize>,
    merge_heap: BinaryHeap<Reverse<u128>>,
    /// Groups already drawn that arrive after the window they were drawn for, in order.
    ahead: Vec<VecDeque<Arriving>>,
    /// Whether a stream's generator has no more groups before the horizon (`ahead` may
    /// still hold some).
    exhausted: Vec<bool>,
    /// Each stream's latest arrival drawn, which the next may not precede.
    latest: Vec<Ticks>,
    /// Groups a window aims to hold (it is cut short at twice that).
    window_groups: usize,
    /// Length of the next window.
    length: Ticks,
}

impl<'m> Feed<'m> {
    /// The feed of replication `replication` of `model`.
    pub fn new(model: &'m Model, replication: u32) -> Self {
        Self::with_window_groups(model, replication, WINDOW_GROUPS)
    }

    /// [`Feed::new`] with windows aiming at `window_groups` groups (at least 1).
    pub fn with_window_groups(model: &'m Model, replication: u32, window_groups: usize) -> Self {
        let streams = model.streams.len();
        Feed {
            model,
            replication,
            horizon: model.horizon_ticks(),
            generators: model
                .streams
                .iter()
                .map(|stream| StreamGen::new(stream, model.seed, replication))
                .collect(),
            drawn: (0..streams).map(|_| Vec::new()).collect(),
            merge_next: vec![0; streams],
            merge_heap: BinaryHeap::with_capacity(streams),
            ahead: (0..streams).map(|_| VecDeque::new()).collect(),
            exhausted: vec![false; streams],
            latest: vec![Ticks::MIN; streams],
            window_groups: window_groups.max(1),
            length: crate::model::TICKS_PER_DAY,
        }
    }

    /// Fills `window` with the groups arriving from `start` (the previous window's end,
    /// before the horizon) to its new end, at most the horizon.
    pub fn fill(&mut self, window: &mut Window, start: Ticks) {
        let mut end = start.saturating_add(self.length).min(self.horizon).max(start + 1);
        let mut drawn = std::mem::take(&mut self.drawn);
        // Buffers that grew for a one-tick batch are let go once it has passed.
        let oversized = 4 * self.window_groups.min(usize::MAX / 8);
        if window.arrivals.capacity() > oversized {
            window.arrivals = Vec::new();
        }
        let mut total = 0;
        for index in 0..self.generators.len() {
            let room = (2 * self.window_groups.min(usize::MAX / 8))
                .saturating_sub(total)
                .max(1);
            let before = end;
            self.fill_stream(index, &mut drawn[index], &mut end, room);
            if end < before {
                // The window was cut short: groups of earlier streams from the new end on
                // go back to wait for the next window.
                for (earlier, groups) in drawn[..index].iter_mut().enumerate() {
                    let keep = groups.partition_point(|group| group.time() < end);
                    total -= groups.len() - keep;
                    for group in groups.drain(keep..).rev() {
                        self.ahead[earlier].push_front(group);
                    }
                }
            }
            total += drawn[index].len();
        }
        self.merge(&mut drawn, &mut window.arrivals);
        for groups in &mut drawn {
            if groups.capacity() > oversized {
                *groups = Vec::new();
            }
        }
        self.drawn = drawn;
        window.end = end;
        // The next window aims at `window_groups` at this window's rate, growing at most
        // 64-fold so that a quiet spell before a busy one costs few cut windows.
        let length = end - start;
        let most = length.saturating_mul(64);
        self.length = match total {
            0 => most,
            _ => ((length as f64 * self.window_groups as f64 / total as f64) as Ticks).clamp(1, most),
        };
    }

    /// Merges the streams' groups into `arrivals`, in the order the event loop handles them
    /// (leaving `drawn` in any state).
    fn merge(&mut self, drawn: &mut [Vec<Arriving>], arrivals: &mut Vec<Arriving>) {
        arrivals.clear();
        let mut busy = drawn.iter_mut().filter(|groups| !groups.is_empty());
        match (busy.next(), busy.next()) {
            (None, _) => return,
            // One stream's groups are already in order: no copy, and no second copy in
            // memory of a large batch.
            (Some(only), None) => {
                std::mem::swap(only, arrivals);
                return;
            }
            _ => {}
        }
        let heap = &mut self.merge_heap;
        heap.clear();
        let drawn = &*drawn;
        for (stream, groups) in drawn.iter().enumerate() {
            self.merge_next[stream] = 0;
            if let Some(first) = groups.first() {
                heap.push(Reverse(first.merge_key(stream)));
            }
        }
        // Only each stream's next group is in the heap, so a stream's groups keep their order.
        while let Some(mut earliest) = heap.peek_mut() {
            let stream = earliest.0 as u16 as usize;
            let next = self.merge_next[stream];
            let groups = &drawn[stream];
            arrivals.push(groups[next]);
            self.merge_next[stream] = next + 1;
            match groups.get(next + 1) {
                Some(group) => *earliest = Reverse(group.merge_key(stream)),
                None => {
                    std::collections::binary_heap::PeekMut::pop(earliest);
                }
            }
        }
    }

    /// Puts stream `index`'s groups arriving before `end` into `groups`; once there are
    /// `room` of them, lowers `end` to just past the latest (so the window never holds
    /// more than about `room` of this stream's groups).
    fn fill_stream(&mut self, index: usize, groups: &mut Vec<Arriving>, end: &mut Ticks, room: usize) {
        groups.clear();
        let ahead = &mut self.ahead[index];
        while let Some(&group) = ahead.front() {
            if group.time() >= *end {
                return;
            }
            groups.push(group);
            ahead.pop_front();
            if groups.len() >= room {
                *end = (*end).min(group.time() + 1);
            }
        }
        if self.exhausted[index] {
            return;
        }
        let stream = &self.model.streams[index];
        let generator = &mut self.generators[index];
        let horizon = self.horizon;
        let latest = &mut self.latest[index];
        let mut take = |mut group: Arriving| -> bool {
            if group.arrival < *latest {
                let shift = *latest - group.arrival;
                group.arrival = *latest;
                group.joined += shift;
                if group.deadline != Ticks::MAX {
                    group.deadline = group.deadline.saturating_add(shift);
                }
            }
            *latest = group.arrival;
            if group.time() >= *end {
                ahead.push_back(group);
                return false;
            }
            groups.push(group);
            if groups.len() >= room {
                *end = (*end).min(group.time() + 1);
            }
            true
        };
        let exhausted = if let Source::Poisson { pieces } = &stream.source {
            // Poisson arrivals a block at a time: the hot loop stays free of the source match.
            let mut past_end = false;
            let more = generator.poisson_block(pieces, stream, usize::MAX, |arrival, size, class, rng| {
                if arrival >= horizon {
                    return false;
                }
                let pending = Pending {
                    arrival,
                    joined: arrival,
                    size,
                    class,
                };
                past_end = !take(arriving(stream, &pending, rng));
                !past_end
            });
            !more && !past_end
        } else {
            let mut pending = Pending::default();
            loop {
                if !generator.next_into(stream, self.model.seed, self.replication, &mut pending)
                    || pending.arrival >= horizon
                {
                    break true;
                }
                if !take(arriving(stream, &pending, &mut generator.rng)) {
                    break false;
                }
            }
        };
        self.exhausted[index] = exhausted;
    }
}

/// `pending`'s draws on arrival, from its stream's random numbers, in the event loop's order.
#[inline(always)]
fn arriving(stream: &Stream, pending: &Pending, rng: &mut SimRng) -> Arriving {
    let time = pending.arrival.max(0);
    let joins = stream.join_share >= 1.0 || rng.random::<f64>() < stream.join_share;
    let deadline = match &stream.patience_by_class[pending.class as usize] {
        Some(patience) if joins => time.saturating_add(days_to_ticks(patience.sample(rng))),
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
        class: pending.class,
        outcome,
        joins,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::load_str;
    use std::path::Path;

    fn model(text: &str) -> Model {
        load_str("feed.toml", text, Path::new("."))
            .expect("valid scenario")
            .model
    }

    /// Every window of `feed` until the horizon, as (start, end, arrivals).
    fn windows(feed: &mut Feed<'_>) -> Vec<(Ticks, Ticks, Vec<Arriving>)> {
        let mut all = Vec::new();
        let mut start = 0;
        while start < feed.horizon {
            let mut window = Window::default();
            feed.fill(&mut window, start);
            all.push((start, window.end, window.arrivals));
            start = all.last().map_or(start, |w| w.1);
        }
        all
    }

    #[test]
    fn windows_hand_out_every_group_once_in_order_and_stay_bounded() {
        // A quiet spell, then a busy one, at one port; a same-tick backlog with waits, which
        // goes first among the groups at day 0; a second stream at another port.
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
        let whole: Vec<Arriving> = windows(&mut Feed::with_window_groups(&model, 3, usize::MAX / 4))
            .into_iter()
            .flat_map(|(_, _, arrivals)| arrivals)
            .collect();
        assert!(whole.len() > 10_000, "{} groups", whole.len());
        let target = 50;
        let cut = windows(&mut Feed::with_window_groups(&model, 3, target));
        let mut previous_end = 0;
        for (start, end, arrivals) in &cut {
            assert_eq!(*start, previous_end, "windows follow each other");
            assert!(start < end);
            previous_end = *end;
            assert!(arrivals.iter().all(|group| (*start..*end).contains(&group.time())));
            let first_tick = arrivals.first().map(Arriving::time);
            if arrivals.iter().any(|group| Some(group.time()) != first_tick) {
                // A window is cut at twice its aim, plus the rest of a one-tick batch.
                let batch = arrivals
                    .iter()
                    .filter(|group| group.time() == arrivals[arrivals.len() - 1].time());
                assert!(
                    arrivals.len() <= 2 * target + batch.count(),
                    "{} groups",
                    arrivals.len()
                );
            }
        }
        assert_eq!(previous_end, model.horizon_ticks());
        let joined: Vec<Arriving> = cut.into_iter().flat_map(|(_, _, arrivals)| arrivals).collect();
        assert!(joined == whole, "the same groups in the same order");
        let day0: Vec<_> = whole.iter().take_while(|group| group.time() == 0).collect();
        assert!(day0.len() >= 300);
        let waited = |group: &Arriving| group.arrival - group.joined;
        assert!(
            day0.windows(2).all(|pair| waited(pair[0]) >= waited(pair[1])),
            "longest-waiting first at one tick"
        );
    }
}
