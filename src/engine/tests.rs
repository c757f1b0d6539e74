//! Hand-checkable engine cases on models built directly (validation has its own tests).

use super::*;
use crate::model::{Dist, Port, Segment, Shape, Source, Stream, days_to_ticks};

/// `people` at day 0 and a FIFO quota port calling `quota` at `call_hours` every day.
fn backlog_model(people: u64, quota: f64, call_hours: f64, horizon_days: u32) -> Model {
    Model {
        name: "hand".into(),
        description: String::new(),
        start_date: None,
        horizon_days,
        seed: 1,
        replications: 1,
        warm_up_days: 0,
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
                counts: Counts::People,
            }),
        }],
        streams: vec![Stream {
            name: "backlog".into(),
            port: 0,
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
            outcome_cumulative: vec![1.0],
        }],
        markers: Vec::new(),
    }
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
    let result = run_replication_traced(&model, 0, &mut recorder);
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
