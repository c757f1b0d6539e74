//! The data behind each chart of the report as plain CSV (a header line, then a line per point
//! or bar), put in the page as `data:` addresses that the reader can download and the page's
//! script reads to show values under the pointer.

use crate::chart::Kind;
use crate::chart::outcomes::end_rows;
use crate::results::{Band, Bin, Folder, csv_number};
use std::fmt::Write as _;

/// How the page's script finds the row under the pointer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Hover {
    /// A line over time: the row whose x (its first column plus `shift`) is nearest.
    Line {
        /// Days from a row's `day` to where its value is drawn (the end of the row's days).
        shift: f64,
    },
    /// A histogram: the row whose first two columns (from, to) hold x.
    Bins,
    /// No values under the pointer: a diagram, or panels of their own (the table has them).
    None,
}

/// One CSV table to download.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Table {
    /// File name of the download.
    pub file_name: String,
    /// The CSV text.
    pub csv: String,
}

/// The data of a chart: its table, and how the script reads it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ChartData {
    /// The table of the plot.
    pub plot: Table,
    /// How the plot's rows are found under the pointer.
    pub hover: Hover,
    /// A table of horizontal bars beside the plot, one row per bar in drawing order.
    pub bars: Option<Table>,
}

/// The data of `kind` of `results`; file names start with `stem` (the folder's name).
pub(super) fn chart_data(kind: Kind, results: &Folder, stem: &str) -> ChartData {
    let table = |name: &str, csv: String| Table {
        file_name: format!("{stem}-{name}.csv"),
        csv,
    };
    let line = Hover::Line {
        shift: f64::from(results.row_days.max(1)),
    };
    match kind {
        Kind::Backlog => {
            let on_list = results.series("on_list");
            let names = results.series("names_on_list");
            let names = (names.len() == on_list.len() && names.iter().zip(on_list).any(|(n, p)| n.p50 != p.p50))
                .then_some(names);
            let mut columns = band_columns(on_list);
            if let Some(names) = names {
                columns.push(("names_on_list_p50", names.iter().map(|b| b.p50).collect()));
            }
            ChartData {
                plot: table(kind.name(), by_day(results, &columns)),
                hover: line,
                bars: None,
            }
        }
        Kind::Quoted => ChartData {
            plot: table(
                kind.name(),
                by_day(results, &band_columns(results.series("quoted_wait_days"))),
            ),
            hover: line,
            bars: None,
        },
        Kind::Waits => ChartData {
            plot: table(kind.name(), waits(results)),
            hover: Hover::Bins,
            bars: None,
        },
        Kind::Outcomes => {
            let on_list = results
                .series("on_list")
                .iter()
                .map(|b| finite_or_zero(b.mean))
                .collect();
            let columns = vec![
                ("processed", cumulative(results, "processed")),
                ("left", cumulative(results, "abandoned")),
                ("on_list", on_list),
            ];
            let mut bars = String::from("outcome,people_per_run\n");
            for row in end_rows(results, None) {
                let value = row.bars.first().map_or(f64::NAN, |(value, _)| *value);
                let _ = writeln!(bars, "{},{}", csv_text(&row.label), csv_number(value));
            }
            ChartData {
                plot: table(kind.name(), by_day(results, &columns)),
                hover: line,
                bars: Some(table("outcomes-at-end", bars)),
            }
        }
        Kind::Flows => {
            let mut csv = String::from("from,to,people_per_run\n");
            for flow in results.summary.network.iter().flat_map(|network| &network.flows) {
                let _ = writeln!(
                    csv,
                    "{},{},{}",
                    csv_text(&flow.from),
                    csv_text(&flow.to),
                    csv_number(flow.people)
                );
            }
            ChartData {
                plot: table(kind.name(), csv),
                hover: Hover::None,
                bars: None,
            }
        }
        Kind::Nodes => {
            let names: Vec<(String, &[Band])> = results
                .summary
                .ports
                .iter()
                .map(|port| {
                    let bands = results.ports_on_list.get(&port.name).map_or(&[][..], Vec::as_slice);
                    (port.name.clone(), bands)
                })
                .collect();
            let headers: Vec<[String; 3]> = names
                .iter()
                .map(|(name, _)| ["mean", "p5", "p95"].map(|statistic| csv_text(&format!("{name}_{statistic}"))))
                .collect();
            let mut columns: Vec<(&str, Vec<f64>)> = Vec::new();
            for ((_, bands), header) in names.iter().zip(&headers) {
                columns.push((&header[0], bands.iter().map(|b| b.mean).collect()));
                columns.push((&header[1], bands.iter().map(|b| b.p5).collect()));
                columns.push((&header[2], bands.iter().map(|b| b.p95).collect()));
            }
            ChartData {
                plot: table(kind.name(), by_day(results, &columns)),
                hover: Hover::None,
                bars: None,
            }
        }
    }
}

