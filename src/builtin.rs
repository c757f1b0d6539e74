//! The scenarios shipped in `scenarios/`, built into the library with the CSV files they read,
//! so that they run wherever the program is installed.

/// A scenario shipped with backlog: `scenarios/NAME.toml`, as written.
pub(crate) struct Shipped {
    /// The file's stem, e.g. `tijuana-2018`.
    pub name: &'static str,
    /// The file's bytes.
    pub text: &'static str,
}

/// `Shipped` entries for the named files of `scenarios/`.
macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        &[$(Shipped {
            name: $name,
            text: include_str!(concat!("../scenarios/", $name, ".toml")),
        }),*]
    };
}

/// Every scenario of `scenarios/`, by name (a test checks that none is missing).
pub(crate) const SCENARIOS: &[Shipped] = shipped![
    "border-2019",
    "cbp-one-2023",
    "court-2024",
    "csv-inputs",
    "deterministic",
    "juarez-2019",
    "mmc",
    "mpp-2019",
    "policy-what-if",
    "tijuana-2018",
    "tijuana-mpp-2019",
    "title42-exceptions-2021",
];

/// The CSV files the shipped scenarios read, by their path relative to `scenarios/` (as the
/// scenarios write it); a test checks that every file a scenario names is here.
pub(crate) const DATA: &[(&str, &str)] = &[
    (
        "data/example-trace.csv",
        include_str!("../scenarios/data/example-trace.csv"),
    ),
    (
        "data/tijuana-list-snapshot.csv",
        include_str!("../scenarios/data/tijuana-list-snapshot.csv"),
    ),
];

/// The shipped scenario called `name`.
pub(crate) fn find(name: &str) -> Option<&'static Shipped> {
    SCENARIOS.iter().find(|shipped| shipped.name == name)
}

/// The text of a shipped CSV file, by the path a shipped scenario gives it (`data/x.csv`,
/// `./data/x.csv`).
pub(crate) fn data(path: &str) -> Option<&'static str> {
    let mut path = path.trim();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    DATA.iter().find(|(name, _)| *name == path).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn folder() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
    }

    /// A new file in scenarios/ cannot be forgotten: the table lists exactly those files, with
    /// their bytes.
    #[test]
    fn the_table_lists_exactly_the_files_of_the_scenarios_folder() {
        let mut on_disk: Vec<String> = std::fs::read_dir(folder())
            .expect("scenarios/")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .map(|path| path.file_stem().expect("stem").to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = SCENARIOS.iter().map(|shipped| shipped.name).collect();
        assert_eq!(listed, on_disk, "add the new scenario to SCENARIOS in src/builtin.rs");
        for shipped in SCENARIOS {
            let bytes = std::fs::read_to_string(folder().join(format!("{}.toml", shipped.name))).expect("read");
            assert_eq!(shipped.text, bytes, "{}", shipped.name);
        }
    }

    /// Every CSV file under scenarios/data is built in, with its bytes.
    #[test]
    fn the_data_table_lists_exactly_the_data_files() {
        let mut on_disk: Vec<String> = std::fs::read_dir(folder().join("data"))
            .expect("scenarios/data")
            .map(|entry| format!("data/{}", entry.expect("entry").file_name().to_string_lossy()))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = DATA.iter().map(|(name, _)| *name).collect();
        assert_eq!(listed, on_disk, "add the new file to DATA in src/builtin.rs");
        for (name, text) in DATA {
            assert_eq!(*text, std::fs::read_to_string(folder().join(name)).expect("read"));
        }
        assert!(data("./data/example-trace.csv").is_some());
        assert!(data("data/missing.csv").is_none());
    }

    /// Every shipped scenario is valid from its built-in bytes alone (CSV inputs included).
    #[test]
    fn every_shipped_scenario_loads_without_the_files() {
        for shipped in SCENARIOS {
            let scenario = crate::Scenario::builtin(shipped.name).expect("built in");
            assert_eq!(scenario.builtin_name(), Some(shipped.name));
            let model = scenario
                .load()
                .unwrap_or_else(|error| panic!("{}: {error}", shipped.name));
            assert_eq!(model.built_in, Some(shipped.name));
        }
    }
}
