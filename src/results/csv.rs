//! CSV writers: the summary (`--format csv`), and the `daily.csv`, `waits.csv` and
//! `replications.csv` files of `--out`. Each is plain CSV, a header line then rows, so any
//! reader takes it with no options; the provenance is in the folder's `manifest.json` and
//! `summary.json`.

use super::{RunInfo, ScopeSummary, Summary, WAIT_NAMES, csv_number};
use crate::model::TICKS_PER_DAY;
use crate::replicate::Replications;
use crate::stats::summary::{BAND_PERCENTILES, Estimate, daily_bands};
use crate::stats::{AGE_THRESHOLDS_DAYS, DailySeries, WaitAccumulator};

fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(writer: ::csv::Writer<Vec<u8>>) -> String {
    // Writing to a Vec cannot fail, and every field written is valid UTF-8.
    let body = writer
        .into_inner()
        .map_err(|error| error.to_string())
        .unwrap_or_default();
    String::from_utf8_lossy(&body).into_owned()
}

/// The scopes a file breaks results down by, each named as in its `scope` column: `all` for
/// `total`, then `port:NAME` for each of `ports`, `class:NAME` for each of `classes` and
/// `stream:NAME` for each of `streams`, the ports (classes) only when the model has more than
/// one, the streams only when some port has more than one.
fn named_scopes<'a, T>(
    info: &RunInfo,
    total: &'a T,
    ports: &'a [T],
    classes: &'a [T],
    streams: &'a [T],
) -> Vec<(String, &'a T)> {
    let mut scopes = vec![("all".to_owned(), total)];
    if info.ports.len() > 1 {
        scopes.extend(
            info.ports
                .iter()
                .zip(ports)
                .map(|(port, p)| (format!("port:{port}"), p)),
        );
    }
    if info.classes.len() > 1 {
        scopes.extend(
            info.classes
                .iter()
                .zip(classes)
                .map(|(class, c)| (format!("class:{class}"), c)),
        );
    }
    scopes.extend(
        info.streams
            .iter()
            .zip(streams)
            .map(|(stream, s)| (format!("stream:{stream}"), s)),
    );
    scopes
}

/// The mean and the ends of the 95% interval of `estimate` as CSV fields (empty when undefined).
pub(crate) fn estimate_fields(estimate: &Estimate) -> [String; 3] {
    let field = |value: Option<f64>| value.map_or_else(String::new, csv_number);
    [
        field(estimate.mean),
        field(estimate.ci95_low),
        field(estimate.ci95_high),
    ]
}

/// The summary as CSV: one row per scope and metric, with mean and 95% CI.
pub(crate) fn summary_csv(summary: &Summary) -> String {
    let mut w = writer();
    let _ = w.write_record(["scope", "name", "metric", "mean", "ci95_low", "ci95_high"]);
    let mut scope_rows = |kind: &str, scope: &ScopeSummary| {
        let mut row = |metric: &str, estimate: &Estimate| {
            let [mean, low, high] = estimate_fields(estimate);
            let _ = w.write_record([kind, &scope.name, metric, &mean, &low, &high]);
        };
        row("joined", &scope.joined);
        row("did_not_join", &scope.did_not_join);
        row("processed", &scope.processed);
        row("abandoned", &scope.abandoned);
        row("waiting_at_end", &scope.waiting_at_end);
        let waits = [
            &scope.wait_mean,
            &scope.wait_p50,
            &scope.wait_p90,
            &scope.wait_p95,
            &scope.wait_p99,
            &scope.wait_max,
        ];
        for (name, estimate) in WAIT_NAMES.iter().zip(waits) {
            row(&format!("wait_{name}"), estimate);
        }
        row("share_waited", &scope.share_waited);
        for (days, estimate) in &scope.share_over_days {
            row(&format!("share_over_{days}"), estimate);
        }
        row("abandoned_wait_mean", &scope.abandoned_wait_mean);
        row("waiting_at_end_wait_mean", &scope.waiting_at_end_wait_mean);
        row("waiting_at_end_wait_max", &scope.waiting_at_end_wait_max);
        for (outcome, estimate) in &scope.abandoned_by_outcome {
            row(&format!("abandoned_{outcome}"), estimate);
        }
        if let Some(first) = &scope.first_empty_day {
            row("first_empty_day", first);
        }
        if let Some(peak) = &scope.peak_list {
            row("peak_list", peak);
        }
        if let Some(names) = &scope.names_on_list {
            row("names_on_list", names);
        }
        if let Some(issued) = &scope.numbers_issued {
            row("numbers_issued", issued);
        }
        if let Some(serving) = &scope.now_serving {
            row("now_serving", serving);
        }
    };
    scope_rows("all", &summary.total);
    for port in &summary.ports {
        scope_rows("port", port);
    }
    for class in &summary.classes {
        scope_rows("class", class);
    }
    for stream in &summary.streams {
        scope_rows("stream", stream);
    }
    finish(w)
}

