//! Scenario text before validation: read from a file, given as a string, or built in; changed
//! with [`Change`]s (`--set`) and validated into a [`Model`].

use crate::error::{Diagnostic, Error, InputError};
use crate::guard::Limits;
use crate::model::Model;
use crate::overrides::{self, Change};
use crate::validate;
use std::path::{Path, PathBuf};

/// The built-in default scenario: the Tijuana caravan of November 2018.
pub(crate) const DEFAULT_SCENARIO: &str = include_str!("../scenarios/tijuana-2018.toml");

/// The name of the built-in default scenario.
const DEFAULT_SCENARIO_NAME: &str = "tijuana-2018";

/// A scenario's text as written, with the name messages give it and the folder its CSV
/// inputs are read from.
///
/// ```
/// let scenario = backlog::Scenario::built_in();
/// let model = scenario.load()?;
/// assert_eq!(model.name(), "Tijuana 2018 caravan");
/// # Ok::<(), backlog::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    name: String,
    text: String,
    base_dir: PathBuf,
    /// The built-in scenario it is, whose CSV files are built in too.
    built_in: Option<&'static str>,
    limits: Limits,
}

impl Scenario {
    /// The built-in default: San Ysidro from November 2018 (`scenarios/tijuana-2018.toml`).
    pub fn built_in() -> Scenario {
        Scenario::shipped(DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO)
    }

    /// The scenario shipped as `scenarios/NAME.toml`, built into the program with the CSV
    /// files it reads (so it runs without them on disk); `None` if there is none of that name.
    ///
    /// ```
    /// let scenario = backlog::Scenario::builtin("mmc").expect("shipped");
    /// assert_eq!(scenario.builtin_name(), Some("mmc"));
    /// assert!(backlog::Scenario::builtin("nowhere").is_none());
    /// ```
    pub fn builtin(name: &str) -> Option<Scenario> {
        let shipped = crate::builtin::find(name)?;
        Some(Scenario::shipped(shipped.name, shipped.text))
    }

    /// The built-in scenario `name` with its text.
    fn shipped(name: &'static str, text: &'static str) -> Scenario {
        Scenario {
            name: format!("{name}.toml (built in)"),
            text: text.to_owned(),
            base_dir: PathBuf::from("."),
            built_in: Some(name),
            limits: Limits::default(),
        }
    }

    /// The built-in scenario called `name` (or `name.toml`); an unknown name is an input error
    /// that suggests the closest one, or lists them.
    pub fn named(name: &str) -> Result<Scenario, Error> {
        let stem = name.trim();
        let stem = stem.strip_suffix(".toml").unwrap_or(stem);
        Scenario::builtin(stem).ok_or_else(|| {
            let help = validate::suggest::help(stem, &Scenario::builtin_names(), "the built-in scenarios are");
            InputError::single(Diagnostic::new(format!("there is no built-in scenario `{name}`")).with_help(help))
                .into()
        })
    }

