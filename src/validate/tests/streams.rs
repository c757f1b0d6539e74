//! Streams: every kind (backlog, wave, Poisson), group sizes, classes and their mixes, outcomes.

use super::*;

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
