//! Scenario-level tests: valid inputs convert to the expected model, and each kind of mistake
//! yields a diagnostic at the right place.

use super::*;
use crate::model::{
    Capacity, Counts, Discipline, Dist, Marker, NoShow, QuotaRandomness, RatePiece, Record, Segment, Shape, Source,
    TICKS_PER_DAY,
};
use std::fs;

mod csv_input;
mod network;
mod period;
mod ports;
mod streams;

const RUN: &str = "schema = 1\n[run]\nname = \"test\"\nhorizon_days = 14\nseed = 7\n";
const PORT: &str = "[[ports]]\nname = \"p\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 10\n";
const STREAM: &str = "[[streams]]\nname = \"s\"\nport = \"p\"\nkind = \"backlog\"\npeople = 100\n";

/// A scenario from its three parts (`run` may add keys to [run] and then [[classes]] tables).
fn scenario(run: &str, ports: &str, streams: &str) -> String {
    format!("{RUN}{run}\n{ports}\n{streams}")
}

fn load(text: &str) -> Result<Model, InputError> {
    load_str("s.toml", text, Path::new(""))
}

fn ok(text: &str) -> Model {
    match load(text) {
        Ok(model) => model,
        Err(error) => panic!("unexpected errors:\n{error}\nin:\n{text}"),
    }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match load(text) {
        Ok(model) => panic!("accepted: {model:?}\n{text}"),
        Err(error) => error.diagnostics,
    }
}

/// Line and column of the first occurrence of `needle` in `text`.
fn at(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in text"));
    crate::error::line_col(text, offset)
}

/// Line and column just after the first occurrence of `needle` in `text` (e.g. of a value after `key = `).
fn after(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in text"));
    crate::error::line_col(text, offset + needle.len())
}

/// Asserts that some diagnostic's message contains `needle` and that it starts at `position`.
fn expect(text: &str, needle: &str, position: (usize, usize)) -> Diagnostic {
    let diagnostics = errors(text);
    let rendered = InputError {
        diagnostics: diagnostics.clone(),
    }
    .to_string();
    let mut matching = diagnostics.iter().filter(|d| d.message.contains(needle)).peekable();
    assert!(
        matching.peek().is_some(),
        "no diagnostic containing `{needle}`:\n{rendered}"
    );
    let found = matching
        .find(|d| d.line_col() == Some(position))
        .unwrap_or_else(|| panic!("`{needle}` is not reported at {position:?}:\n{rendered}"));
    found.clone()
}

fn quota_by_day(model: &Model, port: usize) -> Vec<f64> {
    match &model.ports[port].capacity {
        Capacity::Quota(quota) => quota.quota_by_day.clone(),
        other => panic!("not a quota: {other:?}"),
    }
}

const OFFICERS: &str = "[[ports]]\nname = \"o\"\n[ports.capacity]\nkind = \"officers\"\nofficers = 2\n\
    service_days = { dist = \"exponential\", mean = 0.5 }\n";

const WAVE: &str = "[[streams]]\nname = \"w\"\nport = \"p\"\nkind = \"wave\"\n";

const POISSON: &str = "[[streams]]\nname = \"a\"\nport = \"p\"\nkind = \"poisson\"\n";

const CLASSES: &str = "[[classes]]\nname = \"family\"\npatience_days = 30\n[[classes]]\nname = \"adult\"\n[[classes]]\nname = \"minor\"\n";

const SNAPSHOT: &str = "[[streams]]\nname = \"list\"\nport = \"p\"\nkind = \"backlog\"\nfile = \"list.csv\"\n";

const TWO_CLASSES: &str = "start_date = 2018-11-13\n[[classes]]\nname = \"adult\"\n[[classes]]\nname = \"family\"\n";

/// A scenario in a temporary folder with CSV files next to it.
fn with_files(text: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Model, InputError>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        fs::write(dir.path().join(name), contents).unwrap();
    }
    let result = load_str("s.toml", text, dir.path());
    (dir, result)
}

fn csv_errors(text: &str, files: &[(&str, &str)]) -> Vec<Diagnostic> {
    match with_files(text, files).1 {
        Ok(model) => panic!("accepted: {model:?}"),
        Err(error) => error.diagnostics,
    }
}

fn find<'d>(diagnostics: &'d [Diagnostic], needle: &str) -> &'d Diagnostic {
    diagnostics
        .iter()
        .find(|d| d.message.contains(needle))
        .unwrap_or_else(|| {
            panic!(
                "no `{needle}` in:\n{}",
                InputError {
                    diagnostics: diagnostics.to_vec()
                }
            )
        })
}