    /// The names of the built-in scenarios (the stems of the files of `scenarios/`), sorted.
    pub fn builtin_names() -> Vec<&'static str> {
        crate::builtin::SCENARIOS.iter().map(|shipped| shipped.name).collect()
    }

    /// A CSV file built in with the scenarios, by the path they give it
    /// (`data/example-trace.csv`), as shipped; `None` if there is none.
    pub fn builtin_file(path: &str) -> Option<&'static str> {
        crate::builtin::data(path)
    }

    /// The CSV files a built-in scenario reads (from its built-in copies), by the paths it gives
    /// them, relative to its folder; empty for any other scenario.
    pub fn builtin_files(&self) -> Vec<&'static str> {
        match self.built_in {
            Some(_) => crate::builtin::DATA
                .iter()
                .map(|(path, _)| *path)
                .filter(|path| self.text.contains(&format!("\"{path}\"")))
                .collect(),
            None => Vec::new(),
        }
    }

    /// The name of the built-in scenario this is, if it is one.
    pub fn builtin_name(&self) -> Option<&'static str> {
        self.built_in
    }

    /// Reads a scenario file; the CSV files it names are read relative to its folder.
    pub fn read(path: &Path) -> Result<Scenario, Error> {
        Scenario::read_within(path, &Limits::default())
    }

    /// [`read`](Self::read), with `limits` on the size of every file read (the scenario and
    /// its CSV inputs) and on the memory validation may use.
    pub fn read_within(path: &Path, limits: &Limits) -> Result<Scenario, Error> {
        let name = path.display().to_string();
        let text = validate::read_text(path, limits.input_bytes())
            .map_err(|problem| InputError::single(problem.diagnostic("scenario file", &name)))?;
        let base_dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(Scenario {
            name,
            text,
            base_dir,
            built_in: None,
            limits: *limits,
        })
    }

    /// A scenario file or, when no file has that path, the built-in scenario of that name
    /// (`tijuana-2018`: a file of that name wins, a folder does not), read within `limits`. A
    /// missing file whose name is close to a file beside it, one in `scenarios/` or a built-in
    /// scenario is refused with a "did you mean" suggestion.
    pub fn open(path: &Path, limits: &Limits) -> Result<Scenario, Error> {
        if !path.is_file() {
            if let Some(scenario) = path.to_str().and_then(Scenario::builtin) {
                return Ok(scenario.with_limits(limits));
            }
        }
        if !path.exists() {
            if let Some(help) = near_miss(path) {
                let name = path.display().to_string();
                let diagnostic = validate::ReadProblem::NotFound.diagnostic("scenario file", &name);
                return Err(InputError::single(diagnostic.with_help(help)).into());
            }
        }
        Scenario::read_within(path, limits)
    }

    /// Scenario text held in memory; `name` is what messages call it, and CSV files it names
    /// are read relative to the working directory (see [`with_base_dir`](Self::with_base_dir)).
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Scenario {
        Scenario {
            name: name.into(),
            text: text.into(),
            base_dir: PathBuf::from("."),
            built_in: None,
            limits: Limits::default(),
        }
    }

    /// The same text, validated within `limits` (the size of CSV inputs, the memory of
    /// day-by-day capacities).
    pub fn with_limits(mut self, limits: &Limits) -> Scenario {
        self.limits = *limits;
        self
    }

    /// The same text, with CSV files read relative to `dir` (a built-in scenario then reads
    /// them from there too, and is no longer named as built in).
    pub fn with_base_dir(mut self, dir: impl Into<PathBuf>) -> Scenario {
        self.base_dir = dir.into();
        self.built_in = None;
        self
    }

    /// The name messages give it: the path as given, or that of the built-in scenario.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The limits it is validated within (also those of other files read with it).
    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Validates the scenario as written.
    pub fn load(&self) -> Result<Model, Error> {
        self.load_with(&[])
    }

    /// Applies `changes` in order and validates the result. Messages about changed text name it
    /// `FILE (as changed on the command line)` and mark the values the changes put there.
    pub fn load_with(&self, changes: &[Change]) -> Result<Model, Error> {
        let text = overrides::apply(&self.text, changes)?;
        let name = if changes.is_empty() {
            self.name.clone()
        } else {
            match self.name.strip_suffix(')') {
                Some(open) => format!("{open}, as changed on the command line)"),
                None => format!("{} (as changed on the command line)", self.name),
            }
        };
        let loaded = match self.built_in {
            Some(_) => validate::load_built_in(&name, &text, &self.limits),
            None => validate::load_str_within(&name, &text, &self.base_dir, &self.limits),
        };
        let mut model = loaded.map_err(|error| Error::Input(overrides::explain(error, &text, changes)))?;
        model.built_in = self.built_in;
        model.changes = changes.iter().map(Change::provenance_text).collect();
        Ok(model)
    }
}

