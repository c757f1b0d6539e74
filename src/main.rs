//! The `backlog` command line: parses arguments, calls the library, maps errors to exit codes
//! (0 ok, 1 failure, 2 bad input).

use backlog::chart::Kind;
use backlog::commands::chart::{ChartRequest, Formats, ReportRequest};
use backlog::commands::compare::CompareRequest;
use backlog::commands::sweep::{Param, SweepRequest, Values};
use backlog::commands::target::TargetRequest;
use backlog::commands::{self, Format, RunRequest, RunSettings};
use backlog::engine::Method;
use backlog::error::{Diagnostic, Error, InputError};
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
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
        /// Change a value of the scenario first, e.g. --set ports.san_ysidro.capacity.quota_per_day=150 (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
    },
    /// Run a scenario at each value of one or two parameters, with the same replications at every point.
    Sweep(SweepArgs),
    /// Run two or more scenarios with the same replications and show their paired differences.
    Compare(CompareArgs),
    /// Find the smallest (or largest) value of a parameter that meets a goal, e.g. p90 wait at most 30 days.
    Target(TargetArgs),
    /// Draw publication-ready charts (PNG, SVG) from a results folder written by `run --out`.
    Chart(ChartArgs),
    /// Write report.html, one self-contained file with every chart, the summary and the scenario.
    Report {
        /// Results folder written by `backlog run --out DIR`.
        #[arg(value_name = "RESULTS_DIR")]
        results: PathBuf,
        /// File to write (default: report.html in the results folder).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct ChartArgs {
    /// Results folder written by `backlog run --out DIR`.
    #[arg(
        value_name = "RESULTS_DIR",
        required_unless_present = "compare",
        conflicts_with = "compare"
    )]
    results: Option<PathBuf>,
    /// Compare two or more results folders on the same axes.
    #[arg(long, num_args = 2.., value_name = "DIR")]
    compare: Vec<PathBuf>,
    /// Legend labels of the compared folders, comma-separated (default: scenario names).
    #[arg(long, value_name = "A,B,...", requires = "compare")]
    labels: Option<String>,
    /// Which chart.
    #[arg(long, value_enum, default_value_t = KindArg::All)]
    kind: KindArg,
    /// Folder for the charts (default: the results folder; with --compare, the current folder).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Image format.
    #[arg(long, value_enum, default_value_t = ChartFormatArg::Both)]
    format: ChartFormatArg,
    /// Size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1200x675")]
    size: String,
    /// Title instead of each chart's own.
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Backlog,
    Waits,
    Quoted,
    Outcomes,
    All,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ChartFormatArg {
    Png,
    Svg,
    Both,
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
    /// Also draw every chart (PNG and SVG) into the --out folder.
    #[arg(long)]
    charts: bool,
    /// Also write report.html into the --out folder.
    #[arg(long)]
    report: bool,
    /// Write into an --out folder even if it holds files that are not a previous backlog run.
    #[arg(long)]
    force: bool,
    /// Refuse to run when one replication is expected to bring more people than this [default: 100000000].
    #[arg(long, value_name = "N")]
    max_people: Option<u64>,
    /// Refuse to run when the run is expected to need more memory than this, e.g. 16G [default: 8G].
    #[arg(long, value_name = "SIZE", value_parser = backlog::commands::parse_size)]
    max_memory: Option<u64>,
    /// Change a value of the scenario first, e.g. --set ports.san_ysidro.capacity.quota_per_day=150 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    /// How replications are simulated; both give byte-identical results (event-loop: always the general event loop, for checking and benchmarking).
    #[arg(long, value_enum, default_value_t = EngineArg::Auto)]
    engine: EngineArg,
}

/// Flags shared by sweep, compare and target.
#[derive(Debug, clap::Args)]
struct AnalysisArgs {
    /// Change a value of the scenario first, e.g. --set streams.caravan.join_share=0.7 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    /// Replications at every point (default: the scenario's). Every point runs the same ones.
    #[arg(long, short = 'r', value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    replications: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Metrics of this port only (default: everyone).
    #[arg(long, value_name = "NAME")]
    port: Option<String>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
}

impl AnalysisArgs {
    /// The settings every command shares, and the `--port` whose metrics are reported.
    fn into_settings_and_port(self) -> (RunSettings, Option<String>) {
        let settings = RunSettings {
            sets: self.sets,
            replications: self.replications,
            threads: self.threads.map(|t| t as usize),
            format: format_of(self.format),
            quiet: self.quiet,
        };
        (settings, self.port)
    }
}

