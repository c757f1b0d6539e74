//! The charts and report of a network end to end: `run --charts --report` draws the flow and
//! node charts beside the others, the summary gains its network section, and the network charts
//! are refused, with exit code 2, for a folder that holds no network.

use crate::charts::{NO_FONTCONFIG, assert_not_blank, decode_png, read, scratch, svg_texts};
use crate::cli::backlog;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A short run of the port-to-court network: 120 days, a court with 2,000 pending cases.
const NETWORK: [&str; 6] = [
    "tests/networks/port-to-court.toml",
    "--replications",
    "2",
    "--set",
    "run.horizon_days=120",
    "--set=streams.pending_cases.people=2000",
];

/// The network run once with `--charts --report`, fontconfig out of reach.
fn network_results() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("network").join("results");
        backlog()
            .env(NO_FONTCONFIG.0, NO_FONTCONFIG.1)
            .arg("run")
            .args(NETWORK)
            .args(["--quiet", "--charts", "--report", "--out"])
            .arg(&dir)
            .assert()
            .success();
        dir
    })
}

/// A results folder of independent ports (the default scenario, 30 days).
fn plain_results() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("plain").join("results");
        backlog()
            .args(["run", "--quiet", "--replications", "2", "--horizon-days", "30", "--out"])
            .arg(&dir)
            .assert()
            .success();
        dir
    })
}

#[test]
fn a_network_run_draws_the_flow_and_node_charts_in_both_formats() {
    let dir = network_results();
    for kind in ["backlog", "waits", "quoted", "outcomes", "flows", "nodes"] {
        let png = dir.join(format!("{kind}.png"));
        let image = decode_png(&png);
        assert_eq!((image.width, image.height), (1200, 675), "{kind}.png size");
        assert_not_blank(&png, &image);
        let svg = read(&dir.join(format!("{kind}.svg")));
        assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{kind}.svg");
        assert!(svg.trim_end().ends_with("</svg>"), "{kind}.svg is whole");
    }
    let flows = svg_texts(&read(&dir.join("flows.svg")));
    for text in [
        "How people moved through the network",
        "Arrivals",
        "tijuana",
        "mexicali",
        "credible_fear",
        "court",
        "granted",
        "Still in the network",
        "Reached an outcome",
    ] {
        assert!(flows.iter().any(|t| t == text), "flows.svg lacks {text:?}: {flows:?}");
    }
    assert!(
        flows.iter().any(|t| t.starts_with("Simulated with backlog v")),
        "the source line"
    );
    // The ends carry their people and the mean time to them.
    assert!(
        flows.iter().any(|t| t.contains(" · after ") && t.contains(" days")),
        "{flows:?}"
    );
    let nodes = svg_texts(&read(&dir.join("nodes.svg")));
    for text in [
        "People waiting at each port and stage",
        "tijuana (port)",
        "mexicali (port)",
        "credible_fear (stage)",
        "court (stage)",
    ] {
        assert!(nodes.iter().any(|t| t == text), "nodes.svg lacks {text:?}: {nodes:?}");
    }
    // Drawn again from the folder, the charts are the same bytes.
    let again = scratch("network-again");
    backlog()
        .args(["chart", "--kind", "flows", "--format", "svg", "--out"])
        .arg(&again)
        .arg(dir)
        .assert()
        .success();
    assert!(
        read(&again.join("flows.svg")) == read(&dir.join("flows.svg")),
        "deterministic"
    );
    let html = read(&dir.join("report.html"));
    for text in [
        "<section id=\"flows\">",
        "<section id=\"nodes\">",
        "<h3 id=\"network\">Network</h3>",
        "<a href=\"#network\">Network</a>",
        "Network, end to end (people)",
        "Where journeys ended",
        "pending (time so far)",
        "<td>credible_fear</td><td>court</td>",
    ] {
        assert!(html.contains(text), "report.html lacks {text:?}");
    }
    assert_eq!(html.matches("<svg").count(), 12, "six charts, each wide and narrow");
}

#[test]
fn the_summary_of_a_network_has_its_section() {
    let output = backlog()
        .arg("run")
        .args(NETWORK)
        .arg("--quiet")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let section = &stdout[stdout.find("Network, end to end").expect("a network section")..];
    insta::assert_snapshot!("network_section", section);
}

#[test]
fn network_charts_of_a_folder_without_a_network_are_refused() {
    let dir = plain_results();
    for kind in ["flows", "nodes"] {
        let out = scratch(&format!("plain-{kind}"));
        backlog()
            .args(["chart", "--kind", kind, "--out"])
            .arg(&out)
            .arg(dir)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("holds no network").and(predicate::str::contains(kind)));
        assert_eq!(std::fs::read_dir(&out).expect("folder").count(), 0, "nothing written");
    }
    // Every chart of the folder is every chart it has.
    let out = scratch("plain-all");
    backlog()
        .args(["chart", "--format", "svg", "--out"])
        .arg(&out)
        .arg(dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("backlog.svg").and(predicate::str::contains("flows").not()));
    assert!(!out.join("nodes.svg").exists());
    // Comparisons have no flow chart.
    backlog()
        .args(["chart", "--kind", "flows", "--out"])
        .arg(scratch("compare-flows"))
        .arg("--compare")
        .args([network_results(), dir])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not compared"));
}

/// Moves back to an earlier column (feedback from the court to screening) or sideways
/// (re-listing from port to port) are not drawn but listed under the flow chart.
#[test]
fn moves_back_or_sideways_are_listed_under_the_flow_chart() {
    let dir = scratch("feedback");
    let text = read(&crate::cli::project_root().join("tests/networks/port-to-court.toml"))
        .replace(
            "to = { granted = 0.3, denied = 0.7 }",
            "to = { granted = 0.3, denied = 0.6, credible_fear = 0.1 }",
        )
        .replace(
            "relist = { after_days = 60, probability_per_day = 0.02 }",
            "relist = { after_days = 5, probability_per_day = 0.2 }",
        );
    assert!(
        text.contains("credible_fear = 0.1") && text.contains("after_days = 5"),
        "{text}"
    );
    let scenario = dir.join("feedback.toml");
    std::fs::write(&scenario, text).expect("scenario");
    let results = dir.join("results");
    backlog()
        .arg("run")
        .arg(&scenario)
        .args(["--quiet", "-r", "2", "--set", "run.horizon_days=150", "--out"])
        .arg(&results)
        .assert()
        .success();
    backlog()
        .args(["chart", "--kind", "flows", "--format", "svg"])
        .arg(&results)
        .assert()
        .success();
    let texts = svg_texts(&read(&results.join("flows.svg"))).join(" ");
    assert!(texts.contains("Not drawn, moves back or sideways"), "{texts}");
    assert!(texts.contains("court → credible_fear "), "{texts}");
    assert!(
        texts.contains("mexicali → tijuana ") || texts.contains("tijuana → mexicali "),
        "{texts}"
    );
}