/// Names of the daily quantities, in column order.
const DAILY_SERIES: [&str; 9] = [
    "on_list",
    "names_on_list",
    "processed",
    "joined",
    "abandoned",
    "over_30_days",
    "over_90_days",
    "over_180_days",
    "quoted_wait_days",
];

/// The daily quantities of one replication, one value per row: list lengths at the row's
/// end, flows as people per day (averaged over the row's days when rows are longer than a day).
fn daily_values(series: &DailySeries) -> [Vec<f64>; 9] {
    let as_f64 = |values: &Vec<u64>| values.iter().map(|&v| v as f64).collect::<Vec<_>>();
    let per_day = |values: &Vec<u64>| {
        values
            .iter()
            .enumerate()
            .map(|(row, &v)| v as f64 / f64::from(series.days_in_row(row).max(1)))
            .collect::<Vec<_>>()
    };
    debug_assert_eq!(AGE_THRESHOLDS_DAYS, [0, 30, 90, 180]);
    [
        as_f64(&series.on_list[0]),
        as_f64(&series.names_on_list),
        per_day(&series.processed),
        per_day(&series.arrived),
        per_day(&series.abandoned),
        as_f64(&series.on_list[1]),
        as_f64(&series.on_list[2]),
        as_f64(&series.on_list[3]),
        series
            .quoted_wait_days()
            .into_iter()
            .map(|q| q.unwrap_or(f64::INFINITY))
            .collect(),
    ]
}

/// `daily.csv`: per scope (all and each port), day and quantity, the mean across replications
/// and the 5/25/50/75/95 percentile bands. One line per day, or per row of the daily series
/// for horizons longer than [`crate::stats::MAX_SERIES_ROWS`] days (`day` is then the row's
/// first day).
pub(crate) fn daily_csv(info: &RunInfo, results: &Replications) -> String {
    let mut w = writer();
    let mut header = vec![
        "scope".to_owned(),
        "day".into(),
        "date".into(),
        "series".into(),
        "mean".into(),
    ];
    header.extend(BAND_PERCENTILES.iter().map(|p| format!("p{p}")));
    let _ = w.write_record(&header);
    // Daily series are kept for everyone, each port and each stream, not for classes.
    let scopes = named_scopes(
        info,
        &results.daily_total,
        &results.daily_by_port,
        &[],
        &results.daily_by_stream,
    );
    for (scope, per_replication) in scopes {
        let mut values: Vec<Vec<Vec<f64>>> = per_replication.iter().map(|s| daily_values(s).to_vec()).collect();
        let mut names: Vec<&str> = DAILY_SERIES.to_vec();
        // List numbers belong to a port: written under its scope (or `all` when it is the only one).
        let port = match scope.strip_prefix("port:") {
            Some(name) => info.ports.iter().position(|port| port == name),
            None => (scope == "all" && info.ports.len() == 1).then_some(0),
        };
        if let Some(Some(numbers)) = port.and_then(|p| results.numbers_by_port.get(p)) {
            names.extend(["numbers_issued", "now_serving"]);
            for (values, numbers) in values.iter_mut().zip(numbers) {
                let as_f64 = |values: &Vec<u64>| values.iter().map(|&v| v as f64).collect::<Vec<_>>();
                values.push(as_f64(&numbers.issued));
                values.push(as_f64(&numbers.now_serving));
            }
        }
        let bands: Vec<Vec<[f64; 5]>> = (0..names.len())
            .map(|s| daily_bands(&values.iter().map(|v| v[s].clone()).collect::<Vec<_>>()))
            .collect();
        let Some(first) = per_replication.first() else {
            continue;
        };
        for row in 0..first.rows() {
            let day = first.first_day(row);
            let date = info
                .date_of_day(i64::from(day))
                .map(|d| d.to_string())
                .unwrap_or_default();
            for (s, name) in names.iter().enumerate() {
                let mean = values.iter().map(|v| v[s][row]).sum::<f64>() / values.len().max(1) as f64;
                let mut record = vec![
                    scope.clone(),
                    day.to_string(),
                    date.clone(),
                    (*name).to_owned(),
                    csv_number(mean),
                ];
                record.extend(bands[s][row].iter().map(|&b| csv_number(b)));
                let _ = w.write_record(&record);
            }
        }
    }
    finish(w)
}