/// The columns of a daily series: its percentiles across replications.
fn band_columns(bands: &[Band]) -> Vec<(&'static str, Vec<f64>)> {
    let pick = |f: fn(&Band) -> f64| bands.iter().map(f).collect::<Vec<f64>>();
    vec![
        ("p5", pick(|b| b.p5)),
        ("p25", pick(|b| b.p25)),
        ("p50", pick(|b| b.p50)),
        ("p75", pick(|b| b.p75)),
        ("p95", pick(|b| b.p95)),
    ]
}

/// A table by day (`day`, `date` when the scenario has a start date, then `columns`), one line
/// per row of daily.csv; a column shorter than the others leaves its cells empty.
fn by_day(results: &Folder, columns: &[(&str, Vec<f64>)]) -> String {
    let dated = results.start_date().is_some();
    let mut csv = String::from(if dated { "day,date" } else { "day" });
    for (name, _) in columns {
        csv.push(',');
        csv.push_str(name);
    }
    csv.push('\n');
    let rows = columns.iter().map(|(_, values)| values.len()).max().unwrap_or(0);
    let row_days = results.row_days.max(1) as usize;
    for row in 0..rows {
        let day = row * row_days;
        let _ = write!(csv, "{day}");
        if let Some(date) = results.date_of_day(day as i64) {
            let _ = write!(csv, ",{date}");
        }
        for (_, values) in columns {
            let _ = write!(csv, ",{}", values.get(row).map_or_else(String::new, |v| csv_number(*v)));
        }
        csv.push('\n');
    }
    csv
}

fn finite_or_zero(value: f64) -> f64 {
    if value.is_finite() { value } else { 0.0 }
}

/// Running totals of a daily series' means (people per day times the days of each row), as the
/// outcomes chart stacks them.
fn cumulative(results: &Folder, name: &str) -> Vec<f64> {
    let row_days = results.row_days.max(1);
    let mut sum = 0.0;
    results
        .series(name)
        .iter()
        .enumerate()
        .map(|(row, band)| {
            let days = crate::stats::days_in_row(row, row_days, results.horizon_days()).max(1);
            sum += finite_or_zero(band.mean) * f64::from(days);
            sum
        })
        .collect()
}

