//! Axes: scales and their ticks (numbers, percentages, dates).

use crate::chart::style::{self, nice_ticks};
use crate::format::thousands;
use crate::model::Date;

/// A linear map from data values to pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(in crate::chart) struct Scale {
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
    /// Pixel of `value` (not clamped to the axis; a value far off it lands at most about ten
    /// million pixels away, so that pixel arithmetic never overflows).
    pub(in crate::chart) fn map(&self, value: f64) -> i32 {
        let span = self.d1 - self.d0;
        let t = if span == 0.0 || !span.is_finite() {
            0.0
        } else {
            (value - self.d0) / span
        };
        let pixel = f64::from(self.p0) + t * f64::from(self.p1 - self.p0);
        // `as` turns NaN into 0.
        pixel.round().clamp(-1.0e7, 1.0e7) as i32
    }

    /// Pixel of `value`, kept within the axis.
    pub(in crate::chart) fn clamped(&self, value: f64) -> i32 {
        let (lo, hi) = (self.d0.min(self.d1), self.d0.max(self.d1));
        if value.is_nan() || lo.is_nan() || hi.is_nan() {
            return self.map(self.d0);
        }
        self.map(value.clamp(lo, hi))
    }
}

/// How an axis is labelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(in crate::chart) enum Ticks {
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
pub(in crate::chart) struct Axis {
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
    pub(in crate::chart) fn new(min: f64, max: f64, title: impl Into<String>, ticks: Ticks) -> Self {
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
    pub(in crate::chart) fn categories(title: impl Into<String>, labels: Vec<String>) -> Self {
        Axis {
            min: -0.5,
            max: labels.len().max(1) as f64 - 0.5,
            title: title.into(),
            ticks: Ticks::Categories,
            categories: labels,
        }
    }
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
pub(super) fn percent_ticks(intervals: usize) -> Vec<(f64, String)> {
    (0..=intervals)
        .map(|k| {
            let v = 100.0 * k as f64 / intervals as f64;
            (v, format!("{}%", thousands(v)))
        })
        .collect()
}

/// Ticks from 0 to at least `max` in 4, 5 or 2 round steps (the fewest wasted), so that a
/// percent axis on the other side can share the grid lines. Returns (max, ticks, intervals).
pub(super) fn shared_grid_ticks(max: f64) -> (f64, Vec<(f64, String)>, usize) {
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
pub(super) fn number_ticks(axis: &Axis, max_ticks: usize) -> (f64, f64, Vec<(f64, String)>) {
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
pub(in crate::chart) fn time_ticks(
    min: f64,
    max: f64,
    start: Option<Date>,
    width_px: i32,
    label_w: i32,
) -> Vec<(f64, String)> {
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
