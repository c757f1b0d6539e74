//! Hand-checkable engine cases on models built directly (validation has its own tests).

use super::*;
use crate::model::{Counts, Dist, Port, Segment, Shape, Source, Stream, days_to_ticks};

/// `people` at day 0 and a FIFO quota port calling `quota` at `call_hours` every day.
fn backlog_model(people: u64, quota: f64, call_hours: f64, horizon_days: u32) -> Model {
    Model {
        built_in: None,
        name: "hand".into(),
        description: String::new(),
        start_date: None,
        horizon_days,
        seed: 1,
        replications: 1,
        warm_up_days: 0,
        share_over_days: Vec::new(),
        classes: vec!["all".into()],
        outcomes: vec!["unspecified".into()],
        ports: vec![Port {
            name: "port".into(),
            discipline: Discipline::Fifo,
            capacity: Capacity::Quota(Quota {
                quota_by_day: vec![quota; horizon_days as usize],
                call_offset: days_to_ticks(call_hours / 24.0),
                randomness: QuotaRandomness::Fixed,
                no_show_share: 0.0,
                no_show: NoShow::Drop,
                no_show_exact: false,
                counts: Counts::People,
            }),
            list_numbers: None,
        }],
        network: Default::default(),
        streams: vec![Stream {
            name: "backlog".into(),
            port: 0,
            slot: 0,
            source: Source::Segments {
                segments: vec![Segment {
                    start_days: 0.0,
                    end_days: 0.0,
                    people,
                    shape: Shape::Uniform,
                }],
                waited_days: None,
            },
            group_size: Dist::Fixed(1.0),
            class_cumulative: vec![1.0],
            join_share: 1.0,
            patience_by_class: vec![None],
            stays_listed_by_class: vec![false],
            outcome_cumulative: vec![1.0],
        }],
        markers: Vec::new(),
        text: std::sync::Arc::from(""),
        changes: Vec::new(),
        notes: Vec::new(),
    }
}

/// The model of scenario text (CSV paths relative to the working directory).
pub(super) fn model_from(text: &str) -> Model {
    crate::validate::load_str("test.toml", text, std::path::Path::new(".")).expect("valid scenario")
}

#[derive(Default)]
struct Recorder(Vec<(Ticks, TraceEvent, u32, u64)>);

impl Trace for Recorder {
    fn record(&mut self, time: Ticks, event: TraceEvent, _: usize, group: u32, _: u32, list: u64) {
        self.0.push((time, event, group, list));
    }
}

#[test]
fn quota_of_100_clears_1000_in_10_days() {
    let model = backlog_model(1000, 100.0, 0.0, 15);
    let mut recorder = Recorder::default();
    let result = run_replication_traced(&model, 0, &mut recorder, &CancelToken::new()).expect("not cancelled");
    let processed: Vec<_> = recorder.0.iter().filter(|e| e.1 == TraceEvent::Process).collect();
    assert_eq!(processed.len(), 1000);
    for (k, event) in processed.iter().enumerate() {
        assert_eq!(event.2 as usize, k, "FIFO order");
        assert_eq!(
            event.0,
            (k as Ticks / 100) * TICKS_PER_DAY,
            "k-th waits floor((k-1)/100) days"
        );
    }
    let daily = &result.ports[0].daily;
    assert_eq!(
        daily.on_list[0][..11],
        [900, 800, 700, 600, 500, 400, 300, 200, 100, 0, 0]
    );
    assert_eq!(daily.first_empty_day(), Some(9));
    assert_eq!(
        daily.processed[..11],
        [100; 10].iter().copied().chain([0]).collect::<Vec<_>>()[..]
    );
    let people = &result.ports[0].by_class[0];
    assert_eq!(people.processed.people, 1000);
    assert!((people.processed.mean_days() - 4.5).abs() < 1e-12);
    assert_eq!(people.waiting_at_end.people, 0);
}

#[test]
fn ages_and_abandonment_are_counted_on_the_right_days() {
    let mut model = backlog_model(10, 0.0, 0.0, 100);
    // Nobody is processed; everyone gives up after exactly 40.5 days.
    model.streams[0].patience_by_class = vec![Some(Dist::Fixed(40.5))];
    let result = run_replication(&model, 0);
    let daily = &result.ports[0].daily;
    // On the list at the end of days 0..=39 (deadline 40.5 falls in day 40).
    assert_eq!(daily.on_list[0][39], 10);
    assert_eq!(daily.on_list[0][40], 0);
    // Waited more than 30 days at the end of day d means d + 1 > 30: days 30..=39.
    assert_eq!(daily.on_list[1][29], 0);
    assert_eq!(daily.on_list[1][30], 10);
    assert_eq!(daily.on_list[2][39], 0);
    assert_eq!(daily.abandoned[40], 10);
    assert_eq!(daily.abandoned.iter().sum::<u64>(), 10);
    let people = &result.ports[0].by_class[0];
    assert_eq!(people.abandoned.people, 10);
    assert!((people.abandoned.mean_days() - 40.5).abs() < 1e-9);
}

