//! Bad input that cannot be a `.toml` file in tests/bad/: a folder, a missing file, files that
//! are not UTF-8 text. Each gives exit code 2 and the message in its snapshot.
//!
//! Files are written into a temporary folder and named relative to it, so that the messages
//! (and so the snapshots) do not depend on where the folder is.

use crate::cli::backlog;
use assert_cmd::Command;
use std::path::Path;

/// A scenario that is fine apart from the CSV file it reads.
const READS_CSV: &str = "schema = 1

[run]
name = \"reads a CSV file\"
horizon_days = 30
seed = 1

[[ports]]
name = \"san_ysidro\"

[ports.capacity]
kind = \"quota\"
quota_per_day = 100

[[streams]]
name = \"arrivals\"
port = \"san_ysidro\"
kind = \"trace\"
file = \"arrivals.csv\"
";

/// `backlog check FILE` run in `dir`: asserts exit code 2 and returns stderr.
fn rejected(mut command: Command, file: &str) -> String {
    let output = command.arg("check").arg(file).output().expect("backlog runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{file} should be rejected: {stderr}");
    assert!(stderr.starts_with("error: "), "leads with the problem: {stderr}");
    assert!(stderr.contains(file), "names the file: {stderr}");
    stderr
}

/// `backlog check NAME` on a file holding `bytes`, in a temporary folder.
fn check_bytes(name: &str, bytes: &[u8], files: &[(&str, &[u8])]) -> String {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join(name), bytes).expect("file written");
    for (other, contents) in files {
        std::fs::write(dir.path().join(other), contents).expect("file written");
    }
    rejected(command_in(dir.path()), name)
}

fn command_in(dir: &Path) -> Command {
    let mut command = backlog();
    command.current_dir(dir);
    command
}

#[test]
fn a_folder() {
    insta::assert_snapshot!("bad_input_folder", rejected(backlog(), "tests/bad"));
}

#[test]
fn a_missing_file() {
    insta::assert_snapshot!(
        "bad_input_missing_file",
        rejected(backlog(), "tests/bad/no_such_scenario.toml")
    );
}

#[test]
fn a_missing_file_for_run_too() {
    let output = backlog()
        .args(["run", "--quiet", "tests/bad/no_such_scenario.toml"])
        .output()
        .expect("backlog runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "nothing on stdout");
}

#[test]
fn a_latin1_file() {
    // "Tijuana, año 2018" saved as Latin-1 (ISO 8859-1): ñ is the single byte 0xF1.
    let mut bytes = b"schema = 1\n\n[run]\nname = \"Tijuana, a".to_vec();
    bytes.push(0xF1);
    bytes.extend_from_slice(b"o 2018\"\nhorizon_days = 30\nseed = 1\n");
    insta::assert_snapshot!("bad_input_latin1", check_bytes("latin1.toml", &bytes, &[]));
}

#[test]
fn a_utf16_file() {
    // What Notepad saves as "Unicode": UTF-16 little-endian with a byte-order mark.
    let text = "schema = 1\r\n\r\n[run]\r\nname = \"utf-16\"\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    insta::assert_snapshot!("bad_input_utf16", check_bytes("utf16.toml", &bytes, &[]));
}

#[test]
fn a_binary_file() {
    // The start of a PNG image, renamed.
    let bytes: Vec<u8> = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0"
        .iter()
        .copied()
        .chain((0u8..=255).cycle().take(512))
        .collect();
    insta::assert_snapshot!("bad_input_binary", check_bytes("picture.toml", &bytes, &[]));
}

#[test]
fn a_csv_file_that_is_not_utf8() {
    // A spreadsheet exported as "CSV" in Windows-1252: the class "niñez" has 0xF1.
    let csv: &[u8] = b"day,size\n0.5,1\n1.5,2\n2,\xF1\n";
    insta::assert_snapshot!(
        "bad_input_csv_latin1",
        check_bytes("scenario.toml", READS_CSV.as_bytes(), &[("arrivals.csv", csv)])
    );
}

#[test]
fn a_csv_file_that_is_binary() {
    // An Excel workbook (a ZIP archive) given where a CSV file belongs.
    let xlsx: &[u8] = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0\x62\xee\x9d\x68\x5e\x01\0\0\x90\x04\0\0\x13\0\x08\x02";
    insta::assert_snapshot!(
        "bad_input_csv_binary",
        check_bytes("scenario.toml", READS_CSV.as_bytes(), &[("arrivals.csv", xlsx)])
    );
}

#[test]
fn a_csv_path_that_is_a_folder() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(dir.path().join("arrivals.csv")).expect("folder made");
    std::fs::write(dir.path().join("scenario.toml"), READS_CSV).expect("file written");
    insta::assert_snapshot!(
        "bad_input_csv_folder",
        rejected(command_in(dir.path()), "scenario.toml")
    );
}
