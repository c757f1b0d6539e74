//! `report.html`: one self-contained file to send to an editor. The charts are inline SVG that
//! scale to the page, drawn twice: wide, and narrow and tall for phones (the style sheet shows
//! one); on a narrow screen each keeps a legible width and scrolls inside its own box, and the
//! page itself never scrolls sideways. The style sheet and one small script are inline, and
//! nothing is fetched: no external scripts, images, fonts or links outside the file (web
//! addresses quoted in the scenario's comments are written so that they are not links either).
//!
//! Each chart's data is in the page as a CSV `data:` address to download (see [`data`]); the
//! script reads it back to show the values under the pointer (mouse or touch), using the plot
//! rectangle and x range each chart's box carries.

mod data;

use super::style;
use super::{Chart, Kind, Options};
use crate::error::Error;
use crate::format::thousands;
use crate::results::{Folder, csv_number};
use data::{ChartData, Hover, Table, chart_data, data_uri};
use std::fmt::Write as _;

/// Escapes text for HTML, and writes `http:`/`https:` so that they are shown but never
/// followed or fetched.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out.replace("http:", "http&#58;").replace("https:", "https&#58;")
}

/// An SVG document as an element to inline in HTML: no XML declaration, no namespace address
/// (HTML puts `<svg>` in the SVG namespace by itself), labelled for screen readers by the
/// element whose id is `labelled_by`.
fn inline_svg(svg: &str, labelled_by: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let body = &svg[start..];
    let body = body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1).replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-labelledby=\"{}\"", escape(labelled_by)),
        1,
    );
    body.replace("http://", "http&#58;//")
        .replace("https://", "https&#58;//")
}

