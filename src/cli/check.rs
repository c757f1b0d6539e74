//! `backlog check`: validates a scenario and prints a short summary of it.

use super::output::{print_notes, write_stdout};
use super::{changes, scenario};
use backlog::{CancelToken, Error, Limits};
use std::io::Write;
use std::path::Path;

/// Runs `backlog check`.
pub(super) fn run(
    path: Option<&Path>,
    sets: &[String],
    limits: &Limits,
    cancel: &CancelToken,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let changes = changes(sets)?;
    let model = scenario(path, limits)?.load_with(&changes)?;
    if cancel.is_cancelled() {
        return Err(Error::Interrupted);
    }
    print_notes(model.notes(), false);
    let mut text = model.describe();
    for change in &changes {
        text.push_str(&format!("  set {change}\n"));
    }
    write_stdout(stdout, text.as_bytes())
}
