//! `backlog compare`: scenarios side by side, with paired differences from the first.

use super::args::CompareArgs;
use super::output::{Bar, print, print_notes};
use super::{analysis_options, changes};
use backlog::analysis::{self, CompareRequest};
use backlog::{CancelToken, Error, Scenario};
use std::io::Write;

/// Runs `backlog compare`.
pub(super) fn run(args: CompareArgs, cancel: &CancelToken, stdout: &mut dyn Write) -> Result<(), Error> {
    let common = &args.common;
    let request = CompareRequest {
        scenarios: args
            .scenarios
            .iter()
            .map(|path| Scenario::open(path, &common.limits.limits()))
            .collect::<Result<_, _>>()?,
        changes: changes(&common.sets)?,
        seed: args.seed,
        out: args.out.clone(),
        port: common.port.clone(),
        force: args.force,
        allow_different_periods: args.allow_different_periods,
    };
    let plan = analysis::compare::plan(request)?;
    print_notes(plan.notes(), common.quiet);
    if !common.quiet {
        let periods = plan.periods();
        if let Some(warning) = &periods.warning {
            super::output::to_stderr(&format!("warning: {warning}\n"));
        }
        if let Some(explain) = periods.explain() {
            super::output::note(&explain);
        }
    }
    let bar = Bar::new(common.quiet, "runs");
    let comparison = plan.run(&analysis_options(common, cancel, &bar));
    bar.finish();
    let comparison = comparison?;
    if !common.quiet {
        for note in &comparison.notes {
            super::output::note(note);
        }
    }
    print(stdout, &comparison, common.format)
}