/// The summary as an HTML table (means over replications and 95% confidence intervals).
fn summary_table(results: &Folder) -> String {
    let rows = crate::report::summary_lines(&results.summary, |day| results.date_of_day(day).map(style::long_date));
    let mut html = String::from("<div class=\"wide\"><table class=\"summary\">\n");
    for (label, value) in rows {
        if label.is_empty() {
            let _ = writeln!(html, "<tr><th colspan=\"2\">{}</th></tr>", escape(&value));
        } else {
            // Lines under a line are indented with two spaces, which HTML would collapse.
            let indent = label.len() - label.trim_start().len();
            let label = format!("{}{}", "&nbsp;".repeat(indent), escape(label.trim_start()));
            let _ = writeln!(html, "<tr><td>{label}</td><td class=\"n\">{}</td></tr>", escape(&value));
        }
    }
    html.push_str("</table></div>\n");

    for table in crate::report::table::breakdowns(&results.summary) {
        let _ = writeln!(
            html,
            "<h3>{} (means)</h3>\n<div class=\"wide\"><table class=\"summary\">",
            table.title
        );
        html.push_str("<tr>");
        for column in crate::report::table::BREAKDOWN_COLUMNS {
            let _ = write!(html, "<th>{column}</th>");
        }
        html.push_str("</tr>\n");
        for row in &table.rows {
            let _ = write!(html, "<tr><td>{}</td>", escape(&row[0]));
            for cell in &row[1..] {
                let _ = write!(html, "<td class=\"n\">{}</td>", escape(cell));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table></div>\n");
    }
    if let Some(network) = &results.summary.network {
        html.push_str(&network_tables(network));
    }
    html
}

/// The network section: everyone end to end, where journeys ended and the flows.
fn network_tables(network: &crate::results::NetworkSummary) -> String {
    let mut html = String::from("<h3 id=\"network\">Network</h3>\n<div class=\"wide\"><table class=\"summary\">\n");
    for (label, value) in crate::report::network::end_to_end_lines(network) {
        if label.is_empty() {
            let _ = writeln!(html, "<tr><th colspan=\"2\">{}</th></tr>", escape(&value));
        } else {
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                escape(&label),
                escape(&value)
            );
        }
    }
    html.push_str("</table></div>\n");
    for grid in crate::report::network::grids(network) {
        let _ = writeln!(
            html,
            "<h3>{}</h3>\n<div class=\"wide\"><table class=\"summary\">",
            escape(grid.title)
        );
        html.push_str("<tr>");
        for column in &grid.columns {
            let _ = write!(html, "<th>{}</th>", escape(column));
        }
        html.push_str("</tr>\n");
        for row in &grid.rows {
            html.push_str("<tr>");
            for (column, cell) in row.iter().enumerate() {
                let class = if column < grid.names { "" } else { " class=\"n\"" };
                let _ = write!(html, "<td{class}>{}</td>", escape(cell));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table></div>\n");
    }
    html
}

const STYLE: &str = "\
*,*::before,*::after{box-sizing:border-box}\
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#222;background:#fff;margin:0 auto;\
max-width:1240px;padding:24px;line-height:1.45}\
h1{font-size:1.8em;margin:0 0 .2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
p,li,dd{overflow-wrap:anywhere}.lede{color:#555;font-size:1.1em}.source{color:#555;font-size:.9em}.changed{border-left:4px solid #d55e00;padding-left:.6em}\
nav{display:flex;flex-wrap:wrap;gap:.3em 1.2em}\
figure{margin:1em 0}.chart{position:relative;overflow-x:auto;overflow-y:hidden}\
.chart svg{display:block;width:100%;min-width:720px;height:auto;touch-action:pan-x pan-y}\
.chart.narrow{display:none}.chart.narrow svg{min-width:340px}\
.chart .guide{stroke:#222;stroke-opacity:.55;stroke-width:1.5;pointer-events:none}\
.hint{display:none;color:#555;font-size:.85em;margin:.3em 0}\
figcaption{color:#444;font-size:.95em;margin-top:.4em}p.data{font-size:.9em;margin:.3em 0}\
.tip{position:fixed;z-index:10;width:max-content;max-width:min(340px,calc(100vw - 8px));background:#fff;color:#222;\
border:1px solid #aaa;border-radius:4px;box-shadow:0 2px 6px rgba(0,0,0,.2);padding:6px 9px;font-size:.85em;\
line-height:1.35;pointer-events:none;font-variant-numeric:tabular-nums}.tip-head{font-weight:bold}\
.wide{overflow-x:auto}table.summary{border-collapse:collapse;margin:1em 0}\
table.summary td,table.summary th{padding:3px 12px;text-align:left;border-bottom:1px solid #eee}\
table.summary th{padding-top:12px}td.n{font-variant-numeric:tabular-nums}\
pre{background:#f6f6f6;padding:12px;overflow-x:auto;font-size:.85em;line-height:1.35}\
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 16px}dt{color:#555}dd{margin:0}\
@media (max-width:747px){.hint{display:block}}@media (max-width:560px){.chart.wide{display:none}.chart.narrow{display:block}}\
@media (max-width:760px){body{padding:14px}h1{font-size:1.45em}\
dl{grid-template-columns:minmax(0,1fr);gap:0}dd{margin-bottom:.5em}\
table.summary td,table.summary th{padding:3px 8px}.tip{font-size:.8em}}";

/// The script that shows values under the pointer (see the module documentation).
const SCRIPT: &str = include_str!("html/report.js");

/// What each chart in the report shows and how to read it.
fn caption(kind: Kind, results: &Folder) -> String {
    match kind {
        Kind::Backlog => format!(
            "The line is the median of {} simulated runs: on each day, half the runs had more people on the \
             list and half fewer. The darker band holds the middle half of runs, the lighter one 90% of them. \
             Dashed lines mark the scenario's policy changes.",
            results.replications()
        ),
        Kind::Waits => "Bars: people processed by how long they had waited since joining the list. Orange: people \
                        still waiting when the simulation ended, by how long they had waited so far; their waits go \
                        on. The black curve (right axis) is the share of people processed within each wait."
            .to_owned(),
        Kind::Quoted => "What a newcomer would be told on each day: the people on the list divided by the number \
                         processed per day over the previous 30 days. This is how waits are usually reported; \
                         when capacity changes, people end up waiting longer or shorter than quoted."
            .to_owned(),
        Kind::Outcomes => "Everyone who joined the list, by what had become of them on each day (means over runs), \
                           and at the end, with people who left broken down by what they did. Those outcomes are \
                           the scenario's assumptions."
            .to_owned(),
        Kind::Flows => "How people moved through the network, from arrival through the ports and stages to where \
                        their journeys ended: each band is as wide as the people per run it carries (means over \
                        runs). Each end gives the mean time from first joining a list; for people still in the \
                        network, the time so far. Moves back or sideways are listed under the chart."
            .to_owned(),
        Kind::Nodes => format!(
            "People on the list of each port and stage at the end of each day: the line is the mean of {} \
             simulated runs, the darker band the middle half of runs, the lighter one 90% of them. The panels \
             share their dates; each has its own vertical scale.",
            results.replications()
        ),
    }
}

fn heading(kind: Kind) -> &'static str {
    match kind {
        Kind::Backlog => "People waiting on the list",
        Kind::Waits => "How long people waited",
        Kind::Quoted => "The wait a newcomer would be quoted",
        Kind::Outcomes => "Where people went",
        Kind::Flows => "How people moved through the network",
        Kind::Nodes => "People waiting at each port and stage",
    }
}

/// The report of a results folder: every chart (inline SVG), the summary, the scenario as run
/// and the provenance. Deterministic: the same folder gives the same bytes.
pub(super) fn report(results: &Folder, options: &Options) -> Result<String, Error> {
    let title = format!("{}: simulated asylum-processing backlog", results.scenario());
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"backlog\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>",
        escape(&title),
        escape(results.scenario())
    );
    let description = results
        .scenario_text
        .as_deref()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|table| table.get("run")?.get("description")?.as_str().map(str::to_owned))
        .unwrap_or_default();
    if !description.is_empty() {
        let _ = writeln!(html, "<p class=\"lede\">{}</p>", escape(&description));
    }
    let provenance = &results.summary.provenance;
    if !provenance.changes.is_empty() {
        let _ = writeln!(
            html,
            "<p class=\"changed\">Not the scenario file as shipped: {} set on the command line.</p>",
            escape(&provenance.changes_list())
        );
    }
    let _ = writeln!(
        html,
        "<p>{} simulated runs, {}.</p>\n<p class=\"source\">{}</p>\n</header>",
        thousands(f64::from(results.replications())),
        escape(&results.period()),
        escape(&results.source_line())
    );
    let kinds = Kind::all_of(results);
    html.push_str("<nav>");
    for &kind in &kinds {
        let _ = write!(html, "<a href=\"#{}\">{}</a>", kind.name(), heading(kind));
    }
    html.push_str("<a href=\"#summary\">Summary</a>");
    if results.summary.network.is_some() {
        html.push_str("<a href=\"#network\">Network</a>");
    }
    html.push_str("<a href=\"#scenario\">Scenario</a><a href=\"#provenance\">Provenance</a></nav>\n");
    let stem = file_stem(results.scenario());
    for &kind in &kinds {
        html.push_str(&chart_section(kind, results, &stem, options)?);
    }
    let _ = writeln!(
        html,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<p>Means over {} runs with 95% confidence intervals \
         (how precise the simulation is, not how certain the scenario's assumptions are).</p>\n{}</section>",
        results.replications(),
        summary_table(results)
    );
    if !results.notes.is_empty() {
        html.push_str("<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
        for note in &results.notes {
            let _ = writeln!(html, "<li>{}</li>", escape(note));
        }
        html.push_str("</ul>\n</section>\n");
    }
    let _ = writeln!(
        html,
        "<section id=\"scenario\">\n<h2>The scenario as run</h2>\n<pre>{}</pre>\n</section>",
        escape(
            results
                .scenario_text
                .as_deref()
                .unwrap_or("(scenario.toml was not in the results folder)")
        )
    );
    let start = results
        .start_date()
        .map_or_else(|| "none".to_owned(), |d| d.to_string());
    let mut changed = String::new();
    if !provenance.changes.is_empty() {
        let _ = writeln!(
            changed,
            "<dt>set on the command line</dt><dd>{}</dd>",
            escape(&provenance.changes_list())
        );
    }
    if let Some(engine) = &provenance.engine {
        let _ = writeln!(
            changed,
            "<dt>engine</dt><dd>{} (the default gives the same results)</dd>",
            escape(engine)
        );
    }
    let _ = writeln!(
        html,
        "<section id=\"provenance\">\n<h2>Provenance</h2>\n<dl>\n<dt>backlog version</dt><dd>{}</dd>\n\
         <dt>scenario</dt><dd>{}</dd>\n{changed}<dt>scenario SHA-256</dt><dd><code>{}</code></dd>\n\
         <dt>seed</dt><dd>{}</dd>\n<dt>replications</dt><dd>{}</dd>\n<dt>start date</dt><dd>{}</dd>\n\
         <dt>simulated days</dt><dd>{}</dd>\n</dl>\n<p>Every number and chart here comes from the files \
         <code>backlog run --out</code> wrote; the SHA-256 identifies the scenario text above. Running the \
         same scenario with the same seed and number of replications gives the same results.</p>\n</section>",
        escape(results.version()),
        escape(&provenance.scenario_title()),
        escape(&results.summary.provenance.scenario_sha256),
        results.seed(),
        results.replications(),
        start,
        results.horizon_days()
    );
    let _ = write!(html, "<script>\n{SCRIPT}</script>\n</body>\n</html>\n");
    Ok(html)
}

/// Size of the narrow drawing of each chart, shown on phones, pixels.
const NARROW: (u32, u32) = (400, 700);

/// The section of one chart: its heading (the chart is drawn without its own title, so that
/// the heading is shown once), the chart drawn twice (at `options`' size, and narrow and tall
/// for phones; the style sheet shows one), each in a box that carries where its plot is, the
/// caption and the links to its data.
fn chart_section(kind: Kind, results: &Folder, stem: &str, options: &Options) -> Result<String, Error> {
    let data = chart_data(kind, results, stem);
    let title_id = format!("{}-title", kind.name());
    let mut html = format!(
        "<section id=\"{}\">\n<h2 id=\"{title_id}\">{}</h2>\n<figure>\n",
        kind.name(),
        heading(kind)
    );
    let narrow = Options {
        width: NARROW.0,
        height: NARROW.1,
        ..options.clone()
    };
    for (class, options) in [("wide", options), ("narrow", &narrow)] {
        let untitled = Options {
            title: Some(String::new()),
            ..options.clone()
        };
        let (svg, plots) = Chart::Single(kind, results).svg_with_plots(&untitled)?;
        let _ = writeln!(
            html,
            "<div class=\"chart {class}\"{}>\n{}\n</div>",
            hover_attributes(kind, &data, plots.first()),
            inline_svg(&svg, &title_id)
        );
    }
    let _ = write!(
        html,
        "<p class=\"hint\">Touch the chart to read its values; swipe sideways if it is wider than the screen.</p>\n\
         <figcaption>{}</figcaption>\n<p class=\"data\">Data behind the chart: {}</p>\n</figure>\n</section>\n",
        escape(&caption(kind, results)),
        data_links(&data)
    );
    Ok(html)
}

/// The attributes the script reads: how to find a row, the plot rectangle in SVG coordinates
/// and the x values at its edges (none when no plot was laid out).
fn hover_attributes(kind: Kind, data: &ChartData, plot: Option<&super::canvas::PlotArea>) -> String {
    let Some(plot) = plot else {
        return String::new();
    };
    let r = plot.rect;
    let hover = match data.hover {
        Hover::Line { shift } => format!(" data-hover=\"line\" data-shift=\"{}\"", csv_number(shift)),
        Hover::Bins => " data-hover=\"bins\"".to_owned(),
        Hover::None => return String::new(),
    };
    let unit = if kind == Kind::Quoted {
        " data-unit=\"days\""
    } else {
        ""
    };
    format!(
        "{hover}{unit} data-plot=\"{} {} {} {}\" data-x=\"{} {}\"",
        r.x0,
        r.y0,
        r.x1,
        r.y1,
        csv_number(plot.x.0),
        csv_number(plot.x.1)
    )
}

/// Download links of a chart's tables.
fn data_links(data: &ChartData) -> String {
    let link = |table: &Table, role: &str| {
        format!(
            "<a class=\"data\" data-table=\"{role}\" download=\"{name}\" href=\"{}\">{name}</a>",
            data_uri(&table.csv),
            name = escape(&table.file_name)
        )
    };
    let mut links = link(&data.plot, "plot");
    if let Some(bars) = &data.bars {
        links.push_str(" and ");
        links.push_str(&link(bars, "bars"));
    }
    links
}

/// A file name made of a scenario's name: `Tijuana 2018 caravan` → `tijuana-2018-caravan`.
fn file_stem(scenario: &str) -> String {
    let mut stem = String::new();
    for ch in scenario.chars() {
        if ch.is_ascii_alphanumeric() {
            stem.push(ch.to_ascii_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        "backlog".to_owned()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup_and_addresses() {
        assert_eq!(escape("<a href='x'>&</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
        assert_eq!(escape("see https://example.org"), "see https&#58;//example.org");
    }

    #[test]
    fn inline_svg_drops_the_namespace_address() {
        let svg =
            "<?xml version=\"1.0\"?>\n<svg width=\"10\" xmlns=\"http://www.w3.org/2000/svg\"><text>t</text></svg>";
        let inline = inline_svg(svg, "backlog-title");
        assert!(
            inline.starts_with("<svg role=\"img\" aria-labelledby=\"backlog-title\" width=\"10\">"),
            "{inline}"
        );
        assert!(!inline.contains("http:"));
    }

    #[test]
    fn file_names_come_from_the_scenario_name() {
        assert_eq!(file_stem("Tijuana 2018 caravan"), "tijuana-2018-caravan");
        assert_eq!(file_stem("  Año: 2019 / CBP One! "), "a-o-2019-cbp-one");
        assert_eq!(file_stem("¿?"), "backlog");
    }
}
