//! backlog: a discrete-event simulator of asylum-processing backlogs.
//!
//! The data flows one way: [`scenario`] (raw TOML types with spans) → [`validate`] →
//! [`model`] → [`engine`] (one replication) → [`stats`] → [`replicate`] (parallel, merged
//! in order) → [`report`]. [`commands`] holds what each CLI command does.

// Input must never be able to panic the tool: no unwrap or expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
pub mod analysis;
pub mod chart;
pub mod commands;
pub mod engine;
pub mod error;
pub mod format;
pub mod interrupt;
pub mod model;
pub mod overrides;
pub mod replicate;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod validate;
