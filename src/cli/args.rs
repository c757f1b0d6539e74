//! The command line: clap's definitions of every command and flag.

use super::help;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Simulate asylum-processing backlogs: how long people wait, and what would change it.
#[derive(Debug, Parser)]
#[command(
    name = "backlog",
    version,
    about,
    long_about = None,
    after_help = help::MORE,
    after_long_help = help::BACKLOG
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Simulate a scenario and report waits, the list over time and where people went.
    #[command(after_help = help::MORE, after_long_help = help::RUN)]
    Run(RunArgs),
    /// Merge the shard folders of a run, a sweep or a comparison (`--shard K/N`) into the folder the unsharded command would have written.
    #[command(after_help = help::MORE, after_long_help = help::MERGE)]
    Merge(MergeArgs),
    /// Validate a scenario and print a short summary of it.
    #[command(after_help = help::MORE, after_long_help = help::CHECK)]
    Check {
        #[arg(help = help::SCENARIO_ARG)]
        scenario: Option<PathBuf>,
        /// Change a value of the scenario first, e.g. --set ports.san_ysidro.capacity.quota_per_day=150 (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Run a scenario at each value of one or two parameters, with the same replications at every point.
    #[command(after_help = help::MORE, after_long_help = help::SWEEP)]
    Sweep(SweepArgs),
    /// Run two or more scenarios with the same replications and show their paired differences.
    #[command(after_help = help::MORE, after_long_help = help::COMPARE)]
    Compare(CompareArgs),
    /// Find the smallest (or largest) value of a parameter that meets a goal, e.g. p90 wait at most 30 days.
    #[command(after_help = help::MORE, after_long_help = help::TARGET)]
    Target(TargetArgs),
    /// Fit parameters of a scenario to recorded figures (calibration), with 95% intervals and a back-test chart.
    #[command(after_help = help::MORE, after_long_help = help::FIT)]
    Fit(FitArgs),
    /// Draw publication-ready charts (PNG, SVG) from a results folder written by `run --out`.
    #[command(after_help = help::MORE, after_long_help = help::CHART)]
    Chart(ChartArgs),
    /// Write report.html, one self-contained file with every chart, the summary and the scenario.
    #[command(after_help = help::MORE, after_long_help = help::REPORT)]
    Report {
        /// Results folder written by `backlog run --out DIR`.
        #[arg(value_name = "RESULTS_DIR")]
        results: PathBuf,
        /// File to write (default: report.html in the results folder).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Overwrite a file of that name that backlog did not write.
        #[arg(long)]
        force: bool,
        /// Refuse results files larger than this, e.g. 4G [default: 1G].
        #[arg(long, value_name = "SIZE", value_parser = super::run::parse_size)]
        max_input: Option<u64>,
    },
    /// List the built-in scenarios (every file of scenarios/), or print one as shipped.
    #[command(after_help = help::MORE, after_long_help = help::SCENARIOS)]
    Scenarios {
        #[command(subcommand)]
        action: Option<ScenariosAction>,
    },
    /// Print a shell completion script to standard output.
    #[command(after_help = help::MORE, after_long_help = help::COMPLETIONS)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page of backlog (or of one command), or write them all into a folder.
    #[command(after_help = help::MORE, after_long_help = help::MAN)]
    Man {
        /// The command whose page to print, e.g. run or scenarios show (default: backlog itself).
        #[arg(value_name = "COMMAND", conflicts_with = "out")]
        command: Vec<String>,
        /// Write the pages of backlog and of every command into this folder (backlog.1, backlog-run.1, ...).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// What `backlog scenarios` does.
#[derive(Debug, Subcommand)]
pub(crate) enum ScenariosAction {
    /// Print a built-in scenario (or a CSV file one reads) exactly as shipped, e.g. to start a scenario of your own.
    #[command(after_help = help::MORE, after_long_help = help::SCENARIOS_SHOW)]
    Show {
        /// Its name, as `backlog scenarios` lists them (or the path of a CSV file one reads, e.g. data/example-trace.csv).
        #[arg(value_name = "NAME")]
        name: String,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct ChartArgs {
    /// Results folder written by `backlog run --out DIR`.
    #[arg(
        value_name = "RESULTS_DIR",
        required_unless_present = "compare",
        conflicts_with = "compare"
    )]
    pub(crate) results: Option<PathBuf>,
    /// Compare two or more results folders on the same axes.
    #[arg(long, num_args = 2.., value_name = "DIR")]
    pub(crate) compare: Vec<PathBuf>,
    /// Legend labels of the compared folders, comma-separated (default: scenario names).
    #[arg(long, value_name = "A,B,...", requires = "compare")]
    pub(crate) labels: Option<String>,
    /// Which chart: flows and nodes are of networks only; all is every chart the folder has.
    #[arg(long, value_enum, default_value_t = KindArg::All)]
    pub(crate) kind: KindArg,
    /// Folder for the charts (default: the results folder; with --compare, the current folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Image format.
    #[arg(long, value_enum, default_value_t = ChartFormatArg::Both)]
    pub(crate) format: ChartFormatArg,
    /// Size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1200x675")]
    pub(crate) size: String,
    /// Title instead of each chart's own.
    #[arg(long, value_name = "TEXT")]
    pub(crate) title: Option<String>,
    /// Overwrite files of the charts' names that backlog did not write.
    #[arg(long)]
    pub(crate) force: bool,
    /// Refuse results files larger than this, e.g. 4G [default: 1G].
    #[arg(long, value_name = "SIZE", value_parser = super::run::parse_size)]
    pub(crate) max_input: Option<u64>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KindArg {
    Backlog,
    Waits,
    Quoted,
    Outcomes,
    Flows,
    Nodes,
    All,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ChartFormatArg {
    Png,
    Svg,
    Both,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    #[arg(help = help::SCENARIO_ARG)]
    pub(crate) scenario: Option<PathBuf>,
    /// Number of replications (default: the scenario's).
    #[arg(long, short = 'r', allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub(crate) replications: Option<u32>,
    /// Seed of all random streams (default: the scenario's).
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Simulated days (default: the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub(crate) horizon_days: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 'j', allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub(crate) format: FormatArg,
    /// Folder to write summary.json, summary.csv, daily.csv, waits.csv, replications.csv and scenario.toml.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Write every event of replication 0 to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub(crate) trace: Option<PathBuf>,
    /// No progress bar, and no notes on standard error (errors still appear).
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// Also draw every chart (PNG and SVG) into the --out folder.
    #[arg(long)]
    pub(crate) charts: bool,
    /// Also write report.html into the --out folder.
    #[arg(long)]
    pub(crate) report: bool,
    /// Write into an --out folder even if it holds files that are not a previous backlog run.
    #[arg(long)]
    pub(crate) force: bool,
    /// Also report the share of people processed who waited more than DAYS days (repeatable;
    /// added to the scenario's `share_over_days`).
    #[arg(long = "share-over", value_name = "DAYS")]
    pub(crate) share_over: Vec<u32>,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
    /// Change a value of the scenario first, e.g. --set ports.san_ysidro.capacity.quota_per_day=150 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) sets: Vec<String>,
    /// How replications are simulated; both give byte-identical results (event-loop: always the general event loop, for checking and benchmarking).
    #[arg(long, value_enum, default_value_t = EngineArg::Auto)]
    pub(crate) engine: EngineArg,
    /// Run only shard K of N (K from 0 to N-1: a block of the replications) and write its exact state to the --out folder, for `backlog merge`.
    #[arg(long, value_name = "K/N")]
    pub(crate) shard: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MergeArgs {
    /// Shard folders written by `backlog run --shard K/N --out DIR` (or `sweep`, `compare` with --shard), every K once, in any order.
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub(crate) shards: Vec<PathBuf>,
    /// Folder to write the folder the unsharded run (or sweep, or comparison) would have written.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub(crate) format: FormatArg,
    /// No notes on standard error (errors still appear).
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// Also draw every chart (PNG and SVG) into the --out folder.
    #[arg(long)]
    pub(crate) charts: bool,
    /// Also write report.html into the --out folder.
    #[arg(long)]
    pub(crate) report: bool,
    /// Write into an --out folder even if it holds files that are not a previous backlog run.
    #[arg(long)]
    pub(crate) force: bool,
    /// Refuse shard files larger than this, e.g. 4G [default: 1G].
    #[arg(long, value_name = "SIZE", value_parser = super::run::parse_size)]
    pub(crate) max_input: Option<u64>,
}

/// The resource guards: every limit is checked before anything large is read, built or run.
#[derive(Debug, Clone, Copy, clap::Args)]
pub(crate) struct LimitArgs {
    /// Refuse to run when one replication is expected to bring more people than this [default: 100000000].
    #[arg(long, value_name = "N")]
    pub(crate) max_people: Option<u64>,
    /// Refuse to run when the run is expected to need more memory than this, e.g. 16G [default: 8G].
    #[arg(long, value_name = "SIZE", value_parser = super::run::parse_size)]
    pub(crate) max_memory: Option<u64>,
    /// Refuse scenario and CSV files larger than this, e.g. 4G [default: 1G].
    #[arg(long, value_name = "SIZE", value_parser = super::run::parse_size)]
    pub(crate) max_input: Option<u64>,
}

impl LimitArgs {
    /// The library's limits.
    pub(crate) fn limits(self) -> backlog::Limits {
        backlog::Limits {
            max_people: self.max_people,
            max_memory_bytes: self.max_memory,
            max_input_bytes: self.max_input,
        }
    }
}

/// Flags shared by sweep, compare and target.
#[derive(Debug, clap::Args)]
pub(crate) struct AnalysisArgs {
    /// Change a value of the scenario first, e.g. --set streams.caravan.join_share=0.7 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) sets: Vec<String>,
    /// Replications at every point (default: the scenario's). Every point runs the same ones.
    #[arg(long, short = 'r', allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub(crate) replications: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 'j', allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// Metrics of this port or stage only, or `end_to_end`: a network's people end to end (default: everyone).
    #[arg(long, value_name = "NAME")]
    pub(crate) port: Option<String>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub(crate) format: FormatArg,
    /// No progress bar, and no notes on standard error (errors still appear).
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// Also report the share of people processed who waited more than DAYS days (repeatable;
    /// added to the scenario's `share_over_days`).
    #[arg(long = "share-over", value_name = "DAYS")]
    pub(crate) share_over: Vec<u32>,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SweepArgs {
    #[arg(help = help::SCENARIO_ARG)]
    pub(crate) scenario: Option<PathBuf>,
    /// A parameter to sweep, as a dotted path (as for --set); give one or two, each followed by
    /// --values or --range.
    #[arg(long = "param", value_name = "PATH", required = true)]
    pub(crate) params: Vec<String>,
    /// Values of the preceding --param, comma-separated, e.g. 50,100,150 or fifo,lifo.
    #[arg(long, value_name = "A,B,...", allow_hyphen_values = true)]
    pub(crate) values: Vec<String>,
    /// Evenly spaced values of the preceding --param, LOW:HIGH:STEP, e.g. 50:300:25.
    #[arg(long, value_name = "LOW:HIGH:STEP", allow_hyphen_values = true)]
    pub(crate) range: Vec<String>,
    /// Folder for sweep.csv, sweep.json, the chart (sweep.png, sweep.svg) and one results folder per point.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Write into an --out folder that holds files backlog did not write (they are kept).
    #[arg(long)]
    pub(crate) force: bool,
    #[arg(
        long,
        value_name = "METRIC",
        help = format!(
            "The metric the chart draws against the first --param (needs --out): {} [default: {}]",
            metric_names(),
            backlog::analysis::sweep::DEFAULT_CHART_METRIC.name()
        )
    )]
    pub(crate) chart_metric: Option<String>,
    /// Title of the chart instead of its own (needs --out), e.g. "Waits fall as the quota rises".
    #[arg(long, value_name = "TEXT", requires = "out")]
    pub(crate) title: Option<String>,
    /// Subtitle of the chart instead of its own (needs --out; its own names the base scenario,
    /// what the marks and bands are, the port and the period).
    #[arg(long, value_name = "TEXT", requires = "out")]
    pub(crate) subtitle: Option<String>,
    /// Title of the chart's horizontal axis instead of the first --param in words with its unit
    /// (needs --out), e.g. "Daily quota at San Ysidro, people".
    #[arg(long, value_name = "TEXT", requires = "out")]
    pub(crate) x_label: Option<String>,
    /// Run only shard K of N (K from 0 to N-1: a block of the sweep's points × replications) and write its exact state to the --out folder, for `backlog merge`.
    #[arg(long, value_name = "K/N", requires = "out")]
    pub(crate) shard: Option<String>,
    #[command(flatten)]
    pub(crate) common: AnalysisArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CompareArgs {
    /// Two or more scenario files or names of built-in scenarios; differences are from the first.
    #[arg(required = true, num_args = 2.., value_name = "SCENARIO")]
    pub(crate) scenarios: Vec<PathBuf>,
    /// Seed of every scenario (default: the first scenario's), so that replications are paired.
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Folder for comparison.csv, comparison.json, one results folder per scenario and the comparison charts.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Write into an --out folder that holds files backlog did not write (they are kept).
    #[arg(long)]
    pub(crate) force: bool,
    /// Compare scenarios that cover different periods over the period they have in common
    /// (every run cut at its end); without it they are refused.
    #[arg(long)]
    pub(crate) allow_different_periods: bool,
    /// Run only shard K of N (K from 0 to N-1: a block of the scenarios × replications) and write its exact state to the --out folder, for `backlog merge`.
    #[arg(long, value_name = "K/N", requires = "out")]
    pub(crate) shard: Option<String>,
    #[command(flatten)]
    pub(crate) common: AnalysisArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TargetArgs {
    #[arg(help = help::SCENARIO_ARG)]
    pub(crate) scenario: Option<PathBuf>,
    /// The parameter to search, as a dotted path (as for --set).
    #[arg(long, value_name = "PATH")]
    pub(crate) param: String,
    #[arg(long, value_name = "METRIC", help = format!("The metric of the goal: {}", metric_names()))]
    pub(crate) metric: String,
    /// Goal: the metric at most X.
    #[arg(
        long,
        value_name = "X",
        allow_hyphen_values = true,
        required_unless_present = "at_least",
        conflicts_with = "at_least"
    )]
    pub(crate) at_most: Option<f64>,
    /// Goal: the metric at least X.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub(crate) at_least: Option<f64>,
    /// Judge the goal on runs cut at this day (a day number, or a date if the scenario has a start_date).
    #[arg(long, value_name = "DAY")]
    pub(crate) by_day: Option<String>,
    /// Values to search, LOW:HIGH (default: a tenth to ten times the scenario's value).
    #[arg(long, value_name = "LOW:HIGH", allow_hyphen_values = true)]
    pub(crate) range: Option<String>,
    /// Distance between values tried (default: 1 for whole numbers, else a thousandth of the range).
    #[arg(long)]
    pub(crate) step: Option<f64>,
    #[command(flatten)]
    pub(crate) rounds: RoundsArgs,
    #[command(flatten)]
    pub(crate) common: AnalysisArgs,
}

/// A search run in rounds on a batch system (`target`, `fit`).
#[derive(Debug, clap::Args)]
pub(crate) struct RoundsArgs {
    /// Keep the search's rounds in this folder, to run each round in shards (--shard K/N) on a batch system; without --shard, give the results once every round is in (exit code 3 while a round waits for shards). See docs/scale-out.md.
    #[arg(long, value_name = "DIR")]
    pub(crate) rounds: Option<PathBuf>,
    /// With --rounds: run shard K of N (K from 0 to N-1) of each round that can run, and stop at a round waiting for other shards.
    #[arg(long, value_name = "K/N", requires = "rounds")]
    pub(crate) shard: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct FitArgs {
    #[arg(help = help::SCENARIO_ARG)]
    pub(crate) scenario: Option<PathBuf>,
    /// The recorded figures: a CSV file with the columns date (or day), scope, series, value, low, high, source, note.
    #[arg(long, value_name = "FILE")]
    pub(crate) observed: PathBuf,
    /// A parameter to fit, as a dotted path (as for --set), each followed by its --range (repeatable).
    #[arg(long = "param", value_name = "PATH", required = true)]
    pub(crate) params: Vec<String>,
    /// The values the preceding --param may take, LOW:HIGH, e.g. 10:80.
    #[arg(long, value_name = "LOW:HIGH", allow_hyphen_values = true, required = true)]
    pub(crate) range: Vec<String>,
    #[command(flatten)]
    pub(crate) rounds: RoundsArgs,
    /// Folder for fit.json, fit.csv, scenario.toml (the fitted scenario) and the back-test chart (backtest.png, backtest.svg).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Write into an --out folder that holds files backlog did not write (they are kept).
    #[arg(long)]
    pub(crate) force: bool,
    /// Most sets of values to evaluate, each one run of the replications.
    #[arg(long, value_name = "N", default_value_t = backlog::analysis::fit::DEFAULT_MAX_EVALS)]
    pub(crate) max_evals: usize,
    /// Change a value of the scenario first, e.g. --set ports.san_ysidro.capacity.quota_per_day=150 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) sets: Vec<String>,
    /// Replications at every value tried (default: the scenario's; at least 2). Every value runs the same ones.
    #[arg(long, short = 'r', allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub(crate) replications: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 'j', allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// Output format on standard output (csv: every value evaluated).
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub(crate) format: FormatArg,
    /// No progress bar, and no notes on standard error (errors still appear).
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}

/// Every metric's name for --help: `processed, abandoned, …, peak_list or share_over_N`.
fn metric_names() -> String {
    let mut names: Vec<String> = backlog::Metric::ALL
        .iter()
        .map(|metric| metric.name().into_owned())
        .collect();
    names.push("share_over_N (N days; with --share-over N on sweep and compare)".to_owned());
    match names.split_last() {
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// How replications are simulated.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum EngineArg {
    /// A direct recursion for officers serving a FIFO list around the clock with Poisson arrivals and no patience; the event loop otherwise.
    Auto,
    /// Always the general event loop.
    EventLoop,
}

/// Output format on stdout.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    Table,
    Json,
    Csv,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The help of every flag that takes a metric names every metric there is.
    #[test]
    fn metric_flags_list_every_metric() {
        let mut cli = Cli::command();
        for (command, flag) in [("sweep", "chart_metric"), ("target", "metric")] {
            let command = cli.find_subcommand_mut(command).expect("a command");
            let argument = command
                .get_arguments()
                .find(|argument| argument.get_id() == flag)
                .expect("the flag");
            let help = argument.get_help().expect("help").to_string();
            for metric in backlog::Metric::ALL {
                assert!(help.contains(metric.name().as_ref()), "{flag}: {help}");
            }
        }
    }
}
