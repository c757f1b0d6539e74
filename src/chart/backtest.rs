//! The back-test of `backlog fit`: for each recorded (scope, series), the fitted scenario's
//! mean over its runs as a line and the middle 90% of runs as a band over the run's dates, with
//! the recorded figures as dots and the ranges their wording allows as bars.

use super::canvas::{Canvas, Drawn, Rect};
use super::layout::{self, Axis, Frame, LegendItem, Plot, PlotSpec, Swatch, Ticks};
use super::series;
use super::style::{BACKGROUND, BLUE, VERMILLION};
use crate::analysis::fit::Series;
use crate::model::Date;
use crate::results::Provenance;
use plotters::prelude::DrawingBackend;

/// Most panels one chart shows (two columns of three).
pub(crate) const MAX_PANELS: usize = 6;

/// Opacity of the band of runs.
const BAND_ALPHA: f64 = 0.2;

/// A recorded figure on a panel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Recorded {
    /// Day of the run; the figure counts to the end of it.
    pub day: u32,
    /// The figure, people.
    pub value: f64,
    /// The range its wording allows, people.
    pub range: Option<(f64, f64)>,
}

/// One series of one scope: the fitted scenario's runs and the figures recorded of it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Panel {
    /// `all`, or a port's name.
    pub scope: String,
    /// What is counted.
    pub series: Series,
    /// Mean over runs at the end of each row of days.
    pub mean: Vec<f64>,
    /// 5th percentile over runs, each row.
    pub p5: Vec<f64>,
    /// 95th percentile over runs, each row.
    pub p95: Vec<f64>,
    /// The recorded figures.
    pub recorded: Vec<Recorded>,
}

/// What the back-test chart shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BacktestChart {
    /// The fitted scenario as run: name, seed, replications, version.
    pub provenance: Provenance,
    /// The observations file, as given.
    pub observed: String,
    /// Date of day 0, if any.
    pub start_date: Option<Date>,
    /// Simulated days.
    pub horizon_days: u32,
    /// Days per row of the daily series (1 unless the run is very long).
    pub row_days: u32,
    /// One panel per recorded (scope, series), in the order of the file.
    pub panels: Vec<Panel>,
    /// The sources of the recorded figures, each once, in the order of the file.
    pub sources: Vec<String>,
}

impl BacktestChart {
    /// `Simulated with backlog v0.1.0; scenario …; seed …; 200 replications; fitted to FILE by
    /// backlog fit`.
    pub(crate) fn source_line(&self) -> String {
        let p = &self.provenance;
        format!(
            "Simulated with backlog v{}; {}; fitted to {} by backlog fit",
            p.version,
            p.run_phrase(),
            self.observed
        )
    }
}

/// The title of a panel's vertical axis.
fn panel_title(panel: &Panel) -> String {
    let what = match panel.series {
        Series::OnList => "People on the list",
        Series::Registered => "People registered since day 0",
        Series::Processed => "People processed since day 0",
        Series::Left => "People who left since day 0",
        Series::NamesOnList => "Names on the list (with those who left)",
        Series::NumbersIssued => "Last list number handed out",
        Series::NowServing => "Last list number called",
    };
    if panel.scope == "all" {
        format!("{what}, all ports")
    } else {
        format!("{what}, {}", panel.scope)
    }
}

fn notes(chart: &BacktestChart) -> Vec<String> {
    let mut notes = Vec::new();
    if !chart.sources.is_empty() {
        notes.push(format!("Recorded figures: {}.", chart.sources.join("; ")));
    }
    notes.push(
        "Each figure counts to the end of its day; cumulative series count from the first simulated day.".to_owned(),
    );
    if chart.panels.len() > MAX_PANELS {
        notes.push(format!(
            "The first {MAX_PANELS} of {} recorded series are drawn; fit.json has every figure.",
            chart.panels.len()
        ));
    }
    notes
}

