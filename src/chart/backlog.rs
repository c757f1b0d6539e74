//! Backlog over time: the median number of people on the list at each day's end, the middle
//! 50% and 90% of replications as bands, and dated policy changes as labelled markers.

use super::canvas::{Canvas, Drawn};
use super::data::Results;
use super::layout::{self, Axis, Frame, LegendItem, PlotSpec, Swatch, Ticks};
use super::series;
use super::style::BLUE;
use plotters::prelude::DrawingBackend;

/// Opacity of the 90% band.
pub const OUTER_ALPHA: f64 = 0.16;
/// Opacity of the 50% band (drawn over the 90% band).
pub const INNER_ALPHA: f64 = 0.30;

/// The legend of a median with two bands.
pub fn band_legend(replications: u32, color: plotters::style::RGBColor) -> Vec<LegendItem> {
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
pub fn draw<DB: DrawingBackend>(c: &Canvas<DB>, results: &Results, title: Option<&str>) -> Drawn {
    let on_list = results.series("on_list");
    let bucket = series::bucket_days(on_list.len(), super::approx_plot_width(c, 1.0));
    let points = series::daily_points(on_list, bucket, results.row_days);
    let frame = Frame {
        title: title.unwrap_or("People waiting on the list").to_owned(),
        subtitle: super::subtitle(results, "people on the list at the end of each day"),
        legend: band_legend(results.replications, BLUE),
        notes: series::bucket_note(bucket, results.row_days).into_iter().collect(),
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let y_max = points
        .iter()
        .map(|(_, b)| b)
        .map(|b| b.p95)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1.0);
    let marks = layout::policy_marks(results);
    let spec = PlotSpec {
        x: Axis::new(
            0.0,
            f64::from(results.horizon_days),
            super::time_title(results.start_date),
            Ticks::Time(results.start_date),
        ),
        y: Axis::new(0.0, y_max, "People on the list", Ticks::Numbers),
        y2: None,
        marks: &marks,
    };
    let plot = layout::layout_plot(c, body, &spec);
    plot.draw_grid(c)?;
    // The value of day d is the count at its end, i.e. at d + 1 on the axis.
    let outer: Vec<(f64, f64, f64)> = points.iter().map(|(x, b)| (*x, b.p5, b.p95)).collect();
    let inner: Vec<(f64, f64, f64)> = points.iter().map(|(x, b)| (*x, b.p25, b.p75)).collect();
    let median: Vec<(f64, f64)> = points.iter().map(|(x, b)| (*x, b.p50)).collect();
    series::band(c, &plot, &outer, BLUE, OUTER_ALPHA)?;
    series::band(c, &plot, &inner, BLUE, INNER_ALPHA)?;
    series::line(c, &plot, plot.y, &median, BLUE, 3.0)?;
    plot.draw_axes(c)
}
