//! Every scenario shipped in scenarios/ passes `check` and runs.

use crate::cli::{backlog, project_root};

#[test]
fn every_shipped_scenario_checks_and_runs() {
    let mut files: Vec<_> = std::fs::read_dir(project_root().join("scenarios"))
        .expect("scenarios/ exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "at least three scenarios ship");
    for path in files {
        let relative = path.strip_prefix(project_root()).unwrap_or(&path).to_path_buf();
        backlog().arg("check").arg(&relative).assert().success();
        // Two replications keep the suite fast; the defaults run in the benchmarks and docs.
        backlog()
            .args(["run", "--quiet", "--replications", "2"])
            .arg(&relative)
            .assert()
            .success();
    }
}

#[test]
fn the_built_in_scenario_is_the_shipped_file() {
    let shipped = std::fs::read_to_string(project_root().join("scenarios/tijuana-2018.toml")).expect("shipped file");
    assert_eq!(shipped, backlog::Scenario::built_in().text());
}

/// The sources a shipped scenario cites are in the repository (docs/sources.md), never a file
/// users do not have.
#[test]
fn shipped_scenarios_cite_sources_in_the_repository() {
    let sources = std::fs::read_to_string(project_root().join("docs/sources.md")).expect("docs/sources.md");
    assert!(sources.contains("Daily intake at San Ysidro") && sources.contains("Title 42"));
    for entry in std::fs::read_dir(project_root().join("scenarios")).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|ext| ext != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        assert!(
            !text.contains("shared/") && !text.contains("figures.md"),
            "{} cites a file outside the repository",
            path.display()
        );
    }
}

/// Each file of recorded counts in scenarios/observed/ reads against the scenario of its name,
/// and that scenario, as fitted to it, reproduces every figure: the mean of its runs lies in
/// the range the figure's wording allows. (A fit over a narrow range of one parameter leaves
/// the shipped values as they are and reports each figure against them.)
#[test]
fn fitted_scenarios_reproduce_the_counts_they_were_fitted_to() {
    let pinned = [
        ("border-2019", "streams.newcomers.people_per_day", "116:118"),
        ("juarez-2019", "streams.registrations.people_per_day", "57:58"),
        ("tijuana-2018", "ports.san_ysidro.list_numbers.first", "930:942"),
    ];
    let observed = project_root().join("scenarios/observed");
    let mut files: Vec<String> = std::fs::read_dir(&observed)
        .expect("scenarios/observed/ exists")
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.strip_suffix(".csv").map(str::to_owned))
        .collect();
    files.sort();
    let names: Vec<&str> = pinned.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(files, names, "every file of recorded counts is checked here");
    let dir = tempfile::tempdir().expect("temporary folder");
    for (name, param, range) in pinned {
        let out = dir.path().join(name);
        backlog()
            .args([
                "fit",
                "--quiet",
                "-r",
                "20",
                "--max-evals",
                "18",
                "--param",
                param,
                "--range",
                range,
            ])
            .arg(format!("scenarios/{name}.toml"))
            .arg("--observed")
            .arg(format!("scenarios/observed/{name}.csv"))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let fit: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("fit.json")).expect("fit.json")).expect("JSON");
        let figures = fit["observations"].as_array().expect("observations");
        assert!(!figures.is_empty());
        for figure in figures {
            let mean = figure["simulated"]["mean"].as_f64().expect("a mean");
            let (low, high) = (figure["low"].as_f64(), figure["high"].as_f64());
            let (low, high) = (low.expect("a low end"), high.expect("a high end"));
            assert!(
                (low..=high).contains(&mean),
                "{name}: {} {} on {}: simulated {mean}, recorded {low}-{high}",
                figure["scope"],
                figure["series"],
                figure["date"]
            );
        }
    }
}
