//! What the command line writes to the terminal: results on stdout, notes and progress on
//! stderr.

use super::args::FormatArg;
use backlog::{Error, Folder, Note, Progress, Render, RunOptions};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;

/// Prints `result` on stdout in `format`.
pub(super) fn print(stdout: &mut dyn Write, result: &impl Render, format: FormatArg) -> Result<(), Error> {
    let text = match format {
        FormatArg::Table => result.to_table(),
        FormatArg::Json => result.to_json(),
        FormatArg::Csv => result.to_csv(),
    };
    write_stdout(stdout, text.as_bytes())
}

/// Writes to stdout; a closed pipe (`backlog run | head`) is not an error.
pub(super) fn write_stdout(stdout: &mut dyn Write, bytes: &[u8]) -> Result<(), Error> {
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: "standard output".into(),
            source: error,
        }),
        _ => Ok(()),
    }
}

/// Text for the terminal: control characters other than line breaks and tabs are written as
/// escapes (`\u{1b}`), so no name or path can move the cursor, recolour or clear the screen.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Writes `text` to stderr. A closed or full stderr is ignored: a message that cannot be shown
/// must never stop a run (`eprintln!` would panic).
pub(crate) fn to_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(printable(text).as_bytes());
}

/// Prints a note (a sentence without its `note:` heading) on stderr.
pub(super) fn note(text: &str) {
    to_stderr(&format!("note: {text}\n"));
}

/// Prints notes of a loaded scenario to stderr (stdout is for results), unless `quiet`.
pub(super) fn print_notes(notes: &[Note], quiet: bool) {
    if !quiet {
        for note in notes {
            to_stderr(&note.to_string());
        }
    }
}

/// Prints what reading a results folder noted on stderr.
pub(super) fn folder_notes(folder: &Folder) {
    for text in &folder.notes {
        note(text);
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal and not quiet.
pub(super) struct Bar(ProgressBar);

impl Bar {
    /// A bar counting `what` (`replications`, `runs`), hidden when `quiet`; a spinner when the
    /// total is not known.
    pub(super) fn new(quiet: bool, what: &str) -> Bar {
        if quiet {
            return Bar(ProgressBar::hidden());
        }
        let style =
            ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {what}  {{elapsed}} (eta {{eta}})"))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        Bar(ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(style))
    }

    /// A spinner counting `what` when their total is not known in advance (a fit's), hidden
    /// when `quiet`.
    pub(super) fn spinner(quiet: bool, what: &str) -> Bar {
        if quiet {
            return Bar(ProgressBar::hidden());
        }
        let style = ProgressStyle::with_template(&format!("{{spinner}} {{pos}} {what}  {{elapsed}}"))
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        Bar(ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(style))
    }

    /// `options` reporting progress to this bar.
    pub(super) fn attach(&self, options: RunOptions) -> RunOptions {
        let bar = self.0.clone();
        options.progress(move |progress: Progress| {
            if let Some(total) = progress.total {
                bar.set_length(total);
            }
            bar.set_position(progress.done);
        })
    }

    /// Removes the bar from the terminal.
    pub(super) fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

/// `1 simulation`, `12 simulations`.
pub(super) fn simulations(count: u64) -> String {
    match count {
        1 => "1 simulation".to_owned(),
        n => format!("{n} simulations"),
    }
}
