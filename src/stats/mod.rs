//! Mergeable statistics: per replication, then combined across replications in order.
//!
//! Every accumulator here has an exact `merge` (integer sums and HDR histogram counts), so
//! replications run on any number of threads, or shards run on other machines, combine to
//! the same numbers.

pub mod summary;

use crate::model::{TICKS_PER_DAY, Ticks, ticks_to_days};
use hdrhistogram::Histogram;

/// Ages (days on the list) whose counts the daily series track; 0 is the list length.
pub const AGE_THRESHOLDS_DAYS: [i64; 4] = [0, 30, 90, 180];

/// Days of processing behind the quoted wait.
pub const QUOTED_WAIT_WINDOW_DAYS: usize = 30;

/// Waits of people, weighted by group size: exact count, sum and maximum plus a histogram.
#[derive(Debug, Clone)]
pub struct WaitAccumulator {
    /// People recorded.
    pub people: u64,
    /// Sum of waits in ticks, over people.
    pub sum_ticks: i128,
    /// Longest wait in ticks.
    pub max_ticks: Ticks,
    /// Distribution of waits in ticks (seconds), three significant digits.
    pub histogram: Histogram<u64>,
}

impl Default for WaitAccumulator {
    fn default() -> Self {
        WaitAccumulator {
            people: 0,
            sum_ticks: 0,
            max_ticks: 0,
            histogram: new_histogram(),
        }
    }
}

fn new_histogram() -> Histogram<u64> {
    // Three significant digits with auto-resize never fails to construct.
    let mut histogram = Histogram::new(3).unwrap_or_else(|_| unreachable!("3 is a valid precision"));
    histogram.auto(true);
    histogram
}

impl WaitAccumulator {
    /// Records `people` people who waited `wait_ticks`.
    #[inline]
    pub fn record(&mut self, wait_ticks: Ticks, people: u32) {
        let wait = wait_ticks.max(0);
        self.people += u64::from(people);
        self.sum_ticks += i128::from(wait) * i128::from(people);
        self.max_ticks = self.max_ticks.max(wait);
        // With auto-resize, recording can only fail on count overflow past u64.
        let _ = self.histogram.record_n(wait as u64, u64::from(people));
    }

    /// Adds another accumulator's records.
    pub fn merge(&mut self, other: &WaitAccumulator) {
        self.people += other.people;
        self.sum_ticks += other.sum_ticks;
        self.max_ticks = self.max_ticks.max(other.max_ticks);
        let _ = self.histogram.add(&other.histogram);
    }

    /// Mean wait in days (NaN when empty).
    pub fn mean_days(&self) -> f64 {
        if self.people == 0 {
            return f64::NAN;
        }
        (self.sum_ticks as f64 / self.people as f64) / TICKS_PER_DAY as f64
    }

    /// The q-quantile in days (NaN when empty), never above the exact maximum.
    pub fn quantile_days(&self, q: f64) -> f64 {
        if self.people == 0 {
            return f64::NAN;
        }
        let value = self.histogram.value_at_quantile(q).min(self.max_ticks as u64);
        ticks_to_days(value as Ticks)
    }

    /// Longest wait in days (NaN when empty).
    pub fn max_days(&self) -> f64 {
        if self.people == 0 {
            f64::NAN
        } else {
            ticks_to_days(self.max_ticks)
        }
    }

    /// People who waited more than `days` days.
    pub fn count_above_days(&self, days: f64) -> u64 {
        let threshold = (days * TICKS_PER_DAY as f64) as u64;
        if self.people == 0 || threshold >= self.histogram.max() {
            return 0;
        }
        self.people - self.histogram.count_between(0, threshold)
    }
}

/// What became of the people of one class at one port in one replication.
#[derive(Debug, Clone)]
pub struct PeopleStats {
    /// People who joined the list.
    pub arrived: u64,
    /// People who arrived but did not join the list.
    pub did_not_join: u64,
    /// Waits of people processed.
    pub processed: WaitAccumulator,
    /// Time waited by people who left unprocessed.
    pub abandoned: WaitAccumulator,
    /// People who left, by outcome (indexed like `Model::outcomes`).
    pub abandoned_by_outcome: Vec<u64>,
    /// Time waited so far by people still on the list at the horizon (censored waits).
    pub waiting_at_end: WaitAccumulator,
}

impl PeopleStats {
    /// Empty statistics for a model with `outcomes` outcomes.
    pub fn new(outcomes: usize) -> Self {
        PeopleStats {
            arrived: 0,
            did_not_join: 0,
            processed: WaitAccumulator::default(),
            abandoned: WaitAccumulator::default(),
            abandoned_by_outcome: vec![0; outcomes],
            waiting_at_end: WaitAccumulator::default(),
        }
    }

    /// Adds another's records.
    pub fn merge(&mut self, other: &PeopleStats) {
        self.arrived += other.arrived;
        self.did_not_join += other.did_not_join;
        self.processed.merge(&other.processed);
        self.abandoned.merge(&other.abandoned);
        for (mine, theirs) in self.abandoned_by_outcome.iter_mut().zip(&other.abandoned_by_outcome) {
            *mine += theirs;
        }
        self.waiting_at_end.merge(&other.waiting_at_end);
    }
}

