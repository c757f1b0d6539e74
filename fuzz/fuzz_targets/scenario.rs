//! Scenario text → parsing and validation → (if valid and small) one replication.
//!
//! Every outcome is fine except a panic, a hang or a lost person: invalid input must give
//! diagnostics (which are rendered, to exercise the file:line:col code), valid input must run.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // CSV files named by a scenario are looked for next to the shipped scenarios, so the seeds
    // that read scenarios/data/*.csv load.
    let base = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios"));
    common::load_and_check(&backlog::Scenario::from_text("fuzz.toml", text).with_base_dir(base));
});
