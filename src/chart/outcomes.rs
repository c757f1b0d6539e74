//! Where people went: on the left, everyone who joined the list, stacked by what had become of
//! them by each day (processed, left unprocessed, still on the list); on the right, bars at the
//! end of the run, with people who left broken down by the outcomes the scenario names.

use super::canvas::{Align, Canvas, Drawn, Rect};
use super::layout::{self, Axis, Frame, LegendItem, Swatch, Ticks, Timeline};
use super::series;
use super::style::{self, BLUE, GREEN, INK, LIGHT, MUTED, VERMILLION, size};
use crate::format::thousands;
use crate::results::Folder;
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// One row of a bar panel: a label and one bar per series.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BarRow {
    /// What the row counts.
    pub label: String,
    /// Values and colours.
    pub bars: Vec<(f64, RGBColor)>,
}

/// Horizontal bars in `rect`: each row's label above its bars when there is room, else in a
/// column to their left; each value at its bar's end.
pub(super) fn draw_bars<DB: DrawingBackend>(c: &Canvas<DB>, rect: Rect, title: &str, rows: &[BarRow]) -> Drawn {
    let mut y = rect.y0;
    for line in layout::wrap(c, title, rect.width(), size::LABEL, true) {
        c.text(&line, rect.x0, y, size::LABEL, true, INK, Align::Left)?;
        y += c.line_height(size::LABEL);
    }
    if !title.is_empty() {
        y += c.px(8.0);
    }
    let label_h = c.line_height(size::LABEL);
    let text_h = c.line_height(size::NOTE);
    let bars: i32 = rows.iter().map(|r| r.bars.len() as i32).sum::<i32>().max(1);
    let n = rows.len().max(1) as i32;
    // Bars of one row stand far enough apart that each value, written at its bar's end, stays
    // clear of the bars above and below it.
    let grouped = rows.iter().any(|r| r.bars.len() > 1);
    let slot_min = if grouped { text_h + c.px(2.0) } else { 0 };
    let min_gap = c.px(3.0);
    let max_bar = c.px(22.0);
    let label_lines = |width: i32| -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| layout::wrap(c, &row.label, width, size::LABEL, false))
            .collect()
    };
    // Labels above bars: the room left after the labels goes to bars and gaps between rows.
    let above = label_lines(rect.width());
    let lines: i32 = above.iter().map(|l| l.len() as i32).sum();
    let room = (rect.y1 - y - lines * label_h).max(0);
    let slot = (room - n * c.px(12.0)) / bars;
    let stacked_bar_h = (slot - min_gap).min(max_bar);
    let stacked = stacked_bar_h >= c.px(8.0) && slot >= slot_min;
    let (labels, label_w) = if stacked {
        (above, 0)
    } else {
        let w = rect.width() * 9 / 20;
        (label_lines(w - c.px(8.0)), w)
    };
    let value_w = rows
        .iter()
        .flat_map(|r| r.bars.iter())
        .map(|(v, _)| c.measure(&thousands(*v), size::NOTE, false))
        .max()
        .unwrap_or(0);
    let max = rows
        .iter()
        .flat_map(|r| r.bars.iter())
        .map(|(v, _)| *v)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1e-9);
    let bar_x = rect.x0 + label_w;
    let full = (rect.x1 - bar_x - value_w - c.px(10.0)).max(c.px(20.0));
    let (bar_h, bar_gap, row_gap) = if stacked {
        let bar_gap = min_gap.max(slot_min - stacked_bar_h);
        let row_gap = ((room - bars * (stacked_bar_h + bar_gap)) / n).clamp(0, c.px(12.0));
        (stacked_bar_h, bar_gap, row_gap)
    } else {
        let row_h = (rect.y1 - y) / n;
        let per_row = rows.iter().map(|r| r.bars.len() as i32).max().unwrap_or(1).max(1);
        let slot = ((row_h - c.px(4.0)) / per_row).max(slot_min.min(row_h / per_row));
        let bar_h = (slot - min_gap).clamp(2, max_bar);
        let bar_gap = min_gap.max(slot.min(slot_min) - bar_h);
        let row_gap = ((rect.y1 - y - bars * (bar_h + bar_gap)) / n).clamp(0, c.px(12.0));
        (bar_h, bar_gap, row_gap)
    };
    for (row, lines) in rows.iter().zip(&labels) {
        let bars_h = row.bars.len() as i32 * (bar_h + bar_gap);
        let row_top = y;
        if stacked {
            for line in lines {
                c.text(line, rect.x0, y, size::LABEL, false, INK, Align::Left)?;
                y += label_h;
            }
        } else {
            let block = lines.len() as i32 * label_h;
            let mut line_y = row_top + (bars_h.max(block) - block) / 2;
            for line in lines {
                c.text(line, bar_x - c.px(8.0), line_y, size::LABEL, false, INK, Align::Right)?;
                line_y += label_h;
            }
            y += (block - bars_h).max(0) / 2;
        }
        for (value, color) in &row.bars {
            let length = if value.is_finite() {
                ((value / max) * f64::from(full)).round() as i32
            } else {
                0
            };
            c.fill_rect(
                Rect {
                    x0: bar_x,
                    y0: y,
                    x1: bar_x + length.max(1),
                    y1: y + bar_h,
                },
                *color,
                1.0,
            )?;
            c.text(
                &thousands(*value),
                bar_x + length.max(1) + c.px(6.0),
                y + (bar_h - text_h) / 2,
                size::NOTE,
                false,
                MUTED,
                Align::Left,
            )?;
            y += bar_h + bar_gap;
        }
        if !stacked {
            y = y.max(row_top + lines.len() as i32 * label_h);
        }
        y += row_gap;
    }
    Ok(())
}

