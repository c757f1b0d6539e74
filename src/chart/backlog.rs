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
pub(super) const OUTER_ALPHA: f64 = 0.16;
/// Opacity of the 50% band (drawn over the 90% band).
pub(super) const INNER_ALPHA: f64 = 0.30;

/// The legend of a median with two bands.
pub(super) fn band_legend(replications: u32, color: RGBColor) -> Vec<LegendItem> {
    if replications == 1 {
        return vec![LegendItem::new("One simulated run", Swatch::Line(color))];
    }
    vec![
        LegendItem::new(format!("Median of {replications} runs"), Swatch::Line(color)),
        LegendItem::new(
            "Middle 50% of runs",
            Swatch::Fill(color, 1.0 - (1.0 - INNER_ALPHA) * (1.0 - OUTER_ALPHA)),
        ),
        LegendItem::new("90% of runs", Swatch::Fill(color, OUTER_ALPHA)),
    ]
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
    let mut legend = band_legend(results.replications(), BLUE);
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
        notes: series::bucket_note(bucket, results.row_days).into_iter().collect(),
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let y_max = points
        .iter()
        .map(|(_, b)| b.p95)
        .chain(names.iter().flatten().map(|(_, b)| b.p50))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1.0);
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
