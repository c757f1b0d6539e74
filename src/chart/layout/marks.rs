//! Labelled vertical markers (policy changes), placed so that no label overlaps another label
//! or another marker's line, and the timeline they stand on.

use crate::chart::canvas::Canvas;
use crate::chart::style::size;
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// A labelled vertical marker (a policy change, a percentile).
#[derive(Debug, Clone, PartialEq)]
pub(in crate::chart) struct Mark {
    /// Where, in x-axis units.
    pub value: f64,
    /// Label drawn next to the line.
    pub label: String,
    /// Longer text for the numbered key used when labels do not fit (e.g. with the date).
    pub key: String,
    /// Colour of line and label.
    pub color: RGBColor,
}

/// Where one mark's label went.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Placed {
    pub(super) x: i32,
    /// Row above the plot (0 nearest), or `None` when the label found no room (line only).
    pub(super) row: Option<usize>,
    pub(super) x0: i32,
    pub(super) x1: i32,
    pub(super) text: String,
    pub(super) color: RGBColor,
}

impl Placed {
    /// A marker's line without a label.
    pub(super) fn line(x: i32, color: RGBColor) -> Placed {
        Placed {
            x,
            row: None,
            x0: x,
            x1: x,
            text: String::new(),
            color,
        }
    }
}

/// Places labels in as few rows as possible (at most `max_rows`); see [`place_marks_in`].
pub(super) fn place_marks<DB: DrawingBackend>(
    c: &Canvas<DB>,
    marks: &[(i32, String, RGBColor)],
    bounds: (i32, i32),
    max_rows: usize,
) -> (Vec<Placed>, bool) {
    for rows in 1..max_rows {
        let (placed, all) = place_marks_in(c, marks, bounds, rows);
        if all {
            return (placed, true);
        }
    }
    place_marks_in(c, marks, bounds, max_rows.max(1))
}

/// Places labels of marks at pixel positions in `max_rows` rows above the plot, right to left,
/// each where it overlaps no label and crosses no line. Returns every mark (unplaced ones with
/// `row: None`) and whether all labels found room.
fn place_marks_in<DB: DrawingBackend>(
    c: &Canvas<DB>,
    marks: &[(i32, String, RGBColor)],
    bounds: (i32, i32),
    max_rows: usize,
) -> (Vec<Placed>, bool) {
    let pad = c.px(5.0);
    let gap = c.px(12.0);
    let clearance = c.px(4.0);
    let mut order: Vec<usize> = (0..marks.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse((marks[i].0, i)));
    let mut placed: Vec<Placed> = Vec::new();
    let mut all = true;
    for i in order {
        let (x, text, color) = &marks[i];
        if text.is_empty() {
            // A line the label of another mark speaks for.
            placed.push(Placed::line(*x, *color));
            continue;
        }
        let w = c.measure(text, size::NOTE, false);
        let fits = |row: usize, (x0, x1): (i32, i32)| {
            x0 >= bounds.0
                && x1 <= bounds.1
                && placed.iter().all(|p| {
                    let Some(p_row) = p.row else {
                        // A line without a label runs up to the top row.
                        return !(x0 - clearance <= p.x && p.x <= x1 + clearance);
                    };
                    let box_clear = p_row < row || !(x0 - clearance <= p.x && p.x <= x1 + clearance);
                    let line_clear = p_row > row || !(p.x0 - clearance <= *x && *x <= p.x1 + clearance);
                    let boxes_clear = p_row != row || x1 + gap <= p.x0 || p.x1 + gap <= x0;
                    box_clear && line_clear && boxes_clear
                })
        };
        // Right of the line from the lowest row up; else left of it from the highest row down
        // (a label to the left covers lines not yet placed, which can then pass below it).
        let right = (x + pad, x + pad + w);
        let left = (x - pad - w, x - pad);
        let spot = (0..max_rows)
            .find(|&row| fits(row, right))
            .map(|row| (row, right))
            .or_else(|| (0..max_rows).rev().find(|&row| fits(row, left)).map(|row| (row, left)));
        all &= spot.is_some();
        placed.push(Placed {
            x: *x,
            row: spot.map(|(row, _)| row),
            x0: spot.map_or(*x, |(_, side)| side.0),
            x1: spot.map_or(*x, |(_, side)| side.1),
            text: text.clone(),
            color: *color,
        });
    }
    placed.sort_by_key(|p| p.x);
    (placed, all)
}