#[derive(Debug, clap::Args)]
struct SweepArgs {
    /// Scenario file (TOML); the built-in Tijuana 2018 scenario when omitted.
    scenario: Option<PathBuf>,
    /// A parameter to sweep, as a dotted path (as for --set); give one or two, each followed by
    /// --values or --range.
    #[arg(long = "param", value_name = "PATH", required = true)]
    params: Vec<String>,
    /// Values of the preceding --param, comma-separated, e.g. 50,100,150 or fifo,lifo.
    #[arg(long, value_name = "A,B,...", allow_hyphen_values = true)]
    values: Vec<String>,
    /// Evenly spaced values of the preceding --param, LOW:HIGH:STEP, e.g. 50:300:25.
    #[arg(long, value_name = "LOW:HIGH:STEP", allow_hyphen_values = true)]
    range: Vec<String>,
    /// Folder for sweep.csv, sweep.json, the chart (sweep.png, sweep.svg) and one results folder per point.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The metric the chart draws against the first --param (needs --out): processed, abandoned,
    /// waiting_at_end, wait_mean, wait_p50, wait_p90, wait_p99, first_empty_day or peak_list [default: wait_p90].
    #[arg(long, value_name = "METRIC")]
    chart_metric: Option<String>,
    #[command(flatten)]
    common: AnalysisArgs,
}

#[derive(Debug, clap::Args)]
struct CompareArgs {
    /// Two or more scenario files; differences are from the first.
    #[arg(required = true, num_args = 2.., value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
    /// Seed of every scenario (default: the first scenario's), so that replications are paired.
    #[arg(long)]
    seed: Option<u64>,
    /// Folder for comparison.csv, comparison.json, one results folder per scenario and the comparison charts.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    common: AnalysisArgs,
}

#[derive(Debug, clap::Args)]
struct TargetArgs {
    /// Scenario file (TOML); the built-in Tijuana 2018 scenario when omitted.
    scenario: Option<PathBuf>,
    /// The parameter to search, as a dotted path (as for --set).
    #[arg(long, value_name = "PATH")]
    param: String,
    /// The metric of the goal: processed, abandoned, waiting_at_end, wait_mean, wait_p50,
    /// wait_p90, wait_p99, first_empty_day or peak_list.
    #[arg(long, value_name = "METRIC")]
    metric: String,
    /// Goal: the metric at most X.
    #[arg(
        long,
        value_name = "X",
        allow_hyphen_values = true,
        required_unless_present = "at_least",
        conflicts_with = "at_least"
    )]
    at_most: Option<f64>,
    /// Goal: the metric at least X.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    at_least: Option<f64>,
    /// Judge the goal on runs cut at this day (a day number, or a date if the scenario has a start_date).
    #[arg(long, value_name = "DAY")]
    by_day: Option<String>,
    /// Values to search, LOW:HIGH (default: a tenth to ten times the scenario's value).
    #[arg(long, value_name = "LOW:HIGH", allow_hyphen_values = true)]
    range: Option<String>,
    /// Distance between values tried (default: 1 for whole numbers, else a thousandth of the range).
    #[arg(long)]
    step: Option<f64>,
    #[command(flatten)]
    common: AnalysisArgs,
}

fn format_of(format: FormatArg) -> Format {
    match format {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Csv => Format::Csv,
    }
}

/// Pairs each `--values`/`--range` with the `--param` before it on the command line.
fn sweep_params(args: &SweepArgs, matches: Option<&ArgMatches>) -> Result<Vec<Param>, Error> {
    let bad = |message: String| {
        Error::Input(InputError::single(Diagnostic::new(message).with_help(
            "give each --param PATH followed by its --values A,B,... or --range LOW:HIGH:STEP",
        )))
    };
    let indices = |id: &str| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let mut events: Vec<(usize, u8, String)> = Vec::new();
    for (i, path) in indices("params").into_iter().zip(&args.params) {
        events.push((i, 0, path.clone()));
    }
    for (i, text) in indices("values").into_iter().zip(&args.values) {
        events.push((i, 1, text.clone()));
    }
    for (i, text) in indices("range").into_iter().zip(&args.range) {
        events.push((i, 2, text.clone()));
    }
    events.sort_by_key(|(i, ..)| *i);
    let mut params: Vec<(String, Option<Values>)> = Vec::new();
    for (_, kind, text) in events {
        if kind == 0 {
            params.push((text, None));
            continue;
        }
        let flag = if kind == 1 { "--values" } else { "--range" };
        let Some((path, slot)) = params.last_mut() else {
            return Err(bad(format!("{flag} {text} comes before any --param")));
        };
        if slot.is_some() {
            return Err(bad(format!("--param {path} has more than one --values or --range")));
        }
        *slot = Some(if kind == 1 {
            Values::List(text)
        } else {
            Values::Range(text)
        });
    }
    params
        .into_iter()
        .map(|(path, values)| match values {
            Some(values) => Ok(Param { path, values }),
            None => Err(bad(format!("--param {path} has no --values or --range"))),
        })
        .collect()
}

