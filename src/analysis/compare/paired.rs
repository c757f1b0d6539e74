//! Comparisons: several scenarios run with the same replications, their metrics side by side,
//! and each one's paired difference from the first.

use crate::analysis::{Metric, Runs, paired_difference, unpaired_difference};
use crate::stats::summary::Estimate;

/// One metric across the compared scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    /// The metric.
    pub metric: Metric,
    /// Mean and 95% interval in each scenario.
    pub estimates: Vec<Estimate>,
    /// Each scenario after the first minus the first, replication by replication.
    pub paired: Vec<Estimate>,
    /// The same difference with Welch's interval, as independent runs would know it.
    pub unpaired: Vec<Estimate>,
}

/// Every metric across `runs` (one per scenario, the first is the baseline) but those
/// `left_out`.
pub(super) fn compare(runs: &[Runs], left_out: &[Metric]) -> Vec<MetricRow> {
    if runs.is_empty() {
        return Vec::new();
    }
    runs[0]
        .metrics()
        .into_iter()
        .filter(|metric| !left_out.contains(metric))
        .map(|metric| {
            let values: Vec<Vec<f64>> = runs.iter().map(|r| r.values(metric)).collect();
            let base = values.first().cloned().unwrap_or_default();
            MetricRow {
                metric,
                estimates: runs.iter().map(|r| r.estimate(metric)).collect(),
                paired: values[1..].iter().map(|v| paired_difference(&base, v)).collect(),
                unpaired: values[1..].iter().map(|v| unpaired_difference(&base, v)).collect(),
            }
        })
        .collect()
}

/// How many times narrower the paired interval is than the unpaired one (`None` when either
/// is missing or the paired one has no width).
pub(super) fn narrowing(paired: &Estimate, unpaired: &Estimate) -> Option<f64> {
    let (p, u) = (paired.half_width()?, unpaired.half_width()?);
    (p > 0.0).then(|| u / p)
}
