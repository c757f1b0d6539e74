//! The look shared by every chart: palette, embedded fonts, text sizes, and how numbers and
//! dates are written.

use crate::format::thousands;
use crate::model::Date;
use plotters::style::{FontStyle, RGBColor};
use std::sync::Once;

/// The font family every chart uses. It is registered under this name (and plotters' generic
/// names) with the embedded DejaVu Sans, so nothing is looked up on the system; SVG files name
/// it as a CSS list so that a browser without DejaVu Sans falls back to a narrower sans-serif.
pub(super) const FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// Registers the embedded fonts with plotters (once per process).
pub(super) fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for family in [FAMILY, "sans-serif", "serif", "monospace"] {
            // The fonts are valid TrueType files compiled into the binary, so this cannot fail.
            let _ = plotters::style::register_font(family, FontStyle::Normal, dejavu::sans::regular());
            let _ = plotters::style::register_font(family, FontStyle::Bold, dejavu::sans::bold());
        }
    });
}

// Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
// deficiency.
/// Blue.
pub(super) const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Vermillion.
pub(super) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Bluish green.
pub(super) const GREEN: RGBColor = RGBColor(0, 158, 115);
/// Orange.
pub(super) const ORANGE: RGBColor = RGBColor(230, 159, 0);
/// Reddish purple.
pub(super) const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Sky blue.
pub(super) const SKY: RGBColor = RGBColor(86, 180, 233);
/// Near-black for text and the main lines.
pub(super) const INK: RGBColor = RGBColor(34, 34, 34);
/// Grey for secondary text (subtitle, source line, tick labels).
pub(super) const MUTED: RGBColor = RGBColor(95, 95, 95);
/// Light grey for grid lines.
pub(super) const GRID: RGBColor = RGBColor(224, 224, 224);
/// Grey for policy markers.
pub(super) const MARKER: RGBColor = RGBColor(120, 120, 120);
/// Light grey for marks that are context, not data (did not join; no quote possible).
pub(super) const LIGHT: RGBColor = RGBColor(190, 190, 190);
/// The background.
pub(super) const BACKGROUND: RGBColor = RGBColor(255, 255, 255);

/// Colours of series in comparisons, in order (at most this many folders).
pub(super) const SERIES: [RGBColor; 7] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, INK];

/// Text sizes in design pixels (at the default 1200×675; scaled with the chart).
pub(super) mod size {
    /// Title.
    pub(crate) const TITLE: f64 = 30.0;
    /// Subtitle.
    pub(crate) const SUBTITLE: f64 = 20.0;
    /// Axis titles, legend and tick labels.
    pub(crate) const LABEL: f64 = 17.0;
    /// Annotations (policy markers, percentiles, bar values).
    pub(crate) const NOTE: f64 = 15.5;
    /// Source line and footnotes.
    pub(crate) const SOURCE: f64 = 14.0;
}

/// The default size of a chart, pixels.
pub(super) const DEFAULT_SIZE: (u32, u32) = (1200, 675);

/// Design pixels to real pixels for a chart of `width`×`height`: 1 at the default size; text and
/// lines grow with larger charts, and shrink more slowly than smaller ones (as the square root,
/// and never below 0.6) so that small charts stay legible.
pub(super) fn scale_for(width: u32, height: u32) -> f64 {
    let by_width = f64::from(width) / f64::from(DEFAULT_SIZE.0);
    let by_height = f64::from(height) / f64::from(DEFAULT_SIZE.1);
    let ratio = by_width.min(by_height);
    if ratio >= 1.0 { ratio } else { ratio.sqrt().max(0.6) }
}

/// A number of days for labels: whole days from 10 on, one decimal below.
pub(super) fn days(value: f64) -> String {
    if !value.is_finite() {
        "–".to_owned()
    } else if value.abs() >= 9.95 {
        thousands(value)
    } else {
        let text = format!("{value:.1}");
        text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
    }
}

/// `1 day` / `21 days`.
pub(super) fn days_phrase(value: f64) -> String {
    let text = days(value);
    if text == "1" {
        "1 day".to_owned()
    } else {
        format!("{text} days")
    }
}

/// A tick label for a value on an axis whose ticks are `step` apart.
pub(super) fn tick(value: f64, step: f64) -> String {
    // Enough decimals to write the step itself (2.5 needs one, 0.25 two).
    let decimals = (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6) as usize;
    if decimals == 0 || value == 0.0 {
        return thousands(value);
    }
    let text = format!("{:.decimals$}", value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole = thousands(whole.parse::<f64>().unwrap_or(0.0));
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}{whole}.{fraction}")
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Three-letter month name of a date.
pub(super) fn month(date: Date) -> &'static str {
    MONTHS[(date.month.clamp(1, 12) - 1) as usize]
}

/// `1 Nov 2018`: day, month, year, unambiguous in every country.
pub(super) fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day, month(date), date.year)
}

/// `1 Nov`.
pub(super) fn short_date(date: Date) -> String {
    format!("{} {}", date.day, month(date))
}

/// Steps of 1, 2 or 5 times a power of ten: at most `max_ticks` + 1 ticks from 0 (or `min`) to
/// at least `max`. Returns (step, ticks).
pub(super) fn nice_ticks(min: f64, max: f64, max_ticks: usize) -> (f64, Vec<f64>) {
    let max_ticks = max_ticks.max(2) as f64;
    let span = (max - min).max(f64::MIN_POSITIVE);
    let raw = span / max_ticks;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&step| span / step <= max_ticks)
        .unwrap_or(10.0 * power);
    let first = (min / step).floor();
    let last = (max / step).ceil();
    let ticks = (first as i64..=last as i64).map(|i| i as f64 * step).collect();
    (step, ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_ticks_read_well() {
        assert_eq!(days(3.04), "3");
        assert_eq!(days(3.25), "3.2");
        assert_eq!(days(21.4), "21");
        assert_eq!(days_phrase(1.0), "1 day");
        assert_eq!(tick(0.5, 0.25), "0.50");
        assert_eq!(tick(0.4, 0.2), "0.4");
        assert_eq!(tick(2500.0, 500.0), "2,500");
        assert_eq!(tick(7.5, 2.5), "7.5");
        assert_eq!(tick(5.0, 2.5), "5.0");
        assert_eq!(tick(12_500.0, 2_500.0), "12,500");
        assert_eq!(tick(1_002.5, 2.5), "1,002.5");
    }

    #[test]
    fn dates_are_parsed_and_written_unambiguously() {
        let date = Date::parse("2018-11-01").expect("valid");
        assert_eq!(long_date(date), "1 Nov 2018");
        assert_eq!(short_date(date.plus_days(61)), "1 Jan");
        assert!(Date::parse("2018-02-30").is_none());
        assert!(Date::parse("").is_none());
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let (step, ticks) = nice_ticks(0.0, 7_843.0, 6);
        assert_eq!(step, 2000.0);
        assert_eq!(ticks, vec![0.0, 2000.0, 4000.0, 6000.0, 8000.0]);
        let (step, ticks) = nice_ticks(0.0, 1.0, 5);
        assert_eq!(step, 0.2);
        assert_eq!(ticks.last(), Some(&1.0));
    }

    #[test]
    fn scale_follows_the_smaller_side() {
        assert_eq!(scale_for(1200, 675), 1.0);
        assert_eq!(scale_for(2400, 1350), 2.0);
        assert_eq!(scale_for(2400, 675), 1.0);
        assert!((scale_for(600, 338) - 0.707).abs() < 0.01);
        assert_eq!(scale_for(300, 200), 0.6);
    }
}
