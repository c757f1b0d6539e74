//! Data marks on a laid-out plot: lines, bands and stacked areas over x, with undefined values
//! (NaN) breaking them and infinite values drawn at the edge of the axis.

use super::canvas::{Canvas, Drawn};
use super::layout::{Plot, Scale};
use crate::results::Band;
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// Splits points into runs where `keep` holds.
fn runs<T: Copy>(points: &[T], keep: impl Fn(&T) -> bool) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for point in points {
        if keep(point) {
            run.push(*point);
        } else if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// Removes consecutive duplicate pixels (keeps files small when many days share a pixel column).
fn dedup(points: Vec<(i32, i32)>) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(points.len());
    for point in points {
        if out.last() != Some(&point) {
            out.push(point);
        }
    }
    out
}

/// Days per point when a run has too many days to draw one by one.
const BUCKETS: [usize; 12] = [1, 2, 5, 7, 10, 14, 30, 60, 91, 182, 365, 730];

/// Days per point so that points are at least about 2 pixels apart.
pub(super) fn bucket_days(days: usize, width_px: i32) -> usize {
    let most = (width_px / 2).max(1) as usize;
    BUCKETS
        .iter()
        .copied()
        .find(|&b| days.div_ceil(b) <= most)
        .unwrap_or_else(|| days.div_ceil(most).div_ceil(365) * 365)
}

/// Mean of the finite values; infinite when all defined values are infinite, NaN when none is
/// defined.
fn bucket_mean(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut n, mut infinite) = (0.0, 0usize, false);
    for v in values {
        if v.is_finite() {
            sum += v;
            n += 1;
        } else if v.is_infinite() {
            infinite = true;
        }
    }
    if n > 0 {
        sum / n as f64
    } else if infinite {
        f64::INFINITY
    } else {
        f64::NAN
    }
}

/// Daily bands as points on a day axis (day d's value at d + 1, the end of the day), averaged
/// over `bucket` rows at a time when `bucket` > 1; each row covers `row_days` days.
pub(super) fn daily_points(bands: &[Band], bucket: usize, row_days: u32) -> Vec<(f64, Band)> {
    let bucket = bucket.max(1);
    let row_days = f64::from(row_days.max(1));
    bands
        .chunks(bucket)
        .enumerate()
        .map(|(i, chunk)| {
            let first = i * bucket;
            let x = if bucket == 1 {
                first as f64 + 1.0
            } else {
                first as f64 + chunk.len() as f64 / 2.0 + 0.5
            };
            let mean = |pick: fn(&Band) -> f64| bucket_mean(chunk.iter().map(pick));
            let band = Band {
                mean: mean(|b| b.mean),
                p5: mean(|b| b.p5),
                p25: mean(|b| b.p25),
                p50: mean(|b| b.p50),
                p75: mean(|b| b.p75),
                p95: mean(|b| b.p95),
            };
            (x * row_days, band)
        })
        .collect()
}

/// The note on a chart whose points stand for several days: `bucket` rows of `row_days` days.
pub(super) fn bucket_note(bucket: usize, row_days: u32) -> Option<String> {
    match (bucket > 1, row_days > 1) {
        (false, false) => None,
        (true, false) => Some(format!(
            "Each point is the average of {bucket} days (too many days to draw one by one)."
        )),
        (false, true) => Some(format!(
            "Each point covers {row_days} days: runs this long keep their daily counts in steps of {row_days} days."
        )),
        (true, true) => Some(format!(
            "Each point is the average of {} days (runs this long keep their daily counts in steps of {row_days} days).",
            bucket * row_days as usize
        )),
    }
}

/// A line through `(x, y)` points; breaks where y is not finite.
pub(super) fn line<DB: DrawingBackend>(
    c: &Canvas<DB>,
    plot: &Plot,
    y_scale: Scale,
    points: &[(f64, f64)],
    color: RGBColor,
    width: f64,
) -> Drawn {
    for run in runs(points, |(_, y)| y.is_finite()) {
        let pixels = dedup(
            run.iter()
                .map(|&(x, y)| (plot.x.clamped(x), y_scale.clamped(y)))
                .collect(),
        );
        if pixels.len() == 1 {
            let (x, y) = pixels[0];
            c.line(&[(x - c.px(1.5), y), (x + c.px(1.5), y)], color, width)?;
        } else {
            c.line(&pixels, color, width)?;
        }
    }
    Ok(())
}

