//! Writing files so that nothing is lost or mixed:
//!
//! - a file is written to a temporary sibling and renamed into place, so it is never
//!   half-written; but only onto a regular file or a new path: a pipe, a device or a symbolic
//!   link is written through, never replaced ([`write_file`]);
//! - a file backlog did not write (a chart, `report.html`) is overwritten only when asked
//!   ([`check_overwrite`]);
//! - a results folder (of a run, a sweep or a comparison) is built whole in a hidden sibling and
//!   swapped in when complete ([`Staging`]): a failure or Ctrl-C leaves the previous folder as
//!   it was, and a folder never mixes two runs;
//! - what a killed run left behind (temporary files, hidden staging folders) is removed by the
//!   next run that writes there.

use crate::error::{Diagnostic, Error, InputError};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

fn input(message: String, help: &str) -> Error {
    Error::Input(InputError::single(Diagnostic::new(message).with_help(help)))
}

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` and its parents.
pub(crate) fn create_dir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(write_error(dir))
}

/// Creates a temporary sibling of `name` in `folder` with `create`, which must fail with
/// `AlreadyExists` when the path is taken; the name is `.NAME.backlog-WHAT-PID-N` with the first
/// free N, so that one run's leftovers can be told from another running process's work.
fn create_temporary<T>(
    folder: &Path,
    name: &std::ffi::OsStr,
    what: &str,
    create: impl Fn(&Path) -> std::io::Result<T>,
) -> std::io::Result<(PathBuf, T)> {
    let pid = std::process::id();
    let mut n = 0u32;
    loop {
        let mut temporary = OsString::from(".");
        temporary.push(name);
        temporary.push(format!(".backlog-{what}-{pid}-{n}"));
        let path = folder.join(temporary);
        match create(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && n < u32::MAX => n += 1,
            result => return result.map(|created| (path, created)),
        }
    }
}

/// Whether `name` is a temporary name of a process that is no longer running.
fn is_leftover(name: &str) -> bool {
    let Some(rest) = name.split(".backlog-").nth(1) else {
        return false;
    };
    let mut parts = rest.split('-');
    let (Some(_what), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    // Where processes cannot be listed, a leftover is left alone rather than a live run's work
    // removed.
    let proc = Path::new("/proc");
    proc.is_dir() && !proc.join(pid.to_string()).exists()
}

/// Removes temporary files and staging folders in `dir` left by runs that were killed.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_leftover(&name) {
            let path = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}

/// Writes `contents` to `path`. A new path or a regular file is written through a temporary
/// file in the same folder, renamed into place when complete; anything else that is not a
/// folder (a pipe, a device, a symbolic link) is written through, as other tools do.
pub(crate) fn write_file(path: &Path, contents: &[u8]) -> Result<(), Error> {
    write_streamed(path, |out| out.write_all(contents)).map_err(|error| match error {
        Streamed::Failed(error) => error,
        Streamed::Stopped(error) => write_error(path)(error),
    })
}

/// Why [`write_streamed`] did not write a file: the file could not be written, or `write`
/// stopped with its own error (and nothing was written).
#[derive(Debug)]
pub(crate) enum Streamed<E> {
    /// Writing failed.
    Failed(Error),
    /// The writer stopped.
    Stopped(E),
}

/// [`write_file`] of what `write` writes, streamed to the file (through a buffer) rather than
/// held in memory; an error of `write` stops it and leaves nothing written.
pub(crate) fn write_streamed<E>(
    path: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<(), E>,
) -> Result<(), Streamed<E>> {
    let failed = |source| Streamed::Failed(write_error(path)(source));
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => Err(Streamed::Failed(input(
            format!("`{}` is a folder, not a file", path.display()),
            "give the path of a file",
        ))),
        Ok(metadata) if !metadata.file_type().is_file() => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .map_err(failed)?;
            let mut out = std::io::BufWriter::new(file);
            write(&mut out).map_err(Streamed::Stopped)?;
            out.flush().map_err(failed)
        }
        _ => {
            let Some(name) = path.file_name() else {
                return Err(Streamed::Failed(input(
                    format!("`{}` is not a file name", path.display()),
                    "give the path of a file",
                )));
            };
            let folder = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            remove_leftovers(folder);
            let create_new =
                |temporary: &Path| std::fs::OpenOptions::new().write(true).create_new(true).open(temporary);
            let (temporary, file) = create_temporary(folder, name, "file", create_new).map_err(failed)?;
            let mut out = std::io::BufWriter::new(file);
            let result = write(&mut out)
                .map_err(Streamed::Stopped)
                .and_then(|()| out.flush().map_err(failed))
                .and_then(|()| std::fs::rename(&temporary, path).map_err(failed));
            if result.is_err() {
                let _ = std::fs::remove_file(&temporary);
            }
            result
        }
    }
}

/// Whether the file at `path` was written by backlog: a chart (its source line), a PNG (its
/// `Software` text chunk) or a report (its generator tag).
fn written_by_backlog(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if file.take(1 << 20).read_to_end(&mut head).is_err() {
        return false;
    }
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|window| window == needle);
    contains(b"Simulated with backlog")
        || contains(b"Software\0backlog")
        || contains(b"<meta name=\"generator\" content=\"backlog")
}

/// Refuses to overwrite files backlog did not write, unless `force`: each of `paths` must be
/// new, written by backlog before, or not a regular file (a pipe is written through).
pub(crate) fn check_overwrite(paths: &[PathBuf], force: bool) -> Result<(), Error> {
    if force {
        return Ok(());
    }
    for path in paths {
        let Ok(metadata) = std::fs::symlink_metadata(path) else {
            continue;
        };
        if metadata.is_dir() {
            return Err(input(
                format!("`{}` is a folder, not a file", path.display()),
                "give the path of a file",
            ));
        }
        if metadata.file_type().is_file() && !written_by_backlog(path) {
            return Err(input(
                format!("`{}` exists and was not written by backlog", path.display()),
                "choose another name or folder, or add --force to overwrite it",
            ));
        }
    }
    Ok(())
}

/// Longest folder name made from a value or a file name, in characters.
const MAX_FOLDER_NAME: usize = 80;

/// Folder names made from `wanted` (values of a sweep, names of compared files) that are safe
/// on every file system and distinct: only letters, digits and `._-=,` (anything else becomes
/// `_`), never `.` or `..` or a hidden name, at most 80 characters, and distinct even where
/// case is ignored (a repeated name gets `-2`, `-3`, …). Each stays a single folder inside the
/// output folder.
pub(crate) fn folder_names(wanted: &[String]) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    let mut names = Vec::with_capacity(wanted.len());
    for name in wanted {
        let mut safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '=' | ',') {
                    c
                } else {
                    '_'
                }
            })
            .take(MAX_FOLDER_NAME)
            .collect();
        if safe.starts_with('.') {
            safe.replace_range(..1, "_");
        }
        if safe.is_empty() {
            safe.push('_');
        }
        let mut unique = safe.clone();
        let mut n = 1;
        while taken.contains(&unique.to_lowercase()) {
            n += 1;
            unique = format!("{safe}-{n}");
        }
        taken.push(unique.to_lowercase());
        names.push(unique);
    }
    names
}

/// What a folder holds, and so which names in it are backlog's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FolderKind {
    /// A results folder (`run --out`).
    Run,
    /// A sweep's folder: sweep files and a results folder per point.
    Sweep,
    /// A comparison's folder: comparison files and a results folder per scenario.
    Compare,
    /// A fit's folder: fit.json, fit.csv, the fitted scenario and the back-test chart.
    Fit,
    /// A shard folder (`run --shard K/N --out`): shard.json and state.json.
    Shard,
}

impl FolderKind {
    /// Names of the files backlog writes in such a folder.
    fn owns_file(self, name: &str) -> bool {
        const CHARTS: [&str; 6] = ["backlog", "waits", "quoted", "outcomes", "flows", "nodes"];
        let image = |stem: &str| name == format!("{stem}.png") || name == format!("{stem}.svg");
        match self {
            FolderKind::Run => {
                matches!(
                    name,
                    "summary.json"
                        | "summary.csv"
                        | "daily.csv"
                        | "waits.csv"
                        | "replications.csv"
                        | "scenario.toml"
                        | "markers.csv"
                        | "flows.csv"
                        | "manifest.json"
                        | "report.html"
                ) || CHARTS.iter().any(|chart| image(chart))
            }
            FolderKind::Sweep => matches!(name, "sweep.csv" | "sweep.json") || image("sweep"),
            FolderKind::Compare => {
                matches!(name, "comparison.csv" | "comparison.json")
                    || CHARTS.iter().any(|chart| image(&format!("compare-{chart}")))
            }
            FolderKind::Fit => matches!(name, "fit.json" | "fit.csv" | "scenario.toml") || image("backtest"),
            FolderKind::Shard => matches!(name, "shard.json" | "state.json"),
        }
    }

    /// Whether an entry of such a folder is backlog's own: one of its files, a results folder
    /// of a point or scenario, or a leftover of a killed run.
    fn owns(self, path: &Path) -> bool {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.contains(".backlog-") {
            return true;
        }
        if path.is_dir() {
            return match self {
                FolderKind::Sweep | FolderKind::Compare => holds_only_ours(path, FolderKind::Run),
                // A sweep shard holds a run shard per point.
                FolderKind::Shard => holds_only_ours(path, FolderKind::Shard),
                _ => false,
            };
        }
        self.owns_file(&name)
    }

    /// What the messages call such a folder's contents.
    fn what(self) -> &'static str {
        match self {
            FolderKind::Run => "run",
            FolderKind::Sweep => "sweep",
            FolderKind::Compare => "comparison",
            FolderKind::Fit => "fit",
            FolderKind::Shard => "shard",
        }
    }
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
        .unwrap_or_default()
}

/// Whether everything in `dir` is what backlog writes in a folder of `kind`.
fn holds_only_ours(dir: &Path, kind: FolderKind) -> bool {
    entries(dir).iter().all(|path| kind.owns(path))
}

/// An output folder being written: everything goes into a hidden sibling, which replaces the
/// folder only when [`commit`](Self::commit) is called. Dropped without a commit, it removes
/// what it wrote and leaves the folder as it was.
#[derive(Debug)]
pub(crate) struct Staging {
    target: PathBuf,
    temporary: PathBuf,
    kind: FolderKind,
    /// The folder holds files backlog did not write (allowed with `--force`): they stay, and
    /// only backlog's own are replaced.
    in_place: bool,
    committed: bool,
}

impl Staging {
    /// Checks the output folder `dir` and starts writing a folder of `kind` for it: refuses a
    /// file, and a folder holding what backlog did not write unless `force`.
    pub(crate) fn new(dir: &Path, kind: FolderKind, force: bool) -> Result<Staging, Error> {
        let existing = std::fs::metadata(dir).ok();
        if existing.as_ref().is_some_and(|metadata| !metadata.is_dir()) {
            return Err(input(
                format!("the --out path `{}` is a file, not a folder", dir.display()),
                "give a new folder, or one backlog wrote before",
            ));
        }
        let foreign = existing.is_some() && !holds_only_ours(dir, kind);
        if foreign && !force {
            return Err(input(
                format!(
                    "the --out folder `{}` is not empty and does not hold a previous backlog {}",
                    dir.display(),
                    kind.what()
                ),
                "choose a new or empty folder, or add --force to write into it anyway (its other files are kept)",
            ));
        }
        let absolute = std::path::absolute(dir).map_err(write_error(dir))?;
        let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
            return Err(input(
                format!("backlog cannot write its results into `{}`", dir.display()),
                "give a folder inside it",
            ));
        };
        // The working folder cannot be swapped: it is written in place, like a foreign one.
        let is_cwd = std::env::current_dir().is_ok_and(|cwd| cwd == absolute);
        create_dir(parent)?;
        remove_leftovers(parent);
        if existing.is_some() {
            remove_leftovers(dir);
        }
        let (temporary, ()) =
            create_temporary(parent, name, "staging", |path| std::fs::create_dir(path)).map_err(write_error(parent))?;
        Ok(Staging {
            target: dir.to_path_buf(),
            temporary,
            kind,
            in_place: foreign || is_cwd,
            committed: false,
        })
    }

    /// Where the folder's files are written until the commit.
    pub(crate) fn path(&self) -> &Path {
        &self.temporary
    }

    /// Puts the folder written in place of the output folder.
    pub(crate) fn commit(mut self) -> Result<(), Error> {
        let target = self.target.clone();
        if self.in_place {
            self.commit_in_place()?;
        } else if std::fs::metadata(&target).is_ok() {
            let Some(name) = target.file_name().map(ToOwned::to_owned) else {
                return self.commit_in_place();
            };
            // A new empty folder, which the previous one replaces (as rename(2) allows).
            let folder = self.temporary.parent().unwrap_or(Path::new("."));
            let (old, ()) = create_temporary(folder, &name, "old", |path| std::fs::create_dir(path))
                .map_err(write_error(folder))?;
            if let Err(error) = std::fs::rename(&target, &old) {
                let _ = std::fs::remove_dir(&old);
                return Err(write_error(&target)(error));
            }
            if let Err(error) = std::fs::rename(&self.temporary, &target) {
                let _ = std::fs::rename(&old, &target);
                return Err(write_error(&target)(error));
            }
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&self.temporary, &target).map_err(write_error(&target))?;
        }
        self.committed = true;
        Ok(())
    }

    /// Replaces backlog's own entries of the output folder with the new ones, keeping the rest.
    fn commit_in_place(&mut self) -> Result<(), Error> {
        let target = self.target.clone();
        create_dir(&target)?;
        for path in entries(&target) {
            if self.kind.owns(&path) {
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
        for path in entries(&self.temporary) {
            if let Some(name) = path.file_name() {
                let destination = target.join(name);
                std::fs::rename(&path, &destination).map_err(write_error(&destination))?;
            }
        }
        let _ = std::fs::remove_dir_all(&self.temporary);
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temporary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_swapped_in_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let out = dir.path().join("results");
        let first = Staging::new(&out, FolderKind::Run, false).expect("new folder");
        write_file(&first.path().join("summary.json"), b"one").expect("written");
        write_file(&first.path().join("report.html"), b"one").expect("written");
        first.commit().expect("committed");
        assert_eq!(std::fs::read(out.join("summary.json")).expect("read"), b"one");
        // A second run that fails (is dropped) leaves the first as it was.
        let failed = Staging::new(&out, FolderKind::Run, false).expect("a previous run");
        write_file(&failed.path().join("summary.json"), b"two").expect("written");
        drop(failed);
        assert_eq!(std::fs::read(out.join("summary.json")).expect("read"), b"one");
        // One that completes replaces every file: no report of the first run stays.
        let second = Staging::new(&out, FolderKind::Run, false).expect("a previous run");
        write_file(&second.path().join("summary.json"), b"two").expect("written");
        second.commit().expect("committed");
        assert_eq!(std::fs::read(out.join("summary.json")).expect("read"), b"two");
        assert!(!out.join("report.html").exists());
        // Nothing hidden is left next to it.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("listed")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["results"]);
    }

    #[test]
    fn foreign_files_are_refused_or_kept_with_force() {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(dir.path().join("thesis.docx"), "precious").expect("written");
        std::fs::write(dir.path().join("summary.json"), "old").expect("written");
        let error = Staging::new(dir.path(), FolderKind::Run, false).expect_err("foreign");
        assert_eq!(error.exit_code(), 2);
        let forced = Staging::new(dir.path(), FolderKind::Run, true).expect("forced");
        write_file(&forced.path().join("daily.csv"), b"new").expect("written");
        forced.commit().expect("committed");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("thesis.docx")).expect("kept"),
            "precious"
        );
        assert!(!dir.path().join("summary.json").exists(), "the previous run's files go");
        assert!(dir.path().join("daily.csv").exists());
    }

    #[test]
    fn a_file_is_refused_as_an_output_folder() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let file = dir.path().join("results");
        std::fs::write(&file, "a file").expect("written");
        let error = Staging::new(&file, FolderKind::Run, true).expect_err("a file");
        assert!(error.to_string().contains("is a file, not a folder"), "{error}");
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn leftovers_of_killed_runs_are_removed() {
        let dir = tempfile::tempdir().expect("temporary folder");
        // No process has pid 4294967295.
        let stale = dir.path().join(".summary.json.backlog-file-4294967295-0");
        std::fs::write(&stale, "half").expect("written");
        let staging = dir.path().join(".results.backlog-staging-4294967295-3");
        std::fs::create_dir(&staging).expect("created");
        write_file(&dir.path().join("trace.csv"), b"x").expect("written");
        if Path::new("/proc").is_dir() {
            assert!(!stale.exists() && !staging.exists());
        }
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_links_are_written_through_not_replaced() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let target = dir.path().join("target.csv");
        std::fs::write(&target, "old").expect("written");
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).expect("linked");
        write_file(&link, b"new").expect("written through");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("there")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
    }

    #[test]
    fn folder_names_are_safe_and_distinct() {
        let names = folder_names(&[
            "file=snap/a.csv".into(),
            "file=snap_a.csv".into(),
            "..".into(),
            ".".into(),
            "".into(),
            "A".into(),
            "a".into(),
            "x\ny".into(),
            "é".repeat(200),
        ]);
        assert_eq!(
            names[..8],
            [
                "file=snap_a.csv",
                "file=snap_a.csv-2",
                "_.",
                "_",
                "_-2",
                "A",
                "a-2",
                "x_y"
            ]
        );
        assert_eq!(names[8].chars().count(), 80);
        for name in &names {
            assert!(!name.contains(['/', '\\']) && name != "." && name != ".." && !name.starts_with('.'));
        }
    }

    #[test]
    fn files_backlog_did_not_write_are_kept_unless_forced() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let theirs = dir.path().join("backlog.png");
        std::fs::write(&theirs, "someone's picture").expect("written");
        let ours = dir.path().join("waits.svg");
        std::fs::write(&ours, "<svg><text>Simulated with backlog v0.1.0</text></svg>").expect("written");
        let new = dir.path().join("quoted.svg");
        assert!(check_overwrite(&[ours.clone(), new.clone()], false).is_ok());
        let error = check_overwrite(&[ours, theirs.clone()], false).expect_err("theirs");
        assert!(error.to_string().contains("was not written by backlog"), "{error}");
        assert!(check_overwrite(&[theirs], true).is_ok());
    }
}