#[test]
fn censored_waits_are_kept() {
    let model = backlog_model(10, 3.0, 12.0, 2);
    let result = run_replication(&model, 0);
    let people = &result.ports[0].by_class[0];
    assert_eq!(people.processed.people, 6);
    assert_eq!(people.waiting_at_end.people, 4);
    assert!((people.waiting_at_end.mean_days() - 2.0).abs() < 1e-12);
    assert_eq!(result.ports[0].daily.on_list[0], vec![7, 4]);
}

/// Runs replication 0 of `model` with windows aiming at `window_groups` groups.
fn run_with_windows(model: &Model, window_groups: usize) -> (Replication, Vec<(Ticks, TraceEvent, u32, u64)>) {
    let mut recorder = Recorder::default();
    let cancel = CancelToken::new();
    let mut sim = Sim::new(model, 0, &cancel);
    sim.run(&mut Feed::with_window_groups(model, 0, window_groups), &mut recorder);
    (sim.finish(&mut recorder), recorder.0)
}

#[test]
fn windows_of_any_size_give_the_same_run() {
    // Both kinds of port, households, two classes, groups that don't join, patience and
    // outcomes, a backlog with waits and a wave: every draw a stream makes on arrival.
    let text = r#"schema = 1
        [run]
        name = "windows"
        horizon_days = 60
        seed = 7
        [[classes]]
        name = "single"
        [[classes]]
        name = "family"
        patience_days = { dist = "exponential", mean = 30 }
        [[ports]]
        name = "list"
        capacity = { kind = "quota", quota_per_day = 40 }
        [[ports]]
        name = "office"
        capacity = { kind = "officers", officers = 3, service_days = { dist = "exponential", mean = 0.1 } }
        [[streams]]
        name = "walk_ins"
        port = "list"
        kind = "poisson"
        people_per_day = 45
        group_size = { dist = "empirical", values = [1, 2, 3], weights = [0.6, 0.3, 0.1] }
        class_mix = { single = 0.7, family = 0.3 }
        join_share = 0.8
        patience_days = { dist = "exponential", mean = 20 }
        outcomes = { returned_home = 0.5, stayed_in_mexico = 0.5 }
        [[streams]]
        name = "signed_up"
        port = "list"
        kind = "backlog"
        people = 500
        waited_days = { dist = "uniform", min = 0, max = 30 }
        class_mix = { single = 1 }
        patience_days = { dist = "exponential", mean = 40 }
        [[streams]]
        name = "caravan"
        port = "office"
        kind = "wave"
        people = 400
        from = 2
        to = 9
        class_mix = { family = 1 }
        "#;
    let model = model_from(text);
    let (reference, trace) = run_with_windows(&model, 1 << 30);
    assert!(trace.len() > 5_000, "{} events", trace.len());
    for window_groups in [1, 2, 7, 100] {
        let (replication, events) = run_with_windows(&model, window_groups);
        assert!(replication == reference, "windows of {window_groups}: other statistics");
        assert!(events == trace, "windows of {window_groups}: other events");
    }
    assert!(run_replication(&model, 0) == reference);
}

/// Runs replication 0 of `model`, drawing every port's service times one at a time in the
/// event loop.
fn run_drawing_services_one_at_a_time(model: &Model) -> (Replication, Vec<(Ticks, TraceEvent, u32, u64)>) {
    let mut recorder = Recorder::default();
    let cancel = CancelToken::new();
    let mut sim = Sim::new(model, 0, &cancel);
    for (index, port) in sim.ports.iter_mut().enumerate() {
        port.services_ahead = false;
        port.rng = Some(port_rng(model, 0, index));
    }
    sim.run(&mut Feed::new(model, 0).without_services(), &mut recorder);
    (sim.finish(&mut recorder), recorder.0)
}

