//! CSV bytes → a list snapshot or a trace read by a small fixed scenario → validation →
//! (if valid and small) one replication.
//!
//! The first byte picks the scenario (snapshot or trace; one class or two; with or without a
//! start date); the rest is the CSV file, written next to it.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const STREAMS: [&str; 2] = [
    "[[streams]]\nname = \"list\"\nport = \"p\"\nkind = \"backlog\"\nfile = \"input.csv\"\npatience_days = { dist = \"exponential\", mean = 20 }\n",
    "[[streams]]\nname = \"arrivals\"\nport = \"p\"\nkind = \"trace\"\nfile = \"input.csv\"\n",
];

/// A scenario for each variant, written once into a temporary folder.
fn scenarios() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static DIR: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut paths = Vec::new();
        for variant in 0..8u8 {
            let stream = STREAMS[usize::from(variant & 1)];
            let classes = if variant & 2 != 0 {
                "[[classes]]\nname = \"vulnerable\"\n\n[[classes]]\nname = \"general\"\n"
            } else {
                ""
            };
            let start = if variant & 4 != 0 {
                "start_date = 2018-11-01\n"
            } else {
                ""
            };
            let text = format!(
                "schema = 1\n\n[run]\nname = \"csv\"\n{start}horizon_days = 30\nseed = 1\n\n{classes}\n\
                 [[ports]]\nname = \"p\"\ndiscipline = \"priority\"\n\n[ports.capacity]\nkind = \"quota\"\n\
                 quota_per_day = 7\n\n{stream}"
            );
            let path = dir.path().join(format!("variant{variant}.toml"));
            std::fs::write(&path, text).expect("scenario written");
            paths.push(path);
        }
        (dir, paths)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, csv)) = data.split_first() else {
        return;
    };
    let (dir, paths) = scenarios();
    if std::fs::write(dir.path().join("input.csv"), csv).is_err() {
        return;
    }
    let path = &paths[usize::from(selector & 7)];
    match backlog::Scenario::read(path) {
        Ok(scenario) => common::load_and_check(&scenario),
        Err(error) => panic!("the fuzzer's own scenario cannot be read: {error}"),
    }
});
