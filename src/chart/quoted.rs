//! Quoted wait over time: what a newcomer would be told each day (the list length divided by
//! the number processed per day over the previous 30 days), in days, weeks or years.

use super::canvas::{Align, Canvas, Drawn, Rect};
use super::layout::{self, Axis, Frame, LegendItem, Swatch, Ticks, Timeline};
use super::series;
use super::style::{LIGHT, VERMILLION, size};
use crate::results::{Band, Folder};
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// A unit for waits that keeps the numbers on the axis readable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Unit {
    /// Name, plural.
    pub name: &'static str,
    /// Days in one unit.
    pub days: f64,
}

impl Unit {
    /// The vertical axis of quoted waits up to `max_days`, in this unit.
    pub(super) fn axis(self, max_days: f64) -> Axis {
        Axis::new(
            0.0,
            (max_days / self.days).max(1.0),
            format!("Quoted wait, {}", self.name),
            Ticks::Numbers,
        )
    }
}

/// Days up to 4 months, weeks up to 3 years, years beyond.
fn unit_for(max_days: f64) -> Unit {
    if max_days <= 120.0 {
        Unit {
            name: "days",
            days: 1.0,
        }
    } else if max_days <= 3.0 * 365.0 {
        Unit {
            name: "weeks",
            days: 7.0,
        }
    } else {
        Unit {
            name: "years",
            days: 365.25,
        }
    }
}

/// The highest finite value of `pick` over the bands.
fn finite_max(bands: &[Band], pick: impl Fn(&Band) -> f64) -> f64 {
    bands.iter().map(pick).filter(|v| v.is_finite()).fold(0.0, f64::max)
}

/// The vertical scale of quoted waits: its top (days) and unit, and whether values above the
/// top are clipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct WaitScale {
    /// The top of the axis, days.
    pub top_days: f64,
    /// The unit of the axis.
    pub unit: Unit,
    /// Whether some values are above the top (drawn along it, and noted).
    pub clipped: bool,
}

/// A spike this many times the typical quoted wait is clipped rather than allowed to flatten
/// the rest of the chart.
const SPIKE: f64 = 3.0;

/// Scales quoted waits (the bands of every series drawn) so that the story is readable: up to
/// the highest value, unless it is more than [`SPIKE`] times the typical daily median (the
/// median over days, of the series where it is highest), when the axis stops at about 2.5
/// times the typical value and the rest is clipped.
pub(super) fn wait_scale(series: &[&[Band]]) -> WaitScale {
    let peak = series
        .iter()
        .map(|bands| finite_max(bands, |b| b.p95).max(finite_max(bands, |b| b.p50)))
        .fold(0.0, f64::max);
    let typical = series
        .iter()
        .map(|bands| {
            let mut medians: Vec<f64> = bands.iter().map(|b| b.p50).filter(|v| v.is_finite()).collect();
            medians.sort_by(f64::total_cmp);
            medians.get(medians.len() / 2).copied().unwrap_or(0.0)
        })
        .fold(0.0, f64::max);
    if typical > 0.0 && peak > SPIKE * typical {
        // The axis ends on a round number of its unit, so the clipped line leaves at the top.
        let unit = unit_for(2.5 * typical);
        let top_days = round_up(2.5 * typical / unit.days) * unit.days;
        WaitScale {
            top_days,
            unit,
            clipped: top_days < peak,
        }
    } else {
        WaitScale {
            top_days: peak,
            unit: unit_for(peak),
            clipped: false,
        }
    }
}