/// A band between `low` and `high` over x; breaks where either is NaN (infinite values reach
/// the edge of the axis).
pub(super) fn band<DB: DrawingBackend>(
    c: &Canvas<DB>,
    plot: &Plot,
    points: &[(f64, f64, f64)],
    color: RGBColor,
    alpha: f64,
) -> Drawn {
    for run in runs(points, |(_, low, high)| !low.is_nan() && !high.is_nan()) {
        let mut polygon: Vec<(i32, i32)> = run
            .iter()
            .map(|&(x, _, high)| (plot.x.clamped(x), plot.y.clamped(high)))
            .collect();
        polygon.extend(
            run.iter()
                .rev()
                .map(|&(x, low, _)| (plot.x.clamped(x), plot.y.clamped(low))),
        );
        let polygon = dedup(polygon);
        if polygon.len() >= 3 {
            c.polygon(polygon, color, alpha)?;
        }
    }
    Ok(())
}

/// Stacked areas: `layers[k][i]` is the thickness of layer k at `xs[i]`, bottom layer first.
pub(super) fn stacked<DB: DrawingBackend>(
    c: &Canvas<DB>,
    plot: &Plot,
    xs: &[f64],
    layers: &[(&[f64], RGBColor)],
) -> Drawn {
    let mut base = vec![0.0; xs.len()];
    for (values, color) in layers {
        let top: Vec<f64> = base.iter().zip(values.iter()).map(|(b, v)| b + v).collect();
        let points: Vec<(f64, f64, f64)> = xs
            .iter()
            .zip(base.iter().zip(&top))
            .map(|(&x, (&low, &high))| (x, low, high))
            .collect();
        band(c, plot, &points, *color, 1.0)?;
        base = top;
    }
    Ok(())
}

/// Whether intervals `(low, high)` on a vertical axis from 0 to `y_max` show on a plot about
/// `plot_height` pixels tall beside a mark `covered` pixels tall (a line's width, a dot): a band
/// or bar hidden behind its line must not be promised in a legend.
pub(super) fn interval_shows(
    intervals: impl IntoIterator<Item = (f64, f64)>,
    y_max: f64,
    plot_height: i32,
    covered: i32,
) -> bool {
    if y_max.is_nan() || y_max <= 0.0 {
        return false;
    }
    let widest = intervals
        .into_iter()
        .map(|(low, high)| high - low)
        .filter(|w| w.is_finite())
        .fold(0.0, f64::max);
    widest / y_max * f64::from(plot_height) > f64::from(covered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_break_at_gaps() {
        let points = [1.0, f64::NAN, 2.0, 3.0, f64::NAN];
        let split = runs(&points, |v| !v.is_nan());
        assert_eq!(split, vec![vec![1.0], vec![2.0, 3.0]]);
    }

    #[test]
    fn long_runs_are_averaged_into_round_periods() {
        assert_eq!(bucket_days(365, 1100), 1);
        assert_eq!(bucket_days(20_000, 1100), 60);
        assert_eq!(bucket_days(2_000_000, 1100), 3_650);
        let band = |v: f64| Band {
            mean: v,
            p5: v,
            p25: v,
            p50: v,
            p75: v,
            p95: v,
        };
        let bands = [
            band(1.0),
            band(3.0),
            band(f64::INFINITY),
            band(f64::INFINITY),
            band(f64::NAN),
        ];
        let points = daily_points(&bands, 2, 1);
        assert_eq!(points.len(), 3);
        assert_eq!(points[0], (1.5, band(2.0)));
        assert!(points[1].1.p50.is_infinite());
        assert!(points[2].1.p50.is_nan());
        assert_eq!(daily_points(&bands, 1, 1)[0].0, 1.0);
        assert_eq!(daily_points(&bands, 1, 4)[1].0, 8.0);
        assert_eq!(bucket_note(1, 1), None);
        assert!(bucket_note(3, 2).is_some_and(|note| note.contains("6 days")));
    }

    #[test]
    fn intervals_narrower_than_their_line_do_not_show() {
        assert!(!interval_shows([(10.0, 10.5), (20.0, 20.2)], 100.0, 300, 6));
        assert!(interval_shows([(10.0, 10.5), (20.0, 23.0)], 100.0, 300, 6));
        assert!(!interval_shows([(f64::NAN, 1.0)], 100.0, 300, 6));
        assert!(!interval_shows([(0.0, 1.0)], 0.0, 300, 6));
    }

    #[test]
    fn dedup_keeps_order() {
        assert_eq!(
            dedup(vec![(0, 0), (0, 0), (1, 0), (0, 0)]),
            vec![(0, 0), (1, 0), (0, 0)]
        );
    }
}
