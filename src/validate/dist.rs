//! Distributions: from a bare number or a `{ dist = "…", … }` table to a [`Dist`].

use super::{ANY, Ctx, Hi, Lo, suggest};
use crate::model::Dist;
use crate::model::dist::truncated_normal_mean;
use crate::scenario::{RawDist, RawDistFields, S};
use rand::distr::Uniform;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{LogNormal, Normal, Triangular};
use std::ops::Range;

/// Distribution kinds and the fields each one takes.
const KINDS: [(&str, &[&str]); 8] = [
    ("fixed", &["value"]),
    ("exponential", &["mean"]),
    ("uniform", &["min", "max"]),
    ("triangular", &["min", "mode", "max"]),
    ("normal", &["mean", "sd"]),
    ("lognormal", &["mean", "sd"]),
    ("gamma", &["shape", "scale", "mean", "sd"]),
    ("empirical", &["values", "weights"]),
];

/// The fields that are present, with their names and spans.
fn present(fields: &RawDistFields) -> Vec<(&'static str, Range<usize>)> {
    let scalars = [
        ("value", &fields.value),
        ("mean", &fields.mean),
        ("sd", &fields.sd),
        ("min", &fields.min),
        ("mode", &fields.mode),
        ("max", &fields.max),
        ("shape", &fields.shape),
        ("scale", &fields.scale),
    ];
    let mut out: Vec<(&'static str, Range<usize>)> = scalars
        .iter()
        .filter_map(|(name, field)| field.as_ref().map(|f| (*name, f.span())))
        .collect();
    if let Some(values) = &fields.values {
        out.push(("values", values.span()));
    }
    if let Some(weights) = &fields.weights {
        out.push(("weights", weights.span()));
    }
    out
}

/// Validates a distribution; `key` is the scenario key it was written under (e.g. `patience_days`).
pub(crate) fn dist(ctx: &mut Ctx, raw: &RawDist, key: &str) -> Option<Dist> {
    let fields = &raw.fields;
    let names: Vec<&str> = KINDS.iter().map(|(name, _)| *name).collect();
    let Some(kind) = &fields.dist else {
        ctx.error_help(
            raw.span.clone(),
            format!("`{key}` needs `dist = \"…\"` to say which distribution it is"),
            format!(
                "`dist` can be {}; or write a plain number for a fixed value",
                suggest::quoted_list(&names)
            ),
        );
        return None;
    };
    let Some((kind, allowed)) = KINDS.iter().find(|(name, _)| name == kind.get_ref()) else {
        ctx.error_help(
            kind.span(),
            format!("`{}` is not a distribution this tool knows", kind.get_ref()),
            suggest::help(kind.get_ref(), &names, "`dist` can be"),
        );
        return None;
    };
    let mut ok = true;
    for (name, span) in present(fields) {
        if !allowed.contains(&name) {
            ctx.error_help(
                span,
                format!("`{name}` is not used by {kind} distributions"),
                format!("a {kind} distribution takes {}", suggest::quoted_list(allowed)),
            );
            ok = false;
        }
    }
    if ok {
        ok = within_largest(ctx, raw, key);
    }
    let mut d = DistCtx { ctx, raw, key, kind };
    let dist = match *kind {
        "fixed" => d.fixed(),
        "exponential" => d.exponential(),
        "uniform" => d.uniform(),
        "triangular" => d.triangular(),
        "normal" => d.normal(),
        "lognormal" => d.lognormal(),
        "gamma" => d.gamma(),
        _ => d.empirical(),
    };
    let dist = dist.filter(|_| ok)?;
    if dist.mean() > LARGEST {
        let unit = unit(key);
        ctx.error_help(
            raw.span.clone(),
            format!(
                "the mean of `{key}` is {:e}{unit}, more than the largest allowed, {}{unit}",
                dist.mean(),
                super::group_thousands(LARGEST)
            ),
            "make the parameters smaller",
        );
        return None;
    }
    Some(dist)
}

/// Largest value, mean or spread of a distribution: the longest horizon, 10,000,000 days
/// (about 27,000 years). Durations beyond it cannot be simulated (times would overflow).
const LARGEST: f64 = super::MAX_HORIZON;

/// " days" for a key measured in days.
fn unit(key: &str) -> &'static str {
    if key.ends_with("_days") { " days" } else { "" }
}