/// The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten at least `value`.
fn round_up(value: f64) -> f64 {
    if value.is_nan() || value <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&v| v >= value * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

/// `b` with every value at most `top`; a value with no quote (infinite, or missing) stays
/// undrawn (`f64::min` would put it at the top).
pub(super) fn clip(b: &Band, top: f64) -> Band {
    let at_most = |v: f64| if v.is_finite() { v.min(top) } else { f64::NAN };
    Band {
        mean: at_most(b.mean),
        p5: at_most(b.p5),
        p25: at_most(b.p25),
        p50: at_most(b.p50),
        p75: at_most(b.p75),
        p95: at_most(b.p95),
    }
}

/// `points` as drawn on a scale that stops at `top` days: values above it at the top where
/// the median leaves the scale, and nothing while it stays off it (a line along the top would
/// read as a value). Returns the points and where the median first leaves the scale.
pub(super) fn clipped_points(points: &[(f64, Band)], top: f64) -> (Vec<(f64, Band)>, Option<f64>) {
    let nothing = Band {
        mean: f64::NAN,
        p5: f64::NAN,
        p25: f64::NAN,
        p50: f64::NAN,
        p75: f64::NAN,
        p95: f64::NAN,
    };
    let mut above_before = false;
    let mut leaves = None;
    let drawn = points
        .iter()
        .map(|(x, b)| {
            let above = b.p50.is_finite() && b.p50 > top;
            let band = if (above && above_before) || !b.p50.is_finite() {
                nothing
            } else {
                clip(b, top)
            };
            if above && !above_before && leaves.is_none() {
                leaves = Some(*x);
            }
            above_before = above;
            (*x, band)
        })
        .collect();
    (drawn, leaves)
}

/// Writes `off the scale ↑` at the top of the plot where a line leaves it.
pub(super) fn mark_off_scale<DB: DrawingBackend>(
    c: &Canvas<DB>,
    plot: &layout::Plot,
    x: f64,
    color: RGBColor,
) -> Drawn {
    let text = "off the scale ↑ (see note)";
    let w = c.measure(text, size::NOTE, false);
    let px = plot.x.clamped(x);
    let (left, align) = if px + c.px(6.0) + w <= plot.rect.x1 {
        (px + c.px(6.0), Align::Left)
    } else {
        (px - c.px(6.0), Align::Right)
    };
    c.text(text, left, plot.rect.y0 + c.px(4.0), size::NOTE, false, color, align)
}

/// `3.4 years`, `52 weeks` or `40 days`: a wait in the unit that keeps it readable.
pub(super) fn wait_phrase(days: f64) -> String {
    let unit = unit_for(days);
    let value = days / unit.days;
    let text = if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    format!("{text} {}", unit.name)
}

/// The note under a clipped chart: from when `who`'s median is off the scale, and how high it
/// goes; `when` names the day at an x position.
pub(super) fn clipped_note(
    points: &[(f64, Band)],
    scale: &WaitScale,
    who: &str,
    when: impl Fn(f64) -> String,
) -> Option<String> {
    let (first_x, _) = points
        .iter()
        .find(|(_, b)| b.p50.is_finite() && b.p50 > scale.top_days)?;
    let (peak_x, peak) = points
        .iter()
        .filter(|(_, b)| b.p50.is_finite())
        .map(|(x, b)| (*x, b.p50))
        .fold((0.0, f64::NEG_INFINITY), |best, p| if p.1 > best.1 { p } else { best });
    Some(format!(
        "Off the scale: {who}median quoted wait passes {} on {} and peaks at {} on {}; the chart stops at {} \
         so that the months before stay readable.",
        wait_phrase(scale.top_days),
        when(*first_x),
        wait_phrase(peak),
        when(peak_x),
        wait_phrase(scale.top_days),
    ))
}

/// The day at `x` on a time axis of points drawn at each day's end (`day 12`, or its date).
pub(super) fn day_at(x: f64, start: Option<crate::model::Date>) -> String {
    let day = (x - 1.0).max(0.0).round() as i64;
    start.map_or_else(
        || format!("day {day}"),
        |start| super::style::long_date(start.plus_days(day)),
    )
}

/// Draws the chart.
pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, results: &Folder, title: Option<&str>) -> Drawn {
    let daily = results.series("quoted_wait_days");
    let bucket = series::bucket_days(daily.len(), super::approx_plot_width(c, 1.0));
    let points = series::daily_points(daily, bucket, results.row_days);
    let no_quote: Vec<usize> = (0..daily.len()).filter(|&d| daily[d].p50.is_infinite()).collect();
    let bands: Vec<Band> = points.iter().map(|(_, b)| *b).collect();
    let scale = wait_scale(&[&bands]);
    let (drawn, leaves) = clipped_points(&points, scale.top_days);
    let shown = super::backlog::bands_shown(c, &drawn, scale.top_days, 1.0);
    let (mut legend, band_note) = super::backlog::band_legend(results.replications(), VERMILLION, shown);
    // Without a single quote there is no line whose width the runs could agree within.
    let band_note = band_note.filter(|_| drawn.iter().any(|(_, b)| b.p50.is_finite()));
    if !no_quote.is_empty() {
        legend.push(LegendItem::new(
            "No quote: nobody processed in the past 30 days",
            Swatch::Fill(LIGHT, 0.45),
        ));
    }
    let notes = scale
        .clipped
        .then(|| clipped_note(&points, &scale, "the ", |x| day_at(x, results.start_date())))
        .flatten()
        .into_iter()
        .chain(std::iter::once(
            "This is how waits are usually reported. People then wait longer or shorter than quoted when \
             capacity changes: see the chart of waits."
                .to_owned(),
        ))
        .chain(band_note)
        .chain(series::bucket_note(bucket, results.row_days))
        .collect();
    let frame = Frame {
        title: title.unwrap_or("The wait a newcomer would be quoted").to_owned(),
        subtitle: super::subtitle(results, "list length ÷ people processed per day over the past 30 days"),
        legend,
        notes,
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let plot = Timeline::of(results).layout_plot(c, body, scale.unit.axis(scale.top_days));
    // Days without a quote, shaded behind everything.
    for run in day_runs(&no_quote) {
        let rect = Rect {
            x0: plot.x.clamped((run.0 as f64 + 0.5) * f64::from(results.row_days)),
            y0: plot.rect.y0,
            x1: plot.x.clamped((run.1 as f64 + 1.5) * f64::from(results.row_days)),
            y1: plot.rect.y1,
        };
        c.fill_rect(rect, LIGHT, 0.45)?;
    }
    plot.draw_grid(c)?;
    super::backlog::draw_median_with_bands(c, &plot, &drawn, VERMILLION, scale.unit.days)?;
    if let Some(x) = leaves {
        mark_off_scale(c, &plot, x, VERMILLION)?;
    }
    plot.draw_axes(c)
}

/// Consecutive days as (first, last) runs.
fn day_runs(days: &[usize]) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &day in days {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == day => run.1 = day,
            _ => runs.push((day, day)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_keep_numbers_small() {
        assert_eq!(unit_for(60.0).name, "days");
        assert_eq!(unit_for(400.0).name, "weeks");
        assert_eq!(unit_for(2000.0).name, "years");
    }

    fn band(p50: f64) -> Band {
        Band {
            mean: p50,
            p5: p50 * 0.9,
            p25: p50 * 0.95,
            p50,
            p75: p50 * 1.05,
            p95: p50 * 1.1,
        }
    }

    /// A spike that would flatten the months before it is clipped; a rise that would not is not.
    #[test]
    fn spikes_are_clipped_and_the_rest_keeps_its_scale() {
        let mut spiky: Vec<Band> = (0..240).map(|_| band(150.0)).collect();
        spiky.extend((0..100).map(|d| band(2000.0 + f64::from(d) * 10.0)));
        let scale = wait_scale(&[&spiky]);
        assert!(scale.clipped);
        assert_eq!(scale.unit.name, "weeks");
        assert_eq!(scale.top_days, 60.0 * 7.0, "375 days is 53.6 weeks, rounded up to 60");
        assert_eq!(clip(&band(3000.0), 375.0).p5, 375.0);
        assert_eq!((round_up(53.6), round_up(0.7), round_up(100.0)), (60.0, 0.8, 100.0));
        let points: Vec<(f64, Band)> = spiky.iter().enumerate().map(|(d, b)| (d as f64 + 1.0, *b)).collect();
        let (drawn, leaves) = clipped_points(&points, scale.top_days);
        assert_eq!(leaves, Some(241.0));
        assert_eq!(drawn[240].1.p50, 420.0);
        assert!(drawn[241].1.p50.is_nan() && drawn[339].1.p95.is_nan());
        assert_eq!(drawn[239].1, spiky[239]);
        // Days without a quote are not drawn at all, least of all along the top.
        let no_quote = [(1.0, band(f64::INFINITY)), (2.0, band(f64::NAN)), (3.0, band(10.0))];
        let (drawn, leaves) = clipped_points(&no_quote, 100.0);
        assert!(drawn[0].1.p50.is_nan() && drawn[0].1.p95.is_nan() && drawn[1].1.p5.is_nan());
        assert_eq!((drawn[2].1.p50, leaves), (10.0, None));
        assert!(clip(&band(f64::INFINITY), 5.0).p75.is_nan());
        let rising: Vec<Band> = (0..200).map(|d| band(100.0 + f64::from(d))).collect();
        let scale = wait_scale(&[&rising]);
        assert!(!scale.clipped);
        assert!((scale.top_days - 299.0 * 1.1).abs() < 1e-9);
        assert_eq!(wait_phrase(3500.0), "9.6 years");
        // A series near zero beside it does not lower the scale of the other.
        let flat: Vec<Band> = (0..340).map(|_| band(1.0)).collect();
        assert_eq!(wait_scale(&[&spiky, &flat]).top_days, 60.0 * 7.0);
        assert_eq!(wait_phrase(375.0), "54 weeks");
    }

    #[test]
    fn days_group_into_runs() {
        assert_eq!(day_runs(&[1, 2, 3, 7, 9, 10]), vec![(1, 3), (7, 7), (9, 10)]);
    }
}
