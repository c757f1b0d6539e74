//! `report.html`: one self-contained file to send to an editor. The charts are inline SVG, the
//! style sheet is inline, and nothing is fetched: no scripts, images, fonts or links outside
//! the file (web addresses quoted in the scenario's comments are written so that they are not
//! links either).

use super::style;
use super::{Chart, Kind, Options};
use crate::error::Error;
use crate::format::thousands;
use crate::results::{Estimate, Folder};
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
/// (HTML puts `<svg>` in the SVG namespace by itself), labelled for screen readers.
fn inline_svg(svg: &str, label: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let body = &svg[start..];
    let body = body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1).replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{}\"", escape(label)),
        1,
    );
    body.replace("http://", "http&#58;//")
        .replace("https://", "https&#58;//")
}

fn days(value: f64) -> String {
    if value.abs() < 10.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.1}")
    }
}

/// The summary as an HTML table (means over replications and 95% confidence intervals).
fn summary_table(results: &Folder) -> String {
    let rows = crate::report::summary_lines(&results.summary, |day| results.date_of_day(day).map(style::long_date));
    let mut html = String::from("<table class=\"summary\">\n");
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
    html.push_str("</table>\n");

    let summary = &results.summary;
    for (title, scopes) in [
        ("By port", &summary.ports),
        ("By class", &summary.classes),
        ("By stream", &summary.streams),
    ] {
        if scopes.len() < 2 {
            continue;
        }
        let _ = writeln!(html, "<h3>{title} (means)</h3>\n<table class=\"summary\">");
        html.push_str(
            "<tr><th></th><th>joined</th><th>processed</th><th>left</th><th>waiting</th>\
             <th>mean wait</th><th>p50</th><th>p90</th></tr>\n",
        );
        for scope in scopes {
            let mean =
                |estimate: &Estimate, format: fn(f64) -> String| estimate.mean.map_or_else(|| "–".to_owned(), format);
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&scope.name),
                mean(&scope.joined, thousands),
                mean(&scope.processed, thousands),
                mean(&scope.abandoned, thousands),
                mean(&scope.waiting_at_end, thousands),
                mean(&scope.wait_mean, days),
                mean(&scope.wait_p50, days),
                mean(&scope.wait_p90, days),
            );
        }
        html.push_str("</table>\n");
    }
    html
}

const STYLE: &str = "\
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#222;background:#fff;margin:0 auto;\
max-width:1240px;padding:24px;line-height:1.45}\
h1{font-size:1.8em;margin:0 0 .2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
.lede{color:#555;font-size:1.1em}.source{color:#555;font-size:.9em}\
figure{margin:1em 0}figure svg{max-width:100%;height:auto;display:block}\
figcaption{color:#444;font-size:.95em;margin-top:.4em}\
table.summary{border-collapse:collapse;margin:1em 0}table.summary td,table.summary th{padding:3px 12px;\
text-align:left;border-bottom:1px solid #eee}table.summary th{padding-top:12px}td.n{font-variant-numeric:tabular-nums}\
pre{background:#f6f6f6;padding:12px;overflow-x:auto;font-size:.85em;line-height:1.35}\
dl{display:grid;grid-template-columns:max-content auto;gap:4px 16px}dt{color:#555}dd{margin:0}\
nav a{margin-right:1em}";

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
    }
}

fn heading(kind: Kind) -> &'static str {
    match kind {
        Kind::Backlog => "People waiting on the list",
        Kind::Waits => "How long people waited",
        Kind::Quoted => "The wait a newcomer would be quoted",
        Kind::Outcomes => "Where people went",
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
    let _ = writeln!(
        html,
        "<p>{} simulated runs, {}.</p>\n<p class=\"source\">{}</p>\n</header>",
        thousands(f64::from(results.replications())),
        escape(&results.period()),
        escape(&results.source_line())
    );
    html.push_str("<nav>");
    for kind in Kind::ALL {
        let _ = write!(html, "<a href=\"#{}\">{}</a>", kind.name(), heading(kind));
    }
    html.push_str("<a href=\"#summary\">Summary</a><a href=\"#scenario\">Scenario</a><a href=\"#provenance\">Provenance</a></nav>\n");
    for kind in Kind::ALL {
        let svg = Chart::Single(kind, results).svg(options)?;
        let _ = writeln!(
            html,
            "<section id=\"{}\">\n<h2>{}</h2>\n<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n</section>",
            kind.name(),
            heading(kind),
            inline_svg(&svg, heading(kind)),
            escape(&caption(kind, results))
        );
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
    let _ = writeln!(
        html,
        "<section id=\"provenance\">\n<h2>Provenance</h2>\n<dl>\n<dt>backlog version</dt><dd>{}</dd>\n\
         <dt>scenario</dt><dd>{}</dd>\n<dt>scenario SHA-256</dt><dd><code>{}</code></dd>\n\
         <dt>seed</dt><dd>{}</dd>\n<dt>replications</dt><dd>{}</dd>\n<dt>start date</dt><dd>{}</dd>\n\
         <dt>simulated days</dt><dd>{}</dd>\n</dl>\n<p>Every number and chart here comes from the files \
         <code>backlog run --out</code> wrote; the SHA-256 identifies the scenario text above. Running the \
         same scenario with the same seed and number of replications gives the same results.</p>\n</section>",
        escape(results.version()),
        escape(results.scenario()),
        escape(&results.summary.provenance.scenario_sha256),
        results.seed(),
        results.replications(),
        start,
        results.horizon_days()
    );
    html.push_str("</body>\n</html>\n");
    Ok(html)
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
        let inline = inline_svg(svg, "A chart");
        assert!(
            inline.starts_with("<svg role=\"img\" aria-label=\"A chart\" width=\"10\">"),
            "{inline}"
        );
        assert!(!inline.contains("http:"));
    }
}
