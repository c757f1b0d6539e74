//! Quoted wait over time: what a newcomer would be told each day (the list length divided by
//! the number processed per day over the previous 30 days), in days, weeks or years.

use super::canvas::{Canvas, Drawn, Rect};
use super::layout::{self, Axis, Frame, LegendItem, Swatch, Ticks, Timeline};
use super::series;
use super::style::{LIGHT, VERMILLION};
use crate::results::{Band, Folder};
use plotters::prelude::DrawingBackend;

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
pub(super) fn unit_for(max_days: f64) -> Unit {
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
pub(super) fn finite_max(bands: &[Band], pick: impl Fn(&Band) -> f64) -> f64 {
    bands.iter().map(pick).filter(|v| v.is_finite()).fold(0.0, f64::max)
}

/// Draws the chart.
pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, results: &Folder, title: Option<&str>) -> Drawn {
    let daily = results.series("quoted_wait_days");
    let bucket = series::bucket_days(daily.len(), super::approx_plot_width(c, 1.0));
    let points = series::daily_points(daily, bucket, results.row_days);
    let no_quote: Vec<usize> = (0..daily.len()).filter(|&d| daily[d].p50.is_infinite()).collect();
    let mut legend = super::backlog::band_legend(results.replications(), VERMILLION);
    if !no_quote.is_empty() {
        legend.push(LegendItem::new(
            "No quote: nobody processed in the past 30 days",
            Swatch::Fill(LIGHT, 0.45),
        ));
    }
    let frame = Frame {
        title: title.unwrap_or("The wait a newcomer would be quoted").to_owned(),
        subtitle: super::subtitle(results, "list length ÷ people processed per day over the past 30 days"),
        legend,
        notes: std::iter::once(
            "This is how waits are usually reported. People then wait longer or shorter than quoted when \
             capacity changes: see the chart of waits."
                .to_owned(),
        )
        .chain(series::bucket_note(bucket, results.row_days))
        .collect(),
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let bands: Vec<Band> = points.iter().map(|(_, b)| *b).collect();
    let max_days = finite_max(&bands, |b| b.p95).max(finite_max(&bands, |b| b.p50));
    let unit = unit_for(max_days);
    let plot = Timeline::of(results).layout_plot(c, body, unit.axis(max_days));
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
    super::backlog::draw_median_with_bands(c, &plot, &points, VERMILLION, unit.days)?;
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

    #[test]
    fn days_group_into_runs() {
        assert_eq!(day_runs(&[1, 2, 3, 7, 9, 10]), vec![(1, 3), (7, 7), (9, 10)]);
    }
}