#[test]
fn service_times_drawn_by_the_feed_neither_run_out_nor_pile_up() {
    // Ten times more arrivals than the officers serve, most giving up: the feed draws for
    // groups that may still be served, not for every group that joined.
    let model = model_from(
        r#"schema = 1
        [run]
        name = "overload"
        horizon_days = 400
        seed = 5
        [[ports]]
        name = "office"
        discipline = "fifo"
        [ports.capacity]
        kind = "officers"
        officers = 2
        service_days = { dist = "exponential", mean = 1 }
        [[streams]]
        name = "walk_ins"
        port = "office"
        kind = "poisson"
        people_per_day = 20
        patience_days = { dist = "exponential", mean = 1 }
        "#,
    );
    let (reference, trace) = run_drawing_services_one_at_a_time(&model);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        for window_groups in [1, 7, 100] {
            let mut recorder = Recorder::default();
            let cancel = CancelToken::new();
            let mut sim = Sim::new(&model, 0, &cancel);
            pool.install(|| sim.run(&mut Feed::with_window_groups(&model, 0, window_groups), &mut recorder));
            let port = &sim.ports[0];
            let unused = port.services.len() - port.next_service + port.services_fed.len();
            let listed: usize = port.lanes.iter().map(Lane::len).sum();
            let gave_up = port.gave_up_groups as usize;
            assert!(gave_up > 5_000, "{gave_up} gave up");
            // Those of groups on the list, and of groups found to have given up in the few
            // windows the feed is ahead: not one for each group that gave up.
            assert!(
                unused <= listed + gave_up / 20,
                "{unused} unused for {listed} listed and {gave_up} gone, windows of {window_groups}"
            );
            assert!(
                sim.finish(&mut recorder) == reference,
                "windows of {window_groups}: other statistics"
            );
            assert!(recorder.0 == trace, "windows of {window_groups}: other events");
        }
    }
}

#[test]
fn service_times_drawn_ahead_give_the_same_run() {
    // Officers around the clock (served at once when idle) and on shifts, under each
    // discipline that draws ahead, with patience; and a lottery port, which never does.
    for (discipline, shift) in [
        ("fifo", ""),
        ("lifo", ""),
        ("priority", ""),
        ("fifo", "shift_start_hours = 8\nshift_end_hours = 16"),
        ("priority", "shift_start_hours = 6\nshift_end_hours = 20"),
        ("mixed", ""),
    ] {
        let discipline = match discipline {
            "mixed" => "discipline = \"mixed\"\noldest_share = 0.5".to_string(),
            other => format!("discipline = \"{other}\""),
        };
        let text = format!(
            r#"schema = 1
            [run]
            name = "ahead"
            horizon_days = 200
            seed = 3
            [[classes]]
            name = "urgent"
            [[classes]]
            name = "normal"
            [[ports]]
            name = "office"
            {discipline}
            [ports.capacity]
            kind = "officers"
            officers = 3
            service_days = {{ dist = "exponential", mean = 0.5 }}
            {shift}
            [[streams]]
            name = "walk_ins"
            port = "office"
            kind = "poisson"
            people_per_day = 5
            class_mix = {{ urgent = 0.3, normal = 0.7 }}
            patience_days = {{ dist = "exponential", mean = 3 }}
            "#
        );
        let model = model_from(&text);
        let (reference, trace) = run_drawing_services_one_at_a_time(&model);
        assert!(trace.len() > 1_000, "{} events", trace.len());
        assert!(
            trace.iter().any(|event| event.1 == TraceEvent::Abandon),
            "{discipline}: someone gives up"
        );
        let (replication, events) = run_with_windows(&model, 1 << 30);
        assert!(replication == reference, "{discipline} {shift}: other statistics");
        assert!(events == trace, "{discipline} {shift}: other events");
    }
}

