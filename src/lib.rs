//! backlog: a discrete-event simulator of asylum-processing backlogs.
//!
//! Describe a situation — who is already waiting, who arrives and when, how many a port
//! processes and in what order, how long people hold out — as a scenario, simulate it many
//! times over, and read the distribution of waits, the list day by day and where people went.
//!
//! ```
//! use backlog::{RunOptions, Scenario, simulate};
//!
//! // The built-in scenario: San Ysidro, November 2018, with a shorter run.
//! let model = Scenario::built_in().load_with(&[backlog::Change::parse("run.horizon_days=60")?])?;
//! let results = simulate(&model, &RunOptions::new().replications(20))?;
//! let p90 = &results.summary().total.wait_p90;
//! println!("p90 wait: {:?} days [{:?}, {:?}]", p90.mean, p90.ci95_low, p90.ci95_high);
//! # Ok::<(), backlog::Error>(())
//! ```
//!
//! The library is a small facade:
//! - scenarios: [`Scenario`] (a file, a string or a built-in one by name, changed with [`Change`]s)
//!   or [`ScenarioBuilder`] (in code), both validated into a [`Model`];
//! - running: [`simulate`] with [`RunOptions`] (replications, threads, a [`CancelToken`], a
//!   progress function, [`Limits`]), giving [`Results`];
//! - scale-out: [`simulate_shard`] runs shard K of N ([`Shard`]) into a [`ShardState`], and
//!   [`merge_shards`] merges shard folders into the [`Results`] of the whole run, exactly;
//!   sweeps and comparisons shard and merge the same way ([`analysis::sweep::plan_shard`],
//!   [`analysis::sweep::merge_sweep_shards`], [`analysis::compare::plan_shard`],
//!   [`analysis::compare::merge_compare_shards`]), and [`shard_kind`] tells their folders
//!   apart; searches run in rounds of shards ([`analysis::Rounds`]);
//! - results: [`results`] owns the results folder (written by [`Results::write_folder`], read
//!   back by [`Folder::read`]); [`chart`] draws charts and the report from a [`Folder`];
//! - analysis: [`analysis`] sweeps, compares and searches for goals on [`Metric`]s, and fits
//!   parameters to recorded figures;
//! - errors: [`Error`], which callers can match.
//!
//! Inside, the data flows one way: `scenario` (raw TOML with spans) → `validate` → `model` →
//! `engine` (one replication) → `stats` (mergeable) → `replicate` (parallel, merged in order)
//! → [`results`] → `report` and [`chart`]. docs/architecture.md has the map.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
// Input must never be able to panic the tool: no unwrap or expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod analysis;
mod builder;
mod builtin;
mod cancel;
pub mod chart;
mod engine;
mod error;
mod format;
mod guard;
mod model;
mod output;
mod overrides;
mod replicate;
mod report;
pub mod results;
mod scenario;
mod shard;
mod source;
mod stats;
#[cfg(test)]
mod tests;
mod validate;

pub use analysis::{Metric, Scope};
pub use builder::{Capacity, Discipline, Dist, Port, ScenarioBuilder, Stream};
pub use cancel::CancelToken;
pub use engine::Engine;
pub use error::{Diagnostic, Error, InputError, Note};
pub use guard::{LimitError, Limits, Resource, ResourceEstimate, estimate};
pub use model::{Date, Day, Model};
pub use overrides::Change;
pub use replicate::{Progress, RunOptions, simulate};
pub use report::Render;
pub use report::trace::write_trace;
pub use results::{Folder, Results, Summary};
pub use shard::{
    SHARD_FORMAT_VERSION, Shard, ShardKind, ShardState, merge_shards, merge_shards_within, shard_kind, simulate_shard,
};
pub use source::Scenario;