const PERIOD: &str = "the simulated period (day 0 to day 14, 2018-11-13 to 2018-11-27)";

const TRACE: &str = "[[streams]]\nname = \"tr\"\nport = \"p\"\nkind = \"trace\"\nfile = \"arrivals.csv\"\n";

/// The model and the notes of a scenario that must be valid.
fn noted(text: &str) -> (Model, Vec<Note>) {
    match load_str("s.toml", text, Path::new("")) {
        Ok(loaded) => (loaded.clone(), loaded.notes),
        Err(error) => panic!("unexpected errors:\n{error}\nin:\n{text}"),
    }
}

/// Asserts the notes, in order: each message and where it points.
fn assert_notes(notes: &[Note], expected: &[(&str, (usize, usize))]) {
    let found: Vec<(&str, (usize, usize))> = notes
        .iter()
        .map(|note| (note.0.message.as_str(), note.0.line_col().unwrap_or((0, 0))))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn minimal_scenario() {
    let model = ok(&scenario("", PORT, STREAM));
    assert_eq!(model.name, "test");
    assert_eq!(model.description, "");
    assert_eq!(model.start_date, None);
    assert_eq!(
        (model.horizon_days, model.seed, model.replications, model.warm_up_days),
        (14, 7, 100, 0)
    );
    assert_eq!(model.classes, vec!["all"]);
    assert!(model.outcomes.is_empty());
    assert!(model.markers.is_empty());
    let port = &model.ports[0];
    assert_eq!(port.name, "p");
    assert_eq!(port.discipline, Discipline::Fifo);
    let Capacity::Quota(quota) = &port.capacity else {
        panic!()
    };
    assert_eq!(quota.quota_by_day, vec![10.0; 14]);
    assert_eq!(quota.call_offset, 0);
    assert_eq!(quota.randomness, QuotaRandomness::Fixed);
    assert_eq!(quota.no_show_share, 0.0);
    assert_eq!(quota.no_show, NoShow::Drop);
    assert_eq!(quota.counts, Counts::People);
    let stream = &model.streams[0];
    assert_eq!((stream.name.as_str(), stream.port), ("s", 0));
    let Source::Segments { segments, waited_days } = &stream.source else {
        panic!()
    };
    assert_eq!(
        segments,
        &[Segment {
            start_days: 0.0,
            end_days: 0.0,
            people: 100,
            shape: Shape::Uniform
        }]
    );
    assert!(waited_days.is_none());
    assert!(matches!(stream.group_size, Dist::Fixed(1.0)));
    assert_eq!(stream.class_cumulative, vec![1.0]);
    assert_eq!(stream.join_share, 1.0);
    assert!(stream.patience_by_class.iter().all(Option::is_none) && stream.patience_by_class.len() == 1);
    assert!(stream.outcome_cumulative.is_empty());
}

#[test]
fn run_settings() {
    let text = scenario(
        "description = \"d\"\nstart_date = 2018-11-13\nreplications = 5\nwarm_up_days = 3\n",
        PORT,
        STREAM,
    );
    let model = ok(&text);
    assert_eq!(model.description, "d");
    assert_eq!(
        model.start_date,
        Some(Date {
            year: 2018,
            month: 11,
            day: 13
        })
    );
    assert_eq!((model.replications, model.warm_up_days), (5, 3));
}

#[test]
fn run_errors() {
    let text = "schema = 2\n[run]\nname = \" \"\nhorizon_days = 2.5\nseed = -1\nreplications = 0\nwarm_up_days = 1.5\n"
        .to_owned()
        + "\n"
        + PORT
        + STREAM;
    expect(&text, "unsupported schema version 2", (1, 10));
    expect(&text, "`name` must not be empty", (3, 8));
    expect(
        &text,
        "`horizon_days` must be a whole number greater than 0 and at most 10,000,000, found `2.5`",
        (4, 16),
    );
    expect(&text, "`seed` must be a whole number of at least 0, found `-1`", (5, 8));
    expect(
        &text,
        "`replications` must be a whole number from 1 to 1,000,000, found `0`",
        (6, 16),
    );
    expect(
        &text,
        "`warm_up_days` must be a whole number from 0 to 10,000,000, found `1.5`",
        (7, 16),
    );
    assert_eq!(errors(&text).len(), 6, "all problems are reported");

    // A warm-up that outlasts the run (as when the run is cut short) is noted, not refused: only
    // the last day is counted.
    let text = scenario("warm_up_days = 14\n", PORT, STREAM);
    let (model, notes) = noted(&text);
    assert_eq!(model.warm_up_days, 13);
    assert_notes(
        &notes,
        &[(
            "`warm_up_days` (14) is not before the end of the run (day 14): only people who join on the last day, day 13, are counted",
            after(&text, "warm_up_days = "),
        )],
    );
    let text = RUN.replace("14", "nan") + PORT + STREAM;
    expect(
        &text,
        "`horizon_days` must be a finite number, found `nan`",
        at(&text, "nan"),
    );
    let text = RUN.replace("14", "10000001") + PORT + STREAM;
    expect(&text, "at most 10,000,000", at(&text, "10000001"));
    let text = scenario("start_date = 2018-11-13T08:00:00\n", PORT, STREAM);
    let d = expect(&text, "`start_date` must be a date", at(&text, "2018"));
    assert!(d.help.unwrap_or_default().contains("no time of day"));
}

#[test]
fn toml_errors_suggest_keys() {
    let text = scenario("start_dat = 2018-11-13\n", PORT, STREAM);
    let d = expect(&text, "unknown key `start_dat`", at(&text, "start_dat"));
    assert_eq!(d.help.as_deref(), Some("did you mean `start_date`?"));

    let text = scenario("", PORT, &format!("{STREAM}zzz = 1\n"));
    let d = expect(&text, "unknown key `zzz`", at(&text, "zzz"));
    assert!(
        d.help
            .unwrap_or_default()
            .starts_with("the keys allowed here are: `name`, `port`, `kind`")
    );

    let text = scenario("", &PORT.replace("quota_per_day", "quota_per_dya"), STREAM);
    let d = expect(&text, "unknown key `quota_per_dya`", at(&text, "quota_per_dya"));
    assert_eq!(d.help.as_deref(), Some("did you mean `quota_per_day`?"));

    let text = format!("{RUN}\n{PORT}");
    let d = expect(&text, "missing key `streams`", (1, 1));
    assert_eq!(d.help.as_deref(), Some("add at least one [[streams]] table"));

    let text = scenario("", &format!("{PORT}closures = [{{ on = \"2018-11-15\" }}]\n"), STREAM);
    let d = expect(&text, "found the text \"2018-11-15\"", at(&text, "\"2018-11-15\""));
    assert!(d.help.unwrap_or_default().contains("without quotes"));

    let text = "schema = 1\n[run\n";
    assert_eq!(errors(text)[0].line_col().map(|(line, _)| line), Some(2));
}

/// Reads and validates a file as `backlog` does, keeping only bad-input errors.
fn load_file(path: &Path) -> Result<Model, InputError> {
    match crate::source::Scenario::read(path).and_then(|scenario| scenario.load()) {
        Ok(model) => Ok(model),
        Err(crate::error::Error::Input(error)) => Err(error),
        Err(other) => panic!("not an input error: {other}"),
    }
}

#[test]
fn files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let error = load_file(&missing).unwrap_err();
    assert!(error.diagnostics[0].message.contains("does not exist"));
    assert!(error.diagnostics[0].message.contains("nope.toml"));
    assert!(error.diagnostics[0].location.is_none());

    let error = load_file(dir.path()).unwrap_err();
    assert!(error.diagnostics[0].message.contains("is a folder"), "{error}");

    let binary = dir.path().join("b.toml");
    fs::write(&binary, [0x00, 0x01, 0x41, 0xff]).unwrap();
    assert!(
        load_file(&binary).unwrap_err().diagnostics[0]
            .message
            .contains("not a text file")
    );
    fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    assert!(
        load_file(&binary).unwrap_err().diagnostics[0]
            .message
            .contains("UTF-16")
    );
    fs::write(&binary, b"name = \"a\xf1o\"").unwrap();
    let error = load_file(&binary).unwrap_err();
    assert!(error.diagnostics[0].message.contains("line 1, column 10"), "{error}");

    let empty = dir.path().join("e.toml");
    fs::write(&empty, "  \n").unwrap();
    let error = load_file(&empty).unwrap_err();
    assert!(error.diagnostics[0].message.contains("is empty"), "{error}");
    assert!(error.diagnostics[0].message.contains("e.toml"), "{error}");

    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join("sub/list.csv"), "signed\n-3\n").unwrap();
    let good = dir.path().join("sub/good.toml");
    let text = scenario(
        "",
        PORT,
        "[[streams]]\nname = \"s\"\nport = \"p\"\nkind = \"backlog\"\nfile = \"list.csv\"\n",
    );
    fs::write(&good, &text).unwrap();
    let loaded = load_file(&good).unwrap();
    assert_eq!(&*loaded.text, text.as_str());
    let Source::Records { records } = &loaded.streams[0].source else {
        panic!()
    };
    assert_eq!(
        records,
        &[Record {
            arrival: 0,
            joined: -3 * TICKS_PER_DAY,
            size: 1,
            class: 0
        }]
    );

    assert!(
        load_str("x.toml", "", Path::new("")).unwrap_err().diagnostics[0]
            .message
            .contains("`x.toml` is empty")
    );
}

