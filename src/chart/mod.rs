//! Publication-ready charts of a results folder (PNG and SVG), and the one-file HTML report.
//!
//! Charts are drawn from the files `backlog run --out` writes, never from a new simulation, so
//! they can be redrawn at any size and always match the data beside them. The same folder
//! gives byte-identical files: nothing depends on the time, the machine's fonts or hash order.
//!
//! - a results folder is read into a [`Folder`] (see [`crate::results`]);
//! - [`write()`] draws charts of one folder ([`Kind`]), [`write_compare`] of several on the same
//!   axes, [`write_report`] the report; a sweep's chart and a fit's back-test are drawn by the
//!   sweep and the fit themselves;
//! - inside, `backlog`, `waits`, `quoted`, `outcomes` draw one folder, `flows` and `nodes` one
//!   folder of a network, and `compare` several;
//!   `layout` and `series` are shared (the frame, axes, labelled markers and data marks),
//!   `style` holds the palette, fonts and number formats, `canvas` draws on SVG or PNG and
//!   `html` writes `report.html`.

mod backlog;
pub(crate) mod backtest;
mod canvas;
mod compare;
mod flows;
mod html;
mod layout;
mod nodes;
mod outcomes;
mod quoted;
mod series;
mod style;
pub(crate) mod sweep;
mod waits;

use crate::cancel::CancelToken;
use crate::error::{Diagnostic, Error, InputError};
use crate::format::thousands;
use crate::output::{check_overwrite, create_dir, write_file};
use crate::results::Folder;
use canvas::{Canvas, Drawn};
use plotters::prelude::DrawingBackend;
use std::path::{Path, PathBuf};

/// What a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// People on the list over time, with bands across replications and policy markers.
    Backlog,
    /// The distribution of waits of people processed, and the people still waiting.
    Waits,
    /// What a newcomer would be told each day.
    Quoted,
    /// Where people went: processed, left (by outcome), still waiting.
    Outcomes,
    /// How people moved through a network: from arrivals through ports and stages to where
    /// their journeys ended (networks only).
    Flows,
    /// People on the list of each port and stage over time, one panel each (networks only).
    Nodes,
}

impl Kind {
    /// Every kind drawn of any results folder, in the order charts are listed.
    pub const ALL: [Kind; 4] = [Kind::Backlog, Kind::Waits, Kind::Quoted, Kind::Outcomes];

    /// The kinds drawn only of the results of a network.
    pub const NETWORK: [Kind; 2] = [Kind::Flows, Kind::Nodes];

    /// Every kind `folder` has: [`ALL`](Self::ALL), and [`NETWORK`](Self::NETWORK) when it
    /// holds the results of a network.
    pub fn all_of(folder: &Folder) -> Vec<Kind> {
        let network: &[Kind] = if folder.summary.network.is_some() {
            &Kind::NETWORK
        } else {
            &[]
        };
        Kind::ALL.iter().chain(network).copied().collect()
    }

    /// Whether only the results of a network have this chart.
    pub fn needs_network(self) -> bool {
        Kind::NETWORK.contains(&self)
    }

    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Backlog => "backlog",
            Kind::Waits => "waits",
            Kind::Quoted => "quoted",
            Kind::Outcomes => "outcomes",
            Kind::Flows => "flows",
            Kind::Nodes => "nodes",
        }
    }
}

/// An image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG.
    Png,
    /// SVG.
    Svg,
}

impl Format {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// Size and title of a chart, and whether to overwrite files backlog did not write.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// A title instead of the chart's own.
    pub title: Option<String>,
    /// Overwrite files of the same names that backlog did not write (else they are refused).
    pub force: bool,
}

impl Options {
    /// Refuses a size outside [`SIZE_LIMITS`] and a title that is not one line of text.
    fn check(&self) -> Result<(), Error> {
        let (low, high) = SIZE_LIMITS;
        if !(low..=high).contains(&self.width) || !(low..=high).contains(&self.height) {
            return Err(input(
                format!("a chart cannot be {}x{} pixels", self.width, self.height),
                &format!("width and height are whole numbers from {low} to {high}"),
            ));
        }
        one_line("title", self.title.as_deref())
    }
}

fn input(message: String, help: &str) -> Error {
    Error::Input(InputError::single(Diagnostic::new(message).with_help(help)))
}

