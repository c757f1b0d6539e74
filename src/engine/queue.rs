//! The event queue: a binary min-heap ordered by (time, phase, sequence number), each
//! event packed into one `u128`.
//!
//! Events at the same tick come out by phase first (service completions, then arrivals,
//! then list calls and shift starts), then in the order they were scheduled, except that
//! arrivals at one tick come out longest-waiting first (see [`EventQueue::push_arrival`]).

use crate::model::Ticks;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What happens at an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// An officer at this port finishes a claim.
    ServiceDone {
        /// Port index.
        port: u16,
    },
    /// The next group of this stream reaches its port.
    Arrival {
        /// Stream index.
        stream: u16,
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

impl EventKind {
    /// Rank among events at the same tick.
    #[inline]
    fn phase(self) -> u8 {
        match self {
            EventKind::ServiceDone { .. } => 0,
            EventKind::Arrival { .. } => 1,
            EventKind::Call { .. } | EventKind::ShiftStart { .. } => 2,
        }
    }
}

/// Bits of an encoded event, from the most significant: time (40), phase (2), sequence (48),
/// kind (2), port or stream index (16). One `u128` comparison then orders events by time,
/// phase and sequence, and the heap moves 16 bytes per entry.
const INDEX_BITS: u32 = 16;
const KIND_BITS: u32 = 2;
const SEQ_BITS: u32 = 48;
const PHASE_BITS: u32 = 2;
const SEQ_SHIFT: u32 = INDEX_BITS + KIND_BITS;
const PHASE_SHIFT: u32 = SEQ_SHIFT + SEQ_BITS;
const TIME_SHIFT: u32 = PHASE_SHIFT + PHASE_BITS;

/// The latest time the queue can hold: 2^40 ticks, about 12.7 million days.
pub const MAX_TIME: Ticks = (1 << 40) - 1;

#[inline]
fn encode(time: Ticks, seq: u64, kind: EventKind) -> u128 {
    let (tag, index) = match kind {
        EventKind::ServiceDone { port } => (0u128, port),
        EventKind::Arrival { stream } => (1, stream),
        EventKind::Call { port } => (2, port),
        EventKind::ShiftStart { port } => (3, port),
    };
    ((time as u128) << TIME_SHIFT)
        | (u128::from(kind.phase()) << PHASE_SHIFT)
        | (u128::from(seq) << SEQ_SHIFT)
        | (tag << INDEX_BITS)
        | u128::from(index)
}

/// An arrival ordered longest-waiting first among arrivals at the same tick.
#[inline]
fn arrival_entry(time: Ticks, waited: Ticks, stream: u16) -> u128 {
    debug_assert!((0..=MAX_TIME).contains(&time));
    const MOST: u64 = (1 << SEQ_BITS) - 1;
    let rank = MOST - (waited.max(0) as u64).min(MOST);
    encode(time, rank, EventKind::Arrival { stream })
}

#[inline]
fn decode(entry: u128) -> (Ticks, EventKind) {
    let time = (entry >> TIME_SHIFT) as Ticks;
    let index = entry as u16;
    let kind = match (entry >> INDEX_BITS) & 0b11 {
        0 => EventKind::ServiceDone { port: index },
        1 => EventKind::Arrival { stream: index },
        2 => EventKind::Call { port: index },
        _ => EventKind::ShiftStart { port: index },
    };
    (time, kind)
}

/// A time-ordered queue of events with a deterministic order for ties.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<u128>>,
    next_seq: u64,
}

impl EventQueue {
    /// An empty queue with room for `capacity` events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_seq: 0,
        }
    }

    /// Schedules `kind` at `time`, which must be in `0..=MAX_TIME`.
    #[inline]
    pub fn push(&mut self, time: Ticks, kind: EventKind) {
        debug_assert!((0..=MAX_TIME).contains(&time));
        debug_assert!(self.next_seq < 1 << SEQ_BITS);
        self.heap.push(Reverse(encode(time, self.next_seq, kind)));
        self.next_seq += 1;
    }

    /// Schedules the arrival of `stream`'s next group at `time`, whose wait started
    /// `waited` ticks earlier.
    ///
    /// Arrivals at the same tick come out longest-waiting first, then in stream order,
    /// instead of in scheduling order: so the people of several initial backlogs join the
    /// list in the order they signed it, and a batch of one stream is not interleaved with
    /// another's.
    #[inline]
    pub fn push_arrival(&mut self, time: Ticks, waited: Ticks, stream: u16) {
        self.heap.push(Reverse(arrival_entry(time, waited, stream)));
    }

    /// Replaces the earliest event (which the caller has just handled) by the arrival of
    /// `stream`'s next group, as [`EventQueue::push_arrival`] would order it: one sift
    /// instead of a pop and a push.
    #[inline]
    pub fn replace_earliest_with_arrival(&mut self, time: Ticks, waited: Ticks, stream: u16) {
        let entry = Reverse(arrival_entry(time, waited, stream));
        if let Some(mut earliest) = self.heap.peek_mut() {
            *earliest = entry;
            return;
        }
        self.heap.push(entry);
    }

    /// The earliest event, left in the queue.
    #[inline]
    pub fn peek(&self) -> Option<(Ticks, EventKind)> {
        self.heap.peek().map(|&Reverse(entry)| decode(entry))
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(Ticks, EventKind)> {
        self.heap.pop().map(|Reverse(entry)| decode(entry))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_phase_then_sequence() {
        let mut queue = EventQueue::default();
        queue.push(10, EventKind::Call { port: 0 });
        queue.push(10, EventKind::Arrival { stream: 1 });
        queue.push(5, EventKind::Call { port: 9 });
        queue.push(10, EventKind::Arrival { stream: 0 });
        queue.push(10, EventKind::ServiceDone { port: 3 });
        let order: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        let mut arrivals = EventQueue::default();
        arrivals.push_arrival(3, 0, 0);
        arrivals.push_arrival(3, 50, 1);
        arrivals.push_arrival(3, 0, 2);
        arrivals.push_arrival(2, 0, 3);
        let streams: Vec<_> = std::iter::from_fn(|| arrivals.pop()).map(|(_, kind)| kind).collect();
        assert_eq!(
            streams,
            [3, 1, 0, 2].map(|stream| EventKind::Arrival { stream }).to_vec(),
            "earliest tick first, then longest waiting, then stream order"
        );
        let mut replaced = EventQueue::default();
        replaced.push(4, EventKind::Call { port: 0 });
        replaced.push_arrival(1, 0, 7);
        assert_eq!(replaced.peek(), Some((1, EventKind::Arrival { stream: 7 })));
        replaced.replace_earliest_with_arrival(9, 0, 7);
        let after: Vec<_> = std::iter::from_fn(|| replaced.pop()).collect();
        assert_eq!(
            after,
            vec![(4, EventKind::Call { port: 0 }), (9, EventKind::Arrival { stream: 7 })],
            "the replaced arrival sifts down behind the call"
        );
        assert_eq!(
            order,
            vec![
                (5, EventKind::Call { port: 9 }),
                (10, EventKind::ServiceDone { port: 3 }),
                (10, EventKind::Arrival { stream: 1 }),
                (10, EventKind::Arrival { stream: 0 }),
                (10, EventKind::Call { port: 0 }),
            ]
        );
    }
}
