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

// ---------------------------------------------------------------------------------------------
// Regressions found while fuzzing (docs/reliability.md, "Fuzzing"). Inputs that must be
// rejected are in tests/bad/ (`huge_waited_days`, `huge_service_mean`); these must run.
// ---------------------------------------------------------------------------------------------

/// A small scenario with one port (`capacity` is its [ports.capacity] table) and a backlog of
/// 10 people with `extra` stream keys.
fn small(capacity: &str, extra: &str) -> String {
    format!(
        "schema = 1\n\n[run]\nname = \"regression\"\nhorizon_days = 5\nseed = 1\nreplications = 2\n\n\
         [[ports]]\nname = \"p\"\n\n[ports.capacity]\n{capacity}\n\n\
         [[streams]]\nname = \"b\"\nport = \"p\"\nkind = \"backlog\"\npeople = 10\n{extra}\n"
    )
}

/// `backlog run` on `text` succeeds.
fn runs_cleanly(text: &str) {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("s.toml"), text).expect("file written");
    let output = command_in(dir.path())
        .args(["run", "--quiet", "--threads", "1", "s.toml"])
        .output()
        .expect("backlog runs");
    assert!(
        output.status.success(),
        "{text}\nfailed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_longest_waits_and_patience_allowed_run_cleanly() {
    // Waits of 1e300 days overflowed `time - joined` in the engine; now at most 10,000,000
    // days are accepted, and that much must work.
    runs_cleanly(&small(
        "kind = \"quota\"\nquota_per_day = 4",
        "waited_days = 10000000\npatience_days = { dist = \"exponential\", mean = 10000000 }",
    ));
    runs_cleanly(&small(
        "kind = \"officers\"\nofficers = 2\nservice_days = 10000000",
        "waited_days = { dist = \"uniform\", min = 0, max = 10000000 }",
    ));
}

/// Service times are drawn from distributions without an upper bound, so a claim can end
/// after the latest time the event queue holds (2^40 ticks, about 12.7 million days): here,
/// with a mean of 10,000,000 days, about one claim in four. The engine schedules the end of
/// such a claim past that limit (`src/engine/mod.rs`, `time.saturating_add(service)`): a
/// debug build panics in `EventQueue::push`, a release build encodes a wrong time.
#[test]
fn service_times_beyond_the_event_queue_run_cleanly() {
    runs_cleanly(&small(
        "kind = \"officers\"\nofficers = 2\nservice_days = { dist = \"exponential\", mean = 10000000 }",
        "",
    ));
}
