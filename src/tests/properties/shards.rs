//! Sharded runs of random scenarios: for a random number of replications and of shards, every
//! shard written as a folder and merged (in a shuffled order) gives the results folder of the
//! unsharded run, byte for byte.

use super::generator::spec;
use crate::replicate::RunOptions;
use crate::shard::{Shard, merge_shards, simulate_shard};
use crate::tests::model_from;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::path::Path;

/// Every file of the results folder `dir`, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("a results folder")
        .map(|entry| {
            let path = entry.expect("an entry").path();
            let name = path.file_name().expect("a name").to_string_lossy().into_owned();
            (name, std::fs::read(&path).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn merged_shards_are_the_unsharded_run(spec in spec(), replications in 1u32..=9, count in 1u32..=11, turn in 0usize..11) {
        let model = model_from(&spec.toml());
        let options = RunOptions::new().replications(replications).threads(1).share_over_days(&[3]);
        let dir = tempfile::tempdir().expect("a temporary folder");
        let whole = crate::simulate(&model, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
        whole.write_folder(&dir.path().join("whole")).expect("written");
        let mut shards = Vec::new();
        for k in 0..count {
            let shard = Shard::new(k, count).expect("a shard");
            let state = simulate_shard(&model, shard, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let folder = dir.path().join(format!("shard-{k}"));
            state.write_folder(&folder, false).expect("written");
            shards.push(folder);
        }
        let turn = turn % shards.len();
        shards.rotate_left(turn);
        shards.reverse();
        let merged = merge_shards(&shards).map_err(|e| TestCaseError::fail(e.to_string()))?;
        merged.write_folder(&dir.path().join("merged")).expect("written");
        let (whole, merged) = (files(&dir.path().join("whole")), files(&dir.path().join("merged")));
        prop_assert_eq!(whole.len(), 8);
        for ((name, bytes), (merged_name, merged_bytes)) in whole.iter().zip(&merged) {
            prop_assert_eq!(name, merged_name);
            prop_assert!(bytes == merged_bytes, "{} differs with {} shards of {} replications", name, count, replications);
        }
    }
}
