//! A port's waiting list: groups in list order, removable from either end or at random.
//!
//! Groups taken from the middle (lottery draws) leave a tombstone that is skipped at the ends
//! and swept out once tombstones are half the list, so every operation is O(1) amortised.

use super::rng::SimRng;
use crate::model::Ticks;
use rand::RngExt;
use std::collections::VecDeque;

/// A group on a list, in 32 bytes (lists of millions of groups are walked in order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Waiting {
    /// When its wait started (before day 0 for an initial backlog).
    pub joined: Ticks,
    /// When it gives up if still waiting (`Ticks::MAX`: never).
    pub deadline: Ticks,
    /// Trace identifier.
    pub id: u32,
    /// People in the group; 0 marks a tombstone.
    pub size: u32,
    /// Its list number, counted from the port's first (0 if the port hands out none).
    pub ticket: u32,
    /// Its (stream, class) cell at the port: the stream's slot × classes + the class.
    pub cell: u16,
    /// Outcome index if it gives up.
    pub outcome: u8,
    /// [`Waiting::COUNTED`] and [`Waiting::STAYS_LISTED`].
    pub flags: u8,
}

impl Waiting {
    /// It counts in per-person statistics (joined after the warm-up).
    pub(crate) const COUNTED: u8 = 1;
    /// Its names stay on the list after it gives up, until called.
    pub(crate) const STAYS_LISTED: u8 = 2;

    /// Whether it counts in per-person statistics.
    #[inline(always)]
    pub(crate) fn counted(&self) -> bool {
        self.flags & Self::COUNTED != 0
    }

    /// Whether its names stay on the list after it gives up.
    #[inline(always)]
    pub(crate) fn stays_listed(&self) -> bool {
        self.flags & Self::STAYS_LISTED != 0
    }

    /// The day it reached the list, as far as ages on the list are concerned: the day its wait
    /// started, or day 0 for a wait that started before. (A group whose arrival was put a few
    /// ticks after its start, to keep arrivals in order, may reach the list the next day; no
    /// age threshold is that short.)
    #[inline(always)]
    pub(crate) fn arrival_day(&self) -> u32 {
        (self.joined.max(0) / crate::model::TICKS_PER_DAY) as u32
    }
}

/// One lane of a list (priority lists have one lane per class).
#[derive(Debug, Default)]
pub(crate) struct Lane {
    groups: VecDeque<Waiting>,
    tombstones: usize,
}

