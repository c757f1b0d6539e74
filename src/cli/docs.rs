//! `backlog completions` and `backlog man`: shell completion scripts and man pages, made from
//! the command line's own definitions so they cannot drift from it.

use super::args::Cli;
use super::output::write_stdout;
use backlog::{Diagnostic, Error, InputError};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

/// Prints the completion script of `shell`.
pub(super) fn completions(shell: clap_complete::Shell, stdout: &mut dyn Write) -> Result<(), Error> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "backlog", &mut script);
    write_stdout(stdout, &script)
}

/// Prints the man page of `backlog` or of the command `path` names (`run`, `scenarios show`).
pub(super) fn man(path: &[String], stdout: &mut dyn Write) -> Result<(), Error> {
    let mut command = root();
    for name in path {
        let names: Vec<String> = command.get_subcommands().map(|sub| sub.get_name().to_owned()).collect();
        let Some(sub) = command.find_subcommand(name) else {
            let what = match names.is_empty() {
                true => format!("`{}` has no commands", command.get_name()),
                false => format!("the commands are {}", names.join(", ")),
            };
            return Err(Error::Input(InputError::single(
                Diagnostic::new(format!("no man page for the command `{}`", path.join(" "))).with_help(what),
            )));
        };
        command = sub.clone();
    }
    write_stdout(stdout, &page(&command))
}

/// Writes the man page of `backlog` and of every command into `dir` (made if need be):
/// `backlog.1`, `backlog-run.1`, …, `backlog-scenarios-show.1`.
pub(super) fn man_to(dir: &Path, stdout: &mut dyn Write) -> Result<(), Error> {
    let write_error = |path: &Path, source: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|source| write_error(dir, source))?;
    let mut written = String::new();
    for (name, bytes) in pages() {
        let path = dir.join(&name);
        // Written beside it, then renamed over it: a page is never half-written, and a link of
        // that name is replaced rather than followed.
        let staging = dir.join(format!(".{name}.backlog-staging"));
        std::fs::write(&staging, bytes)
            .and_then(|()| std::fs::rename(&staging, &path))
            .map_err(|source| {
                let _ = std::fs::remove_file(&staging);
                write_error(&path, source)
            })?;
        written.push_str(&format!("{}\n", path.display()));
    }
    write_stdout(stdout, written.as_bytes())
}

/// Every man page, by file name: `backlog` first, then each command depth first.
pub(crate) fn pages() -> Vec<(String, Vec<u8>)> {
    fn walk(command: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) {
        let name = command.get_display_name().unwrap_or_else(|| command.get_name());
        pages.push((format!("{name}.1"), page(command)));
        for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            walk(sub, pages);
        }
    }
    let mut pages = Vec::new();
    walk(&root(), &mut pages);
    pages
}

/// The command line, built (so that commands know their full names) and without the `help`
/// command, which needs no page.
fn root() -> clap::Command {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    command
}

/// One man page: clap_mangen's sections, then EXAMPLES and EXIT STATUS from the end of the
/// command's `--help`, kept line by line. It has no date, so it changes only with backlog.
fn page(command: &clap::Command) -> Vec<u8> {
    let man = clap_mangen::Man::new(command.clone()).source(format!("backlog {}", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    let rendered = (|| -> std::io::Result<()> {
        man.render_title(&mut out)?;
        man.render_name_section(&mut out)?;
        man.render_synopsis_section(&mut out)?;
        man.render_description_section(&mut out)?;
        man.render_options_section(&mut out)?;
        if command.has_subcommands() {
            man.render_subcommands_section(&mut out)?;
        }
        if command.get_version().is_some() {
            man.render_version_section(&mut out)?;
        }
        Ok(())
    })();
    // Writing into a Vec cannot fail.
    debug_assert!(rendered.is_ok());
    let after = command
        .get_after_long_help()
        .map(ToString::to_string)
        .unwrap_or_default();
    let (examples, exit_codes) = after.split_once("Exit codes:").unwrap_or((after.as_str(), ""));
    let examples = examples.trim().strip_prefix("Examples:").unwrap_or(examples);
    for (heading, text) in [("EXAMPLES", examples), ("EXIT STATUS", exit_codes)] {
        if text.trim().is_empty() {
            continue;
        }
        out.extend_from_slice(format!(".SH \"{heading}\"\n.nf\n").as_bytes());
        for line in text.trim_matches('\n').lines() {
            out.extend_from_slice(roff_line(line).as_bytes());
            out.push(b'\n');
        }
        out.extend_from_slice(b".fi\n");
    }
    out
}

/// A line of text for roff's no-fill mode: backslashes and hyphens escaped, and a leading dot
/// or quote kept from being read as a request.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and subcommand ends its --help with examples and the exit codes.
    #[test]
    fn every_command_has_examples_and_exit_codes() {
        fn walk(command: &clap::Command, seen: &mut usize) {
            let after = command
                .get_after_long_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            let name = command.get_display_name().unwrap_or_else(|| command.get_name());
            assert!(after.starts_with("Examples:\n"), "{name}: {after}");
            assert!(after.contains("\n  backlog "), "{name} has no example");
            assert!(after.contains("Exit codes:\n  0    success"), "{name}: {after}");
            *seen += 1;
            for sub in command.get_subcommands() {
                walk(sub, seen);
            }
        }
        let mut seen = 0;
        walk(&root(), &mut seen);
        assert!(seen >= 13, "{seen} commands");
    }

    #[test]
    fn pages_keep_examples_line_by_line_and_have_no_date() {
        let pages = pages();
        let names: Vec<&str> = pages.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names[0], "backlog.1");
        assert!(names.contains(&"backlog-run.1"), "{names:?}");
        assert!(names.contains(&"backlog-scenarios-show.1"), "{names:?}");
        let run = String::from_utf8(pages[1].1.clone()).expect("text");
        let title = format!("\n.TH backlog-run 1  \"backlog {}\" \n", env!("CARGO_PKG_VERSION"));
        assert!(run.contains(&title), "{run}");
        assert!(run.contains(".SH \"EXAMPLES\"\n.nf\n"), "{run}");
        assert!(run.contains("\n  130  interrupted by Ctrl\\-C"), "{run}");
        assert_eq!(roff_line(".x -r \\"), "\\&.x \\-r \\e");
    }
}
