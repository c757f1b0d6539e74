//! The event queue: a binary min-heap ordered by (time, phase, sequence number).
//!
//! Events at the same tick come out by phase first (service completions, then arrivals,
//! then list calls and shift starts), then in the order they were scheduled.

use crate::model::Ticks;
use std::cmp::Ordering;
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
    fn phase(self) -> u64 {
        match self {
            EventKind::ServiceDone { .. } => 0,
            EventKind::Arrival { .. } => 1,
            EventKind::Call { .. } | EventKind::ShiftStart { .. } => 2,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// time << 2 | phase: one integer comparison orders by time, then phase.
    key: u64,
    seq: u64,
    kind: EventKind,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.seq == other.seq
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    // Reversed: BinaryHeap is a max-heap and we want the earliest event on top.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.key, other.seq).cmp(&(self.key, self.seq))
    }
}

/// A time-ordered queue of events with a deterministic order for ties.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
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

    /// Schedules `kind` at `time` (which must be ≥ 0).
    #[inline]
    pub fn push(&mut self, time: Ticks, kind: EventKind) {
        debug_assert!(time >= 0);
        let key = ((time as u64) << 2) | kind.phase();
        self.heap.push(Entry {
            key,
            seq: self.next_seq,
            kind,
        });
        self.next_seq += 1;
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(Ticks, EventKind)> {
        self.heap.pop().map(|entry| ((entry.key >> 2) as Ticks, entry.kind))
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