#[test]
fn a_stream_stepping_back_in_time_is_held_at_its_latest_arrival() {
    // Validation keeps every stream in time order; a model built directly need not be.
    let text = r#"schema = 1
        [run]
        name = "back"
        horizon_days = 20
        seed = 3
        [[ports]]
        name = "list"
        capacity = { kind = "quota", quota_per_day = 30 }
        [[streams]]
        name = "steady"
        port = "list"
        kind = "poisson"
        people_per_day = 25
        [[streams]]
        name = "recorded"
        port = "list"
        kind = "poisson"
        people_per_day = 1
        "#;
    let mut model = model_from(text);
    let days = [0.0, 10.0, 0.25, 9.8, 3.0, 15.5, 15.5, 2.0, 19.0, 1.0];
    let records = days
        .iter()
        .map(|&day| crate::model::Record {
            arrival: days_to_ticks(day),
            joined: days_to_ticks(day),
            size: 1,
            class: 0,
        })
        .collect();
    let joins =
        |trace: &[(Ticks, TraceEvent, u32, u64)]| trace.iter().filter(|event| event.1 == TraceEvent::Join).count();
    let mut steady_only = model.clone();
    steady_only.streams[1].source = Source::Records { records: Vec::new() };
    let steady = joins(&run_with_windows(&steady_only, 1 << 30).1);
    model.streams[1].source = Source::Records { records };
    let (reference, trace) = run_with_windows(&model, 1 << 30);
    assert_eq!(joins(&trace), steady + days.len(), "every group arrives");
    for window_groups in [1, 3, 10, 40, 60] {
        let (replication, events) = run_with_windows(&model, window_groups);
        assert!(replication == reference, "windows of {window_groups}: other statistics");
        assert!(events == trace, "windows of {window_groups}: other events");
    }
    let times: Vec<Ticks> = trace.iter().map(|event| event.0).collect();
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "time never steps back");
}

/// Dates far beyond the end (windows that end, or entries that start, around day 10³⁰⁰) are
/// accepted and run cleanly: nothing past the end is indexed or scheduled, and everyone who
/// joins is processed, leaves or is still waiting at the end.
#[test]
fn far_future_dates_run_cleanly() {
    let text = "schema = 1\n[run]\nname = \"far\"\nhorizon_days = 20\nseed = 3\n\n\
        [[ports]]\nname = \"p\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 5\n\
        closures = [{ from = 15, to = 1e300 }, { on = 1e300 }]\n\
        schedule = [{ from = 3, quota_per_day = 7 }, { from = 1e300, quota_per_day = 1 }]\n\n\
        [[ports]]\nname = \"o\"\n[ports.capacity]\nkind = \"officers\"\nofficers = 2\nservice_days = 0.5\n\
        schedule = [{ from = 1e300, officers = 9 }]\n\n\
        [[streams]]\nname = \"w\"\nport = \"p\"\nkind = \"wave\"\npeople = 1000\nfrom = 2\nto = 1e300\n\
        shape = \"triangular\"\npeak = 1e299\n\n\
        [[streams]]\nname = \"c\"\nport = \"o\"\nkind = \"wave\"\n\
        curve = [{ at = 0, people = 10 }, { at = 1e300, people = 1000000000 }]\n\n\
        [[streams]]\nname = \"late\"\nport = \"o\"\nkind = \"wave\"\npeople = 50\nfrom = 1e300\nto = 1e301\n\n\
        [[streams]]\nname = \"r\"\nport = \"p\"\nkind = \"poisson\"\n\
        rates = [{ from = 0, people_per_day = 3 }, { from = 1e300, people_per_day = 1 }]\nuntil = 1e301\n";
    let model = model_from(text);
    for r in 0..3 {
        let replication = run_replication(&model, r);
        let people = replication.total_people(model.outcomes.len());
        assert!(people.arrived >= 10, "{r}: {}", people.arrived);
        assert_eq!(
            people.arrived,
            people.processed.people + people.abandoned.people + people.waiting_at_end.people,
            "replication {r}: everyone who joined is accounted for"
        );
    }
}

/// A scenario of `people` people (households of one) on the list at day 0, a FIFO quota port
/// calling at 9:00 with the capacity keys `capacity`, and stream keys `stream`.
fn listed(people: u32, days: u32, capacity: &str, stream: &str) -> Model {
    model_from(&format!(
        "schema = 1\n[run]\nname = \"t\"\nhorizon_days = {days}\nseed = 1\n\
         [[ports]]\nname = \"p\"\n[ports.capacity]\nkind = \"quota\"\ncall_time_hours = 9\n{capacity}\n\
         [[streams]]\nname = \"s\"\nport = \"p\"\nkind = \"backlog\"\npeople = {people}\n{stream}\n"
    ))
}

#[test]
fn absent_names_use_up_calls_exactly() {
    // The issue's hand case: 1,000 at t=0, 100 calls a day, exactly 20% absent.
    let model = listed(
        1000,
        15,
        "quota_per_day = 100\ncounts = \"calls\"\nno_show_share = 0.2\nno_show_exact = true",
        "",
    );
    let result = run_replication(&model, 0);
    let daily = &result.ports[0].daily;
    assert_eq!(
        daily.processed[..10].iter().sum::<u64>(),
        800,
        "800 processed by day 10"
    );
    assert_eq!(daily.processed[..10], [80; 10]);
    assert_eq!(daily.abandoned[..10], [20; 10]);
    assert_eq!(daily.on_list[0][9], 0);
    // Counting people processed instead, absent people use up nothing: 100 a day are processed.
    let model = listed(
        1000,
        15,
        "quota_per_day = 100\ncounts = \"people\"\nno_show_share = 0.2\nno_show_exact = true",
        "",
    );
    let daily = &run_replication(&model, 0).ports[0].daily;
    assert_eq!(daily.processed[..8], [100; 8]);
    assert_eq!(daily.processed.iter().sum::<u64>(), 800);
}

