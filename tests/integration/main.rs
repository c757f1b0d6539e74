//! The integration tests: one binary, shared helpers in common.rs.

mod bad_input;
mod charts;
mod cli;
mod common;
mod fifo_recursion;
mod horizon;
mod policy;
mod properties;
mod reliability;
mod scenarios;
mod theory;
