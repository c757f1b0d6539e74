//! Layout shared by every chart: the frame (title, subtitle, legend, notes, source line), the
//! axes with their ticks, and labelled vertical markers placed so that no label overlaps another
//! label or another marker's line.

use super::canvas::{Align, Canvas, Drawn, Rect};
use super::style::{self, GRID, INK, MARKER, MUTED, nice_ticks, size};
use crate::error::Error;
use crate::format::thousands;
use crate::model::Date;
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A filled box with an opacity.
    Fill(RGBColor, f64),
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LegendItem {
    /// Text.
    pub label: String,
    /// Mark.
    pub swatch: Swatch,
}

impl LegendItem {
    /// An entry.
    pub(super) fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        LegendItem {
            label: label.into(),
            swatch,
        }
    }
}

/// What surrounds the chart body.
#[derive(Debug, Clone, Default)]
pub(super) struct Frame {
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

/// Splits `text` into lines no wider than `width` pixels (words longer than a line stay whole).
pub(super) fn wrap<DB: DrawingBackend>(c: &Canvas<DB>, text: &str, width: i32, size: f64, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && c.measure(&candidate, size, bold) > width {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
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
pub(super) fn draw_frame<DB: DrawingBackend>(c: &Canvas<DB>, frame: &Frame) -> Result<Rect, Error> {
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

/// A linear map from data values to pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scale {
    /// Data value at `p0`.
    pub d0: f64,
    /// Data value at `p1`.
    pub d1: f64,
    /// Pixel of `d0`.
    pub p0: i32,
    /// Pixel of `d1`.
    pub p1: i32,
}

impl Scale {
    /// Pixel of `value` (not clamped).
    pub(super) fn map(&self, value: f64) -> i32 {
        let span = self.d1 - self.d0;
        let t = if span == 0.0 { 0.0 } else { (value - self.d0) / span };
        (f64::from(self.p0) + t * f64::from(self.p1 - self.p0)).round() as i32
    }

    /// Pixel of `value`, kept within the axis.
    pub(super) fn clamped(&self, value: f64) -> i32 {
        let v = if value.is_nan() { self.d0 } else { value };
        let (lo, hi) = (self.d0.min(self.d1), self.d0.max(self.d1));
        self.map(v.clamp(lo, hi))
    }
}

/// How an axis is labelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Ticks {
    /// Round numbers (counts, days).
    Numbers,
    /// 0–100%.
    Percent,
    /// Days from the start: month names when the scenario has a start date, day numbers otherwise.
    Time(Option<Date>),
    /// Named categories at 0, 1, 2, … labelled with the axis's `categories` (horizontal axis
    /// only): values that are not numbers, such as `fifo` and `lifo`.
    Categories,
}

/// An axis: its range, title and labels.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Axis {
    /// Lowest value.
    pub min: f64,
    /// Highest value.
    pub max: f64,
    /// Title with unit.
    pub title: String,
    /// Labelling.
    pub ticks: Ticks,
    /// Labels of [`Ticks::Categories`], in order (empty otherwise).
    pub categories: Vec<String>,
}

impl Axis {
    /// An axis from `min` to `max`.
    pub(super) fn new(min: f64, max: f64, title: impl Into<String>, ticks: Ticks) -> Self {
        Axis {
            min,
            max,
            title: title.into(),
            ticks,
            categories: Vec::new(),
        }
    }