/// How replications are simulated.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum EngineArg {
    /// A direct recursion for officers serving a FIFO list around the clock with Poisson arrivals and no patience; the event loop otherwise.
    Auto,
    /// Always the general event loop.
    EventLoop,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Csv,
}

fn main() -> ExitCode {
    // The first Ctrl-C asks the run to stop cleanly (nothing is written); a second one exits.
    let _ = ctrlc::set_handler(|| {
        if backlog::interrupt::requested() {
            std::process::exit(130);
        }
        backlog::interrupt::request();
    });
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    let mut stdout = std::io::stdout().lock();
    let result = match cli.command {
        Command::Run(args) => {
            let request = RunRequest {
                scenario: args.scenario,
                settings: RunSettings {
                    sets: args.sets,
                    replications: args.replications,
                    threads: args.threads.map(|t| t as usize),
                    format: format_of(args.format),
                    quiet: args.quiet,
                },
                seed: args.seed,
                horizon_days: args.horizon_days,
                out: args.out,
                trace: args.trace,
                force: args.force,
                max_people: args.max_people,
                max_memory_bytes: args.max_memory,
                charts: args.charts,
                report: args.report,
                method: match args.engine {
                    EngineArg::Auto => Method::Auto,
                    EngineArg::EventLoop => Method::EventLoop,
                },
            };
            commands::run(&request, &mut stdout)
        }
        Command::Check { scenario, sets } => commands::check(scenario.as_deref(), &sets, &mut stdout),
        Command::Sweep(args) => match sweep_params(&args, matches.subcommand_matches("sweep")) {
            Ok(params) => {
                let (settings, port) = args.common.into_settings_and_port();
                let request = SweepRequest {
                    scenario: args.scenario,
                    params,
                    settings,
                    out: args.out,
                    port,
                    chart_metric: args.chart_metric,
                };
                commands::sweep::sweep(&request, &mut stdout)
            }
            Err(error) => Err(error),
        },
        Command::Compare(args) => {
            let (settings, port) = args.common.into_settings_and_port();
            let request = CompareRequest {
                scenarios: args.scenarios,
                settings,
                seed: args.seed,
                out: args.out,
                port,
            };
            commands::compare::compare(&request, &mut stdout)
        }
        Command::Target(args) => {
            let (settings, port) = args.common.into_settings_and_port();
            let request = TargetRequest {
                scenario: args.scenario,
                param: args.param,
                metric: args.metric,
                at_most: args.at_most,
                at_least: args.at_least,
                by_day: args.by_day,
                range: args.range,
                step: args.step,
                settings,
                port,
            };
            commands::target::target(&request, &mut stdout)
        }
        Command::Chart(args) => {
            let request = ChartRequest {
                results: args.results,
                compare: args.compare,
                labels: args.labels,
                kind: match args.kind {
                    KindArg::Backlog => Some(Kind::Backlog),
                    KindArg::Waits => Some(Kind::Waits),
                    KindArg::Quoted => Some(Kind::Quoted),
                    KindArg::Outcomes => Some(Kind::Outcomes),
                    KindArg::All => None,
                },
                out: args.out,
                format: match args.format {
                    ChartFormatArg::Png => Formats::Png,
                    ChartFormatArg::Svg => Formats::Svg,
                    ChartFormatArg::Both => Formats::Both,
                },
                size: Some(args.size),
                title: args.title,
            };
            commands::chart::chart(&request, &mut stdout)
        }
        Command::Report { results, out } => commands::chart::report(&ReportRequest { results, out }, &mut stdout),
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