/// Day-by-day counts of one port in one replication (day d is [d, d+1)).
#[derive(Debug, Clone, PartialEq)]
pub struct DailySeries {
    /// People who joined the list during the day.
    pub arrived: Vec<u64>,
    /// People processed during the day.
    pub processed: Vec<u64>,
    /// People who left the list unprocessed during the day.
    pub abandoned: Vec<u64>,
    /// People on the list at the end of the day, by age threshold ([`AGE_THRESHOLDS_DAYS`]):
    /// `on_list[0]` is the list length, `on_list[1]` those who had waited more than 30 days, …
    pub on_list: [Vec<u64>; 4],
}

impl DailySeries {
    /// All-zero series of `days` days.
    pub fn zeros(days: usize) -> Self {
        DailySeries {
            arrived: vec![0; days],
            processed: vec![0; days],
            abandoned: vec![0; days],
            on_list: std::array::from_fn(|_| vec![0; days]),
        }
    }

    /// Number of days.
    pub fn days(&self) -> usize {
        self.arrived.len()
    }

    /// Adds another port's series day by day (for totals over ports).
    pub fn add(&mut self, other: &DailySeries) {
        let add = |mine: &mut Vec<u64>, theirs: &Vec<u64>| {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        };
        add(&mut self.arrived, &other.arrived);
        add(&mut self.processed, &other.processed);
        add(&mut self.abandoned, &other.abandoned);
        for (mine, theirs) in self.on_list.iter_mut().zip(&other.on_list) {
            add(mine, theirs);
        }
    }

    /// What a newcomer would be told on each day: list length divided by the mean daily
    /// processing of the trailing [`QUOTED_WAIT_WINDOW_DAYS`] days (`None` when nobody was processed).
    pub fn quoted_wait_days(&self) -> Vec<Option<f64>> {
        let mut window_sum = 0u64;
        (0..self.days())
            .map(|day| {
                window_sum += self.processed[day];
                if day >= QUOTED_WAIT_WINDOW_DAYS {
                    window_sum -= self.processed[day - QUOTED_WAIT_WINDOW_DAYS];
                }
                let window = (day + 1).min(QUOTED_WAIT_WINDOW_DAYS) as f64;
                let rate = window_sum as f64 / window;
                let length = self.on_list[0][day] as f64;
                if length == 0.0 {
                    Some(0.0)
                } else if rate > 0.0 {
                    Some(length / rate)
                } else {
                    None
                }
            })
            .collect()
    }

    /// The first day at whose end the list is empty after someone had joined it.
    pub fn first_empty_day(&self) -> Option<u32> {
        let first_join = self.arrived.iter().position(|&n| n > 0)?;
        (first_join..self.days())
            .find(|&day| self.on_list[0][day] == 0)
            .map(|day| day as u32)
    }

    /// The longest list at a day's end.
    pub fn peak_list(&self) -> u64 {
        self.on_list[0].iter().copied().max().unwrap_or(0)
    }
}

/// One port's results in one replication.
#[derive(Debug, Clone)]
pub struct PortResult {
    /// By class (indexed like `Model::classes`).
    pub by_class: Vec<PeopleStats>,
    /// Daily series.
    pub daily: DailySeries,
}

/// The results of one replication.
#[derive(Debug, Clone)]
pub struct Replication {
    /// Replication number.
    pub index: u32,
    /// By port (indexed like `Model::ports`).
    pub ports: Vec<PortResult>,
    /// Events the engine handled.
    pub events: u64,
}

impl Replication {
    /// Everyone at every port, merged.
    pub fn total_people(&self, outcomes: usize) -> PeopleStats {
        let mut total = PeopleStats::new(outcomes);
        for port in &self.ports {
            for class in &port.by_class {
                total.merge(class);
            }
        }
        total
    }

    /// Everyone at one port, merged over classes.
    pub fn port_people(&self, port: usize, outcomes: usize) -> PeopleStats {
        let mut total = PeopleStats::new(outcomes);
        for class in &self.ports[port].by_class {
            total.merge(class);
        }
        total
    }

    /// One class at every port, merged over ports.
    pub fn class_people(&self, class: usize, outcomes: usize) -> PeopleStats {
        let mut total = PeopleStats::new(outcomes);
        for port in &self.ports {
            total.merge(&port.by_class[class]);
        }
        total
    }

    /// Daily series summed over ports.
    pub fn total_daily(&self) -> DailySeries {
        let days = self.ports.first().map_or(0, |port| port.daily.days());
        let mut total = DailySeries::zeros(days);
        for port in &self.ports {
            total.add(&port.daily);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_merge_exactly() {
        let mut a = WaitAccumulator::default();
        let mut b = WaitAccumulator::default();
        a.record(TICKS_PER_DAY, 3);
        b.record(3 * TICKS_PER_DAY, 1);
        let mut merged = a.clone();
        merged.merge(&b);
        assert_eq!(merged.people, 4);
        assert!((merged.mean_days() - 1.5).abs() < 1e-12);
        assert_eq!(merged.max_days(), 3.0);
        assert!((merged.quantile_days(0.5) - 1.0).abs() < 1e-3);
        assert_eq!(merged.count_above_days(2.0), 1);
        assert!(WaitAccumulator::default().mean_days().is_nan());
    }

    #[test]
    fn quoted_wait_uses_trailing_processing() {
        let mut daily = DailySeries::zeros(3);
        daily.processed = vec![10, 0, 20];
        daily.on_list[0] = vec![100, 100, 0];
        daily.arrived = vec![200, 0, 0];
        assert_eq!(daily.quoted_wait_days(), vec![Some(10.0), Some(20.0), Some(0.0)]);
        assert_eq!(daily.first_empty_day(), Some(2));
        assert_eq!(daily.peak_list(), 100);
    }
}
