//! Mergeable statistics: per replication, then combined across replications in order.
//!
//! Every accumulator here has an exact `merge` (integer sums and histogram counts), so
//! replications run on any number of threads, or shards run on other machines, combine to
//! the same numbers.

pub(crate) mod exact;
pub(crate) mod histogram;
pub(crate) mod network;
pub(crate) mod summary;

use crate::model::{TICKS_PER_DAY, Ticks, ticks_to_days};
use histogram::LogHistogram;
use serde::{Deserialize, Serialize};

/// Ages (days on the list) whose counts the daily series track; 0 is the list length.
pub(crate) const AGE_THRESHOLDS_DAYS: [i64; 4] = [0, 30, 90, 180];

/// Days of processing behind the quoted wait.
pub(crate) const QUOTED_WAIT_WINDOW_DAYS: usize = 30;

/// Waits of people, weighted by group size: exact count, sum and maximum plus a histogram.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct WaitAccumulator {
    /// People recorded.
    pub people: u64,
    /// Sum of waits in ticks, over people.
    pub sum_ticks: i128,
    /// Longest wait in ticks.
    pub max_ticks: Ticks,
    /// Distribution of waits in ticks (seconds), three significant digits.
    pub histogram: LogHistogram,
}

impl WaitAccumulator {
    /// Records `people` people who waited `wait_ticks` (inlined even into the quota port's
    /// call, whose two loops make it large).
    #[inline(always)]
    pub(crate) fn record(&mut self, wait_ticks: Ticks, people: u32) {
        let wait = wait_ticks.max(0);
        self.people += u64::from(people);
        self.sum_ticks += i128::from(wait) * i128::from(people);
        self.max_ticks = self.max_ticks.max(wait);
        self.histogram.record_n(wait as u64, u64::from(people));
    }

    /// Adds another accumulator's records.
    pub(crate) fn merge(&mut self, other: &WaitAccumulator) {
        self.people += other.people;
        self.sum_ticks += other.sum_ticks;
        self.max_ticks = self.max_ticks.max(other.max_ticks);
        self.histogram.add(&other.histogram);
    }

    /// Whether recording could have made it (read from a file, it may not be): as many
    /// people as the histogram counts, waits of at least 0, and a sum that the people and
    /// the longest wait allow.
    pub(crate) fn is_consistent(&self) -> bool {
        self.histogram.is_consistent()
            && self.histogram.total() == self.people
            && self.max_ticks >= 0
            && (0..=i128::from(self.max_ticks) * i128::from(self.people)).contains(&self.sum_ticks)
    }

    /// Whether [`merge`](Self::merge) of `other` keeps every count within its type (both
    /// consistent).
    pub(crate) fn can_merge(&self, other: &WaitAccumulator) -> bool {
        self.people.checked_add(other.people).is_some() && self.sum_ticks.checked_add(other.sum_ticks).is_some()
    }

    /// Mean wait in days (NaN when empty).
    pub(crate) fn mean_days(&self) -> f64 {
        if self.people == 0 {
            return f64::NAN;
        }
        (self.sum_ticks as f64 / self.people as f64) / TICKS_PER_DAY as f64
    }

    /// The q-quantile in days (NaN when empty), never above the exact maximum.
    pub(crate) fn quantile_days(&self, q: f64) -> f64 {
        if self.people == 0 {
            return f64::NAN;
        }
        let value = self.histogram.value_at_quantile(q).min(self.max_ticks as u64);
        ticks_to_days(value as Ticks)
    }

    /// [`WaitAccumulator::quantile_days`] of each of `qs`, in one pass over the histogram.
    pub(crate) fn quantiles_days<const N: usize>(&self, qs: [f64; N]) -> [f64; N] {
        if self.people == 0 {
            return [f64::NAN; N];
        }
        self.histogram
            .values_at_quantiles(qs)
            .map(|value| ticks_to_days(value.min(self.max_ticks as u64) as Ticks))
    }

    /// Longest wait in days (NaN when empty).
    pub(crate) fn max_days(&self) -> f64 {
        if self.people == 0 {
            f64::NAN
        } else {
            ticks_to_days(self.max_ticks)
        }
    }

    /// People who waited more than `days` days (to the histogram's three significant digits;
    /// exactly for 0).
    pub(crate) fn count_above_days(&self, days: f64) -> u64 {
        let threshold = (days * TICKS_PER_DAY as f64) as u64;
        if self.people == 0 || threshold >= self.histogram.max() {
            return 0;
        }
        self.people - self.histogram.count_between(0, threshold)
    }
}

