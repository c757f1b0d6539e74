//! The examples and exit codes that end each command's `--help` (and its man page). Every line
//! starting `backlog ` is a command line that a test runs, so the examples keep working.

/// The exit codes, as `src/main.rs` and `backlog::Error::exit_code` give them.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0    success
  1    failure while running: a file (or standard output) could not be written, worker threads
       could not start, a chart could not be drawn, or a fit's search failed
  2    bad input, refused before anything runs: a wrong scenario or CSV file, flag, value or
       path (with the file, line and column where there is one), or a run over a resource
       limit (--max-people, --max-memory, --max-input)
  3    a search run in rounds (target, fit with --rounds and without --shard) needs more
       rounds: run the shards of the round it names
  130  interrupted by Ctrl-C: the command stops within moments and writes no half-written file"
    };
}

/// The help of every scenario argument.
pub(crate) const SCENARIO_ARG: &str = "Scenario file (TOML), or the name of a built-in scenario \
     (`backlog scenarios` lists them; a file of that name wins); tijuana-2018 when omitted";

/// Under `-h`: where the examples are.
pub(crate) const MORE: &str = "Examples and exit codes: --help";

/// `backlog --help`.
pub(crate) const BACKLOG: &str = concat!(
    "Examples:
  # Simulate the built-in Tijuana 2018 scenario and print a table
  backlog run
  # List the built-in scenarios, and run one by name
  backlog scenarios
  backlog run tijuana-mpp-2019
  # Start a scenario of your own from a built-in one, check it and run it
  backlog scenarios show mmc > my.toml
  backlog check my.toml
  backlog run my.toml --out results --charts --report
  # Each command's examples
  backlog run --help

",
    exit_codes!()
);

/// `backlog run --help`.
pub(crate) const RUN: &str = concat!(
    "Examples:
  # The built-in Tijuana 2018 scenario, as a table
  backlog run
  # A built-in scenario by name, with 50 replications and another seed
  backlog run tijuana-mpp-2019 -r 50 --seed 7
  # The results folder, its charts and report.html
  backlog run csv-inputs --out results --charts --report
  # The summary as JSON, with a value changed for this run only
  backlog run deterministic --format json --set ports.port.capacity.quota_per_day=50
  # Every event of replication 0, as CSV
  backlog run deterministic --trace trace.csv
  # Shard 0 of 4 of a run (the others elsewhere), for `backlog merge`
  backlog run --shard 0/4 --out shards/0

",
    exit_codes!()
);

/// `backlog merge --help`.
pub(crate) const MERGE: &str = concat!(
    "Examples:
  # A run in two shards (on two machines, or one after the other), merged into the results
  # folder the whole run writes, byte for byte
  backlog run deterministic --shard 0/2 --out shards/0
  backlog run deterministic --shard 1/2 --out shards/1
  backlog merge shards/0 shards/1 --out results
  # Shards in any order, with the charts and report.html
  backlog merge shards/1 shards/0 --out results --charts --report
  # A sweep in two shards, merged into the folder `sweep --out` writes (every point's results
  # folder, sweep.csv, sweep.json and the chart), byte for byte
  backlog sweep deterministic --param ports.port.capacity.quota_per_day --values 50,100 --shard 0/2 --out sweep-shards/0
  backlog sweep deterministic --param ports.port.capacity.quota_per_day --values 50,100 --shard 1/2 --out sweep-shards/1
  backlog merge sweep-shards/1 sweep-shards/0 --out sweep
  # A comparison in two shards, merged into the folder `compare --out` writes
  backlog compare deterministic mmc --set run.horizon_days=30 --shard 0/2 --out compare-shards/0
  backlog compare deterministic mmc --set run.horizon_days=30 --shard 1/2 --out compare-shards/1
  backlog merge compare-shards/0 compare-shards/1 --out comparison

",
    exit_codes!()
);

/// `backlog check --help`.
pub(crate) const CHECK: &str = concat!(
    "Examples:
  # Validate a built-in scenario and summarise it
  backlog check cbp-one-2023
  # Validate a file of your own, with a value changed
  backlog scenarios show mmc > my.toml
  backlog check my.toml --set run.horizon_days=100

",
    exit_codes!()
);

/// `backlog sweep --help`.
pub(crate) const SWEEP: &str = concat!(
    "Examples:
  # The metrics at three daily quotas, the same replications at each
  backlog sweep policy-what-if --param ports.san_ysidro.capacity.quota_per_day --values 60,100,150
  # A grid of two parameters, with the files, a results folder per point and a chart of p90 waits
  backlog sweep policy-what-if --param ports.san_ysidro.capacity.quota_per_day --range 50:150:50 --param streams.caravan.join_share --values 0.3,0.5 --out sweep --chart-metric wait_p90
  # Shard 0 of 4 of a sweep (a quarter of its points × replications; the others elsewhere),
  # for `backlog merge`
  backlog sweep policy-what-if --param ports.san_ysidro.capacity.quota_per_day --values 60,100,150 --shard 0/4 --out shards/0

",
    exit_codes!()
);