/// The rows at the end of a run: processed, left by outcome (largest first), still waiting,
/// and did not join (when anybody did not).
pub(super) fn end_rows(results: &Folder, color: Option<RGBColor>) -> Vec<BarRow> {
    let pick = |own: RGBColor| color.unwrap_or(own);
    let mut rows = vec![BarRow {
        label: "Processed".to_owned(),
        bars: vec![(results.summary.total.processed.mean.unwrap_or(0.0), pick(GREEN))],
    }];
    let mut left = results.left_by_outcome();
    left.retain(|(_, v)| *v > 0.0);
    left.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if left.is_empty() {
        rows.push(BarRow {
            label: "Left the list".to_owned(),
            bars: vec![(results.summary.total.abandoned.mean.unwrap_or(0.0), pick(VERMILLION))],
        });
    }
    for (outcome, value) in left {
        rows.push(BarRow {
            label: format!("Left: {outcome}"),
            bars: vec![(value, pick(VERMILLION))],
        });
    }
    rows.push(BarRow {
        label: "Still waiting".to_owned(),
        bars: vec![(results.summary.total.waiting_at_end.mean.unwrap_or(0.0), pick(BLUE))],
    });
    if results.summary.total.did_not_join.mean.is_some_and(|v| v > 0.0) {
        rows.push(BarRow {
            label: "Did not join the list".to_owned(),
            bars: vec![(results.summary.total.did_not_join.mean.unwrap_or(0.0), pick(LIGHT))],
        });
    }
    rows
}

/// Cumulative sums of a daily series' means (people per day, times the days of each row).
fn cumulative(results: &Folder, name: &str) -> Vec<f64> {
    let row_days = results.row_days.max(1);
    results
        .series(name)
        .iter()
        .enumerate()
        .scan(0.0, |sum, (row, band)| {
            let days = crate::stats::days_in_row(row, row_days, results.horizon_days()).max(1);
            *sum += if band.mean.is_finite() {
                band.mean * f64::from(days)
            } else {
                0.0
            };
            Some(*sum)
        })
        .collect()
}

