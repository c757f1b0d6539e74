//! The human-readable summary printed on stdout by default.

use crate::format::thousands;
use crate::model::Date;
use crate::results::Summary;
use crate::stats::summary::Estimate;
use std::fmt::Write as _;

/// Days with two decimals below 10 (waits of M/M/c size), one above.
pub(super) fn days(value: f64) -> String {
    if value.abs() < 10.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.1}")
    }
}

/// `mean [low, high]`, or `–` when undefined.
pub(super) fn estimate(estimate: &Estimate, format: fn(f64) -> String) -> String {
    match (estimate.mean, estimate.ci95_low, estimate.ci95_high) {
        (Some(mean), Some(low), Some(high)) => format!("{} [{}, {}]", format(mean), format(low), format(high)),
        (Some(mean), _, _) => format(mean),
        _ => "–".to_owned(),
    }
}

/// A share as a percentage with one decimal.
fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn mean_only(estimate: &Estimate, format: fn(f64) -> String) -> String {
    estimate.mean.map_or_else(|| "–".to_owned(), format)
}

/// The summary of a run: the table `backlog run` prints, summary.csv (one row per scope and
/// metric, with mean and 95% CI) and summary.json.
impl super::Render for Summary {
    fn to_table(&self) -> String {
        let start = self.start_date.as_deref().and_then(Date::parse);
        to_table(self, |day| start.map(|date| date.plus_days(day).to_string()))
    }

    fn to_csv(&self) -> String {
        crate::results::csv::summary_csv(self)
    }

    fn to_json(&self) -> String {
        crate::results::json::to_json(self)
    }
}

/// The lines that say how the run differs from the file as shipped: changes, and an engine
/// other than the default.
pub(crate) fn changes_lines(out: &mut String, p: &crate::results::Provenance) {
    if !p.changes.is_empty() {
        let _ = writeln!(
            out,
            "Set on the command line, not as in the file: {}.",
            p.changes_list()
        );
    }
    if let Some(engine) = &p.engine {
        let _ = writeln!(out, "Engine: {engine} (the default engine gives the same results).");
    }
}

/// The table, ending in a newline.
fn to_table(summary: &Summary, date_of_day: impl Fn(i64) -> Option<String>) -> String {
    let mut out = String::new();
    let p = &summary.provenance;
    let _ = writeln!(out, "{}", p.scenario_title());
    let period = match &summary.start_date {
        Some(date) => format!("{} days from {date}", summary.horizon_days),
        None => format!("{} days", summary.horizon_days),
    };
    let _ = writeln!(
        out,
        "{period}; {}; seed {}; backlog {}; scenario sha256 {}",
        crate::format::replications(p.replications),
        p.seed,
        p.version,
        p.short_sha256()
    );
    changes_lines(&mut out, p);
    if summary.warm_up_days > 0 {
        let _ = writeln!(
            out,
            "People who joined before day {} are left out (warm-up).",
            summary.warm_up_days
        );
    }
    let _ = writeln!(out, "Means per replication with 95% confidence intervals.\n");

    let lines = summary_lines(summary, date_of_day);
    let width = lines.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0);
    for (i, (label, value)) in lines.iter().enumerate() {
        if label.is_empty() {
            let gap = if i == 0 { "" } else { "\n" };
            let _ = writeln!(out, "{gap}{value}");
        } else {
            let _ = writeln!(out, "  {label:<width$}  {value}");
        }
    }

    for table in breakdowns(summary) {
        let _ = writeln!(out, "\n{} (means)", table.title);
        let line = |cells: &[String]| {
            format!(
                "  {:<20} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}",
                cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]
            )
        };
        let header: Vec<String> = BREAKDOWN_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        let _ = writeln!(out, "{}", line(&header));
        for row in &table.rows {
            let _ = writeln!(out, "{}", line(row));
        }
    }
    if let Some(network) = &summary.network {
        out.push_str(&super::network::text(network));
    }
    out
}

/// The columns of a breakdown table (the first holds the scope's name).
pub(crate) const BREAKDOWN_COLUMNS: [&str; 8] =
    ["", "joined", "processed", "left", "waiting", "mean wait", "p50", "p90"];

/// A breakdown of the summary by port, class or stream: means, one row per scope.
pub(crate) struct Breakdown {
    /// `By port`, `By class` or `By stream`.
    pub(crate) title: &'static str,
    /// Cells under [`BREAKDOWN_COLUMNS`].
    pub(crate) rows: Vec<[String; 8]>,
}