/// Refuses a title or label with control characters (a line break would break the layout, and
/// most control characters are not allowed in SVG at all).
fn one_line(what: &str, text: Option<&str>) -> Result<(), Error> {
    if text.is_some_and(|text| text.chars().any(char::is_control)) {
        return Err(input(
            format!("a chart's {what} must be one line of text, without control characters"),
            "write it on one line",
        ));
    }
    Ok(())
}

impl Default for Options {
    fn default() -> Self {
        Options {
            width: style::DEFAULT_SIZE.0,
            height: style::DEFAULT_SIZE.1,
            title: None,
            force: false,
        }
    }
}

/// A chart to draw: one kind of one folder, several folders compared, or a sweep.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Chart<'a> {
    /// One results folder.
    Single(Kind, &'a Folder),
    /// Several results folders on the same axes, with their legend labels.
    Compare(Kind, &'a [Folder], &'a [String]),
    /// A metric of a sweep against the swept parameter.
    Sweep(&'a sweep::SweepChart),
    /// A fitted scenario against the recorded figures.
    Backtest(&'a backtest::BacktestChart),
}

impl Chart<'_> {
    /// File name without extension: `backlog`, `compare-backlog`, `sweep` or `backtest`.
    pub(crate) fn file_stem(&self) -> String {
        match self {
            Chart::Single(kind, _) => kind.name().to_owned(),
            Chart::Compare(kind, ..) => format!("compare-{}", kind.name()),
            Chart::Sweep(_) => "sweep".to_owned(),
            Chart::Backtest(_) => "backtest".to_owned(),
        }
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>, title: Option<&str>) -> Drawn {
        match *self {
            Chart::Single(Kind::Backlog, results) => backlog::draw(c, results, title),
            Chart::Single(Kind::Waits, results) => waits::draw(c, results, title),
            Chart::Single(Kind::Quoted, results) => quoted::draw(c, results, title),
            Chart::Single(Kind::Outcomes, results) => outcomes::draw(c, results, title),
            Chart::Single(Kind::Flows, results) => flows::draw(c, results, title),
            Chart::Single(Kind::Nodes, results) => nodes::draw(c, results, title),
            Chart::Compare(kind, results, labels) => compare::draw(c, kind, results, labels, title),
            Chart::Sweep(data) => sweep::draw(c, data, title),
            Chart::Backtest(data) => backtest::draw(c, data, title),
        }
    }

    /// The chart as SVG text.
    pub(crate) fn svg(&self, options: &Options) -> Result<String, Error> {
        canvas::svg(options.width, options.height, |c| {
            self.draw(c, options.title.as_deref())
        })
    }

    /// The chart as SVG text, with where its plots were laid out.
    pub(crate) fn svg_with_plots(&self, options: &Options) -> Result<(String, Vec<canvas::PlotArea>), Error> {
        canvas::svg_with_plots(options.width, options.height, |c| {
            self.draw(c, options.title.as_deref())
        })
    }

    /// The chart as PNG bytes.
    pub(crate) fn png(&self, options: &Options) -> Result<Vec<u8>, Error> {
        canvas::png(options.width, options.height, |c| {
            self.draw(c, options.title.as_deref())
        })
    }

    /// The chart in `format`.
    pub(crate) fn render(&self, format: Format, options: &Options) -> Result<Vec<u8>, Error> {
        match format {
            Format::Png => self.png(options),
            Format::Svg => self.svg(options).map(String::into_bytes),
        }
    }
}

impl Folder {
    /// The source line every chart carries.
    pub(crate) fn source_line(&self) -> String {
        format!(
            "Simulated with backlog v{}; {}",
            self.version(),
            self.summary.provenance.run_phrase()
        )
    }

    /// `1 Nov 2018 – 31 Oct 2019` or `365 days`.
    pub(crate) fn period(&self) -> String {
        period(self.start_date(), self.horizon_days())
    }
}

/// Smallest and largest width or height of a chart, in pixels (PNGs are drawn at twice the
/// size before smoothing, so 4000×4000 already takes about 200 MB while drawing).
pub const SIZE_LIMITS: (u32, u32) = (240, 4000);

/// Most folders one comparison chart shows (one colour each).
pub const MAX_COMPARED: usize = compare::MAX_SERIES;

/// Draws `kinds` of a results folder in `formats` into `out`; returns the files written. The
/// kinds of a network ([`Kind::NETWORK`]) are refused, before anything is written, for a
/// folder that holds no network (see [`Kind::all_of`]).
pub fn write(
    folder: &Folder,
    kinds: &[Kind],
    out: &Path,
    formats: &[Format],
    options: &Options,
    cancel: &CancelToken,
) -> Result<Vec<PathBuf>, Error> {
    let missing = kinds
        .iter()
        .find(|kind| kind.needs_network() && folder.summary.network.is_none());
    if let Some(kind) = missing {
        return Err(input(
            format!(
                "`{}` holds no network, so it has no {} chart",
                folder.dir.display(),
                kind.name()
            ),
            "the flows and nodes charts are drawn of a run of a network (a scenario with [[stages]] \
             or streams that choose between ports; see docs/networks.md)",
        ));
    }
    let charts: Vec<Chart<'_>> = kinds.iter().map(|&kind| Chart::Single(kind, folder)).collect();
    write_charts_until(&charts, out, formats, options, cancel)
}

/// Draws `kinds` comparing results folders (one to [`MAX_COMPARED`]) into `out`, labelled
/// `labels`, one line of text per folder (see [`default_labels`]); returns the files written.
pub fn write_compare(
    folders: &[Folder],
    labels: &[String],
    kinds: &[Kind],
    out: &Path,
    formats: &[Format],
    options: &Options,
    cancel: &CancelToken,
) -> Result<Vec<PathBuf>, Error> {
    if folders.is_empty() || folders.len() > MAX_COMPARED {
        return Err(input(
            format!("a comparison chart cannot show {} folders", folders.len()),
            &format!("compare one to {MAX_COMPARED} folders (one colour each)"),
        ));
    }
    if let Some(kind) = kinds.iter().find(|kind| kind.needs_network()) {
        return Err(input(
            format!("the {} chart is drawn of one results folder, not compared", kind.name()),
            "compare the backlog, waits, quoted or outcomes charts, or draw each folder's own",
        ));
    }
    if labels.len() != folders.len() {
        return Err(input(
            format!("{} labels for {} compared folders", labels.len(), folders.len()),
            "give one label per folder, in the same order",
        ));
    }
    for label in labels {
        one_line("label", Some(label))?;
    }
    let charts: Vec<Chart<'_>> = kinds
        .iter()
        .map(|&kind| Chart::Compare(kind, folders, labels))
        .collect();
    write_charts_until(&charts, out, formats, options, cancel)
}

/// Legend labels of compared folders: their scenario names, made distinct.
pub fn default_labels(folders: &[Folder]) -> Vec<String> {
    compare::default_labels(folders)
}

/// Writes `report.html` of a results folder to `path`; a file there that backlog did not write
/// is refused unless `force`.
pub fn write_report(folder: &Folder, path: &Path, force: bool) -> Result<(), Error> {
    check_overwrite(&[path.to_path_buf()], force)?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir(parent)?;
    }
    let html = html::report(folder, &Options::default())?;
    write_file(path, html.as_bytes())
}

