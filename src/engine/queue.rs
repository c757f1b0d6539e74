//! The event queue: a binary min-heap ordered by (time, phase, sequence number), each
//! event packed into one `u128`.
//!
//! Events at the same tick come out by phase (service completions, then list calls and
//! shift starts), then in the order they were scheduled. Arrivals are not in the queue: they
//! come from the feed, already in order, and fall between the two phases (see
//! [`arrival_order`] and [`EventQueue::next_order`]).

use crate::model::Ticks;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What happens at an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    /// An officer at this port finishes a claim.
    ServiceDone {
        /// Port index.
        port: u16,
    },
    /// A quota port calls its list.
    Call {
        /// Port index.
        port: u16,
    },
    /// An officers port's shift starts.
    ShiftStart {
        /// Port index.
        port: u16,
    },
}

/// The phase of arrivals among events at the same tick: after service completions (phase
/// 0), before list calls and shift starts (phase 2), so a list called at the instant people
/// arrive sees them, and an officer freed then takes the next of them.
const ARRIVAL_PHASE: u64 = 1;

impl EventKind {
    /// Rank among events at the same tick.
    #[inline]
    fn phase(self) -> u8 {
        match self {
            EventKind::ServiceDone { .. } => 0,
            EventKind::Call { .. } | EventKind::ShiftStart { .. } => 2,
        }
    }
}

/// Bits of an encoded event, from the most significant: time (40), phase (2), sequence (48),
/// kind (2), port index (16). One `u128` comparison then orders events by time, phase and
/// sequence, and the heap moves 16 bytes per entry.
const INDEX_BITS: u32 = 16;
const KIND_BITS: u32 = 2;
const SEQ_BITS: u32 = 48;
const PHASE_BITS: u32 = 2;
const SEQ_SHIFT: u32 = INDEX_BITS + KIND_BITS;
const PHASE_SHIFT: u32 = SEQ_SHIFT + SEQ_BITS;
const TIME_SHIFT: u32 = PHASE_SHIFT + PHASE_BITS;

/// The latest time the queue can hold: 2^40 ticks, about 12.7 million days.
pub(crate) const MAX_TIME: Ticks = (1 << 40) - 1;

#[inline]
fn encode(time: Ticks, seq: u64, kind: EventKind) -> u128 {
    let (tag, index) = match kind {
        EventKind::ServiceDone { port } => (0u128, port),
        EventKind::Call { port } => (1, port),
        EventKind::ShiftStart { port } => (2, port),
    };
    ((time as u128) << TIME_SHIFT)
        | (u128::from(kind.phase()) << PHASE_SHIFT)
        | (u128::from(seq) << SEQ_SHIFT)
        | (tag << INDEX_BITS)
        | u128::from(index)
}

#[inline]
fn decode(entry: u128) -> (Ticks, EventKind) {
    let time = (entry >> TIME_SHIFT) as Ticks;
    let port = entry as u16;
    let kind = match (entry >> INDEX_BITS) & 0b11 {
        0 => EventKind::ServiceDone { port },
        1 => EventKind::Call { port },
        _ => EventKind::ShiftStart { port },
    };
    (time, kind)
}

/// Where the first event at `time` (in `0..=MAX_TIME`) falls among events: everything
/// earlier comes before it.
#[inline(always)]
pub(crate) fn order_at(time: Ticks) -> u64 {
    (time as u64) << PHASE_BITS
}

/// Where an arrival at `time` (in `0..=MAX_TIME`) falls among events, comparable with
/// [`EventQueue::next_order`]: it comes first exactly when its order is lower.
#[inline(always)]
pub(crate) fn arrival_order(time: Ticks) -> u64 {
    ((time as u64) << PHASE_BITS) | ARRIVAL_PHASE
}

/// A time-ordered queue of events with a deterministic order for ties.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Reverse<u128>>,
    next_seq: u64,
    /// Whether the first event in the heap is one already handled (see
    /// [`EventQueue::take_earliest`]).
    earliest_handled: bool,
}