impl Lane {
    /// Groups on the lane (tombstones excluded).
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.groups.len() - self.tombstones
    }

    /// Whether no group is on the lane.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds a group at the end.
    #[inline]
    pub(crate) fn push_back(&mut self, group: Waiting) {
        self.groups.push_back(group);
    }

    /// Adds a group at the front (served last under LIFO).
    #[inline]
    pub(crate) fn push_front(&mut self, group: Waiting) {
        self.groups.push_front(group);
    }

    /// Index of the first group, dropping tombstones in front of it.
    #[inline]
    pub(crate) fn front_index(&mut self) -> Option<usize> {
        while let Some(front) = self.groups.front() {
            if front.size != 0 {
                return Some(0);
            }
            self.groups.pop_front();
            self.tombstones -= 1;
        }
        None
    }

    /// Removes and returns the first group, dropping tombstones in front of it.
    #[inline]
    pub(crate) fn pop_front(&mut self) -> Option<Waiting> {
        loop {
            let group = self.groups.pop_front()?;
            if group.size != 0 {
                return Some(group);
            }
            self.tombstones -= 1;
        }
    }

    /// Index of the last group, dropping tombstones behind it.
    #[inline]
    pub(crate) fn back_index(&mut self) -> Option<usize> {
        while let Some(back) = self.groups.back() {
            if back.size != 0 {
                return Some(self.groups.len() - 1);
            }
            self.groups.pop_back();
            self.tombstones -= 1;
        }
        None
    }

    /// Index of a group drawn uniformly at random.
    #[inline]
    pub(crate) fn random_index(&mut self, rng: &mut SimRng) -> Option<usize> {
        if self.is_empty() {
            return None;
        }
        if self.tombstones * 2 > self.groups.len() {
            self.groups.retain(|group| group.size != 0);
            self.tombstones = 0;
        }
        // At most half are tombstones, so this takes two draws on average.
        loop {
            let index = rng.random_range(0..self.groups.len());
            if self.groups[index].size != 0 {
                return Some(index);
            }
        }
    }

    /// The group at `index` (from one of the `*_index` methods).
    #[inline]
    pub(crate) fn get(&self, index: usize) -> &Waiting {
        &self.groups[index]
    }

    /// Removes and returns the group at `index`.
    #[inline(always)]
    pub(crate) fn take(&mut self, index: usize) -> Waiting {
        if index == 0 {
            self.groups
                .pop_front()
                .unwrap_or_else(|| unreachable!("index from front_index"))
        } else if index + 1 == self.groups.len() {
            self.groups
                .pop_back()
                .unwrap_or_else(|| unreachable!("index from back_index"))
        } else {
            let group = self.groups[index];
            self.groups[index].size = 0;
            self.tombstones += 1;
            group
        }
    }

    /// Index of the group numbered `id` (searched from the front: the groups looked for have
    /// waited long, so are near it under FIFO).
    pub(crate) fn index_of(&self, id: u32) -> Option<usize> {
        self.groups.iter().position(|group| group.id == id && group.size != 0)
    }

    /// Removes every group, oldest first in list order.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = Waiting> + '_ {
        self.tombstones = 0;
        self.groups.drain(..).filter(|group| group.size != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::keyed_rng;

    #[test]
    fn a_group_fits_in_half_a_cache_line() {
        assert_eq!(std::mem::size_of::<Waiting>(), 32);
    }

    fn group(id: u32) -> Waiting {
        Waiting {
            joined: 0,
            deadline: Ticks::MAX,
            id,
            size: 1,
            ticket: 0,
            cell: 0,
            outcome: 0,
            flags: Waiting::COUNTED,
        }
    }

    #[test]
    fn front_back_and_random_removal() {
        let mut lane = Lane::default();
        for id in 0..10 {
            lane.push_back(group(id));
        }
        let front = lane.front_index().unwrap();
        assert_eq!(lane.take(front).id, 0);
        assert_eq!(lane.pop_front().unwrap().id, 1);
        let back = lane.back_index().unwrap();
        assert_eq!(lane.take(back).id, 9);
        let mut rng = keyed_rng(1, 0, "test", "lane", 0);
        let mut drawn = Vec::new();
        while let Some(index) = lane.random_index(&mut rng) {
            drawn.push(lane.take(index).id);
        }
        drawn.sort_unstable();
        assert_eq!(drawn, (2..9).collect::<Vec<_>>());
        assert!(lane.is_empty());
        assert_eq!(lane.front_index(), None);
    }

    #[test]
    fn lottery_is_uniform_over_groups() {
        let mut rng = keyed_rng(5, 0, "test", "lottery", 0);
        let mut first_pick = [0u32; 5];
        for _ in 0..50_000 {
            let mut lane = Lane::default();
            for id in 0..5 {
                lane.push_back(group(id));
            }
            let middle = 2;
            lane.take(middle); // leave a tombstone in the middle
            let index = lane.random_index(&mut rng).unwrap();
            first_pick[lane.get(index).id as usize] += 1;
        }
        assert_eq!(first_pick[2], 0);
        for id in [0, 1, 3, 4] {
            // Each of four has p = 1/4: 12,500 ± 5 sd (sd ≈ 97).
            assert!((first_pick[id] as i64 - 12_500).abs() < 500, "{first_pick:?}");
        }
    }
}
