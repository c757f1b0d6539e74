//! CSV inputs: list snapshots and traces, and errors that point into the CSV file.

use super::*;

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
