//! Two or more results folders on the same axes, one colour each, with a legend: the median
//! backlog (with its middle-50% band), the median quoted wait, the cumulative share of waits,
//! or where people went (grouped bars).

use super::canvas::{Canvas, Drawn};
use super::layout::{self, Axis, Frame, LegendItem, Mark, Plot, PlotSpec, Swatch, Ticks, Timeline};
use super::outcomes::{self, BarRow};
use super::series;
use super::style::SERIES;
use super::{Kind, quoted};
use crate::format::thousands;
use crate::model::Date;
use crate::results::{Band, Folder};
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// The most folders one comparison shows (one colour each).
pub(super) const MAX_SERIES: usize = SERIES.len();

/// Legend labels when none are given: scenario names, or folder names when those repeat.
pub(super) fn default_labels(results: &[Folder]) -> Vec<String> {
    let names: Vec<String> = results.iter().map(|r| r.scenario().to_owned()).collect();
    if distinct(&names) {
        return names;
    }
    let folders: Vec<String> = results
        .iter()
        .map(|r| {
            r.dir
                .file_name()
                .map_or_else(|| r.dir.display().to_string(), |n| n.to_string_lossy().into_owned())
        })
        .collect();
    if distinct(&folders) {
        folders
    } else {
        results.iter().map(|r| r.dir.display().to_string()).collect()
    }
}

fn distinct(names: &[String]) -> bool {
    let mut sorted = names.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted.len() == names.len()
}

fn color(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

/// The source line of several folders.
pub(super) fn source_line(results: &[Folder]) -> String {
    let same_version = results.windows(2).all(|w| w[0].version() == w[1].version());
    let mut parts: Vec<String> = results
        .iter()
        .map(|r| {
            let run = r.summary.provenance.run_phrase();
            if same_version {
                run
            } else {
                format!("backlog v{}; {run}", r.version())
            }
        })
        .collect();
    // Variants of one scenario (same name, seed and replications) are named once.
    let mut unique: Vec<String> = Vec::new();
    for part in &parts {
        if !unique.contains(part) {
            unique.push(part.clone());
        }
    }
    if unique.len() == 1 && parts.len() > 1 {
        parts = vec![format!("{} (each of the {} results)", unique[0], parts.len())];
    } else {
        parts = unique;
    }
    match (same_version, results.first()) {
        (true, Some(first)) => format!("Simulated with backlog v{}; {}", first.version(), parts.join(" | ")),
        _ => format!("Simulated with {}", parts.join(" | ")),
    }
}

/// The shared axis of days: when every folder has a start date, the earliest one, and where
/// each folder's day 0 falls after it (a folder that starts later starts later on the axis);
/// otherwise no date, and every folder from its own day 0.
fn day_offsets(results: &[Folder]) -> (Option<Date>, Vec<u32>) {
    let starts: Option<Vec<Date>> = results.iter().map(Folder::start_date).collect();
    match starts
        .as_deref()
        .and_then(|starts| Some((starts, *starts.iter().min()?)))
    {
        Some((starts, earliest)) => (
            Some(earliest),
            starts
                .iter()
                .map(|start| u32::try_from(start.days_since_epoch() - earliest.days_since_epoch()).unwrap_or(0))
                .collect(),
        ),
        None => (None, vec![0; results.len()]),
    }
}

/// The note of a chart over time whose folders are drawn from their own day 0 though some
/// have a start date.
fn undated_note(results: &[Folder]) -> Option<String> {
    let dated = results.iter().filter(|r| r.start_date().is_some()).count();
    (dated > 0 && dated < results.len())
        .then(|| "Days from each scenario's start: not every scenario has a start date.".to_owned())
}

/// Policy markers, when every folder has the same ones (else none: they would not say whose).
fn shared_marks(results: &[Folder]) -> Vec<Mark> {
    match results.first() {
        Some(first)
            if results
                .iter()
                .all(|r| r.markers == first.markers && r.start_date() == first.start_date()) =>
        {
            layout::policy_marks(first)
        }
        _ => Vec::new(),
    }
}

/// The days of every folder on one axis (see [`day_offsets`]): to the last day of any, with
/// the policy markers they share.
fn shared_timeline(results: &[Folder]) -> Timeline {
    let (start, offsets) = day_offsets(results);
    Timeline {
        start,
        horizon_days: results
            .iter()
            .zip(&offsets)
            .map(|(r, offset)| offset + r.horizon_days())
            .max()
            .unwrap_or(1),
        marks: shared_marks(results),
    }
}

/// `Median of 200 runs each` (or `of each result's runs` when they differ).
fn runs_of(results: &[Folder]) -> String {
    let first = results[0].replications();
    if results.iter().all(|r| r.replications() == first) {
        format!("{first} simulated runs each")
    } else {
        "each result's simulated runs".to_owned()
    }
}

fn subtitle(results: &[Folder], what: &str) -> String {
    let mut parts = vec![what.to_owned()];
    let first = &results[0];
    if results
        .iter()
        .all(|r| r.start_date() == first.start_date() && r.horizon_days() == first.horizon_days())
    {
        parts.push(first.period());
    }
    parts.join(" · ")
}

/// Draws a comparison of `kind`.
pub(super) fn draw<DB: DrawingBackend>(
    c: &Canvas<DB>,
    kind: Kind,
    results: &[Folder],
    labels: &[String],
    title: Option<&str>,
) -> Drawn {
    if results.is_empty() {
        return Ok(());
    }
    let legend: Vec<LegendItem> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| LegendItem::new(label.clone(), Swatch::Line(color(i))))
        .collect();
    match kind {
        Kind::Backlog => backlog(c, results, legend, title),
        Kind::Quoted => quoted_waits(c, results, legend, title),
        Kind::Waits => waits(c, results, legend, title),
        Kind::Outcomes => where_people_went(c, results, labels, title),
        // Refused by `write_compare` before anything is drawn.
        Kind::Flows | Kind::Nodes => Err(crate::error::Error::Chart(format!(
            "the {} chart is drawn of one results folder, not compared",
            kind.name()
        ))),
    }
}