#[test]
fn several_problems_at_once() {
    let text = scenario(
        "",
        &PORT.replace("10", "-10"),
        &STREAM.replace("\"p\"", "\"nowhere\"").replace("100", "-1"),
    );
    let diagnostics = errors(&text);
    assert_eq!(
        diagnostics.len(),
        3,
        "{}",
        InputError {
            diagnostics: diagnostics.clone()
        }
    );
}

/// Mangles each line of a complete scenario in several ways; validation must never panic.
#[test]
fn never_panics() {
    let full = format!(
        "{RUN}start_date = 2018-11-13\nwarm_up_days = 2\n{CLASSES}\n\
         {PORT}weekdays = [\"mon\", \"tue\"]\nclosures = [{{ from = 2, to = 3 }}]\nschedule = [{{ from = 4, quota_per_day = 2 }}]\n\
         {OFFICERS}shift_start_hours = 1\n\
         [[streams]]\nname = \"w\"\nport = \"p\"\nkind = \"wave\"\npeople = 5\nfrom = 1\nto = 3\nshape = \"triangular\"\npeak = 2\nclass_mix = {{ family = 1 }}\n\
         [[streams]]\nname = \"c\"\nport = \"o\"\nkind = \"wave\"\ncurve = [{{ at = 1, people = 2 }}, {{ at = 3, people = 9 }}]\nclass_mix = {{ adult = 1 }}\npatience_days = {{ dist = \"gamma\", mean = 2, sd = 1 }}\noutcomes = {{ x = 1 }}\n\
         [[streams]]\nname = \"r\"\nport = \"p\"\nkind = \"poisson\"\nrates = [{{ from = 0, people_per_day = 2 }}]\nuntil = 9\ngroup_size = {{ dist = \"empirical\", values = [1, 2], weights = [1, 1] }}\nclass_mix = {{ minor = 1 }}\n"
    );
    ok(&full);
    let replacements = [
        "-1",
        "0",
        "1e308",
        "nan",
        "-inf",
        "2.5",
        "2018-11-13",
        "\"x\"",
        "[]",
        "{}",
        "1970-01-01",
        "9999-12-31",
    ];
    let lines: Vec<&str> = full.lines().collect();
    for i in 0..lines.len() {
        let mut variants = vec![
            lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n"),
        ];
        if let Some((key, _)) = lines[i].split_once(" = ") {
            for value in replacements {
                let mut changed = lines.clone();
                let line = format!("{key} = {value}");
                changed[i] = &line;
                variants.push(changed.join("\n"));
            }
        }
        for variant in variants {
            let _ = load(&variant);
        }
    }
}

