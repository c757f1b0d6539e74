//! The integration tests: one binary, shared helpers in common.rs.

mod bad_input;
mod charts;
mod cli;
mod common;
mod horizon;
mod policy;
mod reliability;
mod scenarios;
