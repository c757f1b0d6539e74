//! The Gaussian synthetic likelihood (Wood 2010): how likely the recorded figures are under a
//! scenario, judged from the spread of its simulated values.
//!
//! For each figure *i*, the *R* replications give simulated values with mean μᵢ and variance
//! sᵢ² (divisor *R* − 1). A new draw of the simulation differs from μᵢ by its own spread and by
//! the error of μᵢ as an estimate, so it varies by sᵢ²(1 + 1/*R*) around μᵢ. A recorded figure
//! also carries the recording error of its range, σᵢ = (high − low)/(2 · 1.96), read as a 95%
//! interval of a normal error (0 without a range). With
//! vᵢ = max(sᵢ²(1 + 1/*R*) + σᵢ², [`VARIANCE_FLOOR`]),
//!
//! log L = Σᵢ −½ [(xᵢ − μᵢ)² / vᵢ + ln vᵢ]
//!
//! (up to a constant), the figures taken as independent (a diagonal covariance).

use super::observations::Observation;

/// The smallest variance a figure is given, people²: the variance of a count's rounding to a
/// whole number (1/12), so that a figure every replication gives exactly still has a finite
/// likelihood.
pub const VARIANCE_FLOOR: f64 = 1.0 / 12.0;

/// Mean and variance of one figure's simulated values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Moments {
    /// Mean over replications.
    pub mean: f64,
    /// Sample variance over replications (divisor n − 1; 0 with one value).
    pub variance: f64,
    /// Replications.
    pub n: usize,
}

impl Moments {
    /// The moments of `values`.
    pub(crate) fn of(values: &[f64]) -> Moments {
        let n = values.len();
        if n == 0 {
            return Moments {
                mean: f64::NAN,
                variance: f64::NAN,
                n,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let variance = if n > 1 {
            values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64
        } else {
            0.0
        };
        Moments { mean, variance, n }
    }

    /// The variance a recorded figure with recording error `recording_sd` has around the mean:
    /// sᵢ²(1 + 1/R) + σᵢ², at least [`VARIANCE_FLOOR`].
    pub(crate) fn total_variance(&self, recording_sd: f64) -> f64 {
        let n = self.n.max(1) as f64;
        (self.variance * (1.0 + 1.0 / n) + recording_sd.powi(2)).max(VARIANCE_FLOOR)
    }

    /// The figure's term of the log-likelihood.
    pub(crate) fn log_likelihood(&self, observed: f64, recording_sd: f64) -> f64 {
        let variance = self.total_variance(recording_sd);
        -0.5 * ((observed - self.mean).powi(2) / variance + variance.ln())
    }

    /// How many standard deviations the figure lies above the simulated mean.
    pub(crate) fn z_score(&self, observed: f64, recording_sd: f64) -> f64 {
        (observed - self.mean) / self.total_variance(recording_sd).sqrt()
    }
}

/// The log-likelihood of the figures, given the moments of each one's simulated values.
pub(crate) fn log_likelihood(observations: &[Observation], moments: &[Moments]) -> f64 {
    observations
        .iter()
        .zip(moments)
        .map(|(observation, moments)| moments.log_likelihood(observation.value, observation.recording_sd()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_follow_the_formula() {
        let moments = Moments::of(&[8.0, 10.0, 12.0]);
        assert_eq!((moments.mean, moments.variance), (10.0, 4.0));
        // v = 4 (1 + 1/3) + 3² = 14.333…
        let v = 4.0 * (4.0 / 3.0) + 9.0;
        let expected = -0.5 * ((13.0f64 - 10.0).powi(2) / v + v.ln());
        assert!((moments.log_likelihood(13.0, 3.0) - expected).abs() < 1e-12);
        assert!((moments.z_score(13.0, 3.0) - 3.0 / v.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn a_figure_every_replication_gives_exactly_has_a_finite_likelihood() {
        let moments = Moments::of(&[5.0, 5.0, 5.0]);
        assert_eq!(moments.total_variance(0.0), VARIANCE_FLOOR);
        assert!(moments.log_likelihood(5.0, 0.0).is_finite());
        assert!(moments.log_likelihood(5.0, 0.0) > moments.log_likelihood(6.0, 0.0));
    }
}
