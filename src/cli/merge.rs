//! `backlog merge`: the shard folders of a run (or a sweep, or a comparison) merged into the
//! folder the unsharded command would have written, byte for byte.

use super::args::MergeArgs;
use super::output::print;
use super::run::after_run;
use backlog::analysis::compare::merge_compare_shards;
use backlog::analysis::sweep::merge_sweep_shards;
use backlog::results::OutputDir;
use backlog::{CancelToken, Diagnostic, Error, InputError, Limits, ShardKind, merge_shards_within, shard_kind};
use std::io::Write;
use std::path::PathBuf;

/// Runs `backlog merge`.
pub(super) fn run(args: MergeArgs, cancel: &CancelToken, stdout: &mut dyn Write) -> Result<(), Error> {
    let limits = Limits {
        max_input_bytes: args.max_input,
        ..Limits::default()
    };
    let kind = kind_of(&args.shards, &limits)?;
    if kind != ShardKind::Run && (args.charts || args.report) {
        return Err(Error::Input(InputError::single(
            Diagnostic::new("--charts and --report are for the shards of a run").with_help(format!(
                "the folder of {} gets its charts as the unsharded command writes them; drop the flags",
                kind.describe()
            )),
        )));
    }
    match kind {
        ShardKind::Sweep => {
            let sweep = merge_sweep_shards(&args.shards, &args.out, args.force, &limits)?;
            notes(&sweep.notes, args.quiet);
            return print(stdout, &sweep, args.format);
        }
        ShardKind::Compare => {
            let comparison = merge_compare_shards(&args.shards, &args.out, args.force, &limits)?;
            notes(&comparison.notes, args.quiet);
            return print(stdout, &comparison, args.format);
        }
        _ => {}
    }
    // The output folder is checked before any shard's state is read.
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

fn notes(notes: &[String], quiet: bool) {
    if !quiet {
        for note in notes {
            super::output::note(note);
        }
    }
}

/// What the shard folders `dirs` hold, refusing a mix of run and sweep shards.
fn kind_of(dirs: &[PathBuf], limits: &Limits) -> Result<ShardKind, Error> {
    let mut first: Option<(ShardKind, &PathBuf)> = None;
    for dir in dirs {
        let kind = shard_kind(dir, limits)?;
        match first {
            None => first = Some((kind, dir)),
            Some((earlier, earlier_dir)) if earlier != kind => {
                return Err(Error::Input(InputError::single(
                    Diagnostic::new(format!(
                        "`{}` is a shard of {} and `{}` a shard of {}: they cannot be merged together",
                        earlier_dir.display(),
                        earlier.describe(),
                        dir.display(),
                        kind.describe()
                    ))
                    .with_help("merge the shards of one run, sweep or comparison"),
                )));
            }
            Some(_) => {}
        }
    }
    Ok(first.map_or(ShardKind::Run, |(kind, _)| kind))
}
