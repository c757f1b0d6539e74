//! The integration tests: one binary, shared helpers in common.rs.

mod bad_input;
mod browser;
mod charts;
mod cli;
mod common;
mod compare;
mod fit;
mod horizon;
mod library;
mod network_charts;
mod networks;
mod policy;
mod reliability;
mod rounds;
mod scenarios;
mod shards;
