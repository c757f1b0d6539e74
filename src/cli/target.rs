//! `backlog target`: the smallest (or largest) value of a parameter that meets a goal.

use super::args::TargetArgs;
use super::output::{Bar, print, print_notes};
use super::{analysis_options, changes, scenario};
use backlog::analysis::target::{Bound, Goal};
use backlog::analysis::{self, TargetRequest};
use backlog::{CancelToken, Diagnostic, Error, InputError, Metric};
use std::io::Write;

/// Runs `backlog target`.
pub(super) fn run(args: TargetArgs, cancel: &CancelToken, stdout: &mut dyn Write) -> Result<(), Error> {
    let common = &args.common;
    let metric: Metric = args.metric.parse()?;
    let bound = match (args.at_most, args.at_least) {
        (Some(x), None) => Bound::AtMost(x),
        (None, Some(x)) => Bound::AtLeast(x),
        _ => {
            return Err(Error::Input(InputError::single(
                Diagnostic::new("give the goal with exactly one of --at-most or --at-least")
                    .with_help("for example --metric wait_p90 --at-most 30"),
            )));
        }
    };
    let request = TargetRequest {
        param: args.param.clone(),
        goal: Goal { metric, bound },
        changes: changes(&common.sets)?,
        by_day: args.by_day.as_deref().map(str::parse).transpose()?,
        range: args.range.clone(),
        step: args.step,
        port: common.port.clone(),
    };
    let plan = analysis::target::plan(&scenario(args.scenario.as_deref(), &common.limits.limits())?, request)?;
    print_notes(plan.notes(), common.quiet);
    let bar = Bar::new(common.quiet, "runs");
    let options = analysis_options(common, cancel, &bar);
    let target = match super::rounds(&args.rounds)? {
        Some(rounds) => plan.run_rounds(&options, &rounds),
        None => plan.run(&options),
    };
    bar.finish();
    match super::search_step(target, args.rounds.shard.is_some(), stdout)? {
        Some(target) => print(stdout, &target, common.format),
        None => Ok(()),
    }
}