/// What became of the people of one class at one port in one replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PeopleStats {
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
    pub(crate) fn new(outcomes: usize) -> Self {
        PeopleStats {
            arrived: 0,
            did_not_join: 0,
            processed: WaitAccumulator::default(),
            abandoned: WaitAccumulator::default(),
            abandoned_by_outcome: vec![0; outcomes],
            waiting_at_end: WaitAccumulator::default(),
        }
    }

    /// Whether recording could have made it (see [`WaitAccumulator::is_consistent`]).
    pub(crate) fn is_consistent(&self) -> bool {
        [&self.processed, &self.abandoned, &self.waiting_at_end]
            .iter()
            .all(|waits| waits.is_consistent())
    }

    /// Whether [`merge`](Self::merge) of `other` keeps every count within its type (both
    /// consistent).
    pub(crate) fn can_merge(&self, other: &PeopleStats) -> bool {
        self.arrived.checked_add(other.arrived).is_some()
            && self.did_not_join.checked_add(other.did_not_join).is_some()
            && self.processed.can_merge(&other.processed)
            && self.abandoned.can_merge(&other.abandoned)
            && self.waiting_at_end.can_merge(&other.waiting_at_end)
            && self
                .abandoned_by_outcome
                .iter()
                .zip(&other.abandoned_by_outcome)
                .all(|(mine, theirs)| mine.checked_add(*theirs).is_some())
    }

    /// Adds another's records.
    pub(crate) fn merge(&mut self, other: &PeopleStats) {
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

/// Rows a daily series keeps at most (16,384 days, about 45 years, one a day); longer
/// horizons are kept at a coarser resolution (see [`row_days_for`]), so memory stays bounded
/// however many days are simulated. Every replication fills and merges several such series,
/// so the bound also bounds the memory a run touches: at 2^18 rows, the page faults of a
/// 600-year run took 40% of its time.
pub(crate) const MAX_SERIES_ROWS: usize = 1 << 14;

/// Days per row of the daily series for a horizon: 1 up to [`MAX_SERIES_ROWS`] days, then
/// the smallest power of two that keeps the rows within that bound.
pub(crate) fn row_days_for(horizon_days: u32) -> u32 {
    let mut row_days = 1u32;
    while (horizon_days as usize).div_ceil(row_days as usize) > MAX_SERIES_ROWS {
        row_days *= 2;
    }
    row_days
}

/// Days covered by row `row` of a daily series with `row_days` days per row over a horizon
/// of `horizon_days` days (fewer than `row_days` only in a partial last row).
pub(crate) fn days_in_row(row: usize, row_days: u32, horizon_days: u32) -> u32 {
    let first_day = (row as u32).saturating_mul(row_days);
    row_days.min(horizon_days.saturating_sub(first_day))
}

/// Day-by-day counts of one port in one replication (row r covers days
/// `[r · row_days, (r + 1) · row_days)`; with the usual `row_days` = 1, row d is day d).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DailySeries {
    /// Days per row (a power of two; 1 unless the horizon exceeds [`MAX_SERIES_ROWS`] days).
    pub row_days: u32,
    /// Simulated days (the last row may cover fewer than `row_days`).
    pub horizon_days: u32,
    /// People who joined the list during the row's days.
    pub arrived: Vec<u64>,
    /// People processed during the row's days.
    pub processed: Vec<u64>,
    /// People who left the list unprocessed during the row's days.
    pub abandoned: Vec<u64>,
    /// People on the list at the end of the row's last day, by age threshold
    /// ([`AGE_THRESHOLDS_DAYS`]): `on_list[0]` is the list length, `on_list[1]` those who
    /// had waited more than 30 days, …
    pub on_list: [Vec<u64>; 4],
    /// Names on the list at the end of the row's last day: people on it, and people who
    /// gave up but whose names stay listed until called.
    pub names_on_list: Vec<u64>,
}

impl DailySeries {
    /// All-zero series of a horizon of `horizon_days` days.
    pub(crate) fn zeros(horizon_days: u32) -> Self {
        let row_days = row_days_for(horizon_days);
        let rows = (horizon_days as usize).div_ceil(row_days as usize);
        DailySeries {
            row_days,
            horizon_days,
            arrived: vec![0; rows],
            processed: vec![0; rows],
            abandoned: vec![0; rows],
            on_list: std::array::from_fn(|_| vec![0; rows]),
            names_on_list: vec![0; rows],
        }
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.arrived.len()
    }

