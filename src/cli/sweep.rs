//! `backlog sweep`: one scenario at each value of one or two parameters.

use super::args::SweepArgs;
use super::output::{Bar, print, print_notes, write_stdout};
use super::{analysis_options, changes, scenario};
use backlog::analysis::sweep::{ChartText, SweepShardPlan};
use backlog::analysis::{self, Param, SweepRequest, Values};
use backlog::{CancelToken, Diagnostic, Error, InputError, Metric, Shard};
use clap::ArgMatches;
use std::io::Write;

/// Runs `backlog sweep`.
pub(super) fn run(
    args: SweepArgs,
    matches: Option<&ArgMatches>,
    cancel: &CancelToken,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let params = params(&args, matches)?;
    let chart_metric = chart_metric(args.chart_metric.as_deref(), args.out.is_some())?;
    let chart_text = chart_text(&args)?;
    let common = &args.common;
    let request = SweepRequest {
        changes: changes(&common.sets)?,
        params,
        port: common.port.clone(),
        out: args.out.clone(),
        chart_metric,
        force: args.force,
        chart_text,
    };
    let base = scenario(args.scenario.as_deref(), &common.limits.limits())?;
    if let Some(shard) = args.shard.as_deref() {
        let shard: Shard = shard.parse()?;
        return run_shard(
            analysis::sweep::plan_shard(&base, request, shard)?,
            shard,
            &args,
            cancel,
            stdout,
        );
    }
    let plan = analysis::sweep::plan(&base, request)?;
    print_notes(plan.notes(), common.quiet);
    let bar = Bar::new(common.quiet, "runs");
    let sweep = plan.run(&analysis_options(common, cancel, &bar));
    bar.finish();
    let sweep = sweep?;
    if !common.quiet {
        for note in &sweep.notes {
            super::output::note(note);
        }
    }
    print(stdout, &sweep, common.format)
}

/// Runs shard `shard` of the sweep `plan` into its --out folder; says how many simulations it
/// ran.
fn run_shard(
    plan: SweepShardPlan,
    shard: Shard,
    args: &SweepArgs,
    cancel: &CancelToken,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let common = &args.common;
    print_notes(plan.notes(), common.quiet);
    let bar = Bar::new(common.quiet, "runs");
    let ran = plan.run(&analysis_options(common, cancel, &bar));
    bar.finish();
    let ran = super::output::simulations(ran?);
    let dir = args.out.as_deref().unwrap_or(std::path::Path::new("."));
    let line = format!("shard {shard}: {ran} of the sweep written to {}\n", dir.display());
    write_stdout(stdout, line.as_bytes())
}

fn input(message: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Input(InputError::single(Diagnostic::new(message).with_help(help)))
}

/// `--chart-metric`, checked before anything runs: any name [`Metric`] reads, and only with
/// `--out` (the chart is written there).
fn chart_metric(text: Option<&str>, out: bool) -> Result<Option<Metric>, Error> {
    let Some(text) = text else {
        return Ok(None);
    };
    let metric: Metric = text.parse().map_err(|error: InputError| {
        let list = Metric::list();
        let help = match error.diagnostics.first().and_then(|d| d.help.as_deref()) {
            Some(suggestion) if suggestion.starts_with("did you mean") => {
                format!("{suggestion} The metrics are {list}.")
            }
            _ => format!("the metrics are {list}"),
        };
        input(format!("unknown --chart-metric `{text}`"), help)
    })?;
    if !out {
        return Err(input(
            "--chart-metric needs --out DIR: the chart is written next to sweep.csv",
            format!("e.g. `backlog sweep … --out results --chart-metric {}`", metric.name()),
        ));
    }
    Ok(Some(metric))
}

/// `--title`, `--subtitle` and `--x-label`, each one line of text.
fn chart_text(args: &SweepArgs) -> Result<ChartText, Error> {
    for (flag, text) in [
        ("--title", &args.title),
        ("--subtitle", &args.subtitle),
        ("--x-label", &args.x_label),
    ] {
        if text.as_deref().is_some_and(|text| text.chars().any(char::is_control)) {
            return Err(input(
                format!("{flag} must be one line of text, without control characters"),
                "write it on one line",
            ));
        }
    }
    Ok(ChartText {
        title: args.title.clone(),
        subtitle: args.subtitle.clone(),
        x_label: args.x_label.clone(),
    })
}

/// Pairs each `--values`/`--range` with the `--param` before it on the command line.
fn params(args: &SweepArgs, matches: Option<&ArgMatches>) -> Result<Vec<Param>, Error> {
    let bad = |message: String| {
        Error::Input(InputError::single(Diagnostic::new(message).with_help(
            "give each --param PATH followed by its --values A,B,... or --range LOW:HIGH:STEP",
        )))
    };
    let indices = |id: &str| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let mut events: Vec<(usize, u8, String)> = Vec::new();
    for (i, path) in indices("params").into_iter().zip(&args.params) {
        events.push((i, 0, path.clone()));
    }
    for (i, text) in indices("values").into_iter().zip(&args.values) {
        events.push((i, 1, text.clone()));
    }
    for (i, text) in indices("range").into_iter().zip(&args.range) {
        events.push((i, 2, text.clone()));
    }
    events.sort_by_key(|(i, ..)| *i);
    let mut params: Vec<(String, Option<Values>)> = Vec::new();
    for (_, kind, text) in events {
        if kind == 0 {
            params.push((text, None));
            continue;
        }
        let flag = if kind == 1 { "--values" } else { "--range" };
        let Some((path, slot)) = params.last_mut() else {
            return Err(bad(format!("{flag} {text} comes before any --param")));
        };
        if slot.is_some() {
            return Err(bad(format!("--param {path} has more than one --values or --range")));
        }
        *slot = Some(if kind == 1 {
            Values::List(text)
        } else {
            Values::Range(text)
        });
    }
    params
        .into_iter()
        .map(|(path, values)| match values {
            Some(values) => Ok(Param { path, values }),
            None => Err(bad(format!("--param {path} has no --values or --range"))),
        })
        .collect()
}