    /// A horizontal axis of named categories at 0, 1, 2, …, with half a step of room at
    /// either end.
    pub(super) fn categories(title: impl Into<String>, labels: Vec<String>) -> Self {
        Axis {
            min: -0.5,
            max: labels.len().max(1) as f64 - 0.5,
            title: title.into(),
            ticks: Ticks::Categories,
            categories: labels,
        }
    }
}

/// A labelled vertical marker (a policy change, a percentile).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Mark {
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
struct Placed {
    x: i32,
    /// Row above the plot (0 nearest), or `None` when the label found no room (line only).
    row: Option<usize>,
    x0: i32,
    x1: i32,
    text: String,
    color: RGBColor,
}

/// Places labels in as few rows as possible (at most `max_rows`); see [`place_marks_in`].
fn place_marks<DB: DrawingBackend>(
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

/// A laid-out plot: the data rectangle, scales and everything around it.
#[derive(Debug, Clone)]
pub(super) struct Plot {
    /// The data area.
    pub rect: Rect,
    /// x scale.
    pub x: Scale,
    /// y scale.
    pub y: Scale,
    /// Right-hand y scale, if any.
    pub y2: Option<Scale>,
    x_ticks: Vec<(f64, String)>,
    y_ticks: Vec<(f64, String)>,
    y2_ticks: Vec<(f64, String)>,
    x_title: String,
    y_title: String,
    y2_title: String,
    y2_color: RGBColor,
    body: Rect,
    marks: Vec<Placed>,
    mark_row_h: i32,
    key: Vec<(String, String)>,
    key_number_w: i32,
    key_top: i32,
    key_columns: usize,
    key_column_w: i32,
}

/// The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `x` (> 0).
fn round_step_at_least(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&step| step >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

/// Percent ticks in `intervals` equal steps from 0 to 100%.
fn percent_ticks(intervals: usize) -> Vec<(f64, String)> {
    (0..=intervals)
        .map(|k| {
            let v = 100.0 * k as f64 / intervals as f64;
            (v, format!("{}%", thousands(v)))
        })
        .collect()
}

/// Ticks from 0 to at least `max` in 4, 5 or 2 round steps (the fewest wasted), so that a
/// percent axis on the other side can share the grid lines. Returns (max, ticks, intervals).
fn shared_grid_ticks(max: f64) -> (f64, Vec<(f64, String)>, usize) {
    let max = max.max(1e-9);
    let best = [4usize, 5, 2]
        .iter()
        .map(|&n| (n, round_step_at_least(max / n as f64)))
        .min_by(|a, b| (a.0 as f64 * a.1).total_cmp(&(b.0 as f64 * b.1)))
        .unwrap_or((4, max / 4.0));
    let (n, step) = best;
    let ticks = (0..=n)
        .map(|k| (k as f64 * step, style::tick(k as f64 * step, step)))
        .collect();
    (n as f64 * step, ticks, n)
}

/// Ticks of a value axis between `min` and `max`, and the axis extended to round values.
fn number_ticks(axis: &Axis, max_ticks: usize) -> (f64, f64, Vec<(f64, String)>) {
    if axis.ticks == Ticks::Percent {
        return (0.0, 100.0, percent_ticks(4));
    }
    let (step, ticks) = nice_ticks(axis.min, axis.max.max(axis.min + 1e-9), max_ticks);
    let labelled: Vec<(f64, String)> = ticks.iter().map(|&v| (v, style::tick(v, step))).collect();
    let min = ticks.first().copied().unwrap_or(axis.min);
    let max = ticks.last().copied().unwrap_or(axis.max);
    (min, max, labelled)
}

/// Ticks of a time axis (days from 0): month starts when dated, round day numbers otherwise,
/// as dense as labels `label_w` wide allow in `width_px`.
pub(super) fn time_ticks(min: f64, max: f64, start: Option<Date>, width_px: i32, label_w: i32) -> Vec<(f64, String)> {
    let span = (max - min).max(1.0);
    let fits = |count: f64| count <= 1.0 || f64::from(width_px) / count >= f64::from(label_w) * 1.25;
    let Some(start) = start else {
        let mut ticks = 10;
        loop {
            let (step, values) = nice_ticks(min, max, ticks);
            let values: Vec<f64> = values.into_iter().filter(|v| *v >= min && *v <= max).collect();
            if fits(span / step) || ticks <= 2 {
                return values.into_iter().map(|v| (v, style::tick(v, step))).collect();
            }
            ticks -= 1;
        }
    };
    let first_day = min.ceil() as i64;
    let last_day = max.floor() as i64;
    if span <= 92.0 {
        // Short runs: every 1, 2, 7 or 14 days from the start.
        for step in [1i64, 2, 7, 14, 28] {
            if fits(span / step as f64) || step == 28 {
                return (first_day..=last_day)
                    .step_by(step as usize)
                    .map(|day| (day as f64, style::short_date(start.plus_days(day))))
                    .collect();
            }
        }
    }
    for step in [1u32, 2, 3, 6, 12, 24, 60, 120] {
        if !fits(span / (30.44 * f64::from(step))) && step != 120 {
            continue;
        }
        let mut ticks = Vec::new();
        let mut first = true;
        let mut date = Date {
            day: 1,
            ..start.plus_days(first_day)
        };
        loop {
            let day = date.days_since_epoch() - start.days_since_epoch();
            if day > last_day {
                break;
            }
            let take = if step >= 12 {
                date.month == 1 && date.year.rem_euclid((step / 12) as i32) == 0
            } else {
                (date.month - 1) % step == 0
            };
            if day >= first_day && take {
                let label = if step >= 12 {
                    date.year.to_string()
                } else if first || date.month == 1 {
                    format!("{} {}", style::month(date), date.year)
                } else {
                    style::month(date).to_owned()
                };
                ticks.push((day as f64, label));
                first = false;
            }
            date = if date.month == 12 {
                Date {
                    year: date.year + 1,
                    month: 1,
                    day: 1,
                }
            } else {
                Date {
                    month: date.month + 1,
                    ..date
                }
            };
        }
        return ticks;
    }
    Vec::new()
}

/// Inputs of [`layout_plot`].
pub(super) struct PlotSpec<'a> {
    /// Horizontal axis.
    pub x: Axis,
    /// Left axis.
    pub y: Axis,
    /// Right axis and its colour.
    pub y2: Option<(Axis, RGBColor)>,
    /// Vertical markers.
    pub marks: &'a [Mark],
}

/// Lays out a plot in `body`: tick labels, axis titles, marker labels and, when marker labels
/// do not fit, a numbered key under the plot.
pub(super) fn layout_plot<DB: DrawingBackend>(c: &Canvas<DB>, body: Rect, spec: &PlotSpec<'_>) -> Plot {
    let max_y_ticks = ((f64::from(body.height()) / (72.0 * c.scale)) as usize).clamp(3, 8);
    let percent_y2 = spec.y2.as_ref().is_some_and(|(axis, _)| axis.ticks == Ticks::Percent);
    let (y_min, y_max, y_ticks, intervals) = if percent_y2 && spec.y.ticks == Ticks::Numbers && spec.y.min == 0.0 {
        let (max, ticks, intervals) = shared_grid_ticks(spec.y.max);
        (0.0, max, ticks, intervals)
    } else {
        let (min, max, ticks) = number_ticks(&spec.y, max_y_ticks);
        (min, max, ticks, 4)
    };
    let y_label_w = y_ticks
        .iter()
        .map(|(_, label)| c.measure(label, size::LABEL, false))
        .max()
        .unwrap_or(0);
    let (y2_ticks, y2_range, y2_label_w) = match &spec.y2 {
        Some((axis, _)) => {
            let (min, max, ticks) = if axis.ticks == Ticks::Percent {
                (0.0, 100.0, percent_ticks(intervals))
            } else {
                number_ticks(axis, max_y_ticks)
            };
            let w = ticks
                .iter()
                .map(|(_, label)| c.measure(label, size::LABEL, false))
                .max()
                .unwrap_or(0);
            (ticks, Some((min, max)), w)
        }
        None => (Vec::new(), None, 0),
    };
    let left = body.x0 + y_label_w + c.px(12.0);
    let right = if y2_range.is_some() {
        body.x1 - y2_label_w - c.px(12.0)
    } else {
        body.x1 - c.px(12.0)
    };

    // Horizontal ticks.
    let (x_min, x_max, x_ticks) = match spec.x.ticks {
        Ticks::Time(start) => {
            let label_w = c.measure(if start.is_some() { "Mmm 0000" } else { "00000" }, size::LABEL, false);
            let ticks = time_ticks(spec.x.min, spec.x.max, start, right - left, label_w);
            (spec.x.min, spec.x.max, ticks)
        }
        Ticks::Categories => {
            let ticks = spec
                .x
                .categories
                .iter()
                .enumerate()
                .map(|(i, label)| (i as f64, label.clone()))
                .collect();
            (spec.x.min, spec.x.max, ticks)
        }
        _ => {
            let max_ticks = ((f64::from(right - left) / (100.0 * c.scale)) as usize).clamp(2, 12);
            number_ticks(&spec.x, max_ticks)
        }
    };
    let x = Scale {
        d0: x_min,
        d1: x_max,
        p0: left,
        p1: right,
    };

    // Marker labels: direct when they fit in a few rows, else numbers and a key.
    let row_h = c.line_height(size::NOTE) + c.px(3.0);
    let max_rows = ((f64::from(body.height()) * 0.2) / f64::from(row_h))
        .floor()
        .clamp(1.0, 5.0) as usize;
    let in_range: Vec<&Mark> = spec
        .marks
        .iter()
        .filter(|m| m.value >= x_min && m.value <= x_max)
        .collect();
    // Labels may run into the margins, but not over a right-hand axis.
    let bounds = (body.x0, if y2_range.is_some() { right } else { body.x1 });
    let direct: Vec<(i32, String, RGBColor)> = in_range
        .iter()
        .map(|m| (x.map(m.value), m.label.clone(), m.color))
        .collect();
    let (mut marks, mut key) = match place_marks(c, &direct, bounds, max_rows) {
        (placed, true) => (placed, Vec::new()),
        (_, false) => {
            let numbered: Vec<(i32, String, RGBColor)> = in_range
                .iter()
                .enumerate()
                .map(|(i, m)| (x.map(m.value), (i + 1).to_string(), m.color))
                .collect();
            let (placed, _) = place_marks(c, &numbered, bounds, max_rows.max(3));
            let key = in_range
                .iter()
                .enumerate()
                .map(|(i, m)| ((i + 1).to_string(), m.key.clone()))
                .collect();
            (placed, key)
        }
    };
    // Vertical layout.
    let title_h = if spec.y.title.is_empty() && spec.y2.is_none() {
        0
    } else {
        c.line_height(size::LABEL) + c.px(6.0)
    };
    let x_title_h = if spec.x.title.is_empty() {
        0
    } else {
        c.line_height(size::LABEL) + c.px(4.0)
    };
    let (mut top, mut key_h, mut key_columns, mut key_column_w, mut key_number_w) =
        vertical(c, body, &marks, &key, title_h, row_h);
    let bottom_of = |key_h: i32| body.y1 - key_h - x_title_h - c.line_height(size::LABEL) - c.px(8.0);
    // A small chart keeps its plot: marker labels and their key go first (the lines stay).
    let min_plot_h = (body.height() * 2 / 5).max(c.px(60.0));
    if bottom_of(key_h) - top < min_plot_h && !marks.is_empty() {
        for mark in &mut marks {
            mark.row = None;
        }
        key = vec![(
            String::new(),
            "Dashed lines: dated changes in the scenario (too many to label at this size).".to_owned(),
        )];
        (top, key_h, key_columns, key_column_w, key_number_w) = vertical(c, body, &marks, &key, title_h, row_h);
    }
    let bottom = bottom_of(key_h);
    let y = Scale {
        d0: y_min,
        d1: y_max,
        p0: bottom,
        p1: top,
    };
    let y2 = y2_range.map(|(min, max)| Scale {
        d0: min,
        d1: max,
        p0: bottom,
        p1: top,
    });
    Plot {
        rect: Rect {
            x0: left,
            y0: top,
            x1: right,
            y1: bottom,
        },
        x,
        y,
        y2,
        x_ticks,
        y_ticks,
        y2_ticks,
        x_title: spec.x.title.clone(),
        y_title: spec.y.title.clone(),
        y2_title: spec.y2.as_ref().map(|(a, _)| a.title.clone()).unwrap_or_default(),
        y2_color: spec.y2.as_ref().map_or(INK, |(_, color)| *color),
        body,
        marks,
        mark_row_h: row_h,
        key_top: body.y1 - key_h + c.px(8.0),
        key,
        key_columns,
        key_column_w,
        key_number_w,
    }
}

/// Top of the plot, and height, columns, column width and number width of the key, for marks
/// placed in rows and a key.
fn vertical<DB: DrawingBackend>(
    c: &Canvas<DB>,
    body: Rect,
    marks: &[Placed],
    key: &[(String, String)],
    title_h: i32,
    row_h: i32,
) -> (i32, i32, usize, i32, i32) {
    let rows = marks.iter().filter_map(|p| p.row).map(|row| row + 1).max().unwrap_or(0) as i32;
    let top = body.y0 + title_h + rows * row_h + if rows > 0 { c.px(6.0) } else { c.px(4.0) };
    let key_line_h = c.line_height(size::SOURCE);
    let key_number_w = key
        .iter()
        .map(|(number, _)| c.measure(number, size::SOURCE, true))
        .max()
        .filter(|&w| w > 0)
        .map_or(0, |w| w + c.px(6.0));
    let key_column_w = key
        .iter()
        .map(|(_, text)| c.measure(text, size::SOURCE, false))
        .max()
        .unwrap_or(0)
        + key_number_w
        + c.px(24.0);
    let key_columns = if key.is_empty() {
        1
    } else {
        ((body.width() + c.px(24.0)) / key_column_w.max(1)).clamp(1, 4) as usize
    };
    let key_rows = key.len().div_ceil(key_columns) as i32;
    let key_h = if key.is_empty() {
        0
    } else {
        key_rows * key_line_h + c.px(8.0)
    };
    (top, key_h, key_columns, key_column_w, key_number_w)
}

impl Plot {
    /// Grid lines (before the data).
    pub(super) fn draw_grid<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> Drawn {
        for (value, _) in &self.y_ticks {
            let y = self.y.map(*value);
            if y != self.rect.y1 {
                c.line(&[(self.rect.x0, y), (self.rect.x1, y)], GRID, 1.0)?;
            }
        }
        Ok(())
    }

    /// Axes, tick labels, titles, markers and the key (after the data).
    pub(super) fn draw_axes<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> Drawn {
        let r = self.rect;
        let label_h = c.line_height(size::LABEL);
        // Markers: dashed lines from their label row down to the axis, then the labels.
        for mark in &self.marks {
            let rows = self.marks.iter().filter_map(|p| p.row).max().map_or(0, |row| row + 1);
            let row_top = match (mark.row, rows) {
                (_, 0) => r.y0,
                (row, _) => r.y0 - c.px(6.0) - (row.unwrap_or(rows - 1) as i32 + 1) * self.mark_row_h,
            };
            c.dashed(&[(mark.x, row_top), (mark.x, r.y1)], mark.color, 1.5, 5.0, 4.0)?;
            if mark.row.is_none() {
                continue;
            }
            c.text(
                &mark.text,
                mark.x0,
                row_top + c.px(1.0),
                size::NOTE,
                false,
                if mark.color == MARKER { INK } else { mark.color },
                Align::Left,
            )?;
        }
        // Baseline.
        c.line(&[(r.x0, r.y1), (r.x1, r.y1)], INK, 1.2)?;
        // y tick labels, right-aligned against the plot; the title above them.
        for (value, label) in &self.y_ticks {
            let y = self.y.map(*value);
            c.text(
                label,
                r.x0 - c.px(10.0),
                y - label_h / 2,
                size::LABEL,
                false,
                MUTED,
                Align::Right,
            )?;
        }
        if !self.y_title.is_empty() {
            c.text(
                &self.y_title,
                self.body.x0,
                self.body.y0,
                size::LABEL,
                true,
                INK,
                Align::Left,
            )?;
        }
        if let Some(y2) = &self.y2 {
            for (value, label) in &self.y2_ticks {
                let y = y2.map(*value);
                c.text(
                    label,
                    r.x1 + c.px(10.0),
                    y - label_h / 2,
                    size::LABEL,
                    false,
                    self.y2_color,
                    Align::Left,
                )?;
            }
            c.text(
                &self.y2_title,
                self.body.x1,
                self.body.y0,
                size::LABEL,
                true,
                self.y2_color,
                Align::Right,
            )?;
        }
        // x ticks and labels, kept inside the body.
        let tick_y = r.y1 + c.px(6.0);
        let mut last_right = i32::MIN;
        for (value, label) in &self.x_ticks {
            let x = self.x.map(*value);
            c.line(&[(x, r.y1), (x, r.y1 + c.px(5.0))], INK, 1.0)?;
            let w = c.measure(label, size::LABEL, false);
            let x0 = (x - w / 2).clamp(self.body.x0, self.body.x1 - w);
            if x0 < last_right + c.px(6.0) {
                continue;
            }
            c.text(label, x0, tick_y, size::LABEL, false, MUTED, Align::Left)?;
            last_right = x0 + w;
        }
        if !self.x_title.is_empty() {
            c.text(
                &self.x_title,
                (r.x0 + r.x1) / 2,
                tick_y + label_h + c.px(4.0),
                size::LABEL,
                false,
                INK,
                Align::Center,
            )?;
        }
        // The key of numbered markers.
        let line_h = c.line_height(size::SOURCE);
        let rows = self.key.len().div_ceil(self.key_columns);
        for (i, (number, text)) in self.key.iter().enumerate() {
            let (column, row) = (i / rows.max(1), i % rows.max(1));
            let x = self.body.x0 + column as i32 * self.key_column_w;
            let y = self.key_top + row as i32 * line_h;
            c.text(number, x, y, size::SOURCE, true, INK, Align::Left)?;
            c.text(text, x + self.key_number_w, y, size::SOURCE, false, INK, Align::Left)?;
        }
        Ok(())
    }

    /// A message in the middle of an empty plot.
    pub(super) fn draw_empty<DB: DrawingBackend>(&self, c: &Canvas<DB>, message: &str) -> Drawn {
        let r = self.rect;
        c.text(
            message,
            (r.x0 + r.x1) / 2,
            (r.y0 + r.y1) / 2 - c.line_height(size::SUBTITLE) / 2,
            size::SUBTITLE,
            false,
            MUTED,
            Align::Center,
        )
    }
}

/// The days a chart over time spans, and the policy changes marked on them.
pub(super) struct Timeline {
    /// Date of day 0, when the scenario has a start date (the axis is then labelled with dates).
    pub start: Option<Date>,
    /// The last day on the axis.
    pub horizon_days: u32,
    /// Markers of policy changes.
    pub marks: Vec<Mark>,
}

impl Timeline {
    /// The days of one results folder, with its policy changes.
    pub(super) fn of(results: &crate::results::Folder) -> Self {
        Timeline {
            start: results.start_date,
            horizon_days: results.horizon_days,
            marks: policy_marks(results),
        }
    }

    /// Lays out in `body` a plot of `y` against these days, with the policy changes marked.
    pub(super) fn layout_plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, body: Rect, y: Axis) -> Plot {
        let title = if self.start.is_some() {
            "Date"
        } else {
            "Days from the start of the simulation"
        };
        let spec = PlotSpec {
            x: Axis::new(0.0, f64::from(self.horizon_days), title, Ticks::Time(self.start)),
            y,
            y2: None,
            marks: &self.marks,
        };
        layout_plot(c, body, &spec)
    }
}

/// Policy markers of a results folder as marks on a day axis.
pub(super) fn policy_marks(results: &crate::results::Folder) -> Vec<Mark> {
    results
        .markers
        .iter()
        .map(|marker| {
            let when = match results.date_of_day(i64::from(marker.day)) {
                Some(date) => style::long_date(date),
                None => format!("day {}", marker.day),
            };
            Mark {
                value: f64::from(marker.day),
                label: marker.label.clone(),
                key: format!("{when}: {}", marker.label),
                color: MARKER,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Date;

    #[test]
    fn dated_axes_tick_on_month_starts() {
        let start = Date::parse("2018-11-01");
        let ticks = time_ticks(0.0, 365.0, start, 1100, 70);
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels.first(), Some(&"Nov 2018"));
        assert!(labels.contains(&"Jan 2019"), "{labels:?}");
        assert!(labels.contains(&"Mar"), "{labels:?}");
        assert_eq!(ticks[1].0, 30.0);
        // Narrow: fewer, still on month starts.
        let narrow = time_ticks(0.0, 365.0, start, 300, 70);
        assert!(narrow.len() < ticks.len() && narrow.len() >= 2, "{narrow:?}");
    }

    #[test]
    fn undated_axes_tick_on_round_days() {
        let ticks = time_ticks(0.0, 365.0, None, 1100, 40);
        assert_eq!(ticks[0], (0.0, "0".to_owned()));
        assert!(ticks.iter().all(|(v, _)| v % 50.0 == 0.0), "{ticks:?}");
    }

    #[test]
    fn long_runs_tick_on_years() {
        let ticks = time_ticks(0.0, 3650.0, Date::parse("2020-03-15"), 600, 70);
        assert!(ticks.iter().all(|(_, l)| l.len() == 4), "{ticks:?}");
    }

    #[test]
    fn a_percent_axis_shares_the_grid() {
        let (max, ticks, n) = shared_grid_ticks(3_900.0);
        assert_eq!((max, n), (4_000.0, 4));
        assert_eq!(ticks.len(), 5);
        let (max, _, n) = shared_grid_ticks(4_100.0);
        assert_eq!((max, n), (5_000.0, 5));
        let (max, _, _) = shared_grid_ticks(0.7);
        assert!((0.7..=1.0).contains(&max), "{max}");
        assert_eq!(percent_ticks(5)[1].1, "20%");
    }

    #[test]
    fn scales_map_both_ways() {
        let scale = Scale {
            d0: 0.0,
            d1: 100.0,
            p0: 500,
            p1: 100,
        };
        assert_eq!(scale.map(0.0), 500);
        assert_eq!(scale.map(50.0), 300);
        assert_eq!(scale.clamped(1000.0), 100);
        assert_eq!(scale.clamped(f64::NAN), 500);
    }
}
