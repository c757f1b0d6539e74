//! The `backlog` command line: parses arguments, calls the library, maps errors to exit codes
//! (0 ok, 1 failure, 2 bad input).

use backlog::commands::{self, Format, RunRequest};
use backlog::error::Error;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Simulate asylum-processing backlogs: how long people wait, and what would change it.
#[derive(Debug, Parser)]
#[command(name = "backlog", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario and report waits, the list over time and where people went.
    Run(RunArgs),
    /// Validate a scenario and print a short summary of it.
    Check {
        /// Scenario file (TOML); the built-in Tijuana 2018 scenario when omitted.
        scenario: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Scenario file (TOML); the built-in Tijuana 2018 scenario when omitted.
    scenario: Option<PathBuf>,
    /// Number of replications (default: the scenario's).
    #[arg(long, short = 'r', value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    replications: Option<u32>,
    /// Seed of all random streams (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Simulated days (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    horizon_days: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Folder to write summary.json, summary.csv, daily.csv, waits.csv, replications.csv and scenario.toml.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write every event of replication 0 to this CSV file.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Csv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let result = match cli.command {
        Command::Run(args) => {
            let request = RunRequest {
                scenario: args.scenario,
                replications: args.replications,
                seed: args.seed,
                horizon_days: args.horizon_days,
                threads: args.threads.map(|t| t as usize),
                format: match args.format {
                    FormatArg::Table => Format::Table,
                    FormatArg::Json => Format::Json,
                    FormatArg::Csv => Format::Csv,
                },
                out: args.out,
                trace: args.trace,
                quiet: args.quiet,
            };
            commands::run(&request, &mut stdout)
        }
        Command::Check { scenario } => commands::check(scenario.as_deref(), &mut stdout),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("{error}");
            if !matches!(error, Error::Input(_)) {
                eprintln!();
            }
            ExitCode::from(error.exit_code() as u8)
        }
    }
}