/// Writes `charts` in `formats` to `out`; returns the files written.
pub(crate) fn write_charts(
    charts: &[Chart<'_>],
    out: &Path,
    formats: &[Format],
    options: &Options,
) -> Result<Vec<PathBuf>, Error> {
    write_charts_until(charts, out, formats, options, &CancelToken::new())
}

/// [`write_charts`], stopping with [`Error::Interrupted`] between charts once `cancel` is.
fn write_charts_until(
    charts: &[Chart<'_>],
    out: &Path,
    formats: &[Format],
    options: &Options,
    cancel: &CancelToken,
) -> Result<Vec<PathBuf>, Error> {
    let paths: Vec<(&Chart<'_>, Format, PathBuf)> = charts
        .iter()
        .flat_map(|chart| {
            formats.iter().map(move |&format| {
                (
                    chart,
                    format,
                    out.join(format!("{}.{}", chart.file_stem(), format.extension())),
                )
            })
        })
        .collect();
    options.check()?;
    let all: Vec<PathBuf> = paths.iter().map(|(.., path)| path.clone()).collect();
    check_overwrite(&all, options.force)?;
    create_dir(out)?;
    for (chart, format, path) in &paths {
        if cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        write_file(path, &chart.render(*format, options)?)?;
    }
    Ok(all)
}

/// `Tijuana 2018 caravan · 200 simulated runs · 1 Nov 2018 – 31 Oct 2019`.
pub(crate) fn subtitle(results: &Folder, what: &str) -> String {
    let runs = if results.replications() == 1 {
        "1 simulated run".to_owned()
    } else {
        format!("{} simulated runs", thousands(f64::from(results.replications())))
    };
    let mut parts = vec![results.scenario().to_owned()];
    if !what.is_empty() {
        parts.push(what.to_owned());
    }
    parts.push(runs);
    parts.push(results.period());
    parts.join(" · ")
}

/// `1 Nov 2018 – 31 Oct 2019` (the first and last simulated days), or `365 days` without a
/// start date.
pub fn period(start_date: Option<crate::model::Date>, horizon_days: u32) -> String {
    match start_date {
        Some(start) if horizon_days > 0 => format!(
            "{} – {}",
            style::long_date(start),
            style::long_date(start.plus_days(i64::from(horizon_days) - 1))
        ),
        _ => format!("{} days", thousands(f64::from(horizon_days))),
    }
}

/// About how tall the plot of a chart will be, in pixels (an underestimate: the frame takes
/// the rest), to decide what the legend promises before the layout is known.
pub(crate) fn approx_plot_height<DB: DrawingBackend>(c: &Canvas<DB>) -> i32 {
    ((f64::from(c.height) - 380.0 * c.scale).max(80.0 * c.scale)) as i32
}

/// About how wide a plot taking `share` of the chart's width will be, in pixels (to choose how
/// many days each point averages before the layout is known).
pub(crate) fn approx_plot_width<DB: DrawingBackend>(c: &Canvas<DB>, share: f64) -> i32 {
    ((f64::from(c.width) - 140.0 * c.scale) * share) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A results folder of a short run of the built-in scenario.
    fn folder(dir: &Path) -> Folder {
        let model = crate::Scenario::built_in()
            .load_with(&[crate::Change::integer("run.horizon_days", 20)])
            .expect("valid");
        let results = crate::simulate(&model, &crate::RunOptions::new().replications(2)).expect("runs");
        results.write_folder(dir).expect("written");
        Folder::read(dir).expect("read")
    }

    /// What the command line checks of its flags, the library checks of its callers: sizes,
    /// titles and labels that cannot be drawn, and comparisons of too few or too many folders
    /// or with a label per folder missing, are refused before anything is written.
    #[test]
    fn charts_that_cannot_be_drawn_are_refused() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let folder = folder(&dir.path().join("results"));
        let out = dir.path().join("charts");
        let never = CancelToken::new();
        let draw = |options: &Options| write(&folder, &[Kind::Waits], &out, &[Format::Svg], options, &never);
        for (width, height) in [(0, 675), (1200, 0), (100_000, 675), (1200, 4001)] {
            let error = draw(&Options {
                width,
                height,
                ..Options::default()
            })
            .expect_err("no such size");
            assert!(error.to_string().contains("pixels"), "{error}");
        }
        let title = Options {
            title: Some("two\nlines".to_owned()),
            ..Options::default()
        };
        assert!(draw(&title).expect_err("a line break").to_string().contains("title"));
        let compare = |folders: &[Folder], labels: &[&str]| {
            let labels: Vec<String> = labels.iter().map(|&label| label.to_owned()).collect();
            write_compare(
                folders,
                &labels,
                &[Kind::Waits],
                &out,
                &[Format::Svg],
                &Options::default(),
                &never,
            )
        };
        let two = [folder.clone(), folder.clone()];
        assert!(compare(&[], &[]).is_err());
        let many = vec![folder.clone(); MAX_COMPARED + 1];
        let labels: Vec<&str> = many.iter().map(|_| "x").collect();
        assert!(compare(&many, &labels).is_err());
        assert!(
            compare(&two, &["a"])
                .expect_err("a label short")
                .to_string()
                .contains("1 labels for 2")
        );
        assert!(
            compare(&two, &["a", "b\u{1b}[2J"])
                .expect_err("an escape")
                .to_string()
                .contains("label")
        );
        for error in [
            draw(&title).expect_err("refused"),
            compare(&two, &["a"]).expect_err("refused"),
        ] {
            assert_eq!(error.exit_code(), 2);
        }
        assert!(!out.exists(), "nothing was written");
        assert_eq!(compare(&two, &["a", "b"]).expect("drawn").len(), 1);
    }
}