/// `backlog compare --help`.
pub(crate) const COMPARE: &str = concat!(
    "Examples:
  # The recorded quotas against 100 a day all year, replication by replication
  backlog compare tijuana-2018 policy-what-if
  # The same with the files, a results folder per scenario and the comparison charts
  backlog compare tijuana-2018 policy-what-if -r 50 --out comparison
  # Shard 0 of 4 of the comparison (a quarter of its scenarios × replications), for
  # `backlog merge`
  backlog compare tijuana-2018 policy-what-if -r 50 --shard 0/4 --out shards/0

",
    exit_codes!()
);

/// `backlog target --help`.
pub(crate) const TARGET: &str = concat!(
    "Examples:
  # The smallest daily quota (a whole number) that keeps the p90 wait within 60 days
  backlog target policy-what-if --param ports.san_ysidro.capacity.quota_per_day --metric wait_p90 --at-most 60 --range 50:300
  # The largest share of the caravan who may sign with the p90 wait still within 30 days
  backlog target policy-what-if --param streams.caravan.join_share --metric wait_p90 --at-most 30 --range 0.1:0.9 --step 0.05
  # The same search in rounds on a batch system: each round's shards (here 1 of 1), then the
  # results once every round is in (exit code 3 while a round waits; docs/scale-out.md)
  backlog target deterministic --param ports.port.capacity.quota_per_day --metric wait_mean --at-most 5 -r 4 --rounds rounds --shard 0/1
  backlog target deterministic --param ports.port.capacity.quota_per_day --metric wait_mean --at-most 5 -r 4 --rounds rounds

",
    exit_codes!()
);

/// `backlog fit --help`.
pub(crate) const FIT: &str = concat!(
    "Examples:
  # The daily registrations that best explain the recorded figures of Ciudad Juarez (the file
  # ships in scenarios/observed/ of backlog's source), with a back-test chart in juarez-fit/
  backlog fit juarez-2019 --observed scenarios/observed/juarez-2019.csv --param streams.registrations.people_per_day --range 30:90 -r 20 --out juarez-fit

",
    exit_codes!()
);

/// `backlog chart --help`.
pub(crate) const CHART: &str = concat!(
    "Examples:
  # Every chart of a results folder, PNG and SVG, into the folder
  backlog run csv-inputs --out results
  backlog chart results
  # One chart as SVG, at another size
  backlog chart results --kind waits --format svg --size 800x450
  # Two runs on the same axes
  backlog run tijuana-2018 --out recorded
  backlog run policy-what-if --out flat
  backlog chart --compare recorded flat --labels recorded,flat

",
    exit_codes!()
);

/// `backlog report --help`.
pub(crate) const REPORT: &str = concat!(
    "Examples:
  # report.html in the results folder
  backlog run csv-inputs --out results
  backlog report results
  # Elsewhere
  backlog report results --out csv-inputs.html

",
    exit_codes!()
);

/// `backlog scenarios --help`.
pub(crate) const SCENARIOS: &str = concat!(
    "Examples:
  # The built-in scenarios and the question each asks
  backlog scenarios
  # Copy one to start your own
  backlog scenarios show tijuana-2018 > my.toml
  backlog check my.toml

",
    exit_codes!()
);

/// `backlog scenarios show --help`.
pub(crate) const SCENARIOS_SHOW: &str = concat!(
    "Examples:
  # The file as shipped, byte for byte
  backlog scenarios show policy-what-if > what-if.toml
  backlog run what-if.toml
  # A scenario that reads CSV files names them relative to its folder: print them there too
  backlog scenarios show csv-inputs > csv-inputs.toml
  mkdir -p data
  backlog scenarios show data/example-trace.csv > data/example-trace.csv
  backlog scenarios show data/tijuana-list-snapshot.csv > data/tijuana-list-snapshot.csv
  backlog check csv-inputs.toml

",
    exit_codes!()
);

/// `backlog completions --help`.
pub(crate) const COMPLETIONS: &str = concat!(
    "Examples:
  # Bash: then `source backlog.bash`, or copy it to ~/.local/share/bash-completion/completions/backlog
  backlog completions bash > backlog.bash
  # Zsh: copy _backlog to a folder of your $fpath
  backlog completions zsh > _backlog
  # Fish: copy it to ~/.config/fish/completions/
  backlog completions fish > backlog.fish
  # PowerShell: dot-source it from your $PROFILE
  backlog completions powershell > backlog.ps1

",
    exit_codes!()
);

/// `backlog man --help`.
pub(crate) const MAN: &str = concat!(
    "Examples:
  # A page to read without installing it: then `man -l backlog-run.1`
  backlog man run > backlog-run.1
  # Every page into a folder (docs/man in backlog's source is made so)
  backlog man --out man

",
    exit_codes!()
);
