//! Validated probability distributions, sampled without allocation or dynamic dispatch.

use rand::Rng;
use rand::distr::Distribution;
use rand::distr::Uniform;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Exp1, Gamma, LogNormal, Normal, Open01, StandardNormal, Triangular};

/// A distribution of a non-negative quantity (days, or people per group).
#[derive(Debug, Clone)]
pub(crate) enum Dist {
    /// Always the same value.
    Fixed(f64),
    /// Exponential with the given mean.
    Exponential {
        /// What a standard exponential draw is multiplied by: 1 / (1 / mean), computed as
        /// `rand_distr::Exp::new(1 / mean)` does, so that draws are bit for bit its draws.
        scale: f64,
        /// Its mean.
        mean: f64,
    },
    /// Uniform on [min, max).
    Uniform {
        /// The sampler.
        uniform: Uniform<f64>,
        /// Its mean.
        mean: f64,
    },
    /// Triangular on [min, max] with a mode.
    Triangular {
        /// The sampler.
        triangular: Triangular<f64>,
        /// Its mean.
        mean: f64,
    },
    /// Normal truncated at 0 (values below 0 are drawn again; needs mean > 0).
    TruncatedNormal {
        /// The untruncated normal.
        normal: Normal<f64>,
        /// Mean of the truncated distribution.
        mean: f64,
    },
    /// Lognormal with the given mean and standard deviation (of the value, not its log).
    LogNormal {
        /// The sampler.
        lognormal: LogNormal<f64>,
        /// Its mean.
        mean: f64,
    },
    /// Gamma with shape and scale.
    Gamma {
        /// The sampler.
        gamma: Gamma<f64>,
        /// The same sampler, inlined, when the shape is above 1 (the common case).
        large: Option<GammaLargeShape>,
        /// Its mean.
        mean: f64,
    },
    /// Values with weights.
    Empirical {
        /// The values.
        values: Vec<f64>,
        /// Index sampler by weight.
        index: WeightedIndex<f64>,
        /// Weighted mean.
        mean: f64,
    },
}

/// `rand_distr`'s gamma sampler for a shape above 1 (Marsaglia and Tsang's method), copied
/// so that it inlines at the engine's call sites: the same constants computed the same way,
/// the same random numbers drawn in the same order, so its draws are `Gamma`'s bit for bit
/// (tested). `Gamma` keeps its own copy private.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GammaLargeShape {
    /// The shape minus 1/3.
    d: f64,
    /// 1 / sqrt(9 d).
    c: f64,
    /// What an unscaled draw is multiplied by: d · scale.
    d_scale: f64,
}

impl GammaLargeShape {
    fn new(shape: f64, scale: f64) -> Self {
        let d = shape - 1. / 3.;
        GammaLargeShape {
            d,
            c: 1.0 / (9.0 * d).sqrt(),
            d_scale: d * scale,
        }
    }

    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        loop {
            let x: f64 = Distribution::<f64>::sample(&StandardNormal, rng);
            let v_cbrt = 1.0 + self.c * x;
            if v_cbrt <= 0.0 {
                continue;
            }
            let v = v_cbrt * v_cbrt * v_cbrt;
            let u: f64 = Distribution::<f64>::sample(&Open01, rng);
            let x_sqr = x * x;
            if u < 1.0 - 0.0331 * x_sqr * x_sqr || self.accepts_slowly(u, x_sqr, v) {
                return v * self.d_scale;
            }
        }
    }

    /// The acceptance test past the squeeze (about 1 draw in 50 for shapes above 1).
    #[cold]
    #[inline(never)]
    fn accepts_slowly(&self, u: f64, x_sqr: f64, v: f64) -> bool {
        u.ln() < 0.5 * x_sqr + self.d * (1.0 - v + v.ln())
    }
}

