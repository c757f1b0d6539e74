//! `backlog merge`: the shard folders of a run merged into the results folder the whole run
//! would have written, byte for byte.

use super::args::MergeArgs;
use super::output::print;
use super::run::after_run;
use backlog::results::OutputDir;
use backlog::{CancelToken, Error, Limits, merge_shards_within};
use std::io::Write;

/// Runs `backlog merge`.
pub(super) fn run(args: MergeArgs, cancel: &CancelToken, stdout: &mut dyn Write) -> Result<(), Error> {
    let limits = Limits {
        max_input_bytes: args.max_input,
        ..Limits::default()
    };
    // The output folder is checked before any shard is read.
    let out = OutputDir::prepare(&args.out, args.force)?;
    let results = merge_shards_within(&args.shards, &limits)?;
    if cancel.is_cancelled() {
        return Err(Error::Interrupted);
    }
    results.write_files(out.path())?;
    after_run(out.path(), args.charts, args.report, args.quiet, &limits, cancel)?;
    out.commit()?;
    print(stdout, results.summary(), args.format)
}
