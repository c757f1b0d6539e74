//! `backlog fit`: the values of parameters that make recorded figures most likely.

use super::args::FitArgs;
use super::output::{Bar, note, print, print_notes};
use super::{changes, scenario};
use backlog::analysis::{self, FitParam, FitRequest};
use backlog::{CancelToken, Diagnostic, Error, InputError};
use clap::ArgMatches;
use std::io::Write;

/// Runs `backlog fit`.
pub(super) fn run(
    args: FitArgs,
    matches: Option<&ArgMatches>,
    cancel: &CancelToken,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    let limits = args.limits.limits();
    if args.rounds.shard.is_some() && args.out.is_some() {
        return Err(Error::Input(InputError::single(
            Diagnostic::new("--out is written by the coordinator, not by a shard of a round")
                .with_help("drop --out from the shards' command; give it to `backlog fit … --rounds DIR --out DIR` once every round is in"),
        )));
    }
    let request = FitRequest {
        observed: args.observed.clone(),
        params: params(&args, matches)?,
        changes: changes(&args.sets)?,
        max_evals: args.max_evals,
        out: args.out.clone(),
        force: args.force,
    };
    let plan = analysis::fit::plan(&scenario(args.scenario.as_deref(), &limits)?, request)?;
    print_notes(plan.notes(), args.quiet);
    let bar = Bar::spinner(args.quiet, "runs");
    let options = bar.attach(super::base_options(args.replications, args.threads, limits, cancel));
    let fit = match super::rounds(&args.rounds)? {
        Some(rounds) => plan.run_rounds(&options, &rounds),
        None => plan.run(&options),
    };
    bar.finish();
    let Some(fit) = super::search_step(fit, args.rounds.shard.is_some(), stdout)? else {
        return Ok(());
    };
    if !args.quiet {
        for text in &fit.notes {
            note(text);
        }
    }
    print(stdout, &fit, args.format)
}

/// Pairs each `--range` with the `--param` before it on the command line.
fn params(args: &FitArgs, matches: Option<&ArgMatches>) -> Result<Vec<FitParam>, Error> {
    let bad = |message: String| {
        Error::Input(InputError::single(
            Diagnostic::new(message).with_help("give each --param PATH followed by its --range LOW:HIGH"),
        ))
    };
    let indices = |id: &str| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let mut events: Vec<(usize, bool, &String)> = indices("params")
        .into_iter()
        .zip(&args.params)
        .map(|(i, path)| (i, true, path))
        .chain(
            indices("range")
                .into_iter()
                .zip(&args.range)
                .map(|(i, range)| (i, false, range)),
        )
        .collect();
    events.sort_by_key(|(i, ..)| *i);
    let mut params: Vec<(String, Option<String>)> = Vec::new();
    for (_, is_param, text) in events {
        if is_param {
            params.push((text.clone(), None));
            continue;
        }
        let Some((path, slot)) = params.last_mut() else {
            return Err(bad(format!("--range {text} comes before any --param")));
        };
        if slot.is_some() {
            return Err(bad(format!("--param {path} has more than one --range")));
        }
        *slot = Some(text.clone());
    }
    params
        .into_iter()
        .map(|(path, range)| match range {
            Some(range) => Ok(FitParam { path, range }),
            None => Err(bad(format!("--param {path} has no --range"))),
        })
        .collect()
}