/// The breakdowns the table and report.html show: by port, class and stream, where there is
/// more than one.
pub(crate) fn breakdowns(summary: &Summary) -> Vec<Breakdown> {
    [
        ("By port", &summary.ports),
        ("By class", &summary.classes),
        ("By stream", &summary.streams),
    ]
    .into_iter()
    .filter(|(_, scopes)| scopes.len() > 1)
    .map(|(title, scopes)| Breakdown {
        title,
        rows: scopes
            .iter()
            .map(|scope| {
                [
                    scope.name.clone(),
                    mean_only(&scope.joined, thousands),
                    mean_only(&scope.processed, thousands),
                    mean_only(&scope.abandoned, thousands),
                    mean_only(&scope.waiting_at_end, thousands),
                    mean_only(&scope.wait_mean, days),
                    mean_only(&scope.wait_p50, days),
                    mean_only(&scope.wait_p90, days),
                ]
            })
            .collect(),
    })
    .collect()
}

/// The summary of everyone, as (label, value) lines under headings (a heading has an empty
/// label and its title as the value): what the table prints and report.html shows.
pub(crate) fn summary_lines(summary: &Summary, date_of_day: impl Fn(i64) -> Option<String>) -> Vec<(String, String)> {
    let total = &summary.total;
    let p = &summary.provenance;
    let mut lines: Vec<(String, String)> = Vec::new();
    let heading = |lines: &mut Vec<(String, String)>, title: &str| lines.push((String::new(), title.to_owned()));
    heading(&mut lines, "People");
    let rows = [
        ("joined the list", &total.joined),
        ("processed", &total.processed),
        ("left unprocessed", &total.abandoned),
    ];
    for (label, value) in rows {
        lines.push((label.to_owned(), estimate(value, thousands)));
    }
    // Where those who left went, under "left unprocessed".
    for (outcome, value) in &total.abandoned_by_outcome {
        if value.mean.is_some_and(|m| m > 0.0) {
            lines.push((format!("  left: {outcome}"), estimate(value, thousands)));
        }
    }
    for (label, value) in [
        ("still waiting at the end", &total.waiting_at_end),
        ("did not join", &total.did_not_join),
    ] {
        lines.push((label.to_owned(), estimate(value, thousands)));
    }
    heading(&mut lines, "Wait of people processed, days (from joining the list)");
    for (label, value) in [
        ("mean", &total.wait_mean),
        ("p50", &total.wait_p50),
        ("p90", &total.wait_p90),
        ("p95", &total.wait_p95),
        ("p99", &total.wait_p99),
        ("max", &total.wait_max),
    ] {
        lines.push((label.to_owned(), estimate(value, days)));
    }
    lines.push(("waited at all".to_owned(), estimate(&total.share_waited, percent)));
    for (over, share) in &total.share_over_days {
        let unit = if over == "1" { "day" } else { "days" };
        lines.push((format!("waited over {over} {unit}"), estimate(share, percent)));
    }
    heading(&mut lines, "Other waits, days");
    lines.push((
        "waited before leaving".to_owned(),
        estimate(&total.abandoned_wait_mean, days),
    ));
    lines.push((
        "still waiting: waited so far".to_owned(),
        format!(
            "mean {}, longest {} (censored: their waits go on)",
            mean_only(&total.waiting_at_end_wait_mean, days),
            mean_only(&total.waiting_at_end_wait_max, days)
        ),
    ));
    heading(&mut lines, "List");
    if let Some(peak) = &total.peak_list {
        lines.push(("peak length (people)".to_owned(), estimate(peak, thousands)));
    }
    if let (Some(first), Some(emptied)) = (&total.first_empty_day, total.emptied_replications) {
        let text = match first.mean {
            Some(day) => {
                let date = date_of_day(day.round() as i64)
                    .map(|d| format!(" (~{d})"))
                    .unwrap_or_default();
                format!(
                    "day {}{date} on average, in {emptied} of {}",
                    days(day),
                    crate::format::replications(p.replications)
                )
            }
            None => format!("never, in {}", crate::format::replications(p.replications)),
        };
        lines.push(("first emptied".to_owned(), text));
    }
    // Names outlive their people only where some stream keeps them listed.
    if let Some(names) = total
        .names_on_list
        .filter(|names| names.mean != total.waiting_at_end.mean)
    {
        lines.push((
            "names on it at the end".to_owned(),
            format!("{} (with those who left)", estimate(&names, thousands)),
        ));
    }
    for port in &summary.ports {
        if let (Some(issued), Some(serving)) = (&port.numbers_issued, &port.now_serving) {
            let label = if summary.ports.len() > 1 {
                format!("list numbers at {}", port.name)
            } else {
                "list numbers".to_owned()
            };
            lines.push((
                label,
                format!(
                    "last issued {}, now serving {}",
                    mean_only(issued, thousands),
                    mean_only(serving, thousands)
                ),
            ));
        }
    }
    lines
}
