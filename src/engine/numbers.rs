//! A port's list numbers: handed out in order of signing, one per group or one per block of
//! people, and the last number called; kept per row of days like the daily series.

use crate::model::ListNumbers;
use crate::stats::NumberSeries;

/// Marks a row in which no number was handed out (or called).
const UNCHANGED: u64 = u64::MAX;

/// List numbers of one port in one replication.
pub(super) struct NumberBook {
    spec: ListNumbers,
    row_shift: u32,
    people_signed: u64,
    groups_signed: u64,
    /// The last number handed out in each row ([`UNCHANGED`] if none).
    issued: Vec<u64>,
    /// The last number called in each row ([`UNCHANGED`] if none).
    serving: Vec<u64>,
}

impl NumberBook {
    pub(super) fn new(spec: ListNumbers, horizon_days: u32) -> Self {
        let row_days = crate::stats::row_days_for(horizon_days);
        let rows = (horizon_days as usize).div_ceil(row_days as usize);
        NumberBook {
            spec,
            row_shift: row_days.trailing_zeros(),
            people_signed: 0,
            groups_signed: 0,
            issued: vec![UNCHANGED; rows],
            serving: vec![UNCHANGED; rows],
        }
    }

    fn row(&self, day: u32) -> usize {
        ((day >> self.row_shift) as usize).min(self.issued.len().saturating_sub(1))
    }

    /// A group of `size` people signs on `day`; returns its ticket (its number less the first).
    pub(super) fn sign(&mut self, size: u32, day: u32) -> u32 {
        let ticket = match self.spec.people_per_number {
            Some(people) => self.people_signed / u64::from(people),
            None => self.groups_signed,
        };
        self.people_signed += u64::from(size);
        self.groups_signed += 1;
        let row = self.row(day);
        if let Some(slot) = self.issued.get_mut(row) {
            *slot = self.spec.first + ticket;
        }
        u32::try_from(ticket).unwrap_or(u32::MAX)
    }

    /// The group with `ticket` is called on `day` (present or not).
    pub(super) fn call(&mut self, ticket: u32, day: u32) {
        let row = self.row(day);
        if let Some(slot) = self.serving.get_mut(row) {
            *slot = self.spec.first + u64::from(ticket);
        }
    }

    /// The numbers at each row's end, carried forward over rows without a change.
    pub(super) fn into_series(self) -> NumberSeries {
        let before = self.spec.first.saturating_sub(1);
        let carry = |values: Vec<u64>| -> Vec<u64> {
            let mut last = before;
            values
                .into_iter()
                .map(|value| {
                    if value != UNCHANGED {
                        last = value;
                    }
                    last
                })
                .collect()
        };
        NumberSeries {
            issued: carry(self.issued),
            now_serving: carry(self.serving),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_covers_a_block_of_people() {
        let spec = ListNumbers {
            first: 101,
            people_per_number: Some(10),
        };
        let mut book = NumberBook::new(spec, 3);
        // 4 + 7 people: the first group gets number 101, the second starts at person 5, still 101.
        assert_eq!(book.sign(4, 0), 0);
        assert_eq!(book.sign(7, 0), 0);
        // The third starts at person 12: number 102.
        assert_eq!(book.sign(1, 2), 1);
        book.call(0, 1);
        let series = book.into_series();
        assert_eq!(series.issued, vec![101, 101, 102]);
        assert_eq!(series.now_serving, vec![100, 101, 101]);
    }

    #[test]
    fn one_number_per_group() {
        let spec = ListNumbers {
            first: 1,
            people_per_number: None,
        };
        let mut book = NumberBook::new(spec, 2);
        assert_eq!(book.sign(5, 1), 0);
        assert_eq!(book.sign(5, 1), 1);
        assert_eq!(book.into_series().issued, vec![0, 2]);
    }
}
