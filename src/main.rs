//! The `backlog` command line: parses arguments, runs the command, maps errors to exit codes
//! (0 ok, 1 failure, 2 bad input, 3 a search in rounds that needs more rounds, 130 interrupted).
//! The commands are in `cli`.

mod cli;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;
use std::time::Duration;

/// How long a command has to stop by itself after Ctrl-C before the process exits anyway (a
/// command blocked reading a file, say, cannot look at its cancel token).
const GRACE: Duration = Duration::from_secs(2);

/// With `BACKLOG_PEAK_MEMORY_FILE` set (as the test of the memory guard does), writes the
/// process's peak resident memory in bytes to that file (Linux: `VmHWM` of /proc/self/status,
/// which counts only this program, not the process it was started from).
fn report_peak_memory() {
    let Some(file) = std::env::var_os("BACKLOG_PEAK_MEMORY_FILE") else {
        return;
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    if let Some(kib) = kib {
        let _ = std::fs::write(file, (kib * 1024).to_string());
    }
}

fn main() -> ExitCode {
    // The first Ctrl-C asks the command to stop cleanly (simulations stop within milliseconds
    // and write nothing; files are written whole or not at all); if it has not stopped after
    // the grace period, or at a second Ctrl-C, the process exits.
    let cancel = backlog::CancelToken::new();
    let handler = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        if handler.is_cancelled() {
            std::process::exit(130);
        }
        handler.cancel();
        std::thread::spawn(|| {
            std::thread::sleep(GRACE);
            std::process::exit(130);
        });
    });
    let matches = cli::args::Cli::command().get_matches();
    let parsed = cli::args::Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    let mut stdout = std::io::stdout().lock();
    let result = cli::dispatch(parsed, &matches, &cancel, &mut stdout);
    report_peak_memory();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Diagnostics come headed `error:` and end in a newline; other errors are one line.
            let text = match error {
                backlog::Error::Input(_) | backlog::Error::Limit(_) => error.to_string(),
                _ => format!("error: {error}\n"),
            };
            cli::output::to_stderr(&text);
            ExitCode::from(error.exit_code() as u8)
        }
    }
}