/// `markers.csv`: the scenario's dated policy changes and closures, for charts.
pub(crate) fn markers_csv(info: &RunInfo) -> String {
    let mut w = writer();
    let _ = w.write_record(["port", "day", "date", "label"]);
    for marker in &info.markers {
        let date = info
            .date_of_day(i64::from(marker.day))
            .map(|d| d.to_string())
            .unwrap_or_default();
        let port = info.ports.get(marker.port).map_or("", String::as_str);
        let _ = w.write_record([port, &marker.day.to_string(), &date, &marker.label]);
    }
    finish(w)
}

/// `flows.csv` of a network: people per replication moving from `arrivals` or a node to a
/// node or an end, with the kind of each place (`arrivals`, `port`, `stage`, `end`).
pub(crate) fn flows_csv(summary: &super::NetworkSummary, ports: &[String]) -> String {
    let kind = |name: &str| {
        if name == "arrivals" {
            "arrivals"
        } else if summary.stages.iter().any(|stage| stage == name) {
            "stage"
        } else if ports.iter().any(|port| port == name) {
            "port"
        } else {
            "end"
        }
    };
    let mut w = writer();
    let _ = w.write_record(["from", "from_kind", "to", "to_kind", "people"]);
    for flow in &summary.flows {
        let _ = w.write_record([
            flow.from.as_str(),
            kind(&flow.from),
            flow.to.as_str(),
            if kind(&flow.to) == "arrivals" {
                "end"
            } else {
                kind(&flow.to)
            },
            &csv_number(flow.people),
        ]);
    }
    finish(w)
}

/// A bin width in days that gives at most about 60 bins up to `max_days`.
fn bin_width_days(max_days: f64) -> f64 {
    const WIDTHS: [f64; 14] = [
        0.25, 0.5, 1.0, 2.0, 5.0, 7.0, 10.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0, 730.0,
    ];
    WIDTHS
        .iter()
        .copied()
        .find(|w| max_days / w <= 60.0)
        .unwrap_or((max_days / 60.0).ceil())
}