/// Reports finite parameters larger than [`LARGEST`]; infinite ones are reported as not finite
/// by the checks of each kind. A gamma's `shape`, the `weights` and an `sd` are not durations:
/// a distribution whose mean they make too large is reported once it is built.
fn within_largest(ctx: &mut Ctx, raw: &RawDist, key: &str) -> bool {
    let f = &raw.fields;
    let scalars = [
        ("value", &f.value),
        ("mean", &f.mean),
        ("min", &f.min),
        ("mode", &f.mode),
        ("max", &f.max),
        ("scale", &f.scale),
    ];
    let mut too_large: Vec<(String, Range<usize>, String)> = Vec::new();
    for (name, field) in scalars {
        if let Some(field) = field
            && field.get_ref().is_finite()
            && *field.get_ref() > LARGEST
        {
            let name = if field.span() == raw.span { key } else { name };
            too_large.push((name.to_owned(), field.span(), ctx.written(field.span())));
        }
    }
    if let Some(values) = &f.values
        && let Some(largest) = values
            .get_ref()
            .iter()
            .copied()
            .filter(|v| v.is_finite() && *v > LARGEST)
            .reduce(f64::max)
    {
        too_large.push(("values".to_owned(), values.span(), format!("{largest}")));
    }
    let unit = unit(key);
    for (name, span, written) in &too_large {
        ctx.error_help(
            span.clone(),
            format!(
                "`{name}` must be at most {}{unit}, found `{written}`",
                super::group_thousands(LARGEST)
            ),
            format!(
                "{}{unit} is the longest that can be simulated (about 27,000 years)",
                super::group_thousands(LARGEST)
            ),
        );
    }
    too_large.is_empty()
}

struct DistCtx<'c, 'a, 'r> {
    ctx: &'c mut Ctx<'a>,
    raw: &'r RawDist,
    key: &'r str,
    kind: &'static str,
}

