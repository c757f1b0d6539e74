//! Small multiples of a network's lists: one panel per port or stage, on the same dates, each
//! with its own vertical scale (a court's millions would flatten a port's hundreds): the mean
//! number of people on the list at each day's end, with the middle 50% and 90% of runs as bands.

use super::backlog::{INNER_ALPHA, OUTER_ALPHA};
use super::canvas::{Canvas, Drawn, Rect};
use super::layout::{self, Axis, Frame, LegendItem, PlotSpec, Swatch, Ticks};
use super::series;
use super::style::{BLUE, PURPLE};
use crate::results::{Band, Folder};
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// Panels across and down for `panels` panels in a body `width`×`height`: the grid whose
/// panels come nearest to a wide 2.2:1 shape, fullest first.
fn grid(panels: usize, width: f64, height: f64) -> (usize, usize) {
    let panels = panels.max(1);
    (1..=panels)
        .map(|across| (across, panels.div_ceil(across)))
        .min_by(|a, b| {
            let misfit = |(across, down): (usize, usize)| {
                let shape = (width / across as f64) / (height / down as f64);
                (shape / 2.2).ln().abs() + 0.5 * (across * down - panels) as f64
            };
            misfit(*a).total_cmp(&misfit(*b))
        })
        .unwrap_or((1, panels))
}

/// Draws the chart.
pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, results: &Folder, title: Option<&str>) -> Drawn {
    let stages: &[String] = results.summary.network.as_ref().map_or(&[], |network| &network.stages);
    let panels: Vec<(&str, bool, &[Band])> = results
        .summary
        .ports
        .iter()
        .map(|port| {
            let series = results.ports_on_list.get(&port.name).map_or(&[][..], Vec::as_slice);
            (port.name.as_str(), stages.contains(&port.name), series)
        })
        .collect();
    let any_stage = panels.iter().any(|(_, stage, _)| *stage);
    let color = |stage: bool| if stage { PURPLE } else { BLUE };
    let replications = results.replications();
    let mut legend = Vec::new();
    if any_stage && panels.iter().any(|(_, stage, _)| !stage) {
        legend.push(LegendItem::new("Port (mean of runs)", Swatch::Line(BLUE)));
        legend.push(LegendItem::new("Stage (mean of runs)", Swatch::Line(PURPLE)));
    } else {
        legend.push(LegendItem::new(
            format!("Mean of {replications} runs"),
            Swatch::Line(color(any_stage)),
        ));
    }
    if replications > 1 {
        let band = color(!panels.iter().any(|(_, stage, _)| !stage));
        legend.push(LegendItem::new(
            "Middle 50% of runs",
            Swatch::Fill(band, 1.0 - (1.0 - INNER_ALPHA) * (1.0 - OUTER_ALPHA)),
        ));
        legend.push(LegendItem::new("90% of runs", Swatch::Fill(band, OUTER_ALPHA)));
    }
    let (across, down) = grid(
        panels.len(),
        f64::from(c.width) - 60.0 * c.scale,
        f64::from(c.height) - 330.0 * c.scale,
    );
    let longest = panels.iter().map(|(_, _, series)| series.len()).max().unwrap_or(0);
    let bucket = series::bucket_days(longest, super::approx_plot_width(c, 1.0 / across as f64));
    let frame = Frame {
        title: title.unwrap_or("People waiting at each port and stage").to_owned(),
        subtitle: super::subtitle(results, "people on each list at the end of each day; own scale each"),
        legend,
        notes: series::bucket_note(bucket, results.row_days).into_iter().collect(),
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let gap_x = c.px(28.0);
    let gap_y = c.px(14.0);
    let panel_w = (body.width() - gap_x * (across as i32 - 1)) / across as i32;
    let panel_h = (body.height() - gap_y * (down as i32 - 1)) / down as i32;
    let start = results.start_date();
    for (k, (name, stage, bands)) in panels.iter().enumerate() {
        let (column, row) = ((k % across) as i32, (k / across) as i32);
        let x0 = body.x0 + column * (panel_w + gap_x);
        let y0 = body.y0 + row * (panel_h + gap_y);
        let rect = Rect {
            x0,
            y0,
            x1: x0 + panel_w,
            y1: y0 + panel_h,
        };
        let points = series::daily_points(bands, bucket, results.row_days);
        let y_max = points
            .iter()
            .map(|(_, b)| b.p95.max(b.mean))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(1.0);
        let what = if *stage { "stage" } else { "port" };
        let spec = PlotSpec {
            x: Axis::new(0.0, f64::from(results.horizon_days()), "", Ticks::Time(start)),
            y: Axis::new(0.0, y_max, format!("{name} ({what})"), Ticks::Numbers),
            y2: None,
            marks: &[],
        };
        let plot = layout::layout_plot(c, rect, &spec);
        plot.draw_grid(c)?;
        let nobody = points.iter().all(|(_, b)| !(b.p95 > 0.0 || b.mean > 0.0));
        if points.is_empty() {
            plot.draw_empty(c, "No daily counts in daily.csv")?;
        } else {
            draw_mean_with_bands(c, &plot, &points, color(*stage))?;
            if nobody {
                plot.draw_empty(c, "Nobody on this list at any day's end")?;
            }
        }
        plot.draw_axes(c)?;
    }
    Ok(())
}

/// The mean of `points` as a line over the bands of the middle 90% and 50% of runs.
fn draw_mean_with_bands<DB: DrawingBackend>(
    c: &Canvas<DB>,
    plot: &layout::Plot,
    points: &[(f64, Band)],
    color: RGBColor,
) -> Drawn {
    let outer: Vec<(f64, f64, f64)> = points.iter().map(|(x, b)| (*x, b.p5, b.p95)).collect();
    let inner: Vec<(f64, f64, f64)> = points.iter().map(|(x, b)| (*x, b.p25, b.p75)).collect();
    let mean: Vec<(f64, f64)> = points.iter().map(|(x, b)| (*x, b.mean)).collect();
    series::band(c, plot, &outer, color, OUTER_ALPHA)?;
    series::band(c, plot, &inner, color, INNER_ALPHA)?;
    series::line(c, plot, plot.y, &mean, color, 2.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_are_laid_out_wide() {
        assert_eq!(grid(1, 1140.0, 345.0), (1, 1));
        assert_eq!(grid(2, 1140.0, 345.0), (2, 1));
        assert_eq!(grid(4, 1140.0, 345.0), (2, 2));
        // A phone's tall drawing stacks them.
        assert_eq!(grid(4, 340.0, 500.0), (1, 4));
        let (across, down) = grid(7, 1140.0, 345.0);
        assert!(across * down >= 7, "{across}x{down}");
    }
}
