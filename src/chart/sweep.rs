//! A metric of `backlog sweep` against the swept parameter: the mean at each value, marked and
//! joined by a line, with its 95% confidence interval as a shaded band; with two parameters, one
//! line per value of the second, one colour each, with a legend. Values of the first parameter
//! that are not numbers (`fifo`, `lifo`) are categories: each mean is a dot with its interval as
//! a bar, not joined, since nothing lies between two categories. Parameters are named in words
//! with their units (see `analysis::sweep::labels`), the names in their paths as written.

use super::canvas::{Canvas, Drawn};
use super::layout::{self, Axis, Frame, LegendItem, Plot, PlotSpec, Swatch, Ticks};
use super::series;
use super::style::{BACKGROUND, SERIES};
use crate::analysis::Metric;
use crate::analysis::sweep::{Axis as Swept, ChartText, ParamLabel, numeric};
use crate::error::Error;
use crate::model::Date;
use crate::overrides::Change;
use crate::results::Provenance;
use crate::stats::summary::Estimate;
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;
use std::borrow::Cow;

/// Most lines one chart shows, one colour each: values of the second parameter.
pub(crate) const MAX_LINES: usize = SERIES.len();

/// Opacity of the confidence band when there is one line.
const BAND_ALPHA: f64 = 0.22;
/// Opacity of each band when several lines share the plot.
const BANDS_ALPHA: f64 = 0.13;

/// What a sweep chart shows: one metric at every point of a sweep.
#[derive(Debug, Clone)]
pub(crate) struct SweepChart {
    /// The scenario as run before the swept values: its name, seed, replications and version.
    pub provenance: Provenance,
    /// Start date and horizon, when every point has the same ones (`None` when the sweep
    /// changes them).
    pub period: Option<(Option<Date>, u32)>,
    /// The port whose people the metric is about (`None`: everyone).
    pub port: Option<String>,
    /// The metric drawn.
    pub metric: Metric,
    /// The swept parameters: the first along the horizontal axis, the second (if any) one line
    /// per value.
    pub axes: Vec<Swept>,
    /// The swept parameters in words, one per axis.
    pub labels: Vec<ParamLabel>,
    /// A subtitle instead of the chart's own.
    pub subtitle: Option<String>,
    /// A title of the horizontal axis instead of the first parameter's label.
    pub x_label: Option<String>,
    /// The metric's mean and 95% interval at every point, in grid order (the first parameter
    /// varies slowest, as `sweep::grid` makes them).
    pub estimates: Vec<Estimate>,
}

/// One point of one line, NaN where undefined.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    x: f64,
    mean: f64,
    low: f64,
    high: f64,
}

impl SweepChart {
    /// Lines drawn: the values of the second parameter, or 1.
    pub(crate) fn lines(&self) -> usize {
        self.axes.get(1).map_or(1, |axis| axis.values.len().max(1))
    }

    /// Whether every value of the first parameter is a number, so that the values lie on a
    /// number line (else they are categories, evenly spaced in the order given).
    pub(crate) fn numeric(&self) -> bool {
        self.axes
            .first()
            .is_some_and(|axis| axis.values.iter().all(|v| numeric(v).is_some_and(f64::is_finite)))
    }

    /// The label of the swept parameter `axis` (the path itself if there is none).
    fn label(&self, axis: usize) -> Option<ParamLabel> {
        match (self.labels.get(axis), self.axes.get(axis)) {
            (Some(label), _) => Some(label.clone()),
            (None, Some(swept)) => Some(crate::analysis::sweep::label(&swept.path, None)),
            (None, None) => None,
        }
    }

