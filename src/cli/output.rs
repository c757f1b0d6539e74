//! What the command line writes to the terminal: results on stdout, notes and progress on
//! stderr.

use backlog::{Error, Note, Progress, RunOptions};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;

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

/// Prints notes of a loaded scenario to stderr (stdout is for results), unless `quiet`.
pub(super) fn print_notes(notes: &[Note], quiet: bool) {
    if !quiet {
        for note in notes {
            eprintln!("{note}");
        }
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
