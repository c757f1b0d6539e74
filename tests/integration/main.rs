//! The integration tests: one binary, shared helpers in common.rs.

mod cli;
mod common;
mod properties;
mod scenarios;
mod theory;