/// The waits histogram: people processed and still waiting per bin (means per run), and the
/// share of people processed within each bin's end; bins after the last with anybody are left
/// out, as on the chart.
fn waits(results: &Folder) -> String {
    let bins = |population: &str| results.waits.get(population).map_or(&[][..], |p| p.bins.as_slice());
    let (processed, still) = (bins("processed"), bins("still_waiting"));
    let edges: &[Bin] = if processed.is_empty() { still } else { processed };
    let people_in = |bins: &[Bin], from: f64| bins.iter().find(|b| b.from == from).map_or(0.0, |b| b.people);
    let rows: Vec<(f64, f64, f64, f64)> = edges
        .iter()
        .map(|bin| {
            (
                bin.from,
                bin.to,
                people_in(processed, bin.from),
                people_in(still, bin.from),
            )
        })
        .collect();
    let last = rows
        .iter()
        .rposition(|r| r.2 > 0.0 || r.3 > 0.0)
        .map_or(rows.len().min(1), |i| i + 1);
    let total: f64 = rows.iter().map(|r| r.2).sum();
    let mut csv = String::from("from_days,to_days,processed,still_waiting,processed_within_percent\n");
    let mut within = 0.0;
    for &(from, to, done, waiting) in &rows[..last] {
        within += done;
        let share = if total > 0.0 { 100.0 * within / total } else { f64::NAN };
        let _ = writeln!(
            csv,
            "{},{},{},{},{}",
            csv_number(from),
            csv_number(to),
            csv_number(done),
            csv_number(waiting),
            csv_number(share)
        );
    }
    csv
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn csv_text(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `data:text/csv` address of `csv`, percent-encoded (letters, digits, `-._~` and commas are
/// kept as they are).
pub(super) fn data_uri(csv: &str) -> String {
    let mut uri = String::from("data:text/csv;charset=utf-8,");
    for byte in csv.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~,".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A results folder of a short dated run of the built-in scenario.
    fn folder(dir: &std::path::Path) -> Folder {
        let model = crate::Scenario::built_in()
            .load_with(&[crate::Change::integer("run.horizon_days", 40)])
            .expect("valid");
        let results = crate::simulate(&model, &crate::RunOptions::new().replications(2)).expect("runs");
        results.write_folder(dir).expect("written");
        Folder::read(dir).expect("read")
    }

    /// Every chart's table has a header and a line per day (or bin, or bar), all of the same
    /// width; the bars beside the outcomes plot are the rows that chart draws, in its order.
    #[test]
    fn each_chart_has_its_table() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let results = folder(dir.path());
        for kind in Kind::ALL {
            let data = chart_data(kind, &results, "x");
            assert_eq!(data.plot.file_name, format!("x-{}.csv", kind.name()));
            let lines: Vec<&str> = data.plot.csv.lines().collect();
            let width = lines[0].split(',').count();
            assert!(lines.iter().all(|line| line.split(',').count() == width), "{kind:?}");
            match kind {
                Kind::Waits => {
                    assert_eq!(data.hover, Hover::Bins);
                    assert!(lines[0].starts_with("from_days,to_days,processed,still_waiting"));
                    assert!(lines.len() > 2);
                }
                _ => {
                    assert_eq!(data.hover, Hover::Line { shift: 1.0 });
                    assert!(lines[0].starts_with("day,date,"), "{}", lines[0]);
                    assert_eq!(lines.len(), 41, "{kind:?}");
                    assert!(lines[1].starts_with("0,2018-11-01,"), "{}", lines[1]);
                }
            }
            assert_eq!(data.bars.is_some(), kind == Kind::Outcomes);
        }
        let bars = chart_data(Kind::Outcomes, &results, "x").bars.expect("bars");
        let labels: Vec<String> = bars
            .csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap_or("").to_owned())
            .collect();
        let drawn: Vec<String> = end_rows(&results, None).into_iter().map(|row| row.label).collect();
        assert_eq!(labels, drawn);
    }

    #[test]
    fn data_addresses_are_percent_encoded() {
        assert_eq!(
            data_uri("day,p50\n0,1.5\n\"a b\"#%\n"),
            "data:text/csv;charset=utf-8,day,p50%0A0,1.5%0A%22a%20b%22%23%25%0A"
        );
        assert_eq!(data_uri("é"), "data:text/csv;charset=utf-8,%C3%A9");
    }

    #[test]
    fn text_fields_are_quoted_when_needed() {
        assert_eq!(csv_text("Left: crossed"), "Left: crossed");
        assert_eq!(csv_text("a, \"b\""), "\"a, \"\"b\"\"\"");
    }
}
