//! What became of people across a network: flows between places, and the time from first
//! joining a list to the end of the journey. Mergeable exactly, as every statistic is.

use super::{PeopleStats, WaitAccumulator};
use crate::model::Ticks;
use serde::{Deserialize, Serialize};

/// The network's statistics of one replication, or of several merged.
///
/// Places are numbered: nodes `0..nodes` (ports, then stages), then ends `0..ends` (see
/// `model::network::Ends`). A flow goes from outside (row 0) or a node (row `1 + node`) to a
/// place (column `node`, or `nodes + end`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NetworkStats {
    /// Number of nodes.
    pub nodes: usize,
    /// Number of ends.
    pub ends: usize,
    /// People per (from, to): `flows[from * (nodes + ends) + to]`.
    pub flows: Vec<u64>,
    /// Time from first joining a list to each end (`pending`: the time so far, censored).
    pub end_to_end: Vec<WaitAccumulator>,
    /// Everyone end to end, as a port's people are counted: `arrived` entered the network,
    /// `processed` reached a final outcome by being processed (routed to an outcome, or
    /// processed where no route goes on), `abandoned` left a list unprocessed (by outcome),
    /// `waiting_at_end` were still in the network.
    pub people: PeopleStats,
}

impl NetworkStats {
    /// Empty statistics of a network of `nodes` nodes, `ends` ends and `outcomes` outcomes of
    /// leaving a list.
    pub(crate) fn new(nodes: usize, ends: usize, outcomes: usize) -> Self {
        NetworkStats {
            nodes,
            ends,
            flows: vec![0; (nodes + 1) * (nodes + ends)],
            end_to_end: vec![WaitAccumulator::default(); ends],
            people: PeopleStats::new(outcomes),
        }
    }

    /// Counts `people` moving from `from` (`None`: outside, entering the network) to node `to`
    /// (`counted`: they count in per-person statistics).
    #[inline]
    pub(crate) fn flow_to_node(&mut self, from: Option<usize>, to: usize, people: u32, counted: bool) {
        if !counted {
            return;
        }
        if from.is_none() {
            self.people.arrived += u64::from(people);
        }
        let row = from.map_or(0, |node| node + 1);
        self.flows[row * (self.nodes + self.ends) + to] += u64::from(people);
    }

    /// Counts `people` ending at `end` from node `from` (`None`: from outside, which they
    /// entered without reaching a list), `elapsed` after first joining a list, in the way `how`
    /// (`counted`: they count in per-person statistics).
    #[inline]
    pub(crate) fn end(
        &mut self,
        from: Option<usize>,
        end: usize,
        how: Ending,
        people: u32,
        elapsed: Ticks,
        counted: bool,
    ) {
        if !counted {
            return;
        }
        match (from, how) {
            (None, _) => self.people.arrived += u64::from(people),
            // They came from outside to the node's door and turned away there.
            (Some(node), Ending::DidNotJoin) => self.flows[node] += u64::from(people),
            (Some(_), _) => {}
        }
        let row = from.map_or(0, |node| node + 1);
        self.flows[row * (self.nodes + self.ends) + self.nodes + end] += u64::from(people);
        self.end_to_end[end].record(elapsed, people);
        match how {
            Ending::Decided => self.people.processed.record(elapsed, people),
            Ending::Left { outcome } => {
                self.people.abandoned.record(elapsed, people);
                self.people.abandoned_by_outcome[outcome] += u64::from(people);
            }
            Ending::DidNotJoin => self.people.did_not_join += u64::from(people),
            Ending::Pending => self.people.waiting_at_end.record(elapsed, people),
        }
    }

    /// People who moved from `from` (row: `None` outside) to `to` (column).
    pub(crate) fn flow(&self, from: Option<usize>, to: usize) -> u64 {
        let row = from.map_or(0, |node| node + 1);
        self.flows[row * (self.nodes + self.ends) + to]
    }

    /// Whether it has the shape of `other`, so that they merge.
    pub(crate) fn same_shape(&self, other: &NetworkStats) -> bool {
        self.nodes == other.nodes
            && self.ends == other.ends
            && self.flows.len() == other.flows.len()
            && self.end_to_end.len() == other.end_to_end.len()
            && self.people.abandoned_by_outcome.len() == other.people.abandoned_by_outcome.len()
    }

    /// Whether recording could have made it (read from a file, it may not be).
    pub(crate) fn is_consistent(&self) -> bool {
        self.flows.len() == (self.nodes + 1) * (self.nodes + self.ends)
            && self.end_to_end.len() == self.ends
            && self.end_to_end.iter().all(WaitAccumulator::is_consistent)
            && self.people.is_consistent()
    }

    /// Whether [`merge`](Self::merge) of `other` keeps every count within its type.
    pub(crate) fn can_merge(&self, other: &NetworkStats) -> bool {
        self.same_shape(other)
            && self
                .flows
                .iter()
                .zip(&other.flows)
                .all(|(a, b)| a.checked_add(*b).is_some())
            && self
                .end_to_end
                .iter()
                .zip(&other.end_to_end)
                .all(|(a, b)| a.can_merge(b))
            && self.people.can_merge(&other.people)
    }

    /// Adds another's records (of the same shape).
    pub(crate) fn merge(&mut self, other: &NetworkStats) {
        for (mine, theirs) in self.flows.iter_mut().zip(&other.flows) {
            *mine += theirs;
        }
        for (mine, theirs) in self.end_to_end.iter_mut().zip(&other.end_to_end) {
            mine.merge(theirs);
        }
        self.people.merge(&other.people);
    }
}

/// How a journey ends, for [`NetworkStats::end`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Ending {
    /// Processed: routed to a final outcome, or processed where no route goes on.
    Decided,
    /// Left a list unprocessed, with this outcome (an index of `Model::outcomes`).
    Left {
        /// The outcome.
        outcome: usize,
    },
    /// Arrived without joining a list.
    DidNotJoin,
    /// Still in the network at the end of the run.
    Pending,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_and_ends_merge_exactly() {
        let mut a = NetworkStats::new(2, 3, 1);
        a.flow_to_node(None, 0, 5, true);
        a.flow_to_node(Some(0), 1, 4, true);
        a.end(Some(1), 2, Ending::Decided, 4, 86_400, true);
        a.end(Some(1), 0, Ending::Pending, 9, 86_400, false);
        let mut b = a.clone();
        b.merge(&a);
        assert_eq!(b.flow(None, 0), 10);
        assert_eq!(b.flow(Some(0), 1), 8);
        assert_eq!(b.flow(Some(1), 2 + 2), 8);
        assert_eq!(b.flow(Some(1), 2), 0, "people not counted leave no flow");
        assert_eq!(b.end_to_end[2].people, 8);
        assert_eq!((b.people.processed.people, b.people.waiting_at_end.people), (8, 0));
        assert!(b.is_consistent() && b.can_merge(&a));
        assert!(!b.can_merge(&NetworkStats::new(3, 3, 1)));
    }
}
