//! backlog: a discrete-event simulator of asylum-processing backlogs.
pub mod commands;
pub mod engine;
pub mod error;
pub mod model;
pub mod overrides;
pub mod replicate;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod validate;
