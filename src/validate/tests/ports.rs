//! Ports: calendars (weekdays, closures, schedules), disciplines, the quota and officers forms.

use super::*;

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
