//! `backlog compare`: scenarios side by side, with paired differences from the first.

use super::args::CompareArgs;
use super::output::{Bar, print, print_notes};
use super::{analysis_options, changes};
use backlog::analysis::compare::PeriodComparison;
use backlog::analysis::{self, CompareRequest};
use backlog::{CancelToken, Error, Note, Scenario, Shard};
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
    if let Some(shard) = args.shard.as_deref() {
        let shard: Shard = shard.parse()?;
        let plan = analysis::compare::plan_shard(request, shard)?;
        warn(plan.notes(), plan.periods(), common.quiet);
        let bar = Bar::new(common.quiet, "runs");
        let ran = plan.run(&analysis_options(common, cancel, &bar));
        bar.finish();
        let ran = super::output::simulations(ran?);
        let dir = args.out.as_deref().unwrap_or(std::path::Path::new("."));
        let line = format!("shard {shard}: {ran} of the comparison written to {}\n", dir.display());
        return super::output::write_stdout(stdout, line.as_bytes());
    }
    let plan = analysis::compare::plan(request)?;
    warn(plan.notes(), plan.periods(), common.quiet);
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

/// Prints what validation noted, and how the scenarios' periods compare.
fn warn(notes: &[Note], periods: &PeriodComparison, quiet: bool) {
    print_notes(notes, quiet);
    if !quiet {
        if let Some(warning) = &periods.warning {
            super::output::to_stderr(&format!("warning: {warning}\n"));
        }
        if let Some(explain) = periods.explain() {
            super::output::note(&explain);
        }
    }
}
