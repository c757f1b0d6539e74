//! `backlog chart` and `backlog report`, and the `--charts`/`--report` flags of `run`: charts and
//! the one-file HTML report, drawn from the files in a results folder.

use super::write_atomically;
use crate::chart::{self, Chart, Format, Kind, Options, Results, compare};
use crate::error::{Diagnostic, Error, InputError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Which image formats to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Formats {
    /// PNG only.
    Png,
    /// SVG only.
    Svg,
    /// Both.
    #[default]
    Both,
}

impl Formats {
    fn list(self) -> &'static [Format] {
        match self {
            Formats::Png => &[Format::Png],
            Formats::Svg => &[Format::Svg],
            Formats::Both => &[Format::Png, Format::Svg],
        }
    }
}

/// Everything `backlog chart` needs.
#[derive(Debug, Clone, Default)]
pub struct ChartRequest {
    /// The results folder (not with `compare`).
    pub results: Option<PathBuf>,
    /// Folders to compare (two or more).
    pub compare: Vec<PathBuf>,
    /// Legend labels of compared folders, comma-separated.
    pub labels: Option<String>,
    /// One kind, or every kind when `None`.
    pub kind: Option<Kind>,
    /// Output folder (default: the results folder; the current folder for comparisons).
    pub out: Option<PathBuf>,
    /// Image formats.
    pub format: Formats,
    /// `WIDTHxHEIGHT` in pixels (default 1200x675).
    pub size: Option<String>,
    /// A title instead of each chart's own.
    pub title: Option<String>,
}

/// Everything `backlog report` needs.
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    /// The results folder.
    pub results: PathBuf,
    /// The file to write (default: `report.html` in the results folder).
    pub out: Option<PathBuf>,
}

fn input(message: impl Into<String>, help: Option<&str>) -> Error {
    let diagnostic = Diagnostic::new(message);
    Error::Input(InputError::single(match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }))
}

/// Smallest and largest width or height accepted by `--size` (PNGs are drawn at twice the size
/// before smoothing, so 4000×4000 already takes about 200 MB while drawing).
pub const SIZE_LIMITS: (u32, u32) = (240, 4000);

/// Parses `--size WIDTHxHEIGHT`.
pub fn parse_size(text: Option<&str>) -> Result<(u32, u32), Error> {
    let Some(text) = text else {
        return Ok(chart::style::DEFAULT_SIZE);
    };
    let (low, high) = SIZE_LIMITS;
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

fn create_dir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.display().to_string(),
        source,
    })
}

/// Writes `charts` in `formats` to `out`; returns the files written.
pub fn write_charts(
    charts: &[Chart<'_>],
    out: &Path,
    formats: &[Format],
    options: &Options,
) -> Result<Vec<PathBuf>, Error> {
    create_dir(out)?;
    let mut written = Vec::new();
    for chart in charts {
        for &format in formats {
            let path = out.join(format!("{}.{}", chart.file_stem(), format.extension()));
            write_atomically(&path, &chart.render(format, options)?)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// Writes `report.html` of `results` to `path`.
pub fn write_report(results: &Results, path: &Path) -> Result<(), Error> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir(parent)?;
    }
    let html = chart::html::report(results, &Options::default())?;
    write_atomically(path, html.as_bytes())
}

fn print_notes(results: &Results) {
    for note in &results.notes {
        eprintln!("note: {note}");
    }
}

fn print_written(stdout: &mut dyn Write, paths: &[PathBuf]) -> Result<(), Error> {
    let text: String = paths.iter().map(|p| format!("{}\n", p.display())).collect();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: "standard output".into(),
            source: error,
        }),
        _ => Ok(()),
    }
}