impl DistCtx<'_, '_, '_> {
    /// The name to use in messages for a field: the scenario key for a bare number.
    fn name(&self, field: &'static str, value: &S<f64>) -> String {
        if value.span() == self.raw.span {
            self.key.to_owned()
        } else {
            field.to_owned()
        }
    }

    /// A required numeric field.
    fn need(&mut self, field: &'static str, value: &Option<S<f64>>, lo: Lo, hi: Hi) -> Option<f64> {
        match value {
            Some(value) => {
                let name = self.name(field, value);
                self.ctx.check(value, &name, ANY, lo, hi)
            }
            None => {
                self.ctx.error(
                    self.raw.span.clone(),
                    format!("`{}`: a {} distribution needs `{field}`", self.key, self.kind),
                );
                None
            }
        }
    }

    fn invalid(&mut self, error: impl std::fmt::Display) -> Option<Dist> {
        self.ctx.error(
            self.raw.span.clone(),
            format!("`{}` is not a valid {} distribution: {error}", self.key, self.kind),
        );
        None
    }

    fn fixed(&mut self) -> Option<Dist> {
        let raw = self.raw;
        let value = self.need("value", &raw.fields.value, Lo::Incl(0.0), Hi::None)?;
        Some(Dist::Fixed(value))
    }

    fn exponential(&mut self) -> Option<Dist> {
        let raw = self.raw;
        let mean = self.need("mean", &raw.fields.mean, Lo::Excl(0.0), Hi::None)?;
        let rate = 1.0 / mean;
        if !rate.is_finite() {
            return self.invalid("the mean is too small");
        }
        Some(Dist::Exponential {
            scale: 1.0 / rate,
            mean,
        })
    }

    fn uniform(&mut self) -> Option<Dist> {
        let raw = self.raw;
        let min = self.need("min", &raw.fields.min, Lo::Incl(0.0), Hi::None);
        let max = self.need("max", &raw.fields.max, Lo::Incl(0.0), Hi::None);
        let (min, max) = (min?, max?);
        if min >= max {
            let span = self.raw.fields.max.as_ref().map_or(self.raw.span.clone(), S::span);
            self.ctx
                .error(span, format!("`max` ({max}) must be greater than `min` ({min})"));
            return None;
        }
        match Uniform::new(min, max) {
            Ok(uniform) => Some(Dist::Uniform {
                uniform,
                mean: (min + max) / 2.0,
            }),
            Err(error) => self.invalid(error),
        }
    }

    fn triangular(&mut self) -> Option<Dist> {
        let raw = self.raw;
        let min = self.need("min", &raw.fields.min, Lo::Incl(0.0), Hi::None);
        let mode = self.need("mode", &raw.fields.mode, Lo::Incl(0.0), Hi::None);
        let max = self.need("max", &raw.fields.max, Lo::Incl(0.0), Hi::None);
        let (min, mode, max) = (min?, mode?, max?);
        if min >= max {
            let span = self.raw.fields.max.as_ref().map_or(self.raw.span.clone(), S::span);
            self.ctx
                .error(span, format!("`max` ({max}) must be greater than `min` ({min})"));
            return None;
        }
        if mode < min || mode > max {
            let span = self.raw.fields.mode.as_ref().map_or(self.raw.span.clone(), S::span);
            self.ctx.error(
                span,
                format!("`mode` ({mode}) must be between `min` ({min}) and `max` ({max})"),
            );
            return None;
        }
        match Triangular::new(min, max, mode) {
            Ok(triangular) => Some(Dist::Triangular {
                triangular,
                mean: (min + mode + max) / 3.0,
            }),
            Err(error) => self.invalid(error),
        }
    }

    fn mean_sd(&mut self) -> Option<(f64, f64)> {
        let raw = self.raw;
        let mean = self.need("mean", &raw.fields.mean, Lo::Excl(0.0), Hi::None);
        let sd = self.need("sd", &raw.fields.sd, Lo::Excl(0.0), Hi::None);
        Some((mean?, sd?))
    }

    fn normal(&mut self) -> Option<Dist> {
        let (mean, sd) = self.mean_sd()?;
        let truncated_mean = truncated_normal_mean(mean, sd);
        if !truncated_mean.is_finite() {
            return self.invalid("the mean and standard deviation are too extreme");
        }
        match Normal::new(mean, sd) {
            Ok(normal) => Some(Dist::TruncatedNormal {
                normal,
                mean: truncated_mean,
            }),
            Err(error) => self.invalid(error),
        }
    }

    fn lognormal(&mut self) -> Option<Dist> {
        let (mean, sd) = self.mean_sd()?;
        let variance = (1.0 + (sd / mean).powi(2)).ln();
        let sigma = variance.sqrt();
        let mu = mean.ln() - variance / 2.0;
        if !(sigma.is_finite() && mu.is_finite()) {
            return self.invalid("the mean and standard deviation are too extreme");
        }
        match LogNormal::new(mu, sigma) {
            Ok(lognormal) => Some(Dist::LogNormal { lognormal, mean }),
            Err(error) => self.invalid(error),
        }
    }

    fn gamma(&mut self) -> Option<Dist> {
        let raw = self.raw;
        let f = &raw.fields;
        let by_shape = f.shape.is_some() || f.scale.is_some();
        let by_mean = f.mean.is_some() || f.sd.is_some();
        let (shape, scale) = match (by_shape, by_mean) {
            (true, true) => {
                self.ctx.error_help(
                    self.raw.span.clone(),
                    format!(
                        "`{}`: a gamma distribution takes either `shape` and `scale`, or `mean` and `sd`, not both",
                        self.key
                    ),
                    "keep one pair and remove the other",
                );
                return None;
            }
            (false, true) => {
                let (mean, sd) = self.mean_sd()?;
                ((mean / sd).powi(2), sd * sd / mean)
            }
            (_, false) => {
                let shape = self.need("shape", &f.shape, Lo::Excl(0.0), Hi::None);
                let scale = self.need("scale", &f.scale, Lo::Excl(0.0), Hi::None);
                (shape?, scale?)
            }
        };
        let mean = shape * scale;
        if !(shape.is_finite() && scale.is_finite() && mean.is_finite() && shape > 0.0 && scale > 0.0) {
            return self.invalid("the parameters are too extreme");
        }
        match Dist::gamma(shape, scale) {
            Ok(gamma) => Some(gamma),
            Err(error) => self.invalid(error),
        }
    }

    fn empirical(&mut self) -> Option<Dist> {
        let Some(values) = &self.raw.fields.values else {
            self.ctx.error_help(
                self.raw.span.clone(),
                format!("`{}`: an empirical distribution needs `values`", self.key),
                "e.g. `{ dist = \"empirical\", values = [1, 2, 4], weights = [5, 3, 1] }`",
            );
            return None;
        };
        let list = values.get_ref();
        if list.is_empty() {
            self.ctx.error(values.span(), "`values` must list at least one value");
            return None;
        }
        if let Some((i, bad)) = list.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
            self.ctx.error(
                values.span(),
                format!(
                    "`values` must be finite numbers of at least 0, but value {} is {bad}",
                    i + 1
                ),
            );
            return None;
        }
        let weights = match &self.raw.fields.weights {
            None => vec![1.0; list.len()],
            Some(weights) => {
                let w = weights.get_ref();
                if w.len() != list.len() {
                    self.ctx.error(
                        weights.span(),
                        format!(
                            "`weights` has {} entries but `values` has {}; give one weight per value",
                            w.len(),
                            list.len()
                        ),
                    );
                    return None;
                }
                if let Some((i, bad)) = w.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
                    self.ctx.error(
                        weights.span(),
                        format!(
                            "`weights` must be finite numbers of at least 0, but weight {} is {bad}",
                            i + 1
                        ),
                    );
                    return None;
                }
                let total: f64 = w.iter().sum();
                if total.is_infinite() {
                    self.ctx.error_help(
                        weights.span(),
                        "the `weights` add up to more than the largest number backlog can hold",
                        "only their proportions matter: divide them all by the same number, e.g. write [1, 1] for [1e308, 1e308]",
                    );
                    return None;
                }
                if total <= 0.0 {
                    self.ctx.error(weights.span(), "`weights` must not all be 0");
                    return None;
                }
                w.clone()
            }
        };
        let total: f64 = weights.iter().sum();
        let mean = list.iter().zip(&weights).map(|(v, w)| v * w).sum::<f64>() / total;
        if !mean.is_finite() {
            return self.invalid("the values are too large");
        }
        match WeightedIndex::new(&weights) {
            Ok(index) => Some(Dist::Empirical {
                values: list.clone(),
                index,
                mean,
            }),
            Err(error) => self.invalid(error),
        }
    }
}