/// Days per row of the daily series of folders drawn on one axis (the longest).
fn shared_row_days(results: &[Folder]) -> u32 {
    results.iter().map(|r| r.row_days).max().unwrap_or(1)
}

/// Rows per point for folders drawn on one axis.
fn shared_bucket<DB: DrawingBackend>(c: &Canvas<DB>, results: &[Folder]) -> usize {
    let (_, offsets) = day_offsets(results);
    let days = results
        .iter()
        .zip(offsets)
        .map(|(r, offset)| r.series("on_list").len() + (offset / r.row_days.max(1)) as usize)
        .max()
        .unwrap_or(1);
    series::bucket_days(days, super::approx_plot_width(c, 1.0))
}

/// Each folder's daily series `name` as points of `bucket` rows each, on the shared axis of
/// days ([`day_offsets`]).
fn shared_points(results: &[Folder], name: &str, bucket: usize) -> Vec<Vec<(f64, Band)>> {
    let (_, offsets) = day_offsets(results);
    results
        .iter()
        .zip(offsets)
        .map(|(r, offset)| {
            series::daily_points(r.series(name), bucket, r.row_days)
                .into_iter()
                .map(|(x, band)| (x + f64::from(offset), band))
                .collect()
        })
        .collect()
}

/// The median of each folder's points, divided by `divisor` (1 to keep it as it is).
fn medians(points: &[Vec<(f64, Band)>], divisor: f64) -> Vec<Vec<(f64, f64)>> {
    points
        .iter()
        .map(|points| points.iter().map(|(x, b)| (*x, b.p50 / divisor)).collect())
        .collect()
}

/// Draws one line per folder, each in its colour.
fn draw_lines<DB: DrawingBackend>(c: &Canvas<DB>, plot: &Plot, lines: &[Vec<(f64, f64)>]) -> Drawn {
    for (i, points) in lines.iter().enumerate() {
        series::line(c, plot, plot.y, points, color(i), 3.0)?;
    }
    Ok(())
}

/// Opacity of the middle-50% band of each folder (bands of several colours overlap).
const BAND_ALPHA: f64 = 0.2;

fn backlog<DB: DrawingBackend>(
    c: &Canvas<DB>,
    results: &[Folder],
    legend: Vec<LegendItem>,
    title: Option<&str>,
) -> Drawn {
    let bucket = shared_bucket(c, results);
    let points = shared_points(results, "on_list", bucket);
    let y_max = results
        .iter()
        .flat_map(|r| r.series("on_list").iter().map(|b| b.p75))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1.0);
    // The band is promised only where it shows beside the lines.
    let band_shows = series::interval_shows(
        points.iter().flatten().map(|(_, b)| (b.p25, b.p75)),
        y_max,
        super::approx_plot_height(c),
        c.px(5.0),
    );
    let what = if band_shows {
        format!("Median of {}; shaded: the middle 50% of runs", runs_of(results))
    } else {
        format!("Median of {}", runs_of(results))
    };
    let band_note = (!band_shows && results.iter().any(|r| r.replications() > 1)).then(|| {
        "The runs of each agree closely: the middle 50% of them lies within the width of its line.".to_owned()
    });
    let frame = Frame {
        title: title.unwrap_or("People waiting on the list").to_owned(),
        subtitle: subtitle(results, &what),
        legend,
        notes: band_note
            .into_iter()
            .chain(series::bucket_note(bucket, shared_row_days(results)))
            .chain(undated_note(results))
            .collect(),
        source: source_line(results),
    };
    let body = layout::draw_frame(c, &frame)?;
    let y = Axis::new(0.0, y_max, "People on the list", Ticks::Numbers);
    let plot = shared_timeline(results).layout_plot(c, body, y);
    plot.draw_grid(c)?;
    for (i, points) in points.iter().enumerate() {
        let inner: Vec<(f64, f64, f64)> = points.iter().map(|(x, b)| (*x, b.p25, b.p75)).collect();
        series::band(c, &plot, &inner, color(i), BAND_ALPHA)?;
    }
    draw_lines(c, &plot, &medians(&points, 1.0))?;
    plot.draw_axes(c)
}

