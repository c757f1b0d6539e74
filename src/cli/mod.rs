//! The `backlog` command line: flags into typed requests, progress bars, Ctrl-C and printing.
//! Each command is a module with a `run` function; everything it computes comes from the
//! library.

pub(crate) mod args;
mod chart;
mod check;
mod compare;
mod docs;
mod fit;
mod help;
mod merge;
pub(crate) mod output;
mod run;
mod scenarios;
mod sweep;
mod target;

use args::{AnalysisArgs, Cli, Command, EngineArg, RoundsArgs, ScenariosAction};
use backlog::{CancelToken, Change, Error, Limits, RunOptions, Scenario};
use clap::ArgMatches;
use std::io::Write;
use std::path::Path;

/// Runs the command the arguments name; `cancel` is cancelled by Ctrl-C.
pub(crate) fn dispatch(
    cli: Cli,
    matches: &ArgMatches,
    cancel: &CancelToken,
    stdout: &mut dyn Write,
) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => run::run(args, cancel, stdout),
        Command::Merge(args) => merge::run(args, cancel, stdout),
        Command::Check { scenario, sets, limits } => {
            check::run(scenario.as_deref(), &sets, &limits.limits(), cancel, stdout)
        }
        Command::Sweep(args) => sweep::run(args, matches.subcommand_matches("sweep"), cancel, stdout),
        Command::Compare(args) => compare::run(args, cancel, stdout),
        Command::Target(args) => target::run(args, cancel, stdout),
        Command::Fit(args) => fit::run(args, matches.subcommand_matches("fit"), cancel, stdout),
        Command::Chart(args) => chart::chart(args, cancel, stdout),
        Command::Report {
            results,
            out,
            force,
            max_input,
        } => chart::report(&results, out, force, max_input, cancel, stdout),
        Command::Scenarios { action: None } => scenarios::list(stdout),
        Command::Scenarios {
            action: Some(ScenariosAction::Show { name }),
        } => scenarios::show(&name, stdout),
        Command::Completions { shell } => docs::completions(shell, stdout),
        Command::Man { command, out: None } => docs::man(command.as_slice(), stdout),
        Command::Man { out: Some(dir), .. } => docs::man_to(&dir, stdout),
    }
}

impl From<EngineArg> for backlog::Engine {
    fn from(engine: EngineArg) -> Self {
        match engine {
            EngineArg::Auto => backlog::Engine::Auto,
            EngineArg::EventLoop => backlog::Engine::EventLoop,
        }
    }
}

/// The scenario file or built-in scenario `path` names (the default one without), read within
/// `limits`.
fn scenario(path: Option<&Path>, limits: &Limits) -> Result<Scenario, Error> {
    match path {
        Some(path) => Scenario::open(path, limits),
        None => Ok(Scenario::built_in().with_limits(limits)),
    }
}

/// Every `--set PATH=VALUE`.
fn changes(sets: &[String]) -> Result<Vec<Change>, Error> {
    Ok(sets.iter().map(|spec| Change::parse(spec)).collect::<Result<_, _>>()?)
}

/// Run options of `sweep`, `compare` and `target`, with a progress bar over `what`.
fn analysis_options(args: &AnalysisArgs, cancel: &CancelToken, bar: &output::Bar) -> RunOptions {
    let options = base_options(args.replications, args.threads, args.limits.limits(), cancel);
    bar.attach(options.share_over_days(&args.share_over))
}

/// Run options with `--replications` and `--threads` when given (else the scenario's
/// replications and every core), `limits` and the cancel token.
fn base_options(replications: Option<u32>, threads: Option<u32>, limits: Limits, cancel: &CancelToken) -> RunOptions {
    let mut options = RunOptions::new().cancel(cancel.clone()).limits(limits);
    if let Some(replications) = replications {
        options = options.replications(replications);
    }
    if let Some(threads) = threads {
        options = options.threads(threads as usize);
    }
    options
}

/// The rounds folder of a search run in rounds (`--rounds DIR`, with `--shard K/N` for a shard).
fn rounds(args: &RoundsArgs) -> Result<Option<backlog::analysis::Rounds>, Error> {
    use backlog::analysis::Rounds;
    let Some(dir) = &args.rounds else {
        return Ok(None);
    };
    Ok(Some(match args.shard.as_deref() {
        Some(shard) => Rounds::shard(dir, shard.parse()?),
        None => Rounds::coordinator(dir),
    }))
}

/// What a search in rounds gave: the results to print, or, for a shard, where the search
/// stands (on standard output, with exit code 0). The coordinator's stop is an error (exit
/// code 3).
fn search_step<T>(result: Result<T, Error>, is_shard: bool, stdout: &mut dyn Write) -> Result<Option<T>, Error> {
    match result {
        Err(Error::Rounds(stop)) if is_shard => {
            output::write_stdout(stdout, format!("{stop}\n").as_bytes())?;
            Ok(None)
        }
        other => other.map(Some),
    }
}