/// An empirical distribution of whole values with counts (e.g. group sizes read from a file);
/// a single value becomes a fixed distribution.
pub(crate) fn from_counts(counts: &std::collections::BTreeMap<u32, u64>) -> Option<Dist> {
    if let [(value, _)] = counts.iter().collect::<Vec<_>>().as_slice() {
        return Some(Dist::Fixed(f64::from(**value)));
    }
    let values: Vec<f64> = counts.keys().map(|&v| f64::from(v)).collect();
    let weights: Vec<f64> = counts.values().map(|&c| c as f64).collect();
    let total: f64 = weights.iter().sum();
    let mean = values.iter().zip(&weights).map(|(v, w)| v * w).sum::<f64>() / total;
    let index = WeightedIndex::new(&weights).ok()?;
    Some(Dist::Empirical { values, index, mean })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SourceFile;
    use rand_distr::Gamma;
    use std::path::Path;

    #[derive(serde::Deserialize)]
    struct Holder {
        d: RawDist,
    }

    /// Validates `d = <text>`; returns the distribution or the diagnostics' messages and positions.
    /// Messages and positions of diagnostics.
    type Found = Vec<(String, (usize, usize))>;

    fn parse(text: &str) -> Result<Dist, Found> {
        let full = format!("d = {text}\n");
        let holder: Holder = toml::from_str(&full).expect("test input parses");
        let source = SourceFile {
            name: "t.toml".into(),
            text: full.as_str().into(),
        };
        let mut ctx = Ctx::new(&source, Path::new(""));
        let dist = dist(&mut ctx, &holder.d, "service_days");
        match dist {
            Some(dist) if ctx.diagnostics.is_empty() => Ok(dist),
            _ => Err(ctx
                .diagnostics
                .iter()
                .map(|d| (d.message.clone(), d.line_col().unwrap_or((0, 0))))
                .collect()),
        }
    }

    fn err(text: &str) -> Found {
        match parse(text) {
            Ok(dist) => panic!("{text} was accepted as {dist:?}"),
            Err(errors) => errors,
        }
    }

    #[test]
    fn bare_number_is_fixed() {
        let Ok(Dist::Fixed(v)) = parse("2.5") else { panic!() };
        assert_eq!(v, 2.5);
        let e = err("-1");
        assert_eq!(e[0].1, (1, 5));
        assert!(
            e[0].0
                .contains("`service_days` must be a number of at least 0, found `-1`"),
            "{e:?}"
        );
        let e = err("nan");
        assert!(e[0].0.contains("must be a finite number"), "{e:?}");
    }

    #[test]
    fn each_kind() {
        let Ok(Dist::Fixed(v)) = parse("{ dist = \"fixed\", value = 3 }") else {
            panic!()
        };
        assert_eq!(v, 3.0);
        let d = parse("{ dist = \"exponential\", mean = 60 }").unwrap();
        assert!(matches!(d, Dist::Exponential { .. }) && d.mean() == 60.0);
        let d = parse("{ dist = \"uniform\", min = 2, max = 4 }").unwrap();
        assert!(matches!(d, Dist::Uniform { .. }) && d.mean() == 3.0);
        let d = parse("{ dist = \"triangular\", min = 0, mode = 3, max = 6 }").unwrap();
        assert!(matches!(d, Dist::Triangular { .. }) && d.mean() == 3.0);
        let d = parse("{ dist = \"normal\", mean = 10, sd = 2 }").unwrap();
        assert!(matches!(d, Dist::TruncatedNormal { .. }) && (d.mean() - 10.0).abs() < 1e-4);
        let d = parse("{ dist = \"lognormal\", mean = 10, sd = 5 }").unwrap();
        let Dist::LogNormal { lognormal, mean } = &d else {
            panic!()
        };
        assert_eq!(*mean, 10.0);
        let sigma2 = (1.25f64).ln();
        let expected = LogNormal::new(10f64.ln() - sigma2 / 2.0, sigma2.sqrt()).unwrap();
        assert_eq!(format!("{lognormal:?}"), format!("{expected:?}"));
        let d = parse("{ dist = \"gamma\", shape = 2, scale = 3 }").unwrap();
        assert!(matches!(d, Dist::Gamma { .. }) && d.mean() == 6.0);
        let d = parse("{ dist = \"gamma\", mean = 6, sd = 3 }").unwrap();
        let Dist::Gamma { gamma, mean, .. } = &d else { panic!() };
        assert_eq!(*mean, 6.0);
        assert_eq!(format!("{gamma:?}"), format!("{:?}", Gamma::new(4.0, 1.5).unwrap()));
        let d = parse("{ dist = \"empirical\", values = [1, 3], weights = [3, 1] }").unwrap();
        assert!(matches!(d, Dist::Empirical { .. }) && d.mean() == 1.5 && d.is_integer_valued());
        let d = parse("{ dist = \"empirical\", values = [1, 2] }").unwrap();
        assert_eq!(d.mean(), 1.5);
    }

    #[test]
    fn errors_point_at_the_field() {
        let e = err("{ dist = \"exponential\", mean = 60, sd = 3 }");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "`sd` is not used by exponential distributions");
        assert_eq!(e[0].1, (1, 45));
        let e = err("{ dist = \"expnential\", mean = 60 }");
        assert_eq!(e[0].1, (1, 14));
        let e = err("{ mean = 60 }");
        assert!(e[0].0.contains("needs `dist"), "{e:?}");
        let e = err("{ dist = \"exponential\" }");
        assert!(e[0].0.contains("needs `mean`"), "{e:?}");
        let e = err("{ dist = \"exponential\", mean = 0 }");
        assert_eq!(e[0].0, "`mean` must be a number greater than 0, found `0`");
        assert_eq!(e[0].1, (1, 36));
        assert!(
            err("{ dist = \"uniform\", min = 4, max = 4 }")[0]
                .0
                .contains("greater than `min`")
        );
        assert!(
            err("{ dist = \"uniform\", min = -1, max = 4 }")[0]
                .0
                .contains("at least 0")
        );
        assert!(
            err("{ dist = \"triangular\", min = 1, mode = 5, max = 4 }")[0]
                .0
                .contains("between")
        );
        assert!(err("{ dist = \"normal\", mean = 1, sd = 0 }")[0].0.contains("`sd`"));
        assert!(
            err("{ dist = \"lognormal\", mean = -1, sd = 1 }")[0]
                .0
                .contains("`mean`")
        );
        assert!(err("{ dist = \"gamma\", mean = 1, scale = 1 }")[0].0.contains("either"));
        assert!(err("{ dist = \"gamma\", shape = 1 }")[0].0.contains("needs `scale`"));
        assert!(
            err("{ dist = \"empirical\", values = [] }")[0]
                .0
                .contains("at least one")
        );
        assert!(
            err("{ dist = \"empirical\", values = [1, -2] }")[0]
                .0
                .contains("value 2 is -2")
        );
        assert!(
            err("{ dist = \"empirical\", values = [1, 2], weights = [1] }")[0]
                .0
                .contains("one weight per value")
        );
        assert!(
            err("{ dist = \"empirical\", values = [1, 2], weights = [0, 0] }")[0]
                .0
                .contains("not all be 0")
        );
        assert!(
            err("{ dist = \"empirical\", values = [1, 2], weights = [1, -1] }")[0]
                .0
                .contains("weight 2")
        );
        assert!(
            err("{ dist = \"empirical\", values = [1, inf] }")[0]
                .0
                .contains("finite")
        );
        assert!(
            err("{ dist = \"exponential\", mean = 1e-320 }")[0]
                .0
                .contains("too small")
        );
        assert!(
            err("{ dist = \"lognormal\", mean = 1e-300, sd = 1e300 }")[0]
                .0
                .contains("too extreme")
        );
    }

    #[test]
    fn durations_beyond_the_longest_horizon() {
        let e = err("1e300");
        assert_eq!(e[0].0, "`service_days` must be at most 10,000,000 days, found `1e300`");
        let e = err("{ dist = \"uniform\", min = 0, max = 2e7 }");
        assert_eq!(e[0].0, "`max` must be at most 10,000,000 days, found `2e7`");
        assert_eq!(e[0].1, (1, 40));
        let e = err("{ dist = \"gamma\", shape = 1e300, scale = 1 }");
        assert!(e[0].0.starts_with("the mean of `service_days` is 1e300 days"), "{e:?}");
        assert!(parse("10000000").is_ok());
        assert!(parse("{ dist = \"exponential\", mean = 1e7 }").is_ok());
    }

    #[test]
    fn counts_to_dist() {
        let mut counts = std::collections::BTreeMap::new();
        counts.insert(2, 3);
        assert!(matches!(from_counts(&counts), Some(Dist::Fixed(2.0))));
        counts.insert(4, 1);
        let d = from_counts(&counts).unwrap();
        assert_eq!(d.mean(), 2.5);
        assert!(d.is_integer_valued());
    }
}