    /// First day of row `row`.
    pub(crate) fn first_day(&self, row: usize) -> u32 {
        (row as u32).saturating_mul(self.row_days)
    }

    /// Days covered by row `row` (fewer than `row_days` only in a partial last row).
    pub(crate) fn days_in_row(&self, row: usize) -> u32 {
        days_in_row(row, self.row_days, self.horizon_days)
    }

    /// Adds another port's series row by row (for totals over ports).
    pub(crate) fn add(&mut self, other: &DailySeries) {
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
        add(&mut self.names_on_list, &other.names_on_list);
    }

    /// What a newcomer would be told at the end of each row: list length divided by the
    /// mean daily processing of the trailing [`QUOTED_WAIT_WINDOW_DAYS`] days, or of the
    /// row itself when rows are longer (`None` when nobody was processed).
    pub(crate) fn quoted_wait_days(&self) -> Vec<Option<f64>> {
        let window_rows = (QUOTED_WAIT_WINDOW_DAYS / self.row_days as usize).max(1);
        let mut window_people = 0u64;
        let mut window_days = 0u64;
        (0..self.rows())
            .map(|row| {
                window_people += self.processed[row];
                window_days += u64::from(self.days_in_row(row));
                if row >= window_rows {
                    window_people -= self.processed[row - window_rows];
                    window_days -= u64::from(self.days_in_row(row - window_rows));
                }
                let rate = window_people as f64 / window_days.max(1) as f64;
                let length = self.on_list[0][row] as f64;
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

    /// The first day at whose end the list is empty after someone had joined it (to the
    /// resolution of the rows: the last day of the first such row).
    pub(crate) fn first_empty_day(&self) -> Option<u32> {
        let first_join = self.arrived.iter().position(|&n| n > 0)?;
        (first_join..self.rows())
            .find(|&row| self.on_list[0][row] == 0)
            .map(|row| self.first_day(row) + self.days_in_row(row) - 1)
    }

    /// The longest list at a row's end.
    pub(crate) fn peak_list(&self) -> u64 {
        self.on_list[0].iter().copied().max().unwrap_or(0)
    }
}

/// Statistics merged: a copy of the first, then the others added (a copy costs less than
/// adding to an empty one, whose histograms would grow as they are added to).
pub(crate) fn merged<'a>(parts: impl IntoIterator<Item = &'a PeopleStats>, outcomes: usize) -> PeopleStats {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return PeopleStats::new(outcomes);
    };
    let mut total = first.clone();
    for part in parts {
        total.merge(part);
    }
    total
}

/// One port's results in one replication.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PortResult {
    /// By class (indexed like `Model::classes`).
    pub by_class: Vec<PeopleStats>,
    /// Daily series.
    pub daily: DailySeries,
    /// Per stream of the port, in file order, when it has more than one (with one, the
    /// stream's results are the port's).
    pub streams: Vec<StreamResult>,
    /// The port's list numbers, if it hands them out.
    pub numbers: Option<NumberSeries>,
}

/// One stream's results in one replication.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StreamResult {
    /// Everyone of the stream, over classes.
    pub people: PeopleStats,
    /// Daily series.
    pub daily: DailySeries,
}

/// A port's list numbers at the end of each row of days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NumberSeries {
    /// The last number handed out (one less than the first before anyone signed).
    pub issued: Vec<u64>,
    /// The last number called, present or absent (one less than the first before any call).
    pub now_serving: Vec<u64>,
}

/// The results of one replication.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Replication {
    /// Replication number.
    pub index: u32,
    /// By port (indexed like `Model::ports`).
    pub ports: Vec<PortResult>,
    /// Events the engine handled.
    pub events: u64,
    /// Flows and end-to-end times of a network (`None` for independent ports).
    pub network: Option<network::NetworkStats>,
}

impl Replication {
    /// Everyone at every port, merged.
    pub(crate) fn total_people(&self, outcomes: usize) -> PeopleStats {
        merged(self.ports.iter().flat_map(|port| &port.by_class), outcomes)
    }

    /// Everyone at one port, merged over classes.
    pub(crate) fn port_people(&self, port: usize, outcomes: usize) -> PeopleStats {
        merged(&self.ports[port].by_class, outcomes)
    }

