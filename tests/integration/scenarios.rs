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
