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
//! Windows are sized to hold about [`WINDOW_GROUPS`] groups, from the counts of the windows
//! before, and cut short once they hold twice that, so memory stays flat whatever the rates.

use super::arrivals::{Pending, StreamGen};
use super::rng::SimRng;
use crate::model::{Model, Source, Stream, Ticks, days_to_ticks};
use rand::RngExt;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Groups a window aims to hold: enough that handing windows between cores costs little,
/// few enough that both windows in flight stay in cache.
const WINDOW_GROUPS: usize = 1 << 14;

/// Groups at which a window is cut short (a batch arriving at one tick is never split).
const WINDOW_CAP: usize = 2 * WINDOW_GROUPS;

/// A stream's group with every draw the engine makes for it when it arrives.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Arriving {
    /// When it reaches the list (before day 0 only for a snapshot; handled at day 0).
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
    /// End of the window (exclusive): every group arriving before it, and none after.
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
    /// Whether a stream has no more groups before the horizon.
    exhausted: Vec<bool>,
    /// Length of the next window.
    length: Ticks,
}

impl<'m> Feed<'m> {
    /// The feed of replication `replication` of `model`.
    pub fn new(model: &'m Model, replication: u32) -> Self {
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
            length: crate::model::TICKS_PER_DAY,
        }
    }

    /// Fills `window` with the groups arriving from `start` (the previous window's end) to
    /// its new end, at most the horizon.
    pub fn fill(&mut self, window: &mut Window, start: Ticks) {
        let mut end = start.saturating_add(self.length).min(self.horizon).max(start + 1);
        let mut drawn = std::mem::take(&mut self.drawn);
        let mut total = 0;
        for index in 0..self.generators.len() {
            let room = WINDOW_CAP.saturating_sub(total).max(1);
            let before = end;
            self.fill_stream(index, &mut drawn[index], &mut end, room);
            if end < before {
                // The window was cut short: groups of earlier streams from the new end on
                // go back to wait for the next window.
                for (earlier, groups) in drawn[..index].iter_mut().enumerate() {
                    let keep = groups.partition_point(|group| group.time() < end);
                    for group in groups.drain(keep..).rev() {
                        self.ahead[earlier].push_front(group);
                    }
                }
                total = drawn[..index].iter().map(Vec::len).sum();
            }
            total += drawn[index].len();
        }
        self.merge(&drawn, &mut window.arrivals);
        self.drawn = drawn;
        window.end = end;
        // The next window aims at WINDOW_GROUPS groups at this window's rate, growing at
        // most 64-fold so that a quiet spell before a busy one costs few cut windows.
        let length = end - start;
        let scaled = (length as f64 * WINDOW_GROUPS as f64 / total.max(1) as f64) as Ticks;
        self.length = scaled.clamp(1, length.saturating_mul(64));
    }

    /// Merges the streams' groups into `arrivals`, in the order the event loop handles them.
    fn merge(&mut self, drawn: &[Vec<Arriving>], arrivals: &mut Vec<Arriving>) {
        arrivals.clear();
        if let [only] = drawn {
            arrivals.extend_from_slice(only);
            return;
        }
        let heap = &mut self.merge_heap;
        heap.clear();
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
        }
        if self.exhausted[index] {
            return;
        }
        let stream = &self.model.streams[index];
        let generator = &mut self.generators[index];
        let horizon = self.horizon;
        let mut take = |group: Arriving| -> bool {
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