    /// Takes each stream's results out of its ports, in the model's stream order: `places`
    /// gives each stream's (port, slot) pairs (several for a stream whose groups choose their
    /// port; their results are merged). `None` for a stream alone at its one port, whose
    /// results are the port's.
    pub(crate) fn take_streams(&mut self, places: &[Vec<(usize, u16)>], outcomes: usize) -> Vec<Option<StreamResult>> {
        let mut own: Vec<Vec<Option<StreamResult>>> = self
            .ports
            .iter_mut()
            .map(|port| std::mem::take(&mut port.streams).into_iter().map(Some).collect())
            .collect();
        places
            .iter()
            .map(|places| {
                let mut parts = places.iter().map(|&(port, slot)| {
                    match own[port].get_mut(usize::from(slot)).and_then(Option::take) {
                        Some(result) => Some(result),
                        None if places.len() > 1 => Some(StreamResult {
                            people: self.port_people(port, outcomes),
                            daily: self.ports[port].daily.clone(),
                        }),
                        None => None,
                    }
                });
                let mut merged = parts.next().flatten()?;
                for part in parts.flatten() {
                    merged.people.merge(&part.people);
                    merged.daily.add(&part.daily);
                }
                Some(merged)
            })
            .collect()
    }

    /// Daily series summed over ports.
    pub(crate) fn total_daily(&self) -> DailySeries {
        let horizon_days = self.ports.first().map_or(0, |port| port.daily.horizon_days);
        let mut total = DailySeries::zeros(horizon_days);
        for port in &self.ports {
            total.add(&port.daily);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Statistics read from a file are checked before they are merged: counts that disagree,
    /// and sums that would overflow, are caught rather than wrapped.
    #[test]
    fn inconsistent_or_overflowing_statistics_are_caught() {
        let mut people = PeopleStats::new(1);
        people.processed.record(86_400, 3);
        people.arrived = 3;
        assert!(people.is_consistent());
        let mut edited: PeopleStats = serde_json::from_value(
            serde_json::to_value(&people)
                .map(|text| text.to_string().replace("\"people\":3", "\"people\":4"))
                .and_then(|text| serde_json::from_str(&text))
                .expect("JSON"),
        )
        .expect("read back");
        assert!(!edited.is_consistent(), "4 people but 3 counted");
        edited.processed.people = 3;
        edited.processed.sum_ticks = -1;
        assert!(!edited.is_consistent(), "a negative sum");
        assert!(people.can_merge(&people));
        let mut huge = people.clone();
        huge.arrived = u64::MAX;
        assert!(!people.can_merge(&huge));
    }

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
        assert_eq!(
            merged.quantiles_days([0.5, 0.99]),
            [0.5, 0.99].map(|q| merged.quantile_days(q))
        );
        assert!(WaitAccumulator::default().quantiles_days([0.5])[0].is_nan());
        assert_eq!(merged.count_above_days(2.0), 1);
        assert!(WaitAccumulator::default().mean_days().is_nan());
    }

    #[test]
    fn quoted_wait_uses_trailing_processing() {
        let mut daily = DailySeries::zeros(3);
        assert_eq!(daily.row_days, 1);
        daily.processed = vec![10, 0, 20];
        daily.on_list[0] = vec![100, 100, 0];
        daily.arrived = vec![200, 0, 0];
        assert_eq!(daily.quoted_wait_days(), vec![Some(10.0), Some(20.0), Some(0.0)]);
        assert_eq!(daily.first_empty_day(), Some(2));
        assert_eq!(daily.peak_list(), 100);
    }

    #[test]
    fn long_horizons_use_coarser_rows() {
        assert_eq!(row_days_for(365), 1);
        assert_eq!(row_days_for(MAX_SERIES_ROWS as u32), 1);
        assert_eq!(row_days_for(MAX_SERIES_ROWS as u32 + 1), 2);
        assert_eq!(row_days_for(2_222_222), 256);
        let mut daily = DailySeries::zeros(MAX_SERIES_ROWS as u32 * 2 + 3);
        assert_eq!((daily.row_days, daily.rows()), (4, MAX_SERIES_ROWS / 2 + 1));
        let last = daily.rows() - 1;
        assert_eq!(daily.days_in_row(last), 3);
        daily.arrived[0] = 5;
        daily.on_list[0][0] = 5;
        daily.processed = vec![8; daily.rows()];
        // Rows are 4 days long, so the quoted wait looks back over 7 rows (28 days).
        assert_eq!(daily.quoted_wait_days()[0], Some(2.5));
        assert_eq!(daily.first_empty_day(), Some(7));
    }
}