fn quoted_waits<DB: DrawingBackend>(
    c: &Canvas<DB>,
    results: &[Folder],
    legend: Vec<LegendItem>,
    title: Option<&str>,
) -> Drawn {
    let bucket = shared_bucket(c, results);
    let points = shared_points(results, "quoted_wait_days", bucket);
    // Medians only: a spike of one is clipped like on the chart of one folder.
    let medians_only: Vec<Vec<Band>> = points
        .iter()
        .map(|points| points.iter().map(|(_, b)| Band { p95: b.p50, ..*b }).collect())
        .collect();
    let scale = quoted::wait_scale(&medians_only.iter().map(Vec::as_slice).collect::<Vec<_>>());
    let (drawn, leaving): (Vec<_>, Vec<_>) = points
        .iter()
        .map(|points| quoted::clipped_points(points, scale.top_days))
        .unzip();
    let timeline = shared_timeline(results);
    let clipped_notes: Vec<String> = points
        .iter()
        .zip(&legend)
        .filter_map(|(points, item)| {
            quoted::clipped_note(points, &scale, &format!("{}: the ", item.label), |x| {
                quoted::day_at(x, timeline.start)
            })
        })
        .collect();
    let frame = Frame {
        title: title.unwrap_or("The wait a newcomer would be quoted").to_owned(),
        subtitle: subtitle(
            results,
            &format!(
                "Median of {}; list length ÷ people processed per day over the past 30 days",
                runs_of(results)
            ),
        ),
        legend,
        notes: clipped_notes
            .into_iter()
            .chain(std::iter::once(
                "Gaps: nobody processed in the past 30 days, so no wait can be quoted.".to_owned(),
            ))
            .chain(series::bucket_note(bucket, shared_row_days(results)))
            .chain(undated_note(results))
            .collect(),
        source: source_line(results),
    };
    let body = layout::draw_frame(c, &frame)?;
    let plot = timeline.layout_plot(c, body, scale.unit.axis(scale.top_days));
    plot.draw_grid(c)?;
    draw_lines(c, &plot, &medians(&drawn, scale.unit.days))?;
    for (i, leaves) in leaving.iter().enumerate() {
        if let Some(x) = leaves {
            quoted::mark_off_scale(c, &plot, *x, color(i))?;
        }
    }
    plot.draw_axes(c)
}

fn waits<DB: DrawingBackend>(
    c: &Canvas<DB>,
    results: &[Folder],
    legend: Vec<LegendItem>,
    title: Option<&str>,
) -> Drawn {
    let processed: Vec<Vec<(f64, f64)>> = results
        .iter()
        .map(|r| {
            let bins = r.waits.get("processed").map_or(&[][..], |p| p.bins.as_slice());
            let total: f64 = bins.iter().map(|b| b.people).sum();
            let mut cumulative = 0.0;
            let mut points = vec![(0.0, 0.0)];
            for bin in bins {
                if total <= 0.0 || cumulative >= total {
                    break;
                }
                cumulative += bin.people;
                points.push((bin.to, 100.0 * cumulative / total));
            }
            points
        })
        .collect();
    let still: Vec<String> = results
        .iter()
        .zip(&legend)
        .filter_map(|(r, item)| {
            let people = r.waits.get("still_waiting")?.people;
            (people > 0.0).then(|| format!("{} {}", item.label, thousands(people)))
        })
        .collect();
    let mut notes = Vec::new();
    if !still.is_empty() {
        notes.push(format!(
            "Not in the curves: people still waiting at the end, per run: {}. Their waits go on.",
            still.join("; ")
        ));
    }
    let frame = Frame {
        title: title
            .unwrap_or("How long people waited before being processed")
            .to_owned(),
        subtitle: subtitle(
            results,
            &format!(
                "Share of people processed who had waited at most a given time; {}, pooled",
                runs_of(results)
            ),
        ),
        legend,
        notes,
        source: source_line(results),
    };
    let body = layout::draw_frame(c, &frame)?;
    let x_max = processed
        .iter()
        .filter_map(|points| points.last().map(|p| p.0))
        .fold(0.0, f64::max)
        .max(1.0);
    let spec = PlotSpec {
        x: Axis::new(0.0, x_max, "Wait, days", Ticks::Numbers),
        y: Axis::new(0.0, 100.0, "Processed within this wait", Ticks::Percent),
        y2: None,
        marks: &[],
    };
    let plot = layout::layout_plot(c, body, &spec);
    plot.draw_grid(c)?;
    draw_lines(c, &plot, &processed)?;
    plot.draw_axes(c)
}

