//! The wait-time distribution: a histogram of the waits of people processed, with the people
//! still waiting at the end (censored: their waits go on) stacked on top in another colour,
//! the cumulative share processed within each wait (right axis), and p50/p90/p99 marked.

use super::canvas::{Canvas, Drawn, Rect};
use super::layout::{self, Axis, Frame, LegendItem, Mark, PlotSpec, Swatch, Ticks};
use super::series;
use super::style::{self, BLUE, INK, ORANGE};
use crate::format::thousands;
use crate::results::{Bin, Folder};
use plotters::prelude::DrawingBackend;

/// Bins of two populations on the same edges, trimmed after the last one with anybody.
fn trimmed(processed: &[Bin], still: &[Bin]) -> (Vec<Bin>, Vec<f64>) {
    let still_of = |bin: &Bin| still.iter().find(|s| s.from == bin.from).map_or(0.0, |s| s.people);
    let mut bins: Vec<Bin> = if processed.is_empty() {
        still.iter().map(|b| Bin { people: 0.0, ..*b }).collect()
    } else {
        processed.to_vec()
    };
    let mut stacked: Vec<f64> = bins.iter().map(still_of).collect();
    while bins.len() > 1 && bins.last().is_some_and(|b| b.people <= 0.0) && stacked.last().is_some_and(|s| *s <= 0.0) {
        bins.pop();
        stacked.pop();
    }
    (bins, stacked)
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

/// Draws the chart.
pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, results: &Folder, title: Option<&str>) -> Drawn {
    let empty = crate::results::Population::default();
    let processed = results.waits.get("processed").unwrap_or(&empty);
    let still = results.waits.get("still_waiting").unwrap_or(&empty);
    let (bins, still_bins) = trimmed(&processed.bins, &still.bins);
    let width = bins.first().map_or(1.0, |b| b.to - b.from);

    let mut notes = Vec::new();
    if still.people > 0.0 {
        notes.push(format!(
            "Orange: the {} people a run still waiting at the end, by how long they had waited so far. \
             Their waits go on, so the waits of people processed understate what newcomers face.",
            thousands(still.people)
        ));
    }
    if results.warm_up_days() > 0 {
        notes.push(format!(
            "People who joined before day {} (warm-up) are left out.",
            results.warm_up_days()
        ));
    }
    let frame = Frame {
        title: title
            .unwrap_or("How long people waited before being processed")
            .to_owned(),
        subtitle: super::subtitle(results, "wait from joining the list"),
        legend: vec![
            LegendItem::new("Processed", Swatch::Fill(BLUE, 0.85)),
            LegendItem::new("Still waiting at the end (waited so far)", Swatch::Fill(ORANGE, 0.9)),
            LegendItem::new("Share processed within each wait (right axis)", Swatch::Line(INK)),
        ],
        notes,
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let x_max = bins.last().map_or(1.0, |b| b.to);
    let y_max = bins
        .iter()
        .zip(&still_bins)
        .map(|(b, s)| b.people + s)
        .fold(0.0, f64::max)
        .max(1e-9);
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
    let bin_text = if width == 1.0 {
        "bins of 1 day".to_owned()
    } else {
        format!("bins of {} days", style::tick(width, width))
    };
    let spec = PlotSpec {
        x: Axis::new(0.0, x_max, format!("Wait, days ({bin_text})"), Ticks::Numbers),
        y: Axis::new(0.0, y_max, "People per bin (average per run)", Ticks::Numbers),
        y2: Some((Axis::new(0.0, 100.0, "Processed within this wait", Ticks::Percent), INK)),
        marks: if processed.people > 0.0 { &marks } else { &[] },
    };
    let plot = layout::layout_plot(c, body, &spec);
    plot.draw_grid(c)?;
    if processed.people <= 0.0 && still.people <= 0.0 {
        plot.draw_empty(c, "Nobody was processed or waiting")?;
        return plot.draw_axes(c);
    }
    let gap = if plot.x.map(width) - plot.x.map(0.0) >= c.px(6.0) {
        c.px(1.0)
    } else {
        0
    };
    for (bin, &waiting) in bins.iter().zip(&still_bins) {
        let (x0, x1) = (plot.x.map(bin.from) + gap, plot.x.map(bin.to) - gap);
        let x1 = x1.max(x0 + 1);
        let base = plot.y.map(0.0);
        let top = plot.y.map(bin.people);
        c.fill_rect(
            Rect {
                x0,
                y0: top,
                x1,
                y1: base,
            },
            BLUE,
            0.85,
        )?;
        if waiting > 0.0 {
            let stacked_top = plot.y.map(bin.people + waiting).min(top - 1);
            c.fill_rect(
                Rect {
                    x0,
                    y0: stacked_top,
                    x1,
                    y1: top,
                },
                ORANGE,
                0.9,
            )?;
        }
    }
    let total: f64 = bins.iter().map(|b| b.people).sum();
    if total > 0.0 {
        let mut cumulative = 0.0;
        let mut points = vec![(0.0, 0.0)];
        for bin in &bins {
            cumulative += bin.people;
            points.push((bin.to, 100.0 * cumulative / total));
        }
        if let Some(y2) = plot.y2 {
            series::line(c, &plot, y2, &points, INK, 2.5)?;
        }
    } else {
        plot.draw_empty(c, "Nobody was processed")?;
    }
    plot.draw_axes(c)
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

    #[test]
    fn trailing_empty_bins_are_dropped_but_censored_ones_kept() {
        let processed = [bin(0.0, 5.0), bin(1.0, 0.0), bin(2.0, 0.0), bin(3.0, 0.0)];
        let still = [bin(0.0, 0.0), bin(1.0, 0.0), bin(2.0, 2.0), bin(3.0, 0.0)];
        let (bins, stacked) = trimmed(&processed, &still);
        assert_eq!(bins.len(), 3);
        assert_eq!(stacked, vec![0.0, 0.0, 2.0]);
    }

    #[test]
    fn percentiles_read_as_sentences() {
        assert_eq!(percentile_label(50, 21.2), "Half waited 21 days or less");
        assert_eq!(percentile_label(99, 1.0), "99 in 100: 1 day or less");
    }
}