/// `waits.csv`: per scope and population (processed, still waiting, abandoned), quantiles of
/// the waits pooled over replications, then a histogram (people per bin, mean per replication).
/// Counts of people and waits in days have columns of their own (`people`, `days`).
pub(crate) fn waits_csv(info: &RunInfo, results: &Replications) -> String {
    let mut w = writer();
    let _ = w.write_record([
        "scope",
        "population",
        "statistic",
        "from_days",
        "to_days",
        "people",
        "days",
    ]);
    let scopes = named_scopes(
        info,
        &results.pooled_total,
        &results.pooled_ports,
        &results.pooled_classes,
        &results.pooled_streams,
    );
    let replications = f64::from(results.replications.max(1));
    for (scope, people) in scopes {
        let populations: [(&str, &WaitAccumulator); 3] = [
            ("processed", &people.processed),
            ("still_waiting", &people.waiting_at_end),
            ("abandoned", &people.abandoned),
        ];
        for (population, waits) in populations {
            let _ = w.write_record([
                &scope,
                population,
                "people",
                "",
                "",
                &csv_number(waits.people as f64 / replications),
                "",
            ]);
            if waits.people == 0 {
                continue;
            }
            let _ = w.write_record([&scope, population, "mean", "", "", "", &csv_number(waits.mean_days())]);
            for q in [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] {
                let name = format!("p{}", q * 100.0);
                let _ = w.write_record([
                    &scope,
                    population,
                    &name,
                    "",
                    "",
                    "",
                    &csv_number(waits.quantile_days(q)),
                ]);
            }
            let _ = w.write_record([&scope, population, "max", "", "", "", &csv_number(waits.max_days())]);
        }
        let max_days = populations
            .iter()
            .map(|(_, waits)| if waits.people > 0 { waits.max_days() } else { 0.0 })
            .fold(0.0, f64::max);
        let width = bin_width_days(max_days);
        let bins = ((max_days / width).floor() as usize) + 1;
        for (population, waits) in populations {
            if waits.people == 0 {
                continue;
            }
            for bin in 0..bins {
                let from = bin as f64 * width;
                let to = from + width;
                let low = (from * TICKS_PER_DAY as f64) as u64;
                let high = ((to * TICKS_PER_DAY as f64) as u64).saturating_sub(1);
                let people = waits.histogram.count_between(low, high) as f64 / replications;
                let _ = w.write_record([
                    &scope,
                    population,
                    "bin",
                    &csv_number(from),
                    &csv_number(to),
                    &csv_number(people),
                    "",
                ]);
            }
        }
    }
    finish(w)
}

/// `replications.csv`: one row per replication and scope with its scalar results.
pub(crate) fn replications_csv(info: &RunInfo, results: &Replications) -> String {
    let mut w = writer();
    let mut header: Vec<String> = [
        "replication",
        "scope",
        "events",
        "joined",
        "did_not_join",
        "processed",
        "abandoned",
        "waiting_at_end",
    ]
    .map(String::from)
    .to_vec();
    header.extend(WAIT_NAMES.iter().map(|name| format!("wait_{name}")));
    header.push("share_waited".to_owned());
    header.extend(info.share_over_days.iter().map(|days| format!("share_over_{days}")));
    header.extend(
        [
            "abandoned_wait_mean",
            "waiting_at_end_wait_mean",
            "waiting_at_end_wait_max",
            "first_empty_day",
            "peak_list",
            "names_on_list",
        ]
        .map(String::from),
    );
    header.extend(info.outcomes.iter().map(|outcome| format!("abandoned_{outcome}")));
    let _ = w.write_record(&header);
    for row in &results.rows {
        for (scope, s) in named_scopes(info, &row.total, &row.ports, &row.classes, &row.streams) {
            let mut record = vec![row.index.to_string(), scope, row.events.to_string()];
            record.extend([s.joined, s.did_not_join, s.processed, s.abandoned, s.waiting_at_end].map(csv_number));
            record.extend(s.wait_days.map(csv_number));
            record.push(csv_number(s.share_waited));
            record.extend(s.share_over.iter().map(|&(_, share)| csv_number(share)));
            record.extend(
                [
                    s.abandoned_waited_days_mean,
                    s.waiting_at_end_waited_days[0],
                    s.waiting_at_end_waited_days[1],
                    s.first_empty_day,
                    s.peak_list,
                    s.names_on_list,
                ]
                .map(csv_number),
            );
            record.extend(s.abandoned_by_outcome.iter().map(|&n| csv_number(n)));
            let _ = w.write_record(&record);
        }
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bin_widths_are_round() {
        assert_eq!(bin_width_days(10.0), 0.25);
        assert_eq!(bin_width_days(100.0), 2.0);
        assert_eq!(bin_width_days(400.0), 7.0);
        assert_eq!(bin_width_days(100_000.0), 1667.0);
    }
}
