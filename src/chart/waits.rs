//! The wait-time distribution, in two panels with their own labels: the waits of people
//! processed (a histogram, the cumulative share processed within each wait on the right axis,
//! and p50/p90/p99 marked), and beside it (below it on tall charts) how long the people still
//! waiting at the end had waited so far (censored: their waits go on). Each panel's axis
//! covers the bulk of its people; a thin tail beyond is noted, not drawn.

use super::canvas::{Canvas, Drawn, Rect};
use super::layout::{self, Axis, Frame, LegendItem, Mark, PlotSpec, Swatch, Ticks};
use super::series;
use super::style::{self, BLUE, INK, ORANGE};
use crate::format::thousands;
use crate::results::{Bin, Folder, Population};
use plotters::prelude::DrawingBackend;

/// The share of a panel's people its axis covers at least; the rest is the noted tail.
const BULK: f64 = 0.995;

/// The bins a panel draws: up to the first bin edge that covers [`BULK`] of the people (and
/// at least `keep_days`, so marks stay on the chart), and what is left beyond:
/// (people a run, from, to days).
fn bulk(bins: &[Bin], keep_days: f64) -> (&[Bin], Option<(f64, f64, f64)>) {
    let last = bins.iter().rposition(|b| b.people > 0.0).map_or(0, |i| i + 1);
    let bins = &bins[..last];
    let total: f64 = bins.iter().map(|b| b.people).sum();
    let mut covered = 0.0;
    let mut end = bins.len();
    for (i, bin) in bins.iter().enumerate() {
        covered += bin.people;
        if covered >= BULK * total && bin.to >= keep_days {
            end = i + 1;
            break;
        }
    }
    let rest: f64 = bins[end..].iter().map(|b| b.people).sum();
    let tail = (rest > 0.0).then(|| {
        let from = bins[end..].iter().find(|b| b.people > 0.0).map_or(0.0, |b| b.from);
        (rest, from, bins.last().map_or(0.0, |b| b.to))
    });
    (&bins[..end], tail)
}

/// `Half waited 21 days or less`, for a percentile.
fn percentile_label(p: u32, days: f64) -> String {
    let phrase = style::days_phrase(days);
    match p {
        50 => format!("Half waited {phrase} or less"),
        90 => format!("9 in 10: {phrase} or less"),
        99 => format!("99 in 100: {phrase} or less"),
        _ => format!("p{p}: {phrase}"),
    }
}

/// `bins of 10 days`.
fn bin_text(bins: &[Bin]) -> String {
    let width = bins.first().map_or(1.0, |b| b.to - b.from);
    if width == 1.0 {
        "bins of 1 day".to_owned()
    } else {
        format!("bins of {} days", style::tick(width, width))
    }
}

/// The note on a panel's tail: `Not shown: 12 people a run (0.4%) who waited 240 to 430 days.`
fn tail_note(who: &str, tail: Option<(f64, f64, f64)>, total: f64) -> Option<String> {
    let (people, from, to) = tail?;
    let share = if total > 0.0 { 100.0 * people / total } else { 0.0 };
    let share = if share < 0.1 {
        "under 0.1%".to_owned()
    } else {
        format!("{share:.1}%")
    };
    Some(format!(
        "Not shown: {} {who} a run ({share}) with waits from {} to {} days.",
        if people >= 10.0 {
            thousands(people)
        } else {
            let tenths = (people * 10.0).round() / 10.0;
            if tenths.fract() == 0.0 {
                format!("{tenths:.0}")
            } else {
                format!("{tenths:.1}")
            }
        },
        style::tick(from, 1.0),
        style::tick(to, 1.0)
    ))
}

/// The two panels' rectangles: side by side, or one above the other on a tall chart.
fn panels<DB: DrawingBackend>(c: &Canvas<DB>, body: Rect) -> (Rect, Rect) {
    if c.height > c.width {
        let split = body.y0 + (f64::from(body.height()) * 0.56) as i32;
        (
            Rect { y1: split, ..body },
            Rect {
                y0: split + c.px(24.0),
                ..body
            },
        )
    } else {
        let split = body.x0 + (f64::from(body.width()) * 0.6) as i32;
        (
            Rect { x1: split, ..body },
            Rect {
                x0: split + c.px(36.0),
                ..body
            },
        )
    }
}

/// A histogram of `bins` in `rect`, with the cumulative share on a right axis when asked.
fn histogram<DB: DrawingBackend>(
    c: &Canvas<DB>,
    rect: Rect,
    bins: &[Bin],
    color: plotters::style::RGBColor,
    y_title: &str,
    cumulative_of: Option<f64>,
    marks: &[Mark],
) -> Drawn {
    let x_max = bins.last().map_or(1.0, |b| b.to);
    let y_max = bins.iter().map(|b| b.people).fold(0.0, f64::max).max(1e-9);
    let spec = PlotSpec {
        x: Axis::new(0.0, x_max, format!("Wait, days ({})", bin_text(bins)), Ticks::Numbers),
        y: Axis::new(0.0, y_max, y_title, Ticks::Numbers),
        y2: cumulative_of.map(|_| (Axis::new(0.0, 100.0, "Processed within this wait", Ticks::Percent), INK)),
        marks,
    };
    let plot = layout::layout_plot(c, rect, &spec);
    plot.draw_grid(c)?;
    let width = bins.first().map_or(1.0, |b| b.to - b.from);
    let gap = if plot.x.map(width) - plot.x.map(0.0) >= c.px(6.0) {
        c.px(1.0)
    } else {
        0
    };
    for bin in bins.iter().filter(|b| b.people > 0.0) {
        let (x0, x1) = (plot.x.map(bin.from) + gap, plot.x.map(bin.to) - gap);
        let rect = Rect {
            x0,
            y0: plot.y.map(bin.people),
            x1: x1.max(x0 + 1),
            y1: plot.y.map(0.0),
        };
        c.fill_rect(rect, color, 0.85)?;
    }
    if let (Some(total), Some(y2)) = (cumulative_of, plot.y2) {
        let mut cumulative = 0.0;
        let mut points = vec![(0.0, 0.0)];
        for bin in bins {
            cumulative += bin.people;
            points.push((bin.to, 100.0 * cumulative / total));
        }
        series::line(c, &plot, y2, &points, INK, 2.5)?;
    }
    plot.draw_axes(c)
}

