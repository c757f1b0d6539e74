//! Backlog over time: the median number of people on the list at each day's end, the middle
//! 50% and 90% of replications as bands, and dated policy changes as labelled markers. Where
//! names outlive their owners (`on_give_up = "stay_listed"`), the median number of names on
//! the list is drawn too.

use super::canvas::{Canvas, Drawn};
use super::layout::{self, Axis, Frame, LegendItem, Plot, Swatch, Ticks, Timeline};
use super::series;
use super::style::{BLUE, VERMILLION};
use crate::results::{Band, Folder};
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// Opacity of the 90% band.
pub(super) const OUTER_ALPHA: f64 = 0.2;
/// Opacity of the 50% band (drawn over the 90% band).
pub(super) const INNER_ALPHA: f64 = 0.32;

/// Which bands of `points` (values divided by `divisor`, on an axis up to `y_max`) show beside
/// the median's line: (middle 50%, middle 90%).
pub(super) fn bands_shown<DB: DrawingBackend>(
    c: &Canvas<DB>,
    points: &[(f64, Band)],
    y_max: f64,
    divisor: f64,
) -> (bool, bool) {
    let line = c.px(5.0);
    let height = super::approx_plot_height(c);
    let inner = points.iter().map(|(_, b)| (b.p25 / divisor, b.p75 / divisor));
    let outer = points.iter().map(|(_, b)| (b.p5 / divisor, b.p95 / divisor));
    (
        series::interval_shows(inner, y_max, height, line),
        series::interval_shows(outer, y_max, height, line),
    )
}

/// The legend of a median with the bands that show, and a note when none does.
pub(super) fn band_legend(
    replications: u32,
    color: RGBColor,
    (inner, outer): (bool, bool),
) -> (Vec<LegendItem>, Option<String>) {
    if replications == 1 {
        return (vec![LegendItem::new("One simulated run", Swatch::Line(color))], None);
    }
    let mut legend = vec![LegendItem::new(
        format!("Median of {replications} runs"),
        Swatch::Line(color),
    )];
    if inner {
        legend.push(LegendItem::new(
            "Middle 50% of runs",
            Swatch::Fill(color, 1.0 - (1.0 - INNER_ALPHA) * (1.0 - OUTER_ALPHA)),
        ));
    }
    if outer {
        legend.push(LegendItem::new("90% of runs", Swatch::Fill(color, OUTER_ALPHA)));
    }
    let note = (!outer).then(|| {
        format!(
            "The {replications} runs agree closely: the middle 90% of them lies within the width of the median's line."
        )
    });
    (legend, note)
}

/// Draws the chart.
pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, results: &Folder, title: Option<&str>) -> Drawn {
    let on_list = results.series("on_list");
    let bucket = series::bucket_days(on_list.len(), super::approx_plot_width(c, 1.0));
    let points = series::daily_points(on_list, bucket, results.row_days);
    // Names are drawn only where they differ from the people present.
    let names = results.series("names_on_list");
    let names = (names.len() == on_list.len() && names.iter().zip(on_list).any(|(n, p)| n.p50 != p.p50))
        .then(|| series::daily_points(names, bucket, results.row_days));
    let y_max = points
        .iter()
        .map(|(_, b)| b.p95)
        .chain(names.iter().flatten().map(|(_, b)| b.p50))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1.0);
    let (mut legend, band_note) = band_legend(results.replications(), BLUE, bands_shown(c, &points, y_max, 1.0));
    if names.is_some() {
        legend.push(LegendItem::new(
            "Names on the list, with those who left (median)",
            Swatch::Line(VERMILLION),
        ));
    }
    let frame = Frame {
        title: title.unwrap_or("People waiting on the list").to_owned(),
        subtitle: super::subtitle(results, "people on the list at the end of each day"),
        legend,
        notes: band_note
            .into_iter()
            .chain(series::bucket_note(bucket, results.row_days))
            .collect(),
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let y = Axis::new(0.0, y_max, "People on the list", Ticks::Numbers);
    let plot = Timeline::of(results).layout_plot(c, body, y);
    plot.draw_grid(c)?;
    // The value of day d is the count at its end, i.e. at d + 1 on the axis.
    draw_median_with_bands(c, &plot, &points, BLUE, 1.0)?;
    if let Some(names) = &names {
        let median: Vec<(f64, f64)> = names.iter().map(|(x, b)| (*x, b.p50)).collect();
        series::line(c, &plot, plot.y, &median, VERMILLION, 2.5)?;
    }
    plot.draw_axes(c)
}

/// Draws the median of `points` as a line over the bands of the middle 90% and 50% of runs,
/// every value divided by `divisor` (1 to draw them as they are).
pub(super) fn draw_median_with_bands<DB: DrawingBackend>(
    c: &Canvas<DB>,
    plot: &Plot,
    points: &[(f64, Band)],
    color: RGBColor,
    divisor: f64,
) -> Drawn {
    let outer: Vec<(f64, f64, f64)> = points
        .iter()
        .map(|(x, b)| (*x, b.p5 / divisor, b.p95 / divisor))
        .collect();
    let inner: Vec<(f64, f64, f64)> = points
        .iter()
        .map(|(x, b)| (*x, b.p25 / divisor, b.p75 / divisor))
        .collect();
    let median: Vec<(f64, f64)> = points.iter().map(|(x, b)| (*x, b.p50 / divisor)).collect();
    series::band(c, plot, &outer, color, OUTER_ALPHA)?;
    series::band(c, plot, &inner, color, INNER_ALPHA)?;
    series::line(c, plot, plot.y, &median, color, 3.0)
}
