//! Dated entries after the end of the simulated period: accepted with notes, without effect.

use super::*;

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
