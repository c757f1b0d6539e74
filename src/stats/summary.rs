//! Across replications: mean and Student-t 95% confidence interval of each scalar, and
//! percentile bands of each daily series.

use super::exact::{self, F64};
use super::{DailySeries, PeopleStats};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A quantity estimated across replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Mean over the replications where it is defined (`null` if none).
    pub mean: Option<f64>,
    /// Lower end of the 95% confidence interval (`null` with fewer than 2 replications).
    pub ci95_low: Option<f64>,
    /// Upper end of the 95% confidence interval.
    pub ci95_high: Option<f64>,
}

impl Estimate {
    /// Mean and t-interval of the finite values; NaN (undefined) values are left out.
    pub fn from_values(values: &[f64]) -> Estimate {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = finite.len();
        if n == 0 {
            return Estimate {
                mean: None,
                ci95_low: None,
                ci95_high: None,
            };
        }
        let mean = finite.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Estimate {
                mean: Some(mean),
                ci95_low: None,
                ci95_high: None,
            };
        }
        let variance = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let half_width = t_quantile_975(n - 1) * (variance / n as f64).sqrt();
        Estimate {
            mean: Some(mean),
            ci95_low: Some(mean - half_width),
            ci95_high: Some(mean + half_width),
        }
    }

    /// Half the width of the interval, if there is one.
    pub fn half_width(&self) -> Option<f64> {
        Some((self.ci95_high? - self.ci95_low?) / 2.0)
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
pub(crate) fn t_quantile_975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64).map_or(1.959_963_984_540_054, |t| t.inverse_cdf(0.975))
}

/// The scalar results of one replication for one scope (everyone, a port, or a class).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "ScalarsRecord", from = "ScalarsRecord")]
pub(crate) struct Scalars {
    /// People who joined the list.
    pub joined: f64,
    /// People who arrived but did not join.
    pub did_not_join: f64,
    /// People processed.
    pub processed: f64,
    /// People who left unprocessed.
    pub abandoned: f64,
    /// People still waiting at the horizon.
    pub waiting_at_end: f64,
    /// Wait of people processed: mean, p50, p90, p95, p99, max (days; NaN if nobody was processed).
    pub wait_days: [f64; 6],
    /// Mean time waited before leaving, days.
    pub abandoned_waited_days_mean: f64,
    /// Mean and longest time waited so far by people still waiting at the horizon, days.
    pub waiting_at_end_waited_days: [f64; 2],
    /// People who left, by outcome.
    pub abandoned_by_outcome: Vec<f64>,
    /// First day the list emptied (NaN if it never did; only for ports and the total).
    pub first_empty_day: f64,
    /// Longest list at a day's end (NaN for classes).
    pub peak_list: f64,
    /// Names on the list at the end of the run, including those of people who gave up but
    /// stay listed (NaN for classes).
    pub names_on_list: f64,
    /// Share of people processed who waited at all (NaN if nobody was processed).
    pub share_waited: f64,
    /// Share of people processed who waited more than each of the `share_over_days` given to
    /// [`Scalars::of`]: (days, share), in that order.
    pub share_over: Vec<(u32, f64)>,
}

/// [`Scalars`] as written in shard state: every number exact, NaN and infinities included.
#[derive(Serialize, Deserialize)]
struct ScalarsRecord {
    joined: F64,
    did_not_join: F64,
    processed: F64,
    abandoned: F64,
    waiting_at_end: F64,
    wait_days: [F64; 6],
    abandoned_waited_days_mean: F64,
    waiting_at_end_waited_days: [F64; 2],
    abandoned_by_outcome: Vec<F64>,
    first_empty_day: F64,
    peak_list: F64,
    names_on_list: F64,
    share_waited: F64,
    share_over: Vec<(u32, F64)>,
}

impl From<Scalars> for ScalarsRecord {
    fn from(s: Scalars) -> Self {
        ScalarsRecord {
            joined: F64(s.joined),
            did_not_join: F64(s.did_not_join),
            processed: F64(s.processed),
            abandoned: F64(s.abandoned),
            waiting_at_end: F64(s.waiting_at_end),
            wait_days: s.wait_days.map(F64),
            abandoned_waited_days_mean: F64(s.abandoned_waited_days_mean),
            waiting_at_end_waited_days: s.waiting_at_end_waited_days.map(F64),
            abandoned_by_outcome: exact::wrap(&s.abandoned_by_outcome),
            first_empty_day: F64(s.first_empty_day),
            peak_list: F64(s.peak_list),
            names_on_list: F64(s.names_on_list),
            share_waited: F64(s.share_waited),
            share_over: s
                .share_over
                .into_iter()
                .map(|(days, share)| (days, F64(share)))
                .collect(),
        }
    }
}