/// Draws the chart.
pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, results: &Folder, title: Option<&str>) -> Drawn {
    let empty = Population::default();
    let processed = results.waits.get("processed").unwrap_or(&empty);
    let still = results.waits.get("still_waiting").unwrap_or(&empty);
    let p99 = processed
        .stats
        .get("p99")
        .copied()
        .filter(|d| d.is_finite())
        .unwrap_or(0.0);
    let (done_bins, done_tail) = bulk(&processed.bins, p99);
    let (still_bins, still_tail) = bulk(&still.bins, 0.0);
    let two = still.people > 0.0 && processed.people > 0.0;

    let mut notes = Vec::new();
    if still.people > 0.0 {
        notes.push(format!(
            "{} people a run were still waiting at the end, shown by how long they had waited so far. Their waits \
             go on, so the waits of people processed understate what newcomers face.",
            thousands(still.people)
        ));
    }
    notes.extend(tail_note("processed", done_tail, processed.people));
    notes.extend(tail_note("still waiting", still_tail, still.people));
    if results.warm_up_days() > 0 {
        notes.push(format!(
            "People who joined before day {} (warm-up) are left out.",
            results.warm_up_days()
        ));
    }
    let mut legend = Vec::new();
    if processed.people > 0.0 {
        legend.push(LegendItem::new("Processed", Swatch::Fill(BLUE, 0.85)));
        legend.push(LegendItem::new(
            "Share processed within each wait (right axis)",
            Swatch::Line(INK),
        ));
    }
    if still.people > 0.0 {
        legend.push(LegendItem::new(
            "Still waiting at the end (waited so far)",
            Swatch::Fill(ORANGE, 0.85),
        ));
    }
    let frame = Frame {
        title: title.unwrap_or("How long people waited").to_owned(),
        subtitle: super::subtitle(results, "wait from joining the list"),
        legend,
        notes,
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    if processed.people <= 0.0 && still.people <= 0.0 {
        let spec = PlotSpec {
            x: Axis::new(0.0, 1.0, "Wait, days", Ticks::Numbers),
            y: Axis::new(0.0, 1.0, "People per bin (average per run)", Ticks::Numbers),
            y2: None,
            marks: &[],
        };
        let plot = layout::layout_plot(c, body, &spec);
        plot.draw_grid(c)?;
        plot.draw_empty(c, "Nobody was processed or waiting")?;
        return plot.draw_axes(c);
    }
    let marks: Vec<Mark> = [(50, "p50"), (90, "p90"), (99, "p99")]
        .iter()
        .filter_map(|&(p, key)| {
            let days = *processed.stats.get(key)?;
            days.is_finite().then(|| Mark {
                value: days,
                label: percentile_label(p, days),
                key: percentile_label(p, days),
                color: INK,
            })
        })
        .collect();
    let (left, right) = if two { panels(c, body) } else { (body, body) };
    if processed.people > 0.0 {
        histogram(
            c,
            left,
            done_bins,
            BLUE,
            "Processed: people per bin (average per run)",
            Some(processed.people),
            &marks,
        )?;
    }
    if still.people > 0.0 {
        let title = if two {
            "Still waiting at the end: by wait so far"
        } else {
            "Nobody was processed. Still waiting at the end: by wait so far"
        };
        histogram(c, right, still_bins, ORANGE, title, None, &[])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(from: f64, people: f64) -> Bin {
        Bin {
            from,
            to: from + 1.0,
            people,
        }
    }

    /// A thin tail beyond the bulk is cut and reported; marks stay on the axis.
    #[test]
    fn panels_cover_the_bulk_and_report_the_tail() {
        let mut bins: Vec<Bin> = (0..10).map(|d| bin(f64::from(d), 100.0)).collect();
        bins.extend((10..400).map(|d| bin(f64::from(d), if d == 399 { 1.0 } else { 0.0 })));
        bins.push(bin(400.0, 0.0));
        let (shown, tail) = bulk(&bins, 0.0);
        assert_eq!(shown.len(), 10);
        assert_eq!(tail, Some((1.0, 399.0, 400.0)));
        let (shown, _) = bulk(&bins, 12.5);
        assert_eq!(shown.len(), 13, "up to the p99 mark");
        let (shown, tail) = bulk(&bins[..10], 0.0);
        assert_eq!((shown.len(), tail), (10, None));
        assert_eq!(
            tail_note("processed", Some((1.0, 399.0, 400.0)), 500.0).as_deref(),
            Some("Not shown: 1 processed a run (0.2%) with waits from 399 to 400 days.")
        );
        assert!(tail_note("x", Some((0.25, 1.0, 2.0)), 1e6).is_some_and(|n| n.contains("0.3 x a run (under 0.1%)")));
        assert!(bulk(&[], 0.0).0.is_empty());
    }

    #[test]
    fn percentiles_read_as_sentences() {
        assert_eq!(percentile_label(50, 21.2), "Half waited 21 days or less");
        assert_eq!(percentile_label(99, 1.0), "99 in 100: 1 day or less");
    }
}