fn where_people_went<DB: DrawingBackend>(
    c: &Canvas<DB>,
    results: &[Folder],
    labels: &[String],
    title: Option<&str>,
) -> Drawn {
    let legend: Vec<LegendItem> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| LegendItem::new(label.clone(), Swatch::Fill(color(i), 1.0)))
        .collect();
    let frame = Frame {
        title: title.unwrap_or("Where people went").to_owned(),
        subtitle: subtitle(
            results,
            &format!("People per run at the end: means of {}", runs_of(results)),
        ),
        legend,
        notes: Vec::new(),
        source: source_line(results),
    };
    let body = layout::draw_frame(c, &frame)?;
    // Rows in the order they first appear; a folder without a row gets 0.
    let per_folder: Vec<Vec<BarRow>> = results
        .iter()
        .enumerate()
        .map(|(i, r)| outcomes::end_rows(r, Some(color(i))))
        .collect();
    let mut labels_in_order: Vec<String> = Vec::new();
    for rows in &per_folder {
        for row in rows {
            if !labels_in_order.contains(&row.label) {
                labels_in_order.push(row.label.clone());
            }
        }
    }
    let rows: Vec<BarRow> = labels_in_order
        .into_iter()
        .map(|label| BarRow {
            bars: per_folder
                .iter()
                .enumerate()
                .map(|(i, rows)| {
                    let value = rows
                        .iter()
                        .find(|row| row.label == label)
                        .and_then(|row| row.bars.first())
                        .map_or(0.0, |bar| bar.0);
                    (value, color(i))
                })
                .collect(),
            label,
        })
        .collect();
    outcomes::draw_bars(c, body, "", &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Change;

    /// A results folder of a 20-day run of `scenario` with `changes`.
    fn folder(dir: &std::path::Path, scenario: &crate::Scenario, changes: &[&str]) -> Folder {
        let mut all = vec![Change::integer("run.horizon_days", 20)];
        all.extend(changes.iter().map(|spec| Change::parse(spec).expect("a change")));
        let model = scenario.load_with(&all).expect("valid");
        let results = crate::simulate(&model, &crate::RunOptions::new().replications(2)).expect("runs");
        results.write_folder(dir).expect("written");
        Folder::read(dir).expect("read")
    }

    /// Dated folders share one calendar axis from the earliest start; a later start begins
    /// later on it. Without a date on every folder, each is drawn from its own day 0.
    #[test]
    fn folders_are_aligned_by_calendar_date() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let built_in = crate::Scenario::built_in();
        let late = folder(&dir.path().join("late"), &built_in, &[]);
        let early = folder(&dir.path().join("early"), &built_in, &["run.start_date=2018-10-22"]);
        let results = [late, early];
        let (start, offsets) = day_offsets(&results);
        assert_eq!(start, Date::parse("2018-10-22"));
        assert_eq!(offsets, vec![10, 0]);
        let timeline = shared_timeline(&results);
        assert_eq!(timeline.start, Date::parse("2018-10-22"));
        assert_eq!(timeline.horizon_days, 30);
        let points = shared_points(&results, "on_list", 1);
        assert_eq!(points[0].first().map(|p| p.0), Some(11.0), "the end of 1 Nov");
        assert_eq!(points[1].first().map(|p| p.0), Some(1.0), "the end of 22 Oct");
        assert_eq!(undated_note(&results), None);

        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/deterministic.toml");
        let deterministic = crate::Scenario::read(std::path::Path::new(path)).expect("read");
        let undated = folder(&dir.path().join("undated"), &deterministic, &[]);
        let mixed = [results[0].clone(), undated];
        assert_eq!(day_offsets(&mixed), (None, vec![0, 0]));
        assert!(undated_note(&mixed).is_some());
    }
}