/// The rectangles of `n` panels in `body`: one column for one or two, else two columns.
fn panel_rects<DB: DrawingBackend>(c: &Canvas<DB>, body: Rect, n: usize) -> Vec<Rect> {
    let columns = if n <= 2 { 1 } else { 2 };
    let rows = n.div_ceil(columns).max(1);
    let gap_x = c.px(36.0);
    let gap_y = c.px(18.0);
    let width = (body.width() - gap_x * (columns as i32 - 1)) / columns as i32;
    let height = (body.height() - gap_y * (rows as i32 - 1)) / rows as i32;
    (0..n)
        .map(|i| {
            let (row, column) = ((i / columns) as i32, (i % columns) as i32);
            let x0 = body.x0 + column * (width + gap_x);
            let y0 = body.y0 + row * (height + gap_y);
            Rect {
                x0,
                y0,
                x1: x0 + width,
                y1: y0 + height,
            }
        })
        .collect()
}

/// Draws one panel in `rect`.
fn draw_panel<DB: DrawingBackend>(
    c: &Canvas<DB>,
    chart: &BacktestChart,
    panel: &Panel,
    rect: Rect,
    bottom: bool,
) -> Drawn {
    let row_days = f64::from(chart.row_days.max(1));
    let end_of = |row: usize| ((row + 1) as f64 * row_days).min(f64::from(chart.horizon_days));
    let recorded_max = panel
        .recorded
        .iter()
        .map(|r| r.range.map_or(r.value, |(_, high)| high.max(r.value)))
        .fold(0.0, f64::max);
    let y_max = panel
        .p95
        .iter()
        .chain(&panel.mean)
        .copied()
        .filter(|v| v.is_finite())
        .fold(recorded_max, f64::max)
        .max(1.0);
    let x_title = if !bottom {
        ""
    } else if chart.start_date.is_some() {
        "Date"
    } else {
        "Days from the start of the simulation"
    };
    let spec = PlotSpec {
        x: Axis::new(
            0.0,
            f64::from(chart.horizon_days),
            x_title,
            Ticks::Time(chart.start_date),
        ),
        y: Axis::new(0.0, y_max, panel_title(panel), Ticks::Numbers),
        y2: None,
        marks: &[],
    };
    let plot = layout::layout_plot(c, rect, &spec);
    plot.draw_grid(c)?;
    let band: Vec<(f64, f64, f64)> = panel
        .p5
        .iter()
        .zip(&panel.p95)
        .enumerate()
        .map(|(row, (&low, &high))| (end_of(row), low, high))
        .collect();
    series::band(c, &plot, &band, BLUE, BAND_ALPHA)?;
    let mean: Vec<(f64, f64)> = panel
        .mean
        .iter()
        .enumerate()
        .map(|(row, &m)| (end_of(row), m))
        .collect();
    series::line(c, &plot, plot.y, &mean, BLUE, 2.5)?;
    for recorded in &panel.recorded {
        draw_recorded(c, &plot, recorded)?;
    }
    plot.draw_axes(c)
}

/// A recorded figure: its range as a bar with caps, and a dot.
fn draw_recorded<DB: DrawingBackend>(c: &Canvas<DB>, plot: &Plot, recorded: &Recorded) -> Drawn {
    let x = plot.x.clamped(f64::from(recorded.day) + 1.0);
    if let Some((low, high)) = recorded.range {
        let (top, bottom) = (plot.y.clamped(high), plot.y.clamped(low));
        let cap = c.px(5.0);
        c.line(&[(x, top), (x, bottom)], VERMILLION, 2.0)?;
        c.line(&[(x - cap, top), (x + cap, top)], VERMILLION, 2.0)?;
        c.line(&[(x - cap, bottom), (x + cap, bottom)], VERMILLION, 2.0)?;
    }
    let center = (x, plot.y.clamped(recorded.value));
    c.circle(center, c.px(6.5), BACKGROUND, 1.0)?;
    c.circle(center, c.px(5.0), VERMILLION, 1.0)
}