/// `backlog chart`: draws charts of a results folder, or compares several; prints the files
/// written, one a line.
pub fn chart(request: &ChartRequest, stdout: &mut dyn Write) -> Result<(), Error> {
    let (width, height) = parse_size(request.size.as_deref())?;
    let options = Options {
        width,
        height,
        title: request.title.clone(),
    };
    let kinds: Vec<Kind> = request.kind.map_or_else(|| Kind::ALL.to_vec(), |kind| vec![kind]);
    let formats = request.format.list();
    if !request.compare.is_empty() {
        if request.results.is_some() {
            return Err(input(
                "give either a results folder or --compare with two or more folders, not both",
                None,
            ));
        }
        if request.compare.len() < 2 {
            return Err(input("--compare needs two or more results folders", None));
        }
        if request.compare.len() > compare::MAX_SERIES {
            return Err(input(
                format!(
                    "--compare takes at most {} folders (one colour each); got {}",
                    compare::MAX_SERIES,
                    request.compare.len()
                ),
                None,
            ));
        }
        let folders: Vec<Results> = request
            .compare
            .iter()
            .map(|dir| Results::load(dir))
            .collect::<Result<_, _>>()?;
        let labels = match &request.labels {
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
            None => compare::default_labels(&folders),
        };
        let charts: Vec<Chart<'_>> = kinds
            .iter()
            .map(|&kind| Chart::Compare(kind, &folders, &labels))
            .collect();
        let out = request.out.clone().unwrap_or_else(|| PathBuf::from("."));
        let written = write_charts(&charts, &out, formats, &options)?;
        return print_written(stdout, &written);
    }
    if request.labels.is_some() {
        return Err(input("--labels is for --compare", None));
    }
    let Some(dir) = &request.results else {
        return Err(input(
            "give a results folder (written by `backlog run --out DIR`), or --compare DIR1 DIR2 …",
            None,
        ));
    };
    let results = Results::load(dir)?;
    print_notes(&results);
    let charts: Vec<Chart<'_>> = kinds.iter().map(|&kind| Chart::Single(kind, &results)).collect();
    let out = request.out.clone().unwrap_or_else(|| dir.clone());
    let written = write_charts(&charts, &out, formats, &options)?;
    print_written(stdout, &written)
}

/// `backlog report`: writes `report.html` and prints its path.
pub fn report(request: &ReportRequest, stdout: &mut dyn Write) -> Result<(), Error> {
    let results = Results::load(&request.results)?;
    print_notes(&results);
    let path = request
        .out
        .clone()
        .unwrap_or_else(|| request.results.join("report.html"));
    write_report(&results, &path)?;
    print_written(stdout, &[path])
}

/// Checks `run --charts/--report` before simulating: they need `--out`.
pub fn check_run_flags(charts: bool, report: bool, out: Option<&Path>) -> Result<(), Error> {
    if (charts || report) && out.is_none() {
        let flag = if charts { "--charts" } else { "--report" };
        return Err(input(
            format!("{flag} needs --out DIR: the charts and report are written next to the data"),
            Some("e.g. `backlog run --out results --charts --report`"),
        ));
    }
    Ok(())
}

/// `run --charts/--report`: draws every chart (PNG and SVG) and/or the report in `dir`, from the
/// files just written there.
pub fn after_run(dir: &Path, charts: bool, report: bool) -> Result<(), Error> {
    if !charts && !report {
        return Ok(());
    }
    let results = Results::load(dir)?;
    print_notes(&results);
    if charts {
        let all: Vec<Chart<'_>> = Kind::ALL.iter().map(|&kind| Chart::Single(kind, &results)).collect();
        write_charts(&all, dir, Formats::Both.list(), &Options::default())?;
    }
    if report {
        write_report(&results, &dir.join("report.html"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_are_bounded() {
        assert_eq!(parse_size(None).expect("default"), (1200, 675));
        assert_eq!(parse_size(Some("800x450")).expect("ok"), (800, 450));
        assert_eq!(parse_size(Some("1600X900")).expect("ok"), (1600, 900));
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
            let error = parse_size(Some(bad)).expect_err(bad);
            assert_eq!(error.exit_code(), 2);
            assert!(error.to_string().contains("--size"), "{error}");
        }
    }

    #[test]
    fn run_flags_need_an_output_folder() {
        assert!(check_run_flags(false, false, None).is_ok());
        assert!(check_run_flags(true, true, Some(Path::new("x"))).is_ok());
        let error = check_run_flags(true, false, None).expect_err("needs --out");
        assert!(error.to_string().contains("--charts needs --out"), "{error}");
        assert_eq!(error.exit_code(), 2);
    }
}
