//! Scenario text before validation: read from a file, given as a string, or built in; changed
//! with [`Change`]s (`--set`) and validated into a [`Model`].

use crate::error::{Error, InputError};
use crate::guard::Limits;
use crate::model::Model;
use crate::overrides::{self, Change};
use crate::validate;
use std::path::{Path, PathBuf};

/// The built-in default scenario: the Tijuana caravan of November 2018.
pub(crate) const DEFAULT_SCENARIO: &str = include_str!("../scenarios/tijuana-2018.toml");

/// Name under which the built-in scenario appears in messages.
pub(crate) const DEFAULT_SCENARIO_NAME: &str = "tijuana-2018.toml (built in)";

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
    limits: Limits,
}

impl Scenario {
    /// The built-in default: San Ysidro from November 2018 (`scenarios/tijuana-2018.toml`).
    pub fn built_in() -> Scenario {
        Scenario {
            name: DEFAULT_SCENARIO_NAME.to_owned(),
            text: DEFAULT_SCENARIO.to_owned(),
            base_dir: PathBuf::from("."),
            limits: Limits::default(),
        }
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
            limits: *limits,
        })
    }

    /// Scenario text held in memory; `name` is what messages call it, and CSV files it names
    /// are read relative to the working directory (see [`with_base_dir`](Self::with_base_dir)).
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Scenario {
        Scenario {
            name: name.into(),
            text: text.into(),
            base_dir: PathBuf::from("."),
            limits: Limits::default(),
        }
    }

    /// The same text, validated within `limits` (the size of CSV inputs, the memory of
    /// day-by-day capacities).
    pub fn with_limits(mut self, limits: &Limits) -> Scenario {
        self.limits = *limits;
        self
    }

    /// The same text, with CSV files read relative to `dir`.
    pub fn with_base_dir(mut self, dir: impl Into<PathBuf>) -> Scenario {
        self.base_dir = dir.into();
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
        if changes.is_empty() {
            return Ok(validate::load_str_within(
                &self.name,
                &text,
                &self.base_dir,
                &self.limits,
            )?);
        }
        let name = match self.name.strip_suffix(')') {
            Some(open) => format!("{open}, as changed on the command line)"),
            None => format!("{} (as changed on the command line)", self.name),
        };
        let mut model = validate::load_str_within(&name, &text, &self.base_dir, &self.limits)
            .map_err(|error| Error::Input(overrides::explain(error, &text, changes)))?;
        model.changes = changes.iter().map(Change::provenance_text).collect();
        Ok(model)
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
