//! Scenario-level tests: valid inputs convert to the expected model, and each kind of mistake
//! yields a diagnostic at the right place.

use super::*;
use crate::model::{
    Capacity, Counts, Discipline, Dist, Marker, NoShow, QuotaRandomness, RatePiece, Record, Segment, Shape, Source,
    TICKS_PER_DAY,
};
use std::fs;

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
        "`warm_up_days` must be a whole number of at least 0, found `1.5`",
        (7, 16),
    );
    assert_eq!(errors(&text).len(), 6, "all problems are reported");

    let text = scenario("warm_up_days = 14\n", PORT, STREAM);
    expect(
        &text,
        "`warm_up_days` must be a whole number of at least 0 and less than 14",
        after(&text, "warm_up_days = "),
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
fn calendar_weekdays_closures_and_schedule() {
    let port = "[[ports]]\nname = \"p\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 10\n\
        weekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n\
        closures = [{ on = 2018-11-15 }, { from = 10, to = 11, label = \"holiday\" }]\n\
        schedule = [{ from = 2018-11-20, quota_per_day = 30 }]\n";
    let model = ok(&scenario("start_date = 2018-11-13\n", port, STREAM));
    assert_eq!(
        quota_by_day(&model, 0),
        vec![
            10.0, 10.0, 0.0, 10.0, 0.0, 0.0, 10.0, 30.0, 30.0, 30.0, 0.0, 0.0, 0.0, 30.0
        ]
    );
    assert_eq!(
        model.markers,
        vec![
            Marker {
                port: 0,
                day: 2,
                label: "closed".into()
            },
            Marker {
                port: 0,
                day: 7,
                label: "quota 30/day".into()
            },
            Marker {
                port: 0,
                day: 10,
                label: "holiday".into()
            },
        ]
    );

    // Without a start date, day 0 is a Monday.
    let port = format!(
        "{PORT}weekdays = [\"sat\", \"sun\"]\nschedule = [{{ from = 6, quota_per_day = 2.5, label = \"cut\" }}]\n"
    );
    let model = ok(&scenario("", &port, STREAM));
    let mut expected = vec![0.0; 14];
    (expected[5], expected[6], expected[12], expected[13]) = (10.0, 2.5, 2.5, 2.5);
    assert_eq!(quota_by_day(&model, 0), expected);
    assert_eq!(
        model.markers,
        vec![Marker {
            port: 0,
            day: 6,
            label: "cut".into()
        }]
    );
}

#[test]
fn calendar_errors() {
    let port = format!("{PORT}closures = [{{ on = 2018-11-15 }}]\n");
    let text = scenario("", &port, STREAM);
    let d = expect(
        &text,
        "`on` is a date, but the scenario has no start date",
        at(&text, "2018-11-15"),
    );
    assert!(d.help.unwrap_or_default().contains("start_date = 2018-11-15"));

    // Before day 0 is an error (after the end of the period is a note: see `after_the_period`).
    let text = scenario(
        "start_date = 2018-11-13\n",
        &port.replace("2018-11-15", "2018-11-01"),
        STREAM,
    );
    let d = expect(
        &text,
        "`on` (2018-11-01, day -12) is outside the simulated period (day 0 to day 14, 2018-11-13 to 2018-11-27)",
        at(&text, "2018-11-01"),
    );
    assert_eq!(
        d.help.as_deref(),
        Some("day 0 is `start_date` (2018-11-13); move the date, or an earlier `start_date`")
    );
    let text = scenario("", &format!("{PORT}closures = [{{ on = -1 }}]\n"), STREAM);
    let d = expect(
        &text,
        "`on` (day -1) is outside the simulated period (day 0 to day 14)",
        at(&text, "-1 }"),
    );
    assert_eq!(
        d.help.as_deref(),
        Some("days are counted from day 0, the start of the run")
    );
    let text = scenario("", &format!("{PORT}closures = [{{ on = 1.5 }}]\n"), STREAM);
    expect(&text, "`on` must be a whole day, found day 1.5", at(&text, "1.5"));
    let text = scenario(
        "",
        &format!("{PORT}closures = [{{ on = 1, from = 2, to = 3 }}]\n"),
        STREAM,
    );
    expect(&text, "either `on`", at(&text, "1, from"));
    let text = scenario("", &format!("{PORT}closures = [{{ from = 5, to = 3 }}]\n"), STREAM);
    expect(&text, "the closure ends before it starts", at(&text, "3 }"));
    let text = scenario("", &format!("{PORT}closures = [{{ from = 5 }}]\n"), STREAM);
    expect(&text, "has `from` but no `to`", at(&text, "5 }"));
    let text = scenario("", &format!("{PORT}closures = [{{ label = \"x\" }}]\n"), STREAM);
    expect(&text, "neither `on` nor `from` and `to`", at(&text, "\"p\""));

    let text = scenario(
        "",
        &format!("{PORT}weekdays = [\"monday\", \"tue\", \"tue\"]\n"),
        STREAM,
    );
    let d = expect(&text, "`monday` is not a weekday name", at(&text, "\"monday\""));
    assert_eq!(d.help.as_deref(), Some("did you mean `mon`?"));
    expect(&text, "`tue` is listed twice", at(&text, "\"tue\"]"));
    let text = scenario("", &format!("{PORT}weekdays = []\n"), STREAM);
    expect(&text, "`weekdays` must name at least one day", at(&text, "[]"));

    let schedule = "schedule = [{ from = 5, quota_per_day = 3 }, { from = 5, quota_per_day = 4 }, { from = 7.5, quota_per_day = 1 }, { from = 9, officers = 2 }, { from = 10 }]\n";
    let text = scenario("", &format!("{PORT}{schedule}"), STREAM);
    expect(
        &text,
        "schedule entries must be in time order, but this one (day 5) is not after the previous one (day 5)",
        at(&text, "5, quota_per_day = 4"),
    );
    expect(&text, "`from` must be a whole day, found day 7.5", at(&text, "7.5"));
    expect(
        &text,
        "`officers` belongs to the officers form (kind = \"officers\")",
        at(&text, "2 }"),
    );
    expect(&text, "this schedule entry has no `quota_per_day`", at(&text, "10 }"));
}

#[test]
fn disciplines() {
    let with = |extra: &str| {
        scenario(
            "",
            &PORT.replace("[ports.capacity]", &format!("{extra}\n[ports.capacity]")),
            STREAM,
        )
    };
    for (written, expected) in [
        ("lifo", Discipline::Lifo),
        ("priority", Discipline::Priority),
        ("fifo", Discipline::Fifo),
    ] {
        assert_eq!(
            ok(&with(&format!("discipline = \"{written}\""))).ports[0].discipline,
            expected
        );
    }
    let model = ok(&with("discipline = \"mixed\"\noldest_share = 0.25"));
    assert_eq!(model.ports[0].discipline, Discipline::Mixed { oldest_share: 0.25 });

    let text = with("discipline = \"mixed\"");
    expect(
        &text,
        "discipline \"mixed\" needs `oldest_share`",
        at(&text, "\"mixed\""),
    );
    let text = with("oldest_share = 0.5");
    expect(
        &text,
        "`oldest_share` is only used with discipline = \"mixed\"",
        at(&text, "0.5"),
    );
    let text = with("discipline = \"mixed\"\noldest_share = 1.5");
    expect(
        &text,
        "`oldest_share` must be a number from 0 to 1, found `1.5`",
        at(&text, "1.5"),
    );
    let text = with("discipline = \"fifi\"");
    let d = expect(&text, "`discipline` cannot be `fifi`", at(&text, "\"fifi\""));
    assert_eq!(d.help.as_deref(), Some("did you mean `fifo`?"));
}

#[test]
fn port_list_errors() {
    let text = format!("schema = 1\nports = []\n{}{STREAM}", &RUN[11..]);
    expect(&text, "at least one port", at(&text, "[]"));
    let text = scenario("", &format!("{PORT}{PORT}"), STREAM);
    let d = expect(&text, "there is already a port named `p`", (13, 8));
    assert!(d.help.unwrap_or_default().contains("the first `p` is on line 8"));
    let text = scenario(
        "",
        &PORT.replace("\"p\"", "\"port a\""),
        &STREAM.replace("\"p\"", "\"port a\""),
    );
    let d = expect(
        &text,
        "port names may contain only letters, digits, `_` and `-`, but `port a` contains a space",
        at(&text, "\"port a\""),
    );
    assert_eq!(d.help.as_deref(), Some("write it as `port_a`"));
    let text = scenario("", &PORT.replace("\"quota\"", "\"quotas\""), STREAM);
    let d = expect(&text, "`kind` cannot be `quotas`", at(&text, "\"quotas\""));
    assert_eq!(d.help.as_deref(), Some("did you mean `quota`?"));
}

#[test]
fn quota_options() {
    let port = format!(
        "{PORT}call_time_hours = 8.5\nrandomness = \"poisson\"\nno_show_share = 0.1\nno_show = \"back\"\ncounts = \"groups\"\n"
    );
    let model = ok(&scenario("", &port, STREAM));
    let Capacity::Quota(quota) = &model.ports[0].capacity else {
        panic!()
    };
    assert_eq!(quota.call_offset, 30_600);
    assert_eq!(quota.randomness, QuotaRandomness::Poisson);
    assert_eq!(
        (quota.no_show_share, quota.no_show, quota.counts),
        (0.1, NoShow::Back, Counts::Groups)
    );
    assert!(model.outcomes.is_empty(), "no_show = back keeps people on the list");

    let model = ok(&scenario("", &format!("{PORT}no_show_share = 0.1\n"), STREAM));
    assert_eq!(model.outcomes, vec!["no_show"]);

    let bad = format!(
        "{PORT}call_time_hours = 24\nno_show_share = 1\nno_show = \"dorp\"\ncounts = \"persons\"\nofficers = 3\nservice_days = 1\n"
    );
    let text = scenario("", &bad, STREAM);
    expect(
        &text,
        "`call_time_hours` must be a number of at least 0 and less than 24, found `24`",
        after(&text, "call_time_hours = "),
    );
    expect(
        &text,
        "`no_show_share` must be a number of at least 0 and less than 1, found `1`",
        after(&text, "no_show_share = "),
    );
    expect(&text, "`no_show` cannot be `dorp`", at(&text, "\"dorp\""));
    expect(&text, "`counts` cannot be `persons`", at(&text, "\"persons\""));
    expect(
        &text,
        "`officers` belongs to the officers form (kind = \"officers\")",
        after(&text, "officers = "),
    );
    expect(
        &text,
        "`service_days` belongs to the officers form",
        after(&text, "service_days = "),
    );

    let text = scenario(
        "",
        &PORT.replace("quota_per_day = 10\n", "quota_per_day = -1\n"),
        STREAM,
    );
    expect(
        &text,
        "`quota_per_day` must be a number from 0 to 1,000,000,000, found `-1`",
        at(&text, "-1"),
    );
    let text = scenario("", &PORT.replace("quota_per_day = 10\n", ""), STREAM);
    expect(&text, "a quota port needs `quota_per_day`", at(&text, "\"quota\""));
}

const OFFICERS: &str = "[[ports]]\nname = \"o\"\n[ports.capacity]\nkind = \"officers\"\nofficers = 2\n\
    service_days = { dist = \"exponential\", mean = 0.5 }\n";

#[test]
fn officers_form() {
    let port = format!(
        "{OFFICERS}shift_start_hours = 8\nshift_end_hours = 16.5\nweekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\"]\n\
         schedule = [{{ from = 3, officers = 1 }}, {{ from = 5, officers = 4, label = \"hiring\" }}]\n"
    );
    let model = ok(&scenario("", &port, &STREAM.replace("\"p\"", "\"o\"")));
    let Capacity::Officers(officers) = &model.ports[0].capacity else {
        panic!()
    };
    assert_eq!(
        officers.officers_by_day.to_vec(),
        vec![2, 2, 2, 1, 1, 4, 0, 4, 4, 4, 4, 4, 4, 0]
    );
    assert_eq!((officers.shift_start, officers.shift_end), (8 * 3600, 59_400));
    assert!(!officers.is_round_the_clock());
    assert!(matches!(officers.service_days, Dist::Exponential { mean, .. } if mean == 0.5));
    assert_eq!(
        model.markers,
        vec![
            Marker {
                port: 0,
                day: 3,
                label: "1 officer".into()
            },
            Marker {
                port: 0,
                day: 5,
                label: "hiring".into()
            }
        ]
    );
    let model = ok(&scenario("", OFFICERS, &STREAM.replace("\"p\"", "\"o\"")));
    let Capacity::Officers(officers) = &model.ports[0].capacity else {
        panic!()
    };
    assert!(officers.is_round_the_clock());

    let bad = "[[ports]]\nname = \"o\"\n[ports.capacity]\nkind = \"officers\"\nquota_per_day = 3\nshift_start_hours = 9\nshift_end_hours = 9\nschedule = [{ from = 2, quota_per_day = 1 }]\n";
    let text = scenario("", bad, &STREAM.replace("\"p\"", "\"o\""));
    let d = expect(
        &text,
        "`quota_per_day` belongs to the quota form (kind = \"quota\")",
        after(&text, "quota_per_day = "),
    );
    assert!(d.help.unwrap_or_default().contains("this port has kind = \"officers\""));
    expect(&text, "an officers port needs `officers`", at(&text, "\"officers\""));
    expect(
        &text,
        "an officers port needs `service_days`",
        at(&text, "\"officers\""),
    );
    expect(
        &text,
        "the shift must end after it starts",
        after(&text, "shift_end_hours = "),
    );
    expect(&text, "`quota_per_day` belongs to the quota form", at(&text, "1 }"));
    expect(&text, "this schedule entry has no `officers`", at(&text, "2, quota"));

    let text = scenario(
        "",
        &OFFICERS
            .replace("officers = 2", "officers = -2")
            .replace("{ dist = \"exponential\", mean = 0.5 }", "0"),
        &STREAM.replace("\"p\"", "\"o\""),
    );
    expect(
        &text,
        "`officers` must be a whole number from 0 to 1,000,000, found `-2`",
        at(&text, "-2"),
    );
    expect(
        &text,
        "`service_days` must take some time",
        after(&text, "service_days = "),
    );
}

#[test]
fn stream_errors() {
    let text = scenario("", PORT, &STREAM.replace("port = \"p\"", "port = \"pp\""));
    let d = expect(&text, "there is no port named `pp`", at(&text, "\"pp\""));
    assert_eq!(d.help.as_deref(), Some("did you mean `p`?"));
    let text = scenario("", PORT, &format!("{STREAM}{STREAM}"));
    expect(&text, "there is already a stream named `s`", (19, 8));
    let text = scenario("", PORT, &STREAM.replace("\"backlog\"", "\"backlogg\""));
    let d = expect(&text, "`kind` cannot be `backlogg`", at(&text, "\"backlogg\""));
    assert_eq!(d.help.as_deref(), Some("did you mean `backlog`?"));
    let text = scenario(
        "",
        PORT,
        &format!("{STREAM}curve = [{{ at = 0, people = 1 }}]\nuntil = 3\n"),
    );
    let d = expect(&text, "`curve` is only used by wave streams", at(&text, "[{"));
    assert!(d.help.unwrap_or_default().contains("kind = \"backlog\""));
    expect(
        &text,
        "`until` is only used by poisson streams",
        after(&text, "until = "),
    );
    let text = scenario(
        "",
        PORT,
        &STREAM
            .replace("\"backlog\"", "\"poisson\"")
            .replace("people = 100", "people = 100\npeople_per_day = 1"),
    );
    expect(
        &text,
        "`people` is only used by backlog and wave streams",
        at(&text, "100"),
    );
    let text = format!("schema = 1\nstreams = []\n{}{PORT}", &RUN[11..]);
    expect(&text, "at least one stream", at(&text, "[]"));
    let text = scenario("", PORT, &format!("{STREAM}join_share = 0\n"));
    expect(
        &text,
        "`join_share` must be a number greater than 0 and at most 1, found `0`",
        after(&text, "join_share = "),
    );
    let model = ok(&scenario("", PORT, &format!("{STREAM}join_share = 0.5\n")));
    assert_eq!(model.streams[0].join_share, 0.5);
}

#[test]
fn backlog_streams() {
    let stream = format!("{STREAM}waited_days = {{ dist = \"uniform\", min = 0, max = 30 }}\n");
    let model = ok(&scenario("", PORT, &stream));
    let Source::Segments {
        waited_days: Some(waited),
        ..
    } = &model.streams[0].source
    else {
        panic!()
    };
    assert_eq!(waited.mean(), 15.0);

    let text = scenario("", PORT, &format!("{STREAM}file = \"x.csv\"\n"));
    expect(&text, "either `people` or `file`, not both", at(&text, "\"x.csv\""));
    let text = scenario("", PORT, &STREAM.replace("people = 100\n", ""));
    expect(&text, "backlog stream `s` needs `people` or `file`", at(&text, "\"s\""));
    let text = scenario("", PORT, &STREAM.replace("100", "12.5"));
    expect(
        &text,
        "`people` must be a whole number from 0 to 1,000,000,000, found `12.5`",
        at(&text, "12.5"),
    );
}

const WAVE: &str = "[[streams]]\nname = \"w\"\nport = \"p\"\nkind = \"wave\"\n";

#[test]
fn wave_streams() {
    let segments = |text: &str| -> Vec<Segment> {
        let model = ok(text);
        let Source::Segments {
            segments,
            waited_days: None,
        } = &model.streams[0].source
        else {
            panic!()
        };
        segments.clone()
    };
    let text = scenario("", PORT, &format!("{WAVE}people = 500\nfrom = 2\nto = 6\n"));
    assert_eq!(
        segments(&text),
        vec![Segment {
            start_days: 2.0,
            end_days: 6.0,
            people: 500,
            shape: Shape::Uniform
        }]
    );
    let text = scenario(
        "start_date = 2018-11-13\n",
        PORT,
        &format!("{WAVE}people = 5\nfrom = 2\nto = 6\nshape = \"triangular\"\npeak = 2018-11-16\n"),
    );
    assert_eq!(segments(&text)[0].shape, Shape::Triangular { peak_fraction: 0.25 });
    let text = scenario(
        "",
        PORT,
        &format!("{WAVE}people = 5\nfrom = 2\nto = 6\nshape = \"triangular\"\n"),
    );
    assert_eq!(segments(&text)[0].shape, Shape::Triangular { peak_fraction: 0.5 });
    let text = scenario(
        "",
        PORT,
        &format!("{WAVE}people = 5\nfrom = 2\nto = 6\nshape = \"normal\"\n"),
    );
    assert_eq!(segments(&text)[0].shape, Shape::Normal);

    let curve = "curve = [{ at = 1, people = 10 }, { at = 3, people = 10 }, { at = 5, people = 40 }, { at = 9.5, people = 50 }]\n";
    let text = scenario("", PORT, &format!("{WAVE}{curve}"));
    assert_eq!(
        segments(&text),
        vec![
            Segment {
                start_days: 1.0,
                end_days: 1.0,
                people: 10,
                shape: Shape::Uniform
            },
            Segment {
                start_days: 3.0,
                end_days: 5.0,
                people: 30,
                shape: Shape::Uniform
            },
            Segment {
                start_days: 5.0,
                end_days: 9.5,
                people: 10,
                shape: Shape::Uniform
            },
        ]
    );
    let text = scenario(
        "",
        PORT,
        &format!("{WAVE}curve = [{{ at = 0, people = 0 }}, {{ at = 4, people = 8 }}]\n"),
    );
    assert_eq!(
        segments(&text),
        vec![Segment {
            start_days: 0.0,
            end_days: 4.0,
            people: 8,
            shape: Shape::Uniform
        }]
    );
}

#[test]
fn wave_errors() {
    let text = scenario("", PORT, &format!("{WAVE}people = 5\nfrom = 6\nto = 6\npeak = 6\n"));
    expect(
        &text,
        "`peak` is only used with shape = \"triangular\"",
        after(&text, "peak = "),
    );
    let text = scenario("", PORT, &format!("{WAVE}people = 5\nfrom = 6\nto = 6\n"));
    expect(
        &text,
        "the wave must end after it starts, but `to` is not after `from` (day 6)",
        after(&text, "to = "),
    );
    let text = scenario(
        "",
        PORT,
        &format!("{WAVE}people = 5\nfrom = 2\nto = 6\nshape = \"triangular\"\npeak = 7\n"),
    );
    expect(
        &text,
        "`peak` must be within the wave, from day 2 to day 6",
        after(&text, "peak = "),
    );
    let text = scenario("", PORT, &format!("{WAVE}people = 5\nto = -20\n"));
    expect(&text, "wave stream `w` needs `from`", at(&text, "\"w\""));
    expect(
        &text,
        "`to` (day -20) is outside the simulated period",
        at(&text, "-20"),
    );
    let text = scenario(
        "",
        PORT,
        &format!("{WAVE}people = 5\ncurve = [{{ at = 1, people = 10 }}]\n"),
    );
    expect(
        &text,
        "`people` cannot be combined with `curve`",
        after(&text, "people = "),
    );
    let text = scenario("", PORT, &format!("{WAVE}curve = []\n"));
    expect(&text, "`curve` must have at least one point", at(&text, "[]"));
    let text = scenario(
        "",
        PORT,
        &format!("{WAVE}curve = [{{ at = 1, people = 10 }}, {{ at = 1, people = 20 }}, {{ at = 3, people = 15 }}]\n"),
    );
    expect(
        &text,
        "curve points must be in time order, but this one (day 1) is not after the previous one (day 1)",
        at(&text, "1, people = 20"),
    );
    let d = expect(
        &text,
        "the curve is cumulative, so `people` cannot go down: it is 15 here but 20 at the previous point",
        at(&text, "15"),
    );
    assert!(d.help.unwrap_or_default().contains("total number"));
}

const POISSON: &str = "[[streams]]\nname = \"a\"\nport = \"p\"\nkind = \"poisson\"\n";

fn rate_pieces(text: &str) -> Vec<RatePiece> {
    let model = ok(text);
    let Source::Poisson { pieces } = &model.streams[0].source else {
        panic!()
    };
    pieces.clone()
}

#[test]
fn poisson_streams() {
    let text = scenario("", PORT, &format!("{POISSON}people_per_day = 12\n"));
    assert_eq!(
        rate_pieces(&text),
        vec![RatePiece {
            start_days: 0.0,
            end_days: 14.0,
            groups_per_day: 12.0
        }]
    );
    let stream =
        format!("{POISSON}people_per_day = 12\nuntil = 7\ngroup_size = {{ dist = \"empirical\", values = [1, 3] }}\n");
    let model = ok(&scenario("", PORT, &stream));
    let Source::Poisson { pieces } = &model.streams[0].source else {
        panic!()
    };
    assert_eq!(
        pieces,
        &[RatePiece {
            start_days: 0.0,
            end_days: 7.0,
            groups_per_day: 6.0
        }]
    );
    assert_eq!(model.streams[0].group_size.mean(), 2.0);

    let text = scenario(
        "",
        PORT,
        &format!(
            "{POISSON}rates = [{{ from = 2, people_per_day = 4 }}, {{ from = 5, people_per_day = 8 }}]\nuntil = 10\ngroup_size = 2\n"
        ),
    );
    assert_eq!(
        rate_pieces(&text),
        vec![
            RatePiece {
                start_days: 2.0,
                end_days: 5.0,
                groups_per_day: 2.0
            },
            RatePiece {
                start_days: 5.0,
                end_days: 10.0,
                groups_per_day: 4.0
            },
        ]
    );
}

#[test]
fn poisson_errors() {
    let text = scenario(
        "",
        PORT,
        &format!("{POISSON}people_per_day = 1\nrates = [{{ from = 0, people_per_day = 1 }}]\n"),
    );
    expect(&text, "either `people_per_day` or `rates`, not both", at(&text, "[{"));
    let text = scenario("", PORT, POISSON);
    expect(
        &text,
        "poisson stream `a` needs `people_per_day` or `rates`",
        at(&text, "\"a\""),
    );
    let text = scenario("", PORT, &format!("{POISSON}people_per_day = -1\n"));
    expect(
        &text,
        "`people_per_day` must be a number from 0 to 1,000,000,000, found `-1`",
        at(&text, "-1"),
    );
    let text = scenario("", PORT, &format!("{POISSON}people_per_day = 1\nuntil = 0\n"));
    expect(&text, "`until` must be after day 0", after(&text, "until = "));
    let text = scenario(
        "",
        PORT,
        &format!("{POISSON}rates = [{{ from = 3, people_per_day = 1 }}, {{ from = 2, people_per_day = 1 }}]\n"),
    );
    expect(&text, "rates must be in time order", at(&text, "2, people"));
    let text = scenario(
        "",
        PORT,
        &format!(
            "{POISSON}rates = [{{ from = 3, people_per_day = 1 }}, {{ from = 8, people_per_day = 1 }}]\nuntil = 8\n"
        ),
    );
    expect(
        &text,
        "this rate starts on or after the end of the stream",
        at(&text, "8, people"),
    );
    let text = scenario("", PORT, &format!("{POISSON}rates = []\n"));
    expect(&text, "`rates` must have at least one entry", at(&text, "[]"));
}

#[test]
fn group_sizes() {
    let with = |group: &str| scenario("", PORT, &format!("{STREAM}group_size = {group}\n"));
    assert!(matches!(ok(&with("3")).streams[0].group_size, Dist::Fixed(3.0)));
    let text = with("{ dist = \"exponential\", mean = 3 }");
    let d = expect(
        &text,
        "`group_size` must give whole numbers of people, so it must be a fixed number or an empirical distribution",
        at(&text, "{ dist"),
    );
    assert!(d.help.unwrap_or_default().contains("empirical"));
    let text = with("2.5");
    expect(&text, "`group_size` must be a whole number of people", at(&text, "2.5"));
    let text = with("{ dist = \"empirical\", values = [0, 1] }");
    expect(&text, "`group_size` must be at least 1", at(&text, "{ dist"));
    let text = with("2000000");
    expect(&text, "`group_size` must be at most 1,000,000", at(&text, "2000000"));
}

const CLASSES: &str = "[[classes]]\nname = \"family\"\npatience_days = 30\n[[classes]]\nname = \"adult\"\n[[classes]]\nname = \"minor\"\n";

#[test]
fn classes_and_mixes() {
    let stream = format!(
        "{STREAM}class_mix = {{ family = 0.25, adult = 0.75 }}\npatience_days = {{ dist = \"exponential\", mean = 60 }}\n"
    );
    let model = ok(&scenario(CLASSES, PORT, &stream));
    assert_eq!(model.classes, vec!["family", "adult", "minor"]);
    let stream = &model.streams[0];
    assert_eq!(stream.class_cumulative, vec![0.25, 1.0, 1.0]);
    assert!(
        matches!(stream.patience_by_class[0], Some(Dist::Fixed(30.0))),
        "the class patience wins"
    );
    assert!(matches!(stream.patience_by_class[1], Some(Dist::Exponential { mean, .. }) if mean == 60.0));
    assert_eq!(model.outcomes, vec!["unspecified"]);
    assert_eq!(stream.outcome_cumulative, vec![1.0]);

    let text = scenario(CLASSES, PORT, STREAM);
    let d = expect(
        &text,
        "stream `s` needs `class_mix` because the scenario declares several classes",
        at(&text, "\"s\""),
    );
    assert!(d.help.unwrap_or_default().contains("family = 1, adult = 0, minor = 0"));
    let text = scenario(CLASSES, PORT, &format!("{STREAM}class_mix = {{ famly = 1 }}\n"));
    let d = expect(
        &text,
        "`class_mix` names `famly`, which is not a class",
        at(&text, "famly"),
    );
    let text = scenario(
        CLASSES,
        PORT,
        &format!("{STREAM}[streams.class_mix]\nadult = 0.5\nfamly = 0.5\n"),
    );
    expect(
        &text,
        "`class_mix` names `famly`, which is not a class",
        at(&text, "famly"),
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `family`?"));
    let text = scenario(
        CLASSES,
        PORT,
        &format!("{STREAM}class_mix = {{ family = 0.5, adult = 0.4 }}\n"),
    );
    expect(
        &text,
        "the shares in `class_mix` add up to 0.9, not 1",
        at(&text, "{ family"),
    );
    let text = scenario(
        CLASSES,
        PORT,
        &format!("{STREAM}class_mix = {{ family = 1.5, adult = -0.5 }}\n"),
    );
    expect(
        &text,
        "`class_mix.family` must be a number from 0 to 1, found `1.5`",
        at(&text, "1.5"),
    );
    let text = scenario(CLASSES, PORT, &format!("{STREAM}class_mix = {{}}\n"));
    expect(&text, "`class_mix` must list at least one share", at(&text, "{}"));

    let text = scenario(
        "[[classes]]\nname = \"a\"\n[[classes]]\nname = \"a\"\n[[classes]]\nname = \"\"\n[[classes]]\nname = \"b c\"\n",
        PORT,
        STREAM,
    );
    expect(&text, "there is already a class named `a`", (9, 8));
    expect(&text, "a class name must not be empty", (11, 8));
    expect(
        &text,
        "class names may contain only letters, digits, `_` and `-`",
        (13, 8),
    );
}

#[test]
fn outcomes() {
    let streams = format!(
        "{STREAM}patience_days = 20\noutcomes = {{ returned = 0.5, elsewhere = 0.5 }}\n\
         [[streams]]\nname = \"t\"\nport = \"p\"\nkind = \"backlog\"\npeople = 3\npatience_days = 9\n\
         [[streams]]\nname = \"u\"\nport = \"p\"\nkind = \"backlog\"\npeople = 3\noutcomes = {{ crossed = 0.2, returned = 0.8 }}\npatience_days = 4\n\
         [[streams]]\nname = \"v\"\nport = \"p\"\nkind = \"backlog\"\npeople = 3\n"
    );
    let model = ok(&scenario("", &format!("{PORT}no_show_share = 0.05\n"), &streams));
    assert_eq!(
        model.outcomes,
        vec!["elsewhere", "returned", "crossed", "unspecified", "no_show"]
    );
    assert_eq!(model.streams[0].outcome_cumulative, vec![0.5, 1.0, 1.0, 1.0, 1.0]);
    assert_eq!(model.streams[1].outcome_cumulative, vec![0.0, 0.0, 0.0, 1.0, 1.0]);
    assert_eq!(model.streams[2].outcome_cumulative, vec![0.0, 0.8, 1.0, 1.0, 1.0]);
    assert!(model.streams[3].outcome_cumulative.is_empty());

    // Outcomes of a stream nobody leaves have no effect, but their names are listed.
    let model = ok(&scenario("", PORT, &format!("{STREAM}outcomes = {{ left = 1 }}\n")));
    assert_eq!(model.outcomes, vec!["left"]);
    assert!(model.streams[0].outcome_cumulative.is_empty());
    let text = scenario(
        "",
        PORT,
        &format!("{STREAM}patience_days = 3\noutcomes = {{ no_show = 0.5, \"went home\" = 0.25 }}\n"),
    );
    expect(&text, "`no_show` is a reserved outcome name", at(&text, "no_show ="));
    expect(&text, "outcome names may contain only letters", at(&text, "went home"));
    expect(
        &text,
        "the shares in `outcomes` add up to 0.75, not 1",
        at(&text, "{ no_show"),
    );
}

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

const SNAPSHOT: &str = "[[streams]]\nname = \"list\"\nport = \"p\"\nkind = \"backlog\"\nfile = \"list.csv\"\n";
const TRACE: &str = "[[streams]]\nname = \"tr\"\nport = \"p\"\nkind = \"trace\"\nfile = \"arrivals.csv\"\n";
const TWO_CLASSES: &str = "start_date = 2018-11-13\n[[classes]]\nname = \"adult\"\n[[classes]]\nname = \"family\"\n";

#[test]
fn snapshot_csv() {
    let csv = "signed,size,class\n2018-11-01,2,adult\n-30,1,family\n2018-11-01,3,family\n2018-10-01,1,adult\n";
    let text = scenario(TWO_CLASSES, PORT, SNAPSHOT);
    let (_dir, model) = with_files(&text, &[("list.csv", csv)]);
    let model = model.unwrap();
    let stream = &model.streams[0];
    let Source::Records { records } = &stream.source else {
        panic!()
    };
    let day = TICKS_PER_DAY;
    assert_eq!(
        records,
        &[
            Record {
                arrival: 0,
                joined: -43 * day,
                size: 1,
                class: 0
            },
            Record {
                arrival: 0,
                joined: -30 * day,
                size: 1,
                class: 1
            },
            Record {
                arrival: 0,
                joined: -12 * day,
                size: 2,
                class: 0
            },
            Record {
                arrival: 0,
                joined: -12 * day,
                size: 3,
                class: 1
            },
        ]
    );
    assert_eq!(stream.group_size.mean(), 1.75);
    assert!(stream.group_size.is_integer_valued());
    assert_eq!(stream.class_cumulative, vec![0.5, 1.0]);
}

#[test]
fn snapshot_csv_errors() {
    let csv = "signed,size,class\n2018-11-20,2,adult\n-3,0,familly\n2018-02-30,1,adult\n,1,adult\n";
    let text = scenario(TWO_CLASSES, PORT, SNAPSHOT);
    let diagnostics = csv_errors(&text, &[("list.csv", csv)]);
    let d = find(&diagnostics, "`signed` (2018-11-20, day 7) is after day 0");
    assert_eq!(d.line_col(), Some((2, 1)));
    assert_eq!(
        d.location.as_ref().map(|(source, _)| source.name.ends_with("list.csv")),
        Some(true)
    );
    assert_eq!(
        find(&diagnostics, "`size` must be a whole number of at least 1, found `0`").line_col(),
        Some((3, 4))
    );
    let d = find(
        &diagnostics,
        "`class` must be one of the scenario's classes, found `familly`",
    );
    assert_eq!(d.line_col(), Some((3, 6)));
    assert_eq!(d.help.as_deref(), Some("did you mean `family`?"));
    assert_eq!(
        find(&diagnostics, "`signed` 2018-02-30 is not a real date").line_col(),
        Some((4, 1))
    );
    assert_eq!(find(&diagnostics, "found an empty cell").line_col(), Some((5, 1)));
    let rendered = diagnostics[0].to_string();
    assert!(
        rendered.contains("list.csv:2:1\n  |\n2 | 2018-11-20,2,adult\n  | ^^^^^^^^^^"),
        "{rendered}"
    );

    // Dates need a start date; the file may not name columns the tool does not know.
    let text = scenario("", PORT, SNAPSHOT);
    let diagnostics = csv_errors(&text, &[("list.csv", "signed\n2018-11-01\n")]);
    assert_eq!(
        find(&diagnostics, "`signed` is a date, but the scenario has no start date").line_col(),
        Some((2, 1))
    );
    let diagnostics = csv_errors(&text, &[("list.csv", "signed,sise\n-1,2\n")]);
    let d = find(&diagnostics, "unknown column `sise`");
    assert_eq!(
        (d.line_col(), d.help.as_deref()),
        (Some((1, 8)), Some("did you mean `size`?"))
    );
    let diagnostics = csv_errors(&text, &[("list.csv", "size\n2\n")]);
    assert_eq!(
        find(&diagnostics, "the file has no `signed` column").line_col(),
        Some((1, 1))
    );
    let diagnostics = csv_errors(&text, &[("list.csv", "signed,size\n-1\n")]);
    assert_eq!(
        find(&diagnostics, "this row has 1 field but the header has 2 columns").line_col(),
        Some((2, 1))
    );
    let diagnostics = csv_errors(&text, &[("list.csv", "signed\n")]);
    assert_eq!(
        find(&diagnostics, "has no rows after its header").line_col(),
        Some(at(&text, "\"list.csv\""))
    );
    let diagnostics = csv_errors(&text, &[("list.csv", "")]);
    assert_eq!(
        find(&diagnostics, "is empty").line_col(),
        Some(at(&text, "\"list.csv\""))
    );
    let diagnostics = csv_errors(&text, &[]);
    let d = find(&diagnostics, "does not exist");
    assert_eq!(d.line_col(), Some(at(&text, "\"list.csv\"")));
    assert!(d.help.as_deref().unwrap_or_default().contains("relative to the folder"));

    let text = scenario(TWO_CLASSES, PORT, SNAPSHOT);
    let diagnostics = csv_errors(&text, &[("list.csv", "signed\n-1\n")]);
    assert_eq!(
        find(
            &diagnostics,
            "no `class` column, but the scenario declares several classes"
        )
        .line_col(),
        Some((1, 1))
    );

    let text = scenario(
        "",
        PORT,
        &format!("{SNAPSHOT}waited_days = 3\ngroup_size = 2\nclass_mix = {{ all = 1 }}\n"),
    );
    let diagnostics = csv_errors(&text, &[("list.csv", "signed\n-1\n")]);
    assert_eq!(
        find(&diagnostics, "`waited_days` is only used with `people`").line_col(),
        Some(after(&text, "waited_days = "))
    );
    assert_eq!(
        find(&diagnostics, "`group_size` is not used by streams read from a file").line_col(),
        Some(after(&text, "group_size = "))
    );
    assert_eq!(
        find(&diagnostics, "`class_mix` is not used by streams read from a file").line_col(),
        Some(at(&text, "{ all"))
    );
}

#[test]
fn many_csv_errors_are_capped() {
    let csv = format!("signed\n{}", "x\n".repeat(25));
    let text = scenario("", PORT, SNAPSHOT);
    let diagnostics = csv_errors(&text, &[("list.csv", &csv)]);
    assert_eq!(diagnostics.len(), 11);
    assert!(
        diagnostics[10].message.contains("15 more problems"),
        "{:?}",
        diagnostics[10]
    );
}

#[test]
fn trace_csv() {
    let csv = "day,size\n0.5,2\n2018-11-14,1\n\n\"3\",4\n";
    let text = scenario("start_date = 2018-11-13\n", PORT, TRACE);
    let (_dir, model) = with_files(&text, &[("arrivals.csv", csv)]);
    let model = model.unwrap();
    let Source::Records { records } = &model.streams[0].source else {
        panic!()
    };
    let half = TICKS_PER_DAY / 2;
    assert_eq!(
        records,
        &[
            Record {
                arrival: half,
                joined: half,
                size: 2,
                class: 0
            },
            Record {
                arrival: 2 * half,
                joined: 2 * half,
                size: 1,
                class: 0
            },
            Record {
                arrival: 6 * half,
                joined: 6 * half,
                size: 4,
                class: 0
            },
        ]
    );
    assert_eq!(model.streams[0].class_cumulative, vec![1.0]);

    let csv = "Day , Size\n 3 , x\n1\n20\n14\n";
    let text = scenario("", PORT, TRACE);
    let diagnostics = csv_errors(&text, &[("arrivals.csv", csv)]);
    assert_eq!(
        find(&diagnostics, "`size` must be a whole number of at least 1, found `x`").line_col(),
        Some((2, 6))
    );
    assert_eq!(find(&diagnostics, "this row has 1 field").line_col(), Some((3, 1)));

    let csv = "day\n3\n1\n20\n14\n-1\n";
    let diagnostics = csv_errors(&text, &[("arrivals.csv", csv)]);
    assert_eq!(
        find(
            &diagnostics,
            "rows must be in time order, but line 3 (day 1) is before the row above it (day 3)"
        )
        .line_col(),
        Some((3, 1))
    );
    // Days after the end of the period are no error (see `trace_rows_after_the_period`), but
    // they must still be in order.
    assert_eq!(
        find(
            &diagnostics,
            "rows must be in time order, but line 5 (day 14) is before the row above it (day 20)"
        )
        .line_col(),
        Some((5, 1))
    );
    let before = find(
        &diagnostics,
        "`day` (day -1) is outside the simulated period (day 0 to day 14)",
    );
    assert_eq!(before.line_col(), Some((6, 1)));
    assert_eq!(
        before.help.as_deref(),
        Some("arrivals must be on or after day 0 and before the last day")
    );
    assert_eq!(
        diagnostics.len(),
        3,
        "{}",
        InputError {
            diagnostics: diagnostics.clone()
        }
    );

    let text = scenario("", PORT, &TRACE.replace("file = \"arrivals.csv\"\n", ""));
    expect(&text, "trace stream `tr` needs `file`", at(&text, "\"tr\""));
    let text = scenario("", PORT, TRACE);
    let diagnostics = csv_errors(&text, &[("arrivals.csv", "day,day\n1,2\n")]);
    assert_eq!(
        find(&diagnostics, "the column `day` appears twice").line_col(),
        Some((1, 5))
    );
}

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

const PERIOD: &str = "the simulated period (day 0 to day 14, 2018-11-13 to 2018-11-27)";

#[test]
fn ports_after_the_period() {
    let start = "start_date = 2018-11-13\n";
    let base =
        format!("{PORT}closures = [{{ from = 12, to = 13 }}]\nschedule = [{{ from = 3, quota_per_day = 20 }}]\n");
    let reference = ok(&scenario(start, &base, STREAM));
    let port = format!(
        "{PORT}closures = [{{ on = 2018-12-25 }}, {{ from = 12, to = 2018-12-01 }}, {{ from = 20, to = 30 }}, {{ on = 14 }}]\n\
         schedule = [{{ from = 3, quota_per_day = 20 }}, {{ from = 14, quota_per_day = 1 }}, \
         {{ from = 2019-01-01, quota_per_day = 5, label = \"later\" }}, {{ from = 60, quota_per_day = 0 }}]\n"
    );
    let text = scenario(start, &port, STREAM);
    let (model, notes) = noted(&text);
    // Entries after the end are left out; the closure that runs past it closes the last days.
    assert_eq!(quota_by_day(&model, 0), quota_by_day(&reference, 0));
    let mut markers = reference.markers.clone();
    // Day 14 is the end of the period itself: accepted as before, without a note.
    markers.extend([
        Marker {
            port: 0,
            day: 14,
            label: "closed".into(),
        },
        Marker {
            port: 0,
            day: 14,
            label: "quota 1/day".into(),
        },
    ]);
    assert_eq!(model.markers, markers);
    let notes_expected = [
        (
            format!("`on` (2018-12-25, day 42) is after {PERIOD} and has no effect in this run"),
            at(&text, "2018-12-25"),
        ),
        (
            format!(
                "`to` (2018-12-01, day 18) is after {PERIOD}: only the part of the closure before day 14 is in this run"
            ),
            at(&text, "2018-12-01"),
        ),
        (
            format!("`from` (day 20) is after {PERIOD} and has no effect in this run"),
            at(&text, "20, to"),
        ),
        (
            format!("`from` (2019-01-01, day 49) is after {PERIOD} and has no effect in this run"),
            at(&text, "2019-01-01"),
        ),
        (
            format!("`from` (day 60) is after {PERIOD} and has no effect in this run"),
            at(&text, "60, quota"),
        ),
    ];
    let expected: Vec<(&str, (usize, usize))> = notes_expected.iter().map(|(m, p)| (m.as_str(), *p)).collect();
    assert_notes(&notes, &expected);
    // A note is shown like an error, headed `note:`.
    let (line, column) = at(&text, "2018-12-25");
    let shown = notes[0].to_string();
    assert!(
        shown.starts_with(&format!(
            "note: `on` (2018-12-25, day 42) is after {PERIOD} and has no effect in this run\n"
        )) && shown.contains(&format!("--> s.toml:{line}:{column}\n")),
        "{shown}"
    );

    // Entries after the end are still checked like the others.
    let with = |entries: &str| scenario("", &format!("{PORT}{entries}\n"), STREAM);
    let text = with("schedule = [{ from = 40, quota_per_day = 1 }, { from = 30, quota_per_day = 2 }]");
    expect(&text, "schedule entries must be in time order", at(&text, "30, quota"));
    let text = with("schedule = [{ from = 40, quota_per_day = -1 }]");
    expect(&text, "`quota_per_day` must be", at(&text, "-1"));
    let text = with("schedule = [{ from = 40.5, quota_per_day = 1 }]");
    expect(&text, "`from` must be a whole day, found day 40.5", at(&text, "40.5"));
    let text = with("closures = [{ from = 40, to = 30 }]");
    expect(&text, "the closure ends before it starts", at(&text, "30 }"));
    let text = with("schedule = [{ from = -3, quota_per_day = 1 }]");
    expect(
        &text,
        "`from` (day -3) is outside the simulated period (day 0 to day 14)",
        at(&text, "-3"),
    );
}

#[test]
fn streams_after_the_period() {
    let only = |stream: &str| -> (Model, Vec<Note>, String) {
        let text = scenario("", PORT, stream);
        let (model, notes) = noted(&text);
        (model, notes, text)
    };
    let period = "the simulated period (day 0 to day 14)";
    let segments = |model: &Model| -> Vec<Segment> {
        let Source::Segments { segments, .. } = &model.streams[0].source else {
            panic!()
        };
        segments.clone()
    };
    let pieces = |model: &Model| -> Vec<RatePiece> {
        let Source::Poisson { pieces } = &model.streams[0].source else {
            panic!()
        };
        pieces.clone()
    };

    // A wave after the end is left out; one that runs past it keeps its whole window.
    let (model, notes, text) = only(&format!("{WAVE}people = 5\nfrom = 20\nto = 30\n"));
    assert!(segments(&model).is_empty());
    let message = format!("`from` (day 20) is after {period} and has no effect in this run");
    assert_notes(&notes, &[(&message, after(&text, "from = "))]);
    let (model, notes, text) = only(&format!("{WAVE}people = 500\nfrom = 10\nto = 20\n"));
    assert_eq!(
        segments(&model),
        vec![Segment {
            start_days: 10.0,
            end_days: 20.0,
            people: 500,
            shape: Shape::Uniform
        }]
    );
    let message = format!("`to` (day 20) is after {period}: only the part of the wave before day 14 is in this run");
    assert_notes(&notes, &[(&message, after(&text, "to = "))]);

    // Curves: the segment that spans the end is kept whole, later ones are left out.
    let curve = "curve = [{ at = 0, people = 0 }, { at = 10, people = 10 }, { at = 20, people = 30 }, { at = 30, people = 40 }]\n";
    let (model, notes, text) = only(&format!("{WAVE}{curve}"));
    assert_eq!(
        segments(&model),
        vec![
            Segment {
                start_days: 0.0,
                end_days: 10.0,
                people: 10,
                shape: Shape::Uniform
            },
            Segment {
                start_days: 10.0,
                end_days: 20.0,
                people: 20,
                shape: Shape::Uniform
            },
        ]
    );
    let message = format!("`at` (day 20) is after {period}: only the part of the curve before day 14 is in this run");
    assert_notes(&notes, &[(&message, at(&text, "20, people"))]);
    let (model, notes, text) = only(&format!(
        "{WAVE}curve = [{{ at = 20, people = 5 }}, {{ at = 30, people = 10 }}]\n"
    ));
    assert!(segments(&model).is_empty());
    let message = format!("`at` (day 20) is after {period} and has no effect in this run");
    assert_notes(&notes, &[(&message, at(&text, "20, people"))]);

    // Poisson streams: `until` after the end; rate pieces after it are left out.
    let (model, notes, text) = only(&format!("{POISSON}people_per_day = 2\nuntil = 20\n"));
    assert_eq!(
        pieces(&model),
        vec![RatePiece {
            start_days: 0.0,
            end_days: 20.0,
            groups_per_day: 2.0
        }]
    );
    let message =
        format!("`until` (day 20) is after {period}: only the part of the stream before day 14 is in this run");
    assert_notes(&notes, &[(&message, after(&text, "until = "))]);
    let rates = "rates = [{ from = 0, people_per_day = 4 }, { from = 10, people_per_day = 8 }, { from = 20, people_per_day = 2 }]\n";
    let (model, notes, text) = only(&format!("{POISSON}{rates}"));
    assert_eq!(
        pieces(&model),
        vec![
            RatePiece {
                start_days: 0.0,
                end_days: 10.0,
                groups_per_day: 4.0
            },
            RatePiece {
                start_days: 10.0,
                end_days: 14.0,
                groups_per_day: 8.0
            },
        ]
    );
    let message = format!("`from` (day 20) is after {period} and has no effect in this run");
    assert_notes(&notes, &[(&message, at(&text, "20, people"))]);
    let (model, notes, text) = only(&format!("{POISSON}{rates}until = 30\n"));
    assert_eq!(pieces(&model).len(), 2);
    assert_eq!(pieces(&model)[1].end_days, 20.0);
    let until = format!("`until` (day 30) is after {period}: only the part of the stream before day 14 is in this run");
    assert_notes(
        &notes,
        &[(&until, after(&text, "until = ")), (&message, at(&text, "20, people"))],
    );
    // Without `until`, a piece may start at the end of the period (and has no effect).
    let (model, notes, _) = only(&format!(
        "{POISSON}rates = [{{ from = 0, people_per_day = 4 }}, {{ from = 14, people_per_day = 8 }}]\n"
    ));
    assert_eq!(pieces(&model)[1].start_days, 14.0);
    assert!(notes.is_empty());
    // With `until`, every piece must still start before it, wherever the period ends.
    let text = scenario(
        "",
        PORT,
        &format!(
            "{POISSON}rates = [{{ from = 0, people_per_day = 1 }}, {{ from = 30, people_per_day = 1 }}]\nuntil = 20\n"
        ),
    );
    expect(
        &text,
        "this rate starts on or after the end of the stream",
        at(&text, "30, people"),
    );

    // Before day 0 is still an error.
    for (stream, needle) in [
        (
            format!("{WAVE}people = 5\nfrom = -1\nto = 3\n"),
            "`from` (day -1) is outside",
        ),
        (
            format!("{WAVE}curve = [{{ at = -1, people = 5 }}]\n"),
            "`at` (day -1) is outside",
        ),
        (
            format!("{POISSON}rates = [{{ from = -1, people_per_day = 1 }}]\n"),
            "`from` (day -1) is outside",
        ),
        (
            format!("{POISSON}people_per_day = 1\nuntil = -1\n"),
            "`until` (day -1) is outside",
        ),
    ] {
        let text = scenario("", PORT, &stream);
        expect(&text, needle, at(&text, "-1"));
    }
}

#[test]
fn trace_rows_after_the_period() {
    let text = scenario("start_date = 2018-11-13\n", PORT, TRACE);
    let load = |csv: &str| -> (Vec<Record>, Model, Vec<Note>) {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("arrivals.csv"), csv).unwrap();
        let loaded = match load_str("s.toml", &text, dir.path()) {
            Ok(loaded) => loaded,
            Err(error) => panic!("unexpected errors:\n{error}"),
        };
        let Source::Records { records } = &loaded.streams[0].source else {
            panic!()
        };
        (records.clone(), loaded.clone(), loaded.notes)
    };

    // Rows at or after the end are left out, with one note at the first of them, in the file.
    let (records, model, notes) = load("day,size\n1,1\n13.5,3\n14,3\n20,1\n");
    assert_eq!(
        records.iter().map(|r| (r.arrival, r.size)).collect::<Vec<_>>(),
        vec![(TICKS_PER_DAY, 1), (27 * TICKS_PER_DAY / 2, 3)]
    );
    assert_eq!(model.streams[0].group_size.mean(), 2.0);
    let message =
        format!("`day` (day 14) is at the end of {PERIOD}: this row and the row after it have no effect in this run");
    assert_notes(&notes, &[(&message, (4, 1))]);
    let (source, _) = notes[0].0.location.as_ref().unwrap();
    assert!(source.name.ends_with("arrivals.csv"), "{}", source.name);

    let (_, _, notes) = load("day\n2018-12-25\n2019-01-01\n2019-01-02\n2019-01-03\n");
    let message = format!(
        "`day` (2018-12-25, day 42) is after {PERIOD}: this row and the 3 rows after it have no effect in this run"
    );
    assert_notes(&notes, &[(&message, (2, 1))]);

    // A file whose rows are all after the end brings nobody.
    let (records, model, notes) = load("day,size\n20,2\n");
    assert!(records.is_empty());
    assert!(matches!(model.streams[0].group_size, Dist::Fixed(1.0)));
    assert_eq!(model.streams[0].class_cumulative, vec![1.0]);
    let message = format!("`day` (day 20) is after {PERIOD} and has no effect in this run");
    assert_notes(&notes, &[(&message, (2, 1))]);

    // A file with no rows at all is still an error.
    let diagnostics = csv_errors(&scenario("", PORT, TRACE), &[("arrivals.csv", "day\n")]);
    find(&diagnostics, "has no rows after its header");
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
