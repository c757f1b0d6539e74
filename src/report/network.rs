//! The network section of the summary: everyone end to end, where journeys ended, and the
//! flows between places. `backlog run` prints it after the breakdowns, and report.html shows
//! the same lines and tables.

use super::table::{days, estimate};
use crate::format::thousands;
use crate::results::{Estimate, NetworkSummary};
use std::fmt::Write as _;

/// A table of the section: a title, column headings (the first over the row names) and rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Grid {
    /// What the table shows, with its units.
    pub(crate) title: &'static str,
    /// Headings, one per column.
    pub(crate) columns: Vec<&'static str>,
    /// How many columns, from the left, hold names (the rest hold numbers).
    pub(crate) names: usize,
    /// Cells, one row per line.
    pub(crate) rows: Vec<Vec<String>>,
}

/// Everyone end to end as (label, value) lines under headings (a heading has an empty label),
/// as [`summary_lines`](super::summary_lines) writes them.
pub(crate) fn end_to_end_lines(network: &NetworkSummary) -> Vec<(String, String)> {
    let total = &network.end_to_end;
    let mut lines = vec![(String::new(), "Network, end to end (people)".to_owned())];
    let mut rows = vec![
        ("joined the network", &total.joined),
        ("reached an outcome", &total.processed),
        ("left a list", &total.abandoned),
        ("still in the network at the end", &total.waiting_at_end),
    ];
    if total.did_not_join.mean.is_some_and(|people| people > 0.0) {
        rows.push(("did not join", &total.did_not_join));
    }
    let mut rows: Vec<(String, &Estimate)> = rows
        .into_iter()
        .map(|(label, value)| (label.to_owned(), value))
        .collect();
    if let Some(mexico) = &network.waiting_in_mexico {
        rows.push((
            format!("  of them waiting in Mexico ({})", mexico.stages.join(", ")),
            &mexico.waiting_at_end,
        ));
    }
    for (label, value) in rows {
        lines.push((label, estimate(value, thousands)));
    }
    lines.push((
        String::new(),
        "Time from first joining a list to an outcome, days (people who reached one)".to_owned(),
    ));
    for (label, value) in [
        ("mean", &total.wait_mean),
        ("p50", &total.wait_p50),
        ("p90", &total.wait_p90),
    ] {
        lines.push((label.to_owned(), estimate(value, days)));
    }
    lines
}

/// The ends table and the flows table.
pub(crate) fn grids(network: &NetworkSummary) -> [Grid; 2] {
    let pooled = |value: Option<f64>| value.map_or_else(|| "–".to_owned(), days);
    let ends = Grid {
        title: "Where journeys ended (people per replication; days from first joining a list, pooled over replications)",
        columns: vec!["", "people", "mean", "p50", "p90"],
        names: 1,
        rows: network
            .ends
            .iter()
            .filter(|end| end.people > 0.0)
            .map(|end| {
                let name = if end.name == "pending" {
                    "pending (time so far)".to_owned()
                } else {
                    end.name.clone()
                };
                vec![
                    name,
                    thousands(end.people),
                    pooled(end.time_days.mean),
                    pooled(end.time_days.p50),
                    pooled(end.time_days.p90),
                ]
            })
            .collect(),
    };
    let flows = Grid {
        title: "Flows (people per replication)",
        columns: vec!["from", "to", "people"],
        names: 2,
        rows: network
            .flows
            .iter()
            .map(|flow| vec![flow.from.clone(), flow.to.clone(), thousands(flow.people)])
            .collect(),
    };
    [ends, flows]
}

/// The section as text, starting with a blank line.
pub(crate) fn text(network: &NetworkSummary) -> String {
    let mut out = String::new();
    let lines = end_to_end_lines(network);
    let width = lines.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0);
    for (label, value) in &lines {
        if label.is_empty() {
            let _ = writeln!(out, "\n{value}");
        } else {
            let _ = writeln!(out, "  {label:<width$}  {value}");
        }
    }
    for grid in grids(network) {
        let _ = writeln!(out, "\n{}", grid.title);
        // Text columns (names) to the left, numbers to the right.
        let widths: Vec<usize> = (0..grid.columns.len())
            .map(|column| {
                grid.rows
                    .iter()
                    .map(|row| row[column].chars().count())
                    .chain([grid.columns[column].chars().count(), 8])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| {
            let mut line = String::new();
            for (column, cell) in cells.iter().enumerate() {
                let width = widths[column];
                if column < grid.names {
                    let _ = write!(line, "  {cell:<width$}");
                } else {
                    let _ = write!(line, "  {cell:>width$}");
                }
            }
            line.trim_end().to_owned()
        };
        let _ = writeln!(out, "{}", line(grid.columns.clone()));
        for row in &grid.rows {
            let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
        }
    }
    out
}
