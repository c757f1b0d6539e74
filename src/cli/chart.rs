//! `backlog chart` and `backlog report`: charts and the one-file HTML report, drawn from the
//! files of a results folder.

use super::args::{ChartArgs, ChartFormatArg, KindArg};
use super::output::{folder_notes, write_stdout};
use backlog::chart::{self, Format, Kind, Options};
use backlog::{CancelToken, Diagnostic, Error, Folder, InputError, Limits};
use std::io::Write;
use std::path::{Path, PathBuf};

fn input(message: impl Into<String>, help: Option<&str>) -> Error {
    let diagnostic = Diagnostic::new(message);
    Error::Input(InputError::single(match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }))
}

/// Parses `--size WIDTHxHEIGHT`.
fn parse_size(text: &str) -> Result<(u32, u32), Error> {
    let (low, high) = chart::SIZE_LIMITS;
    let bad = || {
        input(
            format!("--size must be WIDTHxHEIGHT in pixels, e.g. 1200x675; got `{text}`"),
            Some(&format!("width and height are whole numbers from {low} to {high}")),
        )
    };
    let (w, h) = text.trim().split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let width: u32 = w.trim().parse().map_err(|_| bad())?;
    let height: u32 = h.trim().parse().map_err(|_| bad())?;
    if !(low..=high).contains(&width) || !(low..=high).contains(&height) {
        return Err(bad());
    }
    Ok((width, height))
}

/// Limits with only the size of files read set (the rest is not at stake in drawing).
fn input_limit(max_input: Option<u64>) -> Limits {
    Limits {
        max_input_bytes: max_input,
        ..Limits::default()
    }
}

fn print_written(stdout: &mut dyn Write, paths: &[PathBuf]) -> Result<(), Error> {
    let text: String = paths.iter().map(|p| format!("{}\n", p.display())).collect();
    write_stdout(stdout, text.as_bytes())
}

/// Runs `backlog chart`: draws charts of a results folder, or compares several; prints the
/// files written, one a line.
pub(super) fn chart(args: ChartArgs, cancel: &CancelToken, stdout: &mut dyn Write) -> Result<(), Error> {
    let (width, height) = parse_size(&args.size)?;
    for (flag, text) in [("--title", &args.title), ("--labels", &args.labels)] {
        if text.as_deref().is_some_and(|text| text.chars().any(char::is_control)) {
            return Err(input(
                format!("{flag} must be one line of text, without control characters"),
                Some("write it on one line"),
            ));
        }
    }
    let options = Options {
        width,
        height,
        title: args.title.clone(),
        force: args.force,
    };
    // `all` is every kind of one folder (see `Kind::all_of`), or every kind compared.
    let kinds: Vec<Kind> = match args.kind {
        KindArg::Backlog => vec![Kind::Backlog],
        KindArg::Waits => vec![Kind::Waits],
        KindArg::Quoted => vec![Kind::Quoted],
        KindArg::Outcomes => vec![Kind::Outcomes],
        KindArg::Flows => vec![Kind::Flows],
        KindArg::Nodes => vec![Kind::Nodes],
        KindArg::All => Vec::new(),
    };
    let formats: &[Format] = match args.format {
        ChartFormatArg::Png => &[Format::Png],
        ChartFormatArg::Svg => &[Format::Svg],
        ChartFormatArg::Both => &[Format::Png, Format::Svg],
    };
    if !args.compare.is_empty() {
        let kinds = if kinds.is_empty() { Kind::ALL.to_vec() } else { kinds };
        return compare(&args, &kinds, formats, &options, cancel, stdout);
    }
    if args.labels.is_some() {
        return Err(input("--labels is for --compare", None));
    }
    let Some(dir) = &args.results else {
        return Err(input(
            "give a results folder (written by `backlog run --out DIR`), or --compare DIR1 DIR2 …",
            None,
        ));
    };
    let folder = Folder::read_within(dir, &input_limit(args.max_input))?;
    folder_notes(&folder);
    let kinds = if kinds.is_empty() { Kind::all_of(&folder) } else { kinds };
    let out = args.out.clone().unwrap_or_else(|| dir.clone());
    let written = chart::write(&folder, &kinds, &out, formats, &options, cancel)?;
    print_written(stdout, &written)
}

/// `backlog chart --compare DIR…`.
fn compare(
    args: &ChartArgs,
    kinds: &[Kind],
    formats: &[Format],
    options: &Options,
    cancel: &CancelToken,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    if args.results.is_some() {
        return Err(input(
            "give either a results folder or --compare with two or more folders, not both",
            None,
        ));
    }
    if args.compare.len() < 2 {
        return Err(input("--compare needs two or more results folders", None));
    }
    if args.compare.len() > chart::MAX_COMPARED {
        return Err(input(
            format!(
                "--compare takes at most {} folders (one colour each); got {}",
                chart::MAX_COMPARED,
                args.compare.len()
            ),
            None,
        ));
    }
    let folders: Vec<Folder> = args
        .compare
        .iter()
        .map(|dir| Folder::read_within(dir, &input_limit(args.max_input)))
        .collect::<Result<_, _>>()?;
    let labels = match &args.labels {
        Some(text) => {
            let labels: Vec<String> = text.split(',').map(|l| l.trim().to_owned()).collect();
            if labels.len() != folders.len() {
                return Err(input(
                    format!("--labels has {} labels for {} folders", labels.len(), folders.len()),
                    Some("give one label per folder, in the same order, separated by commas"),
                ));
            }
            labels
        }
        None => chart::default_labels(&folders),
    };
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("."));
    let written = chart::write_compare(&folders, &labels, kinds, &out, formats, options, cancel)?;
    print_written(stdout, &written)
}

/// Runs `backlog report`: writes `report.html` and prints its path.
pub(super) fn report(
    results: &Path,
    out: Option<PathBuf>,
    force: bool,
    max_input: Option<u64>,
    cancel: &CancelToken,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let folder = Folder::read_within(results, &input_limit(max_input))?;
    folder_notes(&folder);
    if cancel.is_cancelled() {
        return Err(Error::Interrupted);
    }
    let path = out.unwrap_or_else(|| results.join("report.html"));
    chart::write_report(&folder, &path, force)?;
    print_written(stdout, &[path])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_are_bounded() {
        assert_eq!(parse_size("800x450").expect("ok"), (800, 450));
        assert_eq!(parse_size("1600X900").expect("ok"), (1600, 900));
        for bad in [
            "800",
            "800x",
            "x450",
            "0x0",
            "100000x10",
            "4001x2000",
            "axb",
            "800x450x2",
        ] {
            let error = parse_size(bad).expect_err(bad);
            assert_eq!(error.exit_code(), 2);
            assert!(error.to_string().contains("--size"), "{error}");
        }
    }
}
