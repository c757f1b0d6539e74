//! The `backlog` command line: parses arguments, runs the command, maps errors to exit codes
//! (0 ok, 1 failure, 2 bad input, 130 interrupted). The commands are in `cli`.

mod cli;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    // The first Ctrl-C asks the command to stop cleanly (nothing is written); a second one exits.
    let cancel = backlog::CancelToken::new();
    let handler = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        if handler.is_cancelled() {
            std::process::exit(130);
        }
        handler.cancel();
    });
    let matches = cli::args::Cli::command().get_matches();
    let parsed = cli::args::Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    let mut stdout = std::io::stdout().lock();
    match cli::dispatch(parsed, &matches, &cancel, &mut stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("{error}");
            if !matches!(error, backlog::Error::Input(_) | backlog::Error::Limit(_)) {
                eprintln!();
            }
            ExitCode::from(error.exit_code() as u8)
        }
    }
}
