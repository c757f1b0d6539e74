//! `backlog run`: simulates a scenario and reports; with `--out`, writes a results folder (and
//! its charts and report).

use super::args::RunArgs;
use super::output::{Bar, folder_notes, print, print_notes, write_stdout};
use super::{changes, scenario};
use backlog::chart::{self, Kind};
use backlog::results::OutputDir;
use backlog::{
    CancelToken, Change, Diagnostic, Error, Folder, InputError, Limits, RunOptions, Shard, simulate, simulate_shard,
};
use std::io::Write;
use std::path::Path;

/// Runs `backlog run`.
pub(super) fn run(args: RunArgs, cancel: &CancelToken, stdout: &mut dyn Write) -> Result<(), Error> {
    let mut changes = changes(&args.sets)?;
    if let Some(seed) = args.seed {
        let seed = i64::try_from(seed).map_err(|_| bad_flag("--seed", "at most 9223372036854775807"))?;
        changes.push(Change::integer("run.seed", seed));
    }
    if let Some(horizon) = args.horizon_days {
        changes.push(Change::integer("run.horizon_days", i64::from(horizon)));
    }
    check_run_flags(args.charts, args.report, args.out.as_deref())?;
    let shard = args.shard.as_deref().map(str::parse::<Shard>).transpose()?;
    if let Some(shard) = shard {
        check_shard_flags(shard, &args)?;
    }
    let limits = args.limits.limits();
    let model = scenario(args.scenario.as_deref(), &limits)?.load_with(&changes)?;
    print_notes(model.notes(), args.quiet);
    // Every output is checked (and the folder started) before anything runs.
    if let (Some(shard), Some(dir)) = (shard, args.out.as_deref()) {
        return run_shard(&model, shard, dir, &args, cancel, stdout);
    }
    let out = args
        .out
        .as_deref()
        .map(|dir| OutputDir::prepare(dir, args.force))
        .transpose()?;
    if let Some(path) = &args.trace {
        check_trace_path(path, args.out.as_deref())?;
    }
    let bar = Bar::new(args.quiet, "replications");
    let results = simulate(&model, &bar.attach(run_options(&args, cancel)));
    bar.finish();
    let results = results?;
    if let Some(out) = out {
        results.write_files(out.path())?;
        after_run(out.path(), args.charts, args.report, args.quiet, &limits, cancel)?;
        out.commit()?;
    }
    if let Some(path) = &args.trace {
        backlog::write_trace(&model, 0, path, cancel)?;
    }
    print(stdout, results.summary(), args.format)
}

/// The run options the flags ask for (without a progress bar).
fn run_options(args: &RunArgs, cancel: &CancelToken) -> RunOptions {
    super::base_options(args.replications, args.threads, args.limits.limits(), cancel)
        .engine(args.engine.into())
        .share_over_days(&args.share_over)
}

/// `--shard K/N`: needs `--out`, and leaves the charts, the report and the trace to the merge
/// (checked before simulating).
fn check_shard_flags(shard: Shard, args: &RunArgs) -> Result<(), Error> {
    let problem = if args.out.is_none() {
        Some("--shard needs --out DIR: the folder the shard's state is written to")
    } else if args.charts || args.report {
        Some("--charts and --report are drawn when the shards are merged, not by a shard")
    } else if args.trace.is_some() {
        Some("--trace is written by an unsharded run, not by a shard")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Error::Input(InputError::single(
            Diagnostic::new(problem).with_help(format!(
                "e.g. `backlog run … --shard {shard} --out shards/{}`, then `backlog merge shards/* --out results --charts --report`",
                shard.index()
            )),
        ))),
        None => Ok(()),
    }
}

/// Runs shard `shard` and writes its folder `dir`; says which replications it ran.
fn run_shard(
    model: &backlog::Model,
    shard: Shard,
    dir: &Path,
    args: &RunArgs,
    cancel: &CancelToken,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    // The folder is checked before anything runs.
    let out = OutputDir::prepare_shard(dir, args.force)?;
    let bar = Bar::new(args.quiet, "replications");
    let state = simulate_shard(model, shard, &bar.attach(run_options(args, cancel)));
    bar.finish();
    let state = state?;
    state.write_files(out.path())?;
    out.commit()?;
    let range = state.replications();
    let ran = match range.len() {
        0 => "no replications".to_owned(),
        1 => format!("replication {}", range.start),
        _ => format!("replications {} to {}", range.start, range.end - 1),
    };
    let line = format!(
        "shard {shard}: {ran} of {} written to {}\n",
        state.provenance().replications,
        dir.display()
    );
    write_stdout(stdout, line.as_bytes())
}

fn bad_flag(flag: &str, expected: &str) -> Error {
    Error::Input(InputError::single(Diagnostic::new(format!(
        "{flag} must be {expected}"
    ))))
}

/// `--charts` and `--report` need `--out`: checked before simulating.
fn check_run_flags(charts: bool, report: bool, out: Option<&Path>) -> Result<(), Error> {
    if (charts || report) && out.is_none() {
        let flag = if charts { "--charts" } else { "--report" };
        return Err(Error::Input(InputError::single(
            Diagnostic::new(format!(
                "{flag} needs --out DIR: the charts and report are written next to the data"
            ))
            .with_help("e.g. `backlog run --out results --charts --report`"),
        )));
    }
    Ok(())
}

/// `--trace FILE` must be a file in a folder that exists (or is the `--out` folder, or inside
/// it), and not a folder: checked before simulating.
fn check_trace_path(path: &Path, out: Option<&Path>) -> Result<(), Error> {
    if path.is_dir() {
        return Err(bad_path(path, "is a folder; give the path of a file, e.g. trace.csv"));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let inside_out = out.is_some_and(|out| parent.starts_with(out));
    if !parent.is_dir() && !inside_out {
        return Err(bad_path(path, "is in a folder that does not exist"));
    }
    Ok(())
}

fn bad_path(path: &Path, problem: &str) -> Error {
    Error::Input(InputError::single(Diagnostic::new(format!(
        "--trace `{}` {problem}",
        path.display()
    ))))
}

/// `--charts` and `--report`: every chart (PNG and SVG) and the report, drawn from the files
/// just written to `dir`.
pub(super) fn after_run(
    dir: &Path,
    charts: bool,
    report: bool,
    quiet: bool,
    limits: &Limits,
    cancel: &CancelToken,
) -> Result<(), Error> {
    if !charts && !report {
        return Ok(());
    }
    let folder = Folder::read_within(dir, limits)?;
    if !quiet {
        folder_notes(&folder);
    }
    if charts {
        let formats = [chart::Format::Png, chart::Format::Svg];
        let kinds = Kind::all_of(&folder);
        chart::write(&folder, &kinds, dir, &formats, &chart::Options::default(), cancel)?;
    }
    if report {
        if cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        chart::write_report(&folder, &dir.join("report.html"), false)?;
    }
    Ok(())
}

/// Parses a size such as `8G`, `500M`, `2048K` or a number of bytes (`--max-memory`).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&text[..i], text[i..].to_ascii_uppercase()),
        None => (text, String::new()),
    };
    let scale: u64 = match unit.trim_end_matches("IB").trim_end_matches('B') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => {
            return Err(format!(
                "`{text}` is not a size: write e.g. 8G, 500M or a number of bytes"
            ));
        }
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size: write e.g. 8G, 500M or a number of bytes"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("`{text}` must be a positive size"));
    }
    Ok((value * scale as f64).min(u64::MAX as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("8G"), Ok(8 << 30));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1G").is_err());
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
