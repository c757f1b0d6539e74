//! `backlog merge`: the shard folders of a run (or a sweep) merged into the folder the whole
//! run (or sweep) would have written, byte for byte.

use super::args::MergeArgs;
use super::output::print;
use super::run::after_run;
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
    if let ShardKind::Sweep = kind_of(&args.shards, &limits)? {
        if args.charts || args.report {
            return Err(Error::Input(InputError::single(
                Diagnostic::new("--charts and --report are for the shards of a run")
                    .with_help("a sweep's folder gets its chart as `backlog sweep --out` writes it; drop the flags"),
            )));
        }
        let sweep = merge_sweep_shards(&args.shards, &args.out, args.force, &limits)?;
        if !args.quiet {
            for note in &sweep.notes {
                super::output::note(note);
            }
        }
        return print(stdout, &sweep, args.format);
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

/// What the shard folders `dirs` hold, refusing a mix of run and sweep shards.
fn kind_of(dirs: &[PathBuf], limits: &Limits) -> Result<ShardKind, Error> {
    let mut first: Option<(ShardKind, &PathBuf)> = None;
    for dir in dirs {
        let kind = shard_kind(dir, limits)?;
        match first {
            None => first = Some((kind, dir)),
            Some((earlier, earlier_dir)) if earlier != kind => {
                let what = |kind: ShardKind| match kind {
                    ShardKind::Run => "a run",
                    ShardKind::Sweep => "a sweep",
                };
                return Err(Error::Input(InputError::single(
                    Diagnostic::new(format!(
                        "`{}` is a shard of {} and `{}` a shard of {}: they cannot be merged together",
                        earlier_dir.display(),
                        what(earlier),
                        dir.display(),
                        what(kind)
                    ))
                    .with_help("merge the shards of one run, or of one sweep"),
                )));
            }
            Some(_) => {}
        }
    }
    Ok(first.map_or(ShardKind::Run, |(kind, _)| kind))
}