#[test]
fn names_of_those_who_gave_up_stay_listed_until_called() {
    // Ten people, patience 2.5 days, two calls a day: 2 processed on each of days 0-2; the
    // other 4 leave at day 2.5, but their names are called on days 3 and 4.
    let stay = "patience_days = 2.5\non_give_up = \"stay_listed\"";
    let model = listed(10, 6, "quota_per_day = 2\ncounts = \"calls\"", stay);
    let mut recorder = Recorder::default();
    let result = run_replication_traced(&model, 0, &mut recorder, &CancelToken::new()).expect("not cancelled");
    let daily = &result.ports[0].daily;
    assert_eq!(daily.on_list[0], [8, 6, 0, 0, 0, 0]);
    assert_eq!(daily.names_on_list, [8, 6, 4, 2, 0, 0]);
    assert_eq!(daily.processed, [2, 2, 2, 0, 0, 0]);
    assert_eq!(daily.abandoned, [0, 0, 4, 0, 0, 0]);
    let struck: Vec<Ticks> = recorder
        .0
        .iter()
        .filter(|event| event.1 == TraceEvent::NameStruck)
        .map(|event| event.0 / TICKS_PER_DAY)
        .collect();
    assert_eq!(struck, [3, 3, 4, 4]);
    // Leaving the list takes the names with the people.
    let model = listed(10, 6, "quota_per_day = 2\ncounts = \"calls\"", "patience_days = 2.5");
    let daily = &run_replication(&model, 0).ports[0].daily;
    assert_eq!(daily.names_on_list, daily.on_list[0]);
    // Counting people processed, absent names cost nothing: all four are struck on day 3.
    let model = listed(10, 6, "quota_per_day = 2\ncounts = \"people\"", stay);
    let daily = &run_replication(&model, 0).ports[0].daily;
    assert_eq!(daily.names_on_list, [8, 6, 4, 0, 0, 0]);
}

#[test]
fn list_numbers_are_issued_and_called_in_order() {
    // 25 people in households of 1, a number per 10 people from 1,701: numbers 1,701-1,703.
    let text = "schema = 1\n[run]\nname = \"t\"\nhorizon_days = 4\nseed = 1\n\
                [[ports]]\nname = \"p\"\nlist_numbers = { first = 1701, people_per_number = 10 }\n\
                [ports.capacity]\nkind = \"quota\"\nquota_per_day = 10\n\
                [[streams]]\nname = \"s\"\nport = \"p\"\nkind = \"backlog\"\npeople = 25\n";
    let result = run_replication(&model_from(text), 0);
    let numbers = result.ports[0].numbers.as_ref().expect("numbers");
    assert_eq!(numbers.issued, [1703; 4]);
    // 10 people a day: persons 1-10 (number 1,701), 11-20 (1,702), 21-25 (1,703).
    assert_eq!(numbers.now_serving, [1701, 1702, 1703, 1703]);
}

#[test]
fn a_class_can_keep_its_names_listed_whatever_its_streams_do() {
    let text = "schema = 1\n[run]\nname = \"t\"\nhorizon_days = 6\nseed = 1\n\
                [[classes]]\nname = \"a\"\n[[classes]]\nname = \"b\"\non_give_up = \"stay_listed\"\n\
                [[ports]]\nname = \"p\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 2\ncall_time_hours = 9\ncounts = \"calls\"\n\
                [[streams]]\nname = \"s\"\nport = \"p\"\nkind = \"backlog\"\npeople = 10\n\
                class_mix = { b = 1.0 }\npatience_days = 2.5\n";
    let model = model_from(text);
    assert_eq!(model.streams[0].stays_listed_by_class, [false, true]);
    // Everyone is of class b: the case of `names_of_those_who_gave_up_stay_listed_until_called`.
    let daily = &run_replication(&model, 0).ports[0].daily;
    assert_eq!(daily.names_on_list, [8, 6, 4, 2, 0, 0]);
}