/// Draws the chart.
pub(crate) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, chart: &BacktestChart, title: Option<&str>) -> Drawn {
    let runs = chart.provenance.replications;
    let frame = Frame {
        title: title.map_or_else(
            || {
                format!(
                    "{} — fitted scenario against the recorded figures",
                    chart.provenance.scenario
                )
            },
            str::to_owned,
        ),
        subtitle: format!(
            "Mean of {runs} simulated runs with the fitted values (line) and the middle 90% of runs (band); recorded figures (dots) with the ranges their wording allows (bars) · {}",
            super::period(chart.start_date, chart.horizon_days)
        ),
        legend: vec![
            LegendItem::new(format!("Mean of {runs} runs"), Swatch::Line(BLUE)),
            LegendItem::new("Middle 90% of runs", Swatch::Fill(BLUE, BAND_ALPHA)),
            LegendItem::new("Recorded figure and its range", Swatch::Line(VERMILLION)),
        ],
        notes: notes(chart),
        source: chart.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    let panels = &chart.panels[..chart.panels.len().min(MAX_PANELS)];
    let rects = panel_rects(c, body, panels.len());
    let columns = if panels.len() <= 2 { 1 } else { 2 };
    for (i, (panel, rect)) in panels.iter().zip(rects).enumerate() {
        let bottom = i + columns >= panels.len();
        draw_panel(c, chart, panel, rect, bottom)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Chart, Format, Options};

    fn chart(panels: usize) -> BacktestChart {
        let panel = |i: usize| Panel {
            scope: if i == 0 { "all".to_owned() } else { format!("port_{i}") },
            series: Series::ALL[i % Series::ALL.len()],
            mean: (0..30).map(|d| 10.0 * f64::from(d)).collect(),
            p5: (0..30).map(|d| 9.0 * f64::from(d)).collect(),
            p95: (0..30).map(|d| 11.0 * f64::from(d)).collect(),
            recorded: vec![
                Recorded {
                    day: 9,
                    value: 95.0,
                    range: Some((90.0, 110.0)),
                },
                Recorded {
                    day: 19,
                    value: 210.0,
                    range: None,
                },
            ],
        };
        BacktestChart {
            provenance: Provenance {
                version: "0.1.0".to_owned(),
                scenario: "Test scenario".to_owned(),
                built_in: None,
                scenario_sha256: "0".repeat(64),
                seed: 7,
                replications: 40,
                changes: Vec::new(),
                engine: None,
            },
            observed: "observed.csv".to_owned(),
            start_date: Date::parse("2019-01-01"),
            horizon_days: 30,
            row_days: 1,
            panels: (0..panels).map(panel).collect(),
            sources: vec!["Roll Call, Oct 4 2019".to_owned()],
        }
    }

    /// The text of every `<text>` element.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|rest| Some(rest[rest.find('>')? + 1..rest.find("</text>")?].trim().to_owned()))
            .collect()
    }

    #[test]
    fn draws_runs_and_recorded_figures_with_title_and_source() {
        let chart = chart(1);
        assert_eq!(Chart::Backtest(&chart).file_stem(), "backtest");
        let svg = Chart::Backtest(&chart).svg(&Options::default()).expect("drawn");
        let found = texts(&svg);
        for expected in [
            "Test scenario — fitted scenario against the recorded figures",
            "People on the list, all ports",
            "Mean of 40 runs",
            "Middle 90% of runs",
            "Recorded figure and its range",
            "Recorded figures: Roll Call, Oct 4 2019.",
            "Simulated with backlog v0.1.0;",
            "scenario Test scenario; seed 7; 40 replications; sha256 000000000000; fitted to observed.csv by",
        ] {
            assert!(found.iter().any(|t| t.contains(expected)), "no {expected:?}: {found:?}");
        }
        // Each figure is a dot on a white ring; the band is one polygon.
        assert_eq!(svg.matches("<circle").count(), 2 * 2, "{svg}");
        assert_eq!(svg.matches("<polygon").count(), 1);
        let png = Chart::Backtest(&chart)
            .render(Format::Png, &Options::default())
            .expect("drawn");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn many_series_are_panels_and_the_rest_is_noted() {
        let chart = chart(MAX_PANELS + 1);
        let svg = Chart::Backtest(&chart).svg(&Options::default()).expect("drawn");
        assert_eq!(svg.matches("<polygon").count(), MAX_PANELS);
        let found = texts(&svg);
        assert!(
            found
                .iter()
                .any(|t| t.contains("The first 6 of 7 recorded series are drawn")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|t| t == "People registered since day 0, port_1"),
            "{found:?}"
        );
    }
}