    /// The chart's own title: the metric by the first parameter (not the scenario's name,
    /// which often names the value the sweep varies: the subtitle names it as the base).
    pub(crate) fn default_title(&self) -> String {
        let phrase = metric_phrase(self.metric);
        let mut chars = phrase.chars();
        let capitalised: String = chars
            .next()
            .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect());
        match self.label(0) {
            Some(label) => format!("{capitalised}, by {}", label.phrase()),
            None => capitalised,
        }
    }

    /// `Base scenario: What if: 100 a day all year, with quota (port san_ysidro) varied`
    /// (`with quota and order of service (port p) varied` when both are one port's).
    fn base_line(&self) -> String {
        let labels: Vec<ParamLabel> = (0..self.axes.len()).filter_map(|axis| self.label(axis)).collect();
        let varied = match labels.as_slice() {
            [first, second] if first.owner.is_some() && first.owner == second.owner => format!(
                "{} and {} ({})",
                first.phrase_without_owner(),
                second.phrase_without_owner(),
                first.owner.as_deref().unwrap_or_default()
            ),
            _ => labels.iter().map(ParamLabel::phrase).collect::<Vec<_>>().join(" and "),
        };
        format!("Base scenario: {}, with {varied} varied", self.provenance.scenario)
    }

    /// Title of the horizontal axis: `--x-label`, else the first parameter in words.
    fn x_title(&self) -> String {
        match (&self.x_label, self.label(0)) {
            (Some(text), _) => text.clone(),
            (None, Some(label)) => label.axis_title(),
            (None, None) => String::new(),
        }
    }

    /// `Simulated with backlog v0.1.0; scenario …; seed …; 200 replications at each of 6 points`.
    pub(crate) fn source_line(&self) -> String {
        let p = &self.provenance;
        let points = self.estimates.len();
        let at = if points == 1 {
            " at the one point".to_owned()
        } else {
            format!(" at each of {points} points")
        };
        format!("Simulated with backlog v{}; {}", p.version, p.run_phrase_at(&at))
    }

    /// Position of each value of the first parameter on the horizontal axis.
    fn xs(&self) -> Vec<f64> {
        let Some(axis) = self.axes.first() else {
            return Vec::new();
        };
        if self.numeric() {
            axis.values.iter().map(|v| numeric(v).unwrap_or(f64::NAN)).collect()
        } else {
            (0..axis.values.len()).map(|i| i as f64).collect()
        }
    }

    /// The points of each line, in the order of the first parameter's values (sorted by value
    /// when they are numbers, so that lines run left to right).
    fn lines_of_points(&self) -> Vec<Vec<Point>> {
        let xs = self.xs();
        let lines = self.lines();
        let mut order: Vec<usize> = (0..xs.len()).collect();
        if self.numeric() {
            order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
        }
        // Categories: the lines' dots side by side around each category, so none hides another.
        let dodge = |line: usize| {
            if self.numeric() || lines == 1 {
                0.0
            } else {
                (line as f64 - (lines - 1) as f64 / 2.0) * (0.5 / lines as f64)
            }
        };
        (0..lines)
            .map(|line| {
                order
                    .iter()
                    .map(|&i| {
                        let estimate = self.estimates.get(i * lines + line);
                        let value = |pick: fn(&Estimate) -> Option<f64>| estimate.and_then(pick).unwrap_or(f64::NAN);
                        Point {
                            x: xs[i] + dodge(line),
                            mean: value(|e| e.mean),
                            low: value(|e| e.ci95_low),
                            high: value(|e| e.ci95_high),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Legend labels of the lines: `Order of service: fifo`, `Service time: 0.5 days`, …
    /// (empty with one line); the subtitle says whose parameter it is.
    pub(crate) fn line_labels(&self) -> Vec<String> {
        match (self.axes.get(1), self.label(1)) {
            (Some(axis), Some(label)) => axis
                .values
                .iter()
                .map(|value| format!("{}: {}", label.name, label.with_unit(&shown(&axis.path, value))))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Refuses chart text that is not one line (before anything runs).
pub(crate) fn check_text(text: &ChartText) -> Result<(), Error> {
    super::one_line("title", text.title.as_deref())?;
    super::one_line("subtitle", text.subtitle.as_deref())?;
    super::one_line("x label", text.x_label.as_deref())
}

/// A swept value as tables and folder names show it (text without quotes).
fn shown(path: &str, value: &toml_edit::Value) -> String {
    Change::new(path, value.clone()).value_shown()
}

/// Title of the vertical axis, with the unit.
pub(crate) fn axis_title(metric: Metric) -> Cow<'static, str> {
    Cow::Borrowed(match metric {
        Metric::ShareOver(days) => {
            return Cow::Owned(format!("Share of people processed who waited over {days} days, 0 to 1"));
        }
        Metric::Processed => "People processed, per run",
        Metric::Abandoned => "People who left unprocessed, per run",
        Metric::WaitingAtEnd => "People still waiting at the end, per run",
        Metric::WaitMean => "Wait, days (mean)",
        Metric::WaitP50 => "Wait, days (median)",
        Metric::WaitP90 => "Wait, days (90th percentile)",
        Metric::WaitP99 => "Wait, days (99th percentile)",
        Metric::ShareWaited => "Share of people processed who waited at all, 0 to 1",
        Metric::FirstEmptyDay => "First day the list was empty, days from the start",
        Metric::PeakList => "Longest list at the end of a day, people",
    })
}

/// What the metric is, for the title.
pub(crate) fn metric_phrase(metric: Metric) -> Cow<'static, str> {
    Cow::Borrowed(match metric {
        Metric::ShareOver(days) => {
            return Cow::Owned(format!("share of people processed who waited over {days} days"));
        }
        Metric::Processed => "people processed",
        Metric::Abandoned => "people who left unprocessed",
        Metric::WaitingAtEnd => "people still waiting at the end",
        Metric::WaitMean => "mean wait of people processed",
        Metric::WaitP50 => "median wait of people processed",
        Metric::WaitP90 => "90th-percentile wait of people processed",
        Metric::WaitP99 => "99th-percentile wait of people processed",
        Metric::ShareWaited => "share of people processed who waited at all",
        Metric::FirstEmptyDay => "first day the list was empty",
        Metric::PeakList => "longest list at the end of a day",
    })
}

/// Why a point can have no value of `metric`.
fn why_undefined(metric: Metric) -> &'static str {
    match metric {
        Metric::FirstEmptyDay => "the list never emptied in any run",
        _ if metric.in_days() => "nobody was processed in any run",
        _ => "no run gave one",
    }
}

fn color(line: usize) -> RGBColor {
    SERIES[line % SERIES.len()]
}

fn subtitle(chart: &SweepChart, numeric: bool) -> String {
    if let Some(text) = &chart.subtitle {
        return text.clone();
    }
    let runs = chart.provenance.replications;
    let at = if chart.axes.len() > 1 { "point" } else { "value" };
    let mut what = if runs <= 1 {
        format!("One simulated run at each {at} (no confidence interval)")
    } else if numeric {
        format!("Mean of {runs} simulated runs at each {at}; shaded: its 95% confidence interval")
    } else {
        format!("Mean of {runs} simulated runs at each {at} (dots) and its 95% confidence interval (bars)")
    };
    if let Some(label) = chart.label(1) {
        what.push_str(&format!(
            "; one {} per value of {}",
            if numeric { "line" } else { "colour" },
            label.phrase(),
        ));
    }
    let mut parts = vec![chart.base_line(), what];
    if let Some(port) = &chart.port {
        parts.push(format!("port {port} only"));
    }
    if let Some((start, horizon)) = chart.period {
        parts.push(super::period(start, horizon));
    }
    parts.join(" · ")
}

fn notes(chart: &SweepChart, lines: &[Vec<Point>]) -> Vec<String> {
    let mut notes = Vec::new();
    let metric = chart.metric;
    if metric.in_days() && metric != Metric::FirstEmptyDay {
        notes.push(
            "Waits of people processed: people still waiting at the end are not in them (sweep.csv has \
             waiting_at_end)."
                .to_owned(),
        );
    }
    if metric == Metric::FirstEmptyDay {
        notes.push("Mean over the runs in which the list emptied (sweep.csv has emptied_replications).".to_owned());
    }
    let points: usize = lines.iter().map(Vec::len).sum();
    let missing = lines.iter().flatten().filter(|p| p.mean.is_nan()).count();
    if missing > 0 {
        notes.push(format!(
            "{missing} of {points} points have no value: {}.",
            why_undefined(metric)
        ));
    }
    if chart.provenance.replications > 1 && chart.estimates.len() > 1 {
        notes.push(
            "Every point runs the same replications (common random numbers), so differences between points \
             are known more precisely than overlapping intervals suggest: see backlog compare."
                .to_owned(),
        );
    }
    notes
}

/// The legend: the mean and its band with one line, else one entry per line.
fn legend(chart: &SweepChart, numeric: bool) -> Vec<LegendItem> {
    let labels = chart.line_labels();
    if !labels.is_empty() {
        return labels
            .into_iter()
            .enumerate()
            .map(|(i, label)| LegendItem::new(label, Swatch::Line(color(i))))
            .collect();
    }
    let runs = chart.provenance.replications;
    if !numeric || runs <= 1 {
        // The subtitle says what dots, bars and lines are.
        return Vec::new();
    }
    vec![
        LegendItem::new(format!("Mean of {runs} runs"), Swatch::Line(color(0))),
        LegendItem::new(
            "95% confidence interval of the mean",
            Swatch::Fill(color(0), BAND_ALPHA),
        ),
    ]
}

/// The horizontal axis: the first parameter's values on a number line (with a little room
/// when there is only one), or as categories.
fn x_axis(chart: &SweepChart, numeric: bool) -> Axis {
    let Some(first) = chart.axes.first() else {
        return Axis::new(0.0, 1.0, "", Ticks::Numbers);
    };
    if !numeric {
        let labels = first.values.iter().map(|v| shown(&first.path, v)).collect();
        return Axis::categories(chart.x_title(), labels);
    }
    let xs = chart.xs();
    let low = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let high = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (low, high) = if !low.is_finite() || !high.is_finite() {
        (0.0, 1.0)
    } else if high > low {
        (low, high)
    } else {
        let pad = (low.abs() * 0.1).max(1.0);
        (low - pad, high + pad)
    };
    Axis::new(low, high, chart.x_title(), Ticks::Numbers)
}

/// A vertical bar from `low` to `high` at `x`, with short caps.
fn whisker<DB: DrawingBackend>(c: &Canvas<DB>, plot: &Plot, point: &Point, color: RGBColor) -> Drawn {
    if point.low.is_nan() || point.high.is_nan() {
        return Ok(());
    }
    let x = plot.x.clamped(point.x);
    let (top, bottom) = (plot.y.clamped(point.high), plot.y.clamped(point.low));
    let cap = c.px(5.0);
    c.line(&[(x, top), (x, bottom)], color, 2.0)?;
    c.line(&[(x - cap, top), (x + cap, top)], color, 2.0)?;
    c.line(&[(x - cap, bottom), (x + cap, bottom)], color, 2.0)
}

/// Whether the point at `k` has no neighbour with an interval (a band cannot show its own).
fn isolated(points: &[Point], k: usize) -> bool {
    let has_interval = |p: &Point| !p.low.is_nan() && !p.high.is_nan();
    let before = k.checked_sub(1).and_then(|i| points.get(i)).is_some_and(has_interval);
    let after = points.get(k + 1).is_some_and(has_interval);
    !before && !after
}

/// Radius of the markers, in pixels: smaller when points are close, none when they touch.
fn marker_radius<DB: DrawingBackend>(c: &Canvas<DB>, plot: &Plot, lines: &[Vec<Point>]) -> i32 {
    let mut pixels: Vec<i32> = lines.iter().flatten().map(|p| plot.x.clamped(p.x)).collect();
    pixels.sort_unstable();
    pixels.dedup();
    let gap = pixels.windows(2).map(|w| w[1] - w[0]).min().unwrap_or(i32::MAX);
    if gap < c.px(6.0) {
        0
    } else {
        c.px(4.5).min(gap / 3).max(1)
    }
}

/// Draws the chart.
pub(crate) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, chart: &SweepChart, title: Option<&str>) -> Drawn {
    let numeric = chart.numeric();
    let lines = chart.lines_of_points();
    let frame = Frame {
        title: title.map_or_else(|| chart.default_title(), str::to_owned),
        subtitle: subtitle(chart, numeric),
        legend: legend(chart, numeric),
        notes: notes(chart, &lines),
        source: chart.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let y_max = lines
        .iter()
        .flatten()
        .flat_map(|p| [p.mean, p.high])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let spec = PlotSpec {
        x: x_axis(chart, numeric),
        y: Axis::new(
            0.0,
            if y_max > 0.0 { y_max } else { 1.0 },
            axis_title(chart.metric),
            Ticks::Numbers,
        ),
        y2: None,
        marks: &[],
    };
    let plot = layout::layout_plot(c, body, &spec);
    plot.draw_grid(c)?;
    let alpha = if lines.len() > 1 { BANDS_ALPHA } else { BAND_ALPHA };
    for (i, points) in lines.iter().enumerate() {
        if numeric {
            let band: Vec<(f64, f64, f64)> = points.iter().map(|p| (p.x, p.low, p.high)).collect();
            series::band(c, &plot, &band, color(i), alpha)?;
        }
    }
    for (i, points) in lines.iter().enumerate() {
        for (k, point) in points.iter().enumerate() {
            if !numeric || isolated(points, k) {
                whisker(c, &plot, point, color(i))?;
            }
        }
        if numeric {
            let means: Vec<(f64, f64)> = points.iter().map(|p| (p.x, p.mean)).collect();
            series::line(c, &plot, plot.y, &means, color(i), 3.0)?;
        }
    }
    let radius = if numeric {
        marker_radius(c, &plot, &lines)
    } else {
        c.px(5.5)
    };
    for (i, points) in lines.iter().enumerate() {
        for point in points.iter().filter(|p| p.mean.is_finite()) {
            let center = (plot.x.clamped(point.x), plot.y.clamped(point.mean));
            if radius > 0 {
                c.circle(center, radius + c.px(1.5), BACKGROUND, 1.0)?;
                c.circle(center, radius, color(i), 1.0)?;
            }
        }
    }
    if lines.iter().flatten().all(|p| p.mean.is_nan()) {
        plot.draw_empty(c, &format!("No value at any point: {}", why_undefined(chart.metric)))?;
    }
    plot.draw_axes(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Chart, Format, Options};
    use crate::overrides::parse_value;

    fn axis(path: &str, values: &[&str]) -> Swept {
        Swept {
            path: path.to_owned(),
            values: values.iter().map(|v| parse_value(v)).collect(),
        }
    }

    fn estimate(mean: f64, half: f64) -> Estimate {
        Estimate {
            mean: Some(mean),
            ci95_low: Some(mean - half),
            ci95_high: Some(mean + half),
        }
    }

    fn provenance(replications: u32) -> Provenance {
        Provenance {
            version: "0.1.0".to_owned(),
            scenario: "Test scenario".to_owned(),
            built_in: None,
            scenario_sha256: "0".repeat(64),
            seed: 7,
            replications,
            changes: Vec::new(),
            engine: None,
        }
    }

    fn quota_sweep() -> SweepChart {
        SweepChart {
            provenance: provenance(20),
            period: Some((crate::model::Date::parse("2018-11-01"), 365)),
            port: None,
            metric: Metric::WaitP90,
            axes: vec![axis("ports.p.capacity.quota_per_day", &["60", "80", "100", "150"])],
            labels: Vec::new(),
            subtitle: None,
            x_label: None,
            estimates: vec![
                estimate(57.5, 1.0),
                estimate(42.3, 0.8),
                estimate(34.2, 0.5),
                estimate(22.9, 0.4),
            ],
        }
    }

    /// The text of every `<text>` element.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|rest| Some(rest[rest.find('>')? + 1..rest.find("</text>")?].trim().to_owned()))
            .collect()
    }

    fn svg(chart: &SweepChart) -> String {
        Chart::Sweep(chart).svg(&Options::default()).expect("drawn")
    }

    #[test]
    fn one_parameter_draws_a_line_with_markers_a_band_and_labelled_axes() {
        let chart = quota_sweep();
        assert_eq!(Chart::Sweep(&chart).file_stem(), "sweep");
        let svg = svg(&chart);
        let found = texts(&svg);
        for expected in [
            "90th-percentile wait of people processed, by quota (port p)",
            "Base scenario: Test scenario, with quota (port p) varied",
            "Wait, days (90th percentile)",
            "Quota, people a day (port p)",
            "Mean of 20 runs",
            "95% confidence interval of the mean",
            "1 Nov 2018 – 31 Oct 2019",
            "Simulated with backlog v0.1.0; scenario Test scenario; seed 7; 20 replications at each of 4 points",
        ] {
            assert!(
                found.iter().any(|t| t.contains(expected)),
                "no <text> with {expected:?}: {found:?}"
            );
        }
        // One marker per point (a white ring under a coloured dot), one band, one line.
        assert_eq!(svg.matches("<circle").count(), 2 * 4, "{svg}");
        assert_eq!(svg.matches("<polygon").count(), 1, "the band");
        for tick in ["60", "100", "150"] {
            assert!(found.iter().any(|t| t == tick), "x tick {tick}: {found:?}");
        }
    }

    #[test]
    fn a_grid_draws_one_line_per_value_of_the_second_parameter_with_a_legend() {
        let mut chart = quota_sweep();
        chart.metric = Metric::PeakList;
        chart.axes.push(axis("ports.p.discipline", &["fifo", "lifo"]));
        chart.estimates = (0..8).map(|i| estimate(1000.0 + 100.0 * f64::from(i), 30.0)).collect();
        let svg = svg(&chart);
        let found = texts(&svg);
        for expected in [
            "Order of service: fifo",
            "Order of service: lifo",
            "Longest list at the end of a day, people",
            "one line per value of order of service (port p)",
            "Base scenario: Test scenario, with quota and order of service (port p) varied",
        ] {
            assert!(found.iter().any(|t| t.contains(expected)), "{expected:?}: {found:?}");
        }
        assert_eq!(svg.matches("<polygon").count(), 2, "one band per line");
        assert_eq!(svg.matches("<circle").count(), 2 * 8);
    }

    #[test]
    fn values_that_are_not_numbers_are_categories_with_interval_bars() {
        let chart = SweepChart {
            axes: vec![axis("ports.p.discipline", &["fifo", "lifo", "random"])],
            estimates: vec![estimate(10.0, 1.0), estimate(30.0, 2.0), estimate(20.0, 1.5)],
            ..quota_sweep()
        };
        assert!(!chart.numeric());
        let svg = svg(&chart);
        let found = texts(&svg);
        for label in ["fifo", "lifo", "random", "Order of service (port p)"] {
            assert!(found.iter().any(|t| t == label), "{label}: {found:?}");
        }
        assert_eq!(svg.matches("<polygon").count(), 0, "no band between categories");
        assert_eq!(svg.matches("<circle").count(), 2 * 3);
        assert!(found.iter().any(|t| t.contains("(bars)")), "{found:?}");
    }

    #[test]
    fn undefined_points_break_the_line_and_are_noted() {
        let undefined = Estimate {
            mean: None,
            ci95_low: None,
            ci95_high: None,
        };
        let chart = SweepChart {
            metric: Metric::FirstEmptyDay,
            estimates: vec![undefined, undefined, estimate(200.0, 10.0), estimate(120.0, 5.0)],
            ..quota_sweep()
        };
        let found = texts(&svg(&chart));
        assert!(
            found
                .iter()
                .any(|t| t.contains("2 of 4 points have no value: the list never emptied in any run.")),
            "{found:?}"
        );
        let nothing = SweepChart {
            estimates: vec![undefined; 4],
            ..chart
        };
        let found = texts(&svg(&nothing));
        assert!(
            found.iter().any(|t| t.starts_with("No value at any point")),
            "{found:?}"
        );
    }

    #[test]
    fn one_point_and_one_run_still_draw() {
        let chart = SweepChart {
            provenance: provenance(1),
            axes: vec![axis("run.seed", &["5"])],
            estimates: vec![Estimate {
                mean: Some(3.0),
                ci95_low: None,
                ci95_high: None,
            }],
            ..quota_sweep()
        };
        let found = texts(&svg(&chart));
        assert!(
            found.iter().any(|t| t.contains("One simulated run at each value")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|t| t.contains("1 replication at the one point")),
            "{found:?}"
        );
        let png = Chart::Sweep(&chart)
            .render(Format::Png, &Options::default())
            .expect("drawn");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn the_user_s_text_replaces_the_chart_s_own_and_names_stay_as_written() {
        let mut chart = SweepChart {
            subtitle: Some("Twenty runs at each quota".to_owned()),
            x_label: Some("Daily quota at San Ysidro".to_owned()),
            ..quota_sweep()
        };
        chart.axes.push(axis("streams.Caravan_Nov.service_days", &["0.5", "1"]));
        chart.estimates = (0..8).map(|i| estimate(10.0 + f64::from(i), 1.0)).collect();
        let options = Options {
            title: Some("Waits fall as the quota rises".to_owned()),
            ..Options::default()
        };
        let found = texts(&Chart::Sweep(&chart).svg(&options).expect("drawn"));
        for expected in [
            "Waits fall as the quota rises",
            "Twenty runs at each quota",
            "Daily quota at San Ysidro",
        ] {
            assert!(found.iter().any(|t| t == expected), "{expected:?}: {found:?}");
        }
        for own in ["90th-percentile", "Base scenario", "Quota, people a day"] {
            assert!(!found.iter().any(|t| t.contains(own)), "{own:?}: {found:?}");
        }
        // A path the labels do not know is shown as written, never recased.
        let unknown = SweepChart {
            axes: vec![axis("Ports.San_Ysidro.Quota", &["1", "2"])],
            estimates: vec![estimate(1.0, 0.1), estimate(2.0, 0.1)],
            ..quota_sweep()
        };
        assert_eq!(
            unknown.default_title(),
            "90th-percentile wait of people processed, by Ports.San_Ysidro.Quota"
        );
        assert!(texts(&svg(&unknown)).iter().any(|t| t == "Ports.San_Ysidro.Quota"));
    }

    #[test]
    fn chart_text_of_more_than_one_line_is_refused() {
        assert!(check_text(&ChartText::default()).is_ok());
        for text in [
            ChartText {
                title: Some("two\nlines".to_owned()),
                ..ChartText::default()
            },
            ChartText {
                subtitle: Some("a\tb".to_owned()),
                ..ChartText::default()
            },
            ChartText {
                x_label: Some("\u{1b}[2J".to_owned()),
                ..ChartText::default()
            },
        ] {
            let error = check_text(&text).expect_err("refused");
            assert_eq!(error.exit_code(), 2, "{error}");
        }
    }

    #[test]
    fn a_second_parameter_s_legend_has_its_words_and_unit() {
        let mut chart = quota_sweep();
        chart.axes.push(axis("ports.p.capacity.service_days", &["0.5", "1"]));
        assert_eq!(chart.line_labels(), ["Service time: 0.5 days", "Service time: 1 day"]);
        chart.axes[1] = axis("ports.p.capacity.quota_per_day", &["1", "20"]);
        assert_eq!(chart.line_labels(), ["Quota: 1 person a day", "Quota: 20 people a day"]);
        chart.axes[1] = axis("streams.caravan.join_share", &["0.5", "0.7"]);
        assert_eq!(
            chart.line_labels(),
            ["Share who join the list: 0.5", "Share who join the list: 0.7"]
        );
    }

    #[test]
    fn every_metric_has_an_axis_title_with_its_unit_and_a_phrase() {
        for metric in Metric::ALL {
            let title = axis_title(metric);
            let unit = if metric.in_days() { "days" } else { "people" };
            assert!(title.to_lowercase().contains(unit), "{title}");
            assert!(!metric_phrase(metric).is_empty());
        }
    }
}