impl Dist {
    /// Draws one value (never negative).
    #[inline(always)]
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // The common cases inline at the engine's call sites; the rest out of line.
        match self {
            Dist::Fixed(value) => *value,
            Dist::Exponential { scale, .. } => Dist::standard_exponential(rng) * scale,
            Dist::Gamma { large: Some(large), .. } => large.sample(rng),
            other => other.sample_other(rng),
        }
    }

    /// The gamma distribution with `shape` and `scale` (both positive and finite).
    pub(crate) fn gamma(shape: f64, scale: f64) -> Result<Dist, rand_distr::GammaError> {
        Ok(Dist::Gamma {
            gamma: Gamma::new(shape, scale)?,
            large: (shape > 1.0).then(|| GammaLargeShape::new(shape, scale)),
            mean: shape * scale,
        })
    }

    /// A draw of the exponential with mean 1; [`Dist::Exponential`] multiplies it by its
    /// `scale`.
    #[inline(always)]
    pub(crate) fn standard_exponential<R: Rng + ?Sized>(rng: &mut R) -> f64 {
        Distribution::<f64>::sample(&Exp1, rng)
    }

    /// [`Dist::sample`] out of line, for call sites where inlining even the common cases
    /// would cost the surrounding loop more than the call.
    #[inline(never)]
    pub(crate) fn sample_other<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed(value) => *value,
            Dist::Exponential { scale, .. } => Dist::standard_exponential(rng) * scale,
            Dist::Uniform { uniform, .. } => uniform.sample(rng),
            Dist::Triangular { triangular, .. } => triangular.sample(rng),
            Dist::TruncatedNormal { normal, .. } => loop {
                let value = normal.sample(rng);
                if value >= 0.0 {
                    break value;
                }
            },
            Dist::LogNormal { lognormal, .. } => lognormal.sample(rng),
            Dist::Gamma { gamma, .. } => gamma.sample(rng),
            Dist::Empirical { values, index, .. } => values[index.sample(rng)],
        }
    }

    /// The mean of the distribution.
    pub(crate) fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(value) => *value,
            Dist::Exponential { mean, .. }
            | Dist::Uniform { mean, .. }
            | Dist::Triangular { mean, .. }
            | Dist::TruncatedNormal { mean, .. }
            | Dist::LogNormal { mean, .. }
            | Dist::Gamma { mean, .. }
            | Dist::Empirical { mean, .. } => *mean,
        }
    }

    /// Whether every value it can produce is a whole number (group sizes need this).
    pub(crate) fn is_integer_valued(&self) -> bool {
        match self {
            Dist::Fixed(value) => value.fract() == 0.0,
            Dist::Empirical { values, .. } => values.iter().all(|v| v.fract() == 0.0),
            _ => false,
        }
    }

    /// The largest value it can produce, if bounded.
    pub(crate) fn max_value(&self) -> Option<f64> {
        match self {
            Dist::Fixed(value) => Some(*value),
            Dist::Empirical { values, .. } => values.iter().copied().reduce(f64::max),
            _ => None,
        }
    }
}

/// Mean of a normal(mu, sigma) truncated to [0, inf).
pub(crate) fn truncated_normal_mean(mu: f64, sigma: f64) -> f64 {
    let alpha = -mu / sigma;
    let pdf = (-0.5 * alpha * alpha).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let tail = 0.5 * statrs::function::erf::erfc(alpha / std::f64::consts::SQRT_2);
    mu + sigma * pdf / tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// The exponential is sampled by hand (so that it inlines), with exactly the draws of
    /// `rand_distr::Exp`, which the published results were made with.
    #[test]
    fn exponential_draws_are_rand_distrs() {
        for mean in [1e-3, 0.1, 1.0, 1.0 / 3.0, 7.25, 60.0, 1e6] {
            let exp = rand_distr::Exp::new(1.0 / mean).unwrap();
            let dist = Dist::Exponential {
                scale: 1.0 / (1.0 / mean),
                mean,
            };
            let mut ours = Xoshiro256PlusPlus::seed_from_u64(11);
            let mut theirs = ours.clone();
            for _ in 0..10_000 {
                assert_eq!(
                    dist.sample(&mut ours).to_bits(),
                    exp.sample(&mut theirs).to_bits(),
                    "mean {mean}"
                );
            }
        }
    }

    /// The gamma with a shape above 1 is sampled by an inlined copy of `rand_distr`'s
    /// sampler, with exactly its draws (and from the same point of the random stream on).
    #[test]
    fn gamma_draws_are_rand_distrs() {
        for (shape, scale) in [
            (3.0976, 34.09),
            (1.0 + 1e-9, 2.0),
            (1.5, 0.1),
            (4.0, 1.5),
            (250.0, 1e-3),
            (1.0, 3.0),
            (0.4, 5.0),
        ] {
            let gamma = Gamma::new(shape, scale).unwrap();
            let dist = Dist::gamma(shape, scale).unwrap();
            assert_eq!(matches!(dist, Dist::Gamma { large: Some(_), .. }), shape > 1.0);
            let mut ours = Xoshiro256PlusPlus::seed_from_u64(5);
            let mut theirs = ours.clone();
            for _ in 0..20_000 {
                assert_eq!(
                    dist.sample(&mut ours).to_bits(),
                    gamma.sample(&mut theirs).to_bits(),
                    "shape {shape}, scale {scale}"
                );
            }
            assert_eq!(ours, theirs, "the same random numbers used");
        }
    }

    #[test]
    fn truncated_normal_mean_matches_sampling() {
        let normal = Normal::new(1.0, 2.0).unwrap();
        let dist = Dist::TruncatedNormal {
            normal,
            mean: truncated_normal_mean(1.0, 2.0),
        };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 200_000;
        let samples: Vec<f64> = (0..n).map(|_| dist.sample(&mut rng)).collect();
        let mean = samples.iter().sum::<f64>() / n as f64;
        let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let half_width = 4.0 * (var / n as f64).sqrt();
        assert!((mean - dist.mean()).abs() < half_width, "{mean} vs {}", dist.mean());
        assert!(samples.iter().all(|&x| x >= 0.0));
    }
}