impl From<ScalarsRecord> for Scalars {
    fn from(r: ScalarsRecord) -> Self {
        Scalars {
            joined: r.joined.0,
            did_not_join: r.did_not_join.0,
            processed: r.processed.0,
            abandoned: r.abandoned.0,
            waiting_at_end: r.waiting_at_end.0,
            wait_days: r.wait_days.map(|value| value.0),
            abandoned_waited_days_mean: r.abandoned_waited_days_mean.0,
            waiting_at_end_waited_days: r.waiting_at_end_waited_days.map(|value| value.0),
            abandoned_by_outcome: exact::unwrap(&r.abandoned_by_outcome),
            first_empty_day: r.first_empty_day.0,
            peak_list: r.peak_list.0,
            names_on_list: r.names_on_list.0,
            share_waited: r.share_waited.0,
            share_over: r.share_over.into_iter().map(|(days, share)| (days, share.0)).collect(),
        }
    }
}

/// Names of the wait statistics, in the order of [`Scalars::wait_days`].
pub(crate) const WAIT_STATS: [&str; 6] = ["mean", "p50", "p90", "p95", "p99", "max"];

/// The quantiles of [`WAIT_STATS`] after the mean (the last is the maximum).
pub(crate) const WAIT_QUANTILES: [f64; 4] = [0.5, 0.9, 0.95, 0.99];

impl Scalars {
    /// Scalars of `people`, with the daily series of the same scope when it has one, and the
    /// shares of people processed who waited more than each of `share_over_days`.
    pub(crate) fn of(people: &PeopleStats, daily: Option<&DailySeries>, share_over_days: &[u32]) -> Scalars {
        let waits = &people.processed;
        let mut wait_days = [f64::NAN; 6];
        wait_days[0] = waits.mean_days();
        wait_days[1..5].copy_from_slice(&waits.quantiles_days(WAIT_QUANTILES));
        wait_days[5] = waits.max_days();
        let share = |days: f64| {
            if waits.people == 0 {
                f64::NAN
            } else {
                waits.count_above_days(days) as f64 / waits.people as f64
            }
        };
        Scalars {
            share_waited: share(0.0),
            share_over: share_over_days
                .iter()
                .map(|&days| (days, share(f64::from(days))))
                .collect(),
            joined: people.arrived as f64,
            did_not_join: people.did_not_join as f64,
            processed: waits.people as f64,
            abandoned: people.abandoned.people as f64,
            waiting_at_end: people.waiting_at_end.people as f64,
            wait_days,
            abandoned_waited_days_mean: people.abandoned.mean_days(),
            waiting_at_end_waited_days: [people.waiting_at_end.mean_days(), people.waiting_at_end.max_days()],
            abandoned_by_outcome: people.abandoned_by_outcome.iter().map(|&n| n as f64).collect(),
            first_empty_day: daily.and_then(DailySeries::first_empty_day).map_or(f64::NAN, f64::from),
            peak_list: daily.map_or(f64::NAN, |d| d.peak_list() as f64),
            names_on_list: daily.map_or(f64::NAN, |d| d.names_on_list.last().map_or(0.0, |&n| n as f64)),
        }
    }
}

/// Percentiles of the daily bands.
pub(crate) const BAND_PERCENTILES: [f64; 5] = [5.0, 25.0, 50.0, 75.0, 95.0];

/// The p-th percentile (0-100) of sorted values, by linear interpolation.
pub(crate) fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let rank = p / 100.0 * (n - 1) as f64;
            let low = rank.floor() as usize;
            let high = rank.ceil() as usize;
            let fraction = rank - low as f64;
            let (a, b) = (sorted[low], sorted[high]);
            if a == b || fraction == 0.0 {
                a
            } else {
                a + (b - a) * fraction
            }
        }
    }
}

/// Bands ([`BAND_PERCENTILES`]) of one daily quantity across replications, one row per day.
/// Infinite values (an undefined quoted wait) sort last; a band that lands on one is infinite.
pub(crate) fn daily_bands(per_replication: &[Vec<f64>]) -> Vec<[f64; 5]> {
    let days = per_replication.first().map_or(0, Vec::len);
    let mut column = Vec::with_capacity(per_replication.len());
    (0..days)
        .map(|day| {
            column.clear();
            column.extend(per_replication.iter().map(|series| series[day]));
            column.sort_by(f64::total_cmp);
            BAND_PERCENTILES.map(|p| percentile_sorted(&column, p))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_interval_matches_tables() {
        assert!((t_quantile_975(1) - 12.706).abs() < 1e-3);
        assert!((t_quantile_975(10) - 2.228).abs() < 1e-3);
        let estimate = Estimate::from_values(&[1.0, 2.0, 3.0, f64::NAN]);
        assert_eq!(estimate.mean, Some(2.0));
        let half = estimate.half_width().unwrap();
        assert!((half - 4.303 * (1.0f64 / 3.0).sqrt()).abs() < 1e-3);
        assert_eq!(Estimate::from_values(&[5.0]).ci95_low, None);
        assert_eq!(Estimate::from_values(&[]).mean, None);
    }

    #[test]
    fn percentiles_interpolate() {
        let sorted = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile_sorted(&sorted, 50.0), 3.0);
        assert_eq!(percentile_sorted(&sorted, 25.0), 2.0);
        assert!((percentile_sorted(&sorted, 5.0) - 1.2).abs() < 1e-12);
        let bands = daily_bands(&[vec![1.0, f64::INFINITY], vec![3.0, f64::INFINITY]]);
        assert_eq!(bands[0][2], 2.0);
        assert!(bands[1][2].is_infinite());
    }
}
