//! Writing files so that none is ever half-written, and refusing output folders that hold
//! someone else's files.

use crate::error::{Diagnostic, Error, InputError};
use std::path::Path;

/// Creates `dir` and its parents.
pub(crate) fn create_dir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })
}

/// Writes `path` through a temporary file in the same folder, renamed into place when complete.
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&temporary, contents).and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(error)
}

/// The names of the files and folders in `dir`, or `None` when it cannot be listed (missing,
/// unreadable or not a folder).
pub(crate) fn entry_names(dir: &Path) -> Option<Vec<String>> {
    let entries = std::fs::read_dir(dir).ok()?;
    Some(
        entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
    )
}

/// Refuses an `--out` folder that holds anything but a previous backlog run, unless forced,
/// so that a typo never mixes results into (or overwrites files in) an unrelated folder.
pub(crate) fn check_out_dir(dir: &Path, force: bool) -> Result<(), Error> {
    if force {
        return Ok(());
    }
    let Some(names) = entry_names(dir) else {
        // Missing: it will be created. Unreadable or not a folder: writing will say why.
        return Ok(());
    };
    let previous_run = names.iter().any(|n| n == "summary.json") && names.iter().any(|n| n == "scenario.toml");
    if names.is_empty() || previous_run {
        return Ok(());
    }
    Err(Error::Input(InputError::single(
        Diagnostic::new(format!(
            "the --out folder `{}` is not empty and does not hold a previous backlog run",
            dir.display()
        ))
        .with_help("choose a new or empty folder, or add --force to write into it anyway"),
    )))
}
