//! The frame of a chart: title, subtitle, legend, notes and the source line.

use super::wrap::wrap_by;
use crate::chart::canvas::{Align, Canvas, Drawn, Rect};
use crate::chart::style::{INK, MUTED, size};
use crate::error::Error;
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(in crate::chart) enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A filled box with an opacity.
    Fill(RGBColor, f64),
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::chart) struct LegendItem {
    /// Text.
    pub label: String,
    /// Mark.
    pub swatch: Swatch,
}

impl LegendItem {
    /// An entry.
    pub(in crate::chart) fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        LegendItem {
            label: label.into(),
            swatch,
        }
    }
}

/// What surrounds the chart body.
#[derive(Debug, Clone, Default)]
pub(in crate::chart) struct Frame {
    /// Title.
    pub title: String,
    /// Subtitle: scenario, replications, dates.
    pub subtitle: String,
    /// Legend entries (drawn when there is more than one series).
    pub legend: Vec<LegendItem>,
    /// Footnotes above the source line.
    pub notes: Vec<String>,
    /// The source line.
    pub source: String,
}

/// Splits `text` into lines no wider than `width` pixels (see [`wrap_by`]).
pub(in crate::chart) fn wrap<DB: DrawingBackend>(
    c: &Canvas<DB>,
    text: &str,
    width: i32,
    size: f64,
    bold: bool,
) -> Vec<String> {
    wrap_by(text, &|line: &str| c.measure(line, size, bold) <= width)
}

/// Outer margin, design pixels.
const MARGIN: f64 = 28.0;

fn draw_swatch<DB: DrawingBackend>(c: &Canvas<DB>, swatch: Swatch, x: i32, y_mid: i32) -> Drawn {
    let w = c.px(28.0);
    match swatch {
        Swatch::Line(color) => c.line(&[(x, y_mid), (x + w, y_mid)], color, 3.0),
        Swatch::Fill(color, alpha) => {
            let h = c.px(8.0);
            c.fill_rect(
                Rect {
                    x0: x,
                    y0: y_mid - h,
                    x1: x + w,
                    y1: y_mid + h,
                },
                color,
                alpha,
            )
        }
    }
}

/// Draws the frame and returns the rectangle left for the chart body.
pub(in crate::chart) fn draw_frame<DB: DrawingBackend>(c: &Canvas<DB>, frame: &Frame) -> Result<Rect, Error> {
    let margin = c.px(MARGIN);
    let (left, right) = (margin, c.width - margin);
    let width = right - left;
    let mut y = c.px(MARGIN * 0.8);
    for line in wrap(c, &frame.title, width, size::TITLE, true) {
        c.text(&line, left, y, size::TITLE, true, INK, Align::Left)?;
        y += c.line_height(size::TITLE);
    }
    y += c.px(2.0);
    for line in wrap(c, &frame.subtitle, width, size::SUBTITLE, false) {
        c.text(&line, left, y, size::SUBTITLE, false, MUTED, Align::Left)?;
        y += c.line_height(size::SUBTITLE);
    }
    if frame.legend.len() > 1 {
        y += c.px(10.0);
        let row_h = c.line_height(size::LABEL) + c.px(4.0);
        let mut x = left;
        for item in &frame.legend {
            let item_w = c.px(28.0 + 8.0) + c.measure(&item.label, size::LABEL, false);
            if x > left && x + item_w > right {
                x = left;
                y += row_h;
            }
            draw_swatch(c, item.swatch, x, y + c.line_height(size::LABEL) / 2)?;
            c.text(&item.label, x + c.px(36.0), y, size::LABEL, false, INK, Align::Left)?;
            x += item_w + c.px(28.0);
        }
        y += row_h;
    }
    let top = y + c.px(10.0);

    let mut bottom = c.height - c.px(MARGIN * 0.7);
    let source_lines = wrap(c, &frame.source, width, size::SOURCE, false);
    let note_lines: Vec<String> = frame
        .notes
        .iter()
        .flat_map(|note| wrap(c, note, width, size::SOURCE, false))
        .collect();
    let line_h = c.line_height(size::SOURCE);
    bottom -= line_h * (source_lines.len() + note_lines.len()) as i32;
    let mut y = bottom;
    for line in note_lines.iter().chain(&source_lines) {
        c.text(line, left, y, size::SOURCE, false, MUTED, Align::Left)?;
        y += line_h;
    }
    Ok(Rect {
        x0: left,
        y0: top,
        x1: right,
        y1: bottom - c.px(14.0),
    })
}
