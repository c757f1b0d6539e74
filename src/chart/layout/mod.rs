//! Layout shared by every chart: the frame (title, subtitle, legend, notes, source line), the
//! axes with their ticks, and labelled vertical markers placed so that no label overlaps another
//! label or another marker's line; [`layout_plot`] puts them together around a plot.

mod axes;
mod frame;
mod marks;
mod wrap;

pub(in crate::chart) use axes::{Axis, Scale, Ticks, time_ticks};
pub(in crate::chart) use frame::{Frame, LegendItem, Swatch, draw_frame, wrap};
pub(in crate::chart) use marks::Mark;

use crate::chart::canvas::{Align, Canvas, Drawn, PlotArea, Rect};
use crate::chart::style::{self, GRID, INK, MARKER, MUTED, size};
use crate::model::Date;
use axes::{number_ticks, percent_ticks, shared_grid_ticks};
use marks::{Placed, place_marks};

/// Most markers a chart labels (directly or in a numbered key); beyond, only their lines.
const MAX_LABELLED_MARKS: usize = 60;

/// Lines of `marks` without labels, one per pixel, and the note that says what they are.
fn unlabelled(marks: &[(i32, String, RGBColor)]) -> (Vec<Placed>, Vec<(String, String)>) {
    let mut lines: Vec<Placed> = marks.iter().map(|(x, _, color)| Placed::line(*x, *color)).collect();
    lines.sort_by_key(|line| line.x);
    lines.dedup_by_key(|line| line.x);
    let note = format!(
        "Dashed lines: {} dated changes in the scenario (too many to label).",
        crate::format::thousands(marks.len() as f64)
    );
    (lines, vec![(String::new(), note)])
}
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// A laid-out plot: the data rectangle, scales and everything around it.
#[derive(Debug, Clone)]
pub(in crate::chart) struct Plot {
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

/// Inputs of [`layout_plot`].
pub(in crate::chart) struct PlotSpec<'a> {
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
///
/// With more than [`MAX_LABELLED_MARKS`] markers, none is labelled: their lines are drawn (one
/// per pixel) with a note, in time linear in their number.
pub(in crate::chart) fn layout_plot<DB: DrawingBackend>(c: &Canvas<DB>, body: Rect, spec: &PlotSpec<'_>) -> Plot {
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
    let placement = if direct.len() > MAX_LABELLED_MARKS {
        None
    } else {
        Some(place_marks(c, &direct, bounds, max_rows))
    };
    let (mut marks, mut key) = match placement {
        None => unlabelled(&direct),
        Some((placed, true)) => (placed, Vec::new()),
        Some((_, false)) => {
            // Numbers for the labelled marks only; unlabelled lines stay lines.
            let mut number = 0;
            let numbers: Vec<String> = in_range
                .iter()
                .map(|m| {
                    if m.label.is_empty() {
                        String::new()
                    } else {
                        number += 1;
                        number.to_string()
                    }
                })
                .collect();
            let numbered: Vec<(i32, String, RGBColor)> = in_range
                .iter()
                .zip(&numbers)
                .map(|(m, n)| (x.map(m.value), n.clone(), m.color))
                .collect();
            let (placed, _) = place_marks(c, &numbered, bounds, max_rows.max(3));
            let key = in_range
                .iter()
                .zip(numbers)
                .filter(|(m, _)| !m.label.is_empty())
                .map(|(m, n)| (n, m.key.clone()))
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
    let rect = Rect {
        x0: left,
        y0: top,
        x1: right,
        y1: bottom,
    };
    c.record_plot(PlotArea { rect, x: (x.d0, x.d1) });
    Plot {
        rect,
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
    pub(in crate::chart) fn draw_grid<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> Drawn {
        for (value, _) in &self.y_ticks {
            let y = self.y.map(*value);
            if y != self.rect.y1 {
                c.line(&[(self.rect.x0, y), (self.rect.x1, y)], GRID, 1.0)?;
            }
        }
        Ok(())
    }

    /// Axes, tick labels, titles, markers and the key (after the data).
    pub(in crate::chart) fn draw_axes<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> Drawn {
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
    pub(in crate::chart) fn draw_empty<DB: DrawingBackend>(&self, c: &Canvas<DB>, message: &str) -> Drawn {
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
pub(in crate::chart) struct Timeline {
    /// Date of day 0, when the scenario has a start date (the axis is then labelled with dates).
    pub start: Option<Date>,
    /// The last day on the axis.
    pub horizon_days: u32,
    /// Markers of policy changes.
    pub marks: Vec<Mark>,
}

impl Timeline {
    /// The days of one results folder, with its policy changes.
    pub(in crate::chart) fn of(results: &crate::results::Folder) -> Self {
        Timeline {
            start: results.start_date(),
            horizon_days: results.horizon_days(),
            marks: policy_marks(results),
        }
    }

    /// Lays out in `body` a plot of `y` against these days, with the policy changes marked.
    pub(in crate::chart) fn layout_plot<DB: DrawingBackend>(&self, c: &Canvas<DB>, body: Rect, y: Axis) -> Plot {
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

/// Policy markers of a results folder as marks on a day axis (see [`merged_marks`]).
pub(in crate::chart) fn policy_marks(results: &crate::results::Folder) -> Vec<Mark> {
    let markers: Vec<(u32, &str)> = results.markers.iter().map(|m| (m.day, m.label.as_str())).collect();
    merged_marks(&markers, |day| results.date_of_day(i64::from(day)))
        .into_iter()
        .map(|(day, label, key)| Mark {
            value: f64::from(day),
            label,
            key,
            color: MARKER,
        })
        .collect()
}

/// `1, 4 and 7 Jul` (one month), `30 Jun and 4 Jul`, or `days 181 and 184` without dates.
fn days_list(days: &[u32], date: &impl Fn(u32) -> Option<Date>) -> String {
    let dates: Option<Vec<Date>> = days.iter().map(|&day| date(day)).collect();
    let items: Vec<String> = match dates {
        Some(dates)
            if dates
                .windows(2)
                .all(|w| (w[0].year, w[0].month) == (w[1].year, w[1].month)) =>
        {
            let mut items: Vec<String> = dates.iter().map(|d| d.day.to_string()).collect();
            if let (Some(last), Some(first)) = (items.last_mut(), dates.first()) {
                *last = format!("{last} {}", style::month(*first));
            }
            items
        }
        Some(dates) if dates.windows(2).all(|w| w[0].year == w[1].year) => {
            dates.iter().map(|&d| style::short_date(d)).collect()
        }
        Some(dates) => dates.iter().map(|&d| style::long_date(d)).collect(),
        None => {
            let mut items: Vec<String> = days.iter().map(u32::to_string).collect();
            items[0] = format!("days {}", items[0]);
            items
        }
    };
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

/// Markers `(day, label)` as `(day, label, key)`, one per day, so that no two labels stand on
/// one line or say the same thing: a label that recurs is written once, on its first day, with
/// every day it applies (`no intake (1, 4 and 7 Jul)`), and the later lines go unlabelled (an
/// empty label); labels of one day are joined with `;`. Keys carry the date.
pub(in crate::chart) fn merged_marks(
    markers: &[(u32, &str)],
    date: impl Fn(u32) -> Option<Date>,
) -> Vec<(u32, String, String)> {
    let mut days_of: Vec<(&str, Vec<u32>)> = Vec::new();
    for &(day, label) in markers {
        match days_of.iter_mut().find(|(l, _)| *l == label) {
            Some((_, days)) => {
                if !days.contains(&day) {
                    days.push(day);
                }
            }
            None => days_of.push((label, vec![day])),
        }
    }
    let mut by_day: Vec<(u32, Vec<String>)> = Vec::new();
    for &(day, _) in markers {
        if !by_day.iter().any(|(d, _)| *d == day) {
            by_day.push((day, Vec::new()));
        }
    }
    by_day.sort_by_key(|(day, _)| *day);
    for (label, days) in &mut days_of {
        days.sort_unstable();
        let text = if days.len() > 1 {
            format!("{label} ({})", days_list(days, &date))
        } else {
            (*label).to_owned()
        };
        if let Some((_, labels)) = by_day.iter_mut().find(|(d, _)| *d == days[0]) {
            labels.push(text);
        }
    }
    by_day
        .into_iter()
        .map(|(day, labels)| {
            let label = labels.join("; ");
            let when = date(day).map_or_else(|| format!("day {day}"), style::long_date);
            let key = if label.is_empty() {
                String::new()
            } else {
                format!("{when}: {label}")
            };
            (day, label, key)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels that recur are written once with their days; labels of one day share a line.
    #[test]
    fn recurring_and_same_day_markers_share_one_label() {
        let start = Date::parse("2019-01-01").expect("date");
        let markers = [
            (181, "no intake"),
            (181, "under 5/day (July)"),
            (184, "no intake"),
            (187, "no intake"),
            (24, "target"),
        ];
        let merged = merged_marks(&markers, |day| Some(start.plus_days(i64::from(day))));
        let labels: Vec<(u32, &str)> = merged.iter().map(|(day, label, _)| (*day, label.as_str())).collect();
        assert_eq!(
            labels,
            vec![
                (24, "target"),
                (181, "no intake (1, 4 and 7 Jul); under 5/day (July)"),
                (184, ""),
                (187, ""),
            ]
        );
        assert_eq!(
            merged[1].2,
            "1 Jul 2019: no intake (1, 4 and 7 Jul); under 5/day (July)"
        );
        let undated = merged_marks(&[(3, "closed"), (9, "closed"), (3, "closed")], |_| None);
        assert_eq!(undated[0].1, "closed (days 3 and 9)");
        assert_eq!(undated[0].2, "day 3: closed (days 3 and 9)");
        let months = merged_marks(&[(180, "x"), (184, "x")], |day| Some(start.plus_days(i64::from(day))));
        assert_eq!(months[0].1, "x (30 Jun and 4 Jul)");
        let years = merged_marks(&[(181, "x"), (546, "x")], |day| Some(start.plus_days(i64::from(day))));
        assert_eq!(years[0].1, "x (1 Jul 2019 and 30 Jun 2020)");
    }
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