impl EventQueue {
    /// An empty queue with room for `capacity` events.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_seq: 0,
            earliest_handled: false,
        }
    }

    /// Schedules `kind` at `time`, which must be in `0..=MAX_TIME`.
    #[inline(always)]
    pub(crate) fn push(&mut self, time: Ticks, kind: EventKind) {
        debug_assert!((0..=MAX_TIME).contains(&time));
        debug_assert!(self.next_seq < 1 << SEQ_BITS);
        let entry = Reverse(encode(time, self.next_seq, kind));
        self.next_seq += 1;
        if self.earliest_handled {
            self.earliest_handled = false;
            if let Some(mut earliest) = self.heap.peek_mut() {
                *earliest = entry;
                return;
            }
        }
        self.heap.push(entry);
    }

    /// The time and phase of the earliest event, to compare with [`arrival_order`]
    /// (`u64::MAX` when the queue is empty).
    #[inline(always)]
    pub(crate) fn next_order(&self) -> u64 {
        self.heap
            .peek()
            .map_or(u64::MAX, |&Reverse(entry)| (entry >> PHASE_SHIFT) as u64)
    }

    /// Removes and returns the earliest event.
    #[cfg(test)]
    pub(crate) fn pop(&mut self) -> Option<(Ticks, EventKind)> {
        self.heap.pop().map(|Reverse(entry)| decode(entry))
    }

    /// Takes the earliest event to handle. It stays in the queue until the first event
    /// scheduled while it is handled takes its place (one sift instead of a pop and a push:
    /// the queue then holds the same events), or until [`EventQueue::handled`].
    #[inline(always)]
    pub(crate) fn take_earliest(&mut self) -> Option<(Ticks, EventKind)> {
        debug_assert!(!self.earliest_handled, "one event at a time");
        let &Reverse(entry) = self.heap.peek()?;
        self.earliest_handled = true;
        Some(decode(entry))
    }

    /// The event taken by [`EventQueue::take_earliest`] is handled: drops it unless an
    /// event scheduled meanwhile took its place.
    #[inline(always)]
    pub(crate) fn handled(&mut self) {
        if self.earliest_handled {
            self.earliest_handled = false;
            self.heap.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_phase_then_sequence() {
        let mut queue = EventQueue::default();
        queue.push(10, EventKind::Call { port: 0 });
        queue.push(10, EventKind::ShiftStart { port: 1 });
        queue.push(5, EventKind::Call { port: 9 });
        queue.push(10, EventKind::ServiceDone { port: 3 });
        let order: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(
            order,
            vec![
                (5, EventKind::Call { port: 9 }),
                (10, EventKind::ServiceDone { port: 3 }),
                (10, EventKind::Call { port: 0 }),
                (10, EventKind::ShiftStart { port: 1 }),
            ]
        );
    }

    #[test]
    fn an_event_scheduled_while_one_is_handled_takes_its_place() {
        let times = [7, 3, 3, 9, 1, 4, 4, 12, 0, 5];
        let mut in_place = EventQueue::default();
        let mut popped = EventQueue::default();
        for (port, &time) in times.iter().enumerate() {
            in_place.push(time, EventKind::ServiceDone { port: port as u16 });
            popped.push(time, EventKind::ServiceDone { port: port as u16 });
        }
        // Handling an event schedules none, one or two others.
        for (round, scheduled) in [vec![4], vec![], vec![2, 11], vec![3], vec![3, 3, 0]]
            .into_iter()
            .enumerate()
        {
            assert_eq!(in_place.take_earliest(), popped.pop(), "round {round}");
            for (index, time) in scheduled.into_iter().enumerate() {
                let kind = EventKind::Call {
                    port: (10 * round + index) as u16,
                };
                in_place.push(time, kind);
                popped.push(time, kind);
            }
            in_place.handled();
        }
        let rest = |queue: &mut EventQueue| std::iter::from_fn(|| queue.pop()).collect::<Vec<_>>();
        assert_eq!(rest(&mut in_place), rest(&mut popped));
    }

    #[test]
    fn arrivals_fall_between_completions_and_calls() {
        let mut queue = EventQueue::default();
        assert_eq!(queue.next_order(), u64::MAX);
        queue.push(10, EventKind::Call { port: 0 });
        assert!(
            arrival_order(10) < queue.next_order(),
            "an arrival comes before a call at its tick"
        );
        assert!(arrival_order(11) > queue.next_order());
        queue.push(10, EventKind::ServiceDone { port: 0 });
        assert!(arrival_order(10) > queue.next_order(), "and after a service completion");
        assert!(arrival_order(9) < queue.next_order());
        assert!(arrival_order(MAX_TIME) < u64::MAX);
        assert!(order_at(10) <= queue.next_order() && queue.next_order() < arrival_order(10));
        assert!(arrival_order(9) < order_at(10));
    }
}