#[test]
fn at_most_65535_ports_and_streams() {
    let many = usize::from(u16::MAX) + 1;
    let ports: String = (0..many)
        .map(|i| format!("[[ports]]\nname = \"p{i}\"\ncapacity = {{ kind = \"quota\", quota_per_day = 1 }}\n"))
        .collect();
    let streams: String = (0..many)
        .map(|i| format!("[[streams]]\nname = \"s{i}\"\nport = \"p\"\nkind = \"backlog\"\npeople = 1\n"))
        .collect();
    let too_many_ports = errors(&scenario("", &ports, STREAM));
    assert!(
        too_many_ports
            .iter()
            .any(|d| d.message == "a scenario may declare at most 65,535 ports"),
        "{too_many_ports:?}"
    );
    let too_many_streams = errors(&scenario("", PORT, &streams));
    assert!(
        too_many_streams
            .iter()
            .any(|d| d.message == "a scenario may declare at most 65,535 streams"),
        "{too_many_streams:?}"
    );
}

#[test]
fn shares_of_waits_asked_for() {
    let model = ok(&scenario("share_over_days = [90, 30, 30, 0]\n", PORT, STREAM));
    assert_eq!(model.share_over_days, [0, 30, 90]);
    let text = scenario("share_over_days = [30, 1.5]\n", PORT, STREAM);
    expect(
        &text,
        "`share_over_days` must be a whole number from 0 to 10,000,000, found `1.5`",
        at(&text, "1.5"),
    );
    let many: Vec<String> = (0..17).map(|d| d.to_string()).collect();
    let text = scenario(&format!("share_over_days = [{}]\n", many.join(", ")), PORT, STREAM);
    expect(
        &text,
        "`share_over_days` lists 17 waits, more than 16",
        after(&text, "share_over_days = "),
    );
}
