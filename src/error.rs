//! Errors, and the rustc-style rendering of bad-input diagnostics with file:line:col and a caret.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Everything that can go wrong; [`Error::exit_code`] maps it to the process exit code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input (scenario file, CSV file, command-line value) is wrong: exit code 2.
    #[error("{0}")]
    Input(#[from] InputError),
    /// The run would go past a resource limit, refused before it started: exit code 2.
    #[error("{0}")]
    Limit(#[from] crate::guard::LimitError),
    /// A file could not be written: exit code 1.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file or folder.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The run was stopped by its cancel token (Ctrl-C): exit code 130, and nothing was written.
    #[error("interrupted: no results were written")]
    Interrupted,
    /// Worker threads could not be started: exit code 1.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// A chart could not be drawn or encoded: exit code 1.
    #[error("{0}")]
    Chart(String),
    /// The search of a fit could not run (the optimiser failed): exit code 1.
    #[error("the search for the best parameters failed: {0}")]
    Search(String),
    /// A search run in rounds (`--rounds DIR`) stopped before its results: a round waits for
    /// other shards, or (for a shard) the search is complete. Exit code 3; a shard's command
    /// line reports it and exits 0.
    #[error("{0}")]
    Rounds(crate::analysis::RoundStop),
}

impl Error {
    /// 2 for bad input or a refused run, 3 for a search in rounds that needs more rounds, 130
    /// when interrupted, 1 for anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Limit(_) => 2,
            Error::Write { .. } | Error::Threads(_) | Error::Chart(_) | Error::Search(_) => 1,
            Error::Interrupted => 130,
            Error::Rounds(_) => 3,
        }
    }
}

/// One or more problems with the input, each pointing at where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The problems, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl InputError {
    /// An error with a single diagnostic.
    pub fn single(diagnostic: Diagnostic) -> Self {
        InputError {
            diagnostics: vec![diagnostic],
        }
    }
}

impl std::error::Error for InputError {}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        if self.diagnostics.len() > 1 {
            write!(f, "\n{} errors", self.diagnostics.len())?;
        }
        Ok(())
    }
}

/// A file given to the tool: its name as the user wrote it and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// Name shown in messages.
    pub name: String,
    /// Full text.
    pub text: Arc<str>,
}

/// One problem: a message and, where known, the place in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// What is wrong, as a sentence a non-programmer can act on.
    pub message: String,
    /// The file and byte range it is about, if any.
    pub location: Option<(SourceFile, Range<usize>)>,
    /// Short note printed under the caret.
    pub label: Option<String>,
    /// A suggestion.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with no location (e.g. a missing file).
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            location: None,
            label: None,
            help: None,
        }
    }

    /// A diagnostic at a byte range of a file.
    pub fn at(source: &SourceFile, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            location: Some((source.clone(), span)),
            label: None,
            help: None,
        }
    }

    /// Adds a label under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// 1-based line and column (in characters) of the start of the span.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let (source, span) = self.location.as_ref()?;
        Some(line_col(&source.text, span.start))
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render(f, "error")
    }
}

/// Something accepted that the user may want to know, such as a dated entry after the end of
/// the simulated period: rendered like a [`Diagnostic`], but headed `note:`. It never stops a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Note(pub Diagnostic);

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.render(f, "note")
    }
}

impl Diagnostic {
    /// Writes the diagnostic headed by `level` (`error`, `note`), with its place and caret.
    fn render(&self, f: &mut fmt::Formatter<'_>, level: &str) -> fmt::Result {
        writeln!(f, "{level}: {}", self.message)?;
        if let Some((source, span)) = &self.location {
            let text = &source.text;
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let (line, col) = line_col(text, start);
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let line_text = text[line_start..line_end].trim_end_matches('\r');
            let end = floor_char_boundary(text, span.end.clamp(start, line_end.max(start)));
            let caret_len = text[start..end].chars().count().max(1);
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            writeln!(f, "{pad}--> {}:{line}:{col}", source.name)?;
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {}", line_text.replace('\t', " "))?;
            let underline = format!("{}{}", " ".repeat(col - 1), "^".repeat(caret_len));
            match &self.label {
                Some(label) => writeln!(f, "{pad} | {underline} {label}")?,
                None => writeln!(f, "{pad} | {underline}")?,
            }
            if let Some(help) = &self.help {
                writeln!(f, "{pad} = help: {help}")?;
            }
        } else if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_column_and_caret() {
        let source = SourceFile {
            name: "s.toml".into(),
            text: "a = 1\nbad = 2\n".into(),
        };
        let diagnostic = Diagnostic::at(&source, 6..9, "unknown key `bad`")
            .with_label("not a key here")
            .with_help("did you mean `bar`?");
        assert_eq!(diagnostic.line_col(), Some((2, 1)));
        assert_eq!(
            diagnostic.to_string(),
            "error: unknown key `bad`\n --> s.toml:2:1\n  |\n2 | bad = 2\n  | ^^^ not a key here\n  = help: did you mean `bar`?\n"
        );
    }

    #[test]
    fn notes_render_like_errors_headed_note() {
        let source = SourceFile {
            name: "s.toml".into(),
            text: "a = 1\non = 45\n".into(),
        };
        let note = Note(Diagnostic::at(
            &source,
            11..13,
            "`on` (day 45) is after the simulated period",
        ));
        assert_eq!(
            note.to_string(),
            "note: `on` (day 45) is after the simulated period\n --> s.toml:2:6\n  |\n2 | on = 45\n  |      ^^\n"
        );
    }
}
