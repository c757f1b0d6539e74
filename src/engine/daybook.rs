//! The daily bookkeeping both engines share: flows and age profiles of one port, kept as
//! counts and difference arrays over rows of days, filled in when a group joins and when it
//! leaves, so that no end-of-day events are needed.

use super::list::Waiting;
use crate::model::{TICKS_PER_DAY, Ticks};
use crate::stats::{AGE_THRESHOLDS_DAYS, DailySeries};

/// Daily bookkeeping of one port, in rows of `1 << row_shift` days (see
/// [`crate::stats::row_days_for`]).
///
/// Flows are counted as they happen. A group's time on the list is known once it leaves
/// (processed, found to have given up, absent, or still there at the horizon), so only
/// then does it go into the age profile: +people on the first row-end it counts past each
/// age threshold, −people on the first it doesn't. The list length needs no entry of its
/// own: it is the running total of arrivals minus departures.
pub(super) struct DayBook {
    pub(super) horizon_days: u32,
    pub(super) row_shift: u32,
    pub(super) rows: usize,
    pub(super) arrived: Vec<u64>,
    pub(super) processed: Vec<u64>,
    pub(super) abandoned: Vec<u64>,
    /// People whose names were struck off the list unprocessed (at once when they leave it,
    /// or when called if their names stayed listed).
    pub(super) struck: Vec<u64>,
    /// Difference arrays of the ages past 30, 90 and 180 days (`rows + 1` long).
    pub(super) over_diff: [Vec<i64>; 3],
}

impl DayBook {
    pub(super) fn new(horizon_days: u32) -> Self {
        let row_days = crate::stats::row_days_for(horizon_days);
        let rows = (horizon_days as usize).div_ceil(row_days as usize);
        DayBook {
            horizon_days,
            row_shift: row_days.trailing_zeros(),
            rows,
            arrived: vec![0; rows],
            processed: vec![0; rows],
            abandoned: vec![0; rows],
            struck: vec![0; rows],
            over_diff: std::array::from_fn(|_| vec![0; rows + 1]),
        }
    }

    /// Row of a day before the horizon.
    #[inline]
    pub(super) fn row(&self, day: u32) -> usize {
        (day >> self.row_shift) as usize
    }

    /// `group` reaches the list on `day`.
    #[inline]
    pub(super) fn join(&mut self, group: &Waiting, day: u32) {
        let row = self.row(day);
        self.arrived[row] += u64::from(group.size);
    }

    /// `group` is processed on `day`.
    #[inline]
    pub(super) fn processed(&mut self, group: &Waiting, day: u32) {
        let row = self.row(day);
        self.processed[row] += u64::from(group.size);
        self.leave(group, day);
    }

    /// `group` gives up on `day` (its deadline): its people leave, and its names with them
    /// unless they stay listed until called.
    #[inline]
    pub(super) fn gave_up(&mut self, group: &Waiting, day: u32) {
        let row = self.row(day);
        self.abandoned[row] += u64::from(group.size);
        if !group.stays_listed() {
            self.struck[row] += u64::from(group.size);
        }
        self.leave(group, day);
    }

    /// `group` is absent when called on `day` and loses its place: people and names leave.
    #[inline]
    pub(super) fn dropped(&mut self, group: &Waiting, day: u32) {
        let row = self.row(day);
        self.abandoned[row] += u64::from(group.size);
        self.struck[row] += u64::from(group.size);
        self.leave(group, day);
    }

    /// The names of `group`, whose people gave up earlier, are called on `day` and struck off.
    #[inline]
    pub(super) fn struck_off(&mut self, group: &Waiting, day: u32) {
        let row = self.row(day);
        self.struck[row] += u64::from(group.size);
    }

    /// `group` is on the list at the end of every day before `end_day` (at most the horizon).
    #[inline(always)]
    pub(super) fn leave(&mut self, group: &Waiting, end_day: u32) {
        // Most groups leave before they reach the first age threshold; checked inline, in
        // ticks: floor(joined / day) + threshold >= end exactly when joined >= (end - threshold) · day.
        let first_threshold = AGE_THRESHOLDS_DAYS[1];
        if group.joined >= (i64::from(end_day) - first_threshold) * TICKS_PER_DAY || group.arrival_day() >= end_day {
            return;
        }
        self.record_ages(group.joined, group.arrival_day(), group.size, end_day);
    }

    /// The age profile of a group that reached at least the first age threshold: `size`
    /// people who joined at tick `joined`, reached the list on `arrival_day` and leave on
    /// `end_day`. (Taking the fields rather than the group keeps callers from building one
    /// in memory for this rare call.)
    #[cold]
    pub(super) fn record_ages(&mut self, joined: Ticks, arrival_day: u32, size: u32, end_day: u32) {
        let end = i64::from(end_day);
        let end_row = if end_day >= self.horizon_days {
            self.rows
        } else {
            self.row(end_day)
        };
        let size = i64::from(size);
        let arrival_day = i64::from(arrival_day);
        let joined_day = joined.div_euclid(TICKS_PER_DAY);
        for (diff, threshold) in self.over_diff.iter_mut().zip(&AGE_THRESHOLDS_DAYS[1..]) {
            let start = (joined_day + threshold).max(arrival_day);
            // Later thresholds start later, so once one is not reached none after it is.
            if start >= end {
                break;
            }
            diff[(start as u32 >> self.row_shift) as usize] += size;
            diff[end_row] -= size;
        }
    }

    pub(super) fn into_series(self) -> DailySeries {
        let mut running = 0i64;
        let length = self
            .arrived
            .iter()
            .zip(&self.processed)
            .zip(&self.abandoned)
            .map(|((&arrived, &processed), &abandoned)| {
                running += arrived as i64 - processed as i64 - abandoned as i64;
                running.max(0) as u64
            })
            .collect();
        let mut names = 0i64;
        let names_on_list = self
            .arrived
            .iter()
            .zip(&self.processed)
            .zip(&self.struck)
            .map(|((&arrived, &processed), &struck)| {
                names += arrived as i64 - processed as i64 - struck as i64;
                names.max(0) as u64
            })
            .collect();
        let rows = self.rows;
        // Running totals in place: the difference arrays become the counts.
        let over = |diff: Vec<i64>| -> Vec<u64> {
            let mut running = 0i64;
            let mut counts: Vec<u64> = diff
                .into_iter()
                .map(|d| {
                    running += d;
                    running.max(0) as u64
                })
                .collect();
            counts.truncate(rows);
            counts
        };
        let [over_30, over_90, over_180] = self.over_diff;
        let on_list = [length, over(over_30), over(over_90), over(over_180)];
        DailySeries {
            row_days: 1 << self.row_shift,
            horizon_days: self.horizon_days,
            arrived: self.arrived,
            processed: self.processed,
            abandoned: self.abandoned,
            on_list,
            names_on_list,
        }
    }
}