/// "did you mean …" for a scenario file that does not exist: the closest scenario file in its
/// folder (and in `scenarios/` when it names no folder), else the closest built-in scenario.
fn near_miss(path: &Path) -> Option<String> {
    let normal = |text: &str| text.to_lowercase().replace('_', "-");
    let stem = normal(&path.file_stem()?.to_string_lossy());
    let folder = path.parent().filter(|folder| !folder.as_os_str().is_empty());
    let mut files: Vec<PathBuf> = Vec::new();
    let folders = match folder {
        Some(folder) => vec![(folder.to_path_buf(), folder.to_path_buf())],
        None => vec![
            (PathBuf::from("."), PathBuf::new()),
            (PathBuf::from("scenarios"), PathBuf::from("scenarios")),
        ],
    };
    for (dir, shown) in folders {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|file| file.is_file() && file.extension().is_some_and(|ext| ext == "toml"))
            .filter_map(|file| file.file_name().map(|name| shown.join(name)))
            .collect();
        found.sort();
        files.extend(found);
    }
    let stems: Vec<String> = files
        .iter()
        .map(|file| normal(&file.file_stem().unwrap_or_default().to_string_lossy()))
        .collect();
    let file = || {
        let candidates: Vec<&str> = stems.iter().map(String::as_str).collect();
        let close = validate::suggest::closest(&stem, &candidates)?;
        let index = candidates.iter().position(|candidate| *candidate == close)?;
        Some(format!("did you mean `{}`?", files[index].display()))
    };
    let built_in = || {
        let names: Vec<String> = Scenario::builtin_names().into_iter().map(normal).collect();
        let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
        let close = validate::suggest::closest(&stem, &candidates)?;
        let index = candidates.iter().position(|candidate| *candidate == close)?;
        Some(format!(
            "did you mean the built-in scenario `{}`? (`backlog scenarios` lists them)",
            Scenario::builtin_names()[index]
        ))
    };
    // A bare name (no folder, no extension) is more likely meant as a built-in scenario's.
    if folder.is_none() && path.extension().is_none() {
        built_in().or_else(file)
    } else {
        file().or_else(built_in)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_keep_their_name_text_and_folder() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("s.toml");
        std::fs::write(&path, DEFAULT_SCENARIO).expect("written");
        let scenario = Scenario::read(&path).expect("readable");
        assert_eq!(scenario.name(), path.display().to_string());
        assert_eq!(scenario.text(), DEFAULT_SCENARIO);
        assert_eq!(scenario.base_dir, dir.path());
        let model = scenario.load().expect("valid");
        assert_eq!(&*model.text, DEFAULT_SCENARIO);
    }

    #[test]
    fn names_open_built_in_scenarios_and_near_misses_are_suggested() {
        let limits = Limits::default();
        let scenario = Scenario::open(Path::new("tijuana-mpp-2019"), &limits).expect("built in");
        assert_eq!(scenario.builtin_name(), Some("tijuana-mpp-2019"));
        let scenario = Scenario::open(Path::new("scenarios/mmc.toml"), &limits).expect("a file");
        assert_eq!(scenario.builtin_name(), None);
        // Tests run in the package folder, which has scenarios/.
        let help = |path: &str| {
            let error = Scenario::open(Path::new(path), &limits).expect_err("missing");
            assert_eq!(error.exit_code(), 2);
            match error {
                Error::Input(input) => input.diagnostics[0].help.clone().unwrap_or_default(),
                other => panic!("{other}"),
            }
        };
        assert_eq!(
            help("scenarios/tijuna-2018.toml"),
            "did you mean `scenarios/tijuana-2018.toml`?"
        );
        assert_eq!(help("tijuana_2018.toml"), "did you mean `scenarios/tijuana-2018.toml`?");
        let built_in = "did you mean the built-in scenario `tijuana-2018`? (`backlog scenarios` lists them)";
        assert_eq!(help("tijuna-2018"), built_in);
        assert_eq!(
            help("elsewhere/tijuana-2018"),
            "did you mean the built-in scenario `tijuana-2018`? (`backlog scenarios` lists them)"
        );
        assert!(help("nothing-like-it.toml").starts_with("check the name"));
        assert_eq!(
            Scenario::built_in(),
            Scenario::builtin("tijuana-2018").expect("built in")
        );
        let csv_inputs = Scenario::builtin("csv-inputs").expect("built in");
        assert_eq!(
            csv_inputs.builtin_files(),
            ["data/example-trace.csv", "data/tijuana-list-snapshot.csv"]
        );
        assert!(Scenario::built_in().builtin_files().is_empty());
        assert!(Scenario::builtin_file("data/example-trace.csv").is_some_and(|text| text.starts_with("day,")));
        assert_eq!(
            Scenario::named("mmc.toml").expect("built in").builtin_name(),
            Some("mmc")
        );
        let error = Scenario::named("tijuana-2019")
            .expect_err("no such scenario")
            .to_string();
        assert!(error.contains("did you mean `tijuana-2018`?"), "{error}");
    }

    #[test]
    fn changes_are_validated_and_named_as_changed() {
        let scenario = Scenario::built_in();
        let changed = scenario
            .load_with(&[Change::integer("run.horizon_days", 30)])
            .expect("valid");
        assert_eq!(changed.horizon_days, 30);
        let error = scenario
            .load_with(&[Change::integer("run.horizon_days", -1)])
            .expect_err("out of range");
        let message = error.to_string();
        assert!(message.contains("as changed on the command line"), "{message}");
        assert_eq!(error.exit_code(), 2);
    }
}