/// Draws the chart.
pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, results: &Folder, title: Option<&str>) -> Drawn {
    let legend = vec![
        LegendItem::new("Processed", Swatch::Fill(GREEN, 1.0)),
        LegendItem::new("Left the list unprocessed", Swatch::Fill(VERMILLION, 1.0)),
        LegendItem::new("On the list", Swatch::Fill(BLUE, 1.0)),
    ];
    let mut notes = vec![format!(
        "Means of {} runs. What people who left did is the scenario's assumption.",
        results.replications()
    )];
    if results.warm_up_days() > 0 {
        notes.push(format!(
            "Bars leave out people who joined before day {} (warm-up); the areas include everyone.",
            results.warm_up_days()
        ));
    }
    let frame = Frame {
        title: title.unwrap_or("Where people went").to_owned(),
        subtitle: super::subtitle(results, "everyone who joined the list"),
        legend,
        notes,
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let split = body.x0 + (f64::from(body.width()) * 0.62) as i32;
    let left_body = Rect { x1: split, ..body };
    let right_body = Rect {
        x0: split + c.px(36.0),
        ..body
    };

    let processed = cumulative(results, "processed");
    let left = cumulative(results, "abandoned");
    let on_list: Vec<f64> = results
        .series("on_list")
        .iter()
        .map(|b| if b.mean.is_finite() { b.mean } else { 0.0 })
        .collect();
    let days = processed.len().min(left.len()).min(on_list.len());
    let y_max = (0..days)
        .map(|d| processed[d] + left[d] + on_list[d])
        .fold(0.0, f64::max)
        .max(1.0);
    let y = Axis::new(0.0, y_max, "People who joined, by what became of them", Ticks::Numbers);
    let plot = Timeline::of(results).layout_plot(c, left_body, y);
    plot.draw_grid(c)?;
    // Many days: every k-th day (the areas are cumulative, so sampling loses nothing visible).
    let step = series::bucket_days(days, plot.rect.width());
    let keep: Vec<usize> = (0..days).filter(|d| d % step == 0 || d + 1 == days).collect();
    let pick = |values: &[f64]| keep.iter().map(|&d| values[d]).collect::<Vec<f64>>();
    let row_days = f64::from(results.row_days.max(1));
    let xs: Vec<f64> = keep
        .iter()
        .map(|&d| ((d as f64 + 1.0) * row_days).min(f64::from(results.horizon_days())))
        .collect();
    series::stacked(
        c,
        &plot,
        &xs,
        &[
            (&pick(&processed), GREEN),
            (&pick(&left), VERMILLION),
            (&pick(&on_list), BLUE),
        ],
    )?;
    plot.draw_axes(c)?;

    let end = match results.date_of_day(i64::from(results.horizon_days()) - 1) {
        Some(date) => format!("At the end ({}), people per run", style::long_date(date)),
        None => format!(
            "At the end (day {}), people per run",
            thousands(f64::from(results.horizon_days()))
        ),
    };
    draw_bars(c, right_body, &end, &end_rows(results, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outcomes keep the names the scenario gave them, and the legend lists only the areas
    /// drawn (the bars are labelled where they stand).
    #[test]
    fn names_are_kept_as_written_and_the_legend_shows_what_is_drawn() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let text = crate::source::DEFAULT_SCENARIO.replace("stayed_in_mexico", "stayed_in_Mexico");
        let model = crate::Scenario::from_text("t.toml", text)
            .load_with(&[crate::Change::integer("run.horizon_days", 60)])
            .expect("valid");
        let results = crate::simulate(&model, &crate::RunOptions::new().replications(2)).expect("runs");
        results.write_folder(dir.path()).expect("written");
        let folder = Folder::read(dir.path()).expect("read");
        assert!(folder.summary.total.did_not_join.mean.is_some_and(|v| v > 0.0));
        let rows = end_rows(&folder, None);
        assert!(rows.iter().any(|row| row.label == "Left: stayed_in_Mexico"), "{rows:?}");
        let svg = super::super::Chart::Single(super::super::Kind::Outcomes, &folder)
            .svg(&super::super::Options::default())
            .expect("drawn");
        assert!(svg.contains("Did not join the list"));
        assert!(!svg.contains(">Did not join<"), "no legend entry for an area not drawn");
    }
}
